/**
 * @file test_dtmf.c  Digits from a phone (a UDP peer on loopback): RFC 4733
 * events crafted and replayed from SIPp's recordings, in-band tones made
 * with spandsp's generator, SIP INFO; each key press counted once however
 * many ways it arrives, two presses twice; barge-in stops a prompt.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <spandsp.h>
#include <math.h>
#include <stdio.h>

#include "ivr/ivr.h"
#include "mtest.h"

#define EV_PT 101
static const char all16[] = "0123456789*#ABCD";
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
	loop_run(1);
	peer_close(&f->caller);
	peer_close(&f->agent);
	free(f);
	return 0;
}

/* The digits reported so far (in order), with how they came. */
static unsigned digits(const struct evlog *l, char *out, size_t n,
                       unsigned *via_mask)
{
	unsigned k = 0;

	if (via_mask)
		*via_mask = 0;
	for (unsigned i = 0; i < l->n && k + 1 < n; i++) {
		if (l->ev[i].type != MEDIA_EV_DIGIT)
			continue;
		out[k++] = l->ev[i].digit;
		if (via_mask)
			*via_mask |= l->ev[i].via;
	}
	out[k] = 0;
	return k;
}

/* Wait for `want` digits, then a while more to see that none follows. */
static void expect_digits(struct fx *f, const char *want, unsigned via)
{
	char got[64];
	unsigned mask;

	evlog_wait(&f->ev, MEDIA_EV_DIGIT, (unsigned)strlen(want), 3000);
	loop_run(300);
	digits(&f->ev, got, sizeof(got), &mask);
	assert_string_equal(got, want);
	if (via)
		assert_int_equal(mask, via);
}

/* --- a phone: one RTP stream of audio and telephone-events -------------- */

struct phone {
	const struct peer *p;
	const struct sa *dst;
	uint16_t seq;
	uint32_t ts; /* of the next audio frame */
	uint32_t ssrc;
	bool pace; /* 20 ms between frames, as a phone sends */
};

static void phone_audio(struct phone *ph, const int16_t *pcm)
{
	uint8_t b[12 + 160];

	rtp_hdr(b, false, 0, ph->seq++, ph->ts, ph->ssrc);
	for (int i = 0; i < 160; i++)
		b[12 + i] = pcm ? ivr_ulaw_encode(pcm[i]) : 0xff;
	peer_send(ph->p, ph->dst, b, sizeof(b));
	ph->ts += 160;
	if (ph->pace)
		usleep(20000);
}

static void phone_event(struct phone *ph, uint8_t code, uint32_t ts, bool mark,
                        bool end, uint16_t duration)
{
	uint8_t b[16];

	rtp_hdr(b, mark, EV_PT, ph->seq++, ts, ph->ssrc);
	b[12] = code;
	b[13] = (uint8_t)((end ? 0x80 : 0) | 10); /* volume -10 dBm0 */
	b[14] = (uint8_t)(duration >> 8);
	b[15] = (uint8_t)duration;
	peer_send(ph->p, ph->dst, b, sizeof(b));
}

static uint8_t code_of(char d)
{
	return (uint8_t)(strchr(all16, d) - all16);
}

/* One key press as RFC 4733 only: start (marker), updates every 20 ms,
 * then the end three times; timestamps move on as audio would. */
static void press_rfc4733(struct phone *ph, char d, unsigned frames)
{
	uint32_t ts = ph->ts;

	for (unsigned i = 1; i <= frames; i++) {
		phone_event(ph, code_of(d), ts, i == 1, false,
		            (uint16_t)(160 * i));
		if (ph->pace)
			usleep(20000);
	}
	for (int i = 0; i < 3; i++)
		phone_event(ph, code_of(d), ts, false, true,
		            (uint16_t)(160 * frames));
	ph->ts += 160 * frames;
}

/* One key press as tones in the audio (spandsp's generator), and if
 * `events` also as RFC 4733 during the tone, as phones configured for
 * both do; then `gap` frames of silence. */
