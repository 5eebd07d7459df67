/**
 * @file test_relay.c  The RTP relay against plain UDP peers on loopback:
 * content and counts both ways, RTCP, telephone-events, hold, latching,
 * port exhaustion, freeing under traffic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <re.h>

#include "common/testnet.h"
#include "core/core.h"
#include "media/media.h"

/* Ports: the engines' ranges are carved from this process's block (see
 * testnet.h), the peers' ports are chosen by the kernel, so two copies of
 * this test can run at once. */
static uint16_t block_lo, block_hi;
#define RANGE_FIXTURE 0   /* +0..99: the fixture's engine */
#define RANGE_THREADS 100 /* +100..199 */
#define RANGE_FREE    200 /* +200..263 */
#define RANGE_LAST    264 /* +264..299 */
#define RANGE_V6      300 /* +300..349 */
#define RANGE_QUAD    350 /* +350..399: four free ports for exhaustion */

/* --- peers: plain UDP sockets standing in for a trunk and a phone ------- */

struct peer {
	int fd[2];      /* RTP, RTCP (RTP port + 1) */
	struct sa addr; /* RTP address */
};

static int udp_bind(uint16_t port, int *fdp)
{
	struct sa a;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return errno;
	sa_set_str(&a, "127.0.0.1", port);
	if (bind(fd, &a.u.sa, a.len) < 0) {
		int err = errno;
		close(fd);
		return err;
	}
	*fdp = fd;
	return 0;
}

/* An even/odd pair of ports the kernel chose. */
static void peer_open(struct peer *p)
{
	assert_int_equal(testnet_udp_pair("127.0.0.1", p->fd, &p->addr), 0);
}

static void peer_close(struct peer *p)
{
	close(p->fd[0]);
	close(p->fd[1]);
}

static void peer_send(const struct peer *p, int comp, const struct sa *dst,
                      const void *buf, size_t len)
{
	struct sa d = *dst;

	if (comp)
		sa_set_port(&d, (uint16_t)(sa_port(dst) + 1));
	assert_int_equal(sendto(p->fd[comp], buf, len, 0, &d.u.sa, d.len),
	                 (ssize_t)len);
}

/* Returns the length, or -1 if nothing came within timeout_ms. */
static ssize_t peer_recv(const struct peer *p, int comp, void *buf, size_t size,
                         int timeout_ms, struct sa *src)
{
	struct pollfd pfd = {.fd = p->fd[comp], .events = POLLIN};
	struct sa from;
	ssize_t n;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return -1;
	from.len = sizeof(from.u);
	n = recvfrom(p->fd[comp], buf, size, MSG_DONTWAIT, &from.u.sa,
	             &from.len);
	if (src)
		*src = from;
	return n;
}

/* Nothing more arrives within a short while. */
static void peer_expect_silence(const struct peer *p, int comp)
{
	uint8_t buf[2048];
	assert_int_equal(peer_recv(p, comp, buf, sizeof(buf), 100, NULL), -1);
}

/* An RTP packet: PT, seq, a payload that depends on both. */
static size_t rtp_make(uint8_t *buf, uint8_t pt, uint16_t seq, uint32_t ssrc,
                       size_t payload)
{
	buf[0] = 0x80;
	buf[1] = pt;
	buf[2] = (uint8_t)(seq >> 8);
	buf[3] = (uint8_t)seq;
	memset(buf + 4, 0, 4);
	buf[4] = (uint8_t)(seq >> 2); /* timestamp: 160 * seq, roughly */
	buf[8] = (uint8_t)(ssrc >> 24);
	buf[9] = (uint8_t)(ssrc >> 16);
	buf[10] = (uint8_t)(ssrc >> 8);
	buf[11] = (uint8_t)ssrc;
	for (size_t i = 0; i < payload; i++)
		buf[12 + i] = (uint8_t)(seq * 7 + i + pt);
	return 12 + payload;
}

/* --- fixture -------------------------------------------------------------- */

struct fx {
	struct media *m;
	struct media_relay *r;
	struct peer caller, agent;
	struct sa l[2]; /* relay's local RTP address per side */
};

