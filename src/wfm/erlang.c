/**
 * @file erlang.c  Erlang B, C and A: evaluation of a staff and the search
 * for the fewest agents meeting a service level.
 *
 * Erlang A derivation (M/M/n+M), with x = n mu/theta, y = lambda/theta,
 * c = e^{-theta t} and pois(s,w) = w^s e^-w / Gamma(s+1):
 *
 * Stationary law: pi_{n+j} = pi_n y^j Gamma(x+1)/Gamma(x+j+1) for j >= 0,
 * and sum_{k<n} pi_k = pi_n (1 - B)/B with B = ErlangB(n, A).  By PASTA an
 * arrival sees j callers queued with probability pi_{n+j}; it would be
 * answered after V_j = sum_{i=0..j} Exp(theta (x+i)), and
 * Z = e^{-theta V_j} ~ Beta(x, j+1) (the (j+1)-th of x+j exponential
 * clocks).  With its own patience tau ~ Exp(theta), P(tau > V | Z) = Z.
 * Mixing the Beta densities with weights pi_{n+j}/pi_n gives the measure
 * x z^{x-1} e^{y(1-z)} dz on (0,1); scaled by pois(x,y) it is the
 * Gamma(x) density of u = y z truncated to u < y.  So, relative to
 * pi_n / pois(x,y):
 *
 *   no wait                 N0 = (1-B)/B * pois(x,y)
 *   wait                    P(x,y)
 *   wait, then answered     (x/y) P(x+1,y)                  (E[Z])
 *   answered within t       (x/y) [P(x+1,y) - P(x+1,yc)]    (Z >= c)
 *   abandoned               G(x,y)/y                        (E[1-Z])
 *   abandoned after t       G(x,yc)/y                       (E[(c-Z)+])
 *
 * where G(s,w) = integral_0^w P(s,v) dv (special.c sums it without
 * cancellation).  The answered callers' mean wait uses
 * E[V; answered | j] = x/(x+j+1) * sum_{i=1..j+1} 1/(theta (x+i)),
 * summed over j around the mode of the weights (O(sqrt(y)) terms).
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include "wfm/special.h"
#include "wfm/wfm.h"

/* ln B(n,a) and ln(1 - B(n,a)); 1 - B(k) = k / (k + a B(k-1)) exactly, so
 * the complement keeps its accuracy when B is close to 1. */
static void erlang_b_log(int n, double a, double *lbp, double *l1mbp)
{
	double b = 1, ab = 0, lb, l1mb;
	int k;

	if (n == 0) {
		*lbp = 0;
		*l1mbp = -INFINITY;
		return;
	}
	if (a == 0) {
		*lbp = -INFINITY;
		*l1mbp = 0;
		return;
	}

	for (k = 1; k <= n; k++) {
		ab = a * b;
		b = ab / (k + ab);
		if (b < 1e-250)
			break;
	}
	if (k > n) {
		*lbp = log(b);
		*l1mbp = -log1p(ab / n);
		return;
	}

	/* B(k) is tiny: continue as ln B(k) = ln B(k-1) + ln(a/k)
	 * - log1p(a B(k-1)/k), which never underflows */
	lb = log(b);
	l1mb = -log1p(ab / k);
	for (k = k + 1; k <= n; k++) {
		double r = a * exp(lb) / k;

		lb += log(a / k) - log1p(r);
		l1mb = -log1p(r);
	}
	*lbp = lb;
	*l1mbp = l1mb;
}

double wfm_erlang_b(int n, double a)
{
	double lb, l1mb;

	if (n < 0 || !(a >= 0) || isinf(a))
		return NAN;
	erlang_b_log(n, a, &lb, &l1mb);
	return exp(lb);
}

static bool in_ok(const struct wfm_erlang_in *in)
{
	if (!in)
		return false;
	if (!isfinite(in->calls) || in->calls < 0)
		return false;
	if (!isfinite(in->interval_s) || !(in->interval_s > 0))
		return false;
	if (!isfinite(in->aht_s) || !(in->aht_s > 0))
		return false;
	if (!isfinite(in->answer_s) || in->answer_s < 0)
		return false;
	if (!isfinite(in->patience_s) || in->patience_s < 0)
		return false;
	if (!(in->max_abandon >= 0 && in->max_abandon <= 1))
		return false;
	/* derived rates must be finite too (1e300 calls in 1e-300 s) */
	if (!isfinite(in->calls / in->interval_s * in->aht_s))
		return false;
	if (!isfinite(in->calls / in->interval_s * in->patience_s))
		return false;
	return true;
}

