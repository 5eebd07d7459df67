/**
 * @file cli.c  hotline customers import | export: the CRM's CSV from the
 * command line, on the same database the daemon uses (SQLite lets both
 * write; the store waits for the other's lock).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/core.h"
#include "crm/crm_int.h"

static const char usage[] =
    "usage: hotline customers import FILE|- --tenant NAME [--encoding ENC]\n"
    "                                [--skip-bad] [--center FILE] [--db "
    "FILE]\n"
    "       hotline customers export interactions|workorders --tenant "
    "NAME\n"
    "                                [--center FILE] [--db FILE]\n"
    "\n"
    "import: customers from CSV with a header row (columns name, phone,\n"
    "  phone2, email, chat, language, note).  ENC: utf-8 (default),\n"
    "  gb18030 or euc-kr.  Every refused row is listed with its reason;\n"
    "  with any refused row nothing is imported, unless --skip-bad.\n"
    "export: CSV on standard output.\n"
    "--center defaults to etc/demo.yaml, --db to the center's database.\n";

static uint64_t wall(void *arg)
{
	(void)arg;
	return hl_wall_ms();
}

struct result {
	bool done;
	int status;
};

static void on_report(const struct crm_import_report *r, void *arg)
{
	struct result *res = arg;

	for (size_t i = 0; i < r->nrejects; i++)
		printf("line %u: %s\n", r->rejects[i].row,
		       r->rejects[i].reason);
	if (r->err)
		printf("refused: %s\n", r->error ? r->error : strerror(r->err));
	else
		printf("imported %zu of %zu rows%s\n", r->imported, r->rows,
		       r->nrejects ? " (the others refused)" : "");
	res->done = true;
	res->status = r->err ? 1 : 0;
}

/* The whole file ("-": standard input), pipes included. */
static char *read_file(const char *path, size_t *lenp)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t len = 0, cap = 65536, n;
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(cap);
	while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			char *p =
			    cap < (256u << 20) ? realloc(buf, cap * 2) : NULL;
			if (!p) {
				free(buf);
				buf = NULL;
				errno = EFBIG;
				break;
			}
			buf = p;
			cap *= 2;
		}
	}
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
	}
	if (f != stdin)
		fclose(f);
	*lenp = len;
	return buf;
}

int cmd_customers(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"tenant", required_argument, NULL, 't'},
	    {"encoding", required_argument, NULL, 'e'},
	    {"skip-bad", no_argument, NULL, 's'},
	    {"center", required_argument, NULL, 'c'},
	    {"db", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *tenant = NULL, *center_path = "etc/demo.yaml", *db = NULL;
	enum crm_encoding enc = CRM_ENC_AUTO;
	struct center *c = NULL;
	struct store *s = NULL;
	struct crm *crm = NULL;
	bool skip_bad = false;
	char err[512];
	int opt, status = 1;

	hl_log_set_level(HL_LOG_WARN);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 't':
			tenant = optarg;
			break;
		case 'e':
			if (crm_encoding_parse(optarg, &enc)) {
				fprintf(stderr,
				        "customers: --encoding: utf-8, gb18030 "
				        "or euc-kr, not '%s'\n",
				        optarg);
				return 2;
			}
			break;
		case 's':
			skip_bad = true;
			break;
		case 'c':
			center_path = optarg;
			break;
		case 'd':
			db = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (argc - optind < 2 || !tenant ||
	    (strcmp(argv[optind], "import") &&
	     strcmp(argv[optind], "export"))) {
		fputs(usage, stderr);
		return 2;
	}
	if (center_load(&c, center_path, err, sizeof(err))) {
		fprintf(stderr, "customers: %s\n", err);
		return 1;
	}
	if (!center_tenant(c, tenant)) {
		fprintf(stderr, "customers: no tenant '%s' in %s\n", tenant,
		        center_path);
		status = 2;
		goto out;
	}
	if (libre_init())
		goto out;
	if (store_open(&s, db ? db : c->server.database, err, sizeof(err))) {
		fprintf(stderr, "customers: %s\n", err);
		goto close;
	}
	if (crm_alloc(&crm, &(struct crm_opts){
	                        .store = s, .center = c, .clock = wall})) {
		fprintf(stderr, "customers: out of memory\n");
		goto close;
	}
	if (!strcmp(argv[optind], "import")) {
		struct result res = {0};
		size_t len = 0;
		char *data = read_file(argv[optind + 1], &len);

		if (!data) {
			fprintf(stderr, "customers: %s: %s\n", argv[optind + 1],
			        strerror(errno));
			goto close;
		}
		if (!crm_import_customers(crm, tenant, data, len, enc, skip_bad,
		                          on_report, &res))
			(void)store_flush_sync(s);
		free(data);
		status = res.done ? res.status : 1;
	} else {
		struct mbuf *mb = mbuf_alloc(65536);
		int e;

		if (!strcmp(argv[optind + 1], "interactions"))
			e = crm_export_interactions(crm, tenant, 0, 0, mb);
		else if (!strcmp(argv[optind + 1], "workorders"))
			e = crm_export_workorders(crm, tenant, 0, mb);
		else {
			fputs(usage, stderr);
			mem_deref(mb);
			status = 2;
			goto close;
		}
		if (e)
			fprintf(stderr, "customers: export: %s\n", strerror(e));
		else if (fwrite(mb->buf, 1, mb->end, stdout) == mb->end)
			status = 0;
		mem_deref(mb);
	}
close:
	crm = mem_deref(crm);
	if (s) {
		store_close(s);
		mem_deref(s);
	}
	libre_close();
out:
	mem_deref(c);
	return status;
}
