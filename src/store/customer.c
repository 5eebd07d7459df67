/**
 * @file customer.c  Customers and their identities, linking interactions
 * to them, imports, and the screen pop (customer, last interactions, open
 * work orders) in one read.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <re.h>

#include "core/core.h"
#include "store/crm_int.h"

static const char *kind_names[] = {
    [STORE_IDENT_PHONE] = "phone",
    [STORE_IDENT_EMAIL] = "email",
    [STORE_IDENT_CHAT] = "chat",
};

const char *store_ident_kind_name(enum store_ident_kind k)
{
	return (unsigned)k < STORE_IDENT_MAX ? kind_names[k] : "";
}

int store_ident_kind_parse(const char *s, enum store_ident_kind *kp)
{
	for (int i = 0; s && i < STORE_IDENT_MAX; i++) {
		if (!strcmp(s, kind_names[i])) {
			*kp = (enum store_ident_kind)i;
			return 0;
		}
	}
	return EINVAL;
}

/* --- the customer object returned by reads ------------------------------- */

static void customer_destructor(void *arg)
{
	struct store_customer *c = arg;

	mem_deref((char *)c->tenant);
	mem_deref((char *)c->name);
	mem_deref((char *)c->language);
	mem_deref((char *)c->note);
	for (size_t i = 0; i < c->nidents; i++)
		mem_deref((char *)c->idents[i].value);
	mem_deref((void *)c->idents);
}

static int dup_col(const char **dst, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	char *d = NULL;

	*dst = NULL;
	if (!t)
		return 0;
	if (str_dup(&d, (const char *)t))
		return ENOMEM;
	*dst = d;
	return 0;
}

/* Read the customer of the current row of st and its identities. */
static int read_customer(struct store_conn *c, sqlite3_stmt *st,
                         struct store_customer **cp)
{
	struct store_customer *cu;
	struct store_identity *v = NULL;
	sqlite3_stmt *q;
	size_t n = 0, cap = 0;
	int rc, err = 0;

	cu = mem_zalloc(sizeof(*cu), customer_destructor);
	if (!cu)
		return ENOMEM;
	crm_col_id(st, 0, cu->id);
	err |= dup_col(&cu->tenant, st, 1);
	err |= dup_col(&cu->name, st, 2);
	err |= dup_col(&cu->language, st, 3);
	err |= dup_col(&cu->note, st, 4);
	cu->created = store_col_u64(st, 5);
	cu->updated = store_col_u64(st, 6);
	sqlite3_reset(st);
	if (err)
		goto out;

	q = crm_stmt(c, CS_IDENTS_OF,
	             "SELECT kind, value FROM customer_identity"
	             " WHERE customer = ?1 ORDER BY kind, value");
	if (!q) {
		err = EIO;
		goto out;
	}
	store_bind_text(q, 1, cu->id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		enum store_ident_kind k = STORE_IDENT_CHAT;

		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 4;
			void *p = v ? mem_realloc(v, ncap * sizeof(*v))
			            : mem_zalloc(ncap * sizeof(*v), NULL);
			if (!p) {
				err = ENOMEM;
				break;
			}
			v = p;
			cap = ncap;
		}
		(void)store_ident_kind_parse(
		    (const char *)sqlite3_column_text(q, 0), &k);
		v[n].kind = k;
		if (dup_col(&v[n].value, q, 1)) {
			err = ENOMEM;
			break;
		}
		n++;
	}
	if (!err && rc != SQLITE_DONE)
		err = store_conn_fail(c, rc, "customer identities");
	sqlite3_reset(q);
	cu->idents = v;
	cu->nidents = n;
out:
	if (err)
		mem_deref(cu);
	else
		*cp = cu;
	return err;
}

static int find_by_ident(struct store_conn *c, const char *tenant,
                         enum store_ident_kind kind, const char *value,
                         struct store_customer **cp)
{
	sqlite3_stmt *st;
	int rc;

