/**
 * @file session.c  Sign-in, sign-out and the caller's own user.
 *
 * POST /api/v1/login answers after the password worker has checked the
 * password (~60 ms): the request is held meanwhile and the loop goes on.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <re_types.h>
#include <re_mem.h>

#include "api/api.h"
#include "auth/auth.h"
#include "center/center.h"
#include "core/core.h"

/* The language of a user who chose none: the tenant's first IVR language
 * if the pages speak it, else English. */
static const char *default_language(const struct center *c, const char *tn)
{
	const struct center_tenant *t = center_tenant(c, tn);
	const char *l = t && t->nlanguages ? t->languages[0].code : NULL;

	if (l && (!strcmp(l, "zh") || !strcmp(l, "ko") || !strcmp(l, "en")))
		return l;
	return "en";
}

static json_t *user_json(const struct center *c, const struct auth_user *u)
{
	/* a platform operator belongs to no tenant: null */
	bool platform = !strcmp(u->tenant, AUTH_PLATFORM);
	const struct center_unit *unit =
		u->role == AUTH_ROLE_UNIT
			? center_unit_of_user(center_tenant(c, u->tenant),
					      u->username)
			: NULL;

	return json_pack("{s:s,s:s,s:o,s:o,s:s,s:s,s:b,s:o}", "username",
			 u->username, "role", auth_role_name(u->role),
			 "tenant", api_json_str(platform ? NULL : u->tenant),
			 "agent", api_json_str(u->agent),
			 "language",
			 u->language ? u->language
				     : default_language(c, u->tenant),
			 "display_name", u->name ? u->name : u->username,
			 "from_center", u->from_center, "unit",
			 api_json_str(unit ? unit->name : NULL));
}

/* An API key's own description, shaped like a user. */
static json_t *key_json(const struct auth_session *s)
{
	return json_pack("{s:s,s:s,s:s,s:o,s:s,s:s,s:b}", "username",
			 s->username, "role", auth_role_name(s->role),
			 "tenant", s->tenant, "agent", api_json_str(s->agent),
			 "language", "en", "display_name", s->username,
			 "api_key", true);
}

struct login {
	struct api_req *req;          /* held */
	const struct center *center;  /* borrowed: lives longer than auth */
	struct auth *auth;            /* borrowed: calls login_done */
};

static void login_destructor(void *arg)
{
	struct login *l = arg;

	mem_deref(l->req);
}

static void login_done(int err, const char *token,
		       const struct auth_session *s, const struct auth_user *u,
		       uint32_t retry_after_s, void *arg)
{
	struct login *l = arg;
	struct api_req *req = l->req;

	(void)retry_after_s;
	if (!err && api_tenant_suspended(l->center, s->tenant)) {
		/* right password, but the tenant is suspended: no session
		 * (revoking frees s) */
		char tenant[128];

		snprintf(tenant, sizeof(tenant), "%s", s->tenant);
		auth_revoke(l->auth, (struct auth_session *)s);
		api_reply_error(req, 403, "tenant_suspended",
				"tenant %s is suspended: ask the platform's "
				"operator", tenant);
		return;
	}
	switch (err) {
	case 0:
		api_reply_json(req, 200,
			       json_pack("{s:s,s:o,s:I}", "token", token,
					 "user", user_json(l->center, u),
					 "expires_ms", (json_int_t)s->expires));
		break;
	case EACCES:
		api_reply_error(req, 401, "bad_credentials",
				"wrong username or password");
		break;
	case EINVAL:
		api_reply_error(req, 400, "ambiguous",
				"this name and password work in several "
				"tenants: add \"tenant\" (or sign in as "
				"name@tenant)");
		break;
	default:
		api_reply_error(req, 500, "internal", "sign-in failed: %s",
				strerror(err));
		break;
	}
}

/* POST /api/v1/login {"username", "password", "tenant"?} */
void api_login(struct api_req *req)
{
	static const char *const known[] = {"username", "password", "tenant"};
	json_t *body = api_req_body(req);
	const char *user, *pw, *tenant;
	struct login *l;
	int err;

	if (api_json_fields(req, body, known, ARRAY_LEN(known)) ||
	    api_json_string(req, body, "username", true, 130, &user) ||
	    api_json_string(req, body, "password", true, AUTH_PW_MAX, &pw) ||
	    api_json_string(req, body, "tenant", false, 64, &tenant))
		return;

	l = mem_zalloc(sizeof(*l), login_destructor);
	if (!l) {
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}
	l->req = api_req_hold(req);
	l->center = api_center(req);
	l->auth = api_auth(req);
	/* auth takes its own reference of l until login_done has run */
	err = auth_login(api_auth(req), tenant, user, pw, api_req_peer(req),
			 login_done, l);
	mem_deref(l);
	switch (err) {
	case 0:
		return;
	case EAGAIN:
		api_reply_error_extra(req, 429, "Retry-After: 60\r\n",
				      "too_many_attempts",
				      "too many failed sign-ins from your "
				      "address: wait a minute");
		return;
	case EBUSY:
		api_reply_error(req, 503, "unavailable",
				"too many sign-ins in progress: try again");
		return;
	case EINVAL:
		api_reply_error(req, 400, "bad_value",
				"username or password too long");
		return;
	default:
		api_reply_error(req, 500, "internal", "%s", strerror(err));
		return;
	}
}

/* POST /api/v1/logout: the token stops working at once. */
void api_logout(struct api_req *req)
{
	struct auth_session *s = api_session(req);

	auth_revoke(api_auth(req), s);
	api_reply_json(req, 200, json_pack("{s:b}", "ok", true));
}

void api_me_get(struct api_req *req)
{
	const struct auth_session *s = api_session(req);
	const struct auth_user *u = auth_session_user(api_auth(req), s);

	api_reply_json(req, 200,
		       json_pack("{s:o}", "user",
				 u ? user_json(api_center(req), u)
				   : key_json(s)));
}

/* PATCH /api/v1/me {"language": "ko"}: remembered for the user. */
void api_me_patch(struct api_req *req)
{
	static const char *const known[] = {"language"};
	const struct auth_session *s = api_session(req);
	const struct auth_user *u = auth_session_user(api_auth(req), s);
	json_t *body = api_req_body(req);
	const char *lang;
	int err;

	if (api_json_fields(req, body, known, 1) ||
	    api_json_string(req, body, "language", true, 8, &lang))
		return;
	if (!u) {
		api_reply_error(req, 409, "conflict",
				"an API key has no preferences");
		return;
	}
	err = auth_user_set_language(api_auth(req), u, lang);
	if (err == EINVAL) {
		api_reply_error(req, 400, "bad_value",
				"unknown language '%s' (expected zh, ko, en)",
				lang);
		return;
	}
	if (err) {
		api_reply_errno(req, err, NULL);
		return;
	}
	api_reply_json(req, 200,
		       json_pack("{s:o}", "user", user_json(api_center(req), u)));
}
