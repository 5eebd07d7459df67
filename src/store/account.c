/**
 * @file account.c  API users, user preferences, tokens and wrap-ups.
 *
 * Every change is one job of kind K: up to two statements with text
 * parameters ?1..?8 and numbers ?9, ?10, run by the worker in its batch.
 * Reads happen once at start (the API keeps users and tokens in memory),
 * so they are synchronous.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <re.h>

#include "core/core.h"
#include "store/internal.h"

enum acct_kind {
	K_USER_PUT = 0,
	K_USER_DELETE,
	K_PREF_PUT,
	K_TOKEN_PUT,
	K_TOKEN_TOUCH,
	K_TOKEN_DELETE,
	K_TOKEN_PURGE,
	K_WRAPUP,
	K_SKILLS_PUT,
	K_TENANT_STATE,
	K_TENANT_DEF,
	K_MAX
};

struct acct_def {
	const char *what;
	const char *sql[2]; /* the second runs after the first, if any */
	bool need_change;   /* no row changed by sql[0]: ENOENT */
};

static const struct acct_def defs[K_MAX] = {
    [K_USER_PUT] = {"user put",
                    {"INSERT OR REPLACE INTO user (tenant, username, role,"
                     " agent, language, name, password_hash, created)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?9)",
                     NULL},
                    false},
    [K_USER_DELETE] = {"user delete",
                       {"DELETE FROM user WHERE tenant = ?1 AND"
                        " username = ?2",
                        "DELETE FROM token WHERE tenant = ?1 AND"
                        " username = ?2 AND kind = 'session'"},
                       true},
    [K_PREF_PUT] = {"preference put",
                    {"INSERT INTO user_pref (tenant, username, language)"
                     " VALUES (?1, ?2, ?3) ON CONFLICT (tenant, username)"
                     " DO UPDATE SET language = excluded.language",
                     NULL},
                    false},
    [K_TOKEN_PUT] = {"token put",
                     {"INSERT OR REPLACE INTO token (hash, tenant, username,"
                      " kind, role, agent, name, created, expires)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?9, ?10)",
                      NULL},
                     false},
    [K_TOKEN_TOUCH] = {"token touch",
                       {"UPDATE token SET expires = ?10 WHERE hash = ?1", NULL},
                       true},
    [K_TOKEN_DELETE] = {"token delete",
                        {"DELETE FROM token WHERE hash = ?1", NULL},
                        true},
    [K_TOKEN_PURGE] = {"token purge",
                       {"DELETE FROM token WHERE expires IS NOT NULL AND"
                        " expires < ?10",
                        NULL},
                       false},
    [K_WRAPUP] = {"wrap-up put",
                  {"UPDATE interaction SET wrapup_code = ?3, note = ?4,"
                   " updated = ?9 WHERE id = ?1 AND tenant = ?2",
                   NULL},
                  true},
    [K_SKILLS_PUT] = {"agent skills put",
                      {"INSERT OR REPLACE INTO agent_skills (tenant, agent,"
                       " skills, updated) VALUES (?1, ?2, ?3, ?9)",
                       NULL},
                      false},
    [K_TENANT_STATE] = {"tenant state put",
                        {"INSERT INTO platform_tenant (tenant, state,"
                         " updated) VALUES (?1, ?2, ?9)"
                         " ON CONFLICT (tenant) DO UPDATE SET"
                         " state = excluded.state,"
                         " updated = excluded.updated",
                         NULL},
                        false},
    [K_TENANT_DEF] = {"tenant definition put",
                      {"INSERT OR REPLACE INTO platform_tenant (tenant,"
                       " state, definition, updated)"
                       " VALUES (?1, ?2, ?3, ?9)",
                       NULL},
                      false},
};

