/**
 * Routing engine unit tests: every behaviour of acd.h against a virtual
 * clock, with the engine's invariant checker after every operation.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <re.h>

#include "acd/acd.h"

#define MAXEV 8192

struct rec {
	enum acd_event_type type;
	uint64_t contact;
	char agent[16];
	char queue[16];
	enum acd_end_reason end;
	enum acd_agent_state new_state;
	enum acd_overflow_action action;
	struct acd_interval iv;
};

struct fx {
	struct acd *acd;
	uint64_t now;
	struct acd_tenant *t, *t2;
	struct rec ev[MAXEV];
	int nev;
	bool auto_accept;
};

static uint64_t clock_h(void *arg)
{
	return ((struct fx *)arg)->now;
}

static void event_h(const struct acd_event *ev, void *arg)
{
	struct fx *f = arg;
	struct rec *r;

	if (f->nev == MAXEV)
		return;
	r = &f->ev[f->nev++];
	memset(r, 0, sizeof(*r));
	r->type = ev->type;
	r->contact = ev->contact_id;
	if (ev->agent)
		snprintf(r->agent, sizeof(r->agent), "%s",
			 acd_agent_id(ev->agent));
	if (ev->queue)
		snprintf(r->queue, sizeof(r->queue), "%s",
			 acd_queue_name(ev->queue));
	r->end = ev->end;
	r->new_state = ev->new_state;
	r->action = ev->action;
	if (ev->interval)
		r->iv = *ev->interval;
	if (f->auto_accept && ev->type == ACD_EV_CONTACT_OFFERED)
		acd_contact_accept(f->acd, ev->contact_id,
				   (struct acd_agent *)ev->agent);
}

static int setup(void **state)
{
	static struct fx f;
	struct acd_opts o = {.clock = clock_h, .clock_arg = &f, .check = true,
			     .seed = 7};

	memset(&f, 0, sizeof(f));
	f.now = 1000000000; /* a round time, intervals align at 900 s */
	assert_int_equal(acd_alloc(&f.acd, &o), 0);
	assert_int_equal(acd_subscribe(f.acd, event_h, &f), 0);
	assert_int_equal(acd_tenant_add(f.acd, "demo", &f.t), 0);
	assert_int_equal(acd_tenant_add(f.acd, "acme", &f.t2), 0);
	const char *skills[] = {"general", "fault", "mandarin", "english"};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(acd_skill_add(f.t, skills[i]), 0);
		assert_int_equal(acd_skill_add(f.t2, skills[i]), 0);
	}
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	mem_deref(f->acd);
	return 0;
}

static struct acd_queue *mkqueue(struct acd_tenant *t, const char *name,
				 const char *skill, uint8_t lvl,
				 enum acd_strategy strat)
{
	struct acd_skill_req r = {skill, lvl};
	struct acd_queue_cfg c = {.name = name,
				  .channel = ACD_CH_VOICE,
				  .reqs = {&r, skill ? 1 : 0},
				  .strategy = strat,
				  .offer_timeout_s = 15,
				  .sl_threshold_s = 20};
	struct acd_queue *q = NULL;
	assert_int_equal(acd_queue_add(t, &c, &q), 0);
	return q;
}

static struct acd_agent *mkagent(struct acd_tenant *t, const char *id,
				 const char *skill, uint8_t lvl)
{
	struct acd_agent_skill s = {skill, lvl};
	struct acd_agent_cfg c = {.id = id, .skills = &s, .nskills = 1};
	struct acd_agent *a = NULL;
	assert_int_equal(acd_agent_add(t, &c, &a), 0);
	return a;
}

static uint64_t add(struct fx *f, struct acd_queue *q, uint8_t prio)
{
	struct acd_contact_params p = {.channel = ACD_CH_VOICE, .queue = q,
				       .priority = prio};
	uint64_t id = 0;
	assert_int_equal(acd_contact_add(f->acd, &p, &id), 0);
	return id;
}

static void ready(struct acd_agent *a)
{
	assert_int_equal(acd_agent_set_presence(a, ACD_PRESENCE_AVAILABLE, NULL),
			 0);
}

static void advance(struct fx *f, uint64_t ms)
{
	uint64_t end = f->now + ms;
	for (;;) {
		uint64_t d = acd_next_deadline(f->acd);
		if (d == ACD_NONE || d > end)
			break;
		if (d > f->now)
			f->now = d;
		acd_run_timers(f->acd);
	}
	f->now = end;
}

/* The last event of a type, or NULL. */
static struct rec *last(struct fx *f, enum acd_event_type type)
{
	for (int i = f->nev - 1; i >= 0; i--)
		if (f->ev[i].type == type)
			return &f->ev[i];
	return NULL;
}

static int count(struct fx *f, enum acd_event_type type)
{
	int n = 0;
	for (int i = 0; i < f->nev; i++)
		n += f->ev[i].type == type;
	return n;
}

static const char *offered_to(struct fx *f, uint64_t id)
{
	for (int i = f->nev - 1; i >= 0; i--)
		if (f->ev[i].type == ACD_EV_CONTACT_OFFERED &&
		    f->ev[i].contact == id)
			return f->ev[i].agent;
	return NULL;
}

/* ------------------------------------------------------------------------ */

static void test_offer_accept_complete_wrapup(void **state)
{
	struct fx *f = *state;
	struct acd_queue_cfg c = {.name = "general", .channel = ACD_CH_VOICE,
				  .wrapup_s = 10};
	struct acd_skill_req r = {"general", 1};
	struct acd_queue *q;
	c.reqs.v = &r;
	c.reqs.n = 1;
	assert_int_equal(acd_queue_add(f->t, &c, &q), 0);
	struct acd_agent *a = mkagent(f->t, "1001", "general", 5);

	uint64_t id = add(f, q, 0);
	assert_null(offered_to(f, id)); /* nobody logged in */
	struct acd_contact_info ci;
	assert_int_equal(acd_contact_info(f->acd, id, &ci), 0);
	assert_int_equal(ci.state, ACD_CONTACT_WAITING);
	assert_int_equal(ci.position, 1);

	f->now += 3000;
	ready(a); /* the waiting contact is offered at once */
	assert_string_equal(offered_to(f, id), "1001");
	assert_int_equal(acd_agent_state(a), ACD_AGENT_RESERVED);

	f->now += 2000;
	assert_int_equal(acd_contact_accept(f->acd, id, a), 0);
	assert_int_equal(acd_agent_state(a), ACD_AGENT_BUSY);
	assert_int_equal(acd_contact_accept(f->acd, id, a), EALREADY);

	f->now += 60000;
	assert_int_equal(acd_contact_complete(f->acd, id), 0);
	assert_int_equal(acd_agent_state(a), ACD_AGENT_WRAPUP);
	assert_int_equal(acd_contact_complete(f->acd, id), ENOENT);

	advance(f, 9999);
	assert_int_equal(acd_agent_state(a), ACD_AGENT_WRAPUP);
	advance(f, 1);
	assert_int_equal(acd_agent_state(a), ACD_AGENT_AVAILABLE);

	struct acd_stats st;
	acd_queue_stats(q, &st);
	assert_int_equal(st.offered, 1);
	assert_int_equal(st.answered, 1);
	assert_int_equal(st.answered_in_sl, 1);
	assert_int_equal(st.handled, 1);
	assert_true(st.asa_s > 4.99 && st.asa_s < 5.01);
	assert_true(st.aht_s > 69.99 && st.aht_s < 70.01); /* 60 talk + 10 */
	assert_int_equal(st.agents[ACD_AGENT_AVAILABLE], 1);
}

