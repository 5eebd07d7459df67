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

/** The control thread's handle.  The state it points to is handed to the
 * media thread and freed there (see media_int.h). */
struct media_relay {
	struct media *m;           /* reference */
	struct mthread *t;         /* borrowed: the thread serving this relay */
	struct relay_state *rs;    /* owned by t once running */
	struct media_cmd *freecmd; /* owning until pushed: cannot fail */
	struct sa laddr[2];        /* local RTP address per side */
};

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

	const bool can_send = out->remote && !(comp == MEDIA_RTP && out->hold);
	const bool conn = out->conn[comp];
	const int ofd = out->sock[comp].fd;

	for (int i = 0; i < n; i++) {
		struct msghdr *h = &t->rx[i].msg_hdr;
		unsigned len = t->rx[i].msg_len;
		struct sa *src = &t->rxaddr[i];

		bytes += len;
		src->len = h->msg_namelen;
		h->msg_namelen = sizeof(src->u); /* reset for the next read */

		if ((h->msg_flags & MSG_TRUNC) ||
		    !rtp_ok(t->buf[i], len, comp) ||
		    !src_accept(in, comp, src) || !can_send) {
			drop++;
			continue;
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
		side_close(t, &rs->side[0]);
		side_close(t, &rs->side[1]);
		rs->dead = true;
		rs->next_dead = t->dead;
		t->dead = rs;
		break;

	case MCMD_FLUSH:
		break; /* handled by the thread */
	}
}

/* --- control thread ------------------------------------------------------- */

static void relay_destructor(void *arg)
{
	struct media_relay *r = arg;

	if (r->rs) {
		r->freecmd->type = MCMD_FREE;
		r->freecmd->rs = r->rs;
		mthread_push(r->t, r->freecmd);
		r->freecmd = NULL;
		r->t->nrelays--;
		r->m->nrelays--;
	}
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
	cmd->rs = r->rs;
	cmd->side = side;
	cmd->on = on;
	if (addr)
		cmd->addr = *addr;
	mthread_push(r->t, cmd);
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
		st->latched[s] = atomic_load_explicit(&side->latched[MEDIA_RTP],
		                                      memory_order_relaxed);
	}
}
