/**
 * @file migrate.c  The schema as numbered migrations, applied in order at
 * open, each in its own transaction and recorded in schema_version.
 *
 * Rules: never edit a migration that has shipped; add a new one with the
 * next number of your range (1..9: core records, users and tokens;
 * 10..: customers, work orders and appointments).  A database records the
 * set of migrations applied, so numbers may have gaps.  Keep the SQL portable
 * to PostgreSQL where it costs nothing (TEXT ids, BIGINT-sized INTEGER
 * milliseconds, no SQLite-only types). tests/store/test_store.c builds a
 * database at every earlier version and opens it with the current code.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <re.h>

#include "core/core.h"
#include "store/internal.h"

/* Highest version number a migration may take. */
#define VERSION_MAX 999

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
    /* 3..9 are left to the users/tokens/wrap-up branch; customers and
     * work orders take 10 upward (src/crm). */
    {10, "customers",
     /* A customer of a tenant, known by identities of several kinds. */
     "CREATE TABLE customer ("
     " id TEXT PRIMARY KEY,"
     " tenant TEXT NOT NULL,"
     " name TEXT, language TEXT, note TEXT,"
     " created INTEGER NOT NULL, updated INTEGER NOT NULL);"
     "CREATE INDEX customer_tenant_name ON customer (tenant, name);"
     /* phone (digits, E.164 without '+'), email (lower case), chat. */
     "CREATE TABLE customer_identity ("
     " tenant TEXT NOT NULL,"
     " kind TEXT NOT NULL CHECK (kind IN ('phone', 'email', 'chat')),"
     " value TEXT NOT NULL,"
     " customer TEXT NOT NULL REFERENCES customer (id),"
     " created INTEGER NOT NULL,"
     " PRIMARY KEY (tenant, kind, value));"
     "CREATE INDEX customer_identity_customer"
     " ON customer_identity (customer);"
     /* Which customer a contact was with (by identity, or the agent). */
     "ALTER TABLE interaction ADD COLUMN customer TEXT"
     " REFERENCES customer (id);"
     "CREATE INDEX interaction_customer"
     " ON interaction (customer, arrived);"},
    {11, "workorders",
     /* Handling units mirror the tenant's configuration. */
     "CREATE TABLE unit ("
     " tenant TEXT NOT NULL, name TEXT NOT NULL, title TEXT,"
     " PRIMARY KEY (tenant, name));"
     "CREATE TABLE workorder_number ("
     " tenant TEXT PRIMARY KEY, last INTEGER NOT NULL);"
     "CREATE TABLE workorder ("
     " id TEXT PRIMARY KEY,"
     " tenant TEXT NOT NULL,"
     " number INTEGER NOT NULL,"
     " category TEXT NOT NULL,"
     " status TEXT NOT NULL CHECK (status IN ('new', 'dispatched',"
     "  'in_progress', 'answered', 'follow_up', 'closed', 'reopened')),"
     " priority TEXT NOT NULL CHECK (priority IN"
     "  ('low', 'normal', 'high', 'urgent')),"
     " customer TEXT REFERENCES customer (id),"
     " unit TEXT, agent TEXT, subject TEXT,"
     " fields TEXT NOT NULL,"
     " interaction TEXT,"
     " created INTEGER NOT NULL, updated INTEGER NOT NULL,"
     " due INTEGER, warn_at INTEGER,"
     " flagged INTEGER, escalated INTEGER,"
     " next_check INTEGER,"
     " answered INTEGER, closed INTEGER,"
     " satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),"
     " version INTEGER NOT NULL,"
     " UNIQUE (tenant, number),"
     " FOREIGN KEY (tenant, unit) REFERENCES unit (tenant, name));"
     "CREATE INDEX workorder_unit_status"
     " ON workorder (tenant, unit, status, due);"
     "CREATE INDEX workorder_status ON workorder (tenant, status, due);"
     "CREATE INDEX workorder_customer ON workorder (customer, created);"
     "CREATE INDEX workorder_next_check ON workorder (next_check)"
     " WHERE next_check IS NOT NULL;"
     "CREATE TRIGGER workorder_no_delete BEFORE DELETE ON workorder"
     " BEGIN SELECT RAISE(ABORT, 'work orders are never deleted'); END;"
     /* The audit trail: every change, comment and attachment, in order;
      * rows are only ever inserted. */
     "CREATE TABLE workorder_event ("
     " seq INTEGER PRIMARY KEY,"
     " tenant TEXT NOT NULL,"
     " workorder TEXT NOT NULL REFERENCES workorder (id),"
     " time INTEGER NOT NULL,"
     " actor TEXT NOT NULL, role TEXT NOT NULL,"
     " kind TEXT NOT NULL,"
     " action TEXT, from_status TEXT, to_status TEXT,"
     " text TEXT, data TEXT);"
     "CREATE INDEX workorder_event_order"
     " ON workorder_event (workorder, seq);"
     "CREATE TRIGGER workorder_event_no_update"
     " BEFORE UPDATE ON workorder_event"
     " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
     "CREATE TRIGGER workorder_event_no_delete"
     " BEFORE DELETE ON workorder_event"
     " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
     "CREATE TABLE attachment ("
     " id TEXT PRIMARY KEY,"
     " tenant TEXT NOT NULL,"
     " workorder TEXT NOT NULL REFERENCES workorder (id),"
     " name TEXT NOT NULL, type TEXT NOT NULL, size INTEGER NOT NULL,"
     " path TEXT NOT NULL,"
     " actor TEXT NOT NULL, time INTEGER NOT NULL);"
     "CREATE INDEX attachment_workorder ON attachment (workorder);"
     "CREATE TRIGGER attachment_no_update BEFORE UPDATE ON attachment"
     " BEGIN SELECT RAISE(ABORT, 'attachments are append-only'); END;"
     "CREATE TRIGGER attachment_no_delete BEFORE DELETE ON attachment"
     " BEGIN SELECT RAISE(ABORT, 'attachments are append-only'); END;"
     /* Follow-up contacts made when an order is answered. */
     "CREATE TABLE followup ("
     " id TEXT PRIMARY KEY,"
     " tenant TEXT NOT NULL,"
     " workorder TEXT NOT NULL REFERENCES workorder (id),"
     " customer TEXT REFERENCES customer (id),"
     " kind TEXT NOT NULL CHECK (kind IN ('call', 'message')),"
     " address TEXT,"
     " status TEXT NOT NULL CHECK (status IN ('pending', 'done',"
     "  'failed')),"
     " created INTEGER NOT NULL, done INTEGER);"
     "CREATE INDEX followup_status ON followup (tenant, status, created);"
     "CREATE INDEX followup_workorder ON followup (workorder);"
     /* Satisfaction 1..5 of a contact or of an order's handling. */
     "CREATE TABLE satisfaction ("
     " seq INTEGER PRIMARY KEY,"
     " tenant TEXT NOT NULL,"
     " interaction TEXT, workorder TEXT REFERENCES workorder (id),"
     " score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),"
     " source TEXT NOT NULL CHECK (source IN ('agent', 'ivr')),"
     " actor TEXT, time INTEGER NOT NULL);"
     "CREATE INDEX satisfaction_tenant_time ON satisfaction (tenant, time);"
     "CREATE INDEX satisfaction_workorder ON satisfaction (workorder);"},
    {12, "appointments",
     "CREATE TABLE appointment_slot ("
     " id TEXT PRIMARY KEY,"
     " tenant TEXT NOT NULL, service TEXT NOT NULL,"
     " start INTEGER NOT NULL, length_s INTEGER NOT NULL,"
     " capacity INTEGER NOT NULL CHECK (capacity >= 0),"
     " booked INTEGER NOT NULL CHECK (booked >= 0"
     "  AND booked <= capacity),"
     " UNIQUE (tenant, service, start));"
     "CREATE TABLE appointment ("
     " id TEXT PRIMARY KEY,"
     " tenant TEXT NOT NULL,"
     " slot TEXT NOT NULL REFERENCES appointment_slot (id),"
     " customer TEXT REFERENCES customer (id),"
     " phone TEXT, source TEXT NOT NULL, actor TEXT,"
     " code TEXT NOT NULL,"
     " created INTEGER NOT NULL, cancelled INTEGER,"
     " UNIQUE (tenant, code));"
     "CREATE INDEX appointment_slot_idx ON appointment (slot);"
     "CREATE INDEX appointment_customer ON appointment (customer);"},
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
    {13, "workorder_search_index",
     /* id last: a search finds its page of ids in the index alone
      * (open orders of a unit by status, bench/crm) */
     "DROP INDEX workorder_unit_status;"
     "DROP INDEX workorder_status;"
     "CREATE INDEX workorder_unit_status"
     " ON workorder (tenant, unit, status, due, id);"
     "CREATE INDEX workorder_status"
     " ON workorder (tenant, status, due, id);"},
    {14, "unit_users",
     /* Handling units' users (role unit) may be made through the API:
      * the user table's CHECK is rebuilt to allow them (SQLite cannot
      * change a CHECK in place). */
     "CREATE TABLE user_v14 ("
     " tenant TEXT NOT NULL, username TEXT NOT NULL,"
     " role TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent',"
     "  'unit')),"
     " agent TEXT, language TEXT, name TEXT,"
     " password_hash TEXT NOT NULL, created INTEGER NOT NULL,"
     " PRIMARY KEY (tenant, username));"
     "INSERT INTO user_v14 (tenant, username, role, agent, language, name,"
     " password_hash, created) SELECT tenant, username, role, agent,"
     " language, name, password_hash, created FROM user;"
     "DROP TABLE user;"
     "ALTER TABLE user_v14 RENAME TO user;"},
    {17, "satisfaction_by_interaction",
     /* a contact's score (the post-call survey) is read with its
      * interaction record: GET /api/v1/interactions/{id} */
     "CREATE INDEX satisfaction_interaction"
     " ON satisfaction (tenant, interaction, seq);"},
};

