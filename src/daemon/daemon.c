/**
 * @file daemon.c  Start, run and stop the daemon.
 *
 * Start-up order matters: everything that can refuse (the center file, the
 * listening ports) runs before the daemon announces itself, and nothing
 * listens at all if the center file is bad.  Shutdown runs the other way:
 * stop accepting, end what is in progress, flush, free.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <re.h>

#include "acd/acd.h"
#include "api/api.h"
#include "center/center.h"
#include "core/core.h"
#include "daemon/daemon.h"
#include "daemon/daemon_int.h"
#include "ivr/ivr.h"
#include "media/media.h"
#include "crm/crm.h"
#include "store/store.h"
#include "voice/voice.h"

#define STOP_GRACE_MS 10000 /* longest wait for calls to end on shutdown */
/* libre keeps a table entry per possible fd (and epoll a slot): past this
 * many the tables cost more than the calls they would serve. */
#define FD_MAX 65536

struct daemon {
	struct center *center;   /* owning */
	struct acd *acd;         /* owning */
	struct api *api;         /* owning */
	struct store *store;     /* owning; store_close() before release */
	struct media *media;     /* owning: the RTP relay */
	struct ivr *ivr;         /* owning: time zones, lookups of flows */
	struct ivr_prompts *prompts; /* owning: freed after the relay */
	char prompt_dirs[1200];  /* the server's prompt folders */
	struct voice *voice;     /* owning: SIP, agent phones, calls */
	char *recordings;        /* owning: recordings folder */
	uint64_t test_now_ms;    /* HOTLINE_TEST_NOW: the IVR's clock... */
	uint64_t test_mono_ms;   /* ...at this hl_mono_ms() */
	struct crm *crm;         /* owning: customers, work orders */
	struct tmr crm_tmr;      /* the work-order deadline watch's timer */
	struct daemon_days *days; /* owning: each tenant's midnight (days.c) */
	char attach_dir[512];    /* beside the database */
	struct tmr acd_tmr;      /* the engine's one deadline timer */
	uint64_t acd_armed;      /* the deadline acd_tmr is armed for */
	struct tmr stop_tmr;     /* bounds the shutdown */
	uint64_t clock_last;     /* last engine clock reading */
	const char *sip_listen;  /* borrowed: options or center */
	const char *http_listen;
	const char *db_path;
	bool stopping;
	bool started;            /* start() succeeded: the engine's figures
				    are worth storing at the end */
	int status;              /* exit status */
};

/* There is one daemon per process; libre's signal handler takes no
 * argument. */
static struct daemon *the_daemon;

/* --- the engine's clock and timer ---------------------------------------- */

/* Wall-clock ms, so engine times are real dates in records and the API, but
 * never going back (the engine's clock contract) when NTP steps the clock
 * backwards. */
static uint64_t engine_clock(void *arg)
{
	struct daemon *d = arg;
	uint64_t now = hl_wall_ms();

	if (now < d->clock_last)
		now = d->clock_last;
	d->clock_last = now;
	return now;
}

static void engine_deadline(uint64_t deadline, void *arg);

static void engine_timer(void *arg)
{
	struct daemon *d = arg;

	acd_run_timers(d->acd);
	/* Re-arm from the source of truth even if no change was signalled. */
	engine_deadline(acd_next_deadline(d->acd), d);
}

/* One libre timer for all of the engine's deadlines (see acd.h).
 *
 * Re-armed only when the deadline moves earlier: a later (or no) deadline
 * lets the armed timer fire early, and engine_timer() re-arms from the
 * engine.  libre keeps timers in one sorted list and a start walks it from
 * the tail past every later timer; under call load that list holds tens of
 * thousands of SIP transaction timers (32 s each), so re-arming on every
 * contact (offer timeouts change at each offer and answer) cost more than
 * the calls themselves (bench/sip-load: 1.9 -> 1.2 ms CPU per call). */
static void engine_deadline(uint64_t deadline, void *arg)
{
	struct daemon *d = arg;
	uint64_t now;

	if (deadline == ACD_NONE)
		return;
	if (tmr_isrunning(&d->acd_tmr) && d->acd_armed <= deadline)
		return;
	now = engine_clock(d);
	d->acd_armed = deadline;
	tmr_start(&d->acd_tmr, deadline > now ? deadline - now : 0,
		  engine_timer, d);
}

