/**
 * @file dtmf.c  Digits sent by a side: RFC 4733 telephone-events and
 * in-band tones (spandsp) on the media thread, SIP INFO handed in by the
 * signalling, all through one gate that counts each key press once.
 *
 * The gate: a digit reported by method M at time t is the same press as
 * the oldest earlier report of that digit, within MEDIA_DTMF_DEDUP_MS,
 * that M has not yet confirmed.  Reports from one method are never
 * merged (each method sees each press at most once), so two quick presses
 * of the same key count twice, and a phone sending RFC 4733 + in-band (+
 * INFO) for every press counts once per press.  Pairing oldest first keeps
 * the count right when one method lags the other by more than a press.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <spandsp.h>

#include "core/core.h"
#include "media/media_int.h"

#define DTMF_RECENT 8 /* presses remembered per side */
#define DEDUP_NS    ((int64_t)MEDIA_DTMF_DEDUP_MS * 1000000)
/* RFC 4733 2.5.1.3: an event longer than the duration field holds
 * (0xffff samples, 8.2 s) goes on as a new segment with a later timestamp */
#define LONG_SEGMENT 0xf000u

static const char digits[] = "0123456789*#ABCD";

struct dtmf_press {
	int64_t at;
	char digit;
	uint8_t via; /* methods that reported it */
};

/** Detection state of one side.  Built by the control thread, owned by the
 *  media thread once applied. */
struct side_dtmf {
	uint8_t pt;          /* telephone-event payload type, 0 none */
	dtmf_rx_state_t *rx; /* owning: in-band detector, NULL if off */
	struct relay_state *rs;
	int side;
	int64_t now; /* arrival of the packet being analysed */

	/* RFC 4733: the event being received */
	bool ev_seen, ev_ended;
	uint8_t ev_code;
	uint32_t ev_ts, ev_ssrc;
	int64_t ev_last;

	struct dtmf_press recent[DTMF_RECENT]; /* oldest first */
	unsigned nrecent;
};

void dtmf_free(struct side_dtmf *d)
{
	if (!d)
		return;
	if (d->rx)
		dtmf_rx_free(d->rx);
	free(d);
}

/* --- media thread --------------------------------------------------------- */

void dtmf_report(struct mthread *t, struct relay_state *rs, int side,
                 char digit, enum media_dtmf_via via, int64_t at)
{
	struct side_dtmf *d = rs->side[side].dtmf;
	struct media_event ev = {.type = MEDIA_EV_DIGIT, .side = side};
	unsigned i, keep = 0;

	if (!d)
		return;

	/* forget presses too old to pair with anything */
	for (i = 0; i < d->nrecent; i++) {
		if (at - d->recent[i].at <= DEDUP_NS)
			d->recent[keep++] = d->recent[i];
	}
	d->nrecent = keep;

	for (i = 0; i < d->nrecent; i++) {
		struct dtmf_press *p = &d->recent[i];
		if (p->digit == digit && !(p->via & via)) {
			p->via |=
			    (uint8_t)via; /* the same press, another way */
			MEDIA_CNT_ADD(rs->side[side].digit_dups, 1);
			return;
		}
	}

	if (d->nrecent == DTMF_RECENT) {
		memmove(d->recent, d->recent + 1,
		        (DTMF_RECENT - 1) * sizeof(d->recent[0]));
		d->nrecent--;
	}
	d->recent[d->nrecent++] =
	    (struct dtmf_press){.at = at, .digit = digit, .via = (uint8_t)via};

	MEDIA_CNT_ADD(rs->side[side].digits, 1);
	player_barge(t, rs, side);
	ev.digit = digit;
	ev.via = via;
	media_event_post(t->m, rs->id, &ev, NULL);
}

/* spandsp calls this from inside dtmf_rx() when a tone is confirmed
 * (~40 ms into it); without a realtime callback it queues nothing else. */
static void inband_digits(void *arg, const char *s, int len)
{
	struct side_dtmf *d = arg;

	for (int i = 0; i < len; i++)
		dtmf_report(d->rs->t, d->rs, d->side, s[i], MEDIA_DTMF_INBAND,
		            d->now);
}

