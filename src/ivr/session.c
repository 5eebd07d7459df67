/**
 * @file session.c  One caller in a flow: the interpreter.
 *
 * A session is a small state machine driven by four kinds of events: the
 * start, a digit, the end of a playback, and its one timer (a menu's
 * silence, a collect's pause between digits, a lookup's deadline); plus a
 * lookup's answer.  Entry points only note the event and call
 * ivr_session_run(), which handles events until nothing is left.  It is
 * not re-entered: an ops function that reports an event at once (a play()
 * that ends immediately, a digit injected from inside) or frees the
 * session (the caller hung up) only sets a flag or drops a reference, and
 * the loop picks that up when the op returns.
 *
 * Digits go into a type-ahead buffer as they come.  A menu or collect
 * node takes them from there; a playback with barge-in is stopped by one;
 * a barge-in playback that would start while digits wait is skipped, so a
 * caller who knows the menu can dial through it.  A wrong entry clears
 * what was typed after it.
 *
 * One libre timer per session, armed only while waiting for the caller
 * or a lookup: nothing per packet, nothing while prompts play.
 */
#include <errno.h>
#include <string.h>

#include "core/core.h"
#include "ivr/ivr_int.h"

/* Nodes entered in a row without waiting for the caller; the loader
 * refuses flows that could spin, so this is a belt to those braces. */
#define STEPS_MAX 100

static const struct center_node *cur(const struct ivr_session *s)
{
	return &s->flow->nodes[s->node];
}

static bool is_dtmf(char c)
{
	return (c >= '0' && c <= '9') || c == '*' || c == '#' ||
	       (c >= 'A' && c <= 'D');
}

static void session_destructor(void *arg)
{
	struct ivr_session *s = arg;

	tmr_cancel(&s->tmr);
	ivr_lookup_cancel(s);
	ivr_vars_flush(s);
	mem_deref(s->id);
	mem_deref(s->ivr);
}

/* --- ops, guarded --------------------------------------------------------
 * After each op: if the channel dropped its reference from inside, only
 * the running loop's reference is left and the session calls nothing
 * more. */

static void check_dead(struct ivr_session *s)
{
	if (mem_nrefs(s) <= 1)
		s->dead = true;
}

static int op_play(struct ivr_session *s, size_t n, bool barge)
{
	int err;

	if (s->dead)
		return ECANCELED;
	err = s->ops->play(s->arg, s->seq, n, barge);
	check_dead(s);
	return err;
}

static void op_stop_play(struct ivr_session *s)
{
	if (s->dead)
		return;
	s->ops->stop_play(s->arg);
	check_dead(s);
}

static void op_hangup(struct ivr_session *s, int cause)
{
	s->phase = PH_DONE;
	s->state = IVR_HUNG_UP;
	tmr_cancel(&s->tmr);
	HL_INFO("ivr", "%s: hang up in %s (%s)", s->id,
	        ivr_session_node(s) ? ivr_session_node(s) : "-",
	        cause ? strerror(cause) : "end of the flow");
	if (s->dead)
		return;
	s->ops->hangup(s->arg, cause);
	check_dead(s);
}

/* --- prompts ---------------------------------------------------------------
 */

struct seq_build {
	struct ivr_session *s;
	size_t n;
	size_t used; /* of seqbuf */
	bool bad;    /* a variable could not be spoken */
};

static void seq_add(struct seq_build *b, const char *lang, const char *name)
{
	struct ivr_session *s = b->s;
	size_t room = sizeof(s->seqbuf) - b->used;
	int w;

	if (b->n >= IVR_SEQ_MAX)
		return;
	if (ivr_catalog_has(IVR_LANG_COMMON, name))
		lang = IVR_LANG_COMMON;
	w = snprintf(s->seqbuf + b->used, room, "%s/%s", lang, name);
	if (w < 0 || (size_t)w >= room)
		return;
	s->seq[b->n++] = s->seqbuf + b->used;
	b->used += (size_t)w + 1;
}

