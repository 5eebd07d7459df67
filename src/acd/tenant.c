/**
 * @file tenant.c  Tenants, skills, queues, agents, and the pools that index
 * agents by what they can serve.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "acd/acd_int.h"

/* --- tenants ------------------------------------------------------------- */

static void pool_destructor(void *arg)
{
	struct acd_pool *p = arg;

	list_unlink(&p->le);
	for (uint8_t i = 0; i < p->nbuckets; i++) {
		for (int k = 0; k < ACD_NKEYS; k++)
			acd_heap_free(&p->b[i].agents[k]);
		acd_heap_free(&p->b[i].contacts);
	}
	mem_deref(p->b);
	mem_deref(p->reqs);
}

static void tenant_destructor(void *arg)
{
	struct acd_tenant *t = arg;

	list_unlink(&t->le);
	/* Agents first: they leave the pools' heaps while pools exist. */
	list_flush(&t->agents);
	list_flush(&t->queues);
	list_flush(&t->pools);
	mem_deref(t->agenth);
	mem_deref(t->queueh);
	for (uint16_t i = 0; i < t->nskills; i++)
		mem_deref(t->skills[i]);
	mem_deref(t->skills);
	mem_deref(t->name);
}

int acd_tenant_add(struct acd *acd, const char *name, struct acd_tenant **tp)
{
	struct acd_tenant *t;
	int err;

	if (!acd || !name || !*name)
		return acd ? acd_fail(acd, EINVAL, "tenant name missing")
			   : EINVAL;
	if (acd_tenant_find(acd, name))
		return acd_fail(acd, EEXIST, "tenant '%s' exists", name);

	t = mem_zalloc(sizeof(*t), tenant_destructor);
	if (!t)
		return ENOMEM;
	t->acd = acd;
	t->state_upd = acd_now(acd);
	err = str_dup(&t->name, name);
	err |= hash_alloc(&t->queueh, 256);
	err |= hash_alloc(&t->agenth, 4096);
	if (err) {
		mem_deref(t);
		return ENOMEM;
	}
	list_append(&acd->tenants, &t->le, t);
	if (tp)
		*tp = t;
	return 0;
}

bool acd_tenant_busy(const struct acd_tenant *t)
{
	if (!t)
		return false;
	for (struct le *le = list_head(&t->acd->live); le; le = le->next) {
		const struct acd_contact *c = le->data;

		if (c->t == t && !c->dead)
			return true;
	}
	return false;
}

int acd_tenant_remove(struct acd *acd, const char *name)
{
	struct acd_tenant *t = acd_tenant_find(acd, name);

	if (!t)
		return acd ? acd_fail(acd, ENOENT, "no tenant '%s'", name)
			   : EINVAL;
	if (acd->depth)
		return acd_fail(acd, EBUSY, "tenant '%s': the engine is busy",
				name);
	/* Contacts point at the tenant's queues and agents: it goes only
	 * once none is left. */
	if (acd_tenant_busy(t))
		return acd_fail(acd, EBUSY, "tenant '%s' still has contacts",
				name);
	mem_deref(t);
	return 0;
}

struct acd_tenant *acd_tenant_find(const struct acd *acd, const char *name)
{
	struct le *le;

	if (!acd || !name)
		return NULL;
	for (le = list_head(&acd->tenants); le; le = le->next) {
		struct acd_tenant *t = le->data;
		if (!strcmp(t->name, name))
			return t;
	}
	return NULL;
}

const char *acd_tenant_name(const struct acd_tenant *t)
{
	return t ? t->name : NULL;
}

void acd_tenant_foreach(const struct acd *acd,
			bool (*h)(struct acd_tenant *t, void *arg), void *arg)
{
	struct le *le;

	if (!acd || !h)
		return;
	for (le = list_head(&acd->tenants); le; le = le->next) {
		if (h(le->data, arg))
			return;
	}
}

/* --- skills -------------------------------------------------------------- */

int acd_skill_index(const struct acd_tenant *t, const char *name)
{
	for (uint16_t i = 0; name && i < t->nskills; i++) {
		if (!strcmp(t->skills[i], name))
			return i;
	}
	return -1;
}

