/**
 * @file cli.c  `hotline config`: check a center definition, print its
 * reference documentation.
 */
#include <stdio.h>
#include <string.h>

#include <re.h>

#include "center/center.h"
#include "center/center_int.h"
#include "cli.h"

/* "1 queue", "2 queues" */
#define PLURAL(n) ((n) == 1 ? "" : "s")

static void usage(FILE *f)
{
	fprintf(f, "usage: hotline config check FILE   validate a center "
	           "definition, print a summary\n"
	           "       hotline config doc          print the file format "
	           "reference (docs/center.md)\n"
	           "\n"
	           "check exits 0 when the file is valid, 1 with one line "
	           "FILE:LINE: FIELD: PROBLEM\n"
	           "when it is not, 2 on a usage error.\n");
}

static void print_reqs(const struct acd_reqs *r)
{
	if (!r->n) {
		printf("any agent");
		return;
	}
	for (size_t i = 0; i < r->n; i++)
		printf("%s%s>=%u", i ? "," : "", r->v[i].skill,
		       r->v[i].min_level);
}

static void print_queue(const struct center_queue *q)
{
	const struct acd_queue_cfg *cfg = &q->cfg;

	printf("  queue %-12s %-6s %-15s ", cfg->name,
	       cfg_channel_names[cfg->channel],
	       cfg_strategy_names[cfg->strategy]);
	print_reqs(&cfg->reqs);
	printf("  SL %.0f%% in %u s", cfg->sl_target * 100.0,
	       cfg->sl_threshold_s);
	for (size_t i = 0; i < cfg->nrelax; i++) {
		printf("%s%u s: ", i ? "; " : "  relax ",
		       cfg->relax[i].after_s);
		print_reqs(&cfg->relax[i].reqs);
	}
	if (cfg->overflow != ACD_OVERFLOW_NONE)
		printf("  overflow %s%s%s", cfg_overflow_names[cfg->overflow],
		       cfg->overflow_target ? " " : "",
		       cfg->overflow_target ? cfg->overflow_target : "");
	printf("\n");
}

static void summary(const struct center *c)
{
	size_t nq = 0, na = 0, nn = 0;

	printf("%s: ok\n", c->path);
	printf("server: sip %s, http %s, database %s, log %s\n",
	       c->server.sip_listen, c->server.http_listen, c->server.database,
	       c->server.log_level);
	for (size_t i = 0; i < c->ntrunks; i++) {
		const struct center_trunk *t = &c->trunks[i];

		if (t->port)
			printf("trunk %s: %s port %u\n", t->name, t->address,
			       t->port);
		else
			printf("trunk %s: %s (any port)\n", t->name,
			       t->address);
	}
	for (size_t i = 0; i < c->noperators; i++)
		printf("platform operator %s%s%s\n", c->operators[i].username,
		       c->operators[i].name ? ": " : "",
		       c->operators[i].name ? c->operators[i].name : "");
	for (size_t i = 0; i < c->ntenants; i++) {
		const struct center_tenant *t = &c->tenants[i];

		printf("tenant %s%s%s (%s): %zu skill%s, %zu queue%s, %zu "
		       "agent%s, %zu number%s\n",
		       t->name, t->description ? ": " : "",
		       t->description ? t->description : "", t->timezone,
		       t->nskills, PLURAL(t->nskills), t->nqueues,
		       PLURAL(t->nqueues), t->nagents, PLURAL(t->nagents),
		       t->nnumbers, PLURAL(t->nnumbers));
		for (size_t j = 0; j < t->nqueues; j++)
			print_queue(&t->queues[j]);
		for (size_t j = 0; j < t->nnumbers; j++) {
			if (t->numbers[j].flow && *t->numbers[j].queue)
				printf("  number %s -> flow %s (else %s)\n",
				       t->numbers[j].number,
				       t->numbers[j].flow,
				       t->numbers[j].queue);
			else if (t->numbers[j].flow)
				printf("  number %s -> flow %s\n",
				       t->numbers[j].number,
				       t->numbers[j].flow);
			else
				printf("  number %s -> %s (priority %u)\n",
				       t->numbers[j].number,
				       t->numbers[j].queue,
				       t->numbers[j].priority);
		}
		for (size_t j = 0; j < t->nflows; j++)
			printf("  flow %s: %zu nodes, starts at %s\n",
			       t->flows[j].name, t->flows[j].nnodes,
			       t->flows[j].nodes[0].name);
		if (t->nagents)
			printf("  agents %s..%s\n", t->agents[0].cfg.id,
			       t->agents[t->nagents - 1].cfg.id);
		for (size_t j = 0; j < t->nusers; j++) {
			if (!t->users[j].automatic)
				printf("  user %s (%s)\n", t->users[j].username,
				       t->users[j].role);
		}
		if (t->nusers)
			printf("  %zu users signing in to the API\n",
			       t->nusers);
		for (size_t j = 0; j < t->napikeys; j++)
			printf("  api key %s (%s%s)\n", t->apikeys[j].name,
			       t->apikeys[j].role,
			       t->apikeys[j].key ? ", in plain text: demo only"
			                         : "");
		nq += t->nqueues;
		na += t->nagents;
		nn += t->nnumbers;
	}
	printf("total: %zu tenant%s, %zu queue%s, %zu agent%s, %zu number%s\n",
	       c->ntenants, PLURAL(c->ntenants), nq, PLURAL(nq), na,
	       PLURAL(na), nn, PLURAL(nn));
}

int cmd_config(int argc, char **argv)
{
	struct center *c = NULL;
	char err[1024];

	if (argc >= 2 &&
	    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "doc"))
		return center_doc_print(stdout) ? 1 : 0;
	if (argc != 3 || strcmp(argv[1], "check")) {
		usage(stderr);
		return 2;
	}
	if (center_load(&c, argv[2], err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	summary(c);
	mem_deref(c);
	return 0;
}
