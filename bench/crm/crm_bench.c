/**
 * @file crm_bench.c  The CRM records at the scale: 1 million
 * customers and 5 million interactions in one SQLite file.
 *
 * Phases (each timed):
 *   generate  customers through store_customers_import (chunks of 10,000,
 *             one phone each, an e-mail for every third), interactions
 *             through store_interaction_put already linked to their
 *             customer (5 per customer on average, over a year), work
 *             orders through store_workorder_create spread over three
 *             units and every status
 *   lookup    customer by phone (store_customer_find_sync) for a screen
 *             pop: p50/p99 over random known numbers and unknown ones
 *   pop       the whole screen pop (customer, last 10 interactions, open
 *             orders): synchronously, and through the worker and the loop
 *   search    open orders of a unit by status (limit 100 and 1000)
 *   create    one work order at a time, from store_workorder_create to
 *             its acknowledgement after the COMMIT (synchronous=FULL)
 *
 * usage: crm_bench [-d DIR] [-c CUSTOMERS] [-i INTERACTIONS] [-w ORDERS]
 *                  [-m CACHE_MB] [-k]  (keep the database)
 *   CACHE_MB: the store's page cache while generating (default: the
 *   store's default); the measurements use the store's defaults.
 *   DIR defaults to a new directory under /var/tmp (a real disk).
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
#include "store/store_crm.h"

static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void print_lat(const char *what, uint64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	printf("  %-40s p50 %7.3f ms  p99 %7.3f ms  max %7.2f ms  (%zu)\n",
	       what, v[n / 2] / 1e6, v[(n * 99) / 100] / 1e6, v[n - 1] / 1e6,
	       n);
}

static void phone_of(uint64_t i, char *buf, size_t sz)
{
	snprintf(buf, sz, "86138%08llu", (unsigned long long)(i % 100000000));
}

struct acc {
	uint64_t done, errors;
	char last_id[27];
	uint64_t t_done;
};

static void on_result(int err, const struct store_result *r, void *arg)
{
	struct acc *a = arg;

	a->done++;
	if (err) {
		if (!a->errors)
			fprintf(stderr, "  error %d: %s\n", err,
			        r->detail ? r->detail : "");
		a->errors++;
	}
	memcpy(a->last_id, r->id, sizeof(a->last_id));
	a->t_done = hl_mono_ns();
}

static char **cust_ids;

static void on_import(int err, const struct store_result *r, void *arg)
{
	struct acc *a = arg;

	(void)r;
	a->done++;
	if (err)
		a->errors++;
}

static int generate_customers(struct store *s, size_t n)
{
	enum { CHUNK = 10000 };
	struct store_customer *rows = calloc(CHUNK, sizeof(*rows));
	struct store_identity *ids = calloc(CHUNK * 2, sizeof(*ids));
	char(*phones)[32] = calloc(CHUNK, 32);
	char(*mails)[40] = calloc(CHUNK, 40);
	struct acc a = {0};

	if (!rows || !ids || !phones || !mails)
		return ENOMEM;
	for (size_t base = 0; base < n; base += CHUNK) {
		size_t m = n - base < CHUNK ? n - base : CHUNK;

		for (size_t i = 0; i < m; i++) {
			size_t k = base + i, ni = 0;

			phone_of(k, phones[i], sizeof(phones[i]));
			ids[i * 2 + ni++] = (struct store_identity){
			    STORE_IDENT_PHONE, phones[i]};
			if (k % 3 == 0) {
				snprintf(mails[i], sizeof(mails[i]),
				         "c%zu@example.cn", k);
				ids[i * 2 + ni++] = (struct store_identity){
				    STORE_IDENT_EMAIL, mails[i]};
			}
			rows[i] = (struct store_customer){.tenant = "demo",
			                                  .name = "Customer",
			                                  .idents = &ids[i * 2],
			                                  .nidents = ni};
		}
		if (store_customers_import(s, "demo", rows, NULL, m, false,
		                           on_import, &a))
			return EIO;
		if (base % (CHUNK * 10) == 0)
			(void)store_flush_sync(s);
	}
	(void)store_flush_sync(s);
	free(rows);
	free(ids);
	free(phones);
	free(mails);
	return a.errors ? EIO : 0;
}

/* The customers' ids, by phone index, to link interactions. */
static int load_customer_ids(struct store *s, size_t n)
{
	cust_ids = calloc(n, sizeof(*cust_ids));
	if (!cust_ids)
		return ENOMEM;
	for (size_t i = 0; i < n; i += n / 1000 ? n / 1000 : 1) {
		struct store_customer *c = NULL;
		char ph[32];

		phone_of(i, ph, sizeof(ph));
		if (store_customer_find_sync(s, "demo", STORE_IDENT_PHONE, ph,
		                             &c))
			return ENOENT;
		cust_ids[i] = strdup(c->id);
		mem_deref(c);
	}
	return 0;
}

