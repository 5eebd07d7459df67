/**
 * @file customers.c  Customers: search, the screen pop, create and change,
 * identities, CSV import and the CSV exports.
 *
 * Identities are normalised here with crm's rules (phone numbers to digits
 * with the country code, e-mail addresses to lower case) so that a search
 * and a duplicate check see the same text the store keeps.  Writes go
 * through the store's one writer; the customer is then read back on the
 * worker and answered as it is stored.
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
#include "core/core.h"
#include "crm/crm.h"

#define IDENT_LEN      256
#define IDENTS_MAX     16
#define PAGE_DEFAULT   50
#define PAGE_MAX       200
#define IMPORT_BODY_MAX (500u * 1024u)

/* --- reading one customer with what the screen pop shows ------------------ */

struct cust_arg {
	char id[27];
	int kind; /* lookup by identity when >= 0 */
	char value[IDENT_LEN];
	/* search */
	struct store_cust_filter f;
	char name[IDENT_LEN];
	/* import */
	enum crm_encoding enc;
	bool skip_bad;
	uint64_t since, until;
	uint32_t status_mask;
};

static void cust_arg_destructor(void *arg)
{
	(void)arg;
}

static struct cust_arg *cust_arg_new(void)
{
	struct cust_arg *a = mem_zalloc(sizeof(*a), cust_arg_destructor);

	if (a)
		a->kind = -1;
	return a;
}

/* On the worker: the customer (by id or identity), its last interactions,
 * open orders and bookings, into w->body. */
static void customer_full(struct api_work *w)
{
	struct cust_arg *a = w->arg;
	struct store_customer *c = NULL;
	struct store_screen_pop *pop = NULL;
	struct store_booking *bv = NULL;
	size_t nb = 0;
	json_t *o, *arr;
	int err;

	if (a->kind >= 0)
		err = store_customer_find_sync(w->store, w->tenant,
					       (enum store_ident_kind)a->kind,
					       a->value, &c);
	else
		err = store_customer_get_sync(w->store, w->tenant, a->id, &c);
	if (err == ENOENT || (!err && !c)) {
		api_work_fail(w, 404, "not_found", "no customer %s",
			      a->kind >= 0 ? a->value : a->id);
		goto out;
	}
	if (err) {
		api_work_fail(w, 500, "internal", "customer read failed: %s",
			      strerror(err));
		goto out;
	}
	o = api_customer_json(c);
	if (c->nidents &&
	    !store_screen_pop_sync(w->store, w->tenant, c->idents[0].kind,
				   c->idents[0].value, CRM_POP_INTERACTIONS,
				   &pop) &&
	    pop) {
		arr = json_array();
		for (size_t i = 0; i < pop->ninteractions; i++)
			json_array_append_new(
				arr, api_interaction_json(&pop->interactions[i]));
		json_object_set_new(o, "interactions", arr);
		arr = json_array();
		for (size_t i = 0; i < pop->nworkorders; i++)
			json_array_append_new(
				arr,
				api_workorder_json(&pop->workorders[i], w->now));
		json_object_set_new(o, "workorders", arr);
	}
	else {
		json_object_set_new(o, "interactions", json_array());
		json_object_set_new(o, "workorders", json_array());
	}
	arr = json_array();
	if (!store_bookings_get_sync(w->store, w->tenant, NULL, c->id, &bv,
				     &nb)) {
		for (size_t i = 0; i < nb; i++)
			if (!bv[i].cancelled)
				json_array_append_new(
					arr, api_booking_json(w->crm, w->tenant,
							      &bv[i]));
	}
	json_object_set_new(o, "bookings", arr);
	w->body = o;
out:
	mem_deref(c);
	mem_deref(pop);
	mem_deref(bv);
}

/* Normalise (kind, value) with crm's rules; replies 400 on failure. */
static int ident_parse(struct api_req *req, const char *kind,
		       const char *value, enum store_ident_kind *kp, char *out,
		       size_t sz)
{
	char err[CRM_ERR_MAX] = "";

	if (store_ident_kind_parse(kind, kp)) {
		api_reply_error(req, 400, "bad_value",
				"identity kind '%s' (expected phone, email or "
				"chat)",
				kind);
		return EINVAL;
	}
	if (crm_identity_normalise(*kp, value, crm_country_code(api_crm(req)),
				   out, sz, err, sizeof(err))) {
		api_reply_error(req, 400, "bad_value", "%s",
				*err ? err : "not a valid identity");
		return EINVAL;
	}
	return 0;
}

