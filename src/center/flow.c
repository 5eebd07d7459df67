/**
 * @file flow.c  IVR flows in the center definition: one table per node
 * type (the loader validates with them, docs/center.md is printed from
 * them), the handlers for prompt lists, choices, lookups' fields, and the
 * checks over a whole flow: every edge leads to a node, every variable
 * used is set somewhere, and no cycle runs without waiting for the caller.
 *
 * A flow is a mapping of node names to nodes; a call starts at the first.
 * Each node has a `type` that selects its table.  Errors point at the
 * line of the value at fault, like every other error of the file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "center/center_int.h"
#include "core/core.h"
#include "ivr/ivr.h"

/* Offset and size of a member, for a table row. */
#define AT(type, member)                                                       \
	.off = offsetof(type, member), .size = sizeof(((type *)0)->member)
#define NODE(member) AT(struct center_node, member)

const char *const center_ivr_vars[] = {
    "caller", "called", "language", "tenant", "flow", "path", NULL,
};

static const char *const type_names[] = {
    "play",     "menu", "collect",   "language", "time",   "queue",
    "transfer", "http", "voicemail", "callback", "hangup", NULL,
};

static const char *const method_names[] = {"GET", "POST", NULL};

const char *center_node_type_name(enum center_node_type type)
{
	return type < CENTER_NODE_NTYPES ? type_names[type] : "?";
}

static bool is_input(const struct center_node *n)
{
	return n->type == CENTER_NODE_MENU || n->type == CENTER_NODE_COLLECT;
}

static bool is_dtmf(char c)
{
	return (c >= '0' && c <= '9') || c == '*' || c == '#' ||
	       (c >= 'A' && c <= 'D');
}

static size_t map_len(const yaml_node_t *n)
{
	return (size_t)(n->data.mapping.pairs.top -
	                n->data.mapping.pairs.start);
}

static yaml_node_pair_t *map_at(yaml_node_t *n, size_t i)
{
	return n->data.mapping.pairs.start + i;
}

static int nomem(struct cfg_ctx *cx, yaml_node_t *node)
{
	cfg_err(cx, cfg_line(node), "out of memory");
	return ENOMEM;
}

/* A later key equal to an earlier one of the same mapping. */
static int dup_key(struct cfg_ctx *cx, yaml_node_t *map, size_t i,
                   const char *what)
{
	yaml_node_t *k = cfg_node(cx, map_at(map, i)->key);

	for (size_t j = 0; j < i; j++) {
		yaml_node_t *k2 = cfg_node(cx, map_at(map, j)->key);

		if (k2->type == YAML_SCALAR_NODE &&
		    !strcmp(cfg_text(k2), cfg_text(k)))
			return cfg_err(cx, cfg_line(k),
			               "%s '%s' is given twice (first on line "
			               "%u)",
			               what, cfg_text(k), cfg_line(k2));
	}
	return 0;
}

/* --- the model's destructor ----------------------------------------------- */

static void prompts_free(struct center_prompts *p)
{
	for (size_t i = 0; i < p->n; i++) {
		mem_deref(p->v[i].lang);
		mem_deref(p->v[i].name);
	}
	mem_deref(p->v);
}

static void node_free(struct center_node *n)
{
	mem_deref(n->name);
	prompts_free(&n->prompts);
	prompts_free(&n->no_input_prompts);
	prompts_free(&n->invalid_prompts);
	prompts_free(&n->error_prompts);
	prompts_free(&n->confirm);
	mem_deref(n->next.name);
	mem_deref(n->on_error.name);
	mem_deref(n->no_input.name);
	mem_deref(n->invalid.name);
	mem_deref(n->open.name);
	mem_deref(n->closed.name);
	mem_deref(n->holiday.name);
	mem_deref(n->var);
	for (size_t i = 0; i < n->nchoices; i++)
		mem_deref(n->choices[i].to.name);
	mem_deref(n->choices);
	mem_deref(n->lang);
	mem_deref(n->queue);
	mem_deref(n->skills);
	mem_deref(n->target);
	mem_deref(n->url);
	for (size_t i = 0; i < n->nstore; i++) {
		mem_deref(n->store[i].var);
		mem_deref(n->store[i].path);
	}
	mem_deref(n->store);
	mem_deref(n->switch_path);
	for (size_t i = 0; i < n->ncases; i++) {
		mem_deref(n->cases[i].value);
		mem_deref(n->cases[i].to.name);
	}
	mem_deref(n->cases);
	mem_deref(n->number_var);
}

void cfg_flows_free(struct center_tenant *t)
{
	for (size_t i = 0; i < t->nflows; i++) {
		struct center_flow *f = &t->flows[i];

		mem_deref(f->name);
		for (size_t j = 0; j < f->nnodes; j++)
			node_free(&f->nodes[j]);
		mem_deref(f->nodes);
	}
	mem_deref(t->flows);
}

/* --- prompt lists ----------------------------------------------------------
 */

static const char *langs_text(const struct center_tenant *t, char *buf,
                              size_t sz)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < t->nlanguages && n < sz; i++)
		n += (size_t)snprintf(buf + n, sz - n, "%s%s", i ? ", " : "",
		                      t->languages[i].code);
	return buf;
}

static bool tenant_speaks(const struct center_tenant *t, const char *lang)
{
	return center_language(t, lang) != NULL;
}

/* The catalog name of lang closest to name, if it is close. */
static const char *closest_prompt(const char *lang, const char *name)
{
	const char *best = NULL;
	size_t bestd = 4;

	for (size_t i = 0; ivr_catalog_name(lang, i); i++) {
		size_t d = cfg_edit_distance(name, ivr_catalog_name(lang, i));

		if (d < bestd) {
			bestd = d;
			best = ivr_catalog_name(lang, i);
		}
	}
	return best;
}

static int check_prompt(struct cfg_ctx *cx, unsigned line, const char *lang,
                        const char *name)
{
	const struct center_tenant *t = cx->tenant;
	const char *missing = NULL, *near;
	size_t nmissing = 0, nlangs = lang ? 1 : t->nlanguages;
	char buf[128];

	if (ivr_catalog_has(IVR_LANG_COMMON, name))
		return 0;
	for (size_t i = 0; i < nlangs; i++) {
		const char *l = lang ? lang : t->languages[i].code;

		if (!ivr_catalog_has(l, name)) {
			missing = missing ? missing : l;
			nmissing++;
		}
	}
	if (!nmissing)
		return 0;
	if (nmissing < nlangs)
		return cfg_err(cx, line,
		               "prompt '%s' is not in the %s prompt set (the "
		               "tenant speaks %s; docs/prompts.md lists each "
		               "language's prompts)",
		               name, missing, langs_text(t, buf, sizeof(buf)));
	near = closest_prompt(missing, name);
	if (near)
		return cfg_err(cx, line,
		               "unknown prompt '%s' (did you mean '%s'? "
		               "docs/prompts.md lists the prompts)",
		               name, near);
	return cfg_err(cx, line,
	               "unknown prompt '%s' (docs/prompts.md lists the "
	               "prompts)",
	               name);
}

/* "menu/main", "ko:lang/option", {number: amount}, {digits: account} */
static int say_one(struct cfg_ctx *cx, yaml_node_t *item,
                   struct center_say *say)
{
	const struct center_tenant *t = cx->tenant;
	const char *s, *colon;
	char buf[16], langs[128];

