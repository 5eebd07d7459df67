/**
 * @file acd_int.h  Private structures of the routing engine.
 *
 * Data structure (see acd.h for the idea):
 *
 *   pool    (tenant, channel, skill set).  A pool over ONE skill
 *           has ten buckets, one per level: an agent sits in the bucket of
 *           its level, and a requirement "skill >= L" looks at buckets
 *           L..10.  So a single-skill pool serves every minimum level with
 *           one membership per agent.  The empty skill set ("any agent of
 *           the tenant") has one bucket.
 *   filtered pool  A set of several skills (minimum levels in its
 *           identity, one bucket) has no members and no agent heaps: it
 *           searches the heaps of one of its skills' pools (the base: the
 *           one with the fewest candidates when it was made, chosen again
 *           by acd_tenant_check_config() and at each interval) for the first
 *           agent that has the other skills too, best first.  It keeps its
 *           own contact heap and agent counts; an agent lists the filtered
 *           pools it meets as 2-byte indexes (for the counts and to look
 *           at their contacts when it frees up), not as memberships with
 *           heap slots.  (They were ordinary pools once: with 20% of queues
 *           needing two skills, most of an agent's memberships and heap
 *           slots.)
 *   target  (pool, lowest bucket, strategy): what one relaxation step of
 *           one queue (or one contact's own requirements) asks for.
 *
 *   Each bucket holds, per strategy key class in use, a heap of the
 *   available member agents in that order (longest-idle, ring-all and random
 *   share the idle order), and one heap of the waiting contacts whose
 *   current target starts at that bucket (priority, then original arrival).
 *   An agent's membership carries one heap position per key class, so
 *   strategies cost a heap slot each but no extra membership.
 *
 *   Memory per agent is what bounds the engine's size, so agents' heaps
 *   take 8-byte slots: a 40-bit key over a 24-bit membership number.
 *   Memberships live in a per-tenant slab (chunks of 256) and are named by
 *   that number; the agent keeps an array of the numbers of its own.  The
 *   keys are exact in milliseconds for 795 days of a tenant's life for the
 *   idle order; fewest-contacts and best-skill break their ties on idle
 *   time in seconds (then by membership number).
 *
 * Invariant after every operation: no waiting contact has an available
 * agent in its target (for a filtered pool: no available agent of its
 * base's buckets has the other skills).  So an arriving contact only looks at its target's
 * agent heaps, and a freed agent only at the contact heaps of its buckets.
 */
#ifndef HOTLINE_ACD_INT_H
#define HOTLINE_ACD_INT_H

#include <re.h>

#include "acd/acd.h"

#define ACD_NBUCKETS ACD_LEVEL_MAX /* buckets of a single-skill pool */
#define HEAP_NONE UINT32_MAX

/* --- heap.c: binary min-heap with positions kept in the nodes ------------ */

struct acd_hnode {
	uint32_t pos; /* index in the heap, HEAP_NONE when not in it */
};

struct acd_hent {
	uint64_t key;
	struct acd_hnode *node;
};

struct acd_heap {
	struct acd_hent *v; /* owned (malloc) */
	uint32_t n, cap;
};

void acd_heap_init(struct acd_heap *h);
void acd_heap_free(struct acd_heap *h);
int acd_heap_push(struct acd_heap *h, struct acd_hnode *node, uint64_t key);
void acd_heap_remove(struct acd_heap *h, struct acd_hnode *node);
void acd_heap_update(struct acd_heap *h, struct acd_hnode *node,
		     uint64_t key);
static inline struct acd_hnode *acd_heap_top(const struct acd_heap *h)
{
	return h->n ? h->v[0].node : NULL;
}
static inline uint64_t acd_heap_topkey(const struct acd_heap *h)
{
	return h->n ? h->v[0].key : UINT64_MAX;
}
/* Agents' heaps: each slot is key << ACD_REF_BITS | membership number;
 * slots compare as integers (key, then number: no two are equal). */
#define ACD_REF_BITS 24
#define ACD_REF_MAX ((1u << ACD_REF_BITS) - 1)
#define ACD_AKEY_BITS (64 - ACD_REF_BITS)

struct acd_aheap {
	uint64_t *v; /* owned (malloc) */
	uint32_t n, cap;
};

struct acd_tenant;
void acd_aheap_free(struct acd_aheap *h);
int acd_aheap_push(struct acd_tenant *t, struct acd_aheap *h, int k,
		   uint32_t ref, uint64_t key);
void acd_aheap_remove(struct acd_tenant *t, struct acd_aheap *h, int k,
		      uint32_t pos);
void acd_aheap_update(struct acd_tenant *t, struct acd_aheap *h, int k,
		      uint32_t pos, uint64_t key);
