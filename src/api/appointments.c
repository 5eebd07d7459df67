/**
 * @file appointments.c  Appointment services, their free slots, bookings
 * (from an agent's desktop or a tenant's system) and the two routes the
 * IVR's http node calls with an API key in the URL.
 *
 * The slot's free capacity is checked and taken by the store in the same
 * transaction as the booking (two agents cannot both take the last place:
 * the second gets 409 slot_full).
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

#define DAY_MS      (86400ull * 1000)
#define RANGE_MAX   (31 * DAY_MS)
#define RANGE_DEF   (7 * DAY_MS)

struct appt_arg {
	char service[65];
	uint64_t from, to;
	bool free_only;
	char slot[27];
	char want[27]; /* the IVR's booking: this slot (the one offered) */
	char customer[27];
	char phone[64];
	char wo_ref[32]; /* work order id or number, or "" */
	char wo_id[27];
	char booking[27];
	char code[16];
	char source[8];
	char actor[128];
	uint64_t start;
	json_t *found; /* the booking read back, owned */
	bool ivr;
};

static void appt_destructor(void *arg)
{
	struct appt_arg *a = arg;

	if (a->found)
		json_decref(a->found);
}

static struct appt_arg *appt_new(struct api_req *req)
{
	struct appt_arg *a = mem_zalloc(sizeof(*a), appt_destructor);
	const struct auth_session *s = api_session(req);

	if (!a) {
		api_reply_error(req, 500, "internal", "out of memory");
		return NULL;
	}
	snprintf(a->actor, sizeof(a->actor), "%s",
		 s->agent ? s->agent : s->username);
	snprintf(a->source, sizeof(a->source), "%s",
		 s->apikey ? "api" : "agent");
	return a;
}

static json_t *service_json(const struct center_service *sv)
{
	return json_pack("{s:s,s:s,s:I,s:I,s:I}", "name", sv->name, "title",
			 sv->title ? sv->title : sv->name, "slot_s",
			 (json_int_t)sv->slot_s, "capacity",
			 (json_int_t)sv->capacity, "days_ahead",
			 (json_int_t)sv->days_ahead);
}

/* GET /api/v1/services */
void api_services_list(struct api_req *req)
{
	const struct center_tenant *t =
		center_tenant(api_center(req), api_tenant_name(req));
	json_t *arr = json_array();

	for (size_t i = 0; t && i < t->nservices; i++)
		json_array_append_new(arr, service_json(&t->services[i]));
	api_reply_json(req, 200, json_pack("{s:o}", "services", arr));
}

static const struct center_service *find_service(struct api_req *req,
						 const char *name)
{
	const struct center_service *sv = center_service(
		center_tenant(api_center(req), api_tenant_name(req)), name);

	if (!sv)
		api_reply_error(req, 404, "not_found", "no service %s",
				name ? name : "");
	return sv;
}

/* --- slots ------------------------------------------------------------------ */

