/**
 * @file center.h  The center definition: one human-edited YAML file.
 *
 * Owns: the parsed model of the center (server settings, trunks with their
 * outbound settings, the platform's operators, and up to CENTER_TENANTS_MAX
 * tenants with their skills, queues, agents, dialed numbers, users, API
 * keys, IVR languages, opening hours, holidays, IVR flows, dial-out rules,
 * work orders and appointments).  Every string and array in the model is
 * owned by the struct center (one mem_deref frees all).
 *
 * Offers: center_load() parses and validates a file; every error names the
 * file, line and field ("etc/demo.yaml:42: tenants[0].queues[1].strategy:
 * unknown strategy 'fastest' (expected longest-idle, ...)") and nothing is
 * returned on error.  center_apply() builds the routing engine's tenants,
 * skills, queues and agents from the model (center_apply_tenant() one
 * tenant).  The tenant lifecycle: a definition (one tenant, same format)
 * loaded and checked, adopted into a free slot, removed, exported as YAML.
 * center_outside() says whether a tenant may dial an outside number and
 * how.  Lookups by tenant, agent and number skip removed tenants.
 *
 * Threads: any for a model nobody changes (center_load(), the tools).  In
 * the daemon the model is read-only except for the tenant lifecycle, which
 * runs on the control loop (src/api/tenants.c: a tenant adopted into a
 * free slot, marked suspended or removed; nothing moves, so pointers into
 * the model stay valid, and a removed tenant's memory stays until the
 * daemon stops).  Other threads may read a tenant they were handed, not
 * walk the list of tenants while the loop may add one.
 */
#ifndef HOTLINE_CENTER_H
#define HOTLINE_CENTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "acd/acd.h"

struct center_queue {
	unsigned line;                 /* where it is defined */
	struct acd_queue_cfg cfg;      /* pointers into this model */
	struct acd_skill_req *reqs;    /* cfg.reqs.v */
	struct acd_relax_step *relax;  /* cfg.relax */
	/* voice queues: what a waiting caller hears, and recording */
	char *music;                   /* music on hold (WAV file), NULL:
					  the prompt set's common/moh/default */
	uint32_t announce_every_s;     /* position and wait, 0 = never */
	bool record;                   /* record answered calls (also when
					  the tenant's record is set) */
	bool offer_callback;           /* key 1 while waiting: a callback */
	bool offer_voicemail;          /* key 2 while waiting: a message */
};

struct center_agent {
	unsigned line;
	struct acd_agent_cfg cfg;      /* pointers into this model */
	struct acd_agent_skill *skills;/* cfg.skills */
	char *password;                /* SIP digest password, may be NULL */
};

struct center_number {
	unsigned line;
	char *number;                  /* dialed number, e.g. "12345" */
	char *queue;                   /* queue entered by a call to it;
					  with flow, the fallback when the
					  IVR cannot take it; "" for a flow
					  without one */
	uint8_t priority;              /* contact priority 0..9, default 0 */
	char *flow;                    /* IVR flow answering it, or NULL */
};

/* --- IVR flows --------------------------------------------------------------
 * A flow is a small graph of nodes; the model keeps each node's settings
 * and its edges resolved to indexes into the flow's nodes.  src/ivr runs
 * callers through it.  Everything was checked at load: every edge leads to
 * a node of the flow, every prompt is in the catalog of every language the
 * tenant speaks, every queue and skill exists, every variable used is set
 * somewhere, and no cycle of nodes can run without waiting for the caller.
 */

#define CENTER_NODE_NONE SIZE_MAX /* an absent edge */
/** The variables the IVR sets itself (NULL-terminated): caller, called,
 *  language, tenant, flow, path. */
extern const char *const center_ivr_vars[];
#define CENTER_DIGITS_MAX 64 /* longest collected entry */

enum center_node_type {
	CENTER_NODE_PLAY = 0,  /* play prompts, go on */
	CENTER_NODE_MENU,      /* one digit chooses the next node */
	CENTER_NODE_COLLECT,   /* several digits into a variable */
	CENTER_NODE_LANGUAGE,  /* set the caller's language */
	CENTER_NODE_TIME,      /* open, closed or holiday now? */
	CENTER_NODE_QUEUE,     /* hand the call to the routing engine */
	CENTER_NODE_TRANSFER,  /* to an extension or external number */
	CENTER_NODE_HTTP,      /* ask the tenant's own system */
	CENTER_NODE_VOICEMAIL, /* record a message, hang up */
	CENTER_NODE_CALLBACK,  /* ask to be called back, hang up */
	CENTER_NODE_HANGUP,
	CENTER_NODE_NTYPES
};

