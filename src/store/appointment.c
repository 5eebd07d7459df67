/**
 * @file appointment.c  Appointment slots with a capacity, and bookings
 * that take a place in the same transaction that checks it is free.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <re.h>

#include "core/core.h"
#include "store/crm_int.h"

struct slots_in {
	struct crm_in base;
	struct store_appt_slot *v;
	size_t n;
};

static int slots_exec(struct store_conn *c, struct store_job *j)
{
	struct slots_in *in = j->u.call.in;
	struct crm_res *res = crm_res_get(j);
	uint64_t made = 0;
	int err;

	if (!res)
		return ENOMEM;
	err = store_savepoint(c);
	for (size_t i = 0; i < in->n && !err; i++) {
		const struct store_appt_slot *sl = &in->v[i];
		sqlite3_stmt *st;
		char id[27];

		st = crm_stmt(
		    c, CS_SLOT_INSERT,
		    "INSERT INTO appointment_slot (id, tenant,"
		    " service, start, length_s, capacity, booked)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)"
		    " ON CONFLICT (tenant, service, start) DO NOTHING");
		if (!st) {
			err = EIO;
			break;
		}
		store_new_id(id);
		store_bind_text(st, 1, id);
		store_bind_text(st, 2, sl->tenant);
		store_bind_text(st, 3, sl->service);
		store_bind_u64(st, 4, sl->start);
		store_bind_u64(st, 5, sl->length_s);
		store_bind_u64(st, 6, sl->capacity);
		err = crm_step_done(c, st, "slot insert");
		made += (uint64_t)sqlite3_changes(c->db);
	}
	if (err) {
		if (store_conn_in_txn(c))
			store_rollback_to(c);
		return err;
	}
	res->r.number = made;
	return store_release(c);
}

int store_slots_ensure(struct store *s, const struct store_appt_slot *v,
                       size_t n, store_result_h *h, void *arg)
{
	struct slots_in *in;

	if (!s || (!v && n))
		return EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!v[i].tenant || !*v[i].tenant || !v[i].service ||
		    !*v[i].service || !v[i].length_s)
			return EINVAL;
	}
	in = crm_in_alloc(sizeof(*in));
	if (!in)
		return ENOMEM;
	in->v = crm_in_mem(&in->base, v, n * sizeof(*v));
	in->n = n;
	for (size_t i = 0; in->v && i < n; i++) {
		in->v[i].tenant = crm_in_str(&in->base, v[i].tenant);
		in->v[i].service = crm_in_str(&in->base, v[i].service);
	}
	if (in->base.nomem) {
		mem_deref(in);
		return ENOMEM;
	}
	return store_call_submit(s, true, slots_exec, crm_deliver_result, h,
	                         arg, in);
}

struct slots_args {
	const char *tenant, *service;
	uint64_t since, until;
};

static const size_t slot_strs[] = {
    offsetof(struct store_appt_slot, tenant),
    offsetof(struct store_appt_slot, service),
};

static int slots_fn(struct store_conn *c, const void *fv, void **vp, size_t *np)
{
	const struct slots_args *a = fv;
	struct store_rows rows;
	sqlite3_stmt *st;
	int rc, err = 0;

	st = crm_stmt(c, CS_SLOTS_GET,
	              "SELECT id, tenant, service, start, length_s, capacity,"
	              " booked FROM appointment_slot WHERE tenant = ?1"
	              " AND service = ?2 AND start >= ?3 AND start < ?4"
	              " ORDER BY start LIMIT 10000");
	if (!st)
		return EIO;
	store_bind_text(st, 1, a->tenant);
	store_bind_text(st, 2, a->service);
	store_bind_u64(st, 3, a->since);
	store_bind_u64(st, 4, a->until ? a->until : INT64_MAX);
	store_rows_init(&rows, sizeof(struct store_appt_slot));
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_appt_slot *r = store_rows_add(&rows);

		if (!r) {
			err = ENOMEM;
			break;
		}
		crm_col_id(st, 0, r->id);
		err |= store_rows_str(&rows, &r->tenant, crm_col(st, 1));
		err |= store_rows_str(&rows, &r->service, crm_col(st, 2));
		r->start = store_col_u64(st, 3);
		r->length_s = (uint32_t)store_col_u64(st, 4);
		r->capacity = (uint32_t)store_col_u64(st, 5);
		r->booked = (uint32_t)store_col_u64(st, 6);
		if (err)
			err = ENOMEM;
	}
	if (!err && rc != SQLITE_DONE)
		err = store_conn_fail(c, rc, "slots read");
	sqlite3_reset(st);
	if (err) {
		store_rows_reset(&rows);
		return err;
	}
	return store_rows_finish(&rows, slot_strs, ARRAY_LEN(slot_strs), vp,
	                         np);
}

int store_slots_get_sync(struct store *s, const char *tenant,
                         const char *service, uint64_t since, uint64_t until,
                         struct store_appt_slot **vp, size_t *np)
{
	struct slots_args a = {tenant, service, since, until};

	if (!tenant || !service)
		return EINVAL;
	return store_read_sync(s, slots_fn, &a, (void **)vp, np);
}

/* --- bookings ------------------------------------------------------------ */

