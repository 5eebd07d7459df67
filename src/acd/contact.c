/**
 * @file contact.c  The contact lifecycle: arrive, wait, be offered, be
 * accepted or rejected, relax, overflow, abandon, complete, transfer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "acd/acd_int.h"

#define MAX_OVERFLOW_HOPS 8

static bool contact_cmp(struct le *le, void *arg)
{
	const struct acd_contact *c = le->data;
	return c->id == *(uint64_t *)arg;
}

struct acd_contact *acd_contact_get(const struct acd *acd, uint64_t id)
{
	struct le *le = hash_lookup(acd->contacth, (uint32_t)id, contact_cmp,
				    &id);
	return le ? le->data : NULL;
}

static struct acd_contact *contact_new(struct acd *acd)
{
	struct acd_contact *c = acd->free_contacts;

	if (c)
		acd->free_contacts = c->next_free;
	else if (!(c = malloc(sizeof(*c))))
		return NULL;
	memset(c, 0, sizeof(*c));
	c->hw.pos = HEAP_NONE;
	c->tmr.hn.pos = HEAP_NONE;
	c->tmr.kind = ACD_TMR_CONTACT;
	return c;
}

static struct acd_event *emit_c(struct acd *acd, enum acd_event_type type,
				const struct acd_contact *c)
{
	struct acd_event *ev = acd_emit(acd, type);

	ev->tenant = c->t;
	ev->queue = c->q;
	ev->agent = c->agent;
	ev->contact_id = c->id;
	ev->channel = c->ch;
	ev->owner = c->owner;
	ev->priority = c->prio;
	return ev;
}

/* --- waiting ------------------------------------------------------------- */

static void list_link(struct acd_contact *c)
{
	struct list *l = &c->q->waiting[c->prio];
	struct le *le;

	/* Ordered by arrival: new arrivals go at the tail in O(1); a requeued
	 * contact keeps its place, usually the front, also in O(1). */
	le = list_head(l);
	if (le && ((const struct acd_contact *)le->data)->arrived > c->arrived) {
		list_prepend(l, &c->lq, c);
		c->q->nwaiting++;
		return;
	}
	for (le = list_tail(l); le; le = le->prev) {
		const struct acd_contact *o = le->data;
		if (o->arrived <= c->arrived)
			break;
	}
	if (le)
		list_insert_after(l, le, &c->lq, c);
	else
		list_prepend(l, &c->lq, c);
	c->q->nwaiting++;
}

void acd_contact_unwait(struct acd_contact *c)
{
	if (acd_hnode_linked(&c->hw))
		acd_heap_remove(&c->cur.p->b[c->cur.lo].contacts, &c->hw);
	if (c->lq.list) {
		list_unlink(&c->lq);
		c->q->nwaiting--;
	}
}

/* When the contact next needs attention: its offer's timeout, or its next
 * relaxation step or its maximum wait. */
void acd_contact_schedule(struct acd *acd, struct acd_contact *c)
{
	uint64_t when = ACD_NONE;
	const struct acd_queue_cfg *cfg = &c->q->cfg;

	if (c->state == ACD_CONTACT_OFFERED) {
		when = acd_now(acd) + (uint64_t)cfg->offer_timeout_s * 1000;
	} else if (c->state == ACD_CONTACT_WAITING) {
		if (c->step + 1u < c->q->nsteps)
			when = c->arrived +
			       (uint64_t)cfg->relax[c->step].after_s * 1000;
		if (cfg->max_wait_s && cfg->overflow != ACD_OVERFLOW_NONE) {
			uint64_t mw = c->arrived +
				      (uint64_t)cfg->max_wait_s * 1000;
			if (mw < when)
				when = mw;
		}
	}
	c->deadline = when;
	if (when == ACD_NONE)
		acd_timer_clear(acd, &c->tmr);
	else
		acd_timer_set(acd, &c->tmr, when);
}

static void set_target(struct acd_contact *c)
{
	if (c->step == 0 && c->has_override)
		c->cur = c->override;
	else
		c->cur = c->q->steps[c->step];
}

