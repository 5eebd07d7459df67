/**
 * @file workorder.c  Work orders: numbered creation, changes checked
 * against the current status in the same transaction, the append-only
 * audit trail, the deadline scan, searches, attachments, follow-ups,
 * satisfaction and handling units.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <re.h>

#include "core/core.h"
#include "store/crm_int.h"

static const char *status_names[] = {
    [STORE_WO_NEW] = "new",
    [STORE_WO_DISPATCHED] = "dispatched",
    [STORE_WO_IN_PROGRESS] = "in_progress",
    [STORE_WO_ANSWERED] = "answered",
    [STORE_WO_FOLLOW_UP] = "follow_up",
    [STORE_WO_CLOSED] = "closed",
    [STORE_WO_REOPENED] = "reopened",
};

static const char *prio_names[] = {
    [STORE_PRIO_LOW] = "low",
    [STORE_PRIO_NORMAL] = "normal",
    [STORE_PRIO_HIGH] = "high",
    [STORE_PRIO_URGENT] = "urgent",
};

const char *store_wo_status_name(int st)
{
	return st >= 0 && st < STORE_WO_NSTATUS ? status_names[st] : "";
}

int store_wo_status_parse(const char *s, int *stp)
{
	for (int i = 0; s && i < STORE_WO_NSTATUS; i++) {
		if (!strcmp(s, status_names[i])) {
			*stp = i;
			return 0;
		}
	}
	return EINVAL;
}

const char *store_wo_priority_name(int p)
{
	return p >= 0 && p < STORE_PRIO_MAX ? prio_names[p] : "";
}

int store_wo_priority_parse(const char *s, int *pp)
{
	for (int i = 0; s && i < STORE_PRIO_MAX; i++) {
		if (!strcmp(s, prio_names[i])) {
			*pp = i;
			return 0;
		}
	}
	return EINVAL;
}

/* Orders waiting for an answer are watched by the deadline scan; once
 * answered (or closed) nothing is due any more. */
static bool watched(int status)
{
	return status == STORE_WO_NEW || status == STORE_WO_DISPATCHED ||
	       status == STORE_WO_IN_PROGRESS || status == STORE_WO_REOPENED;
}

static uint64_t next_check(int status, uint64_t due, uint64_t warn_at,
                           uint64_t flagged, uint64_t escalated)
{
	if (!watched(status))
		return 0;
	if (!flagged && warn_at && (!due || warn_at < due))
		return warn_at;
	if (!escalated && due)
		return due;
	return 0;
}

static int event_add(struct store_conn *c, const char *tenant, const char *wo,
                     uint64_t time, const char *actor, const char *role,
                     const char *kind, const char *action, int from, int to,
                     const char *text, const char *data)
{
	sqlite3_stmt *st;

	st = crm_stmt(c, CS_EVENT_INSERT,
	              "INSERT INTO workorder_event (tenant, workorder, time,"
	              " actor, role, kind, action, from_status, to_status,"
	              " text, data)"
	              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
	if (!st)
		return EIO;
	store_bind_text(st, 1, tenant);
	store_bind_text(st, 2, wo);
	store_bind_u64(st, 3, time);
	store_bind_text(st, 4, actor);
	store_bind_text(st, 5, role);
	store_bind_text(st, 6, kind);
	store_bind_text(st, 7, action);
	store_bind_text(st, 8, from >= 0 ? store_wo_status_name(from) : NULL);
	store_bind_text(st, 9, to >= 0 ? store_wo_status_name(to) : NULL);
	store_bind_text(st, 10, text);
	store_bind_text(st, 11, data);
	return crm_step_done(c, st, "audit insert");
}

/* --- create -------------------------------------------------------------- */

struct create_in {
	struct crm_in base;
	struct store_workorder w;
	const char *actor, *role;
};

/* ENOENT (with the detail) unless id is a row of tenant; 0 for no id. */
static int in_tenant(struct store_conn *c, struct store_job *j, unsigned slot,
                     const char *sql, const char *id, const char *tenant,
                     const char *what)
{
	sqlite3_stmt *st;
	int rc;

	if (!id)
		return 0;
	st = crm_stmt(c, slot, sql);
	if (!st)
		return EIO;
	store_bind_text(st, 1, id);
	store_bind_text(st, 2, tenant);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return store_conn_fail(c, rc, what);
	crm_res_detail(j, "no %s %s", what, id);
	return ENOENT;
}

static int create_exec(struct store_conn *c, struct store_job *j)
{
	struct create_in *in = j->u.call.in;
	struct store_workorder *w = &in->w;
	struct crm_res *res = crm_res_get(j);
	sqlite3_stmt *st;
	uint64_t number = 0, nc;
	int rc, err;

	if (!res)
		return ENOMEM;
	err = store_savepoint(c);
	if (err)
		return err;

	/* The customer and the contact named must be the tenant's (the
	 * foreign keys check only that they exist). */
	err = in_tenant(c, j, CS_CUST_IN_TENANT,
	                "SELECT 1 FROM customer WHERE id = ?1 AND tenant = ?2",
	                w->customer, w->tenant, "customer");
	if (!err)
		err = in_tenant(c, j, CS_INT_IN_TENANT,
		                "SELECT 1 FROM interaction"
		                " WHERE id = ?1 AND tenant = ?2",
		                w->interaction, w->tenant, "interaction");
	if (err)
		goto fail;

	/* The next number of the tenant; the row lock (the write lock in
	 * SQLite) keeps two creations from taking the same one. */
	st = crm_stmt(c, CS_WO_NUMBER_BUMP,
	              "INSERT INTO workorder_number (tenant, last)"
	              " VALUES (?1, 1) ON CONFLICT (tenant)"
	              " DO UPDATE SET last = workorder_number.last + 1");
	if (st)
		store_bind_text(st, 1, w->tenant);
	err = st ? crm_step_done(c, st, "order number") : EIO;
	if (err)
		goto fail;
	st = crm_stmt(c, CS_WO_NUMBER_GET,
	              "SELECT last FROM workorder_number WHERE tenant = ?1");
	if (!st) {
		err = EIO;
		goto fail;
	}
	store_bind_text(st, 1, w->tenant);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		number = store_col_u64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		err = store_conn_fail(c, rc, "order number");
		goto fail;
	}

	store_new_id(res->r.id);
	nc = next_check(w->status, w->due, w->warn_at, 0, 0);
	st = crm_stmt(c, CS_WO_INSERT,
	              "INSERT INTO workorder (id, tenant, number, category,"
	              " status, priority, customer, unit, agent, subject,"
	              " fields, interaction, created, updated, due, warn_at,"
	              " next_check, version)"
	              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
	              " ?12, ?13, ?13, ?14, ?15, ?16, 1)");
	if (!st) {
		err = EIO;
		goto fail;
	}
	store_bind_text(st, 1, res->r.id);
	store_bind_text(st, 2, w->tenant);
	store_bind_u64(st, 3, number);
	store_bind_text(st, 4, w->category);
	store_bind_text(st, 5, store_wo_status_name(w->status));
	store_bind_text(st, 6, store_wo_priority_name(w->priority));
	store_bind_text(st, 7, w->customer);
	store_bind_text(st, 8, w->unit);
	store_bind_text(st, 9, w->agent);
	store_bind_text(st, 10, w->subject);
	store_bind_text(st, 11, w->fields ? w->fields : "{}");
	store_bind_text(st, 12, w->interaction);
	store_bind_u64(st, 13, j->time);
	store_bind_ms(st, 14, w->due);
	store_bind_ms(st, 15, w->warn_at);
	store_bind_ms(st, 16, nc);
	err = crm_step_done(c, st, "order insert");
	if (err) {
		crm_res_detail(j, "cannot create the order (unknown customer "
		                  "or unit?)");
		goto fail;
	}
	err = event_add(c, w->tenant, res->r.id, j->time, in->actor, in->role,
	                "created", "create", -1, w->status, w->subject,
	                w->fields);
	if (err)
		goto fail;
	res->r.number = number;
	res->r.version = 1;
	res->r.status = w->status;
	res->r.time = j->time;
	res->r.due = w->due;
	res->r.next_check = nc;
	return store_release(c);
fail:
	store_rollback_to(c);
	return err;
}

