/**
 * @file fields.c  A work order's form, checked against its category: a
 * JSON object of the category's fields, each of its type.  (Apart from
 * the other files: jansson and libre both name JSON_NULL.)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "crm/crm.h"

static int fail(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err && errsz) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return EINVAL;
}

/* --- form fields --------------------------------------------------------- */

static bool valid_date(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31};
	int y, m, d;
	char tail;

	if (strlen(s) != 10 ||
	    sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || s[4] != '-' ||
	    s[7] != '-' || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 || y % 400 == 0));
}

int crm_fields_check(const struct center_wo_category *cat, const char *text,
                     char *err, size_t errsz)
{
	json_error_t je;
	json_t *o, *v;
	const char *key;
	int e = 0;

	if (!cat)
		return EINVAL;
	o = json_loads(text ? text : "{}", JSON_REJECT_DUPLICATES, &je);
	if (!o)
		return fail(err, errsz, "fields: not JSON (%s at %d)", je.text,
		            je.position);
	if (!json_is_object(o)) {
		json_decref(o);
		return fail(err, errsz,
		            "fields: expected an object of name: value");
	}
	json_object_foreach(o, key, v)
	{
		const struct center_wo_field *fd = NULL;
		char tmp[64], why[128];

		for (size_t i = 0; i < cat->nfields; i++) {
			if (!strcmp(cat->fields[i].name, key))
				fd = &cat->fields[i];
		}
		if (!fd) {
			e = fail(err, errsz,
			         "fields: '%s' is not a field of category "
			         "%s",
			         key, cat->name);
			break;
		}
		if (json_is_null(v))
			continue;
		switch (fd->type) {
		case CENTER_FIELD_NUMBER:
			if (!json_is_number(v))
				e = fail(err, errsz,
				         "fields: %s must be a number", key);
			break;
		case CENTER_FIELD_TEXT:
			if (!json_is_string(v))
				e = fail(err, errsz,
				         "fields: %s must be a text", key);
			else if (json_string_length(v) > fd->max_len)
				e = fail(err, errsz,
				         "fields: %s is longer than %u "
				         "bytes",
				         key, fd->max_len);
			break;
		case CENTER_FIELD_CHOICE: {
			bool ok = false;

			for (size_t i = 0;
			     json_is_string(v) && i < fd->nchoices; i++)
				ok |= !strcmp(json_string_value(v),
				              fd->choices[i]);
			if (!ok)
				e = fail(err, errsz,
				         "fields: %s must be one of the "
				         "category's choices",
				         key);
			break;
		}
		case CENTER_FIELD_DATE:
			if (!json_is_string(v) ||
			    !valid_date(json_string_value(v)))
				e = fail(err, errsz,
				         "fields: %s must be a date "
				         "YYYY-MM-DD",
				         key);
			break;
		case CENTER_FIELD_PHONE:
			if (!json_is_string(v) ||
			    crm_phone_normalise(json_string_value(v), "", tmp,
			                        sizeof(tmp), why, sizeof(why)))
				e = fail(err, errsz,
				         "fields: %s must be a phone number",
				         key);
			break;
		default:
			break;
		}
		if (e)
			break;
	}
	for (size_t i = 0; !e && i < cat->nfields; i++) {
		const struct center_wo_field *fd = &cat->fields[i];

		v = json_object_get(o, fd->name);
		if (fd->required &&
		    (!v || json_is_null(v) ||
		     (json_is_string(v) && !json_string_length(v))))
			e = fail(err, errsz,
			         "fields: %s is required for category %s",
			         fd->name, cat->name);
	}
	json_decref(o);
	return e;
}
