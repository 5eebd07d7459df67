/**
 * @file serve.c  `hotline serve`: command-line parsing.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "core/core.h"
#include "daemon/daemon.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hotline serve [--center FILE] [--sip ADDR:PORT] "
		"[--http ADDR:PORT]\n"
		"                     [--db FILE] [--log-level LEVEL] [--web DIR]\n\n"
		"Run the contact center: SIP (UDP and TCP), the HTTP API and "
		"the routing\nengine, until SIGINT or SIGTERM.\n\n"
		"  --center FILE      center definition (default %s)\n"
		"  --sip ADDR:PORT    SIP listen address (default: the center "
		"file's\n"
		"                     server.sip_listen, else %s)\n"
		"  --http ADDR:PORT   HTTP API listen address (default: "
		"server.http_listen,\n"
		"                     else %s)\n"
		"  --db FILE          SQLite database (default: "
		"server.database, else %s)\n"
		"  --log-level LEVEL  debug, info, warn or error (default: "
		"server.log_level,\n"
		"                     else info)\n"
		"  --web DIR          the web pages to serve at / (default %s "
		"when it\n"
		"                     has an index.html; --web '' serves none)\n",
		DAEMON_CENTER_DEFAULT, DAEMON_SIP_DEFAULT, DAEMON_HTTP_DEFAULT,
		DAEMON_DB_DEFAULT, DAEMON_WEB_DEFAULT);
}

int cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"center", required_argument, NULL, 'c'},
		{"sip", required_argument, NULL, 's'},
		{"http", required_argument, NULL, 'H'},
		{"db", required_argument, NULL, 'd'},
		{"log-level", required_argument, NULL, 'l'},
		{"web", required_argument, NULL, 'w'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct daemon_opts opts = {0};
	enum hl_log_level level;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': opts.center_path = optarg; break;
		case 's': opts.sip_listen = optarg; break;
		case 'H': opts.http_listen = optarg; break;
		case 'd': opts.db_path = optarg; break;
		case 'w': opts.web_dir = optarg; break;
		case 'l':
			if (hl_log_level_parse(optarg, &level)) {
				fprintf(stderr,
					"hotline serve: unknown log level "
					"'%s' (expected debug, info, warn, "
					"error)\n",
					optarg);
				return 2;
			}
			opts.log_level = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "hotline serve: unexpected argument '%s'\n\n",
			argv[optind]);
		usage(stderr);
		return 2;
	}

	return daemon_run(&opts);
}