/* A variable spoken as a number or digit by digit. */
static void seq_say(struct seq_build *b, const struct center_say *say,
                    const char *lang)
{
	struct ivr_session *s = b->s;
	const char *v = ivr_session_var(s, say->name);
	const char *out[IVR_SEQ_MAX];
	int n;

	if (!v || !*v)
		n = -EINVAL;
	else if (say->kind == CENTER_SAY_NUMBER)
		n = ivr_say_decimal(lang, v, out, ARRAY_LEN(out));
	else if (say->kind == CENTER_SAY_TIME)
		n = ivr_say_datetime(lang, v, out, ARRAY_LEN(out));
	else
		n = ivr_say_digits(lang, v, out, ARRAY_LEN(out));
	if (n < 0) {
		HL_WARN("ivr", "%s: %s: cannot speak %s '%s' as %s", s->id,
		        cur(s)->name, say->name, v ? v : "",
		        say->kind == CENTER_SAY_NUMBER ? "a number"
		        : say->kind == CENTER_SAY_TIME ? "a date and time"
		                                       : "digits");
		b->bad = true;
		return;
	}
	for (int i = 0; i < n; i++)
		seq_add(b, lang, out[i]);
}

static void seq_list(struct seq_build *b, const struct center_prompts *p)
{
	for (size_t i = 0; p && i < p->n; i++) {
		const struct center_say *say = &p->v[i];
		const char *lang = say->lang ? say->lang : b->s->lang;

		if (say->kind == CENTER_SAY_PROMPT)
			seq_add(b, lang, say->name);
		else
			seq_say(b, say, lang);
	}
}

static void after_play(struct ivr_session *s);
static void tmr_handler(void *arg);

/* Play what b holds, then continue with after.  Nothing to play, or a
 * barge-in playback while digits wait, continues at once. */
static void play(struct ivr_session *s, struct seq_build *b, bool barge,
                 enum ivr_after after, size_t after_node)
{
	s->after = after;
	s->after_node = after_node;
	s->barge = barge;
	if (!b->n || (barge && s->ntype) || s->dead) {
		after_play(s);
		return;
	}
	s->phase = PH_PLAY;
	s->ev_play_done = false;
	if (op_play(s, b->n, barge)) {
		/* nothing plays: go on as if it had ended */
		s->ev_play_done = false;
		if (s->phase == PH_PLAY) {
			s->phase = PH_IDLE;
			after_play(s);
		}
	}
}

static void play_lists(struct ivr_session *s, const struct center_prompts *a,
                       const char *extra, bool barge, enum ivr_after after,
                       size_t after_node)
{
	struct seq_build b = {.s = s};

	seq_list(&b, a);
	if (extra)
		seq_add(&b, s->lang, extra);
	play(s, &b, barge, after, after_node);
}

/* --- flow ----------------------------------------------------------------- */

static void enter(struct ivr_session *s, size_t idx);

/* "lang_menu>mandarin>...": the nodes passed, for reports and the screen
 * pop; ends in "..." once IVR_PATH_MAX is reached. */
static void path_add(struct ivr_session *s, const char *name)
{
	const char *old = ivr_session_var(s, "path");
	size_t ol = old ? strlen(old) : 0, nl = strlen(name);
	char buf[IVR_PATH_MAX];

	if (ol >= 3 && !strcmp(old + ol - 3, "..."))
		return;
	if (ol + nl + 5 > sizeof(buf)) {
		if (ol + 4 > sizeof(buf))
			return;
		memcpy(buf, old, ol);
		memcpy(buf + ol, "...", 4);
	} else {
		if (ol)
			memcpy(buf, old, ol);
		if (ol)
			buf[ol++] = '>';
		memcpy(buf + ol, name, nl + 1);
	}
	ivr_var_set(s, "path", buf);
}

