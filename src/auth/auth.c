/**
 * @file auth.c  Users, sign-in, sessions and API keys.
 *
 * A sign-in never blocks the loop: the password goes to the worker (pw.c)
 * with every user of that name as a candidate (one per tenant, or the one
 * of the tenant named), and the answer comes back as a job.  An unknown
 * name is checked against a dummy hash, so it takes as long as a wrong
 * password and does not tell which names exist.
 *
 * Failed sign-ins are counted per source IP in a token bucket (10 at once,
 * then one every 6 s); a source without tokens is refused at once with
 * EAGAIN, before any hashing, so guessing costs the guesser time and the
 * daemon nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "auth/auth_int.h"
#include "center/center.h"
#include "core/core.h"
#include "store/store.h"

#define LIMIT_BURST     10.0 /* failed sign-ins at once per IP */
#define LIMIT_REFILL_MS 6000 /* then one more every 6 s */
#define LIMIT_MAX       4096 /* sources tracked before forgetting idle ones */
#define PENDING_MAX     64   /* sign-ins waiting for the worker */

/* A valid Argon2id hash of a random password nobody knows: unknown names
 * are verified against it (same cost as a real user). */
static const char dummy_hash[] =
    "$argon2id$v=19$m=65536,t=2,p=1$Lh5jK+8O9g17ekJUaprZsA$"
    "ToquNAzh6ldkkPapWFSvel6cE+3qka61OMuLp7XPGEY";

struct limit {
	struct le he;
	char ip[64];
	double tokens;
	uint64_t last; /* ms */
};

struct auth {
	const struct center *center; /* borrowed */
	struct store *store;         /* borrowed, may be NULL */
	uint64_t ttl_ms;
	struct list users;     /* struct user, owning */
	struct hash *sessions; /* struct sess by digest, one reference each */
	struct hash *limits;   /* struct limit by IP, owning */
	uint32_t nlimits;
	struct pw *pw; /* owning */
	uint32_t nsessions, napikeys;
	uint32_t hashes_pending;
	uint32_t hashes_total; /* plain passwords of the center file */
	uint64_t started;      /* hl_mono_ms() at auth_alloc() */
	uint32_t logins_pending;
	uint64_t logins_ok, logins_failed, logins_limited;
};

/* --- names ------------------------------------------------------------------
 */

const char *auth_role_name(enum auth_role role)
{
	switch (role) {
	case AUTH_ROLE_AGENT:
		return "agent";
	case AUTH_ROLE_SUPERVISOR:
		return "supervisor";
	case AUTH_ROLE_ADMIN:
		return "admin";
	case AUTH_ROLE_UNIT:
		return "unit";
	case AUTH_ROLE_OPERATOR:
		return "operator";
	default:
		return "none";
	}
}

enum auth_role auth_role_parse(const char *s)
{
	if (!s)
		return AUTH_ROLE_NONE;
	if (!strcmp(s, "agent"))
		return AUTH_ROLE_AGENT;
	if (!strcmp(s, "supervisor"))
		return AUTH_ROLE_SUPERVISOR;
	if (!strcmp(s, "admin"))
		return AUTH_ROLE_ADMIN;
	if (!strcmp(s, "unit"))
		return AUTH_ROLE_UNIT;
	if (!strcmp(s, "operator"))
		return AUTH_ROLE_OPERATOR;
	return AUTH_ROLE_NONE;
}

static bool valid_language(const char *s)
{
	return s && (!strcmp(s, "zh") || !strcmp(s, "ko") || !strcmp(s, "en"));
}

static bool valid_name(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (!n || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.'))
			return false;
	}
	return true;
}

/* --- users ------------------------------------------------------------------
 */

static void wipe_plain(struct user *u)
{
	if (u->plain) {
		sodium_memzero(u->plain, strlen(u->plain));
		u->plain = mem_deref(u->plain);
	}
}

static void user_destructor(void *arg)
{
	struct user *u = arg;

	list_unlink(&u->le);
	wipe_plain(u);
	sodium_memzero(u->hash, sizeof(u->hash));
	mem_deref(u->u.tenant);
	mem_deref(u->u.username);
	mem_deref(u->u.agent);
	mem_deref(u->u.name);
	mem_deref(u->u.language);
}