/* --- the work-order deadline watch: one timer, as for the engine -------- */

static void crm_deadline(uint64_t deadline, void *arg);

static void crm_timer(void *arg)
{
	struct daemon *d = arg;

	crm_run_timers(d->crm);
	crm_deadline(crm_next_deadline(d->crm), d);
}

static void crm_deadline(uint64_t deadline, void *arg)
{
	struct daemon *d = arg;
	uint64_t now = engine_clock(d);

	/* orders fall due in minutes or hours: re-arming costs nothing */
	if (deadline == CRM_NONE) {
		tmr_cancel(&d->crm_tmr);
		return;
	}
	tmr_start(&d->crm_tmr, deadline > now ? deadline - now : 0, crm_timer,
		  d);
}

/* Tests only: HOTLINE_TEST_DUE_DIV=N divides every work order's due time
 * (and so its near-due flag) by N, so that flagging and escalation can be
 * watched in seconds (the center file's due times are at least a minute). */
static uint32_t test_due_div(void)
{
	const char *s = getenv("HOTLINE_TEST_DUE_DIV");
	char *end;
	unsigned long n;

	if (!s || !*s)
		return 0;
	n = strtoul(s, &end, 10);
	if (*end || n < 1 || n > 100000) {
		HL_WARN("daemon", "HOTLINE_TEST_DUE_DIV=%s ignored (1..100000)",
			s);
		return 0;
	}
	HL_WARN("daemon", "HOTLINE_TEST_DUE_DIV=%lu: work orders fall due "
		"%lu times sooner (tests only)", n, n);
	return (uint32_t)n;
}

static int start_crm(struct daemon *d)
{
	const char *slash = strrchr(d->db_path, '/');
	int err;

	snprintf(d->attach_dir, sizeof(d->attach_dir), "%.*sattachments",
		 slash ? (int)(slash - d->db_path + 1) : 0, d->db_path);
	err = crm_alloc(&d->crm, &(struct crm_opts){
					 .store = d->store,
					 .acd = d->acd,
					 .center = d->center,
					 .clock = engine_clock,
					 .clock_arg = d,
					 .deadlineh = crm_deadline,
					 .deadline_arg = d,
					 .attach_dir = d->attach_dir,
					 .due_div = test_due_div(),
				 });
	if (!err)
		err = crm_start(d->crm, NULL, NULL);
	if (err)
		fprintf(stderr, "hotline serve: work orders: %s\n",
			strerror(err));
	return err;
}

static void store_interval(struct daemon *d, const struct acd_event *ev)
{
	int err;

	err = daemon_interval_put(d->store, acd_tenant_name(ev->tenant),
				  acd_queue_name(ev->queue), ev->interval);
	if (err)
		HL_WARN("daemon", "interval of queue %s@%s not stored: %s",
			acd_queue_name(ev->queue), acd_tenant_name(ev->tenant),
			strerror(err));
}

/* Records of what the engine does: agent state history and the closed
 * statistics intervals go to the store (which never blocks the loop). */
static void engine_event(const struct acd_event *ev, void *arg)
{
	struct daemon *d = arg;
	int err;

	switch (ev->type) {
	case ACD_EV_AGENT_STATE:
		HL_INFO("daemon", "agent %s@%s: %s -> %s%s%s",
			acd_agent_id(ev->agent),
			acd_tenant_name(ev->tenant),
			acd_agent_state_name(ev->old_state),
			acd_agent_state_name(ev->new_state),
			ev->reason ? " " : "", ev->reason ? ev->reason : "");
		if (!d->store)
			break;
		err = store_agent_state_put(d->store,
					    acd_tenant_name(ev->tenant),
					    acd_agent_id(ev->agent),
					    acd_agent_state_name(ev->new_state),
					    ev->reason, ev->time);
		if (err)
			HL_WARN("daemon", "state of agent %s@%s not stored: %s",
				acd_agent_id(ev->agent),
				acd_tenant_name(ev->tenant), strerror(err));
		break;
	case ACD_EV_INTERVAL:
		if (d->store)
			store_interval(d, ev);
		break;
	default:
		break;
	}
}

/* --- shutdown ------------------------------------------------------------- */

static void stop_finish(struct daemon *d)
{
	tmr_cancel(&d->stop_tmr);
	re_cancel();
}

