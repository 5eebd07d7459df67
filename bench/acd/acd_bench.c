/**
 * @file acd_bench.c  The routing engine under a contact-center load, against
 * a plain linear-scan selector fed the same events.
 *
 * One run per size builds a center with a seeded PRNG (100 skills with
 * Zipf-like popularity, 1,000 voice queues needing 1 or 2 skills at levels
 * 1..5, some with relaxation steps and overflow, mostly longest-idle), logs
 * the agents in and drives the engine with a virtual clock: contact
 * arrivals held near a waiting target, offers accepted (or rarely rejected)
 * after a ring delay, calls completed after a handle time, wrap-up, breaks,
 * blind transfers, abandons, and the engine's own deadlines (wrap-up ends,
 * relaxation, overflow) through acd_run_timers().
 *
 * A *decision* is a moment the engine must route: a contact becomes
 * routable (queued, requeued, relaxed) or an agent becomes available.  They
 * are counted from the engine's events.  Each engine call is timed with
 * CLOCK_MONOTONIC; a call holding k decisions counts k samples of t/k.
 *
 * The linear baseline keeps its own plain arrays (agents with their skills,
 * waiting contacts), updated from the same events, and at every decision
 * scans all agents (for a contact) or all waiting contacts (for an agent),
 * the way engines without an index do.  Its choice is compared with the
 * engine's offer: they must agree on longest-idle queues (up to ties).
 *
 * Usage: acd_bench [--quick] [--sizes 1000,2000,...] [--decisions N]
 *                  [--seed S] [--no-linear]
 */
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <re.h>

#include "acd/acd.h"

#define NSKILLS_MAX      100
#define AGENT_SKILLS_MAX 8
#define MAX_OFFERS       4
#define START_MS         ((uint64_t)1000000000)

/* --- small helpers ------------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static size_t heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);
	if (!p) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	return p;
}

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double rng_u(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1p-53;
}

static uint32_t rng_n(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

static double rng_exp(struct rng *r, double mean)
{
	return -mean * log(1.0 - rng_u(r));
}

/* Index in a cumulative weight table. */
static uint32_t pick_cum(const double *cum, uint32_t n, double u)
{
	uint32_t lo = 0, hi = n - 1;
	double x = u * cum[n - 1];
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Pointer -> index map, open addressing, sized once. */
struct ptrmap {
	const void **k;
	int32_t *v;
	uint32_t mask;
};

static void ptrmap_init(struct ptrmap *m, uint32_t n)
{
	uint32_t sz = 16;
	while (sz < 2 * n)
		sz <<= 1;
	m->k = xcalloc(sz, sizeof(*m->k));
	m->v = xcalloc(sz, sizeof(*m->v));
	m->mask = sz - 1;
}

static uint32_t ptrmap_hash(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;
	return (uint32_t)((x * 0x9e3779b97f4a7c15ull) >> 32);
}

static void ptrmap_put(struct ptrmap *m, const void *p, int32_t v)
{
	uint32_t i = ptrmap_hash(p) & m->mask;
	while (m->k[i] && m->k[i] != p)
		i = (i + 1) & m->mask;
	m->k[i] = p;
	m->v[i] = v;
}

static int32_t ptrmap_get(const struct ptrmap *m, const void *p)
{
	uint32_t i;
	if (!p)
		return -1;
	for (i = ptrmap_hash(p) & m->mask; m->k[i]; i = (i + 1) & m->mask) {
		if (m->k[i] == p)
			return m->v[i];
	}
	return -1;
}

static void ptrmap_free(struct ptrmap *m)
{
	free(m->k);
	free(m->v);
}

/* --- the center ---------------------------------------------------------- */

static char skname[NSKILLS_MAX][16]; /* "s00".."s99", every tenant */

struct step {
	uint32_t after_ms;
	uint8_t n;     /* 0 = any agent of the tenant */
	uint8_t sk[2]; /* tenant-local skill index */
	uint8_t lvl[2];
};

struct bqueue {
	struct acd_queue *q;
	uint16_t tenant;
	enum acd_strategy strat;
	uint32_t ring_all_max;
	uint8_t nsteps;
	struct step step[3];
	/* configuration handed to the engine, kept alive for its lifetime */
	struct acd_skill_req req[3][2];
	struct acd_relax_step relax[2];
	char name[16];
};

/* The linear baseline's agent: plain data, one array. */
struct lagent {
	uint8_t avail;
	uint8_t nsk;
	uint16_t tenant;
	uint32_t today;
	uint64_t idle_since;
	uint64_t last_offer;
	uint8_t sk[AGENT_SKILLS_MAX];
	uint8_t lvl[AGENT_SKILLS_MAX];
};

struct bagent {
	struct acd_agent *a;
	uint16_t tenant;
	uint8_t on_break;
	uint32_t bgen;
	int32_t expect; /* linear's contact for a pending agent decision,
	                   -1 none found, -2 no decision pending */
	char id[12];
	struct acd_agent_skill cfg[AGENT_SKILLS_MAX];
};

enum cstate { C_FREE = 0, C_WAITING, C_OFFERED, C_CONNECTED };

struct bcontact {
	uint64_t id;
	uint32_t gen;
	uint8_t state;
	uint8_t step;
	uint8_t prio;
	uint8_t noff;
	uint16_t queue;
	uint16_t tenant;
	int32_t agent;
	int32_t off[MAX_OFFERS];
	int32_t lpos;     /* index in the linear waiting array, -1 */
	int32_t expect;   /* linear's agent for a pending contact decision */
	uint64_t arrival; /* the engine's ordering key (acd_contact_info) */
	int32_t next_free;
};

enum sev_type { S_ARRIVAL, S_ACCEPT, S_REJECT, S_COMPLETE, S_ABANDON, S_BACK };

struct sev {
	uint64_t t;
	uint32_t idx;
	uint32_t gen;
	int32_t aux;
	uint8_t type;
};

struct bev {
	enum acd_event_type type;
	uint64_t time;
	struct bcontact *c;
	const struct acd_agent *agent;
	const struct acd_queue *queue;
	enum acd_agent_state new_state;
	enum acd_end_reason end;
	enum acd_overflow_action action;
	uint8_t priority;
};

struct lat {
	uint32_t *v;
	size_t n, cap;
};

static void lat_add(struct lat *l, uint64_t ns)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 65536;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v)
			exit(2);
	}
	l->v[l->n++] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
}

static double lat_pct(struct lat *l, double p)
{
	size_t i;
	if (!l->n)
		return 0;
	i = (size_t)(p * (double)(l->n - 1) + 0.5);
	return l->v[i] / 1000.0;
}

struct run_cfg {
	uint32_t nagents;
	uint32_t ntenants;
	uint32_t nqueues; /* in all tenants */
	uint32_t nskills; /* per tenant */
	uint32_t target_wait;
	uint64_t decisions; /* measured decisions */
	uint64_t seed;
	bool linear;
};

