/**
 * Each tenant's day (src/daemon/days.c): when "today" began, for the
 * statistics restored after a restart (src/daemon/restore.c), also on a
 * summer-time day, in a zone a quarter hour off, and with a days' clock
 * (HOTLINE_TEST_NOW) apart from the engine's.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <re.h>

#include "acd/acd.h"
#include "daemon/daemon_int.h"

static uint64_t now_ms;

static uint64_t clock_h(void *arg)
{
	(void)arg;
	return now_ms;
}

static void test_day_start(void **state)
{
	struct daemon_days *days = NULL;
	struct acd *acd = NULL;
	uint64_t start = 0;

	(void)state;
	assert_int_equal(libre_init(), 0);
	assert_int_equal(acd_alloc(&acd, &(struct acd_opts){.clock = clock_h}),
	                 0);
	assert_int_equal(daemon_days_alloc(&days, acd, clock_h, NULL), 0);

	/* New York, 2026-03-08 10:00 EDT (14:00 UTC): clocks went forward at
	 * 02:00, so the day began 9 hours ago, at 05:00 UTC (EST) */
	now_ms = 1772978400000ull;
	assert_int_equal(daemon_days_add(days, "ny", "America/New_York"), 0);
	assert_int_equal(daemon_days_start(days, "ny", now_ms, &start), 0);
	assert_int_equal(start, 1772946000000ull);
	/* an engine clock 1000 s ahead of the days' clock: moved with it */
	assert_int_equal(
	    daemon_days_start(days, "ny", now_ms + 1000000, &start), 0);
	assert_int_equal(start, 1772946000000ull + 1000000);
	/* seconds count: 10:00:42.5 */
	now_ms += 42500;
	assert_int_equal(daemon_days_start(days, "ny", now_ms, &start), 0);
	assert_int_equal(start, 1772946000000ull);

	/* Kathmandu (+05:45), 2026-03-08 08:45 local: midnight was 18:15 UTC
	 * the day before */
	now_ms = 1772938800000ull;
	assert_int_equal(daemon_days_add(days, "ktm", "Asia/Kathmandu"), 0);
	assert_int_equal(daemon_days_start(days, "ktm", now_ms, &start), 0);
	assert_int_equal(start, 1772907300000ull);

	assert_int_equal(daemon_days_start(days, "nobody", now_ms, &start),
	                 ENOENT);
	daemon_days_remove(days, "ktm");
	assert_int_equal(daemon_days_start(days, "ktm", now_ms, &start),
	                 ENOENT);
	assert_int_equal(daemon_days_start(NULL, "ny", now_ms, &start), EINVAL);

	mem_deref(days);
	mem_deref(acd);
	libre_close();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_day_start),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
