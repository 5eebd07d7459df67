/**
 * @file tenant_cli.c  `hotline tenant`: a tenant's definition out of a
 * center file, and a definition checked, as the API's /api/v1/tenants
 * routes take them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <re.h>

#include "center/center.h"
#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: hotline tenant export --center FILE --tenant NAME\n"
	        "           print the tenant's definition (YAML), as\n"
	        "           GET /api/v1/tenants/NAME/config answers it\n"
	        "       hotline tenant check DEFINITION\n"
	        "           validate a tenant definition (tenants: with one\n"
	        "           tenant), as POST /api/v1/tenants does\n"
	        "\n"
	        "Exits 0 on success, 1 with FILE:LINE: FIELD: PROBLEM, 2 on "
	        "a usage error.\n");
}

static int export_tenant(int argc, char **argv)
{
	const char *file = NULL, *name = NULL;
	const struct center_tenant *t;
	struct center *c = NULL;
	char err[512], *text = NULL;
	int e;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--center") && i + 1 < argc)
			file = argv[++i];
		else if (!strcmp(argv[i], "--tenant") && i + 1 < argc)
			name = argv[++i];
		else {
			usage(stderr);
			return 2;
		}
	}
	if (!file || !name) {
		usage(stderr);
		return 2;
	}
	e = center_load(&c, file, err, sizeof(err));
	if (e) {
		fprintf(stderr, "%s\n", *err ? err : strerror(e));
		return 1;
	}
	t = center_tenant(c, name);
	if (!t) {
		fprintf(stderr, "%s: no tenant '%s'\n", file, name);
		mem_deref(c);
		return 1;
	}
	e = center_tenant_export(t, &text);
	if (e)
		fprintf(stderr, "%s: tenant %s: %s\n", file, name, strerror(e));
	else
		fputs(text, stdout);
	mem_deref(text);
	mem_deref(c);
	return e ? 1 : 0;
}

static int check_definition(const char *file)
{
	struct center *c = NULL, *def = NULL;
	const struct center_tenant *t;
	struct mbuf *mb = NULL;
	char err[512];
	FILE *f = fopen(file, "rb");
	int e = 0;

	if (!f) {
		fprintf(stderr, "%s: %s\n", file, strerror(errno));
		return 1;
	}
	mb = mbuf_alloc(8192);
	while (mb && !e) {
		uint8_t buf[4096];
		size_t n = fread(buf, 1, sizeof(buf), f);

		if (n)
			e = mbuf_write_mem(mb, buf, n);
		if (n < sizeof(buf))
			break;
	}
	fclose(f);
	if (!mb || e) {
		fprintf(stderr, "%s: out of memory\n", file);
		mem_deref(mb);
		return 1;
	}
	e = center_definition_load(&def, file, (const char *)mb->buf, mb->end,
	                           err, sizeof(err));
	mem_deref(mb);
	mem_deref(c);
	if (e) {
		fprintf(stderr, "%s\n", *err ? err : strerror(e));
		return 1;
	}
	t = &def->tenants[0];
	printf("%s: ok: tenant %s: %zu queues, %zu agents, %zu numbers, %zu "
	       "users\n",
	       file, t->name, t->nqueues, t->nagents, t->nnumbers, t->nusers);
	mem_deref(def);
	return 0;
}

int cmd_tenant(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "export"))
		return export_tenant(argc, argv);
	if (argc == 3 && !strcmp(argv[1], "check"))
		return check_definition(argv[2]);
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
