/**
 * @file load.c  Reading a center definition: the YAML document, the walker
 * that applies the schema tables (schema.c) to it, the scalar parsers, and
 * the one destructor that frees the whole model.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <re.h>

#include "center/center_int.h"
#include "core/core.h"

/* --- the model's destructor ---------------------------------------------- */

/* The model's arrays are plain mem_zalloc blocks; counts are set when an
 * array is allocated so that a half-parsed model frees just as well.  Skill
 * names inside requirements and agent skills are borrowed from the tenant's
 * skills list and are not freed here. */
static void tenant_free(struct center_tenant *t)
{
	mem_deref(t->name);
	mem_deref(t->source);
	mem_deref(t->description);
	mem_deref(t->timezone);
	mem_deref(t->prompts);
	for (size_t i = 0; i < t->nskills; i++)
		mem_deref(t->skills[i]);
	mem_deref(t->skills);
	for (size_t i = 0; i < t->nqueues; i++) {
		struct center_queue *q = &t->queues[i];

		mem_deref((void *)q->cfg.name);
		mem_deref((void *)q->cfg.overflow_target);
		mem_deref(q->reqs);
		for (size_t j = 0; j < q->cfg.nrelax; j++)
			mem_deref((void *)q->relax[j].reqs.v);
		mem_deref(q->relax);
		mem_deref(q->music);
	}
	mem_deref(t->queues);
	for (size_t i = 0; i < t->nagents; i++) {
		struct center_agent *a = &t->agents[i];

		mem_deref((void *)a->cfg.id);
		mem_deref((void *)a->cfg.name);
		mem_deref(a->skills);
		mem_deref(a->password);
	}
	mem_deref(t->agents);
	for (size_t i = 0; i < t->nnumbers; i++) {
		mem_deref(t->numbers[i].number);
		mem_deref(t->numbers[i].queue);
		mem_deref(t->numbers[i].flow);
	}
	mem_deref(t->numbers);
	cfg_calendar_free(t);
	cfg_flows_free(t);
	cfg_workorders_free(t);
	cfg_users_free(t);
	cfg_dialout_free(t);
	cfg_apikeys_free(t);
}

static void center_destructor(void *arg)
{
	struct center *c = arg;

	mem_deref(c->path);
	mem_deref(c->server.sip_listen);
	mem_deref(c->server.http_listen);
	mem_deref(c->server.database);
	mem_deref(c->server.log_level);
	mem_deref(c->server.recordings);
	mem_deref(c->server.prompts);
	cfg_outbound_free(c);
	for (size_t i = 0; i < c->ntrunks; i++) {
		mem_deref(c->trunks[i].name);
		mem_deref(c->trunks[i].address);
	}
	mem_deref(c->trunks);
	cfg_platform_free(c);
	for (size_t i = 0; i < c->ntenants; i++)
		tenant_free(&c->tenants[i]);
	mem_deref(c->tenants);
}

/* --- errors and paths ---------------------------------------------------- */

int cfg_err(struct cfg_ctx *cx, unsigned line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cx->plen)
		snprintf(cx->err, cx->errsz, "%s:%u: %s: %s", cx->file, line,
		         cx->path, msg);
	else
		snprintf(cx->err, cx->errsz, "%s:%u: %s", cx->file, line, msg);
	return EINVAL;
}

static int cfg_nomem(struct cfg_ctx *cx, unsigned line)
{
	cfg_err(cx, line, "out of memory");
	return ENOMEM;
}

size_t cfg_push(struct cfg_ctx *cx, const char *fmt, ...)
{
	size_t old = cx->plen;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cx->path + cx->plen, sizeof(cx->path) - cx->plen, fmt,
	              ap);
	va_end(ap);
	if (n > 0)
		cx->plen += (size_t)n;
	if (cx->plen >= sizeof(cx->path))
		cx->plen = sizeof(cx->path) - 1; /* truncated, still useful */
	return old;
}

void cfg_pop(struct cfg_ctx *cx, size_t len)
{
	cx->plen = len;
	cx->path[len] = '\0';
}

/* --- nodes --------------------------------------------------------------- */

