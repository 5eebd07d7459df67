/**
 * @file test_play.c  Players against UDP peers on loopback: exact samples
 * of a WAV file, 20 ms pacing, continuous RTP across clips, loops, stops,
 * bridging and hold; barge-in is in test_dtmf.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sndfile.h>
#include <stdio.h>

#include "ivr/ivr.h"
#include "mtest.h"

static uint16_t block_lo, block_hi;

struct fx {
	struct media *m;
	struct media_relay *r;
	struct peer caller, agent;
	struct sa l[2];
	struct evlog ev;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(engine_alloc(&f->m, block_lo, block_lo + 99, 1), 0);
	assert_int_equal(media_relay_alloc(&f->r, f->m), 0);
	media_relay_set_handler(f->r, evlog_h, &f->ev);
	media_relay_laddr(f->r, 0, &f->l[0]);
	media_relay_laddr(f->r, 1, &f->l[1]);
	peer_open(&f->caller);
	peer_open(&f->agent);
	/* a caller alone in the IVR: side 1 has no remote */
	assert_int_equal(media_relay_set_remote(f->r, 0, &f->caller.addr), 0);
	assert_int_equal(media_flush(f->m), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	mem_deref(f->r);
	mem_deref(f->m);
	loop_run(1); /* let the mqueue's last wake-up go */
	peer_close(&f->caller);
	peer_close(&f->agent);
	free(f);
	return 0;
}

/* Samples that differ from their neighbours and from silence. */
static void pattern(uint8_t *u, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		u[i] = (uint8_t)((i * 37u + seed * 101u + (i >> 7)) % 251u);
}

/* Receive packets until `want` arrived (or 2 s of nothing). */
static unsigned collect(const struct peer *p, struct pkt *k, unsigned want)
{
	unsigned n = 0;

	while (n < want && peer_recv(p, &k[n], 2000))
		n++;
	return n;
}

/* seq +1, ts +160, one SSRC, PT, marker only where expected. */
static void check_stream(const struct pkt *k, unsigned n, uint8_t pt)
{
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(k[i].len, 12 + 160);
		assert_int_equal(pk_pt(&k[i]), pt);
		if (i) {
			assert_int_equal(pk_seq(&k[i]),
			                 (uint16_t)(pk_seq(&k[i - 1]) + 1));
			assert_int_equal(pk_ts(&k[i]), pk_ts(&k[i - 1]) + 160);
			assert_int_equal(pk_ssrc(&k[i]), pk_ssrc(&k[0]));
		}
	}
}

/* Arrival every 20 ms: the span is (n-1) * 20 ms, nearly every gap is
 * 20 +- 5 ms (the machine is shared: a few may wobble), none is huge. */
static void check_pacing(const struct pkt *k, unsigned n)
{
	int64_t span = k[n - 1].at_ns - k[0].at_ns;
	unsigned off = 0;

	assert_true(n > 10);
	assert_true(span > (int64_t)(n - 1) * 20000000 - 10000000);
	assert_true(span < (int64_t)(n - 1) * 20000000 + 10000000);
	for (unsigned i = 1; i < n; i++) {
		int64_t gap = k[i].at_ns - k[i - 1].at_ns;
		assert_true(gap < 60000000);
		if (gap < 15000000 || gap > 25000000)
			off++;
	}
	assert_true(off * 10 <= n);
}

/* A WAV file of mu-law samples, as prompts are stored. */
static void wav_write(const char *path, int format, const void *data, size_t n,
                      int rate)
{
	SF_INFO info = {.samplerate = rate, .channels = 1, .format = format};
	SNDFILE *sf = sf_open(path, SFM_WRITE, &info);

	assert_non_null(sf);
	if ((format & SF_FORMAT_SUBMASK) == SF_FORMAT_ULAW)
		assert_int_equal(sf_write_raw(sf, data, (sf_count_t)n),
		                 (sf_count_t)n);
	else
		assert_int_equal(sf_write_short(sf, data, (sf_count_t)n),
		                 (sf_count_t)n);
	sf_close(sf);
}

/* --- tests ------------------------------------------------------------------
 */

/* A prompt loaded from a WAV file arrives with exactly its samples (the
 * last frame padded with silence), 20 ms apart, as one RTP stream; then
 * the play ends by itself. */
