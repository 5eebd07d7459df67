/**
 * @file test_sim.c  The simulator: its random numbers and calendar, its
 * agreement with queueing theory (Erlang C and Erlang A), determinism, the
 * engine's invariants under simulated load, and the cross-check of the
 * engine's statistics against the simulator's counts.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <re.h>

#include "sim/sim.h"
#include "wfm/wfm.h"

/* --- random numbers ------------------------------------------------------- */

static void test_rng_moments(void **state)
{
	struct sim_rng r;
	const int n = 400000;
	double s = 0, s2 = 0, l = 0, l2 = 0, umin = 1, umax = 0;

	(void)state;
	sim_rng_seed(&r, 42, 0);
	for (int i = 0; i < n; i++) {
		double u = sim_rng_uniform(&r);
		double x = sim_rng_exp(&r, 180);
		double y = sim_rng_lognormal(&r, 180, 0.5);

		umin = fmin(umin, u);
		umax = fmax(umax, u);
		s += x;
		s2 += x * x;
		l += y;
		l2 += y * y;
	}
	assert_true(umin > 0 && umax < 1);
	/* exponential, mean 180 and sd 180: the mean of n has sd
	 * 180/sqrt(n) = 0.28, so 1.5 is over 5 sd */
	assert_true(fabs(s / n - 180) < 1.5);
	assert_true(fabs(sqrt(s2 / n - (s / n) * (s / n)) - 180) < 3);
	/* log-normal, mean 180, cv 0.5 (sd 90): mean within 5 sd of the
	 * mean (90/sqrt(n) = 0.14), cv within 0.01 */
	assert_true(fabs(l / n - 180) < 0.75);
	assert_true(fabs(sqrt(l2 / n - (l / n) * (l / n)) / (l / n) - 0.5) <
	            0.01);
}

static void test_rng_streams(void **state)
{
	struct sim_rng a, b, c;
	int same_ab = 0, same_ac = 0;

	(void)state;
	sim_rng_seed(&a, 7, 1);
	sim_rng_seed(&b, 7, 1);
	sim_rng_seed(&c, 7, 2);
	for (int i = 0; i < 1000; i++) {
		uint64_t x = sim_rng_next(&a), y = sim_rng_next(&b),
		         z = sim_rng_next(&c);

		same_ab += x == y;
		same_ac += x == z;
	}
	assert_int_equal(same_ab, 1000);
	assert_int_equal(same_ac, 0);
}

/* --- calendar ------------------------------------------------------------- */

static void test_calendar_order(void **state)
{
	struct sim_cal cal = {0};
	struct sim_rng r;
	struct sim_ev ev = {0}, prev = {0};
	const int n = 20000;

	(void)state;
	sim_rng_seed(&r, 1, 0);
	for (int i = 0; i < n; i++) {
		ev.time = sim_rng_next(&r) % 1000; /* many ties */
		ev.id = (uint64_t)i;
		assert_int_equal(sim_cal_push(&cal, &ev), 0);
	}
	for (int i = 0; i < n; i++) {
		assert_non_null(sim_cal_peek(&cal));
		assert_true(sim_cal_pop(&cal, &ev));
		if (i) {
			/* time order, and insertion order among ties */
			assert_true(ev.time > prev.time ||
			            (ev.time == prev.time && ev.id > prev.id));
		}
		prev = ev;
	}
	assert_null(sim_cal_peek(&cal));
	assert_false(sim_cal_pop(&cal, &ev));
	sim_cal_free(&cal);
}

/* --- running the one-queue center ----------------------------------------- */

struct run {
	uint64_t seed;
	uint32_t agents, answer_s, wrapup_s, warmup_s, hours;
	double cph, aht_s, patience_s, ring_s;
	enum acd_strategy strategy;
	bool check;
};

struct outcome {
	struct sim_result r;
	struct sim_metrics m;
	struct sim_run_info info;
};

