/**
 * @file voice.c  The voice channel object: SIP stack, dispatch of requests
 * outside dialogs, the engine's events, shutdown.
 */
#include <string.h>

#include "ivr/ivr.h"
#include "voice/voice_int.h"

enum {
	CLOSE_WAIT_MS = 4000, /* shutdown: longest wait for BYE answers */
	CLOSE_POLL_MS = 20,
};

static void event_handler(const struct acd_event *ev, void *arg);
static void latency_log(const struct voice *v);

static void voice_destructor(void *arg)
{
	struct voice *v = arg;

	tmr_cancel(&v->tmr_close);
	/* the engine must outlive the voice (the daemon frees voice first) */
	if (v->subscribed)
		acd_unsubscribe(v->cfg.acd, event_handler, v);
	pop_voice_gone(v);
	list_flush(&v->calls);
	hash_flush(v->ht_contact);
	mem_deref(v->ht_contact);
	v->mq = mem_deref(v->mq);
	vqueues_free(v);
	voice_tprompts_free(v);
	v->reg = mem_deref(v->reg);
	v->rl = mem_deref(v->rl);
	v->lsnr = mem_deref(v->lsnr);
	v->sock = mem_deref(v->sock);
	if (v->sip) {
		sip_close(v->sip, true);
		v->sip = mem_deref(v->sip);
	}
}

void voice_reply(struct voice *v, const struct sip_msg *msg, uint16_t scode,
                 const char *reason)
{
	(void)sip_treply(NULL, v->sip, msg, scode, reason);
}

static bool request_handler(const struct sip_msg *msg, void *arg)
{
	struct voice *v = arg;

	if (!pl_strcmp(&msg->met, "REGISTER")) {
		registrar_handle(v->reg, msg);
		return true;
	}

	if (!pl_strcmp(&msg->met, "OPTIONS")) {
		(void)sip_treplyf(NULL, NULL, v->sip, msg, false, 200, "OK",
		                  "Allow: " VOICE_ALLOW "\r\n"
		                  "Accept: application/sdp\r\n"
		                  "Content-Length: 0\r\n"
		                  "\r\n");
		return true;
	}

	return false;
}

static void event_handler(const struct acd_event *ev, void *arg)
{
	struct voice *v = arg;
	struct call *c;

	if ((ev->channel != ACD_CH_VOICE && ev->channel != ACD_CH_CALLBACK) ||
	    ev->contact_id == ACD_NONE)
		return;

	c = call_find(v, ev->contact_id);
	if (!c && v->adding && ev->owner == v->adding &&
	    v->adding->contact == ACD_NONE) {
		/* acd_contact_add() has not returned the id yet */
		c = v->adding;
		call_set_contact(c, ev->contact_id);
	}
	if (!c || c != ev->owner)
		return;

	HL_DEBUG("voice", "call %s: engine: %s%s%s%s%s", c->id,
	         acd_event_name(ev->type), ev->agent ? " agent " : "",
	         ev->agent ? acd_agent_id(ev->agent) : "", ev->end ? " " : "",
	         ev->end ? acd_end_name(ev->end) : "");

	switch (ev->type) {

	case ACD_EV_CONTACT_OFFERED:
		call_offer(c, (struct acd_agent *)ev->agent);
		break;

	case ACD_EV_OFFER_ENDED:
		call_offer_ended(c, ev->agent, ev->end);
		break;

	case ACD_EV_CONTACT_OVERFLOWED:
		call_overflowed(c, ev->action, ev->target);
		break;

	case ACD_EV_CONTACT_QUEUED:
		call_queued(c, ev->queue);
		break;

	default:
		break;
	}
}

static int listen_addr(struct sa *sa, const char *s)
{
	if (!s || sa_decode(sa, s, strlen(s)))
		return EINVAL;
	if (!sa_port(sa))
		sa_set_port(sa, SIP_PORT);
	return 0;
}

static void mq_handler(int id, void *data, void *arg)
{
	(void)id;
	(void)arg;
	work_load_done(data);
}

