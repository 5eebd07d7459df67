/**
 * @file test_voice.c  The voice channel against real SIP peers on loopback.
 *
 * One process, one libre loop: the voice channel with the real routing
 * engine, center loader and media relay, and, as its peers, small SIP user
 * agents built on libre (a carrier's trunk placing calls, agent phones that
 * register with digest auth and answer, ring, reject or transfer).  Every
 * message crosses real UDP sockets; RTP is sent by both peers every 20 ms
 * and counted where it arrives, so "bridged" means audio flows both ways.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <re.h>

#include "acd/acd.h"
#include "center/center.h"
#include "common/testnet.h"
#include "core/core.h"
#include "media/media.h"
#include "store/store.h"
#include "voice/voice.h"

/* --- fixture ------------------------------------------------------------- */

struct fix {
	char dir[64];
	struct center *center;
	struct acd *acd;
	struct media *media;
	struct store *store;
	struct voice *voice;
	struct tmr acd_tmr;
	struct sa vaddr; /* voice's SIP address */
	bool shut;
};

static struct fix *F;

static uint64_t clock_h(void *arg)
{
	(void)arg;
	return hl_wall_ms();
}

static void acd_tmr_h(void *arg);

static void deadline_h(uint64_t dl, void *arg)
{
	struct fix *f = arg;
	uint64_t now = hl_wall_ms();

	if (dl == ACD_NONE)
		tmr_cancel(&f->acd_tmr);
	else
		tmr_start(&f->acd_tmr, dl > now ? dl - now : 0, acd_tmr_h, f);
}

static void acd_tmr_h(void *arg)
{
	struct fix *f = arg;

	acd_run_timers(f->acd);
	deadline_h(acd_next_deadline(f->acd), f);
}

static uint16_t free_port(void)
{
	struct udp_sock *us = NULL;
	struct tcp_sock *ts = NULL;
	struct sa sa;
	uint16_t port = 0;

	for (int i = 0; i < 50 && !port; i++) {
		sa_set_str(&sa, "127.0.0.1", 0);
		if (udp_listen(&us, &sa, NULL, NULL))
			continue;
		udp_local_get(us, &sa);
		if (!tcp_listen(&ts, &sa, NULL, NULL))
			port = sa_port(&sa);
		us = mem_deref(us);
		ts = mem_deref(ts);
	}

	return port;
}

static const char *center_yaml =
    "trunks:\n"
    "  - {name: carrier, address: 127.0.0.1}\n"
    "tenants:\n"
    "  - name: demo\n"
    "    available_on_register: true\n"
    "    skills: [general]\n"
    "    queues:\n"
    "      - {name: general, skills: {general: 1}, offer_timeout: 2}\n"
    "      - {name: second, skills: {general: 1}, offer_timeout: 2}\n"
    "      - {name: tiny, skills: {general: 1}, max_length: 1,\n"
    "         max_wait: 1, overflow: {action: disconnect}}\n"
    "    numbers:\n"
    "      - {number: \"12345\", queue: general}\n"
    "      - {number: \"12399\", queue: second}\n"
    "      - {number: \"12388\", queue: tiny}\n"
    "    agents:\n"
    "      - {ids: 1001-1004, password: \"pw{id}\", "
    "skills: {general: 5}}\n";

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct acd_opts ao = {
	    .clock = clock_h,
	    .deadlineh = deadline_h,
	    .check = true,
	};
	struct media_cfg mc = {.ip = "127.0.0.1", .threads = 1};
	char path[128], err[256], listen[64];
	struct voice_cfg vc;
	FILE *fp;

	assert_non_null(f);
	F = f;
	ao.deadline_arg = f;
	tmr_init(&f->acd_tmr);

	snprintf(f->dir, sizeof(f->dir), "/tmp/hl-voice-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(path, sizeof(path), "%s/center.yaml", f->dir);

	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(center_yaml, fp);
	fclose(fp);

	assert_int_equal(center_load(&f->center, path, err, sizeof(err)), 0);
	assert_int_equal(acd_alloc(&f->acd, &ao), 0);
	assert_int_equal(center_apply(f->center, f->acd, err, sizeof(err)), 0);

	/* this process's block (tests/common/testnet.c): not the kernel's
	 * ephemeral ports, where the peers' sockets and other tests' SIPp
	 * and python peers are bound, nor the ports of daemons started by
	 * tests (10000-19999) or benchmarks (16384-32767 by default) */
	testnet_block(&mc.port_min, &mc.port_max);
	assert_int_equal(media_alloc(&f->media, &mc), 0);

	snprintf(path, sizeof(path), "%s/h.db", f->dir);
	assert_int_equal(store_open(&f->store, path, err, sizeof(err)), 0);

	sa_set_str(&f->vaddr, "127.0.0.1", free_port());
	re_snprintf(listen, sizeof(listen), "%J", &f->vaddr);
	vc = (struct voice_cfg){
	    .center = f->center,
	    .acd = f->acd,
	    .store = f->store,
	    .media = f->media,
	    .listen = listen,
	};
	assert_int_equal(voice_alloc(&f->voice, &vc), 0);

	*state = f;
	return 0;
}

static void shut_done(void *arg)
{
	struct fix *f = arg;

	f->shut = true;
}

static bool run_until(bool (*cond)(void *), void *arg, unsigned ms);

