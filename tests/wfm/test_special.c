/**
 * @file test_special.c  The special functions behind the Erlang formulas,
 * each against an independent long-double computation.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "wfm/special.h"

static void near(double got, double want, double rtol, double atol,
                 const char *what)
{
	double err = fabs(got - want);

	if (!(err <= atol || err <= rtol * fabs(want)))
		fail_msg("%s: got %.17g want %.17g (rel err %.3g)", what, got,
		         want, err / fabs(want));
}

/* For integer k: P(k, w) = e^-w sum_{i>=k} w^i/i! and Q(k, w) =
 * e^-w sum_{i<k} w^i/i!, both sums of positive terms in long double. */
static long double p_int(int k, long double w)
{
	long double term = expl(-w), sum = 0;

	for (int i = 0; i < k + 2000; i++) {
		if (i >= k)
			sum += term;
		term *= w / (i + 1);
	}
	return sum;
}

static long double q_int(int k, long double w)
{
	long double term = expl(-w), sum = 0;

	for (int i = 0; i < k; i++) {
		sum += term;
		term *= w / (i + 1);
	}
	return sum;
}

static void test_lpois(void **state)
{
	(void)state;
	/* against lgammal in long double, where it is accurate enough */
	static const double s[] = {0.5, 1,   3,   14.9, 15, 20,
	                           100, 1e3, 1e4, 2e4,  1e5};
	static const double f[] = {0.01, 0.5, 0.9, 1, 1.1, 2, 10};

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		for (size_t j = 0; j < sizeof(f) / sizeof(f[0]); j++) {
			long double w = (long double)s[i] * f[j];
			long double want =
			    s[i] * logl(w) - w - lgammal((long double)s[i] + 1);
			char what[64];

			snprintf(what, sizeof(what), "lpois(%g, %Lg)", s[i], w);
			near(wfm_lpois(s[i], (double)w), (double)want, 1e-12,
			     1e-11, what);
		}
	}
	assert_true(wfm_lpois(0, 3) == -3);
	assert_true(wfm_lpois(2, 0) == -INFINITY);
	assert_true(isnan(wfm_lpois(-1, 1)));
}

static void test_gamma_pq_integer(void **state)
{
	(void)state;
	static const int k[] = {1, 2, 5, 10, 30, 60};
	static const double f[] = {0.05, 0.3, 0.8, 1, 1.05, 1.2, 1.5, 2.5};

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		for (size_t j = 0; j < sizeof(f) / sizeof(f[0]); j++) {
			double w = k[i] * f[j];
			double lp, lq;
			char what[64];

			assert_int_equal(wfm_lgamma_pq(k[i], w, &lp, &lq), 0);
			snprintf(what, sizeof(what), "P(%d, %g)", k[i], w);
			near(exp(lp), (double)p_int(k[i], w), 1e-12, 0, what);
			snprintf(what, sizeof(what), "Q(%d, %g)", k[i], w);
			near(exp(lq), (double)q_int(k[i], w), 1e-12, 1e-300,
			     what);
		}
	}
}

static void test_gamma_half(void **state)
{
	(void)state;
	/* P(1/2, w) = erf(sqrt w), Q(1/2, w) = erfc(sqrt w) */
	static const double w[] = {1e-6, 0.01, 0.3, 1, 1.5, 2, 5, 20, 100};

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		double lp, lq;
		char what[64];

		assert_int_equal(wfm_lgamma_pq(0.5, w[i], &lp, &lq), 0);
		snprintf(what, sizeof(what), "P(0.5, %g)", w[i]);
		near(exp(lp), erf(sqrt(w[i])), 1e-13, 0, what);
		snprintf(what, sizeof(what), "Q(0.5, %g)", w[i]);
		near(exp(lq), erfc(sqrt(w[i])), 1e-12, 0, what);
	}
}

static void test_gamma_large_shape(void **state)
{
	(void)state;
	/* Large shapes: P + Q = 1, continuity across the series/CF switch at
	 * w = s + 1, and the central value P(s, s) -> 1/2 + 1/(3 sqrt(2 pi
	 * s)) (the Gamma law's skew). */
	static const double s[] = {100, 1e4, 2e4, 1e6, 1e8};

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		double lp, lq, lpa, lpb, c;
		char what[64];

		assert_int_equal(wfm_lgamma_pq(s[i], s[i], &lp, &lq), 0);
		near(exp(lp) + exp(lq), 1, 1e-13, 0, "P + Q");
		c = 0.5 - 1 / (3 * sqrt(2 * M_PI * s[i]));
		snprintf(what, sizeof(what), "Q(%g, %g)", s[i], s[i]);
		near(exp(lq), c, 0, 3 / s[i], what);

		assert_int_equal(
		    wfm_lgamma_pq(s[i], s[i] + 1 - 1e-9, &lpa, NULL), 0);
		assert_int_equal(
		    wfm_lgamma_pq(s[i], s[i] + 1 + 1e-9, &lpb, NULL), 0);
		near(lpb, lpa, 1e-9, 1e-12, "continuity at w = s + 1");
	}
}

