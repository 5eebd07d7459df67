/**
 * @file refer.c  Blind transfer: REFER from the bridged agent.
 *
 * Refer-To's user part is looked up in the call's tenant as, in order, a
 * dialed number of the center (its queue), a queue name, or an agent's
 * extension.  The caller's leg stays; the agent's leg leaves the call (it
 * is kept apart until it hangs up, or hung up by us once the outcome is
 * reported).  A queue transfer goes through the engine
 * (acd_contact_transfer); an extension is rung directly (see call.c).
 *
 * The outcome is reported with one NOTIFY (message/sipfrag, the implicit
 * subscription of RFC 3515 terminated at once): 200 once the call is in
 * the queue or ringing the extension, an error status otherwise.
 */
#include <string.h>

#include "voice/voice_int.h"

struct leg_refer {
	struct leg *leg;         /* borrowed: the leg owns us */
	struct sip_request *req; /* NOTIFY in progress */
	bool bye_after;          /* hang the leg up once reported */
};

static void refer_destructor(void *arg)
{
	struct leg_refer *r = arg;

	mem_deref(r->req);
}

static int send_handler(enum sip_transp tp, const struct sa *src,
                        const struct sa *dst, struct mbuf *mb, void *arg)
{
	struct sip_contact contact;
	(void)dst;
	(void)arg;

	sip_contact_set(&contact, VOICE_CUSER, src, tp);
	return mbuf_printf(mb, "%H", sip_contact_print, &contact);
}

static void notify_resp_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct leg_refer *r = arg;
	struct leg *leg = r->leg;
	struct call *c = leg->call;
	(void)err;

	if (msg && msg->scode < 200)
		return;

	/* the transferor had its answer: its part of the call is over */
	if (r->bye_after && c->xferor == leg) {
		HL_DEBUG("voice",
		         "call %s: transfer reported; hanging up the "
		         "transferring agent",
		         c->id);
		c->xferor = mem_deref(c->xferor); /* BYE; frees r too */
	}
}

void refer_notify(struct leg *leg, uint16_t scode, const char *reason)
{
	struct leg_refer *r = leg->refer;
	char frag[96];
	int n, err;

	if (!r || !leg->sess)
		return;

	n = re_snprintf(frag, sizeof(frag), "SIP/2.0 %u %s\r\n", scode, reason);
	if (n < 0)
		return;

	r->req = mem_deref(r->req);
	err =
	    sip_drequestf(&r->req, leg->call->v->sip, true, "NOTIFY",
	                  sipsess_dialog(leg->sess), 0, NULL, send_handler,
	                  notify_resp_handler, r,
	                  "Event: refer\r\n"
	                  "Subscription-State: terminated;reason=noresource\r\n"
	                  "Content-Type: message/sipfrag;version=2.0\r\n"
	                  "Content-Length: %d\r\n"
	                  "\r\n"
	                  "%s",
	                  n, frag);
	if (err)
		HL_WARN("voice", "call %s: cannot send NOTIFY: %s",
		        leg->call->id, strerror(err));
}

int voice_resolve_target(const struct call *c, const char *name,
                         struct acd_queue **qp, const struct center_agent **cap)
{
	const struct center_tenant *ct = c->ct;
	struct acd_tenant *at = acd_tenant_find(c->v->cfg.acd, ct->name);

	if (!at || !name || !*name)
		return ENOENT;

	for (size_t i = 0; i < ct->nnumbers; i++) {
		if (!strcmp(ct->numbers[i].number, name)) {
			*qp = acd_queue_find(at, ct->numbers[i].queue);
			return *qp ? 0 : ENOENT;
		}
	}

	*qp = acd_queue_find(at, name);
	if (*qp)
		return acd_queue_config(*qp)->channel == ACD_CH_VOICE ? 0
		                                                      : ENOENT;

	*cap = center_agent(ct, name);
	return *cap ? 0 : ENOENT;
}

/* Resolve a Refer-To user in the tenant: queue or agent. */
static int resolve(const struct call *c, const struct pl *user,
                   struct acd_queue **qp, const struct center_agent **cap)
{
	char name[64];

