/**
 * @file agents.c  Agent routes: list, show, change presence.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <re_types.h>
#include <re_mem.h>

#include <jansson.h>

#include "acd/acd.h"
#include "api/api.h"
#include "auth/auth.h"
#include "core/core.h"
#include "store/store.h"
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

json_t *api_agent_json(const struct api *api, const struct acd_agent *a)
{
	struct acd_agent_info info;
	struct voice *voice = api_voice_of(api);
	uint64_t now = acd_now(api_acd_of(api));
	uint64_t cur = api_agent_current(api_live_of(api), a);
	json_t *active = json_object();
	json_t *current = cur != ACD_NONE
		? api_contact_json(api_live_of(api), cur) : NULL;

	acd_agent_info(a, &info);
	/* Phones registered for the agent (null without a voice channel). */
	json_t *devices = voice
		? json_integer(voice_agent_devices(
			  voice, acd_tenant_name(acd_agent_tenant(a)),
			  acd_agent_id(a)))
		: json_null();
	for (int ch = 0; active && ch < ACD_CH_MAX; ch++)
		json_object_set_new(active,
				    acd_channel_name((enum acd_channel)ch),
				    json_integer(info.active[ch]));

	return json_pack(
		"{s:s,s:s,s:s,s:o,s:s,s:s,s:o,s:o,s:I,s:I,s:o,s:i,s:i,s:o,"
		"s:o,s:o,s:o,s:o}",
		"tenant", acd_tenant_name(acd_agent_tenant(a)),
		"id", acd_agent_id(a),
		"ext", acd_agent_id(a),
		"name", api_json_str(acd_agent_name(a)),
		"state", acd_agent_state_name(info.state),
		"presence", presence_names[info.presence],
		"reason", api_json_str(info.reason),
		"state_since", api_json_time(info.state_since),
		"state_since_ms", (json_int_t)info.state_since,
		"time_in_state_s",
		(json_int_t)(now > info.state_since
				     ? (now - info.state_since) / 1000 : 0),
		"idle_since", api_json_time(info.idle_since),
		"contacts_today", (int)info.contacts_today,
		"offers", (int)info.offers,
		"wrapup_until", api_json_time(info.wrapup_until),
		"active", active ? active : json_null(),
		"devices", devices ? devices : json_null(),
		"skills", skills_json(a),
		"current", current ? current : json_null());
}

