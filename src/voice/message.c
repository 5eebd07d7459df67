/**
 * @file message.c  Callbacks and voice messages: the caller's side (the
 * offer of a callback when a queue overflows, a message recorded after the
 * tone) and the agent's side (the work item the engine offers later).
 *
 * Caller's side, one small dialogue at a time (c->dlg), one timer while
 * waiting for a key:
 *   callback offer   "All our agents are busy.  We will call you back on
 *                    the number you are calling from.  To confirm press 1,
 *                    to enter another number press 2."  1 registers it, 2
 *                    asks for a number ending with #, read back for
 *                    confirmation; silence twice: goodbye.
 *   voice message    the tone, then the caller is recorded (mono WAV under
 *                    <recordings>/<tenant>/<call id>.wav) until #, hang-up
 *                    or VM_MAX_S; "thank you", goodbye.  A message shorter
 *                    than VM_MIN_MS is no message.
 *
 * Agent's side: each callback request and voice message becomes a work
 * item, a struct call of kind CALL_CALLBACK / CALL_VOICEMAIL without a
 * caller leg, entered into the queue as a contact of channel
 * ACD_CH_CALLBACK (routed like a voice call: the queue's skills and the
 * caller's language).  The engine offers it to an agent like a call: the
 * agent's phones ring (From: the number to call back; X-Hotline-Callback
 * or X-Hotline-Voicemail), and the agent who answers hears what to do,
 * "callback request from 5 5 5 1" or "voice message from 5 5 5 1", the
 * tone and the message; then the contact is complete and the agent calls
 * back from the phone in wrap-up.  It has its own interaction record
 * (channel "callback" or "voicemail", the message as its recording); the
 * caller's record links the message too.  Work items live in memory: they
 * are lost on restart.
 */
#include <pthread.h>
#include <string.h>

#include "ivr/ivr.h"
#include "media/media.h"
#include "store/store.h"
#include "voice/voice_int.h"

enum {
	ASK_TIMEOUT_MS = 6000,   /* silence after a question */
	ENTER_TIMEOUT_MS = 8000, /* between the digits of a number */
	ASK_TRIES = 2,           /* a question asked at most twice more */
	NUMBER_MIN = 3,          /* digits of a callback number */
	VM_MAX_S = 120,          /* longest voice message */
	VM_MIN_MS = 1000,        /* shorter is no message */
};

static void dlg_tmr(void *arg);

static bool overflowed(const struct call *c)
{
	return c->queue_overflowed;
}

static enum call_disp end_disp(const struct call *c)
{
	return overflowed(c) ? DISP_OVERFLOWED : DISP_SELF;
}

static void say(struct call *c, const char *const *names, size_t n, bool barge)
{
	char buf[8][48];
	const char *paths[8];

	for (size_t i = 0; i < n && i < 8; i++) {
		call_prompt(c, names[i], buf[i], sizeof(buf[i]));
		paths[i] = buf[i];
	}
	tmr_cancel(&c->tmr);
	c->cm = CM_DIALOG;
	c->token = call_play(c, 0, paths, n < 8 ? n : 8, barge);
	if (!c->token) /* nothing to hear: wait for keys at once */
		dlg_play_done(c);
}

static void bye(struct call *c, const char *last, const char *reason)
{
	const char *names[2] = {last, "goodbye"};

	c->dlg = DLG_NONE;
	tmr_cancel(&c->tmr);
	if (last)
		call_say_bye(c, names, 2, end_disp(c), reason);
	else
		call_say_bye(c, names + 1, 1, end_disp(c), reason);
}

/* --- callback offer --------------------------------------------------------
 */

static void cb_ask(struct call *c, bool first)
{
	static const char *const first_q[] = {
	    "queue/all_busy", "callback/this_number", "callback/confirm"};
	static const char *const again[] = {"callback/this_number",
	                                    "callback/confirm"};

	c->dlg = DLG_CB_OFFER;
	if (first)
		say(c, first_q, ARRAY_LEN(first_q), true);
	else
		say(c, again, ARRAY_LEN(again), true);
}

static void cb_read_back(struct call *c)
{
	const char *names[8 + sizeof(c->entry)];
	char buf[sizeof(c->entry) + 2][48];
	const char *paths[sizeof(c->entry) + 2];
	int n;
	size_t k = 0;

	c->dlg = DLG_CB_CONFIRM;
	names[k++] = "callback/you_entered";
	n = ivr_say_digits(c->lang, c->entry, names + k,
	                   ARRAY_LEN(names) - k - 1);
	if (n > 0)
		k += (size_t)n;
	names[k++] = "callback/confirm";
	for (size_t i = 0; i < k; i++) {
		call_prompt(c, names[i], buf[i], sizeof(buf[i]));
		paths[i] = buf[i];
	}
	tmr_cancel(&c->tmr);
	c->cm = CM_DIALOG;
	c->token = call_play(c, 0, paths, k, true);
	if (!c->token)
		dlg_play_done(c);
}