static int engine_alloc(struct media **mp, uint16_t lo, uint16_t hi,
                        unsigned threads)
{
	struct media_cfg cfg = {.ip = "127.0.0.1",
	                        .port_min = lo,
	                        .port_max = hi,
	                        .threads = threads};
	return media_alloc(mp, &cfg);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(engine_alloc(&f->m, block_lo + RANGE_FIXTURE,
	                              block_lo + RANGE_FIXTURE + 99, 1),
	                 0);
	assert_int_equal(media_relay_alloc(&f->r, f->m), 0);
	media_relay_laddr(f->r, 0, &f->l[0]);
	media_relay_laddr(f->r, 1, &f->l[1]);
	peer_open(&f->caller);
	peer_open(&f->agent);
	assert_int_equal(media_relay_set_remote(f->r, 0, &f->caller.addr), 0);
	assert_int_equal(media_relay_set_remote(f->r, 1, &f->agent.addr), 0);
	/* remotes applied: the sockets are connected from here on */
	assert_int_equal(media_flush(f->m), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	mem_deref(f->r);
	mem_deref(f->m);
	peer_close(&f->caller);
	peer_close(&f->agent);
	free(f);
	return 0;
}

/* Send from one peer to its side of the relay, expect the same bytes at
 * the other peer, coming from the other side's local port. */
static void pass(struct fx *f, int from, int comp, const uint8_t *pkt,
                 size_t len)
{
	const struct peer *src = from ? &f->agent : &f->caller;
	const struct peer *dst = from ? &f->caller : &f->agent;
	uint8_t buf[2048];
	struct sa s;
	ssize_t n;

	peer_send(src, comp, &f->l[from], pkt, len);
	n = peer_recv(dst, comp, buf, sizeof(buf), 2000, &s);
	assert_int_equal(n, (ssize_t)len);
	assert_memory_equal(buf, pkt, len);
	/* symmetric: it leaves from the port we gave that side in SDP */
	assert_int_equal(sa_port(&s), sa_port(&f->l[!from]) + comp);
}

/* --- tests ---------------------------------------------------------------- */

static void test_laddr(void **state)
{
	struct fx *f = *state;

	assert_int_equal(sa_af(&f->l[0]), AF_INET);
	assert_true(sa_port(&f->l[0]) >= block_lo + RANGE_FIXTURE &&
	            sa_port(&f->l[0]) <= block_lo + RANGE_FIXTURE + 98);
	assert_int_equal(sa_port(&f->l[0]) % 2, 0);
	assert_int_equal(sa_port(&f->l[1]) % 2, 0);
	assert_int_not_equal(sa_port(&f->l[0]), sa_port(&f->l[1]));
	assert_int_equal(sa_in(&f->l[0]), 0x7f000001);
}

static void test_relay_both_ways(void **state)
{
	struct fx *f = *state;
	struct media_relay_stats st;
	uint8_t pkt[200];
	uint64_t bytes[2] = {0, 0};

	for (uint16_t seq = 0; seq < 100; seq++) {
		size_t len = rtp_make(pkt, 0, seq, 0x11111111, 160);
		pass(f, 0, 0, pkt, len);
		bytes[0] += len;
		len = rtp_make(pkt, 8, (uint16_t)(1000 + seq), 0x22222222,
		               20 + seq);
		pass(f, 1, 0, pkt, len);
		bytes[1] += len;
	}
	/* RTCP (a receiver report's first bytes) both ways, port + 1 */
	static const uint8_t rr[8] = {0x80, 201, 0, 1, 0x11, 0x11, 0x11, 0x11};
	pass(f, 0, 1, rr, sizeof(rr));
	pass(f, 1, 1, rr, sizeof(rr));

	assert_int_equal(media_flush(f->m), 0);
	media_relay_stats(f->r, &st);
	for (int s = 0; s < 2; s++) {
		assert_int_equal(st.rx_pkts[s], 101);
		assert_int_equal(st.tx_pkts[s], 101);
		assert_int_equal(st.rx_bytes[s], bytes[s] + 8);
		assert_int_equal(st.dropped[s], 0);
	}
	peer_expect_silence(&f->agent, 0);
	peer_expect_silence(&f->caller, 0);
}

/* RFC 4733: PT 101, marker on the first, three identical end packets. */
static void test_telephone_event(void **state)
{
	struct fx *f = *state;
	uint8_t pkt[16];

	for (int i = 0; i < 8; i++) {
		rtp_make(pkt, (uint8_t)(101 | (i == 0 ? 0x80 : 0)),
		         (uint16_t)(500 + i), 0x33333333, 0);
		memset(pkt + 4, 0x77, 4); /* one timestamp for the event */
		pkt[12] = 5;              /* digit 5 */
		pkt[13] = (uint8_t)((i >= 5 ? 0x80 : 0) | 10); /* E, volume */
		pkt[14] = (uint8_t)((160 * (i < 5 ? i + 1 : 5)) >> 8);
		pkt[15] = (uint8_t)(160 * (i < 5 ? i + 1 : 5));
		pass(f, 0, 0, pkt, sizeof(pkt));
		pass(f, 1, 0, pkt, sizeof(pkt));
	}
}

static void test_hold(void **state)
{
	struct fx *f = *state;
	struct media_relay_stats st;
	static const uint8_t rr[8] = {0x80, 201, 0, 1, 1, 2, 3, 4};
	uint8_t pkt[200];
	size_t len = rtp_make(pkt, 0, 1, 0x44444444, 160);

	/* the agent put the caller on hold: nothing goes to the agent */
	assert_int_equal(media_relay_set_hold(f->r, 1, true), 0);
	peer_send(&f->caller, 0, &f->l[0], pkt, len);
	peer_expect_silence(&f->agent, 0);
	pass(f, 1, 0, pkt, len);       /* the other way still flows */
	pass(f, 0, 1, rr, sizeof(rr)); /* and RTCP both ways */
	pass(f, 1, 1, rr, sizeof(rr));

	assert_int_equal(media_flush(f->m), 0);
	media_relay_stats(f->r, &st);
	assert_int_equal(st.rx_pkts[0], 2);
	assert_int_equal(st.dropped[0], 1);
	assert_int_equal(st.tx_pkts[1], 1);

	assert_int_equal(media_relay_set_hold(f->r, 1, false), 0);
	pass(f, 0, 0, pkt, len);
}

/* Like peer_open, on another loopback address (127.0.0.2): a host that
 * is not the one the SDP names. */
static void peer_open_ip(struct peer *p, const char *ip)
{
	peer_open(p);
	for (int c = 0; c < 2; c++) {
		struct sa a;
		close(p->fd[c]);
		p->fd[c] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		assert_true(p->fd[c] >= 0);
		sa_set_str(&a, ip, 0);
		assert_int_equal(bind(p->fd[c], &a.u.sa, a.len), 0);
	}
	p->addr.len = sizeof(p->addr.u);
	getsockname(p->fd[0], &p->addr.u.sa, &p->addr.len);
}

/* The agent's phone sends from another port than its SDP says (symmetric
 * NAT with a STUN-mapped address): the relay latches to where it sends
 * from, and nobody else gets in. */
static void test_latch_agent(void **state)
{
	struct fx *f = *state;
	struct peer sdp_only, stranger, neighbour;
	struct media_relay_stats st;
	uint8_t pkt[200], buf[256];
	size_t len = rtp_make(pkt, 0, 1, 0x55555555, 160);

	peer_open(&sdp_only);
	peer_open(&neighbour);                /* same IP, other port */
	peer_open_ip(&stranger, "127.0.0.2"); /* another host */
	assert_int_equal(media_relay_set_remote(f->r, 1, &sdp_only.addr), 0);
	assert_int_equal(media_flush(f->m), 0);

	/* before the phone speaks, another host cannot take the latch: the
	 * SDP names a public (here: loopback) address, so only its IP may */
	peer_send(&stranger, 0, &f->l[1], pkt, len);
	peer_expect_silence(&f->caller, 0);

	/* the real phone (f->agent) speaks first from its mapped port */
	peer_send(&f->agent, 0, &f->l[1], pkt, len);
	assert_int_equal(peer_recv(&f->caller, 0, buf, sizeof(buf), 2000, NULL),
	                 (ssize_t)len);
	/* replies go where it sent from, not to the SDP address */
	pass(f, 0, 0, pkt, len);
	peer_expect_silence(&sdp_only, 0);

	assert_int_equal(media_flush(f->m), 0);
	media_relay_stats(f->r, &st);
	assert_true(st.latched[1]);
	assert_false(st.latched[0]);
	assert_int_equal(st.dropped[1], 1); /* the stranger */

	/* once latched nobody else gets through, not even the SDP address:
	 * the socket is connected, the kernel drops them */
	peer_send(&neighbour, 0, &f->l[1], pkt, len);
	peer_send(&sdp_only, 0, &f->l[1], pkt, len);
	peer_send(&stranger, 0, &f->l[1], pkt, len);
	peer_expect_silence(&f->caller, 0);
	pass(f, 0, 0, pkt, len); /* still to the latched phone */
	pass(f, 1, 0, pkt, len);
	assert_int_equal(media_flush(f->m), 0);
	media_relay_stats(f->r, &st);
	assert_int_equal(st.rx_pkts[1], 3); /* stranger, phone, phone */

	/* a re-INVITE moves the media: latching starts over */
	assert_int_equal(media_relay_set_remote(f->r, 1, &neighbour.addr), 0);
	assert_int_equal(media_flush(f->m), 0);
	peer_send(&neighbour, 0, &f->l[1], pkt, len);
	assert_int_equal(peer_recv(&f->caller, 0, buf, sizeof(buf), 2000, NULL),
	                 (ssize_t)len);
	peer_send(&f->caller, 0, &f->l[0], pkt, len);
	assert_int_equal(peer_recv(&neighbour, 0, buf, sizeof(buf), 2000, NULL),
	                 (ssize_t)len);
	peer_expect_silence(&f->agent, 0);

	peer_close(&sdp_only);
	peer_close(&neighbour);
	peer_close(&stranger);
}

/* A phone behind a home NAT puts its private address in the SDP: that
 * address is unreachable, so the first source may latch whatever its IP. */
static void test_latch_private_sdp(void **state)
{
	struct fx *f = *state;
	struct sa priv;
	uint8_t pkt[200], buf[256];
	size_t len = rtp_make(pkt, 0, 1, 0x5a5a5a5a, 160);

	sa_set_str(&priv, "192.168.1.23", 4000);
	assert_int_equal(media_relay_set_remote(f->r, 1, &priv), 0);
	peer_send(&f->agent, 0, &f->l[1], pkt, len);
	assert_int_equal(peer_recv(&f->caller, 0, buf, sizeof(buf), 2000, NULL),
	                 (ssize_t)len);
	pass(f, 0, 0, pkt, len);
	/* RTCP latches on its own */
	static const uint8_t rr[8] = {0x80, 201, 0, 1, 9, 9, 9, 9};
	peer_send(&f->agent, 1, &f->l[1], rr, sizeof(rr));
	assert_int_equal(peer_recv(&f->caller, 1, buf, sizeof(buf), 2000, NULL),
	                 (ssize_t)sizeof(rr));
	pass(f, 0, 1, rr, sizeof(rr));
}

/* The caller side (a trunk) does not latch by default: only its SDP
 * address is accepted (the kernel filters the rest); turning latching off
 * on the agent side does the same there. */
static void test_no_latch(void **state)
{
	struct fx *f = *state;
	struct peer other;
	struct media_relay_stats st;
	uint8_t pkt[200];
	size_t len = rtp_make(pkt, 0, 1, 0x66666666, 160);

	peer_open(&other);

	peer_send(&other, 0, &f->l[0], pkt, len);
	peer_expect_silence(&f->agent, 0);
	pass(f, 0, 0, pkt, len);

	assert_int_equal(media_relay_set_latch(f->r, 1, false), 0);
	assert_int_equal(media_flush(f->m), 0);
	peer_send(&other, 0, &f->l[1], pkt, len);
	peer_expect_silence(&f->caller, 0);
	pass(f, 1, 0, pkt, len);

	/* latching on for the caller: the first source wins (once the media
	 * thread has unconnected the socket, hence the flush) */
	assert_int_equal(media_relay_set_latch(f->r, 0, true), 0);
	assert_int_equal(media_flush(f->m), 0);
	peer_send(&other, 0, &f->l[0], pkt, len);
	assert_int_equal(peer_recv(&f->agent, 0, pkt, sizeof(pkt), 2000, NULL),
	                 (ssize_t)len);

	assert_int_equal(media_flush(f->m), 0);
	media_relay_stats(f->r, &st);
	/* filtered by the kernel: never read, never counted */
	assert_int_equal(st.rx_pkts[0], 2);
	assert_int_equal(st.rx_pkts[1], 1);
	assert_int_equal(st.dropped[0], 0);
	assert_int_equal(st.dropped[1], 0);
	assert_true(st.latched[0]);
	assert_false(st.latched[1]);

	peer_close(&other);
}

/* Not RTP version 2 (a STUN binding request, a short datagram): dropped. */
static void test_not_rtp(void **state)
{
	struct fx *f = *state;
	struct media_relay_stats st;
	uint8_t stun[20] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42};
	uint8_t shortp[4] = {0x80, 0, 0, 1};

	peer_send(&f->caller, 0, &f->l[0], stun, sizeof(stun));
	peer_send(&f->caller, 0, &f->l[0], shortp, sizeof(shortp));
	peer_expect_silence(&f->agent, 0);
	assert_int_equal(media_flush(f->m), 0);
	media_relay_stats(f->r, &st);
	assert_int_equal(st.rx_pkts[0], 2);
	assert_int_equal(st.dropped[0], 2);
	assert_int_equal(st.tx_pkts[1], 0);
}

