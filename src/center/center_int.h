/**
 * @file center_int.h  Private to src/center: the declarative description of the
 * center definition file and the walker that applies it.
 *
 * Owns: nothing at run time; the tables are constant.
 *
 * Offers: one table per kind of YAML mapping (server, trunk, tenant, queue,
 * agent, ...), each row naming a key, its type, where the value goes in the
 * model, its bounds, its default (as the text a user would write, parsed by
 * the same code) and its help.  load.c walks a YAML document with these
 * tables; doc.c prints docs/center.md from the very same rows, so what is
 * documented is what is accepted.
 *
 * Threads: any; a cfg_ctx belongs to one center_load() call.
 */
#ifndef HOTLINE_CENTER_INT_H
#define HOTLINE_CENTER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <yaml.h>

#include "center/center.h"

enum cfg_type {
	CT_STRING,   /* any scalar, as text */
	CT_NAME,     /* identifier: letters, digits, '_', '-', '.' */
	CT_BOOL,     /* true/false (also yes/no) */
	CT_UINT,     /* whole number within min..max */
	CT_DURATION, /* seconds: 20, "20s", "2m", "1h30m"; within min..max */
	CT_RATIO,    /* 0..1, or a percentage "80%" */
	CT_ENUM,     /* one of names[]; stored as its index (or as text) */
	CT_IP,       /* an IPv4 or IPv6 address */
	CT_HOSTPORT, /* "IP:PORT" or "[IPv6]:PORT" */
	CT_TIMEZONE, /* IANA time zone name */
	CT_GROUP,    /* nested mapping whose fields go into the same struct */
	CT_CUSTOM,   /* parsed by a handler of its own */
};

struct cfg_ctx;
struct cfg_field;

/** Parse node (never NULL) into base; returns 0 or EINVAL/ENOMEM after
 *  writing the error with cfg_err(). */
typedef int(cfg_parse_h)(struct cfg_ctx *cx, const struct cfg_field *f,
                         yaml_node_t *node, void *base);
/** Object-level checks after every field of a mapping was parsed. */
typedef int(cfg_check_h)(struct cfg_ctx *cx, yaml_node_t *node, void *base);

struct cfg_schema;

struct cfg_field {
	const char *key;
	enum cfg_type type;
	size_t off;  /* where in base the value goes */
	size_t size; /* size of that member */
	bool required;
	bool as_text;                 /* CT_ENUM: store the name (char *) */
	bool subst_id;                /* CT_STRING: "{id}" -> agent id */
	uint32_t min, max;            /* CT_UINT, CT_DURATION */
	const char *def;              /* default, as a user would write it */
	const char *const *names;     /* CT_ENUM, NULL-terminated */
	const struct cfg_schema *sub; /* CT_GROUP; list element (docs) */
	cfg_parse_h *parse;           /* CT_CUSTOM */
	const char *doc_type;         /* CT_CUSTOM: type shown in docs */
	const char *help;
};

struct cfg_schema {
	const char *name;               /* "queue": heading and anchor */
	const char *where;              /* "tenants[].queues[]" */
	const char *help;               /* a paragraph for the docs */
	const struct cfg_field *fields; /* ends with a row whose key is NULL */
	cfg_check_h *check;
};

struct cfg_ctx {
	const char *file;
	yaml_document_t *doc;
	struct center *c;
	struct center_tenant *tenant;        /* being parsed */
	struct acd_agent_cfg agent_defaults; /* tenant's capacity/blocks */
	const char *agent_id;                /* for "{id}" in agent strings */
	unsigned line;                       /* of the mapping being walked */
	char path[512];                      /* "tenants[0].queues[1]" */
	size_t plen;
	char *err;
	size_t errsz;
	const char *text; /* the whole document as read, or NULL */
	size_t textlen;
	bool definition;  /* a tenant's definition: no center around it */
};

/* --- schema.c ------------------------------------------------------------ */

extern const struct cfg_schema cfg_root_schema;
extern const char *const cfg_channel_names[];  /* acd_channel order */
extern const char *const cfg_strategy_names[]; /* acd_strategy order */
extern const char *const cfg_overflow_names[]; /* acd_overflow_action */

/* Helpers shared by the handlers of schema.c, flow.c and calendar.c. */
size_t cfg_seq_len(const yaml_node_t *n);
yaml_node_t *cfg_seq_at(struct cfg_ctx *cx, yaml_node_t *n, size_t i);
/** A zeroed array for a list of n elements; *arrp is NULL for n == 0. */
int cfg_list_alloc(struct cfg_ctx *cx, yaml_node_t *node, const char *what,
                   size_t elemsz, void **arrp, size_t *np);
/** An error about the value of key in mapping node (path gets ".key"); at
 *  the mapping's line when the key is absent. */