int store_workorder_create(struct store *s, const struct store_workorder *w,
                           const char *actor, const char *role,
                           store_result_h *h, void *arg)
{
	struct create_in *in;

	if (!s || !w || !w->tenant || !*w->tenant || !w->category ||
	    !*w->category || !actor || !role || w->status < 0 ||
	    w->status >= STORE_WO_NSTATUS || w->priority < 0 ||
	    w->priority >= STORE_PRIO_MAX)
		return EINVAL;
	in = crm_in_alloc(sizeof(*in));
	if (!in)
		return ENOMEM;
	in->w = *w;
	in->w.tenant = crm_in_str(&in->base, w->tenant);
	in->w.category = crm_in_str(&in->base, w->category);
	in->w.customer = crm_in_str(&in->base, w->customer);
	in->w.unit = crm_in_str(&in->base, w->unit);
	in->w.agent = crm_in_str(&in->base, w->agent);
	in->w.subject = crm_in_str(&in->base, w->subject);
	in->w.fields = crm_in_str(&in->base, w->fields);
	in->w.interaction = crm_in_str(&in->base, w->interaction);
	in->actor = crm_in_str(&in->base, actor);
	in->role = crm_in_str(&in->base, role);
	if (in->base.nomem) {
		mem_deref(in);
		return ENOMEM;
	}
	return store_call_submit(s, true, create_exec, crm_deliver_result, h,
	                         arg, in);
}

/* --- change -------------------------------------------------------------- */

struct change_in {
	struct crm_in base;
	struct store_wo_change c;
};

/* The columns a change may read and write. */
struct wo_state {
	int status;
	char unit[128], agent[128], customer[27];
	bool has_unit, has_agent, has_customer;
	uint64_t due, warn_at, flagged, escalated, answered, closed;
	uint8_t satisfaction;
	uint32_t version;
	uint64_t number;
};

static void col_text(sqlite3_stmt *st, int i, char *buf, size_t sz, bool *has)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	*has = t != NULL;
	snprintf(buf, sz, "%s", t ? (const char *)t : "");
}

static int state_read(struct store_conn *c, const char *tenant, const char *id,
                      struct wo_state *ws)
{
	sqlite3_stmt *st;
	const unsigned char *t;
	int rc;

	st = crm_stmt(c, CS_WO_SELECT,
	              "SELECT status, unit, agent, customer, due, warn_at,"
	              " flagged, escalated, answered, closed, satisfaction,"
	              " version, number FROM workorder"
	              " WHERE id = ?1 AND tenant = ?2");
	if (!st)
		return EIO;
	store_bind_text(st, 1, id);
	store_bind_text(st, 2, tenant);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? ENOENT
		                         : store_conn_fail(c, rc, "order read");
	}
	memset(ws, 0, sizeof(*ws));
	t = sqlite3_column_text(st, 0);
	ws->status = -1;
	if (t)
		(void)store_wo_status_parse((const char *)t, &ws->status);
	col_text(st, 1, ws->unit, sizeof(ws->unit), &ws->has_unit);
	col_text(st, 2, ws->agent, sizeof(ws->agent), &ws->has_agent);
	col_text(st, 3, ws->customer, sizeof(ws->customer), &ws->has_customer);
	ws->due = store_col_u64(st, 4);
	ws->warn_at = store_col_u64(st, 5);
	ws->flagged = store_col_u64(st, 6);
	ws->escalated = store_col_u64(st, 7);
	ws->answered = store_col_u64(st, 8);
	ws->closed = store_col_u64(st, 9);
	ws->satisfaction = (uint8_t)store_col_u64(st, 10);
	ws->version = (uint32_t)store_col_u64(st, 11);
	ws->number = store_col_u64(st, 12);
	sqlite3_reset(st);
	return 0;
}

