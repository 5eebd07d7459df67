/**
 * @file routes.c  The route table and path matching.
 *
 * One row per (method, path).  docs/api/openapi.yaml documents exactly these
 * rows; tests/api/test_openapi.c fails when the two drift apart, so a new
 * route means a new row here and a new operation there.
 */
#include <errno.h>
#include <string.h>

#include "api/api.h"
#include "core/core.h"

static const struct api_route routes[] = {
	{"GET", "/api/v1/health", api_health, API_ROLE_PUBLIC, false,
	 "Liveness: status, version and uptime"},
	{"GET", "/api/v1/agents", api_agents_list, API_ROLE_SUPERVISOR, false,
	 "List agents with their live state"},
	{"GET", "/api/v1/agents/{ext}", api_agent_get, API_ROLE_AGENT, false,
	 "One agent with its live state"},
	{"POST", "/api/v1/agents/{ext}/state", api_agent_set_state,
	 API_ROLE_AGENT, true,
	 "Log an agent in or out, make it available or not ready"},
	{"GET", "/api/v1/queues", api_queues_list, API_ROLE_SUPERVISOR, false,
	 "List queues with their definition and live statistics"},
	{"GET", "/api/v1/queues/{name}", api_queue_get, API_ROLE_SUPERVISOR,
	 false, "One queue with its definition and live statistics"},
	{"GET", "/api/v1/interactions", api_interactions_list,
	 API_ROLE_SUPERVISOR, false,
	 "Stored interactions, newest first, filtered by agent, queue, caller"},
	{"GET", "/api/v1/interactions/{id}", api_interaction_get,
	 API_ROLE_SUPERVISOR, false, "One stored interaction"},
	{"GET", "/api/v1/interactions/{id}/recording",
	 api_interaction_recording, API_ROLE_SUPERVISOR, false,
	 "The interaction's recording or voice message (WAV)"},
};

const struct api_route *api_routes(size_t *np)
{
	*np = ARRAY_LEN(routes);
	return routes;
}

const char *api_role_name(enum api_role role)
{
	switch (role) {
	case API_ROLE_PUBLIC:     return "public";
	case API_ROLE_AGENT:      return "agent";
	case API_ROLE_SUPERVISOR: return "supervisor";
	case API_ROLE_ADMIN:      return "admin";
	}
	return "?";
}