/* An op failed or a lookup did not answer: apologise, then the error
 * branch, or goodbye when there is none. */
static void fail(struct ivr_session *s, size_t edge,
                 const struct center_prompts *prompts, int cause)
{
	struct seq_build b = {.s = s};

	s->phase = PH_IDLE;
	if (prompts)
		seq_list(&b, prompts);
	else
		seq_add(&b, s->lang, "error/system");
	if (edge != CENTER_NODE_NONE) {
		play(s, &b, false, AFTER_GOTO, edge);
		return;
	}
	seq_add(&b, s->lang, "goodbye");
	s->cause = cause;
	play(s, &b, false, AFTER_HANGUP, 0);
}

/* Silence (no_input) or a wrong entry: ask again, or leave. */
static void retry(struct ivr_session *s, bool silence)
{
	const struct center_node *n = cur(s);
	const struct center_prompts *p =
	    silence ? &n->no_input_prompts : &n->invalid_prompts;
	size_t edge = n->no_input.node;

	tmr_cancel(&s->tmr);
	s->phase = PH_IDLE;
	s->nentry = 0;
	if (!silence)
		s->ntype = 0; /* what followed a wrong key is not an answer */
	HL_DEBUG("ivr", "%s: %s: %s (try %u of %u)", s->id, n->name,
	         silence ? "no input" : "wrong entry", s->tries + 1,
	         n->retries + 1);
	if (s->tries < n->retries) {
		s->tries++;
		play_lists(s, p, NULL, n->barge_in, AFTER_REPLAY, 0);
		return;
	}
	if (!silence && n->invalid.node != CENTER_NODE_NONE)
		edge = n->invalid.node;
	if (edge != CENTER_NODE_NONE) {
		play_lists(s, p, NULL, false, AFTER_GOTO, edge);
		return;
	}
	s->cause = 0;
	play_lists(s, p, "goodbye", false, AFTER_HANGUP, 0);
}

/* A menu or collect node waits for the caller. */
static void ask(struct ivr_session *s)
{
	const struct center_node *n = cur(s);
	uint32_t secs = n->type == CENTER_NODE_COLLECT && s->nentry
	                    ? n->digit_timeout_s
	                    : n->timeout_s;

	s->phase = PH_INPUT;
	s->steps = 0;
	if (!s->ntype)
		tmr_start(&s->tmr, (uint64_t)secs * 1000, tmr_handler, s);
}

static void collect_done(struct ivr_session *s)
{
	const struct center_node *n = cur(s);

	tmr_cancel(&s->tmr);
	if (s->nentry < n->min_digits) {
		retry(s, false);
		return;
	}
	s->entry[s->nentry] = '\0';
	ivr_var_set(s, n->var, s->entry);
	HL_DEBUG("ivr", "%s: %s: %s = %s", s->id, n->name, n->var, s->entry);
	enter(s, n->next.node);
}

/* Take one digit from the type-ahead buffer (phase PH_INPUT). */
static void take_digit(struct ivr_session *s)
{
	const struct center_node *n = cur(s);
	char d = s->typeahead[0];

	memmove(s->typeahead, s->typeahead + 1, --s->ntype);
	tmr_cancel(&s->tmr);
	s->steps = 0;
	if (n->type == CENTER_NODE_MENU) {
		for (size_t i = 0; i < n->nchoices; i++) {
			char v[2] = {d, '\0'};

			if (n->choices[i].digit != d)
				continue;
			ivr_var_set(s, n->var, v);
			HL_DEBUG("ivr", "%s: %s: %c", s->id, n->name, d);
			enter(s, n->choices[i].to.node);
			return;
		}
		retry(s, false);
		return;
	}
	/* collect */
	if (n->terminator && d == n->terminator) {
		collect_done(s);
		return;
	}
	if (s->nentry < n->max_digits)
		s->entry[s->nentry++] = d;
	if (s->nentry >= n->max_digits) {
		collect_done(s);
		return;
	}
	ask(s); /* the next digit, or the pause that ends the entry */
}