	say->line = cfg_line(item);
	if (item->type == YAML_MAPPING_NODE) {
		yaml_node_t *k, *v;

		if (map_len(item) != 1)
			return cfg_err(
			    cx, cfg_line(item),
			    "expected one of {number: VARIABLE}, "
			    "{digits: VARIABLE} or {time: VARIABLE}");
		k = cfg_node(cx, map_at(item, 0)->key);
		v = cfg_node(cx, map_at(item, 0)->value);
		if (k->type != YAML_SCALAR_NODE ||
		    (strcmp(cfg_text(k), "number") &&
		     strcmp(cfg_text(k), "digits") &&
		     strcmp(cfg_text(k), "time")))
			return cfg_err(cx, cfg_line(k),
			               "expected number, digits or time (a "
			               "variable spoken as a number, digit by "
			               "digit, or as a date and time)");
		say->kind = !strcmp(cfg_text(k), "number") ? CENTER_SAY_NUMBER
		            : !strcmp(cfg_text(k), "time") ? CENTER_SAY_TIME
		                                           : CENTER_SAY_DIGITS;
		if (v->type != YAML_SCALAR_NODE || !cfg_valid_name(cfg_text(v)))
			return cfg_err(cx, cfg_line(v),
			               "expected a variable name");
		if (str_dup(&say->name, cfg_text(v)))
			return nomem(cx, v);
		return 0;
	}
	if (cfg_want_scalar(cx, item, "a prompt name (such as menu/main)"))
		return EINVAL;
	s = cfg_text(item);
	colon = strchr(s, ':');
	say->kind = CENTER_SAY_PROMPT;
	if (colon) {
		size_t ll = (size_t)(colon - s);

		if (!ll || ll >= 8)
			goto bad_lang;
		memcpy(buf, s, ll);
		buf[ll] = '\0';
		if (!ivr_lang_known(buf))
			goto bad_lang;
		if (!tenant_speaks(t, buf))
			return cfg_err(cx, cfg_line(item),
			               "'%s': %s is not one of the tenant's "
			               "languages (%s)",
			               s, buf,
			               langs_text(t, langs, sizeof(langs)));
		if (str_dup(&say->lang, buf))
			return nomem(cx, item);
		s = colon + 1;
	}
	if (!*s || strlen(s) > 64 ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyz"
	              "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	              "0123456789_-/.") != strlen(s))
		return cfg_err(cx, cfg_line(item),
		               "'%s' is not a prompt name (such as menu/main, "
		               "or ko:lang/option for a fixed language)",
		               cfg_text(item));
	if (check_prompt(cx, cfg_line(item), say->lang, s))
		return EINVAL;
	if (str_dup(&say->name, s))
		return nomem(cx, item);
	return 0;

bad_lang:
	return cfg_err(cx, cfg_line(item),
	               "'%s': unknown language before ':' (expected zh, ko "
	               "or en, as in ko:lang/option)",
	               s);
}

static int parse_prompt_list(struct cfg_ctx *cx, yaml_node_t *node,
                             struct center_prompts *pp)
{
	bool one = node->type != YAML_SEQUENCE_NODE;
	size_t n = one ? 1 : cfg_seq_len(node);
	int err = 0;

