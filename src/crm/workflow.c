/**
 * @file workflow.c  Work orders: the table of allowed moves, creation with
 * the form checked and the due time set, moves, comments, attachments and
 * satisfaction.  The status check that matters is made again by the store
 * in the same transaction as the write; the table here refuses early what
 * a role may never do and says why in words.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "crm/crm_int.h"

#define S(x) (1u << STORE_WO_##x)
#define R(x) (1u << CRM_ROLE_##x)

enum need { NEED_NONE = 0, NEED_TEXT = 1, NEED_UNIT = 2 };

static const struct move_def {
	const char *name;
	uint32_t from; /* statuses it starts from */
	int to;
	uint32_t roles;
	unsigned need;
	bool own_unit; /* a unit user must own the order */
	const char *need_what;
} moves[CRM_MOVE_MAX] = {
    [CRM_MOVE_DISPATCH] = {"dispatch", S(NEW) | S(REOPENED) | S(IN_PROGRESS),
                           STORE_WO_DISPATCHED, R(AGENT) | R(SUPERVISOR),
                           NEED_UNIT, false, "a unit"},
    [CRM_MOVE_TAKE] = {"take", S(NEW) | S(REOPENED), STORE_WO_IN_PROGRESS,
                       R(AGENT) | R(SUPERVISOR), NEED_NONE, false, NULL},
    [CRM_MOVE_ACCEPT] = {"accept", S(DISPATCHED), STORE_WO_IN_PROGRESS,
                         R(UNIT) | R(SUPERVISOR), NEED_NONE, true, NULL},
    [CRM_MOVE_RETURN] = {"return", S(DISPATCHED) | S(IN_PROGRESS), STORE_WO_NEW,
                         R(UNIT) | R(SUPERVISOR), NEED_TEXT, true, "a reason"},
    [CRM_MOVE_ANSWER] = {"answer", S(IN_PROGRESS), STORE_WO_ANSWERED,
                         R(UNIT) | R(AGENT) | R(SUPERVISOR), NEED_TEXT, true,
                         "the answer"},
    [CRM_MOVE_FOLLOW_UP] = {"follow_up", S(ANSWERED), STORE_WO_FOLLOW_UP,
                            R(AGENT) | R(SUPERVISOR) | R(SYSTEM), NEED_NONE,
                            false, NULL},
    [CRM_MOVE_CLOSE] = {"close", S(ANSWERED) | S(FOLLOW_UP), STORE_WO_CLOSED,
                        R(AGENT) | R(SUPERVISOR), NEED_NONE, false, NULL},
    [CRM_MOVE_REOPEN] = {"reopen", S(ANSWERED) | S(FOLLOW_UP) | S(CLOSED),
                         STORE_WO_REOPENED, R(AGENT) | R(SUPERVISOR), NEED_TEXT,
                         false, "a reason"},
};

const char *crm_move_name(enum crm_move m)
{
	return (unsigned)m < CRM_MOVE_MAX ? moves[m].name : "";
}

int crm_move_parse(const char *s, enum crm_move *mp)
{
	for (int i = 0; s && i < CRM_MOVE_MAX; i++) {
		if (!strcmp(s, moves[i].name)) {
			*mp = (enum crm_move)i;
			return 0;
		}
	}
	return EINVAL;
}

bool crm_move_allowed(enum crm_move m, int status, enum crm_role role)
{
	if ((unsigned)m >= CRM_MOVE_MAX || status < 0 ||
	    status >= STORE_WO_NSTATUS || (unsigned)role >= CRM_ROLE_MAX)
		return false;
	return (moves[m].from & (1u << status)) &&
	       (moves[m].roles & (1u << role));
}

uint32_t crm_move_from_mask(enum crm_move m)
{
	return (unsigned)m < CRM_MOVE_MAX ? moves[m].from : 0;
}

int crm_move_to(enum crm_move m)
{
	return (unsigned)m < CRM_MOVE_MAX ? moves[m].to : -1;
}

static const char *statuses_text(uint32_t mask, char *buf, size_t sz)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < STORE_WO_NSTATUS && n < sz; i++) {
		if (mask & (1u << i))
			n += (size_t)snprintf(buf + n, sz - n, "%s%s",
			                      n ? " or " : "",
			                      store_wo_status_name(i));
	}
	return buf;
}