static void press_tone(struct phone *ph, dtmf_tx_state_t *tx, char d,
                       unsigned tone_frames, unsigned gap, bool events)
{
	int16_t pcm[160];
	uint32_t ts = ph->ts;
	char s[2] = {d, 0};

	dtmf_tx_set_timing(tx, (int)tone_frames * 20, 0);
	dtmf_tx_put(tx, s, 1);
	for (unsigned i = 1; i <= tone_frames; i++) {
		int n = dtmf_tx(tx, pcm, 160);
		for (int j = n < 0 ? 0 : n; j < 160; j++)
			pcm[j] = 0;
		if (events)
			phone_event(ph, code_of(d), ts, i == 1, false,
			            (uint16_t)(160 * i));
		phone_audio(ph, pcm);
	}
	if (events) {
		for (int i = 0; i < 3; i++)
			phone_event(ph, code_of(d), ts, false, true,
			            (uint16_t)(160 * tone_frames));
	}
	for (unsigned i = 0; i < gap; i++)
		phone_audio(ph, NULL);
}

/* --- tests ------------------------------------------------------------------
 */

/* All 16 events, each with its start, updates and three ends: 16 digits,
 * in order, each once. */
static void test_rfc4733_all16(void **state)
{
	struct fx *f = *state;
	struct phone ph = {&f->caller, &f->l[0], 100, 8000, 0x1234, false};

	assert_int_equal(media_relay_set_dtmf(f->r, 0, EV_PT, false), 0);
	assert_int_equal(media_flush(f->m), 0);
	for (const char *d = all16; *d; d++) {
		press_rfc4733(&ph, *d, 5);
		phone_audio(&ph, NULL);
	}
	expect_digits(f, all16, MEDIA_DTMF_RFC4733);
	for (unsigned i = 0; i < f->ev.n; i++)
		assert_int_equal(f->ev.ev[i].side, 0);
}

/* A phone whose start and updates were lost: the end packets alone still
 * make the digit, once.  A straggler of an older event counts for nothing. */
static void test_rfc4733_lost_start(void **state)
{
	struct fx *f = *state;
	struct phone ph = {&f->caller, &f->l[0], 5, 160000, 0x99, false};

	assert_int_equal(media_relay_set_dtmf(f->r, 0, EV_PT, false), 0);
	for (int i = 0; i < 3; i++)
		phone_event(&ph, 7, 160000, false, true, 800);
	phone_event(&ph, 8, 161000, true, false, 160);
	phone_event(&ph, 7, 160000, false, true, 800); /* late, old */
	expect_digits(f, "78", 0);
}

/* A press longer than the duration field holds (8 s): RFC 4733 goes on
 * with a new timestamp; still one digit. */
static void test_rfc4733_long_press(void **state)
{
	struct fx *f = *state;
	struct phone ph = {&f->caller, &f->l[0], 5, 0, 0x77, false};

	assert_int_equal(media_relay_set_dtmf(f->r, 0, EV_PT, false), 0);
	phone_event(&ph, 9, 1000, true, false, 160);
	phone_event(&ph, 9, 1000, false, false, 0xffff);
	phone_event(&ph, 9, 1000u + 0xffff, false, false, 160);
	phone_event(&ph, 9, 1000u + 0xffff, false, true, 800);
	expect_digits(f, "9", 0);
}

/* SIPp's recordings (sip-tester: dtmf_2833_*.pcap, payload type 101)
 * replayed as one phone's presses: 0-9, *, # once each. */
