/**
 * @file events.c  The live picture: contacts as the engine reports them,
 * and the WebSocket event stream at /api/v1/events.
 *
 * The API subscribes to the routing engine once.  Each engine event becomes
 * one JSON message, encoded once and sent to every client that may see it:
 * a supervisor or admin sees everything of its tenant, an agent its own
 * state and the contacts offered to or connected with it.  A new client
 * first gets a snapshot (agents, queues, live contacts, server time), so it
 * never starts blank.  Queue statistics change with nearly every event;
 * they go out as queue.stats at most once a second per changed queue.
 *
 * Messages (all with "type"):
 *   snapshot        {agents, queues, contacts, time_ms, user}
 *   agent.state     {agent}
 *   contact.queued | .offered | .offer_ended | .accepted | .requeued |
 *   .completed | .abandoned | .overflowed | .removed | .priority |
 *   .held (hold or resume from the desktop; "held" says which) {contact}
 *   contact.updated {contact}: its screen pop changed (pop.c: the
 *                   customer lookup answered after the contact was sent,
 *                   or an agent linked a customer)
 *   queue.stats     {queue}
 *   queue.interval  {queue: name, interval}
 * The contact's state says where it is now: waiting, offered, connected,
 * or (when it left) completed, abandoned, overflowed, removed; an agent
 * whose offer ended gets it once more as "withdrawn".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <re_types.h>
#include <re_fmt.h>
#include <re_mem.h>
#include <re_mbuf.h>
#include <re_sa.h>
#include <re_list.h>
#include <re_hash.h>
#include <re_tmr.h>
#include <re_msg.h>
#include <re_tcp.h>
#include <re_http.h>
#include <re_websock.h>

#include <jansson.h>

#include "acd/acd.h"
#include "api/api.h"
#include "api/crmapi.h"
#include "auth/auth.h"
#include "core/core.h"
#include "voice/voice.h"

#define KEEPALIVE_MS 30000
#define STATS_MS 1000
#define DIRTY_MAX 256

/* A contact the engine holds (or held until this event). */
struct live_contact {
	struct le he;              /* in l->contacts by id */
	uint64_t id;
	const struct acd_tenant *tenant; /* borrowed from the engine */
	const struct acd_queue *queue;
	char agent[64];            /* offered to or connected with; "" */
	enum acd_channel ch;
	char interaction[28];
	char caller[64];
	char dialed[64];
	char workorder[28];        /* ACD_CH_WORKORDER: the order's id */
	uint8_t priority;
	uint64_t arrived;          /* ms, first queued */
	struct api_pop_cache pop;  /* the screen pop last seen (pop.c), shown
	                              once the call is over */
};

struct client {
	struct le le;              /* in l->clients */
	struct api_live *l;        /* borrowed */
	struct websock_conn *wc;   /* owning */
	struct auth_session *sess; /* reference */
	char agent[64];            /* "" for the whole tenant */
	bool whole;                /* sees the whole tenant */
	bool unit;                 /* a handling unit's user: work-order
	                              events of its unit only */
	char unit_name[65];        /* its unit ("" none) */
	uint64_t sent;
};

/* A work order's customer being looked up (its screen pop): owned by the
 * store's job, freed in the answer; l is cleared when the API goes first
 * (the store's last answers run at shutdown). */
struct wo_pop {
	struct le le;              /* in l->wopops */
	struct api_live *l;        /* borrowed, NULL once the API went */
	uint64_t contact;
};

struct api_live {
	struct api *api;           /* borrowed: owns us */
	struct list wopops;        /* struct wo_pop in flight, borrowed */
	struct acd *acd;           /* borrowed */
	struct websock *ws;        /* owning */
	struct list clients;       /* struct client, owning */
	struct hash *contacts;     /* struct live_contact, owning */
	struct tmr tmr;            /* queue.stats */
	const struct acd_queue *dirty[DIRTY_MAX];
	size_t ndirty;
	bool subscribed;
	struct crm *crm;           /* borrowed, may be NULL */
	bool crm_subscribed;
	struct api_fanout_stats fs;
};