static int state_write(struct store_conn *c, const char *id, uint64_t now,
                       const struct wo_state *ws, const char *fields)
{
	sqlite3_stmt *st;

	st = crm_stmt(c, CS_WO_UPDATE,
	              "UPDATE workorder SET status = ?2, unit = ?3,"
	              " agent = ?4, due = ?5, warn_at = ?6, flagged = ?7,"
	              " escalated = ?8, next_check = ?9, answered = ?10,"
	              " closed = ?11, satisfaction = ?12, version = ?13,"
	              " updated = ?14, fields = coalesce(?15, fields)"
	              " WHERE id = ?1");
	if (!st)
		return EIO;
	store_bind_text(st, 1, id);
	store_bind_text(st, 2, store_wo_status_name(ws->status));
	store_bind_text(st, 3, ws->has_unit ? ws->unit : NULL);
	store_bind_text(st, 4, ws->has_agent ? ws->agent : NULL);
	store_bind_ms(st, 5, ws->due);
	store_bind_ms(st, 6, ws->warn_at);
	store_bind_ms(st, 7, ws->flagged);
	store_bind_ms(st, 8, ws->escalated);
	store_bind_ms(st, 9,
	              next_check(ws->status, ws->due, ws->warn_at, ws->flagged,
	                         ws->escalated));
	store_bind_ms(st, 10, ws->answered);
	store_bind_ms(st, 11, ws->closed);
	if (ws->satisfaction)
		sqlite3_bind_int(st, 12, ws->satisfaction);
	store_bind_u64(st, 13, ws->version);
	store_bind_u64(st, 14, now);
	store_bind_text(st, 15, fields);
	return crm_step_done(c, st, "order update");
}

static int followup_add(struct store_conn *c, const char *tenant,
                        const char *wo, const struct wo_state *ws,
                        const char *kind, const char *address, uint64_t now)
{
	sqlite3_stmt *st;
	char id[27];

	store_new_id(id);
	st = crm_stmt(c, CS_FOLLOWUP_INSERT,
	              "INSERT INTO followup (id, tenant, workorder, customer,"
	              " kind, address, status, created)"
	              " VALUES (?1, ?2, ?3, ?4, ?5, coalesce(?6,"
	              " (SELECT value FROM customer_identity"
	              " WHERE customer = ?4 AND kind = 'phone'"
	              " ORDER BY created LIMIT 1)), 'pending', ?7)");
	if (!st)
		return EIO;
	store_bind_text(st, 1, id);
	store_bind_text(st, 2, tenant);
	store_bind_text(st, 3, wo);
	store_bind_text(st, 4, ws->has_customer ? ws->customer : NULL);
	store_bind_text(st, 5, kind);
	store_bind_text(st, 6, address);
	store_bind_u64(st, 7, now);
	return crm_step_done(c, st, "follow-up insert");
}

static int satisfaction_add(struct store_conn *c, const char *tenant,
                            const char *interaction, const char *wo,
                            uint8_t score, const char *source,
                            const char *actor, uint64_t now)
{
	sqlite3_stmt *st;

	st = crm_stmt(c, CS_SAT_INSERT,
	              "INSERT INTO satisfaction (tenant, interaction,"
	              " workorder, score, source, actor, time)"
	              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!st)
		return EIO;
	store_bind_text(st, 1, tenant);
	store_bind_text(st, 2, interaction);
	store_bind_text(st, 3, wo);
	sqlite3_bind_int(st, 4, score);
	store_bind_text(st, 5, source);
	store_bind_text(st, 6, actor);
	store_bind_u64(st, 7, now);
	return crm_step_done(c, st, "satisfaction insert");
}

static int change_apply(struct store_conn *c, struct store_job *j,
                        const struct store_wo_change *ch)
{
	struct crm_res *res = crm_res_get(j);
	uint64_t now = ch->time ? ch->time : j->time;
	struct wo_state ws;
	int from, err;

	if (!res)
		return ENOMEM;
	err = state_read(c, ch->tenant, ch->id, &ws);
	if (err == ENOENT)
		crm_res_detail(j, "no work order %s in tenant %s", ch->id,
		               ch->tenant);
	if (err)
		return err;
	from = ws.status;
	res->r.status = from;
	res->r.version = ws.version;
	res->r.number = ws.number;
	snprintf(res->r.id, sizeof(res->r.id), "%s", ch->id);

	if (ch->expect_version && ch->expect_version != ws.version) {
		crm_res_detail(j,
		               "order %llu changed meanwhile (version %u, "
		               "expected %u)",
		               (unsigned long long)ws.number, ws.version,
		               ch->expect_version);
		return ESTALE;
	}
	if (ch->actor_unit &&
	    (!ws.has_unit || strcmp(ws.unit, ch->actor_unit))) {
		crm_res_detail(j, "order %llu is not dispatched to unit %s",
		               (unsigned long long)ws.number, ch->actor_unit);
		return EACCES;
	}
	if (ch->from_mask && (from < 0 || !(ch->from_mask & (1u << from)))) {
		crm_res_detail(j, "order %llu is %s",
		               (unsigned long long)ws.number,
		               store_wo_status_name(from));
		return EPERM;
	}

	/* the unit the order is in (or leaves), for the event */
	snprintf(res->unit, sizeof(res->unit), "%s",
	         ws.has_unit ? ws.unit : "");
	if (ch->to != STORE_WO_SAME)
		ws.status = ch->to;
	if (ch->unit) {
		snprintf(ws.unit, sizeof(ws.unit), "%s", ch->unit);
		ws.has_unit = *ch->unit != '\0';
	}
	if (ch->agent) {
		snprintf(ws.agent, sizeof(ws.agent), "%s", ch->agent);
		ws.has_agent = *ch->agent != '\0';
	}
	if (ch->due) {
		/* a new due time starts the watch again */
		ws.due = ch->due;
		ws.warn_at = ch->warn_at;
		ws.flagged = ws.escalated = 0;
	}
	if (ch->flag && !ws.flagged)
		ws.flagged = now;
	if (ch->escalate && !ws.escalated)
		ws.escalated = now;
	if (ch->to == STORE_WO_ANSWERED)
		ws.answered = now;
	if (ch->to == STORE_WO_CLOSED)
		ws.closed = now;
	if (ch->to == STORE_WO_REOPENED)
		ws.closed = 0;
	if (ch->satisfaction)
		ws.satisfaction = ch->satisfaction;
	ws.version++;

	err = state_write(c, ch->id, now, &ws, ch->fields);
	if (err) {
		crm_res_detail(j,
		               "order %llu: the change was refused by the "
		               "database (unknown unit?)",
		               (unsigned long long)ws.number);
		return err;
	}
	err =
	    event_add(c, ch->tenant, ch->id, now, ch->actor, ch->role, ch->kind,
	              ch->action, from, ch->to != STORE_WO_SAME ? ch->to : -1,
	              ch->text, ch->data);
	if (!err && ch->followup_kind)
		err =
		    followup_add(c, ch->tenant, ch->id, &ws, ch->followup_kind,
		                 ch->followup_address, now);
	if (!err && ch->satisfaction)
		err = satisfaction_add(
		    c, ch->tenant, NULL, ch->id, ch->satisfaction,
		    ch->sat_source ? ch->sat_source : "agent", ch->actor, now);
	if (err)
		return err;
	if (ws.has_unit)
		snprintf(res->unit, sizeof(res->unit), "%s", ws.unit);
	res->r.status = ws.status;
	res->r.version = ws.version;
	res->r.time = now;
	res->r.due = ws.due;
	res->r.next_check =
	    next_check(ws.status, ws.due, ws.warn_at, ws.flagged, ws.escalated);
	return 0;
}

