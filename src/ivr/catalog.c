/**
 * @file catalog.c  The prompt names every set must have.
 *
 * Kept equal to prompts/<lang>.txt by tests/ivr/test_prompts.c: a prompt
 * added to the texts must be added here (and the other way round), so the
 * loader refuses a set that lacks one before a caller hears silence.
 */
#include <string.h>

#include "core/core.h"
#include "ivr/ivr.h"

/* The flows' sentences and fragments: every language has them all. */
static const char *const sentences[] = {
    "welcome",
    "notice/recording",
    "lang/option",
    "menu/main",
    "menu/repeat",
    "error/invalid",
    "error/no_input",
    "error/try_again",
    "error/system", /* a lookup or a transfer failed */
    "transfer/operator",
    "transfer/connecting",
    "closed/message",
    "service/suspended", /* the tenant is suspended (src/api/tenants.c) */
    "voicemail/offer",
    "voicemail/record",
    "voicemail/thanks",
    "voicemail/no_message",
    "voicemail/unavailable",
    "queue/all_busy",
    "queue/you_are_number",
    "queue/in_the_queue",
    "queue/wait_is",
    "queue/about",
    "queue/less_than_a_minute",
    "queue/thanks_for_waiting",
    "queue/keep_waiting",
    "callback/offer",
    "callback/this_number",
    "callback/confirm",
    "callback/enter_number",
    "callback/you_entered",
    "callback/confirmed",
    "agent/callback",  /* heard by the agent who takes a callback */
    "agent/voicemail", /* ... a voice message, before it */
    "account/enter",
    "account/invalid",
    "case/enter",
    "case/not_found",
    "survey/rate",
    "survey/thanks",
    "goodbye",
    "time/seconds",
    "time/minutes",
    "time/hours",
    "num/0",
    "num/1",
    "num/2",
    "num/3",
    "num/4",
    "num/5",
    "num/6",
    "num/7",
    "num/8",
    "num/9",
    "num/point", /* decimals: 12.5 */
    /* appointments booked by the IVR (dates: ivr_say_datetime) */
    "time/am",
    "time/pm",
    "appt/offer",
    "appt/choose",
    "appt/booked",
    "appt/code",
    "appt/none",
};

/* Words only some languages need (say.c tells where each one goes). */
static const char *const zh_words[] = {
    "num/liang", /* 两: 2 before 千 and 万, a leading 百, a measure word */
    "num/yao",   /* 幺: 1 in phone numbers */
    "num/ten",   "num/hundred", "num/thousand", "num/ten_thousand",
};

static const char *const ko_words[] = {
    "phrase/end", /* 입니다: closes a sentence after a number */
    "num/gong",   /* 공: 0 in phone numbers */
    "num/ten",
    "num/hundred",
    "num/thousand",
    "num/ten_thousand",
    /* native Korean numbers, counter forms, for hours */
    "num/native_1",
    "num/native_2",
    "num/native_3",
    "num/native_4",
    "num/native_5",
    "num/native_6",
    "num/native_7",
    "num/native_8",
    "num/native_9",
    "num/native_10",
    "num/native_20",
    "num/native_20_alone",
    "num/native_30",
    "num/native_40",
    "num/native_50",
    "num/native_60",
    "num/native_70",
    "num/native_80",
    "num/native_90",
};

static const char *const en_words[] = {
    "time/second", "time/minute", "time/hour",   "time/and",     "num/10",
    "num/11",      "num/12",      "num/13",      "num/14",       "num/15",
    "num/16",      "num/17",      "num/18",      "num/19",       "num/20",
    "num/30",      "num/40",      "num/50",      "num/60",       "num/70",
    "num/80",      "num/90",      "num/hundred", "num/thousand",
};

/* The words of dates and times (ivr_say_datetime), by language. */
static const char *const zh_dates[] = {
    "date/yue",  /* 月 */
    "date/ri",   /* 日 */
    "time/dian", /* 点: o'clock */
    "time/fen",  /* 分: past the hour (time/minutes is 分钟, a duration) */
};

static const char *const ko_dates[] = {
    "date/wol",   /* 월: month */
    "date/yuwol", /* 유월: June */
    "date/siwol", /* 시월: October */
    "date/il",    /* 일: day */
    "time/si",    /* 시: o'clock, after native Korean hours */
};

static const char *const en_dates[] = {
    "date/month_1",  /* January */
    "date/month_2",  /* ... */
    "date/month_3",  /* */
    "date/month_4",  /* */
    "date/month_5",  /* */
    "date/month_6",  /* */
    "date/month_7",  /* */
    "date/month_8",  /* */
    "date/month_9",  /* */
    "date/month_10", /* */
    "date/month_11", /* */
    "date/month_12", /* December */
    "time/at",       /* November twenty four at nine */
    "num/oh",        /* 9:05 nine oh five */
};

static const char *const common_sounds[] = {
    "tone/beep",   /* before voicemail recording */
    "moh/default", /* music on hold, looped */
};

struct catalog {
	const char *lang;
	const char *const *shared; /* sentences, or NULL */
	size_t nshared;
	const char *const *own;
	size_t nown;
	const char *const *dates; /* after own, or NULL */
	size_t ndates;
};

static const struct catalog catalogs[] = {
    {"zh", sentences, ARRAY_LEN(sentences), zh_words, ARRAY_LEN(zh_words),
     zh_dates, ARRAY_LEN(zh_dates)},
    {"ko", sentences, ARRAY_LEN(sentences), ko_words, ARRAY_LEN(ko_words),
     ko_dates, ARRAY_LEN(ko_dates)},
    {"en", sentences, ARRAY_LEN(sentences), en_words, ARRAY_LEN(en_words),
     en_dates, ARRAY_LEN(en_dates)},
    {IVR_LANG_COMMON, NULL, 0, common_sounds, ARRAY_LEN(common_sounds), NULL,
     0},
};

static const struct catalog *catalog_get(const char *lang)
{
	if (!lang)
		return NULL;
	for (size_t i = 0; i < ARRAY_LEN(catalogs); i++) {
		if (!strcmp(catalogs[i].lang, lang))
			return &catalogs[i];
	}
	return NULL;
}

bool ivr_lang_known(const char *lang)
{
	const struct catalog *c = catalog_get(lang);

	return c && c->shared;
}

size_t ivr_catalog_count(const char *lang)
{
	const struct catalog *c = catalog_get(lang);

	return c ? c->nshared + c->nown + c->ndates : 0;
}

const char *ivr_catalog_name(const char *lang, size_t i)
{
	const struct catalog *c = catalog_get(lang);

	if (!c)
		return NULL;
	if (i < c->nshared)
		return c->shared[i];
	i -= c->nshared;
	if (i < c->nown)
		return c->own[i];
	i -= c->nown;
	return i < c->ndates ? c->dates[i] : NULL;
}

bool ivr_catalog_has(const char *lang, const char *name)
{
	size_t n = ivr_catalog_count(lang);

	if (!name)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(ivr_catalog_name(lang, i), name))
			return true;
	}
	return false;
}
