/**
 * @file engine.c  The engine object: subscriptions, the event queue, the one
 * deadline heap, errors and names.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acd/acd_int.h"

static void acd_destructor(void *arg)
{
	struct acd *acd = arg;
	struct acd_contact *c;
	struct acd_offer *o;

	/* Contacts and offers are plain allocations recycled through free
	 * lists (no allocation per contact in steady state). */
	while (!list_isempty(&acd->live)) {
		c = list_head(&acd->live)->data;
		list_unlink(&c->lc);
		hash_unlink(&c->he);
		while (!list_isempty(&c->offers)) {
			o = list_head(&c->offers)->data;
			list_unlink(&o->le);
			free(o);
		}
		free(c);
	}
	while ((c = acd->graveyard)) {
		acd->graveyard = c->next_free;
		free(c);
	}
	while ((c = acd->free_contacts)) {
		acd->free_contacts = c->next_free;
		free(c);
	}
	while ((o = acd->free_offers)) {
		acd->free_offers = o->next_free;
		free(o);
	}

	/* Tenants own queues, agents and pools; their destructors unlink
	 * timers, so the heap is released after them. */
	list_flush(&acd->tenants);
	list_flush(&acd->subs);
	acd->contacth = mem_deref(acd->contacth);
	acd_heap_free(&acd->timers);
	free(acd->evq);
}

int acd_alloc(struct acd **acdp, const struct acd_opts *opts)
{
	struct acd *acd;
	int err;

	if (!acdp || !opts || !opts->clock)
		return EINVAL;

	acd = mem_zalloc(sizeof(*acd), acd_destructor);
	if (!acd)
		return ENOMEM;

	acd->opts = *opts;
	if (!acd->opts.interval_s)
		acd->opts.interval_s = 900;
	acd->rng = opts->seed ? opts->seed : 0x9e3779b97f4a7c15ull;
	acd->next_id = 1;
	acd->last_deadline = ACD_NONE;
	acd_heap_init(&acd->timers);
	acd->iv_tmr.hn.pos = HEAP_NONE;
	acd->iv_tmr.kind = ACD_TMR_INTERVAL;

	err = hash_alloc(&acd->contacth, 16384);
	if (err)
		goto out;

	acd->evq_cap = 256;
	acd->evq = calloc(acd->evq_cap, sizeof(*acd->evq));
	if (!acd->evq) {
		err = ENOMEM;
		goto out;
	}

	/* Interval boundaries are aligned to the interval length so that
	 * records from different days and restarts line up. */
	uint64_t len = (uint64_t)acd->opts.interval_s * 1000;
	uint64_t now = acd_now(acd);
	acd->iv_next = (now / len + 1) * len;
	acd_timer_set(acd, &acd->iv_tmr, acd->iv_next);

out:
	if (err)
		mem_deref(acd);
	else
		*acdp = acd;
	return err;
}

const char *acd_last_error(const struct acd *acd)
{
	return acd ? acd->err : "no engine";
}

int acd_fail(struct acd *acd, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(acd->err, sizeof(acd->err), fmt, ap);
	va_end(ap);
	return err;
}

uint64_t acd_now(const struct acd *acd)
{
	return acd->opts.clock(acd->opts.clock_arg);
}

uint64_t acd_rand(struct acd *acd)
{
	/* xorshift64*: enough for picking agents, deterministic per seed. */
	uint64_t x = acd->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	acd->rng = x;
	return x * 0x2545f4914f6cdd1dull;
}

static void sub_destructor(void *arg)
{
	struct subscriber *s = arg;
	list_unlink(&s->le);
}

int acd_subscribe(struct acd *acd, acd_event_h *h, void *arg)
{
	struct subscriber *s;

	if (!acd || !h)
		return EINVAL;
	s = mem_zalloc(sizeof(*s), sub_destructor);
	if (!s)
		return ENOMEM;
	s->h = h;
	s->arg = arg;
	list_append(&acd->subs, &s->le, s);
	return 0;
}

void acd_unsubscribe(struct acd *acd, acd_event_h *h, void *arg)
{
	struct le *le;

	if (!acd)
		return;
	for (le = list_head(&acd->subs); le; le = le->next) {
		struct subscriber *s = le->data;
		if (s->h == h && s->arg == arg) {
			mem_deref(s);
			return;
		}
	}
}

/* --- events -------------------------------------------------------------- */

struct acd_event *acd_emit(struct acd *acd, enum acd_event_type type)
{
	struct acd_event *ev;

	if (acd->evq_n == acd->evq_cap) {
		uint32_t cap = acd->evq_cap * 2;
		struct acd_event *q = calloc(cap, sizeof(*q));
		if (!q)
			abort(); /* cannot lose events: the state would diverge */
		for (uint32_t i = 0; i < acd->evq_n; i++)
			q[i] = acd->evq[(acd->evq_head + i) % acd->evq_cap];
		free(acd->evq);
		acd->evq = q;
		acd->evq_head = 0;
		acd->evq_cap = cap;
	}
	ev = &acd->evq[(acd->evq_head + acd->evq_n++) % acd->evq_cap];
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->time = acd_now(acd);
	ev->contact_id = ACD_NONE;
	return ev;
}

void acd_enter(struct acd *acd)
{
	acd->depth++;
}

static void notify_deadline(struct acd *acd)
{
	uint64_t d = acd_next_deadline(acd);

	if (d == acd->last_deadline)
		return;
	acd->last_deadline = d;
	if (acd->opts.deadlineh)
		acd->opts.deadlineh(d, acd->opts.deadline_arg);
}