static int submit(struct store *s, enum acct_kind kind, const char *const *sv,
                  size_t ns, uint64_t n0, uint64_t n1, store_done_h *done,
                  void *arg)
{
	struct store_job *j;
	size_t bytes = 0;

	if (!s)
		return EINVAL;
	for (size_t i = 0; i < ns; i++)
		bytes += store_strsz(sv[i]);
	j = store_job_alloc(OP_ACCOUNT_PUT, bytes);
	if (!j)
		return ENOMEM;
	j->u.acct.kind = kind;
	for (size_t i = 0; i < ns; i++)
		j->u.acct.s[i] = store_job_str(j, sv[i]);
	j->u.acct.n[0] = n0 ? n0 : j->time;
	j->u.acct.n[1] = n1;
	j->cb.done = done;
	j->arg = arg;
	return store_submit(s, j);
}

int store_acct_exec_put(struct store_conn *c, struct store_job *j)
{
	const struct store_acct *a = &j->u.acct;
	const struct acct_def *d;
	int err = 0;

	if (a->kind >= K_MAX)
		return EINVAL;
	d = &defs[a->kind];
	for (unsigned k = 0; k < 2 && d->sql[k] && !err; k++) {
		sqlite3_stmt *st = store_conn_stmt(
		    c, SLOT_ACCOUNT + a->kind * 2 + k, d->sql[k]);
		int rc;

		if (!st)
			return EIO;
		for (int i = 0; i < 8; i++)
			store_bind_text(st, i + 1, a->s[i]);
		store_bind_u64(st, 9, a->n[0]);
		/* expires: 0 = never = NULL */
		store_bind_ms(st, 10, a->n[1]);
		rc = sqlite3_step(st);
		if (rc != SQLITE_DONE)
			err = store_conn_fail(c, rc, d->what);
		else if (k == 0 && d->need_change && !sqlite3_changes(c->db))
			err = ENOENT;
		sqlite3_reset(st);
	}
	return err;
}

static bool role_ok(const char *role)
{
	return role && (!strcmp(role, "admin") || !strcmp(role, "supervisor") ||
	                !strcmp(role, "agent") || !strcmp(role, "unit") ||
	                !strcmp(role, "operator"));
}

int store_user_put(struct store *s, const struct store_user *u,
                   store_done_h *done, void *arg)
{
	if (!u || !u->tenant || !*u->tenant || !u->username || !*u->username ||
	    !role_ok(u->role) || !u->password_hash || !*u->password_hash)
		return EINVAL;
	return submit(s, K_USER_PUT,
	              (const char *[]){u->tenant, u->username, u->role,
	                               u->agent, u->language, u->name,
	                               u->password_hash},
	              7, u->created, 0, done, arg);
}

int store_user_delete(struct store *s, const char *tenant, const char *username,
                      store_done_h *done, void *arg)
{
	if (!tenant || !*tenant || !username || !*username)
		return EINVAL;
	return submit(s, K_USER_DELETE, (const char *[]){tenant, username}, 2,
	              0, 0, done, arg);
}

int store_pref_put(struct store *s, const struct store_pref *p,
                   store_done_h *done, void *arg)
{
	if (!p || !p->tenant || !*p->tenant || !p->username || !*p->username)
		return EINVAL;
	return submit(s, K_PREF_PUT,
	              (const char *[]){p->tenant, p->username, p->language}, 3,
	              0, 0, done, arg);
}

int store_token_put(struct store *s, const struct store_token *t,
                    store_done_h *done, void *arg)
{
	if (!t || !t->hash || !*t->hash || !t->tenant || !*t->tenant ||
	    !t->username || !*t->username || !t->kind ||
	    (strcmp(t->kind, "session") && strcmp(t->kind, "apikey")) ||
	    !role_ok(t->role))
		return EINVAL;
	return submit(s, K_TOKEN_PUT,
	              (const char *[]){t->hash, t->tenant, t->username, t->kind,
	                               t->role, t->agent, t->name},
	              7, t->created, t->expires, done, arg);
}

int store_token_touch(struct store *s, const char *hash, uint64_t expires,
                      store_done_h *done, void *arg)
{
	if (!hash || !*hash)
		return EINVAL;
	return submit(s, K_TOKEN_TOUCH, (const char *[]){hash}, 1, 0, expires,
	              done, arg);
}

int store_token_delete(struct store *s, const char *hash, store_done_h *done,
                       void *arg)
{
	if (!hash || !*hash)
		return EINVAL;
	return submit(s, K_TOKEN_DELETE, (const char *[]){hash}, 1, 0, 0, done,
	              arg);
}

