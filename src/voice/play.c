/**
 * @file play.c  What the caller hears while no agent talks to it: the IVR's
 * prompts, the queue's music and announcements, hold music, a last message;
 * and the relay's events (a play ended, a digit, a recording ended).
 *
 * Every play gets a token; the call waits for one play at a time
 * (c->token) and ignores the end of any other (a stopped or replaced one).
 * Music is played with a limit of the queue's announce_every: its end
 * reports the position in the music, the announcement follows, and the
 * music resumes there.  No timer per caller: the media thread's tick times
 * it all.
 */
#include <string.h>

#include "ivr/ivr.h"
#include "media/media.h"
#include "voice/voice_int.h"

#define PLAY_MAX 128 /* prompts in one play */

static uint32_t next_token(struct call *c)
{
	if (++c->play_seq == 0)
		++c->play_seq;
	return c->play_seq;
}

void call_prompt(const struct call *c, const char *name, char *buf, size_t sz)
{
	const char *lang =
	    ivr_catalog_has(IVR_LANG_COMMON, name) ? IVR_LANG_COMMON : c->lang;

	(void)re_snprintf(buf, sz, "%s/%s", lang, name);
}

/* --- each tenant's prompts ------------------------------------------------ */

/* A tenant's own prompt set (tenants[].prompts), owned by the voice. */
struct tprompts {
	struct le le;              /* in v->tprompts */
	char *tenant;              /* owning */
	struct ivr_prompts *p;     /* a reference */
};

static void tprompts_destructor(void *arg)
{
	struct tprompts *tp = arg;

	list_unlink(&tp->le);
	mem_deref(tp->tenant);
	mem_deref(tp->p);
}

static struct tprompts *tprompts_find(const struct voice *v,
                                      const char *tenant)
{
	for (struct le *le = v->tprompts.head; le; le = le->next) {
		struct tprompts *tp = le->data;

		if (!strcmp(tp->tenant, tenant))
			return tp;
	}
	return NULL;
}

int voice_tenant_prompts(struct voice *v, const char *tenant,
                         struct ivr_prompts *p)
{
	struct tprompts *tp;
	int err;

	if (!v || !tenant)
		return EINVAL;
	tp = tprompts_find(v, tenant);
	if (!p) {
		mem_deref(tp);
		return 0;
	}
	if (tp) { /* replaced: plays under way keep the old set (owners) */
		mem_deref(tp->p);
		tp->p = mem_ref(p);
		return 0;
	}
	tp = mem_zalloc(sizeof(*tp), tprompts_destructor);
	if (!tp)
		return ENOMEM;
	err = str_dup(&tp->tenant, tenant);
	if (err) {
		mem_deref(tp);
		return err;
	}
	tp->p = mem_ref(p);
	list_append(&v->tprompts, &tp->le, tp);
	return 0;
}

void voice_tprompts_free(struct voice *v)
{
	list_flush(&v->tprompts);
}

struct ivr_prompts *call_prompts(const struct call *c)
{
	const struct tprompts *tp;

	/* only beside a shared set: without one the voice plays nothing */
	if (!c->v->cfg.prompts || !c->ct)
		return c->v->cfg.prompts;
	tp = tprompts_find(c->v, c->ct->name);
	return tp ? tp->p : c->v->cfg.prompts;
}

static uint32_t play(struct call *c, int side, const struct media_play *mp)
{
	int err;

	if (!c->relay)
		return 0;
	err = media_relay_play(c->relay, side, mp);
	if (err) {
		HL_WARN("voice", "call %s: cannot play: %s", c->id,
		        strerror(err));
		return 0;
	}
	return mp->token;
}

uint32_t call_play(struct call *c, int side, const char *const *paths, size_t n,
                   bool barge)
{
	struct ivr_prompts *prompts = call_prompts(c);
	struct media_clip clips[PLAY_MAX];
	size_t k = 0;

	if (!prompts)
		return 0;
	for (size_t i = 0; i < n && k < PLAY_MAX; i++) {
		const struct ivr_prompt *p =
		    ivr_prompt_lookup(prompts, paths[i]);

		if (!p) {
			HL_WARN("voice", "call %s: no prompt %s", c->id,
			        paths[i]);
			continue;
		}
		clips[k].ulaw = p->ulaw;
		clips[k].samples = p->samples;
		++k;
	}
	if (!k)
		return 0;

	return play(c, side,
	            &(struct media_play){
	                .clips = clips,
	                .nclips = k,
	                .barge = barge,
	                .token = next_token(c),
	                .owner = prompts,
	            });
}

uint32_t call_play_clip(struct call *c, int side, const struct media_clip *clip,
                        void *owner)
{
	return play(c, side,
	            &(struct media_play){
	                .clips = clip,
	                .nclips = 1,
	                .token = next_token(c),
	                .owner = owner,
	            });
}

