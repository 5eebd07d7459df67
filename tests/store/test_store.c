/**
 * @file test_store.c  The storage subsystem against real SQLite files in a
 * temporary directory: reads and writes (sync and through the libre loop),
 * merge updates, filters, intervals, agent states, migrations from every
 * earlier schema, open errors, close flushing, group commit, a full queue,
 * a failing statement inside a batch, ids.
 */
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <re.h>
#include <sqlite3.h>

#include "core/core.h"
#include "store/internal.h"
#include "store/store.h"

/* --- helpers ------------------------------------------------------------- */

static char tmpdir[256];

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/hotline-store-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static const char *db_path(const char *name)
{
	static char p[2][512];
	static int k;
	k ^= 1;
	snprintf(p[k], sizeof(p[k]), "%s/%s", tmpdir, name);
	return p[k];
}

static struct store *open_ok(const char *name)
{
	struct store *s = NULL;
	char err[512];
	int e = store_open(&s, db_path(name), err, sizeof(err));
	if (e)
		fail_msg("store_open: %s (%d)", err, e);
	assert_non_null(s);
	return s;
}

static void close_store(struct store *s)
{
	store_close(s);
	mem_deref(s);
}

static struct store_interaction mk(const char *tenant, uint64_t arrived)
{
	struct store_interaction in;
	memset(&in, 0, sizeof(in));
	store_new_id(in.id);
	in.tenant = tenant;
	in.channel = "voice";
	in.arrived = arrived;
	return in;
}

/* Run the loop until *flag is set; fail after 20 s so tests terminate. */
static bool loop_timed_out;
static void loop_timeout(void *arg)
{
	(void)arg;
	loop_timed_out = true;
	re_cancel();
}

static void run_loop_until(const bool *flag)
{
	struct tmr t;
	tmr_init(&t);
	loop_timed_out = false;
	tmr_start(&t, 20000, loop_timeout, NULL);
	if (!*flag)
		re_main(NULL);
	tmr_cancel(&t);
	assert_false(loop_timed_out);
	assert_true(*flag);
}

static sqlite3 *raw_open(const char *path)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

static void raw_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static long raw_count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long n = -1;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static size_t count_interactions(struct store *s,
                                 const struct store_interaction_filter *f)
{
	struct store_interaction *v = NULL;
	size_t n = 0;
	assert_int_equal(store_interactions_get_sync(s, f, &v, &n), 0);
	mem_deref(v);
	return n;
}

/* --- open ---------------------------------------------------------------- */

static void test_open_empty(void **state)
{
	struct store_interaction_filter f = {0};
	struct store_interaction *v = (void *)1;
	struct stat st;
	size_t n = 99;
	sqlite3 *db;
	struct store *s;

	(void)state;
	s = open_ok("empty.db");
	assert_int_equal(store_interactions_get_sync(s, &f, &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v);
	assert_int_equal(stat(db_path("empty.db-wal"), &st), 0);
	close_store(s);

	db = raw_open(db_path("empty.db"));
	assert_int_equal(raw_count(db, "SELECT max(version) FROM "
	                               "schema_version"),
	                 (long)store_schema_latest());
	sqlite3_stmt *q;
	sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
	sqlite3_finalize(q);
	sqlite3_close(db);
}

static void test_open_errors(void **state)
{
	struct store *s = NULL;
	char err[512], path[600];
	FILE *f;
	int e;

	(void)state;
	/* directory missing */
	snprintf(path, sizeof(path), "%s/nope/x.db", tmpdir);
	e = store_open(&s, path, err, sizeof(err));
	assert_int_equal(e, ENOENT);
	assert_null(s);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "No such file"));

	/* parent is a regular file */
	f = fopen(db_path("plain"), "w");
	assert_non_null(f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/plain/x.db", tmpdir);
	e = store_open(&s, path, err, sizeof(err));
	assert_int_equal(e, ENOTDIR);
	assert_non_null(strstr(err, path));

	/* the path is a directory */
	e = store_open(&s, tmpdir, err, sizeof(err));
	assert_int_not_equal(e, 0);
	assert_non_null(strstr(err, tmpdir));

	/* not a database at all */
	f = fopen(db_path("garbage.db"), "w");
	assert_non_null(f);
	for (int i = 0; i < 200; i++)
		fputs("this is not an sqlite file\n", f);
	fclose(f);
	e = store_open(&s, db_path("garbage.db"), err, sizeof(err));
	assert_int_equal(e, EPROTO);
	assert_non_null(strstr(err, "garbage.db"));
	assert_non_null(strstr(err, "not an SQLite database"));

	/* an SQLite database of something else */
	sqlite3 *db = raw_open(db_path("other.db"));
	raw_exec(db, "CREATE TABLE customers (name TEXT)");
	sqlite3_close(db);
	e = store_open(&s, db_path("other.db"), err, sizeof(err));
	assert_int_equal(e, EPROTO);
	assert_non_null(strstr(err, "not a hotline database"));

	/* no path */
	assert_int_equal(store_open(&s, "", err, sizeof(err)), EINVAL);
	assert_int_equal(store_open(&s, NULL, NULL, 0), EINVAL);

	/* unwritable directory: only meaningful when not root */
	if (geteuid() != 0) {
		snprintf(path, sizeof(path), "%s/ro", tmpdir);
		assert_int_equal(mkdir(path, 0500), 0);
		snprintf(path, sizeof(path), "%s/ro/x.db", tmpdir);
		e = store_open(&s, path, err, sizeof(err));
		assert_int_equal(e, EACCES);
		assert_non_null(strstr(err, "not writable"));
		snprintf(path, sizeof(path), "%s/ro", tmpdir);
		chmod(path, 0700);
	}
}