static void run_single(const struct run *p, struct outcome *o)
{
	struct sim_opts so = {
	    .seed = p->seed,
	    .warmup_s = p->warmup_s,
	    .duration_s = p->hours * 3600,
	    .ring_ms = (uint32_t)(p->ring_s * 1000),
	    .check = p->check,
	};
	struct sim_single s = {
	    .agents = p->agents,
	    .answer_s = p->answer_s,
	    .wrapup_s = p->wrapup_s,
	    .strategy = p->strategy,
	};
	struct sim_load l = {
	    .calls_per_hour = p->cph,
	    .aht_s = p->aht_s,
	    .patience_s = p->patience_s,
	};
	struct sim *sim = NULL;
	char why[512];
	int err;

	assert_int_equal(sim_alloc(&sim, &so), 0);
	assert_int_equal(sim_build_single(sim, &s), 0);
	assert_int_equal(sim_set_load(sim, "queue", &l), 0);
	err = sim_run(sim);
	if (err)
		fail_msg("sim_run: %s", sim_last_error(sim));
	assert_int_equal(sim_queue_count(sim), 1);
	sim_queue_result(sim, 0, &o->r);
	sim_metrics(&o->r, &o->m);
	sim_run_info(sim, &o->info);
	/* every run also cross-checks the engine's own statistics */
	if (sim_check_engine(&o->r, why, sizeof(why)))
		fail_msg("engine disagrees: %s", why);
	assert_int_equal(o->r.unresolved, 0);
	mem_deref(sim);
}

/* Mean and standard error over k replications. */
static void mean_se(const double *x, int k, double *mean, double *se)
{
	double s = 0, s2 = 0;

	for (int i = 0; i < k; i++)
		s += x[i];
	*mean = s / k;
	for (int i = 0; i < k; i++)
		s2 += (x[i] - *mean) * (x[i] - *mean);
	*se = sqrt(s2 / (k - 1) / k);
}

/*
 * Statistical design of the two queueing-theory tests.
 *
 * Erlang C and A are steady-state results, and waits in a busy queue are
 * strongly correlated (at 85% occupancy with 20 agents the queue's
 * relaxation time is about AHT / (sqrt(n) - sqrt(A))^2 ~ 25 min), so the
 * calls of one run are not independent samples.  The tests therefore run K
 * independent replications (distinct seeds), each with its own warm-up of
 * an hour (over two relaxation times) and HOURS measured hours, and treat
 * the K per-replication figures as independent.
 *
 * The tolerance is 4 standard errors of the mean of K, with the standard
 * deviation per replication (the SD_ constants) measured beforehand in a
 * pilot of 1,000 replications with other seeds (release build, 8.2 million
 * calls per case, 5 s each): if the engine and the simulator are right, a
 * figure fails with probability 6e-5.  The pilot's own means agreed with
 * theory within one standard error of 1,000 replications (Erlang C: SL
 * 0.7235 vs 0.7241, ASA 23.26 vs 23.10 s, occupancy 0.8504 vs 0.8500;
 * Erlang A: SL 0.9001 vs 0.9005, ASA 4.367 vs 4.35 s, abandoned 0.0409 vs
 * 0.0408), so there is no bias to allow for (the hour of warm-up removes
 * the start from empty).  Every run is deterministic, so the test cannot
 * flake; the bound matters when a change re-draws the random streams.  The
 * test also checks that the sample's own standard error is within 30% of
 * the expected one (the sample sd of K = 100..200 replications is itself
 * within 5-7% at one sigma): a noisier simulator must not pass by
 * widening its own interval.
 *
 * Resulting tolerances (4 sigma): Erlang C, 200 replications (1.6 million
 * calls): SL +-0.013, ASA +-2.1 s, occupancy +-0.004; Erlang A, 100
 * replications: SL +-0.006, ASA +-0.23 s, abandoned fraction +-0.002.
 * Under ASan the two take about 8 s together.
 */
#define REP_HOURS 24

/* Erlang C case: 20 agents, 340 calls/h, AHT 180 s: A = 17 erlangs,
 * 85% occupancy, SL threshold 20 s.  At this load the waits are long-range
 * correlated: one 24-h day's ASA varies by +-31% (sd 7.25 s of 23 s). */
#define C_REPS   200
#define C_SD_SL  0.0455 /* sd of SL per 24-h replication (pilot) */
#define C_SD_ASA 7.25   /* sd of ASA, seconds */
#define C_SD_OCC 0.0134 /* sd of occupancy */

/* True if the mean of k replications is within 4 standard errors of the
 * theory and the sample's spread is what the pilot found. */
static bool agrees(const char *what, const double *x, int k, double sd,
                   double theory)
{
	double mean, se, want_se = sd / sqrt(k);

	mean_se(x, k, &mean, &se);
	print_message("%-24s sim %9.5f (se %.5f)  theory %9.5f  tolerance "
	              "%.5f\n",
	              what, mean, se, theory, 4 * want_se);
	if (se > 1.3 * want_se || se < want_se / 1.3) {
		print_error("%s: standard error %.5f, expected %.5f\n", what,
		            se, want_se);
		return false;
	}
	return fabs(mean - theory) < 4 * want_se;
}

