/**
 * @file check.c  The invariant checker.  Tests run it after every operation
 * (acd_opts.check); it scans everything, so it is never used in service.
 */
#include <errno.h>
#include <string.h>

#include "acd/acd_int.h"

#define FAIL(...) return acd_fail((struct acd *)acd, EPROTO, __VA_ARGS__)

static int check_agent(const struct acd *acd, const struct acd_agent *a)
{
	uint8_t active[ACD_CH_MAX] = {0};
	uint16_t mask = 0;

	for (struct le *le = list_head(&a->contacts); le; le = le->next) {
		const struct acd_contact *c = le->data;
		if (c->state != ACD_CONTACT_CONNECTED || c->agent != a)
			FAIL("agent %s holds contact %llu not connected to it",
			     a->id, (unsigned long long)c->id);
		if (c->t != a->t)
			FAIL("agent %s holds a contact of another tenant",
			     a->id);
		active[c->ch]++;
		mask |= (uint16_t)(1u << c->ch);
	}
	if (memcmp(active, a->active, sizeof(active)) || mask != a->active_mask)
		FAIL("agent %s: active counts disagree with its contacts",
		     a->id);
	for (int ch = 0; ch < ACD_CH_MAX; ch++) {
		if (a->active[ch] > a->cap[ch])
			FAIL("agent %s: %u %s contacts over capacity %u", a->id,
			     a->active[ch], acd_channel_name(ch), a->cap[ch]);
	}
	if (a->offer && (a->offer->a != a || a->offer->c->t != a->t))
		FAIL("agent %s: offer does not point back", a->id);
	if (a->presence == ACD_PRESENCE_LOGGED_OUT && a->active_mask)
		FAIL("agent %s logged out with contacts", a->id);
	if ((a->wrapup_until != 0) != acd_hnode_linked(&a->tmr.hn))
		FAIL("agent %s: wrap-up deadline not scheduled", a->id);

	/* the filtered pools listed are exactly those it meets */
	uint16_t nf = 0;
	for (uint16_t f = 0; f < a->t->nfpools; f++) {
		const struct acd_pool *v = a->t->fpools[f];
		bool meets = a->cap[v->ch] && acd_agent_meets(a, v, NULL);
		bool listed = false;
		for (uint16_t i = 0; i < a->nfv; i++)
			listed |= a->fv[i] == f;
		if (meets != listed || v->fidx != f)
			FAIL("agent %s: filtered pool %u %s", a->id, f,
			     meets ? "not listed" : "listed wrongly");
		nf += meets;
	}
	if (nf != a->nfv)
		FAIL("agent %s: filtered pools listed twice", a->id);

	for (uint16_t i = 0; i < a->nmem; i++) {
		const struct acd_member *m = acd_agent_mem(a, i);
		bool take = acd_agent_can_take(a, m->p->ch);
		if (m->a != a || m->p->t != a->t || m->ref != a->mi[i])
			FAIL("agent %s: membership points elsewhere", a->id);
		if (m->state != a->state)
			FAIL("agent %s: membership counted as %s, is %s", a->id,
			     acd_agent_state_name(m->state),
			     acd_agent_state_name(a->state));
		for (int k = 0; k < ACD_NKEYS; k++) {
			bool in = take && (m->p->keys & (1u << k));
			const struct acd_aheap *h = &m->p->b[m->bucket].agents[k];
			if (in != acd_hnode_linked(&m->hn[k]))
				FAIL("agent %s: %s in pool heap", a->id,
				     in ? "missing" : "wrongly");
			if (in && acd_aslot_key(h->v[m->hn[k].pos]) !=
					  acd_member_key(m, (enum acd_key)k))
				FAIL("agent %s: stale heap key", a->id);
		}
	}
	return 0;
}

static int check_contact(const struct acd *acd, const struct acd_contact *c)
{
	if (c->dead)
		FAIL("dead contact %llu still live", (unsigned long long)c->id);
	if (c->q->t != c->t)
		FAIL("contact %llu in a queue of another tenant",
		     (unsigned long long)c->id);
	switch (c->state) {
	case ACD_CONTACT_WAITING:
		if (!c->lq.list || !acd_hnode_linked(&c->hw) || c->noffers ||
		    c->agent)
			FAIL("waiting contact %llu not linked right",
			     (unsigned long long)c->id);
		if (acd_target_has_agent(&c->cur))
			FAIL("contact %llu waits while an agent is free",
			     (unsigned long long)c->id);
		if (c->cur.p->b[c->cur.lo].contacts.v[c->hw.pos].node !=
		    &c->hw)
			FAIL("contact %llu in the wrong heap",
			     (unsigned long long)c->id);
		break;
	case ACD_CONTACT_OFFERED:
		if (c->lq.list || acd_hnode_linked(&c->hw) || !c->noffers ||
		    c->agent)
			FAIL("offered contact %llu not linked right",
			     (unsigned long long)c->id);
		if (list_count(&c->offers) != c->noffers)
			FAIL("contact %llu: offer count", (unsigned long long)c->id);
		for (struct le *le = list_head(&c->offers); le; le = le->next) {
			const struct acd_offer *o = le->data;
			if (o->c != c || o->a->offer != o)
				FAIL("contact %llu: offer not mutual",
				     (unsigned long long)c->id);
			if (o->a->t != c->t)
				FAIL("contact %llu offered across tenants",
				     (unsigned long long)c->id);
			if (!acd_agent_in_target(o->a, &c->cur, NULL))
				FAIL("contact %llu offered to agent %s "
				     "outside its target",
				     (unsigned long long)c->id, o->a->id);
		}
		if (!acd_hnode_linked(&c->tmr.hn))
			FAIL("offered contact %llu has no deadline",
			     (unsigned long long)c->id);
		break;
	case ACD_CONTACT_CONNECTED:
		if (c->lq.list || acd_hnode_linked(&c->hw) || c->noffers ||
		    !c->agent || c->la.list != &c->agent->contacts)
			FAIL("connected contact %llu not linked right",
			     (unsigned long long)c->id);
		break;
	}
	return 0;
}

