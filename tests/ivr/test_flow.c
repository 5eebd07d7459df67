/**
 * @file test_flow.c  The IVR interpreter (src/ivr/session.c) driven
 * through its ops table by a recording fake channel, in a real libre loop
 * with real timers, against flows from real center definitions: the demo
 * (its timeouts shortened to one second), and small flows for each node
 * type.  Lookups go to a libre HTTP server in the same loop.
 *
 * The fake channel writes what the session asked for into a log:
 *   P[zh/welcome,...]   play (P* with barge-in)
 *   S                   stop_play
 *   Q[queue/prio/skill:level,...]  T[target]  V[queue]  C[queue/number]
 *   H[cause]            hangup
 * and plays each playback for play_ms, pressing scripted keys while a
 * given playback plays or after it ended.  Expected logs are written out
 * in full, so a test shows the whole conversation.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <re_types.h>
#include <re_fmt.h>
#include <re_mem.h>
#include <re_mbuf.h>
#include <re_list.h>
#include <re_sa.h>
#include <re_main.h>
#include <re_tmr.h>
#include <re_tcp.h>
#include <re_msg.h>
#include <re_http.h>

#include "center/center.h"
#include "core/core.h"
#include "ivr/ivr.h"

/* --- the fake channel ---------------------------------------------------- */

struct press {
	unsigned play;  /* when the play()th playback starts (1-based) */
	unsigned at_ms; /* ... after so long (past play_ms: after it ended) */
	const char *keys;
};

#define PRESS_MAX 8

struct fake;

struct press_tmr {
	struct tmr tmr;
	struct fake *f;
	const char *keys;
};

struct fake {
	struct ivr_session *s;
	char log[8192];
	unsigned play_ms;
	unsigned nplays;
	bool playing;
	struct tmr play_tmr;
	struct press presses[PRESS_MAX];
	struct press_tmr ptmr[PRESS_MAX];
	bool sync_done;          /* report play_done from inside play() */
	unsigned hangup_on_play; /* the caller hangs up in this play() */
	int queue_err, transfer_err, voicemail_err, callback_err;
	bool ended;      /* a terminal op came */
	unsigned bye_ms; /* the caller hangs up after so long */
	struct tmr bye_tmr;
	struct acd_skill_req skills[16];
	size_t nskills;
};

static unsigned running; /* fakes whose flows have not ended */
static bool guard_fired;
static struct tmr end_tmr;

static void logf_(struct fake *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void logf_(struct fake *f, const char *fmt, ...)
{
	size_t len = strlen(f->log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->log + len, sizeof(f->log) - len, fmt, ap);
	va_end(ap);
}

static void stop_loop(void *arg)
{
	re_cancel();
}

/* The flow ended: let the loop run a little longer, so that an op the
 * session should no longer call would show in the log. */
static void ended(struct fake *f)
{
	if (f->ended)
		return;
	f->ended = true;
	f->playing = false;
	tmr_cancel(&f->play_tmr);
	if (--running == 0)
		tmr_start(&end_tmr, 30, stop_loop, NULL);
}

static void play_end(void *arg)
{
	struct fake *f = arg;

	f->playing = false;
	ivr_session_play_done(f->s);
}

static void press_h(void *arg)
{
	struct press_tmr *pt = arg;

	for (const char *k = pt->keys; *k; k++)
		ivr_session_digit(pt->f->s, *k);
}

static int fake_play(void *arg, const char *const *prompts, size_t n,
                     bool barge)
{
	struct fake *f = arg;

	assert_false(f->ended);
	assert_false(f->playing); /* stopped or ended before a new one */
	assert_true(n > 0);
	f->nplays++;
	logf_(f, "P%s[", barge ? "*" : "");
	for (size_t i = 0; i < n; i++)
		logf_(f, "%s%s", i ? "," : "", prompts[i]);
	logf_(f, "] ");
	for (size_t i = 0; i < PRESS_MAX; i++) {
		if (f->presses[i].play != f->nplays || !f->presses[i].keys)
			continue;
		f->ptmr[i].f = f;
		f->ptmr[i].keys = f->presses[i].keys;
		tmr_start(&f->ptmr[i].tmr, f->presses[i].at_ms, press_h,
		          &f->ptmr[i]);
	}
	if (f->hangup_on_play == f->nplays) {
		logf_(f, "BYE ");
		f->s = mem_deref(f->s); /* the caller hung up */
		ended(f);
		return 0;
	}
	if (f->sync_done) {
		ivr_session_play_done(f->s);
		return 0;
	}
	f->playing = true;
	tmr_start(&f->play_tmr, f->play_ms, play_end, f);
	return 0;
}

static void fake_stop_play(void *arg)
{
	struct fake *f = arg;

	assert_true(f->playing);
	logf_(f, "S ");
	f->playing = false;
	tmr_cancel(&f->play_tmr);
}

static int fake_queue(void *arg, const char *queue, uint8_t prio,
                      const struct acd_skill_req *skills, size_t n)
{
	struct fake *f = arg;

	assert_false(f->ended);
	logf_(f, "Q[%s/%u/", queue, prio);
	for (size_t i = 0; i < n; i++) {
		logf_(f, "%s%s:%u", i ? "," : "", skills[i].skill,
		      skills[i].min_level);
		if (i < ARRAY_LEN(f->skills))
			f->skills[i] = skills[i];
	}
	f->nskills = n;
	logf_(f, "]");
	if (f->queue_err) {
		logf_(f, "! ");
		return f->queue_err;
	}
	ended(f);
	return 0;
}

static int fake_transfer(void *arg, const char *target)
{
	struct fake *f = arg;

	logf_(f, "T[%s]", target);
	if (f->transfer_err) {
		logf_(f, "! ");
		return f->transfer_err;
	}
	ended(f);
	return 0;
}

static int fake_voicemail(void *arg, const char *queue)
{
	struct fake *f = arg;

	logf_(f, "V[%s]", queue);
	if (f->voicemail_err) {
		logf_(f, "! ");
		return f->voicemail_err;
	}
	ended(f);
	return 0;
}

static int fake_callback(void *arg, const char *queue, const char *number)
{
	struct fake *f = arg;

	logf_(f, "C[%s/%s]%s ", queue, number, f->callback_err ? "!" : "");
	return f->callback_err;
}

static void fake_hangup(void *arg, int cause)
{
	struct fake *f = arg;

	assert_false(f->ended);
	logf_(f, "H[%d]", cause);
	ended(f);
}

static const struct ivr_ops fake_ops = {
    .play = fake_play,
    .stop_play = fake_stop_play,
    .queue = fake_queue,
    .transfer = fake_transfer,
    .voicemail = fake_voicemail,
    .callback = fake_callback,
    .hangup = fake_hangup,
};

/* --- the world: a center, its IVR, a clock, an HTTP server --------------- */

static struct center *center;
static struct ivr *ivr;
static uint64_t clock_ms;
static struct http_sock *httpd;
static uint16_t http_port;
static char last_request[1024]; /* "GET /path?query" and the body */
/* What the demo's appointment lookups answer (NULL: 500). */
static const char *appt_slots, *appt_book;
#define SLOTS_NONE "{\"result\": \"none\", \"count\": 0, \"first\": null}"

static uint64_t test_clock(void *arg)
{
	return clock_ms;
}

/* ms since the epoch of a UTC time */
static uint64_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return (uint64_t)timegm(&tm) * 1000;
}

