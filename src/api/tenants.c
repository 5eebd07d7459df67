/**
 * @file tenants.c  The platform operator's routes: tenants listed, created,
 * suspended, resumed, exported, imported and deleted while the daemon runs.
 *
 * Only users of the role operator (platform.users of the center file) call
 * these, and they call nothing else but /me and logout (server.c): the
 * operator manages tenants, it does not work in them.
 *
 * A tenant's definition is the center file's YAML with a tenants: list of
 * that one tenant (center_tenant_export()); POST and PUT take it as
 * {"definition": "YAML"} and check it with the loader of the center file,
 * so an error names its line and field.  What the API changes is stored
 * (store_tenant_put(): platform_tenant, migration 15) and applied over the
 * center file at the next start (api_tenants_restore()): the database wins
 * over the file for a tenant it holds a record of.
 *
 * Suspension: the tenant's new calls hear service/suspended in its language
 * and are ended (src/voice/trunk.c), calls in progress go on, its users'
 * sign-ins and requests answer 403 tenant_suspended (server.c, session.c),
 * its event streams close; nothing is deleted, phones stay registered.
 *
 * Delete: only a suspended tenant without calls or contacts; it leaves the
 * engine, the numbers and the users; its records (interactions, intervals,
 * work orders, users made through the API) stay in the database, so a
 * tenant made again with that name finds its history.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <re_types.h>
#include <re_fmt.h>
#include <re_mem.h>

#include "acd/acd.h"
#include "api/api.h"
#include "auth/auth.h"
#include "center/center.h"
#include "core/core.h"
#include "store/store.h"
#include "voice/voice.h"

bool api_tenant_suspended(const struct center *c, const char *tenant)
{
	const struct center_tenant *t;

	if (!c || !tenant || !strcmp(tenant, AUTH_PLATFORM))
		return false;
	t = center_tenant(c, tenant);
	return t && t->suspended;
}

/* --- the tenant as JSON ---------------------------------------------------- */

struct qsum {
	uint32_t waiting, offered, answered, abandoned, answered_in_sl,
		abandoned_after_sl;
};

static bool queue_sum(struct acd_queue *q, void *arg)
{
	struct qsum *s = arg;
	struct acd_stats st;

	acd_queue_stats(q, &st);
	s->waiting += st.waiting;
	s->offered += st.offered;
	s->answered += st.answered;
	s->abandoned += st.abandoned;
	s->answered_in_sl += st.answered_in_sl;
	s->abandoned_after_sl += st.abandoned_after_sl;
	return false;
}

static json_t *live_json(struct api_req *req, const struct center_tenant *ct)
{
	struct acd_tenant *at = acd_tenant_find(api_acd(req), ct->name);
	struct qsum sum = {0};
	struct acd_stats st;
	json_t *agents, *o;
	uint32_t sl_base;

	if (!at)
		return json_null();
	acd_queue_foreach(at, queue_sum, &sum);
	acd_tenant_stats(at, &st);
	agents = json_object();
	for (int s = 0; agents && s < ACD_AGENT_NSTATES; s++)
		json_object_set_new(
			agents, acd_agent_state_name((enum acd_agent_state)s),
			json_integer(st.agents[s]));
	sl_base = sum.answered + sum.abandoned_after_sl;
	o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:o,s:o}", "calls",
		      (json_int_t)voice_tenant_calls(api_voice(req), ct->name),
		      "waiting", (json_int_t)sum.waiting, "offered",
		      (json_int_t)sum.offered, "answered",
		      (json_int_t)sum.answered, "abandoned",
		      (json_int_t)sum.abandoned, "service_level",
		      sl_base ? json_real((double)sum.answered_in_sl / sl_base)
			      : json_null(),
		      "agents", agents ? agents : json_object());
	return o ? o : json_null();
}

/* {"mon": ["08:00-20:00"], ..., "sun": []}, or null: open around the
 * clock. */