int acd_check(const struct acd *acd)
{
	int err;

	if (!acd)
		return EINVAL;
	if (acd_heap_check(&acd->timers))
		FAIL("deadline heap broken");

	for (struct le *tl = list_head(&acd->tenants); tl; tl = tl->next) {
		const struct acd_tenant *t = tl->data;
		uint32_t by_state[ACD_AGENT_NSTATES] = {0};

		for (struct le *le = list_head(&t->pools); le; le = le->next) {
			const struct acd_pool *p = le->data;
			if (p->base && (p->base->base || p->base->nreqs != 1 ||
					p->nreqs < 2 || p->fle.list !=
						&p->base->filtered))
				FAIL("tenant %s: filtered pool without a "
				     "one-skill base", t->name);
			if (p->base &&
			    (p->b[0].agents[0].n || p->b[0].agents[1].n ||
			     p->b[0].agents[2].n || p->b[0].agents[3].n))
				FAIL("tenant %s: filtered pool with agents",
				     t->name);
			for (uint8_t b = 0; b < p->nbuckets; b++) {
				for (int k = 0; k < ACD_NKEYS; k++)
					if (acd_aheap_check(t, &p->b[b].agents[k],
							    k))
						FAIL("pool heap broken");
				if (acd_heap_check(&p->b[b].contacts))
					FAIL("pool heap broken");
			}
		}
		for (struct le *le = list_head(&t->agents); le; le = le->next) {
			const struct acd_agent *a = le->data;
			if ((err = check_agent(acd, a)))
				return err;
			by_state[a->state]++;
		}
		if (memcmp(by_state, t->by_state, sizeof(by_state)))
			FAIL("tenant %s: agents by state disagree", t->name);

		/* the slab: memberships in use are the agents', the rest on
		 * the free list */
		uint64_t used = 0, inuse = 0, nfree = 0;
		for (struct le *le = list_head(&t->agents); le; le = le->next)
			used += ((const struct acd_agent *)le->data)->nmem;
		for (uint32_t r = 0; r < t->nmchunks << ACD_MCHUNK_BITS; r++)
			inuse += acd_member_at(t, r)->a != NULL;
		uint64_t total = (uint64_t)t->nmchunks << ACD_MCHUNK_BITS;
		for (uint32_t f = t->mfree; f && nfree <= total;
		     f = acd_member_at(t, f - 1)->hn[0].pos) {
			if (acd_member_at(t, f - 1)->a)
				FAIL("tenant %s: membership in use is free",
				     t->name);
			nfree++;
		}
		if (used != inuse ||
		    inuse + nfree != total)
			FAIL("tenant %s: membership slab: %llu used, %llu in "
			     "use, %llu free",
			     t->name, (unsigned long long)used,
			     (unsigned long long)inuse,
			     (unsigned long long)nfree);

		/* per bucket counts: recount from memberships */
		for (struct le *le = list_head(&t->pools); le; le = le->next) {
			const struct acd_pool *p = le->data;
			for (uint8_t b = 0; b < p->nbuckets; b++) {
				uint32_t n[ACD_AGENT_NSTATES] = {0};
				for (struct le *al = list_head(&t->agents); al;
				     al = al->next) {
					const struct acd_agent *a = al->data;
					/* a filtered pool counts the agents
					   that meet it, from their skills */
					if (p->base && a->cap[p->ch] &&
					    acd_agent_meets(a, p, NULL))
						n[a->state]++;
					for (uint16_t i = 0; i < a->nmem; i++) {
						const struct acd_member *m =
							acd_agent_mem(a, i);
						if (m->p == p && m->bucket == b)
							n[m->state]++;
					}
				}
				if (memcmp(n, p->b[b].by_state, sizeof(n)))
					FAIL("tenant %s: pool counts disagree",
					     t->name);
			}
		}
		for (struct le *le = list_head(&t->queues); le; le = le->next) {
			const struct acd_queue *q = le->data;
			uint32_t n = 0;
			for (int p = 0; p <= ACD_PRIORITY_MAX; p++)
				n += list_count(&q->waiting[p]);
			if (n != q->nwaiting)
				FAIL("queue %s: waiting count", q->cfg.name);
		}
	}

	for (struct le *le = list_head(&acd->live); le; le = le->next) {
		if ((err = check_contact(acd, le->data)))
			return err;
	}
	return 0;
}
