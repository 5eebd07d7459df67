/**
 * @file queues.c  What the voice channel keeps per queue of the center: the
 * queue's music on hold (loaded once, shared by every caller of the queue)
 * and the folders recordings go to.
 *
 * Files are read here, at start-up (voice_alloc), never on a call's path.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "media/media.h"
#include "ivr/ivr.h"
#include "voice/voice_int.h"

/* A music path relative to the center file's folder. */
static int music_path(const struct center *c, const char *music, char *buf,
                      size_t sz)
{
	const char *slash = c->path ? strrchr(c->path, '/') : NULL;
	int n;

	if (music[0] == '/' || !slash)
		n = snprintf(buf, sz, "%s", music);
	else
		n = snprintf(buf, sz, "%.*s/%s", (int)(slash - c->path),
		             c->path, music);
	return n < 0 || (size_t)n >= sz ? ENAMETOOLONG : 0;
}

/* mkdir -p */
static int mkdirs(const char *path)
{
	char buf[1024];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p)
			continue;
		char ch = *p;

		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return errno;
		if (!ch)
			return 0;
		*p = ch;
	}
}

/* The entries of one tenant's queues, from v->vq[i] on (room made). */
static int vqueues_tenant(struct voice *v, const struct center_tenant *ct,
                          size_t i)
{
	const struct center *c = v->cfg.center;

	for (size_t q = 0; q < ct->nqueues; q++, i++) {
		const struct center_queue *cq = &ct->queues[q];
		char path[1024];
		int err;

		v->vq[i].ct = ct;
		v->vq[i].cq = cq;
		if (!cq->music || cq->cfg.channel != ACD_CH_VOICE)
			continue;
		err = music_path(c, cq->music, path, sizeof(path));
		if (!err)
			err = media_clip_load(&v->vq[i].music, path);
		if (err) {
			HL_ERROR("voice",
			         "queue %s@%s: music %s cannot be "
			         "played: %s (want a WAV of 8 kHz mono "
			         "audio)",
			         cq->cfg.name, ct->name, path, strerror(err));
			return EINVAL;
		}
		HL_INFO("voice", "queue %s@%s: music on hold %s (%zu s)",
		        cq->cfg.name, ct->name, path,
		        v->vq[i].music->samples / 8000);
	}

	if (v->cfg.recordings) {
		char dir[1024];
		int err;

		if (snprintf(dir, sizeof(dir), "%s/%s", v->cfg.recordings,
		             ct->name) >= (int)sizeof(dir))
			err = ENAMETOOLONG;
		else
			err = mkdirs(dir);
		/* the call goes on unrecorded: the writer reports
		 * each failure when it happens */
		if (err)
			HL_WARN("voice", "tenant %s: recordings folder %s: %s",
			        ct->name, dir, strerror(err));
	}
	return 0;
}

int vqueues_init(struct voice *v)
{
	const struct center *c = v->cfg.center;
	size_t n = 0, i = 0;

	for (size_t t = 0; t < c->ntenants; t++)
		n += c->tenants[t].nqueues;
	if (n) {
		v->vq = mem_zalloc(n * sizeof(*v->vq), NULL);
		if (!v->vq)
			return ENOMEM;
	}
	v->nvq = n;

	for (size_t t = 0; t < c->ntenants; t++) {
		int err = vqueues_tenant(v, &c->tenants[t], i);

		if (err)
			return err;
		i += c->tenants[t].nqueues;
	}

	return 0;
}

int voice_tenant_added(struct voice *v, const struct center_tenant *ct)
{
	struct vqueue *vq;
	size_t n;

	if (!v || !ct)
		return EINVAL;
	if (v->cfg.ivr) {
		int err = ivr_tenant_added(v->cfg.ivr, ct);

		if (err)
			HL_WARN("voice", "tenant %s: time zone %s: %s (UTC "
			                 "instead)", ct->name, ct->timezone,
			        strerror(err));
	}
	for (size_t i = 0; i < v->nvq; i++) {
		if (v->vq[i].ct == ct)
			return 0; /* known already (an import undone) */
	}
	if (!ct->nqueues)
		return vqueues_tenant(v, ct, v->nvq);
	/* entries are looked up anew each time (vqueue_find), never kept:
	 * the array may move; the music clips it points at do not */
	n = v->nvq + ct->nqueues;
	vq = v->vq ? mem_realloc(v->vq, n * sizeof(*vq))
	           : mem_zalloc(n * sizeof(*vq), NULL);
	if (!vq)
		return ENOMEM;
	memset(vq + v->nvq, 0, ct->nqueues * sizeof(*vq));
	v->vq = vq;
	v->nvq = n;
	return vqueues_tenant(v, ct, n - ct->nqueues);
}

void vqueues_free(struct voice *v)
{
	for (size_t i = 0; i < v->nvq; i++)
		mem_deref(v->vq[i].music);
	v->vq = mem_deref(v->vq);
	v->nvq = 0;
}

const struct vqueue *vqueue_find(const struct voice *v,
                                 const struct center_tenant *ct,
                                 const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < v->nvq; i++) {
		if (v->vq[i].ct == ct && !strcmp(v->vq[i].cq->cfg.name, name))
			return &v->vq[i];
	}
	return NULL;
}
