/**
 * @file test_load.c  center_load(): the demo center, defaults, ranges, and
 * a table of broken files, each with its exact "file:line: field: message".
 * Every error path runs under ASan's leak checker.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <re.h>

#include "center/center.h"
#include "center/center_int.h"

static char tmp_path[64];

/* Write text to a fresh temporary file; its name is tmp_path. */
static void write_tmp(const char *text)
{
	int fd;
	FILE *f;

	strcpy(tmp_path, "/tmp/hotline-center-XXXXXX");
	fd = mkstemp(tmp_path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static int load_text(struct center **cp, const char *text, char *err,
                     size_t errsz)
{
	int e;

	write_tmp(text);
	*cp = NULL;
	e = center_load(cp, tmp_path, err, errsz);
	unlink(tmp_path);
	return e;
}

static const struct center_queue *queue(const struct center_tenant *t,
                                        const char *name)
{
	for (size_t i = 0; i < t->nqueues; i++) {
		if (!strcmp(t->queues[i].cfg.name, name))
			return &t->queues[i];
	}
	return NULL;
}

static int agent_level(const struct center_agent *a, const char *skill)
{
	for (size_t i = 0; i < a->cfg.nskills; i++) {
		if (!strcmp(a->cfg.skills[i].skill, skill))
			return a->cfg.skills[i].level;
	}
	return 0;
}

static int req_level(const struct acd_reqs *r, const char *skill)
{
	for (size_t i = 0; i < r->n; i++) {
		if (!strcmp(r->v[i].skill, skill))
			return r->v[i].min_level;
	}
	return 0;
}

/* --- the demo center ----------------------------------------------------- */

static void test_demo(void **state)
{
	struct center *c = NULL;
	const struct center_tenant *t, *nt = NULL;
	const struct center_queue *q;
	const struct center_agent *a;
	const struct center_number *n;
	char err[512];
	size_t agents_with_korean = 0;

	assert_int_equal(center_load(&c, "etc/demo.yaml", err, sizeof(err)), 0);
	assert_non_null(c);
	assert_string_equal(c->path, "etc/demo.yaml");
	assert_string_equal(c->server.sip_listen, "127.0.0.1:5060");
	assert_string_equal(c->server.http_listen, "127.0.0.1:8080");
	assert_string_equal(c->server.database, "var/hotline.db");
	assert_string_equal(c->server.log_level, "info");
	assert_int_equal(c->ntrunks, 1);
	assert_string_equal(c->trunks[0].address, "127.0.0.1");
	assert_int_equal(c->trunks[0].port, 0);

	assert_int_equal(c->ntenants, 2); /* demo and acme */
	t = center_tenant(c, "demo");
	assert_ptr_equal(t, &c->tenants[0]);
	assert_null(center_tenant(c, "nobody"));
	assert_string_equal(t->timezone, "Asia/Shanghai");
	assert_true(t->available_on_register);
	assert_int_equal(t->nskills, 8);
	assert_int_equal(t->nqueues, 6); /* five voice, one workorder */
	assert_int_equal(t->nagents, 20);
	assert_int_equal(t->nnumbers, 2);

	const char *names[] = {"general", "enquiry", "complaint", "fault",
	                       "appointment"};
	for (size_t i = 0; i < 5; i++) {
		q = queue(t, names[i]);
		assert_non_null(q);
		assert_int_equal(q->cfg.channel, ACD_CH_VOICE);
		assert_true(q->cfg.reqs.n >= 1);
		assert_ptr_equal(q->cfg.reqs.v, q->reqs);
		assert_ptr_equal(q->cfg.relax, q->relax);
		assert_true(q->cfg.nrelax >= 1);
		assert_true(q->cfg.max_wait_s > 0);
		assert_int_not_equal(q->cfg.overflow, ACD_OVERFLOW_NONE);
		assert_true(q->line > 0);
	}
	q = queue(t, "general");
	assert_int_equal(req_level(&q->cfg.reqs, "general"), 3);
	assert_int_equal(q->cfg.strategy, ACD_STRAT_LONGEST_IDLE);
	assert_int_equal(q->cfg.offer_timeout_s, 15);
	assert_int_equal(q->cfg.wrapup_s, 10);
	assert_true(q->cfg.sl_target > 0.899 && q->cfg.sl_target < 0.901);
	assert_int_equal(q->cfg.sl_threshold_s, 10);
	assert_int_equal(q->cfg.nrelax, 2);
	assert_int_equal(q->cfg.relax[0].after_s, 20);
	assert_int_equal(req_level(&q->cfg.relax[0].reqs, "general"), 1);
	assert_int_equal(q->cfg.relax[1].after_s, 60);
	assert_int_equal(q->cfg.relax[1].reqs.n, 0); /* any agent */
	assert_int_equal(q->cfg.max_wait_s, 600);    /* "10m" */
	assert_int_equal(q->cfg.max_len, 200);
	assert_int_equal(q->cfg.overflow, ACD_OVERFLOW_CALLBACK);
	assert_int_equal(q->cfg.aht_hint_s, 180); /* default */

	q = queue(t, "enquiry");
	assert_int_equal(q->cfg.strategy, ACD_STRAT_BEST_SKILL);
	assert_int_equal(q->cfg.overflow, ACD_OVERFLOW_QUEUE);
	assert_string_equal(q->cfg.overflow_target, "general");
	assert_int_equal(q->cfg.relax[1].after_s, 120); /* "2m" */
	assert_int_equal(queue(t, "appointment")->cfg.strategy,
	                 ACD_STRAT_ROUND_ROBIN);
	assert_int_equal(queue(t, "complaint")->cfg.overflow,
	                 ACD_OVERFLOW_VOICEMAIL);

	for (int id = 1001; id <= 1020; id++) {
		char ids[16], pw[16];

		snprintf(ids, sizeof(ids), "%d", id);
		snprintf(pw, sizeof(pw), "pw%d", id);
		a = center_agent(t, ids);
		assert_non_null(a);
		assert_string_equal(a->cfg.id, ids);
		assert_string_equal(a->password, pw);
		assert_non_null(a->cfg.name);
		assert_ptr_equal(a->cfg.skills, a->skills);
		assert_true(agent_level(a, "general") >= 1);
		assert_true(agent_level(a, "mandarin") >= 1);
		for (size_t k = 0; k < a->cfg.nskills; k++) {
			assert_true(a->cfg.skills[k].level >= 1 &&
			            a->cfg.skills[k].level <= 10);
		}
		/* agent_defaults: work orders do not block calls */
		assert_true(a->cfg.use_blocks);
		assert_int_equal(a->cfg.capacity[ACD_CH_WORKORDER], 5);
		assert_false(a->cfg.blocks[ACD_CH_VOICE] &
		             (1u << ACD_CH_WORKORDER));
		assert_true(a->cfg.blocks[ACD_CH_WORKORDER] &
		            (1u << ACD_CH_VOICE));
		if (agent_level(a, "korean"))
			agents_with_korean++;
	}
	assert_true(agents_with_korean >= 2);
	a = center_agent(t, "1001");
	assert_string_equal(a->cfg.name, "Wang Fang");
	assert_int_equal(agent_level(a, "general"), 8);
	assert_int_equal(agent_level(a, "enquiry"), 7);
	assert_int_equal(agent_level(a, "mandarin"), 10);
	assert_int_equal(agent_level(a, "korean"), 0);
	assert_null(center_agent(t, "1021"));

	n = center_number(c, "12345", &nt);
	assert_non_null(n);
	assert_ptr_equal(nt, t);
	/* the voice menu answers 12345; general if the IVR cannot */
	assert_string_equal(n->flow, "main");
	assert_string_equal(n->queue, "general");
	assert_non_null(center_flow(t, "main"));
	n = center_number(c, "12300", NULL);
	assert_non_null(n);
	assert_string_equal(n->queue, "general");
	assert_null(n->flow);
	assert_int_equal(n->priority, 0);
	assert_null(center_number(c, "110", NULL));

	/* work orders and appointments */
	assert_true(t->workorders.set);
	assert_string_equal(t->workorders.queue, "workorders");
	assert_int_equal(t->workorders.ncategories, 4);
	assert_non_null(center_wo_category(t, "fault"));
	assert_string_equal(center_wo_category(t, "fault")->unit, "water");
	assert_int_equal(center_wo_category(t, "fault")->due_s[3], 7200);
	assert_int_equal(t->workorders.nunits, 3);
	assert_string_equal(center_unit_of_user(t, "p.chen")->name, "power");
	assert_null(center_unit_of_user(t, "1001"));
	assert_int_equal(t->nservices, 2);
	assert_int_equal(center_service(t, "permit")->capacity, 3);
	assert_int_equal(center_service(t, "permit")->week[0].n, 2);
	assert_int_equal(center_service(t, "permit")->week[6].n, 0);

	/* the second tenant: a company's line on 95555 */
	t = center_tenant(c, "acme");
	assert_non_null(t);
	n = center_number(c, "95555", &nt);
	assert_ptr_equal(nt, t);
	assert_int_equal(t->nagents, 5);
	assert_string_equal(center_agent(t, "2003")->password, "pw2003");
	assert_null(center_agent(t, "1001"));
	assert_string_equal(t->workorders.queue, "tickets");

	mem_deref(c);
}

/* The example in the docs and etc/examples/minimal.yaml; the defaults. */
static void test_minimal_and_defaults(void **state)
{
	struct center *c = NULL;
	const struct center_queue *q;
	char err[512];

	assert_int_equal(load_text(&c, cfg_doc_example, err, sizeof(err)), 0);
	mem_deref(c);
	assert_int_equal(
	    center_load(&c, "etc/examples/minimal.yaml", err, sizeof(err)), 0);
	assert_string_equal(c->server.sip_listen, "127.0.0.1:5060");
	assert_string_equal(c->server.http_listen, "127.0.0.1:8080");
	assert_string_equal(c->server.database, "var/hotline.db");
	assert_string_equal(c->server.log_level, "info");
	assert_int_equal(c->ntrunks, 0);
	assert_string_equal(c->tenants[0].timezone, "UTC");
	assert_false(c->tenants[0].available_on_register);
	assert_null(c->tenants[0].description);
	q = &c->tenants[0].queues[0];
	assert_int_equal(q->cfg.channel, ACD_CH_VOICE);
	assert_int_equal(q->cfg.strategy, ACD_STRAT_LONGEST_IDLE);
	assert_int_equal(q->cfg.offer_timeout_s, 20);
	assert_int_equal(q->cfg.wrapup_s, 0);
	assert_int_equal(q->cfg.max_wait_s, 0);
	assert_int_equal(q->cfg.max_len, 0);
	assert_int_equal(q->cfg.ring_all_max, 0);
	assert_true(q->cfg.sl_target > 0.799 && q->cfg.sl_target < 0.801);
	assert_int_equal(q->cfg.sl_threshold_s, 20);
	assert_int_equal(q->cfg.aht_hint_s, 180);
	assert_int_equal(q->cfg.overflow, ACD_OVERFLOW_NONE);
	assert_null(q->cfg.overflow_target);
	assert_int_equal(q->cfg.nrelax, 0);
	assert_null(c->tenants[0].agents[0].cfg.name);
	mem_deref(c);
}

/* Units, percentages, ranges with {id}, capacity and the mixing rule. */
static void test_values(void **state)
{
	static const char text[] =
	    "server:\n"
	    "  sip: \"[::1]:5070\"\n"
	    "  log_level: debug\n"
	    "trunks:\n"
	    "  - {name: a, address: \"2001:db8::1\", port: 5080}\n"
	    "  - {name: b, address: 192.0.2.1}\n"
	    "tenants:\n"
	    "  - name: t\n"
	    "    skills: [s, u]\n"
	    "    agent_defaults:\n"
	    "      capacity: {chat: 4}\n"
	    "    queues:\n"
	    "      - name: q\n"
	    "        channel: chat\n"
	    "        strategy: ring-all\n"
	    "        ring_all_max: 3\n"
	    "        wrapup: 1m30s\n"
	    "        max_wait: 1h\n"
	    "        aht_hint: 5m\n"
	    "        service_level: {target: 85%, within: 2m}\n"
	    "        relax: [{after: 30s, skills: {u: 2}}]\n"
	    "        overflow: {action: disconnect, target: closed}\n"
	    "      - {name: v, skills: {}}\n"
	    "    agents:\n"
	    "      - {ids: 0098-0101, name: \"Agent {id}\", password: "
	    "\"pw{id}x{id}\", skills: {s: 10}}\n"
	    "      - id: z9\n"
	    "        capacity: {email: 2, chat: 1}\n"
	    "        blocks: {chat: [voice], email: []}\n"
	    "    numbers:\n"
	    "      - {number: \"+861012345\", queue: v, priority: 9}\n";
	struct center *c = NULL;
	const struct center_tenant *t;
	const struct center_queue *q;
	const struct center_agent *a;
	char err[512];
	uint16_t calls = (1u << ACD_CH_VOICE) | (1u << ACD_CH_CALLBACK) |
	                 (1u << ACD_CH_OUTBOUND);
	uint16_t all = (1u << ACD_CH_MAX) - 1;

	assert_int_equal(load_text(&c, text, err, sizeof(err)), 0);
	assert_string_equal(c->server.sip_listen, "[::1]:5070");
	assert_string_equal(c->server.log_level, "debug");
	assert_int_equal(c->trunks[0].port, 5080);
	assert_string_equal(c->trunks[0].address, "2001:db8::1");
	assert_int_equal(c->trunks[0].line, 5);
	assert_int_equal(c->trunks[1].line, 6);
	t = &c->tenants[0];
	assert_int_equal(t->line, 8);
	q = &t->queues[0];
	assert_int_equal(q->line, 13);
	assert_int_equal(q->cfg.channel, ACD_CH_CHAT);
	assert_int_equal(q->cfg.strategy, ACD_STRAT_RING_ALL);
	assert_int_equal(q->cfg.ring_all_max, 3);
	assert_int_equal(q->cfg.wrapup_s, 90);
	assert_int_equal(q->cfg.max_wait_s, 3600);
	assert_int_equal(q->cfg.aht_hint_s, 300);
	assert_true(q->cfg.sl_target > 0.849 && q->cfg.sl_target < 0.851);
	assert_int_equal(q->cfg.sl_threshold_s, 120);
	assert_int_equal(q->cfg.relax[0].after_s, 30);
	assert_int_equal(req_level(&q->cfg.relax[0].reqs, "u"), 2);
	assert_int_equal(q->cfg.reqs.n, 0);
	assert_int_equal(q->cfg.overflow, ACD_OVERFLOW_DISCONNECT);
	assert_string_equal(q->cfg.overflow_target, "closed");
	assert_int_equal(t->queues[1].cfg.reqs.n, 0);
	assert_int_equal(t->queues[1].line, 23);

	/* the range: 4 agents, zero-padded, {id} substituted everywhere */
	assert_int_equal(t->nagents, 5);
	const char *ids[] = {"0098", "0099", "0100", "0101"};
	for (size_t i = 0; i < 4; i++) {
		char name[32], pw[32];

		a = &t->agents[i];
		snprintf(name, sizeof(name), "Agent %s", ids[i]);
		snprintf(pw, sizeof(pw), "pw%sx%s", ids[i], ids[i]);
		assert_string_equal(a->cfg.id, ids[i]);
		assert_string_equal(a->cfg.name, name);
		assert_string_equal(a->password, pw);
		assert_int_equal(a->line, 25);
		assert_int_equal(agent_level(a, "s"), 10);
		assert_int_equal(a->cfg.capacity[ACD_CH_CHAT], 4);
		assert_int_equal(a->cfg.capacity[ACD_CH_VOICE], 0);
		assert_false(a->cfg.use_blocks);
	}
	/* each agent owns its skills array */
	assert_ptr_not_equal(t->agents[0].skills, t->agents[1].skills);

	a = center_agent(t, "z9");
	assert_int_equal(a->line, 26);
	assert_null(a->password);
	assert_int_equal(a->cfg.nskills, 0);
	assert_int_equal(a->cfg.capacity[ACD_CH_CHAT], 1);
	assert_int_equal(a->cfg.capacity[ACD_CH_EMAIL], 2);
	assert_true(a->cfg.use_blocks);
	assert_int_equal(a->cfg.blocks[ACD_CH_CHAT], 1u << ACD_CH_VOICE);
	assert_int_equal(a->cfg.blocks[ACD_CH_EMAIL], 0);
	/* the channels not listed keep the default rule */
	assert_int_equal(a->cfg.blocks[ACD_CH_VOICE],
	                 all & ~(1u << ACD_CH_VOICE));
	assert_int_equal(a->cfg.blocks[ACD_CH_MESSAGE], calls);
	assert_int_equal(a->cfg.blocks[ACD_CH_OUTBOUND],
	                 all & ~(1u << ACD_CH_OUTBOUND));

	assert_int_equal(t->numbers[0].priority, 9);
	assert_int_equal(t->numbers[0].line, 30);
	assert_non_null(center_number(c, "+861012345", NULL));
	mem_deref(c);
}

/* Large centers: 20,000 agents from two ranges load quickly (ids are
 * checked for duplicates by sorting, not pairwise). */
static void test_large_ranges(void **state)
{
	static const char text[] =
	    "tenants:\n"
	    "  - name: t\n"
	    "    skills: [s]\n"
	    "    agents:\n"
	    "      - {ids: 10000-19999, password: \"pw{id}\", "
	    "skills: {s: 3}}\n"
	    "      - {ids: 20000-29999, name: \"Agent {id}\"}\n";
	struct center *c = NULL;
	const struct center_tenant *t;
	const struct center_agent *a;
	char err[512];

	assert_int_equal(load_text(&c, text, err, sizeof(err)), 0);
	t = &c->tenants[0];
	assert_int_equal(t->nagents, 20000);
	assert_string_equal(t->agents[0].cfg.id, "10000");
	assert_string_equal(t->agents[19999].cfg.id, "29999");
	a = center_agent(t, "19999");
	assert_non_null(a);
	assert_string_equal(a->password, "pw19999");
	assert_int_equal(agent_level(a, "s"), 3);
	a = center_agent(t, "20000");
	assert_string_equal(a->cfg.name, "Agent 20000");
	assert_null(a->password);
	assert_int_equal(a->line, 6);
	mem_deref(c);
}

static void test_missing_file(void **state)
{
	struct center *c = NULL;
	char err[512];

	assert_int_equal(
	    center_load(&c, "/nonexistent/center.yaml", err, sizeof(err)),
	    ENOENT);
	assert_null(c);
	assert_string_equal(err, "/nonexistent/center.yaml: No such file or "
	                         "directory");
	/* no error buffer is fine too */
	assert_int_equal(center_load(&c, "/nonexistent/center.yaml", NULL, 0),
	                 ENOENT);
}

/* --- broken files -------------------------------------------------------- */

/* A valid tenant to build broken files around (lines 1..12). */
#define BASE                                                                   \
	"tenants:\n"                                     /* 1 */               \
	"  - name: t\n"                                  /* 2 */               \
	"    skills: [general, fault, korean]\n"         /* 3 */               \
	"    queues:\n"                                  /* 4 */               \
	"      - name: general\n"                        /* 5 */               \
	"        skills: {general: 1}\n"                 /* 6 */               \
	"      - name: fault\n"                          /* 7 */               \
	"        skills: {fault: 2}\n"                   /* 8 */               \
	"    agents:\n"                                  /* 9 */               \
	"      - {id: \"1001\", skills: {general: 5}}\n" /* 10 */              \
	"    numbers:\n"                                 /* 11 */              \
	"      - {number: \"12345\", queue: general}\n"  /* 12 */

/* BASE with a flow to break (lines 13..20). */
#define FLOWS                                                                  \
	BASE "    flows:\n"                                /* 13 */            \
	     "      main:\n"                               /* 14 */            \
	     "        menu:\n"                             /* 15 */            \
	     "          type: menu\n"                      /* 16 */            \
	     "          prompts: [menu/main]\n"            /* 17 */            \
	     "          choices: {\"1\": q, \"0\": op}\n"  /* 18 */            \
	     "        q: {type: queue, queue: fault}\n"    /* 19 */            \
	     "        op: {type: queue, queue: general}\n" /* 20 */

struct broken {
	const char *what;
	const char *text;
	const char *error; /* after "FILE:" */
};

static const struct broken broken[] = {
    {"syntax error",
     "tenants:\n  - name: t\n    skills: [general, fault\n"
     "    queues: []\n",
     "4: syntax error: did not find expected ',' or ']' (while parsing "
     "a flow sequence on line 3)"},
    {"tab indentation", "tenants:\n\t- name: t\n",
     "2: syntax error: found character that cannot start any token "
     "(while scanning for the next token on line 2)"},
    {"unknown key in a queue",
     "tenants:\n  - name: t\n    queues:\n      - name: q\n"
     "        stratgy: best-skill\n",
     "5: tenants[0].queues[0].stratgy: unknown key (did you mean "
     "'strategy'?)"},
    {"unknown key, nothing alike", "colour: red\n" BASE,
     "1: colour: unknown key (expected server, trunks, platform, tenants)"},
    {"unknown strategy",
     "tenants:\n  - name: t\n    queues:\n      - name: a\n"
     "      - name: b\n        strategy: fastest\n",
     "6: tenants[0].queues[1].strategy: unknown strategy 'fastest' "
     "(expected longest-idle, fewest-contacts, round-robin, best-skill, "
     "random, ring-all)"},
    {"wrong type: duration",
     "tenants:\n  - name: t\n    queues:\n      - name: q\n"
     "        offer_timeout: twenty\n",
     "5: tenants[0].queues[0].offer_timeout: expected a duration in "
     "seconds (such as 20, 30s, 2m or 1h30m), found 'twenty'"},
    {"wrong type: list expected",
     "tenants:\n  - name: t\n    skills: general\n",
     "3: tenants[0].skills: expected a list of skill names, found a "
     "single value"},
    {"wrong type: mapping expected",
     "tenants:\n  - name: t\n    queues:\n      - name: q\n"
     "        service_level: 0.8\n",
     "5: tenants[0].queues[0].service_level: expected a mapping of "
     "service_level fields, found a single value"},
    {"wrong type: boolean",
     "tenants:\n  - name: t\n    available_on_register: maybe\n",
     "3: tenants[0].available_on_register: expected true or false, "
     "found 'maybe'"},
    {"wrong type: scalar expected", "tenants:\n  - name: [a, b]\n",
     "2: tenants[0].name: expected a name, found a list"},
    {"level out of range",
     "tenants:\n  - name: t\n    skills: [general]\n    agents:\n"
     "      - id: \"1001\"\n        skills:\n          general: 11\n",
     "7: tenants[0].agents[0].skills.general: level 11 out of range "
     "1..10"},
    {"level zero in a queue",
     "tenants:\n  - name: t\n    skills: [general]\n    queues:\n"
     "      - {name: q, skills: {general: 0}}\n",
     "5: tenants[0].queues[0].skills.general: level 0 out of range "
     "1..10"},
    {"level not a number",
     "tenants:\n  - name: t\n    skills: [general]\n    queues:\n"
     "      - {name: q, skills: {general: high}}\n",
     "5: tenants[0].queues[0].skills.general: expected a level 1..10, "
     "found 'high'"},
    {"priority out of range",
     "tenants:\n  - name: t\n    queues: [{name: q}]\n    numbers:\n"
     "      - {number: \"1\", queue: q, priority: 10}\n",
     "5: tenants[0].numbers[0].priority: 10 out of range 0..9"},
    {"port out of range",
     "trunks:\n  - name: c\n    address: 127.0.0.1\n    port: 70000\n"
     "tenants: [{name: t}]\n",
     "4: trunks[0].port: 70000 out of range 0..65535"},
    {"negative duration",
     "tenants:\n  - name: t\n    queues:\n      - name: q\n"
     "        wrapup: -5\n",
     "5: tenants[0].queues[0].wrapup: expected a duration in seconds "
     "(such as 20, 30s, 2m or 1h30m), found '-5'"},
    {"duration out of range",
     "tenants:\n  - name: t\n    queues:\n      - name: q\n"
     "        offer_timeout: 0\n",
     "5: tenants[0].queues[0].offer_timeout: 0 out of range 1..3600 "
     "seconds"},
    {"service level target above 1",
     "tenants:\n  - name: t\n    queues:\n      - name: q\n"
     "        service_level:\n          target: 1.5\n",
     "6: tenants[0].queues[0].service_level.target: 1.5 out of range "
     "0..1 (0%..100%)"},
    {"unknown skill in a queue",
     "tenants:\n  - name: t\n    skills: [general, fault]\n    queues:\n"
     "      - name: q\n        skills: {general: 1, billing: 2}\n",
     "6: tenants[0].queues[0].skills.billing: unknown skill 'billing' "
     "(the tenant's skills are general, fault)"},
    {"unknown skill in an agent",
     "tenants:\n  - name: t\n    skills: [general, korean]\n"
     "    agents:\n      - {id: \"1001\", skills: {general: 5}}\n"
     "      - {id: \"1002\", skills: {general: 5, korea: 9}}\n",
     "6: tenants[0].agents[1].skills.korea: unknown skill 'korea' (the "
     "tenant's skills are general, korean)"},
    {"unknown skill in an agent (no skills list)",
     "tenants:\n  - name: t\n    agents:\n"
     "      - {id: \"1001\", skills: {general: 5}}\n",
     "4: tenants[0].agents[0].skills.general: unknown skill 'general' "
     "(the tenant's skills list is empty)"},
    {"duplicate agent id",
     "tenants:\n  - name: t\n    agents:\n      - {id: \"1001\"}\n"
     "      - {id: \"1002\"}\n      - {id: \"1001\"}\n",
     "6: tenants[0].agents[2].id: agent id '1001' is already defined on "
     "line 4"},
    {"duplicate agent id from a range",
     "tenants:\n  - name: t\n    agents:\n      - {id: \"1015\"}\n"
     "      - {ids: 1011-1020}\n",
     "5: tenants[0].agents[1].ids: agent id '1015' is already defined on "
     "line 4"},
    {"duplicate number across tenants",
     BASE "  - name: u\n    queues: [{name: q}]\n    numbers:\n"
          "      - {number: \"12300\", queue: q}\n"
          "      - {number: \"12345\", queue: q}\n",
     "17: tenants[1].numbers[1].number: number '12345' already belongs "
     "to tenant 't' (line 12)"},
    {"duplicate number in a tenant",
     BASE "      - {number: \"12345\", queue: fault}\n",
     "13: tenants[0].numbers[1].number: number '12345' already belongs "
     "to tenant 't' (line 12)"},
    {"duplicate queue",
     BASE "      - {number: \"1\", queue: general}\n"
          "  - name: u\n    queues: [{name: a}, {name: b}, {name: a}]\n",
     "15: tenants[1].queues[2].name: queue 'a' is already defined on "
     "line 15"},
    {"duplicate tenant", BASE "  - name: t\n",
     "13: tenants[1].name: tenant 't' is already defined on line 2"},
    {"duplicate trunk",
     "trunks:\n  - {name: c, address: 10.0.0.1}\n"
     "  - {name: c, address: 10.0.0.2}\ntenants: [{name: t}]\n",
     "3: trunks[1].name: trunk 'c' is already defined on line 2"},
    {"duplicate trunk address",
     "trunks:\n  - {name: c, address: 10.0.0.1, port: 5060}\n"
     "  - {name: d, address: 10.0.0.1}\ntenants: [{name: t}]\n",
     "3: trunks[1].address: address 10.0.0.1 is already the trunk's on "
     "line 2"},
    {"duplicate key",
     "tenants:\n  - name: t\n    timezone: UTC\n    timezone: UTC\n",
     "4: tenants[0].timezone: duplicate key (first on line 3)"},
    {"missing required field: queue name",
     "tenants:\n  - name: t\n    queues:\n      - channel: voice\n",
     "4: tenants[0].queues[0].name: required field missing"},
    {"missing required field: tenants", "server:\n  log_level: info\n",
     "1: tenants: required field missing"},
    {"missing required field: number queue",
     "tenants:\n  - name: t\n    numbers:\n      - number: \"1\"\n",
     "4: tenants[0].numbers[0].queue: required field missing (or flow, "
     "for an IVR flow)"},
    {"required field without a value",
     "tenants:\n  - name:\n    description: x\n",
     "2: tenants[0].name: needs a value"},
    {"missing agent id",
     "tenants:\n  - name: t\n    agents:\n      - {name: Li Wei}\n",
     "4: tenants[0].agents[0].id: required field missing (or ids for a "
     "range)"},
    {"id and ids",
     "tenants:\n  - name: t\n    agents:\n"
     "      - {id: \"1\", ids: 2-3}\n",
     "4: tenants[0].agents[0].ids: give either id or ids, not both"},
    {"overflow to an unknown queue",
     "tenants:\n  - name: t\n    queues:\n      - name: a\n"
     "        max_wait: 60\n        overflow:\n          action: queue\n"
     "          target: genral\n      - name: general\n",
     "8: tenants[0].queues[0].overflow.target: unknown queue 'genral' "
     "(the tenant's queues are a, general)"},
    {"overflow without a target",
     "tenants:\n  - name: t\n    queues:\n      - name: a\n"
     "        overflow: {action: queue}\n",
     "5: tenants[0].queues[0].overflow.target: required when the action "
     "is queue (the queue to move contacts to)"},
    {"overflow into itself",
     "tenants:\n  - name: t\n    queues:\n      - name: a\n"
     "        overflow: {action: queue, target: a}\n",
     "5: tenants[0].queues[0].overflow.target: a queue cannot overflow "
     "into itself"},
    {"overflow to another channel",
     "tenants:\n  - name: t\n    queues:\n"
     "      - {name: a, overflow: {action: queue, target: b}}\n"
     "      - {name: b, channel: chat}\n",
     "4: tenants[0].queues[0].overflow.target: queue 'b' serves chat, "
     "this one voice"},
    {"overflow target without action",
     "tenants:\n  - name: t\n    queues:\n"
     "      - {name: a, overflow: {target: b}}\n",
     "4: tenants[0].queues[0].overflow.target: has no effect without an "
     "action"},
    {"unknown overflow action",
     "tenants:\n  - name: t\n    queues:\n"
     "      - {name: a, overflow: {action: hangup}}\n",
     "4: tenants[0].queues[0].overflow.action: unknown action 'hangup' "
     "(expected none, queue, callback, voicemail, disconnect)"},
    {"bad range: reversed",
     "tenants:\n  - name: t\n    agents:\n"
     "      - {ids: 1020-1011, password: \"pw{id}\"}\n",
     "4: tenants[0].agents[0].ids: bad range '1020-1011': the last id is "
     "below the first"},
    {"bad range: malformed",
     "tenants:\n  - name: t\n    agents:\n      - ids: 1011..1020\n",
     "4: tenants[0].agents[0].ids: expected a range of ids such as "
     "1011-1020, found '1011..1020'"},
    {"bad range: too large",
     "tenants:\n  - name: t\n    agents:\n      - ids: 1-20000\n",
     "4: tenants[0].agents[0].ids: range '1-20000' holds more than 10000 "
     "agents"},
    {"bad IP",
     "trunks:\n  - name: c\n    address: 10.0.0.256\n"
     "tenants: [{name: t}]\n",
     "3: trunks[0].address: '10.0.0.256' is not an IP address (such as "
     "192.0.2.10 or 2001:db8::10)"},
    {"bad host name as IP",
     "trunks:\n  - {name: c, address: sip.carrier.example}\n"
     "tenants: [{name: t}]\n",
     "2: trunks[0].address: 'sip.carrier.example' is not an IP address "
     "(such as 192.0.2.10 or 2001:db8::10)"},
    {"bad listen address",
     "server:\n  http: 127.0.0.1:0\ntenants: [{name: t}]\n",
     "2: server.http: '127.0.0.1:0' is not an address and port (such as "
     "127.0.0.1:5060 or [::1]:5060)"},
    {"bad log level", "server:\n  log_level: verbose\ntenants: [{name: t}]\n",
     "2: server.log_level: unknown log_level 'verbose' (expected debug, "
     "info, warn, error)"},
    {"unknown time zone", "tenants:\n  - name: t\n    timezone: Asia/Shangai\n",
     "3: tenants[0].timezone: unknown time zone 'Asia/Shangai' (an IANA "
     "name such as Asia/Shanghai or UTC)"},
    {"bad name", "tenants:\n  - name: \"my tenant\"\n",
     "2: tenants[0].name: 'my tenant' is not a valid name (1 to 64 "
     "letters, digits, '_', '-' or '.')"},
    {"bad number",
     "tenants:\n  - name: t\n    queues: [{name: q}]\n"
     "    numbers: [{number: 123-45, queue: q}]\n",
     "4: tenants[0].numbers[0].number: '123-45' is not a dialed number "
     "(1 to 32 digits, '+', '*' or '#')"},
    {"number to an unknown queue",
     "tenants:\n  - name: t\n    queues: [{name: q}]\n    numbers:\n"
     "      - number: \"1\"\n        queue: p\n",
     "6: tenants[0].numbers[0].queue: unknown queue 'p' (the tenant's "
     "queues are q)"},
    {"number to a chat queue",
     "tenants:\n  - name: t\n    queues: [{name: q, channel: chat}]\n"
     "    numbers:\n      - {number: \"1\", queue: q}\n",
     "5: tenants[0].numbers[0].queue: queue 'q' serves chat; a dialed "
     "number needs a voice queue"},
    {"unknown channel",
     "tenants:\n  - name: t\n    queues: [{name: q, channel: fax}]\n",
     "3: tenants[0].queues[0].channel: unknown channel 'fax' (expected "
     "voice, chat, email, message, callback, outbound, workorder)"},
    {"relax steps out of order",
     "tenants:\n  - name: t\n    skills: [s]\n    queues:\n"
     "      - name: q\n        relax:\n"
     "          - {after: 60, any_agent: true}\n"
     "          - {after: 30, skills: {s: 1}}\n",
     "8: tenants[0].queues[0].relax[1].after: must be later than the "
     "previous step's 60 s"},
    {"relax step never reached",
     "tenants:\n  - name: t\n    queues:\n      - name: q\n"
     "        max_wait: 2m\n        relax:\n"
     "          - {after: 3m, any_agent: true}\n",
     "7: tenants[0].queues[0].relax[0].after: this step is never "
     "reached: max_wait is 120 s"},
    {"relax step with skills and any_agent",
     "tenants:\n  - name: t\n    skills: [s]\n    queues:\n"
     "      - name: q\n        relax:\n"
     "          - after: 30\n            skills: {s: 1}\n"
     "            any_agent: true\n",
     "9: tenants[0].queues[0].relax[0].any_agent: give either skills or "
     "any_agent, not both"},
    {"relax step without requirements",
     "tenants:\n  - name: t\n    queues:\n      - name: q\n"
     "        relax:\n          - after: 30\n",
     "6: tenants[0].queues[0].relax[0]: a step needs skills or "
     "any_agent: true"},
    {"relax any_agent false",
     "tenants:\n  - name: t\n    queues:\n      - name: q\n"
     "        relax: [{after: 30, any_agent: false}]\n",
     "5: tenants[0].queues[0].relax[0].any_agent: only true makes sense "
     "here (or give skills instead), found 'false'"},
    {"ring_all_max without ring-all",
     "tenants:\n  - name: t\n    queues:\n      - name: q\n"
     "        ring_all_max: 3\n",
     "5: tenants[0].queues[0].ring_all_max: applies only to strategy "
     "ring-all"},
    {"a channel blocking itself",
     "tenants:\n  - name: t\n    agents:\n      - id: \"1\"\n"
     "        blocks:\n          chat: [voice, chat]\n",
     "6: tenants[0].agents[0].blocks.chat[1]: a channel does not block "
     "itself (capacity limits it)"},
    {"capacity out of range",
     "tenants:\n  - name: t\n    agent_defaults:\n"
     "      capacity: {chat: 0}\n",
     "4: tenants[0].agent_defaults.capacity.chat: 0 out of range 1..100"},
    {"capacity of an unknown channel",
     "tenants:\n  - name: t\n    agents:\n"
     "      - {id: \"1\", capacity: {sms: 2}}\n",
     "4: tenants[0].agents[0].capacity: unknown channel 'sms' (expected "
     "voice, chat, email, message, callback, outbound, workorder)"},
    {"no tenants", "tenants: []\n",
     "1: tenants: at least one tenant is needed"},
    {"empty list entry",
     "tenants:\n  - name: t\n    queues:\n      -\n      - name: q\n",
     "4: tenants[0].queues[0]: expected a mapping of queue fields, found "
     "nothing"},
    {"top level not a mapping", "- tenants\n",
     "1: expected a mapping of center fields, found a list"},
    {"empty file", "# nothing here\n", "1: the file holds no definition"},
    {"two documents", "tenants: [{name: t}]\n---\ntenants: [{name: u}]\n",
     "2: only one document is allowed (a second begins here)"},
    {"skill listed twice", "tenants:\n  - name: t\n    skills: [a, b, a]\n",
     "3: tenants[0].skills[2]: skill 'a' is listed twice"},
    /* IVR flows, languages, hours, holidays */
    {"flow: unknown node",
     FLOWS "        x: {type: play, prompts: [goodbye], next: nowhere}\n",
     "21: tenants[0].flows.main.x.next: unknown node 'nowhere' (the "
     "flow's nodes are menu, q, op, x)"},
    {"flow: unknown node in a choice",
     BASE "    flows:\n"
          "      main:\n"
          "        menu:\n"
          "          type: menu\n"
          "          prompts: [menu/main]\n"
          "          choices: {\"1\": q, \"0\": op, \"9\": operator}\n"
          "        q: {type: queue, queue: fault}\n"
          "        op: {type: queue, queue: general}\n",
     "18: tenants[0].flows.main.menu.choices.9: unknown node "
     "'operator' (the flow's nodes are menu, q, op)"},
    {"flow: unknown prompt",
     FLOWS
     "        x: {type: play, prompts: [goodbye, menu/mian], next: menu}\n",
     "21: tenants[0].flows.main.x.prompts[1]: unknown prompt "
     "'menu/mian' (did you mean 'menu/main'? docs/prompts.md lists "
     "the prompts)"},
    {"flow: prompt missing in a language",
     BASE "    languages: [zh, en]\n"
          "    flows:\n"
          "      main:\n"
          "        menu:\n"
          "          type: menu\n"
          "          prompts: [menu/main, num/liang]\n"
          "          choices: {\"1\": q, \"0\": op}\n"
          "        q: {type: queue, queue: fault}\n"
          "        op: {type: queue, queue: general}\n",
     "18: tenants[0].flows.main.menu.prompts[1]: prompt 'num/liang' "
     "is not in the en prompt set (the tenant speaks zh, en; "
     "docs/prompts.md lists each language's prompts)"},
    {"flow: fixed language not the tenant's",
     BASE "    languages: [zh, en]\n"
          "    flows:\n"
          "      main:\n"
          "        menu:\n"
          "          type: menu\n"
          "          prompts: [menu/main, ko:lang/option]\n"
          "          choices: {\"1\": q, \"0\": op}\n"
          "        q: {type: queue, queue: fault}\n"
          "        op: {type: queue, queue: general}\n",
     "18: tenants[0].flows.main.menu.prompts[1]: 'ko:lang/option': "
     "ko is not one of the tenant's languages (zh, en)"},
    {"flow: unknown language prefix",
     BASE "    flows:\n"
          "      main:\n"
          "        menu:\n"
          "          type: menu\n"
          "          prompts: [jp:menu/main]\n"
          "          choices: {\"1\": q, \"0\": op}\n"
          "        q: {type: queue, queue: fault}\n"
          "        op: {type: queue, queue: general}\n",
     "17: tenants[0].flows.main.menu.prompts[0]: 'jp:menu/main': "
     "unknown language before ':' (expected zh, ko or en, as in "
     "ko:lang/option)"},
    {"flow: unknown queue",
     BASE "    flows:\n"
          "      main:\n"
          "        menu:\n"
          "          type: menu\n"
          "          prompts: [menu/main]\n"
          "          choices: {\"1\": q, \"0\": op}\n"
          "        q: {type: queue, queue: faults}\n"
          "        op: {type: queue, queue: general}\n",
     "19: tenants[0].flows.main.q.queue: unknown queue 'faults' (the "
     "tenant's queues are general, fault)"},
    {"flow: unknown skill",
     BASE "    flows:\n"
          "      main:\n"
          "        menu:\n"
          "          type: menu\n"
          "          prompts: [menu/main]\n"
          "          choices: {\"1\": q, \"0\": op}\n"
          "        q: {type: queue, queue: fault, skills: {korea: 2}}\n"
          "        op: {type: queue, queue: general}\n",
     "19: tenants[0].flows.main.q.skills.korea: unknown skill "
     "'korea' (the tenant's skills are general, fault, korean)"},
    {"flow: chat queue",
     "tenants:\n"
     "  - name: t\n"
     "    skills: [general, fault, korean]\n"
     "    queues:\n"
     "      - name: general\n"
     "        skills: {general: 1}\n"
     "      - name: fault\n"
     "        skills: {fault: 2}\n"
     "      - {name: c, channel: chat}\n"
     "    agents:\n"
     "      - {id: \"1001\", skills: {general: 5}}\n"
     "    numbers:\n"
     "      - {number: \"12345\", queue: general}\n"
     "    flows:\n"
     "      main:\n"
     "        q: {type: queue, queue: c}\n",
     "16: tenants[0].flows.main.q.queue: queue 'c' serves chat; a "
     "call needs a voice queue"},
    {"flow: bad digit",
     BASE "    flows:\n"
          "      main:\n"
          "        menu:\n"
          "          type: menu\n"
          "          prompts: [menu/main]\n"
          "          choices: {\"1\": q, \"0\": op, \"12\": q}\n"
          "        q: {type: queue, queue: fault}\n"
          "        op: {type: queue, queue: general}\n",
     "18: tenants[0].flows.main.menu.choices.12: bad digit '12' (a "
     "choice is one key: 0-9, * or #, quoted: \"*\")"},
    {"flow: bad digit letter",
     BASE "    flows:\n"
          "      main:\n"
          "        menu:\n"
          "          type: menu\n"
          "          prompts: [menu/main]\n"
          "          choices: {\"1\": q, \"0\": op, x: q}\n"
          "        q: {type: queue, queue: fault}\n"
          "        op: {type: queue, queue: general}\n",
     "18: tenants[0].flows.main.menu.choices.x: bad digit 'x' (a "
     "choice is one key: 0-9, * or #, quoted: \"*\")"},
    {"flow: duplicate digit",
     BASE "    flows:\n"
          "      main:\n"
          "        menu:\n"
          "          type: menu\n"
          "          prompts: [menu/main]\n"
          "          choices: {\"1\": q, \"0\": op, \"1\": op}\n"
          "        q: {type: queue, queue: fault}\n"
          "        op: {type: queue, queue: general}\n",
     "18: tenants[0].flows.main.menu.choices.1: digit '1' is given "
     "twice (first on line 18)"},
    {"flow: loop without input",
     FLOWS "        a: {type: play, prompts: [goodbye], next: b}\n"
           "        b: {type: time, open: a, closed: q}\n",
     "22: tenants[0].flows.main.b.open: the loop a -> b -> a never "
     "waits for the caller (a menu or collect node must be part of "
     "it)"},
    {"flow: loop on itself",
     FLOWS "        a: {type: play, prompts: [goodbye], next: a}\n",
     "21: tenants[0].flows.main.a.next: the loop a -> a never waits "
     "for the caller (a menu or collect node must be part of it)"},
    {"flow: url scheme",
     FLOWS "        h: {type: http, url: \"ftp://10.0.0.1/x\", next: menu}\n",
     "21: tenants[0].flows.main.h.url: 'ftp://10.0.0.1/x' is not an "
     "http:// or https:// URL"},
    {"flow: url space",
     FLOWS
     "        h: {type: http, url: \"http://10.0.0.1/a b\", next: menu}\n",
     "21: tenants[0].flows.main.h.url: 'http://10.0.0.1/a b': "
     "spaces, quotes and control characters are not allowed (write "
     "%20 for a space)"},
    {"flow: url port",
     FLOWS
     "        h: {type: http, url: \"http://10.0.0.1:99999/x\", next: menu}\n",
     "21: tenants[0].flows.main.h.url: 'http://10.0.0.1:99999/x': "
     "bad host or port (such as "
     "http://10.0.0.5:8000/bill?account=${account})"},
    {"flow: url variable in host",
     FLOWS "        h: {type: http, url: \"http://${menu}/x\", next: menu}\n",
     "21: tenants[0].flows.main.h.url: 'http://${menu}/x': bad host "
     "or port (such as http://10.0.0.5:8000/bill?account=${account})"},
    {"flow: url unknown variable",
     FLOWS "        h: {type: http, url: \"http://10.0.0.1/x?a=${acount}\", "
           "next: menu}\n",
     "21: tenants[0].flows.main.h.url: unknown variable 'acount' "
     "(variables: menu, and the IVR's own caller, called, language, "
     "tenant, flow, path)"},
    {"flow: url broken variable",
     FLOWS "        h: {type: http, url: \"http://10.0.0.1/x?a=${menu\", next: "
           "menu}\n",
     "21: tenants[0].flows.main.h.url: 'http://10.0.0.1/x?a=${menu': "
     "a variable is written ${name}"},
    {"flow: unknown type", FLOWS "        x: {type: goto, next: menu}\n",
     "21: tenants[0].flows.main.x.type: unknown type 'goto' "
     "(expected play, menu, collect, language, time, queue, "
     "transfer, http, voicemail, callback, hangup)"},
    {"flow: missing type", FLOWS "        x: {prompts: [goodbye]}\n",
     "21: tenants[0].flows.main.x.type: required field missing (one "
     "of play, menu, collect, language, time, queue, transfer, http, "
     "voicemail, callback, hangup)"},
    {"flow: unknown key in a node",
     FLOWS "        x:\n"
           "          type: play\n"
           "          prompts: [goodbye]\n"
           "          nxt: menu\n",
     "24: tenants[0].flows.main.x.nxt: unknown key (did you mean "
     "'next'?)"},
    {"flow: missing next",
     FLOWS "        x: {type: play, prompts: [goodbye]}\n",
     "21: tenants[0].flows.main.x.next: required field missing"},
    {"flow: collect min above max",
     FLOWS "        x: {type: collect, prompts: [account/enter], min: 8, max: "
           "4, next: menu}\n",
     "21: tenants[0].flows.main.x.min: 8 is more than max (4)"},
    {"flow: bad terminator",
     FLOWS "        x: {type: collect, prompts: [account/enter], terminator: "
           "\"5\", next: menu}\n",
     "21: tenants[0].flows.main.x.terminator: bad terminator '5' "
     "(\"#\", \"*\", A-D or none)"},
    {"flow: language not the tenant's",
     BASE "    languages: [zh, en]\n"
          "    flows:\n"
          "      main:\n"
          "        menu:\n"
          "          type: menu\n"
          "          prompts: [menu/main]\n"
          "          choices: {\"1\": q, \"0\": op}\n"
          "        q: {type: queue, queue: fault}\n"
          "        op: {type: queue, queue: general}\n"
          "        x: {type: language, set: ko, next: menu}\n",
     "22: tenants[0].flows.main.x.set: 'ko' is not one of the "
     "tenant's languages (zh, en)"},
    {"flow: say unknown variable",
     FLOWS "        x: {type: play, prompts: [goodbye, {number: amount}], "
           "next: menu}\n",
     "21: tenants[0].flows.main.x.prompts[1]: unknown variable "
     "'amount' (variables: menu, and the IVR's own caller, called, "
     "language, tenant, flow, path)"},
    {"flow: node named like an IVR variable",
     FLOWS "        language: {type: menu, prompts: [lang/option], choices: "
           "{\"1\": menu}}\n",
     "21: tenants[0].flows.main.language: the node's name 'language' "
     "is a variable the IVR sets itself, and a menu stores its input "
     "under its name: rename the node or give var"},
    {"flow: store into an IVR variable",
     FLOWS "        h: {type: http, url: \"http://10.0.0.1/x\", store: "
           "{caller: a.b}, next: menu}\n",
     "21: tenants[0].flows.main.h.store.caller: 'caller' is a "
     "variable the IVR sets itself (caller, called, language, "
     "tenant, flow, path): choose another name"},
    {"flow: bad store field",
     FLOWS "        h: {type: http, url: \"http://10.0.0.1/x\", store: {a: "
           "b..c}, next: menu}\n",
     "21: tenants[0].flows.main.h.store.a: 'b..c' is not a field of "
     "the answer (names separated by dots, such as bill.amount; a "
     "number picks a list entry: items.0.name)"},
    {"flow: cases without switch",
     FLOWS "        h: {type: http, url: \"http://10.0.0.1/x\", cases: {paid: "
           "menu}, next: menu}\n",
     "21: tenants[0].flows.main.h.cases: cases need switch (the "
     "field they compare)"},
    {"flow: empty flow",
     BASE "    flows:\n"
          "      main: {}\n",
     "14: tenants[0].flows.main: a flow needs at least one node"},
    {"flow: timeout out of range",
     BASE "    flows:\n"
          "      main:\n"
          "        menu:\n"
          "          type: menu\n"
          "          prompts: [menu/main]\n"
          "          timeout: 0\n"
          "          choices: {\"1\": q, \"0\": op}\n"
          "        q: {type: queue, queue: fault}\n"
          "        op: {type: queue, queue: general}\n",
     "18: tenants[0].flows.main.menu.timeout: 0 out of range 1..60 "
     "seconds"},
    {"flow: transfer bad target",
     FLOWS "        x: {type: transfer, to: \"10 01\"}\n",
     "21: tenants[0].flows.main.x.to: '10 01' is not an extension or "
     "phone number (such as 1001 or +861012345678)"},
    {"flow: callback unknown variable",
     FLOWS "        x: {type: callback, queue: general, number: cb}\n",
     "21: tenants[0].flows.main.x.number: unknown variable 'cb' "
     "(variables: menu, and the IVR's own caller, called, language, "
     "tenant, flow, path)"},
    {"flow: duplicate node", FLOWS "        q: {type: hangup}\n",
     "21: tenants[0].flows.main.q: node 'q' is given twice (first on "
     "line 19)"},
    {"number: unknown flow",
     "tenants:\n"
     "  - name: t\n"
     "    skills: [general, fault, korean]\n"
     "    queues:\n"
     "      - name: general\n"
     "        skills: {general: 1}\n"
     "      - name: fault\n"
     "        skills: {fault: 2}\n"
     "    agents:\n"
     "      - {id: \"1001\", skills: {general: 5}}\n"
     "    numbers:\n"
     "      - {number: \"12345\", flow: mian}\n"
     "    flows:\n"
     "      main:\n"
     "        menu:\n"
     "          type: menu\n"
     "          prompts: [menu/main]\n"
     "          choices: {\"1\": q, \"0\": op}\n"
     "        q: {type: queue, queue: fault}\n"
     "        op: {type: queue, queue: general}\n",
     "12: tenants[0].numbers[0].flow: unknown flow 'mian' (the "
     "tenant's flows are main)"},
    {"number: neither queue nor flow",
     "tenants:\n"
     "  - name: t\n"
     "    skills: [general, fault, korean]\n"
     "    queues:\n"
     "      - name: general\n"
     "        skills: {general: 1}\n"
     "      - name: fault\n"
     "        skills: {fault: 2}\n"
     "    agents:\n"
     "      - {id: \"1001\", skills: {general: 5}}\n"
     "    numbers:\n"
     "      - {number: \"12345\"}\n"
     "    flows:\n"
     "      main:\n"
     "        menu:\n"
     "          type: menu\n"
     "          prompts: [menu/main]\n"
     "          choices: {\"1\": q, \"0\": op}\n"
     "        q: {type: queue, queue: fault}\n"
     "        op: {type: queue, queue: general}\n",
     "12: tenants[0].numbers[0].queue: required field missing (or "
     "flow, for an IVR flow)"},
    {"hours: bad day", BASE "    hours: {monday: \"08:00-20:00\"}\n",
     "13: tenants[0].hours.monday: unknown days 'monday' (mon, tue, "
     "wed, thu, fri, sat, sun; a range such as mon-fri; a list such "
     "as sat,sun)"},
    {"hours: bad range", BASE "    hours: {mon-fri: \"8-20\"}\n",
     "13: tenants[0].hours.mon-fri: '8-20' is not opening hours "
     "(such as 08:00-20:00, several separated by commas, or closed)"},
    {"hours: past midnight", BASE "    hours: {mon-fri: \"22:00-06:00\"}\n",
     "13: tenants[0].hours.mon-fri: '22:00-06:00': a range must end "
     "after it starts (split a night in two: 22:00-24:00 and "
     "00:00-06:00 on the next day)"},
    {"hours: bad clock", BASE "    hours: {mon-fri: \"08:00-25:00\"}\n",
     "13: tenants[0].hours.mon-fri: '08:00-25:00': hours are 00:00 "
     "to 24:00"},
    {"hours: overlap",
     BASE "    hours: {mon-fri: \"08:00-12:00, 11:00-17:00\"}\n",
     "13: tenants[0].hours.mon-fri: '08:00-12:00, 11:00-17:00': the "
     "ranges overlap"},
    {"hours: day twice",
     BASE "    hours:\n"
          "      mon-fri: \"08:00-20:00\"\n"
          "      sat,fri: closed\n",
     "15: tenants[0].hours.sat,fri: fri is already given on line 14"},
    {"holidays: bad date", BASE "    holidays: [2026-10-01, 2026-02-30]\n",
     "13: tenants[0].holidays[1]: '2026-02-30' is not a date "
     "(YYYY-MM-DD, or a range such as 2026-10-01..2026-10-07)"},
    {"holidays: reversed range",
     BASE "    holidays: [2026-10-07..2026-10-01]\n",
     "13: tenants[0].holidays[0]: '2026-10-07..2026-10-01': the "
     "range ends before it starts"},
    {"languages: unknown", BASE "    languages: {zh: ~, jp: ~}\n",
     "13: tenants[0].languages.jp: unknown language 'jp' (the prompt "
     "sets are zh, ko, en)"},
    {"languages: unknown skill", BASE "    languages: {zh: mandarin}\n",
     "13: tenants[0].languages.zh: unknown skill 'mandarin' (the "
     "tenant's skills are general, fault, korean)"},
    {"languages: twice", BASE "    languages: [zh, en, zh]\n",
     "13: tenants[0].languages[2]: language 'zh' is listed twice"},
    /* API keys declared in the file */
    {"api_keys: neither key nor hash",
     BASE "    api_keys:\n      - {name: ivr}\n",
     "14: tenants[0].api_keys[0].key_hash: give exactly one of key_hash "
     "and key"},
    {"api_keys: both",
     BASE "    api_keys:\n"
          "      - {name: ivr, key: abcdefghijklmnop, key_hash: "
          "0000000000000000000000000000000000000000000000000000000000000000}\n",
     "14: tenants[0].api_keys[0].key_hash: give exactly one of key_hash "
     "and key"},
    {"api_keys: bad hash",
     BASE "    api_keys:\n      - {name: ivr, key_hash: \"$argon2id$x\"}\n",
     "14: tenants[0].api_keys[0].key_hash: not a key digest (64 hex "
     "digits, see `hotline apikey`)"},
    {"api_keys: short key",
     BASE "    api_keys:\n      - {name: ivr, key: short}\n",
     "14: tenants[0].api_keys[0].key: a key is 16 to 127 characters "
     "(this one has 5)"},
    {"api_keys: key with &",
     BASE "    api_keys:\n      - {name: ivr, key: \"abcdefgh&ijklmnop\"}\n",
     "14: tenants[0].api_keys[0].key: a key has no spaces and none of & "
     "# % + ? (it goes into URLs as ?token=)"},
    {"api_keys: unknown role",
     BASE "    api_keys:\n"
          "      - {name: ivr, role: boss, key: abcdefghijklmnop}\n",
     "14: tenants[0].api_keys[0].role: unknown role 'boss' (expected "
     "admin, supervisor, agent, unit)"},
    {"api_keys: agent key without agent",
     BASE "    api_keys:\n"
          "      - {name: ivr, role: agent, key: abcdefghijklmnop}\n",
     "14: tenants[0].api_keys[0].agent: a key with the role agent needs "
     "the agent id it works as"},
    {"api_keys: name twice",
     BASE "    api_keys:\n"
          "      - {name: ivr, key: abcdefghijklmnop}\n"
          "      - {name: ivr, key: abcdefghijklmnopq}\n",
     "15: tenants[0].api_keys[1].name: API key 'ivr' is already defined "
     "on line 14"},
    {"api_keys: same key twice",
     BASE "    api_keys:\n"
          "      - {name: ivr, key: abcdefghijklmnop}\n"
          "      - {name: crm, key: abcdefghijklmnop}\n",
     "15: tenants[0].api_keys[1].key: the same key as 'ivr' on line 14"},
    {"api_keys: one key, two tenants",
     BASE "    api_keys:\n"
          "      - {name: ivr, key: abcdefghijklmnop}\n"
          "  - name: u\n"
          "    api_keys:\n"
          "      - {name: crm, key: abcdefghijklmnop}\n",
     "17: tenants[1].api_keys[0].key: the same key as 'ivr' of tenant t on "
     "line 14 (a key belongs to one tenant)"},
};

static void test_broken(void **state)
{
	size_t failures = 0;

	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		const struct broken *b = &broken[i];
		struct center *c = (struct center *)&failures; /* not NULL */
		char err[1024], want[1024];
		int e;

		/* zones are checked against the system's zoneinfo only
		 * when it has one (scripts/install-deps installs tzdata) */
		if (strstr(b->what, "time zone") &&
		    access("/usr/share/zoneinfo", F_OK))
			continue;
		write_tmp(b->text);
		e = center_load(&c, tmp_path, err, sizeof(err));
		snprintf(want, sizeof(want), "%s:%s", tmp_path, b->error);
		unlink(tmp_path);
		if (e != EINVAL || strcmp(err, want) ||
		    c != (struct center *)&failures) {
			print_error("case '%s':\n  got  (%d) %s\n  want (%d) "
			            "%s\n",
			            b->what, e, err, EINVAL, want);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_demo),
	    cmocka_unit_test(test_minimal_and_defaults),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_large_ranges),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_broken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