static int change_exec(struct store_conn *c, struct store_job *j)
{
	struct change_in *in = j->u.call.in;
	int err = store_savepoint(c);

	if (err)
		return err;
	err = change_apply(c, j, &in->c);
	if (err) {
		store_rollback_to(c);
		return err;
	}
	return store_release(c);
}

int store_workorder_change(struct store *s, const struct store_wo_change *c,
                           store_result_h *h, void *arg)
{
	struct change_in *in;
	struct store_wo_change *d;

	if (!s || !c || !c->tenant || !c->id || !c->kind || !c->actor ||
	    !c->role ||
	    (c->to != STORE_WO_SAME &&
	     (c->to < 0 || c->to >= STORE_WO_NSTATUS)) ||
	    c->satisfaction > 5 ||
	    (c->followup_kind && strcmp(c->followup_kind, "call") &&
	     strcmp(c->followup_kind, "message")))
		return EINVAL;
	in = crm_in_alloc(sizeof(*in));
	if (!in)
		return ENOMEM;
	d = &in->c;
	*d = *c;
	d->tenant = crm_in_str(&in->base, c->tenant);
	d->id = crm_in_str(&in->base, c->id);
	d->kind = crm_in_str(&in->base, c->kind);
	d->action = crm_in_str(&in->base, c->action);
	d->actor = crm_in_str(&in->base, c->actor);
	d->role = crm_in_str(&in->base, c->role);
	d->actor_unit = crm_in_str(&in->base, c->actor_unit);
	d->text = crm_in_str(&in->base, c->text);
	d->data = crm_in_str(&in->base, c->data);
	d->unit = crm_in_str(&in->base, c->unit);
	d->agent = crm_in_str(&in->base, c->agent);
	d->fields = crm_in_str(&in->base, c->fields);
	d->sat_source = crm_in_str(&in->base, c->sat_source);
	d->followup_kind = crm_in_str(&in->base, c->followup_kind);
	d->followup_address = crm_in_str(&in->base, c->followup_address);
	if (in->base.nomem) {
		mem_deref(in);
		return ENOMEM;
	}
	return store_call_submit(s, true, change_exec, crm_deliver_result, h,
	                         arg, in);
}

/* --- search -------------------------------------------------------------- */

struct search_in {
	struct crm_in base;
	struct store_wo_filter f;
};

static int search_fn(struct store_conn *c, const void *fv, void **vp,
                     size_t *np)
{
	const struct store_wo_filter *f = fv;
	struct store_rows rows;
	sqlite3_stmt *st;
	char sql[1536];
	size_t len;
	int rc, err = 0;

	/* A statement per filter shape; searches are rare next to the
	 * lookups, so it is prepared each time rather than cached.  The
	 * page of ids is chosen from the index (tenant, unit, status, due,
	 * id) alone, and only those rows are read: a unit with tens of
	 * thousands of open orders costs an index scan, not a table scan. */
	len = (size_t)snprintf(sql, sizeof(sql),
	                       "SELECT %s FROM workorder WHERE id IN"
	                       " (SELECT id FROM workorder WHERE tenant = ?1",
	                       crm_wo_columns);
	if (f->id)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len,
		                        " AND id = ?2");
	if (f->number)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len,
		                        " AND number = ?3");
	if (f->unit)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len,
		                        " AND unit = ?4");
	if (f->customer)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len,
		                        " AND customer = ?5");
	if (f->category)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len,
		                        " AND category = ?6");
	if (f->agent)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len,
		                        " AND agent = ?7");
	if (f->due_before)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len,
		                        " AND due < ?9");
	if (f->escalated)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len,
		                        " AND escalated IS NOT NULL");
	if (f->status_mask) {
		bool first = true;

		len += (size_t)snprintf(sql + len, sizeof(sql) - len,
		                        " AND status IN (");
		for (int i = 0; i < STORE_WO_NSTATUS; i++) {
			if (!(f->status_mask & (1u << i)))
				continue;
			len += (size_t)snprintf(sql + len, sizeof(sql) - len,
			                        "%s'%s'", first ? "" : ", ",
			                        store_wo_status_name(i));
			first = false;
		}
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s)",
		                        first ? "''" : "");
	}
	snprintf(sql + len, sizeof(sql) - len,
	         " ORDER BY (due IS NULL), due, id LIMIT ?8 OFFSET ?10)"
	         " ORDER BY (due IS NULL), due, id");

	rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_conn_fail(c, rc, "order search");
	store_bind_text(st, 1, f->tenant);
	if (f->id)
		store_bind_text(st, 2, f->id);
	if (f->number)
		store_bind_u64(st, 3, f->number);
	if (f->unit)
		store_bind_text(st, 4, f->unit);
	if (f->customer)
		store_bind_text(st, 5, f->customer);
	if (f->category)
		store_bind_text(st, 6, f->category);
	if (f->agent)
		store_bind_text(st, 7, f->agent);
	store_bind_u64(st, 8, store_limit(f->limit));
	if (f->due_before)
		store_bind_u64(st, 9, f->due_before);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)f->offset);
	store_rows_init(&rows, sizeof(struct store_workorder));
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW)
		err = crm_read_workorder(&rows, st);
	if (!err && rc != SQLITE_DONE)
		err = store_conn_fail(c, rc, "order search");
	sqlite3_finalize(st);
	if (err) {
		store_rows_reset(&rows);
		return err;
	}
	return store_rows_finish(&rows, crm_wo_strs, crm_wo_nstrs, vp, np);
}

