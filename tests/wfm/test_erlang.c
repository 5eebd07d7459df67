/**
 * @file test_erlang.c  Erlang B, C and A against independent references:
 * direct long-double formulas for small staffs, long-double log sums for
 * 20,000 agents, the published Erlang B table, and for Erlang A a
 * numerical integration of the waiting caller's Markov chain (no incomplete
 * gamma functions, no Beta mixture: a different route to the same model).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cmocka.h>

#include "wfm/wfm.h"

static void near(double got, double want, double rtol, double atol,
                 const char *what)
{
	double err = fabs(got - want);

	if (!(err <= atol || err <= rtol * fabs(want)))
		fail_msg("%s: got %.17g want %.17g (rel err %.3g)", what, got,
		         want, err / fabs(want));
}

static void in_range(const struct wfm_erlang_out *o)
{
	assert_true(o->p_wait >= 0 && o->p_wait <= 1);
	assert_true(o->service_level >= 0 && o->service_level <= 1);
	assert_true(o->occupancy >= 0 && o->occupancy <= 1);
	assert_true(o->abandon_rate >= 0 && o->abandon_rate <= 1);
	assert_true(o->asa_s >= 0);
}

static struct wfm_erlang_in mk(double calls, double interval, double aht,
                               double answer, double patience)
{
	struct wfm_erlang_in in = {calls, interval, aht, answer, patience, 0};

	return in;
}

/* --- references ---------------------------------------------------------- */

/* Erlang B and C straight from their definitions, in long double. */
static long double b_direct(int n, long double a)
{
	long double term = 1, sum = 1;

	for (int k = 1; k <= n; k++) {
		term *= a / k;
		sum += term;
	}
	return term / sum;
}

static long double c_direct(int n, long double a)
{
	long double term = 1, sum = 0, t;

	for (int k = 0; k < n; k++) {
		sum += term;
		term *= a / (k + 1);
	}
	t = term * n / (n - a);
	return t / (sum + t);
}

/* ln B(n, a) as ln(a^n/n!) - ln sum_{k<=n} a^k/k!, summed in log space in
 * long double: the definition, for large n. */
static long double lb_logsum(int n, long double a)
{
	long double la = logl(a), m = -INFINITY, s = 0, ln_n;

	for (int k = 0; k <= n; k++) {
		long double l = k * la - lgammal(k + 1.0L);

		if (l > m) {
			s = s * expl(m - l) + 1;
			m = l;
		} else {
			s += expl(l - m);
		}
	}
	ln_n = n * la - lgammal(n + 1.0L);
	return ln_n - (m + logl(s));
}

struct aref {
	double p_wait, sl, asa, ab, served;
};

/* Erlang A by another route: the stationary queue from the birth-death
 * balance, then the tagged caller who finds i callers ahead as a Markov
 * chain (advance at n mu + i theta, own abandonment at theta) integrated by
 * RK4 over [0, t].  answered within t = no wait + the flow into service
 * before t; abandoned after t = the probability still waiting at t times
 * the chance to abandon from there. */
