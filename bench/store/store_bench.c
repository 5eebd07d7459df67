/**
 * @file store_bench.c  Throughput and acknowledgement latency of the store.
 *
 * For each durability mode (synchronous=FULL, NORMAL):
 *   burst  N interaction puts queued at once from the loop; puts/s until
 *          the last is acknowledged, loop cost per put, ack latency
 *   paced  RATE puts/s for SECONDS (a 1 ms timer); ack latency at a
 *          steady load, which is what a call sees
 *   read   synchronous reads of 100 rows by tenant and time, and async
 *          reads by id through the loop
 * Latency = from store_interaction_put() to its done callback on the loop,
 * i.e. including the COMMIT (and its fsync under FULL).
 *
 * usage: store_bench [-d DIR] [-n N] [-r RATE] [-t SECONDS]
 *   DIR defaults to a new directory under /var/tmp (use a real disk: on
 *   tmpfs fsync costs nothing).
 */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <re.h>

#include "core/core.h"
#include "store/store.h"

struct run {
	struct store *s;
	uint64_t *t_submit; /* ns */
	uint64_t *lat;      /* ns */
	size_t n, submitted, done, errors, want;
	uint64_t t_last_done;
	/* paced */
	struct tmr tmr;
	uint32_t per_tick;
	uint64_t end_ms;
	uint64_t dropped;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void print_lat(const char *what, uint64_t *v, size_t n)
{
	if (!n) {
		printf("  %-28s no samples\n", what);
		return;
	}
	qsort(v, n, sizeof(*v), cmp_u64);
	printf("  %-28s p50 %.2f ms  p99 %.2f ms  max %.2f ms  (%zu)\n", what,
	       v[n / 2] / 1e6, v[(n * 99) / 100] / 1e6, v[n - 1] / 1e6, n);
}

/* The arg carries the record number; the run is global to keep it small. */
static struct run R;

static void ack_h(int err, void *arg)
{
	size_t i = (size_t)(uintptr_t)arg;
	uint64_t now = hl_mono_ns();

	if (err)
		R.errors++;
	R.lat[i] = now - R.t_submit[i];
	R.t_last_done = now;
	if (++R.done == R.want)
		re_cancel();
}

static int put_one(size_t i)
{
	struct store_interaction in;

	memset(&in, 0, sizeof(in));
	store_new_id(in.id);
	in.tenant = "bench";
	in.channel = "voice";
	in.caller = "+15551230000";
	in.dialed = "+18005550100";
	in.queue = "support";
	in.agent = "1001";
	in.arrived = hl_wall_ms();
	in.answered = in.arrived + 5000;
	in.ended = in.arrived + 65000;
	in.disposition = STORE_DISP_ANSWERED;
	in.sip_code = 200;
	in.reason = "caller hung up";
	R.t_submit[i] = hl_mono_ns();
	return store_interaction_put(R.s, &in, ack_h, (void *)(uintptr_t)i);
}

static void reset_run(struct store *s, size_t n)
{
	memset(&R, 0, sizeof(R));
	R.s = s;
	R.n = n;
	R.t_submit = calloc(n, sizeof(uint64_t));
	R.lat = calloc(n, sizeof(uint64_t));
	if (!R.t_submit || !R.lat) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
}

static void free_run(void)
{
	free(R.t_submit);
	free(R.lat);
	R.t_submit = R.lat = NULL;
}

static void burst(struct store *s, size_t n)
{
	uint64_t t0, t1;
	struct store_stats st;

	reset_run(s, n);
	R.want = n;
	t0 = hl_mono_ns();
	for (size_t i = 0; i < n; i++) {
		int err = put_one(i);
		if (err) {
			fprintf(stderr, "put: %s\n", strerror(err));
			exit(1);
		}
	}
	t1 = hl_mono_ns();
	re_main(NULL);
	store_stats(s, &st);
	printf("  burst: %zu puts acknowledged in %.3f s = %.0f puts/s "
	       "(%lu transactions, largest %u, %zu errors)\n",
	       n, (R.t_last_done - t0) / 1e9, n / ((R.t_last_done - t0) / 1e9),
	       (unsigned long)st.batches, st.batch_peak, R.errors);
	printf("  loop cost of store_interaction_put: %.2f us\n",
	       (t1 - t0) / 1e3 / n);
	print_lat("burst ack latency", R.lat, n);
	free_run();
}

static void pace_tick(void *arg)
{
	(void)arg;
	if (hl_mono_ms() >= R.end_ms) {
		R.want = R.submitted;
		if (R.done == R.want)
			re_cancel();
		return;
	}
	for (uint32_t k = 0; k < R.per_tick && R.submitted < R.n; k++) {
		if (put_one(R.submitted))
			R.dropped++;
		else
			R.submitted++;
	}
	tmr_start(&R.tmr, 1, pace_tick, NULL);
}

static void paced(struct store *s, uint32_t rate, uint32_t secs)
{
	struct store_stats st0, st1;
	size_t n = (size_t)rate * secs + rate;

	reset_run(s, n);
	R.want = SIZE_MAX;
	R.per_tick = rate / 1000 ? rate / 1000 : 1;
	R.end_ms = hl_mono_ms() + secs * 1000ull;
	store_stats(s, &st0);
	tmr_init(&R.tmr);
	tmr_start(&R.tmr, 1, pace_tick, NULL);
	re_main(NULL);
	tmr_cancel(&R.tmr);
	store_stats(s, &st1);
	printf("  paced: %zu puts (%.0f/s asked %u/s) over %u s: %lu "
	       "transactions (%.1f puts each), %lu refused\n",
	       R.submitted, (double)R.submitted / secs, rate, secs,
	       (unsigned long)(st1.batches - st0.batches),
	       (double)R.submitted / (double)(st1.batches - st0.batches ?: 1),
	       (unsigned long)R.dropped);
	print_lat("paced ack latency", R.lat, R.submitted);
	free_run();
}

static size_t reads_done;
static uint64_t *read_lat;
static uint64_t read_t0;

static void read_h(int err, const struct store_interaction *v, size_t n,
                   void *arg)
{
	(void)err;
	(void)v;
	(void)n;
	read_lat[(uintptr_t)arg] = hl_mono_ns() - read_t0;
	reads_done++;
	re_cancel();
}

static void reads(struct store *s)
{
	struct store_interaction_filter f = {.tenant = "bench", .limit = 100};
	struct store_interaction *v;
	const size_t N = 200;
	uint64_t lat[200];
	size_t n;

	/* sync: newest 100 of the tenant, then 100 in a time window */
	for (size_t i = 0; i < N; i++) {
		uint64_t t0 = hl_mono_ns();
		f.since = i % 2 ? hl_wall_ms() - 10000 : 0;
		if (store_interactions_get_sync(s, &f, &v, &n)) {
			fprintf(stderr, "read failed\n");
			exit(1);
		}
		lat[i] = hl_mono_ns() - t0;
		mem_deref(v);
	}
	print_lat("sync read, 100 rows", lat, N);

	/* async by id through the worker and the loop */
	char id[27];
	store_new_id(id);
	f = (struct store_interaction_filter){.id = id};
	read_lat = lat;
	for (size_t i = 0; i < N; i++) {
		read_t0 = hl_mono_ns();
		store_interactions_get(s, &f, read_h, (void *)(uintptr_t)i);
		re_main(NULL);
	}
	print_lat("async read by id (round trip)", lat, N);
}

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

int main(int argc, char **argv)
{
	const char *dir = NULL;
	char tmpl[] = "/var/tmp/hotline-store-bench-XXXXXX";
	size_t n = 100000;
	uint32_t rate = 2000, secs = 3;
	int c;

	while ((c = getopt(argc, argv, "d:n:r:t:h")) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			rate = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 't':
			secs = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: store_bench [-d DIR] [-n N] "
			                "[-r RATE] [-t SECONDS]\n");
			return 2;
		}
	}
	if (!dir) {
		dir = mkdtemp(tmpl);
		if (!dir) {
			perror("mkdtemp");
			return 1;
		}
	}
	if (n < 1 || n > STORE_QUEUE_MAX)
		n = STORE_QUEUE_MAX;
	hl_log_set_level(HL_LOG_WARN);
	if (libre_init())
		return 1;

	printf("store_bench: %zu burst puts, paced %u/s for %u s, in %s\n", n,
	       rate, secs, dir);
	for (int mode = 0; mode < 2; mode++) {
		struct store_cfg cfg = {.sync = mode ? STORE_SYNC_NORMAL
		                                     : STORE_SYNC_FULL};
		char path[600], err[512];
		struct store *s = NULL;
		uint64_t t0;

		snprintf(path, sizeof(path), "%s/bench-%s.db", dir,
		         mode ? "normal" : "full");
		unlink(path);
		t0 = hl_mono_ns();
		if (store_open_cfg(&s, path, &cfg, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		printf("synchronous=%s (open + migrate %.1f ms)\n",
		       mode ? "NORMAL" : "FULL", (hl_mono_ns() - t0) / 1e6);
		burst(s, n);
		paced(s, rate, secs);
		reads(s);
		t0 = hl_mono_ns();
		store_close(s);
		mem_deref(s);
		printf("  close: %.1f ms\n", (hl_mono_ns() - t0) / 1e6);
	}
	if (!strncmp(dir, "/var/tmp/hotline-store-bench-", 29))
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	libre_close();
	return 0;
}
