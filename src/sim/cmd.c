/**
 * @file cmd.c  `hotline simulate`: options, the run, the report (a table
 * or JSON).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <re_types.h>
#include <re_mem.h>

#include "center/center.h"
#include "cli.h"
#include "core/core.h"
#include "sim/sim.h"
#include "wfm/wfm.h"

#define MAX_AGENTS 100000
#define MAX_QVALS 64

static const char usage_text[] =
	"usage: hotline simulate [OPTIONS]\n"
	"\n"
	"Simulate a center with the real routing engine in virtual time and\n"
	"report service level, ASA, abandons, occupancy, AHT and the accuracy\n"
	"of the engine's estimated wait, per queue and in total.\n"
	"\n"
	"One queue from the command line:\n"
	"  --agents N            agents logged in (any agent serves the queue)\n"
	"  --calls N             calls per --interval (Poisson arrivals)\n"
	"  --interval S          length of the interval --calls counts,\n"
	"                        seconds (default 3600)\n"
	"  --calls-per-hour N    instead of --calls\n"
	"  --aht S               mean talk time, seconds\n"
	"  --answer S            service-level threshold, seconds (default 20)\n"
	"  --wrapup S            after-call work, seconds (default 0)\n"
	"  --strategy NAME       agent selection (default longest-idle)\n"
	"\n"
	"A center definition (agents, skills, queues from the file):\n"
	"  --center FILE         e.g. etc/demo.yaml\n"
	"  --tenant NAME         which tenant (needed if the file has several)\n"
	"  --calls-per-hour L    L = NUMBER for every queue, or\n"
	"                        QUEUE=NUMBER,QUEUE=NUMBER,... (others get none)\n"
	"  --calls L             the same per --interval\n"
	"  --aht L               mean talk time (default: the queue's aht hint)\n"
	"  --patience L          mean patience (default: infinite)\n"
	"\n"
	"Either way:\n"
	"  --patience S          mean caller patience, exponential, seconds;\n"
	"                        0 or 'inf' = callers never hang up (default)\n"
	"  --handle-dist D       exp (default), lognormal or fixed\n"
	"  --cv X                coefficient of variation for lognormal\n"
	"                        (default 1.0)\n"
	"  --ring S              seconds from offer to answer (default 0)\n"
	"  --hours H             measured period, hours (default 8)\n"
	"  --warmup S            simulated before measuring, seconds\n"
	"                        (default 1800)\n"
	"  --seed N              random seed (default 1); same seed, same result\n"
	"  --json                JSON instead of a table\n"
	"  --no-timing           leave the speed report out (JSON \"timing\",\n"
	"                        the line on stderr): output is then a function\n"
	"                        of the inputs alone\n"
	"  --check               the engine checks its invariants after every\n"
	"                        operation (slow)\n"
	"\n"
	"Exit status: 0 ok, 1 the simulation failed or the engine's own\n"
	"statistics disagree with the simulator's counts, 2 bad options.\n";

/* A per-queue value: name NULL means every queue. */
struct qval {
	const char *name;
	double v;
};

struct qlist {
	struct qval v[MAX_QVALS];
	size_t n;
	bool set;
};

struct cli {
	const char *center, *tenant;
	uint32_t agents;
	bool agents_set;
	struct qlist calls, cph, aht, patience;
	double interval_s;
	bool interval_set;
	uint32_t answer_s, wrapup_s;
	bool answer_set, wrapup_set, strategy_set;
	enum acd_strategy strategy;
	enum sim_dist dist;
	double cv;
	bool cv_set;
	double ring_s, hours;
	uint32_t warmup_s;
	uint64_t seed;
	bool json, timing, check;
	char *lists; /* copies the qlist names point into, owned */
};

static int bad(const char *opt, const char *what, const char *got)
{
	fprintf(stderr, "simulate: %s: %s, got '%s'\n", opt, what, got);
	return 2;
}

static int parse_double(const char *opt, const char *s, double min,
			double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(v) || v < min || v > max) {
		char what[96];

		snprintf(what, sizeof(what), "expected a number from %g to %g",
			 min, max);
		return bad(opt, what, s);
	}
	*out = v;
	return 0;
}