unsigned cfg_line(const yaml_node_t *node)
{
	return node ? (unsigned)node->start_mark.line + 1 : 1;
}

yaml_node_t *cfg_node(struct cfg_ctx *cx, int index)
{
	return yaml_document_get_node(cx->doc, index);
}

bool cfg_is_null(const yaml_node_t *node)
{
	const char *s;

	if (!node || node->type != YAML_SCALAR_NODE ||
	    node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	s = (const char *)node->data.scalar.value;
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") ||
	       !strcmp(s, "Null") || !strcmp(s, "NULL");
}

const char *cfg_text(const yaml_node_t *node)
{
	return (const char *)node->data.scalar.value;
}

const char *cfg_kind(const yaml_node_t *node)
{
	if (cfg_is_null(node))
		return "nothing";
	switch (node->type) {
	case YAML_MAPPING_NODE:
		return "a mapping (key: value)";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_SCALAR_NODE:
		return "a single value";
	default:
		return "nothing";
	}
}

static yaml_node_pair_t *find_pair(struct cfg_ctx *cx, yaml_node_t *map,
                                   const char *key)
{
	yaml_node_pair_t *p;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = cfg_node(cx, p->key);

		if (k && k->type == YAML_SCALAR_NODE &&
		    !strcmp(cfg_text(k), key))
			return p;
	}
	return NULL;
}

yaml_node_t *cfg_get(struct cfg_ctx *cx, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p = find_pair(cx, map, key);
	yaml_node_t *v = p ? cfg_node(cx, p->value) : NULL;

	return cfg_is_null(v) ? NULL : v;
}

yaml_node_t *cfg_get_key(struct cfg_ctx *cx, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p = find_pair(cx, map, key);

	return p ? cfg_node(cx, p->key) : NULL;
}

int cfg_want_scalar(struct cfg_ctx *cx, yaml_node_t *node, const char *what)
{
	if (node->type != YAML_SCALAR_NODE)
		return cfg_err(cx, cfg_line(node), "expected %s, found %s",
		               what, cfg_kind(node));
	if (strlen(cfg_text(node)) != node->data.scalar.length)
		return cfg_err(cx, cfg_line(node), "contains a NUL character");
	return 0;
}

int cfg_want_seq(struct cfg_ctx *cx, yaml_node_t *node, const char *what)
{
	if (node->type != YAML_SEQUENCE_NODE)
		return cfg_err(cx, cfg_line(node), "expected %s, found %s",
		               what, cfg_kind(node));
	return 0;
}

int cfg_want_map(struct cfg_ctx *cx, yaml_node_t *node, const char *what)
{
	if (node->type != YAML_MAPPING_NODE)
		return cfg_err(cx, cfg_line(node), "expected %s, found %s",
		               what, cfg_kind(node));
	return 0;
}

/* --- scalar parsers ------------------------------------------------------ */

int cfg_parse_uint(const char *s, uint64_t *vp)
{
	uint64_t v = 0;

	if (!*s)
		return EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return EINVAL;
		if (v > (UINT64_MAX - 9) / 10)
			return ERANGE;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*vp = v;
	return 0;
}

/* "90", "90s", "2m", "1h", "1h30m", "2m30s" */
int cfg_parse_duration(const char *s, uint64_t *vp)
{
	static const struct {
		char unit;
		uint64_t mult;
	} units[] = {{'h', 3600}, {'m', 60}, {'s', 1}};
	uint64_t total = 0;
	size_t next = 0; /* units must come in order h, m, s */

	if (!*s)
		return EINVAL;
	while (*s) {
		uint64_t v = 0;
		bool digits = false;

		for (; *s >= '0' && *s <= '9'; s++) {
			if (v > 100000000)
				return ERANGE;
			v = v * 10 + (uint64_t)(*s - '0');
			digits = true;
		}
		if (!digits)
			return EINVAL;
		if (!*s) {
			if (next)
				return EINVAL; /* "1m30": ambiguous */
			total += v;
			break;
		}
		for (; next < ARRAY_LEN(units); next++) {
			if (units[next].unit == *s)
				break;
		}
		if (next == ARRAY_LEN(units))
			return EINVAL;
		total += v * units[next].mult;
		next++;
		s++;
	}
	*vp = total;
	return 0;
}