static bool is_shut(void *arg)
{
	return ((struct fix *)arg)->shut;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	char cmd[128];

	if (!f->shut) {
		voice_shutdown(f->voice, shut_done, f);
		run_until(is_shut, f, 6000);
	}
	f->voice = mem_deref(f->voice);
	if (f->store)
		store_close(f->store);
	f->store = mem_deref(f->store);
	tmr_cancel(&f->acd_tmr);
	if (f->media)
		media_flush(f->media);
	f->media = mem_deref(f->media);
	f->acd = mem_deref(f->acd);
	f->center = mem_deref(f->center);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	(void)system(cmd);
	free(f);
	F = NULL;
	return 0;
}

/* --- running the loop ---------------------------------------------------- */

struct waiter {
	bool (*cond)(void *);
	void *arg;
	uint64_t deadline;
	bool ok;
	struct tmr tmr;
};

static void wait_tmr(void *arg)
{
	struct waiter *w = arg;

	if (w->cond && w->cond(w->arg)) {
		w->ok = true;
		re_cancel();
		return;
	}
	if (hl_mono_ms() >= w->deadline) {
		re_cancel();
		return;
	}
	tmr_start(&w->tmr, 5, wait_tmr, w);
}

/* Run the loop until cond holds (true) or ms pass (false). */
static bool run_until(bool (*cond)(void *), void *arg, unsigned ms)
{
	struct waiter w = {.cond = cond, .arg = arg};

	w.deadline = hl_mono_ms() + ms;
	tmr_init(&w.tmr);
	tmr_start(&w.tmr, 0, wait_tmr, &w);
	(void)re_main(NULL);
	tmr_cancel(&w.tmr);
	return w.ok;
}

static void run_for(unsigned ms)
{
	(void)run_until(NULL, NULL, ms);
}

/* --- a user agent: phone or trunk ---------------------------------------- */

enum mode {
	M_ANSWER = 0, /* 180 then 200 */
	M_RING,       /* 180 only */
	M_REJECT,     /* 486 */
};

struct ua {
	char name[16];
	char user[16];
	char pass[32];
	enum mode mode;
	struct sip *sip;
	struct sipsess_sock *sock;
	struct sip_lsnr *lsnr;
	struct sipreg *reg;
	struct sipsess *sess; /* the current call */
	struct sdp_session *sdp;
	struct sdp_media *sm;
	struct udp_sock *rtp;
	struct sa laddr; /* SIP */
	struct sa rtp_laddr;
	struct tmr rtp_tmr;
	uint16_t seq;
	uint32_t rtp_rx; /* RTP packets received */
	uint32_t rtp_tx;
	bool send_rtp;

	uint32_t reg_ok, reg_fail;
	uint16_t reg_scode;
	uint32_t invites; /* incoming INVITEs */
	uint32_t estab, closed;
	int close_err;
	uint16_t final_scode;  /* outgoing call: final response */
	uint16_t notify_scode; /* sipfrag status of the last NOTIFY */
	uint32_t notifies;
	uint16_t refer_scode;
	enum sdp_dir last_rdir; /* direction of the remote's last SDP */
	char from_user[32];     /* From of the last incoming INVITE */
};

static void ua_sess_close(struct ua *u)
{
	u->sess = mem_deref(u->sess);
	tmr_cancel(&u->rtp_tmr);
	u->send_rtp = false;
}

static void ua_destructor(void *arg)
{
	struct ua *u = arg;

	tmr_cancel(&u->rtp_tmr);
	mem_deref(u->sess);
	mem_deref(u->reg);
	mem_deref(u->lsnr);
	mem_deref(u->sock);
	mem_deref(u->sdp);
	mem_deref(u->rtp);
	if (u->sip)
		sip_close(u->sip, true);
	mem_deref(u->sip);
}

static void rtp_recv(const struct sa *src, struct mbuf *mb, void *arg)
{
	struct ua *u = arg;
	(void)src;

	if (mbuf_get_left(mb) >= 12 && (mbuf_buf(mb)[0] & 0xc0) == 0x80 &&
	    (mbuf_buf(mb)[1] & 0x7f) < 72)
		++u->rtp_rx;
}

static void rtp_tmr_h(void *arg)
{
	struct ua *u = arg;
	const struct sa *ra = sdp_media_raddr(u->sm);
	struct mbuf *mb;

	tmr_start(&u->rtp_tmr, 20, rtp_tmr_h, u);
	if (!u->send_rtp || !sa_isset(ra, SA_ALL))
		return;

	mb = mbuf_alloc(12 + 160);
	if (!mb)
		return;
	mbuf_write_u8(mb, 0x80);
	mbuf_write_u8(mb, 0); /* PCMU */
	mbuf_write_u16(mb, htons(u->seq++));
	mbuf_write_u32(mb, htonl(u->seq * 160u));
	mbuf_write_u32(mb, htonl(0x1234 + (uint32_t)u->name[0]));
	mbuf_fill(mb, 0xff, 160);
	mb->pos = 0;
	if (!udp_send(u->rtp, ra, mb))
		++u->rtp_tx;
	mem_deref(mb);
}

static int ua_sdp_reset(struct ua *u)
{
	int err;

	u->sdp = mem_deref(u->sdp);
	err = sdp_session_alloc(&u->sdp, &u->rtp_laddr);
	err |= sdp_media_add(&u->sm, u->sdp, sdp_media_audio,
	                     sa_port(&u->rtp_laddr), sdp_proto_rtpavp);
	err |= sdp_format_add(NULL, u->sm, false, "0", "PCMU", 8000, 1, NULL,
	                      NULL, NULL, false, NULL);
	err |= sdp_format_add(NULL, u->sm, false, "101", "telephone-event",
	                      8000, 1, NULL, NULL, NULL, false, "0-15");
	return err;
}