static int parse_u32(const char *opt, const char *s, uint32_t min,
		     uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (!*s || *s == '-' || *end || errno || v < min || v > max) {
		char what[96];

		snprintf(what, sizeof(what),
			 "expected a whole number from %u to %u", min, max);
		return bad(opt, what, s);
	}
	*out = (uint32_t)v;
	return 0;
}

/* "300" or "general=300,enquiry=120".  s is modified (names point in). */
static int parse_qlist(const char *opt, char *s, double min, double max,
		       bool allow_inf, struct qlist *l)
{
	char *save = NULL, *tok;
	const char *orig = s;

	l->n = 0;
	l->set = true;
	for (tok = strtok_r(s, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		const char *val = tok;
		struct qval *qv;
		int err;

		if (l->n == MAX_QVALS)
			return bad(opt, "too many queues", orig);
		qv = &l->v[l->n];
		qv->name = NULL;
		if (eq) {
			*eq = '\0';
			if (!*tok)
				return bad(opt, "a queue name before '='",
					   "");
			qv->name = tok;
			val = eq + 1;
		}
		if (allow_inf && (!strcmp(val, "inf") ||
				  !strcmp(val, "infinite"))) {
			qv->v = 0;
		} else {
			err = parse_double(opt, val, min, max, &qv->v);
			if (err)
				return err;
		}
		l->n++;
	}
	if (!l->n)
		return bad(opt, "expected NUMBER or QUEUE=NUMBER,...", "");
	return 0;
}

/* The value of list l for queue name, or def. */
static double qlist_get(const struct qlist *l, const char *name, double def)
{
	double v = def;

	for (size_t i = 0; i < l->n; i++) {
		if (!l->v[i].name)
			v = l->v[i].v;
	}
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].name && !strcmp(l->v[i].name, name))
			v = l->v[i].v;
	}
	return v;
}

static bool qlist_named(const struct qlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].name)
			return true;
	}
	return false;
}

enum opt_id {
	O_AGENTS, O_CALLS, O_INTERVAL, O_CPH, O_AHT, O_ANSWER, O_WRAPUP,
	O_STRATEGY, O_CENTER, O_TENANT, O_PATIENCE, O_DIST, O_CV, O_RING,
	O_HOURS, O_WARMUP, O_SEED, O_JSON, O_NO_TIMING, O_CHECK, O_HELP,
};

static const struct {
	const char *name;
	enum opt_id id;
	bool arg;
} opts[] = {
	{"--agents", O_AGENTS, true},
	{"--calls", O_CALLS, true},
	{"--interval", O_INTERVAL, true},
	{"--calls-per-hour", O_CPH, true},
	{"--aht", O_AHT, true},
	{"--answer", O_ANSWER, true},
	{"--wrapup", O_WRAPUP, true},
	{"--strategy", O_STRATEGY, true},
	{"--center", O_CENTER, true},
	{"--tenant", O_TENANT, true},
	{"--patience", O_PATIENCE, true},
	{"--handle-dist", O_DIST, true},
	{"--cv", O_CV, true},
	{"--ring", O_RING, true},
	{"--hours", O_HOURS, true},
	{"--warmup", O_WARMUP, true},
	{"--seed", O_SEED, true},
	{"--json", O_JSON, false},
	{"--no-timing", O_NO_TIMING, false},
	{"--check", O_CHECK, false},
	{"--help", O_HELP, false},
	{"-h", O_HELP, false},
};