static void test_sipp_pcaps(void **state)
{
	struct fx *f = *state;
	static const char *names[] = {"0", "1", "2", "3", "4",    "5",
	                              "6", "7", "8", "9", "star", "pound"};
	char path[128];

	assert_int_equal(media_relay_set_dtmf(f->r, 0, EV_PT, false), 0);
	assert_int_equal(media_flush(f->m), 0);
	for (unsigned d = 0; d < 12; d++) {
		static uint8_t file[8192];
		FILE *fp;
		size_t len, off = 24;
		unsigned pkts = 0;

		snprintf(path, sizeof(path),
		         "/usr/share/sip-tester/dtmf_2833_%s.pcap", names[d]);
		fp = fopen(path, "rb");
		if (!fp) {
			skip(); /* sip-tester not installed */
			return;
		}
		len = fread(file, 1, sizeof(file), fp);
		fclose(fp);
		assert_true(len > 24 && file[0] == 0xd4 && file[1] == 0xc3);
		while (off + 16 <= len) {
			uint32_t incl = (uint32_t)file[off + 8] |
			                (uint32_t)file[off + 9] << 8 |
			                (uint32_t)file[off + 10] << 16 |
			                (uint32_t)file[off + 11] << 24;
			uint8_t *eth = file + off + 16, *rtp;
			size_t ihl, rtplen;
			uint32_t ts;

			off += 16 + incl;
			assert_true(off <= len);
			ihl = (size_t)(eth[14] & 0x0f) * 4;
			rtp = eth + 14 + ihl + 8;
			rtplen = incl - 14 - ihl - 8;
			assert_int_equal(rtp[1] & 0x7f, EV_PT);
			/* each recording starts at the same timestamp: move
			 * them apart as one phone's presses would be */
			ts = ((uint32_t)rtp[4] << 24 | (uint32_t)rtp[5] << 16 |
			      (uint32_t)rtp[6] << 8 | rtp[7]) +
			     d * 8000u;
			rtp[4] = (uint8_t)(ts >> 24);
			rtp[5] = (uint8_t)(ts >> 16);
			rtp[6] = (uint8_t)(ts >> 8);
			rtp[7] = (uint8_t)ts;
			peer_send(&f->caller, &f->l[0], rtp, rtplen);
			pkts++;
		}
		assert_true(pkts >= 4);
	}
	expect_digits(f, "0123456789*#", MEDIA_DTMF_RFC4733);
}

/* In-band only: all 16 tones (spandsp's generator, mu-law RTP). */
static void test_inband_all16(void **state)
{
	struct fx *f = *state;
	struct phone ph = {&f->caller, &f->l[0], 1, 0, 0x4242, false};
	dtmf_tx_state_t *tx = dtmf_tx_init(NULL);

	assert_non_null(tx);
	assert_int_equal(media_relay_set_dtmf(f->r, 0, 0, true), 0);
	assert_int_equal(media_flush(f->m), 0);
	for (const char *d = all16; *d; d++)
		press_tone(&ph, tx, *d, 4, 4, false);
	dtmf_tx_free(tx);
	expect_digits(f, all16, MEDIA_DTMF_INBAND);
}

/* A phone sending each press both ways (RFC 4733 and the tone in its
 * audio), in real time: one digit per press, also for the same key twice
 * in quick succession. */
static void test_both_methods_once(void **state)
{
	struct fx *f = *state;
	struct phone ph = {&f->caller, &f->l[0], 1, 0, 0x5151, true};
	dtmf_tx_state_t *tx = dtmf_tx_init(NULL);

	assert_int_equal(media_relay_set_dtmf(f->r, 0, EV_PT, true), 0);
	assert_int_equal(media_flush(f->m), 0);
	press_tone(&ph, tx, '1', 4, 4, true);
	press_tone(&ph, tx, '2', 4, 3, true);
	press_tone(&ph, tx, '2', 4, 4, true); /* 140 ms after the first */
	press_tone(&ph, tx, '#', 4, 4, true);
	dtmf_tx_free(tx);
	expect_digits(f, "122#", 0);

	/* the tones were heard too, and merged, not lost */
	struct media_relay_stats st;
	assert_int_equal(media_flush(f->m), 0);
	media_relay_stats(f->r, &st);
	assert_int_equal(st.digits[0], 4);
	assert_int_equal(st.digit_dups[0], 4);
}

