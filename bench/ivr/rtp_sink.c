/**
 * @file rtp_sink.c  The callers' ears for bench/ivr/run: one UDP socket
 * that every caller's SDP names, receiving what the daemon plays to
 * thousands of callers (prompts, music, announcements), and telling how
 * regular it is.
 *
 *     rtp_sink PORT SECONDS [INTERVAL_S]
 *
 * Streams are told apart by SSRC (the relay keeps one per caller).  Each
 * packet's arrival is the kernel's receive timestamp (SO_TIMESTAMPNS), so
 * the sink's own scheduling does not count.  Per stream:
 *   lateness  arrival - (first arrival + RTP time elapsed), minus the
 *             smallest such offset seen in the talkspurt: how much later
 *             than its schedule a packet came (a player that falls behind
 *             shows here).  A talkspurt starts at a packet with the marker
 *             bit: the relay sets it at every switch (prompt, music,
 *             announcement, agent), where it advances the timestamp by the
 *             time elapsed in whole frames, so timestamps and wall time
 *             only agree within a talkspurt (receivers re-anchor their
 *             playout there too);
 *   jitter    RFC 3550's interarrival jitter estimate;
 *   gaps      sequence numbers skipped (lost or never sent).
 * Every INTERVAL_S (default 1) one line:
 *   t=<s> streams=<active> pkts=<n> pps=<n> jit_mean=<ms> jit_max=<ms>
 *   late_p99=<ms> late_p999=<ms> late_max=<ms> late20=<n> late50=<n>
 *   gaps=<n>
 * and at the end a line "total ..." over the whole run.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_STREAMS 16384 /* power of two */
#define BATCH 64
#define HIST_US 200000 /* lateness histogram: 0..200 ms in 10 us steps */
#define HIST_STEP 10

struct stream {
	uint32_t ssrc;
	int used;
	int64_t first_ns;   /* arrival of the first packet */
	uint32_t ts0;       /* its timestamp */
	int64_t ts_ext;     /* extended timestamp of the last packet */
	uint32_t last_ts;
	uint16_t last_seq;
	int64_t last_arr;
	int64_t min_off;    /* smallest arrival - schedule seen */
	double jitter;      /* RFC 3550, in samples */
	int64_t seen_ival;  /* interval index of the last packet */
};

static struct stream streams[MAX_STREAMS];

struct tally {
	uint64_t pkts, gaps, late20, late50;
	uint64_t hist[HIST_US / HIST_STEP + 1];
	int64_t late_max_ns;
};

static struct tally ival, total;

static struct stream *stream_get(uint32_t ssrc)
{
	uint32_t h = (ssrc * 2654435761u) & (MAX_STREAMS - 1);

	for (unsigned i = 0; i < MAX_STREAMS; i++) {
		struct stream *s = &streams[(h + i) & (MAX_STREAMS - 1)];

		if (!s->used) {
			memset(s, 0, sizeof(*s));
			s->used = 1;
			s->ssrc = ssrc;
			return s;
		}
		if (s->ssrc == ssrc)
			return s;
	}
	return NULL;
}

static void tally_late(struct tally *t, int64_t late_ns)
{
	int64_t us = late_ns / 1000;

	if (us < 0)
		us = 0;
	if (us > HIST_US)
		us = HIST_US;
	t->hist[us / HIST_STEP]++;
	if (late_ns > t->late_max_ns)
		t->late_max_ns = late_ns;
	if (late_ns > 20000000)
		t->late20++;
	if (late_ns > 50000000)
		t->late50++;
}

static double quantile_ms(const struct tally *t, double q)
{
	uint64_t n = 0, want, seen = 0;

	for (size_t i = 0; i <= HIST_US / HIST_STEP; i++)
		n += t->hist[i];
	if (!n)
		return 0;
	want = (uint64_t)(q * (double)n);
	for (size_t i = 0; i <= HIST_US / HIST_STEP; i++) {
		seen += t->hist[i];
		if (seen > want)
			return (double)(i * HIST_STEP) / 1000.0;
	}
	return HIST_US / 1000.0;
}

