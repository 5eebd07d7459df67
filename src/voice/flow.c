/**
 * @file flow.c  A call in an IVR flow: the voice channel's side of the seam
 * struct ivr_ops (src/ivr/ivr.h).  The session decides; this file plays its
 * prompts on the relay, reports the caller's digits and the ends of plays,
 * and carries out its hand-overs: a queue (with the skills the session
 * computed), a transfer, a voice message, a callback request, a hang-up.
 *
 * The session is kept until the call ends, also after it handed the call
 * over: its variables (language, choices, digits, lookup answers) are the
 * agent's screen pop (voice_call_vars()).  call_end() lets it go first, so
 * a session in the middle of an op sees the call gone and calls nothing
 * more.
 */
#include <string.h>

#include "ivr/ivr.h"
#include "media/media.h"
#include "voice/voice_int.h"

static void take_lang(struct call *c)
{
	const char *l = ivr_session_lang(c->ivr);

	if (l)
		str_ncpy(c->lang, l, sizeof(c->lang));
}

static int op_play(void *arg, const char *const *prompts, size_t n,
                   bool barge_in)
{
	struct call *c = arg;
	uint32_t tok;

	if (c->state != CALL_IVR)
		return ECANCELED;
	take_lang(c);
	tok = call_play(c, 0, prompts, n, barge_in);
	if (!tok)
		return ENOENT;
	c->cm = CM_IVR;
	c->token = tok;
	return 0;
}

static void op_stop_play(void *arg)
{
	struct call *c = arg;

	if (c->state != CALL_IVR)
		return;
	c->token = 0;
	(void)media_relay_stop(c->relay, 0);
}

/* Leaving the IVR for the engine: nothing of the flow plays any more. */
static void leave_ivr(struct call *c)
{
	take_lang(c);
	c->token = 0;
	c->cm = CM_NONE;
}

static int op_queue(void *arg, const char *queue, uint8_t priority,
                    const struct acd_skill_req *skills, size_t nskills)
{
	struct call *c = arg;
	struct acd_tenant *at = acd_tenant_find(c->v->cfg.acd, c->ct->name);
	struct acd_queue *q = at ? acd_queue_find(at, queue) : NULL;
	int err;

	if (c->state != CALL_IVR)
		return ECANCELED;
	if (!q)
		return ENOENT;
	leave_ivr(c);
	err = call_enqueue(c, q, priority, skills, nskills);
	if (err == ECANCELED)
		return err; /* ended meanwhile: c may be gone */
	if (err) {
		c->state = CALL_IVR;
		c->cm = CM_IVR;
		return err;
	}
	HL_INFO("voice", "call %s: queued in %s by the IVR (contact %llu)",
	        c->id, queue, (unsigned long long)c->contact);
	if (c->state == CALL_QUEUED)
		call_queue_media(c, true);
	return 0;
}

static int op_transfer(void *arg, const char *target)
{
	struct call *c = arg;
	const struct center_agent *ca = NULL;
	struct acd_queue *q = NULL;
	int err;

	if (c->state != CALL_IVR)
		return ECANCELED;
	if (voice_resolve_target(c, target, &q, &ca)) {
		/* an outside number, through the tenant's trunk */
		struct outbound_dest d;

		err = outbound_dest(c, target, &d);
		if (err)
			return err == EINVAL ? ENOENT : err;
		leave_ivr(c);
		err = call_ring_outside(c, &d, OUT_IVR);
		if (err) {
			c->state = CALL_IVR;
			c->cm = CM_IVR;
		}
		return err;
	}
	leave_ivr(c);
	if (q) {
		err = call_enqueue(c, q, c->priority, NULL, 0);
		if (err == ECANCELED)
			return err;
		if (!err && c->state == CALL_QUEUED)
			call_queue_media(c, true);
	} else {
		err = call_ring_direct(c, c->ct, ca);
		if (!err) {
			c->direct_ivr = true;
			call_queue_media(c, true); /* music while it rings */
		}
	}
	if (err) {
		c->state = CALL_IVR;
		c->cm = CM_IVR;
	}
	return err;
}

static int op_voicemail(void *arg, const char *queue)
{
	struct call *c = arg;

	if (c->state != CALL_IVR)
		return ECANCELED;
	if (!c->v->cfg.recordings || !c->v->cfg.prompts)
		return ENOTSUP;
	leave_ivr(c);
	(void)dlg_voicemail(c, queue, DLG_QUIET);
	return 0;
}

static int op_callback(void *arg, const char *queue, const char *number)
{
	struct call *c = arg;

	if (c->state != CALL_IVR)
		return ECANCELED;
	take_lang(c);
	return work_callback(c, queue, number);
}

static void op_hangup(void *arg, int cause)
{
	struct call *c = arg;
	char why[64];

	if (c->state != CALL_IVR)
		return;
	if (cause) {
		(void)re_snprintf(why, sizeof(why), "IVR gave up: %s",
		                  strerror(cause));
		call_end(c, DISP_FAILED, 0, why);
		return;
	}
	call_end(c, DISP_SELF, 0,
	         c->reason[0] ? c->reason : "end of the IVR flow");
}

static const struct ivr_ops ops = {
    .play = op_play,
    .stop_play = op_stop_play,
    .queue = op_queue,
    .transfer = op_transfer,
    .voicemail = op_voicemail,
    .callback = op_callback,
    .hangup = op_hangup,
};

int call_flow_start(struct call *c, const char *flow)
{
	struct voice *v = c->v;
	int err;

	if (!v->cfg.ivr || !v->cfg.prompts)
		return ENOTSUP;

	err = ivr_session_alloc(&c->ivr, v->cfg.ivr,
	                        &(struct ivr_call){
	                            .tenant = c->ct->name,
	                            .flow = flow,
	                            .caller = c->caller,
	                            .called = c->dialed,
	                            .id = c->id,
	                        },
	                        &ops, c);
	if (err)
		return err;

	c->flow = flow;
	c->state = CALL_IVR;
	take_lang(c);
	++v->ivr_total;
	HL_INFO("voice", "call %s: IVR flow %s", c->id, flow);

	/* the flow may end the call at once (a flow of one hangup node) */
	mem_ref(c);
	err = ivr_session_start(c->ivr);
	mem_deref(c);
	return err == EALREADY ? 0 : err;
}

void call_flow_digit(struct call *c, char digit)
{
	if (c->ivr && c->state == CALL_IVR)
		ivr_session_digit(c->ivr, digit);
}

void call_flow_play_done(struct call *c)
{
	if (c->ivr && c->state == CALL_IVR)
		ivr_session_play_done(c->ivr);
}
