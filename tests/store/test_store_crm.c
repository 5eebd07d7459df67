/**
 * @file test_store_crm.c  The CRM records of the store against real SQLite
 * files: customers and identities (duplicates refused), all-or-nothing
 * imports, linking interactions, the screen pop, work-order numbering and
 * changes checked against the current status (a refused change writes
 * nothing), the append-only audit trail (UPDATE and DELETE refused by the
 * database itself), attachments, the deadline scan, follow-ups, and
 * appointment capacity under many concurrent bookings.
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
#include "store/store_crm.h"

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
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/hotline-crmstore-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static struct store *open_db(const char *name)
{
	struct store *s = NULL;
	char path[512], err[512];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if (store_open(&s, path, err, sizeof(err)))
		fail_msg("open: %s", err);
	return s;
}

static void close_db(struct store *s)
{
	store_close(s);
	mem_deref(s);
}

/* A write's outcome, captured by the callback during the flush. */
struct out {
	int err;
	bool called;
	char id[27];
	uint64_t number;
	int status;
	uint32_t version;
	char detail[512];
	char code[16];
	size_t nrejects;
	uint32_t reject_rows[16];
	char reject0[256];
	uint64_t next_check;
};

static void on_result(int err, const struct store_result *r, void *arg)
{
	struct out *o = arg;

	o->called = true;
	o->err = err;
	memcpy(o->id, r->id, sizeof(o->id));
	o->number = r->number;
	o->status = r->status;
	o->version = r->version;
	o->next_check = r->next_check;
	snprintf(o->detail, sizeof(o->detail), "%s",
	         r->detail ? r->detail : "");
	snprintf(o->code, sizeof(o->code), "%s", r->code ? r->code : "");
	o->nrejects = r->nrejects;
	for (size_t i = 0; i < r->nrejects && i < 16; i++)
		o->reject_rows[i] = r->rejects[i].row;
	if (r->nrejects)
		snprintf(o->reject0, sizeof(o->reject0), "%s",
		         r->rejects[0].reason);
}

static void wait_out(struct store *s, struct out *o)
{
	(void)store_flush_sync(s);
	assert_true(o->called);
}

static void add_customer(struct store *s, const char *name, const char *phone,
                         const char *email, struct out *o)
{
	struct store_identity idn[2];
	struct store_customer c = {
	    .tenant = "demo", .name = name, .idents = idn};

	memset(o, 0, sizeof(*o));
	if (phone)
		idn[c.nidents++] =
		    (struct store_identity){STORE_IDENT_PHONE, phone};
	if (email)
		idn[c.nidents++] =
		    (struct store_identity){STORE_IDENT_EMAIL, email};
	assert_int_equal(store_customer_put(s, &c, on_result, o), 0);
	wait_out(s, o);
}

