/**
 * @file crm.h  Customers and their history, work orders from intake to
 * follow-up, appointments.
 *
 * Owns: the work-order workflow (a table of allowed moves with the roles
 * that may make them), the deadline watch (one deadline for all orders,
 * like the routing engine's), the routing of orders that need an agent
 * (each is an ACD_CH_WORKORDER contact in the tenant's workorders queue,
 * so an agent's calls and orders are one workload), follow-ups and
 * satisfaction, appointment slots from the tenant's services, and the
 * checks on what outsiders send: identities (phone numbers to digits,
 * e-mail addresses to lower case), form fields against the category's
 * definition, attachments (size, type, first bytes), CSV files (RFC 4180,
 * UTF-8, GB18030 or EUC-KR converted with iconv(3)).
 *
 * Offers: functions for the API and the channels; durable records go
 * through src/store (store_crm.h), never SQL here.  Every refusal returns
 * an errno code and writes a sentence into the caller's err buffer
 * ("close: order 42 is new; close needs answered or follow_up").
 *
 * Threads: a crm belongs to the control loop that made it (the thread
 * that owns the store and the engine).  Writes and reads through the store
 * are asynchronous: results come back as store callbacks on that loop.
 * The *_sync reads and the CSV exports block on the database and are for
 * tools, tests and worker threads, as in store.h.
 *
 * Time: like the engine, crm reads no clock of its own: it asks
 * opts.clock (wall ms in the daemon, a test clock in tests), keeps one
 * deadline (the earliest order to flag or escalate), tells the host
 * through opts.deadlineh, and the host calls crm_run_timers() when it is
 * due.  The scan itself is one query in the store's worker.
 */
#ifndef HOTLINE_CRM_H
#define HOTLINE_CRM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acd/acd.h"
#include "center/center.h"
#include "store/store_crm.h"

struct crm;
struct mbuf;

#define CRM_NONE             UINT64_MAX /* no deadline */
#define CRM_ERR_MAX          512        /* a refusal's sentence fits this */
#define CRM_POP_INTERACTIONS 10         /* interactions a screen pop shows */

/** Who acts: agents, supervisors, a handling unit's users, or the
 *  system itself (the IVR, the deadline scan). */
enum crm_role {
	CRM_ROLE_AGENT = 0,
	CRM_ROLE_SUPERVISOR,
	CRM_ROLE_UNIT,
	CRM_ROLE_SYSTEM,
	CRM_ROLE_MAX
};

struct crm_actor {
	const char *id; /* agent id or user name */
	enum crm_role role;
};

/** Workflow moves.  new → dispatched → in_progress → answered →
 *  follow_up → closed, and reopened; see crm_move_allowed(). */
enum crm_move {
	CRM_MOVE_DISPATCH = 0, /* to a handling unit (unit required) */
	CRM_MOVE_TAKE,         /* an agent handles it without a unit */
	CRM_MOVE_ACCEPT,       /* the unit starts on it */
	CRM_MOVE_RETURN,       /* the unit sends it back (reason required) */
	CRM_MOVE_ANSWER,       /* the answer (text required): a follow-up
	                          contact is made for the customer */
	CRM_MOVE_FOLLOW_UP,    /* an agent starts the follow-up */
	CRM_MOVE_CLOSE,        /* only once answered */
	CRM_MOVE_REOPEN,       /* reason required; due time starts again */
	CRM_MOVE_MAX
};

typedef uint64_t(crm_clock_h)(void *arg);
typedef void(crm_deadline_h)(uint64_t deadline, void *arg);

struct crm_opts {
	struct store *store;         /* required, borrowed */
	struct acd *acd;             /* may be NULL: orders not routed */
	const struct center *center; /* required, borrowed */
	crm_clock_h *clock;          /* required */
	void *clock_arg;
	crm_deadline_h *deadlineh; /* optional */
	void *deadline_arg;
	const char *attach_dir;   /* default "var/attachments" */
	const char *country_code; /* for national numbers; default "86" */
	uint32_t due_div;         /* tests only: due times divided by this
	                             (HOTLINE_TEST_DUE_DIV); 0 or 1: as set */
};

/* --- crm.c: the object, events, deadlines -------------------------------- */

/** Make a crm; subscribes to the engine's events when opts.acd is set. */
int crm_alloc(struct crm **crmp, const struct crm_opts *opts);
/** A tenant added to the center at run time (after the engine has it):
 *  its work orders, appointments and customers from now on.  ENOSPC. */
int crm_tenant_added(struct crm *crm, const struct center_tenant *ct);

