/**
 * @file server.c  The HTTP server: framing checks, routing, JSON answers.
 *
 * libre's http server hands over a request once its whole body is
 * buffered.  What it does not do, done here: refuse chunked bodies (it
 * would read the chunks as the next request), require Content-Length on
 * requests with a body, cap the body far below its 512 KiB buffer, and
 * answer every error in JSON.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Not <re.h>: its re_json.h clashes with jansson (JSON_STRING, JSON_NULL). */
#include <re_types.h>
#include <re_fmt.h>
#include <re_mem.h>
#include <re_mbuf.h>
#include <re_sa.h>
#include <re_list.h>
#include <re_msg.h>
#include <re_tcp.h>
#include <re_http.h>

#include <jansson.h>

#include "api/api.h"
#include "api/crmapi.h"
#include "auth/auth.h"
#include "core/core.h"

struct api {
	struct http_sock *sock;       /* owning */
	struct acd *acd;              /* borrowed */
	struct center *center;        /* borrowed; changed only by the
					 tenant lifecycle (tenants.c) */
	struct store *store;          /* borrowed, may be NULL */
	struct crm *crm;              /* borrowed, may be NULL */
	struct voice *voice;          /* borrowed, may be NULL */
	api_tenant_h *tenanth;        /* may be NULL */
	void *tenant_arg;
	struct auth *auth;            /* owning */
	struct api_live *live;        /* owning: event stream */
	struct api_web *web;          /* owning, NULL without --web */
	uint64_t started;             /* hl_mono_ms() at api_alloc() */
	struct api_stats *stats;      /* owning; requests hold references
					 (a held answer may come after the
					 api is gone) */
};

struct api_query {
	char *name;                   /* owning, decoded */
	char *value;                  /* owning, decoded */
};

struct api_req {
	struct api *api;              /* borrowed: a held request must not
					 outlive the api (handlers that hold
					 also hold what they need) */
	struct http_conn *conn;       /* reference, until the answer */
	const struct api_route *route;
	char params[API_PARAMS_MAX][API_PARAM_LEN];
	size_t nparams;
	struct api_query query[API_QUERY_MAX];
	size_t nquery;
	json_t *body;                 /* owning, NULL without a body */
	struct auth_session *sess;    /* reference; NULL on public routes */
	const struct http_msg *msg;   /* borrowed, during the handler only */
	uint64_t t0;                  /* hl_mono_ns() at arrival */
	struct api_stats *stats;      /* reference */
	bool replied;
	bool close;                   /* close the connection after answering */
};

static const char *reason_phrase(uint16_t status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Payload Too Large";
	case 429: return "Too Many Requests";
	case 415: return "Unsupported Media Type";
	case 501: return "Not Implemented";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default:  return "Unknown";
	}
}

/* --- the request object --------------------------------------------------- */

static void req_destructor(void *arg)
{
	struct api_req *req = arg;

	mem_deref(req->conn);
	for (size_t i = 0; i < req->nquery; i++) {
		mem_deref(req->query[i].name);
		mem_deref(req->query[i].value);
	}
	if (req->body)
		json_decref(req->body);
	mem_deref(req->sess);
	mem_deref(req->stats);
}

struct acd *api_acd(const struct api_req *req)
{
	return req->api->acd;
}

const struct center *api_center(const struct api_req *req)
{
	return req->api->center;
}

struct store *api_store(const struct api_req *req)
{
	return req->api->store;
}

struct crm *api_crm(const struct api_req *req)
{
	return req->api->crm;
}

struct crm *api_crm_of(const struct api *api)
{
	return api->crm;
}

struct voice *api_voice(const struct api_req *req)
{
	return req->api->voice;
}

struct auth *api_auth(const struct api_req *req)
{
	return req->api->auth;
}

struct api_live *api_live(const struct api_req *req)
{
	return req->api->live;
}

struct auth_session *api_session(const struct api_req *req)
{
	return req->sess;
}

const struct http_msg *api_req_msg(const struct api_req *req)
{
	return req->msg;
}

struct http_conn *api_req_conn(const struct api_req *req)
{
	return req->conn;
}

const struct sa *api_req_peer(const struct api_req *req)
{
	return http_conn_peer(req->conn);
}

void api_req_set_replied(struct api_req *req)
{
	req->replied = true;
}

