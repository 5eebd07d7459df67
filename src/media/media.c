/**
 * @file media.c  The media engine: threads, command queue, port range.
 */
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "media/media_int.h"

#define MEDIA_THREADS_DEFAULT 1
#define MEDIA_THREADS_MAX     16

/* --- command queue -------------------------------------------------------- */

/* Lock-free: producers push onto a LIFO with compare-and-swap; the media
 * thread takes the whole list with one exchange and reverses it.  The
 * eventfd is written only when the list was empty, and the media thread
 * reads it before taking the list, so a push is never left unnoticed. */
void mthread_push(struct mthread *t, struct media_cmd *cmd)
{
	struct media_cmd *old =
	    atomic_load_explicit(&t->cmds, memory_order_relaxed);
	const uint64_t one = 1;

	do {
		cmd->next = old;
	} while (!atomic_compare_exchange_weak_explicit(
	    &t->cmds, &old, cmd, memory_order_release, memory_order_relaxed));

	if (!old && write(t->wakefd, &one, sizeof(one)) < 0) {
		/* only EAGAIN at 2^64-2 pending wake-ups: cannot happen */
	}
}

static void mthread_drain_wake(struct mthread *t)
{
	uint64_t v;

	if (read(t->wakefd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing pending */
	}
}

/* Take the queued commands and apply them in order.  The eventfd is drained
 * right before the list is taken, never without taking it: a push landing
 * after the exchange finds the list empty and writes the eventfd again, so
 * no wake-up is lost.  Applying commands in the middle of a batch is safe:
 * freed relays are only buried after the batch. */
static void mthread_take_cmds(struct mthread *t)
{
	struct media_cmd *list, *fifo = NULL;

	mthread_drain_wake(t);
	list = atomic_exchange_explicit(&t->cmds, NULL, memory_order_acquire);

	while (list) {
		struct media_cmd *next = list->next;
		list->next = fifo;
		fifo = list;
		list = next;
	}

	while (fifo) {
		struct media_cmd *next = fifo->next;

		if (fifo->type == MCMD_FLUSH) {
			struct media_flush_wait *fw = fifo->fw;
			pthread_mutex_lock(&fw->mtx);
			fw->done++;
			pthread_cond_signal(&fw->cond);
			pthread_mutex_unlock(&fw->mtx);
		} else {
			relay_apply(t, fifo);
		}
		free(fifo);
		fifo = next;
	}
}

/* Relays freed during a batch stay allocated until the batch is done,
 * since later events of the same epoll_wait may still point at them. */
static void mthread_bury(struct mthread *t)
{
	while (t->dead) {
		struct relay_state *rs = t->dead;
		t->dead = rs->next_dead;
		free(rs);
	}
}

/* --- the tick: players and recorders -------------------------------------- */

static void tick_arm(struct mthread *t, bool on)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	if (on) {
		int64_t first = (int64_t)hl_mono_ns() + MEDIA_TICK_NS;
		its.it_value.tv_sec = (time_t)(first / 1000000000ll);
		its.it_value.tv_nsec = (long)(first % 1000000000ll);
		its.it_interval.tv_nsec = (long)MEDIA_TICK_NS;
		t->tick_base_ns = first;
		t->tick_base = t->tick;
	}
	if (timerfd_settime(t->tfd, on ? TFD_TIMER_ABSTIME : 0, &its, NULL) < 0)
		HL_ERROR("media", "thread %u: timerfd: %s", t->idx,
		         strerror(errno));
	t->armed = on;
}

/* A player or recorder starts on this thread: it gets the phase asked
 * for (0..MEDIA_PHASES-1), or with -1 the least loaded of the frame's
 * phases, so sends spread over the 20 ms.  Media thread. */
unsigned mthread_tick_join(struct mthread *t, int phase)
{
	unsigned best = 0;

	if (phase >= 0 && phase < MEDIA_PHASES) {
		best = (unsigned)phase;
	} else {
		for (unsigned p = 1; p < MEDIA_PHASES; p++) {
			if (t->phase_load[p] < t->phase_load[best])
				best = p;
		}
	}
	t->phase_load[best]++;
	if (t->tick_users++ == 0)
		tick_arm(t, true);
	return best;
}

void mthread_tick_leave(struct mthread *t, unsigned phase)
{
	t->phase_load[phase]--;
	if (--t->tick_users == 0)
		tick_arm(t, false);
}

/* Run every tick that is due, late ones too (a frame sent late beats a
 * frame lost), except after a stall of more than MEDIA_TICK_CATCHUP. */
