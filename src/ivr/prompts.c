/**
 * @file prompts.c  Prompt sets: every catalog prompt of some languages,
 * read from WAV files with libsndfile into 8 kHz mu-law arrays.
 *
 * Only what a phone call carries is accepted: 8,000 Hz mono, mu-law
 * (kept byte for byte) or 16-bit PCM (encoded to mu-law here, so media
 * code sees one format).  Anything else is refused with the file named
 * and the sox command that converts it: resampling silently at load
 * would hide a wrong export and cost start-up time on every run.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <re.h>
#include <sndfile.h>

#include "core/core.h"
#include "ivr/ivr.h"

#define MAX_DIRS 8

struct lang_set {
	char *code;                 /* owned */
	struct ivr_prompt *prompts; /* owned array, sorted by name */
	size_t n;
};

struct ivr_prompts {
	struct lang_set *sets; /* owned array: the languages, then common */
	size_t nsets;
};

/* Problems found while loading: the first one is the message. */
struct report {
	char *err;
	size_t errsz;
	int first;    /* errno of the first problem */
	size_t count; /* problems found */
};

static void problem(struct report *r, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(struct report *r, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	HL_WARN("ivr", "prompts: %s", msg);
	if (r->count++ == 0) {
		r->first = code;
		if (r->err && r->errsz)
			snprintf(r->err, r->errsz, "%s", msg);
	}
}

static void prompts_destructor(void *arg)
{
	struct ivr_prompts *p = arg;

	for (size_t i = 0; i < p->nsets; i++) {
		struct lang_set *ls = &p->sets[i];

		for (size_t j = 0; j < ls->n; j++) {
			mem_deref(ls->prompts[j].ulaw);
			mem_deref((char *)ls->prompts[j].path);
		}
		mem_deref(ls->prompts);
		mem_deref(ls->code);
	}
	mem_deref(p->sets);
}

/* --- G.711 mu-law --------------------------------------------------------- */

/* The segment (exponent) of a biased magnitude is the position of its
 * highest set bit above bit 7. */
uint8_t ivr_ulaw_encode(int16_t pcm)
{
	const int bias = 0x84, clip = 32635;
	int sign = 0, mag = pcm, exp = 7;
	int mant;

	if (mag < 0) {
		mag = -mag;
		sign = 0x80;
	}
	if (mag > clip)
		mag = clip;
	mag += bias;
	for (int mask = 0x4000; exp > 0 && !(mag & mask); mask >>= 1)
		exp--;
	mant = (mag >> (exp + 3)) & 0x0f;
	return (uint8_t) ~(sign | (exp << 4) | mant);
}

int16_t ivr_ulaw_decode(uint8_t ulaw)
{
	int u = ~ulaw & 0xff;
	int exp = (u >> 4) & 0x07, mant = u & 0x0f;
	int mag = (((mant << 3) + 0x84) << exp) - 0x84;

	return (int16_t)((u & 0x80) ? -mag : mag);
}

/* --- reading one file ----------------------------------------------------- */

static const char *subtype_name(int fmt)
{
	switch (fmt & SF_FORMAT_SUBMASK) {
	case SF_FORMAT_PCM_S8:
	case SF_FORMAT_PCM_U8:
		return "8-bit PCM";
	case SF_FORMAT_PCM_24:
		return "24-bit PCM";
	case SF_FORMAT_PCM_32:
		return "32-bit PCM";
	case SF_FORMAT_FLOAT:
		return "32-bit float";
	case SF_FORMAT_DOUBLE:
		return "64-bit float";
	case SF_FORMAT_ALAW:
		return "A-law";
	case SF_FORMAT_IMA_ADPCM:
	case SF_FORMAT_MS_ADPCM:
		return "ADPCM";
	case SF_FORMAT_GSM610:
		return "GSM 6.10";
	default:
		return "an unsupported encoding";
	}
}

#define CONVERT_HINT "(convert: sox IN -r 8000 -c 1 -e mu-law OUT.wav)"

/* Read path into pr (ulaw, samples); report problems. */
static int read_wav(struct ivr_prompt *pr, const char *path, struct report *r)
{
	SF_INFO info;
	SNDFILE *sf;
	int type, sub, err = 0;
	int16_t *pcm = NULL;
	sf_count_t got;

	memset(&info, 0, sizeof(info));
	sf = sf_open(path, SFM_READ, &info);
	if (!sf) {
		problem(r, EBADMSG, "%s: unreadable: %s", path,
		        sf_strerror(NULL));
		return EBADMSG;
	}
	type = info.format & SF_FORMAT_TYPEMASK;
	sub = info.format & SF_FORMAT_SUBMASK;
	if (type != SF_FORMAT_WAV && type != SF_FORMAT_WAVEX) {
		problem(r, EBADMSG, "%s: not a WAV file " CONVERT_HINT, path);
		err = EBADMSG;
		goto out;
	}
	if (info.samplerate != 8000) {
		problem(r, EBADMSG,
		        "%s: sample rate %d Hz, prompts must be 8000 "
		        "Hz " CONVERT_HINT,
		        path, info.samplerate);
		err = EBADMSG;
		goto out;
	}
	if (info.channels != 1) {
		problem(r, EBADMSG,
		        "%s: %d channels, prompts must be mono " CONVERT_HINT,
		        path, info.channels);
		err = EBADMSG;
		goto out;
	}
	if (sub != SF_FORMAT_ULAW && sub != SF_FORMAT_PCM_16) {
		problem(r, EBADMSG,
		        "%s: %s, prompts must be mu-law or 16-bit "
		        "PCM " CONVERT_HINT,
		        path, subtype_name(info.format));
		err = EBADMSG;
		goto out;
	}
	if (info.frames <= 0) {
		problem(r, EBADMSG, "%s: no audio", path);
		err = EBADMSG;
		goto out;
	}
	if ((uint64_t)info.frames > IVR_PROMPT_MAX_SAMPLES) {
		problem(r, EBADMSG, "%s: %.0f s long, prompts are at most %u s",
		        path, (double)info.frames / 8000,
		        IVR_PROMPT_MAX_SAMPLES / 8000);
		err = EBADMSG;
		goto out;
	}

	pr->samples = (size_t)info.frames;
	pr->ulaw = mem_alloc(pr->samples, NULL);
	if (!pr->ulaw) {
		err = ENOMEM;
		goto out;
	}
	if (sub == SF_FORMAT_ULAW) {
		/* The file's own bytes: a mu-law recording stays bit-exact. */
		got = sf_read_raw(sf, pr->ulaw, info.frames);
	} else {
		pcm = malloc(pr->samples * sizeof(*pcm));
		if (!pcm) {
			err = ENOMEM;
			goto out;
		}
		got = sf_readf_short(sf, pcm, info.frames);
		for (sf_count_t i = 0; i < got; i++)
			pr->ulaw[i] = ivr_ulaw_encode(pcm[i]);
	}
	if (got != info.frames) {
		problem(r, EBADMSG, "%s: truncated (%lld of %lld samples)",
		        path, (long long)got, (long long)info.frames);
		err = EBADMSG;
	}

out:
	free(pcm);
	sf_close(sf);
	if (err) {
		pr->ulaw = mem_deref(pr->ulaw);
		pr->samples = 0;
	}
	return err;
}

/* --- loading a set -------------------------------------------------------- */

static int prompt_cmp(const void *a, const void *b)
{
	const struct ivr_prompt *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* Find name in the first folder of dirs that has it and read it. */
static int load_one(struct ivr_prompt *pr, const char *lang, const char *name,
                    char *const *dirs, size_t ndirs, const char *dirlist,
                    struct report *r)
{
	struct stat st;
	char *path = NULL;
	int err;

	pr->name = name;
	for (size_t i = 0; i < ndirs; i++) {
		path = mem_deref(path);
		err = re_sdprintf(&path, "%s/%s/%s.wav", dirs[i], lang, name);
		if (err)
			return err;
		if (stat(path, &st) != 0)
			continue;
		if (!S_ISREG(st.st_mode)) {
			problem(r, EBADMSG, "%s: not a regular file", path);
			mem_deref(path);
			return EBADMSG;
		}
		err = read_wav(pr, path, r);
		if (err) {
			mem_deref(path);
			return err;
		}
		pr->path = path;
		return 0;
	}
	mem_deref(path);
	problem(r, ENOENT, "prompt %s/%s.wav missing: in none of %s", lang,
	        name, dirlist);
	return ENOENT;
}

static int load_set(struct lang_set *ls, const char *lang, char *const *dirs,
                    size_t ndirs, const char *dirlist, struct report *r)
{
	size_t n = ivr_catalog_count(lang);
	int err;

	err = str_dup(&ls->code, lang);
	if (err)
		return err;
	ls->prompts = mem_zalloc(n * sizeof(*ls->prompts), NULL);
	if (!ls->prompts)
		return ENOMEM;
	ls->n = n;
	for (size_t i = 0; i < n; i++) {
		err = load_one(&ls->prompts[i], lang, ivr_catalog_name(lang, i),
		               dirs, ndirs, dirlist, r);
		if (err == ENOMEM)
			return err;
		/* other problems are reported; go on to find them all */
	}
	qsort(ls->prompts, n, sizeof(*ls->prompts), prompt_cmp);
	return 0;
}

int ivr_prompts_load(struct ivr_prompts **pp, const char *dir,
                     const char *const *langs, size_t nlangs, char *err,
                     size_t errsz)
{
	struct report r = {err, errsz, 0, 0};
	struct ivr_prompts *p = NULL;
	char *dirbuf = NULL, *dirs[MAX_DIRS], *save = NULL, *tok;
	size_t ndirs = 0;
	int e;

	if (err && errsz)
		err[0] = '\0';
	if (!pp || !dir || !*dir || (nlangs && !langs)) {
		problem(&r, EINVAL, "bad arguments");
		return EINVAL;
	}
	for (size_t i = 0; i < nlangs; i++) {
		if (!ivr_lang_known(langs[i])) {
			problem(&r, EINVAL, "no prompts for language '%s'",
			        langs[i] ? langs[i] : "(null)");
			return EINVAL;
		}
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(langs[i], langs[j])) {
				problem(&r, EINVAL, "language '%s' twice",
				        langs[i]);
				return EINVAL;
			}
		}
	}

	e = str_dup(&dirbuf, dir);
	if (e)
		return e;
	for (tok = strtok_r(dirbuf, ":", &save); tok;
	     tok = strtok_r(NULL, ":", &save)) {
		if (ndirs == MAX_DIRS) {
			problem(&r, EINVAL, "more than %d prompt folders in %s",
			        MAX_DIRS, dir);
			e = EINVAL;
			goto out;
		}
		dirs[ndirs++] = tok;
	}
	if (!ndirs) {
		problem(&r, EINVAL, "no prompt folder in '%s'", dir);
		e = EINVAL;
		goto out;
	}

	p = mem_zalloc(sizeof(*p), prompts_destructor);
	if (!p) {
		e = ENOMEM;
		goto out;
	}
	p->sets = mem_zalloc((nlangs + 1) * sizeof(*p->sets), NULL);
	if (!p->sets) {
		e = ENOMEM;
		goto out;
	}
	for (size_t i = 0; i <= nlangs; i++) {
		const char *lang = i < nlangs ? langs[i] : IVR_LANG_COMMON;

		p->nsets = i + 1;
		e = load_set(&p->sets[i], lang, dirs, ndirs, dir, &r);
		if (e)
			goto out;
	}
	if (r.count) {
		e = r.first;
		if (r.count > 1 && err && errsz) {
			size_t len = strlen(err);

			snprintf(err + len, errsz - len,
			         " (and %zu more problem%s)", r.count - 1,
			         r.count > 2 ? "s" : "");
		}
		goto out;
	}

out:
	mem_deref(dirbuf);
	if (e)
		mem_deref(p);
	else
		*pp = p;
	return e;
}

const struct ivr_prompt *ivr_prompt_find(const struct ivr_prompts *p,
                                         const char *lang, const char *name)
{
	struct ivr_prompt key;

	if (!p || !lang || !name)
		return NULL;
	key.name = name;
	for (int pass = 0; pass < 2; pass++) {
		const char *want = pass ? IVR_LANG_COMMON : lang;

		for (size_t i = 0; i < p->nsets; i++) {
			const struct lang_set *ls = &p->sets[i];
			const struct ivr_prompt *pr;

			if (strcmp(ls->code, want))
				continue;
			pr = bsearch(&key, ls->prompts, ls->n, sizeof(key),
			             prompt_cmp);
			if (pr)
				return pr;
		}
	}
	return NULL;
}

const struct ivr_prompt *ivr_prompt_lookup(const struct ivr_prompts *p,
                                           const char *path)
{
	const char *slash = path ? strchr(path, '/') : NULL;
	char lang[16];
	size_t ll;

	if (!slash || (ll = (size_t)(slash - path)) == 0 || ll >= sizeof(lang))
		return NULL;
	memcpy(lang, path, ll);
	lang[ll] = '\0';
	return ivr_prompt_find(p, lang, slash + 1);
}
