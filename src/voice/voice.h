/**
 * @file voice.h  The voice channel: SIP trunks in, agent phones, calls
 * routed by the engine and bridged.
 *
 * Owns: the SIP stack (UDP and TCP on one address), the registrar of agent
 * phones (bindings with expiry, digest authentication, a rate limit on
 * failed attempts), and every call in progress: the caller's leg, the
 * agent legs being rung, the bridged agent leg (or an outside party's leg
 * through a trunk) and the media relay between them, the call's IVR
 * session, its screen pop (the caller's customer, looked up through
 * src/crm when the call arrives) and its post-call survey.  It writes one
 * interaction record per call to the store.
 *
 * Offers: a back-to-back user agent.  A call from a trunk to a dialed number
 * of the center is answered and runs the number's IVR flow (src/ivr: the
 * prompts, the caller's digits by RFC 4733, in-band tones or SIP INFO), or
 * enters the number's queue as a voice contact; the routing engine decides
 * which agent gets it and voice rings that agent's registered phones (all
 * of them, first answer wins), bridges the answer and reports accept,
 * reject, abandon and completion back to the engine.  A waiting caller
 * hears the queue's music and, every so often, its position and estimated
 * wait.  Agents may hold (the caller hears music) and blind-transfer
 * (REFER) to a queue, a dialed number or another agent's extension, or to
 * an outside number through the tenant's outbound trunk (so may the IVR's
 * transfer node and the desktop, also after a consultation).
 * Answered calls of queues that say so are recorded (stereo WAV); callers
 * may leave voice messages and ask for callbacks, which become contacts of
 * the engine that agents are offered like calls.  When the agent hangs up
 * a call of a queue in workorders.survey_queues the caller is asked to
 * rate it, 1 to 5 (survey.c).  A suspended tenant's callers hear that it
 * is suspended; tenants added or removed at run time are taken in or let
 * go (voice_tenant_added/removed).  The API reads the live calls (info,
 * IVR variables, the screen pop) and steers them (hold, hang up,
 * transfer, consult).
 *
 * Threads: everything here runs on the control loop thread that called
 * voice_alloc() (the thread of the routing engine), except the reading of
 * a voice message's WAV before an agent hears it: a short detached thread
 * per message (work.c), which hands the clip back through the voice
 * channel's mqueue.
 */
#ifndef HOTLINE_VOICE_H
#define HOTLINE_VOICE_H

#include <stdbool.h>
#include <stdint.h>

struct center;
struct center_tenant;
struct acd;
struct store;
struct media;
struct ivr;
struct ivr_prompts;
struct voice;
struct crm;
struct store_screen_pop;

struct voice_cfg {
	const struct center *center; /* trunks, numbers, agents' passwords;
	                                borrowed, must outlive the voice */
	struct acd *acd;             /* routing engine on this loop; borrowed */
	struct store *store;         /* call records; may be NULL (tests) */
	struct media *media;         /* RTP relay; borrowed */
	const char *listen;          /* "127.0.0.1:5060": UDP and TCP */
	/* The IVR on this loop and its prompts (borrowed; the prompts must
	 * outlive every relay, which the voice's calls guarantee by holding
	 * references).  Without ivr, numbers with a flow go to their queue;
	 * without prompts nothing is played (no music, no announcements).
	 * This is the shared set; a tenant may have its own
	 * (voice_tenant_prompts()). */
	struct ivr *ivr;
	struct ivr_prompts *prompts;
	/* Folder of recordings and voice messages (<dir>/<tenant>/<id>.wav);
	 * NULL: nothing is recorded and voice messages are refused. */
	const char *recordings;
};

/* --- voice.c ------------------------------------------------------------- */

/** Start the voice channel: listen for SIP and subscribe to the engine.
 *  Returns 0, EINVAL (bad cfg or listen address), EADDRINUSE, ENOMEM. */
int voice_alloc(struct voice **vp, const struct voice_cfg *cfg);

/** Stop taking new calls and registrations (503), end calls in progress with
 *  BYE and write their records; done(arg) is called once the BYEs are
 *  answered (or after a few seconds at most).  mem_deref() the voice after
 *  done.  Without done, the calls are ended all the same. */
void voice_shutdown(struct voice *v, void (*done)(void *arg), void *arg);

