/**
 * @file users.c  Users and API keys of the caller's tenant (admin).
 *
 * Users of the center file are listed but cannot be deleted here (change
 * the file); users made here are stored with a password hash only.  An API
 * key's text is shown once, in the answer that creates it.
 */
#include <errno.h>
#include <string.h>

#include <jansson.h>
#include <re_types.h>
#include <re_mem.h>

#include "api/api.h"
#include "auth/auth.h"
#include "center/center.h"
#include "core/core.h"

static json_t *user_json(const struct auth_user *u)
{
	return json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:b,s:b}", "username",
			 u->username, "role", auth_role_name(u->role),
			 "tenant", u->tenant, "agent", api_json_str(u->agent),
			 "language", api_json_str(u->language),
			 "display_name", api_json_str(u->name),
			 "from_center", u->from_center, "automatic",
			 u->automatic);
}

static bool list_user(const struct auth_user *u, void *arg)
{
	json_array_append_new(arg, user_json(u));
	return false;
}

void api_users_list(struct api_req *req)
{
	json_t *arr = json_array();

	if (!arr) {
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}
	auth_user_foreach(api_auth(req), api_tenant_name(req), list_user, arr);
	api_reply_json(req, 200, json_pack("{s:o}", "users", arr));
}

struct user_add {
	struct api_req *req; /* held */
};

static void add_destructor(void *arg)
{
	struct user_add *x = arg;

	mem_deref(x->req);
}

static void add_done(int err, const struct auth_user *u, void *arg)
{
	struct user_add *x = arg;

	if (err == EEXIST || err == ENOENT)
		api_reply_error(x->req, 409, "conflict",
				"the user was made or deleted meanwhile");
	else if (err)
		api_reply_error(x->req, 503, "unavailable",
				"the user could not be stored: %s",
				strerror(err));
	else
		api_reply_json(x->req, 201, user_json(u));
}

/* POST /api/v1/users {"username", "password", "role", "agent"?,
 * "name"?, "language"?} */
void api_user_create(struct api_req *req)
{
	static const char *const known[] = {"username", "password", "role",
					    "agent",    "name",     "language"};
	json_t *body = api_req_body(req);
	const char *username, *password, *role, *agent, *name, *language;
	struct user_add *x;
	enum auth_role r;
	int err;

	if (api_json_fields(req, body, known, ARRAY_LEN(known)) ||
	    api_json_string(req, body, "username", true, 64, &username) ||
	    api_json_string(req, body, "password", true, AUTH_PW_MAX,
			    &password) ||
	    api_json_string(req, body, "role", true, 16, &role) ||
	    api_json_string(req, body, "agent", false, 64, &agent) ||
	    api_json_string(req, body, "name", false, 128, &name) ||
	    api_json_string(req, body, "language", false, 8, &language))
		return;
	r = auth_role_parse(role);
	/* operators belong to the platform, never to a tenant */
	if (r == AUTH_ROLE_NONE || r == AUTH_ROLE_OPERATOR) {
		api_reply_error(req, 400, "bad_value",
				"unknown role '%s' (expected admin, "
				"supervisor, agent, unit)",
				role);
		return;
	}
	if (r == AUTH_ROLE_UNIT &&
	    !center_unit_of_user(center_tenant(api_center(req),
					       api_tenant_name(req)),
				 username)) {
		api_reply_error(req, 400, "bad_value",
				"a unit user must be listed in a unit's users "
				"(workorders.units[].users of the center "
				"file); '%s' is in none",
				username);
		return;
	}
	if (r == AUTH_ROLE_AGENT && !agent) {
		api_reply_error(req, 400, "missing_field",
				"field 'agent' is required for the role "
				"agent");
		return;
	}
	if (r != AUTH_ROLE_AGENT && agent) {
		api_reply_error(req, 400, "bad_value",
				"only the role agent works as an agent");
		return;
	}
	x = mem_zalloc(sizeof(*x), add_destructor);
	if (!x) {
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}
	x->req = api_req_hold(req);
	err = auth_user_add(api_auth(req),
			    &(struct auth_user_new){
				    .tenant = api_tenant_name(req),
				    .username = username,
				    .password = password,
				    .role = r,
				    .agent = agent,
				    .name = name,
				    .language = language,
			    },
			    add_done, x);
	mem_deref(x);
	if (err == EEXIST)
		api_reply_error(req, 409, "conflict", "user %s exists already",
				username);
	else if (err == EINVAL)
		api_reply_error(req, 400, "bad_value",
				"bad username (1..64 letters, digits, '_', "
				"'-', '.'), language (zh, ko, en) or agent "
				"(no agent %s)",
				agent ? agent : "-");
	else if (err)
		api_reply_errno(req, err, NULL);
}