static void test_play_file_exact(void **state)
{
	struct fx *f = *state;
	enum { N = 8000 + 37 }; /* not a whole number of frames */
	static uint8_t u[N];
	static struct pkt k[60];
	struct media_clip *clip;
	char path[64];
	unsigned n, want = (N + 159) / 160;
	int e;

	pattern(u, N, 1);
	snprintf(path, sizeof(path), "/tmp/hl-test-play-%d.wav", getpid());
	wav_write(path, SF_FORMAT_WAV | SF_FORMAT_ULAW, u, N, 8000);
	assert_int_equal(media_clip_load(&clip, path), 0);
	unlink(path);
	assert_int_equal(clip->samples, N);

	struct media_play p = {
	    .clips = clip, .nclips = 1, .token = 77, .owner = clip};
	assert_int_equal(media_relay_play(f->r, 0, &p), 0);
	mem_deref(clip); /* the relay holds it now */

	n = collect(&f->caller, k, want);
	assert_int_equal(n, want);
	check_stream(k, n, 0);
	check_pacing(k, n);
	assert_true(pk_mark(&k[0]));
	for (unsigned i = 1; i < n; i++)
		assert_false(pk_mark(&k[i]));
	for (unsigned i = 0; i < n; i++) {
		size_t from = (size_t)i * 160;
		size_t len = from + 160 <= N ? 160 : N - from;
		assert_memory_equal(k[i].b + 12, u + from, len);
		for (size_t j = len; j < 160; j++)
			assert_int_equal(k[i].b[12 + j], 0xff);
	}
	struct pkt extra;
	assert_false(peer_recv(&f->caller, &extra, 100));

	e = evlog_wait(&f->ev, MEDIA_EV_PLAY_END, 1, 2000);
	assert_true(e >= 0);
	assert_int_equal(f->ev.ev[e].token, 77);
	assert_int_equal(f->ev.ev[e].reason, MEDIA_PLAY_DONE);
	assert_int_equal(f->ev.ev[e].side, 0);
	assert_int_equal(f->ev.ev[e].position, N);
	assert_ptr_equal(f->ev.relay[e], f->r);

	struct media_relay_stats st;
	assert_int_equal(media_flush(f->m), 0);
	media_relay_stats(f->r, &st);
	assert_int_equal(st.played[0], want);
	assert_int_equal(st.played[1], 0);
}

/* Two clips back to back and looping: the samples run on without a gap
 * across the clip boundary and the loop, with continuous seq/ts; stop
 * ends it with the position reached. */
static void test_two_clips_loop(void **state)
{
	struct fx *f = *state;
	enum { A = 1000, B = 456, T = A + B, FRAMES = 25 };
	static uint8_t a[A], b[B], seq[T];
	static struct pkt k[FRAMES];
	struct media_clip clips[2] = {{a, A}, {b, B}};
	int e;

	pattern(a, A, 2);
	pattern(b, B, 3);
	memcpy(seq, a, A);
	memcpy(seq + A, b, B);

	struct media_play p = {
	    .clips = clips, .nclips = 2, .loop = true, .token = 5};
	assert_int_equal(media_relay_play(f->r, 0, &p), 0);
	assert_int_equal(collect(&f->caller, k, FRAMES), FRAMES);
	assert_int_equal(media_relay_stop(f->r, 0), 0);

	check_stream(k, FRAMES, 0);
	for (unsigned i = 0; i < FRAMES * 160; i++)
		assert_int_equal(k[i / 160].b[12 + i % 160], seq[i % T]);

	e = evlog_wait(&f->ev, MEDIA_EV_PLAY_END, 1, 2000);
	assert_true(e >= 0);
	assert_int_equal(f->ev.ev[e].reason, MEDIA_PLAY_STOPPED);
	assert_int_equal(f->ev.ev[e].token, 5);
	/* 25 frames or one more that left before the stop: mod the loop */
	uint64_t pos = f->ev.ev[e].position;
	assert_true(pos == (FRAMES * 160) % T ||
	            pos == (FRAMES * 160 + 160) % T);
}

/* Barge-in's half in the media engine: a stop lands before the next
 * tick; at most the frame already on its way arrives after it. */
