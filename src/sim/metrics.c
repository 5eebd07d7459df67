/**
 * @file metrics.c  Figures derived from a simulation result, and the
 * cross-check of the simulator's counts against the engine's own.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/sim.h"

static double ratio(double a, double b, double none)
{
	return b > 0 ? a / b : none;
}

void sim_metrics(const struct sim_result *r, struct sim_metrics *m)
{
	const struct sim_counts *c = &r->cohort;

	memset(m, 0, sizeof(*m));
	m->service_level =
	    ratio((double)c->answered_in_sl,
	          (double)(c->answered + c->abandoned_after_sl), 1.0);
	m->asa_s =
	    ratio((double)c->wait_answered_ms, (double)c->answered, 0) / 1000;
	m->abandon_rate = ratio((double)(c->abandoned - c->short_abandoned),
	                        (double)(c->offered - c->short_abandoned), 0);
	m->abandoned_fraction = ratio((double)c->abandoned,
	                              (double)(c->answered + c->abandoned), 0);
	m->occupancy = ratio((double)r->occupied_ms, (double)r->staffed_ms, 0);
	m->aht_s = ratio((double)c->handle_ms, (double)c->handled, 0) / 1000;
	m->max_wait_s = (double)c->max_wait_ms / 1000;
	m->ewt_mae_s = ratio(r->ewt_abs_err_ms, (double)r->ewt_n, 0) / 1000;
	m->ewt_bias_s = ratio(r->ewt_err_ms, (double)r->ewt_n, 0) / 1000;
	m->ewt_queued_mae_s =
	    ratio(r->ewt_queued_abs_err_ms, (double)r->ewt_queued_n, 0) / 1000;
	m->ewt_queued_bias_s =
	    ratio(r->ewt_queued_err_ms, (double)r->ewt_queued_n, 0) / 1000;
}

struct check_buf {
	char *p;
	size_t left;
	int n;
};

static void mismatch(struct check_buf *cb, const char *what, double sim,
                     double engine)
{
	int w;

	cb->n++;
	if (!cb->left)
		return;
	w = snprintf(cb->p, cb->left, "%s%s: simulator %.10g, engine %.10g",
	             cb->n > 1 ? "; " : "", what, sim, engine);
	if (w < 0)
		return;
	if ((size_t)w >= cb->left)
		w = (int)cb->left - 1;
	cb->p += w;
	cb->left -= (size_t)w;
}

static void same_count(struct check_buf *cb, const char *what, uint64_t sim,
                       uint32_t engine)
{
	if (sim != engine)
		mismatch(cb, what, (double)sim, (double)engine);
}

/* Averages: the engine may keep its sums in another unit or as doubles;
 * anything within a millisecond per contact agrees. */
static void same_avg(struct check_buf *cb, const char *what, double sim,
                     double engine)
{
	if (fabs(sim - engine) > 0.001 + 1e-9 * fabs(sim))
		mismatch(cb, what, sim, engine);
}

int sim_check_engine(const struct sim_result *r, char *buf, size_t sz)
{
	const struct sim_counts *w = &r->window;
	const struct acd_stats *e = &r->engine;
	struct check_buf cb = {.p = buf, .left = buf ? sz : 0};

	if (buf && sz)
		buf[0] = '\0';
	same_count(&cb, "offered", w->offered, e->offered);
	same_count(&cb, "answered", w->answered, e->answered);
	same_count(&cb, "answered in SL", w->answered_in_sl, e->answered_in_sl);
	same_count(&cb, "abandoned", w->abandoned, e->abandoned);
	same_count(&cb, "short abandoned", w->short_abandoned,
	           e->short_abandoned);
	same_count(&cb, "abandoned after SL", w->abandoned_after_sl,
	           e->abandoned_after_sl);
	same_count(&cb, "overflowed", w->overflowed, e->overflowed);
	same_count(&cb, "handled", w->handled, e->handled);
	if (w->answered)
		same_avg(&cb, "ASA s",
		         (double)w->wait_answered_ms / w->answered / 1000,
		         e->asa_s);
	if (w->handled)
		same_avg(&cb, "AHT s", (double)w->handle_ms / w->handled / 1000,
		         e->aht_s);
	if (r->window_staffed_ms) {
		double occ = (double)r->window_occupied_ms /
		             (double)r->window_staffed_ms;

		if (fabs(occ - e->occupancy) > 1e-9)
			mismatch(&cb, "occupancy", occ, e->occupancy);
	}
	return cb.n;
}