static int generate_interactions(struct store *s, size_t ncust, size_t n)
{
	static const char *queues[] = {"general", "enquiry", "complaint",
	                               "fault", "appointment"};
	uint64_t year_ago = hl_wall_ms() - 365ull * 86400000;
	size_t step = ncust / 1000 ? ncust / 1000 : 1;

	for (size_t i = 0; i < n; i++) {
		/* callers: 1,000 linked customers get a part of the calls so
		 * the screen pop has history; the rest carry a number only */
		size_t k = (rnd() % ncust);
		struct store_interaction in = {
		    .tenant = "demo",
		    .channel = "voice",
		    .queue = queues[i % 5],
		    .agent = "1001",
		    .disposition = STORE_DISP_ANSWERED,
		};
		char ph[32];
		int err;

		if (i % 5 == 0)
			k = (k / step) * step;
		phone_of(k, ph, sizeof(ph));
		in.caller = ph;
		in.customer = cust_ids[k];
		in.arrived = year_ago + rnd() % (365ull * 86400000);
		in.answered = in.arrived + 8000;
		in.ended = in.answered + 180000;
		store_new_id(in.id);
		while ((err = store_interaction_put(s, &in, NULL, NULL)) ==
		       EBUSY)
			(void)store_flush_sync(s);
		if (err)
			return err;
	}
	return store_flush_sync(s);
}

static int generate_orders(struct store *s, size_t n, size_t ncust)
{
	static const char *units[] = {"water", "power", "roads"};
	size_t step = ncust / 1000 ? ncust / 1000 : 1;
	struct acc a = {0};

	for (int u = 0; u < 3; u++)
		(void)store_unit_put(s, "demo", units[u], NULL, NULL, NULL);
	for (size_t i = 0; i < n; i++) {
		struct store_workorder w = {
		    .tenant = "demo",
		    .category = "fault",
		    .status = (int)(rnd() % STORE_WO_NSTATUS),
		    .priority = (int)(rnd() % STORE_PRIO_MAX),
		    .unit = units[rnd() % 3],
		    .customer = cust_ids[(rnd() % 1000) * step],
		    .subject = "generated",
		    .fields = "{\"address\":\"Main 1\"}",
		    .due = hl_wall_ms() + rnd() % (7ull * 86400000),
		};
		int err;

		/* most orders are old and closed, as in a real center */
		if (rnd() % 10 < 7)
			w.status = STORE_WO_CLOSED;
		while ((err = store_workorder_create(s, &w, "gen", "system",
		                                     on_result, &a)) == EBUSY)
			(void)store_flush_sync(s);
		if (err)
			return err;
	}
	(void)store_flush_sync(s);
	return a.errors ? EIO : 0;
}

struct pop_wait {
	bool done;
	int err;
};

static void on_pop(int err, const struct store_screen_pop *p, void *arg)
{
	struct pop_wait *w = arg;

	(void)p;
	w->err = err;
	w->done = true;
}

