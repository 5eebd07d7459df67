/**
 * @file relay.c  One call's relay: the control-thread handle, and the
 * packet path on the media thread.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "core/core.h"
#include "media/media_int.h"

/* --- media thread --------------------------------------------------------- */

static inline bool addr_eq(const struct sa *a, const struct sa *b)
{
	if (a->u.sa.sa_family != b->u.sa.sa_family)
		return false;
	if (a->u.sa.sa_family == AF_INET)
		return a->u.in.sin_port == b->u.in.sin_port &&
		       a->u.in.sin_addr.s_addr == b->u.in.sin_addr.s_addr;
	if (a->u.sa.sa_family == AF_INET6)
		return a->u.in6.sin6_port == b->u.in6.sin6_port &&
		       !memcmp(&a->u.in6.sin6_addr, &b->u.in6.sin6_addr,
		               sizeof(a->u.in6.sin6_addr));
	return false;
}

/* Version 2 and long enough for a header: filters STUN keep-alives and junk
 * without looking at the payload (so telephone-events pass unchanged). */
static inline bool rtp_ok(const uint8_t *p, unsigned len, int comp)
{
	return len >= (comp == MEDIA_RTP ? 12u : 8u) && (p[0] & 0xc0) == 0x80;
}

/* Addresses a NAT hides behind (RFC 1918, RFC 6598 shared space, link
 * local, IPv6 ULA and link local): an SDP naming one cannot be the source. */
static bool addr_private(const struct sa *a)
{
	if (a->u.sa.sa_family == AF_INET) {
		uint32_t ip = ntohl(a->u.in.sin_addr.s_addr);
		return (ip >> 24) == 10 || (ip >> 20) == 0xac1 ||
		       (ip >> 16) == 0xc0a8 || (ip >> 22) == 0x191 ||
		       (ip >> 16) == 0xa9fe;
	}
	if (a->u.sa.sa_family == AF_INET6) {
		const uint8_t *b = a->u.in6.sin6_addr.s6_addr;
		return (b[0] & 0xfe) == 0xfc ||
		       (b[0] == 0xfe && (b[1] & 0xc0) == 0x80);
	}
	return false;
}

/* May src become the peer of a latching side whose SDP says sdp?  Only
 * from the SDP's own IP (any port: symmetric NATs and STUN-mapped phones
 * keep the IP), unless the SDP names a private address, which cannot be
 * reached anyway; then the first source wins. */
static bool latch_allowed(const struct sa *src, const struct sa *sdp)
{
	if (src->u.sa.sa_family != sdp->u.sa.sa_family)
		return false;
	if (addr_private(sdp))
		return true;
	if (src->u.sa.sa_family == AF_INET)
		return src->u.in.sin_addr.s_addr == sdp->u.in.sin_addr.s_addr;
	return !memcmp(&src->u.in6.sin6_addr, &sdp->u.in6.sin6_addr,
	               sizeof(src->u.in6.sin6_addr));
}

/* Point a socket at its peer.  Connected, the kernel drops every other
 * source before we see it (no injection, no cost) and sends skip the route
 * lookup; unconnected while the peer is unknown or still to be latched.
 * If connect() fails (no route) we keep sending with sendto(). */
static void sock_aim(struct relay_side *s, int comp, bool connected)
{
	struct media_sock *ms = &s->sock[comp];

	if (connected) {
		s->conn[comp] = connect(ms->fd, &s->peer[comp].u.sa,
		                        s->peer[comp].len) == 0;
		if (!s->conn[comp])
			HL_DEBUG("media", "connect to peer: %s",
			         strerror(errno));
	} else if (s->conn[comp]) {
		struct sockaddr none = {.sa_family = AF_UNSPEC};
		(void)connect(ms->fd, &none, sizeof(none));
		s->conn[comp] = false;
	}
}

/* Set a side's peers from its SDP and latching mode (on every change). */
static void side_reset(struct relay_side *s)
{
	for (int c = 0; c < 2; c++) {
		s->peer[c] = s->sdp[c];
		atomic_store_explicit(&s->latched[c], false,
		                      memory_order_relaxed);
		sock_aim(s, c, s->remote && !s->latch);
	}
}