/* GET /api/v1/customers/{id} */
void api_customer_get(struct api_req *req)
{
	struct cust_arg *a;
	struct api_work *w;

	if (!api_crm_ready(req))
		return;
	a = cust_arg_new();
	if (!a) {
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}
	snprintf(a->id, sizeof(a->id), "%s", api_req_param(req, "id"));
	w = api_work_new(req, customer_full, a);
	if (w)
		api_work_submit(w);
}

/* GET /api/v1/customers/lookup?phone=|email=|chat= */
void api_customer_lookup(struct api_req *req)
{
	static const char *const known[] = {"phone", "email", "chat"};
	enum store_ident_kind k = STORE_IDENT_PHONE;
	const char *v = NULL, *kn = NULL;
	struct cust_arg *a;
	struct api_work *w;

	if (api_query_check(req, known, 3) || !api_crm_ready(req))
		return;
	for (size_t i = 0; i < 3 && !v; i++) {
		v = api_req_query(req, known[i]);
		kn = known[i];
	}
	if (!v) {
		api_reply_error(req, 400, "bad_query",
				"give phone, email or chat");
		return;
	}
	a = cust_arg_new();
	if (!a) {
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}
	if (ident_parse(req, kn, v, &k, a->value, sizeof(a->value))) {
		mem_deref(a);
		return;
	}
	a->kind = (int)k;
	w = api_work_new(req, customer_full, a);
	if (w)
		api_work_submit(w);
}

/* --- search --------------------------------------------------------------- */

static void search_fn(struct api_work *w)
{
	struct cust_arg *a = w->arg;
	char(*ids)[27] = NULL;
	size_t n = 0;
	json_t *arr;
	int err;

	a->f.tenant = w->tenant;
	err = store_customers_search_sync(w->store, &a->f, &ids, &n);
	if (err) {
		api_work_fail(w, 500, "internal", "search failed: %s",
			      strerror(err));
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++) {
		struct store_customer *c = NULL;

		if (!store_customer_get_sync(w->store, w->tenant, ids[i], &c) &&
		    c)
			json_array_append_new(arr, api_customer_json(c));
		mem_deref(c);
	}
	w->body = json_pack("{s:o,s:I,s:I,s:o}", "customers", arr, "limit",
			    (json_int_t)a->f.limit, "offset",
			    (json_int_t)a->f.offset, "next_offset",
			    n == a->f.limit
				    ? json_integer((json_int_t)(a->f.offset + n))
				    : json_null());
	mem_deref(ids);
}

static bool looks_like_phone(const char *s)
{
	size_t digits = 0;

	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (!strchr("+-() .", *s))
			return false;
	}
	return digits >= 3;
}

/* GET /api/v1/customers?q=&name=&phone=&email=&chat=&limit=&offset= */
void api_customers_search(struct api_req *req)
{
	static const char *const known[] = {"q",    "name",  "phone", "email",
					    "chat", "limit", "offset"};
	const char *q = api_req_query(req, "q");
	const char *kind = NULL, *value = NULL;
	struct cust_arg *a;
	struct api_work *w;
	uint32_t limit = PAGE_DEFAULT, offset = 0;

	if (api_query_check(req, known, ARRAY_LEN(known)) ||
	    api_query_uint(req, "limit", 1, PAGE_MAX, &limit) ||
	    api_query_uint(req, "offset", 0, 10000000, &offset) ||
	    !api_crm_ready(req))
		return;
	a = cust_arg_new();
	if (!a) {
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}
	a->f.limit = limit;
	a->f.offset = offset;
	a->f.kind = -1;
	for (size_t i = 2; i < 5 && !value; i++) {
		value = api_req_query(req, known[i]);
		kind = known[i];
	}
	if (!value && q && *q) {
		value = q;
		kind = strchr(q, '@') ? "email"
				      : looks_like_phone(q) ? "phone" : NULL;
		if (!kind)
			value = NULL;
	}
	if (value) {
		enum store_ident_kind k;

		if (ident_parse(req, kind, value, &k, a->value,
				sizeof(a->value))) {
			mem_deref(a);
			return;
		}
		a->f.kind = (int)k;
		a->f.value = a->value;
	}
	else {
		const char *name = api_req_query(req, "name");

		if (!name && q && *q)
			name = q;
		if (name && *name) {
			snprintf(a->name, sizeof(a->name), "%s", name);
			a->f.name = a->name;
		}
	}
	w = api_work_new(req, search_fn, a);
	if (w)
		api_work_submit(w);
}