static void voice_done(void *arg)
{
	stop_finish(arg);
}

static void stop_timeout(void *arg)
{
	struct daemon *d = arg;

	HL_WARN("daemon", "shutdown: still busy after %d ms, stopping anyway",
		STOP_GRACE_MS);
	stop_finish(d);
}

static void signal_handler(int sig)
{
	struct daemon *d = the_daemon;

	if (d->stopping) {
		/* The operator insists: no more waiting for anything. */
		HL_WARN("daemon", "second signal (%s): exiting now",
			strsignal(sig));
		_exit(1);
	}
	d->stopping = true;
	HL_INFO("daemon", "%s: shutting down", strsignal(sig));

	/* Stop accepting new work first. */
	d->api = mem_deref(d->api);

	tmr_start(&d->stop_tmr, STOP_GRACE_MS, stop_timeout, d);
	/* No new calls; calls in progress end with BYE (records written);
	 * then the loop ends. */
	if (d->voice)
		voice_shutdown(d->voice, voice_done, d);
	else
		stop_finish(d);
}

/* --- start-up ------------------------------------------------------------- */

/* libre polls only fds below its fd_setsize(); raise the process limit to
 * its hard maximum and size libre to match, before anything listens. */
static int raise_fd_limit(void)
{
	struct rlimit rl;
	rlim_t want;
	int err;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return errno;
	want = rl.rlim_max;
	if (want == RLIM_INFINITY || want > FD_MAX)
		want = FD_MAX;
	if (rl.rlim_cur != want) {
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			HL_WARN("daemon", "cannot raise open files limit: %s",
				strerror(errno));
		if (getrlimit(RLIMIT_NOFILE, &rl))
			return errno;
	}
	err = fd_setsize((int)(rl.rlim_cur < FD_MAX ? rl.rlim_cur : FD_MAX));
	if (err)
		return err;
	HL_DEBUG("daemon", "open files limit %llu",
		 (unsigned long long)rl.rlim_cur);
	return 0;
}

/* mkdir -p of the directory part of path ("var/hotline.db" -> "var"). */
static int make_parent_dirs(const char *path)
{
	char buf[1024];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return errno;
		*p = '/';
	}
	return 0;
}

static const char *pick(const char *opt, const char *cfg, const char *def)
{
	if (opt && *opt)
		return opt;
	if (cfg && *cfg)
		return cfg;
	return def;
}

/* --- the IVR -------------------------------------------------------------- */

/* The IVR's clock: the wall clock, or for tests a start time given by
 * HOTLINE_TEST_NOW (seconds since the epoch) that runs on from there, so
 * that opening hours can be tried at any hour. */
static uint64_t ivr_clock(void *arg)
{
	struct daemon *d = arg;

	if (d->test_now_ms)
		return d->test_now_ms + (hl_mono_ms() - d->test_mono_ms);
	return hl_wall_ms();
}

/* Whether any folder of a ':'-separated list exists: prompts were
 * installed (a problem in them is an error), or not at all (`make prompts`
 * was never run: the daemon runs without IVR and says so). */
static bool any_dir(const char *dirs)
{
	char buf[1024];
	struct stat st;

	for (const char *p = dirs; p && *p;) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n && n < sizeof(buf)) {
			memcpy(buf, p, n);
			buf[n] = '\0';
			if (!stat(buf, &st) && S_ISDIR(st.st_mode))
				return true;
		}
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* "var/prompts:<folder of the binary>/../prompts": an operator's
 * recordings first, then the prompts `make prompts` generated beside the
 * build (build/asan/hotline -> build/prompts). */
static void prompts_default(char *buf, size_t sz)
{
	char exe[1024];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0) {
		snprintf(buf, sz, "var/prompts:build/prompts");
		return;
	}
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(buf, sz, "var/prompts:%s/../prompts", exe);
}

/* Prompts in every language of every tenant, and the IVR.  A center whose
 * prompts cannot be loaded still starts: numbers with a flow then go to
 * their queue, and waiting callers hear nothing; the log says why. */