int cfg_key_err(struct cfg_ctx *cx, yaml_node_t *node, const char *key,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/** A list entry: a mapping walked with schema s. */
int cfg_item_map(struct cfg_ctx *cx, yaml_node_t *item,
                 const struct cfg_schema *s, void *base);
/** {skill: level} of the tenant being parsed; *vp NULL when empty. */
int cfg_skill_map(struct cfg_ctx *cx, yaml_node_t *node,
                  struct acd_skill_req **vp, size_t *np);
const struct center_queue *cfg_find_queue(const struct center_tenant *t,
                                          const char *name);
/** "a, b, c": the tenant's queue names. */
const char *cfg_queue_names(const struct center_tenant *t, char *buf,
                            size_t sz);
/** "the tenant's skills are a, b" (or "... list is empty"). */
const char *cfg_skill_names(const struct center_tenant *t, char *buf,
                            size_t sz);

/* --- calendar.c: languages, opening hours, holidays ----------------------- */

cfg_parse_h cfg_parse_languages;
cfg_parse_h cfg_parse_hours;
cfg_parse_h cfg_parse_holidays;
/** Defaults once the tenant is parsed (every catalog language). */
int cfg_tenant_languages_default(struct cfg_ctx *cx, yaml_node_t *node);
void cfg_calendar_free(struct center_tenant *t);

/* --- flow.c: IVR flows ---------------------------------------------------- */

cfg_parse_h cfg_parse_flows;
/** The node types, for the docs (each row's sub is that type's table). */
extern const struct cfg_schema cfg_flow_schema;
void cfg_flows_free(struct center_tenant *t);

/* --- workorders.c: work orders and appointments --------------------------- */

cfg_parse_h cfg_parse_workorders;
cfg_parse_h cfg_parse_appointments;
extern const struct cfg_schema cfg_workorders_schema;
extern const struct cfg_schema cfg_appointments_schema;
void cfg_workorders_free(struct center_tenant *t);
/* --- users.c: who signs in to the API ------------------------------------ */

cfg_parse_h cfg_parse_users;
extern const struct cfg_schema cfg_user_schema;
/** After the tenant is parsed: the automatic users of agent_users. */
int cfg_users_finish(struct cfg_ctx *cx, yaml_node_t *node);
void cfg_users_free(struct center_tenant *t);
/** platform: (users: the operators). */
extern const struct cfg_schema cfg_platform_schema;
extern const struct cfg_schema cfg_operator_schema;
void cfg_platform_free(struct center *c);

/* --- outbound.c: calls out through a trunk --------------------------------- */

extern const struct cfg_schema cfg_trunk_outbound_schema;
extern const struct cfg_schema cfg_dialout_schema;
void cfg_outbound_free(struct center *c);
void cfg_dialout_free(struct center_tenant *t);
/** The trunk of c that dialout d uses: the one named, else the first with
 *  an outbound uri.  0 (*trp may be NULL: none), ENOENT (no trunk of that
 *  name), EINVAL (it has no outbound uri). */
int cfg_dialout_find(const struct center *c, const struct center_dialout *d,
                     const struct center_trunk **trp);

/* --- apikeys.c: API keys declared in the file ----------------------------- */

cfg_parse_h cfg_parse_apikeys;
extern const struct cfg_schema cfg_apikey_schema;
void cfg_apikeys_free(struct center_tenant *t);

/* --- load.c: the walker -------------------------------------------------- */

/** Write "file:line: path: message" and return EINVAL. */
int cfg_err(struct cfg_ctx *cx, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Append to the path ("%s" forms like ".queues" or "[%zu]"); returns
 *  the previous length for cfg_pop(). */
size_t cfg_push(struct cfg_ctx *cx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cfg_pop(struct cfg_ctx *cx, size_t len);

/** center_load_text() of a tenant definition: only tenants: at the top. */
int cfg_load_definition(struct center **cp, const char *name,
                        const char *text, size_t len, char *err,
                        size_t errsz);
unsigned cfg_line(const yaml_node_t *node);
/** The text of node as written (first line at column 0, the rest moved
 *  left by as much), NUL-terminated, into *textp (NULL without text). */
int cfg_source(struct cfg_ctx *cx, const yaml_node_t *node, char **textp);
yaml_node_t *cfg_node(struct cfg_ctx *cx, int index);
/** The value of key in a mapping, NULL if absent or null. */
yaml_node_t *cfg_get(struct cfg_ctx *cx, yaml_node_t *map, const char *key);
/** The key node of key in a mapping (for error lines), or NULL. */
yaml_node_t *cfg_get_key(struct cfg_ctx *cx, yaml_node_t *map, const char *key);
bool cfg_is_null(const yaml_node_t *node);
const char *cfg_text(const yaml_node_t *node); /* scalar value */
const char *cfg_kind(const yaml_node_t *node); /* "a mapping", ... */

/** Check that node is a scalar, else write the error. */
int cfg_want_scalar(struct cfg_ctx *cx, yaml_node_t *node, const char *what);
int cfg_want_seq(struct cfg_ctx *cx, yaml_node_t *node, const char *what);
int cfg_want_map(struct cfg_ctx *cx, yaml_node_t *node, const char *what);

/** Walk a mapping (NULL: absent, so defaults apply) with a schema. */
int cfg_map(struct cfg_ctx *cx, yaml_node_t *node, const struct cfg_schema *s,
            void *base);

/** Value parsers, shared with the custom handlers. */
int cfg_parse_uint(const char *s, uint64_t *vp);
int cfg_parse_duration(const char *s, uint64_t *vp);
bool cfg_valid_name(const char *s);
/** Index of s in a NULL-terminated name list, or -1. */
int cfg_name_index(const char *const *names, const char *s);
/** Levenshtein distance of two short strings (99 beyond 64 characters). */
size_t cfg_edit_distance(const char *a, const char *b);
/** "a, b, c" of a name list, into buf. */
const char *cfg_names_join(const char *const *names, char *buf, size_t sz);

/* --- doc.c --------------------------------------------------------------- */

/** The minimal example shown in the docs (a test loads it). */
extern const char cfg_doc_example[];

/** The type of a field as shown in the docs and in errors. */
const char *cfg_type_text(const struct cfg_field *f, char *buf, size_t sz);

#endif