static int offer_h(struct mbuf **descp, const struct sip_msg *msg, void *arg)
{
	struct ua *u = arg;
	int err = sdp_decode(u->sdp, msg->mb, true);

	if (err)
		return err;
	u->last_rdir = sdp_media_rdir(u->sm);
	return sdp_encode(descp, u->sdp, false);
}

static int answer_h(const struct sip_msg *msg, void *arg)
{
	struct ua *u = arg;
	int err = sdp_decode(u->sdp, msg->mb, false);

	u->last_rdir = sdp_media_rdir(u->sm);
	return err;
}

static void progr_h(const struct sip_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
}

static void estab_h(const struct sip_msg *msg, void *arg)
{
	struct ua *u = arg;
	(void)msg;

	++u->estab;
	u->final_scode = 200;
	u->send_rtp = true;
	tmr_start(&u->rtp_tmr, 0, rtp_tmr_h, u);
}

static void close_h(int err, const struct sip_msg *msg, void *arg)
{
	struct ua *u = arg;

	++u->closed;
	u->close_err = err;
	if (msg)
		u->final_scode = msg->scode;
	ua_sess_close(u);
}

static void conn_h(const struct sip_msg *msg, void *arg)
{
	struct ua *u = arg;
	struct mbuf *desc = NULL;
	int err;

	++u->invites;
	pl_strcpy(&msg->from.uri.user, u->from_user, sizeof(u->from_user));

	if (u->sess || u->mode == M_REJECT) {
		(void)sip_treply(NULL, u->sip, msg, 486, "Busy Here");
		return;
	}

	ua_sdp_reset(u);
	err = sdp_decode(u->sdp, msg->mb, true);
	assert_int_equal(err, 0);
	err = sdp_encode(&desc, u->sdp, false);
	assert_int_equal(err, 0);

	err =
	    sipsess_accept(&u->sess, u->sock, msg, 180, "Ringing", u->user,
	                   "application/sdp", NULL, NULL, NULL, false, offer_h,
	                   answer_h, estab_h, NULL, NULL, close_h, u, NULL);
	assert_int_equal(err, 0);

	if (u->mode == M_ANSWER) {
		err = sipsess_answer(u->sess, 200, "OK", desc, NULL);
		assert_int_equal(err, 0);
	}
	mem_deref(desc);
}

/* In-dialog NOTIFY (the outcome of our REFER). */
static bool req_h(const struct sip_msg *msg, void *arg)
{
	struct ua *u = arg;
	struct pl st;

	if (pl_strcmp(&msg->met, "NOTIFY"))
		return false;

	if (!re_regex((const char *)mbuf_buf(msg->mb), mbuf_get_left(msg->mb),
	              "SIP/2.0 [0-9]+", &st))
		u->notify_scode = (uint16_t)pl_u32(&st);
	++u->notifies;
	(void)sip_reply(u->sip, msg, 200, "OK");
	return true;
}

static struct ua *ua_alloc(const char *name, const char *user, const char *pass,
                           enum mode mode, const char *ip)
{
	struct ua *u = mem_zalloc(sizeof(*u), ua_destructor);
	struct sa sa;

	assert_non_null(u);
	str_ncpy(u->name, name, sizeof(u->name));
	str_ncpy(u->user, user, sizeof(u->user));
	str_ncpy(u->pass, pass ? pass : "", sizeof(u->pass));
	u->mode = mode;
	tmr_init(&u->rtp_tmr);

	assert_int_equal(sip_alloc(&u->sip, NULL, 32, 32, 32, name, NULL, NULL),
	                 0);
	sa_set_str(&sa, ip ? ip : "127.0.0.1", 0);
	assert_int_equal(sip_transp_add(u->sip, SIP_TRANSP_UDP, &sa), 0);
	assert_int_equal(
	    sip_transp_laddr(u->sip, &u->laddr, SIP_TRANSP_UDP, NULL), 0);
	assert_int_equal(sipsess_listen(&u->sock, u->sip, 32, conn_h, u), 0);
	assert_int_equal(sip_listen(&u->lsnr, u->sip, true, req_h, u), 0);

	assert_int_equal(udp_listen(&u->rtp, &sa, rtp_recv, u), 0);
	udp_local_get(u->rtp, &u->rtp_laddr);
	assert_int_equal(ua_sdp_reset(u), 0);

	return u;
}

static int auth_h(char **user, char **pass, const char *realm, void *arg)
{
	struct ua *u = arg;
	(void)realm;

	return str_dup(user, u->user) | str_dup(pass, u->pass);
}

static void reg_resp_h(int err, const struct sip_msg *msg, void *arg)
{
	struct ua *u = arg;

	if (err || !msg)
		return;
	u->reg_scode = msg->scode;
	if (msg->scode >= 200 && msg->scode < 300)
		++u->reg_ok;
	else if (msg->scode >= 300)
		++u->reg_fail;
}

static void ua_register(struct ua *u, uint32_t expires)
{
	char reg_uri[64], aor[64];

	re_snprintf(reg_uri, sizeof(reg_uri), "sip:%J", &F->vaddr);
	re_snprintf(aor, sizeof(aor), "sip:%s@127.0.0.1", u->user);
	assert_int_equal(sipreg_register(&u->reg, u->sip, reg_uri, aor, NULL,
	                                 aor, expires, u->user, NULL, 0, 0,
	                                 auth_h, u, false, reg_resp_h, u, NULL,
	                                 NULL),
	                 0);
}

