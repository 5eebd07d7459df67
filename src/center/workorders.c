/**
 * @file workorders.c  The tenant's workorders: and appointments: sections
 * (categories with form fields and due times, handling units, routing and
 * follow-up; bookable services with their slots), described as tables like
 * the rest of the file so that docs/center.md lists them too.
 */
#include <errno.h>
#include <string.h>

#include <re.h>

#include "center/center_int.h"
#include "core/core.h"

#define AT(type, member)                                                       \
	.off = offsetof(type, member), .size = sizeof(((type *)0)->member)

const char *const center_field_type_names[] = {
    "text", "number", "choice", "date", "phone", NULL,
};
static const char *const followup_names[] = {"call", "message", NULL};

/* --- lookups ------------------------------------------------------------- */

const struct center_wo_category *
center_wo_category(const struct center_tenant *t, const char *name)
{
	for (size_t i = 0; t && name && i < t->workorders.ncategories; i++) {
		if (!strcmp(t->workorders.categories[i].name, name))
			return &t->workorders.categories[i];
	}
	return NULL;
}

const struct center_unit *center_unit(const struct center_tenant *t,
                                      const char *name)
{
	for (size_t i = 0; t && name && i < t->workorders.nunits; i++) {
		if (!strcmp(t->workorders.units[i].name, name))
			return &t->workorders.units[i];
	}
	return NULL;
}

const struct center_unit *center_unit_of_user(const struct center_tenant *t,
                                              const char *user)
{
	for (size_t i = 0; t && user && i < t->workorders.nunits; i++) {
		const struct center_unit *u = &t->workorders.units[i];

		for (size_t k = 0; k < u->nusers; k++) {
			if (!strcmp(u->users[k], user))
				return u;
		}
	}
	return NULL;
}

const struct center_service *center_service(const struct center_tenant *t,
                                            const char *name)
{
	for (size_t i = 0; t && name && i < t->nservices; i++) {
		if (!strcmp(t->services[i].name, name))
			return &t->services[i];
	}
	return NULL;
}

/* --- freeing ------------------------------------------------------------- */

static void names_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		mem_deref(v[i]);
	mem_deref(v);
}

void cfg_workorders_free(struct center_tenant *t)
{
	struct center_workorders *w = &t->workorders;

	mem_deref(w->queue);
	mem_deref(w->followup);
	names_free(w->types, w->ntypes);
	names_free(w->survey_queues, w->nsurvey);
	for (size_t i = 0; i < w->ncategories; i++) {
		struct center_wo_category *c = &w->categories[i];

		mem_deref(c->name);
		mem_deref(c->title);
		mem_deref(c->unit);
		for (size_t k = 0; k < c->nfields; k++) {
			mem_deref(c->fields[k].name);
			mem_deref(c->fields[k].title);
			names_free(c->fields[k].choices, c->fields[k].nchoices);
		}
		mem_deref(c->fields);
	}
	mem_deref(w->categories);
	for (size_t i = 0; i < w->nunits; i++) {
		mem_deref(w->units[i].name);
		mem_deref(w->units[i].title);
		names_free(w->units[i].users, w->units[i].nusers);
	}
	mem_deref(w->units);
	for (size_t i = 0; i < t->nservices; i++) {
		mem_deref(t->services[i].name);
		mem_deref(t->services[i].title);
	}
	mem_deref(t->services);
}

/* A list of unique names (or any text when any_text) into *vp. */
static int name_list(struct cfg_ctx *cx, yaml_node_t *node, const char *what,
                     bool any_text, char ***vp, size_t *np)
{
	void *arr;
	int err = cfg_list_alloc(cx, node, what, sizeof(char *), &arr, np);

	if (err)
		return err;
	*vp = arr;
	for (size_t i = 0; i < *np && !err; i++) {
		yaml_node_t *item = cfg_seq_at(cx, node, i);
		size_t old = cfg_push(cx, "[%zu]", i);

		err = cfg_want_scalar(cx, item, "a name");
		if (!err && !any_text && !cfg_valid_name(cfg_text(item)))
			err = cfg_err(cx, cfg_line(item),
			              "'%s' is not a valid name (1 to 64 "
			              "letters, digits, '_', '-' or '.')",
			              cfg_text(item));
		for (size_t j = 0; j < i && !err; j++) {
			if (!strcmp((*vp)[j], cfg_text(item)))
				err = cfg_err(cx, cfg_line(item),
				              "'%s' is listed twice",
				              cfg_text(item));
		}
		if (!err && str_dup(&(*vp)[i], cfg_text(item))) {
			cfg_err(cx, cfg_line(item), "out of memory");
			err = ENOMEM;
		}
		cfg_pop(cx, old);
	}
	return err;
}