static int search_exec(struct store_conn *c, struct store_job *j)
{
	struct search_in *in = j->u.call.in;

	return search_fn(c, &in->f, &j->rows, &j->nrows);
}

static void search_deliver(struct store_job *j)
{
	store_workorders_h *h = (store_workorders_h *)j->u.call.h;

	h(j->err, j->err ? NULL : j->rows, j->err ? 0 : j->nrows, j->arg);
}

int store_workorders_get(struct store *s, const struct store_wo_filter *f,
                         store_workorders_h *h, void *arg)
{
	struct search_in *in;

	if (!s || !f || !f->tenant || !h)
		return EINVAL;
	in = crm_in_alloc(sizeof(*in));
	if (!in)
		return ENOMEM;
	in->f = *f;
	in->f.tenant = crm_in_str(&in->base, f->tenant);
	in->f.id = crm_in_str(&in->base, f->id);
	in->f.unit = crm_in_str(&in->base, f->unit);
	in->f.customer = crm_in_str(&in->base, f->customer);
	in->f.category = crm_in_str(&in->base, f->category);
	in->f.agent = crm_in_str(&in->base, f->agent);
	if (in->base.nomem) {
		mem_deref(in);
		return ENOMEM;
	}
	return store_call_submit(s, false, search_exec, search_deliver, h, arg,
	                         in);
}

int store_workorders_get_sync(struct store *s, const struct store_wo_filter *f,
                              struct store_workorder **vp, size_t *np)
{
	if (!f || !f->tenant)
		return EINVAL;
	return store_read_sync(s, search_fn, f, (void **)vp, np);
}

/* --- audit trail --------------------------------------------------------- */

struct pair_args {
	const char *tenant, *workorder;
};

static const size_t event_strs[] = {
    offsetof(struct store_wo_event, workorder),
    offsetof(struct store_wo_event, actor),
    offsetof(struct store_wo_event, role),
    offsetof(struct store_wo_event, kind),
    offsetof(struct store_wo_event, action),
    offsetof(struct store_wo_event, text),
    offsetof(struct store_wo_event, data),
};

static int events_fn(struct store_conn *c, const void *fv, void **vp,
                     size_t *np)
{
	const struct pair_args *a = fv;
	struct store_rows rows;
	sqlite3_stmt *st;
	int rc, err = 0;

	st = crm_stmt(c, CS_EVENTS_GET,
	              "SELECT seq, workorder, time, actor, role, kind, action,"
	              " from_status, to_status, text, data"
	              " FROM workorder_event WHERE workorder = ?1"
	              " AND tenant = ?2 ORDER BY seq");
	if (!st)
		return EIO;
	store_bind_text(st, 1, a->workorder);
	store_bind_text(st, 2, a->tenant);
	store_rows_init(&rows, sizeof(struct store_wo_event));
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_wo_event *e = store_rows_add(&rows);
		const unsigned char *t;

		if (!e) {
			err = ENOMEM;
			break;
		}
		e->seq = store_col_u64(st, 0);
		err |= store_rows_str(&rows, &e->workorder, crm_col(st, 1));
		e->time = store_col_u64(st, 2);
		err |= store_rows_str(&rows, &e->actor, crm_col(st, 3));
		err |= store_rows_str(&rows, &e->role, crm_col(st, 4));
		err |= store_rows_str(&rows, &e->kind, crm_col(st, 5));
		err |= store_rows_str(&rows, &e->action, crm_col(st, 6));
		e->from = e->to = -1;
		if ((t = crm_col(st, 7)))
			(void)store_wo_status_parse((const char *)t, &e->from);
		if ((t = crm_col(st, 8)))
			(void)store_wo_status_parse((const char *)t, &e->to);
		err |= store_rows_str(&rows, &e->text, crm_col(st, 9));
		err |= store_rows_str(&rows, &e->data, crm_col(st, 10));
		if (err)
			err = ENOMEM;
	}
	if (!err && rc != SQLITE_DONE)
		err = store_conn_fail(c, rc, "audit read");
	sqlite3_reset(st);
	if (err) {
		store_rows_reset(&rows);
		return err;
	}
	return store_rows_finish(&rows, event_strs, ARRAY_LEN(event_strs), vp,
	                         np);
}

int store_wo_events_get_sync(struct store *s, const char *tenant,
                             const char *workorder, struct store_wo_event **vp,
                             size_t *np)
{
	struct pair_args a = {tenant, workorder};

	if (!tenant || !workorder)
		return EINVAL;
	return store_read_sync(s, events_fn, &a, (void **)vp, np);
}

/* --- the deadline scan --------------------------------------------------- */

struct scan_in {
	struct crm_in base;
	uint64_t now;
};

struct scan_out {
	uint64_t next;
};

