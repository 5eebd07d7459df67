/**
 * @file log.c  One-line log records on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/core.h"

enum hl_log_level hl_log_level = HL_LOG_INFO;

static const char *level_names[] = {"debug", "info", "warn", "error", "off"};

void hl_log_set_level(enum hl_log_level level)
{
	hl_log_level = level;
}

int hl_log_level_parse(const char *s, enum hl_log_level *levelp)
{
	for (size_t i = 0; i < ARRAY_LEN(level_names); i++) {
		if (s && !strcmp(s, level_names[i])) {
			*levelp = (enum hl_log_level)i;
			return 0;
		}
	}
	return EINVAL;
}

void hl_log(enum hl_log_level level, const char *subsys, const char *fmt, ...)
{
	char msg[1024];
	char ts[32];
	struct timespec now;
	struct tm tm;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);

	/* One fprintf per line so lines from several threads do not mix. */
	fprintf(stderr, "%s.%03ldZ %-5s %s: %s\n", ts, now.tv_nsec / 1000000,
		level_names[level < HL_LOG_OFF ? level : HL_LOG_ERROR], subsys,
		msg);
}
