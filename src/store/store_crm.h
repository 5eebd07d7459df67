/**
 * @file store_crm.h  Durable records of src/crm: customers and their
 * identities, work orders with their audit trail, attachments, follow-ups
 * and satisfaction, handling units, appointment slots and bookings.
 *
 * Part of the store's one interface (store.h holds the contract: threads,
 * group commit, durability, errors); this header only adds record types.
 * As there, nothing SQLite-specific leaks out: times are ms since the
 * epoch (0 = never), ids are text, results are plain structs in one mem
 * object.
 *
 * Atomicity: every write below is one job run inside a savepoint of the
 * worker's batch transaction: either all of its rows are written or none
 * (a refused move writes no audit row, an import with a bad row writes no
 * customer).  Checks that must not race (a workflow move's current status,
 * an appointment slot's free capacity, an identity's owner) are made by
 * the job itself, in that savepoint, so two agents cannot both win.
 *
 * Results: writes report through store_result_h on the owner thread after
 * the COMMIT.  err 0 = committed; otherwise r->detail says why in words
 * (may be NULL) and the other fields say what was found (a work order's
 * current status when a move is refused).
 *
 * Extra errors: EEXIST an identity belongs to another customer (detail
 * names it); ENOENT no such customer, work order, slot; EPERM a workflow
 * move not allowed from the current status; EACCES an actor restricted
 * to a unit acting on another unit's order; ESTALE the record changed
 * since the version the caller saw; ENOSPC also "slot full".
 */
#ifndef HOTLINE_STORE_CRM_H
#define HOTLINE_STORE_CRM_H

#include "store/store.h"

/* --- results ------------------------------------------------------------- */

/** One rejected row of an import. */
struct store_reject {
	uint32_t row;       /* 1-based data row (as counted by the caller) */
	const char *reason; /* e.g. "phone 8613800000001 belongs to ..." */
};

/** What a write did (valid during the callback only). */
struct store_result {
	char id[27];         /* record created or changed */
	uint64_t number;     /* work order number; customers imported */
	uint32_t version;    /* work order version after the change */
	int status;          /* work order status after (or found, on EPERM);
	                        -1 if none */
	uint64_t time;       /* the change's time (ms) */
	uint64_t due;        /* work order due time after the change */
	uint64_t next_check; /* work order: next deadline scan time, 0 none */
	const char *detail;  /* why it failed, or NULL */
	const struct store_reject *rejects; /* import */
	size_t nrejects;
	const char *code; /* appointment confirmation code */
	const char *unit; /* work order change: its unit after the change, or
	                     the one it left (return); NULL none */
};

typedef void(store_result_h)(int err, const struct store_result *r, void *arg);

/* --- customer.c ---------------------------------------------------------- */

enum store_ident_kind {
	STORE_IDENT_PHONE = 0, /* digits only, country code first */
	STORE_IDENT_EMAIL,     /* lower case */
	STORE_IDENT_CHAT,      /* channel-specific handle */
	STORE_IDENT_MAX
};

const char *store_ident_kind_name(enum store_ident_kind k);
int store_ident_kind_parse(const char *s, enum store_ident_kind *kp);

struct store_identity {
	enum store_ident_kind kind;
	const char *value; /* already normalised (src/crm does that) */
};

struct store_customer {
	char id[27];        /* "" on create: a new id is made */
	const char *tenant; /* required */
	const char *name;
	const char *language;
	const char *note;
	uint64_t created, updated;
	const struct store_identity *idents;
	size_t nidents;
};

/**
 * Create a customer (id "") or update one (name, language, note: NULL
 * keeps the stored value) and add the identities given; an identity the
 * customer already has is fine, one of another customer fails the whole
 * write with EEXIST.  r->id is the customer's id.
 */
int store_customer_put(struct store *s, const struct store_customer *c,
                       store_result_h *h, void *arg);

/** Give an identity to a customer (the agent links a new number). */
int store_identity_add(struct store *s, const char *tenant,
                       const char *customer, enum store_ident_kind kind,
                       const char *value, store_result_h *h, void *arg);

/**
 * Import customers all or nothing: every row is tried; a row whose
 * identity already belongs to someone fails with its reason in
 * r->rejects.  If any row failed and !skip_bad, nothing is written and
 * err is EEXIST; with skip_bad the good rows are written.  r->number is
 * the count written.  row numbers: rows[i] is reported as rownum[i] (or
 * i + 1 when rownum is NULL).
 */
int store_customers_import(struct store *s, const char *tenant,
                           const struct store_customer *rows,
                           const uint32_t *rownum, size_t n, bool skip_bad,
                           store_result_h *h, void *arg);

