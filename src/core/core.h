/**
 * @file core.h  Foundation shared by every subsystem: logging, clocks,
 * small helpers.
 *
 * Owns: the process-wide log level and log sink.
 * Offers: hl_log() and the HL_* log macros, monotonic and wall clocks.
 * Threads: every function here may be called from any thread.
 */
#ifndef HOTLINE_CORE_H
#define HOTLINE_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HOTLINE_VERSION "0.1.0"

#ifndef ARRAY_LEN
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* --- log.c --------------------------------------------------------------- */

enum hl_log_level {
	HL_LOG_DEBUG = 0,
	HL_LOG_INFO,
	HL_LOG_WARN,
	HL_LOG_ERROR,
	HL_LOG_OFF,
};

extern enum hl_log_level hl_log_level;

void hl_log_set_level(enum hl_log_level level);
/** Parse "debug", "info", "warn", "error" or "off"; returns EINVAL if unknown. */
int hl_log_level_parse(const char *s, enum hl_log_level *levelp);
/** Write one line "TIME LEVEL subsys: message" to stderr.  Use the macros. */
void hl_log(enum hl_log_level level, const char *subsys, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The level is checked before the arguments are evaluated, so a debug line
 * on a hot path costs one comparison when debug is off. */
#define HL_LOG(lvl, subsys, ...)                                               \
	do {                                                                   \
		if ((lvl) >= hl_log_level)                                     \
			hl_log((lvl), (subsys), __VA_ARGS__);                  \
	} while (0)
#define HL_DEBUG(subsys, ...) HL_LOG(HL_LOG_DEBUG, subsys, __VA_ARGS__)
#define HL_INFO(subsys, ...)  HL_LOG(HL_LOG_INFO, subsys, __VA_ARGS__)
#define HL_WARN(subsys, ...)  HL_LOG(HL_LOG_WARN, subsys, __VA_ARGS__)
#define HL_ERROR(subsys, ...) HL_LOG(HL_LOG_ERROR, subsys, __VA_ARGS__)

/* --- clock.c ------------------------------------------------------------- */

/** Monotonic milliseconds (CLOCK_MONOTONIC); for deadlines. */
uint64_t hl_mono_ms(void);
/** Monotonic nanoseconds; for measuring. */
uint64_t hl_mono_ns(void);
/** Wall-clock milliseconds since the Unix epoch; for records. */
uint64_t hl_wall_ms(void);

#endif
