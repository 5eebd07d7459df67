/**
 * @file report.c  The report of `hotline simulate`: figures per queue and
 * in total, averaged over the runs with 95% confidence intervals, as a
 * table or as JSON.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sim/sim_int.h"

/* Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom. */
static const double t975[30] = {
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
};

static double t_quantile(uint32_t df)
{
	if (df >= 1 && df <= 30)
		return t975[df - 1];
	/* beyond 30: within 0.002 of the exact value */
	return 1.960 + 2.4 / df;
}

int sim_report_add(struct sim_report *rp, size_t i, const struct sim_result *r)
{
	struct sim_agg *a = &rp->q[i];
	const struct sim_counts *k = &r->cohort;
	struct sim_metrics m;
	bool have[SIM_F_N];
	double v[SIM_F_N];
	char why[512];

	sim_metrics(r, &m);
	v[SIM_F_SL] = m.service_level;
	have[SIM_F_SL] = k->answered + k->abandoned_after_sl > 0;
	v[SIM_F_ASA] = m.asa_s;
	have[SIM_F_ASA] = k->answered > 0;
	v[SIM_F_ABAND] = m.abandon_rate;
	have[SIM_F_ABAND] = k->offered > k->short_abandoned;
	v[SIM_F_ABFRAC] = m.abandoned_fraction;
	have[SIM_F_ABFRAC] = k->answered + k->abandoned > 0;
	v[SIM_F_OCC] = m.occupancy;
	have[SIM_F_OCC] = r->staffed_ms > 0;
	v[SIM_F_AHT] = m.aht_s;
	have[SIM_F_AHT] = k->handled > 0;
	v[SIM_F_MAXWAIT] = m.max_wait_s;
	have[SIM_F_MAXWAIT] = k->answered > 0;
	v[SIM_F_EWT_MAE] = m.ewt_mae_s;
	v[SIM_F_EWT_BIAS] = m.ewt_bias_s;
	have[SIM_F_EWT_MAE] = have[SIM_F_EWT_BIAS] = r->ewt_n > 0;
	v[SIM_F_EWTQ_MAE] = m.ewt_queued_mae_s;
	v[SIM_F_EWTQ_BIAS] = m.ewt_queued_bias_s;
	have[SIM_F_EWTQ_MAE] = have[SIM_F_EWTQ_BIAS] = r->ewt_queued_n > 0;

	for (int f = 0; f < SIM_F_N; f++) {
		if (!have[f])
			continue;
		a->sum[f] += v[f];
		a->sum2[f] += v[f] * v[f];
		a->n[f]++;
	}

	if (!a->name) {
		/* the engine and its names go away with the run */
		a->name = strdup(r->name);
		if (!a->name)
			return ENOMEM;
		a->r = *r;
		a->r.name = a->name;
	} else {
		sim_counts_add(&a->r.cohort, &r->cohort);
		sim_counts_add(&a->r.window, &r->window);
		a->r.unresolved += r->unresolved;
		a->r.staffed_ms += r->staffed_ms;
		a->r.occupied_ms += r->occupied_ms;
		a->r.ewt_n += r->ewt_n;
		a->r.ewt_queued_n += r->ewt_queued_n;
		a->r.engine = r->engine;
	}

	if (sim_check_engine(r, why, sizeof(why))) {
		if (!a->mismatches)
			snprintf(a->why, sizeof(a->why), "%s", why);
		a->mismatches++;
		rp->mismatches++;
	}
	return 0;
}

void sim_report_free(struct sim_report *rp)
{
	for (size_t i = 0; rp->q && i <= rp->nq; i++)
		free(rp->q[i].name);
	free(rp->q);
	rp->q = NULL;
}

bool sim_report_fig(const struct sim_agg *a, enum sim_fig f, double *mean,
                    double *hw)
{
	uint32_t n = a->n[f];
	double var;

	*mean = n ? a->sum[f] / n : 0;
	*hw = NAN;
	if (!n)
		return false;
	if (n > 1) {
		var = (a->sum2[f] - n * *mean * *mean) / (n - 1);
		*hw = t_quantile(n - 1) * sqrt(var > 0 ? var : 0) / sqrt(n);
	}
	return true;
}