static void slots_fn(struct api_work *w)
{
	struct appt_arg *a = w->arg;
	struct store_appt_slot *v = NULL;
	size_t n = 0;
	json_t *arr;
	int err;

	err = store_slots_get_sync(w->store, w->tenant, a->service, a->from,
				   a->to, &v, &n);
	if (err) {
		api_work_fail(w, 500, "internal", "slots read failed: %s",
			      strerror(err));
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		if (!a->free_only || v[i].booked < v[i].capacity)
			json_array_append_new(arr, api_slot_json(&v[i]));
	w->body = json_pack("{s:o}", "slots", arr);
	mem_deref(v);
}

/* GET /api/v1/services/{name}/slots?from=&to=&free= */
void api_service_slots(struct api_req *req)
{
	static const char *const known[] = {"from", "to", "free"};
	const char *from = api_req_query(req, "from");
	const char *to = api_req_query(req, "to");
	const struct center_service *sv;
	struct appt_arg *a;
	struct api_work *w;
	bool free_only = false;

	if (api_query_check(req, known, 3) ||
	    api_query_bool(req, "free", &free_only) || !api_crm_ready(req) ||
	    !(sv = find_service(req, api_req_param(req, "name"))) ||
	    !(a = appt_new(req)))
		return;
	snprintf(a->service, sizeof(a->service), "%s", sv->name);
	a->free_only = free_only;
	a->from = hl_wall_ms();
	if ((from && api_parse_time(from, false, &a->from)) ||
	    (to && api_parse_time(to, true, &a->to))) {
		mem_deref(a);
		api_reply_error(req, 400, "bad_query",
				"from and to are dates (2026-11-24), times or "
				"epoch ms");
		return;
	}
	if (!to)
		a->to = a->from + RANGE_DEF;
	if (a->to <= a->from || a->to - a->from > RANGE_MAX) {
		mem_deref(a);
		api_reply_error(req, 400, "bad_query",
				"to must come after from, at most 31 days");
		return;
	}
	w = api_work_new(req, slots_fn, a);
	if (w)
		api_work_submit(w);
}

/* --- bookings ---------------------------------------------------------------- */

/* On the worker: the booking just made, as JSON, into a->found. */
static void booking_read(struct api_work *w)
{
	struct appt_arg *a = w->arg;
	struct store_booking *v = NULL;
	size_t n = 0;

	if (!store_bookings_get_sync(w->store, w->tenant, a->slot, NULL, &v,
				     &n)) {
		for (size_t i = 0; i < n; i++) {
			if (strcmp(v[i].id, a->booking))
				continue;
			a->found = api_booking_json(w->crm, w->tenant, &v[i]);
			a->start = v[i].start;
			if (v[i].service)
				snprintf(a->service, sizeof(a->service), "%s",
					 v[i].service);
		}
	}
	mem_deref(v);
	if (!a->found)
		api_work_fail(w, 500, "internal",
			      "booking %s made but not read back", a->booking);
}

static void commented(int err, const struct store_result *r, void *arg)
{
	struct api_work *w = arg;
	struct appt_arg *a = w->arg;

	(void)r;
	if (err)
		HL_WARN("api", "booking %s: comment on order %s failed: %s",
			a->booking, a->wo_id, strerror(err));
	api_reply_json(w->req, 201, json_incref(a->found));
	mem_deref(w);
}

/* On the loop after booking_read: note it in the order, answer. */
static void booked_answer(struct api_work *w)
{
	struct appt_arg *a = w->arg;
	struct crm_actor act = {.id = a->actor, .role = CRM_ROLE_AGENT};
	const char *conf = json_string_value(
		json_object_get(a->found, "confirmation"));
	char text[400], err[CRM_ERR_MAX];

	if (a->wo_id[0]) {
		api_crm_actor(w->req, &act);
		snprintf(text, sizeof(text), "appointment booked: %s",
			 conf ? conf : a->booking);
		mem_ref(w);
		if (!crm_workorder_comment(w->crm, w->tenant, a->wo_id, &act,
					   text, commented, w, err,
					   sizeof(err)))
			return;
		mem_deref(w);
	}
	api_reply_json(w->req, 201, json_incref(a->found));
}

static void booked(int err, const struct store_result *r, void *arg)
{
	struct api_work *w = arg;
	struct appt_arg *a = w->arg;

	if (err) {
		const char *code;
		uint16_t st = api_crm_status(err, &code);

		api_reply_error(w->req, st, code, "%s",
				err == ENOSPC ? "the slot is full: pick another"
				: r && r->detail ? r->detail
						 : strerror(err));
		mem_deref(w);
		return;
	}
	snprintf(a->booking, sizeof(a->booking), "%s", r->id);
	w->fn = booking_read;
	w->then = booked_answer;
	api_work_submit(w); /* takes w */
}

static void book_now(struct api_work *w)
{
	struct appt_arg *a = w->arg;
	struct crm_actor act;
	char err[CRM_ERR_MAX] = "";
	int e;

	api_crm_actor(w->req, &act);
	act.id = a->actor;
	mem_ref(w);
	e = crm_book(w->crm, w->tenant, a->slot,
		     a->customer[0] ? a->customer : NULL,
		     a->phone[0] ? a->phone : NULL, a->source, &act, booked, w,
		     err, sizeof(err));
	if (!e)
		return;
	api_crm_reply_err(w->req, e, err);
	mem_deref(w);
}

/* On the worker: the customer and the order must be the tenant's; the
 * customer's number confirms when no phone was given. */
static void book_check(struct api_work *w)
{
	struct appt_arg *a = w->arg;

	if (a->customer[0]) {
		struct store_customer *c = NULL;
		int err = store_customer_get_sync(w->store, w->tenant,
						  a->customer, &c);

		if (err || !c) {
			mem_deref(c);
			api_work_fail(w, err == ENOENT ? 404 : 500,
				      err == ENOENT ? "not_found" : "internal",
				      "no customer %s", a->customer);
			return;
		}
		for (size_t i = 0; !a->phone[0] && i < c->nidents; i++)
			if (c->idents[i].kind == STORE_IDENT_PHONE)
				snprintf(a->phone, sizeof(a->phone), "+%s",
					 c->idents[i].value);
		mem_deref(c);
	}
	if (a->wo_ref[0]) {
		struct store_wo_filter f = {.tenant = w->tenant, .limit = 1};
		struct store_workorder *v = NULL;
		size_t n = 0;
		char *end;
		unsigned long long num = strtoull(a->wo_ref, &end, 10);

		if (!*end)
			f.number = num;
		else
			f.id = a->wo_ref;
		if (store_workorders_get_sync(w->store, &f, &v, &n) || !n) {
			mem_deref(v);
			api_work_fail(w, 404, "not_found", "no work order %s",
				      a->wo_ref);
			return;
		}
		snprintf(a->wo_id, sizeof(a->wo_id), "%s", v[0].id);
		mem_deref(v);
	}
	w->then = book_now;
}

/* POST /api/v1/bookings {"slot", "customer"?, "phone"?, "workorder"?} */
void api_booking_create(struct api_req *req)
{
	static const char *const known[] = {"slot", "customer", "phone",
					    "workorder"};
	json_t *body = api_req_body(req), *wo;
	const char *slot, *customer, *phone;
	struct appt_arg *a;
	struct api_work *w;

	if (api_json_fields(req, body, known, ARRAY_LEN(known)) ||
	    api_json_string(req, body, "slot", true, 26, &slot) ||
	    api_json_string(req, body, "customer", false, 26, &customer) ||
	    api_json_string(req, body, "phone", false, 40, &phone) ||
	    !api_crm_ready(req))
		return;
	wo = json_object_get(body, "workorder");
	if (wo && !json_is_null(wo) && !json_is_string(wo) &&
	    !json_is_integer(wo)) {
		api_reply_error(req, 400, "wrong_type",
				"field 'workorder' is an id or a number");
		return;
	}
	if (!customer && !phone) {
		api_reply_error(req, 400, "missing_field",
				"give 'customer' or 'phone' (to confirm to)");
		return;
	}
	a = appt_new(req);
	if (!a)
		return;
	snprintf(a->slot, sizeof(a->slot), "%s", slot);
	if (customer)
		snprintf(a->customer, sizeof(a->customer), "%s", customer);
	if (phone)
		snprintf(a->phone, sizeof(a->phone), "%s", phone);
	if (wo && json_is_string(wo))
		snprintf(a->wo_ref, sizeof(a->wo_ref), "%s",
			 json_string_value(wo));
	else if (wo && json_is_integer(wo))
		snprintf(a->wo_ref, sizeof(a->wo_ref), "%lld",
			 (long long)json_integer_value(wo));
	w = api_work_new(req, book_check, a);
	if (w)
		api_work_submit(w);
}

static void bookings_fn(struct api_work *w)
{
	struct appt_arg *a = w->arg;
	struct store_booking *v = NULL;
	size_t n = 0;
	json_t *arr;
	int err;

	err = store_bookings_get_sync(w->store, w->tenant, NULL, a->customer,
				      &v, &n);
	if (err) {
		api_work_fail(w, 500, "internal", "bookings read failed: %s",
			      strerror(err));
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr,
				      api_booking_json(w->crm, w->tenant, &v[i]));
	w->body = json_pack("{s:o}", "bookings", arr);
	mem_deref(v);
}

/* GET /api/v1/bookings?customer= */
void api_bookings_list(struct api_req *req)
{
	static const char *const known[] = {"customer"};
	const char *customer = api_req_query(req, "customer");
	struct appt_arg *a;
	struct api_work *w;

	if (api_query_check(req, known, 1) || !api_crm_ready(req))
		return;
	if (!customer || !*customer || strlen(customer) > 26) {
		api_reply_error(req, 400, "bad_query",
				"give ?customer=ID (a customer's bookings)");
		return;
	}
	a = appt_new(req);
	if (!a)
		return;
	snprintf(a->customer, sizeof(a->customer), "%s", customer);
	w = api_work_new(req, bookings_fn, a);
	if (w)
		api_work_submit(w);
}

static void cancelled(int err, const struct store_result *r, void *arg)
{
	struct api_req *req = arg;

	if (err == ENOENT)
		api_reply_error(req, 404, "not_found",
				"no booking %s that is not cancelled",
				api_req_param(req, "id"));
	else if (err)
		api_crm_reply_err(req, err, r ? r->detail : NULL);
	else
		api_reply_json(req, 200,
			       json_pack("{s:s,s:o}", "id",
					 api_req_param(req, "id"), "cancelled",
					 api_json_time(r->time ? r->time
							       : hl_wall_ms())));
	mem_deref(req);
}

/* DELETE /api/v1/bookings/{id} */
void api_booking_cancel(struct api_req *req)
{
	struct api_req *held;
	int err;

	if (!api_crm_ready(req))
		return;
	held = api_req_hold(req);
	err = store_booking_cancel(api_store(req), api_tenant_name(req),
				   api_req_param(req, "id"), cancelled, held);
	if (err) {
		mem_deref(held);
		api_crm_store_failed(req, err);
	}
}

/* --- the IVR's lookups ---------------------------------------------------------- */

/* "2026-11-24 09:30" from a confirmation "Title, 2026-11-24 09:30, code". */
static json_t *spoken_time(const char *conf)
{
	const char *p = conf ? strstr(conf, ", ") : NULL;
	const char *e = p ? strstr(p + 2, ", code") : NULL;

	if (!p || !e)
		return json_null();
	return json_stringn(p + 2, (size_t)(e - p - 2));
}

/* On the worker: the first free slot of the service from now. */
static void ivr_first(struct api_work *w)
{
	struct appt_arg *a = w->arg;
	struct store_appt_slot *v = NULL;
	size_t n = 0, count = 0, first = SIZE_MAX;
	char conf[256] = "";
	int err;

	err = store_slots_get_sync(w->store, w->tenant, a->service, a->from,
				   a->to, &v, &n);
	if (err) {
		api_work_fail(w, 500, "internal", "slots read failed: %s",
			      strerror(err));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i].booked >= v[i].capacity)
			continue;
		if (a->want[0] && strcmp(v[i].id, a->want))
			continue; /* the slot the caller was offered, or none */
		if (first == SIZE_MAX)
			first = i;
		count++;
	}
	if (first != SIZE_MAX) {
		snprintf(a->slot, sizeof(a->slot), "%s", v[first].id);
		a->start = v[first].start;
		crm_booking_confirmation(w->crm, w->tenant, a->service,
					 v[first].start, "-", conf,
					 sizeof(conf));
	}
	if (!a->ivr) { /* the listing: answer now */
		w->body = json_pack(
			"{s:s,s:I,s:o,s:o}", "result",
			count ? "available" : "none", "count",
			(json_int_t)count, "first",
			first != SIZE_MAX ? api_slot_json(&v[first])
					  : json_null(),
			"first_spoken",
			first != SIZE_MAX ? spoken_time(conf) : json_null());
	}
	else if (first == SIZE_MAX) {
		w->body = json_pack("{s:s}", "result", "full");
	}
	else {
		struct store_customer *c = NULL;

		if (!store_customer_find_sync(w->store, w->tenant,
					      STORE_IDENT_PHONE, a->phone, &c) &&
		    c)
			snprintf(a->customer, sizeof(a->customer), "%s", c->id);
		mem_deref(c);
		w->then = book_now;
	}
	mem_deref(v);
}