static int parse_ratio(const char *s, double *vp)
{
	char *end;
	double v;
	size_t n = strlen(s);
	bool pct = n && s[n - 1] == '%';

	if (!n || *s == '-' || *s == '+' || *s == ' ')
		return EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || end != s + n - (pct ? 1 : 0))
		return EINVAL;
	if (pct)
		v /= 100.0;
	if (!(v >= 0.0 && v <= 1.0))
		return ERANGE;
	*vp = v;
	return 0;
}

static int parse_bool(const char *s, bool *vp)
{
	static const char *const yes[] = {"true", "yes", "on", NULL};
	static const char *const no[] = {"false", "no", "off", NULL};

	for (size_t i = 0; yes[i]; i++) {
		if (!strcasecmp(s, yes[i])) {
			*vp = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*vp = false;
			return 0;
		}
	}
	return EINVAL;
}

bool cfg_valid_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 64)
		return false;
	for (; *s; s++) {
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9') && *s != '_' && *s != '-' &&
		    *s != '.')
			return false;
	}
	return true;
}

static bool valid_ip(const char *s)
{
	struct sa sa;

	return sa_set_str(&sa, s, 0) == 0;
}

/* "IP:PORT" or "[IPv6]:PORT", port 1..65535 */
static bool valid_hostport(const char *s)
{
	const char *colon = strrchr(s, ':');
	char host[64];
	size_t hl;
	uint64_t port;

	if (!colon || cfg_parse_uint(colon + 1, &port) || port < 1 ||
	    port > 65535)
		return false;
	hl = (size_t)(colon - s);
	if (hl >= 2 && s[0] == '[' && s[hl - 1] == ']') {
		s++;
		hl -= 2;
	} else if (memchr(s, ':', hl)) {
		return false; /* IPv6 needs brackets */
	}
	if (!hl || hl >= sizeof(host))
		return false;
	memcpy(host, s, hl);
	host[hl] = '\0';
	return valid_ip(host);
}

/* An IANA name such as "Asia/Shanghai"; when the system has a zoneinfo
 * database the zone must be in it (a misspelt zone would otherwise show
 * as UTC in every report). */
static bool valid_timezone(const char *s)
{
	char file[256];
	struct stat st;

	if (!*s || strlen(s) > 64 || *s == '/' || strstr(s, ".."))
		return false;
	for (const char *p = s; *p; p++) {
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && !strchr("/_+-", *p))
			return false;
	}
	if (stat("/usr/share/zoneinfo", &st) || !S_ISDIR(st.st_mode))
		return true;
	snprintf(file, sizeof(file), "/usr/share/zoneinfo/%s", s);
	return !stat(file, &st) && S_ISREG(st.st_mode);
}

int cfg_name_index(const char *const *names, const char *s)
{
	for (int i = 0; names[i]; i++) {
		if (!strcmp(names[i], s))
			return i;
	}
	return -1;
}

const char *cfg_names_join(const char *const *names, char *buf, size_t sz)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; names[i] && n < sz; i++) {
		int w =
		    snprintf(buf + n, sz - n, "%s%s", i ? ", " : "", names[i]);
		if (w < 0)
			break;
		n += (size_t)w;
	}
	return buf;
}

/* --- storing values ------------------------------------------------------ */

static void store_uint(void *p, size_t size, uint64_t v)
{
	switch (size) {
	case 1: {
		uint8_t x = (uint8_t)v;
		memcpy(p, &x, 1);
		break;
	}
	case 2: {
		uint16_t x = (uint16_t)v;
		memcpy(p, &x, 2);
		break;
	}
	case 4: {
		uint32_t x = (uint32_t)v;
		memcpy(p, &x, 4);
		break;
	}
	default:
		memcpy(p, &v, 8);
		break;
	}
}

static void store_str(void *p, char *s)
{
	char *old;

	memcpy(&old, p, sizeof(old));
	mem_deref(old);
	memcpy(p, &s, sizeof(s));
}

