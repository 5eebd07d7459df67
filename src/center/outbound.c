/**
 * @file outbound.c  Calls out through a carrier's trunk: a trunk's outbound
 * settings (where INVITEs go, credentials, the number presented, number
 * rewriting), a tenant's dial-out rules (which trunk, allowed and denied
 * prefixes), and the checks voice makes before dialing an outside number.
 */
#include <errno.h>
#include <string.h>

#include <re.h>

#include "center/center_int.h"

static const char *const transport_names[] = {"udp", "tcp", NULL};

/* Offset and size of a member of the trunk or the tenant, for a row. */
#define AT_OUT(m)                                                              \
	.off = offsetof(struct center_trunk, out.m),                           \
	.size = sizeof(((struct center_trunk *)0)->out.m)
#define AT_DIALOUT(m)                                                          \
	.off = offsetof(struct center_tenant, dialout.m),                      \
	.size = sizeof(((struct center_tenant *)0)->dialout.m)

#define NUMBER_MIN 3
#define NUMBER_MAX 20

/* "+8613900001111", "0105551234": digits, a '+' in front at most. */
static bool is_number(const char *s, size_t min)
{
	size_t n = 0;

	if (!s)
		return false;
	if (*s == '+')
		++s;
	for (; *s; s++, n++) {
		if (*s < '0' || *s > '9')
			return false;
	}
	return n >= min && n <= NUMBER_MAX;
}

/* --- trunks[].outbound ---------------------------------------------------- */

static int trunk_out_check(struct cfg_ctx *cx, yaml_node_t *node, void *base)
{
	struct center_trunk *t = base;
	struct center_outbound *o = &t->out;
	struct pl pl;
	struct uri u;
	struct sa sa;

	if (!o->uri) {
		if (o->username || o->password || o->caller_id || o->prefix ||
		    o->strip)
			return cfg_key_err(cx, node, "uri",
			                   "outbound settings need the uri "
			                   "calls are sent to");
		return 0;
	}
	pl_set_str(&pl, o->uri);
	if (strncmp(o->uri, "sip:", 4) || uri_decode(&u, &pl) ||
	    !pl_isset(&u.host))
		return cfg_key_err(cx, node, "uri",
		                   "'%s' is not a SIP URI such as "
		                   "sip:192.0.2.10:5060",
		                   o->uri);
	/* the SIP stack has no DNS client: an address, not a host name */
	if (sa_set(&sa, &u.host, 0))
		return cfg_key_err(cx, node, "uri",
		                   "'%s': the host must be an IP address (no "
		                   "DNS lookups are made)",
		                   o->uri);
	if (o->password && !o->username)
		return cfg_key_err(
		    cx, node, "username",
		    "a password needs the username it goes with");
	if (o->caller_id && !is_number(o->caller_id, 1))
		return cfg_key_err(cx, node, "caller_id",
		                   "'%s' is not a number (digits, a '+' in "
		                   "front at most)",
		                   o->caller_id);
	if (o->prefix && *o->prefix && !is_number(o->prefix, 0))
		return cfg_key_err(cx, node, "prefix",
		                   "'%s' is not digits (a '+' in front at "
		                   "most)",
		                   o->prefix);
	return 0;
}

static const struct cfg_field trunk_out_fields[] = {
    {.key = "uri",
     .type = CT_STRING,
     AT_OUT(uri),
     .help = "Where calls to outside numbers are sent, such as "
             "sip:192.0.2.10:5060 (an IP address: no DNS lookups); the "
             "number becomes the user part.  Without it the trunk only "
             "brings calls in."},
    {.key = "transport",
     .type = CT_ENUM,
     .as_text = true,
     AT_OUT(transport),
     .names = transport_names,
     .def = "udp",
     .help = "SIP transport towards the carrier."},
    {.key = "username",
     .type = CT_STRING,
     AT_OUT(username),
     .help = "User name for carriers that challenge with 401 or 407."},
    {.key = "password",
     .type = CT_STRING,
     AT_OUT(password),
     .help = "Password that goes with username."},
    {.key = "caller_id",
     .type = CT_STRING,
     AT_OUT(caller_id),
     .help = "Number presented to the called party (From user) for every "
             "tenant using this trunk that has no caller_id of its own.  "
             "Default: the tenant's first number."},
    {.key = "strip",
     .type = CT_UINT,
     AT_OUT(strip),
     .min = 0,
     .max = 10,
     .def = "0",
     .help = "Characters removed from the front of the number before it "
             "is sent (such as 1 to drop a leading '+')."},
    {.key = "prefix",
     .type = CT_STRING,
     AT_OUT(prefix),
     .help = "Digits put in front of the number (after strip)."},
    {.key = "ring_timeout",
     .type = CT_DURATION,
     AT_OUT(ring_timeout_s),
     .min = 5,
     .max = 300,
     .def = "30",
     .help = "How long an outside number may ring before the call is "
             "given up (the transfer fails)."},
    {0},
};

