/**
 * @file consult.c  Consultation from the agent's desktop: the caller waits
 * in silence while the agent talks to another agent, then hands the call
 * over (complete) or takes it back (cancel).
 *
 * No phone is re-INVITEd: the consulted agent's phone gets a new INVITE
 * whose media is a second relay (r2), and the call's relay (r1) is chained
 * to it by pointing one of its sides at r2's local port:
 *
 *   consulting:  caller  x  r1.0 -> r2.0 ... r2.1 <-> B    (A <-> r1.1)
 *                A's audio leaves r1 by side 0, into r2, out to B; the
 *                caller's packets are dropped (r1.0 now accepts only r2).
 *   completed:   caller <-> r1.0 ... r1.1 <-> r2.0 ... r2.1 <-> B
 *                A's phone gets BYE; B's leg becomes the call's agent leg.
 *   cancelled:   B's phone gets BYE; r1.0 points at the caller again.
 *
 * Packets cross two relays after a completed consultation (a few µs more);
 * the call's recording (on r1) follows as for any agent.  The consulted
 * agent is made not ready ("direct-call") while it is on the consultation,
 * as for a direct transfer, and available again when the call ends.
 */
#include <string.h>

#include "media/media.h"
#include "voice/voice_int.h"

#define CONSULT_RING_MS 30000 /* B's phone rings at most this long */
#define WATCH_MS        250   /* how often a consultation looks at its call */

static const char *direct_reason = "direct-call"; /* as call.c */

struct consult;

/* The consultation leg: a struct leg first, so that once completed it is
 * the call's agent leg (c->b) like any other. */
struct cleg {
	struct leg leg;
	struct media_relay *r2; /* owning */
	struct consult *cs;     /* while consulting; NULL once completed */
};

struct consult {
	struct call *c;    /* reference */
	struct cleg *b;    /* owning while consulting */
	char *agent;       /* the consulted extension */
	struct tmr tmr;    /* watch the call, ring timeout */
	uint64_t ring_end; /* hl_mono_ms() */
	bool answered;
	bool outside; /* agent is an outside number (outbound.c) */
};

/* --- presence of the consulted agent ------------------------------------ */

static struct acd_agent *engine_agent(const struct call *c, const char *id)
{
	struct acd_tenant *at = acd_tenant_find(c->v->cfg.acd, c->ct->name);

	return at && id ? acd_agent_find(at, id) : NULL;
}

static void presence(const struct call *c, const char *id, bool busy)
{
	struct acd_agent *a = engine_agent(c, id);
	struct acd_agent_info info;

	if (!a)
		return;
	acd_agent_info(a, &info);
	if (busy && info.presence == ACD_PRESENCE_AVAILABLE)
		(void)acd_agent_set_presence(a, ACD_PRESENCE_NOT_READY,
		                             direct_reason);
	else if (!busy && info.presence == ACD_PRESENCE_NOT_READY &&
	         info.reason && !strcmp(info.reason, direct_reason))
		(void)acd_agent_set_presence(a, ACD_PRESENCE_AVAILABLE, NULL);
}

/* --- the relays ----------------------------------------------------------- */

static void laddr(struct media_relay *r, int side, struct sa *sa)
{
	media_relay_laddr(r, side, sa);
}

/* Back to caller <-> A through r1 alone, holds as the call had them. */
static void media_restore(struct call *c)
{
	bool held = c->desk_held || (c->b && c->b->held);

	if (c->state == CALL_ENDED || !c->relay)
		return;
	call_relay_remote(c, 0, leg_raddr(c->a));
	(void)media_relay_set_hold(c->relay, 0, c->a && c->a->held);
	(void)media_relay_set_hold(c->relay, 1, held);
	call_hold_media(c, held);
}

/* --- the consultation object ---------------------------------------------- */

static void consult_destructor(void *arg)
{
	struct consult *cs = arg;

	tmr_cancel(&cs->tmr);
	if (cs->b) {
		cs->b->cs = NULL;
		cs->b = mem_deref(cs->b); /* BYE or CANCEL to B */
	}
	mem_deref(cs->agent);
	mem_deref(cs->c);
}

/* End the consultation without handing over. */
static void consult_end(struct consult *cs, const char *why)
{
	struct call *c = cs->c;

	HL_INFO("voice", "call %s: consultation with %s ended (%s)", c->id,
	        cs->agent, why);
	if (c->consult == cs)
		c->consult = NULL;
	media_restore(c);
	presence(c, cs->agent, false);
	mem_deref(cs);
}

