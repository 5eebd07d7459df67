/**
 * @file relay_bench.c  How many bridged calls the RTP relay carries.
 *
 * For each step N (default 500, 1000, 2000, 3000) the bench allocates N
 * relays in this process and forks a load generator that plays both legs of
 * every call: 50 packets/s of 172-byte RTP (160 bytes of G.711) in each
 * direction, the streams' send times spread evenly over the 20 ms period,
 * for --seconds.  The generator shares a few sockets among the simulated
 * peers (as SIPp's rtp_stream does) so its own cost stays small, and is
 * pinned to CPU 0 while the media thread runs on CPU 1 (--pin, the default
 * with one media thread).  Each packet carries its stream id (SSRC) and its
 * send time, so the generator checks routing and measures transit.
 *
 * Per step it prints: packets relayed per second, loss (sent - received
 * after a drain), misrouted packets, the media threads' CPU (% of one
 * core), transit percentiles and RFC 3550 interarrival jitter, whether the
 * generator kept its schedule, user memory per relay (RSS delta / N),
 * kernel memory per relay (Slab delta / N, approximate) and fds per relay.
 *
 * Loopback only, bounded in time: steps * (seconds + ~2 s).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <re.h>

#include "core/core.h"
#include "media/media.h"

#define PKT_LEN   172
#define PTIME_NS  20000000ull
#define GEN_BATCH 64
#define PORT_MIN  16384
#define PORT_MAX  32767
#define HIST_US   100000 /* transit histogram: 1 us bins up to 100 ms */

struct opts {
	unsigned steps[16];
	unsigned nsteps;
	unsigned seconds;
	unsigned threads;
	unsigned gen_socks; /* per side */
	int pin;            /* -1 = auto */
	int gen_epoll;
	int rt_prio;
	int gen_rt;
};

/* What the generator reports back through a pipe. */
struct gen_result {
	uint64_t sent, received, misrouted, dup_or_old;
	uint64_t p50_us, p99_us, p999_us, max_us;
	double jitter_mean_us, jitter_max_us;
	double behind_max_ms; /* how late the generator ran its schedule */
	double cpu_s;         /* generator's own CPU */
};

/* Everything the generator needs, prepared before fork. */
struct plan {
	unsigned n;
	int *gfd[2]; /* generator sockets per side */
	struct sa *gaddr[2];
	unsigned k;              /* sockets per side */
	uint16_t *lport[2];      /* relay i's local RTP port on side s */
	int32_t *stream_of_port; /* relay port - PORT_MIN -> stream id that
	                          * comes *out* of it, -1 none */
	unsigned seconds;
	int cpu;       /* pin the generator here, -1 no */
	int gen_epoll; /* block in epoll (woken per packet) */
	int rt_prio;   /* generator SCHED_FIFO priority, 0 = normal */
};

static uint64_t now_ns(void)
{
	return hl_mono_ns();
}

/* Send times travel in the packet as wall-clock ns, so they compare with
 * the kernel's receive timestamps (SO_TIMESTAMPNS). */
static uint64_t wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t rx_stamp(struct msghdr *h)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			return (uint64_t)ts.tv_sec * 1000000000ull +
			       (uint64_t)ts.tv_nsec;
		}
	}
	return wall_ns();
}

/* --- generator (child process) -------------------------------------------- */

struct stream {
	uint16_t seq; /* next to send */
	uint32_t sent, recv;
	int32_t last_seq; /* highest received, -1 none */
	int64_t last_transit;
	double jitter; /* RFC 3550, in ns */
};

/* Packets waiting to leave one generator socket. */
struct txq {
	unsigned n;
	struct mmsghdr msg[GEN_BATCH];
	struct iovec iov[GEN_BATCH];
	struct sa addr[GEN_BATCH];
	uint8_t buf[GEN_BATCH][PKT_LEN];
};

