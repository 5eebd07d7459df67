/**
 * @file test_crm.c  src/crm against a real store and routing engine:
 * identities, the CSV parser, imports (good, wrong columns, bad encoding,
 * GB18030 and EUC-KR files made here with iconv, duplicates in the file
 * and in the database, all or nothing), exports, forms, every workflow
 * move from every status by every role (allowed or refused, and nothing
 * written when refused), attachments refused by size, type and content,
 * flagging and escalation with a test clock, work orders and calls on one
 * agent within the capacity rules, appointment slots and bookings.
 */
#include <errno.h>
#include <ftw.h>
#include <iconv.h>
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

#include "core/core.h"
#include "crm/crm.h"

static char tmpdir[256];
static uint64_t now_ms = 1767225600000ull; /* 2026-01-01 00:00 UTC, Thu */

static uint64_t test_clock(void *arg)
{
	(void)arg;
	return now_ms;
}

static const char center_text[] =
    "tenants:\n"
    "  - name: t1\n"
    "    timezone: UTC\n"
    "    skills: [s]\n"
    "    queues:\n"
    "      - {name: voice, skills: {s: 1}}\n"
    "      - {name: wo, channel: workorder, offer_timeout: 1h}\n"
    "    agent_defaults:\n"
    "      capacity: {voice: 1, workorder: 2}\n"
    "      blocks: {voice: [chat, email, message],"
    " workorder: [voice, callback, outbound]}\n"
    "    agents:\n"
    "      - {id: \"1001\", skills: {s: 5}}\n"
    "    numbers:\n"
    "      - {number: \"100\", queue: voice}\n"
    "    workorders:\n"
    "      queue: wo\n"
    "      warn_at: 50\n"
    "      attachment_max: 100\n"
    "      attachment_types: [image/png, text/plain]\n"
    "      survey_queues: [voice]\n"
    "      units:\n"
    "        - {name: water, users: [w.zhang]}\n"
    "        - {name: power, users: [p.li]}\n"
    "      categories:\n"
    "        - name: fault\n"
    "          due: {low: 4h, normal: 2h, high: 1h, urgent: 30m}\n"
    "          fields:\n"
    "            - {name: address, required: true}\n"
    "            - {name: kind, type: choice, choices: [water, power]}\n"
    "            - {name: since, type: date}\n"
    "            - {name: people, type: number}\n"
    "            - {name: contact, type: phone}\n"
    "    appointments:\n"
    "      services:\n"
    "        - {name: permit, title: Permit hall,"
    " hours: {mon-fri: \"09:00-10:00\"}, slot: 30m, capacity: 2,"
    " days_ahead: 7}\n";

struct env {
	struct center *center;
	struct store *store;
	struct acd *acd;
	struct crm *crm;
	uint64_t deadline;
};

static struct env E;

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void on_deadline(uint64_t d, void *arg)
{
	(void)arg;
	E.deadline = d;
}

