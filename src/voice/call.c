/**
 * @file call.c  One call: the caller's leg, the agents rung for it, the
 * bridged agent, and what the engine hears about it.
 *
 * States: NEW (being set up) -> QUEUED (in the engine: waiting or offered)
 * -> BRIDGED (talking to an agent) -> ENDED; DIRECT when ringing an agent
 * outside the engine (a transfer to an extension, or a call dialing one).
 * A transfer to a queue goes BRIDGED -> QUEUED again.
 *
 * Every offer of the engine rings all registered devices of the agent; the
 * first device to answer is accepted with acd_contact_accept() and bridged,
 * the other devices get CANCEL.  When every device of an offer fails, the
 * offer is rejected (acd_contact_reject()); the engine times offers itself
 * and then tells us (OFFER_ENDED) to stop ringing.
 */
#include <string.h>

#include "ivr/ivr.h"
#include "media/media.h"
#include "store/store.h"
#include "voice/voice_int.h"

enum {
	DIRECT_RING_MS = 30000, /* ring an extension this long */
};

static const char *direct_reason = "direct-call";

static void offer_destructor(void *arg)
{
	struct offer *o = arg;

	tmr_cancel(&o->tmr);
	list_unlink(&o->le);
	list_flush(&o->legs);
	mem_deref(o->agent_id);
}

static void call_destructor(void *arg)
{
	struct call *c = arg;

	tmr_cancel(&c->tmr);
	list_unlink(&c->le);
	hash_unlink(&c->he);
	pop_call_gone(c);
	mem_deref(c->ivr);
	work_vars_flush(c);
	list_flush(&c->offers);
	mem_deref(c->b);
	mem_deref(c->xferor);
	mem_deref(c->a);
	mem_deref((void *)c->invite);
	mem_deref(c->relay);
	mem_deref(c->caller);
	mem_deref(c->dialed);
	mem_deref(c->queue_name);
	mem_deref(c->agent_id);
	mem_deref(c->xfer_from);
	mem_deref(c->direct_agent);
	mem_deref(c->vm_queue);
	mem_deref(c->rec_path);
	mem_deref(c->vm_path);
	mem_deref(c->work_path);
	mem_deref(c->origin);
	mem_deref(c->work_clip);
	mem_deref(c->out);
	mem_deref(c->outside);
}

const char *call_disp_name(enum call_disp d)
{
	switch (d) {

	case DISP_ANSWERED:
		return "answered";
	case DISP_ABANDONED:
		return "abandoned";
	case DISP_OVERFLOWED:
		return "overflowed";
	case DISP_FAILED:
		return "failed";
	case DISP_SELF:
		return "self-service";
	default:
		return "none";
	}
}

/* The caller's number as we pass it on (From user of the agent INVITE):
 * digits and a few safe characters only. */
static int caller_dup(char **dst, const struct sip_msg *msg)
{
	const struct pl *u = &msg->from.uri.user;
	size_t n = 0;
	char *s;

	s = mem_alloc(u->l + 1 > 10 ? u->l + 1 : 10, NULL);
	if (!s)
		return ENOMEM;

	for (size_t i = 0; i < u->l && i < 63; i++) {
		char ch = u->p[i];

		if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= 'A' && ch <= 'Z') || strchr("+*#._-", ch))
			s[n++] = ch;
	}
	s[n] = '\0';
	if (!n)
		strcpy(s, "anonymous");

	*dst = s;
	return 0;
}

static void call_init(struct call *c, struct voice *v,
                      const struct center_tenant *ct)
{
	c->v = v;
	c->ct = ct;
	c->contact = ACD_NONE;
	c->codec.te_pt = -1;
	c->t_arrived = hl_wall_ms();
	c->t_in_ns = hl_mono_ns();
	store_new_id(c->id); /* also the record's id */
	tmr_init(&c->tmr);
	list_init(&c->vars);
	str_ncpy(c->lang, ct && ct->nlanguages ? ct->languages[0].code : "zh",
	         sizeof(c->lang));
}