int acd_skill_add(struct acd_tenant *t, const char *name)
{
	char **v;

	if (!t)
		return EINVAL;
	if (!name || !*name)
		return acd_fail(t->acd, EINVAL, "skill name missing");
	if (acd_skill_index(t, name) >= 0)
		return acd_fail(t->acd, EEXIST, "skill '%s' exists in '%s'",
				name, t->name);
	if (t->nskills == UINT16_MAX)
		return acd_fail(t->acd, EINVAL, "too many skills");
	/* libre's mem_realloc() does not take NULL */
	v = t->skills ? mem_realloc(t->skills, (t->nskills + 1) * sizeof(*v))
		      : mem_zalloc(sizeof(*v), NULL);
	if (!v)
		return ENOMEM;
	t->skills = v;
	if (str_dup(&v[t->nskills], name))
		return ENOMEM;
	t->nskills++;
	return 0;
}

bool acd_skill_exists(const struct acd_tenant *t, const char *name)
{
	return t && acd_skill_index(t, name) >= 0;
}

size_t acd_skill_count(const struct acd_tenant *t)
{
	return t ? t->nskills : 0;
}

const char *acd_skill_name(const struct acd_tenant *t, size_t i)
{
	return t && i < t->nskills ? t->skills[i] : NULL;
}

/* --- pools and memberships ----------------------------------------------- */

static int cmp_skill(const void *a, const void *b)
{
	const struct skill_lvl *x = a, *y = b;
	return (int)x->skill - (int)y->skill;
}

/* Where agent a belongs in pool p: bucket index, or -1 if not at all. */
static int member_bucket(const struct acd_agent *a, const struct acd_pool *p,
			 uint16_t *sum)
{
	uint16_t i = 0, j = 0, s = 0;

	if (!a->cap[p->ch])
		return -1;
	if (p->nreqs == 0) {
		*sum = 0;
		return 0;
	}
	/* both lists are sorted by skill */
	while (i < p->nreqs) {
		while (j < a->nskills && a->skills[j].skill < p->reqs[i].skill)
			j++;
		if (j == a->nskills || a->skills[j].skill != p->reqs[i].skill)
			return -1;
		if (p->nreqs > 1 && a->skills[j].level < p->reqs[i].level)
			return -1;
		s += a->skills[j].level;
		i++;
	}
	*sum = s;
	return p->nreqs == 1 ? a->skills[j].level - 1 : 0;
}

static void bucket_count(struct acd_bucket *b, enum acd_agent_state st,
			 int delta, uint64_t now)
{
	acd_state_integrate(b->by_state, b->state_ms, &b->state_upd, now);
	b->by_state[st] += delta;
}

void acd_member_count(struct acd_member *m, enum acd_agent_state st,
		      uint64_t now)
{
	struct acd_bucket *b = &m->p->b[m->bucket];

	if (m->state == st)
		return;
	bucket_count(b, m->state, -1, now);
	bucket_count(b, st, +1, now);
	m->state = st;
}

/* Remove every membership of a (heaps and counts). */
static void members_clear(struct acd_agent *a)
{
	uint64_t now = acd_now(a->t->acd);

	for (uint16_t i = 0; i < a->nmem; i++) {
		struct acd_member *m = &a->mem[i];
		acd_member_place(m, false);
		bucket_count(&m->p->b[m->bucket], m->state, -1, now);
	}
	free(a->mem);
	a->mem = NULL;
	a->nmem = 0;
}

/* Compute a's memberships from scratch over every pool of its tenant. */
static int members_build(struct acd_agent *a)
{
	uint64_t now = acd_now(a->t->acd);
	struct acd_member *v;
	uint16_t n = 0, cap = 0, sum;
	struct le *le;

	for (le = list_head(&a->t->pools); le; le = le->next) {
		if (member_bucket(a, le->data, &sum) >= 0)
			cap++;
	}
	if (!cap)
		return 0;
	v = calloc(cap, sizeof(*v));
	if (!v)
		return ENOMEM;
	for (le = list_head(&a->t->pools); le; le = le->next) {
		struct acd_pool *p = le->data;
		int b = member_bucket(a, p, &sum);
		if (b < 0)
			continue;
		struct acd_member *m = &v[n++];
		for (int k = 0; k < ACD_NKEYS; k++)
			m->hn[k].pos = HEAP_NONE;
		m->bucket = (uint8_t)b;
		m->skill_sum = sum;
		m->p = p;
		m->a = a;
		m->state = a->state;
		bucket_count(&p->b[b], a->state, +1, now);
	}
	a->mem = v;
	a->nmem = n;
	return 0;
}

