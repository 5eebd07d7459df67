/**
 * @file play.c  Players: prompts and music on hold sent to one side of a
 * relay, one 20 ms packet per tick, read in place from shared immutable
 * clips; loading a WAV file into a clip.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <sndfile.h>

#include "core/core.h"
#include "media/media_int.h"

#define CLIP_MAX_SAMPLES (3600u * 8000u) /* an hour */

/** One play: where it is in its clips.  Allocated by the control thread,
 *  owned by the media thread once applied, freed there. */
struct player {
	struct le le;             /* in t->players[phase]; data: the side */
	unsigned phase;           /* of the frame, see mthread_tick_join */
	struct media_clip *clips; /* owning copy of the array, not samples */
	size_t n;
	uint64_t total;  /* samples in the sequence */
	size_t idx, off; /* next sample: clip index, offset in it */
	uint64_t pos;    /* samples into the sequence */
	bool limit;      /* ends after `left` more samples */
	uint64_t left;
	bool loop, barge;
	bool mark;    /* marker bit on the next packet sent */
	bool started; /* its first frame is out (or held) */
	uint32_t token;
};

void player_free(struct player *p)
{
	if (!p)
		return;
	free(p->clips);
	free(p);
}

/* --- media thread --------------------------------------------------------- */

void player_apply(struct mthread *t, struct relay_state *rs, int side,
                  struct player *p)
{
	struct relay_side *s = &rs->side[side];
	int phase = -1;

	/* a replacement keeps the beat: its first frame follows the last
	 * one by exactly 20 ms */
	if (s->play) {
		phase = (int)s->play->phase;
		player_end(t, rs, side, MEDIA_PLAY_REPLACED);
	}
	s->play = p;
	p->phase = mthread_tick_join(t, phase);
	list_append(&t->players[p->phase], &p->le, s);
	/* from now on the side's stream is ours, also for relayed audio */
	s->out.owned = true;
	s->out.map = false;
}

void player_end(struct mthread *t, struct relay_state *rs, int side,
                enum media_play_end reason)
{
	struct relay_side *s = &rs->side[side];
	struct player *p = s->play;
	struct media_event ev = {.type = MEDIA_EV_PLAY_END, .side = side};

	if (!p)
		return;
	list_unlink(&p->le);
	mthread_tick_leave(t, p->phase);
	s->play = NULL;
	s->out.map = false; /* relayed audio joins the stream afresh */

	ev.token = p->token;
	ev.reason = reason;
	ev.position = p->loop ? p->pos % p->total : p->pos;
	media_event_post(t->m, rs->id, &ev, NULL);
	player_free(p);
}

/* A digit from the side: a play that allows barge-in stops at once. */
void player_barge(struct mthread *t, struct relay_state *rs, int side)
{
	struct player *p = rs->side[side].play;

	if (p && p->barge)
		player_end(t, rs, side, MEDIA_PLAY_BARGED);
}

/* The next 160 samples of the sequence; past the end of a play that does
 * not loop, mu-law silence.  Returns true when the sequence is exhausted. */
static bool player_fill(struct player *p, uint8_t *d)
{
	size_t need = MEDIA_FRAME;
	bool done = false;

	if (p->limit) { /* the last frame of a limited play: part of it */
		if (p->left <= need) {
			memset(d + p->left, 0xff, need - (size_t)p->left);
			need = (size_t)p->left;
			done = true;
		}
		p->left -= need;
	}
	while (need) {
		const struct media_clip *c;
		size_t k;

		if (p->idx == p->n) {
			if (!p->loop) {
				memset(d, 0xff, need);
				break;
			}
			p->idx = 0;
			p->off = 0;
			p->pos = 0;
		}
		c = &p->clips[p->idx];
		k = c->samples - p->off;
		if (k > need)
			k = need;
		memcpy(d, c->ulaw + p->off, k);
		d += k;
		need -= k;
		p->off += k;
		p->pos += k;
		if (p->off == c->samples) {
			p->idx++;
			p->off = 0;
		}
	}
	return done || (!p->loop && p->idx == p->n);
}

void player_tick(struct mthread *t, struct relay_side *s,
                 struct relay_state *rs)
{
	struct player *p = s->play;
	struct relay_out *o = &s->out;
	uint8_t *pkt = t->pkt;
	uint16_t seq;
	uint32_t ts;
	bool done, sent = false;

	if (!p->started) {
		/* continue the stream the phone knows: next seq, timestamp
		 * advanced by the time since its last packet */
		out_resume(o, t->now_ns, &seq, &ts);
		p->started = true;
		p->mark = true;
	} else {
		seq = (uint16_t)(o->seq + 1);
		ts = o->ts + MEDIA_FRAME;
	}

	done = player_fill(p, pkt + RTP_HDR);

	if (s->remote && !s->hold) {
		pkt[0] = 0x80;
		pkt[1] = (uint8_t)((p->mark ? 0x80 : 0) | s->pt_out);
		wr16(pkt + 2, seq);
		wr32(pkt + 4, ts);
		wr32(pkt + 8, o->ssrc);
		if (s->pt_out == 8) {
			for (int i = 0; i < MEDIA_FRAME; i++)
				pkt[RTP_HDR + i] =
				    media_ulaw_alaw[pkt[RTP_HDR + i]];
		}
		sent = side_send(s, MEDIA_RTP, pkt, sizeof(t->pkt));
	}
	/* the timestamp runs on while held; the sequence only counts what
	 * was sent */
	o->ts = ts;
	o->at_ns = t->now_ns;
	if (sent) {
		o->seq = seq;
		p->mark = false;
		MEDIA_CNT_ADD(s->tx_pkts, 1);
		MEDIA_CNT_ADD(s->played, 1);
		MEDIA_CNT_ADD(t->tx_pkts, 1);
		MEDIA_CNT_ADD(t->played, 1);
		if (s->idx == 0 && rs->rec)
			rec_tap(t, rs->rec, 1, pkt, RTP_HDR, MEDIA_FRAME);
	}

