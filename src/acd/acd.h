/**
 * @file acd.h  The routing engine: which agent gets which contact.
 *
 * Owns: tenants, skills, queues, agents and the contacts waiting for or
 * talking to them; agent states; the offer lifecycle; per-queue real-time
 * statistics and 15-minute interval records; estimated wait times.
 *
 * Offers: a channel-agnostic engine.  Channel layers (voice, chat, e-mail,
 * outbound, work orders) feed it events (a contact arrives, an agent accepts,
 * a caller hangs up) and receive its decisions (offer contact C to agent A,
 * withdraw an offer, contact overflowed) as events through one subscription
 * interface, which the API, wallboard and reports use too.  It knows nothing
 * of SIP or HTTP.
 *
 * How it decides: every distinct (tenant, channel, requirement set) is
 * interned as a *pool*.  A pool keeps binary heaps of the available agents
 * that satisfy it, one per strategy order in use, and a heap of the waiting
 * contacts whose current relaxation step maps to it, ordered by priority
 * then original arrival.  A set of several skills keeps no agents of its
 * own: it searches one of its skills' heaps, best first, for agents with
 * the others (see acd_int.h).  A decision is made only when something
 * changes (contact arrives, agent frees up, relaxation step or deadline falls
 * due) and costs O(log n) heap work plus a peek at each of the agent's pools;
 * nothing polls and nothing scans all agents.
 *
 * Time: the engine never reads a clock of its own.  It asks the clock
 * callback given at creation (wall time in the daemon, virtual time in the
 * simulator) and keeps all its deadlines in one internal heap; the host arms
 * one timer for acd_next_deadline() and calls acd_run_timers() when it fires.
 *
 * Threads: an engine and everything in it belong to the one thread (the
 * control loop) that created it.  Nothing here blocks or does I/O.
 *
 * Events are queued during an operation and delivered when it finishes, so a
 * subscriber may call back into the engine from its handler (e.g. reject an
 * offer at once); such calls are queued behind the current event.
 *
 * Errors: functions return 0 or an errno code, and on refusal leave a
 * human-readable reason in acd_last_error():
 *   EINVAL   bad argument (out of range, NULL, wrong channel)
 *   ENOENT   unknown tenant, queue, agent, skill or contact
 *   EEXIST   a name already defined
 *   EPERM    the tenants differ (nothing ever crosses tenants)
 *   EALREADY the thing is already done (contact accepted twice, ...)
 *   EBUSY    not allowed in the current state (agent logged out, queue full)
 *   ENOMEM   out of memory
 */
#ifndef HOTLINE_ACD_H
#define HOTLINE_ACD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct acd;
struct acd_tenant;
struct acd_queue;
struct acd_agent;

#define ACD_NONE UINT64_MAX /* "no deadline", "no contact" */

#define ACD_PRIORITY_MAX 9  /* contact priorities 0..9, 9 served first */
#define ACD_LEVEL_MIN 1     /* skill levels 1..10, 10 best */
#define ACD_LEVEL_MAX 10
#define ACD_SHORT_ABANDON_MS 5000 /* abandons sooner than this counted apart */

/** Channels a contact can come through. */
enum acd_channel {
	ACD_CH_VOICE = 0,
	ACD_CH_CHAT,
	ACD_CH_EMAIL,
	ACD_CH_MESSAGE,   /* SMS and social messages */
	ACD_CH_CALLBACK,  /* a call back the customer asked for */
	ACD_CH_OUTBOUND,  /* a campaign call */
	ACD_CH_WORKORDER, /* a work order to handle */
	ACD_CH_MAX
};

/** Agent states as reported; the engine derives the working states. */
enum acd_agent_state {
	ACD_AGENT_LOGGED_OUT = 0,
	ACD_AGENT_AVAILABLE,
	ACD_AGENT_NOT_READY, /* with a reason code */
	ACD_AGENT_RESERVED,  /* a contact is being offered */
	ACD_AGENT_BUSY,      /* handling one or more contacts */
	ACD_AGENT_WRAPUP,    /* after-contact work */
	ACD_AGENT_NSTATES
};

