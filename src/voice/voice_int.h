/**
 * @file voice_int.h  Private interface of the voice channel, grouped by the
 * file that defines each part.
 *
 * Ownership in one picture:
 *   voice ── registrar ── aor (one per agent with bindings) ── binding
 *         ── ratelimit ── buckets
 *         ── calls ── call ── leg a (caller), leg b (bridged agent)
 *                          ── offers ── offer (one per agent rung) ── legs
 *                          ── relay (media)
 * A call is found from engine events by its contact id (v->ht_contact),
 * never through the event's owner pointer alone: events may arrive after
 * the call ended.
 */
#ifndef HOTLINE_VOICE_INT_H
#define HOTLINE_VOICE_INT_H

#include <re.h>

#include "acd/acd.h"
#include "center/center.h"
#include "core/core.h"
#include "voice/voice.h"

#define VOICE_CUSER "hotline"
#define VOICE_ALLOW "INVITE, ACK, BYE, CANCEL, OPTIONS, REFER, NOTIFY, INFO"
#define VOICE_SDP   "application/sdp"

struct registrar;
struct ratelimit;
struct call;
struct leg;
struct offer;
struct media_relay;
struct reg_aor;
struct leg_refer;

/* --- auth.c: digest authentication (RFC 2617 / 3261 MD5) ---------------- */

struct voice_auth {
	uint8_t key[16];      /* secret for stateless nonces */
	uint32_t nonce_ttl_s; /* a nonce older than this is stale */
};

enum auth_result {
	AUTH_OK = 0,
	AUTH_MISSING, /* no Authorization header: challenge */
	AUTH_STALE,   /* our nonce, expired: challenge with stale=true */
	AUTH_FAILED,  /* wrong password, user, realm or forged nonce */
};

void auth_init(struct voice_auth *a, uint32_t nonce_ttl_s);
/** Check the Authorization of msg for user@realm with password (NULL
 *  password: the user is unknown and the answer can only be AUTH_FAILED
 *  or a challenge). */
enum auth_result auth_check(const struct voice_auth *a,
                            const struct sip_msg *msg, const char *realm,
                            const char *user, const char *password);
/** Reply 401 with a fresh challenge. */
int auth_challenge(const struct voice_auth *a, struct sip *sip,
                   const struct sip_msg *msg, const char *realm, bool stale);

/* --- ratelimit.c: token buckets of failed attempts per source ------------ */

struct ratelimit_cfg {
	double addr_rate, addr_burst; /* per source address and port */
	double host_rate, host_burst; /* per source IP, any port */
};
int ratelimit_alloc(struct ratelimit **rlp, const struct ratelimit_cfg *cfg);
/** True while src may not try again (no token left); logs the first block
 *  and, later, how many were refused. */
bool ratelimit_blocked(struct ratelimit *rl, const struct sa *src);
/** Count one failed attempt from src. */
void ratelimit_fail(struct ratelimit *rl, const struct sa *src);
/** Sources currently tracked (tests). */
uint32_t ratelimit_count(const struct ratelimit *rl);

/* --- registrar.c: REGISTER and the bindings table ------------------------ */

/** One registered device of an agent. */
struct binding {
	struct le le;        /* in aor->bindings */
	struct le tle;       /* in registrar expiry list, by expires */
	struct le ale;       /* in registrar address hash */
	struct reg_aor *aor; /* borrowed: the aor owns the binding */
	char *uri;           /* Contact URI, where to send INVITEs */
	char *callid;        /* of the REGISTER that made it */
	uint32_t cseq;
	struct sa src; /* the REGISTER's source address */
	enum sip_transp tp;
	uint64_t expires; /* hl_mono_ms() deadline */
};

int registrar_alloc(struct registrar **rp, struct voice *v);
/** Handle a REGISTER request (always replies). */
void registrar_handle(struct registrar *r, const struct sip_msg *msg);
/** The bindings (struct binding) of an agent, or NULL if none. */
const struct list *registrar_bindings(const struct registrar *r,
                                      const char *tenant, const char *agent);
/** A binding whose REGISTER came from src (IP and port), or NULL. */
const struct binding *registrar_find_addr(const struct registrar *r,
                                          const struct sa *src);
uint32_t registrar_count(const struct registrar *r);
/** A call of the agent ended: log it out if available_on_register and its
 *  last device went away during the call. */
void registrar_agent_idle(struct registrar *r, struct acd_agent *agent,
                          const struct center_tenant *ct);
/** Tenant and agent of the center for a user (and optional domain, which
 *  picks the tenant when the extension exists in several). */