/* Returns 0, 2 (usage error, message printed) or -1 (--help printed). */
static int parse_args(int argc, char **argv, struct cli *c)
{
	size_t lists_len = 0, lists_used = 0;

	c->interval_s = 3600;
	c->answer_s = 20;
	c->cv = 1.0;
	c->hours = 8;
	c->warmup_s = 1800;
	c->seed = 1;
	c->timing = true;

	for (int i = 1; i < argc; i++)
		lists_len += strlen(argv[i]) + 1;
	c->lists = malloc(lists_len + 1);
	if (!c->lists) {
		fprintf(stderr, "simulate: out of memory\n");
		return 1;
	}

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const char *eq = strchr(a, '=');
		size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
		char name[64];
		size_t k;
		int err = 0;

		if (a[0] != '-') {
			fprintf(stderr, "simulate: unexpected argument '%s' "
				"(see --help)\n", a);
			return 2;
		}
		for (k = 0; k < ARRAY_LEN(opts); k++) {
			if (strlen(opts[k].name) == nlen &&
			    !strncmp(opts[k].name, a, nlen))
				break;
		}
		snprintf(name, sizeof(name), "%.*s", (int)nlen, a);
		if (k == ARRAY_LEN(opts)) {
			fprintf(stderr, "simulate: unknown option '%s' "
				"(see --help)\n", name);
			return 2;
		}
		if (opts[k].arg) {
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				fprintf(stderr, "simulate: %s needs a value\n",
					name);
				return 2;
			}
		} else if (eq) {
			fprintf(stderr, "simulate: %s takes no value\n", name);
			return 2;
		}

		switch (opts[k].id) {
		case O_AGENTS:
			err = parse_u32(name, val, 1, MAX_AGENTS, &c->agents);
			c->agents_set = true;
			break;
		case O_CALLS:
		case O_CPH:
		case O_AHT:
		case O_PATIENCE: {
			char *copy = c->lists + lists_used;
			struct qlist *l = opts[k].id == O_CALLS ? &c->calls
					  : opts[k].id == O_CPH ? &c->cph
					  : opts[k].id == O_AHT ? &c->aht
								: &c->patience;

			strcpy(copy, val);
			lists_used += strlen(val) + 1;
			if (opts[k].id == O_AHT)
				err = parse_qlist(name, copy, 0.001, 1e6, false,
						  l);
			else if (opts[k].id == O_PATIENCE)
				err = parse_qlist(name, copy, 0, 1e7, true, l);
			else
				err = parse_qlist(name, copy, 0, 1e8, false, l);
			break;
		}
		case O_INTERVAL:
			err = parse_double(name, val, 1, 86400 * 7,
					   &c->interval_s);
			c->interval_set = true;
			break;
		case O_ANSWER:
			err = parse_u32(name, val, 1, 86400, &c->answer_s);
			c->answer_set = true;
			break;
		case O_WRAPUP:
			err = parse_u32(name, val, 0, 86400, &c->wrapup_s);
			c->wrapup_set = true;
			break;
		case O_STRATEGY:
			if (acd_strategy_parse(val, &c->strategy))
				err = bad(name, "unknown strategy", val);
			c->strategy_set = true;
			break;
		case O_CENTER:
			c->center = val;
			break;
		case O_TENANT:
			c->tenant = val;
			break;
		case O_DIST:
			if (!strcmp(val, "exp") || !strcmp(val, "exponential"))
				c->dist = SIM_DIST_EXP;
			else if (!strcmp(val, "lognormal"))
				c->dist = SIM_DIST_LOGNORMAL;
			else if (!strcmp(val, "fixed"))
				c->dist = SIM_DIST_FIXED;
			else
				err = bad(name,
					  "expected exp, lognormal or fixed",
					  val);
			break;
		case O_CV:
			err = parse_double(name, val, 0.01, 10, &c->cv);
			c->cv_set = true;
			break;
		case O_RING:
			err = parse_double(name, val, 0, 3600, &c->ring_s);
			break;
		case O_HOURS:
			err = parse_double(name, val, 0.01, 24 * 366,
					   &c->hours);
			break;
		case O_WARMUP:
			err = parse_u32(name, val, 0, 86400 * 7, &c->warmup_s);
			break;
		case O_SEED: {
			char *end;

			errno = 0;
			c->seed = strtoull(val, &end, 10);
			if (!*val || *val == '-' || *end || errno)
				err = bad(name, "expected a whole number", val);
			break;
		}
		case O_JSON:
			c->json = true;
			break;
		case O_NO_TIMING:
			c->timing = false;
			break;
		case O_CHECK:
			c->check = true;
			break;
		case O_HELP:
			fputs(usage_text, stdout);
			return -1;
		}
		if (err)
			return err;
	}

	if (c->calls.set && c->cph.set) {
		fprintf(stderr, "simulate: --calls and --calls-per-hour both "
			"given; use one\n");
		return 2;
	}
	if (c->cv_set && c->dist != SIM_DIST_LOGNORMAL) {
		fprintf(stderr, "simulate: --cv applies to --handle-dist "
			"lognormal only\n");
		return 2;
	}
	if (c->interval_set && !c->calls.set) {
		fprintf(stderr, "simulate: --interval is the period of --calls, "
			"which is missing\n");
		return 2;
	}

	if (c->center) {
		const char *single = c->agents_set ? "--agents"
				     : c->answer_set ? "--answer"
				     : c->wrapup_set ? "--wrapup"
				     : c->strategy_set ? "--strategy" : NULL;

		if (single) {
			fprintf(stderr, "simulate: %s is for the one-queue "
				"mode; with --center the file defines it\n",
				single);
			return 2;
		}
		if (!c->calls.set && !c->cph.set) {
			fprintf(stderr, "simulate: --calls-per-hour (or "
				"--calls) is required: the load per queue\n");
			return 2;
		}
		return 0;
	}

	if (c->tenant) {
		fprintf(stderr, "simulate: --tenant needs --center\n");
		return 2;
	}
	if (!c->agents_set) {
		fprintf(stderr, "simulate: --agents is required "
			"(or --center FILE)\n");
		return 2;
	}
	if (!c->calls.set && !c->cph.set) {
		fprintf(stderr, "simulate: --calls (or --calls-per-hour) is "
			"required\n");
		return 2;
	}
	if (!c->aht.set) {
		fprintf(stderr, "simulate: --aht is required\n");
		return 2;
	}
	const struct {
		const struct qlist *l;
		const char *name;
	} lists[] = {{&c->calls, "--calls"},
		     {&c->cph, "--calls-per-hour"},
		     {&c->aht, "--aht"},
		     {&c->patience, "--patience"}};
	for (size_t i = 0; i < ARRAY_LEN(lists); i++) {
		if (qlist_named(lists[i].l) || lists[i].l->n > 1) {
			fprintf(stderr, "simulate: %s: per-queue values need "
				"--center; give one number\n", lists[i].name);
			return 2;
		}
	}
	return 0;
}