int call_alloc(struct call **cp, struct voice *v, const struct sip_msg *msg,
               const struct center_tenant *ct)
{
	struct call *c;
	int err;

	c = mem_zalloc(sizeof(*c), call_destructor);
	if (!c)
		return ENOMEM;

	call_init(c, v, ct);
	err = caller_dup(&c->caller, msg);
	if (err)
		goto out;
	err = pl_strdup(&c->dialed, &msg->uri.user);
	if (err)
		goto out;

	c->invite = mem_ref((void *)msg);

	err = media_relay_alloc(&c->relay, v->cfg.media);
	if (err)
		goto out;

	list_append(&v->calls, &c->le, c);
	++v->calls_total;
	/* who is calling: answered later, nothing waits for it */
	pop_start(c);

out:
	if (err)
		mem_deref(c);
	else
		*cp = c;

	return err;
}

int call_alloc_work(struct call **cp, struct voice *v,
                    const struct center_tenant *ct, enum call_kind kind,
                    const char *number, const char *dialed)
{
	struct call *c;
	int err;

	c = mem_zalloc(sizeof(*c), call_destructor);
	if (!c)
		return ENOMEM;

	call_init(c, v, ct);
	c->kind = kind;
	/* agents are offered it in G.711 u-law, with telephone-events */
	c->codec.pt = 0;
	str_ncpy(c->codec.name, "PCMU", sizeof(c->codec.name));
	c->codec.srate = 8000;
	c->codec.te_pt = 101;
	err = str_dup(&c->caller, number ? number : "anonymous");
	if (!err)
		err = str_dup(&c->dialed, dialed ? dialed : "");
	if (err) {
		mem_deref(c);
		return err;
	}

	/* the relay (ports) only once an agent is rung: see call_offer() */
	list_append(&v->calls, &c->le, c);
	pop_start(c);
	*cp = c;
	return 0;
}

static bool contact_cmp(struct le *le, void *arg)
{
	const struct call *c = le->data;

	return c->contact == *(const uint64_t *)arg;
}

struct call *call_find(const struct voice *v, uint64_t contact)
{
	return list_ledata(hash_lookup(v->ht_contact, (uint32_t)contact,
	                               contact_cmp, &contact));
}

void call_set_contact(struct call *c, uint64_t id)
{
	hash_unlink(&c->he);
	c->contact = id;
	if (id != ACD_NONE)
		hash_append(c->v->ht_contact, (uint32_t)id, &c->he, c);
}

/* Put the call into queue q as a new contact of the engine.  The engine may
 * decide at once (events arrive before acd_contact_add() returns): an agent
 * is rung, or the call overflows and ends.  Returns 0 (in the queue),
 * ECANCELED (the call ended meanwhile: c may be freed, do not touch it) or
 * the engine's refusal (the call is as before, not in the queue). */
int call_enqueue(struct call *c, struct acd_queue *q, uint8_t prio,
                 const struct acd_skill_req *skills, size_t nskills)
{
	struct voice *v = c->v;
	struct acd_contact_params p = {
	    .channel = c->kind == CALL_INBOUND ? ACD_CH_VOICE : ACD_CH_CALLBACK,
	    .queue = q,
	    .priority = prio,
	    .skills = skills,
	    .nskills = nskills,
	    .owner = c,
	};
	enum call_state prev = c->state;
	uint64_t id = ACD_NONE;
	bool ended;
	int err;

	c->queue = q;
	c->queue_name = mem_deref(c->queue_name);
	(void)str_dup(&c->queue_name, acd_queue_name(q));
	c->priority = prio;
	if (!c->t_queued)
		c->t_queued = hl_wall_ms();
	c->state = CALL_QUEUED;

	mem_ref(c);
	v->adding = c;
	err = acd_contact_add(v->cfg.acd, &p, &id);
	if (v->adding == c)
		v->adding = NULL;
	ended = c->state == CALL_ENDED;
	/* (a contact that overflowed at once left the engine already) */
	if (!err && !ended && c->contact == ACD_NONE && c->state == CALL_QUEUED)
		call_set_contact(c, id);
	if (err && !ended)
		c->state = prev;
	mem_deref(c);

	if (ended)
		return ECANCELED;
	if (err)
		HL_WARN("voice", "call %s: queue %s refused it: %s", c->id,
		        acd_queue_name(q), acd_last_error(v->cfg.acd));
	return err;
}

/* --- media glue ----------------------------------------------------------- */

