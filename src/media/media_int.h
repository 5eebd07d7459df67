/**
 * @file media_int.h  Private to src/media: the engine, its threads, the
 * command queue and the per-call state they share.
 *
 * Ownership rule: a relay_state belongs to its media thread from the moment
 * its first socket is in the thread's epoll set.  After that the control
 * thread only reads its immutable fields (ports, fds) and its atomic
 * counters, and changes anything else by pushing a media_cmd.
 */
#ifndef HOTLINE_MEDIA_INT_H
#define HOTLINE_MEDIA_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <re.h>

#include "media/media.h"

#define MEDIA_BATCH   32   /* datagrams per recvmmsg on one socket */
#define MEDIA_PKT_MAX 2048 /* larger datagrams are dropped (MSG_TRUNC) */
#define MEDIA_EVENTS  256  /* epoll events per wake-up */

#define MEDIA_FRAME     160        /* samples in 20 ms at 8 kHz */
#define MEDIA_FRAME_NS  20000000ll /* one frame */
#define MEDIA_PHASES    4          /* ticks per frame */
#define MEDIA_TICK_NS   (MEDIA_FRAME_NS / MEDIA_PHASES)
#define MEDIA_SAMPLE_NS 125000ll /* one sample at 8 kHz */
#define MEDIA_TICK_CATCHUP                                                     \
	50 /* missed ticks run late, at most this many                         \
	    * (1/4 s); beyond, they are skipped */
#define RTP_HDR 12

enum { MEDIA_RTP = 0, MEDIA_RTCP = 1 };

/* Counters written by exactly one thread (the media thread): a plain
 * load + store, no locked instruction, readable from any thread. */
#define MEDIA_CNT_ADD(c, n)                                                    \
	atomic_store_explicit(                                                 \
	    &(c), atomic_load_explicit(&(c), memory_order_relaxed) + (n),      \
	    memory_order_relaxed)
#define MEDIA_CNT_GET(c) atomic_load_explicit(&(c), memory_order_relaxed)

struct relay_state;
struct recorder;
struct player;
struct side_dtmf;

/* --- big-endian helpers for RTP headers ----------------------------------- */

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/** Where an RTP packet's payload starts and how long it is (CSRCs, header
 *  extension and padding skipped); false if the packet is malformed. */
static inline bool rtp_payload(const uint8_t *p, size_t len, size_t *off,
                               size_t *plen)
{
	size_t o = RTP_HDR + 4u * (p[0] & 0x0f);
	size_t end = len;

	if (o > len)
		return false;
	if (p[0] & 0x10) { /* extension: 4-byte header + length words */
		if (o + 4 > len)
			return false;
		o += 4 + 4u * rd16(p + o + 2);
		if (o > len)
			return false;
	}
	if (p[0] & 0x20) { /* padding: count in the last byte */
		if (!p[len - 1] || p[len - 1] > end - o)
			return false;
		end -= p[len - 1];
	}
	*off = o;
	*plen = end - o;
	return true;
}

/* --- g711.c -----------------------------------------------------------------
 */

extern int16_t media_ulaw_lin[256];
extern int16_t media_alaw_lin[256];
extern uint8_t media_ulaw_alaw[256];
void media_g711_init(void);
uint8_t media_lin_ulaw(int16_t pcm);
uint8_t media_lin_alaw(int16_t pcm);

/** One UDP socket; its address is the epoll data pointer. */
struct media_sock {
	struct relay_state *rs; /* borrowed: the relay this socket is part of */
	int fd;
	uint8_t side; /* 0 caller, 1 agent */
	uint8_t comp; /* MEDIA_RTP or MEDIA_RTCP */
};

/** The RTP stream as the side's phone sees it (what we send it).  Media
 *  thread only. */
struct relay_out {
	bool owned;       /* a player fed this side: relayed packets are
	                   * rewritten into this stream from now on */
	bool map;         /* seq_off/ts_off valid for in_ssrc */
	uint32_t ssrc;    /* as sent */
	uint16_t seq;     /* last sent */
	uint32_t ts;      /* last sent (a player advances it while held too) */
	int64_t at_ns;    /* when seq/ts were last advanced */
	uint32_t in_ssrc; /* relayed stream the offsets apply to */
	uint16_t seq_off;
	uint32_t ts_off;
};

/** One side (leg) of a relay. */
struct relay_side {
	struct media_sock sock[2]; /* RTP, RTCP; immutable once running */
	uint32_t pair;             /* index of the port pair in the engine */
	uint8_t idx;               /* 0 or 1 */

