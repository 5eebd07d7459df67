/**
 * @file conn.c  One SQLite connection: opening with the pragmas the store
 * relies on, the per-connection statement cache, error mapping.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <re.h>

#include "core/core.h"
#include "store/internal.h"

static void conn_destructor(void *arg)
{
	struct store_conn *c = arg;

	for (size_t i = 0; i < ARRAY_LEN(c->stmt); i++)
		sqlite3_finalize(c->stmt[i]);
	/* close_v2: never leaves the handle half-open if something is still
	 * unfinalized; there is nothing, but it costs nothing to be safe. */
	sqlite3_close_v2(c->db);
	mem_deref(c->path);
}

int store_errno(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return 0;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return EBUSY;
	case SQLITE_NOMEM:
		return ENOMEM;
	case SQLITE_READONLY:
		return EROFS;
	case SQLITE_FULL:
		return ENOSPC;
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
	case SQLITE_RANGE:
		return EINVAL;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
	case SQLITE_SCHEMA:
		return EPROTO;
	case SQLITE_PERM:
	case SQLITE_AUTH:
	case SQLITE_CANTOPEN:
		return EACCES;
	case SQLITE_TOOBIG:
		return EMSGSIZE;
	case SQLITE_INTERRUPT:
		return EINTR;
	default:
		return EIO;
	}
}

int store_conn_fail(struct store_conn *c, int rc, const char *what)
{
	HL_ERROR(STORE_LOG, "%s: %s: %s (sqlite %d)", c->path, what,
	         sqlite3_errmsg(c->db), rc);
	return store_errno(rc) ? store_errno(rc) : EIO;
}

/* SQLite says only "unable to open database file"; find out why so the
 * message tells the operator what to fix. */
static int explain_open_failure(const char *path, int rc, const char *msg,
                                char *err, size_t errsz)
{
	char dirbuf[4096];
	struct stat st;
	const char *dir;

	if (strlen(path) >= sizeof(dirbuf)) {
		snprintf(err, errsz, "cannot open database %s: path too long",
		         path);
		return ENAMETOOLONG;
	}
	strcpy(dirbuf, path);
	dir = dirname(dirbuf);

	if (stat(dir, &st) < 0) {
		int e = errno;
		snprintf(err, errsz,
		         "cannot open database %s: directory %s: %s", path, dir,
		         strerror(e));
		return e;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errsz,
		         "cannot open database %s: %s is not a directory", path,
		         dir);
		return ENOTDIR;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errsz, "cannot open database %s: is a directory",
		         path);
		return EISDIR;
	}
	if (access(dir, W_OK) < 0) {
		int e = errno;
		snprintf(err, errsz,
		         "cannot open database %s: directory %s is not "
		         "writable (%s)",
		         path, dir, strerror(e));
		return e;
	}
	snprintf(err, errsz, "cannot open database %s: %s", path, msg);
	return store_errno(rc) ? store_errno(rc) : EIO;
}

/* Run a pragma and return its single text result in buf ("" if none). */
static int pragma(struct store_conn *c, const char *sql, char *buf,
                  size_t bufsz)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (buf && bufsz)
		buf[0] = '\0';
	rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		if (buf && bufsz && t)
			snprintf(buf, bufsz, "%s", (const char *)t);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int store_conn_open(struct store_conn **cp, const char *path,
                    const struct store_cfg *cfg, bool reader, char *err,
                    size_t errsz)
{
	struct store_conn *c;
	char sql[64], res[32];
	int flags, rc, e = 0;

	c = mem_zalloc(sizeof(*c), conn_destructor);
	if (!c)
		return ENOMEM;
	e = str_dup(&c->path, path);
	if (e)
		goto out;

	/* Each connection is used by one thread at a time (the worker's by
	 * the worker, the reader's under a mutex): no SQLite mutexes. */
	flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	if (!reader)
		flags |= SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &c->db, flags, NULL);
	if (rc != SQLITE_OK) {
		e = explain_open_failure(
		    path, rc, c->db ? sqlite3_errmsg(c->db) : "no memory", err,
		    errsz);
		goto out;
	}
	sqlite3_extended_result_codes(c->db, 1);

	/* A write-protected file opens read-only without complaint. */
	if (!reader && sqlite3_db_readonly(c->db, "main") == 1) {
		snprintf(err, errsz,
		         "cannot open database %s: the file is read-only",
		         path);
		e = EROFS;
		goto out;
	}

	rc = sqlite3_busy_timeout(c->db, (int)cfg->busy_timeout_ms);
	if (rc == SQLITE_OK && !reader) {
		/* The first statement reads the header: a file that is not a
		 * database fails here. */
		rc = pragma(c, "PRAGMA journal_mode=WAL", res, sizeof(res));
		if (rc == SQLITE_OK && strcmp(res, "wal")) {
			snprintf(err, errsz,
			         "cannot open database %s: WAL mode refused "
			         "(journal mode stays '%s')",
			         path, res);
			e = EIO;
			goto out;
		}
	}
	if (rc == SQLITE_OK) {
		snprintf(sql, sizeof(sql), "PRAGMA synchronous=%s",
		         cfg->sync == STORE_SYNC_NORMAL ? "NORMAL" : "FULL");
		rc = pragma(c, sql, NULL, 0);
	}
	if (rc == SQLITE_OK) {
		/* SQLite's default is 2 MB: with millions of customers and
		 * interactions the indexes' random inserts (caller, customer)
		 * then read most pages back from the OS at every batch. */
		snprintf(sql, sizeof(sql), "PRAGMA cache_size=-%u",
		         (cfg->cache_mb ? cfg->cache_mb : 64) * 1024);
		rc = pragma(c, sql, NULL, 0);
	}
	if (rc == SQLITE_OK)
		rc = pragma(c, "PRAGMA foreign_keys=ON", NULL, 0);
	if (rc == SQLITE_OK && reader)
		rc = pragma(c, "PRAGMA query_only=ON", NULL, 0);
	if (rc == SQLITE_OK && !reader) {
		/* Checks the file really is a database (the pragmas above
		 * may not touch it when the WAL is already set). */
		rc = pragma(c, "SELECT count(*) FROM sqlite_master", NULL, 0);
	}
	if (rc != SQLITE_OK) {
		if ((rc & 0xff) == SQLITE_NOTADB)
			snprintf(err, errsz,
			         "cannot open database %s: not an SQLite "
			         "database",
			         path);
		else if ((rc & 0xff) == SQLITE_CANTOPEN ||
		         (rc & 0xff) == SQLITE_READONLY) {
			/* e.g. the -wal file cannot be created */
			e = explain_open_failure(
			    path, rc, sqlite3_errmsg(c->db), err, errsz);
			goto out;
		} else
			snprintf(err, errsz, "cannot open database %s: %s",
			         path, sqlite3_errmsg(c->db));
		e = store_errno(rc) ? store_errno(rc) : EIO;
		goto out;
	}