/* SDP port 0 or address 0.0.0.0 stops traffic to and from that side. */
static void test_remote_disabled(void **state)
{
	struct fx *f = *state;
	struct sa none;
	uint8_t pkt[200];
	size_t len = rtp_make(pkt, 0, 1, 0x77777777, 160);

	sa_set_str(&none, "127.0.0.1", 0);
	assert_int_equal(media_relay_set_remote(f->r, 1, &none), 0);
	peer_send(&f->caller, 0, &f->l[0], pkt, len);
	peer_expect_silence(&f->agent, 0);
	peer_send(&f->agent, 0, &f->l[1], pkt, len);
	peer_expect_silence(&f->caller, 0);

	sa_set_str(&none, "0.0.0.0", 4000);
	assert_int_equal(media_relay_set_remote(f->r, 1, &none), 0);
	peer_send(&f->caller, 0, &f->l[0], pkt, len);
	peer_expect_silence(&f->agent, 0);

	assert_int_equal(media_relay_set_remote(f->r, 1, &f->agent.addr), 0);
	pass(f, 0, 0, pkt, len);
}

static void test_bad_args(void **state)
{
	struct fx *f = *state;
	struct media *m = NULL;
	struct sa v6;
	struct media_cfg cfg = {
	    .ip = "not-an-ip", .port_min = 30000, .port_max = 30999};
	/* none of these binds a port */

	assert_int_equal(media_alloc(&m, &cfg), EINVAL);
	cfg.ip = "127.0.0.1";
	cfg.port_max = 30002; /* room for one pair, a relay needs two */
	assert_int_equal(media_alloc(&m, &cfg), EINVAL);
	cfg.port_min = 100; /* privileged */
	cfg.port_max = 1000;
	assert_int_equal(media_alloc(&m, &cfg), EINVAL);
	assert_null(m);

	sa_set_str(&v6, "::1", 4000);
	assert_int_equal(media_relay_set_remote(f->r, 0, &v6), EAFNOSUPPORT);
	assert_int_equal(media_relay_set_remote(f->r, 2, &f->agent.addr),
	                 EINVAL);
	assert_int_equal(media_relay_set_hold(f->r, -1, true), EINVAL);
	assert_int_equal(media_relay_set_latch(NULL, 0, true), EINVAL);
}

