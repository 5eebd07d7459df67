/**
 * @file crm_api.c  What the HTTP API needs beyond src/crm's own reads and
 * writes: work run on the store's worker (so the loop never waits on a
 * blocking read), the customer search, and taking an identity away.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <re_types.h>
#include <re_mem.h>

#include "store/crm_int.h"

/* --- work on the worker --------------------------------------------------- */

struct run_in {
	struct crm_in base;
	struct store *s;
	store_work_h *work;
	void *arg;
};

static int run_exec(struct store_conn *c, struct store_job *j)
{
	struct run_in *in = j->u.call.in;

	(void)c; /* the work reads through the *_sync functions */
	return in->work(in->s, in->arg);
}

static void run_deliver(struct store_job *j)
{
	store_done_h *done = (store_done_h *)j->u.call.h;

	done(j->err, j->arg);
}

int store_run(struct store *s, store_work_h *work, store_done_h *done,
              void *arg)
{
	struct run_in *in;

	if (!s || !work || !done)
		return EINVAL;
	in = crm_in_alloc(sizeof(*in));
	if (!in)
		return ENOMEM;
	in->s = s;
	in->work = work;
	in->arg = arg;
	return store_call_submit(s, false, run_exec, run_deliver, done, arg,
	                         in);
}

/* --- customer search ------------------------------------------------------ */

static int search_fn(struct store_conn *c, const void *fv, void **vp,
                     size_t *np)
{
	const struct store_cust_filter *f = fv;
	char(*ids)[27] = NULL;
	sqlite3_stmt *st;
	size_t n = 0, cap;
	const char *sql;
	int rc, err = 0;

	if (f->kind >= 0) {
		sql = "SELECT customer FROM customer_identity"
		      " WHERE tenant = ?1 AND kind = ?2 AND value = ?3"
		      " LIMIT ?4 OFFSET ?5";
	} else if (f->name) {
		/* a prefix as a range, so the (tenant, name) index serves */
		sql = "SELECT id FROM customer WHERE tenant = ?1"
		      " AND name >= ?3 AND name < ?3 || char(1114111)"
		      " ORDER BY name, id LIMIT ?4 OFFSET ?5";
	} else {
		sql = "SELECT id FROM customer WHERE tenant = ?1"
		      " ORDER BY name, id LIMIT ?4 OFFSET ?5";
	}
	rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_conn_fail(c, rc, "customer search");
	store_bind_text(st, 1, f->tenant);
	if (f->kind >= 0) {
		store_bind_text(
		    st, 2,
		    store_ident_kind_name((enum store_ident_kind)f->kind));
		store_bind_text(st, 3, f->value);
	} else if (f->name) {
		store_bind_text(st, 3, f->name);
	}
	cap = f->limit ? f->limit : 50;
	sqlite3_bind_int64(st, 4, (sqlite3_int64)cap);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)f->offset);
	ids = mem_zalloc(cap * sizeof(*ids), NULL);
	if (!ids)
		err = ENOMEM;
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW && n < cap)
		crm_col_id(st, 0, ids[n++]);
	if (!err && rc != SQLITE_ROW && rc != SQLITE_DONE)
		err = store_conn_fail(c, rc, "customer search");
	sqlite3_finalize(st);
	if (err) {
		mem_deref(ids);
		return err;
	}
	*vp = ids;
	*np = n;
	return 0;
}

int store_customers_search_sync(struct store *s,
                                const struct store_cust_filter *f,
                                char (**idsp)[27], size_t *np)
{
	if (!f || !f->tenant || !idsp || !np ||
	    (f->kind >= 0 && (f->kind >= STORE_IDENT_MAX || !f->value)))
		return EINVAL;
	return store_read_sync(s, search_fn, f, (void **)idsp, np);
}

/* --- identity removal ------------------------------------------------------
 */

struct unident_in {
	struct crm_in base;
	const char *tenant, *customer, *value;
	enum store_ident_kind kind;
};

static int unident_exec(struct store_conn *c, struct store_job *j)
{
	struct unident_in *in = j->u.call.in;
	struct crm_res *res = crm_res_get(j);
	sqlite3_stmt *st;
	int rc, left = 0, err;

	if (!res)
		return ENOMEM;
	rc = sqlite3_prepare_v2(c->db,
	                        "SELECT count(*), sum(kind = ?2 AND value = ?3)"
	                        " FROM customer_identity"
	                        " WHERE tenant = ?1 AND customer = ?4",
	                        -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_conn_fail(c, rc, "identity removal");
	store_bind_text(st, 1, in->tenant);
	store_bind_text(st, 2, store_ident_kind_name(in->kind));
	store_bind_text(st, 3, in->value);
	store_bind_text(st, 4, in->customer);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		left = sqlite3_column_int(st, 0);
		err = sqlite3_column_int(st, 1) ? 0 : ENOENT;
	} else {
		err = store_conn_fail(c, rc, "identity removal");
	}
	sqlite3_finalize(st);
	if (err == ENOENT)
		crm_res_detail(j, "customer %s has no %s %s", in->customer,
		               store_ident_kind_name(in->kind), in->value);
	if (err)
		return err;
	if (left <= 1) {
		crm_res_detail(j,
		               "%s %s is the customer's only identity: add "
		               "another first",
		               store_ident_kind_name(in->kind), in->value);
		return EMLINK;
	}
	rc = sqlite3_prepare_v2(
	    c->db,
	    "DELETE FROM customer_identity WHERE tenant = ?1"
	    " AND kind = ?2 AND value = ?3 AND customer = ?4",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_conn_fail(c, rc, "identity removal");
	store_bind_text(st, 1, in->tenant);
	store_bind_text(st, 2, store_ident_kind_name(in->kind));
	store_bind_text(st, 3, in->value);
	store_bind_text(st, 4, in->customer);
	err = crm_step_done(c, st, "identity removal");
	sqlite3_finalize(st);
	if (!err)
		snprintf(res->r.id, sizeof(res->r.id), "%s", in->customer);
	return err;
}

int store_identity_remove(struct store *s, const char *tenant,
                          const char *customer, enum store_ident_kind kind,
                          const char *value, store_result_h *h, void *arg)
{
	struct unident_in *in;

	if (!s || !tenant || !customer || !value || kind >= STORE_IDENT_MAX)
		return EINVAL;
	in = crm_in_alloc(sizeof(*in));
	if (!in)
		return ENOMEM;
	in->tenant = crm_in_str(&in->base, tenant);
	in->customer = crm_in_str(&in->base, customer);
	in->value = crm_in_str(&in->base, value);
	in->kind = kind;
	if (in->base.nomem) {
		mem_deref(in);
		return ENOMEM;
	}
	return store_call_submit(s, true, unident_exec, crm_deliver_result, h,
	                         arg, in);
}