static void watch(void *arg)
{
	struct consult *cs = arg;
	struct call *c = cs->c;

	if (c->state != CALL_BRIDGED || !c->b) {
		consult_end(cs, "the call ended");
		return;
	}
	if (!cs->answered && hl_mono_ms() > cs->ring_end) {
		consult_end(cs, "no answer");
		return;
	}
	tmr_start(&cs->tmr, WATCH_MS, watch, cs);
}

/* --- the consultation leg's SIP session ------------------------------------
 */

static void cleg_destructor(void *arg)
{
	struct cleg *b = arg;

	if (b->r2) {
		struct media_relay_stats st;

		memset(&st, 0, sizeof(st));
		media_relay_stats(b->r2, &st);
		HL_INFO("voice",
		        "call %s: consultation leg closed; second relay "
		        "packets from A/caller %llu, from B %llu",
		        b->leg.call->id, (unsigned long long)st.rx_pkts[0],
		        (unsigned long long)st.rx_pkts[1]);
	}
	list_unlink(&b->leg.le);
	mem_deref(b->leg.refer);
	mem_deref(b->leg.sess);
	mem_deref(b->leg.sdp);
	mem_deref(b->leg.uri);
	mem_deref(b->r2);
}

static bool usable(const struct cleg *b)
{
	const struct sdp_format *f =
	    sdp_media_lformat(b->leg.sm, b->leg.call->codec.pt);

	return f && f->sup && sdp_media_rport(b->leg.sm) &&
	       sa_isset(sdp_media_raddr(b->leg.sm), SA_ADDR);
}

static bool holds(const struct cleg *b)
{
	enum sdp_dir d = sdp_media_rdir(b->leg.sm);

	return !(d & SDP_SENDONLY) || sa_is_any(sdp_media_raddr(b->leg.sm));
}

/* B's new address or hold: on r2's side towards B. */
static void apply_remote(struct cleg *b)
{
	bool h = holds(b);

	if (!sa_is_any(sdp_media_raddr(b->leg.sm)))
		(void)media_relay_set_remote(b->r2, 1,
		                             sdp_media_raddr(b->leg.sm));
	if (h != b->leg.held && !b->cs && b->leg.call->b == &b->leg) {
		HL_INFO("voice", "call %s: agent %s", b->leg.call->id,
		        h ? "holds" : "resumes");
		call_hold_media(b->leg.call, h); /* music to the caller */
	}
	b->leg.held = h;
	(void)media_relay_set_hold(b->r2, 1, h);
}

static int offer_handler(struct mbuf **descp, const struct sip_msg *msg,
                         void *arg)
{
	struct cleg *b = arg;
	int err;

	if (!mbuf_get_left(msg->mb))
		return sdp_encode(descp, b->leg.sdp, true);
	err = sdp_decode(b->leg.sdp, msg->mb, true);
	if (err)
		return err;
	if (!usable(b))
		return EPROTO;
	apply_remote(b);
	return sdp_encode(descp, b->leg.sdp, false);
}

static int answer_handler(const struct sip_msg *msg, void *arg)
{
	struct cleg *b = arg;

	if (!mbuf_get_left(msg->mb))
		return 0;
	b->leg.answer_ok = !sdp_decode(b->leg.sdp, msg->mb, false) && usable(b);
	if (b->leg.answer_ok && b->leg.state == LEG_ESTABLISHED)
		apply_remote(b);
	return 0;
}

static void estab_handler(const struct sip_msg *msg, void *arg)
{
	struct cleg *b = arg;
	struct consult *cs = b->cs;
	struct call *c = b->leg.call;
	struct sa a0, b0;

	(void)msg;
	b->leg.state = LEG_ESTABLISHED;
	if (!cs)
		return;
	if (!b->leg.answer_ok) {
		consult_end(cs, "no usable answer");
		return;
	}
	apply_remote(b);

	/* A talks to B: r1 sends A's audio out of side 0 into r2, r2 sends
	 * B's back to r1's side 0 */
	laddr(b->r2, 0, &b0);
	laddr(c->relay, 0, &a0);
	call_hold_media(c, false); /* the music to the caller stops */
	(void)media_relay_set_latch(b->r2, 0, false);
	(void)media_relay_set_remote(b->r2, 0, &a0);
	(void)media_relay_set_remote(c->relay, 0, &b0);
	(void)media_relay_set_hold(c->relay, 0, false);
	(void)media_relay_set_hold(c->relay, 1, c->b && c->b->held);
	cs->answered = true;
	HL_INFO("voice", "call %s: agent %s consults %s (the caller waits)",
	        c->id, c->agent_id, cs->agent);
}

