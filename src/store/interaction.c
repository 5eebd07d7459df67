/**
 * @file interaction.c  Interaction records: merge-upsert by id, filtered
 * reads.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <re.h>

#include "core/core.h"
#include "store/internal.h"

static const char *disp_names[] = {
    [STORE_DISP_NONE] = "",
    [STORE_DISP_ANSWERED] = "answered",
    [STORE_DISP_ABANDONED] = "abandoned",
    [STORE_DISP_OVERFLOWED] = "overflowed",
    [STORE_DISP_FAILED] = "failed",
};

const char *store_disposition_name(enum store_disposition d)
{
	if ((unsigned)d >= ARRAY_LEN(disp_names))
		return "";
	return disp_names[d];
}

int store_disposition_parse(const char *s, enum store_disposition *dp)
{
	if (!s || !dp)
		return EINVAL;
	for (size_t i = 0; i < ARRAY_LEN(disp_names); i++) {
		if (!strcmp(s, disp_names[i])) {
			*dp = (enum store_disposition)i;
			return 0;
		}
	}
	return EINVAL;
}

/* --- put ----------------------------------------------------------------- */

/* Merge: a NULL (unknown) value keeps what is stored.  The WHERE refuses an
 * update from another tenant (no row changes: EPERM). */
static const char put_sql[] =
    "INSERT INTO interaction (id, tenant, channel, caller, dialed, queue,"
    " agent, arrived, queued, offered, answered, ended, disposition,"
    " sip_code, reason, recording, updated, customer)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
    " ?15, ?16, ?17, ?18)"
    " ON CONFLICT (id) DO UPDATE SET"
    " channel = excluded.channel,"
    " caller = coalesce(excluded.caller, caller),"
    " dialed = coalesce(excluded.dialed, dialed),"
    " queue = coalesce(excluded.queue, queue),"
    " agent = coalesce(excluded.agent, agent),"
    " arrived = coalesce(excluded.arrived, arrived),"
    " queued = coalesce(excluded.queued, queued),"
    " offered = coalesce(excluded.offered, offered),"
    " answered = coalesce(excluded.answered, answered),"
    " ended = coalesce(excluded.ended, ended),"
    " disposition = coalesce(excluded.disposition, disposition),"
    " sip_code = coalesce(excluded.sip_code, sip_code),"
    " reason = coalesce(excluded.reason, reason),"
    " recording = coalesce(excluded.recording, recording),"
    " customer = coalesce(excluded.customer, customer),"
    " updated = excluded.updated"
    " WHERE tenant = excluded.tenant";

int store_interaction_put(struct store *s, const struct store_interaction *in,
                          store_done_h *done, void *arg)
{
	struct store_interaction *c;
	struct store_job *j;
	size_t idlen;

	if (!s || !in)
		return EINVAL;
	idlen = strnlen(in->id, sizeof(in->id));
	if (!idlen || idlen >= sizeof(in->id) || !in->tenant || !*in->tenant ||
	    !in->channel || !*in->channel ||
	    (unsigned)in->disposition > STORE_DISP_FAILED)
		return EINVAL;

	j = store_job_alloc(
	    OP_INTERACTION_PUT,
	    store_strsz(in->tenant) + store_strsz(in->channel) +
	        store_strsz(in->caller) + store_strsz(in->dialed) +
	        store_strsz(in->queue) + store_strsz(in->agent) +
	        store_strsz(in->reason) + store_strsz(in->recording) +
	        store_strsz(in->customer));
	if (!j)
		return ENOMEM;
	c = &j->u.in;
	*c = *in;
	c->tenant = store_job_str(j, in->tenant);
	c->channel = store_job_str(j, in->channel);
	c->caller = store_job_str(j, in->caller);
	c->dialed = store_job_str(j, in->dialed);
	c->queue = store_job_str(j, in->queue);
	c->agent = store_job_str(j, in->agent);
	c->reason = store_job_str(j, in->reason);
	c->recording = store_job_str(j, in->recording);
	c->customer = store_job_str(j, in->customer);
	j->cb.done = done;
	j->arg = arg;
	return store_submit(s, j);
}

int store_interaction_exec_put(struct store_conn *c, struct store_job *j)
{
	const struct store_interaction *in = &j->u.in;
	sqlite3_stmt *st;
	int rc;

	st = store_conn_stmt(c, SLOT_INTERACTION_PUT, put_sql);
	if (!st)
		return EIO;
	store_bind_text(st, 1, in->id);
	store_bind_text(st, 2, in->tenant);
	store_bind_text(st, 3, in->channel);
	store_bind_text(st, 4, in->caller);
	store_bind_text(st, 5, in->dialed);
	store_bind_text(st, 6, in->queue);
	store_bind_text(st, 7, in->agent);
	store_bind_ms(st, 8, in->arrived);
	store_bind_ms(st, 9, in->queued);
	store_bind_ms(st, 10, in->offered);
	store_bind_ms(st, 11, in->answered);
	store_bind_ms(st, 12, in->ended);
	store_bind_text(
	    st, 13,
	    in->disposition ? store_disposition_name(in->disposition) : NULL);
	store_bind_ms(st, 14, in->sip_code);
	store_bind_text(st, 15, in->reason);
	store_bind_text(st, 16, in->recording);
	store_bind_u64(st, 17, j->time);
	store_bind_text(st, 18, in->customer);

	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		int err = store_conn_fail(c, rc, "interaction put");
		sqlite3_reset(st);
		return err;
	}
	if (sqlite3_changes(c->db) == 0) {
		HL_WARN(STORE_LOG,
		        "%s: interaction %s: refused update from tenant '%s' "
		        "(stored under another tenant)",
		        c->path, in->id, in->tenant);
		sqlite3_reset(st);
		return EPERM;
	}
	sqlite3_reset(st);
	return 0;
}

