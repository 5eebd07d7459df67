/**
 * @file ivr.h  The interactive voice response.
 *
 * Owns: prompt sets and the rules to speak numbers, dates and times; the
 * IVR of a center (struct ivr: time zones of the tenants, the HTTP client
 * for lookups) and the sessions that run callers through the flows of the
 * center definition (src/center: `flows`, `hours`, `holidays`,
 * `languages`).
 *
 * Offers: ivr_say_*, ivr_prompts_load and ivr_prompt_find (any thread);
 * ivr_tz_* (local time of a zone, any thread); ivr_alloc and
 * ivr_session_* (the control loop only: sessions use libre timers and
 * libre's HTTP client on the loop that created the struct ivr).
 *
 * The seam with the voice channel is struct ivr_ops below: a session
 * decides what happens (play these prompts, enter that queue) and the
 * channel does it; the channel reports back what the caller did (digits)
 * and when a playback ended.  Nothing here knows SIP or RTP.
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

struct center;
struct center_tenant;
struct acd_skill_req;
struct dnsc;

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

/** A decimal number as text ("128", "128.50"; at most 5 digits before
 *  the point, 6 after): the whole part as ivr_say_number reads it, then
 *  the word for the point and each digit after it (trailing zeros
 *  dropped): zh 一百二十八点五, ko 백이십팔 점 오, en one hundred twenty
 *  eight point five.  -EINVAL for anything but digits with at most one
 *  point between them; -ERANGE above IVR_SAY_NUMBER_MAX. */
