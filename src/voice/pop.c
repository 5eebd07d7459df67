/**
 * @file pop.c  Who is calling: each call's caller looked up among its
 * tenant's customers, for the agent's screen pop and the call's record.
 *
 * The lookup starts when the call arrives (before the IVR), as one read
 * job of the store through src/crm (the number normalised there), and its
 * answer comes back on the loop later; the call never waits for it.  Most
 * answers arrive during the IVR's first prompt, long before an agent is
 * offered the call; when one arrives after the call entered its queue, the
 * host is told (voice_pop_h) so that it can send the contact again.
 *
 * A lookup in flight is a pop_req owned by the store's job (freed in the
 * answer).  It points back to its call and its voice without holding
 * them; both clear those pointers when they go (the store's last answers
 * run at shutdown, after the voice is gone).
 *
 * Linking: the customer id goes into the call's interaction record, which
 * is written when the call ends.  An answer that comes after the end links
 * the written record instead (the store runs its jobs in the order queued,
 * so the link finds the record).
 */
#include <string.h>

#include "crm/crm.h"
#include "ivr/ivr.h"
#include "store/store_crm.h"
#include "voice/voice_int.h"

struct pop_req {
	struct le le;    /* in v->pops */
	struct voice *v; /* borrowed, NULL once the voice went */
	struct call *c;  /* borrowed, NULL once the call went */
	char tenant[64];
	char call_id[28];
	bool by_agent;      /* an agent's link, not the automatic lookup */
	voice_link_h *done; /* by_agent */
	void *done_arg;
	uint64_t t0; /* hl_mono_ns() at the start, for the log */
};

const char *voice_pop_state_name(enum voice_pop_state s)
{
	switch (s) {
	case VOICE_POP_PENDING:
		return "pending";
	case VOICE_POP_FOUND:
		return "found";
	case VOICE_POP_UNKNOWN:
		return "unknown";
	default:
		return "none";
	}
}

static void req_destructor(void *arg)
{
	struct pop_req *r = arg;

	list_unlink(&r->le);
}

static struct pop_req *req_alloc(struct call *c, bool by_agent)
{
	struct pop_req *r = mem_zalloc(sizeof(*r), req_destructor);

	if (!r)
		return NULL;
	r->v = c->v;
	r->c = c;
	r->by_agent = by_agent;
	r->t0 = hl_mono_ns();
	str_ncpy(r->tenant, c->ct->name, sizeof(r->tenant));
	str_ncpy(r->call_id, c->id, sizeof(r->call_id));
	list_append(&c->v->pops, &r->le, r);
	c->pop_inflight++;
	return r;
}

void voice_set_crm(struct voice *v, struct crm *crm)
{
	if (v)
		v->crm = crm;
}

void voice_set_poph(struct voice *v, voice_pop_h *h, void *arg)
{
	if (!v)
		return;
	v->poph = h;
	v->pop_arg = arg;
}

static void late_link_done(int err, const struct store_result *r, void *arg)
{
	(void)r;
	(void)arg;
	if (err)
		HL_WARN("voice", "customer link after the call: %s",
		        strerror(err));
}

static void tell(struct call *c)
{
	struct voice *v = c->v;

	if (c->contact != ACD_NONE && v->poph)
		v->poph(c->contact, v->pop_arg);
}

static void answer(int err, const struct store_screen_pop *p, void *arg)
{
	struct pop_req *r = arg;
	struct voice *v = r->v;
	struct call *c = r->c;
	uint64_t us = (hl_mono_ns() - r->t0) / 1000;
	bool found = !err && p && p->customer;

	if (c)
		c->pop_inflight--;

	if (!v) {
		if (r->done)
			r->done(ESHUTDOWN, r->done_arg);
		mem_deref(r);
		return;
	}
	if (!c || c->state == CALL_ENDED) {
		/* the record is written (or queued) without the customer */
		if (found && !r->by_agent && v->cfg.store) {
			int e = store_interaction_link(
			    v->cfg.store, r->tenant, r->call_id,
			    p->customer->id, STORE_IDENT_PHONE, NULL,
			    late_link_done, NULL);

			if (e)
				HL_WARN("voice",
				        "call %s: customer not linked: %s",
				        r->call_id, strerror(e));
		}
		if (r->done)
			r->done(ESRCH, r->done_arg);
		mem_deref(r);
		return;
	}
	if (r->by_agent) {
		if (found) {
			mem_deref(c->pop);
			c->pop = mem_ref((void *)p);
			c->pop_state = VOICE_POP_FOUND;
			c->pop_by_agent = true;
			str_ncpy(c->customer, p->customer->id,
			         sizeof(c->customer));
			HL_INFO("voice",
			        "call %s: linked by the agent to "
			        "customer %s",
			        c->id, c->customer);
			tell(c);
		}
		r->done(found ? 0 : err ? err : ENOENT, r->done_arg);
		mem_deref(r);
		return;
	}
	/* the automatic lookup never overrides an agent's choice */
	if (!c->pop_by_agent) {
		if (found) {
			mem_deref(c->pop);
			c->pop = mem_ref((void *)p);
			c->pop_state = VOICE_POP_FOUND;
			str_ncpy(c->customer, p->customer->id,
			         sizeof(c->customer));
			HL_INFO("voice",
			        "call %s: caller is customer %s "
			        "(%llu us)",
			        c->id, c->customer, (unsigned long long)us);
		} else {
			c->pop_state = VOICE_POP_UNKNOWN;
			if (err && err != ENOENT)
				HL_WARN("voice", "call %s: customer lookup: %s",
				        c->id, strerror(err));
			else
				HL_DEBUG("voice",
				         "call %s: caller %s is no "
				         "known customer",
				         c->id, c->caller);
		}
		tell(c);
	}
	mem_deref(r);
}