static void test_wrapup_ends_early(void **state)
{
	struct fx *f = *state;
	struct acd_queue_cfg c = {.name = "q", .channel = ACD_CH_VOICE,
				  .wrapup_s = 60};
	struct acd_queue *q;
	assert_int_equal(acd_queue_add(f->t, &c, &q), 0);
	struct acd_agent *a = mkagent(f->t, "1001", "general", 5);
	ready(a);
	assert_int_equal(acd_agent_end_wrapup(a), EALREADY);
	uint64_t id = add(f, q, 0);
	assert_int_equal(acd_contact_accept(f->acd, id, a), 0);
	assert_int_equal(acd_contact_complete(f->acd, id), 0);
	assert_int_equal(acd_agent_state(a), ACD_AGENT_WRAPUP);
	uint64_t id2 = add(f, q, 0); /* waits: agent wraps up */
	assert_null(offered_to(f, id2));
	assert_int_equal(acd_agent_end_wrapup(a), 0);
	assert_string_equal(offered_to(f, id2), "1001");
}

static void test_longest_idle_and_fifo(void **state)
{
	struct fx *f = *state;
	struct acd_queue *q = mkqueue(f->t, "q", "general", 1,
				      ACD_STRAT_LONGEST_IDLE);
	struct acd_agent *a1 = mkagent(f->t, "a1", "general", 1);
	struct acd_agent *a2 = mkagent(f->t, "a2", "general", 1);
	struct acd_agent *a3 = mkagent(f->t, "a3", "general", 1);
	ready(a2);
	f->now += 1000;
	ready(a3);
	f->now += 1000;
	ready(a1);
	/* a2 has been idle longest, then a3, then a1 */
	uint64_t c1 = add(f, q, 0), c2 = add(f, q, 0), c3 = add(f, q, 0);
	assert_string_equal(offered_to(f, c1), "a2");
	assert_string_equal(offered_to(f, c2), "a3");
	assert_string_equal(offered_to(f, c3), "a1");

	/* more contacts than agents: served in arrival order */
	uint64_t w[4];
	for (int i = 0; i < 4; i++) {
		f->now += 100;
		w[i] = add(f, q, 0);
	}
	struct acd_stats st;
	acd_queue_stats(q, &st);
	assert_int_equal(st.waiting, 4);
	assert_int_equal(st.longest_wait_ms, 300);
	assert_int_equal(acd_contact_accept(f->acd, c1, a2), 0);
	assert_int_equal(acd_contact_complete(f->acd, c1), 0);
	assert_string_equal(offered_to(f, w[0]), "a2");
	assert_int_equal(acd_contact_accept(f->acd, c2, a3), 0);
	assert_int_equal(acd_contact_complete(f->acd, c2), 0);
	assert_string_equal(offered_to(f, w[1]), "a3");
	struct acd_contact_info ci;
	assert_int_equal(acd_contact_info(f->acd, w[3], &ci), 0);
	assert_int_equal(ci.position, 2);
}

static void test_priority_order(void **state)
{
	struct fx *f = *state;
	struct acd_queue *q = mkqueue(f->t, "q", "general", 1,
				      ACD_STRAT_LONGEST_IDLE);
	struct acd_agent *a = mkagent(f->t, "a", "general", 1);
	uint64_t lo1 = add(f, q, 0);
	f->now += 10;
	uint64_t hi = add(f, q, 5);
	f->now += 10;
	uint64_t lo2 = add(f, q, 0);
	f->now += 10;
	uint64_t top = add(f, q, 9);
	struct acd_contact_info ci;
	acd_contact_info(f->acd, top, &ci);
	assert_int_equal(ci.position, 1);
	acd_contact_info(f->acd, lo2, &ci);
	assert_int_equal(ci.position, 4);

	ready(a);
	assert_string_equal(offered_to(f, top), "a");
	uint64_t order[] = {top, hi, lo1, lo2};
	for (int i = 0; i < 4; i++) {
		assert_string_equal(offered_to(f, order[i]), "a");
		assert_int_equal(acd_contact_accept(f->acd, order[i], a), 0);
		assert_int_equal(acd_contact_complete(f->acd, order[i]), 0);
	}
	/* supervisor raises a waiting contact */
	uint64_t x = add(f, q, 0), y = add(f, q, 0), z = add(f, q, 0);
	(void)x;
	assert_int_equal(acd_contact_set_priority(f->acd, z, 3), 0);
	assert_int_equal(acd_contact_set_priority(f->acd, z, 10), EINVAL);
	assert_int_equal(acd_contact_accept(f->acd, x, a), 0);
	assert_int_equal(acd_contact_complete(f->acd, x), 0);
	assert_string_equal(offered_to(f, z), "a");
	assert_null(offered_to(f, y));
}

static void test_reject_and_no_answer(void **state)
{
	struct fx *f = *state;
	struct acd_queue *q = mkqueue(f->t, "q", "general", 1,
				      ACD_STRAT_LONGEST_IDLE);
	struct acd_agent *a1 = mkagent(f->t, "a1", "general", 1);
	struct acd_agent *a2 = mkagent(f->t, "a2", "general", 1);
	ready(a1);
	f->now += 10;
	ready(a2);
	uint64_t first = add(f, q, 0);
	f->now += 1000;
	uint64_t id = add(f, q, 0); /* to a2 */
	assert_string_equal(offered_to(f, first), "a1");
	assert_string_equal(offered_to(f, id), "a2");

	/* a2 rejects: not ready "rejected", contact back in front */
	f->now += 2000;
	assert_int_equal(acd_contact_reject(f->acd, id, a1), EBUSY);
	assert_int_equal(acd_contact_reject(f->acd, id, a2), 0);
	assert_int_equal(acd_agent_state(a2), ACD_AGENT_NOT_READY);
	struct acd_agent_info ai;
	acd_agent_info(a2, &ai);
	assert_string_equal(ai.reason, "rejected");
	struct acd_contact_info ci;
	acd_contact_info(f->acd, id, &ci);
	assert_int_equal(ci.state, ACD_CONTACT_WAITING);

	/* a1 finishes its contact and gets it; lets it ring out */
	assert_int_equal(acd_contact_accept(f->acd, first, a1), 0);
	uint64_t later = add(f, q, 0); /* arrives after id */
	assert_int_equal(acd_contact_complete(f->acd, first), 0);
	assert_string_equal(offered_to(f, id), "a1");
	advance(f, 15000); /* offer_timeout_s */
	assert_int_equal(last(f, ACD_EV_OFFER_ENDED)->end, ACD_END_TIMEOUT);
	acd_agent_info(a1, &ai);
	assert_int_equal(ai.state, ACD_AGENT_NOT_READY);
	assert_string_equal(ai.reason, "no-answer");
	assert_int_equal(count(f, ACD_EV_CONTACT_REQUEUED), 2);

	/* back at the front, keeping its original wait */
	acd_contact_info(f->acd, id, &ci);
	assert_int_equal(ci.position, 1);
	ready(a2);
	assert_string_equal(offered_to(f, id), "a2");
	f->now += 1000;
	assert_int_equal(acd_contact_accept(f->acd, id, a2), 0);
	struct acd_stats st;
	acd_queue_stats(q, &st);
	/* waited 1 + 2 + 15 + 1 s = 19 s from its arrival */
	assert_int_equal(st.answered, 2);
	/* first waited 3 s, id 18 s (from T+1 to T+19) */
	assert_true(st.asa_s > 10.49 && st.asa_s < 10.51);
	(void)later;
}