void api_stats_get(const struct api *api, struct api_stats *st)
{
	*st = *api->stats;
}

const struct api *api_of(const struct api_req *req)
{
	return req->api;
}

const char *api_req_param(const struct api_req *req, const char *name)
{
	const char *p;
	size_t i = 0, len;

	if (!req->route || !name)
		return NULL;
	len = strlen(name);
	/* The n-th {param} of the pattern is params[n]. */
	for (p = strchr(req->route->pattern, '{'); p && i < req->nparams;
	     p = strchr(p + 1, '{'), i++) {
		if (!strncmp(p + 1, name, len) && p[1 + len] == '}')
			return req->params[i];
	}
	return NULL;
}

const char *api_req_query(const struct api_req *req, const char *name)
{
	for (size_t i = 0; i < req->nquery; i++) {
		if (!strcmp(req->query[i].name, name))
			return req->query[i].value;
	}
	return NULL;
}

const char *api_req_query_unknown(const struct api_req *req,
				  const char *const *known, size_t n)
{
	for (size_t i = 0; i < req->nquery; i++) {
		size_t k = 0;

		while (k < n && strcmp(req->query[i].name, known[k]))
			k++;
		if (k == n)
			return req->query[i].name;
	}
	return NULL;
}

json_t *api_req_body(const struct api_req *req)
{
	return req->body;
}

uint64_t api_uptime_ms(const struct api_req *req)
{
	return hl_mono_ms() - req->api->started;
}

struct api_req *api_req_hold(struct api_req *req)
{
	return mem_ref(req);
}

bool api_req_replied(const struct api_req *req)
{
	return req->replied;
}

/* --- answers ---------------------------------------------------------------*/

static void count_reply(struct api_req *req, uint16_t status)
{
	struct api_stats *st = req->stats;
	uint64_t us = (hl_mono_ns() - req->t0) / 1000;
	unsigned i = 0;

	st->replies[status / 100 < 6 ? status / 100 : 0]++;
	while (us > 1 && i < API_LAT_BUCKETS - 1) {
		us >>= 1;
		i++;
	}
	st->lat_hist[i]++;
	st->lat_sum_us += (hl_mono_ns() - req->t0) / 1000;
}

int api_reply_body(struct api_req *req, uint16_t status, const char *ctype,
		   const char *extra, const uint8_t *body, size_t len,
		   bool head)
{
	int err;

	if (req->replied)
		return EALREADY;
	req->replied = true;
	count_reply(req, status);

	/* The body goes in as a %b argument, never as the format: it may
	 * echo what the client sent. */
	err = http_reply(req->conn, status, reason_phrase(status),
			 "Content-Type: %s\r\n"
			 "Content-Length: %zu\r\n"
			 "%s%s"
			 "\r\n"
			 "%b",
			 ctype, len, extra ? extra : "",
			 req->close ? "Connection: close\r\n" : "", body,
			 head ? (size_t)0 : len);
	if (err && err != ENOTCONN)
		HL_WARN("api", "reply %u: %s", status, strerror(err));
	return err;
}

static int reply_raw(struct api_req *req, uint16_t status, const char *extra,
		     const char *body, size_t len)
{
	char hdrs[256];

	snprintf(hdrs, sizeof(hdrs), "Cache-Control: no-store\r\n%s",
		 extra ? extra : "");
	return api_reply_body(req, status, "application/json", hdrs,
			      (const uint8_t *)body, len, false);
}

static int reply_json_extra(struct api_req *req, uint16_t status,
			    const char *extra, json_t *body)
{
	char *text;
	int err;

	if (!body)
		return api_reply_error(req, 500, "internal", "out of memory");

	/* 12 significant digits: 0.9 prints as 0.9, not 0.90000000000000002. */
	text = json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII |
				       JSON_REAL_PRECISION(12));
	json_decref(body);
	if (!text) {
		static const char oom[] = "{\"error\":{\"code\":\"internal\","
					  "\"message\":\"out of memory\"}}\n";
		return reply_raw(req, 500, NULL, oom, sizeof(oom) - 1);
	}
	/* A newline ends the document, for people reading curl output. */
	size_t len = strlen(text);
	char *nl = realloc(text, len + 2);
	if (nl) {
		text = nl;
		text[len++] = '\n';
		text[len] = '\0';
	}
	err = reply_raw(req, status, extra, text, len);
	free(text);
	return err;
}

