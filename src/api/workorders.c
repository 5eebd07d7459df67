/**
 * @file workorders.c  Work orders: categories and units from the
 * configuration, creation, search, one order with its audit trail, the
 * workflow moves, comments, attachments, form fields and satisfaction.
 *
 * A change first reads the order on the store's worker: that resolves a
 * number to the id, keeps another tenant's order "not found", and lets a
 * unit user see only its unit's orders.  crm then checks the move against
 * its table and the store checks the status again in the same transaction
 * as the write, so two users cannot both win; a refused move answers 409
 * with crm's sentence.  The order is read back and answered as stored.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

#define PAGE_DEFAULT 50
#define PAGE_MAX     200
#define UPLOAD_MAX   (500u * 1024u) /* libre's server drops ~512 KiB */
#define DOWNLOAD_MAX (64u << 20)

/* --- configuration -------------------------------------------------------- */

static const char *const field_types[] = {"text", "number", "choice", "date",
					  "phone"};

static json_t *category_json(const struct center_wo_category *c)
{
	json_t *fields = json_array(), *due = json_object();

	for (int p = 0; p < CENTER_PRIORITIES; p++)
		json_object_set_new(due, store_wo_priority_name(p),
				    json_integer(c->due_s[p]));
	for (size_t i = 0; i < c->nfields; i++) {
		const struct center_wo_field *f = &c->fields[i];
		json_t *choices = json_null();

		if (f->nchoices) {
			choices = json_array();
			for (size_t k = 0; k < f->nchoices; k++)
				json_array_append_new(choices,
						      json_string(f->choices[k]));
		}
		json_array_append_new(
			fields,
			json_pack("{s:s,s:s,s:s,s:b,s:o,s:o}", "name", f->name,
				  "title", f->title ? f->title : f->name,
				  "type",
				  (unsigned)f->type < ARRAY_LEN(field_types)
					  ? field_types[f->type]
					  : "text",
				  "required", f->required, "choices", choices,
				  "max_length",
				  f->max_len ? json_integer(f->max_len)
					     : json_null()));
	}
	return json_pack("{s:s,s:s,s:o,s:o,s:o}", "name", c->name, "title",
			 c->title ? c->title : c->name, "unit",
			 api_json_str(c->unit), "due_s", due, "fields", fields);
}

/* GET /api/v1/workorder-categories */
void api_wo_categories(struct api_req *req)
{
	const struct center_tenant *t =
		center_tenant(api_center(req), api_tenant_name(req));
	const struct center_workorders *wc = t ? &t->workorders : NULL;
	json_t *cats = json_array(), *pri = json_array(), *moves = json_array(),
	       *types = json_array();

	for (size_t i = 0; wc && i < wc->ncategories; i++)
		json_array_append_new(cats, category_json(&wc->categories[i]));
	for (int p = 0; p < STORE_PRIO_MAX; p++)
		json_array_append_new(pri,
				      json_string(store_wo_priority_name(p)));
	for (int m = 0; m < CRM_MOVE_MAX; m++)
		json_array_append_new(
			moves, json_string(crm_move_name((enum crm_move)m)));
	for (size_t i = 0; wc && i < wc->ntypes; i++)
		json_array_append_new(types, json_string(wc->types[i]));
	api_reply_json(req, 200,
		       json_pack("{s:o,s:o,s:o,s:I,s:o}", "categories", cats,
				 "priorities", pri, "moves", moves,
				 "attachment_max",
				 (json_int_t)(wc && wc->attach_max
						      ? wc->attach_max
						      : 10000000),
				 "attachment_types", types));
}

/* GET /api/v1/units */
void api_units_list(struct api_req *req)
{
	const struct center_tenant *t =
		center_tenant(api_center(req), api_tenant_name(req));
	json_t *units = json_array();

	for (size_t i = 0; t && i < t->workorders.nunits; i++) {
		const struct center_unit *u = &t->workorders.units[i];
		json_t *users = json_array();

		for (size_t k = 0; k < u->nusers; k++)
			json_array_append_new(users, json_string(u->users[k]));
		json_array_append_new(units,
				      json_pack("{s:s,s:s,s:o}", "name",
						u->name, "title",
						u->title ? u->title : u->name,
						"users", users));
	}
	api_reply_json(req, 200, json_pack("{s:o}", "units", units));
}

