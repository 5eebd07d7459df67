/**
 * @file store.h  Durable records: interactions (call records), queue
 * interval statistics and agent state changes; users, tokens and API keys
 * made through the API, agents' skills changed through it, and the
 * tenants it created, changed, suspended or deleted.
 *
 * Owns: the database (SQLite today: one file in WAL mode; PostgreSQL later),
 * its schema and numbered migrations, one writer connection used only by a
 * worker thread, one reader connection for the synchronous reads, and the
 * bounded queue of work between the event loop and the worker.
 *
 * Offers: domain-level operations, never SQL.  Nothing SQLite-specific leaks
 * out: timestamps are integer milliseconds since the Unix epoch (0 = never),
 * ids are text, errors are errno codes, results are plain structs.
 *
 * Threads: store_open() is called on a thread running (or about to run) a
 * libre loop; that thread is the store's *owner*.  Every callback (done,
 * read results) runs on the owner thread, delivered through libre's mqueue,
 * so the loop never waits for the disk.  The *_put and *_get functions never
 * block on I/O (they copy the arguments and queue them); they may be called
 * from any thread, but callbacks still arrive on the owner.  The *_sync
 * functions block the caller: for tools, tests and shutdown only.
 *
 * Writes, group commit and durability: the worker takes everything queued
 * (up to cfg.batch_max), runs it inside one transaction, COMMITs, and only
 * then posts the done callbacks of that batch.  done(0) therefore means the
 * change is committed.  What "committed" survives depends on cfg.sync:
 *   STORE_SYNC_FULL (default): SQLite synchronous=FULL in WAL mode; COMMIT
 *     fsyncs the write-ahead log.  An acknowledged change survives kill -9,
 *     a kernel panic and a power loss (on a disk that honours fsync).  Group
 *     commit shares one fsync among every change of the batch, so the cost
 *     is in latency (one fsync, a few ms) more than in throughput.
 *   STORE_SYNC_NORMAL: synchronous=NORMAL in WAL mode; COMMIT writes the log
 *     into the OS page cache without fsync.  An acknowledged change survives
 *     kill -9 of the process (the kernel still holds the pages), but the last
 *     transactions may be lost on power loss or a kernel crash (the database
 *     stays consistent).  Faster acknowledgements; for disposable setups.
 * Statements of a batch are independent: one failing write (e.g. a tenant
 * mismatch) fails only its own done(err); an error that aborts the whole
 * transaction (disk full, I/O error) fails every write of the batch.  Writes
 * run in the order queued; a read queued after a write sees it.
 *
 * Errors: 0 or an errno code.  EINVAL bad argument, EBUSY queue full (cfg.
 * queue_max pending; retry later or shed load), ESHUTDOWN after store_close,
 * EPERM an update that would move a record to another tenant, ENOSPC disk
 * full, EROFS read-only database, EIO other database errors (logged with
 * HL_ERROR and the database's own message), ENOMEM.
 *
 * Customers, work orders and appointments (src/crm's records) are in
 * store_crm.h, under the same contract.
 */
#ifndef HOTLINE_STORE_H
#define HOTLINE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

#define STORE_ID_LEN        26     /* text ids: 26 chars + NUL */
#define STORE_QUEUE_MAX     100000 /* default bound of pending work */
#define STORE_BATCH_MAX     10000  /* default most changes per transaction */
#define STORE_LIMIT_DEFAULT 1000   /* rows returned when filter.limit is 0 */
#define STORE_LIMIT_MAX     100000 /* larger limits are clamped to this */

/** Completion of a write: err 0 = committed.  Runs on the owner thread. */
typedef void(store_done_h)(int err, void *arg);

/* --- store.c: open, close, worker --------------------------------------- */

enum store_sync {
	STORE_SYNC_FULL = 0, /* acknowledged = survives power loss */
	STORE_SYNC_NORMAL,   /* acknowledged = survives kill -9 only */
};

/** Tunables; zero fields take the defaults. */
struct store_cfg {
	enum store_sync sync;
	uint32_t queue_max; /* pending operations; 0 = STORE_QUEUE_MAX */
	uint32_t batch_max; /* per transaction; 0 = STORE_BATCH_MAX */
	uint32_t
	    busy_timeout_ms; /* wait for another process's lock; 0 = 5000 */
	uint32_t cache_mb;   /* page cache of each connection; 0 = 64 */
};