void dlg_callback_offer(struct call *c, const char *queue, enum dlg_intro intro)
{
	c->state = CALL_MESSAGE;
	c->tries = 0;
	c->nentry = 0;
	c->entry[0] = '\0';
	c->vm_queue = mem_deref(c->vm_queue);
	(void)str_dup(&c->vm_queue, queue);
	HL_INFO("voice", "call %s: offered a callback (queue %s)", c->id,
	        queue);
	cb_ask(c, intro == DLG_BUSY);
}

static void cb_confirmed(struct call *c)
{
	const char *number = c->nentry ? c->entry : c->caller;
	int err = work_callback(c, c->vm_queue, number);

	if (err) {
		bye(c, "error/system", "callback could not be registered");
		return;
	}
	bye(c, "callback/confirmed", "callback requested");
}

/* --- voice message ----------------------------------------------------------
 */

int dlg_voicemail(struct call *c, const char *queue, enum dlg_intro intro)
{
	static const char *const busy[] = {"queue/all_busy", "voicemail/record",
	                                   "tone/beep"};
	static const char *const asked[] = {"voicemail/record", "tone/beep"};
	static const char *const tone[] = {"tone/beep"};

	c->state = CALL_MESSAGE;
	c->vm_queue = mem_deref(c->vm_queue);
	(void)str_dup(&c->vm_queue, queue);
	if (!c->v->cfg.recordings) {
		bye(c, "voicemail/unavailable", "voice messages are off");
		return ENOTSUP;
	}
	HL_INFO("voice", "call %s: voice message for queue %s", c->id, queue);
	c->dlg = DLG_VM_TONE;
	if (intro == DLG_BUSY)
		say(c, busy, ARRAY_LEN(busy), false);
	else if (intro == DLG_ASKED)
		say(c, asked, ARRAY_LEN(asked), false);
	else
		say(c, tone, ARRAY_LEN(tone), false);
	return 0;
}

static void vm_start(struct call *c)
{
	char *path = NULL;
	int err;

	/* a call already recorded (answered, then transferred to a queue
	 * that overflowed) keeps that file; the message gets its own */
	err = record_path(c, c->rec_path ? "-voicemail" : "", &path);
	if (!err)
		err =
		    media_relay_record(c->relay, path, false, MEDIA_REC_PCM16);
	if (err) {
		HL_WARN("voice", "call %s: cannot record a voice message: %s",
		        c->id, strerror(err));
		mem_deref(path);
		bye(c, "voicemail/unavailable", "voice message not recorded");
		return;
	}
	mem_deref(c->vm_path);
	c->vm_path = path;
	c->vm_failed = false;
	c->dlg = DLG_VM_REC;
	c->vm_started = hl_mono_ms();
	tmr_start(&c->tmr, VM_MAX_S * 1000, dlg_tmr, c);
	HL_INFO("voice", "call %s: recording a voice message to %s", c->id,
	        path);
}

/* The message is over (#, the length limit, or the caller hung up). */
static void vm_finish(struct call *c, bool gone)
{
	uint64_t ms = hl_mono_ms() - c->vm_started;
	int err;

	tmr_cancel(&c->tmr);
	c->dlg = DLG_NONE;
	if (!gone)
		(void)media_relay_record_stop(c->relay);

	if (c->vm_failed || ms < VM_MIN_MS) {
		HL_INFO("voice", "call %s: no voice message (%llu ms%s)", c->id,
		        (unsigned long long)ms,
		        c->vm_failed ? ", not written" : "");
		c->vm_path = mem_deref(c->vm_path);
		if (gone)
			call_end(c, end_disp(c), 0, "no voice message");
		else
			bye(c,
			    c->vm_failed ? "voicemail/unavailable"
			                 : "voicemail/no_message",
			    "no voice message");
		return;
	}

	err = work_voicemail(c, c->vm_queue, c->vm_path);
	HL_INFO("voice", "call %s: voice message of %llu s%s", c->id,
	        (unsigned long long)(ms / 1000),
	        err ? " (no agent will be offered it)" : "");
	if (gone)
		call_end(c, end_disp(c), 0, "voice message left");
	else
		bye(c, "voicemail/thanks", "voice message left");
}

