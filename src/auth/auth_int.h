/**
 * @file auth_int.h  Private to src/auth, grouped by the file that defines
 * each part.
 *
 * Ownership: auth ── users (struct user, mem objects, in a list and a hash
 * by tenant/name) ── sessions (struct sess, mem objects, in a hash by token
 * digest; the hash holds one reference) ── the worker (pw.c) ── jobs.
 * A job holds references to the users it works on and to its caller's arg.
 */
#ifndef HOTLINE_AUTH_INT_H
#define HOTLINE_AUTH_INT_H

#include <pthread.h>

#include <re.h>

#include "auth/auth.h"

#define PW_HASH_LEN   128 /* crypto_pwhash_STRBYTES */
#define PW_CANDIDATES 8   /* users of one name across tenants tried at once */

/** A user: the public part first, so a struct auth_user * is the user. */
struct user {
	struct auth_user u;
	struct le le;           /* in auth->users */
	char hash[PW_HASH_LEN]; /* "" until hashed */
	char *plain;            /* owning: a password waiting for its hash;
	                           wiped when hashed */
	bool deleted;
};

/** A session or API key: the public part first (mem_ref works on it). */
struct sess {
	struct auth_session s;
	struct le he;       /* in auth->sessions, by digest */
	uint64_t persisted; /* the expiry the store has */
};

/* --- pw.c: the password worker ------------------------------------------ */

struct pw;

enum pw_op {
	PW_HASH = 0, /* cand[0].plain -> cand[0].hash */
	PW_VERIFY,   /* password against every candidate (hashing plains) */
};

struct pw_cand {
	struct user *user;      /* reference */
	char hash[PW_HASH_LEN]; /* in (or "" with plain), out */
	char *plain;            /* in: malloc'd copy, wiped and freed */
	bool hashed;            /* out: hash was made from plain */
	bool ok;                /* out: the password matched */
};

struct pw_job {
	struct le le;
	enum pw_op op;
	char *password; /* malloc'd, wiped and freed */
	struct pw_cand cand[PW_CANDIDATES];
	size_t ncand;
	int err;
	void (*done)(struct pw_job *job); /* on the loop */
	struct auth *auth;
	void *arg; /* a mem reference, or NULL */
	/* what the caller needs afterwards */
	char src[64];
	void *h;
	char *tenant, *username, *name, *language, *agent;
	enum auth_role role;
};

int pw_alloc(struct pw **pwp);
/** Allocate a job (references released by its destructor). */
struct pw_job *pw_job_alloc(enum pw_op op);
/** Queue a job (urgent: at the front).  The worker runs it, then done()
 *  runs on the loop.  Takes the reference of job. */
int pw_submit(struct pw *pw, struct pw_job *job, bool urgent);
uint32_t pw_pending(const struct pw *pw);

#endif
