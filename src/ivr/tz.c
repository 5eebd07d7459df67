/**
 * @file tz.c  Local time of a tenant's time zone, read from the system's
 * zoneinfo files (TZif, RFC 8536) without touching the process's TZ.
 *
 * Why not localtime_r(): it converts to the one zone in the TZ variable,
 * and changing TZ (setenv + tzset) is process-wide and not thread-safe,
 * while a center serves tenants in several zones from one process.  A
 * TZif file is small and simple: a sorted table of transition times, each
 * naming a local-time type (offset from UTC), and, since version 2, a
 * POSIX TZ rule ("EST5EDT,M3.2.0,M11.1.0") for the times after the last
 * transition (slim files stop their table early and rely on it).  Both are
 * parsed here; a zone is loaded once (at start-up) and is immutable, so
 * ivr_tz_offset() is a binary search callable from any thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <re.h>

#include "core/core.h"
#include "ivr/ivr.h"

#define TZIF_MAX (256u * 1024u) /* the largest system file is ~4 KB */

/* A POSIX TZ rule date: Jn (julian, no Feb 29), n (0-based, with Feb 29)
 * or Mm.w.d (day d of week w of month m; w 5 = the last). */
struct rule_date {
	char kind; /* 'J', 'D' or 'M' */
	int n, m, w, d;
	int32_t secs; /* local time of the change; -167h..167h */
};

struct posix_rule {
	bool set;
	int32_t std_off; /* seconds east of UTC */
	bool has_dst;
	int32_t dst_off;
	struct rule_date start, end;
};

struct ivr_tz {
	char *name;     /* owned */
	int64_t *times; /* owned: transition times, ascending */
	uint8_t *types; /* owned: the type from each transition on */
	size_t ntimes;
	int32_t *offs;  /* owned: offset of each type, seconds east */
	uint8_t *isdst; /* owned */
	size_t ntypes;
	struct posix_rule rule; /* after the last transition */
};

static void tz_destructor(void *arg)
{
	struct ivr_tz *tz = arg;

	mem_deref(tz->name);
	mem_deref(tz->times);
	mem_deref(tz->types);
	mem_deref(tz->offs);
	mem_deref(tz->isdst);
}

