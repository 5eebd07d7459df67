/**
 * @file interval.c  Queue interval statistics: one row per (tenant, queue,
 * interval start), replaced if the engine sends the interval again.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <re.h>

#include "core/core.h"
#include "store/internal.h"

static const char put_sql[] =
    "INSERT INTO queue_interval (tenant, queue, start, length_s, offered,"
    " answered, answered_in_sl, abandoned, short_abandoned,"
    " abandoned_after_sl, overflowed, handled, wait_answered_ms,"
    " wait_abandoned_ms, handle_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
    " ?15)"
    " ON CONFLICT (tenant, queue, start) DO UPDATE SET"
    " length_s = excluded.length_s, offered = excluded.offered,"
    " answered = excluded.answered,"
    " answered_in_sl = excluded.answered_in_sl,"
    " abandoned = excluded.abandoned,"
    " short_abandoned = excluded.short_abandoned,"
    " abandoned_after_sl = excluded.abandoned_after_sl,"
    " overflowed = excluded.overflowed, handled = excluded.handled,"
    " wait_answered_ms = excluded.wait_answered_ms,"
    " wait_abandoned_ms = excluded.wait_abandoned_ms,"
    " handle_ms = excluded.handle_ms";

int store_interval_put(struct store *s, const struct store_interval *iv,
                       store_done_h *done, void *arg)
{
	struct store_job *j;

	if (!s || !iv || !iv->tenant || !*iv->tenant || !iv->queue ||
	    !*iv->queue)
		return EINVAL;
	j = store_job_alloc(OP_INTERVAL_PUT,
	                    store_strsz(iv->tenant) + store_strsz(iv->queue));
	if (!j)
		return ENOMEM;
	j->u.iv = *iv;
	j->u.iv.tenant = store_job_str(j, iv->tenant);
	j->u.iv.queue = store_job_str(j, iv->queue);
	j->cb.done = done;
	j->arg = arg;
	return store_submit(s, j);
}

int store_interval_exec_put(struct store_conn *c, struct store_job *j)
{
	const struct store_interval *iv = &j->u.iv;
	sqlite3_stmt *st;
	int rc;

	st = store_conn_stmt(c, SLOT_INTERVAL_PUT, put_sql);
	if (!st)
		return EIO;
	store_bind_text(st, 1, iv->tenant);
	store_bind_text(st, 2, iv->queue);
	store_bind_u64(st, 3, iv->start);
	store_bind_u64(st, 4, iv->length_s);
	store_bind_u64(st, 5, iv->offered);
	store_bind_u64(st, 6, iv->answered);
	store_bind_u64(st, 7, iv->answered_in_sl);
	store_bind_u64(st, 8, iv->abandoned);
	store_bind_u64(st, 9, iv->short_abandoned);
	store_bind_u64(st, 10, iv->abandoned_after_sl);
	store_bind_u64(st, 11, iv->overflowed);
	store_bind_u64(st, 12, iv->handled);
	store_bind_u64(st, 13, iv->wait_answered_ms);
	store_bind_u64(st, 14, iv->wait_abandoned_ms);
	store_bind_u64(st, 15, iv->handle_ms);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_conn_fail(c, rc, "interval put");
	return 0;
}

enum { F_TENANT = 1, F_QUEUE = 2, F_SINCE = 4, F_UNTIL = 8 };

static const size_t str_fields[] = {
    offsetof(struct store_interval, tenant),
    offsetof(struct store_interval, queue),
};

static int query(struct store_conn *c, const void *fv, void **vp, size_t *np)
{
	static const char *conds[] = {"tenant = ?1", "queue = ?2",
	                              "start >= ?3", "start < ?4"};
	const struct store_interval_filter *f = fv;
	unsigned mask = (f->tenant ? F_TENANT : 0) | (f->queue ? F_QUEUE : 0) |
	                (f->since ? F_SINCE : 0) | (f->until ? F_UNTIL : 0);
	struct store_rows rows;
	sqlite3_stmt *st;
	char sql[512];
	size_t len;
	int rc, err = 0;

	len = (size_t)snprintf(
	    sql, sizeof(sql),
	    "SELECT tenant, queue, start, length_s, offered, answered,"
	    " answered_in_sl, abandoned, short_abandoned,"
	    " abandoned_after_sl, overflowed, handled, wait_answered_ms,"
	    " wait_abandoned_ms, handle_ms FROM queue_interval");
	for (unsigned i = 0, first = 1; i < ARRAY_LEN(conds); i++) {
		if (!(mask & (1u << i)))
			continue;
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s%s",
		                        first ? " WHERE " : " AND ", conds[i]);
		first = 0;
	}
	snprintf(sql + len, sizeof(sql) - len,
	         " ORDER BY start, queue LIMIT ?5");

	st = store_conn_stmt(c, SLOT_INTERVALS_GET + mask, sql);
	if (!st)
		return EIO;
	store_bind_text(st, 1, f->tenant);
	store_bind_text(st, 2, f->queue);
	store_bind_u64(st, 3, f->since);
	store_bind_u64(st, 4, f->until);
	store_bind_u64(st, 5, store_limit(f->limit));

	store_rows_init(&rows, sizeof(struct store_interval));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_interval *r = store_rows_add(&rows);
		if (!r) {
			err = ENOMEM;
			break;
		}
		err |= store_rows_str(&rows, &r->tenant,
		                      sqlite3_column_text(st, 0));
		err |= store_rows_str(&rows, &r->queue,
		                      sqlite3_column_text(st, 1));
		r->start = store_col_u64(st, 2);
		r->length_s = (uint32_t)store_col_u64(st, 3);
		r->offered = (uint32_t)store_col_u64(st, 4);
		r->answered = (uint32_t)store_col_u64(st, 5);
		r->answered_in_sl = (uint32_t)store_col_u64(st, 6);
		r->abandoned = (uint32_t)store_col_u64(st, 7);
		r->short_abandoned = (uint32_t)store_col_u64(st, 8);
		r->abandoned_after_sl = (uint32_t)store_col_u64(st, 9);
		r->overflowed = (uint32_t)store_col_u64(st, 10);
		r->handled = (uint32_t)store_col_u64(st, 11);
		r->wait_answered_ms = store_col_u64(st, 12);
		r->wait_abandoned_ms = store_col_u64(st, 13);
		r->handle_ms = store_col_u64(st, 14);
		if (err) {
			err = ENOMEM;
			break;
		}
	}
	if (!err && rc != SQLITE_DONE)
		err = store_conn_fail(c, rc, "interval get");
	sqlite3_reset(st);
	if (err) {
		store_rows_reset(&rows);
		return err;
	}
	return store_rows_finish(&rows, str_fields, ARRAY_LEN(str_fields), vp,
	                         np);
}

int store_intervals_get(struct store *s, const struct store_interval_filter *f,
                        store_intervals_h *h, void *arg)
{
	struct store_job *j;

	if (!s || !f || !h)
		return EINVAL;
	j = store_job_alloc(OP_INTERVALS_GET,
	                    store_strsz(f->tenant) + store_strsz(f->queue));
	if (!j)
		return ENOMEM;
	j->u.fiv = *f;
	j->u.fiv.tenant = store_job_str(j, f->tenant);
	j->u.fiv.queue = store_job_str(j, f->queue);
	j->cb.intervals = h;
	j->arg = arg;
	return store_submit(s, j);
}

int store_interval_exec_get(struct store_conn *c, struct store_job *j)
{
	return query(c, &j->u.fiv, &j->rows, &j->nrows);
}

void store_interval_deliver_get(struct store_job *j)
{
	j->cb.intervals(j->err, j->err ? NULL : j->rows, j->err ? 0 : j->nrows,
	                j->arg);
}

int store_intervals_get_sync(struct store *s,
                             const struct store_interval_filter *f,
                             struct store_interval **vp, size_t *np)
{
	return store_read_sync(s, query, f, (void **)vp, np);
}
