/**
 * @file test_crmwork.c  What the CRM routes parse from outsiders: times in
 * query strings (dates, ISO times, epoch ms) and crm's errors as HTTP.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "api/api.h"
#include "api/crmapi.h"

static void times(void **state)
{
	uint64_t ms = 0;

	(void)state;
	assert_int_equal(api_parse_time("2026-11-24", false, &ms), 0);
	assert_int_equal(ms, 1795478400000ull);
	assert_int_equal(api_parse_time("2026-11-24", true, &ms), 0);
	assert_int_equal(ms, 1795478400000ull + 86400000ull);
	assert_int_equal(api_parse_time("2026-11-24T09:30:00Z", false, &ms),
			 0);
	assert_int_equal(ms, 1795478400000ull + (9 * 60 + 30) * 60000ull);
	assert_int_equal(api_parse_time("2026-11-24T09:30", false, &ms), 0);
	assert_int_equal(ms, 1795478400000ull + (9 * 60 + 30) * 60000ull);
	assert_int_equal(
		api_parse_time("2026-11-24T09:30:05.123Z", false, &ms), 0);
	assert_int_equal(ms, 1795478400000ull + (9 * 60 + 30) * 60000ull +
				     5000);
	assert_int_equal(api_parse_time("2024-02-29", false, &ms), 0);
	assert_int_equal(ms, 1709164800000ull);
	assert_int_equal(api_parse_time("1795478400000", false, &ms), 0);
	assert_int_equal(ms, 1795478400000ull);

	/* what must not pass */
	static const char *const bad[] = {
		"", "yesterday", "2026-13-01", "2026-11-32", "2026-11-24X",
		"2026-11-24T25:00", "2026-11-24T09:61", "1969-12-31", "12",
		"2026-11-24T09:30Z junk"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(api_parse_time(bad[i], false, &ms), EINVAL);
}

static void statuses(void **state)
{
	const char *code = NULL;

	(void)state;
	assert_int_equal(api_crm_status(EINVAL, &code), 400);
	assert_string_equal(code, "bad_value");
	assert_int_equal(api_crm_status(ENOENT, &code), 404);
	assert_int_equal(api_crm_status(EEXIST, &code), 409);
	assert_string_equal(code, "duplicate_identity");
	assert_int_equal(api_crm_status(EPERM, &code), 409);
	assert_string_equal(code, "illegal_move");
	assert_int_equal(api_crm_status(EACCES, &code), 403);
	assert_int_equal(api_crm_status(ENOSPC, &code), 409);
	assert_string_equal(code, "slot_full");
	assert_int_equal(api_crm_status(EFBIG, &code), 413);
	assert_int_equal(api_crm_status(EMEDIUMTYPE, &code), 415);
	assert_int_equal(api_crm_status(EILSEQ, &code), 400);
	assert_string_equal(code, "bad_csv");
	assert_int_equal(api_crm_status(EBUSY, &code), 503);
	assert_int_equal(api_crm_status(EIO, &code), 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(times),
		cmocka_unit_test(statuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
