/**
 * @file media.h  The media engine: the RTP relay that carries every bridged
 * call's audio.
 *
 * Owns: the media threads, their epoll sets, the local RTP/RTCP port range
 * and every media socket; per-call relay state (remote and latched
 * addresses, hold flags, counters).
 *
 * Offers: relays.  A relay joins two legs of one call: side 0 is the caller
 * (leg A, usually a carrier trunk), side 1 the agent (leg B, usually a phone).
 * Each side has its own local RTP port (even) and RTCP port (RTP + 1), which
 * src/sip puts in that leg's SDP.  RTP arriving from side 0's remote leaves
 * from side 1's local port towards side 1's remote and back; RTCP likewise.
 * Payloads are never looked at, so RFC 4733 telephone-events and any codec
 * pass through untouched; only datagrams that are not RTP/RTCP version 2
 * (STUN keep-alives, junk) are dropped.
 *
 * Symmetric RTP ("latching"): a phone behind NAT sends from another address
 * than its SDP says and can only be reached at that address.  With latching
 * on for a side, the first valid packet on each of its ports fixes that
 * port's peer (RTP and RTCP separately) and replies go there.  To keep RTP
 * injection out, only a source with the SDP's IP address may latch (any
 * port: NATs and STUN-mapped phones keep the IP), unless the SDP names a
 * private address (RFC 1918, 100.64/10, link local, fc00::/7), which says
 * the phone is behind NAT and its public IP is unknown: then the first
 * source wins, and an injector that beats the phone's first packet holds
 * the side until the next media_relay_set_remote().  With latching off a
 * side accepts only its SDP address (RTCP: SDP port + 1) and sends there.
 * Defaults: off for side 0 (trunks send from their SDP address, and some
 * send from another port while expecting media at the SDP one: latching
 * would break them), on for side 1 (agents' phones are the ones behind
 * home NATs).  media_relay_set_latch() overrides per side, e.g. on for an
 * internal call whose caller is a phone.
 *
 * Once a side's peer is known (SDP without latching, or latched) its
 * sockets are connect()ed to it: the kernel then drops datagrams from any
 * other source before they reach the relay, and sends skip the route
 * lookup (~10% less CPU per packet).
 *
 * Threads: struct media and every media_relay_* function belong to the
 * thread that called media_alloc() (the control loop); none blocks except
 * media_flush().  The media threads (cfg.threads, each one epoll set and a
 * share of the relays: all four sockets of one relay live on one thread) do
 * the packet work with recvmmsg/sendmmsg and never call back into the
 * control loop.  One thread relays ~2,000 calls on one core here (~4 us
 * of CPU per relayed packet, nearly all kernel); a second thread only pays
 * when one core is not enough, since each then batches less (see
 * bench/media/relay_bench.c).  rt_prio lets packets preempt other work.
 *
 * Control calls reach the media threads as commands on a lock-free queue
 * (plus an eventfd wake-up), applied before the next batch of packets: a
 * change made by the control thread applies to every packet the media
 * thread reads after the call returned.  One exception: a connected socket
 * (see above) is filtered by the kernel on arrival, so packets from a *new*
 * source (a re-INVITE's address, latching just turned on) that arrive in
 * the microseconds before the thread applies the change are dropped.
 * Counters are relaxed atomics written by the media thread alone:
 * media_relay_stats() is eventually consistent (a packet may be seen at the
 * far end a moment before it is counted); media_flush() settles them.
 *
 * Lifetime: mem_deref(relay) returns at once; its media thread stops reading
 * the sockets, closes them and frees the state and ports a moment later
 * (media_flush() waits for that).  A relay holds a reference to its engine,
 * so the engine's threads stop when the engine and every relay are gone.
 *
 * File descriptors: 4 per relay (RTP + RTCP per side) plus 2 per media
 * thread.  media_alloc() raises the soft RLIMIT_NOFILE to the hard one.  The
 * libre loop indexes its handlers by fd number, so call fd_setsize() with the
 * raised limit before the first fd_listen(), or SIP sockets opened after
 * thousands of media sockets are refused.
 *
 * Later (designed for, not built): a side can be *fed* by a player (prompts,
 * music on hold) instead of bridged from the other side, driven by one 20 ms
 * tick per media thread (the epoll_wait timeout, never a libre timer); a
 * tap copies both directions to a recorder or DTMF detector; events back to
 * the control loop (digits, RTP timeout) go through a libre mqueue.  Each
 * is one more command applied on the media thread.
 *
 * Errors: 0 or an errno code:
 *   EINVAL       bad argument (side not 0/1, unusable address or port range)
 *   EAFNOSUPPORT remote address family differs from the engine's
 *   EADDRINUSE   no free RTP/RTCP port pair left in the range
 *   EMFILE       out of file descriptors
 *   ENOMEM       out of memory
 */