int call_relay_laddr(const struct call *c, unsigned side, struct sa *sa)
{
	media_relay_laddr(c->relay, (int)side, sa);
	return sa_isset(sa, SA_ALL) ? 0 : EADDRNOTAVAIL;
}

void call_relay_remote(struct call *c, unsigned side, const struct sa *sa)
{
	if (sa && sa_isset(sa, SA_ALL))
		(void)media_relay_set_remote(c->relay, (int)side, sa);
}

void call_leg_hold(struct leg *leg, bool hold)
{
	struct call *c = leg->call;

	HL_INFO("voice", "call %s: %s %s", c->id,
	        leg->side ? "agent" : "caller", hold ? "holds" : "resumes");
	(void)media_relay_set_hold(c->relay, (int)leg->side, hold);
	/* the caller hears music while the agent holds */
	if (leg->side == 1 && leg == c->b)
		call_hold_media(c, hold);
}

/* --- offers ------------------------------------------------------------- */

static struct offer *offer_find(const struct call *c, const struct acd_agent *a)
{
	for (struct le *le = c->offers.head; le; le = le->next) {
		struct offer *o = le->data;

		if (o->agent == a)
			return o;
	}

	return NULL;
}

/* Ring every registered device of the agent.  Returns the number rung. */
static unsigned offer_ring(struct offer *o)
{
	struct call *c = o->call;
	const struct list *bl;
	unsigned n = 0;

	bl = registrar_bindings(c->v->reg, o->ct->name, o->agent_id);
	for (struct le *le = bl ? bl->head : NULL; le; le = le->next) {
		const struct binding *b = le->data;
		struct leg *leg;
		int err;

		err = leg_agent_connect(&leg, c, o, b->uri);
		if (err) {
			HL_WARN("voice",
			        "call %s: cannot INVITE agent %s at "
			        "%s: %s",
			        c->id, o->agent_id, b->uri, strerror(err));
			continue;
		}
		list_append(&o->legs, &leg->le, leg);
		++n;
	}

	return n;
}

static int offer_alloc(struct offer **op, struct call *c, struct acd_agent *a,
                       const struct center_tenant *ct)
{
	struct offer *o;
	int err;

	o = mem_zalloc(sizeof(*o), offer_destructor);
	if (!o)
		return ENOMEM;

	o->call = c;
	o->agent = a;
	o->ct = ct;
	tmr_init(&o->tmr);
	err = str_dup(&o->agent_id, acd_agent_id(a));
	if (err) {
		mem_deref(o);
		return err;
	}

	list_append(&c->offers, &o->le, o);
	*op = o;
	return 0;
}

void call_offer(struct call *c, struct acd_agent *a)
{
	struct voice *v = c->v;
	struct offer *o;
	unsigned n;

	if (c->state != CALL_QUEUED || offer_find(c, a) || v->closing)
		return;

	if (!c->relay) { /* a work item: ports only now */
		if (media_relay_alloc(&c->relay, v->cfg.media)) {
			(void)acd_contact_reject(v->cfg.acd, c->contact, a);
			return;
		}
		call_media_init(c);
	}
	work_load(c);

	if (offer_alloc(&o, c, a, c->ct)) {
		(void)acd_contact_reject(v->cfg.acd, c->contact, a);
		return;
	}

	n = offer_ring(o);
	if (n && !c->t_offered) {
		c->t_offered = hl_wall_ms();
		voice_latency_add(v, hl_mono_ns() - c->t_in_ns);
	}
	if (!n) {
		HL_INFO("voice",
		        "call %s: offered to agent %s, who has no "
		        "registered phone: rejected",
		        c->id, o->agent_id);
		mem_deref(o);
		(void)acd_contact_reject(v->cfg.acd, c->contact, a);
		return;
	}

	HL_INFO("voice",
	        "call %s: offered to agent %s, ringing %u "
	        "device(s)",
	        c->id, o->agent_id, n);
}

void call_offer_ended(struct call *c, const struct acd_agent *a,
                      enum acd_end_reason end)
{
	struct offer *o = offer_find(c, a);

	if (!o)
		return;

	HL_INFO("voice",
	        "call %s: offer to agent %s ended (%s): stop "
	        "ringing",
	        c->id, o->agent_id, acd_end_name(end));
	o->ended = true;
	list_unlink(&o->le);
	mem_deref(o);
}