static void close_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct cleg *b = arg;

	b->leg.state = LEG_CLOSED;
	if (b->cs) {
		char why[64];

		if (msg && msg->scode)
			(void)re_snprintf(why, sizeof(why), "%s answered %u",
			                  b->cs->agent, msg->scode);
		else
			(void)re_snprintf(why, sizeof(why), "%s hung up",
			                  b->cs->agent);
		consult_end(b->cs, why); /* frees b */
		return;
	}
	/* completed: B is the call's agent leg */
	if (b->leg.call->outside && b->leg.call->b == &b->leg &&
	    !b->leg.call->agent_id) {
		HL_INFO("voice", "call %s: outside number %s hung up",
		        b->leg.call->id, b->leg.call->outside);
		call_end(b->leg.call, DISP_ANSWERED, 0,
		         "outside party hung up");
		return;
	}
	call_leg_closed(&b->leg, err, msg);
}

/* An outside number: the trunk's INVITE (outbound.c) on r2. */
static int cleg_connect_outside(struct cleg **bp, struct call *c,
                                const struct outbound_dest *d)
{
	struct cleg *b;
	int err;

	b = mem_zalloc(sizeof(*b), cleg_destructor);
	if (!b)
		return ENOMEM;
	err = media_relay_alloc(&b->r2, c->v->cfg.media);
	if (!err)
		err = outbound_leg_connect(&b->leg, c, b->r2, d, offer_handler,
		                           answer_handler, NULL, estab_handler,
		                           close_handler, b);
	if (err)
		mem_deref(b);
	else
		*bp = b;
	return err;
}

static int cleg_connect(struct cleg **bp, struct call *c, const char *uri)
{
	struct voice *v = c->v;
	struct mbuf *desc = NULL;
	char from[128], pt[8];
	struct cleg *b;
	struct sa la;
	int err;

	b = mem_zalloc(sizeof(*b), cleg_destructor);
	if (!b)
		return ENOMEM;
	b->leg.call = c;
	b->leg.side = 1;

	err = media_relay_alloc(&b->r2, v->cfg.media);
	if (err)
		goto out;
	laddr(b->r2, 1, &la);
	err = sdp_session_alloc(&b->leg.sdp, &la);
	if (!err)
		err = sdp_media_add(&b->leg.sm, b->leg.sdp, sdp_media_audio,
		                    sa_port(&la), sdp_proto_rtpavp);
	if (!err) {
		(void)re_snprintf(pt, sizeof(pt), "%d", c->codec.pt);
		err = sdp_format_add(NULL, b->leg.sm, false, pt, c->codec.name,
		                     c->codec.srate, 1, NULL, NULL, NULL, false,
		                     NULL);
	}
	if (!err && c->codec.te_pt >= 0) {
		(void)re_snprintf(pt, sizeof(pt), "%d", c->codec.te_pt);
		err = sdp_format_add(NULL, b->leg.sm, false, pt,
		                     "telephone-event", 8000, 1, NULL, NULL,
		                     NULL, false, "0-15");
	}
	if (!err)
		err = str_dup(&b->leg.uri, uri);
	if (!err)
		err = sdp_encode(&desc, b->leg.sdp, true);
	if (err)
		goto out;

	(void)re_snprintf(from, sizeof(from), "sip:%s@%j",
	                  c->agent_id ? c->agent_id : VOICE_CUSER, &v->laddr);
	err = sipsess_connect(&b->leg.sess, v->sock, uri, c->agent_id, from,
	                      VOICE_CUSER, NULL, 0, VOICE_SDP, desc, NULL, NULL,
	                      false, offer_handler, answer_handler, NULL,
	                      estab_handler, NULL, NULL, close_handler, b,
	                      "Allow: " VOICE_ALLOW "\r\n"
	                      "X-Hotline-Call: %s\r\n"
	                      "X-Hotline-Consult: %s\r\n",
	                      c->id, c->agent_id ? c->agent_id : "");
	if (err)
		goto out;
	b->leg.state = LEG_RINGING;

out:
	mem_deref(desc);
	if (err)
		mem_deref(b);
	else
		*bp = b;
	return err;
}

/* --- what the desktop asks --------------------------------------------------
 */