/** One entry of a prompt list: a prompt, or a variable spoken. */
enum center_say_kind {
	CENTER_SAY_PROMPT = 0, /* name: a prompt of the catalog */
	CENTER_SAY_NUMBER,     /* name: a variable read as a number */
	CENTER_SAY_DIGITS,     /* name: a variable read digit by digit */
	CENTER_SAY_TIME,       /* name: a variable "2026-11-24 09:30" read
	                          as a date and time of day */
};

struct center_say {
	unsigned line;
	enum center_say_kind kind;
	char *lang; /* "ko:lang/option": this language;
	               NULL: the caller's */
	char *name;
};

struct center_prompts {
	struct center_say *v;
	size_t n;
	bool set; /* given in the file (even empty) */
};

/** A node reference: the name as written, and the index it resolves to. */
struct center_edge {
	char *name;  /* NULL: absent */
	size_t node; /* CENTER_NODE_NONE when absent */
};

struct center_choice {
	char digit; /* 0-9, '*', '#', A-D */
	struct center_edge to;
};

struct center_case {
	char *value; /* the field's text, e.g. "paid" */
	struct center_edge to;
};

struct center_store {
	char *var;  /* session variable */
	char *path; /* JSON field, "bill.amount" */
};

enum center_http_method { CENTER_HTTP_GET = 0, CENTER_HTTP_POST };

struct center_node {
	unsigned line;
	char *name;
	enum center_node_type type;
	struct center_prompts prompts; /* played on entering the node */
	bool barge_in;                 /* a digit stops the prompts */
	struct center_edge next;       /* play, language, collect, http
	                                  (default branch), callback (after
	                                  the request) */
	struct center_edge on_error;   /* queue, transfer, http, voicemail,
	                                  callback; absent: an apology and
	                                  hang up */
	char *var;                     /* menu, collect: where the input
	                                  goes (default: the node's name) */

	/* menu and collect */
	struct center_choice *choices;
	size_t nchoices;
	uint32_t timeout_s;          /* silence after the prompts */
	uint32_t digit_timeout_s;    /* collect: between digits */
	uint32_t retries;            /* replays after silence or a wrong
	                                entry */
	struct center_edge no_input; /* silence on the last try */
	struct center_edge invalid;  /* wrong entry on the last try
	                                (absent: as no_input) */
	struct center_prompts no_input_prompts;
	struct center_prompts invalid_prompts;
	uint32_t min_digits, max_digits;
	char terminator; /* '\0': none */

	/* language */
	char *lang;

	/* time */
	struct center_edge open, closed, holiday;

	/* queue, voicemail, callback */
	char *queue;
	uint8_t priority;
	struct acd_skill_req *skills; /* queue: on top of the queue's own */
	size_t nskills;

	/* transfer */
	char *target;

	/* http */
	char *url; /* with ${var} placeholders */
	enum center_http_method method;
	uint32_t http_timeout_s;
	struct center_store *store;
	size_t nstore;
	char *switch_path; /* JSON field to branch on, or NULL */
	struct center_case *cases;
	size_t ncases;
	struct center_prompts error_prompts;

	/* callback */
	char *number_var;              /* the number to call back */
	struct center_prompts confirm; /* after the request */
};

struct center_flow {
	unsigned line;
	char *name;
	struct center_node *nodes; /* nodes[0] is where a call starts */
	size_t nnodes;
};

/** An IVR language and the skill its callers need. */
struct center_language {
	char *code;  /* "zh", "ko", "en" */
	char *skill; /* borrowed from skills, or NULL */
};

/** Opening hours of one day: ranges of minutes since local midnight. */
#define CENTER_DAY_RANGES 8
struct center_day {
	struct {
		uint16_t from, to; /* 0..1440, from < to */
	} r[CENTER_DAY_RANGES];
	uint8_t n; /* 0: closed all day */
};

/** A holiday, or a run of them: local days since 1970-01-01. */
struct center_holiday {
	int64_t first, last;
};

