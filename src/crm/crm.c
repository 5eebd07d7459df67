/**
 * @file crm.c  The crm object: tenants, event subscribers, the one
 * deadline of the work-order watch, and start-up.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "crm/crm_int.h"
#include "ivr/ivr.h"

struct crm_sub {
	struct le le;
	crm_event_h *h;
	void *arg;
};

static const char *role_names[] = {
    [CRM_ROLE_AGENT] = "agent",
    [CRM_ROLE_SUPERVISOR] = "supervisor",
    [CRM_ROLE_UNIT] = "unit",
    [CRM_ROLE_SYSTEM] = "system",
};

const char *crm_country_code(const struct crm *crm)
{
	return crm ? crm->cc : NULL;
}

const char *crm_role_name(enum crm_role r)
{
	return (unsigned)r < CRM_ROLE_MAX ? role_names[r] : "";
}

int crm_role_parse(const char *s, enum crm_role *rp)
{
	for (int i = 0; s && i < CRM_ROLE_MAX; i++) {
		if (!strcmp(s, role_names[i])) {
			*rp = (enum crm_role)i;
			return 0;
		}
	}
	return EINVAL;
}

int crm_fail(char *err, size_t errsz, int e, const char *fmt, ...)
{
	va_list ap;

	if (err && errsz) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return e;
}

uint64_t crm_now(const struct crm *crm)
{
	return crm->o.clock(crm->o.clock_arg);
}

struct crm_tenant *crm_tenant_get(const struct crm *crm, const char *name)
{
	for (size_t i = 0; name && i < crm->ntenants; i++) {
		if (!crm->tenants[i].cfg->removed &&
		    !strcmp(crm->tenants[i].cfg->name, name))
			return &crm->tenants[i];
	}
	return NULL;
}

static void crm_destructor(void *arg)
{
	struct crm *crm = arg;

	if (crm->acd_subscribed)
		acd_unsubscribe(crm->o.acd, crm_acd_event, crm);
	crm_routes_flush(crm);
	mem_deref(crm->routes);
	list_flush(&crm->subs);
	for (size_t i = 0; i < crm->ntenants; i++)
		mem_deref(crm->tenants[i].tz);
	mem_deref(crm->tenants);
	mem_deref(crm->attach_dir);
	mem_deref(crm->cc);
}

static void tenant_init(struct crm *crm, struct crm_tenant *t,
                        const struct center_tenant *ct)
{
	const struct crm_opts *o = &crm->o;

	t->cfg = ct;
	/* Reading the zone file blocks: once, at start-up (or when the
	 * operator adds the tenant).  A zone that cannot be read leaves
	 * slots in UTC (logged). */
	if (ct->timezone && strcmp(ct->timezone, "UTC") &&
	    ivr_tz_load(&t->tz, NULL, ct->timezone))
		HL_WARN(CRM_LOG,
		        "tenant %s: time zone %s unreadable; "
		        "appointments in UTC",
		        ct->name, ct->timezone);
	if (o->acd && ct->workorders.queue) {
		struct acd_tenant *at = acd_tenant_find(o->acd, ct->name);
		t->queue =
		    at ? acd_queue_find(at, ct->workorders.queue) : NULL;
	}
}

int crm_tenant_added(struct crm *crm, const struct center_tenant *ct)
{
	if (!crm || !ct)
		return EINVAL;
	if (crm->ntenants >= CENTER_TENANTS_MAX)
		return ENOSPC;
	tenant_init(crm, &crm->tenants[crm->ntenants], ct);
	crm->ntenants++;
	HL_INFO(CRM_LOG, "tenant %s: work orders and appointments on",
	        ct->name);
	return 0;
}

