/**
 * @file users.c  tenants[].users: who signs in to the API, with which role;
 * and the automatic users of agent_users (an agent signs in as its
 * extension with its phone's password).
 *
 * Passwords stay as written here; src/auth hashes plain ones once at start
 * and keeps only the hashes.  A password_hash is taken as it is (made with
 * `hotline passwd`).
 */
#include <errno.h>
#include <string.h>

#include <re.h>

#include "center/center_int.h"

#define AT(type, member)                                                       \
	.off = offsetof(type, member), .size = sizeof(((type *)0)->member)

static const char *const role_names[] = {"admin", "supervisor", "agent", "unit",
                                          NULL};
/* The languages of the web pages (not the IVR's). */
static const char *const ui_language_names[] = {"zh", "ko", "en", NULL};

static const struct cfg_field user_fields[] = {
    {.key = "username",
     .type = CT_NAME,
     .required = true,
     AT(struct center_user, username),
     .help = "What the user types to sign in; unique in the tenant."},
    {.key = "password",
     .type = CT_STRING,
     AT(struct center_user, password),
     .help = "The password, in plain text (hashed at start; only the hash "
             "is kept).  Give this or password_hash."},
    {.key = "password_hash",
     .type = CT_STRING,
     AT(struct center_user, password_hash),
     .help = "The password as an Argon2 hash (\"$argon2id$...\", from "
             "`hotline passwd`), so the file holds no password."},
    {.key = "role",
     .type = CT_ENUM,
     .as_text = true,
     .required = true,
     .names = role_names,
     AT(struct center_user, role),
     .help = "admin (the tenant's configuration, users and API keys), "
             "supervisor (watches and steers the tenant's queues and "
             "agents), agent (its own state and contacts) or unit (a "
             "handling unit's user, listed in workorders.units[].users: "
             "sees and answers its unit's work orders)."},
    {.key = "agent",
     .type = CT_NAME,
     AT(struct center_user, agent),
     .help = "The agent id this user works as; required for the role "
             "agent, not allowed for the others."},
    {.key = "language",
     .type = CT_ENUM,
     .as_text = true,
     .names = ui_language_names,
     AT(struct center_user, language),
     .help = "Language of the web pages (zh, ko or en) until the user "
             "picks another."},
    {.key = "name",
     .type = CT_STRING,
     AT(struct center_user, name),
     .help = "Display name (default: the agent's name, or the username)."},
    {0},
};

const struct cfg_schema cfg_user_schema = {
    .name = "user",
    .where = "tenants[].users[]",
    .help = "Someone (or some system) who signs in to the API with a "
            "password.  The tenant's systems may also use API keys "
            "(POST /api/v1/api-keys).",
    .fields = user_fields,
};

static int user_check(struct cfg_ctx *cx, yaml_node_t *item,
                      struct center_user *u)
{
	const struct center_tenant *t = cx->tenant;

	if (!u->password == !u->password_hash)
		return cfg_key_err(cx, item, "password",
		                   "give exactly one of password and "
		                   "password_hash");
	if (u->password && !*u->password)
		return cfg_key_err(cx, item, "password",
		                   "an empty password is not allowed");
	if (u->password_hash && strncmp(u->password_hash, "$argon2id$", 10) &&
	    strncmp(u->password_hash, "$argon2i$", 9))
		return cfg_key_err(cx, item, "password_hash",
		                   "not an Argon2 hash (expected "
		                   "\"$argon2id$...\", see `hotline passwd`)");
	if (!strcmp(u->role, "agent")) {
		if (!u->agent)
			return cfg_key_err(cx, item, "agent",
			                   "a user with the role agent needs "
			                   "the agent id it works as");
		if (!center_agent(t, u->agent))
			return cfg_key_err(cx, item, "agent",
			                   "no agent '%s' in this tenant",
			                   u->agent);
	} else if (u->agent) {
		return cfg_key_err(cx, item, "agent",
		                   "only a user with the role agent works as "
		                   "an agent");
	}
	return 0;
}