static struct user *user_new(struct auth *a, const char *tenant,
                             const char *username, enum auth_role role,
                             const char *agent, const char *name,
                             const char *language)
{
	struct user *u = mem_zalloc(sizeof(*u), user_destructor);

	if (!u)
		return NULL;
	u->u.role = role;
	if (str_dup(&u->u.tenant, tenant) ||
	    str_dup(&u->u.username, username) ||
	    (agent && str_dup(&u->u.agent, agent)) ||
	    (name && str_dup(&u->u.name, name)) ||
	    (language && str_dup(&u->u.language, language)))
		return mem_deref(u);
	list_append(&a->users, &u->le, u);
	return u;
}

static struct user *user_find(const struct auth *a, const char *tenant,
                              const char *username)
{
	for (struct le *le = a->users.head; le; le = le->next) {
		struct user *u = le->data;

		if (!strcmp(u->u.username, username) &&
		    (!tenant || !strcmp(u->u.tenant, tenant)))
			return u;
	}
	return NULL;
}

const struct auth_user *auth_user_find(const struct auth *a, const char *tenant,
                                       const char *username)
{
	struct user *u;

	if (!a || !tenant || !username)
		return NULL;
	u = user_find(a, tenant, username);
	return u ? &u->u : NULL;
}

void auth_user_foreach(const struct auth *a, const char *tenant,
                       bool (*h)(const struct auth_user *u, void *arg),
                       void *arg)
{
	if (!a || !h)
		return;
	for (struct le *le = a->users.head; le; le = le->next) {
		struct user *u = le->data;

		if (tenant && strcmp(u->u.tenant, tenant))
			continue;
		if (h(&u->u, arg))
			break;
	}
}

int auth_user_set_language(struct auth *a, const struct auth_user *cu,
                           const char *language)
{
	struct user *u = (struct user *)cu;
	char *l;

	if (!a || !u || !valid_language(language))
		return EINVAL;
	if (str_dup(&l, language))
		return ENOMEM;
	mem_deref(u->u.language);
	u->u.language = l;
	if (a->store) {
		int err = store_pref_put(a->store,
		                         &(struct store_pref){
		                             .tenant = u->u.tenant,
		                             .username = u->u.username,
		                             .language = l,
		                         },
		                         NULL, NULL);
		if (err)
			HL_WARN("auth", "language of %s@%s not stored: %s",
			        u->u.username, u->u.tenant, strerror(err));
	}
	return 0;
}

/* --- sessions ------------------------------------------------------------- */

static void sess_destructor(void *arg)
{
	struct sess *s = arg;

	hash_unlink(&s->he);
	mem_deref(s->s.tenant);
	mem_deref(s->s.username);
	mem_deref(s->s.agent);
}

static bool sess_cmp(struct le *le, void *arg)
{
	struct sess *s = le->data;

	return !strcmp(s->s.hash, arg);
}

static struct sess *sess_find(const struct auth *a, const char *digest)
{
	struct le *le = hash_lookup(a->sessions, hash_joaat_str(digest),
	                            sess_cmp, (void *)digest);

	return le ? le->data : NULL;
}

void auth_key_digest(const char *token, char out[AUTH_HASH_TEXT])
{
	uint8_t d[32];

	crypto_generichash(d, sizeof(d), (const uint8_t *)token, strlen(token),
	                   NULL, 0);
	sodium_bin2hex(out, AUTH_HASH_TEXT, d, sizeof(d));
}

static struct sess *sess_add(struct auth *a, const char *digest,
                             const char *tenant, const char *username,
                             enum auth_role role, const char *agent,
                             bool apikey, uint64_t created, uint64_t expires)
{
	struct sess *s = mem_zalloc(sizeof(*s), sess_destructor);

	if (!s)
		return NULL;
	str_ncpy(s->s.hash, digest, sizeof(s->s.hash));
	str_ncpy(s->s.id, digest, sizeof(s->s.id));
	s->s.role = role;
	s->s.apikey = apikey;
	s->s.created = created;
	s->s.expires = expires;
	s->persisted = expires;
	if (str_dup(&s->s.tenant, tenant) ||
	    str_dup(&s->s.username, username) ||
	    (agent && str_dup(&s->s.agent, agent)))
		return mem_deref(s);
	hash_append(a->sessions, hash_joaat_str(digest), &s->he, s);
	if (apikey)
		a->napikeys++;
	else
		a->nsessions++;
	return s;
}

/* Drop from the table (holders keep their references). */
static void sess_drop(struct auth *a, struct sess *s, bool forget)
{
	if (s->s.revoked)
		return;
	s->s.revoked = true;
	if (s->s.apikey)
		a->napikeys--;
	else
		a->nsessions--;
	if (forget && a->store) {
		int err = store_token_delete(a->store, s->s.hash, NULL, NULL);
		if (err)
			HL_WARN("auth", "revoked token not forgotten: %s",
			        strerror(err));
	}
	hash_unlink(&s->he);
	mem_deref(s);
}

