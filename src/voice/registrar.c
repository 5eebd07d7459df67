/**
 * @file registrar.c  REGISTER: agent phones and their bindings.
 *
 * An address of record is an agent of a tenant (To: sip:1001@...).  Each
 * registered device is a binding (its Contact URI) with an expiry; an agent
 * may have several.  All expiries share ONE timer: bindings sit in a list
 * sorted by deadline (refreshes land near the tail, so insertion walks
 * backwards a step or two) and the timer is armed for the head.  libre keeps
 * its timers in one sorted list per loop, so a timer per binding would make
 * every timer start walk thousands of entries.
 *
 * With available_on_register, the first binding of an agent makes it
 * available in the engine and the last one going away logs it out (unless
 * a call is in progress: then when the call ends).
 */
#include <string.h>

#include "voice/voice_int.h"

enum {
	REG_MIN_EXPIRES = 10,
	REG_MAX_EXPIRES = 3600,
	REG_DEFAULT_EXPIRES = 3600,
	REG_MAX_BINDINGS = 8, /* per agent; the oldest goes first */
};

struct reg_aor {
	struct le he;                   /* in registrar aors */
	struct registrar *reg;          /* borrowed */
	const struct center_tenant *ct; /* borrowed from the center */
	const struct center_agent *ca;
	struct acd_agent *agent; /* borrowed from the engine */
	struct list bindings;    /* struct binding, owning */
	bool logout_pending;     /* last device left during a call */
};

struct registrar {
	struct voice *v;      /* borrowed */
	struct hash *aors;    /* struct reg_aor, owning */
	struct hash *by_addr; /* struct binding (ale), borrowed */
	struct list expiry;   /* struct binding (tle), sorted, borrowed */
	struct tmr tmr;       /* the one expiry timer */
	uint64_t armed_for;   /* deadline tmr is armed for */
	uint32_t count;       /* bindings */
};

static void arm(struct registrar *r);
static void aor_gc(struct reg_aor *aor);

static uint32_t aor_hash(const char *tenant, const char *agent)
{
	return hash_joaat_str(tenant) ^ hash_joaat_str(agent);
}

static void binding_destructor(void *arg)
{
	struct binding *b = arg;

	list_unlink(&b->le);
	list_unlink(&b->tle);
	hash_unlink(&b->ale);
	mem_deref(b->uri);
	mem_deref(b->callid);
}

static void aor_destructor(void *arg)
{
	struct reg_aor *aor = arg;

	hash_unlink(&aor->he);
	list_flush(&aor->bindings);
}

static void registrar_destructor(void *arg)
{
	struct registrar *r = arg;

	tmr_cancel(&r->tmr);
	hash_flush(r->aors);
	mem_deref(r->aors);
	hash_clear(r->by_addr);
	mem_deref(r->by_addr);
}

int registrar_alloc(struct registrar **rp, struct voice *v)
{
	struct registrar *r;
	int err;

	if (!rp || !v)
		return EINVAL;

	r = mem_zalloc(sizeof(*r), registrar_destructor);
	if (!r)
		return ENOMEM;

	r->v = v;
	tmr_init(&r->tmr);

	err = hash_alloc(&r->aors, 256);
	if (err)
		goto out;
	err = hash_alloc(&r->by_addr, 256);
	if (err)
		goto out;

out:
	if (err)
		mem_deref(r);
	else
		*rp = r;

	return err;
}

const struct center_agent *voice_agent_lookup(const struct voice *v,
                                              const struct pl *user,
                                              const struct pl *domain,
                                              const struct center_tenant **ctp)
{
	const struct center *c = v->cfg.center;
	const struct center_agent *found = NULL;
	char id[64];

	if (!user || !pl_isset(user) || user->l >= sizeof(id))
		return NULL;
	(void)pl_strcpy(user, id, sizeof(id));

	for (size_t i = 0; i < c->ntenants; i++) {
		const struct center_tenant *t = &c->tenants[i];
		const struct center_agent *ca = t->removed
		                                    ? NULL
		                                    : center_agent(t, id);

		if (!ca)
			continue;
		if (domain && !pl_strcasecmp(domain, t->name)) {
			*ctp = t;
			return ca;
		}
		if (!found) {
			found = ca;
			*ctp = t;
		}
	}

	return found;
}

struct aor_cmp_arg {
	const char *tenant;
	const char *agent;
};

