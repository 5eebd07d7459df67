/**
 * @file ivr.h  The interactive voice response: owns the IVR flows (later),
 * prompt sets and the rules to speak numbers; offers ivr_say_*,
 * ivr_prompts_load and ivr_prompt_find; threads: any (see each function).
 *
 * Prompts are named like files without ".wav": "menu/main",
 * "queue/you_are_number", "num/7".  Each language ("zh" Mandarin Chinese,
 * "ko" Korean, "en" English) has its own set; the language-neutral sounds
 * (the voicemail tone, music on hold) are in the set "common".  The names
 * each set must have are the catalog below, which equals the texts in
 * prompts/<lang>.txt from which scripts/gen-prompts speaks the demo's
 * prompts (docs/prompts.md lists them all).
 *
 * Numbers, queue positions and wait times are spoken by playing a
 * sequence of prompts; ivr_say_* compose those sequences following each
 * language's grammar (docs/prompts.md, "Numbers").
 */
#ifndef HOTLINE_IVR_H
#define HOTLINE_IVR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** The set holding the language-neutral sounds. */
#define IVR_LANG_COMMON "common"
/** Largest number ivr_say_number and ivr_say_position speak. */
#define IVR_SAY_NUMBER_MAX 99999u
/** Longest wait ivr_say_wait speaks: 99 hours 59 minutes. */
#define IVR_SAY_WAIT_MAX (100u * 3600u - 60u)
/** An out array this long holds any sequence ivr_say_* compose (except
 *  ivr_say_digits, which needs one entry per digit). */
#define IVR_SAY_MAX 32
/** Longest prompt accepted: 10 minutes at 8 kHz. */
#define IVR_PROMPT_MAX_SAMPLES (600u * 8000u)

/* --- catalog.c ------------------------------------------------------------ */

/** Is lang one of the languages with a catalog ("zh", "ko", "en"); false
 *  for IVR_LANG_COMMON and NULL. */
bool ivr_lang_known(const char *lang);

/** Number of prompts the set lang (a language or IVR_LANG_COMMON) must
 *  have; 0 for an unknown set. */
size_t ivr_catalog_count(const char *lang);

/** The i-th prompt name of set lang (static storage), NULL past the end. */
const char *ivr_catalog_name(const char *lang, size_t i);

/** Does set lang have a prompt called name? */
bool ivr_catalog_has(const char *lang, const char *name);

/* --- say.c ------------------------------------------------------------------
 * Each function writes the prompt names that speak its value into
 * out[0..n-1] (names in static storage) and returns how many, or a
 * negative errno: -EINVAL for a NULL or unknown lang, NULL out or a
 * value the function does not define (position 0, a non-digit);
 * -ERANGE for a value beyond what is spoken; -ENOSPC if n is too small
 * (out's content is then unspecified).  To append to a sequence, pass
 * out + len and n - len.  Pure functions: any thread.                      */

/** Number v (0..IVR_SAY_NUMBER_MAX) read as a cardinal number:
 *  zh 23456 两万三千四百五十六, ko 12345 만 이천 삼백 사십 오,
 *  en 12345 twelve thousand three hundred forty five. */
int ivr_say_number(const char *lang, uint32_t v, const char **out, size_t n);

/** A string of digits read one by one, as phone numbers are:
 *  zh reads 1 as 幺 (yao), ko reads 0 as 공 (gong), en reads 0 as zero.
 *  The empty string gives 0 prompts. */
int ivr_say_digits(const char *lang, const char *digits, const char **out,
                   size_t n);

/** "You are number N in the queue" (pos 1..IVR_SAY_NUMBER_MAX):
 *  zh 您目前排在第 N 位 (ordinal: 第二位), ko 고객님의 대기 순번은 N 번입니다
 *  (Sino-Korean N), en You are number N in the queue. */
int ivr_say_position(const char *lang, uint32_t pos, const char **out,
                     size_t n);

/** "Your estimated waiting time is ..." for a wait of seconds
 *  (0..IVR_SAY_WAIT_MAX): under 60 s "less than a minute"; otherwise
 *  about M minutes with M = seconds / 60 rounded up (61 s is 2 minutes:
 *  an estimate that errs long disappoints no one); from 60 minutes on,
 *  hours and minutes (3600 s: about one hour; 3601 s: one hour one
 *  minute).  zh 预计等待时间约两分钟 (两 before a measure word),
 *  ko 예상 대기 시간은 약 두 시간 삼 분입니다 (native Korean hours,
 *  Sino-Korean minutes), en Your estimated waiting time is about one
 *  minute. */
int ivr_say_wait(const char *lang, uint32_t seconds, const char **out,
                 size_t n);

/* --- prompts.c ------------------------------------------------------------ */

/** One prompt: 8 kHz mono mu-law (G.711 u-law) samples. */
struct ivr_prompt {
	const char *name; /* borrowed: the catalog's static name */
	uint8_t *ulaw;    /* owned by the prompt set */
	size_t samples;   /* > 0; 8,000 a second */
	const char *path; /* owned by the set: the file it was loaded from */
};

/** A loaded prompt set: every catalog prompt of some languages plus the
 *  common sounds, in memory.  Immutable once loaded. */
struct ivr_prompts;

/** Load and check the prompts of langs (each with a catalog) and of
 *  IVR_LANG_COMMON.
 *  @param pp     receives the set (a libre mem object: mem_deref it)
 *  @param dir    search path of prompt folders separated by ':', earlier
 *                folders first: "var/prompts:build/prompts" takes an
 *                operator's recording var/prompts/zh/menu/main.wav over
 *                the generated build/prompts/zh/menu/main.wav.  Each
 *                folder holds <lang>/<name>.wav.
 *  @param langs  language codes; nlangs of them (0 loads only common)
 *  @param err    if not NULL, receives a message naming the first bad or
 *                missing file, and how many more problems there are
 *  @return 0; EINVAL for bad arguments or a language without catalog;
 *          ENOENT if a prompt is in none of the folders; EBADMSG if a
 *          file is unreadable, is not WAV, not 8,000 Hz, not mono, not
 *          mu-law or 16-bit PCM (converted to mu-law), empty or longer
 *          than IVR_PROMPT_MAX_SAMPLES (the first folder holding a
 *          name decides: a bad recording is refused, never skipped for
 *          the generated one); ENOMEM.  Every problem is also logged.
 *  Threads: any, but it reads files (about 200 of them, 6 MB for three
 *  languages): call it at start-up or on a worker, not on the event
 *  loop. */
int ivr_prompts_load(struct ivr_prompts **pp, const char *dir,
                     const char *const *langs, size_t nlangs, char *err,
                     size_t errsz);

/** The prompt name of lang, else of IVR_LANG_COMMON, else NULL.
 *  Threads: any (the set is immutable). */
const struct ivr_prompt *ivr_prompt_find(const struct ivr_prompts *p,
                                         const char *lang, const char *name);

/** G.711 mu-law encoding of one 16-bit linear sample. */
uint8_t ivr_ulaw_encode(int16_t pcm);

/** G.711 mu-law decoding to a 16-bit linear sample. */
int16_t ivr_ulaw_decode(uint8_t ulaw);

#endif