static bool is_holiday(const struct center_tenant *t, int64_t day)
{
	for (size_t i = 0; i < t->nholidays; i++) {
		if (day >= t->holidays[i].first && day <= t->holidays[i].last)
			return true;
	}
	return false;
}

static size_t time_branch(struct ivr_session *s)
{
	const struct center_node *n = cur(s);
	const struct center_tenant *t = s->t;
	int64_t now = (int64_t)(ivr_now(s->ivr) / 1000);
	const struct center_day *day;
	struct ivr_local lt;

	ivr_tz_local(s->tz, now, &lt);
	if (is_holiday(t, lt.days)) {
		HL_DEBUG("ivr", "%s: %s: holiday", s->id, n->name);
		return n->holiday.node != CENTER_NODE_NONE ? n->holiday.node
		                                           : n->closed.node;
	}
	if (!t->has_hours)
		return n->open.node;
	day = &t->week[lt.wday];
	for (size_t i = 0; i < day->n; i++) {
		if (lt.minute >= day->r[i].from && lt.minute < day->r[i].to)
			return n->open.node;
	}
	HL_DEBUG("ivr", "%s: %s: closed (day %d, minute %d)", s->id, n->name,
	         lt.wday, lt.minute);
	return n->closed.node;
}

/* The queue's step-0 requirements, the node's skills and the language's
 * skill, each skill once at its highest level. */
static size_t merge_skill(struct acd_skill_req *v, size_t n, const char *skill,
                          uint8_t level)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(v[i].skill, skill)) {
			if (level > v[i].min_level)
				v[i].min_level = level;
			return n;
		}
	}
	v[n].skill = skill;
	v[n].min_level = level;
	return n + 1;
}

static void do_queue(struct ivr_session *s)
{
	const struct center_node *n = cur(s);
	const struct center_queue *q = NULL;
	const struct center_language *l = center_language(s->t, s->lang);
	struct acd_skill_req *v;
	size_t nv = 0, max;
	int err;

	for (size_t i = 0; i < s->t->nqueues; i++) {
		if (!strcmp(s->t->queues[i].cfg.name, n->queue))
			q = &s->t->queues[i];
	}
	max = (q ? q->cfg.reqs.n : 0) + n->nskills + 1;
	v = mem_zalloc(max * sizeof(*v), NULL);
	if (!v) {
		fail(s, n->on_error.node, NULL, ENOMEM);
		return;
	}
	for (size_t i = 0; q && i < q->cfg.reqs.n; i++)
		nv = merge_skill(v, nv, q->cfg.reqs.v[i].skill,
		                 q->cfg.reqs.v[i].min_level);
	for (size_t i = 0; i < n->nskills; i++)
		nv = merge_skill(v, nv, n->skills[i].skill,
		                 n->skills[i].min_level);
	if (l && l->skill)
		nv = merge_skill(v, nv, l->skill, ACD_LEVEL_MIN);

	s->phase = PH_DONE;
	err = s->dead ? ECANCELED
	              : s->ops->queue(s->arg, n->queue, n->priority, v, nv);
	check_dead(s);
	mem_deref(v);
	if (!err) {
		s->state = IVR_QUEUED;
		HL_INFO("ivr", "%s: to queue %s (%s, path %s)", s->id, n->queue,
		        s->lang, ivr_session_var(s, "path"));
		return;
	}
	HL_WARN("ivr", "%s: queue %s refused the call: %s", s->id, n->queue,
	        strerror(err));
	fail(s, n->on_error.node, NULL, err);
}