static int start_ivr(struct daemon *d)
{
	const char *langs[16];
	size_t nlangs = 0;
	char *dirs = d->prompt_dirs, err[512] = "";
	const char *test_now = getenv("HOTLINE_TEST_NOW");
	int e;

	if (test_now && *test_now) {
		char *end;
		unsigned long long t = strtoull(test_now, &end, 10);

		if (*end || !t) {
			fprintf(stderr, "hotline serve: HOTLINE_TEST_NOW='%s': "
					"want seconds since the epoch\n",
				test_now);
			return EINVAL;
		}
		d->test_now_ms = t * 1000;
		d->test_mono_ms = hl_mono_ms();
		HL_WARN("daemon", "HOTLINE_TEST_NOW: the IVR's clock starts "
				  "at %llu (tests only)", t);
	}

	for (size_t t = 0; t < d->center->ntenants; t++) {
		const struct center_tenant *ct = &d->center->tenants[t];

		for (size_t i = 0; i < ct->nlanguages; i++) {
			size_t k = 0;

			while (k < nlangs && strcmp(langs[k],
						    ct->languages[i].code))
				k++;
			if (k == nlangs && nlangs < ARRAY_LEN(langs))
				langs[nlangs++] = ct->languages[i].code;
		}
	}

	if (d->center->server.prompts)
		snprintf(dirs, sizeof(d->prompt_dirs), "%s",
			 d->center->server.prompts);
	else
		prompts_default(dirs, sizeof(d->prompt_dirs));

	e = ivr_prompts_load(&d->prompts, dirs, langs, nlangs, err,
			     sizeof(err));
	if (e && any_dir(dirs)) {
		/* a set is there but a file is missing, unreadable or of the
		 * wrong format: a configuration error, not silence at call
		 * time */
		fprintf(stderr, "hotline serve: prompts (%s): %s\n", dirs,
			*err ? err : strerror(e));
		return EINVAL;
	}
	if (e) {
		HL_ERROR("daemon",
			 "prompts (%s): %s; IVR flows are off (their numbers "
			 "go to their queues) and waiting callers hear "
			 "nothing.  Run `make prompts`.",
			 dirs, *err ? err : strerror(e));
		return 0;
	}
	HL_INFO("daemon", "prompts loaded from %s (%zu languages)", dirs,
		nlangs);

	e = ivr_alloc(&d->ivr, d->center,
		      &(struct ivr_cfg){.clock = ivr_clock, .clock_arg = d},
		      err, sizeof(err));
	if (e) {
		fprintf(stderr, "hotline serve: IVR: %s\n",
			*err ? err : strerror(e));
		return e;
	}
	return 0;
}

/* The recordings folder: the center's, else "recordings" beside the
 * database. */
static int recordings_dir(struct daemon *d)
{
	const char *slash;

	if (d->center->server.recordings)
		return str_dup(&d->recordings, d->center->server.recordings);
	slash = strrchr(d->db_path, '/');
	if (!slash)
		return str_dup(&d->recordings, "recordings");
	return re_sdprintf(&d->recordings, "%b/recordings", d->db_path,
			   (size_t)(slash - d->db_path));
}

/* A tenant's own prompts (tenants[].prompts) for the voice: a set loaded
 * from "<its folders>:<the server's>", so that a name its folders lack is
 * the server's, in its languages.  Nothing without the server's set (then
 * nothing is played at all).  0, or an errno with err naming the problem;
 * without own prompts the tenant plays the shared set. */
static int tenant_prompts(struct daemon *d, const struct center_tenant *ct,
			  char *err, size_t errsz)
{
	const char *langs[16];
	size_t nlangs = 0;
	struct ivr_prompts *p = NULL;
	char *dirs = NULL;
	int e;

	if (!d->voice || !d->prompts)
		return 0;
	if (ct->removed || !ct->prompts || !*ct->prompts)
		return voice_tenant_prompts(d->voice, ct->name, NULL);
	if (!any_dir(ct->prompts)) {
		snprintf(err, errsz, "no folder %s", ct->prompts);
		return ENOENT;
	}
	for (size_t i = 0; i < ct->nlanguages && nlangs < ARRAY_LEN(langs);
	     i++)
		langs[nlangs++] = ct->languages[i].code;
	e = re_sdprintf(&dirs, "%s:%s", ct->prompts, d->prompt_dirs);
	if (e)
		return e;
	e = ivr_prompts_load(&p, dirs, langs, nlangs, err, errsz);
	if (!e)
		e = voice_tenant_prompts(d->voice, ct->name, p);
	if (!e)
		HL_INFO("daemon", "tenant %s: prompts loaded from %s",
			ct->name, dirs);
	mem_deref(p);
	mem_deref(dirs);
	return e;
}