static int scan_exec(struct store_conn *c, struct store_job *j)
{
	struct scan_in *in = j->u.call.in;
	struct store_rows due;
	struct store_workorder *v = NULL;
	sqlite3_stmt *st;
	size_t n = 0;
	uint64_t next = 0;
	int rc, err = 0;

	/* First collect, then change: no update under an open cursor. */
	st = crm_stmt(c, CS_WO_SCAN,
	              "SELECT id, tenant, number, category, status, priority,"
	              " customer, unit, agent, subject, fields, interaction,"
	              " created, updated, due, warn_at, flagged, escalated,"
	              " next_check, answered, closed, satisfaction, version"
	              " FROM workorder WHERE next_check IS NOT NULL"
	              " AND next_check <= ?1 ORDER BY next_check LIMIT 1000");
	if (!st)
		return EIO;
	store_bind_u64(st, 1, in->now);
	store_rows_init(&due, sizeof(struct store_workorder));
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW)
		err = crm_read_workorder(&due, st);
	if (!err && rc != SQLITE_DONE)
		err = store_conn_fail(c, rc, "deadline scan");
	sqlite3_reset(st);
	if (!err)
		err = store_rows_finish(&due, crm_wo_strs, crm_wo_nstrs,
		                        (void **)&v, &n);
	else
		store_rows_reset(&due);
	if (err)
		return err;

	for (size_t i = 0; i < n && !err; i++) {
		struct store_workorder *w = &v[i];
		struct store_wo_change ch = {
		    .tenant = w->tenant,
		    .id = w->id,
		    .to = STORE_WO_SAME,
		    .actor = "system",
		    .role = "system",
		    .time = in->now,
		};

		ch.flag = !w->flagged && w->warn_at && in->now >= w->warn_at;
		ch.escalate = !w->escalated && w->due && in->now >= w->due;
		ch.kind = ch.escalate ? "escalated" : "flagged";
		ch.text = ch.escalate ? "past due: escalated to a supervisor"
		                      : "near due";
		if (!ch.flag && !ch.escalate)
			continue;
		err = store_savepoint(c);
		if (!err)
			err = change_apply(c, j, &ch);
		if (err) {
			store_rollback_to(c);
			break;
		}
		err = store_release(c);
		/* what the caller gets is the order as it now stands */
		if (ch.flag)
			w->flagged = in->now;
		if (ch.escalate)
			w->escalated = in->now;
		w->version++;
		w->next_check = next_check(w->status, w->due, w->warn_at,
		                           w->flagged, w->escalated);
	}
	if (!err) {
		st = crm_stmt(c, CS_WO_NEXT,
		              "SELECT min(next_check) FROM workorder"
		              " WHERE next_check IS NOT NULL");
		if (!st)
			err = EIO;
		else {
			rc = sqlite3_step(st);
			if (rc == SQLITE_ROW)
				next = store_col_u64(st, 0);
			else
				err = store_conn_fail(c, rc, "deadline scan");
			sqlite3_reset(st);
		}
	}
	if (err) {
		mem_deref(v);
		return err;
	}
	j->rows = v;
	j->nrows = n;
	/* the result object of change_apply is reused for the next time */
	{
		struct crm_res *res = crm_res_get(j);
		if (!res)
			return ENOMEM;
		res->r.next_check = next;
	}
	return 0;
}

static void scan_deliver(struct store_job *j)
{
	store_wo_scan_h *h = (store_wo_scan_h *)j->u.call.h;
	struct crm_res *res = j->u.call.out;

	h(j->err, j->err ? NULL : j->rows, j->err ? 0 : j->nrows,
	  res ? res->r.next_check : 0, j->arg);
}

int store_workorders_scan(struct store *s, uint64_t now, store_wo_scan_h *h,
                          void *arg)
{
	struct scan_in *in;

	if (!s || !h)
		return EINVAL;
	in = crm_in_alloc(sizeof(*in));
	if (!in)
		return ENOMEM;
	in->now = now;
	return store_call_submit(s, true, scan_exec, scan_deliver, h, arg, in);
}

/* --- units --------------------------------------------------------------- */

struct unit_in {
	struct crm_in base;
	const char *tenant, *name, *title;
	store_done_h *done;
};

static int unit_exec(struct store_conn *c, struct store_job *j)
{
	struct unit_in *in = j->u.call.in;
	sqlite3_stmt *st;

	st = crm_stmt(c, CS_UNIT_PUT,
	              "INSERT INTO unit (tenant, name, title)"
	              " VALUES (?1, ?2, ?3) ON CONFLICT (tenant, name)"
	              " DO UPDATE SET title = excluded.title");
	if (!st)
		return EIO;
	store_bind_text(st, 1, in->tenant);
	store_bind_text(st, 2, in->name);
	store_bind_text(st, 3, in->title);
	return crm_step_done(c, st, "unit put");
}

static void unit_deliver(struct store_job *j)
{
	store_done_h *h = (store_done_h *)j->u.call.h;

	h(j->err, j->arg);
}

int store_unit_put(struct store *s, const char *tenant, const char *name,
                   const char *title, store_done_h *done, void *arg)
{
	struct unit_in *in;

	if (!s || !tenant || !*tenant || !name || !*name)
		return EINVAL;
	in = crm_in_alloc(sizeof(*in));
	if (!in)
		return ENOMEM;
	in->tenant = crm_in_str(&in->base, tenant);
	in->name = crm_in_str(&in->base, name);
	in->title = crm_in_str(&in->base, title);
	if (in->base.nomem) {
		mem_deref(in);
		return ENOMEM;
	}
	return store_call_submit(s, true, unit_exec, unit_deliver, done, arg,
	                         in);
}

/* --- attachments --------------------------------------------------------- */

struct att_in {
	struct crm_in base;
	struct store_attachment a;
	const char *dir;
	const void *data;
	size_t len;
};

static bool safe_component(const char *s)
{
	return s && *s && strcmp(s, ".") && strcmp(s, "..") && !strchr(s, '/');
}

/* Write data to path durably: a temporary file, fsync, rename. */
static int write_file(const char *dir, const char *path, const void *data,
                      size_t len)
{
	char tmp[1100];
	const char *p = data;
	int fd, err = 0;

	if (mkdir(dir, 0750) < 0 && errno != EEXIST)
		return errno;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		return errno;
	while (len && !err) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = errno;
		else {
			p += n;
			len -= (size_t)n;
		}
	}
	if (!err && fsync(fd) < 0)
		err = errno;
	if (close(fd) < 0 && !err)
		err = errno;
	if (!err && rename(tmp, path) < 0)
		err = errno;
	if (err)
		unlink(tmp);
	return err;
}