void pop_start(struct call *c)
{
	struct voice *v = c->v;
	struct crm_identity id = {STORE_IDENT_PHONE, c->caller};
	struct pop_req *r;
	char why[CRM_ERR_MAX];
	int err;

	if (!v->crm || !c->ct || !c->caller)
		return;
	r = req_alloc(c, false);
	if (!r)
		return;
	why[0] = '\0';
	err = crm_screen_pop(v->crm, c->ct->name, &id, answer, r, why,
	                     sizeof(why));
	if (err) {
		c->pop_inflight--;
		/* "anonymous", a number that cannot be one: nobody known */
		mem_deref(r);
		c->pop_state = VOICE_POP_UNKNOWN;
		HL_DEBUG("voice", "call %s: no customer lookup for %s: %s",
		         c->id, c->caller, why[0] ? why : strerror(err));
		return;
	}
	c->pop_state = VOICE_POP_PENDING;
}

void pop_call_gone(struct call *c)
{
	/* (never touches c->v unless a lookup is in flight: calls held by a
	 * thread's job may go after their voice) */
	for (struct le *le = c->pop_inflight ? c->v->pops.head : NULL; le;
	     le = le->next) {
		struct pop_req *r = le->data;

		if (r->c == c)
			r->c = NULL;
	}
	c->pop_inflight = 0;
	c->pop = mem_deref(c->pop);
}

void pop_voice_gone(struct voice *v)
{
	struct le *le;

	while ((le = list_head(&v->pops))) {
		struct pop_req *r = le->data;

		if (r->c)
			r->c->pop_inflight = 0;
		r->v = NULL;
		r->c = NULL;
		list_unlink(le);
	}
}

int voice_contact_pop(const struct voice *v, uint64_t contact,
                      struct voice_pop *p)
{
	const struct call *c;

	if (!v || !p || contact == ACD_NONE)
		return EINVAL;
	c = call_find(v, contact);
	if (!c || c->state == CALL_ENDED)
		return ENOENT;
	p->state = c->pop_state;
	p->by_agent = c->pop_by_agent;
	p->pop = c->pop_state == VOICE_POP_FOUND ? c->pop : NULL;
	return 0;
}

int voice_contact_link(struct voice *v, uint64_t contact, const char *customer,
                       voice_link_h *done, void *arg)
{
	struct call *c;
	struct pop_req *r;
	char why[CRM_ERR_MAX];
	int err;

	if (!v || !customer || !*customer || !done || contact == ACD_NONE)
		return EINVAL;
	c = call_find(v, contact);
	if (!c || c->state == CALL_ENDED || !c->ct)
		return ENOENT;
	if (!v->crm)
		return ENOSYS;
	r = req_alloc(c, true);
	if (!r)
		return ENOMEM;
	r->done = done;
	r->done_arg = arg;
	err = crm_screen_pop_customer(v->crm, c->ct->name, customer, answer, r,
	                              why, sizeof(why));
	if (err) {
		c->pop_inflight--;
		mem_deref(r);
	}
	return err;
}

/* --- the IVR's answers, by kind ----------------------------------------------
 */

static bool var_at(const struct call *c, size_t i, const char **name,
                   const char **value)
{
	const struct le *le;

	if (c->ivr)
		return ivr_session_var_at(c->ivr, i, name, value);
	for (le = c->vars.head; le && i; le = le->next)
		i--;
	if (!le)
		return false;
	*name = ((const struct call_var *)le->data)->name;
	*value = ((const struct call_var *)le->data)->value;
	return true;
}

static bool builtin(const char *name)
{
	static const char *const b[] = {"caller", "called", "language",
	                                "tenant", "flow",   "path"};

	for (size_t i = 0; i < ARRAY_LEN(b); i++) {
		if (!strcmp(name, b[i]))
			return true;
	}
	return false;
}

static enum voice_var_kind classify(const struct center_flow *f,
                                    const char *name, const char **node)
{
	*node = NULL;
	if (builtin(name))
		return VOICE_VAR_CALL;
	for (size_t i = 0; f && i < f->nnodes; i++) {
		const struct center_node *n = &f->nodes[i];
		const char *var = n->var ? n->var : n->name;

		if ((n->type == CENTER_NODE_MENU ||
		     n->type == CENTER_NODE_COLLECT) &&
		    !strcmp(var, name)) {
			*node = n->name;
			return n->type == CENTER_NODE_MENU ? VOICE_VAR_MENU
			                                   : VOICE_VAR_DIGITS;
		}
		if (n->type != CENTER_NODE_HTTP)
			continue;
		for (size_t k = 0; k < n->nstore; k++) {
			if (!strcmp(n->store[k].var, name)) {
				*node = n->name;
				return VOICE_VAR_LOOKUP;
			}
		}
	}
	return VOICE_VAR_OTHER;
}

int voice_call_ivr(const struct voice *v, uint64_t contact, voice_ivr_h *h,
                   void *arg)
{
	const struct center_flow *f = NULL;
	const struct call *c;
	const char *name, *value, *node;
	bool ran = false;

	if (!v || !h || contact == ACD_NONE)
		return EINVAL;
	c = call_find(v, contact);
	if (!c || c->state == CALL_ENDED)
		return ENOENT;
	for (size_t i = 0; var_at(c, i, &name, &value); i++) {
		if (!strcmp(name, "flow")) {
			ran = true;
			f = c->ct ? center_flow(c->ct, value) : NULL;
		}
	}
	if (!ran)
		return ENODATA;
	for (size_t i = 0; var_at(c, i, &name, &value); i++) {
		enum voice_var_kind k = classify(f, name, &node);

		h(k, node, name, value, arg);
	}
	return 0;
}
