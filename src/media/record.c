/**
 * @file record.c  Call recording: a tap on the relay (media thread) that
 * decodes both directions into 20 ms frames on a clock of its own, and the
 * writer thread that puts them in WAV files with libsndfile.
 *
 * Timeline: sample n of the file is (start + n * 125 us) on the media
 * thread's monotonic clock.  Each channel places a packet by its RTP
 * timestamp relative to an anchor (the first packet of a stream lands where
 * its arrival time says); frames are handed on REC_DELAY frames after their
 * time, which is the jitter a packet may have.  A packet whose frame is
 * gone (late), or that lands beyond the ring (a timestamp jump, a clock
 * faster than ours), re-anchors the channel; three late packets in a row
 * (a slower clock, a longer path) do too.  Nothing arrived = silence, so the
 * file grows exactly with the clock whatever the network did.
 *
 * Hand-off: the media thread fills chunks of REC_CHUNK frames and pushes
 * them on the writer's lock-free queue; the writer thread opens, writes and
 * closes files, and reports failures and ends as events.  If the writer
 * falls REC_PENDING_MAX chunks behind (a stalled disk), frames are dropped
 * and counted rather than memory grown without bound.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <sndfile.h>

#include "core/core.h"
#include "media/media_int.h"

#define REC_DELAY       10 /* frames of jitter allowance (200 ms) */
#define REC_RING        32 /* frames held per channel */
#define REC_RING_S      (REC_RING * MEDIA_FRAME)
#define REC_CHUNK       25  /* frames per chunk (0.5 s) */
#define REC_PENDING_MAX 120 /* chunks queued for one recording (60 s) */
#define REC_LATE_RESYNC 3   /* late packets in a row that re-anchor */

enum rec_job_kind { JOB_OPEN, JOB_DATA, JOB_CLOSE, JOB_STOP };

/** Work for the writer: allocated by a control or media thread, freed by
 *  the writer. */
struct rec_job {
	struct rec_job *next;
	enum rec_job_kind kind;
	struct recorder *rec; /* borrowed (freed by the writer on CLOSE) */
	unsigned frames;
	int16_t pcm[]; /* JOB_DATA: frames * MEDIA_FRAME * channels */
};

struct rec_chan {
	bool anchored;
	uint32_t ssrc, ts0;
	int64_t pos0;  /* timeline sample where timestamp ts0 lands */
	unsigned late; /* late packets in a row */
	int16_t ring[REC_RING_S];
};

/** One recording.  Built by the control thread; the media thread uses it
 *  from MCMD_RECORD until it pushes JOB_CLOSE, the writer from JOB_OPEN to
 *  JOB_CLOSE, after which the writer frees it. */
struct recorder {
	struct media *m; /* borrowed: the engine outlives its threads */
	uint64_t relay_id;
	char *path; /* owning */
	unsigned channels;
	enum media_rec_format fmt;
	atomic_bool failed;       /* set by the writer */
	_Atomic unsigned pending; /* DATA jobs queued */

	/* media thread */
	struct le le; /* in t->recs[phase] */
	unsigned phase;
	struct relay_state *rs; /* borrowed: the relay tapped */
	int64_t start_ns;
	uint64_t emitted; /* frames handed on or dropped */
	uint64_t dropped; /* read by the writer after JOB_CLOSE */
	struct rec_job *cur;
	struct rec_chan ch[2];

	/* writer */
	SNDFILE *sf;
	uint64_t written;
	bool error;
};

static void rec_free(struct recorder *rec)
{
	free(rec->path);
	free(rec);
}

/* --- the writer's queue ----------------------------------------------------
 */

static void writer_push(struct media_writer *w, struct rec_job *job)
{
	struct rec_job *old =
	    atomic_load_explicit(&w->jobs, memory_order_relaxed);
	const uint64_t one = 1;

	do {
		job->next = old;
	} while (!atomic_compare_exchange_weak_explicit(
	    &w->jobs, &old, job, memory_order_release, memory_order_relaxed));
	if (!old && write(w->efd, &one, sizeof(one)) < 0) {
		/* cannot fail: the counter never nears 2^64 */
	}
}

/* --- media thread -----------------------------------------------------------
 */

