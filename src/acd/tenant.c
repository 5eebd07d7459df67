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
	list_unlink(&p->fle);    /* a filtered pool leaves its base */
	list_clear(&p->filtered); /* a base goes first: its filtered pools
				     must not unlink from it afterwards */
	for (uint8_t i = 0; i < p->nbuckets; i++) {
		for (int k = 0; k < ACD_NKEYS; k++)
			acd_aheap_free(&p->b[i].agents[k]);
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
	free(t->fpools);
	for (uint32_t i = 0; i < t->nmchunks; i++)
		free(t->mchunks[i]);
	free(t->mchunks);
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
	t->state_upd = t->epoch = acd_now(acd);
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

/* Whether a has every skill of p at its minimum level (for a one-skill
 * pool: has the skill), and the sum of a's levels in them. */
bool acd_agent_meets(const struct acd_agent *a, const struct acd_pool *p,
		     uint16_t *sum)
{
	uint16_t i, j = 0, s = 0;

	/* both lists are sorted by skill */
	for (i = 0; i < p->nreqs; i++) {
		while (j < a->nskills && a->skills[j].skill < p->reqs[i].skill)
			j++;
		if (j == a->nskills || a->skills[j].skill != p->reqs[i].skill)
			return false;
		if (p->nreqs > 1 && a->skills[j].level < p->reqs[i].level)
			return false;
		s += a->skills[j].level;
	}
	if (sum)
		*sum = s;
	return true;
}

/* Where agent a belongs in ordinary pool p: bucket index, or -1 if not at
 * all (always for a filtered pool: it has no members). */
static int member_bucket(const struct acd_agent *a, const struct acd_pool *p,
			 uint16_t *sum)
{
	if (!a->cap[p->ch] || p->base || !acd_agent_meets(a, p, sum))
		return -1;
	return p->nreqs == 1 ? *sum - 1 : 0;
}

/* Whether a, through its membership m, is an agent of filtered pool v. */
bool acd_agent_in_filtered(const struct acd_agent *a,
			   const struct acd_member *m,
			   const struct acd_pool *v)
{
	return v->base == m->p && m->bucket >= v->base_lo &&
	       acd_agent_meets(a, v, NULL);
}

static void bucket_count(struct acd_bucket *b, enum acd_agent_state st,
			 int delta, uint64_t now);

/* Move a's count in every filtered pool it belongs to from state old to st
 * (ACD_AGENT_NSTATES: not counted). */
void acd_filtered_count(struct acd_agent *a, enum acd_agent_state old,
			enum acd_agent_state st, uint64_t now)
{
	for (uint16_t i = 0; i < a->nfv; i++) {
		struct acd_pool *v = acd_agent_fpool(a, i);
		if (old < ACD_AGENT_NSTATES)
			bucket_count(&v->b[0], old, -1, now);
		if (st < ACD_AGENT_NSTATES)
			bucket_count(&v->b[0], st, +1, now);
	}
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

/* A free membership from t's slab (a new chunk when none is free), or
 * NULL. */
static struct acd_member *member_new(struct acd_tenant *t)
{
	const uint32_t per = 1u << ACD_MCHUNK_BITS;
	struct acd_member *m;

	if (!t->mfree) {
		uint32_t c = t->nmchunks;
		struct acd_member **v;
		if ((uint64_t)(c + 1) * per > (uint64_t)ACD_REF_MAX + 1)
			return NULL; /* 16 M memberships in one tenant */
		v = realloc(t->mchunks, (c + 1) * sizeof(*v));
		if (!v)
			return NULL;
		t->mchunks = v;
		v[c] = calloc(per, sizeof(**v));
		if (!v[c])
			return NULL;
		t->nmchunks++;
		for (uint32_t i = per; i-- > 0;) {
			v[c][i].ref = c * per + i;
			v[c][i].hn[0].pos = t->mfree;
			t->mfree = c * per + i + 1;
		}
	}
	m = acd_member_at(t, t->mfree - 1);
	t->mfree = m->hn[0].pos;
	return m;
}

static void member_free(struct acd_tenant *t, struct acd_member *m)
{
	m->a = NULL;
	m->p = NULL;
	m->hn[0].pos = t->mfree;
	t->mfree = m->ref + 1;
}

/* Remove every membership of a (heaps and counts). */
static void members_clear(struct acd_agent *a)
{
	uint64_t now = acd_now(a->t->acd);

	acd_filtered_count(a, a->state, ACD_AGENT_NSTATES, now);
	for (uint16_t i = 0; i < a->nmem; i++) {
		struct acd_member *m = acd_agent_mem(a, i);
		acd_member_place(m, false);
		bucket_count(&m->p->b[m->bucket], m->state, -1, now);
		member_free(a->t, m);
	}
	free(a->mi);
	a->mi = NULL;
	a->nmem = 0;
	a->fv = NULL;
	a->nfv = 0;
}

/* Compute a's memberships from scratch over every pool of its tenant. */
static int members_build(struct acd_agent *a)
{
	uint64_t now = acd_now(a->t->acd);
	uint32_t *v;
	uint16_t cap = 0, nf = 0, sum;
	struct le *le;

	/* The filtered pools searching a pool it joins, whose other skills
	 * it has, list it too: counted first, for one allocation. */
	for (le = list_head(&a->t->pools); le; le = le->next) {
		struct acd_pool *p = le->data;
		int b = member_bucket(a, p, &sum);
		if (b < 0)
			continue;
		cap++;
		for (struct le *fl = list_head(&p->filtered); fl; fl = fl->next) {
			const struct acd_pool *f = fl->data;
			if (f->base_lo <= b && acd_agent_meets(a, f, NULL))
				nf++;
		}
	}
	if (!cap)
		return 0;
	v = calloc(1, cap * sizeof(*v) + nf * sizeof(*a->fv));
	if (!v)
		return ENOMEM;
	a->mi = v;
	a->nmem = 0;
	a->fv = (uint16_t *)(void *)(v + cap);
	a->nfv = 0;
	for (le = list_head(&a->t->pools); le; le = le->next) {
		struct acd_pool *p = le->data;
		int b = member_bucket(a, p, &sum);
		if (b < 0)
			continue;
		struct acd_member *m = member_new(a->t);
		if (!m) {
			a->nfv = 0; /* not counted yet */
			members_clear(a);
			return ENOMEM;
		}
		a->mi[a->nmem++] = m->ref;
		for (struct le *fl = list_head(&p->filtered); fl; fl = fl->next) {
			const struct acd_pool *f = fl->data;
			if (f->base_lo <= b && acd_agent_meets(a, f, NULL))
				a->fv[a->nfv++] = f->fidx;
		}
		for (int k = 0; k < ACD_NKEYS; k++)
			m->hn[k].pos = HEAP_NONE;
		m->bucket = (uint8_t)b;
		m->skill_sum = sum;
		m->p = p;
		m->a = a;
		m->state = a->state;
		bucket_count(&p->b[b], a->state, +1, now);
	}
	acd_filtered_count(a, ACD_AGENT_NSTATES, a->state, now);
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
	/* several skills: a filtered pool, without members (see below) */
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
		acd_heap_init(&p->b[i].contacts);
		p->b[i].state_upd = now;
	}
	list_append(&t->pools, &p->le, p);
	if (n > 1) {
		*pp = p;
		return 0;
	}

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

/* Orders some target of ordinary pool p now sorts by: its available
 * members join the new heaps (configuration time, not per decision). */
static void pool_add_keys(struct acd_pool *p, uint8_t keys)
{
	keys &= (uint8_t)~p->keys;
	if (!keys)
		return;
	p->keys |= keys;
	for (struct le *le = list_head(&p->t->agents); le; le = le->next) {
		struct acd_agent *a = le->data;
		for (uint16_t i = 0; i < a->nmem; i++) {
			if (acd_agent_mem(a, i)->p == p)
				acd_member_place(acd_agent_mem(a, i),
						 acd_agent_can_take(a, p->ch));
		}
	}
}

/* Agents of pool p's buckets lo.. now, in any state (logged out too). */
static uint32_t pool_size(const struct acd_pool *p, uint8_t lo)
{
	uint32_t n = 0;

	for (uint8_t b = lo; b < p->nbuckets; b++)
		for (int s = 0; s < ACD_AGENT_NSTATES; s++)
			n += p->b[b].by_state[s];
	return n;
}

static int pool_get(struct acd_tenant *t, enum acd_channel ch,
		    const struct skill_lvl *reqs, uint16_t n,
		    struct acd_pool **pp)
{
	*pp = pool_find(t, ch, reqs, n);
	return *pp ? 0 : pool_create(t, ch, reqs, n, pp);
}

/* A requirement set of several skills: a filtered pool searching the pool
 * of the skill with the fewest agents at the level asked (the fewest to
 * pass over when the others lack a skill), counting the agents that meet
 * it.  Configuration time: scans the tenant's agents once. */
static int filtered_create(struct acd_tenant *t, enum acd_channel ch,
			   const struct skill_lvl *reqs, uint16_t n,
			   struct acd_pool **pp)
{
	struct acd_pool *v, *base = NULL;
	uint32_t best = UINT32_MAX;
	int err;

	for (uint16_t i = 0; i < n; i++) {
		struct skill_lvl one = {reqs[i].skill, 0};
		struct acd_pool *p;
		uint32_t size;
		err = pool_get(t, ch, &one, 1, &p);
		if (err)
			return err;
		size = pool_size(p, (uint8_t)(reqs[i].level - 1));
		if (size < best) {
			best = size;
			base = p;
		}
	}
	if (t->nfpools == UINT16_MAX)
		return acd_fail(t->acd, EINVAL,
				"too many requirement sets of several skills");
	struct acd_pool **fp =
		realloc(t->fpools, (t->nfpools + 1u) * sizeof(*fp));
	if (!fp)
		return ENOMEM;
	t->fpools = fp;
	err = pool_create(t, ch, reqs, n, &v);
	if (err)
		return err;
	v->base = base;
	v->fidx = t->nfpools;
	t->fpools[t->nfpools++] = v;
	for (uint16_t i = 0; i < n; i++) {
		if (reqs[i].skill == base->reqs[0].skill)
			v->base_lo = (uint8_t)(reqs[i].level - 1);
	}
	list_append(&base->filtered, &v->fle, v);
	/* The agents that meet it list it (and are counted). */
	for (struct le *le = list_head(&t->agents); le; le = le->next) {
		struct acd_agent *a = le->data;
		if (a->cap[ch] && acd_agent_meets(a, v, NULL)) {
			err = members_rebuild(a);
			if (err)
				return err;
		}
	}
	*pp = v;
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
		err = n > 1 ? filtered_create(t, ch, v, (uint16_t)n, &p)
			    : pool_create(t, ch, v, (uint16_t)n, &p);
		if (err)
			return err;
	}
	tg->p = p;
	tg->lo = n == 1 ? v[0].level - 1 : 0;
	tg->key = (uint8_t)acd_strategy_key(strat);
	tg->strat = (uint8_t)strat;

	if (p->base) {
		/* the heaps searched are the base's; the filtered pool keeps
		 * the orders asked of it for a change of base */
		p->keys |= (uint8_t)(1u << tg->key);
		p = p->base;
	}
	pool_add_keys(p, (uint8_t)(1u << tg->key));
	return 0;
}

/* Search each filtered pool of t from the pool of its skill with the fewest
 * agents now: made before the agents came (a center's configuration adds
 * queues first), a filtered pool took its first skill.  Called when the
 * configuration is checked and at each interval; costs a few additions per
 * filtered pool, and the agents' lists of filtered pools stay as they are. */
void acd_filtered_rebase(struct acd_tenant *t)
{
	for (uint16_t f = 0; f < t->nfpools; f++) {
		struct acd_pool *v = t->fpools[f], *best = v->base;
		uint32_t size = pool_size(v->base, v->base_lo);
		uint8_t lo = v->base_lo;

		for (uint16_t i = 0; i < v->nreqs; i++) {
			struct skill_lvl one = {v->reqs[i].skill, 0};
			struct acd_pool *p = pool_find(t, v->ch, &one, 1);
			uint8_t l = (uint8_t)(v->reqs[i].level - 1);
			if (p && pool_size(p, l) < size) {
				size = pool_size(p, l);
				best = p;
				lo = l;
			}
		}
		if (best == v->base)
			continue;
		list_unlink(&v->fle);
		list_append(&best->filtered, &v->fle, v);
		v->base = best;
		v->base_lo = lo;
		pool_add_keys(best, v->keys);
	}
}

bool acd_agent_in_target(const struct acd_agent *a,
			 const struct acd_target *tg,
			 const struct acd_member **mp)
{
	const struct acd_pool *p = tg->p->base ? tg->p->base : tg->p;

	for (uint16_t i = 0; i < a->nmem; i++) {
		const struct acd_member *m = acd_agent_mem(a, i);
		if (m->p != p)
			continue;
		if (tg->p->base ? !acd_agent_in_filtered(a, m, tg->p)
				: m->bucket < tg->lo)
			return false;
		if (mp)
			*mp = m;
		return true;
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
	acd_filtered_rebase(t);
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

	/* id and name live in the agent's own allocation (memory per agent
	 * is what bounds the engine's size) */
	size_t idlen = strlen(cfg->id) + 1;
	size_t namelen = cfg->name ? strlen(cfg->name) + 1 : 0;
	a = mem_zalloc(sizeof(*a) + idlen + namelen, agent_destructor);
	if (!a)
		return ENOMEM;
	a->id = (char *)(a + 1);
	memcpy(a->id, cfg->id, idlen);
	if (cfg->name) {
		a->name = a->id + idlen;
		memcpy(a->name, cfg->name, namelen);
	}
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
		members_clear(a); /* with the old skills: filtered counts */
		mem_deref(a->skills);
		a->skills = v;
		a->nskills = (uint16_t)n;
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
