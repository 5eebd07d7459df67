/**
 * @file voice.h  The voice channel: SIP trunks in, agent phones, calls
 * routed by the engine and bridged.
 *
 * Owns: the SIP stack (UDP and TCP on one address), the registrar of agent
 * phones (bindings with expiry, digest authentication, a rate limit on
 * failed attempts), and every call in progress: the caller's leg, the
 * agent legs being rung, the bridged agent leg and the media relay between
 * them.  It writes one interaction record per call to the store.
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
 * (REFER) to a queue, a dialed number or another agent's extension.
 * Answered calls of queues that say so are recorded (stereo WAV); callers
 * may leave voice messages and ask for callbacks, which become contacts of
 * the engine that agents are offered like calls.
 *
 * Threads: everything here runs on the control loop thread that called
 * voice_alloc() (the thread of the routing engine).
 */
#ifndef HOTLINE_VOICE_H
#define HOTLINE_VOICE_H

#include <stdint.h>

struct center;
struct acd;
struct store;
struct media;
struct ivr;
struct ivr_prompts;
struct voice;

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
	 * without prompts nothing is played (no music, no announcements). */
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

/** Registered devices of an agent (for the API): number of bindings. */
unsigned voice_agent_devices(const struct voice *v, const char *tenant,
                             const char *agent);

#endif
