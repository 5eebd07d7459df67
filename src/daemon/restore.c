/**
 * @file restore.c  Today's statistics survive a restart.
 *
 * The wallboard's figures of the day (per queue: offered, answered,
 * abandoned, service level, ASA; per agent: contacts today) live in the
 * routing engine and would start from zero at every start of the daemon,
 * so an upgrade at noon would blank the supervisors' wall.  They are
 * rebuilt from what the store already holds:
 *
 *  - queues: the sum of the stored 15-minute intervals that began since
 *    the tenant's local midnight.  Closed intervals are stored as they
 *    close; on a graceful stop (SIGTERM) the interval in progress is
 *    stored too (daemon_save_intervals), under its own start, and a
 *    restart within the same interval continues it, so that when it closes
 *    the full interval replaces the partial row (upsert by tenant, queue,
 *    start: nothing counts twice).  After a crash only the interval in
 *    progress is lost.
 *  - agents: the interaction records answered by each agent since that
 *    midnight.  They are written as each contact progresses, so they
 *    survive a crash too, and need no table of their own; an agent counter
 *    stored at shutdown would be lost by a crash.  What they do not hold:
 *    contacts of channels that write no interaction record (work orders)
 *    and, for a call answered by two agents in turn (a transfer), the
 *    first agent's.
 *
 * Agent state times (occupancy) are not restored: they start again at the
 * restart.
 */
#include <string.h>

#include <re.h>

#include "acd/acd.h"
#include "core/core.h"
#include "daemon/daemon_int.h"
#include "store/store.h"

int daemon_interval_put(struct store *store, const char *tenant,
                        const char *queue, const struct acd_interval *iv)
{
	return store_interval_put(
	    store,
	    &(struct store_interval){
	        .tenant = tenant,
	        .queue = queue,
	        .start = iv->start,
	        .length_s = iv->length_s,
	        .offered = iv->offered,
	        .answered = iv->answered,
	        .answered_in_sl = iv->answered_in_sl,
	        .abandoned = iv->abandoned,
	        .short_abandoned = iv->short_abandoned,
	        .abandoned_after_sl = iv->abandoned_after_sl,
	        .overflowed = iv->overflowed,
	        .handled = iv->handled,
	        .wait_answered_ms = iv->wait_answered_ms,
	        .wait_abandoned_ms = iv->wait_abandoned_ms,
	        .handle_ms = iv->handle_ms,
	    },
	    NULL, NULL);
}

static void iv_add(struct acd_interval *sum, const struct store_interval *r)
{
	sum->offered += r->offered;
	sum->answered += r->answered;
	sum->answered_in_sl += r->answered_in_sl;
	sum->abandoned += r->abandoned;
	sum->short_abandoned += r->short_abandoned;
	sum->abandoned_after_sl += r->abandoned_after_sl;
	sum->overflowed += r->overflowed;
	sum->handled += r->handled;
	sum->wait_answered_ms += r->wait_answered_ms;
	sum->wait_abandoned_ms += r->wait_abandoned_ms;
	sum->handle_ms += r->handle_ms;
}

static bool iv_empty(const struct acd_interval *iv)
{
	return !iv->offered && !iv->answered && !iv->abandoned &&
	       !iv->overflowed && !iv->handled;
}

struct restore {
	struct acd *acd;
	struct store *store;
	const struct daemon_days *days;
	const char *tenant;
	uint64_t day_start; /* engine ms */
	uint32_t intervals, offered, agents;
};