static void mthread_ticks(struct mthread *t)
{
	uint64_t exp;

	if (read(t->tfd, &exp, sizeof(exp)) != sizeof(exp) || !t->armed)
		return;
	if (exp > MEDIA_TICK_CATCHUP) {
		t->tick += exp - MEDIA_TICK_CATCHUP;
		exp = MEDIA_TICK_CATCHUP;
	}
	while (exp-- && t->armed) {
		int64_t due = t->tick_base_ns +
		              (int64_t)(t->tick - t->tick_base) * MEDIA_TICK_NS;
		unsigned ph = (unsigned)(t->tick % MEDIA_PHASES);
		struct le *le;

		t->now_ns = (int64_t)hl_mono_ns();
		if (t->now_ns - due > (int64_t)MEDIA_CNT_GET(t->tick_late_max))
			atomic_store_explicit(&t->tick_late_max,
			                      (uint64_t)(t->now_ns - due),
			                      memory_order_relaxed);

		/* a player may end (and leave the list) in its tick */
		le = t->players[ph].head;
		while (le) {
			struct le *next = le->next;
			struct relay_side *s = le->data;
			player_tick(t, s, s->sock[0].rs);
			le = next;
		}
		le = t->recs[ph].head;
		while (le) {
			struct le *next = le->next;
			rec_tick(t, le->data);
			le = next;
		}
		t->tick++;
		MEDIA_CNT_ADD(t->ticks, 1);
	}
}

static void *mthread_main(void *arg)
{
	struct mthread *t = arg;
	struct epoll_event ev[MEDIA_EVENTS];

	for (int i = 0; i < MEDIA_BATCH; i++) {
		t->rxiov[i].iov_base = t->buf[i];
		t->rxiov[i].iov_len = sizeof(t->buf[i]);
		t->rx[i].msg_hdr.msg_iov = &t->rxiov[i];
		t->rx[i].msg_hdr.msg_iovlen = 1;
		t->rx[i].msg_hdr.msg_name = &t->rxaddr[i].u;
		t->rx[i].msg_hdr.msg_namelen = sizeof(t->rxaddr[i].u);
		t->tx[i].msg_hdr.msg_iov = &t->txiov[i];
		t->tx[i].msg_hdr.msg_iovlen = 1;
	}

	for (;;) {
		int n = epoll_wait(t->epfd, ev, MEDIA_EVENTS, -1);
		bool tick = false;

		t->now_ns = (int64_t)hl_mono_ns();
		if (n < 0) {
			if (errno == EINTR)
				continue;
			HL_ERROR("media", "thread %u: epoll_wait: %s", t->idx,
			         strerror(errno));
			break;
		}

		/* Commands first: a change the control thread made before a
		 * packet was sent applies to that packet. */
		if (atomic_load_explicit(&t->cmds, memory_order_acquire))
			mthread_take_cmds(t);
		if (atomic_load_explicit(&t->stop, memory_order_acquire))
			break;

		for (int i = 0; i < n; i++) {
			struct media_sock *ms = ev[i].data.ptr;
			if (!ms) {
				mthread_take_cmds(t);
				continue;
			}
			if (ev[i].data.ptr == t) {
				tick = true;
				continue;
			}
			if (ms->rs->dead)
				continue;
			relay_readable(t, ms);
		}
		/* after the packets: a recorder's frame gets what just came */
		if (tick)
			mthread_ticks(t);
		mthread_bury(t);
	}

	/* Every relay is gone by now (each holds the engine); apply their
	 * last MCMD_FREE commands (recordings end now, not at the last
	 * wake-up). */
	t->now_ns = (int64_t)hl_mono_ns();
	mthread_take_cmds(t);
	mthread_bury(t);
	return NULL;
}

static void mthread_stop(struct mthread *t)
{
	const uint64_t one = 1;

	if (t->started) {
		atomic_store_explicit(&t->stop, true, memory_order_release);
		if (write(t->wakefd, &one, sizeof(one)) < 0) {
			/* cannot fail, see mthread_push */
		}
		pthread_join(t->tid, NULL);
		t->started = false;
	}
	if (t->epfd >= 0)
		close(t->epfd);
	if (t->wakefd >= 0)
		close(t->wakefd);
	if (t->tfd >= 0)
		close(t->tfd);
	free(t);
}

