/**
 * @file test_prompts.c  Prompt sets: the catalog against the texts, the
 * generated prompts (build/prompts, made by `make prompts`, which
 * `make check` runs first), operators' recordings taking over, and bad
 * files refused with their name.  Bad files are made with sox in a
 * temporary folder.  Tests run from the repository's root.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <re.h>

#include "core/core.h"
#include "ivr/ivr.h"

#define GEN "build/prompts"

static const char *const langs[] = {"zh", "ko", "en"};
static char tmpdir[64];

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc != 0)
		fail_msg("'%s' failed (%d)", cmd, rc);
}

static int group_setup(void **state)
{
	struct stat st;

	if (stat(GEN "/zh/welcome.wav", &st) != 0) {
		fprintf(stderr, "test_prompts: " GEN " is missing: run "
		                "`make prompts` (make check does) from the "
		                "repository root\n");
		return -1;
	}
	return 0;
}

static int setup(void **state)
{
	strcpy(tmpdir, "/tmp/hotline-prompts-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Load T:build/prompts (T = this test's folder) for all three languages. */
static int load_over(struct ivr_prompts **pp, char *err, size_t errsz)
{
	char dir[128];

	snprintf(dir, sizeof(dir), "%s:" GEN, tmpdir);
	*pp = NULL;
	return ivr_prompts_load(pp, dir, langs, 3, err, errsz);
}

/* The bytes of a WAV file's data chunk. */
static uint8_t *wav_data(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	uint8_t hdr[12], ch[8], *data = NULL;
	uint32_t len;

	assert_non_null(f);
	assert_int_equal(fread(hdr, 1, 12, f), 12);
	assert_memory_equal(hdr, "RIFF", 4);
	assert_memory_equal(hdr + 8, "WAVE", 4);
	while (fread(ch, 1, 8, f) == 8) {
		len = ch[4] | ch[5] << 8 | ch[6] << 16 | (uint32_t)ch[7] << 24;
		if (!memcmp(ch, "data", 4)) {
			data = malloc(len);
			assert_non_null(data);
			assert_int_equal(fread(data, 1, len, f), len);
			*lenp = len;
			break;
		}
		assert_int_equal(fseek(f, (long)(len + (len & 1)), SEEK_CUR),
		                 0);
	}
	fclose(f);
	assert_non_null(data);
	return data;
}

/* --- the catalog ---------------------------------------------------------- */

/* The names of prompts/<lang>.txt equal the catalog, in both directions. */
static void test_catalog_matches_texts(void **state)
{
	for (size_t l = 0; l < ARRAY_LEN(langs); l++) {
		char path[64], line[2048];
		size_t n = 0;
		FILE *f;

		snprintf(path, sizeof(path), "prompts/%s.txt", langs[l]);
		f = fopen(path, "r");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f)) {
			char *bar = strchr(line, '|'), *e;

			if (line[0] == '#' || line[0] == '@' || !bar)
				continue;
			e = bar;
			while (e > line && e[-1] == ' ')
				e--;
			*e = '\0';
			if (!ivr_catalog_has(langs[l], line))
				fail_msg("%s: %s is not in src/ivr/catalog.c",
				         path, line);
			n++;
		}
		fclose(f);
		/* names are unique in both (gen-prompts refuses duplicates),
		 * so equal counts make equal sets */
		if (n != ivr_catalog_count(langs[l]))
			fail_msg("%s has %zu prompts, the catalog %zu", path, n,
			         ivr_catalog_count(langs[l]));
		for (size_t i = 0; i < n; i++) {
			for (size_t j = 0; j < i; j++)
				assert_string_not_equal(
				    ivr_catalog_name(langs[l], i),
				    ivr_catalog_name(langs[l], j));
		}
	}
	assert_true(ivr_lang_known("zh"));
	assert_false(ivr_lang_known(IVR_LANG_COMMON));
	assert_false(ivr_lang_known("fr"));
	assert_false(ivr_lang_known(NULL));
	assert_int_equal(ivr_catalog_count(IVR_LANG_COMMON), 2);
	assert_null(ivr_catalog_name("zh", ivr_catalog_count("zh")));
	assert_null(ivr_catalog_name("fr", 0));
}