/* Every device of the offer failed. */
static void offer_failed(struct offer *o)
{
	struct call *c = o->call;
	struct voice *v = c->v;
	struct acd_agent *a = o->agent;
	bool direct = o->direct;
	uint16_t scode = o->scode;

	HL_INFO("voice", "call %s: agent %s did not take the call (%u)", c->id,
	        o->agent_id, scode);

	/* gone before the engine's OFFER_ENDED can look for it */
	mem_deref(o);

	if (direct) {
		call_direct_failed(c, scode);
		return;
	}

	if (acd_contact_reject(v->cfg.acd, c->contact, a))
		HL_DEBUG("voice", "call %s: reject: %s", c->id,
		         acd_last_error(v->cfg.acd));
}

/* --- direct calls to an extension (outside the engine) ------------------ */

static void direct_presence(struct call *c, struct acd_agent *a, bool busy)
{
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
	(void)c;
}

static void direct_tmr_handler(void *arg)
{
	struct offer *o = arg;

	HL_INFO("voice", "call %s: extension %s did not answer in %d s",
	        o->call->id, o->agent_id, DIRECT_RING_MS / 1000);
	o->scode = 408;
	offer_failed(o);
}

int call_ring_direct(struct call *c, const struct center_tenant *ct,
                     const struct center_agent *ca)
{
	struct acd_tenant *at = acd_tenant_find(c->v->cfg.acd, ct->name);
	struct acd_agent *a = at ? acd_agent_find(at, ca->cfg.id) : NULL;
	struct offer *o;
	unsigned n;
	int err;

	if (!a)
		return ENOENT;

	err = offer_alloc(&o, c, a, ct);
	if (err)
		return err;

	o->direct = true;
	c->state = CALL_DIRECT;
	if (!c->t_offered)
		c->t_offered = hl_wall_ms();

	n = offer_ring(o);
	if (!n) {
		HL_INFO("voice",
		        "call %s: extension %s has no registered "
		        "phone",
		        c->id, ca->cfg.id);
		mem_deref(o);
		return ENOENT;
	}

	direct_presence(c, a, true);
	c->direct_agent = mem_deref(c->direct_agent);
	(void)str_dup(&c->direct_agent, ca->cfg.id);
	tmr_start(&o->tmr, DIRECT_RING_MS, direct_tmr_handler, o);
	call_queue_media(c, true); /* music while it rings */
	HL_INFO("voice",
	        "call %s: ringing extension %s directly, %u "
	        "device(s)",
	        c->id, ca->cfg.id, n);
	return 0;
}

/* A direct ring failed: back to the queue the call came from, if any. */
void call_direct_failed(struct call *c, uint16_t scode)
{
	struct voice *v = c->v;
	struct acd_tenant *at;
	struct acd_agent *a;
	int err;

	at = acd_tenant_find(v->cfg.acd, c->ct->name);
	a = at && c->direct_agent ? acd_agent_find(at, c->direct_agent) : NULL;
	direct_presence(c, a, false);
	c->direct_agent = mem_deref(c->direct_agent);

	if (c->direct_ivr && c->ivr && c->a && c->a->sess) {
		/* the IVR's transfer node rang it: back into the flow at the
		 * node's on_error branch (busy, declined, no answer) */
		c->direct_ivr = false;
		call_media_stop(c);
		c->state = CALL_IVR;
		c->cm = CM_IVR;
		mem_ref(c);
		if (ivr_session_transfer_failed(c->ivr,
		                                scode == 408 ? ETIMEDOUT
		                                             : EBUSY))
			call_end(c, DISP_FAILED, scode >= 300 ? scode : 480,
			         "extension did not answer");
		mem_deref(c);
		return;
	}
	if (!c->queue || !c->a || !c->a->sess) {
		call_end(c, DISP_FAILED, scode >= 300 ? scode : 480,
		         "extension did not answer");
		return;
	}

	err = call_enqueue(c, c->queue, c->priority, NULL, 0);
	if (err == ECANCELED)
		return;
	if (err) {
		call_end(c, DISP_FAILED, 480, "queue refused the call back");
		return;
	}
	HL_INFO("voice", "call %s: back to queue %s (contact %llu)", c->id,
	        c->queue_name, (unsigned long long)c->contact);
	if (c->state == CALL_QUEUED)
		call_queue_media(c, true);
}