	*cp = NULL;
	st = crm_stmt(c, CS_CUST_BY_IDENT,
	              "SELECT c.id, c.tenant, c.name, c.language, c.note,"
	              " c.created, c.updated FROM customer_identity i"
	              " JOIN customer c ON c.id = i.customer"
	              " WHERE i.tenant = ?1 AND i.kind = ?2 AND i.value = ?3");
	if (!st)
		return EIO;
	store_bind_text(st, 1, tenant);
	store_bind_text(st, 2, store_ident_kind_name(kind));
	store_bind_text(st, 3, value);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return ENOENT;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_conn_fail(c, rc, "customer lookup");
	}
	return read_customer(c, st, cp);
}

static int get_by_id(struct store_conn *c, const char *tenant, const char *id,
                     struct store_customer **cp)
{
	sqlite3_stmt *st;
	int rc;

	*cp = NULL;
	st = crm_stmt(c, CS_CUST_BY_ID,
	              "SELECT c.id, c.tenant, c.name, c.language, c.note,"
	              " c.created, c.updated FROM customer c"
	              " WHERE c.id = ?1 AND c.tenant = ?2");
	if (!st)
		return EIO;
	store_bind_text(st, 1, id);
	store_bind_text(st, 2, tenant);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return ENOENT;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_conn_fail(c, rc, "customer get");
	}
	return read_customer(c, st, cp);
}

/* --- sync reads ---------------------------------------------------------- */

struct find_args {
	const char *tenant, *id, *value;
	const char *workorder; /* the pop of this order's customer */
	enum store_ident_kind kind;
	uint32_t n;
};

static int find_fn(struct store_conn *c, const void *f, void **vp, size_t *np)
{
	const struct find_args *a = f;
	struct store_customer *cu = NULL;
	int err = a->id ? get_by_id(c, a->tenant, a->id, &cu)
	                : find_by_ident(c, a->tenant, a->kind, a->value, &cu);

	*vp = cu;
	*np = cu ? 1 : 0;
	return err;
}

int store_customer_find_sync(struct store *s, const char *tenant,
                             enum store_ident_kind kind, const char *value,
                             struct store_customer **cp)
{
	struct find_args a = {.tenant = tenant, .kind = kind, .value = value};
	size_t n;

	if (!cp || !tenant || !value || (unsigned)kind >= STORE_IDENT_MAX)
		return EINVAL;
	return store_read_sync(s, find_fn, &a, (void **)cp, &n);
}

int store_customer_get_sync(struct store *s, const char *tenant, const char *id,
                            struct store_customer **cp)
{
	struct find_args a = {.tenant = tenant, .id = id};
	size_t n;

	if (!cp || !tenant || !id)
		return EINVAL;
	return store_read_sync(s, find_fn, &a, (void **)cp, &n);
}

/* --- writes: put, identity add, import ----------------------------------- */