/* A ring timeout requeues the contact, which is offered to the next agent
 * at once; that new offer must survive the timeout that caused it. */
static void test_timeout_reaches_next_agent(void **state)
{
	struct fx *f = *state;
	struct acd_queue *q = mkqueue(f->t, "q", "general", 1,
				      ACD_STRAT_LONGEST_IDLE);
	struct acd_agent *a1 = mkagent(f->t, "a1", "general", 1);
	struct acd_agent *a2 = mkagent(f->t, "a2", "general", 1);
	ready(a1);
	f->now += 10;
	ready(a2);
	uint64_t id = add(f, q, 0);
	assert_string_equal(offered_to(f, id), "a1");
	advance(f, 15000);
	assert_string_equal(offered_to(f, id), "a2");
	assert_int_equal(acd_agent_state(a2), ACD_AGENT_RESERVED);
	assert_int_equal(count(f, ACD_EV_OFFER_ENDED), 1);
	assert_int_equal(acd_contact_accept(f->acd, id, a2), 0);
}

static void test_abandon(void **state)
{
	struct fx *f = *state;
	struct acd_queue *q = mkqueue(f->t, "q", "general", 1,
				      ACD_STRAT_LONGEST_IDLE);
	struct acd_agent *a = mkagent(f->t, "a", "general", 1);
	uint64_t s = add(f, q, 0);
	f->now += 2000;
	assert_int_equal(acd_contact_abandon(f->acd, s), 0); /* short */
	uint64_t l = add(f, q, 0);
	f->now += 30000;
	assert_int_equal(acd_contact_abandon(f->acd, l), 0); /* after SL */
	assert_int_equal(acd_contact_abandon(f->acd, l), ENOENT);

	/* abandoned while being offered: the offer ends, agent is free */
	ready(a);
	uint64_t o = add(f, q, 0);
	assert_string_equal(offered_to(f, o), "a");
	assert_int_equal(acd_contact_abandon(f->acd, o), 0);
	assert_int_equal(last(f, ACD_EV_OFFER_ENDED)->end, ACD_END_ABANDONED);
	assert_int_equal(acd_agent_state(a), ACD_AGENT_AVAILABLE);
	assert_int_equal(acd_contact_accept(f->acd, o, a), ENOENT);

	struct acd_stats st;
	acd_queue_stats(q, &st);
	assert_int_equal(st.offered, 3);
	assert_int_equal(st.abandoned, 3);
	assert_int_equal(st.short_abandoned, 2);
	assert_int_equal(st.abandoned_after_sl, 1);
	assert_true(st.service_level == 0.0); /* 0 in SL of 0 + 1 */
	assert_true(st.abandon_rate == 1.0);  /* 1 of 3 - 2 */
}

static void test_skills_levels_relaxation(void **state)
{
	struct fx *f = *state;
	struct acd_skill_req r = {"fault", 7};
	struct acd_skill_req r1 = {"fault", 3};
	struct acd_relax_step steps[] = {{30, {&r1, 1}}, {60, {NULL, 0}}};
	struct acd_queue_cfg c = {.name = "fault", .channel = ACD_CH_VOICE,
				  .reqs = {&r, 1}, .relax = steps,
				  .nrelax = 2};
	struct acd_queue *q;
	assert_int_equal(acd_queue_add(f->t, &c, &q), 0);
	struct acd_agent *low = mkagent(f->t, "low", "fault", 4);
	struct acd_agent *other = mkagent(f->t, "other", "english", 9);
	ready(low);
	ready(other);
	uint64_t id = add(f, q, 0);
	assert_null(offered_to(f, id));
	uint64_t ewt;
	assert_int_equal(acd_contact_ewt(f->acd, id, &ewt), 0);
	assert_true(ewt == ACD_NONE); /* nobody serves level 7 */

	advance(f, 29999);
	assert_null(offered_to(f, id));
	advance(f, 1); /* 30 s: level 3 accepted */
	assert_int_equal(count(f, ACD_EV_CONTACT_RELAXED), 1);
	assert_string_equal(offered_to(f, id), "low");
	assert_int_equal(acd_contact_reject(f->acd, id, low), 0);
	advance(f, 30000); /* 60 s: any agent of the tenant */
	assert_string_equal(offered_to(f, id), "other");

	/* an expert qualifies from the start */
	struct acd_agent *exp = mkagent(f->t, "exp", "fault", 9);
	ready(exp);
	uint64_t id2 = add(f, q, 0);
	assert_string_equal(offered_to(f, id2), "exp");
}

static void test_best_skill_and_override(void **state)
{
	struct fx *f = *state;
	struct acd_queue *q = mkqueue(f->t, "q", "general", 1,
				      ACD_STRAT_BEST_SKILL);
	struct acd_agent *a3 = mkagent(f->t, "a3", "general", 3);
	struct acd_agent *a9 = mkagent(f->t, "a9", "general", 9);
	struct acd_agent *a6 = mkagent(f->t, "a6", "general", 6);
	ready(a9);
	ready(a3);
	ready(a6);
	uint64_t id = add(f, q, 0);
	assert_string_equal(offered_to(f, id), "a9");
	uint64_t id2 = add(f, q, 0);
	assert_string_equal(offered_to(f, id2), "a6");

	/* a contact with its own skills (chosen in an IVR) */
	struct acd_agent_skill ms[] = {{"general", 2}, {"mandarin", 8}};
	struct acd_agent_cfg mc = {.id = "zh", .skills = ms, .nskills = 2};
	struct acd_agent *zh;
	assert_int_equal(acd_agent_add(f->t, &mc, &zh), 0);
	ready(zh);
	struct acd_skill_req need[] = {{"mandarin", 5}, {"general", 1}};
	struct acd_contact_params p = {.channel = ACD_CH_VOICE, .queue = q,
				       .skills = need, .nskills = 2};
	uint64_t id3;
	assert_int_equal(acd_contact_add(f->acd, &p, &id3), 0);
	assert_string_equal(offered_to(f, id3), "zh");
	struct acd_skill_req bad[] = {{"klingon", 5}};
	p.skills = bad;
	p.nskills = 1;
	assert_int_equal(acd_contact_add(f->acd, &p, &id3), ENOENT);
	assert_non_null(strstr(acd_last_error(f->acd), "klingon"));
}

