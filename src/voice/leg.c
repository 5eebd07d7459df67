/**
 * @file leg.c  One SIP dialog of a call and its SDP.
 *
 * The caller's leg (side 0) is answered from its INVITE's offer: we pick
 * its first codec we relay (PCMU or PCMA) and answer with that codec alone
 * plus telephone-event when offered.  An agent leg (side 1) is offered
 * exactly that codec with the caller's payload type numbers, so the relay
 * passes packets through untouched (no transcoding).
 *
 * Re-INVITEs (hold, resume, a new address) are answered here from the
 * leg's own SDP state and reflected in the relay; the other leg is not
 * re-INVITEd.
 *
 * libre 1.1.0 facts this relies on: the initial offer is the INVITE body
 * (offerh fires only for re-INVITEs); a remote BYE reaches the close
 * handler as ECONNRESET; mem_deref() of a session sends BYE (or CANCEL)
 * without calling the close handler; the answer handler runs before the
 * ACK is sent, so nothing may be freed there.
 */
#include <string.h>
#include <strings.h>

#include "media/media.h"
#include "voice/voice_int.h"

static void leg_destructor(void *arg)
{
	struct leg *leg = arg;

	list_unlink(&leg->le);
	mem_deref(leg->refer);
	mem_deref(leg->sess);
	mem_deref(leg->sdp);
	mem_deref(leg->uri);
}

static bool is_codec(const struct sdp_format *f)
{
	return f->name &&
	       (!str_casecmp(f->name, "PCMU") ||
	        !str_casecmp(f->name, "PCMA")) &&
	       f->srate == 8000;
}

static bool is_te(const struct sdp_format *f)
{
	return f->name && !str_casecmp(f->name, "telephone-event") &&
	       f->srate == 8000;
}

static int leg_alloc(struct leg **lp, struct call *c, unsigned side)
{
	struct leg *leg;
	struct sa laddr;
	int err;

	leg = mem_zalloc(sizeof(*leg), leg_destructor);
	if (!leg)
		return ENOMEM;

	leg->call = c;
	leg->side = side;

	err = call_relay_laddr(c, side, &laddr);
	if (err)
		goto out;

	err = sdp_session_alloc(&leg->sdp, &laddr);
	if (err)
		goto out;

	err = sdp_media_add(&leg->sm, leg->sdp, sdp_media_audio,
	                    sa_port(&laddr), sdp_proto_rtpavp);
	if (err)
		goto out;

out:
	if (err)
		mem_deref(leg);
	else
		*lp = leg;

	return err;
}

static bool media_usable(const struct leg *leg)
{
	const struct sa *ra = sdp_media_raddr(leg->sm);

	return sdp_media_rport(leg->sm) != 0 && sa_isset(ra, SA_ADDR);
}

/* Hold as seen from the remote's SDP: it does not want to receive
 * (sendonly or inactive), or has no address (the old c=0.0.0.0 style).
 * libre keeps rdir from our side: remote sendonly is our SDP_RECVONLY. */
static bool remote_holds(const struct leg *leg)
{
	enum sdp_dir d = sdp_media_rdir(leg->sm);

	return !(d & SDP_SENDONLY) || sa_is_any(sdp_media_raddr(leg->sm));
}

int leg_caller_alloc(struct leg **lp, struct call *c, const struct sip_msg *msg)
{
	const struct sdp_format *codec = NULL, *te = NULL;
	struct leg *leg;
	struct le *le;
	int err;

	if (!mbuf_get_left(msg->mb))
		return EPROTO; /* no offer: we want one (488) */

	err = leg_alloc(&leg, c, 0);
	if (err)
		return err;

	err = sdp_format_add(NULL, leg->sm, false, "0", "PCMU", 8000, 1, NULL,
	                     NULL, NULL, false, NULL);
	err |= sdp_format_add(NULL, leg->sm, false, "8", "PCMA", 8000, 1, NULL,
	                      NULL, NULL, false, NULL);
	err |= sdp_format_add(NULL, leg->sm, false, "101", "telephone-event",
	                      8000, 1, NULL, NULL, NULL, false, "0-15");
	if (err)
		goto out;

	err = sdp_decode(leg->sdp, msg->mb, true);
	if (err) {
		err = EBADMSG;
		goto out;
	}

	if (!media_usable(leg)) {
		err = EPROTO;
		goto out;
	}

	/* local formats now follow the offer's order, with "sup" set on the
	 * ones both sides have */
	for (le = sdp_media_format_lst(leg->sm, true)->head; le;
	     le = le->next) {
		const struct sdp_format *f = le->data;

		if (!f->sup)
			continue;
		if (!codec && is_codec(f))
			codec = f;
		else if (!te && is_te(f))
			te = f;
	}

	if (!codec) {
		err = EPROTO;
		goto out;
	}

	c->codec.pt = codec->pt;
	str_ncpy(c->codec.name, codec->name, sizeof(c->codec.name));
	c->codec.srate = codec->srate;
	c->codec.te_pt = te ? te->pt : -1;

	/* answer with one codec: drop the others */
	le = sdp_media_format_lst(leg->sm, true)->head;
	while (le) {
		struct sdp_format *f = le->data;

		le = le->next;
		if (f != codec && f != te)
			mem_deref(f);
	}

	call_relay_remote(c, 0, sdp_media_raddr(leg->sm));

out:
	if (err)
		mem_deref(leg);
	else
		*lp = leg;

	return err;
}