static int att_exec(struct store_conn *c, struct store_job *j)
{
	struct att_in *in = j->u.call.in;
	struct store_attachment *a = &in->a;
	struct crm_res *res = crm_res_get(j);
	char tdir[1024], path[1060], data[512];
	struct wo_state ws;
	sqlite3_stmt *st;
	int err;

	if (!res)
		return ENOMEM;
	err = store_savepoint(c);
	if (err)
		return err;
	err = state_read(c, a->tenant, a->workorder, &ws);
	if (err) {
		if (err == ENOENT)
			crm_res_detail(j, "no work order %s in tenant %s",
			               a->workorder, a->tenant);
		goto fail;
	}
	store_new_id(res->r.id);
	if (mkdir(in->dir, 0750) < 0 && errno != EEXIST) {
		err = errno;
		crm_res_detail(j, "cannot create %s: %s", in->dir,
		               strerror(err));
		goto fail;
	}
	snprintf(tdir, sizeof(tdir), "%s/%s", in->dir, a->tenant);
	snprintf(path, sizeof(path), "%s/%s", tdir, res->r.id);
	err = write_file(tdir, path, in->data, in->len);
	if (err) {
		crm_res_detail(j, "cannot write %s: %s", path, strerror(err));
		goto fail;
	}
	st = crm_stmt(c, CS_ATT_INSERT,
	              "INSERT INTO attachment (id, tenant, workorder, name,"
	              " type, size, path, actor, time)"
	              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	err = st ? 0 : EIO;
	if (!err) {
		store_bind_text(st, 1, res->r.id);
		store_bind_text(st, 2, a->tenant);
		store_bind_text(st, 3, a->workorder);
		store_bind_text(st, 4, a->name);
		store_bind_text(st, 5, a->type);
		store_bind_u64(st, 6, in->len);
		store_bind_text(st, 7, path);
		store_bind_text(st, 8, a->actor);
		store_bind_u64(st, 9, j->time);
		err = crm_step_done(c, st, "attachment insert");
	}
	if (!err) {
		/* the name is the user's: keep it out of the JSON quoting
		 * problem by giving only the id, type and size here */
		snprintf(data, sizeof(data),
		         "{\"attachment\":\"%s\",\"type\":\"%s\","
		         "\"size\":%zu}",
		         res->r.id, a->type, in->len);
		err = event_add(c, a->tenant, a->workorder, j->time, a->actor,
		                "attachment", "attachment", NULL, -1, -1,
		                a->name, data);
	}
	if (err) {
		unlink(path);
		goto fail;
	}
	res->r.number = ws.number;
	res->r.time = j->time;
	return store_release(c);
fail:
	store_rollback_to(c);
	return err;
}

int store_attachment_add(struct store *s, const char *dir,
                         const struct store_attachment *a, const void *data,
                         size_t len, store_result_h *h, void *arg)
{
	struct att_in *in;

	if (!s || !dir || !*dir || !a || !safe_component(a->tenant) ||
	    !a->workorder || !a->name || !*a->name || !a->type || !a->actor ||
	    (!data && len) || strchr(a->type, '"') || strchr(a->type, '\\'))
		return EINVAL;
	in = crm_in_alloc(sizeof(*in));
	if (!in)
		return ENOMEM;
	in->a = *a;
	in->a.tenant = crm_in_str(&in->base, a->tenant);
	in->a.workorder = crm_in_str(&in->base, a->workorder);
	in->a.name = crm_in_str(&in->base, a->name);
	in->a.type = crm_in_str(&in->base, a->type);
	in->a.actor = crm_in_str(&in->base, a->actor);
	in->dir = crm_in_str(&in->base, dir);
	in->data = crm_in_mem(&in->base, data, len);
	in->len = len;
	if (in->base.nomem) {
		mem_deref(in);
		return ENOMEM;
	}
	return store_call_submit(s, true, att_exec, crm_deliver_result, h, arg,
	                         in);
}

static const size_t att_strs[] = {
    offsetof(struct store_attachment, tenant),
    offsetof(struct store_attachment, workorder),
    offsetof(struct store_attachment, name),
    offsetof(struct store_attachment, type),
    offsetof(struct store_attachment, path),
    offsetof(struct store_attachment, actor),
};

static int atts_fn(struct store_conn *c, const void *fv, void **vp, size_t *np)
{
	const struct pair_args *a = fv;
	struct store_rows rows;
	sqlite3_stmt *st;
	int rc, err = 0;

	st = crm_stmt(c, CS_ATT_GET,
	              "SELECT id, tenant, workorder, name, type, size, path,"
	              " actor, time FROM attachment WHERE workorder = ?1"
	              " AND tenant = ?2 ORDER BY time, id");
	if (!st)
		return EIO;
	store_bind_text(st, 1, a->workorder);
	store_bind_text(st, 2, a->tenant);
	store_rows_init(&rows, sizeof(struct store_attachment));
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_attachment *r = store_rows_add(&rows);

		if (!r) {
			err = ENOMEM;
			break;
		}
		crm_col_id(st, 0, r->id);
		err |= store_rows_str(&rows, &r->tenant, crm_col(st, 1));
		err |= store_rows_str(&rows, &r->workorder, crm_col(st, 2));
		err |= store_rows_str(&rows, &r->name, crm_col(st, 3));
		err |= store_rows_str(&rows, &r->type, crm_col(st, 4));
		r->size = store_col_u64(st, 5);
		err |= store_rows_str(&rows, &r->path, crm_col(st, 6));
		err |= store_rows_str(&rows, &r->actor, crm_col(st, 7));
		r->time = store_col_u64(st, 8);
		if (err)
			err = ENOMEM;
	}
	if (!err && rc != SQLITE_DONE)
		err = store_conn_fail(c, rc, "attachments read");
	sqlite3_reset(st);
	if (err) {
		store_rows_reset(&rows);
		return err;
	}
	return store_rows_finish(&rows, att_strs, ARRAY_LEN(att_strs), vp, np);
}