/* --- loads ---------------------------------------------------------------- */

/* Every queue named in a per-queue list must exist. */
static int check_names(const struct qlist *l, const char *opt,
		       const struct acd_tenant *t)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].name && !acd_queue_find(t, l->v[i].name)) {
			fprintf(stderr, "simulate: %s: no queue '%s' in tenant "
				"'%s'\n", opt, l->v[i].name,
				acd_tenant_name(t));
			return 2;
		}
	}
	return 0;
}

struct load_ctx {
	const struct cli *c;
	struct sim *sim;
	int err;
	size_t loaded;
};

static bool set_queue_load(struct acd_queue *q, void *arg)
{
	struct load_ctx *lc = arg;
	const struct cli *c = lc->c;
	const char *name = acd_queue_name(q);
	const struct acd_queue_cfg *cfg = acd_queue_config(q);
	struct sim_load l = {0};

	if (c->calls.set)
		l.calls_per_hour = qlist_get(&c->calls, name, 0) * 3600 /
				   c->interval_s;
	else
		l.calls_per_hour = qlist_get(&c->cph, name, 0);
	l.aht_s = qlist_get(&c->aht, name,
			    cfg->aht_hint_s ? cfg->aht_hint_s : 180);
	l.dist = c->dist;
	l.cv = c->dist == SIM_DIST_LOGNORMAL ? c->cv : 1.0;
	l.patience_s = qlist_get(&c->patience, name, 0);
	if (l.calls_per_hour > 0)
		lc->loaded++;
	lc->err = sim_set_load(lc->sim, name, &l);
	return lc->err != 0;
}

/* --- the report ------------------------------------------------------------ */

struct report {
	struct sim *sim;
	const struct cli *c;
	bool have_erlang;         /* one-queue mode: the formula's figures */
	struct wfm_erlang_in ein;
	struct wfm_erlang_out eout;
	size_t n;                 /* queues */
	struct sim_result *r;     /* n + 1: the last is the total */
	struct sim_metrics *m;
	int mismatches;
};

static json_t *counts_json(const struct sim_counts *k)
{
	return json_pack("{sI sI sI sI sI sI sI sI}",
			 "offered", (json_int_t)k->offered,
			 "answered", (json_int_t)k->answered,
			 "answered_in_sl", (json_int_t)k->answered_in_sl,
			 "abandoned", (json_int_t)k->abandoned,
			 "short_abandoned", (json_int_t)k->short_abandoned,
			 "abandoned_after_sl",
			 (json_int_t)k->abandoned_after_sl,
			 "overflowed", (json_int_t)k->overflowed,
			 "handled", (json_int_t)k->handled);
}