/* --- work orders and appointments (src/crm) -------------------------------
 * Per tenant: the categories of work orders with their form fields and due
 * times by priority, the handling units that answer them, and the services
 * one can book appointments for. */

enum center_field_type {
	CENTER_FIELD_TEXT = 0,
	CENTER_FIELD_NUMBER,
	CENTER_FIELD_CHOICE,
	CENTER_FIELD_DATE,  /* YYYY-MM-DD */
	CENTER_FIELD_PHONE,
	CENTER_FIELD_NTYPES
};

#define CENTER_PRIORITIES 4 /* low, normal, high, urgent (store order) */

struct center_wo_field {
	unsigned line;
	char *name;
	char *title;
	enum center_field_type type;
	bool required;
	char **choices; /* choice */
	size_t nchoices;
	uint32_t max_len; /* text: longest value in bytes */
};

struct center_wo_category {
	unsigned line;
	char *name;
	char *title;
	struct center_wo_field *fields;
	size_t nfields;
	uint32_t due_s[CENTER_PRIORITIES]; /* answer due after, by priority */
	char *unit; /* default handling unit, or NULL */
};

/** A handling unit (a city department, a back office) and its users (log
 *  in names; their passwords and roles are the tenant's users). */
struct center_unit {
	unsigned line;
	char *name;
	char *title;
	char **users;
	size_t nusers;
};

struct center_workorders {
	bool set;              /* the tenant has a workorders section */
	char *queue;           /* workorder-channel queue for orders that need
	                          an agent, or NULL (not routed) */
	uint32_t warn_pct;     /* flag "near due" at this % of the time */
	uint32_t attach_max;   /* bytes */
	char **types;          /* allowed attachment types (MIME) */
	size_t ntypes;
	char *followup;        /* "call" or "message" */
	char **survey_queues;  /* voice queues with the post-call survey */
	size_t nsurvey;
	struct center_wo_category *categories;
	size_t ncategories;
	struct center_unit *units;
	size_t nunits;
};

struct center_service {
	unsigned line;
	char *name;
	char *title;
	struct center_day week[7]; /* when slots are offered */
	uint32_t slot_s;           /* length of a slot */
	uint32_t capacity;         /* bookings per slot */
	uint32_t days_ahead;       /* slots made this many days ahead */
};

/** A person or system signing in to the API (see src/auth). */
struct center_user {
	unsigned line;
	char *username;                /* unique in the tenant */
	char *password;                /* plain text, or NULL */
	char *password_hash;           /* crypt-style "$argon2id$...", or NULL;
					  exactly one of the two is set */
	char *role;                    /* "admin", "supervisor", "agent" */
	char *agent;                   /* agent id (role agent), or NULL */
	char *language;                /* "zh", "ko", "en", or NULL */
	char *name;                    /* display name, or NULL */
	bool automatic;                /* made from an agent's phone password
					  (agent_users), not listed */
};

/** Calls out through a trunk (outbound.c); uri NULL: inbound only. */
struct center_outbound {
	char *uri;                     /* "sip:127.0.0.1:5070" */
	char *transport;               /* "udp" or "tcp" */
	char *username, *password;     /* digest answers to 401/407 */
	char *caller_id;               /* From user, NULL: the tenant's */
	uint32_t strip;                /* leading characters removed */
	char *prefix;                  /* then put in front, or NULL */
	uint32_t ring_timeout_s;
};

/** What a tenant may dial out (outbound.c). */
struct center_dialout {
	bool enabled;
	char *trunk_name;              /* NULL: the first outbound trunk */
	const struct center_trunk *trunk; /* resolved; NULL: none */
	char *caller_id;               /* NULL: the trunk's, or the tenant's
					  first number */
	char **allow;                  /* prefixes; none: any number */
	size_t nallow;
	char **deny;                   /* prefixes refused (first) */
	size_t ndeny;
};

/** An API key declared in the center file (see src/auth). */
struct center_apikey {
	unsigned line;
	char *name;     /* unique in the tenant */
	char *role;     /* "supervisor" (default), "admin", "agent", "unit" */
	char *agent;    /* role agent: the agent id, else NULL */
	char *key;      /* plain text (demo), or NULL */
	char *key_hash; /* BLAKE2b-256 hex of the key, or NULL; exactly one
	                   of key and key_hash is set */
};