static int members_rebuild(struct acd_agent *a)
{
	int err;

	members_clear(a);
	err = members_build(a);
	acd_agent_refresh(a);
	return err;
}

static struct acd_pool *pool_find(struct acd_tenant *t, enum acd_channel ch,
				  const struct skill_lvl *reqs, uint16_t n)
{
	struct le *le;

	for (le = list_head(&t->pools); le; le = le->next) {
		struct acd_pool *p = le->data;
		if (p->ch != ch || p->nreqs != n)
			continue;
		uint16_t i;
		for (i = 0; i < n; i++) {
			if (p->reqs[i].skill != reqs[i].skill)
				break;
			if (n > 1 && p->reqs[i].level != reqs[i].level)
				break;
		}
		if (i == n)
			return p;
	}
	return NULL;
}

static int pool_create(struct acd_tenant *t, enum acd_channel ch,
		       const struct skill_lvl *reqs, uint16_t n,
		       struct acd_pool **pp)
{
	uint64_t now = acd_now(t->acd);
	struct acd_pool *p;
	struct le *le;
	uint16_t sum;

	p = mem_zalloc(sizeof(*p), pool_destructor);
	if (!p)
		return ENOMEM;
	p->t = t;
	p->ch = ch;
	p->nreqs = n;
	p->nbuckets = n == 1 ? ACD_NBUCKETS : 1;
	p->b = mem_zalloc(p->nbuckets * sizeof(*p->b), NULL);
	if (n) {
		p->reqs = mem_zalloc(n * sizeof(*p->reqs), NULL);
		if (p->reqs)
			memcpy(p->reqs, reqs, n * sizeof(*reqs));
	}
	if (!p->b || (n && !p->reqs)) {
		mem_deref(p);
		return ENOMEM;
	}
	for (uint8_t i = 0; i < p->nbuckets; i++) {
		for (int k = 0; k < ACD_NKEYS; k++)
			acd_heap_init(&p->b[i].agents[k]);
		acd_heap_init(&p->b[i].contacts);
		p->b[i].state_upd = now;
	}
	list_append(&t->pools, &p->le, p);

	/* Agents that qualify join now.  This scans the tenant's agents, but
	 * only when a new requirement set first appears (configuration or a
	 * contact with unusual skills), never per decision. */
	for (le = list_head(&t->agents); le; le = le->next) {
		struct acd_agent *a = le->data;
		if (member_bucket(a, p, &sum) >= 0) {
			int err = members_rebuild(a);
			if (err)
				return err;
		}
	}
	*pp = p;
	return 0;
}

int acd_target_make(struct acd_tenant *t, enum acd_channel ch,
		    enum acd_strategy strat, const struct acd_reqs *reqs,
		    struct acd_target *tg)
{
	struct skill_lvl v[32];
	struct acd_pool *p;
	size_t n = reqs ? reqs->n : 0;
	int err;

	/* Callbacks and campaign calls are routed as voice. */
	if (ch == ACD_CH_CALLBACK || ch == ACD_CH_OUTBOUND)
		ch = ACD_CH_VOICE;
	if (n > ARRAY_SIZE(v))
		return acd_fail(t->acd, EINVAL, "more than %zu required skills",
				ARRAY_SIZE(v));
	for (size_t i = 0; i < n; i++) {
		const struct acd_skill_req *r = &reqs->v[i];
		int s = acd_skill_index(t, r->skill);
		if (s < 0)
			return acd_fail(t->acd, ENOENT,
					"unknown skill '%s' in tenant '%s'",
					r->skill ? r->skill : "(null)",
					t->name);
		if (r->min_level < ACD_LEVEL_MIN || r->min_level > ACD_LEVEL_MAX)
			return acd_fail(t->acd, EINVAL,
					"skill '%s': level %u not in 1..10",
					r->skill, r->min_level);
		v[i].skill = (uint16_t)s;
		v[i].level = r->min_level;
	}
	qsort(v, n, sizeof(v[0]), cmp_skill);
	for (size_t i = 1; i < n; i++) {
		if (v[i].skill == v[i - 1].skill)
			return acd_fail(t->acd, EINVAL,
					"skill '%s' required twice",
					t->skills[v[i].skill]);
	}