/* Who gets a message, within its tenant. */
enum audience {
	TO_ALL = 0, /* every client (queue statistics) */
	TO_WHOLE,   /* supervisors and admins, and the agent named if any */
	TO_AGENT,   /* the agent named only */
};
static void publish(struct api_live *l, const struct acd_tenant *tenant,
		    enum audience to, const char *agent, json_t *msg);

/* --- live contacts ----------------------------------------------------------- */

static bool contact_cmp(struct le *le, void *arg)
{
	const struct live_contact *c = le->data;

	return c->id == *(const uint64_t *)arg;
}

static struct live_contact *contact_find(const struct api_live *l, uint64_t id)
{
	struct le *le = hash_lookup(l->contacts, (uint32_t)id, contact_cmp, &id);

	return le ? le->data : NULL;
}

static void contact_destructor(void *arg)
{
	struct live_contact *c = arg;

	hash_unlink(&c->he);
	api_pop_cache_clear(&c->pop);
}

static const char *contact_state_name(enum acd_contact_state s)
{
	switch (s) {
	case ACD_CONTACT_WAITING:   return "waiting";
	case ACD_CONTACT_OFFERED:   return "offered";
	case ACD_CONTACT_CONNECTED: return "connected";
	}
	return "?";
}

/* The contact as JSON; state: the state to show when the engine no longer
 * holds it (NULL: ask the engine). */
static json_t *contact_json(const struct api_live *l, struct live_contact *c,
			    const char *state)
{
	struct voice *voice = api_voice_of(l->api);
	struct acd_contact_info ci;
	struct voice_contact_info vi;
	bool have = !acd_contact_info(l->acd, c->id, &ci);
	bool vhave = voice && !voice_contact_info(voice, c->id, &vi);
	uint64_t now = acd_now(l->acd);
	char id[24];
	const char *agent = have && ci.agent ? acd_agent_id(ci.agent)
			  : *c->agent ? c->agent
				      : NULL;
	const struct acd_queue *q = have ? ci.queue : c->queue;

	snprintf(id, sizeof(id), "%llu", (unsigned long long)c->id);
	if (!state)
		state = have ? contact_state_name(ci.state) : "ended";
	api_pop_refresh(&c->pop, voice, c->id, c->ch);
	return json_pack(
		"{s:s,s:o,s:s,s:s,s:o,s:o,s:o,s:o,s:i,s:o,s:I,s:I,s:o,s:o,"
		"s:b,s:O,s:s,s:O,s:o}",
		"id", id,
		"interaction",
		api_json_str(vhave ? vi.interaction
			     : *c->interaction ? c->interaction : NULL),
		"channel", acd_channel_name(c->ch),
		"state", state,
		"queue", api_json_str(q ? acd_queue_name(q) : NULL),
		"agent", api_json_str(agent),
		"caller", api_json_str(vhave ? vi.caller
				       : *c->caller ? c->caller : NULL),
		"dialed", api_json_str(vhave ? vi.dialed
				       : *c->dialed ? c->dialed : NULL),
		"priority", have ? (int)ci.priority : (int)c->priority,
		"position", have && ci.position ? json_integer(ci.position)
						: json_null(),
		"waited_s",
		(json_int_t)(now > c->arrived ? (now - c->arrived) / 1000 : 0),
		"arrived_ms", (json_int_t)c->arrived,
		"answered_ms",
		have && ci.answered ? json_integer((json_int_t)ci.answered)
				    : json_null(),
		"arrived", api_json_time(c->arrived),
		"held", vhave && vi.held,
		/* the screen pop: the IVR's answers and the customer */
		"ivr", c->pop.ivr ? c->pop.ivr : json_null(),
		"customer_lookup", api_pop_lookup_name(&c->pop),
		"customer", c->pop.customer ? c->pop.customer : json_null(),
		/* a work order waiting for an agent: which one */
		"workorder",
		api_json_str(*c->workorder ? c->workorder : NULL));
}

json_t *api_contact_json(const struct api_live *l, uint64_t id)
{
	struct live_contact *c = l ? contact_find(l, id) : NULL;

	return c ? contact_json(l, c, NULL) : NULL;
}

struct ix_walk {
	const struct api_live *l;
	const char *tenant, *interaction;
};