static json_t *hours_json(const struct center_tenant *ct)
{
	static const char *const days[7] = {"mon", "tue", "wed", "thu",
					    "fri", "sat", "sun"};
	json_t *o;

	if (!ct->has_hours)
		return json_null();
	o = json_object();
	for (int d = 0; o && d < 7; d++) {
		const struct center_day *day = &ct->week[d];
		json_t *arr = json_array();

		for (uint8_t i = 0; arr && i < day->n; i++) {
			char buf[16];

			snprintf(buf, sizeof(buf), "%02u:%02u-%02u:%02u",
				 day->r[i].from / 60u, day->r[i].from % 60u,
				 day->r[i].to / 60u, day->r[i].to % 60u);
			json_array_append_new(arr, json_string(buf));
		}
		json_object_set_new(o, days[d], arr ? arr : json_array());
	}
	return o ? o : json_null();
}

/* ["2026-10-01", "2026-10-02..2026-10-07"] */
static json_t *holidays_json(const struct center_tenant *ct)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < ct->nholidays; i++) {
		time_t a = (time_t)(ct->holidays[i].first * 86400);
		time_t b = (time_t)(ct->holidays[i].last * 86400);
		struct tm ta, tb;
		char buf[32];

		gmtime_r(&a, &ta);
		gmtime_r(&b, &tb);
		if (a == b)
			strftime(buf, sizeof(buf), "%Y-%m-%d", &ta);
		else {
			char tail[12];

			strftime(buf, sizeof(buf), "%Y-%m-%d..", &ta);
			strftime(tail, sizeof(tail), "%Y-%m-%d", &tb);
			strncat(buf, tail, sizeof(buf) - strlen(buf) - 1);
		}
		json_array_append_new(arr, json_string(buf));
	}
	return arr ? arr : json_array();
}

static json_t *tenant_json(struct api_req *req, const struct center_tenant *ct)
{
	json_t *numbers = json_array(), *langs = json_array(), *o;
	size_t users = 0;

	for (size_t i = 0; numbers && i < ct->nnumbers; i++)
		json_array_append_new(numbers,
				      json_string(ct->numbers[i].number));
	for (size_t i = 0; langs && i < ct->nlanguages; i++)
		json_array_append_new(langs,
				      json_string(ct->languages[i].code));
	for (size_t i = 0; i < ct->nusers; i++)
		users += !ct->users[i].automatic;
	o = json_pack("{s:s,s:s,s:s,s:o,s:s,s:s,s:o,s:o,s:b,s:{s:I,s:I,s:I,"
		      "s:I,s:I},s:o}",
		      "id", ct->name, "name", ct->name, "display_name",
		      ct->description ? ct->description : ct->name,
		      "description", api_json_str(ct->description), "state",
		      ct->suspended ? "suspended" : "active", "timezone",
		      ct->timezone ? ct->timezone : "UTC", "numbers",
		      numbers ? numbers : json_array(), "languages",
		      langs ? langs : json_array(), "open_always",
		      !ct->has_hours, "counts", "agents",
		      (json_int_t)ct->nagents, "queues",
		      (json_int_t)ct->nqueues, "skills",
		      (json_int_t)ct->nskills, "flows", (json_int_t)ct->nflows,
		      "users", (json_int_t)users, "live", live_json(req, ct));
	if (o) {
		json_object_set_new(o, "hours", hours_json(ct));
		json_object_set_new(o, "holidays", holidays_json(ct));
	}
	return o;
}

/* The tenant of {id}; answers 404 and returns NULL when there is none. */
static struct center_tenant *find(struct api_req *req)
{
	const char *id = api_req_param(req, "id");
	const struct center_tenant *ct = center_tenant(api_center(req), id);

	if (!ct) {
		api_reply_error(req, 404, "not_found", "no tenant %s",
				id ? id : "");
		return NULL;
	}
	/* the model is the API's to change (api_center_rw) */
	return (struct center_tenant *)ct;
}

static void store_state(struct api_req *req, const char *tenant,
			const char *state, const char *definition)
{
	struct store *s = api_store(req);
	int err;

	if (!s)
		return;
	err = store_tenant_put(s,
			       &(struct store_tenant){.tenant = tenant,
						      .state = state,
						      .definition = definition},
			       NULL, NULL);
	if (err)
		HL_WARN("api", "tenant %s: state %s not stored (it lasts until "
			       "a restart): %s",
			tenant, state, strerror(err));
}

/* --- reads ------------------------------------------------------------------ */