/* The tenant's service: the account in the query picks the answer. */
static void httpd_handler(struct http_conn *conn, const struct http_msg *msg,
                          void *arg)
{
	char prm[256];
	const char *acct;

	snprintf(prm, sizeof(prm), "%.*s", (int)msg->prm.l, msg->prm.p);
	snprintf(last_request, sizeof(last_request), "%.*s %.*s%s %.*s",
	         (int)msg->met.l, msg->met.p, (int)msg->path.l, msg->path.p,
	         prm, (int)mbuf_get_left(msg->mb),
	         (const char *)mbuf_buf(msg->mb));
	acct = strstr(prm, "account=");
	acct = acct ? acct + 8 : "";
	if (!pl_strcmp(&msg->path, "/api/v1/ivr/slots") ||
	    !pl_strcmp(&msg->path, "/api/v1/ivr/book")) {
		const char *a = msg->path.p[msg->path.l - 1] == 's' ? appt_slots
		                                                    : appt_book;
		if (a)
			http_creply(conn, 200, "OK", "application/json", "%s",
			            a);
		else
			http_creply(conn, 500, "Internal Server Error",
			            "application/json", "%s", "{}");
	} else if (!strncmp(acct, "1001", 4))
		http_creply(
		    conn, 200, "OK", "application/json", "%s",
		    "{\"state\": \"due\", \"bill\": {\"amount\": 128.5, "
		    "\"due\": \"2026-12-01\"}, \"items\": [{\"n\": 7}]}");
	else if (!strncmp(acct, "1002", 4))
		http_creply(conn, 200, "OK", "application/json", "%s",
		            "{\"state\": \"paid\", \"bill\": {\"amount\": 0}}");
	else if (!strncmp(acct, "1003", 4))
		http_creply(conn, 200, "OK", "text/html", "%s",
		            "<html><body>Service Unavailable</body></html>");
	else if (!strncmp(acct, "1004", 4))
		http_creply(conn, 200, "OK", "application/json", "%s",
		            "{\"state\": \"due\", \"bill\": {\"amo");
	else if (!strncmp(acct, "1005", 4))
		http_creply(conn, 200, "OK", "application/json", "%s",
		            "[1, 2]");
	else if (!strncmp(acct, "1006", 4))
		http_creply(conn, 500, "Internal Server Error",
		            "application/json", "%s", "{\"state\": \"due\"}");
	else if (!strncmp(acct, "1007", 4))
		return; /* never answers */
	else
		http_ereply(conn, 404, "Not Found");
}