static bool ix_apply(struct le *le, void *arg)
{
	const struct live_contact *c = le->data;
	const struct ix_walk *w = arg;
	struct voice *voice = api_voice_of(w->l->api);
	struct voice_contact_info vi;

	if (strcmp(acd_tenant_name(c->tenant), w->tenant))
		return false;
	if (!strcmp(c->interaction, w->interaction))
		return true;
	return voice && !voice_contact_info(voice, c->id, &vi) &&
	       !strcmp(vi.interaction, w->interaction);
}

bool api_live_has_interaction(const struct api_live *l, const char *tenant,
			      const char *interaction)
{
	struct ix_walk w = {.l = l, .tenant = tenant,
			    .interaction = interaction};

	if (!l || !tenant || !interaction || !*interaction)
		return false;
	return hash_apply(l->contacts, ix_apply, &w) != NULL;
}

/* The screen pop of a contact changed (voice told us): send it again to
 * whoever saw it. */
static void pop_changed(uint64_t id, void *arg)
{
	struct api_live *l = arg;
	struct live_contact *c = contact_find(l, id);

	if (!c || !l->clients.head)
		return;
	publish(l, c->tenant, TO_WHOLE, *c->agent ? c->agent : NULL,
		json_pack("{s:s,s:o}", "type", "contact.updated", "contact",
			  contact_json(l, c, NULL)));
}

void api_contact_updated(struct api_live *l, uint64_t id)
{
	if (l)
		pop_changed(id, l);
}

struct cur_walk {
	const struct api_live *l;
	const char *tenant, *agent;
	uint64_t best;
	bool connected;
};

static bool cur_apply(struct le *le, void *arg)
{
	const struct live_contact *c = le->data;
	struct cur_walk *w = arg;
	struct acd_contact_info ci;

	if (strcmp(c->agent, w->agent) ||
	    strcmp(acd_tenant_name(c->tenant), w->tenant))
		return false;
	if (acd_contact_info(w->l->acd, c->id, &ci) || !ci.agent ||
	    strcmp(acd_agent_id(ci.agent), w->agent))
		return false;
	if (ci.state == ACD_CONTACT_CONNECTED) {
		w->best = c->id;
		w->connected = true;
		return true;
	}
	if (ci.state == ACD_CONTACT_OFFERED && w->best == ACD_NONE)
		w->best = c->id;
	return false;
}

uint64_t api_agent_current(const struct api_live *l, const struct acd_agent *a)
{
	struct acd_agent_info info;
	struct cur_walk w = {.l = l, .best = ACD_NONE};

	if (!l || !a)
		return ACD_NONE;
	acd_agent_info(a, &info);
	/* most agents have nothing: no walk for them */
	if (!info.offers && info.state != ACD_AGENT_BUSY &&
	    info.state != ACD_AGENT_RESERVED)
		return ACD_NONE;
	w.tenant = acd_tenant_name(acd_agent_tenant(a));
	w.agent = acd_agent_id(a);
	hash_apply(l->contacts, cur_apply, &w);
	return w.best;
}

struct list_walk {
	const struct api_live *l;
	const char *tenant, *agent, *state;
	json_t *arr;
};

static bool contacts_apply(struct le *le, void *arg)
{
	struct live_contact *c = le->data;
	struct list_walk *w = arg;
	struct acd_contact_info ci;

	if (strcmp(acd_tenant_name(c->tenant), w->tenant))
		return false;
	if (acd_contact_info(w->l->acd, c->id, &ci))
		return false;
	if (w->agent && (!ci.agent || strcmp(acd_agent_id(ci.agent), w->agent)))
		return false;
	if (w->state && strcmp(contact_state_name(ci.state), w->state))
		return false;
	json_array_append_new(w->arr, contact_json(w->l, c, NULL));
	return false;
}

json_t *api_contacts_json(const struct api_live *l, const char *tenant,
			  const char *agent, const char *state)
{
	struct list_walk w = {l, tenant, agent, state, json_array()};

	if (w.arr)
		hash_apply(l->contacts, contacts_apply, &w);
	return w.arr;
}

uint32_t api_live_clients(const struct api_live *l)
{
	return l ? list_count(&l->clients) : 0;
}

/* --- sending ------------------------------------------------------------------ */

static void client_destructor(void *arg)
{
	struct client *cl = arg;

	list_unlink(&cl->le);
	mem_deref(cl->wc);
	mem_deref(cl->sess);
}

