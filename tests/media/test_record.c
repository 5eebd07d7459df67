/**
 * @file test_record.c  Recording calls to WAV: the caller left, what the
 * caller hears right, checked per channel with libsndfile (tone
 * frequencies, energy, exact placement of each packet); lost, late and
 * reordered packets; hold music and a new agent on the same recording;
 * folder missing and disk full; voicemail in mono.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
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
	char path[128];
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
	assert_int_equal(media_relay_set_remote(f->r, 0, &f->caller.addr), 0);
	assert_int_equal(media_relay_set_remote(f->r, 1, &f->agent.addr), 0);
	assert_int_equal(media_flush(f->m), 0);
	snprintf(f->path, sizeof(f->path), "/tmp/hl-test-rec-%d.wav", getpid());
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	mem_deref(f->r);
	mem_deref(f->m);
	loop_run(1);
	unlink(f->path);
	peer_close(&f->caller);
	peer_close(&f->agent);
	free(f);
	return 0;
}

/* --- audio ------------------------------------------------------------------
 */

static uint8_t alaw_encode(int16_t pcm)
{
	static const int end[8] = {0x1f,  0x3f,  0x7f,  0xff,
	                           0x1ff, 0x3ff, 0x7ff, 0xfff};
	int v = pcm >> 3, mask, seg;

	if (v >= 0) {
		mask = 0xd5;
	} else {
		mask = 0x55;
		v = -v - 1;
	}
	for (seg = 0; seg < 8 && v > end[seg]; seg++)
		;
	if (seg >= 8)
		return (uint8_t)(0x7f ^ mask);
	return (uint8_t)(((seg << 4) | ((v >> (seg < 2 ? 1 : seg)) & 0x0f)) ^
	                 mask);
}

/* One 20 ms RTP packet of a sine (phase from the timestamp). */
static size_t tone_pkt(uint8_t *b, uint8_t pt, uint16_t seq, uint32_t ts,
                       uint32_t ssrc, double hz, double amp)
{
	size_t n = rtp_hdr(b, false, pt, seq, ts, ssrc);

	for (int i = 0; i < 160; i++) {
		int16_t s =
		    (int16_t)(amp * sin(2 * M_PI * hz *
		                        (double)(ts + (uint32_t)i) / 8000.0));
		b[n + (size_t)i] =
		    pt == 8 ? alaw_encode(s) : ivr_ulaw_encode(s);
	}
	return n + 160;
}

/* A stream a phone sends. */
struct talker {
	const struct peer *p;
	const struct sa *dst;
	uint16_t seq;
	uint32_t ts, ssrc;
	double hz;
	uint8_t pt;
};

static void talk(struct talker *t)
{
	uint8_t b[200];
	size_t n = tone_pkt(b, t->pt, t->seq++, t->ts, t->ssrc, t->hz, 8000);

	peer_send(t->p, t->dst, b, n);
	t->ts += 160;
}

/* Both talk for `frames` 20 ms frames, on the clock; what arrives is
 * read away. */
static void converse(struct fx *f, struct talker *a, struct talker *b,
                     unsigned frames)
{
	int64_t next = mono_ns();

	for (unsigned i = 0; i < frames; i++) {
		if (a)
			talk(a);
		if (b)
			talk(b);
		next += 20000000;
		while (mono_ns() < next)
			usleep(1000);
		peer_drain(&f->caller);
		peer_drain(&f->agent);
	}
}

