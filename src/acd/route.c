/**
 * @file route.c  The decisions: which agent for an arriving contact, which
 * contact for a freed agent.  Both look only at heap tops, except that a
 * requirement set of several skills (a filtered pool) searches its base's
 * heaps best first for an agent with the other skills.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "acd/acd_int.h"

/* Contacts: higher priority first, then earlier arrival. */
uint64_t acd_contact_key(const struct acd_contact *c)
{
	return ((uint64_t)(ACD_PRIORITY_MAX - c->prio) << 56) |
	       (c->arrived & ((1ull << 56) - 1));
}

enum acd_key acd_strategy_key(enum acd_strategy s)
{
	switch (s) {
	case ACD_STRAT_FEWEST_CONTACTS:
		return ACD_KEY_FEWEST;
	case ACD_STRAT_ROUND_ROBIN:
		return ACD_KEY_RR;
	case ACD_STRAT_BEST_SKILL:
		return ACD_KEY_BEST;
	default: /* longest idle, ring-all, random (picks by index) */
		return ACD_KEY_IDLE;
	}
}

/* Agents: the least loaded first (matters for chats and e-mails, where an
 * agent can take several), then by the order.  Packed into the 40 bits of
 * an agents' heap slot above the membership number: load 4 bits | order
 * 36 bits.  Times count from the tenant's epoch and saturate (all agents
 * idle since before the end of the range tie, then go by number):
 *   idle:   idle since, ms (795 days)
 *   fewest: contacts today (up to 1023) | idle since, s (2.1 years)
 *   rr:     last offer's sequence number (68.7 G offers)
 *   best:   255 - sum of levels | idle since, s (8.5 years) */
#define ORDER_BITS 36

static uint64_t sat(uint64_t v, unsigned bits)
{
	uint64_t max = (1ull << bits) - 1;
	return v > max ? max : v;
}

uint64_t acd_agent_key(const struct acd_agent *a, enum acd_channel ch,
		       enum acd_key key, uint16_t skill_sum)
{
	uint64_t load = sat(a->active[ch], 4);
	uint64_t idle = a->idle_since > a->t->epoch
				? a->idle_since - a->t->epoch
				: 0;
	uint64_t k;

	switch (key) {
	case ACD_KEY_FEWEST:
		k = sat(a->contacts_today, 10) << 26 | sat(idle / 1000, 26);
		break;
	case ACD_KEY_RR:
		k = sat(a->offered_seq, ORDER_BITS);
		break;
	case ACD_KEY_BEST:
		k = (255 - sat(skill_sum, 8)) << 28 | sat(idle / 1000, 28);
		break;
	default:
		k = sat(idle, ORDER_BITS);
		break;
	}
	return load << ORDER_BITS | k;
}

uint64_t acd_member_key(const struct acd_member *m, enum acd_key key)
{
	return acd_agent_key(m->a, m->p->ch, key, m->skill_sum);
}

/* Put m in (or take it out of) the heap of every order its pool uses. */
void acd_member_place(struct acd_member *m, bool available)
{
	struct acd_bucket *b = &m->p->b[m->bucket];
	struct acd_tenant *t = m->p->t;

	for (int k = 0; k < ACD_NKEYS; k++) {
		struct acd_aheap *h = &b->agents[k];
		struct acd_hnode *n = &m->hn[k];

		if (available && (m->p->keys & (1u << k))) {
			uint64_t key = acd_member_key(m, (enum acd_key)k);
			if (!acd_hnode_linked(n)) {
				if (acd_aheap_push(t, h, k, m->ref, key))
					abort(); /* the agent would vanish */
			} else if (acd_aslot_key(h->v[n->pos]) != key) {
				acd_aheap_update(t, h, k, n->pos, key);
			}
		} else if (acd_hnode_linked(n)) {
			acd_aheap_remove(t, h, k, n->pos);
		}
	}
}

/* --- filtered pools: searching the base's heaps ------------------------- */

#define SEARCH_MAX 256 /* candidates held by a best-first search */

static struct acd_member *slot_member(const struct acd_pool *p,
				      const struct acd_aheap *h, uint32_t i)
{
	return acd_member_at(p->t, acd_aslot_ref(h->v[i]));
}

/* Every slot of h (of base pool p) for an agent of filtered pool v, the
 * smallest below *slotp: linear, for when the best-first search would hold
 * too many candidates. */
static struct acd_member *scan_first(const struct acd_pool *p,
				     const struct acd_aheap *h,
				     const struct acd_pool *v, uint64_t *slotp)
{
	struct acd_member *best = NULL;

	for (uint32_t i = 0; i < h->n; i++) {
		if (h->v[i] >= *slotp)
			continue;
		struct acd_member *m = slot_member(p, h, i);
		if (acd_agent_meets(m->a, v, NULL)) {
			*slotp = h->v[i];
			best = m;
		}
	}
	return best;
}