static bool registered(void *arg)
{
	return ((struct ua *)arg)->reg_ok > 0;
}

static bool reg_failed(void *arg)
{
	return ((struct ua *)arg)->reg_fail > 0;
}

static struct ua *phone(const char *user, enum mode mode)
{
	char pass[16];
	struct ua *u;

	snprintf(pass, sizeof(pass), "pw%s", user);
	u = ua_alloc(user, user, pass, mode, NULL);
	ua_register(u, 600);
	assert_true(run_until(registered, u, 3000));
	return u;
}

/* Place a call from the trunk (127.0.0.1), or from elsewhere (127.0.0.2,
 * also loopback on Linux: not a trunk, not a registered phone). */
static struct ua *call(const char *number, bool trunk, const char *codec)
{
	struct ua *u = ua_alloc("caller", "5550100", NULL, M_ANSWER,
	                        trunk ? "127.0.0.1" : "127.0.0.2");
	struct mbuf *desc = NULL;
	char to[64], from[64];

	if (codec) {
		/* replace the offer's codecs */
		u->sdp = mem_deref(u->sdp);
		assert_int_equal(sdp_session_alloc(&u->sdp, &u->rtp_laddr), 0);
		assert_int_equal(sdp_media_add(&u->sm, u->sdp, sdp_media_audio,
		                               sa_port(&u->rtp_laddr),
		                               sdp_proto_rtpavp),
		                 0);
		assert_int_equal(sdp_format_add(NULL, u->sm, false, "18", codec,
		                                8000, 1, NULL, NULL, NULL,
		                                false, NULL),
		                 0);
	}

	assert_int_equal(sdp_encode(&desc, u->sdp, true), 0);
	re_snprintf(to, sizeof(to), "sip:%s@%J", number, &F->vaddr);
	re_snprintf(from, sizeof(from), "sip:%s@127.0.0.1", u->user);
	assert_int_equal(sipsess_connect(&u->sess, u->sock, to, "Citizen", from,
	                                 u->user, NULL, 0, "application/sdp",
	                                 desc, NULL, NULL, false, offer_h,
	                                 answer_h, progr_h, estab_h, NULL, NULL,
	                                 close_h, u, NULL),
	                 0);
	mem_deref(desc);
	return u;
}

static bool estab(void *arg)
{
	return ((struct ua *)arg)->estab > 0;
}

static bool closed(void *arg)
{
	return ((struct ua *)arg)->closed > 0;
}

static bool invited(void *arg)
{
	return ((struct ua *)arg)->invites > 0;
}

struct count_cond {
	const uint32_t *v;
	uint32_t n;
};

static bool count_reached(void *arg)
{
	const struct count_cond *cc = arg;

	return *cc->v >= cc->n;
}

struct rtp_cond {
	struct ua *a, *b;
	uint32_t na, nb;
};

static bool rtp_both(void *arg)
{
	struct rtp_cond *rc = arg;

	return rc->a->rtp_rx >= rc->na && rc->b->rtp_rx >= rc->nb;
}

/* Audio flows both ways between two user agents (through the relay): ten
 * more packets each way, each side counted from where it stands (a caller
 * transferred to a new agent has far more behind it than the agent). */
static void assert_audio(struct ua *a, struct ua *b)
{
	struct rtp_cond rc = {a, b, a->rtp_rx + 10, b->rtp_rx + 10};

	assert_true(run_until(rtp_both, &rc, 3000));
}

static enum acd_agent_state agent_state(const char *id)
{
	struct acd_tenant *t = acd_tenant_find(F->acd, "demo");

	return acd_agent_state(acd_agent_find(t, id));
}

static void queue_stats(const char *q, struct acd_stats *st)
{
	struct acd_tenant *t = acd_tenant_find(F->acd, "demo");

	acd_queue_stats(acd_queue_find(t, q), st);
}

static bool voice_idle(void *arg)
{
	struct voice_stats st;
	(void)arg;

	voice_stats(F->voice, &st);
	return st.calls_active == 0;
}

/* The call records, oldest first (the store returns the newest first). */
static size_t records(struct store_interaction **vp)
{
	struct store_interaction_filter flt = {.tenant = "demo"};
	struct store_interaction *v = NULL, tmp;
	size_t n = 0;

	assert_int_equal(store_flush_sync(F->store), 0);
	assert_int_equal(store_interactions_get_sync(F->store, &flt, &v, &n),
	                 0);
	for (size_t i = 0; i < n / 2; i++) {
		tmp = v[i];
		v[i] = v[n - 1 - i];
		v[n - 1 - i] = tmp;
	}
	*vp = v;
	return n;
}

static void assert_record(const struct store_interaction *r,
                          enum store_disposition d, const char *agent)
{
	assert_string_equal(r->channel, "voice");
	assert_string_equal(r->caller, "5550100");
	assert_int_equal(r->disposition, d);
	assert_true(r->arrived > 0);
	assert_true(r->ended >= r->arrived);
	if (agent) {
		assert_non_null(r->agent);
		assert_string_equal(r->agent, agent);
		assert_true(r->queued >= r->arrived);
		assert_true(r->offered >= r->queued);
		assert_true(r->answered >= r->offered);
		assert_true(r->ended >= r->answered);
	} else {
		assert_null(r->agent);
		assert_int_equal(r->answered, 0);
	}
}