/* Bring the relaxation step up to date with the time waited; one RELAXED
 * event tells the new step even when several were passed (a contact
 * requeued late, or timers run late). */
static bool relax_catch_up(struct acd *acd, struct acd_contact *c,
			   uint64_t now)
{
	bool moved = false;

	while (c->step + 1u < c->q->nsteps &&
	       now >= c->arrived + (uint64_t)c->q->cfg.relax[c->step].after_s *
					   1000) {
		c->step++;
		moved = true;
	}
	if (moved) {
		set_target(c);
		emit_c(acd, ACD_EV_CONTACT_RELAXED, c);
	}
	return moved;
}

static void overflow(struct acd *acd, struct acd_contact *c);

/* Put a contact (not in any heap or list) in WAITING: offered at once if an
 * agent is free, else linked into its queue and target heap. */
void acd_contact_wait(struct acd *acd, struct acd_contact *c, bool front)
{
	uint64_t now = acd_now(acd);
	const struct acd_queue_cfg *cfg = &c->q->cfg;

	(void)front; /* the arrival time keeps a requeued contact in front */
	c->state = ACD_CONTACT_WAITING;
	c->agent = NULL;
	relax_catch_up(acd, c, now);

	if (cfg->max_wait_s && cfg->overflow != ACD_OVERFLOW_NONE &&
	    now >= c->arrived + (uint64_t)cfg->max_wait_s * 1000) {
		overflow(acd, c);
		return;
	}

	acd_route_contact(acd, c);
	if (c->state == ACD_CONTACT_WAITING) {
		list_link(c);
		acd_contact_schedule(acd, c);
	}
}

/* --- ending -------------------------------------------------------------- */

static void offer_free(struct acd *acd, struct acd_offer *o)
{
	o->next_free = acd->free_offers;
	acd->free_offers = o;
}

static void kill(struct acd *acd, struct acd_contact *c)
{
	c->dead = true;
	acd_contact_unwait(c);
	acd_timer_clear(acd, &c->tmr);
	hash_unlink(&c->he);
	list_unlink(&c->lc);
	if (c->la.list)
		list_unlink(&c->la);
	c->next_free = acd->graveyard;
	acd->graveyard = c;
}

static void requeue(struct acd *acd, struct acd_contact *c)
{
	/* Steps passed while it rang are told before it is back. */
	relax_catch_up(acd, c, acd_now(acd));
	emit_c(acd, ACD_EV_CONTACT_REQUEUED, c);
	acd_contact_wait(acd, c, true);
}

void acd_offer_end(struct acd *acd, struct acd_offer *o,
		   enum acd_end_reason why)
{
	struct acd_contact *c = o->c;
	struct acd_agent *a = o->a;
	struct acd_event *ev;
	bool ring_all = c->q->cfg.strategy == ACD_STRAT_RING_ALL;

	ev = emit_c(acd, ACD_EV_OFFER_ENDED, c);
	ev->agent = a;
	ev->end = why;

	list_unlink(&o->le);
	c->noffers--;
	a->offer = NULL;
	offer_free(acd, o);

	/* An agent who lets a personal offer ring out or turns it down is
	 * not ready until they say otherwise; offering them the next contact
	 * would only ring out again. */
	if (!ring_all && (why == ACD_END_TIMEOUT || why == ACD_END_REJECTED) &&
	    a->presence == ACD_PRESENCE_AVAILABLE) {
		a->presence = ACD_PRESENCE_NOT_READY;
		strcpy(a->reason,
		       why == ACD_END_TIMEOUT ? "no-answer" : "rejected");
	}
	acd_agent_refresh(a);

	if (!c->dead && c->state == ACD_CONTACT_OFFERED && !c->noffers)
		requeue(acd, c);
}

static void end_offers(struct acd *acd, struct acd_contact *c,
		       enum acd_end_reason why)
{
	/* Ending the last offer requeues c, which may offer it to the next
	 * agent at once: end only the offers that exist now, not that one. */
	for (uint32_t n = list_count(&c->offers); n; n--)
		acd_offer_end(acd, list_head(&c->offers)->data, why);
}