static const char *roles_text(uint32_t mask, char *buf, size_t sz)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < CRM_ROLE_MAX && n < sz; i++) {
		if (mask & (1u << i))
			n += (size_t)snprintf(buf + n, sz - n, "%s%s",
			                      n ? ", " : "",
			                      crm_role_name((enum crm_role)i));
	}
	return buf;
}

/* --- creation ------------------------------------------------------------ */

uint8_t crm_acd_priority(int priority)
{
	static const uint8_t map[STORE_PRIO_MAX] = {1, 3, 6, 9};

	return priority >= 0 && priority < STORE_PRIO_MAX ? map[priority] : 3;
}

/* The store's answer to a create or a change, on its way to the caller:
 * crm keeps routing and deadlines in step first. */
struct pending {
	struct crm *crm;
	store_result_h *h;
	void *arg;
	char tenant[65];
	int priority;
	bool create;
	char unit[128];
};

static void pending_done(int err, const struct store_result *r, void *arg)
{
	struct pending *p = arg;
	struct crm *crm = p->crm;

	if (!err && r->id[0]) {
		crm_deadline_offer(crm, r->next_check);
		if (crm_needs_agent(r->status))
			crm_route_add(crm, p->tenant, r->id, p->priority);
		else
			crm_route_drop(crm, r->id);
		crm_emit(crm, p->create ? CRM_EV_CREATED : CRM_EV_CHANGED,
		         p->tenant, r->id, r->number, r->status,
		         p->unit[0] ? p->unit : r->unit, r->due);
	}
	if (p->h)
		p->h(err, r, p->arg);
	mem_deref(p);
}

static struct pending *pending_new(struct crm *crm, const char *tenant,
                                   store_result_h *h, void *arg)
{
	struct pending *p = mem_zalloc(sizeof(*p), NULL);

	if (!p)
		return NULL;
	p->crm = crm;
	p->h = h;
	p->arg = arg;
	p->priority = STORE_PRIO_NORMAL;
	snprintf(p->tenant, sizeof(p->tenant), "%s", tenant);
	return p;
}

static uint64_t warn_time(const struct crm_tenant *t, uint64_t now,
                          uint64_t due)
{
	uint32_t pct =
	    t->cfg->workorders.warn_pct ? t->cfg->workorders.warn_pct : 80;

	return now + (due - now) * pct / 100;
}

int crm_workorder_create(struct crm *crm, const struct crm_wo_new *w,
                         const struct crm_actor *a, store_result_h *h,
                         void *arg, char *err, size_t errsz)
{
	const struct center_wo_category *cat;
	struct store_workorder sw = {0};
	struct crm_tenant *t;
	struct pending *p;
	uint64_t now;
	int e;

	if (!crm || !w || !w->tenant || !a || !a->id)
		return EINVAL;
	t = crm_tenant_get(crm, w->tenant);
	if (!t)
		return crm_fail(err, errsz, ENOENT, "unknown tenant '%s'",
		                w->tenant);
	if (a->role == CRM_ROLE_UNIT)
		return crm_fail(err, errsz, EPERM,
		                "a unit's users answer orders; agents create "
		                "them");
	cat = center_wo_category(t->cfg, w->category);
	if (!cat)
		return crm_fail(err, errsz, EINVAL,
		                "unknown category '%s' of tenant %s",
		                w->category ? w->category : "", w->tenant);
	if (w->priority < 0 || w->priority >= STORE_PRIO_MAX)
		return crm_fail(err, errsz, EINVAL, "unknown priority");
	if (w->subject && strlen(w->subject) > 500)
		return crm_fail(err, errsz, EINVAL,
		                "subject longer than 500 bytes");
	e = crm_fields_check(cat, w->fields, err, errsz);
	if (e)
		return e;

	now = crm_now(crm);
	sw.tenant = w->tenant;
	sw.category = cat->name;
	sw.status = STORE_WO_NEW;
	sw.priority = w->priority;
	sw.customer = w->customer;
	sw.subject = w->subject;
	sw.fields = w->fields ? w->fields : "{}";
	sw.interaction = w->interaction;
	sw.interaction_live = w->interaction_live;
	sw.due = now + (uint64_t)cat->due_s[w->priority] * 1000 /
	                   (crm->o.due_div ? crm->o.due_div : 1);
	sw.warn_at = warn_time(t, now, sw.due);
	p = pending_new(crm, w->tenant, h, arg);
	if (!p)
		return ENOMEM;
	p->create = true;
	p->priority = w->priority;
	e = store_workorder_create(crm->o.store, &sw, a->id,
	                           crm_role_name(a->role), pending_done, p);
	if (e)
		mem_deref(p);
	return e;
}