static char dir[512];

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
	size_t ncust = 1000000, ninter = 5000000, nwo = 200000;
	const size_t nlook = 20000;
	struct store_cfg cfg = {.sync = STORE_SYNC_NORMAL};
	uint32_t cache_mb = 0;
	struct store *s = NULL;
	uint64_t t0, *lat;
	char path[600], err[512];
	bool keep = false;
	struct stat st;
	int opt;

	dir[0] = '\0';
	while ((opt = getopt(argc, argv, "d:c:i:w:km:")) != -1) {
		switch (opt) {
		case 'd':
			snprintf(dir, sizeof(dir), "%s", optarg);
			break;
		case 'c':
			ncust = strtoull(optarg, NULL, 10);
			break;
		case 'i':
			ninter = strtoull(optarg, NULL, 10);
			break;
		case 'w':
			nwo = strtoull(optarg, NULL, 10);
			break;
		case 'k':
			keep = true;
			break;
		case 'm':
			cache_mb = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: crm_bench [-d DIR] [-c N] "
			                "[-i N] [-w N] [-m MB] [-k]\n");
			return 2;
		}
	}
	if (ncust < 1000) {
		fprintf(stderr, "crm_bench: at least 1000 customers\n");
		return 2;
	}
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/var/tmp/hotline-crm-bench-XXXXXX");
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			return 1;
		}
	}
	snprintf(path, sizeof(path), "%s/crm.db", dir);
	hl_log_set_level(HL_LOG_WARN);
	if (libre_init())
		return 1;
	lat = calloc(nlook, sizeof(*lat));

	/* generation with synchronous=NORMAL: the figures below do not
	 * depend on how the rows got there */
	cfg.cache_mb = cache_mb;
	/* big transactions: each commit writes every page it dirtied to the
	 * log, and random keys (caller, customer) dirty most index pages */
	cfg.batch_max = 100000;
	cfg.queue_max = 200000;
	if (store_open_cfg(&s, path, &cfg, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	printf("crm_bench: %zu customers, %zu interactions, %zu work "
	       "orders in %s (generated with a %u MB cache)\n",
	       ncust, ninter, nwo, path, cache_mb ? cache_mb : 64);
	t0 = hl_mono_ns();
	if (generate_customers(s, ncust) || load_customer_ids(s, ncust)) {
		fprintf(stderr, "customers failed\n");
		return 1;
	}
	printf("  generate customers      %8.1f s\n",
	       (hl_mono_ns() - t0) / 1e9);
	t0 = hl_mono_ns();
	if (generate_interactions(s, ncust, ninter)) {
		fprintf(stderr, "interactions failed\n");
		return 1;
	}
	printf("  generate interactions   %8.1f s\n",
	       (hl_mono_ns() - t0) / 1e9);
	t0 = hl_mono_ns();
	if (generate_orders(s, nwo, ncust)) {
		fprintf(stderr, "orders failed\n");
		return 1;
	}
	printf("  generate work orders    %8.1f s\n",
	       (hl_mono_ns() - t0) / 1e9);
	store_close(s);
	s = mem_deref(s);
	if (!stat(path, &st))
		printf("  database size           %8.1f MB\n",
		       st.st_size / 1e6);

	/* measurements with the default durability */
	if (store_open(&s, path, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (size_t i = 0; i < nlook; i++) {
		struct store_customer *c = NULL;
		char ph[32];
		uint64_t t;
		int e;

		phone_of(rnd() % ncust, ph, sizeof(ph));
		t = hl_mono_ns();
		e = store_customer_find_sync(s, "demo", STORE_IDENT_PHONE, ph,
		                             &c);
		lat[i] = hl_mono_ns() - t;
		if (e) {
			fprintf(stderr, "lookup %s: %d\n", ph, e);
			return 1;
		}
		mem_deref(c);
	}
	print_lat("lookup by phone (known)", lat, nlook);
	for (size_t i = 0; i < nlook; i++) {
		struct store_customer *c = NULL;
		char ph[32];
		uint64_t t;

		snprintf(ph, sizeof(ph), "86139%08llu",
		         (unsigned long long)(rnd() % 100000000));
		t = hl_mono_ns();
		(void)store_customer_find_sync(s, "demo", STORE_IDENT_PHONE, ph,
		                               &c);
		lat[i] = hl_mono_ns() - t;
		mem_deref(c);
	}
	print_lat("lookup by phone (unknown)", lat, nlook);
	{
		size_t step = ncust / 1000 ? ncust / 1000 : 1;
		size_t ni = 0, nw = 0, m = nlook / 4;

		for (size_t i = 0; i < m; i++) {
			struct store_screen_pop *p = NULL;
			char ph[32];
			uint64_t t;

			phone_of((rnd() % 1000) * step, ph, sizeof(ph));
			t = hl_mono_ns();
			if (store_screen_pop_sync(s, "demo", STORE_IDENT_PHONE,
			                          ph, 10, &p)) {
				fprintf(stderr, "pop failed\n");
				return 1;
			}
			lat[i] = hl_mono_ns() - t;
			ni += p->ninteractions;
			nw += p->nworkorders;
			mem_deref(p);
		}
		print_lat("screen pop, sync", lat, m);
		printf("  %-40s %.1f interactions, %.1f open orders each\n", "",
		       (double)ni / m, (double)nw / m);
		for (size_t i = 0; i < m; i++) {
			struct pop_wait w = {0};
			char ph[32];
			uint64_t t;

			phone_of((rnd() % 1000) * step, ph, sizeof(ph));
			t = hl_mono_ns();
			if (store_screen_pop_get(s, "demo", STORE_IDENT_PHONE,
			                         ph, 10, on_pop, &w))
				return 1;
			(void)store_flush_sync(s); /* runs the callback */
			lat[i] = hl_mono_ns() - t;
			if (!w.done || w.err)
				return 1;
		}
		print_lat("screen pop, via worker and loop", lat, m);
	}
	{
		static const char *units[] = {"water", "power", "roads"};
		const uint32_t masks[] = {
		    1u << STORE_WO_DISPATCHED,
		    1u << STORE_WO_DISPATCHED | 1u << STORE_WO_IN_PROGRESS,
		    STORE_WO_OPEN_MASK,
		};
		size_t m = 600, rows = 0;

		for (int lim = 0; lim < 2; lim++) {
			rows = 0;
			for (size_t i = 0; i < m; i++) {
				struct store_wo_filter f = {
				    .tenant = "demo",
				    .unit = units[i % 3],
				    .status_mask = masks[(i / 3) % 3],
				    .limit = lim ? 1000 : 100};
				struct store_workorder *v = NULL;
				size_t n;
				uint64_t t = hl_mono_ns();

				if (store_workorders_get_sync(s, &f, &v, &n))
					return 1;
				lat[i] = hl_mono_ns() - t;
				rows += n;
				mem_deref(v);
			}
			print_lat(lim ? "open orders by unit+status, limit 1000"
			              : "open orders by unit+status, limit 100",
			          lat, m);
			printf("  %-40s %.0f rows each\n", "",
			       (double)rows / m);
		}
	}
	{
		size_t m = 2000;

		for (size_t i = 0; i < m; i++) {
			struct store_workorder w = {
			    .tenant = "demo",
			    .category = "fault",
			    .status = STORE_WO_NEW,
			    .priority = STORE_PRIO_NORMAL,
			    .unit = "water",
			    .subject = "bench",
			    .fields = "{\"address\":\"Main 1\"}",
			    .due = hl_wall_ms() + 86400000,
			};
			struct acc a = {0};
			uint64_t t = hl_mono_ns();

			if (store_workorder_create(s, &w, "1001", "agent",
			                           on_result, &a))
				return 1;
			(void)store_flush_sync(s);
			lat[i] = a.t_done - t;
			if (a.errors || !a.done)
				return 1;
		}
		print_lat("create work order (FULL, ack)", lat, m);
	}
	store_close(s);
	mem_deref(s);
	libre_close();
	if (!keep)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	else
		printf("  kept %s\n", path);
	for (size_t i = 0; i < ncust; i++)
		free(cust_ids[i]);
	free(cust_ids);
	free(lat);
	return 0;
}
