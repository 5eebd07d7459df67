/**
 * @file api.h  The HTTP API: JSON over HTTP/1.1 on the control loop.
 *
 * Owns: the HTTP listening socket and its connections (libre's http server),
 * the route table, request parsing (path parameters, query strings, JSON
 * bodies) and the JSON error format; the WebSocket clients and the live
 * contacts (events.c) with their screen pop as JSON (pop.c); the web pages
 * in memory (web.c); the platform operator's tenant lifecycle (tenants.c,
 * which drives src/center, the engine, voice and auth, and stores what it
 * changed).
 *
 * Offers: api_alloc() starts serving the routes of the table in routes.c
 * against the routing engine and the other subsystems given in api_cfg.
 * Every answer is JSON; errors are {"error": {"code": "...", "message":
 * "..."}} with the matching status (400 bad input, 404 unknown thing or
 * route, 405 wrong method, 409 refused by the engine, 411/413/415 framing,
 * 501 what cannot be done here (ENOTSUP), 503 store busy or absent).
 * The table is the single source of truth for docs/api/openapi.yaml
 * (tests/api/test_openapi.c compares the two).
 *
 * Who: every route but health, login and metrics needs a bearer token
 * (a session from POST /api/v1/login, or an API key) and the route's
 * role: agent < supervisor < admin, or one of the two roles outside that
 * order, unit (API_ROLE_UNIT routes only: its unit's work orders) and
 * operator (API_ROLE_OPERATOR routes only: the tenants).  Every lookup is
 * confined to the caller's tenant, and an agent acts only on itself
 * (src/auth keeps users and tokens).  401 without a valid token, 403 for a
 * role too weak, another agent, or a suspended tenant (tenant_suspended).
 * ?token= stands for the header only on the WebSocket and the IVR's
 * lookups (/api/v1/ivr/...).
 *
 * Events: GET /api/v1/events upgrades to a WebSocket that gets a snapshot,
 * then the routing engine's events, crm's work-order events and screen-pop
 * updates as JSON (events.c), scoped like routes.
 * Outside /api/ the web pages of --web DIR are served (web.c).
 *
 * Limits: request bodies above API_BODY_MAX get 413 and the connection is
 * closed; bodies above libre's own buffer (512 KiB) make libre close the
 * connection without an answer.  Chunked bodies are refused with 411.
 *
 * Threads: everything here belongs to the control loop that called
 * api_alloc(); handlers run on it and must never block.  Slow work (the
 * store) answers later through api_req_hold()/api_reply_*(); blocking
 * reads (a screen pop, an order's trail, a search, a CSV export) run on
 * the store's worker thread through api_work_submit() (crmapi.h).
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
struct crm;
struct voice;
struct center;
struct api;
struct api_req;
struct api_live;
struct acd_interval;
struct acd_agent;
struct acd_queue;
struct acd_tenant;
struct api_web;
struct auth;
struct auth_session;
struct http_msg;
struct http_conn;
struct sa;

#define API_BODY_MAX (64 * 1024) /* bytes of request body accepted */
#define API_PARAMS_MAX 4         /* {params} in one route pattern */
#define API_QUERY_MAX 16         /* query parameters kept per request */
#define API_PARAM_LEN 128        /* bytes of one decoded {param}, with NUL */

/* --- server.c: the HTTP server ------------------------------------------ */

struct center_tenant;
/** A tenant the operator added or replaced at run time (tenants.c), once
 *  the engine, the voice channel and the users have it, or deleted
 *  (ct->removed set): for the daemon's other subsystems (work orders and
 *  appointments, the tenant's statistics day). */
typedef void(api_tenant_h)(const struct center_tenant *ct, void *arg);