static void test_erlang_c(void **state)
{
	struct run p = {
	    .agents = 20,
	    .answer_s = 20,
	    .warmup_s = 3600,
	    .hours = REP_HOURS,
	    .cph = 340,
	    .aht_s = 180,
	};
	struct wfm_erlang_in in = {
	    .calls = 340,
	    .interval_s = 3600,
	    .aht_s = 180,
	    .answer_s = 20,
	    .patience_s = 0,
	};
	struct wfm_erlang_out ex;
	static double sl[C_REPS], asa[C_REPS], occ[C_REPS];
	uint64_t calls = 0;

	(void)state;
	assert_int_equal(wfm_erlang_eval(&in, 20, &ex), 0);
	for (int k = 0; k < C_REPS; k++) {
		struct outcome o;

		p.seed = 1000 + (uint64_t)k;
		run_single(&p, &o);
		assert_int_equal(o.r.cohort.abandoned, 0);
		assert_int_equal(o.r.cohort.answered, o.r.cohort.offered);
		sl[k] = o.m.service_level;
		asa[k] = o.m.asa_s;
		occ[k] = o.m.occupancy;
		calls += o.r.cohort.offered;
	}
	/* 340 calls/h * 24 h * 200: 1,632,000 expected, sd 1,300 */
	assert_true(calls > 1620000 && calls < 1644000);

	assert_true(agrees("Erlang C service level", sl, C_REPS, C_SD_SL,
	                   ex.service_level));
	assert_true(agrees("Erlang C ASA s", asa, C_REPS, C_SD_ASA, ex.asa_s));
	assert_true(
	    agrees("Erlang C occupancy", occ, C_REPS, C_SD_OCC, ex.occupancy));
}

/* Erlang A case: the same center with callers of mean patience 120 s. */
#define A_REPS   100
#define A_SD_SL  0.0143 /* pilot, per 24-h replication */
#define A_SD_ASA 0.585
#define A_SD_AB  0.0053

static void test_erlang_a(void **state)
{
	struct run p = {
	    .agents = 20,
	    .answer_s = 20,
	    .warmup_s = 3600,
	    .hours = REP_HOURS,
	    .cph = 340,
	    .aht_s = 180,
	    .patience_s = 120,
	};
	struct wfm_erlang_in in = {
	    .calls = 340,
	    .interval_s = 3600,
	    .aht_s = 180,
	    .answer_s = 20,
	    .patience_s = 120,
	};
	struct wfm_erlang_out ex;
	static double sl[A_REPS], asa[A_REPS], ab[A_REPS];

	(void)state;
	assert_int_equal(wfm_erlang_eval(&in, 20, &ex), 0);
	for (int k = 0; k < A_REPS; k++) {
		struct outcome o;

		p.seed = 2000 + (uint64_t)k;
		run_single(&p, &o);
		assert_true(o.r.cohort.abandoned > 0);
		assert_int_equal(o.r.cohort.answered + o.r.cohort.abandoned,
		                 o.r.cohort.offered);
		sl[k] = o.m.service_level;
		asa[k] = o.m.asa_s;
		ab[k] = o.m.abandoned_fraction;
	}

	assert_true(agrees("Erlang A service level", sl, A_REPS, A_SD_SL,
	                   ex.service_level));
	assert_true(agrees("Erlang A ASA s", asa, A_REPS, A_SD_ASA, ex.asa_s));
	assert_true(
	    agrees("Erlang A abandoned", ab, A_REPS, A_SD_AB, ex.abandon_rate));
}

/* --- determinism ---------------------------------------------------------- */

static void test_determinism(void **state)
{
	struct run p = {
	    .seed = 5,
	    .agents = 12,
	    .answer_s = 20,
	    .warmup_s = 600,
	    .hours = 4,
	    .cph = 220,
	    .aht_s = 180,
	    .patience_s = 90,
	    .wrapup_s = 10,
	    .ring_s = 2,
	};
	struct outcome a, b, c;

	(void)state;
	run_single(&p, &a);
	run_single(&p, &b);
	p.seed = 6;
	run_single(&p, &c);

	assert_memory_equal(&a.r.cohort, &b.r.cohort, sizeof(a.r.cohort));
	assert_memory_equal(&a.r.window, &b.r.window, sizeof(a.r.window));
	assert_int_equal(a.r.occupied_ms, b.r.occupied_ms);
	assert_true(a.r.ewt_abs_err_ms == b.r.ewt_abs_err_ms);
	assert_int_equal(a.info.calendar_events, b.info.calendar_events);
	assert_int_equal(a.info.engine_events, b.info.engine_events);

	assert_true(memcmp(&a.r.cohort, &c.r.cohort, sizeof(a.r.cohort)) != 0);
	assert_true(a.info.engine_events != c.info.engine_events ||
	            a.r.occupied_ms != c.r.occupied_ms);
}