/* Four consecutive free ports, even first: exactly one relay's worth. */
static uint16_t free_quad(void)
{
	for (unsigned p = block_lo + RANGE_QUAD; p + 3 <= block_hi; p += 4) {
		int fds[4], n = 0;
		for (; n < 4; n++) {
			if (udp_bind((uint16_t)(p + n), &fds[n]))
				break;
		}
		for (int i = 0; i < n; i++)
			close(fds[i]);
		if (n == 4)
			return (uint16_t)p;
	}
	fail_msg("no four free ports");
	return 0;
}

static void test_port_exhaustion(void **state)
{
	struct media *m;
	struct media_relay *r1, *r2 = NULL;
	uint16_t base = free_quad();
	(void)state;

	assert_int_equal(engine_alloc(&m, base, (uint16_t)(base + 3), 1), 0);
	assert_int_equal(media_relay_alloc(&r1, m), 0);
	assert_int_equal(media_relay_alloc(&r2, m), EADDRINUSE);
	assert_null(r2);

	/* freed ports come back once the media thread has closed them */
	mem_deref(r1);
	assert_int_equal(media_flush(m), 0);
	assert_int_equal(media_relay_alloc(&r2, m), 0);
	mem_deref(r2);
	mem_deref(m);
}

/* Two media threads, relays spread over them, all carrying traffic. */
static void test_threads(void **state)
{
	enum { N = 6 };
	struct media *m;
	struct media_relay *r[N];
	struct peer c[N], a[N];
	struct media_stats ms;
	uint8_t pkt[200], buf[256];
	(void)state;

	assert_int_equal(engine_alloc(&m, block_lo + RANGE_THREADS,
	                              block_lo + RANGE_THREADS + 99, 2),
	                 0);
	for (int i = 0; i < N; i++) {
		peer_open(&c[i]);
		peer_open(&a[i]);
		assert_int_equal(media_relay_alloc(&r[i], m), 0);
		assert_int_equal(media_relay_set_remote(r[i], 0, &c[i].addr),
		                 0);
		assert_int_equal(media_relay_set_remote(r[i], 1, &a[i].addr),
		                 0);
	}
	for (uint16_t seq = 0; seq < 20; seq++) {
		for (int i = 0; i < N; i++) {
			struct sa l0, l1;
			size_t len = rtp_make(pkt, 0, seq, (uint32_t)i, 160);
			media_relay_laddr(r[i], 0, &l0);
			media_relay_laddr(r[i], 1, &l1);
			peer_send(&c[i], 0, &l0, pkt, len);
			assert_int_equal(
			    peer_recv(&a[i], 0, buf, sizeof(buf), 2000, NULL),
			    (ssize_t)len);
			assert_memory_equal(buf, pkt, len);
			peer_send(&a[i], 0, &l1, pkt, len);
			assert_int_equal(
			    peer_recv(&c[i], 0, buf, sizeof(buf), 2000, NULL),
			    (ssize_t)len);
		}
	}
	assert_int_equal(media_flush(m), 0);
	media_stats(m, &ms);
	assert_int_equal(ms.threads, 2);
	assert_int_equal(ms.relays, N);
	assert_int_equal(ms.rx_pkts, 2 * 20 * N);
	assert_int_equal(ms.tx_pkts, 2 * 20 * N);
	assert_int_equal(ms.dropped, 0);

	for (int i = 0; i < N; i++) {
		mem_deref(r[i]);
		peer_close(&c[i]);
		peer_close(&a[i]);
	}
	media_stats(m, &ms);
	assert_int_equal(ms.relays, 0);
	mem_deref(m);
}