static void client_close(struct client *cl, enum websock_scode code,
			 const char *why)
{
	if (cl->wc)
		(void)websock_close(cl->wc, code, "%s", why);
	mem_deref(cl);
}

void api_live_tenant_closed(struct api_live *l, const char *tenant)
{
	struct le *le;

	if (!l || !tenant)
		return;
	/* a deleted tenant's queues are freed next: no stats of them later */
	for (size_t i = 0; i < l->ndirty;) {
		if (!strcmp(acd_tenant_name(acd_queue_tenant(l->dirty[i])),
			    tenant))
			l->dirty[i] = l->dirty[--l->ndirty];
		else
			i++;
	}
	le = l->clients.head;
	while (le) {
		struct client *cl = le->data;

		le = le->next;
		if (!strcmp(cl->sess->tenant, tenant))
			client_close(cl, WEBSOCK_POLICY_VIOLATION,
				     "tenant suspended");
	}
}

/* One unmasked text frame (RFC 6455 5.2) holding text, built once and
 * written to every client's TCP connection as it is: no formatting or
 * allocation per client.  libre's own frames (pings, close) go on the same
 * connections from the same loop, so frames never interleave. */
static struct mbuf *frame(const char *text)
{
	size_t n = strlen(text);
	struct mbuf *mb = mbuf_alloc(n + 10);

	if (!mb)
		return NULL;
	(void)mbuf_write_u8(mb, 0x80 | WEBSOCK_TEXT);
	if (n < 126) {
		(void)mbuf_write_u8(mb, (uint8_t)n);
	}
	else if (n <= 0xffff) {
		(void)mbuf_write_u8(mb, 126);
		(void)mbuf_write_u16(mb, htons((uint16_t)n));
	}
	else {
		(void)mbuf_write_u8(mb, 127);
		(void)mbuf_write_u32(mb, htonl((uint32_t)((uint64_t)n >> 32)));
		(void)mbuf_write_u32(mb, htonl((uint32_t)n));
	}
	(void)mbuf_write_mem(mb, (const uint8_t *)text, n);
	return mb;
}


/* Send text to the clients of tenant that may see it. */
static void fanout(struct api_live *l, const struct acd_tenant *tenant,
		   enum audience to, const char *agent, const char *text)
{
	const char *tn = acd_tenant_name(tenant);
	struct le *le = l->clients.head;
	uint64_t t0 = hl_mono_ns(), us;
	struct mbuf *mb = frame(text);
	uint32_t sent = 0;
	unsigned i = 0;

	if (!mb)
		return;
	while (le) {
		struct client *cl = le->data;
		int err;

		le = le->next;
		bool mine = !cl->whole && agent && !strcmp(cl->agent, agent);

		if (strcmp(cl->sess->tenant, tn) || cl->unit)
			continue;
		if ((to == TO_WHOLE && !cl->whole && !mine) ||
		    (to == TO_AGENT && !mine))
			continue;
		if (cl->sess->revoked) {
			client_close(cl, WEBSOCK_POLICY_VIOLATION,
				     "signed out");
			continue;
		}
		mb->pos = 0;
		err = tcp_send(websock_tcp(cl->wc), mb);
		if (err) {
			HL_DEBUG("api", "events: send to %s@%s: %s",
				 cl->sess->username, cl->sess->tenant,
				 strerror(err));
			mem_deref(cl);
			continue;
		}
		cl->sent++;
		sent++;
	}
	mem_deref(mb);
	if (!sent)
		return;
	/* the time one message takes to reach every client's socket */
	us = (hl_mono_ns() - t0) / 1000;
	l->fs.messages++;
	l->fs.deliveries += sent;
	l->fs.sum_us += us;
	while (us > 1 && i < API_LAT_BUCKETS - 1) {
		us >>= 1;
		i++;
	}
	l->fs.hist[i]++;
}

void api_live_fanout_stats(const struct api_live *l,
			   struct api_fanout_stats *st)
{
	*st = l->fs;
}

/* Encode msg (taking it) once and send it. */
static void publish(struct api_live *l, const struct acd_tenant *tenant,
		    enum audience to, const char *agent, json_t *msg)
{
	char *text;