/* The agent stops working on c; a wrap-up follows if its queue has one. */
static void release_agent(struct acd *acd, struct acd_contact *c,
			  bool wrapup)
{
	struct acd_agent *a = c->agent;
	uint64_t now = acd_now(acd);
	uint64_t talk = now - c->answered;

	if (!a)
		return;
	list_unlink(&c->la);
	a->active[c->ch]--;
	if (!a->active[c->ch])
		a->active_mask &= (uint16_t) ~(1u << c->ch);

	if (wrapup && c->q->cfg.wrapup_s) {
		if (a->wrap_q) /* an earlier wrap-up still running: close it */
			acd_stats_handled(a->wrap_q,
					  a->wrap_talk_ms +
						  (now - a->wrap_start));
		a->wrap_q = c->q;
		a->wrap_talk_ms = talk;
		a->wrap_start = now;
		a->wrapup_until = now + (uint64_t)c->q->cfg.wrapup_s * 1000;
		acd_timer_set(acd, &a->tmr, a->wrapup_until);
	} else if (wrapup) {
		acd_stats_handled(c->q, talk);
	}
	c->agent = NULL;
	acd_agent_refresh(a);
}

/* --- overflow ------------------------------------------------------------ */

static void overflow(struct acd *acd, struct acd_contact *c)
{
	const struct acd_queue_cfg *cfg = &c->q->cfg;
	struct acd_queue *tq = NULL;
	struct acd_event *ev;

	acd_contact_unwait(c);
	acd_timer_clear(acd, &c->tmr);
	acd_stats_overflow(c->q);

	if (cfg->overflow == ACD_OVERFLOW_QUEUE &&
	    c->hops < MAX_OVERFLOW_HOPS)
		tq = acd_queue_find(c->t, cfg->overflow_target);

	ev = emit_c(acd, ACD_EV_CONTACT_OVERFLOWED, c);
	ev->end = ACD_END_OVERFLOWED;
	if (tq) {
		ev->action = ACD_OVERFLOW_QUEUE;
		ev->target = tq->cfg.name;
	} else {
		/* A missing target queue or an overflow loop ends the
		 * contact with the disconnect message rather than losing it
		 * silently. */
		ev->action = cfg->overflow == ACD_OVERFLOW_QUEUE
				     ? ACD_OVERFLOW_DISCONNECT
				     : cfg->overflow;
		ev->target = cfg->overflow == ACD_OVERFLOW_QUEUE
				     ? NULL
				     : cfg->overflow_target;
	}

	if (!tq) {
		kill(acd, c);
		return;
	}

	c->hops++;
	c->q = tq;
	c->step = 0;
	c->has_override = false;
	c->arrived = acd_now(acd);
	set_target(c);
	acd_stats_enter(tq);
	emit_c(acd, ACD_EV_CONTACT_QUEUED, c);
	if (tq->cfg.max_len && tq->nwaiting >= tq->cfg.max_len &&
	    tq->cfg.overflow != ACD_OVERFLOW_NONE) {
		overflow(acd, c);
		return;
	}
	acd_contact_wait(acd, c, false);
}

void acd_contact_deadline_due(struct acd_contact *c)
{
	struct acd *acd = c->t->acd;
	uint64_t now = acd_now(acd);

	if (c->state == ACD_CONTACT_OFFERED) {
		end_offers(acd, c, ACD_END_TIMEOUT); /* requeues c */
		return;
	}
	if (c->state != ACD_CONTACT_WAITING)
		return;

	const struct acd_queue_cfg *cfg = &c->q->cfg;
	if (cfg->max_wait_s && cfg->overflow != ACD_OVERFLOW_NONE &&
	    now >= c->arrived + (uint64_t)cfg->max_wait_s * 1000) {
		overflow(acd, c);
		return;
	}

	acd_contact_unwait(c);
	relax_catch_up(acd, c, now);
	acd_route_contact(acd, c);
	if (c->state == ACD_CONTACT_WAITING)
		list_link(c);
	acd_contact_schedule(acd, c);
}

/* --- the public lifecycle ------------------------------------------------ */

static bool channel_fits(enum acd_channel ch, enum acd_channel qch)
{
	if (ch == qch)
		return true;
	return qch == ACD_CH_VOICE &&
	       (ch == ACD_CH_CALLBACK || ch == ACD_CH_OUTBOUND);
}

