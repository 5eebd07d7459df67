/**
 * @file auth.h  Who may use the API: users, passwords, session tokens and
 * API keys, per tenant.
 *
 * Owns: the users of every tenant (from the center file, its automatic
 * agent users, and those made through the API, which the store keeps) and
 * the platform's operators (platform.users, pseudo-tenant AUTH_PLATFORM),
 * their password hashes, the live session tokens and API keys (the center
 * file's tenants[].api_keys and those made through the API), the
 * per-source limit on failed sign-ins, and one worker thread that does the
 * slow password hashing.
 *
 * Offers: auth_login() checks a password and issues a session token
 * (random 32 bytes, base64url text); auth_token_check() turns a bearer
 * token into its session (tenant, role, agent) in O(1); logout revokes;
 * API keys are tokens without expiry for a tenant's systems (those of the
 * center file cannot be deleted); users can be listed, added (password
 * hashed on the worker) and deleted; a tenant's users and keys are added
 * and removed with the tenant (auth_tenant_add/remove).
 *
 * Passwords: Argon2id with libsodium's interactive limits
 * (crypto_pwhash_str, ~60 ms and 64 MiB per hash here).  Plain passwords
 * of the center file's users: are hashed on the worker right after start
 * (the loop never waits); a sign-in that arrives first has its user hashed
 * at once.  The automatic users of agent_users share their phone's SIP
 * password, which the center keeps in memory for digest authentication:
 * they are hashed at their first sign-in (a start with 500 agents would
 * otherwise cost 30 s of a core).  Only hashes are kept by auth (its plain
 * copy is wiped) and only hashes are stored.  Tokens are stored and looked
 * up by their BLAKE2b digest, never in clear.
 *
 * Threads: everything belongs to the control loop that called
 * auth_alloc(), except the worker, which touches only its jobs; results come
 * back through a libre mqueue, so callbacks run on the loop.
 */
#ifndef HOTLINE_AUTH_H
#define HOTLINE_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct center;
struct center_tenant;
struct store;
struct sa;
struct auth;

/** Roles, weakest first (each may do what the weaker ones may within its
 *  tenant, except that an agent acts only on itself). */
enum auth_role {
	AUTH_ROLE_NONE = 0,
	AUTH_ROLE_AGENT,
	AUTH_ROLE_SUPERVISOR,
	AUTH_ROLE_ADMIN,
	/* A handling unit's user (crm): outside the order above; it may use
	 * only the routes that name it (API_ROLE_UNIT) and sees its unit's
	 * work orders only. */
	AUTH_ROLE_UNIT,
	AUTH_ROLE_OPERATOR, /* the platform above the tenants: manages
	                       tenants only (tenant AUTH_PLATFORM) */
};

/** The tenant name of the platform operators' users and sessions: never a
 *  tenant's name ('@' is not allowed in one). */
#define AUTH_PLATFORM "@platform"

#define AUTH_SESSION_TTL_S (12 * 3600) /* idle time before a session ends */
#define AUTH_TOKEN_TEXT    44          /* base64url of 32 bytes, with NUL */
#define AUTH_HASH_TEXT     65          /* hex digest of a token, with NUL */
#define AUTH_PW_MAX        256         /* longest password accepted */

/** A user, as the API shows it.  Read-only outside auth. */
struct auth_user {
	char *tenant;
	char *username;
	enum auth_role role;
	char *agent;      /* agent id for the role agent, else NULL */
	char *name;       /* display name, or NULL */
	char *language;   /* chosen language, or NULL */
	bool from_center; /* defined in the center file (not deletable) */
	bool automatic;   /* an agent's automatic user (agent_users) */
};

/** What a token stands for.  Read-only outside auth; hold a reference
 *  (mem_ref) to keep it past the current loop iteration; revoked is set
 *  when it is logged out, expires, or its user is deleted. */
struct auth_session {
	char hash[AUTH_HASH_TEXT]; /* digest of the token */
	char id[13];               /* first 12 hex digits, names an API key */
	char *tenant;
	char *username; /* the user, or the API key's name */
	enum auth_role role;
	char *agent; /* the agent an agent user works as */
	bool apikey;
	bool from_center; /* an API key of the center file (not deletable) */
	bool revoked;
	uint64_t created; /* wall ms */
	uint64_t expires; /* wall ms; 0 = never (API keys) */
};

struct auth_cfg {
	const struct center *center; /* required; borrowed, outlives auth */
	struct store *store;         /* may be NULL: nothing kept over a
	                                restart, no users made via the API */
	uint32_t session_ttl_s;      /* 0 = AUTH_SESSION_TTL_S */
};

/* --- auth.c ----------------------------------------------------------------
 */

/** Build the users from the center file and the store, load the live
 *  tokens, start the worker (hashing the center's plain passwords).
 *  Returns 0, EINVAL, ENOMEM, or the store's error (message in err). */
int auth_alloc(struct auth **ap, const struct auth_cfg *cfg, char *err,
               size_t errsz);

const char *auth_role_name(enum auth_role role);
/** "admin", "supervisor", "agent", "unit" -> role; AUTH_ROLE_NONE if unknown. */
/** "operator", "admin", "supervisor", "agent" -> role; AUTH_ROLE_NONE if
 *  unknown. */
enum auth_role auth_role_parse(const char *s);

