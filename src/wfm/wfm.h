/**
 * @file wfm.h  Workforce planning: how many agents an interval needs.
 *
 * Owns: nothing global; no state, no allocation.
 *
 * Offers: staffing mathematics for one queue and one interval.
 *   - Erlang C (M/M/n): Poisson arrivals, exponential handle times, callers
 *     who never hang up.  Chosen when patience_s == 0.
 *   - Erlang A (M/M/n+M, Palm's model): the same with exponential caller
 *     patience of mean patience_s; waiting callers abandon.
 *   - Erlang B (M/M/n/n) as a building block.
 * Everything is computed in log space or by stable recursions, so agent
 * counts up to WFM_ERLANG_MAX_AGENTS and traffic of tens of thousands of
 * erlangs neither overflow nor lose accuracy.
 *
 * Threads: any; every function is pure (reentrant, no globals).
 *
 * Definitions (lambda = calls/interval_s, mu = 1/aht_s, theta =
 * 1/patience_s, n = agents, t = answer_s, A = lambda/mu):
 *
 *   traffic_erlangs  A = calls * aht_s / interval_s.
 *   p_wait           probability that an arriving contact finds every agent
 *                    busy (the Erlang C formula C(n,A) for Erlang C).
 *   service_level    Erlang C: P(wait <= t) = 1 - C e^{-(n mu - lambda) t}.
 *                    Erlang A: the definition of the routing engine's
 *                    statistics (acd_stats.service_level):
 *                        answered within t
 *                      / (answered + abandoned after waiting longer than t),
 *                    i.e. callers who hang up within t count in neither
 *                    part.  Computed exactly for M/M/n+M (no
 *                    approximation): an arrival that finds j callers
 *                    queued ahead would be answered after V_j, a sum of
 *                    exponentials of rates n mu + i theta (i = 0..j), and
 *                    e^{-theta V_j} is Beta(n mu/theta, j+1) distributed;
 *                    mixed over the stationary j this becomes a truncated
 *                    gamma law, so every probability is a regularised
 *                    incomplete gamma function (see erlang.c).
 *   asa_s            average speed of answer: the mean wait of the answered
 *                    contacts, zero waits included.  For Erlang C that is
 *                    every contact (C / (n mu - lambda)); for Erlang A only
 *                    the answered ones, as the engine's ASA.
 *   occupancy        fraction of agent time busy: Erlang C A/n; Erlang A
 *                    A (1 - abandon_rate) / n (abandoned calls take no
 *                    agent time).
 *   abandon_rate     Erlang A: fraction of all arrivals that abandon
 *                    (short abandons included; the model has no notion of
 *                    them).  Always 0 for Erlang C.
 *
 * Conventions at the edges:
 *   - No calls (calls == 0): service_level 1 (as the engine reports an
 *     interval with no contacts), every other figure 0, for any staff.
 *   - Erlang C with agents <= traffic is unstable: p_wait 1,
 *     service_level 0, asa_s INFINITY, occupancy 1, and the call succeeds.
 *   - Erlang A with 0 agents and calls: everyone abandons: p_wait 1,
 *     service_level 0, asa_s INFINITY (no one is answered), occupancy 1,
 *     abandon_rate 1.
 */
#ifndef HOTLINE_WFM_H
#define HOTLINE_WFM_H

/** Largest staff evaluated or searched. */
#define WFM_ERLANG_MAX_AGENTS 100000

struct wfm_erlang_in {
	double calls;      /* contacts arriving in the interval, >= 0 */
	double interval_s; /* interval length, seconds, > 0 */
	double aht_s;      /* average handle time, seconds, > 0 */
	double answer_s;   /* service-level threshold: answered within this,
	                      seconds, >= 0 */
	double patience_s; /* mean caller patience (exponential), seconds;
	                      0 = infinite -> Erlang C */
	double max_abandon;/* staffing only: the abandon rate must also be
	                      at most this (0..1); 0 = no limit.  Erlang A's
	                      service level ignores callers who hang up
	                      within the threshold, so a planner caps the
	                      abandons too. */
};

struct wfm_erlang_out {
	int agents;
	double traffic_erlangs; /* calls * aht / interval */
	double p_wait;          /* probability a contact waits */
	double service_level;   /* see the definitions above */
	double asa_s;           /* average speed of answer, seconds */
	double occupancy;       /* 0..1 */
	double abandon_rate;    /* Erlang A; 0 for Erlang C */
};

/* --- erlang.c ------------------------------------------------------------ */

/** Evaluate a given staff.
 *  @param in      the interval; every field finite and in range
 *  @param agents  0..WFM_ERLANG_MAX_AGENTS
 *  @param out     filled on success (also for an unstable Erlang C)
 *  @return 0; EINVAL for bad input (NULL, negative, NaN or infinite
 *          values, zero interval or AHT, agents out of range, rates
 *          overflowing); ERANGE if an Erlang A iteration failed to
 *          converge, which needs a shape agents * patience / aht beyond
 *          about 1e14.  Erlang A costs grow like the square root of that
 *          shape: 0.2 s at 19,000 agents with a patience of 1e11 s. */
int wfm_erlang_eval(const struct wfm_erlang_in *in, int agents,
                    struct wfm_erlang_out *out);

/** Fewest agents whose service level is at least sl.
 *  For Erlang C only stable staffs (agents > traffic) count, whatever sl.
 *  With no calls the answer is 0 agents.  The search assumes, as holds
 *  for both models, that the service level grows with the staff; it
 *  starts at the traffic and costs a few dozen evaluations, each O(agents)
 *  for the Erlang B recursion plus O(sqrt(shape)) for Erlang A's gamma
 *  functions (a few milliseconds at 20,000 agents).
 *  @param sl   target, 0..1
 *  @param out  the evaluation of the staff found; when no staff meets
 *              sl, the evaluation of WFM_ERLANG_MAX_AGENTS
 *  @return 0; EINVAL for bad input; ERANGE if no staff up to
 *          WFM_ERLANG_MAX_AGENTS meets sl (or, as for eval, an iteration
 *          did not converge; out is then untouched). */
int wfm_erlang_staff(const struct wfm_erlang_in *in, double sl,
                     struct wfm_erlang_out *out);

/** Erlang B blocking probability B(n, A) of n servers offered A erlangs,
 *  by the recursion B(k) = A B(k-1) / (k + A B(k-1)), switched to log
 *  space when B becomes tiny.  NAN for n < 0, A < 0 or non-finite A;
 *  may underflow to 0 (use with n >> A only as "no blocking"). */
double wfm_erlang_b(int n, double a);

#endif
