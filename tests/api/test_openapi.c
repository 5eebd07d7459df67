/**
 * @file test_openapi.c  docs/api/openapi.yaml documents the route table,
 * exactly: every route is documented with the same summary and role, every
 * documented operation is a route, and every {param} of a path is declared.
 *
 * Run from the repository root (scripts/run-tests does); HOTLINE_SRC
 * overrides the root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <yaml.h>

#include "api/api.h"

static yaml_document_t doc;

static yaml_node_t *node(int id)
{
	return yaml_document_get_node(&doc, id);
}

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value
						: NULL;
}

/* Value of key in a mapping node, or NULL. */
static yaml_node_t *get(yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(node(p->key));
		if (k && !strcmp(k, key))
			return node(p->value);
	}
	return NULL;
}

/* Follow a local "$ref: '#/components/...'" once. */
static yaml_node_t *deref(yaml_node_t *n)
{
	const char *ref = scalar(get(n, "$ref"));
	char buf[256], *save = NULL, *tok;
	yaml_node_t *cur = yaml_document_get_root_node(&doc);

	if (!ref)
		return n;
	assert_true(!strncmp(ref, "#/", 2));
	snprintf(buf, sizeof(buf), "%s", ref + 2);
	for (tok = strtok_r(buf, "/", &save); tok && cur;
	     tok = strtok_r(NULL, "/", &save))
		cur = get(cur, tok);
	assert_non_null(cur);
	return cur;
}

static int setup(void **state)
{
	const char *root = getenv("HOTLINE_SRC");
	char path[512];
	yaml_parser_t parser;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/docs/api/openapi.yaml",
		 root ? root : ".");
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		return -1;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		fprintf(stderr, "%s:%zu: %s\n", path,
			parser.problem_mark.line + 1, parser.problem);
		yaml_parser_delete(&parser);
		fclose(f);
		return -1;
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	yaml_document_delete(&doc);
	return 0;
}

static yaml_node_t *paths(void)
{
	yaml_node_t *p = get(yaml_document_get_root_node(&doc), "paths");
	assert_non_null(p);
	assert_int_equal(p->type, YAML_MAPPING_NODE);
	return p;
}

static void lower(char *dst, size_t sz, const char *src)
{
	size_t i = 0;
	for (; src[i] && i + 1 < sz; i++)
		dst[i] = (char)(src[i] >= 'A' && src[i] <= 'Z' ? src[i] + 32
							      : src[i]);
	dst[i] = '\0';
}

/* Is {name} declared as a path parameter of the operation or its path? */
static bool declares(yaml_node_t *item, yaml_node_t *op, const char *name)
{
	yaml_node_t *lists[2] = {get(op, "parameters"), get(item, "parameters")};

	for (int l = 0; l < 2; l++) {
		yaml_node_t *seq = lists[l];
		if (!seq || seq->type != YAML_SEQUENCE_NODE)
			continue;
		for (yaml_node_item_t *it = seq->data.sequence.items.start;
		     it < seq->data.sequence.items.top; it++) {
			yaml_node_t *p = deref(node(*it));
			const char *n = scalar(get(p, "name"));
			const char *in = scalar(get(p, "in"));
			if (n && in && !strcmp(n, name) && !strcmp(in, "path"))
				return true;
		}
	}
	return false;
}

static void every_route_is_documented(void **state)
{
	size_t n;
	const struct api_route *r = api_routes(&n);
	int missing = 0;

	(void)state;
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		char method[16];
		yaml_node_t *item = get(paths(), r[i].pattern);
		yaml_node_t *op;
		const char *summary, *role;

		lower(method, sizeof(method), r[i].method);
		op = get(item, method);
		if (!op) {
			fprintf(stderr, "undocumented route: %s %s\n",
				r[i].method, r[i].pattern);
			missing++;
			continue;
		}
		summary = scalar(get(op, "summary"));
		role = scalar(get(op, "x-role"));
		if (!summary || strcmp(summary, r[i].summary)) {
			fprintf(stderr, "%s %s: summary '%s' in openapi.yaml, "
					"'%s' in routes.c\n",
				r[i].method, r[i].pattern,
				summary ? summary : "(none)", r[i].summary);
			missing++;
		}
		if (!role || strcmp(role, api_role_name(r[i].role))) {
			fprintf(stderr, "%s %s: x-role '%s' in openapi.yaml, "
					"'%s' in routes.c\n",
				r[i].method, r[i].pattern,
				role ? role : "(none)",
				api_role_name(r[i].role));
			missing++;
		}
		if (r[i].body != (get(op, "requestBody") != NULL)) {
			fprintf(stderr, "%s %s: requestBody %s in openapi.yaml "
					"but body=%d in routes.c\n",
				r[i].method, r[i].pattern,
				get(op, "requestBody") ? "present" : "absent",
				r[i].body);
			missing++;
		}
		for (const char *p = strchr(r[i].pattern, '{'); p;
		     p = strchr(p + 1, '{')) {
			char name[64];
			const char *e = strchr(p, '}');
			assert_non_null(e);
			snprintf(name, sizeof(name), "%.*s", (int)(e - p - 1),
				 p + 1);
			if (!declares(item, op, name)) {
				fprintf(stderr, "%s %s: path parameter %s not "
						"declared\n",
					r[i].method, r[i].pattern, name);
				missing++;
			}
		}
	}
	assert_int_equal(missing, 0);
}

static void every_documented_operation_is_a_route(void **state)
{
	static const char *methods[] = {"get",    "put",  "post",
					"delete", "patch", "head",
					"options", "trace"};
	yaml_node_t *p = paths();
	size_t n;
	const struct api_route *r = api_routes(&n);
	int extra = 0, ops = 0;

	(void)state;
	for (yaml_node_pair_t *pp = p->data.mapping.pairs.start;
	     pp < p->data.mapping.pairs.top; pp++) {
		const char *path = scalar(node(pp->key));
		yaml_node_t *item = node(pp->value);

		assert_non_null(path);
		for (size_t m = 0; m < sizeof(methods) / sizeof(*methods);
		     m++) {
			bool found = false;

			if (!get(item, methods[m]))
				continue;
			ops++;
			for (size_t i = 0; i < n && !found; i++)
				found = !strcasecmp(r[i].method, methods[m]) &&
					!strcmp(r[i].pattern, path);
			if (!found) {
				fprintf(stderr, "documented but not a route: "
						"%s %s\n",
					methods[m], path);
				extra++;
			}
		}
	}
	assert_int_equal(extra, 0);
	assert_int_equal((size_t)ops, n);
}

static void no_duplicate_routes(void **state)
{
	size_t n;
	const struct api_route *r = api_routes(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		assert_non_null(r[i].h);
		assert_non_null(r[i].summary);
		for (size_t j = i + 1; j < n; j++)
			assert_false(!strcmp(r[i].method, r[j].method) &&
				     !strcmp(r[i].pattern, r[j].pattern));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_route_is_documented),
		cmocka_unit_test(every_documented_operation_is_a_route),
		cmocka_unit_test(no_duplicate_routes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
