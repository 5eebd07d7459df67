/**
 * @file sim.h  Discrete-event simulation of a center, driving the real
 * routing engine.
 *
 * Owns: a routing engine (struct acd) whose clock is the simulation's
 * virtual time, an event calendar of the future (arrivals, ring delays,
 * talk-time ends, patience expiries), the simulated callers and agents, and
 * the statistics gathered about them.
 *
 * Offers: sim_alloc() creates the simulation and its engine; the caller
 * builds one tenant in the engine (sim_build_single() for one queue, or
 * center_apply() from a center definition), names it with sim_set_tenant(),
 * gives each queue its load (Poisson arrivals, handle-time distribution,
 * caller patience) with sim_set_load(), and calls sim_run().  The engine
 * decides everything it decides in production (which agent, when, wrap-up,
 * overflow, estimated wait); the simulator only plays the callers and the
 * agents' hands: agents accept an offer after a ring delay, talk for the
 * drawn handle time and hang up; callers hang up when their patience runs
 * out.
 *
 * Statistics: contacts arriving in the warm-up are not measured.  The
 * figures are those of the *cohort* of contacts that arrived in the measured
 * period, each followed until it was answered, abandoned or overflowed (the
 * simulation drains after the last arrival), so a contact that waits across
 * the end still counts.  Agent occupancy is the time-weighted share of the
 * measured period.  Separately the simulator counts everything that happened
 * after the warm-up the way the engine counts it (by event time, after the
 * engine's statistics were reset at the end of the warm-up): at the end
 * these counts must equal the engine's own acd_queue_stats()
 * (sim_check_engine()).
 *
 * Determinism: no wall clock and no rand(); every draw comes from
 * xoshiro256** streams derived from the seed (one stream per queue and
 * purpose, so that two runs with the same seed and different staffing see
 * the same callers).  The same seed and inputs give the same results.
 * Only sim_wall_ns() measures real time, for reporting speed.
 *
 * Threads: a simulation and its engine belong to the thread that made them.
 */
#ifndef HOTLINE_SIM_H
#define HOTLINE_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acd/acd.h"

struct sim;

/* --- rng.c: random numbers ------------------------------------------------ */

/** xoshiro256** state, seeded through splitmix64. */
struct sim_rng {
	uint64_t s[4];
	double spare; /* second normal deviate of Box-Muller */
	bool has_spare;
};

/** Seed a stream from (seed, stream): distinct streams are independent. */
void sim_rng_seed(struct sim_rng *r, uint64_t seed, uint64_t stream);
uint64_t sim_rng_next(struct sim_rng *r);
/** Uniform in the open interval (0, 1). */
double sim_rng_uniform(struct sim_rng *r);
/** Exponential with the given mean. */
double sim_rng_exp(struct sim_rng *r, double mean);
/** Standard normal. */
double sim_rng_normal(struct sim_rng *r);
/** Log-normal with the given mean and coefficient of variation. */
double sim_rng_lognormal(struct sim_rng *r, double mean, double cv);

/* --- calendar.c: the future events, earliest first ------------------------ */

/** One future event.  Ties in time are broken by insertion order (seq), so
 *  the order of events is a function of the inputs only. */
struct sim_ev {
	uint64_t time; /* virtual ms */
	uint64_t seq;  /* set by sim_cal_push() */
	uint32_t type;
	uint32_t gen; /* generation of the object p, to skip stale events */
	void *p;      /* borrowed */
	uint64_t id;
};

struct sim_cal {
	struct sim_ev *v; /* binary heap, owned */
	size_t n, cap;
	uint64_t seq;
};

int sim_cal_push(struct sim_cal *c, const struct sim_ev *ev);
/** The earliest event, or NULL if none. */
const struct sim_ev *sim_cal_peek(const struct sim_cal *c);
/** Remove the earliest event into *ev; false if none. */
bool sim_cal_pop(struct sim_cal *c, struct sim_ev *ev);
void sim_cal_free(struct sim_cal *c);

/* --- sim.c: the simulation ------------------------------------------------ */

enum sim_dist {
	SIM_DIST_EXP = 0,   /* exponential (coefficient of variation 1) */
	SIM_DIST_LOGNORMAL, /* log-normal with mean and cv */
	SIM_DIST_FIXED,     /* every contact takes the mean */
};

/** The load offered to one queue. */
struct sim_load {
	double calls_per_hour; /* Poisson arrival rate; 0 = no arrivals */
	double aht_s;          /* mean talk time; the queue's wrap-up comes on
	                          top, timed by the engine */
	enum sim_dist dist;
	double cv;         /* log-normal coefficient of variation */
	double patience_s; /* mean caller patience (exponential);
	                      0 = infinite */
	uint8_t priority;  /* of the contacts, 0..9 */
};

struct sim_opts {
	uint64_t seed;
	uint32_t warmup_s;    /* simulated before measuring */
	uint32_t duration_s;  /* measured period, > 0 */
	uint32_t ring_ms;     /* offer to acceptance by the agent */
	uint32_t drain_max_s; /* give up draining after this; 0 = 86400 */
	uint32_t interval_s;  /* engine statistics interval; 0 = 900 */
	bool check;           /* engine verifies its invariants after every
	                         operation (slow; for tests) */
};

