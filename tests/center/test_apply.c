/**
 * @file test_apply.c  center_apply(): the demo center built in a real
 * engine, checked through the engine's own lookups; the loader's names of
 * channels, strategies and overflow actions agree with the engine's.
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

static uint64_t fake_now = 1000000;

static uint64_t fake_clock(void *arg)
{
	(void)arg;
	return fake_now;
}

static struct acd *new_engine(void)
{
	struct acd_opts opts = {.clock = fake_clock, .check = true};
	struct acd *acd = NULL;

	assert_int_equal(acd_alloc(&acd, &opts), 0);
	assert_non_null(acd);
	return acd;
}

static struct center *load(const char *path)
{
	struct center *c = NULL;
	char err[512];
	int e = center_load(&c, path, err, sizeof(err));

	if (e)
		print_error("%s\n", err);
	assert_int_equal(e, 0);
	return c;
}

struct count {
	size_t n;
};

static bool count_queue(struct acd_queue *q, void *arg)
{
	((struct count *)arg)->n++;
	return false;
}

static void test_demo_applied(void **state)
{
	struct center *c = load("etc/demo.yaml");
	struct acd *acd = new_engine();
	const struct center_tenant *t = center_tenant(c, "demo");
	struct acd_tenant *at;
	struct count nq = {0};
	char err[512];

	assert_int_equal(center_apply(c, acd, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(acd_check(acd), 0);

	at = acd_tenant_find(acd, "demo");
	assert_non_null(at);
	assert_string_equal(acd_tenant_name(at), "demo");

	/* skills */
	assert_int_equal(acd_skill_count(at), t->nskills);
	for (size_t i = 0; i < t->nskills; i++)
		assert_true(acd_skill_exists(at, t->skills[i]));
	assert_false(acd_skill_exists(at, "billing"));

	/* queues, with their configuration as the engine holds it */
	acd_queue_foreach(at, count_queue, &nq);
	assert_int_equal(nq.n, 6); /* five voice queues and workorders */
	for (size_t i = 0; i < t->nqueues; i++) {
		const struct center_queue *mq = &t->queues[i];
		struct acd_queue *q = acd_queue_find(at, mq->cfg.name);
		const struct acd_queue_cfg *cfg;

		assert_non_null(q);
		assert_ptr_equal(acd_queue_tenant(q), at);
		cfg = acd_queue_config(q);
		assert_non_null(cfg);
		assert_string_equal(cfg->name, mq->cfg.name);
		assert_int_equal(cfg->channel, mq->cfg.channel);
		assert_int_equal(cfg->strategy, mq->cfg.strategy);
		assert_int_equal(cfg->offer_timeout_s, mq->cfg.offer_timeout_s);
		assert_int_equal(cfg->wrapup_s, mq->cfg.wrapup_s);
		assert_int_equal(cfg->max_wait_s, mq->cfg.max_wait_s);
		assert_int_equal(cfg->max_len, mq->cfg.max_len);
		assert_int_equal(cfg->sl_threshold_s, mq->cfg.sl_threshold_s);
		assert_true(cfg->sl_target == mq->cfg.sl_target);
		assert_int_equal(cfg->overflow, mq->cfg.overflow);
		assert_int_equal(cfg->reqs.n, mq->cfg.reqs.n);
		for (size_t k = 0; k < cfg->reqs.n; k++) {
			assert_string_equal(cfg->reqs.v[k].skill,
			                    mq->cfg.reqs.v[k].skill);
			assert_int_equal(cfg->reqs.v[k].min_level,
			                 mq->cfg.reqs.v[k].min_level);
		}
		assert_int_equal(cfg->nrelax, mq->cfg.nrelax);
		for (size_t k = 0; k < cfg->nrelax; k++) {
			assert_int_equal(cfg->relax[k].after_s,
			                 mq->cfg.relax[k].after_s);
			assert_int_equal(cfg->relax[k].reqs.n,
			                 mq->cfg.relax[k].reqs.n);
		}
	}
	{
		const struct acd_queue_cfg *g =
		    acd_queue_config(acd_queue_find(at, "general"));

		assert_int_equal(g->sl_threshold_s, 10);
		assert_true(g->sl_target > 0.899 && g->sl_target < 0.901);
		assert_string_equal(g->reqs.v[0].skill, "general");
		assert_int_equal(g->reqs.v[0].min_level, 3);
	}
	assert_null(acd_queue_find(at, "billing"));

	/* agents and their levels */
	assert_int_equal(acd_agent_count(at), 20);
	for (size_t i = 0; i < t->nagents; i++) {
		const struct center_agent *ma = &t->agents[i];
		struct acd_agent *a = acd_agent_find(at, ma->cfg.id);

		assert_non_null(a);
		assert_string_equal(acd_agent_id(a), ma->cfg.id);
		assert_string_equal(acd_agent_name(a), ma->cfg.name);
		assert_ptr_equal(acd_agent_tenant(a), at);
		for (size_t k = 0; k < t->nskills; k++) {
			const char *s = t->skills[k];
			uint8_t want = 0;

			for (size_t j = 0; j < ma->cfg.nskills; j++) {
				if (!strcmp(ma->cfg.skills[j].skill, s))
					want = ma->cfg.skills[j].level;
			}
			assert_int_equal(acd_agent_skill_level(a, s), want);
		}
		/* configured agents start logged out */
		assert_int_equal(acd_agent_state(a), ACD_AGENT_LOGGED_OUT);
	}
	assert_int_equal(
	    acd_agent_skill_level(acd_agent_find(at, "1001"), "general"), 8);
	assert_int_equal(
	    acd_agent_skill_level(acd_agent_find(at, "1011"), "korean"), 10);
	assert_int_equal(
	    acd_agent_skill_level(acd_agent_find(at, "1001"), "korean"), 0);
	assert_null(acd_agent_find(at, "1021"));

	mem_deref(acd);
	mem_deref(c);
}