int cfg_parse_users(struct cfg_ctx *cx, const struct cfg_field *f,
                    yaml_node_t *node, void *base)
{
	struct center_tenant *t = base;
	void *arr;
	size_t n;
	int err = cfg_list_alloc(cx, node, "a list of users", sizeof(*t->users),
	                         &arr, &n);

	(void)f;
	if (err)
		return err;
	t->users = arr;
	t->nusers = n;
	for (size_t i = 0; i < n && !err; i++) {
		struct center_user *u = &t->users[i];
		yaml_node_t *item = cfg_seq_at(cx, node, i);
		size_t old = cfg_push(cx, "[%zu]", i);

		u->line = cfg_line(item);
		err = cfg_item_map(cx, item, &cfg_user_schema, u);
		if (!err)
			err = user_check(cx, item, u);
		for (size_t j = 0; j < i && !err; j++) {
			if (!strcmp(t->users[j].username, u->username))
				err =
				    cfg_key_err(cx, item, "username",
				                "user '%s' is already defined "
				                "on line %u",
				                u->username, t->users[j].line);
		}
		cfg_pop(cx, old);
	}
	return err;
}

int cfg_users_finish(struct cfg_ctx *cx, yaml_node_t *node)
{
	struct center_tenant *t = cx->tenant;
	size_t extra = 0, n;
	struct center_user *v;

	(void)node;
	if (!t || !t->agent_users)
		return 0;
	for (size_t i = 0; i < t->nagents; i++) {
		const struct center_agent *a = &t->agents[i];

		if (a->password && *a->password && !center_user(t, a->cfg.id))
			extra++;
	}
	if (!extra)
		return 0;

	n = t->nusers;
	v = t->users ? mem_realloc(t->users, (n + extra) * sizeof(*v))
	             : mem_zalloc(extra * sizeof(*v), NULL);
	if (!v) {
		cfg_err(cx, t->line, "out of memory");
		return ENOMEM;
	}
	memset(v + n, 0, extra * sizeof(*v));
	t->users = v;
	for (size_t i = 0; i < t->nagents; i++) {
		const struct center_agent *a = &t->agents[i];
		struct center_user *u;

		/* center_user() sees only t->nusers: listed users win */
		if (!a->password || !*a->password || center_user(t, a->cfg.id))
			continue;
		u = &v[t->nusers];
		u->line = a->line;
		u->automatic = true;
		if (str_dup(&u->username, a->cfg.id) ||
		    str_dup(&u->password, a->password) ||
		    str_dup(&u->role, "agent") ||
		    str_dup(&u->agent, a->cfg.id)) {
			t->nusers++; /* freed with the model */
			cfg_err(cx, t->line, "out of memory");
			return ENOMEM;
		}
		t->nusers++;
	}
	return 0;
}

static void users_free(struct center_user *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct center_user *u = &v[i];

		mem_deref(u->username);
		mem_deref(u->password);
		mem_deref(u->password_hash);
		mem_deref(u->role);
		mem_deref(u->agent);
		mem_deref(u->language);
		mem_deref(u->name);
	}
	mem_deref(v);
}

void cfg_users_free(struct center_tenant *t)
{
	users_free(t->users, t->nusers);
	t->users = NULL;
	t->nusers = 0;
}

/* --- platform.users: the platform's operators ---------------------------- */

static const char *const platform_role_names[] = {"operator", NULL};