static void test_round_robin_fewest_random(void **state)
{
	struct fx *f = *state;
	struct acd_queue *rr = mkqueue(f->t, "rr", "general", 1,
				       ACD_STRAT_ROUND_ROBIN);
	struct acd_agent *a[3];
	char id[16];
	for (int i = 0; i < 3; i++) {
		snprintf(id, sizeof(id), "r%d", i);
		a[i] = mkagent(f->t, id, "general", 1);
		ready(a[i]);
	}
	/* each gets one before anyone gets a second */
	int got[3] = {0};
	for (int n = 0; n < 9; n++) {
		uint64_t c = add(f, rr, 0);
		const char *who = offered_to(f, c);
		assert_non_null(who);
		int i = who[1] - '0';
		got[i]++;
		assert_int_equal(acd_contact_accept(f->acd, c, a[i]), 0);
		assert_int_equal(acd_contact_complete(f->acd, c), 0);
		for (int k = 0; k < 3; k++)
			assert_true(got[k] >= (n + 1) / 3 &&
				    got[k] <= (n + 3) / 3);
	}

	struct acd_queue *fw = mkqueue(f->t, "fw", "general", 1,
				       ACD_STRAT_FEWEST_CONTACTS);
	/* contacts today are 3 each; give r0 one more */
	uint64_t c = add(f, rr, 0);
	const char *who = offered_to(f, c);
	int busy = who[1] - '0';
	acd_contact_accept(f->acd, c, a[busy]);
	acd_contact_complete(f->acd, c);
	for (int n = 0; n < 2; n++) {
		c = add(f, fw, 0);
		who = offered_to(f, c);
		assert_int_not_equal(who[1] - '0', busy);
		acd_contact_accept(f->acd, c, a[who[1] - '0']);
		acd_contact_complete(f->acd, c);
	}

	struct acd_queue *rnd = mkqueue(f->t, "rnd", "general", 1,
					ACD_STRAT_RANDOM);
	int hits[3] = {0};
	for (int n = 0; n < 300; n++) {
		c = add(f, rnd, 0);
		who = offered_to(f, c);
		hits[who[1] - '0']++;
		acd_contact_accept(f->acd, c, a[who[1] - '0']);
		acd_contact_complete(f->acd, c);
	}
	for (int k = 0; k < 3; k++)
		assert_true(hits[k] > 60); /* uniform: 100 expected each */
}

