/**
 * @file rows.c  Build a result array whose strings live in the same
 * allocation, so a reader gets one mem object to release.
 *
 * While rows are added the string fields hold (offset + 1) into the string
 * buffer, because both buffers move as they grow; store_rows_finish() copies
 * everything into the final block and turns offsets into pointers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "store/internal.h"

void store_rows_init(struct store_rows *r, size_t rowsz)
{
	memset(r, 0, sizeof(*r));
	r->rowsz = rowsz;
}

void store_rows_reset(struct store_rows *r)
{
	free(r->rows);
	free(r->str);
	store_rows_init(r, r->rowsz);
}

void *store_rows_add(struct store_rows *r)
{
	void *row;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		uint8_t *p = realloc(r->rows, cap * r->rowsz);
		if (!p)
			return NULL;
		r->rows = p;
		r->cap = cap;
	}
	row = r->rows + r->n++ * r->rowsz;
	memset(row, 0, r->rowsz);
	return row;
}

int store_rows_str(struct store_rows *r, const char **field,
                   const unsigned char *text)
{
	size_t len;

	if (!text) {
		*field = NULL;
		return 0;
	}
	len = strlen((const char *)text) + 1;
	if (r->slen + len > r->scap) {
		size_t cap = r->scap ? r->scap : 256;
		char *p;
		while (cap < r->slen + len)
			cap *= 2;
		p = realloc(r->str, cap);
		if (!p)
			return ENOMEM;
		r->str = p;
		r->scap = cap;
	}
	memcpy(r->str + r->slen, text, len);
	*field = (const char *)(uintptr_t)(r->slen + 1);
	r->slen += len;
	return 0;
}

int store_rows_finish(struct store_rows *r, const size_t *stroffs, size_t nstr,
                      void **vp, size_t *np)
{
	size_t rowbytes = r->n * r->rowsz;
	uint8_t *blk;
	char *str;

	*vp = NULL;
	*np = 0;
	if (!r->n) {
		store_rows_reset(r);
		return 0;
	}
	blk = mem_alloc(rowbytes + r->slen, NULL);
	if (!blk) {
		store_rows_reset(r);
		return ENOMEM;
	}
	memcpy(blk, r->rows, rowbytes);
	str = (char *)blk + rowbytes;
	if (r->slen)
		memcpy(str, r->str, r->slen);
	for (size_t i = 0; i < r->n; i++) {
		uint8_t *row = blk + i * r->rowsz;
		for (size_t k = 0; k < nstr; k++) {
			const char **f = (const char **)(row + stroffs[k]);
			uintptr_t off = (uintptr_t)*f;
			*f = off ? str + (off - 1) : NULL;
		}
	}
	*vp = blk;
	*np = r->n;
	store_rows_reset(r);
	return 0;
}