static void rfc4733(struct mthread *t, struct side_dtmf *d, const uint8_t *pkt,
                    const uint8_t *pl, size_t plen)
{
	uint32_t ts = rd32(pkt + 4), ssrc = rd32(pkt + 8);
	uint8_t code;
	bool end;

	if (plen < 4)
		return;
	code = pl[0];
	end = pl[1] & 0x80;
	if (code >= sizeof(digits) - 1)
		return; /* flash, tones: not a digit */

	if (d->ev_seen && ssrc == d->ev_ssrc) {
		int32_t dts = (int32_t)(ts - d->ev_ts);

		if (dts == 0 && code == d->ev_code) {
			/* more of the same event: updates, the end x3 */
			d->ev_ended |= end;
			d->ev_last = t->now_ns;
			return;
		}
		if (dts < 0)
			return; /* a straggler of an older event */
		if (code == d->ev_code && !d->ev_ended &&
		    (uint32_t)dts >= LONG_SEGMENT &&
		    t->now_ns - d->ev_last < 200000000) {
			d->ev_ts = ts; /* next segment of a long press */
			d->ev_ended = end;
			d->ev_last = t->now_ns;
			return;
		}
	}

	d->ev_seen = true;
	d->ev_ssrc = ssrc;
	d->ev_ts = ts;
	d->ev_code = code;
	d->ev_ended = end;
	d->ev_last = t->now_ns;
	dtmf_report(t, d->rs, d->side, digits[code], MEDIA_DTMF_RFC4733,
	            t->now_ns);
}

void dtmf_rtp(struct mthread *t, struct relay_state *rs, struct relay_side *s,
              const uint8_t *pkt, size_t off, size_t plen)
{
	struct side_dtmf *d = s->dtmf;
	const uint8_t pt = pkt[1] & 0x7f;
	(void)rs;

	if (d->pt && pt == d->pt) {
		rfc4733(t, d, pkt, pkt + off, plen);
		return;
	}
	if (d->rx && (pt == 0 || pt == 8) && plen) {
		const int16_t *tab = pt ? media_alaw_lin : media_ulaw_lin;
		const uint8_t *pl = pkt + off;

		for (size_t i = 0; i < plen; i++)
			t->pcm[i] = tab[pl[i]];
		d->now = t->now_ns;
		dtmf_rx(d->rx, t->pcm, (int)plen);
	}
}

/* A new configuration for a side; what the gate and the RFC 4733 receiver
 * remember carries over, so a digit is not counted again. */
void dtmf_apply(struct relay_state *rs, int side, struct side_dtmf *d)
{
	struct side_dtmf *old = rs->side[side].dtmf;

	d->rs = rs;
	d->side = side;
	if (old) {
		d->ev_seen = old->ev_seen;
		d->ev_ended = old->ev_ended;
		d->ev_code = old->ev_code;
		d->ev_ts = old->ev_ts;
		d->ev_ssrc = old->ev_ssrc;
		d->ev_last = old->ev_last;
		memcpy(d->recent, old->recent, sizeof(d->recent));
		d->nrecent = old->nrecent;
		dtmf_free(old);
	}
	rs->side[side].dtmf = d;
}

/* --- control thread ------------------------------------------------------- */

int media_relay_set_dtmf(struct media_relay *r, int side, uint8_t event_pt,
                         bool inband)
{
	struct side_dtmf *d;
	struct media_cmd *cmd;

	if (!r || side < 0 || side > 1 || event_pt > 127)
		return EINVAL;

	d = calloc(1, sizeof(*d));
	cmd = calloc(1, sizeof(*cmd));
	if (!d || !cmd)
		goto nomem;
	d->pt = event_pt;
	if (inband) {
		d->rx = dtmf_rx_init(NULL, inband_digits, d);
		if (!d->rx)
			goto nomem;
	}
	cmd->type = MCMD_DTMF;
	cmd->side = side;
	cmd->ptr = d;
	r->dtmf_set[side] = true;
	return relay_cmd_push(r, cmd);

nomem:
	dtmf_free(d);
	free(cmd);
	return ENOMEM;
}

int media_relay_dtmf_info(struct media_relay *r, int side, char digit)
{
	struct media_cmd *cmd;
	const char *p;

	if (!r || side < 0 || side > 1)
		return EINVAL;
	if (digit >= 'a' && digit <= 'd')
		digit = (char)(digit - 'a' + 'A');
	p = digit ? strchr(digits, digit) : NULL;
	if (!p)
		return EINVAL;

	/* the gate lives with the side's detection state */
	if (!r->dtmf_set[side]) {
		int err = media_relay_set_dtmf(r, side, 0, false);
		if (err)
			return err;
	}
	cmd = calloc(1, sizeof(*cmd));
	if (!cmd)
		return ENOMEM;
	cmd->type = MCMD_DTMF_INFO;
	cmd->side = side;
	cmd->digit = digit;
	cmd->ns = (int64_t)hl_mono_ns();
	return relay_cmd_push(r, cmd);
}