	prompts_free(pp);
	memset(pp, 0, sizeof(*pp));
	pp->set = true;
	if (!n)
		return 0;
	pp->v = mem_zalloc(n * sizeof(*pp->v), NULL);
	if (!pp->v)
		return nomem(cx, node);
	for (size_t i = 0; i < n && !err; i++) {
		yaml_node_t *item = one ? node : cfg_seq_at(cx, node, i);
		size_t old = one ? cx->plen : cfg_push(cx, "[%zu]", i);

		pp->n = i + 1;
		err = say_one(cx, item, &pp->v[i]);
		cfg_pop(cx, old);
	}
	return err;
}

static int parse_prompts(struct cfg_ctx *cx, const struct cfg_field *f,
                         yaml_node_t *node, void *base)
{
	return parse_prompt_list(cx, node, (void *)((char *)base + f->off));
}

/* A default prompt list (a catalog sentence every language has). */
static int default_prompts(struct cfg_ctx *cx, yaml_node_t *node,
                           struct center_prompts *pp, const char *a,
                           const char *b)
{
	size_t n = b ? 2 : 1;

	if (pp->set)
		return 0;
	pp->v = mem_zalloc(n * sizeof(*pp->v), NULL);
	if (!pp->v)
		return nomem(cx, node);
	pp->n = n;
	pp->set = true;
	for (size_t i = 0; i < n; i++) {
		pp->v[i].line = cfg_line(node);
		if (str_dup(&pp->v[i].name, i ? b : a))
			return nomem(cx, node);
	}
	return 0;
}

/* --- other field handlers ------------------------------------------------- */

/* The dispatcher read the type already; the row is there for the docs and
 * so that `type` is a known key. */
static int parse_type(struct cfg_ctx *cx, const struct cfg_field *f,
                      yaml_node_t *node, void *base)
{
	return 0;
}

/* {"1": enquiry, "2": complaint, "*": menu} */
static int parse_choices(struct cfg_ctx *cx, const struct cfg_field *f,
                         yaml_node_t *node, void *base)
{
	struct center_node *n = base;
	size_t len;
	int err = cfg_want_map(cx, node,
	                       "a mapping of digit: node (such as {\"1\": "
	                       "sales, \"0\": operator})");

	if (err)
		return err;
	len = map_len(node);
	if (!len)
		return cfg_err(cx, cfg_line(node),
		               "a menu needs at least one choice");
	n->choices = mem_zalloc(len * sizeof(*n->choices), NULL);
	if (!n->choices)
		return nomem(cx, node);
	for (size_t i = 0; i < len && !err; i++) {
		yaml_node_t *k = cfg_node(cx, map_at(node, i)->key);
		yaml_node_t *v = cfg_node(cx, map_at(node, i)->value);
		size_t old;

		if (k->type != YAML_SCALAR_NODE)
			return cfg_err(cx, cfg_line(k),
			               "a choice is one digit, found %s",
			               cfg_kind(k));
		old = cfg_push(cx, ".%s", cfg_text(k));
		n->nchoices = i + 1;
		if (strlen(cfg_text(k)) != 1 || !is_dtmf(cfg_text(k)[0]))
			err = cfg_err(cx, cfg_line(k),
			              "bad digit '%s' (a choice is one key: "
			              "0-9, * or #, quoted: \"*\")",
			              cfg_text(k));
		if (!err)
			err = dup_key(cx, node, i, "digit");
		if (!err && (v->type != YAML_SCALAR_NODE ||
		             !cfg_valid_name(cfg_text(v))))
			err =
			    cfg_err(cx, cfg_line(v),
			            "expected the name of a node, found %s",
			            v->type == YAML_SCALAR_NODE ? cfg_text(v)
			                                        : cfg_kind(v));
		if (!err) {
			n->choices[i].digit = cfg_text(k)[0];
			if (str_dup(&n->choices[i].to.name, cfg_text(v)))
				err = nomem(cx, v);
		}
		cfg_pop(cx, old);
	}
	return err;
}

static int parse_terminator(struct cfg_ctx *cx, const struct cfg_field *f,
                            yaml_node_t *node, void *base)
{
	struct center_node *n = base;
	const char *s;
	int err = cfg_want_scalar(cx, node, "a key such as \"#\", or none");

	if (err)
		return err;
	s = cfg_text(node);
	if (!strcmp(s, "none")) {
		n->terminator = '\0';
		return 0;
	}
	if (strlen(s) != 1 || !is_dtmf(*s) || (*s >= '0' && *s <= '9'))
		return cfg_err(cx, cfg_line(node),
		               "bad terminator '%s' (\"#\", \"*\", A-D or "
		               "none)",
		               s);
	n->terminator = *s;
	return 0;
}

static int parse_node_skills(struct cfg_ctx *cx, const struct cfg_field *f,
                             yaml_node_t *node, void *base)
{
	struct center_node *n = base;

	return cfg_skill_map(cx, node, &n->skills, &n->nskills);
}

static bool valid_path(const char *s)
{
	size_t seg = 0;

	if (!*s || strlen(s) > 128)
		return false;
	for (; *s; s++) {
		if (*s == '.') {
			if (!seg)
				return false;
			seg = 0;
			continue;
		}
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9') && *s != '_' && *s != '-')
			return false;
		seg++;
	}
	return seg > 0;
}

static int want_path(struct cfg_ctx *cx, yaml_node_t *v)
{
	if (v->type != YAML_SCALAR_NODE || !valid_path(cfg_text(v)))
		return cfg_err(cx, cfg_line(v),
		               "'%s' is not a field of the answer (names "
		               "separated by dots, such as bill.amount; a "
		               "number picks a list entry: items.0.name)",
		               v->type == YAML_SCALAR_NODE ? cfg_text(v)
		                                           : cfg_kind(v));
	return 0;
}

static bool builtin_var(const char *s)
{
	return cfg_name_index(center_ivr_vars, s) >= 0;
}

static int want_var(struct cfg_ctx *cx, yaml_node_t *k)
{
	char buf[256];

	if (k->type != YAML_SCALAR_NODE || !cfg_valid_name(cfg_text(k)))
		return cfg_err(cx, cfg_line(k),
		               "expected a variable name (1 to 64 letters, "
		               "digits, '_', '-' or '.')");
	if (builtin_var(cfg_text(k)))
		return cfg_err(
		    cx, cfg_line(k),
		    "'%s' is a variable the IVR sets itself (%s): "
		    "choose another name",
		    cfg_text(k),
		    cfg_names_join(center_ivr_vars, buf, sizeof(buf)));
	return 0;
}

/* {amount: bill.amount, name: customer.name} */
static int parse_store(struct cfg_ctx *cx, const struct cfg_field *f,
                       yaml_node_t *node, void *base)
{
	struct center_node *n = base;
	size_t len;
	int err = cfg_want_map(cx, node,
	                       "a mapping of variable: field (such as "
	                       "{amount: bill.amount})");

	if (err)
		return err;
	len = map_len(node);
	if (!len)
		return 0;
	n->store = mem_zalloc(len * sizeof(*n->store), NULL);
	if (!n->store)
		return nomem(cx, node);
	for (size_t i = 0; i < len && !err; i++) {
		yaml_node_t *k = cfg_node(cx, map_at(node, i)->key);
		yaml_node_t *v = cfg_node(cx, map_at(node, i)->value);
		size_t old = cfg_push(
		    cx, ".%s", k->type == YAML_SCALAR_NODE ? cfg_text(k) : "?");

		n->nstore = i + 1;
		err = want_var(cx, k);
		if (!err)
			err = dup_key(cx, node, i, "variable");
		if (!err)
			err = want_path(cx, v);
		if (!err && (str_dup(&n->store[i].var, cfg_text(k)) ||
		             str_dup(&n->store[i].path, cfg_text(v))))
			err = nomem(cx, v);
		cfg_pop(cx, old);
	}
	return err;
}

static int parse_switch(struct cfg_ctx *cx, const struct cfg_field *f,
                        yaml_node_t *node, void *base)
{
	struct center_node *n = base;
	int err = want_path(cx, node);

	if (!err && str_dup(&n->switch_path, cfg_text(node)))
		err = nomem(cx, node);
	return err;
}

/* {paid: thanks, due: pay_now} */
static int parse_cases(struct cfg_ctx *cx, const struct cfg_field *f,
                       yaml_node_t *node, void *base)
{
	struct center_node *n = base;
	size_t len;
	int err = cfg_want_map(cx, node,
	                       "a mapping of value: node (such as {paid: "
	                       "thanks, due: remind})");

	if (err)
		return err;
	len = map_len(node);
	if (!len)
		return cfg_err(cx, cfg_line(node), "no cases given");
	n->cases = mem_zalloc(len * sizeof(*n->cases), NULL);
	if (!n->cases)
		return nomem(cx, node);
	for (size_t i = 0; i < len && !err; i++) {
		yaml_node_t *k = cfg_node(cx, map_at(node, i)->key);
		yaml_node_t *v = cfg_node(cx, map_at(node, i)->value);
		size_t old;

		if (k->type != YAML_SCALAR_NODE)
			return cfg_err(cx, cfg_line(k),
			               "a case is a single value, found %s",
			               cfg_kind(k));
		old = cfg_push(cx, ".%s", cfg_text(k));
		n->ncases = i + 1;
		err = dup_key(cx, node, i, "case");
		if (!err && (v->type != YAML_SCALAR_NODE ||
		             !cfg_valid_name(cfg_text(v))))
			err = cfg_err(cx, cfg_line(v),
			              "expected the name of a node");
		if (!err && (str_dup(&n->cases[i].value, cfg_text(k)) ||
		             str_dup(&n->cases[i].to.name, cfg_text(v))))
			err = nomem(cx, v);
		cfg_pop(cx, old);
	}
	return err;
}

static int parse_target(struct cfg_ctx *cx, const struct cfg_field *f,
                        yaml_node_t *node, void *base)
{
	struct center_node *n = base;
	const char *s;
	int err = cfg_want_scalar(cx, node, "an extension or a phone number");

	if (err)
		return err;
	s = cfg_text(node);
	if (!*s || strlen(s) > 64 ||
	    strspn(s, "0123456789+*#abcdefghijklmnopqrstuvwxyz"
	              "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-.") != strlen(s) ||
	    strchr(s + 1, '+'))
		return cfg_err(cx, cfg_line(node),
		               "'%s' is not an extension or phone number (such "
		               "as 1001 or +861012345678)",
		               s);
	if (str_dup(&n->target, s))
		return nomem(cx, node);
	return 0;
}

/* --- URLs ------------------------------------------------------------------
 */

/* Calls h for every ${name} in s; returns EBADMSG for a broken one. */
static int url_vars(const char *s,
                    int (*h)(const char *name, size_t len, void *arg),
                    void *arg)
{
	const char *p = s;

	while ((p = strchr(p, '$')) != NULL) {
		const char *e;

		if (p[1] != '{' || !(e = strchr(p + 2, '}')) || e == p + 2 ||
		    e - p - 2 > 64)
			return EBADMSG;
		if (h) {
			int err = h(p + 2, (size_t)(e - p - 2), arg);

			if (err)
				return err;
		}
		p = e + 1;
	}
	return 0;
}

static int var_chars(const char *name, size_t len, void *arg)
{
	char buf[72];

	memcpy(buf, name, len);
	buf[len] = '\0';
	return cfg_valid_name(buf) ? 0 : EBADMSG;
}

/* http(s)://HOST[:PORT]/PATH?QUERY with ${var} only after the host. */
static int check_url(struct cfg_ctx *cx, yaml_node_t *node, const char *url)
{
	const char *p, *host, *hend, *rest;
	uint64_t port;

	if (!strncmp(url, "http://", 7))
		host = url + 7;
	else if (!strncmp(url, "https://", 8))
		host = url + 8;
	else
		return cfg_key_err(cx, node, "url",
		                   "'%s' is not an http:// or https:// URL",
		                   url);
	for (p = url; *p; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '"' ||
		    *p == '<' || *p == '>' || *p == '\\')
			return cfg_key_err(cx, node, "url",
			                   "'%s': spaces, quotes and control "
			                   "characters are not allowed (write "
			                   "%%20 for a space)",
			                   url);
	}
	rest = host + strcspn(host, "/?#");
	hend = host;
	if (*host == '[') {
		hend = strchr(host, ']');
		if (!hend || hend > rest)
			goto bad_host;
		hend++;
	} else {
		while (hend < rest && *hend != ':')
			hend++;
	}
	if (hend == host || memchr(host, '$', (size_t)(rest - host)) ||
	    memchr(host, '@', (size_t)(rest - host)))
		goto bad_host;
	for (p = host; *host != '[' && p < hend; p++) {
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && *p != '-' && *p != '.')
			goto bad_host;
	}
	if (hend < rest) { /* ":PORT" */
		char buf[8];
		size_t pl = (size_t)(rest - hend - 1);

		if (*hend != ':' || !pl || pl >= sizeof(buf))
			goto bad_host;
		memcpy(buf, hend + 1, pl);
		buf[pl] = '\0';
		if (cfg_parse_uint(buf, &port) || !port || port > 65535)
			goto bad_host;
	}
	if (*rest == '#')
		return cfg_key_err(cx, node, "url",
		                   "'%s': a #fragment is never sent", url);
	if (url_vars(rest, var_chars, NULL))
		return cfg_key_err(cx, node, "url",
		                   "'%s': a variable is written ${name}", url);
	return 0;

