/**
 * @file recordings.c  GET /api/v1/interactions/{id}/recording: the WAV file
 * of a call's recording or voice message, as the interaction record names
 * it (store's `recording`).
 *
 * Neither the store read nor the file read blocks the loop: the record
 * comes back through the store's callback, the file is read on a
 * short-lived thread whose result comes back through a libre mqueue; the
 * request is held until then.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <re_types.h>
#include <re_fmt.h>
#include <re_mem.h>
#include <re_mqueue.h>

#include "api/api.h"
#include "core/core.h"
#include "store/store.h"

#define RECORDING_MAX (512u * 1024u * 1024u) /* bytes served at most */

struct rec_job {
	struct api_req *req; /* reference (held) */
	struct mqueue *mq;   /* owning; freed on the loop */
	char *path;          /* owning */
	uint8_t *data;       /* owning (malloc), filled by the thread */
	size_t len;
	int err;
};

static void job_destructor(void *arg)
{
	struct rec_job *j = arg;

	mem_deref(j->req);
	mem_deref(j->mq);
	mem_deref(j->path);
	free(j->data);
}

/* The worker: read the whole file. */
static void *read_main(void *arg)
{
	struct rec_job *j = arg;
	struct stat st;
	FILE *f = fopen(j->path, "rb");

	if (!f) {
		j->err = errno;
		goto out;
	}
	if (fstat(fileno(f), &st) || st.st_size < 0) {
		j->err = errno ? errno : EIO;
		goto out;
	}
	if ((uint64_t)st.st_size > RECORDING_MAX) {
		j->err = EFBIG;
		goto out;
	}
	j->len = (size_t)st.st_size;
	j->data = malloc(j->len ? j->len : 1);
	if (!j->data) {
		j->err = ENOMEM;
		goto out;
	}
	if (j->len && fread(j->data, 1, j->len, f) != j->len)
		j->err = EIO;
out:
	if (f)
		fclose(f);
	/* the loop frees the job; a failed push leaves it to the mqueue's
	 * owner (the job itself): nothing more can be done here */
	(void)mqueue_push(j->mq, 0, j);
	return NULL;
}

static void read_done(int id, void *data, void *arg)
{
	struct rec_job *j = data;
	struct api_req *req = j->req;
	(void)id;
	(void)arg;

	if (j->err == ENOENT)
		api_reply_error(req, 404, "not_found",
				"the recording of interaction %s is gone "
				"(%s)",
				api_req_param(req, "id"), j->path);
	else if (j->err)
		api_reply_error(req, 500, "internal",
				"recording cannot be read: %s",
				strerror(j->err));
	else
		api_reply_data(req, 200, "audio/wav", j->data, j->len);
	mem_deref(j);
}

static void found(int err, const struct store_interaction *v, size_t n,
		  void *arg)
{
	struct api_req *req = arg;
	struct rec_job *j = NULL;
	pthread_attr_t attr;
	pthread_t tid;
	int e;

	if (err) {
		if (err == EBUSY || err == ESHUTDOWN)
			api_reply_error(req, 503, "unavailable",
					"the store is %s; try again",
					err == EBUSY ? "busy"
						     : "shutting down");
		else
			api_reply_error(req, 500, "internal",
					"store read failed: %s",
					strerror(err));
		goto out;
	}
	if (!n) {
		api_reply_error(req, 404, "not_found", "no interaction %s",
				api_req_param(req, "id"));
		goto out;
	}
	if (!v[0].recording || !*v[0].recording) {
		api_reply_error(req, 404, "not_found",
				"interaction %s has no recording",
				api_req_param(req, "id"));
		goto out;
	}

	j = mem_zalloc(sizeof(*j), job_destructor);
	if (!j || str_dup(&j->path, v[0].recording) ||
	    mqueue_alloc(&j->mq, read_done, NULL)) {
		api_reply_error(req, 503, "unavailable", "out of memory");
		goto out;
	}
	j->req = mem_ref(req);

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	e = pthread_create(&tid, &attr, read_main, j);
	pthread_attr_destroy(&attr);
	if (e) {
		api_reply_error(req, 503, "unavailable",
				"cannot read the recording now: %s",
				strerror(e));
		goto out;
	}
	j = NULL; /* the thread hands it back through the mqueue */
out:
	mem_deref(j);
	mem_deref(req);
}

/* GET /api/v1/interactions/{id}/recording */
void api_interaction_recording(struct api_req *req)
{
	struct api_req *held;
	int err;

	if (!api_store(req)) {
		api_reply_error(req, 503, "unavailable", "no store configured");
		return;
	}
	held = api_req_hold(req);
	err = store_interactions_get(
		api_store(req),
		&(struct store_interaction_filter){
			.id = api_req_param(req, "id"),
			.tenant = api_req_query(req, "tenant"),
			.limit = 1,
		},
		found, held);
	if (err) {
		api_reply_error(req, err == ENOMEM ? 503 : 500,
				err == ENOMEM ? "unavailable" : "internal",
				"store read failed: %s", strerror(err));
		mem_deref(held);
	}
}
