/**
 * @file say.c  Numbers, digit strings, queue positions and waits as
 * sequences of prompts, by each language's grammar.
 *
 * Mandarin (zh), numbers up to 99,999 from 零 一 二 … 九, 两, 十 百 千 万:
 *   - 十 alone at the start (10 十, 12 十二), 一十 elsewhere (110 一百一十,
 *     10010 一万零一十);
 *   - one 零 for any run of zeros followed by a digit (105 一百零五, 1001
 *     一千零一, 10100 一万零一百); trailing zeros are silent (1200 一千二百);
 *   - 二 or 两: 两 before 千 and 万 (2000 两千, 12000 一万两千, 22000
 *     两万两千) and before 百 when it leads the number (200 两百, against
 *     1200 一千二百: also avoiding the insult 二百五 for 250); 二 in the
 *     tens and units (20 二十, 12 十二).  Before a measure word 2 itself is
 *     两 (两分钟, 两小时); ordinals keep 二 throughout (第二位, 第二百位).
 * Korean (ko), Sino-Korean numbers from 영 일 이 … 구, 십 백 천 만: no 일
 *   before a unit (10 십, 100 백, 1000 천, 10000 만, 11 십일), zeros silent
 *   (101 백일, 10001 만 일).  Queue positions (N번) and minutes (N분)
 *   are Sino-Korean; hours take the native counter forms (한 시간, 두 시간,
 *   스무 시간, 스물한 시간).
 * English (en): one … nineteen, twenty … ninety, hundred, thousand, no
 *   "and" (105 one hundred five, 12345 twelve thousand three hundred
 *   forty five), as American phone systems speak.
 */
#include <errno.h>
#include <string.h>

#include "core/core.h"
#include "ivr/ivr.h"

struct seq {
	const char **out;
	size_t n;
	size_t len;
	bool full;
};

static void put(struct seq *s, const char *name)
{
	if (s->len >= s->n) {
		s->full = true;
		return;
	}
	s->out[s->len++] = name;
}

static int done(const struct seq *s)
{
	return s->full ? -ENOSPC : (int)s->len;
}

static const char *const digit[10] = {
    "num/0", "num/1", "num/2", "num/3", "num/4",
    "num/5", "num/6", "num/7", "num/8", "num/9",
};

/* Units by decimal position: 10^1 .. 10^4 (zh and ko). */
static const char *const unit[5] = {
    NULL, "num/ten", "num/hundred", "num/thousand", "num/ten_thousand",
};

static const uint32_t pow10[5] = {1, 10, 100, 1000, 10000};

enum lang { ZH, KO, EN };

static int lang_get(const char *lang, enum lang *lp)
{
	if (!lang)
		return EINVAL;
	if (!strcmp(lang, "zh"))
		*lp = ZH;
	else if (!strcmp(lang, "ko"))
		*lp = KO;
	else if (!strcmp(lang, "en"))
		*lp = EN;
	else
		return EINVAL;
	return 0;
}

/* --- Mandarin ------------------------------------------------------------- */

enum zh_form {
	ZH_CARDINAL, /* reading a number: 2 二, 200 两百 */
	ZH_MEASURE,  /* before a measure word: 2 两 (两分钟) */
	ZH_ORDINAL,  /* after 第: 二 everywhere (第二位, 第二百位) */
};

/* The word for digit 2 at decimal position pos. */
static const char *zh_two(unsigned pos, bool leading, enum zh_form form)
{
	if (form == ZH_ORDINAL)
		return "num/2";
	if (pos >= 3 || (pos == 2 && leading))
		return "num/liang";
	return "num/2";
}