/* The first agent of filtered pool v in heap h (of base pool p) in the
 * heap's order, if its slot is below *slotp (then *slotp is set to it).
 * Best-first over the heap's tree: it passes over only the agents better
 * placed than the answer that lack one of v's other skills. */
static struct acd_member *search_first(const struct acd_pool *p,
				       const struct acd_aheap *h,
				       const struct acd_pool *v,
				       uint64_t *slotp)
{
	uint32_t pq[SEARCH_MAX], n = 0;

	if (!h->n || h->v[0] >= *slotp)
		return NULL;
	pq[n++] = 0;
	while (n) {
		/* pop the candidate with the smallest slot (a heap of
		 * indexes into h) */
		uint32_t i = pq[0], last = pq[--n], j = 0;
		for (;;) {
			uint32_t l = 2 * j + 1, c;
			if (l >= n)
				break;
			c = l + 1 < n && h->v[pq[l + 1]] < h->v[pq[l]] ? l + 1
								       : l;
			if (h->v[last] < h->v[pq[c]])
				break;
			pq[j] = pq[c];
			j = c;
		}
		if (n)
			pq[j] = last;

		if (h->v[i] >= *slotp)
			return NULL; /* nothing better than what we have */
		struct acd_member *m = slot_member(p, h, i);
		if (acd_agent_meets(m->a, v, NULL)) {
			*slotp = h->v[i];
			return m;
		}
		for (uint32_t c = 2 * i + 1; c <= 2 * i + 2 && c < h->n; c++) {
			uint32_t k;
			if (n == SEARCH_MAX)
				return scan_first(p, h, v, slotp);
			for (k = n++; k > 0; k = (k - 1) / 2) {
				uint32_t par = (k - 1) / 2;
				if (h->v[pq[par]] < h->v[c])
					break;
				pq[k] = pq[par];
			}
			pq[k] = c;
		}
	}
	return NULL;
}

/* The best available agent of filtered pool v for target tg. */
static struct acd_member *best_filtered(struct acd *acd,
					const struct acd_target *tg)
{
	const struct acd_pool *v = tg->p, *p = v->base;
	struct acd_member *best = NULL, *m;
	uint64_t bslot = UINT64_MAX;

	if (tg->strat == ACD_STRAT_RANDOM) {
		/* uniform over the agents that qualify: count, then pick */
		uint64_t total = 0, r = 0;
		for (int pass = 0; pass < 2; pass++) {
			if (pass == 1) {
				if (!total)
					return NULL;
				r = acd_rand(acd) % total;
			}
			for (uint8_t b = v->base_lo; b < p->nbuckets; b++) {
				const struct acd_aheap *h =
					&p->b[b].agents[ACD_KEY_IDLE];
				for (uint32_t i = 0; i < h->n; i++) {
					m = slot_member(p, h, i);
					if (!acd_agent_meets(m->a, v, NULL))
						continue;
					if (pass == 0)
						total++;
					else if (r-- == 0)
						return m;
				}
			}
		}
		return NULL;
	}
	if (tg->key == ACD_KEY_BEST) {
		/* the sum of v's levels, not the base's level alone: every
		 * agent that qualifies is looked at */
		for (uint8_t b = v->base_lo; b < p->nbuckets; b++) {
			const struct acd_aheap *h = &p->b[b].agents[ACD_KEY_BEST];
			for (uint32_t i = 0; i < h->n; i++) {
				uint16_t sum;
				uint64_t slot;
				m = slot_member(p, h, i);
				if (!acd_agent_meets(m->a, v, &sum))
					continue;
				slot = acd_agent_key(m->a, p->ch, ACD_KEY_BEST,
						     sum)
					       << ACD_REF_BITS |
				       m->ref;
				if (slot < bslot) {
					bslot = slot;
					best = m;
				}
			}
		}
		return best;
	}
	for (uint8_t b = v->base_lo; b < p->nbuckets; b++) {
		m = search_first(p, &p->b[b].agents[tg->key], v, &bslot);
		if (m)
			best = m;
	}
	return best;
}

/* The best available agent for target tg, or NULL. */
static struct acd_member *best_agent(struct acd *acd,
				     const struct acd_target *tg)
{
	struct acd_pool *p = tg->p;
	struct acd_member *best = NULL;
	uint64_t bslot = UINT64_MAX;

	if (p->base)
		return best_filtered(acd, tg);

	if (tg->strat == ACD_STRAT_RANDOM) {
		/* Uniform over every available member of buckets lo..: the
		 * heap arrays are plain arrays of them. */
		uint64_t total = 0, r;
		for (uint8_t b = tg->lo; b < p->nbuckets; b++)
			total += p->b[b].agents[ACD_KEY_IDLE].n;
		if (!total)
			return NULL;
		r = acd_rand(acd) % total;
		for (uint8_t b = tg->lo; b < p->nbuckets; b++) {
			const struct acd_aheap *h =
				&p->b[b].agents[ACD_KEY_IDLE];
			if (r < h->n)
				return slot_member(p, h, (uint32_t)r);
			r -= h->n;
		}
		return NULL;
	}

	for (uint8_t b = tg->lo; b < p->nbuckets; b++) {
		const struct acd_aheap *h = &p->b[b].agents[tg->key];
		if (h->n && h->v[0] < bslot) {
			bslot = h->v[0];
			best = slot_member(p, h, 0);
		}
	}
	return best;
}

