/**
 * @file test_tz.c  Local time from zoneinfo files (src/ivr/tz.c), checked
 * against the C library's localtime_r(): real zones over 1970..2100 (fat
 * tables and the POSIX rules after them), and POSIX rules alone in
 * hand-made TZif files, compared with glibc reading the same rule from
 * TZ.  Changing TZ is fine here: the test has one thread.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <re.h>

#include "ivr/ivr.h"

#define ZONEINFO "/usr/share/zoneinfo"

/* Every 6 hours plus an odd step, and around each hour of the years'
 * usual change dates, from 1970 to 2100. */
static size_t compare(const struct ivr_tz *tz, const char *tzenv, int64_t from,
                      int64_t to)
{
	size_t bad = 0, n = 0;

	setenv("TZ", tzenv, 1);
	tzset();
	for (int64_t t = from; t < to; t += 6 * 3600 + 1234, n++) {
		time_t tt = (time_t)t;
		struct tm tm;

		localtime_r(&tt, &tm);
		if (tm.tm_gmtoff != ivr_tz_offset(tz, t) && bad++ < 5)
			print_error("%s at %lld: libc %ld, ours %d\n", tzenv,
			            (long long)t, tm.tm_gmtoff,
			            ivr_tz_offset(tz, t));
	}
	assert_true(n > 1000);
	return bad;
}

static void test_real_zones(void **state)
{
	static const char *const zones[] = {
	    "Asia/Shanghai",
	    "America/New_York",
	    "Europe/London",
	    "Australia/Sydney",
	    "Asia/Kolkata",
	    "America/Sao_Paulo",
	    "Pacific/Chatham",
	    "Europe/Dublin",
	    "America/Santiago",
	    "Asia/Seoul",
	    "UTC",
	    "Africa/Casablanca",
	};
	size_t bad = 0;

	if (access(ZONEINFO "/Asia/Shanghai", R_OK)) {
		skip();
		return;
	}
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		struct ivr_tz *tz = NULL;
		char env[96];

		assert_int_equal(ivr_tz_load(&tz, NULL, zones[i]), 0);
		assert_string_equal(ivr_tz_name(tz), zones[i]);
		snprintf(env, sizeof(env), ":%s", zones[i]);
		/* 1970 .. 2100: past the fat tables' 2037 */
		bad += compare(tz, env, 0, 4102444800LL);
		mem_deref(tz);
	}
	assert_int_equal(bad, 0);
}

/* A version-2 TZif file with no transitions: the rule is all there is. */
static void write_tzif(const char *path, const char *rule, int32_t off)
{
	uint8_t hdr[44], ttinfo[6] = {0}, chars[4] = {'X', 'X', 'X', 0};
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, "TZif2", 5);
	hdr[39] = 1; /* typecnt */
	hdr[43] = 4; /* charcnt */
	ttinfo[0] = (uint8_t)((uint32_t)off >> 24);
	ttinfo[1] = (uint8_t)((uint32_t)off >> 16);
	ttinfo[2] = (uint8_t)((uint32_t)off >> 8);
	ttinfo[3] = (uint8_t)off;
	for (int block = 0; block < 2; block++) {
		fwrite(hdr, 1, sizeof(hdr), f);
		fwrite(ttinfo, 1, sizeof(ttinfo), f);
		fwrite(chars, 1, sizeof(chars), f);
	}
	fprintf(f, "\n%s\n", rule);
	fclose(f);
}

static void test_posix_rules(void **state)
{
	static const struct {
		const char *rule;
		int32_t off; /* of type 0 */
	} rules[] = {
	    {"CST-8", 8 * 3600},
	    {"<+0330>-3:30", 12600},
	    {"EST5EDT,M3.2.0,M11.1.0", -5 * 3600},
	    {"AEST-10AEDT,M10.1.0,M4.1.0/3", 10 * 3600},
	    {"NZST-12NZDT,M9.5.0,M4.1.0/3", 12 * 3600},
	    {"<-04>4<-03>,M9.1.6/24,M4.1.6/24", -4 * 3600},
	    {"IST-1GMT0,M10.5.0,M3.5.0/1", 3600},
	    {"XXX3YYY,J60/2,J300/2", -3 * 3600},
	    {"XXX3YYY,59/2,299/2", -3 * 3600},
	    {"<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45", 45900},
	    {"WGT3WGST,M3.5.0/-2,M10.5.0/-1", -3 * 3600},
	    {"AAA-2BBB-3:30,M3.5.0,M10.5.0", 2 * 3600},
	};
	char dir[64], path[128];
	size_t bad = 0;

	strcpy(dir, "/tmp/hotline-tz-XXXXXX");
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		struct ivr_tz *tz = NULL;

		snprintf(path, sizeof(path), "%s/Zone", dir);
		write_tzif(path, rules[i].rule, rules[i].off);
		assert_int_equal(ivr_tz_load(&tz, dir, "Zone"), 0);
		bad += compare(tz, rules[i].rule, 946684800LL, 2524608000LL);
		mem_deref(tz);
		unlink(path);
	}
	rmdir(dir);
	assert_int_equal(bad, 0);
}

