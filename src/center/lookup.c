/**
 * @file lookup.c  Finding tenants, agents and dialed numbers in a loaded
 * center.  Linear scans: the model is small next to what the engine holds,
 * and these run on registration and call setup, not per packet.
 */
#include <string.h>

#include "center/center.h"

const struct center_tenant *center_tenant(const struct center *c,
                                          const char *name)
{
	if (!c || !name)
		return NULL;
	for (size_t i = 0; i < c->ntenants; i++) {
		if (!c->tenants[i].removed && !strcmp(c->tenants[i].name, name))
			return &c->tenants[i];
	}
	return NULL;
}

const struct center_agent *center_agent(const struct center_tenant *t,
                                        const char *id)
{
	if (!t || !id)
		return NULL;
	for (size_t i = 0; i < t->nagents; i++) {
		if (!strcmp(t->agents[i].cfg.id, id))
			return &t->agents[i];
	}
	return NULL;
}

bool center_survey_queue(const struct center_tenant *t, const char *queue)
{
	for (size_t i = 0; t && queue && i < t->workorders.nsurvey; i++) {
		if (!strcmp(t->workorders.survey_queues[i], queue))
			return true;
	}
	return false;
}

const struct center_number *center_number(const struct center *c,
                                          const char *number,
                                          const struct center_tenant **tp)
{
	if (!c || !number)
		return NULL;
	for (size_t i = 0; i < c->ntenants; i++) {
		const struct center_tenant *t = &c->tenants[i];

		for (size_t j = 0; !t->removed && j < t->nnumbers; j++) {
			if (strcmp(t->numbers[j].number, number))
				continue;
			if (tp)
				*tp = t;
			return &t->numbers[j];
		}
	}
	return NULL;
}

const struct center_flow *center_flow(const struct center_tenant *t,
                                      const char *name)
{
	if (!t || !name)
		return NULL;
	for (size_t i = 0; i < t->nflows; i++) {
		if (!strcmp(t->flows[i].name, name))
			return &t->flows[i];
	}
	return NULL;
}

const struct center_language *center_language(const struct center_tenant *t,
                                              const char *code)
{
	if (!t || !code)
		return NULL;
	for (size_t i = 0; i < t->nlanguages; i++) {
		if (t->languages[i].code && !strcmp(t->languages[i].code, code))
			return &t->languages[i];
	}
	return NULL;
}