/* A tenant the operator added, replaced or deleted at run time
 * (src/api/tenants.c): work orders, appointments and its statistics day. */
static void tenant_added(const struct center_tenant *ct, void *arg)
{
	struct daemon *d = arg;
	char perr[512] = "";
	int err;

	/* Loaded here on the loop (files read while it waits, rarely: an
	 * operator adding a tenant with its own prompts). */
	err = tenant_prompts(d, ct, perr, sizeof(perr));
	if (err) {
		HL_WARN("daemon", "tenant %s: prompts (%s): %s; its calls "
				  "play the server's prompts", ct->name,
			ct->prompts, *perr ? perr : strerror(err));
		(void)voice_tenant_prompts(d->voice, ct->name, NULL);
	}
	if (ct->removed) { /* deleted: no more midnights for it */
		daemon_days_remove(d->days, ct->name);
		return;
	}
	err = d->crm ? crm_tenant_added(d->crm, ct) : 0;

	if (err)
		HL_WARN("daemon", "tenant %s: no work orders until a restart: "
				  "%s", ct->name, strerror(err));
	err = daemon_days_add(d->days, ct->name, ct->timezone);
	if (err)
		HL_WARN("daemon", "tenant %s: its statistics day does not end "
				  "until a restart: %s", ct->name, strerror(err));
}

/* The relay's RTP ports: DAEMON_RTP_MIN..MAX, or for tests the range in
 * HOTLINE_RTP_PORTS ("MIN-MAX"), so that daemons started by tests keep out
 * of the port blocks the C tests bind (tests/common/testnet.c). */
static void rtp_range(uint16_t *minp, uint16_t *maxp)
{
	const char *env = getenv("HOTLINE_RTP_PORTS");
	unsigned lo, hi;

	*minp = DAEMON_RTP_MIN;
	*maxp = DAEMON_RTP_MAX;
	if (!env || !*env)
		return;
	if (sscanf(env, "%u-%u", &lo, &hi) != 2 || lo < 1024 || hi > 65535 ||
	    lo + 3 > hi) {
		HL_WARN("daemon", "HOTLINE_RTP_PORTS='%s' is not MIN-MAX "
				  "(1024..65535, 4 ports at least): ignored",
			env);
		return;
	}
	HL_WARN("daemon", "RTP ports %u-%u from HOTLINE_RTP_PORTS (tests only)",
		lo, hi);
	*minp = (uint16_t)lo;
	*maxp = (uint16_t)hi;
}

/* The media relay on the SIP address's IP, then the voice channel. */
static int start_voice(struct daemon *d)
{
	struct sa laddr;
	uint16_t rtp_min, rtp_max;
	char ip[64];
	int err;

	if (sa_decode(&laddr, d->sip_listen, strlen(d->sip_listen)) ||
	    sa_ntop(&laddr, ip, sizeof(ip))) {
		fprintf(stderr, "hotline serve: SIP address '%s' is not "
				"ADDR:PORT\n",
			d->sip_listen);
		return EINVAL;
	}

	rtp_range(&rtp_min, &rtp_max);
	err = media_alloc(&d->media, &(struct media_cfg){
					     .ip = ip,
					     .port_min = rtp_min,
					     .port_max = rtp_max,
					     .threads = 1,
					     .rt_prio = (int)d->center->server
								.media_priority,
				     });
	if (err) {
		fprintf(stderr, "hotline serve: media relay on %s: %s\n", ip,
			strerror(err));
		return err;
	}

	err = start_ivr(d);
	if (err)
		return err;
	err = recordings_dir(d);
	if (err)
		return err;

	err = voice_alloc(&d->voice, &(struct voice_cfg){
					     .center = d->center,
					     .acd = d->acd,
					     .store = d->store,
					     .media = d->media,
					     .listen = d->sip_listen,
					     .ivr = d->ivr,
					     .prompts = d->prompts,
					     .recordings = d->recordings,
				     });
	if (err) {
		if (err == EINVAL)
			fprintf(stderr, "hotline serve: voice channel: bad "
					"configuration (see the log)\n");
		else
			fprintf(stderr, "hotline serve: cannot listen for SIP "
					"on %s: %s\n",
				d->sip_listen, strerror(err));
		return err;
	}

	/* each tenant's own prompts; a bad one is a configuration error,
	 * like the server's */
	for (size_t i = 0; i < d->center->ntenants; i++) {
		const struct center_tenant *ct = &d->center->tenants[i];
		char perr[512] = "";

		err = ct->removed ? 0 : tenant_prompts(d, ct, perr,
							sizeof(perr));
		if (err) {
			fprintf(stderr, "hotline serve: tenant %s: prompts "
					"(%s): %s\n",
				ct->name, ct->prompts,
				*perr ? perr : strerror(err));
			return EINVAL;
		}
	}

	return 0;
}