static json_t *result_json(const struct sim_result *r,
			   const struct sim_metrics *m, bool is_total)
{
	const struct sim_counts *k = &r->cohort;
	const struct acd_stats *e = &r->engine;
	char why[512];
	json_t *o = json_object();
	json_t *eng, *win;
	int n;

	json_object_set_new(o, "name", json_string(r->name));
	json_object_set_new(o, "agents", json_integer(r->agents));
	json_object_update_new(o, counts_json(k));
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
	json_object_set_new(o, "unresolved", json_integer((json_int_t)
							  r->unresolved));
	json_object_set_new(o, "service_level", json_real(m->service_level));
	json_object_set_new(o, "asa_s", json_real(m->asa_s));
	json_object_set_new(o, "max_wait_s", json_real(m->max_wait_s));
	json_object_set_new(o, "abandon_rate", json_real(m->abandon_rate));
	json_object_set_new(o, "abandoned_fraction",
			    json_real(m->abandoned_fraction));
	json_object_set_new(o, "occupancy", json_real(m->occupancy));
	json_object_set_new(o, "aht_s", json_real(m->aht_s));
	json_object_set_new(o, "ewt", json_pack(
		"{sI sf sf sI sf sf}",
		"answered", (json_int_t)r->ewt_n,
		"mae_s", m->ewt_mae_s, "bias_s", m->ewt_bias_s,
		"queued", (json_int_t)r->ewt_queued_n,
		"queued_mae_s", m->ewt_queued_mae_s,
		"queued_bias_s", m->ewt_queued_bias_s));

	/* the cross-check: what the simulator counted since the warm-up by
	 * event time, and the engine's own statistics */
	win = counts_json(&r->window);
	json_object_set_new(win, "asa_s", json_real(
		r->window.answered ? (double)r->window.wait_answered_ms /
					     r->window.answered / 1000 : 0));
	json_object_set_new(win, "aht_s", json_real(
		r->window.handled ? (double)r->window.handle_ms /
					    r->window.handled / 1000 : 0));
	eng = json_pack("{si si si si si si si si sf sf sf sf}",
			"offered", (int)e->offered,
			"answered", (int)e->answered,
			"answered_in_sl", (int)e->answered_in_sl,
			"abandoned", (int)e->abandoned,
			"short_abandoned", (int)e->short_abandoned,
			"abandoned_after_sl", (int)e->abandoned_after_sl,
			"overflowed", (int)e->overflowed,
			"handled", (int)e->handled,
			"service_level", e->service_level,
			"asa_s", e->asa_s, "aht_s", e->aht_s,
			"abandon_rate", e->abandon_rate);
	n = sim_check_engine(r, why, sizeof(why));
	json_object_set_new(o, "engine_check", json_pack(
		"{sb ss so so}", "agrees", n == 0, "mismatches", why,
		"simulator", win, "engine", eng));
	return o;
}

