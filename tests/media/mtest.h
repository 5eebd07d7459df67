/**
 * @file mtest.h  Helpers shared by the media tests (players, DTMF,
 * recording): UDP peers on loopback standing in for phones, RTP packets,
 * and a way to run the libre loop until the engine's events arrive.
 * Include after cmocka.h.
 */
#ifndef HOTLINE_MTEST_H
#define HOTLINE_MTEST_H

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <re.h>

#include "common/testnet.h"
#include "core/core.h"
#include "media/media.h"

#define MT_UNUSED __attribute__((unused))

/* --- peers ------------------------------------------------------------------
 */

struct peer {
	int fd[2];      /* RTP, RTCP */
	struct sa addr; /* RTP address */
};

/* One received RTP packet. */
struct pkt {
	uint8_t b[2048];
	ssize_t len;
	int64_t at_ns; /* kernel receive time (CLOCK_REALTIME) */
};

static MT_UNUSED void peer_open(struct peer *p)
{
	int on = 1;

	assert_int_equal(testnet_udp_pair("127.0.0.1", p->fd, &p->addr), 0);
	assert_int_equal(
	    setsockopt(p->fd[0], SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)),
	    0);
}

static MT_UNUSED void peer_close(struct peer *p)
{
	close(p->fd[0]);
	close(p->fd[1]);
}

static MT_UNUSED void peer_send(const struct peer *p, const struct sa *dst,
                                const void *buf, size_t len)
{
	assert_int_equal(sendto(p->fd[0], buf, len, 0, &dst->u.sa, dst->len),
	                 (ssize_t)len);
}

/* Receive one RTP datagram within timeout_ms; false if none came. */
static MT_UNUSED bool peer_recv(const struct peer *p, struct pkt *k,
                                int timeout_ms)
{
	struct pollfd pfd = {.fd = p->fd[0], .events = POLLIN};
	struct iovec iov = {.iov_base = k->b, .iov_len = sizeof(k->b)};
	uint8_t ctl[64];
	struct msghdr h = {.msg_iov = &iov,
	                   .msg_iovlen = 1,
	                   .msg_control = ctl,
	                   .msg_controllen = sizeof(ctl)};
	struct timespec now;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return false;
	k->len = recvmsg(p->fd[0], &h, MSG_DONTWAIT);
	if (k->len < 0)
		return false;
	clock_gettime(CLOCK_REALTIME, &now);
	k->at_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c)) {
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			k->at_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
		}
	}
	return true;
}

/* Drop whatever is queued. */
static MT_UNUSED void peer_drain(const struct peer *p)
{
	uint8_t b[2048];

	while (recv(p->fd[0], b, sizeof(b), MSG_DONTWAIT) >= 0)
		;
}

static MT_UNUSED uint16_t pk_seq(const struct pkt *k)
{
	return (uint16_t)((k->b[2] << 8) | k->b[3]);
}

static MT_UNUSED uint32_t pk_ts(const struct pkt *k)
{
	return ((uint32_t)k->b[4] << 24) | ((uint32_t)k->b[5] << 16) |
	       ((uint32_t)k->b[6] << 8) | k->b[7];
}

static MT_UNUSED uint32_t pk_ssrc(const struct pkt *k)
{
	return ((uint32_t)k->b[8] << 24) | ((uint32_t)k->b[9] << 16) |
	       ((uint32_t)k->b[10] << 8) | k->b[11];
}

static MT_UNUSED bool pk_mark(const struct pkt *k)
{
	return k->b[1] & 0x80;
}

static MT_UNUSED uint8_t pk_pt(const struct pkt *k)
{
	return k->b[1] & 0x7f;
}

/* An RTP header (no CSRC, no extension) in b; returns 12. */
static MT_UNUSED size_t rtp_hdr(uint8_t *b, bool mark, uint8_t pt, uint16_t seq,
                                uint32_t ts, uint32_t ssrc)
{
	b[0] = 0x80;
	b[1] = (uint8_t)((mark ? 0x80 : 0) | pt);
	b[2] = (uint8_t)(seq >> 8);
	b[3] = (uint8_t)seq;
	b[4] = (uint8_t)(ts >> 24);
	b[5] = (uint8_t)(ts >> 16);
	b[6] = (uint8_t)(ts >> 8);
	b[7] = (uint8_t)ts;
	b[8] = (uint8_t)(ssrc >> 24);
	b[9] = (uint8_t)(ssrc >> 16);
	b[10] = (uint8_t)(ssrc >> 8);
	b[11] = (uint8_t)ssrc;
	return 12;
}

static MT_UNUSED int64_t mono_ns(void)
{
	return (int64_t)hl_mono_ns();
}

/* --- events -----------------------------------------------------------------
 */

#define EVLOG_MAX 512

struct evlog {
	struct media_event ev[EVLOG_MAX];
	char path[EVLOG_MAX][256];
	int64_t at_ns[EVLOG_MAX];
	unsigned n;
	struct media_relay *relay[EVLOG_MAX];
};

static MT_UNUSED void evlog_h(struct media_relay *r,
                              const struct media_event *ev, void *arg)
{
	struct evlog *l = arg;

	if (l->n == EVLOG_MAX)
		return;
	l->ev[l->n] = *ev;
	l->relay[l->n] = r;
	l->at_ns[l->n] = mono_ns();
	if (ev->path) {
		snprintf(l->path[l->n], sizeof(l->path[0]), "%s", ev->path);
		l->ev[l->n].path = l->path[l->n];
	}
	l->n++;
}

static MT_UNUSED void mt_cancel(void *arg)
{
	(void)arg;
	re_cancel();
}

/* Run the libre loop for about ms milliseconds (events get delivered). */
static MT_UNUSED void loop_run(unsigned ms)
{
	struct tmr t;

	tmr_init(&t);
	tmr_start(&t, ms, mt_cancel, NULL);
	(void)re_main(NULL);
	tmr_cancel(&t);
}

/* How many events of type (side -1: any) the log holds. */
static MT_UNUSED unsigned evlog_count(const struct evlog *l,
                                      enum media_event_type type, int side)
{
	unsigned c = 0;

	for (unsigned i = 0; i < l->n; i++) {
		if (l->ev[i].type == type &&
		    (side < 0 || l->ev[i].side == side))
			c++;
	}
	return c;
}

/* Run the loop until the log holds `count` events of type, or timeout_ms;
 * returns the index of the count-th one, or -1. */
static MT_UNUSED int evlog_wait(struct evlog *l, enum media_event_type type,
                                unsigned count, unsigned timeout_ms)
{
	int64_t end = mono_ns() + (int64_t)timeout_ms * 1000000;

	for (;;) {
		unsigned c = 0;
		for (unsigned i = 0; i < l->n; i++) {
			if (l->ev[i].type == type && ++c == count)
				return (int)i;
		}
		if (mono_ns() > end)
			return -1;
		loop_run(5);
	}
}

/* --- engine -----------------------------------------------------------------
 */

static MT_UNUSED int engine_alloc(struct media **mp, uint16_t lo, uint16_t hi,
                                  unsigned threads)
{
	struct media_cfg cfg = {.ip = "127.0.0.1",
	                        .port_min = lo,
	                        .port_max = hi,
	                        .threads = threads};
	return media_alloc(mp, &cfg);
}

#endif