int store_attachments_get_sync(struct store *s, const char *tenant,
                               const char *workorder,
                               struct store_attachment **vp, size_t *np)
{
	struct pair_args a = {tenant, workorder};

	if (!tenant || !workorder)
		return EINVAL;
	return store_read_sync(s, atts_fn, &a, (void **)vp, np);
}

/* --- follow-ups and satisfaction ----------------------------------------- */

static const size_t fu_strs[] = {
    offsetof(struct store_followup, tenant),
    offsetof(struct store_followup, workorder),
    offsetof(struct store_followup, customer),
    offsetof(struct store_followup, kind),
    offsetof(struct store_followup, address),
    offsetof(struct store_followup, status),
};

static int fus_fn(struct store_conn *c, const void *fv, void **vp, size_t *np)
{
	const struct pair_args *a = fv;
	struct store_rows rows;
	sqlite3_stmt *st;
	int rc, err = 0;

	st = crm_stmt(c, CS_FOLLOWUPS_GET,
	              "SELECT id, tenant, workorder, customer, kind, address,"
	              " status, created, done FROM followup"
	              " WHERE tenant = ?1 AND (?2 IS NULL OR workorder = ?2)"
	              " ORDER BY created, id");
	if (!st)
		return EIO;
	store_bind_text(st, 1, a->tenant);
	store_bind_text(st, 2, a->workorder);
	store_rows_init(&rows, sizeof(struct store_followup));
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_followup *r = store_rows_add(&rows);

		if (!r) {
			err = ENOMEM;
			break;
		}
		crm_col_id(st, 0, r->id);
		err |= store_rows_str(&rows, &r->tenant, crm_col(st, 1));
		err |= store_rows_str(&rows, &r->workorder, crm_col(st, 2));
		err |= store_rows_str(&rows, &r->customer, crm_col(st, 3));
		err |= store_rows_str(&rows, &r->kind, crm_col(st, 4));
		err |= store_rows_str(&rows, &r->address, crm_col(st, 5));
		err |= store_rows_str(&rows, &r->status, crm_col(st, 6));
		r->created = store_col_u64(st, 7);
		r->done = store_col_u64(st, 8);
		if (err)
			err = ENOMEM;
	}
	if (!err && rc != SQLITE_DONE)
		err = store_conn_fail(c, rc, "follow-ups read");
	sqlite3_reset(st);
	if (err) {
		store_rows_reset(&rows);
		return err;
	}
	return store_rows_finish(&rows, fu_strs, ARRAY_LEN(fu_strs), vp, np);
}

int store_followups_get_sync(struct store *s, const char *tenant,
                             const char *workorder, struct store_followup **vp,
                             size_t *np)
{
	struct pair_args a = {tenant, workorder};

	if (!tenant)
		return EINVAL;
	return store_read_sync(s, fus_fn, &a, (void **)vp, np);
}

struct fu_in {
	struct crm_in base;
	const char *tenant, *id;
	bool ok;
};

static int fu_done_exec(struct store_conn *c, struct store_job *j)
{
	struct fu_in *in = j->u.call.in;
	sqlite3_stmt *st;
	int err;

	if (!crm_res_get(j))
		return ENOMEM;
	st = crm_stmt(c, CS_FOLLOWUP_DONE,
	              "UPDATE followup SET status = ?3, done = ?4"
	              " WHERE id = ?1 AND tenant = ?2 AND status = 'pending'");
	if (!st)
		return EIO;
	store_bind_text(st, 1, in->id);
	store_bind_text(st, 2, in->tenant);
	store_bind_text(st, 3, in->ok ? "done" : "failed");
	store_bind_u64(st, 4, j->time);
	err = crm_step_done(c, st, "follow-up done");
	if (!err && sqlite3_changes(c->db) == 0) {
		crm_res_detail(j, "no pending follow-up %s", in->id);
		err = ENOENT;
	}
	return err;
}

int store_followup_done(struct store *s, const char *tenant, const char *id,
                        bool ok, store_result_h *h, void *arg)
{
	struct fu_in *in;

	if (!s || !tenant || !id)
		return EINVAL;
	in = crm_in_alloc(sizeof(*in));
	if (!in)
		return ENOMEM;
	in->tenant = crm_in_str(&in->base, tenant);
	in->id = crm_in_str(&in->base, id);
	in->ok = ok;
	if (in->base.nomem) {
		mem_deref(in);
		return ENOMEM;
	}
	return store_call_submit(s, true, fu_done_exec, crm_deliver_result, h,
	                         arg, in);
}

struct sat_in {
	struct crm_in base;
	const char *tenant, *interaction, *source, *actor;
	uint8_t score;
};

static int sat_exec(struct store_conn *c, struct store_job *j)
{
	struct sat_in *in = j->u.call.in;

	return satisfaction_add(c, in->tenant, in->interaction, NULL, in->score,
	                        in->source, in->actor, j->time);
}

int store_satisfaction_put(struct store *s, const char *tenant,
                           const char *interaction, uint8_t score,
                           const char *source, const char *actor,
                           store_done_h *done, void *arg)
{
	struct sat_in *in;

	if (!s || !tenant || !interaction || score < 1 || score > 5 ||
	    !source || (strcmp(source, "agent") && strcmp(source, "ivr")))
		return EINVAL;
	in = crm_in_alloc(sizeof(*in));
	if (!in)
		return ENOMEM;
	in->tenant = crm_in_str(&in->base, tenant);
	in->interaction = crm_in_str(&in->base, interaction);
	in->source = crm_in_str(&in->base, source);
	in->actor = crm_in_str(&in->base, actor);
	in->score = score;
	if (in->base.nomem) {
		mem_deref(in);
		return ENOMEM;
	}
	return store_call_submit(s, true, sat_exec, unit_deliver, done, arg,
	                         in);
}