/* --- leg events ----------------------------------------------------------- */

void call_leg_progress(struct leg *leg, const struct sip_msg *msg)
{
	struct call *c = leg->call;

	if (!leg->offer || leg->state != LEG_RINGING)
		return;
	if (msg->scode != 180 && msg->scode != 183)
		return;

	leg->state = LEG_EARLY;
	HL_INFO("voice", "call %s: agent %s ringing (%u at %s)", c->id,
	        leg->offer->agent_id, msg->scode, leg->uri);
}

static void bridge(struct call *c, struct leg *leg, struct offer *o)
{
	struct voice *v = c->v;

	list_unlink(&leg->le);
	leg->offer = NULL;
	c->b = leg;
	c->state = CALL_BRIDGED;
	c->direct_ivr = false;
	if (!c->t_answered)
		c->t_answered = hl_wall_ms();
	c->agent = o->agent;
	c->agent_id = mem_deref(c->agent_id);
	(void)str_dup(&c->agent_id, o->agent_id);

	call_relay_remote(c, 1, leg_raddr(leg));
	if (leg->held)
		(void)media_relay_set_hold(c->relay, 1, true);

	if (!c->counted_bridged) {
		c->counted_bridged = true;
		++v->calls_bridged;
	}

	HL_INFO("voice", "call %s: answered by agent %s at %s: bridged (%s)",
	        c->id, o->agent_id, leg->uri, c->codec.name);

	/* the other devices (and, via the engine, other agents) stop */
	list_unlink(&o->le);
	mem_deref(o);

	if (c->kind != CALL_INBOUND) {
		work_preview(c); /* may end the call */
		return;
	}
	/* music and announcements stop: the agent talks */
	call_media_stop(c);
	record_call_start(c);
	if (leg->held)
		call_hold_media(c, true);
}

void call_leg_established(struct leg *leg, const struct sip_msg *msg)
{
	struct call *c = leg->call;
	struct voice *v = c->v;
	struct offer *o = leg->offer;
	int err = 0;
	(void)msg;

	if (leg->side == 0) {
		HL_DEBUG("voice", "call %s: caller ACKed", c->id);
		return;
	}

	if (!o) /* not ours any more */
		return;

	if (c->state == CALL_ENDED || c->b) {
		mem_deref(leg); /* BYE: someone else won */
		return;
	}

	if (!leg->answer_ok) {
		HL_INFO("voice",
		        "call %s: agent %s answered at %s without a "
		        "usable %s answer: hanging up",
		        c->id, o->agent_id, leg->uri, c->codec.name);
		mem_deref(leg);
		o->scode = 488;
		if (!o->legs.head)
			offer_failed(o);
		return;
	}

	if (o->direct) {
		tmr_cancel(&o->tmr);
		bridge(c, leg, o);
		return;
	}

	/* the engine decides whether this answer still counts: the offer
	 * may have timed out a moment ago */
	mem_ref(o);
	err = acd_contact_accept(v->cfg.acd, c->contact, o->agent);
	if (err) {
		HL_INFO("voice",
		        "call %s: agent %s answered too late (%s): "
		        "hanging up",
		        c->id, o->agent_id, acd_last_error(v->cfg.acd));
		mem_deref(leg);
		mem_deref(o);
		return;
	}

	if (c->state == CALL_ENDED || o->ended) {
		mem_deref(o); /* frees it with its legs: BYE */
		return;
	}

	bridge(c, leg, o);
	mem_deref(o);
}

static const char *close_reason(int err, const struct sip_msg *msg, char *buf,
                                size_t sz)
{
	if (msg && msg->scode)
		(void)re_snprintf(buf, sz, "%u %r", msg->scode, &msg->reason);
	else if (err == ECONNRESET)
		str_ncpy(buf, "BYE", sz);
	else if (err == ETIMEDOUT)
		str_ncpy(buf, "timeout", sz);
	else
		(void)re_snprintf(buf, sz, "%m", err);
	return buf;
}