static bool aor_cmp(struct le *le, void *arg)
{
	const struct reg_aor *aor = le->data;
	const struct aor_cmp_arg *a = arg;

	return !strcmp(aor->ct->name, a->tenant) &&
	       !strcmp(aor->ca->cfg.id, a->agent);
}

static struct reg_aor *aor_find(const struct registrar *r, const char *tenant,
                                const char *agent)
{
	struct aor_cmp_arg a = {tenant, agent};

	return list_ledata(
	    hash_lookup(r->aors, aor_hash(tenant, agent), aor_cmp, &a));
}

static struct reg_aor *aor_get(struct registrar *r,
                               const struct center_tenant *ct,
                               const struct center_agent *ca)
{
	struct reg_aor *aor = aor_find(r, ct->name, ca->cfg.id);
	struct acd_tenant *at;

	if (aor)
		return aor;

	aor = mem_zalloc(sizeof(*aor), aor_destructor);
	if (!aor)
		return NULL;

	aor->reg = r;
	aor->ct = ct;
	aor->ca = ca;
	at = acd_tenant_find(r->v->cfg.acd, ct->name);
	aor->agent = at ? acd_agent_find(at, ca->cfg.id) : NULL;
	hash_append(r->aors, aor_hash(ct->name, ca->cfg.id), &aor->he, aor);

	return aor;
}

const struct list *registrar_bindings(const struct registrar *r,
                                      const char *tenant, const char *agent)
{
	const struct reg_aor *aor;

	if (!r || !tenant || !agent)
		return NULL;

	aor = aor_find(r, tenant, agent);
	return aor ? &aor->bindings : NULL;
}

uint32_t registrar_count(const struct registrar *r)
{
	return r ? r->count : 0;
}

static bool addr_cmp(struct le *le, void *arg)
{
	const struct binding *b = le->data;

	return sa_cmp(&b->src, arg, SA_ALL);
}

const struct binding *registrar_find_addr(const struct registrar *r,
                                          const struct sa *src)
{
	return list_ledata(hash_lookup(r->by_addr, sa_hash(src, SA_ALL),
	                               addr_cmp, (void *)src));
}

/* The agent's first device registered. */
static void aor_online(struct reg_aor *aor)
{
	struct acd_agent_info info;
	int err;

	aor->logout_pending = false;
	if (!aor->ct->available_on_register || !aor->agent)
		return;

	acd_agent_info(aor->agent, &info);
	if (info.presence != ACD_PRESENCE_LOGGED_OUT)
		return;

	err = acd_agent_set_presence(aor->agent, ACD_PRESENCE_AVAILABLE, NULL);
	if (err)
		HL_WARN("voice",
		        "register: agent %s (%s): cannot make "
		        "available: %s",
		        aor->ca->cfg.id, aor->ct->name,
		        acd_last_error(aor->reg->v->cfg.acd));
	else
		HL_INFO("voice", "register: agent %s (%s) available",
		        aor->ca->cfg.id, aor->ct->name);
}

/* The agent's last device went away. */
static void aor_offline(struct reg_aor *aor)
{
	struct acd_agent_info info;
	int err;

	if (!aor->ct->available_on_register || !aor->agent)
		return;

	acd_agent_info(aor->agent, &info);
	if (info.presence == ACD_PRESENCE_LOGGED_OUT)
		return;

	err = acd_agent_set_presence(aor->agent, ACD_PRESENCE_LOGGED_OUT, NULL);
	if (err == EBUSY) {
		aor->logout_pending = true;
		HL_INFO("voice",
		        "register: agent %s (%s) has no device left; "
		        "logged out when the call ends",
		        aor->ca->cfg.id, aor->ct->name);
	} else if (err) {
		HL_WARN("voice", "register: agent %s (%s): cannot log out: %s",
		        aor->ca->cfg.id, aor->ct->name,
		        acd_last_error(aor->reg->v->cfg.acd));
	} else {
		HL_INFO("voice", "register: agent %s (%s) logged out",
		        aor->ca->cfg.id, aor->ct->name);
	}
}

void registrar_agent_idle(struct registrar *r, struct acd_agent *agent,
                          const struct center_tenant *ct)
{
	struct reg_aor *aor;

	if (!r || !agent || !ct)
		return;

	aor = aor_find(r, ct->name, acd_agent_id(agent));
	if (!aor || !aor->logout_pending || aor->bindings.head)
		return;

	aor->logout_pending = false;
	aor_offline(aor);
	aor_gc(aor);
}

