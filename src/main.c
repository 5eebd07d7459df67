/**
 * @file main.c  The hotline binary: one table of subcommands.
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "cli.h"

struct command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv); /* argv[0] is the subcommand */
};

static const struct command commands[] = {
	/* rows are added by the subsystems that bring a subcommand */
	{"config", "check a center definition, print its reference",
	 cmd_config},
	{"erlang", "Erlang C / Erlang A staffing: agents, service level, ASA",
	 cmd_erlang},
	{"serve", "run the contact center: SIP, HTTP API, routing engine",
	 cmd_serve},
	{"passwd", "hash a password for a user's password_hash", cmd_passwd},
	{"apikey", "make an API key and its key_hash for a tenant's api_keys",
	 cmd_apikey},
	{"simulate", "simulate a center: service level, ASA, abandons, "
		     "occupancy per queue", cmd_simulate},
	{"prompts", "check the IVR's prompt files; show how numbers are spoken",
	 cmd_prompts},
	{"customers", "import customers from CSV (UTF-8, GB18030, EUC-KR); "
		      "export interactions and work orders",
	 cmd_customers},
	{"tenant", "export a tenant's definition from a center file; check "
		   "a definition", cmd_tenant},
	{NULL, NULL, NULL},
};

static void usage(FILE *f)
{
	fprintf(f,
		"hotline %s: an open-source contact center.\n\n"
		"usage: hotline COMMAND [OPTIONS]\n\n"
		"commands:\n",
		HOTLINE_VERSION);
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\n'hotline COMMAND --help' tells more about each.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("hotline %s\n", HOTLINE_VERSION);
		return 0;
	}
	for (const struct command *c = commands; c->name; c++) {
		if (!strcmp(argv[1], c->name))
			return c->run(argc - 1, argv + 1);
	}
	fprintf(stderr, "hotline: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
