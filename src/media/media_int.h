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

enum { MEDIA_RTP = 0, MEDIA_RTCP = 1 };

/* Counters written by exactly one thread (the media thread): a plain
 * load + store, no locked instruction, readable from any thread. */
#define MEDIA_CNT_ADD(c, n)                                                    \
	atomic_store_explicit(                                                 \
	    &(c), atomic_load_explicit(&(c), memory_order_relaxed) + (n),      \
	    memory_order_relaxed)
#define MEDIA_CNT_GET(c) atomic_load_explicit(&(c), memory_order_relaxed)

struct relay_state;

/** One UDP socket; its address is the epoll data pointer. */
struct media_sock {
	struct relay_state *rs; /* borrowed: the relay this socket is part of */
	int fd;
	uint8_t side; /* 0 caller, 1 agent */
	uint8_t comp; /* MEDIA_RTP or MEDIA_RTCP */
};

/** One side (leg) of a relay. */
struct relay_side {
	struct media_sock sock[2]; /* RTP, RTCP; immutable once running */
	uint32_t pair;             /* index of the port pair in the engine */

	/* media thread only */
	struct sa sdp[2];  /* RTP, RTCP address from the SDP */
	struct sa peer[2]; /* where we send to and accept from */
	bool conn[2];      /* socket connect()ed to peer[] */
	bool remote;       /* sdp[] is set and usable */
	bool latch;        /* symmetric RTP on */
	bool hold;         /* drop RTP towards this side */

	/* written by the media thread, read by anyone */
	atomic_bool latched[2];
	_Atomic uint64_t rx_pkts, rx_bytes, tx_pkts, dropped;
};

struct relay_state {
	struct relay_side side[2];
	bool dead;                     /* media thread: sockets closed */
	struct relay_state *next_dead; /* media thread: free after the batch */
};

enum media_cmd_type {
	MCMD_REMOTE, /* side, addr */
	MCMD_HOLD,   /* side, on */
	MCMD_LATCH,  /* side, on */
	MCMD_FREE,   /* close the sockets, free the ports and the state */
	MCMD_FLUSH,  /* report to the waiter */
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
	struct sa addr;
	struct media_flush_wait *fw; /* borrowed, MCMD_FLUSH */
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

	/* media thread only */
	struct relay_state *dead; /* closed during this batch */
	struct mmsghdr rx[MEDIA_BATCH];
	struct iovec rxiov[MEDIA_BATCH];
	struct sa rxaddr[MEDIA_BATCH];
	struct mmsghdr tx[MEDIA_BATCH];
	struct iovec txiov[MEDIA_BATCH];
	_Atomic uint64_t rx_pkts, tx_pkts, dropped;
	uint8_t buf[MEDIA_BATCH][MEDIA_PKT_MAX];
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
};

/* media.c */
int media_port_pair_take(struct media *m, int fds[2], uint32_t *pairp);
void media_port_pair_release(struct media *m, uint32_t pair);
struct mthread *media_thread_pick(struct media *m);
void mthread_push(struct mthread *t, struct media_cmd *cmd);

/* relay.c */
void relay_readable(struct mthread *t, struct media_sock *ms);
void relay_apply(struct mthread *t, struct media_cmd *cmd);

#endif
