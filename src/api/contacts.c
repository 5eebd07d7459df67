/**
 * @file contacts.c  Live contacts: the ones waiting, offered or connected
 * (the engine's), and a supervisor's change of a waiting one's priority.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "acd/acd.h"
#include "api/api.h"
#include "auth/auth.h"
#include "core/core.h"

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
