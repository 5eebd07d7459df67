/**
 * @file stats.c  Real-time statistics per queue and tenant, and the interval
 * records.  Counters move with each event; agent-state times are integrated
 * per pool bucket, so reading them never scans agents.
 */
#include <errno.h>
#include <string.h>

#include "acd/acd_int.h"

#define AHT_ALPHA 0.1 /* weight of the newest handle time in the average */

void acd_state_integrate(uint32_t *by_state, uint64_t *state_ms,
			 uint64_t *upd, uint64_t now)
{
	if (now > *upd) {
		uint64_t dt = now - *upd;
		for (int s = 0; s < ACD_AGENT_NSTATES; s++)
			state_ms[s] += (uint64_t)by_state[s] * dt;
	}
	*upd = now;
}

void acd_stats_enter(struct acd_queue *q)
{
	q->day.offered++;
	q->iv.offered++;
}

static void answer(struct queue_counts *k, uint64_t wait, uint64_t sl_ms)
{
	k->answered++;
	k->wait_answered_ms += wait;
	if (wait <= sl_ms)
		k->answered_in_sl++;
}

void acd_stats_answer(struct acd_queue *q, uint64_t wait_ms)
{
	uint64_t sl_ms = (uint64_t)q->cfg.sl_threshold_s * 1000;

	answer(&q->day, wait_ms, sl_ms);
	answer(&q->iv, wait_ms, sl_ms);
}

static void abandon(struct queue_counts *k, uint64_t wait, uint64_t sl_ms)
{
	k->abandoned++;
	k->wait_abandoned_ms += wait;
	if (wait < ACD_SHORT_ABANDON_MS)
		k->short_abandoned++;
	if (wait > sl_ms)
		k->abandoned_after_sl++;
}

void acd_stats_abandon(struct acd_queue *q, uint64_t wait_ms)
{
	uint64_t sl_ms = (uint64_t)q->cfg.sl_threshold_s * 1000;

	abandon(&q->day, wait_ms, sl_ms);
	abandon(&q->iv, wait_ms, sl_ms);
}

void acd_stats_overflow(struct acd_queue *q)
{
	q->day.overflowed++;
	q->iv.overflowed++;
}

void acd_stats_handled(struct acd_queue *q, uint64_t handle_ms)
{
	q->day.handled++;
	q->day.handle_ms += handle_ms;
	q->iv.handled++;
	q->iv.handle_ms += handle_ms;
	q->aht_ms += AHT_ALPHA * ((double)handle_ms - q->aht_ms);
}

static void fill_counts(struct acd_stats *st, const struct queue_counts *k)
{
	st->offered += k->offered;
	st->answered += k->answered;
	st->answered_in_sl += k->answered_in_sl;
	st->abandoned += k->abandoned;
	st->short_abandoned += k->short_abandoned;
	st->abandoned_after_sl += k->abandoned_after_sl;
	st->overflowed += k->overflowed;
	st->handled += k->handled;
}

static void fill_ratios(struct acd_stats *st, uint64_t wait_ms,
			uint64_t handle_ms, const uint64_t *state_ms)
{
	uint32_t sl_den = st->answered + st->abandoned_after_sl;
	uint32_t ab_den = st->offered - st->short_abandoned;
	uint64_t work = state_ms[ACD_AGENT_BUSY] + state_ms[ACD_AGENT_RESERVED] +
			state_ms[ACD_AGENT_WRAPUP];
	uint64_t on = work + state_ms[ACD_AGENT_AVAILABLE];

	st->service_level = sl_den ? (double)st->answered_in_sl / sl_den : 1.0;
	st->asa_s = st->answered ? wait_ms / 1000.0 / st->answered : 0;
	st->aht_s = st->handled ? handle_ms / 1000.0 / st->handled : 0;
	st->abandon_rate =
		ab_den ? (double)(st->abandoned - st->short_abandoned) / ab_den
		       : 0;
	st->occupancy = on ? (double)work / on : 0;
}

