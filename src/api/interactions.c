/**
 * @file interactions.c  Stored interactions (call records), read from the
 * store without blocking the loop: the request is held until the store's
 * worker hands the rows back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <re_types.h>
#include <re_mem.h>

#include "api/api.h"
#include "api/crmapi.h"
#include "auth/auth.h"
#include "core/core.h"
#include "store/store.h"

#define LIMIT_DEFAULT 100
#define LIMIT_MAX 1000

static json_t *duration(uint64_t from, uint64_t to)
{
	if (!from || !to || to < from)
		return json_null();
	return api_json_real((double)(to - from) / 1000.0);
}

static json_t *recording_url(const struct store_interaction *in)
{
	char url[96];

	if (!in->recording || !*in->recording)
		return json_null();
	snprintf(url, sizeof(url), "/api/v1/interactions/%s/recording",
		 in->id);
	return json_string(url);
}

json_t *api_interaction_json(const struct store_interaction *in)
{
	uint64_t start = in->queued ? in->queued : in->arrived;

	return json_pack(
		"{s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,"
		"s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
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
		"recording", recording_url(in),
		"wrapup_code", api_json_str(in->wrapup_code),
		"note", api_json_str(in->note),
		"satisfaction", in->satisfaction
					? json_integer(in->satisfaction)
					: json_null(),
		/* the customer linked (src/voice/pop.c, or an agent) */
		"customer", api_json_str(in->customer),
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
			json_array_append_new(arr, api_interaction_json(&v[i]));
		api_reply_json(req, 200,
			       arr ? json_pack("{s:o}", "interactions", arr)
				   : NULL);
	}
	mem_deref(req);
}

/* An agent reads the interactions it handled only. */
static bool visible(struct api_req *req, const struct store_interaction *in)
{
	const struct auth_session *s = api_session(req);

	if (s->role != AUTH_ROLE_AGENT)
		return true;
	return s->agent && in->agent && !strcmp(s->agent, in->agent);
}