/* The engine routes with what was applied: agent 1003 (fault 9) is the
 * only one offered a fault call while the others are logged out. */
static void test_demo_routes(void **state)
{
	struct center *c = load("etc/demo.yaml");
	struct acd *acd = new_engine();
	struct acd_tenant *at;
	struct acd_agent *a;
	struct acd_contact_params p = {.channel = ACD_CH_VOICE};
	struct acd_contact_info info;
	uint64_t id;
	char err[512];

	assert_int_equal(center_apply(c, acd, err, sizeof(err)), 0);
	at = acd_tenant_find(acd, "demo");
	a = acd_agent_find(at, "1003");
	assert_int_equal(
	    acd_agent_set_presence(a, ACD_PRESENCE_AVAILABLE, NULL), 0);
	p.queue = acd_queue_find(at, "fault");
	assert_int_equal(acd_contact_add(acd, &p, &id), 0);
	assert_int_equal(acd_contact_info(acd, id, &info), 0);
	assert_int_equal(info.state, ACD_CONTACT_OFFERED);
	assert_ptr_equal(info.agent, a);

	mem_deref(acd);
	mem_deref(c);
}

/* Applying the same center twice: the engine refuses the tenant, and the
 * error names the file, line and tenant. */
static void test_apply_twice(void **state)
{
	struct center *c = load("etc/demo.yaml");
	struct acd *acd = new_engine();
	char err[512], want[128];

	assert_int_equal(center_apply(c, acd, err, sizeof(err)), 0);
	assert_int_equal(center_apply(c, acd, err, sizeof(err)), EEXIST);
	snprintf(want, sizeof(want),
	         "etc/demo.yaml:%u: tenants[0]: tenant "
	         "'demo': the engine refused it: ",
	         c->tenants[0].line);
	assert_memory_equal(err, want, strlen(want));
	assert_int_equal(center_apply(NULL, acd, err, sizeof(err)), EINVAL);

	mem_deref(acd);
	mem_deref(c);
}

/* Chat queues, ranges, capacity and blocks are accepted by the engine. */
static void test_mixed_channels(void **state)
{
	static const char text[] =
	    "tenants:\n"
	    "  - name: a\n"
	    "    skills: [s, t]\n"
	    "    agent_defaults: {capacity: {chat: 2}}\n"
	    "    queues:\n"
	    "      - {name: v, skills: {s: 2}, strategy: ring-all, "
	    "ring_all_max: 2}\n"
	    "      - {name: c, channel: chat, skills: {t: 1}, "
	    "overflow: {action: queue, target: c2}, max_wait: 60}\n"
	    "      - {name: c2, channel: chat}\n"
	    "      - {name: e, channel: email, strategy: fewest-contacts}\n"
	    "    agents:\n"
	    "      - {ids: 2001-2050, password: \"pw{id}\", "
	    "skills: {s: 5, t: 3}, blocks: {chat: [voice]}}\n"
	    "  - name: b\n"
	    "    skills: [s]\n"
	    "    queues: [{name: v}]\n"
	    "    agents: [{id: \"2001\", skills: {s: 1}}]\n";
	char path[] = "/tmp/hotline-apply-XXXXXX";
	int fd = mkstemp(path);
	struct center *c;
	struct acd *acd = new_engine();
	struct acd_tenant *ta, *tb;
	char err[512];

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1),
	                 (ssize_t)(sizeof(text) - 1));
	close(fd);
	c = load(path);
	unlink(path);
	assert_int_equal(center_apply(c, acd, err, sizeof(err)), 0);
	assert_int_equal(acd_check(acd), 0);
	ta = acd_tenant_find(acd, "a");
	tb = acd_tenant_find(acd, "b");
	assert_non_null(ta);
	assert_non_null(tb);
	assert_int_equal(acd_agent_count(ta), 50);
	assert_int_equal(acd_agent_count(tb), 1);
	/* the same id in two tenants: two agents */
	assert_ptr_not_equal(acd_agent_find(ta, "2001"),
	                     acd_agent_find(tb, "2001"));
	assert_int_equal(acd_queue_config(acd_queue_find(ta, "c"))->channel,
	                 ACD_CH_CHAT);
	assert_string_equal(
	    acd_queue_config(acd_queue_find(ta, "c"))->overflow_target, "c2");
	assert_int_equal(acd_agent_skill_level(acd_agent_find(ta, "2050"), "t"),
	                 3);

	mem_deref(acd);
	mem_deref(c);
}

/* The loader keeps its own name lists (for its error messages and the
 * docs); they must be the engine's. */
static void test_names_agree(void **state)
{
	for (int i = 0; i < ACD_CH_MAX; i++)
		assert_string_equal(cfg_channel_names[i],
		                    acd_channel_name((enum acd_channel)i));
	assert_null(cfg_channel_names[ACD_CH_MAX]);
	for (int i = 0; i < ACD_STRAT_MAX; i++)
		assert_string_equal(cfg_strategy_names[i],
		                    acd_strategy_name((enum acd_strategy)i));
	assert_null(cfg_strategy_names[ACD_STRAT_MAX]);
	for (int i = 0; cfg_overflow_names[i]; i++)
		assert_string_equal(
		    cfg_overflow_names[i],
		    acd_overflow_name((enum acd_overflow_action)i));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_demo_applied),
	    cmocka_unit_test(test_demo_routes),
	    cmocka_unit_test(test_apply_twice),
	    cmocka_unit_test(test_mixed_channels),
	    cmocka_unit_test(test_names_agree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
