/**
 * @file center.h  The center definition: one human-edited YAML file.
 *
 * Owns: the parsed model of the center (server settings, trunks, tenants
 * with their skills, queues, agents and dialed numbers).  Every string and
 * array in the model is owned by the struct center (one mem_deref frees all).
 *
 * Offers: center_load() parses and validates a file; every error names the
 * file, line and field ("etc/demo.yaml:42: tenants[0].queues[1].strategy:
 * unknown strategy 'fastest' (expected longest-idle, ...)") and nothing is
 * returned on error.  center_apply() builds the routing engine's tenants,
 * skills, queues and agents from the model.
 *
 * Threads: any; the model is immutable after center_load().
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
	char *queue;                   /* queue entered by a call to it */
	uint8_t priority;              /* contact priority 0..9, default 0 */
};

struct center_tenant {
	unsigned line;
	char *name;
	char *description;
	char *timezone;                /* IANA name, default "UTC" */
	bool available_on_register;    /* phone registration -> available */
	char **skills;
	size_t nskills;
	struct center_queue *queues;
	size_t nqueues;
	struct center_agent *agents;
	size_t nagents;
	struct center_number *numbers;
	size_t nnumbers;
};

/** A carrier's SIP trunk: calls from this address are accepted. */
struct center_trunk {
	unsigned line;
	char *name;
	char *address;                 /* source IP address */
	uint16_t port;                 /* 0 = any source port */
};

struct center_server {
	char *sip_listen;              /* "127.0.0.1:5060", UDP and TCP */
	char *http_listen;             /* "127.0.0.1:8080" */
	char *database;                /* SQLite file, e.g. "var/hotline.db" */
	char *log_level;               /* debug, info, warn, error */
};

struct center {
	char *path;                    /* the file it was read from */
	struct center_server server;
	struct center_trunk *trunks;
	size_t ntrunks;
	struct center_tenant *tenants;
	size_t ntenants;
};

/* --- load.c -------------------------------------------------------------- */

/** Parse and validate a center definition.  On error returns an errno code
 *  (ENOENT unreadable file, EINVAL invalid content) and writes one message
 *  naming file, line and field into err. */
int center_load(struct center **cp, const char *path, char *err,
		size_t errsz);

/* --- apply.c ------------------------------------------------------------- */

/** Create the tenants, skills, queues and agents of c in the engine.  The
 *  engine copies what it keeps, so c may be freed afterwards.  On error
 *  (EEXIST if a tenant is already there; the message names file, line and
 *  the engine's reason) the engine holds part of the center: discard it. */
int center_apply(const struct center *c, struct acd *acd, char *err,
		 size_t errsz);

/* --- lookup.c ------------------------------------------------------------ */

/** Lookups in the model. */
const struct center_tenant *center_tenant(const struct center *c,
					  const char *name);
const struct center_agent *center_agent(const struct center_tenant *t,
					const char *id);
/** The tenant and number entry for a dialed number, or NULL. */
const struct center_number *center_number(const struct center *c,
					  const char *number,
					  const struct center_tenant **tp);

/* --- doc.c --------------------------------------------------------------- */

/** Print the Markdown reference of the file format (docs/center.md is this
 *  output), generated from the same tables the loader validates with. */
int center_doc_print(FILE *f);

#endif