/* --- create, update, identities --------------------------------------------- */

/* A write answered: read the customer back and answer it. */
static void written(int err, const struct store_result *r, void *arg)
{
	struct api_work *w = arg;
	struct cust_arg *a = w->arg;

	if (err) {
		const char *code;
		uint16_t st = api_crm_status(err, &code);

		if (err == EMLINK) {
			st = 409;
			code = "last_identity";
		}
		api_reply_error(w->req, st, code, "%s",
				r && r->detail ? r->detail : strerror(err));
		mem_deref(w);
		return;
	}
	snprintf(a->id, sizeof(a->id), "%s", r->id);
	api_work_submit(w); /* takes w */
}

static int customer_fields(struct api_req *req, json_t *body,
			   struct store_customer *c)
{
	if (api_json_string(req, body, "name", false, 200, &c->name) ||
	    api_json_string(req, body, "language", false, 16, &c->language) ||
	    api_json_string(req, body, "note", false, 4000, &c->note))
		return EINVAL;
	return 0;
}

/* Write c through the store and answer the customer as stored (status 0:
 * 200), or the store's refusal. */
static void customer_put(struct api_req *req, const struct store_customer *c,
			 uint16_t status)
{
	struct api_work *w = api_work_new(req, customer_full, cust_arg_new());
	int err;

	if (!w)
		return;
	if (!w->arg) {
		api_reply_error(req, 500, "internal", "out of memory");
		mem_deref(w);
		return;
	}
	w->status = status;
	err = store_customer_put(w->store, c, written, w);
	if (err) {
		api_crm_store_failed(req, err);
		mem_deref(w);
	}
}

/* POST /api/v1/customers {"name","language"?,"note"?,"identities":[...]} */
void api_customer_create(struct api_req *req)
{
	static const char *const known[] = {"name", "language", "note",
					    "identities"};
	char vals[IDENTS_MAX][IDENT_LEN];
	struct store_identity ids[IDENTS_MAX];
	json_t *body = api_req_body(req), *arr, *it;
	struct store_customer c = {.tenant = api_tenant_name(req)};
	size_t i;

	if (api_json_fields(req, body, known, ARRAY_LEN(known)) ||
	    customer_fields(req, body, &c) || !api_crm_ready(req))
		return;
	arr = json_object_get(body, "identities");
	if (!arr) {
		api_reply_error(req, 400, "missing_field",
				"field 'identities' is required");
		return;
	}
	if (!json_is_array(arr)) {
		api_reply_error(req, 400, "wrong_type",
				"field 'identities' must be an array of "
				"{kind, value}");
		return;
	}
	if (!json_array_size(arr) || json_array_size(arr) > IDENTS_MAX) {
		api_reply_error(req, 400, "bad_value",
				"a customer needs 1 to %d identities",
				IDENTS_MAX);
		return;
	}
	json_array_foreach(arr, i, it) {
		static const char *const ik[] = {"kind", "value"};
		const char *kind, *value;

		if (!json_is_object(it)) {
			api_reply_error(req, 400, "wrong_type",
					"identities[%zu] must be an object "
					"{kind, value}",
					i);
			return;
		}
		if (api_json_fields(req, it, ik, 2) ||
		    api_json_string(req, it, "kind", true, 16, &kind) ||
		    api_json_string(req, it, "value", true, IDENT_LEN - 1,
				    &value) ||
		    ident_parse(req, kind, value, &ids[i].kind, vals[i],
				sizeof(vals[i])))
			return;
		ids[i].value = vals[i];
	}
	c.idents = ids;
	c.nidents = json_array_size(arr);

	customer_put(req, &c, 201);
}

