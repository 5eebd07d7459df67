/**
 * @file agents.c  Agent routes: list, show, change presence.
 */
#include <errno.h>
#include <string.h>

#include <jansson.h>

#include "acd/acd.h"
#include "api/api.h"
#include "voice/voice.h"

#define REASON_MAX 64 /* bytes of a not-ready reason */

static const char *presence_names[] = {
	[ACD_PRESENCE_LOGGED_OUT] = "logged-out",
	[ACD_PRESENCE_AVAILABLE] = "available",
	[ACD_PRESENCE_NOT_READY] = "not-ready",
};

static int presence_parse(const char *s, enum acd_presence *pp)
{
	for (size_t i = 0; i < sizeof(presence_names) / sizeof(*presence_names);
	     i++) {
		if (!strcmp(s, presence_names[i])) {
			*pp = (enum acd_presence)i;
			return 0;
		}
	}
	return EINVAL;
}

static json_t *skills_json(const struct acd_agent *a)
{
	const struct acd_tenant *t = acd_agent_tenant(a);
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < acd_skill_count(t); i++) {
		const char *name = acd_skill_name(t, i);
		uint8_t level = acd_agent_skill_level(a, name);

		if (level)
			json_array_append_new(arr,
					      json_pack("{s:s,s:i}", "skill",
							name, "level", level));
	}
	return arr;
}

static json_t *agent_json(struct api_req *req, const struct acd_agent *a)
{
	struct acd_agent_info info;
	uint64_t now = acd_now(api_acd(req));
	json_t *active = json_object();

	acd_agent_info(a, &info);
	/* Phones registered for the agent (null without a voice channel). */
	json_t *devices = api_voice(req)
		? json_integer(voice_agent_devices(
			  api_voice(req), acd_tenant_name(acd_agent_tenant(a)),
			  acd_agent_id(a)))
		: json_null();
	for (int ch = 0; active && ch < ACD_CH_MAX; ch++)
		json_object_set_new(active,
				    acd_channel_name((enum acd_channel)ch),
				    json_integer(info.active[ch]));

	return json_pack(
		"{s:s,s:s,s:o,s:s,s:s,s:o,s:o,s:I,s:o,s:i,s:i,s:o,s:o,s:o,s:o}",
		"tenant", acd_tenant_name(acd_agent_tenant(a)),
		"ext", acd_agent_id(a),
		"name", api_json_str(acd_agent_name(a)),
		"state", acd_agent_state_name(info.state),
		"presence", presence_names[info.presence],
		"reason", api_json_str(info.reason),
		"state_since", api_json_time(info.state_since),
		"time_in_state_s",
		(json_int_t)(now > info.state_since
				     ? (now - info.state_since) / 1000 : 0),
		"idle_since", api_json_time(info.idle_since),
		"contacts_today", (int)info.contacts_today,
		"offers", (int)info.offers,
		"wrapup_until", api_json_time(info.wrapup_until),
		"active", active ? active : json_null(),
		"devices", devices ? devices : json_null(),
		"skills", skills_json(a));
}

struct list_ctx {
	struct api_req *req;
	json_t *arr;
};

static bool list_agent(struct acd_agent *a, void *arg)
{
	struct list_ctx *ctx = arg;

	json_array_append_new(ctx->arr, agent_json(ctx->req, a));
	return false;
}

static bool list_tenant(struct acd_tenant *t, void *arg)
{
	acd_agent_foreach(t, list_agent, arg);
	return false;
}

void api_agents_list(struct api_req *req)
{
	struct acd_tenant *t;
	struct list_ctx ctx = {.req = req};

	if (api_find_tenant(req, &t))
		return;
	ctx.arr = json_array();
	if (!ctx.arr) {
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}
	if (t)
		list_tenant(t, &ctx);
	else
		acd_tenant_foreach(api_acd(req), list_tenant, &ctx);

	api_reply_json(req, 200, json_pack("{s:o}", "agents", ctx.arr));
}

void api_agent_get(struct api_req *req)
{
	struct acd_agent *a;

	if (api_find_agent(req, api_req_param(req, "ext"), &a))
		return;
	api_reply_json(req, 200, agent_json(req, a));
}

/* Body: {"state": "available" | "not-ready" | "logged-out",
 *        "reason": "break"}  (reason required for not-ready only) */
void api_agent_set_state(struct api_req *req)
{
	json_t *body = api_req_body(req), *jstate, *jreason, *v;
	enum acd_presence presence;
	const char *key, *reason = NULL;
	struct acd_agent *a;
	int err;

	json_object_foreach(body, key, v) {
		if (strcmp(key, "state") && strcmp(key, "reason")) {
			api_reply_error(req, 400, "unknown_field",
					"unknown field '%s' (expected state, "
					"reason)",
					key);
			return;
		}
	}

	jstate = json_object_get(body, "state");
	if (!jstate) {
		api_reply_error(req, 400, "missing_field",
				"field 'state' is required");
		return;
	}
	if (!json_is_string(jstate)) {
		api_reply_error(req, 400, "wrong_type",
				"field 'state' must be a string");
		return;
	}
	if (presence_parse(json_string_value(jstate), &presence)) {
		api_reply_error(req, 400, "bad_value",
				"unknown state '%s' (expected available, "
				"not-ready, logged-out)",
				json_string_value(jstate));
		return;
	}

	jreason = json_object_get(body, "reason");
	if (jreason && !json_is_null(jreason)) {
		if (!json_is_string(jreason)) {
			api_reply_error(req, 400, "wrong_type",
					"field 'reason' must be a string");
			return;
		}
		reason = json_string_value(jreason);
		size_t len = json_string_length(jreason);
		if (!len || len > REASON_MAX || strlen(reason) != len) {
			api_reply_error(req, 400, "bad_value",
					"field 'reason' must be 1 to %d "
					"characters",
					REASON_MAX);
			return;
		}
	}
	if (presence == ACD_PRESENCE_NOT_READY && !reason) {
		api_reply_error(req, 400, "missing_field",
				"field 'reason' is required for not-ready");
		return;
	}
	if (presence != ACD_PRESENCE_NOT_READY)
		reason = NULL;

	if (api_find_agent(req, api_req_param(req, "ext"), &a))
		return;

	err = acd_agent_set_presence(a, presence, reason);
	/* Asking for the state one is already in is not an error. */
	if (err && err != EALREADY) {
		api_reply_errno(req, err, acd_last_error(api_acd(req)));
		return;
	}
	api_reply_json(req, 200, agent_json(req, a));
}
