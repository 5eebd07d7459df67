/**
 * @file contacts.c  Live contacts: the ones waiting, offered or connected
 * (the engine's), and a supervisor's change of a waiting one's priority.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <re_types.h>
#include <re_fmt.h>
#include <re_mem.h>

#include <jansson.h>

#include "acd/acd.h"
#include "api/api.h"
#include "api/crmapi.h"
#include "auth/auth.h"
#include "crm/crm.h"
#include "core/core.h"
#include "voice/voice.h"

/* GET /api/v1/contacts?state=waiting|offered|connected */
void api_contacts_list(struct api_req *req)
{
	static const char *const known[] = {"state", "tenant"};
	const char *state = api_req_query(req, "state");
	const char *unknown = api_req_query_unknown(req, known, 2);
	const char *self = api_self_agent(req);
	struct acd_tenant *t;
	json_t *arr;

	if (unknown) {
		api_reply_error(req, 400, "bad_query",
				"unknown query parameter '%s' (expected "
				"state)",
				unknown);
		return;
	}
	if (state && strcmp(state, "waiting") && strcmp(state, "offered") &&
	    strcmp(state, "connected")) {
		api_reply_error(req, 400, "bad_query",
				"state must be waiting, offered or connected");
		return;
	}
	if (api_find_tenant(req, &t))
		return;
	if (!self && api_session(req)->role == AUTH_ROLE_AGENT) {
		api_reply_json(req, 200, json_pack("{s:[]}", "contacts"));
		return;
	}
	arr = api_contacts_json(api_live(req), acd_tenant_name(t), self, state);
	api_reply_json(req, 200,
		       arr ? json_pack("{s:o}", "contacts", arr) : NULL);
}

/* A contact id of the caller's tenant, or 0 after answering 404. */
static uint64_t contact_of(struct api_req *req)
{
	const char *s = api_req_param(req, "id");
	struct acd_contact_info ci;
	char *end;
	unsigned long long id = strtoull(s, &end, 10);

	if (!*s || *end || acd_contact_info(api_acd(req), id, &ci) ||
	    strcmp(acd_tenant_name(acd_queue_tenant(ci.queue)),
		   api_tenant_name(req))) {
		api_reply_error(req, 404, "not_found", "no live contact %s", s);
		return 0;
	}
	return id;
}

/* POST /api/v1/contacts/{id}/priority {"priority": 0..9} */
void api_contact_set_priority(struct api_req *req)
{
	static const char *const known[] = {"priority"};
	json_t *body = api_req_body(req), *p;
	uint64_t id;
	int err;

	if (api_json_fields(req, body, known, 1))
		return;
	p = json_object_get(body, "priority");
	if (!p) {
		api_reply_error(req, 400, "missing_field",
				"field 'priority' is required");
		return;
	}
	if (!json_is_integer(p)) {
		api_reply_error(req, 400, "wrong_type",
				"field 'priority' must be a whole number");
		return;
	}
	if (json_integer_value(p) < 0 ||
	    json_integer_value(p) > ACD_PRIORITY_MAX) {
		api_reply_error(req, 400, "bad_value",
				"priority must be 0..%d", ACD_PRIORITY_MAX);
		return;
	}
	id = contact_of(req);
	if (!id)
		return;
	err = acd_contact_set_priority(api_acd(req), id,
				       (uint8_t)json_integer_value(p));
	if (err) {
		api_reply_errno(req, err, acd_last_error(api_acd(req)));
		return;
	}
	api_reply_json(req, 200, api_contact_json(api_live(req), id));
}

/* An agent acts on its own contacts only (offered to or connected with
 * it); 403 otherwise.  Supervisors and admins on any of the tenant. */
static bool own_contact(struct api_req *req, uint64_t id)
{
	const char *self = api_self_agent(req);
	struct acd_contact_info ci;
	enum auth_role role = api_session(req)->role;

	if (role == AUTH_ROLE_SUPERVISOR || role == AUTH_ROLE_ADMIN)
		return true;
	if (self && !acd_contact_info(api_acd(req), id, &ci) && ci.agent &&
	    !strcmp(acd_agent_id(ci.agent), self))
		return true;
	api_reply_error(req, 403, "forbidden",
			"contact %llu is not offered to or connected with "
			"you",
			(unsigned long long)id);
	return false;
}

/* The agent the request acts as, owning the offer of contact id (a call
 * or callback is answered with the phone: 409); NULL after answering. */
static struct acd_agent *offer_owner(struct api_req *req, uint64_t id,
				     struct acd_contact_info *ci)
{
	const char *self = api_self_agent(req);
	struct acd_tenant *t = acd_tenant_find(api_acd(req),
					       api_tenant_name(req));
	struct acd_agent *a = t && self ? acd_agent_find(t, self) : NULL;

	if (!a) {
		api_reply_error(req, 403, "forbidden",
				"only the agent offered a contact accepts or "
				"refuses it");
		return NULL;
	}
	if (acd_contact_info(api_acd(req), id, ci) || ci->agent != a) {
		api_reply_error(req, 403, "forbidden",
				"contact %llu is not offered to you",
				(unsigned long long)id);
		return NULL;
	}
	if (ci->channel == ACD_CH_VOICE || ci->channel == ACD_CH_CALLBACK) {
		api_reply_error(req, 409, "conflict",
				"contact %llu is a call: answer or decline "
				"it on the phone",
				(unsigned long long)id);
		return NULL;
	}
	if (ci->state == ACD_CONTACT_CONNECTED) {
		api_reply_error(req, 409, "conflict",
				"contact %llu is already accepted",
				(unsigned long long)id);
		return NULL;
	}
	return a;
}

