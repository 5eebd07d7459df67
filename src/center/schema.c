/**
 * @file schema.c  The center definition file, described once: the tables
 * the loader validates with and docs/center.md is generated from, and the
 * handlers for what a table row cannot say alone (lists, skill maps, agent
 * id ranges, cross references).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "center/center_int.h"

const char *const cfg_channel_names[] = {
    "voice",    "chat",     "email",     "message",
    "callback", "outbound", "workorder", NULL,
};
const char *const cfg_strategy_names[] = {
    "longest-idle", "fewest-contacts", "round-robin", "best-skill",
    "random",       "ring-all",        NULL,
};
const char *const cfg_overflow_names[] = {
    "none", "queue", "callback", "voicemail", "disconnect", NULL,
};
static const char *const log_level_names[] = {
    "debug", "info", "warn", "error", NULL,
};

#define AGENT_RANGE_MAX 10000
#define CAPACITY_MAX    100

/* Offset and size of a member, for a table row. */
#define AT(type, member)                                                       \
	.off = offsetof(type, member), .size = sizeof(((type *)0)->member)

/* --- helpers ------------------------------------------------------------- */

static size_t seq_len(const yaml_node_t *n)
{
	return (size_t)(n->data.sequence.items.top -
	                n->data.sequence.items.start);
}

static yaml_node_t *seq_at(struct cfg_ctx *cx, yaml_node_t *n, size_t i)
{
	return cfg_node(cx, n->data.sequence.items.start[i]);
}

/* A zeroed array for a list of n elements; *arrp is NULL for n == 0. */
static int list_alloc(struct cfg_ctx *cx, yaml_node_t *node, const char *what,
                      size_t elemsz, void **arrp, size_t *np)
{
	int err = cfg_want_seq(cx, node, what);

	if (err)
		return err;
	*np = seq_len(node);
	*arrp = NULL;
	if (!*np)
		return 0;
	*arrp = mem_zalloc(*np * elemsz, NULL);
	if (!*arrp) {
		cfg_err(cx, cfg_line(node), "out of memory");
		return ENOMEM;
	}
	return 0;
}

/* An error about the value of key in mapping node (path gets ".key"); at
 * the mapping's line when the key is absent. */
static int key_err(struct cfg_ctx *cx, yaml_node_t *node, const char *key,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int key_err(struct cfg_ctx *cx, yaml_node_t *node, const char *key,
                   const char *fmt, ...)
{
	yaml_node_t *v = cfg_get(cx, node, key);
	size_t old = cfg_push(cx, ".%s", key);
	char msg[512];
	va_list ap;
	int err;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err = cfg_err(cx,
	              v      ? cfg_line(v)
	              : node ? cfg_line(node)
	                     : cx->line,
	              "%s", msg);
	cfg_pop(cx, old);
	return err;
}

static const char *tenant_skills_text(const struct center_tenant *t, char *buf,
                                      size_t sz)
{
	size_t n = 0;

	if (!t->nskills) {
		snprintf(buf, sz, "the tenant's skills list is empty");
		return buf;
	}
	n = (size_t)snprintf(buf, sz, "the tenant's skills are ");
	for (size_t i = 0; i < t->nskills && n < sz; i++)
		n += (size_t)snprintf(buf + n, sz - n, "%s%s", i ? ", " : "",
		                      t->skills[i]);
	return buf;
}

static const char *queue_names_text(const struct center_tenant *t, char *buf,
                                    size_t sz)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < t->nqueues && n < sz; i++) {
		if (t->queues[i].cfg.name)
			n += (size_t)snprintf(buf + n, sz - n, "%s%s",
			                      n ? ", " : "",
			                      t->queues[i].cfg.name);
	}
	return buf;
}

static const struct center_queue *find_queue(const struct center_tenant *t,
                                             const char *name)
{
	for (size_t i = 0; i < t->nqueues; i++) {
		if (t->queues[i].cfg.name &&
		    !strcmp(t->queues[i].cfg.name, name))
			return &t->queues[i];
	}
	return NULL;
}

/* A list entry: a mapping walked with schema s (an empty entry is an
 * error, not an entry full of defaults). */
static int item_map(struct cfg_ctx *cx, yaml_node_t *item,
                    const struct cfg_schema *s, void *base)
{
	char what[80];
	int err;

	snprintf(what, sizeof(what), "a mapping of %s fields", s->name);
	err = cfg_want_map(cx, item, what);
	return err ? err : cfg_map(cx, item, s, base);
}

/* --- skill maps: {skill: level} ------------------------------------------ */

/* Parse {skill: level, ...}; skill names must be the tenant's and are
 * borrowed from its list.  *vp is NULL for an empty map. */
static int skill_map(struct cfg_ctx *cx, yaml_node_t *node,
                     struct acd_skill_req **vp, size_t *np)
{
	struct center_tenant *t = cx->tenant;
	yaml_node_pair_t *start = node->data.mapping.pairs.start, *p;
	struct acd_skill_req *v;
	char buf[512];
	size_t n, i;
	int err;

	err = cfg_want_map(cx, node,
	                   "a mapping of skill: level (such as {general: 5})");
	if (err)
		return err;
	n = (size_t)(node->data.mapping.pairs.top - start);
	*vp = NULL;
	*np = 0;
	if (!n)
		return 0;
	v = mem_zalloc(n * sizeof(*v), NULL);
	if (!v) {
		cfg_err(cx, cfg_line(node), "out of memory");
		return ENOMEM;
	}
	for (p = start, i = 0; p < node->data.mapping.pairs.top; p++, i++) {
		yaml_node_t *k = cfg_node(cx, p->key), *val;
		size_t old, s;
		uint64_t level;

		if (k->type != YAML_SCALAR_NODE) {
			err = cfg_err(cx, cfg_line(k),
			              "a skill name must be a single word, "
			              "found %s",
			              cfg_kind(k));
			goto out;
		}
		old = cfg_push(cx, ".%s", cfg_text(k));
		for (s = 0; s < t->nskills; s++) {
			if (!strcmp(t->skills[s], cfg_text(k)))
				break;
		}
		if (s == t->nskills) {
			err = cfg_err(cx, cfg_line(k),
			              "unknown skill '%s' (%s)", cfg_text(k),
			              tenant_skills_text(t, buf, sizeof(buf)));
			goto pop;
		}
		for (size_t j = 0; j < i; j++) {
			if (v[j].skill == t->skills[s]) {
				err = cfg_err(cx, cfg_line(k),
				              "skill listed twice");
				goto pop;
			}
		}
		val = cfg_node(cx, p->value);
		err = cfg_want_scalar(cx, val, "a level 1..10");
		if (err)
			goto pop;
		if (cfg_parse_uint(cfg_text(val), &level)) {
			err = cfg_err(cx, cfg_line(val),
			              "expected a level 1..10, found '%s'",
			              cfg_text(val));
			goto pop;
		}
		if (level < ACD_LEVEL_MIN || level > ACD_LEVEL_MAX) {
			err = cfg_err(
			    cx, cfg_line(val), "level %s out of range %d..%d",
			    cfg_text(val), ACD_LEVEL_MIN, ACD_LEVEL_MAX);
			goto pop;
		}
		v[i].skill = t->skills[s];
		v[i].min_level = (uint8_t)level;
	pop:
		cfg_pop(cx, old);
		if (err)
			goto out;
	}
out:
	if (err) {
		mem_deref(v);
		return err;
	}
	*vp = v;
	*np = n;
	return 0;
}

/* --- the helpers above, for flow.c and calendar.c ----------------------- */

size_t cfg_seq_len(const yaml_node_t *n)
{
	return seq_len(n);
}

yaml_node_t *cfg_seq_at(struct cfg_ctx *cx, yaml_node_t *n, size_t i)
{
	return seq_at(cx, n, i);
}

