/**
 * @file migrate.c  The schema as numbered migrations, applied in order at
 * open, each in its own transaction and recorded in schema_version.
 *
 * Rules: never edit a migration that has shipped; add a new one with the
 * next number.  Keep the SQL portable to PostgreSQL where it costs nothing
 * (TEXT ids, BIGINT-sized INTEGER milliseconds, no SQLite-only types).
 * tests/store/test_store.c builds a database at every earlier version and
 * opens it with the current code.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <re.h>

#include "core/core.h"
#include "store/internal.h"

struct migration {
	unsigned version;
	const char *name;
	const char *sql;
};

static const struct migration migrations[] = {
    {1, "initial",
     /* One row per contact, written as it progresses. */
     "CREATE TABLE interaction ("
     " id TEXT PRIMARY KEY,"
     " tenant TEXT NOT NULL,"
     " channel TEXT NOT NULL,"
     " caller TEXT, dialed TEXT, queue TEXT, agent TEXT,"
     " arrived INTEGER, queued INTEGER, offered INTEGER,"
     " answered INTEGER, ended INTEGER,"
     " disposition TEXT CHECK (disposition IN"
     "  ('answered', 'abandoned', 'overflowed', 'failed')),"
     " sip_code INTEGER, reason TEXT,"
     " updated INTEGER NOT NULL);"
     "CREATE INDEX interaction_tenant_arrived"
     " ON interaction (tenant, arrived);"
     "CREATE INDEX interaction_agent ON interaction (agent, arrived);"
     "CREATE INDEX interaction_caller ON interaction (caller, arrived);"
     "CREATE INDEX interaction_queue ON interaction (queue, arrived);"
     /* Closed statistics intervals of the routing engine. */
     "CREATE TABLE queue_interval ("
     " tenant TEXT NOT NULL, queue TEXT NOT NULL,"
     " start INTEGER NOT NULL, length_s INTEGER NOT NULL,"
     " offered INTEGER NOT NULL, answered INTEGER NOT NULL,"
     " answered_in_sl INTEGER NOT NULL, abandoned INTEGER NOT NULL,"
     " short_abandoned INTEGER NOT NULL,"
     " abandoned_after_sl INTEGER NOT NULL,"
     " overflowed INTEGER NOT NULL, handled INTEGER NOT NULL,"
     " wait_answered_ms INTEGER NOT NULL,"
     " wait_abandoned_ms INTEGER NOT NULL,"
     " handle_ms INTEGER NOT NULL,"
     " PRIMARY KEY (tenant, queue, start));"
     "CREATE INDEX queue_interval_tenant_start"
     " ON queue_interval (tenant, start);"
     /* Agent state changes, appended. */
     "CREATE TABLE agent_state ("
     " seq INTEGER PRIMARY KEY,"
     " tenant TEXT NOT NULL, agent TEXT NOT NULL,"
     " state TEXT NOT NULL, reason TEXT,"
     " time INTEGER NOT NULL);"
     "CREATE INDEX agent_state_agent ON agent_state (tenant, agent, time);"
     "CREATE INDEX agent_state_time ON agent_state (tenant, time);"},
    {2, "interaction_recording",
     "ALTER TABLE interaction ADD COLUMN recording TEXT;"},
    {3, "accounts",
     /* API users made through the API (the center file's are not here),
      * any user's remembered choices, session tokens and API keys (only
      * a hash of each), and the agent's wrap-up of an interaction. */
     "CREATE TABLE user ("
     " tenant TEXT NOT NULL, username TEXT NOT NULL,"
     " role TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent')),"
     " agent TEXT, language TEXT, name TEXT,"
     " password_hash TEXT NOT NULL, created INTEGER NOT NULL,"
     " PRIMARY KEY (tenant, username));"
     "CREATE TABLE user_pref ("
     " tenant TEXT NOT NULL, username TEXT NOT NULL, language TEXT,"
     " PRIMARY KEY (tenant, username));"
     "CREATE TABLE token ("
     " hash TEXT PRIMARY KEY,"
     " tenant TEXT NOT NULL, username TEXT NOT NULL,"
     " kind TEXT NOT NULL CHECK (kind IN ('session', 'apikey')),"
     " role TEXT NOT NULL, agent TEXT, name TEXT,"
     " created INTEGER NOT NULL, expires INTEGER);"
     "CREATE INDEX token_user ON token (tenant, username);"
     /* Agents' skills as changed through the API (JSON {skill: level}),
      * applied over the center file's at start. */
     "CREATE TABLE agent_skills ("
     " tenant TEXT NOT NULL, agent TEXT NOT NULL, skills TEXT NOT NULL,"
     " updated INTEGER NOT NULL, PRIMARY KEY (tenant, agent));"
     "ALTER TABLE interaction ADD COLUMN wrapup_code TEXT;"
     "ALTER TABLE interaction ADD COLUMN note TEXT;"},
};

unsigned store_schema_latest(void)
{
	return migrations[ARRAY_LEN(migrations) - 1].version;
}

static int exists_table(struct store_conn *c, const char *name, bool *yes)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(c->db,
	                        "SELECT 1 FROM sqlite_master"
	                        " WHERE type = 'table' AND name = ?1",
	                        -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_conn_fail(c, rc, "schema lookup");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*yes = rc == SQLITE_ROW;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_conn_fail(c, rc, "schema lookup");
	return 0;
}