struct run_res {
	uint64_t decisions, offers, calls;
	double engine_s;     /* sum of timed engine calls */
	double dec_engine_s; /* of those holding decisions */
	double p50, p99, p999, max;
	double lp50, lp99, lmean, emean;
	double bytes_agent, bytes_contact;
	double bytes_agent_cfg; /* of which acd_agent_add (logged out) */
	double cold_p50, cold_p99;
	double op50, op99;
	    /* decisions that made an offer */ /* engine interleaved with the
	                                          linear scan */
	bool replay_same; /* the linear pass saw the same events */
	double avg_wait, avg_busy;
	uint64_t agree, ties, disagree, untriggered, desync, errors;
	double virt_s, wall_s;
};

struct sim {
	const struct run_cfg *cfg;
	struct acd *acd;
	struct rng rng, lrng;
	uint64_t now;

	struct acd_tenant **tenants;
	struct bqueue *q;
	uint32_t nq;
	double *qcum; /* arrival weights, cumulative */
	double skill_cum[NSKILLS_MAX];

	struct bagent *ag;
	struct lagent *la;
	uint32_t na;
	struct ptrmap amap, qmap;

	struct bcontact *c;
	uint32_t ncap;
	int32_t free_head;

	int32_t *lwait; /* linear: waiting contacts (indices) */
	uint32_t nlwait;

	uint32_t waiting; /* harness count of waiting contacts */
	uint32_t connected;

	struct sev *heap;
	size_t nheap, heapcap;

	struct bev *ev;
	size_t nev, evcap;

	double lambda0; /* base arrivals per ms */
	bool filling;
	bool measuring;
	bool lin_on;
	int32_t cur_agent;
	    /* agent of the decision being judged */ /* the linear selector runs
	                                                (warm-up on) */

	struct lat elat, llat;
	struct lat olat; /* decisions in calls that made an offer */
	struct run_res *res;
	uint64_t wait_sum, busy_sum, samples;
	int bad_prints;
};

/* --- harness event heap -------------------------------------------------- */

static void heap_push(struct sim *s, uint64_t t, uint8_t type, uint32_t idx,
                      uint32_t gen, int32_t aux)
{
	size_t i;
	if (s->nheap == s->heapcap) {
		s->heapcap = s->heapcap ? 2 * s->heapcap : 1024;
		s->heap = realloc(s->heap, s->heapcap * sizeof(*s->heap));
		if (!s->heap)
			exit(2);
	}
	i = s->nheap++;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (s->heap[p].t <= t)
			break;
		s->heap[i] = s->heap[p];
		i = p;
	}
	s->heap[i] = (struct sev){t, idx, gen, aux, type};
}

static struct sev heap_pop(struct sim *s)
{
	struct sev top = s->heap[0], last = s->heap[--s->nheap];
	size_t i = 0, n = s->nheap;
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l >= n)
			break;
		m = (l + 1 < n && s->heap[l + 1].t < s->heap[l].t) ? l + 1 : l;
		if (last.t <= s->heap[m].t)
			break;
		s->heap[i] = s->heap[m];
		i = m;
	}
	if (n)
		s->heap[i] = last;
	return top;
}

/* --- engine callbacks ---------------------------------------------------- */

static uint64_t sim_clock(void *arg)
{
	return ((struct sim *)arg)->now;
}

/* Copies the event and nothing else: the harness work is done after the
 * timed call so it is not billed to the engine. */
static void sim_event(const struct acd_event *ev, void *arg)
{
	struct sim *s = arg;
	struct bev *b;
	if (s->nev == s->evcap) {
		s->evcap *= 2;
		s->ev = realloc(s->ev, s->evcap * sizeof(*s->ev));
		if (!s->ev)
			exit(2);
	}
	b = &s->ev[s->nev++];
	b->type = ev->type;
	b->time = ev->time;
	b->c = ev->owner;
	b->agent = ev->agent;
	b->queue = ev->queue;
	b->new_state = ev->new_state;
	b->end = ev->end;
	b->action = ev->action;
	b->priority = ev->priority;
}

/* --- the linear-scan selector --------------------------------------------- */

static bool lin_eligible(const struct lagent *a, const struct step *st)
{
	unsigned i, j;
	for (i = 0; i < st->n; i++) {
		for (j = 0; j < a->nsk; j++) {
			if (a->sk[j] == st->sk[i])
				break;
		}
		if (j == a->nsk || a->lvl[j] < st->lvl[i])
			return false;
	}
	return true;
}

static unsigned lin_skill_sum(const struct lagent *a, const struct step *st)
{
	unsigned i, j, sum = 0;
	for (i = 0; i < st->n; i++)
		for (j = 0; j < a->nsk; j++)
			if (a->sk[j] == st->sk[i])
				sum += a->lvl[j];
	return sum;
}

/* true if agent x is a better choice than y for the strategy */
static bool lin_better(const struct sim *s, enum acd_strategy strat,
                       const struct step *st, int32_t x, int32_t y)
{
	const struct lagent *a = &s->la[x], *b = &s->la[y];
	switch (strat) {
	case ACD_STRAT_FEWEST_CONTACTS:
		if (a->today != b->today)
			return a->today < b->today;
		break;
	case ACD_STRAT_ROUND_ROBIN:
		if (a->last_offer != b->last_offer)
			return a->last_offer < b->last_offer;
		break;
	case ACD_STRAT_BEST_SKILL: {
		unsigned sa = lin_skill_sum(a, st), sb = lin_skill_sum(b, st);
		if (sa != sb)
			return sa > sb;
		break;
	}
	default:
		break;
	}
	return a->idle_since < b->idle_since;
}

/* Best available agent for contact c, scanning every agent; -1 if none. */
static int32_t lin_pick_agent(struct sim *s, const struct bcontact *c)
{
	const struct bqueue *q = &s->q[c->queue];
	const struct step *st = &q->step[c->step];
	int32_t best = -1;
	uint32_t i, seen = 0;

	for (i = 0; i < s->na; i++) {
		const struct lagent *a = &s->la[i];
		if (!a->avail || a->tenant != q->tenant)
			continue;
		if (!lin_eligible(a, st))
			continue;
		if (q->strat == ACD_STRAT_RANDOM) {
			if (rng_n(&s->lrng, ++seen) == 0)
				best = (int32_t)i;
			continue;
		}
		if (best < 0 || lin_better(s, q->strat, st, (int32_t)i, best))
			best = (int32_t)i;
	}
	return best;
}

static bool lin_contact_before(const struct bcontact *a,
                               const struct bcontact *b)
{
	if (a->prio != b->prio)
		return a->prio > b->prio;
	if (a->arrival != b->arrival)
		return a->arrival < b->arrival;
	return a->id < b->id;
}

/* Best waiting contact for agent ai, scanning every waiting contact. */
static int32_t lin_pick_contact(struct sim *s, int32_t ai)
{
	const struct lagent *a = &s->la[ai];
	int32_t best = -1;
	uint32_t i;

	for (i = 0; i < s->nlwait; i++) {
		const struct bcontact *c = &s->c[s->lwait[i]];
		const struct bqueue *q = &s->q[c->queue];
		if (q->tenant != a->tenant)
			continue;
		if (!lin_eligible(a, &q->step[c->step]))
			continue;
		if (best < 0 || lin_contact_before(c, &s->c[best]))
			best = s->lwait[i];
	}
	return best;
}