bad_host:
	return cfg_key_err(cx, node, "url",
	                   "'%s': bad host or port (such as "
	                   "http://10.0.0.5:8000/bill?account=${account})",
	                   url);
}

/* --- node checks -----------------------------------------------------------
 */

static int check_queue_name(struct cfg_ctx *cx, yaml_node_t *node,
                            const char *name)
{
	const struct center_queue *q = cfg_find_queue(cx->tenant, name);
	char buf[512];

	if (!q)
		return cfg_key_err(
		    cx, node, "queue",
		    "unknown queue '%s' (the tenant's queues are "
		    "%s)",
		    name, cfg_queue_names(cx->tenant, buf, sizeof(buf)));
	if (q->cfg.channel != ACD_CH_VOICE)
		return cfg_key_err(cx, node, "queue",
		                   "queue '%s' serves %s; a call needs a voice "
		                   "queue",
		                   name, cfg_channel_names[q->cfg.channel]);
	return 0;
}

/* The node's name is its variable unless var says otherwise. */
static int default_var(struct cfg_ctx *cx, yaml_node_t *node,
                       struct center_node *n)
{
	char buf[256];

	if (n->var) {
		if (builtin_var(n->var))
			return cfg_key_err(
			    cx, node, "var",
			    "'%s' is a variable the IVR sets itself (%s): "
			    "choose another name",
			    n->var,
			    cfg_names_join(center_ivr_vars, buf, sizeof(buf)));
		return 0;
	}
	if (builtin_var(n->name))
		return cfg_err(cx, cfg_line(node),
		               "the node's name '%s' is a variable the IVR "
		               "sets itself, and a %s stores its input under "
		               "its name: rename the node or give var",
		               n->name, type_names[n->type]);
	return str_dup(&n->var, n->name) ? nomem(cx, node) : 0;
}

static int input_check(struct cfg_ctx *cx, yaml_node_t *node,
                       struct center_node *n)
{
	int err = default_var(cx, node, n);

	if (!err)
		err = default_prompts(cx, node, &n->no_input_prompts,
		                      "error/no_input", NULL);
	if (!err)
		err = default_prompts(cx, node, &n->invalid_prompts,
		                      "error/invalid", NULL);
	return err;
}

static int menu_check(struct cfg_ctx *cx, yaml_node_t *node, void *base)
{
	return input_check(cx, node, base);
}

static int collect_check(struct cfg_ctx *cx, yaml_node_t *node, void *base)
{
	struct center_node *n = base;

	if (!cfg_get(cx, node, "terminator"))
		n->terminator = '#';
	if (n->min_digits > n->max_digits)
		return cfg_key_err(cx, node, "min", "%u is more than max (%u)",
		                   n->min_digits, n->max_digits);
	return input_check(cx, node, n);
}

static int language_check(struct cfg_ctx *cx, yaml_node_t *node, void *base)
{
	struct center_node *n = base;
	char buf[128];

	if (!tenant_speaks(cx->tenant, n->lang))
		return cfg_key_err(cx, node, "set",
		                   "'%s' is not one of the tenant's languages "
		                   "(%s)",
		                   n->lang,
		                   langs_text(cx->tenant, buf, sizeof(buf)));
	return 0;
}

static int queue_node_check(struct cfg_ctx *cx, yaml_node_t *node, void *base)
{
	struct center_node *n = base;

	return check_queue_name(cx, node, n->queue);
}

static int http_check(struct cfg_ctx *cx, yaml_node_t *node, void *base)
{
	struct center_node *n = base;
	int err = check_url(cx, node, n->url);

	if (err)
		return err;
	if (n->ncases && !n->switch_path)
		return cfg_key_err(
		    cx, node, "cases",
		    "cases need switch (the field they compare)");
	if (n->switch_path && !n->ncases)
		return cfg_key_err(cx, node, "switch",
		                   "switch needs cases (value: node)");
	return default_prompts(cx, node, &n->error_prompts, "error/system",
	                       NULL);
}

static int voicemail_check(struct cfg_ctx *cx, yaml_node_t *node, void *base)
{
	struct center_node *n = base;
	int err = check_queue_name(cx, node, n->queue);

	return err ? err
	           : default_prompts(cx, node, &n->prompts, "voicemail/record",
	                             NULL);
}

static int callback_check(struct cfg_ctx *cx, yaml_node_t *node, void *base)
{
	struct center_node *n = base;
	int err = check_queue_name(cx, node, n->queue);

	if (!err && !n->number_var && str_dup(&n->number_var, "caller"))
		err = nomem(cx, node);
	return err ? err
	           : default_prompts(cx, node, &n->confirm,
	                             "callback/confirmed", "goodbye");
}

static int hangup_check(struct cfg_ctx *cx, yaml_node_t *node, void *base)
{
	return default_prompts(cx, node, &((struct center_node *)base)->prompts,
	                       "goodbye", NULL);
}

/* --- the tables ------------------------------------------------------------
 */

#define ROW_TYPE                                                               \
	{                                                                      \
		.key = "type", .type = CT_CUSTOM, .parse = parse_type,         \
		.required = true, .doc_type = "node type",                     \
		.help = "What the node does (see flow)."                       \
	}

#define ROW_PROMPTS(req, text)                                                 \
	{                                                                      \
		.key = "prompts", .type = CT_CUSTOM, .parse = parse_prompts,   \
		.off = offsetof(struct center_node, prompts), .required = req, \
		.doc_type = "prompt list", .help = text                        \
	}

#define ROW_BARGE(d)                                                           \
	{                                                                      \
		.key = "barge_in", .type = CT_BOOL, NODE(barge_in), .def = d,  \
		.help =                                                        \
		    "A key pressed during the prompts stops them; the digit "  \
		    "counts for this node or, if it takes none, is kept for "  \
		    "the next menu."                                           \
	}

#define ROW_EDGE(k, member, req, text)                                         \
	{                                                                      \
		.key = k, .type = CT_NAME,                                     \
		AT(struct center_node, member.name), .required = req,          \
		.help = text                                                   \
	}

#define ROW_ON_ERROR(text) ROW_EDGE("on_error", on_error, false, text)

#define ROW_QUEUE(text)                                                        \
	{                                                                      \
		.key = "queue", .type = CT_NAME, NODE(queue),                  \
		.required = true, .help = text                                 \
	}