static void erlang_c(const struct wfm_erlang_in *in, int n, double a,
                     struct wfm_erlang_out *out)
{
	double lb, l1mb, lc, c;

	if (!(n > a)) {
		out->p_wait = 1;
		out->service_level = 0;
		out->asa_s = INFINITY;
		out->occupancy = 1;
		return;
	}

	/* C = n B / (n - A (1 - B)) */
	erlang_b_log(n, a, &lb, &l1mb);
	lc = log(n) + lb - log(n - a * exp(l1mb));
	c = exp(lc);

	out->p_wait = c;
	out->service_level =
	    1 - c * exp(-((double)n - a) * in->answer_s / in->aht_s);
	out->asa_s = c * in->aht_s / ((double)n - a);
	out->occupancy = a / n;
}

/* ln of sum_{j>=0} pois(x+j+1, y) H_j, H_j = sum_{i=1..j+1} 1/(x+i): the
 * answered callers' total wait (times theta, relative to pi_n/pois(x,y),
 * without the factor x/y).  Summed outward from the mode of the Poisson
 * weights, so only the O(sqrt(y)) terms that matter are visited. */
static int asa_lsum(double x, double y, double *lsum)
{
	const double eps = 1e-17;
	const double cap = 1e9;
	double j0 = floor(y - x - 1), h0, sum, r, h, j;

	if (j0 < 0)
		j0 = 0;
	h0 = j0 == 0 ? 1 / (x + 1) : wfm_digamma_diff(x + j0 + 2, x + 1);
	sum = h0;

	r = 1;
	h = h0;
	for (j = j0 + 1; j < j0 + cap; j++) {
		double term;

		r *= y / (x + j + 1);
		h += 1 / (x + j + 1);
		term = r * h;
		sum += term;
		if (term < eps * sum && x + j + 1 > y)
			break;
	}
	if (j >= j0 + cap)
		return ERANGE;

	r = 1;
	h = h0;
	for (j = j0 - 1; j >= 0; j--) {
		double term;

		r *= (x + j + 2) / y;
		h -= 1 / (x + j + 2);
		term = r * h;
		sum += term;
		if (term < eps * sum)
			break;
	}

	*lsum = wfm_lpois(x + j0 + 1, y) + log(sum);
	return 0;
}

static int erlang_a(const struct wfm_erlang_in *in, int n, double a,
                    struct wfm_erlang_out *out)
{
	const double lambda = in->calls / in->interval_s;
	const double x = n * in->patience_s / in->aht_s;
	const double y = lambda * in->patience_s;
	const double w = y * exp(-in->answer_s / in->patience_s);
	double lb, l1mb, lpt, ln0, lwait, ltot, lxy, ly;
	double lp1, lin, lg, lgt, lasa;
	double p_nowait, p_served, p_in, p_ab, p_ab_after;
	int err;

	if (n == 0) {
		out->p_wait = 1;
		out->service_level = 0;
		out->asa_s = INFINITY;
		out->occupancy = 1;
		out->abandon_rate = 1;
		return 0;
	}

	erlang_b_log(n, a, &lb, &l1mb);
	lpt = wfm_lpois(x, y);
	ln0 = l1mb - lb + lpt;
	err = wfm_lgamma_pq(x, y, &lwait, NULL);
	if (err)
		return err;
	ltot = wfm_logaddexp(ln0, lwait);
	lxy = log(x / y);
	ly = log(y);

	err = wfm_lgamma_pq(x + 1, y, &lp1, NULL);
	err = err ? err : wfm_lgamma_pdiff(x + 1, w, y, &lin);
	err = err ? err : wfm_lgamma_pint(x, y, &lg);
	err = err ? err : wfm_lgamma_pint(x, w, &lgt);
	err = err ? err : asa_lsum(x, y, &lasa);
	if (err)
		return err;

	p_nowait = exp(ln0 - ltot);
	p_served = p_nowait + exp(lxy + lp1 - ltot);
	p_in = p_nowait + exp(lxy + lin - ltot);
	p_ab = exp(lg - ly - ltot);
	p_ab_after = exp(lgt - ly - ltot);