struct center_tenant {
	unsigned line;
	char *name;
	char *description;
	char *timezone;                /* IANA name, default "UTC" */
	char *prompts;                 /* own prompt folders, ':'-separated,
					  before the server's; NULL: none */
	bool available_on_register;    /* phone registration -> available */
	char **skills;
	size_t nskills;
	struct center_queue *queues;
	size_t nqueues;
	struct center_agent *agents;
	size_t nagents;
	struct center_number *numbers;
	size_t nnumbers;
	struct center_language *languages; /* [0] is the default */
	size_t nlanguages;
	bool has_hours;                /* false: open around the clock */
	struct center_day week[7];     /* [0] Monday .. [6] Sunday */
	struct center_holiday *holidays;
	size_t nholidays;
	struct center_flow *flows;
	size_t nflows;
	struct center_workorders workorders;
	struct center_service *services; /* appointments */
	size_t nservices;
	bool record;                   /* record every queue's answered calls */
	bool agent_users;              /* every agent with a password and no
					  user of its own signs in as its
					  extension with that password */
	struct center_user *users;     /* listed users, then the automatic
					  ones of agent_users */
	size_t nusers;
	struct center_dialout dialout; /* calls to outside numbers */
	/* Run-time state, not read from the file: written on the control
	 * loop only, by the tenant lifecycle (src/center/lifecycle.c) */
	bool suspended;                /* calls refused, users locked out */
	bool removed;                  /* deleted: lookups skip it */
	char *source;                  /* the tenant's YAML text as written
					  (for export), or NULL */
	struct center_apikey *apikeys; /* api_keys */
	size_t napikeys;
};

/** A carrier's SIP trunk: calls from this address are accepted. */
struct center_trunk {
	unsigned line;
	char *name;
	char *address;                 /* source IP address */
	uint16_t port;                 /* 0 = any source port */
	struct center_outbound out;    /* calls out (outbound.c) */
};

struct center_server {
	char *sip_listen;              /* "127.0.0.1:5060", UDP and TCP */
	char *http_listen;             /* "127.0.0.1:8080" */
	char *database;                /* SQLite file, e.g. "var/hotline.db" */
	char *log_level;               /* debug, info, warn, error */
	char *recordings;              /* folder of call recordings and
					  voicemail, NULL: "recordings" beside
					  the database */
	char *prompts;                 /* prompt folders, ':'-separated;
					  NULL: the daemon's default */
	uint32_t media_priority;       /* SCHED_FIFO priority of the media
					  threads, 0 = normal scheduling */
};

struct center {
	char *path;                    /* the file it was read from */
	struct center_server server;
	struct center_trunk *trunks;
	size_t ntrunks;
	struct center_tenant *tenants; /* room for CENTER_TENANTS_MAX: a
					  tenant added at run time never
					  moves the others */
	size_t ntenants;               /* used slots, removed ones too */
	struct center_user *operators; /* platform.users: role "operator" */
	size_t noperators;
};

#define CENTER_TENANTS_MAX 64 /* tenant slots, removed ones included */

/* --- load.c -------------------------------------------------------------- */

/** Parse and validate a center definition.  On error returns an errno code
 *  (ENOENT unreadable file, EINVAL invalid content) and writes one message
 *  naming file, line and field into err. */
int center_load(struct center **cp, const char *path, char *err,
		size_t errsz);

/* --- outbound.c: outside numbers ---------------------------------------- */

/** May tenant t call number outside?  0 (*tp: the trunk), EINVAL (not an
 *  outside number: 3 to 20 digits, with or without a leading '+'),
 *  ENOTSUP (no outbound trunk for the tenant, or dialing out is off),
 *  EACCES (a deny prefix matched, or no allow prefix did).  The caller
 *  checks the tenant's own numbers and extensions first. */
int center_outside(const struct center_tenant *t, const char *number,
		   const struct center_trunk **tp);
/** The number as sent to the trunk (strip, then prefix) into buf. */
void center_outside_dial(const struct center_trunk *tr, const char *number,
			 char *buf, size_t sz);
/** The number presented (From user): the tenant's caller_id, else the
 *  trunk's, else the tenant's first number, else "anonymous". */
