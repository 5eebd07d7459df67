/**
 * @file cmd_erlang.c  `hotline erlang`: Erlang C / Erlang A staffing from
 * the command line.  The interface is fixed (planners script it): options
 * and JSON field names only ever grow.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "wfm/wfm.h"

#define PROG "hotline erlang"

/* the help text is laid out as printed */
/* clang-format off */
static void usage(FILE *f)
{
	fprintf(f,
"usage: " PROG " --calls N --interval SECONDS --aht SECONDS --sl 0.80\n"
"                      --answer SECONDS [--patience SECONDS] [--max-abandon FRACTION]\n"
"                      [--agents N] [--json]\n"
"\n"
"How many agents an interval needs (Erlang C), or how a given staff performs.\n"
"With --patience callers hang up after an exponential wait of that mean\n"
"(Erlang A, M/M/n+M), which needs fewer agents than Erlang C.\n"
"\n"
"options (each also as --name=value):\n"
"  --calls N           contacts arriving in the interval (>= 0, may be\n"
"                      fractional: a forecast)\n"
"  --interval SECONDS  length of the interval, e.g. 1800 for half an hour (> 0)\n"
"  --aht SECONDS       average handle time: talk plus after-call work (> 0)\n"
"  --sl FRACTION       service-level target between 0 and 1, e.g. 0.80;\n"
"                      required unless --agents is given\n"
"  --answer SECONDS    service-level threshold: answered within this (>= 0)\n"
"  --patience SECONDS  mean caller patience (> 0): use Erlang A.  Its service\n"
"                      level is answered within the threshold / (answered +\n"
"                      abandoned after the threshold), as hotline's own\n"
"                      statistics count it: callers who hang up within the\n"
"                      threshold count in neither part, so with patience\n"
"                      short against the threshold a small staff \"meets\"\n"
"                      the target by losing callers; check abandon_rate\n"
"  --max-abandon FRACTION\n"
"                      with --patience: the staff found must also keep the\n"
"                      abandon rate at or below this (0..1), e.g. 0.05\n"
"  --agents N          evaluate this staff (0..%d) instead of searching the\n"
"                      fewest agents meeting --sl\n"
"  --json              print one JSON object instead of the table: model,\n"
"                      agents, traffic_erlangs, p_wait, service_level, asa_s\n"
"                      (null if infinite), occupancy, abandon_rate (0 for\n"
"                      Erlang C), stable, the inputs, and with --sl\n"
"                      sl_target and meets_target\n"
"  -h, --help          this text\n"
"\n"
"examples:\n"
"  " PROG " --calls 100 --interval 1800 --aht 180 --sl 0.80 --answer 20\n"
"  " PROG " --calls 100 --interval 1800 --aht 180 --answer 20 --agents 12\n"
"  " PROG " --calls 100 --interval 1800 --aht 180 --sl 0.80 --answer 20 \\\n"
"      --patience 120 --json\n"
"\n"
"exit status: 0 done, 1 no staff up to %d agents meets the target,\n"
"2 bad usage.\n",
		WFM_ERLANG_MAX_AGENTS, WFM_ERLANG_MAX_AGENTS);
}
/* clang-format on */

enum opt_id {
	O_CALLS,
	O_INTERVAL,
	O_AHT,
	O_SL,
	O_ANSWER,
	O_PATIENCE,
	O_AGENTS,
	O_MAXAB,
	O_NOPTS
};

static const char *const opt_names[O_NOPTS] = {
    "calls", "interval", "aht", "sl", "answer", "patience", "agents",
    "max-abandon",
};

struct args {
	bool set[O_NOPTS];
	double v[O_NOPTS];
	bool json;
};

/* One line on stderr naming the culprit; returns the usage exit status. */
static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see '" PROG " --help')\n");
	return 2;
}