int crm_alloc(struct crm **crmp, const struct crm_opts *o)
{
	const struct center *c;
	struct crm *crm;
	int err;

	if (!crmp || !o || !o->store || !o->center || !o->clock)
		return EINVAL;
	crm = mem_zalloc(sizeof(*crm), crm_destructor);
	if (!crm)
		return ENOMEM;
	crm->o = *o;
	crm->next = CRM_NONE;
	crm->slots_next = CRM_NONE;
	list_init(&crm->subs);
	c = o->center;
	err = str_dup(&crm->attach_dir,
	              o->attach_dir ? o->attach_dir : "var/attachments");
	if (!err)
		err =
		    str_dup(&crm->cc, o->country_code ? o->country_code : "86");
	if (!err)
		err = hash_alloc(&crm->routes, 256);
	if (err)
		goto out;
	/* room for tenants added at run time (crm_tenant_added): entries
	 * never move */
	crm->tenants =
	    mem_zalloc(CENTER_TENANTS_MAX * sizeof(*crm->tenants), NULL);
	if (!crm->tenants) {
		err = ENOMEM;
		goto out;
	}
	crm->ntenants = c->ntenants;
	for (size_t i = 0; i < c->ntenants && i < CENTER_TENANTS_MAX; i++)
		tenant_init(crm, &crm->tenants[i], &c->tenants[i]);
	if (o->acd) {
		err = acd_subscribe(o->acd, crm_acd_event, crm);
		if (err)
			goto out;
		crm->acd_subscribed = true;
	}
out:
	if (err)
		mem_deref(crm);
	else
		*crmp = crm;
	return err;
}

/* --- events -------------------------------------------------------------- */

int crm_subscribe(struct crm *crm, crm_event_h *h, void *arg)
{
	struct crm_sub *s;

	if (!crm || !h)
		return EINVAL;
	s = mem_zalloc(sizeof(*s), NULL);
	if (!s)
		return ENOMEM;
	s->h = h;
	s->arg = arg;
	list_append(&crm->subs, &s->le, s);
	return 0;
}

void crm_unsubscribe(struct crm *crm, crm_event_h *h, void *arg)
{
	for (struct le *le = crm ? crm->subs.head : NULL; le; le = le->next) {
		struct crm_sub *s = le->data;

		if (s->h == h && s->arg == arg) {
			list_unlink(&s->le);
			mem_deref(s);
			return;
		}
	}
}

void crm_emit(struct crm *crm, enum crm_event_type type, const char *tenant,
              const char *id, uint64_t number, int status, const char *unit,
              uint64_t due)
{
	struct crm_event ev = {type, tenant, id, number, status, unit, due};
	struct le *le = crm->subs.head;

	while (le) {
		struct crm_sub *s = le->data;
		le = le->next; /* a handler may unsubscribe itself */
		s->h(&ev, s->arg);
	}
}

/* --- the deadline -------------------------------------------------------- */

uint64_t crm_next_deadline(const struct crm *crm)
{
	if (!crm)
		return CRM_NONE;
	return crm->next < crm->slots_next ? crm->next : crm->slots_next;
}

static void notify(struct crm *crm)
{
	if (crm->o.deadlineh)
		crm->o.deadlineh(crm_next_deadline(crm), crm->o.deadline_arg);
}

static void set_next(struct crm *crm, uint64_t next)
{
	if (next == crm->next)
		return;
	crm->next = next;
	notify(crm);
}

void crm_deadline_offer(struct crm *crm, uint64_t next_check)
{
	if (next_check && next_check < crm->next)
		set_next(crm, next_check);
}

static void scan_done(int err, const struct store_workorder *v, size_t n,
                      uint64_t next, void *arg)
{
	struct crm *crm = arg;

	crm->scanning = false;
	if (err) {
		/* try again in a minute rather than spin on a sick disk */
		HL_WARN(CRM_LOG, "deadline scan failed: %s", strerror(err));
		set_next(crm, crm_now(crm) + 60000);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct store_workorder *w = &v[i];
		bool esc = w->escalated != 0;

		HL_INFO(CRM_LOG, "order %s #%llu %s", w->tenant,
		        (unsigned long long)w->number,
		        esc ? "past due: escalated" : "near due");
		if (esc)
			crm_route_escalated(crm, w->id);
		crm_emit(crm, esc ? CRM_EV_ESCALATED : CRM_EV_FLAGGED,
		         w->tenant, w->id, w->number, w->status, w->unit,
		         w->due);
	}
	/* the scan saw every committed order: its answer is the deadline */
	crm->next = next ? next : CRM_NONE;
	notify(crm);
}