/* Relays freed and reallocated while peers keep blasting at their ports:
 * ASan would catch the media thread touching freed state.  The blasters
 * live on the heap and the teardown stops them, so a failing assertion
 * never leaves a thread writing into a finished test's stack. */
struct blaster {
	atomic_bool stop;
	struct peer p;
	_Atomic uint16_t lo, hi; /* ports to hit */
	unsigned long sent;
	pthread_t tid;
	bool running;
};

static void *blast(void *arg)
{
	struct blaster *b = arg;
	uint8_t pkt[200];
	size_t len = rtp_make(pkt, 0, 1, 0x88888888, 160);

	while (!atomic_load(&b->stop)) {
		for (unsigned port = atomic_load(&b->lo);
		     port <= atomic_load(&b->hi); port++) {
			struct sa d;
			sa_set_str(&d, "127.0.0.1", (uint16_t)port);
			if (sendto(b->p.fd[0], pkt, len, MSG_DONTWAIT, &d.u.sa,
			           d.len) > 0)
				b->sent++;
		}
	}
	return NULL;
}

static int blasters_setup(void **state)
{
	struct blaster *b = calloc(2, sizeof(*b));

	if (!b)
		return -1;
	for (int k = 0; k < 2; k++) {
		if (testnet_udp_pair("127.0.0.1", b[k].p.fd, &b[k].p.addr))
			return -1;
		atomic_store(&b[k].lo, block_lo + RANGE_FREE);
		atomic_store(&b[k].hi, block_lo + RANGE_FREE + 63);
	}
	*state = b;
	return 0;
}