/* --- get ----------------------------------------------------------------- */

enum {
	F_TENANT = 1 << 0,
	F_ID = 1 << 1,
	F_AGENT = 1 << 2,
	F_QUEUE = 1 << 3,
	F_CALLER = 1 << 4,
	F_SINCE = 1 << 5,
	F_UNTIL = 1 << 6,
};

static unsigned filter_mask(const struct store_interaction_filter *f)
{
	return (f->tenant ? F_TENANT : 0) | (f->id ? F_ID : 0) |
	       (f->agent ? F_AGENT : 0) | (f->queue ? F_QUEUE : 0) |
	       (f->caller ? F_CALLER : 0) | (f->since ? F_SINCE : 0) |
	       (f->until ? F_UNTIL : 0);
}

/* Parameters are numbered by filter (?1 tenant ... ?7 until, ?8 limit) so
 * the binding code is the same for every combination. */
static void build_query(unsigned mask, char *sql, size_t sz)
{
	static const char *conds[] = {
	    "tenant = ?1", "id = ?2",       "agent = ?3",   "queue = ?4",
	    "caller = ?5", "arrived >= ?6", "arrived < ?7",
	};
	size_t len;

	len = (size_t)snprintf(
	    sql, sz,
	    "SELECT id, tenant, channel, caller, dialed, queue, agent,"
	    " arrived, queued, offered, answered, ended, disposition,"
	    " sip_code, reason, recording, customer, wrapup_code, note,"
	    " (SELECT score FROM satisfaction s WHERE s.tenant ="
	    " interaction.tenant AND s.interaction = interaction.id"
	    " ORDER BY s.seq DESC LIMIT 1)"
	    " FROM interaction");
	for (unsigned i = 0, first = 1; i < ARRAY_LEN(conds); i++) {
		if (!(mask & (1u << i)))
			continue;
		len += (size_t)snprintf(sql + len, sz - len, "%s%s",
		                        first ? " WHERE " : " AND ", conds[i]);
		first = 0;
	}
	snprintf(sql + len, sz - len,
	         " ORDER BY arrived DESC, id DESC LIMIT ?8");
}

static const size_t str_fields[] = {
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

static int query(struct store_conn *c, const void *fv, void **vp, size_t *np)
{
	const struct store_interaction_filter *f = fv;
	unsigned mask = filter_mask(f);
	struct store_rows rows;
	sqlite3_stmt *st;
	char sql[1024];
	int rc, err = 0;

	build_query(mask, sql, sizeof(sql));
	st = store_conn_stmt(c, SLOT_INTERACTIONS_GET + mask, sql);
	if (!st)
		return EIO;
	store_bind_text(st, 1, f->tenant);
	store_bind_text(st, 2, f->id);
	store_bind_text(st, 3, f->agent);
	store_bind_text(st, 4, f->queue);
	store_bind_text(st, 5, f->caller);
	store_bind_u64(st, 6, f->since);
	store_bind_u64(st, 7, f->until);
	store_bind_u64(st, 8, store_limit(f->limit));

	store_rows_init(&rows, sizeof(struct store_interaction));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_interaction *r = store_rows_add(&rows);
		const unsigned char *t;
		enum store_disposition d = STORE_DISP_NONE;

		if (!r) {
			err = ENOMEM;
			break;
		}
		t = sqlite3_column_text(st, 0);
		snprintf(r->id, sizeof(r->id), "%s", t ? (const char *)t : "");
		err |= store_rows_str(&rows, &r->tenant,
		                      sqlite3_column_text(st, 1));
		err |= store_rows_str(&rows, &r->channel,
		                      sqlite3_column_text(st, 2));
		err |= store_rows_str(&rows, &r->caller,
		                      sqlite3_column_text(st, 3));
		err |= store_rows_str(&rows, &r->dialed,
		                      sqlite3_column_text(st, 4));
		err |= store_rows_str(&rows, &r->queue,
		                      sqlite3_column_text(st, 5));
		err |= store_rows_str(&rows, &r->agent,
		                      sqlite3_column_text(st, 6));
		r->arrived = store_col_u64(st, 7);
		r->queued = store_col_u64(st, 8);
		r->offered = store_col_u64(st, 9);
		r->answered = store_col_u64(st, 10);
		r->ended = store_col_u64(st, 11);
		t = sqlite3_column_text(st, 12);
		if (t)
			(void)store_disposition_parse((const char *)t, &d);
		r->disposition = d;
		r->sip_code = (uint16_t)store_col_u64(st, 13);
		err |= store_rows_str(&rows, &r->reason,
		                      sqlite3_column_text(st, 14));
		err |= store_rows_str(&rows, &r->recording,
		                      sqlite3_column_text(st, 15));
		err |= store_rows_str(&rows, &r->customer,
		                      sqlite3_column_text(st, 16));
		err |= store_rows_str(&rows, &r->wrapup_code,
		                      sqlite3_column_text(st, 17));
		err |= store_rows_str(&rows, &r->note,
		                      sqlite3_column_text(st, 18));
		r->satisfaction = (uint8_t)store_col_u64(st, 19);
		if (err) {
			err = ENOMEM;
			break;
		}
	}
	if (!err && rc != SQLITE_DONE)
		err = store_conn_fail(c, rc, "interaction get");
	sqlite3_reset(st); /* ends the read transaction */
	if (err) {
		store_rows_reset(&rows);
		return err;
	}
	return store_rows_finish(&rows, str_fields, ARRAY_LEN(str_fields), vp,
	                         np);
}