/* --- moves --------------------------------------------------------------- */

static int actor_unit(struct crm_tenant *t, const struct crm_actor *a,
                      const char **unitp, char *err, size_t errsz)
{
	const struct center_unit *u;

	*unitp = NULL;
	if (a->role != CRM_ROLE_UNIT)
		return 0;
	u = center_unit_of_user(t->cfg, a->id);
	if (!u)
		return crm_fail(err, errsz, EACCES,
		                "user %s belongs to no handling unit of tenant "
		                "%s",
		                a->id, t->cfg->name);
	*unitp = u->name;
	return 0;
}

int crm_workorder_move(struct crm *crm, const char *tenant, const char *id,
                       enum crm_move m, const struct crm_actor *a,
                       const char *text, const char *unit, store_result_h *h,
                       void *arg, char *err, size_t errsz)
{
	struct store_wo_change c = {0};
	const struct move_def *md;
	struct crm_tenant *t;
	struct pending *p;
	char buf[128];
	int e;

	if (!crm || !tenant || !id || !a || !a->id ||
	    (unsigned)a->role >= CRM_ROLE_MAX)
		return EINVAL;
	if ((unsigned)m >= CRM_MOVE_MAX)
		return crm_fail(err, errsz, EINVAL, "unknown move");
	md = &moves[m];
	t = crm_tenant_get(crm, tenant);
	if (!t)
		return crm_fail(err, errsz, ENOENT, "unknown tenant '%s'",
		                tenant);
	if (!(md->roles & (1u << a->role)))
		return crm_fail(err, errsz, EPERM, "%s: only %s may do that",
		                md->name,
		                roles_text(md->roles, buf, sizeof(buf)));
	if ((md->need & NEED_TEXT) && (!text || !*text))
		return crm_fail(err, errsz, EINVAL, "%s needs %s", md->name,
		                md->need_what);
	if (text && strlen(text) > 10000)
		return crm_fail(err, errsz, EINVAL,
		                "%s: text longer than 10000 bytes", md->name);
	if (md->need & NEED_UNIT) {
		if (!unit || !*unit)
			return crm_fail(err, errsz, EINVAL, "%s needs %s",
			                md->name, md->need_what);
		if (!center_unit(t->cfg, unit))
			return crm_fail(err, errsz, EINVAL,
			                "dispatch: unknown unit '%s' of tenant "
			                "%s",
			                unit, tenant);
	}
	e = actor_unit(t, a, &c.actor_unit, err, errsz);
	if (e)
		return e;
	if (!unit)
		unit = c.actor_unit; /* for the event: the unit's own move */
	if (!md->own_unit)
		c.actor_unit = NULL;

	c.tenant = tenant;
	c.id = id;
	c.kind = "move";
	c.action = md->name;
	c.from_mask = md->from;
	c.to = md->to;
	c.actor = a->id;
	c.role = crm_role_name(a->role);
	c.text = text;
	if (m == CRM_MOVE_DISPATCH)
		c.unit = unit;
	if (m == CRM_MOVE_RETURN)
		c.unit = ""; /* back to the front line */
	if (m == CRM_MOVE_TAKE)
		c.agent = a->id;
	if (m == CRM_MOVE_ANSWER) {
		c.followup_kind = t->cfg->workorders.followup
		                      ? t->cfg->workorders.followup
		                      : "call";
	}
	if (m == CRM_MOVE_REOPEN) {
		/* the time to answer starts again, at normal priority's
		 * due time of a category we do not know here: a day */
		uint64_t now = crm_now(crm);
		c.due = now + 24ull * 3600 * 1000 /
		                  (crm->o.due_div ? crm->o.due_div : 1);
		c.warn_at = warn_time(t, now, c.due);
	}
	p = pending_new(crm, tenant, h, arg);
	if (!p)
		return ENOMEM;
	if (unit)
		snprintf(p->unit, sizeof(p->unit), "%s", unit);
	e = store_workorder_change(crm->o.store, &c, pending_done, p);
	if (e)
		mem_deref(p);
	return e;
}