struct voice_stats {
	uint32_t registrations;   /* registered devices (bindings) */
	uint32_t calls_active;    /* calls in progress */
	uint32_t calls_bridged;   /* of which talking to an agent */
	uint64_t calls_total;     /* calls accepted since start */
	uint32_t work_waiting;    /* callbacks and voice messages not done */
	uint64_t ivr_total;       /* calls that ran an IVR flow */
	uint64_t voicemail_total; /* voice messages left */
	uint64_t callback_total;  /* callbacks requested */
};
void voice_stats(const struct voice *v, struct voice_stats *st);
/** A tenant added to the center at run time (src/api/tenants.c): its
 *  queues' music and recordings folder.  Numbers and phones need nothing:
 *  they are looked up in the center at each INVITE and REGISTER.  EINVAL
 *  (music unusable: logged), ENOMEM. */
int voice_tenant_added(struct voice *v, const struct center_tenant *ct);
/** A tenant about to leave the engine (deleted, or replaced by an
 *  import): its phones' registrations are forgotten (they point at the
 *  engine's agents).  Call it with no call of the tenant in progress. */
void voice_tenant_removed(struct voice *v, const struct center_tenant *ct);
/** A tenant's own prompt set (center `tenants[].prompts`), loaded by the
 *  caller with the tenant's folders before the server's so that it is
 *  complete: the tenant's calls play their prompts and the default hold
 *  music from it instead of cfg.prompts (only while cfg.prompts is set).
 *  Takes a reference; plays under way keep the set they started with.
 *  p NULL: the tenant goes back to the shared set.  EINVAL, ENOMEM. */
int voice_tenant_prompts(struct voice *v, const char *tenant,
                         struct ivr_prompts *p);
/** Calls from outside in progress for a tenant (any state). */
unsigned voice_tenant_calls(const struct voice *v, const char *tenant);

/** One variable of a call, for the agent's screen pop. */
typedef void(voice_var_h)(const char *name, const char *value, void *arg);

/** The variables of the call (or callback / voice message) that is the
 *  engine's contact `contact`: what the caller chose and entered in the
 *  IVR (language, menu choices, collected digits, lookup answers, the path
 *  through the flow), in the order first set; at least caller and called.
 *  h is called once per variable, before this returns; the strings are
 *  valid during the call only.  Returns 0, or ENOENT when no call of the
 *  voice channel is that contact (any more).  Control loop. */
int voice_call_vars(const struct voice *v, uint64_t contact, voice_var_h *h,
                    void *arg);

/* --- pop.c: who is calling, for the agent's screen pop ------------------- */

/**
 * Look callers up in the CRM: from now on every call, callback and voice
 * message that arrives starts one asynchronous lookup of its caller's
 * number among its tenant's customers (crm_screen_pop(): the customer,
 * last interactions, open work orders).  The answer is kept with the call
 * (voice_contact_pop()) and its customer id goes into the call's
 * interaction record (or, when the call ended first, is linked to it
 * afterwards).  Nothing waits for it: the call goes on through the IVR and
 * the queue meanwhile.  crm NULL stops looking up.  Control loop.
 */
void voice_set_crm(struct voice *v, struct crm *crm);

enum voice_pop_state {
	VOICE_POP_NONE = 0, /* nothing to look up (no crm, no tenant) */
	VOICE_POP_PENDING,  /* the lookup has not answered yet */
	VOICE_POP_FOUND,    /* pop holds the customer */
	VOICE_POP_UNKNOWN,  /* no customer has the caller's identity */
};
const char *voice_pop_state_name(enum voice_pop_state s);

struct voice_pop {
	enum voice_pop_state state;
	bool by_agent;                      /* linked by an agent */
	const struct store_screen_pop *pop; /* FOUND: valid until the call
	                                       changes (use it at once) */
};

/** The screen pop of an engine contact: 0, or ENOENT (not a call). */
int voice_contact_pop(const struct voice *v, uint64_t contact,
                      struct voice_pop *p);

/** Told (on the control loop) when the screen pop of a contact in the
 *  engine changed: the lookup answered after the call entered its queue,
 *  or an agent linked it.  One handler (the API); NULL removes it. */
typedef void(voice_pop_h)(uint64_t contact, void *arg);
void voice_set_poph(struct voice *v, voice_pop_h *h, void *arg);