static uint64_t oldest_waiting(const struct acd_queue *q)
{
	uint64_t oldest = UINT64_MAX;

	for (int p = 0; p <= ACD_PRIORITY_MAX; p++) {
		struct le *le = list_head(&q->waiting[p]);
		if (le) {
			const struct acd_contact *c = le->data;
			if (c->arrived < oldest)
				oldest = c->arrived;
		}
	}
	return oldest;
}

/* Agents serving a target and their state times, as of now. */
static void target_states(const struct acd_target *tg, uint64_t now,
			  uint32_t *by_state, uint64_t *state_ms)
{
	for (uint8_t b = tg->lo; b < tg->p->nbuckets; b++) {
		const struct acd_bucket *bk = &tg->p->b[b];
		for (int s = 0; s < ACD_AGENT_NSTATES; s++) {
			by_state[s] += bk->by_state[s];
			state_ms[s] += bk->state_ms[s] +
				       (uint64_t)bk->by_state[s] *
					       (now > bk->state_upd
							? now - bk->state_upd
							: 0);
		}
	}
}

void acd_queue_stats(const struct acd_queue *q, struct acd_stats *st)
{
	uint64_t now, state_ms[ACD_AGENT_NSTATES] = {0}, oldest;

	if (!q || !st)
		return;
	memset(st, 0, sizeof(*st));
	now = acd_now(q->t->acd);
	fill_counts(st, &q->day);
	st->waiting = q->nwaiting;
	oldest = oldest_waiting(q);
	st->longest_wait_ms = oldest == UINT64_MAX ? 0 : now - oldest;
	target_states(&q->steps[0], now, st->agents, state_ms);
	fill_ratios(st, q->day.wait_answered_ms, q->day.handle_ms, state_ms);
}

void acd_tenant_stats(const struct acd_tenant *t, struct acd_stats *st)
{
	uint64_t now, wait = 0, handle = 0, state_ms[ACD_AGENT_NSTATES];
	struct le *le;

	if (!t || !st)
		return;
	memset(st, 0, sizeof(*st));
	now = acd_now(t->acd);
	for (le = list_head(&t->queues); le; le = le->next) {
		const struct acd_queue *q = le->data;
		uint64_t oldest = oldest_waiting(q);
		fill_counts(st, &q->day);
		wait += q->day.wait_answered_ms;
		handle += q->day.handle_ms;
		st->waiting += q->nwaiting;
		if (oldest != UINT64_MAX && now - oldest > st->longest_wait_ms)
			st->longest_wait_ms = now - oldest;
	}
	for (int s = 0; s < ACD_AGENT_NSTATES; s++) {
		st->agents[s] = t->by_state[s];
		state_ms[s] = t->state_ms[s] +
			      (uint64_t)t->by_state[s] *
				      (now > t->state_upd ? now - t->state_upd
							  : 0);
	}
	fill_ratios(st, wait, handle, state_ms);
}

static void interval_fill(const struct acd_queue *q, struct acd_interval *iv,
			  uint64_t start, uint32_t len)
{
	memset(iv, 0, sizeof(*iv));
	iv->start = start;
	iv->length_s = len;
	iv->offered = q->iv.offered;
	iv->answered = q->iv.answered;
	iv->answered_in_sl = q->iv.answered_in_sl;
	iv->abandoned = q->iv.abandoned;
	iv->short_abandoned = q->iv.short_abandoned;
	iv->abandoned_after_sl = q->iv.abandoned_after_sl;
	iv->overflowed = q->iv.overflowed;
	iv->wait_answered_ms = q->iv.wait_answered_ms;
	iv->wait_abandoned_ms = q->iv.wait_abandoned_ms;
	iv->handle_ms = q->iv.handle_ms;
	iv->handled = q->iv.handled;
}

void acd_queue_interval(const struct acd_queue *q, struct acd_interval *iv)
{
	if (!q || !iv)
		return;
	interval_fill(q, iv, q->iv_start, q->t->acd->opts.interval_s);
}