/** Result of a sign-in, on the loop.  err: 0, EACCES (wrong name or
 *  password), EAGAIN (too many failures from this source: wait
 *  retry_after_s), EBUSY (too many sign-ins in progress), EINVAL (the name
 *  exists in several tenants and both passwords match: name the tenant),
 *  ENOMEM.  On success token is the text to send as Bearer (only now:
 *  auth keeps its digest), s and u are valid during the call. */
typedef void(auth_login_h)(int err, const char *token,
                           const struct auth_session *s,
                           const struct auth_user *u, uint32_t retry_after_s,
                           void *arg);

/**
 * Check a password and open a session.  username may be "name@tenant";
 * tenant (or NULL) picks the tenant too.  src is the client's address
 * (failed attempts are counted per IP).  The handler runs later on the
 * loop, never inside this call; keep arg valid until then.  Returns 0 or
 * EINVAL (no name or password, too long) — then h is not called.
 */
int auth_login(struct auth *a, const char *tenant, const char *username,
               const char *password, const struct sa *src, auth_login_h *h,
               void *arg);

/** The session of a bearer token: 0, ENOENT (unknown or revoked),
 *  ETIMEDOUT (expired).  Renews a session's idle expiry.  O(1). */
int auth_token_check(struct auth *a, const char *token,
                     struct auth_session **sp);
/** Log out: revoke the session (and forget it in the store); an API key
 *  of the center file stays. */
void auth_revoke(struct auth *a, struct auth_session *s);

/** The user of a session (NULL for an API key or a deleted user). */
const struct auth_user *auth_session_user(const struct auth *a,
                                          const struct auth_session *s);
/** A user by tenant and name, or NULL. */
const struct auth_user *auth_user_find(const struct auth *a, const char *tenant,
                                       const char *username);
/** The users of a tenant, in order: h returns true to stop. */
void auth_user_foreach(const struct auth *a, const char *tenant,
                       bool (*h)(const struct auth_user *u, void *arg),
                       void *arg);
/** Remember a user's language (and store it).  EINVAL unknown user. */
int auth_user_set_language(struct auth *a, const struct auth_user *u,
                           const char *language);

/** A new user, hashed on the worker: done(err, u, arg) on the loop with
 *  0, EEXIST (the name is taken), ENOMEM, or the store's error. */
typedef void(auth_user_h)(int err, const struct auth_user *u, void *arg);
struct auth_user_new {
	const char *tenant, *username, *password; /* required */
	enum auth_role role;                      /* required */
	const char *agent;                        /* for AUTH_ROLE_AGENT */
	const char *name, *language;              /* optional */
};
/** Returns 0 (done follows), EINVAL, EEXIST (done not called). */
int auth_user_add(struct auth *a, const struct auth_user_new *n,
                  auth_user_h *done, void *arg);
/** Delete a user made through the API and revoke its sessions: 0, ENOENT,
 *  EPERM (defined in the center file). */
int auth_user_delete(struct auth *a, const char *tenant, const char *username);

/** A new API key of a tenant: its text (shown once) into token, and its
 *  session.  role: any; agent required for AUTH_ROLE_AGENT. */
int auth_apikey_create(struct auth *a, const char *tenant, const char *name,
                       enum auth_role role, const char *agent,
                       char token[AUTH_TOKEN_TEXT],
                       const struct auth_session **sp);
/** The digest by which auth knows a token (BLAKE2b-256, hex): the
 *  key_hash of an API key in the center file.  Any thread. */
void auth_key_digest(const char *token, char out[AUTH_HASH_TEXT]);

/** The API keys of a tenant; h returns true to stop. */
void auth_apikey_foreach(const struct auth *a, const char *tenant,
                         bool (*h)(const struct auth_session *s, void *arg),
                         void *arg);
/** The API key of a tenant by id, or NULL. */
struct auth_session *auth_apikey_find(const struct auth *a, const char *tenant,
                                      const char *id);

/** A tenant added at run time (src/center/lifecycle.c): its users of the
 *  center model t, plain passwords hashed on the worker.  EEXIST if users
 *  of that tenant are there already, ENOMEM. */
int auth_tenant_add(struct auth *a, const struct center_tenant *t);
/** A tenant deleted: every session and API key of it ends and its users
 *  are forgotten (the store keeps users made through the API: a tenant
 *  made again with the same name finds them). */
void auth_tenant_remove(struct auth *a, const char *tenant);
/** Delete an API key made through the API: 0, ENOENT, EPERM (declared in
 *  the center file's api_keys). */
int auth_apikey_delete(struct auth *a, struct auth_session *s);

/** Figures for /metrics. */
struct auth_stats {
	uint32_t users;
	uint32_t sessions; /* live sessions */
	uint32_t apikeys;
	uint64_t logins_ok;
	uint64_t logins_failed;
	uint64_t logins_limited;
	uint32_t hashes_pending; /* plain passwords not hashed yet */
};
void auth_stats(const struct auth *a, struct auth_stats *st);

/* --- pwhash.c: the worker ----------------------------------------------------
 */

/** Hash a password with the interactive limits, on the calling thread
 *  (slow: for `hotline passwd`).  out gets a NUL-terminated crypt string. */
int auth_pwhash(const char *password, char *out, size_t outsz);

#endif