static int setup(void **state)
{
	struct store_cfg scfg = {.sync = STORE_SYNC_NORMAL};
	struct acd_opts ao = {.clock = test_clock, .check = true};
	struct crm_opts co = {0};
	char path[512], err[512], dir[512];
	FILE *f;

	(void)state;
	memset(&E, 0, sizeof(E));
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/hotline-crm-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/center.yaml", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(center_text, f);
	fclose(f);
	if (center_load(&E.center, path, err, sizeof(err)))
		fail_msg("center: %s", err);
	assert_int_equal(acd_alloc(&E.acd, &ao), 0);
	if (center_apply(E.center, E.acd, err, sizeof(err)))
		fail_msg("apply: %s", err);
	snprintf(path, sizeof(path), "%s/crm.db", tmpdir);
	if (store_open_cfg(&E.store, path, &scfg, err, sizeof(err)))
		fail_msg("store: %s", err);
	snprintf(dir, sizeof(dir), "%s/attachments", tmpdir);
	co.store = E.store;
	co.acd = E.acd;
	co.center = E.center;
	co.clock = test_clock;
	co.deadlineh = on_deadline;
	co.attach_dir = dir;
	assert_int_equal(crm_alloc(&E.crm, &co), 0);
	assert_int_equal(crm_start(E.crm, NULL, NULL), 0);
	assert_int_equal(store_flush_sync(E.store), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	E.crm = mem_deref(E.crm);
	store_close(E.store);
	E.store = mem_deref(E.store);
	E.acd = mem_deref(E.acd);
	E.center = mem_deref(E.center);
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* --- result capture ------------------------------------------------------ */

struct out {
	bool called;
	int err;
	char id[27];
	uint64_t number;
	int status;
	char detail[512];
	char code[16];
};

static void on_result(int err, const struct store_result *r, void *arg)
{
	struct out *o = arg;

	o->called = true;
	o->err = err;
	memcpy(o->id, r->id, sizeof(o->id));
	o->number = r->number;
	o->status = r->status;
	snprintf(o->detail, sizeof(o->detail), "%s",
	         r->detail ? r->detail : "");
	snprintf(o->code, sizeof(o->code), "%s", r->code ? r->code : "");
}

static void flush(void)
{
	(void)store_flush_sync(E.store);
}

static const struct crm_actor SUP = {"s1", CRM_ROLE_SUPERVISOR};
static const struct crm_actor AGENT = {"1001", CRM_ROLE_AGENT};

static void create_order(int priority, struct out *o)
{
	struct crm_wo_new w = {.tenant = "t1",
	                       .category = "fault",
	                       .priority = priority,
	                       .subject = "no water",
	                       .fields = "{\"address\":\"Main 1\"}"};
	char err[CRM_ERR_MAX] = "";

	memset(o, 0, sizeof(*o));
	if (crm_workorder_create(E.crm, &w, &AGENT, on_result, o, err,
	                         sizeof(err)))
		fail_msg("create: %s", err);
	flush();
	assert_true(o->called);
	assert_int_equal(o->err, 0);
}

static int move(const char *id, enum crm_move m, const struct crm_actor *a,
                const char *text, const char *unit, struct out *o)
{
	char err[CRM_ERR_MAX] = "";
	int e;

	memset(o, 0, sizeof(*o));
	e = crm_workorder_move(E.crm, "t1", id, m, a, text, unit, on_result, o,
	                       err, sizeof(err));
	if (e) {
		snprintf(o->detail, sizeof(o->detail), "%s", err);
		return e;
	}
	flush();
	assert_true(o->called);
	return o->err;
}

/* --- identities, CSV ----------------------------------------------------- */

static void test_identities(void **state)
{
	static const struct {
		const char *in, *out;
	} phones[] = {
	    {"+86 138-0013-8000", "8613800138000"},
	    {"13800138000", "8613800138000"},
	    {"0086 13800138000", "8613800138000"},
	    {"8613800138000", "8613800138000"},
	    {"010 6552 9988", "861065529988"},
	    {"(010) 6552-9988", "861065529988"},
	    {"+82 2-312-3456", "8223123456"},
	    {"1001", "1001"},
	};
	char out[64], err[256];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(phones); i++) {
		assert_int_equal(crm_phone_normalise(phones[i].in, "86", out,
		                                     sizeof(out), err,
		                                     sizeof(err)),
		                 0);
		assert_string_equal(out, phones[i].out);
	}
	assert_int_equal(crm_phone_normalise("138abc", "86", out, sizeof(out),
	                                     err, sizeof(err)),
	                 EINVAL);
	assert_non_null(strstr(err, "has 'a'"));
	assert_int_equal(
	    crm_phone_normalise("12", "86", out, sizeof(out), err, sizeof(err)),
	    EINVAL);
	assert_int_equal(crm_phone_normalise("+1234567890123456", "86", out,
	                                     sizeof(out), err, sizeof(err)),
	                 EINVAL);
	assert_int_equal(crm_email_normalise("  Wang.Fang@Example.CN ", out,
	                                     sizeof(out), err, sizeof(err)),
	                 0);
	assert_string_equal(out, "wang.fang@example.cn");
	assert_int_equal(
	    crm_email_normalise("nobody", out, sizeof(out), err, sizeof(err)),
	    EINVAL);
	assert_int_equal(
	    crm_email_normalise("a@b@c.d", out, sizeof(out), err, sizeof(err)),
	    EINVAL);
}

struct recs {
	char text[1024];
	size_t n;
};

static int on_rec(char **f, size_t n, uint32_t line, void *arg)
{
	struct recs *r = arg;
	size_t len = strlen(r->text);

	len +=
	    (size_t)snprintf(r->text + len, sizeof(r->text) - len, "%u:", line);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(r->text + len, sizeof(r->text) - len,
		                        "[%s]", f[i]);
	snprintf(r->text + len, sizeof(r->text) - len, "\n");
	r->n++;
	return 0;
}

static void test_csv(void **state)
{
	static const char good[] = "\xef\xbb\xbf"
	                           "a,b,c\r\n"
	                           "1,\"x, y\",\"he said \"\"hi\"\"\"\r\n"
	                           "\n"
	                           "2,\"two\nlines\",\n"
	                           "3,,last";
	struct recs r = {.text = ""};
	char err[256];
	struct mbuf *mb;

	(void)state;
	assert_int_equal(
	    crm_csv_parse(good, strlen(good), on_rec, &r, err, sizeof(err)), 0);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.text, "1:[a][b][c]\n"
	                            "2:[1][x, y][he said \"hi\"]\n"
	                            "4:[2][two\nlines][]\n"
	                            "6:[3][][last]\n");
	assert_int_equal(
	    crm_csv_parse("a,\"b\n", 5, on_rec, &r, err, sizeof(err)), EBADMSG);
	assert_non_null(strstr(err, "line 1: a quoted field is not closed"));
	assert_int_equal(
	    crm_csv_parse("a,b\nc,d\"e\n", 10, on_rec, &r, err, sizeof(err)),
	    EBADMSG);
	assert_non_null(strstr(err, "line 2: a quote inside"));
	assert_int_equal(
	    crm_csv_parse("\"a\"b\n", 5, on_rec, &r, err, sizeof(err)),
	    EBADMSG);

	mb = mbuf_alloc(64);
	assert_int_equal(crm_csv_field(mb, "plain", false), 0);
	assert_int_equal(crm_csv_field(mb, "a,\"b\"", false), 0);
	assert_int_equal(crm_csv_field(mb, "=SUM(A1)", true), 0);
	assert_int_equal(mb->end, strlen("plain,\"a,\"\"b\"\"\",\"'=SUM(A1)\""
	                                 "\r\n"));
	assert_memory_equal(mb->buf, "plain,\"a,\"\"b\"\"\",\"'=SUM(A1)\"\r\n",
	                    mb->end);
	mem_deref(mb);
}

/* --- import -------------------------------------------------------------- */

struct rep {
	bool called;
	int err;
	char error[512];
	size_t rows, imported, nrejects;
	uint32_t rows_rejected[8];
	char reasons[8][256];
};

static void on_report(const struct crm_import_report *r, void *arg)
{
	struct rep *p = arg;

	p->called = true;
	p->err = r->err;
	snprintf(p->error, sizeof(p->error), "%s", r->error ? r->error : "");
	p->rows = r->rows;
	p->imported = r->imported;
	p->nrejects = r->nrejects;
	for (size_t i = 0; i < r->nrejects && i < 8; i++) {
		p->rows_rejected[i] = r->rejects[i].row;
		snprintf(p->reasons[i], sizeof(p->reasons[i]), "%s",
		         r->rejects[i].reason);
	}
}

static void import(const char *data, size_t len, enum crm_encoding enc,
                   bool skip_bad, struct rep *p)
{
	memset(p, 0, sizeof(*p));
	assert_int_equal(crm_import_customers(E.crm, "t1", data, len, enc,
	                                      skip_bad, on_report, p),
	                 0);
	flush();
	assert_true(p->called);
}

/* Text of the given encoding, made from UTF-8 with iconv. */
static size_t encode(const char *utf8, const char *to, char *out, size_t sz)
{
	iconv_t cd = iconv_open(to, "UTF-8");
	char *ip = (char *)utf8, *op = out;
	size_t il = strlen(utf8), ol = sz;

	assert_true(cd != (iconv_t)-1);
	assert_int_not_equal(iconv(cd, &ip, &il, &op, &ol), (size_t)-1);
	iconv_close(cd);
	return sz - ol;
}

