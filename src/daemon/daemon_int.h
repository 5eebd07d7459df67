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

#endif