int voice_alloc(struct voice **vp, const struct voice_cfg *cfg)
{
	static const struct ratelimit_cfg rlcfg = {
	    /* a phone retries a wrong password every few seconds */
	    .addr_rate = 0.2,
	    .addr_burst = 5,
	    /* a host with many phones, or a scanner rotating ports */
	    .host_rate = 2.0,
	    .host_burst = 50,
	};
	struct voice *v;
	int err;

	if (!vp || !cfg || !cfg->center || !cfg->acd)
		return EINVAL;

	v = mem_zalloc(sizeof(*v), voice_destructor);
	if (!v)
		return ENOMEM;

	v->cfg = *cfg;
	v->cfg.listen = NULL;
	v->boot = (uint32_t)(hl_wall_ms() / 1000);
	tmr_init(&v->tmr_close);
	list_init(&v->calls);
	auth_init(&v->auth, 300);

	err = listen_addr(&v->laddr, cfg->listen);
	if (err) {
		HL_ERROR("voice", "bad SIP listen address '%s'",
		         cfg->listen ? cfg->listen : "");
		goto out;
	}

	err = hash_alloc(&v->ht_contact, 1024);
	if (err)
		goto out;

	err = vqueues_init(v);
	if (err)
		goto out;

	err = mqueue_alloc(&v->mq, mq_handler, v);
	if (err)
		goto out;

	err = ratelimit_alloc(&v->rl, &rlcfg);
	if (err)
		goto out;

	err = registrar_alloc(&v->reg, v);
	if (err)
		goto out;

	err = sip_alloc(&v->sip, NULL, 1024, 1024, 1024,
	                "hotline " HOTLINE_VERSION, NULL, NULL);
	if (err)
		goto out;

	err = sip_transp_add(v->sip, SIP_TRANSP_UDP, &v->laddr);
	if (!err)
		err = sip_transp_add(v->sip, SIP_TRANSP_TCP, &v->laddr);
	if (err) {
		char a[64];

		(void)re_snprintf(a, sizeof(a), "%J", &v->laddr);
		HL_ERROR("voice", "cannot listen for SIP on %s: %s", a,
		         strerror(err));
		goto out;
	}

	err = sipsess_listen(&v->sock, v->sip, 1024, trunk_invite, v);
	if (err)
		goto out;

	err = sip_listen(&v->lsnr, v->sip, true, request_handler, v);
	if (err)
		goto out;

	err = acd_subscribe(v->cfg.acd, event_handler, v);
	if (err)
		goto out;
	v->subscribed = true;

	{
		char a[64];

		(void)re_snprintf(a, sizeof(a), "%J", &v->laddr);
		HL_INFO("voice", "listening for SIP on %s (UDP and TCP)", a);
	}

out:
	if (err)
		mem_deref(v);
	else
		*vp = v;

	return err;
}

static void shutdown_done(struct voice *v)
{
	tmr_cancel(&v->tmr_close);
	if (v->doneh) {
		void (*h)(void *) = v->doneh;

		v->doneh = NULL;
		h(v->done_arg);
	}
}

/* Sessions hold a reference to the SIP stack until their BYE is answered
 * (or times out): when only ours is left, every leg is closed. */
static void close_tmr_handler(void *arg)
{
	struct voice *v = arg;

	if (mem_nrefs(v->sip) <= 1) {
		HL_INFO("voice", "shutdown: all calls closed");
		shutdown_done(v);
		return;
	}

	if (hl_mono_ms() >= v->close_deadline) {
		HL_WARN("voice", "shutdown: BYEs not all answered; closing "
		                 "anyway");
		sip_close(v->sip, true);
		shutdown_done(v);
		return;
	}

	tmr_start(&v->tmr_close, CLOSE_POLL_MS, close_tmr_handler, v);
}

void voice_shutdown(struct voice *v, void (*done)(void *arg), void *arg)
{
	uint32_t n;

	if (!v)
		return;

	if (v->closing) {
		if (done)
			done(arg);
		return;
	}

	v->closing = true;
	v->doneh = done;
	v->done_arg = arg;

	n = list_count(&v->calls);
	HL_INFO("voice", "shutdown: no new calls; ending %u call(s)", n);
	latency_log(v);

	while (v->calls.head)
		call_end(v->calls.head->data, DISP_NONE, 503, "shutdown");

	if (v->subscribed) {
		acd_unsubscribe(v->cfg.acd, event_handler, v);
		v->subscribed = false;
	}

	/* new requests get 503 from here on (trunk.c, registrar.c) */
	v->close_deadline = hl_mono_ms() + CLOSE_WAIT_MS;
	tmr_start(&v->tmr_close, 0, close_tmr_handler, v);
}