/** A customer by identity or id, with every identity.  *cp is one mem
 *  object (NULL and ENOENT when none). */
int store_customer_find_sync(struct store *s, const char *tenant,
                             enum store_ident_kind kind, const char *value,
                             struct store_customer **cp);
int store_customer_get_sync(struct store *s, const char *tenant, const char *id,
                            struct store_customer **cp);

/**
 * Link an interaction to a customer: to customer when given (the agent
 * chose), else to whoever owns identity (kind, value), if anyone.  r->id
 * is the customer linked ("" when no identity matched; err is still 0).
 */
int store_interaction_link(struct store *s, const char *tenant,
                           const char *interaction, const char *customer,
                           enum store_ident_kind kind, const char *value,
                           store_result_h *h, void *arg);

/* --- workorder.c --------------------------------------------------------- */

enum store_wo_status {
	STORE_WO_NEW = 0,
	STORE_WO_DISPATCHED,
	STORE_WO_IN_PROGRESS,
	STORE_WO_ANSWERED,
	STORE_WO_FOLLOW_UP,
	STORE_WO_CLOSED,
	STORE_WO_REOPENED,
	STORE_WO_NSTATUS
};
#define STORE_WO_SAME (-1) /* a change that does not move the status */
#define STORE_WO_OPEN_MASK                                                     \
	(~(1u << STORE_WO_CLOSED) & ((1u << STORE_WO_NSTATUS) - 1))

/** "new", "dispatched", "in_progress", ...; "" if out of range. */
const char *store_wo_status_name(int st);
int store_wo_status_parse(const char *s, int *stp);

enum store_wo_priority {
	STORE_PRIO_LOW = 0,
	STORE_PRIO_NORMAL,
	STORE_PRIO_HIGH,
	STORE_PRIO_URGENT,
	STORE_PRIO_MAX
};
const char *store_wo_priority_name(int p);
int store_wo_priority_parse(const char *s, int *pp);

struct store_workorder {
	char id[27];
	const char *tenant;
	uint64_t number; /* per tenant, from 1 */
	const char *category;
	int status;   /* enum store_wo_status */
	int priority; /* enum store_wo_priority */
	const char *customer;
	const char *unit;
	const char *agent;
	const char *subject;
	const char *fields; /* JSON object text, "{}" if none */
	const char *interaction;
	bool interaction_live;   /* create: a call still going on, whose
	                            record is written when it ends (the API
	                            checked it is the tenant's) */
	uint64_t created, updated;
	uint64_t due;        /* answer expected by */
	uint64_t warn_at;    /* flagged "near due" from */
	uint64_t flagged;    /* when flagged near due, 0 not yet */
	uint64_t escalated;  /* when escalated past due, 0 not yet */
	uint64_t next_check; /* next time the deadline scan must look */
	uint64_t answered, closed;
	uint8_t satisfaction; /* 0 none, 1..5 */
	uint32_t version;     /* +1 at every change */
};

/** Create a work order (status new unless given) with its first audit
 *  row (kind "created").  id and number are made; r->id, r->number. */
int store_workorder_create(struct store *s, const struct store_workorder *w,
                           const char *actor, const char *role,
                           store_result_h *h, void *arg);

/** A change to one work order: a workflow move, a comment, a field
 *  update, a satisfaction score, a flag or escalation.  Written with one
 *  audit row; fields left NULL / 0 are not touched. */
struct store_wo_change {
	const char *tenant; /* required */
	const char *id;     /* required */
	const char *kind;   /* audit kind: "move", "comment", "fields",
	                       "satisfaction", ... (required) */
	const char *action; /* move name for the audit, or NULL */
	uint32_t from_mask; /* allowed current statuses (1 << status);
	                       0 = any */
	int to;             /* new status or STORE_WO_SAME */
	const char *actor;  /* required */
	const char *role;   /* required: "agent", "supervisor", "unit", ... */
	const char *actor_unit;  /* when set, the order must be in this unit
	                            (EACCES otherwise) */
	const char *text;        /* comment, reason, answer: audit text */
	const char *data;        /* JSON for the audit row, or NULL */
	const char *unit;        /* set the unit ("" clears it) */
	const char *agent;       /* set the agent ("" clears it) */
	const char *fields;      /* replace the form fields (JSON text) */
	uint64_t due;            /* set due time */
	uint64_t warn_at;        /* with due */
	uint8_t satisfaction;    /* 1..5: record (also in satisfaction) */
	const char *sat_source;  /* "agent" or "ivr" with satisfaction */
	bool flag;               /* mark flagged near due now */
	bool escalate;           /* mark escalated now */
	uint32_t expect_version; /* 0 = any; else ESTALE if it moved on */
	/* With a move to answered: the follow-up contact to create. */
	const char *followup_kind;    /* "call" or "message", or NULL */
	const char *followup_address; /* number or address to reach */
	uint64_t time;                /* 0 = now */
};