/** What an agent asks to be (presence); the rest follows from work. */
enum acd_presence {
	ACD_PRESENCE_LOGGED_OUT = 0,
	ACD_PRESENCE_AVAILABLE,
	ACD_PRESENCE_NOT_READY,
};

/** Agent selection strategies, per queue. */
enum acd_strategy {
	ACD_STRAT_LONGEST_IDLE = 0, /* default */
	ACD_STRAT_FEWEST_CONTACTS,  /* fewest contacts today, then longest
				       idle to the second */
	ACD_STRAT_ROUND_ROBIN,      /* least recently offered by this queue */
	ACD_STRAT_BEST_SKILL,       /* highest sum of required levels, then
				       longest idle to the second */
	ACD_STRAT_RANDOM,
	ACD_STRAT_RING_ALL,         /* offer to many, first accept wins */
	ACD_STRAT_MAX
};

/** What happens to a contact that waits too long or finds the queue full. */
enum acd_overflow_action {
	ACD_OVERFLOW_NONE = 0,   /* stay in the queue */
	ACD_OVERFLOW_QUEUE,      /* move to another queue of the tenant */
	ACD_OVERFLOW_CALLBACK,   /* leave the queue; the channel offers a callback */
	ACD_OVERFLOW_VOICEMAIL,  /* leave the queue; the channel takes a message */
	ACD_OVERFLOW_DISCONNECT, /* leave the queue; the channel plays a message */
};

/** Why a contact left the engine or an offer ended. */
enum acd_end_reason {
	ACD_END_NONE = 0,
	ACD_END_COMPLETED,   /* handled by an agent */
	ACD_END_ABANDONED,   /* the customer left while waiting or offered */
	ACD_END_OVERFLOWED,  /* left through an overflow action */
	ACD_END_REJECTED,    /* the agent rejected the offer */
	ACD_END_TIMEOUT,     /* the agent did not answer in time */
	ACD_END_TAKEN,       /* ring-all: another agent accepted */
	ACD_END_REMOVED,     /* the channel withdrew it (failure, transfer) */
};

/* --- configuration ------------------------------------------------------- */

struct acd_skill_req {
	const char *skill;
	uint8_t min_level; /* 1..10 */
};

/** A requirement set: every listed skill at its minimum level.  An empty
 *  set (n == 0) means any agent of the tenant. */
struct acd_reqs {
	const struct acd_skill_req *v;
	size_t n;
};

/** After a contact has waited after_s seconds in the queue, it is eligible
 *  for agents matching reqs instead of the previous step's. */
struct acd_relax_step {
	uint32_t after_s;
	struct acd_reqs reqs;
};

struct acd_queue_cfg {
	const char *name;
	enum acd_channel channel;
	struct acd_reqs reqs;                 /* step 0 */
	const struct acd_relax_step *relax;   /* ascending after_s */
	size_t nrelax;
	enum acd_strategy strategy;
	uint32_t ring_all_max;   /* ring-all: offers at once, 0 = all */
	uint32_t offer_timeout_s;/* ring timeout; 0 = default 20 */
	uint32_t wrapup_s;       /* after-contact work, 0 = none */
	uint32_t max_wait_s;     /* 0 = unlimited */
	uint32_t max_len;        /* 0 = unlimited */
	enum acd_overflow_action overflow;
	const char *overflow_target; /* queue name for ACD_OVERFLOW_QUEUE, or
					a message name for the channel */
	uint32_t sl_threshold_s; /* answered within this counts; default 20 */
	double sl_target;        /* e.g. 0.80; default 0.80 */
	uint32_t aht_hint_s;     /* handle time to assume before any is seen;
				    default 180 */
};

struct acd_agent_skill {
	const char *skill;
	uint8_t level; /* 1..10 */
};