int store_interactions_get(struct store *s,
                           const struct store_interaction_filter *f,
                           store_interactions_h *h, void *arg)
{
	struct store_interaction_filter *c;
	struct store_job *j;

	if (!s || !f || !h)
		return EINVAL;
	j = store_job_alloc(OP_INTERACTIONS_GET,
	                    store_strsz(f->tenant) + store_strsz(f->id) +
	                        store_strsz(f->agent) + store_strsz(f->queue) +
	                        store_strsz(f->caller));
	if (!j)
		return ENOMEM;
	c = &j->u.fin;
	*c = *f;
	c->tenant = store_job_str(j, f->tenant);
	c->id = store_job_str(j, f->id);
	c->agent = store_job_str(j, f->agent);
	c->queue = store_job_str(j, f->queue);
	c->caller = store_job_str(j, f->caller);
	j->cb.interactions = h;
	j->arg = arg;
	return store_submit(s, j);
}

int store_interaction_exec_get(struct store_conn *c, struct store_job *j)
{
	return query(c, &j->u.fin, &j->rows, &j->nrows);
}

void store_interaction_deliver_get(struct store_job *j)
{
	j->cb.interactions(j->err, j->err ? NULL : j->rows,
	                   j->err ? 0 : j->nrows, j->arg);
}

int store_interactions_get_sync(struct store *s,
                                const struct store_interaction_filter *f,
                                struct store_interaction **vp, size_t *np)
{
	return store_read_sync(s, query, f, (void **)vp, np);
}

struct count_filter {
	const char *tenant;
	uint64_t since;
};

/* A contact is answered after it arrived and within a day of it (no
 * contact waits longer): the bound on arrived lets the (tenant, arrived)
 * index narrow the scan to the last two days. */
static int count_query(struct store_conn *c, const void *fv, void **vp,
                       size_t *np)
{
	static const char sql[] =
	    "SELECT agent, COUNT(*) FROM interaction"
	    " WHERE tenant = ?1 AND arrived >= ?2 AND answered >= ?3"
	    " AND agent IS NOT NULL AND agent != '' GROUP BY agent";
	static const size_t str[] = {offsetof(struct store_agent_count, agent)};
	const struct count_filter *f = fv;
	struct store_rows rows;
	sqlite3_stmt *st;
	int rc, err = 0;

	/* Read once at start: not worth a cached statement. */
	rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_conn_fail(c, rc, "agent contacts");
	store_bind_text(st, 1, f->tenant);
	store_bind_u64(st, 2, f->since > 86400000 ? f->since - 86400000 : 0);
	store_bind_u64(st, 3, f->since);
	store_rows_init(&rows, sizeof(struct store_agent_count));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_agent_count *r = store_rows_add(&rows);

		if (!r || store_rows_str(&rows, &r->agent,
		                         sqlite3_column_text(st, 0))) {
			err = ENOMEM;
			break;
		}
		r->contacts = store_col_u64(st, 1);
	}
	if (!err && rc != SQLITE_DONE)
		err = store_conn_fail(c, rc, "agent contacts");
	sqlite3_finalize(st);
	if (err) {
		store_rows_reset(&rows);
		return err;
	}
	return store_rows_finish(&rows, str, ARRAY_LEN(str), vp, np);
}

int store_agent_contacts_sync(struct store *s, const char *tenant,
                              uint64_t since, struct store_agent_count **vp,
                              size_t *np)
{
	struct count_filter f = {tenant, since};

	if (!s || !tenant || !vp || !np)
		return EINVAL;
	return store_read_sync(s, count_query, &f, (void **)vp, np);
}