/* The same key twice quickly, each method alone: two digits. */
static void test_two_quick_presses(void **state)
{
	struct fx *f = *state;
	struct phone ph = {&f->caller, &f->l[0], 1, 0, 0x6161, true};
	dtmf_tx_state_t *tx = dtmf_tx_init(NULL);

	assert_int_equal(media_relay_set_dtmf(f->r, 0, EV_PT, true), 0);
	assert_int_equal(media_flush(f->m), 0);
	press_rfc4733(&ph, '5', 3); /* 60 ms */
	phone_audio(&ph, NULL);
	phone_audio(&ph, NULL);
	press_rfc4733(&ph, '5', 3); /* 100 ms later */
	phone_audio(&ph, NULL);
	expect_digits(f, "55", MEDIA_DTMF_RFC4733);

	f->ev.n = 0;
	usleep(1100000);                       /* out of the pairing window */
	press_tone(&ph, tx, '7', 3, 3, false); /* 60 ms on, 60 off */
	press_tone(&ph, tx, '7', 3, 3, false);
	dtmf_tx_free(tx);
	expect_digits(f, "77", MEDIA_DTMF_INBAND);
}

/* SIP INFO digits go through the same gate: an INFO for a press also
 * sent as RFC 4733 is not counted again; INFO alone counts; nonsense is
 * refused. */
static void test_sip_info(void **state)
{
	struct fx *f = *state;
	struct phone ph = {&f->caller, &f->l[0], 1, 0, 0x7171, true};
	char got[16];

	/* INFO only, no detection configured: still reported */
	assert_int_equal(media_relay_dtmf_info(f->r, 0, '4'), 0);
	assert_int_equal(media_relay_dtmf_info(f->r, 0, 'b'), 0);
	expect_digits(f, "4B", MEDIA_DTMF_INFO);

	f->ev.n = 0;
	usleep(1100000);
	assert_int_equal(media_relay_set_dtmf(f->r, 0, EV_PT, false), 0);
	press_rfc4733(&ph, '3', 3);
	assert_int_equal(media_relay_dtmf_info(f->r, 0, '3'), 0); /* same */
	phone_audio(&ph, NULL);
	phone_audio(&ph, NULL);
	assert_int_equal(media_relay_dtmf_info(f->r, 0, '6'), 0);
	press_rfc4733(&ph, '6', 3); /* INFO came first this time */
	expect_digits(f, "36", MEDIA_DTMF_RFC4733 | MEDIA_DTMF_INFO);
	struct media_relay_stats st;
	assert_int_equal(media_flush(f->m), 0);
	media_relay_stats(f->r, &st);
	assert_int_equal(st.digits[0], 4);     /* 4, B, 3, 6 */
	assert_int_equal(st.digit_dups[0], 2); /* 3 and 6 a second time */

	assert_int_equal(media_relay_dtmf_info(f->r, 0, 'x'), EINVAL);
	assert_int_equal(media_relay_dtmf_info(f->r, 0, 0), EINVAL);
	assert_int_equal(media_relay_dtmf_info(f->r, 2, '1'), EINVAL);
	assert_int_equal(media_relay_set_dtmf(f->r, 0, 200, false), EINVAL);
	assert_int_equal(media_relay_set_dtmf(NULL, 0, 101, false), EINVAL);
	loop_run(50);
	assert_int_equal(digits(&f->ev, got, sizeof(got), NULL), 2);
}

/* Barge-in: a digit while a prompt plays stops the prompt at once
 * (PLAY_END BARGED before the DIGIT) and counts; a prompt without
 * barge-in plays on. */
static void test_barge_in(void **state)
{
	struct fx *f = *state;
	struct phone ph = {&f->caller, &f->l[0], 1, 0, 0x8181, false};
	static uint8_t u[16000];
	struct media_clip c = {u, sizeof(u)};
	struct pkt k;
	int e;

	memset(u, 0x42, sizeof(u));
	assert_int_equal(media_relay_set_dtmf(f->r, 0, EV_PT, false), 0);
	struct media_play p = {
	    .clips = &c, .nclips = 1, .barge = true, .token = 9};
	assert_int_equal(media_relay_play(f->r, 0, &p), 0);
	for (int i = 0; i < 5; i++)
		assert_true(peer_recv(&f->caller, &k, 2000));

	phone_event(&ph, 3, 0, true, false, 160);
	int64_t t0 = mono_ns();
	while (peer_recv(&f->caller, &k, 100))
		assert_true(mono_ns() - t0 < 40000000); /* within a tick */
	e = evlog_wait(&f->ev, MEDIA_EV_DIGIT, 1, 2000);
	assert_true(e >= 1);
	assert_int_equal(f->ev.ev[e].digit, '3');
	assert_int_equal(f->ev.ev[e - 1].type, MEDIA_EV_PLAY_END);
	assert_int_equal(f->ev.ev[e - 1].reason, MEDIA_PLAY_BARGED);
	assert_int_equal(f->ev.ev[e - 1].token, 9);

	/* without barge-in: the digit counts, the prompt goes on */
	p.barge = false;
	assert_int_equal(media_relay_play(f->r, 0, &p), 0);
	assert_true(peer_recv(&f->caller, &k, 2000));
	phone_event(&ph, 4, 800, true, false, 160);
	assert_true(evlog_wait(&f->ev, MEDIA_EV_DIGIT, 2, 2000) >= 0);
	for (int i = 0; i < 5; i++)
		assert_true(peer_recv(&f->caller, &k, 2000));
	assert_int_equal(evlog_count(&f->ev, MEDIA_EV_PLAY_END, -1), 1);
	assert_int_equal(media_relay_stop(f->r, 0), 0);
}

