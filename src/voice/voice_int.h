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
struct media_clip;
struct media_event;
struct reg_aor;
struct leg_refer;
struct ivr_session;
struct vqueue;
struct consult;

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
/** Forget every registration of a tenant being removed. */
void registrar_tenant_drop(struct registrar *r, const struct center_tenant *ct);
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
	struct list tprompts; /* struct tprompts: tenants' own prompt sets */
	struct vqueue *vq; /* per queue of the center: music, owning */
	size_t nvq;
	struct mqueue *mq;  /* file loads finished on a worker */
	uint64_t ivr_total; /* calls that ran an IVR flow */
	uint64_t vm_total;  /* voice messages left */
	uint64_t cb_total;  /* callbacks requested */
	/* screen pop (pop.c) */
	struct crm *crm;  /* borrowed, NULL: no lookups */
	struct list pops; /* struct pop_req in flight, borrowed (the
	                     store's jobs own them) */
	voice_pop_h *poph;
	void *pop_arg;
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
	CALL_IVR,     /* answered by a flow of the IVR */
	CALL_QUEUED,  /* in the engine, waiting or offered */
	CALL_BRIDGED, /* talking to an agent */
	CALL_DIRECT,  /* ringing an extension outside the engine */
	CALL_MESSAGE, /* out of the engine: a callback offer, a voice
	                 message being left, a last message before BYE */
	CALL_ENDED,
};

enum call_disp {
	DISP_NONE = 0,
	DISP_ANSWERED,
	DISP_ABANDONED,
	DISP_OVERFLOWED,
	DISP_FAILED,
	DISP_SELF, /* served without an agent: the flow's end, a voice
	              message, a callback request */
};

/** What a call is: a caller on the line, or work an agent does later. */
enum call_kind {
	CALL_INBOUND = 0, /* a caller's INVITE */
	CALL_CALLBACK,    /* a callback request: no caller leg; offered to
	                     agents, who hear the number to call */
	CALL_VOICEMAIL,   /* a voice message: as a callback, and the agent
	                     hears the message too */
};

/** What the caller (side 0) hears while not bridged to an agent. */
enum call_media {
	CM_NONE = 0, /* the relay: an agent, or nothing */
	CM_IVR,      /* the IVR session's prompts */
	CM_QUEUE,    /* music on hold and announcements */
	CM_HOLD,     /* the agent holds: music */
	CM_DIALOG,   /* a callback offer or a voice message (message.c) */
	CM_BYE,      /* a last message, then BYE */
	CM_PREVIEW,  /* work item: the agent (side 1) hears what to do */
};

/* message.c: where a callback offer or a voice message stands */
enum dlg_state {
	DLG_NONE = 0,
	DLG_CB_OFFER,   /* "press 1 to be called back on this number" */
	DLG_CB_ENTER,   /* entering another number, '#' ends */
	DLG_CB_CONFIRM, /* "you entered ... press 1 to confirm" */
	DLG_VM_TONE,    /* the beep before the message */
	DLG_VM_REC,     /* recording the message */
	DLG_SURVEY,     /* survey.c: "rate the call, press 1 to 5" */
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
	bool direct_ivr;  /* the extension rung is the IVR's transfer node:
	                     if it fails, back to the node's on_error */
	uint8_t priority; /* contact priority (from the number) */
	uint64_t t_arrived, t_queued, t_offered, t_answered, t_ended;
	uint64_t t_in_ns; /* hl_mono_ns() when the INVITE came */
	enum call_disp disp;
	uint16_t scode; /* SIP code that ended the call */
	char reason[64];
	bool counted_bridged;

	enum call_kind kind;
	char lang[8];            /* the caller's language (IVR choice, else
	                            the tenant's first) */
	const char *flow;        /* borrowed from the center: the number's
	                            flow, NULL if none */
	struct ivr_session *ivr; /* owning: the flow, kept after it handed
	                            the call over (its variables) */
	struct list vars;        /* struct call_var, owning: work items'
	                            copy of the caller's variables */