/* PATCH /api/v1/customers/{id} {"name"?, "language"?, "note"?} */
void api_customer_update(struct api_req *req)
{
	static const char *const known[] = {"name", "language", "note"};
	json_t *body = api_req_body(req);
	struct store_customer c = {.tenant = api_tenant_name(req)};

	if (api_json_fields(req, body, known, ARRAY_LEN(known)) ||
	    customer_fields(req, body, &c) || !api_crm_ready(req))
		return;
	if (!c.name && !c.language && !c.note) {
		api_reply_error(req, 400, "missing_field",
				"give name, language or note");
		return;
	}
	snprintf(c.id, sizeof(c.id), "%s", api_req_param(req, "id"));
	customer_put(req, &c, 0);
}

/* POST /api/v1/customers/{id}/identities {"kind", "value"} */
void api_customer_identity_add(struct api_req *req)
{
	static const char *const known[] = {"kind", "value"};
	json_t *body = api_req_body(req);
	const char *kind, *value;
	char val[IDENT_LEN];
	struct store_identity id;
	struct store_customer c = {.tenant = api_tenant_name(req)};

	if (api_json_fields(req, body, known, 2) ||
	    api_json_string(req, body, "kind", true, 16, &kind) ||
	    api_json_string(req, body, "value", true, IDENT_LEN - 1, &value) ||
	    !api_crm_ready(req) ||
	    ident_parse(req, kind, value, &id.kind, val, sizeof(val)))
		return;
	id.value = val;
	snprintf(c.id, sizeof(c.id), "%s", api_req_param(req, "id"));
	c.idents = &id;
	c.nidents = 1;
	customer_put(req, &c, 201);
}

/* DELETE /api/v1/customers/{id}/identities/{kind}/{value} */
void api_customer_identity_remove(struct api_req *req)
{
	enum store_ident_kind k;
	char val[IDENT_LEN];
	struct api_work *w;
	int err;

	if (!api_crm_ready(req) ||
	    ident_parse(req, api_req_param(req, "kind"),
			api_req_param(req, "value"), &k, val, sizeof(val)))
		return;
	w = api_work_new(req, customer_full, cust_arg_new());
	if (!w)
		return;
	if (!w->arg) {
		api_reply_error(req, 500, "internal", "out of memory");
		mem_deref(w);
		return;
	}
	err = store_identity_remove(w->store, w->tenant,
				    api_req_param(req, "id"), k, val, written,
				    w);
	if (err) {
		api_crm_store_failed(req, err);
		mem_deref(w);
	}
}

/* --- CSV import ------------------------------------------------------------- */

static json_t *report_json(const struct crm_import_report *r)
{
	json_t *rej = json_array();

	for (size_t i = 0; rej && i < r->nrejects; i++)
		json_array_append_new(
			rej, json_pack("{s:I,s:s}", "row",
				       (json_int_t)r->rejects[i].row, "reason",
				       r->rejects[i].reason
					       ? r->rejects[i].reason
					       : ""));
	return json_pack("{s:I,s:I,s:o}", "rows", (json_int_t)r->rows,
			 "imported", (json_int_t)r->imported, "rejected",
			 rej ? rej : json_array());
}

static void imported(const struct crm_import_report *r, void *arg)
{
	struct api_req *req = arg;
	json_t *body;

	if (!r->err) {
		api_reply_json(req, 200,
			       json_pack("{s:o}", "report", report_json(r)));
		mem_deref(req);
		return;
	}
	body = json_pack("{s:o}", "report", report_json(r));
	if (body) {
		bool rows = r->nrejects > 0;
		const char *msg = r->error ? r->error : strerror(r->err);
		char text[600];

		if (rows && !r->error)
			snprintf(text, sizeof(text),
				 "%zu of %zu rows rejected; nothing imported",
				 r->nrejects, r->rows);
		else
			snprintf(text, sizeof(text), "%s", msg);
		json_object_set_new(
			body, "error",
			json_pack("{s:s,s:s}", "code",
				  rows ? "rejected_rows" : "bad_csv",
				  "message", text));
		api_reply_json(req, rows ? 422 : 400, body);
	}
	else {
		api_reply_error(req, 500, "internal", "out of memory");
	}
	mem_deref(req);
}

