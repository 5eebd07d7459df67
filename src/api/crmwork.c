/**
 * @file crmwork.c  What the customer, work-order and appointment routes
 * share: blocking reads run on the store's worker (api_work_submit), the
 * caller as a crm actor, the JSON shapes of customers, orders and their
 * audit rows, and crm's refusals turned into HTTP answers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <re_types.h>
#include <re_fmt.h>
#include <re_mem.h>
#include <re_mbuf.h>
#include <re_sa.h>
#include <re_list.h>
#include <re_msg.h>
#include <re_tcp.h>
#include <re_http.h>

#include "api/api.h"
#include "api/crmapi.h"
#include "auth/auth.h"
#include "center/center.h"
#include "core/core.h"
#include "crm/crm.h"

/* --- work on the store's worker ------------------------------------------ */

static void work_destructor(void *arg)
{
	struct api_work *w = arg;

	mem_deref(w->req);
	mem_deref(w->arg);
	if (w->body)
		json_decref(w->body);
	mem_deref(w->raw);
}

static int work_run(struct store *s, void *arg)
{
	struct api_work *w = arg;

	(void)s;
	w->fn(w);
	return 0;
}

static void work_done(int err, void *arg)
{
	struct api_work *w = arg;

	if (err) {
		api_crm_store_failed(w->req, err);
	}
	else if (w->status >= 400) {
		if (w->body) {
			/* an error with more than code and message */
			json_t *e = json_pack("{s:s,s:s}", "code", w->code,
					      "message", w->msg);
			json_object_set_new(w->body, "error", e);
			api_reply_json(w->req, w->status, w->body);
			w->body = NULL;
		}
		else {
			api_reply_error(w->req, w->status, w->code, "%s",
					w->msg);
		}
	}
	else if (w->raw) {
		api_reply_body(w->req, w->status ? w->status : 200,
			       w->ctype ? w->ctype : "text/csv; charset=utf-8",
			       w->extra[0] ? w->extra : NULL, w->raw->buf,
			       w->raw->end, false);
	}
	else if (w->then) {
		w->then(w);
	}
	else {
		api_reply_json(w->req, w->status ? w->status : 200, w->body);
		w->body = NULL;
	}
	mem_deref(w);
}

struct api_work *api_work_new(struct api_req *req, api_work_h *fn, void *arg)
{
	struct api_work *w = mem_zalloc(sizeof(*w), work_destructor);

	if (!w) {
		mem_deref(arg);
		api_reply_error(req, 500, "internal", "out of memory");
		return NULL;
	}
	w->req = api_req_hold(req);
	w->fn = fn;
	w->arg = arg;
	w->store = api_store(req);
	w->crm = api_crm(req);
	w->center = api_center(req);
	w->unit = api_self_unit(req);
	w->now = hl_wall_ms();
	snprintf(w->tenant, sizeof(w->tenant), "%s", api_tenant_name(req));
	return w;
}

int api_work_submit(struct api_work *w)
{
	int err;

	if (!w->store) {
		api_reply_error(w->req, 503, "unavailable",
				"no store configured");
		mem_deref(w);
		return ENOENT;
	}
	err = store_run(w->store, work_run, work_done, w);
	if (err) {
		api_crm_store_failed(w->req, err);
		mem_deref(w);
	}
	return err;
}