const struct cfg_schema cfg_trunk_outbound_schema = {
    .name = "outbound",
    .where = "trunks[].outbound",
    .help = "Calls to outside numbers through this trunk: transfers from "
            "the IVR, an agent's desktop or phone.  Each INVITE is sent "
            "to uri with the number as user part; a 401 or 407 is "
            "answered with username and password.",
    .fields = trunk_out_fields,
    .check = trunk_out_check,
};

/* --- tenants[].dialout ------------------------------------------------------
 */

static int prefix_list(struct cfg_ctx *cx, yaml_node_t *node, char ***vp,
                       size_t *np)
{
	void *arr;
	size_t n;
	int err = cfg_list_alloc(cx, node, "a list of number prefixes",
	                         sizeof(char *), &arr, &n);

	if (err)
		return err;
	*vp = arr;
	*np = n;
	for (size_t i = 0; i < n && !err; i++) {
		yaml_node_t *item = cfg_seq_at(cx, node, i);
		size_t old = cfg_push(cx, "[%zu]", i);

		err = cfg_want_scalar(cx, item, "a number prefix");
		if (!err && (!*cfg_text(item) || !is_number(cfg_text(item), 0)))
			err = cfg_err(cx, cfg_line(item),
			              "'%s' is not a number prefix (digits, a "
			              "'+' in front at most, such as +86900)",
			              cfg_text(item));
		if (!err && str_dup(&(*vp)[i], cfg_text(item))) {
			cfg_err(cx, cfg_line(item), "out of memory");
			err = ENOMEM;
		}
		cfg_pop(cx, old);
	}
	return err;
}

static int parse_allow(struct cfg_ctx *cx, const struct cfg_field *f,
                       yaml_node_t *node, void *base)
{
	struct center_tenant *t = base;
	(void)f;

	return prefix_list(cx, node, &t->dialout.allow, &t->dialout.nallow);
}

static int parse_deny(struct cfg_ctx *cx, const struct cfg_field *f,
                      yaml_node_t *node, void *base)
{
	struct center_tenant *t = base;
	(void)f;

	return prefix_list(cx, node, &t->dialout.deny, &t->dialout.ndeny);
}

int cfg_dialout_find(const struct center *c, const struct center_dialout *d,
                     const struct center_trunk **trp)
{
	*trp = NULL;
	for (size_t i = 0; c && i < c->ntrunks; i++) {
		const struct center_trunk *tr = &c->trunks[i];

		if (d->trunk_name ? !strcmp(tr->name, d->trunk_name)
		                  : tr->out.uri != NULL) {
			*trp = tr;
			break;
		}
	}
	if (!d->trunk_name)
		return 0;
	if (!*trp)
		return ENOENT;
	return (*trp)->out.uri ? 0 : EINVAL;
}

static int dialout_check(struct cfg_ctx *cx, yaml_node_t *node, void *base)
{
	struct center_tenant *t = base;
	struct center_dialout *d = &t->dialout;
	int e;

	d->trunk = NULL;
	if (d->caller_id && !is_number(d->caller_id, 1))
		return cfg_key_err(cx, node, "caller_id",
		                   "'%s' is not a number (digits, a '+' in "
		                   "front at most)",
		                   d->caller_id);
	/* a tenant's definition names the center's trunks: they are looked
	 * up when it joins the center (center_tenant_check_new, _adopt) */
	if (cx->definition)
		return 0;
	e = cfg_dialout_find(cx->c, d, &d->trunk);
	if (e == ENOENT)
		return cfg_key_err(cx, node, "trunk",
		                   "no trunk named '%s' (trunks are listed "
		                   "under trunks:)",
		                   d->trunk_name);
	if (e)
		return cfg_key_err(cx, node, "trunk",
		                   "trunk '%s' (line %u) has no outbound uri",
		                   d->trunk_name, d->trunk->line);
	return 0;
}