/**
 * Open (create) the database at path, apply pending migrations (each in its
 * own transaction), start the worker.  Must be called on the thread whose
 * libre loop (re_main) will run the callbacks; libre_init() must have run.
 *
 * @param sp    receives the store (mem_deref after store_close)
 * @param path  a file path; its directory must exist and be writable
 *              (SQLite adds path-wal and path-shm beside it).  A later
 *              PostgreSQL backend will take "postgresql://..." here.
 * @param cfg   tunables, or NULL for the defaults
 * @param err   receives a one-line message naming the path on failure
 *              (may be NULL)
 * @return 0, EINVAL, ENOENT/ENOTDIR/EACCES/EROFS (cannot open or create),
 *         EPROTO (not a hotline database, or a newer schema than this
 *         build knows), EIO, ENOMEM
 */
int store_open(struct store **sp, const char *path, char *err, size_t errsz);
int store_open_cfg(struct store **sp, const char *path,
                   const struct store_cfg *cfg, char *err, size_t errsz);

/**
 * Stop accepting work (later calls return ESHUTDOWN), let the worker commit
 * everything queued, join it, then run the pending callbacks on the calling
 * thread (which must be the owner), close the connections.  Blocking: for
 * shutdown.  Keep the args of queued callbacks valid until it returns, or
 * queue with done = NULL.  Then mem_deref(s).  A store released by
 * mem_deref() without store_close() also commits what is queued but runs no
 * callback.
 */
void store_close(struct store *s);

/**
 * Block until everything queued before the call is committed (or failed),
 * then, on the owner thread, run every pending callback before returning.
 * @return 0 if all of it was committed, else the error of one that failed
 *         (ESHUTDOWN after store_close)
 */
int store_flush_sync(struct store *s);

/** Counters for metrics and benchmarks (any thread). */
struct store_stats {
	uint32_t pending;    /* queued or in the running transaction */
	uint64_t committed;  /* writes acknowledged with done(0) */
	uint64_t failed;     /* operations that ended with an error */
	uint64_t batches;    /* write transactions run */
	uint32_t batch_peak; /* largest batch so far */
};
void store_stats(struct store *s, struct store_stats *st);

/* --- id.c ---------------------------------------------------------------- */

/**
 * A unique, time-ordered text id: 26 characters of Crockford base32 (a
 * ULID: 48-bit wall ms, then 80 bits that start random in each millisecond
 * and count up within it), NUL-terminated.  Ids made by one process sort
 * (strcmp) in the order they were made.  Any thread.
 */
void store_new_id(char id[27]);

/** Wall ms encoded in an id made by store_new_id(); 0 if malformed. */
uint64_t store_id_time(const char *id);

/* --- migrate.c ----------------------------------------------------------- */

/** The schema version this build creates and understands. */
unsigned store_schema_latest(void);

/* --- interaction.c: one record per contact ------------------------------- */

enum store_disposition {
	STORE_DISP_NONE = 0,
	STORE_DISP_ANSWERED,
	STORE_DISP_ABANDONED,
	STORE_DISP_OVERFLOWED,
	STORE_DISP_FAILED,
};

/** "answered", ...; "" for NONE. */
const char *store_disposition_name(enum store_disposition d);
/** EINVAL if unknown. */
int store_disposition_parse(const char *s, enum store_disposition *dp);

/** One contact (a call, a chat, ...) from arrival to end. */
struct store_interaction {
	char id[27];         /* store_new_id(); any text id up to 26 chars */
	const char *tenant;  /* required */
	const char *channel; /* required: "voice", "chat", ... */
	const char *caller;  /* may be NULL */
	const char *dialed;
	const char *queue;
	const char *agent;
	uint64_t arrived; /* wall ms; 0 = never (yet) */
	uint64_t queued;
	uint64_t offered;
	uint64_t answered;
	uint64_t ended;
	enum store_disposition disposition;
	uint16_t sip_code;     /* final SIP status, 0 = none */
	const char *reason;    /* e.g. "caller hung up" */
	const char *recording; /* path of the recording, may be NULL */
	const char *customer;  /* linked customer id (store_crm.h), or NULL */
	/* Read only (written by store_interaction_wrapup_put): */
	const char *wrapup_code; /* the agent's outcome code, or NULL */
	const char *note;        /* the agent's note, or NULL */
	/* Read only: the contact's latest satisfaction score 1..5 (the
	 * post-call survey or the agent, store_satisfaction_put), 0 none */
	uint8_t satisfaction;
};

/**
 * Insert the record, or update the record with the same id.  An update
 * merges: NULL strings, 0 times, 0 sip_code and STORE_DISP_NONE leave the
 * stored value as it is, so each component can fill in what it knows as the
 * contact progresses (arrival, answer, end, recording).  tenant and channel
 * are required every time; an update whose tenant differs from the stored
 * one fails with EPERM.  Copies everything; in is not referenced after the
 * call.
 *
 * @param done  may be NULL; runs on the owner thread after the COMMIT that
 *              made the change durable (err 0), or with the error
 * @return 0 queued, EINVAL, EBUSY (queue full), ESHUTDOWN, ENOMEM; when
 *         non-zero, done will not be called
 */