static int token_new(struct auth *a, const char *tenant, const char *username,
                     enum auth_role role, const char *agent, bool apikey,
                     const char *name, char text[AUTH_TOKEN_TEXT],
                     struct sess **sp)
{
	uint8_t raw[32];
	char digest[AUTH_HASH_TEXT];
	uint64_t now = hl_wall_ms();
	uint64_t expires = apikey ? 0 : now + a->ttl_ms;
	struct sess *s;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(text, AUTH_TOKEN_TEXT, raw, sizeof(raw),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	auth_key_digest(text, digest);

	s = sess_add(a, digest, tenant, username, role, agent, apikey, now,
	             expires);
	if (!s)
		return ENOMEM;
	if (a->store) {
		int err =
		    store_token_put(a->store,
		                    &(struct store_token){
		                        .hash = digest,
		                        .tenant = tenant,
		                        .username = username,
		                        .kind = apikey ? "apikey" : "session",
		                        .role = auth_role_name(role),
		                        .agent = agent,
		                        .name = name,
		                        .created = now,
		                        .expires = expires,
		                    },
		                    NULL, NULL);
		if (err)
			HL_WARN("auth",
			        "token of %s@%s not stored (it ends with "
			        "this run): %s",
			        username, tenant, strerror(err));
	}
	*sp = s;
	return 0;
}

int auth_token_check(struct auth *a, const char *token,
                     struct auth_session **sp)
{
	char digest[AUTH_HASH_TEXT];
	struct sess *s;
	uint64_t now;

