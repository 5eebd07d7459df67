/**
 * @file queues.c  Queue routes: definition and live statistics.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <re_types.h>
#include <re_mem.h>

#include "acd/acd.h"
#include "api/api.h"
#include "center/center.h"
#include "store/store.h"

static json_t *reqs_json(const struct acd_reqs *r)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < r->n; i++)
		json_array_append_new(arr,
				      json_pack("{s:s,s:i}", "skill",
						r->v[i].skill, "min_level",
						r->v[i].min_level));
	return arr;
}

static json_t *relax_json(const struct acd_queue_cfg *cfg)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < cfg->nrelax; i++)
		json_array_append_new(
			arr, json_pack("{s:I,s:o}", "after_s",
				       (json_int_t)cfg->relax[i].after_s,
				       "skills",
				       reqs_json(&cfg->relax[i].reqs)));
	return arr;
}

/* The dialed numbers of the center file that lead into q. */
static json_t *numbers_json(const struct center *c, const struct acd_queue *q)
{
	const char *tname = acd_tenant_name(acd_queue_tenant(q));
	json_t *arr = json_array();

	for (size_t i = 0; arr && c && i < c->ntenants; i++) {
		const struct center_tenant *t = &c->tenants[i];

		if (t->removed || strcmp(t->name, tname))
			continue;
		for (size_t j = 0; j < t->nnumbers; j++) {
			if (!strcmp(t->numbers[j].queue, acd_queue_name(q)))
				json_array_append_new(
					arr, json_string(t->numbers[j].number));
		}
	}
	return arr;
}

static json_t *stats_json(const struct acd_queue *q)
{
	struct acd_stats st;
	json_t *agents = json_object();

	acd_queue_stats(q, &st);
	/* ACD_NONE: nobody works the queue, the wait has no estimate. */
	uint64_t ewt = acd_queue_ewt(q, st.waiting + 1);
	for (int s = 0; agents && s < ACD_AGENT_NSTATES; s++)
		json_object_set_new(
			agents, acd_agent_state_name((enum acd_agent_state)s),
			json_integer(st.agents[s]));

	return json_pack(
		"{s:I,s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,"
		"s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
		"waiting", (json_int_t)st.waiting,
		"longest_wait_s", api_json_real(st.longest_wait_ms / 1000.0),
		"offered", (json_int_t)st.offered,
		"answered", (json_int_t)st.answered,
		"answered_in_sl", (json_int_t)st.answered_in_sl,
		"abandoned", (json_int_t)st.abandoned,
		"short_abandoned", (json_int_t)st.short_abandoned,
		"abandoned_after_sl", (json_int_t)st.abandoned_after_sl,
		"overflowed", (json_int_t)st.overflowed,
		"handled", (json_int_t)st.handled,
		"service_level", api_json_real(st.service_level),
		"asa_s", api_json_real(st.asa_s),
		"aht_s", api_json_real(st.aht_s),
		"abandon_rate", api_json_real(st.abandon_rate),
		"occupancy", api_json_real(st.occupancy),
		"ewt_s", ewt == ACD_NONE ? json_null()
					 : api_json_real(ewt / 1000.0),
		"agents", agents ? agents : json_null());
}

json_t *api_queue_json(const struct api *api, const struct acd_queue *q)
{
	const struct acd_queue_cfg *cfg = acd_queue_config(q);

	return json_pack(
		"{s:s,s:s,s:s,s:s,s:o,s:o,s:I,s:I,s:I,s:I,s:I,"
		"s:{s:s,s:o},s:I,s:o,s:I,s:o,s:o}",
		"tenant", acd_tenant_name(acd_queue_tenant(q)),
		"name", acd_queue_name(q),
		"channel", acd_channel_name(cfg->channel),
		"strategy", acd_strategy_name(cfg->strategy),
		"skills", reqs_json(&cfg->reqs),
		"relax", relax_json(cfg),
		"ring_all_max", (json_int_t)cfg->ring_all_max,
		"offer_timeout_s", (json_int_t)cfg->offer_timeout_s,
		"wrapup_s", (json_int_t)cfg->wrapup_s,
		"max_wait_s", (json_int_t)cfg->max_wait_s,
		"max_len", (json_int_t)cfg->max_len,
		"overflow",
		"action", acd_overflow_name(cfg->overflow),
		"target", api_json_str(cfg->overflow_target),
		"sl_threshold_s", (json_int_t)cfg->sl_threshold_s,
		"sl_target", api_json_real(cfg->sl_target),
		"aht_hint_s", (json_int_t)cfg->aht_hint_s,
		"numbers", numbers_json(api_center_of(api), q),
		"stats", stats_json(q));
}

struct list_ctx {
	struct api_req *req;
	json_t *arr;
};

static bool list_queue(struct acd_queue *q, void *arg)
{
	struct list_ctx *ctx = arg;

	json_array_append_new(ctx->arr, api_queue_json(api_of(ctx->req), q));
	return false;
}

static bool list_tenant(struct acd_tenant *t, void *arg)
{
	acd_queue_foreach(t, list_queue, arg);
	return false;
}