int acd_aheap_check(const struct acd_tenant *t, const struct acd_aheap *h,
		    int k);
static inline uint32_t acd_aslot_ref(uint64_t slot)
{
	return (uint32_t)(slot & ACD_REF_MAX);
}
static inline uint64_t acd_aslot_key(uint64_t slot)
{
	return slot >> ACD_REF_BITS;
}

/** A node in the engine's deadline heap, tagged with what it belongs to. */
enum acd_tmr_kind { ACD_TMR_CONTACT = 1, ACD_TMR_AGENT, ACD_TMR_INTERVAL };
struct acd_tmr {
	struct acd_hnode hn;
	uint8_t kind;
};

static inline bool acd_hnode_linked(const struct acd_hnode *n)
{
	return n->pos != HEAP_NONE;
}
int acd_heap_check(const struct acd_heap *h);

#define container_of(ptr, type, member)                                        \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

/* --- structures ---------------------------------------------------------- */

struct skill_lvl {
	uint16_t skill; /* index in the tenant's skills */
	uint8_t level;
};

/* Orders of the available agents; strategies map onto these. */
enum acd_key {
	ACD_KEY_IDLE = 0, /* longest idle; also ring-all and random */
	ACD_KEY_FEWEST,   /* fewest contacts today */
	ACD_KEY_RR,       /* least recently offered */
	ACD_KEY_BEST,     /* best skill */
	ACD_NKEYS
};

struct acd_bucket {
	struct acd_aheap agents[ACD_NKEYS]; /* available members per order */
	struct acd_heap contacts; /* waiting contacts targeting this bucket */
	uint32_t by_state[ACD_AGENT_NSTATES];
	uint64_t state_ms[ACD_AGENT_NSTATES]; /* integrated since day start */
	uint64_t state_upd;                   /* last integration time */
};

struct acd_pool {
	struct le le;             /* in tenant->pools */
	struct acd_tenant *t;     /* borrowed */
	enum acd_channel ch;
	struct skill_lvl *reqs;   /* owned; sorted by skill; levels used only
				     when nreqs > 1 */
	uint16_t nreqs;
	uint8_t nbuckets;         /* 10 for one skill, else 1 */
	uint8_t keys;             /* bit per acd_key some target orders by
				     (filtered: that it asks of its base) */
	uint8_t base_lo;          /* filtered: lowest bucket of base taken */
	struct acd_bucket *b;     /* owned, nbuckets */
	struct acd_pool *base;    /* filtered: the one-skill pool searched
				     (borrowed); NULL for an ordinary pool */
	struct list filtered;     /* one-skill pool: the filtered pools that
				     search it (borrowed) */
	struct le fle;            /* filtered: in base->filtered */
	uint16_t fidx;            /* filtered: index in tenant->fpools */
};

/** An agent's membership in one pool, in its tenant's slab. */
struct acd_member {
	struct acd_hnode hn[ACD_NKEYS]; /* in p->b[bucket].agents[key] */
	uint8_t bucket;
	uint8_t state;            /* state counted in p->b[bucket].by_state */
	uint16_t skill_sum;       /* best-skill: sum of required levels */
	uint32_t ref;             /* its number in the slab (when free,
				     hn[0].pos is the next free one + 1) */
	struct acd_pool *p;       /* borrowed */
	struct acd_agent *a;      /* borrowed, the owner; NULL when free */
};

#define ACD_MCHUNK_BITS 8 /* 256 memberships per slab chunk */

struct acd_target {
	struct acd_pool *p;       /* borrowed (pools live as long as tenant) */
	uint8_t lo;               /* lowest bucket accepted */
	uint8_t key;              /* enum acd_key: the order to pick by */
	uint8_t strat;            /* enum acd_strategy */
};

struct acd_tenant {
	struct le le;             /* in acd->tenants */
	struct acd *acd;          /* borrowed */
	char *name;               /* owned */
	char **skills;            /* owned array of owned strings */
	uint16_t nskills;
	struct list queues;       /* owned acd_queue */
	struct hash *queueh;      /* name -> queue */
	struct list agents;       /* owned acd_agent */
	struct hash *agenth;      /* id -> agent */
	uint32_t nagents;
	struct list pools;        /* owned acd_pool */
	struct acd_pool **fpools; /* owned array (malloc) of the filtered
				     pools, borrowed; agents name them by
				     index */
	uint16_t nfpools;
	struct acd_member **mchunks; /* owned (malloc) slab of memberships,
					each chunk owned (malloc) */
	uint32_t nmchunks;
	uint32_t mfree;           /* first free membership + 1, 0: none */
	uint64_t epoch;           /* ms: agents' heap keys count from it */
	/* tenant-wide statistics: agents counted once */
	uint32_t by_state[ACD_AGENT_NSTATES];
	uint64_t state_ms[ACD_AGENT_NSTATES];
	uint64_t state_upd;
};