	if (!a || !token || !sp)
		return EINVAL;
	if (strlen(token) >= 128)
		return ENOENT;
	auth_key_digest(token, digest);
	s = sess_find(a, digest);
	if (!s)
		return ENOENT;
	if (!s->s.expires) {
		*sp = &s->s;
		return 0;
	}
	now = hl_wall_ms();
	if (now >= s->s.expires) {
		sess_drop(a, s, true);
		return ETIMEDOUT;
	}
	/* Idle expiry moves on with use; the store hears of it now and
	 * then, not on every request. */
	s->s.expires = now + a->ttl_ms;
	if (a->store && s->s.expires - s->persisted > a->ttl_ms / 12) {
		s->persisted = s->s.expires;
		(void)store_token_touch(a->store, s->s.hash, s->s.expires, NULL,
		                        NULL);
	}
	*sp = &s->s;
	return 0;
}

void auth_revoke(struct auth *a, struct auth_session *as)
{
	if (!a || !as || as->from_center) /* the file's keys stay */
		return;
	sess_drop(a, (struct sess *)as, true);
}

const struct auth_user *auth_session_user(const struct auth *a,
                                          const struct auth_session *s)
{
	if (!a || !s || s->apikey)
		return NULL;
	return auth_user_find(a, s->tenant, s->username);
}

/* --- the per-source limit ---------------------------------------------------
 */

static bool limit_cmp(struct le *le, void *arg)
{
	struct limit *l = le->data;

	return !strcmp(l->ip, arg);
}

static void limit_refill(struct limit *l, uint64_t now)
{
	l->tokens += (double)(now - l->last) / LIMIT_REFILL_MS;
	if (l->tokens > LIMIT_BURST)
		l->tokens = LIMIT_BURST;
	l->last = now;
}

static bool limit_forget(struct le *le, void *arg)
{
	struct limit *l = le->data;
	struct auth *a = arg;

	limit_refill(l, hl_mono_ms());
	if (l->tokens >= LIMIT_BURST) {
		hash_unlink(&l->he);
		mem_deref(l);
		a->nlimits--;
	}
	return false;
}

/* Seconds until src may try again, 0 if it may now. */
static uint32_t limit_wait(struct auth *a, const char *ip)
{
	struct le *le =
	    hash_lookup(a->limits, hash_joaat_str(ip), limit_cmp, (void *)ip);
	struct limit *l;

	if (!le)
		return 0;
	l = le->data;
	limit_refill(l, hl_mono_ms());
	if (l->tokens >= 1.0)
		return 0;
	return (uint32_t)((1.0 - l->tokens) * LIMIT_REFILL_MS / 1000.0) + 1;
}

static void limit_fail(struct auth *a, const char *ip)
{
	struct le *le =
	    hash_lookup(a->limits, hash_joaat_str(ip), limit_cmp, (void *)ip);
	struct limit *l;

	if (!le) {
		if (a->nlimits >= LIMIT_MAX)
			hash_apply(a->limits, limit_forget, a);
		l = mem_zalloc(sizeof(*l), NULL);
		if (!l)
			return;
		str_ncpy(l->ip, ip, sizeof(l->ip));
		l->tokens = LIMIT_BURST;
		l->last = hl_mono_ms();
		hash_append(a->limits, hash_joaat_str(ip), &l->he, l);
		a->nlimits++;
	} else {
		l = le->data;
	}
	limit_refill(l, hl_mono_ms());
	l->tokens -= 1.0;
	if (l->tokens < 1.0)
		HL_INFO("auth",
		        "sign-ins from %s refused for a while: too many "
		        "failures",
		        ip);
}

/* --- sign-in ------------------------------------------------------------- */

static void hashed(struct auth *a, struct pw_cand *c)
{
	struct user *u = c->user;

	if (!u || !c->hashed || u->hash[0])
		return;
	memcpy(u->hash, c->hash, sizeof(u->hash));
	if (u->plain) {
		wipe_plain(u);
		if (!u->u.automatic)
			a->hashes_pending--;
	}
}

static void login_done(struct pw_job *job)
{
	struct auth *a = job->auth;
	auth_login_h *h = (auth_login_h *)job->h;
	struct user *match = NULL;
	char token[AUTH_TOKEN_TEXT];
	struct sess *s = NULL;
	unsigned n = 0;
	int err;

	a->logins_pending--;
	for (size_t i = 0; i < job->ncand; i++) {
		struct pw_cand *c = &job->cand[i];

		hashed(a, c);
		if (c->ok && c->user && !c->user->deleted) {
			match = c->user;
			n++;
		}
	}

	if (job->err) {
		err = job->err;
	} else if (!n) {
		err = EACCES;
		a->logins_failed++;
		limit_fail(a, job->src);
		HL_INFO("auth",
		        "sign-in of '%s' from %s refused: wrong name or "
		        "password",
		        job->username, job->src);
	} else if (n > 1) {
		err = EINVAL;
	} else {
		err = token_new(a, match->u.tenant, match->u.username,
		                match->u.role, match->u.agent, false, NULL,
		                token, &s);
		if (!err) {
			a->logins_ok++;
			HL_INFO("auth", "%s@%s (%s) signed in from %s",
			        match->u.username, match->u.tenant,
			        auth_role_name(match->u.role), job->src);
		}
	}
	h(err, err ? NULL : token, err ? NULL : &s->s, err ? NULL : &match->u,
	  0, job->arg);
	sodium_memzero(token, sizeof(token));
}

int auth_login(struct auth *a, const char *tenant, const char *username,
               const char *password, const struct sa *src, auth_login_h *h,
               void *arg)
{
	char name[80], tbuf[80], ip[64] = "?";
	const char *at;
	struct pw_job *job;
	uint32_t wait;
	size_t plen;

	if (!a || !username || !password || !h)
		return EINVAL;
	plen = strlen(password);
	if (!*username || !plen || plen > AUTH_PW_MAX ||
	    strlen(username) >= sizeof(name))
		return EINVAL;
	str_ncpy(name, username, sizeof(name));
	at = strchr(name, '@');
	if (at && !tenant) {
		str_ncpy(tbuf, at + 1, sizeof(tbuf));
		name[at - name] = '\0';
		tenant = tbuf;
	}
	if (src)
		(void)sa_ntop(src, ip, sizeof(ip));

	wait = limit_wait(a, ip);
	if (wait) {
		a->logins_limited++;
		return EAGAIN;
	}
	if (a->logins_pending >= PENDING_MAX)
		return EBUSY;

	job = pw_job_alloc(PW_VERIFY);
	if (!job || !(job->password = strdup(password)) ||
	    str_dup(&job->username, name)) {
		mem_deref(job);
		return ENOMEM;
	}
	str_ncpy(job->src, ip, sizeof(job->src));
	for (struct le *le = a->users.head; le && job->ncand < PW_CANDIDATES;
	     le = le->next) {
		struct user *u = le->data;
		struct pw_cand *c;

		if (strcmp(u->u.username, name) ||
		    (tenant && strcmp(u->u.tenant, tenant)))
			continue;
		if (!u->hash[0] && !u->plain)
			continue; /* an API user still being made */
		c = &job->cand[job->ncand++];
		c->user = mem_ref(u);
		if (u->hash[0])
			memcpy(c->hash, u->hash, sizeof(c->hash));
		else if (!(c->plain = strdup(u->plain))) {
			mem_deref(job);
			return ENOMEM;
		}
	}
	if (!job->ncand) {
		job->ncand = 1;
		str_ncpy(job->cand[0].hash, dummy_hash,
		         sizeof(job->cand[0].hash));
	}
	job->auth = a;
	job->done = login_done;
	job->h = (void *)h;
	job->arg = mem_ref(arg);
	a->logins_pending++;
	return pw_submit(a->pw, job, true);
}

/* --- users made through the API ------------------------------------------ */

static void add_done(struct pw_job *job)
{
	struct auth *a = job->auth;
	auth_user_h *h = (auth_user_h *)job->h;
	struct user *u = job->cand[0].user;
	int err = job->err;

	if (!err && u->deleted)
		err = ENOENT;
	if (!err) {
		memcpy(u->hash, job->cand[0].hash, sizeof(u->hash));
		if (a->store)
			err = store_user_put(
			    a->store,
			    &(struct store_user){
			        .tenant = u->u.tenant,
			        .username = u->u.username,
			        .role = auth_role_name(u->u.role),
			        .agent = u->u.agent,
			        .language = u->u.language,
			        .name = u->u.name,
			        .password_hash = u->hash,
			    },
			    NULL, NULL);
	}
	if (err && !u->deleted) {
		u->deleted = true;
		list_unlink(&u->le);
		mem_deref(u); /* the list's reference */
	} else if (!err) {
		HL_INFO("auth", "user %s@%s (%s) added", u->u.username,
		        u->u.tenant, auth_role_name(u->u.role));
	}
	h(err, err ? NULL : &u->u, job->arg);
}

int auth_user_add(struct auth *a, const struct auth_user_new *n,
                  auth_user_h *done, void *arg)
{
	const struct center_tenant *ct;
	struct pw_job *job;
	struct user *u;
	size_t plen;

	if (!a || !n || !done || !n->tenant || !valid_name(n->username) ||
	    !n->password)
		return EINVAL;
	plen = strlen(n->password);
	if (!plen || plen > AUTH_PW_MAX)
		return EINVAL;
	ct = center_tenant(a->center, n->tenant);
	if (!ct || n->role == AUTH_ROLE_NONE || n->role == AUTH_ROLE_OPERATOR ||
	    (n->language && !valid_language(n->language)))
		return EINVAL;
	if ((n->role == AUTH_ROLE_AGENT) != (n->agent != NULL))
		return EINVAL;
	if (n->agent && !center_agent(ct, n->agent))
		return EINVAL;
	if (user_find(a, n->tenant, n->username))
		return EEXIST;

	u = user_new(a, n->tenant, n->username, n->role, n->agent, n->name,
	             n->language);
	if (!u)
		return ENOMEM;
	job = pw_job_alloc(PW_HASH);
	if (!job)
		goto nomem;
	job->ncand = 1;
	job->cand[0].user = mem_ref(u);
	if (!(job->cand[0].plain = strdup(n->password))) {
		mem_deref(job);
		goto nomem;
	}
	job->auth = a;
	job->done = add_done;
	job->h = (void *)done;
	job->arg = mem_ref(arg);
	return pw_submit(a->pw, job, true);

nomem:
	mem_deref(u);
	return ENOMEM;
}

struct user_match {
	const char *tenant, *username;
};

static bool sess_of_user(struct le *le, void *arg)
{
	struct sess *s = le->data;
	const struct user_match *m = arg;

	return !s->s.apikey && !strcmp(s->s.tenant, m->tenant) &&
	       !strcmp(s->s.username, m->username);
}

int auth_user_delete(struct auth *a, const char *tenant, const char *username)
{
	struct user_match m = {tenant, username};
	struct user *u;
	struct le *le;

	if (!a || !tenant || !username)
		return EINVAL;
	u = user_find(a, tenant, username);
	if (!u)
		return ENOENT;
	if (u->u.from_center)
		return EPERM;

	/* Its sessions end now (API keys are not the user's); the store
	 * drops them with the user. */
	while ((le = hash_apply(a->sessions, sess_of_user, &m)))
		sess_drop(a, le->data, false);

	u->deleted = true;
	HL_INFO("auth", "user %s@%s deleted", username, tenant);
	if (a->store)
		(void)store_user_delete(a->store, tenant, username, NULL, NULL);
	list_unlink(&u->le);
	mem_deref(u);
	return 0;
}

/* --- API keys --------------------------------------------------------------
 */

int auth_apikey_create(struct auth *a, const char *tenant, const char *name,
                       enum auth_role role, const char *agent,
                       char token[AUTH_TOKEN_TEXT],
                       const struct auth_session **sp)
{
	const struct center_tenant *ct;
	struct sess *s;
	int err;

	if (!a || !tenant || !token || !sp || role == AUTH_ROLE_NONE ||
	    role == AUTH_ROLE_OPERATOR)
		return EINVAL;
	ct = center_tenant(a->center, tenant);
	if (!ct || (role == AUTH_ROLE_AGENT) != (agent != NULL) ||
	    (agent && !center_agent(ct, agent)))
		return EINVAL;
	if (name && (!*name || strlen(name) > 64))
		return EINVAL;
	err = token_new(a, tenant, name ? name : "api-key", role, agent, true,
	                name, token, &s);
	if (err)
		return err;
	HL_INFO("auth", "API key %s of %s (%s) created", s->s.id, tenant,
	        auth_role_name(role));
	*sp = &s->s;
	return 0;
}

struct key_walk {
	const char *tenant;
	bool (*h)(const struct auth_session *s, void *arg);
	void *arg;
	const char *id;
	struct sess *found;
};

static bool key_apply(struct le *le, void *arg)
{
	struct sess *s = le->data;
	struct key_walk *w = arg;

	if (!s->s.apikey || strcmp(s->s.tenant, w->tenant))
		return false;
	if (w->id) {
		if (strcmp(s->s.id, w->id))
			return false;
		w->found = s;
		return true;
	}
	return w->h(&s->s, w->arg);
}

void auth_apikey_foreach(const struct auth *a, const char *tenant,
                         bool (*h)(const struct auth_session *s, void *arg),
                         void *arg)
{
	struct key_walk w = {.tenant = tenant, .h = h, .arg = arg};

	if (a && tenant && h)
		hash_apply(a->sessions, key_apply, &w);
}

int auth_apikey_delete(struct auth *a, struct auth_session *s)
{
	if (!a || !s || !s->apikey)
		return ENOENT;
	if (s->from_center)
		return EPERM;
	HL_INFO("auth", "API key %s of %s deleted", s->id, s->tenant);
	sess_drop(a, (struct sess *)s, true);
	return 0;
}

struct auth_session *auth_apikey_find(const struct auth *a, const char *tenant,
                                      const char *id)
{
	struct key_walk w = {.tenant = tenant, .id = id};

	if (!a || !tenant || !id)
		return NULL;
	hash_apply(a->sessions, key_apply, &w);
	return w.found ? &w.found->s : NULL;
}

/* --- figures ------------------------------------------------------------- */

void auth_stats(const struct auth *a, struct auth_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!a)
		return;
	st->users = list_count(&a->users);
	st->sessions = a->nsessions;
	st->apikeys = a->napikeys;
	st->logins_ok = a->logins_ok;
	st->logins_failed = a->logins_failed;
	st->logins_limited = a->logins_limited;
	st->hashes_pending = a->hashes_pending;
}

