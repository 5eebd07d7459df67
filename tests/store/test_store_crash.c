/**
 * @file test_store_crash.c  kill -9 under load loses no acknowledged change.
 *
 * The binary is its own writer: with "--writer PATH full|normal" it opens the
 * store, inserts interactions as fast as the queue takes them, and for each
 * acknowledged insert prints "P id" and queues an update (answered time)
 * whose acknowledgement prints "U id".  The test runs it, kills it with
 * SIGKILL after a number of acknowledgements while work is still queued,
 * reopens the database and checks that every acknowledged insert and update
 * is there.  Three kills per durability mode, on the same file (so each
 * writer also opens a database left behind by a crash).
 *
 * The same for work orders ("--wo-writer"): each acknowledged creation
 * prints "P id" and queues a workflow move (new -> in_progress, with its
 * audit row) whose acknowledgement prints "U id"; after the kill every
 * acknowledged order exists, and every acknowledged move is in the order's
 * status and in its audit trail.
 */
#include <errno.h>
#include <ftw.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <re.h>

#include "core/core.h"
#include "store/store.h"
#include "store/store_crm.h"

/* --- the writer ---------------------------------------------------------- */

struct wrec {
	char id[27];
};

static struct store *ws;
static struct tmr wtmr;

static void say(char tag, const char *id)
{
	char line[40];
	int n = snprintf(line, sizeof(line), "%c %s\n", tag, id);
	/* one write per line: whole lines reach the pipe before a kill */
	if (write(STDOUT_FILENO, line, (size_t)n) != n)
		exit(3);
}

static void upd_done(int err, void *arg)
{
	struct wrec *r = arg;
	if (!err)
		say('U', r->id);
	mem_deref(r);
}

static void put_done(int err, void *arg)
{
	struct wrec *r = arg;
	struct store_interaction in;

	if (err) {
		mem_deref(r);
		return;
	}
	say('P', r->id);
	memset(&in, 0, sizeof(in));
	memcpy(in.id, r->id, sizeof(in.id));
	in.tenant = "acme";
	in.channel = "voice";
	in.answered = hl_wall_ms();
	in.agent = "1001";
	if (store_interaction_put(ws, &in, upd_done, r))
		mem_deref(r);
}

static void tick(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100; i++) {
		struct wrec *r = mem_zalloc(sizeof(*r), NULL);
		struct store_interaction in;

		if (!r)
			break;
		memset(&in, 0, sizeof(in));
		store_new_id(r->id);
		memcpy(in.id, r->id, sizeof(in.id));
		in.tenant = "acme";
		in.channel = "voice";
		in.caller = "+15550001";
		in.queue = "support";
		in.arrived = hl_wall_ms();
		if (store_interaction_put(ws, &in, put_done, r)) {
			mem_deref(r); /* EBUSY: the queue is full, later */
			break;
		}
	}
	tmr_start(&wtmr, 1, tick, NULL);
}

/* --- the work-order writer ----------------------------------------------- */

static void wo_move_done(int err, const struct store_result *r, void *arg)
{
	(void)arg;
	if (!err)
		say('U', r->id);
}

static void wo_create_done(int err, const struct store_result *r, void *arg)
{
	struct store_wo_change c = {
	    .tenant = "acme",
	    .kind = "move",
	    .action = "take",
	    .from_mask = 1u << STORE_WO_NEW,
	    .to = STORE_WO_IN_PROGRESS,
	    .actor = "1001",
	    .role = "agent",
	    .agent = "1001",
	    .text = "on it",
	};

	(void)arg;
	if (err)
		return;
	say('P', r->id);
	c.id = r->id;
	(void)store_workorder_change(ws, &c, wo_move_done, NULL);
}

static void wo_tick(void *arg)
{
	struct store_workorder w = {
	    .tenant = "acme",
	    .category = "fault",
	    .status = STORE_WO_NEW,
	    .priority = STORE_PRIO_HIGH,
	    .subject = "no power",
	    .fields = "{\"address\":\"Main 1\"}",
	};

	(void)arg;
	w.due = hl_wall_ms() + 3600000;
	for (int i = 0; i < 100; i++) {
		if (store_workorder_create(ws, &w, "1001", "agent",
		                           wo_create_done, NULL))
			break; /* EBUSY: the queue is full, later */
	}
	tmr_start(&wtmr, 1, wo_tick, NULL);
}