static void erlang_a_ref(double lambda, double mu, double theta, int n,
                         double t, struct aref *r)
{
	const int imax = 4000;
	long double *u = calloc(imax + 1, sizeof(*u));
	long double *k1 = calloc(imax + 1, sizeof(*u));
	long double *k2 = calloc(imax + 1, sizeof(*u));
	long double *k3 = calloc(imax + 1, sizeof(*u));
	long double *k4 = calloc(imax + 1, sizeof(*u));
	long double *tmp = calloc(imax + 1, sizeof(*u));
	long double *ps = calloc(imax + 1, sizeof(*u));
	long double q, n0 = 0, tot, served, ab = 0, asa = 0, inflow = 0;
	long double ab_after = 0, nmu = (long double)n * mu, ew = 0, prod = 1;
	long double maxrate, h;
	int i, nq, steps;

	assert_non_null(u);
	assert_non_null(k1);
	assert_non_null(k2);
	assert_non_null(k3);
	assert_non_null(k4);
	assert_non_null(tmp);
	assert_non_null(ps);

	/* sum_{k<n} pi_k / pi_n */
	q = 1;
	for (i = n; i >= 1; i--) {
		q *= (long double)i * mu / lambda;
		n0 += q;
	}
	/* pi_{n+i} / pi_n */
	u[0] = 1;
	tot = n0 + 1;
	for (i = 1; i < imax; i++) {
		u[i] = u[i - 1] * lambda / (nmu + i * theta);
		tot += u[i];
		if (u[i] < 1e-24L * tot && nmu + i * theta > lambda)
			break;
	}
	assert_true(i < imax);
	nq = i + 1;
	for (i = 0; i < nq; i++)
		u[i] /= tot;
	n0 /= tot;

	served = n0;
	for (i = 0; i < nq; i++) {
		long double adv = nmu + i * theta;

		prod *= adv / (adv + theta); /* answered from i ahead */
		ew += 1 / (adv + theta);     /* its mean wait if answered */
		ps[i] = prod;
		served += u[i] * prod;
		ab += u[i] * (1 - prod);
		asa += u[i] * prod * ew;
	}
	r->p_wait = (double)(1 - n0);
	r->served = (double)served;
	r->ab = (double)ab;
	r->asa = (double)(asa / served);

	maxrate = nmu + nq * theta + theta;
	steps = (int)ceill(t * maxrate / 0.005L) + 100;
	h = t / steps;
	for (int s = 0; s < steps && t > 0; s++) {
		long double *ks[4] = {k1, k2, k3, k4};
		static const long double c[4] = {0, 0.5L, 0.5L, 1};
		long double flow[4];

		for (int st = 0; st < 4; st++) {
			const long double *prev = st ? ks[st - 1] : NULL;

			for (i = 0; i < nq; i++)
				tmp[i] =
				    u[i] + (prev ? c[st] * h * prev[i] : 0);
			for (i = 0; i < nq; i++) {
				long double adv = nmu + i * theta;

				ks[st][i] =
				    -(adv + theta) * tmp[i] +
				    (i + 1 < nq ? (adv + theta) * tmp[i + 1]
				                : 0);
			}
			flow[st] = nmu * tmp[0];
		}
		for (i = 0; i < nq; i++)
			u[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
		inflow +=
		    h / 6 * (flow[0] + 2 * flow[1] + 2 * flow[2] + flow[3]);
	}
	for (i = 0; i < nq; i++)
		ab_after += u[i] * (1 - ps[i]);
	r->sl = (double)((n0 + inflow) / (served + ab_after));

	free(u);
	free(k1);
	free(k2);
	free(k3);
	free(k4);
	free(tmp);
	free(ps);
}

/* --- Erlang B ------------------------------------------------------------ */

static void test_erlang_b_direct(void **state)
{
	static const double a[] = {0.01, 0.5, 1, 5, 10, 25, 40, 60};

	(void)state;
	for (int n = 0; n <= 50; n++) {
		for (size_t j = 0; j < sizeof(a) / sizeof(a[0]); j++) {
			char what[64];

			snprintf(what, sizeof(what), "B(%d, %g)", n, a[j]);
			near(wfm_erlang_b(n, a[j]), (double)b_direct(n, a[j]),
			     1e-12, 1e-300, what);
		}
	}
	assert_true(wfm_erlang_b(0, 3) == 1);
	assert_true(wfm_erlang_b(5, 0) == 0);
	assert_true(isnan(wfm_erlang_b(-1, 3)));
	assert_true(isnan(wfm_erlang_b(3, -1)));
	assert_true(isnan(wfm_erlang_b(3, NAN)));
}

static void test_erlang_b_table(void **state)
{
	/* the classic Erlang B table: traffic carried at 1% blocking,
	 * published to 3 decimals */
	static const struct {
		int n;
		double a;
	} tab[] = {
	    {5, 1.361}, {10, 4.461}, {20, 12.031}, {50, 37.901}, {100, 84.064}};

	(void)state;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		near(wfm_erlang_b(tab[i].n, tab[i].a), 0.01, 0, 2e-5,
		     "1% table");
}

static void test_erlang_b_large(void **state)
{
	static const struct {
		int n;
		double a;
	} c[] = {{20000, 19000},
	         {20000, 20000},
	         {20000, 21000},
	         {20000, 100},
	         {100000, 99000}};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		long double lb = lb_logsum(c[i].n, c[i].a);
		char what[64];

		snprintf(what, sizeof(what), "B(%d, %g)", c[i].n, c[i].a);
		if (lb < -700) {
			/* underflows: must be exactly 0 (no garbage) */
			assert_true(wfm_erlang_b(c[i].n, c[i].a) == 0);
			continue;
		}
		near(wfm_erlang_b(c[i].n, c[i].a), (double)expl(lb), 1e-9, 0,
		     what);
	}
}

