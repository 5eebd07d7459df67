/**
 * @file store.c  Open and close, the work queue, the worker thread with its
 * group commit, and the way back to the owner's loop.
 *
 * Queue: the caller's thread appends jobs to a FIFO under s->lock and
 * signals work_cond.  The worker sleeps on work_cond, takes everything
 * queued (up to batch_max), runs the writes in one transaction, COMMITs,
 * runs the reads, then moves the jobs that have a callback to the
 * completion list and wakes the owner.
 *
 * Way back: libre's mqueue is a non-blocking pipe of 4 KB messages; one
 * message per job would overflow it under load.  So the worker pushes one
 * message only when the completion list goes from "nobody told" to "told"
 * (wake_pending), and the owner's handler drains the whole list.  At most a
 * couple of messages are ever in the pipe.
 */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <re.h>

#include "core/core.h"
#include "store/internal.h"

struct store {
	struct store_cfg cfg;
	char *path;        /* owned */
	pthread_t owner;   /* thread that opened; runs callbacks */
	struct mqueue *mq; /* owned; on the owner's loop */

	struct store_conn *wconn; /* owned; used only by the worker */
	pthread_t worker;
	bool worker_started;

	pthread_mutex_t rlock;    /* guards rconn */
	struct store_conn *rconn; /* owned; sync reads, opened lazily */

	pthread_mutex_t lock;     /* guards everything below */
	pthread_cond_t work_cond; /* worker: queue non-empty or stopping */
	pthread_cond_t done_cond; /* flushers: done_seq advanced */
	bool sync_init;           /* lock and conds initialised */
	struct store_job *qhead, *qtail; /* queued, not yet taken */
	struct store_job *chead, *ctail; /* finished, callback pending */
	uint64_t seq;                    /* seq of the last job queued */
	uint64_t done_seq; /* every job <= done_seq has finished */
	uint64_t err_seq;  /* seq of the last failed job */
	int last_err;
	uint64_t flush_mark; /* target of the previous flush */
	bool stopping;       /* worker: finish the queue and exit */
	bool closed;         /* no more work accepted */
	bool wake_pending;   /* an mqueue message is on its way */
	struct store_stats stats;
};

static int call_exec(struct store_conn *c, struct store_job *j)
{
	return j->u.call.exec(c, j);
}

static void call_deliver(struct store_job *j)
{
	if (j->u.call.deliver)
		j->u.call.deliver(j);
}

struct op_def {
	bool write;
	int (*exec)(struct store_conn *c, struct store_job *j);
	void (*deliver)(struct store_job *j); /* NULL: a write's done */
};

static const struct op_def ops[OP_MAX] = {
    [OP_INTERACTION_PUT] = {true, store_interaction_exec_put, NULL},
    [OP_INTERVAL_PUT] = {true, store_interval_exec_put, NULL},
    [OP_AGENT_STATE_PUT] = {true, store_agent_state_exec_put, NULL},
    [OP_INTERACTIONS_GET] = {false, store_interaction_exec_get,
                             store_interaction_deliver_get},
    [OP_INTERVALS_GET] = {false, store_interval_exec_get,
                          store_interval_deliver_get},
    [OP_AGENT_STATES_GET] = {false, store_agent_state_exec_get,
                             store_agent_state_deliver_get},
    [OP_CALL_WRITE] = {true, call_exec, call_deliver},
    [OP_CALL_READ] = {false, call_exec, call_deliver},
    [OP_ACCOUNT_PUT] = {true, store_acct_exec_put, NULL},
};

/* --- jobs ---------------------------------------------------------------- */

static void job_destructor(void *arg)
{
	struct store_job *j = arg;

	mem_deref(j->rows);
	if (j->op == OP_CALL_WRITE || j->op == OP_CALL_READ) {
		mem_deref(j->u.call.in);
		mem_deref(j->u.call.out);
	}
}