static const struct cfg_field operator_fields[] = {
    {.key = "username",
     .type = CT_NAME,
     .required = true,
     AT(struct center_user, username),
     .help = "What the operator types to sign in; unique among the "
             "operators (a tenant's user of the same name then signs in "
             "as name@tenant)."},
    {.key = "password",
     .type = CT_STRING,
     AT(struct center_user, password),
     .help = "The password, in plain text (hashed at start).  Give this "
             "or password_hash."},
    {.key = "password_hash",
     .type = CT_STRING,
     AT(struct center_user, password_hash),
     .help = "The password as an Argon2 hash (`hotline passwd`)."},
    {.key = "role",
     .type = CT_ENUM,
     .as_text = true,
     .names = platform_role_names,
     .def = "operator",
     AT(struct center_user, role),
     .help = "operator: creates, suspends, resumes, exports, imports and "
             "deletes tenants (the /api/v1/tenants routes only; it sees "
             "no tenant's calls, agents or records)."},
    {.key = "language",
     .type = CT_ENUM,
     .as_text = true,
     .names = ui_language_names,
     AT(struct center_user, language),
     .help = "Language of the web pages (zh, ko or en)."},
    {.key = "name",
     .type = CT_STRING,
     AT(struct center_user, name),
     .help = "Display name (default: the username)."},
    {0},
};

const struct cfg_schema cfg_operator_schema = {
    .name = "operator",
    .where = "platform.users[]",
    .help = "A platform operator: above the tenants, manages them through "
            "/api/v1/tenants (docs/api/openapi.yaml).",
    .fields = operator_fields,
};

static int parse_operators(struct cfg_ctx *cx, const struct cfg_field *f,
                           yaml_node_t *node, void *base)
{
	struct center *c = base;
	void *arr;
	size_t n;
	int err = cfg_list_alloc(cx, node, "a list of operators",
	                         sizeof(*c->operators), &arr, &n);

	(void)f;
	if (err)
		return err;
	c->operators = arr;
	c->noperators = n;
	for (size_t i = 0; i < n && !err; i++) {
		struct center_user *u = &c->operators[i];
		yaml_node_t *item = cfg_seq_at(cx, node, i);
		size_t old = cfg_push(cx, "[%zu]", i);

		u->line = cfg_line(item);
		err = cfg_item_map(cx, item, &cfg_operator_schema, u);
		if (!err && !u->password == !u->password_hash)
			err = cfg_key_err(cx, item, "password",
			                  "give exactly one of password and "
			                  "password_hash");
		if (!err && u->password && !*u->password)
			err = cfg_key_err(cx, item, "password",
			                  "an empty password is not allowed");
		if (!err && u->password_hash &&
		    strncmp(u->password_hash, "$argon2", 7))
			err = cfg_key_err(cx, item, "password_hash",
			                  "not an Argon2 hash (see `hotline "
			                  "passwd`)");
		for (size_t j = 0; j < i && !err; j++) {
			if (!strcmp(c->operators[j].username, u->username))
				err = cfg_key_err(cx, item, "username",
				                  "operator '%s' is already "
				                  "defined on line %u",
				                  u->username,
				                  c->operators[j].line);
		}
		cfg_pop(cx, old);
	}
	return err;
}

static const struct cfg_field platform_fields[] = {
    {.key = "users",
     .type = CT_CUSTOM,
     .parse = parse_operators,
     .sub = &cfg_operator_schema,
     .doc_type = "list of operator",
     .help = "The platform operators (see operator)."},
    {0},
};

const struct cfg_schema cfg_platform_schema = {
    .name = "platform",
    .where = "platform",
    .help = "Who runs the platform above the tenants.  Its operators "
            "sign in like any user and manage the tenants; a tenant's "
            "own users never see another tenant nor the platform.",
    .fields = platform_fields,
};

void cfg_platform_free(struct center *c)
{
	users_free(c->operators, c->noperators);
	c->operators = NULL;
	c->noperators = 0;
}

const struct center_user *center_operator(const struct center *c,
                                          const char *username)
{
	if (!c || !username)
		return NULL;
	for (size_t i = 0; i < c->noperators; i++) {
		if (!strcmp(c->operators[i].username, username))
			return &c->operators[i];
	}
	return NULL;
}

const struct center_user *center_user(const struct center_tenant *t,
                                      const char *username)
{
	if (!t || !username)
		return NULL;
	for (size_t i = 0; i < t->nusers; i++) {
		if (t->users[i].username &&
		    !strcmp(t->users[i].username, username))
			return &t->users[i];
	}
	return NULL;
}