	/* media thread only */
	struct sa sdp[2];  /* RTP, RTCP address from the SDP */
	struct sa peer[2]; /* where we send to and accept from */
	bool conn[2];      /* socket connect()ed to peer[] */
	bool remote;       /* sdp[] is set and usable */
	bool latch;        /* symmetric RTP on */
	bool hold;         /* drop RTP towards this side */
	uint8_t pt_out;    /* payload type players send: 0 PCMU, 8 PCMA */
	struct relay_out out;
	struct player *play;    /* owning: feeds this side instead of relay */
	struct side_dtmf *dtmf; /* owning: digit detection on what it sends */

	/* written by the media thread, read by anyone */
	atomic_bool latched[2];
	_Atomic uint64_t rx_pkts, rx_bytes, tx_pkts, dropped, played;
	_Atomic uint64_t digits, digit_dups;
};

struct relay_state {
	struct relay_side side[2];
	struct mthread *t;             /* borrowed: the thread owning it */
	uint64_t id;                   /* the handle's id, for events */
	struct recorder *rec;          /* media thread: the recording tap */
	bool dead;                     /* media thread: sockets closed */
	struct relay_state *next_dead; /* media thread: free after the batch */
};

enum media_cmd_type {
	MCMD_REMOTE,      /* side, addr */
	MCMD_HOLD,        /* side, on */
	MCMD_LATCH,       /* side, on */
	MCMD_FREE,        /* close the sockets, free the ports and the state;
	                   * on: post MEV_FREED (owners to release) */
	MCMD_FLUSH,       /* report to the waiter */
	MCMD_PLAY,        /* side, ptr = struct player (handed over) */
	MCMD_STOP,        /* side */
	MCMD_CODEC,       /* side, pt */
	MCMD_DTMF,        /* side, ptr = struct side_dtmf (handed over) */
	MCMD_DTMF_INFO,   /* side, digit, ns */
	MCMD_RECORD,      /* ptr = struct recorder (handed over) */
	MCMD_RECORD_STOP, /* */
};

struct media_flush_wait {
	pthread_mutex_t mtx;
	pthread_cond_t cond;
	unsigned done;
};

/** A change for a media thread; allocated by the control thread with
 * malloc, freed by the media thread once applied. */
struct media_cmd {
	struct media_cmd *next;
	enum media_cmd_type type;
	struct relay_state *rs; /* borrowed */
	int side;
	bool on;
	uint8_t pt;
	char digit;
	int64_t ns;
	void *ptr; /* owning: handed to the media thread when applied */
	struct sa addr;
	struct media_flush_wait *fw; /* borrowed, MCMD_FLUSH */
};

/* --- events to the control loop (media.c) ----------------------------------
 */

enum { MEV_FREED = 100 }; /* internal: a relay's state is gone */

/** An event on its way to the loop: malloc'ed by a media or writer thread,
 *  freed by the loop after dispatch. */
struct media_evq {
	struct media_evq *next;
	uint64_t relay_id;
	struct media_event ev; /* ev.path points into path */
	char *path;            /* owning (malloc) or NULL */
};

/** One media thread: an epoll set and the packet buffers. */
struct mthread {
	struct media *m; /* borrowed: the engine outlives its threads */
	unsigned idx;
	pthread_t tid;
	bool started;
	int epfd;
	int wakefd; /* eventfd: commands are waiting */
	_Atomic(struct media_cmd *)
	    cmds; /* LIFO pushed by the control thread */
	atomic_bool stop;
	unsigned nrelays; /* control thread: relays placed here */
	int tfd;          /* timerfd: the tick; in epoll with data.ptr = t */

	/* media thread only */
	int64_t now_ns;           /* monotonic, read once per wake-up */
	bool armed;               /* tfd running */
	int64_t tick_base_ns;     /* time of tick number tick_base */
	uint64_t tick_base, tick; /* next tick to run */
	unsigned tick_users;      /* players + recorders on this thread */
	unsigned phase_load[MEDIA_PHASES];
	struct list players[MEDIA_PHASES];  /* relay_side.play's */
	struct list recs[MEDIA_PHASES];     /* recorders */
	int16_t pcm[MEDIA_PKT_MAX];         /* decoded audio scratch */
	uint8_t pkt[RTP_HDR + MEDIA_FRAME]; /* a player's packet */
	_Atomic uint64_t played, ticks, tick_late_max;
	struct relay_state *dead; /* closed during this batch */
	struct mmsghdr rx[MEDIA_BATCH];
	struct iovec rxiov[MEDIA_BATCH];
	struct sa rxaddr[MEDIA_BATCH];
	struct mmsghdr tx[MEDIA_BATCH];
	struct iovec txiov[MEDIA_BATCH];
	_Atomic uint64_t rx_pkts, tx_pkts, dropped;
	uint8_t buf[MEDIA_BATCH][MEDIA_PKT_MAX];
};