unsigned store_schema_latest(void)
{
	unsigned v = 0;

	for (size_t i = 0; i < ARRAY_LEN(migrations); i++)
		v = migrations[i].version > v ? migrations[i].version : v;
	return v;
}

size_t store_schema_count(void)
{
	return ARRAY_LEN(migrations);
}

unsigned store_schema_version_at(size_t i)
{
	return i < ARRAY_LEN(migrations) ? migrations[i].version : 0;
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

/* The versions recorded in schema_version; *unknownp gets one this build
 * does not have (0 if none). */
static int applied_versions(struct store_conn *c, bool *applied,
                            unsigned *unknownp)
{
	sqlite3_stmt *st;
	int rc;

	*unknownp = 0;
	rc = sqlite3_prepare_v2(c->db, "SELECT version FROM schema_version", -1,
	                        &st, NULL);
	if (rc != SQLITE_OK)
		return store_conn_fail(c, rc, "schema version");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 v = sqlite3_column_int64(st, 0);
		bool known = false;

		for (size_t i = 0; i < ARRAY_LEN(migrations); i++)
			known |= migrations[i].version == v;
		if (known)
			applied[v] = true;
		else if (!*unknownp || (unsigned)v > *unknownp)
			*unknownp = v > 0 && v < UINT32_MAX ? (unsigned)v : 1;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_conn_fail(c, rc, "schema version");
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
	bool applied[VERSION_MAX + 1] = {false};
	char *msg = NULL;
	unsigned unknown, nobj;
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
	/* Versions are a set, not a counter: branches developed side by side
	 * take numbers from separate ranges (1.., 10..), and a database made
	 * by one branch gets the other's migrations once they are merged.
	 * Every recorded version must be one this build knows. */
	err = applied_versions(c, applied, &unknown);
	if (err)
		goto fail;
	if (unknown) {
		snprintf(errbuf, errsz,
		         "%s: schema version %u is newer than this hotline "
		         "knows (%u): upgrade hotline",
		         c->path, unknown, store_schema_latest());
		err = EPROTO;
		goto fail;
	}
	for (size_t i = 0; i < ARRAY_LEN(migrations) && !m; i++) {
		if (migrations[i].version <= target &&
		    !applied[migrations[i].version])
			m = &migrations[i];
	}
	if (!m) {
		*donep = true;
		err = store_conn_commit(c);
		goto out;
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