/* --- tests -----------------------------------------------------------------
 */

static void test_register(void **state)
{
	struct ua *p, *bad;
	(void)state;

	assert_int_equal(agent_state("1001"), ACD_AGENT_LOGGED_OUT);
	p = phone("1001", M_ANSWER);
	assert_int_equal(voice_agent_devices(F->voice, "demo", "1001"), 1);
	assert_int_equal(agent_state("1001"), ACD_AGENT_AVAILABLE);

	/* a wrong password: refused, nothing changes */
	bad = ua_alloc("bad", "1002", "wrong", M_ANSWER, NULL);
	ua_register(bad, 600);
	assert_true(run_until(reg_failed, bad, 3000));
	assert_int_equal(bad->reg_scode, 403);
	assert_int_equal(bad->reg_ok, 0);
	assert_int_equal(voice_agent_devices(F->voice, "demo", "1002"), 0);
	assert_int_equal(agent_state("1002"), ACD_AGENT_LOGGED_OUT);
	mem_deref(bad);

	/* an unknown agent: refused alike */
	bad = ua_alloc("bad", "9999", "pw9999", M_ANSWER, NULL);
	ua_register(bad, 600);
	assert_true(run_until(reg_failed, bad, 3000));
	assert_int_equal(bad->reg_scode, 403);
	mem_deref(bad);

	/* un-registering (sipreg sends Expires: 0) logs the agent out */
	p->reg = mem_deref(p->reg);
	run_for(300);
	mem_deref(p);
	assert_int_equal(voice_agent_devices(F->voice, "demo", "1001"), 0);
	assert_int_equal(agent_state("1001"), ACD_AGENT_LOGGED_OUT);
}

static bool one_device_1001(void *arg)
{
	(void)arg;
	return voice_agent_devices(F->voice, "demo", "1001") == 1;
}

/* A device that stops refreshing expires; the agent stays with its other
 * device.  (Takes the registrar's shortest expiry, 10 s.) */
static void test_register_expiry(void **state)
{
	struct ua *p, *p2;
	struct voice_stats st;
	(void)state;

	p = ua_alloc("1001a", "1001", "pw1001", M_ANSWER, NULL);
	ua_register(p, 10);
	assert_true(run_until(registered, p, 3000));
	p2 = phone("1001", M_ANSWER);
	assert_int_equal(voice_agent_devices(F->voice, "demo", "1001"), 2);
	voice_stats(F->voice, &st);
	assert_int_equal(st.registrations, 2);

	/* the first one goes silent: no transport, so no un-REGISTER */
	sip_transp_flush(p->sip);
	p->reg = mem_deref(p->reg);
	run_for(200);
	assert_int_equal(voice_agent_devices(F->voice, "demo", "1001"), 2);
	assert_true(run_until(one_device_1001, NULL, 12000));
	assert_int_equal(agent_state("1001"), ACD_AGENT_AVAILABLE);

	mem_deref(p);
	mem_deref(p2);
}

static void test_call_caller_hangs_up(void **state)
{
	struct store_interaction *r;
	struct ua *p, *c;
	struct acd_stats st;
	(void)state;

	p = phone("1001", M_ANSWER);
	c = call("12345", true, NULL);

	assert_true(run_until(estab, c, 3000));
	assert_true(run_until(estab, p, 3000));
	assert_string_equal(p->from_user, "5550100");
	assert_int_equal(agent_state("1001"), ACD_AGENT_BUSY);
	assert_audio(c, p);

	ua_sess_close(c); /* BYE */
	assert_true(run_until(closed, p, 3000));
	assert_int_equal(p->close_err, ECONNRESET);
	assert_true(run_until(voice_idle, NULL, 3000));

	queue_stats("general", &st);
	assert_int_equal(st.offered, 1);
	assert_int_equal(st.answered, 1);
	assert_int_equal(st.abandoned, 0);

	assert_int_equal(records(&r), 1);
	assert_record(&r[0], STORE_DISP_ANSWERED, "1001");
	assert_string_equal(r[0].dialed, "12345");
	assert_string_equal(r[0].queue, "general");
	assert_string_equal(r[0].reason, "caller hung up");
	mem_deref(r);
	mem_deref(c);
	mem_deref(p);
}

static void test_call_agent_hangs_up(void **state)
{
	struct ua *p, *c;
	struct acd_stats st;
	(void)state;

	p = phone("1001", M_ANSWER);
	c = call("12345", true, NULL);
	assert_true(run_until(estab, p, 3000));
	assert_audio(c, p);

	ua_sess_close(p);
	assert_true(run_until(closed, c, 3000));
	assert_int_equal(c->close_err, ECONNRESET);
	assert_true(run_until(voice_idle, NULL, 3000));
	queue_stats("general", &st);
	assert_int_equal(st.answered, 1);
	assert_int_equal(st.handled, 1);
	mem_deref(c);
	mem_deref(p);
}

static void test_abandon_while_queued(void **state)
{
	struct store_interaction *r;
	struct ua *c;
	struct acd_stats st;
	(void)state;

	c = call("12345", true, NULL);
	assert_true(run_until(estab, c, 3000)); /* answered at once */
	queue_stats("general", &st);
	assert_int_equal(st.waiting, 1);

	ua_sess_close(c);
	assert_true(run_until(voice_idle, NULL, 3000));
	queue_stats("general", &st);
	assert_int_equal(st.waiting, 0);
	assert_int_equal(st.abandoned, 1);
	assert_int_equal(st.answered, 0);

	assert_int_equal(records(&r), 1);
	assert_record(&r[0], STORE_DISP_ABANDONED, NULL);
	assert_string_equal(r[0].queue, "general");
	mem_deref(r);
	mem_deref(c);
}

