/**
 * @file lookup.c  Finding the tenant, agent or queue a request names.
 *
 * Until users and tokens arrive, a request is not tied to a tenant: an
 * extension or queue name is looked up in every tenant, and ?tenant=NAME
 * picks one when several tenants use the same name.  Each function answers
 * the request itself when the lookup fails and then returns non-zero.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "acd/acd.h"
#include "api/api.h"

int api_find_tenant(struct api_req *req, struct acd_tenant **tp)
{
	const char *name = api_req_query(req, "tenant");

	*tp = NULL;
	if (!name)
		return 0;
	*tp = acd_tenant_find(api_acd(req), name);
	if (!*tp) {
		api_reply_error(req, 404, "not_found", "no tenant %s", name);
		return ENOENT;
	}
	return 0;
}

struct find {
	const char *name;
	bool queue;          /* a queue, else an agent */
	void *found;         /* the first match */
	unsigned n;          /* matches */
	char tenants[256];   /* names of the tenants that matched */
};

static bool find_in_tenant(struct acd_tenant *t, void *arg)
{
	struct find *f = arg;
	void *x = f->queue ? (void *)acd_queue_find(t, f->name)
			   : (void *)acd_agent_find(t, f->name);
	size_t used = strlen(f->tenants);

	if (!x)
		return false;
	if (!f->found)
		f->found = x;
	f->n++;
	if (used + 1 < sizeof(f->tenants))
		snprintf(f->tenants + used, sizeof(f->tenants) - used, "%s%s",
			 used ? ", " : "", acd_tenant_name(t));
	return false;
}

static int find(struct api_req *req, const char *name, bool queue,
		void **xp)
{
	struct acd_tenant *t;
	struct find f = {.name = name, .queue = queue};
	const char *what = queue ? "queue" : "agent";
	int err;

	err = api_find_tenant(req, &t);
	if (err)
		return err;
	if (t)
		find_in_tenant(t, &f);
	else
		acd_tenant_foreach(api_acd(req), find_in_tenant, &f);

	if (!f.n) {
		api_reply_error(req, 404, "not_found", "no %s %s%s%s", what,
				name, t ? " in tenant " : "",
				t ? acd_tenant_name(t) : "");
		return ENOENT;
	}
	if (f.n > 1) {
		api_reply_error(req, 400, "ambiguous",
				"%s %s exists in several tenants (%s): add "
				"?tenant=NAME",
				what, name, f.tenants);
		return EINVAL;
	}
	*xp = f.found;
	return 0;
}

int api_find_agent(struct api_req *req, const char *ext,
		   struct acd_agent **ap)
{
	void *x = NULL;
	int err = find(req, ext, false, &x);

	*ap = x;
	return err;
}

int api_find_queue(struct api_req *req, const char *name,
		   struct acd_queue **qp)
{
	void *x = NULL;
	int err = find(req, name, true, &x);

	*qp = x;
	return err;
}