static void test_import_good(void **state)
{
	static const char csv[] =
	    "Name,Phone,Email,note\n"
	    "Wang Fang,138 0013 8000,WF@example.cn,\"likes, commas\"\n"
	    "Li Wei,+86 139 0000 0001,,\n";
	struct store_customer *c = NULL;
	struct rep p;

	(void)state;
	import(csv, strlen(csv), CRM_ENC_AUTO, false, &p);
	assert_int_equal(p.err, 0);
	assert_int_equal(p.rows, 2);
	assert_int_equal(p.imported, 2);
	assert_int_equal(p.nrejects, 0);
	assert_int_equal(store_customer_find_sync(E.store, "t1",
	                                          STORE_IDENT_EMAIL,
	                                          "wf@example.cn", &c),
	                 0);
	assert_string_equal(c->name, "Wang Fang");
	assert_string_equal(c->note, "likes, commas");
	mem_deref(c);
	assert_int_equal(store_customer_find_sync(E.store, "t1",
	                                          STORE_IDENT_PHONE,
	                                          "8613900000001", &c),
	                 0);
	mem_deref(c);

	/* the same file again: every row's phone is taken; nothing new */
	import(csv, strlen(csv), CRM_ENC_AUTO, false, &p);
	assert_int_equal(p.err, EEXIST);
	assert_int_equal(p.nrejects, 2); /* each row's first taken identity */
	assert_int_equal(p.rows_rejected[0], 2);
	assert_non_null(strstr(p.reasons[0], "already belongs to customer"));
	assert_non_null(strstr(p.error, "nothing imported"));
}

static void test_import_bad(void **state)
{
	static const char dup[] = "name,phone,phone2\n"
	                          "A,13800000001,\n"
	                          "B,13800000002,13800000001\n"
	                          "C,x13,\n"
	                          "D,13800000004\n"
	                          "E,,\n"
	                          "F,13800000006,\n";
	struct store_customer *c = NULL;
	struct rep p;

	(void)state;
	/* wrong columns */
	import("name,fone\nA,1\n", 15, CRM_ENC_AUTO, false, &p);
	assert_int_equal(p.err, EINVAL);
	assert_non_null(strstr(p.error, "unknown column 'fone'"));
	import("name,note\nA,1\n", 14, CRM_ENC_AUTO, false, &p);
	assert_int_equal(p.err, EINVAL);
	assert_non_null(strstr(p.error, "needs a phone, email or chat"));
	import("", 0, CRM_ENC_AUTO, false, &p);
	assert_int_equal(p.err, EINVAL);
	assert_non_null(strstr(p.error, "empty"));
	import("phone\n\"1380000", 15, CRM_ENC_AUTO, false, &p);
	assert_int_equal(p.err, EBADMSG);

	/* bad rows: all reported, nothing written */
	import(dup, strlen(dup), CRM_ENC_AUTO, false, &p);
	assert_int_equal(p.err, EINVAL);
	assert_int_equal(p.rows, 6);
	assert_int_equal(p.nrejects, 4);
	assert_int_equal(p.rows_rejected[0], 3);
	assert_non_null(strstr(p.reasons[0], "also on line 2"));
	assert_int_equal(p.rows_rejected[1], 4);
	assert_non_null(strstr(p.reasons[1], "has 'x'"));
	assert_int_equal(p.rows_rejected[2], 5);
	assert_non_null(strstr(p.reasons[2], "2 fields, the header has 3"));
	assert_int_equal(p.rows_rejected[3], 6);
	assert_non_null(strstr(p.reasons[3], "no phone, email or chat"));
	assert_int_equal(p.imported, 0);
	assert_int_equal(store_customer_find_sync(E.store, "t1",
	                                          STORE_IDENT_PHONE,
	                                          "8613800000001", &c),
	                 ENOENT);
	/* with skip_bad the good rows go in */
	import(dup, strlen(dup), CRM_ENC_AUTO, true, &p);
	assert_int_equal(p.err, 0);
	assert_int_equal(p.imported, 2);
	assert_int_equal(p.nrejects, 4);
}

static void test_import_encodings(void **state)
{
	static const char utf8[] = "name,phone\n王芳,13800000011\n"
	                           "김민준,13800000012\n";
	static const char zh[] = "name,phone\n王芳,13800000021\n李伟,"
	                         "13800000022\n";
	static const char ko[] = "name,phone\n김민준,13800000031\n";
	struct store_customer *c = NULL;
	char buf[256];
	size_t n;
	struct rep p;

	(void)state;
	import(utf8, strlen(utf8), CRM_ENC_UTF8, false, &p);
	assert_int_equal(p.err, 0);
	assert_int_equal(p.imported, 2);

	/* GB18030: refused as UTF-8 with a hint, converted when named */
	n = encode(zh, "GB18030", buf, sizeof(buf));
	assert_int_not_equal(n, strlen(zh)); /* not the same bytes */
	import(buf, n, CRM_ENC_AUTO, false, &p);
	assert_int_equal(p.err, EILSEQ);
	assert_non_null(strstr(p.error, "not UTF-8"));
	assert_non_null(strstr(p.error, "gb18030"));
	import(buf, n, CRM_ENC_GB18030, false, &p);
	assert_int_equal(p.err, 0);
	assert_int_equal(p.imported, 2);
	assert_int_equal(store_customer_find_sync(E.store, "t1",
	                                          STORE_IDENT_PHONE,
	                                          "8613800000022", &c),
	                 0);
	assert_string_equal(c->name, "李伟");
	c = mem_deref(c);

	/* EUC-KR */
	n = encode(ko, "EUC-KR", buf, sizeof(buf));
	import(buf, n, CRM_ENC_EUC_KR, false, &p);
	assert_int_equal(p.err, 0);
	assert_int_equal(store_customer_find_sync(E.store, "t1",
	                                          STORE_IDENT_PHONE,
	                                          "8613800000031", &c),
	                 0);
	assert_string_equal(c->name, "김민준");
	c = mem_deref(c);
	/* a GB18030 file said to be EUC-KR: refused, not garbled (a
	 * character only GB18030 has: a four-byte sequence) */
	n = encode("name,phone\n\xe3\x90\x80,13800000041\n", "GB18030", buf,
	           sizeof(buf));
	import(buf, n, CRM_ENC_EUC_KR, false, &p);
	assert_int_equal(p.err, EILSEQ);
	assert_non_null(strstr(p.error, "not euc-kr"));
}

/* --- customers, screen pop, export --------------------------------------- */

static void pop_cb(int err, const struct store_screen_pop *p, void *arg)
{
	int *n = arg;

	assert_int_equal(err, 0);
	assert_string_equal(p->customer->name, "Zhang Min");
	*n = (int)p->nworkorders * 100 + (int)p->ninteractions;
}

/* The screen pop of a customer an agent chose: by id, with the agent's
 * wrap-up code of each interaction. */
struct by_id {
	int err;
	char wrapup[32];
	size_t nin, nwo;
};

