/**
 * @file special.c  Incomplete gamma, Poisson terms and digamma differences
 * in log space, for the Erlang formulas (see special.h).
 *
 * Why not the textbook forms: at 20,000 agents A^n/n! and e^y y^-x overflow
 * any floating type, and ln Gamma(s+1) cancels against s ln w to the point
 * of losing five or more digits.  Every quantity here is therefore a
 * logarithm, and the Poisson term uses Loader's saddle-point split
 * (stirlerr + bd0), which keeps full relative accuracy for large s.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>

#include "wfm/special.h"

#define LN_SQRT_2PI 0.918938533204672741780329736406 /* ln sqrt(2 pi) */
#define EPS         1e-17
/* Iteration cap for the series and continued fraction: both need about
 * 9 sqrt(s) terms near the transition w ~ s, so this allows shapes up to
 * about 1e14 (agents * patience / aht) before giving up with ERANGE. */
#define MAX_ITER 100000000L

double wfm_log1mexp(double l)
{
	if (l > -M_LN2)
		return log(-expm1(l));
	return log1p(-exp(l));
}

double wfm_logaddexp(double a, double b)
{
	if (a == -INFINITY)
		return b;
	if (b == -INFINITY)
		return a;
	if (a < b) {
		double t = a;
		a = b;
		b = t;
	}
	return a + log1p(exp(b - a));
}

/* ln Gamma(s+1) - [(s+1/2) ln s - s + ln sqrt(2 pi)]: the error of
 * Stirling's formula, from its asymptotic series for s >= 15. */
static double stirlerr(double s)
{
	const double s2 = 1.0 / (s * s);

	return (1.0 / 12 -
	        s2 * (1.0 / 360 - s2 * (1.0 / 1260 -
	                                s2 * (1.0 / 1680 -
	                                      s2 * (1.0 / 1188 -
	                                            s2 * (691.0 / 360360)))))) /
	       s;
}

/* s ln(s/w) + w - s, the "deviance" term, without cancellation when s and w
 * are close (series in v = (s-w)/(s+w)). */
static double bd0(double s, double w)
{
	double v, sum, term, v2;

	if (fabs(s - w) >= 0.1 * (s + w))
		return s * log(s / w) + w - s;

	v = (s - w) / (s + w);
	sum = (s - w) * v;
	term = 2 * s * v;
	v2 = v * v;
	for (int j = 1; j < 1000; j++) {
		double next;

		term *= v2;
		next = sum + term / (2 * j + 1);
		if (next == sum)
			break;
		sum = next;
	}
	return sum;
}

double wfm_lpois(double s, double w)
{
	int sign;

	if (isnan(s) || isnan(w) || s < 0 || w < 0)
		return NAN;
	if (w == 0)
		return s == 0 ? 0 : -INFINITY;
	if (s == 0)
		return -w;
	if (isinf(w))
		return -INFINITY;
	if (s < 15)
		return s * log(w) - w - lgamma_r(s + 1, &sign);
	return -LN_SQRT_2PI - 0.5 * log(s) - stirlerr(s) - bd0(s, w);
}

int wfm_lgamma_pq(double s, double w, double *lp, double *lq)
{
	double lP, lQ;

	if (!(s > 0) || !(w >= 0) || isinf(s) || isinf(w))
		return EINVAL;

	if (w == 0) {
		lP = -INFINITY;
		lQ = 0;
	} else if (w < s + 1) {
		/* P = e^-w w^s/Gamma(s+1) * sum_k w^k/((s+1)...(s+k)) */
		double sum = 1, term = 1;
		long k;

		for (k = 1; k < MAX_ITER; k++) {
			term *= w / (s + k);
			sum += term;
			if (term < EPS * sum)
				break;
		}
		if (k == MAX_ITER)
			return ERANGE;
		lP = wfm_lpois(s, w) + log(sum);
		lQ = wfm_log1mexp(lP);
	} else {
		/* Q = e^-w w^s/Gamma(s) * 1/(w+1-s- 1(1-s)/(w+3-s- 2(2-s)/...))
		 * evaluated by the modified Lentz method. */
		const double tiny = 1e-300;
		double b = w + 1 - s, c = 1 / tiny, d = 1 / b, h = d;
		long i;

		for (i = 1; i < MAX_ITER; i++) {
			double an = -(double)i * ((double)i - s), del;

			b += 2;
			d = an * d + b;
			if (fabs(d) < tiny)
				d = tiny;
			c = b + an / c;
			if (fabs(c) < tiny)
				c = tiny;
			d = 1 / d;
			del = d * c;
			h *= del;
			if (fabs(del - 1) < EPS)
				break;
		}
		if (i == MAX_ITER)
			return ERANGE;
		lQ = log(s) + wfm_lpois(s, w) + log(h);
		lP = wfm_log1mexp(lQ);
	}

	if (lp)
		*lp = lP;
	if (lq)
		*lq = lQ;
	return 0;
}