/* Give (kind, value) to customer id unless someone else has it. */
static int ident_add(struct store_conn *c, struct store_job *j,
                     const char *tenant, const char *id,
                     const struct store_identity *idn, char *why, size_t whysz)
{
	sqlite3_stmt *st;
	const char *kind = store_ident_kind_name(idn->kind);
	int rc;

	if (!idn->value || !*idn->value || !*kind) {
		snprintf(why, whysz, "empty or unknown identity");
		return EINVAL;
	}
	st = crm_stmt(c, CS_IDENT_OWNER,
	              "SELECT i.customer, c.name FROM customer_identity i"
	              " JOIN customer c ON c.id = i.customer"
	              " WHERE i.tenant = ?1 AND i.kind = ?2 AND i.value = ?3");
	if (!st)
		return EIO;
	store_bind_text(st, 1, tenant);
	store_bind_text(st, 2, kind);
	store_bind_text(st, 3, idn->value);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *owner = (const char *)sqlite3_column_text(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		bool mine = owner && !strcmp(owner, id);

		if (!mine)
			snprintf(why, whysz,
			         "%s %s already belongs to customer %s%s%s%s",
			         kind, idn->value, owner ? owner : "?",
			         name ? " (" : "", name ? name : "",
			         name ? ")" : "");
		sqlite3_reset(st);
		return mine ? 0 : EEXIST;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_conn_fail(c, rc, "identity lookup");

	st = crm_stmt(c, CS_IDENT_INSERT,
	              "INSERT INTO customer_identity"
	              " (tenant, kind, value, customer, created)"
	              " VALUES (?1, ?2, ?3, ?4, ?5)");
	if (!st)
		return EIO;
	store_bind_text(st, 1, tenant);
	store_bind_text(st, 2, kind);
	store_bind_text(st, 3, idn->value);
	store_bind_text(st, 4, id);
	store_bind_u64(st, 5, j->time);
	return crm_step_done(c, st, "identity insert");
}

/* Insert or update one customer with its identities (no savepoint). */
static int put_one(struct store_conn *c, struct store_job *j,
                   const struct store_customer *cu, char id[27], char *why,
                   size_t whysz)
{
	sqlite3_stmt *st;
	int err;

	if (!cu->id[0]) {
		store_new_id(id);
		st = crm_stmt(c, CS_CUST_INSERT,
		              "INSERT INTO customer (id, tenant, name,"
		              " language, note, created, updated)"
		              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)");
		if (!st)
			return EIO;
		store_bind_text(st, 1, id);
		store_bind_text(st, 2, cu->tenant);
		store_bind_text(st, 3, cu->name);
		store_bind_text(st, 4, cu->language);
		store_bind_text(st, 5, cu->note);
		store_bind_u64(st, 6, j->time);
		err = crm_step_done(c, st, "customer insert");
	} else {
		memcpy(id, cu->id, 27);
		st = crm_stmt(c, CS_CUST_UPDATE,
		              "UPDATE customer SET name = coalesce(?3, name),"
		              " language = coalesce(?4, language),"
		              " note = coalesce(?5, note), updated = ?6"
		              " WHERE id = ?1 AND tenant = ?2");
		if (!st)
			return EIO;
		store_bind_text(st, 1, id);
		store_bind_text(st, 2, cu->tenant);
		store_bind_text(st, 3, cu->name);
		store_bind_text(st, 4, cu->language);
		store_bind_text(st, 5, cu->note);
		store_bind_u64(st, 6, j->time);
		err = crm_step_done(c, st, "customer update");
		if (!err && sqlite3_changes(c->db) == 0) {
			snprintf(why, whysz, "no customer %s in tenant %s", id,
			         cu->tenant);
			err = ENOENT;
		}
	}
	for (size_t i = 0; !err && i < cu->nidents; i++)
		err =
		    ident_add(c, j, cu->tenant, id, &cu->idents[i], why, whysz);
	return err;
}

struct put_in {
	struct crm_in base;
	struct store_customer *v; /* one (put) or many (import) */
	uint32_t *rownum;
	size_t n;
	bool import, skip_bad;
};

/* Copy customers and their identities into in. */
static int copy_customers(struct put_in *in, const struct store_customer *src,
                          size_t n)
{
	in->v = crm_in_mem(&in->base, src, n * sizeof(*src));
	in->n = n;
	for (size_t i = 0; in->v && i < n; i++) {
		struct store_customer *d = &in->v[i];
		struct store_identity *idv;

		d->tenant = crm_in_str(&in->base, src[i].tenant);
		d->name = crm_in_str(&in->base, src[i].name);
		d->language = crm_in_str(&in->base, src[i].language);
		d->note = crm_in_str(&in->base, src[i].note);
		idv = crm_in_mem(&in->base, src[i].idents,
		                 src[i].nidents * sizeof(*idv));
		for (size_t k = 0; idv && k < src[i].nidents; k++)
			idv[k].value =
			    crm_in_str(&in->base, src[i].idents[k].value);
		d->idents = idv;
	}
	return in->base.nomem || !in->v ? ENOMEM : 0;
}

static int put_exec(struct store_conn *c, struct store_job *j)
{
	struct put_in *in = j->u.call.in;
	struct crm_res *res = crm_res_get(j);
	char why[400] = "";
	int err;

	if (!res)
		return ENOMEM;
	err = store_savepoint(c);
	if (err)
		return err;
	err = put_one(c, j, &in->v[0], res->r.id, why, sizeof(why));
	if (err) {
		store_rollback_to(c);
		if (why[0])
			crm_res_detail(j, "%s", why);
		return err;
	}
	res->r.time = j->time;
	return store_release(c);
}

static bool customer_ok(const struct store_customer *c)
{
	if (!c->tenant || !*c->tenant)
		return false;
	for (size_t i = 0; i < c->nidents; i++) {
		if ((unsigned)c->idents[i].kind >= STORE_IDENT_MAX ||
		    !c->idents[i].value || !*c->idents[i].value)
			return false;
	}
	return true;
}

int store_customer_put(struct store *s, const struct store_customer *c,
                       store_result_h *h, void *arg)
{
	struct put_in *in;

	if (!s || !c || !customer_ok(c))
		return EINVAL;
	in = crm_in_alloc(sizeof(*in));
	if (!in)
		return ENOMEM;
	if (copy_customers(in, c, 1)) {
		mem_deref(in);
		return ENOMEM;
	}
	return store_call_submit(s, true, put_exec, crm_deliver_result, h, arg,
	                         in);
}

int store_identity_add(struct store *s, const char *tenant,
                       const char *customer, enum store_ident_kind kind,
                       const char *value, store_result_h *h, void *arg)
{
	struct store_identity idn = {kind, value};
	struct store_customer c = {
	    .tenant = tenant, .idents = &idn, .nidents = 1};

	if (!customer || strlen(customer) >= sizeof(c.id) || !*customer)
		return EINVAL;
	snprintf(c.id, sizeof(c.id), "%s", customer);
	return store_customer_put(s, &c, h, arg);
}

static int import_exec(struct store_conn *c, struct store_job *j)
{
	struct put_in *in = j->u.call.in;
	struct crm_res *res = crm_res_get(j);
	uint64_t written = 0;
	int err;

	if (!res)
		return ENOMEM;
	err = store_savepoint(c);
	if (err)
		return err;
	for (size_t i = 0; i < in->n && !err; i++) {
		uint32_t row = in->rownum ? in->rownum[i] : (uint32_t)(i + 1);
		char why[400] = "", id[27];
		int e;

		err =
		    store_conn_step_slot(c, SLOT_CRM + CS_MAX, "SAVEPOINT row");
		if (err)
			break;
		e = put_one(c, j, &in->v[i], id, why, sizeof(why));
		if (!e) {
			err = store_conn_step_slot(c, SLOT_CRM + CS_MAX + 1,
			                           "RELEASE row");
			written++;
			continue;
		}
		if (!store_conn_in_txn(c)) {
			err = e; /* the transaction itself failed */
			break;
		}
		err = store_conn_step_slot(c, SLOT_CRM + CS_MAX + 2,
		                           "ROLLBACK TO row");
		if (!err)
			err = store_conn_step_slot(c, SLOT_CRM + CS_MAX + 1,
			                           "RELEASE row");
		if (!err && e != EEXIST && e != EINVAL && e != ENOENT)
			err = e; /* not the row's fault */
		if (!err)
			err = crm_res_reject(res, row,
			                     why[0] ? why : strerror(e));
	}
	if (!err && res->nrejects && !in->skip_bad) {
		crm_res_detail(j, "%zu of %zu rows rejected; nothing imported",
		               res->nrejects, in->n);
		err = EEXIST;
	}
	if (err) {
		store_rollback_to(c);
		res->r.number = 0;
		return err;
	}
	res->r.number = written;
	res->r.time = j->time;
	return store_release(c);
}

int store_customers_import(struct store *s, const char *tenant,
                           const struct store_customer *rows,
                           const uint32_t *rownum, size_t n, bool skip_bad,
                           store_result_h *h, void *arg)
{
	struct put_in *in;

	if (!s || !tenant || (!rows && n))
		return EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!rows[i].tenant || strcmp(rows[i].tenant, tenant) ||
		    rows[i].id[0])
			return EINVAL;
	}
	in = crm_in_alloc(sizeof(*in));
	if (!in)
		return ENOMEM;
	in->import = true;
	in->skip_bad = skip_bad;
	if ((n && copy_customers(in, rows, n)) ||
	    (rownum && !(in->rownum = crm_in_mem(&in->base, rownum,
	                                         n * sizeof(*rownum))))) {
		mem_deref(in);
		return ENOMEM;
	}
	return store_call_submit(s, true, import_exec, crm_deliver_result, h,
	                         arg, in);
}