/* docs/prompts.md lists every prompt as `name`. */
static void test_docs_list_every_prompt(void **state)
{
	static char doc[65536];
	const char *sets[] = {"zh", "ko", "en", IVR_LANG_COMMON};
	FILE *f = fopen("docs/prompts.md", "r");
	size_t len;

	assert_non_null(f);
	len = fread(doc, 1, sizeof(doc) - 1, f);
	fclose(f);
	assert_true(len > 0 && len < sizeof(doc) - 1);
	doc[len] = '\0';
	for (size_t l = 0; l < ARRAY_LEN(sets); l++) {
		for (size_t i = 0; i < ivr_catalog_count(sets[l]); i++) {
			char want[80];

			snprintf(want, sizeof(want), "`%s`",
			         ivr_catalog_name(sets[l], i));
			if (!strstr(doc, want))
				fail_msg("docs/prompts.md does not list %s",
				         want);
		}
	}
}

/* --- the generated set ---------------------------------------------------- */

static void test_generated_load(void **state)
{
	struct ivr_prompts *p = NULL;
	const struct ivr_prompt *pr;
	char err[512];
	size_t len;
	uint8_t *raw;

	assert_int_equal(ivr_prompts_load(&p, GEN, langs, 3, err, sizeof(err)),
	                 0);
	assert_string_equal(err, "");
	for (size_t l = 0; l < ARRAY_LEN(langs); l++) {
		for (size_t i = 0; i < ivr_catalog_count(langs[l]); i++) {
			const char *name = ivr_catalog_name(langs[l], i);
			char want[128];

			pr = ivr_prompt_find(p, langs[l], name);
			assert_non_null(pr);
			assert_string_equal(pr->name, name);
			assert_true(pr->samples > 0);
			assert_true(pr->samples <= IVR_PROMPT_MAX_SAMPLES);
			snprintf(want, sizeof(want), GEN "/%s/%s.wav", langs[l],
			         name);
			assert_string_equal(pr->path, want);
		}
	}
	/* a menu is seconds long, a number word well under one */
	pr = ivr_prompt_find(p, "zh", "menu/main");
	assert_true(pr->samples > 5 * 8000 && pr->samples < 30 * 8000);
	pr = ivr_prompt_find(p, "ko", "num/3");
	assert_true(pr->samples > 800 && pr->samples < 8000);

	/* the file's mu-law bytes, unchanged */
	pr = ivr_prompt_find(p, "en", "goodbye");
	raw = wav_data(pr->path, &len);
	assert_int_equal(len, pr->samples);
	assert_memory_equal(raw, pr->ulaw, len);
	free(raw);

	/* common sounds from any language */
	pr = ivr_prompt_find(p, "ko", "moh/default");
	assert_non_null(pr);
	assert_string_equal(pr->path, GEN "/common/moh/default.wav");
	assert_int_equal(pr->samples, 60 * 8000);
	pr = ivr_prompt_find(p, "zh", "tone/beep");
	assert_non_null(pr);
	assert_true(pr->samples >= 4000 && pr->samples <= 8000);

	assert_null(ivr_prompt_find(p, "zh", "menu/nonexistent"));
	assert_null(ivr_prompt_find(p, "zh", NULL));
	assert_null(ivr_prompt_find(NULL, "zh", "menu/main"));
	/* a language not loaded has only the common sounds */
	assert_null(ivr_prompt_find(p, "fr", "menu/main"));
	assert_non_null(ivr_prompt_find(p, "fr", "tone/beep"));
	/* words of one language only */
	assert_non_null(ivr_prompt_find(p, "zh", "num/liang"));
	assert_null(ivr_prompt_find(p, "en", "num/liang"));
	mem_deref(p);
}