/* Parse and range-check one option value; 0 or exit status 2. */
static int parse_value(struct args *args, enum opt_id id, const char *val)
{
	const char *name = opt_names[id];
	char *end;
	double v;

	if (args->set[id])
		return bad("--%s given twice", name);
	if (!*val)
		return bad("--%s needs a value", name);

	errno = 0;
	v = strtod(val, &end);
	if (*end || end == val || !isfinite(v))
		return bad("--%s: '%s' is not a number", name, val);

	switch (id) {
	case O_CALLS:
	case O_ANSWER:
		if (v < 0)
			return bad("--%s must be >= 0, got %s", name, val);
		break;
	case O_INTERVAL:
	case O_AHT:
		if (!(v > 0))
			return bad("--%s must be > 0 seconds, got %s", name,
			           val);
		break;
	case O_PATIENCE:
		if (!(v > 0))
			return bad("--%s must be > 0 seconds (leave it out for "
			           "Erlang C), got %s",
			           name, val);
		break;
	case O_MAXAB:
		if (!(v > 0) || v > 1)
			return bad("--%s must be a fraction above 0 and at "
			           "most 1 (e.g. 0.05), got %s",
			           name, val);
		break;
	case O_SL:
		if (v < 0 || v > 1)
			return bad("--%s must be a fraction between 0 and 1 "
			           "(e.g. 0.80), got %s",
			           name, val);
		break;
	case O_AGENTS:
		if (v != floor(v) || v < 0 || v > WFM_ERLANG_MAX_AGENTS)
			return bad("--%s must be a whole number from 0 to %d, "
			           "got %s",
			           name, WFM_ERLANG_MAX_AGENTS, val);
		break;
	default:
		break;
	}

	args->v[id] = v;
	args->set[id] = true;
	return 0;
}

static int parse_args(int argc, char **argv, struct args *args)
{
	static const enum opt_id required[] = {O_CALLS, O_INTERVAL, O_AHT,
	                                       O_ANSWER};

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *eq, *val;
		size_t len;
		int id, err;

		if (!strcmp(arg, "--json")) {
			args->json = true;
			continue;
		}
		if (strncmp(arg, "--", 2) || !arg[2])
			return bad("unexpected argument '%s'", arg);

		eq = strchr(arg, '=');
		len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		for (id = 0; id < O_NOPTS; id++) {
			if (strlen(opt_names[id]) == len &&
			    !strncmp(arg + 2, opt_names[id], len))
				break;
		}
		if (id == O_NOPTS)
			return bad("unknown option '%s'", arg);

		if (eq) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			return bad("--%s needs a value", opt_names[id]);
		}
		err = parse_value(args, (enum opt_id)id, val);
		if (err)
			return err;
	}

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (!args->set[required[i]])
			return bad("missing required option --%s",
			           opt_names[required[i]]);
	}
	if (args->set[O_MAXAB] && !args->set[O_PATIENCE])
		return bad("--max-abandon needs --patience (Erlang C callers "
		           "never abandon)");
	if (!args->set[O_SL] && !args->set[O_AGENTS])
		return bad("missing required option --sl (or give --agents to "
		           "evaluate a staff)");
	return 0;
}

/* JSON number, or null for infinity (JSON has none). */
static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static int print_json(const struct args *args, const struct wfm_erlang_in *in,
                      const struct wfm_erlang_out *out, bool stable)
{
	bool erlang_a = args->set[O_PATIENCE];
	json_t *o = json_object();
	char *s;
	int err = 0;

	if (!o)
		return ENOMEM;
	err |= json_object_set_new(
	    o, "model", json_string(erlang_a ? "erlang-a" : "erlang-c"));
	err |= json_object_set_new(o, "agents", json_integer(out->agents));
	err |= json_object_set_new(o, "traffic_erlangs",
	                           jnum(out->traffic_erlangs));
	err |= json_object_set_new(o, "p_wait", jnum(out->p_wait));
	err |=
	    json_object_set_new(o, "service_level", jnum(out->service_level));
	err |= json_object_set_new(o, "asa_s", jnum(out->asa_s));
	err |= json_object_set_new(o, "occupancy", jnum(out->occupancy));
	err |= json_object_set_new(o, "abandon_rate", jnum(out->abandon_rate));
	err |= json_object_set_new(o, "stable", json_boolean(stable));
	err |= json_object_set_new(o, "calls", jnum(in->calls));
	err |= json_object_set_new(o, "interval_s", jnum(in->interval_s));
	err |= json_object_set_new(o, "aht_s", jnum(in->aht_s));
	err |= json_object_set_new(o, "answer_s", jnum(in->answer_s));
	err |= json_object_set_new(
	    o, "patience_s", erlang_a ? jnum(in->patience_s) : json_null());
	if (args->set[O_SL]) {
		err |= json_object_set_new(o, "sl_target", jnum(args->v[O_SL]));
		err |= json_object_set_new(
		    o, "meets_target",
		    json_boolean(stable &&
		                 out->service_level >= args->v[O_SL] &&
		                 (!args->set[O_MAXAB] ||
		                  out->abandon_rate <= args->v[O_MAXAB])));
	}
	if (args->set[O_MAXAB])
		err |= json_object_set_new(o, "max_abandon",
		                           jnum(args->v[O_MAXAB]));
	if (err) {
		json_decref(o);
		return ENOMEM;
	}

	/* 15 significant digits: full precision of the figures without
	 * binary noise such as 0.80000000000000004 */
	s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(o);
	if (!s)
		return ENOMEM;
	printf("%s\n", s);
	free(s);
	return 0;
}