static void test_local(void **state)
{
	struct ivr_tz *tz = NULL;
	struct ivr_local lt;
	struct tm tm = {0};

	if (access(ZONEINFO "/Asia/Shanghai", R_OK)) {
		skip();
		return;
	}
	assert_int_equal(ivr_tz_load(&tz, NULL, "Asia/Shanghai"), 0);
	/* 2026-09-30 16:30 UTC is Thursday 2026-10-01 00:30 in Shanghai */
	tm.tm_year = 126;
	tm.tm_mon = 8;
	tm.tm_mday = 30;
	tm.tm_hour = 16;
	tm.tm_min = 30;
	ivr_tz_local(tz, (int64_t)timegm(&tm), &lt);
	assert_int_equal(lt.days, ivr_days_from_civil(2026, 10, 1));
	assert_int_equal(lt.wday, 3);
	assert_int_equal(lt.minute, 30);
	assert_int_equal(lt.offset, 8 * 3600);
	/* the minute before local midnight is Wednesday 23:59 */
	ivr_tz_local(tz, (int64_t)timegm(&tm) - 31 * 60, &lt);
	assert_int_equal(lt.days, ivr_days_from_civil(2026, 9, 30));
	assert_int_equal(lt.wday, 2);
	assert_int_equal(lt.minute, 23 * 60 + 59);
	mem_deref(tz);

	/* Sunday 1970-01-04 and days before the epoch */
	ivr_tz_local(NULL, 3 * 86400 + 60, &lt);
	assert_int_equal(lt.wday, 6);
	assert_int_equal(lt.minute, 1);
	ivr_tz_local(NULL, -60, &lt);
	assert_int_equal(lt.days, -1);
	assert_int_equal(lt.wday, 2); /* Wednesday 1969-12-31 */
	assert_int_equal(lt.minute, 1439);
}

static void test_days_from_civil(void **state)
{
	for (int y = 1900; y <= 2200; y += 7) {
		for (int m = 1; m <= 12; m++) {
			struct tm tm = {0};

			tm.tm_year = y - 1900;
			tm.tm_mon = m - 1;
			tm.tm_mday = 28;
			assert_int_equal(ivr_days_from_civil(y, m, 28) * 86400,
			                 (int64_t)timegm(&tm));
		}
	}
}

static void test_bad_files(void **state)
{
	char dir[64], path[128];
	struct ivr_tz *tz = NULL;
	FILE *f;

	strcpy(dir, "/tmp/hotline-tz-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(ivr_tz_load(&tz, dir, "Nowhere/Zone"), ENOENT);
	assert_int_equal(ivr_tz_load(&tz, dir, "../etc/passwd"), EINVAL);
	assert_int_equal(ivr_tz_load(&tz, dir, "/etc/passwd"), EINVAL);
	assert_int_equal(ivr_tz_load(NULL, dir, "UTC"), EINVAL);

	/* UTC needs no file */
	assert_int_equal(ivr_tz_load(&tz, dir, "UTC"), 0);
	assert_int_equal(ivr_tz_offset(tz, 1700000000), 0);
	mem_deref(tz);

	snprintf(path, sizeof(path), "%s/Junk", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs("this is not a TZif file at all, but long enough to read....", f);
	fclose(f);
	tz = NULL;
	assert_int_equal(ivr_tz_load(&tz, dir, "Junk"), EBADMSG);
	assert_null(tz);

	/* a bad rule is refused too */
	write_tzif(path, "EST5EDT,M13.1.0,M11.1.0", -5 * 3600);
	assert_int_equal(ivr_tz_load(&tz, dir, "Junk"), EBADMSG);

	/* a truncated real file */
	if (!access(ZONEINFO "/America/New_York", R_OK)) {
		char cmd[256];

		snprintf(cmd, sizeof(cmd),
		         "head -c 700 " ZONEINFO "/America/New_York > %s",
		         path);
		assert_int_equal(system(cmd), 0);
		assert_int_equal(ivr_tz_load(&tz, dir, "Junk"), EBADMSG);
	}
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_zones),
	    cmocka_unit_test(test_posix_rules),
	    cmocka_unit_test(test_local),
	    cmocka_unit_test(test_days_from_civil),
	    cmocka_unit_test(test_bad_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