int ivr_say_decimal(const char *lang, const char *text, const char **out,
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

/** A date and time of day as text ("2026-11-24 09:30", also with 'T' and
 *  seconds, which are not spoken), in the 12-hour clock with morning or
 *  afternoon, the year not spoken (appointments are days ahead):
 *  zh 十一月二十四日 上午九点零五分 (两点 for 2 o'clock), ko 십일월 이십사일
 *  오전 아홉 시 오 분 (유월 and 시월 for June and October; native Korean
 *  hours, Sino-Korean minutes), en November twenty four at nine oh five
 *  a.m.  Whole hours have no minutes.  -EINVAL for another form or an
 *  impossible month, day, hour or minute. */
int ivr_say_datetime(const char *lang, const char *text, const char **out,
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

/** A prompt by the path the IVR hands to ivr_ops.play: "zh/menu/main",
 *  "common/tone/beep" (language, '/', name); NULL if absent.  Threads:
 *  any. */
const struct ivr_prompt *ivr_prompt_lookup(const struct ivr_prompts *p,
                                           const char *path);

/** G.711 mu-law encoding of one 16-bit linear sample. */
uint8_t ivr_ulaw_encode(int16_t pcm);

/** G.711 mu-law decoding to a 16-bit linear sample. */
int16_t ivr_ulaw_decode(uint8_t ulaw);

/* --- tz.c: local time in a time zone ---------------------------------------
 * A zone is read once from the system's zoneinfo (TZif files, RFC 8536:
 * transitions, and the POSIX rule for times after the last one) and is
 * immutable: any thread.  Why not localtime_r(): it serves only the zone
 * in the process-wide TZ variable, and changing TZ is not thread-safe.  */

struct ivr_tz;

/** A local time: the calendar day, weekday and minute of the day. */
struct ivr_local {
	int64_t days;   /* local days since 1970-01-01 */
	int wday;       /* 0 Monday .. 6 Sunday */
	int minute;     /* 0..1439 */
	int32_t offset; /* seconds east of UTC */
};

/** Load zone name ("Asia/Shanghai") from dir (NULL: /usr/share/zoneinfo).
 *  "UTC" works without a zoneinfo folder.  Returns 0, EINVAL for a bad
 *  name, ENOENT (or another errno) for an unreadable file, EBADMSG for a
 *  file that is not TZif, ENOMEM.  Reads a file: at start-up. */
int ivr_tz_load(struct ivr_tz **tzp, const char *dir, const char *name);
const char *ivr_tz_name(const struct ivr_tz *tz);
/** Offset from UTC, in seconds east, at UTC time t (seconds since the
 *  epoch); 0 for a NULL zone. */
int32_t ivr_tz_offset(const struct ivr_tz *tz, int64_t t);
/** The local time at UTC time t. */
void ivr_tz_local(const struct ivr_tz *tz, int64_t t, struct ivr_local *lt);
/** Days since 1970-01-01 of a date (m 1..12); negative before 1970. */
int64_t ivr_days_from_civil(int64_t y, int m, int d);

/* --- ivr.c: the IVR of a center ------------------------------------------- */

/** Wall clock for time conditions: milliseconds since the Unix epoch. */
typedef uint64_t(ivr_clock_h)(void *arg);

struct ivr_cfg {
	ivr_clock_h *clock; /* NULL: the system's wall clock */
	void *clock_arg;
	const char *zoneinfo; /* NULL: /usr/share/zoneinfo */
	/* A DNS client for lookups whose URL names a host (one is made from
	 * the system's resolv.conf when NULL); URLs with an IP address need
	 * none. */
	struct dnsc *dnsc;
};

struct ivr;

/** The IVR of center c: loads every tenant's time zone and prepares the
 *  HTTP client for lookups.  Keeps a reference to c (sessions point into
 *  it).  On error writes a message into err (if not NULL): ENOENT or
 *  EBADMSG for a time zone that cannot be read, ENOMEM.  Threads: the
 *  control loop (it becomes the IVR's loop); reads files: at start-up. */
int ivr_alloc(struct ivr **ivrp, const struct center *c,
              const struct ivr_cfg *cfg, char *err, size_t errsz);

/** A tenant added to the center at run time: its time zone (the
 *  system's zoneinfo; UTC until then).  ENOMEM, or the zone's error. */
int ivr_tenant_added(struct ivr *ivr, const struct center_tenant *t);

/** Current time of the IVR's clock, in ms since the epoch. */
uint64_t ivr_now(const struct ivr *ivr);

/* --- session.c: one caller in a flow -----------------------------------------
 *
 * A session runs one call through a flow.  The voice channel creates it
 * for a call to a number with a flow, gives it an ops table and then only
 * reports events; the session tells the channel what to do through ops.
 *
 *   channel                               session
 *   ivr_session_alloc(), _start()   ->    play(["zh/welcome", ...])
 *   (plays; DTMF arrives)
 *   ivr_session_digit(s, '2')       ->    stop_play() if barge-in, ...
 *   ivr_session_play_done(s)        ->    next node: play, wait, ...
 *                                   ->    queue("complaint", 0, skills)
 *   (owns the call from here; reads the variables for the screen pop)
 *   mem_deref(s) when the call ends, at any time
 *
 * Rules for the channel (the seam):
 * - Every ops function is called on the control loop.  ops may call
 *   ivr_session_digit() and ivr_session_play_done() from inside an ops
 *   function (e.g. play() that fails at once and reports the end): the
 *   session queues such events and handles them when the op returns.
 *   ops may also mem_deref(s) from inside (the caller hung up): the
 *   session notices and calls nothing more.
 * - play(): plays the prompts one after the other, then calls
 *   ivr_session_play_done() once.  Each prompt is "LANG/NAME"
 *   ("zh/menu/main", "common/tone/beep"; ivr_prompt_lookup() finds it).
 *   The array and strings are valid during the call only.  A nonzero
 *   return means nothing is played and play_done will not come; the flow
 *   goes on as if the prompts had ended.  barge_in tells whether a digit
 *   will stop the playback (the session itself calls stop_play()).
 * - stop_play(): stop at once; no play_done for that playback follows,
 *   nor for any playback a newer play() replaced: the channel drops such
 *   stale reports.
 * - digits: every key the caller presses, from any DTMF method (RFC 4733,
 *   in-band, SIP INFO), once each, also while prompts play.
 * - queue(), transfer(), voicemail(): return 0 when the channel took the
 *   call over (the session is then finished: IVR_QUEUED ...), or an errno
 *   to make the flow take the node's on_error branch.  queue() gets the
 *   queue's step-0 requirements merged with the node's skills and the
 *   skill of the caller's language (the routing engine's
 *   acd_contact_params.skills); valid during the call only.  voicemail()
 *   plays the tone, records, thanks the caller and hangs up.
 * - callback(): register the request (a callback contact in the routing
 *   engine) and return 0; the session then plays its confirmation and
 *   calls hangup().
 * - hangup(): end the call; cause 0 for the flow's end, else an errno
 *   telling why the IVR gave up (ELOOP: a runaway flow).  The session is
 *   finished (IVR_HUNG_UP) and calls nothing more.
 * - The session's variables stay readable until mem_deref(s).  The
 *   destructor calls no ops.
 */

struct ivr_ops {
	int (*play)(void *arg, const char *const *prompts, size_t n,
	            bool barge_in);
	void (*stop_play)(void *arg);
	int (*queue)(void *arg, const char *queue, uint8_t priority,
	             const struct acd_skill_req *skills, size_t nskills);
	int (*transfer)(void *arg, const char *target);
	int (*voicemail)(void *arg, const char *queue);
	int (*callback)(void *arg, const char *queue, const char *number);
	void (*hangup)(void *arg, int cause);
};

/** Who a session serves. */
struct ivr_call {
	const char *tenant; /* required */
	const char *flow;   /* required: a flow of the tenant */
	const char *lang;   /* NULL: the tenant's first language */
	const char *caller; /* calling number, or NULL */
	const char *called; /* dialed number, or NULL */
	const char *id;     /* names the call in logs, or NULL */
};

enum ivr_state {
	IVR_RUNNING = 0, /* in the flow (also before ivr_session_start) */
	IVR_QUEUED,      /* ops->queue took it */
	IVR_TRANSFERRED, /* ops->transfer took it */
	IVR_VOICEMAIL,   /* ops->voicemail took it */
	IVR_HUNG_UP,     /* the session called ops->hangup */
};

struct ivr_session;

/** A session for call in the IVR ivr (referenced until the session is
 *  freed); ops (borrowed: must outlive the session) and arg are the
 *  channel's.  Nothing is played before ivr_session_start().  Returns 0,
 *  EINVAL (missing ops, unknown tenant, flow or language; logged), or
 *  ENOMEM.  mem_deref() ends it at any time, calling no ops. */
int ivr_session_alloc(struct ivr_session **sp, struct ivr *ivr,
                      const struct ivr_call *call, const struct ivr_ops *ops,
                      void *arg);

/** Enter the flow's first node.  EALREADY if started before. */
int ivr_session_start(struct ivr_session *s);

/** The channel took a transfer (ops->transfer returned 0) but it failed
 *  later (an outside number busy or not answering): the session resumes
 *  at the transfer node's on_error branch (or says goodbye and hangs up
 *  without one), as if transfer() had returned err.  Returns 0, or EINVAL
 *  when the session is not at a transfer it handed over. */
int ivr_session_transfer_failed(struct ivr_session *s, int err);

/** A key the caller pressed: '0'-'9', '*', '#', 'A'-'D' (others are
 *  ignored).  Keys are kept in order until a menu or collect node takes
 *  them (at most IVR_TYPEAHEAD_MAX waiting; more are dropped). */
void ivr_session_digit(struct ivr_session *s, char digit);
#define IVR_TYPEAHEAD_MAX 32

/** The playback of the last play() ended. */
void ivr_session_play_done(struct ivr_session *s);

enum ivr_state ivr_session_state(const struct ivr_session *s);
/** The caller's language ("zh"). */
const char *ivr_session_lang(const struct ivr_session *s);
/** The node the session is in (or ended in), NULL before the start. */
const char *ivr_session_node(const struct ivr_session *s);

/* --- vars.c: the session's variables --------------------------------------
 * What the caller chose and entered and what lookups answered, for the
 * agent's screen pop: name -> text, in the order first set.  The IVR sets
 * caller, called, language, tenant, flow and path (the nodes passed,
 * "hours>lang_menu>..."); menu and collect nodes set theirs (the node's
 * name unless var says otherwise), http nodes the fields they store.    */

/** The value of a variable, or NULL if it was never set. */
const char *ivr_session_var(const struct ivr_session *s, const char *name);
/** Number of variables set. */
size_t ivr_session_var_count(const struct ivr_session *s);
/** The i-th variable (first set first); false past the end.  The strings
 *  stay valid until the variable changes or the session is freed. */
bool ivr_session_var_at(const struct ivr_session *s, size_t i,
                        const char **name, const char **value);

#endif