#define ROW_TIMEOUT(k, member, d, text)                                        \
	{                                                                      \
		.key = k, .type = CT_DURATION, NODE(member), .min = 1,         \
		.max = 60, .def = d, .help = text                              \
	}

#define ROWS_RETRY                                                             \
	{.key = "retries",                                                     \
	 .type = CT_UINT,                                                      \
	 NODE(retries),                                                        \
	 .min = 0,                                                             \
	 .max = 9,                                                             \
	 .def = "2",                                                           \
	 .help = "Times the prompts are played again after silence or a "      \
	         "wrong entry (one count for both)."},                         \
	    ROW_EDGE("no_input", no_input, false,                              \
	             "Where silence on the last try leads (such as the "       \
	             "operator); absent: an apology and goodbye."),            \
	    ROW_EDGE("invalid", invalid, false,                                \
	             "Where a wrong entry on the last try leads; absent: as "  \
	             "no_input."),                                             \
	    {.key = "no_input_prompts",                                        \
	     .type = CT_CUSTOM,                                                \
	     .parse = parse_prompts,                                           \
	     .off = offsetof(struct center_node, no_input_prompts),            \
	     .doc_type = "prompt list",                                        \
	     .help = "Said after silence (default error/no_input)."},          \
	    {.key = "invalid_prompts",                                         \
	     .type = CT_CUSTOM,                                                \
	     .parse = parse_prompts,                                           \
	     .off = offsetof(struct center_node, invalid_prompts),             \
	     .doc_type = "prompt list",                                        \
	     .help = "Said after a wrong entry (default error/invalid)."},     \
	{                                                                      \
		.key = "var", .type = CT_NAME, NODE(var),                      \
		.help = "The session variable the entry is stored in "         \
		        "(default: the node's name); agents see it when the "  \
		        "call reaches them."                                   \
	}

static const struct cfg_field play_fields[] = {
    ROW_TYPE,
    ROW_PROMPTS(true, "The prompts to play."),
    ROW_BARGE("true"),
    ROW_EDGE("next", next, true, "The node after the prompts."),
    ROW_ON_ERROR("Where to go when a variable cannot be spoken (not a "
                 "number, or empty); absent: that entry is skipped."),
    {0},
};

static const struct cfg_field menu_fields[] = {
    ROW_TYPE,
    ROW_PROMPTS(true, "The question, such as menu/main."),
    ROW_BARGE("true"),
    {.key = "choices",
     .type = CT_CUSTOM,
     .parse = parse_choices,
     .required = true,
     .doc_type = "map digit: node",
     .help = "The node each key leads to: {\"1\": sales, \"0\": operator, "
             "\"*\": menu} (quote the keys; * and # must be)."},
    ROW_TIMEOUT("timeout", timeout_s, "5",
                "Seconds of silence after the prompts before the caller "
                "is asked again."),
    ROWS_RETRY,
    {0},
};

static const struct cfg_field collect_fields[] = {
    ROW_TYPE,
    ROW_PROMPTS(true, "The question, such as account/enter."),
    ROW_BARGE("true"),
    {.key = "min",
     .type = CT_UINT,
     NODE(min_digits),
     .min = 0,
     .max = CENTER_DIGITS_MAX,
     .def = "1",
     .help = "Fewest digits accepted; fewer is a wrong entry."},
    {.key = "max",
     .type = CT_UINT,
     NODE(max_digits),
     .min = 1,
     .max = CENTER_DIGITS_MAX,
     .def = "20",
     .help = "Most digits; the entry ends when this many are pressed."},
    {.key = "terminator",
     .type = CT_CUSTOM,
     .parse = parse_terminator,
     .doc_type = "\"#\", \"*\" or none",
     .help = "The key that ends the entry (default \"#\"); it is not "
             "part of the value."},
    ROW_TIMEOUT("timeout", timeout_s, "5",
                "Seconds of silence after the prompts before the first "
                "digit."),
    ROW_TIMEOUT("digit_timeout", digit_timeout_s, "3",
                "Seconds between digits after which the entry ends."),
    ROW_EDGE("next", next, true, "The node after a valid entry."),
    ROWS_RETRY,
    {0},
};

static const struct cfg_field language_fields[] = {
    ROW_TYPE,
    ROW_PROMPTS(false, "Played first, in the previous language."),
    ROW_BARGE("true"),
    {.key = "set",
     .type = CT_NAME,
     NODE(lang),
     .required = true,
     .help = "The caller's language from now on: one of the tenant's "
             "languages.  It picks the prompts and adds the language's "
             "skill to the queue the call enters."},
    ROW_EDGE("next", next, true, "The next node."),
    {0},
};

static const struct cfg_field time_fields[] = {
    ROW_TYPE,
    ROW_PROMPTS(false, "Played first."),
    ROW_BARGE("true"),
    ROW_EDGE("open", open, true,
             "Where calls go during the tenant's opening hours."),
    ROW_EDGE("closed", closed, true, "Where calls go outside them."),
    ROW_EDGE("holiday", holiday, false,
             "Where calls go on the tenant's holidays (default: "
             "closed)."),
    {0},
};

static const struct cfg_field queue_node_fields[] = {
    ROW_TYPE,
    ROW_PROMPTS(false, "Played before the call enters the queue, such as "
                       "transfer/operator."),
    ROW_BARGE("false"),
    ROW_QUEUE("The voice queue the call enters; the IVR ends here."),
    {.key = "priority",
     .type = CT_UINT,
     NODE(priority),
     .min = 0,
     .max = ACD_PRIORITY_MAX,
     .def = "0",
     .help = "Priority in the queue, 0..9 (9 served first)."},
    {.key = "skills",
     .type = CT_CUSTOM,
     .parse = parse_node_skills,
     .doc_type = "map skill: level",
     .help = "Requirements added to the queue's own (a higher level wins), "
             "besides the skill of the caller's language."},
    ROW_ON_ERROR("Where to go if the queue refuses the call (full); "
                 "absent: an apology and goodbye."),
    {0},
};

static const struct cfg_field transfer_fields[] = {
    ROW_TYPE,
    ROW_PROMPTS(false, "Played before the transfer, such as "
                       "transfer/connecting."),
    ROW_BARGE("false"),
    {.key = "to",
     .type = CT_CUSTOM,
     .parse = parse_target,
     .required = true,
     .doc_type = "extension or number",
     .help = "An extension (such as 1001) or an external number (such "
             "as +861012345678, dialled through the trunk)."},
    ROW_ON_ERROR("Where to go if the transfer fails (an extension with "
                 "no phone registered, busy, declining or not answering in "
                 "30 s; an outside number refused or not answering); "
                 "absent: an apology and goodbye."),
    {0},
};

static const struct cfg_field http_fields[] = {
    ROW_TYPE,
    ROW_PROMPTS(false, "Played before the request."),
    ROW_BARGE("true"),
    {.key = "url",
     .type = CT_STRING,
     NODE(url),
     .required = true,
     .help = "The tenant's service: http:// or https://, with variables "
             "as ${name} (URL-encoded), such as "
             "http://10.0.0.5/bill?account=${account}."},
    {.key = "method",
     .type = CT_ENUM,
     NODE(method),
     .names = method_names,
     .def = "GET",
     .help = "GET, or POST with every session variable as a JSON "
             "object."},
    {.key = "timeout",
     .type = CT_DURATION,
     NODE(http_timeout_s),
     .min = 1,
     .max = 30,
     .def = "3",
     .help = "Seconds to wait for the answer before on_error."},
    {.key = "store",
     .type = CT_CUSTOM,
     .parse = parse_store,
     .doc_type = "map variable: field",
     .help = "Fields of the JSON answer kept as session variables, such as "
             "{amount: bill.amount}; a missing field leaves the variable "
             "empty."},
    {.key = "switch",
     .type = CT_CUSTOM,
     .parse = parse_switch,
     .doc_type = "field",
     .help = "A field of the answer to branch on (with cases)."},
    {.key = "cases",
     .type = CT_CUSTOM,
     .parse = parse_cases,
     .doc_type = "map value: node",
     .help = "The node for each value of the switch field; other values "
             "go to next."},
    ROW_EDGE("next", next, true,
             "The node after an answer (and the "
             "default of the cases)."),
    ROW_ON_ERROR("Where to go when the service does not answer in time, "
                 "answers an error status or something that is not a "
                 "JSON object; absent: goodbye."),
    {.key = "error_prompts",
     .type = CT_CUSTOM,
     .parse = parse_prompts,
     .off = offsetof(struct center_node, error_prompts),
     .doc_type = "prompt list",
     .help = "Said on an error before on_error (default error/system), "
             "so that the caller never waits in silence."},
    {0},
};