static void test_common_only(void **state)
{
	struct ivr_prompts *p = NULL;

	assert_int_equal(ivr_prompts_load(&p, GEN, NULL, 0, NULL, 0), 0);
	assert_null(ivr_prompt_find(p, "zh", "menu/main"));
	assert_non_null(ivr_prompt_find(p, "zh", "tone/beep"));
	mem_deref(p);
}

/* Every say sequence of every language can be played from the set. */
static void test_say_sequences_playable(void **state)
{
	struct ivr_prompts *p = NULL;
	const char *seq[IVR_SAY_MAX];

	assert_int_equal(ivr_prompts_load(&p, GEN, langs, 3, NULL, 0), 0);
	for (size_t l = 0; l < ARRAY_LEN(langs); l++) {
		for (uint32_t s = 0; s < 30 * 3600; s += 37) {
			int n = ivr_say_wait(langs[l], s, seq, IVR_SAY_MAX);

			assert_true(n > 0);
			for (int i = 0; i < n; i++)
				assert_non_null(
				    ivr_prompt_find(p, langs[l], seq[i]));
		}
	}
	mem_deref(p);
}

/* --- operators' recordings ------------------------------------------------ */

/* A 16-bit PCM recording replaces the generated prompt and is encoded
 * to the same mu-law bytes it was decoded from. */
static void test_pcm16_override(void **state)
{
	struct ivr_prompts *p = NULL;
	const struct ivr_prompt *pr, *gen;
	struct ivr_prompts *g = NULL;
	char err[512], want[128];

	sh("mkdir -p %s/ko %s/zh", tmpdir, tmpdir);
	sh("sox " GEN "/ko/goodbye.wav -e signed-integer -b 16 %s/ko/"
	   "goodbye.wav",
	   tmpdir);
	/* a mu-law file of another prompt stands in for zh welcome */
	sh("cp " GEN "/en/welcome.wav %s/zh/welcome.wav", tmpdir);

	assert_int_equal(load_over(&p, err, sizeof(err)), 0);
	assert_int_equal(ivr_prompts_load(&g, GEN, langs, 3, NULL, 0), 0);

	pr = ivr_prompt_find(p, "ko", "goodbye");
	gen = ivr_prompt_find(g, "ko", "goodbye");
	snprintf(want, sizeof(want), "%s/ko/goodbye.wav", tmpdir);
	assert_string_equal(pr->path, want);
	assert_int_equal(pr->samples, gen->samples);
	for (size_t i = 0; i < pr->samples; i++) {
		/* 0x7F (-0) and 0xFF (+0) both decode to 0 */
		uint8_t w = gen->ulaw[i] == 0x7f ? 0xff : gen->ulaw[i];

		if (pr->ulaw[i] != w)
			fail_msg("sample %zu: %#x, generated %#x", i,
			         pr->ulaw[i], gen->ulaw[i]);
	}

	pr = ivr_prompt_find(p, "zh", "welcome");
	gen = ivr_prompt_find(g, "en", "welcome");
	assert_int_equal(pr->samples, gen->samples);
	assert_memory_equal(pr->ulaw, gen->ulaw, pr->samples);

	/* the rest comes from the generated folder */
	assert_string_equal(ivr_prompt_find(p, "ko", "welcome")->path,
	                    GEN "/ko/welcome.wav");
	mem_deref(g);
	mem_deref(p);
}

static void put_le(uint8_t *p, uint32_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A 16-bit PCM 8 kHz mono WAV of the given samples. */
static void write_pcm16(const char *path, const int16_t *pcm, uint32_t n)
{
	uint8_t h[44];
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	memcpy(h, "RIFF", 4);
	put_le(h + 4, 36 + 2 * n, 4);
	memcpy(h + 8, "WAVEfmt ", 8);
	put_le(h + 16, 16, 4);
	put_le(h + 20, 1, 2);    /* PCM */
	put_le(h + 22, 1, 2);    /* mono */
	put_le(h + 24, 8000, 4); /* rate */
	put_le(h + 28, 16000, 4);
	put_le(h + 32, 2, 2);
	put_le(h + 34, 16, 2);
	memcpy(h + 36, "data", 4);
	put_le(h + 40, 2 * n, 4);
	assert_int_equal(fwrite(h, 1, 44, f), 44);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t b[2];

		put_le(b, (uint16_t)pcm[i], 2);
		assert_int_equal(fwrite(b, 1, 2, f), 2);
	}
	assert_int_equal(fclose(f), 0);
}