/** Counts of contacts, in the engine's terms (struct acd_stats). */
struct sim_counts {
	uint64_t offered; /* entered the queue */
	uint64_t answered;
	uint64_t answered_in_sl;  /* waited at most the SL threshold */
	uint64_t abandoned;       /* including short ones */
	uint64_t short_abandoned; /* under ACD_SHORT_ABANDON_MS */
	uint64_t abandoned_after_sl;
	uint64_t overflowed;
	uint64_t handled; /* completed */
	uint64_t wait_answered_ms;
	uint64_t wait_abandoned_ms;
	uint64_t handle_ms;   /* talk + wrap-up of handled contacts */
	uint64_t max_wait_ms; /* of answered contacts */
};

/** What the simulation found about one queue (or the whole tenant). */
struct sim_result {
	const char *name; /* queue name, or "total" */
	uint32_t sl_threshold_s;
	double sl_target;
	struct sim_load load;     /* zero for the total */
	uint32_t agents;          /* agents able to serve it (step 0) */
	struct sim_counts cohort; /* contacts arrived in the measured period */
	uint64_t unresolved;      /* of the cohort, still waiting when the
	                             drain gave up */
	struct sim_counts window; /* since the warm-up, by event time, as the
	                             engine counts */
	struct acd_stats engine;  /* the engine's figures at the end */
	/* agents' time in the measured period */
	uint64_t staffed_ms;  /* available, reserved, busy or wrap-up */
	uint64_t occupied_ms; /* reserved, busy or wrap-up */
	/* the same from the warm-up to the end of the run (cross-check) */
	uint64_t window_staffed_ms, window_occupied_ms;
	/* estimated wait: acd_contact_ewt() at arrival against the wait that
	 * followed, for answered contacts of the cohort; contacts offered at
	 * once count with an estimate of 0 */
	uint64_t ewt_n;
	double ewt_abs_err_ms; /* sums */
	double ewt_err_ms;     /* estimate - actual: > 0 overestimates */
	uint64_t ewt_queued_n; /* those that had to wait in queue */
	double ewt_queued_abs_err_ms;
	double ewt_queued_err_ms;
};

/** Figures derived from a result, by the engine's definitions. */
struct sim_metrics {
	double service_level;      /* answered_in_sl / (answered +
	                              abandoned_after_sl); 1 when none */
	double asa_s;              /* mean wait of answered contacts */
	double abandon_rate;       /* (abandoned - short) / (offered - short) */
	double abandoned_fraction; /* abandoned / (answered + abandoned), all
	                              abandons (as Erlang A counts) */
	double occupancy;
	double aht_s; /* talk + wrap-up */
	double max_wait_s;
	double ewt_mae_s, ewt_bias_s;               /* all answered */
	double ewt_queued_mae_s, ewt_queued_bias_s; /* those that queued */
};

/** Create a simulation and its routing engine. */
int sim_alloc(struct sim **simp, const struct sim_opts *opts);
/** The engine, to build the tenant in before sim_set_tenant(). */
struct acd *sim_acd(struct sim *sim);
/** The tenant to simulate: all its agents log in available at the start;
 *  all its queues are measured.  Call after the tenant is complete. */
int sim_set_tenant(struct sim *sim, struct acd_tenant *t);
/** Set the load of a queue of the tenant (default: no arrivals). */
int sim_set_load(struct sim *sim, const char *queue,
                 const struct sim_load *load);
/** Run the whole simulation: warm-up, measured period, drain.  0, or an
 *  errno code with the reason in sim_last_error() (the engine refused an
 *  operation the simulation expected to succeed). */
int sim_run(struct sim *sim);
const char *sim_last_error(const struct sim *sim);

size_t sim_queue_count(const struct sim *sim);
/** Result of queue i (in the tenant's order). */
void sim_queue_result(const struct sim *sim, size_t i, struct sim_result *r);
/** Result of the whole tenant (engine figures from acd_tenant_stats()). */
void sim_total_result(const struct sim *sim, struct sim_result *r);

struct sim_run_info {
	uint64_t calendar_events; /* simulator events dispatched */
	uint64_t engine_events;   /* engine events received */
	uint64_t timer_runs;      /* acd_run_timers() calls */
	uint64_t end_ms;          /* virtual time at the end, from 0 */
	uint64_t drain_ms;        /* after the measured period */
	uint64_t requeues;        /* offers that failed and went back */
	uint64_t contacts;        /* contacts created */
};
void sim_run_info(const struct sim *sim, struct sim_run_info *info);
/** Real time sim_run() took, in ns (for the speed report only). */
uint64_t sim_wall_ns(const struct sim *sim);

/** a += b (sums; the maximum wait is the larger). */
void sim_counts_add(struct sim_counts *a, const struct sim_counts *b);
/** Derive the figures of a result. */
void sim_metrics(const struct sim_result *r, struct sim_metrics *m);
/** Compare what the simulator counted since the warm-up with the engine's
 *  own statistics.  Returns the number of disagreements and describes them
 *  in buf ("" when none). */
int sim_check_engine(const struct sim_result *r, char *buf, size_t sz);

/* --- build.c: the one-queue center ---------------------------------------- */

struct sim_single {
	uint32_t agents;
	uint32_t answer_s; /* SL threshold */
	uint32_t wrapup_s;
	enum acd_strategy strategy;
};

/** Build tenant "sim" with one voice queue "queue" (no skills required)
 *  and agents 1001.. in the simulation's engine, and select it. */
int sim_build_single(struct sim *sim, const struct sim_single *s);

#endif