static void lwait_add(struct sim *s, struct bcontact *c)
{
	if (c->lpos >= 0)
		return;
	c->lpos = (int32_t)s->nlwait;
	s->lwait[s->nlwait++] = (int32_t)(c - s->c);
}

static void lwait_del(struct sim *s, struct bcontact *c)
{
	int32_t last;
	if (c->lpos < 0)
		return;
	last = s->lwait[--s->nlwait];
	s->lwait[c->lpos] = last;
	s->c[last].lpos = c->lpos;
	c->lpos = -1;
}

/* --- contacts and agents of the harness ------------------------------------
 */

static struct bcontact *contact_new(struct sim *s)
{
	struct bcontact *c;
	if (s->free_head < 0) {
		fprintf(stderr, "contact pool exhausted\n");
		exit(2);
	}
	c = &s->c[s->free_head];
	s->free_head = c->next_free;
	c->state = C_FREE; /* the caller sets the first state */
	c->noff = 0;
	c->agent = -1;
	c->lpos = -1;
	c->expect = -2;
	c->step = 0;
	return c;
}

static void contact_set_state(struct sim *s, struct bcontact *c, uint8_t st)
{
	if (c->state == C_WAITING)
		s->waiting--;
	if (c->state == C_CONNECTED)
		s->connected--;
	c->state = st;
	if (st == C_WAITING)
		s->waiting++;
	if (st == C_CONNECTED)
		s->connected++;
}

static void contact_free(struct sim *s, struct bcontact *c)
{
	contact_set_state(s, c, C_FREE);
	lwait_del(s, c);
	c->gen++;
	c->noff = 0;
	c->next_free = s->free_head;
	s->free_head = (int32_t)(c - s->c);
}

static void off_del(struct bcontact *c, int32_t ai)
{
	unsigned i;
	for (i = 0; i < c->noff; i++) {
		if (c->off[i] == ai) {
			c->off[i] = c->off[--c->noff];
			return;
		}
	}
}

static bool off_has(const struct bcontact *c, int32_t ai)
{
	unsigned i;
	for (i = 0; i < c->noff; i++)
		if (c->off[i] == ai)
			return true;
	return false;
}

/* The relaxation step a contact waiting since its arrival has reached. */
static uint8_t step_at(const struct sim *s, const struct bcontact *c,
                       uint64_t now)
{
	const struct bqueue *q = &s->q[c->queue];
	uint8_t st = 0;
	while (st + 1 < q->nsteps &&
	       now >= c->arrival + q->step[st + 1].after_ms)
		st++;
	return st;
}

/* --- comparing the two selectors ------------------------------------------ */

static void report_bad(struct sim *s, const char *what, long x, long y)
{
	if (s->bad_prints++ < 5)
		fprintf(stderr,
		        "  [disagree] t=%" PRIu64 " %s: linear %ld, "
		        "engine %ld\n",
		        s->now - START_MS, what, x, y);
}

static void describe_contact(const struct sim *s, long i, int32_t ai)
{
	const struct bcontact *c;
	if (i < 0 || s->bad_prints > 5)
		return;
	c = &s->c[i];
	fprintf(stderr,
	        "    contact %ld: queue %u step %u (by time %u) prio %u"
	        " arrival %" PRIu64 " state %u, agent %d eligible %d\n",
	        i, c->queue, c->step, step_at(s, c, s->now), c->prio,
	        c->arrival - START_MS, c->state, ai,
	        ai >= 0 &&
	            lin_eligible(&s->la[ai], &s->q[c->queue].step[c->step]));
}

/* Contact decision: linear chose agent x, the engine offered y (-1: none). */
static void judge_contact(struct sim *s, struct bcontact *c, int32_t x,
                          int32_t y)
{
	const struct bqueue *q = &s->q[c->queue];
	if (q->strat != ACD_STRAT_LONGEST_IDLE)
		return;
	if (x == y)
		s->res->agree++;
	else if (x >= 0 && y >= 0 && s->la[x].idle_since == s->la[y].idle_since)
		s->res->ties++;
	else {
		s->res->disagree++;
		report_bad(s, "agent for contact", x, y);
	}
}

static void judge_agent(struct sim *s, int32_t x, int32_t y)
{
	if (x == y)
		s->res->agree++;
	else if (x >= 0 && y >= 0 && s->c[x].prio == s->c[y].prio &&
	         s->c[x].arrival == s->c[y].arrival)
		s->res->ties++;
	else {
		s->res->disagree++;
		report_bad(s, "contact for agent", x, y);
		describe_contact(s, x, s->cur_agent);
		describe_contact(s, y, s->cur_agent);
	}
}

/* --- after every engine call --------------------------------------------- */

static bool is_trigger(const struct bev *e)
{
	return e->type == ACD_EV_CONTACT_QUEUED ||
	       e->type == ACD_EV_CONTACT_REQUEUED ||
	       e->type == ACD_EV_CONTACT_RELAXED ||
	       (e->type == ACD_EV_AGENT_STATE &&
	        e->new_state == ACD_AGENT_AVAILABLE);
}

static void lin_time_contact(struct sim *s, struct bcontact *c)
{
	uint64_t t0, t1;
	if (!s->lin_on)
		return;
	t0 = now_ns();
	c->expect = lin_pick_agent(s, c);
	t1 = now_ns();
	if (s->measuring)
		lat_add(&s->llat, t1 - t0);
}

static void lin_time_agent(struct sim *s, int32_t ai)
{
	uint64_t t0, t1;
	if (!s->lin_on)
		return;
	t0 = now_ns();
	s->ag[ai].expect = lin_pick_contact(s, ai);
	t1 = now_ns();
	if (s->measuring)
		lat_add(&s->llat, t1 - t0);
}

static void schedule_offer_answer(struct sim *s, struct bcontact *c, int32_t ai)
{
	uint64_t ring = 1000 + rng_n(&s->rng, 4000);
	bool reject =
	    s->q[c->queue].strat != ACD_STRAT_RING_ALL && rng_u(&s->rng) < 0.01;
	heap_push(s, s->now + ring, reject ? S_REJECT : S_ACCEPT,
	          (uint32_t)(c - s->c), c->gen, ai);
}

