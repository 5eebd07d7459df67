/**
 * @file outbound.c  Calls out through a carrier's trunk: a transfer of the
 * caller to an outside number, from the IVR (a transfer node), from the
 * agent's desktop (blind transfer) or from the agent's phone (REFER).  The
 * consultation with an outside number is consult.c's, with this file's
 * destination and credentials.
 *
 * The outside leg is an INVITE to the trunk's outbound uri with the number
 * (rewritten by the trunk's strip and prefix) as user part and the
 * tenant's caller id as From, offering the caller's codec exactly as an
 * agent leg does, so the relay passes packets through untouched.  A 401 or
 * 407 is answered with the trunk's username and password (libre's
 * sip_auth).  While it rings the caller hears music, or the carrier's own
 * early media once a 183 brings SDP.  An answer bridges it through the
 * call's relay (side 1, latching off as for a trunk) and it becomes the
 * call's agent leg (c->b) with no agent: a BYE from either side ends both.
 *
 * A failure (busy, not found, unavailable, no answer within the trunk's
 * ring_timeout) sends the caller back: into the IVR at the transfer node's
 * on_error branch, or, from an agent, to the queue the call came from (as
 * a failed transfer to an extension does), else the call ends with the
 * carrier's status.  The interaction record's reason names the number.
 */
#include <string.h>

#include "ivr/ivr.h"
#include "media/media.h"
#include "voice/voice_int.h"

/* The outside leg: a struct leg first, so that once answered it is the
 * call's agent leg (c->b) like any other. */
struct oleg {
	struct leg leg;
	struct outcall *oc; /* while ringing; NULL once bridged */
};

struct outcall {
	struct call *c;  /* borrowed: the call owns us (c->out) */
	struct oleg *ol; /* owning while ringing */
	enum outbound_origin origin;
	struct tmr tmr;  /* ring timeout */
	bool early;      /* the carrier's early media is relayed */
	uint32_t ring_s; /* the trunk's ring_timeout */
	char number[32];
};

/* --- destinations -----------------------------------------------------------
 */

int outbound_dest(const struct call *c, const char *number,
                  struct outbound_dest *d)
{
	const struct center_trunk *tr = NULL;
	const struct center_outbound *o;
	char dial[64];
	const char *rest, *at, *sc;
	bool has_tp;
	int err;

	if (!c || !c->ct || !d)
		return EINVAL;
	err = center_outside(c->ct, number, &tr);
	if (err)
		return err;
	o = &tr->out;
	memset(d, 0, sizeof(*d));
	d->tr = tr;
	str_ncpy(d->number, number, sizeof(d->number));
	center_outside_dial(tr, number, dial, sizeof(dial));

	/* sip:[user@]host[:port][;params] -> sip:DIAL@host[:port][;params] */
	rest = o->uri + 4;
	at = strchr(rest, '@');
	sc = strchr(rest, ';');
	if (at && (!sc || at < sc))
		rest = at + 1;
	has_tp = strstr(rest, "transport=") != NULL;
	if (re_snprintf(d->uri, sizeof(d->uri), "sip:%s@%s%s", dial, rest,
	                !has_tp && o->transport && !strcmp(o->transport, "tcp")
	                    ? ";transport=tcp"
	                    : "") < 0)
		return EINVAL;
	str_ncpy(d->caller_id, center_outside_caller_id(c->ct, tr),
	         sizeof(d->caller_id));
	return 0;
}

int outbound_auth(char **user, char **pass, const char *realm, void *arg)
{
	const struct center_trunk *tr = arg;
	int err;
	(void)realm;

	if (!tr || !tr->out.username)
		return EAUTH;
	err = str_dup(user, tr->out.username);
	if (!err)
		err = str_dup(pass, tr->out.password ? tr->out.password : "");
	return err;
}

/* --- the outside leg ---------------------------------------------------------
 */

static void oleg_destructor(void *arg)
{
	struct oleg *ol = arg;

	list_unlink(&ol->leg.le);
	mem_deref(ol->leg.refer);
	mem_deref(ol->leg.sess);
	mem_deref(ol->leg.sdp);
	mem_deref(ol->leg.uri);
}

