/**
 * @file work.c  Work items: callback requests and voice messages as
 * contacts of the engine, and what the agent who takes one hears (see
 * message.c for the whole picture).
 *
 * A voice message is a file the writer thread finished; it is read into a
 * clip on a short-lived thread when the item is first offered (never on
 * the loop), and handed back through the voice's mqueue.
 */
#include <pthread.h>
#include <string.h>

#include "ivr/ivr.h"
#include "media/media.h"
#include "voice/voice_int.h"

/* The queue's step-0 requirements and the caller's language skill, as the
 * IVR asks them for a call (the agent who calls back speaks the
 * language). */
static size_t merge(struct acd_skill_req *v, size_t n, size_t max,
                    const char *skill, uint8_t level)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(v[i].skill, skill)) {
			if (level > v[i].min_level)
				v[i].min_level = level;
			return n;
		}
	}
	if (n == max)
		return n;
	v[n].skill = skill;
	v[n].min_level = level;
	return n + 1;
}

static void copy_var(struct call *w, const char *name, const char *value)
{
	struct call_var *cv = mem_zalloc(sizeof(*cv), NULL);

	if (!cv)
		return;
	if (str_dup(&cv->name, name) || str_dup(&cv->value, value)) {
		mem_deref(cv->name);
		mem_deref(cv->value);
		mem_deref(cv);
		return;
	}
	list_append(&w->vars, &cv->le, cv);
}

void work_vars_flush(struct call *c)
{
	struct le *le;

	while ((le = list_head(&c->vars))) {
		struct call_var *cv = le->data;

		list_unlink(le);
		mem_deref(cv->name);
		mem_deref(cv->value);
		mem_deref(cv);
	}
}

static int work_add(struct call *from, enum call_kind kind, const char *queue,
                    const char *number, const char *path)
{
	struct voice *v = from->v;
	struct acd_tenant *at = acd_tenant_find(v->cfg.acd, from->ct->name);
	struct acd_queue *q = at && queue ? acd_queue_find(at, queue) : NULL;
	const struct center_language *l = center_language(from->ct, from->lang);
	const struct acd_queue_cfg *qc;
	struct acd_skill_req skills[34];
	const char *name, *value;
	struct call *w;
	size_t n = 0;
	int err;

	if (!q || acd_queue_config(q)->channel != ACD_CH_VOICE) {
		HL_WARN("voice",
		        "call %s: %s for queue %s: no such voice queue",
		        from->id,
		        kind == CALL_VOICEMAIL ? "voice message" : "callback",
		        queue ? queue : "-");
		return ENOENT;
	}

	err = call_alloc_work(&w, v, from->ct, kind, number, from->dialed);
	if (err)
		return err;
	str_ncpy(w->lang, from->lang, sizeof(w->lang));
	err = str_dup(&w->origin, from->id);
	if (!err && path)
		err = str_dup(&w->work_path, path);
	if (err) {
		call_end(w, DISP_FAILED, 0, "out of memory");
		return err;
	}

	/* the caller's variables, for the agent's screen pop */
	if (from->ivr) {
		for (size_t i = 0;
		     ivr_session_var_at(from->ivr, i, &name, &value); i++)
			copy_var(w, name, value);
	} else {
		for (struct le *le = from->vars.head; le; le = le->next) {
			const struct call_var *cv = le->data;

			copy_var(w, cv->name, cv->value);
		}
	}

	qc = acd_queue_config(q);
	for (size_t i = 0; i < qc->reqs.n; i++)
		n = merge(skills, n, ARRAY_LEN(skills), qc->reqs.v[i].skill,
		          qc->reqs.v[i].min_level);
	if (l && l->skill)
		n = merge(skills, n, ARRAY_LEN(skills), l->skill,
		          ACD_LEVEL_MIN);

	HL_INFO("voice", "call %s: %s %s for queue %s (from call %s)", w->id,
	        kind == CALL_VOICEMAIL ? "voice message from" : "callback to",
	        w->caller, queue, from->id);

	err = call_enqueue(w, q, 0, n ? skills : NULL, n);
	if (err == ECANCELED)
		return 0; /* the queue was full: ended, logged */
	if (err) {
		call_end(w, DISP_FAILED, 0, "queue refused the work item");
		return err;
	}
	return 0;
}

int work_callback(struct call *c, const char *queue, const char *number)
{
	int err = work_add(c, CALL_CALLBACK, queue, number, NULL);

	if (!err) {
		++c->v->cb_total;
		str_ncpy(c->reason, "callback requested", sizeof(c->reason));
	}
	return err;
}