int cfg_list_alloc(struct cfg_ctx *cx, yaml_node_t *node, const char *what,
                   size_t elemsz, void **arrp, size_t *np)
{
	return list_alloc(cx, node, what, elemsz, arrp, np);
}

int cfg_key_err(struct cfg_ctx *cx, yaml_node_t *node, const char *key,
                const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return key_err(cx, node, key, "%s", msg);
}

int cfg_item_map(struct cfg_ctx *cx, yaml_node_t *item,
                 const struct cfg_schema *s, void *base)
{
	return item_map(cx, item, s, base);
}

int cfg_skill_map(struct cfg_ctx *cx, yaml_node_t *node,
                  struct acd_skill_req **vp, size_t *np)
{
	return skill_map(cx, node, vp, np);
}

const struct center_queue *cfg_find_queue(const struct center_tenant *t,
                                          const char *name)
{
	return find_queue(t, name);
}

const char *cfg_queue_names(const struct center_tenant *t, char *buf, size_t sz)
{
	return queue_names_text(t, buf, sz);
}

const char *cfg_skill_names(const struct center_tenant *t, char *buf, size_t sz)
{
	return tenant_skills_text(t, buf, sz);
}

static int parse_queue_skills(struct cfg_ctx *cx, const struct cfg_field *f,
                              yaml_node_t *node, void *base)
{
	struct center_queue *q = base;
	struct acd_skill_req *v;
	size_t n;
	int err = skill_map(cx, node, &v, &n);

	if (err)
		return err;
	q->reqs = v;
	q->cfg.reqs.v = v;
	q->cfg.reqs.n = n;
	return 0;
}

static int parse_step_skills(struct cfg_ctx *cx, const struct cfg_field *f,
                             yaml_node_t *node, void *base)
{
	struct acd_relax_step *st = base;
	struct acd_skill_req *v;
	size_t n;
	int err = skill_map(cx, node, &v, &n);

	if (err)
		return err;
	st->reqs.v = v;
	st->reqs.n = n;
	return 0;
}

static int parse_agent_skills(struct cfg_ctx *cx, const struct cfg_field *f,
                              yaml_node_t *node, void *base)
{
	struct center_agent *a = base;
	struct acd_skill_req *v;
	size_t n;
	int err = skill_map(cx, node, &v, &n);

	if (err || !n)
		return err;
	a->skills = mem_zalloc(n * sizeof(*a->skills), NULL);
	if (!a->skills) {
		mem_deref(v);
		cfg_err(cx, cfg_line(node), "out of memory");
		return ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		a->skills[i].skill = v[i].skill;
		a->skills[i].level = v[i].min_level;
	}
	a->cfg.skills = a->skills;
	a->cfg.nskills = n;
	mem_deref(v);
	return 0;
}

/* --- server and trunks --------------------------------------------------- */

static const struct cfg_field server_fields[] = {
    {.key = "sip",
     .type = CT_HOSTPORT,
     AT(struct center, server.sip_listen),
     .def = "127.0.0.1:5060",
     .help = "Address and port where SIP is received (UDP and TCP): "
             "phones register here and trunks send calls here."},
    {.key = "http",
     .type = CT_HOSTPORT,
     AT(struct center, server.http_listen),
     .def = "127.0.0.1:8080",
     .help = "Address and port of the web API, agent desktop and "
             "wallboard."},
    {.key = "database",
     .type = CT_STRING,
     AT(struct center, server.database),
     .def = "var/hotline.db",
     .help = "SQLite file for contact records and statistics."},
    {.key = "log_level",
     .type = CT_ENUM,
     .as_text = true,
     AT(struct center, server.log_level),
     .names = log_level_names,
     .def = "info",
     .help = "Least severe log messages written."},
    {.key = "recordings",
     .type = CT_STRING,
     AT(struct center, server.recordings),
     .help = "Folder of call recordings and voice messages, one "
             "subfolder per tenant (<folder>/<tenant>/<interaction "
             "id>.wav).  Default: recordings beside the database "
             "(var/recordings)."},
    {.key = "prompts",
     .type = CT_STRING,
     AT(struct center, server.prompts),
     .help = "The IVR's prompt folders, ':'-separated, earlier first "
             "(each holds <lang>/<name>.wav, see docs/prompts.md).  "
             "Default: var/prompts, then the prompts generated in the "
             "build tree beside the hotline binary (build/prompts)."},
    {.key = "media_priority",
     .type = CT_UINT,
     AT(struct center, server.media_priority),
     .min = 0,
     .max = 99,
     .def = "0",
     .help = "Real-time (SCHED_FIFO) priority of the media threads, which "
             "send every caller's prompts and music on a 20 ms clock: "
             "with 1..99 they preempt other work on a busy machine "
             "(needs CAP_SYS_NICE; without it, a warning and normal "
             "scheduling).  0: normal scheduling.  10 suits a dedicated "
             "server."},
    {0},
};

static const struct cfg_schema server_schema = {
    .name = "server",
    .where = "server",
    .help = "Where the daemon listens and keeps its data.  The whole "
            "section is optional.",
    .fields = server_fields,
};

static const struct cfg_field trunk_fields[] = {
    {.key = "name",
     .type = CT_NAME,
     AT(struct center_trunk, name),
     .required = true,
     .help = "Name of the carrier, unique."},
    {.key = "address",
     .type = CT_IP,
     AT(struct center_trunk, address),
     .required = true,
     .help = "IP address the carrier sends calls from (IPv4 or IPv6)."},
    {.key = "port",
     .type = CT_UINT,
     AT(struct center_trunk, port),
     .min = 0,
     .max = 65535,
     .def = "0",
     .help = "Source port the carrier sends from; 0 accepts any port."},
    {.key = "outbound",
     .type = CT_GROUP,
     .sub = &cfg_trunk_outbound_schema,
     .help = "Calls out to outside numbers through this trunk (see "
             "below)."},
    {0},
};

static const struct cfg_schema trunk_schema = {
    .name = "trunk",
    .where = "trunks[]",
    .help = "A carrier's SIP trunk.  Calls are accepted only from the "
            "addresses listed here (and from registered agents).",
    .fields = trunk_fields,
};

static int parse_trunks(struct cfg_ctx *cx, const struct cfg_field *f,
                        yaml_node_t *node, void *base)
{
	struct center *c = base;
	void *arr;
	size_t n;
	int err = list_alloc(cx, node, "a list of trunks", sizeof(*c->trunks),
	                     &arr, &n);

	if (err)
		return err;
	c->trunks = arr;
	c->ntrunks = n;
	for (size_t i = 0; i < n && !err; i++) {
		struct center_trunk *t = &c->trunks[i];
		yaml_node_t *item = seq_at(cx, node, i);
		size_t old = cfg_push(cx, "[%zu]", i);

		t->line = cfg_line(item);
		err = item_map(cx, item, &trunk_schema, t);
		for (size_t j = 0; j < i && !err; j++) {
			const struct center_trunk *o = &c->trunks[j];

			if (!strcmp(o->name, t->name))
				err = key_err(cx, item, "name",
				              "trunk '%s' is already defined "
				              "on line %u",
				              t->name, o->line);
			else if (!strcmp(o->address, t->address) &&
			         (o->port == t->port || !o->port || !t->port))
				err = key_err(cx, item, "address",
				              "address %s is already the "
				              "trunk's on line %u",
				              t->address, o->line);
		}
		cfg_pop(cx, old);
	}
	return err;
}

/* --- queues -------------------------------------------------------------- */

static int parse_any_agent(struct cfg_ctx *cx, const struct cfg_field *f,
                           yaml_node_t *node, void *base)
{
	int err = cfg_want_scalar(cx, node, "true");

	if (err)
		return err;
	if (strcasecmp(cfg_text(node), "true") &&
	    strcasecmp(cfg_text(node), "yes"))
		return cfg_err(cx, cfg_line(node),
		               "only true makes sense here (or give skills "
		               "instead), found '%s'",
		               cfg_text(node));
	return 0;
}

