/**
 * @file json.c  Small JSON helpers shared by the handlers.
 */
#include <math.h>
#include <stdio.h>
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
