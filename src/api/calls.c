/**
 * @file calls.c  Call control from the agent's desktop: the agent's phone
 * rings and is answered on the phone; the desktop holds, resumes, hangs up
 * and transfers the call (src/voice/control.c does it).  An agent steers
 * its own call, a supervisor any agent's of the tenant.  409 when the agent
 * has no call.
 */
#include <errno.h>
#include <string.h>

#include <jansson.h>

#include "acd/acd.h"
#include "api/api.h"
#include "core/core.h"
#include "voice/voice.h"

static void answer(struct api_req *req, struct acd_agent *a, int err,
		   const char *what)
{
	switch (err) {
	case 0:
		api_reply_json(req, 200, api_agent_json(api_of(req), a));
		break;
	case ENOENT:
		api_reply_error(req, 409, "no_call",
				"agent %s has no call to %s", acd_agent_id(a),
				what);
		break;
	case EINVAL:
		api_reply_error(req, 400, "bad_value",
				"unknown transfer target (expected an "
				"extension of the tenant, one of its numbers, "
				"queue:NAME, or an outside number)");
		break;
	case ENOTSUP:
		api_reply_error(req, 403, "no_outbound",
				"the tenant cannot call outside numbers (no "
				"trunk with outbound settings, or dialout "
				"is off)");
		break;
	case EACCES:
		api_reply_error(req, 403, "number_denied",
				"the tenant's dialout rules do not allow "
				"this number");
		break;
	case EBUSY:
		api_reply_error(req, 409, "conflict",
				"the call cannot be %s now (the other agent "
				"is busy, or has not answered yet)",
				what);
		break;
	case EALREADY:
		api_reply_error(req, 409, "conflict",
				"a consultation is in progress: complete or "
				"cancel it first");
		break;
	case EHOSTUNREACH:
		api_reply_error(req, 409, "unreachable",
				"the target has no registered phone");
		break;
	case ESRCH:
		api_reply_error(req, 409, "no_consultation",
				"agent %s is not consulting anyone",
				acd_agent_id(a));
		break;
	default:
		api_reply_errno(req, err, NULL);
		break;
	}
}

/* The agent of the path, and the voice channel; non-zero after replying. */
static int target(struct api_req *req, struct acd_agent **ap)
{
	if (api_find_agent(req, api_req_param(req, "ext"), ap))
		return EINVAL;
	if (!api_voice(req)) {
		api_reply_error(req, 409, "no_call", "no voice channel");
		return ENOENT;
	}
	return 0;
}

static void hold(struct api_req *req, bool on)
{
	struct acd_agent *a;
	int err;

	if (target(req, &a))
		return;
	/* the event first: the reply's agent and the contact agree */
	err = voice_call_hold(api_voice(req), api_tenant_name(req),
			      acd_agent_id(a), on);
	if (!err)
		api_live_contact_update(api_live(req),
					api_agent_current(api_live(req), a),
					"contact.held");
	answer(req, a, err, on ? "hold" : "resume");
}

void api_call_hold(struct api_req *req)
{
	hold(req, true);
}

void api_call_resume(struct api_req *req)
{
	hold(req, false);
}

void api_call_hangup(struct api_req *req)
{
	struct acd_agent *a;

	if (target(req, &a))
		return;
	answer(req, a,
	       voice_call_hangup(api_voice(req), api_tenant_name(req),
				 acd_agent_id(a)),
	       "hang up");
}

static int target_field(struct api_req *req, const char **tp)
{
	static const char *const known[] = {"target"};
	json_t *body = api_req_body(req);

	if (api_json_fields(req, body, known, 1) ||
	    api_json_string(req, body, "target", true, 64, tp))
		return EINVAL;
	return 0;
}

void api_call_transfer(struct api_req *req)
{
	struct acd_agent *a;
	const char *t;

	if (target_field(req, &t) || target(req, &a))
		return;
	answer(req, a,
	       voice_call_transfer(api_voice(req), api_tenant_name(req),
				   acd_agent_id(a), t),
	       "transferred");
}

/* POST .../call/consult {"target": "1002"}: the caller waits while the
 * agent's phone talks to the target's. */
void api_call_consult(struct api_req *req)
{
	struct acd_agent *a;
	const char *t;

	if (target_field(req, &t) || target(req, &a))
		return;
	answer(req, a,
	       voice_call_consult(api_voice(req), api_tenant_name(req),
				  acd_agent_id(a), t),
	       "consulted");
}

void api_call_consult_complete(struct api_req *req)
{
	struct acd_agent *a;

	if (target(req, &a))
		return;
	answer(req, a,
	       voice_call_consult_complete(api_voice(req),
					   api_tenant_name(req),
					   acd_agent_id(a)),
	       "handed over");
}

void api_call_consult_cancel(struct api_req *req)
{
	struct acd_agent *a;

	if (target(req, &a))
		return;
	answer(req, a,
	       voice_call_consult_cancel(api_voice(req), api_tenant_name(req),
					 acd_agent_id(a)),
	       "taken back");
}