/**
 * Bring the store in line with the configuration and the engine with the
 * store: write the tenants' handling units, make the appointment slots of
 * the next days, enqueue the open orders that need an agent, and scan the
 * deadlines once.  Asynchronous; done (may be NULL) runs when all of it
 * was queued and the first answers came back.
 */
int crm_start(struct crm *crm, store_done_h *done, void *arg);

enum crm_event_type {
	CRM_EV_CREATED = 0, /* an order was created */
	CRM_EV_CHANGED,     /* moved, commented, reassigned, ... */
	CRM_EV_FLAGGED,     /* near its due time */
	CRM_EV_ESCALATED,   /* past its due time: for the supervisors */
	CRM_EV_MAX
};

struct crm_event {
	enum crm_event_type type;
	const char *tenant;
	const char *id;
	uint64_t number;
	int status;       /* enum store_wo_status */
	const char *unit; /* may be NULL */
	uint64_t due;
};

typedef void(crm_event_h)(const struct crm_event *ev, void *arg);
int crm_subscribe(struct crm *crm, crm_event_h *h, void *arg);
void crm_unsubscribe(struct crm *crm, crm_event_h *h, void *arg);

/** The earliest deadline to act on (an order to flag or escalate, or the
 *  next refresh of appointment slots, every 6 hours), or CRM_NONE. */
uint64_t crm_next_deadline(const struct crm *crm);
/** Run what is due: the deadline scan (at most one at a time), the slots
 *  of the days that came into reach. */
void crm_run_timers(struct crm *crm);

/** The id of the work order an ACD_CH_WORKORDER contact stands for, from
 *  the owner of the engine's event about it (route.c); NULL for none.
 *  Copy it: valid while the event is delivered.  Event-loop thread. */
const char *crm_route_order(const void *owner);

/** The country code national numbers get (opts.country_code). */
const char *crm_country_code(const struct crm *crm);

const char *crm_role_name(enum crm_role r);
int crm_role_parse(const char *s, enum crm_role *rp);
const char *crm_move_name(enum crm_move m);
int crm_move_parse(const char *s, enum crm_move *mp);

/* --- identity.c: normalising what customers are known by ----------------- */

/**
 * A phone number as digits with the country code first: "+86 138-0013
 * 8000", "0086 13800138000" and "13800138000" (country code cc) are all
 * "8613800138000"; a national number with a trunk 0 ("010 6552 9988")
 * loses the 0.  Short numbers (up to 6 digits: extensions) stay as they
 * are.  EINVAL (with err) for letters or a length beyond 3..15 digits.
 */
int crm_phone_normalise(const char *in, const char *cc, char *out, size_t sz,
                        char *err, size_t errsz);
/** An e-mail address trimmed and in lower case; EINVAL if not one. */
int crm_email_normalise(const char *in, char *out, size_t sz, char *err,
                        size_t errsz);
/** Either of the above by kind; chat identities are trimmed only. */
int crm_identity_normalise(enum store_ident_kind kind, const char *in,
                           const char *cc, char *out, size_t sz, char *err,
                           size_t errsz);

/* --- customer.c: customers, linking, the screen pop ---------------------- */

/** An identity as the outside gives it (normalised by crm). */
struct crm_identity {
	enum store_ident_kind kind;
	const char *value;
};

/** Create a customer known by the identities given (at least one). */
int crm_customer_create(struct crm *crm, const char *tenant, const char *name,
                        const struct crm_identity *ids, size_t n,
                        store_result_h *h, void *arg, char *err, size_t errsz);
/** The agent gives a customer one more identity. */
int crm_customer_add_identity(struct crm *crm, const char *tenant,
                              const char *customer,
                              const struct crm_identity *id, store_result_h *h,
                              void *arg, char *err, size_t errsz);
/** Link a contact to its customer: to customer if given (the agent's
 *  choice), else by the contact's identity (automatic). */
int crm_contact_link(struct crm *crm, const char *tenant,
                     const char *interaction, const char *customer,
                     const struct crm_identity *id, store_result_h *h,
                     void *arg, char *err, size_t errsz);
/** The screen pop: customer, last CRM_POP_INTERACTIONS interactions and
 *  open orders, for the identity a contact comes from. */
int crm_screen_pop(struct crm *crm, const char *tenant,
                   const struct crm_identity *id, store_screen_pop_h *h,
                   void *arg, char *err, size_t errsz);
/** The same for a customer by id (an agent linked the contact to it);
 *  h gets ENOENT when the tenant has no such customer. */
int crm_screen_pop_customer(struct crm *crm, const char *tenant,
                            const char *customer, store_screen_pop_h *h,
                            void *arg, char *err, size_t errsz);
