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

#include <re_types.h>
#include <re_mem.h>

#include "center/center.h"
#include "cli.h"
#include "core/core.h"
#include "sim/sim.h"
#include "sim/sim_int.h"

#define MAX_AGENTS 100000
#define MAX_QVALS  64

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
    "  --runs N              N independent runs, seeds S, S+1, ... (S from\n"
    "                        --seed): counts are totals, figures the mean\n"
    "                        of the runs with a 95% confidence interval\n"
    "                        (default 1)\n"
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
	uint32_t runs;
	bool json, timing, check;
	char *lists; /* copies the qlist names point into, owned */
};

static int bad(const char *opt, const char *what, const char *got)
{
	fprintf(stderr, "simulate: %s: %s, got '%s'\n", opt, what, got);
	return 2;
}

static int parse_double(const char *opt, const char *s, double min, double max,
                        double *out)
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

static int parse_u32(const char *opt, const char *s, uint32_t min, uint32_t max,
                     uint32_t *out)
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
				return bad(opt, "a queue name before '='", "");
			qv->name = tok;
			val = eq + 1;
		}
		if (allow_inf &&
		    (!strcmp(val, "inf") || !strcmp(val, "infinite"))) {
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
	O_AGENTS,
	O_CALLS,
	O_INTERVAL,
	O_CPH,
	O_AHT,
	O_ANSWER,
	O_WRAPUP,
	O_STRATEGY,
	O_CENTER,
	O_TENANT,
	O_PATIENCE,
	O_DIST,
	O_CV,
	O_RING,
	O_HOURS,
	O_WARMUP,
	O_SEED,
	O_RUNS,
	O_JSON,
	O_NO_TIMING,
	O_CHECK,
	O_HELP,
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
    {"--runs", O_RUNS, true},
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
	c->runs = 1;
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
			fprintf(stderr,
			        "simulate: unexpected argument '%s' "
			        "(see --help)\n",
			        a);
			return 2;
		}
		for (k = 0; k < ARRAY_LEN(opts); k++) {
			if (strlen(opts[k].name) == nlen &&
			    !strncmp(opts[k].name, a, nlen))
				break;
		}
		snprintf(name, sizeof(name), "%.*s", (int)nlen, a);
		if (k == ARRAY_LEN(opts)) {
			fprintf(stderr,
			        "simulate: unknown option '%s' "
			        "(see --help)\n",
			        name);
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
			err =
			    parse_double(name, val, 0.01, 24 * 366, &c->hours);
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
		case O_RUNS:
			err = parse_u32(name, val, 1, 10000, &c->runs);
			break;
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
		fprintf(stderr,
		        "simulate: --interval is the period of --calls, "
		        "which is missing\n");
		return 2;
	}

	if (c->center) {
		const char *single = c->agents_set     ? "--agents"
		                     : c->answer_set   ? "--answer"
		                     : c->wrapup_set   ? "--wrapup"
		                     : c->strategy_set ? "--strategy"
		                                       : NULL;

		if (single) {
			fprintf(stderr,
			        "simulate: %s is for the one-queue "
			        "mode; with --center the file defines it\n",
			        single);
			return 2;
		}
		if (!c->calls.set && !c->cph.set) {
			fprintf(stderr,
			        "simulate: --calls-per-hour (or "
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
			fprintf(stderr,
			        "simulate: %s: per-queue values need "
			        "--center; give one number\n",
			        lists[i].name);
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
			fprintf(stderr,
			        "simulate: %s: no queue '%s' in tenant "
			        "'%s'\n",
			        opt, l->v[i].name, acd_tenant_name(t));
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
		l.calls_per_hour =
		    qlist_get(&c->calls, name, 0) * 3600 / c->interval_s;
	else
		l.calls_per_hour = qlist_get(&c->cph, name, 0);
	l.aht_s =
	    qlist_get(&c->aht, name, cfg->aht_hint_s ? cfg->aht_hint_s : 180);
	l.dist = c->dist;
	l.cv = c->dist == SIM_DIST_LOGNORMAL ? c->cv : 1.0;
	l.patience_s = qlist_get(&c->patience, name, 0);
	if (l.calls_per_hour > 0)
		lc->loaded++;
	lc->err = sim_set_load(lc->sim, name, &l);
	return lc->err != 0;
}

/* --- the command ---------------------------------------------------------- */

static int pick_tenant(const struct cli *c, const struct center *ctr,
                       struct acd *acd, struct acd_tenant **tp)
{
	const char *name = c->tenant;

	if (!name) {
		if (ctr->ntenants != 1) {
			fprintf(stderr,
			        "simulate: %s has %zu tenants; "
			        "choose one with --tenant\n",
			        ctr->path, ctr->ntenants);
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

/* One run with the given seed: build the center in a fresh engine, load,
 * simulate, add the results to the report.  Returns 0, 1 (failed) or 2
 * (the options do not fit the center). */
static int run_once(const struct cli *c, const struct center *ctr,
                    uint64_t seed, struct sim_report *rp)
{
	struct sim_opts so = {0};
	struct sim_run_info info;
	struct sim *sim = NULL;
	struct sim_result r;
	char err_text[512];
	int rc = 0, err;

	so.seed = seed;
	so.warmup_s = c->warmup_s;
	so.duration_s = rp->measured_s;
	so.ring_ms = (uint32_t)llround(c->ring_s * 1000);
	so.check = c->check;
	err = sim_alloc(&sim, &so);
	if (err) {
		fprintf(stderr, "simulate: cannot create the simulation: %s\n",
		        strerror(err));
		return 1;
	}

	if (ctr) {
		struct acd_tenant *t;
		struct load_ctx lc = {.c = c, .sim = sim};

		err =
		    center_apply(ctr, sim_acd(sim), err_text, sizeof(err_text));
		if (err) {
			fprintf(stderr, "simulate: %s\n", err_text);
			rc = 1;
			goto out;
		}
		rc = pick_tenant(c, ctr, sim_acd(sim), &t);
		if (!rc)
			rc = check_names(&c->calls, "--calls", t);
		if (!rc)
			rc = check_names(&c->cph, "--calls-per-hour", t);
		if (!rc)
			rc = check_names(&c->aht, "--aht", t);
		if (!rc)
			rc = check_names(&c->patience, "--patience", t);
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
			fprintf(stderr,
			        "simulate: no queue of tenant '%s' gets "
			        "any calls\n",
			        acd_tenant_name(t));
			rc = 2;
			goto out;
		}
	} else {
		struct sim_single s = {
		    .agents = c->agents,
		    .answer_s = c->answer_s,
		    .wrapup_s = c->wrapup_s,
		    .strategy = c->strategy,
		};
		struct sim_load l = {0};

		err = sim_build_single(sim, &s);
		if (err) {
			fprintf(stderr,
			        "simulate: cannot build the queue: %s "
			        "(%s)\n",
			        strerror(err), acd_last_error(sim_acd(sim)));
			rc = 1;
			goto out;
		}
		l.calls_per_hour = c->calls.set
		                       ? c->calls.v[0].v * 3600 / c->interval_s
		                       : c->cph.v[0].v;
		l.aht_s = c->aht.v[0].v;
		l.dist = c->dist;
		l.cv = c->cv;
		l.patience_s = c->patience.set ? c->patience.v[0].v : 0;
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
		fprintf(stderr,
		        "simulate: the simulation (seed %llu) failed: "
		        "%s\n",
		        (unsigned long long)seed, sim_last_error(sim));
		rc = 1;
		goto out;
	}

	if (!rp->q) {
		rp->nq = sim_queue_count(sim);
		rp->q = calloc(rp->nq + 1, sizeof(*rp->q));
		if (!rp->q) {
			fprintf(stderr, "simulate: out of memory\n");
			rc = 1;
			goto out;
		}
	}
	for (size_t i = 0; i <= rp->nq; i++) {
		int before = rp->q[i].mismatches;

		if (i < rp->nq)
			sim_queue_result(sim, i, &r);
		else
			sim_total_result(sim, &r);
		if (sim_report_add(rp, i, &r)) {
			fprintf(stderr, "simulate: out of memory\n");
			rc = 1;
			goto out;
		}
		if (rp->q[i].mismatches != before) {
			char why[512];

			sim_check_engine(&r, why, sizeof(why));
			fprintf(stderr,
			        "simulate: engine cross-check failed "
			        "for %s (seed %llu): %s\n",
			        r.name, (unsigned long long)seed, why);
		}
	}
	sim_run_info(sim, &info);
	rp->info.calendar_events += info.calendar_events;
	rp->info.engine_events += info.engine_events;
	rp->info.timer_runs += info.timer_runs;
	rp->info.contacts += info.contacts;
	rp->info.requeues += info.requeues;
	rp->info.end_ms += info.end_ms;
	if (info.drain_ms > rp->drain_max_ms)
		rp->drain_max_ms = info.drain_ms;
	rp->wall_ns += sim_wall_ns(sim);

out:
	mem_deref(sim);
	return rc;
}

int cmd_simulate(int argc, char **argv)
{
	struct cli c = {0};
	struct center *ctr = NULL;
	struct sim_report rp = {0};
	char err_text[512];
	int rc, err;

	rc = parse_args(argc, argv, &c);
	if (rc) {
		rc = rc < 0 ? 0 : rc;
		goto out;
	}

	rp.seed = c.seed;
	rp.runs = c.runs;
	rp.warmup_s = c.warmup_s;
	rp.measured_s = (uint32_t)llround(c.hours * 3600);
	rp.dist = c.dist;
	rp.cv = c.cv;
	rp.ring_s = c.ring_s;
	rp.timing = c.timing;

	if (c.center) {
		err = center_load(&ctr, c.center, err_text, sizeof(err_text));
		if (err) {
			fprintf(stderr, "simulate: %s\n", err_text);
			rc = 1;
			goto out;
		}
	} else {
		/* what queueing theory says about the same queue; the handle
		 * time the formula needs is talk plus wrap-up */
		rp.agents = c.agents;
		rp.wrapup_s = c.wrapup_s;
		rp.ein.calls = c.calls.set ? c.calls.v[0].v : c.cph.v[0].v;
		rp.ein.interval_s = c.calls.set ? c.interval_s : 3600;
		rp.ein.aht_s = c.aht.v[0].v + c.wrapup_s;
		rp.ein.answer_s = c.answer_s;
		rp.ein.patience_s = c.patience.set ? c.patience.v[0].v : 0;
		rp.have_erlang =
		    !wfm_erlang_eval(&rp.ein, (int)c.agents, &rp.eout);
	}

	/* replications: consecutive seeds, each run independent */
	for (uint32_t i = 0; i < c.runs; i++) {
		rc = run_once(&c, ctr, c.seed + i, &rp);
		if (rc)
			goto out;
	}

	if (c.json)
		sim_report_json(&rp, stdout);
	else
		sim_report_table(&rp, stdout);
	if (c.timing && !c.json) {
		double wall = (double)rp.wall_ns / 1e9;

		fprintf(stderr,
		        "simulate: %.1f simulated hours in %.3f s, "
		        "%.0f events/s\n",
		        (double)rp.info.end_ms / 3.6e6, wall,
		        wall > 0 ? (double)(rp.info.calendar_events +
		                            rp.info.engine_events) /
		                       wall
		                 : 0);
	}
	rc = rp.mismatches ? 1 : 0;

out:
	sim_report_free(&rp);
	mem_deref(ctr);
	free(c.lists);
	return rc;
}