struct queue_counts {
	uint32_t offered, answered, answered_in_sl, abandoned, short_abandoned,
		abandoned_after_sl, overflowed, handled;
	uint64_t wait_answered_ms, wait_abandoned_ms, handle_ms;
};

struct acd_queue {
	struct le le;             /* in tenant->queues */
	struct le he;             /* in tenant->queueh */
	struct acd_tenant *t;     /* borrowed */
	struct acd_queue_cfg cfg; /* strings and arrays owned (deep copy) */
	struct acd_target *steps; /* owned; 1 + cfg.nrelax */
	uint32_t nsteps;
	struct list waiting[ACD_PRIORITY_MAX + 1]; /* contacts, by arrival */
	uint32_t nwaiting;
	struct queue_counts day;  /* since day reset */
	struct queue_counts iv;   /* current interval */
	uint64_t iv_start;
	struct acd_interval iv_closed; /* last closed, for the event */
	double aht_ms;            /* queue's handle time, moving average */
};

struct acd_offer;

struct acd_agent {
	struct le le;             /* in tenant->agents */
	struct le he;             /* in tenant->agenth */
	struct acd_tenant *t;     /* borrowed */
	char *id;                 /* in the agent's allocation */
	char *name;               /* in the agent's allocation, may be NULL */
	struct skill_lvl *skills; /* owned, sorted by skill */
	uint16_t nskills;
	uint16_t nmem;
	uint16_t nfv;
	uint32_t *mi;             /* owned (malloc): its memberships' numbers
				     in t's slab, nmem */
	uint16_t *fv;             /* the filtered pools the agent meets
				     (indexes in t->fpools), nfv; in mi's
				     allocation, after the numbers */
	uint8_t cap[ACD_CH_MAX];
	uint16_t blocks[ACD_CH_MAX];
	uint8_t active[ACD_CH_MAX];
	uint16_t active_mask;     /* bit per channel with active > 0 */
	enum acd_presence presence;
	char reason[32];
	enum acd_agent_state state;
	uint64_t state_since;
	uint64_t idle_since;
	uint64_t wrap_start;      /* when the current wrap-up began */
	uint64_t wrap_talk_ms;    /* talk time of the contact wrapped up */
	uint32_t contacts_today;
	uint64_t offered_seq;     /* round-robin: when last offered */
	struct acd_offer *offer;  /* outstanding offer (at most one) */
	struct list contacts;     /* connected contacts (borrowed) */
	struct acd_tmr tmr;       /* wrap-up deadline */
	uint64_t wrapup_until;
	struct acd_queue *wrap_q; /* queue whose handle time is running */
};

struct acd_offer {
	struct le le;             /* in contact->offers */
	struct acd_offer *next_free;
	struct acd_contact *c;    /* borrowed */
	struct acd_agent *a;      /* borrowed */
};

struct acd_contact {
	struct le he;             /* in acd->contacth */
	struct le lc;             /* in acd->live */
	struct le lq;             /* in queue->waiting[prio] */
	struct le la;             /* in agent->contacts when connected */
	struct acd_hnode hw;      /* in target bucket's contact heap */
	struct acd_tmr tmr;       /* in acd->timers */
	uint64_t id;
	struct acd_tenant *t;
	struct acd_queue *q;
	enum acd_channel ch;
	enum acd_contact_state state;
	uint8_t prio;
	uint8_t step;
	uint8_t hops;             /* overflows to other queues so far */
	bool has_override;
	bool dead;
	struct acd_target override; /* step 0 from the contact's own skills */
	struct acd_target cur;
	uint64_t arrived;         /* entry in this queue */
	uint64_t answered;
	uint64_t deadline;
	struct list offers;       /* struct acd_offer (owned, recycled) */
	uint32_t noffers;
	struct acd_agent *agent;  /* connected agent */
	void *owner;
	struct acd_contact *next_free;
};

struct subscriber {
	struct le le;
	acd_event_h *h;
	void *arg;
};

