/**
 * @file record.c  The interaction record of a call: one row per call,
 * written once when it ends (the store queues it; the loop never waits);
 * and the call's recording, a file named after the record.
 *
 * The record's id is the call's id, so a log line "call <id>: ..." and the
 * row in the database name each other, and so does the recording
 * <recordings>/<tenant>/<id>.wav (stereo: caller left, agent right) or the
 * voice message the caller left (mono).
 */
#include <string.h>

#include "media/media.h"
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
	default: /* DISP_SELF: the reason says what the caller did */
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
	in.channel = c->kind == CALL_CALLBACK    ? "callback"
	             : c->kind == CALL_VOICEMAIL ? "voicemail"
	                                         : "voice";
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
	/* the caller's customer, if the lookup (or the agent) found one */
	in.customer = c->customer[0] ? c->customer : NULL;
	if (c->rec_path && !c->rec_failed)
		in.recording = c->rec_path;
	else if (c->vm_path)
		in.recording = c->vm_path;
	else if (c->work_path)
		in.recording = c->work_path;

	err = store_interaction_put(c->v->cfg.store, &in, done_h, NULL);
	if (err)
		HL_WARN("voice", "call %s: record not stored: %s", c->id,
		        strerror(err));
}

int record_path(const struct call *c, const char *suffix, char **pathp)
{
	const char *dir = c->v->cfg.recordings;

	if (!dir || !c->ct)
		return ENOENT;
	return re_sdprintf(pathp, "%s/%s/%s%s.wav", dir, c->ct->name, c->id,
	                   suffix ? suffix : "");
}

void record_call_start(struct call *c)
{
	const struct vqueue *vq;
	char *path = NULL;
	int err;

	if (c->kind != CALL_INBOUND || c->rec_path || !c->relay)
		return;
	vq = vqueue_find(c->v, c->ct, c->queue_name);
	if (!c->ct->record && !(vq && vq->cq->record))
		return;

	err = record_path(c, "", &path);
	if (!err)
		err = media_relay_record(c->relay, path, true, MEDIA_REC_PCM16);
	if (err) {
		/* the call goes on unrecorded */
		HL_WARN("voice", "call %s: cannot record: %s", c->id,
		        strerror(err));
		mem_deref(path);
		return;
	}
	c->rec_path = path;
	HL_INFO("voice", "call %s: recording to %s", c->id, path);
}