void api_work_fail(struct api_work *w, uint16_t status, const char *code,
		   const char *fmt, ...)
{
	va_list ap;

	w->status = status;
	snprintf(w->code, sizeof(w->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof(w->msg), fmt, ap);
	va_end(ap);
}

bool api_crm_store_failed(struct api_req *req, int err)
{
	if (!err)
		return false;
	if (err == EBUSY || err == ESHUTDOWN)
		api_reply_error(req, 503, "unavailable",
				"the store is %s; try again",
				err == EBUSY ? "busy" : "shutting down");
	else
		api_reply_error(req, 500, "internal", "store failed: %s",
				strerror(err));
	return true;
}

/* --- who acts ------------------------------------------------------------- */

const char *api_self_unit(const struct api_req *req)
{
	const struct auth_session *s = api_session(req);
	const struct center_unit *u;

	if (!s || s->role != AUTH_ROLE_UNIT)
		return NULL;
	u = center_unit_of_user(center_tenant(api_center(req), s->tenant),
				s->username);
	return u ? u->name : "";
}

bool api_is_unit(const struct api_req *req)
{
	const struct auth_session *s = api_session(req);

	return s && s->role == AUTH_ROLE_UNIT;
}

void api_crm_actor(const struct api_req *req, struct crm_actor *a)
{
	const struct auth_session *s = api_session(req);

	a->id = s->agent ? s->agent : s->username;
	switch (s->role) {
	case AUTH_ROLE_AGENT:
		a->role = CRM_ROLE_AGENT;
		break;
	case AUTH_ROLE_UNIT:
		a->role = CRM_ROLE_UNIT;
		break;
	default:
		a->role = CRM_ROLE_SUPERVISOR;
		break;
	}
}

bool api_crm_ready(struct api_req *req)
{
	if (api_crm(req) && api_store(req))
		return true;
	api_reply_error(req, 503, "unavailable",
			"customers and work orders need the store");
	return false;
}

uint16_t api_crm_status(int err, const char **code)
{
	switch (err) {
	case EINVAL:
		*code = "bad_value";
		return 400;
	case ENOENT:
		*code = "not_found";
		return 404;
	case EEXIST:
		*code = "duplicate_identity";
		return 409;
	case EPERM:
		*code = "illegal_move";
		return 409;
	case EACCES:
		*code = "forbidden";
		return 403;
	case ESTALE:
		*code = "stale";
		return 409;
	case ENOSPC:
		*code = "slot_full";
		return 409;
	case EFBIG:
		*code = "too_large";
		return 413;
	case EMEDIUMTYPE:
		*code = "unsupported_media_type";
		return 415;
	case EILSEQ:
	case EBADMSG:
		*code = "bad_csv";
		return 400;
	case EBUSY:
	case ESHUTDOWN:
		*code = "unavailable";
		return 503;
	default:
		*code = "internal";
		return 500;
	}
}

void api_crm_reply_err(struct api_req *req, int err, const char *msg)
{
	const char *code;
	uint16_t st = api_crm_status(err, &code);

	api_reply_error(req, st, code, "%s",
			msg && *msg ? msg : strerror(err));
}

/* --- parsing -------------------------------------------------------------- */

int api_parse_time(const char *s, bool end_of_day, uint64_t *msp)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	char *end;
	long long v;

	if (!s || !*s)
		return EINVAL;
	v = strtoll(s, &end, 10);
	if (!*end && v > 100000) { /* epoch ms */
		*msp = (uint64_t)v;
		return 0;
	}
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || y < 1970 ||
	    mo < 1 || mo > 12 || d < 1 || d > 31)
		return EINVAL;
	if (s[n] == 'T' || s[n] == ' ') {
		int m = 0;

		if (sscanf(s + n + 1, "%2d:%2d%n", &h, &mi, &m) != 2)
			return EINVAL;
		n += 1 + m;
		if (s[n] == ':') {
			if (sscanf(s + n + 1, "%2d%n", &sec, &m) != 1)
				return EINVAL;
			n += 1 + m;
		}
		if (s[n] == '.')
			for (n++; s[n] >= '0' && s[n] <= '9'; n++)
				;
		if (s[n] == 'Z')
			n++;
	}
	else if (end_of_day) {
		h = 24;
	}
	if (s[n] || h > 24 || mi > 59 || sec > 60)
		return EINVAL;
	{
		/* days from civil (Howard Hinnant) */
		int64_t yy = y - (mo <= 2);
		int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
		int64_t yoe = yy - era * 400;
		int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
		int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
		int64_t days = era * 146097 + doe - 719468;

		*msp = (uint64_t)((days * 86400 + h * 3600 + mi * 60 + sec) *
				  1000);
	}
	return 0;
}

int api_query_uint(struct api_req *req, const char *name, uint32_t min,
		   uint32_t max, uint32_t *vp)
{
	const char *s = api_req_query(req, name);
	char *end;
	unsigned long v;

	if (!s)
		return 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || *s == '-' || v < min || v > max) {
		api_reply_error(req, 400, "bad_query",
				"%s must be an integer from %u to %u", name,
				min, max);
		return EINVAL;
	}
	*vp = (uint32_t)v;
	return 0;
}

int api_query_bool(struct api_req *req, const char *name, bool *vp)
{
	const char *s = api_req_query(req, name);

	if (!s)
		return 0;
	if (!strcmp(s, "true") || !strcmp(s, "1"))
		*vp = true;
	else if (!strcmp(s, "false") || !strcmp(s, "0"))
		*vp = false;
	else {
		api_reply_error(req, 400, "bad_query",
				"%s must be true or false", name);
		return EINVAL;
	}
	return 0;
}

int api_query_check(struct api_req *req, const char *const *known, size_t n)
{
	const char *unknown = api_req_query_unknown(req, known, n);
	char list[400] = "";
	size_t used = 0;

	if (!unknown)
		return 0;
	for (size_t i = 0; i < n && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used,
					 "%s%s", i ? ", " : "", known[i]);
	api_reply_error(req, 400, "bad_query",
			"unknown query parameter '%s' (expected %s)", unknown,
			list);
	return EINVAL;
}