size_t store_strsz(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

struct store_job *store_job_alloc(enum store_op op, size_t strbytes)
{
	struct store_job *j;

	j = mem_zalloc(sizeof(*j) + strbytes, job_destructor);
	if (!j)
		return NULL;
	j->op = op;
	j->buflen = strbytes;
	j->time = hl_wall_ms();
	return j;
}

const char *store_job_str(struct store_job *j, const char *s)
{
	size_t n = store_strsz(s);
	char *p;

	if (!s)
		return NULL;
	assert(j->bufpos + n <= j->buflen);
	p = j->buf + j->bufpos;
	memcpy(p, s, n);
	j->bufpos += n;
	return p;
}

static bool job_has_callback(const struct store_job *j)
{
	if (j->op == OP_CALL_WRITE || j->op == OP_CALL_READ)
		return j->u.call.deliver != NULL;
	return j->cb.done != NULL; /* all members share the representation */
}

int store_call_submit(struct store *s, bool write,
                      int (*exec)(struct store_conn *c, struct store_job *j),
                      void (*deliver)(struct store_job *j), void *h, void *arg,
                      void *in)
{
	struct store_job *j;

	j = store_job_alloc(write ? OP_CALL_WRITE : OP_CALL_READ, 0);
	if (!j) {
		mem_deref(in);
		return ENOMEM;
	}
	j->u.call.exec = exec;
	j->u.call.deliver = h ? deliver : NULL;
	j->u.call.h = h;
	j->u.call.in = in;
	j->arg = arg;
	return store_submit(s, j);
}

uint32_t store_limit(uint32_t limit)
{
	if (!limit)
		return STORE_LIMIT_DEFAULT;
	return limit > STORE_LIMIT_MAX ? STORE_LIMIT_MAX : limit;
}

int store_submit(struct store *s, struct store_job *j)
{
	int err = 0;

	if (!s) {
		mem_deref(j);
		return EINVAL;
	}
	pthread_mutex_lock(&s->lock);
	if (s->closed) {
		err = ESHUTDOWN;
	} else if (s->stats.pending >= s->cfg.queue_max) {
		err = EBUSY;
	} else {
		j->seq = ++s->seq;
		j->next = NULL;
		if (s->qtail)
			s->qtail->next = j;
		else
			s->qhead = j;
		s->qtail = j;
		s->stats.pending++;
		pthread_cond_signal(&s->work_cond);
	}
	pthread_mutex_unlock(&s->lock);

	if (err == EBUSY)
		HL_DEBUG(STORE_LOG, "%s: queue full (%u pending)", s->path,
		         s->cfg.queue_max);
	if (err)
		mem_deref(j);
	return err;
}

/* --- worker -------------------------------------------------------------- */

/* Run the writes of the batch in one transaction.  A statement that fails
 * alone fails its job only; one that aborted the transaction (or a failed
 * COMMIT) fails every write of the batch, since none of them is durable. */
static void run_writes(struct store *s, struct store_job *batch)
{
	struct store_conn *c = s->wconn;
	struct store_job *j;
	int err;

	err = store_conn_begin(c);
	for (j = batch; j && !err; j = j->next) {
		if (!ops[j->op].write)
			continue;
		j->err = ops[j->op].exec(c, j);
		if (j->err && !store_conn_in_txn(c)) {
			HL_ERROR(STORE_LOG,
			         "%s: transaction aborted; the batch fails",
			         s->path);
			err = j->err;
		}
	}
	if (!err)
		err = store_conn_commit(c);
	if (!err)
		return;

	store_conn_rollback(c);
	for (j = batch; j; j = j->next) {
		if (ops[j->op].write && !j->err)
			j->err = err;
	}
}

static void run_batch(struct store *s, struct store_job *batch, uint32_t n)
{
	struct store_job *j, *next, *cb_head = NULL, *cb_tail = NULL;
	struct store_job *free_head = NULL;
	bool has_writes = false, push = false;
	uint64_t last_seq = 0;

	for (j = batch; j; j = j->next)
		has_writes |= ops[j->op].write;
	if (has_writes)
		run_writes(s, batch);
	/* Reads after the COMMIT: they see the batch, and never see a change
	 * that a failed COMMIT then took back. */
	for (j = batch; j; j = j->next) {
		if (!ops[j->op].write)
			j->err = ops[j->op].exec(s->wconn, j);
	}

	pthread_mutex_lock(&s->lock);
	for (j = batch; j; j = next) {
		next = j->next;
		j->next = NULL;
		last_seq = j->seq;
		if (j->err) {
			s->stats.failed++;
			s->last_err = j->err;
			s->err_seq = j->seq;
		} else if (ops[j->op].write) {
			s->stats.committed++;
		}
		if (job_has_callback(j)) {
			if (cb_tail)
				cb_tail->next = j;
			else
				cb_head = j;
			cb_tail = j;
		} else {
			j->next = free_head;
			free_head = j;
		}
	}
	if (cb_head) {
		if (s->ctail)
			s->ctail->next = cb_head;
		else
			s->chead = cb_head;
		s->ctail = cb_tail;
		if (!s->wake_pending && s->mq) {
			s->wake_pending = true;
			push = true;
		}
	}
	s->done_seq = last_seq;
	s->stats.pending -= n;
	if (has_writes)
		s->stats.batches++;
	if (n > s->stats.batch_peak)
		s->stats.batch_peak = n;
	pthread_cond_broadcast(&s->done_cond);
	pthread_mutex_unlock(&s->lock);

	if (push) {
		int err = mqueue_push(s->mq, 0, NULL);
		if (err) {
			/* Cannot happen with one message in flight; if it
			 * does, the next flush or close still delivers. */
			HL_ERROR(STORE_LOG, "%s: cannot wake the loop: %s",
			         s->path, strerror(err));
			pthread_mutex_lock(&s->lock);
			s->wake_pending = false;
			pthread_mutex_unlock(&s->lock);
		}
	}
	for (j = free_head; j; j = next) {
		next = j->next;
		mem_deref(j);
	}
}

static void *worker_main(void *arg)
{
	struct store *s = arg;

	for (;;) {
		struct store_job *batch, *j;
		uint32_t n = 0;

		pthread_mutex_lock(&s->lock);
		while (!s->qhead && !s->stopping)
			pthread_cond_wait(&s->work_cond, &s->lock);
		if (!s->qhead) { /* stopping and nothing left */
			pthread_mutex_unlock(&s->lock);
			break;
		}
		batch = j = s->qhead;
		for (n = 1; j->next && n < s->cfg.batch_max; n++)
			j = j->next;
		s->qhead = j->next;
		if (!s->qhead)
			s->qtail = NULL;
		j->next = NULL;
		pthread_mutex_unlock(&s->lock);

		run_batch(s, batch, n);
	}
	return NULL;
}

/* --- the way back -------------------------------------------------------- */

/* Run the callbacks of every finished job, on the calling (owner) thread. */
static void deliver(struct store *s)
{
	struct store_job *j, *next;

	pthread_mutex_lock(&s->lock);
	j = s->chead;
	s->chead = s->ctail = NULL;
	pthread_mutex_unlock(&s->lock);

	if (!j)
		return;
	/* A callback may release the store (mem_deref): hold it until the
	 * last callback has run. */
	mem_ref(s);
	for (; j; j = next) {
		next = j->next;
		if (ops[j->op].deliver)
			ops[j->op].deliver(j);
		else if (j->cb.done)
			j->cb.done(j->err, j->arg);
		mem_deref(j);
	}
	mem_deref(s);
}

static void mq_handler(int id, void *data, void *arg)
{
	struct store *s = arg;
	(void)id;
	(void)data;

	pthread_mutex_lock(&s->lock);
	s->wake_pending = false;
	pthread_mutex_unlock(&s->lock);
	deliver(s);
}

static void drop_completions(struct store *s)
{
	struct store_job *j, *next;

	for (j = s->chead; j; j = next) {
		next = j->next;
		mem_deref(j);
	}
	s->chead = s->ctail = NULL;
}

/* --- open and close ------------------------------------------------------ */

static void stop_worker(struct store *s)
{
	if (!s->worker_started)
		return;
	pthread_mutex_lock(&s->lock);
	s->closed = true;
	s->stopping = true;
	pthread_cond_signal(&s->work_cond);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->worker, NULL);
	s->worker_started = false;
}

