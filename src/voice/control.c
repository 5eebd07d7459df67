/**
 * @file control.c  Calls seen and steered from the agent's desktop (the
 * API): what a contact's call is, and hold, resume, hang up and blind
 * transfer of an agent's current call, as the phone would do them.
 *
 * Hold from the desktop does what a hold from the phone does: the agent
 * hears nothing and the caller the queue's music (play.c); the phones are
 * not re-INVITEd, so a phone's own hold stays as it was on resume.  A
 * transfer does what a REFER from the phone does, then hangs up the
 * agent's phone (there is nobody to NOTIFY).
 */
#include <string.h>

#include "media/media.h"
#include "voice/voice_int.h"

int voice_contact_info(const struct voice *v, uint64_t contact,
                       struct voice_contact_info *ci)
{
	const struct call *c;

	if (!v || !ci || contact == ACD_NONE)
		return EINVAL;
	c = call_find(v, contact);
	if (!c || c->state == CALL_ENDED)
		return ENOENT;
	memset(ci, 0, sizeof(*ci));
	str_ncpy(ci->interaction, c->id, sizeof(ci->interaction));
	str_ncpy(ci->caller, c->caller ? c->caller : "", sizeof(ci->caller));
	str_ncpy(ci->dialed, c->dialed ? c->dialed : "", sizeof(ci->dialed));
	ci->bridged = c->state == CALL_BRIDGED;
	ci->held = c->desk_held || (c->a && c->a->held) || (c->b && c->b->held);
	return 0;
}

/* The call bridged to an agent's phone, or NULL. */
static struct call *agent_call(const struct voice *v, const char *tenant,
                               const char *agent)
{
	if (!v || !tenant || !agent)
		return NULL;
	for (struct le *le = v->calls.head; le; le = le->next) {
		struct call *c = le->data;

		if (c->state == CALL_BRIDGED && c->b && c->agent_id && c->ct &&
		    !strcmp(c->agent_id, agent) && !strcmp(c->ct->name, tenant))
			return c;
	}
	return NULL;
}

bool voice_agent_in_call(const struct voice *v, const char *tenant,
                         const char *agent)
{
	return agent_call(v, tenant, agent) != NULL;
}

uint64_t voice_agent_contact(const struct voice *v, const char *tenant,
                             const char *agent)
{
	const struct call *c = agent_call(v, tenant, agent);

	return c ? c->contact : ACD_NONE;
}

int voice_call_hold(struct voice *v, const char *tenant, const char *agent,
                    bool hold)
{
	struct call *c = agent_call(v, tenant, agent);
	bool phone;

	if (!c)
		return ENOENT;
	if (c->consult)
		return EBUSY; /* the consultation owns the media now */
	if (c->desk_held == hold)
		return 0;
	c->desk_held = hold;
	HL_INFO("voice", "call %s: agent %s %s from the desktop", c->id,
	        c->agent_id, hold ? "holds" : "resumes");
	/* as when the phone holds: the agent hears nothing, the caller the
	 * queue's music; a hold of the phone itself stays */
	phone = c->b && c->b->held;
	(void)media_relay_set_hold(c->relay, 1, hold || phone);
	call_hold_media(c, hold || phone);
	return 0;
}

int voice_call_hangup(struct voice *v, const char *tenant, const char *agent)
{
	struct call *c = agent_call(v, tenant, agent);

	if (!c)
		return ENOENT;
	HL_INFO("voice", "call %s: agent %s hangs up from the desktop", c->id,
	        c->agent_id);
	if (!survey_start(c)) /* the caller may be asked to rate it */
		call_end(c, DISP_ANSWERED, 0, "agent hung up");
	return 0;
}

/* "queue:NAME", a number of the tenant, or an agent's extension. */
static int resolve(const struct call *c, const char *target,
                   struct acd_queue **qp, const struct center_agent **cap)
{
	const struct center_tenant *ct = c->ct;
	struct acd_tenant *at = acd_tenant_find(c->v->cfg.acd, ct->name);