/* Remove a binding; the aor goes with its last one (unless a logout waits
 * for a call to end). */
static void binding_remove(struct binding *b, const char *why)
{
	struct reg_aor *aor = b->aor;
	struct registrar *r = aor->reg;

	HL_INFO("voice", "register: agent %s (%s) device %s %s (%u left)",
	        aor->ca->cfg.id, aor->ct->name, b->uri, why,
	        list_count(&aor->bindings) - 1);

	mem_deref(b);
	r->count--;

	if (!aor->bindings.head)
		aor_offline(aor);
}

/* Forget an agent without devices (unless a logout waits for its call).
 * Separate from binding_remove() so callers walking an aor keep it. */
static void aor_gc(struct reg_aor *aor)
{
	if (aor && !aor->bindings.head && !aor->logout_pending)
		mem_deref(aor);
}

static void expiry_insert(struct registrar *r, struct binding *b)
{
	struct le *le;

	list_unlink(&b->tle);

	for (le = r->expiry.tail; le; le = le->prev) {
		const struct binding *x = le->data;

		if (x->expires <= b->expires)
			break;
	}

	if (le)
		list_insert_after(&r->expiry, le, &b->tle, b);
	else
		list_prepend(&r->expiry, &b->tle, b);
}

static void tmr_handler(void *arg)
{
	struct registrar *r = arg;
	uint64_t now = hl_mono_ms();

	while (r->expiry.head) {
		struct binding *b = r->expiry.head->data;

		if (b->expires > now)
			break;
		struct reg_aor *aor = b->aor;

		binding_remove(b, "expired");
		aor_gc(aor);
	}

	arm(r);
}

static void arm(struct registrar *r)
{
	const struct binding *b = list_ledata(r->expiry.head);
	uint64_t now = hl_mono_ms();

	if (!b) {
		tmr_cancel(&r->tmr);
		return;
	}

	/* only re-arm when the head changes, not on every refresh */
	if (tmr_isrunning(&r->tmr) && r->armed_for == b->expires)
		return;

	r->armed_for = b->expires;
	tmr_start(&r->tmr, b->expires > now ? b->expires - now : 0, tmr_handler,
	          r);
}

static bool aor_of_tenant(struct le *le, void *arg)
{
	const struct reg_aor *aor = le->data;

	return aor->ct == arg;
}

void registrar_tenant_drop(struct registrar *r, const struct center_tenant *ct)
{
	struct le *le;
	uint32_t n = 0;

	/* the engine's agents go with the tenant: forget the phones
	 * without telling it (no state changes of a tenant being removed) */
	while ((le = hash_apply(r->aors, aor_of_tenant, (void *)ct))) {
		struct reg_aor *aor = le->data;

		n += list_count(&aor->bindings);
		mem_deref(aor);
	}
	r->count = n > r->count ? 0 : r->count - n;
	arm(r);
	HL_INFO("voice", "tenant %s: %u phone registrations dropped",
	        ct->name, n);
}

static struct binding *binding_find(const struct reg_aor *aor,
                                    const struct pl *uri)
{
	struct le *le;

	for (le = aor->bindings.head; le; le = le->next) {
		struct binding *b = le->data;

		if (!pl_strcmp(uri, b->uri))
			return b;
	}

	return NULL;
}

