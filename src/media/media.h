/**
 * @file media.h  The media engine: the RTP relay that carries every bridged
 * call's audio, players (prompts, music on hold), DTMF detection and call
 * recording.
 *
 * Owns: the media threads, their epoll sets and ticks, the local RTP/RTCP
 * port range and every media socket; per-call relay state (remote and
 * latched addresses, hold flags, players, detectors, recording taps,
 * counters); the recordings' writer thread and its files.
 *
 * Offers: relays.  A relay joins two legs of one call: side 0 is the caller
 * (leg A, usually a carrier trunk), side 1 the agent (leg B, usually a phone).
 * Each side has its own local RTP port (even) and RTCP port (RTP + 1), which
 * src/voice puts in that leg's SDP.  RTP arriving from side 0's remote leaves
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
 * media_flush(); event handlers run on that loop too (never inside a
 * media_relay_* call).  media_clip_load() may run on any thread.  The media
 * threads (cfg.threads, each one epoll set and a share of the relays: all
 * four sockets of one relay live on one thread) do the packet, player,
 * detection and recording-tap work and never call into the control loop:
 * what they report goes on a lock-free list that a libre mqueue drains on
 * the loop.  A writer thread, started with the first recording, does all
 * file work.  One thread relays ~2,000 calls on one core here (~4 us
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
 * File descriptors: 4 per relay (RTP + RTCP per side) plus 3 per media
 * thread (epoll, eventfd, timerfd), 2 for the event mqueue and 1 for the
 * writer.  media_alloc() raises the soft RLIMIT_NOFILE to the hard one.  The
 * libre loop indexes its handlers by fd number, so call fd_setsize() with the
 * raised limit before media_alloc() (whose mqueue is the loop's first
 * fd_listen() in most programs), or SIP sockets opened after thousands of
 * media sockets are refused.
 *
 * Players, DTMF, recording (play.c, dtmf.c, record.c): a side can be
 * *fed* by a player (prompts, music on hold) instead of bridged from the
 * other side; digits sent by a side are detected (RFC 4733, in-band, and
 * SIP INFO handed in by src/voice) through one de-duplicating gate; a
 * recorder taps the relay and hands frames to a writer thread.  Players
 * and recorders run on their media thread's tick: one timerfd per media
 * thread firing every 5 ms, each player or recorder on one of the four
 * phases of the 20 ms frame (so a thread's sends are spread over the
 * frame, not bunched), never a libre timer.  Events (play ended, digit,
 * recording ended or failed) reach the control loop through a libre
 * mqueue and the handler set with media_relay_set_handler().
 *
 * What a side's phone sees: one RTP stream.  A player continues the SSRC,
 * sequence numbers and timestamps of whatever was sent to that side before
 * (timestamps advanced by the time elapsed, marker bit on each switch), and
 * once a player has fed a side, audio relayed to it afterwards is rewritten
 * into the same stream (SSRC kept, seq/ts offset, marker on the switch):
 * prompt -> bridged -> hold music -> bridged never jumps.  A side never fed
 * by a player gets the other side's packets byte for byte.
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
#include <stddef.h>
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
	uint64_t played;  /* frames sent by players */
	uint64_t ticks;   /* 5 ms ticks run */
	uint64_t tick_late_max_ns; /* worst lateness of a tick (how long after
	                            * its time it ran) since the previous
	                            * media_stats(): bounds players' jitter */
	uint64_t events_lost;      /* events not delivered (out of memory) */
	unsigned recordings;       /* recordings open (writer side) */
	uint64_t writer_cpu_ns;    /* CPU time of the recordings' writer */
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
	uint64_t tx_pkts[2];    /* datagrams sent towards side i */
	uint64_t dropped[2];    /* read on side i and not forwarded: unknown
	                         * source, not RTP v2, other side without remote
	                         * or on hold, send error.  Sources the kernel
	                         * filters (connected sockets) are never read
	                         * and not counted. */
	bool latched[2];        /* side i's RTP peer was learnt from traffic */
	uint64_t played[2];     /* RTP packets players sent towards side i
	                         * (included in tx_pkts) */
	uint64_t digits[2];     /* key presses side i sent (MEDIA_EV_DIGIT) */
	uint64_t digit_dups[2]; /* reports of a press already counted, by
	                         * another method (RFC 4733 + in-band...) */
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
 * RFC 3264 wants for inactive streams.  src/voice sets it when that side's
 * SDP says sendonly or inactive, i.e. it does not want to receive; later
 * a player will feed the held side music instead.
 */
int media_relay_set_hold(struct media_relay *r, int side, bool hold);
/** Turn latching (symmetric RTP) on or off for a side; see above. */
int media_relay_set_latch(struct media_relay *r, int side, bool latch);
/** Read the relay's counters.  Control thread. */
void media_relay_stats(const struct media_relay *r,
                       struct media_relay_stats *st);