	if (!msg)
		return;
	text = json_dumps(msg, JSON_COMPACT | JSON_REAL_PRECISION(12));
	json_decref(msg);
	if (!text)
		return;
	fanout(l, tenant, to, agent, text);
	free(text);
}

/* A change the engine does not report (hold and resume from the desktop):
 * the contact as it is now, to its agent and the supervisors. */
void api_live_contact_update(struct api_live *l, uint64_t id,
			     const char *type)
{
	struct live_contact *c = l ? contact_find(l, id) : NULL;

	if (!c || !l->clients.head)
		return;
	publish(l, c->tenant, TO_WHOLE, *c->agent ? c->agent : NULL,
		json_pack("{s:s,s:o}", "type", type, "contact",
			  contact_json(l, c, NULL)));
}

/* --- work orders (src/crm) ---------------------------------------------- */

/* Supervisors and admins of the tenant get every order's events, a unit's
 * users those of their unit's orders, agents none (their orders reach
 * them as contacts of the engine). */
static void crm_event(const struct crm_event *ev, void *arg)
{
	struct api_live *l = arg;
	json_t *msg = api_crm_event_json(ev);
	char *text = msg ? json_dumps(msg, JSON_COMPACT) : NULL;
	struct mbuf *mb = text ? frame(text) : NULL;
	struct le *le = l->clients.head;

	json_decref(msg);
	free(text);
	if (!mb)
		return;
	while (le) {
		struct client *cl = le->data;

		le = le->next;
		if (strcmp(cl->sess->tenant, ev->tenant))
			continue;
		if (cl->unit ? !ev->unit || strcmp(cl->unit_name, ev->unit)
			     : !cl->whole)
			continue;
		if (cl->sess->revoked) {
			client_close(cl, WEBSOCK_POLICY_VIOLATION,
				     "signed out");
			continue;
		}
		mb->pos = 0;
		if (tcp_send(websock_tcp(cl->wc), mb)) {
			mem_deref(cl);
			continue;
		}
		cl->sent++;
	}
	mem_deref(mb);
}

/* --- queue.stats, at most once a second per changed queue --------------- */

static void stats_tick(void *arg)
{
	struct api_live *l = arg;
	size_t n = l->ndirty;

	l->ndirty = 0;
	for (size_t i = 0; i < n; i++) {
		const struct acd_queue *q = l->dirty[i];

		publish(l, acd_queue_tenant(q), TO_ALL, NULL,
			json_pack("{s:s,s:o}", "type", "queue.stats", "queue",
				  api_queue_json(l->api, q)));
	}
}

static void mark_dirty(struct api_live *l, const struct acd_queue *q)
{
	if (!q || !l->clients.head)
		return;
	for (size_t i = 0; i < l->ndirty; i++) {
		if (l->dirty[i] == q)
			return;
	}
	if (l->ndirty < DIRTY_MAX)
		l->dirty[l->ndirty++] = q;
	if (!tmr_isrunning(&l->tmr))
		tmr_start(&l->tmr, STATS_MS, stats_tick, l);
}

static bool dirty_queue(struct acd_queue *q, void *arg)
{
	mark_dirty(arg, q);
	return false;
}

/* --- engine events -------------------------------------------------------- */

static const char *contact_event_name(enum acd_event_type t)
{
	switch (t) {
	case ACD_EV_CONTACT_QUEUED:     return "contact.queued";
	case ACD_EV_CONTACT_OFFERED:    return "contact.offered";
	case ACD_EV_OFFER_ENDED:        return "contact.offer_ended";
	case ACD_EV_CONTACT_ACCEPTED:   return "contact.accepted";
	case ACD_EV_CONTACT_REQUEUED:   return "contact.requeued";
	case ACD_EV_CONTACT_ABANDONED:  return "contact.abandoned";
	case ACD_EV_CONTACT_COMPLETED:  return "contact.completed";
	case ACD_EV_CONTACT_OVERFLOWED: return "contact.overflowed";
	case ACD_EV_CONTACT_REMOVED:    return "contact.removed";
	case ACD_EV_CONTACT_PRIORITY:   return "contact.priority";
	default:                        return NULL;
	}
}

