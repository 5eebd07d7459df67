/**
 * @file internal.h  Private to src/store: the SQLite connection, the work
 * queue's job type and the helpers the operation files share.  Tests may
 * include it (white-box migration tests); nothing else should.
 */
#ifndef HOTLINE_STORE_INTERNAL_H
#define HOTLINE_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store/store.h"

#define STORE_LOG "store" /* subsystem tag of every log line */

/* --- conn.c: one SQLite connection and its statement cache --------------- */

/* Slots of the statement cache.  Filtered reads get one slot per combination
 * of filters present (a bit mask), so each distinct query is prepared once
 * per connection and can use its index. */
enum store_slot {
	SLOT_BEGIN = 0,
	SLOT_COMMIT,
	SLOT_ROLLBACK,
	SLOT_SAVEPOINT,
	SLOT_RELEASE,
	SLOT_ROLLBACK_TO,
	SLOT_INTERACTION_PUT,
	SLOT_INTERVAL_PUT,
	SLOT_AGENT_STATE_PUT,
	SLOT_INTERACTIONS_GET,                            /* + mask, 7 bits */
	SLOT_INTERVALS_GET = SLOT_INTERACTIONS_GET + 128, /* + mask, 4 bits */
	SLOT_AGENT_STATES_GET = SLOT_INTERVALS_GET + 16,  /* + mask, 4 bits */
	SLOT_CRM = SLOT_AGENT_STATES_GET + 16, /* + enum crm_slot (crm.h) */
	SLOT_ACCOUNT = SLOT_CRM + 128,         /* + kind */
	SLOT_MAX = SLOT_ACCOUNT + 32,
};

struct store_conn {
	sqlite3 *db;                  /* owned */
	char *path;                   /* owned, for messages */
	sqlite3_stmt *stmt[SLOT_MAX]; /* owned, prepared on first use */
};

/**
 * Open a connection: WAL, synchronous per cfg, foreign keys, busy timeout.
 * reader: no create, query_only.  On failure err names the path and why.
 */
int store_conn_open(struct store_conn **cp, const char *path,
                    const struct store_cfg *cfg, bool reader, char *err,
                    size_t errsz);
/** The cached statement of slot (prepared from sql on first use), reset and
 *  with bindings cleared; NULL on error (logged). */
sqlite3_stmt *store_conn_stmt(struct store_conn *c, unsigned slot,
                              const char *sql);
/** Log a failed SQLite call with HL_ERROR and map rc to an errno code. */
int store_conn_fail(struct store_conn *c, int rc, const char *what);
/** Map an SQLite result code to an errno code (0 for OK/ROW/DONE). */
int store_errno(int rc);
/** Run one cached statement to completion (BEGIN, COMMIT, ...). */
int store_conn_step_slot(struct store_conn *c, unsigned slot, const char *sql);
int store_conn_begin(struct store_conn *c);
int store_conn_commit(struct store_conn *c);
void store_conn_rollback(struct store_conn *c);
bool store_conn_in_txn(const struct store_conn *c);

/* Binding and reading helpers: NULL strings and 0 times are SQL NULL. */
int store_bind_text(sqlite3_stmt *st, int i, const char *s);
int store_bind_ms(sqlite3_stmt *st, int i, uint64_t ms);
int store_bind_u64(sqlite3_stmt *st, int i, uint64_t v);
uint64_t store_col_u64(sqlite3_stmt *st, int i);

/* --- migrate.c ----------------------------------------------------------- */

/** Bring the schema of c up to version target (each step one transaction). */
int store_migrate(struct store_conn *c, unsigned target, char *err,
                  size_t errsz);
/** Current schema version of c's database (0 if none). */
int store_schema_version_get(struct store_conn *c, unsigned *vp);
/** Migrations in the order they apply, and the version of the i-th: the
 *  numbers have gaps (branches take separate ranges), so tests walk these. */
size_t store_schema_count(void);
unsigned store_schema_version_at(size_t i);
/** Test helper: create (or migrate) the database at path with every
 *  migration numbered up to version. */
int store_create_at_version(const char *path, unsigned version, char *err,
                            size_t errsz);

/* --- rows.c: result arrays as one mem object ----------------------------- */

/* Rows are appended to a scratch buffer; string fields hold offsets into a
 * string buffer until store_rows_finish() packs both into one allocation
 * and turns the offsets into pointers. */
struct store_rows {
	uint8_t *rows;
	size_t n, cap, rowsz;
	char *str;
	size_t slen, scap;
};