static int start(struct daemon *d, const struct daemon_opts *opts)
{
	const char *center_path = pick(opts->center_path, NULL,
				       DAEMON_CENTER_DEFAULT);
	const char *level_name, *web;
	enum hl_log_level level;
	char errbuf[512] = "";
	int err;

	err = center_load(&d->center, center_path, errbuf, sizeof(errbuf));
	if (err) {
		fprintf(stderr, "hotline serve: %s\n",
			*errbuf ? errbuf : strerror(err));
		return err;
	}

	/* The command line wins over the center file's server: section. */
	level_name = pick(opts->log_level, d->center->server.log_level, NULL);
	if (level_name) {
		if (hl_log_level_parse(level_name, &level)) {
			fprintf(stderr,
				"hotline serve: %s: unknown log level '%s'\n",
				center_path, level_name);
			return EINVAL;
		}
		hl_log_set_level(level);
	}
	d->sip_listen = pick(opts->sip_listen, d->center->server.sip_listen,
			     DAEMON_SIP_DEFAULT);
	d->http_listen = pick(opts->http_listen,
			      d->center->server.http_listen,
			      DAEMON_HTTP_DEFAULT);
	d->db_path = pick(opts->db_path, d->center->server.database,
			  DAEMON_DB_DEFAULT);

	err = make_parent_dirs(d->db_path);
	if (err) {
		fprintf(stderr, "hotline serve: %s: cannot create its "
				"directory: %s\n",
			d->db_path, strerror(err));
		return err;
	}
	err = store_open(&d->store, d->db_path, errbuf, sizeof(errbuf));
	if (err) {
		fprintf(stderr, "hotline serve: %s\n",
			*errbuf ? errbuf : strerror(err));
		return err;
	}

	/* Tenants created, imported, suspended or deleted through the API
	 * (src/api/tenants.c) over the file's, before anything is built
	 * from the model. */
	err = api_tenants_restore(d->center, d->store);
	if (err) {
		fprintf(stderr, "hotline serve: stored tenants: %s\n",
			strerror(err));
		return err;
	}

	err = acd_alloc(&d->acd, &(struct acd_opts){
					 .clock = engine_clock,
					 .clock_arg = d,
					 .deadlineh = engine_deadline,
					 .deadline_arg = d,
					 .seed = (uint32_t)hl_wall_ms(),
				 });
	if (err) {
		fprintf(stderr, "hotline serve: routing engine: %s\n",
			strerror(err));
		return err;
	}
	err = acd_subscribe(d->acd, engine_event, d);
	if (err)
		return err;

	err = center_apply(d->center, d->acd, errbuf, sizeof(errbuf));
	if (err) {
		fprintf(stderr, "hotline serve: %s\n",
			*errbuf ? errbuf : strerror(err));
		return err;
	}
	engine_deadline(acd_next_deadline(d->acd), d);


	err = start_crm(d);
	if (err)
		return err;

	err = start_voice(d);
	if (err)
		return err;
	/* each caller looked up among the tenant's customers */
	voice_set_crm(d->voice, d->crm);

	/* statistics "today" in each tenant's own day, on the IVR's clock
	 * (which tests can set) */
	err = daemon_days_alloc(&d->days, d->acd, ivr_clock, d);
	for (size_t i = 0; !err && i < d->center->ntenants; i++) {
		const struct center_tenant *ct = &d->center->tenants[i];

		if (ct->removed)
			continue;
		err = daemon_days_add(d->days, ct->name, ct->timezone);
		if (err)
			fprintf(stderr, "hotline serve: tenant %s: time zone "
					"%s: %s\n",
				ct->name, ct->timezone ? ct->timezone : "UTC",
				strerror(err));
	}
	if (err)
		return err;

	/* Today's figures from before a restart, before any call (the loop
	 * has not run yet); see restore.c. */
	daemon_restore_today(d->acd, d->store, d->days);

	/* Agents' skills changed through the API outlive restarts. */
	err = api_skills_restore(d->store, d->acd);
	if (err)
		HL_WARN("daemon", "stored agent skills not applied: %s",
			strerror(err));

	/* The web pages: --web DIR, else web/dist when it was built. */
	web = opts->web_dir;
	if (!web && !access(DAEMON_WEB_DEFAULT "/index.html", R_OK))
		web = DAEMON_WEB_DEFAULT;
	if (web && !*web)
		web = NULL;

	/* The API last: once /api/v1/health answers, everything is up. */
	err = api_alloc(&d->api, &(struct api_cfg){
					 .listen = d->http_listen,
					 .acd = d->acd,
					 .center = d->center,
					 .store = d->store,
					 .crm = d->crm,
					 .voice = d->voice,
					 .web_dir = web,
					 .tenanth = tenant_added,
					 .tenant_arg = d,
				 });
	if (err) {
		fprintf(stderr, "hotline serve: cannot listen for HTTP on %s: "
				"%s\n",
			d->http_listen,
			err == EINVAL ? "not an ADDR:PORT address (or users "
					"and web pages: see the log)"
				      : strerror(err));
		return err;
	}

	HL_INFO("daemon",
		"hotline serve: listening sip udp+tcp %s, http %s, db %s "
		"(center %s, pid %d)",
		d->sip_listen, d->http_listen, d->db_path, center_path,
		(int)getpid());
	return 0;
}

