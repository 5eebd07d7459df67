/**
 * @file path.c  Path and query-string decoding for the route table.
 *
 * Kept apart from the table so that it depends on nothing else.
 */
#include <errno.h>
#include <string.h>

#include "api/api.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int api_unescape(char *dst, size_t dstsz, const char *src, size_t len,
		 bool plus)
{
	size_t o = 0;

	if (!dst || !dstsz || (!src && len))
		return EINVAL;

	for (size_t i = 0; i < len; i++) {
		char c = src[i];

		if (c == '%') {
			int hi, lo;

			if (len - i < 3)
				return EBADMSG;
			hi = hexval(src[i + 1]);
			lo = hexval(src[i + 2]);
			if (hi < 0 || lo < 0)
				return EBADMSG;
			c = (char)(hi * 16 + lo);
			/* An embedded NUL would cut the value short silently. */
			if (!c)
				return EBADMSG;
			i += 2;
		}
		else if (c == '+' && plus) {
			c = ' ';
		}
		if (o + 1 >= dstsz)
			return ENAMETOOLONG;
		dst[o++] = c;
	}
	dst[o] = '\0';
	return 0;
}

int api_path_match(const char *pattern, const char *path, size_t pathlen,
		   char (*vals)[API_PARAM_LEN], size_t nvals, size_t *np)
{
	const char *p = pattern;
	size_t i = 0, n = 0;
	int err;

	if (!pattern || !path)
		return EINVAL;

	/* Walk both one segment at a time: literal segments must be equal,
	 * a {param} takes any non-empty segment. */
	while (*p && i < pathlen) {
		const char *pe = strchr(p + 1, '/');
		size_t plen = pe ? (size_t)(pe - p) : strlen(p);
		size_t j = i + 1;

		if (p[0] != '/' || path[i] != '/')
			return ENOENT;
		while (j < pathlen && path[j] != '/')
			j++;

		if (plen > 2 && p[1] == '{' && p[plen - 1] == '}') {
			if (j == i + 1)
				return ENOENT;
			if (n >= nvals)
				return ENOENT;
			err = api_unescape(vals[n], API_PARAM_LEN, path + i + 1,
					   j - i - 1, false);
			if (err)
				return err;
			n++;
		}
		else if (plen != j - i || memcmp(p, path + i, plen)) {
			return ENOENT;
		}
		p += plen;
		i = j;
	}
	if (*p || i != pathlen)
		return ENOENT;
	if (np)
		*np = n;
	return 0;
}