static void do_handover(struct ivr_session *s)
{
	const struct center_node *n = cur(s);
	int err;

	s->phase = PH_DONE;
	if (s->dead)
		err = ECANCELED;
	else if (n->type == CENTER_NODE_TRANSFER)
		err = s->ops->transfer(s->arg, n->target);
	else
		err = s->ops->voicemail(s->arg, n->queue);
	check_dead(s);
	if (!err) {
		s->state = n->type == CENTER_NODE_TRANSFER ? IVR_TRANSFERRED
		                                           : IVR_VOICEMAIL;
		HL_INFO("ivr", "%s: %s to %s", s->id,
		        n->type == CENTER_NODE_TRANSFER ? "transfer"
		                                        : "voicemail",
		        n->type == CENTER_NODE_TRANSFER ? n->target : n->queue);
		return;
	}
	HL_WARN("ivr", "%s: %s %s failed: %s", s->id,
	        center_node_type_name(n->type),
	        n->type == CENTER_NODE_TRANSFER ? n->target : n->queue,
	        strerror(err));
	fail(s, n->on_error.node, NULL, err);
}

static void do_callback(struct ivr_session *s)
{
	const struct center_node *n = cur(s);
	const char *number = ivr_session_var(s, n->number_var);
	int err;

	if (!number || !*number) {
		HL_WARN("ivr", "%s: callback: no number in %s", s->id,
		        n->number_var);
		fail(s, n->on_error.node, NULL, ENOENT);
		return;
	}
	s->phase = PH_DONE;
	err = s->dead ? ECANCELED : s->ops->callback(s->arg, n->queue, number);
	check_dead(s);
	if (err) {
		HL_WARN("ivr", "%s: callback to %s refused: %s", s->id, number,
		        strerror(err));
		fail(s, n->on_error.node, NULL, err);
		return;
	}
	HL_INFO("ivr", "%s: callback to %s by queue %s", s->id, number,
	        n->queue);
	s->phase = PH_IDLE;
	s->cause = 0;
	play_lists(s, &n->confirm, NULL, false, AFTER_HANGUP, 0);
}

/* The node's work once its prompts have played. */
static void body(struct ivr_session *s)
{
	const struct center_node *n = cur(s);
	int err;

	switch (n->type) {
	case CENTER_NODE_PLAY:
		enter(s, n->next.node);
		break;
	case CENTER_NODE_MENU:
	case CENTER_NODE_COLLECT:
		ask(s);
		break;
	case CENTER_NODE_LANGUAGE:
		snprintf(s->lang, sizeof(s->lang), "%s", n->lang);
		ivr_var_set(s, "language", s->lang);
		enter(s, n->next.node);
		break;
	case CENTER_NODE_TIME:
		enter(s, time_branch(s));
		break;
	case CENTER_NODE_QUEUE:
		do_queue(s);
		break;
	case CENTER_NODE_TRANSFER:
	case CENTER_NODE_VOICEMAIL:
		do_handover(s);
		break;
	case CENTER_NODE_CALLBACK:
		do_callback(s);
		break;
	case CENTER_NODE_HTTP:
		err = ivr_lookup_start(s);
		if (err) {
			fail(s, n->on_error.node, &n->error_prompts, err);
			break;
		}
		s->phase = PH_HTTP;
		tmr_start(&s->tmr, (uint64_t)n->http_timeout_s * 1000,
		          tmr_handler, s);
		break;
	case CENTER_NODE_HANGUP:
	default:
		op_hangup(s, 0);
		break;
	}
}

static void enter(struct ivr_session *s, size_t idx)
{
	const struct center_node *n;
	struct seq_build b = {.s = s};

	if (s->dead || s->phase == PH_DONE)
		return;
	if (idx >= s->flow->nnodes) { /* refused at load */
		op_hangup(s, EINVAL);
		return;
	}
	s->node = idx;
	n = cur(s);
	if (++s->steps > STEPS_MAX) {
		HL_ERROR("ivr",
		         "%s: %u nodes without waiting for the caller, "
		         "at %s: giving up",
		         s->id, STEPS_MAX, n->name);
		op_hangup(s, ELOOP);
		return;
	}
	s->phase = PH_IDLE;
	s->tries = 0;
	s->nentry = 0;
	path_add(s, n->name);
	HL_DEBUG("ivr", "%s: enter %s (%s)", s->id, n->name,
	         center_node_type_name(n->type));
	seq_list(&b, &n->prompts);
	if (b.bad && n->type == CENTER_NODE_PLAY &&
	    n->on_error.node != CENTER_NODE_NONE) {
		enter(s, n->on_error.node);
		return;
	}
	play(s, &b, n->barge_in, AFTER_BODY, 0);
}

