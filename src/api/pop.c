/**
 * @file pop.c  The screen pop of a live contact as JSON: what the caller
 * chose and entered in the IVR ("ivr") and who the caller is ("customer":
 * the customer of the tenant with the caller's identity, its last
 * interactions and open work orders).  The voice channel holds both while
 * the call lasts (src/voice/pop.c looks the customer up when the call
 * arrives); this file only shapes them, on the control loop, without
 * waiting for anything.  Shapes: the Contact, ContactIvr and
 * ContactCustomer schemas of docs/api/openapi.yaml.
 */
#include <errno.h>
#include <string.h>

#include <jansson.h>

#include "acd/acd.h"
#include "api/api.h"
#include "core/core.h"
#include "store/store_crm.h"
#include "voice/voice.h"

/* --- ivr ---------------------------------------------------------------- */

struct ivr_build {
	json_t *obj, *path, *choices, *digits, *lookup, *vars;
	bool nomem;
};

static void path_split(json_t *arr, const char *path)
{
	const char *p = path;

	while (p && *p) {
		const char *e = strchr(p, '>');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n)
			json_array_append_new(arr, json_stringn(p, n));
		p = e ? e + 1 : NULL;
	}
}

static void ivr_var(enum voice_var_kind kind, const char *node,
		    const char *name, const char *value, void *arg)
{
	struct ivr_build *b = arg;

	json_object_set_new(b->vars, name, json_string(value));
	switch (kind) {
	case VOICE_VAR_CALL:
		if (!strcmp(name, "language") || !strcmp(name, "flow"))
			json_object_set_new(b->obj, name, json_string(value));
		else if (!strcmp(name, "path"))
			path_split(b->path, value);
		break;
	case VOICE_VAR_MENU:
		json_array_append_new(b->choices,
				      json_pack("{s:s,s:s,s:s}", "menu", node,
						"var", name, "key", value));
		break;
	case VOICE_VAR_DIGITS:
		json_object_set_new(b->digits, name, json_string(value));
		break;
	case VOICE_VAR_LOOKUP:
		json_object_set_new(b->lookup, name, json_string(value));
		break;
	default:
		break;
	}
}

static json_t *ivr_json(const struct voice *voice, uint64_t contact)
{
	struct ivr_build b = {
		.obj = json_pack("{s:n,s:n}", "flow", "language"),
		.path = json_array(),
		.choices = json_array(),
		.digits = json_object(),
		.lookup = json_object(),
		.vars = json_object(),
	};
	int err = ENOMEM;

	if (b.obj && b.path && b.choices && b.digits && b.lookup && b.vars)
		err = voice_call_ivr(voice, contact, ivr_var, &b);
	if (err) {
		json_decref(b.obj);
		json_decref(b.path);
		json_decref(b.choices);
		json_decref(b.digits);
		json_decref(b.lookup);
		json_decref(b.vars);
		return NULL;
	}
	json_object_set_new(b.obj, "path", b.path);
	json_object_set_new(b.obj, "choices", b.choices);
	json_object_set_new(b.obj, "digits", b.digits);
	json_object_set_new(b.obj, "lookup", b.lookup);
	json_object_set_new(b.obj, "vars", b.vars);
	return b.obj;
}

/* --- customer ------------------------------------------------------------ */

static json_t *interaction_json(const struct store_interaction *in)
{
	return json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:I,s:o,s:o}", "id", in->id,
			 "channel", api_json_str(in->channel), "caller",
			 api_json_str(in->caller), "queue",
			 api_json_str(in->queue), "agent",
			 api_json_str(in->agent), "arrived",
			 api_json_time(in->arrived), "arrived_ms",
			 (json_int_t)in->arrived, "disposition",
			 in->disposition == STORE_DISP_NONE
				 ? json_null()
				 : json_string(store_disposition_name(
					   in->disposition)),
			 "wrapup_code", api_json_str(in->wrapup_code));
}