static void test_stop_within_tick(void **state)
{
	struct fx *f = *state;
	static uint8_t u[16000];
	struct media_clip c = {u, sizeof(u)};
	struct pkt k;
	int64_t t_stop;
	unsigned after = 0;

	pattern(u, sizeof(u), 4);
	struct media_play p = {.clips = &c, .nclips = 1, .loop = true};
	for (int round = 0; round < 5; round++) {
		assert_int_equal(media_relay_play(f->r, 0, &p), 0);
		for (int i = 0; i < 5 + round; i++)
			assert_true(peer_recv(&f->caller, &k, 2000));
		assert_int_equal(media_relay_stop(f->r, 0), 0);
		t_stop = mono_ns();
		while (peer_recv(&f->caller, &k, 100)) {
			after++;
			/* one already sent, at most one tick later */
			assert_true(mono_ns() - t_stop < 40000000);
		}
	}
	/* a frame every 20 ms, a stop at a random moment: rarely one */
	assert_true(after <= 5);
	assert_int_equal(evlog_wait(&f->ev, MEDIA_EV_PLAY_END, 5, 2000) >= 0,
	                 1);
}

/* Prompt -> bridged -> prompt: the caller's phone sees one SSRC, the
 * sequence numbers run on by one at each switch, timestamps advance with
 * the time between, and the marker flags each switch.  The agent's side,
 * never played to, gets the caller's packets byte for byte. */
static void test_play_bridge_play(void **state)
{
	struct fx *f = *state;
	static uint8_t u[1600];
	struct media_clip c = {u, sizeof(u)};
	struct pkt k[40], got;
	uint8_t pkt[172];
	unsigned n = 0;
	uint32_t ssrc;

	pattern(u, sizeof(u), 5);
	assert_int_equal(media_relay_set_remote(f->r, 1, &f->agent.addr), 0);

	/* 1. a prompt of 10 frames */
	struct media_play p = {.clips = &c, .nclips = 1};
	assert_int_equal(media_relay_play(f->r, 0, &p), 0);
	n += collect(&f->caller, k + n, 10);
	assert_int_equal(n, 10);
	assert_true(evlog_wait(&f->ev, MEDIA_EV_PLAY_END, 1, 2000) >= 0);
	ssrc = pk_ssrc(&k[0]);

	/* 2. bridged: the agent speaks with its own stream */
	for (uint16_t i = 0; i < 10; i++) {
		size_t len = rtp_hdr(pkt, i == 0, 0, (uint16_t)(60000 + i),
		                     1000000u + 160u * i, 0xabcdef01);
		memset(pkt + len, 0x55 + i, 160);
		peer_send(&f->agent, &f->l[1], pkt, len + 160);
		assert_true(peer_recv(&f->caller, &k[n], 2000));
		assert_memory_equal(k[n].b + 12, pkt + 12, 160); /* payload */
		n++;
		usleep(20000);
	}
	/* the caller speaks: the agent gets it untouched */
	size_t len = rtp_hdr(pkt, false, 0, 7, 7 * 160, 0x12345678);
	memset(pkt + len, 0x33, 160);
	peer_send(&f->caller, &f->l[0], pkt, len + 160);
	assert_true(peer_recv(&f->agent, &got, 2000));
	assert_int_equal(got.len, len + 160);
	assert_memory_equal(got.b, pkt, len + 160);

	/* 3. another prompt */
	assert_int_equal(media_relay_play(f->r, 0, &p), 0);
	n += collect(&f->caller, k + n, 10);
	assert_int_equal(n, 30);

	for (unsigned i = 1; i < n; i++) {
		bool sw = i == 10 || i == 20;
		assert_int_equal(pk_ssrc(&k[i]), ssrc);
		assert_int_equal(pk_seq(&k[i]),
		                 (uint16_t)(pk_seq(&k[i - 1]) + 1));
		assert_int_equal(pk_mark(&k[i]), sw);
		/* the timestamp follows the clock: 160 per 20 ms, within a
		 * frame at a switch (rounded to whole frames) */
		int64_t dt_ms = (k[i].at_ns - k[i - 1].at_ns) / 1000000;
		uint32_t dts = pk_ts(&k[i]) - pk_ts(&k[i - 1]);
		if (sw) {
			assert_true(dts % 160 == 0);
			assert_true((int64_t)dts / 8 >= dt_ms - 25 &&
			            (int64_t)dts / 8 <= dt_ms + 25);
		} else {
			assert_int_equal(dts, 160);
		}
	}
}

/* A second play on the same side replaces the first (REPLACED) and the
 * stream goes on; an offset starts into the sequence. */