/* --- start -----------------------------------------------------------------
 */

static void hash_done(struct pw_job *job)
{
	struct auth *a = job->auth;
	uint32_t before = a->hashes_pending;

	hashed(a, &job->cand[0]);
	if (before && !a->hashes_pending)
		HL_INFO("auth",
		        "%u passwords of the center file hashed in %llu "
		        "ms (in the background)",
		        a->hashes_total,
		        (unsigned long long)(hl_mono_ms() - a->started));
}

/* The API keys of a tenant's api_keys: keys without expiry, never
 * stored (the file is their store) nor deletable through the API. */
static int load_keys(struct auth *a, const struct center_tenant *t)
{
	for (size_t j = 0; j < t->napikeys; j++) {
		const struct center_apikey *k = &t->apikeys[j];
		char digest[AUTH_HASH_TEXT];
		struct sess *s;

		if (k->key_hash)
			str_ncpy(digest, k->key_hash, sizeof(digest));
		else
			auth_key_digest(k->key, digest);
		if (sess_find(a, digest)) {
			HL_ERROR("auth",
			         "API key %s of %s (line %u): the same key is "
			         "declared for another tenant",
			         k->name, t->name, k->line);
			return EINVAL;
		}
		s = sess_add(a, digest, t->name, k->name,
		             auth_role_parse(k->role), k->agent, true, 0, 0);
		if (!s)
			return ENOMEM;
		s->s.from_center = true;
		if (k->key)
			HL_WARN("auth",
			        "API key %s of %s is written in plain text in "
			        "the center file (line %u): fine for a demo on "
			        "loopback; otherwise give key_hash (`hotline "
			        "apikey`)",
			        k->name, t->name, k->line);
	}
	return 0;
}