static void test_gamma_pdiff(void **state)
{
	(void)state;
	/* tails and middle: against the plain difference where it is safe,
	 * and against the integer formula in the tails */
	double ld;

	assert_int_equal(wfm_lgamma_pdiff(30, 10, 12, &ld), 0);
	near(exp(ld), (double)(p_int(30, 12) - p_int(30, 10)), 1e-9, 0,
	     "lower tail");
	assert_int_equal(wfm_lgamma_pdiff(30, 60, 70, &ld), 0);
	near(exp(ld), (double)(q_int(30, 60) - q_int(30, 70)), 1e-9, 0,
	     "upper tail");
	assert_int_equal(wfm_lgamma_pdiff(30, 25, 35, &ld), 0);
	near(exp(ld), (double)(p_int(30, 35) - p_int(30, 25)), 1e-12, 0,
	     "middle");
	assert_int_equal(wfm_lgamma_pdiff(30, 5, 5, &ld), 0);
	assert_true(ld == -INFINITY);
	assert_int_equal(wfm_lgamma_pdiff(30, 0, 35, &ld), 0);
	near(exp(ld), (double)p_int(30, 35), 1e-12, 0, "from 0");
	assert_int_equal(wfm_lgamma_pdiff(30, 6, 5, &ld), EINVAL);
}

/* integral_0^w P(s,v) dv by composite Simpson in long double, over
 * v = w u^4 so that the v^s behaviour at 0 becomes smooth */
static long double pint_simpson(double s, double w)
{
	const int m = 20000;
	long double h = 1.0L / m, sum = 0;

	for (int i = 1; i <= m; i++) {
		long double u = h * i, v = (long double)w * u * u * u * u;
		long double c = i == m ? 1 : (i % 2 ? 4 : 2);
		double lp;

		wfm_lgamma_pq(s, (double)v, &lp, NULL);
		sum += c * expl(lp) * 4 * (long double)w * u * u * u;
	}
	return sum * h / 3;
}

static void test_gamma_pint(void **state)
{
	(void)state;
	static const double s[] = {0.3, 1, 7.5, 40, 40, 40};
	static const double w[] = {2, 3, 5, 20, 41, 80};

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		double lg;
		char what[64];

		assert_int_equal(wfm_lgamma_pint(s[i], w[i], &lg), 0);
		snprintf(what, sizeof(what), "G(%g, %g)", s[i], w[i]);
		near(exp(lg), (double)pint_simpson(s[i], w[i]), 1e-8, 0, what);
	}
	/* both branches agree with (w - s) P + s pois where no cancellation
	 * happens (w > s): continuity at w = s + 1 */
	{
		double a, b;

		assert_int_equal(wfm_lgamma_pint(1e4, 1e4 + 1 - 1e-9, &a), 0);
		assert_int_equal(wfm_lgamma_pint(1e4, 1e4 + 1 + 1e-9, &b), 0);
		near(a, b, 1e-9, 1e-12, "G continuity");
	}
}

static void test_digamma_diff(void **state)
{
	(void)state;
	/* integer steps: psi(b + m) - psi(b) = sum_{i<m} 1/(b+i) */
	static const double b[] = {0.1, 1, 3.7, 12, 1e3, 1e6, 1e10};
	static const int m[] = {1, 2, 17, 500};

	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		for (size_t j = 0; j < sizeof(m) / sizeof(m[0]); j++) {
			long double want = 0;
			char what[64];

			for (int k = 0; k < m[j]; k++)
				want += 1 / ((long double)b[i] + k);
			snprintf(what, sizeof(what), "psi(%g+%d)-psi(%g)", b[i],
			         m[j], b[i]);
			near(wfm_digamma_diff(b[i] + m[j], b[i]), (double)want,
			     1e-13, 0, what);
		}
	}
	/* psi(1) = -gamma (Euler), psi(1/2) = -gamma - 2 ln 2 */
	near(wfm_digamma_diff(1, 0.5), 2 * M_LN2, 1e-14, 0, "psi(1)-psi(.5)");
	assert_true(wfm_digamma_diff(2, 2) == 0);
	assert_true(isnan(wfm_digamma_diff(1, 2)));
}

static void test_log_helpers(void **state)
{
	(void)state;
	near(wfm_log1mexp(-1e-20), log(1e-20), 1e-12, 0, "log1mexp tiny");
	near(wfm_log1mexp(-50), -exp(-50), 1e-12, 0, "log1mexp big");
	assert_true(wfm_log1mexp(0) == -INFINITY);
	assert_true(wfm_log1mexp(-INFINITY) == 0);
	near(wfm_logaddexp(1000, 1000), 1000 + M_LN2, 1e-15, 0, "lae");
	assert_true(wfm_logaddexp(-INFINITY, 3) == 3);
	assert_true(wfm_logaddexp(-INFINITY, -INFINITY) == -INFINITY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lpois),
	    cmocka_unit_test(test_gamma_pq_integer),
	    cmocka_unit_test(test_gamma_half),
	    cmocka_unit_test(test_gamma_large_shape),
	    cmocka_unit_test(test_gamma_pdiff),
	    cmocka_unit_test(test_gamma_pint),
	    cmocka_unit_test(test_digamma_diff),
	    cmocka_unit_test(test_log_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