static const struct cfg_field voicemail_fields[] = {
    ROW_TYPE,
    ROW_PROMPTS(false, "Played before the tone (default "
                       "voicemail/record)."),
    ROW_BARGE("false"),
    ROW_QUEUE("The queue whose agents get the message (as a contact)."),
    ROW_ON_ERROR("Where to go if no message can be taken; absent: an "
                 "apology and goodbye."),
    {0},
};

static const struct cfg_field callback_fields[] = {
    ROW_TYPE,
    ROW_PROMPTS(false, "Played before the request."),
    ROW_BARGE("false"),
    ROW_QUEUE("The queue whose agents call back (a callback contact in "
              "the routing engine)."),
    {.key = "number",
     .type = CT_NAME,
     NODE(number_var),
     .help = "The variable holding the number to call (default caller, "
             "the calling number; or a collect node's variable)."},
    {.key = "confirm",
     .type = CT_CUSTOM,
     .parse = parse_prompts,
     .off = offsetof(struct center_node, confirm),
     .doc_type = "prompt list",
     .help = "Said once the request is taken, before hanging up (default "
             "callback/confirmed, goodbye)."},
    ROW_ON_ERROR("Where to go if the request fails; absent: an apology "
                 "and goodbye."),
    {0},
};

static const struct cfg_field hangup_fields[] = {
    ROW_TYPE,
    ROW_PROMPTS(false, "Said before hanging up (default goodbye)."),
    ROW_BARGE("false"),
    {0},
};

#define NODE_SCHEMA(var, nm, fields_, chk, text)                               \
	static const struct cfg_schema var = {                                 \
	    .name = nm,                                                        \
	    .where = "tenants[].flows.FLOW.NODE",                              \
	    .help = text,                                                      \
	    .fields = fields_,                                                 \
	    .check = chk,                                                      \
	}

NODE_SCHEMA(play_schema, "play_node", play_fields, NULL,
            "`type: play`: play prompts, then go to next.");
NODE_SCHEMA(menu_schema, "menu_node", menu_fields, menu_check,
            "`type: menu`: ask, and let one key choose the next node.  A "
            "key pressed during the prompts counts at once; keys typed "
            "ahead in an earlier node are used without playing the "
            "prompts.  Silence or a wrong key plays no_input_prompts or "
            "invalid_prompts and asks again, up to retries times.");
NODE_SCHEMA(collect_schema, "collect_node", collect_fields, collect_check,
            "`type: collect`: several digits (an account or case number) "
            "into a variable, ended by the terminator, by max digits or "
            "by digit_timeout of silence.");
NODE_SCHEMA(language_schema, "language_node", language_fields, language_check,
            "`type: language`: set the caller's language.");
NODE_SCHEMA(time_schema, "time_node", time_fields, NULL,
            "`type: time`: branch on the tenant's hours and holidays, "
            "in its time zone.");
NODE_SCHEMA(queue_node_schema, "queue_node", queue_node_fields,
            queue_node_check,
            "`type: queue`: the call enters a queue of the routing engine "
            "and waits for an agent; the caller's choices go along as "
            "variables.");
NODE_SCHEMA(transfer_schema, "transfer_node", transfer_fields, NULL,
            "`type: transfer`: to an extension or an external number.");
NODE_SCHEMA(http_schema, "http_node", http_fields, http_check,
            "`type: http`: ask the tenant's own system (self-service: a "
            "bill, a case's state) and branch on or keep fields of its "
            "JSON answer; a play node after it can speak them ({number: "
            "amount}).");
NODE_SCHEMA(voicemail_schema, "voicemail_node", voicemail_fields,
            voicemail_check,
            "`type: voicemail`: after the prompts and a tone the caller "
            "records a message; then the call ends.");
NODE_SCHEMA(callback_schema, "callback_node", callback_fields, callback_check,
            "`type: callback`: the caller asks to be called back; the "
            "request becomes a contact in the routing engine, the caller "
            "hears confirm and the call ends.");
NODE_SCHEMA(hangup_schema, "hangup_node", hangup_fields, hangup_check,
            "`type: hangup`: say goodbye and end the call.");

/* Indexed by enum center_node_type. */
static const struct cfg_schema *const node_schemas[] = {
    &play_schema,      &menu_schema,       &collect_schema,  &language_schema,
    &time_schema,      &queue_node_schema, &transfer_schema, &http_schema,
    &voicemail_schema, &callback_schema,   &hangup_schema,
};

#define TYPE_ROW(t, s, text)                                                   \
	{                                                                      \
		.key = t, .type = CT_CUSTOM, .sub = s, .doc_type = "node",     \
		.help = text                                                   \
	}

static const struct cfg_field flow_fields[] = {
    TYPE_ROW("play", &play_schema, "Play prompts."),
    TYPE_ROW("menu", &menu_schema, "One key chooses the next node."),
    TYPE_ROW("collect", &collect_schema, "Digits into a variable."),
    TYPE_ROW("language", &language_schema, "Set the caller's language."),
    TYPE_ROW("time", &time_schema, "Open, closed or holiday?"),
    TYPE_ROW("queue", &queue_node_schema, "Enter a queue (ends the IVR)."),
    TYPE_ROW("transfer", &transfer_schema,
             "To an extension or number (ends the IVR)."),
    TYPE_ROW("http", &http_schema, "Ask the tenant's own system."),
    TYPE_ROW("voicemail", &voicemail_schema, "Take a message, hang up."),
    TYPE_ROW("callback", &callback_schema, "Take a callback request, hang up."),
    TYPE_ROW("hangup", &hangup_schema, "Say goodbye, hang up."),
    {0},
};

const struct cfg_schema cfg_flow_schema = {
    .name = "flow",
    .where = "tenants[].flows.FLOW",
    .help = "An IVR flow: a mapping of node names to nodes, such as "
            "`menu: {type: menu, ...}`; a call starts at the first node. "
            "Every node has a `type` (below), may play `prompts` first, "
            "and leads on to other nodes of the flow by name.  A prompt "
            "list is a list (or one entry) of prompt names from "
            "docs/prompts.md (`menu/main`), a name in a fixed language "
            "(`ko:lang/option`), or a variable spoken as a number "
            "(`{number: amount}`), digit by digit (`{digits: "
            "account}`) or as a date and time of day (`{time: when}`, "
            "a value such as 2026-11-24 09:30).  Variables hold what the "
            "caller chose and "
            "entered and what lookups answered; agents see them with the "
            "call.  The IVR sets caller, called, language, tenant, flow "
            "and path (the nodes passed) itself.  Checked at load: every "
            "node named exists, every prompt is in the catalog of every "
            "language of the tenant, every variable spoken or sent is "
            "set by some node, and no loop of nodes runs without waiting "
            "for the caller (a menu or collect).  The node types, as the "
            "value of `type`:",
    .fields = flow_fields,
};