/* One user of the center file; a plain password goes to the worker. */
static int load_user(struct auth *a, const char *tenant,
                     const struct center_tenant *t,
                     const struct center_user *cu, enum auth_role role)
{
	const struct center_agent *ca =
	    t && cu->agent ? center_agent(t, cu->agent) : NULL;
	const char *name = cu->name ? cu->name : ca ? ca->cfg.name : NULL;
	struct user *u;

	u = user_new(a, tenant, cu->username, role, cu->agent, name,
	             cu->language);
	if (!u)
		return ENOMEM;
	u->u.from_center = true;
	u->u.automatic = cu->automatic;
	if (cu->password_hash)
		str_ncpy(u->hash, cu->password_hash, sizeof(u->hash));
	else if (str_dup(&u->plain, cu->password))
		return ENOMEM;
	else if (!cu->automatic)
		a->hashes_pending++;
	return 0;
}

static int load_tenant(struct auth *a, const struct center_tenant *t)
{
	int e = load_keys(a, t);

	if (e)
		return e;
	for (size_t j = 0; j < t->nusers; j++) {
		const struct center_user *cu = &t->users[j];
		int err = load_user(a, t->name, t, cu,
		                    auth_role_parse(cu->role));

		if (err)
			return err;
	}
	return 0;
}