static void zh_number(struct seq *s, uint32_t v, enum zh_form form)
{
	bool started = false, zero = false;

	if (v == 0) {
		put(s, "num/0");
		return;
	}
	if (v == 2 && form == ZH_MEASURE) {
		put(s, "num/liang");
		return;
	}
	for (int pos = 4; pos >= 0; pos--) {
		unsigned d = (v / pow10[pos]) % 10;

		if (d == 0) {
			zero = started; /* spoken only if a digit follows */
			continue;
		}
		if (zero) {
			put(s, "num/0");
			zero = false;
		}
		if (d == 2)
			put(s, zh_two(pos, !started, form));
		else if (!(d == 1 && pos == 1 && !started)) /* 十, not 一十 */
			put(s, digit[d]);
		if (pos > 0)
			put(s, unit[pos]);
		started = true;
	}
}

/* --- Korean --------------------------------------------------------------- */

static void ko_sino(struct seq *s, uint32_t v)
{
	if (v == 0) {
		put(s, "num/0");
		return;
	}
	for (int pos = 4; pos >= 0; pos--) {
		unsigned d = (v / pow10[pos]) % 10;

		if (d == 0)
			continue;
		if (!(d == 1 && pos > 0)) /* 십, 백, 천, 만: no 일 before */
			put(s, digit[d]);
		if (pos > 0)
			put(s, unit[pos]);
	}
}

/* Native Korean 1..99 in the form used before a counter (시간). */
static void ko_native(struct seq *s, uint32_t v)
{
	static const char *const ones[10] = {
	    NULL,           "num/native_1", "num/native_2", "num/native_3",
	    "num/native_4", "num/native_5", "num/native_6", "num/native_7",
	    "num/native_8", "num/native_9",
	};
	static const char *const tens[10] = {
	    NULL,
	    "num/native_10",
	    "num/native_20",
	    "num/native_30",
	    "num/native_40",
	    "num/native_50",
	    "num/native_60",
	    "num/native_70",
	    "num/native_80",
	    "num/native_90",
	};
	unsigned t = v / 10 % 10, o = v % 10;

	if (t == 2 && o == 0)
		put(s, "num/native_20_alone"); /* 스무 시간; 스물한 시간 */
	else if (t)
		put(s, tens[t]);
	if (o)
		put(s, ones[o]);
}

/* --- English -------------------------------------------------------------- */

static void en_below_100(struct seq *s, uint32_t v)
{
	static const char *const teens[10] = {
	    "num/10", "num/11", "num/12", "num/13", "num/14",
	    "num/15", "num/16", "num/17", "num/18", "num/19",
	};
	static const char *const tens[10] = {
	    NULL,     NULL,     "num/20", "num/30", "num/40",
	    "num/50", "num/60", "num/70", "num/80", "num/90",
	};

	if (v < 10)
		put(s, digit[v]);
	else if (v < 20)
		put(s, teens[v - 10]);
	else {
		put(s, tens[v / 10]);
		if (v % 10)
			put(s, digit[v % 10]);
	}
}

static void en_number(struct seq *s, uint32_t v)
{
	uint32_t thousands = v / 1000, hundreds = v / 100 % 10, rest = v % 100;

	if (v == 0) {
		put(s, "num/0");
		return;
	}
	if (thousands) {
		en_below_100(s, thousands);
		put(s, "num/thousand");
	}
	if (hundreds) {
		put(s, digit[hundreds]);
		put(s, "num/hundred");
	}
	if (rest)
		en_below_100(s, rest);
}

/* --- API ------------------------------------------------------------------ */

static int say_start(struct seq *s, const char *lang, enum lang *lp,
                     const char **out, size_t n)
{
	if (lang_get(lang, lp) || !out)
		return EINVAL;
	s->out = out;
	s->n = n;
	s->len = 0;
	s->full = false;
	return 0;
}

int ivr_say_number(const char *lang, uint32_t v, const char **out, size_t n)
{
	struct seq s;
	enum lang l;

	if (say_start(&s, lang, &l, out, n))
		return -EINVAL;
	if (v > IVR_SAY_NUMBER_MAX)
		return -ERANGE;
	switch (l) {
	case ZH:
		zh_number(&s, v, ZH_CARDINAL);
		break;
	case KO:
		ko_sino(&s, v);
		break;
	case EN:
		en_number(&s, v);
		break;
	}
	return done(&s);
}

