/**
 * @file clock.c  Clocks.
 */
#include <time.h>

#include "core/core.h"

uint64_t hl_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t hl_mono_ms(void)
{
	return hl_mono_ns() / 1000000ull;
}

uint64_t hl_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000ull + (uint64_t)ts.tv_nsec / 1000000ull;
}