bool acd_target_has_agent(const struct acd_target *tg)
{
	if (tg->p->base) {
		const struct acd_pool *v = tg->p, *p = v->base;
		for (uint8_t b = v->base_lo; b < p->nbuckets; b++) {
			uint64_t slot = UINT64_MAX;
			if (search_first(p, &p->b[b].agents[tg->key], v,
					 &slot))
				return true;
		}
		return false;
	}
	for (uint8_t b = tg->lo; b < tg->p->nbuckets; b++) {
		if (tg->p->b[b].agents[tg->key].n)
			return true;
	}
	return false;
}

static struct acd_offer *offer_get(struct acd *acd)
{
	struct acd_offer *o = acd->free_offers;

	if (o) {
		acd->free_offers = o->next_free;
		memset(o, 0, sizeof(*o));
		return o;
	}
	return calloc(1, sizeof(*o));
}

static void offer(struct acd *acd, struct acd_contact *c, struct acd_agent *a)
{
	struct acd_offer *o = offer_get(acd);
	struct acd_event *ev;

	if (!o)
		abort(); /* out of memory with a decision half made */
	o->c = c;
	o->a = a;
	list_append(&c->offers, &o->le, o);
	c->noffers++;
	c->state = ACD_CONTACT_OFFERED;
	a->offer = o;
	a->offered_seq = ++acd->offer_seq;

	ev = acd_emit(acd, ACD_EV_CONTACT_OFFERED);
	ev->tenant = c->t;
	ev->queue = c->q;
	ev->agent = a;
	ev->contact_id = c->id;
	ev->channel = c->ch;
	ev->owner = c->owner;
	ev->priority = c->prio;

	acd_agent_refresh(a); /* reserved: leaves every heap */
}

/* A contact that is not in any heap looks for agents; if none, it waits in
 * its target's heap.  Returns with the contact offered or waiting. */
void acd_route_contact(struct acd *acd, struct acd_contact *c)
{
	const struct acd_target *tg = &c->cur;
	struct acd_member *m;

	if (tg->strat == ACD_STRAT_RING_ALL) {
		uint32_t max = c->q->cfg.ring_all_max;
		uint32_t n = 0;
		while ((!max || n < max) && (m = best_agent(acd, tg))) {
			offer(acd, c, m->a);
			n++;
		}
	} else if ((m = best_agent(acd, tg))) {
		offer(acd, c, m->a);
	}

	if (c->state == ACD_CONTACT_OFFERED) {
		acd_contact_schedule(acd, c);
		return;
	}
	if (acd_heap_push(&tg->p->b[tg->lo].contacts, &c->hw,
			  acd_contact_key(c)))
		abort(); /* a contact must never silently drop out */
}

/* A freed agent takes the best waiting contact it may serve, if any. */
void acd_route_agent(struct acd *acd, struct acd_agent *a)
{
	struct acd_heap *bh = NULL;
	uint64_t bkey = UINT64_MAX;

	for (uint16_t i = 0; i < a->nmem; i++) {
		struct acd_member *m = acd_agent_mem(a, i);
		if (!acd_agent_can_take(a, m->p->ch))
			continue; /* cannot take this pool's channel now */
		/* Contacts whose target starts at or below our bucket. */
		for (uint8_t b = 0; b <= m->bucket; b++) {
			struct acd_heap *h = &m->p->b[b].contacts;
			if (h->n && h->v[0].key < bkey) {
				bkey = h->v[0].key;
				bh = h;
			}
		}
	}
	/* And those of the filtered pools whose skills we have. */
	for (uint16_t i = 0; i < a->nfv; i++) {
		const struct acd_pool *v = acd_agent_fpool(a, i);
		struct acd_heap *h = &v->b[0].contacts;
		if (h->n && h->v[0].key < bkey && acd_agent_can_take(a, v->ch)) {
			bkey = h->v[0].key;
			bh = h;
		}
	}
	if (!bh)
		return;

	struct acd_contact *c =
		container_of(acd_heap_top(bh), struct acd_contact, hw);
	acd_heap_remove(bh, &c->hw);
	acd_contact_unwait(c);
	offer(acd, c, a);
	acd_contact_schedule(acd, c);
}