static void outcall_destructor(void *arg)
{
	struct outcall *oc = arg;

	tmr_cancel(&oc->tmr);
	if (oc->ol) {
		oc->ol->oc = NULL;
		oc->ol = mem_deref(oc->ol); /* CANCEL */
	}
}

static bool usable(const struct leg *leg)
{
	const struct sdp_format *f =
	    sdp_media_lformat(leg->sm, leg->call->codec.pt);

	return f && f->sup && sdp_media_rport(leg->sm) &&
	       sa_isset(sdp_media_raddr(leg->sm), SA_ADDR);
}

static bool holds(const struct leg *leg)
{
	enum sdp_dir d = sdp_media_rdir(leg->sm);

	return !(d & SDP_SENDONLY) || sa_is_any(sdp_media_raddr(leg->sm));
}

/* The carrier's media address (and hold) onto the relay's side 1. */
static void apply_remote(struct leg *leg)
{
	struct call *c = leg->call;
	bool h = holds(leg);

	if (c->state == CALL_ENDED || !c->relay)
		return;
	if (!sa_is_any(sdp_media_raddr(leg->sm)))
		call_relay_remote(c, 1, sdp_media_raddr(leg->sm));
	if (h != leg->held && c->b == leg) {
		leg->held = h;
		call_leg_hold(leg, h);
	}
	leg->held = h;
}

static int offer_handler(struct mbuf **descp, const struct sip_msg *msg,
                         void *arg)
{
	struct oleg *ol = arg;
	int err;

	if (!mbuf_get_left(msg->mb))
		return sdp_encode(descp, ol->leg.sdp, true);
	err = sdp_decode(ol->leg.sdp, msg->mb, true);
	if (err)
		return err;
	if (!usable(&ol->leg))
		return EPROTO;
	apply_remote(&ol->leg);
	return sdp_encode(descp, ol->leg.sdp, false);
}

static int answer_handler(const struct sip_msg *msg, void *arg)
{
	struct oleg *ol = arg;

	if (!mbuf_get_left(msg->mb))
		return 0;
	ol->leg.answer_ok =
	    !sdp_decode(ol->leg.sdp, msg->mb, false) && usable(&ol->leg);
	if (ol->leg.answer_ok && ol->leg.state == LEG_ESTABLISHED)
		apply_remote(&ol->leg);
	return 0;
}

/* The outside call failed: the caller goes back.  Frees oc. */
static void outcall_failed(struct outcall *oc, uint16_t scode, const char *why)
{
	struct call *c = oc->c;
	enum outbound_origin origin = oc->origin;
	char reason[64];

	HL_INFO("voice", "call %s: outside number %s: %s", c->id, oc->number,
	        why);
	(void)re_snprintf(reason, sizeof(reason), "transfer to %s failed: %s",
	                  oc->number, why);
	c->out = NULL;
	mem_deref(oc); /* CANCEL if still ringing */

	if (c->state == CALL_ENDED)
		return;
	mem_ref(c);
	if (origin == OUT_IVR && c->ivr && c->a) {
		/* back into the flow at the node's on_error branch */
		call_media_stop(c);
		c->state = CALL_IVR;
		c->cm = CM_IVR;
		if (ivr_session_transfer_failed(c->ivr, ECONNREFUSED))
			call_end(c, DISP_FAILED, scode, reason);
	} else if (c->queue && c->a && c->a->sess) {
		call_direct_failed(c, scode);
	} else {
		call_end(c, DISP_FAILED, scode >= 300 ? scode : 480, reason);
	}
	mem_deref(c);
}

static void progress_handler(const struct sip_msg *msg, void *arg)
{
	struct oleg *ol = arg;
	struct outcall *oc = ol->oc;
	struct call *c = ol->leg.call;

	if (!oc || c->state != CALL_DIRECT)
		return;
	if (msg->scode != 180 && msg->scode != 183)
		return;
	if (ol->leg.state == LEG_RINGING) {
		ol->leg.state = LEG_EARLY;
		HL_INFO("voice", "call %s: outside number %s ringing (%u)",
		        c->id, oc->number, msg->scode);
	}
	/* early media: the carrier's tones or announcements instead of our
	 * music */
	if (oc->early || !mbuf_get_left(msg->mb) ||
	    !msg_ctype_cmp(&msg->ctyp, "application", "sdp"))
		return;
	if (sdp_decode(ol->leg.sdp, msg->mb, false) || !usable(&ol->leg))
		return;
	oc->early = true;
	call_media_stop(c);
	(void)media_relay_set_latch(c->relay, 1, false);
	call_relay_remote(c, 1, sdp_media_raddr(ol->leg.sm));
	(void)media_relay_set_hold(c->relay, 1, false);
	HL_INFO("voice", "call %s: early media from outside number %s", c->id,
	        oc->number);
}