/* --- Erlang C ------------------------------------------------------------ */

static void test_erlang_c_direct(void **state)
{
	static const double calls[] = {1, 20, 100, 180, 290};
	struct wfm_erlang_out o;

	(void)state;
	for (size_t j = 0; j < sizeof(calls) / sizeof(calls[0]); j++) {
		/* a = calls * 180 / 1800 = calls / 10 */
		struct wfm_erlang_in in = mk(calls[j], 1800, 180, 20, 0);
		double a = calls[j] / 10;

		for (int n = (int)floor(a) + 1; n <= 50; n++) {
			long double c = c_direct(n, a);
			char what[64];

			assert_int_equal(wfm_erlang_eval(&in, n, &o), 0);
			in_range(&o);
			snprintf(what, sizeof(what), "C(%d, %g)", n, a);
			near(o.p_wait, (double)c, 1e-12, 1e-300, what);
			near(o.service_level,
			     (double)(1 - c * expl(-(n - a) * 20.0L / 180)),
			     1e-12, 0, "SL");
			near(o.asa_s, (double)(c * 180 / (n - a)), 1e-12,
			     1e-300, "ASA");
			near(o.occupancy, a / n, 1e-15, 0, "occupancy");
			near(o.traffic_erlangs, a, 1e-15, 0, "traffic");
			assert_true(o.abandon_rate == 0);
			assert_int_equal(o.agents, n);
		}
	}
}

static void test_erlang_c_textbook(void **state)
{
	/* 100 calls in half an hour, 3 minutes each: 10 erlangs; 80% within
	 * 20 s needs 14 agents (13 give 79.6%) */
	struct wfm_erlang_in in = mk(100, 1800, 180, 20, 0);
	struct wfm_erlang_out o;

	(void)state;
	assert_int_equal(wfm_erlang_staff(&in, 0.80, &o), 0);
	assert_int_equal(o.agents, 14);
	near(o.traffic_erlangs, 10, 1e-15, 0, "traffic");
	near(o.p_wait, 0.1741, 0, 5e-5, "C(14, 10), published to 4 places");
	near(o.service_level,
	     (double)(1 - c_direct(14, 10) * expl(-4 * 20.0L / 180)), 1e-12, 0,
	     "SL(14)");
	assert_int_equal(wfm_erlang_eval(&in, 13, &o), 0);
	near(o.service_level,
	     (double)(1 - c_direct(13, 10) * expl(-3 * 20.0L / 180)), 1e-12, 0,
	     "SL(13)");
	assert_true(o.service_level < 0.80);

	/* 360 calls per half hour of 4 minutes (48 erlangs), 55 agents,
	 * 15 s threshold */
	in = mk(360, 1800, 240, 15, 0);
	assert_int_equal(wfm_erlang_eval(&in, 55, &o), 0);
	near(o.traffic_erlangs, 48, 1e-15, 0, "traffic");
	near(o.p_wait, (double)c_direct(55, 48), 1e-12, 0, "C(55, 48)");
	near(o.occupancy, 48.0 / 55, 1e-15, 0, "occupancy");
}

static void test_erlang_c_large(void **state)
{
	/* C = B / (1 - rho (1 - B)) with B from the long-double log sum */
	static const double a[] = {19000, 19900, 19999.5};
	struct wfm_erlang_out o;

	(void)state;
	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		struct wfm_erlang_in in = mk(a[i] * 10, 1800, 180, 20, 0);
		long double b = expl(lb_logsum(20000, a[i]));
		long double rho = a[i] / 20000.0L;
		long double c = b / (1 - rho * (1 - b));
		char what[64];

		assert_int_equal(wfm_erlang_eval(&in, 20000, &o), 0);
		in_range(&o);
		snprintf(what, sizeof(what), "C(20000, %g)", a[i]);
		near(o.p_wait, (double)c, 1e-8, 1e-300, what);
		near(o.service_level,
		     (double)(1 - c * expl(-(20000 - a[i]) * 20.0L / 180)),
		     1e-9, 0, "SL");
	}
}

