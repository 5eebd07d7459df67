/**
 * @file trunk.c  A new INVITE: who may call, which number, which queue.
 *
 * Accepted sources: a trunk of the center (address, any port or the given
 * one) or a registered agent phone (the address its REGISTER came from).
 * The dialed number (Request-URI user) is a number of the center, which
 * names a queue, or an agent's extension, which rings that agent directly.
 * The caller is answered at once (so the queue can play to it later) and
 * the call enters the engine; everything after that is call.c.
 */
#include <string.h>

#include "voice/voice_int.h"

static bool from_trunk(const struct voice *v, const struct sa *src,
                       const char **namep)
{
	const struct center *c = v->cfg.center;

	for (size_t i = 0; i < c->ntrunks; i++) {
		const struct center_trunk *t = &c->trunks[i];
		struct sa ta;

		if (!t->address || sa_set_str(&ta, t->address, t->port))
			continue;
		if (!sa_cmp(&ta, src, SA_ADDR))
			continue;
		if (t->port && t->port != sa_port(src))
			continue;
		*namep = t->name;
		return true;
	}

	return false;
}

/* A call already answered (its flow could not run) enters the number's
 * queue; the caller is told nothing more than the music. */
static void queue_answered(struct call *c, const struct center_number *num)
{
	struct voice *v = c->v;
	struct acd_tenant *at = acd_tenant_find(v->cfg.acd, c->ct->name);
	struct acd_queue *q =
	    at && num->queue ? acd_queue_find(at, num->queue) : NULL;
	int err;

	if (!q) {
		call_end(c, DISP_FAILED, 0, "no queue for the flow");
		return;
	}
	c->state = CALL_NEW;
	c->cm = CM_NONE;
	err = call_enqueue(c, q, num->priority, NULL, 0);
	if (err == ECANCELED)
		return;
	if (err) {
		call_end(c, DISP_FAILED, 0, "queue refused");
		return;
	}
	if (c->state == CALL_QUEUED)
		call_queue_media(c, true);
}

/* Refusals are logged, but a flood of them only now and then. */
static bool log_denied(struct voice *v)
{
	++v->denied;
	return v->denied <= 20 || v->denied % 1000 == 0;
}