int work_voicemail(struct call *c, const char *queue, const char *path)
{
	int err = work_add(c, CALL_VOICEMAIL, queue, c->caller, path);

	if (!err)
		++c->v->vm_total;
	return err;
}

/* --- the message, loaded off the loop --------------------------------------
 */

struct clip_job {
	struct call *c;          /* reference */
	struct mqueue *mq;       /* reference */
	char *path;              /* owning */
	struct media_clip *clip; /* owning, filled by the thread */
	int err;
};

static void job_destructor(void *arg)
{
	struct clip_job *j = arg;

	mem_deref(j->c);
	mem_deref(j->mq);
	mem_deref(j->path);
	mem_deref(j->clip);
}

static void *load_main(void *arg)
{
	struct clip_job *j = arg;

	j->err = media_clip_load(&j->clip, j->path);
	if (mqueue_push(j->mq, 0, j))
		HL_ERROR("voice", "voice message %s: lost (mqueue)", j->path);
	return NULL;
}

void work_load_done(struct clip_job *j)
{
	struct call *c = j->c;

	c->work_loading = false;
	if (!c->le.list || c->state == CALL_ENDED) {
		mem_deref(j);
		return;
	}
	if (j->err)
		HL_WARN("voice", "call %s: voice message %s cannot be read: %s",
		        c->id, j->path, strerror(j->err));
	else
		c->work_clip = mem_ref(j->clip);
	mem_deref(j);

	if (c->cm == CM_PREVIEW && !c->token)
		work_preview_done(c); /* the agent waits for it */
}

void work_load(struct call *c)
{
	struct clip_job *j;
	pthread_attr_t attr;
	pthread_t tid;
	int err;

	if (c->kind != CALL_VOICEMAIL || c->work_clip || c->work_loading ||
	    !c->work_path || !c->v->mq)
		return;
	j = mem_zalloc(sizeof(*j), job_destructor);
	if (!j)
		return;
	j->c = mem_ref(c);
	j->mq = mem_ref(c->v->mq);
	if (str_dup(&j->path, c->work_path)) {
		mem_deref(j);
		return;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&tid, &attr, load_main, j);
	pthread_attr_destroy(&attr);
	if (err) {
		HL_WARN("voice", "call %s: cannot load the voice message: %s",
		        c->id, strerror(err));
		mem_deref(j);
		return;
	}
	c->work_loading = true;
}

/* --- the agent's side -------------------------------------------------------
 */

void work_preview(struct call *c)
{
	const char *lang = c->ct->nlanguages ? c->ct->languages[0].code : "zh";
	const char *names[8 + 2 * sizeof(c->entry)];
	char buf[ARRAY_LEN(names)][48];
	const char *paths[ARRAY_LEN(names)];
	size_t k = 0;
	int n;

	names[k++] =
	    c->kind == CALL_VOICEMAIL ? "agent/voicemail" : "agent/callback";
	n = ivr_say_digits(lang, c->caller, names + k,
	                   ARRAY_LEN(names) - k - 1);
	if (n > 0)
		k += (size_t)n;
	if (c->kind == CALL_VOICEMAIL)
		names[k++] = "tone/beep";
	for (size_t i = 0; i < k; i++) {
		(void)re_snprintf(buf[i], sizeof(buf[i]), "%s/%s",
		                  ivr_catalog_has(IVR_LANG_COMMON, names[i])
		                      ? IVR_LANG_COMMON
		                      : lang,
		                  names[i]);
		paths[i] = buf[i];
	}

	c->cm = CM_PREVIEW;
	HL_INFO("voice", "call %s: agent %s takes the %s", c->id, c->agent_id,
	        c->kind == CALL_VOICEMAIL ? "voice message" : "callback");
	c->token = call_play(c, 1, paths, k, false);
	if (!c->token)
		work_preview_done(c);
}

void work_preview_done(struct call *c)
{
	if (c->kind == CALL_VOICEMAIL && !c->work_played) {
		if (c->work_loading)
			return; /* work_load_done() comes back here */
		c->work_played = true;
		if (c->work_clip) {
			c->token =
			    call_play_clip(c, 1, c->work_clip, c->work_clip);
			if (c->token)
				return;
		}
	}
	call_end(c, DISP_ANSWERED, 0,
	         c->kind == CALL_VOICEMAIL ? "voice message heard"
	                                   : "callback taken");
}