	/* media towards the caller (play.c) */
	enum call_media cm;
	uint32_t token;          /* the play whose end the call waits for */
	uint32_t play_seq;       /* tokens handed out */
	uint32_t music_token;    /* the music play, whose end moves moh_pos */
	uint64_t moh_pos;        /* samples into the music: resumes there */
	bool announcing;         /* CM_QUEUE: an announcement plays */
	uint32_t announced;      /* announcements made */
	enum call_disp bye_disp; /* CM_BYE: how the call ends */
	char bye_reason[64];

	/* dialogues (message.c) */
	enum dlg_state dlg;
	struct tmr tmr; /* silence after a question, message length */
	uint8_t tries;
	char entry[24]; /* a number being entered */
	size_t nentry;
	uint64_t vm_started; /* hl_mono_ms() when the recording started */
	char *vm_queue;      /* queue of the voice message/callback */

	/* recording (record.c): the answered call, or the voice message */
	char *rec_path;  /* owning: the call's recording, NULL if none */
	bool rec_failed; /* the writer reported an error */
	char *vm_path;   /* owning: the voice message left, NULL if none */
	bool vm_failed;
	char *work_path;              /* work item: the voice message's file */
	char *origin;                 /* work item: id of the caller's record */
	struct media_clip *work_clip; /* owning: the message, loaded */
	bool work_loading;            /* a thread reads the message */
	bool work_played;             /* the agent heard the message */
	bool desk_held;          /* held from the agent's desktop (control.c) */
	struct consult *consult; /* consultation in progress (consult.c),
	                            which holds a reference to the call */
	bool surveyed;           /* the post-call survey ran (survey.c) */
	uint8_t satisfaction;    /* the caller's score 1..5, 0 none */
	struct outcall *out;     /* outbound.c: an outside number ringing,
	                            owning */
	char *outside;           /* outside number transferred to, owning */

	/* screen pop (pop.c) */
	enum voice_pop_state pop_state;
	bool pop_by_agent;
	uint8_t pop_inflight;         /* lookups pointing to the call */
	struct store_screen_pop *pop; /* owning: FOUND */
	char customer[28];            /* linked customer id, "" none */
};

