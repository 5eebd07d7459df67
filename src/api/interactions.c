/**
 * @file interactions.c  Stored interactions (call records), read from the
 * store without blocking the loop: the request is held until the store's
 * worker hands the rows back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <re_types.h>
#include <re_mem.h>

#include "api/api.h"
#include "store/store.h"

#define LIMIT_DEFAULT 100
#define LIMIT_MAX 1000

static json_t *duration(uint64_t from, uint64_t to)
{
	if (!from || !to || to < from)
		return json_null();
	return api_json_real((double)(to - from) / 1000.0);
}

static json_t *interaction_json(const struct store_interaction *in)
{
	uint64_t start = in->queued ? in->queued : in->arrived;

	return json_pack(
		"{s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,"
		"s:o,s:o,s:o,s:o}",
		"id", in->id,
		"tenant", api_json_str(in->tenant),
		"channel", api_json_str(in->channel),
		"caller", api_json_str(in->caller),
		"dialed", api_json_str(in->dialed),
		"queue", api_json_str(in->queue),
		"agent", api_json_str(in->agent),
		"arrived", api_json_time(in->arrived),
		"queued", api_json_time(in->queued),
		"offered", api_json_time(in->offered),
		"answered", api_json_time(in->answered),
		"ended", api_json_time(in->ended),
		"disposition",
		in->disposition == STORE_DISP_NONE
			? json_null()
			: api_json_str(store_disposition_name(in->disposition)),
		"sip_code", in->sip_code ? json_integer(in->sip_code)
					 : json_null(),
		"reason", api_json_str(in->reason),
		"recording", api_json_str(in->recording),
		/* waited until answered, or until the end if never answered */
		"wait_s", duration(start, in->answered ? in->answered : in->ended),
		"talk_s", duration(in->answered, in->ended));
}

static bool store_failed(struct api_req *req, int err)
{
	if (!err)
		return false;
	if (err == EBUSY || err == ESHUTDOWN)
		api_reply_error(req, 503, "unavailable",
				"the store is %s; try again",
				err == EBUSY ? "busy" : "shutting down");
	else
		api_reply_error(req, 500, "internal", "store read failed: %s",
				strerror(err));
	return true;
}

/* Runs on the loop when the rows are read; req was held for it. */
static void list_done(int err, const struct store_interaction *v, size_t n,
		      void *arg)
{
	struct api_req *req = arg;
	json_t *arr;

	if (!store_failed(req, err)) {
		arr = json_array();
		for (size_t i = 0; arr && i < n; i++)
			json_array_append_new(arr, interaction_json(&v[i]));
		api_reply_json(req, 200,
			       arr ? json_pack("{s:o}", "interactions", arr)
				   : NULL);
	}
	mem_deref(req);
}

static void one_done(int err, const struct store_interaction *v, size_t n,
		     void *arg)
{
	struct api_req *req = arg;

	if (!store_failed(req, err)) {
		if (!n)
			api_reply_error(req, 404, "not_found",
					"no interaction %s",
					api_req_param(req, "id"));
		else
			api_reply_json(req, 200, interaction_json(&v[0]));
	}
	mem_deref(req);
}

static int query(struct api_req *req,
		 const struct store_interaction_filter *f,
		 store_interactions_h *h)
{
	struct api_req *held;
	int err;

	if (!api_store(req)) {
		api_reply_error(req, 503, "unavailable", "no store configured");
		return ENOENT;
	}
	held = api_req_hold(req);
	err = store_interactions_get(api_store(req), f, h, held);
	if (err) {
		store_failed(req, err);
		mem_deref(held);
	}
	return err;
}

/* GET /api/v1/interactions?tenant=&agent=&queue=&caller=&limit= */
void api_interactions_list(struct api_req *req)
{
	static const char *const known[] = {"tenant", "agent", "queue", "caller",
				      "limit"};
	struct store_interaction_filter f = {.limit = LIMIT_DEFAULT};
	const char *unknown = api_req_query_unknown(req, known,
						    sizeof(known) /
							    sizeof(*known));
	const char *limit = api_req_query(req, "limit");
	struct acd_tenant *t;

	/* A mistyped filter must not silently return everything. */
	if (unknown) {
		api_reply_error(req, 400, "bad_query",
				"unknown query parameter '%s' (expected "
				"tenant, agent, queue, caller, limit)",
				unknown);
		return;
	}
	if (limit) {
		char *end;
		long l = strtol(limit, &end, 10);

		if (!*limit || *end || l < 1 || l > LIMIT_MAX) {
			api_reply_error(req, 400, "bad_query",
					"limit must be an integer from 1 to %d",
					LIMIT_MAX);
			return;
		}
		f.limit = (uint32_t)l;
	}
	if (api_find_tenant(req, &t))
		return;
	f.tenant = api_req_query(req, "tenant");
	f.agent = api_req_query(req, "agent");
	f.queue = api_req_query(req, "queue");
	f.caller = api_req_query(req, "caller");

	query(req, &f, list_done);
}

/* GET /api/v1/interactions/{id} */
void api_interaction_get(struct api_req *req)
{
	query(req,
	      &(struct store_interaction_filter){
		      .id = api_req_param(req, "id"),
		      .tenant = api_req_query(req, "tenant"),
		      .limit = 1,
	      },
	      one_done);
}