/* --- the engine's invariants under load ----------------------------------- */

/* acd_opts.check: the engine verifies every invariant after every
 * operation (and aborts on a broken one).  Small, since each check walks
 * the engine; with ring delays, wrap-up and impatient callers, so offers
 * are abandoned while ringing and agents cycle through every state. */
static void test_engine_invariants(void **state)
{
	struct run p = {
	    .seed = 11,
	    .agents = 6,
	    .answer_s = 20,
	    .warmup_s = 300,
	    .hours = 2,
	    .cph = 130,
	    .aht_s = 120,
	    .patience_s = 60,
	    .wrapup_s = 15,
	    .ring_s = 3,
	    .check = true,
	};
	struct outcome o;

	(void)state;
	run_single(&p, &o);
	assert_true(o.r.cohort.offered > 150);
	assert_true(o.r.cohort.answered > 0);
	assert_true(o.r.cohort.abandoned > 0);
	assert_true(o.r.cohort.handled > 0);
	/* handle time = talk + 15 s wrap-up */
	assert_true(o.m.aht_s > 120 && o.m.aht_s < 170);
	assert_true(o.m.occupancy > 0.5 && o.m.occupancy < 1.0);
}

/* The simulator's own counting agrees with the engine's (checked in
 * run_single) also at the edges: no load, and overload where every agent
 * is always busy. */
static void test_edges(void **state)
{
	struct run idle = {
	    .seed = 3,
	    .agents = 3,
	    .answer_s = 20,
	    .warmup_s = 60,
	    .hours = 1,
	    .cph = 0.001,
	    .aht_s = 60,
	};
	struct run over = {
	    .seed = 3,
	    .agents = 3,
	    .answer_s = 20,
	    .warmup_s = 600,
	    .hours = 2,
	    .cph = 120,
	    .aht_s = 180,
	    .patience_s = 300,
	};
	struct outcome o;

	(void)state;
	run_single(&idle, &o);
	assert_true(o.r.cohort.offered <= 1);
	assert_true(o.m.occupancy < 0.05);

	/* offered 6 erlangs to 3 agents: about half abandon */
	run_single(&over, &o);
	assert_true(o.m.occupancy > 0.97);
	assert_true(o.m.abandoned_fraction > 0.3);
}

/* --- several queues, skills, overflow, chats ------------------------------ */

/* A tenant with two voice queues served by different skills, overflow from
 * one into the other after 30 s, and a chat queue whose agents take three
 * chats at once with a wrap-up after each (the engine closes a running
 * wrap-up early when another chat ends).  The engine checks its invariants
 * after every operation, and its statistics must equal the simulator's
 * counts for every queue and the tenant. */
