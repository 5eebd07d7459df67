/**
 * @file crmapi.h  Private to src/api: the routes of customers, work
 * orders, handling units and appointments (customers.c, workorders.c,
 * appointments.c) and what they share (crmwork.c).
 *
 * Threads: handlers run on the loop like every route.  Reads that block
 * (src/crm's and src/store's *_sync functions) run on the store's worker
 * through api_work_submit(): fn runs there and fills status/body (or raw),
 * then the answer (or then) runs on the loop.  fn must touch nothing of
 * the loop's but its own api_work, the read-only center and the store's
 * *_sync functions.
 */
#ifndef HOTLINE_API_CRMAPI_H
#define HOTLINE_API_CRMAPI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "crm/crm.h"

struct api_work;
typedef void(api_work_h)(struct api_work *w);

struct api_work {
	struct api_req *req;         /* reference (held) */
	api_work_h *fn;              /* on the worker */
	api_work_h *then;            /* on the loop after fn, when it set no
	                                answer (status 0 and no raw) */
	void *arg;                   /* owned mem object, the route's own */
	struct store *store;         /* borrowed */
	struct crm *crm;             /* borrowed */
	const struct center *center; /* borrowed */
	char tenant[65];
	const char *unit;            /* a unit user's unit (borrowed from
	                                the center), else NULL */
	uint64_t now;                /* wall ms at submission */
	uint16_t status;             /* answer status, 0 = 200 */
	char code[32];
	char msg[CRM_ERR_MAX];
	struct json_t *body;         /* owned: the answer (or error extras) */
	struct mbuf *raw;            /* owned: a non-JSON answer */
	const char *ctype;           /* its type (static text) */
	char extra[160];             /* its extra headers */
};

/* --- crmwork.c ------------------------------------------------------------ */

/** A work for req (held); takes arg (a mem object, may be NULL).  Replies
 *  500 and returns NULL when out of memory. */
struct api_work *api_work_new(struct api_req *req, api_work_h *fn, void *arg);
/** Run w->fn on the store's worker, then answer on the loop.  On failure
 *  replies (503/500) and releases w. */
int api_work_submit(struct api_work *w);
/** Make w's answer an error. */
void api_work_fail(struct api_work *w, uint16_t status, const char *code,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/** Reply 503/500 for a store error; false when err is 0. */
bool api_crm_store_failed(struct api_req *req, int err);
/** 503 when the daemon runs without crm or store; false then. */
bool api_crm_ready(struct api_req *req);
/** HTTP status and code of a crm/store errno. */
uint16_t api_crm_status(int err, const char **code);
/** Reply for a crm/store errno with crm's sentence. */
void api_crm_reply_err(struct api_req *req, int err, const char *msg);

/** The caller's unit when it is a unit user ("" when it is in none),
 *  NULL for other roles. */
const char *api_self_unit(const struct api_req *req);
bool api_is_unit(const struct api_req *req);
/** The caller as crm sees it (strings borrowed from the session). */
void api_crm_actor(const struct api_req *req, struct crm_actor *a);

/** "2026-11-24", "2026-11-24T09:30:00Z" or epoch ms; a bare date is its
 *  start (or its end with end_of_day).  EINVAL if none of those. */
int api_parse_time(const char *s, bool end_of_day, uint64_t *msp);
/** Query parameters; each replies 400 bad_query and returns non-zero. */
int api_query_uint(struct api_req *req, const char *name, uint32_t min,
                   uint32_t max, uint32_t *vp);
int api_query_bool(struct api_req *req, const char *name, bool *vp);
int api_query_check(struct api_req *req, const char *const *known, size_t n);

/** Statuses in which an order still waits for its answer (due applies). */
#define API_WO_UNANSWERED_MASK                                                 \
	((1u << STORE_WO_NEW) | (1u << STORE_WO_DISPATCHED) |                  \
	 (1u << STORE_WO_IN_PROGRESS) | (1u << STORE_WO_REOPENED))

struct json_t *api_customer_json(const struct store_customer *c);
struct json_t *api_workorder_json(const struct store_workorder *w,
                                  uint64_t now);
struct json_t *api_wo_event_json(const struct store_wo_event *e);
struct json_t *api_booking_json(const struct crm *crm, const char *tenant,
                                const struct store_booking *b);
struct json_t *api_slot_json(const struct store_appt_slot *s);
/* interactions.c */
struct json_t *api_interaction_json(const struct store_interaction *in);

/* --- customers.c ---------------------------------------------------------- */

void api_customers_search(struct api_req *req);
void api_customer_get(struct api_req *req);
void api_customer_lookup(struct api_req *req);
void api_customer_create(struct api_req *req);
void api_customer_update(struct api_req *req);
void api_customer_identity_add(struct api_req *req);
void api_customer_identity_remove(struct api_req *req);
void api_customers_import(struct api_req *req);
void api_export_interactions(struct api_req *req);
void api_export_workorders(struct api_req *req);
/** "new,dispatched" as a status mask; replies 400 bad_query on failure. */
int api_status_mask(struct api_req *req, const char *s, uint32_t *maskp);

/* --- workorders.c --------------------------------------------------------- */

void api_wo_categories(struct api_req *req);
void api_units_list(struct api_req *req);
void api_workorder_create(struct api_req *req);
void api_workorders_search(struct api_req *req);
void api_workorder_get(struct api_req *req);
void api_workorder_move(struct api_req *req);
void api_workorder_comment(struct api_req *req);
void api_workorder_attach(struct api_req *req);
void api_workorder_attachment(struct api_req *req);
void api_workorder_fields(struct api_req *req);
void api_workorder_satisfaction(struct api_req *req);
/** A crm event as the WebSocket message, or NULL. */
struct json_t *api_crm_event_json(const struct crm_event *ev);

/* --- appointments.c -------------------------------------------------------- */

void api_services_list(struct api_req *req);
void api_service_slots(struct api_req *req);
void api_booking_create(struct api_req *req);
void api_bookings_list(struct api_req *req);
void api_booking_cancel(struct api_req *req);
void api_ivr_slots(struct api_req *req);
void api_ivr_book(struct api_req *req);

#endif