static void estab_handler(const struct sip_msg *msg, void *arg)
{
	struct oleg *ol = arg;
	struct outcall *oc = ol->oc;
	struct call *c = ol->leg.call;
	struct voice *v = c->v;
	(void)msg;

	ol->leg.state = LEG_ESTABLISHED;
	if (!oc)
		return;
	if (!ol->leg.answer_ok) {
		outcall_failed(oc, 488, "answered without a usable SDP answer");
		return;
	}

	/* the outside leg is the call's agent leg now */
	tmr_cancel(&oc->tmr);
	oc->ol = NULL;
	ol->oc = NULL;
	c->out = NULL;
	mem_deref(oc);

	call_media_stop(c);
	c->b = &ol->leg;
	c->state = CALL_BRIDGED;
	/* no agent on it: the agent who transferred is free of it */
	c->agent = NULL;
	c->agent_id = mem_deref(c->agent_id);
	if (!c->t_answered)
		c->t_answered = hl_wall_ms();
	(void)media_relay_set_latch(c->relay, 1, false);
	call_relay_remote(c, 1, sdp_media_raddr(ol->leg.sm));
	ol->leg.held = holds(&ol->leg);
	(void)media_relay_set_hold(c->relay, 1, ol->leg.held);
	if (!c->counted_bridged) {
		c->counted_bridged = true;
		++v->calls_bridged;
	}
	HL_INFO("voice", "call %s: outside number %s answered: bridged (%s)",
	        c->id, c->outside, c->codec.name);
	record_call_start(c);
}

static void close_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct oleg *ol = arg;
	struct outcall *oc = ol->oc;
	struct call *c = ol->leg.call;
	char why[80];

	ol->leg.state = LEG_CLOSED;
	if (msg && msg->scode)
		(void)re_snprintf(why, sizeof(why), "%u %r", msg->scode,
		                  &msg->reason);
	else if (err == ECONNRESET)
		str_ncpy(why, "BYE", sizeof(why));
	else
		(void)re_snprintf(why, sizeof(why), "%m", err);

	if (oc) {
		uint16_t sc = msg && msg->scode  ? msg->scode
		              : err == ETIMEDOUT ? 408
		                                 : 503;

		outcall_failed(oc, sc, why);
		return;
	}
	if (c->b == &ol->leg) {
		HL_INFO("voice", "call %s: outside number %s hung up (%s)",
		        c->id, c->outside, why);
		call_end(c, DISP_ANSWERED, 0, "outside party hung up");
		return;
	}
	mem_deref(ol);
}

static void ring_timeout(void *arg)
{
	struct outcall *oc = arg;
	char why[48];

	(void)re_snprintf(why, sizeof(why), "no answer in %u s", oc->ring_s);
	outcall_failed(oc, 408, why);
}