static void process_events(struct sim *s)
{
	struct acd_agent_info ai_info;
	size_t i;

	for (i = 0; i < s->nev; i++) {
		struct bev *e = &s->ev[i];
		struct bcontact *c = e->c;
		int32_t ai = ptrmap_get(&s->amap, e->agent);
		int32_t qi = ptrmap_get(&s->qmap, e->queue);

		switch (e->type) {
		case ACD_EV_CONTACT_QUEUED:
		case ACD_EV_CONTACT_REQUEUED:
			if (!c)
				break;
			if (qi >= 0 && (uint16_t)qi != c->queue) {
				c->queue = (uint16_t)qi;
				c->step = 0;
			}
			if (e->type == ACD_EV_CONTACT_QUEUED)
				c->arrival = e->time; /* entry in this queue */
			/* a requeued contact may have passed steps meanwhile */
			c->step = step_at(s, c, e->time);
			c->prio = e->priority;
			contact_set_state(s, c, C_WAITING);
			lwait_add(s, c);
			lin_time_contact(s, c);
			break;
		case ACD_EV_CONTACT_RELAXED:
			if (!c)
				break;
			c->step = step_at(s, c, e->time);
			if (c->state == C_WAITING)
				lin_time_contact(s, c);
			break;
		case ACD_EV_AGENT_STATE:
			if (ai < 0)
				break;
			s->la[ai].avail = e->new_state == ACD_AGENT_AVAILABLE;
			if (e->new_state == ACD_AGENT_AVAILABLE) {
				acd_agent_info(s->ag[ai].a, &ai_info);
				s->la[ai].idle_since = ai_info.idle_since;
				s->la[ai].today = ai_info.contacts_today;
				lin_time_agent(s, ai);
			}
			break;
		case ACD_EV_CONTACT_OFFERED:
			if (!c || ai < 0)
				break;
			if (s->lin_on) {
				if (c->expect == -1 && s->ag[ai].expect != -2) {
					/* The contact found no agent when it
					 * became routable; an agent freed
					 * later in the same call took it: the
					 * agent's decision made this offer. */
					judge_contact(s, c, -1, -1);
					c->expect = -2;
				}
				if (c->expect != -2) {
					judge_contact(s, c, c->expect, ai);
					c->expect = -2;
				} else if (s->ag[ai].expect != -2) {
					s->cur_agent = ai;
					judge_agent(s, s->ag[ai].expect,
					            (int32_t)(c - s->c));
					s->ag[ai].expect = -2;
				} else if (s->q[c->queue].strat !=
				           ACD_STRAT_RING_ALL) {
					s->res->untriggered++;
				}
			}
			if (s->ag[ai].expect != -2) {
				/* a contact-side decision used this agent */
				s->ag[ai].expect = -2;
			}
			contact_set_state(s, c, C_OFFERED);
			lwait_del(s, c);
			if (c->noff < MAX_OFFERS)
				c->off[c->noff++] = ai;
			s->la[ai].avail = 0;
			s->la[ai].last_offer = e->time;
			if (s->measuring)
				s->res->offers++;
			schedule_offer_answer(s, c, ai);
			break;
		case ACD_EV_OFFER_ENDED:
			if (c && ai >= 0)
				off_del(c, ai);
			break;
		case ACD_EV_CONTACT_ACCEPTED:
			if (!c)
				break;
			c->noff = 0;
			c->agent = ai;
			c->gen++;
			contact_set_state(s, c, C_CONNECTED);
			lwait_del(s, c);
			if (ai >= 0)
				s->la[ai].today++;
			heap_push(s,
			          s->now + 30000 +
			              (uint64_t)rng_exp(&s->rng, 150000),
			          S_COMPLETE, (uint32_t)(c - s->c), c->gen, 0);
			break;
		case ACD_EV_CONTACT_OVERFLOWED:
			if (c && e->action == ACD_OVERFLOW_QUEUE)
				break; /* QUEUED follows */
			               /* fall through */
		case ACD_EV_CONTACT_ABANDONED:
		case ACD_EV_CONTACT_COMPLETED:
		case ACD_EV_CONTACT_REMOVED:
			if (c && c->state != C_FREE)
				contact_free(s, c);
			break;
		default:
			break;
		}
	}

	/* Decisions where the engine offered nothing. */
	if (s->lin_on) {
		for (i = 0; i < s->nev; i++) {
			struct bev *e = &s->ev[i];
			struct bcontact *c = e->c;
			int32_t ai = ptrmap_get(&s->amap, e->agent);
			if (!is_trigger(e))
				continue;
			if (e->type == ACD_EV_AGENT_STATE) {
				if (ai >= 0 && s->ag[ai].expect != -2) {
					s->cur_agent = ai;
					judge_agent(s, s->ag[ai].expect, -1);
					s->ag[ai].expect = -2;
				}
			} else if (c && c->expect != -2) {
				judge_contact(s, c, c->expect, -1);
				c->expect = -2;
			}
		}
	}

	/* The final states must match what the events said. */
	for (i = 0; i < s->nev; i++) {
		int32_t ai = ptrmap_get(&s->amap, s->ev[i].agent);
		bool avail;
		if (ai < 0)
			continue;
		avail = acd_agent_state(s->ag[ai].a) == ACD_AGENT_AVAILABLE;
		if (avail != (bool)s->la[ai].avail) {
			s->res->desync++;
			s->la[ai].avail = avail;
		}
	}
	s->nev = 0;
}

/* Bill one engine call and digest its events. */
static void after_call(struct sim *s, uint64_t ns)
{
	size_t i, k = 0, offers = 0;
	for (i = 0; i < s->nev; i++) {
		k += is_trigger(&s->ev[i]);
		offers += s->ev[i].type == ACD_EV_CONTACT_OFFERED;
	}
	if (s->measuring) {
		s->res->calls++;
		s->res->engine_s += (double)ns * 1e-9;
		if (k) {
			s->res->decisions += k;
			s->res->dec_engine_s += (double)ns * 1e-9;
			for (i = 0; i < k; i++)
				lat_add(&s->elat, ns / k);
			if (offers)
				for (i = 0; i < k; i++)
					lat_add(&s->olat, ns / k);
		}
	}
	process_events(s);
}

static void call_failed(struct sim *s, const char *what, int err)
{
	s->res->errors++;
	if (s->res->errors <= 5)
		fprintf(stderr, "  [error] %s: %s (%s)\n", what, strerror(err),
		        acd_last_error(s->acd));
}

/* --- building the center ------------------------------------------------- */