static void daemon_free(struct daemon *d)
{
	tmr_cancel(&d->acd_tmr);
	tmr_cancel(&d->stop_tmr);
	tmr_cancel(&d->crm_tmr);
	d->days = mem_deref(d->days);
	d->api = mem_deref(d->api);
	/* Before the engine and the store it reports to. */
	d->voice = mem_deref(d->voice);
	if (d->media)
		(void)media_flush(d->media);
	d->media = mem_deref(d->media);
	/* players read the prompts in place until the relays are gone */
	d->ivr = mem_deref(d->ivr);
	d->prompts = mem_deref(d->prompts);
	d->recordings = mem_deref(d->recordings);
	/* The intervals in progress, once the last calls have ended, so a
	 * restart within the same 15 minutes continues them (restore.c). */
	if (d->started)
		daemon_save_intervals(d->acd, d->store);
	/* Commit everything queued (blocking: this is shutdown), then run
	 * the last callbacks. */
	if (d->store) {
		/* crm stays until the store's last callbacks have run */
		store_close(d->store);
		d->crm = mem_deref(d->crm);
		d->store = mem_deref(d->store);
	}
	d->crm = mem_deref(d->crm);
	/* The engine first: it may point into the center's strings. */
	d->acd = mem_deref(d->acd);
	d->center = mem_deref(d->center);
}

int daemon_run(const struct daemon_opts *opts)
{
	struct daemon d = {0};
	int err;

	/* A client closing its connection must not kill the daemon. */
	signal(SIGPIPE, SIG_IGN);

	if (opts->log_level) {
		enum hl_log_level level;
		if (!hl_log_level_parse(opts->log_level, &level))
			hl_log_set_level(level);
	}

	err = libre_init();
	if (err) {
		fprintf(stderr, "hotline serve: libre_init: %s\n",
			strerror(err));
		return 1;
	}
	tmr_init(&d.acd_tmr);
	tmr_init(&d.stop_tmr);
	tmr_init(&d.crm_tmr);
	the_daemon = &d;

	err = raise_fd_limit();
	if (err) {
		fprintf(stderr, "hotline serve: file descriptors: %s\n",
			strerror(err));
		d.status = 1;
		goto out;
	}

	err = start(&d, opts);
	if (err) {
		d.status = 1;
		goto out;
	}
	d.started = true;

	err = re_main(signal_handler);
	if (err) {
		HL_ERROR("daemon", "event loop: %s", strerror(err));
		d.status = 1;
	}
	HL_INFO("daemon", "stopped");

out:
	daemon_free(&d);
	the_daemon = NULL;
	libre_close();
	return d.status;
}