struct api_cfg {
	const char *listen;           /* "ADDR:PORT" */
	struct acd *acd;              /* borrowed, required */
	struct center *center;        /* borrowed, required; the tenant
					 lifecycle (tenants.c) changes it */
	struct store *store;          /* borrowed; NULL: interactions 503 */
	struct voice *voice;          /* borrowed; NULL: no device counts */
	struct crm *crm;              /* borrowed; NULL: CRM routes 503 */
	const char *web_dir;          /* static files at /, or NULL */
	uint32_t session_ttl_s;       /* 0: AUTH_SESSION_TTL_S */
	api_tenant_h *tenanth;        /* may be NULL */
	void *tenant_arg;
};

#define API_LAT_BUCKETS 24 /* request latency: 2^i us buckets */

/** Figures for /metrics. */
struct api_stats {
	uint64_t requests;
	uint64_t replies[6];          /* by status class: [2] = 2xx ... */
	uint64_t lat_hist[API_LAT_BUCKETS];
	uint64_t lat_sum_us;
};
void api_stats_get(const struct api *api, struct api_stats *st);

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
struct crm *api_crm(const struct api_req *req);
struct crm *api_crm_of(const struct api *api);
struct auth *api_auth(const struct api_req *req);
struct api_live *api_live(const struct api_req *req);
/** The caller's session (tenant, role, agent); NULL on public routes. */
struct auth_session *api_session(const struct api_req *req);
/** The HTTP request and its connection, during the handler only (for the
 *  WebSocket upgrade). */
const struct http_msg *api_req_msg(const struct api_req *req);
struct http_conn *api_req_conn(const struct api_req *req);
const struct sa *api_req_peer(const struct api_req *req);
/** The connection was taken over (WebSocket): no answer follows. */
void api_req_set_replied(struct api_req *req);
const struct api *api_of(const struct api_req *req);
struct acd *api_acd_of(const struct api *api);
struct voice *api_voice_of(const struct api *api);
struct auth *api_auth_of(const struct api *api);
struct store *api_store_of(const struct api *api);
const struct center *api_center_of(const struct api *api);
/** The center model to change (tenants.c only, on the loop). */
struct center *api_center_rw(const struct api_req *req);
/** Tell api_cfg.tenanth of a tenant added, replaced or deleted (removed)
 *  at run time. */