/* --- one order: the operation's arguments ----------------------------------- */

enum wo_op {
	OP_GET = 0,
	OP_CREATE,
	OP_MOVE,
	OP_COMMENT,
	OP_FIELDS,
	OP_SATISFACTION,
	OP_ATTACH,
	OP_DOWNLOAD,
};

struct wo_arg {
	enum wo_op op;
	char ref[API_PARAM_LEN]; /* id or number, from the path */
	char id[27];             /* resolved */
	char category[65];       /* of the order read */
	uint32_t version;        /* of the order read */
	uint32_t expect_version; /* 0: any */
	enum crm_move move;
	char *text, *unit, *fields, *name, *type; /* mem strings */
	uint8_t *data;                           /* mem, attachment */
	size_t len;
	uint8_t score;
	char aid[API_PARAM_LEN];
	struct crm_wo_new nw; /* create: strings point into the above */
	char *subject, *customer, *interaction;
	char actor_id[128];
	struct crm_actor actor;
	bool full; /* answer with the trail */
	bool changed; /* read back after a change (a unit user's return
	                 takes the order out of its unit) */
	struct store_wo_filter f; /* search */
	uint64_t due_before;
	bool overdue;
};

static void wo_arg_destructor(void *arg)
{
	struct wo_arg *a = arg;

	mem_deref(a->text);
	mem_deref(a->unit);
	mem_deref(a->fields);
	mem_deref(a->name);
	mem_deref(a->type);
	mem_deref(a->data);
	mem_deref(a->subject);
	mem_deref(a->customer);
	mem_deref(a->interaction);
}

static struct wo_arg *wo_arg_new(struct api_req *req, enum wo_op op)
{
	struct wo_arg *a = mem_zalloc(sizeof(*a), wo_arg_destructor);
	const char *ref = api_req_param(req, "id");

	if (!a) {
		api_reply_error(req, 500, "internal", "out of memory");
		return NULL;
	}
	a->op = op;
	if (ref)
		snprintf(a->ref, sizeof(a->ref), "%s", ref);
	api_crm_actor(req, &a->actor);
	snprintf(a->actor_id, sizeof(a->actor_id), "%s", a->actor.id);
	a->actor.id = a->actor_id;
	return a;
}