/* Our mu-law encoding of 16-bit PCM agrees with sox's (-D: no dither) on
 * every 14-bit level, the resolution of G.711.  (Between the levels
 * encoders legitimately differ: sox rounds to 14 bits, we truncate the
 * magnitude as libsndfile does.) */
static void test_pcm16_encoding_matches_sox(void **state)
{
	enum { N = 16384 };
	struct ivr_prompts *p = NULL;
	const struct ivr_prompt *a, *b;
	static int16_t ramp[N];
	char path[128];
	size_t differ = 0;

	for (int i = 0; i < N; i++)
		ramp[i] = (int16_t)((i - N / 2) * 4);
	sh("mkdir -p %s/en/num", tmpdir);
	snprintf(path, sizeof(path), "%s/en/num/1.wav", tmpdir);
	write_pcm16(path, ramp, N);
	sh("sox -D %s/en/num/1.wav -e mu-law %s/en/num/2.wav", tmpdir, tmpdir);
	assert_int_equal(load_over(&p, NULL, 0), 0);
	a = ivr_prompt_find(p, "en", "num/1");
	b = ivr_prompt_find(p, "en", "num/2");
	assert_int_equal(a->samples, N);
	assert_int_equal(b->samples, N);
	for (size_t i = 0; i < N; i++) {
		differ += a->ulaw[i] != b->ulaw[i];
		assert_int_equal(a->ulaw[i], ivr_ulaw_encode(ramp[i]));
	}
	if (differ)
		fail_msg("%zu of %d samples differ from sox", differ, N);
	mem_deref(p);
}

/* --- refused files -------------------------------------------------------- */

static void expect_refused(const char *file, const char *make_cmd, int code,
                           const char *what)
{
	struct ivr_prompts *p = NULL;
	char err[512], path[160];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, file);
	sh("mkdir -p $(dirname %s)", path);
	sh(make_cmd, path);
	assert_int_equal(load_over(&p, err, sizeof(err)), code);
	assert_null(p);
	if (!strstr(err, path) || !strstr(err, what))
		fail_msg("'%s' should name %s and say '%s'", err, path, what);
	unlink(path);
}

static void test_wrong_rate_refused(void **state)
{
	expect_refused("zh/menu/main.wav",
	               "sox " GEN "/zh/menu/main.wav -r 16000 %s", EBADMSG,
	               "sample rate 16000 Hz, prompts must be 8000 Hz");
	/* the sox hint is part of the message */
	expect_refused("zh/menu/main.wav",
	               "sox -n -r 44100 -c 1 -b 16 %s synth 0.2 sine 440",
	               EBADMSG, "sox IN -r 8000 -c 1 -e mu-law OUT.wav");
}

