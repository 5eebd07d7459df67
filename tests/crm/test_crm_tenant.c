/**
 * @file test_crm_tenant.c  A tenant the platform operator adds at run time
 * gets work orders at once (crm_tenant_added), and a deleted one none.
 */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <re.h>

#include "core/core.h"
#include "crm/crm.h"

static uint64_t test_clock(void *arg)
{
	(void)arg;
	return 1767225600000ull;
}

static int rm_one(const char *p, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static const char first[] = "tenants:\n  - name: t1\n";

static const char added[] =
	"tenants:\n"
	"  - name: t2\n"
	"    skills: [s]\n"
	"    queues:\n"
	"      - {name: wo, channel: workorder, offer_timeout: 1h}\n"
	"    workorders:\n"
	"      queue: wo\n"
	"      categories:\n"
	"        - name: fault\n"
	"          fields:\n"
	"            - {name: address, required: true}\n";

struct out {
	bool called;
	int err;
	uint64_t number;
};

static void on_result(int err, const struct store_result *r, void *arg)
{
	struct out *o = arg;

	o->called = true;
	o->err = err;
	o->number = r->number;
}

static void test_added_tenant_has_work_orders(void **state)
{
	static const struct crm_actor sup = {"s1", CRM_ROLE_SUPERVISOR};
	struct crm_wo_new w = {.tenant = "t2",
			       .category = "fault",
			       .priority = 1,
			       .subject = "broken",
			       .fields = "{\"address\":\"Main 1\"}"};
	struct store_cfg scfg = {.sync = STORE_SYNC_NORMAL};
	struct center *c = NULL, *def = NULL;
	const struct center_tenant *t = NULL;
	struct store *store = NULL;
	struct acd *acd = NULL;
	struct crm *crm = NULL;
	char dir[64] = "/tmp/hotline-crmt-XXXXXX", path[128], err[512];
	struct out o = {0};

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(center_load_text(&c, "center", first, strlen(first),
					  err, sizeof(err)),
			 0);
	assert_int_equal(acd_alloc(&acd, &(struct acd_opts){
						 .clock = test_clock}),
			 0);
	assert_int_equal(center_apply(c, acd, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/crm.db", dir);
	if (store_open_cfg(&store, path, &scfg, err, sizeof(err)))
		fail_msg("store: %s", err);
	snprintf(path, sizeof(path), "%s/attachments", dir);
	assert_int_equal(crm_alloc(&crm, &(struct crm_opts){
						 .store = store,
						 .acd = acd,
						 .center = c,
						 .clock = test_clock,
						 .attach_dir = path}),
			 0);

	/* not there yet */
	assert_int_equal(crm_workorder_create(crm, &w, &sup, on_result, &o,
					      err, sizeof(err)),
			 ENOENT);

	/* the operator adds t2: model, engine, then crm */
	assert_int_equal(center_definition_load(&def, "definition", added,
						strlen(added), err,
						sizeof(err)),
			 0);
	assert_int_equal(center_tenant_adopt(c, def, &t), 0);
	mem_deref(def);
	assert_int_equal(center_apply_tenant(c, t, acd, err, sizeof(err)), 0);
	assert_int_equal(crm_tenant_added(crm, t), 0);

	if (crm_workorder_create(crm, &w, &sup, on_result, &o, err,
				 sizeof(err)))
		fail_msg("create: %s", err);
	assert_int_equal(store_flush_sync(store), 0);
	assert_true(o.called);
	assert_int_equal(o.err, 0);
	assert_int_equal(o.number, 1);

	/* deleted: none any more */
	assert_int_equal(center_tenant_remove(c, "t2"), 0);
	assert_int_equal(crm_workorder_create(crm, &w, &sup, on_result, &o,
					      err, sizeof(err)),
			 ENOENT);

	crm = mem_deref(crm);
	store_close(store);
	mem_deref(store);
	mem_deref(acd);
	mem_deref(c);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_added_tenant_has_work_orders),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
