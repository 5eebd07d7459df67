/**
 * @file test_say.c  ivr_say_*: the words chosen for numbers, positions and
 * waits in Mandarin, Korean and English.
 *
 * Sequences are turned back into text with the shipped texts
 * (prompts/<lang>.txt, read from the source tree: tests run from the
 * repository's root), so expectations read as a listener hears them:
 * "两万三千四百五十六", "만이천삼백사십오".  Every number 0..99,999 is also
 * parsed back by an independent reader per language, which checks the
 * value and the form rules (one 零 per gap, no leading 一十, 两 only where
 * it belongs, no 일 before a unit).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ivr/ivr.h"

/* --- the texts ------------------------------------------------------------ */

struct text {
	char name[64];
	char text[512];
};

struct texts {
	struct text *v;
	size_t n;
};

static struct texts texts[3]; /* zh, ko, en */
static const char *const langs[3] = {"zh", "ko", "en"};

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static void read_texts(struct texts *t, const char *lang)
{
	char path[64], line[2048];
	FILE *f;

	snprintf(path, sizeof(path), "prompts/%s.txt", lang);
	f = fopen(path, "r");
	if (!f)
		fail_msg("%s: cannot open (run from the repository root)",
		         path);
	while (fgets(line, sizeof(line), f)) {
		char *name = line, *bar, *text, *bar2;

		if (line[0] == '#' || line[0] == '@' || !strchr(line, '|'))
			continue;
		bar = strchr(line, '|');
		*bar = '\0';
		text = bar + 1;
		bar2 = strchr(text, '|');
		if (bar2)
			*bar2 = '\0';
		t->v = realloc(t->v, (t->n + 1) * sizeof(*t->v));
		assert_non_null(t->v);
		snprintf(t->v[t->n].name, sizeof(t->v[0].name), "%s",
		         trim(name));
		snprintf(t->v[t->n].text, sizeof(t->v[0].text), "%s",
		         trim(text));
		t->n++;
	}
	fclose(f);
}

static int setup(void **state)
{
	for (int i = 0; i < 3; i++)
		read_texts(&texts[i], langs[i]);
	return 0;
}

static int teardown(void **state)
{
	for (int i = 0; i < 3; i++) {
		free(texts[i].v);
		texts[i].v = NULL;
		texts[i].n = 0;
	}
	return 0;
}

static const char *text_of(const char *lang, const char *name)
{
	for (int i = 0; i < 3; i++) {
		if (strcmp(langs[i], lang))
			continue;
		for (size_t j = 0; j < texts[i].n; j++) {
			if (!strcmp(texts[i].v[j].name, name))
				return texts[i].v[j].text;
		}
	}
	fail_msg("%s: no text for prompt %s", lang, name);
	return NULL;
}

/* The sequence as text, words joined by sep. */
static const char *join(const char *lang, const char **seq, int n,
                        const char *sep)
{
	static char buf[2048];

	buf[0] = '\0';
	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(buf, sep);
		strcat(buf, text_of(lang, seq[i]));
	}
	return buf;
}

static const char *number(const char *lang, uint32_t v, const char *sep)
{
	const char *seq[IVR_SAY_MAX];
	int n = ivr_say_number(lang, v, seq, IVR_SAY_MAX);

	if (n < 0)
		fail_msg("ivr_say_number(%s, %u) = %d", lang, v, n);
	return join(lang, seq, n, sep);
}

static const char *position(const char *lang, uint32_t v, const char *sep)
{
	const char *seq[IVR_SAY_MAX];
	int n = ivr_say_position(lang, v, seq, IVR_SAY_MAX);

	if (n < 0)
		fail_msg("ivr_say_position(%s, %u) = %d", lang, v, n);
	return join(lang, seq, n, sep);
}

static const char *wait(const char *lang, uint32_t s, const char *sep)
{
	const char *seq[IVR_SAY_MAX];
	int n = ivr_say_wait(lang, s, seq, IVR_SAY_MAX);

	if (n < 0)
		fail_msg("ivr_say_wait(%s, %u) = %d", lang, s, n);
	return join(lang, seq, n, sep);
}