/* --- the table ------------------------------------------------------------ */

/* A figure, or "-" when no run measured it. */
static const char *fig(char *buf, size_t sz, const struct sim_agg *a,
                       enum sim_fig f, double scale, const char *fmt,
                       bool half_width)
{
	double mean, hw;

	if (!sim_report_fig(a, f, &mean, &hw))
		return "-";
	if (half_width) {
		if (isnan(hw))
			return "";
		snprintf(buf, sz, fmt, scale * hw);
	} else {
		snprintf(buf, sz, fmt, scale * mean);
	}
	return buf;
}

static void print_row(FILE *f, const struct sim_agg *a)
{
	const struct sim_counts *k = &a->r.cohort;
	char b[7][24];

	fprintf(f,
	        "%-12s %6u %8llu %8llu %7llu %7llu %6s %7s %6s %7s %7s %7s "
	        "%8s\n",
	        a->r.name, a->r.agents, (unsigned long long)k->offered,
	        (unsigned long long)k->answered,
	        (unsigned long long)k->abandoned,
	        (unsigned long long)k->overflowed,
	        fig(b[0], 24, a, SIM_F_SL, 100, "%.1f%%", false),
	        fig(b[1], 24, a, SIM_F_ASA, 1, "%.1fs", false),
	        fig(b[2], 24, a, SIM_F_ABAND, 100, "%.1f%%", false),
	        fig(b[3], 24, a, SIM_F_OCC, 100, "%.1f%%", false),
	        fig(b[4], 24, a, SIM_F_AHT, 1, "%.1fs", false),
	        fig(b[5], 24, a, SIM_F_EWTQ_MAE, 1, "%.1fs", false),
	        fig(b[6], 24, a, SIM_F_EWTQ_BIAS, 1, "%+.1fs", false));
}

/* The half-widths of the 95% intervals under the figures. */
static void print_ci_row(FILE *f, const struct sim_agg *a)
{
	char b[7][24];

	fprintf(f, "%-12s %6s %8s %8s %7s %7s %6s %7s %6s %7s %7s %7s %8s\n",
	        "  +-95%", "", "", "", "", "",
	        fig(b[0], 24, a, SIM_F_SL, 100, "%.1f%%", true),
	        fig(b[1], 24, a, SIM_F_ASA, 1, "%.1fs", true),
	        fig(b[2], 24, a, SIM_F_ABAND, 100, "%.1f%%", true),
	        fig(b[3], 24, a, SIM_F_OCC, 100, "%.1f%%", true),
	        fig(b[4], 24, a, SIM_F_AHT, 1, "%.1fs", true),
	        fig(b[5], 24, a, SIM_F_EWTQ_MAE, 1, "%.1fs", true),
	        fig(b[6], 24, a, SIM_F_EWTQ_BIAS, 1, "%.1fs", true));
}

static void print_erlang(const struct sim_report *rp, FILE *f)
{
	const struct wfm_erlang_in *in = &rp->ein;
	const struct wfm_erlang_out *e = &rp->eout;
	bool erlang_a = in->patience_s > 0;

	fprintf(f,
	        "Erlang %s for comparison (%u agents, %.1f erlangs, AHT "
	        "%.0f s",
	        erlang_a ? "A" : "C", rp->agents, e->traffic_erlangs,
	        in->aht_s);
	if (erlang_a)
		fprintf(f, ", patience %.0f s", in->patience_s);
	if (!erlang_a && (double)rp->agents <= e->traffic_erlangs) {
		fprintf(f, "): unstable, the queue grows without bound\n");
		return;
	}
	fprintf(f, "): SL %.1f%%, ASA %.1fs", 100 * e->service_level, e->asa_s);
	if (erlang_a)
		fprintf(f, ", abandoned %.1f%%", 100 * e->abandon_rate);
	fprintf(f, ", occupancy %.1f%%\n", 100 * e->occupancy);
	if (rp->dist != SIM_DIST_EXP || rp->wrapup_s || rp->ring_s > 0) {
		const char *why[3];
		int n = 0;

		if (rp->dist != SIM_DIST_EXP)
			why[n++] = "non-exponential handle times";
		if (rp->wrapup_s)
			why[n++] = "a fixed wrap-up";
		if (rp->ring_s > 0)
			why[n++] = "a ring delay (counted in the wait)";
		fprintf(f, "  (the formula assumes exponential handle times "
		           "and answer at the offer; this run has ");
		for (int i = 0; i < n; i++)
			fprintf(f, "%s%s",
			        i ? (i == n - 1 ? " and " : ", ") : "", why[i]);
		fprintf(f, ")\n");
	}
}