static size_t chunk_size(const struct recorder *rec)
{
	return sizeof(struct rec_job) + (size_t)REC_CHUNK * MEDIA_FRAME *
	                                    rec->channels * sizeof(int16_t);
}

static void rec_flush(struct recorder *rec)
{
	struct rec_job *job = rec->cur;

	if (!job || !job->frames)
		return;
	rec->cur = NULL;
	if (atomic_load_explicit(&rec->pending, memory_order_relaxed) >=
	    REC_PENDING_MAX) {
		rec->dropped += job->frames;
		free(job);
		return;
	}
	atomic_fetch_add_explicit(&rec->pending, 1, memory_order_relaxed);
	writer_push(&rec->m->w, job);
}

/* Hand on the frame rec->emitted of every channel, then clear it. */
static void rec_emit(struct recorder *rec)
{
	const size_t slot = (size_t)(rec->emitted % REC_RING) * MEDIA_FRAME;
	int16_t *l = rec->ch[0].ring + slot, *r = rec->ch[1].ring + slot;
	struct rec_job *job = rec->cur;

	if (!job) {
		job = malloc(chunk_size(rec));
		if (job) {
			job->kind = JOB_DATA;
			job->rec = rec;
			job->frames = 0;
		}
		rec->cur = job;
	}
	if (job) {
		int16_t *d = job->pcm +
		             (size_t)job->frames * MEDIA_FRAME * rec->channels;
		if (rec->channels == 2) {
			for (int i = 0; i < MEDIA_FRAME; i++) {
				d[2 * i] = l[i];
				d[2 * i + 1] = r[i];
			}
		} else {
			memcpy(d, l, MEDIA_FRAME * sizeof(*d));
		}
		job->frames++;
	} else {
		rec->dropped++;
	}
	memset(l, 0, MEDIA_FRAME * sizeof(*l));
	memset(r, 0, MEDIA_FRAME * sizeof(*r));
	rec->emitted++;
	if (job && job->frames == REC_CHUNK)
		rec_flush(rec);
}

void rec_tap(struct mthread *t, struct recorder *rec, int ch,
             const uint8_t *pkt, size_t off, size_t plen)
{
	const uint8_t pt = pkt[1] & 0x7f;
	const uint32_t ts = rd32(pkt + 4), ssrc = rd32(pkt + 8);
	struct rec_chan *c = &rec->ch[ch];
	const int16_t *tab;
	int64_t now, lo, hi, pos;

	if (ch >= (int)rec->channels || !plen || plen > REC_RING_S / 2)
		return;
	if (pt == 0)
		tab = media_ulaw_lin;
	else if (pt == 8)
		tab = media_alaw_lin;
	else
		return; /* telephone-events, comfort noise, other codecs */

	now = (t->now_ns - rec->start_ns) / MEDIA_SAMPLE_NS;
	lo = (int64_t)rec->emitted * MEDIA_FRAME; /* first sample kept */
	hi = lo + REC_RING_S;

	if (c->anchored && ssrc == c->ssrc) {
		pos = c->pos0 + (int32_t)(ts - c->ts0);
		if (pos < lo) {
			/* its frame is gone: drop it, unless the stream keeps
			 * coming late (or jumped back): then follow it */
			if (++c->late < REC_LATE_RESYNC &&
			    pos >= lo - REC_RING_S)
				return;
		} else if (pos + (int64_t)plen <= hi) {
			goto place;
		}
	}
	/* a new stream, or one that left the window: it is "now" */
	c->anchored = true;
	c->ssrc = ssrc;
	c->ts0 = ts;
	c->pos0 = now < lo ? lo : now;
	pos = c->pos0;
	if (pos + (int64_t)plen > hi)
		return; /* the tick is far behind: no room */

place:
	c->late = 0;
	for (size_t i = 0; i < plen; i++)
		c->ring[(size_t)(pos + (int64_t)i) % REC_RING_S] =
		    tab[pkt[off + i]];
}