static void test_replace_and_offset(void **state)
{
	struct fx *f = *state;
	static uint8_t u[3200];
	struct media_clip c = {u, sizeof(u)};
	struct pkt k[8];
	int e;

	pattern(u, sizeof(u), 6);
	struct media_play p1 = {.clips = &c, .nclips = 1, .token = 1};
	struct media_play p2 = {
	    .clips = &c, .nclips = 1, .token = 2, .offset = 3000};
	assert_int_equal(media_relay_play(f->r, 0, &p1), 0);
	assert_int_equal(collect(&f->caller, k, 3), 3);
	assert_int_equal(media_relay_play(f->r, 0, &p2), 0);
	/* frames of p1 may still come before p2's first; p2 is 200 samples:
	 * two frames, the second padded */
	e = evlog_wait(&f->ev, MEDIA_EV_PLAY_END, 2, 3000);
	assert_true(e >= 0);
	assert_int_equal(f->ev.ev[e - 1].token, 1);
	assert_int_equal(f->ev.ev[e - 1].reason, MEDIA_PLAY_REPLACED);
	assert_int_equal(f->ev.ev[e].token, 2);
	assert_int_equal(f->ev.ev[e].reason, MEDIA_PLAY_DONE);
	assert_int_equal(f->ev.ev[e].position, 3200);

	unsigned n = 3;
	while (n < 8 && peer_recv(&f->caller, &k[n], 200))
		n++;
	check_stream(k, n, 0);
	/* the last two are p2's: samples 3000..3199, then silence */
	assert_memory_equal(k[n - 2].b + 12, u + 3000, 160);
	assert_memory_equal(k[n - 1].b + 12, u + 3160, 40);
	assert_int_equal(k[n - 1].b[12 + 40], 0xff);
	assert_true(pk_mark(&k[n - 2]) || n - 2 == 3);
}

/* Music for a while, an announcement, the music again from where it
 * stopped: a limited play ends by itself (no timer on the loop) at a
 * position the next play resumes from; the samples run on seamlessly. */
static void test_limit_and_resume(void **state)
{
	struct fx *f = *state;
	enum { T = 1000, LIM = 1000 + 330 };
	static uint8_t moh[T], ann[320];
	struct media_clip m = {moh, T}, a = {ann, sizeof(ann)};
	struct pkt k[12];
	unsigned n;
	int e;

	pattern(moh, T, 8);
	memset(ann, 0x11, sizeof(ann));
	struct media_play music = {
	    .clips = &m, .nclips = 1, .loop = true, .limit = LIM, .token = 1};
	assert_int_equal(media_relay_play(f->r, 0, &music), 0);
	n = collect(&f->caller, k, 9); /* ceil(1330 / 160) */
	assert_int_equal(n, 9);
	e = evlog_wait(&f->ev, MEDIA_EV_PLAY_END, 1, 2000);
	assert_true(e >= 0);
	assert_int_equal(f->ev.ev[e].reason, MEDIA_PLAY_DONE);
	assert_int_equal(f->ev.ev[e].position, LIM % T);
	for (unsigned i = 0; i < LIM; i++)
		assert_int_equal(k[i / 160].b[12 + i % 160], moh[i % T]);
	for (unsigned i = LIM; i < 9 * 160; i++)
		assert_int_equal(k[i / 160].b[12 + i % 160], 0xff);
	assert_false(peer_recv(&f->caller, &k[9], 60));

	/* the announcement, then the music where it was */
	struct media_play an = {.clips = &a, .nclips = 1, .token = 2};
	assert_int_equal(media_relay_play(f->r, 0, &an), 0);
	assert_int_equal(collect(&f->caller, k, 2), 2);
	assert_true(evlog_wait(&f->ev, MEDIA_EV_PLAY_END, 2, 2000) >= 0);
	music.offset = f->ev.ev[e].position;
	music.limit = 0;
	assert_int_equal(media_relay_play(f->r, 0, &music), 0);
	assert_int_equal(collect(&f->caller, k, 3), 3);
	for (unsigned i = 0; i < 3 * 160; i++)
		assert_int_equal(k[i / 160].b[12 + i % 160],
		                 moh[(LIM + i) % T]);
	assert_int_equal(media_relay_stop(f->r, 0), 0);
}

/* A side on hold gets nothing, the play runs on (timestamps too); after
 * the hold the stream resumes where the clock is. */