struct acd_agent_cfg {
	const char *id;     /* extension, unique in the tenant, e.g. "1001" */
	const char *name;   /* display name; may be NULL */
	const struct acd_agent_skill *skills;
	size_t nskills;
	/* Contacts at once per channel; 0 means the default (1 voice, callback
	 * and outbound; 3 chats; 3 messages; 5 e-mails; 5 work orders). */
	uint8_t capacity[ACD_CH_MAX];
	/* blocks[c]: bit mask (1 << channel) of channels whose active contacts
	 * stop new offers of channel c.  Unless use_blocks is set the default
	 * is used: a voice-like call (voice, callback, outbound) blocks every
	 * other channel, and any contact blocks voice-like offers.  Callbacks
	 * and campaign calls are offered as voice: blocks[ACD_CH_VOICE] rules
	 * them, and an agent takes none of the three while any of the three
	 * is at its capacity. */
	uint16_t blocks[ACD_CH_MAX];
	bool use_blocks;
};

/** Clock: current time in milliseconds (any epoch, never going back). */
typedef uint64_t(acd_clock_h)(void *arg);

/** Called when the earliest deadline changes, so the host re-arms its one
 *  timer.  ACD_NONE means no deadline. */
typedef void(acd_deadline_h)(uint64_t deadline, void *arg);

struct acd_opts {
	acd_clock_h *clock;        /* required */
	void *clock_arg;
	acd_deadline_h *deadlineh; /* optional */
	void *deadline_arg;
	uint32_t seed;             /* for the random strategy */
	uint32_t interval_s;       /* statistics interval; default 900 */
	bool check;                /* run acd_check() after every operation
				      (tests); aborts on a broken invariant */
};

/* --- events -------------------------------------------------------------- */

enum acd_event_type {
	ACD_EV_CONTACT_QUEUED = 0, /* entered a queue (also after overflow,
				      transfer, requeue) */
	ACD_EV_CONTACT_OFFERED,    /* offer to agent: the channel rings it */
	ACD_EV_OFFER_ENDED,        /* an offer ended without acceptance:
				      end = REJECTED, TIMEOUT, TAKEN,
				      ABANDONED or REMOVED; the channel stops
				      ringing that agent */
	ACD_EV_CONTACT_ACCEPTED,   /* connected to agent */
	ACD_EV_CONTACT_REQUEUED,   /* back to the front of its queue after a
				      failed offer, keeping its wait */
	ACD_EV_CONTACT_RELAXED,    /* moved to the next relaxation step */
	ACD_EV_CONTACT_ABANDONED,
	ACD_EV_CONTACT_COMPLETED,  /* handled; agent may go to wrap-up */
	ACD_EV_CONTACT_OVERFLOWED, /* overflow action applies (see action) */
	ACD_EV_CONTACT_REMOVED,    /* withdrawn by the channel */
	ACD_EV_CONTACT_PRIORITY,   /* priority changed */
	ACD_EV_AGENT_STATE,        /* reported state or reason changed */
	ACD_EV_INTERVAL,           /* a statistics interval closed (queue) */
	ACD_EV_MAX
};

/** A closed statistics interval of one queue. */
struct acd_interval {
	uint64_t start;       /* ms, aligned to the interval length */
	uint32_t length_s;
	uint32_t offered;     /* entered the queue */
	uint32_t answered;
	uint32_t answered_in_sl;
	uint32_t abandoned;
	uint32_t short_abandoned;
	uint32_t abandoned_after_sl;
	uint32_t overflowed;
	uint64_t wait_answered_ms; /* sum of waits of answered contacts */
	uint64_t wait_abandoned_ms;
	uint64_t handle_ms;        /* talk + wrap-up of completed contacts */
	uint32_t handled;          /* contacts completed (handle_ms count) */
};

struct acd_event {
	enum acd_event_type type;
	uint64_t time;
	const struct acd_tenant *tenant;
	const struct acd_queue *queue;   /* NULL for pure agent events */
	const struct acd_agent *agent;   /* offer, accept, complete, state */
	uint64_t contact_id;             /* ACD_NONE if none */
	enum acd_channel channel;
	void *owner;                     /* the contact's channel object */
	enum acd_end_reason end;
	/* ACD_EV_CONTACT_OVERFLOWED */
	enum acd_overflow_action action;
	const char *target;
	/* ACD_EV_AGENT_STATE */
	enum acd_agent_state old_state, new_state;
	const char *reason;
	/* ACD_EV_CONTACT_QUEUED/REQUEUED/PRIORITY */
	uint8_t priority;
	/* ACD_EV_INTERVAL */
	const struct acd_interval *interval;
};