static void store_destructor(void *arg)
{
	struct store *s = arg;

	stop_worker(s); /* commits what is queued; runs no callback */
	if (s->sync_init) {
		drop_completions(s);
		pthread_mutex_destroy(&s->lock);
		pthread_mutex_destroy(&s->rlock);
		pthread_cond_destroy(&s->work_cond);
		pthread_cond_destroy(&s->done_cond);
	}
	mem_deref(s->mq);
	mem_deref(s->wconn);
	mem_deref(s->rconn);
	mem_deref(s->path);
}

int store_open(struct store **sp, const char *path, char *err, size_t errsz)
{
	return store_open_cfg(sp, path, NULL, err, errsz);
}

int store_open_cfg(struct store **sp, const char *path,
                   const struct store_cfg *cfg, char *err, size_t errsz)
{
	char msg[512] = "";
	struct store *s;
	int e;

	if (err && errsz)
		err[0] = '\0';
	if (!sp || !path || !*path) {
		snprintf(err ? err : msg, err ? errsz : sizeof(msg),
		         "store: no database path");
		return EINVAL;
	}

	s = mem_zalloc(sizeof(*s), store_destructor);
	if (!s)
		return ENOMEM;
	if (cfg)
		s->cfg = *cfg;
	if (!s->cfg.queue_max)
		s->cfg.queue_max = STORE_QUEUE_MAX;
	if (!s->cfg.batch_max)
		s->cfg.batch_max = STORE_BATCH_MAX;
	if (!s->cfg.busy_timeout_ms)
		s->cfg.busy_timeout_ms = 5000;
	s->owner = pthread_self();

	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->rlock, NULL);
	pthread_cond_init(&s->work_cond, NULL);
	pthread_cond_init(&s->done_cond, NULL);
	s->sync_init = true;

	e = str_dup(&s->path, path);
	if (e)
		goto out;
	e = store_conn_open(&s->wconn, path, &s->cfg, false, msg, sizeof(msg));
	if (e)
		goto out;
	e = store_migrate(s->wconn, store_schema_latest(), msg, sizeof(msg));
	if (e)
		goto out;
	e = mqueue_alloc(&s->mq, mq_handler, s);
	if (e) {
		snprintf(msg, sizeof(msg), "%s: cannot create the mqueue: %s",
		         path, strerror(e));
		goto out;
	}
	e = pthread_create(&s->worker, NULL, worker_main, s);
	if (e) {
		snprintf(msg, sizeof(msg), "%s: cannot start the worker: %s",
		         path, strerror(e));
		goto out;
	}
	s->worker_started = true;
	HL_DEBUG(STORE_LOG, "%s: open (schema %u, synchronous=%s)", path,
	         store_schema_latest(),
	         s->cfg.sync == STORE_SYNC_NORMAL ? "NORMAL" : "FULL");