static void test_ring_all(void **state)
{
	struct fx *f = *state;
	struct acd_queue *q = mkqueue(f->t, "q", "general", 1,
				      ACD_STRAT_RING_ALL);
	struct acd_agent *a[3];
	char id[16];
	for (int i = 0; i < 3; i++) {
		snprintf(id, sizeof(id), "g%d", i);
		a[i] = mkagent(f->t, id, "general", 1);
		ready(a[i]);
	}
	uint64_t c = add(f, q, 0);
	assert_int_equal(count(f, ACD_EV_CONTACT_OFFERED), 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(acd_agent_state(a[i]), ACD_AGENT_RESERVED);
	/* one declines: the others keep ringing, no not-ready penalty */
	assert_int_equal(acd_contact_reject(f->acd, c, a[0]), 0);
	assert_int_equal(acd_agent_state(a[0]), ACD_AGENT_AVAILABLE);
	assert_int_equal(acd_contact_accept(f->acd, c, a[2]), 0);
	assert_int_equal(count(f, ACD_EV_OFFER_ENDED), 2);
	assert_int_equal(last(f, ACD_EV_OFFER_ENDED)->end, ACD_END_TAKEN);
	assert_int_equal(acd_agent_state(a[1]), ACD_AGENT_AVAILABLE);
	assert_int_equal(acd_contact_accept(f->acd, c, a[1]), EALREADY);
}

static void test_overflow(void **state)
{
	struct fx *f = *state;
	struct acd_queue_cfg b = {.name = "backup", .channel = ACD_CH_VOICE};
	struct acd_queue_cfg m = {.name = "main", .channel = ACD_CH_VOICE,
				  .max_wait_s = 60, .max_len = 2,
				  .overflow = ACD_OVERFLOW_QUEUE,
				  .overflow_target = "backup"};
	struct acd_queue_cfg v = {.name = "vm", .channel = ACD_CH_VOICE,
				  .max_wait_s = 10,
				  .overflow = ACD_OVERFLOW_VOICEMAIL};
	struct acd_queue *qb, *qm, *qv;
	assert_int_equal(acd_queue_add(f->t, &b, &qb), 0);
	assert_int_equal(acd_queue_add(f->t, &m, &qm), 0);
	assert_int_equal(acd_queue_add(f->t, &v, &qv), 0);
	assert_int_equal(acd_tenant_check_config(f->t), 0);

	uint64_t c1 = add(f, qm, 0), c2 = add(f, qm, 0);
	uint64_t c3 = add(f, qm, 0); /* full: straight to backup */
	struct rec *r = last(f, ACD_EV_CONTACT_OVERFLOWED);
	assert_int_equal(r->contact, c3);
	assert_int_equal(r->action, ACD_OVERFLOW_QUEUE);
	struct acd_contact_info ci;
	acd_contact_info(f->acd, c3, &ci);
	assert_ptr_equal(ci.queue, qb);
	advance(f, 60000); /* max wait */
	acd_contact_info(f->acd, c1, &ci);
	assert_ptr_equal(ci.queue, qb);
	acd_contact_info(f->acd, c2, &ci);
	assert_ptr_equal(ci.queue, qb);

	uint64_t c4 = add(f, qv, 0);
	advance(f, 10000);
	r = last(f, ACD_EV_CONTACT_OVERFLOWED);
	assert_int_equal(r->contact, c4);
	assert_int_equal(r->action, ACD_OVERFLOW_VOICEMAIL);
	assert_int_equal(acd_contact_info(f->acd, c4, &ci), ENOENT);

	struct acd_stats st;
	acd_queue_stats(qm, &st);
	assert_int_equal(st.offered, 3);
	assert_int_equal(st.overflowed, 3);
	acd_queue_stats(qb, &st);
	assert_int_equal(st.offered, 3);
	assert_int_equal(st.waiting, 3);

	/* a missing target is a configuration error */
	struct acd_queue_cfg bad = {.name = "bad", .channel = ACD_CH_VOICE,
				    .max_wait_s = 5,
				    .overflow = ACD_OVERFLOW_QUEUE,
				    .overflow_target = "nowhere"};
	assert_int_equal(acd_queue_add(f->t, &bad, NULL), 0);
	assert_int_equal(acd_tenant_check_config(f->t), ENOENT);
	assert_non_null(strstr(acd_last_error(f->acd), "nowhere"));
}

static void test_capacity_and_mixing(void **state)
{
	struct fx *f = *state;
	struct acd_queue_cfg cc = {.name = "chat", .channel = ACD_CH_CHAT};
	struct acd_queue *qc, *qv = mkqueue(f->t, "voice", NULL, 0,
					    ACD_STRAT_LONGEST_IDLE);
	assert_int_equal(acd_queue_add(f->t, &cc, &qc), 0);
	struct acd_agent_cfg ac = {.id = "mix"};
	ac.capacity[ACD_CH_CHAT] = 2;
	struct acd_agent *a;
	assert_int_equal(acd_agent_add(f->t, &ac, &a), 0);
	ready(a);

	struct acd_contact_params p = {.channel = ACD_CH_CHAT, .queue = qc};
	uint64_t ch[3];
	for (int i = 0; i < 3; i++)
		assert_int_equal(acd_contact_add(f->acd, &p, &ch[i]), 0);
	/* one offer at a time; accepting frees it for the next chat */
	assert_string_equal(offered_to(f, ch[0]), "mix");
	assert_null(offered_to(f, ch[1]));
	assert_int_equal(acd_contact_accept(f->acd, ch[0], a), 0);
	assert_string_equal(offered_to(f, ch[1]), "mix");
	assert_int_equal(acd_contact_accept(f->acd, ch[1], a), 0);
	assert_null(offered_to(f, ch[2])); /* capacity 2 reached */

	/* a chat in progress blocks voice by default */
	uint64_t v = add(f, qv, 0);
	assert_null(offered_to(f, v));
	assert_int_equal(acd_contact_complete(f->acd, ch[0]), 0);
	assert_string_equal(offered_to(f, ch[2]), "mix");
	assert_int_equal(acd_contact_accept(f->acd, ch[2], a), 0);
	assert_int_equal(acd_contact_complete(f->acd, ch[1]), 0);
	assert_int_equal(acd_contact_complete(f->acd, ch[2]), 0);
	assert_string_equal(offered_to(f, v), "mix");
	assert_int_equal(acd_contact_accept(f->acd, v, a), 0);
	/* and a call blocks chats */
	uint64_t ch4;
	assert_int_equal(acd_contact_add(f->acd, &p, &ch4), 0);
	assert_null(offered_to(f, ch4));
	assert_int_equal(acd_agent_set_presence(a, ACD_PRESENCE_LOGGED_OUT,
						NULL),
			 EBUSY);
	assert_int_equal(acd_contact_complete(f->acd, v), 0);
	assert_string_equal(offered_to(f, ch4), "mix");

	/* wrong channel for the queue */
	p.channel = ACD_CH_EMAIL;
	assert_int_equal(acd_contact_add(f->acd, &p, NULL), EINVAL);
}

static void test_tenants_and_bad_input(void **state)
{
	struct fx *f = *state;
	struct acd_queue *q = mkqueue(f->t, "q", "general", 1,
				      ACD_STRAT_LONGEST_IDLE);
	struct acd_queue *q2 = mkqueue(f->t2, "q", "general", 1,
				       ACD_STRAT_LONGEST_IDLE);
	struct acd_agent *other = mkagent(f->t2, "1001", "general", 9);
	struct acd_agent *mine = mkagent(f->t, "1001", "general", 1);
	ready(other);
	uint64_t id = add(f, q, 0);
	assert_null(offered_to(f, id)); /* never to another tenant */
	assert_int_equal(acd_contact_accept(f->acd, id, other), EPERM);
	assert_int_equal(acd_contact_transfer(f->acd, id, q2), EPERM);
	ready(mine);
	assert_string_equal(offered_to(f, id), "1001");
	assert_int_equal(acd_contact_accept(f->acd, id, mine), 0);
	assert_int_equal(acd_contact_accept(f->acd, id, mine), EALREADY);

	assert_int_equal(acd_contact_accept(f->acd, 999999, mine), ENOENT);
	assert_int_equal(acd_queue_add(f->t, &(struct acd_queue_cfg){.name = "q"},
				       NULL),
			 EEXIST);
	struct acd_skill_req r = {"nope", 1};
	struct acd_queue_cfg bad = {.name = "x", .reqs = {&r, 1}};
	assert_int_equal(acd_queue_add(f->t, &bad, NULL), ENOENT);
	r.skill = "general";
	r.min_level = 11;
	assert_int_equal(acd_queue_add(f->t, &bad, NULL), EINVAL);
	struct acd_agent_skill s = {"general", 0};
	struct acd_agent_cfg ac = {.id = "z", .skills = &s, .nskills = 1};
	assert_int_equal(acd_agent_add(f->t, &ac, NULL), EINVAL);
	assert_null(acd_agent_find(f->t, "z"));

	struct acd_agent *lo = mkagent(f->t, "lo", "general", 1);
	assert_int_equal(acd_agent_end_wrapup(lo), EBUSY); /* logged out */
	assert_int_equal(acd_agent_set_presence(lo, ACD_PRESENCE_NOT_READY,
						NULL),
			 EINVAL);
	struct acd_contact_params p = {.channel = ACD_CH_VOICE, .queue = q,
				       .priority = 10};
	assert_int_equal(acd_contact_add(f->acd, &p, NULL), EINVAL);
	assert_int_equal(acd_contact_complete(f->acd, 424242), ENOENT);
	assert_int_equal(acd_check(f->acd), 0);
}

static void test_transfer_and_remove(void **state)
{
	struct fx *f = *state;
	struct acd_queue *q1 = mkqueue(f->t, "q1", "general", 1,
				       ACD_STRAT_LONGEST_IDLE);
	struct acd_queue *q2 = mkqueue(f->t, "q2", "fault", 1,
				       ACD_STRAT_LONGEST_IDLE);
	struct acd_agent *a = mkagent(f->t, "a", "general", 1);
	struct acd_agent *b = mkagent(f->t, "b", "fault", 1);
	ready(a);
	ready(b);
	uint64_t id = add(f, q1, 0);
	assert_int_equal(acd_contact_accept(f->acd, id, a), 0);
	assert_int_equal(acd_contact_transfer(f->acd, id, q2), 0);
	assert_string_equal(offered_to(f, id), "b");
	assert_int_equal(acd_agent_state(a), ACD_AGENT_AVAILABLE);
	assert_int_equal(acd_contact_accept(f->acd, id, b), 0);
	assert_int_equal(acd_contact_remove(f->acd, id), 0);
	assert_int_equal(acd_agent_state(b), ACD_AGENT_AVAILABLE);
	assert_int_equal(last(f, ACD_EV_CONTACT_REMOVED)->contact, id);
}

static void test_logout_while_offered(void **state)
{
	struct fx *f = *state;
	struct acd_queue *q = mkqueue(f->t, "q", NULL, 0,
				      ACD_STRAT_LONGEST_IDLE);
	struct acd_agent *a = mkagent(f->t, "a", "general", 1);
	struct acd_agent *b = mkagent(f->t, "b", "general", 1);
	ready(a);
	uint64_t id = add(f, q, 0);
	assert_string_equal(offered_to(f, id), "a");
	assert_int_equal(acd_agent_set_presence(a, ACD_PRESENCE_LOGGED_OUT,
						NULL),
			 0);
	assert_int_equal(last(f, ACD_EV_OFFER_ENDED)->end, ACD_END_REMOVED);
	ready(b);
	assert_string_equal(offered_to(f, id), "b");
}

static void test_ewt_and_stats(void **state)
{
	struct fx *f = *state;
	struct acd_queue_cfg c = {.name = "q", .channel = ACD_CH_VOICE,
				  .aht_hint_s = 120};
	struct acd_queue *q;
	assert_int_equal(acd_queue_add(f->t, &c, &q), 0);
	struct acd_agent *a[4];
	char id[16];
	for (int i = 0; i < 4; i++) {
		snprintf(id, sizeof(id), "e%d", i);
		a[i] = mkagent(f->t, id, "general", 1);
		ready(a[i]);
	}
	assert_int_equal(acd_queue_ewt(q, 1), 0); /* agents free */
	for (int i = 0; i < 4; i++) {
		uint64_t x = add(f, q, 0);
		const char *who = offered_to(f, x);
		assert_non_null(who);
		assert_int_equal(acd_contact_accept(f->acd, x,
						    a[who[1] - '0']),
				 0);
	}
	uint64_t w1 = add(f, q, 0), w2 = add(f, q, 0);
	uint64_t e1, e2;
	assert_int_equal(acd_contact_ewt(f->acd, w1, &e1), 0);
	assert_int_equal(acd_contact_ewt(f->acd, w2, &e2), 0);
	/* 4 agents, 120 s each: one frees every 30 s on average */
	assert_int_equal(e1, 30000);
	assert_int_equal(e2, 60000);
	assert_int_equal(acd_queue_ewt(q, 8), 240000);

	struct acd_stats st;
	f->now += 60000;
	acd_queue_stats(q, &st);
	assert_int_equal(st.agents[ACD_AGENT_BUSY], 4);
	assert_true(st.occupancy > 0.99);
	acd_tenant_stats(f->t, &st);
	assert_int_equal(st.waiting, 2);
	assert_int_equal(st.longest_wait_ms, 60000);
}

static void test_intervals(void **state)
{
	struct fx *f = *state;
	struct acd_queue *q = mkqueue(f->t, "q", "general", 1,
				      ACD_STRAT_LONGEST_IDLE);
	struct acd_agent *a = mkagent(f->t, "a", "general", 1);
	ready(a);
	/* now = 1e9 ms: the next 900 s boundary is at 1000800000 */
	uint64_t id = add(f, q, 0);
	acd_contact_accept(f->acd, id, a);
	acd_contact_complete(f->acd, id);
	add(f, q, 0);
	advance(f, 800000);
	struct rec *r = last(f, ACD_EV_INTERVAL);
	assert_non_null(r);
	assert_string_equal(r->queue, "q");
	assert_int_equal(r->iv.start, 999900000);
	assert_int_equal(r->iv.length_s, 900);
	assert_int_equal(r->iv.offered, 2);
	assert_int_equal(r->iv.answered, 1); /* the second rang out */
	struct acd_interval cur;
	acd_queue_interval(q, &cur);
	assert_int_equal(cur.start, 1000800000);
	assert_int_equal(cur.offered, 0);
	struct acd_stats st;
	acd_queue_stats(q, &st); /* the day goes on */
	assert_int_equal(st.offered, 2);
	acd_stats_reset_day(f->t);
	acd_queue_stats(q, &st);
	assert_int_equal(st.offered, 0);
}

static void test_reentrant_handler(void **state)
{
	struct fx *f = *state;
	struct acd_queue *q = mkqueue(f->t, "q", "general", 1,
				      ACD_STRAT_LONGEST_IDLE);
	struct acd_agent *a = mkagent(f->t, "a", "general", 1);
	f->auto_accept = true; /* the handler accepts inside the callback */
	ready(a);
	uint64_t id = add(f, q, 0);
	struct acd_contact_info ci;
	assert_int_equal(acd_contact_info(f->acd, id, &ci), 0);
	assert_int_equal(ci.state, ACD_CONTACT_CONNECTED);
	/* events in causal order: queued, offered, accepted */
	int iq = -1, io = -1, ia = -1;
	for (int i = 0; i < f->nev; i++) {
		if (f->ev[i].contact != id)
			continue;
		if (f->ev[i].type == ACD_EV_CONTACT_QUEUED)
			iq = i;
		if (f->ev[i].type == ACD_EV_CONTACT_OFFERED)
			io = i;
		if (f->ev[i].type == ACD_EV_CONTACT_ACCEPTED)
			ia = i;
	}
	assert_true(iq >= 0 && iq < io && io < ia);
}

static void test_skill_change(void **state)
{
	struct fx *f = *state;
	struct acd_queue *q = mkqueue(f->t, "q", "fault", 5,
				      ACD_STRAT_LONGEST_IDLE);
	struct acd_agent *a = mkagent(f->t, "a", "fault", 2);
	ready(a);
	uint64_t id = add(f, q, 0);
	assert_null(offered_to(f, id));
	struct acd_agent_skill s[] = {{"fault", 6}, {"english", 3}};
	assert_int_equal(acd_agent_set_skills(a, s, 2), 0);
	assert_string_equal(offered_to(f, id), "a");
	assert_int_equal(acd_agent_skill_level(a, "english"), 3);
}

/* Regression: a day reset zeroed contacts_today but left the agents'
 * fewest-contacts heap keys as they were, so the heap (and the next pick)
 * still ordered agents by yesterday's counts, and acd_check() failed with
 * "stale heap key".  Found by `hotline simulate --check` on the demo
 * center with its work-order queue set to fewest-contacts: agents working
 * on orders stay available for more orders and for calls, so their entries
 * sit in the heaps across the reset. */
static void test_day_reset_rekeys_fewest(void **state)
{
	struct fx *f = *state;
	struct acd_queue_cfg wc = {.name = "orders",
				   .channel = ACD_CH_WORKORDER,
				   .strategy = ACD_STRAT_FEWEST_CONTACTS};
	struct acd_queue *wq, *vq = mkqueue(f->t, "calls", NULL, 0,
					    ACD_STRAT_LONGEST_IDLE);
	struct acd_contact_params wp = {.channel = ACD_CH_WORKORDER};
	/* the demo center's agents: orders do not stop calls, calls stop
	 * new orders */
	struct acd_agent_cfg ac = {.use_blocks = true};
	struct acd_agent *a, *b;
	uint64_t w1, w2, w4, v1;
	struct acd_agent_info ia;

	assert_int_equal(acd_queue_add(f->t, &wc, &wq), 0);
	wp.queue = wq;
	ac.capacity[ACD_CH_VOICE] = 1;
	ac.capacity[ACD_CH_WORKORDER] = 5;
	ac.blocks[ACD_CH_VOICE] = (1u << ACD_CH_CHAT) | (1u << ACD_CH_EMAIL) |
				  (1u << ACD_CH_MESSAGE);
	ac.blocks[ACD_CH_WORKORDER] = (1u << ACD_CH_VOICE) |
				      (1u << ACD_CH_CALLBACK) |
				      (1u << ACD_CH_OUTBOUND);
	ac.id = "a";
	assert_int_equal(acd_agent_add(f->t, &ac, &a), 0);
	ac.id = "b";
	assert_int_equal(acd_agent_add(f->t, &ac, &b), 0);
	ready(a);
	advance(f, 1000);
	ready(b); /* a has been idle longer */

	/* w1 to a (a tie on counts, a idle longer), w2 to b (a is loaded) */
	assert_int_equal(acd_contact_add(f->acd, &wp, &w1), 0);
	assert_string_equal(offered_to(f, w1), "a");
	assert_int_equal(acd_contact_accept(f->acd, w1, a), 0);
	assert_int_equal(acd_contact_add(f->acd, &wp, &w2), 0);
	assert_string_equal(offered_to(f, w2), "b");
	assert_int_equal(acd_contact_accept(f->acd, w2, b), 0);
	/* a call reaches a while it works on w1: a has 2 today, b 1 */
	v1 = add(f, vq, 0);
	assert_string_equal(offered_to(f, v1), "a");
	assert_int_equal(acd_contact_accept(f->acd, v1, a), 0);
	assert_int_equal(acd_contact_complete(f->acd, v1), 0);
	acd_agent_info(a, &ia);
	assert_int_equal(ia.contacts_today, 2);
	assert_int_equal(ia.state, ACD_AGENT_BUSY); /* still on w1 */

	/* A new day: both at 0 contacts, one order each, so idle time
	 * decides and a (idle longer) is first.  With stale keys b (1
	 * yesterday) would still sort before a (2 yesterday). */
	advance(f, 1000);
	acd_stats_reset_day(f->t);
	assert_int_equal(acd_check(f->acd), 0);
	acd_agent_info(a, &ia);
	assert_int_equal(ia.contacts_today, 0);
	assert_int_equal(acd_contact_add(f->acd, &wp, &w4), 0);
	assert_string_equal(offered_to(f, w4), "a");
	assert_int_equal(acd_contact_accept(f->acd, w4, a), 0);
	assert_int_equal(acd_check(f->acd), 0);
	assert_int_equal(acd_contact_complete(f->acd, w1), 0);
	assert_int_equal(acd_contact_complete(f->acd, w2), 0);
	assert_int_equal(acd_contact_complete(f->acd, w4), 0);
}

/* A restart carries today's figures over (src/daemon/restore.c): seeded
 * counters show in the statistics, seeded contacts today order the
 * fewest-contacts heaps at once (acd_check() runs after every call), and
 * the seeded interval in progress closes with both parts. */
static void test_seed_today(void **state)
{
	struct fx *f = *state;
	struct acd_queue *q = mkqueue(f->t, "q", "general", 1,
				      ACD_STRAT_FEWEST_CONTACTS);
	struct acd_agent *a = mkagent(f->t, "a", "general", 1);
	struct acd_agent *b = mkagent(f->t, "b", "general", 1);
	struct acd_interval sum = {.offered = 10,
				   .answered = 8,
				   .answered_in_sl = 6,
				   .abandoned = 2,
				   .short_abandoned = 1,
				   .abandoned_after_sl = 1,
				   .handled = 8,
				   .wait_answered_ms = 80000,
				   .wait_abandoned_ms = 30000,
				   .handle_ms = 800000};
	struct acd_interval cur, part = {0};
	struct acd_agent_info ia, ib;
	struct acd_stats st;
	uint64_t c1, c2;

	ready(a);
	advance(f, 1000);
	ready(b); /* a idle longer: first unless the counts decide */
	assert_int_equal(acd_agent_seed_today(a, 3), 0);
	assert_int_equal(acd_agent_seed_today(b, 1), 0);
	assert_int_equal(acd_agent_seed_today(NULL, 1), EINVAL);
	assert_int_equal(acd_check(f->acd), 0);
	acd_agent_info(a, &ia);
	assert_int_equal(ia.contacts_today, 3);

	assert_int_equal(acd_queue_stats_seed(q, &sum), 0);
	assert_int_equal(acd_queue_stats_seed(q, NULL), EINVAL);
	acd_queue_stats(q, &st);
	assert_int_equal(st.offered, 10);
	assert_int_equal(st.answered, 8);
	assert_int_equal(st.answered_in_sl, 6);
	assert_int_equal(st.abandoned, 2);
	assert_int_equal(st.short_abandoned, 1);
	assert_int_equal(st.abandoned_after_sl, 1);
	assert_int_equal(st.handled, 8);
	assert_true(st.service_level > 0.666 && st.service_level < 0.667);
	assert_true(st.asa_s > 9.99 && st.asa_s < 10.01);
	assert_true(st.aht_s > 99.9 && st.aht_s < 100.1);

	/* fewest contacts: b (1) before a (3) though a waited longer */
	c1 = add(f, q, 0);
	assert_string_equal(offered_to(f, c1), "b");
	assert_int_equal(acd_contact_accept(f->acd, c1, b), 0);
	assert_int_equal(acd_contact_complete(f->acd, c1), 0);
	c2 = add(f, q, 0);
	assert_string_equal(offered_to(f, c2), "b"); /* 2 < 3 */
	assert_int_equal(acd_contact_accept(f->acd, c2, b), 0);
	assert_int_equal(acd_contact_complete(f->acd, c2), 0);
	acd_agent_info(b, &ib);
	assert_int_equal(ib.contacts_today, 3);
	acd_queue_stats(q, &st);
	assert_int_equal(st.offered, 12);
	assert_int_equal(st.answered, 10);

	/* the interval in progress: only its own start is accepted */
	acd_queue_interval(q, &cur);
	assert_int_equal(cur.offered, 2);
	part.start = cur.start - 900000; /* stopped in an earlier one */
	part.offered = 4;
	part.answered = 3;
	part.abandoned = 1;
	assert_int_equal(acd_queue_interval_seed(q, &part), ESTALE);
	part.start = cur.start;
	assert_int_equal(acd_queue_interval_seed(q, &part), 0);
	acd_queue_interval(q, &cur);
	assert_int_equal(cur.offered, 6);
	assert_int_equal(cur.answered, 5);
	assert_int_equal(cur.abandoned, 1);
	acd_queue_stats(q, &st); /* the day was seeded apart */
	assert_int_equal(st.offered, 12);
	advance(f, 900000);
	struct rec *r = last(f, ACD_EV_INTERVAL);
	assert_non_null(r);
	assert_int_equal(r->iv.start, part.start);
	assert_int_equal(r->iv.offered, 6);
	assert_int_equal(r->iv.answered, 5);

	/* a new day starts from zero, seeds and all */
	acd_stats_reset_day(f->t);
	acd_agent_info(a, &ia);
	assert_int_equal(ia.contacts_today, 0);
	acd_queue_stats(q, &st);
	assert_int_equal(st.offered, 0);
}

/* Callbacks and campaign calls go through the voice pools: an agent on a
 * callback takes no other call even when the center's blocks let other
 * channels through to voice (etc/demo.yaml: voice blocked by chat, e-mail
 * and message only).  Found by the random walk with work orders. */
static void test_callback_fills_voice(void **state)
{
	struct fx *f = *state;
	struct acd_queue *vq = mkqueue(f->t, "calls", NULL, 0,
				       ACD_STRAT_LONGEST_IDLE);
	struct acd_agent_cfg ac = {.id = "a", .use_blocks = true};
	struct acd_contact_params p = {.channel = ACD_CH_CALLBACK,
				       .queue = vq};
	struct acd_agent *a;
	uint64_t cb, v;

	ac.blocks[ACD_CH_VOICE] = (1u << ACD_CH_CHAT) | (1u << ACD_CH_EMAIL) |
				  (1u << ACD_CH_MESSAGE);
	assert_int_equal(acd_agent_add(f->t, &ac, &a), 0);
	ready(a);
	assert_int_equal(acd_contact_add(f->acd, &p, &cb), 0);
	assert_string_equal(offered_to(f, cb), "a");
	assert_int_equal(acd_contact_accept(f->acd, cb, a), 0);
	v = add(f, vq, 0);
	assert_null(offered_to(f, v));
	assert_int_equal(acd_contact_complete(f->acd, cb), 0);
	assert_string_equal(offered_to(f, v), "a");
}

/* Two-skill requirement sets have no pool members of their own: the
 * engine searches one skill's agents (general here: the queues came before
 * any agent) for those that have the other too.  Here 600 agents with
 * general only, all at one level, have been idle longest, so the search
 * passes over more candidates than it holds at once and scans. */
static struct acd_queue *mkqueue2(struct acd_tenant *t, const char *name,
				  enum acd_strategy strat)
{
	struct acd_skill_req r[] = {{"general", 3}, {"english", 2}};
	struct acd_queue_cfg c = {.name = name, .channel = ACD_CH_VOICE,
				  .reqs = {r, 2}, .strategy = strat};
	struct acd_queue *q = NULL;
	assert_int_equal(acd_queue_add(t, &c, &q), 0);
	return q;
}

static struct acd_agent *mkagent2(struct acd_tenant *t, const char *id,
				  uint8_t general, uint8_t english)
{
	struct acd_agent_skill s[] = {{"general", general},
				      {"english", english}};
	struct acd_agent_cfg c = {.id = id, .skills = s, .nskills = 2};
	struct acd_agent *a = NULL;
	assert_int_equal(acd_agent_add(t, &c, &a), 0);
	return a;
}

static void test_two_skill_sets(void **state)
{
	struct fx *f = *state;
	struct acd_queue *li = mkqueue2(f->t, "li", ACD_STRAT_LONGEST_IDLE);
	struct acd_queue *best = mkqueue2(f->t, "best", ACD_STRAT_BEST_SKILL);
	struct acd_queue *rnd = mkqueue2(f->t, "rnd", ACD_STRAT_RANDOM);
	struct acd_agent *mono[600], *low, *e1, *e2, *e3;
	struct acd_stats st;
	char id[16];
	uint64_t c;

	for (int i = 0; i < 600; i++) {
		snprintf(id, sizeof(id), "m%d", i);
		mono[i] = mkagent(f->t, id, "general", 5);
		ready(mono[i]);
		f->now += 10;
	}
	low = mkagent2(f->t, "low", 2, 9);  /* general too low */
	ready(low);
	f->now += 10;
	e1 = mkagent2(f->t, "e1", 3, 2);
	ready(e1);
	f->now += 10;
	e2 = mkagent2(f->t, "e2", 9, 9);
	ready(e2);
	acd_queue_stats(li, &st);
	assert_int_equal(st.agents[ACD_AGENT_AVAILABLE], 2);

	/* longest idle of those with both: e1 */
	c = add(f, li, 0);
	assert_string_equal(offered_to(f, c), "e1");
	assert_int_equal(acd_contact_accept(f->acd, c, e1), 0);
	acd_queue_stats(li, &st);
	assert_int_equal(st.agents[ACD_AGENT_AVAILABLE], 1);
	assert_int_equal(st.agents[ACD_AGENT_BUSY], 1);
	/* random: e2 is the only one left that qualifies */
	for (int i = 0; i < 5; i++) {
		c = add(f, rnd, 0);
		assert_string_equal(offered_to(f, c), "e2");
		assert_int_equal(acd_contact_reject(f->acd, c, e2), 0);
		assert_int_equal(acd_contact_abandon(f->acd, c), 0);
		ready(e2);
	}
	/* nobody left: the contact waits, and the first agent who frees up
	 * with both skills takes it; one with general only does not */
	assert_int_equal(acd_agent_set_presence(e2, ACD_PRESENCE_NOT_READY,
						"lunch"),
			 0);
	c = add(f, best, 0);
	assert_null(offered_to(f, c));
	uint64_t ewt;
	assert_int_equal(acd_contact_ewt(f->acd, c, &ewt), 0);
	assert_true(ewt != ACD_NONE && ewt > 0);
	struct acd_agent *m = mkagent(f->t, "late", "general", 10);
	ready(m);
	assert_null(offered_to(f, c));
	/* a skill change makes low an agent of the set */
	struct acd_agent_skill up[] = {{"general", 4}, {"english", 3}};
	assert_int_equal(acd_agent_set_skills(low, up, 2), 0);
	assert_string_equal(offered_to(f, c), "low");
	assert_int_equal(acd_contact_reject(f->acd, c, low), 0);
	/* best skill: the highest sum of the two levels */
	e3 = mkagent2(f->t, "e3", 8, 8);
	ready(e2);
	assert_string_equal(offered_to(f, c), "e2"); /* 18 */
	assert_int_equal(acd_contact_reject(f->acd, c, e2), 0);
	ready(e3);
	assert_string_equal(offered_to(f, c), "e3"); /* ready after c came */
	assert_int_equal(acd_contact_accept(f->acd, c, e3), 0);
	acd_queue_stats(best, &st);
	assert_int_equal(st.agents[ACD_AGENT_BUSY], 2);   /* e1, e3 */
	assert_int_equal(st.agents[ACD_AGENT_NOT_READY], 2); /* low, e2 */
	ready(e2);
	ready(low);
	c = add(f, best, 0);
	assert_string_equal(offered_to(f, c), "e2"); /* 18 beats low's 7 */
	assert_int_equal(acd_check(f->acd), 0);

	/* Checking the configuration searches the sets from english now (4
	 * agents, against 602 with general): same choices. */
	assert_int_equal(acd_tenant_check_config(f->t), 0);
	assert_int_equal(acd_check(f->acd), 0);
	c = add(f, li, 0);
	assert_string_equal(offered_to(f, c), "low");
	assert_int_equal(acd_contact_accept(f->acd, c, low), 0);
	c = add(f, li, 0);
	assert_null(offered_to(f, c));
	assert_int_equal(acd_contact_complete(f->acd, c - 1), 0);
	assert_string_equal(offered_to(f, c), "low");
	assert_int_equal(acd_check(f->acd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_offer_accept_complete_wrapup),
		T(test_wrapup_ends_early),
		T(test_longest_idle_and_fifo),
		T(test_priority_order),
		T(test_reject_and_no_answer),
		T(test_timeout_reaches_next_agent),
		T(test_abandon),
		T(test_skills_levels_relaxation),
		T(test_best_skill_and_override),
		T(test_round_robin_fewest_random),
		T(test_ring_all),
		T(test_overflow),
		T(test_capacity_and_mixing),
		T(test_tenants_and_bad_input),
		T(test_transfer_and_remove),
		T(test_logout_while_offered),
		T(test_ewt_and_stats),
		T(test_intervals),
		T(test_reentrant_handler),
		T(test_skill_change),
		T(test_day_reset_rekeys_fewest),
		T(test_seed_today),
		T(test_callback_fills_voice),
		T(test_two_skill_sets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