const struct center_agent *voice_agent_lookup(const struct voice *v,
                                              const struct pl *user,
                                              const struct pl *domain,
                                              const struct center_tenant **ctp);

/* --- voice.c: the channel object, SIP dispatch, engine events ----------- */

struct voice {
	struct voice_cfg cfg;      /* borrowed pointers; listen not kept */
	struct sip *sip;           /* owning */
	struct sipsess_sock *sock; /* owning */
	struct sip_lsnr *lsnr;     /* owning: REGISTER, OPTIONS */
	struct registrar *reg;     /* owning */
	struct ratelimit *rl;      /* owning */
	struct voice_auth auth;
	struct list calls;       /* struct call, owning */
	struct hash *ht_contact; /* calls by engine contact id, borrowed */
	struct sa laddr;         /* SIP listen address */
	uint32_t boot;           /* start time, prefix of call ids */
	uint32_t seq;            /* call id sequence */
	uint64_t calls_total;
	uint32_t calls_bridged;
	uint32_t denied; /* INVITEs refused (log limiter) */
	/* INVITE in to first agent INVITE out, histogram of 2^i us */
	uint32_t lat_hist[24];
	uint64_t lat_n, lat_max_ns;
	bool subscribed;
	bool closing;            /* voice_shutdown() called */
	struct call *adding;     /* call inside acd_contact_add() */
	uint64_t close_deadline; /* shutdown: give up waiting then */
	void (*doneh)(void *arg);
	void *done_arg;
	struct tmr tmr_close;
};

/** Count one INVITE-in to agent-INVITE-out latency. */
void voice_latency_add(struct voice *v, uint64_t ns);
/** Reply to a request with a status and an optional Reason-like log. */
void voice_reply(struct voice *v, const struct sip_msg *msg, uint16_t scode,
                 const char *reason);

/* --- trunk.c: a new INVITE ------------------------------------------------ */

/** sipsess connection handler: an INVITE outside any dialog. */
void trunk_invite(const struct sip_msg *msg, void *arg);

/* --- call.c: one call, both legs, the engine's decisions ---------------- */

enum call_state {
	CALL_NEW = 0, /* being set up */
	CALL_QUEUED,  /* in the engine, waiting or offered */
	CALL_BRIDGED, /* talking to an agent */
	CALL_DIRECT,  /* ringing an extension outside the engine */
	CALL_ENDED,
};

enum call_disp {
	DISP_NONE = 0,
	DISP_ANSWERED,
	DISP_ABANDONED,
	DISP_OVERFLOWED,
	DISP_FAILED,
};

struct codec {
	int pt;       /* payload type of the audio codec */
	char name[8]; /* "PCMU" or "PCMA" */
	uint32_t srate;
	int te_pt; /* telephone-event payload type, -1 if none */
};

struct call {
	struct le le;    /* in v->calls */
	struct le he;    /* in v->ht_contact while in the engine */
	struct voice *v; /* borrowed */
	char id[28];     /* for logs ("call <id>: ...") and the
	                    record: a store id (ULID) */
	enum call_state state;
	const struct center_tenant *ct; /* borrowed from the center */
	struct acd_queue *queue;        /* borrowed from the engine */
	uint64_t contact;             /* engine contact id, ACD_NONE if none */
	const struct sip_msg *invite; /* the caller's INVITE until it is
	                               answered (owning), for the final
	                               response if the call ends first */
	struct leg *a;                /* caller's leg, owning */
	struct leg *b;                /* bridged agent leg, owning */
	struct list offers;           /* struct offer, owning */
	struct media_relay *relay;    /* owning */
	struct codec codec;
	struct acd_agent *agent; /* connected agent (borrowed) */
	char *caller;            /* From user */
	char *dialed;            /* Request-URI user */
	char *queue_name;        /* last queue */
	char *agent_id;          /* last agent connected */
	char *xfer_from;         /* agent who transferred, for the log */
	char *direct_agent;      /* agent rung or talking outside the
	                            engine (not-ready "direct-call") */
	struct leg *xferor;      /* agent leg that transferred, owning,
	                            until it hangs up */
	bool queue_overflowed;
	uint8_t priority; /* contact priority (from the number) */
	uint64_t t_arrived, t_queued, t_offered, t_answered, t_ended;
	uint64_t t_in_ns; /* hl_mono_ns() when the INVITE came */
	enum call_disp disp;
	uint16_t scode; /* SIP code that ended the call */
	char reason[64];
	bool counted_bridged;
};