	p = pool_find(t, ch, v, (uint16_t)n);
	if (!p) {
		err = pool_create(t, ch, v, (uint16_t)n, &p);
		if (err)
			return err;
	}
	tg->p = p;
	tg->lo = n == 1 ? v[0].level - 1 : 0;
	tg->key = (uint8_t)acd_strategy_key(strat);
	tg->strat = (uint8_t)strat;

	if (!(p->keys & (1u << tg->key))) {
		/* A new order for this pool: its available members join the
		 * new heap (configuration time, not per decision). */
		p->keys |= (uint8_t)(1u << tg->key);
		for (struct le *le = list_head(&t->agents); le; le = le->next) {
			struct acd_agent *a = le->data;
			for (uint16_t i = 0; i < a->nmem; i++) {
				if (a->mem[i].p == p)
					acd_member_place(
						&a->mem[i],
						acd_agent_can_take(a, p->ch));
			}
		}
	}
	return 0;
}

bool acd_agent_in_target(const struct acd_agent *a,
			 const struct acd_target *tg,
			 const struct acd_member **mp)
{
	for (uint16_t i = 0; i < a->nmem; i++) {
		if (a->mem[i].p == tg->p && a->mem[i].bucket >= tg->lo) {
			if (mp)
				*mp = &a->mem[i];
			return true;
		}
	}
	return false;
}

/* --- queues -------------------------------------------------------------- */

static void queue_destructor(void *arg)
{
	struct acd_queue *q = arg;

	list_unlink(&q->le);
	hash_unlink(&q->he);
	mem_deref((void *)q->cfg.name);
	mem_deref((void *)q->cfg.overflow_target);
	for (size_t i = 0; i < q->cfg.reqs.n; i++)
		mem_deref((void *)q->cfg.reqs.v[i].skill);
	mem_deref((void *)q->cfg.reqs.v);
	for (size_t i = 0; i < q->cfg.nrelax; i++) {
		const struct acd_relax_step *st = &q->cfg.relax[i];
		for (size_t j = 0; j < st->reqs.n; j++)
			mem_deref((void *)st->reqs.v[j].skill);
		mem_deref((void *)st->reqs.v);
	}
	mem_deref((void *)q->cfg.relax);
	mem_deref(q->steps);
}

static int reqs_copy(struct acd_reqs *dst, const struct acd_reqs *src)
{
	struct acd_skill_req *v;

	dst->v = NULL;
	dst->n = 0;
	if (!src->n)
		return 0;
	v = mem_zalloc(src->n * sizeof(*v), NULL);
	if (!v)
		return ENOMEM;
	dst->v = v;
	dst->n = src->n;
	for (size_t i = 0; i < src->n; i++) {
		v[i].min_level = src->v[i].min_level;
		if (str_dup((char **)&v[i].skill, src->v[i].skill))
			return ENOMEM;
	}
	return 0;
}

static int queue_cfg_copy(struct acd_queue_cfg *dst,
			  const struct acd_queue_cfg *src)
{
	struct acd_relax_step *relax;
	int err;

	*dst = *src;
	dst->name = NULL;
	dst->overflow_target = NULL;
	dst->reqs.v = NULL;
	dst->reqs.n = 0;
	dst->relax = NULL;
	dst->nrelax = 0;

	err = str_dup((char **)&dst->name, src->name);
	if (!err && src->overflow_target)
		err = str_dup((char **)&dst->overflow_target,
			      src->overflow_target);
	if (!err)
		err = reqs_copy(&dst->reqs, &src->reqs);
	if (err || !src->nrelax)
		return err;
	relax = mem_zalloc(src->nrelax * sizeof(*relax), NULL);
	if (!relax)
		return ENOMEM;
	dst->relax = relax;
	dst->nrelax = src->nrelax;
	for (size_t i = 0; i < src->nrelax && !err; i++) {
		relax[i].after_s = src->relax[i].after_s;
		err = reqs_copy(&relax[i].reqs, &src->relax[i].reqs);
	}
	return err;
}

static bool queue_cmp(struct le *le, void *arg)
{
	const struct acd_queue *q = le->data;
	return !strcmp(q->cfg.name, arg);
}

