/**
 * @file crm_int.h  Private to src/store: what customer.c, workorder.c and
 * appointment.c share (statement slots, argument copies, write results).
 */
#ifndef HOTLINE_STORE_CRM_INT_H
#define HOTLINE_STORE_CRM_INT_H

#include "store/internal.h"
#include "store/store_crm.h"

/* Cached statements of the CRM records, SLOT_CRM + these. */
enum crm_slot {
	CS_CUST_INSERT = 0,
	CS_CUST_UPDATE,
	CS_IDENT_OWNER,
	CS_IDENT_INSERT,
	CS_CUST_BY_IDENT,
	CS_CUST_BY_ID,
	CS_IDENTS_OF,
	CS_LINK_BY_IDENT,
	CS_LINK_DIRECT,
	CS_POP_INTERACTIONS,
	CS_POP_ORDERS,
	CS_CUST_EXISTS,
	CS_WO_NUMBER_BUMP,
	CS_WO_NUMBER_INIT,
	CS_WO_NUMBER_GET,
	CS_WO_INSERT,
	CS_EVENT_INSERT,
	CS_WO_SELECT,
	CS_WO_UPDATE,
	CS_FOLLOWUP_INSERT,
	CS_SAT_INSERT,
	CS_WO_SCAN,
	CS_WO_NEXT,
	CS_UNIT_PUT,
	CS_ATT_INSERT,
	CS_ATT_GET,
	CS_EVENTS_GET,
	CS_FOLLOWUPS_GET,
	CS_FOLLOWUP_DONE,
	CS_SLOT_INSERT,
	CS_SLOTS_GET,
	CS_SLOT_TAKE,
	CS_SLOT_GIVE,
	CS_BOOK_INSERT,
	CS_BOOK_SELECT,
	CS_BOOK_CANCEL,
	CS_BOOKS_GET,
	CS_CUST_INTERACTIONS,
	CS_CUST_IN_TENANT,
	CS_INT_IN_TENANT,
	CS_WO_CUSTOMER,
	CS_MAX
};

static inline sqlite3_stmt *crm_stmt(struct store_conn *c, unsigned k,
                                     const char *sql)
{
	return store_conn_stmt(c, SLOT_CRM + k, sql);
}

/* Arguments copied off the caller's thread: every string duplicated into
 * a mem object the argument struct owns (base must be its first member). */
struct crm_in {
	void **ptrs;
	size_t n, cap;
	bool nomem;
};

/** A zeroed argument struct of size sz whose first member is a crm_in. */
void *crm_in_alloc(size_t sz);
/** Duplicate s (NULL stays NULL); sets nomem on failure. */
const char *crm_in_str(struct crm_in *in, const char *s);
/** Duplicate a block of bytes. */
void *crm_in_mem(struct crm_in *in, const void *p, size_t len);

/* A write's result, the job's u.call.out. */
struct crm_res {
	struct store_result r;
	char detail[512];
	char code[16];
	char unit[128]; /* a change's unit (store_result.unit) */
	struct store_reject *rejects; /* mem, each reason a mem string */
	size_t nrejects, cap;
};

struct crm_res *crm_res_get(struct store_job *j);
void crm_res_detail(struct store_job *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int crm_res_reject(struct crm_res *res, uint32_t row, const char *reason);
/** deliver for writes: store_result_h(err, r, arg). */
void crm_deliver_result(struct store_job *j);

/** Step a write statement to DONE; logs and maps the error. */
int crm_step_done(struct store_conn *c, sqlite3_stmt *st, const char *what);
/** Column text as a C string or NULL. */
static inline const unsigned char *crm_col(sqlite3_stmt *st, int i)
{
	return sqlite3_column_text(st, i);
}
/** Copy a text column into a 27-byte id. */
void crm_col_id(sqlite3_stmt *st, int i, char id[27]);

/* Reading rows shared by several files. */
int crm_read_workorder(struct store_rows *rows, sqlite3_stmt *st);
extern const char crm_wo_columns[]; /* the SELECT list for the above */
extern const size_t crm_wo_strs[];
extern const size_t crm_wo_nstrs;
extern const size_t crm_in_strs[]; /* store_interaction */
extern const size_t crm_in_nstrs;
extern const char crm_in_columns[];
int crm_read_interaction(struct store_rows *rows, sqlite3_stmt *st);

#endif