static sqlite3 *raw(const char *name)
{
	char path[512];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

static long count(const char *name, const char *sql)
{
	sqlite3 *db = raw(name);
	sqlite3_stmt *st;
	long n = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* --- customers ----------------------------------------------------------- */

static void test_customers(void **state)
{
	struct store *s = open_db("cust.db");
	struct store_customer *c = NULL;
	struct out a, b, o;

	(void)state;
	add_customer(s, "Wang Fang", "8613800000001", "wf@example.cn", &a);
	assert_int_equal(a.err, 0);
	assert_int_equal(strlen(a.id), 26);

	/* the same phone for somebody else: refused, nothing written */
	add_customer(s, "Li Wei", "8613800000002", NULL, &b);
	assert_int_equal(b.err, 0);
	memset(&o, 0, sizeof(o));
	add_customer(s, "Impostor", "8613800000009", "wf@example.cn", &o);
	assert_int_equal(o.err, EEXIST);
	assert_non_null(strstr(o.detail, "email wf@example.cn already "
	                                 "belongs to customer"));
	assert_non_null(strstr(o.detail, "Wang Fang"));
	assert_int_equal(count("cust.db", "SELECT count(*) FROM customer"), 2);
	assert_int_equal(count("cust.db", "SELECT count(*) FROM "
	                                  "customer_identity WHERE value = "
	                                  "'8613800000009'"),
	                 0);

	/* found by either identity, with every identity */
	assert_int_equal(store_customer_find_sync(s, "demo", STORE_IDENT_PHONE,
	                                          "8613800000001", &c),
	                 0);
	assert_string_equal(c->id, a.id);
	assert_string_equal(c->name, "Wang Fang");
	assert_int_equal(c->nidents, 2);
	assert_int_equal(c->idents[0].kind, STORE_IDENT_EMAIL); /* by kind */
	assert_string_equal(c->idents[1].value, "8613800000001");
	c = mem_deref(c);
	assert_int_equal(store_customer_find_sync(s, "other", STORE_IDENT_PHONE,
	                                          "8613800000001", &c),
	                 ENOENT);
	assert_null(c);

	/* the agent links a second number; a number of another customer
	 * is refused */
	memset(&o, 0, sizeof(o));
	assert_int_equal(store_identity_add(s, "demo", a.id, STORE_IDENT_CHAT,
	                                    "wx:wangfang", on_result, &o),
	                 0);
	wait_out(s, &o);
	assert_int_equal(o.err, 0);
	memset(&o, 0, sizeof(o));
	assert_int_equal(store_identity_add(s, "demo", a.id, STORE_IDENT_PHONE,
	                                    "8613800000002", on_result, &o),
	                 0);
	wait_out(s, &o);
	assert_int_equal(o.err, EEXIST);
	memset(&o, 0, sizeof(o));
	assert_int_equal(store_identity_add(s, "demo", "NOPE",
	                                    STORE_IDENT_PHONE, "1", on_result,
	                                    &o),
	                 0);
	wait_out(s, &o);
	assert_int_equal(o.err, ENOENT);
	assert_int_equal(store_customer_get_sync(s, "demo", a.id, &c), 0);
	assert_int_equal(c->nidents, 3);
	mem_deref(c);
	close_db(s);
}

static void test_import(void **state)
{
	struct store *s = open_db("imp.db");
	struct store_identity id[4] = {
	    {STORE_IDENT_PHONE, "861"},
	    {STORE_IDENT_PHONE, "862"},
	    {STORE_IDENT_PHONE, "861"}, /* row 3 repeats row 1's */
	    {STORE_IDENT_PHONE, "864"},
	};
	struct store_customer rows[4];
	uint32_t rownum[4] = {2, 3, 4, 5};
	struct out o;

	(void)state;
	for (int i = 0; i < 4; i++)
		rows[i] = (struct store_customer){.tenant = "demo",
		                                  .name = "x",
		                                  .idents = &id[i],
		                                  .nidents = 1};
	memset(&o, 0, sizeof(o));
	assert_int_equal(store_customers_import(s, "demo", rows, rownum, 4,
	                                        false, on_result, &o),
	                 0);
	wait_out(s, &o);
	assert_int_equal(o.err, EEXIST);
	assert_int_equal(o.nrejects, 1);
	assert_int_equal(o.reject_rows[0], 4);
	assert_non_null(strstr(o.reject0, "phone 861 already belongs"));
	assert_int_equal(o.number, 0);
	assert_int_equal(count("imp.db", "SELECT count(*) FROM customer"), 0);

	/* skip_bad: the good rows go in */
	memset(&o, 0, sizeof(o));
	assert_int_equal(store_customers_import(s, "demo", rows, rownum, 4,
	                                        true, on_result, &o),
	                 0);
	wait_out(s, &o);
	assert_int_equal(o.err, 0);
	assert_int_equal(o.number, 3);
	assert_int_equal(o.nrejects, 1);
	assert_int_equal(count("imp.db", "SELECT count(*) FROM customer"), 3);

	/* rows of another tenant are a caller's bug */
	rows[0].tenant = "acme";
	assert_int_equal(store_customers_import(s, "demo", rows, NULL, 4, false,
	                                        on_result, &o),
	                 EINVAL);
	close_db(s);
}

/* --- interactions, screen pop -------------------------------------------- */

static void put_interaction(struct store *s, const char *id, const char *caller,
                            uint64_t arrived)
{
	struct store_interaction in = {.tenant = "demo",
	                               .channel = "voice",
	                               .caller = caller,
	                               .arrived = arrived};

	snprintf(in.id, sizeof(in.id), "%s", id);
	assert_int_equal(store_interaction_put(s, &in, NULL, NULL), 0);
}

static void sat_done(int err, void *arg)
{
	*(int *)arg = err;
}

static uint8_t satisfaction_of(struct store *s, const char *tenant,
                               const char *id)
{
	struct store_interaction_filter f = {.tenant = tenant, .id = id};
	struct store_interaction *v = NULL;
	size_t n = 0;
	uint8_t score;

	assert_int_equal(store_interactions_get_sync(s, &f, &v, &n), 0);
	assert_int_equal(n, 1);
	score = v[0].satisfaction;
	mem_deref(v);
	return score;
}

/* The post-call survey's score is read with its interaction (the latest
 * score of that tenant's contact); none reads 0. */
static void test_interaction_satisfaction(void **state)
{
	struct store *s = open_db("sat.db");
	struct store_interaction other = {.tenant = "acme", .channel = "voice"};
	int e1 = -1, e2 = -1, e3 = -1;

	(void)state;
	put_interaction(s, "S1", "5551", 1000);
	put_interaction(s, "S2", "5552", 2000);
	snprintf(other.id, sizeof(other.id), "S3");
	assert_int_equal(store_interaction_put(s, &other, NULL, NULL), 0);
	assert_int_equal(store_satisfaction_put(s, "demo", "S1", 4, "ivr", NULL,
	                                        sat_done, &e1),
	                 0);
	/* tenant demo's score for an id "S3" is not acme's S3 */
	assert_int_equal(store_satisfaction_put(s, "demo", "S3", 2, "ivr", NULL,
	                                        sat_done, &e2),
	                 0);
	(void)store_flush_sync(s);
	assert_int_equal(e1, 0);
	assert_int_equal(e2, 0);
	assert_int_equal(satisfaction_of(s, "demo", "S1"), 4);
	assert_int_equal(satisfaction_of(s, "demo", "S2"), 0);
	assert_int_equal(satisfaction_of(s, "acme", "S3"), 0);
	/* the latest score counts (the agent's after the survey) */
	assert_int_equal(store_satisfaction_put(s, "demo", "S1", 5, "agent",
	                                        "1001", sat_done, &e3),
	                 0);
	(void)store_flush_sync(s);
	assert_int_equal(e3, 0);
	assert_int_equal(satisfaction_of(s, "demo", "S1"), 5);
	/* the record written after the score (the call ends later) keeps it */
	put_interaction(s, "S1", "5551", 1000);
	(void)store_flush_sync(s);
	assert_int_equal(satisfaction_of(s, "demo", "S1"), 5);
	close_db(s);
}

static void test_link_and_pop(void **state)
{
	struct store *s = open_db("pop.db");
	struct store_screen_pop *p = NULL;
	struct store_workorder w = {.tenant = "demo",
	                            .category = "complaint",
	                            .priority = STORE_PRIO_HIGH,
	                            .subject = "noise"};
	struct out a, o;

	(void)state;
	add_customer(s, "Wang Fang", "8613800000001", NULL, &a);
	put_interaction(s, "I1", "8613800000001", 1000);
	put_interaction(s, "I2", "8613800000001", 2000);
	put_interaction(s, "I3", "8613899999999", 3000);

	/* by identity */
	memset(&o, 0, sizeof(o));
	assert_int_equal(store_interaction_link(s, "demo", "I1", NULL,
	                                        STORE_IDENT_PHONE,
	                                        "8613800000001", on_result, &o),
	                 0);
	wait_out(s, &o);
	assert_int_equal(o.err, 0);
	assert_string_equal(o.id, a.id);
	/* nobody has that number: no link, no error */
	memset(&o, 0, sizeof(o));
	assert_int_equal(store_interaction_link(s, "demo", "I3", NULL,
	                                        STORE_IDENT_PHONE,
	                                        "8613899999999", on_result, &o),
	                 0);
	wait_out(s, &o);
	assert_int_equal(o.err, 0);
	assert_string_equal(o.id, "");
	/* by the agent */
	memset(&o, 0, sizeof(o));
	assert_int_equal(store_interaction_link(s, "demo", "I2", a.id, 0, NULL,
	                                        on_result, &o),
	                 0);
	wait_out(s, &o);
	assert_int_equal(o.err, 0);
	/* unknown interaction */
	memset(&o, 0, sizeof(o));
	assert_int_equal(store_interaction_link(s, "demo", "I9", a.id, 0, NULL,
	                                        on_result, &o),
	                 0);
	wait_out(s, &o);
	assert_int_equal(o.err, ENOENT);

	w.customer = a.id;
	memset(&o, 0, sizeof(o));
	assert_int_equal(
	    store_workorder_create(s, &w, "1001", "agent", on_result, &o), 0);
	wait_out(s, &o);
	assert_int_equal(o.err, 0);

	assert_int_equal(store_screen_pop_sync(s, "demo", STORE_IDENT_PHONE,
	                                       "8613800000001", 5, &p),
	                 0);
	assert_string_equal(p->customer->name, "Wang Fang");
	assert_int_equal(p->ninteractions, 2);
	assert_string_equal(p->interactions[0].id, "I2"); /* newest first */
	assert_string_equal(p->interactions[1].customer, a.id);
	assert_int_equal(p->nworkorders, 1);
	assert_string_equal(p->workorders[0].subject, "noise");
	assert_int_equal(p->workorders[0].status, STORE_WO_NEW);
	p = mem_deref(p);
	assert_int_equal(
	    store_screen_pop_sync(s, "demo", STORE_IDENT_PHONE, "000", 5, &p),
	    ENOENT);
	assert_null(p);
	close_db(s);
}

/* --- work orders --------------------------------------------------------- */

static void create(struct store *s, const char *tenant, uint64_t due,
                   uint64_t warn_at, struct out *o)
{
	struct store_workorder w = {.tenant = tenant,
	                            .category = "fault",
	                            .priority = STORE_PRIO_NORMAL,
	                            .fields = "{\"street\":\"Main 1\"}",
	                            .due = due,
	                            .warn_at = warn_at};

	memset(o, 0, sizeof(*o));
	assert_int_equal(
	    store_workorder_create(s, &w, "1001", "agent", on_result, o), 0);
	wait_out(s, o);
	assert_int_equal(o->err, 0);
}

static void change(struct store *s, struct store_wo_change *c, struct out *o)
{
	memset(o, 0, sizeof(*o));
	if (!c->kind)
		c->kind = "move";
	if (!c->actor)
		c->actor = "1001";
	if (!c->role)
		c->role = "agent";
	if (!c->tenant)
		c->tenant = "demo";
	assert_int_equal(store_workorder_change(s, c, on_result, o), 0);
	wait_out(s, o);
}

static void test_workorders(void **state)
{
	struct store *s = open_db("wo.db");
	struct store_workorder *v = NULL;
	struct store_wo_event *ev = NULL;
	struct store_followup *fu = NULL;
	struct out a, b, x, o;
	size_t n;

	(void)state;
	create(s, "demo", 0, 0, &a);
	create(s, "demo", 0, 0, &b);
	create(s, "acme", 0, 0, &x);
	assert_int_equal(a.number, 1);
	assert_int_equal(b.number, 2);
	assert_int_equal(x.number, 1); /* numbers per tenant */

	assert_int_equal(
	    store_unit_put(s, "demo", "water", "Water", NULL, NULL), 0);
	/* dispatch to an unknown unit: the database refuses, nothing moves */
	change(s,
	       &(struct store_wo_change){.id = a.id,
	                                 .action = "dispatch",
	                                 .from_mask = 1u << STORE_WO_NEW,
	                                 .to = STORE_WO_DISPATCHED,
	                                 .unit = "gas"},
	       &o);
	assert_int_equal(o.err, EINVAL);
	/* close a new order: refused with the current status, no audit */
	change(s,
	       &(struct store_wo_change){.id = a.id,
	                                 .action = "close",
	                                 .from_mask = 1u << STORE_WO_ANSWERED |
	                                              1u << STORE_WO_FOLLOW_UP,
	                                 .to = STORE_WO_CLOSED},
	       &o);
	assert_int_equal(o.err, EPERM);
	assert_int_equal(o.status, STORE_WO_NEW);
	assert_non_null(strstr(o.detail, "order 1 is new"));
	assert_int_equal(count("wo.db", "SELECT count(*) FROM workorder_event"),
	                 3);

	change(s,
	       &(struct store_wo_change){.id = a.id,
	                                 .action = "dispatch",
	                                 .from_mask = 1u << STORE_WO_NEW,
	                                 .to = STORE_WO_DISPATCHED,
	                                 .unit = "water",
	                                 .text = "burst pipe"},
	       &o);
	assert_int_equal(o.err, 0);
	assert_int_equal(o.status, STORE_WO_DISPATCHED);
	assert_int_equal(o.version, 2);
	/* a user of another unit may not touch it */
	change(s,
	       &(struct store_wo_change){.id = a.id,
	                                 .action = "accept",
	                                 .from_mask = 1u << STORE_WO_DISPATCHED,
	                                 .to = STORE_WO_IN_PROGRESS,
	                                 .actor = "p.li",
	                                 .role = "unit",
	                                 .actor_unit = "power"},
	       &o);
	assert_int_equal(o.err, EACCES);
	/* a stale version */
	change(s,
	       &(struct store_wo_change){.id = a.id,
	                                 .action = "accept",
	                                 .from_mask = 1u << STORE_WO_DISPATCHED,
	                                 .to = STORE_WO_IN_PROGRESS,
	                                 .actor = "w.zhang",
	                                 .role = "unit",
	                                 .actor_unit = "water",
	                                 .expect_version = 1},
	       &o);
	assert_int_equal(o.err, ESTALE);
	change(s,
	       &(struct store_wo_change){.id = a.id,
	                                 .action = "accept",
	                                 .from_mask = 1u << STORE_WO_DISPATCHED,
	                                 .to = STORE_WO_IN_PROGRESS,
	                                 .actor = "w.zhang",
	                                 .role = "unit",
	                                 .actor_unit = "water",
	                                 .expect_version = 2},
	       &o);
	assert_int_equal(o.err, 0);
	change(
	    s,
	    &(struct store_wo_change){.id = a.id,
	                              .action = "answer",
	                              .from_mask = 1u << STORE_WO_IN_PROGRESS,
	                              .to = STORE_WO_ANSWERED,
	                              .actor = "w.zhang",
	                              .role = "unit",
	                              .actor_unit = "water",
	                              .text = "fixed",
	                              .followup_kind = "call",
	                              .followup_address = "8613800000001"},
	    &o);
	assert_int_equal(o.err, 0);
	change(s,
	       &(struct store_wo_change){.id = a.id,
	                                 .kind = "satisfaction",
	                                 .to = STORE_WO_SAME,
	                                 .satisfaction = 4,
	                                 .sat_source = "ivr"},
	       &o);
	assert_int_equal(o.err, 0);

	assert_int_equal(store_followups_get_sync(s, "demo", a.id, &fu, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(fu[0].kind, "call");
	assert_string_equal(fu[0].status, "pending");
	memset(&o, 0, sizeof(o));
	assert_int_equal(
	    store_followup_done(s, "demo", fu[0].id, true, on_result, &o), 0);
	wait_out(s, &o);
	assert_int_equal(o.err, 0);
	mem_deref(fu);

	assert_int_equal(store_wo_events_get_sync(s, "demo", a.id, &ev, &n), 0);
	assert_int_equal(n, 5); /* created, dispatch, accept, answer, sat */
	assert_string_equal(ev[0].kind, "created");
	assert_int_equal(ev[1].from, STORE_WO_NEW);
	assert_int_equal(ev[1].to, STORE_WO_DISPATCHED);
	assert_string_equal(ev[1].text, "burst pipe");
	assert_string_equal(ev[3].actor, "w.zhang");
	assert_string_equal(ev[3].text, "fixed");
	assert_int_equal(ev[4].to, -1);
	mem_deref(ev);

	/* search by unit and status */
	assert_int_equal(store_workorders_get_sync(
	                     s,
	                     &(struct store_wo_filter){
	                         .tenant = "demo",
	                         .unit = "water",
	                         .status_mask = 1u << STORE_WO_ANSWERED},
	                     &v, &n),
	                 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].number, 1);
	assert_int_equal(v[0].satisfaction, 4);
	assert_non_null(v[0].answered);
	assert_string_equal(v[0].fields, "{\"street\":\"Main 1\"}");
	v = mem_deref(v);
	assert_int_equal(
	    store_workorders_get_sync(
	        s,
	        &(struct store_wo_filter){.tenant = "demo",
	                                  .status_mask = STORE_WO_OPEN_MASK},
	        &v, &n),
	    0);
	assert_int_equal(n, 2);
	mem_deref(v);
	close_db(s);
}

static void test_audit_immutable(void **state)
{
	struct store *s = open_db("audit.db");
	sqlite3 *db;
	char *msg = NULL;
	struct out a;

	(void)state;
	create(s, "demo", 0, 0, &a);
	close_db(s);

	db = raw("audit.db");
	assert_int_not_equal(sqlite3_exec(db,
	                                  "UPDATE workorder_event SET text ="
	                                  " 'forged'",
	                                  NULL, NULL, &msg),
	                     SQLITE_OK);
	assert_non_null(strstr(msg, "append-only"));
	sqlite3_free(msg);
	assert_int_not_equal(
	    sqlite3_exec(db, "DELETE FROM workorder_event", NULL, NULL, &msg),
	    SQLITE_OK);
	assert_non_null(strstr(msg, "append-only"));
	sqlite3_free(msg);
	assert_int_not_equal(
	    sqlite3_exec(db, "DELETE FROM workorder", NULL, NULL, &msg),
	    SQLITE_OK);
	assert_non_null(strstr(msg, "never deleted"));
	sqlite3_free(msg);
	sqlite3_close(db);
	assert_int_equal(count("audit.db",
	                       "SELECT count(*) FROM "
	                       "workorder_event WHERE text IS NULL"),
	                 1);
}

static void test_attachment(void **state)
{
	struct store *s = open_db("att.db");
	struct store_attachment *v = NULL;
	struct store_attachment a = {.tenant = "demo",
	                             .name = "pipe.jpg",
	                             .type = "image/jpeg",
	                             .actor = "1001"};
	char dir[512], buf[16];
	struct out w, o;
	size_t n;
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/attachments", tmpdir);
	create(s, "demo", 0, 0, &w);
	a.workorder = w.id;
	memset(&o, 0, sizeof(o));
	assert_int_equal(
	    store_attachment_add(s, dir, &a, "\xff\xd8\xff", 3, on_result, &o),
	    0);
	wait_out(s, &o);
	assert_int_equal(o.err, 0);
	assert_int_equal(store_attachments_get_sync(s, "demo", w.id, &v, &n),
	                 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].size, 3);
	f = fopen(v[0].path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, sizeof(buf), f), 3);
	fclose(f);
	mem_deref(v);

	/* an unknown order: no row, no file */
	a.workorder = "NOPE";
	memset(&o, 0, sizeof(o));
	assert_int_equal(
	    store_attachment_add(s, dir, &a, "x", 1, on_result, &o), 0);
	wait_out(s, &o);
	assert_int_equal(o.err, ENOENT);
	assert_int_equal(count("att.db", "SELECT count(*) FROM attachment"), 1);
	a.tenant = "../etc";
	assert_int_equal(
	    store_attachment_add(s, dir, &a, "x", 1, on_result, &o), EINVAL);
	close_db(s);
}

struct scan_out {
	bool called;
	int err;
	size_t n;
	uint64_t next;
	bool flagged, escalated;
};

static void on_scan(int err, const struct store_workorder *v, size_t n,
                    uint64_t next, void *arg)
{
	struct scan_out *o = arg;

	o->called = true;
	o->err = err;
	o->n = n;
	o->next = next;
	o->flagged = n && v[0].flagged;
	o->escalated = n && v[0].escalated;
}

static void test_scan(void **state)
{
	struct store *s = open_db("scan.db");
	struct scan_out so;
	struct out a;

	(void)state;
	create(s, "demo", 10000, 8000, &a);
	assert_int_equal(a.next_check, 8000);

	memset(&so, 0, sizeof(so));
	assert_int_equal(store_workorders_scan(s, 7999, on_scan, &so), 0);
	(void)store_flush_sync(s);
	assert_true(so.called);
	assert_int_equal(so.n, 0);
	assert_int_equal(so.next, 8000);

	memset(&so, 0, sizeof(so));
	assert_int_equal(store_workorders_scan(s, 8000, on_scan, &so), 0);
	(void)store_flush_sync(s);
	assert_int_equal(so.n, 1);
	assert_true(so.flagged);
	assert_false(so.escalated);
	assert_int_equal(so.next, 10000);

	memset(&so, 0, sizeof(so));
	assert_int_equal(store_workorders_scan(s, 12000, on_scan, &so), 0);
	(void)store_flush_sync(s);
	assert_int_equal(so.n, 1);
	assert_true(so.escalated);
	assert_int_equal(so.next, 0);
	assert_int_equal(count("scan.db", "SELECT count(*) FROM workorder_event"
	                                  " WHERE kind IN ('flagged',"
	                                  " 'escalated') AND actor = 'system'"),
	                 2);
	close_db(s);
}

/* --- appointments -------------------------------------------------------- */

struct booker {
	struct store *s;
	const char *slot;
	int ok, full;
};

static void on_book(int err, const struct store_result *r, void *arg)
{
	struct booker *b = arg;

	if (!err) {
		b->ok++;
		assert_int_equal(strlen(r->code), 6);
	} else if (err == ENOSPC)
		b->full++;
	else
		fail_msg("booking failed: %d", err);
}

static void *book_thread(void *arg)
{
	struct booker *b = arg;

	/* queued from another thread: callbacks still come to the owner */
	for (int i = 0; i < 20; i++) {
		struct store_booking bk = {.tenant = "demo",
		                           .slot = b->slot,
		                           .source = "ivr",
		                           .phone = "8613800000001"};
		if (store_booking_add(b->s, &bk, on_book, b))
			fail_msg("queue");
	}
	return NULL;
}

static void test_booking_capacity(void **state)
{
	struct store *s = open_db("appt.db");
	struct store_appt_slot sl[2] = {
	    {.tenant = "demo",
	     .service = "permit",
	     .start = 1000,
	     .length_s = 1800,
	     .capacity = 3},
	    {.tenant = "demo",
	     .service = "permit",
	     .start = 2000,
	     .length_s = 1800,
	     .capacity = 2},
	};
	struct store_appt_slot *v = NULL;
	struct store_booking *bv = NULL;
	struct booker b = {0};
	pthread_t t[3];
	struct out o;
	size_t n;

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_int_equal(store_slots_ensure(s, sl, 2, on_result, &o), 0);
	wait_out(s, &o);
	assert_int_equal(o.number, 2);
	memset(&o, 0, sizeof(o));
	assert_int_equal(store_slots_ensure(s, sl, 2, on_result, &o), 0);
	wait_out(s, &o);
	assert_int_equal(o.number, 0); /* already there */

	assert_int_equal(
	    store_slots_get_sync(s, "demo", "permit", 0, 0, &v, &n), 0);
	assert_int_equal(n, 2);
	b.s = s;
	b.slot = v[0].id;
	/* 60 bookings for 3 places from three threads at once */
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, book_thread, &b);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	(void)store_flush_sync(s);
	assert_int_equal(b.ok, 3);
	assert_int_equal(b.full, 57);
	assert_int_equal(
	    store_bookings_get_sync(s, "demo", v[0].id, NULL, &bv, &n), 0);
	assert_int_equal(n, 3);

	/* a cancellation gives the place back */
	memset(&o, 0, sizeof(o));
	assert_int_equal(
	    store_booking_cancel(s, "demo", bv[0].id, on_result, &o), 0);
	wait_out(s, &o);
	assert_int_equal(o.err, 0);
	memset(&o, 0, sizeof(o));
	assert_int_equal(
	    store_booking_cancel(s, "demo", bv[0].id, on_result, &o), 0);
	wait_out(s, &o);
	assert_int_equal(o.err, ENOENT);
	b.ok = b.full = 0;
	book_thread(&b);
	(void)store_flush_sync(s);
	assert_int_equal(b.ok, 1);
	assert_int_equal(count("appt.db", "SELECT booked FROM appointment_slot"
	                                  " WHERE start = 1000"),
	                 3);
	mem_deref(bv);
	mem_deref(v);
	close_db(s);
}

