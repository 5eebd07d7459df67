/**
 * @file record.c  The interaction record of a call: one row per call,
 * written once when it ends (the store queues it; the loop never waits).
 *
 * The record's id is the call's id, so a log line "call <id>: ..." and the
 * row in the database name each other.
 */
#include <string.h>

#include "store/store.h"
#include "voice/voice_int.h"

static enum store_disposition disp(enum call_disp d)
{
	switch (d) {

	case DISP_ANSWERED:
		return STORE_DISP_ANSWERED;
	case DISP_ABANDONED:
		return STORE_DISP_ABANDONED;
	case DISP_OVERFLOWED:
		return STORE_DISP_OVERFLOWED;
	case DISP_FAILED:
		return STORE_DISP_FAILED;
	default:
		return STORE_DISP_NONE;
	}
}

static void done_h(int err, void *arg)
{
	(void)arg;

	if (err)
		HL_WARN("voice", "call record not stored: %s", strerror(err));
}

void record_write(struct call *c)
{
	struct store_interaction in;
	int err;

	if (!c->v->cfg.store || !c->ct)
		return;

	memset(&in, 0, sizeof(in));
	str_ncpy(in.id, c->id, sizeof(in.id));
	in.tenant = c->ct->name;
	in.channel = "voice";
	in.caller = c->caller;
	in.dialed = c->dialed;
	in.queue = c->queue_name;
	in.agent = c->agent_id;
	in.arrived = c->t_arrived;
	in.queued = c->t_queued;
	in.offered = c->t_offered;
	in.answered = c->t_answered;
	in.ended = c->t_ended;
	in.disposition = disp(c->disp);
	in.sip_code = c->scode;
	in.reason = c->reason[0] ? c->reason : NULL;

	err = store_interaction_put(c->v->cfg.store, &in, done_h, NULL);
	if (err)
		HL_WARN("voice", "call %s: record not stored: %s", c->id,
		        strerror(err));
}