static void pop_id_cb(int err, const struct store_screen_pop *p, void *arg)
{
	struct by_id *b = arg;

	b->err = err;
	if (err)
		return;
	b->nin = p->ninteractions;
	b->nwo = p->nworkorders;
	snprintf(b->wrapup, sizeof(b->wrapup), "%s",
	         p->ninteractions && p->interactions[0].wrapup_code
	             ? p->interactions[0].wrapup_code
	             : "");
}

static void pop_by_id(const char *tenant, const char *id, struct by_id *b)
{
	char err[CRM_ERR_MAX];

	memset(b, 0, sizeof(*b));
	b->err = -1;
	assert_int_equal(crm_screen_pop_customer(E.crm, tenant, id, pop_id_cb,
	                                         b, err, sizeof(err)),
	                 0);
	flush();
}

static void test_customer_pop_export(void **state)
{
	struct crm_identity ids[2] = {{STORE_IDENT_PHONE, "138 0013 8000"},
	                              {STORE_IDENT_CHAT, " wx:zm "}};
	struct crm_identity caller = {STORE_IDENT_PHONE, "+8613800138000"};
	struct store_interaction in = {.tenant = "t1",
	                               .channel = "voice",
	                               .caller = "8613800138000",
	                               .queue = "voice",
	                               .arrived = 5000};
	struct crm_wo_new w = {.tenant = "t1",
	                       .category = "fault",
	                       .priority = STORE_PRIO_HIGH,
	                       .fields = "{\"address\":\"A\"}"};
	char err[CRM_ERR_MAX];
	struct mbuf *mb;
	struct out o, wo;
	int n = -1;

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_int_equal(crm_customer_create(E.crm, "t1", "Zhang Min", ids, 2,
	                                     on_result, &o, err, sizeof(err)),
	                 0);
	flush();
	assert_int_equal(o.err, 0);
	assert_int_equal(crm_customer_create(E.crm, "t1", "X", ids, 0,
	                                     on_result, &o, err, sizeof(err)),
	                 EINVAL);
	ids[0].value = "not a number";
	assert_int_equal(crm_customer_create(E.crm, "t1", "X", ids, 1,
	                                     on_result, &o, err, sizeof(err)),
	                 EINVAL);

	snprintf(in.id, sizeof(in.id), "CALL1");
	assert_int_equal(store_interaction_put(E.store, &in, NULL, NULL), 0);
	memset(&wo, 0, sizeof(wo));
	assert_int_equal(crm_contact_link(E.crm, "t1", "CALL1", NULL, &caller,
	                                  on_result, &wo, err, sizeof(err)),
	                 0);
	flush();
	assert_int_equal(wo.err, 0);
	assert_string_equal(wo.id, o.id);
	w.customer = o.id;
	memset(&wo, 0, sizeof(wo));
	assert_int_equal(crm_workorder_create(E.crm, &w, &AGENT, on_result, &wo,
	                                      err, sizeof(err)),
	                 0);
	flush();
	assert_int_equal(
	    crm_screen_pop(E.crm, "t1", &caller, pop_cb, &n, err, sizeof(err)),
	    0);
	flush();
	assert_int_equal(n, 101);

	/* by id, as when an agent links a contact, with the wrap-up */
	{
		struct by_id b;

		assert_int_equal(
		    store_interaction_wrapup_put(E.store, "t1", "CALL1",
		                                 "resolved", NULL, NULL, NULL),
		    0);
		flush();
		pop_by_id("t1", o.id, &b);
		assert_int_equal(b.err, 0);
		assert_int_equal(b.nin, 1);
		assert_int_equal(b.nwo, 1);
		assert_string_equal(b.wrapup, "resolved");
		pop_by_id("t1", "01NOSUCHCUSTOMER0000000000", &b);
		assert_int_equal(b.err, ENOENT);
		assert_int_equal(crm_screen_pop_customer(E.crm, "nope", o.id,
		                                         pop_id_cb, &b, err,
		                                         sizeof(err)),
		                 ENOENT);
	}

	/* by work order, as for an order's contact: its customer's pop;
	 * ENOENT for an order without customer or an unknown tenant */
	{
		struct by_id b;
		struct crm_wo_new w2 = w;
		struct out wo2;

		memset(&b, 0, sizeof(b));
		b.err = -1;
		assert_int_equal(crm_screen_pop_workorder(E.crm, "t1", wo.id,
		                                          pop_id_cb, &b, err,
		                                          sizeof(err)),
		                 0);
		flush();
		assert_int_equal(b.err, 0);
		assert_int_equal(b.nin, 1);
		assert_int_equal(b.nwo, 1);

		w2.customer = NULL;
		memset(&wo2, 0, sizeof(wo2));
		assert_int_equal(crm_workorder_create(E.crm, &w2, &AGENT,
		                                      on_result, &wo2, err,
		                                      sizeof(err)),
		                 0);
		flush();
		assert_int_equal(wo2.err, 0);
		b.err = -1;
		assert_int_equal(crm_screen_pop_workorder(E.crm, "t1", wo2.id,
		                                          pop_id_cb, &b, err,
		                                          sizeof(err)),
		                 0);
		flush();
		assert_int_equal(b.err, ENOENT);
		assert_int_equal(crm_screen_pop_workorder(E.crm, "nope", wo.id,
		                                          pop_id_cb, &b, err,
		                                          sizeof(err)),
		                 ENOENT);
		assert_int_equal(crm_screen_pop_workorder(E.crm, "t1", "",
		                                          pop_id_cb, &b, err,
		                                          sizeof(err)),
		                 EINVAL);
	}

	/* answered: the follow-up call goes to the customer's number */
	{
		struct store_followup *fu = NULL;
		size_t nf;
		struct out mo;

		assert_int_equal(
		    move(wo.id, CRM_MOVE_TAKE, &AGENT, NULL, NULL, &mo), 0);
		assert_int_equal(
		    move(wo.id, CRM_MOVE_ANSWER, &AGENT, "fixed", NULL, &mo),
		    0);
		assert_int_equal(
		    store_followups_get_sync(E.store, "t1", wo.id, &fu, &nf),
		    0);
		assert_int_equal(nf, 1);
		assert_string_equal(fu[0].address, "8613800138000");
		assert_string_equal(fu[0].customer, o.id);
		mem_deref(fu);
	}

	mb = mbuf_alloc(256);
	assert_int_equal(crm_export_interactions(E.crm, "t1", 0, 0, mb), 0);
	assert_non_null(strstr((char *)mb->buf, "id,channel,caller"));
	assert_non_null(memmem(mb->buf, mb->end, o.id, strlen(o.id)));
	assert_non_null(
	    memmem(mb->buf, mb->end, "CALL1,voice,8613800138000", 25));
	mb->pos = mb->end = 0;
	assert_int_equal(crm_export_workorders(E.crm, "t1", 0, mb), 0);
	assert_non_null(memmem(mb->buf, mb->end, "1,fault,answered,high,", 22));
	assert_non_null(memmem(mb->buf, mb->end,
	                       "\"{\"\"address\"\":\"\"A\"\"}\"",
	                       strlen("\"{\"\"address\"\":\"\"A\"\"}\"")));
	mem_deref(mb);
}