static int writer(const char *path, const char *mode)
{
	struct store_cfg cfg = {0};
	char err[512];
	bool wo = !strncmp(mode, "wo-", 3);

	if (wo)
		mode += 3;
	cfg.sync = strcmp(mode, "normal") ? STORE_SYNC_FULL : STORE_SYNC_NORMAL;
	cfg.queue_max = 5000;
	if (libre_init())
		return 1;
	if (store_open_cfg(&ws, path, &cfg, err, sizeof(err))) {
		fprintf(stderr, "writer: %s\n", err);
		return 1;
	}
	tmr_init(&wtmr);
	tmr_start(&wtmr, 0, wo ? wo_tick : tick, NULL);
	re_main(NULL); /* until killed */
	return 0;
}

/* --- the test ------------------------------------------------------------ */

static char tmpdir[256];

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

struct idset {
	char (*v)[27];
	size_t n, cap;
};

static void idset_add(struct idset *s, const char *id)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->v = realloc(s->v, s->cap * 27);
		assert_non_null(s->v);
	}
	snprintf(s->v[s->n++], 27, "%s", id);
}

/* Run one writer, kill it after `after` acknowledgements, collect every
 * line it managed to write. */
static void run_writer(const char *path, const char *mode, size_t after,
                       struct idset *puts, struct idset *upds)
{
	char buf[8192], line[64];
	size_t llen = 0, acks = 0;
	int pfd[2], status;
	bool killed = false;
	uint64_t deadline = hl_mono_ms() + 30000;
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pfd[1], STDOUT_FILENO);
		close(pfd[0]);
		close(pfd[1]);
		execl("/proc/self/exe", "test_store_crash", "--writer", path,
		      mode, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);

	for (;;) {
		struct pollfd p = {.fd = pfd[0], .events = POLLIN};
		ssize_t n;

		if (hl_mono_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			fail_msg("writer too slow: %zu acks", acks);
		}
		if (poll(&p, 1, 1000) <= 0)
			continue;
		n = read(pfd[0], buf, sizeof(buf));
		if (n <= 0)
			break; /* EOF: the writer is gone */
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (llen < sizeof(line) - 1)
					line[llen++] = buf[i];
				continue;
			}
			line[llen] = '\0';
			llen = 0;
			if (line[0] == 'P')
				idset_add(puts, line + 2);
			else if (line[0] == 'U')
				idset_add(upds, line + 2);
			else
				fail_msg("writer said '%s'", line);
			if (++acks >= after && !killed) {
				kill(pid, SIGKILL);
				killed = true;
			}
		}
	}
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		fail_msg("writer ended by itself (status %d)", status);
	assert_true(killed);
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void check_all_present(const char *path, const struct idset *puts,
                              const struct idset *upds)
{
	struct store_interaction_filter f = {.tenant = "acme",
	                                     .limit = STORE_LIMIT_MAX};
	struct store_interaction *v = NULL;
	struct store *s = NULL;
	char err[512], (*have)[27];
	size_t n, answered = 0;

	if (store_open(&s, path, err, sizeof(err)))
		fail_msg("reopen: %s", err);
	assert_int_equal(store_interactions_get_sync(s, &f, &v, &n), 0);
	assert_true(n < STORE_LIMIT_MAX);
	have = calloc(n ? n : 1, 27);
	assert_non_null(have);
	for (size_t i = 0; i < n; i++) {
		memcpy(have[i], v[i].id, 27);
		/* the update sets answered and agent together */
		if (v[i].answered)
			answered++;
	}
	qsort(have, n, 27, cmp_id);
	for (size_t i = 0; i < puts->n; i++) {
		if (!bsearch(puts->v[i], have, n, 27, cmp_id))
			fail_msg("acknowledged insert %s lost", puts->v[i]);
	}
	for (size_t i = 0; i < upds->n; i++) {
		struct store_interaction_filter g = {.id = upds->v[i]};
		struct store_interaction *w = NULL;
		size_t m;
		assert_int_equal(store_interactions_get_sync(s, &g, &w, &m), 0);
		if (m != 1 || !w[0].answered || !w[0].agent)
			fail_msg("acknowledged update %s lost", upds->v[i]);
		mem_deref(w);
	}
	print_message("  %zu rows, %zu acknowledged inserts, %zu rows "
	              "answered, %zu acknowledged updates: none lost\n",
	              n, puts->n, answered, upds->n);
	free(have);
	mem_deref(v);
	store_close(s);
	mem_deref(s);
}