static void print_json(const struct report *rp)
{
	const struct cli *c = rp->c;
	struct sim_run_info info;
	json_t *root, *qs;

	sim_run_info(rp->sim, &info);
	root = json_object();
	json_object_set_new(root, "seed", json_integer((json_int_t)c->seed));
	json_object_set_new(root, "warmup_s", json_integer(c->warmup_s));
	json_object_set_new(root, "measured_s",
			    json_integer((json_int_t)llround(c->hours * 3600)));
	json_object_set_new(root, "drain_s",
			    json_real((double)info.drain_ms / 1000));
	json_object_set_new(root, "handle_dist",
			    json_string(c->dist == SIM_DIST_LOGNORMAL ? "lognormal"
					: c->dist == SIM_DIST_FIXED ? "fixed"
								    : "exp"));
	if (c->dist == SIM_DIST_LOGNORMAL)
		json_object_set_new(root, "cv", json_real(c->cv));
	json_object_set_new(root, "ring_s", json_real(c->ring_s));
	qs = json_array();
	for (size_t i = 0; i < rp->n; i++)
		json_array_append_new(qs, result_json(&rp->r[i], &rp->m[i],
						      false));
	json_object_set_new(root, "queues", qs);
	json_object_set_new(root, "total",
			    result_json(&rp->r[rp->n], &rp->m[rp->n], true));
	json_object_set_new(root, "engine_agrees",
			    json_boolean(rp->mismatches == 0));
	json_object_set_new(root, "events", json_pack(
		"{sI sI sI sI sI}",
		"calendar", (json_int_t)info.calendar_events,
		"engine", (json_int_t)info.engine_events,
		"timer_runs", (json_int_t)info.timer_runs,
		"contacts", (json_int_t)info.contacts,
		"requeues", (json_int_t)info.requeues));
	if (rp->have_erlang) {
		const struct wfm_erlang_out *e = &rp->eout;

		json_object_set_new(root, "erlang", json_pack(
			"{ss sf sf sf so sf sf}",
			"model", rp->ein.patience_s > 0 ? "A" : "C",
			"traffic_erlangs", e->traffic_erlangs,
			"p_wait", e->p_wait,
			"service_level", e->service_level,
			"asa_s", isfinite(e->asa_s) ? json_real(e->asa_s)
						    : json_null(),
			"occupancy", e->occupancy,
			"abandon_rate", e->abandon_rate));
	}
	if (c->timing) {
		double wall = (double)sim_wall_ns(rp->sim) / 1e9;
		double ev = (double)(info.calendar_events + info.engine_events);

		json_object_set_new(root, "timing", json_pack(
			"{sf sf sf}", "wall_s", wall,
			"events_per_s", wall > 0 ? ev / wall : 0,
			"simulated_s_per_wall_s",
			wall > 0 ? (double)info.end_ms / 1000 / wall : 0));
	}
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
	fputc('\n', stdout);
	json_decref(root);
}

/* A figure, or "-" when there is nothing to measure it on. */
static const char *fig(char *buf, size_t sz, bool have, const char *fmt,
		       double v)
{
	if (!have)
		return "-";
	snprintf(buf, sz, fmt, v);
	return buf;
}

static void print_row(const struct sim_result *r, const struct sim_metrics *m)
{
	const struct sim_counts *k = &r->cohort;
	char b[6][24];

	printf("%-12s %6u %8llu %8llu %7llu %7llu %6s %7s %6s %6.1f%% %7s "
	       "%7s %8s\n",
	       r->name, r->agents, (unsigned long long)k->offered,
	       (unsigned long long)k->answered,
	       (unsigned long long)k->abandoned,
	       (unsigned long long)k->overflowed,
	       fig(b[0], 24, k->answered + k->abandoned_after_sl, "%.1f%%",
		   100 * m->service_level),
	       fig(b[1], 24, k->answered, "%.1fs", m->asa_s),
	       fig(b[2], 24, k->offered > k->short_abandoned, "%.1f%%",
		   100 * m->abandon_rate),
	       100 * m->occupancy,
	       fig(b[3], 24, k->handled, "%.1fs", m->aht_s),
	       fig(b[4], 24, r->ewt_queued_n, "%.1fs", m->ewt_queued_mae_s),
	       fig(b[5], 24, r->ewt_queued_n, "%+.1fs",
		   m->ewt_queued_bias_s));
}

static void print_erlang(const struct report *rp)
{
	const struct wfm_erlang_in *in = &rp->ein;
	const struct wfm_erlang_out *e = &rp->eout;
	const struct cli *c = rp->c;
	bool erlang_a = in->patience_s > 0;

	printf("Erlang %s for comparison (%u agents, %.1f erlangs, AHT %.0f s",
	       erlang_a ? "A" : "C", c->agents, e->traffic_erlangs, in->aht_s);
	if (erlang_a)
		printf(", patience %.0f s", in->patience_s);
	if (!erlang_a && (double)c->agents <= e->traffic_erlangs) {
		printf("): unstable, the queue grows without bound\n");
		return;
	}
	printf("): SL %.1f%%, ASA %.1fs", 100 * e->service_level, e->asa_s);
	if (erlang_a)
		printf(", abandoned %.1f%%", 100 * e->abandon_rate);
	printf(", occupancy %.1f%%\n", 100 * e->occupancy);
	if (c->dist != SIM_DIST_EXP || c->wrapup_s || c->ring_s > 0)
		printf("  (the formula assumes exponential handle times and "
		       "answer at the offer; this run has %s)\n",
		       c->dist != SIM_DIST_EXP ? "other handle times"
		       : c->wrapup_s ? "a fixed wrap-up" : "a ring delay");
}