/* POST /api/v1/customers/import?encoding=&skip_bad=  body: the CSV file */
void api_customers_import(struct api_req *req)
{
	static const char *const known[] = {"encoding", "skip_bad"};
	const struct http_msg *msg = api_req_msg(req);
	const char *encs = api_req_query(req, "encoding");
	enum crm_encoding enc = CRM_ENC_AUTO;
	bool skip_bad = false;
	struct api_req *held;
	int err;

	if (api_query_check(req, known, 2) ||
	    api_query_bool(req, "skip_bad", &skip_bad) ||
	    !api_crm_ready(req))
		return;
	if (encs && crm_encoding_parse(encs, &enc)) {
		api_reply_error(req, 400, "bad_query",
				"encoding '%s' (expected utf-8, gb18030 or "
				"euc-kr)",
				encs);
		return;
	}
	if (!msg || !msg->mb || !mbuf_get_left(msg->mb)) {
		api_reply_error(req, 400, "missing_body",
				"send the CSV file as the body");
		return;
	}
	if (mbuf_get_left(msg->mb) > IMPORT_BODY_MAX) {
		api_reply_error(req, 413, "too_large",
				"a CSV file of at most %u bytes per request",
				IMPORT_BODY_MAX);
		return;
	}
	held = api_req_hold(req);
	err = crm_import_customers(api_crm(req), api_tenant_name(req),
				   (const char *)mbuf_buf(msg->mb),
				   mbuf_get_left(msg->mb), enc, skip_bad,
				   imported, held);
	if (err) {
		mem_deref(held);
		api_crm_reply_err(req, err, NULL);
	}
}

/* --- CSV exports ------------------------------------------------------------ */

static void export_fn(struct api_work *w)
{
	struct cust_arg *a = w->arg;
	int err;

	w->raw = mbuf_alloc(4096);
	if (!w->raw) {
		api_work_fail(w, 500, "internal", "out of memory");
		return;
	}
	if (a->kind == 0)
		err = crm_export_interactions(w->crm, w->tenant, a->since,
					      a->until, w->raw);
	else
		err = crm_export_workorders(w->crm, w->tenant, a->status_mask,
					    w->raw);
	if (err) {
		w->raw = mem_deref(w->raw);
		api_work_fail(w, 500, "internal", "export failed: %s",
			      strerror(err));
		return;
	}
	w->ctype = "text/csv; charset=utf-8";
	snprintf(w->extra, sizeof(w->extra),
		 "Content-Disposition: attachment; filename=\"%s-%s.csv\"\r\n",
		 w->tenant, a->kind == 0 ? "interactions" : "workorders");
}

/* GET /api/v1/exports/interactions?since=&until= */
void api_export_interactions(struct api_req *req)
{
	static const char *const known[] = {"since", "until"};
	const char *since = api_req_query(req, "since");
	const char *until = api_req_query(req, "until");
	struct cust_arg *a;
	struct api_work *w;

	if (api_query_check(req, known, 2) || !api_crm_ready(req))
		return;
	a = cust_arg_new();
	if (!a) {
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}
	a->kind = 0;
	if ((since && api_parse_time(since, false, &a->since)) ||
	    (until && api_parse_time(until, true, &a->until))) {
		mem_deref(a);
		api_reply_error(req, 400, "bad_query",
				"since and until are dates (2026-11-24), times "
				"(2026-11-24T09:30:00Z) or epoch ms");
		return;
	}
	w = api_work_new(req, export_fn, a);
	if (w)
		api_work_submit(w);
}

/* Parse "new,dispatched" into a status mask; replies 400 on failure. */
int api_status_mask(struct api_req *req, const char *s, uint32_t *maskp)
{
	char buf[256], *save = NULL, *tok;

	*maskp = 0;
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int st;

		if (store_wo_status_parse(tok, &st)) {
			api_reply_error(req, 400, "bad_query",
					"unknown status '%s' (expected new, "
					"dispatched, in_progress, answered, "
					"follow_up, closed, reopened)",
					tok);
			return EINVAL;
		}
		*maskp |= 1u << st;
	}
	return 0;
}

/* GET /api/v1/exports/workorders?status= */
void api_export_workorders(struct api_req *req)
{
	static const char *const known[] = {"status"};
	const char *status = api_req_query(req, "status");
	struct cust_arg *a;
	struct api_work *w;

	if (api_query_check(req, known, 1) || !api_crm_ready(req))
		return;
	a = cust_arg_new();
	if (!a) {
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}
	a->kind = 1;
	if (status && api_status_mask(req, status, &a->status_mask)) {
		mem_deref(a);
		return;
	}
	w = api_work_new(req, export_fn, a);
	if (w)
		api_work_submit(w);
}