static const char *final_state(enum acd_event_type t)
{
	switch (t) {
	case ACD_EV_CONTACT_ABANDONED:  return "abandoned";
	case ACD_EV_CONTACT_COMPLETED:  return "completed";
	case ACD_EV_CONTACT_OVERFLOWED: return "overflowed";
	case ACD_EV_CONTACT_REMOVED:    return "removed";
	default:                        return NULL;
	}
}

static void wo_pop_destructor(void *arg)
{
	struct wo_pop *r = arg;

	list_unlink(&r->le);
}

static void pop_changed(uint64_t id, void *arg);

static void wo_pop_answer(int err, const struct store_screen_pop *p,
			  void *arg)
{
	struct wo_pop *r = arg;
	struct api_live *l = r->l;
	struct live_contact *c = l ? contact_find(l, r->contact) : NULL;

	if (c) {
		if (err && err != ENOENT)
			HL_WARN("api", "contact %llu (order %s): customer "
				"lookup: %s", (unsigned long long)c->id,
				c->workorder, strerror(err));
		api_pop_set(&c->pop, VOICE_POP_NONE, err ? NULL : p);
		pop_changed(c->id, l);
	}
	mem_deref(r);
}

/* A work order's contact: its customer (if the order has one) looked up
 * like a caller's, without waiting; "pending" until the answer. */
static void wo_pop_start(struct api_live *l, struct live_contact *c)
{
	struct wo_pop *r;
	char why[128];
	int err;

	if (!l->crm || !*c->workorder)
		return;
	r = mem_zalloc(sizeof(*r), wo_pop_destructor);
	if (!r)
		return;
	r->l = l;
	r->contact = c->id;
	err = crm_screen_pop_workorder(l->crm, acd_tenant_name(c->tenant),
				       c->workorder, wo_pop_answer, r, why,
				       sizeof(why));
	if (err) {
		HL_DEBUG("api", "order %s: no customer lookup: %s",
			 c->workorder, strerror(err));
		mem_deref(r);
		return;
	}
	list_append(&l->wopops, &r->le, r);
	api_pop_set(&c->pop, VOICE_POP_PENDING, NULL);
}

static struct live_contact *contact_track(struct api_live *l,
					  const struct acd_event *ev)
{
	struct live_contact *c = contact_find(l, ev->contact_id);
	struct voice *voice = api_voice_of(l->api);
	struct voice_contact_info vi;

	if (c)
		return c;
	c = mem_zalloc(sizeof(*c), contact_destructor);
	if (c && ev->channel == ACD_CH_WORKORDER && ev->owner &&
	    crm_route_order(ev->owner))
		str_ncpy(c->workorder, crm_route_order(ev->owner),
			 sizeof(c->workorder));
	if (!c)
		return NULL;
	c->id = ev->contact_id;
	c->tenant = ev->tenant;
	c->queue = ev->queue;
	c->ch = ev->channel;
	c->priority = ev->priority;
	c->arrived = ev->time;
	if (voice && ev->channel == ACD_CH_VOICE &&
	    !voice_contact_info(voice, c->id, &vi)) {
		str_ncpy(c->interaction, vi.interaction,
			 sizeof(c->interaction));
		str_ncpy(c->caller, vi.caller, sizeof(c->caller));
		str_ncpy(c->dialed, vi.dialed, sizeof(c->dialed));
	}
	hash_append(l->contacts, (uint32_t)c->id, &c->he, c);
	if (c->ch == ACD_CH_WORKORDER)
		wo_pop_start(l, c);
	return c;
}

