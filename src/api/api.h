/**
 * @file api.h  The HTTP API: JSON over HTTP/1.1 on the control loop.
 *
 * Owns: the HTTP listening socket and its connections (libre's http server),
 * the route table, request parsing (path parameters, query strings, JSON
 * bodies) and the JSON error format.
 *
 * Offers: api_alloc() starts serving the routes of the table in routes.c
 * against the routing engine and the other subsystems given in api_cfg.
 * Every answer is JSON; errors are {"error": {"code": "...", "message":
 * "..."}} with the matching status (400 bad input, 404 unknown thing or
 * route, 405 wrong method, 409 refused by the engine, 411/413/415 framing,
 * 503 store busy or absent).
 * The table is the single source of truth for docs/api/openapi.yaml
 * (tests/api/test_openapi.c compares the two).
 *
 * Limits: request bodies above API_BODY_MAX get 413 and the connection is
 * closed; bodies above libre's own buffer (512 KiB) make libre close the
 * connection without an answer.  Chunked bodies are refused with 411.
 *
 * Threads: everything here belongs to the control loop that called
 * api_alloc(); handlers run on it and must never block.  Slow work (the
 * store) answers later through api_req_hold()/api_reply_*().
 */
#ifndef HOTLINE_API_H
#define HOTLINE_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* jansson's json_t is "struct json_t"; naming the struct keeps <jansson.h>
 * out of this header, because it clashes with libre's <re.h> (re_json.h
 * defines JSON_STRING and JSON_NULL too).  Include one or the other. */
struct json_t;
struct acd;
struct store;
struct voice;
struct center;
struct api;
struct api_req;

#define API_BODY_MAX (64 * 1024) /* bytes of request body accepted */
#define API_PARAMS_MAX 4         /* {params} in one route pattern */
#define API_QUERY_MAX 16         /* query parameters kept per request */
#define API_PARAM_LEN 128        /* bytes of one decoded {param}, with NUL */

/* --- server.c: the HTTP server ------------------------------------------ */

struct api_cfg {
	const char *listen;           /* "ADDR:PORT" */
	struct acd *acd;              /* borrowed, required */
	const struct center *center;  /* borrowed, required */
	struct store *store;          /* borrowed; NULL: interactions 503 */
	struct voice *voice;          /* borrowed; NULL: no device counts */
};

/** Listen on cfg->listen and serve the route table.  Returns EINVAL for a
 *  bad address, EADDRINUSE when the port is taken, ENOMEM.  mem_deref()
 *  stops listening and closes every connection. */
int api_alloc(struct api **apip, const struct api_cfg *cfg);
/** The bound address (useful with port 0). */
int api_local_addr(const struct api *api, char *buf, size_t sz);

/* --- request.c: what a handler can read and how it answers --------------- */

struct acd *api_acd(const struct api_req *req);
const struct center *api_center(const struct api_req *req);
struct store *api_store(const struct api_req *req);
struct voice *api_voice(const struct api_req *req);
/** Decoded value of a {param} of the route, by name; NULL if none. */
const char *api_req_param(const struct api_req *req, const char *name);
/** Decoded value of a query parameter (first occurrence), or NULL. */
const char *api_req_query(const struct api_req *req, const char *name);
/** The first query parameter whose name is not among known[0..n), or NULL
 *  (for routes where a mistyped filter must not be ignored). */
const char *api_req_query_unknown(const struct api_req *req,
				  const char *const *known, size_t n);
/** The JSON object sent as body, or NULL (routes without a body). */
struct json_t *api_req_body(const struct api_req *req);
/** Milliseconds since the daemon's API started (for uptime). */
uint64_t api_uptime_ms(const struct api_req *req);

/** Keep the request (and its connection) for an answer after the handler
 *  returns; returns the request with one more reference, which the caller
 *  releases with mem_deref() after answering.  If the client went away
 *  meanwhile the answer is dropped silently. */
struct api_req *api_req_hold(struct api_req *req);

