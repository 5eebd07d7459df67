/**
 * @file heap.c  Binary min-heap whose nodes know their position, so any
 * node can be removed or re-keyed in O(log n).  Keys sit in the heap array
 * next to the node pointer so sifting touches one cache line per level.
 */
#include <errno.h>
#include <stdlib.h>

#include "acd/acd_int.h"

void acd_heap_init(struct acd_heap *h)
{
	h->v = NULL;
	h->n = h->cap = 0;
}

/* Nodes are not touched: at teardown they may be gone already. */
void acd_heap_free(struct acd_heap *h)
{
	free(h->v);
	acd_heap_init(h);
}

static inline void place(struct acd_heap *h, uint32_t i, struct acd_hent e)
{
	h->v[i] = e;
	e.node->pos = i;
}

static void sift_up(struct acd_heap *h, uint32_t i)
{
	struct acd_hent e = h->v[i];

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;
		if (h->v[parent].key <= e.key)
			break;
		place(h, i, h->v[parent]);
		i = parent;
	}
	place(h, i, e);
}

static void sift_down(struct acd_heap *h, uint32_t i)
{
	struct acd_hent e = h->v[i];

	for (;;) {
		uint32_t l = 2 * i + 1, m;
		if (l >= h->n)
			break;
		m = l;
		if (l + 1 < h->n && h->v[l + 1].key < h->v[l].key)
			m = l + 1;
		if (e.key <= h->v[m].key)
			break;
		place(h, i, h->v[m]);
		i = m;
	}
	place(h, i, e);
}

int acd_heap_push(struct acd_heap *h, struct acd_hnode *node, uint64_t key)
{
	if (h->n == h->cap) {
		/* Grows to the peak size once and stays: no allocation in steady
		 * state. */
		uint32_t cap = h->cap ? h->cap + h->cap / 2 : 4;
		struct acd_hent *v = realloc(h->v, cap * sizeof(*v));
		if (!v)
			return ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n].key = key;
	h->v[h->n].node = node;
	node->pos = h->n++;
	sift_up(h, node->pos);
	return 0;
}

void acd_heap_remove(struct acd_heap *h, struct acd_hnode *node)
{
	uint32_t i = node->pos;

	if (i == HEAP_NONE)
		return;
	node->pos = HEAP_NONE;
	if (--h->n == i)
		return;
	uint64_t old = h->v[i].key;
	place(h, i, h->v[h->n]);
	if (h->v[i].key < old)
		sift_up(h, i);
	else
		sift_down(h, i);
}

void acd_heap_update(struct acd_heap *h, struct acd_hnode *node, uint64_t key)
{
	uint32_t i = node->pos;
	uint64_t old = h->v[i].key;

	h->v[i].key = key;
	if (key < old)
		sift_up(h, i);
	else if (key > old)
		sift_down(h, i);
}

int acd_heap_check(const struct acd_heap *h)
{
	for (uint32_t i = 0; i < h->n; i++) {
		if (h->v[i].node->pos != i)
			return EPROTO;
		if (i > 0 && h->v[(i - 1) / 2].key > h->v[i].key)
			return EPROTO;
	}
	return 0;
}

/* --- agents' heaps: 8-byte slots ---------------------------------------- */

/* The slot's membership learns where it now is. */
static inline void aplace(struct acd_tenant *t, struct acd_aheap *h, int k,
			  uint32_t i, uint64_t s)
{
	h->v[i] = s;
	acd_member_at(t, acd_aslot_ref(s))->hn[k].pos = i;
}

static void a_sift_up(struct acd_tenant *t, struct acd_aheap *h, int k,
		      uint32_t i)
{
	uint64_t s = h->v[i];

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;
		if (h->v[parent] < s)
			break;
		aplace(t, h, k, i, h->v[parent]);
		i = parent;
	}
	aplace(t, h, k, i, s);
}

static void a_sift_down(struct acd_tenant *t, struct acd_aheap *h, int k,
			uint32_t i)
{
	uint64_t s = h->v[i];

	for (;;) {
		uint32_t l = 2 * i + 1, m;
		if (l >= h->n)
			break;
		m = l;
		if (l + 1 < h->n && h->v[l + 1] < h->v[l])
			m = l + 1;
		if (s < h->v[m])
			break;
		aplace(t, h, k, i, h->v[m]);
		i = m;
	}
	aplace(t, h, k, i, s);
}

void acd_aheap_free(struct acd_aheap *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

int acd_aheap_push(struct acd_tenant *t, struct acd_aheap *h, int k,
		   uint32_t ref, uint64_t key)
{
	if (h->n == h->cap) {
		/* peak size once, then no allocation; a quarter more each time
		 * keeps the unused tail (memory per agent) small */
		uint32_t cap = h->cap ? h->cap + h->cap / 4 + 1 : 4;
		uint64_t *v = realloc(h->v, cap * sizeof(*v));
		if (!v)
			return ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n] = key << ACD_REF_BITS | ref;
	a_sift_up(t, h, k, h->n++);
	return 0;
}

void acd_aheap_remove(struct acd_tenant *t, struct acd_aheap *h, int k,
		      uint32_t i)
{
	uint64_t old = h->v[i];

	acd_member_at(t, acd_aslot_ref(old))->hn[k].pos = HEAP_NONE;
	if (--h->n == i)
		return;
	aplace(t, h, k, i, h->v[h->n]);
	if (h->v[i] < old)
		a_sift_up(t, h, k, i);
	else
		a_sift_down(t, h, k, i);
}

void acd_aheap_update(struct acd_tenant *t, struct acd_aheap *h, int k,
		      uint32_t i, uint64_t key)
{
	uint64_t old = h->v[i];

	h->v[i] = key << ACD_REF_BITS | acd_aslot_ref(old);
	if (h->v[i] < old)
		a_sift_up(t, h, k, i);
	else if (h->v[i] > old)
		a_sift_down(t, h, k, i);
}

int acd_aheap_check(const struct acd_tenant *t, const struct acd_aheap *h,
		    int k)
{
	for (uint32_t i = 0; i < h->n; i++) {
		uint32_t ref = acd_aslot_ref(h->v[i]);
		if (ref >= t->nmchunks << ACD_MCHUNK_BITS ||
		    acd_member_at(t, ref)->hn[k].pos != i ||
		    !acd_member_at(t, ref)->a)
			return EPROTO;
		if (i > 0 && h->v[(i - 1) / 2] > h->v[i])
			return EPROTO;
	}
	return 0;
}