static json_t *agent_json(struct api_req *req, const struct acd_agent *a)
{
	return api_agent_json(api_of(req), a);
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

/* An agent sees itself only; the others their tenant's agents. */
void api_agents_list(struct api_req *req)
{
	const char *self = api_self_agent(req);
	struct acd_tenant *t;
	struct list_ctx ctx = {.req = req};

	if (api_find_tenant(req, &t))
		return;
	ctx.arr = json_array();
	if (!ctx.arr) {
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}
	if (self) {
		struct acd_agent *a = acd_agent_find(t, self);
		if (a)
			list_agent(a, &ctx);
	}
	else if (api_session(req)->role != AUTH_ROLE_AGENT) {
		acd_agent_foreach(t, list_agent, &ctx);
	}

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

/* POST /api/v1/agents/{ext}/wrapup/end: available again before the
 * wrap-up time is over. */
void api_agent_end_wrapup(struct api_req *req)
{
	struct acd_agent *a;
	int err;

	if (api_find_agent(req, api_req_param(req, "ext"), &a))
		return;
	err = acd_agent_end_wrapup(a);
	if (err == EALREADY) {
		api_reply_error(req, 409, "conflict",
				"agent %s is not in wrap-up", acd_agent_id(a));
		return;
	}
	if (err) {
		api_reply_errno(req, err, acd_last_error(api_acd(req)));
		return;
	}
	api_reply_json(req, 200, agent_json(req, a));
}

/* Skills {"skill": level} as JSON text, for the store. */
static char *skills_text(const struct acd_agent_skill *v, size_t n)
{
	json_t *o = json_object();
	char *text;

	for (size_t i = 0; o && i < n; i++)
		json_object_set_new(o, v[i].skill, json_integer(v[i].level));
	text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(o);
	return text;
}

/* Parse {"skill": level, ...} of tenant t into v (names borrowed from the
 * engine); returns the count, or -1 after replying. */
static int skills_parse(struct api_req *req, const struct acd_tenant *t,
			json_t *obj, struct acd_agent_skill *v, size_t max)
{
	const char *key;
	json_t *lv;
	size_t n = 0;

	json_object_foreach(obj, key, lv) {
		size_t k;

		for (k = 0; k < acd_skill_count(t); k++) {
			if (!strcmp(acd_skill_name(t, k), key))
				break;
		}
		if (k == acd_skill_count(t)) {
			api_reply_error(req, 400, "bad_value",
					"unknown skill '%s'", key);
			return -1;
		}
		if (!json_is_integer(lv)) {
			api_reply_error(req, 400, "wrong_type",
					"the level of '%s' must be a whole "
					"number", key);
			return -1;
		}
		if (json_integer_value(lv) < ACD_LEVEL_MIN ||
		    json_integer_value(lv) > ACD_LEVEL_MAX) {
			api_reply_error(req, 400, "bad_value",
					"the level of '%s' must be %d..%d", key,
					ACD_LEVEL_MIN, ACD_LEVEL_MAX);
			return -1;
		}
		if (n == max) {
			api_reply_error(req, 400, "bad_value",
					"too many skills");
			return -1;
		}
		v[n].skill = acd_skill_name(t, k);
		v[n].level = (uint8_t)json_integer_value(lv);
		n++;
	}
	return (int)n;
}

/* PUT /api/v1/agents/{ext}/skills {"skills": {"general": 5}}: replaces the
 * agent's skills in the engine at once, and in the store for restarts. */
void api_agent_set_skills(struct api_req *req)
{
	static const char *const known[] = {"skills"};
	struct acd_agent_skill v[64];
	json_t *body = api_req_body(req), *obj;
	struct acd_agent *a;
	char *text;
	int n, err;

	if (api_json_fields(req, body, known, 1))
		return;
	obj = json_object_get(body, "skills");
	if (!obj) {
		api_reply_error(req, 400, "missing_field",
				"field 'skills' is required");
		return;
	}
	if (!json_is_object(obj)) {
		api_reply_error(req, 400, "wrong_type",
				"field 'skills' must be an object of "
				"skill: level");
		return;
	}
	if (api_find_agent(req, api_req_param(req, "ext"), &a))
		return;
	n = skills_parse(req, acd_agent_tenant(a), obj, v, ARRAY_LEN(v));
	if (n < 0)
		return;
	err = acd_agent_set_skills(a, v, (size_t)n);
	if (err) {
		api_reply_errno(req, err, acd_last_error(api_acd(req)));
		return;
	}
	text = skills_text(v, (size_t)n);
	if (api_store(req) && text) {
		err = store_agent_skills_put(
			api_store(req),
			&(struct store_agent_skills){
				.tenant = acd_tenant_name(acd_agent_tenant(a)),
				.agent = acd_agent_id(a),
				.skills = text,
			},
			NULL, NULL);
		if (err)
			HL_WARN("api", "skills of %s not stored: %s",
				acd_agent_id(a), strerror(err));
	}
	free(text);
	HL_INFO("api", "agent %s@%s: skills changed by %s",
		acd_agent_id(a), acd_tenant_name(acd_agent_tenant(a)),
		api_session(req)->username);
	api_reply_json(req, 200, agent_json(req, a));
}

int api_skills_restore(struct store *store, struct acd *acd)
{
	struct store_agent_skills *rows = NULL;
	size_t n = 0;
	int err;

	if (!store)
		return 0;
	err = store_agent_skills_get_sync(store, &rows, &n);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		struct acd_tenant *t = acd_tenant_find(acd, rows[i].tenant);
		struct acd_agent *a = t ? acd_agent_find(t, rows[i].agent)
					: NULL;
		json_t *o = json_loads(rows[i].skills, 0, NULL);
		struct acd_agent_skill v[64];
		const char *key;
		json_t *lv;
		size_t m = 0;

		json_object_foreach(o, key, lv) {
			for (size_t k = 0; a && m < ARRAY_LEN(v) &&
					   k < acd_skill_count(t); k++) {
				if (!strcmp(acd_skill_name(t, k), key) &&
				    json_is_integer(lv)) {
					v[m].skill = acd_skill_name(t, k);
					v[m].level = (uint8_t)json_integer_value(lv);
					m++;
				}
			}
		}
		if (a && o && acd_agent_set_skills(a, v, m))
			HL_WARN("api", "stored skills of %s@%s not applied: %s",
				rows[i].agent, rows[i].tenant,
				acd_last_error(acd));
		json_decref(o);
	}
	mem_deref(rows);
	return 0;
}