int api_reply_json(struct api_req *req, uint16_t status, json_t *body)
{
	return reply_json_extra(req, status, NULL, body);
}

static int vreply_error(struct api_req *req, uint16_t status,
			const char *extra, const char *code, const char *fmt,
			va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* json_string() refuses invalid UTF-8; a message quoting client
	 * bytes must still produce an answer. */
	json_t *jmsg = json_string(msg);
	if (!jmsg)
		jmsg = json_string("(message not valid UTF-8)");
	return reply_json_extra(req, status, extra,
				json_pack("{s:{s:s,s:o}}", "error", "code",
					  code, "message", jmsg));
}

int api_reply_error(struct api_req *req, uint16_t status, const char *code,
		    const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = vreply_error(req, status, NULL, code, fmt, ap);
	va_end(ap);
	return err;
}

int api_reply_error_extra(struct api_req *req, uint16_t status,
			     const char *extra, const char *code,
			     const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = vreply_error(req, status, extra, code, fmt, ap);
	va_end(ap);
	return err;
}

int api_reply_errno(struct api_req *req, int err, const char *message)
{
	if (!message)
		message = strerror(err);

	switch (err) {
	case EINVAL:
		return api_reply_error(req, 400, "invalid", "%s", message);
	case ENOENT:
		return api_reply_error(req, 404, "not_found", "%s", message);
	case EPERM:
		return api_reply_error(req, 403, "forbidden", "%s", message);
	case EBUSY:
	case EALREADY:
	case EEXIST:
		return api_reply_error(req, 409, "conflict", "%s", message);
	case ENOTSUP:
		return api_reply_error(req, 501, "not_implemented", "%s",
				       message);
	case ENOMEM:
		return api_reply_error(req, 503, "unavailable", "%s", message);
	default:
		return api_reply_error(req, 500, "internal", "%s", message);
	}
}

/* --- parsing the request ---------------------------------------------------*/

/* Split "?a=1&b=x%20y" into decoded pairs; the first occurrence of a name
 * wins, extra parameters beyond API_QUERY_MAX are refused. */
static int parse_query(struct api_req *req, const struct pl *prm)
{
	const char *p = prm->p, *end = prm->p + prm->l;
	char name[API_PARAM_LEN], value[512];
	int err;

	if (p < end && *p == '?')
		p++;

	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *pe = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(pe - p));
		const char *ne = eq ? eq : pe;

		if (ne == p) { /* "&&" or "=x": skip */
			p = amp ? amp + 1 : end;
			continue;
		}
		err = api_unescape(name, sizeof(name), p, (size_t)(ne - p),
				   true);
		if (!err)
			err = api_unescape(value, sizeof(value),
					   eq ? eq + 1 : pe,
					   eq ? (size_t)(pe - eq - 1) : 0,
					   true);
		if (err)
			return err;
		if (req->nquery >= API_QUERY_MAX)
			return E2BIG;
		if (!api_req_query(req, name)) {
			struct api_query *q = &req->query[req->nquery];
			err = str_dup(&q->name, name);
			if (!err)
				err = str_dup(&q->value, value);
			if (err) {
				q->name = mem_deref(q->name);
				return err;
			}
			req->nquery++;
		}
		p = amp ? amp + 1 : end;
	}
	return 0;
}

/* Framing and body checks for a route that takes a JSON object.  Replies
 * and returns non-zero when the request cannot go on. */
static int parse_body(struct api_req *req, const struct http_msg *msg)
{
	json_error_t jerr;
	json_t *body;

	if (!http_msg_hdr(msg, HTTP_HDR_CONTENT_LENGTH)) {
		req->close = true;
		api_reply_error(req, 411, "length_required",
				"a body with Content-Length is required");
		return EINVAL;
	}
	if (msg->clen > API_BODY_MAX) {
		req->close = true;
		api_reply_error(req, 413, "too_large",
				"body of %u bytes is over the limit of %u",
				msg->clen, (unsigned)API_BODY_MAX);
		return EINVAL;
	}
	if (!msg_ctype_cmp(&msg->ctyp, "application", "json")) {
		/* Requiring application/json also keeps browsers from
		 * posting here from other sites without a CORS preflight. */
		api_reply_error(req, 415, "unsupported_media_type",
				"Content-Type must be application/json");
		return EINVAL;
	}

	body = json_loadb((const char *)mbuf_buf(msg->mb),
			  mbuf_get_left(msg->mb), JSON_REJECT_DUPLICATES,
			  &jerr);
	if (!body) {
		api_reply_error(req, 400, "bad_json",
				"body is not valid JSON: %s (line %d, column "
				"%d)",
				jerr.text, jerr.line, jerr.column);
		return EINVAL;
	}
	if (!json_is_object(body)) {
		json_decref(body);
		api_reply_error(req, 400, "bad_json",
				"body must be a JSON object");
		return EINVAL;
	}
	req->body = body;
	return 0;
}