static void after_play(struct ivr_session *s)
{
	struct seq_build b = {.s = s};

	s->phase = PH_IDLE;
	if (s->dead)
		return;
	switch (s->after) {
	case AFTER_BODY:
		body(s);
		break;
	case AFTER_REPLAY:
		seq_list(&b, &cur(s)->prompts);
		play(s, &b, cur(s)->barge_in, AFTER_BODY, 0);
		break;
	case AFTER_GOTO:
		enter(s, s->after_node);
		break;
	case AFTER_HANGUP:
		op_hangup(s, s->cause);
		break;
	}
}

/* --- events ----------------------------------------------------------------
 */

static void timer_fired(struct ivr_session *s)
{
	const struct center_node *n = cur(s);

	if (s->phase == PH_HTTP) {
		HL_WARN("ivr", "%s: lookup %s: no answer within %u s", s->id,
		        n->name, n->http_timeout_s);
		ivr_lookup_cancel(s);
		fail(s, n->on_error.node, &n->error_prompts, ETIMEDOUT);
		return;
	}
	if (s->phase != PH_INPUT)
		return;
	if (n->type == CENTER_NODE_COLLECT && s->nentry)
		collect_done(s); /* a pause ends the entry */
	else
		retry(s, true);
}

static void http_done(struct ivr_session *s)
{
	const struct center_node *n = cur(s);

	if (s->phase != PH_HTTP)
		return;
	tmr_cancel(&s->tmr);
	s->phase = PH_IDLE;
	if (s->http_err) {
		int err = s->http_err;

		ivr_lookup_cancel(s);
		fail(s, n->on_error.node, &n->error_prompts, err);
		return;
	}
	enter(s, ivr_lookup_apply(s));
}

static void tmr_handler(void *arg)
{
	struct ivr_session *s = arg;

	s->ev_timer = true;
	ivr_session_run(s);
}

void ivr_session_run(struct ivr_session *s)
{
	if (s->running)
		return;
	s->running = true;
	mem_ref(s);
	while (!s->dead) {
		if (s->ev_start) {
			s->ev_start = false;
			enter(s, 0);
		} else if (s->ev_play_done) {
			s->ev_play_done = false;
			if (s->phase == PH_PLAY)
				after_play(s);
		} else if (s->phase == PH_PLAY && s->barge && s->ntype) {
			op_stop_play(s); /* barge-in: the digit counts */
			after_play(s);
		} else if (s->phase == PH_INPUT && s->ntype) {
			take_digit(s);
		} else if (s->ev_timer) {
			s->ev_timer = false;
			timer_fired(s);
		} else if (s->ev_http) {
			s->ev_http = false;
			http_done(s);
		} else {
			break;
		}
		check_dead(s);
	}
	s->running = false;
	mem_deref(s);
}

/* --- API -------------------------------------------------------------------
 */