/* --- linking interactions ------------------------------------------------ */

struct link_in {
	struct crm_in base;
	const char *tenant, *interaction, *customer, *value;
	enum store_ident_kind kind;
};

static int link_exec(struct store_conn *c, struct store_job *j)
{
	struct link_in *in = j->u.call.in;
	struct crm_res *res = crm_res_get(j);
	sqlite3_stmt *st;
	int rc, err;

	if (!res)
		return ENOMEM;
	if (in->customer) {
		st = crm_stmt(c, CS_CUST_EXISTS,
		              "SELECT 1 FROM customer"
		              " WHERE id = ?1 AND tenant = ?2");
		if (!st)
			return EIO;
		store_bind_text(st, 1, in->customer);
		store_bind_text(st, 2, in->tenant);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE) {
			crm_res_detail(j, "no customer %s in tenant %s",
			               in->customer, in->tenant);
			return ENOENT;
		}
		if (rc != SQLITE_ROW)
			return store_conn_fail(c, rc, "customer lookup");
		snprintf(res->r.id, sizeof(res->r.id), "%s", in->customer);
	} else {
		st =
		    crm_stmt(c, CS_LINK_BY_IDENT,
		             "SELECT customer FROM customer_identity"
		             " WHERE tenant = ?1 AND kind = ?2 AND value = ?3");
		if (!st)
			return EIO;
		store_bind_text(st, 1, in->tenant);
		store_bind_text(st, 2, store_ident_kind_name(in->kind));
		store_bind_text(st, 3, in->value);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			crm_col_id(st, 0, res->r.id);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return 0; /* nobody known by that identity */
		if (rc != SQLITE_ROW)
			return store_conn_fail(c, rc, "identity lookup");
	}
	st = crm_stmt(c, CS_LINK_DIRECT,
	              "UPDATE interaction SET customer = ?1"
	              " WHERE id = ?2 AND tenant = ?3");
	if (!st)
		return EIO;
	store_bind_text(st, 1, res->r.id);
	store_bind_text(st, 2, in->interaction);
	store_bind_text(st, 3, in->tenant);
	err = crm_step_done(c, st, "interaction link");
	if (!err && sqlite3_changes(c->db) == 0) {
		crm_res_detail(j, "no interaction %s in tenant %s",
		               in->interaction, in->tenant);
		res->r.id[0] = '\0';
		err = ENOENT;
	}
	return err;
}

