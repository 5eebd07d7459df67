/**
 * @file play_bench.c  How many callers the media engine feeds with music on
 * hold (players), and how many calls it records, on this machine.
 *
 * Players: for each step N (default 500 1000 2000 3000) the bench makes N
 * relays, each a caller alone with its side 0 playing one shared looped
 * music clip (build/prompts/common/moh/default.wav if present, else a
 * synthetic one), and forks a receiver that plays the N phones: a few
 * sockets with kernel receive timestamps.  Over --seconds it measures per
 * stream: packets and losses (sequence gaps), RFC 3550 interarrival jitter,
 * and lateness: each packet's (arrival - RTP timestamp) minus the stream's
 * best, i.e. how long a jitter buffer would have to wait for it; "late"
 * counts packets more than 30 ms behind.  Also the media threads' CPU per
 * call, user memory (RSS) and kernel memory (slab) per call, and the worst
 * tick lateness the media thread saw.
 *
 * Recording: R bridged calls (default 500) with 50 packets/s each way from
 * a generator process, every call recorded to a stereo WAV in a temporary
 * folder; then the recordings are stopped and each file is checked: frames
 * written against the recording's duration, frames dropped (writer behind)
 * and silent frames in the middle of the file (audio that never made it in).
 *
 * Loopback only, bounded: steps * (seconds + ~2 s) + recording seconds + ~5 s.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <re.h>
#include <sndfile.h>

#include "core/core.h"
#include "media/media.h"

#define PORT_MIN 16384
#define PORT_MAX 32767
#define RX_BATCH 64
#define LATE_NS  30000000ll
#define HIST_MAX 200000 /* lateness histogram: 10 us bins up to 2 s */

struct opts {
	unsigned steps[16], nsteps;
	unsigned seconds, rec_seconds, recordings;
	unsigned threads, socks;
	int rt_prio, pin;
	int dtmf; /* in-band + RFC 4733 detection on the recorded callers */
	const char *dir;
};

static int64_t mono(void)
{
	return (int64_t)hl_mono_ns();
}

static int64_t wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static long rss_kib(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static long slab_kib(void)
{
	char line[256];
	long v = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Slab: %ld kB", &v) == 1)
			break;
	}
	fclose(f);
	return v;
}

static int udp_socket(struct sa *addr, bool stamps)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int sz = 8 << 20, on = 1;

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
	if (stamps)
		(void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on,
		                 sizeof(on));
	sa_set_str(addr, "127.0.0.1", 0);
	if (bind(fd, &addr->u.sa, addr->len) < 0) {
		close(fd);
		return -1;
	}
	addr->len = sizeof(addr->u);
	getsockname(fd, &addr->u.sa, &addr->len);
	return fd;
}