/* Copy s, replacing every "{id}" with the current agent's id. */
static int subst_id(char **dp, const char *s, const char *id)
{
	const char *p;
	struct mbuf *mb;
	int err = 0;

	if (!id || !strstr(s, "{id}"))
		return str_dup(dp, s);
	mb = mbuf_alloc(64);
	if (!mb)
		return ENOMEM;
	while ((p = strstr(s, "{id}")) != NULL) {
		err |= mbuf_write_mem(mb, (const uint8_t *)s, (size_t)(p - s));
		err |= mbuf_write_str(mb, id);
		s = p + 4;
	}
	err |= mbuf_write_str(mb, s);
	if (!err) {
		mb->pos = 0;
		err = mbuf_strdup(mb, dp, mb->end);
	}
	mem_deref(mb);
	return err ? ENOMEM : 0;
}

/* The value text s (from the file or the field's default) into base. */
static int set_scalar(struct cfg_ctx *cx, const struct cfg_field *f,
                      const char *s, unsigned line, void *base)
{
	void *p = (char *)base + f->off;
	char tbuf[160], nbuf[256];
	uint64_t v;
	double d;
	bool b;
	char *dup = NULL;
	int i, err;

	switch (f->type) {
	case CT_STRING:
		if (f->subst_id)
			err = subst_id(&dup, s, cx->agent_id);
		else
			err = str_dup(&dup, s);
		if (err)
			return cfg_nomem(cx, line);
		store_str(p, dup);
		return 0;

	case CT_NAME:
		if (!cfg_valid_name(s))
			return cfg_err(cx, line,
			               "'%s' is not a valid name (1 to 64 "
			               "letters, digits, '_', '-' or '.')",
			               s);
		if (str_dup(&dup, s))
			return cfg_nomem(cx, line);
		store_str(p, dup);
		return 0;

	case CT_BOOL:
		if (parse_bool(s, &b))
			return cfg_err(cx, line,
			               "expected true or false, found '%s'", s);
		memcpy(p, &b, sizeof(b));
		return 0;

	case CT_UINT:
	case CT_DURATION:
		err = f->type == CT_UINT ? cfg_parse_uint(s, &v)
		                         : cfg_parse_duration(s, &v);
		if (err == EINVAL)
			return cfg_err(cx, line, "expected %s, found '%s'",
			               cfg_type_text(f, tbuf, sizeof(tbuf)), s);
		if (err || v < f->min || v > f->max)
			return cfg_err(
			    cx, line, "%s out of range %u..%u%s", s, f->min,
			    f->max, f->type == CT_DURATION ? " seconds" : "");
		store_uint(p, f->size, v);
		return 0;

	case CT_RATIO:
		err = parse_ratio(s, &d);
		if (err == ERANGE)
			return cfg_err(cx, line,
			               "%s out of range 0..1 (0%%..100%%)", s);
		if (err)
			return cfg_err(cx, line,
			               "expected a fraction such as 0.8 or "
			               "80%%, found '%s'",
			               s);
		memcpy(p, &d, sizeof(d));
		return 0;

	case CT_ENUM:
		i = cfg_name_index(f->names, s);
		if (i < 0)
			return cfg_err(
			    cx, line, "unknown %s '%s' (expected %s)", f->key,
			    s, cfg_names_join(f->names, nbuf, sizeof(nbuf)));
		if (f->as_text) {
			if (str_dup(&dup, s))
				return cfg_nomem(cx, line);
			store_str(p, dup);
		} else {
			store_uint(p, f->size, (uint64_t)i);
		}
		return 0;

	case CT_IP:
	case CT_HOSTPORT:
	case CT_TIMEZONE:
		if (f->type == CT_IP && !valid_ip(s))
			return cfg_err(cx, line,
			               "'%s' is not an IP address (such as "
			               "192.0.2.10 or 2001:db8::10)",
			               s);
		if (f->type == CT_HOSTPORT && !valid_hostport(s))
			return cfg_err(cx, line,
			               "'%s' is not an address and port "
			               "(such as 127.0.0.1:5060 or "
			               "[::1]:5060)",
			               s);
		if (f->type == CT_TIMEZONE && !valid_timezone(s))
			return cfg_err(cx, line,
			               "unknown time zone '%s' (an IANA name "
			               "such as Asia/Shanghai or UTC)",
			               s);
		if (str_dup(&dup, s))
			return cfg_nomem(cx, line);
		store_str(p, dup);
		return 0;

	default:
		return cfg_err(cx, line, "internal: no default for %s", f->key);
	}
}