/* --- form fields --------------------------------------------------------- */

static int parse_choices(struct cfg_ctx *cx, const struct cfg_field *f,
                         yaml_node_t *node, void *base)
{
	struct center_wo_field *fd = base;

	return name_list(cx, node, "a list of choices", true, &fd->choices,
	                 &fd->nchoices);
}

static int field_check(struct cfg_ctx *cx, yaml_node_t *node, void *base)
{
	const struct center_wo_field *fd = base;

	if (fd->type == CENTER_FIELD_CHOICE && !fd->nchoices)
		return cfg_key_err(cx, node, "choices",
		                   "a choice field needs its choices");
	if (fd->type != CENTER_FIELD_CHOICE && fd->nchoices)
		return cfg_key_err(cx, node, "choices",
		                   "only a choice field has choices");
	return 0;
}

static const struct cfg_field field_fields[] = {
    {.key = "name",
     .type = CT_NAME,
     AT(struct center_wo_field, name),
     .required = true,
     .help = "Key of the field in the order's form, unique in the "
             "category."},
    {.key = "title",
     .type = CT_STRING,
     AT(struct center_wo_field, title),
     .help = "Label shown to agents."},
    {.key = "type",
     .type = CT_ENUM,
     AT(struct center_wo_field, type),
     .names = center_field_type_names,
     .def = "text",
     .help = "text, number, choice (one of choices), date (YYYY-MM-DD) "
             "or phone."},
    {.key = "required",
     .type = CT_BOOL,
     AT(struct center_wo_field, required),
     .def = "false",
     .help = "An order cannot be created without it."},
    {.key = "choices",
     .type = CT_CUSTOM,
     .parse = parse_choices,
     .doc_type = "list of texts",
     .help = "The values a choice field takes."},
    {.key = "max_length",
     .type = CT_UINT,
     AT(struct center_wo_field, max_len),
     .min = 1,
     .max = 100000,
     .def = "2000",
     .help = "Longest text accepted, in bytes."},
    {0},
};

static const struct cfg_schema field_schema = {
    .name = "form_field",
    .where = "tenants[].workorders.categories[].fields[]",
    .help = "A field of a category's form; values are checked when an "
            "order is created or its fields change.",
    .fields = field_fields,
    .check = field_check,
};

static int parse_form(struct cfg_ctx *cx, const struct cfg_field *f,
                      yaml_node_t *node, void *base)
{
	struct center_wo_category *c = base;
	void *arr;
	size_t n;
	int err = cfg_list_alloc(cx, node, "a list of form fields",
	                         sizeof(*c->fields), &arr, &n);

	if (err)
		return err;
	c->fields = arr;
	c->nfields = n;
	for (size_t i = 0; i < n && !err; i++) {
		yaml_node_t *item = cfg_seq_at(cx, node, i);
		size_t old = cfg_push(cx, "[%zu]", i);

		c->fields[i].line = cfg_line(item);
		err = cfg_item_map(cx, item, &field_schema, &c->fields[i]);
		for (size_t j = 0; j < i && !err; j++) {
			if (!strcmp(c->fields[j].name, c->fields[i].name))
				err = cfg_key_err(cx, item, "name",
				                  "field '%s' is already "
				                  "defined on line %u",
				                  c->fields[i].name,
				                  c->fields[j].line);
		}
		cfg_pop(cx, old);
	}
	return err;
}

/* --- categories ---------------------------------------------------------- */

static const struct cfg_field due_fields[] = {
    {.key = "low",
     .type = CT_DURATION,
     AT(struct center_wo_category, due_s[0]),
     .min = 60,
     .max = 8640000,
     .def = "168h",
     .help = "Time to answer an order of low priority."},
    {.key = "normal",
     .type = CT_DURATION,
     AT(struct center_wo_category, due_s[1]),
     .min = 60,
     .max = 8640000,
     .def = "72h",
     .help = "Time to answer an order of normal priority."},
    {.key = "high",
     .type = CT_DURATION,
     AT(struct center_wo_category, due_s[2]),
     .min = 60,
     .max = 8640000,
     .def = "24h",
     .help = "Time to answer an order of high priority."},
    {.key = "urgent",
     .type = CT_DURATION,
     AT(struct center_wo_category, due_s[3]),
     .min = 60,
     .max = 8640000,
     .def = "4h",
     .help = "Time to answer an urgent order."},
    {0},
};

