/**
 * @file csv.c  RFC 4180 CSV: a parser that hands over one record at a time
 * and a writer that quotes only what needs it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm/crm_int.h"

#define CSV_FIELDS_MAX 256

struct rec {
	char *buf; /* the record's fields, NUL-separated */
	size_t len, cap;
	size_t offs[CSV_FIELDS_MAX];
	size_t n;
};

static int put(struct rec *r, char c)
{
	if (r->len == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		char *p = realloc(r->buf, cap);
		if (!p)
			return ENOMEM;
		r->buf = p;
		r->cap = cap;
	}
	r->buf[r->len++] = c;
	return 0;
}

static int field_start(struct rec *r)
{
	if (r->n == CSV_FIELDS_MAX)
		return E2BIG;
	r->offs[r->n++] = r->len;
	return 0;
}

static int emit(struct rec *r, crm_csv_h *h, void *arg, uint32_t line)
{
	char *fields[CSV_FIELDS_MAX];
	int err = put(r, '\0');

	if (err)
		return err;
	for (size_t i = 0; i < r->n; i++)
		fields[i] = r->buf + r->offs[i];
	err = h(fields, r->n, line, arg);
	r->len = 0;
	r->n = 0;
	return err;
}

int crm_csv_parse(const char *buf, size_t len, crm_csv_h *h, void *arg,
                  char *err, size_t errsz)
{
	struct rec r = {0};
	size_t i = 0;
	uint32_t line = 1, start_line = 1;
	int e = 0;

	if (!buf || !h)
		return EINVAL;
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && !e) {
		bool quoted = false;

		/* one record */
		start_line = line;
		e = field_start(&r);
		while (i < len && !e) {
			char c = buf[i];

			if (quoted) {
				if (c == '"' && i + 1 < len &&
				    buf[i + 1] == '"') {
					e = put(&r, '"');
					i += 2;
				} else if (c == '"') {
					quoted = false;
					i++;
					if (i < len && !strchr(",\r\n", buf[i]))
						e = crm_fail(
						    err, errsz, EBADMSG,
						    "line %u: text after a "
						    "closing quote",
						    line);
				} else {
					line += c == '\n';
					e = put(&r, c);
					i++;
				}
				continue;
			}
			if (c == '"') {
				size_t fl = r.len - r.offs[r.n - 1];

				if (fl)
					e = crm_fail(err, errsz, EBADMSG,
					             "line %u: a quote inside "
					             "an unquoted field",
					             line);
				quoted = true;
				i++;
			} else if (c == ',') {
				e = put(&r, '\0');
				if (!e)
					e = field_start(&r);
				i++;
			} else if (c == '\r' || c == '\n') {
				i += (c == '\r' && i + 1 < len &&
				      buf[i + 1] == '\n')
				         ? 2
				         : 1;
				line++;
				break;
			} else {
				e = put(&r, c);
				i++;
			}
		}
		if (!e && quoted)
			e = crm_fail(err, errsz, EBADMSG,
			             "line %u: a quoted field is not closed",
			             start_line);
		if (e == E2BIG)
			crm_fail(err, errsz, E2BIG,
			         "line %u: more than %d fields", start_line,
			         CSV_FIELDS_MAX);
		/* a blank line is no record */
		if (!e && !(r.n == 1 && r.len == 0))
			e = emit(&r, h, arg, start_line);
		r.len = 0;
		r.n = 0;
	}
	free(r.buf);
	return e;
}

int crm_csv_field(struct mbuf *mb, const char *s, bool last)
{
	int err = 0;

	s = s ? s : "";
	/* a leading = + - @ would run as a formula in a spreadsheet:
	 * quote it and prefix a ' so the cell stays text */
	if (strpbrk(s, ",\"\r\n") || strchr("=+-@", s[0] ? s[0] : 'x')) {
		err |= mbuf_write_u8(mb, '"');
		if (s[0] && strchr("=+-@", s[0]) &&
		    !(s[0] == '-' && s[1] >= '0' && s[1] <= '9') &&
		    !(s[0] == '+' && s[1] >= '0' && s[1] <= '9'))
			err |= mbuf_write_u8(mb, '\'');
		for (const char *p = s; *p; p++) {
			if (*p == '"')
				err |= mbuf_write_u8(mb, '"');
			err |= mbuf_write_u8(mb, (uint8_t)*p);
		}
		err |= mbuf_write_u8(mb, '"');
	} else {
		err |= mbuf_write_str(mb, s);
	}
	err |= last ? mbuf_write_str(mb, "\r\n") : mbuf_write_u8(mb, ',');
	return err ? ENOMEM : 0;
}
