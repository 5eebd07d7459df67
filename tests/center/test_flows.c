/**
 * @file test_flows.c  IVR flows, languages, opening hours and holidays in
 * the center definition: the demo's flow as the model holds it, every node
 * type with its values and defaults, edges resolved to node indexes.  The
 * broken files are in test_load.c's table.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <re.h>

#include "center/center.h"
#include "core/core.h"
#include "ivr/ivr.h"

static struct center *load_text(const char *text)
{
	char path[64], err[1024];
	struct center *c = NULL;
	FILE *f;
	int fd, e;

	strcpy(path, "/tmp/hotline-flows-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	e = center_load(&c, path, err, sizeof(err));
	unlink(path);
	if (e)
		fail_msg("%s", err);
	return c;
}

static const struct center_node *node(const struct center_flow *f,
                                      const char *name)
{
	for (size_t i = 0; i < f->nnodes; i++) {
		if (!strcmp(f->nodes[i].name, name))
			return &f->nodes[i];
	}
	fail_msg("no node %s", name);
	return NULL;
}

/* The node an edge leads to. */
static const char *to(const struct center_flow *f, const struct center_edge *e)
{
	if (e->node == CENTER_NODE_NONE) {
		assert_null(e->name);
		return NULL;
	}
	assert_true(e->node < f->nnodes);
	assert_string_equal(f->nodes[e->node].name, e->name);
	return f->nodes[e->node].name;
}

static const char *choice(const struct center_flow *f,
                          const struct center_node *n, char digit)
{
	for (size_t i = 0; i < n->nchoices; i++) {
		if (n->choices[i].digit == digit)
			return to(f, &n->choices[i].to);
	}
	return NULL;
}

static void prompt_is(const struct center_prompts *p, size_t i,
                      const char *lang, const char *name)
{
	assert_true(i < p->n);
	assert_int_equal(p->v[i].kind, CENTER_SAY_PROMPT);
	if (lang)
		assert_string_equal(p->v[i].lang, lang);
	else
		assert_null(p->v[i].lang);
	assert_string_equal(p->v[i].name, name);
}