static const struct cfg_schema due_schema = {
    .name = "due",
    .where = "tenants[].workorders.categories[].due",
    .help = "Time from creation (or reopening) to the answer, by "
            "priority.  Orders near it are flagged, orders past it "
            "escalated to a supervisor.",
    .fields = due_fields,
};

static int category_check(struct cfg_ctx *cx, yaml_node_t *node, void *base)
{
	const struct center_wo_category *c = base;

	for (int p = 1; p < CENTER_PRIORITIES; p++) {
		if (c->due_s[p] > c->due_s[p - 1])
			return cfg_key_err(cx, node, "due",
			                   "a higher priority must not be due "
			                   "later than a lower one");
	}
	return 0;
}

static const struct cfg_field category_fields[] = {
    {.key = "name",
     .type = CT_NAME,
     AT(struct center_wo_category, name),
     .required = true,
     .help = "Name of the category, unique in the tenant (such as "
             "complaint)."},
    {.key = "title",
     .type = CT_STRING,
     AT(struct center_wo_category, title),
     .help = "Label shown to agents."},
    {.key = "fields",
     .type = CT_CUSTOM,
     .parse = parse_form,
     .sub = &field_schema,
     .doc_type = "list of form_field",
     .help = "The category's form (see form_field)."},
    {.key = "due",
     .type = CT_GROUP,
     .sub = &due_schema,
     .help = "Due times by priority (see due)."},
    {.key = "unit",
     .type = CT_NAME,
     AT(struct center_wo_category, unit),
     .help = "The handling unit orders of this category usually go "
             "to (a unit of the tenant)."},
    {0},
};

static const struct cfg_schema category_schema = {
    .name = "category",
    .where = "tenants[].workorders.categories[]",
    .help = "A kind of work order, with its form and due times.",
    .fields = category_fields,
    .check = category_check,
};

static int parse_categories(struct cfg_ctx *cx, const struct cfg_field *f,
                            yaml_node_t *node, void *base)
{
	struct center_workorders *w = base;
	void *arr;
	size_t n;
	int err = cfg_list_alloc(cx, node, "a list of categories",
	                         sizeof(*w->categories), &arr, &n);

	if (err)
		return err;
	w->categories = arr;
	w->ncategories = n;
	for (size_t i = 0; i < n && !err; i++) {
		yaml_node_t *item = cfg_seq_at(cx, node, i);
		size_t old = cfg_push(cx, "[%zu]", i);

		w->categories[i].line = cfg_line(item);
		err =
		    cfg_item_map(cx, item, &category_schema, &w->categories[i]);
		for (size_t j = 0; j < i && !err; j++) {
			if (!strcmp(w->categories[j].name,
			            w->categories[i].name))
				err = cfg_key_err(cx, item, "name",
				                  "category '%s' is already "
				                  "defined on line %u",
				                  w->categories[i].name,
				                  w->categories[j].line);
		}
		cfg_pop(cx, old);
	}
	return err;
}

/* --- units --------------------------------------------------------------- */

static int parse_users(struct cfg_ctx *cx, const struct cfg_field *f,
                       yaml_node_t *node, void *base)
{
	struct center_unit *u = base;

	return name_list(cx, node, "a list of user names", false, &u->users,
	                 &u->nusers);
}

static const struct cfg_field unit_fields[] = {
    {.key = "name",
     .type = CT_NAME,
     AT(struct center_unit, name),
     .required = true,
     .help = "Name of the unit, unique in the tenant (such as water)."},
    {.key = "title",
     .type = CT_STRING,
     AT(struct center_unit, title),
     .help = "Label shown to agents (such as \"Water department\")."},
    {.key = "users",
     .type = CT_CUSTOM,
     .parse = parse_users,
     .doc_type = "list of names",
     .help = "Log-in names of the unit's users: they see the orders "
             "dispatched to the unit, answer them or send them back.  A "
             "user belongs to one unit."},
    {0},
};