/* --- JSON shapes ---------------------------------------------------------- */

static json_t *ms_or_null(uint64_t ms)
{
	return ms ? json_integer((json_int_t)ms) : json_null();
}

json_t *api_customer_json(const struct store_customer *c)
{
	json_t *ids = json_array();

	for (size_t i = 0; ids && i < c->nidents; i++)
		json_array_append_new(
			ids, json_pack("{s:s,s:s}", "kind",
				       store_ident_kind_name(c->idents[i].kind),
				       "value", c->idents[i].value));
	return json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:o}", "id", c->id, "name",
			 api_json_str(c->name), "language",
			 api_json_str(c->language), "note",
			 api_json_str(c->note), "created",
			 api_json_time(c->created), "updated",
			 api_json_time(c->updated), "identities",
			 ids ? ids : json_array());
}

json_t *api_workorder_json(const struct store_workorder *w, uint64_t now)
{
	json_t *fields = NULL;
	/* overdue: its answer is late (an answered order is not) */
	bool open = w->status >= 0 && w->status < STORE_WO_NSTATUS &&
		    (API_WO_UNANSWERED_MASK & (1u << w->status));

	if (w->fields)
		fields = json_loads(w->fields, 0, NULL);
	if (!fields)
		fields = json_object();
	return json_pack(
		"{s:s,s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,"
		"s:o,s:o,s:o,s:o,s:o,s:b,s:o,s:o,s:o,s:I}",
		"id", w->id, "number", (json_int_t)w->number, "category",
		w->category ? w->category : "", "status",
		store_wo_status_name(w->status), "priority",
		store_wo_priority_name(w->priority), "customer",
		api_json_str(w->customer), "unit", api_json_str(w->unit),
		"agent", api_json_str(w->agent), "subject",
		api_json_str(w->subject), "fields", fields, "interaction",
		api_json_str(w->interaction), "created",
		api_json_time(w->created), "created_ms", ms_or_null(w->created),
		"updated", api_json_time(w->updated), "due",
		api_json_time(w->due), "due_ms", ms_or_null(w->due), "warn_at",
		api_json_time(w->warn_at), "flagged", api_json_time(w->flagged),
		"escalated", api_json_time(w->escalated), "overdue",
		open && w->due && now >= w->due, "answered",
		api_json_time(w->answered), "closed", api_json_time(w->closed),
		"satisfaction",
		w->satisfaction ? json_integer(w->satisfaction) : json_null(),
		"version", (json_int_t)w->version);
}

json_t *api_wo_event_json(const struct store_wo_event *e)
{
	json_t *data = e->data ? json_loads(e->data, 0, NULL) : NULL;

	return json_pack(
		"{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "seq",
		(json_int_t)e->seq, "time", api_json_time(e->time), "time_ms",
		ms_or_null(e->time), "actor", api_json_str(e->actor), "role",
		api_json_str(e->role), "kind", api_json_str(e->kind), "action",
		api_json_str(e->action), "from",
		e->from >= 0 ? api_json_str(store_wo_status_name(e->from))
			     : json_null(),
		"to",
		e->to >= 0 ? api_json_str(store_wo_status_name(e->to))
			   : json_null(),
		"text", api_json_str(e->text), "data",
		data ? data : json_null());
}

json_t *api_booking_json(const struct crm *crm, const char *tenant,
			 const struct store_booking *b)
{
	char conf[256] = "";

	if (b->service && b->code)
		crm_booking_confirmation(crm, tenant, b->service, b->start,
					 b->code, conf, sizeof(conf));
	return json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
			 "id", b->id, "slot", api_json_str(b->slot), "service",
			 api_json_str(b->service), "start",
			 api_json_time(b->start), "start_ms",
			 ms_or_null(b->start), "customer",
			 api_json_str(b->customer), "phone",
			 api_json_str(b->phone), "source",
			 api_json_str(b->source), "code",
			 api_json_str(b->code), "created",
			 api_json_time(b->created), "cancelled",
			 api_json_time(b->cancelled), "confirmation",
			 conf[0] ? json_string(conf) : json_null());
}

json_t *api_slot_json(const struct store_appt_slot *s)
{
	return json_pack("{s:s,s:s,s:o,s:I,s:I,s:I,s:I,s:I}", "id", s->id,
			 "service", s->service ? s->service : "", "start",
			 api_json_time(s->start), "start_ms",
			 (json_int_t)s->start, "length_s",
			 (json_int_t)s->length_s, "capacity",
			 (json_int_t)s->capacity, "booked",
			 (json_int_t)s->booked, "free",
			 (json_int_t)(s->capacity > s->booked
					      ? s->capacity - s->booked
					      : 0));
}