/* Power of frequency hz in x[0..n) (Goertzel), normalised. */
static double power_at(const int16_t *x, size_t n, size_t stride, double hz)
{
	double w = 2 * M_PI * hz / 8000.0, c = 2 * cos(w), s1 = 0, s2 = 0;

	for (size_t i = 0; i < n; i++) {
		double s0 = x[i * stride] + c * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	return (s1 * s1 + s2 * s2 - c * s1 * s2) / ((double)n * n);
}

static double rms(const int16_t *x, size_t n, size_t stride)
{
	double e = 0;

	for (size_t i = 0; i < n; i++)
		e += (double)x[i * stride] * x[i * stride];
	return sqrt(e / (double)(n ? n : 1));
}

/* The whole file; *frames = samples per channel. */
static int16_t *wav_read(const char *path, int *channels, sf_count_t *frames,
                         int *format)
{
	SF_INFO info = {0};
	SNDFILE *sf = sf_open(path, SFM_READ, &info);
	int16_t *x;

	assert_non_null(sf);
	assert_int_equal(info.samplerate, 8000);
	x = calloc((size_t)(info.frames * info.channels + 1), sizeof(*x));
	assert_non_null(x);
	assert_int_equal(sf_readf_short(sf, x, info.frames), info.frames);
	sf_close(sf);
	*channels = info.channels;
	*frames = info.frames;
	if (format)
		*format = info.format;
	return x;
}

/* When the last media_relay_record_stop() returned. */
static int64_t stopped_ns;

/* Record until stopped; wait for the end event; return its index. */
static int stop_and_wait(struct fx *f)
{
	int e;

	assert_int_equal(media_relay_record_stop(f->r), 0);
	stopped_ns = mono_ns();
	e = evlog_wait(&f->ev, MEDIA_EV_RECORD_END, 1, 3000);
	assert_true(e >= 0);
	assert_string_equal(f->ev.ev[e].path, f->path);
	assert_int_equal(f->ev.ev[e].dropped, 0);
	return e;
}

/* --- tests ------------------------------------------------------------------
 */

/* A bridged call, 400 Hz from the caller and 1000 Hz from the agent:
 * left has the caller's tone, right the agent's, at their level; the file
 * lasts as long as the recording ran, within a frame. */
static void test_stereo_channels(void **state)
{
	struct fx *f = *state;
	struct talker c = {&f->caller, &f->l[0], 1, 0, 0x1111, 400, 0};
	struct talker a = {&f->agent, &f->l[1], 1, 0, 0x2222, 1000, 0};
	int ch, e;
	sf_count_t n;
	int64_t t0, t1;

	t0 = mono_ns();
	assert_int_equal(
	    media_relay_record(f->r, f->path, true, MEDIA_REC_PCM16), 0);
	converse(f, &c, &a, 100);
	e = stop_and_wait(f);
	t1 = stopped_ns;

	int16_t *x = wav_read(f->path, &ch, &n, NULL);
	assert_int_equal(ch, 2);
	assert_int_equal(n % 160, 0);
	assert_int_equal(f->ev.ev[e].frames, n / 160);
	/* from the start to the stop call, plus the frame in progress at the
	 * stop; 10 ms for the media thread to apply each command */
	assert_true(n * 125000 >= (t1 - t0) - 10000000);
	assert_true(n * 125000 <= (t1 - t0) + 20000000 + 10000000);

	/* the middle second: each channel its own tone */
	const int16_t *mid = x + 2 * (n / 2 - 4000);
	double l400 = power_at(mid, 8000, 2, 400);
	double l1000 = power_at(mid, 8000, 2, 1000);
	double r400 = power_at(mid + 1, 8000, 2, 400);
	double r1000 = power_at(mid + 1, 8000, 2, 1000);
	assert_true(l400 > 100 * l1000);
	assert_true(r1000 > 100 * r400);
	/* a sine of amplitude 8000 has an RMS of ~5657 */
	assert_true(fabs(rms(mid, 8000, 2) - 5657) < 300);
	assert_true(fabs(rms(mid + 1, 8000, 2) - 5657) < 300);
	free(x);
}

/* Every packet lands where its timestamp says: lost ones leave exactly
 * 160 samples of silence, late and reordered ones still find their place,
 * and nothing drifts. */
static void test_placement_loss_jitter(void **state)
{
	struct fx *f = *state;
	enum { K = 120 };
	uint8_t b[K][200];
	size_t len[K];
	int16_t level[K];
	int ch;
	sf_count_t n;

	for (int k = 0; k < K; k++) {
		/* a constant level per packet, neighbours differ */
		level[k] = (int16_t)((k % 7 + 1) * 2000 * (k % 2 ? 1 : -1));
		len[k] = rtp_hdr(b[k], false, 0, (uint16_t)(500 + k),
		                 (uint32_t)k * 160u + 77777u, 0x3333);
		memset(b[k] + 12, ivr_ulaw_encode(level[k]), 160);
		len[k] += 160;
	}
	/* the network: 10, 40 and 41 lost; 60 and 61 swapped (one 20 ms
	 * late, one early); 90 40 ms late (right after 92).  slot[k]: when
	 * packet k leaves, in 20 ms units plus a little for the order */
	int slot[K];
	for (int k = 0; k < K; k++)
		slot[k] = 4 * k;
	slot[10] = slot[40] = slot[41] = -1;
	slot[60] = 4 * 61 + 1;
	slot[61] = 4 * 60;
	slot[90] = 4 * 92 + 1;

	assert_int_equal(
	    media_relay_record(f->r, f->path, true, MEDIA_REC_PCM16), 0);
	assert_int_equal(media_flush(f->m), 0);
	usleep(50000);
	int64_t t0 = mono_ns();
	for (int s4 = 0; s4 < 4 * K; s4++) {
		for (int k = 0; k < K; k++) {
			if (slot[k] != s4)
				continue;
			while (mono_ns() < t0 + (int64_t)(s4 / 4) * 20000000)
				usleep(500);
			peer_send(&f->caller, &f->l[0], b[k], len[k]);
		}
	}
	usleep(100000);
	stop_and_wait(f);

	int16_t *x = wav_read(f->path, &ch, &n, NULL);
	sf_count_t first = 0;
	while (first < n && x[2 * first] == 0)
		first++;
	assert_true(first < n);
	assert_true(first >= 50 * 8); /* the 50 ms before the first packet */
	for (int k = 0; k < K; k++) {
		bool lost = k == 10 || k == 40 || k == 41;
		int16_t want =
		    lost ? 0 : ivr_ulaw_decode(ivr_ulaw_encode(level[k]));
		for (int i = 0; i < 160; i++) {
			sf_count_t at = first + k * 160 + i;
			assert_true(at < n);
			if (x[2 * at] != want)
				fail_msg("packet %d sample %d: %d, want %d", k,
				         i, x[2 * at], want);
		}
	}
	/* after the last packet: silence to the end */
	for (sf_count_t at = first + K * 160; at < n; at++)
		assert_int_equal(x[2 * at], 0);
	free(x);
}

/* The network stalls for 160 ms, then delivers the backlog at once (a
 * late burst): every packet still lands in its place, none is lost. */
static void test_burst_after_stall(void **state)
{
	struct fx *f = *state;
	enum { K = 60 };
	uint8_t b[K][200];
	int16_t level[K];
	int ch;
	sf_count_t n;

	for (int k = 0; k < K; k++) {
		level[k] = (int16_t)((k % 5 + 1) * 3000 * (k % 2 ? 1 : -1));
		rtp_hdr(b[k], false, 0, (uint16_t)k, (uint32_t)k * 160u, 0x77);
		memset(b[k] + 12, ivr_ulaw_encode(level[k]), 160);
	}
	assert_int_equal(
	    media_relay_record(f->r, f->path, false, MEDIA_REC_PCM16), 0);
	assert_int_equal(media_flush(f->m), 0);
	int64_t t0 = mono_ns();
	for (int k = 0; k < K; k++) {
		/* 20..27 are held back and all leave at slot 28 */
		int slot = k >= 20 && k < 28 ? 28 : k;
		while (mono_ns() < t0 + (int64_t)slot * 20000000)
			usleep(500);
		peer_send(&f->caller, &f->l[0], b[k], 172);
	}
	usleep(50000);
	stop_and_wait(f);

	int16_t *x = wav_read(f->path, &ch, &n, NULL);
	sf_count_t first = 0;
	while (first < n && x[first] == 0)
		first++;
	for (int k = 0; k < K; k++) {
		int16_t want = ivr_ulaw_decode(ivr_ulaw_encode(level[k]));
		for (int i = 0; i < 160; i++) {
			sf_count_t at = first + k * 160 + i;
			assert_true(at < n);
			if (x[at] != want)
				fail_msg("packet %d sample %d: %d, want %d", k,
				         i, x[at], want);
		}
	}
	free(x);
}

/* Hold music and a transfer on one recording: the agent talks, the agent
 * holds (the caller hears music: recorded right), a second agent takes
 * over on the same relay (a new SSRC): one file, every part in its place,
 * the caller all along on the left. */
static void test_hold_and_transfer(void **state)
{
	struct fx *f = *state;
	struct talker c = {&f->caller, &f->l[0], 1, 0, 0x1010, 300, 0};
	struct talker a1 = {&f->agent, &f->l[1], 1, 0, 0x2020, 1000, 0};
	struct peer agent2;
	struct talker a2 = {&agent2, &f->l[1], 900, 5555, 0x3030, 1800, 0};
	static uint8_t moh[8000];
	struct media_clip clip = {moh, sizeof(moh)};
	int ch;
	sf_count_t n;

	for (unsigned i = 0; i < sizeof(moh); i++)
		moh[i] = ivr_ulaw_encode(
		    (int16_t)(6000 * sin(2 * M_PI * 600 * i / 8000.0)));
	peer_open(&agent2);

	assert_int_equal(
	    media_relay_record(f->r, f->path, true, MEDIA_REC_ULAW), 0);
	converse(f, &c, &a1, 40); /* 0.8 s talking */
	/* the agent holds: no audio to the agent, music to the caller */
	assert_int_equal(media_relay_set_hold(f->r, 1, true), 0);
	struct media_play p = {.clips = &clip, .nclips = 1, .loop = true};
	assert_int_equal(media_relay_play(f->r, 0, &p), 0);
	converse(f, &c, NULL, 40);
	/* transfer: another agent's phone on side 1 */
	assert_int_equal(media_relay_bridge(f->r), 0);
	assert_int_equal(media_relay_set_hold(f->r, 1, false), 0);
	assert_int_equal(media_relay_set_remote(f->r, 1, &agent2.addr), 0);
	converse(f, &c, &a2, 40);
	stop_and_wait(f);
	peer_close(&agent2);

	int fmt;
	int16_t *x = wav_read(f->path, &ch, &n, &fmt);
	assert_int_equal(fmt & SF_FORMAT_SUBMASK, SF_FORMAT_ULAW);
	assert_int_equal(ch, 2);
	assert_true(n >= 118 * 160 && n <= 135 * 160);
	/* windows in the middle of each part (0.4 s each) */
	static const double hz[3] = {1000, 600, 1800};
	for (int part = 0; part < 3; part++) {
		sf_count_t mid = (sf_count_t)(part * 40 + 20) * 160;
		const int16_t *w = x + 2 * (mid - 1600);
		double want = power_at(w + 1, 3200, 2, hz[part]);
		for (int o = 0; o < 3; o++) {
			if (o != part)
				assert_true(want > 50 * power_at(w + 1, 3200, 2,
				                                 hz[o]));
		}
		assert_true(power_at(w, 3200, 2, 300) >
		            50 * power_at(w, 3200, 2, hz[part]));
	}
	free(x);
}

/* A folder that does not exist, and a full disk: an error event, the
 * call goes on (audio still relayed both ways). */
static void test_errors_call_goes_on(void **state)
{
	struct fx *f = *state;
	struct talker c = {&f->caller, &f->l[0], 1, 0, 0x4444, 400, 0};
	struct pkt k;
	int e;

	assert_int_equal(media_relay_record(f->r, "/nonexistent-hl/x.wav", true,
	                                    MEDIA_REC_PCM16),
	                 0);
	e = evlog_wait(&f->ev, MEDIA_EV_RECORD_ERROR, 1, 3000);
	assert_true(e >= 0);
	assert_int_equal(f->ev.ev[e].err, ENOENT);
	assert_string_equal(f->ev.ev[e].path, "/nonexistent-hl/x.wav");
	talk(&c);
	assert_true(peer_recv(&f->agent, &k, 2000));

	/* /dev/full: every write fails with ENOSPC (a container may lack it) */
	if (access("/dev/full", W_OK) != 0) {
		skip();
		return;
	}
	assert_int_equal(
	    media_relay_record(f->r, "/dev/full", true, MEDIA_REC_PCM16), 0);
	for (int i = 0; i < 60; i++) {
		talk(&c);
		assert_true(peer_recv(&f->agent, &k, 2000));
		usleep(20000);
	}
	e = evlog_wait(&f->ev, MEDIA_EV_RECORD_ERROR, 2, 3000);
	assert_true(e >= 0);
	assert_int_equal(f->ev.ev[e].err, ENOSPC);
	/* nothing else: no end event for failed recordings */
	assert_int_equal(media_relay_record_stop(f->r), 0);
	loop_run(100);
	assert_int_equal(evlog_count(&f->ev, MEDIA_EV_RECORD_END, -1), 0);
	talk(&c);
	assert_true(peer_recv(&f->agent, &k, 2000));
	struct media_stats st;
	media_stats(f->m, &st);
	assert_int_equal(st.recordings, 0);

	assert_int_equal(media_relay_record(f->r, "", true, MEDIA_REC_PCM16),
	                 EINVAL);
	assert_int_equal(media_relay_record(f->r, f->path, true, 7), EINVAL);
	assert_int_equal(media_relay_record_stop(NULL), EINVAL);
}

/* Voicemail: a caller alone, mono, A-law from the phone. */
static void test_voicemail_mono(void **state)
{
	struct fx *f = *state;
	struct talker c = {&f->caller, &f->l[0], 1, 0, 0x5555, 700, 8};
	struct sa none;
	int ch, e;
	sf_count_t n;

	sa_set_str(&none, "127.0.0.1", 0);
	assert_int_equal(media_relay_set_remote(f->r, 1, &none), 0);
	assert_int_equal(
	    media_relay_record(f->r, f->path, false, MEDIA_REC_PCM16), 0);
	converse(f, &c, NULL, 50);
	e = stop_and_wait(f);

	int16_t *x = wav_read(f->path, &ch, &n, NULL);
	assert_int_equal(ch, 1);
	assert_int_equal(f->ev.ev[e].frames, n / 160);
	assert_true(n >= 50 * 160);
	const int16_t *mid = x + n / 2 - 2000;
	assert_true(power_at(mid, 4000, 1, 700) >
	            100 * power_at(mid, 4000, 1, 400));
	assert_true(fabs(rms(mid, 4000, 1) - 5657) < 300);
	free(x);
}

/* A second recording closes the first; freeing the relay closes the
 * second (a complete file, no event: the relay is gone). */
static void test_restart_and_free(void **state)
{
	struct fx *f = *state;
	struct talker c = {&f->caller, &f->l[0], 1, 0, 0x6666, 500, 0};
	char path2[160];
	int ch, e;
	sf_count_t n;

	snprintf(path2, sizeof(path2), "%s.2.wav", f->path);
	assert_int_equal(
	    media_relay_record(f->r, f->path, true, MEDIA_REC_PCM16), 0);
	converse(f, &c, NULL, 10);
	assert_int_equal(
	    media_relay_record(f->r, path2, false, MEDIA_REC_PCM16), 0);
	e = evlog_wait(&f->ev, MEDIA_EV_RECORD_END, 1, 3000);
	assert_true(e >= 0);
	assert_string_equal(f->ev.ev[e].path, f->path);
	converse(f, &c, NULL, 25);
	f->r = mem_deref(f->r);
	assert_int_equal(media_flush(f->m), 0);
	f->m = mem_deref(f->m); /* waits for the writer: file complete */
	loop_run(20);
	assert_int_equal(evlog_count(&f->ev, MEDIA_EV_RECORD_END, -1), 1);

	int16_t *x = wav_read(path2, &ch, &n, NULL);
	assert_int_equal(ch, 1);
	assert_true(n >= 24 * 160 && n <= 30 * 160);
	free(x);
	unlink(path2);
}

/* Twenty calls recorded at once on two media threads: every file whole. */
static void test_many(void **state)
{
	enum { N = 20, FRAMES = 50 };
	struct media *m;
	struct media_relay *r[N];
	struct peer c[N], a[N];
	struct talker tc[N], ta[N];
	struct sa l[N][2];
	struct evlog *ev = calloc(1, sizeof(*ev));
	char path[N][96];
	(void)state;

	assert_non_null(ev);
	assert_int_equal(
	    engine_alloc(&m, block_lo + 100, block_lo + 100 + 4 * N + 3, 2), 0);
	for (int i = 0; i < N; i++) {
		peer_open(&c[i]);
		peer_open(&a[i]);
		assert_int_equal(media_relay_alloc(&r[i], m), 0);
		media_relay_set_handler(r[i], evlog_h, ev);
		media_relay_laddr(r[i], 0, &l[i][0]);
		media_relay_laddr(r[i], 1, &l[i][1]);
		assert_int_equal(media_relay_set_remote(r[i], 0, &c[i].addr),
		                 0);
		assert_int_equal(media_relay_set_remote(r[i], 1, &a[i].addr),
		                 0);
		snprintf(path[i], sizeof(path[i]), "/tmp/hl-test-rec-%d-%d.wav",
		         getpid(), i);
		assert_int_equal(
		    media_relay_record(r[i], path[i], true, MEDIA_REC_PCM16),
		    0);
		tc[i] = (struct talker){&c[i],       &l[i][0],       1, 0,
		                        (uint32_t)i, 300.0 + 20 * i, 0};
		ta[i] = (struct talker){
		    &a[i],           &l[i][1], 1, 0, 1000u + (uint32_t)i,
		    1500.0 + 20 * i, 0};
	}
	int64_t next = mono_ns();
	for (int fr = 0; fr < FRAMES; fr++) {
		for (int i = 0; i < N; i++) {
			talk(&tc[i]);
			talk(&ta[i]);
		}
		next += 20000000;
		while (mono_ns() < next)
			usleep(1000);
		for (int i = 0; i < N; i++) {
			peer_drain(&c[i]);
			peer_drain(&a[i]);
		}
	}
	for (int i = 0; i < N; i++)
		assert_int_equal(media_relay_record_stop(r[i]), 0);
	assert_true(evlog_wait(ev, MEDIA_EV_RECORD_END, N, 5000) >= 0);
	for (int i = 0; i < N; i++) {
		int ch;
		sf_count_t n;
		int16_t *x = wav_read(path[i], &ch, &n, NULL);
		const int16_t *mid = x + 2 * (n / 2 - 1600);
		assert_true(power_at(mid, 3200, 2, 300.0 + 20 * i) >
		            20 * power_at(mid, 3200, 2, 1500.0 + 20 * i));
		assert_true(power_at(mid + 1, 3200, 2, 1500.0 + 20 * i) >
		            20 * power_at(mid + 1, 3200, 2, 300.0 + 20 * i));
		free(x);
		unlink(path[i]);
		mem_deref(r[i]);
		peer_close(&c[i]);
		peer_close(&a[i]);
	}
	for (unsigned i = 0; i < ev->n; i++)
		assert_int_equal(ev->ev[i].dropped, 0);
	mem_deref(m);
	loop_run(1);
	free(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_stereo_channels, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_placement_loss_jitter, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_burst_after_stall, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_hold_and_transfer, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_errors_call_goes_on, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_voicemail_mono, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_restart_and_free, setup,
	                                    teardown),
	    cmocka_unit_test(test_many),
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