static int mthread_start(struct media *m, unsigned idx, int rt_prio,
                         struct mthread **tp)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
	struct epoll_event tev = {.events = EPOLLIN};
	struct mthread *t;
	sigset_t all, old;
	char name[16];
	int err;

	t = calloc(1, sizeof(*t));
	if (!t)
		return ENOMEM;
	t->m = m;
	t->idx = idx;
	t->epfd = epoll_create1(EPOLL_CLOEXEC);
	t->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	t->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (t->epfd < 0 || t->wakefd < 0 || t->tfd < 0) {
		err = errno;
		goto out;
	}
	tev.data.ptr = t;
	if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->wakefd, &ev) < 0 ||
	    epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->tfd, &tev) < 0) {
		err = errno;
		goto out;
	}

	/* Signals belong to the control loop, not to media threads. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&t->tid, NULL, mthread_main, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		goto out;
	t->started = true;
	snprintf(name, sizeof(name), "hl-media%u", idx);
	pthread_setname_np(t->tid, name);

	/* Other work on the box (SIP, IVR, a load generator) must not delay
	 * packets: a media thread preempts it.  It only runs when packets
	 * wait, and the kernel's RT throttling keeps 5% for everyone else. */
	if (rt_prio > 0) {
		struct sched_param sp = {.sched_priority = rt_prio};
		int e = pthread_setschedparam(t->tid, SCHED_FIFO, &sp);
		if (e)
			HL_WARN("media", "thread %u: SCHED_FIFO %d: %s", idx,
			        rt_prio, strerror(e));
	}

out:
	if (err)
		mthread_stop(t);
	else
		*tp = t;
	return err;
}

/* Least-loaded thread by relay count: calls are alike, so counts are a fair
 * proxy for packet rate. */
struct mthread *media_thread_pick(struct media *m)
{
	struct mthread *best = m->threads[0];

	for (unsigned i = 1; i < m->nthreads; i++) {
		if (m->threads[i]->nrelays < best->nrelays)
			best = m->threads[i];
	}
	return best;
}

/* --- ports ---------------------------------------------------------------- */

static int sock_bind(const struct sa *laddr, uint16_t port, int *fdp)
{
	struct sa a = *laddr;
	int fd, err;
	int tos = 0xb8; /* DSCP EF, as RTP should be marked */

	fd = socket(sa_af(laddr), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	            IPPROTO_UDP);
	if (fd < 0)
		return errno;

	sa_set_port(&a, port);
	if (bind(fd, &a.u.sa, a.len) < 0) {
		err = errno;
		close(fd);
		return err;
	}
	if (sa_af(laddr) == AF_INET)
		(void)setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	else
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos,
		                 sizeof(tos));
	*fdp = fd;
	return 0;
}

/* Round robin over the range, so a pair just released is the last to be
 * reused and late packets of an old call do not reach a new one. */
int media_port_pair_take(struct media *m, int fds[2], uint32_t *pairp)
{
	for (uint32_t k = 0; k < m->npairs; k++) {
		uint32_t i = (m->cursor + k) % m->npairs;
		uint16_t port = (uint16_t)(m->port_base + 2 * i);
		int err;

		if (atomic_load_explicit(&m->pair_busy[i],
		                         memory_order_acquire))
			continue;

		err = sock_bind(&m->laddr, port, &fds[0]);
		if (err == EADDRINUSE)
			continue; /* another process has it */
		if (err)
			return err;

		err = sock_bind(&m->laddr, (uint16_t)(port + 1), &fds[1]);
		if (err) {
			close(fds[0]);
			if (err == EADDRINUSE)
				continue;
			return err;
		}

		atomic_store_explicit(&m->pair_busy[i], 1,
		                      memory_order_relaxed);
		m->cursor = (i + 1) % m->npairs;
		*pairp = i;
		return 0;
	}

	return EADDRINUSE;
}

void media_port_pair_release(struct media *m, uint32_t pair)
{
	atomic_store_explicit(&m->pair_busy[pair], 0, memory_order_release);
}

/* --- events to the control loop ------------------------------------------- */

/* Media and writer threads push onto a lock-free LIFO; the mqueue (a pipe
 * the loop polls) is written only when the list was empty, so it holds at
 * most one wake-up and never fills, however slow the loop.  Any thread. */