static void test_agent_rejects(void **state)
{
	struct ua *p1, *p2, *c;
	(void)state;

	p1 = phone("1001", M_REJECT);
	run_for(50);
	p2 = phone("1002", M_ANSWER);

	/* longest idle first: 1001 registered first */
	c = call("12345", true, NULL);
	assert_true(run_until(invited, p1, 3000));
	assert_true(run_until(estab, p2, 3000));
	assert_int_equal(agent_state("1001"), ACD_AGENT_NOT_READY);
	assert_int_equal(agent_state("1002"), ACD_AGENT_BUSY);
	assert_audio(c, p2);

	ua_sess_close(c);
	assert_true(run_until(voice_idle, NULL, 3000));
	mem_deref(c);
	mem_deref(p1);
	mem_deref(p2);
}

static void test_no_answer(void **state)
{
	struct ua *p1, *p2, *c;
	struct acd_stats st;
	(void)state;

	p1 = phone("1001", M_RING);
	run_for(50);
	p2 = phone("1002", M_ANSWER);

	c = call("12345", true, NULL);
	assert_true(run_until(invited, p1, 3000));
	/* the engine's offer_timeout (2 s) moves the call to 1002 and the
	 * first phone's INVITE is cancelled */
	assert_true(run_until(estab, p2, 5000));
	assert_true(run_until(closed, p1, 1000));
	assert_int_equal(p1->estab, 0);
	assert_audio(c, p2);

	ua_sess_close(p2);
	assert_true(run_until(voice_idle, NULL, 3000));
	queue_stats("general", &st);
	assert_int_equal(st.answered, 1);
	mem_deref(c);
	mem_deref(p1);
	mem_deref(p2);
}

static void test_more_calls_than_agents(void **state)
{
	struct store_interaction *r;
	struct ua *p, *c[3];
	struct acd_stats st;
	(void)state;

	p = phone("1001", M_ANSWER);
	for (int i = 0; i < 3; i++) {
		c[i] = call("12345", true, NULL);
		assert_true(run_until(estab, c[i], 3000));
		run_for(20);
	}

	assert_true(run_until(estab, p, 3000));
	queue_stats("general", &st);
	assert_int_equal(st.waiting, 2);
	assert_audio(c[0], p);
	assert_int_equal(c[1]->rtp_rx, 0);

	/* in order: when the agent hangs up, the next caller gets it */
	for (int i = 0; i < 3; i++) {
		struct count_cond cc = {&p->estab, p->estab + 1};

		assert_audio(c[i], p);
		ua_sess_close(p);
		assert_true(run_until(closed, c[i], 3000));
		if (i < 2)
			assert_true(run_until(count_reached, &cc, 3000));
	}

	assert_true(run_until(voice_idle, NULL, 3000));
	queue_stats("general", &st);
	assert_int_equal(st.answered, 3);

	/* served in the order they came */
	assert_int_equal(records(&r), 3);
	for (int i = 0; i < 3; i++) {
		assert_record(&r[i], STORE_DISP_ANSWERED, "1001");
		if (i)
			assert_true(r[i].answered >= r[i - 1].ended);
	}
	mem_deref(r);
	for (int i = 0; i < 3; i++)
		mem_deref(c[i]);
	mem_deref(p);
}

static void test_hold_resume(void **state)
{
	struct ua *p, *c;
	struct mbuf *desc = NULL;
	uint32_t rx;
	(void)state;

	p = phone("1001", M_ANSWER);
	c = call("12345", true, NULL);
	assert_true(run_until(estab, p, 3000));
	assert_audio(c, p);

	/* the agent holds: sendonly, answered recvonly; the caller's audio
	 * no longer reaches the agent */
	sdp_media_set_ldir(p->sm, SDP_SENDONLY);
	assert_int_equal(sdp_encode(&desc, p->sdp, true), 0);
	assert_int_equal(sipsess_modify(p->sess, desc), 0);
	desc = mem_deref(desc);
	run_for(300);
	assert_int_equal(p->last_rdir, SDP_SENDONLY); /* we send only */
	rx = p->rtp_rx;
	run_for(300);
	assert_true(p->rtp_rx - rx <= 2);

	/* resume */
	sdp_media_set_ldir(p->sm, SDP_SENDRECV);
	assert_int_equal(sdp_encode(&desc, p->sdp, true), 0);
	assert_int_equal(sipsess_modify(p->sess, desc), 0);
	desc = mem_deref(desc);
	run_for(300);
	assert_int_equal(p->last_rdir, SDP_SENDRECV);
	assert_audio(c, p);

	ua_sess_close(c);
	assert_true(run_until(voice_idle, NULL, 3000));
	mem_deref(c);
	mem_deref(p);
}

/* The caller's leg holds and resumes too (a carrier's re-INVITE): the
 * agent's audio stops reaching the caller while held. */