void acd_interval_due(struct acd *acd)
{
	uint64_t len = (uint64_t)acd->opts.interval_s * 1000;
	uint64_t now = acd_now(acd);

	for (struct le *tl = list_head(&acd->tenants); tl; tl = tl->next) {
		struct acd_tenant *t = tl->data;
		/* skills change: search each set from its rarest skill */
		acd_filtered_rebase(t);
		for (struct le *le = list_head(&t->queues); le; le = le->next) {
			struct acd_queue *q = le->data;
			struct acd_event *ev;

			interval_fill(q, &q->iv_closed, q->iv_start,
				      acd->opts.interval_s);
			memset(&q->iv, 0, sizeof(q->iv));
			q->iv_start = (now / len) * len;
			ev = acd_emit(acd, ACD_EV_INTERVAL);
			ev->tenant = t;
			ev->queue = q;
			ev->interval = &q->iv_closed;
		}
	}
	acd->iv_next = (now / len + 1) * len;
	acd_timer_set(acd, &acd->iv_tmr, acd->iv_next);
}

void acd_stats_reset_day(struct acd_tenant *t)
{
	uint64_t now;

	if (!t)
		return;
	acd_enter(t->acd); /* acd_check() runs at the end in tests */
	now = acd_now(t->acd);
	for (struct le *le = list_head(&t->queues); le; le = le->next) {
		struct acd_queue *q = le->data;
		memset(&q->day, 0, sizeof(q->day));
	}
	for (struct le *le = list_head(&t->pools); le; le = le->next) {
		struct acd_pool *p = le->data;
		for (uint8_t b = 0; b < p->nbuckets; b++) {
			memset(p->b[b].state_ms, 0, sizeof(p->b[b].state_ms));
			p->b[b].state_upd = now;
		}
	}
	for (struct le *le = list_head(&t->agents); le; le = le->next) {
		struct acd_agent *a = le->data;
		a->contacts_today = 0;
		/* fewest-contacts heaps are ordered by it */
		acd_agent_rekey(a);
	}
	memset(t->state_ms, 0, sizeof(t->state_ms));
	t->state_upd = now;
	acd_leave(t->acd);
}

static void counts_add(struct queue_counts *k, const struct acd_interval *iv)
{
	k->offered += iv->offered;
	k->answered += iv->answered;
	k->answered_in_sl += iv->answered_in_sl;
	k->abandoned += iv->abandoned;
	k->short_abandoned += iv->short_abandoned;
	k->abandoned_after_sl += iv->abandoned_after_sl;
	k->overflowed += iv->overflowed;
	k->handled += iv->handled;
	k->wait_answered_ms += iv->wait_answered_ms;
	k->wait_abandoned_ms += iv->wait_abandoned_ms;
	k->handle_ms += iv->handle_ms;
}

/* The seeds only add to counters: no agent, contact or deadline moves, so
 * nothing is routed; acd_enter/leave still run the checker in tests. */
int acd_queue_stats_seed(struct acd_queue *q, const struct acd_interval *sum)
{
	if (!q || !sum)
		return EINVAL;
	acd_enter(q->t->acd);
	counts_add(&q->day, sum);
	if (sum->handled)
		q->aht_ms = (double)sum->handle_ms / sum->handled;
	acd_leave(q->t->acd);
	return 0;
}

int acd_queue_interval_seed(struct acd_queue *q, const struct acd_interval *iv)
{
	if (!q || !iv)
		return EINVAL;
	if (iv->start != q->iv_start)
		return acd_fail(q->t->acd, ESTALE,
				"interval %llu of queue %s is not in progress",
				(unsigned long long)iv->start, q->cfg.name);
	acd_enter(q->t->acd);
	counts_add(&q->iv, iv);
	acd_leave(q->t->acd);
	return 0;
}

int acd_agent_seed_today(struct acd_agent *a, uint32_t n)
{
	if (!a)
		return EINVAL;
	acd_enter(a->t->acd);
	a->contacts_today += n;
	/* fewest-contacts heaps are ordered by it, as at a day reset */
	acd_agent_rekey(a);
	acd_leave(a->t->acd);
	return 0;
}
