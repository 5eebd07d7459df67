/**
 * @file cli.c  `hotline prompts`: check a prompt set before a restart
 * (an operator's recordings included) and show how numbers are spoken.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "cli.h"
#include "core/core.h"
#include "ivr/ivr.h"

#define PROG        "hotline prompts"
#define DEFAULT_DIR "var/prompts:build/prompts"

/* clang-format off */
static void usage(FILE *f)
{
	fprintf(f,
"usage: " PROG " check [--dir PATH] [--lang zh,ko,en]\n"
"       " PROG " say LANG number|decimal|digits|position|wait|time VALUE\n"
"\n"
"check   loads every prompt of the languages (and the common sounds) as the\n"
"        daemon does and reports each missing or unusable file; then prints\n"
"        per language how many prompts came from each folder.\n"
"        --dir PATH   folders separated by ':', earlier ones override later\n"
"                     ones (default " DEFAULT_DIR ")\n"
"        --lang LIST  languages, comma-separated (default zh,ko,en)\n"
"say     prints the prompts that speak VALUE in LANG (zh, ko or en), one\n"
"        name a line: a number (0..%u), an amount (128.50), a string of\n"
"        digits, a queue position (1..%u), a wait in seconds (0..%u) or a\n"
"        date and time (\"2026-11-24 09:30\", as an appointment's).\n"
"\n"
"Prompts are 8 kHz mono WAV, mu-law or 16-bit PCM: docs/prompts.md.\n"
"exit status: 0 ok, 1 a problem (printed), 2 bad usage.\n",
		IVR_SAY_NUMBER_MAX, IVR_SAY_NUMBER_MAX, IVR_SAY_WAIT_MAX);
}
/* clang-format on */

static int parse_u32(const char *s, uint32_t *vp)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return EINVAL;
	*vp = (uint32_t)v;
	return 0;
}

static int cmd_say(int argc, char **argv)
{
	const char *seq[256];
	const char *lang, *kind, *value;
	uint32_t v = 0;
	int n;

	if (argc != 4) {
		usage(stderr);
		return 2;
	}
	lang = argv[1];
	kind = argv[2];
	value = argv[3];
	if (!ivr_lang_known(lang)) {
		fprintf(stderr, PROG ": unknown language '%s' (zh, ko, en)\n",
		        lang);
		return 2;
	}
	if (!strcmp(kind, "digits")) {
		if (strlen(value) > ARRAY_LEN(seq)) {
			fprintf(stderr, PROG ": more than %zu digits\n",
			        ARRAY_LEN(seq));
			return 2;
		}
		n = ivr_say_digits(lang, value, seq, ARRAY_LEN(seq));
	} else if (!strcmp(kind, "decimal")) {
		n = ivr_say_decimal(lang, value, seq, ARRAY_LEN(seq));
	} else if (!strcmp(kind, "time")) {
		n = ivr_say_datetime(lang, value, seq, ARRAY_LEN(seq));
	} else if (parse_u32(value, &v)) {
		fprintf(stderr, PROG ": '%s' is not a whole number\n", value);
		return 2;
	} else if (!strcmp(kind, "number"))
		n = ivr_say_number(lang, v, seq, ARRAY_LEN(seq));
	else if (!strcmp(kind, "position"))
		n = ivr_say_position(lang, v, seq, ARRAY_LEN(seq));
	else if (!strcmp(kind, "wait"))
		n = ivr_say_wait(lang, v, seq, ARRAY_LEN(seq));
	else {
		fprintf(stderr,
		        PROG ": say what? '%s' (number, decimal, digits, "
		             "position, wait, time)\n",
		        kind);
		return 2;
	}
	if (n < 0) {
		fprintf(stderr, PROG ": cannot say %s %s: %s\n", kind, value,
		        n == -ERANGE ? "out of range" : "not valid");
		return 2;
	}
	for (int i = 0; i < n; i++)
		printf("%s\n", seq[i]);
	return 0;
}

static const struct ivr_prompt *nth(const struct ivr_prompts *p,
                                    const char *lang, size_t i)
{
	return ivr_prompt_find(p, lang, ivr_catalog_name(lang, i));
}

/* Per set: its length, and how many prompts each folder gave. */
static void print_sources(const struct ivr_prompts *p, const char *lang,
                          const char *dir)
{
	size_t n = ivr_catalog_count(lang);
	double secs = 0;
	char *copy = NULL, *save = NULL;

	for (size_t i = 0; i < n; i++)
		secs += (double)nth(p, lang, i)->samples / 8000;
	printf("%-7s %3zu prompts, %6.1f s", lang, n, secs);
	if (str_dup(&copy, dir) == 0) {
		for (char *d = strtok_r(copy, ":", &save); d;
		     d = strtok_r(NULL, ":", &save)) {
			size_t from = 0, len = strlen(d);

			for (size_t i = 0; i < n; i++) {
				const char *path = nth(p, lang, i)->path;

				from +=
				    !strncmp(path, d, len) && path[len] == '/';
			}
			if (from)
				printf(", %zu from %s", from, d);
		}
	}
	printf("\n");
	mem_deref(copy);
}

static int cmd_check(int argc, char **argv)
{
	const char *dir = DEFAULT_DIR, *langs[8];
	char *langbuf = NULL, *save = NULL, err[1024];
	struct ivr_prompts *p = NULL;
	size_t nlangs = 0;
	const char *langarg = "zh,ko,en";
	int e, rc = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			dir = argv[++i];
		else if (!strncmp(argv[i], "--dir=", 6))
			dir = argv[i] + 6;
		else if (!strcmp(argv[i], "--lang") && i + 1 < argc)
			langarg = argv[++i];
		else if (!strncmp(argv[i], "--lang=", 7))
			langarg = argv[i] + 7;
		else {
			fprintf(stderr, PROG ": unknown option '%s'\n\n",
			        argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (str_dup(&langbuf, langarg))
		return 1;
	for (char *l = strtok_r(langbuf, ",", &save); l;
	     l = strtok_r(NULL, ",", &save)) {
		if (nlangs == ARRAY_LEN(langs) || !ivr_lang_known(l)) {
			fprintf(stderr,
			        PROG ": unknown language '%s' (zh, ko, "
			             "en)\n",
			        l);
			rc = 2;
			goto out;
		}
		langs[nlangs++] = l;
	}

	e = ivr_prompts_load(&p, dir, langs, nlangs, err, sizeof(err));
	if (e) {
		fprintf(stderr, PROG ": %s\n", err);
		goto out;
	}
	for (size_t i = 0; i < nlangs; i++)
		print_sources(p, langs[i], dir);
	print_sources(p, IVR_LANG_COMMON, dir);
	rc = 0;
out:
	mem_deref(p);
	mem_deref(langbuf);
	return rc;
}

int cmd_prompts(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "say"))
		return cmd_say(argc - 1, argv + 1);
	fprintf(stderr, PROG ": unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