/* Users of the center file: the platform's operators, then every
 * tenant's. */
static int load_center(struct auth *a)
{
	const struct center *c = a->center;

	for (size_t i = 0; i < c->noperators; i++) {
		int err = load_user(a, AUTH_PLATFORM, NULL, &c->operators[i],
		                    AUTH_ROLE_OPERATOR);
		if (err)
			return err;
	}
	for (size_t i = 0; i < c->ntenants; i++) {
		int err;

		if (c->tenants[i].removed)
			continue;
		err = load_tenant(a, &c->tenants[i]);
		if (err)
			return err;
	}
	return 0;
}

static int load_store(struct auth *a, char *errbuf, size_t errsz)
{
	struct store_user *users = NULL;
	struct store_pref *prefs = NULL;
	struct store_token *toks = NULL;
	size_t nu = 0, np = 0, nt = 0, dropped = 0;
	uint64_t now = hl_wall_ms();
	int err;

	err = store_users_get_sync(a->store, NULL, &users, &nu);
	if (!err)
		err = store_prefs_get_sync(a->store, &prefs, &np);
	if (!err)
		err = store_tokens_get_sync(a->store, &toks, &nt);
	if (err) {
		snprintf(errbuf, errsz, "users and tokens: %s", strerror(err));
		goto out;
	}

	for (size_t i = 0; i < nu; i++) {
		const struct store_user *su = &users[i];
		const struct center_tenant *ct =
		    center_tenant(a->center, su->tenant);
		struct user *u;

		if (!ct) {
			HL_WARN("auth", "user %s@%s ignored: no such tenant",
			        su->username, su->tenant);
			continue;
		}
		if (user_find(a, su->tenant, su->username)) {
			HL_WARN("auth",
			        "user %s@%s of the database ignored: the "
			        "center file defines it",
			        su->username, su->tenant);
			continue;
		}
		u = user_new(a, su->tenant, su->username,
		             auth_role_parse(su->role), su->agent, su->name,
		             su->language);
		if (!u) {
			err = ENOMEM;
			goto out;
		}
		str_ncpy(u->hash, su->password_hash, sizeof(u->hash));
	}
	for (size_t i = 0; i < np; i++) {
		struct user *u =
		    user_find(a, prefs[i].tenant, prefs[i].username);

		if (u && valid_language(prefs[i].language)) {
			mem_deref(u->u.language);
			u->u.language = NULL;
			(void)str_dup(&u->u.language, prefs[i].language);
		}
	}
	for (size_t i = 0; i < nt; i++) {
		const struct store_token *t = &toks[i];
		bool key = !strcmp(t->kind, "apikey");
		struct user *u =
		    key ? NULL : user_find(a, t->tenant, t->username);

		if (sess_find(a, t->hash))
			continue; /* an API key of the center file */
		if ((t->expires && t->expires <= now) || (!key && !u) ||
		    (!center_tenant(a->center, t->tenant) &&
		     strcmp(t->tenant, AUTH_PLATFORM))) {
			dropped++;
			continue;
		}
		/* a session takes its user's role as the center says now */
		if (!sess_add(a, t->hash, t->tenant, t->username,
		              key ? auth_role_parse(t->role) : u->u.role,
		              key ? t->agent : u->u.agent, key, t->created,
		              t->expires)) {
			err = ENOMEM;
			goto out;
		}
	}
	if (dropped)
		(void)store_tokens_purge(a->store, now, NULL, NULL);
	HL_DEBUG("auth",
	         "from the database: %zu users, %zu tokens (%zu "
	         "expired)",
	         nu, nt - dropped, dropped);

out:
	mem_deref(users);
	mem_deref(prefs);
	mem_deref(toks);
	return err;
}

