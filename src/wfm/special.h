/**
 * @file special.h  Private to src/wfm: the special functions behind the
 * staffing formulas, all in log space so that nothing overflows at tens of
 * thousands of agents.
 *
 * Threads: any; pure functions.
 */
#ifndef HOTLINE_WFM_SPECIAL_H
#define HOTLINE_WFM_SPECIAL_H

/** ln(w^s e^-w / Gamma(s+1)), the Poisson term for real s >= 0, w >= 0,
 *  accurate for large s (Loader's saddle-point form: no ln Gamma
 *  cancellation).  -INFINITY when w == 0 < s. */
double wfm_lpois(double s, double w);

/** ln P(s,w) and ln Q(s,w), the regularised lower and upper incomplete
 *  gamma functions, for s > 0, w >= 0.  Whichever of the two is below
 *  about 1/2 is computed directly (series for w < s+1, continued fraction
 *  otherwise), the other as its complement, so both keep full relative
 *  accuracy where it matters.  Either pointer may be NULL.  Returns 0,
 *  EINVAL for bad arguments, ERANGE if the iteration did not converge. */
int wfm_lgamma_pq(double s, double w, double *lp, double *lq);

/** ln(P(s,w2) - P(s,w1)) for 0 <= w1 <= w2, without cancellation where
 *  either end is in a tail.  -INFINITY when w1 == w2. */
int wfm_lgamma_pdiff(double s, double w1, double w2, double *ld);

/** ln of G(s,w) = integral_0^w P(s,v) dv = (w - s) P(s,w) + s e^-w w^s/s!,
 *  summed without cancellation (a series of positive terms for w < s+1). */
int wfm_lgamma_pint(double s, double w, double *lg);

/** psi(a) - psi(b) for a >= b > 0 (digamma difference), accurate when the
 *  two are close and large. */
double wfm_digamma_diff(double a, double b);

/** ln(1 - e^l) for l <= 0. */
double wfm_log1mexp(double l);

/** ln(e^a + e^b), -INFINITY safe. */
double wfm_logaddexp(double a, double b);

#endif