int store_interaction_link(struct store *s, const char *tenant,
                           const char *interaction, const char *customer,
                           enum store_ident_kind kind, const char *value,
                           store_result_h *h, void *arg)
{
	struct link_in *in;

	if (!s || !tenant || !interaction ||
	    (!customer && (!value || (unsigned)kind >= STORE_IDENT_MAX)))
		return EINVAL;
	in = crm_in_alloc(sizeof(*in));
	if (!in)
		return ENOMEM;
	in->tenant = crm_in_str(&in->base, tenant);
	in->interaction = crm_in_str(&in->base, interaction);
	in->customer = crm_in_str(&in->base, customer);
	in->value = crm_in_str(&in->base, value);
	in->kind = kind;
	if (in->base.nomem) {
		mem_deref(in);
		return ENOMEM;
	}
	return store_call_submit(s, true, link_exec, crm_deliver_result, h, arg,
	                         in);
}

/* --- screen pop ---------------------------------------------------------- */

/* The customer id of a tenant's order into buf; ENOENT for no such order
 * or an order without customer. */
static int order_customer(struct store_conn *c, const char *tenant,
                          const char *order, char *buf, size_t sz)
{
	sqlite3_stmt *st = crm_stmt(c, CS_WO_CUSTOMER,
	                            "SELECT customer FROM workorder"
	                            " WHERE id = ?1 AND tenant = ?2");
	const unsigned char *v;
	int rc, err = ENOENT;

	if (!st)
		return EIO;
	store_bind_text(st, 1, order);
	store_bind_text(st, 2, tenant);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		v = sqlite3_column_text(st, 0);
		if (v && *v) {
			str_ncpy(buf, (const char *)v, sz);
			err = 0;
		}
	} else if (rc != SQLITE_DONE) {
		err = store_conn_fail(c, rc, "order customer");
	}
	sqlite3_reset(st);
	return err;
}