static const struct cfg_schema unit_schema = {
    .name = "unit",
    .where = "tenants[].workorders.units[]",
    .help = "A handling unit: a group with its own users that answers "
            "the orders dispatched to it.",
    .fields = unit_fields,
};

static int parse_units(struct cfg_ctx *cx, const struct cfg_field *f,
                       yaml_node_t *node, void *base)
{
	struct center_workorders *w = base;
	void *arr;
	size_t n;
	int err = cfg_list_alloc(cx, node, "a list of units", sizeof(*w->units),
	                         &arr, &n);

	if (err)
		return err;
	w->units = arr;
	w->nunits = n;
	for (size_t i = 0; i < n && !err; i++) {
		yaml_node_t *item = cfg_seq_at(cx, node, i);
		size_t old = cfg_push(cx, "[%zu]", i);

		w->units[i].line = cfg_line(item);
		err = cfg_item_map(cx, item, &unit_schema, &w->units[i]);
		for (size_t j = 0; j < i && !err; j++) {
			const struct center_unit *o = &w->units[j];

			if (!strcmp(o->name, w->units[i].name))
				err =
				    cfg_key_err(cx, item, "name",
				                "unit '%s' is already defined "
				                "on line %u",
				                o->name, o->line);
			for (size_t k = 0; !err && k < o->nusers; k++) {
				for (size_t m = 0; m < w->units[i].nusers;
				     m++) {
					if (strcmp(o->users[k],
					           w->units[i].users[m]))
						continue;
					err = cfg_key_err(
					    cx, item, "users",
					    "user '%s' is already in unit "
					    "'%s'",
					    o->users[k], o->name);
					break;
				}
			}
		}
		cfg_pop(cx, old);
	}
	return err;
}

/* --- the section --------------------------------------------------------- */

static int parse_types(struct cfg_ctx *cx, const struct cfg_field *f,
                       yaml_node_t *node, void *base)
{
	struct center_workorders *w = base;
	int err = name_list(cx, node, "a list of types (such as image/jpeg)",
	                    true, &w->types, &w->ntypes);

	for (size_t i = 0; !err && i < w->ntypes; i++) {
		const char *t = w->types[i], *slash = strchr(t, '/');

		if (!slash || slash == t || !slash[1] ||
		    strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789+-./") !=
		        strlen(t))
			err = cfg_err(cx, cfg_line(cfg_seq_at(cx, node, i)),
			              "'%s' is not a media type (such as "
			              "image/jpeg)",
			              t);
	}
	return err;
}

static int parse_survey(struct cfg_ctx *cx, const struct cfg_field *f,
                        yaml_node_t *node, void *base)
{
	struct center_workorders *w = base;
	char buf[512];
	int err = name_list(cx, node, "a list of queue names", false,
	                    &w->survey_queues, &w->nsurvey);

	for (size_t i = 0; !err && i < w->nsurvey; i++) {
		const struct center_queue *q =
		    cfg_find_queue(cx->tenant, w->survey_queues[i]);

		if (!q)
			err = cfg_err(
			    cx, cfg_line(cfg_seq_at(cx, node, i)),
			    "unknown queue '%s' (the tenant's queues "
			    "are %s)",
			    w->survey_queues[i],
			    cfg_queue_names(cx->tenant, buf, sizeof(buf)));
		else if (q->cfg.channel != ACD_CH_VOICE)
			err = cfg_err(cx, cfg_line(cfg_seq_at(cx, node, i)),
			              "queue '%s' is not a voice queue: the "
			              "survey is a keypad one after a call",
			              w->survey_queues[i]);
	}
	return err;
}