/* --- who is asking -------------------------------------------------------- */

/* Roles are ordered agent < supervisor < admin; a handling unit's user
 * stands outside that order and may call the routes open to units only. */
static bool role_may(enum auth_role have, enum api_role need)
{
	if (have == AUTH_ROLE_UNIT)
		return need == API_ROLE_UNIT || need == API_ROLE_PUBLIC;
	if (need == API_ROLE_UNIT)
		need = API_ROLE_AGENT;
	return have != AUTH_ROLE_NONE && (int)have >= (int)need;
}

/* The bearer token of Authorization, or of ?token= (a browser cannot set
 * headers on a WebSocket).  Replies 401/403 and returns non-zero when the
 * request may not go on. */
static int authenticate(struct api_req *req, const struct http_msg *msg)
{
	static const char challenge[] = "WWW-Authenticate: Bearer\r\n";
	const struct http_hdr *hdr = http_msg_hdr(msg, HTTP_HDR_AUTHORIZATION);
	/* ?token= only where a header cannot be set (a browser's
	 * WebSocket): elsewhere it would end up in logs and histories. */
	const char *qtok = req->route->h == api_events ||
				   req->route->h == api_ivr_slots ||
				   req->route->h == api_ivr_book
				   ? api_req_query(req, "token")
				   : NULL;
	struct auth_session *s = NULL;
	char token[160];
	int err;

	token[0] = '\0';
	if (hdr) {
		struct pl scheme, val;

		if (re_regex(hdr->val.p, hdr->val.l, "[^ ]+[ ]+[^ ]+", &scheme,
			     NULL, &val) ||
		    pl_strcasecmp(&scheme, "bearer") || val.l >= sizeof(token)) {
			api_reply_error_extra(req, 401, challenge,
					      "unauthorized",
					      "Authorization must be "
					      "'Bearer TOKEN'");
			return EACCES;
		}
		pl_strcpy(&val, token, sizeof(token));
	}
	else if (qtok) {
		str_ncpy(token, qtok, sizeof(token));
	}
	if (!token[0]) {
		api_reply_error_extra(req, 401, challenge, "unauthorized",
				      "sign in first (POST /api/v1/login), "
				      "then send Authorization: Bearer TOKEN");
		return EACCES;
	}
	err = auth_token_check(req->api->auth, token, &s);
	if (err) {
		api_reply_error_extra(req, 401, challenge,
				      err == ETIMEDOUT ? "token_expired"
						       : "unauthorized",
				      err == ETIMEDOUT
					      ? "the session has expired: sign "
						"in again"
					      : "unknown or revoked token: sign "
						"in again");
		return EACCES;
	}
	/* A platform operator works on the tenants, not in them: its
	 * routes are /api/v1/tenants..., plus its own /me and logout. */
	if (s->role == AUTH_ROLE_OPERATOR &&
	    req->route->role != API_ROLE_OPERATOR &&
	    req->route->h != api_me_get && req->route->h != api_me_patch &&
	    req->route->h != api_logout) {
		api_reply_error(req, 403, "forbidden",
				"a platform operator works on /api/v1/tenants "
				"only (%s %s is a tenant's route)",
				req->route->method, req->route->pattern);
		return EPERM;
	}
	if (req->route->role == API_ROLE_OPERATOR &&
	    s->role != AUTH_ROLE_OPERATOR) {
		api_reply_error(req, 403, "forbidden",
				"%s %s is for the platform's operators "
				"(you are %s)",
				req->route->method, req->route->pattern,
				auth_role_name(s->role));
		return EPERM;
	}
	if (s->role != AUTH_ROLE_OPERATOR &&
	    api_tenant_suspended(req->api->center, s->tenant)) {
		api_reply_error(req, 403, "tenant_suspended",
				"tenant %s is suspended: ask the platform's "
				"operator", s->tenant);
		return EPERM;
	}
	if (!role_may(s->role, req->route->role)) {
		api_reply_error(req, 403, "forbidden",
				"%s %s needs the role %s (you are %s)",
				req->route->method, req->route->pattern,
				api_role_name(req->route->role),
				auth_role_name(s->role));
		return EPERM;
	}
	req->sess = mem_ref(s);
	return 0;
}