static int ivr_args(struct api_req *req, struct appt_arg **ap, bool book)
{
	static const char *const known[] = {"token", "service", "caller",
					    "slot"};
	const char *service = api_req_query(req, "service");
	const char *caller = api_req_query(req, "caller");
	const char *slot = api_req_query(req, "slot");
	const struct center_service *sv;
	struct appt_arg *a;

	if (api_query_check(req, known, book ? 4 : 3) || !api_crm_ready(req))
		return EINVAL;
	if (slot && (!book || strlen(slot) > 26)) {
		api_reply_error(req, 400, "bad_query",
				"slot is a slot id (the first.id of "
				"/api/v1/ivr/slots), for booking only");
		return EINVAL;
	}
	if (!service) {
		api_reply_error(req, 400, "bad_query", "give ?service=NAME");
		return EINVAL;
	}
	if (!(sv = find_service(req, service)))
		return ENOENT;
	if (book && (!caller || !*caller)) {
		api_reply_error(req, 400, "bad_query",
				"give ?caller=NUMBER (${caller} in the "
				"flow's URL)");
		return EINVAL;
	}
	a = appt_new(req);
	if (!a)
		return ENOMEM;
	snprintf(a->service, sizeof(a->service), "%s", sv->name);
	if (slot && *slot) /* "" (an unset flow variable): the first free */
		snprintf(a->want, sizeof(a->want), "%s", slot);
	a->from = hl_wall_ms();
	a->to = a->from + (uint64_t)(sv->days_ahead ? sv->days_ahead : 14) *
				  DAY_MS;
	a->ivr = book;
	if (book) {
		char err[CRM_ERR_MAX];

		snprintf(a->source, sizeof(a->source), "ivr");
		if (crm_phone_normalise(caller, crm_country_code(api_crm(req)),
					a->phone, sizeof(a->phone), err,
					sizeof(err))) {
			mem_deref(a);
			api_reply_error(req, 400, "bad_query", "caller: %s",
					err);
			return EINVAL;
		}
	}
	*ap = a;
	return 0;
}