/* Load a center from text; {PORT} becomes the HTTP server's port. */
static void load_center(const char *text)
{
	char path[64], err[1024], port[8];
	struct mbuf *mb = mbuf_alloc(4096);
	const char *p;
	FILE *f;
	int fd, e;

	snprintf(port, sizeof(port), "%u", http_port);
	for (p = text; *p;) {
		if (!strncmp(p, "{PORT}", 6)) {
			mbuf_write_str(mb, port);
			p += 6;
		} else {
			mbuf_write_u8(mb, (uint8_t)*p++);
		}
	}
	strcpy(path, "/tmp/hotline-flow-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fwrite(mb->buf, 1, mb->end, f);
	fclose(f);
	mem_deref(mb);
	mem_deref(ivr);
	ivr = NULL;
	center = mem_deref(center);
	e = center_load(&center, path, err, sizeof(err));
	unlink(path);
	if (e)
		fail_msg("%s", err);
	{
		struct ivr_cfg cfg = {.clock = test_clock};

		assert_int_equal(
		    ivr_alloc(&ivr, center, &cfg, err, sizeof(err)), 0);
	}
}

/* The demo center with the menus' timeouts shortened to 1 s. */
static void load_demo(const char *from, const char *to)
{
	FILE *f = fopen("etc/demo.yaml", "r");
	static char text[65536];
	char *p;
	size_t n;

	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	while ((p = strstr(text, "timeout: 4s")) ||
	       (p = strstr(text, "timeout: 5s")) ||
	       (p = strstr(text, "timeout: 6s")))
		memcpy(p, "timeout: 1 ", 11);
	/* the appointment lookups go to the test's server */
	while ((p = strstr(text, "127.0.0.1:8080"))) {
		n = strlen(p + 14);
		assert_true(p + 16 + n < text + sizeof(text));
		memmove(p + 16, p + 14, n + 1);
		memcpy(p + 10, "{PORT}", 6);
	}
	appt_slots = SLOTS_NONE;
	appt_book = NULL;
	if (from) {
		p = strstr(text, from);
		assert_non_null(p);
		assert_int_equal(strlen(from), strlen(to));
		memcpy(p, to, strlen(to));
	}
	load_center(text);
}

static void bye_h(void *arg)
{
	struct fake *f = arg;

	logf_(f, "BYE ");
	f->s = mem_deref(f->s);
	ended(f);
}

static void guard(void *arg)
{
	guard_fired = true;
	re_cancel();
}

/* Run the sessions of fakes until each flow ended (at most 10 s). */
static void run(struct fake **fv, size_t n, const char *tenant,
                const char *flow, const char *lang)
{
	struct tmr g;

	tmr_init(&g);
	guard_fired = false;
	running = (unsigned)n;
	for (size_t i = 0; i < n; i++) {
		struct ivr_call call = {.tenant = tenant,
		                        .flow = flow,
		                        .lang = lang,
		                        .caller = "+8613800000000",
		                        .called = "12345",
		                        .id = "test"};

		if (!fv[i]->play_ms)
			fv[i]->play_ms = 20;
		assert_int_equal(
		    ivr_session_alloc(&fv[i]->s, ivr, &call, &fake_ops, fv[i]),
		    0);
		assert_int_equal(ivr_session_start(fv[i]->s), 0);
		if (fv[i]->bye_ms)
			tmr_start(&fv[i]->bye_tmr, fv[i]->bye_ms, bye_h, fv[i]);
	}
	tmr_start(&g, 10000, guard, NULL);
	if (running)
		re_main(NULL);
	tmr_cancel(&g);
	tmr_cancel(&end_tmr);
	for (size_t i = 0; i < n; i++) {
		tmr_cancel(&fv[i]->play_tmr);
		tmr_cancel(&fv[i]->bye_tmr);
		for (size_t k = 0; k < PRESS_MAX; k++)
			tmr_cancel(&fv[i]->ptmr[k].tmr);
	}
	if (guard_fired) {
		for (size_t i = 0; i < n; i++)
			print_error("log %zu: %s\n", i, fv[i]->log);
		fail_msg("the flow did not end within 10 s");
	}
}

static void run1(struct fake *f, const char *tenant, const char *flow)
{
	run(&f, 1, tenant, flow, NULL);
}

static void done(struct fake *f)
{
	f->s = mem_deref(f->s);
}

static void log_is(const struct fake *f, const char *want)
{
	if (strcmp(f->log, want))
		fail_msg("log differs:\n  got  %s\n  want %s", f->log, want);
}

/* --- setup --------------------------------------------------------------- */

static int group_setup(void **state)
{
	struct sa laddr;

	if (libre_init())
		return -1;
	hl_log_set_level(HL_LOG_ERROR);
	tmr_init(&end_tmr);
	sa_set_str(&laddr, "127.0.0.1", 0);
	if (http_listen(&httpd, &laddr, httpd_handler, NULL))
		return -1;
	if (tcp_sock_local_get(http_sock_tcp(httpd), &laddr))
		return -1;
	http_port = sa_port(&laddr);
	clock_ms = utc(2026, 9, 30, 2, 0); /* Wednesday 10:00 in Shanghai */
	return 0;
}

static int group_teardown(void **state)
{
	ivr = mem_deref(ivr);
	center = mem_deref(center);
	httpd = mem_deref(httpd);
	tmr_debug();
	libre_close();
	return 0;
}

/* --- the demo flow ------------------------------------------------------- */

#define LANG_MENU "P*[zh/welcome,zh/lang/option,ko/lang/option,en/lang/option] "

/* Every language, every topic: the queue, its skills plus the language's,
 * the prompts in that language, the choices as variables. */
static void test_demo_each_queue(void **state)
{
	static const struct {
		char key;
		const char *q;
		const char *skills;
		const char *prompt;
	} topics[] = {
	    {'1', "enquiry", "enquiry:5", "transfer/connecting"},
	    {'2', "complaint", "complaint:6", "transfer/connecting"},
	    {'3', "fault", "fault:4", "transfer/connecting"},
	    {'4', "appointment", "appointment:3", "appt/none"},
	    {'0', "general", "general:3", "transfer/operator"},
	};
	static const struct {
		char key;
		const char *lang, *skill;
	} langs[] = {{'1', "zh", "mandarin"},
	             {'2', "ko", "korean"},
	             {'3', "en", "english"}};
	struct fake fakes[15], *fv[15];
	char keys[15][2][2];
	size_t n = 0;

	load_demo(NULL, NULL);
	memset(fakes, 0, sizeof(fakes));
	for (size_t l = 0; l < 3; l++) {
		for (size_t t = 0; t < 5; t++, n++) {
			struct fake *f = &fakes[n];

			keys[n][0][0] = langs[l].key;
			keys[n][0][1] = '\0';
			keys[n][1][0] = topics[t].key;
			keys[n][1][1] = '\0';
			/* each key after its menu's prompts ended */
			f->presses[0] = (struct press){1, 40, keys[n][0]};
			f->presses[1] = (struct press){3, 40, keys[n][1]};
			fv[n] = f;
		}
	}
	run(fv, n, "demo", "main", NULL);

	n = 0;
	for (size_t l = 0; l < 3; l++) {
		for (size_t t = 0; t < 5; t++, n++) {
			const char *L = langs[l].lang;
			char want[1024], path[256];

			snprintf(want, sizeof(want),
			         LANG_MENU "P*[%s/notice/recording] "
			                   "P*[%s/menu/main,%s/menu/repeat] "
			                   "P[%s/%s] Q[%s/0/%s,%s:1]",
			         L, L, L, L, topics[t].prompt, topics[t].q,
			         topics[t].skills, langs[l].skill);
			log_is(&fakes[n], want);
			assert_int_equal(ivr_session_state(fakes[n].s),
			                 IVR_QUEUED);
			assert_string_equal(ivr_session_lang(fakes[n].s), L);
			assert_string_equal(
			    ivr_session_var(fakes[n].s, "language"), L);
			assert_string_equal(
			    ivr_session_var(fakes[n].s, "lang_menu"),
			    keys[n][0]);
			assert_string_equal(
			    ivr_session_var(fakes[n].s, "main_menu"),
			    keys[n][1]);
			snprintf(path, sizeof(path),
			         "lang_menu>%s>hours>notice>main_menu>%s",
			         l == 0   ? "mandarin"
			         : l == 1 ? "korean"
			                  : "english",
			         t == 4   ? "operator"
			         : t == 3 ? "appointment>appt_none"
			                  : topics[t].q);
			assert_string_equal(ivr_session_var(fakes[n].s, "path"),
			                    path);
			assert_string_equal(ivr_session_node(fakes[n].s),
			                    t == 4   ? "operator"
			                    : t == 3 ? "appt_none"
			                             : topics[t].q);
			done(&fakes[n]);
		}
	}
}

/* No choice at the language menu means Chinese, without an apology. */
static void test_demo_no_choice_is_chinese(void **state)
{
	struct fake f = {.presses = {{3, 0, "2"}}};

	load_demo(NULL, NULL);
	run1(&f, "demo", "main");
	log_is(&f, LANG_MENU "P*[zh/notice/recording] "
	                     "P*[zh/menu/main,zh/menu/repeat] S "
	                     "P[zh/transfer/connecting] "
	                     "Q[complaint/0/complaint:6,mandarin:1]");
	assert_string_equal(ivr_session_var(f.s, "language"), "zh");
	assert_null(ivr_session_var(f.s, "lang_menu"));
	done(&f);
}

/* A wrong key: the apology, the menu again, then a right key. */
static void test_demo_wrong_key(void **state)
{
	struct fake f = {.presses = {{1, 40, "3"}, {3, 40, "9"}, {5, 40, "3"}}};

	load_demo(NULL, NULL);
	run1(&f, "demo", "main");
	log_is(&f, LANG_MENU "P*[en/notice/recording] "
	                     "P*[en/menu/main,en/menu/repeat] "
	                     "P*[en/error/invalid] "
	                     "P*[en/menu/main,en/menu/repeat] "
	                     "P[en/transfer/connecting] "
	                     "Q[fault/0/fault:4,english:1]");
	assert_string_equal(ivr_session_var(f.s, "main_menu"), "3");
	done(&f);
}

/* Silence at the main menu: asked three times, then the operator. */
static void test_demo_silence_operator(void **state)
{
	struct fake f = {.presses = {{1, 0, "2"}}};

	load_demo(NULL, NULL);
	run1(&f, "demo", "main");
	log_is(&f, LANG_MENU "S P*[ko/notice/recording] "
	                     "P*[ko/menu/main,ko/menu/repeat] "
	                     "P*[ko/error/no_input] "
	                     "P*[ko/menu/main,ko/menu/repeat] "
	                     "P*[ko/error/no_input] "
	                     "P*[ko/menu/main,ko/menu/repeat] "
	                     "P[ko/error/no_input] P[ko/transfer/operator] "
	                     "Q[general/0/general:3,korean:1]");
	assert_null(ivr_session_var(f.s, "main_menu"));
	assert_string_equal(ivr_session_var(f.s, "path"),
	                    "lang_menu>korean>hours>notice>main_menu>operator");
	done(&f);
}

/* Wrong keys until the tries are used up: the operator too. */
static void test_demo_wrong_keys_operator(void **state)
{
	struct fake f = {
	    .presses = {{1, 0, "1"}, {3, 40, "7"}, {5, 40, "8"}, {7, 40, "#"}}};

	load_demo(NULL, NULL);
	run1(&f, "demo", "main");
	log_is(&f, LANG_MENU "S P*[zh/notice/recording] "
	                     "P*[zh/menu/main,zh/menu/repeat] "
	                     "P*[zh/error/invalid] "
	                     "P*[zh/menu/main,zh/menu/repeat] "
	                     "P*[zh/error/invalid] "
	                     "P*[zh/menu/main,zh/menu/repeat] "
	                     "P[zh/error/invalid] P[zh/transfer/operator] "
	                     "Q[general/0/general:3,mandarin:1]");
	done(&f);
}

/* A key during a prompt stops it and counts, and the next key stops the
 * next prompt at once. */
static void test_demo_barge_in(void **state)
{
	struct fake a = {.play_ms = 300,
	                 .presses = {{1, 10, "3"}, {3, 10, "4"}}};
	struct fake b = {.play_ms = 300, .presses = {{1, 10, "20"}}};
	struct fake c = {.play_ms = 300,
	                 .presses = {{1, 10, "1"}, {1, 20, "*"}, {1, 30, "2"}}};
	struct fake *fv[] = {&a, &b, &c};

	load_demo(NULL, NULL);
	run(fv, 3, "demo", "main", NULL);
	/* a: each key stops its prompt */
	log_is(&a, LANG_MENU "S P*[en/notice/recording] "
	                     "P*[en/menu/main,en/menu/repeat] S "
	                     "P[en/appt/none] "
	                     "Q[appointment/0/appointment:3,english:1]");
	/* b: "20" in one go: Korean, the notice cut at once, the operator */
	log_is(&b, LANG_MENU "S P*[ko/notice/recording] S "
	                     "P[ko/transfer/operator] "
	                     "Q[general/0/general:3,korean:1]");
	assert_string_equal(ivr_session_var(b.s, "main_menu"), "0");
	/* c: "1", "*" (the menu again: it had not been heard yet, so it is
	 * not skipped), "2" */
	log_is(&c, LANG_MENU "S P*[zh/notice/recording] S "
	                     "P*[zh/menu/main,zh/menu/repeat] S "
	                     "P[zh/transfer/connecting] "
	                     "Q[complaint/0/complaint:6,mandarin:1]");
	assert_string_equal(ivr_session_var(c.s, "path"),
	                    "lang_menu>mandarin>hours>notice>main_menu>"
	                    "main_menu>complaint");
	done(&a);
	done(&b);
	done(&c);
}

/* A flood of 1,000 keys at once breaks nothing: the type-ahead keeps 32,
 * a wrong key clears it, and the flow ends in a queue. */
static void test_demo_flood(void **state)
{
	static char flood[1001], nines[1001];
	struct fake a = {.presses = {{1, 5, flood}}};
	struct fake b = {.presses = {{1, 5, "1"}, {3, 5, nines}}};
	struct fake *fv[] = {&a, &b};
	unsigned seed = 12345;

	for (size_t i = 0; i < 1000; i++) {
		seed = seed * 1103515245u + 12345u;
		flood[i] = "0123456789*#ABCD"[(seed >> 16) % 16];
		nines[i] = '9';
	}
	load_demo(NULL, NULL);
	run(fv, 2, "demo", "main", NULL);
	/* a: the first key is no language: the apology (the flood waits,
	 * 32 keys of it), Chinese, and the first waiting key that is a
	 * choice of the main menu: 4 */
	log_is(&a, LANG_MENU "S P[zh/error/invalid] P[zh/appt/none] "
	                     "Q[appointment/0/appointment:3,mandarin:1]");
	assert_int_equal(ivr_session_state(a.s), IVR_QUEUED);
	/* b: 1,000 nines at the main menu: each wrong key clears what waits
	 * and the next one cuts the apology; after the third, the operator */
	log_is(&b, LANG_MENU "S P*[zh/notice/recording] "
	                     "P*[zh/menu/main,zh/menu/repeat] S "
	                     "P*[zh/error/invalid] S P*[zh/error/invalid] S "
	                     "P[zh/error/invalid] P[zh/transfer/operator] "
	                     "Q[general/0/general:3,mandarin:1]");
	done(&a);
	done(&b);
}

/* The path of nodes passed is kept short: after IVR_PATH_MAX it ends in
 * "...". */
static void test_demo_long_path(void **state)
{
	static char keys[64];
	struct fake f = {.presses = {{1, 0, "3"}, {3, 5, keys}}};
	const char *path;

	memset(keys, '*', 60);
	keys[60] = '1';
	load_demo(NULL, NULL);
	run1(&f, "demo", "main");
	assert_int_equal(ivr_session_state(f.s), IVR_QUEUED);
	assert_non_null(strstr(f.log, "Q[enquiry/0/enquiry:5,english:1]"));
	assert_string_equal(ivr_session_var(f.s, "main_menu"), "1");
	path = ivr_session_var(f.s, "path");
	assert_true(strlen(path) < 512);
	assert_true(strlen(path) > 400);
	assert_string_equal(path + strlen(path) - 3, "...");
	assert_memory_equal(path, "lang_menu>english>hours>notice>main_menu>",
	                    41);
	done(&f);
}

/* Outside the opening hours: the closed message, then voicemail. */
static void test_demo_closed_voicemail(void **state)
{
	struct fake f = {.presses = {{1, 0, "3"}}};

	/* open on weekdays only; the clock says Saturday noon in Shanghai */
	load_demo("mon-sun: \"00:00-24:00\"", "mon-fri: \"08:00-20:00\"");
	clock_ms = utc(2026, 10, 10, 4, 0);
	run1(&f, "demo", "main");
	clock_ms = utc(2026, 9, 30, 2, 0);
	log_is(&f, LANG_MENU "S P[en/closed/message,en/voicemail/record] "
	                     "V[general]");
	assert_int_equal(ivr_session_state(f.s), IVR_VOICEMAIL);
	done(&f);
}

/* --- time conditions ------------------------------------------------------ */

static const char time_center[] =
    "tenants:\n"
    "  - name: t\n"
    "    timezone: Asia/Shanghai\n"
    "    hours:\n"
    "      mon-fri: \"08:00-12:00, 13:00-20:00\"\n"
    "      sat: \"09:00-12:00\"\n"
    "    holidays: [2026-10-01..2026-10-07, 2027-01-01]\n"
    "    flows:\n"
    "      f:\n"
    "        when: {type: time, open: open, closed: closed, "
    "holiday: holiday}\n"
    "        open: {type: hangup, prompts: [welcome]}\n"
    "        closed: {type: hangup, prompts: [closed/message]}\n"
    "        holiday: {type: hangup, prompts: [goodbye]}\n"
    "      g:\n"
    "        when: {type: time, open: open, closed: closed}\n"
    "        open: {type: hangup, prompts: [welcome]}\n"
    "        closed: {type: hangup, prompts: [closed/message]}\n";

static const char *time_at(const char *flow, uint64_t ms)
{
	static char buf[256];
	struct fake f = {0};

	clock_ms = ms;
	run1(&f, "t", flow);
	clock_ms = utc(2026, 9, 30, 2, 0);
	done(&f);
	if (!strcmp(f.log, "P[zh/welcome] H[0]"))
		return "open";
	if (!strcmp(f.log, "P[zh/closed/message] H[0]"))
		return "closed";
	if (!strcmp(f.log, "P[zh/goodbye] H[0]"))
		return "holiday";
	snprintf(buf, sizeof(buf), "%.200s", f.log);
	return buf;
}

static void test_time_condition(void **state)
{
	load_center(time_center);
	/* Wednesday 2026-09-30 in Shanghai (UTC+8) */
	assert_string_equal(time_at("f", utc(2026, 9, 30, 2, 0)), "open");
	assert_string_equal(time_at("f", utc(2026, 9, 29, 23, 59)), "closed");
	assert_string_equal(time_at("f", utc(2026, 9, 30, 0, 0)), "open");
	assert_string_equal(time_at("f", utc(2026, 9, 30, 4, 30)), "closed");
	assert_string_equal(time_at("f", utc(2026, 9, 30, 5, 0)), "open");
	assert_string_equal(time_at("f", utc(2026, 9, 30, 11, 59)), "open");
	assert_string_equal(time_at("f", utc(2026, 9, 30, 12, 0)), "closed");
	/* 07:00 UTC is 15:00 in Shanghai: open (UTC would say closed) */
	assert_string_equal(time_at("f", utc(2026, 9, 30, 7, 0)), "open");
	/* the holidays, from local midnight to local midnight */
	assert_string_equal(time_at("f", utc(2026, 9, 30, 15, 59)), "closed");
	assert_string_equal(time_at("f", utc(2026, 9, 30, 16, 0)), "holiday");
	assert_string_equal(time_at("f", utc(2026, 10, 5, 3, 0)), "holiday");
	assert_string_equal(time_at("f", utc(2026, 10, 7, 15, 59)), "holiday");
	assert_string_equal(time_at("f", utc(2026, 10, 8, 2, 0)), "open");
	assert_string_equal(time_at("f", utc(2027, 1, 1, 2, 0)), "holiday");
	/* Saturday morning only, Sunday closed */
	assert_string_equal(time_at("f", utc(2026, 10, 10, 1, 0)), "open");
	assert_string_equal(time_at("f", utc(2026, 10, 10, 4, 0)), "closed");
	assert_string_equal(time_at("f", utc(2026, 10, 11, 2, 0)), "closed");
	/* without a holiday branch a holiday is closed */
	assert_string_equal(time_at("g", utc(2026, 10, 2, 2, 0)), "closed");
	assert_string_equal(time_at("g", utc(2026, 10, 9, 2, 0)), "open");
}

/* --- every node type ------------------------------------------------------ */

static const char nodes_center[] =
    "tenants:\n"
    "  - name: t\n"
    "    skills: [general, vip, mandarin, english]\n"
    "    languages: {zh: mandarin, en: english}\n"
    "    queues:\n"
    "      - {name: general, skills: {general: 2, vip: 1}}\n"
    "    flows:\n"
    "      menu:\n"
    "        m:\n"
    "          type: menu\n"
    "          prompts: [menu/main]\n"
    "          timeout: 1\n"
    "          retries: 0\n"
    "          choices: {\"1\": vip, \"2\": ext, \"3\": cb, \"4\": vm, "
    "\"5\": english, \"6\": bye, \"7\": badext, \"8\": fullq, \"9\": cbx}\n"
    "          no_input: bye\n"
    "        vip: {type: queue, queue: general, priority: 7, "
    "skills: {vip: 4, general: 1}}\n"
    "        ext: {type: transfer, to: \"1001\", "
    "prompts: [transfer/connecting]}\n"
    "        badext: {type: transfer, to: \"+861012345678\", on_error: m}\n"
    "        fullq: {type: queue, queue: general, on_error: vm}\n"
    "        cb: {type: callback, queue: general}\n"
    "        cbx: {type: callback, queue: general}\n"
    "        vm: {type: voicemail, queue: general}\n"
    "        english: {type: language, set: en, next: m}\n"
    "        bye: {type: hangup}\n"
    "      typeahead:\n"
    "        notice: {type: play, prompts: [notice/recording], "
    "barge_in: false, next: m}\n"
    "        m: {type: menu, prompts: [menu/main], choices: {\"1\": vip}, "
    "retries: 0, timeout: 1}\n"
    "        vip: {type: queue, queue: general, priority: 7, "
    "skills: {vip: 4, general: 1}}\n"
    "      collect:\n"
    "        ask:\n"
    "          type: collect\n"
    "          prompts: [callback/enter_number]\n"
    "          min: 4\n"
    "          max: 8\n"
    "          timeout: 1\n"
    "          digit_timeout: 1\n"
    "          retries: 1\n"
    "          var: number\n"
    "          next: confirm\n"
    "        confirm:\n"
    "          type: play\n"
    "          prompts: [callback/you_entered, {digits: number}]\n"
    "          next: cb\n"
    "        cb: {type: callback, queue: general, number: number, "
    "confirm: [callback/confirmed]}\n"
    "      speak:\n"
    "        ask: {type: collect, prompts: [account/enter], "
    "max: 8, timeout: 1, var: value, next: say}\n"
    "        say: {type: play, prompts: [queue/wait_is, {number: value}], "
    "next: bye, on_error: oops}\n"
    "        oops: {type: hangup, prompts: [error/invalid, goodbye]}\n"
    "        bye: {type: hangup}\n";

static void test_nodes(void **state)
{
	struct fake q = {.presses = {{1, 5, "1"}}};
	struct fake t = {.presses = {{1, 5, "2"}}};
	struct fake cb = {.presses = {{1, 5, "3"}}};
	struct fake vm = {.presses = {{1, 5, "4"}}};
	struct fake en = {.presses = {{1, 5, "5"}, {2, 5, "6"}}};
	struct fake bye = {.presses = {{1, 5, "6"}}};
	struct fake bad = {.transfer_err = EHOSTUNREACH,
	                   .presses = {{1, 5, "7"}, {3, 40, "6"}}};
	struct fake full = {.queue_err = EBUSY, .presses = {{1, 5, "8"}}};
	struct fake cbx = {.callback_err = EIO, .presses = {{1, 5, "9"}}};
	struct fake vmx = {.voicemail_err = EIO, .presses = {{1, 5, "4"}}};
	struct fake *fv[] = {&q,   &t,   &cb,   &vm,  &en,
	                     &bye, &bad, &full, &cbx, &vmx};

	load_center(nodes_center);
	run(fv, ARRAY_LEN(fv), "t", "menu", NULL);
	/* the queue's skills, the node's (higher level wins), the language */
	log_is(&q,
	       "P*[zh/menu/main] S Q[general/7/general:2,vip:4,mandarin:1]");
	assert_int_equal(q.nskills, 3);
	log_is(&t, "P*[zh/menu/main] S P[zh/transfer/connecting] T[1001]");
	assert_int_equal(ivr_session_state(t.s), IVR_TRANSFERRED);
	log_is(&cb, "P*[zh/menu/main] S C[general/+8613800000000] "
	            "P[zh/callback/confirmed,zh/goodbye] H[0]");
	assert_int_equal(ivr_session_state(cb.s), IVR_HUNG_UP);
	log_is(&vm, "P*[zh/menu/main] S P[zh/voicemail/record] V[general]");
	/* a language node: the prompts in English from then on */
	log_is(&en, "P*[zh/menu/main] S P*[en/menu/main] S P[en/goodbye] "
	            "H[0]");
	assert_string_equal(ivr_session_var(en.s, "language"), "en");
	log_is(&bye, "P*[zh/menu/main] S P[zh/goodbye] H[0]");
	/* failures: an apology, then on_error; without it, goodbye */
	log_is(&bad, "P*[zh/menu/main] S T[+861012345678]! "
	             "P[zh/error/system] P*[zh/menu/main] P[zh/goodbye] H[0]");
	log_is(&full, "P*[zh/menu/main] S Q[general/0/general:2,vip:1,"
	              "mandarin:1]! P[zh/error/system] "
	              "P[zh/voicemail/record] V[general]");
	log_is(&cbx, "P*[zh/menu/main] S C[general/+8613800000000]! "
	             "P[zh/error/system,zh/goodbye] H[5]");
	log_is(&vmx, "P*[zh/menu/main] S P[zh/voicemail/record] V[general]! "
	             "P[zh/error/system,zh/goodbye] H[5]");
	for (size_t i = 0; i < ARRAY_LEN(fv); i++)
		done(fv[i]);
}

static void test_collect(void **state)
{
	/* ended by #, by max, by a pause; too short then silence; keys
	 * typed during the question */
	struct fake hash = {.presses = {{1, 40, "12345#"}}};
	struct fake max = {.presses = {{1, 40, "1234567899"}}};
	struct fake pause = {.presses = {{1, 40, "13579"}}};
	struct fake shortx = {.presses = {{1, 40, "12#"}}};
	struct fake early = {.play_ms = 200,
	                     .presses = {{1, 5, "555"}, {1, 300, "5#"}}};
	struct fake *fv[] = {&hash, &max, &pause, &shortx, &early};

	load_center(nodes_center);
	run(fv, ARRAY_LEN(fv), "t", "collect", NULL);
	log_is(&hash, "P*[zh/callback/enter_number] "
	              "P*[zh/callback/you_entered,zh/num/yao,zh/num/2,"
	              "zh/num/3,zh/num/4,zh/num/5] C[general/12345] "
	              "P[zh/callback/confirmed] H[0]");
	assert_string_equal(ivr_session_var(hash.s, "number"), "12345");
	/* 8 digits end the entry; the 9th stops the read-back */
	log_is(&max, "P*[zh/callback/enter_number] "
	             "P*[zh/callback/you_entered,zh/num/yao,zh/num/2,zh/num/3,"
	             "zh/num/4,zh/num/5,zh/num/6,zh/num/7,zh/num/8] S "
	             "C[general/12345678] P[zh/callback/confirmed] H[0]");
	log_is(&pause, "P*[zh/callback/enter_number] "
	               "P*[zh/callback/you_entered,zh/num/yao,zh/num/3,"
	               "zh/num/5,zh/num/7,zh/num/9] C[general/13579] "
	               "P[zh/callback/confirmed] H[0]");
	/* 2 digits of at least 4: wrong, asked again, then silence twice
	 * (retries 1): goodbye */
	log_is(&shortx, "P*[zh/callback/enter_number] P*[zh/error/invalid] "
	                "P*[zh/callback/enter_number] P[zh/error/no_input,"
	                "zh/goodbye] H[0]");
	log_is(&early, "P*[zh/callback/enter_number] S "
	               "P*[zh/callback/you_entered,zh/num/5,zh/num/5,"
	               "zh/num/5,zh/num/5] C[general/5555] "
	               "P[zh/callback/confirmed] H[0]");
	for (size_t i = 0; i < ARRAY_LEN(fv); i++)
		done(fv[i]);
}

/* A variable spoken as a number; one that is not a number takes the
 * play node's on_error. */
static void test_speak_numbers(void **state)
{
	struct fake a = {.presses = {{1, 40, "1285#"}}};
	struct fake b = {.presses = {{1, 40, "12*5#"}}};
	struct fake *fv[] = {&a, &b};

	load_center(nodes_center);
	run(fv, 2, "t", "speak", "en");
	log_is(&a,
	       "P*[en/account/enter] P*[en/queue/wait_is,en/num/1,"
	       "en/num/thousand,en/num/2,en/num/hundred,en/num/80,en/num/5] "
	       "P[en/goodbye] H[0]");
	log_is(&b, "P*[en/account/enter] P[en/error/invalid,en/goodbye] H[0]");
	done(&a);
	done(&b);
}

/* Keys pressed while a prompt without barge-in plays, or while a lookup
 * runs, wait for the next menu, which then takes them without playing
 * its prompts. */
static void test_type_ahead(void **state)
{
	struct fake a = {.play_ms = 200,
	                 .presses = {{1, 10, "1"}, {1, 20, "5"}}};
	struct fake b = {.play_ms = 200, .presses = {{1, 10, "*"}}};
	struct fake *fv[] = {&a, &b};

	load_center(nodes_center);
	run(fv, 2, "t", "typeahead", NULL);
	/* a: "1" then "5" during the notice; the notice plays to its end,
	 * the menu takes "1" at once, the vip queue ignores the rest */
	log_is(&a, "P[zh/notice/recording] "
	           "Q[general/7/general:2,vip:4,mandarin:1]");
	assert_string_equal(ivr_session_var(a.s, "m"), "1");
	assert_string_equal(ivr_session_var(a.s, "path"), "notice>m>vip");
	/* b: "*" is no choice: the apology, then silence: goodbye */
	log_is(&b, "P[zh/notice/recording] P[zh/error/invalid,zh/goodbye] "
	           "H[0]");
	done(&a);
	done(&b);
}

/* --- lookups
 * ------------------------------------------------------------------ */

static const char http_center[] =
    "tenants:\n"
    "  - name: t\n"
    "    languages: [zh, en]\n"
    "    flows:\n"
    "      bill:\n"
    "        ask:\n"
    "          type: collect\n"
    "          prompts: [account/enter]\n"
    "          timeout: 1\n"
    "          var: account\n"
    "          next: lookup\n"
    "        lookup:\n"
    "          type: http\n"
    "          url: \"http://127.0.0.1:{PORT}/bill?account=${account}"
    "&caller=${caller}\"\n"
    "          timeout: 1\n"
    "          store: {amount: bill.amount, state: state, due: bill.due, "
    "n: items.0.n, nothing: bill.none}\n"
    "          switch: state\n"
    "          cases: {due: say, paid: thanks}\n"
    "          next: bye\n"
    "          on_error: sorry\n"
    "        say: {type: play, prompts: [queue/wait_is, {number: amount}], "
    "next: bye}\n"
    "        thanks: {type: hangup, prompts: [survey/thanks]}\n"
    "        sorry: {type: hangup, prompts: [transfer/operator]}\n"
    "        bye: {type: hangup}\n"
    "      post:\n"
    "        lookup:\n"
    "          type: http\n"
    "          method: POST\n"
    "          url: \"http://127.0.0.1:{PORT}/bill?account=1002\"\n"
    "          switch: state\n"
    "          cases: {paid: thanks}\n"
    "          next: bye\n"
    "        thanks: {type: hangup, prompts: [survey/thanks]}\n"
    "        bye: {type: hangup}\n"
    "      refused:\n"
    "        lookup:\n"
    "          type: http\n"
    "          url: \"http://127.0.0.1:1/bill\"\n"
    "          next: bye\n"
    "          error_prompts: [error/system, error/try_again]\n"
    "        bye: {type: hangup}\n";

/* The answer branches (due: the amount is spoken; paid: thanks) and its
 * fields are kept as variables. */
static void test_http_ok(void **state)
{
	struct fake due = {.presses = {{1, 40, "1001#"}}};
	struct fake paid = {.presses = {{1, 40, "1002#"}}};

	load_center(http_center);
	run1(&due, "t", "bill");
	log_is(&due, "P*[zh/account/enter] "
	             "P*[zh/queue/wait_is,zh/num/1,zh/num/hundred,zh/num/2,"
	             "zh/num/ten,zh/num/8,zh/num/point,zh/num/5] "
	             "P[zh/goodbye] H[0]");
	/* the variables went into the URL, encoded */
	assert_string_equal(last_request,
	                    "GET /bill?account=1001&caller=%2B8613800000000 ");
	assert_string_equal(ivr_session_var(due.s, "amount"), "128.5");
	assert_string_equal(ivr_session_var(due.s, "state"), "due");
	assert_string_equal(ivr_session_var(due.s, "due"), "2026-12-01");
	assert_string_equal(ivr_session_var(due.s, "n"), "7");
	assert_string_equal(ivr_session_var(due.s, "nothing"), "");
	assert_string_equal(ivr_session_var(due.s, "path"),
	                    "ask>lookup>say>bye");

	run(&(struct fake *){&paid}, 1, "t", "bill", "en");
	log_is(&paid, "P*[en/account/enter] P[en/survey/thanks] H[0]");
	assert_string_equal(ivr_session_var(paid.s, "amount"), "0");
	done(&due);
	done(&paid);
}

/* POST sends every variable as a JSON object. */
static void test_http_post(void **state)
{
	struct fake f = {0};

	load_center(http_center);
	run1(&f, "t", "post");
	log_is(&f, "P[zh/survey/thanks] H[0]");
	assert_non_null(strstr(last_request, "POST /bill?account=1002 {"));
	assert_non_null(strstr(last_request, "\"caller\":\"+8613800000000\""));
	assert_non_null(strstr(last_request, "\"called\":\"12345\""));
	assert_non_null(strstr(last_request, "\"language\":\"zh\""));
	assert_non_null(strstr(last_request, "\"path\":\"lookup\""));
	done(&f);
}

/* Garbage, a truncated answer, a list, an error status, a page that is
 * not there, silence (the 1 s timeout), a refused connection: the error
 * branch every time, after an apology. */
static void test_http_errors(void **state)
{
	static const char *const accounts[] = {"1003#", "1004#", "1005#",
	                                       "1006#", "9999#", "1007#"};
	struct fake f[6], refused = {0}, *fv[6];

	memset(f, 0, sizeof(f));
	load_center(http_center);
	for (size_t i = 0; i < 6; i++) {
		f[i].presses[0] = (struct press){1, 40, accounts[i]};
		fv[i] = &f[i];
	}
	run(fv, 6, "t", "bill", NULL);
	for (size_t i = 0; i < 6; i++) {
		log_is(&f[i], "P*[zh/account/enter] P[zh/error/system] "
		              "P[zh/transfer/operator] H[0]");
		assert_null(ivr_session_var(f[i].s, "amount"));
		assert_string_equal(ivr_session_var(f[i].s, "path"),
		                    "ask>lookup>sorry");
		done(&f[i]);
	}
	/* no on_error: the error prompts, goodbye, and the reason */
	run1(&refused, "t", "refused");
	log_is(&refused, "P[zh/error/system,zh/error/try_again,zh/goodbye] "
	                 "H[111]");
	done(&refused);
}

/* --- the seam
 * ------------------------------------------------------------------ */

/* A channel that reports the end of playbacks from inside play(). */
static void test_sync_play_done(void **state)
{
	struct fake f = {.sync_done = true,
	                 .presses = {{1, 5, "1"}, {3, 5, "4"}}};

	load_demo(NULL, NULL);
	run1(&f, "demo", "main");
	log_is(&f, LANG_MENU "P*[zh/notice/recording] "
	                     "P*[zh/menu/main,zh/menu/repeat] "
	                     "P[zh/appt/none] "
	                     "Q[appointment/0/appointment:3,mandarin:1]");
	done(&f);
}

/* Option 4 of the demo: the first free slot offered with its date and
 * time, 1 books it (the caller's number sent), the time and the code
 * spoken; 2 is an agent; a lookup that fails or answers garbage is the
 * appointment queue after an apology, never silence. */
static void test_demo_appointment(void **state)
{
	struct fake a = {.presses = {{1, 5, "1"}, {3, 5, "4"}, {4, 5, "1"}}};
	struct fake b = {.presses = {{1, 5, "3"}, {3, 5, "4"}, {4, 5, "2"}}};
	struct fake c = {.presses = {{1, 5, "1"}, {3, 5, "4"}, {4, 5, "1"}}};
	struct fake d = {.presses = {{1, 5, "2"}, {3, 5, "4"}}};

	load_demo(NULL, NULL);
	appt_slots = "{\"result\": \"available\", \"count\": 5, "
	             "\"first\": {\"id\": \"S1\"}, "
	             "\"first_spoken\": \"2026-11-24 09:30\"}";
	appt_book = "{\"result\": \"booked\", \"id\": \"x\", \"code\": "
	            "\"042817\", \"spoken\": \"2026-11-24 10:00\"}";
	run1(&a, "demo", "main");
	log_is(&a, LANG_MENU "S P*[zh/notice/recording] "
	                     "P*[zh/menu/main,zh/menu/repeat] S "
	                     "P*[zh/appt/offer,zh/num/ten,zh/num/1,zh/date/yue,"
	                     "zh/num/2,zh/num/ten,zh/num/4,zh/date/ri,"
	                     "zh/time/am,zh/num/9,zh/time/dian,zh/num/3,"
	                     "zh/num/ten,zh/time/fen,zh/appt/choose] S "
	                     "P[zh/appt/booked,zh/num/ten,zh/num/1,zh/date/yue,"
	                     "zh/num/2,zh/num/ten,zh/num/4,zh/date/ri,"
	                     "zh/time/am,zh/num/ten,zh/time/dian,zh/appt/code,"
	                     "zh/num/0,zh/num/4,zh/num/2,zh/num/8,zh/num/yao,"
	                     "zh/num/7] P[zh/goodbye] H[0]");
	assert_non_null(strstr(last_request,
	                       "POST /api/v1/ivr/book?token=demo-ivr-key-"
	                       "4f1c9a27&service=permit&caller=%2B8613800000000"
	                       "&slot=S1"));
	assert_string_equal(ivr_session_var(a.s, "code"), "042817");
	done(&a);

	/* 2: an agent, in English */
	run1(&b, "demo", "main");
	assert_non_null(strstr(b.log,
	                       "P[en/transfer/connecting] "
	                       "Q[appointment/0/appointment:3,english:1]"));
	assert_non_null(strstr(b.log, "P*[en/appt/offer,en/date/month_11,"
	                              "en/num/20,en/num/4,en/time/at,en/num/9,"
	                              "en/num/30,en/time/am,en/appt/choose] "));
	done(&b);

	/* the booking answers garbage: an apology, the queue */
	appt_book = "{\"result\": \"boo";
	run1(&c, "demo", "main");
	assert_non_null(strstr(c.log, "P[zh/error/system] "
	                              "P[zh/transfer/connecting] "
	                              "Q[appointment/0/appointment:3,"
	                              "mandarin:1]"));
	done(&c);

	/* the slots lookup fails (500): an apology, the queue, in Korean */
	appt_slots = NULL;
	run1(&d, "demo", "main");
	assert_non_null(strstr(d.log, "P[ko/error/system] "
	                              "P[ko/transfer/connecting] "
	                              "Q[appointment/0/appointment:3,"
	                              "korean:1]"));
	done(&d);
}

/* The caller hangs up: during a playback (the channel frees the session
 * inside play()), and while a lookup runs (freed from outside). */
static void test_caller_hangs_up(void **state)
{
	struct fake a = {.hangup_on_play = 2, .presses = {{1, 5, "1"}}};
	struct fake b = {.presses = {{1, 40, "1007#"}}, .bye_ms = 400};
	struct fake *fv[] = {&a, &b};

	load_demo(NULL, NULL);
	run(&fv[0], 1, "demo", "main", NULL);
	log_is(&a, LANG_MENU "S P*[zh/notice/recording] BYE ");
	assert_null(a.s);

	load_center(http_center);
	run(&fv[1], 1, "t", "bill", NULL);
	log_is(&b, "P*[zh/account/enter] BYE ");
	assert_null(b.s);
}

static void test_session_api(void **state)
{
	struct ivr_call call = {.tenant = "demo", .flow = "main"};
	struct ivr_ops ops = fake_ops;
	struct ivr_session *s = NULL;
	struct fake f = {0};
	const char *name, *value;

	load_demo(NULL, NULL);
	assert_int_equal(ivr_session_alloc(&s, ivr, &call, NULL, &f), EINVAL);
	ops.callback = NULL;
	assert_int_equal(ivr_session_alloc(&s, ivr, &call, &ops, &f), EINVAL);
	call.flow = "nope";
	assert_int_equal(ivr_session_alloc(&s, ivr, &call, &fake_ops, &f),
	                 EINVAL);
	call.flow = "main";
	call.tenant = "nobody";
	assert_int_equal(ivr_session_alloc(&s, ivr, &call, &fake_ops, &f),
	                 EINVAL);
	call.tenant = "demo";
	call.lang = "fr";
	assert_int_equal(ivr_session_alloc(&s, ivr, &call, &fake_ops, &f),
	                 EINVAL);
	assert_null(s);

	/* the IVR's own variables, in the order set */
	call.lang = "ko";
	call.caller = "1001";
	assert_int_equal(ivr_session_alloc(&s, ivr, &call, &fake_ops, &f), 0);
	assert_int_equal(ivr_session_state(s), IVR_RUNNING);
	assert_null(ivr_session_node(s));
	assert_string_equal(ivr_session_lang(s), "ko");
	assert_int_equal(ivr_session_var_count(s), 5);
	assert_true(ivr_session_var_at(s, 0, &name, &value));
	assert_string_equal(name, "caller");
	assert_string_equal(value, "1001");
	assert_true(ivr_session_var_at(s, 1, &name, &value));
	assert_string_equal(name, "language");
	assert_string_equal(value, "ko");
	assert_true(ivr_session_var_at(s, 3, &name, &value));
	assert_string_equal(name, "flow");
	assert_string_equal(value, "main");
	assert_true(ivr_session_var_at(s, 4, &name, &value));
	assert_string_equal(name, "path");
	assert_string_equal(value, "");
	assert_false(ivr_session_var_at(s, 5, &name, &value));
	assert_null(ivr_session_var(s, "called"));
	/* digits before the start wait; a key that is no key is ignored */
	ivr_session_digit(s, 'x');
	ivr_session_digit(s, '2');
	f.s = s;
	running = 1;
	assert_int_equal(ivr_session_start(s), 0);
	assert_int_equal(ivr_session_start(s), EALREADY);
	/* "2" was typed ahead: Korean without the language menu */
	assert_string_equal(f.log, "P*[ko/notice/recording] ");
	assert_string_equal(ivr_session_node(s), "notice");
	mem_deref(s); /* hung up while the notice plays */
	tmr_cancel(&f.play_tmr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_demo_each_queue),
	    cmocka_unit_test(test_demo_appointment),
	    cmocka_unit_test(test_demo_no_choice_is_chinese),
	    cmocka_unit_test(test_demo_wrong_key),
	    cmocka_unit_test(test_demo_silence_operator),
	    cmocka_unit_test(test_demo_wrong_keys_operator),
	    cmocka_unit_test(test_demo_barge_in),
	    cmocka_unit_test(test_type_ahead),
	    cmocka_unit_test(test_demo_flood),
	    cmocka_unit_test(test_demo_long_path),
	    cmocka_unit_test(test_demo_closed_voicemail),
	    cmocka_unit_test(test_time_condition),
	    cmocka_unit_test(test_nodes),
	    cmocka_unit_test(test_collect),
	    cmocka_unit_test(test_speak_numbers),
	    cmocka_unit_test(test_http_ok),
	    cmocka_unit_test(test_http_post),
	    cmocka_unit_test(test_http_errors),
	    cmocka_unit_test(test_sync_play_done),
	    cmocka_unit_test(test_caller_hangs_up),
	    cmocka_unit_test(test_session_api),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