static void print_table(const struct report *rp)
{
	const struct cli *c = rp->c;
	struct sim_run_info info;
	uint64_t unresolved = rp->r[rp->n].unresolved;

	sim_run_info(rp->sim, &info);
	printf("simulated %.2f h after a %u s warm-up, seed %llu, "
	       "drained %.0f s after the last arrival\n",
	       c->hours, c->warmup_s, (unsigned long long)c->seed,
	       (double)info.drain_ms / 1000);
	printf("%-12s %6s %8s %8s %7s %7s %6s %7s %6s %7s %7s %7s %8s\n",
	       "queue", "agents", "offered", "answered", "abandon", "overfl",
	       "SL", "ASA", "aband", "occup", "AHT", "EWT MAE", "EWT bias");
	for (size_t i = 0; i < rp->n; i++)
		print_row(&rp->r[i], &rp->m[i]);
	if (rp->n > 1)
		print_row(&rp->r[rp->n], &rp->m[rp->n]);
	printf("SL = answered within the queue's threshold / (answered + "
	       "abandoned after it); aband excludes abandons under %u s;\n"
	       "EWT = the engine's estimate at arrival minus the wait that "
	       "followed, over %llu answered callers who queued\n",
	       ACD_SHORT_ABANDON_MS / 1000,
	       (unsigned long long)rp->r[rp->n].ewt_queued_n);
	if (unresolved)
		printf("warning: %llu callers still waiting when the drain "
		       "gave up (no agent for them?)\n",
		       (unsigned long long)unresolved);
	if (!rp->mismatches)
		printf("engine cross-check: ok (the engine's statistics "
		       "equal the simulator's counts since the warm-up)\n");
	if (rp->have_erlang)
		print_erlang(rp);
}

/* --- the command ---------------------------------------------------------- */

static int pick_tenant(const struct cli *c, const struct center *ctr,
		       struct acd *acd, struct acd_tenant **tp)
{
	const char *name = c->tenant;

	if (!name) {
		if (ctr->ntenants != 1) {
			fprintf(stderr, "simulate: %s has %zu tenants; "
				"choose one with --tenant\n", ctr->path,
				ctr->ntenants);
			return 2;
		}
		name = ctr->tenants[0].name;
	}
	*tp = acd_tenant_find(acd, name);
	if (!*tp) {
		fprintf(stderr, "simulate: --tenant: no tenant '%s' in %s\n",
			name, ctr->path);
		return 2;
	}
	return 0;
}