static void blasters_stop(struct blaster *b)
{
	for (int k = 0; k < 2; k++) {
		atomic_store(&b[k].stop, true);
		if (b[k].running)
			pthread_join(b[k].tid, NULL);
		b[k].running = false;
	}
}

static int blasters_teardown(void **state)
{
	struct blaster *b = *state;

	blasters_stop(b);
	for (int k = 0; k < 2; k++)
		peer_close(&b[k].p);
	free(b);
	return 0;
}

static void test_free_under_traffic(void **state)
{
	enum { N = 8, ROUNDS = 150 };
	struct blaster *b = *state;
	struct media *m;
	struct media_relay *r[N] = {0};
	struct media_stats ms;

	assert_int_equal(engine_alloc(&m, block_lo + RANGE_FREE,
	                              block_lo + RANGE_FREE + 63, 2),
	                 0);
	for (int k = 0; k < 2; k++) {
		assert_int_equal(pthread_create(&b[k].tid, NULL, blast, &b[k]),
		                 0);
		b[k].running = true;
	}

	for (int round = 0; round < ROUNDS; round++) {
		int i = round % N;
		r[i] = mem_deref(r[i]);
		assert_int_equal(media_relay_alloc(&r[i], m), 0);
		/* caller = blaster 0, agent = blaster 1 (latches to it) */
		assert_int_equal(media_relay_set_remote(r[i], 0, &b[0].p.addr),
		                 0);
		assert_int_equal(media_relay_set_remote(r[i], 1, &b[1].p.addr),
		                 0);
		if (round % 3 == 0)
			assert_int_equal(media_relay_set_hold(r[i], 0, true),
			                 0);
		usleep(2000);
	}

	media_stats(m, &ms);
	for (int i = 0; i < N; i++)
		r[i] = mem_deref(r[i]);
	blasters_stop(b);
	mem_deref(m);
	/* it really was under traffic, and relayed some of it */
	assert_true(b[0].sent > 1000);
	assert_true(ms.rx_pkts > 100);
	assert_true(ms.tx_pkts > 0);
}

