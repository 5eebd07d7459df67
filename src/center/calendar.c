/**
 * @file calendar.c  A tenant's IVR languages, opening hours and holidays:
 * the handlers of the tenant rows `languages`, `hours` and `holidays`.
 *
 * Times are the tenant's local time (its `timezone`); src/ivr converts
 * with the zone's own rules (src/ivr/tz.c), so a day here is a local
 * calendar day and "08:00" the local wall clock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "center/center_int.h"
#include "core/core.h"
#include "ivr/ivr.h"

static const char *const day_names[] = {"mon", "tue", "wed", "thu",
                                        "fri", "sat", "sun", NULL};

/* --- languages ---------------------------------------------------------------
 */

static const char *const catalog_langs[] = {"zh", "ko", "en", NULL};

void cfg_calendar_free(struct center_tenant *t)
{
	for (size_t i = 0; i < t->nlanguages; i++)
		mem_deref(t->languages[i].code);
	mem_deref(t->languages);
	mem_deref(t->holidays);
}

int cfg_tenant_languages_default(struct cfg_ctx *cx, yaml_node_t *node)
{
	struct center_tenant *t = cx->tenant;
	size_t n = ARRAY_LEN(catalog_langs) - 1;

	if (t->nlanguages)
		return 0;
	t->languages = mem_zalloc(n * sizeof(*t->languages), NULL);
	if (!t->languages) {
		cfg_err(cx, cfg_line(node), "out of memory");
		return ENOMEM;
	}
	t->nlanguages = n;
	for (size_t i = 0; i < n; i++) {
		if (str_dup(&t->languages[i].code, catalog_langs[i])) {
			cfg_err(cx, cfg_line(node), "out of memory");
			return ENOMEM;
		}
	}
	return 0;
}

static int language_one(struct cfg_ctx *cx, yaml_node_t *k, yaml_node_t *v,
                        size_t i)
{
	struct center_tenant *t = cx->tenant;
	struct center_language *l = &t->languages[i];
	char buf[512];
	int err = cfg_want_scalar(cx, k, "a language code (zh, ko or en)");

	if (err)
		return err;
	if (!ivr_lang_known(cfg_text(k)))
		return cfg_err(cx, cfg_line(k),
		               "unknown language '%s' (the prompt sets are "
		               "%s)",
		               cfg_text(k),
		               cfg_names_join(catalog_langs, buf, sizeof(buf)));
	for (size_t j = 0; j < i; j++) {
		if (!strcmp(t->languages[j].code, cfg_text(k)))
			return cfg_err(cx, cfg_line(k),
			               "language '%s' is listed twice",
			               cfg_text(k));
	}
	if (str_dup(&l->code, cfg_text(k))) {
		cfg_err(cx, cfg_line(k), "out of memory");
		return ENOMEM;
	}
	if (!v || cfg_is_null(v))
		return 0;
	err = cfg_want_scalar(cx, v, "a skill name");
	if (err)
		return err;
	for (size_t s = 0; s < t->nskills; s++) {
		if (!strcmp(t->skills[s], cfg_text(v))) {
			l->skill = t->skills[s];
			return 0;
		}
	}
	return cfg_err(cx, cfg_line(v), "unknown skill '%s' (%s)", cfg_text(v),
	               cfg_skill_names(t, buf, sizeof(buf)));
}

/* {zh: mandarin, ko: korean, en: english} or [zh, en] */
int cfg_parse_languages(struct cfg_ctx *cx, const struct cfg_field *f,
                        yaml_node_t *node, void *base)
{
	struct center_tenant *t = base;
	bool map = node->type == YAML_MAPPING_NODE;
	size_t n;
	int err = 0;

	if (!map && node->type != YAML_SEQUENCE_NODE)
		return cfg_err(cx, cfg_line(node),
		               "expected a mapping of language: skill (such "
		               "as {zh: mandarin, en: english}) or a list of "
		               "languages, found %s",
		               cfg_kind(node));
	n = map ? (size_t)(node->data.mapping.pairs.top -
	                   node->data.mapping.pairs.start)
	        : cfg_seq_len(node);
	if (!n)
		return cfg_err(cx, cfg_line(node),
		               "at least one language is needed");
	t->languages = mem_zalloc(n * sizeof(*t->languages), NULL);
	if (!t->languages) {
		cfg_err(cx, cfg_line(node), "out of memory");
		return ENOMEM;
	}
	for (size_t i = 0; i < n && !err; i++) {
		yaml_node_t *k, *v = NULL;
		size_t old;

		if (map) {
			yaml_node_pair_t *p =
			    node->data.mapping.pairs.start + i;

			k = cfg_node(cx, p->key);
			v = cfg_node(cx, p->value);
			old = cfg_push(cx, ".%s",
			               k->type == YAML_SCALAR_NODE ? cfg_text(k)
			                                           : "?");
		} else {
			k = cfg_seq_at(cx, node, i);
			old = cfg_push(cx, "[%zu]", i);
		}
		t->nlanguages = i + 1;
		err = language_one(cx, k, v, i);
		cfg_pop(cx, old);
	}
	return err;
}