int ivr_say_digits(const char *lang, const char *digits, const char **out,
                   size_t n)
{
	struct seq s;
	enum lang l;

	if (say_start(&s, lang, &l, out, n) || !digits)
		return -EINVAL;
	for (const char *p = digits; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
	}
	for (const char *p = digits; *p; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (l == ZH && d == 1)
			put(&s, "num/yao");
		else if (l == KO && d == 0)
			put(&s, "num/gong");
		else
			put(&s, digit[d]);
	}
	return done(&s);
}

int ivr_say_position(const char *lang, uint32_t pos, const char **out, size_t n)
{
	struct seq s;
	enum lang l;

	if (say_start(&s, lang, &l, out, n) || pos == 0)
		return -EINVAL;
	if (pos > IVR_SAY_NUMBER_MAX)
		return -ERANGE;
	put(&s,
	    "queue/you_are_number"); /* 您目前排在第 / 고객님의 대기 순번은 */
	switch (l) {
	case ZH:
		zh_number(&s, pos, ZH_ORDINAL);
		break;
	case KO:
		ko_sino(&s, pos);
		break;
	case EN:
		en_number(&s, pos);
		break;
	}
	put(&s, "queue/in_the_queue"); /* 位。 / 번입니다. */
	return done(&s);
}

/* "N minutes" or "N hours" in language l; unit_one for en's singular. */
static void say_amount(struct seq *s, enum lang l, uint32_t v,
                       const char *unit_one, const char *unit_many,
                       bool native_ko)
{
	switch (l) {
	case ZH:
		zh_number(s, v, ZH_MEASURE);
		put(s, unit_many);
		break;
	case KO:
		if (native_ko)
			ko_native(s, v);
		else
			ko_sino(s, v);
		put(s, unit_many);
		break;
	case EN:
		en_number(s, v);
		put(s, v == 1 ? unit_one : unit_many);
		break;
	}
}

int ivr_say_wait(const char *lang, uint32_t seconds, const char **out, size_t n)
{
	struct seq s;
	enum lang l;
	uint32_t minutes, hours;

	if (say_start(&s, lang, &l, out, n))
		return -EINVAL;
	if (seconds > IVR_SAY_WAIT_MAX)
		return -ERANGE;
	put(&s, "queue/wait_is");
	if (seconds < 60) {
		put(&s, "queue/less_than_a_minute");
	} else {
		minutes = seconds / 60 + (seconds % 60 != 0);
		hours = minutes / 60;
		minutes %= 60;
		put(&s, "queue/about");
		if (hours) {
			say_amount(&s, l, hours, "time/hour", "time/hours",
			           true);
			if (minutes && l == EN)
				put(&s, "time/and");
		}
		if (minutes) {
			say_amount(&s, l, minutes, "time/minute",
			           "time/minutes", false);
		}
	}
	if (l == KO)
		put(&s, "phrase/end"); /* 입니다. */
	return done(&s);
}

/* "128.50": the whole part as a number, then 点 / 점 / point and each
 * digit of the fraction as a number (一, not the phone-number 幺), trailing
 * zeros dropped: 一百二十八点五, 백이십팔 점 오, one hundred twenty eight
 * point five. */
int ivr_say_decimal(const char *lang, const char *text, const char **out,
                    size_t n)
{
	const char *dot, *frac_end;
	uint32_t whole = 0;
	size_t nd = 0;
	int len;

	if (!text || !lang || !out)
		return -EINVAL;
	dot = strchr(text, '.');
	for (const char *p = text; *p && p != dot; p++, nd++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		if (nd >= 6)
			return -ERANGE;
		whole = whole * 10 + (uint32_t)(*p - '0');
	}
	if (!nd)
		return -EINVAL;
	frac_end = dot ? dot + 1 + strlen(dot + 1) : NULL;
	if (dot) {
		if (dot[1] == '\0' || strlen(dot + 1) > 6)
			return -EINVAL;
		for (const char *p = dot + 1; *p; p++) {
			if (*p < '0' || *p > '9')
				return -EINVAL;
		}
		while (frac_end > dot + 1 && frac_end[-1] == '0')
			frac_end--;
	}
	len = ivr_say_number(lang, whole, out, n);
	if (len < 0 || !dot || frac_end == dot + 1)
		return len;
	if ((size_t)len >= n)
		return -ENOSPC;
	out[len++] = "num/point";
	for (const char *p = dot + 1; p < frac_end; p++) {
		if ((size_t)len >= n)
			return -ENOSPC;
		out[len++] = digit[*p - '0'];
	}
	return len;
}

