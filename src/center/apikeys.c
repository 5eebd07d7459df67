/**
 * @file apikeys.c  tenants[].api_keys: API keys of a tenant's systems
 * declared in the center file (the IVR's own lookups, a CRM that calls the
 * API), so that a flow can use one from the first start, without an admin
 * making it through POST /api/v1/api-keys first.
 *
 * A key is written as its digest (key_hash, from `hotline apikey`: the
 * BLAKE2b-256 digest in hex, the form in which src/auth keeps every token)
 * or, for a demo on loopback, in plain text (key), which src/auth warns
 * about at start.  Why a fast digest and not Argon2 as for passwords: a key
 * is 32 random bytes, not a guessable word, and it is checked on every
 * request.
 */
#include <errno.h>
#include <string.h>

#include <re.h>

#include "center/center_int.h"

#define AT(type, member)                                                       \
	.off = offsetof(type, member), .size = sizeof(((type *)0)->member)

#define KEY_MIN 16  /* a plain key shorter than this is a password */
#define KEY_MAX 127 /* src/auth refuses longer tokens */

static const char *const key_role_names[] = {"admin", "supervisor", "agent",
                                             "unit", NULL};

static const struct cfg_field apikey_fields[] = {
    {.key = "name",
     .type = CT_NAME,
     .required = true,
     AT(struct center_apikey, name),
     .help = "Names the key in logs and in GET /api/v1/api-keys; unique "
             "in the tenant."},
    {.key = "role",
     .type = CT_ENUM,
     .as_text = true,
     .names = key_role_names,
     .def = "supervisor",
     AT(struct center_apikey, role),
     .help = "What the key may do, as a user's role (see user)."},
    {.key = "agent",
     .type = CT_NAME,
     AT(struct center_apikey, agent),
     .help = "The agent a key of the role agent works as; required for "
             "that role, not allowed for the others."},
    {.key = "key_hash",
     .type = CT_STRING,
     AT(struct center_apikey, key_hash),
     .help = "The key's digest (64 hex digits), printed by `hotline "
             "apikey` beside the new key: the file holds no key.  Give "
             "this or key."},
    {.key = "key",
     .type = CT_STRING,
     AT(struct center_apikey, key),
     .help = "The key in plain text (16 to 127 characters, no spaces): "
             "for a demo on loopback only (the daemon warns at start).  A "
             "flow's http node calling the daemon itself writes it in its "
             "URL as ?token=KEY."},
    {0},
};

const struct cfg_schema cfg_apikey_schema = {
    .name = "api_key",
    .where = "tenants[].api_keys[]",
    .help = "An API key of the tenant's systems, declared here instead of "
            "made through POST /api/v1/api-keys: it works from the first "
            "start, is listed by GET /api/v1/api-keys, and cannot be "
            "deleted through the API (remove it here).",
    .fields = apikey_fields,
};

static bool is_hex64(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++) {
		if (!((s[n] >= '0' && s[n] <= '9') ||
		      (s[n] >= 'a' && s[n] <= 'f')))
			return false;
	}
	return n == 64;
}

static int apikey_check(struct cfg_ctx *cx, yaml_node_t *item,
                        struct center_apikey *k)
{
	const struct center_tenant *t = cx->tenant;

	if (!k->key == !k->key_hash)
		return cfg_key_err(cx, item, "key_hash",
		                   "give exactly one of key_hash and key");
	if (k->key_hash && !is_hex64(k->key_hash))
		return cfg_key_err(cx, item, "key_hash",
		                   "not a key digest (64 hex digits, see "
		                   "`hotline apikey`)");
	if (k->key) {
		size_t n = strlen(k->key);

		if (n < KEY_MIN || n > KEY_MAX)
			return cfg_key_err(cx, item, "key",
			                   "a key is %d to %d characters (this "
			                   "one has %zu)",
			                   KEY_MIN, KEY_MAX, n);
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)k->key[i];

			if (c <= ' ' || c == 0x7f || c == '&' || c == '#' ||
			    c == '%' || c == '+' || c == '?')
				return cfg_key_err(
				    cx, item, "key",
				    "a key has no spaces and none of & # %% "
				    "+ ? (it goes into URLs as ?token=)");
		}
	}
	if (!strcmp(k->role, "agent")) {
		if (!k->agent)
			return cfg_key_err(
			    cx, item, "agent",
			    "a key with the role agent needs the "
			    "agent id it works as");
		if (!center_agent(t, k->agent))
			return cfg_key_err(cx, item, "agent",
			                   "no agent '%s' in this tenant",
			                   k->agent);
	} else if (k->agent) {
		return cfg_key_err(cx, item, "agent",
		                   "only a key with the role agent works as an "
		                   "agent");
	}
	return 0;
}

int cfg_parse_apikeys(struct cfg_ctx *cx, const struct cfg_field *f,
                      yaml_node_t *node, void *base)
{
	struct center_tenant *t = base;
	void *arr;
	size_t n;
	int err = cfg_list_alloc(cx, node, "a list of API keys",
	                         sizeof(*t->apikeys), &arr, &n);

	(void)f;
	if (err)
		return err;
	t->apikeys = arr;
	t->napikeys = n;
	for (size_t i = 0; i < n && !err; i++) {
		struct center_apikey *k = &t->apikeys[i];
		yaml_node_t *item = cfg_seq_at(cx, node, i);
		size_t old = cfg_push(cx, "[%zu]", i);

		k->line = cfg_line(item);
		err = cfg_item_map(cx, item, &cfg_apikey_schema, k);
		if (!err)
			err = apikey_check(cx, item, k);
		for (size_t j = 0; j < i && !err; j++) {
			const struct center_apikey *o = &t->apikeys[j];

			if (!strcmp(o->name, k->name))
				err = cfg_key_err(cx, item, "name",
				                  "API key '%s' is already "
				                  "defined on line %u",
				                  k->name, o->line);
			else if ((k->key && o->key &&
			          !strcmp(k->key, o->key)) ||
			         (k->key_hash && o->key_hash &&
			          !strcmp(k->key_hash, o->key_hash)))
				err = cfg_key_err(
				    cx, item, k->key ? "key" : "key_hash",
				    "the same key as '%s' on line "
				    "%u",
				    o->name, o->line);
		}
		for (const struct center_tenant *o = cx->c->tenants;
		     !err && o && o < t; o++) {
			for (size_t j = 0; !err && j < o->napikeys; j++) {
				const struct center_apikey *ok = &o->apikeys[j];

				if ((k->key && ok->key &&
				     !strcmp(k->key, ok->key)) ||
				    (k->key_hash && ok->key_hash &&
				     !strcmp(k->key_hash, ok->key_hash)))
					err = cfg_key_err(
					    cx, item,
					    k->key ? "key" : "key_hash",
					    "the same key as '%s' of tenant %s "
					    "on line %u (a key belongs to one "
					    "tenant)",
					    ok->name, o->name, ok->line);
			}
		}
		cfg_pop(cx, old);
	}
	return err;
}

void cfg_apikeys_free(struct center_tenant *t)
{
	for (size_t i = 0; i < t->napikeys; i++) {
		struct center_apikey *k = &t->apikeys[i];

		mem_deref(k->name);
		mem_deref(k->role);
		mem_deref(k->agent);
		mem_deref(k->key);
		mem_deref(k->key_hash);
	}
	t->apikeys = mem_deref(t->apikeys);
	t->napikeys = 0;
}