static void test_erlang_c_unstable(void **state)
{
	struct wfm_erlang_in in = mk(100, 1800, 180, 20, 0);
	struct wfm_erlang_out o;

	(void)state;
	for (int n = 0; n <= 10; n++) {
		assert_int_equal(wfm_erlang_eval(&in, n, &o), 0);
		assert_true(o.service_level == 0);
		assert_true(o.p_wait == 1);
		assert_true(isinf(o.asa_s) && o.asa_s > 0);
		assert_true(o.occupancy == 1);
	}
	/* even a target of 0 needs a stable staff */
	assert_int_equal(wfm_erlang_staff(&in, 0, &o), 0);
	assert_int_equal(o.agents, 11);
	/* no staff in range is stable */
	in = mk(2e6, 1800, 180, 20, 0);
	assert_int_equal(wfm_erlang_staff(&in, 0.8, &o), ERANGE);
}

/* --- Erlang A ------------------------------------------------------------ */

static void check_a(double calls, double interval, double aht, double answer,
                    double patience, int n)
{
	struct wfm_erlang_in in = mk(calls, interval, aht, answer, patience);
	struct wfm_erlang_out o;
	struct aref r;
	char what[128];

	assert_int_equal(wfm_erlang_eval(&in, n, &o), 0);
	in_range(&o);
	erlang_a_ref(calls / interval, 1 / aht, 1 / patience, n, answer, &r);
	snprintf(what, sizeof(what), "calls %g/%g aht %g t %g pat %g n %d",
	         calls, interval, aht, answer, patience, n);
	print_message("%s: SL %.10f ref %.10f, ASA %.6f ref %.6f, ab %.6f\n",
	              what, o.service_level, r.sl, o.asa_s, r.asa,
	              o.abandon_rate);
	near(o.p_wait, r.p_wait, 1e-10, 1e-300, what);
	near(o.abandon_rate, r.ab, 1e-10, 1e-300, what);
	near(o.asa_s, r.asa, 1e-9, 1e-300, what);
	near(o.occupancy, r.served * (calls / interval * aht) / n, 1e-10, 0,
	     what);
	near(o.service_level, r.sl, 1e-8, 0, what);
}

static void test_erlang_a_reference(void **state)
{
	(void)state;
	/* 10 erlangs, patience 2 minutes, around and below the traffic */
	check_a(100, 1800, 180, 20, 120, 6);
	check_a(100, 1800, 180, 20, 120, 10);
	check_a(100, 1800, 180, 20, 120, 12);
	check_a(100, 1800, 180, 20, 120, 14);
	/* impatient callers, threshold beyond the patience */
	check_a(50, 900, 300, 10, 30, 5);
	check_a(50, 900, 300, 10, 30, 15);
	check_a(50, 900, 300, 60, 30, 20);
	/* a small queue, patient callers, one agent */
	check_a(20, 3600, 600, 60, 600, 1);
	check_a(20, 3600, 600, 60, 600, 2);
	check_a(20, 3600, 600, 60, 600, 5);
	/* threshold 0 and a long threshold */
	check_a(100, 1800, 180, 0, 120, 11);
	check_a(100, 1800, 180, 300, 120, 9);
	/* a bigger group: 190 erlangs */
	check_a(1900, 1800, 180, 20, 200, 185);
	check_a(1900, 1800, 180, 20, 200, 195);
}

static void test_erlang_a_identities(void **state)
{
	/* answered + abandoned = 1 (two independent evaluations: the
	 * occupancy uses P(x+1, y), the abandonment the G integral), and a
	 * threshold of 0 leaves only those who never waited */
	static const struct {
		double calls, aht, patience;
		int n;
	} c[] = {{100, 180, 120, 10},
	         {100, 180, 5, 3},
	         {190000, 180, 300, 17862},
	         {190000, 180, 300, 19500},
	         {200000, 180, 60, 20000},
	         {180000, 180, 1e5, 18050},
	         {5, 900, 10, 1}};
	struct wfm_erlang_out o, o0;

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct wfm_erlang_in in =
		    mk(c[i].calls, 1800, c[i].aht, 20, c[i].patience);
		double a = c[i].calls * c[i].aht / 1800;

		assert_int_equal(wfm_erlang_eval(&in, c[i].n, &o), 0);
		in_range(&o);
		near(o.occupancy * c[i].n / a + o.abandon_rate, 1, 1e-11, 0,
		     "answered + abandoned");
		in.answer_s = 0;
		assert_int_equal(wfm_erlang_eval(&in, c[i].n, &o0), 0);
		near(o0.service_level, 1 - o0.p_wait, 1e-11, 1e-15,
		     "SL at threshold 0");
	}
}