static void pin_to(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Run the libre loop for ms (recording events arrive through it). */
static void cancel_h(void *arg)
{
	(void)arg;
	re_cancel();
}

static void loop_run(unsigned ms)
{
	struct tmr t;

	tmr_init(&t);
	tmr_start(&t, ms, cancel_h, NULL);
	(void)re_main(NULL);
	tmr_cancel(&t);
}

/* --- players: the receiver (child process) ---------------------------------
 */

struct rx_stream {
	int64_t first_transit; /* arrival - ts, first packet */
	int64_t min_transit, last_transit;
	uint32_t first_ts, last_ts;
	uint16_t last_seq;
	bool seen;
	uint64_t pkts, lost;
	double jitter;    /* RFC 3550, ns */
	int64_t *transit; /* per packet, for lateness against the best */
	size_t ntransit, cap;
};

struct rx_result {
	uint64_t pkts, lost, late, misrouted, expected;
	double jit_mean_us, jit_max_us;
	double late_p99_ms, late_p999_ms, late_max_ms;
	double gap_min_ms, gap_max_ms; /* inter-arrival extremes */
};

static void receiver(unsigned n, int *fd, unsigned k, const int32_t *stream_of,
                     unsigned seconds, int cpu, struct rx_result *res)
{
	struct rx_stream *st = calloc(n, sizeof(*st));
	uint32_t *hist = calloc(HIST_MAX + 1, sizeof(*hist));
	struct mmsghdr rx[RX_BATCH];
	struct iovec iov[RX_BATCH];
	struct sa from[RX_BATCH];
	static uint8_t buf[RX_BATCH][256], ctl[RX_BATCH][64];
	struct epoll_event ev[64];
	int ep = epoll_create1(0);
	int64_t start, end;

	pin_to(cpu);
	memset(res, 0, sizeof(*res));
	res->gap_min_ms = 1e9;
	for (unsigned i = 0; i < n; i++) {
		st[i].cap = (size_t)seconds * 50 + 200;
		st[i].transit = malloc(st[i].cap * sizeof(int64_t));
	}
	for (unsigned j = 0; j < k; j++) {
		struct epoll_event e = {.events = EPOLLIN, .data.u32 = j};
		epoll_ctl(ep, EPOLL_CTL_ADD, fd[j], &e);
	}
	for (int i = 0; i < RX_BATCH; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = sizeof(buf[i]);
		rx[i].msg_hdr.msg_iov = &iov[i];
		rx[i].msg_hdr.msg_iovlen = 1;
		rx[i].msg_hdr.msg_name = &from[i].u;
		rx[i].msg_hdr.msg_control = ctl[i];
	}

	/* settle: the players have just started */
	start = mono() + 500000000;
	end = start + (int64_t)seconds * 1000000000;
	for (;;) {
		int64_t now = mono();
		int ne;

		if (now >= end)
			break;
		ne = epoll_wait(ep, ev, 64, 100);
		for (int e = 0; e < ne; e++) {
			int j = (int)ev[e].data.u32, got;

			for (int i = 0; i < RX_BATCH; i++) {
				rx[i].msg_hdr.msg_namelen = sizeof(from[i].u);
				rx[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
			}
			got = recvmmsg(fd[j], rx, RX_BATCH, MSG_DONTWAIT, NULL);
			if (mono() < start)
				continue;
			for (int i = 0; i < got; i++) {
				struct msghdr *h = &rx[i].msg_hdr;
				int64_t at = wall();
				struct rx_stream *x;
				uint8_t *b = buf[i];
				unsigned port;
				int32_t id;

				for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c;
				     c = CMSG_NXTHDR(h, c)) {
					if (c->cmsg_type == SCM_TIMESTAMPNS) {
						struct timespec ts;
						memcpy(&ts, CMSG_DATA(c),
						       sizeof(ts));
						at = (int64_t)ts.tv_sec *
						         1000000000 +
						     ts.tv_nsec;
					}
				}
				from[i].len = h->msg_namelen;
				port = sa_port(&from[i]);
				id = port >= PORT_MIN && port <= PORT_MAX
				         ? stream_of[port - PORT_MIN]
				         : -1;
				if (id < 0 || rx[i].msg_len != 172) {
					res->misrouted++;
					continue;
				}
				x = &st[id];
				uint16_t seq = (uint16_t)(b[2] << 8 | b[3]);
				uint32_t ts = (uint32_t)b[4] << 24 |
				              (uint32_t)b[5] << 16 |
				              (uint32_t)b[6] << 8 | b[7];
				if (!x->seen) {
					x->seen = true;
					x->first_ts = ts;
				} else {
					uint16_t gap =
					    (uint16_t)(seq - x->last_seq);
					if (gap > 1 && gap < 1000)
						x->lost += gap - 1u;
				}
				int64_t transit =
				    at - (int64_t)(uint32_t)(ts - x->first_ts) *
				             125000;
				if (x->pkts) {
					int64_t d = transit - x->last_transit;
					double gap_ms =
					    (double)(d +
					             (int64_t)(uint32_t)(ts -
					                                 x->last_ts) *
					                 125000) /
					    1e6;
					if (d < 0)
						d = -d;
					x->jitter +=
					    ((double)d - x->jitter) / 16;
					if (gap_ms < res->gap_min_ms)
						res->gap_min_ms = gap_ms;
					if (gap_ms > res->gap_max_ms)
						res->gap_max_ms = gap_ms;
				}
				if (!x->pkts || transit < x->min_transit)
					x->min_transit = transit;
				x->last_transit = transit;
				x->last_seq = seq;
				x->last_ts = ts;
				x->pkts++;
				if (x->ntransit < x->cap)
					x->transit[x->ntransit++] = transit;
			}
		}
	}

	double jsum = 0;
	for (unsigned i = 0; i < n; i++) {
		struct rx_stream *x = &st[i];
		res->pkts += x->pkts;
		res->lost += x->lost;
		jsum += x->jitter;
		if (x->jitter / 1000 > res->jit_max_us)
			res->jit_max_us = x->jitter / 1000;
		for (size_t p = 0; p < x->ntransit; p++) {
			int64_t late = x->transit[p] - x->min_transit;
			int64_t bin = late / 10000;
			if (late > LATE_NS)
				res->late++;
			hist[bin > HIST_MAX ? HIST_MAX : bin]++;
			if ((double)late / 1e6 > res->late_max_ms)
				res->late_max_ms = (double)late / 1e6;
		}
		free(x->transit);
	}
	res->jit_mean_us = jsum / n / 1000;
	res->expected = (uint64_t)n * seconds * 50;
	uint64_t acc = 0, tot = 0;
	for (unsigned b = 0; b <= HIST_MAX; b++)
		tot += hist[b];
	for (unsigned b = 0; b <= HIST_MAX; b++) {
		acc += hist[b];
		if (!res->late_p99_ms && acc * 100 >= tot * 99)
			res->late_p99_ms = b / 100.0;
		if (!res->late_p999_ms && acc * 1000 >= tot * 999)
			res->late_p999_ms = b / 100.0;
	}
	free(st);
	free(hist);
	close(ep);
}

/* --- players: one step
 * --------------------------------------------------------- */

static int players_step(struct media *m, const struct opts *o,
                        const struct media_clip *clip, unsigned n, int *fd,
                        struct sa *addr)
{
	struct media_relay **r = calloc(n, sizeof(*r));
	int32_t *stream_of =
	    malloc((PORT_MAX - PORT_MIN + 1) * sizeof(int32_t));
	struct media_stats s0, s1;
	struct rx_result res;
	long rss0, rss1, slab0, slab1;
	int pfd[2], status, err = 0;
	int64_t t0, t1;
	pid_t pid;

	if (!r || !stream_of)
		return ENOMEM;
	for (unsigned i = 0; i <= PORT_MAX - PORT_MIN; i++)
		stream_of[i] = -1;

	media_flush(m);
	rss0 = rss_kib();
	slab0 = slab_kib();
	for (unsigned i = 0; i < n; i++) {
		struct sa l;
		struct media_play p = {.clips = clip,
		                       .nclips = 1,
		                       .loop = true,
		                       .offset = (uint64_t)i * 1601};
		err = media_relay_alloc(&r[i], m);
		if (err) {
			fprintf(stderr, "relay %u: %s\n", i, strerror(err));
			goto out;
		}
		media_relay_laddr(r[i], 0, &l);
		stream_of[sa_port(&l) - PORT_MIN] = (int32_t)i;
		media_relay_set_remote(r[i], 0, &addr[i % o->socks]);
		media_relay_play(r[i], 0, &p);
	}
	media_flush(m);
	usleep(100000);
	rss1 = rss_kib();
	slab1 = slab_kib();

	if (pipe(pfd) < 0) {
		err = errno;
		goto out;
	}
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		receiver(n, fd, o->socks, stream_of, o->seconds,
		         o->pin ? 0 : -1, &res);
		_exit(write(pfd[1], &res, sizeof(res)) == sizeof(res) ? 0 : 1);
	}
	close(pfd[1]);
	usleep(500000);
	media_stats(m, &s0);
	t0 = mono();
	if (read(pfd[0], &res, sizeof(res)) != sizeof(res))
		err = EPIPE;
	media_stats(m, &s1);
	t1 = mono();
	close(pfd[0]);
	waitpid(pid, &status, 0);
	if (err)
		goto out;

	double secs = (double)(t1 - t0) / 1e9;
	double cpu = (double)(s1.cpu_ns - s0.cpu_ns) / 1e9;
	uint64_t played = s1.played - s0.played;
	printf("%6u %9.0f %9llu %6llu %5llu %6.1f%% %6.3f %5.2f %6.1f %7.1f "
	       "%6.2f %6.2f %6.2f %5.1f/%4.1f %6.2f %7.0f %7.0f\n",
	       n, (double)played / secs, (unsigned long long)res.pkts,
	       (unsigned long long)res.lost, (unsigned long long)res.late,
	       100.0 * cpu / secs, 100.0 * cpu / secs / n,
	       cpu * 1e6 / (double)(played ? played : 1), res.jit_mean_us,
	       res.jit_max_us, res.late_p99_ms, res.late_p999_ms,
	       res.late_max_ms, res.gap_min_ms, res.gap_max_ms,
	       (double)s1.tick_late_max_ns / 1e6,
	       (double)(rss1 - rss0) * 1024.0 / n,
	       (double)(slab1 - slab0) * 1024.0 / n);
	fflush(stdout);
	if (res.misrouted)
		printf("#   %llu misrouted packets!\n",
		       (unsigned long long)res.misrouted);

out:
	for (unsigned i = 0; i < n; i++)
		mem_deref(r[i]);
	free(r);
	free(stream_of);
	media_flush(m);
	usleep(100000);
	for (unsigned j = 0; j < o->socks; j++) {
		uint8_t b[256];
		while (recv(fd[j], b, sizeof(b), MSG_DONTWAIT) >= 0)
			;
	}
	return err;
}