static void test_hold_while_playing(void **state)
{
	struct fx *f = *state;
	static uint8_t u[8000];
	struct media_clip c = {u, sizeof(u)};
	struct pkt k[3];

	pattern(u, sizeof(u), 7);
	struct media_play p = {.clips = &c, .nclips = 1, .loop = true};
	assert_int_equal(media_relay_play(f->r, 0, &p), 0);
	assert_int_equal(collect(&f->caller, k, 1), 1);
	assert_int_equal(media_relay_set_hold(f->r, 0, true), 0);
	assert_int_equal(media_flush(f->m), 0);
	peer_drain(&f->caller);
	usleep(200000);
	assert_false(peer_recv(&f->caller, &k[1], 100));
	assert_int_equal(media_relay_set_hold(f->r, 0, false), 0);
	assert_true(peer_recv(&f->caller, &k[1], 2000));
	assert_true(peer_recv(&f->caller, &k[2], 2000));
	/* ~300+ ms later in timestamps, the next sequence number */
	uint32_t dts = pk_ts(&k[1]) - pk_ts(&k[0]);
	int64_t dt = (k[1].at_ns - k[0].at_ns) / 125000; /* samples */
	assert_true(dts >= 160 * 10);
	assert_true((int64_t)dts > dt - 400 && (int64_t)dts < dt + 400);
	assert_int_equal(pk_mark(&k[1]), 0);
	assert_int_equal(pk_ts(&k[2]) - pk_ts(&k[1]), 160);
	assert_int_equal(media_relay_stop(f->r, 0), 0);
}

/* PCMA towards a side that negotiated it. */
static void test_pcma(void **state)
{
	struct fx *f = *state;
	static uint8_t u[640];
	struct media_clip c = {u, sizeof(u)};
	struct pkt k[4];

	for (unsigned i = 0; i < sizeof(u); i++)
		u[i] = (uint8_t)i;
	assert_int_equal(media_relay_set_codec(f->r, 0, 8), 0);
	struct media_play p = {.clips = &c, .nclips = 1};
	assert_int_equal(media_relay_play(f->r, 0, &p), 0);
	assert_int_equal(collect(&f->caller, k, 4), 4);
	check_stream(k, 4, 8);
	for (unsigned i = 0; i < sizeof(u); i++) {
		/* A-law of the same sound: decode both and compare */
		uint8_t a = k[i / 160].b[12 + i % 160];
		int16_t lu = ivr_ulaw_decode(u[i]);
		/* A-law decode (G.711) */
		int t, seg, v = a ^ 0x55;
		t = (v & 0x0f) << 4;
		seg = (v & 0x70) >> 4;
		t = seg == 0   ? t + 8
		    : seg == 1 ? t + 0x108
		               : (t + 0x108) << (seg - 1);
		if (!(v & 0x80))
			t = -t;
		assert_true(abs(t - lu) <= abs(lu) / 16 + 16);
	}
	assert_int_equal(media_relay_set_codec(f->r, 0, 9), EINVAL);
}

/* Clips from files: a 16-bit PCM file becomes the same mu-law as the
 * IVR's encoder gives; wrong rate, stereo, missing: refused. */
static void test_clip_load(void **state)
{
	enum { N = 999 };
	int16_t pcm[N];
	struct media_clip *c = NULL;
	char path[64];
	(void)state;

	for (int i = 0; i < N; i++)
		pcm[i] = (int16_t)((i * 977) % 65536 - 32768);
	snprintf(path, sizeof(path), "/tmp/hl-test-clip-%d.wav", getpid());
	wav_write(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, pcm, N, 8000);
	assert_int_equal(media_clip_load(&c, path), 0);
	assert_int_equal(c->samples, N);
	for (int i = 0; i < N; i++)
		assert_int_equal(c->ulaw[i], ivr_ulaw_encode(pcm[i]));
	mem_deref(c);

	c = NULL;
	wav_write(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, pcm, N, 16000);
	assert_int_equal(media_clip_load(&c, path), EBADMSG);
	assert_null(c);
	unlink(path);
	assert_int_equal(media_clip_load(&c, path), ENOENT);
	assert_int_equal(media_clip_load(&c, "/etc/hostname"), EBADMSG);
	assert_int_equal(media_clip_load(NULL, path), EINVAL);
}

/* The relay keeps the clip's owner until its media thread let go. */
static bool owner_freed;
static void owner_destructor(void *arg)
{
	(void)arg;
	owner_freed = true;
}