int acd_contact_add(struct acd *acd, const struct acd_contact_params *p,
		    uint64_t *idp)
{
	struct acd_contact *c;
	struct acd_queue *q;
	int err = 0;

	if (!acd || !p)
		return EINVAL;
	q = p->queue;
	if (!q)
		return acd_fail(acd, EINVAL, "contact without a queue");
	if ((unsigned)p->channel >= ACD_CH_MAX ||
	    !channel_fits(p->channel, q->cfg.channel))
		return acd_fail(acd, EINVAL,
				"a %s contact cannot enter %s queue '%s'",
				acd_channel_name(p->channel),
				acd_channel_name(q->cfg.channel), q->cfg.name);
	if (p->priority > ACD_PRIORITY_MAX)
		return acd_fail(acd, EINVAL, "priority %u not in 0..9",
				p->priority);

	acd_enter(acd);
	c = contact_new(acd);
	if (!c) {
		err = ENOMEM;
		goto out;
	}
	c->t = q->t;
	c->q = q;
	c->ch = p->channel;
	c->prio = p->priority;
	c->owner = p->owner;
	if (p->nskills) {
		struct acd_reqs r = {p->skills, p->nskills};
		err = acd_target_make(q->t, q->cfg.channel, q->cfg.strategy, &r,
				      &c->override);
		if (err) {
			c->next_free = acd->free_contacts;
			acd->free_contacts = c;
			goto out;
		}
		c->has_override = true;
	}
	c->id = acd->next_id++;
	c->arrived = acd_now(acd);
	set_target(c);
	hash_append(acd->contacth, (uint32_t)c->id, &c->he, c);
	list_append(&acd->live, &c->lc, c);
	if (idp)
		*idp = c->id;

	acd_stats_enter(q);
	emit_c(acd, ACD_EV_CONTACT_QUEUED, c);
	if (q->cfg.max_len && q->nwaiting >= q->cfg.max_len &&
	    q->cfg.overflow != ACD_OVERFLOW_NONE)
		overflow(acd, c);
	else if (q->cfg.max_len && q->nwaiting >= q->cfg.max_len) {
		/* full and nowhere to go: refuse rather than grow */
		acd_stats_overflow(q);
		struct acd_event *ev = emit_c(acd, ACD_EV_CONTACT_OVERFLOWED, c);
		ev->end = ACD_END_OVERFLOWED;
		ev->action = ACD_OVERFLOW_DISCONNECT;
		kill(acd, c);
	} else
		acd_contact_wait(acd, c, false);
out:
	acd_leave(acd);
	return err;
}

static struct acd_contact *lookup(struct acd *acd, uint64_t id)
{
	struct acd_contact *c = acd_contact_get(acd, id);

	if (!c)
		acd_fail(acd, ENOENT, "no contact %llu", (unsigned long long)id);
	return c;
}

static struct acd_offer *offer_of(const struct acd_contact *c,
				  const struct acd_agent *a)
{
	for (struct le *le = list_head(&c->offers); le; le = le->next) {
		struct acd_offer *o = le->data;
		if (o->a == a)
			return o;
	}
	return NULL;
}

int acd_contact_accept(struct acd *acd, uint64_t id, struct acd_agent *a)
{
	struct acd_contact *c;
	struct acd_offer *o;
	uint64_t now;

	if (!acd || !a)
		return EINVAL;
	if (!(c = lookup(acd, id)))
		return ENOENT;
	if (a->t != c->t)
		return acd_fail(acd, EPERM,
				"agent %s of '%s' cannot take a contact of '%s'",
				a->id, a->t->name, c->t->name);
	if (c->state == ACD_CONTACT_CONNECTED)
		return acd_fail(acd, EALREADY,
				"contact %llu already accepted by %s",
				(unsigned long long)id, c->agent->id);
	if (!(o = offer_of(c, a)))
		return acd_fail(acd, EBUSY,
				"contact %llu is not offered to agent %s",
				(unsigned long long)id, a->id);

	acd_enter(acd);
	now = acd_now(acd);
	c->state = ACD_CONTACT_CONNECTED;
	acd_timer_clear(acd, &c->tmr);

	/* The accepted offer turns into work; the others are taken. */
	list_unlink(&o->le);
	c->noffers--;
	a->offer = NULL;
	offer_free(acd, o);
	end_offers(acd, c, ACD_END_TAKEN);

	c->agent = a;
	c->answered = now;
	list_append(&a->contacts, &c->la, c);
	a->active[c->ch]++;
	a->active_mask |= (uint16_t)(1u << c->ch);
	a->contacts_today++;
	acd_stats_answer(c->q, now - c->arrived);
	emit_c(acd, ACD_EV_CONTACT_ACCEPTED, c);
	acd_agent_refresh(a);
	acd_leave(acd);
	return 0;
}