/* --- events (media.c) ----------------------------------------------------- */

enum media_event_type {
	MEDIA_EV_PLAY_END,     /* a play ended: token, reason, position */
	MEDIA_EV_DIGIT,        /* a DTMF digit from side: digit, via */
	MEDIA_EV_RECORD_END,   /* a recording closed: path, frames, dropped */
	MEDIA_EV_RECORD_ERROR, /* a recording failed (err, path) and stopped;
	                        * the call goes on unrecorded */
};

enum media_play_end {
	MEDIA_PLAY_DONE,     /* the last clip was played (never when looping) */
	MEDIA_PLAY_STOPPED,  /* media_relay_stop() or media_relay_bridge() */
	MEDIA_PLAY_BARGED,   /* a digit from that side stopped it (barge-in) */
	MEDIA_PLAY_REPLACED, /* another media_relay_play() on the same side */
};

/** How a digit arrived (bits: the de-dup gate remembers which methods
 *  reported a press). */
enum media_dtmf_via {
	MEDIA_DTMF_RFC4733 = 1, /* RTP telephone-event */
	MEDIA_DTMF_INBAND = 2,  /* tones in G.711 audio (spandsp dtmf_rx) */
	MEDIA_DTMF_INFO = 4,    /* SIP INFO, via media_relay_dtmf_info() */
};

/** One event, valid during the handler call only. */
struct media_event {
	enum media_event_type type;
	int side; /* PLAY_END: side played to; DIGIT: side that sent it;
	           * RECORD_*: 0 */
	/* MEDIA_EV_PLAY_END */
	uint32_t token; /* media_play.token */
	enum media_play_end reason;
	uint64_t position; /* samples into the sequence where it ended (for a
	                    * loop: modulo its length), to resume music */
	/* MEDIA_EV_DIGIT */
	char digit;              /* '0'-'9', '*', '#', 'A'-'D' */
	enum media_dtmf_via via; /* the first method that reported it */
	/* MEDIA_EV_RECORD_END, MEDIA_EV_RECORD_ERROR */
	int err;          /* RECORD_ERROR: errno (ENOENT, EACCES, ENOSPC...) */
	const char *path; /* the file */
	uint64_t frames;  /* 20 ms frames written */
	uint64_t dropped; /* frames lost because the writer fell behind */
};

/** Called on the control loop, never from inside a media_relay_* call.
 *  The handler may free the relay (later events of it are then dropped).
 */
typedef void(media_event_h)(struct media_relay *r, const struct media_event *ev,
                            void *arg);

/**
 * Receive the relay's events.  Events of a freed relay are dropped (a
 * recording's file is still completed).  NULL stops delivery.  Control
 * thread; the engine's events arrive through a libre mqueue on the loop
 * that called media_alloc(), so that loop must run (re_main).
 */
void media_relay_set_handler(struct media_relay *r, media_event_h *eh,
                             void *arg);

/* --- play.c: prompts and music into a side ------------------------------- */

/** A stretch of audio: 8 kHz mono mu-law samples, e.g. an ivr_prompt's
 *  {ulaw, samples}.  Players read it in place (no copy per call), so it
 *  must stay allocated and unchanged while any relay may play it: pass its
 *  owner in media_play.owner, or keep it for the process's life. */
struct media_clip {
	const uint8_t *ulaw;
	size_t samples;
};

/** What to play (copied by media_relay_play; the clips array too, not the
 *  samples). */
struct media_play {
	const struct media_clip *clips; /* played back to back, no gap */
	size_t nclips;
	bool loop;       /* start over after the last clip until stopped */
	bool barge;      /* a digit from the same side stops it at once */
	uint64_t offset; /* start this many samples into the sequence (modulo
	                  * its length): resumes music on hold */
	uint64_t limit;  /* end (DONE) after this many samples, 0 = no limit:
	                  * music for N seconds, then the loop plays the
	                  * announcement and resumes the music at the reported
	                  * position, with no timer per caller */
	uint32_t token;  /* echoed in MEDIA_EV_PLAY_END */
	void *owner;     /* optional libre mem object keeping the samples alive
	                  * (the struct ivr_prompts, a media_clip_load()ed
	                  * clip): the relay holds a reference until it is freed
	                  * and its media thread has let go */
};