void media_event_post(struct media *m, uint64_t relay_id,
                      const struct media_event *ev, const char *path)
{
	struct media_evq *e = malloc(sizeof(*e)), *old;

	if (!e)
		goto lost;
	e->relay_id = relay_id;
	e->ev = *ev;
	e->path = NULL;
	e->ev.path = NULL;
	if (path) {
		e->path = strdup(path);
		if (!e->path) {
			free(e);
			goto lost;
		}
		e->ev.path = e->path;
	}

	old = atomic_load_explicit(&m->evq, memory_order_relaxed);
	do {
		e->next = old;
	} while (!atomic_compare_exchange_weak_explicit(
	    &m->evq, &old, e, memory_order_release, memory_order_relaxed));
	if (!old && mqueue_push(m->mq, 0, NULL))
		HL_ERROR("media", "cannot wake the control loop");
	return;

lost:
	atomic_fetch_add_explicit(&m->events_lost, 1, memory_order_relaxed);
}

struct grave {
	struct le le;
	uint64_t id;
	void **owners; /* references, released when the media thread is done */
	size_t n;
};

static void grave_destructor(void *arg)
{
	struct grave *g = arg;

	list_unlink(&g->le);
	for (size_t i = 0; i < g->n; i++)
		mem_deref(g->owners[i]);
	free(g->owners);
}

/* A freed relay's clip owners wait here until its media thread has closed
 * it (MEV_FREED).  Takes over the owners array.  Control thread. */
int media_grave_add(struct media *m, uint64_t id, void **owners, size_t n)
{
	struct grave *g = mem_zalloc(sizeof(*g), grave_destructor);

	if (!g)
		return ENOMEM;
	g->id = id;
	g->owners = owners;
	g->n = n;
	list_append(&m->graves, &g->le, g);
	return 0;
}

static bool id_cmp(struct le *le, void *arg)
{
	return media_relay_id(le->data) == *(uint64_t *)arg;
}

static void event_dispatch(struct media *m, struct media_evq *e)
{
	struct le *le;

	if ((int)e->ev.type == MEV_FREED) {
		for (le = m->graves.head; le; le = le->next) {
			struct grave *g = le->data;
			if (g->id == e->relay_id) {
				mem_deref(g);
				break;
			}
		}
		return;
	}
	le =
	    hash_lookup(m->relays, (uint32_t)e->relay_id, id_cmp, &e->relay_id);
	if (le)
		media_relay_deliver(le->data, &e->ev);
}

static struct media_evq *evq_take(struct media *m)
{
	struct media_evq *list, *fifo = NULL;

	list = atomic_exchange_explicit(&m->evq, NULL, memory_order_acquire);
	while (list) {
		struct media_evq *next = list->next;
		list->next = fifo;
		fifo = list;
		list = next;
	}
	return fifo;
}

static void evq_free(struct media_evq *e)
{
	free(e->path);
	free(e);
}

/* The loop's side: deliver everything queued, oldest first.  A handler
 * may free relays, even the last one and with it the engine: hold it. */
static void mq_handler(int id, void *data, void *arg)
{
	struct media *m = arg;
	struct media_evq *e = evq_take(m);
	(void)id;
	(void)data;

	mem_ref(m);
	while (e) {
		struct media_evq *next = e->next;
		event_dispatch(m, e);
		evq_free(e);
		e = next;
	}
	mem_deref(m);
}

/* --- engine --------------------------------------------------------------- */

static void media_destructor(void *arg)
{
	struct media *m = arg;
	struct media_evq *e;

	/* media threads first: they close the last recordings; then the
	 * writer finishes the files; then nothing posts events any more */
	for (unsigned i = 0; i < m->nthreads; i++)
		mthread_stop(m->threads[i]);
	media_writer_stop(m);
	e = evq_take(m);
	while (e) {
		struct media_evq *next = e->next;
		evq_free(e);
		e = next;
	}
	list_flush(&m->graves);
	mem_deref(m->mq);
	mem_deref(m->relays);
	free(m->threads);
	free(m->pair_busy);
}