	if (!at || !target || !*target)
		return EINVAL;
	if (!strncmp(target, "queue:", 6)) {
		*qp = acd_queue_find(at, target + 6);
		if (!*qp || acd_queue_config(*qp)->channel != ACD_CH_VOICE)
			return EINVAL;
		return 0;
	}
	for (size_t i = 0; i < ct->nnumbers; i++) {
		if (!strcmp(ct->numbers[i].number, target)) {
			if (!*ct->numbers[i].queue)
				return EINVAL; /* a flow without a queue */
			*qp = acd_queue_find(at, ct->numbers[i].queue);
			return *qp ? 0 : EINVAL;
		}
	}
	*cap = center_agent(ct, target);
	if (*cap)
		return 0;
	/* anything else would be an outside number: no outbound trunk */
	return target[0] == '+' || (target[0] >= '0' && target[0] <= '9')
	           ? ENOTSUP
	           : EINVAL;
}

int voice_call_transfer(struct voice *v, const char *tenant, const char *agent,
                        const char *target)
{
	struct call *c = agent_call(v, tenant, agent);
	const struct center_agent *ca = NULL;
	struct acd_queue *q = NULL;
	int err;

	if (!c)
		return ENOENT;
	err = resolve(c, target, &q, &ca);
	if (err)
		return err;
	if (ca && !strcmp(ca->cfg.id, agent))
		return EINVAL; /* to oneself */

	if (c->consult)
		return EBUSY;
	HL_INFO("voice", "call %s: agent %s transfers from the desktop to %s",
	        c->id, agent, target);
	if (c->desk_held) {
		c->desk_held = false;
		call_hold_media(c, false);
	}
	mem_ref(c);
	if (q) {
		err = call_transfer_queue(c, q);
	} else {
		call_detach_agent(c);
		if (c->contact != ACD_NONE) {
			uint64_t id = c->contact;

			call_set_contact(c, ACD_NONE);
			if (acd_contact_complete(v->cfg.acd, id))
				HL_WARN("voice", "call %s: engine: %s", c->id,
				        acd_last_error(v->cfg.acd));
		}
		err = call_ring_direct(c, c->ct, ca);
		if (err) {
			call_direct_failed(c, 480);
			err = 0; /* the caller went back or away: done */
		}
	}
	/* the agent's phone leaves the call */
	if (!err && c->state != CALL_ENDED)
		c->xferor = mem_deref(c->xferor);
	mem_deref(c);
	return err == EBUSY ? EBUSY : err;
}

int voice_call_consult(struct voice *v, const char *tenant, const char *agent,
                       const char *target)
{
	struct call *c = agent_call(v, tenant, agent);
	const struct center_agent *ca;

	if (!c)
		return ENOENT;
	if (!target || !strcmp(target, agent))
		return EINVAL;
	ca = center_agent(c->ct, target);
	if (!ca)
		return target[0] == '+' ||
		               (target[0] >= '0' && target[0] <= '9')
		           ? ENOTSUP
		           : EINVAL;
	return call_consult_start(c, ca);
}

int voice_call_consult_complete(struct voice *v, const char *tenant,
                                const char *agent)
{
	struct call *c = agent_call(v, tenant, agent);

	return c ? call_consult_complete(c) : ENOENT;
}

int voice_call_consult_cancel(struct voice *v, const char *tenant,
                              const char *agent)
{
	struct call *c = agent_call(v, tenant, agent);

	return c ? call_consult_cancel(c) : ENOENT;
}

unsigned voice_latency_hist(const struct voice *v, uint64_t *hist, unsigned n,
                            uint64_t *count)
{
	unsigned m = ARRAY_LEN(v->lat_hist);

	if (!v || !hist)
		return 0;
	if (n < m)
		m = n;
	for (unsigned i = 0; i < m; i++)
		hist[i] = v->lat_hist[i];
	if (count)
		*count = v->lat_n;
	return m;
}