/** The same for the customer of a work order (the order's contact); h
 *  gets ENOENT when the order has none. */
int crm_screen_pop_workorder(struct crm *crm, const char *tenant,
                             const char *workorder, store_screen_pop_h *h,
                             void *arg, char *err, size_t errsz);

/* --- csv.c: RFC 4180 ------------------------------------------------------ */

/** One record: fields are NUL-terminated, valid during the call. */
typedef int(crm_csv_h)(char **fields, size_t n, uint32_t line, void *arg);

/**
 * Parse CSV (RFC 4180: fields separated by commas, records by CRLF or LF,
 * fields in double quotes may hold commas, newlines and "" for a quote).
 * A UTF-8 byte-order mark is skipped.  h runs for each record (a non-zero
 * return stops with that error).  EBADMSG with err naming the line for an
 * unterminated quoted field or a quote inside an unquoted one.
 */
int crm_csv_parse(const char *buf, size_t len, crm_csv_h *h, void *arg,
                  char *err, size_t errsz);
/** Append one field, quoted when it needs to be. */
int crm_csv_field(struct mbuf *mb, const char *s, bool last);

/* --- import.c: customers from CSV, exports to CSV ------------------------- */

enum crm_encoding {
	CRM_ENC_AUTO = 0, /* UTF-8, or refused with a hint */
	CRM_ENC_UTF8,
	CRM_ENC_GB18030,
	CRM_ENC_EUC_KR,
	CRM_ENC_MAX
};
const char *crm_encoding_name(enum crm_encoding e);
int crm_encoding_parse(const char *s, enum crm_encoding *ep);

/** Convert to UTF-8 with iconv(3) (UTF-8 input is checked, not
 *  converted); *outp is a mem string.  EILSEQ with err naming the byte
 *  offset when the text is not in that encoding. */
int crm_to_utf8(const char *in, size_t len, enum crm_encoding enc, char **outp,
                size_t *outlen, char *err, size_t errsz);

struct crm_import_reject {
	uint32_t row; /* line of the file (the header is line 1) */
	const char *reason;
};

struct crm_import_report {
	int err;           /* 0: imported; else why not */
	const char *error; /* the whole file's problem, or a summary */
	size_t rows;       /* data rows read */
	size_t imported;   /* customers written */
	const struct crm_import_reject *rejects;
	size_t nrejects;
};

typedef void(crm_import_h)(const struct crm_import_report *r, void *arg);

/**
 * Import customers from a CSV file with a header row.  Columns (any
 * order, case-insensitive): name, phone, phone2, email, chat, language,
 * note; at least one of phone, email, chat.  Rows with a bad or missing
 * identity, a wrong number of fields, or an identity used earlier in the
 * file or by an existing customer are rejected with the reason.  All or
 * nothing: with any rejection nothing is written, unless skip_bad (then
 * the good rows are).  A file-level problem (encoding, no header, an
 * unknown column) is reported without rows.  h runs once, on the loop;
 * returns 0 when h will run, else an errno and no call.
 */
int crm_import_customers(struct crm *crm, const char *tenant, const char *data,
                         size_t len, enum crm_encoding enc, bool skip_bad,
                         crm_import_h *h, void *arg);

/** CSV of a tenant's interactions arriving in [since, until) (until 0:
 *  no bound), with the linked customer; appended to mb.  Blocking. */
int crm_export_interactions(struct crm *crm, const char *tenant, uint64_t since,
                            uint64_t until, struct mbuf *mb);
/** CSV of a tenant's work orders (status_mask 0: all).  Blocking. */
int crm_export_workorders(struct crm *crm, const char *tenant,
                          uint32_t status_mask, struct mbuf *mb);

/* --- workflow.c: work orders --------------------------------------------- */

/** The sentence for a move the store refused (EPERM, r->status): "close:
 *  the order is new; close needs answered or follow_up". */
const char *crm_move_refusal(enum crm_move m, int status, char *buf, size_t sz);

/** Whether role may make move m from status (the table the store's
 *  check in the same transaction also uses). */
bool crm_move_allowed(enum crm_move m, int status, enum crm_role role);
/** Bit mask of the statuses m starts from. */
uint32_t crm_move_from_mask(enum crm_move m);
/** The status m leads to. */
int crm_move_to(enum crm_move m);