void sim_report_table(const struct sim_report *rp, FILE *f)
{
	const struct sim_agg *tot = &rp->q[rp->nq];
	bool multi = rp->runs > 1;

	fprintf(f, "simulated %.2f h after a %u s warm-up, ",
	        rp->measured_s / 3600.0, rp->warmup_s);
	if (multi)
		fprintf(f, "%u runs (seeds %llu..%llu), ", rp->runs,
		        (unsigned long long)rp->seed,
		        (unsigned long long)(rp->seed + rp->runs - 1));
	else
		fprintf(f, "seed %llu, ", (unsigned long long)rp->seed);
	fprintf(f, "drained %s%.0f s after the last arrival\n",
	        multi ? "up to " : "", (double)rp->drain_max_ms / 1000);
	fprintf(f, "%-12s %6s %8s %8s %7s %7s %6s %7s %6s %7s %7s %7s %8s\n",
	        "queue", "agents", "offered", "answered", "abandon", "overfl",
	        "SL", "ASA", "aband", "occup", "AHT", "EWT MAE", "EWT bias");
	for (size_t i = 0; i <= rp->nq; i++) {
		if (i == rp->nq && rp->nq == 1)
			break; /* the total of one queue is that queue */
		print_row(f, &rp->q[i]);
		if (multi)
			print_ci_row(f, &rp->q[i]);
	}
	fprintf(f,
	        "SL = answered within the queue's threshold / (answered + "
	        "abandoned after it); aband excludes abandons under %u s;\n"
	        "EWT = the engine's estimate at arrival minus the wait that "
	        "followed, over %llu answered callers who queued\n",
	        ACD_SHORT_ABANDON_MS / 1000,
	        (unsigned long long)tot->r.ewt_queued_n);
	if (multi)
		fprintf(f,
		        "counts are totals of the %u runs; figures are the "
		        "mean of the runs, +-95%% the half-width of its "
		        "confidence interval\n",
		        rp->runs);
	if (rp->info.requeues)
		fprintf(f,
		        "note: %llu offers were not answered in time "
		        "(--ring against the queue's offer timeout) and went "
		        "back to the queue\n",
		        (unsigned long long)rp->info.requeues);
	if (tot->r.unresolved)
		fprintf(f,
		        "warning: %llu callers still waiting when the "
		        "drain gave up after %.0f s (no agent for them, or "
		        "no offer answered in time)\n",
		        (unsigned long long)tot->r.unresolved,
		        (double)rp->drain_max_ms / 1000);
	if (!rp->mismatches)
		fprintf(f,
		        "engine cross-check: ok (the engine's statistics "
		        "equal the simulator's counts since the warm-up%s)\n",
		        multi ? ", in every run" : "");
	if (rp->have_erlang)
		print_erlang(rp, f);
}

/* --- JSON ----------------------------------------------------------------- */

static json_t *counts_json(const struct sim_counts *k)
{
	return json_pack(
	    "{sI sI sI sI sI sI sI sI}", "offered", (json_int_t)k->offered,
	    "answered", (json_int_t)k->answered, "answered_in_sl",
	    (json_int_t)k->answered_in_sl, "abandoned",
	    (json_int_t)k->abandoned, "short_abandoned",
	    (json_int_t)k->short_abandoned, "abandoned_after_sl",
	    (json_int_t)k->abandoned_after_sl, "overflowed",
	    (json_int_t)k->overflowed, "handled", (json_int_t)k->handled);
}