static void one_done(int err, const struct store_interaction *v, size_t n,
		     void *arg)
{
	struct api_req *req = arg;

	if (!store_failed(req, err)) {
		if (!n || !visible(req, &v[0]))
			api_reply_error(req, 404, "not_found",
					"no interaction %s",
					api_req_param(req, "id"));
		else
			api_reply_json(req, 200, api_interaction_json(&v[0]));
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
	static const char *const known[] = {"tenant", "agent", "queue",
					    "caller", "limit"};
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
	f.tenant = api_tenant_name(req);
	f.agent = api_req_query(req, "agent");
	f.queue = api_req_query(req, "queue");
	f.caller = api_req_query(req, "caller");
	if (api_session(req)->role == AUTH_ROLE_AGENT) {
		/* an agent: its own contacts, or a caller's history */
		const char *self = api_self_agent(req);

		if (!self || (f.agent && strcmp(f.agent, self))) {
			api_reply_error(req, 403, "forbidden",
					"an agent reads its own interactions "
					"(agent=%s) or a caller's history",
					self ? self : "-");
			return;
		}
		if (!f.caller)
			f.agent = self;
	}

	query(req, &f, list_done);
}

/* GET /api/v1/interactions/{id} */
void api_interaction_get(struct api_req *req)
{
	query(req,
	      &(struct store_interaction_filter){
		      .id = api_req_param(req, "id"),
		      .tenant = api_tenant_name(req),
		      .limit = 1,
	      },
	      one_done);
}

/* --- wrap-up ------------------------------------------------------------------ */

struct wrapup {
	struct api_req *req; /* held */
	char *code, *note;   /* malloc'd */
	json_t *rec;         /* the record read, with the new values */
	struct store *store; /* borrowed */
};

static void wrapup_destructor(void *arg)
{
	struct wrapup *w = arg;

	mem_deref(w->req);
	free(w->code);
	free(w->note);
	json_decref(w->rec);
}

static void wrapup_written(int err, void *arg)
{
	struct wrapup *w = arg;

	if (err == ENOENT)
		api_reply_error(w->req, 404, "not_found", "no interaction %s",
				api_req_param(w->req, "id"));
	else if (!store_failed(w->req, err)) {
		api_reply_json(w->req, 200, w->rec);
		w->rec = NULL;
	}
	mem_deref(w);
}

static void wrapup_read(int err, const struct store_interaction *v, size_t n,
			void *arg)
{
	struct wrapup *w = arg;

	if (store_failed(w->req, err))
		goto out;
	if (!n || !visible(w->req, &v[0])) {
		api_reply_error(w->req, 404, "not_found", "no interaction %s",
				api_req_param(w->req, "id"));
		goto out;
	}
	w->rec = api_interaction_json(&v[0]);
	if (w->rec) {
		json_object_set_new(w->rec, "wrapup_code",
				    api_json_str(w->code));
		json_object_set_new(w->rec, "note", api_json_str(w->note));
	}
	err = store_interaction_wrapup_put(w->store, v[0].tenant, v[0].id,
					   w->code, w->note, wrapup_written,
					   w);
	if (!err)
		return; /* w goes on to wrapup_written */
	store_failed(w->req, err);
out:
	mem_deref(w);
}

/* PUT /api/v1/interactions/{id}/wrapup {"code": "resolved", "note": "..."}
 * by the agent who handled it, or a supervisor. */
void api_interaction_wrapup(struct api_req *req)
{
	static const char *const known[] = {"code", "note"};
	json_t *body = api_req_body(req);
	const char *code, *note;
	struct wrapup *w;
	int err;

	if (api_json_fields(req, body, known, 2) ||
	    api_json_string(req, body, "code", false, 64, &code) ||
	    api_json_string(req, body, "note", false, 4000, &note))
		return;
	if (code && !api_wrapup_code_known(code)) {
		api_reply_error(req, 400, "bad_value",
				"unknown wrap-up code '%s' (see GET "
				"/api/v1/wrapup-codes)",
				code);
		return;
	}
	if (!code && !note) {
		api_reply_error(req, 400, "missing_field",
				"give 'code', 'note' or both");
		return;
	}
	if (!api_store(req)) {
		api_reply_error(req, 503, "unavailable", "no store configured");
		return;
	}
	w = mem_zalloc(sizeof(*w), wrapup_destructor);
	if (!w || (code && !(w->code = strdup(code))) ||
	    (note && !(w->note = strdup(note)))) {
		mem_deref(w);
		api_reply_error(req, 500, "internal", "out of memory");
		return;
	}
	w->store = api_store(req);
	w->req = api_req_hold(req);
	err = store_interactions_get(
		api_store(req),
		&(struct store_interaction_filter){
			.id = api_req_param(req, "id"),
			.tenant = api_tenant_name(req),
			.limit = 1,
		},
		wrapup_read, w);
	if (err) {
		store_failed(req, err);
		mem_deref(w);
	}
}

/* --- recordings ------------------------------------------------------------- */

#define RECORDING_MAX (64u << 20)

/* Read on the loop: recordings are files of a few MB in the page cache.
 * (A worker would be kinder to the loop for long calls; see README.) */
static void recording_done(int err, const struct store_interaction *v,
			   size_t n, void *arg)
{
	struct api_req *req = arg;
	struct stat st;
	uint8_t *buf = NULL;
	ssize_t got = 0;
	int fd = -1;

	if (store_failed(req, err))
		goto out;
	if (!n || !visible(req, &v[0]) || !v[0].recording ||
	    !*v[0].recording) {
		api_reply_error(req, 404, "not_found",
				"no recording of interaction %s",
				api_req_param(req, "id"));
		goto out;
	}
	fd = open(v[0].recording, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    st.st_size > RECORDING_MAX) {
		api_reply_error(req, 404, "not_found",
				"the recording of interaction %s is not "
				"readable",
				api_req_param(req, "id"));
		goto out;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	while (buf && got < st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)(st.st_size - got));
		if (r <= 0)
			break;
		got += r;
	}
	if (!buf || got != st.st_size) {
		api_reply_error(req, 500, "internal",
				"reading the recording failed");
		goto out;
	}
	api_reply_body(req, 200, "audio/wav", "Cache-Control: private\r\n",
		       buf, (size_t)got, false);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	mem_deref(req);
}

void api_interaction_recording(struct api_req *req)
{
	query(req,
	      &(struct store_interaction_filter){
		      .id = api_req_param(req, "id"),
		      .tenant = api_tenant_name(req),
		      .limit = 1,
	      },
	      recording_done);
}