void call_leg_closed(struct leg *leg, int err, const struct sip_msg *msg)
{
	struct call *c = leg->call;
	char why[80];

	close_reason(err, msg, why, sizeof(why));

	if (leg->side == 0) {
		bool talking = c->state == CALL_BRIDGED;
		const char *gone = "caller hung up while waiting";

		HL_INFO("voice", "call %s: caller hung up (%s)", c->id, why);
		if (c->state == CALL_MESSAGE) {
			/* a voice message ends with the hang-up and stays */
			mem_ref(c);
			dlg_caller_gone(c);
			if (c->state != CALL_ENDED)
				call_end(c,
				         c->cm == CM_BYE       ? c->bye_disp
				         : c->surveyed         ? DISP_ANSWERED
				         : c->queue_overflowed ? DISP_OVERFLOWED
				                               : DISP_ABANDONED,
				         0,
				         c->cm == CM_BYE ? c->bye_reason
				                         : "caller hung up");
			mem_deref(c);
			return;
		}
		if (c->state == CALL_IVR)
			gone = "caller hung up in the IVR";
		if (err == ECONNRESET)
			call_end(c, talking ? DISP_ANSWERED : DISP_ABANDONED, 0,
			         talking ? "caller hung up" : gone);
		else
			call_end(c, talking ? DISP_ANSWERED : DISP_FAILED,
			         msg ? msg->scode : 0, why);
		return;
	}

	if (leg == c->xferor) {
		HL_DEBUG("voice", "call %s: transferring agent leg closed",
		         c->id);
		c->xferor = mem_deref(c->xferor);
		return;
	}

	if (leg == c->b) {
		HL_INFO("voice", "call %s: agent %s hung up (%s)", c->id,
		        c->agent_id, why);
		if (survey_start(c))
			return;
		call_end(c, DISP_ANSWERED, 0, "agent hung up");
		return;
	}

	if (leg->offer) {
		struct offer *o = leg->offer;
		uint16_t sc = msg ? msg->scode : (err == ETIMEDOUT ? 408 : 503);

		HL_INFO("voice", "call %s: agent %s at %s: %s", c->id,
		        o->agent_id, leg->uri, why);
		if (sc == 486 || sc == 600 || sc == 603 || !o->scode)
			o->scode = sc;
		mem_deref(leg);
		if (!o->legs.head)
			offer_failed(o);
		return;
	}

	mem_deref(leg);
}

/* --- engine events ------------------------------------------------------- */

void call_queued(struct call *c, const struct acd_queue *q)
{
	const char *name;

	if (!q || q == c->queue)
		return;

	name = acd_queue_name(q);
	HL_INFO("voice", "call %s: now in queue %s", c->id, name);
	c->queue = (struct acd_queue *)q;
	c->queue_name = mem_deref(c->queue_name);
	(void)str_dup(&c->queue_name, name);
}

void call_overflowed(struct call *c, enum acd_overflow_action action,
                     const char *target)
{
	char why[64];

	static const char *const busy[] = {"queue/all_busy"};
	struct voice *v = c->v;
	bool at_once = v->adding == c;

	if (action == ACD_OVERFLOW_QUEUE || action == ACD_OVERFLOW_NONE)
		return; /* the engine moves it; QUEUED follows */

	(void)re_snprintf(why, sizeof(why), "overflow %s%s%s",
	                  acd_overflow_name(action), target ? " " : "",
	                  target ? target : "");
	if (c->kind == CALL_INBOUND)
		HL_INFO("voice", "call %s: %s", c->id, why);
	else
		HL_DEBUG("voice", "call %s: %s: stays in queue %s", c->id, why,
		         c->queue_name);

	/* it left the engine */
	call_set_contact(c, ACD_NONE);
	c->queue_overflowed = true;

	if (c->kind != CALL_INBOUND) {
		/* a callback is not dropped for having waited: it stays in
		 * its queue, unless the queue is full */
		if (at_once || !c->queue ||
		    call_enqueue(c, c->queue, c->priority, NULL, 0)) {
			if (c->state != CALL_ENDED)
				call_end(c, DISP_OVERFLOWED, 0, why);
		}
		return;
	}

	/* without prompts nothing can be offered: let the caller go */
	if (!v->cfg.prompts || !c->a) {
		call_end(c, DISP_OVERFLOWED, 480, why);
		return;
	}
	if (at_once)
		v->adding = NULL; /* not queued: call_enqueue() must see it */

	call_media_stop(c);
	c->state = CALL_MESSAGE;
	switch (action) {
	case ACD_OVERFLOW_CALLBACK:
		dlg_callback_offer(c, c->queue_name, DLG_BUSY);
		break;
	case ACD_OVERFLOW_VOICEMAIL:
		(void)dlg_voicemail(c, c->queue_name, DLG_BUSY);
		break;
	default: /* disconnect */
		call_say_bye(c, busy, 1, DISP_OVERFLOWED, why);
		break;
	}
}