int acd_queue_add(struct acd_tenant *t, const struct acd_queue_cfg *cfg,
		  struct acd_queue **qp)
{
	struct acd *acd;
	struct acd_queue *q;
	int err;

	if (!t || !cfg)
		return EINVAL;
	acd = t->acd;
	if (!cfg->name || !*cfg->name)
		return acd_fail(acd, EINVAL, "queue name missing");
	if (acd_queue_find(t, cfg->name))
		return acd_fail(acd, EEXIST, "queue '%s' exists in '%s'",
				cfg->name, t->name);
	if ((unsigned)cfg->channel >= ACD_CH_MAX)
		return acd_fail(acd, EINVAL, "queue '%s': bad channel",
				cfg->name);
	if ((unsigned)cfg->strategy >= ACD_STRAT_MAX)
		return acd_fail(acd, EINVAL, "queue '%s': bad strategy",
				cfg->name);
	if (cfg->sl_target < 0 || cfg->sl_target > 1)
		return acd_fail(acd, EINVAL,
				"queue '%s': service level target not in 0..1",
				cfg->name);
	if (cfg->nrelax > 250)
		return acd_fail(acd, EINVAL, "queue '%s': too many steps",
				cfg->name);
	for (size_t i = 1; i < cfg->nrelax; i++) {
		if (cfg->relax[i].after_s <= cfg->relax[i - 1].after_s)
			return acd_fail(acd, EINVAL,
					"queue '%s': relaxation steps must "
					"come in increasing time",
					cfg->name);
	}
	if (cfg->overflow == ACD_OVERFLOW_QUEUE &&
	    (!cfg->overflow_target || !strcmp(cfg->overflow_target, cfg->name)))
		return acd_fail(acd, EINVAL,
				"queue '%s': overflow to a queue needs another "
				"queue as target",
				cfg->name);

	q = mem_zalloc(sizeof(*q), queue_destructor);
	if (!q)
		return ENOMEM;
	acd_enter(acd); /* new pools may let agents take waiting contacts */
	q->t = t;
	err = queue_cfg_copy(&q->cfg, cfg);
	if (err)
		goto out;
	if (!q->cfg.offer_timeout_s)
		q->cfg.offer_timeout_s = 20;
	if (!q->cfg.sl_threshold_s)
		q->cfg.sl_threshold_s = 20;
	if (q->cfg.sl_target == 0)
		q->cfg.sl_target = 0.80;
	if (!q->cfg.aht_hint_s)
		q->cfg.aht_hint_s = 180;
	q->aht_ms = q->cfg.aht_hint_s * 1000.0;
	q->iv_start = acd->iv_next - (uint64_t)acd->opts.interval_s * 1000;

	q->nsteps = 1 + (uint32_t)cfg->nrelax;
	q->steps = mem_zalloc(q->nsteps * sizeof(*q->steps), NULL);
	if (!q->steps) {
		err = ENOMEM;
		goto out;
	}
	err = acd_target_make(t, cfg->channel, cfg->strategy, &cfg->reqs,
			      &q->steps[0]);
	for (size_t i = 0; !err && i < cfg->nrelax; i++)
		err = acd_target_make(t, cfg->channel, cfg->strategy,
				      &cfg->relax[i].reqs, &q->steps[i + 1]);
	if (err)
		goto out;

	list_append(&t->queues, &q->le, q);
	hash_append(t->queueh, hash_joaat_str(q->cfg.name), &q->he, q);
	if (qp)
		*qp = q;
out:
	if (err)
		mem_deref(q);
	acd_leave(acd);
	return err;
}

struct acd_queue *acd_queue_find(const struct acd_tenant *t, const char *name)
{
	struct le *le;

	if (!t || !name)
		return NULL;
	le = hash_lookup(t->queueh, hash_joaat_str(name), queue_cmp,
			 (void *)name);
	return le ? le->data : NULL;
}

const char *acd_queue_name(const struct acd_queue *q)
{
	return q ? q->cfg.name : NULL;
}

struct acd_tenant *acd_queue_tenant(const struct acd_queue *q)
{
	return q ? q->t : NULL;
}

const struct acd_queue_cfg *acd_queue_config(const struct acd_queue *q)
{
	return q ? &q->cfg : NULL;
}