/** Answer with a JSON document; takes the reference of body. */
int api_reply_json(struct api_req *req, uint16_t status,
		   struct json_t *body);
/** Answer {"error": {"code": code, "message": printf(fmt, ...)}}. */
int api_reply_error(struct api_req *req, uint16_t status, const char *code,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/** Answer with a body of another type (a recording); the data is copied. */
int api_reply_data(struct api_req *req, uint16_t status, const char *ctype,
		   const void *data, size_t len);
/** Answer an errno from the engine: EINVAL 400, ENOENT 404, EBUSY and
 *  EALREADY 409, EPERM 403, otherwise 500; message is the engine's. */
int api_reply_errno(struct api_req *req, int err, const char *message);
bool api_req_replied(const struct api_req *req);

/* --- routes.c: the route table ------------------------------------------ */

/** Who may call a route.  Enforcement arrives with users and tokens; the
 *  table says already what each route will need. */
enum api_role {
	API_ROLE_PUBLIC = 0, /* anyone, e.g. health */
	API_ROLE_AGENT,      /* an agent acting on itself */
	API_ROLE_SUPERVISOR, /* reads and changes within a tenant */
	API_ROLE_ADMIN,      /* everything */
};

typedef void(api_route_h)(struct api_req *req);

struct api_route {
	const char *method;   /* "GET", "POST", ... */
	const char *pattern;  /* "/api/v1/agents/{ext}/state" */
	api_route_h *h;
	enum api_role role;
	bool body;            /* takes a JSON object body */
	const char *summary;  /* one line, also in openapi.yaml */
};

/** The route table and its length. */
const struct api_route *api_routes(size_t *np);
const char *api_role_name(enum api_role role);

/* --- path.c: decoding paths and query strings --------------------------- */

/** Match a path against a pattern.  On success the decoded values of the
 *  {params} are written to vals (up to nvals, in the pattern's order) and
 *  their count to *np.  Returns 0, ENOENT if it does not match, EBADMSG for
 *  a malformed escape, ENAMETOOLONG for a value of API_PARAM_LEN or more. */
int api_path_match(const char *pattern, const char *path, size_t pathlen,
		   char (*vals)[API_PARAM_LEN], size_t nvals, size_t *np);
/** Decode %XX (and '+' as space when plus is true) from src[0..len) into
 *  dst; EBADMSG for a bad escape or an escaped NUL, ENAMETOOLONG if dst is
 *  too small. */
int api_unescape(char *dst, size_t dstsz, const char *src, size_t len,
		 bool plus);

/* --- lookup.c: what a request names --------------------------------------*/

struct acd_tenant;
struct acd_agent;
struct acd_queue;

/** The tenant of ?tenant=NAME, or *tp = NULL when the query has none.
 *  These three answer the request (404, or 400 when a name is in several
 *  tenants and no ?tenant= picks one) and return non-zero on failure. */
int api_find_tenant(struct api_req *req, struct acd_tenant **tp);
int api_find_agent(struct api_req *req, const char *ext,
		   struct acd_agent **ap);
int api_find_queue(struct api_req *req, const char *name,
		   struct acd_queue **qp);

/* --- agents.c, queues.c, interactions.c, system.c: the handlers ---------- */

void api_agents_list(struct api_req *req);
void api_agent_get(struct api_req *req);
void api_agent_set_state(struct api_req *req);
void api_queues_list(struct api_req *req);
void api_queue_get(struct api_req *req);
void api_health(struct api_req *req);
void api_interactions_list(struct api_req *req);
void api_interaction_get(struct api_req *req);
void api_interaction_recording(struct api_req *req);

/* --- json.c: shared JSON helpers ----------------------------------------- */

/** ISO 8601 UTC text of a wall-clock time in ms ("2026-01-02T03:04:05.678Z"),
 *  or JSON null for 0. */
struct json_t *api_json_time(uint64_t ms);
/** A real, or null when not finite (JSON has no NaN). */
struct json_t *api_json_real(double v);
/** A string or null. */
struct json_t *api_json_str(const char *s);

#endif