/* Prompt names (in the caller's language) into paths. */
static uint32_t play_names(struct call *c, const char *const *names, size_t n,
                           bool barge)
{
	char buf[PLAY_MAX][48];
	const char *paths[PLAY_MAX];

	if (n > PLAY_MAX)
		n = PLAY_MAX;
	for (size_t i = 0; i < n; i++) {
		call_prompt(c, names[i], buf[i], sizeof(buf[i]));
		paths[i] = buf[i];
	}
	return call_play(c, 0, paths, n, barge);
}

void call_media_stop(struct call *c)
{
	c->token = 0;
	c->announcing = false;
	if (c->cm != CM_NONE && c->relay)
		(void)media_relay_stop(c->relay, 0);
	c->cm = CM_NONE;
}

/* --- music and announcements ---------------------------------------------- */

static const struct media_clip *music_clip(struct call *c, void **ownerp)
{
	const struct vqueue *vq = vqueue_find(c->v, c->ct, c->queue_name);
	static struct media_clip moh; /* the prompt set's, immutable */
	struct ivr_prompts *prompts;
	const struct ivr_prompt *p;

	if (vq && vq->music) {
		*ownerp = vq->music;
		return vq->music;
	}
	prompts = call_prompts(c);
	p = prompts ? ivr_prompt_lookup(prompts, "common/moh/default") : NULL;
	if (!p)
		return NULL;
	moh.ulaw = p->ulaw;
	moh.samples = p->samples;
	*ownerp = prompts;
	return &moh;
}

static uint32_t announce_every(const struct call *c)
{
	const struct vqueue *vq = vqueue_find(c->v, c->ct, c->queue_name);

	return vq && c->state == CALL_QUEUED ? vq->cq->announce_every_s : 0;
}

static void music(struct call *c, uint64_t limit_s)
{
	const struct media_clip *clip;
	void *owner = NULL;
	uint32_t tok;

	clip = music_clip(c, &owner);
	if (!clip) {
		c->token = 0;
		return;
	}
	tok = play(c, 0,
	           &(struct media_play){
	               .clips = clip,
	               .nclips = 1,
	               .loop = true,
	               .offset = c->moh_pos,
	               .limit = limit_s * 8000,
	               .token = next_token(c),
	               .owner = owner,
	           });
	c->token = tok;
	c->music_token = tok;
}

/* "You are number N in the queue. Your estimated waiting time is ...", or
 * false when the caller is not waiting (being offered) or there is nothing
 * to say. */
static bool announce(struct call *c)
{
	struct acd *acd = c->v->cfg.acd;
	struct acd_contact_info info;
	const char *names[2 * IVR_SAY_MAX + 2];
	uint64_t ewt = ACD_NONE;
	int n = 0, k;
	uint32_t tok;

	if (c->contact == ACD_NONE ||
	    acd_contact_info(acd, c->contact, &info) ||
	    info.state != ACD_CONTACT_WAITING || !info.position)
		return false;

	k = ivr_say_position(c->lang, info.position, names, IVR_SAY_MAX);
	if (k > 0)
		n = k;
	if (!acd_contact_ewt(acd, c->contact, &ewt) && ewt != ACD_NONE) {
		uint64_t s = (ewt + 999) / 1000;

		if (s > IVR_SAY_WAIT_MAX)
			s = IVR_SAY_WAIT_MAX;
		k = ivr_say_wait(c->lang, (uint32_t)s, names + n, IVR_SAY_MAX);
		if (k > 0)
			n += k;
	}
	if (!n)
		return false;
	{
		const struct vqueue *vq =
		    vqueue_find(c->v, c->ct, c->queue_name);

		if (vq && vq->cq->offer_callback)
			names[n++] = "callback/offer";
		if (vq && vq->cq->offer_voicemail && c->v->cfg.recordings)
			names[n++] = "voicemail/offer";
	}

	tok = play_names(c, names, (size_t)n, false);
	if (!tok)
		return false;
	c->token = tok;
	c->announcing = true;
	++c->announced;
	HL_DEBUG("voice", "call %s: announced position %u, wait %lld s", c->id,
	         info.position,
	         ewt == ACD_NONE ? -1ll : (long long)(ewt / 1000));
	return true;
}

void call_queue_media(struct call *c, bool restart)
{
	if (c->kind != CALL_INBOUND || !c->a || c->state == CALL_ENDED)
		return;
	if (c->cm == CM_QUEUE && !restart)
		return;
	if (c->cm != CM_NONE && c->cm != CM_QUEUE)
		(void)media_relay_stop(c->relay, 0);
	c->cm = CM_QUEUE;
	c->announcing = false;
	/* on arrival: where the caller stands, then music */
	if (announce_every(c) && !c->announced && announce(c))
		return;
	music(c, announce_every(c));
}

static void queue_play_done(struct call *c)
{
	if (c->announcing) {
		c->announcing = false;
		music(c, announce_every(c));
		return;
	}
	/* the music's stretch is over: the announcement, unless the caller
	 * is being offered to an agent right now */
	if (!announce(c))
		music(c, announce_every(c));
}