/* --- forms, attachments -------------------------------------------------- */

static void test_fields(void **state)
{
	const struct center_wo_category *cat =
	    center_wo_category(center_tenant(E.center, "t1"), "fault");
	static const struct {
		const char *json;
		int err;
		const char *why;
	} cases[] = {
	    {"{\"address\":\"A\"}", 0, NULL},
	    {"{\"address\":\"A\",\"kind\":\"water\",\"since\":\"2024-02-29\","
	     "\"people\":3,\"contact\":\"138 0000 0000\"}",
	     0, NULL},
	    {"{}", EINVAL, "address is required"},
	    {"{\"address\":\"\"}", EINVAL, "address is required"},
	    {"[1]", EINVAL, "expected an object"},
	    {"{\"address\":", EINVAL, "not JSON"},
	    {"{\"address\":\"A\",\"colour\":\"red\"}", EINVAL,
	     "'colour' is not a field"},
	    {"{\"address\":\"A\",\"kind\":\"gas\"}", EINVAL,
	     "kind must be one"},
	    {"{\"address\":\"A\",\"since\":\"2023-02-29\"}", EINVAL,
	     "since must be a date"},
	    {"{\"address\":\"A\",\"people\":\"3\"}", EINVAL,
	     "people must be a number"},
	    {"{\"address\":\"A\",\"contact\":\"call me\"}", EINVAL,
	     "contact must be a phone"},
	    {"{\"address\":\"A\",\"address\":\"B\"}", EINVAL, "not JSON"},
	};
	char err[CRM_ERR_MAX];

	(void)state;
	assert_non_null(cat);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		err[0] = '\0';
		if (crm_fields_check(cat, cases[i].json, err, sizeof(err)) !=
		    cases[i].err)
			fail_msg("case %zu (%s): %s", i, cases[i].json, err);
		if (cases[i].why && !strstr(err, cases[i].why))
			fail_msg("case %zu: '%s' lacks '%s'", i, err,
			         cases[i].why);
	}
}

static void test_attachments(void **state)
{
	static const char png[] = "\x89PNG\r\n\x1a\nrest";
	char big[200], err[CRM_ERR_MAX];
	struct store_attachment *v = NULL;
	struct out wo, o;
	size_t n;

	(void)state;
	create_order(STORE_PRIO_NORMAL, &wo);
	memset(big, 'a', sizeof(big));
	assert_int_equal(crm_workorder_attach(E.crm, "t1", wo.id, &AGENT,
	                                      "big.txt", "text/plain", big,
	                                      sizeof(big), on_result, &o, err,
	                                      sizeof(err)),
	                 EFBIG);
	assert_non_null(strstr(err, "over the limit of 100 bytes"));
	assert_int_equal(
	    crm_workorder_attach(E.crm, "t1", wo.id, &AGENT, "x.exe",
	                         "application/x-msdownload", "MZ", 2, on_result,
	                         &o, err, sizeof(err)),
	    EMEDIUMTYPE);
	assert_non_null(strstr(err, "not allowed"));
	assert_int_equal(crm_workorder_attach(E.crm, "t1", wo.id, &AGENT,
	                                      "fake.png", "image/png", "GIF89a",
	                                      6, on_result, &o, err,
	                                      sizeof(err)),
	                 EMEDIUMTYPE);
	assert_non_null(strstr(err, "content is not image/png"));
	assert_int_equal(crm_workorder_attach(E.crm, "t1", wo.id, &AGENT,
	                                      "../x.png", "image/png", png,
	                                      sizeof(png) - 1, on_result, &o,
	                                      err, sizeof(err)),
	                 EINVAL);
	memset(&o, 0, sizeof(o));
	assert_int_equal(crm_workorder_attach(E.crm, "t1", wo.id, &AGENT,
	                                      "pipe.png", "image/png", png,
	                                      sizeof(png) - 1, on_result, &o,
	                                      err, sizeof(err)),
	                 0);
	flush();
	assert_int_equal(o.err, 0);
	assert_int_equal(
	    store_attachments_get_sync(E.store, "t1", wo.id, &v, &n), 0);
	assert_int_equal(n, 1); /* the refused ones left nothing */
	assert_string_equal(v[0].name, "pipe.png");
	mem_deref(v);
}

/* --- the workflow -------------------------------------------------------- */

/* How to bring a new order to each status (supervisor moves). */
static const struct {
	int status;
	enum crm_move path[4];
	size_t n;
} paths[] = {
    {STORE_WO_NEW, {0}, 0},
    {STORE_WO_DISPATCHED, {CRM_MOVE_DISPATCH}, 1},
    {STORE_WO_IN_PROGRESS, {CRM_MOVE_TAKE}, 1},
    {STORE_WO_ANSWERED, {CRM_MOVE_TAKE, CRM_MOVE_ANSWER}, 2},
    {STORE_WO_FOLLOW_UP,
     {CRM_MOVE_TAKE, CRM_MOVE_ANSWER, CRM_MOVE_FOLLOW_UP},
     3},
    {STORE_WO_CLOSED, {CRM_MOVE_TAKE, CRM_MOVE_ANSWER, CRM_MOVE_CLOSE}, 3},
    {STORE_WO_REOPENED,
     {CRM_MOVE_TAKE, CRM_MOVE_ANSWER, CRM_MOVE_CLOSE, CRM_MOVE_REOPEN},
     4},
};

static void drive(size_t p, struct out *wo)
{
	struct out o;

	create_order(STORE_PRIO_NORMAL, wo);
	for (size_t i = 0; i < paths[p].n; i++) {
		int e = move(wo->id, paths[p].path[i], &SUP, "because", "water",
		             &o);
		if (e)
			fail_msg("drive to %s: %s: %d %s",
			         store_wo_status_name(paths[p].status),
			         crm_move_name(paths[p].path[i]), e, o.detail);
	}
	assert_int_equal(o.status, paths[p].status);
}