/* --- recording
 * ------------------------------------------------------------------ */

struct rec_call {
	struct media_relay *r;
	uint16_t lport[2];
	int64_t t_start, t_stop;
	uint64_t frames, dropped;
	bool ended, failed;
	char path[320];
};

static void rec_event(struct media_relay *r, const struct media_event *ev,
                      void *arg)
{
	struct rec_call *c = arg;
	(void)r;

	if (ev->type == MEDIA_EV_RECORD_END) {
		c->ended = true;
		c->frames = ev->frames;
		c->dropped = ev->dropped;
	} else if (ev->type == MEDIA_EV_RECORD_ERROR) {
		c->failed = true;
		fprintf(stderr, "%s: %s\n", ev->path, strerror(ev->err));
	}
}

/* The generator: both legs of every call, 50 packets/s each way, sends
 * spread over the 20 ms; what the relay forwards is read and dropped. */
static void generator(unsigned n, const struct rec_call *c, int *gfd[2],
                      const struct sa *gaddr[2], unsigned k, unsigned seconds,
                      int cpu)
{
	uint16_t *seq = calloc(2 * n, sizeof(*seq));
	int64_t next, end;
	unsigned slot = 0;
	uint8_t pkt[172], junk[256];

	pin_to(cpu);
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x80;
	next = mono();
	end = next + (int64_t)seconds * 1000000000;
	while (next < end) {
		unsigned lo = slot * n / 20, hi = (slot + 1) * n / 20;

		for (unsigned i = lo; i < hi; i++) {
			for (int s = 0; s < 2; s++) {
				uint16_t q = seq[2 * i + (unsigned)s]++;
				uint32_t ts = 160u * q;
				struct sa d = gaddr[s][i % k];

				pkt[2] = (uint8_t)(q >> 8);
				pkt[3] = (uint8_t)q;
				pkt[4] = (uint8_t)(ts >> 24);
				pkt[5] = (uint8_t)(ts >> 16);
				pkt[6] = (uint8_t)(ts >> 8);
				pkt[7] = (uint8_t)ts;
				pkt[8] = (uint8_t)s;
				memcpy(pkt + 9, &i, 3);
				/* a level per direction, never silence */
				memset(pkt + 12, s ? 0x20 : 0x10, 160);
				sa_set_port(&d, c[i].lport[s]);
				(void)sendto(gfd[s][i % k], pkt, sizeof(pkt),
				             MSG_DONTWAIT, &d.u.sa, d.len);
			}
		}
		slot = (slot + 1) % 20;
		next += 1000000;
		for (int s = 0; s < 2; s++) {
			for (unsigned j = 0; j < k; j++) {
				while (recv(gfd[s][j], junk, sizeof(junk),
				            MSG_DONTWAIT) >= 0)
					;
			}
		}
		while (mono() < next) {
			struct timespec ts = {0, 200000};
			nanosleep(&ts, NULL);
		}
	}
	free(seq);
}