static void test_multi_queue(void **state)
{
	static const struct acd_skill_req r_sales[] = {{"sales", 1}};
	static const struct acd_skill_req r_support[] = {{"support", 1}};
	static const struct acd_skill_req r_chat[] = {{"support", 5}};
	static const struct acd_agent_skill s_sales[] = {{"sales", 5}};
	static const struct acd_agent_skill s_support[] = {{"support", 6}};
	static const struct acd_agent_skill s_both[] = {{"sales", 3},
	                                                {"support", 3}};
	struct sim_opts so = {.seed = 9,
	                      .warmup_s = 900,
	                      .duration_s = 3 * 3600,
	                      .ring_ms = 1500,
	                      .check = true};
	struct acd_queue_cfg qs[3] = {
	    {.name = "sales",
	     .channel = ACD_CH_VOICE,
	     .reqs = {r_sales, 1},
	     .max_wait_s = 30,
	     .overflow = ACD_OVERFLOW_QUEUE,
	     .overflow_target = "support",
	     .sl_threshold_s = 15},
	    {.name = "support",
	     .channel = ACD_CH_VOICE,
	     .reqs = {r_support, 1},
	     .wrapup_s = 5,
	     .strategy = ACD_STRAT_BEST_SKILL},
	    {.name = "chat",
	     .channel = ACD_CH_CHAT,
	     .reqs = {r_chat, 1},
	     .wrapup_s = 30,
	     .sl_threshold_s = 60},
	};
	struct sim_load loads[3] = {
	    {.calls_per_hour = 110, .aht_s = 150, .patience_s = 200},
	    {.calls_per_hour = 90,
	     .aht_s = 200,
	     .dist = SIM_DIST_LOGNORMAL,
	     .cv = 0.8},
	    {.calls_per_hour = 40, .aht_s = 400, .patience_s = 600},
	};
	struct sim *sim = NULL;
	struct acd_tenant *t;
	struct sim_result r, tot;
	char why[512];
	uint64_t offered = 0, overflowed = 0;

	(void)state;
	assert_int_equal(sim_alloc(&sim, &so), 0);
	assert_int_equal(acd_tenant_add(sim_acd(sim), "shop", &t), 0);
	assert_int_equal(acd_skill_add(t, "sales"), 0);
	assert_int_equal(acd_skill_add(t, "support"), 0);
	for (int i = 0; i < 3; i++) {
		struct acd_queue *q;

		assert_int_equal(acd_queue_add(t, &qs[i], &q), 0);
	}
	for (int i = 0; i < 10; i++) {
		struct acd_agent_cfg ac = {0};
		struct acd_agent *a;
		char id[16];

		snprintf(id, sizeof(id), "%d", 2001 + i);
		ac.id = id;
		ac.skills = i < 4 ? s_sales : i < 8 ? s_support : s_both;
		ac.nskills = i < 8 ? 1 : 2;
		assert_int_equal(acd_agent_add(t, &ac, &a), 0);
	}
	assert_int_equal(sim_set_tenant(sim, t), 0);
	assert_int_equal(sim_set_load(sim, "sales", &loads[0]), 0);
	assert_int_equal(sim_set_load(sim, "support", &loads[1]), 0);
	assert_int_equal(sim_set_load(sim, "chat", &loads[2]), 0);
	assert_int_equal(sim_set_load(sim, "nonesuch", &loads[2]), ENOENT);
	if (sim_run(sim))
		fail_msg("sim_run: %s", sim_last_error(sim));

	assert_int_equal(sim_queue_count(sim), 3);
	for (size_t i = 0; i < 3; i++) {
		sim_queue_result(sim, i, &r);
		if (sim_check_engine(&r, why, sizeof(why)))
			fail_msg("%s: engine disagrees: %s", r.name, why);
		assert_true(r.cohort.answered > 0);
		assert_int_equal(r.unresolved, 0);
		offered += r.cohort.offered;
		overflowed += r.cohort.overflowed;
		print_message("%-8s agents %u offered %llu answered %llu "
		              "abandoned %llu overflowed %llu\n",
		              r.name, r.agents,
		              (unsigned long long)r.cohort.offered,
		              (unsigned long long)r.cohort.answered,
		              (unsigned long long)r.cohort.abandoned,
		              (unsigned long long)r.cohort.overflowed);
	}
	/* agents able to serve each queue, by step-0 skills */
	sim_queue_result(sim, 0, &r);
	assert_int_equal(r.agents, 6);
	assert_true(r.cohort.overflowed > 0); /* 110/h for 6 agents, 30 s */
	sim_queue_result(sim, 2, &r);
	assert_int_equal(r.agents, 4); /* support level 5 and up */

	sim_total_result(sim, &tot);
	if (sim_check_engine(&tot, why, sizeof(why)))
		fail_msg("tenant: engine disagrees: %s", why);
	assert_int_equal(tot.agents, 10);
	assert_int_equal(tot.cohort.offered, offered);
	assert_int_equal(tot.cohort.overflowed, overflowed);
	/* every overflow went on to support: it entered twice */
	assert_int_equal(tot.cohort.answered + tot.cohort.abandoned +
	                     tot.cohort.overflowed,
	                 tot.cohort.offered);
	mem_deref(sim);
}

/* Offers nobody answers in time: the agents pick up after 25 s, the
 * queue's offer timeout is the default 20 s.  Every offer times out, the
 * contact goes back to the queue, the engine makes the agent not ready and
 * the simulator makes it available again; an acceptance due from an
 * earlier offer of the same contact must not answer the new one.  Callers
 * leave after a minute on average. */