void store_rows_init(struct store_rows *r, size_t rowsz);
void store_rows_reset(struct store_rows *r);
/** A zeroed new row, valid until the next add; NULL on ENOMEM. */
void *store_rows_add(struct store_rows *r);
/** Copy the text into the string buffer and remember it in *field. */
int store_rows_str(struct store_rows *r, const char **field,
                   const unsigned char *text);
/** Pack: *vp is one mem object (NULL when empty); frees the scratch. */
int store_rows_finish(struct store_rows *r, const size_t *stroffs, size_t nstr,
                      void **vp, size_t *np);

/* --- store.c: jobs ------------------------------------------------------- */

enum store_op {
	OP_INTERACTION_PUT = 0,
	OP_INTERVAL_PUT,
	OP_AGENT_STATE_PUT,
	OP_INTERACTIONS_GET,
	OP_INTERVALS_GET,
	OP_AGENT_STATES_GET,
	OP_CALL_WRITE, /* defined by the operation's own file (struct */
	OP_CALL_READ,  /* store_call): customers, work orders, ... */
	OP_ACCOUNT_PUT,
	OP_MAX
};

struct store_job;

/* An operation that brings its own exec and deliver, so a record type
 * needs no new member here.  in and out are owned mem objects. */
struct store_call {
	int (*exec)(struct store_conn *c, struct store_job *j);
	void (*deliver)(struct store_job *j); /* NULL: no callback */
	void *h;   /* the typed handler deliver casts back */
	void *in;  /* arguments, owned */
	void *out; /* results, owned */
};

/* account.c: one change to users, preferences, tokens or a wrap-up: a
 * statement (by kind) with text parameters ?1..?8 and numbers ?9, ?10. */
struct store_acct {
	unsigned kind;
	const char *s[8];
	uint64_t n[2];
};

/* One queued operation.  Allocated by the caller's thread with its strings
 * in buf, handed to the worker through the queue, back to the owner
 * through the completion list, released after its callback. */
struct store_job {
	struct store_job *next; /* queue / completion list link */
	enum store_op op;
	uint64_t seq;  /* order of submission */
	uint64_t time; /* wall ms at submission */
	int err;
	union {
		store_done_h *done;
		store_interactions_h *interactions;
		store_intervals_h *intervals;
		store_agent_states_h *agent_states;
	} cb; /* may be NULL */
	void *arg;
	union {
		struct store_interaction in;
		struct store_interval iv;
		struct store_agent_state as;
		struct store_interaction_filter fin;
		struct store_interval_filter fiv;
		struct store_agent_state_filter fas;
		struct store_call call;
		struct store_acct acct;
	} u;        /* string pointers point into buf */
	void *rows; /* read results, owned (mem object) */
	size_t nrows;
	size_t buflen, bufpos;
	char buf[];
};

/** Bytes needed to copy s with store_job_str() (0 for NULL). */
size_t store_strsz(const char *s);
struct store_job *store_job_alloc(enum store_op op, size_t strbytes);
/** Copy s into the job's buffer; NULL stays NULL. */
const char *store_job_str(struct store_job *j, const char *s);
/** Queue j (the store takes it, also on error) and wake the worker. */
int store_submit(struct store *s, struct store_job *j);
/** Run fn on the reader connection on the calling thread. */
int store_read_sync(struct store *s,
                    int (*fn)(struct store_conn *c, const void *f, void **vp,
                              size_t *np),
                    const void *f, void **vp, size_t *np);

/* Per operation: run on the worker's connection, deliver on the owner. */
int store_interaction_exec_put(struct store_conn *c, struct store_job *j);
int store_interaction_exec_get(struct store_conn *c, struct store_job *j);
void store_interaction_deliver_get(struct store_job *j);
int store_interval_exec_put(struct store_conn *c, struct store_job *j);
int store_interval_exec_get(struct store_conn *c, struct store_job *j);
void store_interval_deliver_get(struct store_job *j);
int store_agent_state_exec_put(struct store_conn *c, struct store_job *j);
int store_agent_state_exec_get(struct store_conn *c, struct store_job *j);
void store_agent_state_deliver_get(struct store_job *j);

/** Queue a store_call job (write or read); in is taken (also on error). */
int store_call_submit(struct store *s, bool write,
                      int (*exec)(struct store_conn *c, struct store_job *j),
                      void (*deliver)(struct store_job *j), void *h, void *arg,
                      void *in);

/* Savepoints: one per write job, so a failing job leaves nothing. */
int store_savepoint(struct store_conn *c);
int store_release(struct store_conn *c);
void store_rollback_to(struct store_conn *c);
int store_acct_exec_put(struct store_conn *c, struct store_job *j);

/** Effective row limit of a filter. */
uint32_t store_limit(uint32_t limit);

#endif