/* Hash the center's plain passwords (of one tenant, or all) in the
 * background. */
static int hash_plain(struct auth *a, const char *tenant)
{
	for (struct le *le = a->users.head; le; le = le->next) {
		struct user *u = le->data;
		struct pw_job *job;
		int err;

		/* An agent's automatic user shares the phone's password,
		 * which the center keeps for SIP digests anyway: it is
		 * hashed at its first sign-in, not here (a center of 500
		 * agents would cost 30 s of a core at every start). */
		if (!u->plain || u->u.automatic ||
		    (tenant && strcmp(u->u.tenant, tenant)))
			continue;
		job = pw_job_alloc(PW_HASH);
		if (!job || !(job->cand[0].plain = strdup(u->plain))) {
			mem_deref(job);
			return ENOMEM;
		}
		job->ncand = 1;
		job->cand[0].user = mem_ref(u);
		job->auth = a;
		job->done = hash_done;
		err = pw_submit(a->pw, job, false);
		if (err)
			return err;
	}
	return 0;
}

int auth_tenant_add(struct auth *a, const struct center_tenant *t)
{
	int err;

	if (!a || !t || !t->name)
		return EINVAL;
	for (struct le *le = a->users.head; le; le = le->next) {
		struct user *u = le->data;

		if (!strcmp(u->u.tenant, t->name))
			return EEXIST;
	}
	err = load_tenant(a, t);
	if (!err)
		a->hashes_total += (uint32_t)t->nusers;
	return err ? err : hash_plain(a, t->name);
}

static bool sess_of_tenant(struct le *le, void *arg)
{
	struct sess *s = le->data;

	return !strcmp(s->s.tenant, arg);
}

void auth_tenant_remove(struct auth *a, const char *tenant)
{
	struct le *le;

	if (!a || !tenant)
		return;
	while ((le = hash_apply(a->sessions, sess_of_tenant, (void *)tenant)))
		sess_drop(a, le->data, true);
	le = a->users.head;
	while (le) {
		struct user *u = le->data;

		le = le->next;
		if (strcmp(u->u.tenant, tenant))
			continue;
		u->deleted = true;
		list_unlink(&u->le);
		mem_deref(u);
	}
	HL_INFO("auth", "tenant %s: users and sessions removed", tenant);
}

static void auth_destructor(void *arg)
{
	struct auth *a = arg;

	/* The worker first: its jobs hold users. */
	a->pw = mem_deref(a->pw);
	hash_flush(a->sessions);
	a->sessions = mem_deref(a->sessions);
	hash_flush(a->limits);
	a->limits = mem_deref(a->limits);
	list_flush(&a->users);
}

int auth_alloc(struct auth **ap, const struct auth_cfg *cfg, char *errbuf,
               size_t errsz)
{
	struct auth *a;
	int err;

	if (!ap || !cfg || !cfg->center)
		return EINVAL;
	if (errsz)
		errbuf[0] = '\0';
	a = mem_zalloc(sizeof(*a), auth_destructor);
	if (!a)
		return ENOMEM;
	a->center = cfg->center;
	a->store = cfg->store;
	a->ttl_ms = (uint64_t)(cfg->session_ttl_s ? cfg->session_ttl_s
	                                          : AUTH_SESSION_TTL_S) *
	            1000;

	err = hash_alloc(&a->sessions, 1024);
	if (!err)
		err = hash_alloc(&a->limits, 256);
	if (!err)
		err = pw_alloc(&a->pw);
	if (!err)
		err = load_center(a);
	if (!err && a->store)
		err = load_store(a, errbuf, errsz);
	if (err)
		goto out;
	a->hashes_total = a->hashes_pending;
	a->started = hl_mono_ms();

	err = hash_plain(a, NULL);

out:
	if (err) {
		if (errsz && !errbuf[0])
			snprintf(errbuf, errsz, "users: %s", strerror(err));
		mem_deref(a);
	} else {
		*ap = a;
	}
	return err;
}