static json_t *workorder_json(const struct store_workorder *w, uint64_t now)
{
	return json_pack("{s:s,s:I,s:o,s:s,s:s,s:o,s:o,s:o,s:b}", "id", w->id,
			 "number", (json_int_t)w->number, "category",
			 api_json_str(w->category), "status",
			 store_wo_status_name(w->status), "priority",
			 store_wo_priority_name(w->priority), "subject",
			 api_json_str(w->subject), "due", api_json_time(w->due),
			 "due_ms",
			 w->due ? json_integer((json_int_t)w->due) : json_null(),
			 "overdue", w->due && now > w->due);
}

static json_t *customer_json(const struct store_screen_pop *p, bool by_agent)
{
	const struct store_customer *cu = p->customer;
	json_t *ids = json_array(), *ins = json_array(), *wos = json_array();
	uint64_t now = hl_wall_ms();

	if (!ids || !ins || !wos) {
		json_decref(ids);
		json_decref(ins);
		json_decref(wos);
		return NULL;
	}
	for (size_t i = 0; i < cu->nidents; i++)
		json_array_append_new(
			ids, json_pack("{s:s,s:s}", "kind",
				       store_ident_kind_name(cu->idents[i].kind),
				       "value", cu->idents[i].value));
	for (size_t i = 0; i < p->ninteractions; i++)
		json_array_append_new(ins,
				      interaction_json(&p->interactions[i]));
	for (size_t i = 0; i < p->nworkorders; i++)
		json_array_append_new(wos,
				      workorder_json(&p->workorders[i], now));
	return json_pack("{s:s,s:o,s:o,s:o,s:o,s:s,s:o,s:o}", "id", cu->id,
			 "name", api_json_str(cu->name), "language",
			 api_json_str(cu->language), "note",
			 api_json_str(cu->note), "identities", ids, "linked_by",
			 by_agent ? "agent" : "auto", "interactions", ins,
			 "workorders", wos);
}

/* --- the cache ----------------------------------------------------------- */

static bool same_id(const json_t *customer, const char *id)
{
	const char *s = json_string_value(json_object_get(customer, "id"));

	return s && !strcmp(s, id);
}

void api_pop_cache_clear(struct api_pop_cache *pc)
{
	json_decref(pc->ivr);
	json_decref(pc->customer);
	pc->ivr = pc->customer = NULL;
}

void api_pop_refresh(struct api_pop_cache *pc, const struct voice *voice,
		     uint64_t contact, int channel)
{
	struct voice_pop vp;

	if (channel != ACD_CH_VOICE && channel != ACD_CH_CALLBACK)
		return; /* nothing to look up: "none" */
	if (!voice || voice_contact_pop(voice, contact, &vp))
		return; /* the call is over: what it showed last */

	json_decref(pc->ivr);
	pc->ivr = ivr_json(voice, contact);
	if (vp.state != VOICE_POP_FOUND || !vp.pop || !vp.pop->customer) {
		json_decref(pc->customer);
		pc->customer = NULL;
	}
	else if (!pc->customer || vp.by_agent != pc->by_agent ||
		 !same_id(pc->customer, vp.pop->customer->id)) {
		/* the customer is made once per change, not per event */
		json_decref(pc->customer);
		pc->customer = customer_json(vp.pop, vp.by_agent);
	}
	pc->lookup = vp.state;
	pc->by_agent = vp.by_agent;
}

void api_pop_set(struct api_pop_cache *pc, int lookup,
		 const struct store_screen_pop *p)
{
	json_decref(pc->customer);
	pc->customer = p && p->customer ? customer_json(p, false) : NULL;
	pc->lookup = pc->customer ? VOICE_POP_FOUND : lookup;
	pc->by_agent = false;
}

const char *api_pop_lookup_name(const struct api_pop_cache *pc)
{
	return voice_pop_state_name((enum voice_pop_state)pc->lookup);
}