/* --- civil dates (proleptic Gregorian) ------------------------------------ */

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of y-m-d (m 1..12), any year. */
int64_t ivr_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* 0 = Sunday, like struct tm and POSIX rules. */
static int weekday(int64_t days)
{
	int64_t w = (days + 4) % 7; /* 1970-01-01 was a Thursday */

	return (int)(w < 0 ? w + 7 : w);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int64_t year_of(int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (!gmtime_r(&tt, &tm))
		return 1970;
	return (int64_t)tm.tm_year + 1900;
}

/* Local seconds since the epoch (midnight of the day) of a rule date. */
static int64_t rule_day(const struct rule_date *r, int64_t y)
{
	int64_t jan1 = ivr_days_from_civil(y, 1, 1), first;
	int day;

	switch (r->kind) {
	case 'J': /* 1..365, Feb 29 never counted */
		return jan1 + r->n - 1 + (leap(y) && r->n >= 60 ? 1 : 0);
	case 'D':
		return jan1 + r->n;
	default:
		first = ivr_days_from_civil(y, r->m, 1);
		day = (r->d - weekday(first) + 7) % 7 + (r->w - 1) * 7;
		while (day >= month_days(y, r->m))
			day -= 7;
		return first + day;
	}
}

/* --- the POSIX TZ rule ---------------------------------------------------- */

static const char *parse_abbr(const char *s)
{
	if (*s == '<') {
		const char *e = strchr(s, '>');

		return e && e - s >= 4 ? e + 1 : NULL;
	}
	const char *p = s;

	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] into seconds; hours up to maxh. */
static const char *parse_hms(const char *s, int maxh, int32_t *vp)
{
	int sign = 1, part = 0;
	int32_t v = 0;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	for (part = 0; part < 3; part++) {
		int x = 0, nd = 0;

		while (*s >= '0' && *s <= '9' && nd < 3) {
			x = x * 10 + (*s++ - '0');
			nd++;
		}
		if (!nd || (part == 0 && x > maxh) || (part > 0 && x > 59))
			return NULL;
		v = v * 60 + x;
		if (*s != ':' || part == 2)
			break;
		s++;
	}
	for (; part < 2; part++)
		v *= 60;
	*vp = sign * v;
	return s;
}

static const char *parse_num(const char *s, int lo, int hi, int *vp)
{
	int v = 0, nd = 0;

	while (*s >= '0' && *s <= '9' && nd < 4) {
		v = v * 10 + (*s++ - '0');
		nd++;
	}
	if (!nd || v < lo || v > hi)
		return NULL;
	*vp = v;
	return s;
}

static const char *parse_date(const char *s, struct rule_date *r)
{
	if (*s == 'J') {
		r->kind = 'J';
		s = parse_num(s + 1, 1, 365, &r->n);
	} else if (*s == 'M') {
		r->kind = 'M';
		s = parse_num(s + 1, 1, 12, &r->m);
		if (s && *s == '.')
			s = parse_num(s + 1, 1, 5, &r->w);
		else
			s = NULL;
		if (s && *s == '.')
			s = parse_num(s + 1, 0, 6, &r->d);
		else
			s = NULL;
	} else {
		r->kind = 'D';
		s = parse_num(s, 0, 365, &r->n);
	}
	if (!s)
		return NULL;
	r->secs = 2 * 3600;
	if (*s == '/')
		s = parse_hms(s + 1, 167, &r->secs);
	return s;
}

/* "CST-8", "EST5EDT,M3.2.0,M11.1.0", "<+0330>-3:30", "" (no rule). */
static int parse_rule(const char *s, struct posix_rule *pr)
{
	int32_t off;

	memset(pr, 0, sizeof(*pr));
	if (!*s)
		return 0;
	s = parse_abbr(s);
	if (!s || !(s = parse_hms(s, 24, &off)))
		return EBADMSG;
	pr->std_off = -off; /* POSIX counts west of UTC */
	pr->set = true;
	if (!*s)
		return 0;
	s = parse_abbr(s);
	if (!s)
		return EBADMSG;
	pr->has_dst = true;
	pr->dst_off = pr->std_off + 3600;
	if (*s && *s != ',') {
		if (!(s = parse_hms(s, 24, &off)))
			return EBADMSG;
		pr->dst_off = -off;
	}
	if (!*s) { /* POSIX leaves the default open; the US rule is usual */
		parse_date("M3.2.0", &pr->start);
		parse_date("M11.1.0", &pr->end);
		return 0;
	}
	if (*s != ',' || !(s = parse_date(s + 1, &pr->start)) || *s != ',' ||
	    !(s = parse_date(s + 1, &pr->end)) || *s)
		return EBADMSG;
	return 0;
}

static int32_t rule_offset(const struct posix_rule *pr, int64_t t)
{
	int64_t y, start, end;

	if (!pr->has_dst)
		return pr->std_off;
	y = year_of(t + pr->std_off);
	/* the change to DST happens at a standard local time, the change
	 * back at a DST local time */
	start = rule_day(&pr->start, y) * 86400 + pr->start.secs - pr->std_off;
	end = rule_day(&pr->end, y) * 86400 + pr->end.secs - pr->dst_off;
	if (start < end) /* northern hemisphere */
		return t >= start && t < end ? pr->dst_off : pr->std_off;
	return t >= end && t < start ? pr->std_off : pr->dst_off;
}

/* --- TZif ------------------------------------------------------------------
 */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_hdr {
	char version;
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static int read_hdr(const uint8_t *p, size_t len, struct tzif_hdr *h)
{
	if (len < 44 || memcmp(p, "TZif", 4))
		return EBADMSG;
	h->version = (char)p[4];
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	if (h->typecnt == 0 || h->typecnt > 256 || h->timecnt > 100000 ||
	    h->leapcnt > 10000 || h->charcnt > 10000 ||
	    (h->isutcnt && h->isutcnt != h->typecnt) ||
	    (h->isstdcnt && h->isstdcnt != h->typecnt))
		return EBADMSG;
	return 0;
}

static size_t block_len(const struct tzif_hdr *h, size_t tsz)
{
	return (size_t)h->timecnt * tsz + h->timecnt + h->typecnt * 6u +
	       h->charcnt + h->leapcnt * (tsz + 4) + h->isstdcnt + h->isutcnt;
}

/* Parse a whole TZif file held in memory. */
static int parse_tzif(struct ivr_tz *tz, const uint8_t *p, size_t len)
{
	struct tzif_hdr h;
	size_t tsz = 4, off;
	const uint8_t *d;
	int err = read_hdr(p, len, &h);

	if (err)
		return err;
	off = 44;
	if (h.version >= '2') { /* skip the 32-bit block, use the 64-bit one */
		off += block_len(&h, 4);
		if (off > len || (err = read_hdr(p + off, len - off, &h)))
			return EBADMSG;
		off += 44;
		tsz = 8;
	}
	if (block_len(&h, tsz) > len - off)
		return EBADMSG;
	d = p + off;

	tz->ntimes = h.timecnt;
	tz->ntypes = h.typecnt;
	tz->times =
	    mem_zalloc((h.timecnt ? h.timecnt : 1) * sizeof(int64_t), NULL);
	tz->types = mem_zalloc(h.timecnt ? h.timecnt : 1, NULL);
	tz->offs = mem_zalloc(h.typecnt * sizeof(int32_t), NULL);
	tz->isdst = mem_zalloc(h.typecnt, NULL);
	if (!tz->times || !tz->types || !tz->offs || !tz->isdst)
		return ENOMEM;
	for (size_t i = 0; i < h.timecnt; i++) {
		tz->times[i] = tsz == 8 ? be64(d + i * 8)
		                        : (int64_t)(int32_t)be32(d + i * 4);
		if (i && tz->times[i] <= tz->times[i - 1])
			return EBADMSG;
	}
	d += h.timecnt * tsz;
	for (size_t i = 0; i < h.timecnt; i++) {
		if (d[i] >= h.typecnt)
			return EBADMSG;
		tz->types[i] = d[i];
	}
	d += h.timecnt;
	for (size_t i = 0; i < h.typecnt; i++) {
		int32_t o = (int32_t)be32(d + i * 6);

		if (o < -25 * 3600 || o > 26 * 3600)
			return EBADMSG;
		tz->offs[i] = o;
		tz->isdst[i] = d[i * 6 + 4];
	}
	off += block_len(&h, tsz);

	/* version 2+: "\nRULE\n" after the data */
	if (tsz == 8 && off < len && p[off] == '\n') {
		const uint8_t *nl = memchr(p + off + 1, '\n', len - off - 1);
		char rule[128];
		size_t rl;

		if (!nl || (rl = (size_t)(nl - (p + off + 1))) >= sizeof(rule))
			return EBADMSG;
		memcpy(rule, p + off + 1, rl);
		rule[rl] = '\0';
		if (parse_rule(rule, &tz->rule))
			return EBADMSG;
	}
	return 0;
}

static bool valid_zone_name(const char *s)
{
	if (!*s || strlen(s) > 64 || *s == '/' || strstr(s, ".."))
		return false;
	for (; *s; s++) {
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9') && !strchr("/_+-", *s))
			return false;
	}
	return true;
}

int ivr_tz_load(struct ivr_tz **tzp, const char *dir, const char *name)
{
	struct ivr_tz *tz;
	char path[512];
	uint8_t *buf = NULL;
	size_t len = 0;
	FILE *f = NULL;
	int err = 0;

	if (!tzp || !name || !valid_zone_name(name))
		return EINVAL;
	if (!dir)
		dir = "/usr/share/zoneinfo";
	tz = mem_zalloc(sizeof(*tz), tz_destructor);
	if (!tz)
		return ENOMEM;
	err = str_dup(&tz->name, name);
	if (err)
		goto out;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f) {
		err = errno;
		if (!strcmp(name, "UTC") || !strcmp(name, "Etc/UTC")) {
			/* no tzdata installed: UTC needs no file */
			tz->ntypes = 1;
			tz->offs = mem_zalloc(sizeof(int32_t), NULL);
			tz->isdst = mem_zalloc(1, NULL);
			err = tz->offs && tz->isdst ? 0 : ENOMEM;
		}
		goto out;
	}
	buf = mem_alloc(TZIF_MAX, NULL);
	if (!buf) {
		err = ENOMEM;
		goto out;
	}
	len = fread(buf, 1, TZIF_MAX, f);
	if (ferror(f))
		err = EIO;
	else if (len == TZIF_MAX)
		err = EFBIG;
	else
		err = parse_tzif(tz, buf, len);
	if (err)
		HL_WARN("ivr", "time zone %s: %s is not a usable TZif file",
		        name, path);

out:
	if (f)
		fclose(f);
	mem_deref(buf);
	if (err)
		mem_deref(tz);
	else
		*tzp = tz;
	return err;
}

const char *ivr_tz_name(const struct ivr_tz *tz)
{
	return tz ? tz->name : "UTC";
}

int32_t ivr_tz_offset(const struct ivr_tz *tz, int64_t t)
{
	size_t lo = 0, hi;

	if (!tz || !tz->ntypes)
		return 0;
	if (!tz->ntimes || t < tz->times[0]) {
		/* before the first transition: type 0 (RFC 8536 3.2) */
		return tz->ntimes || !tz->rule.set ? tz->offs[0]
		                                   : rule_offset(&tz->rule, t);
	}
	if (t >= tz->times[tz->ntimes - 1] && tz->rule.set)
		return rule_offset(&tz->rule, t);
	hi = tz->ntimes; /* times[lo] <= t < times[hi] */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (tz->times[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return tz->offs[tz->types[lo]];
}

void ivr_tz_local(const struct ivr_tz *tz, int64_t t, struct ivr_local *lt)
{
	int64_t local = t + ivr_tz_offset(tz, t);
	int64_t days = floor_div(local, 86400);
	int64_t secs = local - days * 86400;
	int wd = weekday(days);

	lt->days = days;
	lt->wday = wd == 0 ? 6 : wd - 1; /* Monday first */
	lt->minute = (int)(secs / 60);
	lt->offset = (int32_t)(local - t);
}
