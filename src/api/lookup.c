/**
 * @file lookup.c  Finding what a request names, inside the caller's tenant
 * only: an extension or queue of another tenant is "not found", the same
 * answer as one that does not exist, so nothing about other tenants leaks.
 * An agent caller may name itself only (403 for another agent).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "acd/acd.h"
#include "api/api.h"
#include "auth/auth.h"

const char *api_tenant_name(const struct api_req *req)
{
	const struct auth_session *s = api_session(req);

	return s ? s->tenant : NULL;
}

const char *api_self_agent(const struct api_req *req)
{
	const struct auth_session *s = api_session(req);

	return s && s->role == AUTH_ROLE_AGENT ? s->agent : NULL;
}

int api_find_tenant(struct api_req *req, struct acd_tenant **tp)
{
	const char *mine = api_tenant_name(req);
	const char *name = api_req_query(req, "tenant");

	*tp = NULL;
	if (!mine) {
		api_reply_error(req, 401, "unauthorized", "sign in first");
		return EACCES;
	}
	/* ?tenant= of old clients: accepted when it is the caller's. */
	if (name && strcmp(name, mine)) {
		api_reply_error(req, 404, "not_found", "no tenant %s", name);
		return ENOENT;
	}
	*tp = acd_tenant_find(api_acd(req), mine);
	if (!*tp) {
		api_reply_error(req, 404, "not_found", "no tenant %s", mine);
		return ENOENT;
	}
	return 0;
}

int api_find_agent(struct api_req *req, const char *ext,
		   struct acd_agent **ap)
{
	const char *self = api_self_agent(req);
	struct acd_tenant *t;
	int err;

	*ap = NULL;
	err = api_find_tenant(req, &t);
	if (err)
		return err;
	*ap = acd_agent_find(t, ext);
	if (!*ap) {
		api_reply_error(req, 404, "not_found", "no agent %s", ext);
		return ENOENT;
	}
	if (self && strcmp(self, ext)) {
		*ap = NULL;
		api_reply_error(req, 403, "forbidden",
				"an agent acts on itself only (you are %s)",
				self);
		return EPERM;
	}
	if (!self && api_session(req)->role == AUTH_ROLE_AGENT) {
		/* an agent API key without an agent: nothing is its own */
		*ap = NULL;
		api_reply_error(req, 403, "forbidden", "not an agent");
		return EPERM;
	}
	return 0;
}

int api_find_queue(struct api_req *req, const char *name,
		   struct acd_queue **qp)
{
	struct acd_tenant *t;
	int err;

	*qp = NULL;
	err = api_find_tenant(req, &t);
	if (err)
		return err;
	*qp = acd_queue_find(t, name);
	if (!*qp) {
		api_reply_error(req, 404, "not_found", "no queue %s", name);
		return ENOENT;
	}
	return 0;
}