/* POST /api/v1/contacts/{id}/accept: the agent takes a non-voice offer
 * (a work order is then assigned to it, like crm's accept). */
void api_contact_accept(struct api_req *req)
{
	struct acd_contact_info ci;
	struct acd_agent *a;
	const char *order;
	char why[128];
	uint64_t id = contact_of(req);
	int err;

	if (!id || !(a = offer_owner(req, id, &ci)))
		return;
	order = ci.channel == ACD_CH_WORKORDER ? crm_route_order(ci.owner)
					       : NULL;
	if (order && api_crm(req)) {
		err = crm_workorder_accept(api_crm(req), api_tenant_name(req),
					   order, acd_agent_id(a), why,
					   sizeof(why));
		if (err) {
			api_reply_errno(req, err, why);
			return;
		}
	}
	else {
		err = acd_contact_accept(api_acd(req), id, a);
		if (err) {
			api_reply_errno(req, err, acd_last_error(api_acd(req)));
			return;
		}
	}
	api_reply_json(req, 200, api_contact_json(api_live(req), id));
}

/* POST /api/v1/contacts/{id}/reject: the agent refuses the offer; the
 * engine's rules for a rejected offer apply (the contact goes back to the
 * front of its queue for the next agent, the agent becomes not ready with
 * reason "rejected"). */
void api_contact_reject(struct api_req *req)
{
	struct acd_contact_info ci;
	struct acd_agent *a;
	uint64_t id = contact_of(req);
	int err;

	if (!id || !(a = offer_owner(req, id, &ci)))
		return;
	err = acd_contact_reject(api_acd(req), id, a);
	if (err) {
		api_reply_errno(req, err, acd_last_error(api_acd(req)));
		return;
	}
	api_reply_json(req, 200, api_contact_json(api_live(req), id));
}

/* GET /api/v1/contacts/{id} */
void api_contact_get(struct api_req *req)
{
	uint64_t id = contact_of(req);
	json_t *c;

	if (!id || !own_contact(req, id))
		return;
	c = api_contact_json(api_live(req), id);
	if (!c) {
		api_reply_error(req, 404, "not_found", "no live contact %llu",
				(unsigned long long)id);
		return;
	}
	api_reply_json(req, 200, c);
}

struct link_req {
	struct api_req *req; /* held */
	uint64_t id;
	char customer[32];
};

static void link_destructor(void *arg)
{
	struct link_req *lr = arg;

	mem_deref(lr->req);
}

static void link_done(int err, void *arg)
{
	struct link_req *lr = arg;
	struct api_req *req = lr->req;
	json_t *c;

	switch (err) {
	case 0:
		c = api_contact_json(api_live(req), lr->id);
		if (c)
			api_reply_json(req, 200, c);
		else
			api_reply_error(req, 409, "conflict",
					"contact %llu ended meanwhile",
					(unsigned long long)lr->id);
		break;
	case ENOENT:
		api_reply_error(req, 404, "not_found",
				"no customer %s in tenant %s", lr->customer,
				api_tenant_name(req));
		break;
	case ESRCH:
		api_reply_error(req, 409, "conflict",
				"contact %llu ended meanwhile",
				(unsigned long long)lr->id);
		break;
	default:
		api_reply_error(req, 503, "unavailable",
				"customer lookup failed: %s", strerror(err));
		break;
	}
	mem_deref(lr);
}

/* PUT /api/v1/contacts/{id}/customer {"customer": ID} */
void api_contact_link(struct api_req *req)
{
	static const char *const known[] = {"customer"};
	json_t *body = api_req_body(req);
	struct acd_contact_info ci;
	struct link_req *lr;
	const char *customer;
	uint64_t id;
	int err;

	if (api_json_fields(req, body, known, 1) ||
	    api_json_string(req, body, "customer", true, 26, &customer))
		return;
	id = contact_of(req);
	if (!id || !own_contact(req, id))
		return;
	if (acd_contact_info(api_acd(req), id, &ci) ||
	    (ci.channel != ACD_CH_VOICE && ci.channel != ACD_CH_CALLBACK)) {
		api_reply_error(req, 409, "conflict",
				"contact %llu is no call: its customer cannot "
				"be linked here",
				(unsigned long long)id);
		return;
	}
	if (!api_voice(req)) {
		api_reply_error(req, 503, "unavailable", "no voice channel");
		return;
	}
	lr = mem_zalloc(sizeof(*lr), link_destructor);
	if (!lr) {
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}
	lr->id = id;
	str_ncpy(lr->customer, customer, sizeof(lr->customer));
	lr->req = api_req_hold(req);
	err = voice_contact_link(api_voice(req), id, customer, link_done, lr);
	if (!err)
		return;
	mem_deref(lr);
	if (err == ENOENT)
		api_reply_error(req, 409, "conflict",
				"contact %llu is no call any more",
				(unsigned long long)id);
	else if (err == EINVAL)
		api_reply_error(req, 400, "bad_value", "bad customer id");
	else
		api_reply_error(req, 503, "unavailable",
				"customers cannot be linked: %s",
				err == ENOSYS ? "no CRM" : strerror(err));
}