out:
	if (e) {
		if (!msg[0])
			snprintf(msg, sizeof(msg), "%s: %s", path, strerror(e));
		HL_ERROR(STORE_LOG, "%s", msg);
		if (err && errsz)
			snprintf(err, errsz, "%s", msg);
		mem_deref(s);
	} else {
		*sp = s;
	}
	return e;
}

void store_close(struct store *s)
{
	if (!s || !s->worker_started)
		return;
	stop_worker(s);
	deliver(s);
	pthread_mutex_lock(&s->rlock);
	s->rconn = mem_deref(s->rconn);
	pthread_mutex_unlock(&s->rlock);
	/* Optimize and checkpoint now rather than on a later open. */
	(void)sqlite3_exec(s->wconn->db, "PRAGMA optimize", NULL, NULL, NULL);
	s->wconn = mem_deref(s->wconn);
	s->mq = mem_deref(s->mq);
}

int store_flush_sync(struct store *s)
{
	uint64_t target;
	int err = 0;

	if (!s)
		return EINVAL;
	pthread_mutex_lock(&s->lock);
	if (s->closed) {
		pthread_mutex_unlock(&s->lock);
		return ESHUTDOWN;
	}
	target = s->seq;
	while (s->done_seq < target)
		pthread_cond_wait(&s->done_cond, &s->lock);
	if (s->err_seq > s->flush_mark)
		err = s->last_err;
	if (target > s->flush_mark)
		s->flush_mark = target;
	pthread_mutex_unlock(&s->lock);

	if (pthread_equal(pthread_self(), s->owner))
		deliver(s);
	return err;
}

void store_stats(struct store *s, struct store_stats *st)
{
	if (!s || !st)
		return;
	pthread_mutex_lock(&s->lock);
	*st = s->stats;
	pthread_mutex_unlock(&s->lock);
}

int store_read_sync(struct store *s,
                    int (*fn)(struct store_conn *c, const void *f, void **vp,
                              size_t *np),
                    const void *f, void **vp, size_t *np)
{
	char msg[512];
	int err;

	if (!s || !f || !vp || !np)
		return EINVAL;
	*vp = NULL;
	*np = 0;
	pthread_mutex_lock(&s->rlock);
	pthread_mutex_lock(&s->lock);
	err = s->closed ? ESHUTDOWN : 0;
	pthread_mutex_unlock(&s->lock);
	if (err)
		goto out;
	if (!s->rconn) {
		err = store_conn_open(&s->rconn, s->path, &s->cfg, true, msg,
		                      sizeof(msg));
		if (err) {
			HL_ERROR(STORE_LOG, "reader: %s", msg);
			goto out;
		}
	}
	err = fn(s->rconn, f, vp, np);
out:
	pthread_mutex_unlock(&s->rlock);
	return err;
}