/* Add or refresh one binding. */
static int binding_set(struct reg_aor *aor, const struct sip_msg *msg,
                       const struct pl *uri, uint32_t expires)
{
	struct registrar *r = aor->reg;
	struct binding *b = binding_find(aor, uri);
	bool first = aor->bindings.head == NULL;
	bool fresh = b == NULL;
	int err = 0;

	if (!b) {
		if (list_count(&aor->bindings) >= REG_MAX_BINDINGS) {
			struct binding *old = NULL;

			for (struct le *le = aor->bindings.head; le;
			     le = le->next) {
				struct binding *x = le->data;

				if (!old || x->expires < old->expires)
					old = x;
			}
			HL_INFO("voice",
			        "register: agent %s (%s): more than %d "
			        "devices, dropping %s",
			        aor->ca->cfg.id, aor->ct->name,
			        REG_MAX_BINDINGS, old->uri);
			mem_deref(old);
			r->count--;
		}

		b = mem_zalloc(sizeof(*b), binding_destructor);
		if (!b)
			return ENOMEM;
		b->aor = aor;
		err = pl_strdup(&b->uri, uri);
		if (err) {
			mem_deref(b);
			return err;
		}
		list_append(&aor->bindings, &b->le, b);
		r->count++;
	}

	b->callid = mem_deref(b->callid);
	err = pl_strdup(&b->callid, &msg->callid);
	b->cseq = msg->cseq.num;
	b->tp = msg->tp;
	hash_unlink(&b->ale);
	b->src = msg->src;
	hash_append(r->by_addr, sa_hash(&b->src, SA_ALL), &b->ale, b);
	b->expires = hl_mono_ms() + (uint64_t)expires * 1000;
	expiry_insert(r, b);

	if (fresh) {
		char src[64];

		(void)re_snprintf(src, sizeof(src), "%J", &msg->src);
		HL_INFO("voice",
		        "register: agent %s (%s) device %s from %s/%s "
		        "registered for %u s (%u devices)",
		        aor->ca->cfg.id, aor->ct->name, b->uri, src,
		        sip_transp_name(msg->tp), expires,
		        list_count(&aor->bindings));
	} else {
		HL_DEBUG("voice",
		         "register: agent %s (%s) device %s refreshed "
		         "for %u s",
		         aor->ca->cfg.id, aor->ct->name, b->uri, expires);
	}

	if (first)
		aor_online(aor);

	return err;
}

struct contact_arg {
	struct reg_aor *aor;
	const struct sip_msg *msg;
	uint32_t hdr_expires;
	bool star;
	bool too_brief;
	bool bad;
	int err;
};

static uint32_t contact_expires(const struct sip_addr *addr,
                                uint32_t hdr_expires)
{
	struct pl e;

	if (!msg_param_decode(&addr->params, "expires", &e))
		return pl_u32(&e);

	return hdr_expires;
}

/* First pass: validate every Contact before changing anything. */
static bool contact_check(const struct sip_hdr *hdr, const struct sip_msg *msg,
                          void *arg)
{
	struct contact_arg *ca = arg;
	struct sip_addr addr;
	uint32_t e;
	(void)msg;

	if (!pl_strcmp(&hdr->val, "*")) {
		ca->star = true;
		return false;
	}

	if (sip_addr_decode(&addr, &hdr->val) ||
	    pl_strcasecmp(&addr.uri.scheme, "sip")) {
		ca->bad = true;
		return true;
	}

	e = contact_expires(&addr, ca->hdr_expires);
	if (e > 0 && e < REG_MIN_EXPIRES)
		ca->too_brief = true;

	return false;
}

static bool contact_apply(const struct sip_hdr *hdr, const struct sip_msg *msg,
                          void *arg)
{
	struct contact_arg *ca = arg;
	struct sip_addr addr;
	struct binding *b;
	uint32_t e;

	if (sip_addr_decode(&addr, &hdr->val))
		return false;

	e = contact_expires(&addr, ca->hdr_expires);
	if (e > REG_MAX_EXPIRES)
		e = REG_MAX_EXPIRES;

	if (e == 0) {
		b = binding_find(ca->aor, &addr.auri);
		if (b)
			binding_remove(b, "unregistered");
		return false;
	}

	ca->err |= binding_set(ca->aor, msg, &addr.auri, e);
	return false;
}

static int reply_ok(struct registrar *r, const struct sip_msg *msg,
                    const struct reg_aor *aor)
{
	struct mbuf *mb = mbuf_alloc(256);
	uint64_t now = hl_mono_ms();
	int err = 0;

	if (!mb)
		return ENOMEM;

	for (struct le *le = aor ? aor->bindings.head : NULL; le;
	     le = le->next) {
		const struct binding *b = le->data;
		uint64_t left = b->expires > now ? b->expires - now : 0;

		err |= mbuf_printf(mb, "Contact: <%s>;expires=%llu\r\n", b->uri,
		                   (unsigned long long)(left + 999) / 1000);
	}

	if (!err)
		err = sip_replyf(r->v->sip, msg, 200, "OK",
		                 "%b"
		                 "Content-Length: 0\r\n"
		                 "\r\n",
		                 mb->buf, mb->end);
	mem_deref(mb);
	return err;
}

