/**
 * @file system.c  Routes about the daemon itself: health, /metrics, and
 * the fixed code lists (reason codes, wrap-up codes).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <re_types.h>
#include <re_fmt.h>
#include <re_mem.h>
#include <re_mbuf.h>

#include "acd/acd.h"
#include "api/api.h"
#include "auth/auth.h"
#include "core/core.h"
#include "store/store.h"
#include "voice/voice.h"

void api_health(struct api_req *req)
{
	api_reply_json(req, 200,
		       json_pack("{s:s,s:s,s:I}", "status", "ok", "version",
				 HOTLINE_VERSION, "uptime_s",
				 (json_int_t)(api_uptime_ms(req) / 1000)));
}

/* --- code lists ------------------------------------------------------------ */

/* Not-ready reasons an agent picks; the engine adds no-answer and rejected
 * by itself. */
static const char *const reason_codes[] = {
	"break", "lunch", "meeting", "training", "no-answer", "rejected",
};

void api_reason_codes(struct api_req *req)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < ARRAY_LEN(reason_codes); i++)
		json_array_append_new(arr, json_string(reason_codes[i]));
	api_reply_json(req, 200,
		       arr ? json_pack("{s:o}", "reason_codes", arr) : NULL);
}

static const struct {
	const char *code, *zh, *ko, *en;
} wrapup_codes[] = {
	{"resolved", "已解决", "해결됨", "Resolved"},
	{"callback", "需回访", "콜백 필요", "Call back"},
	{"work-order", "已派工单", "작업 지시", "Work order opened"},
	{"transferred", "已转交部门", "부서 이관", "Passed to department"},
	{"info", "咨询解答", "안내 완료", "Information given"},
	{"complaint", "投诉登记", "민원 접수", "Complaint registered"},
	{"no-action", "无需处理", "조치 없음", "No action needed"},
};

bool api_wrapup_code_known(const char *code)
{
	for (size_t i = 0; code && i < ARRAY_LEN(wrapup_codes); i++) {
		if (!strcmp(wrapup_codes[i].code, code))
			return true;
	}
	return false;
}

void api_wrapup_codes(struct api_req *req)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < ARRAY_LEN(wrapup_codes); i++)
		json_array_append_new(
			arr, json_pack("{s:s,s:{s:s,s:s,s:s}}", "code",
				       wrapup_codes[i].code, "label", "zh",
				       wrapup_codes[i].zh, "ko",
				       wrapup_codes[i].ko, "en",
				       wrapup_codes[i].en));
	api_reply_json(req, 200,
		       arr ? json_pack("{s:o}", "wrapup_codes", arr) : NULL);
}

/* --- /metrics ----------------------------------------------------------------
 * Prometheus text format 0.0.4.  Label values are tenant and queue names
 * (letters, digits, '_', '-', '.': nothing to escape). */

struct mctx {
	struct mbuf *mb;
	const struct api *api;
};

static void help(struct mbuf *mb, const char *name, const char *type,
		 const char *text)
{
	(void)mbuf_printf(mb, "# HELP %s %s\n# TYPE %s %s\n", name, text,
			  name, type);
}

static bool queue_metrics(struct acd_queue *q, void *arg)
{
	struct mctx *m = arg;
	struct acd_stats st;
	const char *t = acd_tenant_name(acd_queue_tenant(q));
	const char *n = acd_queue_name(q);

	acd_queue_stats(q, &st);
	(void)mbuf_printf(m->mb,
			  "hotline_queue_waiting{tenant=\"%s\",queue=\"%s\"} "
			  "%u\n"
			  "hotline_queue_longest_wait_seconds{tenant=\"%s\","
			  "queue=\"%s\"} %.3f\n"
			  "hotline_queue_offered_total{tenant=\"%s\",queue="
			  "\"%s\"} %u\n"
			  "hotline_queue_answered_total{tenant=\"%s\",queue="
			  "\"%s\"} %u\n"
			  "hotline_queue_abandoned_total{tenant=\"%s\","
			  "queue=\"%s\"} %u\n"
			  "hotline_queue_service_level{tenant=\"%s\",queue="
			  "\"%s\"} %.4f\n"
			  "hotline_queue_asa_seconds{tenant=\"%s\",queue="
			  "\"%s\"} %.3f\n"
			  "hotline_queue_aht_seconds{tenant=\"%s\",queue="
			  "\"%s\"} %.3f\n",
			  t, n, st.waiting, t, n, st.longest_wait_ms / 1000.0,
			  t, n, st.offered, t, n, st.answered, t, n,
			  st.abandoned, t, n, st.service_level, t, n,
			  st.asa_s, t, n, st.aht_s);
	return false;
}