static char *dup_str(const char *s)
{
	char *d = NULL;

	if (s)
		str_dup(&d, s);
	return d;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* On the worker: the order named by a->ref, visible to the caller.
 * Returns the order (a mem object) or NULL with w's answer set. */
static struct store_workorder *read_order(struct api_work *w,
					  struct wo_arg *a)
{
	struct store_wo_filter f = {.tenant = w->tenant, .limit = 1};
	struct store_workorder *v = NULL;
	size_t n = 0;
	int err;

	if (a->id[0])
		f.id = a->id;
	else if (all_digits(a->ref))
		f.number = strtoull(a->ref, NULL, 10);
	else
		f.id = a->ref;
	err = store_workorders_get_sync(w->store, &f, &v, &n);
	if (err) {
		api_work_fail(w, 500, "internal", "order read failed: %s",
			      strerror(err));
		return NULL;
	}
	/* a unit user sees its own unit's orders only; others do not exist
	 * for it */
	if (!n || (w->unit && !a->changed &&
		   (!v[0].unit || strcmp(v[0].unit, w->unit)))) {
		mem_deref(v);
		api_work_fail(w, 404, "not_found", "no work order %s",
			      a->id[0] ? a->id : a->ref);
		return NULL;
	}
	return v;
}

/* On the worker: the order and (full) its trail, attachments and
 * follow-ups into w->body. */
static void order_full(struct api_work *w)
{
	struct wo_arg *a = w->arg;
	struct store_workorder *v = read_order(w, a);
	struct store_wo_event *ev = NULL;
	struct store_attachment *at = NULL;
	struct store_followup *fu = NULL;
	size_t nev = 0, nat = 0, nfu = 0;
	json_t *o, *arr;

	if (!v)
		return;
	o = api_workorder_json(&v[0], w->now);
	if (a->full) {
		arr = json_array();
		if (!store_wo_events_get_sync(w->store, w->tenant, v[0].id,
					      &ev, &nev))
			for (size_t i = 0; i < nev; i++)
				json_array_append_new(arr,
						      api_wo_event_json(&ev[i]));
		json_object_set_new(o, "events", arr);
		arr = json_array();
		if (!store_attachments_get_sync(w->store, w->tenant, v[0].id,
						&at, &nat))
			for (size_t i = 0; i < nat; i++) {
				char url[128];

				snprintf(url, sizeof(url),
					 "/api/v1/workorders/%s/attachments/%s",
					 v[0].id, at[i].id);
				json_array_append_new(
					arr,
					json_pack("{s:s,s:o,s:o,s:I,s:o,s:o,"
						  "s:s}",
						  "id", at[i].id, "name",
						  api_json_str(at[i].name),
						  "type",
						  api_json_str(at[i].type),
						  "size",
						  (json_int_t)at[i].size,
						  "time",
						  api_json_time(at[i].time),
						  "actor",
						  api_json_str(at[i].actor),
						  "url", url));
			}
		json_object_set_new(o, "attachments", arr);
		arr = json_array();
		if (!store_followups_get_sync(w->store, w->tenant, v[0].id,
					      &fu, &nfu))
			for (size_t i = 0; i < nfu; i++)
				json_array_append_new(
					arr,
					json_pack("{s:s,s:o,s:o,s:o,s:o,s:o}",
						  "id", fu[i].id, "kind",
						  api_json_str(fu[i].kind),
						  "address",
						  api_json_str(fu[i].address),
						  "status",
						  api_json_str(fu[i].status),
						  "created",
						  api_json_time(fu[i].created),
						  "done",
						  api_json_time(fu[i].done)));
		json_object_set_new(o, "followups", arr);
	}
	if (a->op == OP_COMMENT || a->op == OP_ATTACH) {
		json_t *wrap = json_pack("{s:o}", "workorder", o);

		o = wrap;
	}
	w->body = o;
	mem_deref(v);
	mem_deref(ev);
	mem_deref(at);
	mem_deref(fu);
}

/* GET /api/v1/workorders/{id} */
void api_workorder_get(struct api_req *req)
{
	struct wo_arg *a;
	struct api_work *w;

	if (!api_crm_ready(req) || !(a = wo_arg_new(req, OP_GET)))
		return;
	a->full = true;
	w = api_work_new(req, order_full, a);
	if (w)
		api_work_submit(w);
}

/* --- changes ----------------------------------------------------------------- */

/* A change answered by crm/the store: read the order back. */
static void changed(int err, const struct store_result *r, void *arg)
{
	struct api_work *w = arg;
	struct wo_arg *a = w->arg;

	if (err) {
		char buf[CRM_ERR_MAX];
		const char *code, *msg = r && r->detail ? r->detail : NULL;
		uint16_t st = api_crm_status(err, &code);

		if (err == EPERM && a->op == OP_MOVE && r && r->status >= 0)
			msg = crm_move_refusal(a->move, r->status, buf,
					       sizeof(buf));
		if (err == EACCES) {
			st = 404;
			code = "not_found";
			msg = "no such work order in your unit";
		}
		api_reply_error(w->req, st, code, "%s",
				msg ? msg : strerror(err));
		mem_deref(w);
		return;
	}
	a->changed = true;
	if (a->op == OP_CREATE && r && r->id[0])
		snprintf(a->id, sizeof(a->id), "%s", r->id);
	w->fn = order_full;
	w->then = NULL;
	api_work_submit(w); /* takes w */
}

/* On the loop, once the order was read: make the change. */
static void apply(struct api_work *w)
{
	struct wo_arg *a = w->arg;
	char err[CRM_ERR_MAX] = "";
	const char *tenant = w->tenant;
	int e = EINVAL;

	mem_ref(w); /* for changed() */
	switch (a->op) {
	case OP_MOVE:
		e = crm_workorder_move(w->crm, tenant, a->id, a->move,
				       &a->actor, a->text, a->unit, changed, w,
				       err, sizeof(err));
		break;
	case OP_COMMENT:
		w->status = 201;
		e = crm_workorder_comment(w->crm, tenant, a->id, &a->actor,
					  a->text, changed, w, err,
					  sizeof(err));
		break;
	case OP_FIELDS:
		e = crm_workorder_set_fields(w->crm, tenant, a->id,
					     a->category,
					     a->fields, &a->actor, changed, w,
					     err, sizeof(err));
		break;
	case OP_SATISFACTION:
		e = crm_satisfaction(w->crm, tenant, a->id, NULL, a->score,
				     "agent", &a->actor, changed, w, err,
				     sizeof(err));
		break;
	case OP_ATTACH:
		w->status = 201;
		e = crm_workorder_attach(w->crm, tenant, a->id, &a->actor,
					 a->name, a->type, a->data, a->len,
					 changed, w, err, sizeof(err));
		break;
	default:
		break;
	}
	if (!e)
		return;
	if (e == EPERM) /* a role that may never make this move */
		api_reply_error(w->req, 403, "forbidden", "%s", err);
	else if (e == EACCES)
		api_reply_error(w->req, 404, "not_found",
				"no such work order in your unit");
	else
		api_crm_reply_err(w->req, e, err);
	mem_deref(w);
}

/* On the worker: resolve the order, then apply on the loop. */
static void resolve(struct api_work *w)
{
	struct wo_arg *a = w->arg;
	struct store_workorder *v = read_order(w, a);

	if (!v)
		return;
	snprintf(a->id, sizeof(a->id), "%s", v[0].id);
	snprintf(a->category, sizeof(a->category), "%s",
		 v[0].category ? v[0].category : "");
	a->version = v[0].version;
	if (a->expect_version && a->expect_version != a->version)
		api_work_fail(w, 409, "stale",
			      "order %llu changed (version %u, you saw %u): "
			      "read it again",
			      (unsigned long long)v[0].number, a->version,
			      a->expect_version);
	else
		w->then = apply;
	mem_deref(v);
}

static void start_change(struct api_req *req, struct wo_arg *a)
{
	struct api_work *w = api_work_new(req, resolve, a);

	if (w)
		api_work_submit(w);
}

/* POST /api/v1/workorders/{id}/move {"move", "unit"?, "text"?, "version"?} */
void api_workorder_move(struct api_req *req)
{
	static const char *const known[] = {"move", "unit", "text", "version"};
	json_t *body = api_req_body(req), *ver;
	const char *move, *unit, *text;
	struct wo_arg *a;

	if (api_json_fields(req, body, known, ARRAY_LEN(known)) ||
	    api_json_string(req, body, "move", true, 32, &move) ||
	    api_json_string(req, body, "unit", false, 64, &unit) ||
	    api_json_string(req, body, "text", false, 10000, &text) ||
	    !api_crm_ready(req))
		return;
	ver = json_object_get(body, "version");
	if (ver && !json_is_null(ver) &&
	    (!json_is_integer(ver) || json_integer_value(ver) < 1 ||
	     json_integer_value(ver) > UINT32_MAX)) {
		api_reply_error(req, 400, "wrong_type",
				"field 'version' must be a positive integer");
		return;
	}
	a = wo_arg_new(req, OP_MOVE);
	if (!a)
		return;
	if (crm_move_parse(move, &a->move)) {
		mem_deref(a);
		api_reply_error(req, 400, "bad_value",
				"unknown move '%s' (expected dispatch, take, "
				"accept, return, answer, follow_up, close, "
				"reopen)",
				move);
		return;
	}
	if (ver && json_is_integer(ver))
		a->expect_version = (uint32_t)json_integer_value(ver);
	a->text = dup_str(text);
	a->unit = dup_str(unit);
	if ((text && !a->text) || (unit && !a->unit)) {
		mem_deref(a);
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}
	start_change(req, a);
}

/* POST /api/v1/workorders/{id}/comments {"text"} */
void api_workorder_comment(struct api_req *req)
{
	static const char *const known[] = {"text"};
	json_t *body = api_req_body(req);
	const char *text;
	struct wo_arg *a;

	if (api_json_fields(req, body, known, 1) ||
	    api_json_string(req, body, "text", true, 10000, &text) ||
	    !api_crm_ready(req) || !(a = wo_arg_new(req, OP_COMMENT)))
		return;
	a->text = dup_str(text);
	if (!a->text) {
		mem_deref(a);
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}
	start_change(req, a);
}

/* PUT /api/v1/workorders/{id}/fields {"fields": {...}, "category"?} */
void api_workorder_fields(struct api_req *req)
{
	static const char *const known[] = {"fields", "category"};
	json_t *body = api_req_body(req), *fields;
	const char *category;
	struct wo_arg *a;

	if (api_json_fields(req, body, known, 2) ||
	    api_json_string(req, body, "category", false, 64, &category) ||
	    !api_crm_ready(req))
		return;
	fields = json_object_get(body, "fields");
	if (!fields) {
		api_reply_error(req, 400, "missing_field",
				"field 'fields' is required");
		return;
	}
	if (!json_is_object(fields)) {
		api_reply_error(req, 400, "wrong_type",
				"field 'fields' must be an object");
		return;
	}
	if (category) {
		/* a category change is not a workflow of its own: the store
		 * has no field for it, so it is refused rather than ignored */
		api_reply_error(req, 400, "bad_value",
				"the category of an order cannot change; give "
				"its fields only");
		return;
	}
	a = wo_arg_new(req, OP_FIELDS);
	if (!a)
		return;
	{
		char *s = json_dumps(fields, JSON_COMPACT);

		a->fields = dup_str(s);
		free(s);
	}
	if (!a->fields) {
		mem_deref(a);
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}
	start_change(req, a);
}

/* PUT /api/v1/workorders/{id}/satisfaction {"score": 1..5} */
void api_workorder_satisfaction(struct api_req *req)
{
	static const char *const known[] = {"score"};
	json_t *body = api_req_body(req), *sc;
	struct wo_arg *a;

	if (api_json_fields(req, body, known, 1) || !api_crm_ready(req))
		return;
	sc = json_object_get(body, "score");
	if (!sc) {
		api_reply_error(req, 400, "missing_field",
				"field 'score' is required");
		return;
	}
	if (!json_is_integer(sc)) {
		api_reply_error(req, 400, "wrong_type",
				"field 'score' must be an integer 1..5");
		return;
	}
	if (json_integer_value(sc) < 1 || json_integer_value(sc) > 5) {
		api_reply_error(req, 400, "bad_value",
				"satisfaction is 1 to 5");
		return;
	}
	a = wo_arg_new(req, OP_SATISFACTION);
	if (!a)
		return;
	a->score = (uint8_t)json_integer_value(sc);
	start_change(req, a);
}

/* POST /api/v1/workorders/{id}/attachments?name=  body: the file */
void api_workorder_attach(struct api_req *req)
{
	static const char *const known[] = {"name"};
	const struct http_msg *msg = api_req_msg(req);
	const char *name = api_req_query(req, "name");
	char type[128];
	struct wo_arg *a;
	size_t len;

	if (api_query_check(req, known, 1) || !api_crm_ready(req))
		return;
	if (!name || !*name) {
		api_reply_error(req, 400, "bad_query",
				"name the file: ?name=photo.jpg");
		return;
	}
	if (!msg || !msg->mb || !(len = mbuf_get_left(msg->mb))) {
		api_reply_error(req, 400, "missing_body",
				"send the file as the body");
		return;
	}
	if (len > UPLOAD_MAX) {
		api_reply_error(req, 413, "too_large",
				"attachments of at most %u bytes per request",
				UPLOAD_MAX);
		return;
	}
	if (!msg->ctyp.type.l) {
		api_reply_error(req, 415, "unsupported_media_type",
				"give the file's type as Content-Type");
		return;
	}
	snprintf(type, sizeof(type), "%.*s/%.*s", (int)msg->ctyp.type.l,
		 msg->ctyp.type.p, (int)msg->ctyp.subtype.l,
		 msg->ctyp.subtype.p);
	a = wo_arg_new(req, OP_ATTACH);
	if (!a)
		return;
	a->name = dup_str(name);
	a->type = dup_str(type);
	a->data = mem_alloc(len, NULL);
	if (!a->name || !a->type || !a->data) {
		mem_deref(a);
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}
	memcpy(a->data, mbuf_buf(msg->mb), len);
	a->len = len;
	start_change(req, a);
}

/* On the worker: the attachment's bytes. */
static void download_fn(struct api_work *w)
{
	struct wo_arg *a = w->arg;
	struct store_workorder *v = read_order(w, a);
	struct store_attachment *at = NULL, *found = NULL;
	size_t nat = 0;
	struct stat st;
	int fd = -1;

	if (!v)
		return;
	if (!store_attachments_get_sync(w->store, w->tenant, v[0].id, &at,
					&nat))
		for (size_t i = 0; i < nat && !found; i++)
			if (!strcmp(at[i].id, a->aid))
				found = &at[i];
	if (!found || !found->path) {
		api_work_fail(w, 404, "not_found", "no attachment %s", a->aid);
		goto out;
	}
	fd = open(found->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > DOWNLOAD_MAX) {
		api_work_fail(w, 404, "not_found",
			      "attachment %s is not readable", a->aid);
		goto out;
	}
	w->raw = mbuf_alloc((size_t)st.st_size + 1);
	if (!w->raw) {
		api_work_fail(w, 500, "internal", "out of memory");
		goto out;
	}
	while (w->raw->end < (size_t)st.st_size) {
		ssize_t r = read(fd, w->raw->buf + w->raw->end,
				 (size_t)st.st_size - w->raw->end);

		if (r <= 0)
			break;
		w->raw->end += (size_t)r;
	}
	if (w->raw->end != (size_t)st.st_size) {
		w->raw = mem_deref(w->raw);
		api_work_fail(w, 500, "internal", "reading the attachment "
						  "failed");
		goto out;
	}
	/* the type was checked against the tenant's list at upload; a
	 * static type string is needed past this job: keep a copy */
	snprintf(a->aid, sizeof(a->aid), "%s", found->type);
	w->ctype = a->aid;
	snprintf(w->extra, sizeof(w->extra),
		 "Cache-Control: private\r\nX-Content-Type-Options: nosniff\r\n"
		 "Content-Disposition: attachment\r\n");
out:
	if (fd >= 0)
		close(fd);
	mem_deref(at);
	mem_deref(v);
}

/* GET /api/v1/workorders/{id}/attachments/{aid} */
void api_workorder_attachment(struct api_req *req)
{
	struct wo_arg *a;
	struct api_work *w;

	if (!api_crm_ready(req) || !(a = wo_arg_new(req, OP_DOWNLOAD)))
		return;
	snprintf(a->aid, sizeof(a->aid), "%s", api_req_param(req, "aid"));
	w = api_work_new(req, download_fn, a);
	if (w)
		api_work_submit(w);
}

/* --- create ------------------------------------------------------------------ */

/* The order is answered as written, from what was sent and what the
 * store says, without reading it back: one trip through the writer. */
static void created(int err, const struct store_result *r, void *arg)
{
	struct api_work *w = arg;
	struct wo_arg *a = w->arg;
	struct store_workorder o = {0};

	if (err) {
		api_crm_reply_err(w->req, err, r ? r->detail : NULL);
		mem_deref(w);
		return;
	}
	snprintf(o.id, sizeof(o.id), "%s", r->id);
	o.tenant = w->tenant;
	o.number = r->number;
	o.category = a->nw.category;
	o.status = r->status;
	o.priority = a->nw.priority;
	o.customer = a->nw.customer;
	o.subject = a->nw.subject;
	o.fields = a->nw.fields;
	o.interaction = a->nw.interaction;
	o.created = o.updated = r->time;
	o.due = r->due;
	o.warn_at = r->next_check; /* a new order's next check is its warning */
	o.version = r->version;
	api_reply_json(w->req, 201, api_workorder_json(&o, w->now));
	mem_deref(w);
}

static void create_now(struct api_work *w)
{
	struct wo_arg *a = w->arg;
	char err[CRM_ERR_MAX] = "";
	int e;

	mem_ref(w); /* for created() */
	e = crm_workorder_create(w->crm, &a->nw, &a->actor, created, w, err,
				 sizeof(err));
	if (!e)
		return;
	api_crm_reply_err(w->req, e, err);
	mem_deref(w);
}

/* POST /api/v1/workorders */
void api_workorder_create(struct api_req *req)
{
	static const char *const known[] = {"category", "priority", "subject",
					    "customer", "interaction",
					    "fields"};
	json_t *body = api_req_body(req), *fields;
	const char *category, *priority, *subject, *customer, *interaction;
	struct wo_arg *a;
	struct api_work *w;
	int prio = STORE_PRIO_NORMAL;

	if (api_json_fields(req, body, known, ARRAY_LEN(known)) ||
	    api_json_string(req, body, "category", true, 64, &category) ||
	    api_json_string(req, body, "priority", false, 16, &priority) ||
	    api_json_string(req, body, "subject", false, 500, &subject) ||
	    api_json_string(req, body, "customer", false, 26, &customer) ||
	    api_json_string(req, body, "interaction", false, 26,
			    &interaction) ||
	    !api_crm_ready(req))
		return;
	if (priority && store_wo_priority_parse(priority, &prio)) {
		api_reply_error(req, 400, "bad_value",
				"unknown priority '%s' (expected low, normal, "
				"high, urgent)",
				priority);
		return;
	}
	fields = json_object_get(body, "fields");
	if (fields && !json_is_object(fields) && !json_is_null(fields)) {
		api_reply_error(req, 400, "wrong_type",
				"field 'fields' must be an object");
		return;
	}
	a = wo_arg_new(req, OP_CREATE);
	if (!a)
		return;
	a->unit = dup_str(category); /* the category's name */
	a->subject = dup_str(subject);
	a->customer = dup_str(customer);
	a->interaction = dup_str(interaction);
	if (fields && json_is_object(fields)) {
		char *s = json_dumps(fields, JSON_COMPACT);

		a->fields = dup_str(s);
		free(s);
	}
	else {
		a->fields = dup_str("{}"); /* (a json_object() here leaked) */
	}
	if (!a->unit || !a->fields || (subject && !a->subject) ||
	    (customer && !a->customer) || (interaction && !a->interaction)) {
		mem_deref(a);
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}
	a->nw = (struct crm_wo_new){
		.tenant = NULL, /* set from the work's copy below */
		.category = a->unit,
		.priority = prio,
		.customer = a->customer,
		.subject = a->subject,
		.fields = a->fields,
		.interaction = a->interaction,
	};
	w = api_work_new(req, NULL, a);
	if (!w)
		return;
	a->nw.tenant = w->tenant;
	/* an order made during the call names a contact whose record is
	 * written only when it ends: the live contact vouches for it */
	a->nw.interaction_live =
		interaction && api_live_has_interaction(api_live(req),
							w->tenant, interaction);
	/* straight to the store's writer, which also checks that the
	 * customer and the contact are the tenant's */
	create_now(w);
	mem_deref(w);
}

/* --- search ------------------------------------------------------------------- */

static void search_fn(struct api_work *w)
{
	struct wo_arg *a = w->arg;
	struct store_workorder *v = NULL;
	size_t n = 0;
	json_t *arr;
	int err;

	a->f.tenant = w->tenant;
	if (w->unit)
		a->f.unit = w->unit;
	if (a->overdue) {
		uint64_t before = a->due_before && a->due_before < w->now
					  ? a->due_before
					  : w->now;

		a->f.due_before = before;
		if (!a->f.status_mask)
			a->f.status_mask = API_WO_UNANSWERED_MASK;
		a->f.status_mask &= API_WO_UNANSWERED_MASK;
		if (!a->f.status_mask) {
			w->body = json_pack("{s:[],s:I,s:I,s:n}", "workorders",
					    "limit", (json_int_t)a->f.limit,
					    "offset",
					    (json_int_t)a->f.offset,
					    "next_offset");
			return;
		}
	}
	else {
		a->f.due_before = a->due_before;
	}
	err = store_workorders_get_sync(w->store, &a->f, &v, &n);
	if (err) {
		api_work_fail(w, 500, "internal", "search failed: %s",
			      strerror(err));
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, api_workorder_json(&v[i], w->now));
	w->body = json_pack("{s:o,s:I,s:I,s:o}", "workorders", arr, "limit",
			    (json_int_t)a->f.limit, "offset",
			    (json_int_t)a->f.offset, "next_offset",
			    n == a->f.limit
				    ? json_integer((json_int_t)(a->f.offset + n))
				    : json_null());
	mem_deref(v);
}

/* GET /api/v1/workorders?number=&customer=&status=&category=&unit=&agent=
 *   &due_before=&overdue=&escalated=&open=&limit=&offset= */
void api_workorders_search(struct api_req *req)
{
	static const char *const known[] = {
		"number",    "customer", "status", "category", "unit",  "agent",
		"due_before", "overdue", "escalated", "open",  "limit", "offset"};
	const char *unit = api_req_query(req, "unit");
	const char *status = api_req_query(req, "status");
	const char *due = api_req_query(req, "due_before");
	const char *self_unit = api_self_unit(req);
	uint32_t limit = PAGE_DEFAULT, offset = 0, number = 0;
	bool open = false, escalated = false, overdue = false;
	struct wo_arg *a;
	struct api_work *w;

	if (api_query_check(req, known, ARRAY_LEN(known)) ||
	    api_query_uint(req, "limit", 1, PAGE_MAX, &limit) ||
	    api_query_uint(req, "offset", 0, 10000000, &offset) ||
	    api_query_uint(req, "number", 1, UINT32_MAX, &number) ||
	    api_query_bool(req, "open", &open) ||
	    api_query_bool(req, "overdue", &overdue) ||
	    api_query_bool(req, "escalated", &escalated) ||
	    !api_crm_ready(req))
		return;
	if (self_unit && unit && strcmp(unit, self_unit)) {
		api_reply_error(req, 403, "forbidden",
				"a unit's user sees its own unit's orders (%s)",
				self_unit);
		return;
	}
	if (unit && !center_unit(center_tenant(api_center(req),
					       api_tenant_name(req)),
				 unit)) {
		api_reply_error(req, 400, "bad_query", "no unit '%s'", unit);
		return;
	}
	a = wo_arg_new(req, OP_GET);
	if (!a)
		return;
	if (status && api_status_mask(req, status, &a->f.status_mask)) {
		mem_deref(a);
		return;
	}
	if (due && api_parse_time(due, false, &a->due_before)) {
		mem_deref(a);
		api_reply_error(req, 400, "bad_query",
				"due_before is a date, a time or epoch ms");
		return;
	}
	if (open)
		a->f.status_mask = a->f.status_mask
					   ? a->f.status_mask &
						     STORE_WO_OPEN_MASK
					   : STORE_WO_OPEN_MASK;
	a->f.limit = limit;
	a->f.offset = offset;
	a->f.number = number;
	a->f.escalated = escalated;
	a->overdue = overdue;
	/* the strings live in the request, which the work holds */
	a->f.unit = unit;
	a->f.customer = api_req_query(req, "customer");
	a->f.category = api_req_query(req, "category");
	a->f.agent = api_req_query(req, "agent");
	w = api_work_new(req, search_fn, a);
	if (w)
		api_work_submit(w);
}

/* --- events ------------------------------------------------------------------- */

json_t *api_crm_event_json(const struct crm_event *ev)
{
	static const char *const types[CRM_EV_MAX] = {
		"workorder.created", "workorder.changed", "workorder.flagged",
		"workorder.escalated"};

	if ((unsigned)ev->type >= CRM_EV_MAX)
		return NULL;
	return json_pack("{s:s,s:{s:s,s:I,s:s,s:o,s:o,s:o}}", "type",
			 types[ev->type], "workorder", "id", ev->id, "number",
			 (json_int_t)ev->number, "status",
			 store_wo_status_name(ev->status), "unit",
			 api_json_str(ev->unit), "due", api_json_time(ev->due),
			 "due_ms",
			 ev->due ? json_integer((json_int_t)ev->due)
				 : json_null());
}