void api_user_delete(struct api_req *req)
{
	const char *name = api_req_param(req, "username");
	int err = auth_user_delete(api_auth(req), api_tenant_name(req), name);

	if (err == ENOENT)
		api_reply_error(req, 404, "not_found", "no user %s", name);
	else if (err == EPERM)
		api_reply_error(req, 409, "conflict",
				"user %s is defined in the center file: "
				"remove it there",
				name);
	else if (err)
		api_reply_errno(req, err, NULL);
	else
		api_reply_json(req, 200, json_pack("{s:b}", "ok", true));
}

/* --- API keys --------------------------------------------------------------- */

static json_t *key_json(const struct auth_session *s)
{
	return json_pack("{s:s,s:s,s:s,s:o,s:o,s:b}", "id", s->id, "name",
			 s->username, "role", auth_role_name(s->role), "agent",
			 api_json_str(s->agent), "created",
			 s->created ? api_json_time(s->created) : json_null(),
			 "from_center", s->from_center);
}

static bool list_key(const struct auth_session *s, void *arg)
{
	json_array_append_new(arg, key_json(s));
	return false;
}

void api_keys_list(struct api_req *req)
{
	json_t *arr = json_array();

	if (!arr) {
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}
	auth_apikey_foreach(api_auth(req), api_tenant_name(req), list_key, arr);
	api_reply_json(req, 200, json_pack("{s:o}", "api_keys", arr));
}

/* POST /api/v1/api-keys {"name"?, "role"? (default supervisor), "agent"?}
 * -> 201 {"key": TEXT, "id", ...}: the text is never shown again. */
void api_key_create(struct api_req *req)
{
	static const char *const known[] = {"name", "role", "agent"};
	json_t *body = api_req_body(req), *j;
	const char *name, *role, *agent;
	const struct auth_session *s;
	char text[AUTH_TOKEN_TEXT];
	enum auth_role r = AUTH_ROLE_SUPERVISOR;
	int err;

	if (api_json_fields(req, body, known, ARRAY_LEN(known)) ||
	    api_json_string(req, body, "name", false, 64, &name) ||
	    api_json_string(req, body, "role", false, 16, &role) ||
	    api_json_string(req, body, "agent", false, 64, &agent))
		return;
	if (role) {
		r = auth_role_parse(role);
		if (r == AUTH_ROLE_NONE || r == AUTH_ROLE_OPERATOR) {
			api_reply_error(req, 400, "bad_value",
					"unknown role '%s' (expected admin, "
					"supervisor, agent)",
					role);
			return;
		}
	}
	err = auth_apikey_create(api_auth(req), api_tenant_name(req), name, r,
				 agent, text, &s);
	if (err == EINVAL) {
		api_reply_error(req, 400, "bad_value",
				"the role agent needs an existing agent, the "
				"others none");
		return;
	}
	if (err) {
		api_reply_errno(req, err, NULL);
		return;
	}
	j = key_json(s);
	json_object_set_new(j, "key", json_string(text));
	api_reply_json(req, 201, j);
}

void api_key_delete(struct api_req *req)
{
	const char *id = api_req_param(req, "id");
	struct auth_session *s =
		auth_apikey_find(api_auth(req), api_tenant_name(req), id);

	if (!s) {
		api_reply_error(req, 404, "not_found", "no API key %s", id);
		return;
	}
	if (auth_apikey_delete(api_auth(req), s) == EPERM) {
		api_reply_error(req, 409, "conflict",
				"API key %s (%s) is declared in the center "
				"file's api_keys: remove it there",
				id, s->username);
		return;
	}
	api_reply_json(req, 200, json_pack("{s:b}", "ok", true));
}