/** A caller's variable copied into a work item. */
struct call_var {
	struct le le;
	char *name, *value; /* owning */
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
/** A work item (callback or voice message) with no caller leg. */
int call_alloc_work(struct call **cp, struct voice *v,
                    const struct center_tenant *ct, enum call_kind kind,
                    const char *number, const char *dialed);
void call_set_contact(struct call *c, uint64_t id);
/** skills (may be NULL) override the queue's step-0 requirements. */
int call_enqueue(struct call *c, struct acd_queue *q, uint8_t prio,
                 const struct acd_skill_req *skills, size_t nskills);
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
/** The bridged agent hung up but the caller stays (the survey): the engine
 *  completes the contact (the agent wraps up), the agent's leg goes, side 1
 *  of the relay is closed; the call is out of the engine. */
void call_agent_done(struct call *c);
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

/** sipsess INFO handler of the caller's leg: DTMF (application/dtmf-relay,
 *  application/dtmf) into the relay's digit gate. */
void leg_info_handler(struct sip *sip, const struct sip_msg *msg, void *arg);
/** The digit of an INFO body (0 if none): "Signal=5" (dtmf-relay) or "5"
 *  (dtmf).  For the tests. */
char leg_info_digit(const struct pl *ctype_sub, const struct mbuf *mb);

/* --- refer.c: blind transfer --------------------------------------------- */

/** sipsess REFER handler of an agent leg. */
void refer_handler(struct sip *sip, const struct sip_msg *msg, void *arg);
/** A transfer target of the call's tenant by name: a dialed number (its
 *  queue), a voice queue, or an agent's extension.  ENOENT if none. */
int voice_resolve_target(const struct call *c, const char *name,
                         struct acd_queue **qp,
                         const struct center_agent **cap);
/** Report the outcome of a transfer to the transferor (NOTIFY sipfrag). */
void refer_notify(struct leg *leg, uint16_t scode, const char *reason);

/* --- outbound.c: calls out through a trunk ------------------------------- */

/** Where and as whom an outside number is called. */
struct outbound_dest {
	const struct center_trunk *tr; /* borrowed from the center */
	char number[32];               /* as asked for */
	char uri[256];                 /* Request-URI: sip:DIAL@trunk */
	char caller_id[64];            /* From user */
};

enum outbound_origin {
	OUT_IVR = 0, /* a flow's transfer node: failure -> on_error */
	OUT_AGENT,   /* an agent's transfer: failure -> back to the queue */
};

/** number as an outside number of the call's tenant: 0 (*d filled),
 *  EINVAL (not an outside number), ENOTSUP (no outbound trunk, dialing out
 *  off), EACCES (refused by the tenant's allow/deny prefixes). */
int outbound_dest(const struct call *c, const char *number,
                  struct outbound_dest *d);
/** sip_auth_h with arg a const struct center_trunk *. */
int outbound_auth(char **user, char **pass, const char *realm, void *arg);
/** INVITE d for leg (zeroed, in a larger object; its sdp and sess are set)
 *  offering the call's codec on side 1 of relay r, with the handlers'
 *  arg.  0 or errno. */
int outbound_leg_connect(struct leg *leg, struct call *c,
                         struct media_relay *r, const struct outbound_dest *d,
                         sipsess_offer_h *offerh, sipsess_answer_h *answerh,
                         sipsess_progr_h *progrh, sipsess_estab_h *estabh,
                         sipsess_close_h *closeh, void *arg);
/** Ring d for the answered caller of c (music meanwhile, or the carrier's
 *  early media); answered, it becomes c->b; a failure sends the caller
 *  back (see origin).  0, EBUSY, or the errno of the INVITE. */
int call_ring_outside(struct call *c, const struct outbound_dest *d,
                      enum outbound_origin origin);
/** Blind transfer of a bridged call to d: the agent leg leaves (as
 *  c->xferor) and the engine contact is completed.  0, EBUSY. */
int voice_transfer_outside(struct call *c, const struct outbound_dest *d);

/* --- record.c: the interaction record, recordings ------------------------ */
/* --- consult.c: consultation from the desktop --------------------------- */

/** Ring ca's first device for the bridged agent of c while the caller
 *  waits: 0, EALREADY (one in progress), EBUSY (ca busy), EHOSTUNREACH
 *  (no registered phone), EINVAL, ENOMEM. */
int call_consult_start(struct call *c, const struct center_agent *ca);
/** The same with an outside number through the trunk (EALREADY, ENOMEM,
 *  or the INVITE's errno). */
int call_consult_start_outside(struct call *c, const struct outbound_dest *d);
/** Hand the call to the consulted agent (ESRCH none, EBUSY not answered
 *  yet); the consulting agent's phone gets BYE. */
int call_consult_complete(struct call *c);
/** Back to the caller; the consulted phone gets BYE (ESRCH none). */
int call_consult_cancel(struct call *c);

/* --- record.c: the interaction record ------------------------------------ */

void record_write(struct call *c);
/** The file of a recording of call c: <recordings>/<tenant>/<id><suffix>.wav
 *  (suffix "" or "-voicemail").  ENOMEM; ENOENT without a folder. */
int record_path(const struct call *c, const char *suffix, char **pathp);
/** Record the answered call (stereo) if its queue or tenant says so and it
 *  is not recorded yet. */
void record_call_start(struct call *c);

/* --- queues.c: the voice side of each queue ------------------------------- */

/** What voice keeps per queue of the center. */
struct vqueue {
	const struct center_tenant *ct;
	const struct center_queue *cq;
	struct media_clip *music; /* owning: the queue's file, or NULL */
};

/** Load the queues' music (files: at start-up) and make the recording
 *  folders.  Returns EINVAL (logged) for music that cannot be read. */
int vqueues_init(struct voice *v);
void vqueues_free(struct voice *v);
const struct vqueue *vqueue_find(const struct voice *v,
                                 const struct center_tenant *ct,
                                 const char *name);

/* --- play.c: what the caller hears --------------------------------------- */

/** Set up the relay's players and digit detection for the call's codec and
 *  start receiving its media events. */
void call_media_init(struct call *c);
/** Play prompts ("zh/menu/main", ...) to side; returns the token or 0 when
 *  nothing could be played (no prompt found). */
uint32_t call_play(struct call *c, int side, const char *const *paths, size_t n,
                   bool barge);
/** Play a clip (a voice message); owner keeps its samples. */
uint32_t call_play_clip(struct call *c, int side, const struct media_clip *clip,
                        void *owner);
/** Stop what plays to the caller and forget it. */
void call_media_stop(struct call *c);
/** Music and announcements for a queued call (and music while ringing an
 *  extension).  Restarts nothing already playing unless restart. */
void call_queue_media(struct call *c, bool restart);
/** The agent holds or resumes: music to the caller, or the agent again. */
void call_hold_media(struct call *c, bool hold);
/** A key while queued: the queue's offer_callback (1) or offer_voicemail
 *  (2) takes the caller out of the queue into that dialogue. */
void call_queue_digit(struct call *c, char digit);
/** Play a last message, then end the call with disp and reason. */
void call_say_bye(struct call *c, const char *const *names, size_t n,
                  enum call_disp disp, const char *reason);
/** "zh/name" for the caller's language (or common). */
void call_prompt(const struct call *c, const char *name, char *buf, size_t sz);
/** The prompt set of the call's tenant (tenants[].prompts), else the
 *  shared one (cfg.prompts); NULL without prompts. */
struct ivr_prompts *call_prompts(const struct call *c);
/** Drop the tenants' prompt sets (the voice's destructor). */
void voice_tprompts_free(struct voice *v);

/* --- flow.c: the IVR's ops ------------------------------------------------ */

/** Run the number's flow for an answered call: 0, or an errno (the caller
 *  then goes to the number's queue). */
int call_flow_start(struct call *c, const char *flow);
void call_flow_digit(struct call *c, char digit);
void call_flow_play_done(struct call *c);

/* --- message.c: callback offers, voice messages, work items -------------- */

/** How a callback offer or a voice message is introduced. */
enum dlg_intro {
	DLG_QUIET = 0, /* the flow said it already: just the tone */
	DLG_BUSY,      /* overflow: "all our agents are busy" first */
	DLG_ASKED,     /* the caller pressed the queue's key for it */
};
/** A callback offered to the caller (overflow, or the queue's key 1). */
void dlg_callback_offer(struct call *c, const char *queue,
                        enum dlg_intro intro);
/** Record a voice message for queue; ENOTSUP when messages are off (the
 *  caller then hears so, and BYE). */
int dlg_voicemail(struct call *c, const char *queue, enum dlg_intro intro);
void dlg_digit(struct call *c, char digit);
void dlg_play_done(struct call *c);
/** The caller hangs up during a dialogue: a message being left is kept. */
void dlg_caller_gone(struct call *c);
void dlg_record_event(struct call *c, const struct media_event *ev);
/** Register a callback to number in queue (a work item); 0 or errno. */
int work_callback(struct call *c, const char *queue, const char *number);
/** A voice message at path for queue (a work item); 0 or errno. */
int work_voicemail(struct call *c, const char *queue, const char *path);
/** Free what a work item holds (call destructor). */
void work_vars_flush(struct call *c);
/** Read a voice message's file into a clip on a thread (first offer). */
void work_load(struct call *c);
struct clip_job;
/** The voice's mqueue handler: a message was read. */
void work_load_done(struct clip_job *j);
/** A work item was answered by an agent: tell the agent. */
void work_preview(struct call *c);
void work_preview_done(struct call *c);

/* --- survey.c: the post-call survey --------------------------------------- */

/** The bridged agent hung up: ask the caller to rate the call if its queue
 *  is one of the tenant's survey_queues.  False: no survey (end the call as
 *  before); true: the survey owns the caller from here. */
bool survey_start(struct call *c);
void survey_digit(struct call *c, char digit);
void survey_play_done(struct call *c);
/** The caller hung up during the survey: the call ends, answered. */
void survey_caller_gone(struct call *c);

/* --- pop.c: the caller's customer ---------------------------------------- */

struct pop_req;
/** Start looking the caller of a new call up (when a crm is set). */
void pop_start(struct call *c);
/** The call goes (destructor): a lookup in flight no longer points to it. */
void pop_call_gone(struct call *c);
/** The voice goes: lookups in flight answer into nothing. */
void pop_voice_gone(struct voice *v);

/* --- media glue (call.c) -------------------------------------------------- */

int call_relay_laddr(const struct call *c, unsigned side, struct sa *sa);
void call_relay_remote(struct call *c, unsigned side, const struct sa *sa);

#endif
