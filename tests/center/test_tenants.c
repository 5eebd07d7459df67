/**
 * @file test_tenants.c  Tenants added, removed and exported at run time
 * (src/center/tenants.c) and the platform's operators.
 *
 * Run from the repository root (scripts/run-tests does).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <re.h>

#include "acd/acd.h"
#include "center/center.h"

static uint64_t fake_clock(void *arg)
{
	(void)arg;
	return 1000000;
}

static struct center *load(const char *path)
{
	struct center *c = NULL;
	char err[512];
	int e = center_load(&c, path, err, sizeof(err));

	if (e)
		print_error("%s\n", err);
	assert_int_equal(e, 0);
	return c;
}

static struct center *def(const char *text, char *err, size_t errsz,
			  int want)
{
	struct center *d = NULL;
	int e = center_definition_load(&d, "definition", text, strlen(text),
				       err, errsz);

	if (e != want)
		print_error("%s\n", err);
	assert_int_equal(e, want);
	return d;
}

static const char beta[] =
	"tenants:\n"
	"  - name: beta   # the second line\n"
	"    skills: [help]\n"
	"    numbers:\n"
	"      - {number: \"96666\", queue: desk}\n"
	"    queues:\n"
	"      - {name: desk, skills: {help: 1}}\n"
	"    agents:\n"
	"      - {id: \"3001\", password: pw3001, skills: {help: 5}}\n";

static void test_operators(void **state)
{
	struct center *c = load("etc/demo.yaml");
	const struct center_user *u = center_operator(c, "operator");

	(void)state;
	assert_int_equal(c->noperators, 1);
	assert_non_null(u);
	assert_string_equal(u->role, "operator");
	assert_string_equal(u->password, "operator-demo");
	assert_null(center_operator(c, "admin"));
	assert_non_null(center_user(center_tenant(c, "acme"), "acme-admin"));
	mem_deref(c);
}

static void test_export_round_trip(void **state)
{
	struct center *c = load("etc/demo.yaml"), *d;
	char err[512], *text = NULL, *again = NULL;

	(void)state;
	for (size_t i = 0; i < c->ntenants; i++) {
		const struct center_tenant *t = &c->tenants[i];

		assert_int_equal(center_tenant_export(t, &text), 0);
		assert_non_null(strstr(text, "\ntenants:\n  - name: "));
		d = def(text, err, sizeof(err), 0);
		assert_int_equal(d->ntenants, 1);
		assert_string_equal(d->tenants[0].name, t->name);
		assert_int_equal(d->tenants[0].nqueues, t->nqueues);
		assert_int_equal(d->tenants[0].nagents, t->nagents);
		assert_int_equal(d->tenants[0].nnumbers, t->nnumbers);
		assert_int_equal(d->tenants[0].nusers, t->nusers);
		assert_int_equal(d->tenants[0].nflows, t->nflows);
		assert_int_equal(center_tenant_export(&d->tenants[0], &again),
				 0);
		assert_string_equal(text, again);
		text = mem_deref(text);
		again = mem_deref(again);
		mem_deref(d);
	}
	mem_deref(c);
}

static void test_definition_errors(void **state)
{
	char err[512];

	(void)state;
	def("tenants:\n  - name: x\n    queues:\n      - {name: q, "
	    "strategy: fastest}\n",
	    err, sizeof(err), EINVAL);
	assert_non_null(strstr(err, "definition:4: tenants[0].queues[0]."
				    "strategy: "));
	def("server: {log_level: debug}\ntenants:\n  - name: x\n", err,
	    sizeof(err), EINVAL);
	assert_non_null(strstr(err, "definition:1: server: a tenant "
				    "definition holds only tenants:"));
	def("tenants:\n  - name: x\n  - name: y\n", err, sizeof(err),
	    EINVAL);
	assert_non_null(strstr(err, "definition:3: tenants: a definition "
				    "holds exactly one tenant (found 2)"));
	def("platform:\n  users: []\ntenants:\n  - name: x\n", err,
	    sizeof(err), EINVAL);
	def("tenants: [\n", err, sizeof(err), EINVAL);
	assert_non_null(strstr(err, "definition:"));
}

static void test_add_and_remove(void **state)
{
	struct center *c = load("etc/demo.yaml"), *d;
	const struct center_tenant *demo = center_tenant(c, "demo");
	const struct center_tenant *t = NULL, *owner = NULL;
	struct acd *acd = NULL;
	char err[512], *text = NULL;
	size_t n0 = c->ntenants;

	(void)state;
	assert_int_equal(acd_alloc(&acd, &(struct acd_opts){
						 .clock = fake_clock}),
			 0);
	assert_int_equal(center_apply(c, acd, err, sizeof(err)), 0);

	/* a number of acme: refused, naming it */
	d = def("tenants:\n  - name: x\n    skills: [s]\n    queues: [{name: "
		"q}]\n    numbers: [{number: \"95555\", queue: q}]\n",
		err, sizeof(err), 0);
	assert_int_equal(center_tenant_check_new(c, d, NULL, err, sizeof(err)),
			 EEXIST);
	assert_non_null(strstr(err, "number '95555' belongs to tenant 'acme'"));
	mem_deref(d);
	/* a name taken */
	d = def("tenants:\n  - name: acme\n", err, sizeof(err), 0);
	assert_int_equal(center_tenant_check_new(c, d, NULL, err, sizeof(err)),
			 EEXIST);
	/* replacing acme with a definition of another name */
	assert_int_equal(center_tenant_check_new(c, d, "demo", err,
						 sizeof(err)),
			 EINVAL);
	mem_deref(d);

	d = def(beta, err, sizeof(err), 0);
	assert_int_equal(center_tenant_check_new(c, d, NULL, err, sizeof(err)),
			 0);
	assert_int_equal(center_tenant_adopt(c, d, &t), 0);
	mem_deref(d); /* frees nothing of beta */
	assert_int_equal(c->ntenants, n0 + 1);
	assert_ptr_equal(center_tenant(c, "demo"), demo); /* nothing moved */
	assert_ptr_equal(center_tenant(c, "beta"), t);
	assert_ptr_equal(center_number(c, "96666", &owner), &t->numbers[0]);
	assert_ptr_equal(owner, t);
	assert_int_equal(center_apply_tenant(c, t, acd, err, sizeof(err)), 0);
	assert_non_null(acd_queue_find(acd_tenant_find(acd, "beta"), "desk"));
	/* its text is kept for export, with its comments */
	assert_int_equal(center_tenant_export(t, &text), 0);
	assert_non_null(strstr(text, "  - name: beta   # the second line\n"
				     "    skills: [help]\n"));
	text = mem_deref(text);

	/* removed: lookups skip it; the engine lets it go */
	assert_int_equal(acd_tenant_remove(acd, "beta"), 0);
	assert_null(acd_tenant_find(acd, "beta"));
	assert_int_equal(acd_tenant_remove(acd, "beta"), ENOENT);
	assert_int_equal(center_tenant_remove(c, "beta"), 0);
	assert_null(center_tenant(c, "beta"));
	assert_null(center_number(c, "96666", NULL));
	assert_int_equal(center_tenant_remove(c, "beta"), ENOENT);
	/* made again with the same name and number: a new slot */
	d = def(beta, err, sizeof(err), 0);
	assert_int_equal(center_tenant_check_new(c, d, NULL, err, sizeof(err)),
			 0);
	assert_int_equal(center_tenant_adopt(c, d, &owner), 0);
	mem_deref(d);
	assert_ptr_not_equal(owner, t);
	assert_ptr_equal(center_tenant(c, "beta"), owner);

	mem_deref(acd);
	mem_deref(c);
}

