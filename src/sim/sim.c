/**
 * @file sim.c  The simulation: callers and agents around the real engine.
 *
 * The loop takes whichever comes first, the engine's own next deadline
 * (acd_next_deadline(), e.g. the end of a wrap-up or a ring timeout) or the
 * calendar's earliest event, sets the virtual clock to it and runs it.  The
 * engine reports its decisions through the subscription; the handler keeps
 * the counts and schedules what the callers and agents do next.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "core/core.h"
#include "sim/sim.h"

/* Virtual time starts at 2026-01-01T00:00:00Z rather than at 0: the engine
 * uses 0 for "not yet" in some fields (e.g. the answer time of a contact),
 * and a real-looking epoch keeps its interval records aligned. */
#define SIM_EPOCH_MS  1767225600000ull
#define CONTACT_BLOCK 4096
/* acd_run_timers() at one instant this many times without the deadline
 * moving means the engine is stuck: stop instead of spinning. */
#define MAX_SAME_DEADLINE 100000

enum ev_type {
	EV_WARMUP_END = 0,
	EV_PERIOD_END,
	EV_ARRIVAL,    /* p = struct sim_queue */
	EV_ACCEPT,     /* p = struct sim_agent, id = contact id, gen = the
	                  offer's serial */
	EV_COMPLETE,   /* p = struct sim_contact */
	EV_PATIENCE,   /* p = struct sim_contact */
	EV_AVAILABLE,  /* p = struct sim_agent */
	EV_WRAPUP_END, /* p = struct sim_agent, gen = its wrap_gen */
};

struct sim_contact {
	struct sim_contact *next; /* free list / done list */
	uint64_t id;              /* the engine's */
	uint32_t gen;             /* bumped when recycled */
	int qi;                   /* current queue; -1 before the first */
	int qi0;                  /* queue it arrived at */
	uint64_t arrived;         /* first arrival, ms */
	uint64_t entered;         /* entry into the current queue */
	uint64_t answered;
	uint64_t talk_ms; /* drawn at arrival */
	uint64_t ewt_ms;  /* the engine's estimate at arrival */
	bool queued;      /* was waiting after acd_contact_add() */
	bool no_ewt;      /* the engine had no estimate (no agent
	                     serves the queue) */
	bool cohort;      /* arrived in the measured period */
	bool connected;
	bool done; /* left the engine */
	bool live; /* allocated */
};

struct sim_queue {
	struct acd_queue *q; /* borrowed from the engine */
	const char *name;    /* borrowed from the engine */
	enum acd_channel channel;
	uint32_t sl_ms;
	double sl_target;
	uint64_t wrapup_ms;
	struct sim_load load;
	struct sim_rng rng_arrival, rng_talk, rng_patience;
	double next_arrival; /* ms; kept as a double so that rounding
	                        does not accumulate over the day */
	struct sim_counts cohort, window;
	uint64_t unresolved;
	uint32_t agents;
	uint64_t staffed_ms, occupied_ms;
	uint64_t w_staffed_ms, w_occupied_ms;
	uint64_t ewt_n, ewt_queued_n;
	double ewt_abs, ewt_err, ewt_queued_abs, ewt_queued_err;
};

/* An offer ringing at an agent.  The serial tells a new offer of the same
 * contact (after a ring timeout) from the old one, whose acceptance is
 * due later. */
struct sim_offer {
	uint64_t id;
	uint32_t serial;
};

struct sim_agent {
	struct acd_agent *a; /* borrowed from the engine */
	enum acd_agent_state state;
	uint64_t since;           /* of state */
	struct sim_offer *offers; /* offers made and not ended, owned */
	size_t noffers, offers_cap;
	uint32_t offer_serial;
	uint64_t staffed_ms, occupied_ms;     /* in the measured period */
	uint64_t w_staffed_ms, w_occupied_ms; /* since the warm-up */
	uint8_t *serves; /* per queue: matches its step 0 */
	/* the wrap-up running: the engine counts the contact handled when
	 * it ends */
	bool wrap_pending;
	uint32_t wrap_gen;
	int wrap_qi;
	uint64_t wrap_talk_ms, wrap_start;
};

struct agent_ref {
	uintptr_t a; /* the engine's agent */
	size_t i;    /* index in sim->agents */
};

struct sim {
	struct sim_opts opts;
	struct acd *acd;           /* owned */
	struct acd_tenant *tenant; /* borrowed */
	struct sim_queue *queues;  /* owned array */
	size_t nqueues;
	struct sim_agent *agents; /* owned array, tenant order */
	size_t nagents;
	struct agent_ref *by_ptr; /* agents sorted by engine pointer */
	struct sim_cal cal;
	void **blocks; /* contact blocks, owned */
	size_t nblocks;
	struct sim_contact *free_list, *done_list;
	uint64_t live;    /* contacts in the engine */
	uint64_t wrapups; /* wrap-ups running */
	uint64_t now;     /* virtual ms */
	uint64_t t0, t_warm, t_end, t_stop;
	bool measuring, period_ended, ran;
	int err; /* first error inside a handler */
	char errmsg[256];
	struct sim_run_info info;
	uint64_t wall_ns;
};