void trunk_invite(const struct sip_msg *msg, void *arg)
{
	struct voice *v = arg;
	const struct center_tenant *ct = NULL;
	const struct center_number *num;
	const struct center_agent *ca = NULL;
	const char *trunk = NULL;
	const struct binding *b;
	struct call *c = NULL;
	char src[64], dialed[64];
	int err;

	(void)re_snprintf(src, sizeof(src), "%J", &msg->src);

	if (v->closing) {
		voice_reply(v, msg, 503, "Shutting Down");
		return;
	}

	if (!from_trunk(v, &msg->src, &trunk)) {
		b = registrar_find_addr(v->reg, &msg->src);
		if (!b) {
			if (log_denied(v))
				HL_INFO("voice",
				        "INVITE from %s refused: not a "
				        "trunk and not a registered phone "
				        "(%u refused)",
				        src, v->denied);
			voice_reply(v, msg, 403, "Forbidden");
			return;
		}
		trunk = "agent phone";
	}

	if (!pl_isset(&msg->uri.user) || msg->uri.user.l >= sizeof(dialed)) {
		voice_reply(v, msg, 404, "Not Found");
		return;
	}
	(void)pl_strcpy(&msg->uri.user, dialed, sizeof(dialed));

	num = center_number(v->cfg.center, dialed, &ct);
	if (!num)
		ca = voice_agent_lookup(v, &msg->uri.user, &msg->uri.host, &ct);
	if (!num && !ca) {
		if (log_denied(v))
			HL_INFO("voice",
			        "INVITE from %s to %s refused: unknown "
			        "number",
			        src, dialed);
		voice_reply(v, msg, 404, "Not Found");
		return;
	}

	if (ct->suspended && !v->cfg.prompts) {
		/* a suspended tenant (src/api/tenants.c) without prompts to
		 * say so: 480 is about this number only, where 503 would make
		 * a carrier fail the whole trunk over */
		HL_INFO("voice", "INVITE from %s to %s refused: tenant %s is "
		                 "suspended", src, dialed, ct->name);
		voice_reply(v, msg, 480, "Service Suspended");
		return;
	}

	err = call_alloc(&c, v, msg, ct);
	if (err) {
		HL_WARN("voice", "INVITE from %s to %s: cannot set up call: %s",
		        src, dialed, strerror(err));
		voice_reply(v, msg, 500, "Server Error");
		return;
	}

	HL_INFO("voice",
	        "call %s: from %s to %s via %s (%s), sip call-id "
	        "%.*s",
	        c->id, c->caller, dialed, trunk, src, (int)msg->callid.l,
	        msg->callid.p);

	err = leg_caller_alloc(&c->a, c, msg);
	if (err == EPROTO) {
		call_end(c, DISP_FAILED, 488, "no common codec");
		return;
	} else if (err) {
		call_end(c, DISP_FAILED, err == ENOMEM ? 500 : 400,
		         "unusable SDP offer");
		return;
	}

	call_media_init(c);

	if (ct->suspended) {
		static const char *const msg_suspended[] = {"service/suspended"};

		/* answered, so that the caller hears why in the tenant's
		 * language; then BYE.  Recorded as failed, no queue sees it. */
		HL_INFO("voice", "call %s: tenant %s is suspended", c->id,
		        ct->name);
		err = leg_caller_accept(c->a, msg);
		if (err) {
			call_end(c, DISP_FAILED, 480, "tenant suspended");
			return;
		}
		call_say_bye(c, msg_suspended, 1, DISP_FAILED,
		             "tenant suspended");
		return;
	}

	if (num && num->flow && v->cfg.ivr && v->cfg.prompts) {
		/* answered first: the flow speaks to the caller */
		err = leg_caller_accept(c->a, msg);
		if (err) {
			HL_WARN("voice", "call %s: cannot answer: %s", c->id,
			        strerror(err));
			call_end(c, DISP_FAILED, 500, "cannot answer");
			return;
		}
		err = call_flow_start(c, num->flow);
		if (!err)
			return; /* the flow has it (and may have ended it) */
		HL_WARN("voice",
		        "call %s: flow %s cannot run (%s): to queue %s instead",
		        c->id, num->flow, strerror(err),
		        num->queue && *num->queue ? num->queue : "(none)");
		queue_answered(c, num);
		return;
	}

	if (num) {
		struct acd_tenant *at = acd_tenant_find(v->cfg.acd, ct->name);
		struct acd_queue *q =
		    at ? acd_queue_find(at, num->queue) : NULL;

		if (!q && num->flow && (!num->queue || !*num->queue)) {
			HL_WARN("voice",
			        "call %s: number %s is answered by "
			        "flow %s, which cannot run (no IVR or no "
			        "prompts), and has no queue",
			        c->id, dialed, num->flow);
			call_end(c, DISP_FAILED, 480, "no queue for the flow");
			return;
		}
		if (!q) {
			HL_WARN("voice",
			        "call %s: number %s names queue %s, "
			        "which the engine does not know",
			        c->id, dialed, num->queue);
			call_end(c, DISP_FAILED, 404, "no such queue");
			return;
		}

		err = call_enqueue(c, q, num->priority, NULL, 0);
		if (err == ECANCELED)
			return; /* ended at once (overflow): answered by then */
		if (err) {
			call_end(c, DISP_FAILED, err == EBUSY ? 486 : 500,
			         "queue refused");
			return;
		}

		if (c->state == CALL_QUEUED)
			HL_INFO("voice", "call %s: queued in %s (contact %llu)",
			        c->id, num->queue,
			        (unsigned long long)c->contact);
	} else {
		c->state = CALL_DIRECT;
		err = call_ring_direct(c, ct, ca);
		if (err) {
			call_end(c, DISP_FAILED, 480, "extension unavailable");
			return;
		}
	}

	err = leg_caller_accept(c->a, msg);
	if (err) {
		HL_WARN("voice", "call %s: cannot answer: %s", c->id,
		        strerror(err));
		call_end(c, DISP_FAILED, 500, "cannot answer");
		return;
	}
	if (c->state == CALL_QUEUED)
		call_queue_media(c, true);
}