static bool restore_queue(struct acd_queue *q, void *arg)
{
	struct restore *r = arg;
	struct acd_interval cur, sum = {0}, part = {0};
	struct store_interval *v = NULL;
	size_t n = 0;
	bool have_part = false, have_day = false;
	int err;

	acd_queue_interval(q, &cur);
	/* the interval in progress may have begun before the day did (a test
	 * clock's midnight is not on an interval boundary) */
	err = store_intervals_get_sync(
	    r->store,
	    &(struct store_interval_filter){
	        .tenant = r->tenant,
	        .queue = acd_queue_name(q),
	        .since = cur.start < r->day_start ? cur.start : r->day_start,
	        .until = cur.start + 1,
	        .limit = STORE_LIMIT_MAX,
	    },
	    &v, &n);
	if (err) {
		HL_WARN("daemon", "queue %s@%s: today's intervals not read: %s",
		        acd_queue_name(q), r->tenant, strerror(err));
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i].start >= r->day_start) {
			iv_add(&sum, &v[i]);
			have_day = true;
			r->intervals++;
		}
		if (v[i].start == cur.start) {
			part.start = cur.start;
			iv_add(&part, &v[i]);
			have_part = true;
		}
	}
	mem_deref(v);
	if (have_day && !acd_queue_stats_seed(q, &sum))
		r->offered += sum.offered;
	/* stored at a graceful stop: continue it */
	if (have_part && !acd_queue_interval_seed(q, &part))
		HL_INFO("daemon",
		        "queue %s@%s: interval in progress continued "
		        "(%u offered)",
		        acd_queue_name(q), r->tenant, part.offered);
	return false;
}

static bool restore_tenant(struct acd_tenant *t, void *arg)
{
	struct restore *r = arg;
	struct store_agent_count *v = NULL;
	size_t n = 0;
	int err;

	r->tenant = acd_tenant_name(t);
	r->intervals = r->offered = r->agents = 0;
	err = daemon_days_start(r->days, r->tenant, acd_now(r->acd),
	                        &r->day_start);
	if (err)
		return false; /* no day watched: nothing is "today" */

	acd_queue_foreach(t, restore_queue, r);

	err = store_agent_contacts_sync(r->store, r->tenant, r->day_start, &v,
	                                &n);
	if (err)
		HL_WARN("daemon",
		        "tenant %s: agents' contacts today not read: "
		        "%s",
		        r->tenant, strerror(err));
	for (size_t i = 0; !err && i < n; i++) {
		struct acd_agent *a = acd_agent_find(t, v[i].agent);
		uint32_t c = v[i].contacts > UINT32_MAX
		                 ? UINT32_MAX
		                 : (uint32_t)v[i].contacts;

		if (a && !acd_agent_seed_today(a, c))
			r->agents++;
	}
	mem_deref(v);

	if (r->intervals || r->agents)
		HL_INFO("daemon",
		        "tenant %s: today's statistics restored: %u "
		        "offered in %u queue intervals, %u agents' "
		        "contacts",
		        r->tenant, r->offered, r->intervals, r->agents);
	return false;
}

void daemon_restore_today(struct acd *acd, struct store *store,
                          const struct daemon_days *days)
{
	struct restore r = {.acd = acd, .store = store, .days = days};

	if (!acd || !store || !days)
		return;
	acd_tenant_foreach(acd, restore_tenant, &r);
}

struct save {
	struct store *store;
	const char *tenant;
};

static bool save_queue(struct acd_queue *q, void *arg)
{
	struct save *s = arg;
	struct acd_interval iv;
	int err;

	acd_queue_interval(q, &iv);
	if (iv_empty(&iv))
		return false;
	err = daemon_interval_put(s->store, s->tenant, acd_queue_name(q), &iv);
	if (err)
		HL_WARN("daemon",
		        "queue %s@%s: interval in progress not "
		        "stored: %s",
		        acd_queue_name(q), s->tenant, strerror(err));
	return false;
}

static bool save_tenant(struct acd_tenant *t, void *arg)
{
	struct save *s = arg;

	s->tenant = acd_tenant_name(t);
	acd_queue_foreach(t, save_queue, s);
	return false;
}

void daemon_save_intervals(struct acd *acd, struct store *store)
{
	struct save s = {.store = store};

	if (!acd || !store)
		return;
	acd_tenant_foreach(acd, save_tenant, &s);
}
