/**
 * @file sim_int.h  Private to src/sim: the report of `hotline simulate`,
 * aggregated over one or more runs (replications with consecutive seeds).
 */
#ifndef HOTLINE_SIM_INT_H
#define HOTLINE_SIM_INT_H

#include <stdio.h>

#include "sim/sim.h"
#include "wfm/wfm.h"

/* The figures averaged over runs, each with a confidence interval. */
enum sim_fig {
	SIM_F_SL = 0,
	SIM_F_ASA,
	SIM_F_ABAND,  /* abandon rate, the engine's definition */
	SIM_F_ABFRAC, /* abandoned fraction, all abandons */
	SIM_F_OCC,
	SIM_F_AHT,
	SIM_F_MAXWAIT,
	SIM_F_EWT_MAE,
	SIM_F_EWT_BIAS,
	SIM_F_EWTQ_MAE, /* callers who queued */
	SIM_F_EWTQ_BIAS,
	SIM_F_N
};

/* One queue (or the total) over all runs. */
struct sim_agg {
	char *name;          /* owned copy: r.name points here */
	struct sim_result r; /* identity from the first run; cohort and
	                        window counts, EWT counts and agent times
	                        summed over runs; engine figures of the
	                        last run */
	double sum[SIM_F_N], sum2[SIM_F_N];
	uint32_t n[SIM_F_N]; /* runs in which the figure was defined */
	int mismatches;      /* runs whose engine statistics disagreed */
	char why[512];       /* the first disagreement */
};

struct sim_report {
	/* inputs, as given */
	uint64_t seed;
	uint32_t runs;
	uint32_t warmup_s, measured_s;
	enum sim_dist dist;
	double cv, ring_s;
	bool timing;
	/* one-queue mode: the formula for the same queue */
	bool have_erlang;
	uint32_t agents, wrapup_s;
	struct wfm_erlang_in ein;
	struct wfm_erlang_out eout;
	/* results */
	size_t nq;
	struct sim_agg *q;        /* nq + 1: the last is the total */
	struct sim_run_info info; /* summed over runs */
	uint64_t drain_max_ms;
	uint64_t wall_ns;
	int mismatches; /* (run, queue) pairs that disagreed */
};

/* --- report.c ------------------------------------------------------------- */

/** Add one run's result for queue i (i == nq: the total).  0 or ENOMEM. */
int sim_report_add(struct sim_report *rp, size_t i, const struct sim_result *r);
/** Free what the report holds. */
void sim_report_free(struct sim_report *rp);
/** Mean of a figure over the runs that define it, and the half-width of
 *  its 95% confidence interval (Student t; NAN for fewer than 2 runs).
 *  Returns false if no run defines it. */
bool sim_report_fig(const struct sim_agg *a, enum sim_fig f, double *mean,
                    double *hw);
void sim_report_table(const struct sim_report *rp, FILE *f);
void sim_report_json(const struct sim_report *rp, FILE *f);

#endif