void voice_latency_add(struct voice *v, uint64_t ns)
{
	uint64_t us = ns / 1000;
	unsigned i = 0;

	while (us > 1 && i < ARRAY_LEN(v->lat_hist) - 1) {
		us >>= 1;
		++i;
	}
	++v->lat_hist[i];
	++v->lat_n;
	if (ns > v->lat_max_ns)
		v->lat_max_ns = ns;
}

/* Upper bound of the bucket holding quantile q, in microseconds. */
static uint64_t latency_quantile(const struct voice *v, double q)
{
	uint64_t want = (uint64_t)(q * (double)v->lat_n + 0.5), seen = 0;

	for (unsigned i = 0; i < ARRAY_LEN(v->lat_hist); i++) {
		seen += v->lat_hist[i];
		if (seen >= want && seen)
			return 2ull << i;
	}
	return 0;
}

static void latency_log(const struct voice *v)
{
	if (!v->lat_n)
		return;
	HL_INFO("voice",
	        "%llu calls offered; INVITE in to agent INVITE out: "
	        "p50 < %llu us, p90 < %llu us, p99 < %llu us, max %llu us",
	        (unsigned long long)v->lat_n,
	        (unsigned long long)latency_quantile(v, 0.5),
	        (unsigned long long)latency_quantile(v, 0.9),
	        (unsigned long long)latency_quantile(v, 0.99),
	        (unsigned long long)(v->lat_max_ns / 1000));
}

void voice_tenant_removed(struct voice *v, const struct center_tenant *ct)
{
	if (v && ct)
		registrar_tenant_drop(v->reg, ct);
}

unsigned voice_tenant_calls(const struct voice *v, const char *tenant)
{
	unsigned n = 0;

	if (!v || !tenant)
		return 0;
	for (struct le *le = v->calls.head; le; le = le->next) {
		const struct call *c = le->data;

		if (c->kind == CALL_INBOUND && c->ct && c->ct->name &&
		    !strcmp(c->ct->name, tenant))
			++n;
	}
	return n;
}

void voice_stats(const struct voice *v, struct voice_stats *st)
{
	if (!st)
		return;
	memset(st, 0, sizeof(*st));
	if (!v)
		return;

	st->registrations = registrar_count(v->reg);
	for (struct le *le = v->calls.head; le; le = le->next) {
		const struct call *c = le->data;

		if (c->kind == CALL_INBOUND)
			++st->calls_active;
		else
			++st->work_waiting;
	}
	st->calls_bridged = v->calls_bridged;
	st->calls_total = v->calls_total;
	st->ivr_total = v->ivr_total;
	st->voicemail_total = v->vm_total;
	st->callback_total = v->cb_total;
}

int voice_call_vars(const struct voice *v, uint64_t contact, voice_var_h *h,
                    void *arg)
{
	const struct call *c;
	const char *name, *value;

	if (!v || !h || contact == ACD_NONE)
		return EINVAL;
	c = call_find(v, contact);
	if (!c || c->state == CALL_ENDED)
		return ENOENT;

	if (c->ivr) {
		for (size_t i = 0; ivr_session_var_at(c->ivr, i, &name, &value);
		     i++)
			h(name, value, arg);
		return 0;
	}
	if (c->vars.head) {
		for (struct le *le = c->vars.head; le; le = le->next) {
			const struct call_var *cv = le->data;

			h(cv->name, cv->value, arg);
		}
		return 0;
	}
	h("caller", c->caller, arg);
	h("called", c->dialed, arg);
	return 0;
}

unsigned voice_agent_devices(const struct voice *v, const char *tenant,
                             const char *agent)
{
	const struct list *l;

	if (!v)
		return 0;

	l = registrar_bindings(v->reg, tenant, agent);
	return l ? list_count(l) : 0;
}