static void build_center(struct sim *s)
{
	const struct run_cfg *cfg = s->cfg;
	uint32_t t, i, j, qpt = cfg->nqueues / cfg->ntenants;
	double acc = 0;
	char name[32];
	int err;

	for (i = 0; i < cfg->nskills; i++) {
		snprintf(skname[i], sizeof(skname[i]), "s%02u", i);
		acc += 1.0 / (i + 1.0);
		s->skill_cum[i] = acc;
	}

	s->tenants = xcalloc(cfg->ntenants, sizeof(*s->tenants));
	s->nq = qpt * cfg->ntenants;
	s->q = xcalloc(s->nq, sizeof(*s->q));
	s->qcum = xcalloc(s->nq, sizeof(*s->qcum));
	ptrmap_init(&s->qmap, s->nq);
	acc = 0;

	for (t = 0; t < cfg->ntenants; t++) {
		snprintf(name, sizeof(name), "t%u", t);
		err = acd_tenant_add(s->acd, name, &s->tenants[t]);
		if (err) {
			fprintf(stderr, "tenant_add: %s\n", strerror(err));
			exit(1);
		}
		for (i = 0; i < cfg->nskills; i++) {
			snprintf(name, sizeof(name), "s%02u", i);
			acd_skill_add(s->tenants[t], name);
		}
		for (j = 0; j < qpt; j++) {
			struct bqueue *q = &s->q[t * qpt + j];
			struct acd_queue_cfg qc;
			double u = rng_u(&s->rng);
			unsigned k, n = rng_u(&s->rng) < 0.8 ? 1 : 2;

			memset(&qc, 0, sizeof(qc));
			q->tenant = (uint16_t)t;
			snprintf(q->name, sizeof(q->name), "q%04u", j);
			q->step[0].n = (uint8_t)n;
			for (k = 0; k < n; k++) {
				uint8_t sk;
				do {
					sk = (uint8_t)pick_cum(s->skill_cum,
					                       cfg->nskills,
					                       rng_u(&s->rng));
				} while (k == 1 && sk == q->step[0].sk[0]);
				q->step[0].sk[k] = sk;
				q->step[0].lvl[k] =
				    (uint8_t)(1 + rng_n(&s->rng, 5));
				q->req[0][k].skill = skname[sk];
				q->req[0][k].min_level = q->step[0].lvl[k];
			}
			q->nsteps = 1;
			if (j > 0 && rng_u(&s->rng) < 0.3) {
				q->nsteps = 3;
				q->step[1] = q->step[0];
				q->step[1].after_ms = 30000;
				for (k = 0; k < n; k++) {
					q->step[1].lvl[k] = 1;
					q->req[1][k] = q->req[0][k];
					q->req[1][k].min_level = 1;
				}
				q->step[2].after_ms = 60000;
				q->step[2].n = 0;
				q->relax[0].after_s = 30;
				q->relax[0].reqs.v = q->req[1];
				q->relax[0].reqs.n = n;
				q->relax[1].after_s = 60;
				q->relax[1].reqs.n = 0;
				qc.relax = q->relax;
				qc.nrelax = 2;
			}
			if (u < 0.70)
				q->strat = ACD_STRAT_LONGEST_IDLE;
			else if (u < 0.78)
				q->strat = ACD_STRAT_FEWEST_CONTACTS;
			else if (u < 0.85)
				q->strat = ACD_STRAT_ROUND_ROBIN;
			else if (u < 0.93)
				q->strat = ACD_STRAT_BEST_SKILL;
			else if (u < 0.97)
				q->strat = ACD_STRAT_RANDOM;
			else
				q->strat = ACD_STRAT_RING_ALL;
			if (j == 0)
				q->strat = ACD_STRAT_LONGEST_IDLE;
			qc.name = q->name;
			qc.channel = ACD_CH_VOICE;
			qc.reqs.v = q->req[0];
			qc.reqs.n = n;
			qc.strategy = q->strat;
			qc.ring_all_max = q->ring_all_max =
			    q->strat == ACD_STRAT_RING_ALL ? 3 : 0;
			qc.wrapup_s =
			    (uint32_t[]){0, 5, 10, 30}[rng_n(&s->rng, 4)];
			if (j > 0 && rng_u(&s->rng) < 0.15) {
				qc.max_wait_s = 300;
				if (rng_u(&s->rng) < 0.5) {
					qc.overflow = ACD_OVERFLOW_VOICEMAIL;
					qc.overflow_target = "vm";
				} else {
					qc.overflow = ACD_OVERFLOW_QUEUE;
					qc.overflow_target = "q0000";
				}
			}
			err = acd_queue_add(s->tenants[t], &qc, &q->q);
			if (err) {
				fprintf(stderr, "queue_add: %s (%s)\n",
				        strerror(err), acd_last_error(s->acd));
				exit(1);
			}
			ptrmap_put(&s->qmap, q->q, (int32_t)(t * qpt + j));
			/* traffic follows the popularity of the skill */
			acc += (1.0 / (q->step[0].sk[0] + 1.0)) *
			       (0.5 + rng_u(&s->rng));
			s->qcum[t * qpt + j] = acc;
		}
		err = acd_tenant_check_config(s->tenants[t]);
		if (err) {
			fprintf(stderr, "check_config: %s (%s)\n",
			        strerror(err), acd_last_error(s->acd));
			exit(1);
		}
	}
}

static void add_agents(struct sim *s)
{
	const struct run_cfg *cfg = s->cfg;
	uint32_t i, k;
	int err;

	/* configurations first, so that the memory measured is the engine's */
	for (i = 0; i < s->na; i++) {
		struct bagent *b = &s->ag[i];
		struct lagent *l = &s->la[i];
		unsigned n = 3 + rng_n(&s->rng, 6);
		b->tenant = l->tenant = (uint16_t)(i % cfg->ntenants);
		b->expect = -2;
		snprintf(b->id, sizeof(b->id), "%05u", i);
		l->nsk = 0;
		while (l->nsk < n) {
			uint8_t sk = (uint8_t)pick_cum(
			    s->skill_cum, cfg->nskills, rng_u(&s->rng));
			for (k = 0; k < l->nsk; k++)
				if (l->sk[k] == sk)
					break;
			if (k < l->nsk)
				continue;
			l->sk[l->nsk] = sk;
			l->lvl[l->nsk] = (uint8_t)(1 + rng_n(&s->rng, 10));
			b->cfg[l->nsk].skill = skname[sk];
			b->cfg[l->nsk].level = l->lvl[l->nsk];
			l->nsk++;
		}
	}
	for (i = 0; i < s->na; i++) {
		struct bagent *b = &s->ag[i];
		struct acd_agent_cfg ac;
		memset(&ac, 0, sizeof(ac));
		ac.id = b->id;
		ac.skills = b->cfg;
		ac.nskills = s->la[i].nsk;
		err = acd_agent_add(s->tenants[b->tenant], &ac, &b->a);
		if (err) {
			fprintf(stderr, "agent_add: %s (%s)\n", strerror(err),
			        acd_last_error(s->acd));
			exit(1);
		}
		ptrmap_put(&s->amap, b->a, (int32_t)i);
	}
}

/* --- the simulated day --------------------------------------------------- */

static void timed_presence(struct sim *s, int32_t ai, enum acd_presence p,
                           const char *reason)
{
	uint64_t t0 = now_ns();
	int err = acd_agent_set_presence(s->ag[ai].a, p, reason);
	uint64_t t1 = now_ns();
	if (err)
		call_failed(s, "set_presence", err);
	after_call(s, t1 - t0);
}