static void set_error(struct sim *sim, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_error(struct sim *sim, int err, const char *fmt, ...)
{
	va_list ap;

	if (sim->err)
		return; /* keep the first */
	sim->err = err;
	va_start(ap, fmt);
	vsnprintf(sim->errmsg, sizeof(sim->errmsg), fmt, ap);
	va_end(ap);
}

static uint64_t sim_clock(void *arg)
{
	const struct sim *sim = arg;

	return sim->now;
}

static void destructor(void *arg)
{
	struct sim *sim = arg;

	/* the engine first: it holds the subscription to us */
	sim->acd = mem_deref(sim->acd);
	for (size_t i = 0; i < sim->nagents; i++) {
		free(sim->agents[i].offers);
		free(sim->agents[i].serves);
	}
	free(sim->agents);
	free(sim->by_ptr);
	free(sim->queues);
	for (size_t i = 0; i < sim->nblocks; i++)
		free(sim->blocks[i]);
	free(sim->blocks);
	sim_cal_free(&sim->cal);
}

/* --- contacts ------------------------------------------------------------- */

static struct sim_contact *contact_new(struct sim *sim)
{
	struct sim_contact *ct;

	if (!sim->free_list) {
		struct sim_contact *blk;
		void **blocks =
		    realloc(sim->blocks, (sim->nblocks + 1) * sizeof(*blocks));

		if (!blocks)
			return NULL;
		sim->blocks = blocks;
		blk = calloc(CONTACT_BLOCK, sizeof(*blk));
		if (!blk)
			return NULL;
		sim->blocks[sim->nblocks++] = blk;
		for (size_t i = CONTACT_BLOCK; i-- > 0;) {
			blk[i].next = sim->free_list;
			sim->free_list = &blk[i];
		}
	}
	ct = sim->free_list;
	sim->free_list = ct->next;

	uint32_t gen = ct->gen;
	memset(ct, 0, sizeof(*ct));
	ct->gen = gen;
	ct->qi = ct->qi0 = -1;
	ct->live = true;
	sim->live++;
	sim->info.contacts++;
	return ct;
}

/* A contact that left the engine is recycled only after the operation that
 * ended it returns: later events of the same operation may still name it. */
static void contact_done(struct sim *sim, struct sim_contact *ct)
{
	if (ct->done)
		return;
	ct->done = true;
	ct->next = sim->done_list;
	sim->done_list = ct;
}

static void recycle_done(struct sim *sim)
{
	while (sim->done_list) {
		struct sim_contact *ct = sim->done_list;

		sim->done_list = ct->next;
		ct->live = false;
		ct->gen++; /* pending events for it become stale */
		ct->next = sim->free_list;
		sim->free_list = ct;
		sim->live--;
	}
}

/* --- lookups -------------------------------------------------------------- */

static struct sim_agent *agent_find(struct sim *sim, const struct acd_agent *a)
{
	size_t lo = 0, hi = sim->nagents;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		uintptr_t m = sim->by_ptr[mid].a;

		if (m == (uintptr_t)a)
			return &sim->agents[sim->by_ptr[mid].i];
		if (m < (uintptr_t)a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int queue_index(const struct sim *sim, const struct acd_queue *q)
{
	for (size_t i = 0; i < sim->nqueues; i++) {
		if (sim->queues[i].q == q)
			return (int)i;
	}
	return -1;
}

static int schedule(struct sim *sim, uint64_t time, enum ev_type type, void *p,
                    uint32_t gen, uint64_t id)
{
	struct sim_ev ev = {
	    .time = time,
	    .type = type,
	    .p = p,
	    .gen = gen,
	    .id = id,
	};
	int err = sim_cal_push(&sim->cal, &ev);

	if (err)
		set_error(sim, err, "out of memory");
	return err;
}

/* --- agents' time --------------------------------------------------------- */

static bool state_staffed(enum acd_agent_state st)
{
	return st == ACD_AGENT_AVAILABLE || st == ACD_AGENT_RESERVED ||
	       st == ACD_AGENT_BUSY || st == ACD_AGENT_WRAPUP;
}

static bool state_occupied(enum acd_agent_state st)
{
	return st == ACD_AGENT_RESERVED || st == ACD_AGENT_BUSY ||
	       st == ACD_AGENT_WRAPUP;
}

/* Credit the agent's current state with its time up to t inside the
 * measured period, and since the warm-up (as the engine integrates it). */
static void agent_account(struct sim *sim, struct sim_agent *sa, uint64_t t)
{
	uint64_t a = sa->since > sim->t_warm ? sa->since : sim->t_warm;
	uint64_t b = t < sim->t_end ? t : sim->t_end;

	if (b > a) {
		if (state_staffed(sa->state))
			sa->staffed_ms += b - a;
		if (state_occupied(sa->state))
			sa->occupied_ms += b - a;
	}
	if (t > a) {
		if (state_staffed(sa->state))
			sa->w_staffed_ms += t - a;
		if (state_occupied(sa->state))
			sa->w_occupied_ms += t - a;
	}
	sa->since = t;
}

static void agent_state(struct sim *sim, const struct acd_event *ev)
{
	struct sim_agent *sa = agent_find(sim, ev->agent);

	if (!sa)
		return; /* another tenant */
	agent_account(sim, sa, ev->time);
	sa->state = ev->new_state;

	/* The simulated agents never choose not-ready: the engine put this
	 * one there (a rejected or unanswered offer).  It comes back at once,
	 * as a supervisor would make it. */
	if (sa->state == ACD_AGENT_NOT_READY)
		schedule(sim, sim->now, EV_AVAILABLE, sa, 0, 0);
}

/* Returns the offer's serial. */
static uint32_t offer_add(struct sim *sim, struct sim_agent *sa, uint64_t id)
{
	if (sa->noffers == sa->offers_cap) {
		size_t cap = sa->offers_cap ? sa->offers_cap * 2 : 4;
		struct sim_offer *v = realloc(sa->offers, cap * sizeof(*v));

		if (!v) {
			set_error(sim, ENOMEM, "out of memory");
			return 0;
		}
		sa->offers = v;
		sa->offers_cap = cap;
	}
	sa->offers[sa->noffers].id = id;
	sa->offers[sa->noffers].serial = ++sa->offer_serial;
	return sa->offers[sa->noffers++].serial;
}

static bool offer_live(const struct sim_agent *sa, uint64_t id, uint32_t serial)
{
	for (size_t i = 0; i < sa->noffers; i++) {
		if (sa->offers[i].id == id)
			return sa->offers[i].serial == serial;
	}
	return false;
}

static void offer_del(struct sim_agent *sa, uint64_t id)
{
	for (size_t i = 0; i < sa->noffers; i++) {
		if (sa->offers[i].id == id) {
			sa->offers[i] = sa->offers[--sa->noffers];
			return;
		}
	}
}

/* --- counting ------------------------------------------------------------- */

enum tally_kind { T_OFFERED, T_ANSWERED, T_ABANDONED, T_OVERFLOWED, T_HANDLED };

static void count(struct sim_counts *c, const struct sim_queue *sq,
                  enum tally_kind kind, uint64_t ms)
{
	switch (kind) {
	case T_OFFERED:
		c->offered++;
		break;
	case T_ANSWERED:
		c->answered++;
		c->wait_answered_ms += ms;
		if (ms <= sq->sl_ms)
			c->answered_in_sl++;
		if (ms > c->max_wait_ms)
			c->max_wait_ms = ms;
		break;
	case T_ABANDONED:
		c->abandoned++;
		c->wait_abandoned_ms += ms;
		if (ms < ACD_SHORT_ABANDON_MS)
			c->short_abandoned++;
		if (ms > sq->sl_ms)
			c->abandoned_after_sl++;
		break;
	case T_OVERFLOWED:
		c->overflowed++;
		break;
	case T_HANDLED:
		c->handled++;
		c->handle_ms += ms;
		break;
	}
}

/* Count in the cohort (if the contact belongs to it) and in the window the
 * engine sees (if past the warm-up). */
static void tally(struct sim *sim, const struct sim_contact *ct, int qi,
                  enum tally_kind kind, uint64_t ms)
{
	struct sim_queue *sq = &sim->queues[qi];

	if (ct->cohort)
		count(&sq->cohort, sq, kind, ms);
	if (sim->measuring)
		count(&sq->window, sq, kind, ms);
}

/* The engine counts a contact handled when the agent's wrap-up ends, at
 * its own deadline, which the loop runs before any calendar event due at
 * the same millisecond (so also before the warm-up ends at t_warm). */
static void wrapup_ended(struct sim *sim, struct sim_agent *sa, uint64_t t)
{
	struct sim_queue *sq = &sim->queues[sa->wrap_qi];

	sa->wrap_pending = false;
	sa->wrap_gen++;
	sim->wrapups--;
	if (t > sim->t_warm)
		count(&sq->window, sq, T_HANDLED,
		      sa->wrap_talk_ms + (t - sa->wrap_start));
}

/* --- the engine's events -------------------------------------------------- */

static void contact_event(struct sim *sim, const struct acd_event *ev)
{
	struct sim_contact *ct = ev->owner;
	struct sim_agent *sa;
	uint32_t serial;
	int qi;

	if (!ct)
		return;
	qi = ev->queue ? queue_index(sim, ev->queue) : ct->qi;
	if (qi < 0) {
		set_error(sim, EPROTO,
		          "%s of contact %llu names a queue "
		          "outside the tenant",
		          acd_event_name(ev->type),
		          (unsigned long long)ev->contact_id);
		return;
	}

	switch (ev->type) {
	case ACD_EV_CONTACT_QUEUED:
		ct->id = ev->contact_id;
		if (ct->qi != qi) {
			ct->qi = qi;
			if (ct->qi0 < 0)
				ct->qi0 = qi;
			ct->entered = ev->time;
			tally(sim, ct, qi, T_OFFERED, 0);
		}
		break;

	case ACD_EV_CONTACT_OFFERED:
		sa = agent_find(sim, ev->agent);
		if (!sa) {
			set_error(sim, EPROTO, "offer to an unknown agent");
			return;
		}
		serial = offer_add(sim, sa, ev->contact_id);
		schedule(sim, ev->time + sim->opts.ring_ms, EV_ACCEPT, sa,
		         serial, ev->contact_id);
		break;

	case ACD_EV_OFFER_ENDED:
		sa = agent_find(sim, ev->agent);
		if (sa)
			offer_del(sa, ev->contact_id);
		if (ev->end == ACD_END_TIMEOUT || ev->end == ACD_END_REJECTED)
			sim->info.requeues++;
		break;

	case ACD_EV_CONTACT_ACCEPTED: {
		uint64_t wait = ev->time - ct->entered;

		sa = agent_find(sim, ev->agent);
		if (sa)
			offer_del(sa, ev->contact_id);
		ct->connected = true;
		ct->answered = ev->time;
		tally(sim, ct, qi, T_ANSWERED, wait);
		if (ct->cohort && !ct->no_ewt) {
			struct sim_queue *q0 = &sim->queues[ct->qi0];
			double err = (double)ct->ewt_ms -
			             (double)(ev->time - ct->arrived);

			q0->ewt_n++;
			q0->ewt_abs += fabs(err);
			q0->ewt_err += err;
			if (ct->queued) {
				q0->ewt_queued_n++;
				q0->ewt_queued_abs += fabs(err);
				q0->ewt_queued_err += err;
			}
		}
		schedule(sim, ev->time + ct->talk_ms, EV_COMPLETE, ct, ct->gen,
		         0);
		break;
	}

	case ACD_EV_CONTACT_ABANDONED:
		tally(sim, ct, qi, T_ABANDONED, ev->time - ct->entered);
		contact_done(sim, ct);
		break;

	case ACD_EV_CONTACT_COMPLETED: {
		struct sim_queue *sq = &sim->queues[qi];
		uint64_t talk = ev->time - ct->answered;

		/* handle time = talk + the queue's wrap-up, which the engine
		 * times (the simulated agents never end it early); the
		 * engine counts it when the wrap-up ends */
		if (ct->cohort)
			count(&sq->cohort, sq, T_HANDLED, talk + sq->wrapup_ms);
		sa = agent_find(sim, ev->agent);
		if (sq->wrapup_ms && sa) {
			/* an earlier wrap-up still running (several chats)
			 * ends now: the engine closes it */
			if (sa->wrap_pending)
				wrapup_ended(sim, sa, ev->time);
			sa->wrap_pending = true;
			sa->wrap_qi = qi;
			sa->wrap_talk_ms = talk;
			sa->wrap_start = ev->time;
			sim->wrapups++;
			schedule(sim, ev->time + sq->wrapup_ms, EV_WRAPUP_END,
			         sa, sa->wrap_gen, 0);
		} else if (sim->measuring) {
			count(&sq->window, sq, T_HANDLED, talk);
		}
		contact_done(sim, ct);
		break;
	}

	case ACD_EV_CONTACT_OVERFLOWED:
		tally(sim, ct, qi, T_OVERFLOWED, 0);
		if (ev->action != ACD_OVERFLOW_QUEUE)
			contact_done(sim, ct);
		break;

	case ACD_EV_CONTACT_REMOVED:
		contact_done(sim, ct);
		break;

	default:
		break;
	}
}

static void event_handler(const struct acd_event *ev, void *arg)
{
	struct sim *sim = arg;

	sim->info.engine_events++;
	if (ev->time != sim->now) {
		set_error(sim, EPROTO, "engine event %s at %llu, clock %llu",
		          acd_event_name(ev->type),
		          (unsigned long long)ev->time,
		          (unsigned long long)sim->now);
	}
	if (ev->type == ACD_EV_AGENT_STATE) {
		agent_state(sim, ev);
		return;
	}
	if (ev->tenant != sim->tenant || ev->type == ACD_EV_INTERVAL)
		return;
	contact_event(sim, ev);
}

/* --- setup ---------------------------------------------------------------- */

int sim_alloc(struct sim **simp, const struct sim_opts *opts)
{
	struct sim *sim;
	struct acd_opts aopts = {0};
	int err;

	if (!simp || !opts || !opts->duration_s)
		return EINVAL;

	sim = mem_zalloc(sizeof(*sim), destructor);
	if (!sim)
		return ENOMEM;
	sim->opts = *opts;
	if (!sim->opts.drain_max_s)
		sim->opts.drain_max_s = 86400;
	sim->t0 = sim->now = SIM_EPOCH_MS;

	aopts.clock = sim_clock;
	aopts.clock_arg = sim;
	aopts.seed = (uint32_t)(opts->seed ^ (opts->seed >> 32));
	aopts.interval_s = opts->interval_s;
	aopts.check = opts->check;
	err = acd_alloc(&sim->acd, &aopts);
	if (err)
		goto out;
	err = acd_subscribe(sim->acd, event_handler, sim);

out:
	if (err)
		mem_deref(sim);
	else
		*simp = sim;
	return err;
}

struct acd *sim_acd(struct sim *sim)
{
	return sim ? sim->acd : NULL;
}

const char *sim_last_error(const struct sim *sim)
{
	return sim ? sim->errmsg : "";
}

static bool count_queue(struct acd_queue *q, void *arg)
{
	(void)q;
	(*(size_t *)arg)++;
	return false;
}

struct fill_ctx {
	struct sim *sim;
	size_t i;
};

static bool fill_queue(struct acd_queue *q, void *arg)
{
	struct fill_ctx *fc = arg;
	struct sim_queue *sq = &fc->sim->queues[fc->i];
	const struct acd_queue_cfg *cfg = acd_queue_config(q);
	uint64_t seed = fc->sim->opts.seed;

	sq->q = q;
	sq->name = acd_queue_name(q);
	sq->channel = cfg->channel;
	sq->sl_ms = 1000u * (cfg->sl_threshold_s ? cfg->sl_threshold_s : 20);
	sq->sl_target = cfg->sl_target > 0 ? cfg->sl_target : 0.80;
	sq->wrapup_ms = 1000u * (uint64_t)cfg->wrapup_s;
	/* three streams per queue, so that arrivals stay the same when
	 * another queue's load or the staffing changes */
	sim_rng_seed(&sq->rng_arrival, seed, 3 * fc->i + 1);
	sim_rng_seed(&sq->rng_talk, seed, 3 * fc->i + 2);
	sim_rng_seed(&sq->rng_patience, seed, 3 * fc->i + 3);
	fc->i++;
	return false;
}

static bool count_agent(struct acd_agent *a, void *arg)
{
	(void)a;
	(*(size_t *)arg)++;
	return false;
}

static bool fill_agent(struct acd_agent *a, void *arg)
{
	struct fill_ctx *fc = arg;

	fc->sim->agents[fc->i++].a = a;
	return false;
}

static int cmp_agent_ref(const void *x, const void *y)
{
	uintptr_t a = ((const struct agent_ref *)x)->a;
	uintptr_t b = ((const struct agent_ref *)y)->a;

	return a < b ? -1 : a > b;
}

/* Whether agent a satisfies requirement set r. */
static bool agent_matches(const struct acd_agent *a, const struct acd_reqs *r)
{
	for (size_t i = 0; i < r->n; i++) {
		if (acd_agent_skill_level(a, r->v[i].skill) < r->v[i].min_level)
			return false;
	}
	return true;
}

int sim_set_tenant(struct sim *sim, struct acd_tenant *t)
{
	struct fill_ctx fc = {.sim = sim};
	size_t nq = 0, na = 0;

	if (!sim || !t || sim->tenant)
		return EINVAL;

	acd_queue_foreach(t, count_queue, &nq);
	acd_agent_foreach(t, count_agent, &na);
	sim->queues = calloc(nq ? nq : 1, sizeof(*sim->queues));
	sim->agents = calloc(na ? na : 1, sizeof(*sim->agents));
	sim->by_ptr = calloc(na ? na : 1, sizeof(*sim->by_ptr));
	if (!sim->queues || !sim->agents || !sim->by_ptr)
		return ENOMEM;
	sim->nqueues = nq;
	sim->nagents = na;
	acd_queue_foreach(t, fill_queue, &fc);
	fc.i = 0;
	acd_agent_foreach(t, fill_agent, &fc);

	for (size_t i = 0; i < na; i++) {
		struct sim_agent *sa = &sim->agents[i];

		sa->state = acd_agent_state(sa->a);
		sa->since = sim->t0;
		sa->serves = calloc(nq ? nq : 1, 1);
		if (!sa->serves)
			return ENOMEM;
		for (size_t j = 0; j < nq; j++) {
			const struct acd_queue_cfg *cfg =
			    acd_queue_config(sim->queues[j].q);

			sa->serves[j] = agent_matches(sa->a, &cfg->reqs);
			sim->queues[j].agents += sa->serves[j];
		}
		sim->by_ptr[i].a = (uintptr_t)sa->a;
		sim->by_ptr[i].i = i;
	}
	/* the order only serves the lookup: nothing iterates it */
	qsort(sim->by_ptr, na, sizeof(*sim->by_ptr), cmp_agent_ref);

	sim->tenant = t;
	return 0;
}

int sim_set_load(struct sim *sim, const char *queue,
                 const struct sim_load *load)
{
	if (!sim || !queue || !load || load->calls_per_hour < 0 ||
	    !isfinite(load->calls_per_hour) ||
	    load->priority > ACD_PRIORITY_MAX)
		return EINVAL;
	if (load->calls_per_hour > 0 && !(load->aht_s > 0))
		return EINVAL;
	if (load->dist == SIM_DIST_LOGNORMAL && !(load->cv > 0))
		return EINVAL;
	if (load->patience_s < 0 || !isfinite(load->patience_s))
		return EINVAL;

	for (size_t i = 0; i < sim->nqueues; i++) {
		if (!strcmp(sim->queues[i].name, queue)) {
			sim->queues[i].load = *load;
			return 0;
		}
	}
	return ENOENT;
}

/* --- the run -------------------------------------------------------------- */

static uint64_t draw_ms(double v)
{
	return v < 1 ? 1 : (uint64_t)llround(v);
}

static uint64_t draw_talk(struct sim_queue *sq)
{
	const struct sim_load *l = &sq->load;
	double mean = l->aht_s * 1000;

	switch (l->dist) {
	case SIM_DIST_LOGNORMAL:
		return draw_ms(sim_rng_lognormal(&sq->rng_talk, mean, l->cv));
	case SIM_DIST_FIXED:
		return draw_ms(mean);
	default:
		return draw_ms(sim_rng_exp(&sq->rng_talk, mean));
	}
}

static void next_arrival(struct sim *sim, struct sim_queue *sq)
{
	double gap =
	    sim_rng_exp(&sq->rng_arrival, 3600000.0 / sq->load.calls_per_hour);

	sq->next_arrival += gap;
	if (sq->next_arrival < (double)sim->t_end)
		schedule(sim, (uint64_t)llround(sq->next_arrival), EV_ARRIVAL,
		         sq, 0, 0);
}

static int arrival(struct sim *sim, struct sim_queue *sq)
{
	struct acd_contact_params p = {0};
	struct sim_contact *ct = contact_new(sim);
	uint64_t id, patience = 0;
	int err;

	if (!ct) {
		set_error(sim, ENOMEM, "out of memory");
		return ENOMEM;
	}
	ct->arrived = sim->now;
	ct->cohort = sim->measuring && sim->now < sim->t_end;
	/* drawn now, from the queue's own streams, so that a caller's needs
	 * do not depend on what happens to the others */
	ct->talk_ms = draw_talk(sq);
	if (sq->load.patience_s > 0)
		patience = draw_ms(
		    sim_rng_exp(&sq->rng_patience, sq->load.patience_s * 1000));

	p.channel = sq->channel;
	p.queue = sq->q;
	p.priority = sq->load.priority;
	p.owner = ct;
	err = acd_contact_add(sim->acd, &p, &id);
	if (err) {
		set_error(sim, err, "acd_contact_add(%s): %s", sq->name,
		          acd_last_error(sim->acd));
		contact_done(sim, ct);
		return err;
	}
	ct->id = id;

	if (!ct->done && !ct->connected) {
		struct acd_contact_info ci;
		uint64_t ewt;

		if (!acd_contact_info(sim->acd, id, &ci) &&
		    ci.state == ACD_CONTACT_WAITING &&
		    !acd_contact_ewt(sim->acd, id, &ewt)) {
			ct->queued = true;
			ct->ewt_ms = ewt;
			ct->no_ewt = ewt == ACD_NONE;
		}
	}
	if (patience && !ct->done)
		schedule(sim, sim->now + patience, EV_PATIENCE, ct, ct->gen, 0);

	next_arrival(sim, sq);
	return 0;
}

static int dispatch(struct sim *sim, const struct sim_ev *ev)
{
	struct sim_contact *ct = ev->p;
	struct sim_agent *sa = ev->p;
	int err = 0;

	switch ((enum ev_type)ev->type) {
	case EV_WARMUP_END:
		/* the engine's counters start again here, and so do ours */
		acd_stats_reset_day(sim->tenant);
		sim->measuring = true;
		break;

	case EV_PERIOD_END:
		sim->period_ended = true;
		break;

	case EV_ARRIVAL:
		err = arrival(sim, ev->p);
		break;

	case EV_ACCEPT:
		/* the offer may have ended while ringing (caller hung up,
		 * ring timeout, another agent took it); the engine's
		 * ACCEPTED event removes it from the list */
		if (!offer_live(sa, ev->id, ev->gen))
			break;
		err = acd_contact_accept(sim->acd, ev->id, sa->a);
		if (err)
			set_error(sim, err, "acd_contact_accept(%llu, %s): %s",
			          (unsigned long long)ev->id,
			          acd_agent_id(sa->a),
			          acd_last_error(sim->acd));
		break;

	case EV_COMPLETE:
		if (ct->gen != ev->gen || !ct->live || ct->done)
			break;
		err = acd_contact_complete(sim->acd, ct->id);
		if (err)
			set_error(sim, err, "acd_contact_complete(%llu): %s",
			          (unsigned long long)ct->id,
			          acd_last_error(sim->acd));
		break;

	case EV_PATIENCE:
		if (ct->gen != ev->gen || !ct->live || ct->done ||
		    ct->connected)
			break;
		err = acd_contact_abandon(sim->acd, ct->id);
		if (err)
			set_error(sim, err, "acd_contact_abandon(%llu): %s",
			          (unsigned long long)ct->id,
			          acd_last_error(sim->acd));
		break;

	case EV_WRAPUP_END:
		if (sa->wrap_pending && sa->wrap_gen == ev->gen)
			wrapup_ended(sim, sa, ev->time);
		break;

	case EV_AVAILABLE:
		if (sa->state != ACD_AGENT_NOT_READY)
			break;
		err =
		    acd_agent_set_presence(sa->a, ACD_PRESENCE_AVAILABLE, NULL);
		if (err)
			set_error(sim, err, "agent %s available: %s",
			          acd_agent_id(sa->a),
			          acd_last_error(sim->acd));
		break;
	}
	return err ? err : sim->err;
}

static int start(struct sim *sim)
{
	int err;

	sim->t_warm = sim->t0 + 1000ull * sim->opts.warmup_s;
	sim->t_end = sim->t_warm + 1000ull * sim->opts.duration_s;
	sim->t_stop = sim->t_end + 1000ull * sim->opts.drain_max_s;

	/* scheduled first, so they run before anything due at the same ms */
	err = schedule(sim, sim->t_warm, EV_WARMUP_END, NULL, 0, 0);
	err |= schedule(sim, sim->t_end, EV_PERIOD_END, NULL, 0, 0);
	if (err)
		return ENOMEM;

	for (size_t i = 0; i < sim->nagents; i++) {
		struct sim_agent *sa = &sim->agents[i];

		err =
		    acd_agent_set_presence(sa->a, ACD_PRESENCE_AVAILABLE, NULL);
		if (err) {
			set_error(sim, err, "agent %s available: %s",
			          acd_agent_id(sa->a),
			          acd_last_error(sim->acd));
			return err;
		}
	}
	for (size_t i = 0; i < sim->nqueues; i++) {
		struct sim_queue *sq = &sim->queues[i];

		if (sq->load.calls_per_hour > 0) {
			sq->next_arrival = (double)sim->t0;
			next_arrival(sim, sq);
		}
	}
	return sim->err;
}

static void finish(struct sim *sim)
{
	uint64_t t = sim->now > sim->t_end ? sim->now : sim->t_end;

	for (size_t i = 0; i < sim->nagents; i++) {
		struct sim_agent *sa = &sim->agents[i];

		agent_account(sim, sa, t);
		for (size_t j = 0; j < sim->nqueues; j++) {
			if (!sa->serves[j])
				continue;
			sim->queues[j].staffed_ms += sa->staffed_ms;
			sim->queues[j].occupied_ms += sa->occupied_ms;
			sim->queues[j].w_staffed_ms += sa->w_staffed_ms;
			sim->queues[j].w_occupied_ms += sa->w_occupied_ms;
		}
	}
	/* cohort contacts never answered nor abandoned (drain gave up) */
	for (size_t b = 0; b < sim->nblocks; b++) {
		struct sim_contact *blk = sim->blocks[b];

		for (size_t i = 0; i < CONTACT_BLOCK; i++) {
			struct sim_contact *ct = &blk[i];

			if (ct->live && !ct->done && ct->cohort &&
			    !ct->connected && ct->qi >= 0)
				sim->queues[ct->qi].unresolved++;
		}
	}
	sim->info.end_ms = sim->now - sim->t0;
	sim->info.drain_ms = sim->now > sim->t_end ? sim->now - sim->t_end : 0;
}

int sim_run(struct sim *sim)
{
	uint64_t wall0, same = 0, last_dl = ACD_NONE;
	int err;

	if (!sim || !sim->tenant || sim->ran)
		return EINVAL;
	sim->ran = true;
	wall0 = hl_mono_ns();

	err = start(sim);
	while (!err) {
		const struct sim_ev *top;
		struct sim_ev ev;
		uint64_t dl;

		recycle_done(sim);
		if (sim->period_ended && !sim->live && !sim->wrapups)
			break;

		dl = acd_next_deadline(sim->acd);
		top = sim_cal_peek(&sim->cal);
		if (!top && dl == ACD_NONE)
			break;

		if (dl != ACD_NONE && (!top || dl <= top->time)) {
			if (dl >= sim->t_stop) {
				sim->now = sim->t_stop; /* the drain gives up */
				break;
			}
			if (dl > sim->now)
				sim->now = dl;
			if (dl == last_dl && ++same > MAX_SAME_DEADLINE) {
				set_error(sim, EPROTO,
				          "the engine's deadline "
				          "%llu does not advance",
				          (unsigned long long)dl);
				err = EPROTO;
				break;
			}
			if (dl != last_dl)
				same = 0;
			last_dl = dl;
			acd_run_timers(sim->acd);
			sim->info.timer_runs++;
			err = sim->err;
			continue;
		}

		if (top->time >= sim->t_stop) {
			sim->now = sim->t_stop;
			break;
		}
		sim_cal_pop(&sim->cal, &ev);
		if (ev.time > sim->now)
			sim->now = ev.time;
		sim->info.calendar_events++;
		err = dispatch(sim, &ev);
	}
	recycle_done(sim);
	finish(sim);
	sim->wall_ns = hl_mono_ns() - wall0;
	return err;
}

/* --- results -------------------------------------------------------------- */

size_t sim_queue_count(const struct sim *sim)
{
	return sim ? sim->nqueues : 0;
}

static void fill_result(const struct sim_queue *sq, struct sim_result *r)
{
	memset(r, 0, sizeof(*r));
	r->name = sq->name;
	r->sl_threshold_s = sq->sl_ms / 1000;
	r->sl_target = sq->sl_target;
	r->load = sq->load;
	r->agents = sq->agents;
	r->cohort = sq->cohort;
	r->unresolved = sq->unresolved;
	r->window = sq->window;
	acd_queue_stats(sq->q, &r->engine);
	r->staffed_ms = sq->staffed_ms;
	r->occupied_ms = sq->occupied_ms;
	r->window_staffed_ms = sq->w_staffed_ms;
	r->window_occupied_ms = sq->w_occupied_ms;
	r->ewt_n = sq->ewt_n;
	r->ewt_abs_err_ms = sq->ewt_abs;
	r->ewt_err_ms = sq->ewt_err;
	r->ewt_queued_n = sq->ewt_queued_n;
	r->ewt_queued_abs_err_ms = sq->ewt_queued_abs;
	r->ewt_queued_err_ms = sq->ewt_queued_err;
}

void sim_queue_result(const struct sim *sim, size_t i, struct sim_result *r)
{
	if (!sim || !r || i >= sim->nqueues)
		return;
	fill_result(&sim->queues[i], r);
}

void sim_counts_add(struct sim_counts *a, const struct sim_counts *b)
{
	a->offered += b->offered;
	a->answered += b->answered;
	a->answered_in_sl += b->answered_in_sl;
	a->abandoned += b->abandoned;
	a->short_abandoned += b->short_abandoned;
	a->abandoned_after_sl += b->abandoned_after_sl;
	a->overflowed += b->overflowed;
	a->handled += b->handled;
	a->wait_answered_ms += b->wait_answered_ms;
	a->wait_abandoned_ms += b->wait_abandoned_ms;
	a->handle_ms += b->handle_ms;
	if (b->max_wait_ms > a->max_wait_ms)
		a->max_wait_ms = b->max_wait_ms;
}

void sim_total_result(const struct sim *sim, struct sim_result *r)
{
	if (!sim || !r)
		return;
	memset(r, 0, sizeof(*r));
	r->name = "total";
	for (size_t i = 0; i < sim->nqueues; i++) {
		const struct sim_queue *sq = &sim->queues[i];

		if (!i) {
			r->sl_threshold_s = sq->sl_ms / 1000;
			r->sl_target = sq->sl_target;
		}
		sim_counts_add(&r->cohort, &sq->cohort);
		sim_counts_add(&r->window, &sq->window);
		r->unresolved += sq->unresolved;
		r->ewt_n += sq->ewt_n;
		r->ewt_abs_err_ms += sq->ewt_abs;
		r->ewt_err_ms += sq->ewt_err;
		r->ewt_queued_n += sq->ewt_queued_n;
		r->ewt_queued_abs_err_ms += sq->ewt_queued_abs;
		r->ewt_queued_err_ms += sq->ewt_queued_err;
	}
	for (size_t i = 0; i < sim->nagents; i++) {
		r->staffed_ms += sim->agents[i].staffed_ms;
		r->occupied_ms += sim->agents[i].occupied_ms;
		r->window_staffed_ms += sim->agents[i].w_staffed_ms;
		r->window_occupied_ms += sim->agents[i].w_occupied_ms;
	}
	r->agents = (uint32_t)sim->nagents;
	if (sim->tenant)
		acd_tenant_stats(sim->tenant, &r->engine);
}

void sim_run_info(const struct sim *sim, struct sim_run_info *info)
{
	if (sim && info)
		*info = sim->info;
}

uint64_t sim_wall_ns(const struct sim *sim)
{
	return sim ? sim->wall_ns : 0;
}
