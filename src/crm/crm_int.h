/**
 * @file crm_int.h  Private to src/crm: the crm object and what its files
 * share.
 */
#ifndef HOTLINE_CRM_INT_H
#define HOTLINE_CRM_INT_H

#include <re.h>

#include "crm/crm.h"

#define CRM_LOG "crm"

struct ivr_tz;

/* Per tenant, what crm keeps beside the configuration. */
struct crm_tenant {
	const struct center_tenant *cfg; /* borrowed from the center */
	struct ivr_tz *tz;               /* owned; NULL: UTC */
	struct acd_queue *queue;         /* workorders queue, borrowed */
};

struct crm {
	struct crm_opts o;
	char *attach_dir;           /* owned */
	char *cc;                   /* owned */
	struct crm_tenant *tenants; /* owned array, one per center tenant */
	size_t ntenants;
	struct list subs;    /* struct crm_sub */
	struct hash *routes; /* struct crm_route by order id */
	size_t nroutes;
	uint64_t next; /* earliest next_check, CRM_NONE */
	bool scanning; /* a deadline scan is in the store */
	bool acd_subscribed;
};

/* An order that waits for, is offered to, or is with an agent. */
struct crm_route {
	struct le he; /* in crm->routes */
	struct crm *crm;
	char id[27];
	char tenant[65];
	uint64_t contact;
	bool connected;
	bool leaving; /* crm itself ends the contact */
	bool dead;    /* left the engine while being added */
};

uint64_t crm_now(const struct crm *crm);
struct crm_tenant *crm_tenant_get(const struct crm *crm, const char *name);
/** A refusal's sentence, returning err. */
int crm_fail(char *err, size_t errsz, int e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void crm_emit(struct crm *crm, enum crm_event_type type, const char *tenant,
              const char *id, uint64_t number, int status, const char *unit,
              uint64_t due);
/** A store result told the next deadline scan time: move ours earlier. */
void crm_deadline_offer(struct crm *crm, uint64_t next_check);

/* route.c */
bool crm_needs_agent(int status);
/** Put an order into its tenant's queue (if it is not there). */
void crm_route_add(struct crm *crm, const char *tenant, const char *id,
                   int priority);
/** Take an order out of the engine (completed if accepted). */
void crm_route_drop(struct crm *crm, const char *id);
void crm_route_escalated(struct crm *crm, const char *id);
void crm_acd_event(const struct acd_event *ev, void *arg);
void crm_routes_flush(struct crm *crm);
uint8_t crm_acd_priority(int priority);

#endif