int store_tokens_purge(struct store *s, uint64_t now_ms, store_done_h *done,
                       void *arg)
{
	if (!now_ms)
		return EINVAL;
	return submit(s, K_TOKEN_PURGE, NULL, 0, 0, now_ms, done, arg);
}

int store_interaction_wrapup_put(struct store *s, const char *tenant,
                                 const char *id, const char *code,
                                 const char *note, store_done_h *done,
                                 void *arg)
{
	if (!tenant || !*tenant || !id || !*id)
		return EINVAL;
	return submit(s, K_WRAPUP, (const char *[]){id, tenant, code, note}, 4,
	              0, 0, done, arg);
}

/* --- reads ------------------------------------------------------------------
 */

/* A table read into rows of a struct: text columns into const char *
 * fields, then integer columns into uint64_t fields. */
struct read_def {
	const char *sql;
	size_t rowsz;
	const size_t *str;
	size_t nstr;
	const size_t *num;
	size_t nnum;
	const char *what;
};

static int read_rows(struct store_conn *c, const void *fv, void **vp,
                     size_t *np)
{
	const struct read_def *d = fv;
	struct store_rows rows;
	sqlite3_stmt *st;
	int rc, err = 0;

	/* Read once at start: not worth a cached statement. */
	rc = sqlite3_prepare_v2(c->db, d->sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_conn_fail(c, rc, d->what);

	store_rows_init(&rows, d->rowsz);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		uint8_t *r = store_rows_add(&rows);
		int col = 0;

		if (!r) {
			err = ENOMEM;
			break;
		}
		for (size_t i = 0; i < d->nstr && !err; i++)
			err = store_rows_str(&rows,
			                     (const char **)(r + d->str[i]),
			                     sqlite3_column_text(st, col++));
		for (size_t i = 0; i < d->nnum; i++)
			*(uint64_t *)(r + d->num[i]) = store_col_u64(st, col++);
		if (err) {
			err = ENOMEM;
			break;
		}
	}
	if (!err && rc != SQLITE_DONE)
		err = store_conn_fail(c, rc, d->what);
	sqlite3_finalize(st);
	if (err) {
		store_rows_reset(&rows);
		return err;
	}
	return store_rows_finish(&rows, d->str, d->nstr, vp, np);
}

int store_users_get_sync(struct store *s, const char *tenant,
                         struct store_user **vp, size_t *np)
{
	static const size_t str[] = {
	    offsetof(struct store_user, tenant),
	    offsetof(struct store_user, username),
	    offsetof(struct store_user, role),
	    offsetof(struct store_user, agent),
	    offsetof(struct store_user, language),
	    offsetof(struct store_user, name),
	    offsetof(struct store_user, password_hash),
	};
	static const size_t num[] = {offsetof(struct store_user, created)};
	char sql[256];
	struct read_def d = {sql,        sizeof(struct store_user),
	                     str,        ARRAY_LEN(str),
	                     num,        ARRAY_LEN(num),
	                     "users get"};
	char *q;
	int err;

	if (!s || !vp || !np)
		return EINVAL;
	/* the tenant is quoted by SQLite itself */
	q = tenant ? sqlite3_mprintf(" WHERE tenant = %Q", tenant) : NULL;
	if (tenant && !q)
		return ENOMEM;
	snprintf(sql, sizeof(sql),
	         "SELECT tenant, username, role, agent, language, name,"
	         " password_hash, created FROM user%s"
	         " ORDER BY tenant, username",
	         q ? q : "");
	sqlite3_free(q);
	if (strlen(sql) + 1 >= sizeof(sql))
		return EINVAL;
	err = store_read_sync(s, read_rows, &d, (void **)vp, np);
	return err;
}

