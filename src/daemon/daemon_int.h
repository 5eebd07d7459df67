/**
 * @file daemon_int.h  Parts of the daemon in files of their own (inside
 * src/daemon only).
 */
#ifndef HOTLINE_DAEMON_INT_H
#define HOTLINE_DAEMON_INT_H

#include <stdint.h>

struct acd;

/* --- days.c: each tenant's statistics day ends at its local midnight ---- */

struct daemon_days;

/** The days of the engine acd's tenants, read on clock (ms since the
 *  epoch).  acd must outlive the days. */
int daemon_days_alloc(struct daemon_days **daysp, struct acd *acd,
                      uint64_t (*clock)(void *arg), void *clock_arg);
/** Watch tenant's day in time zone zone (IANA name; NULL or "" for UTC):
 *  at each local midnight its statistics start again.  Replaces an earlier
 *  watch of the same tenant.  Reads the zone's file: at start or when a
 *  tenant is added. */
int daemon_days_add(struct daemon_days *days, const char *tenant,
                    const char *zone);
/** Stop watching tenant's day (a tenant removed). */
void daemon_days_remove(struct daemon_days *days, const char *tenant);
/** When tenant's current day began, in the time of now (ms, the engine's
 *  clock): the local midnight on the days' clock, moved by the difference
 *  of the two clocks (none in production; HOTLINE_TEST_NOW in tests).
 *  ENOENT if the tenant's day is not watched. */
int daemon_days_start(const struct daemon_days *days, const char *tenant,
                      uint64_t now, uint64_t *startp);

/* --- restore.c: today's statistics over a restart ----------------------- */

struct acd_interval;
struct store;

/** Seed every tenant's queues (today's counters and the interval in
 *  progress) and agents (contacts today) from the stored intervals and
 *  interaction records of the tenant's day.  At start, before the event
 *  loop runs (so before any call); reads the store synchronously. */
void daemon_restore_today(struct acd *acd, struct store *store,
                          const struct daemon_days *days);
/** Store each queue's interval in progress (a graceful stop), to be
 *  continued by daemon_restore_today() within the same interval. */
void daemon_save_intervals(struct acd *acd, struct store *store);
/** Store one interval of a queue (closed or in progress): upserted by
 *  (tenant, queue, start).  Returns 0 or the store's error. */
int daemon_interval_put(struct store *store, const char *tenant,
                        const char *queue, const struct acd_interval *iv);

#endif