void api_tenant_added(const struct api_req *req, const struct center_tenant *ct);
struct api_live *api_live_of(const struct api *api);
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
/** The same with extra header lines ("Name: value\r\n"...). */
int api_reply_error_extra(struct api_req *req, uint16_t status,
			  const char *extra, const char *code,
			  const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/** Answer with any body (head: headers only). */
int api_reply_body(struct api_req *req, uint16_t status, const char *ctype,
		   const char *extra, const uint8_t *body, size_t len,
		   bool head);
/** Answer an errno from the engine: EINVAL 400, ENOENT 404, EBUSY and
 *  EALREADY 409, EPERM 403, otherwise 500; message is the engine's. */
int api_reply_errno(struct api_req *req, int err, const char *message);
bool api_req_replied(const struct api_req *req);

/* --- routes.c: the route table ------------------------------------------ */

/** The weakest role that may call a route (same order and values as
 *  enum auth_role; an agent acts only on itself). */
enum api_role {
	API_ROLE_PUBLIC = 0, /* anyone, e.g. health */
	API_ROLE_AGENT,      /* any signed-in user; agents on themselves */
	API_ROLE_SUPERVISOR, /* reads and changes within a tenant */
	API_ROLE_ADMIN,      /* the tenant's configuration and users */
	API_ROLE_UNIT,       /* any signed-in user, handling units' users
	                        (AUTH_ROLE_UNIT) too; they may call no
	                        route of another role */
	API_ROLE_OPERATOR,   /* the platform: tenants only (an operator
				calls no other route, and only operators
				call these) */
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

/** The caller's tenant.  A ?tenant=NAME naming another one answers 404.
 *  These answer the request on failure (404 not in the caller's tenant,
 *  403 an agent naming another agent) and return non-zero. */
int api_find_tenant(struct api_req *req, struct acd_tenant **tp);
/** The caller's tenant name (never NULL on authenticated routes). */
const char *api_tenant_name(const struct api_req *req);
/** The agent id of an agent caller, NULL for supervisors, admins and
 *  API keys with those roles. */
const char *api_self_agent(const struct api_req *req);
int api_find_agent(struct api_req *req, const char *ext,
		   struct acd_agent **ap);
int api_find_queue(struct api_req *req, const char *name,
		   struct acd_queue **qp);

/* --- the handlers, by file ------------------------------------------------ */

/* agents.c */
void api_agents_list(struct api_req *req);
void api_agent_get(struct api_req *req);
void api_agent_set_state(struct api_req *req);
void api_agent_end_wrapup(struct api_req *req);
void api_agent_set_skills(struct api_req *req);
/** The agent as JSON (with its current contact). */
struct json_t *api_agent_json(const struct api *api, const struct acd_agent *a);
/** Apply the agents' skills stored through the API (at start). */
int api_skills_restore(struct store *store, struct acd *acd);
/* calls.c: call control */
void api_call_hold(struct api_req *req);
void api_call_resume(struct api_req *req);
void api_call_hangup(struct api_req *req);
void api_call_transfer(struct api_req *req);
void api_call_consult(struct api_req *req);
void api_call_consult_complete(struct api_req *req);
void api_call_consult_cancel(struct api_req *req);
/* queues.c */
void api_queues_list(struct api_req *req);
void api_queue_get(struct api_req *req);
void api_queue_intervals(struct api_req *req);
struct json_t *api_queue_json(const struct api *api, const struct acd_queue *q);
struct json_t *api_interval_json(const struct acd_interval *iv,
				 double sl_target);
/* contacts.c */
void api_contacts_list(struct api_req *req);
void api_contact_set_priority(struct api_req *req);
/* system.c */
void api_health(struct api_req *req);
void api_metrics(struct api_req *req);
void api_reason_codes(struct api_req *req);
void api_wrapup_codes(struct api_req *req);
/** Is code a wrap-up code? */
bool api_wrapup_code_known(const char *code);
/* interactions.c */
void api_interactions_list(struct api_req *req);
void api_interaction_get(struct api_req *req);
void api_interaction_wrapup(struct api_req *req);
void api_interaction_recording(struct api_req *req);
/* session.c: sign-in and the caller */
void api_login(struct api_req *req);
void api_logout(struct api_req *req);
void api_me_get(struct api_req *req);
void api_me_patch(struct api_req *req);
/* users.c: users and API keys (admin) */
void api_users_list(struct api_req *req);
void api_user_create(struct api_req *req);
void api_user_delete(struct api_req *req);
void api_keys_list(struct api_req *req);
void api_key_create(struct api_req *req);
void api_key_delete(struct api_req *req);

/* tenants.c: the platform operator's tenant lifecycle */
void api_tenants_list(struct api_req *req);
void api_tenant_get(struct api_req *req);
void api_tenant_create(struct api_req *req);
void api_tenant_delete(struct api_req *req);
void api_tenant_suspend(struct api_req *req);
void api_tenant_resume(struct api_req *req);
void api_tenant_config_get(struct api_req *req);
void api_tenant_config_put(struct api_req *req);
/** Is the tenant named (a session's) suspended?  false for the platform
 *  and unknown names. */
bool api_tenant_suspended(const struct center *c, const char *tenant);
/** At start, before the engine and the other subsystems are built: the
 *  stored tenant records (definitions created or imported through the
 *  API, suspensions, deletions) over the center file's tenants.  A stored
 *  definition that no longer loads is logged and skipped.  Returns the
 *  store's error. */
int api_tenants_restore(struct center *c, struct store *s);

/* --- events.c: the WebSocket event stream and live contacts ------------- */

int api_live_alloc(struct api_live **lp, struct api *api);
void api_events(struct api_req *req);
/** A live contact as JSON (for routes), or NULL if the engine has none. */
struct json_t *api_contact_json(const struct api_live *l, uint64_t id);
/** Live contacts of a tenant (agent: only its own), as a JSON array. */
struct json_t *api_contacts_json(const struct api_live *l, const char *tenant,
				 const char *agent, const char *state);
/** Publish the contact id as it is now under event type (e.g.
 *  "contact.held"); nothing if it is not live.  Event-loop thread. */
void api_live_contact_update(struct api_live *l, uint64_t id,
			     const char *type);
/** Whether a live contact of tenant has that interaction id (its record
 *  is written only when it ends).  Event-loop thread. */
bool api_live_has_interaction(const struct api_live *l, const char *tenant,
			      const char *interaction);
/** The agent's current contact (offered or connected), or ACD_NONE. */
uint64_t api_agent_current(const struct api_live *l,
			   const struct acd_agent *a);
/** Fan-out figures: per message, the time from the first to the last
 *  client's send. */
struct api_fanout_stats {
	uint64_t messages, deliveries, sum_us;
	uint64_t hist[API_LAT_BUCKETS];
};
void api_live_fanout_stats(const struct api_live *l,
			   struct api_fanout_stats *st);
/** Close the event streams of a tenant's users (suspended, deleted), and
 *  forget its queues' pending statistics (call before the engine drops
 *  the tenant). */
void api_live_tenant_closed(struct api_live *l, const char *tenant);
/** Connected WebSocket clients. */
uint32_t api_live_clients(const struct api_live *l);

/** A contact's screen pop changed (e.g. an agent linked a customer):
 *  send contact.updated to whoever sees it. */
void api_contact_updated(struct api_live *l, uint64_t id);

/* --- pop.c: the screen pop of a contact (ivr, customer) ------------------ */

/** What a live contact showed last of its screen pop: kept so that a
 *  contact that ended (its call gone) still shows it in its last event. */
struct api_pop_cache {
	struct json_t *ivr;      /* owning, or NULL: no flow ran */
	struct json_t *customer; /* owning, or NULL: unknown (yet) */
	int lookup;              /* enum voice_pop_state last seen */
	bool by_agent;
};
/** Bring the cache up to date from the voice channel (if the contact is
 *  still a call there); other channels keep what they have. */
void api_pop_refresh(struct api_pop_cache *pc, const struct voice *voice,
		     uint64_t contact, int channel);
/** Set the customer of a contact that is no call (a work order's, looked
 *  up by events.c): found with p's customer, else lookup (an enum
 *  voice_pop_state: PENDING while the lookup runs, NONE for an order
 *  without customer). */
struct store_screen_pop;
void api_pop_set(struct api_pop_cache *pc, int lookup,
		 const struct store_screen_pop *p);
/** "pending", "found", "unknown" or "none". */
const char *api_pop_lookup_name(const struct api_pop_cache *pc);
void api_pop_cache_clear(struct api_pop_cache *pc);
/* contacts.c */
void api_contact_get(struct api_req *req);
void api_contact_link(struct api_req *req);
void api_contact_accept(struct api_req *req);
void api_contact_reject(struct api_req *req);

/* --- web.c: static files ------------------------------------------------- */

/** Load the files under dir (read once, served from memory). */
int api_web_alloc(struct api_web **wp, const char *dir);
void api_web_serve(struct api_web *w, struct api_req *req,
		   const struct http_msg *msg);

/* --- json.c: shared JSON helpers ----------------------------------------- */

/** ISO 8601 UTC text of a wall-clock time in ms ("2026-01-02T03:04:05.678Z"),
 *  or JSON null for 0. */
struct json_t *api_json_time(uint64_t ms);
/** A real, or null when not finite (JSON has no NaN). */
struct json_t *api_json_real(double v);
/** A string or null. */
struct json_t *api_json_str(const char *s);
/** Check an object's fields: every key must be in known[0..n); replies
 *  400 unknown_field and returns non-zero otherwise. */
int api_json_fields(struct api_req *req, struct json_t *obj,
		    const char *const *known, size_t n);
/** A required (or optional, *sp NULL when absent/null) string field of
 *  1..maxlen bytes; replies 400 and returns non-zero on failure. */
int api_json_string(struct api_req *req, struct json_t *obj,
		    const char *key, bool required, size_t maxlen,
		    const char **sp);

#endif