static void print_table(const struct args *args, const struct wfm_erlang_in *in,
                        const struct wfm_erlang_out *out, bool stable)
{
	bool erlang_a = args->set[O_PATIENCE];
	const char *fmt = "%-15s ";

	printf(fmt, "model");
	if (erlang_a)
		printf("Erlang A (mean patience %g s)\n", in->patience_s);
	else
		printf("Erlang C (callers never abandon)\n");
	printf(fmt, "traffic");
	printf("%.2f erlangs (%g calls in %g s, AHT %g s)\n",
	       out->traffic_erlangs, in->calls, in->interval_s, in->aht_s);
	printf(fmt, "agents");
	printf("%d%s\n", out->agents,
	       stable ? "" : "  (unstable: agents <= traffic)");
	printf(fmt, "service level");
	printf("%.1f%% within %g s", 100 * out->service_level, in->answer_s);
	if (args->set[O_SL])
		printf(" (target %.1f%%: %s)", 100 * args->v[O_SL],
		       stable && out->service_level >= args->v[O_SL]
		           ? "met"
		           : "missed");
	printf("\n");
	printf(fmt, "waiting");
	printf("%.1f%% of contacts wait\n", 100 * out->p_wait);
	printf(fmt, "ASA");
	if (isfinite(out->asa_s))
		printf("%.1f s\n", out->asa_s);
	else
		printf("infinite\n");
	printf(fmt, "occupancy");
	printf("%.1f%%\n", 100 * out->occupancy);
	if (erlang_a) {
		printf(fmt, "abandoned");
		printf("%.1f%% of contacts", 100 * out->abandon_rate);
		if (args->set[O_MAXAB])
			printf(" (limit %.1f%%: %s)", 100 * args->v[O_MAXAB],
			       out->abandon_rate <= args->v[O_MAXAB] ? "met"
			                                             : "missed");
		printf("\n");
	}
}

int cmd_erlang(int argc, char **argv)
{
	struct args args;
	struct wfm_erlang_in in;
	struct wfm_erlang_out out;
	bool stable;
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
	}

	memset(&args, 0, sizeof(args));
	err = parse_args(argc, argv, &args);
	if (err)
		return err;

	in.calls = args.v[O_CALLS];
	in.interval_s = args.v[O_INTERVAL];
	in.aht_s = args.v[O_AHT];
	in.answer_s = args.v[O_ANSWER];
	in.patience_s = args.set[O_PATIENCE] ? args.v[O_PATIENCE] : 0;
	in.max_abandon = args.set[O_MAXAB] ? args.v[O_MAXAB] : 0;

	if (args.set[O_AGENTS])
		err = wfm_erlang_eval(&in, (int)args.v[O_AGENTS], &out);
	else
		err = wfm_erlang_staff(&in, args.v[O_SL], &out);

	if (err == ERANGE && !args.set[O_AGENTS]) {
		fprintf(stderr,
		        PROG ": no staff up to %d agents meets service level "
		             "%g within %g s\n",
		        WFM_ERLANG_MAX_AGENTS, args.v[O_SL], in.answer_s);
		return 1;
	}
	if (err == EINVAL) {
		/* each option is range-checked, so only the combination can
		 * be out of range (e.g. calls / interval overflowing) */
		fprintf(stderr,
		        PROG ": --calls, --interval, --aht and --patience "
		             "give rates out of range\n");
		return 2;
	}
	if (err) {
		fprintf(stderr, PROG ": calculation failed: %s\n",
		        strerror(err));
		return 1;
	}

	/* Erlang A is always stable: abandonment bounds the queue */
	stable = args.set[O_PATIENCE] || in.calls == 0 ||
	         out.agents > out.traffic_erlangs;

	if (args.json) {
		err = print_json(&args, &in, &out, stable);
		if (err) {
			fprintf(stderr, PROG ": out of memory\n");
			return 1;
		}
	} else {
		print_table(&args, &in, &out, stable);
	}
	return 0;
}
