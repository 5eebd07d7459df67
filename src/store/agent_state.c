/**
 * @file agent_state.c  Agent state changes, appended in the order put.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <re.h>

#include "core/core.h"
#include "store/internal.h"

static const char put_sql[] =
    "INSERT INTO agent_state (tenant, agent, state, reason, time)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";

int store_agent_state_put(struct store *s, const char *tenant,
                          const char *agent, const char *state,
                          const char *reason, uint64_t time)
{
	struct store_job *j;

	if (!s || !tenant || !*tenant || !agent || !*agent || !state || !*state)
		return EINVAL;
	j = store_job_alloc(OP_AGENT_STATE_PUT,
	                    store_strsz(tenant) + store_strsz(agent) +
	                        store_strsz(state) + store_strsz(reason));
	if (!j)
		return ENOMEM;
	j->u.as.tenant = store_job_str(j, tenant);
	j->u.as.agent = store_job_str(j, agent);
	j->u.as.state = store_job_str(j, state);
	j->u.as.reason = store_job_str(j, reason);
	j->u.as.time = time ? time : j->time;
	return store_submit(s, j);
}

int store_agent_state_exec_put(struct store_conn *c, struct store_job *j)
{
	const struct store_agent_state *as = &j->u.as;
	sqlite3_stmt *st;
	int rc;

	st = store_conn_stmt(c, SLOT_AGENT_STATE_PUT, put_sql);
	if (!st)
		return EIO;
	store_bind_text(st, 1, as->tenant);
	store_bind_text(st, 2, as->agent);
	store_bind_text(st, 3, as->state);
	store_bind_text(st, 4, as->reason);
	store_bind_u64(st, 5, as->time);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_conn_fail(c, rc, "agent state put");
	return 0;
}

enum { F_TENANT = 1, F_AGENT = 2, F_SINCE = 4, F_UNTIL = 8 };

static const size_t str_fields[] = {
    offsetof(struct store_agent_state, tenant),
    offsetof(struct store_agent_state, agent),
    offsetof(struct store_agent_state, state),
    offsetof(struct store_agent_state, reason),
};

static int query(struct store_conn *c, const void *fv, void **vp, size_t *np)
{
	static const char *conds[] = {"tenant = ?1", "agent = ?2", "time >= ?3",
	                              "time < ?4"};
	const struct store_agent_state_filter *f = fv;
	unsigned mask = (f->tenant ? F_TENANT : 0) | (f->agent ? F_AGENT : 0) |
	                (f->since ? F_SINCE : 0) | (f->until ? F_UNTIL : 0);
	struct store_rows rows;
	sqlite3_stmt *st;
	char sql[512];
	size_t len;
	int rc, err = 0;

	len = (size_t)snprintf(sql, sizeof(sql),
	                       "SELECT tenant, agent, state, reason, time"
	                       " FROM agent_state");
	for (unsigned i = 0, first = 1; i < ARRAY_LEN(conds); i++) {
		if (!(mask & (1u << i)))
			continue;
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s%s",
		                        first ? " WHERE " : " AND ", conds[i]);
		first = 0;
	}
	snprintf(sql + len, sizeof(sql) - len, " ORDER BY time, seq LIMIT ?5");

	st = store_conn_stmt(c, SLOT_AGENT_STATES_GET + mask, sql);
	if (!st)
		return EIO;
	store_bind_text(st, 1, f->tenant);
	store_bind_text(st, 2, f->agent);
	store_bind_u64(st, 3, f->since);
	store_bind_u64(st, 4, f->until);
	store_bind_u64(st, 5, store_limit(f->limit));

	store_rows_init(&rows, sizeof(struct store_agent_state));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_agent_state *r = store_rows_add(&rows);
		if (!r) {
			err = ENOMEM;
			break;
		}
		err |= store_rows_str(&rows, &r->tenant,
		                      sqlite3_column_text(st, 0));
		err |= store_rows_str(&rows, &r->agent,
		                      sqlite3_column_text(st, 1));
		err |= store_rows_str(&rows, &r->state,
		                      sqlite3_column_text(st, 2));
		err |= store_rows_str(&rows, &r->reason,
		                      sqlite3_column_text(st, 3));
		r->time = store_col_u64(st, 4);
		if (err) {
			err = ENOMEM;
			break;
		}
	}
	if (!err && rc != SQLITE_DONE)
		err = store_conn_fail(c, rc, "agent state get");
	sqlite3_reset(st);
	if (err) {
		store_rows_reset(&rows);
		return err;
	}
	return store_rows_finish(&rows, str_fields, ARRAY_LEN(str_fields), vp,
	                         np);
}

int store_agent_states_get(struct store *s,
                           const struct store_agent_state_filter *f,
                           store_agent_states_h *h, void *arg)
{
	struct store_job *j;

	if (!s || !f || !h)
		return EINVAL;
	j = store_job_alloc(OP_AGENT_STATES_GET,
	                    store_strsz(f->tenant) + store_strsz(f->agent));
	if (!j)
		return ENOMEM;
	j->u.fas = *f;
	j->u.fas.tenant = store_job_str(j, f->tenant);
	j->u.fas.agent = store_job_str(j, f->agent);
	j->cb.agent_states = h;
	j->arg = arg;
	return store_submit(s, j);
}

int store_agent_state_exec_get(struct store_conn *c, struct store_job *j)
{
	return query(c, &j->u.fas, &j->rows, &j->nrows);
}

void store_agent_state_deliver_get(struct store_job *j)
{
	j->cb.agent_states(j->err, j->err ? NULL : j->rows,
	                   j->err ? 0 : j->nrows, j->arg);
}

int store_agent_states_get_sync(struct store *s,
                                const struct store_agent_state_filter *f,
                                struct store_agent_state **vp, size_t *np)
{
	return store_read_sync(s, query, f, (void **)vp, np);
}