/* Commands and flushes back to back, with traffic waking the media thread
 * in between: a lost wake-up would hang media_flush (alarm fails it). */
static void test_command_storm(void **state)
{
	struct fx *f = *state;
	uint8_t pkt[200];
	size_t len = rtp_make(pkt, 0, 1, 0x99999999, 160);

	alarm(30);
	for (int i = 0; i < 3000; i++) {
		assert_int_equal(media_relay_set_hold(f->r, 0, i % 2), 0);
		if (i % 3 == 0)
			peer_send(&f->caller, 0, &f->l[0], pkt, len);
		assert_int_equal(media_relay_set_hold(f->r, 1, false), 0);
		assert_int_equal(media_flush(f->m), 0);
	}
	alarm(0);
}

/* The same over IPv6 (::1), RTP and RTCP both ways. */
static void test_ipv6(void **state)
{
	struct media *m;
	struct media_relay *r;
	struct media_cfg cfg = {.ip = "::1", .threads = 1};
	int fd[2][2];
	struct sa peer[2], l[2];
	uint8_t pkt[200], buf[256];
	size_t len = rtp_make(pkt, 0, 7, 0x66666666, 160);
	(void)state;

	/* peers: an even/odd pair each on ::1 */
	for (int s = 0; s < 2; s++) {
		if (testnet_udp_pair("::1", fd[s], &peer[s])) {
			if (s) {
				close(fd[0][0]);
				close(fd[0][1]);
			}
			skip(); /* no IPv6 here */
			return;
		}
	}
	cfg.port_min = block_lo + RANGE_V6;
	cfg.port_max = block_lo + RANGE_V6 + 49;

	assert_int_equal(media_alloc(&m, &cfg), 0);
	assert_int_equal(media_relay_alloc(&r, m), 0);
	for (int s = 0; s < 2; s++) {
		media_relay_laddr(r, s, &l[s]);
		assert_int_equal(sa_af(&l[s]), AF_INET6);
		assert_int_equal(media_relay_set_remote(r, s, &peer[s]), 0);
	}
	for (int from = 0; from < 2; from++) {
		for (int c = 0; c < 2; c++) {
			struct sa d = l[from];
			struct pollfd pfd = {.fd = fd[!from][c],
			                     .events = POLLIN};
			sa_set_port(&d, (uint16_t)(sa_port(&l[from]) + c));
			assert_int_equal(sendto(fd[from][c], pkt, c ? 8 : len,
			                        0, &d.u.sa, d.len),
			                 (ssize_t)(c ? 8 : len));
			assert_int_equal(poll(&pfd, 1, 2000), 1);
			assert_int_equal(
			    recv(fd[!from][c], buf, sizeof(buf), 0),
			    (ssize_t)(c ? 8 : len));
			assert_memory_equal(buf, pkt, c ? 8 : len);
		}
	}
	/* a v4 remote on a v6 engine */
	struct sa v4;
	sa_set_str(&v4, "127.0.0.1", 4000);
	assert_int_equal(media_relay_set_remote(r, 0, &v4), EAFNOSUPPORT);

	mem_deref(r);
	mem_deref(m);
	for (int s = 0; s < 2; s++) {
		close(fd[s][0]);
		close(fd[s][1]);
	}
}