int call_consult_start(struct call *c, const struct center_agent *ca)
{
	struct acd_agent *a = engine_agent(c, ca->cfg.id);
	struct acd_agent_info info;
	const struct list *bl;
	const struct binding *bind;
	struct consult *cs;
	int err;

	if (c->consult)
		return EALREADY;
	if (!a)
		return EINVAL;
	acd_agent_info(a, &info);
	if (info.state == ACD_AGENT_BUSY || info.state == ACD_AGENT_RESERVED)
		return EBUSY;
	bl = registrar_bindings(c->v->reg, c->ct->name, ca->cfg.id);
	bind = bl && bl->head ? bl->head->data : NULL;
	if (!bind)
		return EHOSTUNREACH;

	cs = mem_zalloc(sizeof(*cs), consult_destructor);
	if (!cs)
		return ENOMEM;
	tmr_init(&cs->tmr);
	cs->c = mem_ref(c);
	err = str_dup(&cs->agent, ca->cfg.id);
	if (!err)
		err = cleg_connect(&cs->b, c, bind->uri);
	if (err) {
		mem_deref(cs);
		return err;
	}
	cs->b->cs = cs;
	cs->ring_end = hl_mono_ms() + CONSULT_RING_MS;
	c->consult = cs;

	/* the caller hears the queue's music and the agent nothing while
	 * B's phone rings */
	(void)media_relay_set_hold(c->relay, 1, true);
	call_hold_media(c, true);
	presence(c, cs->agent, true);
	tmr_start(&cs->tmr, WATCH_MS, watch, cs);
	HL_INFO("voice",
	        "call %s: agent %s asks %s for a consultation, ringing "
	        "%s",
	        c->id, c->agent_id, cs->agent, bind->uri);
	return 0;
}

int call_consult_start_outside(struct call *c, const struct outbound_dest *d)
{
	struct consult *cs;
	int err;

	if (c->consult)
		return EALREADY;
	cs = mem_zalloc(sizeof(*cs), consult_destructor);
	if (!cs)
		return ENOMEM;
	tmr_init(&cs->tmr);
	cs->c = mem_ref(c);
	cs->outside = true;
	err = str_dup(&cs->agent, d->number);
	if (!err)
		err = cleg_connect_outside(&cs->b, c, d);
	if (err) {
		mem_deref(cs);
		return err;
	}
	cs->b->cs = cs;
	cs->ring_end =
	    hl_mono_ms() + (uint64_t)d->tr->out.ring_timeout_s * 1000;
	c->consult = cs;
	(void)media_relay_set_hold(c->relay, 1, true);
	call_hold_media(c, true);
	tmr_start(&cs->tmr, WATCH_MS, watch, cs);
	HL_INFO("voice",
	        "call %s: agent %s consults outside number %s through "
	        "trunk %s",
	        c->id, c->agent_id, d->number, d->tr->name);
	return 0;
}

int call_consult_cancel(struct call *c)
{
	if (!c->consult)
		return ESRCH;
	consult_end(c->consult, "cancelled by the agent");
	return 0;
}

int call_consult_complete(struct call *c)
{
	struct consult *cs = c->consult;
	struct voice *v = c->v;
	struct cleg *b;
	struct sa r1b, r2a;

	if (!cs)
		return ESRCH;
	if (!cs->answered)
		return EBUSY;

	b = cs->b;
	cs->b = NULL;
	b->cs = NULL;
	c->consult = NULL;

	/* caller <-> r1 <-> r2 <-> B */
	laddr(b->r2, 0, &r2a);
	laddr(c->relay, 1, &r1b);
	(void)media_relay_set_remote(b->r2, 0, &r1b);
	(void)media_relay_set_latch(c->relay, 1, false);
	(void)media_relay_set_remote(c->relay, 1, &r2a);
	call_relay_remote(c, 0, leg_raddr(c->a));
	c->desk_held = false;
	call_hold_media(c, false);
	(void)media_relay_set_hold(c->relay, 0, c->a && c->a->held);
	(void)media_relay_set_hold(c->relay, 1, b->leg.held);

	HL_INFO("voice", "call %s: agent %s hands the call to %s", c->id,
	        c->agent_id, cs->agent);

	/* A leaves (its phone gets BYE) and wraps up in the engine */
	call_detach_agent(c);
	c->xferor = mem_deref(c->xferor);
	if (c->contact != ACD_NONE) {
		uint64_t id = c->contact;

		call_set_contact(c, ACD_NONE);
		if (acd_contact_complete(v->cfg.acd, id))
			HL_WARN("voice", "call %s: engine: %s", c->id,
			        acd_last_error(v->cfg.acd));
	}

	/* B's leg is the call's agent leg now, outside the engine */
	c->b = &b->leg;
	c->state = CALL_BRIDGED;
	if (cs->outside) { /* nobody of the center on it any more */
		c->agent = NULL;
		c->agent_id = mem_deref(c->agent_id);
		c->outside = mem_deref(c->outside);
		(void)str_dup(&c->outside, cs->agent);
	} else {
		c->agent = engine_agent(c, cs->agent);
		c->agent_id = mem_deref(c->agent_id);
		(void)str_dup(&c->agent_id, cs->agent);
		c->direct_agent = mem_deref(c->direct_agent);
		(void)str_dup(&c->direct_agent, cs->agent);
	}
	if (!c->counted_bridged) {
		c->counted_bridged = true;
		++v->calls_bridged;
	}
	mem_deref(cs);
	return 0;
}