static void txq_flush(struct txq *q, int fd)
{
	unsigned done = 0;

	for (unsigned i = 0; i < q->n; i++) {
		q->iov[i].iov_base = q->buf[i];
		q->iov[i].iov_len = PKT_LEN;
		q->msg[i].msg_hdr.msg_iov = &q->iov[i];
		q->msg[i].msg_hdr.msg_iovlen = 1;
		q->msg[i].msg_hdr.msg_name = &q->addr[i].u;
		q->msg[i].msg_hdr.msg_namelen = q->addr[i].len;
	}
	while (done < q->n) {
		int r = sendmmsg(fd, q->msg + done, q->n - done, 0);
		if (r <= 0)
			break; /* counted as lost by the receiver */
		done += (unsigned)r;
	}
	q->n = 0;
}

static int gen_run(const struct plan *p, struct gen_result *res)
{
	const unsigned nstreams = 2 * p->n;
	struct stream *st = calloc(nstreams, sizeof(*st));
	uint32_t *hist = calloc(HIST_US + 1, sizeof(*hist));
	struct txq *txq = calloc(2 * p->k, sizeof(*txq));
	struct mmsghdr rx[GEN_BATCH];
	struct iovec rxiov[GEN_BATCH];
	struct sa rxaddr[GEN_BATCH];
	static uint8_t rxbuf[GEN_BATCH][2048];
	static uint8_t rxctl[GEN_BATCH][64];
	struct epoll_event ev[128];
	int ep;
	uint64_t t0, tend, tdrain, next_slot;
	unsigned slot = 0;
	const unsigned nslots = 20; /* 1 ms slots in one 20 ms period */

	if (!st || !hist || !txq)
		return ENOMEM;

	if (p->cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(p->cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	if (p->rt_prio > 0) {
		struct sched_param sp = {.sched_priority = p->rt_prio};
		if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0)
			perror("generator: SCHED_FIFO");
	}

	ep = epoll_create1(0);
	for (int s = 0; s < 2; s++) {
		for (unsigned j = 0; j < p->k; j++) {
			struct epoll_event e = {.events = EPOLLIN};
			e.data.u64 = ((uint64_t)s << 32) | j;
			epoll_ctl(ep, EPOLL_CTL_ADD, p->gfd[s][j], &e);
		}
	}

	/* stream id = 2 * relay + side it enters at; slot k of the 20 ms
	 * period sends a contiguous range of ids, so sends are spread evenly */
	for (unsigned id = 0; id < nstreams; id++)
		st[id].last_seq = -1;
	for (int i = 0; i < GEN_BATCH; i++) {
		rxiov[i].iov_base = rxbuf[i];
		rxiov[i].iov_len = sizeof(rxbuf[i]);
		rx[i].msg_hdr.msg_iov = &rxiov[i];
		rx[i].msg_hdr.msg_iovlen = 1;
		rx[i].msg_hdr.msg_name = &rxaddr[i].u;
		rx[i].msg_hdr.msg_control = rxctl[i];
	}

	/* packets a late relay forwarded after the previous step ended */
	for (int s = 0; s < 2; s++) {
		for (unsigned j = 0; j < p->k; j++) {
			while (recv(p->gfd[s][j], rxbuf[0], sizeof(rxbuf[0]),
			            MSG_DONTWAIT) >= 0)
				;
		}
	}

	t0 = now_ns() + 50000000ull;
	tend = t0 + (uint64_t)p->seconds * 1000000000ull;
	tdrain = 0; /* set after the last send: one second later */
	next_slot = t0;
	res->behind_max_ms = 0;

	for (;;) {
		uint64_t now = now_ns();
		int n;

		/* send every slot that is due */
		while (now >= next_slot && next_slot < tend) {
			double behind = (double)(now - next_slot) / 1e6;
			unsigned lo = (unsigned)(((uint64_t)slot * nstreams +
			                          nslots - 1) /
			                         nslots);
			unsigned hi =
			    (unsigned)(((uint64_t)(slot + 1) * nstreams +
			                nslots - 1) /
			               nslots);
			if (behind > res->behind_max_ms)
				res->behind_max_ms = behind;

			for (unsigned id = lo; id < hi; id++) {
				unsigned relay = id / 2, s = id % 2;
				unsigned j = relay % p->k;
				struct txq *q = &txq[s * p->k + j];
				struct stream *x = &st[id];
				uint8_t *b = q->buf[q->n];
				uint64_t ts = wall_ns();
				uint32_t rtpts = 160u * x->seq;

				b[0] = 0x80;
				b[1] = 0;
				b[2] = (uint8_t)(x->seq >> 8);
				b[3] = (uint8_t)x->seq;
				memcpy(b + 4, &rtpts, 4);
				memcpy(b + 8, &id, 4);
				memcpy(b + 12, &ts, 8);
				memset(b + 20, (int)(id & 0xff), PKT_LEN - 20);
				q->addr[q->n] = p->gaddr[s][j];
				sa_set_port(&q->addr[q->n], p->lport[s][relay]);
				x->seq++;
				x->sent++;
				res->sent++;
				if (++q->n == GEN_BATCH)
					txq_flush(q, p->gfd[s][j]);
			}
			for (unsigned q = 0; q < 2 * p->k; q++)
				txq_flush(&txq[q], p->gfd[q / p->k][q % p->k]);
			slot = (slot + 1) % nslots;
			next_slot += PTIME_NS / nslots;
		}

		if (next_slot >= tend && !tdrain)
			tdrain = now + 1000000000ull;
		if (tdrain && now >= tdrain)
			break;
		/* Sleep until the next slot, then read what came meanwhile.
		 * Not blocking in epoll keeps the relay's sends from waking
		 * us per packet, as remote peers behind a NIC would not. */
		uint64_t until =
		    next_slot < tend ? next_slot : now + 1000000ull;
		if (until > now) {
			if (p->gen_epoll) {
				uint64_t w = until - now;
				struct timespec tmo = {
				    .tv_sec = (time_t)(w / 1000000000ull),
				    .tv_nsec = (long)(w % 1000000000ull)};
				n = epoll_pwait2(ep, ev, 128, &tmo, NULL);
			} else {
				struct timespec ts = {
				    .tv_sec = (time_t)(until / 1000000000ull),
				    .tv_nsec = (long)(until % 1000000000ull)};
				clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
				                &ts, NULL);
				n = epoll_wait(ep, ev, 128, 0);
			}
		} else {
			n = epoll_wait(ep, ev, 128, 0);
		}
		for (int e = 0; e < n; e++) {
			int s = (int)(ev[e].data.u64 >> 32);
			unsigned j = (unsigned)(ev[e].data.u64 & 0xffffffff);
			int got;

			for (int i = 0; i < GEN_BATCH; i++) {
				rx[i].msg_hdr.msg_namelen = sizeof(rxaddr[i].u);
				rx[i].msg_hdr.msg_controllen = sizeof(rxctl[i]);
			}
			got = recvmmsg(p->gfd[s][j], rx, GEN_BATCH,
			               MSG_DONTWAIT, NULL);
			for (int i = 0; i < got; i++) {
				uint64_t tr = rx_stamp(&rx[i].msg_hdr);
				struct sa *src = &rxaddr[i];
				uint8_t *b = rxbuf[i];
				unsigned port, id;
				uint64_t ts;
				uint16_t seq;

				src->len = rx[i].msg_hdr.msg_namelen;
				port = sa_port(src);
				memcpy(&id, b + 8, 4);
				if (rx[i].msg_len != PKT_LEN ||
				    port < PORT_MIN || port > PORT_MAX ||
				    p->stream_of_port[port - PORT_MIN] !=
				        (int32_t)id ||
				    b[PKT_LEN - 1] != (uint8_t)(id & 0xff)) {
					res->misrouted++;
					continue;
				}
				struct stream *x = &st[id];
				seq = (uint16_t)((b[2] << 8) | b[3]);
				if ((int32_t)seq <= x->last_seq) {
					res->dup_or_old++;
					continue;
				}
				x->last_seq = seq;
				x->recv++;
				res->received++;
				memcpy(&ts, b + 12, 8);
				int64_t transit = (int64_t)(tr - ts);
				uint64_t us =
				    transit > 0 ? (uint64_t)transit / 1000 : 0;
				hist[us > HIST_US ? HIST_US : us]++;
				if (us > res->max_us)
					res->max_us = us;
				if (x->recv > 1) {
					int64_t d = transit - x->last_transit;
					if (d < 0)
						d = -d;
					x->jitter +=
					    ((double)d - x->jitter) / 16.0;
				}
				x->last_transit = transit;
			}
		}
	}

	/* percentiles */
	uint64_t acc = 0;
	for (unsigned us = 0; us <= HIST_US; us++) {
		acc += hist[us];
		if (!res->p50_us && acc * 2 >= res->received)
			res->p50_us = us;
		if (!res->p99_us && acc * 100 >= res->received * 99)
			res->p99_us = us;
		if (!res->p999_us && acc * 1000 >= res->received * 999)
			res->p999_us = us;
	}
	double jsum = 0;
	for (unsigned id = 0; id < nstreams; id++) {
		jsum += st[id].jitter;
		if (st[id].jitter / 1000.0 > res->jitter_max_us)
			res->jitter_max_us = st[id].jitter / 1000.0;
	}
	res->jitter_mean_us = jsum / nstreams / 1000.0;

	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	res->cpu_s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	             (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;

	free(st);
	free(hist);
	free(txq);
	close(ep);
	return 0;
}

/* --- measuring the relay process ----------------------------------------- */

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

/* Microseconds some task waited for a CPU (PSI), to show contention from
 * other work; /proc/stat's tick sampling misses short periodic work. */
static uint64_t cpu_wait_us(void)
{
	unsigned long long total = 0;
	FILE *f = fopen("/proc/pressure/cpu", "r");

	if (!f)
		return 0;
	if (fscanf(f, "some avg10=%*f avg60=%*f avg300=%*f total=%llu",
	           &total) != 1)
		total = 0;
	fclose(f);
	return total;
}

static unsigned fd_count(void)
{
	unsigned n = 0;
	struct rlimit rl;

	getrlimit(RLIMIT_NOFILE, &rl);
	for (unsigned fd = 0; fd < rl.rlim_cur; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	}
	return n;
}

static int gen_socket(struct sa *addr)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int sz = 4 << 20, on = 1;

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
	(void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
	sa_set_str(addr, "127.0.0.1", 0);
	if (bind(fd, &addr->u.sa, addr->len) < 0) {
		close(fd);
		return -1;
	}
	addr->len = sizeof(addr->u);
	getsockname(fd, &addr->u.sa, &addr->len);
	return fd;
}

static int run_step(struct media *m, struct plan *p, unsigned n)
{
	struct media_relay **r = calloc(n, sizeof(*r));
	struct media_stats ms0, ms1;
	struct gen_result res;
	long rss0, rss1, slab0, slab1;
	unsigned fd0, fd1;
	int pfd[2], status, err = 0;
	uint64_t pw0, pw1, w0, w1;
	pid_t pid;

	p->n = n;
	for (int s = 0; s < 2; s++)
		p->lport[s] = calloc(n, sizeof(uint16_t));
	if (!r || !p->lport[0] || !p->lport[1])
		return ENOMEM;
	for (unsigned i = 0; i <= PORT_MAX - PORT_MIN; i++)
		p->stream_of_port[i] = -1;

	media_flush(m);
	rss0 = rss_kib();
	slab0 = slab_kib();
	fd0 = fd_count();
	uint64_t a0 = now_ns();
	for (unsigned i = 0; i < n; i++) {
		struct sa l;
		err = media_relay_alloc(&r[i], m);
		if (err) {
			fprintf(stderr, "relay %u: %s\n", i, strerror(err));
			goto out;
		}
		for (int s = 0; s < 2; s++) {
			media_relay_laddr(r[i], s, &l);
			p->lport[s][i] = sa_port(&l);
			/* what leaves side s came in at the other side */
			p->stream_of_port[sa_port(&l) - PORT_MIN] =
			    (int32_t)(2 * i + !s);
			media_relay_set_remote(r[i], s, &p->gaddr[s][i % p->k]);
		}
	}
	media_flush(m);
	double alloc_us = (double)(now_ns() - a0) / 1e3 / n;
	rss1 = rss_kib();
	slab1 = slab_kib();
	fd1 = fd_count();

	if (pipe(pfd) < 0) {
		err = errno;
		goto out;
	}
	media_stats(m, &ms0);
	pw0 = cpu_wait_us();
	w0 = now_ns();
	pid = fork();
	if (pid == 0) {
		memset(&res, 0, sizeof(res));
		close(pfd[0]);
		if (gen_run(p, &res))
			_exit(1);
		if (write(pfd[1], &res, sizeof(res)) != sizeof(res))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	if (pid < 0) {
		err = errno;
		close(pfd[0]);
		goto out;
	}
	memset(&res, 0, sizeof(res));
	if (read(pfd[0], &res, sizeof(res)) != sizeof(res))
		err = EPIPE;
	close(pfd[0]);
	waitpid(pid, &status, 0);
	media_stats(m, &ms1);
	pw1 = cpu_wait_us();
	w1 = now_ns();
	if (err)
		goto out;

	double active = p->seconds; /* packets flow this long */
	uint64_t relayed = ms1.tx_pkts - ms0.tx_pkts;
	double cpu = (double)(ms1.cpu_ns - ms0.cpu_ns) / 1e9;

	double sys = 100.0 * (double)(pw1 - pw0) * 1e3 / (double)(w1 - w0);
	printf(
	    "%6u %8.0f %8llu %6llu %6llu %4llu %5.1f%% %5.2f %6llu "
	    "%6llu %7llu %7llu %6.0f %7.1f %5.1f%% %5.1f%% %7.0f %7.0f "
	    "%4.2f %6.1f\n",
	    n, (double)relayed / active, (unsigned long long)res.sent,
	    (unsigned long long)(res.sent - res.received),
	    (unsigned long long)(res.sent > relayed ? res.sent - relayed : 0),
	    (unsigned long long)res.misrouted, 100.0 * cpu / active,
	    cpu * 1e6 / (double)(relayed ? relayed : 1),
	    (unsigned long long)res.p50_us, (unsigned long long)res.p99_us,
	    (unsigned long long)res.p999_us, (unsigned long long)res.max_us,
	    res.jitter_mean_us, res.behind_max_ms, 100.0 * res.cpu_s / active,
	    sys, (double)(rss1 - rss0) * 1024.0 / n,
	    (double)(slab1 - slab0) * 1024.0 / n, (double)(fd1 - fd0) / n,
	    alloc_us);
	fflush(stdout);

out:
	for (unsigned i = 0; i < n; i++)
		mem_deref(r[i]);
	free(r);
	media_flush(m);
	for (int s = 0; s < 2; s++) {
		free(p->lport[s]);
		p->lport[s] = NULL;
	}
	return err;
}

static void usage(void)
{
	fprintf(stderr,
	        "usage: relay_bench [-s SECONDS] [-t THREADS] [-k SOCKS] [-r "
	        "PRIO] [-R] [-e] "
	        "[-p 0|1] [STEPS...]\n"
	        "  STEPS     relays per step (default 500 1000 2000 3000)\n"
	        "  -s        seconds of traffic per step (default 20)\n"
	        "  -t        media threads (default 1)\n"
	        "  -k        generator sockets per side (default 16)\n"
	        "  -p        pin generator to CPU 0 and relay to CPU 1 "
	        "(default: 1 with one media thread)\n"
	        "  -r PRIO   media threads SCHED_FIFO at PRIO (default: "
	        "normal)\n"
	        "  -R        generator SCHED_FIFO too (isolates the "
	        "measurement from other load)\n"
	        "  -e        generator blocks in epoll (woken per packet) "
	        "instead of a 1 ms poll\n");
}

int main(int argc, char **argv)
{
	struct opts o = {
	    .seconds = 20, .threads = 1, .gen_socks = 16, .pin = -1};
	struct media_cfg cfg = {
	    .ip = "127.0.0.1", .port_min = PORT_MIN, .port_max = PORT_MAX};
	struct plan p = {0};
	struct media *m = NULL;
	int c, err = 0;

	while ((c = getopt(argc, argv, "s:t:k:p:r:Reh")) != -1) {
		switch (c) {
		case 's':
			o.seconds = (unsigned)atoi(optarg);
			break;
		case 't':
			o.threads = (unsigned)atoi(optarg);
			break;
		case 'k':
			o.gen_socks = (unsigned)atoi(optarg);
			break;
		case 'p':
			o.pin = atoi(optarg);
			break;
		case 'e':
			o.gen_epoll = 1;
			break;
		case 'r':
			o.rt_prio = atoi(optarg);
			break;
		case 'R':
			o.gen_rt = 1;
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
	if (!o.seconds || !o.gen_socks || o.gen_socks > 256) {
		usage();
		return 2;
	}
	for (unsigned i = 0; i < o.nsteps; i++) {
		if (!o.steps[i] || o.steps[i] > (PORT_MAX - PORT_MIN + 1) / 4) {
			fprintf(stderr, "step %u: at most %u relays\n",
			        o.steps[i], (PORT_MAX - PORT_MIN + 1) / 4);
			return 2;
		}
	}
	if (o.pin < 0)
		o.pin = o.threads == 1 && sysconf(_SC_NPROCESSORS_ONLN) >= 2;

	hl_log_set_level(HL_LOG_WARN);
	if (libre_init())
		return 1;

	p.k = o.gen_socks;
	p.seconds = o.seconds;
	p.cpu = o.pin ? 0 : -1;
	p.gen_epoll = o.gen_epoll;
	p.rt_prio = o.gen_rt ? (o.rt_prio > 0 ? o.rt_prio : 10) : 0;
	p.stream_of_port = calloc(PORT_MAX - PORT_MIN + 1, sizeof(int32_t));
	for (int s = 0; s < 2; s++) {
		p.gfd[s] = calloc(p.k, sizeof(int));
		p.gaddr[s] = calloc(p.k, sizeof(struct sa));
		for (unsigned j = 0; j < p.k; j++) {
			p.gfd[s][j] = gen_socket(&p.gaddr[s][j]);
			if (p.gfd[s][j] < 0) {
				perror("generator socket");
				return 1;
			}
		}
	}

	/* the media threads inherit the affinity */
	if (o.pin) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(1, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	cfg.threads = o.threads;
	cfg.rt_prio = o.rt_prio;
	err = media_alloc(&m, &cfg);
	if (err) {
		fprintf(stderr, "media_alloc: %s\n", strerror(err));
		return 1;
	}

	printf("# relay_bench: %u media thread(s)%s, generator%s, %s, %u s "
	       "per step, %u generator sockets per side, 172-byte RTP at "
	       "50/s each way\n",
	       o.threads, o.rt_prio ? " SCHED_FIFO" : "",
	       o.gen_rt ? " SCHED_FIFO" : "",
	       o.pin ? "relay on CPU 1, generator on CPU 0" : "unpinned",
	       o.seconds, o.gen_socks);
	printf("#\n# relays: concurrent relays; pkts/s: relayed per second; "
	       "sent: by the generator;\n# lost: sent - received back; "
	       "rlost: sent - relayed (lost at the relay); misr: misrouted\n"
	       "# relCPU: media threads' CPU, %% of one core while traffic "
	       "flows; us/pkt: their CPU per relayed packet\n"
	       "# p50..max: transit generator->relay->generator in us "
	       "(kernel timestamps); jit: RFC 3550 jitter, mean of streams, "
	       "us\n# behind: worst lateness of the generator's schedule, ms; "
	       "genCPU: generator's CPU; cpuwait: share of time some task "
	       "waited for a CPU (PSI: contention, e.g. from others' work)\n# "
	       "RSS/r, slab/r: user and kernel bytes per relay; "
	       "fd/r: file descriptors per relay; alloc: us to set one up\n");
	printf("# relays   pkts/s     sent   lost  rlost misr relCPU us/pkt "
	       "   p50    p99   p99.9     max    jit  behind genCPU  cpuwait"
	       "  RSS/r  slab/r fd/r  alloc\n");

	for (unsigned i = 0; i < o.nsteps && !err; i++)
		err = run_step(m, &p, o.steps[i]);

	mem_deref(m);
	for (int s = 0; s < 2; s++) {
		for (unsigned j = 0; j < p.k; j++)
			close(p.gfd[s][j]);
		free(p.gfd[s]);
		free(p.gaddr[s]);
	}
	free(p.stream_of_port);
	libre_close();
	return err ? 1 : 0;
}