static const struct cfg_field dialout_fields[] = {
    {.key = "enabled",
     .type = CT_BOOL,
     AT_DIALOUT(enabled),
     .def = "true",
     .help = "May the tenant's calls be transferred to outside numbers "
             "at all."},
    {.key = "trunk",
     .type = CT_NAME,
     AT_DIALOUT(trunk_name),
     .help = "The trunk outside calls go through; it needs an outbound "
             "uri.  Default: the first trunk with one."},
    {.key = "caller_id",
     .type = CT_STRING,
     AT_DIALOUT(caller_id),
     .help = "Number presented to the called party.  Default: the "
             "trunk's caller_id, else the tenant's first number."},
    {.key = "allow",
     .type = CT_CUSTOM,
     .parse = parse_allow,
     .doc_type = "list of prefixes",
     .help = "Only numbers starting with one of these may be dialed, such "
             "as [\"+86\", \"0\"].  Default: any number."},
    {.key = "deny",
     .type = CT_CUSTOM,
     .parse = parse_deny,
     .doc_type = "list of prefixes",
     .help = "Numbers starting with one of these are refused even when "
             "allowed, such as premium rate [\"+86900\", \"900\"]."},
    {0},
};

const struct cfg_schema cfg_dialout_schema = {
    .name = "dialout",
    .where = "tenants[].dialout",
    .help = "Which outside numbers (3 to 20 digits, with or without a "
            "leading '+', that are not the tenant's numbers or "
            "extensions) the tenant's calls may be transferred to, and "
            "through which trunk.  A refused number is answered 403 by "
            "the API, 403 to a phone's REFER, and takes the IVR transfer "
            "node's on_error branch.",
    .fields = dialout_fields,
    .check = dialout_check,
};

void cfg_outbound_free(struct center *c)
{
	for (size_t i = 0; i < c->ntrunks; i++) {
		struct center_outbound *o = &c->trunks[i].out;

		mem_deref(o->uri);
		mem_deref(o->transport);
		mem_deref(o->username);
		mem_deref(o->password);
		mem_deref(o->caller_id);
		mem_deref(o->prefix);
	}
}

void cfg_dialout_free(struct center_tenant *t)
{
	struct center_dialout *d = &t->dialout;

	mem_deref(d->trunk_name);
	mem_deref(d->caller_id);
	for (size_t i = 0; i < d->nallow; i++)
		mem_deref(d->allow[i]);
	mem_deref(d->allow);
	for (size_t i = 0; i < d->ndeny; i++)
		mem_deref(d->deny[i]);
	mem_deref(d->deny);
}

/* --- the checks voice makes ----------------------------------------------- */

static bool has_prefix(char *const *v, size_t n, const char *number)
{
	for (size_t i = 0; i < n; i++) {
		if (!strncmp(number, v[i], strlen(v[i])))
			return true;
	}
	return false;
}

int center_outside(const struct center_tenant *t, const char *number,
                   const struct center_trunk **tp)
{
	const struct center_dialout *d;

	if (!t || !is_number(number, NUMBER_MIN))
		return EINVAL;
	d = &t->dialout;
	if (!d->enabled || !d->trunk || !d->trunk->out.uri)
		return ENOTSUP;
	if (has_prefix(d->deny, d->ndeny, number))
		return EACCES;
	if (d->nallow && !has_prefix(d->allow, d->nallow, number))
		return EACCES;
	if (tp)
		*tp = d->trunk;
	return 0;
}

void center_outside_dial(const struct center_trunk *tr, const char *number,
                         char *buf, size_t sz)
{
	size_t len = strlen(number), strip = tr ? tr->out.strip : 0;

	if (strip > len)
		strip = len;
	(void)re_snprintf(buf, sz, "%s%s",
	                  tr && tr->out.prefix ? tr->out.prefix : "",
	                  number + strip);
}

const char *center_outside_caller_id(const struct center_tenant *t,
                                     const struct center_trunk *tr)
{
	if (t && t->dialout.caller_id)
		return t->dialout.caller_id;
	if (tr && tr->out.caller_id)
		return tr->out.caller_id;
	if (t && t->nnumbers && t->numbers[0].number)
		return t->numbers[0].number;
	return "anonymous";
}