static void test_newer_schema_refused(void **state)
{
	struct store *s = NULL;
	char err[512];
	sqlite3 *db;

	(void)state;
	s = open_ok("newer.db");
	close_store(s);
	s = NULL;
	db = raw_open(db_path("newer.db"));
	raw_exec(db, "INSERT INTO schema_version VALUES (999, 'future', 0)");
	sqlite3_close(db);
	assert_int_equal(store_open(&s, db_path("newer.db"), err, sizeof(err)),
	                 EPROTO);
	assert_null(s);
	assert_non_null(strstr(err, "newer"));
	assert_non_null(strstr(err, "999"));
}

/* --- interactions -------------------------------------------------------- */

static void test_put_get_sync(void **state)
{
	struct store_interaction_filter f = {0};
	struct store_interaction in, *v = NULL;
	struct store *s;
	size_t n = 0;

	(void)state;
	s = open_ok("sync.db");
	in = mk("acme", 1700000000000ull);
	in.caller = "+15551234";
	in.dialed = "+18005550100";
	in.queue = "support";
	in.agent = "1001";
	in.queued = in.arrived + 10;
	in.offered = in.arrived + 2000;
	in.answered = in.arrived + 5000;
	in.ended = in.arrived + 65000;
	in.disposition = STORE_DISP_ANSWERED;
	in.sip_code = 200;
	in.reason = "caller hung up";
	in.recording = "/var/rec/x.wav";
	assert_int_equal(store_interaction_put(s, &in, NULL, NULL), 0);
	assert_int_equal(store_flush_sync(s), 0);

	f.id = in.id;
	assert_int_equal(store_interactions_get_sync(s, &f, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, in.id);
	assert_string_equal(v[0].tenant, "acme");
	assert_string_equal(v[0].channel, "voice");
	assert_string_equal(v[0].caller, "+15551234");
	assert_string_equal(v[0].dialed, "+18005550100");
	assert_string_equal(v[0].queue, "support");
	assert_string_equal(v[0].agent, "1001");
	assert_int_equal(v[0].arrived, in.arrived);
	assert_int_equal(v[0].queued, in.queued);
	assert_int_equal(v[0].offered, in.offered);
	assert_int_equal(v[0].answered, in.answered);
	assert_int_equal(v[0].ended, in.ended);
	assert_int_equal(v[0].disposition, STORE_DISP_ANSWERED);
	assert_int_equal(v[0].sip_code, 200);
	assert_string_equal(v[0].reason, "caller hung up");
	assert_string_equal(v[0].recording, "/var/rec/x.wav");
	mem_deref(v);

	/* A sparse record reads back with NULLs and zeros. */
	in = mk("acme", 1700000001000ull);
	assert_int_equal(store_interaction_put(s, &in, NULL, NULL), 0);
	assert_int_equal(store_flush_sync(s), 0);
	f.id = in.id;
	assert_int_equal(store_interactions_get_sync(s, &f, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_null(v[0].caller);
	assert_null(v[0].agent);
	assert_null(v[0].recording);
	assert_int_equal(v[0].answered, 0);
	assert_int_equal(v[0].disposition, STORE_DISP_NONE);
	assert_int_equal(v[0].sip_code, 0);
	mem_deref(v);
	close_store(s);
}

static void test_invalid_args(void **state)
{
	struct store_interaction in;
	struct store_interaction_filter f = {0};
	struct store_interval iv = {0};
	struct store *s;

	(void)state;
	s = open_ok("inval.db");
	in = mk("acme", 1);
	in.tenant = NULL;
	assert_int_equal(store_interaction_put(s, &in, NULL, NULL), EINVAL);
	in = mk("acme", 1);
	in.channel = "";
	assert_int_equal(store_interaction_put(s, &in, NULL, NULL), EINVAL);
	in = mk("acme", 1);
	memset(in.id, 'A', sizeof(in.id)); /* no NUL */
	assert_int_equal(store_interaction_put(s, &in, NULL, NULL), EINVAL);
	in = mk("acme", 1);
	in.id[0] = '\0';
	assert_int_equal(store_interaction_put(s, &in, NULL, NULL), EINVAL);
	in = mk("acme", 1);
	in.disposition = (enum store_disposition)42;
	assert_int_equal(store_interaction_put(s, &in, NULL, NULL), EINVAL);
	assert_int_equal(store_interaction_put(NULL, &in, NULL, NULL), EINVAL);
	assert_int_equal(store_interactions_get(s, &f, NULL, NULL), EINVAL);
	iv.tenant = "acme";
	assert_int_equal(store_interval_put(s, &iv, NULL, NULL), EINVAL);
	assert_int_equal(
	    store_agent_state_put(s, "acme", "1001", NULL, NULL, 0), EINVAL);
	assert_int_equal(
	    store_agent_state_put(s, "acme", "", "available", NULL, 0), EINVAL);
	assert_int_equal(store_flush_sync(s), 0);
	assert_int_equal(count_interactions(s, &f), 0);
	close_store(s);
}

/* Merge updates: each put fills in what it knows. */
static void test_update_merge(void **state)
{
	struct store_interaction_filter f = {0};
	struct store_interaction in, upd, *v = NULL;
	struct store *s;
	size_t n;

	(void)state;
	s = open_ok("merge.db");
	in = mk("acme", 1000);
	in.caller = "+1555";
	in.queue = "sales";
	assert_int_equal(store_interaction_put(s, &in, NULL, NULL), 0);

	memset(&upd, 0, sizeof(upd));
	memcpy(upd.id, in.id, sizeof(upd.id));
	upd.tenant = "acme";
	upd.channel = "voice";
	upd.agent = "1002";
	upd.offered = 1500;
	upd.answered = 3000;
	assert_int_equal(store_interaction_put(s, &upd, NULL, NULL), 0);

	upd.agent = NULL;
	upd.offered = upd.answered = 0;
	upd.ended = 9000;
	upd.disposition = STORE_DISP_ANSWERED;
	upd.sip_code = 200;
	upd.reason = "agent hung up";
	upd.queue = "sales-2"; /* a transfer: a known value replaces */
	assert_int_equal(store_interaction_put(s, &upd, NULL, NULL), 0);
	assert_int_equal(store_flush_sync(s), 0);

	f.id = in.id;
	assert_int_equal(store_interactions_get_sync(s, &f, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].caller, "+1555");
	assert_string_equal(v[0].queue, "sales-2");
	assert_string_equal(v[0].agent, "1002");
	assert_int_equal(v[0].arrived, 1000);
	assert_int_equal(v[0].offered, 1500);
	assert_int_equal(v[0].answered, 3000);
	assert_int_equal(v[0].ended, 9000);
	assert_int_equal(v[0].disposition, STORE_DISP_ANSWERED);
	assert_int_equal(v[0].sip_code, 200);
	assert_string_equal(v[0].reason, "agent hung up");
	mem_deref(v);

	/* Another tenant cannot take the record over. */
	upd.tenant = "evil";
	upd.reason = "hijacked";
	assert_int_equal(store_interaction_put(s, &upd, NULL, NULL), 0);
	assert_int_equal(store_flush_sync(s), EPERM);
	assert_int_equal(store_flush_sync(s), 0); /* reported once */
	assert_int_equal(store_interactions_get_sync(s, &f, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].tenant, "acme");
	assert_string_equal(v[0].reason, "agent hung up");
	mem_deref(v);
	f.id = NULL;
	assert_int_equal(count_interactions(s, &f), 1);
	close_store(s);
}

/* An agent's contacts today after a restart: answered since the day's
 * start, per agent of one tenant; unanswered ones, other tenants and the
 * day before do not count. */
static void test_agent_contacts(void **state)
{
	const uint64_t day = 1700000000000ull;
	struct store_agent_count *v = NULL;
	struct store_interaction in;
	struct store *s;
	size_t n = 9;

	(void)state;
	s = open_ok("contacts.db");
	assert_int_equal(store_agent_contacts_sync(s, "acme", day, &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v);
	for (int i = 0; i < 5; i++) {
		in = mk("acme", day + 1000 * (uint64_t)i);
		in.agent = i < 3 ? "1001" : "1002";
		in.answered = in.arrived + 500;
		assert_int_equal(store_interaction_put(s, &in, NULL, NULL), 0);
	}
	in = mk("acme", day - 60000); /* yesterday, answered after midnight */
	in.agent = "1002";
	in.answered = day + 10;
	assert_int_equal(store_interaction_put(s, &in, NULL, NULL), 0);
	in = mk("acme", day - 120000); /* answered yesterday */
	in.agent = "1001";
	in.answered = day - 60000;
	assert_int_equal(store_interaction_put(s, &in, NULL, NULL), 0);
	in = mk("acme", day + 9000); /* abandoned: no agent, no answer */
	assert_int_equal(store_interaction_put(s, &in, NULL, NULL), 0);
	in = mk("globex", day + 9000);
	in.agent = "1001";
	in.answered = day + 9500;
	assert_int_equal(store_interaction_put(s, &in, NULL, NULL), 0);
	assert_int_equal(store_flush_sync(s), 0);

	assert_int_equal(store_agent_contacts_sync(s, "acme", day, &v, &n), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(v[i].agent, "1001"))
			assert_int_equal(v[i].contacts, 3);
		else {
			assert_string_equal(v[i].agent, "1002");
			assert_int_equal(v[i].contacts, 3);
		}
	}
	mem_deref(v);
	assert_int_equal(store_agent_contacts_sync(s, NULL, day, &v, &n),
			 EINVAL);
	close_store(s);
}

static void test_filters(void **state)
{
	static const char *tenants[] = {"acme", "globex"};
	static const char *agents[] = {"1001", "1002", "1003"};
	static const char *queues[] = {"sales", "support"};
	static const char *callers[] = {"+100", "+200", "+300", "+400"};
	struct store_interaction_filter f;
	struct store_interaction *v = NULL;
	struct store *s;
	size_t n, want;
	const uint64_t t0 = 1700000000000ull;
	const int N = 240;

	(void)state;
	s = open_ok("filters.db");
	for (int i = 0; i < N; i++) {
		struct store_interaction in = mk(tenants[i % 2], t0 + i * 1000);
		in.agent = agents[i % 3];
		in.queue = queues[(i / 2) % 2];
		in.caller = callers[i % 4];
		assert_int_equal(store_interaction_put(s, &in, NULL, NULL), 0);
	}
	/* one without arrival time */
	struct store_interaction late = mk("acme", 0);
	assert_int_equal(store_interaction_put(s, &late, NULL, NULL), 0);
	assert_int_equal(store_flush_sync(s), 0);

	memset(&f, 0, sizeof(f));
	f.limit = 10000;
	assert_int_equal(count_interactions(s, &f), N + 1);

	f.tenant = "acme";
	assert_int_equal(count_interactions(s, &f), N / 2 + 1);
	/* newest first, the one without arrival last */
	assert_int_equal(store_interactions_get_sync(s, &f, &v, &n), 0);
	assert_int_equal(v[0].arrived, t0 + (N - 2) * 1000);
	for (size_t i = 1; i + 1 < n; i++)
		assert_true(v[i].arrived < v[i - 1].arrived);
	assert_int_equal(v[n - 1].arrived, 0);
	assert_string_equal(v[n - 1].id, late.id);
	mem_deref(v);

	f.tenant = "globex";
	f.agent = "1002";
	want = 0;
	for (int i = 0; i < N; i++)
		want += (i % 2 == 1 && i % 3 == 1);
	assert_int_equal(count_interactions(s, &f), want);

	memset(&f, 0, sizeof(f));
	f.limit = 10000;
	f.queue = "support";
	f.caller = "+300"; /* i % 4 == 2, (i/2) % 2 == 1 always for those */
	assert_int_equal(count_interactions(s, &f), N / 4);

	memset(&f, 0, sizeof(f));
	f.limit = 10000;
	f.since = t0 + 10 * 1000; /* inclusive */
	f.until = t0 + 20 * 1000; /* exclusive */
	assert_int_equal(count_interactions(s, &f), 10);
	f.tenant = "acme";
	assert_int_equal(count_interactions(s, &f), 5);

	memset(&f, 0, sizeof(f));
	f.limit = 7;
	assert_int_equal(count_interactions(s, &f), 7);
	f.limit = 0; /* default */
	assert_int_equal(count_interactions(s, &f),
	                 (size_t)N + 1 < STORE_LIMIT_DEFAULT
	                     ? (size_t)N + 1
	                     : STORE_LIMIT_DEFAULT);

	memset(&f, 0, sizeof(f));
	f.agent = "nobody";
	assert_int_equal(count_interactions(s, &f), 0);

	/* the queries use the indexes rather than scanning */
	sqlite3 *db = raw_open(db_path("filters.db"));
	sqlite3_stmt *q;
	const char *plans[][2] = {
	    {"SELECT id FROM interaction WHERE tenant = 'a' AND arrived "
	     ">= 1 ORDER BY arrived DESC, id DESC",
	     "interaction_tenant_arrived"},
	    {"SELECT id FROM interaction WHERE agent = 'a' ORDER BY "
	     "arrived DESC, id DESC",
	     "interaction_agent"},
	    {"SELECT id FROM interaction WHERE caller = 'a' ORDER BY "
	     "arrived DESC, id DESC",
	     "interaction_caller"},
	};
	for (size_t i = 0; i < ARRAY_LEN(plans); i++) {
		char sql[512];
		bool found = false;
		snprintf(sql, sizeof(sql), "EXPLAIN QUERY PLAN %s",
		         plans[i][0]);
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL),
		                 SQLITE_OK);
		while (sqlite3_step(q) == SQLITE_ROW)
			found |= strstr((const char *)sqlite3_column_text(q, 3),
			                plans[i][1]) != NULL;
		sqlite3_finalize(q);
		if (!found)
			fail_msg("no index %s for %s", plans[i][1],
			         plans[i][0]);
	}
	sqlite3_close(db);
	close_store(s);
}

/* --- async through the libre loop ---------------------------------------- */

struct async_ctx {
	struct store *s;
	int puts_done;
	int put_errs;
	int want;
	size_t got;
	char first_id[27];
	uint64_t first_arrived;
	bool read_done;
	pthread_t loop_thread;
	bool wrong_thread;
};

static void async_read_h(int err, const struct store_interaction *v, size_t n,
                         void *arg)
{
	struct async_ctx *c = arg;
	if (!pthread_equal(pthread_self(), c->loop_thread))
		c->wrong_thread = true;
	assert_int_equal(err, 0);
	c->got = n;
	if (n) {
		snprintf(c->first_id, sizeof(c->first_id), "%s", v[0].id);
		c->first_arrived = v[0].arrived;
	}
	c->read_done = true;
	re_cancel();
}

static void async_done_h(int err, void *arg)
{
	struct async_ctx *c = arg;
	if (!pthread_equal(pthread_self(), c->loop_thread))
		c->wrong_thread = true;
	if (err)
		c->put_errs++;
	if (++c->puts_done == c->want) {
		/* read from the callback: the loop keeps going */
		struct store_interaction_filter f = {.tenant = "acme",
		                                     .limit = 10000};
		assert_int_equal(
		    store_interactions_get(c->s, &f, async_read_h, c), 0);
	}
}

static void test_put_get_async(void **state)
{
	struct async_ctx c = {0};
	char last[27] = "";

	(void)state;
	c.s = open_ok("async.db");
	c.loop_thread = pthread_self();
	c.want = 50;
	for (int i = 0; i < c.want; i++) {
		struct store_interaction in = mk("acme", 5000 + i);
		memcpy(last, in.id, sizeof(last));
		assert_int_equal(
		    store_interaction_put(c.s, &in, async_done_h, &c), 0);
	}
	/* nothing has been delivered before the loop runs */
	assert_int_equal(c.puts_done, 0);
	run_loop_until(&c.read_done);
	assert_false(c.wrong_thread);
	assert_int_equal(c.puts_done, c.want);
	assert_int_equal(c.put_errs, 0);
	assert_int_equal(c.got, c.want);
	assert_string_equal(c.first_id, last);
	assert_int_equal(c.first_arrived, 5000 + c.want - 1);
	close_store(c.s);
}

/* A read queued right after writes sees them (queue order). */
static void test_read_your_writes(void **state)
{
	struct async_ctx c = {0};

	(void)state;
	c.s = open_ok("ryw.db");
	c.loop_thread = pthread_self();
	for (int i = 0; i < 20; i++) {
		struct store_interaction in = mk("acme", 100 + i);
		assert_int_equal(store_interaction_put(c.s, &in, NULL, NULL),
		                 0);
	}
	struct store_interaction_filter f = {.tenant = "acme"};
	assert_int_equal(store_interactions_get(c.s, &f, async_read_h, &c), 0);
	run_loop_until(&c.read_done);
	assert_int_equal(c.got, 20);
	close_store(c.s);
}

/* --- intervals and agent states ----------------------------------------- */

struct iv_ctx {
	int done;
	int err;
	size_t n;
	uint32_t answered0;
	bool read;
};

static void iv_done(int err, void *arg)
{
	struct iv_ctx *c = arg;
	c->err |= err;
	c->done++;
}

static void iv_read(int err, const struct store_interval *v, size_t n,
                    void *arg)
{
	struct iv_ctx *c = arg;
	c->err |= err;
	c->n = n;
	c->answered0 = n ? v[0].answered : 0;
	c->read = true;
	re_cancel();
}

static void test_intervals(void **state)
{
	struct store_interval_filter f = {0};
	struct store_interval iv, *v = NULL;
	struct iv_ctx c = {0};
	struct store *s;
	const uint64_t t0 = 1700000100000ull - 1700000100000ull % 900000;
	size_t n;

	(void)state;
	s = open_ok("interval.db");
	for (int q = 0; q < 2; q++) {
		for (int k = 0; k < 4; k++) {
			memset(&iv, 0, sizeof(iv));
			iv.tenant = "acme";
			iv.queue = q ? "support" : "sales";
			iv.start = t0 + (uint64_t)k * 900000;
			iv.length_s = 900;
			iv.offered = 10 + k;
			iv.answered = 8 + k;
			iv.answered_in_sl = 7;
			iv.abandoned = 2;
			iv.short_abandoned = 1;
			iv.abandoned_after_sl = 1;
			iv.overflowed = 0;
			iv.handled = 8;
			iv.wait_answered_ms = 12345;
			iv.wait_abandoned_ms = 678;
			iv.handle_ms = 5000000000ull; /* > 32 bits */
			assert_int_equal(
			    store_interval_put(s, &iv, iv_done, &c), 0);
		}
	}
	/* the same interval again replaces it */
	iv.answered = 99;
	assert_int_equal(store_interval_put(s, &iv, iv_done, &c), 0);
	iv.tenant = "globex";
	assert_int_equal(store_interval_put(s, &iv, iv_done, &c), 0);
	assert_int_equal(store_flush_sync(s), 0);
	assert_int_equal(c.done, 10);
	assert_int_equal(c.err, 0);

	f.tenant = "acme";
	assert_int_equal(store_intervals_get_sync(s, &f, &v, &n), 0);
	assert_int_equal(n, 8);
	/* ordered by start then queue */
	assert_int_equal(v[0].start, t0);
	assert_string_equal(v[0].queue, "sales");
	assert_string_equal(v[1].queue, "support");
	assert_int_equal(v[7].start, t0 + 3 * 900000);
	assert_int_equal(v[7].answered, 99);
	assert_int_equal(v[0].offered, 10);
	assert_int_equal(v[0].answered_in_sl, 7);
	assert_int_equal(v[0].abandoned, 2);
	assert_int_equal(v[0].short_abandoned, 1);
	assert_int_equal(v[0].abandoned_after_sl, 1);
	assert_int_equal(v[0].handled, 8);
	assert_int_equal(v[0].length_s, 900);
	assert_int_equal(v[0].wait_answered_ms, 12345);
	assert_int_equal(v[0].wait_abandoned_ms, 678);
	assert_true(v[0].handle_ms == 5000000000ull);
	mem_deref(v);

	f.queue = "sales";
	f.since = t0 + 900000;
	f.until = t0 + 3 * 900000;
	assert_int_equal(store_intervals_get_sync(s, &f, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].answered, 9);
	mem_deref(v);

	memset(&f, 0, sizeof(f));
	f.tenant = "globex";
	c.err = 0;
	assert_int_equal(store_intervals_get(s, &f, iv_read, &c), 0);
	run_loop_until(&c.read);
	assert_int_equal(c.err, 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.answered0, 99);
	close_store(s);
}

static bool as_read;
static size_t as_n;
static void as_read_h(int err, const struct store_agent_state *v, size_t n,
                      void *arg)
{
	(void)arg;
	assert_int_equal(err, 0);
	as_n = n;
	if (n)
		assert_string_equal(v[n - 1].state, "logged-out");
	as_read = true;
	re_cancel();
}

static void test_agent_states(void **state)
{
	struct store_agent_state_filter f = {0};
	struct store_agent_state *v = NULL;
	struct store *s;
	uint64_t before = hl_wall_ms();
	size_t n;

	(void)state;
	s = open_ok("agent.db");
	assert_int_equal(
	    store_agent_state_put(s, "acme", "1001", "available", NULL, 1000),
	    0);
	assert_int_equal(store_agent_state_put(s, "acme", "1001", "not-ready",
	                                       "break", 2000),
	                 0);
	assert_int_equal(
	    store_agent_state_put(s, "acme", "1002", "available", NULL, 2000),
	    0);
	/* same time: kept in the order put */
	assert_int_equal(
	    store_agent_state_put(s, "acme", "1001", "available", NULL, 2000),
	    0);
	assert_int_equal(
	    store_agent_state_put(s, "globex", "1001", "available", NULL, 1500),
	    0);
	assert_int_equal(
	    store_agent_state_put(s, "acme", "1001", "logged-out", NULL, 0), 0);
	assert_int_equal(store_flush_sync(s), 0);

	f.tenant = "acme";
	f.agent = "1001";
	assert_int_equal(store_agent_states_get_sync(s, &f, &v, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(v[0].state, "available");
	assert_int_equal(v[0].time, 1000);
	assert_null(v[0].reason);
	assert_string_equal(v[1].state, "not-ready");
	assert_string_equal(v[1].reason, "break");
	assert_string_equal(v[2].state, "available");
	assert_int_equal(v[2].time, 2000);
	assert_string_equal(v[3].state, "logged-out");
	assert_true(v[3].time >= before); /* 0 = now */
	assert_string_equal(v[3].tenant, "acme");
	assert_string_equal(v[3].agent, "1001");
	mem_deref(v);

	f.agent = NULL;
	f.since = 1500;
	f.until = 2001;
	assert_int_equal(store_agent_states_get_sync(s, &f, &v, &n), 0);
	assert_int_equal(n, 3);
	mem_deref(v);

	memset(&f, 0, sizeof(f));
	f.agent = "1001";
	assert_int_equal(store_agent_states_get(s, &f, as_read_h, NULL), 0);
	run_loop_until(&as_read);
	assert_int_equal(as_n, 5);
	close_store(s);
}

/* --- migrations ---------------------------------------------------------- */

static void test_migrations(void **state)
{
	const unsigned latest = store_schema_latest();
	char err[512], name[64];

	(void)state;
	assert_true(latest >= 2);
	/* from an empty database, then from each earlier version */
	for (size_t i = 0; i < store_schema_count(); i++) {
		unsigned v = i ? store_schema_version_at(i - 1) : 0;
		struct store_interaction_filter f = {0};
		struct store_interaction in, *rows = NULL;
		struct store *s;
		sqlite3 *db;
		size_t n;

		snprintf(name, sizeof(name), "v%u.db", v);
		if (store_create_at_version(db_path(name), v, err, sizeof(err)))
			fail_msg("create at %u: %s", v, err);
		db = raw_open(db_path(name));
		assert_int_equal(raw_count(db, "SELECT coalesce(max(version),"
		                               " 0) FROM schema_version"),
		                 (long)v);
		if (v >= 1) {
			/* data as a build of that version wrote it */
			raw_exec(db,
			         "INSERT INTO interaction (id, tenant, "
			         "channel, caller, arrived, disposition, "
			         "updated) VALUES ('01OLD', 'acme', 'voice', "
			         "'+1', 42, 'abandoned', 1)");
			raw_exec(db, "INSERT INTO queue_interval VALUES "
			             "('acme', 'q', 0, 900, 1, 1, 1, 0, 0, 0, "
			             "0, 1, 5, 0, 7)");
			raw_exec(db, "INSERT INTO agent_state (tenant, agent, "
			             "state, time) VALUES ('acme', '1', "
			             "'available', 3)");
		}
		sqlite3_close(db);

		s = open_ok(name);
		db = raw_open(db_path(name));
		assert_int_equal(raw_count(db, "SELECT max(version) FROM "
		                               "schema_version"),
		                 (long)latest);
		assert_int_equal(raw_count(db, "SELECT count(*) FROM "
		                               "schema_version"),
		                 (long)store_schema_count());
		sqlite3_close(db);

		if (v >= 1) {
			f.id = "01OLD";
			assert_int_equal(
			    store_interactions_get_sync(s, &f, &rows, &n), 0);
			assert_int_equal(n, 1);
			assert_string_equal(rows[0].caller, "+1");
			assert_int_equal(rows[0].arrived, 42);
			assert_int_equal(rows[0].disposition,
			                 STORE_DISP_ABANDONED);
			assert_null(rows[0].recording);
			mem_deref(rows);
		}
		/* and the current code writes every field */
		in = mk("acme", 77);
		in.recording = "/rec/a.wav";
		assert_int_equal(store_interaction_put(s, &in, NULL, NULL), 0);
		assert_int_equal(store_flush_sync(s), 0);
		f.id = in.id;
		assert_int_equal(store_interactions_get_sync(s, &f, &rows, &n),
		                 0);
		assert_int_equal(n, 1);
		assert_string_equal(rows[0].recording, "/rec/a.wav");
		mem_deref(rows);
		close_store(s);
	}
}

/* --- close, group commit, backpressure ----------------------------------- */

static int close_cb_count;
static void close_cb(int err, void *arg)
{
	(void)arg;
	assert_int_equal(err, 0);
	close_cb_count++;
}

static void test_close_flushes(void **state)
{
	struct store_interaction_filter f = {.limit = 10000};
	struct store_interaction in;
	struct store *s;
	const int N = 3000;

	(void)state;
	s = open_ok("close.db");
	close_cb_count = 0;
	for (int i = 0; i < N; i++) {
		in = mk("acme", 1 + i);
		assert_int_equal(store_interaction_put(
		                     s, &in, i % 2 ? close_cb : NULL, NULL),
		                 0);
	}
	store_close(s); /* without running the loop */
	assert_int_equal(close_cb_count, N / 2);
	assert_int_equal(store_interaction_put(s, &in, NULL, NULL), ESHUTDOWN);
	assert_int_equal(store_flush_sync(s), ESHUTDOWN);
	struct store_interaction *v = NULL;
	size_t n;
	assert_int_equal(store_interactions_get_sync(s, &f, &v, &n), ESHUTDOWN);
	store_close(s); /* twice is harmless */
	mem_deref(s);

	s = open_ok("close.db");
	assert_int_equal(count_interactions(s, &f), N);
	close_store(s);

	/* mem_deref without store_close still commits (no callbacks) */
	s = open_ok("close.db");
	close_cb_count = 0;
	for (int i = 0; i < 100; i++) {
		in = mk("acme", 1 + i);
		assert_int_equal(store_interaction_put(s, &in, close_cb, NULL),
		                 0);
	}
	mem_deref(s);
	assert_int_equal(close_cb_count, 0);
	s = open_ok("close.db");
	assert_int_equal(count_interactions(s, &f), N + 100);
	close_store(s);
}

struct gc_ctx {
	int done, errs, want;
	bool all;
};

static void gc_done(int err, void *arg)
{
	struct gc_ctx *c = arg;
	if (err)
		c->errs++;
	if (++c->done == c->want) {
		c->all = true;
		re_cancel();
	}
}

static void test_group_commit(void **state)
{
	struct store_interaction_filter f = {.tenant = "acme", .limit = 20000};
	struct gc_ctx c = {.want = 10000};
	struct store_stats st;
	struct store *s;
	char(*ids)[27];
	struct store_interaction *v = NULL;
	size_t n;

	(void)state;
	ids = calloc((size_t)c.want, sizeof(*ids));
	assert_non_null(ids);
	s = open_ok("group.db");
	for (int i = 0; i < c.want; i++) {
		struct store_interaction in = mk("acme", 1000000 + i);
		in.caller = "+15550000";
		in.queue = "support";
		memcpy(ids[i], in.id, sizeof(in.id));
		assert_int_equal(store_interaction_put(s, &in, gc_done, &c), 0);
	}
	run_loop_until(&c.all);
	assert_int_equal(c.errs, 0);
	store_stats(s, &st);
	assert_int_equal(st.committed, (uint64_t)c.want);
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.pending, 0);
	/* group commit: far fewer transactions than changes */
	assert_true(st.batches >= 1);
	assert_true(st.batches < (uint64_t)c.want / 10);
	assert_true(st.batch_peak > 1);

	assert_int_equal(store_interactions_get_sync(s, &f, &v, &n), 0);
	assert_int_equal(n, (size_t)c.want);
	for (size_t i = 0; i < n; i++) /* newest first */
		assert_string_equal(v[i].id, ids[c.want - 1 - i]);
	mem_deref(v);
	free(ids);
	close_store(s);
}

static void test_queue_full(void **state)
{
	struct store_cfg cfg = {.queue_max = 50};
	struct store_interaction_filter f = {0};
	struct store_interaction in;
	struct store *s = NULL;
	char err[256];
	sqlite3 *db;
	int accepted = 0, e = 0;

	(void)state;
	assert_int_equal(
	    store_open_cfg(&s, db_path("full.db"), &cfg, err, sizeof(err)), 0);
	/* Another process holds the write lock: the worker waits (busy
	 * timeout) and the queue fills. */
	db = raw_open(db_path("full.db"));
	raw_exec(db, "BEGIN IMMEDIATE");
	for (int i = 0; i < 1000; i++) {
		in = mk("acme", 1 + i);
		e = store_interaction_put(s, &in, NULL, NULL);
		if (e)
			break;
		accepted++;
	}
	assert_int_equal(e, EBUSY);
	assert_int_equal(accepted, 50);
	assert_int_equal(store_agent_state_put(s, "a", "b", "c", NULL, 1),
	                 EBUSY);
	raw_exec(db, "COMMIT");
	sqlite3_close(db);

	assert_int_equal(store_flush_sync(s), 0);
	assert_int_equal(count_interactions(s, &f), 50);
	in = mk("acme", 5000);
	assert_int_equal(store_interaction_put(s, &in, NULL, NULL), 0);
	assert_int_equal(store_flush_sync(s), 0);
	close_store(s);
}

/* One statement failing inside a batch fails that write alone. */
struct fail_ctx {
	int ok, failed, last_err, want;
	bool all;
};

static void fail_done(int err, void *arg)
{
	struct fail_ctx *c = arg;
	if (err) {
		c->failed++;
		c->last_err = err;
	} else {
		c->ok++;
	}
	if (c->ok + c->failed == c->want) {
		c->all = true;
		re_cancel();
	}
}

static void test_failing_statement(void **state)
{
	struct store_interaction_filter f = {.limit = 1000};
	struct fail_ctx c = {.want = 300};
	struct store *s;
	sqlite3 *db;

	(void)state;
	s = open_ok("fail.db");
	db = raw_open(db_path("fail.db"));
	raw_exec(db, "CREATE TRIGGER boom BEFORE INSERT ON interaction"
	             " WHEN NEW.caller = 'boom'"
	             " BEGIN SELECT RAISE(ABORT, 'refused by test'); END");
	sqlite3_close(db);

	for (int i = 0; i < c.want; i++) {
		struct store_interaction in = mk("acme", 1 + i);
		in.caller = i % 10 == 3 ? "boom" : "+1";
		assert_int_equal(store_interaction_put(s, &in, fail_done, &c),
		                 0);
	}
	run_loop_until(&c.all);
	assert_int_equal(c.failed, c.want / 10);
	assert_int_equal(c.ok, c.want - c.want / 10);
	assert_int_equal(c.last_err, EINVAL);
	assert_int_equal(count_interactions(s, &f), (size_t)c.ok);
	close_store(s);
}

static void test_sync_normal(void **state)
{
	struct store_cfg cfg = {.sync = STORE_SYNC_NORMAL};
	struct store_interaction_filter f = {0};
	struct store_interaction in = mk("acme", 1);
	struct store *s = NULL;
	char err[256];

	(void)state;
	assert_int_equal(
	    store_open_cfg(&s, db_path("normal.db"), &cfg, err, sizeof(err)),
	    0);
	assert_int_equal(store_interaction_put(s, &in, NULL, NULL), 0);
	assert_int_equal(store_flush_sync(s), 0);
	assert_int_equal(count_interactions(s, &f), 1);
	close_store(s);
}

/* --- ids ----------------------------------------------------------------- */

static void test_ids_ordered(void **state)
{
	const int N = 100000;
	char prev[27], id[27];
	uint64_t before, after;

	(void)state;
	before = hl_wall_ms();
	store_new_id(prev);
	for (int i = 0; i < N; i++) {
		store_new_id(id);
		assert_int_equal(strlen(id), 26);
		assert_int_equal(strspn(id, "0123456789ABCDEFGHJKMNPQRSTVWXYZ"),
		                 26);
		if (strcmp(prev, id) >= 0)
			fail_msg("not increasing: %s then %s", prev, id);
		memcpy(prev, id, sizeof(id));
	}
	after = hl_wall_ms();
	assert_true(store_id_time(id) >= before);
	assert_true(store_id_time(id) <= after);
	assert_int_equal(store_id_time("not an id"), 0);
	assert_int_equal(store_id_time("ZZZZZZZZZZZZZZZZZZZZZZZZZZ"), 0);
	assert_int_equal(store_id_time("0000000001ZZZZZZZZZZZZZZZZ"), 1);
	assert_int_equal(store_id_time("0000000001zzzzzzzzzzzzzzzz"), 1);
}

#define ID_THREADS    4
#define ID_PER_THREAD 20000

static void *id_thread(void *arg)
{
	char(*ids)[27] = arg;
	for (int i = 0; i < ID_PER_THREAD; i++)
		store_new_id(ids[i]);
	return NULL;
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void test_ids_unique_threads(void **state)
{
	char(*ids)[27] = calloc(ID_THREADS * ID_PER_THREAD, 27);
	pthread_t t[ID_THREADS];

	(void)state;
	assert_non_null(ids);
	for (int i = 0; i < ID_THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, id_thread,
		                                ids + i * ID_PER_THREAD),
		                 0);
	for (int i = 0; i < ID_THREADS; i++)
		pthread_join(t[i], NULL);
	/* each thread's own ids are increasing */
	for (int k = 0; k < ID_THREADS; k++)
		for (int i = 1; i < ID_PER_THREAD; i++)
			assert_true(strcmp(ids[k * ID_PER_THREAD + i - 1],
			                   ids[k * ID_PER_THREAD + i]) < 0);
	qsort(ids, ID_THREADS * ID_PER_THREAD, 27, cmp_id);
	for (int i = 1; i < ID_THREADS * ID_PER_THREAD; i++)
		assert_true(strcmp(ids[i - 1], ids[i]) < 0);
	free(ids);
}

static void test_disposition_names(void **state)
{
	enum store_disposition d;

	(void)state;
	for (int i = STORE_DISP_ANSWERED; i <= STORE_DISP_FAILED; i++) {
		assert_int_equal(
		    store_disposition_parse(
		        store_disposition_name((enum store_disposition)i), &d),
		    0);
		assert_int_equal(d, i);
	}
	assert_string_equal(store_disposition_name(STORE_DISP_ABANDONED),
	                    "abandoned");
	assert_int_equal(store_disposition_parse("lost", &d), EINVAL);
}

static int group_setup(void **state)
{
	(void)state;
	hl_log_set_level(HL_LOG_OFF); /* expected errors would be noise */
	return libre_init();
}

static int group_teardown(void **state)
{
	(void)state;
	libre_close();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_empty, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_put_get_sync, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_invalid_args, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_update_merge, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_put_get_async, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_read_your_writes, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_intervals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_agent_states, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_migrations, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_close_flushes, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_group_commit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_queue_full, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failing_statement, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_sync_normal, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_agent_contacts, setup, teardown),
	    cmocka_unit_test(test_ids_ordered),
	    cmocka_unit_test(test_ids_unique_threads),
	    cmocka_unit_test(test_disposition_names),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