static void do_arrival(struct sim *s)
{
	const struct run_cfg *cfg = s->cfg;
	struct acd_contact_params p;
	struct bcontact *c;
	double rate = s->lambda0, u;
	uint64_t t0, t1;
	uint32_t qi;
	int err;

	if (s->filling)
		rate *= 20;
	else
		rate *= 1.0 +
		        2.0 * ((double)cfg->target_wait - (double)s->waiting) /
		            (double)cfg->target_wait;
	if (rate < s->lambda0 * 0.2)
		rate = s->lambda0 * 0.2;
	heap_push(s, s->now + 1 + (uint64_t)rng_exp(&s->rng, 1.0 / rate),
	          S_ARRIVAL, 0, 0, 0);

	if (s->measuring) {
		s->wait_sum += s->waiting;
		s->busy_sum += s->connected;
		s->samples++;
	}

	qi = pick_cum(s->qcum, s->nq, rng_u(&s->rng));
	c = contact_new(s);
	c->queue = (uint16_t)qi;
	c->tenant = s->q[qi].tenant;
	u = rng_u(&s->rng);
	memset(&p, 0, sizeof(p));
	p.channel = ACD_CH_VOICE;
	p.queue = s->q[qi].q;
	p.priority = u < 0.90 ? 0 : u < 0.98 ? 5 : 9;
	p.owner = c;
	c->prio = p.priority;
	contact_set_state(s, c, C_WAITING);

	t0 = now_ns();
	err = acd_contact_add(s->acd, &p, &c->id);
	t1 = now_ns();
	if (err) {
		call_failed(s, "contact_add", err);
		contact_free(s, c);
		s->nev = 0;
		return;
	}
	after_call(s, t1 - t0);
	if (c->state != C_FREE)
		heap_push(s, s->now + 1000 + (uint64_t)rng_exp(&s->rng, 400000),
		          S_ABANDON, (uint32_t)(c - s->c), c->gen, 0);
}

static void do_answer(struct sim *s, const struct sev *e, bool accept)
{
	struct bcontact *c = &s->c[e->idx];
	int32_t ai = e->aux;
	uint64_t t0, t1;
	int err;

	if (c->state != C_OFFERED || !off_has(c, ai))
		return;
	t0 = now_ns();
	if (accept)
		err = acd_contact_accept(s->acd, c->id, s->ag[ai].a);
	else
		err = acd_contact_reject(s->acd, c->id, s->ag[ai].a);
	t1 = now_ns();
	if (err)
		call_failed(s, accept ? "accept" : "reject", err);
	after_call(s, t1 - t0);
	if (!accept && !err) {
		s->ag[ai].on_break = 1;
		heap_push(s, s->now + 20000, S_BACK, (uint32_t)ai,
		          ++s->ag[ai].bgen, 0);
	}
}

static void do_complete(struct sim *s, const struct sev *e)
{
	struct bcontact *c = &s->c[e->idx];
	int32_t ai = c->agent;
	uint64_t t0, t1;
	int err;

	if (c->gen != e->gen || c->state != C_CONNECTED)
		return;
	if (rng_u(&s->rng) < 0.02) {
		/* blind transfer to another queue of the tenant */
		uint32_t qpt = s->nq / s->cfg->ntenants;
		uint32_t qi = c->tenant * qpt + rng_n(&s->rng, qpt);
		c->gen++;
		t0 = now_ns();
		err = acd_contact_transfer(s->acd, c->id, s->q[qi].q);
		t1 = now_ns();
		if (err)
			call_failed(s, "transfer", err);
		after_call(s, t1 - t0);
		if (c->state != C_FREE && c->state != C_CONNECTED)
			heap_push(s,
			          s->now + 1000 +
			              (uint64_t)rng_exp(&s->rng, 400000),
			          S_ABANDON, (uint32_t)(c - s->c), c->gen, 0);
	} else {
		t0 = now_ns();
		err = acd_contact_complete(s->acd, c->id);
		t1 = now_ns();
		if (err)
			call_failed(s, "complete", err);
		after_call(s, t1 - t0);
	}
	if (ai >= 0 && !s->ag[ai].on_break && rng_u(&s->rng) < 0.03) {
		s->ag[ai].on_break = 1;
		timed_presence(s, ai, ACD_PRESENCE_NOT_READY, "break");
		heap_push(s, s->now + 300000 + rng_n(&s->rng, 600000), S_BACK,
		          (uint32_t)ai, ++s->ag[ai].bgen, 0);
	}
}

static void do_abandon(struct sim *s, const struct sev *e)
{
	struct bcontact *c = &s->c[e->idx];
	uint64_t t0, t1;
	int err;

	if (c->gen != e->gen ||
	    (c->state != C_WAITING && c->state != C_OFFERED))
		return;
	t0 = now_ns();
	err = acd_contact_abandon(s->acd, c->id);
	t1 = now_ns();
	if (err)
		call_failed(s, "abandon", err);
	after_call(s, t1 - t0);
}

static void do_back(struct sim *s, const struct sev *e)
{
	struct bagent *b = &s->ag[e->idx];
	if (b->bgen != e->gen || !b->on_break)
		return;
	b->on_break = 0;
	timed_presence(s, (int32_t)e->idx, ACD_PRESENCE_AVAILABLE, NULL);
}

static void sim_step(struct sim *s)
{
	uint64_t dl = acd_next_deadline(s->acd);
	struct sev e;

	if (dl != ACD_NONE && (s->nheap == 0 || dl <= s->heap[0].t)) {
		uint64_t t0, t1;
		static unsigned stuck;
		if (dl > s->now)
			s->now = dl;
		t0 = now_ns();
		acd_run_timers(s->acd);
		t1 = now_ns();
		after_call(s, t1 - t0);
		if (acd_next_deadline(s->acd) == dl && s->nev == 0) {
			if (++stuck > 1000) {
				fprintf(stderr,
				        "acd_run_timers() leaves "
				        "deadline %" PRIu64 " at now %" PRIu64
				        "\n",
				        dl, s->now);
				exit(1);
			}
		} else {
			stuck = 0;
		}
		return;
	}
	e = heap_pop(s);
	if (e.t > s->now)
		s->now = e.t;
	switch (e.type) {
	case S_ARRIVAL:
		do_arrival(s);
		break;
	case S_ACCEPT:
		do_answer(s, &e, true);
		break;
	case S_REJECT:
		do_answer(s, &e, false);
		break;
	case S_COMPLETE:
		do_complete(s, &e);
		break;
	case S_ABANDON:
		do_abandon(s, &e);
		break;
	case S_BACK:
		do_back(s, &e);
		break;
	}
}

/* --- one size ------------------------------------------------------------ */