static int relax_check(struct cfg_ctx *cx, yaml_node_t *node, void *base)
{
	const struct acd_relax_step *st = base;
	yaml_node_t *skills = cfg_get(cx, node, "skills");
	yaml_node_t *any = cfg_get(cx, node, "any_agent");

	if (skills && any)
		return key_err(cx, node, "any_agent",
		               "give either skills or any_agent, not both");
	if (!skills && !any)
		return cfg_err(cx, cfg_line(node),
		               "a step needs skills or any_agent: true");
	if (skills && !st->reqs.n)
		return key_err(cx, node, "skills",
		               "is empty; write any_agent: true to accept "
		               "any agent");
	return 0;
}

static const struct cfg_field relax_fields[] = {
    {.key = "after",
     .type = CT_DURATION,
     AT(struct acd_relax_step, after_s),
     .required = true,
     .min = 1,
     .max = 86400,
     .help = "Seconds a contact has waited in the queue before this "
             "step applies; steps go in ascending order."},
    {.key = "skills",
     .type = CT_CUSTOM,
     .parse = parse_step_skills,
     .doc_type = "map skill: level",
     .help = "The requirements from this step on (each skill at least "
             "at this level), replacing the previous step's."},
    {.key = "any_agent",
     .type = CT_CUSTOM,
     .parse = parse_any_agent,
     .doc_type = "true",
     .help = "From this step on any agent of the tenant may take the "
             "contact.  Give either skills or any_agent."},
    {0},
};

static const struct cfg_schema relax_schema = {
    .name = "relax",
    .where = "tenants[].queues[].relax[]",
    .help = "A relaxation step: after a contact has waited so long, it "
            "may go to agents matching other (usually wider) "
            "requirements.",
    .fields = relax_fields,
    .check = relax_check,
};

static int parse_relax(struct cfg_ctx *cx, const struct cfg_field *f,
                       yaml_node_t *node, void *base)
{
	struct center_queue *q = base;
	void *arr;
	size_t n;
	int err = list_alloc(cx, node, "a list of relaxation steps",
	                     sizeof(*q->relax), &arr, &n);

	if (err)
		return err;
	q->relax = arr;
	q->cfg.relax = arr;
	q->cfg.nrelax = n;
	for (size_t i = 0; i < n && !err; i++) {
		yaml_node_t *item = seq_at(cx, node, i);
		size_t old = cfg_push(cx, "[%zu]", i);

		err = item_map(cx, item, &relax_schema, &q->relax[i]);
		if (!err && i && q->relax[i].after_s <= q->relax[i - 1].after_s)
			err = key_err(cx, item, "after",
			              "must be later than the previous "
			              "step's %u s",
			              q->relax[i - 1].after_s);
		cfg_pop(cx, old);
	}
	return err;
}

static int queue_check(struct cfg_ctx *cx, yaml_node_t *node, void *base)
{
	const struct center_queue *q = base;
	const struct acd_queue_cfg *cfg = &q->cfg;
	yaml_node_t *ov = cfg_get(cx, node, "overflow");
	size_t old;
	int err = 0;

	if (cfg->ring_all_max && cfg->strategy != ACD_STRAT_RING_ALL)
		return key_err(cx, node, "ring_all_max",
		               "applies only to strategy ring-all");
	if ((q->offer_callback || q->offer_voicemail) && !q->announce_every_s)
		return key_err(cx, node,
		               q->offer_callback ? "offer_callback"
		                                 : "offer_voicemail",
		               "is said with the announcements: needs "
		               "announce_every");
	if (cfg->max_wait_s) {
		yaml_node_t *rl = cfg_get(cx, node, "relax");

		for (size_t i = 0; i < cfg->nrelax; i++) {
			if (cfg->relax[i].after_s < cfg->max_wait_s)
				continue;
			old = cfg_push(cx, ".relax[%zu]", i);
			err = key_err(cx, seq_at(cx, rl, i), "after",
			              "this step is never reached: max_wait "
			              "is %u s",
			              cfg->max_wait_s);
			cfg_pop(cx, old);
			return err;
		}
	}
	old = cfg_push(cx, ".overflow");
	if (cfg->overflow == ACD_OVERFLOW_QUEUE && !cfg->overflow_target)
		err = key_err(cx, ov ? ov : node, "target",
		              "required when the action is queue (the "
		              "queue to move contacts to)");
	else if (cfg->overflow == ACD_OVERFLOW_NONE && cfg->overflow_target)
		err = key_err(cx, ov, "target",
		              "has no effect without an action");
	cfg_pop(cx, old);
	return err;
}

static const struct cfg_field sl_fields[] = {
    {.key = "target",
     .type = CT_RATIO,
     AT(struct center_queue, cfg.sl_target),
     .def = "0.80",
     .help = "Share of contacts to answer within the threshold (0.8 or "
             "80%)."},
    {.key = "within",
     .type = CT_DURATION,
     AT(struct center_queue, cfg.sl_threshold_s),
     .min = 1,
     .max = 3600,
     .def = "20",
     .help = "The threshold: answered within this many seconds counts "
             "as in service level."},
    {0},
};

static const struct cfg_schema sl_schema = {
    .name = "service_level",
    .where = "tenants[].queues[].service_level",
    .help = "The queue's service-level objective, e.g. 80% of contacts "
            "answered within 20 seconds.  Reports and the wallboard "
            "measure against it.",
    .fields = sl_fields,
};

static const struct cfg_field overflow_fields[] = {
    {.key = "action",
     .type = CT_ENUM,
     AT(struct center_queue, cfg.overflow),
     .names = cfg_overflow_names,
     .def = "none",
     .help = "What happens to a contact that has waited max_wait, or "
             "finds max_length contacts waiting: none (stays), queue "
             "(moves to target), callback (is offered a call back), "
             "voicemail (may leave a message) or disconnect (hears a "
             "message, then the call ends)."},
    {.key = "target",
     .type = CT_NAME,
     AT(struct center_queue, cfg.overflow_target),
     .help = "For queue: the queue of the same tenant and channel to "
             "move to (required).  For the other actions: the name of "
             "the message to play (optional)."},
    {0},
};

static const struct cfg_schema overflow_schema = {
    .name = "overflow",
    .where = "tenants[].queues[].overflow",
    .help = "What to do when a queue cannot serve a contact in time.",
    .fields = overflow_fields,
};

