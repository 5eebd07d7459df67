/**
 * @file crmutil.c  Helpers of the CRM record files: argument copies, write
 * results, and the column lists of rows read in several places.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <re.h>

#include "core/core.h"
#include "store/crm_int.h"

static void in_destructor(void *arg)
{
	struct crm_in *in = arg;

	for (size_t i = 0; i < in->n; i++)
		mem_deref(in->ptrs[i]);
	mem_deref(in->ptrs);
}

void *crm_in_alloc(size_t sz)
{
	return mem_zalloc(sz, in_destructor);
}

static void *keep(struct crm_in *in, void *p)
{
	if (!p) {
		in->nomem = true;
		return NULL;
	}
	if (in->n == in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 8;
		void **v = in->ptrs ? mem_realloc(in->ptrs, cap * sizeof(*v))
		                    : mem_alloc(cap * sizeof(*v), NULL);
		if (!v) {
			mem_deref(p);
			in->nomem = true;
			return NULL;
		}
		in->ptrs = v;
		in->cap = cap;
	}
	in->ptrs[in->n++] = p;
	return p;
}

const char *crm_in_str(struct crm_in *in, const char *s)
{
	char *d = NULL;

	if (!s)
		return NULL;
	if (str_dup(&d, s)) {
		in->nomem = true;
		return NULL;
	}
	return keep(in, d);
}

void *crm_in_mem(struct crm_in *in, const void *p, size_t len)
{
	void *d = mem_alloc(len ? len : 1, NULL);

	if (d && len)
		memcpy(d, p, len);
	return keep(in, d);
}

/* --- results ------------------------------------------------------------- */

static void res_destructor(void *arg)
{
	struct crm_res *res = arg;

	for (size_t i = 0; i < res->nrejects; i++)
		mem_deref((char *)res->rejects[i].reason);
	mem_deref(res->rejects);
}

struct crm_res *crm_res_get(struct store_job *j)
{
	struct crm_res *res = j->u.call.out;

	if (res)
		return res;
	res = mem_zalloc(sizeof(*res), res_destructor);
	if (res)
		res->r.status = -1;
	j->u.call.out = res;
	return res;
}

void crm_res_detail(struct store_job *j, const char *fmt, ...)
{
	struct crm_res *res = crm_res_get(j);
	va_list ap;

	if (!res)
		return;
	va_start(ap, fmt);
	vsnprintf(res->detail, sizeof(res->detail), fmt, ap);
	va_end(ap);
}

int crm_res_reject(struct crm_res *res, uint32_t row, const char *reason)
{
	char *r = NULL;

	if (res->nrejects == res->cap) {
		size_t cap = res->cap ? res->cap * 2 : 16;
		void *v =
		    res->rejects
		        ? mem_realloc(res->rejects, cap * sizeof(*res->rejects))
		        : mem_alloc(cap * sizeof(*res->rejects), NULL);
		if (!v)
			return ENOMEM;
		res->rejects = v;
		res->cap = cap;
	}
	if (str_dup(&r, reason))
		return ENOMEM;
	res->rejects[res->nrejects].row = row;
	res->rejects[res->nrejects].reason = r;
	res->nrejects++;
	return 0;
}

void crm_deliver_result(struct store_job *j)
{
	store_result_h *h = (store_result_h *)j->u.call.h;
	struct crm_res *res = j->u.call.out;
	struct store_result none = {.status = -1};

	if (!res) {
		h(j->err, &none, j->arg);
		return;
	}
	res->r.detail = res->detail[0] ? res->detail : NULL;
	res->r.code = res->code[0] ? res->code : NULL;
	res->r.unit = res->unit[0] ? res->unit : NULL;
	res->r.rejects = res->rejects;
	res->r.nrejects = res->nrejects;
	h(j->err, &res->r, j->arg);
}

int crm_step_done(struct store_conn *c, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	/* A constraint is the caller's mistake, not the database's: no
	 * ERROR line for it. */
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		HL_DEBUG(STORE_LOG, "%s: %s: %s", c->path, what,
		         sqlite3_errmsg(c->db));
		return EINVAL;
	}
	return store_conn_fail(c, rc, what);
}

void crm_col_id(sqlite3_stmt *st, int i, char id[27])
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(id, 27, "%s", t ? (const char *)t : "");
}

/* --- rows read in several places ----------------------------------------- */

const char crm_wo_columns[] =
    "id, tenant, number, category, status, priority, customer, unit,"
    " agent, subject, fields, interaction, created, updated, due, warn_at,"
    " flagged, escalated, next_check, answered, closed, satisfaction,"
    " version";