int store_workorder_change(struct store *s, const struct store_wo_change *c,
                           store_result_h *h, void *arg);

/** Which work orders to read (NULL / 0 do not filter). */
struct store_wo_filter {
	const char *tenant; /* required */
	const char *id;
	uint64_t number;
	const char *unit;
	uint32_t status_mask; /* (1 << status) bits; 0 = any */
	const char *customer;
	const char *category;
	const char *agent;
	uint32_t limit; /* 0 = STORE_LIMIT_DEFAULT */
	uint32_t offset;     /* rows skipped (pages) */
	uint64_t due_before; /* due time before this (ms), 0: any */
	bool escalated;      /* escalated ones only */
};

/** Results by due time (none last), then creation (id). */
typedef void(store_workorders_h)(int err, const struct store_workorder *v,
                                 size_t n, void *arg);
int store_workorders_get(struct store *s, const struct store_wo_filter *f,
                         store_workorders_h *h, void *arg);
int store_workorders_get_sync(struct store *s, const struct store_wo_filter *f,
                              struct store_workorder **vp, size_t *np);

/** One audit row. */
struct store_wo_event {
	uint64_t seq;
	const char *workorder;
	uint64_t time;
	const char *actor, *role, *kind, *action;
	int from, to; /* statuses, -1 none */
	const char *text, *data;
};

/** The audit trail of one order, oldest first. */
int store_wo_events_get_sync(struct store *s, const char *tenant,
                             const char *workorder, struct store_wo_event **vp,
                             size_t *np);

/**
 * The deadline scan (one query for all orders, not a timer each): every
 * open order whose next_check <= now is flagged (now >= warn_at) or
 * escalated (now >= due) with an audit row; h gets the orders changed and
 * *next (in the result's next_check) the earliest next_check left.
 */
typedef void(store_wo_scan_h)(int err, const struct store_workorder *v,
                              size_t n, uint64_t next, void *arg);
int store_workorders_scan(struct store *s, uint64_t now, store_wo_scan_h *h,
                          void *arg);

/** Handling units (from the configuration): insert or update titles. */
int store_unit_put(struct store *s, const char *tenant, const char *name,
                   const char *title, store_done_h *done, void *arg);

/** An attachment: the worker writes data to dir/<tenant>/<id> (made if
 *  missing; fsync'd before the row), then the row and an audit row.  A
 *  failed write leaves no row and removes the file. */
struct store_attachment {
	char id[27];
	const char *tenant, *workorder;
	const char *name, *type;
	uint64_t size;
	const char *path; /* where it lies (results) */
	const char *actor;
	const char *role; /* the actor's, for the audit trail */
	uint64_t time;
};
int store_attachment_add(struct store *s, const char *dir,
                         const struct store_attachment *a, const void *data,
                         size_t len, store_result_h *h, void *arg);
int store_attachments_get_sync(struct store *s, const char *tenant,
                               const char *workorder,
                               struct store_attachment **vp, size_t *np);

/** Follow-up contacts. */
struct store_followup {
	char id[27];
	const char *tenant, *workorder, *customer;
	const char *kind; /* "call", "message" */
	const char *address;
	const char *status; /* "pending", "done", "failed" */
	uint64_t created, done;
};
int store_followups_get_sync(struct store *s, const char *tenant,
                             const char *workorder, struct store_followup **vp,
                             size_t *np);
/** Mark a follow-up done or failed. */
int store_followup_done(struct store *s, const char *tenant, const char *id,
                        bool ok, store_result_h *h, void *arg);

/** Satisfaction of a contact (the post-call survey), not tied to an
 *  order. */
int store_satisfaction_put(struct store *s, const char *tenant,
                           const char *interaction, uint8_t score,
                           const char *source, const char *actor,
                           store_done_h *done, void *arg);

/* --- screen pop (customer.c) --------------------------------------------- */

/** What an agent's desktop shows when a contact arrives. */
struct store_screen_pop {
	struct store_customer *customer;        /* NULL: unknown */
	struct store_interaction *interactions; /* newest first */
	size_t ninteractions;
	struct store_workorder *workorders; /* the open ones */
	size_t nworkorders;
};