/* --- dispatch ------------------------------------------------------------- */

static void route_request(struct api_req *req, const struct http_msg *msg)
{
	const struct api_route *tab, *found = NULL;
	char allow[128] = "";
	size_t n, used = 0;
	int err;

	/* Chunked framing is not understood by libre's server: the chunks
	 * would be parsed as the next request.  Refuse and close. */
	if (http_msg_hdr(msg, HTTP_HDR_TRANSFER_ENCODING)) {
		req->close = true;
		api_reply_error(req, 411, "length_required",
				"chunked bodies are not supported; send "
				"Content-Length");
		return;
	}

	/* Outside the API: the web pages, when there are some. */
	if (req->api->web &&
	    !(msg->path.l >= 5 && !memcmp(msg->path.p, "/api/", 5)) &&
	    pl_strcmp(&msg->path, "/api") && pl_strcmp(&msg->path, "/metrics")) {
		api_web_serve(req->api->web, req, msg);
		return;
	}

	tab = api_routes(&n);
	for (size_t i = 0; i < n; i++) {
		char vals[API_PARAMS_MAX][API_PARAM_LEN];
		size_t nvals = 0;

		err = api_path_match(tab[i].pattern, msg->path.p, msg->path.l,
				     vals, API_PARAMS_MAX, &nvals);
		if (err == EBADMSG || err == ENAMETOOLONG) {
			api_reply_error(req, 400, "bad_path",
					"malformed or overlong path segment");
			return;
		}
		if (err)
			continue;
		if (pl_strcmp(&msg->met, tab[i].method)) {
			/* Same path, other method: collect for Allow. */
			if (!strstr(allow, tab[i].method))
				used += (size_t)snprintf(
					allow + used, sizeof(allow) - used,
					"%s%s", used ? ", " : "",
					tab[i].method);
			continue;
		}
		found = &tab[i];
		memcpy(req->params, vals, sizeof(vals));
		req->nparams = nvals;
		break;
	}

	if (!found && used) {
		char hdr[160];
		snprintf(hdr, sizeof(hdr), "Allow: %s\r\n", allow);
		api_reply_error_extra(req, 405, hdr, "method_not_allowed",
				  "method %.*s not allowed here (allowed: %s)",
				  (int)msg->met.l, msg->met.p, allow);
		return;
	}
	if (!found) {
		api_reply_error(req, 404, "not_found", "no route %.*s %.*s",
				(int)msg->met.l, msg->met.p,
				(int)msg->path.l > 200 ? 200 : (int)msg->path.l,
				msg->path.p);
		return;
	}
	req->route = found;

	err = parse_query(req, &msg->prm);
	if (err) {
		api_reply_error(req, 400, "bad_query",
				err == E2BIG ? "too many query parameters"
					     : "malformed query string");
		return;
	}
	if (found->role != API_ROLE_PUBLIC && authenticate(req, msg))
		return;
	if (found->body && parse_body(req, msg))
		return;

	req->msg = msg;
	found->h(req);
	req->msg = NULL;
}