struct crm_wo_new {
	const char *tenant;
	const char *category; /* of the tenant's workorders.categories */
	int priority;         /* enum store_wo_priority */
	const char *customer; /* may be NULL */
	const char *subject;
	const char *fields;      /* JSON object, checked against the form */
	const char *interaction; /* the contact it came from, may be NULL */
	bool interaction_live;   /* that contact is a call still going on (no
	                            record yet; the caller checked it is the
	                            tenant's) */
};

/** Create an order: status new, due by category and priority, routed to
 *  the tenant's workorders queue.  EINVAL (with err) for an unknown
 *  category or fields the form refuses; r->number is the order's number. */
int crm_workorder_create(struct crm *crm, const struct crm_wo_new *w,
                         const struct crm_actor *a, store_result_h *h,
                         void *arg, char *err, size_t errsz);

/**
 * Make a workflow move.  Refused at once (EPERM) when the role may never
 * make it, (EINVAL) when a reason, answer or unit is missing; the store
 * then refuses it (EPERM, r->status the current status) when the order is
 * not in a status the move starts from, checked in the same transaction
 * as the write.  A unit user acts only on orders dispatched to the unit
 * (EACCES).  text: reason, answer or note; unit: for dispatch.
 */
int crm_workorder_move(struct crm *crm, const char *tenant, const char *id,
                       enum crm_move m, const struct crm_actor *a,
                       const char *text, const char *unit, store_result_h *h,
                       void *arg, char *err, size_t errsz);

/** A comment in the audit trail. */
int crm_workorder_comment(struct crm *crm, const char *tenant, const char *id,
                          const struct crm_actor *a, const char *text,
                          store_result_h *h, void *arg, char *err,
                          size_t errsz);

/** Replace the form fields (checked against the category's form). */
int crm_workorder_set_fields(struct crm *crm, const char *tenant,
                             const char *id, const char *category,
                             const char *fields, const struct crm_actor *a,
                             store_result_h *h, void *arg, char *err,
                             size_t errsz);

/** Attach a file: refused (EFBIG, EMEDIUMTYPE) over the tenant's size
 *  limit or of a type not allowed, or whose first bytes are not of the
 *  type it claims. */
int crm_workorder_attach(struct crm *crm, const char *tenant, const char *id,
                         const struct crm_actor *a, const char *name,
                         const char *type, const void *data, size_t len,
                         store_result_h *h, void *arg, char *err, size_t errsz);

/** Satisfaction 1..5 of an order (from the agent or the IVR survey),
 *  or of a contact alone (id NULL, interaction given). */
int crm_satisfaction(struct crm *crm, const char *tenant, const char *id,
                     const char *interaction, uint8_t score, const char *source,
                     const struct crm_actor *a, store_result_h *h, void *arg,
                     char *err, size_t errsz);

/** Check a form: JSON object whose keys are the category's fields, each
 *  of its type, every required one present.  EINVAL with err. */
int crm_fields_check(const struct center_wo_category *cat, const char *json,
                     char *err, size_t errsz);

/** Whether the post-call survey runs after calls of this queue. */
bool crm_survey_queue(const struct crm *crm, const char *tenant,
                      const char *queue);

/* --- route.c: work orders as contacts of the routing engine -------------- */

/** Engine contact of an order, ACD_NONE when it is not routed. */
uint64_t crm_workorder_contact(const struct crm *crm, const char *id);
/** Orders currently routed (waiting, offered or being worked). */
size_t crm_routed_count(const struct crm *crm);
/** The agent accepted the offered order: the engine counts it against
 *  the agent's work-order capacity, the order records the agent. */
int crm_workorder_accept(struct crm *crm, const char *tenant, const char *id,
                         const char *agent, char *err, size_t errsz);

/* --- appointment.c -------------------------------------------------------- */

/** Make the slots of a service (or every service of the tenant, service
 *  NULL) from the day of from_ms for days_ahead days, in the tenant's
 *  time zone.  Existing slots stay as they are. */
int crm_slots_make(struct crm *crm, const char *tenant, const char *service,
                   uint64_t from_ms, store_result_h *h, void *arg);

/** Book a place (source "agent", "ivr" or "api"); r->code is the
 *  confirmation code.  ENOSPC "slot full" from the store. */
int crm_book(struct crm *crm, const char *tenant, const char *slot,
             const char *customer, const char *phone, const char *source,
             const struct crm_actor *a, store_result_h *h, void *arg, char *err,
             size_t errsz);

/** The sentence confirming a booking to the customer ("Permit hall,
 *  2026-11-24 09:30, code 123456"), in the tenant's time zone. */
int crm_booking_confirmation(const struct crm *crm, const char *tenant,
                             const char *service, uint64_t start,
                             const char *code, char *buf, size_t sz);

#endif