const struct sa *leg_raddr(const struct leg *leg)
{
	return leg ? sdp_media_raddr(leg->sm) : NULL;
}

/* --- session handlers ----------------------------------------------------- */

/* A re-INVITE (or an INVITE without SDP in the 2xx case). */
static int offer_handler(struct mbuf **descp, const struct sip_msg *msg,
                         void *arg)
{
	struct leg *leg = arg;
	struct call *c = leg->call;
	const struct sdp_format *f;
	bool hold;
	int err;

	if (!mbuf_get_left(msg->mb))
		return sdp_encode(descp, leg->sdp, true);

	err = sdp_decode(leg->sdp, msg->mb, true);
	if (err)
		return err;

	f = sdp_media_lformat(leg->sm, c->codec.pt);
	if (!f || !f->sup) {
		HL_INFO("voice", "call %s: %s re-INVITE without %s refused",
		        c->id, leg->side ? "agent" : "caller", c->codec.name);
		return EPROTO;
	}

	hold = remote_holds(leg);
	if (!sa_is_any(sdp_media_raddr(leg->sm)) && media_usable(leg))
		call_relay_remote(c, leg->side, sdp_media_raddr(leg->sm));
	if (hold != leg->held) {
		leg->held = hold;
		call_leg_hold(leg, hold);
	}

	return sdp_encode(descp, leg->sdp, false);
}

/* The SDP answer: to our offer in the agent INVITE (2xx), or in the ACK
 * after we offered in a 2xx. */
static int answer_handler(const struct sip_msg *msg, void *arg)
{
	struct leg *leg = arg;
	struct call *c = leg->call;
	const struct sdp_format *f;

	if (!mbuf_get_left(msg->mb))
		return 0;

	if (sdp_decode(leg->sdp, msg->mb, false)) {
		leg->answer_ok = false;
		return 0;
	}

	f = sdp_media_lformat(leg->sm, c->codec.pt);
	leg->answer_ok = f && f->sup && media_usable(leg);
	if (!leg->answer_ok)
		return 0;

	/* an answer in an ACK, after our offer in a re-INVITE's 2xx: apply
	 * it like offer_handler() does (nothing is freed here) */
	if (leg->state == LEG_ESTABLISHED && (leg->side == 0 || !leg->offer)) {
		bool hold = remote_holds(leg);

		if (!sa_is_any(sdp_media_raddr(leg->sm)))
			call_relay_remote(c, leg->side,
			                  sdp_media_raddr(leg->sm));
		if (hold != leg->held) {
			leg->held = hold;
			call_leg_hold(leg, hold);
		}
	} else {
		leg->held = remote_holds(leg);
	}

	return 0;
}

static void progress_handler(const struct sip_msg *msg, void *arg)
{
	call_leg_progress(arg, msg);
}

static void estab_handler(const struct sip_msg *msg, void *arg)
{
	struct leg *leg = arg;

	leg->state = LEG_ESTABLISHED;
	call_leg_established(leg, msg);
}

static void close_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct leg *leg = arg;

	leg->state = LEG_CLOSED;
	call_leg_closed(leg, err, msg);
}

int leg_caller_accept(struct leg *leg, const struct sip_msg *msg)
{
	struct voice *v = leg->call->v;
	struct mbuf *desc = NULL;
	int err;

	err = sdp_encode(&desc, leg->sdp, false);
	if (err)
		return err;

	err = sipsess_accept(&leg->sess, v->sock, msg, 200, "OK", VOICE_CUSER,
	                     VOICE_SDP, desc, NULL, NULL, false, offer_handler,
	                     answer_handler, estab_handler, leg_info_handler,
	                     NULL, close_handler, leg,
	                     "Allow: " VOICE_ALLOW "\r\n");
	mem_deref(desc);
	if (err)
		return err;

	leg->call->invite = mem_deref((void *)leg->call->invite);
	leg->state = LEG_ESTABLISHED; /* for us: answered; ACK may follow */
	return 0;
}