static const char *const fig_key[SIM_F_N] = {
    [SIM_F_SL] = "service_level",        [SIM_F_ASA] = "asa_s",
    [SIM_F_ABAND] = "abandon_rate",      [SIM_F_ABFRAC] = "abandoned_fraction",
    [SIM_F_OCC] = "occupancy",           [SIM_F_AHT] = "aht_s",
    [SIM_F_MAXWAIT] = "max_wait_s",      [SIM_F_EWT_MAE] = "mae_s",
    [SIM_F_EWT_BIAS] = "bias_s",         [SIM_F_EWTQ_MAE] = "queued_mae_s",
    [SIM_F_EWTQ_BIAS] = "queued_bias_s",
};

/* A figure's mean, or null when no run measured it. */
static json_t *fig_json(const struct sim_agg *a, enum sim_fig f, bool hw)
{
	double mean, half;

	if (!sim_report_fig(a, f, &mean, &half))
		return json_null();
	if (hw)
		return isnan(half) ? json_null() : json_real(half);
	return json_real(mean);
}

static json_t *engine_json(const struct sim_agg *a)
{
	const struct sim_result *r = &a->r;
	const struct acd_stats *e = &r->engine;
	const struct sim_counts *w = &r->window;
	json_t *win, *eng;

	win = counts_json(w);
	json_object_set_new(
	    win, "asa_s",
	    json_real(w->answered
	                  ? (double)w->wait_answered_ms / w->answered / 1000
	                  : 0));
	json_object_set_new(
	    win, "aht_s",
	    json_real(w->handled ? (double)w->handle_ms / w->handled / 1000
	                         : 0));
	json_object_set_new(win, "occupancy",
	                    json_real(r->window_staffed_ms
	                                  ? (double)r->window_occupied_ms /
	                                        (double)r->window_staffed_ms
	                                  : 0));
	eng = json_pack(
	    "{sI sI sI sI sI sI sI sI sf sf sf sf sf}", "offered",
	    (json_int_t)e->offered, "answered", (json_int_t)e->answered,
	    "answered_in_sl", (json_int_t)e->answered_in_sl, "abandoned",
	    (json_int_t)e->abandoned, "short_abandoned",
	    (json_int_t)e->short_abandoned, "abandoned_after_sl",
	    (json_int_t)e->abandoned_after_sl, "overflowed",
	    (json_int_t)e->overflowed, "handled", (json_int_t)e->handled,
	    "service_level", e->service_level, "asa_s", e->asa_s, "aht_s",
	    e->aht_s, "abandon_rate", e->abandon_rate, "occupancy",
	    e->occupancy);
	return json_pack("{sb ss so so}", "agrees", a->mismatches == 0,
	                 "mismatches", a->why, "simulator", win, "engine", eng);
}

static json_t *agg_json(const struct sim_report *rp, const struct sim_agg *a,
                        bool is_total)
{
	const struct sim_result *r = &a->r;
	json_t *o = json_object(), *ewt, *ci;

	json_object_set_new(o, "name", json_string(r->name));
	json_object_set_new(o, "agents", json_integer(r->agents));
	json_object_update_new(o, counts_json(&r->cohort));
	if (!is_total) {
		json_object_set_new(o, "calls_per_hour",
		                    json_real(r->load.calls_per_hour));
		json_object_set_new(o, "aht_talk_s", json_real(r->load.aht_s));
		json_object_set_new(o, "patience_s",
		                    r->load.patience_s > 0
		                        ? json_real(r->load.patience_s)
		                        : json_null());
		json_object_set_new(o, "sl_threshold_s",
		                    json_integer(r->sl_threshold_s));
		json_object_set_new(o, "sl_target", json_real(r->sl_target));
	}
	json_object_set_new(o, "unresolved",
	                    json_integer((json_int_t)r->unresolved));
	for (int f = SIM_F_SL; f <= SIM_F_MAXWAIT; f++)
		json_object_set_new(o, fig_key[f], fig_json(a, f, false));

	ewt = json_object();
	json_object_set_new(ewt, "answered",
	                    json_integer((json_int_t)r->ewt_n));
	json_object_set_new(ewt, "queued",
	                    json_integer((json_int_t)r->ewt_queued_n));
	for (int f = SIM_F_EWT_MAE; f < SIM_F_N; f++)
		json_object_set_new(ewt, fig_key[f], fig_json(a, f, false));
	json_object_set_new(o, "ewt", ewt);

	if (rp->runs > 1) {
		ci = json_object();
		for (int f = 0; f < SIM_F_N; f++) {
			char key[40];

			snprintf(key, sizeof(key), "%s%s",
			         f >= SIM_F_EWT_MAE ? "ewt_" : "", fig_key[f]);
			json_object_set_new(ci, key, fig_json(a, f, true));
		}
		json_object_set_new(o, "ci95", ci);
	}
	json_object_set_new(o, "engine_check", engine_json(a));
	return o;
}