/** An attempt to reach one agent: its devices rung in parallel. */
struct offer {
	struct le le;            /* in call->offers */
	struct call *call;       /* borrowed */
	struct acd_agent *agent; /* borrowed; NULL never */
	const struct center_tenant *ct;
	char *agent_id;
	struct list legs; /* struct leg, owning */
	bool direct;      /* transfer to an extension: no engine */
	bool ended;       /* the engine withdrew it */
	uint16_t scode;   /* best failure seen */
	struct tmr tmr;   /* direct: ring timeout */
};

int call_alloc(struct call **cp, struct voice *v, const struct sip_msg *msg,
               const struct center_tenant *ct);
void call_set_contact(struct call *c, uint64_t id);
int call_enqueue(struct call *c, struct acd_queue *q, uint8_t prio);
struct call *call_find(const struct voice *v, uint64_t contact);
/** The engine offers the call to agent a: ring its devices. */
void call_offer(struct call *c, struct acd_agent *a);
/** The engine ended the offer to a (timeout, taken, abandoned, ...). */
void call_offer_ended(struct call *c, const struct acd_agent *a,
                      enum acd_end_reason end);
void call_overflowed(struct call *c, enum acd_overflow_action action,
                     const char *target);
void call_queued(struct call *c, const struct acd_queue *q);
/** Ring an agent directly (transfer to an extension). */
int call_ring_direct(struct call *c, const struct center_tenant *ct,
                     const struct center_agent *ca);
/** Move the call (bridged) into queue q as a blind transfer. */
int call_transfer_queue(struct call *c, struct acd_queue *q);
/** The bridged agent leaves (transfer); its leg becomes c->xferor. */
void call_detach_agent(struct call *c);
/** A direct ring failed: back to the call's queue, or end it. */
void call_direct_failed(struct call *c, uint16_t scode);
/** End the call: BYE or CANCEL what is left, tell the engine, record. */
void call_end(struct call *c, enum call_disp disp, uint16_t scode,
              const char *reason);
const char *call_disp_name(enum call_disp d);

/* call.c, leg callbacks */
void call_leg_established(struct leg *leg, const struct sip_msg *msg);
void call_leg_closed(struct leg *leg, int err, const struct sip_msg *msg);
void call_leg_progress(struct leg *leg, const struct sip_msg *msg);
void call_leg_hold(struct leg *leg, bool hold);

/* --- leg.c: one SIP dialog of a call ------------------------------------- */

enum leg_state {
	LEG_NEW = 0,
	LEG_RINGING, /* agent leg: INVITE sent */
	LEG_EARLY,   /* agent leg: 180/183 received */
	LEG_ESTABLISHED,
	LEG_CLOSED,
};

struct leg {
	struct le le;            /* in offer->legs */
	struct call *call;       /* borrowed */
	struct offer *offer;     /* borrowed; NULL once bridged */
	struct sipsess *sess;    /* owning */
	struct sdp_session *sdp; /* owning */
	struct sdp_media *sm;    /* owned by sdp */
	unsigned side;           /* 0 caller, 1 agent */
	enum leg_state state;
	char *uri;               /* agent leg: the device's contact */
	bool held;               /* the remote put us on hold */
	bool answer_ok;          /* agent leg: its SDP answer is usable */
	struct leg_refer *refer; /* owning: REFER being reported */
};

/** Caller leg: decode the INVITE's offer and pick the codec; 488 when no
 *  common codec (EPROTO), EBADMSG when the SDP is unusable. */
int leg_caller_alloc(struct leg **lp, struct call *c,
                     const struct sip_msg *msg);
/** Answer the caller's INVITE with 200 and our SDP. */
int leg_caller_accept(struct leg *leg, const struct sip_msg *msg);
/** Agent leg: INVITE uri offering the call's codec. */
int leg_agent_connect(struct leg **lp, struct call *c, struct offer *o,
                      const char *uri);
/** Remote media address of a leg (after its SDP was decoded). */
const struct sa *leg_raddr(const struct leg *leg);

/* --- refer.c: blind transfer --------------------------------------------- */

/** sipsess REFER handler of an agent leg. */
void refer_handler(struct sip *sip, const struct sip_msg *msg, void *arg);
/** Report the outcome of a transfer to the transferor (NOTIFY sipfrag). */
void refer_notify(struct leg *leg, uint16_t scode, const char *reason);

/* --- record.c: the interaction record ------------------------------------ */

void record_write(struct call *c);

/* --- media glue (call.c) -------------------------------------------------- */

int call_relay_laddr(const struct call *c, unsigned side, struct sa *sa);
void call_relay_remote(struct call *c, unsigned side, const struct sa *sa);

#endif