#ifndef HOTLINE_MEDIA_H
#define HOTLINE_MEDIA_H

#include <stdbool.h>
#include <stdint.h>

struct sa;
struct media;       /* the engine: threads, port range, sockets */
struct media_relay; /* one call's relay: side 0 = caller (A), 1 = agent (B) */

enum { MEDIA_SIDE_CALLER = 0, MEDIA_SIDE_AGENT = 1 };

/* --- media.c: the engine ------------------------------------------------- */

struct media_cfg {
	const char *ip;    /* local address to bind and advertise, v4 or v6 */
	uint16_t port_min; /* RTP/RTCP ports come from [port_min, port_max], */
	uint16_t port_max; /* in even/odd pairs; 4 ports per relay */
	unsigned threads;  /* media threads; 0 = default (1) */
	int rt_prio;       /* 1..99: run media threads SCHED_FIFO at this
	                    * priority (needs CAP_SYS_NICE; a warning and
	                    * normal scheduling without); 0 = normal */
};

/** Engine-wide figures, for monitoring and the benchmark. */
struct media_stats {
	unsigned threads;
	unsigned relays;  /* relays allocated and not yet freed */
	uint64_t rx_pkts; /* datagrams read, all relays since start */
	uint64_t tx_pkts; /* datagrams sent */
	uint64_t dropped; /* read and not sent (see media_relay_stats) */
	uint64_t cpu_ns;  /* CPU time used by the media threads */
};

/**
 * Start the media engine: validate cfg, raise RLIMIT_NOFILE, start
 * cfg->threads media threads.  mem_deref() stops them (once no relay is
 * left).  Control thread.
 */
int media_alloc(struct media **mp, const struct media_cfg *cfg);
/** Fill *st.  Control thread. */
void media_stats(const struct media *m, struct media_stats *st);
/**
 * Wait until every media thread has applied all commands given so far (freed
 * relays closed, their ports free again).  Blocks for a round trip to each
 * media thread; for tests and orderly shutdown, not the call path.
 */
int media_flush(struct media *m);

/* --- relay.c: one call's relay ------------------------------------------- */

/** Counters of one relay; index = side.  All include RTP and RTCP. */
struct media_relay_stats {
	uint64_t rx_pkts[2]; /* datagrams read on side i's ports */
	uint64_t rx_bytes[2];
	uint64_t tx_pkts[2]; /* datagrams sent towards side i */
	uint64_t dropped[2]; /* read on side i and not forwarded: unknown
	                      * source, not RTP v2, other side without remote
	                      * or on hold, send error.  Sources the kernel
	                      * filters (connected sockets) are never read
	                      * and not counted. */
	bool latched[2];     /* side i's RTP peer was learnt from traffic */
};

/**
 * Allocate a relay: bind an RTP/RTCP port pair for each side on the engine's
 * address and start reading them on one media thread.  Nothing is forwarded
 * until the sides' remotes are set.  Holds a reference to m.  EADDRINUSE
 * when the port range is exhausted.  Control thread.
 */
int media_relay_alloc(struct media_relay **rp, struct media *m);
/** Local RTP address of a side, to put in that side's SDP (RTCP = +1). */
void media_relay_laddr(const struct media_relay *r, int side, struct sa *rtp);
/**
 * Set a side's remote RTP address from its SDP (c= and m= lines); RTCP is
 * port + 1.  Port 0 (stream disabled) stops all traffic to and from that
 * side.  Forgets what was latched, so a re-INVITE moving the media works.
 */
int media_relay_set_remote(struct media_relay *r, int side,
                           const struct sa *rtp);
/**
 * Hold towards a side: while on, RTP that would go to `side` is dropped
 * (counted as dropped on the other side); RTCP still flows both ways, as
 * RFC 3264 wants for inactive streams.  src/sip sets it when that side's
 * SDP says sendonly or inactive, i.e. it does not want to receive; later
 * a player will feed the held side music instead.
 */
int media_relay_set_hold(struct media_relay *r, int side, bool hold);
/** Turn latching (symmetric RTP) on or off for a side; see above. */
int media_relay_set_latch(struct media_relay *r, int side, bool latch);
/** Read the relay's counters.  Control thread. */
void media_relay_stats(const struct media_relay *r,
                       struct media_relay_stats *st);

#endif
