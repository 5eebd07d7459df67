/**
 * @file calendar.c  The simulator's event calendar: a binary min-heap on
 * (time, seq).  seq is the insertion order, so events due at the same
 * millisecond run in the order they were scheduled, which keeps a run a
 * function of its inputs.
 */
#include <errno.h>
#include <stdlib.h>

#include "sim/sim.h"

static inline bool before(const struct sim_ev *a, const struct sim_ev *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

int sim_cal_push(struct sim_cal *c, const struct sim_ev *ev)
{
	size_t i;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		struct sim_ev *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return ENOMEM;
		c->v = v;
		c->cap = cap;
	}

	i = c->n++;
	c->v[i] = *ev;
	c->v[i].seq = c->seq++;

	/* sift up */
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		struct sim_ev tmp;

		if (!before(&c->v[i], &c->v[parent]))
			break;
		tmp = c->v[i];
		c->v[i] = c->v[parent];
		c->v[parent] = tmp;
		i = parent;
	}
	return 0;
}

const struct sim_ev *sim_cal_peek(const struct sim_cal *c)
{
	return c->n ? &c->v[0] : NULL;
}

bool sim_cal_pop(struct sim_cal *c, struct sim_ev *ev)
{
	size_t i = 0;
	struct sim_ev last;

	if (!c->n)
		return false;
	*ev = c->v[0];
	last = c->v[--c->n];

	/* sift the last element down from the root */
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		const struct sim_ev *best = &last;

		if (l < c->n && before(&c->v[l], best)) {
			m = l;
			best = &c->v[l];
		}
		if (l + 1 < c->n && before(&c->v[l + 1], best))
			m = l + 1;
		if (m == i)
			break;
		c->v[i] = c->v[m];
		i = m;
	}
	if (c->n)
		c->v[i] = last;
	return true;
}

void sim_cal_free(struct sim_cal *c)
{
	free(c->v);
	c->v = NULL;
	c->n = c->cap = 0;
}