int store_interaction_put(struct store *s, const struct store_interaction *in,
                          store_done_h *done, void *arg);

/** Which interactions to read; NULL / 0 fields do not filter. */
struct store_interaction_filter {
	const char *tenant;
	const char *id;
	const char *agent;
	const char *queue;
	const char *caller;
	uint64_t since; /* arrived >= since (ms) */
	uint64_t until; /* arrived < until (ms); 0 = no bound */
	uint32_t limit; /* 0 = STORE_LIMIT_DEFAULT, at most STORE_LIMIT_MAX */
};

/**
 * Read results: the newest first (arrived, then id, descending); records
 * without an arrival time come last.  v and its strings are valid during
 * the call only.  Runs on the owner thread.
 */
typedef void(store_interactions_h)(int err, const struct store_interaction *v,
                                   size_t n, void *arg);

/** Queue a read; h runs with the rows on the owner thread.  The filter is
 *  copied.  Returns 0 or EINVAL, EBUSY, ESHUTDOWN, ENOMEM (then no call). */
int store_interactions_get(struct store *s,
                           const struct store_interaction_filter *f,
                           store_interactions_h *h, void *arg);

/**
 * Read on the calling thread through the reader connection.  Sees every
 * committed change (not what is still queued: store_flush_sync() first).
 * @param vp  receives one mem object holding the array and its strings
 *            (mem_deref it); NULL when *np is 0
 */
int store_interactions_get_sync(struct store *s,
                                const struct store_interaction_filter *f,
                                struct store_interaction **vp, size_t *np);

/** Contacts an agent answered, counted from the interaction records. */
struct store_agent_count {
	const char *agent;
	uint64_t contacts;
};

/**
 * Per agent of tenant, the interactions answered at or after since (ms),
 * for each agent's contacts today after a restart.  Read on the calling
 * thread like store_interactions_get_sync() (committed records only).
 * @param vp  one mem object (mem_deref it); NULL when *np is 0
 */
int store_agent_contacts_sync(struct store *s, const char *tenant,
                              uint64_t since, struct store_agent_count **vp,
                              size_t *np);

/* --- interval.c: queue statistics per interval --------------------------- */

/** One closed statistics interval of one queue (see struct acd_interval). */
struct store_interval {
	const char *tenant; /* required */
	const char *queue;  /* required */
	uint64_t start;     /* ms */
	uint32_t length_s;
	uint32_t offered;
	uint32_t answered;
	uint32_t answered_in_sl;
	uint32_t abandoned;
	uint32_t short_abandoned;
	uint32_t abandoned_after_sl;
	uint32_t overflowed;
	uint32_t handled;
	uint64_t wait_answered_ms;
	uint64_t wait_abandoned_ms;
	uint64_t handle_ms;
};

/** Insert, or replace the record with the same (tenant, queue, start).
 *  Same contract as store_interaction_put(). */
int store_interval_put(struct store *s, const struct store_interval *iv,
                       store_done_h *done, void *arg);

struct store_interval_filter {
	const char *tenant;
	const char *queue;
	uint64_t since; /* start >= since */
	uint64_t until; /* start < until; 0 = no bound */
	uint32_t limit; /* as for interactions */
};

/** Results in order of (start, queue), oldest first. */
typedef void(store_intervals_h)(int err, const struct store_interval *v,
                                size_t n, void *arg);
int store_intervals_get(struct store *s, const struct store_interval_filter *f,
                        store_intervals_h *h, void *arg);
int store_intervals_get_sync(struct store *s,
                             const struct store_interval_filter *f,
                             struct store_interval **vp, size_t *np);

/* --- agent_state.c: agent state changes ---------------------------------- */

struct store_agent_state {
	const char *tenant; /* required */
	const char *agent;  /* required */
	const char *state;  /* required: "available", "not-ready", ... */
	const char *reason; /* may be NULL */
	uint64_t time;      /* ms */
};

/** Append one state change; time 0 means now.  Failures are logged (there
 *  is no callback).  Returns 0 queued, EINVAL, EBUSY, ESHUTDOWN, ENOMEM. */
int store_agent_state_put(struct store *s, const char *tenant,
                          const char *agent, const char *state,
                          const char *reason, uint64_t time);

struct store_agent_state_filter {
	const char *tenant;
	const char *agent;
	uint64_t since; /* time >= since */
	uint64_t until; /* time < until; 0 = no bound */
	uint32_t limit;
};