static int count_objects(struct store_conn *c, unsigned *np)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(c->db, "SELECT count(*) FROM sqlite_master", -1,
	                        &st, NULL);
	if (rc != SQLITE_OK)
		return store_conn_fail(c, rc, "schema lookup");
	rc = sqlite3_step(st);
	*np = rc == SQLITE_ROW ? (unsigned)sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : store_conn_fail(c, rc, "schema lookup");
}

int store_schema_version_get(struct store_conn *c, unsigned *vp)
{
	sqlite3_stmt *st;
	bool yes;
	int rc, err;

	err = exists_table(c, "schema_version", &yes);
	if (err)
		return err;
	*vp = 0;
	if (!yes)
		return 0;
	rc = sqlite3_prepare_v2(c->db,
	                        "SELECT coalesce(max(version), 0)"
	                        " FROM schema_version",
	                        -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_conn_fail(c, rc, "schema version");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*vp = (unsigned)sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : store_conn_fail(c, rc, "schema version");
}

static int record_version(struct store_conn *c, const struct migration *m)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(c->db,
	                        "INSERT INTO schema_version"
	                        " (version, name, applied) VALUES (?1, ?2, ?3)",
	                        -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_conn_fail(c, rc, "schema version");
	sqlite3_bind_int(st, 1, (int)m->version);
	sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)hl_wall_ms());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_conn_fail(c, rc, "schema version");
}

/* One step: inside a write transaction, read the version again (another
 * process may have migrated meanwhile), apply the next migration if it is
 * still due.  *donep is set when the target is reached. */
static int migrate_step(struct store_conn *c, unsigned target, bool *donep,
                        char *errbuf, size_t errsz)
{
	const struct migration *m = NULL;
	char *msg = NULL;
	unsigned cur, nobj;
	bool has_table;
	int err, rc;

	err = store_conn_begin(c);
	if (err) {
		snprintf(errbuf, errsz, "%s: cannot start a transaction: %s",
		         c->path, sqlite3_errmsg(c->db));
		return err;
	}

	err = exists_table(c, "schema_version", &has_table);
	if (err)
		goto fail;
	if (!has_table) {
		err = count_objects(c, &nobj);
		if (err)
			goto fail;
		if (nobj) {
			snprintf(errbuf, errsz,
			         "%s: not a hotline database (it has tables "
			         "but no schema_version)",
			         c->path);
			err = EPROTO;
			goto fail;
		}
		rc = sqlite3_exec(c->db,
		                  "CREATE TABLE schema_version ("
		                  " version INTEGER PRIMARY KEY,"
		                  " name TEXT NOT NULL,"
		                  " applied INTEGER NOT NULL)",
		                  NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			err = store_conn_fail(c, rc, "create schema_version");
			goto fail;
		}
	}
	err = store_schema_version_get(c, &cur);
	if (err)
		goto fail;
	if (cur > store_schema_latest()) {
		snprintf(errbuf, errsz,
		         "%s: schema version %u is newer than this hotline "
		         "knows (%u): upgrade hotline",
		         c->path, cur, store_schema_latest());
		err = EPROTO;
		goto fail;
	}
	if (cur >= target) {
		*donep = true;
		err = store_conn_commit(c);
		goto out;
	}
	for (size_t i = 0; i < ARRAY_LEN(migrations); i++) {
		if (migrations[i].version == cur + 1)
			m = &migrations[i];
	}
	if (!m) {
		snprintf(errbuf, errsz, "%s: no migration from version %u",
		         c->path, cur);
		err = EPROTO;
		goto fail;
	}
	rc = sqlite3_exec(c->db, m->sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(errbuf, errsz, "%s: migration %03u_%s failed: %s",
		         c->path, m->version, m->name,
		         msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		err = store_errno(rc) ? store_errno(rc) : EIO;
		goto fail;
	}
	err = record_version(c, m);
	if (err)
		goto fail;
	err = store_conn_commit(c);
	if (err) {
		snprintf(errbuf, errsz, "%s: migration %03u_%s: commit: %s",
		         c->path, m->version, m->name, sqlite3_errmsg(c->db));
		goto fail;
	}
	HL_INFO(STORE_LOG, "%s: schema migrated to version %u (%s)", c->path,
	        m->version, m->name);
	goto out;

fail:
	if (errsz && !errbuf[0])
		snprintf(errbuf, errsz, "%s: migration failed: %s", c->path,
		         sqlite3_errmsg(c->db));
	store_conn_rollback(c);
out:
	return err;
}

int store_migrate(struct store_conn *c, unsigned target, char *err,
                  size_t errsz)
{
	bool done = false;
	int e = 0;

	if (target > store_schema_latest())
		return EINVAL;
	if (errsz)
		err[0] = '\0';
	while (!done && !e)
		e = migrate_step(c, target, &done, err, errsz);
	return e;
}

int store_create_at_version(const char *path, unsigned version, char *err,
                            size_t errsz)
{
	struct store_cfg cfg = {.busy_timeout_ms = 5000};
	struct store_conn *c = NULL;
	int e;

	e = store_conn_open(&c, path, &cfg, false, err, errsz);
	if (e)
		return e;
	e = store_migrate(c, version, err, errsz);
	mem_deref(c);
	return e;
}