/** Event handler; the pointers in ev are valid during the call only. */
typedef void(acd_event_h)(const struct acd_event *ev, void *arg);

/* --- engine.c ------------------------------------------------------------ */

int acd_alloc(struct acd **acdp, const struct acd_opts *opts);
/** Text of the last refusal (never NULL). */
const char *acd_last_error(const struct acd *acd);
/** Subscribe to every event; returns ENOMEM or 0.  Handlers run in the order
 *  subscribed.  acd_unsubscribe() removes by (h, arg). */
int acd_subscribe(struct acd *acd, acd_event_h *h, void *arg);
void acd_unsubscribe(struct acd *acd, acd_event_h *h, void *arg);
uint64_t acd_now(const struct acd *acd);
/** Earliest deadline, or ACD_NONE. */
uint64_t acd_next_deadline(const struct acd *acd);
/** Process everything due at acd_now(). */
void acd_run_timers(struct acd *acd);
/** Verify every internal invariant; 0 or EPROTO (and acd_last_error()). */
int acd_check(const struct acd *acd);

const char *acd_channel_name(enum acd_channel ch);
int acd_channel_parse(const char *s, enum acd_channel *chp);
const char *acd_agent_state_name(enum acd_agent_state st);
int acd_agent_state_parse(const char *s, enum acd_agent_state *stp);
const char *acd_strategy_name(enum acd_strategy s);
int acd_strategy_parse(const char *s, enum acd_strategy *sp);
const char *acd_overflow_name(enum acd_overflow_action a);
int acd_overflow_parse(const char *s, enum acd_overflow_action *ap);
const char *acd_end_name(enum acd_end_reason r);
const char *acd_event_name(enum acd_event_type t);

/* --- tenant.c: tenants, skills, queues and agents ----------------------- */

int acd_tenant_add(struct acd *acd, const char *name,
		   struct acd_tenant **tp);
/** Drop a tenant with its skills, queues and agents (no events: its
 *  figures end with it).  ENOENT, EBUSY while a contact of it is in the
 *  engine or during a callback of the engine. */
int acd_tenant_remove(struct acd *acd, const char *name);
/** Has the tenant contacts in the engine (waiting, offered, connected)? */
bool acd_tenant_busy(const struct acd_tenant *t);
struct acd_tenant *acd_tenant_find(const struct acd *acd, const char *name);
const char *acd_tenant_name(const struct acd_tenant *t);
/** Iterate tenants; h returns true to stop. */
void acd_tenant_foreach(const struct acd *acd,
			bool (*h)(struct acd_tenant *t, void *arg), void *arg);

int acd_skill_add(struct acd_tenant *t, const char *name);
bool acd_skill_exists(const struct acd_tenant *t, const char *name);
size_t acd_skill_count(const struct acd_tenant *t);
const char *acd_skill_name(const struct acd_tenant *t, size_t i);

/** Add a queue; skills must exist.  A queue named as overflow target must
 *  exist when the contact overflows (acd_check_config() verifies it). */
int acd_queue_add(struct acd_tenant *t, const struct acd_queue_cfg *cfg,
		  struct acd_queue **qp);
struct acd_queue *acd_queue_find(const struct acd_tenant *t,
				 const char *name);
const char *acd_queue_name(const struct acd_queue *q);
struct acd_tenant *acd_queue_tenant(const struct acd_queue *q);
const struct acd_queue_cfg *acd_queue_config(const struct acd_queue *q);
void acd_queue_foreach(const struct acd_tenant *t,
		       bool (*h)(struct acd_queue *q, void *arg), void *arg);
/** Check cross references (overflow targets) of every queue of t.  Call it
 *  after adding a tenant's queues and agents: it also has each requirement
 *  set of several skills searched from its rarest skill's agents (again at
 *  every statistics interval). */