int acd_contact_reject(struct acd *acd, uint64_t id, struct acd_agent *a)
{
	struct acd_contact *c;
	struct acd_offer *o;

	if (!acd || !a)
		return EINVAL;
	if (!(c = lookup(acd, id)))
		return ENOENT;
	if (a->t != c->t)
		return acd_fail(acd, EPERM, "agent %s is of another tenant",
				a->id);
	if (c->state == ACD_CONTACT_CONNECTED && c->agent == a)
		return acd_fail(acd, EALREADY,
				"contact %llu already accepted by %s",
				(unsigned long long)id, a->id);
	if (!(o = offer_of(c, a)))
		return acd_fail(acd, EBUSY,
				"contact %llu is not offered to agent %s",
				(unsigned long long)id, a->id);
	acd_enter(acd);
	acd_offer_end(acd, o, ACD_END_REJECTED);
	acd_leave(acd);
	return 0;
}

int acd_contact_abandon(struct acd *acd, uint64_t id)
{
	struct acd_contact *c;
	struct acd_event *ev;

	if (!acd)
		return EINVAL;
	if (!(c = lookup(acd, id)))
		return ENOENT;
	if (c->state == ACD_CONTACT_CONNECTED)
		return acd_fail(acd, EBUSY,
				"contact %llu is connected: complete it",
				(unsigned long long)id);
	acd_enter(acd);
	c->dead = true; /* ending offers must not requeue it */
	acd_contact_unwait(c);
	end_offers(acd, c, ACD_END_ABANDONED);
	acd_stats_abandon(c->q, acd_now(acd) - c->arrived);
	ev = emit_c(acd, ACD_EV_CONTACT_ABANDONED, c);
	ev->end = ACD_END_ABANDONED;
	kill(acd, c);
	acd_leave(acd);
	return 0;
}

int acd_contact_complete(struct acd *acd, uint64_t id)
{
	struct acd_contact *c;
	struct acd_event *ev;

	if (!acd)
		return EINVAL;
	if (!(c = lookup(acd, id)))
		return ENOENT;
	if (c->state != ACD_CONTACT_CONNECTED)
		return acd_fail(acd, EBUSY,
				"contact %llu is not connected to an agent",
				(unsigned long long)id);
	acd_enter(acd);
	c->dead = true;
	ev = emit_c(acd, ACD_EV_CONTACT_COMPLETED, c);
	ev->end = ACD_END_COMPLETED;
	release_agent(acd, c, true);
	kill(acd, c);
	acd_leave(acd);
	return 0;
}