static void test_demo_flow(void **state)
{
	struct center *c = NULL;
	const struct center_tenant *t;
	const struct center_flow *f;
	const struct center_node *n;
	const char *queues[][2] = {{"1", "enquiry"},
	                           {"2", "complaint"},
	                           {"3", "fault"},
	                           {"0", "general"}};
	char err[512];

	assert_int_equal(center_load(&c, "etc/demo.yaml", err, sizeof(err)), 0);
	t = center_tenant(c, "demo");

	/* languages and their skills, Mandarin first */
	assert_int_equal(t->nlanguages, 3);
	assert_string_equal(t->languages[0].code, "zh");
	assert_string_equal(t->languages[0].skill, "mandarin");
	assert_string_equal(center_language(t, "ko")->skill, "korean");
	assert_string_equal(center_language(t, "en")->skill, "english");
	assert_null(center_language(t, "fr"));

	/* open around the clock */
	assert_true(t->has_hours);
	for (int d = 0; d < 7; d++) {
		assert_int_equal(t->week[d].n, 1);
		assert_int_equal(t->week[d].r[0].from, 0);
		assert_int_equal(t->week[d].r[0].to, 1440);
	}
	assert_int_equal(t->nholidays, 0);

	assert_int_equal(t->nflows, 1);
	f = center_flow(t, "main");
	assert_non_null(f);
	assert_null(center_flow(t, "other"));

	/* the language menu comes first; no choice means Chinese */
	n = &f->nodes[0];
	assert_string_equal(n->name, "lang_menu");
	assert_int_equal(n->type, CENTER_NODE_MENU);
	prompt_is(&n->prompts, 0, "zh", "welcome");
	prompt_is(&n->prompts, 1, "zh", "lang/option");
	prompt_is(&n->prompts, 2, "ko", "lang/option");
	prompt_is(&n->prompts, 3, "en", "lang/option");
	assert_string_equal(choice(f, n, '1'), "mandarin");
	assert_string_equal(choice(f, n, '2'), "korean");
	assert_string_equal(choice(f, n, '3'), "english");
	assert_null(choice(f, n, '4'));
	assert_string_equal(to(f, &n->no_input), "mandarin");
	assert_null(to(f, &n->invalid)); /* as no_input */
	assert_int_equal(n->retries, 0);
	assert_int_equal(n->timeout_s, 4);
	assert_true(n->no_input_prompts.set);
	assert_int_equal(n->no_input_prompts.n, 0);
	prompt_is(&n->invalid_prompts, 0, NULL, "error/invalid");
	assert_string_equal(n->var, "lang_menu");

	n = node(f, "korean");
	assert_int_equal(n->type, CENTER_NODE_LANGUAGE);
	assert_string_equal(n->lang, "ko");
	assert_string_equal(to(f, &n->next), "hours");

	n = node(f, "hours");
	assert_int_equal(n->type, CENTER_NODE_TIME);
	assert_string_equal(to(f, &n->open), "notice");
	assert_string_equal(to(f, &n->closed), "closed");
	assert_null(to(f, &n->holiday)); /* as closed */

	n = node(f, "closed");
	assert_int_equal(n->type, CENTER_NODE_VOICEMAIL);
	assert_string_equal(n->queue, "general");
	prompt_is(&n->prompts, 0, NULL, "closed/message");
	prompt_is(&n->prompts, 1, NULL, "voicemail/record");
	assert_false(n->barge_in);

	/* the main menu: a queue per topic, the operator after silence */
	n = node(f, "main_menu");
	assert_int_equal(n->type, CENTER_NODE_MENU);
	assert_true(n->barge_in);
	assert_int_equal(n->retries, 2);
	assert_string_equal(to(f, &n->no_input), "operator");
	assert_string_equal(choice(f, n, '*'), "main_menu");
	assert_int_equal(n->nchoices, 6);
	for (size_t i = 0; i < ARRAY_LEN(queues); i++) {
		const char *target = choice(f, n, queues[i][0][0]);
		const struct center_node *q = node(f, target);

		assert_int_equal(q->type, CENTER_NODE_QUEUE);
		assert_string_equal(q->queue, queues[i][1]);
		assert_int_equal(q->priority, 0);
		assert_int_equal(q->prompts.n, 1);
	}

	/* 4: appointments booked through the API with the file's key */
	n = node(f, choice(f, n, '4'));
	assert_int_equal(n->type, CENTER_NODE_HTTP);
	assert_non_null(strstr(n->url, "/api/v1/ivr/slots?token="));
	assert_string_equal(to(f, &n->on_error), "appt_queue");
	n = node(f, "appt_offer");
	assert_int_equal(n->prompts.n, 3);
	assert_int_equal(n->prompts.v[1].kind, CENTER_SAY_TIME);
	assert_string_equal(n->prompts.v[1].name, "when");
	assert_string_equal(to(f, &node(f, "appt_book")->on_error),
	                    "appt_queue");
	assert_int_equal(node(f, "appt_none")->type, CENTER_NODE_QUEUE);
	assert_int_equal(t->napikeys, 1);
	assert_string_equal(t->apikeys[0].name, "ivr");
	assert_non_null(strstr(n->prompts.v[0].name, "appt/offer"));
	mem_deref(c);
}