/* --- the walker ---------------------------------------------------------- */

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[65], cur[65];

	if (la > 64 || lb > 64)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins)
			                   : (del < ins ? del : ins);
		}
		memcpy(prev, cur, sizeof(prev));
	}
	return prev[lb];
}

size_t cfg_edit_distance(const char *a, const char *b)
{
	return edit_distance(a, b);
}

static int unknown_key(struct cfg_ctx *cx, const struct cfg_schema *s,
                       yaml_node_t *key)
{
	const struct cfg_field *best = NULL;
	size_t bestd = 3;
	char list[512];
	size_t n = 0;

	for (const struct cfg_field *f = s->fields; f->key; f++) {
		size_t d = edit_distance(cfg_text(key), f->key);

		if (d < bestd) {
			bestd = d;
			best = f;
		}
		n += (size_t)snprintf(list + n,
		                      n < sizeof(list) ? sizeof(list) - n : 0,
		                      "%s%s", n ? ", " : "", f->key);
		if (n >= sizeof(list))
			n = sizeof(list) - 1;
	}
	if (best)
		return cfg_err(cx, cfg_line(key),
		               "unknown key (did you mean '%s'?)", best->key);
	return cfg_err(cx, cfg_line(key), "unknown key (expected %s)", list);
}

static int check_keys(struct cfg_ctx *cx, yaml_node_t *node,
                      const struct cfg_schema *s)
{
	yaml_node_pair_t *start = node->data.mapping.pairs.start;

	for (yaml_node_pair_t *p = start; p < node->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = cfg_node(cx, p->key);
		const struct cfg_field *f;
		size_t old;
		int err;

		if (k->type != YAML_SCALAR_NODE)
			return cfg_err(cx, cfg_line(k),
			               "a key must be a single word, found %s",
			               cfg_kind(k));
		for (f = s->fields; f->key; f++) {
			if (!strcmp(f->key, cfg_text(k)))
				break;
		}
		old = cfg_push(cx, "%s%s", cx->plen ? "." : "", cfg_text(k));
		if (!f->key) {
			err = unknown_key(cx, s, k);
			cfg_pop(cx, old);
			return err;
		}
		for (yaml_node_pair_t *q = start; q < p; q++) {
			yaml_node_t *k2 = cfg_node(cx, q->key);

			if (k2->type == YAML_SCALAR_NODE &&
			    !strcmp(cfg_text(k2), cfg_text(k))) {
				err = cfg_err(cx, cfg_line(k),
				              "duplicate key (first on line "
				              "%u)",
				              cfg_line(k2));
				cfg_pop(cx, old);
				return err;
			}
		}
		cfg_pop(cx, old);
	}
	return 0;
}

static int set_field(struct cfg_ctx *cx, const struct cfg_field *f,
                     yaml_node_t *v, void *base)
{
	char tbuf[160];
	int err;

	switch (f->type) {
	case CT_GROUP:
		return cfg_map(cx, v, f->sub, base);
	case CT_CUSTOM:
		return f->parse(cx, f, v, base);
	default:
		err = cfg_want_scalar(cx, v,
		                      cfg_type_text(f, tbuf, sizeof(tbuf)));
		if (err)
			return err;
		return set_scalar(cx, f, cfg_text(v), cfg_line(v), base);
	}
}