int acd_contact_transfer(struct acd *acd, uint64_t id, struct acd_queue *q)
{
	struct acd_contact *c;

	if (!acd || !q)
		return EINVAL;
	if (!(c = lookup(acd, id)))
		return ENOENT;
	if (q->t != c->t)
		return acd_fail(acd, EPERM,
				"queue '%s' belongs to another tenant",
				q->cfg.name);
	if (!channel_fits(c->ch, q->cfg.channel))
		return acd_fail(acd, EINVAL, "queue '%s' is not a %s queue",
				q->cfg.name, acd_channel_name(c->ch));

	acd_enter(acd);
	if (c->state == ACD_CONTACT_CONNECTED) {
		release_agent(acd, c, true);
	} else {
		/* Left the old queue unanswered for another one: counted and
		 * told as an overflow to that queue, so statistics and events
		 * agree. */
		struct acd_event *ev;
		c->dead = true;
		acd_contact_unwait(c);
		end_offers(acd, c, ACD_END_REMOVED);
		c->dead = false;
		acd_stats_overflow(c->q);
		ev = emit_c(acd, ACD_EV_CONTACT_OVERFLOWED, c);
		ev->end = ACD_END_OVERFLOWED;
		ev->action = ACD_OVERFLOW_QUEUE;
		ev->target = q->cfg.name;
	}
	acd_timer_clear(acd, &c->tmr);
	c->q = q;
	c->step = 0;
	c->has_override = false;
	c->hops = 0;
	c->answered = 0;
	c->arrived = acd_now(acd);
	set_target(c);
	acd_stats_enter(q);
	emit_c(acd, ACD_EV_CONTACT_QUEUED, c);
	acd_contact_wait(acd, c, false);
	acd_leave(acd);
	return 0;
}

int acd_contact_remove(struct acd *acd, uint64_t id)
{
	struct acd_contact *c;
	struct acd_event *ev;

	if (!acd)
		return EINVAL;
	if (!(c = lookup(acd, id)))
		return ENOENT;
	acd_enter(acd);
	c->dead = true;
	acd_contact_unwait(c);
	end_offers(acd, c, ACD_END_REMOVED);
	ev = emit_c(acd, ACD_EV_CONTACT_REMOVED, c);
	ev->end = ACD_END_REMOVED;
	release_agent(acd, c, false);
	kill(acd, c);
	acd_leave(acd);
	return 0;
}

int acd_contact_set_priority(struct acd *acd, uint64_t id, uint8_t prio)
{
	struct acd_contact *c;

	if (!acd)
		return EINVAL;
	if (!(c = lookup(acd, id)))
		return ENOENT;
	if (prio > ACD_PRIORITY_MAX)
		return acd_fail(acd, EINVAL, "priority %u not in 0..9", prio);
	if (prio == c->prio)
		return 0;

	acd_enter(acd);
	if (c->state == ACD_CONTACT_WAITING) {
		acd_contact_unwait(c);
		c->prio = prio;
		list_link(c);
		if (acd_heap_push(&c->cur.p->b[c->cur.lo].contacts, &c->hw,
				  acd_contact_key(c)))
			abort();
	} else {
		c->prio = prio;
	}
	emit_c(acd, ACD_EV_CONTACT_PRIORITY, c);
	acd_leave(acd);
	return 0;
}

int acd_contact_info(const struct acd *acd, uint64_t id,
		     struct acd_contact_info *info)
{
	const struct acd_contact *c;

	if (!acd || !info)
		return EINVAL;
	c = acd_contact_get(acd, id);
	if (!c)
		return ENOENT;
	memset(info, 0, sizeof(*info));
	info->id = c->id;
	info->channel = c->ch;
	info->state = c->state;
	info->queue = c->q;
	info->agent = c->agent;
	if (!info->agent && !list_isempty(&c->offers))
		info->agent = ((struct acd_offer *)list_head(&c->offers)->data)->a;
	info->priority = c->prio;
	info->step = c->step;
	info->arrived = c->arrived;
	info->answered = c->answered;
	info->owner = c->owner;
	if (c->state == ACD_CONTACT_WAITING) {
		uint32_t pos = 1;
		for (int p = ACD_PRIORITY_MAX; p > c->prio; p--)
			pos += list_count(&c->q->waiting[p]);
		for (struct le *le = list_head(&c->q->waiting[c->prio]);
		     le && le->data != c; le = le->next)
			pos++;
		info->position = pos;
	}
	return 0;
}

void acd_queue_foreach_waiting(const struct acd_queue *q,
			       bool (*h)(uint64_t id, void *arg), void *arg)
{
	if (!q || !h)
		return;
	for (int p = ACD_PRIORITY_MAX; p >= 0; p--) {
		for (struct le *le = list_head(&q->waiting[p]); le;
		     le = le->next) {
			const struct acd_contact *c = le->data;
			if (h(c->id, arg))
				return;
		}
	}
}