static int workorders_check(struct cfg_ctx *cx, yaml_node_t *node, void *base)
{
	struct center_workorders *w = base;
	const struct center_queue *q;
	char buf[512];

	if (w->queue) {
		q = cfg_find_queue(cx->tenant, w->queue);
		if (!q)
			return cfg_key_err(
			    cx, node, "queue",
			    "unknown queue '%s' (the tenant's "
			    "queues are %s)",
			    w->queue,
			    cfg_queue_names(cx->tenant, buf, sizeof(buf)));
		if (q->cfg.channel != ACD_CH_WORKORDER)
			return cfg_key_err(cx, node, "queue",
			                   "queue '%s' serves %s; work orders "
			                   "need a queue with channel: "
			                   "workorder",
			                   w->queue,
			                   cfg_channel_names[q->cfg.channel]);
	}
	for (size_t i = 0; i < w->ncategories; i++) {
		const struct center_wo_category *c = &w->categories[i];

		if (c->unit && !center_unit(cx->tenant, c->unit)) {
			yaml_node_t *cats = cfg_get(cx, node, "categories");
			size_t old = cfg_push(cx, ".categories[%zu]", i);
			int err =
			    cfg_key_err(cx, cfg_seq_at(cx, cats, i), "unit",
			                "unknown unit '%s'", c->unit);
			cfg_pop(cx, old);
			return err;
		}
	}
	return 0;
}

static const struct cfg_field workorders_fields[] = {
    {.key = "queue",
     .type = CT_NAME,
     AT(struct center_workorders, queue),
     .help = "A queue of the tenant with channel: workorder.  New and "
             "reopened orders, and answered ones awaiting follow-up, wait "
             "there for an agent like calls and chats, so an agent's "
             "workload is one picture (capacity and blocks apply).  "
             "Without it orders are not routed."},
    {.key = "warn_at",
     .type = CT_UINT,
     AT(struct center_workorders, warn_pct),
     .min = 1,
     .max = 99,
     .def = "80",
     .help = "Flag an order as near due when this percentage of its "
             "time to answer has passed."},
    {.key = "attachment_max",
     .type = CT_UINT,
     AT(struct center_workorders, attach_max),
     .min = 1,
     .max = 100000000,
     .def = "10000000",
     .help = "Largest attachment accepted, in bytes."},
    {.key = "attachment_types",
     .type = CT_CUSTOM,
     .parse = parse_types,
     .doc_type = "list of media types",
     .help = "Media types an attachment may have (checked against the "
             "file's first bytes for images and PDF).  Default: "
             "image/jpeg, image/png, application/pdf, text/plain."},
    {.key = "followup",
     .type = CT_ENUM,
     .as_text = true,
     AT(struct center_workorders, followup),
     .names = followup_names,
     .def = "call",
     .help = "What is made for the customer when an order is answered: "
             "an outbound call task or a message."},
    {.key = "survey_queues",
     .type = CT_CUSTOM,
     .parse = parse_survey,
     .doc_type = "list of queue names",
     .help = "Voice queues whose callers are asked, after the agent "
             "hangs up, to rate the call by pressing 1 to 5."},
    {.key = "units",
     .type = CT_CUSTOM,
     .parse = parse_units,
     .sub = &unit_schema,
     .doc_type = "list of unit",
     .help = "Handling units (see unit)."},
    {.key = "categories",
     .type = CT_CUSTOM,
     .parse = parse_categories,
     .sub = &category_schema,
     .doc_type = "list of category",
     .help = "Categories of orders (see category)."},
    {0},
};

const struct cfg_schema cfg_workorders_schema = {
    .name = "workorders",
    .where = "tenants[].workorders",
    .help = "Work orders (tickets) from intake to follow-up: "
            "new → dispatched → in_progress → answered → follow_up → "
            "closed, and reopened.  Every change is kept in an audit "
            "trail.",
    .fields = workorders_fields,
    .check = workorders_check,
};

static const char *const default_types[] = {
    "image/jpeg", "image/png", "application/pdf", "text/plain", NULL};

int cfg_parse_workorders(struct cfg_ctx *cx, const struct cfg_field *f,
                         yaml_node_t *node, void *base)
{
	struct center_tenant *t = base;
	struct center_workorders *w = &t->workorders;
	int err = cfg_map(cx, node, &cfg_workorders_schema, w);

	if (err)
		return err;
	w->set = true;
	if (!cfg_get(cx, node, "attachment_types")) {
		size_t n = ARRAY_LEN(default_types) - 1;

		w->types = mem_zalloc(n * sizeof(char *), NULL);
		if (!w->types)
			return ENOMEM;
		w->ntypes = n;
		for (size_t i = 0; i < n; i++) {
			if (str_dup(&w->types[i], default_types[i]))
				return ENOMEM;
		}
	}
	return 0;
}

/* --- appointments -------------------------------------------------------- */