static long audit_rows(const char *id)
{
	struct store_wo_event *ev = NULL;
	size_t n = 0;

	assert_int_equal(store_wo_events_get_sync(E.store, "t1", id, &ev, &n),
	                 0);
	mem_deref(ev);
	return (long)n;
}

#define S(x) (1u << STORE_WO_##x)
#define R(x) (1u << CRM_ROLE_##x)

/* The workflow as the issue states it, written out apart from the code's
 * table: which statuses each move starts from, who may make it. */
static const uint32_t want_from[CRM_MOVE_MAX] = {
    [CRM_MOVE_DISPATCH] = S(NEW) | S(REOPENED) | S(IN_PROGRESS),
    [CRM_MOVE_TAKE] = S(NEW) | S(REOPENED),
    [CRM_MOVE_ACCEPT] = S(DISPATCHED),
    [CRM_MOVE_RETURN] = S(DISPATCHED) | S(IN_PROGRESS),
    [CRM_MOVE_ANSWER] = S(IN_PROGRESS),
    [CRM_MOVE_FOLLOW_UP] = S(ANSWERED),
    [CRM_MOVE_CLOSE] = S(ANSWERED) | S(FOLLOW_UP),
    [CRM_MOVE_REOPEN] = S(ANSWERED) | S(FOLLOW_UP) | S(CLOSED),
};
static const uint32_t want_roles[CRM_MOVE_MAX] = {
    [CRM_MOVE_DISPATCH] = R(AGENT) | R(SUPERVISOR),
    [CRM_MOVE_TAKE] = R(AGENT) | R(SUPERVISOR),
    [CRM_MOVE_ACCEPT] = R(UNIT) | R(SUPERVISOR),
    [CRM_MOVE_RETURN] = R(UNIT) | R(SUPERVISOR),
    [CRM_MOVE_ANSWER] = R(UNIT) | R(AGENT) | R(SUPERVISOR),
    [CRM_MOVE_FOLLOW_UP] = R(AGENT) | R(SUPERVISOR) | R(SYSTEM),
    [CRM_MOVE_CLOSE] = R(AGENT) | R(SUPERVISOR),
    [CRM_MOVE_REOPEN] = R(AGENT) | R(SUPERVISOR),
};

static void test_workflow_table(void **state)
{
	const struct crm_actor actors[CRM_ROLE_MAX] = {
	    [CRM_ROLE_AGENT] = {"1001", CRM_ROLE_AGENT},
	    [CRM_ROLE_SUPERVISOR] = {"s1", CRM_ROLE_SUPERVISOR},
	    [CRM_ROLE_UNIT] = {"w.zhang", CRM_ROLE_UNIT},
	    [CRM_ROLE_SYSTEM] = {"ivr", CRM_ROLE_SYSTEM},
	};
	unsigned allowed = 0, refused = 0;

	(void)state;
	for (size_t p = 0; p < ARRAY_LEN(paths); p++) {
		for (int m = 0; m < CRM_MOVE_MAX; m++) {
			for (int r = 0; r < CRM_ROLE_MAX; r++) {
				struct out wo, o;
				long before;
				int e, want;
				bool role_ok, from_ok, own;

				drive(p, &wo);
				before = audit_rows(wo.id);
				role_ok = want_roles[m] & (1u << r);
				from_ok =
				    want_from[m] & (1u << paths[p].status);
				/* a unit user's moves on its own orders: only
				 * the dispatched one is water's */
				own = m == CRM_MOVE_ACCEPT ||
				      m == CRM_MOVE_RETURN ||
				      m == CRM_MOVE_ANSWER;
				if (!role_ok)
					want = EPERM;
				else if (r == CRM_ROLE_UNIT && own &&
				         paths[p].status != STORE_WO_DISPATCHED)
					want = EACCES;
				else if (!from_ok)
					want = EPERM;
				else
					want = 0;
				e = move(wo.id, (enum crm_move)m, &actors[r],
				         "why", "power", &o);
				if (e != want)
					fail_msg(
					    "%s by %s from %s: got %d "
					    "(%s), want %d",
					    crm_move_name((enum crm_move)m),
					    crm_role_name((enum crm_role)r),
					    store_wo_status_name(
					        paths[p].status),
					    e, o.detail, want);
				if (e) {
					refused++;
					/* nothing written */
					assert_int_equal(audit_rows(wo.id),
					                 before);
				} else {
					allowed++;
					assert_int_equal(
					    o.status,
					    crm_move_to((enum crm_move)m));
					assert_int_equal(audit_rows(wo.id),
					                 before + 1);
				}
				if (e == EPERM && role_ok) {
					char buf[256];
					/* the store says what it found */
					assert_int_equal(o.status,
					                 paths[p].status);
					crm_move_refusal((enum crm_move)m,
					                 o.status, buf,
					                 sizeof(buf));
					assert_non_null(strstr(buf, "needs"));
				}
			}
		}
	}
	print_message("  %u moves allowed, %u refused\n", allowed, refused);
	assert_true(allowed > 20 && refused > 100);
}