static void test_slots_run_out(void **state)
{
	struct center *c = load("etc/demo.yaml"), *d;
	char err[512], text[256];
	int e = 0;

	(void)state;
	for (int i = 0; !e; i++) {
		snprintf(text, sizeof(text), "tenants:\n  - name: t%d\n", i);
		d = def(text, err, sizeof(err), 0);
		e = center_tenant_check_new(c, d, NULL, err, sizeof(err));
		if (!e)
			assert_int_equal(center_tenant_adopt(c, d, NULL), 0);
		mem_deref(d);
	}
	assert_int_equal(e, ENOSPC);
	assert_int_equal(c->ntenants, CENTER_TENANTS_MAX);
	mem_deref(c);
}

/* A definition's dial-out names the center's trunks: resolved when the
 * tenant joins (a definition holds no trunks of its own). */
static void test_dialout_joins_trunks(void **state)
{
	static const char center[] =
		"trunks:\n"
		"  - name: inbound\n"
		"    address: 127.0.0.1\n"
		"  - name: carrier\n"
		"    address: 192.0.2.1\n"
		"    outbound: {uri: \"sip:192.0.2.10:5070\"}\n"
		"tenants:\n"
		"  - name: a\n"
		"    skills: [s]\n"
		"    queues: [{name: q, skills: {s: 1}}]\n";
	struct center *c = NULL, *d;
	const struct center_tenant *t = NULL;
	const struct center_trunk *tr = NULL;
	char err[512];

	(void)state;
	assert_int_equal(center_load_text(&c, "center", center,
					  strlen(center), err, sizeof(err)),
			 0);
	/* by name, and the first outbound trunk by default */
	d = def("tenants:\n  - name: b\n    dialout: {enabled: true, "
		"trunk: carrier}\n",
		err, sizeof(err), 0);
	assert_int_equal(center_tenant_check_new(c, d, NULL, err, sizeof(err)),
			 0);
	assert_int_equal(center_tenant_adopt(c, d, &t), 0);
	mem_deref(d);
	assert_int_equal(center_outside(t, "+8613800138000", &tr), 0);
	assert_string_equal(tr->name, "carrier");
	d = def("tenants:\n  - name: c\n    dialout: {enabled: true}\n", err,
		sizeof(err), 0);
	assert_int_equal(center_tenant_check_new(c, d, NULL, err, sizeof(err)),
			 0);
	assert_int_equal(center_tenant_adopt(c, d, &t), 0);
	mem_deref(d);
	tr = NULL;
	assert_int_equal(center_outside(t, "13800138000", &tr), 0);
	assert_string_equal(tr->name, "carrier");
	/* a trunk the center lacks, or one without outbound: refused */
	d = def("tenants:\n  - name: e\n    dialout: {trunk: nosuch}\n", err,
		sizeof(err), 0);
	assert_int_equal(center_tenant_check_new(c, d, NULL, err, sizeof(err)),
			 EINVAL);
	assert_non_null(strstr(err, "dialout.trunk: the center has no trunk "
				    "'nosuch'"));
	mem_deref(d);
	d = def("tenants:\n  - name: e\n    dialout: {trunk: inbound}\n", err,
		sizeof(err), 0);
	assert_int_equal(center_tenant_check_new(c, d, NULL, err, sizeof(err)),
			 EINVAL);
	assert_non_null(strstr(err, "no outbound uri on trunk 'inbound'"));
	mem_deref(d);
	mem_deref(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_export_round_trip),
		cmocka_unit_test(test_definition_errors),
		cmocka_unit_test(test_add_and_remove),
		cmocka_unit_test(test_slots_run_out),
		cmocka_unit_test(test_dialout_joins_trunks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
