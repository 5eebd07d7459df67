/**
 * @file agent.c  Agent presence, derived state, and keeping the pools'
 * available-agent heaps in step with what each agent can take.
 */
#include <errno.h>
#include <string.h>

#include "acd/acd_int.h"

/* ch is a pool's channel.  Callbacks and campaign calls are routed through
 * the voice pools, so a voice pool member must have room for any of the
 * three: each voice-like channel below its capacity, and the voice blocking
 * rule applies to all of them.  (Checking voice alone let an agent on a
 * callback take a second call when a center's blocks let other channels
 * through to voice, as etc/demo.yaml does for work orders.) */
bool acd_agent_can_take(const struct acd_agent *a, enum acd_channel ch)
{
	if (a->presence != ACD_PRESENCE_AVAILABLE || a->offer ||
	    a->wrapup_until)
		return false;
	if (a->active[ch] >= a->cap[ch])
		return false;
	if (ch == ACD_CH_VOICE &&
	    (a->active[ACD_CH_CALLBACK] >= a->cap[ACD_CH_CALLBACK] ||
	     a->active[ACD_CH_OUTBOUND] >= a->cap[ACD_CH_OUTBOUND]))
		return false;
	return !(a->blocks[ch] & a->active_mask);
}

static enum acd_agent_state derive(const struct acd_agent *a)
{
	if (a->presence == ACD_PRESENCE_LOGGED_OUT)
		return ACD_AGENT_LOGGED_OUT;
	if (a->offer)
		return ACD_AGENT_RESERVED;
	if (a->active_mask)
		return ACD_AGENT_BUSY;
	if (a->wrapup_until)
		return ACD_AGENT_WRAPUP;
	if (a->presence == ACD_PRESENCE_NOT_READY)
		return ACD_AGENT_NOT_READY;
	return ACD_AGENT_AVAILABLE;
}

static void emit_state(struct acd_agent *a, enum acd_agent_state old)
{
	struct acd_event *ev = acd_emit(a->t->acd, ACD_EV_AGENT_STATE);

	ev->tenant = a->t;
	ev->agent = a;
	ev->old_state = old;
	ev->new_state = a->state;
	ev->reason = a->presence == ACD_PRESENCE_NOT_READY ? a->reason : NULL;
}

/* Bring the derived state, the statistics counts and the heap positions of
 * a in line with its presence and work, then let it pull a waiting contact
 * if it can take one.  Every change to an agent ends here. */
void acd_agent_refresh(struct acd_agent *a)
{
	struct acd *acd = a->t->acd;
	enum acd_agent_state st = derive(a), old = a->state;
	uint64_t now = acd_now(acd);
	bool takes = false;

	if (st != old) {
		acd_state_integrate(a->t->by_state, a->t->state_ms,
				    &a->t->state_upd, now);
		a->t->by_state[old]--;
		a->t->by_state[st]++;
		for (uint16_t i = 0; i < a->nmem; i++)
			acd_member_count(acd_agent_mem(a, i), st, now);
		acd_filtered_count(a, old, st, now);
		a->state = st;
		a->state_since = now;
		if (st == ACD_AGENT_AVAILABLE || st == ACD_AGENT_NOT_READY)
			if (old != ACD_AGENT_AVAILABLE &&
			    old != ACD_AGENT_NOT_READY)
				a->idle_since = now;
		emit_state(a, old);
	}

	for (uint16_t i = 0; i < a->nmem; i++) {
		struct acd_member *m = acd_agent_mem(a, i);
		bool can = acd_agent_can_take(a, m->p->ch);

		acd_member_place(m, can);
		takes |= can;
	}

	if (takes)
		acd_route_agent(acd, a);
}

/* Re-key a's heap entries after something its keys are made of changed
 * outside a state change (contacts_today at a day reset).  Availability is
 * unchanged, so no contact can be taken and nothing is routed.  Every
 * other change to a key (idle_since, offered_seq, load, contacts_today on
 * accept, skills) goes through acd_agent_refresh(), which re-keys too. */