void sim_report_json(const struct sim_report *rp, FILE *f)
{
	const struct sim_run_info *info = &rp->info;
	json_t *root = json_object(), *qs = json_array();

	json_object_set_new(root, "seed", json_integer((json_int_t)rp->seed));
	json_object_set_new(root, "runs", json_integer(rp->runs));
	json_object_set_new(root, "warmup_s", json_integer(rp->warmup_s));
	json_object_set_new(root, "measured_s", json_integer(rp->measured_s));
	json_object_set_new(root, "drain_s",
	                    json_real((double)rp->drain_max_ms / 1000));
	json_object_set_new(root, "handle_dist",
	                    json_string(rp->dist == SIM_DIST_LOGNORMAL
	                                    ? "lognormal"
	                                : rp->dist == SIM_DIST_FIXED ? "fixed"
	                                                             : "exp"));
	if (rp->dist == SIM_DIST_LOGNORMAL)
		json_object_set_new(root, "cv", json_real(rp->cv));
	json_object_set_new(root, "ring_s", json_real(rp->ring_s));
	for (size_t i = 0; i < rp->nq; i++)
		json_array_append_new(qs, agg_json(rp, &rp->q[i], false));
	json_object_set_new(root, "queues", qs);
	json_object_set_new(root, "total", agg_json(rp, &rp->q[rp->nq], true));
	json_object_set_new(root, "engine_agrees",
	                    json_boolean(rp->mismatches == 0));
	if (rp->have_erlang) {
		const struct wfm_erlang_out *e = &rp->eout;

		json_object_set_new(
		    root, "erlang",
		    json_pack(
		        "{ss sf sf sf so sf sf}", "model",
		        rp->ein.patience_s > 0 ? "A" : "C", "traffic_erlangs",
		        e->traffic_erlangs, "p_wait", e->p_wait,
		        "service_level", e->service_level, "asa_s",
		        isfinite(e->asa_s) ? json_real(e->asa_s) : json_null(),
		        "occupancy", e->occupancy, "abandon_rate",
		        e->abandon_rate));
	}
	json_object_set_new(root, "events",
	                    json_pack("{sI sI sI sI sI}", "calendar",
	                              (json_int_t)info->calendar_events,
	                              "engine", (json_int_t)info->engine_events,
	                              "timer_runs",
	                              (json_int_t)info->timer_runs, "contacts",
	                              (json_int_t)info->contacts, "requeues",
	                              (json_int_t)info->requeues));
	if (rp->timing) {
		double wall = (double)rp->wall_ns / 1e9;
		double ev =
		    (double)(info->calendar_events + info->engine_events);

		json_object_set_new(
		    root, "timing",
		    json_pack(
		        "{sf sf sf}", "wall_s", wall, "events_per_s",
		        wall > 0 ? ev / wall : 0, "simulated_s_per_wall_s",
		        wall > 0 ? (double)info->end_ms / 1000 / wall : 0));
	}
	json_dumpf(root, f, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
	fputc('\n', f);
	json_decref(root);
}