static int parse_service_hours(struct cfg_ctx *cx, const struct cfg_field *f,
                               yaml_node_t *node, void *base)
{
	struct center_service *sv = base;
	struct center_tenant tmp;
	int err;

	/* the tenant's hours parser, on a scratch tenant: same syntax */
	memset(&tmp, 0, sizeof(tmp));
	err = cfg_parse_hours(cx, f, node, &tmp);
	if (!err)
		memcpy(sv->week, tmp.week, sizeof(sv->week));
	return err;
}

static int service_check(struct cfg_ctx *cx, yaml_node_t *node, void *base)
{
	const struct center_service *sv = base;
	bool any = false;

	for (int d = 0; d < 7; d++)
		any |= sv->week[d].n > 0;
	if (!any)
		return cfg_key_err(cx, node, "hours",
		                   "required: when the service takes "
		                   "appointments (such as {mon-fri: "
		                   "\"09:00-12:00\"})");
	return 0;
}

static const struct cfg_field service_fields[] = {
    {.key = "name",
     .type = CT_NAME,
     AT(struct center_service, name),
     .required = true,
     .help = "Name of the service, unique in the tenant (such as "
             "permit)."},
    {.key = "title",
     .type = CT_STRING,
     AT(struct center_service, title),
     .help = "Label read to callers and shown to agents."},
    {.key = "hours",
     .type = CT_CUSTOM,
     .parse = parse_service_hours,
     .doc_type = "map days: hours",
     .help = "When appointments are given, in the tenant's time zone, "
             "as the tenant's hours: {mon-fri: \"09:00-12:00, "
             "13:00-17:00\"}."},
    {.key = "slot",
     .type = CT_DURATION,
     AT(struct center_service, slot_s),
     .min = 300,
     .max = 86400,
     .def = "30m",
     .help = "Length of one slot."},
    {.key = "capacity",
     .type = CT_UINT,
     AT(struct center_service, capacity),
     .min = 1,
     .max = 10000,
     .def = "1",
     .help = "Appointments one slot takes (desks open at once)."},
    {.key = "days_ahead",
     .type = CT_UINT,
     AT(struct center_service, days_ahead),
     .min = 1,
     .max = 366,
     .def = "14",
     .help = "Slots are offered this many days ahead."},
    {0},
};

static const struct cfg_schema service_schema = {
    .name = "service",
    .where = "tenants[].appointments.services[]",
    .help = "A service one books appointments for: slots of a length "
            "within the hours, each with a capacity.",
    .fields = service_fields,
    .check = service_check,
};

static int parse_services(struct cfg_ctx *cx, const struct cfg_field *f,
                          yaml_node_t *node, void *base)
{
	struct center_tenant *t = cx->tenant;
	void *arr;
	size_t n;
	int err = cfg_list_alloc(cx, node, "a list of services",
	                         sizeof(*t->services), &arr, &n);

	if (err)
		return err;
	t->services = arr;
	t->nservices = n;
	for (size_t i = 0; i < n && !err; i++) {
		yaml_node_t *item = cfg_seq_at(cx, node, i);
		size_t old = cfg_push(cx, "[%zu]", i);

		t->services[i].line = cfg_line(item);
		err = cfg_item_map(cx, item, &service_schema, &t->services[i]);
		for (size_t j = 0; j < i && !err; j++) {
			if (!strcmp(t->services[j].name, t->services[i].name))
				err = cfg_key_err(cx, item, "name",
				                  "service '%s' is already "
				                  "defined on line %u",
				                  t->services[i].name,
				                  t->services[j].line);
		}
		cfg_pop(cx, old);
	}
	return err;
}

static const struct cfg_field appointments_fields[] = {
    {.key = "services",
     .type = CT_CUSTOM,
     .parse = parse_services,
     .sub = &service_schema,
     .doc_type = "list of service",
     .required = true,
     .help = "The bookable services (see service)."},
    {0},
};

const struct cfg_schema cfg_appointments_schema = {
    .name = "appointments",
    .where = "tenants[].appointments",
    .help = "Appointments booked by agents or by the IVR's HTTP lookup; "
            "a slot never takes more bookings than its capacity.",
    .fields = appointments_fields,
};

int cfg_parse_appointments(struct cfg_ctx *cx, const struct cfg_field *f,
                           yaml_node_t *node, void *base)
{
	return cfg_map(cx, node, &cfg_appointments_schema, base);
}