void acd_agent_rekey(struct acd_agent *a)
{
	for (uint16_t i = 0; i < a->nmem; i++) {
		struct acd_member *m = acd_agent_mem(a, i);
		acd_member_place(m, acd_agent_can_take(a, m->p->ch));
	}
}

/* Remove the agent from every available heap (before it is freed). */
void acd_agent_unlink_all(struct acd_agent *a)
{
	for (uint16_t i = 0; i < a->nmem; i++)
		acd_member_place(acd_agent_mem(a, i), false);
}

static void wrapup_finish(struct acd_agent *a, uint64_t now)
{
	if (a->wrap_q)
		acd_stats_handled(a->wrap_q,
				  a->wrap_talk_ms + (now - a->wrap_start));
	a->wrap_q = NULL;
	a->wrapup_until = 0;
	acd_timer_clear(a->t->acd, &a->tmr);
}

void acd_agent_wrapup_due(struct acd_agent *a)
{
	wrapup_finish(a, acd_now(a->t->acd));
	acd_agent_refresh(a);
}

int acd_agent_end_wrapup(struct acd_agent *a)
{
	struct acd *acd;

	if (!a)
		return EINVAL;
	acd = a->t->acd;
	if (a->presence == ACD_PRESENCE_LOGGED_OUT)
		return acd_fail(acd, EBUSY, "agent %s is logged out", a->id);
	if (!a->wrapup_until)
		return acd_fail(acd, EALREADY, "agent %s is not in wrap-up",
				a->id);
	acd_enter(acd);
	wrapup_finish(a, acd_now(acd));
	acd_agent_refresh(a);
	acd_leave(acd);
	return 0;
}

int acd_agent_set_presence(struct acd_agent *a, enum acd_presence p,
			   const char *reason)
{
	struct acd *acd;
	bool reason_changed = false;

	if (!a)
		return EINVAL;
	acd = a->t->acd;
	switch (p) {
	case ACD_PRESENCE_NOT_READY:
		if (!reason || !*reason)
			return acd_fail(acd, EINVAL,
					"not-ready needs a reason code");
		if (strlen(reason) >= sizeof(a->reason))
			return acd_fail(acd, EINVAL,
					"reason code longer than %zu bytes",
					sizeof(a->reason) - 1);
		break;
	case ACD_PRESENCE_LOGGED_OUT:
		if (a->active_mask)
			return acd_fail(acd, EBUSY,
					"agent %s has contacts in progress",
					a->id);
		break;
	case ACD_PRESENCE_AVAILABLE:
		break;
	default:
		return acd_fail(acd, EINVAL, "bad presence");
	}

	acd_enter(acd);
	if (p == ACD_PRESENCE_NOT_READY) {
		reason_changed = a->presence == ACD_PRESENCE_NOT_READY &&
				 strcmp(a->reason, reason);
		strcpy(a->reason, reason);
	} else {
		a->reason[0] = '\0';
	}
	a->presence = p;

	if (p != ACD_PRESENCE_NOT_READY && a->wrapup_until)
		wrapup_finish(a, acd_now(acd)); /* ready again, or gone */

	if (p == ACD_PRESENCE_LOGGED_OUT && a->offer) {
		/* The offer goes back; the contact returns to its queue. */
		acd_offer_end(acd, a->offer, ACD_END_REMOVED);
	}

	enum acd_agent_state before = a->state;
	acd_agent_refresh(a);
	if (reason_changed && a->state == before)
		emit_state(a, before);
	acd_leave(acd);
	return 0;
}

void acd_agent_info(const struct acd_agent *a, struct acd_agent_info *info)
{
	if (!a || !info)
		return;
	memset(info, 0, sizeof(*info));
	info->state = a->state;
	info->presence = a->presence;
	info->reason = a->presence == ACD_PRESENCE_NOT_READY ? a->reason : NULL;
	info->state_since = a->state_since;
	info->idle_since = a->idle_since;
	info->contacts_today = a->contacts_today;
	memcpy(info->active, a->active, sizeof(info->active));
	info->offers = a->offer ? 1 : 0;
	info->wrapup_until = a->wrapup_until;
}

enum acd_agent_state acd_agent_state(const struct acd_agent *a)
{
	return a ? a->state : ACD_AGENT_LOGGED_OUT;
}