static void test_other_formats_refused(void **state)
{
	static const struct {
		const char *file;
		const char *cmd;
		const char *what;
	} cases[] = {
	    {"ko/goodbye.wav",
	     "sox -n -r 8000 -c 2 -b 16 %s synth 0.2 sine 440",
	     "2 channels, prompts must be mono"},
	    {"ko/goodbye.wav",
	     "sox -n -r 8000 -c 1 -e a-law %s synth 0.2 sine 440",
	     "A-law, prompts must be mu-law or 16-bit PCM"},
	    {"en/num/7.wav",
	     "sox -n -r 8000 -c 1 -e floating-point -b 32 %s synth 0.2 "
	     "sine 440",
	     "32-bit float"},
	    {"en/num/7.wav",
	     "sox -n -r 8000 -c 1 -e unsigned-integer -b 8 %s synth 0.2 "
	     "sine 440",
	     "8-bit PCM"},
	    {"en/num/7.wav", "sox -n -r 8000 -c 1 -b 24 %s synth 0.2 sine 440",
	     "24-bit PCM"},
	    {"common/tone/beep.wav",
	     "sox -n -r 8000 -c 1 -b 16 -t aiff %s synth 0.2 sine 440",
	     "not a WAV file"},
	    {"zh/num/liang.wav", "echo 'not audio' > %s", "unreadable"},
	    {"zh/num/liang.wav", "sox -n -r 8000 -c 1 -e mu-law %s trim 0 0",
	     "no audio"},
	    {"zh/num/liang.wav",
	     "sox -n -r 8000 -c 1 -e mu-law %s synth 601 sine 440",
	     "601 s long, prompts are at most 600 s"},
	    {"zh/num/liang.wav", "mkdir %s", "not a regular file"},
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		expect_refused(cases[i].file, cases[i].cmd, EBADMSG,
		               cases[i].what);
		sh("rm -rf %s/%s", tmpdir, cases[i].file);
	}
}

static void test_missing_named(void **state)
{
	struct ivr_prompts *p = NULL;
	char err[512], dir[96];

	sh("cp -r " GEN " %s/all", tmpdir);
	sh("rm %s/all/zh/queue/about.wav", tmpdir);
	snprintf(dir, sizeof(dir), "%s/all", tmpdir);

	assert_int_equal(ivr_prompts_load(&p, dir, langs, 3, err, sizeof(err)),
	                 ENOENT);
	assert_null(p);
	if (!strstr(err, "zh/queue/about.wav") || !strstr(err, "missing") ||
	    !strstr(err, dir) || strstr(err, "more problem"))
		fail_msg("unexpected: %s", err);

	/* every problem counted; the first named */
	sh("rm %s/all/ko/num/native_9.wav %s/all/common/moh/default.wav",
	   tmpdir, tmpdir);
	assert_int_equal(ivr_prompts_load(&p, dir, langs, 3, err, sizeof(err)),
	                 ENOENT);
	if (!strstr(err, "zh/queue/about.wav") ||
	    !strstr(err, "(and 2 more problems)"))
		fail_msg("unexpected: %s", err);

	/* a language not asked for is not needed */
	assert_int_equal(
	    ivr_prompts_load(&p, dir, &langs[2], 1, err, sizeof(err)),
	    ENOENT); /* common/moh is */
	sh("cp " GEN "/common/moh/default.wav %s/all/common/moh/", tmpdir);
	assert_int_equal(
	    ivr_prompts_load(&p, dir, &langs[2], 1, err, sizeof(err)), 0);
	mem_deref(p);
}

/* A bad recording is refused even though a good generated file exists. */
static void test_bad_override_not_skipped(void **state)
{
	expect_refused("en/goodbye.wav",
	               "sox " GEN "/en/goodbye.wav -r 11025 %s", EBADMSG,
	               "11025 Hz");
}