static const struct cfg_field queue_fields[] = {
    {.key = "name",
     .type = CT_NAME,
     AT(struct center_queue, cfg.name),
     .required = true,
     .help = "Name of the queue, unique in the tenant."},
    {.key = "channel",
     .type = CT_ENUM,
     AT(struct center_queue, cfg.channel),
     .names = cfg_channel_names,
     .def = "voice",
     .help = "The kind of contact the queue serves."},
    {.key = "skills",
     .type = CT_CUSTOM,
     .parse = parse_queue_skills,
     .doc_type = "map skill: level",
     .help = "Requirements: an agent must have every skill listed at "
             "least at its level (1..10).  Omitted or {}: any agent of "
             "the tenant."},
    {.key = "strategy",
     .type = CT_ENUM,
     AT(struct center_queue, cfg.strategy),
     .names = cfg_strategy_names,
     .def = "longest-idle",
     .help = "Which of the matching available agents gets the next "
             "contact: longest-idle, fewest-contacts (today), "
             "round-robin, best-skill (highest sum of the required "
             "levels), random, or ring-all (offered to several at once, "
             "the first to accept takes it)."},
    {.key = "ring_all_max",
     .type = CT_UINT,
     AT(struct center_queue, cfg.ring_all_max),
     .min = 0,
     .max = 1000,
     .def = "0",
     .help = "ring-all only: agents offered at once; 0 means all "
             "matching agents."},
    {.key = "offer_timeout",
     .type = CT_DURATION,
     AT(struct center_queue, cfg.offer_timeout_s),
     .min = 1,
     .max = 3600,
     .def = "20",
     .help = "Seconds an offer rings an agent before it goes to the "
             "next one."},
    {.key = "wrapup",
     .type = CT_DURATION,
     AT(struct center_queue, cfg.wrapup_s),
     .min = 0,
     .max = 3600,
     .def = "0",
     .help = "After-contact work: seconds the agent gets no new offer "
             "after a contact of this queue; 0 means none."},
    {.key = "max_wait",
     .type = CT_DURATION,
     AT(struct center_queue, cfg.max_wait_s),
     .min = 0,
     .max = 86400,
     .def = "0",
     .help = "Seconds a contact may wait before the overflow action "
             "applies; 0 means no limit."},
    {.key = "max_length",
     .type = CT_UINT,
     AT(struct center_queue, cfg.max_len),
     .min = 0,
     .max = 1000000,
     .def = "0",
     .help = "Contacts that may wait at once; a contact arriving at a "
             "full queue overflows at once.  0 means no limit."},
    {.key = "service_level",
     .type = CT_GROUP,
     .sub = &sl_schema,
     .help = "The service-level objective (see below)."},
    {.key = "aht_hint",
     .type = CT_DURATION,
     AT(struct center_queue, cfg.aht_hint_s),
     .min = 1,
     .max = 86400,
     .def = "180",
     .help = "Average handle time (talk plus wrap-up, seconds) assumed "
             "for wait estimates until real contacts have been "
             "measured."},
    {.key = "relax",
     .type = CT_CUSTOM,
     .parse = parse_relax,
     .sub = &relax_schema,
     .doc_type = "list of relax",
     .help = "Relaxation steps, in ascending order of after (see "
             "below)."},
    {.key = "overflow",
     .type = CT_GROUP,
     .sub = &overflow_schema,
     .help = "The overflow rule (see below)."},
    {.key = "music",
     .type = CT_STRING,
     AT(struct center_queue, music),
     .help = "Voice: music on hold for callers waiting in this queue "
             "(and for callers an agent of it holds), a WAV file of "
             "8 kHz mono audio, relative to the center file.  Played in "
             "a loop; it resumes where it stopped after each "
             "announcement.  Default: the prompt set's common/moh/"
             "default."},
    {.key = "announce_every",
     .type = CT_DURATION,
     AT(struct center_queue, announce_every_s),
     .min = 0,
     .max = 3600,
     .def = "30",
     .help = "Voice: tell a waiting caller their position in the queue "
             "and the estimated wait, in their language, on arrival and "
             "then every so many seconds of music; 0 never."},
    {.key = "record",
     .type = CT_BOOL,
     AT(struct center_queue, record),
     .def = "false",
     .help = "Voice: record answered calls of this queue as stereo WAV "
             "(caller left, agent right), linked from the interaction "
             "record.  Also on when the tenant's record is true."},
    {.key = "offer_callback",
     .type = CT_BOOL,
     AT(struct center_queue, offer_callback),
     .def = "false",
     .help = "Voice: each announcement adds \"to be called back instead "
             "of waiting, press 1\"; a caller who presses 1 leaves the "
             "queue and is offered a callback (as the overflow action "
             "callback).  Needs announce_every."},
    {.key = "offer_voicemail",
     .type = CT_BOOL,
     AT(struct center_queue, offer_voicemail),
     .def = "false",
     .help = "Voice: each announcement adds \"to leave a voice message, "
             "press 2\"; a caller who presses 2 leaves the queue and "
             "records a message for it.  Needs announce_every."},
    {0},
};

static const struct cfg_schema queue_schema = {
    .name = "queue",
    .where = "tenants[].queues[]",
    .help = "A queue: contacts of one channel waiting for agents with "
            "the required skills.",
    .fields = queue_fields,
    .check = queue_check,
};

static int parse_queues(struct cfg_ctx *cx, const struct cfg_field *f,
                        yaml_node_t *node, void *base)
{
	struct center_tenant *t = base;
	char buf[512];
	void *arr;
	size_t n;
	int err = list_alloc(cx, node, "a list of queues", sizeof(*t->queues),
	                     &arr, &n);

	if (err)
		return err;
	t->queues = arr;
	t->nqueues = n;
	for (size_t i = 0; i < n && !err; i++) {
		struct center_queue *q = &t->queues[i];
		yaml_node_t *item = seq_at(cx, node, i);
		size_t old = cfg_push(cx, "[%zu]", i);

		q->line = cfg_line(item);
		err = item_map(cx, item, &queue_schema, q);
		for (size_t j = 0; j < i && !err; j++) {
			if (!strcmp(t->queues[j].cfg.name, q->cfg.name))
				err = key_err(cx, item, "name",
				              "queue '%s' is already defined "
				              "on line %u",
				              q->cfg.name, t->queues[j].line);
		}
		cfg_pop(cx, old);
	}

	/* overflow targets may name queues defined further down */
	for (size_t i = 0; i < n && !err; i++) {
		const struct center_queue *q = &t->queues[i], *to;
		yaml_node_t *item = seq_at(cx, node, i), *ov;
		size_t old;

		if (q->cfg.overflow != ACD_OVERFLOW_QUEUE)
			continue;
		ov = cfg_get(cx, item, "overflow");
		old = cfg_push(cx, "[%zu].overflow", i);
		to = find_queue(t, q->cfg.overflow_target);
		if (!to)
			err = key_err(cx, ov, "target",
			              "unknown queue '%s' (the tenant's "
			              "queues are %s)",
			              q->cfg.overflow_target,
			              queue_names_text(t, buf, sizeof(buf)));
		else if (to == q)
			err = key_err(cx, ov, "target",
			              "a queue cannot overflow into itself");
		else if (to->cfg.channel != q->cfg.channel)
			err = key_err(cx, ov, "target",
			              "queue '%s' serves %s, this one %s",
			              to->cfg.name,
			              cfg_channel_names[to->cfg.channel],
			              cfg_channel_names[q->cfg.channel]);
		cfg_pop(cx, old);
	}
	return err;
}

/* --- agents -------------------------------------------------------------- */

static bool voice_like(int ch)
{
	return ch == ACD_CH_VOICE || ch == ACD_CH_CALLBACK ||
	       ch == ACD_CH_OUTBOUND;
}

/* The engine's default mixing rule written out, so that a blocks entry can
 * change one channel and keep the rule for the others: a call blocks every
 * other channel, and any contact blocks calls. */
static void default_blocks(struct acd_agent_cfg *cfg)
{
	uint16_t calls = 0, all = (uint16_t)((1u << ACD_CH_MAX) - 1);

	for (int ch = 0; ch < ACD_CH_MAX; ch++) {
		if (voice_like(ch))
			calls |= (uint16_t)(1u << ch);
	}
	for (int ch = 0; ch < ACD_CH_MAX; ch++)
		cfg->blocks[ch] =
		    (uint16_t)((voice_like(ch) ? all : calls) & ~(1u << ch));
}

static int channel_key(struct cfg_ctx *cx, yaml_node_t *k, int *chp)
{
	char buf[256];
	int err = cfg_want_scalar(cx, k, "a channel name");

	if (err)
		return err;
	*chp = cfg_name_index(cfg_channel_names, cfg_text(k));
	if (*chp < 0)
		return cfg_err(
		    cx, cfg_line(k), "unknown channel '%s' (expected %s)",
		    cfg_text(k),
		    cfg_names_join(cfg_channel_names, buf, sizeof(buf)));
	return 0;
}

