/**
 * @file vars.c  A session's variables: what the caller chose and entered
 * and what lookups answered, kept for the agent's screen pop.  A short
 * list in the order first set (a session has a dozen at most); bounded in
 * count and size, since lookups bring text from outside.
 */
#include <errno.h>
#include <string.h>

#include "core/core.h"
#include "ivr/ivr_int.h"

struct ivr_var {
	struct le le;
	char *name;  /* owned */
	char *value; /* owned */
};

static void var_destructor(void *arg)
{
	struct ivr_var *v = arg;

	list_unlink(&v->le);
	mem_deref(v->name);
	mem_deref(v->value);
}

static struct ivr_var *var_find(const struct ivr_session *s, const char *name)
{
	for (struct le *le = s->vars.head; le; le = le->next) {
		struct ivr_var *v = le->data;

		if (!strcmp(v->name, name))
			return v;
	}
	return NULL;
}

int ivr_var_set(struct ivr_session *s, const char *name, const char *value)
{
	struct ivr_var *v = var_find(s, name);
	size_t len = value ? strlen(value) : 0;
	char *copy;

	if (len > IVR_VAR_MAX) { /* cut at a character boundary */
		len = IVR_VAR_MAX;
		while (len && ((unsigned char)value[len] & 0xc0) == 0x80)
			len--;
	}
	copy = mem_alloc(len + 1, NULL);
	if (!copy)
		return ENOMEM;
	if (len)
		memcpy(copy, value, len);
	copy[len] = '\0';
	if (v) {
		mem_deref(v->value);
		v->value = copy;
		return 0;
	}
	if (list_count(&s->vars) >= IVR_VARS_MAX) {
		mem_deref(copy);
		HL_WARN("ivr", "%s: variable %s dropped: %d variables already",
		        s->id, name, IVR_VARS_MAX);
		return ENOSPC;
	}
	v = mem_zalloc(sizeof(*v), var_destructor);
	if (!v || str_dup(&v->name, name)) {
		mem_deref(v);
		mem_deref(copy);
		return ENOMEM;
	}
	v->value = copy;
	list_append(&s->vars, &v->le, v);
	return 0;
}

void ivr_vars_flush(struct ivr_session *s)
{
	list_flush(&s->vars);
}

json_t *ivr_vars_json(const struct ivr_session *s)
{
	json_t *o = json_object();

	for (struct le *le = s->vars.head; o && le; le = le->next) {
		struct ivr_var *v = le->data;

		json_t *js = json_string(v->value); /* NULL: not UTF-8 */

		if (json_object_set_new(o, v->name, js ? js : json_null())) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

const char *ivr_session_var(const struct ivr_session *s, const char *name)
{
	const struct ivr_var *v = s && name ? var_find(s, name) : NULL;

	return v ? v->value : NULL;
}

size_t ivr_session_var_count(const struct ivr_session *s)
{
	return s ? list_count(&s->vars) : 0;
}

bool ivr_session_var_at(const struct ivr_session *s, size_t i,
                        const char **name, const char **value)
{
	struct le *le = s ? s->vars.head : NULL;

	for (; le && i; i--)
		le = le->next;
	if (!le)
		return false;
	if (name)
		*name = ((struct ivr_var *)le->data)->name;
	if (value)
		*value = ((struct ivr_var *)le->data)->value;
	return true;
}