void api_queues_list(struct api_req *req)
{
	struct acd_tenant *t;
	struct list_ctx ctx = {.req = req};

	if (api_find_tenant(req, &t))
		return;
	ctx.arr = json_array();
	if (!ctx.arr) {
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}
	list_tenant(t, &ctx);
	api_reply_json(req, 200, json_pack("{s:o}", "queues", ctx.arr));
}

void api_queue_get(struct api_req *req)
{
	struct acd_queue *q;

	if (api_find_queue(req, api_req_param(req, "name"), &q))
		return;
	api_reply_json(req, 200, api_queue_json(api_of(req), q));
}

static json_t *sl_of(uint32_t in_sl, uint32_t answered, uint32_t ab_after)
{
	uint32_t den = answered + ab_after;

	return den ? api_json_real((double)in_sl / den) : json_null();
}

json_t *api_interval_json(const struct acd_interval *iv, double sl_target)
{
	(void)sl_target;
	return json_pack("{s:o,s:I,s:i,s:I,s:I,s:I,s:I,s:I,s:o}", "start",
			 api_json_time(iv->start), "start_ms",
			 (json_int_t)iv->start, "length_s", (int)iv->length_s,
			 "offered", (json_int_t)iv->offered, "answered",
			 (json_int_t)iv->answered, "abandoned",
			 (json_int_t)iv->abandoned, "overflowed",
			 (json_int_t)iv->overflowed, "handled",
			 (json_int_t)iv->handled, "service_level",
			 sl_of(iv->answered_in_sl, iv->answered,
			       iv->abandoned_after_sl));
}

struct iv_query {
	struct api_req *req;      /* held */
	struct acd_interval cur;  /* the interval in progress */
	uint64_t since;
};

static void iv_destructor(void *arg)
{
	struct iv_query *q = arg;

	mem_deref(q->req);
}

/* On the loop with the closed intervals (oldest first); the one in
 * progress goes last.  Touches nothing of the api (it may be gone). */
static void iv_done(int err, const struct store_interval *v, size_t n,
		    void *arg)
{
	struct iv_query *q = arg;
	json_t *arr = json_array();

	if (err) {
		api_reply_error(q->req, 503, "unavailable",
				"the store cannot answer now: %s",
				strerror(err));
		goto out;
	}
	for (size_t i = 0; arr && i < n; i++) {
		struct acd_interval iv = {
			.start = v[i].start,
			.length_s = v[i].length_s,
			.offered = v[i].offered,
			.answered = v[i].answered,
			.answered_in_sl = v[i].answered_in_sl,
			.abandoned = v[i].abandoned,
			.short_abandoned = v[i].short_abandoned,
			.abandoned_after_sl = v[i].abandoned_after_sl,
			.overflowed = v[i].overflowed,
			.handled = v[i].handled,
		};
		if (v[i].start >= q->cur.start)
			continue;
		json_array_append_new(arr, api_interval_json(&iv, 0));
	}
	if (arr)
		json_array_append_new(arr, api_interval_json(&q->cur, 0));
	api_reply_json(q->req, 200,
		       arr ? json_pack("{s:o}", "intervals", arr) : NULL);
	arr = NULL;
out:
	json_decref(arr);
	mem_deref(q);
}

/* GET /api/v1/queues/{name}/intervals?hours=8 */
void api_queue_intervals(struct api_req *req)
{
	static const char *const known[] = {"hours", "tenant"};
	const char *hours = api_req_query(req, "hours");
	const char *unknown = api_req_query_unknown(req, known, 2);
	struct acd_queue *aq;
	struct iv_query *q;
	long h = 8;
	int err;

	if (unknown) {
		api_reply_error(req, 400, "bad_query",
				"unknown query parameter '%s' (expected "
				"hours)", unknown);
		return;
	}
	if (hours) {
		char *end;

		h = strtol(hours, &end, 10);
		if (!*hours || *end || h < 1 || h > 168) {
			api_reply_error(req, 400, "bad_query",
					"hours must be a whole number from 1 "
					"to 168");
			return;
		}
	}
	if (api_find_queue(req, api_req_param(req, "name"), &aq))
		return;
	q = mem_zalloc(sizeof(*q), iv_destructor);
	if (!q) {
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}
	acd_queue_interval(aq, &q->cur);
	q->since = q->cur.start > (uint64_t)h * 3600000
		? q->cur.start - (uint64_t)h * 3600000 : 0;
	if (!api_store(req)) {
		q->req = api_req_hold(req);
		iv_done(0, NULL, 0, q);
		return;
	}
	q->req = api_req_hold(req);
	err = store_intervals_get(
		api_store(req),
		&(struct store_interval_filter){
			.tenant = acd_tenant_name(acd_queue_tenant(aq)),
			.queue = acd_queue_name(aq),
			.since = q->since,
			.limit = 1000,
		},
		iv_done, q);
	if (err) {
		api_reply_error(req, 503, "unavailable",
				"the store cannot answer now: %s",
				strerror(err));
		mem_deref(q);
	}
}