static void packet(const uint8_t *p, size_t len, int64_t arr, int64_t iv)
{
	struct stream *s;
	uint32_t ts, ssrc;
	uint16_t seq;
	int64_t off, late;

	if (len < 12 || (p[0] >> 6) != 2)
		return;
	if ((p[1] & 0x7f) >= 72 && (p[1] & 0x7f) <= 76)
		return; /* RTCP */
	seq = (uint16_t)(p[2] << 8 | p[3]);
	ts = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 |
	     (uint32_t)p[6] << 8 | p[7];
	ssrc = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 |
	       (uint32_t)p[10] << 8 | p[11];
	s = stream_get(ssrc);
	if (!s)
		return;

	ival.pkts++;
	total.pkts++;
	if (!s->first_ns) {
		s->first_ns = arr;
		s->ts0 = ts;
		s->ts_ext = 0;
		s->last_ts = ts;
		s->last_seq = seq;
		s->last_arr = arr;
		s->min_off = 0;
		s->seen_ival = iv;
		return;
	}
	s->seen_ival = iv;

	if (p[1] & 0x80) {
		/* a new talkspurt: a new anchor for lateness and jitter */
		s->first_ns = arr;
		s->ts_ext = 0;
		s->min_off = 0;
		s->last_ts = ts;
		s->last_arr = arr;
		s->last_seq = seq;
		return;
	}

	{
		uint16_t d = (uint16_t)(seq - s->last_seq);

		if (d > 1 && d < 3000) {
			ival.gaps += d - 1u;
			total.gaps += d - 1u;
		}
		if (d && d < 32768)
			s->last_seq = seq;
	}
	s->ts_ext += (int32_t)(ts - s->last_ts);
	{
		/* RFC 3550 A.8, in samples */
		double dd = (double)(arr - s->last_arr) / 125000.0 -
		            (double)(int32_t)(ts - s->last_ts);

		if (dd < 0)
			dd = -dd;
		s->jitter += (dd - s->jitter) / 16.0;
	}
	s->last_ts = ts;
	s->last_arr = arr;

	off = (arr - s->first_ns) - s->ts_ext * 125000;
	if (off < s->min_off)
		s->min_off = off;
	late = off - s->min_off;
	tally_late(&ival, late);
	tally_late(&total, late);
}

static void report(const char *tag, const struct tally *t, double secs,
                   double now_s, int64_t iv)
{
	double jsum = 0, jmax = 0;
	unsigned n = 0;

	for (size_t i = 0; i < MAX_STREAMS; i++) {
		const struct stream *s = &streams[i];

		if (!s->used || (iv >= 0 && s->seen_ival != iv))
			continue;
		n++;
		jsum += s->jitter / 8.0; /* samples -> ms */
		if (s->jitter / 8.0 > jmax)
			jmax = s->jitter / 8.0;
	}
	printf("%s t=%.1f streams=%u pkts=%llu pps=%.0f jit_mean=%.3f "
	       "jit_max=%.3f late_p99=%.2f late_p999=%.2f late_max=%.2f "
	       "late20=%llu late50=%llu gaps=%llu\n",
	       tag, now_s, n, (unsigned long long)t->pkts,
	       secs > 0 ? (double)t->pkts / secs : 0.0, n ? jsum / n : 0.0,
	       jmax, quantile_ms(t, 0.99), quantile_ms(t, 0.999),
	       (double)t->late_max_ns / 1e6, (unsigned long long)t->late20,
	       (unsigned long long)t->late50, (unsigned long long)t->gaps);
	fflush(stdout);
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	static uint8_t bufs[BATCH][2048];
	static char ctl[BATCH][256];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct timeval tv = {0, 200000};
	int fd, on = 1, rcv = 64 * 1024 * 1024;
	double secs, every = 1.0;
	int64_t start, next, iv = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: rtp_sink PORT SECONDS [INTERVAL_S]\n");
		return 2;
	}
	secs = atof(argv[2]);
	if (argc > 3)
		every = atof(argv[3]);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)))
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	(void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	sin.sin_port = htons((uint16_t)atoi(argv[1]));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		perror("bind");
		return 1;
	}
	printf("listening 127.0.0.1:%s for %.0f s\n", argv[1], secs);
	fflush(stdout);

	start = mono_ns();
	next = start + (int64_t)(every * 1e9);
	for (;;) {
		int64_t now = mono_ns(), rt_off = real_ns() - now;
		int n;

		if (now >= next) {
			report("ival", &ival, every, (double)(now - start) / 1e9,
			       iv);
			memset(&ival, 0, sizeof(ival));
			iv++;
			next += (int64_t)(every * 1e9);
		}
		if (now - start >= (int64_t)(secs * 1e9))
			break;

		for (int i = 0; i < BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = sizeof(bufs[i]);
			memset(&msgs[i], 0, sizeof(msgs[i]));
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_control = ctl[i];
			msgs[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
		}
		n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			perror("recvmmsg");
			break;
		}
		for (int i = 0; i < n; i++) {
			int64_t arr = mono_ns();
			struct cmsghdr *cm;

			/* the kernel's receive time (realtime clock) */
			for (cm = CMSG_FIRSTHDR(&msgs[i].msg_hdr); cm;
			     cm = CMSG_NXTHDR(&msgs[i].msg_hdr, cm)) {
				if (cm->cmsg_level == SOL_SOCKET &&
				    cm->cmsg_type == SO_TIMESTAMPNS) {
					struct timespec ts;

					memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
					arr = (int64_t)ts.tv_sec * 1000000000 +
					      ts.tv_nsec - rt_off;
				}
			}
			packet(bufs[i], msgs[i].msg_len, arr, iv);
		}
	}
	report("total", &total, secs, secs, -1);
	close(fd);
	return 0;
}