/* Shared checks of a {channel: ...} mapping: returns each pair through h. */
static int channel_map(struct cfg_ctx *cx, yaml_node_t *node, const char *what,
                       int (*h)(struct cfg_ctx *cx, int ch, yaml_node_t *v,
                                struct acd_agent_cfg *cfg),
                       struct acd_agent_cfg *cfg)
{
	yaml_node_pair_t *start = node->data.mapping.pairs.start;
	int err = cfg_want_map(cx, node, what);

	for (yaml_node_pair_t *p = start;
	     !err && p < node->data.mapping.pairs.top; p++) {
		yaml_node_t *k = cfg_node(cx, p->key);
		size_t old;
		int ch;

		err = channel_key(cx, k, &ch);
		if (err)
			break;
		old = cfg_push(cx, ".%s", cfg_text(k));
		for (yaml_node_pair_t *q = start; q < p && !err; q++) {
			yaml_node_t *k2 = cfg_node(cx, q->key);

			if (!strcmp(cfg_text(k2), cfg_text(k)))
				err = cfg_err(cx, cfg_line(k),
				              "duplicate key (first on line "
				              "%u)",
				              cfg_line(k2));
		}
		if (!err)
			err = h(cx, ch, cfg_node(cx, p->value), cfg);
		cfg_pop(cx, old);
	}
	return err;
}

static int capacity_one(struct cfg_ctx *cx, int ch, yaml_node_t *v,
                        struct acd_agent_cfg *cfg)
{
	uint64_t n;
	int err = cfg_want_scalar(cx, v, "a number of contacts");

	if (err)
		return err;
	if (cfg_parse_uint(cfg_text(v), &n))
		return cfg_err(cx, cfg_line(v),
		               "expected a whole number, found '%s'",
		               cfg_text(v));
	if (n < 1 || n > CAPACITY_MAX)
		return cfg_err(cx, cfg_line(v), "%s out of range 1..%d",
		               cfg_text(v), CAPACITY_MAX);
	cfg->capacity[ch] = (uint8_t)n;
	return 0;
}

static int blocks_one(struct cfg_ctx *cx, int ch, yaml_node_t *v,
                      struct acd_agent_cfg *cfg)
{
	uint16_t mask = 0;
	int err =
	    cfg_want_seq(cx, v, "a list of channels (such as [voice, chat])");

	for (size_t i = 0; !err && i < seq_len(v); i++) {
		yaml_node_t *item = seq_at(cx, v, i);
		size_t old = cfg_push(cx, "[%zu]", i);
		int other;

		err = channel_key(cx, item, &other);
		if (!err && other == ch)
			err = cfg_err(cx, cfg_line(item),
			              "a channel does not block itself "
			              "(capacity limits it)");
		mask |= (uint16_t)(1u << (other < 0 ? 0 : other));
		cfg_pop(cx, old);
	}
	if (!err)
		cfg->blocks[ch] = mask;
	return err;
}

static int parse_capacity(struct cfg_ctx *cx, const struct cfg_field *f,
                          yaml_node_t *node, void *base)
{
	struct acd_agent_cfg *cfg = (void *)((char *)base + f->off);

	return channel_map(cx, node,
	                   "a mapping of channel: contacts (such as "
	                   "{voice: 1, chat: 3})",
	                   capacity_one, cfg);
}

static int parse_blocks(struct cfg_ctx *cx, const struct cfg_field *f,
                        yaml_node_t *node, void *base)
{
	struct acd_agent_cfg *cfg = (void *)((char *)base + f->off);

	if (!cfg->use_blocks)
		default_blocks(cfg);
	cfg->use_blocks = true;
	return channel_map(cx, node,
	                   "a mapping of channel: [channels] (such as "
	                   "{chat: [voice]})",
	                   blocks_one, cfg);
}

static bool valid_agent_id(const char *s)
{
	return cfg_valid_name(s);
}

static int parse_agent_id(struct cfg_ctx *cx, const struct cfg_field *f,
                          yaml_node_t *node, void *base)
{
	struct center_agent *a = base;
	char *id;
	int err = cfg_want_scalar(cx, node, "an agent id (such as 1001)");

	if (err)
		return err;
	if (!valid_agent_id(cfg_text(node)))
		return cfg_err(cx, cfg_line(node),
		               "'%s' is not a valid agent id (1 to 64 letters, "
		               "digits, '_', '-' or '.')",
		               cfg_text(node));
	if (str_dup(&id, cfg_text(node))) {
		cfg_err(cx, cfg_line(node), "out of memory");
		return ENOMEM;
	}
	a->cfg.id = id;
	cx->agent_id = id;
	return 0;
}

/* "1011-1020": ids from 1011 to 1020; "001-050" keeps the zeros. */
static int parse_range(const char *s, uint64_t *firstp, uint64_t *lastp,
                       int *widthp)
{
	const char *dash = strchr(s, '-');
	char a[24];
	size_t la;

	if (!dash || (la = (size_t)(dash - s)) == 0 || la >= sizeof(a))
		return EINVAL;
	memcpy(a, s, la);
	a[la] = '\0';
	if (cfg_parse_uint(a, firstp) || cfg_parse_uint(dash + 1, lastp) ||
	    strlen(dash + 1) > 18 || la > 18)
		return EINVAL;
	*widthp = a[0] == '0' ? (int)la : 0;
	return *lastp < *firstp ? ERANGE : 0;
}

/* The list handler has parsed the range already and set cx->agent_id. */
static int parse_agent_ids(struct cfg_ctx *cx, const struct cfg_field *f,
                           yaml_node_t *node, void *base)
{
	struct center_agent *a = base;
	char *id;

	if (str_dup(&id, cx->agent_id)) {
		cfg_err(cx, cfg_line(node), "out of memory");
		return ENOMEM;
	}
	a->cfg.id = id;
	return 0;
}

static const struct cfg_field caps_fields[] = {
    {.key = "capacity",
     .type = CT_CUSTOM,
     .parse = parse_capacity,
     .doc_type = "map channel: 1..100",
     .help = "Contacts an agent handles at once per channel.  Channels "
             "not listed keep the default: 1 voice, callback and "
             "outbound call, 3 chats, 3 messages, 5 e-mails, 5 work "
             "orders."},
    {.key = "blocks",
     .type = CT_CUSTOM,
     .parse = parse_blocks,
     .doc_type = "map channel: [channels]",
     .help = "The mixing rule: for a channel, the other channels whose "
             "active contacts stop new offers of it.  The default rule: "
             "a call (voice, callback, outbound) blocks every other "
             "channel, and any contact blocks calls.  Channels not "
             "listed keep the default; [] means nothing blocks it.  "
             "Example: {chat: [voice], email: []} lets an agent take "
             "e-mails during a call but no chat."},
    {0},
};

static const struct cfg_schema agent_defaults_schema = {
    .name = "agent_defaults",
    .where = "tenants[].agent_defaults",
    .help = "Capacity and mixing rule for every agent of the tenant; an "
            "agent's own capacity and blocks override them channel by "
            "channel.",
    .fields = caps_fields,
};

static int parse_agent_defaults(struct cfg_ctx *cx, const struct cfg_field *f,
                                yaml_node_t *node, void *base)
{
	return cfg_map(cx, node, &agent_defaults_schema, &cx->agent_defaults);
}