/* Engine freed with its last relay, with commands still queued. */
static void test_engine_freed_last(void **state)
{
	struct media *m;
	struct media_relay *r;
	struct peer p;
	(void)state;

	peer_open(&p);
	assert_int_equal(engine_alloc(&m, block_lo + RANGE_LAST,
	                              block_lo + RANGE_LAST + 35, 3),
	                 0);
	assert_int_equal(media_relay_alloc(&r, m), 0);
	mem_deref(m); /* the relay still holds it */
	assert_int_equal(media_relay_set_remote(r, 0, &p.addr), 0);
	assert_int_equal(media_relay_set_hold(r, 0, true), 0);
	mem_deref(r); /* now the threads stop and apply the rest */
	peer_close(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_laddr, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_relay_both_ways, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_telephone_event, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_hold, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_latch_agent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_latch_private_sdp, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_no_latch, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_not_rtp, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_remote_disabled, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_bad_args, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_command_storm, setup,
	                                    teardown),
	    cmocka_unit_test(test_port_exhaustion),
	    cmocka_unit_test(test_threads),
	    cmocka_unit_test_setup_teardown(test_free_under_traffic,
	                                    blasters_setup, blasters_teardown),
	    cmocka_unit_test(test_ipv6),
	    cmocka_unit_test(test_engine_freed_last),
	};
	int rc;

	hl_log_set_level(HL_LOG_WARN);
	if (libre_init())
		return 1;
	testnet_block(&block_lo, &block_hi);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	libre_close();
	return rc;
}