static void pop_destructor(void *arg)
{
	struct store_screen_pop *p = arg;

	mem_deref(p->customer);
	mem_deref(p->interactions);
	mem_deref(p->workorders);
}

static int pop_fn(struct store_conn *c, const void *f, void **vp, size_t *np)
{
	const struct find_args *a = f;
	struct store_screen_pop *p;
	struct store_rows rows;
	sqlite3_stmt *st;
	char cid[64];
	int rc, err;

	p = mem_zalloc(sizeof(*p), pop_destructor);
	if (!p)
		return ENOMEM;
	if (a->workorder) {
		err = order_customer(c, a->tenant, a->workorder, cid,
		                     sizeof(cid));
		if (!err)
			err = get_by_id(c, a->tenant, cid, &p->customer);
	} else {
		err = a->id ? get_by_id(c, a->tenant, a->id, &p->customer)
		            : find_by_ident(c, a->tenant, a->kind, a->value,
		                            &p->customer);
	}
	if (err)
		goto out;

	st = crm_stmt(c, CS_POP_INTERACTIONS,
	              "SELECT id, tenant, channel, caller, dialed, queue,"
	              " agent, arrived, queued, offered, answered, ended,"
	              " disposition, sip_code, reason, recording, customer,"
	              " wrapup_code, note FROM interaction WHERE customer = ?1"
	              " ORDER BY arrived DESC, id DESC LIMIT ?2");
	if (!st) {
		err = EIO;
		goto out;
	}
	store_bind_text(st, 1, p->customer->id);
	store_bind_u64(st, 2, a->n ? a->n : 10);
	store_rows_init(&rows, sizeof(struct store_interaction));
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW)
		err = crm_read_interaction(&rows, st);
	if (!err && rc != SQLITE_DONE)
		err = store_conn_fail(c, rc, "screen pop interactions");
	sqlite3_reset(st);
	if (!err)
		err = store_rows_finish(&rows, crm_in_strs, crm_in_nstrs,
		                        (void **)&p->interactions,
		                        &p->ninteractions);
	else
		store_rows_reset(&rows);
	if (err)
		goto out;

	st = crm_stmt(c, CS_POP_ORDERS,
	              "SELECT id, tenant, number, category, status, priority,"
	              " customer, unit, agent, subject, fields, interaction,"
	              " created, updated, due, warn_at, flagged, escalated,"
	              " next_check, answered, closed, satisfaction, version"
	              " FROM workorder WHERE customer = ?1"
	              " AND status <> 'closed' ORDER BY created DESC LIMIT 50");
	if (!st) {
		err = EIO;
		goto out;
	}
	store_bind_text(st, 1, p->customer->id);
	store_rows_init(&rows, sizeof(struct store_workorder));
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW)
		err = crm_read_workorder(&rows, st);
	if (!err && rc != SQLITE_DONE)
		err = store_conn_fail(c, rc, "screen pop orders");
	sqlite3_reset(st);
	if (!err)
		err =
		    store_rows_finish(&rows, crm_wo_strs, crm_wo_nstrs,
		                      (void **)&p->workorders, &p->nworkorders);
	else
		store_rows_reset(&rows);
out:
	if (err) {
		mem_deref(p);
		return err;
	}
	*vp = p;
	*np = 1;
	return 0;
}

int store_screen_pop_sync(struct store *s, const char *tenant,
                          enum store_ident_kind kind, const char *value,
                          uint32_t n, struct store_screen_pop **pp)
{
	struct find_args a = {
	    .tenant = tenant, .kind = kind, .value = value, .n = n};
	size_t cnt;

	if (!pp || !tenant || !value || (unsigned)kind >= STORE_IDENT_MAX)
		return EINVAL;
	return store_read_sync(s, pop_fn, &a, (void **)pp, &cnt);
}

struct pop_in {
	struct crm_in base;
	struct find_args a;
};

static int pop_exec(struct store_conn *c, struct store_job *j)
{
	struct pop_in *in = j->u.call.in;
	size_t n;

	return pop_fn(c, &in->a, &j->u.call.out, &n);
}

static void pop_deliver(struct store_job *j)
{
	store_screen_pop_h *h = (store_screen_pop_h *)j->u.call.h;

	h(j->err, j->err ? NULL : j->u.call.out, j->arg);
}