int cfg_map(struct cfg_ctx *cx, yaml_node_t *node, const struct cfg_schema *s,
            void *base)
{
	/* an absent mapping reports missing fields at its parent's line */
	unsigned line = node ? cfg_line(node) : cx->line;
	unsigned saved = cx->line;
	char what[80];
	int err = 0;

	if (node && cfg_is_null(node))
		node = NULL;
	if (node) {
		snprintf(what, sizeof(what), "a mapping of %s fields", s->name);
		err = cfg_want_map(cx, node, what);
		if (!err)
			err = check_keys(cx, node, s);
		if (err)
			return err;
	}
	cx->line = line;
	for (const struct cfg_field *f = s->fields; f->key && !err; f++) {
		yaml_node_t *v = node ? cfg_get(cx, node, f->key) : NULL;
		size_t old = cfg_push(cx, "%s%s", cx->plen ? "." : "", f->key);

		if (v) {
			err = set_field(cx, f, v, base);
		} else if (f->type == CT_GROUP) {
			err = cfg_map(cx, NULL, f->sub, base);
		} else if (f->required) {
			yaml_node_t *k = cfg_get_key(cx, node, f->key);

			err = k ? cfg_err(cx, cfg_line(k), "needs a value")
			        : cfg_err(cx, line, "required field missing");
		} else if (f->def) {
			err = set_scalar(cx, f, f->def, line, base);
		}
		cfg_pop(cx, old);
	}
	if (!err && s->check)
		err = s->check(cx, node, base);
	cx->line = saved;
	return err;
}

/* --- center_load ---------------------------------------------------------- */

static int syntax_error(const char *path, const char *text, size_t len,
                        const yaml_parser_t *p, char *err, size_t errsz)
{
	if (p->error == YAML_MEMORY_ERROR) {
		snprintf(err, errsz, "%s: out of memory", path);
		return ENOMEM;
	}
	if (p->error == YAML_READER_ERROR) {
		/* the reader knows only the byte offset: count the lines */
		size_t line = 1;

		for (size_t off = 0; off < p->problem_offset && off < len;
		     off++)
			line += text[off] == '\n';
		snprintf(err, errsz, "%s:%zu: %s (byte %zu)", path, line,
		         p->problem ? p->problem : "cannot read",
		         p->problem_offset);
		return EINVAL;
	}
	if (p->context)
		snprintf(err, errsz,
		         "%s:%zu: syntax error: %s (%s on line %zu)", path,
		         p->problem_mark.line + 1,
		         p->problem ? p->problem : "?", p->context,
		         p->context_mark.line + 1);
	else
		snprintf(err, errsz, "%s:%zu: syntax error: %s", path,
		         p->problem_mark.line + 1,
		         p->problem ? p->problem : "?");
	return EINVAL;
}

/* The text of a YAML node as written, its first line at column 0 and the
 * others moved left by the column it starts at (its own indentation), so
 * that it can be placed at any depth again (center_tenant_export()). */
int cfg_source(struct cfg_ctx *cx, const yaml_node_t *node, char **textp)
{
	size_t from = node->start_mark.index, to = node->end_mark.index;
	size_t col = node->start_mark.column, n = 0;
	char *out;

	*textp = NULL;
	if (!cx->text || to > cx->textlen || from >= to)
		return 0;
	while (to > from && (cx->text[to - 1] == '\n' ||
	                     cx->text[to - 1] == ' '))
		to--;
	out = mem_alloc(to - from + 2, NULL);
	if (!out)
		return ENOMEM;
	for (size_t i = from; i < to; i++) {
		out[n++] = cx->text[i];
		if (cx->text[i] != '\n')
			continue;
		/* drop up to col spaces of the next line's indentation */
		for (size_t k = 0; k < col && i + 1 < to &&
		                   cx->text[i + 1] == ' ';
		     k++)
			i++;
	}
	out[n++] = '\n';
	out[n] = '\0';
	*textp = out;
	return 0;
}