int ivr_session_alloc(struct ivr_session **sp, struct ivr *ivr,
                      const struct ivr_call *call, const struct ivr_ops *ops,
                      void *arg)
{
	const struct center_tenant *t;
	struct ivr_session *s;
	const char *lang;
	int err = 0;

	if (!sp || !ivr || !call || !ops || !ops->play || !ops->stop_play ||
	    !ops->queue || !ops->transfer || !ops->voicemail ||
	    !ops->callback || !ops->hangup)
		return EINVAL;
	t = center_tenant(ivr->center, call->tenant);
	if (!t || !center_flow(t, call->flow)) {
		HL_WARN("ivr", "%s: no flow %s of tenant %s",
		        call->id ? call->id : "?",
		        call->flow ? call->flow : "-",
		        call->tenant ? call->tenant : "-");
		return EINVAL;
	}
	lang = call->lang ? call->lang : t->languages[0].code;
	if (!center_language(t, lang)) {
		HL_WARN("ivr", "%s: tenant %s does not speak %s",
		        call->id ? call->id : "?", t->name, lang);
		return EINVAL;
	}
	s = mem_zalloc(sizeof(*s), session_destructor);
	if (!s)
		return ENOMEM;
	tmr_init(&s->tmr);
	list_init(&s->vars);
	s->ivr = mem_ref(ivr);
	s->t = t;
	s->flow = center_flow(t, call->flow);
	s->tz = ivr_tenant_tz(ivr, t);
	s->ops = ops;
	s->arg = arg;
	s->node = CENTER_NODE_NONE;
	snprintf(s->lang, sizeof(s->lang), "%s", lang);
	err = str_dup(&s->id, call->id ? call->id : "ivr");
	if (call->caller)
		err |= ivr_var_set(s, "caller", call->caller);
	if (call->called)
		err |= ivr_var_set(s, "called", call->called);
	err |= ivr_var_set(s, "language", s->lang);
	err |= ivr_var_set(s, "tenant", t->name);
	err |= ivr_var_set(s, "flow", s->flow->name);
	err |= ivr_var_set(s, "path", "");
	if (err) {
		mem_deref(s);
		return ENOMEM;
	}
	*sp = s;
	return 0;
}

int ivr_session_start(struct ivr_session *s)
{
	if (!s)
		return EINVAL;
	if (s->started)
		return EALREADY;
	s->started = true;
	HL_DEBUG("ivr", "%s: flow %s of %s", s->id, s->flow->name, s->t->name);
	s->ev_start = true;
	ivr_session_run(s);
	return 0;
}

int ivr_session_transfer_failed(struct ivr_session *s, int err)
{
	const struct center_node *n;

	if (!s || s->dead || s->state != IVR_TRANSFERRED ||
	    s->node == CENTER_NODE_NONE)
		return EINVAL;
	n = cur(s);
	if (n->type != CENTER_NODE_TRANSFER)
		return EINVAL;
	HL_WARN("ivr", "%s: transfer %s failed: %s", s->id, n->target,
	        strerror(err));
	s->state = IVR_RUNNING;
	mem_ref(s);
	fail(s, n->on_error.node, NULL, err);
	check_dead(s);
	if (!s->dead)
		ivr_session_run(s);
	mem_deref(s);
	return 0;
}

void ivr_session_digit(struct ivr_session *s, char digit)
{
	if (!s || !is_dtmf(digit) || s->state != IVR_RUNNING || s->dead)
		return;
	if (s->ntype >= IVR_TYPEAHEAD_MAX) {
		if (s->dropped++ == 0)
			HL_DEBUG("ivr", "%s: type-ahead full, digits dropped",
			         s->id);
		return;
	}
	s->typeahead[s->ntype++] = digit;
	if (s->started)
		ivr_session_run(s);
}

void ivr_session_play_done(struct ivr_session *s)
{
	if (!s || s->phase != PH_PLAY)
		return;
	s->ev_play_done = true;
	ivr_session_run(s);
}

enum ivr_state ivr_session_state(const struct ivr_session *s)
{
	return s ? s->state : IVR_RUNNING;
}

const char *ivr_session_lang(const struct ivr_session *s)
{
	return s ? s->lang : NULL;
}

const char *ivr_session_node(const struct ivr_session *s)
{
	if (!s || s->node == CENTER_NODE_NONE)
		return NULL;
	return cur(s)->name;
}