struct book_in {
	struct crm_in base;
	struct store_booking b;
	const char *id; /* cancel */
};

/* Six characters a caller can read out and type on a phone: digits. */
static void make_code(const char *id, char code[16])
{
	uint32_t h = 2166136261u;

	for (const char *p = id; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	snprintf(code, 16, "%06u", h % 1000000u);
}

static int book_exec(struct store_conn *c, struct store_job *j)
{
	struct book_in *in = j->u.call.in;
	const struct store_booking *b = &in->b;
	struct crm_res *res = crm_res_get(j);
	sqlite3_stmt *st;
	int err, rc;

	if (!res)
		return ENOMEM;
	err = store_savepoint(c);
	if (err)
		return err;
	/* Take a place only if one is free: the check and the take are one
	 * statement, so no two bookings can share the last place. */
	st = crm_stmt(c, CS_SLOT_TAKE,
	              "UPDATE appointment_slot SET booked = booked + 1"
	              " WHERE id = ?1 AND tenant = ?2 AND booked < capacity");
	if (st) {
		store_bind_text(st, 1, b->slot);
		store_bind_text(st, 2, b->tenant);
	}
	err = st ? crm_step_done(c, st, "slot take") : EIO;
	if (err)
		goto fail;
	if (sqlite3_changes(c->db) == 0) {
		st = crm_stmt(c, CS_BOOK_SELECT,
		              "SELECT capacity FROM appointment_slot"
		              " WHERE id = ?1 AND tenant = ?2");
		if (!st) {
			err = EIO;
			goto fail;
		}
		store_bind_text(st, 1, b->slot);
		store_bind_text(st, 2, b->tenant);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			crm_res_detail(j, "slot full (all %u places booked)",
			               (unsigned)store_col_u64(st, 0));
			err = ENOSPC;
		} else {
			crm_res_detail(j, "no slot %s in tenant %s", b->slot,
			               b->tenant);
			err = ENOENT;
		}
		sqlite3_reset(st);
		goto fail;
	}
	store_new_id(res->r.id);
	make_code(res->r.id, res->code);
	st = crm_stmt(c, CS_BOOK_INSERT,
	              "INSERT INTO appointment (id, tenant, slot, customer,"
	              " phone, source, actor, code, created)"
	              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	if (!st) {
		err = EIO;
		goto fail;
	}
	/* a clash of codes (one in a million) takes the id's tail */
	for (int attempt = 0; attempt < 2; attempt++) {
		store_bind_text(st, 1, res->r.id);
		store_bind_text(st, 2, b->tenant);
		store_bind_text(st, 3, b->slot);
		store_bind_text(st, 4, b->customer);
		store_bind_text(st, 5, b->phone);
		store_bind_text(st, 6, b->source);
		store_bind_text(st, 7, b->actor);
		store_bind_text(st, 8, res->code);
		store_bind_u64(st, 9, j->time);
		err = crm_step_done(c, st, "booking insert");
		if (err != EINVAL || attempt)
			break;
		snprintf(res->code, sizeof(res->code), "%s", res->r.id + 16);
	}
	if (err) {
		crm_res_detail(j, "cannot book (unknown customer?)");
		goto fail;
	}
	res->r.time = j->time;
	return store_release(c);
fail:
	res->code[0] = '\0';
	store_rollback_to(c);
	return err;
}

int store_booking_add(struct store *s, const struct store_booking *b,
                      store_result_h *h, void *arg)
{
	struct book_in *in;

	if (!s || !b || !b->tenant || !b->slot || !b->source)
		return EINVAL;
	in = crm_in_alloc(sizeof(*in));
	if (!in)
		return ENOMEM;
	in->b = *b;
	in->b.tenant = crm_in_str(&in->base, b->tenant);
	in->b.slot = crm_in_str(&in->base, b->slot);
	in->b.customer = crm_in_str(&in->base, b->customer);
	in->b.phone = crm_in_str(&in->base, b->phone);
	in->b.source = crm_in_str(&in->base, b->source);
	in->b.actor = crm_in_str(&in->base, b->actor);
	if (in->base.nomem) {
		mem_deref(in);
		return ENOMEM;
	}
	return store_call_submit(s, true, book_exec, crm_deliver_result, h, arg,
	                         in);
}

static int cancel_exec(struct store_conn *c, struct store_job *j)
{
	struct book_in *in = j->u.call.in;
	struct crm_res *res = crm_res_get(j);
	sqlite3_stmt *st;
	int err;

	if (!res)
		return ENOMEM;
	err = store_savepoint(c);
	if (err)
		return err;
	st = crm_stmt(c, CS_BOOK_CANCEL,
	              "UPDATE appointment SET cancelled = ?3"
	              " WHERE id = ?1 AND tenant = ?2 AND cancelled IS NULL");
	err = st ? 0 : EIO;
	if (!err) {
		store_bind_text(st, 1, in->id);
		store_bind_text(st, 2, in->b.tenant);
		store_bind_u64(st, 3, j->time);
		err = crm_step_done(c, st, "booking cancel");
	}
	if (!err && sqlite3_changes(c->db) == 0) {
		crm_res_detail(j, "no booking %s to cancel", in->id);
		err = ENOENT;
	}
	if (!err) {
		st = crm_stmt(c, CS_SLOT_GIVE,
		              "UPDATE appointment_slot SET booked = booked - 1"
		              " WHERE id = (SELECT slot FROM appointment"
		              " WHERE id = ?1)");
		err = st ? 0 : EIO;
		if (!err) {
			store_bind_text(st, 1, in->id);
			err = crm_step_done(c, st, "slot give back");
		}
	}
	if (err) {
		store_rollback_to(c);
		return err;
	}
	snprintf(res->r.id, sizeof(res->r.id), "%s", in->id);
	res->r.time = j->time;
	return store_release(c);
}

int store_booking_cancel(struct store *s, const char *tenant, const char *id,
                         store_result_h *h, void *arg)
{
	struct book_in *in;

	if (!s || !tenant || !id)
		return EINVAL;
	in = crm_in_alloc(sizeof(*in));
	if (!in)
		return ENOMEM;
	in->b.tenant = crm_in_str(&in->base, tenant);
	in->id = crm_in_str(&in->base, id);
	if (in->base.nomem) {
		mem_deref(in);
		return ENOMEM;
	}
	return store_call_submit(s, true, cancel_exec, crm_deliver_result, h,
	                         arg, in);
}

struct books_args {
	const char *tenant, *slot, *customer;
};

static const size_t book_strs[] = {
    offsetof(struct store_booking, tenant),
    offsetof(struct store_booking, slot),
    offsetof(struct store_booking, customer),
    offsetof(struct store_booking, phone),
    offsetof(struct store_booking, source),
    offsetof(struct store_booking, actor),
    offsetof(struct store_booking, code),
    offsetof(struct store_booking, service),
};

static int books_fn(struct store_conn *c, const void *fv, void **vp, size_t *np)
{
	const struct books_args *a = fv;
	struct store_rows rows;
	sqlite3_stmt *st;
	int rc, err = 0;

	st = crm_stmt(c, CS_BOOKS_GET,
	              "SELECT b.id, b.tenant, b.slot, b.customer, b.phone,"
	              " b.source, b.actor, b.code, b.created, b.cancelled,"
	              " s.service, s.start FROM appointment b"
	              " JOIN appointment_slot s ON s.id = b.slot"
	              " WHERE b.tenant = ?1 AND (?2 IS NULL OR b.slot = ?2)"
	              " AND (?3 IS NULL OR b.customer = ?3)"
	              " ORDER BY s.start, b.created LIMIT 10000");
	if (!st)
		return EIO;
	store_bind_text(st, 1, a->tenant);
	store_bind_text(st, 2, a->slot);
	store_bind_text(st, 3, a->customer);
	store_rows_init(&rows, sizeof(struct store_booking));
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_booking *r = store_rows_add(&rows);

		if (!r) {
			err = ENOMEM;
			break;
		}
		crm_col_id(st, 0, r->id);
		err |= store_rows_str(&rows, &r->tenant, crm_col(st, 1));
		err |= store_rows_str(&rows, &r->slot, crm_col(st, 2));
		err |= store_rows_str(&rows, &r->customer, crm_col(st, 3));
		err |= store_rows_str(&rows, &r->phone, crm_col(st, 4));
		err |= store_rows_str(&rows, &r->source, crm_col(st, 5));
		err |= store_rows_str(&rows, &r->actor, crm_col(st, 6));
		err |= store_rows_str(&rows, &r->code, crm_col(st, 7));
		r->created = store_col_u64(st, 8);
		r->cancelled = store_col_u64(st, 9);
		err |= store_rows_str(&rows, &r->service, crm_col(st, 10));
		r->start = store_col_u64(st, 11);
		if (err)
			err = ENOMEM;
	}
	if (!err && rc != SQLITE_DONE)
		err = store_conn_fail(c, rc, "bookings read");
	sqlite3_reset(st);
	if (err) {
		store_rows_reset(&rows);
		return err;
	}
	return store_rows_finish(&rows, book_strs, ARRAY_LEN(book_strs), vp,
	                         np);
}

int store_bookings_get_sync(struct store *s, const char *tenant,
                            const char *slot, const char *customer,
                            struct store_booking **vp, size_t *np)
{
	struct books_args a = {tenant, slot, customer};

	if (!tenant)
		return EINVAL;
	return store_read_sync(s, books_fn, &a, (void **)vp, np);
}