void acd_queue_foreach(const struct acd_tenant *t,
		       bool (*h)(struct acd_queue *q, void *arg), void *arg)
{
	struct le *le;

	if (!t || !h)
		return;
	for (le = list_head(&t->queues); le; le = le->next) {
		if (h(le->data, arg))
			return;
	}
}

int acd_tenant_check_config(struct acd_tenant *t)
{
	struct le *le;

	if (!t)
		return EINVAL;
	for (le = list_head(&t->queues); le; le = le->next) {
		struct acd_queue *q = le->data, *tq;
		if (q->cfg.overflow != ACD_OVERFLOW_QUEUE)
			continue;
		tq = acd_queue_find(t, q->cfg.overflow_target);
		if (!tq)
			return acd_fail(t->acd, ENOENT,
					"queue '%s': overflow target '%s' is "
					"not a queue of '%s'",
					q->cfg.name, q->cfg.overflow_target,
					t->name);
		if (tq->cfg.channel != q->cfg.channel)
			return acd_fail(t->acd, EINVAL,
					"queue '%s': overflow target '%s' is "
					"another channel",
					q->cfg.name, tq->cfg.name);
	}
	return 0;
}

/* --- agents -------------------------------------------------------------- */

static void agent_destructor(void *arg)
{
	struct acd_agent *a = arg;

	acd_timer_clear(a->t->acd, &a->tmr);
	members_clear(a);
	list_unlink(&a->le);
	hash_unlink(&a->he);
	mem_deref(a->skills);
	mem_deref(a->id);
	mem_deref(a->name);
}

static bool agent_cmp(struct le *le, void *arg)
{
	const struct acd_agent *a = le->data;
	return !strcmp(a->id, arg);
}

static int skills_resolve(struct acd_tenant *t,
			  const struct acd_agent_skill *skills, size_t n,
			  struct skill_lvl **vp)
{
	struct skill_lvl *v;

	*vp = NULL;
	if (!n)
		return 0;
	if (n > UINT16_MAX)
		return acd_fail(t->acd, EINVAL, "too many skills");
	v = mem_zalloc(n * sizeof(*v), NULL);
	if (!v)
		return ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int s = acd_skill_index(t, skills[i].skill);
		if (s < 0) {
			mem_deref(v);
			return acd_fail(t->acd, ENOENT,
					"unknown skill '%s' in tenant '%s'",
					skills[i].skill ? skills[i].skill
							: "(null)",
					t->name);
		}
		if (skills[i].level < ACD_LEVEL_MIN ||
		    skills[i].level > ACD_LEVEL_MAX) {
			mem_deref(v);
			return acd_fail(t->acd, EINVAL,
					"skill '%s': level %u not in 1..10",
					skills[i].skill, skills[i].level);
		}
		v[i].skill = (uint16_t)s;
		v[i].level = skills[i].level;
	}
	qsort(v, n, sizeof(*v), cmp_skill);
	for (size_t i = 1; i < n; i++) {
		if (v[i].skill == v[i - 1].skill) {
			mem_deref(v);
			return acd_fail(t->acd, EINVAL, "skill '%s' given twice",
					t->skills[v[i].skill]);
		}
	}
	*vp = v;
	return 0;
}

static const uint8_t default_cap[ACD_CH_MAX] = {
	[ACD_CH_VOICE] = 1,    [ACD_CH_CHAT] = 3,     [ACD_CH_EMAIL] = 5,
	[ACD_CH_MESSAGE] = 3,  [ACD_CH_CALLBACK] = 1, [ACD_CH_OUTBOUND] = 1,
	[ACD_CH_WORKORDER] = 5,
};

#define VOICE_LIKE                                                             \
	((1u << ACD_CH_VOICE) | (1u << ACD_CH_CALLBACK) |                      \
	 (1u << ACD_CH_OUTBOUND))

int acd_agent_add(struct acd_tenant *t, const struct acd_agent_cfg *cfg,
		  struct acd_agent **ap)
{
	struct acd *acd;
	struct acd_agent *a;
	int err;

	if (!t || !cfg)
		return EINVAL;
	acd = t->acd;
	if (!cfg->id || !*cfg->id)
		return acd_fail(acd, EINVAL, "agent id missing");
	if (acd_agent_find(t, cfg->id))
		return acd_fail(acd, EEXIST, "agent '%s' exists in '%s'",
				cfg->id, t->name);