/* --- transfer ------------------------------------------------------------- */

int call_transfer_queue(struct call *c, struct acd_queue *q)
{
	struct voice *v = c->v;
	struct acd_agent *agent;
	int err;

	if (c->state != CALL_BRIDGED || !c->b)
		return EBUSY;

	if (c->contact == ACD_NONE) {
		/* bridged outside the engine (a direct call): enter q anew */
		call_detach_agent(c);
		err = call_enqueue(c, q, c->priority, NULL, 0);
		if (!err && c->state == CALL_QUEUED)
			call_queue_media(c, true);
		return err == ECANCELED ? 0 : err;
	}

	agent = c->agent;
	call_detach_agent(c);
	c->state = CALL_QUEUED;
	err = acd_contact_transfer(v->cfg.acd, c->contact, q);
	if (err) {
		/* still connected in the engine: the agent keeps the call */
		HL_INFO("voice", "call %s: transfer to %s refused: %s", c->id,
		        acd_queue_name(q), acd_last_error(v->cfg.acd));
		c->b = c->xferor;
		c->xferor = NULL;
		c->state = CALL_BRIDGED;
		c->agent = agent;
		if (!c->counted_bridged) {
			c->counted_bridged = true;
			++v->calls_bridged;
		}
		return err;
	}

	if (c->state == CALL_QUEUED && c->queue != q)
		call_queued(c, q);
	if (c->state == CALL_QUEUED)
		call_queue_media(c, true);

	return 0;
}

void call_agent_done(struct call *c)
{
	struct voice *v = c->v;
	struct acd_agent *agent = c->agent;
	uint64_t contact = c->contact;
	struct acd_tenant *at;
	struct sa off;

	call_set_contact(c, ACD_NONE);
	if (contact != ACD_NONE && acd_contact_complete(v->cfg.acd, contact))
		HL_WARN("voice", "call %s: engine: %s", c->id,
		        acd_last_error(v->cfg.acd));

	at = c->ct ? acd_tenant_find(v->cfg.acd, c->ct->name) : NULL;
	if (c->direct_agent && at)
		direct_presence(c, acd_agent_find(at, c->direct_agent), false);
	c->direct_agent = mem_deref(c->direct_agent);
	if (c->counted_bridged) {
		c->counted_bridged = false;
		--v->calls_bridged;
	}
	c->agent = NULL;
	c->b = mem_deref(c->b); /* BYE unless the agent sent it */

	/* nothing goes to or comes from the agent's address any more */
	media_relay_laddr(c->relay, 1, &off);
	if (sa_isset(&off, SA_ADDR)) {
		sa_set_port(&off, 0);
		(void)media_relay_set_remote(c->relay, 1, &off);
	}
	(void)media_relay_set_hold(c->relay, 1, false);

	if (agent)
		registrar_agent_idle(v->reg, agent, c->ct);
}

/* The bridged agent leaves the call (transfer): its leg is kept apart
 * until it hangs up or the transfer is reported. */
void call_detach_agent(struct call *c)
{
	struct voice *v = c->v;

	if (!c->b)
		return;

	/* a direct call's agent is free for the engine again */
	if (c->direct_agent) {
		struct acd_tenant *at =
		    acd_tenant_find(v->cfg.acd, c->ct->name);

		direct_presence(
		    c, at ? acd_agent_find(at, c->direct_agent) : NULL, false);
		c->direct_agent = mem_deref(c->direct_agent);
	}

	mem_deref(c->xferor);
	c->xferor = c->b;
	c->b = NULL;
	c->xfer_from = mem_deref(c->xfer_from);
	(void)str_dup(&c->xfer_from, c->agent_id);
	c->agent = NULL;
	if (c->counted_bridged) {
		c->counted_bridged = false;
		--v->calls_bridged;
	}
	(void)media_relay_set_hold(c->relay, 1, false);
}