/* Is src the side's peer for this component, or may it become it? */
static bool src_accept(struct relay_side *s, int comp, const struct sa *src)
{
	if (!s->remote)
		return false;
	if (!s->latch ||
	    atomic_load_explicit(&s->latched[comp], memory_order_relaxed))
		return addr_eq(src, &s->peer[comp]);
	if (!latch_allowed(src, &s->sdp[comp]))
		return false;

	s->peer[comp] = *src;
	atomic_store_explicit(&s->latched[comp], true, memory_order_relaxed);
	sock_aim(s, comp, true);
	return true;
}

/* How far a stream's timestamp moved while nothing was sent: the time
 * since the last packet in whole frames, at least one. */
static uint32_t out_gap(const struct relay_out *o, int64_t now)
{
	int64_t f = (now - o->at_ns + MEDIA_FRAME_NS / 2) / MEDIA_FRAME_NS;
	return (uint32_t)(f < 1 ? 1 : f) * MEDIA_FRAME;
}

/* Where a new source (a player, or relayed audio after one) continues the
 * side's stream: the next sequence number and the timestamp advanced by the
 * time elapsed.  Media thread. */
void out_resume(struct relay_out *o, int64_t now, uint16_t *seq, uint32_t *ts)
{
	*seq = (uint16_t)(o->seq + 1);
	*ts = o->ts + out_gap(o, now);
}

/* A relayed RTP packet about to leave towards the side: once a player has
 * fed the side, rewrite it into the side's stream (marker on the switch);
 * remember where the stream is, for the next player.  Media thread. */
static void out_relay(struct relay_out *o, uint8_t *p, int64_t now)
{
	uint16_t seq = rd16(p + 2);
	uint32_t ts = rd32(p + 4), ssrc = rd32(p + 8);

	if (o->owned) {
		if (!o->map || ssrc != o->in_ssrc) {
			uint16_t nseq;
			uint32_t nts;
			out_resume(o, now, &nseq, &nts);
			o->in_ssrc = ssrc;
			o->seq_off = (uint16_t)(nseq - seq);
			o->ts_off = nts - ts;
			o->map = true;
			p[1] |= 0x80;
		}
		seq = (uint16_t)(seq + o->seq_off);
		ts += o->ts_off;
		ssrc = o->ssrc;
		wr16(p + 2, seq);
		wr32(p + 4, ts);
		wr32(p + 8, ssrc);
	}
	if (ssrc != o->ssrc) {
		o->ssrc = ssrc;
		o->seq = seq;
		o->ts = ts;
	} else {
		if ((int16_t)(seq - o->seq) > 0)
			o->seq = seq;
		if ((int32_t)(ts - o->ts) > 0)
			o->ts = ts;
	}
	o->at_ns = now;
}

