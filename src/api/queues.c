/**
 * @file queues.c  Queue routes: definition and live statistics.
 */
#include <string.h>

#include <jansson.h>

#include "acd/acd.h"
#include "api/api.h"
#include "center/center.h"

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

		if (strcmp(t->name, tname))
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

static json_t *queue_json(struct api_req *req, const struct acd_queue *q)
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
		"numbers", numbers_json(api_center(req), q),
		"stats", stats_json(q));
}

struct list_ctx {
	struct api_req *req;
	json_t *arr;
};

static bool list_queue(struct acd_queue *q, void *arg)
{
	struct list_ctx *ctx = arg;

	json_array_append_new(ctx->arr, queue_json(ctx->req, q));
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
	if (t)
		list_tenant(t, &ctx);
	else
		acd_tenant_foreach(api_acd(req), list_tenant, &ctx);

	api_reply_json(req, 200, json_pack("{s:o}", "queues", ctx.arr));
}

void api_queue_get(struct api_req *req)
{
	struct acd_queue *q;

	if (api_find_queue(req, api_req_param(req, "name"), &q))
		return;
	api_reply_json(req, 200, queue_json(req, q));
}