/** An agent links the call of contact to customer (an id of the call's
 *  tenant).  done(err, arg) runs later on the loop: 0 linked (the pop
 *  is the customer's, voice_pop_h was told), ENOENT no such customer,
 *  ESRCH the call ended meanwhile, ESHUTDOWN.  Returns 0 when done will
 *  run, else ENOENT (no call is that contact), ENOSYS (no crm), an errno
 *  and no call. */
typedef void(voice_link_h)(int err, void *arg);
int voice_contact_link(struct voice *v, uint64_t contact, const char *customer,
                       voice_link_h *done, void *arg);

/** What a variable of the IVR is, from the flow that set it. */
enum voice_var_kind {
	VOICE_VAR_CALL = 0, /* caller, called, tenant, flow, language, path */
	VOICE_VAR_MENU,     /* a menu node's choice: the key pressed */
	VOICE_VAR_DIGITS,   /* a collect node's digits */
	VOICE_VAR_LOOKUP,   /* stored by an http node from its answer */
	VOICE_VAR_OTHER,
};
typedef void(voice_ivr_h)(enum voice_var_kind kind, const char *node,
                          const char *name, const char *value, void *arg);
/** voice_call_vars() with each variable's kind and the node that set it
 *  (NULL for VOICE_VAR_CALL/OTHER).  ENODATA when no flow ran for the
 *  contact, ENOENT when it is no call. */
int voice_call_ivr(const struct voice *v, uint64_t contact, voice_ivr_h *h,
                   void *arg);

/** Registered devices of an agent (for the API): number of bindings. */
unsigned voice_agent_devices(const struct voice *v, const char *tenant,
                             const char *agent);

/* --- control.c: calls seen and steered from the agent's desktop ---------- */

/** What the API shows of a call in the engine. */
struct voice_contact_info {
	char interaction[28]; /* id of the call's interaction record */
	char caller[64];      /* From user */
	char dialed[64];      /* the number called */
	bool bridged;         /* talking to an agent */
	bool held;            /* held from the desktop or by a phone */
};

/** The call of an engine contact: 0 or ENOENT (not a call, or over). */
int voice_contact_info(const struct voice *v, uint64_t contact,
                       struct voice_contact_info *ci);

/* The agent's current call (bridged to that agent's phone), steered as
 * from the phone: each returns 0, ENOENT (the agent has no call), EBUSY
 * (not possible now), EINVAL (bad target), ENOTSUP (an outside number
 * but the tenant has no outbound trunk or dialing out is off), EACCES (an
 * outside number refused by the tenant's allow/deny prefixes).  Outside
 * numbers are called through the trunk (src/voice/outbound.c). */
int voice_call_hold(struct voice *v, const char *tenant, const char *agent,
                    bool hold);
/** Hang up both sides; the agent goes to wrap-up. */
int voice_call_hangup(struct voice *v, const char *tenant, const char *agent);
/** Blind transfer: target "queue:NAME", a dialed number of the tenant,
 *  another agent's extension, or an outside number; the agent's phone is
 *  hung up. */
int voice_call_transfer(struct voice *v, const char *tenant, const char *agent,
                        const char *target);
/** Consultation: the caller waits in silence while the agent's phone is
 *  connected to another agent's (target: an extension of the tenant, or an
 *  outside number through the trunk;
 *  EHOSTUNREACH: no registered phone; EBUSY: that agent is busy; EALREADY:
 *  one is in progress).  Complete hands the call to the consulted agent
 *  (the agent's phone gets BYE; EBUSY until it answered); cancel takes it
 *  back (ESRCH: no consultation). */
int voice_call_consult(struct voice *v, const char *tenant, const char *agent,
                       const char *target);
int voice_call_consult_complete(struct voice *v, const char *tenant,
                                const char *agent);
int voice_call_consult_cancel(struct voice *v, const char *tenant,
                              const char *agent);
/** The engine contact of the agent's current call, or ACD_NONE-like
 *  UINT64_MAX when it has none in the engine. */
uint64_t voice_agent_contact(const struct voice *v, const char *tenant,
                             const char *agent);

/** Is the agent talking on a call (bridged to its phone)? */
bool voice_agent_in_call(const struct voice *v, const char *tenant,
                         const char *agent);

/** INVITE-in to agent-INVITE-out latencies: counts per bucket i holding
 *  [2^i, 2^(i+1)) microseconds; returns the number of buckets (24). */
unsigned voice_latency_hist(const struct voice *v, uint64_t *hist, unsigned n,
                            uint64_t *count);

#endif