	if (!pl_isset(user) || user->l >= sizeof(name))
		return ENOENT;
	(void)pl_strcpy(user, name, sizeof(name));
	return voice_resolve_target(c, name, qp, cap);
}

void refer_handler(struct sip *sip, const struct sip_msg *msg, void *arg)
{
	struct leg *leg = arg;
	struct call *c = leg->call;
	const struct center_agent *ca = NULL;
	struct acd_queue *q = NULL;
	const struct sip_hdr *hdr;
	struct sip_addr to;
	struct outbound_dest od;
	bool outside = false;
	char target[128];
	int err;

	if (c->b != leg || c->state != CALL_BRIDGED) {
		(void)sip_reply(sip, msg, 403, "Not Connected");
		return;
	}

	hdr = sip_msg_hdr(msg, SIP_HDR_REFER_TO);
	if (!hdr || sip_addr_decode(&to, &hdr->val)) {
		(void)sip_reply(sip, msg, 400, "Bad Refer-To");
		return;
	}

	(void)re_snprintf(target, sizeof(target), "%r", &to.auri);
	if (resolve(c, &to.uri.user, &q, &ca)) {
		/* an outside number, through the tenant's trunk? */
		char num[40] = "";

		if (to.uri.user.l < sizeof(num))
			(void)pl_strcpy(&to.uri.user, num, sizeof(num));
		err = outbound_dest(c, num, &od);
		if (err) {
			HL_INFO("voice",
			        "call %s: agent %s transfer to %s refused: "
			        "%s",
			        c->id, c->agent_id, target,
			        err == EACCES    ? "number not allowed"
			        : err == ENOTSUP ? "no outbound trunk"
			                         : "unknown target");
			if (err == EACCES || err == ENOTSUP)
				(void)sip_reply(sip, msg, 403,
				                "Number Not Allowed");
			else
				(void)sip_reply(sip, msg, 404,
				                "Unknown Transfer Target");
			return;
		}
		outside = true;
	}

	if (ca && c->agent_id && !strcmp(ca->cfg.id, c->agent_id)) {
		(void)sip_reply(sip, msg, 403, "Transfer To Self");
		return;
	}

	leg->refer = mem_deref(leg->refer);
	leg->refer = mem_zalloc(sizeof(*leg->refer), refer_destructor);
	if (!leg->refer) {
		(void)sip_reply(sip, msg, 500, "Out Of Memory");
		return;
	}
	leg->refer->leg = leg;

	(void)sip_treplyf(NULL, NULL, sip, msg, true, 202, "Accepted",
	                  "Content-Length: 0\r\n"
	                  "\r\n");

	HL_INFO("voice", "call %s: agent %s transfers to %s (%s %s)", c->id,
	        c->agent_id, target,
	        q         ? "queue"
	        : outside ? "outside number"
	                  : "extension",
	        q         ? acd_queue_name(q)
	        : outside ? od.number
	                  : ca->cfg.id);

	/* the call may end below (the extension is not there and there is
	 * no queue to go back to): keep both to report the outcome */
	mem_ref(c);
	mem_ref(leg);

	if (q) {
		err = call_transfer_queue(c, q);
	} else if (outside) {
		err = voice_transfer_outside(c, &od);
	} else {
		call_detach_agent(c);
		/* the engine's part ends with the first agent */
		if (c->contact != ACD_NONE) {
			uint64_t id = c->contact;

			call_set_contact(c, ACD_NONE);
			if (acd_contact_complete(c->v->cfg.acd, id))
				HL_WARN("voice", "call %s: engine: %s", c->id,
				        acd_last_error(c->v->cfg.acd));
		}
		err = call_ring_direct(c, c->ct, ca);
		if (err)
			call_direct_failed(c, 480);
	}

	if (c->state == CALL_ENDED)
		err = ENOENT;
	if (leg->refer) {
		leg->refer->bye_after = true;
		refer_notify(leg, err ? 480 : 200,
		             err ? "Temporarily Unavailable" : "OK");
	}
	mem_deref(leg);
	mem_deref(c);
}