static void contact_event(struct api_live *l, const struct acd_event *ev)
{
	const char *type = contact_event_name(ev->type);
	const char *final = final_state(ev->type);
	struct live_contact *c;
	char agent[64];

	if (!type || ev->contact_id == ACD_NONE)
		return;
	c = contact_track(l, ev);
	if (!c)
		return;
	if (ev->queue)
		c->queue = ev->queue;
	if (ev->type == ACD_EV_CONTACT_PRIORITY ||
	    ev->type == ACD_EV_CONTACT_QUEUED)
		c->priority = ev->priority;
	str_ncpy(agent, c->agent, sizeof(agent));
	if (ev->agent && (ev->type == ACD_EV_CONTACT_OFFERED ||
			  ev->type == ACD_EV_CONTACT_ACCEPTED))
		str_ncpy(c->agent, acd_agent_id(ev->agent), sizeof(c->agent));
	if (ev->agent)
		str_ncpy(agent, acd_agent_id(ev->agent), sizeof(agent));

	mark_dirty(l, c->queue);
	if (l->clients.head) {
		if (ev->type == ACD_EV_OFFER_ENDED) {
			/* the agent rung loses it; the others see where it
			 * is now */
			publish(l, c->tenant, TO_WHOLE, NULL,
				json_pack("{s:s,s:o}", "type", type, "contact",
					  contact_json(l, c, NULL)));
			if (*agent)
				publish(l, c->tenant, TO_AGENT, agent,
					json_pack("{s:s,s:o}", "type", type,
						  "contact",
						  contact_json(l, c,
							       "withdrawn")));
			if (!strcmp(c->agent, agent))
				c->agent[0] = '\0';
		}
		else {
			publish(l, c->tenant, TO_WHOLE, *agent ? agent : NULL,
				json_pack("{s:s,s:o}", "type", type, "contact",
					  contact_json(l, c, final)));
		}
	}
	else if (ev->type == ACD_EV_OFFER_ENDED && !strcmp(c->agent, agent)) {
		c->agent[0] = '\0';
	}
	if (final)
		mem_deref(c);
}

static void engine_event(const struct acd_event *ev, void *arg)
{
	struct api_live *l = arg;

	switch (ev->type) {
	case ACD_EV_AGENT_STATE:
		if (l->clients.head)
			publish(l, ev->tenant, TO_WHOLE, acd_agent_id(ev->agent),
				json_pack("{s:s,s:o}", "type", "agent.state",
					  "agent",
					  api_agent_json(l->api, ev->agent)));
		acd_queue_foreach(ev->tenant, dirty_queue, l);
		break;
	case ACD_EV_INTERVAL:
		if (l->clients.head && ev->queue)
			publish(l, ev->tenant, TO_WHOLE, NULL,
				json_pack("{s:s,s:s,s:o}", "type",
					  "queue.interval", "queue",
					  acd_queue_name(ev->queue), "interval",
					  api_interval_json(ev->interval, 0)));
		break;
	case ACD_EV_CONTACT_RELAXED:
		break;
	default:
		contact_event(l, ev);
		break;
	}
}

/* --- the WebSocket ------------------------------------------------------------ */

static void ws_recv(const struct websock_hdr *hdr, struct mbuf *mb, void *arg)
{
	/* Clients have nothing to say yet; pings are answered by libre. */
	(void)hdr;
	(void)mb;
	(void)arg;
}

static void ws_close(int err, void *arg)
{
	struct client *cl = arg;

	HL_DEBUG("api", "events: client %s@%s left (%s)", cl->sess->username,
		 cl->sess->tenant, err ? strerror(err) : "closed");
	mem_deref(cl);
}

struct snap {
	struct api_live *l;
	const char *agent;
	json_t *agents, *queues;
};

static bool snap_agent(struct acd_agent *a, void *arg)
{
	struct snap *s = arg;

	if (!s->agent || !strcmp(s->agent, acd_agent_id(a)))
		json_array_append_new(s->agents, api_agent_json(s->l->api, a));
	return false;
}

static bool snap_queue(struct acd_queue *q, void *arg)
{
	struct snap *s = arg;

	json_array_append_new(s->queues, api_queue_json(s->l->api, q));
	return false;
}

static json_t *snapshot(struct api_live *l, const struct client *cl,
			const struct acd_tenant *t)
{
	struct snap s = {l, cl->whole ? NULL : cl->agent, json_array(),
			 json_array()};

	if (!s.agents || !s.queues) {
		json_decref(s.agents);
		json_decref(s.queues);
		return NULL;
	}
	if (!cl->unit && (cl->whole || *cl->agent))
		acd_agent_foreach(t, snap_agent, &s);
	if (!cl->unit)
		acd_queue_foreach(t, snap_queue, &s);
	return json_pack("{s:s,s:o,s:o,s:o,s:I,s:{s:s,s:s,s:s,s:o,s:o}}", "type",
			 "snapshot", "agents", s.agents, "queues", s.queues,
			 "contacts",
			 cl->unit ? json_array()
				  : api_contacts_json(l, acd_tenant_name(t),
						      cl->whole ? NULL
								: cl->agent,
						      NULL),
			 "time_ms", (json_int_t)acd_now(l->acd), "user",
			 "username", cl->sess->username, "role",
			 auth_role_name(cl->sess->role), "tenant",
			 cl->sess->tenant, "agent",
			 api_json_str(cl->sess->agent), "unit",
			 api_json_str(cl->unit ? cl->unit_name : NULL));
}