const char *crm_move_refusal(enum crm_move m, int status, char *buf, size_t sz)
{
	char from[128];

	if ((unsigned)m >= CRM_MOVE_MAX)
		return "";
	snprintf(buf, sz, "%s: the order is %s; %s needs %s", moves[m].name,
	         store_wo_status_name(status), moves[m].name,
	         statuses_text(moves[m].from, from, sizeof(from)));
	return buf;
}

static int simple_change(struct crm *crm, const char *tenant, const char *id,
                         const struct crm_actor *a, struct store_wo_change *c,
                         store_result_h *h, void *arg, char *err, size_t errsz)
{
	struct crm_tenant *t;
	struct pending *p;
	int e;

	if (!crm || !tenant || !id || !a || !a->id ||
	    (unsigned)a->role >= CRM_ROLE_MAX)
		return EINVAL;
	t = crm_tenant_get(crm, tenant);
	if (!t)
		return crm_fail(err, errsz, ENOENT, "unknown tenant '%s'",
		                tenant);
	e = actor_unit(t, a, &c->actor_unit, err, errsz);
	if (e)
		return e;
	c->tenant = tenant;
	c->id = id;
	c->to = STORE_WO_SAME;
	c->actor = a->id;
	c->role = crm_role_name(a->role);
	p = pending_new(crm, tenant, h, arg);
	if (!p)
		return ENOMEM;
	if (c->actor_unit) /* for the event: the unit's own change */
		snprintf(p->unit, sizeof(p->unit), "%s", c->actor_unit);
	e = store_workorder_change(crm->o.store, c, pending_done, p);
	if (e)
		mem_deref(p);
	return e;
}

int crm_workorder_comment(struct crm *crm, const char *tenant, const char *id,
                          const struct crm_actor *a, const char *text,
                          store_result_h *h, void *arg, char *err, size_t errsz)
{
	struct store_wo_change c = {.kind = "comment", .text = text};

	if (!text || !*text || strlen(text) > 10000)
		return crm_fail(err, errsz, EINVAL,
		                "a comment is 1 to 10000 bytes");
	return simple_change(crm, tenant, id, a, &c, h, arg, err, errsz);
}

int crm_workorder_set_fields(struct crm *crm, const char *tenant,
                             const char *id, const char *category,
                             const char *fields, const struct crm_actor *a,
                             store_result_h *h, void *arg, char *err,
                             size_t errsz)
{
	struct store_wo_change c = {
	    .kind = "fields", .fields = fields, .data = fields};
	struct crm_tenant *t = crm ? crm_tenant_get(crm, tenant) : NULL;
	const struct center_wo_category *cat;
	int e;

	if (!t)
		return crm_fail(err, errsz, ENOENT, "unknown tenant");
	cat = center_wo_category(t->cfg, category);
	if (!cat)
		return crm_fail(err, errsz, EINVAL, "unknown category '%s'",
		                category ? category : "");
	e = crm_fields_check(cat, fields, err, errsz);
	if (e)
		return e;
	return simple_change(crm, tenant, id, a, &c, h, arg, err, errsz);
}

/* A contact's score has no order: the result says only how it went. */
static void sat_done(int err, void *arg)
{
	struct pending *p = arg;
	struct store_result r = {.status = -1};

	if (p->h)
		p->h(err, &r, p->arg);
	mem_deref(p);
}