static const struct cfg_field agent_fields[] = {
    {.key = "id",
     .type = CT_CUSTOM,
     .parse = parse_agent_id,
     .doc_type = "id",
     .help = "The agent's extension and SIP user name, unique in the "
             "tenant (such as \"1001\").  Give id or ids."},
    {.key = "ids",
     .type = CT_CUSTOM,
     .parse = parse_agent_ids,
     .doc_type = "range FIRST-LAST",
     .help = "A range of agents sharing this definition, such as "
             "1011-1020 (at most 10000).  \"{id}\" in name and password "
             "becomes each agent's id."},
    {.key = "name",
     .type = CT_STRING,
     .subst_id = true,
     AT(struct center_agent, cfg.name),
     .help = "Display name shown to supervisors."},
    {.key = "password",
     .type = CT_STRING,
     .subst_id = true,
     AT(struct center_agent, password),
     .help = "SIP digest password of the agent's phone."},
    {.key = "skills",
     .type = CT_CUSTOM,
     .parse = parse_agent_skills,
     .doc_type = "map skill: level",
     .help = "The agent's skills, each at a level 1..10 (10 best).  "
             "Every skill must be in the tenant's skills list."},
    {.key = "capacity",
     .type = CT_CUSTOM,
     .parse = parse_capacity,
     .off = offsetof(struct center_agent, cfg),
     .doc_type = "map channel: 1..100",
     .help = "As in agent_defaults, for this agent."},
    {.key = "blocks",
     .type = CT_CUSTOM,
     .parse = parse_blocks,
     .off = offsetof(struct center_agent, cfg),
     .doc_type = "map channel: [channels]",
     .help = "As in agent_defaults, for this agent."},
    {0},
};

static const struct cfg_schema agent_schema = {
    .name = "agent",
    .where = "tenants[].agents[]",
    .help = "An agent, or with ids a range of agents sharing one "
            "definition (each becomes a separate agent).",
    .fields = agent_fields,
};

struct agent_list {
	size_t cap;
	size_t *entry; /* entry[i]: the list entry agent i comes from */
};

/* One agent (of a range, when id is set) from list entry i. */
static int add_agent(struct cfg_ctx *cx, struct agent_list *al, size_t i,
                     yaml_node_t *item, const char *id)
{
	struct center_tenant *t = cx->tenant;
	struct center_agent *a;
	int err;

	if (t->nagents == al->cap) {
		size_t ncap = al->cap ? al->cap * 2 : 16;
		void *p =
		    t->agents
		        ? mem_realloc(t->agents, ncap * sizeof(*t->agents))
		        : mem_zalloc(ncap * sizeof(*t->agents), NULL);
		void *e = NULL;

		/* libre's mem_realloc() does not take NULL */
		if (p && al->entry)
			e = mem_realloc(al->entry, ncap * sizeof(size_t));
		else if (p)
			e = mem_alloc(ncap * sizeof(size_t), NULL);

		if (p)
			t->agents = p;
		if (!p || !e) {
			cfg_err(cx, cfg_line(item), "out of memory");
			return ENOMEM;
		}
		al->entry = e;
		al->cap = ncap;
	}
	al->entry[t->nagents] = i;
	a = &t->agents[t->nagents++];
	memset(a, 0, sizeof(*a));
	a->line = cfg_line(item);
	memcpy(a->cfg.capacity, cx->agent_defaults.capacity,
	       sizeof(a->cfg.capacity));
	memcpy(a->cfg.blocks, cx->agent_defaults.blocks, sizeof(a->cfg.blocks));
	a->cfg.use_blocks = cx->agent_defaults.use_blocks;
	cx->agent_id = id;
	err = cfg_map(cx, item, &agent_schema, a);
	cx->agent_id = NULL;
	return err;
}

struct id_ref {
	const char *id;
	size_t ai; /* index in the tenant's agents */
};

static int id_ref_cmp(const void *a, const void *b)
{
	const struct id_ref *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x->ai > y->ai) - (x->ai < y->ai);
}

/* Unique ids, in O(n log n) for large ranges.  Reports the first agent in
 * file order whose id an earlier agent has, as a linear check would. */
static int check_agent_ids(struct cfg_ctx *cx, const struct agent_list *al,
                           yaml_node_t *node)
{
	const struct center_tenant *t = cx->tenant;
	size_t n = t->nagents, best = SIZE_MAX, first = 0;
	struct id_ref *v;
	yaml_node_t *item;
	size_t old;
	int err;

	if (n < 2)
		return 0;
	v = mem_alloc(n * sizeof(*v), NULL);
	if (!v) {
		cfg_err(cx, cfg_line(node), "out of memory");
		return ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		v[i].id = t->agents[i].cfg.id;
		v[i].ai = i;
	}
	qsort(v, n, sizeof(*v), id_ref_cmp);
	for (size_t i = 1; i < n; i++) {
		/* v[i - 1] starts or continues a run of equal ids; within a
		 * run the second element is the first repeat in the file */
		if (strcmp(v[i].id, v[i - 1].id) ||
		    (i >= 2 && !strcmp(v[i - 1].id, v[i - 2].id)))
			continue;
		if (v[i].ai < best) {
			best = v[i].ai;
			first = v[i - 1].ai;
		}
	}
	mem_deref(v);
	if (best == SIZE_MAX)
		return 0;
	item = seq_at(cx, node, al->entry[best]);
	old = cfg_push(cx, "[%zu]", al->entry[best]);
	err = key_err(cx, item, cfg_get(cx, item, "ids") ? "ids" : "id",
	              "agent id '%s' is already defined on line %u",
	              t->agents[best].cfg.id, t->agents[first].line);
	cfg_pop(cx, old);
	return err;
}

static int parse_agents(struct cfg_ctx *cx, const struct cfg_field *f,
                        yaml_node_t *node, void *base)
{
	struct agent_list al = {0};
	int err = cfg_want_seq(cx, node, "a list of agents");

	for (size_t i = 0; !err && i < seq_len(node); i++) {
		yaml_node_t *item = seq_at(cx, node, i), *ids;
		size_t old = cfg_push(cx, "[%zu]", i), old2;
		uint64_t first = 0, last = 0;
		int width = 0;

		err = cfg_want_map(cx, item, "a mapping of agent fields");
		if (err)
			goto pop;
		ids = cfg_get(cx, item, "ids");
		if (ids && cfg_get(cx, item, "id")) {
			err = key_err(cx, item, "ids",
			              "give either id or ids, not both");
			goto pop;
		}
		if (!ids) {
			if (!cfg_get(cx, item, "id"))
				err = key_err(cx, item, "id",
				              "required field missing (or "
				              "ids for a range)");
			else
				err = add_agent(cx, &al, i, item, NULL);
			goto pop;
		}
		old2 = cfg_push(cx, ".ids");
		err = cfg_want_scalar(cx, ids,
		                      "a range of ids (such as 1011-1020)");
		if (!err) {
			err = parse_range(cfg_text(ids), &first, &last, &width);
			if (err == ERANGE)
				err = cfg_err(cx, cfg_line(ids),
				              "bad range '%s': the last id is "
				              "below the first",
				              cfg_text(ids));
			else if (err)
				err = cfg_err(cx, cfg_line(ids),
				              "expected a range of ids such as "
				              "1011-1020, found '%s'",
				              cfg_text(ids));
			else if (last - first >= AGENT_RANGE_MAX)
				err = cfg_err(cx, cfg_line(ids),
				              "range '%s' holds more than %d "
				              "agents",
				              cfg_text(ids), AGENT_RANGE_MAX);
		}
		cfg_pop(cx, old2);
		for (uint64_t id = first; !err && id <= last; id++) {
			char idbuf[32];

			snprintf(idbuf, sizeof(idbuf), "%0*llu", width,
			         (unsigned long long)id);
			err = add_agent(cx, &al, i, item, idbuf);
		}
	pop:
		cfg_pop(cx, old);
	}
	if (!err)
		err = check_agent_ids(cx, &al, node);
	mem_deref(al.entry);
	return err;
}

/* --- numbers ------------------------------------------------------------- */

static int parse_number(struct cfg_ctx *cx, const struct cfg_field *f,
                        yaml_node_t *node, void *base)
{
	struct center_number *num = base;
	const char *s;
	int err =
	    cfg_want_scalar(cx, node, "a dialed number (such as \"12345\")");

	if (err)
		return err;
	s = cfg_text(node);
	if (!*s || strlen(s) > 32 || strspn(s, "0123456789+*#") != strlen(s))
		return cfg_err(cx, cfg_line(node),
		               "'%s' is not a dialed number (1 to 32 digits, "
		               "'+', '*' or '#')",
		               s);
	if (str_dup(&num->number, s)) {
		cfg_err(cx, cfg_line(node), "out of memory");
		return ENOMEM;
	}
	return 0;
}