/* --- flows -----------------------------------------------------------------
 */

static int parse_node(struct cfg_ctx *cx, yaml_node_t *k, yaml_node_t *v,
                      struct center_node *n)
{
	yaml_node_t *tv;
	char buf[256];
	int i;

	if (k->type != YAML_SCALAR_NODE || !cfg_valid_name(cfg_text(k)))
		return cfg_err(cx, cfg_line(k),
		               "a node name is 1 to 64 letters, digits, '_', "
		               "'-' or '.'");
	n->line = cfg_line(k);
	n->next.node = n->on_error.node = n->no_input.node = n->invalid.node =
	    n->open.node = n->closed.node = n->holiday.node = CENTER_NODE_NONE;
	if (str_dup(&n->name, cfg_text(k)))
		return nomem(cx, k);
	if (cfg_want_map(cx, v, "a mapping of node fields (type: ...)"))
		return EINVAL;
	tv = cfg_get(cx, v, "type");
	if (!tv)
		return cfg_key_err(
		    cx, v, "type", "required field missing (one of %s)",
		    cfg_names_join(type_names, buf, sizeof(buf)));
	if (tv->type != YAML_SCALAR_NODE ||
	    (i = cfg_name_index(type_names, cfg_text(tv))) < 0)
		return cfg_key_err(
		    cx, v, "type", "unknown type '%s' (expected %s)",
		    tv->type == YAML_SCALAR_NODE ? cfg_text(tv) : cfg_kind(tv),
		    cfg_names_join(type_names, buf, sizeof(buf)));
	n->type = (enum center_node_type)i;
	return cfg_map(cx, v, node_schemas[i], n);
}

/* One edge of a node, with where it is written for errors. */
struct edge_ref {
	struct center_edge *e;
	char key[80];    /* path below the node: "next", "choices.1" */
	yaml_node_t *at; /* the value */
};

static const char *const simple_edges[] = {
    "next", "on_error", "no_input", "invalid", "open", "closed", "holiday",
};

static size_t edge_count(const struct center_node *n)
{
	return ARRAY_LEN(simple_edges) + n->nchoices + n->ncases;
}

/* The j-th edge of n (j < edge_count()), or NULL when absent. */
static struct center_edge *edge_get(struct center_node *n, size_t j)
{
	struct center_edge *simple[] = {
	    &n->next, &n->on_error, &n->no_input, &n->invalid,
	    &n->open, &n->closed,   &n->holiday,
	};

	if (j < ARRAY_LEN(simple))
		return simple[j]->name ? simple[j] : NULL;
	j -= ARRAY_LEN(simple);
	if (j < n->nchoices)
		return &n->choices[j].to;
	return &n->cases[j - n->nchoices].to;
}

/* Where the j-th edge of n is written (map: the node's mapping). */
static void edge_ref(struct cfg_ctx *cx, struct center_node *n,
                     yaml_node_t *map, size_t j, struct edge_ref *r)
{
	r->e = edge_get(n, j);
	if (j < ARRAY_LEN(simple_edges)) {
		snprintf(r->key, sizeof(r->key), "%s", simple_edges[j]);
		r->at = cfg_get(cx, map, simple_edges[j]);
		return;
	}
	j -= ARRAY_LEN(simple_edges);
	if (j < n->nchoices) {
		snprintf(r->key, sizeof(r->key), "choices.%c",
		         n->choices[j].digit);
		r->at =
		    cfg_node(cx, map_at(cfg_get(cx, map, "choices"), j)->value);
		return;
	}
	j -= n->nchoices;
	snprintf(r->key, sizeof(r->key), "cases.%.60s", n->cases[j].value);
	r->at = cfg_node(cx, map_at(cfg_get(cx, map, "cases"), j)->value);
}

static int edge_err(struct cfg_ctx *cx, const struct center_node *n,
                    const struct edge_ref *r, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int edge_err(struct cfg_ctx *cx, const struct center_node *n,
                    const struct edge_ref *r, const char *fmt, ...)
{
	size_t old = cfg_push(cx, ".%s.%s", n->name, r->key);
	char msg[768];
	va_list ap;
	int err;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err = cfg_err(cx, r->at ? cfg_line(r->at) : n->line, "%s", msg);
	cfg_pop(cx, old);
	return err;
}

static const char *node_names(const struct center_flow *fl, char *buf,
                              size_t sz)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < fl->nnodes && n < sz; i++)
		n += (size_t)snprintf(buf + n, sz - n, "%s%s", i ? ", " : "",
		                      fl->nodes[i].name);
	return buf;
}

static int resolve_edges(struct cfg_ctx *cx, struct center_flow *fl,
                         yaml_node_t *fmap)
{
	char buf[512];

	for (size_t i = 0; i < fl->nnodes; i++) {
		struct center_node *n = &fl->nodes[i];

		for (size_t j = 0; j < edge_count(n); j++) {
			struct center_edge *e = edge_get(n, j);
			struct edge_ref r;
			size_t to;

			if (!e)
				continue;
			for (to = 0; to < fl->nnodes; to++) {
				if (!strcmp(fl->nodes[to].name, e->name))
					break;
			}
			if (to < fl->nnodes) {
				e->node = to;
				continue;
			}
			edge_ref(cx, n, cfg_node(cx, map_at(fmap, i)->value), j,
			         &r);
			return edge_err(
			    cx, n, &r,
			    "unknown node '%s' (the flow's nodes are "
			    "%s)",
			    e->name, node_names(fl, buf, sizeof(buf)));
		}
	}
	return 0;
}

/* --- variables -------------------------------------------------------------
 */

static bool var_set(const struct center_flow *fl, const char *name, size_t len)
{
	for (size_t i = 0; center_ivr_vars[i]; i++) {
		if (strlen(center_ivr_vars[i]) == len &&
		    !strncmp(center_ivr_vars[i], name, len))
			return true;
	}
	for (size_t i = 0; i < fl->nnodes; i++) {
		const struct center_node *n = &fl->nodes[i];

		if (n->var && strlen(n->var) == len &&
		    !strncmp(n->var, name, len))
			return true;
		for (size_t j = 0; j < n->nstore; j++) {
			if (strlen(n->store[j].var) == len &&
			    !strncmp(n->store[j].var, name, len))
				return true;
		}
	}
	return false;
}

static const char *flow_vars_text(const struct center_flow *fl, char *buf,
                                  size_t sz)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < fl->nnodes && n < sz; i++) {
		const struct center_node *nd = &fl->nodes[i];

		if (nd->var)
			n += (size_t)snprintf(buf + n, sz - n, "%s, ", nd->var);
		for (size_t j = 0; j < nd->nstore && n < sz; j++)
			n += (size_t)snprintf(buf + n, sz - n, "%s, ",
			                      nd->store[j].var);
	}
	if (n < sz)
		snprintf(buf + n, sz - n,
		         "and the IVR's own caller, called, "
		         "language, tenant, flow, path");
	return buf;
}

struct url_ctx {
	struct cfg_ctx *cx;
	const struct center_flow *fl;
	const struct center_node *n;
	yaml_node_t *map;
};

static int url_var_known(const char *name, size_t len, void *arg)
{
	struct url_ctx *u = arg;
	char buf[512];
	size_t old;
	int err;

	if (var_set(u->fl, name, len))
		return 0;
	old = cfg_push(u->cx, ".%s", u->n->name);
	err = cfg_key_err(u->cx, u->map, "url",
	                  "unknown variable '%.*s' (variables: %s)", (int)len,
	                  name, flow_vars_text(u->fl, buf, sizeof(buf)));
	cfg_pop(u->cx, old);
	return err;
}