static void check_wo_present(const char *path, const struct idset *puts,
                             const struct idset *upds)
{
	struct store_wo_filter f = {.tenant = "acme", .limit = STORE_LIMIT_MAX};
	struct store_workorder *v = NULL;
	struct store *s = NULL;
	char err[512], (*have)[27], (*moved)[27];
	size_t n, nm = 0;

	if (store_open(&s, path, err, sizeof(err)))
		fail_msg("reopen: %s", err);
	assert_int_equal(store_workorders_get_sync(s, &f, &v, &n), 0);
	assert_true(n < STORE_LIMIT_MAX);
	have = calloc(n ? n : 1, 27);
	moved = calloc(n ? n : 1, 27);
	assert_non_null(have);
	assert_non_null(moved);
	for (size_t i = 0; i < n; i++) {
		memcpy(have[i], v[i].id, 27);
		if (v[i].status == STORE_WO_IN_PROGRESS)
			memcpy(moved[nm++], v[i].id, 27);
	}
	qsort(have, n, 27, cmp_id);
	qsort(moved, nm, 27, cmp_id);
	for (size_t i = 0; i < puts->n; i++) {
		if (!bsearch(puts->v[i], have, n, 27, cmp_id))
			fail_msg("acknowledged order %s lost", puts->v[i]);
	}
	for (size_t i = 0; i < upds->n; i++) {
		struct store_wo_event *ev = NULL;
		size_t m;

		if (!bsearch(upds->v[i], moved, nm, 27, cmp_id))
			fail_msg("acknowledged move of %s lost", upds->v[i]);
		assert_int_equal(
		    store_wo_events_get_sync(s, "acme", upds->v[i], &ev, &m),
		    0);
		if (m != 2 || strcmp(ev[1].kind, "move") ||
		    ev[1].to != STORE_WO_IN_PROGRESS)
			fail_msg("audit of %s lost (%zu rows)", upds->v[i], m);
		mem_deref(ev);
	}
	/* and nothing half-written: an order is new with one audit row or
	 * in progress with two (checked above for the acknowledged ones;
	 * the numbers per tenant stay unique by the schema) */
	print_message("  %zu orders, %zu acknowledged creations, %zu moved, "
	              "%zu acknowledged moves: none lost\n",
	              n, puts->n, nm, upds->n);
	free(have);
	free(moved);
	mem_deref(v);
	store_close(s);
	mem_deref(s);
}

static void crash_rounds(const char *mode)
{
	static const size_t after[] = {300, 2000, 5000};
	struct idset puts = {0}, upds = {0};
	char path[512];

	snprintf(path, sizeof(path), "%s/crash-%s.db", tmpdir, mode);
	for (size_t r = 0; r < ARRAY_LEN(after); r++) {
		run_writer(path, mode, after[r], &puts, &upds);
		if (!strncmp(mode, "wo-", 3))
			check_wo_present(path, &puts, &upds);
		else
			check_all_present(path, &puts, &upds);
	}
	free(puts.v);
	free(upds.v);
}

static void test_crash_full(void **state)
{
	(void)state;
	crash_rounds("full");
}

static void test_crash_normal(void **state)
{
	(void)state;
	crash_rounds("normal");
}

static void test_crash_workorders(void **state)
{
	(void)state;
	crash_rounds("wo-full");
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/hotline-crash-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	hl_log_set_level(HL_LOG_WARN);
	return libre_init();
}

static int teardown(void **state)
{
	(void)state;
	libre_close();
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_crash_full),
	    cmocka_unit_test(test_crash_normal),
	    cmocka_unit_test(test_crash_workorders),
	};

	if (argc == 4 && !strcmp(argv[1], "--writer"))
		return writer(argv[2], argv[3]);
	return cmocka_run_group_tests(tests, setup, teardown);
}