static int number_check(struct cfg_ctx *cx, yaml_node_t *node, void *base)
{
	struct center_number *num = base;
	const struct center_queue *q;
	char buf[512];

	if (num->flow && !center_flow(cx->tenant, num->flow)) {
		size_t n = 0;

		buf[0] = '\0';
		for (size_t i = 0; i < cx->tenant->nflows && n < sizeof(buf);
		     i++)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
			                      i ? ", " : "",
			                      cx->tenant->flows[i].name);
		return key_err(cx, node, "flow",
		               "unknown flow '%s' (%s%s)", num->flow,
		               n ? "the tenant's flows are " : "the tenant "
		                                               "has no flows",
		               buf);
	}
	if (!num->queue && !num->flow)
		return key_err(cx, node, "queue",
		               "required field missing (or flow, for an IVR "
		               "flow)");
	if (!num->queue) {
		/* "" rather than NULL: code that predates flows compares
		 * every number's queue with a name */
		if (str_dup(&num->queue, "")) {
			cfg_err(cx, cfg_line(node), "out of memory");
			return ENOMEM;
		}
		return 0;
	}
	q = find_queue(cx->tenant, num->queue);
	if (!q)
		return key_err(cx, node, "queue",
		               "unknown queue '%s' (the tenant's queues are "
		               "%s)",
		               num->queue,
		               queue_names_text(cx->tenant, buf, sizeof(buf)));
	if (q->cfg.channel != ACD_CH_VOICE)
		return key_err(cx, node, "queue",
		               "queue '%s' serves %s; a dialed number needs "
		               "a voice queue",
		               num->queue, cfg_channel_names[q->cfg.channel]);
	return 0;
}

static const struct cfg_field number_fields[] = {
    {.key = "number",
     .type = CT_CUSTOM,
     .parse = parse_number,
     .required = true,
     .doc_type = "digits",
     .help = "The dialed number (the called party a trunk sends), such "
             "as \"12345\"; unique across all tenants."},
    {.key = "queue",
     .type = CT_NAME,
     AT(struct center_number, queue),
     .help = "The voice queue a call to this number enters directly; "
             "with flow, the queue calls enter when the IVR cannot take "
             "them (a voice channel without IVR, prompts missing).  Give "
             "queue, flow or both."},
    {.key = "flow",
     .type = CT_NAME,
     AT(struct center_number, flow),
     .help = "The IVR flow that answers calls to this number (see "
             "flow)."},
    {.key = "priority",
     .type = CT_UINT,
     AT(struct center_number, priority),
     .min = 0,
     .max = ACD_PRIORITY_MAX,
     .def = "0",
     .help = "Priority of these calls in the queue, 0..9 (9 served "
             "first); a flow's queue nodes give their own."},
    {0},
};

static const struct cfg_schema number_schema = {
    .name = "number",
    .where = "tenants[].numbers[]",
    .help = "A dialed number (DID) of the tenant and the queue its calls "
            "enter, or the IVR flow that answers them.",
    .fields = number_fields,
    .check = number_check,
};

static int parse_numbers(struct cfg_ctx *cx, const struct cfg_field *f,
                         yaml_node_t *node, void *base)
{
	struct center_tenant *t = base;
	const struct center *c = cx->c;
	void *arr;
	size_t n;
	int err = list_alloc(cx, node, "a list of numbers", sizeof(*t->numbers),
	                     &arr, &n);

	if (err)
		return err;
	t->numbers = arr;
	t->nnumbers = n;
	for (size_t i = 0; i < n && !err; i++) {
		struct center_number *num = &t->numbers[i];
		yaml_node_t *item = seq_at(cx, node, i);
		size_t old = cfg_push(cx, "[%zu]", i);

		num->line = cfg_line(item);
		err = item_map(cx, item, &number_schema, num);
		/* earlier tenants, then this one's earlier numbers */
		for (const struct center_tenant *o = c->tenants; !err && o <= t;
		     o++) {
			size_t m = o == t ? i : o->nnumbers;

			for (size_t j = 0; j < m && !err; j++) {
				if (strcmp(o->numbers[j].number, num->number))
					continue;
				err = key_err(cx, item, "number",
				              "number '%s' already belongs to "
				              "tenant '%s' (line %u)",
				              num->number, o->name,
				              o->numbers[j].line);
			}
		}
		cfg_pop(cx, old);
	}
	return err;
}

/* --- tenants and the root ------------------------------------------------ */

static int parse_skills(struct cfg_ctx *cx, const struct cfg_field *f,
                        yaml_node_t *node, void *base)
{
	struct center_tenant *t = base;
	void *arr;
	size_t n;
	int err = list_alloc(cx, node, "a list of skill names",
	                     sizeof(*t->skills), &arr, &n);

	if (err)
		return err;
	t->skills = arr;
	t->nskills = n;
	for (size_t i = 0; i < n && !err; i++) {
		yaml_node_t *item = seq_at(cx, node, i);
		size_t old = cfg_push(cx, "[%zu]", i);

		err = cfg_want_scalar(cx, item, "a skill name");
		if (!err && !cfg_valid_name(cfg_text(item)))
			err = cfg_err(cx, cfg_line(item),
			              "'%s' is not a valid name (1 to 64 "
			              "letters, digits, '_', '-' or '.')",
			              cfg_text(item));
		for (size_t j = 0; j < i && !err; j++) {
			if (!strcmp(t->skills[j], cfg_text(item)))
				err = cfg_err(cx, cfg_line(item),
				              "skill '%s' is listed twice",
				              cfg_text(item));
		}
		if (!err && str_dup(&t->skills[i], cfg_text(item))) {
			cfg_err(cx, cfg_line(item), "out of memory");
			err = ENOMEM;
		}
		cfg_pop(cx, old);
	}
	return err;
}