static void test_erlang_a_to_c(void **state)
{
	/* Erlang A with patience -> infinity is Erlang C; the gap shrinks
	 * like 1/patience (about 5e-6 in SL at 1e8 s for 11 agents on 10
	 * erlangs) */
	struct wfm_erlang_out oc, oa;

	(void)state;
	for (int n = 11; n <= 20; n++) {
		struct wfm_erlang_in c = mk(100, 1800, 180, 20, 0);
		struct wfm_erlang_in a = mk(100, 1800, 180, 20, 1e10);

		assert_int_equal(wfm_erlang_eval(&c, n, &oc), 0);
		assert_int_equal(wfm_erlang_eval(&a, n, &oa), 0);
		near(oa.p_wait, oc.p_wait, 1e-6, 0, "p_wait");
		near(oa.service_level, oc.service_level, 1e-6, 0, "SL");
		near(oa.asa_s, oc.asa_s, 1e-6, 0, "ASA");
		near(oa.occupancy, oc.occupancy, 1e-6, 0, "occupancy");
		assert_true(oa.abandon_rate < 1e-7);
	}
	/* and at scale */
	{
		struct wfm_erlang_in c = mk(190000, 1800, 180, 20, 0);
		struct wfm_erlang_in a = mk(190000, 1800, 180, 20, 1e9);

		assert_int_equal(wfm_erlang_staff(&c, 0.8, &oc), 0);
		assert_int_equal(wfm_erlang_staff(&a, 0.8, &oa), 0);
		assert_int_equal(oa.agents, oc.agents);
		near(oa.service_level, oc.service_level, 1e-4, 0, "SL big");
	}
}

/* --- both ---------------------------------------------------------------- */

static void monotone(const struct wfm_erlang_in *in, int from, int to)
{
	struct wfm_erlang_out prev, o;

	assert_int_equal(wfm_erlang_eval(in, from, &prev), 0);
	for (int n = from + 1; n <= to; n++) {
		assert_int_equal(wfm_erlang_eval(in, n, &o), 0);
		in_range(&o);
		/* allow rounding noise of a few ulps next to 1 */
		if (!(o.service_level >= prev.service_level - 1e-15 &&
		      o.asa_s <= prev.asa_s && o.p_wait <= prev.p_wait &&
		      o.abandon_rate <= prev.abandon_rate))
			fail_msg("not monotone at n = %d (patience %g): SL "
			         "%.17g -> %.17g, ASA %g -> %g",
			         n, in->patience_s, prev.service_level,
			         o.service_level, prev.asa_s, o.asa_s);
		prev = o;
	}
}