static void run_one(const struct run_cfg *cfg, struct run_res *res)
{
	struct sim *s = xcalloc(1, sizeof(*s));
	struct acd_opts opts;
	size_t m0, m1;
	uint64_t wall0 = now_ns(), virt0, i;
	int err;

	memset(res, 0, sizeof(*res));
	s->cfg = cfg;
	s->res = res;
	s->rng.s = cfg->seed;
	s->lrng.s = cfg->seed ^ 0x5555;
	s->now = START_MS;
	s->na = cfg->nagents;
	s->ag = xcalloc(s->na, sizeof(*s->ag));
	s->la = xcalloc(s->na, sizeof(*s->la));
	ptrmap_init(&s->amap, s->na);
	s->ncap = 2 * (s->na + cfg->target_wait) + 1024;
	s->c = xcalloc(s->ncap, sizeof(*s->c));
	s->lwait = xcalloc(s->ncap, sizeof(*s->lwait));
	for (i = 0; i < s->ncap; i++) {
		s->c[i].next_free = i + 1 < s->ncap ? (int32_t)(i + 1) : -1;
		s->c[i].lpos = -1;
	}
	s->free_head = 0;
	s->evcap = 65536;
	s->ev = xcalloc(s->evcap, sizeof(*s->ev));
	s->heapcap = 4 * s->ncap;
	s->heap = xcalloc(s->heapcap, sizeof(*s->heap));
	s->elat.cap = s->llat.cap = cfg->decisions + 1024;
	s->elat.v = xcalloc(s->elat.cap, sizeof(uint32_t));
	s->llat.v = xcalloc(s->llat.cap, sizeof(uint32_t));

	memset(&opts, 0, sizeof(opts));
	opts.clock = sim_clock;
	opts.clock_arg = s;
	opts.seed = (uint32_t)cfg->seed;
	err = acd_alloc(&s->acd, &opts);
	if (err) {
		fprintf(stderr, "acd_alloc: %s\n", strerror(err));
		exit(1);
	}
	err = acd_subscribe(s->acd, sim_event, s);
	if (err)
		exit(1);
	build_center(s);

	/* Agents: configuration and login, with no contact in the engine. */
	m0 = heap_bytes();
	add_agents(s);
	res->bytes_agent_cfg = (double)(heap_bytes() - m0) / s->na;
	for (i = 0; i < s->na; i++) {
		s->now++; /* distinct idle times: no ties at the start */
		timed_presence(s, (int32_t)i, ACD_PRESENCE_AVAILABLE, NULL);
	}
	m1 = heap_bytes();
	res->bytes_agent = (double)(m1 - m0) / s->na;

	/* 180 s talk, ~15 s wrap-up, ~3 s ring: slightly overloaded */
	s->lambda0 = cfg->nagents / 198000.0 * 1.05;

	/* Waiting contacts: every agent on a break, then fill the queues. */
	for (i = 0; i < s->na; i++)
		timed_presence(s, (int32_t)i, ACD_PRESENCE_NOT_READY, "brief");
	m0 = heap_bytes();
	for (i = 0; i < cfg->target_wait; i++) {
		s->now += 2;
		do_arrival(s);
	}
	m1 = heap_bytes();
	res->bytes_contact = (double)(m1 - m0) / cfg->target_wait;
	/* the arrivals above scheduled their successors; keep one */
	s->nheap = 0;
	for (i = 0; i < s->ncap; i++)
		if (s->c[i].state == C_WAITING)
			heap_push(s,
			          s->now + 1000 +
			              (uint64_t)rng_exp(&s->rng, 400000),
			          S_ABANDON, (uint32_t)i, s->c[i].gen, 0);

	/* Shift start: agents come back over a minute. */
	for (i = 0; i < s->na; i++) {
		s->ag[i].on_break = 1;
		heap_push(s, s->now + 1 + rng_n(&s->rng, 60000), S_BACK,
		          (uint32_t)i, ++s->ag[i].bgen, 0);
	}
	heap_push(s, s->now + 1, S_ARRIVAL, 0, 0, 0);
	s->filling = true;
	while (s->waiting < cfg->target_wait || s->now < START_MS + 600000 ||
	       s->connected < cfg->nagents / 2) {
		sim_step(s);
		if (s->waiting >= cfg->target_wait)
			s->filling = false;
		if (s->now > START_MS + 7200000)
			break;
	}
	s->filling = false;

	/* Warm-up, then the measured part. */
	virt0 = s->now;
	res->decisions = 0;
	s->measuring = true;
	s->lin_on = cfg->linear;
	while (res->decisions < cfg->decisions / 5)
		sim_step(s);
	{
		struct run_res keep = *res;
		memset(res, 0, sizeof(*res));
		res->bytes_agent = keep.bytes_agent;
		res->bytes_agent_cfg = keep.bytes_agent_cfg;
		res->bytes_contact = keep.bytes_contact;
		res->errors = keep.errors;
		s->elat.n = s->llat.n = s->olat.n = 0;
		s->wait_sum = s->busy_sum = s->samples = 0;
		s->bad_prints = 0;
	}
	virt0 = s->now;
	while (res->decisions < cfg->decisions)
		sim_step(s);
	s->measuring = false;
	res->virt_s = (double)(s->now - virt0) / 1000.0;

	err = acd_check(s->acd);
	if (err)
		fprintf(stderr, "  acd_check: %s\n", acd_last_error(s->acd));

	qsort(s->elat.v, s->elat.n, sizeof(uint32_t), cmp_u32);
	qsort(s->llat.v, s->llat.n, sizeof(uint32_t), cmp_u32);
	qsort(s->olat.v, s->olat.n, sizeof(uint32_t), cmp_u32);
	res->op50 = lat_pct(&s->olat, 0.50);
	res->op99 = lat_pct(&s->olat, 0.99);
	res->p50 = lat_pct(&s->elat, 0.50);
	res->p99 = lat_pct(&s->elat, 0.99);
	res->p999 = lat_pct(&s->elat, 0.999);
	res->max = lat_pct(&s->elat, 1.0);
	res->emean = res->decisions
	                 ? res->dec_engine_s * 1e6 / (double)res->decisions
	                 : 0;
	res->lp50 = lat_pct(&s->llat, 0.50);
	res->lp99 = lat_pct(&s->llat, 0.99);
	{
		double sum = 0;
		for (i = 0; i < s->llat.n; i++)
			sum += s->llat.v[i];
		res->lmean = s->llat.n ? sum / (double)s->llat.n / 1000.0 : 0;
	}
	res->avg_wait = s->samples ? (double)s->wait_sum / s->samples : 0;
	res->avg_busy = s->samples ? (double)s->busy_sum / s->samples : 0;

	mem_deref(s->acd);
	res->wall_s = (double)(now_ns() - wall0) * 1e-9;

	free(s->elat.v);
	free(s->llat.v);
	free(s->olat.v);
	free(s->ev);
	free(s->heap);
	free(s->c);
	free(s->lwait);
	free(s->ag);
	free(s->la);
	free(s->q);
	free(s->qcum);
	free(s->tenants);
	ptrmap_free(&s->amap);
	ptrmap_free(&s->qmap);
	free(s);
}

/* --- main ---------------------------------------------------------------- */

/* The engine alone first (its figures and memory), then the same seeded
 * day again with the linear selector on every decision.  Interleaving the
 * linear scans evicts the engine's data from the caches, so the engine is
 * timed apart; its interleaved ("cold") figures are kept for reference. */
static void run_pair(const struct run_cfg *cfg, struct run_res *res)
{
	struct run_cfg lc = *cfg;
	struct run_res lr;

	lc.linear = false;
	run_one(&lc, res);
	if (!cfg->linear)
		return;
	lc.linear = true;
	run_one(&lc, &lr);
	res->lp50 = lr.lp50;
	res->lp99 = lr.lp99;
	res->lmean = lr.lmean;
	res->agree = lr.agree;
	res->ties = lr.ties;
	res->disagree = lr.disagree;
	res->untriggered = lr.untriggered;
	res->desync = lr.desync;
	res->errors += lr.errors;
	res->cold_p50 = lr.p50;
	res->cold_p99 = lr.p99;
	res->replay_same = lr.offers == res->offers &&
	                   lr.decisions == res->decisions &&
	                   lr.calls == res->calls;
	res->wall_s += lr.wall_s;
}