static const struct cfg_field tenant_fields[] = {
    {.key = "name",
     .type = CT_NAME,
     AT(struct center_tenant, name),
     .required = true,
     .help = "Name of the tenant (an organisation served by the "
             "center), unique."},
    {.key = "description",
     .type = CT_STRING,
     AT(struct center_tenant, description),
     .help = "A line for people, such as \"12345 citizen hotline\"."},
    {.key = "timezone",
     .type = CT_TIMEZONE,
     AT(struct center_tenant, timezone),
     .def = "UTC",
     .help = "IANA time zone of the tenant's reports, opening hours and "
             "day boundaries (such as Asia/Shanghai).  Checked against "
             "the system's zoneinfo when it has one."},
    {.key = "prompts",
     .type = CT_STRING,
     AT(struct center_tenant, prompts),
     .help = "The tenant's own prompt folders, ':'-separated, earlier "
             "first, searched before server.prompts for its calls (same "
             "layout <lang>/<name>.wav and formats, see docs/prompts.md): "
             "its own welcome, menus or hold music under the standard "
             "names; a name they lack is the server's.  Default: the "
             "server's prompts only."},
    {.key = "available_on_register",
     .type = CT_BOOL,
     AT(struct center_tenant, available_on_register),
     .def = "false",
     .help = "When an agent's phone registers, log the agent in as "
             "available (handy for phones without an agent desktop)."},
    {.key = "skills",
     .type = CT_CUSTOM,
     .parse = parse_skills,
     .doc_type = "list of names",
     .help = "Every skill the tenant's queues and agents may name; a "
             "misspelt skill elsewhere is an error."},
    {.key = "agent_defaults",
     .type = CT_CUSTOM,
     .parse = parse_agent_defaults,
     .sub = &agent_defaults_schema,
     .doc_type = "agent_defaults",
     .help = "Capacity and mixing rule shared by every agent (see "
             "below)."},
    {.key = "queues",
     .type = CT_CUSTOM,
     .parse = parse_queues,
     .sub = &queue_schema,
     .doc_type = "list of queue",
     .help = "The tenant's queues (see below)."},
    {.key = "agents",
     .type = CT_CUSTOM,
     .parse = parse_agents,
     .sub = &agent_schema,
     .doc_type = "list of agent",
     .help = "The tenant's agents (see below)."},
    {.key = "languages",
     .type = CT_CUSTOM,
     .parse = cfg_parse_languages,
     .doc_type = "map language: skill",
     .help = "The languages the IVR speaks to the tenant's callers, the "
             "first being the default, each with the skill an agent needs "
             "for its callers (or nothing): {zh: mandarin, ko: korean, "
             "en: english}, or a list [zh, en].  Default: zh, ko, en "
             "without skills.  Every prompt of the tenant's flows must "
             "exist in each."},
    {.key = "hours",
     .type = CT_CUSTOM,
     .parse = cfg_parse_hours,
     .doc_type = "map days: hours",
     .help = "Opening hours in the tenant's time zone, for the flows' "
             "time nodes: {mon-fri: \"08:00-20:00\", sat: \"09:00-12:00, "
             "13:00-17:00\", sun: closed}.  Days are mon..sun, ranges "
             "(mon-fri) or lists (sat,sun); days not given are closed.  "
             "Default: open around the clock."},
    {.key = "holidays",
     .type = CT_CUSTOM,
     .parse = cfg_parse_holidays,
     .doc_type = "list of dates",
     .help = "Days closed whatever the hours say, in the tenant's time "
             "zone: [2026-10-01, 2026-10-02..2026-10-07]."},
    {.key = "flows",
     .type = CT_CUSTOM,
     .parse = cfg_parse_flows,
     .sub = &cfg_flow_schema,
     .doc_type = "map name: flow",
     .help = "IVR flows by name; a number with flow: NAME is answered by "
             "one (see flow)."},
    {.key = "numbers",
     .type = CT_CUSTOM,
     .parse = parse_numbers,
     .sub = &number_schema,
     .doc_type = "list of number",
     .help = "Dialed numbers and the queues or flows they lead to (see "
             "below)."},
    {.key = "workorders",
     .type = CT_CUSTOM,
     .parse = cfg_parse_workorders,
     .sub = &cfg_workorders_schema,
     .doc_type = "workorders",
     .help = "Work orders: categories with their forms and due times, "
             "handling units, routing and follow-up (see workorders)."},
    {.key = "appointments",
     .type = CT_CUSTOM,
     .parse = cfg_parse_appointments,
     .sub = &cfg_appointments_schema,
     .doc_type = "appointments",
     .help = "Services one can book appointments for, with their slots "
             "(see appointments)."},
    {.key = "record",
     .type = CT_BOOL,
     AT(struct center_tenant, record),
     .def = "false",
     .help = "Record the answered calls of every queue of the tenant "
             "(see the queue's record)."},
    {.key = "agent_users",
     .type = CT_BOOL,
     AT(struct center_tenant, agent_users),
     .def = "true",
     .help = "Every agent with a phone password and no user of its own "
             "may sign in to the API as its extension (user 1001) with "
             "the phone's password, with the role agent."},
    {.key = "users",
     .type = CT_CUSTOM,
     .parse = cfg_parse_users,
     .sub = &cfg_user_schema,
     .doc_type = "list of user",
     .help = "Who signs in to the API and the web pages, with which role "
             "(see below)."},
    {.key = "dialout",
     .type = CT_GROUP,
     .sub = &cfg_dialout_schema,
     .help = "Transfers to outside numbers: which trunk, which numbers "
             "(see below)."},
    {.key = "api_keys",
     .type = CT_CUSTOM,
     .parse = cfg_parse_apikeys,
     .sub = &cfg_apikey_schema,
     .doc_type = "list of api_key",
     .help = "API keys of the tenant's systems (the IVR's lookups, a CRM), "
             "usable from the first start (see below)."},
    {0},
};

static int tenant_check(struct cfg_ctx *cx, yaml_node_t *node, void *base)
{
	int err = cfg_tenant_languages_default(cx, node);

	return err ? err : cfg_users_finish(cx, node);
}

static const struct cfg_schema tenant_schema = {
    .name = "tenant",
    .where = "tenants[]",
    .help = "An organisation served by the center, with its own skills, "
            "queues, agents, numbers and IVR flows.  Nothing crosses "
            "tenants.",
    .fields = tenant_fields,
    .check = tenant_check,
};

static int parse_tenants(struct cfg_ctx *cx, const struct cfg_field *f,
                         yaml_node_t *node, void *base)
{
	struct center *c = base;
	void *arr;
	size_t n;
	int err = list_alloc(cx, node, "a list of tenants", sizeof(*c->tenants),
	                     &arr, &n);

	if (err)
		return err;
	if (!n)
		return cfg_err(cx, cfg_line(node),
		               "at least one tenant is "
		               "needed");
	if (n > CENTER_TENANTS_MAX) {
		mem_deref(arr);
		return cfg_err(cx, cfg_line(node),
		               "at most %d tenants are allowed",
		               CENTER_TENANTS_MAX);
	}
	/* room for every slot: tenants added at run time
	 * (src/center/lifecycle.c) never move the others */
	{
		void *big = mem_realloc(arr, CENTER_TENANTS_MAX *
		                                 sizeof(*c->tenants));

		if (!big) {
			mem_deref(arr);
			return cfg_err(cx, cfg_line(node), "out of memory");
		}
		arr = big;
		memset((struct center_tenant *)arr + n, 0,
		       (CENTER_TENANTS_MAX - n) * sizeof(*c->tenants));
	}
	c->tenants = arr;
	c->ntenants = n;
	for (size_t i = 0; i < n && !err; i++) {
		struct center_tenant *t = &c->tenants[i];
		yaml_node_t *item = seq_at(cx, node, i);
		size_t old = cfg_push(cx, "[%zu]", i);

		t->line = cfg_line(item);
		cx->tenant = t;
		memset(&cx->agent_defaults, 0, sizeof(cx->agent_defaults));
		err = item_map(cx, item, &tenant_schema, t);
		for (size_t j = 0; j < i && !err; j++) {
			if (!strcmp(c->tenants[j].name, t->name))
				err = key_err(cx, item, "name",
				              "tenant '%s' is already defined "
				              "on line %u",
				              t->name, c->tenants[j].line);
		}
		if (!err && cfg_source(cx, item, &t->source))
			err = cfg_err(cx, t->line, "out of memory");
		cx->tenant = NULL;
		cfg_pop(cx, old);
	}
	return err;
}

static const struct cfg_field root_fields[] = {
    {.key = "server",
     .type = CT_GROUP,
     .sub = &server_schema,
     .help = "Listening addresses, database, logging (see below)."},
    {.key = "trunks",
     .type = CT_CUSTOM,
     .parse = parse_trunks,
     .sub = &trunk_schema,
     .doc_type = "list of trunk",
     .help = "Carriers allowed to send calls (see below)."},
    {.key = "platform",
     .type = CT_GROUP,
     .sub = &cfg_platform_schema,
     .help = "The platform's operators, above the tenants (see "
             "platform)."},
    {.key = "tenants",
     .type = CT_CUSTOM,
     .parse = parse_tenants,
     .sub = &tenant_schema,
     .doc_type = "list of tenant",
     .required = true,
     .help = "At least one tenant (see below)."},
    {0},
};

const struct cfg_schema cfg_root_schema = {
    .name = "center",
    .where = "(top level)",
    .help = "The file holds one mapping with these keys.",
    .fields = root_fields,
};