/* GET /api/v1/events?token=...: upgrade, then the snapshot. */
void api_events(struct api_req *req)
{
	struct api_live *l = api_live(req);
	struct auth_session *sess = api_session(req);
	struct acd_tenant *t;
	struct client *cl;
	json_t *snap;
	char *text;
	int err;

	if (api_find_tenant(req, &t))
		return;
	cl = mem_zalloc(sizeof(*cl), client_destructor);
	if (!cl) {
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}
	cl->l = l;
	cl->sess = mem_ref(sess);
	cl->unit = sess->role == AUTH_ROLE_UNIT;
	cl->whole = sess->role != AUTH_ROLE_AGENT && !cl->unit;
	if (cl->unit) {
		const char *u = api_self_unit(req);

		str_ncpy(cl->unit_name, u ? u : "", sizeof(cl->unit_name));
	}
	if (!cl->whole && sess->agent)
		str_ncpy(cl->agent, sess->agent, sizeof(cl->agent));

	err = websock_accept(&cl->wc, l->ws, api_req_conn(req),
			     api_req_msg(req), KEEPALIVE_MS, ws_recv, ws_close,
			     cl);
	if (err) {
		mem_deref(cl);
		api_reply_error(req, 400, "bad_request",
				"expected a WebSocket upgrade (version 13): "
				"%s",
				strerror(err));
		return;
	}
	api_req_set_replied(req);
	list_append(&l->clients, &cl->le, cl);

	snap = snapshot(l, cl, t);
	text = snap ? json_dumps(snap, JSON_COMPACT | JSON_REAL_PRECISION(12))
		    : NULL;
	json_decref(snap);
	if (!text || websock_send(cl->wc, WEBSOCK_TEXT, "%s", text)) {
		client_close(cl, WEBSOCK_INTERNAL_ERROR, "no snapshot");
		free(text);
		return;
	}
	free(text);
	HL_DEBUG("api", "events: %s@%s (%s) connected", sess->username,
		 sess->tenant, auth_role_name(sess->role));
}

/* --- the object ----------------------------------------------------------------- */

static void live_destructor(void *arg)
{
	struct api_live *l = arg;

	if (l->subscribed)
		acd_unsubscribe(l->acd, engine_event, l);
	voice_set_poph(api_voice_of(l->api), NULL, NULL);
	if (l->crm_subscribed)
		crm_unsubscribe(l->crm, crm_event, l);
	tmr_cancel(&l->tmr);
	while (l->wopops.head) {
		struct wo_pop *r = l->wopops.head->data;

		list_unlink(&r->le);
		r->l = NULL; /* the store's job frees it */
	}
	while (l->clients.head) {
		struct client *cl = l->clients.head->data;

		client_close(cl, WEBSOCK_GOING_AWAY, "shutting down");
	}
	hash_flush(l->contacts);
	l->contacts = mem_deref(l->contacts);
	l->ws = mem_deref(l->ws);
}

int api_live_alloc(struct api_live **lp, struct api *api)
{
	struct api_live *l;
	int err;

	l = mem_zalloc(sizeof(*l), live_destructor);
	if (!l)
		return ENOMEM;
	l->api = api;
	l->acd = api_acd_of(api);
	tmr_init(&l->tmr);
	err = hash_alloc(&l->contacts, 256);
	if (!err)
		err = websock_alloc(&l->ws, NULL, NULL);
	if (!err)
		err = acd_subscribe(l->acd, engine_event, l);
	if (err) {
		mem_deref(l);
		return err;
	}
	l->subscribed = true;
	voice_set_poph(api_voice_of(api), pop_changed, l);
	l->crm = api_crm_of(api);
	if (l->crm) {
		err = crm_subscribe(l->crm, crm_event, l);
		if (err) {
			mem_deref(l);
			return err;
		}
		l->crm_subscribed = true;
	}
	*lp = l;
	return 0;
}