struct rec_job;

/** The writer thread: all recording file work. */
struct media_writer {
	pthread_t tid;
	bool started;
	int efd;                        /* eventfd, blocking read */
	_Atomic(struct rec_job *) jobs; /* LIFO from media/control threads */
	_Atomic unsigned open;          /* recordings open */
	struct rec_job *stop;           /* owning until pushed */
};

struct media {
	struct sa laddr;            /* bound and advertised address, port 0 */
	uint16_t port_base;         /* first (even) RTP port */
	uint32_t npairs;            /* RTP/RTCP pairs in the range */
	uint32_t cursor;            /* control thread: next pair to try */
	_Atomic uint8_t *pair_busy; /* owning; set by control thread on bind,
	                             * cleared by a media thread on close */
	struct mthread **threads;   /* owning */
	unsigned nthreads;
	unsigned nrelays; /* control thread */

	/* events */
	struct mqueue *mq;               /* owning: wakes the loop */
	_Atomic(struct media_evq *) evq; /* LIFO from media/writer threads */
	_Atomic uint64_t events_lost;
	struct hash *relays;   /* control thread: live handles by id */
	uint64_t next_id;      /* control thread */
	struct list graves;    /* control thread: owners of freed
	                        * relays, until MEV_FREED */
	struct media_writer w; /* started on the first recording */
};

/** The control thread's handle.  The state it points to is handed to the
 * media thread and freed there (see media_int.h). */
struct media_relay {
	struct media *m;           /* reference */
	struct mthread *t;         /* borrowed: the thread serving this relay */
	struct relay_state *rs;    /* owned by t once running */
	struct media_cmd *freecmd; /* owning until pushed: cannot fail */
	struct sa laddr[2];        /* local RTP address per side */
	uint64_t id;               /* events name the relay by this */
	struct le he;              /* in m->relays */
	media_event_h *eh;         /* borrowed */
	void *arg;
	void **owners; /* references to clip owners (malloc'ed array) */
	size_t nowners;
	bool dtmf_set[2]; /* a side_dtmf was sent for the side */
};

/* media.c */
int media_port_pair_take(struct media *m, int fds[2], uint32_t *pairp);
void media_port_pair_release(struct media *m, uint32_t pair);
struct mthread *media_thread_pick(struct media *m);
void mthread_push(struct mthread *t, struct media_cmd *cmd);
unsigned mthread_tick_join(struct mthread *t, int phase);
void mthread_tick_leave(struct mthread *t, unsigned phase);
void media_event_post(struct media *m, uint64_t relay_id,
                      const struct media_event *ev, const char *path);
int media_grave_add(struct media *m, uint64_t id, void **owners, size_t n);

/* relay.c */
void relay_readable(struct mthread *t, struct media_sock *ms);
void relay_apply(struct mthread *t, struct media_cmd *cmd);
int relay_cmd_push(struct media_relay *r, struct media_cmd *cmd);
int relay_owner_add(struct media_relay *r, void *owner);
bool side_send(struct relay_side *s, int comp, const void *buf, size_t len);
uint64_t media_relay_id(const struct media_relay *r);
void media_relay_deliver(struct media_relay *r, const struct media_event *ev);
void out_resume(struct relay_out *o, int64_t now, uint16_t *seq, uint32_t *ts);

/* play.c */
void player_apply(struct mthread *t, struct relay_state *rs, int side,
                  struct player *p);
void player_end(struct mthread *t, struct relay_state *rs, int side,
                enum media_play_end reason);
void player_tick(struct mthread *t, struct relay_side *s,
                 struct relay_state *rs);
void player_free(struct player *p);
void player_barge(struct mthread *t, struct relay_state *rs, int side);

/* dtmf.c */
void dtmf_apply(struct relay_state *rs, int side, struct side_dtmf *d);
void dtmf_free(struct side_dtmf *d);
void dtmf_rtp(struct mthread *t, struct relay_state *rs, struct relay_side *s,
              const uint8_t *pkt, size_t off, size_t plen);
void dtmf_report(struct mthread *t, struct relay_state *rs, int side,
                 char digit, enum media_dtmf_via via, int64_t at_ns);

/* record.c */
void rec_apply(struct mthread *t, struct relay_state *rs, struct recorder *rec);
void rec_stop(struct mthread *t, struct relay_state *rs);
void rec_tap(struct mthread *t, struct recorder *rec, int ch,
             const uint8_t *pkt, size_t off, size_t plen);
void rec_tick(struct mthread *t, struct recorder *rec);
int media_writer_start(struct media *m);
void media_writer_stop(struct media *m);

#endif