static int load_text(struct center **cp, const char *path, const char *text,
                     size_t len, bool definition, char *err, size_t errsz)
{
	yaml_parser_t parser;
	yaml_document_t doc, doc2;
	bool have_doc = false;
	struct cfg_ctx cx;
	struct center *c = NULL;
	yaml_node_t *root;
	int e;

	if (!yaml_parser_initialize(&parser)) {
		snprintf(err, errsz, "%s: out of memory", path);
		return ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
	                             len);

	if (!yaml_parser_load(&parser, &doc)) {
		e = syntax_error(path, text, len, &parser, err, errsz);
		goto out;
	}
	have_doc = true;
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		snprintf(err, errsz, "%s:1: the file holds no definition",
		         path);
		e = EINVAL;
		goto out;
	}
	if (!yaml_parser_load(&parser, &doc2)) {
		e = syntax_error(path, text, len, &parser, err, errsz);
		goto out;
	}
	if (yaml_document_get_root_node(&doc2)) {
		snprintf(err, errsz,
		         "%s:%zu: only one document is allowed (a second "
		         "begins here)",
		         path, doc2.start_mark.line + 1);
		yaml_document_delete(&doc2);
		e = EINVAL;
		goto out;
	}
	yaml_document_delete(&doc2);

	c = mem_zalloc(sizeof(*c), center_destructor);
	if (!c || str_dup(&c->path, path)) {
		snprintf(err, errsz, "%s: out of memory", path);
		e = ENOMEM;
		goto out;
	}
	memset(&cx, 0, sizeof(cx));
	cx.file = path;
	cx.doc = &doc;
	cx.c = c;
	cx.err = err;
	cx.errsz = errsz;
	cx.line = 1;
	cx.text = text;
	cx.textlen = len;
	cx.definition = definition;
	if (definition && root->type == YAML_MAPPING_NODE) {
		/* a tenant's definition: nothing of the center around it */
		for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
		     p < root->data.mapping.pairs.top; p++) {
			yaml_node_t *k = cfg_node(&cx, p->key);

			if (k->type == YAML_SCALAR_NODE &&
			    strcmp(cfg_text(k), "tenants")) {
				e = cfg_err(&cx, cfg_line(k),
				            "%s: a tenant definition holds "
				            "only tenants:",
				            cfg_text(k));
				goto out;
			}
		}
	}
	e = cfg_map(&cx, root, &cfg_root_schema, c);

out:
	if (have_doc)
		yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (e)
		mem_deref(c);
	else
		*cp = c;
	return e;
}

int cfg_load_definition(struct center **cp, const char *name,
                        const char *text, size_t len, char *err, size_t errsz)
{
	err[0] = '\0';
	return load_text(cp, name, text, len, true, err, errsz);
}

int center_load_text(struct center **cp, const char *name, const char *text,
                     size_t len, char *err, size_t errsz)
{
	char ebuf[16];

	if (!err || !errsz) {
		err = ebuf;
		errsz = sizeof(ebuf);
	}
	err[0] = '\0';
	if (!cp || !name || !text) {
		snprintf(err, errsz, "center_load_text: no text");
		return EINVAL;
	}
	return load_text(cp, name, text, len, false, err, errsz);
}

int center_load(struct center **cp, const char *path, char *err, size_t errsz)
{
	char ebuf[16];
	struct mbuf *mb = NULL;
	FILE *f;
	int e;

	if (!err || !errsz) {
		err = ebuf;
		errsz = sizeof(ebuf);
	}
	err[0] = '\0';
	if (!cp || !path) {
		snprintf(err, errsz, "center_load: no file");
		return EINVAL;
	}
	f = fopen(path, "rb");
	if (!f) {
		e = errno;
		snprintf(err, errsz, "%s: %s", path, strerror(e));
		return e;
	}
	mb = mbuf_alloc(8192);
	if (!mb) {
		fclose(f);
		snprintf(err, errsz, "%s: out of memory", path);
		return ENOMEM;
	}
	for (;;) {
		uint8_t buf[8192];
		size_t n = fread(buf, 1, sizeof(buf), f);

		if (n && mbuf_write_mem(mb, buf, n)) {
			e = ENOMEM;
			snprintf(err, errsz, "%s: out of memory", path);
			goto out;
		}
		if (n < sizeof(buf))
			break;
	}
	if (ferror(f)) {
		e = EIO;
		snprintf(err, errsz, "%s: cannot read", path);
		goto out;
	}
	e = load_text(cp, path, (const char *)mb->buf, mb->end, false, err,
	              errsz);
out:
	fclose(f);
	mem_deref(mb);
	return e;
}