/** Results oldest first, in the order they were put. */
typedef void(store_agent_states_h)(int err, const struct store_agent_state *v,
                                   size_t n, void *arg);
int store_agent_states_get(struct store *s,
                           const struct store_agent_state_filter *f,
                           store_agent_states_h *h, void *arg);
int store_agent_states_get_sync(struct store *s,
                                const struct store_agent_state_filter *f,
                                struct store_agent_state **vp, size_t *np);

/* --- account.c: API users, preferences, tokens, wrap-ups ------------------
 * Users defined in the center file are not stored here; the ones made
 * through the API are.  Tokens are stored by a hash of their text only. */

/** A user made through the API. */
struct store_user {
	const char *tenant;        /* required */
	const char *username;      /* required */
	const char *role;          /* required: admin, supervisor, agent */
	const char *agent;         /* agent id for the role agent */
	const char *language;
	const char *name;
	const char *password_hash; /* required: crypt-style string */
	uint64_t created;          /* ms; 0 = now */
};

/** Insert or replace the user (tenant, username).  Same contract as
 *  store_interaction_put(). */
int store_user_put(struct store *s, const struct store_user *u,
                   store_done_h *done, void *arg);
/** Delete the user and its tokens and preferences; done(ENOENT) when there
 *  was no such user. */
int store_user_delete(struct store *s, const char *tenant,
                      const char *username, store_done_h *done, void *arg);
/** Every stored user (of tenant, or all when NULL), on the calling thread;
 *  *vp is one mem object. */
int store_users_get_sync(struct store *s, const char *tenant,
                         struct store_user **vp, size_t *np);

/** A user's remembered choices (center or API user alike). */
struct store_pref {
	const char *tenant;
	const char *username;
	const char *language; /* NULL: none chosen */
};
int store_pref_put(struct store *s, const struct store_pref *p,
                   store_done_h *done, void *arg);
int store_prefs_get_sync(struct store *s, struct store_pref **vp,
                         size_t *np);

/** A session token or an API key, by the hash of its text. */
struct store_token {
	const char *hash;     /* required: hex digest of the token */
	const char *tenant;   /* required */
	const char *username; /* required: the user, or the key's name */
	const char *kind;     /* required: "session" or "apikey" */
	const char *role;     /* required */
	const char *agent;    /* for the role agent */
	const char *name;     /* a key's description */
	uint64_t created;     /* ms */
	uint64_t expires;     /* ms; 0 = never */
};
int store_token_put(struct store *s, const struct store_token *t,
                    store_done_h *done, void *arg);
/** Change a token's expiry (ENOENT: no such token). */
int store_token_touch(struct store *s, const char *hash, uint64_t expires,
                      store_done_h *done, void *arg);
/** Revoke one token (ENOENT: no such token). */
int store_token_delete(struct store *s, const char *hash, store_done_h *done,
                       void *arg);
/** Forget tokens that expired before now_ms. */
int store_tokens_purge(struct store *s, uint64_t now_ms, store_done_h *done,
                       void *arg);
int store_tokens_get_sync(struct store *s, struct store_token **vp,
                          size_t *np);

/** An agent's skills as changed through the API. */
struct store_agent_skills {
	const char *tenant;  /* required */
	const char *agent;   /* required */
	const char *skills;  /* required: JSON object {"skill": level} */
	uint64_t updated;    /* ms; 0 = now */
};
int store_agent_skills_put(struct store *s, const struct store_agent_skills *k,
                           store_done_h *done, void *arg);
int store_agent_skills_get_sync(struct store *s, struct store_agent_skills **vp,
                                size_t *np);

/** A tenant's lifecycle record (migration 15): its state, and its
 *  definition when created or imported through the API. */
struct store_tenant {
	const char *tenant;     /* required */
	const char *state;      /* "active", "suspended" or "deleted" */
	const char *definition; /* center-file YAML; NULL: keep the stored
	                           one (or none: the center file's) */
	uint64_t updated;       /* ms; 0 = now */
};
/** Store a tenant's state (and definition, when given). */
int store_tenant_put(struct store *s, const struct store_tenant *t,
                     store_done_h *done, void *arg);
/** Every tenant record, oldest change first (at start). */
int store_tenants_get_sync(struct store *s, struct store_tenant **vp,
                           size_t *np);

/** Set the agent's wrap-up of an interaction (code and note; NULL clears
 *  one).  done(ENOENT) when the tenant has no such interaction. */
int store_interaction_wrapup_put(struct store *s, const char *tenant,
                                 const char *id, const char *code,
                                 const char *note, store_done_h *done,
                                 void *arg);

#endif
