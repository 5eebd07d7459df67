/**
 * @file route.c  Work orders through the routing engine: an order that
 * needs an agent (new, reopened, or answered and awaiting its follow-up)
 * is an ACD_CH_WORKORDER contact in the tenant's workorders queue, so it
 * counts against the agent's work-order capacity and obeys the mixing
 * rule (blocks) like a call or a chat.  When the order moves on, its
 * contact completes (or leaves the queue if nobody had it yet).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "crm/crm_int.h"

bool crm_needs_agent(int status)
{
	return status == STORE_WO_NEW || status == STORE_WO_REOPENED ||
	       status == STORE_WO_ANSWERED;
}

static bool id_cmp(struct le *le, void *arg)
{
	const struct crm_route *r = le->data;

	return !strcmp(r->id, arg);
}

static struct crm_route *find(const struct crm *crm, const char *id)
{
	struct le *le;

	if (!crm || !id)
		return NULL;
	le = hash_lookup(crm->routes, hash_joaat_str(id), id_cmp, (void *)id);
	return le ? le->data : NULL;
}

static void route_destructor(void *arg)
{
	struct crm_route *r = arg;

	hash_unlink(&r->he);
}

/* The contact left the engine (or crm let go of it): forget the route. */
static void forget(struct crm_route *r)
{
	if (!r->he.list) {
		r->dead = true; /* still being added: see crm_route_add */
		return;
	}
	r->crm->nroutes--;
	mem_deref(r);
}

void crm_route_add(struct crm *crm, const char *tenant, const char *id,
                   int priority)
{
	struct crm_tenant *t = crm_tenant_get(crm, tenant);
	struct acd_contact_params p = {.channel = ACD_CH_WORKORDER};
	struct crm_route *r;
	int err;

	if (!t || !t->queue || !crm->o.acd || find(crm, id))
		return;
	r = mem_zalloc(sizeof(*r), route_destructor);
	if (!r)
		return;
	r->crm = crm;
	snprintf(r->id, sizeof(r->id), "%s", id);
	snprintf(r->tenant, sizeof(r->tenant), "%s", tenant);
	p.queue = t->queue;
	p.priority = crm_acd_priority(priority);
	p.owner = r;
	r->contact = 0;
	err = acd_contact_add(crm->o.acd, &p, &r->contact);
	if (err || r->dead) {
		/* refused, or overflowed at once (a full queue) */
		if (err)
			HL_WARN(CRM_LOG, "order %s not routed: %s", id,
			        acd_last_error(crm->o.acd));
		mem_deref(r);
		return;
	}
	hash_append(crm->routes, hash_joaat_str(r->id), &r->he, r);
	crm->nroutes++;
	HL_DEBUG(CRM_LOG, "order %s: contact %llu in queue %s", id,
	         (unsigned long long)r->contact, acd_queue_name(t->queue));
}

const char *crm_route_order(const void *owner)
{
	const struct crm_route *r = owner;

	return r && *r->id ? r->id : NULL;
}

void crm_route_drop(struct crm *crm, const char *id)
{
	struct crm_route *r = find(crm, id);
	struct acd_contact_info info;

	if (!r)
		return;
	r->leaving = true;
	if (!acd_contact_info(crm->o.acd, r->contact, &info)) {
		if (info.state == ACD_CONTACT_CONNECTED)
			(void)acd_contact_complete(crm->o.acd, r->contact);
		else
			(void)acd_contact_remove(crm->o.acd, r->contact);
	}
	forget(r);
}

void crm_route_escalated(struct crm *crm, const char *id)
{
	struct crm_route *r = find(crm, id);
	struct acd_contact_info info;

	/* a waiting order past due goes to the head of its queue */
	if (r && !acd_contact_info(crm->o.acd, r->contact, &info) &&
	    info.state == ACD_CONTACT_WAITING)
		(void)acd_contact_set_priority(crm->o.acd, r->contact,
		                               ACD_PRIORITY_MAX);
}

void crm_acd_event(const struct acd_event *ev, void *arg)
{
	struct crm_route *r = ev->owner;

	(void)arg;
	if (ev->channel != ACD_CH_WORKORDER || !r)
		return;
	switch (ev->type) {
	case ACD_EV_CONTACT_ACCEPTED:
		r->connected = true;
		break;
	case ACD_EV_CONTACT_ABANDONED:
	case ACD_EV_CONTACT_OVERFLOWED:
	case ACD_EV_CONTACT_REMOVED:
	case ACD_EV_CONTACT_COMPLETED:
		if (!r->leaving)
			forget(r);
		break;
	default:
		break;
	}
}

static bool flush_one(struct le *le, void *arg)
{
	struct crm_route *r = le->data;

	(void)arg;
	mem_deref(r);
	return false;
}

void crm_routes_flush(struct crm *crm)
{
	if (crm->routes)
		hash_apply(crm->routes, flush_one, NULL);
	crm->nroutes = 0;
}

uint64_t crm_workorder_contact(const struct crm *crm, const char *id)
{
	const struct crm_route *r = find(crm, id);

	return r ? r->contact : ACD_NONE;
}

size_t crm_routed_count(const struct crm *crm)
{
	return crm ? crm->nroutes : 0;
}

int crm_workorder_accept(struct crm *crm, const char *tenant, const char *id,
                         const char *agent, char *err, size_t errsz)
{
	struct store_wo_change c = {0};
	struct crm_route *r = find(crm, id);
	struct acd_tenant *at;
	struct acd_agent *a;
	int e;

	if (!crm || !tenant || !id || !agent)
		return EINVAL;
	if (!r || strcmp(r->tenant, tenant))
		return crm_fail(err, errsz, ENOENT,
		                "order %s is not waiting for an agent", id);
	at = acd_tenant_find(crm->o.acd, tenant);
	a = at ? acd_agent_find(at, agent) : NULL;
	if (!a)
		return crm_fail(err, errsz, ENOENT, "unknown agent %s", agent);
	e = acd_contact_accept(crm->o.acd, r->contact, a);
	if (e)
		return crm_fail(err, errsz, e, "%s",
		                acd_last_error(crm->o.acd));
	c.tenant = tenant;
	c.id = id;
	c.kind = "assign";
	c.to = STORE_WO_SAME;
	c.agent = agent;
	c.actor = agent;
	c.role = "agent";
	e = store_workorder_change(crm->o.store, &c, NULL, NULL);
	if (e)
		HL_WARN(CRM_LOG, "order %s: agent %s not recorded: %s", id,
		        agent, strerror(e));
	return 0;
}