static void http_req_handler(struct http_conn *conn,
			     const struct http_msg *msg, void *arg)
{
	struct api *api = arg;
	struct api_req *req;

	req = mem_zalloc(sizeof(*req), req_destructor);
	if (!req) {
		http_conn_close(conn);
		return;
	}
	req->api = api;
	req->conn = mem_ref(conn);
	req->t0 = hl_mono_ns();
	req->stats = mem_ref(api->stats);
	api->stats->requests++;

	if (hl_log_level <= HL_LOG_DEBUG) {
		/* %J and %r are libre's formats: render with re_snprintf. */
		char line[300], *tok;
		re_snprintf(line, sizeof(line), "%J %r %r%r",
			    http_conn_peer(conn), &msg->met, &msg->path,
			    &msg->prm);
		/* ?token= is a credential (the IVR's key, a browser's
		 * session): not in the log */
		tok = strstr(line, "token=");
		if (tok && (tok[-1] == '?' || tok[-1] == '&')) {
			size_t vl = strcspn(tok + 6, "&");

			memset(tok + 6, '*', vl < 3 ? vl : 3);
			if (vl > 3)
				memmove(tok + 9, tok + 6 + vl,
					strlen(tok + 6 + vl) + 1);
		}
		HL_DEBUG("api", "%s", line);
	}

	route_request(req, msg);

	/* A handler that neither answered nor held the request has a bug;
	 * the client still gets an answer rather than a hang. */
	if (!req->replied && mem_nrefs(req) == 1)
		api_reply_error(req, 500, "internal", "no answer");
	if (req->close)
		http_conn_close(conn);
	mem_deref(req);
}

/* --- the object ------------------------------------------------------------*/

static void api_destructor(void *arg)
{
	struct api *api = arg;

	/* The event stream first (it watches the engine), then no more
	 * connections; auth last, dropping sign-ins still hashing (and the
	 * requests they hold). */
	api->live = mem_deref(api->live);
	api->sock = mem_deref(api->sock);
	api->web = mem_deref(api->web);
	api->auth = mem_deref(api->auth);
	api->stats = mem_deref(api->stats);
}

int api_alloc(struct api **apip, const struct api_cfg *cfg)
{
	struct api *api;
	struct sa laddr;
	char errbuf[256];
	int err;

	if (!apip || !cfg || !cfg->listen || !cfg->acd || !cfg->center)
		return EINVAL;

	err = sa_decode(&laddr, cfg->listen, strlen(cfg->listen));
	if (err)
		return EINVAL;

	api = mem_zalloc(sizeof(*api), api_destructor);
	if (!api)
		return ENOMEM;
	api->acd = cfg->acd;
	api->center = cfg->center;
	api->tenanth = cfg->tenanth;
	api->tenant_arg = cfg->tenant_arg;
	api->store = cfg->store;
	api->crm = cfg->crm;
	api->voice = cfg->voice;
	api->started = hl_mono_ms();
	api->stats = mem_zalloc(sizeof(*api->stats), NULL);
	if (!api->stats) {
		err = ENOMEM;
		goto out;
	}

	err = auth_alloc(&api->auth,
			 &(struct auth_cfg){
				 .center = cfg->center,
				 .store = cfg->store,
				 .session_ttl_s = cfg->session_ttl_s,
			 },
			 errbuf, sizeof(errbuf));
	if (err) {
		HL_ERROR("api", "%s", errbuf);
		goto out;
	}
	if (cfg->web_dir) {
		err = api_web_alloc(&api->web, cfg->web_dir);
		if (err) {
			HL_ERROR("api", "web pages in %s: %s", cfg->web_dir,
				 strerror(err));
			goto out;
		}
	}
	err = api_live_alloc(&api->live, api);
	if (err)
		goto out;

	err = http_listen(&api->sock, &laddr, http_req_handler, api);
	if (err)
		goto out;

out:
	if (err)
		mem_deref(api);
	else
		*apip = api;
	return err;
}

int api_local_addr(const struct api *api, char *buf, size_t sz)
{
	struct sa sa;
	int err;

	if (!api || !buf)
		return EINVAL;
	err = tcp_sock_local_get(http_sock_tcp(api->sock), &sa);
	if (err)
		return err;
	return re_snprintf(buf, sz, "%J", &sa) < 0 ? ENOMEM : 0;
}

struct acd *api_acd_of(const struct api *api)
{
	return api->acd;
}

struct voice *api_voice_of(const struct api *api)
{
	return api->voice;
}

struct auth *api_auth_of(const struct api *api)
{
	return api->auth;
}

struct store *api_store_of(const struct api *api)
{
	return api->store;
}

struct center *api_center_rw(const struct api_req *req)
{
	return req->api->center;
}

void api_tenant_added(const struct api_req *req, const struct center_tenant *ct)
{
	if (req->api->tenanth)
		req->api->tenanth(ct, req->api->tenant_arg);
}

const struct center *api_center_of(const struct api *api)
{
	return api->center;
}

struct api_live *api_live_of(const struct api *api)
{
	return api->live;
}