static int scan(struct crm *crm)
{
	int err;

	if (crm->scanning)
		return 0;
	err = store_workorders_scan(crm->o.store, crm_now(crm), scan_done, crm);
	if (!err)
		crm->scanning = true;
	return err;
}

static void slots_refresh(struct crm *crm, uint64_t now)
{
	bool any = false;

	for (size_t i = 0; i < crm->ntenants; i++) {
		const struct center_tenant *t = crm->tenants[i].cfg;

		if (!t->nservices)
			continue;
		any = true;
		if (crm_slots_make(crm, t->name, NULL, now, NULL, NULL))
			HL_WARN(CRM_LOG,
			        "tenant %s: appointment slots not made",
			        t->name);
	}
	crm->slots_next = any ? now + CRM_SLOTS_REFRESH_MS : CRM_NONE;
}

void crm_run_timers(struct crm *crm)
{
	uint64_t now;

	if (!crm)
		return;
	now = crm_now(crm);
	if (crm->slots_next != CRM_NONE && now >= crm->slots_next) {
		slots_refresh(crm, now);
		notify(crm);
	}
	if (crm->next == CRM_NONE || now < crm->next)
		return;
	if (scan(crm))
		HL_WARN(CRM_LOG, "deadline scan not queued");
}

/* --- start --------------------------------------------------------------- */

struct start {
	struct crm *crm;
	store_done_h *done;
	void *arg;
	int err;
	unsigned pending;
};

static void start_step(struct start *st, int err)
{
	if (err && !st->err)
		st->err = err;
	if (--st->pending)
		return;
	if (st->done)
		st->done(st->err, st->arg);
	mem_deref(st);
}

static void start_unit_done(int err, void *arg)
{
	start_step(arg, err);
}

static void start_result(int err, const struct store_result *r, void *arg)
{
	(void)r;
	start_step(arg, err);
}

static void start_orders(int err, const struct store_workorder *v, size_t n,
                         void *arg)
{
	struct start *st = arg;

	for (size_t i = 0; !err && i < n; i++)
		crm_route_add(st->crm, v[i].tenant, v[i].id, v[i].priority);
	start_step(st, err);
}

int crm_start(struct crm *crm, store_done_h *done, void *arg)
{
	struct start *st;
	int err = 0;

	if (!crm)
		return EINVAL;
	st = mem_zalloc(sizeof(*st), NULL);
	if (!st)
		return ENOMEM;
	st->crm = crm;
	st->done = done;
	st->arg = arg;
	st->pending = 1; /* ours, released at the end */
	for (size_t i = 0; i < crm->ntenants && !err; i++) {
		const struct center_tenant *t = crm->tenants[i].cfg;

		for (size_t u = 0; u < t->workorders.nunits && !err; u++) {
			err = store_unit_put(
			    crm->o.store, t->name, t->workorders.units[u].name,
			    t->workorders.units[u].title, start_unit_done, st);
			st->pending += !err;
		}
		if (!err && t->nservices) {
			err = crm_slots_make(crm, t->name, NULL, crm_now(crm),
			                     start_result, st);
			st->pending += !err;
			crm->slots_next = crm_now(crm) + CRM_SLOTS_REFRESH_MS;
		}
		if (!err && crm->tenants[i].queue) {
			struct store_wo_filter f = {
			    .tenant = t->name,
			    .status_mask = 1u << STORE_WO_NEW |
			                   1u << STORE_WO_REOPENED |
			                   1u << STORE_WO_ANSWERED,
			    .limit = STORE_LIMIT_MAX,
			};
			err = store_workorders_get(crm->o.store, &f,
			                           start_orders, st);
			st->pending += !err;
		}
	}
	if (!err) {
		/* one scan: flags what fell due while we were down and
		 * finds the first deadline */
		crm->next = 0;
		err = scan(crm);
	}
	start_step(st, err);
	return 0;
}
