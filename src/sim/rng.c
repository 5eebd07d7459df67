/**
 * @file rng.c  Random numbers for the simulator: xoshiro256** (Blackman and
 * Vigna), seeded through splitmix64.  Own generator rather than rand() so
 * that results depend on the seed only, on every platform.
 */
#include <math.h>

#include "sim/sim.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void sim_rng_seed(struct sim_rng *r, uint64_t seed, uint64_t stream)
{
	/* Mix the stream number in through its own splitmix64 step so that
	 * (seed, stream) pairs close to each other give unrelated states. */
	uint64_t x = seed;
	uint64_t y = stream;

	x ^= splitmix64(&y);
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
	r->has_spare = false;
	r->spare = 0;
}

uint64_t sim_rng_next(struct sim_rng *r)
{
	uint64_t *s = r->s;
	const uint64_t result = rotl(s[1] * 5, 7) * 9;
	const uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double sim_rng_uniform(struct sim_rng *r)
{
	/* 53 random bits, shifted by half a step: never 0, never 1, so that
	 * log() below is always finite. */
	return ((double)(sim_rng_next(r) >> 11) + 0.5) * 0x1.0p-53;
}

double sim_rng_exp(struct sim_rng *r, double mean)
{
	return -mean * log(sim_rng_uniform(r));
}

double sim_rng_normal(struct sim_rng *r)
{
	double u1, u2, rad;

	if (r->has_spare) {
		r->has_spare = false;
		return r->spare;
	}
	u1 = sim_rng_uniform(r);
	u2 = sim_rng_uniform(r);
	rad = sqrt(-2.0 * log(u1));
	r->spare = rad * sin(2.0 * M_PI * u2);
	r->has_spare = true;
	return rad * cos(2.0 * M_PI * u2);
}

double sim_rng_lognormal(struct sim_rng *r, double mean, double cv)
{
	/* If ln X ~ N(mu, s^2) then E X = exp(mu + s^2/2) and
	 * cv^2 = exp(s^2) - 1. */
	double s2 = log1p(cv * cv);
	double mu = log(mean) - s2 / 2;

	return exp(mu + sqrt(s2) * sim_rng_normal(r));
}