static void test_caller_hold_resume(void **state)
{
	struct ua *p, *c;
	struct mbuf *desc = NULL;
	uint32_t rx;
	(void)state;

	p = phone("1001", M_ANSWER);
	c = call("12345", true, NULL);
	assert_true(run_until(estab, p, 3000));
	assert_audio(c, p);

	sdp_media_set_ldir(c->sm, SDP_SENDONLY);
	assert_int_equal(sdp_encode(&desc, c->sdp, true), 0);
	assert_int_equal(sipsess_modify(c->sess, desc), 0);
	desc = mem_deref(desc);
	run_for(300);
	assert_int_equal(c->last_rdir, SDP_SENDONLY); /* we send only */
	rx = c->rtp_rx;
	run_for(300);
	assert_true(c->rtp_rx - rx <= 2);

	sdp_media_set_ldir(c->sm, SDP_SENDRECV);
	assert_int_equal(sdp_encode(&desc, c->sdp, true), 0);
	assert_int_equal(sipsess_modify(c->sess, desc), 0);
	desc = mem_deref(desc);
	run_for(300);
	assert_int_equal(c->last_rdir, SDP_SENDRECV);
	assert_audio(c, p);

	ua_sess_close(c);
	assert_true(run_until(voice_idle, NULL, 3000));
	mem_deref(c);
	mem_deref(p);
}

static void refer_resp_h(int err, const struct sip_msg *msg, void *arg)
{
	struct ua *u = arg;

	if (!err && msg)
		u->refer_scode = msg->scode;
}

static int refer_send_h(enum sip_transp tp, const struct sa *src,
                        const struct sa *dst, struct mbuf *mb, void *arg)
{
	struct ua *u = arg;
	struct sip_contact contact;
	(void)dst;

	sip_contact_set(&contact, u->user, src, tp);
	return mbuf_printf(mb, "%H", sip_contact_print, &contact);
}

static void refer(struct ua *u, const char *target)
{
	assert_int_equal(sip_drequestf(NULL, u->sip, true, "REFER",
	                               sipsess_dialog(u->sess), 0, NULL,
	                               refer_send_h, refer_resp_h, u,
	                               "Refer-To: <sip:%s@%J>\r\n"
	                               "Content-Length: 0\r\n"
	                               "\r\n",
	                               target, &F->vaddr),
	                 0);
}

static bool notified(void *arg)
{
	return ((struct ua *)arg)->notifies > 0;
}

static void transfer(const char *target, const char *to_agent)
{
	struct ua *p1, *p2, *c;
	(void)to_agent;

	p1 = phone("1001", M_ANSWER);
	c = call("12345", true, NULL);
	assert_true(run_until(estab, p1, 3000));
	p2 = phone(to_agent, M_ANSWER);
	assert_audio(c, p1);

	refer(p1, target);
	assert_true(run_until(notified, p1, 3000));
	assert_int_equal(p1->refer_scode, 202);
	assert_int_equal(p1->notify_scode, 200);
	/* the transferring agent's leg ends, the caller's stays */
	assert_true(run_until(closed, p1, 3000));
	assert_int_equal(c->closed, 0);

	assert_true(run_until(estab, p2, 4000));
	assert_audio(c, p2);

	ua_sess_close(c);
	assert_true(run_until(closed, p2, 3000));
	assert_true(run_until(voice_idle, NULL, 3000));
	assert_int_equal(agent_state("1001"), ACD_AGENT_AVAILABLE);
	assert_int_equal(agent_state(to_agent), ACD_AGENT_AVAILABLE);
	mem_deref(c);
	mem_deref(p1);
	mem_deref(p2);
}

static void test_transfer_to_queue(void **state)
{
	struct acd_stats st;
	(void)state;

	transfer("12399", "1002");
	queue_stats("second", &st);
	assert_int_equal(st.offered, 1);
	assert_int_equal(st.answered, 1);
}

static void test_transfer_to_extension(void **state)
{
	(void)state;

	/* (transfer() checks the direct call's not-ready is gone again) */
	transfer("1003", "1003");
}

/* The extension rejects: the call goes back to its queue and the target's
 * "direct-call" not-ready is lifted again. */
static void test_transfer_extension_fails(void **state)
{
	struct ua *p1, *p3, *c;
	struct acd_agent_info info;
	struct count_cond cc;
	(void)state;

	p1 = phone("1001", M_ANSWER);
	c = call("12345", true, NULL);
	assert_true(run_until(estab, p1, 3000));
	p3 = phone("1003", M_REJECT);
	assert_audio(c, p1);

	cc = (struct count_cond){&p1->estab, p1->estab + 1};
	refer(p1, "1003");
	assert_true(run_until(invited, p3, 3000));
	/* back in general, where 1001 (free again) answers it */
	assert_true(run_until(count_reached, &cc, 4000));
	assert_audio(c, p1);
	assert_int_equal(c->closed, 0);
	/* 1003 is no longer "direct-call" (the engine may have offered it
	 * the call again, which it rejected too) */
	acd_agent_info(acd_agent_find(acd_tenant_find(F->acd, "demo"), "1003"),
	               &info);
	assert_true(!info.reason || strcmp(info.reason, "direct-call"));

	ua_sess_close(c);
	assert_true(run_until(voice_idle, NULL, 3000));
	mem_deref(c);
	mem_deref(p1);
	mem_deref(p3);
}

static bool final(void *arg)
{
	return ((struct ua *)arg)->final_scode >= 300;
}

/* A full queue refuses at once (480); a caller who waits too long is let
 * go with a BYE; both recorded as overflowed, as the engine counts them. */
static bool first_waiting(uint64_t id, void *arg)
{
	*(uint64_t *)arg = id;
	return true;
}

static void var_h(const char *name, const char *value, void *arg)
{
	char *buf = arg;
	size_t n = strlen(buf);

	snprintf(buf + n, 256 - n, "%s=%s;", name, value);
}