int acd_tenant_check_config(struct acd_tenant *t);

int acd_agent_add(struct acd_tenant *t, const struct acd_agent_cfg *cfg,
		  struct acd_agent **ap);
struct acd_agent *acd_agent_find(const struct acd_tenant *t, const char *id);
const char *acd_agent_id(const struct acd_agent *a);
const char *acd_agent_name(const struct acd_agent *a);
struct acd_tenant *acd_agent_tenant(const struct acd_agent *a);
void acd_agent_foreach(const struct acd_tenant *t,
		       bool (*h)(struct acd_agent *a, void *arg), void *arg);
size_t acd_agent_count(const struct acd_tenant *t);
/** Replace an agent's skills (takes effect for the next decision). */
int acd_agent_set_skills(struct acd_agent *a,
			 const struct acd_agent_skill *skills, size_t n);
/** Level of a skill, 0 if the agent lacks it. */
uint8_t acd_agent_skill_level(const struct acd_agent *a, const char *skill);

/* --- agent.c: presence and work ------------------------------------------ */

/** Log in, become available or not ready (reason required for not-ready,
 *  e.g. "break"), or log out.  Logging out with contacts still active is
 *  refused (EBUSY); not-ready while busy takes effect for new offers at once.
 *  Available ends wrap-up early. */
int acd_agent_set_presence(struct acd_agent *a, enum acd_presence p,
			   const char *reason);
/** End wrap-up early.  EALREADY if not in wrap-up. */
int acd_agent_end_wrapup(struct acd_agent *a);

struct acd_agent_info {
	enum acd_agent_state state;
	enum acd_presence presence;
	const char *reason;       /* not-ready reason or NULL */
	uint64_t state_since;     /* ms */
	uint64_t idle_since;      /* last time the agent became free */
	uint32_t contacts_today;  /* accepted since acd_stats_reset_day() */
	uint8_t active[ACD_CH_MAX];/* contacts in progress per channel */
	uint32_t offers;          /* offers outstanding */
	uint64_t wrapup_until;    /* ms, 0 if not in wrap-up */
};
void acd_agent_info(const struct acd_agent *a, struct acd_agent_info *info);
enum acd_agent_state acd_agent_state(const struct acd_agent *a);

/* --- contact.c: the contact lifecycle ------------------------------------ */

struct acd_contact_params {
	enum acd_channel channel;  /* must match the queue's channel, except
				      callback/outbound entering voice queues */
	struct acd_queue *queue;
	uint8_t priority;          /* 0..9 */
	/* Overrides the queue's step-0 requirements (e.g. chosen in the IVR);
	 * relaxation steps of the queue still follow. */
	const struct acd_skill_req *skills;
	size_t nskills;
	void *owner;               /* the channel's object, handed back in
				      events; the engine never touches it */
};

/** A contact enters a queue.  It may be offered at once (events follow).
 *  A full queue overflows at once; the id is still valid for the events. */
int acd_contact_add(struct acd *acd, const struct acd_contact_params *p,
		    uint64_t *idp);
/** The agent accepted (the phone answered, the chat was taken). */
int acd_contact_accept(struct acd *acd, uint64_t id, struct acd_agent *a);
/** The agent rejected the offer: back to the front of the queue, agent
 *  not ready with reason "rejected" (not for ring-all). */
int acd_contact_reject(struct acd *acd, uint64_t id, struct acd_agent *a);
/** The customer left while waiting or being offered. */
int acd_contact_abandon(struct acd *acd, uint64_t id);
/** The conversation ended: the contact leaves, the agent wraps up. */
int acd_contact_complete(struct acd *acd, uint64_t id);
/** Move a contact (waiting, offered or connected) into another queue of the
 *  same tenant, as for a blind transfer; a connected agent wraps up. */
int acd_contact_transfer(struct acd *acd, uint64_t id, struct acd_queue *q);
/** The channel withdraws the contact (failure); counted as neither
 *  answered nor abandoned. */