struct acd {
	struct acd_opts opts;
	struct list tenants;
	struct list subs;
	struct hash *contacth;
	struct list live;         /* every contact in the engine */
	uint64_t next_id;
	uint64_t offer_seq;       /* counts offers, for round-robin */
	struct acd_heap timers;
	struct acd_tmr iv_tmr;
	uint64_t iv_next;
	uint64_t last_deadline;   /* last reported to deadlineh */
	uint64_t rng;             /* xorshift state */
	/* event queue (ring) */
	struct acd_event *evq;
	uint32_t evq_head, evq_n, evq_cap;
	uint32_t depth;           /* nesting of public operations */
	bool dispatching;
	struct acd_contact *graveyard; /* ended contacts, freed after dispatch */
	struct acd_contact *free_contacts;
	struct acd_offer *free_offers;
	char err[256];
};

/* --- engine.c ------------------------------------------------------------ */
int acd_fail(struct acd *acd, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void acd_enter(struct acd *acd);
void acd_leave(struct acd *acd);
struct acd_event *acd_emit(struct acd *acd, enum acd_event_type type);
void acd_timer_set(struct acd *acd, struct acd_tmr *t, uint64_t when);
void acd_timer_clear(struct acd *acd, struct acd_tmr *t);
uint64_t acd_rand(struct acd *acd);

/* --- tenant.c ------------------------------------------------------------ */
int acd_skill_index(const struct acd_tenant *t, const char *name);
int acd_target_make(struct acd_tenant *t, enum acd_channel ch,
		    enum acd_strategy strat, const struct acd_reqs *reqs,
		    struct acd_target *tg);
bool acd_agent_in_target(const struct acd_agent *a,
			 const struct acd_target *tg,
			 const struct acd_member **mp);
bool acd_agent_meets(const struct acd_agent *a, const struct acd_pool *p,
		     uint16_t *sum);
bool acd_agent_in_filtered(const struct acd_agent *a,
			   const struct acd_member *m,
			   const struct acd_pool *v);
void acd_filtered_count(struct acd_agent *a, enum acd_agent_state old,
			enum acd_agent_state st, uint64_t now);
void acd_filtered_rebase(struct acd_tenant *t);
static inline struct acd_pool *acd_agent_fpool(const struct acd_agent *a,
					       uint16_t i)
{
	return a->t->fpools[a->fv[i]];
}
static inline struct acd_member *acd_member_at(const struct acd_tenant *t,
					       uint32_t ref)
{
	return &t->mchunks[ref >> ACD_MCHUNK_BITS]
			  [ref & ((1u << ACD_MCHUNK_BITS) - 1)];
}
/** The i-th membership of a. */
static inline struct acd_member *acd_agent_mem(const struct acd_agent *a,
					       uint16_t i)
{
	return acd_member_at(a->t, a->mi[i]);
}

/* --- agent.c ------------------------------------------------------------- */
bool acd_agent_can_take(const struct acd_agent *a, enum acd_channel ch);
void acd_agent_refresh(struct acd_agent *a);
void acd_agent_rekey(struct acd_agent *a);
void acd_agent_unlink_all(struct acd_agent *a);
void acd_agent_wrapup_due(struct acd_agent *a);
void acd_member_count(struct acd_member *m, enum acd_agent_state st,
		      uint64_t now);

/* --- route.c ------------------------------------------------------------- */
uint64_t acd_contact_key(const struct acd_contact *c);
uint64_t acd_member_key(const struct acd_member *m, enum acd_key key);
uint64_t acd_agent_key(const struct acd_agent *a, enum acd_channel ch,
		       enum acd_key key, uint16_t skill_sum);
enum acd_key acd_strategy_key(enum acd_strategy s);
void acd_member_place(struct acd_member *m, bool available);
void acd_route_contact(struct acd *acd, struct acd_contact *c);
void acd_route_agent(struct acd *acd, struct acd_agent *a);
bool acd_target_has_agent(const struct acd_target *tg);

/* --- contact.c ----------------------------------------------------------- */
struct acd_contact *acd_contact_get(const struct acd *acd, uint64_t id);
void acd_contact_wait(struct acd *acd, struct acd_contact *c, bool front);
void acd_contact_unwait(struct acd_contact *c);
void acd_contact_deadline_due(struct acd_contact *c);
void acd_contact_schedule(struct acd *acd, struct acd_contact *c);
void acd_offer_end(struct acd *acd, struct acd_offer *o,
		   enum acd_end_reason why);

/* --- stats.c ------------------------------------------------------------- */
void acd_interval_due(struct acd *acd);
void acd_stats_enter(struct acd_queue *q);
void acd_stats_answer(struct acd_queue *q, uint64_t wait_ms);
void acd_stats_abandon(struct acd_queue *q, uint64_t wait_ms);
void acd_stats_overflow(struct acd_queue *q);
void acd_stats_handled(struct acd_queue *q, uint64_t handle_ms);
void acd_state_integrate(uint32_t *by_state, uint64_t *state_ms,
			 uint64_t *upd, uint64_t now);

#endif