/* One screen-pop read on the reader side: a copies the caller's strings
 * into the job (they need not outlive the call). */
static int pop_submit(struct store *s, const struct find_args *a,
                      store_screen_pop_h *h, void *arg)
{
	struct pop_in *in = crm_in_alloc(sizeof(*in));

	if (!in)
		return ENOMEM;
	in->a = *a;
	in->a.tenant = crm_in_str(&in->base, a->tenant);
	in->a.value = a->value ? crm_in_str(&in->base, a->value) : NULL;
	in->a.id = a->id ? crm_in_str(&in->base, a->id) : NULL;
	in->a.workorder =
	    a->workorder ? crm_in_str(&in->base, a->workorder) : NULL;
	if (in->base.nomem) {
		mem_deref(in);
		return ENOMEM;
	}
	return store_call_submit(s, false, pop_exec, pop_deliver, h, arg, in);
}

int store_screen_pop_get(struct store *s, const char *tenant,
                         enum store_ident_kind kind, const char *value,
                         uint32_t n, store_screen_pop_h *h, void *arg)
{
	if (!s || !h || !tenant || !value || (unsigned)kind >= STORE_IDENT_MAX)
		return EINVAL;
	return pop_submit(
	    s,
	    &(struct find_args){
	        .tenant = tenant, .value = value, .kind = kind, .n = n},
	    h, arg);
}

int store_screen_pop_customer_get(struct store *s, const char *tenant,
                                  const char *customer, uint32_t n,
                                  store_screen_pop_h *h, void *arg)
{
	if (!s || !h || !tenant || !customer)
		return EINVAL;
	return pop_submit(
	    s, &(struct find_args){.tenant = tenant, .id = customer, .n = n}, h,
	    arg);
}

int store_screen_pop_workorder_get(struct store *s, const char *tenant,
                                   const char *workorder, uint32_t n,
                                   store_screen_pop_h *h, void *arg)
{
	if (!s || !h || !tenant || !workorder)
		return EINVAL;
	return pop_submit(s,
	                  &(struct find_args){
	                      .tenant = tenant, .workorder = workorder, .n = n},
	                  h, arg);
}

/* --- interactions for exports -------------------------------------------- */

struct export_args {
	const char *tenant, *customer;
	uint64_t since, until;
	uint32_t limit;
};

static int export_fn(struct store_conn *c, const void *f, void **vp, size_t *np)
{
	const struct export_args *a = f;
	struct store_rows rows;
	sqlite3_stmt *st;
	int rc, err = 0;

	st = crm_stmt(c, CS_CUST_INTERACTIONS,
	              "SELECT id, tenant, channel, caller, dialed, queue,"
	              " agent, arrived, queued, offered, answered, ended,"
	              " disposition, sip_code, reason, recording, customer"
	              " FROM interaction WHERE tenant = ?1"
	              " AND (?2 IS NULL OR customer = ?2)"
	              " AND arrived >= ?3 AND arrived < ?4"
	              " ORDER BY arrived, id LIMIT ?5");
	if (!st)
		return EIO;
	store_bind_text(st, 1, a->tenant);
	store_bind_text(st, 2, a->customer);
	store_bind_u64(st, 3, a->since);
	store_bind_u64(st, 4, a->until ? a->until : INT64_MAX);
	store_bind_u64(st, 5, store_limit(a->limit));
	store_rows_init(&rows, sizeof(struct store_interaction));
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW)
		err = crm_read_interaction(&rows, st);
	if (!err && rc != SQLITE_DONE)
		err = store_conn_fail(c, rc, "interactions export");
	sqlite3_reset(st);
	if (err) {
		store_rows_reset(&rows);
		return err;
	}
	return store_rows_finish(&rows, crm_in_strs, crm_in_nstrs, vp, np);
}

int store_customer_interactions_sync(struct store *s, const char *tenant,
                                     const char *customer, uint64_t since,
                                     uint64_t until, uint32_t limit,
                                     struct store_interaction **vp, size_t *np)
{
	struct export_args a = {tenant, customer, since, until, limit};

	if (!tenant)
		return EINVAL;
	return store_read_sync(s, export_fn, &a, (void **)vp, np);
}
