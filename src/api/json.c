/**
 * @file json.c  Small JSON helpers shared by the handlers.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "api/api.h"

json_t *api_json_time(uint64_t ms)
{
	char buf[80]; /* the compiler counts 11-digit years */
	struct tm tm;
	time_t secs;

	if (!ms)
		return json_null();
	secs = (time_t)(ms / 1000);
	if (!gmtime_r(&secs, &tm))
		return json_null();
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (unsigned)(ms % 1000));
	return json_string(buf);
}

json_t *api_json_real(double v)
{
	/* json_real() returns NULL for NaN and infinities. */
	return isfinite(v) ? json_real(v) : json_null();
}

json_t *api_json_str(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;
	return j ? j : json_null();
}

int api_json_fields(struct api_req *req, json_t *obj, const char *const *known,
		    size_t n)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		size_t i = 0;

		while (i < n && strcmp(key, known[i]))
			i++;
		if (i == n) {
			char list[256] = "";
			size_t used = 0;

			for (i = 0; i < n && used < sizeof(list); i++)
				used += (size_t)snprintf(list + used,
							 sizeof(list) - used,
							 "%s%s", i ? ", " : "",
							 known[i]);
			api_reply_error(req, 400, "unknown_field",
					"unknown field '%s' (expected %s)", key,
					list);
			return EINVAL;
		}
	}
	return 0;
}

int api_json_string(struct api_req *req, json_t *obj, const char *key,
		    bool required, size_t maxlen, const char **sp)
{
	json_t *v = json_object_get(obj, key);
	size_t len;

	*sp = NULL;
	if (!v || json_is_null(v)) {
		if (!required)
			return 0;
		api_reply_error(req, 400, "missing_field",
				"field '%s' is required", key);
		return EINVAL;
	}
	if (!json_is_string(v)) {
		api_reply_error(req, 400, "wrong_type",
				"field '%s' must be a string", key);
		return EINVAL;
	}
	len = json_string_length(v);
	if (!len || len > maxlen || strlen(json_string_value(v)) != len) {
		api_reply_error(req, 400, "bad_value",
				"field '%s' must be 1 to %zu characters", key,
				maxlen);
		return EINVAL;
	}
	*sp = json_string_value(v);
	return 0;
}