/* GET /api/v1/ivr/slots?token=&service= */
void api_ivr_slots(struct api_req *req)
{
	struct appt_arg *a;
	struct api_work *w;

	if (ivr_args(req, &a, false))
		return;
	w = api_work_new(req, ivr_first, a);
	if (w)
		api_work_submit(w);
}

static void ivr_booked(int err, const struct store_result *r, void *arg)
{
	struct api_work *w = arg;
	struct appt_arg *a = w->arg;
	char conf[256] = "";

	if (err == ENOSPC) {
		/* taken meanwhile: the caller hears "full", not an error */
		api_reply_json(w->req, 200,
			       json_pack("{s:s}", "result", "full"));
	}
	else if (err) {
		api_crm_reply_err(w->req, err, r ? r->detail : NULL);
	}
	else {
		crm_booking_confirmation(w->crm, w->tenant, a->service,
					 a->start, r->code ? r->code : "",
					 conf, sizeof(conf));
		api_reply_json(w->req, 200,
			       json_pack("{s:s,s:s,s:s,s:o,s:o,s:s}", "result",
					 "booked", "id", r->id, "code",
					 r->code ? r->code : "", "start",
					 api_json_time(a->start), "spoken",
					 spoken_time(conf), "confirmation",
					 conf));
	}
	mem_deref(w);
}

static void ivr_book_now(struct api_work *w)
{
	struct appt_arg *a = w->arg;
	struct crm_actor act = {.id = a->actor, .role = CRM_ROLE_SYSTEM};
	char err[CRM_ERR_MAX] = "";
	int e;

	mem_ref(w);
	e = crm_book(w->crm, w->tenant, a->slot,
		     a->customer[0] ? a->customer : NULL, a->phone, "ivr", &act,
		     ivr_booked, w, err, sizeof(err));
	if (!e)
		return;
	api_crm_reply_err(w->req, e, err);
	mem_deref(w);
}

static void ivr_first_book(struct api_work *w)
{
	ivr_first(w);
	if (w->then)
		w->then = ivr_book_now;
}

/* POST /api/v1/ivr/book?token=&service=&caller=[&slot=] (body: the IVR's
 * variables, not needed); with slot, that slot or "full" */
void api_ivr_book(struct api_req *req)
{
	struct appt_arg *a;
	struct api_work *w;

	if (ivr_args(req, &a, true))
		return;
	w = api_work_new(req, ivr_first_book, a);
	if (w)
		api_work_submit(w);
}