void api_tenants_list(struct api_req *req)
{
	const struct center *c = api_center(req);
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < c->ntenants; i++) {
		if (!c->tenants[i].removed)
			json_array_append_new(arr,
					      tenant_json(req, &c->tenants[i]));
	}
	api_reply_json(req, 200, json_pack("{s:o}", "tenants",
					   arr ? arr : json_array()));
}

void api_tenant_get(struct api_req *req)
{
	const struct center_tenant *ct = find(req);

	if (ct)
		api_reply_json(req, 200, tenant_json(req, ct));
}

void api_tenant_config_get(struct api_req *req)
{
	const struct center_tenant *ct = find(req);
	char *text = NULL;
	int err;

	if (!ct)
		return;
	err = center_tenant_export(ct, &text);
	if (err) {
		api_reply_error(req, err == ENOTSUP ? 501 : 500,
				err == ENOTSUP ? "not_implemented" : "internal",
				"tenant %s cannot be exported: %s", ct->name,
				strerror(err));
		return;
	}
	api_reply_body(req, 200, "application/yaml; charset=utf-8",
		       "Cache-Control: no-store\r\n", (const uint8_t *)text,
		       strlen(text), false);
	mem_deref(text);
}

/* --- suspend and resume ---------------------------------------------------- */

void api_tenant_suspend(struct api_req *req)
{
	struct center_tenant *ct = find(req);

	if (!ct)
		return;
	if (!ct->suspended) {
		ct->suspended = true;
		store_state(req, ct->name, "suspended", NULL);
		api_live_tenant_closed(api_live(req), ct->name);
		HL_INFO("api", "tenant %s suspended by %s", ct->name,
			api_session(req)->username);
	}
	api_reply_json(req, 200, tenant_json(req, ct));
}

void api_tenant_resume(struct api_req *req)
{
	struct center_tenant *ct = find(req);

	if (!ct)
		return;
	if (ct->suspended) {
		ct->suspended = false;
		store_state(req, ct->name, "active", NULL);
		HL_INFO("api", "tenant %s resumed by %s", ct->name,
			api_session(req)->username);
	}
	api_reply_json(req, 200, tenant_json(req, ct));
}

/* --- definitions: create, import, delete ------------------------------------ */

/* 400 with the loader's message, and its line and field apart:
 * "definition:12: tenants[0].queues[1].strategy: unknown ..." */
static void reply_invalid(struct api_req *req, const char *msg)
{
	const char *p = strchr(msg, ':');
	unsigned long line = 0;
	char field[160] = "";
	json_t *err;

	if (p) {
		char *end;

		line = strtoul(p + 1, &end, 10);
		if (*end == ':' && end[1] == ' ') {
			const char *f = end + 2, *colon = strstr(f, ": ");
			const char *sp = strchr(f, ' ');

			/* a field path has no space before its colon */
			if (colon && (!sp || sp > colon) &&
			    (size_t)(colon - f) < sizeof(field))
				snprintf(field, sizeof(field), "%.*s",
					 (int)(colon - f), f);
		}
	}
	err = json_pack("{s:s,s:s}", "code", "invalid_definition", "message",
			msg);
	if (err && line)
		json_object_set_new(err, "line", json_integer((json_int_t)line));
	if (err && *field)
		json_object_set_new(err, "field", json_string(field));
	api_reply_json(req, 400, json_pack("{s:o}", "error",
					   err ? err : json_object()));
}

/* The definition of the body, loaded; answers and returns NULL on error. */
static struct center *definition(struct api_req *req, const char **textp)
{
	static const char *const known[] = {"definition"};
	json_t *body = api_req_body(req), *v;
	struct center *def = NULL;
	char err[512];
	int e;

	if (api_json_fields(req, body, known, ARRAY_LEN(known)))
		return NULL;
	v = json_object_get(body, "definition");
	if (!json_is_string(v) || !json_string_length(v)) {
		api_reply_error(req, 400, "bad_value",
				"\"definition\" must be the tenant's YAML "
				"text (as GET /api/v1/tenants/{id}/config "
				"answers it)");
		return NULL;
	}
	e = center_definition_load(&def, "definition", json_string_value(v),
				   json_string_length(v), err, sizeof(err));
	if (e == ENOMEM) {
		api_reply_error(req, 500, "internal", "out of memory");
		return NULL;
	}
	if (e) {
		reply_invalid(req, err);
		return NULL;
	}
	*textp = json_string_value(v);
	return def;
}

