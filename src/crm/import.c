/**
 * @file import.c  Customers from CSV (encodings converted with iconv(3),
 * every row checked, a report of what was refused and why, all or nothing
 * in the store), and interactions and work orders out to CSV.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdarg.h>
#include <time.h>

#include "core/core.h"
#include "crm/crm_int.h"

#define IMPORT_ROWS_MAX 1000000

static const char *enc_names[] = {
    [CRM_ENC_AUTO] = "auto",
    [CRM_ENC_UTF8] = "utf-8",
    [CRM_ENC_GB18030] = "gb18030",
    [CRM_ENC_EUC_KR] = "euc-kr",
};

const char *crm_encoding_name(enum crm_encoding e)
{
	return (unsigned)e < CRM_ENC_MAX ? enc_names[e] : "";
}

int crm_encoding_parse(const char *s, enum crm_encoding *ep)
{
	for (int i = 0; s && i < CRM_ENC_MAX; i++) {
		if (!strcasecmp(s, enc_names[i]) ||
		    (i == CRM_ENC_UTF8 && !strcasecmp(s, "utf8")) ||
		    (i == CRM_ENC_EUC_KR && !strcasecmp(s, "euckr"))) {
			*ep = (enum crm_encoding)i;
			return 0;
		}
	}
	return EINVAL;
}

/* Offset of the first byte that is not well-formed UTF-8, or len. */
static size_t utf8_check(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return i;
		for (size_t k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

int crm_to_utf8(const char *in, size_t len, enum crm_encoding enc, char **outp,
                size_t *outlen, char *err, size_t errsz)
{
	char *out = NULL, *ip = (char *)in, *op;
	size_t bad, cap, il = len, ol;
	iconv_t cd;

	if (!in || !outp || !outlen || (unsigned)enc >= CRM_ENC_MAX)
		return EINVAL;
	if (enc == CRM_ENC_AUTO || enc == CRM_ENC_UTF8) {
		bad = utf8_check((const unsigned char *)in, len);
		if (bad < len)
			return crm_fail(
			    err, errsz, EILSEQ,
			    "the file is not UTF-8 (byte %zu); if it is "
			    "Chinese or Korean, give the encoding gb18030 or "
			    "euc-kr",
			    bad);
		out = mem_alloc(len + 1, NULL);
		if (!out)
			return ENOMEM;
		memcpy(out, in, len);
		out[len] = '\0';
		*outp = out;
		*outlen = len;
		return 0;
	}
	cd = iconv_open("UTF-8", enc == CRM_ENC_GB18030 ? "GB18030" : "EUC-KR");
	if (cd == (iconv_t)-1)
		return crm_fail(err, errsz, ENOTSUP,
		                "this system cannot convert from %s",
		                enc_names[enc]);
	/* UTF-8 of these takes at most 2 bytes per input byte for CJK
	 * (3 for 2), and 4 for 4-byte GB18030 sequences */
	cap = len * 2 + 16;
	out = mem_alloc(cap, NULL);
	if (!out) {
		iconv_close(cd);
		return ENOMEM;
	}
	op = out;
	ol = cap - 1;
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
		int e = errno;

		iconv_close(cd);
		mem_deref(out);
		if (e == E2BIG)
			return ENOMEM;
		return crm_fail(err, errsz, EILSEQ,
		                "the file is not %s (byte %zu cannot be "
		                "converted)",
		                enc_names[enc], (size_t)(ip - in));
	}
	iconv_close(cd);
	*op = '\0';
	*outp = out;
	*outlen = (size_t)(op - out);
	return 0;
}

/* --- import -------------------------------------------------------------- */

enum col {
	COL_NAME = 0,
	COL_PHONE,
	COL_PHONE2,
	COL_EMAIL,
	COL_CHAT,
	COL_LANGUAGE,
	COL_NOTE,
	COL_MAX
};
static const char *col_names[] = {"name", "phone",    "phone2", "email",
                                  "chat", "language", "note"};
static const char col_list[] =
    "name, phone, phone2, email, chat, language, note";

#define ROW_IDS  4
#define TEXT_MAX 1000

struct irow {
	struct store_customer c;
	struct store_identity id[ROW_IDS];
};

struct seen {
	struct le he;
	char *key; /* "kind:value" */
	uint32_t line;
};

struct import {
	struct crm *crm;
	char *tenant;
	crm_import_h *h;
	void *arg;
	bool skip_bad;
	int col[COL_MAX]; /* index in the record, -1 absent */
	size_t ncols;
	bool header;
	struct irow *rows;
	uint32_t *lines;
	size_t n, cap, nread;
	char **strs; /* every string the rows point to */
	size_t nstrs, capstrs;
	struct crm_import_reject *rejects;
	size_t nrejects, caprej;
	struct hash *seen;
	char error[CRM_ERR_MAX];
	int err;
};

static void seen_destructor(void *arg)
{
	struct seen *s = arg;

	hash_unlink(&s->he);
	mem_deref(s->key);
}

static void import_destructor(void *arg)
{
	struct import *im = arg;

	hash_flush(im->seen);
	mem_deref(im->seen);
	for (size_t i = 0; i < im->nstrs; i++)
		mem_deref(im->strs[i]);
	mem_deref(im->strs);
	for (size_t i = 0; i < im->nrejects; i++)
		mem_deref((char *)im->rejects[i].reason);
	mem_deref(im->rejects);
	mem_deref(im->rows);
	mem_deref(im->lines);
	mem_deref(im->tenant);
}

static int grow(void **p, size_t *cap, size_t n, size_t elem)
{
	void *q;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	q = *p ? mem_realloc(*p, ncap * elem) : mem_zalloc(ncap * elem, NULL);
	if (!q)
		return ENOMEM;
	*p = q;
	*cap = ncap;
	return 0;
}

static const char *keep(struct import *im, const char *s)
{
	char *d = NULL;

	if (grow((void **)&im->strs, &im->capstrs, im->nstrs, sizeof(char *)) ||
	    str_dup(&d, s))
		return NULL;
	im->strs[im->nstrs++] = d;
	return d;
}

static int reject(struct import *im, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int reject(struct import *im, uint32_t line, const char *fmt, ...)
{
	char buf[CRM_ERR_MAX], *d = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (grow((void **)&im->rejects, &im->caprej, im->nrejects,
	         sizeof(*im->rejects)) ||
	    str_dup(&d, buf))
		return ENOMEM;
	im->rejects[im->nrejects].row = line;
	im->rejects[im->nrejects].reason = d;
	im->nrejects++;
	return 0;
}

static int header(struct import *im, char **f, size_t n, uint32_t line)
{
	bool any = false;

	for (int c = 0; c < COL_MAX; c++)
		im->col[c] = -1;
	for (size_t i = 0; i < n; i++) {
		char name[64];
		const char *s = f[i];
		size_t len;
		int c;

		while (*s == ' ')
			s++;
		len = strlen(s);
		while (len && s[len - 1] == ' ')
			len--;
		snprintf(name, sizeof(name), "%.*s", (int)len, s);
		for (c = 0; c < COL_MAX; c++) {
			if (!strcasecmp(name, col_names[c]))
				break;
		}
		if (c == COL_MAX) {
			im->err = crm_fail(im->error, sizeof(im->error), EINVAL,
			                   "line %u: unknown column '%s' "
			                   "(expected %s)",
			                   line, name, col_list);
			return im->err;
		}
		if (im->col[c] >= 0) {
			im->err =
			    crm_fail(im->error, sizeof(im->error), EINVAL,
			             "line %u: column '%s' twice", line, name);
			return im->err;
		}
		im->col[c] = (int)i;
		any |= c == COL_PHONE || c == COL_PHONE2 || c == COL_EMAIL ||
		       c == COL_CHAT;
	}
	if (!any) {
		im->err = crm_fail(im->error, sizeof(im->error), EINVAL,
		                   "line %u: the header needs a phone, email "
		                   "or chat column (columns: %s)",
		                   line, col_list);
		return im->err;
	}
	im->ncols = n;
	im->header = true;
	return 0;
}

static const char *cell(struct import *im, char **f, enum col c)
{
	return im->col[c] >= 0 && f[im->col[c]][0] ? f[im->col[c]] : NULL;
}

static int row(char **f, size_t n, uint32_t line, void *arg)
{
	static const enum col idcols[] = {COL_PHONE, COL_PHONE2, COL_EMAIL,
	                                  COL_CHAT};
	static const enum store_ident_kind idkinds[] = {
	    STORE_IDENT_PHONE, STORE_IDENT_PHONE, STORE_IDENT_EMAIL,
	    STORE_IDENT_CHAT};
	struct import *im = arg;
	char vals[ROW_IDS][300], why[CRM_ERR_MAX];
	struct irow *r;
	size_t nid = 0;

	if (!im->header)
		return header(im, f, n, line);
	if (++im->nread > IMPORT_ROWS_MAX) {
		im->err = crm_fail(im->error, sizeof(im->error), E2BIG,
		                   "more than %d rows: split the file",
		                   IMPORT_ROWS_MAX);
		return im->err;
	}
	if (n != im->ncols)
		return reject(im, line, "%zu fields, the header has %zu", n,
		              im->ncols);
	for (int c = COL_NAME; c < COL_MAX; c++) {
		const char *v = cell(im, f, (enum col)c);

		if (v && strlen(v) > TEXT_MAX)
			return reject(im, line, "%s longer than %d bytes",
			              col_names[c], TEXT_MAX);
	}
	for (size_t k = 0; k < ARRAY_LEN(idcols); k++) {
		const char *v = cell(im, f, idcols[k]);
		char key[320];
		struct seen *sn;
		struct le *le;

		if (!v)
			continue;
		if (crm_identity_normalise(idkinds[k], v, im->crm->cc,
		                           vals[nid], sizeof(vals[nid]), why,
		                           sizeof(why)))
			return reject(im, line, "%s", why);
		snprintf(key, sizeof(key), "%d:%s", idkinds[k], vals[nid]);
		le = list_head(hash_list(im->seen, hash_joaat_str(key)));
		for (; le; le = le->next) {
			sn = le->data;
			if (!strcmp(sn->key, key))
				return reject(im, line,
				              "%s %s is also on line %u",
				              store_ident_kind_name(idkinds[k]),
				              vals[nid], sn->line);
		}
		nid++;
	}
	if (!nid)
		return reject(im, line, "no phone, email or chat");
	/* only a row that passed adds its identities to those seen */
	for (size_t k = 0, m = 0; k < ARRAY_LEN(idcols); k++) {
		struct seen *sn;
		char key[320];

		if (!cell(im, f, idcols[k]))
			continue;
		snprintf(key, sizeof(key), "%d:%s", idkinds[k], vals[m++]);
		sn = mem_zalloc(sizeof(*sn), seen_destructor);
		if (!sn || str_dup(&sn->key, key)) {
			mem_deref(sn);
			return ENOMEM;
		}
		sn->line = line;
		hash_append(im->seen, hash_joaat_str(key), &sn->he, sn);
	}
	if (grow((void **)&im->rows, &im->cap, im->n, sizeof(*im->rows)))
		return ENOMEM;
	if (!im->lines || im->n % 64 == 0) {
		void *p = im->lines
		              ? mem_realloc(im->lines,
		                            (im->n + 64) * sizeof(uint32_t))
		              : mem_alloc(64 * sizeof(uint32_t), NULL);
		if (!p)
			return ENOMEM;
		im->lines = p;
	}
	r = &im->rows[im->n];
	memset(r, 0, sizeof(*r));
	r->c.tenant = im->tenant;
	r->c.name =
	    cell(im, f, COL_NAME) ? keep(im, cell(im, f, COL_NAME)) : NULL;
	r->c.language = cell(im, f, COL_LANGUAGE)
	                    ? keep(im, cell(im, f, COL_LANGUAGE))
	                    : NULL;
	r->c.note =
	    cell(im, f, COL_NOTE) ? keep(im, cell(im, f, COL_NOTE)) : NULL;
	for (size_t k = 0, m = 0; k < ARRAY_LEN(idcols); k++) {
		if (!cell(im, f, idcols[k]))
			continue;
		r->id[m].kind = idkinds[k];
		r->id[m].value = keep(im, vals[m]);
		if (!r->id[m].value)
			return ENOMEM;
		m++;
	}
	r->c.idents = r->id;
	r->c.nidents = nid;
	im->lines[im->n] = line;
	im->n++;
	return 0;
}

static int rej_cmp(const void *a, const void *b)
{
	const struct crm_import_reject *x = a, *y = b;

	return (x->row > y->row) - (x->row < y->row);
}

static void report(struct import *im, size_t imported)
{
	struct crm_import_report r = {
	    .err = im->err,
	    .error = im->error[0] ? im->error : NULL,
	    .rows = im->nread,
	    .imported = imported,
	    .rejects = im->rejects,
	    .nrejects = im->nrejects,
	};

	if (im->nrejects)
		qsort(im->rejects, im->nrejects, sizeof(*im->rejects), rej_cmp);
	im->h(&r, im->arg);
	mem_deref(im);
}

static void imported(int err, const struct store_result *r, void *arg)
{
	struct import *im = arg;

	for (size_t i = 0; i < r->nrejects; i++)
		if (reject(im, r->rejects[i].row, "%s", r->rejects[i].reason))
			err = ENOMEM;
	if (err) {
		im->err = err;
		if (err == EEXIST)
			crm_fail(im->error, sizeof(im->error), err,
			         "%zu of %zu rows refused; nothing imported",
			         im->nrejects, im->nread);
		else if (!im->error[0])
			crm_fail(im->error, sizeof(im->error), err,
			         "the import failed: %s", strerror(err));
		report(im, 0);
		return;
	}
	report(im, r->number);
}

int crm_import_customers(struct crm *crm, const char *tenant, const char *data,
                         size_t len, enum crm_encoding enc, bool skip_bad,
                         crm_import_h *h, void *arg)
{
	struct import *im;
	char *text = NULL;
	size_t tlen;
	int err;

	if (!crm || !tenant || !data || !h)
		return EINVAL;
	im = mem_zalloc(sizeof(*im), import_destructor);
	if (!im)
		return ENOMEM;
	im->crm = crm;
	im->h = h;
	im->arg = arg;
	im->skip_bad = skip_bad;
	err = str_dup(&im->tenant, tenant);
	if (!err)
		err = hash_alloc(&im->seen, 1024);
	if (err) {
		mem_deref(im);
		return err;
	}
	if (!crm_tenant_get(crm, tenant)) {
		im->err = crm_fail(im->error, sizeof(im->error), ENOENT,
		                   "unknown tenant '%s'", tenant);
		report(im, 0);
		return 0;
	}
	im->err = crm_to_utf8(data, len, enc, &text, &tlen, im->error,
	                      sizeof(im->error));
	if (!im->err) {
		err = crm_csv_parse(text, tlen, row, im, im->error,
		                    sizeof(im->error));
		if (err && !im->err)
			im->err = err;
	}
	mem_deref(text);
	if (!im->err && !im->header)
		im->err = crm_fail(im->error, sizeof(im->error), EINVAL,
		                   "the file is empty (a header row is "
		                   "needed: %s)",
		                   col_list);
	if (!im->err && im->nrejects && !skip_bad)
		im->err = crm_fail(im->error, sizeof(im->error), EINVAL,
		                   "%zu of %zu rows refused; nothing imported",
		                   im->nrejects, im->nread);
	if (im->err || !im->n) {
		report(im, 0);
		return 0;
	}
	{
		struct store_customer *v = mem_zalloc(im->n * sizeof(*v), NULL);

		if (!v) {
			mem_deref(im);
			return ENOMEM;
		}
		for (size_t i = 0; i < im->n; i++)
			v[i] = im->rows[i].c;
		err = store_customers_import(crm->o.store, tenant, v, im->lines,
		                             im->n, skip_bad, imported, im);
		mem_deref(v);
	}
	if (err) {
		mem_deref(im);
		return err;
	}
	return 0;
}

/* --- exports ------------------------------------------------------------- */

static void iso_time(uint64_t ms, char *buf, size_t sz)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (!ms) {
		buf[0] = '\0';
		return;
	}
	gmtime_r(&t, &tm);
	strftime(buf, sz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int time_field(struct mbuf *mb, uint64_t ms, bool last)
{
	char buf[32];

	iso_time(ms, buf, sizeof(buf));
	return crm_csv_field(mb, buf, last);
}

int crm_export_interactions(struct crm *crm, const char *tenant, uint64_t since,
                            uint64_t until, struct mbuf *mb)
{
	static const char *head[] = {"id",       "channel",     "caller",
	                             "dialed",   "queue",       "agent",
	                             "customer", "arrived",     "answered",
	                             "ended",    "disposition", "reason"};
	char last_id[27] = "";
	uint64_t last = 0;
	int err = 0;

	if (!crm || !tenant || !mb)
		return EINVAL;
	for (size_t i = 0; i < ARRAY_LEN(head) && !err; i++)
		err = crm_csv_field(mb, head[i], i + 1 == ARRAY_LEN(head));
	for (;;) {
		struct store_interaction *v = NULL;
		size_t n = 0;

		err = err ? err
		          : store_customer_interactions_sync(
		                crm->o.store, tenant, NULL, since, until,
		                STORE_LIMIT_MAX, &v, &n);
		if (err)
			return err;
		for (size_t i = 0; i < n && !err; i++) {
			const struct store_interaction *in = &v[i];

			/* a page starts at the last time seen again */
			if (last_id[0] && in->arrived == last &&
			    strcmp(in->id, last_id) <= 0)
				continue;
			err |= crm_csv_field(mb, in->id, false);
			err |= crm_csv_field(mb, in->channel, false);
			err |= crm_csv_field(mb, in->caller, false);
			err |= crm_csv_field(mb, in->dialed, false);
			err |= crm_csv_field(mb, in->queue, false);
			err |= crm_csv_field(mb, in->agent, false);
			err |= crm_csv_field(mb, in->customer, false);
			err |= time_field(mb, in->arrived, false);
			err |= time_field(mb, in->answered, false);
			err |= time_field(mb, in->ended, false);
			err |= crm_csv_field(
			    mb, store_disposition_name(in->disposition), false);
			err |= crm_csv_field(mb, in->reason, true);
		}
		if (n) {
			last = v[n - 1].arrived;
			snprintf(last_id, sizeof(last_id), "%s", v[n - 1].id);
			since = last;
		}
		mem_deref(v);
		if (err)
			return ENOMEM;
		if (n < STORE_LIMIT_MAX)
			return 0;
	}
}

int crm_export_workorders(struct crm *crm, const char *tenant,
                          uint32_t status_mask, struct mbuf *mb)
{
	static const char *head[] = {
	    "number",   "category", "status",    "priority",     "customer",
	    "unit",     "agent",    "subject",   "created",      "due",
	    "answered", "closed",   "escalated", "satisfaction", "fields"};
	struct store_wo_filter f = {.tenant = tenant,
	                            .status_mask = status_mask,
	                            .limit = STORE_LIMIT_MAX};
	struct store_workorder *v = NULL;
	size_t n = 0;
	int err = 0;

	if (!crm || !tenant || !mb)
		return EINVAL;
	for (size_t i = 0; i < ARRAY_LEN(head) && !err; i++)
		err = crm_csv_field(mb, head[i], i + 1 == ARRAY_LEN(head));
	err = err ? err : store_workorders_get_sync(crm->o.store, &f, &v, &n);
	for (size_t i = 0; i < n && !err; i++) {
		const struct store_workorder *w = &v[i];
		char num[24], sat[4];

		snprintf(num, sizeof(num), "%llu",
		         (unsigned long long)w->number);
		snprintf(sat, sizeof(sat), "%s",
		         w->satisfaction
		             ? (char[]){(char)('0' + w->satisfaction), 0}
		             : "");
		err |= crm_csv_field(mb, num, false);
		err |= crm_csv_field(mb, w->category, false);
		err |=
		    crm_csv_field(mb, store_wo_status_name(w->status), false);
		err |= crm_csv_field(mb, store_wo_priority_name(w->priority),
		                     false);
		err |= crm_csv_field(mb, w->customer, false);
		err |= crm_csv_field(mb, w->unit, false);
		err |= crm_csv_field(mb, w->agent, false);
		err |= crm_csv_field(mb, w->subject, false);
		err |= time_field(mb, w->created, false);
		err |= time_field(mb, w->due, false);
		err |= time_field(mb, w->answered, false);
		err |= time_field(mb, w->closed, false);
		err |= time_field(mb, w->escalated, false);
		err |= crm_csv_field(mb, sat, false);
		err |= crm_csv_field(mb, w->fields, true);
	}
	mem_deref(v);
	return err ? (err == ENOMEM || err == 1 ? ENOMEM : err) : 0;
}