static void test_ring_timeout(void **state)
{
	struct run p = {
	    .seed = 4,
	    .agents = 4,
	    .answer_s = 20,
	    .warmup_s = 300,
	    .hours = 1,
	    .cph = 60,
	    .aht_s = 120,
	    .patience_s = 60,
	    .ring_s = 25,
	    .check = true,
	};
	struct outcome o;

	(void)state;
	run_single(&p, &o);
	assert_true(o.r.cohort.offered > 30);
	assert_int_equal(o.r.cohort.answered, 0);
	assert_int_equal(o.r.cohort.abandoned, o.r.cohort.offered);
	assert_true(o.info.requeues > o.r.cohort.offered);
}

/* Ring-all: every free agent rings, the first to answer takes it, the
 * other offers end (TAKEN) and their pending acceptances lapse. */
static void test_ring_all(void **state)
{
	struct run p = {
	    .seed = 8,
	    .agents = 6,
	    .answer_s = 20,
	    .warmup_s = 300,
	    .hours = 2,
	    .cph = 90,
	    .aht_s = 150,
	    .ring_s = 2,
	    .strategy = ACD_STRAT_RING_ALL,
	    .check = true,
	};
	struct outcome o;

	(void)state;
	run_single(&p, &o);
	assert_true(o.r.cohort.offered > 120);
	assert_int_equal(o.r.cohort.answered, o.r.cohort.offered);
	/* answered after the 2-s ring at the earliest */
	assert_true(o.m.asa_s >= 2.0);
}

/* A queue no agent can serve: callers with infinite patience wait until
 * the drain gives up; the run still ends, they are counted unresolved,
 * and the engine's "no estimate" (ACD_NONE) is kept out of the EWT error. */
static void test_unserved(void **state)
{
	static const struct acd_skill_req r_x[] = {{"x", 1}};
	struct sim_opts so = {
	    .seed = 2, .warmup_s = 60, .duration_s = 1800, .drain_max_s = 600};
	struct acd_queue_cfg qc = {
	    .name = "lost", .channel = ACD_CH_VOICE, .reqs = {r_x, 1}};
	struct acd_queue_cfg qok = {.name = "fine", .channel = ACD_CH_VOICE};
	struct sim_load l = {.calls_per_hour = 60, .aht_s = 60};
	struct sim *sim = NULL;
	struct acd_tenant *t;
	struct acd_queue *q;
	struct acd_agent *a;
	struct acd_agent_cfg ac = {.id = "3001"};
	struct sim_result r;
	struct sim_run_info info;
	char why[512];

	(void)state;
	assert_int_equal(sim_alloc(&sim, &so), 0);
	assert_int_equal(acd_tenant_add(sim_acd(sim), "t", &t), 0);
	assert_int_equal(acd_skill_add(t, "x"), 0);
	assert_int_equal(acd_queue_add(t, &qc, &q), 0);
	assert_int_equal(acd_queue_add(t, &qok, &q), 0);
	assert_int_equal(acd_agent_add(t, &ac, &a), 0);
	assert_int_equal(sim_set_tenant(sim, t), 0);
	assert_int_equal(sim_set_load(sim, "lost", &l), 0);
	assert_int_equal(sim_set_load(sim, "fine", &l), 0);
	assert_int_equal(sim_run(sim), 0);

	sim_queue_result(sim, 0, &r);
	assert_string_equal(r.name, "lost");
	assert_int_equal(r.agents, 0);
	assert_true(r.cohort.offered > 10);
	assert_int_equal(r.cohort.answered, 0);
	assert_int_equal(r.unresolved, r.cohort.offered);
	assert_int_equal(r.ewt_n, 0);
	assert_int_equal(sim_check_engine(&r, why, sizeof(why)), 0);

	sim_queue_result(sim, 1, &r);
	assert_int_equal(r.unresolved, 0);
	assert_int_equal(r.cohort.answered, r.cohort.offered);
	if (sim_check_engine(&r, why, sizeof(why)))
		fail_msg("engine disagrees: %s", why);

	sim_run_info(sim, &info);
	assert_int_equal(info.drain_ms, 600 * 1000);
	mem_deref(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rng_moments),
	    cmocka_unit_test(test_rng_streams),
	    cmocka_unit_test(test_calendar_order),
	    cmocka_unit_test(test_determinism),
	    cmocka_unit_test(test_engine_invariants),
	    cmocka_unit_test(test_edges),
	    cmocka_unit_test(test_multi_queue),
	    cmocka_unit_test(test_ring_timeout),
	    cmocka_unit_test(test_ring_all),
	    cmocka_unit_test(test_unserved),
	    cmocka_unit_test(test_erlang_c),
	    cmocka_unit_test(test_erlang_a),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
