/**
 * @file days.c  Each tenant's statistics day starts at its local midnight.
 *
 * "Today" on the wallboard (service level, offered, answered, abandoned)
 * and each agent's contacts today belong to the tenant's own day, in its
 * time zone: a city hotline in Shanghai and a line in Seoul roll over an
 * hour apart, and neither at midnight UTC.  The engine does not read
 * clocks or calendars, so the daemon tells it (acd_stats_reset_day).
 *
 * One timer per tenant, armed for the next local midnight.  When it fires
 * the local day is computed again: a timer that fires early (or a change
 * to or from summer time that moved midnight) only re-arms, so a day is
 * never reset twice nor skipped.
 */
#include <string.h>

#include <re.h>

#include "acd/acd.h"
#include "core/core.h"
#include "daemon/daemon_int.h"
#include "ivr/ivr.h"

struct day {
	struct le le;
	struct daemon_days *days;
	struct ivr_tz *tz; /* owning */
	char *tenant;      /* owning */
	int64_t today;     /* local days since 1970-01-01 */
	struct tmr tmr;
};

struct daemon_days {
	struct list list; /* struct day */
	struct acd *acd;  /* borrowed: outlives the days (daemon_free) */
	uint64_t (*clock)(void *arg);
	void *clock_arg;
};

static void day_destructor(void *arg)
{
	struct day *day = arg;

	tmr_cancel(&day->tmr);
	list_unlink(&day->le);
	mem_deref(day->tz);
	mem_deref(day->tenant);
}

static void days_destructor(void *arg)
{
	struct daemon_days *days = arg;

	list_flush(&days->list);
}

static void day_timer(void *arg);

/* Milliseconds from now (ms since the epoch) to the next local midnight. */
static uint64_t to_midnight(const struct ivr_local *lt, uint64_t now)
{
	uint64_t left = (uint64_t)(1440 - lt->minute) * 60000;

	left -= now % 60000; /* the minute already begun */
	return left ? left : 1;
}

static void day_arm(struct day *day)
{
	struct daemon_days *days = day->days;
	uint64_t now = days->clock(days->clock_arg);
	struct ivr_local lt;

	ivr_tz_local(day->tz, (int64_t)(now / 1000), &lt);
	if (lt.days != day->today) {
		struct acd_tenant *t = acd_tenant_find(days->acd, day->tenant);

		if (day->today && t) {
			HL_INFO("daemon", "tenant %s: a new day (%s)",
			        day->tenant, ivr_tz_name(day->tz));
			acd_stats_reset_day(t);
		}
		day->today = lt.days;
	}
	tmr_start(&day->tmr, to_midnight(&lt, now), day_timer, day);
}

static void day_timer(void *arg)
{
	day_arm(arg);
}

int daemon_days_alloc(struct daemon_days **daysp, struct acd *acd,
                      uint64_t (*clock)(void *arg), void *clock_arg)
{
	struct daemon_days *days;

	if (!daysp || !acd || !clock)
		return EINVAL;
	days = mem_zalloc(sizeof(*days), days_destructor);
	if (!days)
		return ENOMEM;
	days->acd = acd;
	days->clock = clock;
	days->clock_arg = clock_arg;
	*daysp = days;
	return 0;
}

int daemon_days_add(struct daemon_days *days, const char *tenant,
                    const char *zone)
{
	struct day *day;
	int err;

	if (!days || !tenant)
		return EINVAL;
	daemon_days_remove(days, tenant);
	day = mem_zalloc(sizeof(*day), day_destructor);
	if (!day)
		return ENOMEM;
	day->days = days;
	tmr_init(&day->tmr);
	err = str_dup(&day->tenant, tenant);
	if (!err)
		err = ivr_tz_load(&day->tz, NULL, zone && *zone ? zone : "UTC");
	if (err) {
		mem_deref(day);
		return err;
	}
	list_append(&days->list, &day->le, day);
	day_arm(day);
	return 0;
}

void daemon_days_remove(struct daemon_days *days, const char *tenant)
{
	struct le *le;

	if (!days || !tenant)
		return;
	for (le = days->list.head; le; le = le->next) {
		struct day *day = le->data;

		if (!strcmp(day->tenant, tenant)) {
			mem_deref(day);
			return;
		}
	}
}

int daemon_days_start(const struct daemon_days *days, const char *tenant,
                      uint64_t now, uint64_t *startp)
{
	struct le *le;

	if (!days || !tenant || !startp)
		return EINVAL;
	for (le = days->list.head; le; le = le->next) {
		const struct day *day = le->data;
		uint64_t clk, since;
		struct ivr_local lt;
		int64_t midnight;

		if (strcmp(day->tenant, tenant))
			continue;
		clk = days->clock(days->clock_arg);
		ivr_tz_local(day->tz, (int64_t)(clk / 1000), &lt);
		/* midnight in UTC seconds, at the offset in force then (not
		 * now's: summer time may have begun since) */
		midnight = lt.days * 86400 - lt.offset;
		midnight = lt.days * 86400 - ivr_tz_offset(day->tz, midnight);
		since = clk > (uint64_t)midnight * 1000
		                ? clk - (uint64_t)midnight * 1000
		                : 0;
		*startp = now > since ? now - since : 0;
		return 0;
	}
	return ENOENT;
}