/* The INVITE to the trunk, offering the call's codec on relay r's side. */
int outbound_leg_connect(struct leg *leg, struct call *c, struct media_relay *r,
                         const struct outbound_dest *d, sipsess_offer_h *offerh,
                         sipsess_answer_h *answerh, sipsess_progr_h *progrh,
                         sipsess_estab_h *estabh, sipsess_close_h *closeh,
                         void *arg)
{
	struct voice *v = c->v;
	struct mbuf *desc = NULL;
	char from[160], pt[8];
	struct sa la;
	int err;

	leg->call = c;
	leg->side = 1;
	media_relay_laddr(r, 1, &la);
	if (!sa_isset(&la, SA_ALL))
		return EADDRNOTAVAIL;
	err = sdp_session_alloc(&leg->sdp, &la);
	if (!err)
		err = sdp_media_add(&leg->sm, leg->sdp, sdp_media_audio,
		                    sa_port(&la), sdp_proto_rtpavp);
	if (!err) {
		(void)re_snprintf(pt, sizeof(pt), "%d", c->codec.pt);
		err = sdp_format_add(NULL, leg->sm, false, pt, c->codec.name,
		                     c->codec.srate, 1, NULL, NULL, NULL, false,
		                     NULL);
	}
	if (!err && c->codec.te_pt >= 0) {
		(void)re_snprintf(pt, sizeof(pt), "%d", c->codec.te_pt);
		err =
		    sdp_format_add(NULL, leg->sm, false, pt, "telephone-event",
		                   8000, 1, NULL, NULL, NULL, false, "0-15");
	}
	if (!err)
		err = str_dup(&leg->uri, d->uri);
	if (!err)
		err = sdp_encode(&desc, leg->sdp, true);
	if (err)
		goto out;

	(void)re_snprintf(from, sizeof(from), "sip:%s@%j", d->caller_id,
	                  &v->laddr);
	err = sipsess_connect(&leg->sess, v->sock, d->uri, d->caller_id, from,
	                      VOICE_CUSER, NULL, 0, VOICE_SDP, desc,
	                      outbound_auth, (void *)d->tr, false, offerh,
	                      answerh, progrh, estabh, NULL, NULL, closeh, arg,
	                      "Allow: " VOICE_ALLOW "\r\n"
	                      "X-Hotline-Call: %s\r\n",
	                      c->id);
	if (err)
		goto out;
	leg->state = LEG_RINGING;
	HL_INFO("voice", "call %s: calling outside number %s at %s as %s",
	        c->id, d->number, d->uri, d->caller_id);
out:
	mem_deref(desc);
	return err;
}

int call_ring_outside(struct call *c, const struct outbound_dest *d,
                      enum outbound_origin origin)
{
	struct outcall *oc;
	struct oleg *ol;
	int err;

	if (!c->a || !c->relay || c->out)
		return EBUSY;

	oc = mem_zalloc(sizeof(*oc), outcall_destructor);
	if (!oc)
		return ENOMEM;
	tmr_init(&oc->tmr);
	oc->c = c;
	oc->origin = origin;
	str_ncpy(oc->number, d->number, sizeof(oc->number));

	ol = mem_zalloc(sizeof(*ol), oleg_destructor);
	if (!ol) {
		mem_deref(oc);
		return ENOMEM;
	}
	ol->oc = oc;
	oc->ol = ol;
	err = outbound_leg_connect(&ol->leg, c, c->relay, d, offer_handler,
	                           answer_handler, progress_handler,
	                           estab_handler, close_handler, ol);
	if (err) {
		HL_WARN("voice", "call %s: cannot call outside number %s: %s",
		        c->id, d->number, strerror(err));
		mem_deref(oc);
		return err;
	}

	c->out = oc;
	c->outside = mem_deref(c->outside);
	(void)str_dup(&c->outside, d->number);
	c->state = CALL_DIRECT;
	if (!c->t_offered)
		c->t_offered = hl_wall_ms();
	oc->ring_s = d->tr->out.ring_timeout_s;
	tmr_start(&oc->tmr, (uint64_t)oc->ring_s * 1000, ring_timeout, oc);
	call_queue_media(c, true); /* music while it rings */
	return 0;
}

int voice_transfer_outside(struct call *c, const struct outbound_dest *d)
{
	struct voice *v = c->v;
	int err;

	if (c->state != CALL_BRIDGED || !c->b)
		return EBUSY;
	call_detach_agent(c);
	/* the engine's part ends with the agent who transferred */
	if (c->contact != ACD_NONE) {
		uint64_t id = c->contact;

		call_set_contact(c, ACD_NONE);
		if (acd_contact_complete(v->cfg.acd, id))
			HL_WARN("voice", "call %s: engine: %s", c->id,
			        acd_last_error(v->cfg.acd));
	}
	c->state = CALL_DIRECT;
	err = call_ring_outside(c, d, OUT_AGENT);
	if (err) {
		char why[64];

		(void)re_snprintf(why, sizeof(why), "transfer to %s failed",
		                  d->number);
		if (c->queue && c->a && c->a->sess)
			call_direct_failed(c, 503);
		else
			call_end(c, DISP_FAILED, 503, why);
	}
	return 0;
}