void acd_leave(struct acd *acd)
{
	struct acd_contact *c;

	if (--acd->depth > 0 || acd->dispatching)
		return;

	acd->dispatching = true;
	while (acd->evq_n) {
		/* Copy out: a handler may emit more and grow the ring. */
		struct acd_event ev = acd->evq[acd->evq_head];
		acd->evq_head = (acd->evq_head + 1) % acd->evq_cap;
		acd->evq_n--;

		struct le *le = list_head(&acd->subs);
		while (le) {
			struct subscriber *s = le->data;
			le = le->next;
			s->h(&ev, s->arg);
		}
	}
	acd->dispatching = false;

	/* Ended contacts stay readable until every event naming them has
	 * been delivered; now they go back to the free list. */
	while ((c = acd->graveyard)) {
		acd->graveyard = c->next_free;
		c->next_free = acd->free_contacts;
		acd->free_contacts = c;
	}

	if (acd->opts.check && acd_check(acd)) {
		fprintf(stderr, "acd: invariant broken: %s\n", acd->err);
		abort();
	}
	notify_deadline(acd);
}

/* --- deadlines ----------------------------------------------------------- */

void acd_timer_set(struct acd *acd, struct acd_tmr *t, uint64_t when)
{
	if (acd_hnode_linked(&t->hn))
		acd_heap_update(&acd->timers, &t->hn, when);
	else if (acd_heap_push(&acd->timers, &t->hn, when))
		abort(); /* a lost deadline would strand a contact */
}

void acd_timer_clear(struct acd *acd, struct acd_tmr *t)
{
	acd_heap_remove(&acd->timers, &t->hn);
}

uint64_t acd_next_deadline(const struct acd *acd)
{
	return acd->timers.n ? acd->timers.v[0].key : ACD_NONE;
}

void acd_run_timers(struct acd *acd)
{
	uint64_t now;

	if (!acd)
		return;
	acd_enter(acd);
	now = acd_now(acd);
	while (acd->timers.n && acd->timers.v[0].key <= now) {
		struct acd_tmr *t =
			container_of(acd_heap_top(&acd->timers), struct acd_tmr,
				     hn);
		acd_heap_remove(&acd->timers, &t->hn);

		switch (t->kind) {
		case ACD_TMR_CONTACT:
			acd_contact_deadline_due(
				container_of(t, struct acd_contact, tmr));
			break;
		case ACD_TMR_AGENT:
			acd_agent_wrapup_due(
				container_of(t, struct acd_agent, tmr));
			break;
		case ACD_TMR_INTERVAL:
			acd_interval_due(acd);
			break;
		}
	}
	acd_leave(acd);
}

/* --- names --------------------------------------------------------------- */

static const char *channel_names[ACD_CH_MAX] = {
	"voice", "chat", "email", "message", "callback", "outbound",
	"workorder",
};
static const char *state_names[ACD_AGENT_NSTATES] = {
	"logged-out", "available", "not-ready", "reserved", "busy", "wrap-up",
};
static const char *strategy_names[ACD_STRAT_MAX] = {
	"longest-idle", "fewest-contacts", "round-robin",
	"best-skill",   "random",          "ring-all",
};
static const char *overflow_names[] = {
	"none", "queue", "callback", "voicemail", "disconnect",
};
static const char *end_names[] = {
	"none",  "completed", "abandoned", "overflowed",
	"rejected", "timeout", "taken", "removed",
};
static const char *event_names[ACD_EV_MAX] = {
	"contact.queued",    "contact.offered",   "offer.ended",
	"contact.accepted",  "contact.requeued",  "contact.relaxed",
	"contact.abandoned", "contact.completed", "contact.overflowed",
	"contact.removed",   "contact.priority",  "agent.state",
	"queue.interval",
};

static int parse(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++) {
		if (!strcmp(names[i], s))
			return (int)i;
	}
	return -1;
}

#define NAME(tbl, v) ((size_t)(v) < ARRAY_SIZE(tbl) ? tbl[v] : "?")

const char *acd_channel_name(enum acd_channel ch)
{
	return NAME(channel_names, ch);
}

int acd_channel_parse(const char *s, enum acd_channel *chp)
{
	int i = parse(channel_names, ARRAY_SIZE(channel_names), s);
	if (i < 0)
		return EINVAL;
	*chp = (enum acd_channel)i;
	return 0;
}

const char *acd_agent_state_name(enum acd_agent_state st)
{
	return NAME(state_names, st);
}

int acd_agent_state_parse(const char *s, enum acd_agent_state *stp)
{
	int i = parse(state_names, ARRAY_SIZE(state_names), s);
	if (i < 0)
		return EINVAL;
	*stp = (enum acd_agent_state)i;
	return 0;
}

const char *acd_strategy_name(enum acd_strategy s)
{
	return NAME(strategy_names, s);
}

int acd_strategy_parse(const char *s, enum acd_strategy *sp)
{
	int i = parse(strategy_names, ARRAY_SIZE(strategy_names), s);
	if (i < 0)
		return EINVAL;
	*sp = (enum acd_strategy)i;
	return 0;
}

const char *acd_overflow_name(enum acd_overflow_action a)
{
	return NAME(overflow_names, a);
}

int acd_overflow_parse(const char *s, enum acd_overflow_action *ap)
{
	int i = parse(overflow_names, ARRAY_SIZE(overflow_names), s);
	if (i < 0)
		return EINVAL;
	*ap = (enum acd_overflow_action)i;
	return 0;
}

const char *acd_end_name(enum acd_end_reason r)
{
	return NAME(end_names, r);
}

const char *acd_event_name(enum acd_event_type t)
{
	return NAME(event_names, t);
}