int acd_contact_remove(struct acd *acd, uint64_t id);
/** Change a waiting contact's priority (supervisor). */
int acd_contact_set_priority(struct acd *acd, uint64_t id, uint8_t prio);

enum acd_contact_state {
	ACD_CONTACT_WAITING = 0,
	ACD_CONTACT_OFFERED,
	ACD_CONTACT_CONNECTED,
};

struct acd_contact_info {
	uint64_t id;
	enum acd_channel channel;
	enum acd_contact_state state;
	struct acd_queue *queue;
	struct acd_agent *agent;  /* connected agent, or first offered */
	uint8_t priority;
	uint8_t step;             /* relaxation step */
	uint64_t arrived;         /* ms, first entry in this queue */
	uint64_t answered;        /* ms, 0 until accepted */
	uint32_t position;        /* 1-based, 0 unless waiting */
	void *owner;
};
int acd_contact_info(const struct acd *acd, uint64_t id,
		     struct acd_contact_info *info);
/** Iterate the waiting contacts of a queue in service order. */
void acd_queue_foreach_waiting(const struct acd_queue *q,
			       bool (*h)(uint64_t id, void *arg), void *arg);

/* --- ewt.c: estimated wait ----------------------------------------------- */

/** Estimated wait in ms for a contact now at 1-based position pos of q:
 *  0 when an agent is free, ACD_NONE when no agent serves the queue. */
uint64_t acd_queue_ewt(const struct acd_queue *q, uint32_t pos);
/** Estimated remaining wait of a waiting contact (0 once offered). */
int acd_contact_ewt(const struct acd *acd, uint64_t id, uint64_t *ewtp);

/* --- stats.c: real-time statistics --------------------------------------- */

struct acd_stats {
	uint32_t waiting;
	uint64_t longest_wait_ms;
	uint32_t offered;          /* entered the queue since day reset */
	uint32_t answered;
	uint32_t answered_in_sl;
	uint32_t abandoned;        /* including short ones */
	uint32_t short_abandoned;  /* under ACD_SHORT_ABANDON_MS */
	uint32_t abandoned_after_sl;
	uint32_t overflowed;
	uint32_t handled;
	double service_level;      /* answered_in_sl / (answered +
				      abandoned_after_sl); 1.0 when none */
	double asa_s;              /* average speed of answer */
	double aht_s;              /* average handle time (talk + wrap) */
	double abandon_rate;       /* (abandoned - short) / (offered - short) */
	double occupancy;          /* busy+reserved+wrap-up over those plus
				      available, of the agents serving it */
	uint32_t agents[ACD_AGENT_NSTATES]; /* agents serving, by state */
};

/** Statistics of one queue since the last day reset. */
void acd_queue_stats(const struct acd_queue *q, struct acd_stats *st);
/** Statistics of the whole tenant (agents counted once). */
void acd_tenant_stats(const struct acd_tenant *t, struct acd_stats *st);
/** The interval in progress for a queue. */
void acd_queue_interval(const struct acd_queue *q, struct acd_interval *iv);
/** Start a new statistics day for every queue and agent of t. */
void acd_stats_reset_day(struct acd_tenant *t);
/** Carry today's figures over a restart: add sum (the stored intervals of
 *  today, summed; start and length_s ignored) to q's day counters, and take
 *  its mean handle time as the queue's moving average when it has handled
 *  contacts.  EINVAL for NULL arguments. */
int acd_queue_stats_seed(struct acd_queue *q, const struct acd_interval *sum);
/** Continue the interval in progress: add iv (stored when the daemon
 *  stopped) to q's current interval.  ESTALE unless iv->start is the start
 *  of the interval in progress (the restart came too late: that interval
 *  is closed as stored); EINVAL for NULL arguments. */
int acd_queue_interval_seed(struct acd_queue *q,
			    const struct acd_interval *iv);
/** Add n to the agent's contacts today (accepted before a restart) and
 *  re-key its places in the fewest-contacts orders.  EINVAL for NULL. */
int acd_agent_seed_today(struct acd_agent *a, uint32_t n);

#endif