/* --- opening hours -------------------------------------------------------- */

static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

static int day_index(const char *s, const char *e)
{
	for (int i = 0; day_names[i]; i++) {
		if ((size_t)(e - s) == strlen(day_names[i]) &&
		    !strncasecmp(s, day_names[i], (size_t)(e - s)))
			return i;
	}
	return -1;
}

/* "mon-fri", "sat,sun", "mon, wed-fri": a bit per day, Monday first. */
static int parse_days(const char *s, unsigned *maskp)
{
	unsigned mask = 0;

	while (*s) {
		const char *end = strchr(s, ',');
		const char *dash, *e;
		int a, b;

		if (!end)
			end = s + strlen(s);
		e = end;
		trim(&s, &e);
		dash = memchr(s, '-', (size_t)(e - s));
		if (dash) {
			const char *ae = dash, *bs = dash + 1;

			trim(&s, &ae);
			trim(&bs, &e);
			a = day_index(s, ae);
			b = day_index(bs, e);
		} else {
			a = b = day_index(s, e);
		}
		if (a < 0 || b < 0)
			return EINVAL;
		for (int d = a;; d = (d + 1) % 7) { /* fri-mon wraps */
			mask |= 1u << d;
			if (d == b)
				break;
		}
		s = *end ? end + 1 : end;
	}
	*maskp = mask;
	return mask ? 0 : EINVAL;
}

/* "08:00" or "8:00" or "24:00"; minutes since midnight */
static int parse_clock(const char *s, const char *e, unsigned *mp)
{
	unsigned h = 0, m = 0;
	const char *colon;

	trim(&s, &e);
	colon = memchr(s, ':', (size_t)(e - s));
	if (!colon || colon - s < 1 || colon - s > 2 || e - colon != 3)
		return EINVAL;
	for (const char *p = s; p < colon; p++) {
		if (*p < '0' || *p > '9')
			return EINVAL;
		h = h * 10 + (unsigned)(*p - '0');
	}
	for (const char *p = colon + 1; p < e; p++) {
		if (*p < '0' || *p > '9')
			return EINVAL;
		m = m * 10 + (unsigned)(*p - '0');
	}
	if (m > 59 || h > 24 || (h == 24 && m))
		return ERANGE;
	*mp = h * 60 + m;
	return 0;
}

/* One day's value: "closed", "08:00-12:00, 13:00-17:30" */
static int parse_ranges(struct cfg_ctx *cx, yaml_node_t *v,
                        struct center_day *day)
{
	const char *s = cfg_text(v);

	memset(day, 0, sizeof(*day));
	if (!strcasecmp(s, "closed"))
		return 0;
	while (*s) {
		const char *end = strchr(s, ',');
		const char *dash;
		unsigned from, to;
		int e1, e2;

		if (!end)
			end = s + strlen(s);
		dash = memchr(s, '-', (size_t)(end - s));
		if (!dash)
			goto bad;
		e1 = parse_clock(s, dash, &from);
		e2 = parse_clock(dash + 1, end, &to);
		if (e1 == ERANGE || e2 == ERANGE)
			return cfg_err(cx, cfg_line(v),
			               "'%s': hours are 00:00 to 24:00",
			               cfg_text(v));
		if (e1 || e2)
			goto bad;
		if (to <= from)
			return cfg_err(cx, cfg_line(v),
			               "'%s': a range must end after it starts "
			               "(split a night in two: 22:00-24:00 and "
			               "00:00-06:00 on the next day)",
			               cfg_text(v));
		if (day->n == CENTER_DAY_RANGES)
			return cfg_err(cx, cfg_line(v),
			               "'%s': at most %d ranges a day",
			               cfg_text(v), CENTER_DAY_RANGES);
		for (size_t i = 0; i < day->n; i++) {
			if (from < day->r[i].to && day->r[i].from < to)
				return cfg_err(cx, cfg_line(v),
				               "'%s': the ranges overlap",
				               cfg_text(v));
		}
		day->r[day->n].from = (uint16_t)from;
		day->r[day->n].to = (uint16_t)to;
		day->n++;
		s = *end ? end + 1 : end;
	}
	if (day->n)
		return 0;
bad:
	return cfg_err(cx, cfg_line(v),
	               "'%s' is not opening hours (such as 08:00-20:00, "
	               "several separated by commas, or closed)",
	               cfg_text(v));
}