int crm_satisfaction(struct crm *crm, const char *tenant, const char *id,
                     const char *interaction, uint8_t score, const char *source,
                     const struct crm_actor *a, store_result_h *h, void *arg,
                     char *err, size_t errsz)
{
	struct store_wo_change c = {.kind = "satisfaction"};
	struct pending *p;
	int e;

	if (score < 1 || score > 5)
		return crm_fail(err, errsz, EINVAL,
		                "satisfaction is 1 to 5, not %u", score);
	if (!source || (strcmp(source, "agent") && strcmp(source, "ivr")))
		return crm_fail(err, errsz, EINVAL,
		                "satisfaction comes from agent or ivr");
	if (!id) {
		if (!crm || !tenant || !interaction ||
		    !crm_tenant_get(crm, tenant))
			return crm_fail(err, errsz, EINVAL,
			                "satisfaction of what?");
		p = pending_new(crm, tenant, h, arg);
		if (!p)
			return ENOMEM;
		e = store_satisfaction_put(crm->o.store, tenant, interaction,
		                           score, source, a ? a->id : NULL,
		                           sat_done, p);
		if (e)
			mem_deref(p);
		return e;
	}
	c.satisfaction = score;
	c.sat_source = source;
	return simple_change(crm, tenant, id, a, &c, h, arg, err, errsz);
}

bool crm_survey_queue(const struct crm *crm, const char *tenant,
                      const char *queue)
{
	struct crm_tenant *t = crm ? crm_tenant_get(crm, tenant) : NULL;

	return t && center_survey_queue(t->cfg, queue);
}

/* --- attachments --------------------------------------------------------- */

static bool looks_like(const char *type, const unsigned char *d, size_t len)
{
	if (!strcmp(type, "image/jpeg"))
		return len >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff;
	if (!strcmp(type, "image/png"))
		return len >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8);
	if (!strcmp(type, "application/pdf"))
		return len >= 5 && !memcmp(d, "%PDF-", 5);
	if (!strcmp(type, "image/gif"))
		return len >= 6 &&
		       (!memcmp(d, "GIF87a", 6) || !memcmp(d, "GIF89a", 6));
	if (!strcmp(type, "text/plain"))
		return !memchr(d, 0, len);
	return true; /* a type we cannot recognise: trust the allow-list */
}

int crm_workorder_attach(struct crm *crm, const char *tenant, const char *id,
                         const struct crm_actor *a, const char *name,
                         const char *type, const void *data, size_t len,
                         store_result_h *h, void *arg, char *err, size_t errsz)
{
	const struct center_workorders *wc;
	struct store_attachment at = {0};
	struct crm_tenant *t;
	bool allowed = false;

	if (!crm || !tenant || !id || !a || !a->id || !name || !type ||
	    (!data && len))
		return EINVAL;
	t = crm_tenant_get(crm, tenant);
	if (!t)
		return crm_fail(err, errsz, ENOENT, "unknown tenant '%s'",
		                tenant);
	wc = &t->cfg->workorders;
	if (!len)
		return crm_fail(err, errsz, EINVAL, "the attachment is empty");
	if (len > (wc->attach_max ? wc->attach_max : 10000000))
		return crm_fail(err, errsz, EFBIG,
		                "%s: %zu bytes is over the limit of %u bytes",
		                name, len,
		                wc->attach_max ? wc->attach_max : 10000000);
	for (size_t i = 0; i < wc->ntypes; i++)
		allowed |= !strcmp(wc->types[i], type);
	if (!allowed)
		return crm_fail(err, errsz, EMEDIUMTYPE,
		                "%s: type %s is not allowed", name, type);
	if (!looks_like(type, data, len))
		return crm_fail(err, errsz, EMEDIUMTYPE,
		                "%s: the content is not %s", name, type);
	if (!*name || strlen(name) > 255)
		return crm_fail(err, errsz, EINVAL,
		                "an attachment's name is 1 to 255 bytes");
	for (const char *p = name; *p; p++) {
		if ((unsigned char)*p < ' ' || *p == '/' || *p == '\\')
			return crm_fail(err, errsz, EINVAL,
			                "an attachment's name has no '/', '\\' "
			                "or control characters");
	}
	at.tenant = tenant;
	at.workorder = id;
	at.name = name;
	at.type = type;
	at.actor = a->id;
	at.role = crm_role_name(a->role);
	return store_attachment_add(crm->o.store, crm->attach_dir, &at, data,
	                            len, h, arg);
}