	out->p_wait = exp(lwait - ltot);
	out->service_level = p_in / (p_served + p_ab_after);
	out->asa_s = exp(log(in->patience_s) + lxy + lasa - ltot) / p_served;
	out->occupancy = a * p_served / n;
	out->abandon_rate = p_ab;

	/* clamp rounding excursions of a few ulps */
	if (out->service_level > 1)
		out->service_level = 1;
	if (out->p_wait > 1)
		out->p_wait = 1;
	if (out->abandon_rate > 1)
		out->abandon_rate = 1;
	if (out->occupancy > 1)
		out->occupancy = 1;
	return 0;
}

int wfm_erlang_eval(const struct wfm_erlang_in *in, int agents,
                    struct wfm_erlang_out *out)
{
	double a;

	if (!out || !in_ok(in) || agents < 0 || agents > WFM_ERLANG_MAX_AGENTS)
		return EINVAL;

	a = in->calls * in->aht_s / in->interval_s;
	out->agents = agents;
	out->traffic_erlangs = a;
	out->abandon_rate = 0;

	if (in->calls == 0) {
		out->p_wait = 0;
		out->service_level = 1;
		out->asa_s = 0;
		out->occupancy = 0;
		return 0;
	}

	if (in->patience_s == 0) {
		erlang_c(in, agents, a, out);
		return 0;
	}
	return erlang_a(in, agents, a, out);
}

/* Does a staff of n meet sl?  *errp is set on a numerical failure. */
static bool meets(const struct wfm_erlang_in *in, int n, double sl,
                  struct wfm_erlang_out *out, int *errp)
{
	int err = wfm_erlang_eval(in, n, out);

	if (err) {
		*errp = err;
		return false;
	}
	if (in->patience_s == 0 && !(n > out->traffic_erlangs))
		return false;
	if (in->max_abandon > 0 && out->abandon_rate > in->max_abandon)
		return false; /* more agents only lower it: still monotonic */
	return out->service_level >= sl;
}

int wfm_erlang_staff(const struct wfm_erlang_in *in, double sl,
                     struct wfm_erlang_out *out)
{
	struct wfm_erlang_out tmp;
	double a;
	int lo, hi, nmin, guess, step, err = 0;

	if (!out || !in_ok(in) || !(sl >= 0 && sl <= 1))
		return EINVAL;
	if (in->calls == 0)
		return wfm_erlang_eval(in, 0, out);

	a = in->calls * in->aht_s / in->interval_s;
	/* Erlang C needs a stable staff; Erlang A may be below the traffic */
	nmin = 0;
	if (in->patience_s == 0) {
		if (a >= WFM_ERLANG_MAX_AGENTS) {
			wfm_erlang_eval(in, WFM_ERLANG_MAX_AGENTS, out);
			return ERANGE;
		}
		nmin = (int)floor(a) + 1;
	}
	guess =
	    a >= WFM_ERLANG_MAX_AGENTS ? WFM_ERLANG_MAX_AGENTS : (int)ceil(a);
	if (guess < nmin)
		guess = nmin;

	/* Bracket: lo fails (nmin - 1 fails by definition), hi meets.
	 * Gallop from the traffic, then bisect. */
	if (meets(in, guess, sl, &tmp, &err)) {
		hi = guess;
		lo = nmin - 1;
		for (step = 1; hi - step > lo; step *= 2) {
			int m = hi - step;

			if (meets(in, m, sl, &tmp, &err)) {
				hi = m;
			} else {
				lo = m;
				break;
			}
		}
	} else {
		lo = guess;
		hi = -1;
		for (step = 1; !err; step *= 2) {
			int m = lo + step;

			if (m > WFM_ERLANG_MAX_AGENTS)
				m = WFM_ERLANG_MAX_AGENTS;
			if (meets(in, m, sl, &tmp, &err)) {
				hi = m;
				break;
			}
			if (m == WFM_ERLANG_MAX_AGENTS)
				break;
			lo = m;
		}
		if (err)
			return err;
		if (hi < 0) {
			*out = tmp;
			return ERANGE;
		}
	}
	if (err)
		return err;

	while (hi - lo > 1) {
		int mid = lo + (hi - lo) / 2;

		if (meets(in, mid, sl, &tmp, &err))
			hi = mid;
		else if (err)
			return err;
		else
			lo = mid;
	}

	return wfm_erlang_eval(in, hi, out);
}