/* Everything else that holds a tenant: engine, voice (music, time zone),
 * users.  On error the engine's part is undone and the reason is in err. */
static int tenant_start(struct api_req *req, const struct center_tenant *ct,
			char *err, size_t errsz)
{
	int e;

	e = center_apply_tenant(api_center(req), ct, api_acd(req), err,
				errsz);
	if (!e && api_voice(req)) {
		e = voice_tenant_added(api_voice(req), ct);
		if (e)
			snprintf(err, errsz, "tenant %s: its queues' music "
				 "cannot be played (see the log)", ct->name);
	}
	if (!e) {
		e = auth_tenant_add(api_auth(req), ct);
		if (e)
			snprintf(err, errsz, "tenant %s: users: %s", ct->name,
				 strerror(e));
	}
	if (e) {
		auth_tenant_remove(api_auth(req), ct->name);
		(void)acd_tenant_remove(api_acd(req), ct->name);
	}
	return e;
}

static void reply_check(struct api_req *req, int e, const char *msg)
{
	if (e == EINVAL)
		reply_invalid(req, msg);
	else if (e == ENOENT)
		api_reply_error(req, 404, "not_found", "%s", msg);
	else
		api_reply_error(req, 409, "conflict", "%s", msg);
}

void api_tenant_create(struct api_req *req)
{
	struct center *c = api_center_rw(req);
	const struct center_tenant *ct;
	const char *text = NULL;
	struct center *def;
	char err[512] = "";
	int e;

	def = definition(req, &text);
	if (!def)
		return;
	e = center_tenant_check_new(c, def, NULL, err, sizeof(err));
	if (e) {
		reply_check(req, e, err);
		goto out;
	}
	e = center_tenant_adopt(c, def, &ct);
	if (e) {
		api_reply_errno(req, e, "no room for the tenant");
		goto out;
	}
	e = tenant_start(req, ct, err, sizeof(err));
	if (e) {
		(void)center_tenant_remove(c, ct->name);
		api_reply_error(req, 400, "invalid_definition", "%s", err);
		goto out;
	}
	api_tenant_added(req, ct);
	store_state(req, ct->name, "active", text);
	HL_INFO("api", "tenant %s created by %s (%zu queues, %zu agents, "
		       "numbers %s%s)",
		ct->name, api_session(req)->username, ct->nqueues,
		ct->nagents, ct->nnumbers ? ct->numbers[0].number : "none",
		ct->nnumbers > 1 ? " ..." : "");
	api_reply_json(req, 201, tenant_json(req, ct));
out:
	mem_deref(def);
}

/* A suspended tenant with nothing in progress, or an answer (409). */
static int idle(struct api_req *req, const struct center_tenant *ct)
{
	unsigned calls;

	if (!ct->suspended) {
		api_reply_error(req, 409, "not_suspended",
				"suspend tenant %s first", ct->name);
		return EBUSY;
	}
	calls = voice_tenant_calls(api_voice(req), ct->name);
	if (calls) {
		api_reply_error(req, 409, "busy",
				"tenant %s still has %u calls in progress: "
				"try again when they have ended",
				ct->name, calls);
		return EBUSY;
	}
	return 0;
}

/* The tenant out of the engine, and first everything that points at its
 * agents and queues (event stream, phones).  Answers 409 when contacts
 * of it are still in the engine. */
static int engine_drop(struct api_req *req, const struct center_tenant *ct)
{
	struct acd *acd = api_acd(req);
	struct acd_tenant *at = acd_tenant_find(acd, ct->name);
	int e;

	if (!at)
		return 0;
	if (acd_tenant_busy(at)) {
		api_reply_error(req, 409, "busy",
				"tenant %s still has contacts in its queues",
				ct->name);
		return EBUSY;
	}
	api_live_tenant_closed(api_live(req), ct->name);
	voice_tenant_removed(api_voice(req), ct);
	e = acd_tenant_remove(acd, ct->name);
	if (e)
		api_reply_error(req, 409, "busy", "tenant %s: %s", ct->name,
				acd_last_error(acd));
	return e;
}