/* The screen pop's variables of a waiting call (no IVR: who called whom),
 * and none for a contact voice does not have. */
static void test_call_vars(void **state)
{
	struct acd_tenant *t = acd_tenant_find(F->acd, "demo");
	uint64_t id = ACD_NONE;
	char buf[256] = "";
	struct voice_stats st;
	struct ua *c;
	(void)state;

	c = call("12345", true, NULL);
	assert_true(run_until(estab, c, 3000));
	acd_queue_foreach_waiting(acd_queue_find(t, "general"), first_waiting,
	                          &id);
	assert_true(id != ACD_NONE);
	assert_int_equal(voice_call_vars(F->voice, id, var_h, buf), 0);
	assert_string_equal(buf, "caller=5550100;called=12345;");
	assert_int_equal(voice_call_vars(F->voice, id + 1000, var_h, buf),
	                 ENOENT);
	assert_int_equal(voice_call_vars(F->voice, ACD_NONE, var_h, buf),
	                 EINVAL);

	voice_stats(F->voice, &st);
	assert_int_equal(st.calls_active, 1);
	assert_int_equal(st.work_waiting, 0);
	assert_int_equal(st.ivr_total, 0); /* no IVR in this fixture */

	ua_sess_close(c);
	assert_true(run_until(voice_idle, NULL, 3000));
	assert_int_equal(voice_call_vars(F->voice, id, var_h, buf), ENOENT);
	mem_deref(c);
}

static void test_overflow(void **state)
{
	struct store_interaction *r;
	struct ua *c1, *c2;
	struct acd_stats st;
	(void)state;

	c1 = call("12388", true, NULL);
	assert_true(run_until(estab, c1, 3000));
	c2 = call("12388", true, NULL);
	assert_true(run_until(final, c2, 3000));
	assert_int_equal(c2->final_scode, 480);
	assert_int_equal(c2->estab, 0);

	/* max_wait 1 s */
	assert_true(run_until(closed, c1, 3000));
	assert_int_equal(c1->close_err, ECONNRESET);
	assert_true(run_until(voice_idle, NULL, 1000));

	queue_stats("tiny", &st);
	assert_int_equal(st.overflowed, 2);
	assert_int_equal(records(&r), 2);
	assert_record(&r[0], STORE_DISP_OVERFLOWED, NULL);
	assert_record(&r[1], STORE_DISP_OVERFLOWED, NULL);
	mem_deref(r);
	mem_deref(c1);
	mem_deref(c2);
}

static void test_refusals(void **state)
{
	struct store_interaction *r;
	struct ua *c;
	(void)state;

	/* unknown number */
	c = call("99999", true, NULL);
	assert_true(run_until(final, c, 3000));
	assert_int_equal(c->final_scode, 404);
	mem_deref(c);

	/* no common codec */
	c = call("12345", true, "G729");
	assert_true(run_until(final, c, 3000));
	assert_int_equal(c->final_scode, 488);
	mem_deref(c);

	/* not the trunk's port and not a registered phone */
	c = call("12345", false, NULL);
	assert_true(run_until(final, c, 3000));
	assert_int_equal(c->final_scode, 403);
	mem_deref(c);

	assert_true(run_until(voice_idle, NULL, 1000));

	/* only the call that reached a queue's number is a call of the
	 * center: one record */
	assert_int_equal(records(&r), 1);
	assert_record(&r[0], STORE_DISP_FAILED, NULL);
	assert_int_equal(r[0].sip_code, 488);
	mem_deref(r);
}

static void test_shutdown(void **state)
{
	struct store_interaction *r;
	struct ua *p, *c, *q;
	struct fix *f = *state;
	(void)state;

	p = phone("1001", M_ANSWER);
	c = call("12345", true, NULL);
	assert_true(run_until(estab, p, 3000));
	q = call("12345", true, NULL); /* a second caller, waiting */
	assert_true(run_until(estab, q, 3000));

	voice_shutdown(f->voice, shut_done, f);
	assert_true(run_until(is_shut, f, 5000));
	assert_true(run_until(closed, c, 1000));
	assert_true(run_until(closed, p, 1000));
	assert_true(run_until(closed, q, 1000));
	assert_int_equal(c->close_err, ECONNRESET);
	assert_int_equal(p->close_err, ECONNRESET);

	assert_int_equal(records(&r), 2);
	assert_record(&r[0], STORE_DISP_ANSWERED, "1001");
	assert_record(&r[1], STORE_DISP_FAILED, NULL);
	assert_string_equal(r[1].reason, "shutdown");
	mem_deref(r);

	mem_deref(c);
	mem_deref(q);
	mem_deref(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_register, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_register_expiry, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_call_caller_hangs_up, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_call_agent_hangs_up, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_abandon_while_queued, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_agent_rejects, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_no_answer, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_more_calls_than_agents, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_hold_resume, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_caller_hold_resume, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_transfer_to_queue, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_transfer_to_extension, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_transfer_extension_fails,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_call_vars, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overflow, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_shutdown, setup, teardown),
	};
	int n;

	libre_init();
	if (getenv("TEST_FILTER"))
		cmocka_set_test_filter(getenv("TEST_FILTER"));
	hl_log_set_level(getenv("HL_LOG") ? HL_LOG_DEBUG : HL_LOG_WARN);
	n = cmocka_run_group_tests(tests, NULL, NULL);
	libre_close();
	return n;
}