/* The realm an unknown user is challenged with: the one a known user of
 * the same domain would get, so the challenge does not tell which
 * extensions exist. */
static const char *guess_realm(const struct voice *v, const struct pl *domain)
{
	const struct center *c = v->cfg.center;

	for (size_t i = 0; i < c->ntenants; i++) {
		if (!pl_strcasecmp(domain, c->tenants[i].name))
			return c->tenants[i].name;
	}

	return c->ntenants ? c->tenants[0].name : "hotline";
}

void registrar_handle(struct registrar *r, const struct sip_msg *msg)
{
	struct voice *v = r->v;
	const struct center_tenant *ct = NULL;
	const struct center_agent *ca;
	struct contact_arg carg = {0};
	struct reg_aor *aor;
	char user[64], src[64];
	const char *realm;

	if (v->closing) {
		voice_reply(v, msg, 503, "Service Unavailable");
		return;
	}

	(void)re_snprintf(src, sizeof(src), "%J", &msg->src);

	if (ratelimit_blocked(v->rl, &msg->src)) {
		(void)sip_reply(v->sip, msg, 403, "Too Many Failed Attempts");
		return;
	}

	if (!pl_isset(&msg->to.uri.user) ||
	    msg->to.uri.user.l >= sizeof(user)) {
		voice_reply(v, msg, 400, "Bad To User");
		return;
	}
	(void)pl_strcpy(&msg->to.uri.user, user, sizeof(user));

	ca = voice_agent_lookup(v, &msg->to.uri.user, &msg->to.uri.host, &ct);
	realm = ct ? ct->name : guess_realm(v, &msg->to.uri.host);

	switch (
	    auth_check(&v->auth, msg, realm, user, ca ? ca->password : NULL)) {

	case AUTH_OK:
		break;

	case AUTH_MISSING:
		(void)auth_challenge(&v->auth, v->sip, msg, realm, false);
		return;

	case AUTH_STALE:
		(void)auth_challenge(&v->auth, v->sip, msg, realm, true);
		return;

	case AUTH_FAILED:
	default:
		ratelimit_fail(v->rl, &msg->src);
		HL_INFO("voice",
		        "register: %s@%s from %s: authentication "
		        "failed (%s)",
		        user, realm, src,
		        ca ? "wrong password" : "unknown agent");
		(void)sip_reply(v->sip, msg, 403, "Forbidden");
		return;
	}

	carg.msg = msg;
	carg.hdr_expires = pl_isset(&msg->expires) ? pl_u32(&msg->expires)
	                                           : REG_DEFAULT_EXPIRES;

	(void)sip_msg_hdr_apply(msg, true, SIP_HDR_CONTACT, contact_check,
	                        &carg);
	if (carg.bad) {
		voice_reply(v, msg, 400, "Bad Contact");
		return;
	}
	if (carg.star && (carg.hdr_expires != 0 ||
	                  sip_msg_hdr_count(msg, SIP_HDR_CONTACT) != 1)) {
		voice_reply(v, msg, 400, "Bad Wildcard Contact");
		return;
	}
	if (carg.too_brief) {
		(void)sip_replyf(v->sip, msg, 423, "Interval Too Brief",
		                 "Min-Expires: %u\r\n"
		                 "Content-Length: 0\r\n"
		                 "\r\n",
		                 REG_MIN_EXPIRES);
		return;
	}

	if (carg.star) {
		aor = aor_find(r, ct->name, ca->cfg.id);
		while (aor && aor->bindings.head)
			binding_remove(aor->bindings.head->data,
			               "unregistered");
		aor_gc(aor);
		arm(r);
		(void)reply_ok(r, msg, NULL);
		return;
	}

	if (!sip_msg_hdr(msg, SIP_HDR_CONTACT)) {
		(void)reply_ok(r, msg, aor_find(r, ct->name, ca->cfg.id));
		return;
	}

	aor = aor_get(r, ct, ca);
	if (!aor) {
		voice_reply(v, msg, 500, "Out Of Memory");
		return;
	}
	carg.aor = aor;

	(void)sip_msg_hdr_apply(msg, true, SIP_HDR_CONTACT, contact_apply,
	                        &carg);
	arm(r);
	(void)reply_ok(r, msg, aor);
	aor_gc(aor);
}