	a = mem_zalloc(sizeof(*a), agent_destructor);
	if (!a)
		return ENOMEM;
	a->t = t;
	a->tmr.hn.pos = HEAP_NONE;
	a->tmr.kind = ACD_TMR_AGENT;
	a->presence = ACD_PRESENCE_LOGGED_OUT;
	a->state = ACD_AGENT_LOGGED_OUT;
	a->state_since = a->idle_since = acd_now(acd);
	for (int c = 0; c < ACD_CH_MAX; c++) {
		a->cap[c] = cfg->capacity[c] ? cfg->capacity[c]
					     : default_cap[c];
		if (cfg->use_blocks)
			a->blocks[c] = cfg->blocks[c];
		else if (VOICE_LIKE & (1u << c))
			a->blocks[c] = 0xffff; /* anything blocks a call */
		else
			a->blocks[c] = VOICE_LIKE;
		/* a channel never blocks itself: capacity rules that */
		a->blocks[c] &= (uint16_t) ~(1u << c);
	}

	err = str_dup(&a->id, cfg->id);
	if (!err && cfg->name)
		err = str_dup(&a->name, cfg->name);
	if (err) {
		mem_deref(a);
		return ENOMEM;
	}
	err = skills_resolve(t, cfg->skills, cfg->nskills, &a->skills);
	if (err) {
		mem_deref(a);
		return err;
	}
	a->nskills = (uint16_t)cfg->nskills;

	list_append(&t->agents, &a->le, a);
	hash_append(t->agenth, hash_joaat_str(a->id), &a->he, a);
	t->nagents++;
	acd_state_integrate(t->by_state, t->state_ms, &t->state_upd,
			    acd_now(acd));
	t->by_state[a->state]++;

	err = members_build(a);
	if (err) {
		t->by_state[a->state]--;
		t->nagents--;
		mem_deref(a);
		return err;
	}
	if (ap)
		*ap = a;
	return 0;
}

struct acd_agent *acd_agent_find(const struct acd_tenant *t, const char *id)
{
	struct le *le;

	if (!t || !id)
		return NULL;
	le = hash_lookup(t->agenth, hash_joaat_str(id), agent_cmp, (void *)id);
	return le ? le->data : NULL;
}

const char *acd_agent_id(const struct acd_agent *a)
{
	return a ? a->id : NULL;
}

const char *acd_agent_name(const struct acd_agent *a)
{
	return a ? a->name : NULL;
}

struct acd_tenant *acd_agent_tenant(const struct acd_agent *a)
{
	return a ? a->t : NULL;
}

void acd_agent_foreach(const struct acd_tenant *t,
		       bool (*h)(struct acd_agent *a, void *arg), void *arg)
{
	struct le *le;

	if (!t || !h)
		return;
	for (le = list_head(&t->agents); le; le = le->next) {
		if (h(le->data, arg))
			return;
	}
}

size_t acd_agent_count(const struct acd_tenant *t)
{
	return t ? t->nagents : 0;
}

int acd_agent_set_skills(struct acd_agent *a,
			 const struct acd_agent_skill *skills, size_t n)
{
	struct skill_lvl *v;
	int err;

	if (!a)
		return EINVAL;
	acd_enter(a->t->acd);
	err = skills_resolve(a->t, skills, n, &v);
	if (!err) {
		mem_deref(a->skills);
		a->skills = v;
		a->nskills = (uint16_t)n;
		members_clear(a);
		err = members_build(a);
		/* An offer the agent no longer qualifies for goes back. */
		if (a->offer && !acd_agent_in_target(a, &a->offer->c->cur, NULL))
			acd_offer_end(a->t->acd, a->offer, ACD_END_REMOVED);
		acd_agent_refresh(a);
	}
	acd_leave(a->t->acd);
	return err;
}

uint8_t acd_agent_skill_level(const struct acd_agent *a, const char *skill)
{
	int s;

	if (!a)
		return 0;
	s = acd_skill_index(a->t, skill);
	for (uint16_t i = 0; s >= 0 && i < a->nskills; i++) {
		if (a->skills[i].skill == s)
			return a->skills[i].level;
	}
	return 0;
}