/**
 * Play clips to a side: from the next 20 ms tick on, that side receives the
 * clips (PCMU, or PCMA after media_relay_set_codec) instead of the other
 * side's audio, one packet every 20 ms; the last frame is padded with
 * silence, then MEDIA_EV_PLAY_END (DONE) and the side is bridged again.  A
 * play already running on that side ends (REPLACED) first.  A side on hold
 * receives nothing but the play advances.  Works with no remote on the
 * other side (a caller alone in the IVR).  EINVAL: bad side, no clips, a
 * clip without samples.  Control thread.
 */
int media_relay_play(struct media_relay *r, int side,
                     const struct media_play *p);
/** Stop the side's play (if any) at once (MEDIA_PLAY_STOPPED): no frame of
 *  it leaves after the media thread applies this, before the next tick;
 *  the side is bridged again.  Control thread. */
int media_relay_stop(struct media_relay *r, int side);
/** Stop both sides' plays: relaying both ways again.  Control thread. */
int media_relay_bridge(struct media_relay *r);
/** Payload type players send to a side: 0 PCMU (default) or 8 PCMA, as
 *  negotiated in its SDP.  EINVAL for anything else.  Control thread. */
int media_relay_set_codec(struct media_relay *r, int side, uint8_t pt);

/**
 * Load a WAV (or any libsndfile format) of 8 kHz mono audio into a clip of
 * mu-law samples, e.g. a queue's music on hold.  The clip is a libre mem
 * object: pass it as media_play.owner.  EBADMSG: unreadable, not 8 kHz
 * mono, empty or longer than an hour; ENOENT; ENOMEM.  Any thread (reads a
 * file: not on the event loop).
 */
int media_clip_load(struct media_clip **cp, const char *path);

/* --- dtmf.c: digits from a side ------------------------------------------- */

/** How long after a digit another method reporting the same digit is the
 *  same key press (FIFO pairing, see dtmf.c).  Presses reported by one
 *  method are never merged, however close. */
#define MEDIA_DTMF_DEDUP_MS 1000

/**
 * Detect digits sent by a side: RFC 4733 telephone-events with payload type
 * event_pt (from the SDP's a=rtpmap telephone-event/8000; 0 = none) and/or
 * in-band tones in its G.711 audio (spandsp; ~1 us of CPU per 20 ms packet).
 * Each key press gives one MEDIA_EV_DIGIT, reported when it starts (RFC
 * 4733: its first packet; in-band: ~40 ms into the tone), also when the
 * phone sends it two or three ways at once.  Detection works whether the
 * side is bridged or hearing a player.  Control thread.
 */
int media_relay_set_dtmf(struct media_relay *r, int side, uint8_t event_pt,
                         bool inband);
/**
 * A digit the side's phone sent as SIP INFO (application/dtmf-relay or
 * application/dtmf): goes through the same de-dup gate as the RTP methods
 * (timed when this is called), then MEDIA_EV_DIGIT.  Digits '0'-'9', '*',
 * '#', 'A'-'D' (a-d accepted); EINVAL otherwise.  Control thread (src/voice).
 */
int media_relay_dtmf_info(struct media_relay *r, int side, char digit);

/* --- record.c: recording to WAV --------------------------------------------
 */

enum media_rec_format {
	MEDIA_REC_PCM16 = 0, /* WAV 16-bit PCM, 8 kHz: 32 KB/s stereo */
	MEDIA_REC_ULAW = 1,  /* WAV G.711 mu-law, 8 kHz: 16 KB/s stereo */
};

/**
 * Record the call into a new WAV file at path (created or truncated; the
 * folder must exist).  Stereo: left = what side 0 (the caller) sends, right
 * = what side 0 hears (the agent while bridged, a player's prompts or hold
 * music, silence while nothing is sent to it).  Mono (voicemail): the
 * caller only.  Frames are aligned on a 20 ms clock from the start: a
 * packet is placed by its RTP timestamp (200 ms jitter allowance), a
 * missing one is silence, a phone whose clock drifts is re-anchored, so the
 * file's length is the recording's wall-clock duration within a frame.
 * Both directions follow the relay through hold, re-INVITEs and a new agent
 * on side 1 (transfer: keep the relay, set side 1's remote).  A writer
 * thread (libsndfile) does all file work; neither the media thread nor the
 * loop touches the disk.  Errors (folder missing or unwritable, disk full)
 * arrive as MEDIA_EV_RECORD_ERROR and stop the recording, never the call.
 * A recording already running on the relay is closed first.  Stopped by
 * media_relay_record_stop() or when the relay is freed.  EINVAL: bad
 * arguments; ENOMEM.  Control thread.
 */
int media_relay_record(struct media_relay *r, const char *path, bool stereo,
                       enum media_rec_format fmt);
/** Stop recording: the remaining frames are written, the file closed, then
 *  MEDIA_EV_RECORD_END.  No-op without a recording.  Control thread. */
int media_relay_record_stop(struct media_relay *r);

#endif