static void test_workflow_rules(void **state)
{
	struct store_followup *fu = NULL;
	struct out wo, o;
	size_t n;

	(void)state;
	create_order(STORE_PRIO_NORMAL, &wo);
	/* closing an order never answered */
	assert_int_equal(move(wo.id, CRM_MOVE_CLOSE, &AGENT, NULL, NULL, &o),
	                 EPERM);
	assert_int_equal(o.status, STORE_WO_NEW);
	/* a reason, an answer, a unit are required */
	assert_int_equal(move(wo.id, CRM_MOVE_DISPATCH, &AGENT, NULL, NULL, &o),
	                 EINVAL);
	assert_non_null(strstr(o.detail, "dispatch needs a unit"));
	assert_int_equal(
	    move(wo.id, CRM_MOVE_DISPATCH, &AGENT, NULL, "gas", &o), EINVAL);
	assert_non_null(strstr(o.detail, "unknown unit 'gas'"));
	assert_int_equal(
	    move(wo.id, CRM_MOVE_DISPATCH, &AGENT, NULL, "water", &o), 0);
	/* the power department cannot touch water's order */
	assert_int_equal(move(wo.id, CRM_MOVE_ACCEPT,
	                      &(struct crm_actor){"p.li", CRM_ROLE_UNIT}, NULL,
	                      NULL, &o),
	                 EACCES);
	/* a stranger is no unit user */
	assert_int_equal(move(wo.id, CRM_MOVE_ACCEPT,
	                      &(struct crm_actor){"x", CRM_ROLE_UNIT}, NULL,
	                      NULL, &o),
	                 EACCES);
	assert_int_equal(move(wo.id, CRM_MOVE_RETURN,
	                      &(struct crm_actor){"w.zhang", CRM_ROLE_UNIT},
	                      NULL, NULL, &o),
	                 EINVAL);
	assert_non_null(strstr(o.detail, "return needs a reason"));
	assert_int_equal(move(wo.id, CRM_MOVE_RETURN,
	                      &(struct crm_actor){"w.zhang", CRM_ROLE_UNIT},
	                      "not ours: gas leak", NULL, &o),
	                 0);
	assert_int_equal(o.status, STORE_WO_NEW);
	assert_int_equal(
	    move(wo.id, CRM_MOVE_DISPATCH, &AGENT, NULL, "water", &o), 0);
	assert_int_equal(move(wo.id, CRM_MOVE_ACCEPT,
	                      &(struct crm_actor){"w.zhang", CRM_ROLE_UNIT},
	                      NULL, NULL, &o),
	                 0);
	assert_int_equal(move(wo.id, CRM_MOVE_ANSWER,
	                      &(struct crm_actor){"w.zhang", CRM_ROLE_UNIT},
	                      "pipe replaced", NULL, &o),
	                 0);
	/* answered: a follow-up call was made for the customer */
	assert_int_equal(
	    store_followups_get_sync(E.store, "t1", wo.id, &fu, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(fu[0].kind, "call");
	assert_null(fu[0].address); /* the order has no customer */
	mem_deref(fu);
	/* satisfaction 1..5 */
	{
		char err[CRM_ERR_MAX];
		assert_int_equal(crm_satisfaction(E.crm, "t1", wo.id, NULL, 6,
		                                  "agent", &AGENT, on_result,
		                                  &o, err, sizeof(err)),
		                 EINVAL);
		memset(&o, 0, sizeof(o));
		assert_int_equal(crm_satisfaction(E.crm, "t1", wo.id, NULL, 5,
		                                  "ivr", &AGENT, on_result, &o,
		                                  err, sizeof(err)),
		                 0);
		flush();
		assert_int_equal(o.err, 0);
		/* a call's score alone, from the post-call survey */
		memset(&o, 0, sizeof(o));
		assert_int_equal(crm_satisfaction(E.crm, "t1", NULL, "CALL9", 3,
		                                  "ivr", NULL, on_result, &o,
		                                  err, sizeof(err)),
		                 0);
		flush();
		assert_true(o.called);
		assert_int_equal(o.err, 0);
		assert_true(crm_survey_queue(E.crm, "t1", "voice"));
		assert_false(crm_survey_queue(E.crm, "t1", "wo"));
	}
	assert_int_equal(move(wo.id, CRM_MOVE_CLOSE, &AGENT, NULL, NULL, &o),
	                 0);
	assert_int_equal(o.status, STORE_WO_CLOSED);
	/* a unit user may never close */
	assert_int_equal(move(wo.id, CRM_MOVE_REOPEN,
	                      &(struct crm_actor){"w.zhang", CRM_ROLE_UNIT},
	                      "x", NULL, &o),
	                 EPERM);
	assert_non_null(strstr(o.detail, "only agent, supervisor"));
}

/* --- deadlines ----------------------------------------------------------- */

struct evs {
	int flagged, escalated, created, changed;
};

static void on_event(const struct crm_event *ev, void *arg)
{
	struct evs *e = arg;

	e->flagged += ev->type == CRM_EV_FLAGGED;
	e->escalated += ev->type == CRM_EV_ESCALATED;
	e->created += ev->type == CRM_EV_CREATED;
	e->changed += ev->type == CRM_EV_CHANGED;
}

static void test_escalation(void **state)
{
	uint64_t t0 = now_ms;
	struct evs ev = {0};
	struct out a, b, o;

	(void)state;
	assert_int_equal(crm_subscribe(E.crm, on_event, &ev), 0);
	/* nothing due but the slots' refresh */
	assert_int_equal(crm_next_deadline(E.crm), t0 + 6 * 3600000ull);
	create_order(STORE_PRIO_URGENT, &a); /* due in 30 min */
	create_order(STORE_PRIO_LOW, &b);    /* due in 4 h */
	assert_int_equal(ev.created, 2);
	/* flagged at warn_at 50%: 15 min; the host was told */
	assert_int_equal(crm_next_deadline(E.crm), t0 + 15 * 60000);
	assert_int_equal(E.deadline, t0 + 15 * 60000);

	now_ms = t0 + 15 * 60000 - 1;
	crm_run_timers(E.crm);
	flush();
	assert_int_equal(ev.flagged, 0);
	now_ms = t0 + 15 * 60000;
	crm_run_timers(E.crm);
	flush();
	assert_int_equal(ev.flagged, 1);
	assert_int_equal(ev.escalated, 0);
	assert_int_equal(crm_next_deadline(E.crm), t0 + 30 * 60000);

	/* b is answered in time: it drops out of the watch */
	assert_int_equal(move(b.id, CRM_MOVE_TAKE, &AGENT, NULL, NULL, &o), 0);
	assert_int_equal(move(b.id, CRM_MOVE_ANSWER, &AGENT, "done", NULL, &o),
	                 0);

	now_ms = t0 + 31 * 60000;
	crm_run_timers(E.crm);
	flush();
	assert_int_equal(ev.escalated, 1);
	assert_int_equal(ev.flagged, 1);
	assert_int_equal(crm_next_deadline(E.crm), t0 + 6 * 3600000ull);
	assert_int_equal(E.deadline, t0 + 6 * 3600000ull);

	/* reopening starts the watch again */
	assert_int_equal(move(a.id, CRM_MOVE_TAKE, &AGENT, NULL, NULL, &o), 0);
	assert_int_equal(move(a.id, CRM_MOVE_ANSWER, &AGENT, "x", NULL, &o), 0);
	assert_int_equal(
	    move(a.id, CRM_MOVE_REOPEN, &AGENT, "unhappy", NULL, &o), 0);
	assert_true(crm_next_deadline(E.crm) > now_ms);
	now_ms += 25ull * 3600 * 1000;
	crm_run_timers(E.crm);
	flush();
	assert_int_equal(ev.escalated, 2);
	assert_true(ev.changed >= 5);
	crm_unsubscribe(E.crm, on_event, &ev);
	now_ms = t0;
}

/* --- routing ------------------------------------------------------------- */

struct offers {
	unsigned voice, workorder;
	uint64_t last_wo;
};

static void on_acd(const struct acd_event *ev, void *arg)
{
	struct offers *o = arg;

	if (ev->type != ACD_EV_CONTACT_OFFERED)
		return;
	if (ev->channel == ACD_CH_VOICE)
		o->voice++;
	if (ev->channel == ACD_CH_WORKORDER) {
		o->workorder++;
		o->last_wo = ev->contact_id;
	}
}

static void test_routing_capacity(void **state)
{
	struct acd_tenant *t = acd_tenant_find(E.acd, "t1");
	struct acd_agent *ag = acd_agent_find(t, "1001");
	struct acd_agent_info info;
	struct offers of = {0};
	struct out w[3], o;
	uint64_t call;
	char err[CRM_ERR_MAX];
	struct store_workorder *v = NULL;
	size_t n;

	(void)state;
	assert_int_equal(acd_subscribe(E.acd, on_acd, &of), 0);
	assert_int_equal(
	    acd_agent_set_presence(ag, ACD_PRESENCE_AVAILABLE, NULL), 0);
	for (int i = 0; i < 3; i++)
		create_order(STORE_PRIO_NORMAL, &w[i]);
	assert_int_equal(crm_routed_count(E.crm), 3);
	/* capacity 2 work orders: two offered (one at a time) */
	assert_int_equal(of.workorder, 1);
	assert_int_equal(crm_workorder_accept(E.crm, "t1", w[0].id, "1001", err,
	                                      sizeof(err)),
	                 0);
	assert_int_equal(of.workorder, 2);
	assert_int_equal(crm_workorder_accept(E.crm, "t1", w[1].id, "1001", err,
	                                      sizeof(err)),
	                 0);
	acd_agent_info(ag, &info);
	assert_int_equal(info.active[ACD_CH_WORKORDER], 2);
	assert_int_equal(of.workorder, 2); /* the third waits */
	assert_int_equal(crm_workorder_accept(E.crm, "t1", w[2].id, "1001", err,
	                                      sizeof(err)),
	                 EBUSY);

	/* a call still reaches the agent: work orders do not block calls */
	assert_int_equal(
	    acd_contact_add(E.acd,
	                    &(struct acd_contact_params){
	                        .channel = ACD_CH_VOICE,
	                        .queue = acd_queue_find(t, "voice")},
	                    &call),
	    0);
	assert_int_equal(of.voice, 1);
	assert_int_equal(acd_contact_accept(E.acd, call, ag), 0);

	/* an order is dispatched: its contact completes; but during the
	 * call the waiting order is not offered (a call blocks them) */
	assert_int_equal(
	    move(w[0].id, CRM_MOVE_DISPATCH, &AGENT, NULL, "water", &o), 0);
	acd_agent_info(ag, &info);
	assert_int_equal(info.active[ACD_CH_WORKORDER], 1);
	assert_int_equal(crm_routed_count(E.crm), 2);
	assert_int_equal(of.workorder, 2);

	/* the call ends (no wrap-up): the third order is offered now */
	assert_int_equal(acd_contact_complete(E.acd, call), 0);
	assert_int_equal(of.workorder, 3);
	assert_int_equal(crm_workorder_contact(E.crm, w[2].id), of.last_wo);
	flush();
	/* the order records who has it */
	assert_int_equal(
	    store_workorders_get_sync(
	        E.store,
	        &(struct store_wo_filter){.tenant = "t1", .id = w[1].id}, &v,
	        &n),
	    0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].agent, "1001");
	mem_deref(v);
	assert_int_equal(acd_check(E.acd), 0);
	acd_unsubscribe(E.acd, on_acd, &of);
}

/* --- appointments -------------------------------------------------------- */

static void test_appointments(void **state)
{
	struct store_appt_slot *v = NULL;
	char err[CRM_ERR_MAX], text[128];
	struct out o[3];
	size_t n;

	(void)state;
	/* crm_start made them: from Thu 2026-01-01 for 7 days, mon-fri
	 * 09:00-10:00 in 30 min: Thu, Fri, Mon, Tue, Wed = 5 days x 2 */
	assert_int_equal(
	    store_slots_get_sync(E.store, "t1", "permit", 0, 0, &v, &n), 0);
	assert_int_equal(n, 10);
	assert_int_equal(v[0].start, now_ms + 9 * 3600000ull);
	assert_int_equal(v[1].start, now_ms + 9 * 3600000ull + 1800000);
	assert_int_equal(v[2].start, now_ms + 33 * 3600000ull);
	assert_int_equal(v[4].start, now_ms + (4 * 24 + 9) * 3600000ull);

	for (int i = 0; i < 3; i++) {
		memset(&o[i], 0, sizeof(o[i]));
		assert_int_equal(crm_book(E.crm, "t1", v[0].id, NULL,
		                          "138 0000 0000", "ivr", NULL,
		                          on_result, &o[i], err, sizeof(err)),
		                 0);
	}
	flush();
	assert_int_equal(o[0].err, 0);
	assert_int_equal(o[1].err, 0);
	assert_int_equal(o[2].err, ENOSPC); /* capacity 2 */
	assert_non_null(strstr(o[2].detail, "slot full"));
	assert_int_equal(crm_booking_confirmation(E.crm, "t1", "permit",
	                                          v[0].start, o[0].code, text,
	                                          sizeof(text)),
	                 0);
	assert_non_null(strstr(text, "Permit hall, 2026-01-01 09:00, code "));
	assert_int_equal(crm_book(E.crm, "t1", v[0].id, NULL, NULL, "ivr", NULL,
	                          on_result, &o[0], err, sizeof(err)),
	                 EINVAL);
	mem_deref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_identities),
	    cmocka_unit_test(test_csv),
	    cmocka_unit_test_setup_teardown(test_import_good, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_bad, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_encodings, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_customer_pop_export, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_fields, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_attachments, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_workflow_table, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_workflow_rules, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_escalation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_routing_capacity, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_appointments, setup, teardown),
	};
	int r;

	hl_log_set_level(HL_LOG_ERROR);
	if (libre_init())
		return 1;
	r = cmocka_run_group_tests(tests, NULL, NULL);
	libre_close();
	return r;
}