/* Bridged to an agent: digits are still detected, and the agent's phone
 * gets the telephone-events unchanged; the agent's own digits are its
 * side's (detected only where configured). */
static void test_bridged(void **state)
{
	struct fx *f = *state;
	struct phone ph = {&f->caller, &f->l[0], 1, 0, 0x9191, false};
	struct phone ag = {&f->agent, &f->l[1], 1, 0, 0xa1a1, false};
	struct pkt k;
	char got[8];

	assert_int_equal(media_relay_set_remote(f->r, 1, &f->agent.addr), 0);
	assert_int_equal(media_relay_set_dtmf(f->r, 0, EV_PT, false), 0);
	assert_int_equal(media_relay_set_dtmf(f->r, 1, EV_PT, false), 0);
	assert_int_equal(media_flush(f->m), 0);
	phone_event(&ph, 1, 0, true, false, 160);
	assert_true(peer_recv(&f->agent, &k, 2000));
	assert_int_equal(k.len, 16);
	assert_int_equal(pk_pt(&k), EV_PT);
	assert_int_equal(k.b[12], 1);
	phone_event(&ag, 11, 0, true, false, 160);
	assert_true(peer_recv(&f->caller, &k, 2000));
	assert_true(evlog_wait(&f->ev, MEDIA_EV_DIGIT, 2, 2000) >= 0);
	loop_run(50);
	assert_int_equal(digits(&f->ev, got, sizeof(got), NULL), 2);
	for (unsigned i = 0; i < f->ev.n; i++) {
		if (f->ev.ev[i].digit == '1')
			assert_int_equal(f->ev.ev[i].side, 0);
		else
			assert_int_equal(f->ev.ev[i].side, 1);
	}
}

/* Speech-like audio and silence give no digit. */
static void test_no_false_digits(void **state)
{
	struct fx *f = *state;
	struct phone ph = {&f->caller, &f->l[0], 1, 0, 0xb1b1, false};
	int16_t pcm[160];
	unsigned seed = 1;

	assert_int_equal(media_relay_set_dtmf(f->r, 0, EV_PT, true), 0);
	for (int frame = 0; frame < 150; frame++) {
		for (int i = 0; i < 160; i++) {
			/* a vowel-ish mix of harmonics plus noise */
			double t = (frame * 160 + i) / 8000.0;
			seed = seed * 1103515245u + 12345u;
			pcm[i] = (int16_t)(3000 * sin(2 * M_PI * 180 * t) +
			                   2000 * sin(2 * M_PI * 360 * t) +
			                   1500 * sin(2 * M_PI * 540 * t) +
			                   (int)((seed >> 16) % 800) - 400);
		}
		phone_audio(&ph, pcm);
	}
	loop_run(300);
	assert_int_equal(evlog_count(&f->ev, MEDIA_EV_DIGIT, -1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_rfc4733_all16, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_rfc4733_lost_start, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_rfc4733_long_press, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_sipp_pcaps, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_inband_all16, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_both_methods_once, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_two_quick_presses, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_sip_info, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_barge_in, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bridged, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_false_digits, setup,
	                                    teardown),
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