static void test_monotone(void **state)
{
	struct wfm_erlang_in in;
	struct wfm_erlang_out o1, o2;

	(void)state;
	in = mk(100, 1800, 180, 20, 0);
	monotone(&in, 11, 60);
	in = mk(100, 1800, 180, 20, 120);
	monotone(&in, 1, 60);
	in = mk(100, 1800, 180, 20, 5);
	monotone(&in, 1, 40);
	in = mk(180000, 1800, 180, 20, 0);
	monotone(&in, 18001, 18400);
	in = mk(180000, 1800, 180, 20, 300);
	monotone(&in, 16800, 18400);

	/* a longer threshold never lowers the service level */
	for (double t = 0; t < 300; t += 7) {
		struct wfm_erlang_in a = mk(100, 1800, 180, t, 120);
		struct wfm_erlang_in b = mk(100, 1800, 180, t + 7, 120);

		assert_int_equal(wfm_erlang_eval(&a, 10, &o1), 0);
		assert_int_equal(wfm_erlang_eval(&b, 10, &o2), 0);
		assert_true(o2.service_level >= o1.service_level);
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void test_large(void **state)
{
	/* 18,000 erlangs (180,000 calls of 3 minutes in half an hour) */
	static const double patience[] = {0, 600, 120};
	struct wfm_erlang_out o, below;
	int erlang_c_agents = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(patience) / sizeof(patience[0]); i++) {
		struct wfm_erlang_in in =
		    mk(180000, 1800, 180, 20, patience[i]);
		double t0 = now_s(), dt;

		assert_int_equal(wfm_erlang_staff(&in, 0.80, &o), 0);
		dt = now_s() - t0;
		print_message("18000 erl, patience %g: %d agents, SL %.4f, "
		              "%.1f ms\n",
		              patience[i], o.agents, o.service_level, dt * 1e3);
		in_range(&o);
		assert_true(o.service_level >= 0.80);
		if (patience[i] == 0) {
			/* just above the traffic: sqrt staffing, beta < 3 */
			assert_true(o.agents > 18000);
			assert_true(o.agents < 18000 + 3 * sqrt(18000));
			erlang_c_agents = o.agents;
		} else {
			/* abandonment lets a big group run below the
			 * traffic: the queue settles where the wait is
			 * about (A/n - 1) * patience, i.e. near 20 s */
			double fluid = 18000 / (1 + 20 / patience[i]);

			assert_true(o.agents < erlang_c_agents);
			assert_true(fabs(o.agents - fluid) < 0.02 * fluid);
		}
		assert_int_equal(wfm_erlang_eval(&in, o.agents - 1, &below), 0);
		assert_true(below.service_level < 0.80);
		/* generous: sanitizer build on a shared machine */
		assert_true(dt < 2.0);
	}

	/* 20,000 agents against 19,000 erlangs: finite, sane, fast */
	for (size_t i = 0; i < sizeof(patience) / sizeof(patience[0]); i++) {
		struct wfm_erlang_in in =
		    mk(190000, 1800, 180, 20, patience[i]);

		assert_int_equal(wfm_erlang_eval(&in, 20000, &o), 0);
		in_range(&o);
		assert_true(isfinite(o.asa_s));
		assert_true(o.service_level > 0.999);
		near(o.traffic_erlangs, 19000, 1e-15, 0, "traffic");
	}

	/* and the limit itself */
	{
		struct wfm_erlang_in in = mk(990000, 1800, 180, 20, 600);

		assert_int_equal(
		    wfm_erlang_eval(&in, WFM_ERLANG_MAX_AGENTS, &o), 0);
		in_range(&o);
	}
}

static void test_extremes(void **state)
{
	/* found by fuzzing: a threshold hundreds of patiences long makes
	 * e^{-t/patience} underflow; the gamma series must stop at once */
	static const struct wfm_erlang_in c[] = {
	    {1.43983, 2.65007, 69.9307, 9.94632, 0.0140066, 0},
	    {32029.2, 17679.4, 642.539, 854.802, 1.20204, 0},
	    {65441.2, 9.77281, 11.0476, 24.6747, 0.034253, 0},
	    /* patience far beyond everything: nearly Erlang C */
	    {100, 1800, 180, 20, 1e11, 0},
	    /* patience far below everything */
	    {100, 1800, 180, 20, 1e-6, 0},
	};
	static const int n[] = {1, 2578, 36058, 12, 1};
	struct wfm_erlang_out o;

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		double t0 = now_s();

		assert_int_equal(wfm_erlang_eval(&c[i], n[i], &o), 0);
		in_range(&o);
		assert_true(now_s() - t0 < 1.0);
		assert_int_equal(wfm_erlang_staff(&c[i], 0.8, &o), 0);
		in_range(&o);
		assert_true(now_s() - t0 < 2.0);
	}
}

static void test_no_calls(void **state)
{
	struct wfm_erlang_out o;

	(void)state;
	for (int pat = 0; pat <= 1; pat++) {
		struct wfm_erlang_in in = mk(0, 1800, 180, 20, pat * 60);

		assert_int_equal(wfm_erlang_staff(&in, 0.9, &o), 0);
		assert_int_equal(o.agents, 0);
		assert_true(o.service_level == 1 && o.p_wait == 0);
		assert_true(o.asa_s == 0 && o.occupancy == 0);
		assert_int_equal(wfm_erlang_eval(&in, 5, &o), 0);
		assert_true(o.service_level == 1 && o.traffic_erlangs == 0);
	}
	/* Erlang A with nobody to answer */
	{
		struct wfm_erlang_in in = mk(10, 1800, 180, 20, 60);

		assert_int_equal(wfm_erlang_eval(&in, 0, &o), 0);
		assert_true(o.abandon_rate == 1 && o.service_level == 0);
	}
}