/* --- dates and times ------------------------------------------------------ */

/* "2026-11-24 09:30" (or with 'T', seconds ignored) into its parts. */
static int parse_when(const char *t, unsigned *mo, unsigned *d, unsigned *h,
                      unsigned *mi)
{
	unsigned v[5] = {0};
	static const struct {
		size_t at, len;
	} part[5] = {{0, 4}, {5, 2}, {8, 2}, {11, 2}, {14, 2}};
	size_t n = strlen(t);

	if (n < 16 || t[4] != '-' || t[7] != '-' ||
	    (t[10] != ' ' && t[10] != 'T') || t[13] != ':' ||
	    (n > 16 && (t[16] != ':' || n != 19)))
		return EINVAL;
	for (size_t i = 0; i < 5; i++) {
		for (size_t j = 0; j < part[i].len; j++) {
			char c = t[part[i].at + j];

			if (c < '0' || c > '9')
				return EINVAL;
			v[i] = v[i] * 10 + (unsigned)(c - '0');
		}
	}
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
	    v[4] > 59)
		return EINVAL;
	*mo = v[1];
	*d = v[2];
	*h = v[3];
	*mi = v[4];
	return 0;
}

int ivr_say_datetime(const char *lang, const char *text, const char **out,
                     size_t n)
{
	static const char *const en_month[12] = {
	    "date/month_1", "date/month_2",  "date/month_3",  "date/month_4",
	    "date/month_5", "date/month_6",  "date/month_7",  "date/month_8",
	    "date/month_9", "date/month_10", "date/month_11", "date/month_12",
	};
	unsigned mo, d, h, mi, h12;
	const char *ampm;
	struct seq s;
	enum lang l;

	if (say_start(&s, lang, &l, out, n) || !text ||
	    parse_when(text, &mo, &d, &h, &mi))
		return -EINVAL;
	h12 = h % 12 ? h % 12 : 12;
	ampm = h < 12 ? "time/am" : "time/pm";
	switch (l) {
	case ZH: /* 十一月二十四日 上午九点零五分 */
		zh_number(&s, mo, ZH_CARDINAL);
		put(&s, "date/yue");
		zh_number(&s, d, ZH_CARDINAL);
		put(&s, "date/ri");
		put(&s, ampm);
		zh_number(&s, h12, ZH_MEASURE);
		put(&s, "time/dian");
		if (mi) {
			if (mi < 10)
				put(&s, "num/0");
			zh_number(&s, mi, ZH_CARDINAL);
			put(&s, "time/fen");
		}
		break;
	case KO: /* 십일월 이십사일 오전 아홉 시 오 분; 유월, 시월 */
		if (mo == 6) {
			put(&s, "date/yuwol");
		} else if (mo == 10) {
			put(&s, "date/siwol");
		} else {
			ko_sino(&s, mo);
			put(&s, "date/wol");
		}
		ko_sino(&s, d);
		put(&s, "date/il");
		put(&s, ampm);
		ko_native(&s, h12);
		put(&s, "time/si");
		if (mi) {
			ko_sino(&s, mi);
			put(&s, "time/minutes"); /* 분 */
		}
		break;
	case EN: /* November twenty four at nine oh five a m */
		put(&s, en_month[mo - 1]);
		en_number(&s, d);
		put(&s, "time/at");
		en_number(&s, h12);
		if (mi) {
			if (mi < 10)
				put(&s, "num/oh");
			en_number(&s, mi);
		}
		put(&s, ampm);
		break;
	}
	return done(&s);
}
