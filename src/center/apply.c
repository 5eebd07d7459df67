/**
 * @file apply.c  Building the routing engine's tenants, skills, queues and
 * agents from a loaded center.
 *
 * The model was validated at load, so the engine refusing something here
 * means the two disagree (or the engine already holds the tenant); the
 * error names the file and line of the definition it refused, with the
 * engine's reason.  There is no undo: on error the engine holds part of the
 * center and the caller should discard it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "center/center.h"

static int refused(const struct center *c, struct acd *acd, int e,
                   unsigned line, char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
static int refused(const struct center *c, struct acd *acd, int e,
                   unsigned line, char *err, size_t errsz, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	if (!err || !errsz)
		return e;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(err, errsz, "%s:%u: %s: the engine refused it: %s (%s)",
	         c->path ? c->path : "center", line, what, acd_last_error(acd),
	         strerror(e));
	return e;
}

static int apply_tenant(const struct center *c, size_t ti, struct acd *acd,
                        char *err, size_t errsz)
{
	const struct center_tenant *t = &c->tenants[ti];
	struct acd_tenant *at;
	int e;

	e = acd_tenant_add(acd, t->name, &at);
	if (e)
		return refused(c, acd, e, t->line, err, errsz,
		               "tenants[%zu]: tenant '%s'", ti, t->name);
	for (size_t i = 0; i < t->nskills; i++) {
		e = acd_skill_add(at, t->skills[i]);
		if (e)
			return refused(c, acd, e, t->line, err, errsz,
			               "tenants[%zu].skills[%zu]: skill '%s'",
			               ti, i, t->skills[i]);
	}
	for (size_t i = 0; i < t->nqueues; i++) {
		const struct center_queue *q = &t->queues[i];

		e = acd_queue_add(at, &q->cfg, NULL);
		if (e)
			return refused(c, acd, e, q->line, err, errsz,
			               "tenants[%zu].queues[%zu]: queue '%s'",
			               ti, i, q->cfg.name);
	}
	for (size_t i = 0; i < t->nagents; i++) {
		const struct center_agent *a = &t->agents[i];

		e = acd_agent_add(at, &a->cfg, NULL);
		if (e)
			return refused(c, acd, e, a->line, err, errsz,
			               "tenants[%zu].agents: agent '%s'", ti,
			               a->cfg.id);
	}
	e = acd_tenant_check_config(at);
	if (e)
		return refused(c, acd, e, t->line, err, errsz,
		               "tenants[%zu]: tenant '%s'", ti, t->name);
	return 0;
}

int center_apply(const struct center *c, struct acd *acd, char *err,
                 size_t errsz)
{
	if (err && errsz)
		err[0] = '\0';
	if (!c || !acd) {
		if (err && errsz)
			snprintf(err, errsz, "center_apply: nothing to apply");
		return EINVAL;
	}
	for (size_t i = 0; i < c->ntenants; i++) {
		int e = c->tenants[i].removed ? 0
		                              : apply_tenant(c, i, acd, err, errsz);

		if (e)
			return e;
	}
	return 0;
}

int center_apply_tenant(const struct center *c, const struct center_tenant *t,
                        struct acd *acd, char *err, size_t errsz)
{
	if (err && errsz)
		err[0] = '\0';
	if (!c || !t || !acd || t < c->tenants ||
	    t >= c->tenants + c->ntenants)
		return EINVAL;
	return apply_tenant(c, (size_t)(t - c->tenants), acd, err, errsz);
}