static int check_vars(struct cfg_ctx *cx, const struct center_flow *fl,
                      yaml_node_t *fmap)
{
	char buf[512];

	for (size_t i = 0; i < fl->nnodes; i++) {
		const struct center_node *n = &fl->nodes[i];
		yaml_node_t *map = cfg_node(cx, map_at(fmap, i)->value);
		const struct {
			const char *key;
			const struct center_prompts *p;
		} lists[] = {
		    {"prompts", &n->prompts},
		    {"no_input_prompts", &n->no_input_prompts},
		    {"invalid_prompts", &n->invalid_prompts},
		    {"error_prompts", &n->error_prompts},
		    {"confirm", &n->confirm},
		};
		struct url_ctx u = {cx, fl, n, map};
		int err;

		for (size_t l = 0; l < ARRAY_LEN(lists); l++) {
			for (size_t j = 0; j < lists[l].p->n; j++) {
				const struct center_say *s = &lists[l].p->v[j];
				size_t old;

				if (s->kind == CENTER_SAY_PROMPT ||
				    var_set(fl, s->name, strlen(s->name)))
					continue;
				old = cfg_push(cx, ".%s.%s[%zu]", n->name,
				               lists[l].key, j);
				err = cfg_err(
				    cx, s->line,
				    "unknown variable '%s' "
				    "(variables: %s)",
				    s->name,
				    flow_vars_text(fl, buf, sizeof(buf)));
				cfg_pop(cx, old);
				return err;
			}
		}
		if (n->url && (err = url_vars(n->url, url_var_known, &u)))
			return err;
		if (n->number_var &&
		    !var_set(fl, n->number_var, strlen(n->number_var))) {
			size_t old = cfg_push(cx, ".%s", n->name);

			err =
			    cfg_key_err(cx, map, "number",
			                "unknown variable '%s' (variables: %s)",
			                n->number_var,
			                flow_vars_text(fl, buf, sizeof(buf)));
			cfg_pop(cx, old);
			return err;
		}
	}
	return 0;
}

/* --- loops that never wait for the caller ------------------------------ */

struct loop_walk {
	struct cfg_ctx *cx;
	struct center_flow *fl;
	yaml_node_t *fmap;
	uint8_t *color; /* 0 new, 1 on the stack, 2 done */
	size_t *stack;
	size_t depth;
};

static int loop_dfs(struct loop_walk *w, size_t u)
{
	struct center_node *n = &w->fl->nodes[u];

	w->color[u] = 1;
	w->stack[w->depth++] = u;
	for (size_t j = 0; j < edge_count(n); j++) {
		struct center_edge *e = edge_get(n, j);
		struct edge_ref r;
		char path[512];
		size_t v, k = 0, len = 0;

		if (!e)
			continue;
		v = e->node;
		if (is_input(&w->fl->nodes[v]) || w->color[v] == 2)
			continue;
		if (w->color[v] == 0) {
			int err = loop_dfs(w, v);

			if (err)
				return err;
			continue;
		}
		/* v is on the stack: the cycle is v .. u -> v */
		while (w->stack[k] != v)
			k++;
		for (; k < w->depth && len < sizeof(path); k++)
			len += (size_t)snprintf(path + len, sizeof(path) - len,
			                        "%s -> ",
			                        w->fl->nodes[w->stack[k]].name);
		if (len < sizeof(path))
			snprintf(path + len, sizeof(path) - len, "%s",
			         w->fl->nodes[v].name);
		edge_ref(w->cx, n, cfg_node(w->cx, map_at(w->fmap, u)->value),
		         j, &r);
		return edge_err(w->cx, n, &r,
		                "the loop %s never waits for the caller (a "
		                "menu or collect node must be part of it)",
		                path);
	}
	w->color[u] = 2;
	w->depth--;
	return 0;
}

static int check_loops(struct cfg_ctx *cx, struct center_flow *fl,
                       yaml_node_t *fmap)
{
	struct loop_walk w = {cx, fl, fmap, NULL, NULL, 0};
	int err = 0;

	w.color = mem_zalloc(fl->nnodes, NULL);
	w.stack = mem_zalloc(fl->nnodes * sizeof(size_t), NULL);
	if (!w.color || !w.stack)
		err = nomem(cx, fmap);
	for (size_t i = 0; i < fl->nnodes && !err; i++) {
		if (!w.color[i] && !is_input(&fl->nodes[i]))
			err = loop_dfs(&w, i);
	}
	mem_deref(w.color);
	mem_deref(w.stack);
	return err;
}

static int parse_flow(struct cfg_ctx *cx, yaml_node_t *k, yaml_node_t *v,
                      struct center_flow *fl)
{
	size_t n;
	int err;

	fl->line = cfg_line(k);
	if (k->type != YAML_SCALAR_NODE || !cfg_valid_name(cfg_text(k)))
		return cfg_err(cx, cfg_line(k),
		               "a flow name is 1 to 64 letters, digits, '_', "
		               "'-' or '.'");
	if (str_dup(&fl->name, cfg_text(k)))
		return nomem(cx, k);
	err = cfg_want_map(cx, v,
	                   "a mapping of node names to nodes (such as "
	                   "{menu: {type: menu, ...}})");
	if (err)
		return err;
	n = map_len(v);
	if (!n)
		return cfg_err(cx, cfg_line(v),
		               "a flow needs at least one node");
	fl->nodes = mem_zalloc(n * sizeof(*fl->nodes), NULL);
	if (!fl->nodes)
		return nomem(cx, v);
	for (size_t i = 0; i < n && !err; i++) {
		yaml_node_t *nk = cfg_node(cx, map_at(v, i)->key);
		yaml_node_t *nv = cfg_node(cx, map_at(v, i)->value);
		size_t old =
		    cfg_push(cx, ".%s",
		             nk->type == YAML_SCALAR_NODE ? cfg_text(nk) : "?");

		fl->nnodes = i + 1;
		err = parse_node(cx, nk, nv, &fl->nodes[i]);
		if (!err)
			err = dup_key(cx, v, i, "node");
		cfg_pop(cx, old);
	}
	if (!err)
		err = resolve_edges(cx, fl, v);
	if (!err)
		err = check_vars(cx, fl, v);
	if (!err)
		err = check_loops(cx, fl, v);
	return err;
}

int cfg_parse_flows(struct cfg_ctx *cx, const struct cfg_field *f,
                    yaml_node_t *node, void *base)
{
	struct center_tenant *t = base;
	size_t n;
	int err = cfg_want_map(cx, node,
	                       "a mapping of flow names to flows (such as "
	                       "{main: {...}})");

	if (!err)
		err = cfg_tenant_languages_default(cx, node);
	if (err)
		return err;
	n = map_len(node);
	if (!n)
		return 0;
	t->flows = mem_zalloc(n * sizeof(*t->flows), NULL);
	if (!t->flows)
		return nomem(cx, node);
	for (size_t i = 0; i < n && !err; i++) {
		yaml_node_t *k = cfg_node(cx, map_at(node, i)->key);
		yaml_node_t *v = cfg_node(cx, map_at(node, i)->value);
		size_t old = cfg_push(
		    cx, ".%s", k->type == YAML_SCALAR_NODE ? cfg_text(k) : "?");

		t->nflows = i + 1;
		err = parse_flow(cx, k, v, &t->flows[i]);
		if (!err)
			err = dup_key(cx, node, i, "flow");
		cfg_pop(cx, old);
	}
	return err;
}