static void test_owner_kept(void **state)
{
	struct fx *f = *state;
	uint8_t *u = mem_zalloc(4000, owner_destructor);
	struct media_clip c = {u, 4000};
	struct pkt k;

	assert_non_null(u);
	owner_freed = false;
	struct media_play p = {
	    .clips = &c, .nclips = 1, .loop = true, .owner = u};
	assert_int_equal(media_relay_play(f->r, 0, &p), 0);
	assert_int_equal(media_relay_play(f->r, 0, &p), 0); /* one ref */
	mem_deref(u);
	assert_true(peer_recv(&f->caller, &k, 2000));
	loop_run(30);
	assert_false(owner_freed); /* still playing */
	f->r = mem_deref(f->r);
	for (int i = 0; i < 200 && !owner_freed; i++)
		loop_run(5);
	assert_true(owner_freed);
}

static void test_bad_args(void **state)
{
	struct fx *f = *state;
	uint8_t u[10];
	struct media_clip c[2] = {{u, 10}, {u, 0}};
	struct media_play p = {.clips = c, .nclips = 1};

	assert_int_equal(media_relay_play(NULL, 0, &p), EINVAL);
	assert_int_equal(media_relay_play(f->r, 2, &p), EINVAL);
	assert_int_equal(media_relay_play(f->r, 0, NULL), EINVAL);
	p.nclips = 2; /* an empty clip */
	assert_int_equal(media_relay_play(f->r, 0, &p), EINVAL);
	p.nclips = 0;
	assert_int_equal(media_relay_play(f->r, 0, &p), EINVAL);
	p.nclips = 1;
	p.offset = 10; /* past the end, not looping */
	assert_int_equal(media_relay_play(f->r, 0, &p), EINVAL);
	assert_int_equal(media_relay_stop(f->r, -1), EINVAL);
	assert_int_equal(media_relay_bridge(NULL), EINVAL);
	/* stopping a side that plays nothing: no event */
	assert_int_equal(media_relay_stop(f->r, 1), 0);
	assert_int_equal(media_flush(f->m), 0);
	loop_run(20);
	assert_int_equal(f->ev.n, 0);
}

/* Many sides playing at once on two media threads: every one gets its
 * frames, in order, from its own clip. */
static void test_many_players(void **state)
{
	enum { N = 40, FRAMES = 10 };
	struct media *m;
	struct media_relay *r[N];
	struct peer p[N];
	static uint8_t u[N][1600];
	struct pkt k;
	(void)state;

	assert_int_equal(
	    engine_alloc(&m, block_lo + 100, block_lo + 100 + 4 * N + 3, 2), 0);
	for (int i = 0; i < N; i++) {
		struct media_clip c = {u[i], sizeof(u[i])};
		struct media_play pl = {.clips = &c, .nclips = 1};
		pattern(u[i], sizeof(u[i]), 10 + (unsigned)i);
		peer_open(&p[i]);
		assert_int_equal(media_relay_alloc(&r[i], m), 0);
		assert_int_equal(media_relay_set_remote(r[i], 0, &p[i].addr),
		                 0);
		assert_int_equal(media_relay_play(r[i], 0, &pl), 0);
	}
	for (int f = 0; f < FRAMES; f++) {
		for (int i = 0; i < N; i++) {
			assert_true(peer_recv(&p[i], &k, 2000));
			assert_memory_equal(k.b + 12, u[i] + f * 160, 160);
		}
	}
	struct media_stats st;
	assert_int_equal(media_flush(m), 0);
	media_stats(m, &st);
	assert_int_equal(st.played, N * FRAMES);
	assert_true(st.ticks > 0);
	for (int i = 0; i < N; i++) {
		mem_deref(r[i]);
		peer_close(&p[i]);
	}
	mem_deref(m);
	loop_run(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_play_file_exact, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_two_clips_loop, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_stop_within_tick, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_play_bridge_play, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_replace_and_offset, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_limit_and_resume, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_hold_while_playing, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_pcma, setup, teardown),
	    cmocka_unit_test(test_clip_load),
	    cmocka_unit_test_setup_teardown(test_owner_kept, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_args, setup, teardown),
	    cmocka_unit_test(test_many_players),
	};
	int rc;

	hl_log_set_level(HL_LOG_ERROR);
	if (libre_init())
		return 1;
	testnet_block(&block_lo, &block_hi);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	libre_close();
	return rc;
}
