/**
 * @file identity.c  What customers are known by, in one spelling each, so
 * that "+86 138-0013-8000" and "13800138000" find the same person.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "crm/crm_int.h"

int crm_phone_normalise(const char *in, const char *cc, char *out, size_t sz,
                        char *err, size_t errsz)
{
	char d[40];
	size_t n = 0;
	bool plus = false;
	const char *p = in;

	if (!in || !out || !sz)
		return EINVAL;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+') {
		plus = true;
		p++;
	}
	for (; *p; p++) {
		if (isdigit((unsigned char)*p)) {
			if (n >= sizeof(d) - 1)
				return crm_fail(err, errsz, EINVAL,
				                "phone '%s' is too long", in);
			d[n++] = *p;
		} else if (!strchr(" -.()/\t", *p)) {
			return crm_fail(err, errsz, EINVAL,
			                "phone '%s' has '%c': only digits, "
			                "'+', spaces, '-', '.' and brackets",
			                in, *p);
		}
	}
	d[n] = '\0';
	if (n < 3)
		return crm_fail(err, errsz, EINVAL, "phone '%s' is too short",
		                in);
	cc = cc ? cc : "";
	if (plus)
		snprintf(out, sz, "%s", d);
	else if (!strncmp(d, "00", 2))
		snprintf(out, sz, "%s", d + 2); /* international prefix */
	else if (n <= 6)
		snprintf(out, sz, "%s", d); /* an extension */
	else if (d[0] == '0')
		snprintf(out, sz, "%s%s", cc, d + 1); /* trunk prefix */
	else if (*cc && !strncmp(d, cc, strlen(cc)) && n > 11)
		snprintf(out, sz, "%s", d); /* already with the country */
	else
		snprintf(out, sz, "%s%s", cc, d);
	n = strlen(out);
	if (n > 15 || n < 3)
		return crm_fail(err, errsz, EINVAL,
		                "phone '%s' is not a number (3 to 15 digits "
		                "with the country code)",
		                in);
	return 0;
}

int crm_email_normalise(const char *in, char *out, size_t sz, char *err,
                        size_t errsz)
{
	const char *s = in, *e, *at;
	size_t n;

	if (!in || !out || !sz)
		return EINVAL;
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	n = (size_t)(e - s);
	at = memchr(s, '@', n);
	if (!n || n >= sz || n > 254 || !at || at == s || at == e - 1 ||
	    memchr(at + 1, '@', (size_t)(e - at - 1)) ||
	    !memchr(at + 1, '.', (size_t)(e - at - 1)))
		return crm_fail(err, errsz, EINVAL,
		                "'%s' is not an e-mail address", in);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c == 0x7f || strchr("<>,;\"", c))
			return crm_fail(err, errsz, EINVAL,
			                "'%s' is not an e-mail address", in);
		out[i] = (char)tolower(c);
	}
	out[n] = '\0';
	return 0;
}

int crm_identity_normalise(enum store_ident_kind kind, const char *in,
                           const char *cc, char *out, size_t sz, char *err,
                           size_t errsz)
{
	const char *s, *e;
	size_t n;

	if (!in)
		return crm_fail(err, errsz, EINVAL, "no identity");
	switch (kind) {
	case STORE_IDENT_PHONE:
		return crm_phone_normalise(in, cc, out, sz, err, errsz);
	case STORE_IDENT_EMAIL:
		return crm_email_normalise(in, out, sz, err, errsz);
	case STORE_IDENT_CHAT:
		for (s = in; isspace((unsigned char)*s); s++)
			;
		e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		n = (size_t)(e - s);
		if (!n || n >= sz || n > 256)
			return crm_fail(err, errsz, EINVAL,
			                "'%s' is not a chat identity", in);
		memcpy(out, s, n);
		out[n] = '\0';
		return 0;
	default:
		return crm_fail(err, errsz, EINVAL, "unknown identity kind");
	}
}