void api_tenant_config_put(struct api_req *req)
{
	struct center *c = api_center_rw(req);
	struct center_tenant *old = find(req);
	const struct center_tenant *ct;
	const char *text = NULL;
	struct center *def;
	char err[512] = "";
	int e;

	if (!old || idle(req, old))
		return;
	def = definition(req, &text);
	if (!def)
		return;
	e = center_tenant_check_new(c, def, old->name, err, sizeof(err));
	if (e) {
		reply_check(req, e, err);
		goto out;
	}
	e = engine_drop(req, old);
	if (e)
		goto out;
	auth_tenant_remove(api_auth(req), old->name);
	old->removed = true;
	e = center_tenant_adopt(c, def, &ct);
	if (!e) {
		((struct center_tenant *)ct)->suspended = true;
		e = tenant_start(req, ct, err, sizeof(err));
		if (e)
			((struct center_tenant *)ct)->removed = true;
	}
	if (e) {
		/* the old definition again, as it was */
		char err2[256];

		old->removed = false;
		if (tenant_start(req, old, err2, sizeof(err2)))
			HL_ERROR("api", "tenant %s: lost from the engine: %s",
				 old->name, err2);
		api_reply_error(req, 400, "invalid_definition", "%s",
				*err ? err : strerror(e));
		goto out;
	}
	api_tenant_added(req, ct);
	store_state(req, ct->name, "suspended", text);
	HL_INFO("api", "tenant %s: definition replaced by %s (stays "
		       "suspended until resumed)",
		ct->name, api_session(req)->username);
	api_reply_json(req, 200, tenant_json(req, ct));
out:
	mem_deref(def);
}

void api_tenant_delete(struct api_req *req)
{
	struct center_tenant *ct = find(req);
	int e;

	if (!ct || idle(req, ct))
		return;
	e = engine_drop(req, ct);
	if (e)
		return;
	auth_tenant_remove(api_auth(req), ct->name);
	ct->removed = true;
	api_tenant_added(req, ct); /* ct->removed: the daemon lets it go */
	store_state(req, ct->name, "deleted", NULL);
	HL_INFO("api", "tenant %s deleted by %s (its records stay)", ct->name,
		api_session(req)->username);
	api_reply_json(req, 200, json_pack("{s:b,s:s}", "ok", true, "id",
					   ct->name));
}

/* --- at start ---------------------------------------------------------------- */

int api_tenants_restore(struct center *c, struct store *s)
{
	struct store_tenant *v = NULL;
	size_t n = 0;
	int err;

	if (!c || !s)
		return EINVAL;
	err = store_tenants_get_sync(s, &v, &n);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		const struct store_tenant *r = &v[i];
		struct center_tenant *t =
			(struct center_tenant *)center_tenant(c, r->tenant);

		if (r->definition && strcmp(r->state, "deleted")) {
			struct center *def = NULL;
			const struct center_tenant *nt;
			char msg[512];
			char name[128];

			snprintf(name, sizeof(name), "%s (stored definition "
				 "of tenant %s)", c->path ? c->path : "center",
				 r->tenant);
			err = center_definition_load(&def, name, r->definition,
						     strlen(r->definition),
						     msg, sizeof(msg));
			if (!err)
				err = center_tenant_check_new(
					c, def, t ? r->tenant : NULL, msg,
					sizeof(msg));
			if (!err && t)
				t->removed = true;
			if (!err)
				err = center_tenant_adopt(c, def, &nt);
			mem_deref(def);
			if (err) {
				if (t)
					t->removed = false;
				HL_ERROR("api", "tenant %s: its stored "
						"definition is not used: %s",
					 r->tenant, msg);
				err = 0;
				continue;
			}
			t = (struct center_tenant *)nt;
		}
		if (!t)
			continue;
		if (!strcmp(r->state, "deleted")) {
			t->removed = true;
			HL_INFO("api", "tenant %s: deleted (database)",
				r->tenant);
		}
		else if (!strcmp(r->state, "suspended")) {
			t->suspended = true;
			HL_INFO("api", "tenant %s: suspended (database)",
				r->tenant);
		}
	}
	mem_deref(v);
	return 0;
}
