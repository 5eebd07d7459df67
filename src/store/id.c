/**
 * @file id.c  Time-ordered unique text ids (ULID layout, monotonic within
 * one process).
 *
 * 128 bits: 48 bits of wall-clock ms, then 80 bits.  The 80 bits start
 * random in each new millisecond (top bit cleared, so counting up within a
 * millisecond cannot realistically overflow) and count up by one for each
 * further id in the same millisecond, which keeps ids made by this process
 * strictly increasing even when the clock stands still or steps back.
 * Written as 26 Crockford base32 characters, most significant first.
 */
#include <pthread.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "core/core.h"
#include "store/store.h"

static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static pthread_mutex_t id_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t last_ms;
static uint8_t last_rand[10];
static uint64_t fallback_state;

static void random_bytes(uint8_t *p, size_t n)
{
	if (getrandom(p, n, GRND_NONBLOCK) == (ssize_t)n)
		return;
	/* No entropy yet (early boot): xorshift seeded from time and pid.
	 * Uniqueness still holds within the process (the counter); across
	 * processes it is then only likely. */
	if (!fallback_state)
		fallback_state = hl_mono_ns() ^ ((uint64_t)getpid() << 32) ^
		                 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < n; i++) {
		fallback_state ^= fallback_state << 13;
		fallback_state ^= fallback_state >> 7;
		fallback_state ^= fallback_state << 17;
		p[i] = (uint8_t)fallback_state;
	}
}

static void fresh_random(void)
{
	random_bytes(last_rand, sizeof(last_rand));
	last_rand[0] &= 0x7f;
}

/* 5 bits at bit position s (0 = least significant) of the 128-bit value
 * hi:lo. */
static unsigned bits5(uint64_t hi, uint64_t lo, unsigned s)
{
	if (s >= 64)
		return (unsigned)(hi >> (s - 64)) & 31;
	if (s + 5 <= 64)
		return (unsigned)(lo >> s) & 31;
	return (unsigned)((lo >> s) | (hi << (64 - s))) & 31;
}

void store_new_id(char id[27])
{
	uint64_t now = hl_wall_ms() & 0xffffffffffffull;
	uint64_t ms, hi, lo;
	uint8_t r[10];

	pthread_mutex_lock(&id_lock);
	if (now > last_ms) {
		last_ms = now;
		fresh_random();
	} else {
		int i = (int)sizeof(last_rand) - 1;
		while (i >= 0 && ++last_rand[i] == 0)
			i--;
		if (i < 0) { /* 2^79 ids in one ms: borrow the next ms */
			last_ms++;
			fresh_random();
		}
	}
	ms = last_ms;
	memcpy(r, last_rand, sizeof(r));
	pthread_mutex_unlock(&id_lock);

	hi = ms << 16 | (uint64_t)r[0] << 8 | r[1];
	lo = 0;
	for (int i = 2; i < 10; i++)
		lo = lo << 8 | r[i];

	/* 26 characters cover 130 bits; the top two are zero. */
	for (unsigned i = 0; i < 26; i++)
		id[i] = b32[bits5(hi, lo, 125 - 5 * i)];
	id[26] = '\0';
}

static int b32_value(char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c == 'O')
		c = '0';
	if (c == 'I' || c == 'L')
		c = '1';
	const char *p = c ? strchr(b32, c) : NULL;
	return p ? (int)(p - b32) : -1;
}

uint64_t store_id_time(const char *id)
{
	uint64_t v = 0;

	if (!id || strlen(id) != 26)
		return 0;
	for (int i = 0; i < 26; i++) {
		int d = b32_value(id[i]);
		if (d < 0)
			return 0;
		if (i < 10)
			v = v << 5 | (uint64_t)d;
	}
	/* The first 10 characters are 50 bits: 2 zero bits, then the ms. */
	if (v >> 48)
		return 0;
	return v;
}