int cmd_simulate(int argc, char **argv)
{
	struct cli c = {0};
	struct sim_opts so = {0};
	struct sim *sim = NULL;
	struct center *ctr = NULL;
	struct report rp = {0};
	char err_text[512];
	int rc, err;

	rc = parse_args(argc, argv, &c);
	if (rc) {
		rc = rc < 0 ? 0 : rc;
		goto out;
	}

	so.seed = c.seed;
	so.warmup_s = c.warmup_s;
	so.duration_s = (uint32_t)llround(c.hours * 3600);
	so.ring_ms = (uint32_t)llround(c.ring_s * 1000);
	so.check = c.check;
	err = sim_alloc(&sim, &so);
	if (err) {
		fprintf(stderr, "simulate: cannot create the simulation: %s\n",
			strerror(err));
		rc = 1;
		goto out;
	}

	if (c.center) {
		struct acd_tenant *t;
		struct load_ctx lc = {.c = &c, .sim = sim};

		err = center_load(&ctr, c.center, err_text, sizeof(err_text));
		if (err) {
			fprintf(stderr, "simulate: %s\n", err_text);
			rc = 1;
			goto out;
		}
		err = center_apply(ctr, sim_acd(sim), err_text,
				   sizeof(err_text));
		if (err) {
			fprintf(stderr, "simulate: %s\n", err_text);
			rc = 1;
			goto out;
		}
		rc = pick_tenant(&c, ctr, sim_acd(sim), &t);
		if (!rc)
			rc = check_names(&c.calls, "--calls", t);
		if (!rc)
			rc = check_names(&c.cph, "--calls-per-hour", t);
		if (!rc)
			rc = check_names(&c.aht, "--aht", t);
		if (!rc)
			rc = check_names(&c.patience, "--patience", t);
		if (rc)
			goto out;
		err = sim_set_tenant(sim, t);
		if (!err) {
			acd_queue_foreach(t, set_queue_load, &lc);
			err = lc.err;
		}
		if (err) {
			fprintf(stderr, "simulate: %s\n", strerror(err));
			rc = 1;
			goto out;
		}
		if (!lc.loaded) {
			fprintf(stderr, "simulate: no queue of tenant '%s' gets "
				"any calls\n", acd_tenant_name(t));
			rc = 2;
			goto out;
		}
	}
	else {
		struct sim_single s = {
			.agents = c.agents, .answer_s = c.answer_s,
			.wrapup_s = c.wrapup_s, .strategy = c.strategy,
		};
		struct sim_load l = {0};

		err = sim_build_single(sim, &s);
		if (err) {
			fprintf(stderr, "simulate: cannot build the queue: %s "
				"(%s)\n", strerror(err),
				acd_last_error(sim_acd(sim)));
			rc = 1;
			goto out;
		}
		l.calls_per_hour = c.calls.set ? c.calls.v[0].v * 3600 /
							 c.interval_s
					       : c.cph.v[0].v;
		l.aht_s = c.aht.v[0].v;
		l.dist = c.dist;
		l.cv = c.cv;
		l.patience_s = c.patience.set ? c.patience.v[0].v : 0;
		err = sim_set_load(sim, "queue", &l);
		if (err) {
			fprintf(stderr, "simulate: bad load: %s\n",
				strerror(err));
			rc = 2;
			goto out;
		}
	}

	err = sim_run(sim);
	if (err) {
		fprintf(stderr, "simulate: the simulation failed: %s\n",
			sim_last_error(sim));
		rc = 1;
		goto out;
	}

	rp.sim = sim;
	rp.c = &c;
	if (!c.center) {
		/* what queueing theory says about the same queue; the handle
		 * time the formula needs is talk plus wrap-up */
		rp.ein.calls = c.calls.set ? c.calls.v[0].v : c.cph.v[0].v;
		rp.ein.interval_s = c.calls.set ? c.interval_s : 3600;
		rp.ein.aht_s = c.aht.v[0].v + c.wrapup_s;
		rp.ein.answer_s = c.answer_s;
		rp.ein.patience_s = c.patience.set ? c.patience.v[0].v : 0;
		rp.have_erlang = !wfm_erlang_eval(&rp.ein, (int)c.agents,
						  &rp.eout);
	}
	rp.n = sim_queue_count(sim);
	rp.r = calloc(rp.n + 1, sizeof(*rp.r));
	rp.m = calloc(rp.n + 1, sizeof(*rp.m));
	if (!rp.r || !rp.m) {
		fprintf(stderr, "simulate: out of memory\n");
		rc = 1;
		goto out;
	}
	for (size_t i = 0; i <= rp.n; i++) {
		if (i < rp.n)
			sim_queue_result(sim, i, &rp.r[i]);
		else
			sim_total_result(sim, &rp.r[i]);
		sim_metrics(&rp.r[i], &rp.m[i]);
		if (sim_check_engine(&rp.r[i], err_text, sizeof(err_text))) {
			rp.mismatches++;
			fprintf(stderr, "simulate: engine cross-check failed "
				"for %s: %s\n", rp.r[i].name, err_text);
		}
	}

	if (c.json)
		print_json(&rp);
	else
		print_table(&rp);
	if (c.timing && !c.json) {
		struct sim_run_info info;
		double wall = (double)sim_wall_ns(sim) / 1e9;

		sim_run_info(sim, &info);
		fprintf(stderr, "simulate: %.1f simulated hours in %.3f s, "
			"%.0f events/s\n", (double)info.end_ms / 3.6e6, wall,
			wall > 0 ? (double)(info.calendar_events +
					    info.engine_events) / wall : 0);
	}
	rc = rp.mismatches ? 1 : 0;

out:
	free(rp.r);
	free(rp.m);
	mem_deref(sim);
	mem_deref(ctr);
	free(c.lists);
	return rc;
}