/* {mon-fri: "08:00-20:00", sat: "09:00-12:00", sun: closed} */
int cfg_parse_hours(struct cfg_ctx *cx, const struct cfg_field *f,
                    yaml_node_t *node, void *base)
{
	struct center_tenant *t = base;
	unsigned given[7] = {0}; /* line where each day was given */
	int err = cfg_want_map(cx, node,
	                       "a mapping of days: hours (such as {mon-fri: "
	                       "\"08:00-20:00\", sat: closed})");

	if (err)
		return err;
	t->has_hours = true;
	for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
	     p < node->data.mapping.pairs.top && !err; p++) {
		yaml_node_t *k = cfg_node(cx, p->key),
		            *v = cfg_node(cx, p->value);
		struct center_day day;
		unsigned mask;
		size_t old;

		err = cfg_want_scalar(cx, k, "days (such as mon-fri)");
		if (err)
			break;
		old = cfg_push(cx, ".%s", cfg_text(k));
		if (parse_days(cfg_text(k), &mask)) {
			err = cfg_err(cx, cfg_line(k),
			              "unknown days '%s' (mon, tue, wed, thu, "
			              "fri, sat, sun; a range such as mon-fri; "
			              "a list such as sat,sun)",
			              cfg_text(k));
			goto pop;
		}
		err = cfg_want_scalar(cx, v,
		                      "hours (such as \"08:00-20:00\" or "
		                      "closed)");
		if (!err)
			err = parse_ranges(cx, v, &day);
		for (int d = 0; d < 7 && !err; d++) {
			if (!(mask & (1u << d)))
				continue;
			if (given[d]) {
				err = cfg_err(cx, cfg_line(k),
				              "%s is already given on line %u",
				              day_names[d], given[d]);
				break;
			}
			given[d] = cfg_line(k);
			t->week[d] = day;
		}
	pop:
		cfg_pop(cx, old);
	}
	return err;
}

/* --- holidays ------------------------------------------------------------- */

/* "2026-10-01" into days since 1970-01-01 (local calendar). */
static int parse_date(const char *s, size_t len, int64_t *dp)
{
	int y, m, d;
	char buf[16];

	if (len != 10)
		return EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	for (size_t i = 0; i < len; i++) {
		bool dash = i == 4 || i == 7;

		if (dash ? buf[i] != '-' : (buf[i] < '0' || buf[i] > '9'))
			return EINVAL;
	}
	y = atoi(buf);
	m = atoi(buf + 5);
	d = atoi(buf + 8);
	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1)
		return EINVAL;
	{
		static const int md[] = {31, 28, 31, 30, 31, 30,
		                         31, 31, 30, 31, 30, 31};
		bool lp = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		int max = m == 2 && lp ? 29 : md[m - 1];

		if (d > max)
			return EINVAL;
	}
	*dp = ivr_days_from_civil(y, m, d);
	return 0;
}

/* ["2026-10-01", "2026-10-02..2026-10-07"] */
int cfg_parse_holidays(struct cfg_ctx *cx, const struct cfg_field *f,
                       yaml_node_t *node, void *base)
{
	struct center_tenant *t = base;
	void *arr;
	size_t n;
	int err = cfg_list_alloc(cx, node,
	                         "a list of dates (such as [2026-10-01, "
	                         "2026-10-02..2026-10-07])",
	                         sizeof(*t->holidays), &arr, &n);

	if (err)
		return err;
	t->holidays = arr;
	t->nholidays = n;
	for (size_t i = 0; i < n && !err; i++) {
		yaml_node_t *item = cfg_seq_at(cx, node, i);
		size_t old = cfg_push(cx, "[%zu]", i);
		struct center_holiday *h = &t->holidays[i];
		const char *s, *dots;

		err = cfg_want_scalar(cx, item, "a date (such as 2026-10-01)");
		if (err)
			goto pop;
		s = cfg_text(item);
		dots = strstr(s, "..");
		if (dots ? parse_date(s, (size_t)(dots - s), &h->first) ||
		               parse_date(dots + 2, strlen(dots + 2), &h->last)
		         : parse_date(s, strlen(s), &h->first)) {
			err = cfg_err(cx, cfg_line(item),
			              "'%s' is not a date (YYYY-MM-DD, or a "
			              "range such as 2026-10-01..2026-10-07)",
			              s);
			goto pop;
		}
		if (!dots)
			h->last = h->first;
		if (h->last < h->first)
			err =
			    cfg_err(cx, cfg_line(item),
			            "'%s': the range ends before it starts", s);
		else if (h->last - h->first > 366)
			err = cfg_err(cx, cfg_line(item),
			              "'%s': a range of holidays is at most a "
			              "year",
			              s);
	pop:
		cfg_pop(cx, old);
	}
	return err;
}