static const char *final_reason(uint16_t scode)
{
	switch (scode) {

	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 480:
		return "Temporarily Unavailable";
	case 486:
		return "Busy Here";
	case 488:
		return "Not Acceptable Here";
	case 503:
		return "Service Unavailable";
	default:
		return scode >= 500 ? "Server Error" : "Unavailable";
	}
}

/* --- the end ------------------------------------------------------------- */

void call_end(struct call *c, enum call_disp disp, uint16_t scode,
              const char *reason)
{
	struct voice *v = c->v;
	enum call_state prev = c->state;
	uint64_t contact = c->contact;
	struct acd_agent *agent = c->agent;
	struct acd *acd = v->cfg.acd;
	struct acd_tenant *at;
	int err = 0;

	if (prev == CALL_ENDED)
		return;

	c->state = CALL_ENDED;
	c->t_ended = hl_wall_ms();
	tmr_cancel(&c->tmr);
	/* a session in the middle of an op sees the call gone */
	{
		struct ivr_session *s = c->ivr;

		if (s && (disp == DISP_NONE || disp == DISP_ABANDONED) &&
		    ivr_session_state(s) == IVR_RUNNING) {
			HL_INFO("voice", "call %s: left the IVR at %s", c->id,
			        ivr_session_node(s) ? ivr_session_node(s)
			                            : "the start");
		}
		c->ivr = NULL;
		mem_deref(s);
	}

	if (disp == DISP_NONE) /* shutdown */
		disp = prev == CALL_BRIDGED || c->surveyed ? DISP_ANSWERED
		                                           : DISP_FAILED;
	c->disp = disp;
	c->scode = scode;
	if (reason != c->reason) /* the flow's end may pass c->reason */
		str_ncpy(c->reason, reason ? reason : "", sizeof(c->reason));

	/* engine events about this call are ignored from here on */
	call_set_contact(c, ACD_NONE);

	/* stop ringing before telling the engine */
	list_flush(&c->offers);
	c->out = mem_deref(c->out);

	if (contact != ACD_NONE) {
		if (prev == CALL_BRIDGED)
			err = acd_contact_complete(acd, contact);
		else if (disp == DISP_ABANDONED)
			err = acd_contact_abandon(acd, contact);
		else
			err = acd_contact_remove(acd, contact);
		if (err)
			HL_WARN("voice", "call %s: engine: %s", c->id,
			        acd_last_error(acd));
	}

	at = c->ct ? acd_tenant_find(acd, c->ct->name) : NULL;
	if (c->direct_agent && at)
		direct_presence(c, acd_agent_find(at, c->direct_agent), false);

	/* a caller not answered yet gets the final response */
	if (c->invite) {
		(void)sip_treply(NULL, v->sip, c->invite,
		                 scode >= 300 ? scode : 480,
		                 final_reason(scode));
		c->invite = mem_deref((void *)c->invite);
	}

	if (c->counted_bridged) {
		c->counted_bridged = false;
		--v->calls_bridged;
	}

	{
		struct media_relay_stats st;

		memset(&st, 0, sizeof(st));
		media_relay_stats(c->relay, &st);
		HL_INFO("voice",
		        "call %s: ended: %s%s%s, %s; packets from "
		        "caller %llu, from agent %llu, to caller %llu, to "
		        "agent %llu",
		        c->id, call_disp_name(disp),
		        c->agent_id ? ", agent " : "",
		        c->agent_id ? c->agent_id : "", c->reason,
		        (unsigned long long)st.rx_pkts[0],
		        (unsigned long long)st.rx_pkts[1],
		        (unsigned long long)st.tx_pkts[0],
		        (unsigned long long)st.tx_pkts[1]);
	}

	record_write(c);

	/* legs go: BYE (or the CANCEL of an unanswered INVITE) */
	c->b = mem_deref(c->b);
	c->xferor = mem_deref(c->xferor);
	c->a = mem_deref(c->a);
	c->relay = mem_deref(c->relay);

	if (agent)
		registrar_agent_idle(v->reg, agent, c->ct);

	list_unlink(&c->le);
	mem_deref(c);
}