static void test_bad_args(void **state)
{
	struct ivr_prompts *p = NULL;
	char err[256];
	const char *fr[] = {"fr"}, *dup[] = {"zh", "en", "zh"},
	           *common[] = {IVR_LANG_COMMON}, *null[] = {NULL};

	assert_int_equal(ivr_prompts_load(NULL, GEN, langs, 3, err, 256),
	                 EINVAL);
	assert_int_equal(ivr_prompts_load(&p, NULL, langs, 3, err, 256),
	                 EINVAL);
	assert_int_equal(ivr_prompts_load(&p, "", langs, 3, err, 256), EINVAL);
	assert_int_equal(ivr_prompts_load(&p, ":", langs, 3, err, 256), EINVAL);
	assert_non_null(strstr(err, "no prompt folder"));
	assert_int_equal(ivr_prompts_load(&p, GEN, NULL, 3, err, 256), EINVAL);
	assert_int_equal(ivr_prompts_load(&p, GEN, fr, 1, err, sizeof(err)),
	                 EINVAL);
	assert_string_equal(err, "no prompts for language 'fr'");
	assert_int_equal(ivr_prompts_load(&p, GEN, dup, 3, err, sizeof(err)),
	                 EINVAL);
	assert_string_equal(err, "language 'zh' twice");
	assert_int_equal(ivr_prompts_load(&p, GEN, common, 1, NULL, 0), EINVAL);
	assert_int_equal(ivr_prompts_load(&p, GEN, null, 1, NULL, 0), EINVAL);
	assert_int_equal(ivr_prompts_load(&p, "a:b:c:d:e:f:g:h:i", langs, 3,
	                                  err, sizeof(err)),
	                 EINVAL);
	assert_non_null(strstr(err, "more than 8 prompt folders"));
	assert_null(p);

	/* a short err buffer truncates and stays terminated */
	assert_int_equal(ivr_prompts_load(&p, GEN, fr, 1, err, 8), EINVAL);
	assert_string_equal(err, "no prom");
}

/* Empty folders in the search path are skipped, like PATH's. */
static void test_search_path_forms(void **state)
{
	struct ivr_prompts *p = NULL;

	assert_int_equal(ivr_prompts_load(&p, "::" GEN ":", langs, 3, NULL, 0),
	                 0);
	mem_deref(p);
	assert_int_equal(
	    ivr_prompts_load(&p, "/nonexistent:" GEN, langs, 3, NULL, 0), 0);
	mem_deref(p);
}

/* --- G.711 ---------------------------------------------------------------- */

static void test_ulaw_codec(void **state)
{
	assert_int_equal(ivr_ulaw_encode(0), 0xff);
	assert_int_equal(ivr_ulaw_encode(32767), 0x80);
	assert_int_equal(ivr_ulaw_encode(-32768), 0x00);
	assert_int_equal(ivr_ulaw_decode(0xff), 0);
	assert_int_equal(ivr_ulaw_decode(0x80), 32124);
	assert_int_equal(ivr_ulaw_decode(0x00), -32124);
	assert_int_equal(ivr_ulaw_decode(0xfe), 8);
	for (int u = 0; u < 256; u++) {
		int16_t v = ivr_ulaw_decode((uint8_t)u);

		assert_int_equal(ivr_ulaw_encode(v), u == 0x7f ? 0xff : u);
		/* larger codes within a sign: smaller magnitude */
		if ((u & 0x7f) != 0x7f) {
			int16_t w = ivr_ulaw_decode((uint8_t)(u + 1));

			assert_true(u < 0x80 ? w > v : w < v);
		}
	}
	/* every 16-bit value encodes to the nearest level below it in
	 * magnitude: decoding never grows it by more than one step */
	for (int x = -32768; x <= 32767; x++) {
		int16_t back = ivr_ulaw_decode(ivr_ulaw_encode((int16_t)x));
		int err = abs(back - x);
		int mag = abs(x) > 32124 ? 32124 : abs(x);

		if (abs(x) <= 32124 && err > mag / 16 + 8)
			fail_msg("%d -> %d", x, back);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_catalog_matches_texts),
	    cmocka_unit_test(test_docs_list_every_prompt),
	    cmocka_unit_test(test_generated_load),
	    cmocka_unit_test(test_common_only),
	    cmocka_unit_test(test_say_sequences_playable),
	    cmocka_unit_test_setup_teardown(test_pcm16_override, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_pcm16_encoding_matches_sox,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wrong_rate_refused, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_other_formats_refused, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_missing_named, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_bad_override_not_skipped,
	                                    setup, teardown),
	    cmocka_unit_test(test_bad_args),
	    cmocka_unit_test(test_search_path_forms),
	    cmocka_unit_test(test_ulaw_codec),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