/* clang-format off */
static const char every_type[] =
"tenants:\n"
"  - name: t\n"
"    skills: [general, vip, mandarin]\n"
"    languages: [zh, en]\n"
"    queues: [{name: general, skills: {general: 1}}]\n"
"    flows:\n"
"      f:\n"
"        start:\n"                                          /* 8 */
"          type: play\n"
"          prompts: [welcome, en:welcome]\n"
"          barge_in: false\n"
"          next: ask\n"
"        ask:\n"
"          type: collect\n"
"          prompts: account/enter\n"                        /* one entry */
"          min: 6\n"
"          max: 10\n"
"          terminator: \"*\"\n"
"          digit_timeout: 2\n"
"          next: lookup\n"
"          no_input: bye\n"
"          var: account\n"
"        lookup:\n"
"          type: http\n"
"          url: \"http://127.0.0.1:9/bill?a=${account}&c=${caller}\"\n"
"          method: POST\n"
"          timeout: 2s\n"
"          store: {amount: bill.amount, state: state}\n"
"          switch: state\n"
"          cases: {paid: bye, due: say}\n"
"          next: menu\n"
"          on_error: menu\n"
"        say:\n"
"          type: play\n"
"          prompts: [callback/you_entered, {digits: account}, {number: amount}]\n"
"          next: menu\n"
"        menu:\n"
"          type: menu\n"
"          prompts: [menu/main]\n"
"          choices: {\"1\": vip, \"2\": ext, \"3\": cb, \"4\": vm, \"5\": when, \"#\": bye}\n"
"          invalid: bye\n"
"          invalid_prompts: [error/invalid, error/try_again]\n"
"        vip: {type: queue, queue: general, priority: 7, skills: {vip: 4}}\n"
"        ext: {type: transfer, to: \"+861012345678\", on_error: bye}\n"
"        cb: {type: callback, queue: general, number: account}\n"
"        vm: {type: voicemail, queue: general}\n"
"        when: {type: time, open: en, closed: bye, holiday: vm}\n"
"        en: {type: language, set: en, next: menu}\n"
"        bye: {type: hangup}\n"
"    numbers:\n"
"      - {number: \"1\", flow: f}\n"
"      - {number: \"2\", flow: f, queue: general}\n";
/* clang-format on */

static void test_every_type(void **state)
{
	struct center *c = load_text(every_type);
	const struct center_tenant *t = &c->tenants[0];
	const struct center_flow *f = &t->flows[0];
	const struct center_node *n;

	assert_int_equal(f->nnodes, 12);
	assert_int_equal(f->line, 7);

	n = node(f, "start");
	assert_int_equal(n->line, 8);
	assert_int_equal(n->type, CENTER_NODE_PLAY);
	assert_false(n->barge_in);
	prompt_is(&n->prompts, 0, NULL, "welcome");
	prompt_is(&n->prompts, 1, "en", "welcome");
	assert_int_equal(n->prompts.v[1].line, 10);
	assert_string_equal(to(f, &n->next), "ask");
	assert_null(n->var);

	n = node(f, "ask");
	assert_int_equal(n->type, CENTER_NODE_COLLECT);
	assert_true(n->barge_in); /* default */
	assert_int_equal(n->prompts.n, 1);
	prompt_is(&n->prompts, 0, NULL, "account/enter");
	assert_int_equal(n->min_digits, 6);
	assert_int_equal(n->max_digits, 10);
	assert_int_equal(n->terminator, '*');
	assert_int_equal(n->timeout_s, 5);
	assert_int_equal(n->digit_timeout_s, 2);
	assert_int_equal(n->retries, 2);
	assert_string_equal(n->var, "account");
	assert_string_equal(to(f, &n->no_input), "bye");
	prompt_is(&n->no_input_prompts, 0, NULL, "error/no_input");

	n = node(f, "lookup");
	assert_int_equal(n->type, CENTER_NODE_HTTP);
	assert_string_equal(n->url,
	                    "http://127.0.0.1:9/bill?a=${account}&c=${caller}");
	assert_int_equal(n->method, CENTER_HTTP_POST);
	assert_int_equal(n->http_timeout_s, 2);
	assert_int_equal(n->nstore, 2);
	assert_string_equal(n->store[0].var, "amount");
	assert_string_equal(n->store[0].path, "bill.amount");
	assert_string_equal(n->switch_path, "state");
	assert_int_equal(n->ncases, 2);
	assert_string_equal(n->cases[0].value, "paid");
	assert_string_equal(to(f, &n->cases[0].to), "bye");
	assert_string_equal(to(f, &n->cases[1].to), "say");
	assert_string_equal(to(f, &n->next), "menu");
	assert_string_equal(to(f, &n->on_error), "menu");
	prompt_is(&n->error_prompts, 0, NULL, "error/system");

	n = node(f, "say");
	assert_int_equal(n->prompts.v[1].kind, CENTER_SAY_DIGITS);
	assert_string_equal(n->prompts.v[1].name, "account");
	assert_int_equal(n->prompts.v[2].kind, CENTER_SAY_NUMBER);
	assert_string_equal(n->prompts.v[2].name, "amount");

	n = node(f, "menu");
	assert_int_equal(n->timeout_s, 5);
	assert_string_equal(choice(f, n, '#'), "bye");
	assert_string_equal(to(f, &n->invalid), "bye");
	assert_null(to(f, &n->no_input));
	assert_int_equal(n->invalid_prompts.n, 2);
	prompt_is(&n->invalid_prompts, 1, NULL, "error/try_again");

	n = node(f, "vip");
	assert_int_equal(n->type, CENTER_NODE_QUEUE);
	assert_int_equal(n->priority, 7);
	assert_int_equal(n->nskills, 1);
	assert_string_equal(n->skills[0].skill, "vip");
	assert_int_equal(n->skills[0].min_level, 4);
	assert_false(n->barge_in);

	n = node(f, "ext");
	assert_string_equal(n->target, "+861012345678");
	assert_string_equal(to(f, &n->on_error), "bye");

	n = node(f, "cb");
	assert_string_equal(n->number_var, "account");
	prompt_is(&n->confirm, 0, NULL, "callback/confirmed");
	prompt_is(&n->confirm, 1, NULL, "goodbye");

	n = node(f, "vm");
	prompt_is(&n->prompts, 0, NULL, "voicemail/record");

	n = node(f, "when");
	assert_string_equal(to(f, &n->open), "en");
	assert_string_equal(to(f, &n->holiday), "vm");

	n = node(f, "bye");
	prompt_is(&n->prompts, 0, NULL, "goodbye");

	/* a flow, with or without a queue for when the IVR cannot */
	assert_string_equal(t->numbers[0].flow, "f");
	assert_string_equal(t->numbers[0].queue, "");
	assert_string_equal(t->numbers[1].flow, "f");
	assert_string_equal(t->numbers[1].queue, "general");

	/* languages as a list: no skills; no hours: open always */
	assert_int_equal(t->nlanguages, 2);
	assert_null(t->languages[0].skill);
	assert_false(t->has_hours);
	assert_string_equal(center_node_type_name(CENTER_NODE_HTTP), "http");
	mem_deref(c);
}

