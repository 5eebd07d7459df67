/**
 * @file route.c  The decisions: which agent for an arriving contact, which
 * contact for a freed agent.  Both look only at heap tops.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "acd/acd_int.h"

#define KEY_TIME_BITS 48
#define KEY_TIME_MASK ((1ull << KEY_TIME_BITS) - 1)

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
 * agent can take several), then by the order.  Packed into one 64-bit key:
 * load 4 bits | order 60 bits. */
uint64_t acd_agent_key(const struct acd_agent *a, enum acd_channel ch,
		       enum acd_key key, uint16_t skill_sum)
{
	uint64_t load = a->active[ch] > 15 ? 15 : a->active[ch];
	uint64_t idle = a->idle_since & KEY_TIME_MASK;
	uint64_t k;

	switch (key) {
	case ACD_KEY_FEWEST: {
		uint64_t n = a->contacts_today > 4095 ? 4095 : a->contacts_today;
		k = (n << KEY_TIME_BITS) | idle;
		break;
	}
	case ACD_KEY_RR:
		k = a->offered_seq & ((1ull << 60) - 1);
		break;
	case ACD_KEY_BEST: {
		uint64_t sk = skill_sum > 4095 ? 4095 : skill_sum;
		k = ((4095 - sk) << KEY_TIME_BITS) | idle;
		break;
	}
	default:
		k = idle;
		break;
	}
	return (load << 60) | k;
}

uint64_t acd_member_key(const struct acd_member *m, enum acd_key key)
{
	return acd_agent_key(m->a, m->p->ch, key, m->skill_sum);
}

/* Put m in (or take it out of) the heap of every order its pool uses. */
void acd_member_place(struct acd_member *m, bool available)
{
	struct acd_bucket *b = &m->p->b[m->bucket];

	for (int k = 0; k < ACD_NKEYS; k++) {
		struct acd_heap *h = &b->agents[k];
		struct acd_hnode *n = &m->hn[k];

		if (available && (m->p->keys & (1u << k))) {
			uint64_t key = acd_member_key(m, (enum acd_key)k);
			if (!acd_hnode_linked(n)) {
				if (acd_heap_push(h, n, key))
					abort(); /* the agent would vanish */
			} else if (h->v[n->pos].key != key) {
				acd_heap_update(h, n, key);
			}
		} else if (acd_hnode_linked(n)) {
			acd_heap_remove(h, n);
		}
	}
}

static struct acd_member *hn_member(struct acd_hnode *n, enum acd_key key)
{
	return n ? (struct acd_member *)(void *)((char *)(n - key) -
						 offsetof(struct acd_member,
							  hn))
		 : NULL;
}

/* --- filtered pools: searching the base's heaps ------------------------- */

#define SEARCH_MAX 256 /* candidates held by a best-first search */

static struct acd_member *slot_member(const struct acd_heap *h, uint32_t i,
				      enum acd_key key)
{
	return hn_member(h->v[i].node, key);
}

/* Every entry of h, for an agent of filtered pool v, the one with the
 * smallest key: linear, for when the best-first search holds too much. */
static struct acd_member *scan_first(const struct acd_heap *h,
				     enum acd_key key, const struct acd_pool *v,
				     uint64_t *keyp)
{
	struct acd_member *best = NULL;

	for (uint32_t i = 0; i < h->n; i++) {
		struct acd_member *m = slot_member(h, i, key);
		if (h->v[i].key < *keyp && acd_agent_meets(m->a, v, NULL)) {
			*keyp = h->v[i].key;
			best = m;
		}
	}
	return best;
}

/* The first agent of filtered pool v in heap h by key order, if its key is
 * below *keyp (then *keyp is set to it).  Best-first over the heap's tree:
 * it passes over only the agents better placed than the answer that lack
 * one of v's other skills. */
static struct acd_member *search_first(const struct acd_heap *h,
				       enum acd_key key,
				       const struct acd_pool *v, uint64_t *keyp)
{
	uint32_t pq[SEARCH_MAX], n = 0;

	if (!h->n || h->v[0].key >= *keyp)
		return NULL;
	pq[n++] = 0;
	while (n) {
		/* pop the candidate with the smallest key (a heap of indexes) */
		uint32_t i = pq[0], last = pq[--n], j = 0;
		for (;;) {
			uint32_t l = 2 * j + 1, c;
			if (l >= n)
				break;
			c = l + 1 < n && h->v[pq[l + 1]].key < h->v[pq[l]].key
				    ? l + 1
				    : l;
			if (h->v[last].key <= h->v[pq[c]].key)
				break;
			pq[j] = pq[c];
			j = c;
		}
		if (n)
			pq[j] = last;

		if (h->v[i].key >= *keyp)
			return NULL; /* nothing better than what we have */
		struct acd_member *m = slot_member(h, i, key);
		if (acd_agent_meets(m->a, v, NULL)) {
			*keyp = h->v[i].key;
			return m;
		}
		for (uint32_t c = 2 * i + 1; c <= 2 * i + 2 && c < h->n; c++) {
			uint32_t k;
			if (n == SEARCH_MAX)
				return scan_first(h, key, v, keyp);
			for (k = n++; k > 0; k = (k - 1) / 2) {
				uint32_t par = (k - 1) / 2;
				if (h->v[pq[par]].key <= h->v[c].key)
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
	uint64_t bkey = UINT64_MAX;

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
				const struct acd_heap *h =
					&p->b[b].agents[ACD_KEY_IDLE];
				for (uint32_t i = 0; i < h->n; i++) {
					m = slot_member(h, i, ACD_KEY_IDLE);
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
			const struct acd_heap *h = &p->b[b].agents[ACD_KEY_BEST];
			for (uint32_t i = 0; i < h->n; i++) {
				uint16_t sum;
				uint64_t k;
				m = slot_member(h, i, ACD_KEY_BEST);
				if (!acd_agent_meets(m->a, v, &sum))
					continue;
				k = acd_agent_key(m->a, p->ch, ACD_KEY_BEST,
						  sum);
				if (k < bkey) {
					bkey = k;
					best = m;
				}
			}
		}
		return best;
	}
	for (uint8_t b = v->base_lo; b < p->nbuckets; b++) {
		m = search_first(&p->b[b].agents[tg->key],
				 (enum acd_key)tg->key, v, &bkey);
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
	uint64_t bkey = UINT64_MAX;

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
			const struct acd_heap *h = &p->b[b].agents[ACD_KEY_IDLE];
			if (r < h->n)
				return hn_member(h->v[r].node, ACD_KEY_IDLE);
			r -= h->n;
		}
		return NULL;
	}

	for (uint8_t b = tg->lo; b < p->nbuckets; b++) {
		const struct acd_heap *h = &p->b[b].agents[tg->key];
		if (h->n && h->v[0].key < bkey) {
			bkey = h->v[0].key;
			best = hn_member(h->v[0].node, (enum acd_key)tg->key);
		}
	}
	return best;
}

bool acd_target_has_agent(const struct acd_target *tg)
{
	if (tg->p->base) {
		const struct acd_pool *v = tg->p, *p = v->base;
		for (uint8_t b = v->base_lo; b < p->nbuckets; b++) {
			uint64_t k = UINT64_MAX;
			if (search_first(&p->b[b].agents[tg->key],
					 (enum acd_key)tg->key, v, &k))
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
		struct acd_member *m = &a->mem[i];
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