int leg_agent_connect(struct leg **lp, struct call *c, struct offer *o,
                      const char *uri)
{
	struct voice *v = c->v;
	struct mbuf *desc = NULL;
	char from[128], pt[8], work[96] = "";
	struct leg *leg;
	int err;

	err = leg_alloc(&leg, c, 1);
	if (err)
		return err;

	leg->offer = o;
	err = str_dup(&leg->uri, uri);
	if (err)
		goto out;

	(void)re_snprintf(pt, sizeof(pt), "%d", c->codec.pt);
	err = sdp_format_add(NULL, leg->sm, false, pt, c->codec.name,
	                     c->codec.srate, 1, NULL, NULL, NULL, false, NULL);
	if (!err && c->codec.te_pt >= 0) {
		(void)re_snprintf(pt, sizeof(pt), "%d", c->codec.te_pt);
		err =
		    sdp_format_add(NULL, leg->sm, false, pt, "telephone-event",
		                   8000, 1, NULL, NULL, NULL, false, "0-15");
	}
	if (err)
		goto out;

	err = sdp_encode(&desc, leg->sdp, true);
	if (err)
		goto out;

	(void)re_snprintf(from, sizeof(from), "sip:%s@%j", c->caller,
	                  &v->laddr);
	if (c->kind == CALL_CALLBACK)
		(void)re_snprintf(work, sizeof(work),
		                  "X-Hotline-Callback: %s\r\n", c->caller);
	else if (c->kind == CALL_VOICEMAIL)
		(void)re_snprintf(work, sizeof(work),
		                  "X-Hotline-Voicemail: %s\r\n",
		                  c->origin ? c->origin : "");

	err = sipsess_connect(&leg->sess, v->sock, uri, c->caller, from,
	                      VOICE_CUSER, NULL, 0, VOICE_SDP, desc, NULL, NULL,
	                      false, offer_handler, answer_handler,
	                      progress_handler, estab_handler, NULL,
	                      refer_handler, close_handler, leg,
	                      "Allow: " VOICE_ALLOW "\r\n"
	                      "X-Hotline-Call: %s\r\n"
	                      "X-Hotline-Queue: %s\r\n"
	                      "%s",
	                      c->id, c->queue_name ? c->queue_name : "", work);
	if (err)
		goto out;

	leg->state = LEG_RINGING;

out:
	mem_deref(desc);
	if (err)
		mem_deref(leg);
	else
		*lp = leg;

	return err;
}

/* --- SIP INFO: DTMF ---------------------------------------------------------
 */

static char code_digit(const char *p, size_t l)
{
	static const char digits[] = "0123456789*#ABCD";

	if (l == 1) {
		char ch = p[0];

		if (ch >= 'a' && ch <= 'd')
			ch = (char)(ch - 'a' + 'A');
		return strchr(digits, ch) && ch ? ch : 0;
	}
	/* some phones send the RFC 4733 event code: 10 '*', 11 '#', 12 'A' */
	if (l == 2 && p[0] == '1' && p[1] >= '0' && p[1] <= '5')
		return digits[10 + (p[1] - '0')];
	return 0;
}

char leg_info_digit(const struct pl *sub, const struct mbuf *mb)
{
	const char *p = mb ? (const char *)mbuf_buf(mb) : NULL;
	size_t l = mb ? mbuf_get_left(mb) : 0;

	if (!sub || !p)
		return 0;

	if (!pl_strcasecmp(sub, "dtmf")) {
		/* the body is the digit */
		while (l &&
		       (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
			++p;
			--l;
		}
		while (l && (p[l - 1] == ' ' || p[l - 1] == '\t' ||
		             p[l - 1] == '\r' || p[l - 1] == '\n'))
			--l;
		return code_digit(p, l);
	}

	if (pl_strcasecmp(sub, "dtmf-relay"))
		return 0;

	/* "Signal=5\r\nDuration=160\r\n", any case, spaces allowed */
	while (l) {
		const char *eol = memchr(p, '\n', l);
		size_t ll = eol ? (size_t)(eol - p) : l;
		const char *q = p, *end = p + ll;

		while (q < end && (*q == ' ' || *q == '\t'))
			++q;
		if ((size_t)(end - q) > 6 && !strncasecmp(q, "signal", 6)) {
			q += 6;
			while (q < end && (*q == ' ' || *q == '\t'))
				++q;
			if (q < end && *q == '=') {
				const char *v;

				++q;
				while (q < end && (*q == ' ' || *q == '\t'))
					++q;
				v = q;
				while (q < end && *q != ' ' && *q != '\t' &&
				       *q != '\r')
					++q;
				return code_digit(v, (size_t)(q - v));
			}
		}
		if (!eol)
			break;
		l -= ll + 1;
		p = eol + 1;
	}
	return 0;
}

void leg_info_handler(struct sip *sip, const struct sip_msg *msg, void *arg)
{
	struct leg *leg = arg;
	struct call *c = leg->call;
	char digit;

	if (!msg_ctype_cmp(&msg->ctyp, "application", "dtmf-relay") &&
	    !msg_ctype_cmp(&msg->ctyp, "application", "dtmf")) {
		(void)sip_treplyf(NULL, NULL, sip, msg, false, 415,
		                  "Unsupported Media Type",
		                  "Accept: application/dtmf-relay, "
		                  "application/dtmf\r\n"
		                  "Content-Length: 0\r\n\r\n");
		return;
	}

	digit = leg_info_digit(&msg->ctyp.subtype, msg->mb);
	if (!digit) {
		(void)sip_reply(sip, msg, 400, "Bad DTMF");
		return;
	}

	(void)sip_reply(sip, msg, 200, "OK");
	if (c->relay && c->state != CALL_ENDED)
		(void)media_relay_dtmf_info(c->relay, (int)leg->side, digit);
}