void dlg_record_event(struct call *c, const struct media_event *ev)
{
	bool vm = c->vm_path && ev->path && !strcmp(ev->path, c->vm_path);

	if (ev->type == MEDIA_EV_RECORD_END) {
		HL_DEBUG("voice",
		         "call %s: %s closed: %llu frames, %llu dropped", c->id,
		         ev->path ? ev->path : "?",
		         (unsigned long long)ev->frames,
		         (unsigned long long)ev->dropped);
		return;
	}

	HL_WARN("voice", "call %s: recording %s failed: %s; the call goes on",
	        c->id, ev->path ? ev->path : "?", strerror(ev->err));
	if (!vm) {
		if (c->rec_path && ev->path && !strcmp(ev->path, c->rec_path))
			c->rec_failed = true;
		return;
	}
	c->vm_failed = true;
	if (c->dlg == DLG_VM_REC) {
		tmr_cancel(&c->tmr);
		c->dlg = DLG_NONE;
		c->vm_path = mem_deref(c->vm_path);
		bye(c, "voicemail/unavailable", "voice message not recorded");
	}
}

/* --- events ----------------------------------------------------------------
 */

void dlg_play_done(struct call *c)
{
	switch (c->dlg) {

	case DLG_CB_OFFER:
	case DLG_CB_CONFIRM:
		tmr_start(&c->tmr, ASK_TIMEOUT_MS, dlg_tmr, c);
		break;
	case DLG_CB_ENTER:
		tmr_start(&c->tmr, ENTER_TIMEOUT_MS, dlg_tmr, c);
		break;
	case DLG_VM_TONE:
		vm_start(c);
		break;
	case DLG_SURVEY:
		survey_play_done(c);
		break;
	default:
		break;
	}
}

/* A key that means nothing here: say so and ask again, at most
 * ASK_TRIES times. */
static void wrong_key(struct call *c)
{
	static const char *const offer[] = {
	    "error/invalid", "callback/this_number", "callback/confirm"};
	static const char *const enter[] = {"error/invalid",
	                                    "callback/enter_number"};

	if (++c->tries > ASK_TRIES) {
		bye(c, NULL, "callback not confirmed");
		return;
	}
	if (c->dlg == DLG_CB_OFFER) {
		say(c, offer, ARRAY_LEN(offer), true);
		return;
	}
	c->dlg = DLG_CB_ENTER;
	c->nentry = 0;
	c->entry[0] = '\0';
	say(c, enter, ARRAY_LEN(enter), true);
}

void dlg_digit(struct call *c, char d)
{
	static const char *const enter[] = {"callback/enter_number"};

	switch (c->dlg) {

	case DLG_CB_OFFER:
	case DLG_CB_CONFIRM:
		tmr_cancel(&c->tmr);
		if (d == '1') {
			cb_confirmed(c);
		} else if (d == '2') {
			c->dlg = DLG_CB_ENTER;
			c->nentry = 0;
			c->entry[0] = '\0';
			say(c, enter, 1, true);
		} else {
			wrong_key(c);
		}
		break;

	case DLG_CB_ENTER:
		tmr_cancel(&c->tmr);
		if (d == '#') {
			if (c->nentry >= NUMBER_MIN)
				cb_read_back(c);
			else
				wrong_key(c);
			break;
		}
		if (d >= '0' && d <= '9' && c->nentry < sizeof(c->entry) - 1) {
			c->entry[c->nentry++] = d;
			c->entry[c->nentry] = '\0';
		}
		/* a key stopped the prompt: wait for the next one */
		c->token = 0;
		(void)media_relay_stop(c->relay, 0);
		tmr_start(&c->tmr, ENTER_TIMEOUT_MS, dlg_tmr, c);
		break;

	case DLG_VM_REC:
		if (d == '#')
			vm_finish(c, false);
		break;

	case DLG_SURVEY:
		survey_digit(c, d);
		break;

	default:
		break;
	}
}

static void dlg_tmr(void *arg)
{
	struct call *c = arg;

	mem_ref(c);
	switch (c->dlg) {

	case DLG_CB_OFFER:
	case DLG_CB_CONFIRM:
		if (++c->tries > ASK_TRIES)
			bye(c, NULL, "callback not confirmed");
		else if (c->dlg == DLG_CB_CONFIRM)
			cb_read_back(c);
		else
			cb_ask(c, false);
		break;
	case DLG_CB_ENTER:
		if (c->nentry >= NUMBER_MIN)
			cb_read_back(c); /* a pause ends the number */
		else if (++c->tries > ASK_TRIES)
			bye(c, NULL, "callback not confirmed");
		else
			cb_ask(c, false);
		break;
	case DLG_VM_REC:
		HL_INFO("voice", "call %s: voice message reached %d s", c->id,
		        VM_MAX_S);
		vm_finish(c, false);
		break;
	default:
		break;
	}
	mem_deref(c);
}

void dlg_caller_gone(struct call *c)
{
	tmr_cancel(&c->tmr);
	if (c->dlg == DLG_VM_REC) {
		vm_finish(c, true);
		return;
	}
	if (c->dlg == DLG_SURVEY) {
		survey_caller_gone(c);
		return;
	}
	c->dlg = DLG_NONE;
}
