/**
 * @file test_path.c  Route pattern matching and percent-decoding.
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

static int match(const char *pattern, const char *path,
		 char (*vals)[API_PARAM_LEN], size_t *np)
{
	return api_path_match(pattern, path, strlen(path), vals,
			      API_PARAMS_MAX, np);
}

static void literal_paths(void **state)
{
	char vals[API_PARAMS_MAX][API_PARAM_LEN];
	size_t n = 99;

	(void)state;
	assert_int_equal(match("/api/v1/agents", "/api/v1/agents", vals, &n),
			 0);
	assert_int_equal(n, 0);
	assert_int_equal(match("/api/v1/agents", "/api/v1/agent", vals, &n),
			 ENOENT);
	assert_int_equal(match("/api/v1/agents", "/api/v1/agentsx", vals, &n),
			 ENOENT);
	assert_int_equal(match("/api/v1/agents", "/api/v1/agents/", vals, &n),
			 ENOENT);
	assert_int_equal(match("/api/v1/agents", "/api/v1", vals, &n), ENOENT);
	assert_int_equal(match("/api/v1/agents", "", vals, &n), ENOENT);
	assert_int_equal(match("/api/v1/agents", "api/v1/agents", vals, &n),
			 ENOENT);
	assert_int_equal(match("/api/v1/agents", "//api/v1/agents", vals, &n),
			 ENOENT);
}

static void params(void **state)
{
	char vals[API_PARAMS_MAX][API_PARAM_LEN];
	size_t n = 0;

	(void)state;
	assert_int_equal(match("/api/v1/agents/{ext}/state",
			       "/api/v1/agents/1001/state", vals, &n),
			 0);
	assert_int_equal(n, 1);
	assert_string_equal(vals[0], "1001");

	/* an empty segment is not a value */
	assert_int_equal(match("/api/v1/agents/{ext}/state",
			       "/api/v1/agents//state", vals, &n),
			 ENOENT);
	assert_int_equal(match("/api/v1/agents/{ext}", "/api/v1/agents/",
			       vals, &n),
			 ENOENT);
	/* a value never spans segments */
	assert_int_equal(match("/api/v1/agents/{ext}", "/api/v1/agents/a/b",
			       vals, &n),
			 ENOENT);

	assert_int_equal(match("/t/{a}/x/{b}", "/t/one/x/two", vals, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(vals[0], "one");
	assert_string_equal(vals[1], "two");
}

static void escapes_in_params(void **state)
{
	char vals[API_PARAMS_MAX][API_PARAM_LEN];
	char longseg[API_PARAM_LEN + 20];
	char path[sizeof(longseg) + 32];
	size_t n = 0;

	(void)state;
	assert_int_equal(match("/q/{name}", "/q/sales%20EU", vals, &n), 0);
	assert_string_equal(vals[0], "sales EU");
	/* '+' is literal in a path */
	assert_int_equal(match("/q/{name}", "/q/a+b", vals, &n), 0);
	assert_string_equal(vals[0], "a+b");
	/* an escaped slash stays inside the value */
	assert_int_equal(match("/q/{name}", "/q/a%2Fb", vals, &n), 0);
	assert_string_equal(vals[0], "a/b");

	assert_int_equal(match("/q/{name}", "/q/bad%2", vals, &n), EBADMSG);
	assert_int_equal(match("/q/{name}", "/q/bad%zz", vals, &n), EBADMSG);
	assert_int_equal(match("/q/{name}", "/q/nul%00", vals, &n), EBADMSG);

	memset(longseg, 'x', sizeof(longseg) - 1);
	longseg[sizeof(longseg) - 1] = '\0';
	snprintf(path, sizeof(path), "/q/%s", longseg);
	assert_int_equal(match("/q/{name}", path, vals, &n), ENAMETOOLONG);
	/* exactly API_PARAM_LEN - 1 bytes fit */
	longseg[API_PARAM_LEN - 1] = '\0';
	snprintf(path, sizeof(path), "/q/%s", longseg);
	assert_int_equal(match("/q/{name}", path, vals, &n), 0);
	assert_int_equal(strlen(vals[0]), API_PARAM_LEN - 1);
}

static void unescape(void **state)
{
	char buf[8];

	(void)state;
	assert_int_equal(api_unescape(buf, sizeof(buf), "a+b%41", 6, true), 0);
	assert_string_equal(buf, "a bA");
	assert_int_equal(api_unescape(buf, sizeof(buf), "a+b", 3, false), 0);
	assert_string_equal(buf, "a+b");
	assert_int_equal(api_unescape(buf, sizeof(buf), "", 0, true), 0);
	assert_string_equal(buf, "");
	/* length is respected: no reading past len */
	assert_int_equal(api_unescape(buf, sizeof(buf), "abcdef", 2, true), 0);
	assert_string_equal(buf, "ab");
	assert_int_equal(api_unescape(buf, sizeof(buf), "%4", 2, true),
			 EBADMSG);
	assert_int_equal(api_unescape(buf, sizeof(buf), "%%41", 4, true),
			 EBADMSG);
	/* 7 bytes and the NUL fit in 8, 8 do not */
	assert_int_equal(api_unescape(buf, sizeof(buf), "1234567", 7, true),
			 0);
	assert_int_equal(api_unescape(buf, sizeof(buf), "12345678", 8, true),
			 ENAMETOOLONG);
	assert_int_equal(api_unescape(buf, 0, "a", 1, true), EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(literal_paths),
		cmocka_unit_test(params),
		cmocka_unit_test(escapes_in_params),
		cmocka_unit_test(unescape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