static void test_calendar(void **state)
{
	struct center *c =
	    load_text("tenants:\n"
	              "  - name: t\n"
	              "    hours:\n"
	              "      mon-fri: \"8:30-12:00, 13:00-17:30\"\n"
	              "      sat: 09:00-12:00\n"
	              "      sun: closed\n"
	              "    holidays: [2026-10-01..2026-10-07, 2027-01-01]\n"
	              "  - name: u\n"
	              "    hours: {\"fri-mon\": \"00:00-24:00\"}\n");
	const struct center_tenant *t = &c->tenants[0], *u = &c->tenants[1];

	/* no languages given: every catalog language, Mandarin first */
	assert_int_equal(t->nlanguages, 3);
	assert_string_equal(t->languages[0].code, "zh");
	assert_string_equal(t->languages[2].code, "en");
	assert_null(t->languages[1].skill);

	assert_true(t->has_hours);
	for (int d = 0; d < 5; d++) {
		assert_int_equal(t->week[d].n, 2);
		assert_int_equal(t->week[d].r[0].from, 8 * 60 + 30);
		assert_int_equal(t->week[d].r[0].to, 12 * 60);
		assert_int_equal(t->week[d].r[1].from, 13 * 60);
		assert_int_equal(t->week[d].r[1].to, 17 * 60 + 30);
	}
	assert_int_equal(t->week[5].n, 1);
	assert_int_equal(t->week[5].r[0].to, 12 * 60);
	assert_int_equal(t->week[6].n, 0);

	assert_int_equal(t->nholidays, 2);
	assert_int_equal(t->holidays[0].first,
	                 ivr_days_from_civil(2026, 10, 1));
	assert_int_equal(t->holidays[0].last, ivr_days_from_civil(2026, 10, 7));
	assert_int_equal(t->holidays[1].first, t->holidays[1].last);
	assert_int_equal(t->holidays[1].first, ivr_days_from_civil(2027, 1, 1));

	/* fri-mon wraps over the weekend; tuesday..thursday closed */
	for (int d = 0; d < 7; d++)
		assert_int_equal(u->week[d].n, d == 0 || d >= 4 ? 1 : 0);
	mem_deref(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_demo_flow),
	    cmocka_unit_test(test_every_type),
	    cmocka_unit_test(test_calendar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