static void rec_detach(struct mthread *t, struct recorder *rec, bool drain)
{
	struct rec_job *close = malloc(sizeof(*close));

	if (drain && !atomic_load(&rec->failed)) {
		/* the frame in progress too: the file covers the whole time */
		int64_t f = (t->now_ns - rec->start_ns) / MEDIA_FRAME_NS;
		while ((int64_t)rec->emitted <= f)
			rec_emit(rec);
		rec_flush(rec);
	}
	free(rec->cur);
	rec->cur = NULL;
	list_unlink(&rec->le);
	mthread_tick_leave(t, rec->phase);
	rec->rs->rec = NULL;

	/* the CLOSE job must not be lost: without it the writer would never
	 * free the recorder; retry a plain malloc once more */
	if (!close)
		close = malloc(sizeof(*close));
	if (!close) {
		HL_ERROR("media", "out of memory closing %s", rec->path);
		return;
	}
	close->kind = JOB_CLOSE;
	close->rec = rec;
	close->frames = 0;
	writer_push(&rec->m->w, close);
}

void rec_tick(struct mthread *t, struct recorder *rec)
{
	int64_t f;

	if (atomic_load_explicit(&rec->failed, memory_order_relaxed)) {
		rec_detach(t, rec, false); /* the writer reported it */
		return;
	}
	f = (t->now_ns - rec->start_ns) / MEDIA_FRAME_NS;
	while ((int64_t)rec->emitted + REC_DELAY <= f)
		rec_emit(rec);
}

void rec_apply(struct mthread *t, struct relay_state *rs, struct recorder *rec)
{
	if (rs->rec)
		rec_detach(t, rs->rec, true);
	rec->rs = rs;
	rec->start_ns = t->now_ns;
	rec->phase = mthread_tick_join(t, -1);
	list_append(&t->recs[rec->phase], &rec->le, rec);
	rs->rec = rec;
}

void rec_stop(struct mthread *t, struct relay_state *rs)
{
	if (rs->rec)
		rec_detach(t, rs->rec, true);
}

/* --- writer thread ----------------------------------------------------------
 */

static void writer_fail(struct media_writer *w, struct recorder *rec, int err,
                        const char *what)
{
	struct media_event ev = {.type = MEDIA_EV_RECORD_ERROR, .err = err};

	HL_WARN("media", "recording %s: %s: %s (the call goes on unrecorded)",
	        rec->path, what, strerror(err));
	if (rec->sf) {
		sf_close(rec->sf);
		rec->sf = NULL;
		atomic_fetch_sub(&w->open, 1);
	}
	rec->error = true;
	atomic_store(&rec->failed, true);
	ev.frames = rec->written;
	media_event_post(rec->m, rec->relay_id, &ev, rec->path);
}

static void writer_open(struct media_writer *w, struct recorder *rec)
{
	SF_INFO info = {.samplerate = 8000, .channels = (int)rec->channels};
	int err;

	info.format =
	    SF_FORMAT_WAV |
	    (rec->fmt == MEDIA_REC_ULAW ? SF_FORMAT_ULAW : SF_FORMAT_PCM_16);
	errno = 0;
	rec->sf = sf_open(rec->path, SFM_WRITE, &info);
	if (!rec->sf) {
		err = errno ? errno : EIO;
		writer_fail(w, rec, err, "cannot create");
		return;
	}
	/* the header follows every write: a crash leaves a valid file */
	sf_command(rec->sf, SFC_SET_UPDATE_HEADER_AUTO, NULL, SF_TRUE);
	atomic_fetch_add(&w->open, 1);
}

static void writer_data(struct media_writer *w, struct rec_job *job)
{
	struct recorder *rec = job->rec;
	sf_count_t n = (sf_count_t)job->frames * MEDIA_FRAME;

	atomic_fetch_sub_explicit(&rec->pending, 1, memory_order_relaxed);
	if (!rec->sf)
		return; /* failed already */
	errno = 0;
	if (sf_writef_short(rec->sf, job->pcm, n) != n) {
		writer_fail(w, rec, errno ? errno : EIO, "write");
		return;
	}
	rec->written += job->frames;
}

static void writer_close(struct media_writer *w, struct recorder *rec)
{
	struct media_event ev = {.type = MEDIA_EV_RECORD_END};

	if (rec->sf) {
		sf_close(rec->sf);
		rec->sf = NULL;
		atomic_fetch_sub(&w->open, 1);
	}
	if (!rec->error) {
		ev.frames = rec->written;
		ev.dropped = rec->dropped;
		if (rec->dropped)
			HL_WARN("media", "recording %s: %llu frames dropped",
			        rec->path, (unsigned long long)rec->dropped);
		media_event_post(rec->m, rec->relay_id, &ev, rec->path);
	}
	rec_free(rec);
}