out:
	if (e)
		mem_deref(c);
	else
		*cp = c;
	return e;
}

sqlite3_stmt *store_conn_stmt(struct store_conn *c, unsigned slot,
                              const char *sql)
{
	sqlite3_stmt *st;
	int rc;

	if (slot >= SLOT_MAX)
		return NULL;
	st = c->stmt[slot];
	if (!st) {
		rc = sqlite3_prepare_v3(c->db, sql, -1,
		                        SQLITE_PREPARE_PERSISTENT, &st, NULL);
		if (rc != SQLITE_OK) {
			store_conn_fail(c, rc, "prepare");
			return NULL;
		}
		c->stmt[slot] = st;
		return st;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

int store_conn_step_slot(struct store_conn *c, unsigned slot, const char *sql)
{
	sqlite3_stmt *st = store_conn_stmt(c, slot, sql);
	int rc;

	if (!st)
		return EIO;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_conn_fail(c, rc, sql);
	return 0;
}

int store_conn_begin(struct store_conn *c)
{
	/* IMMEDIATE takes the write lock now, so a busy database is seen
	 * (and waited for) here rather than in the middle of the batch. */
	return store_conn_step_slot(c, SLOT_BEGIN, "BEGIN IMMEDIATE");
}

int store_conn_commit(struct store_conn *c)
{
	return store_conn_step_slot(c, SLOT_COMMIT, "COMMIT");
}

void store_conn_rollback(struct store_conn *c)
{
	if (store_conn_in_txn(c))
		(void)store_conn_step_slot(c, SLOT_ROLLBACK, "ROLLBACK");
}

int store_savepoint(struct store_conn *c)
{
	return store_conn_step_slot(c, SLOT_SAVEPOINT, "SAVEPOINT job");
}

int store_release(struct store_conn *c)
{
	return store_conn_step_slot(c, SLOT_RELEASE, "RELEASE job");
}

/* Undo the job's changes and end its savepoint; the batch goes on. */
void store_rollback_to(struct store_conn *c)
{
	if (!store_conn_in_txn(c))
		return; /* the whole transaction is gone already */
	if (!store_conn_step_slot(c, SLOT_ROLLBACK_TO, "ROLLBACK TO job"))
		(void)store_release(c);
}

bool store_conn_in_txn(const struct store_conn *c)
{
	return !sqlite3_get_autocommit(c->db);
}

int store_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (!s)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

int store_bind_ms(sqlite3_stmt *st, int i, uint64_t ms)
{
	if (!ms)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_int64(st, i, (sqlite3_int64)ms);
}

int store_bind_u64(sqlite3_stmt *st, int i, uint64_t v)
{
	return sqlite3_bind_int64(st, i, (sqlite3_int64)v);
}

uint64_t store_col_u64(sqlite3_stmt *st, int i)
{
	sqlite3_int64 v = sqlite3_column_int64(st, i); /* NULL reads as 0 */
	return v < 0 ? 0 : (uint64_t)v;
}