int store_prefs_get_sync(struct store *s, struct store_pref **vp, size_t *np)
{
	static const size_t str[] = {
	    offsetof(struct store_pref, tenant),
	    offsetof(struct store_pref, username),
	    offsetof(struct store_pref, language),
	};
	static const struct read_def d = {
	    "SELECT tenant, username, language FROM user_pref",
	    sizeof(struct store_pref),
	    str,
	    ARRAY_LEN(str),
	    NULL,
	    0,
	    "preferences get"};

	if (!s || !vp || !np)
		return EINVAL;
	return store_read_sync(s, read_rows, &d, (void **)vp, np);
}

int store_tokens_get_sync(struct store *s, struct store_token **vp, size_t *np)
{
	static const size_t str[] = {
	    offsetof(struct store_token, hash),
	    offsetof(struct store_token, tenant),
	    offsetof(struct store_token, username),
	    offsetof(struct store_token, kind),
	    offsetof(struct store_token, role),
	    offsetof(struct store_token, agent),
	    offsetof(struct store_token, name),
	};
	static const size_t num[] = {
	    offsetof(struct store_token, created),
	    offsetof(struct store_token, expires),
	};
	static const struct read_def d = {
	    "SELECT hash, tenant, username, kind, role, agent, name, created,"
	    " expires FROM token ORDER BY created",
	    sizeof(struct store_token),
	    str,
	    ARRAY_LEN(str),
	    num,
	    ARRAY_LEN(num),
	    "tokens get"};

	if (!s || !vp || !np)
		return EINVAL;
	return store_read_sync(s, read_rows, &d, (void **)vp, np);
}

int store_agent_skills_put(struct store *s, const struct store_agent_skills *k,
                           store_done_h *done, void *arg)
{
	if (!k || !k->tenant || !*k->tenant || !k->agent || !*k->agent ||
	    !k->skills)
		return EINVAL;
	return submit(s, K_SKILLS_PUT,
	              (const char *[]){k->tenant, k->agent, k->skills}, 3,
	              k->updated, 0, done, arg);
}

int store_agent_skills_get_sync(struct store *s, struct store_agent_skills **vp,
                                size_t *np)
{
	static const size_t str[] = {
	    offsetof(struct store_agent_skills, tenant),
	    offsetof(struct store_agent_skills, agent),
	    offsetof(struct store_agent_skills, skills),
	};
	static const size_t num[] = {
	    offsetof(struct store_agent_skills, updated),
	};
	static const struct read_def d = {
	    "SELECT tenant, agent, skills, updated FROM agent_skills",
	    sizeof(struct store_agent_skills),
	    str,
	    ARRAY_LEN(str),
	    num,
	    ARRAY_LEN(num),
	    "agent skills get"};

	if (!s || !vp || !np)
		return EINVAL;
	return store_read_sync(s, read_rows, &d, (void **)vp, np);
}

static bool tenant_state_ok(const char *st)
{
	return st && (!strcmp(st, "active") || !strcmp(st, "suspended") ||
	              !strcmp(st, "deleted"));
}

int store_tenant_put(struct store *s, const struct store_tenant *t,
                     store_done_h *done, void *arg)
{
	if (!t || !t->tenant || !*t->tenant || !tenant_state_ok(t->state))
		return EINVAL;
	if (!t->definition)
		return submit(s, K_TENANT_STATE,
		              (const char *[]){t->tenant, t->state}, 2,
		              t->updated, 0, done, arg);
	return submit(s, K_TENANT_DEF,
	              (const char *[]){t->tenant, t->state, t->definition}, 3,
	              t->updated, 0, done, arg);
}

int store_tenants_get_sync(struct store *s, struct store_tenant **vp,
                           size_t *np)
{
	static const size_t str[] = {
	    offsetof(struct store_tenant, tenant),
	    offsetof(struct store_tenant, state),
	    offsetof(struct store_tenant, definition),
	};
	static const size_t num[] = {
	    offsetof(struct store_tenant, updated),
	};
	static const struct read_def d = {
	    "SELECT tenant, state, definition, updated FROM platform_tenant"
	    " ORDER BY updated",
	    sizeof(struct store_tenant),
	    str,
	    ARRAY_LEN(str),
	    num,
	    ARRAY_LEN(num),
	    "tenants get"};

	if (!s || !vp || !np)
		return EINVAL;
	return store_read_sync(s, read_rows, &d, (void **)vp, np);
}