static const char *digits(const char *lang, const char *d, const char *sep)
{
	const char *seq[64];
	int n = ivr_say_digits(lang, d, seq, 64);

	if (n < 0)
		fail_msg("ivr_say_digits(%s, %s) = %d", lang, d, n);
	return join(lang, seq, n, sep);
}

/* --- Mandarin ------------------------------------------------------------- */

static void test_zh_numbers(void **state)
{
	static const struct {
		uint32_t v;
		const char *want;
	} cases[] = {
	    {0, "零"},
	    {1, "一"},
	    {2, "二"}, /* reading the number two; 两 needs a measure word */
	    {10, "十"},
	    {11, "十一"},
	    {12, "十二"},
	    {20, "二十"},
	    {22, "二十二"},
	    {99, "九十九"},
	    {100, "一百"},
	    {101, "一百零一"},
	    {105, "一百零五"},
	    {110, "一百一十"},
	    {115, "一百一十五"},
	    {200, "两百"},
	    {250, "两百五十"},
	    {222, "两百二十二"},
	    {1000, "一千"},
	    {1001, "一千零一"},
	    {1010, "一千零一十"},
	    {1100, "一千一百"},
	    {1200, "一千二百"},
	    {2000, "两千"},
	    {2002, "两千零二"},
	    {2200, "两千二百"},
	    {10000, "一万"},
	    {10001, "一万零一"},
	    {10010, "一万零一十"},
	    {10100, "一万零一百"},
	    {12000, "一万两千"},
	    {12345, "一万两千三百四十五"},
	    {20000, "两万"},
	    {22222, "两万两千二百二十二"},
	    {23456, "两万三千四百五十六"},
	    {30303, "三万零三百零三"},
	    {99999, "九万九千九百九十九"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = number("zh", cases[i].v, "");

		if (strcmp(got, cases[i].want))
			fail_msg("zh %u: got %s want %s", cases[i].v, got,
			         cases[i].want);
	}
}

static void test_zh_position_wait_digits(void **state)
{
	assert_string_equal(position("zh", 1, ""), "您目前排在第一位。");
	/* ordinal: 第二位, never 第两位 */
	assert_string_equal(position("zh", 2, ""), "您目前排在第二位。");
	assert_string_equal(position("zh", 12, ""), "您目前排在第十二位。");
	assert_string_equal(position("zh", 200, ""), "您目前排在第二百位。");

	assert_string_equal(wait("zh", 0, ""), "预计等待时间不到一分钟。");
	assert_string_equal(wait("zh", 30, ""), "预计等待时间不到一分钟。");
	assert_string_equal(wait("zh", 59, ""), "预计等待时间不到一分钟。");
	assert_string_equal(wait("zh", 60, ""), "预计等待时间约一分钟");
	/* 61 s rounds up; a measure word takes 两 */
	assert_string_equal(wait("zh", 61, ""), "预计等待时间约两分钟");
	assert_string_equal(wait("zh", 120, ""), "预计等待时间约两分钟");
	assert_string_equal(wait("zh", 12 * 60, ""), "预计等待时间约十二分钟");
	assert_string_equal(wait("zh", 22 * 60, ""),
	                    "预计等待时间约二十二分钟");
	assert_string_equal(wait("zh", 3599, ""), "预计等待时间约一小时");
	assert_string_equal(wait("zh", 3600, ""), "预计等待时间约一小时");
	assert_string_equal(wait("zh", 3601, ""), "预计等待时间约一小时一分钟");
	assert_string_equal(wait("zh", 2 * 3600 + 122, ""),
	                    "预计等待时间约两小时三分钟");

	assert_string_equal(digits("zh", "12345", ""), "幺二三四五");
	assert_string_equal(digits("zh", "13800000000", ""),
	                    "幺三八零零零零零零零零");
}

/* --- Korean --------------------------------------------------------------- */

static void test_ko_numbers(void **state)
{
	static const struct {
		uint32_t v;
		const char *want;
	} cases[] = {
	    {0, "영"},          {1, "일"},
	    {2, "이"},          {10, "십"},
	    {11, "십일"},       {20, "이십"},
	    {21, "이십일"},     {100, "백"},
	    {101, "백일"},      {110, "백십"},
	    {111, "백십일"},    {1000, "천"},
	    {1111, "천백십일"}, {2000, "이천"},
	    {10000, "만"},      {10001, "만일"},
	    {11000, "만천"},    {12345, "만이천삼백사십오"},
	    {20000, "이만"},    {99999, "구만구천구백구십구"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = number("ko", cases[i].v, "");

		if (strcmp(got, cases[i].want))
			fail_msg("ko %u: got %s want %s", cases[i].v, got,
			         cases[i].want);
	}
}

static void test_ko_position_wait_digits(void **state)
{
	assert_string_equal(position("ko", 1, " "),
	                    "고객님의 대기 순번은 일 번입니다.");
	assert_string_equal(position("ko", 12, " "),
	                    "고객님의 대기 순번은 십 이 번입니다.");

	assert_string_equal(wait("ko", 30, " "),
	                    "예상 대기 시간은 1분 미만 입니다.");
	assert_string_equal(wait("ko", 59, " "),
	                    "예상 대기 시간은 1분 미만 입니다.");
	assert_string_equal(wait("ko", 60, " "),
	                    "예상 대기 시간은 약 일 분 입니다.");
	assert_string_equal(wait("ko", 61, " "),
	                    "예상 대기 시간은 약 이 분 입니다.");
	/* hours in native Korean counter forms, minutes Sino-Korean */
	assert_string_equal(wait("ko", 3600, " "),
	                    "예상 대기 시간은 약 한 시간 입니다.");
	assert_string_equal(wait("ko", 2 * 3600 + 30 * 60, " "),
	                    "예상 대기 시간은 약 두 시간 삼 십 분 입니다.");
	assert_string_equal(wait("ko", 20 * 3600, ""),
	                    "예상 대기 시간은약스무시간입니다.");
	assert_string_equal(wait("ko", 21 * 3600, ""),
	                    "예상 대기 시간은약스물한시간입니다.");
	assert_string_equal(wait("ko", 34 * 3600, ""),
	                    "예상 대기 시간은약서른네시간입니다.");
	assert_string_equal(wait("ko", IVR_SAY_WAIT_MAX, ""),
	                    "예상 대기 시간은약아흔아홉시간오십구분입니다.");

	assert_string_equal(digits("ko", "01012345678", ""),
	                    "공일공일이삼사오육칠팔");
}

/* --- English -------------------------------------------------------------- */

static void test_en_numbers(void **state)
{
	static const struct {
		uint32_t v;
		const char *want;
	} cases[] = {
	    {0, "zero"},
	    {7, "seven"},
	    {13, "thirteen"},
	    {20, "twenty"},
	    {21, "twenty one"},
	    {100, "one hundred"},
	    {105, "one hundred five"},
	    {110, "one hundred ten"},
	    {999, "nine hundred ninety nine"},
	    {1000, "one thousand"},
	    {1001, "one thousand one"},
	    {10000, "ten thousand"},
	    {12345, "twelve thousand three hundred forty five"},
	    {20020, "twenty thousand twenty"},
	    {99999, "ninety nine thousand nine hundred ninety nine"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = number("en", cases[i].v, " ");

		if (strcmp(got, cases[i].want))
			fail_msg("en %u: got %s want %s", cases[i].v, got,
			         cases[i].want);
	}
}

static void test_en_position_wait_digits(void **state)
{
	assert_string_equal(position("en", 3, " "),
	                    "You are number three in the queue.");
	assert_string_equal(position("en", 21, " "),
	                    "You are number twenty one in the queue.");

	assert_string_equal(wait("en", 0, " "),
	                    "Your estimated waiting time is less than a "
	                    "minute.");
	assert_string_equal(wait("en", 30, " "),
	                    "Your estimated waiting time is less than a "
	                    "minute.");
	assert_string_equal(wait("en", 59, " "),
	                    "Your estimated waiting time is less than a "
	                    "minute.");
	assert_string_equal(wait("en", 60, " "),
	                    "Your estimated waiting time is about one minute");
	assert_string_equal(wait("en", 61, " "),
	                    "Your estimated waiting time is about two "
	                    "minutes");
	assert_string_equal(wait("en", 3600, " "),
	                    "Your estimated waiting time is about one hour");
	assert_string_equal(wait("en", 3601, " "),
	                    "Your estimated waiting time is about one hour "
	                    "and one minute");
	assert_string_equal(wait("en", 2 * 3600 + 45 * 60, " "),
	                    "Your estimated waiting time is about two hours "
	                    "and forty five minutes");

	assert_string_equal(digits("en", "105", " "), "one zero five");
	assert_string_equal(digits("en", "", " "), "");
}

/* --- every number, read back ---------------------------------------------- */

static uint32_t unit_of(const char *w)
{
	if (!strcmp(w, "num/ten"))
		return 10;
	if (!strcmp(w, "num/hundred"))
		return 100;
	if (!strcmp(w, "num/thousand"))
		return 1000;
	if (!strcmp(w, "num/ten_thousand"))
		return 10000;
	return 0;
}

/* Mandarin reader: the value of the sequence, failing on a malformed one.
 * Form rules: a digit (or a leading bare 十) then its unit; 零 exactly
 * where a gap in the units precedes a digit (so 一百五 for 105 fails);
 * 一 never before a leading 十; 两 exactly before 千, 万 and a leading 百. */
static uint32_t zh_read(const char **seq, int n, uint32_t v)
{
	uint32_t total = 0, last_unit = 0; /* 0: nothing read yet */
	bool zero = false;

	if (n == 1 && !strcmp(seq[0], "num/0"))
		return 0;
	for (int i = 0; i < n; i++) {
		const char *w = seq[i];
		uint32_t d = 0, u, next_u;

		if (!strcmp(w, "num/0")) {
			if (zero || !last_unit || i == n - 1)
				fail_msg("zh %u: misplaced 零", v);
			zero = true;
			continue;
		}
		if (i == 0 && !strcmp(w, "num/ten")) {
			d = 1; /* 十二: the 一 is silent */
			u = 10;
		} else {
			if (!strcmp(w, "num/liang"))
				d = 2;
			else if (!strncmp(w, "num/", 4) && w[4] >= '1' &&
			         w[4] <= '9' && !w[5])
				d = (uint32_t)(w[4] - '0');
			else
				fail_msg("zh %u: unexpected %s", v, w);
			next_u = i + 1 < n ? unit_of(seq[i + 1]) : 0;
			u = next_u ? next_u : 1;
			if (next_u)
				i++;
			if (d == 1 && u == 10 && i == 1)
				fail_msg("zh %u: leading 一十", v);
			if (d == 2) {
				bool liang =
				    u >= 1000 || (u == 100 && !last_unit);

				if (liang != !strcmp(w, "num/liang"))
					fail_msg("zh %u: %s before unit %u", v,
					         w, u);
			}
		}
		if (last_unit && u >= last_unit)
			fail_msg("zh %u: units out of order", v);
		if (last_unit && zero != (last_unit / 10 != u))
			fail_msg("zh %u: 零 %s at a gap", v,
			         zero ? "without" : "missing");
		total += d * u;
		last_unit = u;
		zero = false;
	}
	return total;
}

static uint32_t ko_read(const char **seq, int n, uint32_t v)
{
	uint32_t total = 0, cur = 0, last_unit = 100000;
	bool have_digit = false;

	for (int i = 0; i < n; i++) {
		const char *w = seq[i];
		uint32_t u = 0;

		if (!strcmp(w, "num/ten"))
			u = 10;
		else if (!strcmp(w, "num/hundred"))
			u = 100;
		else if (!strcmp(w, "num/thousand"))
			u = 1000;
		else if (!strcmp(w, "num/ten_thousand"))
			u = 10000;
		if (u) {
			if (u >= last_unit)
				fail_msg("ko %u: units out of order", v);
			total += (have_digit ? cur : 1) * u;
			last_unit = u;
			cur = 0;
			have_digit = false;
			continue;
		}
		if (have_digit || strncmp(w, "num/", 4) || w[4] < '0' ||
		    w[4] > '9' || w[5])
			fail_msg("ko %u: unexpected %s", v, w);
		cur = (uint32_t)(w[4] - '0');
		if (cur == 0 && n != 1)
			fail_msg("ko %u: 영 inside a number", v);
		if (cur == 1 && i + 1 < n)
			fail_msg("ko %u: 일 before a unit", v);
		have_digit = true;
	}
	return total + cur;
}

static uint32_t en_read(const char **seq, int n, uint32_t v)
{
	static const char *const words[] = {
	    "num/0",  "num/1",  "num/2",  "num/3",  "num/4",
	    "num/5",  "num/6",  "num/7",  "num/8",  "num/9",
	    "num/10", "num/11", "num/12", "num/13", "num/14",
	    "num/15", "num/16", "num/17", "num/18", "num/19",
	};
	uint32_t total = 0, cur = 0;

	for (int i = 0; i < n; i++) {
		const char *w = seq[i];
		bool found = false;

		if (!strcmp(w, "num/hundred")) {
			if (cur == 0 || cur > 9)
				fail_msg("en %u: bad hundred", v);
			cur *= 100;
			continue;
		}
		if (!strcmp(w, "num/thousand")) {
			if (cur == 0 || total)
				fail_msg("en %u: bad thousand", v);
			total = cur * 1000;
			cur = 0;
			continue;
		}
		for (uint32_t k = 0; k < 20; k++) {
			if (!strcmp(w, words[k])) {
				if (k == 0 && n != 1)
					fail_msg("en %u: zero inside", v);
				if (cur % 100 >= 20 && (cur % 10 || k >= 10))
					fail_msg("en %u: bad units", v);
				if (cur % 100 && cur % 100 < 20)
					fail_msg("en %u: bad units", v);
				cur += k;
				found = true;
			}
		}
		if (!found) {
			uint32_t t;

			if (sscanf(w, "num/%u", &t) != 1 || t % 10 || t < 20 ||
			    t > 90 || cur % 100)
				fail_msg("en %u: unexpected %s", v, w);
			cur += t;
		}
	}
	return total + cur;
}

static void test_every_number_reads_back(void **state)
{
	const char *seq[IVR_SAY_MAX];
	int maxlen = 0;

	for (uint32_t v = 0; v <= IVR_SAY_NUMBER_MAX; v++) {
		for (int l = 0; l < 3; l++) {
			int n = ivr_say_number(langs[l], v, seq, IVR_SAY_MAX);
			uint32_t got;

			assert_true(n > 0);
			if (n > maxlen)
				maxlen = n;
			/* the readers accept only number words; these
			 * must be in the catalog (checked on a sample,
			 * the lookup is linear) */
			for (int i = 0; v % 97 == 0 && i < n; i++) {
				if (!ivr_catalog_has(langs[l], seq[i]))
					fail_msg("%s %u: %s not in catalog",
					         langs[l], v, seq[i]);
			}
			got = l == 0   ? zh_read(seq, n, v)
			      : l == 1 ? ko_read(seq, n, v)
			               : en_read(seq, n, v);
			if (got != v)
				fail_msg("%s %u: reads back as %u", langs[l], v,
				         got);
		}
	}
	/* 两万两千二百二十二 is nine words: the longest */
	assert_int_equal(maxlen, 9);
}

/* Every wait and position fits IVR_SAY_MAX and uses catalog words only. */
static void test_every_wait_fits(void **state)
{
	const char *seq[IVR_SAY_MAX];

	for (int l = 0; l < 3; l++) {
		for (uint32_t s = 0; s <= IVR_SAY_WAIT_MAX; s += 59) {
			int n = ivr_say_wait(langs[l], s, seq, IVR_SAY_MAX);

			assert_true(n > 0);
			for (int i = 0; i < n; i++)
				assert_true(ivr_catalog_has(langs[l], seq[i]));
		}
		for (uint32_t p = 1; p <= IVR_SAY_NUMBER_MAX; p += 13) {
			int n = ivr_say_position(langs[l], p, seq, IVR_SAY_MAX);

			assert_true(n > 0);
			for (int i = 0; i < n; i++)
				assert_true(ivr_catalog_has(langs[l], seq[i]));
		}
	}
}

/* --- decimals ------------------------------------------------------------- */

static const char *decimal(const char *lang, const char *v, const char *sep)
{
	const char *seq[IVR_SAY_MAX];
	int n = ivr_say_decimal(lang, v, seq, IVR_SAY_MAX);

	if (n < 0)
		fail_msg("ivr_say_decimal(%s, %s) = %d", lang, v, n);
	return join(lang, seq, n, sep);
}

static void test_decimals(void **state)
{
	const char *seq[IVR_SAY_MAX];

	/* a bill of 128.50: the fraction's digits as numbers, 一 not 幺 */
	assert_string_equal(decimal("zh", "128.50", ""), "一百二十八点五");
	assert_string_equal(decimal("zh", "0.01", ""), "零点零一");
	assert_string_equal(decimal("zh", "2.1", ""), "二点一");
	assert_string_equal(decimal("zh", "23456", ""), "两万三千四百五十六");
	assert_string_equal(decimal("ko", "128.5", ""), "백이십팔점오");
	assert_string_equal(decimal("en", "128.05", " "),
	                    "one hundred twenty eight point zero five");
	/* zeros after the point say nothing */
	assert_string_equal(decimal("en", "7.000", " "), "seven");
	assert_string_equal(decimal("en", "007", " "), "seven");

	assert_int_equal(ivr_say_decimal("en", "", seq, IVR_SAY_MAX), -EINVAL);
	assert_int_equal(ivr_say_decimal("en", ".5", seq, IVR_SAY_MAX),
	                 -EINVAL);
	assert_int_equal(ivr_say_decimal("en", "5.", seq, IVR_SAY_MAX),
	                 -EINVAL);
	assert_int_equal(ivr_say_decimal("en", "1.2.3", seq, IVR_SAY_MAX),
	                 -EINVAL);
	assert_int_equal(ivr_say_decimal("en", "-5", seq, IVR_SAY_MAX),
	                 -EINVAL);
	assert_int_equal(ivr_say_decimal("en", "1e3", seq, IVR_SAY_MAX),
	                 -EINVAL);
	assert_int_equal(ivr_say_decimal("en", "100000", seq, IVR_SAY_MAX),
	                 -ERANGE);
	assert_int_equal(ivr_say_decimal("en", "1.1234567", seq, IVR_SAY_MAX),
	                 -EINVAL);
	assert_int_equal(ivr_say_decimal("fr", "1", seq, IVR_SAY_MAX), -EINVAL);
	assert_int_equal(ivr_say_decimal("en", NULL, seq, IVR_SAY_MAX),
	                 -EINVAL);
	/* room for the whole part but not the point: -ENOSPC */
	assert_int_equal(ivr_say_decimal("en", "7.5", seq, 1), -ENOSPC);
	assert_int_equal(ivr_say_decimal("en", "7.5", seq, 2), -ENOSPC);
	assert_int_equal(ivr_say_decimal("en", "7.5", seq, 3), 3);
}

/* --- dates and times (appointments) --------------------------------------- */

static const char *when(const char *lang, const char *v, const char *sep)
{
	const char *seq[IVR_SAY_MAX];
	int n = ivr_say_datetime(lang, v, seq, IVR_SAY_MAX);

	if (n < 0)
		fail_msg("ivr_say_datetime(%s, %s) = %d", lang, v, n);
	for (int i = 0; i < n; i++)
		assert_true(ivr_catalog_has(lang, seq[i]));
	return join(lang, seq, n, sep);
}

static void test_datetime(void **state)
{
	const char *seq[IVR_SAY_MAX];

	assert_string_equal(when("zh", "2026-11-24 09:05", ""),
	                    "十一月二十四日上午九点零五分");
	/* 两点 (a measure), 二月 and 二十二日 (numbers) */
	assert_string_equal(when("zh", "2026-02-22 14:30", ""),
	                    "二月二十二日下午两点三十分");
	assert_string_equal(when("zh", "2026-12-01T12:00:00", ""),
	                    "十二月一日下午十二点");
	assert_string_equal(when("ko", "2026-11-24 09:05", ""),
	                    "십일월이십사일오전아홉시오분");
	assert_string_equal(when("ko", "2026-06-10 13:30", ""),
	                    "유월십일오후한시삼십분");
	assert_string_equal(when("ko", "2026-10-20 00:00", ""),
	                    "시월이십일오전열두시");
	assert_string_equal(when("en", "2026-11-24 09:05", " "),
	                    "November twenty four at nine oh five a.m.");
	assert_string_equal(when("en", "2026-03-01 16:45", " "),
	                    "March one at four forty five p.m.");
	assert_string_equal(when("en", "2026-07-31 12:00", " "),
	                    "July thirty one at twelve p.m.");

	assert_int_equal(ivr_say_datetime("en", "2026-11-24", seq, IVR_SAY_MAX),
	                 -EINVAL);
	assert_int_equal(
	    ivr_say_datetime("en", "2026-13-01 09:00", seq, IVR_SAY_MAX),
	    -EINVAL);
	assert_int_equal(
	    ivr_say_datetime("en", "2026-11-24 24:00", seq, IVR_SAY_MAX),
	    -EINVAL);
	assert_int_equal(
	    ivr_say_datetime("en", "2026-11-24 9:00", seq, IVR_SAY_MAX),
	    -EINVAL);
	assert_int_equal(
	    ivr_say_datetime("fr", "2026-11-24 09:00", seq, IVR_SAY_MAX),
	    -EINVAL);
	assert_int_equal(ivr_say_datetime("en", NULL, seq, IVR_SAY_MAX),
	                 -EINVAL);
	assert_int_equal(ivr_say_datetime("en", "2026-11-24 09:05", seq, 3),
	                 -ENOSPC);
}

/* --- errors --------------------------------------------------------------- */

static void test_errors(void **state)
{
	const char *seq[IVR_SAY_MAX];

	assert_int_equal(ivr_say_number("fr", 1, seq, IVR_SAY_MAX), -EINVAL);
	assert_int_equal(ivr_say_number(NULL, 1, seq, IVR_SAY_MAX), -EINVAL);
	assert_int_equal(ivr_say_number("common", 1, seq, IVR_SAY_MAX),
	                 -EINVAL);
	assert_int_equal(ivr_say_number("zh", 1, NULL, 4), -EINVAL);
	assert_int_equal(ivr_say_number("zh", 100000, seq, IVR_SAY_MAX),
	                 -ERANGE);
	assert_int_equal(ivr_say_number("en", UINT32_MAX, seq, IVR_SAY_MAX),
	                 -ERANGE);
	assert_int_equal(ivr_say_position("ko", 0, seq, IVR_SAY_MAX), -EINVAL);
	assert_int_equal(ivr_say_position("ko", 100000, seq, IVR_SAY_MAX),
	                 -ERANGE);
	assert_int_equal(
	    ivr_say_wait("en", IVR_SAY_WAIT_MAX + 1, seq, IVR_SAY_MAX),
	    -ERANGE);
	assert_int_equal(ivr_say_wait("en", UINT32_MAX, seq, IVR_SAY_MAX),
	                 -ERANGE);
	assert_int_equal(ivr_say_digits("zh", "12a", seq, IVR_SAY_MAX),
	                 -EINVAL);
	assert_int_equal(ivr_say_digits("zh", "1#", seq, IVR_SAY_MAX), -EINVAL);
	assert_int_equal(ivr_say_digits("zh", NULL, seq, IVR_SAY_MAX), -EINVAL);

	/* too small: -ENOSPC, and nothing written past n */
	seq[2] = "sentinel";
	assert_int_equal(ivr_say_number("zh", 23456, seq, 2), -ENOSPC);
	assert_string_equal(seq[2], "sentinel");
	assert_int_equal(ivr_say_number("zh", 0, seq, 0), -ENOSPC);
	/* exactly enough */
	assert_int_equal(ivr_say_number("zh", 23456, seq, 9), 9);
	assert_int_equal(ivr_say_digits("ko", "123", seq, 2), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_zh_numbers),
	    cmocka_unit_test(test_zh_position_wait_digits),
	    cmocka_unit_test(test_ko_numbers),
	    cmocka_unit_test(test_ko_position_wait_digits),
	    cmocka_unit_test(test_en_numbers),
	    cmocka_unit_test(test_en_position_wait_digits),
	    cmocka_unit_test(test_every_number_reads_back),
	    cmocka_unit_test(test_every_wait_fits),
	    cmocka_unit_test(test_decimals),
	    cmocka_unit_test(test_datetime),
	    cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