/* What the HTTP API adds: the customer search (name prefix, identity,
 * pages), taking an identity away, the order filters by due time, page
 * and escalation, and a customer of another tenant refused at creation. */
static void test_api_reads(void **state)
{
	struct store *s = open_db("api.db");
	struct store_customer other = {.tenant = "other", .name = "Ann X"};
	struct store_identity oid = {STORE_IDENT_PHONE, "8613900000009"};
	struct out ann, anna, bob, o;
	char(*ids)[27] = NULL;
	size_t n = 0;
	struct store_workorder *v = NULL;

	(void)state;
	add_customer(s, "Ann", "8613900000001", NULL, &ann);
	add_customer(s, "Anna", "8613900000002", NULL, &anna);
	add_customer(s, "Bob", "8613900000003", "bob@x.cn", &bob);
	other.idents = &oid;
	other.nidents = 1;
	memset(&o, 0, sizeof(o));
	assert_int_equal(store_customer_put(s, &other, on_result, &o), 0);
	wait_out(s, &o);
	assert_int_equal(o.err, 0);

	/* by name prefix, by name then id, in the tenant only */
	struct store_cust_filter f = {
	    .tenant = "demo", .kind = -1, .name = "Ann", .limit = 10};
	assert_int_equal(store_customers_search_sync(s, &f, &ids, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ids[0], ann.id);
	assert_string_equal(ids[1], anna.id);
	ids = mem_deref(ids);
	f.limit = 1;
	f.offset = 1;
	assert_int_equal(store_customers_search_sync(s, &f, &ids, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], anna.id);
	ids = mem_deref(ids);
	f = (struct store_cust_filter){.tenant = "demo",
	                               .kind = STORE_IDENT_EMAIL,
	                               .value = "bob@x.cn",
	                               .limit = 10};
	assert_int_equal(store_customers_search_sync(s, &f, &ids, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], bob.id);
	ids = mem_deref(ids);
	f.kind = STORE_IDENT_PHONE;
	f.value = "8613900000009"; /* the other tenant's */
	assert_int_equal(store_customers_search_sync(s, &f, &ids, &n), 0);
	assert_int_equal(n, 0);
	ids = mem_deref(ids);

	/* taking identities away: not the last one */
	memset(&o, 0, sizeof(o));
	assert_int_equal(store_identity_remove(s, "demo", bob.id,
	                                       STORE_IDENT_EMAIL, "bob@x.cn",
	                                       on_result, &o),
	                 0);
	wait_out(s, &o);
	assert_int_equal(o.err, 0);
	memset(&o, 0, sizeof(o));
	assert_int_equal(store_identity_remove(s, "demo", bob.id,
	                                       STORE_IDENT_EMAIL, "bob@x.cn",
	                                       on_result, &o),
	                 0);
	wait_out(s, &o);
	assert_int_equal(o.err, ENOENT);
	memset(&o, 0, sizeof(o));
	assert_int_equal(store_identity_remove(s, "demo", bob.id,
	                                       STORE_IDENT_PHONE,
	                                       "8613900000003", on_result, &o),
	                 0);
	wait_out(s, &o);
	assert_int_equal(o.err, EMLINK);
	assert_non_null(strstr(o.detail, "only identity"));
	memset(&o, 0, sizeof(o));
	assert_int_equal(store_identity_remove(s, "other", bob.id,
	                                       STORE_IDENT_PHONE,
	                                       "8613900000003", on_result, &o),
	                 0);
	wait_out(s, &o);
	assert_int_equal(o.err, ENOENT);

	/* orders: a customer of another tenant is refused */
	struct store_workorder w = {.tenant = "other",
	                            .category = "fault",
	                            .priority = STORE_PRIO_NORMAL,
	                            .fields = "{}",
	                            .customer = ann.id,
	                            .due = 1000};
	memset(&o, 0, sizeof(o));
	assert_int_equal(
	    store_workorder_create(s, &w, "1001", "agent", on_result, &o), 0);
	wait_out(s, &o);
	assert_int_equal(o.err, ENOENT);
	assert_non_null(strstr(o.detail, "no customer"));

	/* due_before, offset */
	create(s, "demo", 1000, 500, &o);
	create(s, "demo", 2000, 1500, &o);
	create(s, "demo", 3000, 2500, &o);
	struct store_wo_filter wf = {.tenant = "demo", .due_before = 2500};
	assert_int_equal(store_workorders_get_sync(s, &wf, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].due, 1000);
	v = mem_deref(v);
	wf =
	    (struct store_wo_filter){.tenant = "demo", .limit = 2, .offset = 1};
	assert_int_equal(store_workorders_get_sync(s, &wf, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].due, 2000);
	assert_int_equal(v[1].due, 3000);
	v = mem_deref(v);
	wf = (struct store_wo_filter){.tenant = "demo", .escalated = true};
	assert_int_equal(store_workorders_get_sync(s, &wf, &v, &n), 0);
	assert_int_equal(n, 0);
	v = mem_deref(v);
	/* the scan escalates the first (due 1000 <= 1200), flags the second */
	struct scan_out so = {0};
	assert_int_equal(store_workorders_scan(s, 1200, on_scan, &so), 0);
	(void)store_flush_sync(s);
	assert_true(so.called);
	assert_int_equal(store_workorders_get_sync(s, &wf, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].due, 1000);
	v = mem_deref(v);
	close_db(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_customers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_api_reads, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_link_and_pop, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_interaction_satisfaction,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_workorders, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_immutable, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_attachment, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_scan, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_booking_capacity, setup,
	                                    teardown),
	};
	int r;

	hl_log_set_level(HL_LOG_WARN);
	if (libre_init())
		return 1;
	r = cmocka_run_group_tests(tests, NULL, NULL);
	libre_close();
	return r;
}