static int recording_run(struct media *m, const struct opts *o)
{
	const unsigned n = o->recordings, k = o->socks;
	struct rec_call *c = calloc(n, sizeof(*c));
	int *gfd[2];
	struct sa *gaddr[2];
	struct media_stats s0, s1;
	long rss0, rss1;
	char dir[256];
	pid_t pid;
	int status, err = 0;
	unsigned ended = 0, failed = 0;
	uint64_t dropped = 0, frames = 0, silent = 0, short_frames = 0;
	int64_t dev_max = 0;

	snprintf(dir, sizeof(dir), "%s/hl-play-bench-%d", o->dir, getpid());
	if (mkdir(dir, 0700) < 0) {
		perror(dir);
		return errno;
	}
	for (int s = 0; s < 2; s++) {
		gfd[s] = calloc(k, sizeof(int));
		gaddr[s] = calloc(k, sizeof(struct sa));
		for (unsigned j = 0; j < k; j++)
			gfd[s][j] = udp_socket(&gaddr[s][j], false);
	}

	rss0 = rss_kib();
	for (unsigned i = 0; i < n; i++) {
		struct sa l;
		err = media_relay_alloc(&c[i].r, m);
		if (err) {
			fprintf(stderr, "relay %u: %s\n", i, strerror(err));
			goto out;
		}
		media_relay_set_handler(c[i].r, rec_event, &c[i]);
		if (o->dtmf)
			media_relay_set_dtmf(c[i].r, 0, 101, true);
		for (int s = 0; s < 2; s++) {
			media_relay_laddr(c[i].r, s, &l);
			c[i].lport[s] = sa_port(&l);
			media_relay_set_remote(c[i].r, s, &gaddr[s][i % k]);
		}
	}
	media_flush(m);

	pid = fork();
	if (pid == 0) {
		generator(n, c, gfd, (const struct sa **)gaddr, k,
		          o->rec_seconds + 2, o->pin ? 0 : -1);
		_exit(0);
	}
	usleep(500000); /* traffic flowing before the recordings start */
	media_stats(m, &s0);
	for (unsigned i = 0; i < n; i++) {
		snprintf(c[i].path, sizeof(c[i].path), "%s/call-%05u.wav", dir,
		         i);
		c[i].t_start = mono();
		media_relay_record(c[i].r, c[i].path, true, MEDIA_REC_PCM16);
	}
	loop_run(o->rec_seconds * 1000);
	media_flush(m);
	rss1 = rss_kib();
	for (unsigned i = 0; i < n; i++) {
		media_relay_record_stop(c[i].r);
		c[i].t_stop = mono();
	}
	for (int w = 0; w < 1000; w++) {
		ended = failed = 0;
		for (unsigned i = 0; i < n; i++) {
			ended += c[i].ended;
			failed += c[i].failed;
		}
		if (ended + failed == n)
			break;
		loop_run(10);
	}
	media_stats(m, &s1);
	waitpid(pid, &status, 0);

	/* every file: its length against its duration, silent frames */
	for (unsigned i = 0; i < n; i++) {
		SF_INFO info = {0};
		SNDFILE *sf = sf_open(c[i].path, SFM_READ, &info);
		int16_t fr[320];
		int64_t want = (c[i].t_stop - c[i].t_start) / 20000000;
		int64_t dev;

		dropped += c[i].dropped;
		frames += c[i].frames;
		if (!sf)
			continue;
		dev = info.frames / 160 - want;
		if (dev < 0)
			dev = -dev;
		if (dev > dev_max)
			dev_max = dev;
		if ((uint64_t)info.frames != c[i].frames * 160)
			short_frames++;
		/* a frame with either channel silent, except the first and
		 * the last two (before the first packet, the one in progress)
		 */
		for (sf_count_t f = 0; f < info.frames / 160; f++) {
			bool l = false, r = false;
			if (sf_readf_short(sf, fr, 160) != 160)
				break;
			for (int j = 0; j < 160; j++) {
				l |= fr[2 * j] != 0;
				r |= fr[2 * j + 1] != 0;
			}
			if ((!l || !r) && f > 0 && f < info.frames / 160 - 2)
				silent++;
		}
		sf_close(sf);
	}

	double secs = (double)o->rec_seconds;
	double cpu = (double)(s1.cpu_ns - s0.cpu_ns) / 1e9;
	double wcpu = (double)(s1.writer_cpu_ns - s0.writer_cpu_ns) / 1e9;
	printf("# recording: %u bridged calls, 50 pkt/s each way, stereo PCM16 "
	       "WAV to %s, %u s%s\n",
	       n, o->dir, o->rec_seconds,
	       o->dtmf ? ", DTMF detection (in-band + RFC 4733) on every caller"
	               : "");
	printf("#   ended %u, failed %u; frames written %llu (%.0f per call, "
	       "expected ~%.0f); dropped %llu; files whose length differs from "
	       "the event %llu; worst |frames - duration/20ms| %lld\n",
	       ended, failed, (unsigned long long)frames, (double)frames / n,
	       secs * 50, (unsigned long long)dropped,
	       (unsigned long long)short_frames, (long long)dev_max);
	printf(
	    "#   frames with a silent channel mid-file (audio lost): %llu of "
	    "%llu\n",
	    (unsigned long long)silent, (unsigned long long)frames);
	printf("#   media threads %.1f%% of a core (%.3f%% per call), writer "
	       "%.1f%% (%.3f%% per call); RSS %.0f KiB per recording call\n",
	       100 * cpu / secs, 100 * cpu / secs / n, 100 * wcpu / secs,
	       100 * wcpu / secs / n, (double)(rss1 - rss0) / n);

out:
	for (unsigned i = 0; i < n; i++) {
		mem_deref(c[i].r);
		if (c[i].path[0])
			unlink(c[i].path);
	}
	rmdir(dir);
	for (int s = 0; s < 2; s++) {
		for (unsigned j = 0; j < k; j++)
			close(gfd[s][j]);
		free(gfd[s]);
		free(gaddr[s]);
	}
	free(c);
	media_flush(m);
	return err;
}