/** Customer by identity, its last n interactions and open orders.  *pp
 *  is one mem object; ENOENT (and *pp NULL) for an unknown identity. */
int store_screen_pop_sync(struct store *s, const char *tenant,
                          enum store_ident_kind kind, const char *value,
                          uint32_t n, struct store_screen_pop **pp);
typedef void(store_screen_pop_h)(int err, const struct store_screen_pop *p,
                                 void *arg);
int store_screen_pop_get(struct store *s, const char *tenant,
                         enum store_ident_kind kind, const char *value,
                         uint32_t n, store_screen_pop_h *h, void *arg);
/** The same for a customer by id (the agent linked it); ENOENT when the
 *  tenant has no such customer.  Interactions carry their wrap-up. */
int store_screen_pop_customer_get(struct store *s, const char *tenant,
                                  const char *customer, uint32_t n,
                                  store_screen_pop_h *h, void *arg);
/** The same for the customer of a work order (its contact's pop); ENOENT
 *  when the tenant has no such order or the order has no customer. */
int store_screen_pop_workorder_get(struct store *s, const char *tenant,
                                   const char *workorder, uint32_t n,
                                   store_screen_pop_h *h, void *arg);

/** Interactions linked to a customer, or all of a tenant's (customer
 *  NULL), oldest first, arrived in [since, until) (until 0: no bound), for
 *  exports; store_interaction.customer tells the linked customer. */
int store_customer_interactions_sync(struct store *s, const char *tenant,
                                     const char *customer, uint64_t since,
                                     uint64_t until, uint32_t limit,
                                     struct store_interaction **vp, size_t *np);

/* --- appointment.c ------------------------------------------------------- */

struct store_appt_slot {
	char id[27];
	const char *tenant, *service;
	uint64_t start;
	uint32_t length_s;
	uint32_t capacity, booked;
};

/** Create the slots that do not exist yet (same tenant, service, start:
 *  left as they are).  r->number: slots created. */
int store_slots_ensure(struct store *s, const struct store_appt_slot *v,
                       size_t n, store_result_h *h, void *arg);
/** Slots of a service from since to until, by start. */
int store_slots_get_sync(struct store *s, const char *tenant,
                         const char *service, uint64_t since, uint64_t until,
                         struct store_appt_slot **vp, size_t *np);

struct store_booking {
	char id[27];
	const char *tenant;
	const char *slot;
	const char *customer; /* may be NULL */
	const char *phone;    /* to confirm to */
	const char *source;   /* "agent", "ivr", "api" */
	const char *actor;
	const char *code; /* confirmation code (results) */
	uint64_t created, cancelled;
	/* results: the slot's */
	const char *service;
	uint64_t start;
};

/** Book one place in a slot: the slot's free capacity is checked and
 *  taken in the same transaction (ENOSPC "slot full").  r->id is the
 *  booking, r->code its confirmation code. */
int store_booking_add(struct store *s, const struct store_booking *b,
                      store_result_h *h, void *arg);
/** Cancel a booking (gives the place back). */
int store_booking_cancel(struct store *s, const char *tenant, const char *id,
                         store_result_h *h, void *arg);
int store_bookings_get_sync(struct store *s, const char *tenant,
                            const char *slot, const char *customer,
                            struct store_booking **vp, size_t *np);

/* --- crm_api.c: for the HTTP API ---------------------------------------- */

/** Work run on the store's worker thread: may block on the *_sync reads
 *  (never on the loop).  Its return value is done's err. */
typedef int(store_work_h)(struct store *s, void *arg);
/** Run work on the worker, then done(err, arg) on the owner thread.  arg
 *  must stay valid until done runs. */
int store_run(struct store *s, store_work_h *work, store_done_h *done,
              void *arg);

/** Which customers to find: by identity (kind >= 0, value normalised), by
 *  name prefix (name), or all of the tenant, by name. */
struct store_cust_filter {
	const char *tenant; /* required */
	int kind;           /* enum store_ident_kind, or -1 */
	const char *value;
	const char *name;
	uint32_t limit, offset;
};
/** Ids of the customers found, by name then id; *idsp is a mem array. */
int store_customers_search_sync(struct store *s,
                                const struct store_cust_filter *f,
                                char (**idsp)[27], size_t *np);

/** Take an identity from a customer: ENOENT if the customer does not have
 *  it, EMLINK when it is the customer's only one (r->detail says so). */
int store_identity_remove(struct store *s, const char *tenant,
                          const char *customer, enum store_ident_kind kind,
                          const char *value, store_result_h *h, void *arg);

#endif