const char *center_outside_caller_id(const struct center_tenant *t,
				     const struct center_trunk *tr);
/** The same from text in memory; name stands for the file in errors
 *  ("definition:12: tenants[0].queues[1]...").  text need not end in NUL. */
int center_load_text(struct center **cp, const char *name, const char *text,
		     size_t len, char *err, size_t errsz);

/* --- tenants.c: tenants added and removed at run time -------------------- */

/** A tenant definition: the center format with only tenants: and exactly
 *  one tenant (as center_tenant_export() writes it).  EINVAL with the
 *  message in err. */
int center_definition_load(struct center **cp, const char *name,
			   const char *text, size_t len, char *err,
			   size_t errsz);
/** May def's tenant join c (replaces NULL), or take the place of the live
 *  tenant replaces (same name)?  0, EEXIST (name or a number taken),
 *  ENOENT (no tenant replaces), EINVAL (another name), ENOSPC (no slot);
 *  the reason in err. */
int center_tenant_check_new(const struct center *c, const struct center *def,
			    const char *replaces, char *err, size_t errsz);
/** Move def's one tenant into c's next slot (def keeps nothing of it). On
 *  the control loop only: readers of the model run there too. */
int center_tenant_adopt(struct center *c, struct center *def,
			const struct center_tenant **tp);
/** Mark a tenant removed: lookups skip it from now on; its memory stays
 *  until c is freed (calls in progress may point at it).  ENOENT. */
int center_tenant_remove(struct center *c, const char *name);
/** The tenant's definition as YAML text a definition load accepts (its
 *  text as written, comments kept) into *textp (mem string).  ENOTSUP if
 *  the model has no text of it (built without a file). */
int center_tenant_export(const struct center_tenant *t, char **textp);

/* --- apply.c ------------------------------------------------------------- */

/** Create the tenants, skills, queues and agents of c in the engine.  The
 *  engine copies what it keeps, so c may be freed afterwards.  On error
 *  (EEXIST if a tenant is already there; the message names file, line and
 *  the engine's reason) the engine holds part of the center: discard it. */
int center_apply(const struct center *c, struct acd *acd, char *err,
		 size_t errsz);
/** The same for one tenant of c (added at run time). */
int center_apply_tenant(const struct center *c, const struct center_tenant *t,
			struct acd *acd, char *err, size_t errsz);

/* --- lookup.c ------------------------------------------------------------ */

/** Lookups in the model. */
const struct center_tenant *center_tenant(const struct center *c,
					  const char *name);
const struct center_agent *center_agent(const struct center_tenant *t,
					const char *id);
/** Whether the callers of queue are asked to rate the call after the agent
 *  hangs up (the tenant's workorders.survey_queues). */
bool center_survey_queue(const struct center_tenant *t, const char *queue);
/** The tenant and number entry for a dialed number, or NULL. */
const struct center_number *center_number(const struct center *c,
					  const char *number,
					  const struct center_tenant **tp);
/** A user of a tenant by name, or NULL. */
const struct center_user *center_user(const struct center_tenant *t,
				      const char *username);
/** A platform operator by name, or NULL. */
const struct center_user *center_operator(const struct center *c,
					  const char *username);
/** A flow of a tenant by name, or NULL. */
const struct center_flow *center_flow(const struct center_tenant *t,
				      const char *name);
/** A language of a tenant by code, or NULL. */
const struct center_language *center_language(const struct center_tenant *t,
					      const char *code);
/** A work-order category, unit or appointment service by name, or NULL. */
const struct center_wo_category *
center_wo_category(const struct center_tenant *t, const char *name);
const struct center_unit *center_unit(const struct center_tenant *t,
				      const char *name);
const struct center_service *center_service(const struct center_tenant *t,
					    const char *name);
/** The unit whose users include user, or NULL. */
const struct center_unit *center_unit_of_user(const struct center_tenant *t,
					      const char *user);
/** Names of the field types ("text", ...), NULL-terminated. */
extern const char *const center_field_type_names[];

/** Name of a node type ("menu"), "?" if out of range. */
const char *center_node_type_name(enum center_node_type type);

/* --- doc.c --------------------------------------------------------------- */

/** Print the Markdown reference of the file format (docs/center.md is this
 *  output), generated from the same tables the loader validates with. */
int center_doc_print(FILE *f);

#endif