static bool tenant_metrics(struct acd_tenant *t, void *arg)
{
	struct mctx *m = arg;
	struct acd_stats st;

	acd_tenant_stats(t, &st);
	for (int s = 0; s < ACD_AGENT_NSTATES; s++)
		(void)mbuf_printf(m->mb,
				  "hotline_agents{tenant=\"%s\",state=\"%s\"} "
				  "%u\n",
				  acd_tenant_name(t),
				  acd_agent_state_name((enum acd_agent_state)s),
				  st.agents[s]);
	return false;
}

static bool tenant_queues(struct acd_tenant *t, void *arg)
{
	acd_queue_foreach(t, queue_metrics, arg);
	return false;
}

/* A histogram of 2^i microsecond buckets as seconds. */
static void histogram(struct mbuf *mb, const char *name, const uint64_t *h,
		      unsigned n, uint64_t count, double sum_s)
{
	uint64_t cum = 0;

	for (unsigned i = 0; i < n; i++) {
		cum += h[i];
		(void)mbuf_printf(mb, "%s_bucket{le=\"%.6f\"} %llu\n", name,
				  (double)(2ull << i) / 1e6,
				  (unsigned long long)cum);
	}
	(void)mbuf_printf(mb, "%s_bucket{le=\"+Inf\"} %llu\n", name,
			  (unsigned long long)count);
	if (sum_s >= 0)
		(void)mbuf_printf(mb, "%s_sum %.6f\n", name, sum_s);
	(void)mbuf_printf(mb, "%s_count %llu\n", name,
			  (unsigned long long)count);
}