static void *writer_main(void *arg)
{
	struct media_writer *w = arg;

	for (;;) {
		struct rec_job *list, *fifo = NULL;
		uint64_t v;

		if (read(w->efd, &v, sizeof(v)) < 0 && errno != EINTR)
			break;
		list = atomic_exchange_explicit(&w->jobs, NULL,
		                                memory_order_acquire);
		while (list) {
			struct rec_job *next = list->next;
			list->next = fifo;
			fifo = list;
			list = next;
		}
		while (fifo) {
			struct rec_job *job = fifo;
			fifo = job->next;

			switch (job->kind) {
			case JOB_OPEN:
				writer_open(w, job->rec);
				break;
			case JOB_DATA:
				writer_data(w, job);
				break;
			case JOB_CLOSE:
				writer_close(w, job->rec);
				break;
			case JOB_STOP:
				/* pushed last, once no one else can push */
				free(job);
				return NULL;
			}
			free(job);
		}
	}
	HL_ERROR("media", "writer: eventfd: %s", strerror(errno));
	return NULL;
}

/* Control thread, on the first recording. */
int media_writer_start(struct media *m)
{
	struct media_writer *w = &m->w;
	sigset_t all, old;
	int err;

	if (w->started)
		return 0;
	w->stop = calloc(1, sizeof(*w->stop));
	if (!w->stop)
		return ENOMEM;
	w->stop->kind = JOB_STOP;
	w->efd = eventfd(0, EFD_CLOEXEC);
	if (w->efd < 0) {
		err = errno;
		goto out;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&w->tid, NULL, writer_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		goto out;
	pthread_setname_np(w->tid, "hl-recwriter");
	w->started = true;

out:
	if (err) {
		if (w->efd >= 0)
			close(w->efd);
		free(w->stop);
		w->stop = NULL;
	}
	return err;
}

/* After the media threads stopped: everything queued is written, then the
 * writer exits. */
void media_writer_stop(struct media *m)
{
	struct media_writer *w = &m->w;

	if (!w->started)
		return;
	writer_push(w, w->stop);
	w->stop = NULL;
	pthread_join(w->tid, NULL);
	close(w->efd);
	w->started = false;
}

/* --- control thread ------------------------------------------------------- */

int media_relay_record(struct media_relay *r, const char *path, bool stereo,
                       enum media_rec_format fmt)
{
	struct recorder *rec = NULL;
	struct rec_job *open = NULL;
	struct media_cmd *cmd = NULL;
	int err;

	if (!r || !path || !*path ||
	    (fmt != MEDIA_REC_PCM16 && fmt != MEDIA_REC_ULAW))
		return EINVAL;

	err = media_writer_start(r->m);
	if (err)
		return err;

	rec = calloc(1, sizeof(*rec));
	open = calloc(1, sizeof(*open));
	cmd = calloc(1, sizeof(*cmd));
	if (!rec || !open || !cmd || !(rec->path = strdup(path))) {
		err = ENOMEM;
		goto out;
	}
	rec->m = r->m;
	rec->relay_id = r->id;
	rec->channels = stereo ? 2 : 1;
	rec->fmt = fmt;

	/* the writer opens the file; the media thread's chunks come after */
	open->kind = JOB_OPEN;
	open->rec = rec;
	writer_push(&r->m->w, open);
	open = NULL;
	cmd->type = MCMD_RECORD;
	cmd->ptr = rec;
	rec = NULL;
	err = relay_cmd_push(r, cmd);
	cmd = NULL;

out:
	if (rec)
		rec_free(rec);
	free(open);
	free(cmd);
	return err;
}

int media_relay_record_stop(struct media_relay *r)
{
	struct media_cmd *cmd;

	if (!r)
		return EINVAL;
	cmd = calloc(1, sizeof(*cmd));
	if (!cmd)
		return ENOMEM;
	cmd->type = MCMD_RECORD_STOP;
	return relay_cmd_push(r, cmd);
}