static void print_header(void)
{
	printf("%7s %3s %6s %6s %9s %10s %6s %6s %6s %7s %7s %7s %7s %7s "
	       "%6s %6s\n",
	       "agents", "ten", "queues", "wait", "decisions", "dec/s", "p50",
	       "p99", "p99.9", "max", "B/agent", "B/cont", "lin50", "lin99",
	       "x50", "x99");
}

static void print_row(const struct run_cfg *cfg, const struct run_res *r)
{
	printf("%7u %3u %6u %6.0f %9" PRIu64 " %10.0f %6.2f %6.2f %6.2f "
	       "%7.1f %7.0f %7.0f %7.2f %7.2f %6.1f %6.1f\n",
	       cfg->nagents, cfg->ntenants, cfg->nqueues, r->avg_wait,
	       r->decisions,
	       r->dec_engine_s > 0 ? (double)r->decisions / r->dec_engine_s : 0,
	       r->p50, r->p99, r->p999, r->max, r->bytes_agent,
	       r->bytes_contact, r->lp50, r->lp99,
	       r->p50 > 0 ? r->lp50 / r->p50 : 0,
	       r->p99 > 0 ? r->lp99 / r->p99 : 0);
	fflush(stdout);
}

static void print_detail(const struct run_cfg *cfg, const struct run_res *r)
{
	printf("        %u agents: %" PRIu64 " offers, %" PRIu64
	       " engine calls (%.0f/s), mean %.2f us/decision (linear %.2f, "
	       "x%.1f); busy %.0f; %.0f virtual s in %.1f s\n",
	       cfg->nagents, r->offers, r->calls,
	       r->engine_s > 0 ? (double)r->calls / r->engine_s : 0, r->emean,
	       r->lmean, r->emean > 0 ? r->lmean / r->emean : 0, r->avg_busy,
	       r->virt_s, r->wall_s);
	printf("        decisions that made an offer: p50 %.2f us, p99 %.2f us"
	       "\n",
	       r->op50, r->op99);
	printf("        memory: %.0f B/agent configured (logged out) + %.0f "
	       "logged in\n",
	       r->bytes_agent_cfg, r->bytes_agent - r->bytes_agent_cfg);
	if (cfg->linear)
		printf(
		    "        interleaved with the linear scan (cold caches): "
		    "engine p50 %.2f us, p99 %.2f us; replay %s\n",
		    r->cold_p50, r->cold_p99,
		    r->replay_same ? "identical" : "DIFFERENT");
	if (cfg->linear)
		printf("        same choice as linear (longest idle): %" PRIu64
		       " agree, %" PRIu64 " ties, %" PRIu64
		       " disagree; %" PRIu64
		       " offers without decision, %" PRIu64
		       " state mismatches, %" PRIu64 " call errors\n",
		       r->agree, r->ties, r->disagree, r->untriggered,
		       r->desync, r->errors);
}

int main(int argc, char **argv)
{
	static const uint32_t all_sizes[] = {1000, 2000, 5000, 10000, 20000};
	uint32_t sizes[16];
	size_t nsizes = 0, i;
	uint64_t decisions = 200000, seed = 1;
	bool linear = true, quick = false, multi = true;
	struct run_res res[16], mres;
	struct run_cfg cfgs[16], mcfg;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--quick")) {
			quick = true;
		} else if (!strcmp(argv[a], "--no-linear")) {
			linear = false;
		} else if (!strcmp(argv[a], "--no-multi")) {
			multi = false;
		} else if (!strcmp(argv[a], "--decisions") && a + 1 < argc) {
			decisions = strtoull(argv[++a], NULL, 10);
		} else if (!strcmp(argv[a], "--seed") && a + 1 < argc) {
			seed = strtoull(argv[++a], NULL, 10);
		} else if (!strcmp(argv[a], "--sizes") && a + 1 < argc) {
			char *p = argv[++a];
			while (*p && nsizes < ARRAY_SIZE(sizes)) {
				sizes[nsizes++] = (uint32_t)strtoul(p, &p, 10);
				if (*p == ',')
					p++;
			}
		} else {
			fprintf(stderr,
			        "usage: %s [--quick] [--sizes 1000,2000] "
			        "[--decisions N] [--seed S] [--no-linear] "
			        "[--no-multi]\n",
			        argv[0]);
			return 2;
		}
	}
	if (!nsizes) {
		for (i = 0; i < ARRAY_SIZE(all_sizes); i++)
			sizes[nsizes++] = all_sizes[i];
		if (quick)
			nsizes = 2;
	}
	if (quick) {
		decisions = 20000;
		multi = false;
	}

	printf("acd_bench: 100 skills, 1000 voice queues (fixed), waiting "
	       "target = agents/2, seed %" PRIu64 ", %" PRIu64
	       " measured decisions per size\n"
	       "latencies in us per decision (engine call time / decisions "
	       "in the call); lin = linear scan; x = lin/engine\n",
	       seed, decisions);
	print_header();
	for (i = 0; i < nsizes; i++) {
		cfgs[i] = (struct run_cfg){
		    .nagents = sizes[i],
		    .ntenants = 1,
		    .nqueues = 1000,
		    .nskills = 100,
		    .target_wait = sizes[i] / 2,
		    .decisions = decisions,
		    .seed = seed,
		    .linear = linear,
		};
		run_pair(&cfgs[i], &res[i]);
		print_row(&cfgs[i], &res[i]);
	}
	if (multi) {
		mcfg = cfgs[nsizes - 1];
		mcfg.ntenants = 10;
		run_pair(&mcfg, &mres);
		print_row(&mcfg, &mres);
	}
	printf("\n");
	for (i = 0; i < nsizes; i++)
		print_detail(&cfgs[i], &res[i]);
	if (multi)
		print_detail(&mcfg, &mres);
	if (nsizes > 1) {
		const struct run_res *r0 = &res[0], *r1 = &res[nsizes - 1];
		double n0 = cfgs[0].nagents, n1 = cfgs[nsizes - 1].nagents;
		printf("\ngrowth %.0f -> %.0f agents (x%.0f, log2 ratio %.2f): "
		       "engine p50 x%.2f, p99 x%.2f, mean x%.2f; linear p50 "
		       "x%.1f, p99 x%.1f\n",
		       n0, n1, n1 / n0, log2(n1) / log2(n0),
		       r0->p50 > 0 ? r1->p50 / r0->p50 : 0,
		       r0->p99 > 0 ? r1->p99 / r0->p99 : 0,
		       r0->emean > 0 ? r1->emean / r0->emean : 0,
		       r0->lp50 > 0 ? r1->lp50 / r0->lp50 : 0,
		       r0->lp99 > 0 ? r1->lp99 / r0->lp99 : 0);
		printf("targets at %.0f agents: p99 %.2f us (< 5: %s), %.0f "
		       "B/agent (< 1024: %s)\n",
		       n1, r1->p99, r1->p99 < 5 ? "met" : "MISSED",
		       r1->bytes_agent,
		       r1->bytes_agent < 1024 ? "met" : "MISSED");
	}
	return 0;
}