void api_metrics(struct api_req *req)
{
	const struct api *api = api_of(req);
	struct mctx m = {.api = api};
	struct api_stats as;
	struct auth_stats au;
	uint64_t total = 0;

	m.mb = mbuf_alloc(8192);
	if (!m.mb) {
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}

	help(m.mb, "hotline_uptime_seconds", "gauge", "Seconds since start.");
	(void)mbuf_printf(m.mb, "hotline_uptime_seconds %llu\n",
			  (unsigned long long)(api_uptime_ms(req) / 1000));

	if (api_voice(req)) {
		struct voice_stats vs;
		uint64_t hist[24], n = 0;
		unsigned nb;

		voice_stats(api_voice(req), &vs);
		help(m.mb, "hotline_calls_total", "counter",
		     "Calls accepted since start.");
		(void)mbuf_printf(m.mb, "hotline_calls_total %llu\n",
				  (unsigned long long)vs.calls_total);
		help(m.mb, "hotline_calls_active", "gauge",
		     "Calls in progress.");
		(void)mbuf_printf(m.mb, "hotline_calls_active %u\n",
				  vs.calls_active);
		help(m.mb, "hotline_calls_bridged", "gauge",
		     "Calls talking to an agent.");
		(void)mbuf_printf(m.mb, "hotline_calls_bridged %u\n",
				  vs.calls_bridged);
		help(m.mb, "hotline_registrations", "gauge",
		     "Registered agent devices.");
		(void)mbuf_printf(m.mb, "hotline_registrations %u\n",
				  vs.registrations);
		nb = voice_latency_hist(api_voice(req), hist, 24, &n);
		help(m.mb, "hotline_call_setup_latency_seconds", "histogram",
		     "From a call's INVITE to the first agent's INVITE.");
		histogram(m.mb, "hotline_call_setup_latency_seconds", hist, nb,
			  n, -1);
	}

	help(m.mb, "hotline_agents", "gauge", "Agents by state.");
	acd_tenant_foreach(api_acd(req), tenant_metrics, &m);
	help(m.mb, "hotline_queue_waiting", "gauge", "Contacts waiting.");
	help(m.mb, "hotline_queue_longest_wait_seconds", "gauge",
	     "Longest current wait.");
	help(m.mb, "hotline_queue_offered_total", "counter",
	     "Contacts that entered the queue today.");
	help(m.mb, "hotline_queue_answered_total", "counter",
	     "Contacts answered today.");
	help(m.mb, "hotline_queue_abandoned_total", "counter",
	     "Contacts abandoned today.");
	help(m.mb, "hotline_queue_service_level", "gauge",
	     "Answered within the threshold, today (1 when none).");
	help(m.mb, "hotline_queue_asa_seconds", "gauge",
	     "Average speed of answer today.");
	help(m.mb, "hotline_queue_aht_seconds", "gauge",
	     "Average handle time today.");
	acd_tenant_foreach(api_acd(req), tenant_queues, &m);

	api_stats_get(api, &as);
	help(m.mb, "hotline_http_requests_total", "counter",
	     "HTTP requests by status class.");
	for (unsigned c = 1; c < 6; c++)
		(void)mbuf_printf(m.mb,
				  "hotline_http_requests_total{code=\"%uxx\"} "
				  "%llu\n",
				  c, (unsigned long long)as.replies[c]);
	for (unsigned i = 0; i < API_LAT_BUCKETS; i++)
		total += as.lat_hist[i];
	help(m.mb, "hotline_http_request_duration_seconds", "histogram",
	     "From a request's arrival to its answer.");
	histogram(m.mb, "hotline_http_request_duration_seconds", as.lat_hist,
		  API_LAT_BUCKETS, total, as.lat_sum_us / 1e6);
	help(m.mb, "hotline_events_clients", "gauge",
	     "Connected WebSocket event clients.");
	(void)mbuf_printf(m.mb, "hotline_events_clients %u\n",
			  api_live_clients(api_live(req)));

	{
		struct api_fanout_stats fs;

		api_live_fanout_stats(api_live(req), &fs);
		help(m.mb, "hotline_events_fanout_seconds", "histogram",
		     "Time to hand one event to every client's socket.");
		histogram(m.mb, "hotline_events_fanout_seconds", fs.hist,
			  API_LAT_BUCKETS, fs.messages, fs.sum_us / 1e6);
		help(m.mb, "hotline_events_delivered_total", "counter",
		     "Event messages handed to clients.");
		(void)mbuf_printf(m.mb, "hotline_events_delivered_total %llu\n",
				  (unsigned long long)fs.deliveries);
	}

	auth_stats(api_auth(req), &au);
	help(m.mb, "hotline_sessions", "gauge", "Live session tokens.");
	(void)mbuf_printf(m.mb, "hotline_sessions %u\n", au.sessions);
	help(m.mb, "hotline_logins_total", "counter",
	     "Sign-ins by result.");
	(void)mbuf_printf(m.mb,
			  "hotline_logins_total{result=\"ok\"} %llu\n"
			  "hotline_logins_total{result=\"failed\"} %llu\n"
			  "hotline_logins_total{result=\"limited\"} %llu\n",
			  (unsigned long long)au.logins_ok,
			  (unsigned long long)au.logins_failed,
			  (unsigned long long)au.logins_limited);

	if (api_store(req)) {
		struct store_stats ss;

		store_stats(api_store(req), &ss);
		help(m.mb, "hotline_store_pending", "gauge",
		     "Store operations queued.");
		(void)mbuf_printf(m.mb, "hotline_store_pending %u\n",
				  ss.pending);
		help(m.mb, "hotline_store_committed_total", "counter",
		     "Store writes committed.");
		(void)mbuf_printf(m.mb, "hotline_store_committed_total %llu\n",
				  (unsigned long long)ss.committed);
	}

	api_reply_body(req, 200, "text/plain; version=0.0.4; charset=utf-8",
		       "Cache-Control: no-store\r\n", m.mb->buf, m.mb->end,
		       false);
	mem_deref(m.mb);
}