	if (done)
		player_end(t, rs, s->idx, MEDIA_PLAY_DONE);
}

/* --- control thread ------------------------------------------------------- */

int media_relay_play(struct media_relay *r, int side,
                     const struct media_play *mp)
{
	struct player *p;
	struct media_cmd *cmd;
	uint64_t off;
	int err;

	if (!r || side < 0 || side > 1 || !mp || !mp->clips || !mp->nclips)
		return EINVAL;

	p = calloc(1, sizeof(*p));
	cmd = calloc(1, sizeof(*cmd));
	if (p)
		p->clips = calloc(mp->nclips, sizeof(*p->clips));
	if (!p || !cmd || !p->clips) {
		err = ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < mp->nclips; i++) {
		if (!mp->clips[i].ulaw || !mp->clips[i].samples) {
			err = EINVAL;
			goto out;
		}
		p->clips[i] = mp->clips[i];
		p->total += mp->clips[i].samples;
	}
	p->n = mp->nclips;
	p->limit = mp->limit > 0;
	p->left = mp->limit;
	p->loop = mp->loop;
	p->barge = mp->barge;
	p->token = mp->token;

	off = mp->loop ? mp->offset % p->total : mp->offset;
	if (off >= p->total) {
		err = EINVAL;
		goto out;
	}
	p->pos = off;
	while (off >= p->clips[p->idx].samples) {
		off -= p->clips[p->idx].samples;
		p->idx++;
	}
	p->off = (size_t)off;

	err = relay_owner_add(r, mp->owner);
	if (err)
		goto out;

	cmd->type = MCMD_PLAY;
	cmd->side = side;
	cmd->ptr = p;
	p = NULL;
	err = relay_cmd_push(r, cmd);
	cmd = NULL;

out:
	player_free(p);
	free(cmd);
	return err;
}

static int relay_simple(struct media_relay *r, enum media_cmd_type type,
                        int side, uint8_t pt)
{
	struct media_cmd *cmd;

	if (!r || side < 0 || side > 1)
		return EINVAL;
	cmd = calloc(1, sizeof(*cmd));
	if (!cmd)
		return ENOMEM;
	cmd->type = type;
	cmd->side = side;
	cmd->pt = pt;
	return relay_cmd_push(r, cmd);
}

int media_relay_stop(struct media_relay *r, int side)
{
	return relay_simple(r, MCMD_STOP, side, 0);
}

int media_relay_bridge(struct media_relay *r)
{
	int err = media_relay_stop(r, 0);
	return err ? err : media_relay_stop(r, 1);
}

int media_relay_set_codec(struct media_relay *r, int side, uint8_t pt)
{
	if (pt != 0 && pt != 8)
		return EINVAL;
	return relay_simple(r, MCMD_CODEC, side, pt);
}

/* --- clips from files ------------------------------------------------------
 */

/* The clip is the first member, so the mem object is the clip. */
struct clip_file {
	struct media_clip clip;
	uint8_t *buf; /* owning (malloc) */
};

static void clip_destructor(void *arg)
{
	struct clip_file *cf = arg;
	free(cf->buf);
}

int media_clip_load(struct media_clip **cp, const char *path)
{
	struct clip_file *cf = NULL;
	SF_INFO info;
	SNDFILE *sf;
	int err = 0;

	if (!cp || !path)
		return EINVAL;

	memset(&info, 0, sizeof(info));
	errno = 0;
	sf = sf_open(path, SFM_READ, &info);
	if (!sf) {
		err = errno == ENOENT ? ENOENT : EBADMSG;
		HL_WARN("media", "clip %s: %s", path, sf_strerror(NULL));
		return err;
	}
	if (info.samplerate != 8000 || info.channels != 1 || info.frames <= 0 ||
	    info.frames > CLIP_MAX_SAMPLES) {
		HL_WARN(
		    "media",
		    "clip %s: %d Hz, %d channel(s), %lld samples: want 8000 "
		    "Hz mono, up to an hour",
		    path, info.samplerate, info.channels,
		    (long long)info.frames);
		err = EBADMSG;
		goto out;
	}

	cf = mem_zalloc(sizeof(*cf), clip_destructor);
	if (cf)
		cf->buf = malloc((size_t)info.frames);
	if (!cf || !cf->buf) {
		err = ENOMEM;
		goto out;
	}

	if ((info.format & SF_FORMAT_SUBMASK) == SF_FORMAT_ULAW) {
		/* mu-law already: the bytes as they are */
		if (sf_read_raw(sf, cf->buf, info.frames) != info.frames)
			err = EBADMSG;
	} else {
		int16_t pcm[1024];
		sf_count_t done = 0;

		while (done < info.frames) {
			sf_count_t k = sf_readf_short(sf, pcm, 1024);
			if (k <= 0)
				break;
			for (sf_count_t i = 0; i < k && done < info.frames; i++)
				cf->buf[done++] = media_lin_ulaw(pcm[i]);
		}
		if (done != info.frames)
			err = EBADMSG;
	}
	if (err) {
		HL_WARN("media", "clip %s: short read", path);
		goto out;
	}
	cf->clip.ulaw = cf->buf;
	cf->clip.samples = (size_t)info.frames;

out:
	sf_close(sf);
	if (err)
		mem_deref(cf);
	else
		*cp = &cf->clip;
	return err;
}