/* --- main
 * ------------------------------------------------------------------------ */

static void usage(void)
{
	fprintf(
	    stderr,
	    "usage: play_bench [-s SECONDS] [-t THREADS] [-k SOCKS] [-r PRIO] "
	    "[-p 0|1] [-R CALLS] [-S SECONDS] [-d DIR] [-D] [STEPS...]\n"
	    "  STEPS  concurrent players per step (default 500 1000 2000 "
	    "3000)\n"
	    "  -s     seconds measured per step (default 10)\n"
	    "  -t     media threads (default 1)\n"
	    "  -k     receiver sockets (default 16)\n"
	    "  -r     media threads SCHED_FIFO at PRIO\n"
	    "  -p     pin receiver/generator to CPU 0, media to CPU 1 "
	    "(default 1)\n"
	    "  -R     recorded calls (default 500, 0 = skip)\n"
	    "  -S     seconds of recording (default 10)\n"
	    "  -d     folder for the recordings (default /tmp)\n"
	    "  -D     DTMF detection (in-band too) on every recorded caller\n");
}

int main(int argc, char **argv)
{
	struct opts o = {.seconds = 10,
	                 .rec_seconds = 10,
	                 .recordings = 500,
	                 .threads = 1,
	                 .socks = 16,
	                 .pin = 1,
	                 .dir = "/tmp"};
	struct media_cfg cfg = {
	    .ip = "127.0.0.1", .port_min = PORT_MIN, .port_max = PORT_MAX};
	struct media *m = NULL;
	struct media_clip *clip = NULL, synth;
	static uint8_t synth_u[80000];
	int *fd;
	struct sa *addr;
	int c, err = 0;

	while ((c = getopt(argc, argv, "s:t:k:r:p:R:S:d:Dh")) != -1) {
		switch (c) {
		case 's':
			o.seconds = (unsigned)atoi(optarg);
			break;
		case 't':
			o.threads = (unsigned)atoi(optarg);
			break;
		case 'k':
			o.socks = (unsigned)atoi(optarg);
			break;
		case 'r':
			o.rt_prio = atoi(optarg);
			break;
		case 'p':
			o.pin = atoi(optarg);
			break;
		case 'R':
			o.recordings = (unsigned)atoi(optarg);
			break;
		case 'S':
			o.rec_seconds = (unsigned)atoi(optarg);
			break;
		case 'd':
			o.dir = optarg;
			break;
		case 'D':
			o.dtmf = 1;
			break;
		default:
			usage();
			return 2;
		}
	}
	for (; optind < argc && o.nsteps < 16; optind++)
		o.steps[o.nsteps++] = (unsigned)atoi(argv[optind]);
	if (!o.nsteps) {
		static const unsigned def[] = {500, 1000, 2000, 3000};
		memcpy(o.steps, def, sizeof(def));
		o.nsteps = 4;
	}
	if (!o.seconds || !o.socks || o.socks > 256 ||
	    o.recordings > (PORT_MAX - PORT_MIN + 1) / 4) {
		usage();
		return 2;
	}

	hl_log_set_level(HL_LOG_WARN);
	if (libre_init())
		return 1;
	{
		struct rlimit rl;
		getrlimit(RLIMIT_NOFILE, &rl);
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		fd_setsize((int)(rl.rlim_cur < 20000 ? rl.rlim_cur : 20000));
	}

	if (media_clip_load(&clip, "build/prompts/common/moh/default.wav") !=
	    0) {
		for (size_t i = 0; i < sizeof(synth_u); i++)
			synth_u[i] = (uint8_t)(0x80 + (i * 7) % 100);
		synth.ulaw = synth_u;
		synth.samples = sizeof(synth_u);
		clip = NULL;
	}

	fd = calloc(o.socks, sizeof(int));
	addr = calloc(o.socks, sizeof(struct sa));
	for (unsigned j = 0; j < o.socks; j++) {
		fd[j] = udp_socket(&addr[j], true);
		if (fd[j] < 0) {
			perror("socket");
			return 1;
		}
	}
	if (o.pin)
		pin_to(1); /* the media threads inherit it */
	cfg.threads = o.threads;
	cfg.rt_prio = o.rt_prio;
	err = media_alloc(&m, &cfg);
	if (err) {
		fprintf(stderr, "media_alloc: %s\n", strerror(err));
		return 1;
	}

	printf(
	    "# play_bench: %u media thread(s)%s, %s, music %s (%zu samples), "
	    "%u s per step\n",
	    o.threads, o.rt_prio ? " SCHED_FIFO" : "",
	    o.pin ? "media on CPU 1, receiver on CPU 0" : "unpinned",
	    clip ? "build/prompts/common/moh/default.wav" : "synthetic",
	    clip ? clip->samples : synth.samples, o.seconds);
	printf(
	    "# pkts/s: frames the players sent per second; rx: received by "
	    "the phones; lost: sequence gaps; late: packets > 30 ms behind "
	    "their stream's best (arrival - timestamp)\n"
	    "# CPU: media threads, %% of one core (total, per call); "
	    "us/pkt: their CPU per packet sent\n"
	    "# jit: RFC 3550 interarrival jitter, us (mean of streams, "
	    "worst stream); late p99/p99.9/max: ms behind the best\n"
	    "# gap: shortest/longest inter-arrival, ms; tick: worst tick "
	    "lateness on the media thread, ms; RSS/call, slab/call: bytes\n");
	printf("# calls    pkts/s        rx   lost  late    CPU  CPU/c us/pk "
	       "jitmean jitmax  p99  p99.9    max   gap min/max  tick   "
	       "RSS/c  slab/c\n");
	for (unsigned i = 0; i < o.nsteps && !err; i++)
		err = players_step(m, &o, clip ? clip : &synth, o.steps[i], fd,
		                   addr);

	if (!err && o.recordings)
		err = recording_run(m, &o);

	mem_deref(m);
	mem_deref(clip);
	for (unsigned j = 0; j < o.socks; j++)
		close(fd[j]);
	free(fd);
	free(addr);
	libre_close();
	return err ? 1 : 0;
}
