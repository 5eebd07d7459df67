/**
 * @file ivr_int.h  Private to src/ivr: the IVR object and the session's
 * state, shared by ivr.c, session.c, http.c and vars.c.
 *
 * Threads: the control loop that created the struct ivr.
 */
#ifndef HOTLINE_IVR_INT_H
#define HOTLINE_IVR_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* libre's re.h brings its own JSON names, which clash with jansson's */
#include <re_types.h>
#include <re_fmt.h>
#include <re_mem.h>
#include <re_mbuf.h>
#include <re_list.h>
#include <re_sa.h>
#include <re_tmr.h>
#include <re_msg.h>
#include <re_dns.h>
#include <re_http.h>

#include <jansson.h>

#include "center/center.h"
#include "ivr/ivr.h"

struct ivr {
	const struct center *center; /* reference */
	struct ivr_tz **tz;          /* owned, one per tenant (index) */
	size_t ntz;
	ivr_clock_h *clock;
	void *clock_arg;
	struct dnsc *dnsc;     /* reference */
	struct http_cli *http; /* owned */
};

/** The zone of tenant t (NULL: UTC). */
const struct ivr_tz *ivr_tenant_tz(const struct ivr *ivr,
                                   const struct center_tenant *t);

/* What a session waits for. */
enum ivr_phase {
	PH_IDLE = 0, /* between steps, or not started */
	PH_PLAY,     /* a playback to end (play_done) */
	PH_INPUT,    /* digits of a menu or collect (timer armed) */
	PH_HTTP,     /* a lookup's answer (timer armed) */
	PH_DONE,     /* handed over or hung up */
};

/* What follows the current playback. */
enum ivr_after {
	AFTER_BODY = 0, /* the node's own work after its prompts */
	AFTER_REPLAY,   /* a menu or collect asks again */
	AFTER_GOTO,     /* enter after_node */
	AFTER_HANGUP,   /* hang up with cause */
};

#define IVR_SEQ_MAX  128 /* prompts in one play() */
#define IVR_PATH_MAX 512

struct ivr_session {
	struct ivr *ivr;                /* reference */
	const struct center_tenant *t;  /* borrowed from ivr->center */
	const struct center_flow *flow; /* borrowed */
	const struct ivr_tz *tz;        /* borrowed from ivr */
	const struct ivr_ops *ops;      /* borrowed */
	void *arg;
	char *id; /* owned */
	char lang[8];
	struct list vars; /* struct ivr_var */

	size_t node; /* current, CENTER_NODE_NONE before the start */
	enum ivr_state state;
	enum ivr_phase phase;
	bool started;
	bool dead; /* the channel let go during an op: call nothing */

	/* playback */
	enum ivr_after after;
	size_t after_node;
	int cause; /* for AFTER_HANGUP */
	bool barge;
	const char *seq[IVR_SEQ_MAX];
	char seqbuf[IVR_SEQ_MAX * 48];

	/* input */
	char typeahead[IVR_TYPEAHEAD_MAX];
	size_t ntype;
	size_t dropped; /* digits beyond IVR_TYPEAHEAD_MAX */
	char entry[CENTER_DIGITS_MAX + 1];
	size_t nentry;
	uint32_t tries;
	unsigned steps; /* nodes entered since the caller was waited for */

	struct tmr tmr;

	/* lookup */
	struct http_req *req; /* owned; NULLed by libre when it answers */
	json_t *answer;       /* owned: the JSON object answered */
	int http_err;

	/* events noted while the session is running an op */
	bool running;
	bool ev_start, ev_play_done, ev_timer, ev_http;
};

/* --- session.c ----------------------------------------------------------- */

/** Note that the session must look at its events (loop context only). */
void ivr_session_run(struct ivr_session *s);

/* --- http.c -------------------------------------------------------------- */

/** Start the lookup of the current http node: 0, or an errno (the node's
 *  error branch follows). */
int ivr_lookup_start(struct ivr_session *s);
/** Apply the answer (store, switch): the node to enter next. */
size_t ivr_lookup_apply(struct ivr_session *s);
/** Drop a lookup in progress and its answer. */
void ivr_lookup_cancel(struct ivr_session *s);

/* --- vars.c -------------------------------------------------------------- */

/** Set name to value (a copy, at most IVR_VAR_MAX bytes kept); ENOMEM. */
int ivr_var_set(struct ivr_session *s, const char *name, const char *value);
#define IVR_VAR_MAX  1024
#define IVR_VARS_MAX 64 /* variables a session keeps */
void ivr_vars_flush(struct ivr_session *s);
/** Every variable as a JSON object (new reference), NULL on ENOMEM. */
json_t *ivr_vars_json(const struct ivr_session *s);

#endif