/* The hard limit is 20,000 on these machines; the default soft limit may
 * be 1,024, which would stop us at ~250 calls. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int media_alloc(struct media **mp, const struct media_cfg *cfg)
{
	struct media *m;
	unsigned first, last;
	struct rlimit rl;
	int err;

	if (!mp || !cfg || !cfg->ip)
		return EINVAL;
	if (cfg->threads > MEDIA_THREADS_MAX || cfg->rt_prio < 0 ||
	    cfg->rt_prio > 99)
		return EINVAL;

	/* whole even/odd pairs inside the range, ports >= 1024 */
	first = (cfg->port_min + 1u) & ~1u;
	last = cfg->port_max;
	if (first < 1024 || last > 65535 || first + 3 > last)
		return EINVAL; /* not even room for one relay (2 pairs) */

	m = mem_zalloc(sizeof(*m), media_destructor);
	if (!m)
		return ENOMEM;

	err = sa_set_str(&m->laddr, cfg->ip, 0);
	if (err) {
		HL_ERROR("media", "bad media address '%s'", cfg->ip);
		err = EINVAL;
		goto out;
	}

	m->port_base = (uint16_t)first;
	m->npairs = (last - first + 1) / 2;
	m->pair_busy = calloc(m->npairs, sizeof(*m->pair_busy));
	m->nthreads = cfg->threads ? cfg->threads : MEDIA_THREADS_DEFAULT;
	m->threads = calloc(m->nthreads, sizeof(*m->threads));
	if (!m->pair_busy || !m->threads) {
		err = ENOMEM;
		goto out;
	}

	raise_nofile();
	media_g711_init();

	err = mqueue_alloc(&m->mq, mq_handler, m);
	if (err)
		goto out;
	err = hash_alloc(&m->relays, 256);
	if (err)
		goto out;

	for (unsigned i = 0; i < m->nthreads; i++) {
		err = mthread_start(m, i, cfg->rt_prio, &m->threads[i]);
		if (err) {
			m->nthreads = i;
			goto out;
		}
	}

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		HL_INFO("media",
		        "%u thread(s), %s ports %u-%u (%u relays), "
		        "fd limit %llu (~%llu relays)",
		        m->nthreads, cfg->ip, first, first + 2 * m->npairs - 1,
		        m->npairs / 2, (unsigned long long)rl.rlim_cur,
		        (unsigned long long)rl.rlim_cur / 4);
	}

out:
	if (err)
		mem_deref(m);
	else
		*mp = m;
	return err;
}

void media_stats(const struct media *m, struct media_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!m)
		return;

	st->threads = m->nthreads;
	st->relays = m->nrelays;
	st->events_lost = atomic_load(&m->events_lost);
	st->recordings = atomic_load(&m->w.open);
	if (m->w.started) {
		clockid_t cid;
		struct timespec ts;
		if (pthread_getcpuclockid(m->w.tid, &cid) == 0 &&
		    clock_gettime(cid, &ts) == 0)
			st->writer_cpu_ns =
			    (uint64_t)ts.tv_sec * 1000000000ull +
			    (uint64_t)ts.tv_nsec;
	}
	for (unsigned i = 0; i < m->nthreads; i++) {
		struct mthread *t = m->threads[i];
		clockid_t cid;
		struct timespec ts;

		st->rx_pkts += MEDIA_CNT_GET(t->rx_pkts);
		st->tx_pkts += MEDIA_CNT_GET(t->tx_pkts);
		st->dropped += MEDIA_CNT_GET(t->dropped);
		st->played += MEDIA_CNT_GET(t->played);
		st->ticks += MEDIA_CNT_GET(t->ticks);
		/* a worst-since-last-look figure: taken and reset */
		uint64_t late = atomic_exchange_explicit(&t->tick_late_max, 0,
		                                         memory_order_relaxed);
		if (late > st->tick_late_max_ns)
			st->tick_late_max_ns = late;
		if (pthread_getcpuclockid(t->tid, &cid) == 0 &&
		    clock_gettime(cid, &ts) == 0)
			st->cpu_ns += (uint64_t)ts.tv_sec * 1000000000ull +
			              (uint64_t)ts.tv_nsec;
	}
}

int media_flush(struct media *m)
{
	struct media_flush_wait fw = {.mtx = PTHREAD_MUTEX_INITIALIZER,
	                              .cond = PTHREAD_COND_INITIALIZER};
	unsigned sent = 0;

	if (!m)
		return EINVAL;

	for (unsigned i = 0; i < m->nthreads; i++) {
		struct media_cmd *cmd = calloc(1, sizeof(*cmd));
		if (!cmd)
			break;
		cmd->type = MCMD_FLUSH;
		cmd->fw = &fw;
		mthread_push(m->threads[i], cmd);
		sent++;
	}

	pthread_mutex_lock(&fw.mtx);
	while (fw.done < sent)
		pthread_cond_wait(&fw.cond, &fw.mtx);
	pthread_mutex_unlock(&fw.mtx);

	pthread_mutex_destroy(&fw.mtx);
	pthread_cond_destroy(&fw.cond);
	return sent == m->nthreads ? 0 : ENOMEM;
}