/* With short patience, SL alone is met by losing callers; max_abandon makes
 * the search keep the abandon rate down too, at the fewest such agents. */
static void test_staff_max_abandon(void **state)
{
	struct wfm_erlang_in in = mk(1000, 1800, 180, 20, 30);
	struct wfm_erlang_out free_, capped, fewer;

	(void)state;
	assert_int_equal(wfm_erlang_staff(&in, 0.8, &free_), 0);
	assert_true(free_.abandon_rate > 0.05);
	in.max_abandon = 0.05;
	assert_int_equal(wfm_erlang_staff(&in, 0.8, &capped), 0);
	assert_true(capped.abandon_rate <= 0.05);
	assert_true(capped.service_level >= 0.8);
	assert_true(capped.agents > free_.agents);
	assert_int_equal(wfm_erlang_eval(&in, capped.agents - 1, &fewer), 0);
	assert_true(fewer.abandon_rate > 0.05 || fewer.service_level < 0.8);
	in.max_abandon = 1.5;
	assert_int_equal(wfm_erlang_staff(&in, 0.8, &capped), EINVAL);
}

static void test_bad_input(void **state)
{
	const struct wfm_erlang_in good = mk(100, 1800, 180, 20, 0);
	struct wfm_erlang_in in;
	struct wfm_erlang_out o;

	(void)state;
	assert_int_equal(wfm_erlang_eval(NULL, 10, &o), EINVAL);
	assert_int_equal(wfm_erlang_eval(&good, 10, NULL), EINVAL);
	assert_int_equal(wfm_erlang_eval(&good, -1, &o), EINVAL);
	assert_int_equal(wfm_erlang_eval(&good, WFM_ERLANG_MAX_AGENTS + 1, &o),
	                 EINVAL);
	assert_int_equal(wfm_erlang_staff(NULL, 0.8, &o), EINVAL);
	assert_int_equal(wfm_erlang_staff(&good, 0.8, NULL), EINVAL);
	assert_int_equal(wfm_erlang_staff(&good, -0.1, &o), EINVAL);
	assert_int_equal(wfm_erlang_staff(&good, 1.1, &o), EINVAL);
	assert_int_equal(wfm_erlang_staff(&good, NAN, &o), EINVAL);

#define BAD(field, value)                                                      \
	do {                                                                   \
		in = good;                                                     \
		in.field = (value);                                            \
		assert_int_equal(wfm_erlang_eval(&in, 12, &o), EINVAL);        \
		assert_int_equal(wfm_erlang_staff(&in, 0.8, &o), EINVAL);      \
	} while (0)
	BAD(calls, -1);
	BAD(calls, NAN);
	BAD(calls, INFINITY);
	BAD(interval_s, 0);
	BAD(interval_s, -1800);
	BAD(interval_s, NAN);
	BAD(aht_s, 0);
	BAD(aht_s, -3);
	BAD(aht_s, INFINITY);
	BAD(answer_s, -1);
	BAD(answer_s, NAN);
	BAD(patience_s, -60);
	BAD(patience_s, NAN);
	BAD(patience_s, INFINITY);
#undef BAD
	/* each field fine, the rate they give is not */
	in = good;
	in.calls = 1e300;
	in.interval_s = 1e-10;
	assert_int_equal(wfm_erlang_eval(&in, 12, &o), EINVAL);
	/* the good one is fine */
	assert_int_equal(wfm_erlang_eval(&good, 12, &o), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_erlang_b_direct),
	    cmocka_unit_test(test_erlang_b_table),
	    cmocka_unit_test(test_erlang_b_large),
	    cmocka_unit_test(test_erlang_c_direct),
	    cmocka_unit_test(test_erlang_c_textbook),
	    cmocka_unit_test(test_erlang_c_large),
	    cmocka_unit_test(test_erlang_c_unstable),
	    cmocka_unit_test(test_erlang_a_reference),
	    cmocka_unit_test(test_erlang_a_identities),
	    cmocka_unit_test(test_erlang_a_to_c),
	    cmocka_unit_test(test_monotone),
	    cmocka_unit_test(test_large),
	    cmocka_unit_test(test_extremes),
	    cmocka_unit_test(test_no_calls),
	    cmocka_unit_test(test_staff_max_abandon),
	    cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