int wfm_lgamma_pdiff(double s, double w1, double w2, double *ld)
{
	double lP1, lQ1, lP2, lQ2, d;
	int err;

	if (!ld || !(w1 <= w2))
		return EINVAL;
	err = wfm_lgamma_pq(s, w1, &lP1, &lQ1);
	err |= wfm_lgamma_pq(s, w2, &lP2, &lQ2);
	if (err)
		return err == EINVAL ? EINVAL : ERANGE;

	if (w1 == w2) {
		*ld = -INFINITY;
	} else if (lP2 < -M_LN2) {
		/* both in the lower tail: P2 (1 - P1/P2) */
		d = lP1 - lP2;
		*ld = d >= 0 ? -INFINITY : lP2 + wfm_log1mexp(d);
	} else if (lQ1 < -M_LN2) {
		/* both in the upper tail: Q1 (1 - Q2/Q1) */
		d = lQ2 - lQ1;
		*ld = d >= 0 ? -INFINITY : lQ1 + wfm_log1mexp(d);
	} else {
		/* straddling the middle: P1 and Q2 are both below 1/2 */
		d = (0.5 - exp(lP1)) + (0.5 - exp(lQ2));
		*ld = d > 0 ? log(d) : -INFINITY;
	}
	return 0;
}

int wfm_lgamma_pint(double s, double w, double *lg)
{
	double lP;
	int err;

	if (!lg || !(s > 0) || !(w >= 0) || isinf(s) || isinf(w))
		return EINVAL;
	if (w == 0) {
		*lg = -INFINITY;
		return 0;
	}

	if (w < s + 1) {
		/* With t_k = w^k/((s+1)...(s+k)), P = pois(s,w) sum_{k>=0} t_k
		 * and (w - s) sum t_k + s = sum_{k>=1} k t_k: all terms
		 * positive, so no cancellation between the two parts. */
		double sum = 0, t = 1, prev = 0;
		long k;

		for (k = 1; k < MAX_ITER; k++) {
			double term;

			t *= w / (s + k);
			term = k * t;
			sum += term;
			/* t == 0: w so small that the terms underflow */
			if (t == 0 || (term < EPS * sum && term <= prev))
				break;
			prev = term;
		}
		if (k == MAX_ITER)
			return ERANGE;
		*lg = wfm_lpois(s, w) + log(sum);
		return 0;
	}

	/* w - s > 1: both parts positive */
	err = wfm_lgamma_pq(s, w, &lP, NULL);
	if (err)
		return err;
	*lg = wfm_logaddexp(log(w - s) + lP, log(s) + wfm_lpois(s, w));
	return 0;
}

/* psi(z) - ln z for z >= 10, from the asymptotic series. */
static double digamma_corr(double z)
{
	const double z2 = 1.0 / (z * z);

	return -0.5 / z -
	       z2 * (1.0 / 12 -
	             z2 * (1.0 / 120 -
	                   z2 * (1.0 / 252 -
	                         z2 * (1.0 / 240 -
	                               z2 * (1.0 / 132 - z2 * (691.0 / 32760 -
	                                                       z2 / 12))))));
}

double wfm_digamma_diff(double a, double b)
{
	double r = 0;

	if (!(a >= b) || !(b > 0))
		return NAN;
	if (a == b)
		return 0;
	/* psi(z) = psi(z+1) - 1/z moves both into the asymptotic range */
	while (b < 10) {
		r += 1 / b - 1 / a;
		a += 1;
		b += 1;
	}
	return r + log1p((a - b) / b) + digamma_corr(a) - digamma_corr(b);
}