void relay_readable(struct mthread *t, struct media_sock *ms)
{
	struct relay_state *rs = ms->rs;
	struct relay_side *in = &rs->side[ms->side];
	struct relay_side *out = &rs->side[!ms->side];
	const int comp = ms->comp;
	unsigned ntx = 0, bytes = 0, drop = 0;
	int n, sent;

	n = recvmmsg(ms->fd, t->rx, MEDIA_BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return; /* EAGAIN, or an ICMP error now consumed */

	/* RTP towards a side a player feeds is replaced by the player's */
	const bool can_send =
	    out->remote && !(comp == MEDIA_RTP && (out->hold || out->play));
	const bool conn = out->conn[comp];
	const int ofd = out->sock[comp].fd;
	/* taps: digits sent by `in`, recording of what side 0 sends and
	 * hears */
	struct recorder *rec = comp == MEDIA_RTP ? rs->rec : NULL;
	const bool tap_in = comp == MEDIA_RTP && (in->dtmf || rec);

	for (int i = 0; i < n; i++) {
		struct msghdr *h = &t->rx[i].msg_hdr;
		unsigned len = t->rx[i].msg_len;
		struct sa *src = &t->rxaddr[i];
		size_t off = 0, plen = 0;
		bool audio = false;

		bytes += len;
		src->len = h->msg_namelen;
		h->msg_namelen = sizeof(src->u); /* reset for the next read */

		if ((h->msg_flags & MSG_TRUNC) ||
		    !rtp_ok(t->buf[i], len, comp) ||
		    !src_accept(in, comp, src)) {
			drop++;
			continue;
		}
		if (tap_in || (rec && ms->side == 1 && can_send))
			audio = rtp_payload(t->buf[i], len, &off, &plen);
		if (tap_in && audio) {
			if (in->dtmf)
				dtmf_rtp(t, rs, in, t->buf[i], off, plen);
			if (rec && ms->side == 0)
				rec_tap(t, rec, 0, t->buf[i], off, plen);
		}
		if (!can_send) {
			drop++;
			continue;
		}
		if (comp == MEDIA_RTP) {
			out_relay(&out->out, t->buf[i], t->now_ns);
			/* what side 0 hears: the right channel */
			if (rec && ms->side == 1 && audio)
				rec_tap(t, rec, 1, t->buf[i], off, plen);
		}

		t->txiov[ntx].iov_base = t->buf[i];
		t->txiov[ntx].iov_len = len;
		t->tx[ntx].msg_hdr.msg_name = conn ? NULL : &out->peer[comp].u;
		t->tx[ntx].msg_hdr.msg_namelen = conn ? 0 : out->peer[comp].len;
		ntx++;
	}

	sent = 0;
	if (ntx == 1) {
		ssize_t r =
		    conn ? send(ofd, t->txiov[0].iov_base, t->txiov[0].iov_len,
		                MSG_DONTWAIT)
		         : sendto(ofd, t->txiov[0].iov_base,
		                  t->txiov[0].iov_len, MSG_DONTWAIT,
		                  &out->peer[comp].u.sa, out->peer[comp].len);
		sent = r >= 0;
	} else if (ntx > 1) {
		sent = sendmmsg(ofd, t->tx, ntx, MSG_DONTWAIT);
		if (sent < 0)
			sent = 0;
	}
	drop += ntx - (unsigned)sent;

	MEDIA_CNT_ADD(in->rx_pkts, (unsigned)n);
	MEDIA_CNT_ADD(in->rx_bytes, bytes);
	MEDIA_CNT_ADD(out->tx_pkts, (unsigned)sent);
	if (drop)
		MEDIA_CNT_ADD(in->dropped, drop);
	MEDIA_CNT_ADD(t->rx_pkts, (unsigned)n);
	MEDIA_CNT_ADD(t->tx_pkts, (unsigned)sent);
	if (drop)
		MEDIA_CNT_ADD(t->dropped, drop);
}

/* Send one datagram to a side's peer (connected or not).  Media thread. */
bool side_send(struct relay_side *s, int comp, const void *buf, size_t len)
{
	const int fd = s->sock[comp].fd;

	if (s->conn[comp])
		return send(fd, buf, len, MSG_DONTWAIT) >= 0;
	return sendto(fd, buf, len, MSG_DONTWAIT, &s->peer[comp].u.sa,
	              s->peer[comp].len) >= 0;
}

static void side_close(struct mthread *t, struct relay_side *s)
{
	for (int c = 0; c < 2; c++) {
		if (s->sock[c].fd < 0)
			continue;
		(void)epoll_ctl(t->epfd, EPOLL_CTL_DEL, s->sock[c].fd, NULL);
		close(s->sock[c].fd);
		s->sock[c].fd = -1;
	}
	media_port_pair_release(t->m, s->pair);
}

void relay_apply(struct mthread *t, struct media_cmd *cmd)
{
	struct relay_state *rs = cmd->rs;
	struct relay_side *s = &rs->side[cmd->side];

	switch (cmd->type) {

	case MCMD_REMOTE:
		s->remote =
		    sa_isset(&cmd->addr, SA_ALL) && !sa_is_any(&cmd->addr);
		s->sdp[MEDIA_RTP] = cmd->addr;
		s->sdp[MEDIA_RTCP] = cmd->addr;
		if (s->remote)
			sa_set_port(&s->sdp[MEDIA_RTCP],
			            (uint16_t)(sa_port(&cmd->addr) + 1));
		side_reset(s);
		break;

	case MCMD_HOLD:
		s->hold = cmd->on;
		break;

	case MCMD_LATCH:
		s->latch = cmd->on;
		side_reset(s);
		break;

	case MCMD_FREE:
		rec_stop(t, rs);
		for (int i = 0; i < 2; i++) {
			if (rs->side[i].play)
				player_end(t, rs, i, MEDIA_PLAY_STOPPED);
			dtmf_free(rs->side[i].dtmf);
			rs->side[i].dtmf = NULL;
		}
		side_close(t, &rs->side[0]);
		side_close(t, &rs->side[1]);
		rs->dead = true;
		rs->next_dead = t->dead;
		t->dead = rs;
		if (cmd->on) { /* the loop may release the clips' owners */
			struct media_event ev = {
			    .type = (enum media_event_type)MEV_FREED};
			media_event_post(t->m, rs->id, &ev, NULL);
		}
		break;

	case MCMD_PLAY:
		player_apply(t, rs, cmd->side, cmd->ptr);
		cmd->ptr = NULL;
		break;

	case MCMD_STOP:
		if (s->play)
			player_end(t, rs, cmd->side, MEDIA_PLAY_STOPPED);
		break;

	case MCMD_CODEC:
		s->pt_out = cmd->pt;
		break;

	case MCMD_DTMF:
		dtmf_apply(rs, cmd->side, cmd->ptr);
		cmd->ptr = NULL;
		break;

	case MCMD_DTMF_INFO:
		dtmf_report(t, rs, cmd->side, cmd->digit, MEDIA_DTMF_INFO,
		            cmd->ns);
		break;

	case MCMD_RECORD:
		rec_apply(t, rs, cmd->ptr);
		cmd->ptr = NULL;
		break;

	case MCMD_RECORD_STOP:
		rec_stop(t, rs);
		break;

	case MCMD_FLUSH:
		break; /* handled by the thread */
	}
}

/* --- control thread ------------------------------------------------------- */

static void relay_destructor(void *arg)
{
	struct media_relay *r = arg;

	hash_unlink(&r->he);
	if (r->rs) {
		/* the media thread may still read the clips: their owners
		 * wait in the engine until it reports the relay closed */
		if (r->nowners &&
		    !media_grave_add(r->m, r->id, r->owners, r->nowners)) {
			r->owners = NULL;
			r->nowners = 0;
			r->freecmd->on = true;
		}
		r->freecmd->type = MCMD_FREE;
		r->freecmd->rs = r->rs;
		mthread_push(r->t, r->freecmd);
		r->freecmd = NULL;
		r->t->nrelays--;
		r->m->nrelays--;
	}
	/* out of memory for the grave: keep the owners alive for good
	 * rather than free samples a media thread may be reading */
	free(r->owners);
	free(r->freecmd);
	mem_deref(r->m);
}

int media_relay_alloc(struct media_relay **rp, struct media *m)
{
	struct media_relay *r;
	struct relay_state *rs = NULL;
	int err = 0, s;

	if (!rp || !m)
		return EINVAL;

	r = mem_zalloc(sizeof(*r), relay_destructor);
	if (!r)
		return ENOMEM;
	r->m = mem_ref(m);
	r->id = ++m->next_id;
	hash_append(m->relays, (uint32_t)r->id, &r->he, r);
	r->freecmd = calloc(1, sizeof(*r->freecmd));
	rs = calloc(1, sizeof(*rs));
	if (!r->freecmd || !rs) {
		err = ENOMEM;
		goto out;
	}

	for (s = 0; s < 2; s++) {
		struct relay_side *side = &rs->side[s];
		int fds[2];

		side->sock[0].fd = side->sock[1].fd = -1;
		err = media_port_pair_take(m, fds, &side->pair);
		if (err)
			break;
		for (int c = 0; c < 2; c++) {
			side->sock[c].rs = rs;
			side->sock[c].fd = fds[c];
			side->sock[c].side = (uint8_t)s;
			side->sock[c].comp = (uint8_t)c;
		}
		side->latch = (s == MEDIA_SIDE_AGENT);
		side->idx = (uint8_t)s;
		/* the stream a player would start: random origin (RFC 3550) */
		side->out.ssrc = rand_u32();
		side->out.seq = rand_u16();
		side->out.ts = rand_u32();
		r->laddr[s] = m->laddr;
		sa_set_port(&r->laddr[s],
		            (uint16_t)(m->port_base + 2 * side->pair));
	}
	if (err) {
		if (err == EADDRINUSE)
			HL_WARN("media", "no free RTP port pair left in %u-%u",
			        m->port_base, m->port_base + 2 * m->npairs - 1);
		else if (err == EMFILE || err == ENFILE)
			HL_WARN("media", "out of file descriptors (%u relays)",
			        m->nrelays);
		while (s-- > 0) {
			close(rs->side[s].sock[0].fd);
			close(rs->side[s].sock[1].fd);
			media_port_pair_release(m, rs->side[s].pair);
		}
		goto out;
	}

	r->t = media_thread_pick(m);
	rs->t = r->t;
	rs->id = r->id;
	for (s = 0; s < 2; s++) {
		for (int c = 0; c < 2; c++) {
			struct epoll_event ev = {
			    .events = EPOLLIN,
			    .data.ptr = &rs->side[s].sock[c],
			};
			if (epoll_ctl(r->t->epfd, EPOLL_CTL_ADD,
			              rs->side[s].sock[c].fd, &ev) < 0 &&
			    !err)
				err = errno;
		}
	}
	/* From here on the state is the media thread's, even on error: the
	 * destructor hands it back with MCMD_FREE. */
	r->rs = rs;
	rs = NULL;
	r->t->nrelays++;
	m->nrelays++;

out:
	free(rs);
	if (err)
		mem_deref(r);
	else
		*rp = r;
	return err;
}

void media_relay_laddr(const struct media_relay *r, int side, struct sa *rtp)
{
	if (!r || !rtp || side < 0 || side > 1)
		return;
	*rtp = r->laddr[side];
}

static int relay_cmd(struct media_relay *r, enum media_cmd_type type, int side,
                     bool on, const struct sa *addr)
{
	struct media_cmd *cmd;

	if (!r || side < 0 || side > 1)
		return EINVAL;

	cmd = calloc(1, sizeof(*cmd));
	if (!cmd)
		return ENOMEM;
	cmd->type = type;
	cmd->side = side;
	cmd->on = on;
	if (addr)
		cmd->addr = *addr;
	return relay_cmd_push(r, cmd);
}

/* Hand a filled command (type, side, fields) to the relay's media thread.
 * Control thread. */
int relay_cmd_push(struct media_relay *r, struct media_cmd *cmd)
{
	cmd->rs = r->rs;
	mthread_push(r->t, cmd);
	return 0;
}

uint64_t media_relay_id(const struct media_relay *r)
{
	return r->id;
}

void media_relay_set_handler(struct media_relay *r, media_event_h *eh,
                             void *arg)
{
	if (!r)
		return;
	r->eh = eh;
	r->arg = arg;
}

void media_relay_deliver(struct media_relay *r, const struct media_event *ev)
{
	if (r->eh)
		r->eh(r, ev, r->arg);
}

/* Keep a reference to a play's clip owner for the relay's life (once per
 * owner).  Control thread. */
int relay_owner_add(struct media_relay *r, void *owner)
{
	void **v;

	if (!owner)
		return 0;
	for (size_t i = 0; i < r->nowners; i++) {
		if (r->owners[i] == owner)
			return 0;
	}
	v = realloc(r->owners, (r->nowners + 1) * sizeof(*v));
	if (!v)
		return ENOMEM;
	r->owners = v;
	r->owners[r->nowners++] = mem_ref(owner);
	return 0;
}

int media_relay_set_remote(struct media_relay *r, int side,
                           const struct sa *rtp)
{
	if (!r || !rtp)
		return EINVAL;
	if (sa_af(rtp) != sa_af(&r->m->laddr))
		return EAFNOSUPPORT;
	if (sa_port(rtp) == 65535)
		return EINVAL; /* no room for RTCP at port + 1 */
	return relay_cmd(r, MCMD_REMOTE, side, false, rtp);
}

int media_relay_set_hold(struct media_relay *r, int side, bool hold)
{
	return relay_cmd(r, MCMD_HOLD, side, hold, NULL);
}

int media_relay_set_latch(struct media_relay *r, int side, bool latch)
{
	return relay_cmd(r, MCMD_LATCH, side, latch, NULL);
}

void media_relay_stats(const struct media_relay *r,
                       struct media_relay_stats *st)
{
	if (!st)
		return;
	memset(st, 0, sizeof(*st));
	if (!r || !r->rs)
		return;

	for (int s = 0; s < 2; s++) {
		const struct relay_side *side = &r->rs->side[s];
		st->rx_pkts[s] = MEDIA_CNT_GET(side->rx_pkts);
		st->rx_bytes[s] = MEDIA_CNT_GET(side->rx_bytes);
		st->tx_pkts[s] = MEDIA_CNT_GET(side->tx_pkts);
		st->dropped[s] = MEDIA_CNT_GET(side->dropped);
		st->played[s] = MEDIA_CNT_GET(side->played);
		st->digits[s] = MEDIA_CNT_GET(side->digits);
		st->digit_dups[s] = MEDIA_CNT_GET(side->digit_dups);
		st->latched[s] = atomic_load_explicit(&side->latched[MEDIA_RTP],
		                                      memory_order_relaxed);
	}
}