void call_hold_media(struct call *c, bool hold)
{
	if (c->kind != CALL_INBOUND || c->state != CALL_BRIDGED)
		return;
	if (hold) {
		c->cm = CM_HOLD;
		music(c, 0);
		return;
	}
	if (c->cm == CM_HOLD)
		call_media_stop(c);
}

void call_queue_digit(struct call *c, char digit)
{
	const struct vqueue *vq = vqueue_find(c->v, c->ct, c->queue_name);
	struct acd *acd = c->v->cfg.acd;
	bool cb = digit == '1' && vq && vq->cq->offer_callback;
	bool vm = digit == '2' && vq && vq->cq->offer_voicemail &&
	          c->v->cfg.recordings;
	uint64_t id = c->contact;

	if ((!cb && !vm) || c->state != CALL_QUEUED || id == ACD_NONE)
		return;

	HL_INFO("voice", "call %s: leaves queue %s for a %s", c->id,
	        c->queue_name, cb ? "callback" : "voice message");
	/* out of the engine: phones ringing for it stop first */
	call_set_contact(c, ACD_NONE);
	list_flush(&c->offers);
	if (acd_contact_remove(acd, id))
		HL_WARN("voice", "call %s: engine: %s", c->id,
		        acd_last_error(acd));
	call_media_stop(c);
	c->state = CALL_MESSAGE;
	if (cb)
		dlg_callback_offer(c, c->queue_name, DLG_ASKED);
	else
		(void)dlg_voicemail(c, c->queue_name, DLG_ASKED);
}

/* --- a last message ------------------------------------------------------- */

void call_say_bye(struct call *c, const char *const *names, size_t n,
                  enum call_disp disp, const char *reason)
{
	uint32_t tok = c->a ? play_names(c, names, n, false) : 0;

	if (!tok) {
		call_end(c, disp, 0, reason);
		return;
	}
	tmr_cancel(&c->tmr);
	c->state = CALL_MESSAGE;
	c->cm = CM_BYE;
	c->token = tok;
	c->bye_disp = disp;
	str_ncpy(c->bye_reason, reason ? reason : "", sizeof(c->bye_reason));
}

/* --- the relay's events ----------------------------------------------------
 */

static const char *via_name(enum media_dtmf_via via)
{
	switch (via) {
	case MEDIA_DTMF_RFC4733:
		return "RFC 4733";
	case MEDIA_DTMF_INBAND:
		return "in-band";
	case MEDIA_DTMF_INFO:
		return "SIP INFO";
	default:
		return "?";
	}
}

static void play_end(struct call *c, const struct media_event *ev)
{
	if (ev->token == c->music_token && ev->side == 0)
		c->moh_pos = ev->position;
	if (ev->token != c->token || ev->reason != MEDIA_PLAY_DONE)
		return; /* stopped, barged (the digit follows) or replaced */
	c->token = 0;

	switch (c->cm) {

	case CM_IVR:
		call_flow_play_done(c);
		break;
	case CM_QUEUE:
		queue_play_done(c);
		break;
	case CM_DIALOG:
		dlg_play_done(c);
		break;
	case CM_BYE:
		call_end(c, c->bye_disp, 0, c->bye_reason);
		break;
	case CM_PREVIEW:
		work_preview_done(c);
		break;
	default:
		break;
	}
}

static void event_handler(struct media_relay *r, const struct media_event *ev,
                          void *arg)
{
	struct call *c = arg;
	(void)r;

	if (c->state == CALL_ENDED)
		return;

	/* handlers may end the call: keep it until they return */
	mem_ref(c);
	switch (ev->type) {

	case MEDIA_EV_DIGIT:
		if (ev->side != 0)
			break;
		HL_INFO("voice", "call %s: digit %c (%s)", c->id, ev->digit,
		        via_name(ev->via));
		if (c->cm == CM_IVR)
			call_flow_digit(c, ev->digit);
		else if (c->cm == CM_DIALOG)
			dlg_digit(c, ev->digit);
		else if (c->cm == CM_QUEUE)
			call_queue_digit(c, ev->digit);
		break;

	case MEDIA_EV_PLAY_END:
		play_end(c, ev);
		break;

	case MEDIA_EV_RECORD_END:
	case MEDIA_EV_RECORD_ERROR:
		dlg_record_event(c, ev);
		break;
	}
	mem_deref(c);
}

void call_media_init(struct call *c)
{
	struct media_relay *r = c->relay;
	uint8_t pt = c->codec.pt == 8 ? 8 : 0;

	if (!r)
		return;
	media_relay_set_handler(r, event_handler, c);
	(void)media_relay_set_codec(r, 0, pt);
	(void)media_relay_set_codec(r, 1, pt);
	if (c->kind == CALL_INBOUND)
		(void)media_relay_set_dtmf(
		    r, 0, c->codec.te_pt > 0 ? (uint8_t)c->codec.te_pt : 0,
		    true);
}
