/**
 * @file pw.c  The password worker: one thread doing the slow Argon2 work,
 * so the loop never waits for it.
 *
 * Jobs wait in a list under a mutex (sign-ins at the front, background
 * hashing at the back); the worker takes one at a time, and finished jobs
 * go to a done list that the loop drains when the mqueue wakes it.  One
 * thread is enough: a sign-in costs ~60 ms, so 16 per second.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/auth_int.h"
#include "core/core.h"

struct pw {
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct list todo; /* struct pw_job, owning */
	struct list done; /* struct pw_job, owning */
	bool stop;
	bool woken;        /* an mqueue message is on its way */
	uint32_t npending; /* todo + running */
	struct mqueue *mq;
};

static void wipe(char **p)
{
	if (*p) {
		sodium_memzero(*p, strlen(*p));
		free(*p);
		*p = NULL;
	}
}

static void job_destructor(void *arg)
{
	struct pw_job *job = arg;

	list_unlink(&job->le);
	wipe(&job->password);
	for (size_t i = 0; i < job->ncand; i++) {
		wipe(&job->cand[i].plain);
		sodium_memzero(job->cand[i].hash, sizeof(job->cand[i].hash));
		mem_deref(job->cand[i].user);
	}
	mem_deref(job->arg);
	mem_deref(job->tenant);
	mem_deref(job->username);
	mem_deref(job->name);
	mem_deref(job->language);
	mem_deref(job->agent);
}

struct pw_job *pw_job_alloc(enum pw_op op)
{
	struct pw_job *job = mem_zalloc(sizeof(*job), job_destructor);

	if (job)
		job->op = op;
	return job;
}

int auth_pwhash(const char *password, char *out, size_t outsz)
{
	if (!password || !out || outsz < crypto_pwhash_STRBYTES)
		return EINVAL;
	if (sodium_init() < 0)
		return ENOSYS;
	if (crypto_pwhash_str(out, password, strlen(password),
	                      crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE))
		return ENOMEM; /* the only failure: no memory for Argon2 */
	return 0;
}

/* On the worker. */
static void run(struct pw_job *job)
{
	for (size_t i = 0; i < job->ncand && !job->err; i++) {
		struct pw_cand *c = &job->cand[i];

		if (!c->hash[0] && c->plain) {
			job->err =
			    auth_pwhash(c->plain, c->hash, sizeof(c->hash));
			c->hashed = !job->err;
			wipe(&c->plain);
		}
		if (job->op == PW_VERIFY && c->hash[0] && job->password)
			c->ok = !crypto_pwhash_str_verify(
			    c->hash, job->password, strlen(job->password));
	}
	wipe(&job->password);
}

static void *worker(void *arg)
{
	struct pw *pw = arg;

	pthread_mutex_lock(&pw->lock);
	for (;;) {
		struct pw_job *job;
		bool wake;

		while (!pw->stop && !pw->todo.head)
			pthread_cond_wait(&pw->cond, &pw->lock);
		if (pw->stop)
			break;
		job = pw->todo.head->data;
		list_unlink(&job->le);
		pthread_mutex_unlock(&pw->lock);

		run(job);

		pthread_mutex_lock(&pw->lock);
		list_append(&pw->done, &job->le, job);
		--pw->npending;
		wake = !pw->woken;
		pw->woken = true;
		if (wake)
			(void)mqueue_push(pw->mq, 0, NULL);
	}
	pthread_mutex_unlock(&pw->lock);
	return NULL;
}

/* On the loop: run the done handlers of every finished job. */
static void mq_handler(int id, void *data, void *arg)
{
	struct pw *pw = arg;
	struct list done = LIST_INIT;

	(void)id;
	(void)data;
	pthread_mutex_lock(&pw->lock);
	pw->woken = false;
	while (pw->done.head) {
		struct pw_job *job = pw->done.head->data;

		list_unlink(&job->le);
		list_append(&done, &job->le, job);
	}
	pthread_mutex_unlock(&pw->lock);

	while (done.head) {
		struct pw_job *job = done.head->data;

		list_unlink(&job->le);
		if (job->done)
			job->done(job);
		mem_deref(job);
	}
}

static void pw_destructor(void *arg)
{
	struct pw *pw = arg;

	if (pw->started) {
		pthread_mutex_lock(&pw->lock);
		pw->stop = true;
		pthread_cond_signal(&pw->cond);
		pthread_mutex_unlock(&pw->lock);
		pthread_join(pw->thread, NULL);
	}
	/* Unfinished work is dropped: jobs release what they hold, no
	 * handler runs. */
	list_flush(&pw->todo);
	list_flush(&pw->done);
	mem_deref(pw->mq);
	pthread_cond_destroy(&pw->cond);
	pthread_mutex_destroy(&pw->lock);
}

int pw_alloc(struct pw **pwp)
{
	struct pw *pw;
	int err;

	if (sodium_init() < 0)
		return ENOSYS;
	pw = mem_zalloc(sizeof(*pw), pw_destructor);
	if (!pw)
		return ENOMEM;
	pthread_mutex_init(&pw->lock, NULL);
	pthread_cond_init(&pw->cond, NULL);

	err = mqueue_alloc(&pw->mq, mq_handler, pw);
	if (err)
		goto out;
	err = pthread_create(&pw->thread, NULL, worker, pw);
	if (err)
		goto out;
	pw->started = true;
	pthread_setname_np(pw->thread, "hl-pwhash");

out:
	if (err)
		mem_deref(pw);
	else
		*pwp = pw;
	return err;
}

int pw_submit(struct pw *pw, struct pw_job *job, bool urgent)
{
	if (!pw || !job) {
		mem_deref(job);
		return EINVAL;
	}
	pthread_mutex_lock(&pw->lock);
	if (urgent)
		list_prepend(&pw->todo, &job->le, job);
	else
		list_append(&pw->todo, &job->le, job);
	++pw->npending;
	pthread_cond_signal(&pw->cond);
	pthread_mutex_unlock(&pw->lock);
	return 0;
}

uint32_t pw_pending(const struct pw *pw)
{
	return pw ? __atomic_load_n(&pw->npending, __ATOMIC_RELAXED) : 0;
}
