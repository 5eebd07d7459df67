/**
 * @file survey.c  The post-call survey: when the agent hangs up a call of
 * a queue listed in the tenant's `workorders.survey_queues`, the caller
 * stays on the line and is asked, in the caller's language, to rate the
 * call by pressing 1 to 5.
 *
 * The agent is done at once: the engine completes the contact (the agent
 * wraps up and may take the next call), the agent's leg is gone, the
 * recording of the talk is closed.  The caller's side is a dialogue of
 * message.c (c->dlg = DLG_SURVEY, the same timer and digit dispatch): the
 * question plays with barge-in, a key 1..5 (any DTMF method) is the score,
 * stored at once (store_satisfaction_put, source "ivr": the interaction
 * record shows it, GET /api/v1/interactions/{id}), "thank you", BYE.
 * Silence or another key: "invalid", the question once more; then
 * "goodbye", BYE and no score.  The caller hanging up meanwhile ends the
 * call as answered; a score already given stays.
 */
#include <string.h>

#include "media/media.h"
#include "store/store.h"
#include "store/store_crm.h"
#include "voice/voice_int.h"

enum {
	SURVEY_TIMEOUT_MS = 5000, /* silence after the question */
	SURVEY_TRIES = 1,         /* the question asked once more at most */
};

static const char *const survey_reason = "agent hung up";

static void survey_tmr(void *arg);

static void ask(struct call *c, bool again)
{
	static const char *const first[] = {"survey/rate"};
	static const char *const retry[] = {"error/invalid", "survey/rate"};
	const char *const *names = again ? retry : first;
	size_t n = again ? ARRAY_LEN(retry) : ARRAY_LEN(first);
	char buf[2][48];
	const char *paths[2];

	for (size_t i = 0; i < n; i++) {
		call_prompt(c, names[i], buf[i], sizeof(buf[i]));
		paths[i] = buf[i];
	}
	tmr_cancel(&c->tmr);
	c->cm = CM_DIALOG;
	c->dlg = DLG_SURVEY;
	c->token = call_play(c, 0, paths, n, true);
	if (!c->token) /* nothing to hear: wait for a key all the same */
		survey_play_done(c);
}

/* The end of the survey: a last word, then BYE. */
static void finish(struct call *c, const char *last)
{
	const char *names[1] = {last};

	tmr_cancel(&c->tmr);
	c->dlg = DLG_NONE;
	call_say_bye(c, names, 1, DISP_ANSWERED, survey_reason);
}

static void stored_h(int err, void *arg)
{
	char *id = arg;

	if (err)
		HL_WARN("voice", "call %s: satisfaction not stored: %s", id,
		        strerror(err));
	mem_deref(id);
}

static void score(struct call *c, uint8_t n)
{
	struct store *s = c->v->cfg.store;
	char *id = NULL;
	int err = 0;

	c->satisfaction = n;
	HL_INFO("voice", "call %s: survey: satisfaction %u", c->id, n);
	if (s) {
		err = str_dup(&id, c->id);
		if (!err)
			err = store_satisfaction_put(s, c->ct->name, c->id, n,
			                             "ivr", NULL, stored_h, id);
		if (err) {
			HL_WARN("voice", "call %s: satisfaction not stored: %s",
			        c->id, strerror(err));
			mem_deref(id);
		}
	}
	finish(c, "survey/thanks");
}

bool survey_start(struct call *c)
{
	struct voice *v = c->v;

	if (c->kind != CALL_INBOUND || c->state != CALL_BRIDGED || !c->a ||
	    !c->a->sess || !c->relay || !v->cfg.prompts || v->closing ||
	    c->consult || c->surveyed ||
	    !center_survey_queue(c->ct, c->queue_name))
		return false;

	c->surveyed = true;
	call_agent_done(c);
	/* the recording is of the talk: it ends with the agent */
	if (c->rec_path)
		(void)media_relay_record_stop(c->relay);
	call_media_stop(c);
	c->state = CALL_MESSAGE;
	c->tries = 0;
	HL_INFO("voice", "call %s: survey: asking the caller (queue %s, %s)",
	        c->id, c->queue_name, c->lang);
	ask(c, false);
	return true;
}

void survey_play_done(struct call *c)
{
	tmr_start(&c->tmr, SURVEY_TIMEOUT_MS, survey_tmr, c);
}

/* No answer or a wrong key: once more, then goodbye without a score. */
static void again(struct call *c, const char *why)
{
	if (++c->tries > SURVEY_TRIES) {
		HL_INFO("voice", "call %s: survey: no score (%s)", c->id, why);
		finish(c, "goodbye");
		return;
	}
	ask(c, true);
}

void survey_digit(struct call *c, char d)
{
	tmr_cancel(&c->tmr);
	if (d >= '1' && d <= '5') {
		score(c, (uint8_t)(d - '0'));
		return;
	}
	again(c, "wrong key");
}

static void survey_tmr(void *arg)
{
	struct call *c = arg;

	if (c->dlg != DLG_SURVEY)
		return;
	mem_ref(c);
	again(c, "no answer");
	mem_deref(c);
}

void survey_caller_gone(struct call *c)
{
	tmr_cancel(&c->tmr);
	c->dlg = DLG_NONE;
	HL_INFO("voice", "call %s: survey: caller hung up%s", c->id,
	        c->satisfaction ? "" : " without a score");
	call_end(c, DISP_ANSWERED, 0, survey_reason);
}