const size_t crm_wo_strs[] = {
    offsetof(struct store_workorder, tenant),
    offsetof(struct store_workorder, category),
    offsetof(struct store_workorder, customer),
    offsetof(struct store_workorder, unit),
    offsetof(struct store_workorder, agent),
    offsetof(struct store_workorder, subject),
    offsetof(struct store_workorder, fields),
    offsetof(struct store_workorder, interaction),
};
const size_t crm_wo_nstrs = ARRAY_LEN(crm_wo_strs);

int crm_read_workorder(struct store_rows *rows, sqlite3_stmt *st)
{
	struct store_workorder *w = store_rows_add(rows);
	const unsigned char *t;
	int err = 0;

	if (!w)
		return ENOMEM;
	crm_col_id(st, 0, w->id);
	err |= store_rows_str(rows, &w->tenant, crm_col(st, 1));
	w->number = store_col_u64(st, 2);
	err |= store_rows_str(rows, &w->category, crm_col(st, 3));
	t = crm_col(st, 4);
	w->status = -1;
	if (t)
		(void)store_wo_status_parse((const char *)t, &w->status);
	t = crm_col(st, 5);
	w->priority = STORE_PRIO_NORMAL;
	if (t)
		(void)store_wo_priority_parse((const char *)t, &w->priority);
	err |= store_rows_str(rows, &w->customer, crm_col(st, 6));
	err |= store_rows_str(rows, &w->unit, crm_col(st, 7));
	err |= store_rows_str(rows, &w->agent, crm_col(st, 8));
	err |= store_rows_str(rows, &w->subject, crm_col(st, 9));
	err |= store_rows_str(rows, &w->fields, crm_col(st, 10));
	err |= store_rows_str(rows, &w->interaction, crm_col(st, 11));
	w->created = store_col_u64(st, 12);
	w->updated = store_col_u64(st, 13);
	w->due = store_col_u64(st, 14);
	w->warn_at = store_col_u64(st, 15);
	w->flagged = store_col_u64(st, 16);
	w->escalated = store_col_u64(st, 17);
	w->next_check = store_col_u64(st, 18);
	w->answered = store_col_u64(st, 19);
	w->closed = store_col_u64(st, 20);
	w->satisfaction = (uint8_t)store_col_u64(st, 21);
	w->version = (uint32_t)store_col_u64(st, 22);
	return err ? ENOMEM : 0;
}

const char crm_in_columns[] =
    "id, tenant, channel, caller, dialed, queue, agent, arrived, queued,"
    " offered, answered, ended, disposition, sip_code, reason, recording,"
    " customer";

const size_t crm_in_strs[] = {
    offsetof(struct store_interaction, tenant),
    offsetof(struct store_interaction, channel),
    offsetof(struct store_interaction, caller),
    offsetof(struct store_interaction, dialed),
    offsetof(struct store_interaction, queue),
    offsetof(struct store_interaction, agent),
    offsetof(struct store_interaction, reason),
    offsetof(struct store_interaction, recording),
    offsetof(struct store_interaction, customer),
    offsetof(struct store_interaction, wrapup_code),
    offsetof(struct store_interaction, note),
};
const size_t crm_in_nstrs = ARRAY_LEN(crm_in_strs);

int crm_read_interaction(struct store_rows *rows, sqlite3_stmt *st)
{
	struct store_interaction *r = store_rows_add(rows);
	const unsigned char *t;
	enum store_disposition d = STORE_DISP_NONE;
	int err = 0;

	if (!r)
		return ENOMEM;
	crm_col_id(st, 0, r->id);
	err |= store_rows_str(rows, &r->tenant, crm_col(st, 1));
	err |= store_rows_str(rows, &r->channel, crm_col(st, 2));
	err |= store_rows_str(rows, &r->caller, crm_col(st, 3));
	err |= store_rows_str(rows, &r->dialed, crm_col(st, 4));
	err |= store_rows_str(rows, &r->queue, crm_col(st, 5));
	err |= store_rows_str(rows, &r->agent, crm_col(st, 6));
	r->arrived = store_col_u64(st, 7);
	r->queued = store_col_u64(st, 8);
	r->offered = store_col_u64(st, 9);
	r->answered = store_col_u64(st, 10);
	r->ended = store_col_u64(st, 11);
	t = crm_col(st, 12);
	if (t)
		(void)store_disposition_parse((const char *)t, &d);
	r->disposition = d;
	r->sip_code = (uint16_t)store_col_u64(st, 13);
	err |= store_rows_str(rows, &r->reason, crm_col(st, 14));
	err |= store_rows_str(rows, &r->recording, crm_col(st, 15));
	err |= store_rows_str(rows, &r->customer, crm_col(st, 16));
	/* the screen pop asks for the agent's wrap-up too */
	if (sqlite3_column_count(st) > 18) {
		err |= store_rows_str(rows, &r->wrapup_code, crm_col(st, 17));
		err |= store_rows_str(rows, &r->note, crm_col(st, 18));
	}
	return err ? ENOMEM : 0;
}
