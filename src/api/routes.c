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
#include "api/crmapi.h"
#include "core/core.h"

static const struct api_route routes[] = {
	{"GET", "/api/v1/health", api_health, API_ROLE_PUBLIC, false,
	 "Liveness: status, version and uptime"},
	{"GET", "/metrics", api_metrics, API_ROLE_PUBLIC, false,
	 "Prometheus metrics: calls, queues, agents, latencies"},
	{"POST", "/api/v1/login", api_login, API_ROLE_PUBLIC, true,
	 "Sign in with a password; returns a session token"},
	{"POST", "/api/v1/logout", api_logout, API_ROLE_UNIT, false,
	 "Sign out: the token stops working"},
	{"GET", "/api/v1/me", api_me_get, API_ROLE_UNIT, false,
	 "The signed-in user"},
	{"PATCH", "/api/v1/me", api_me_patch, API_ROLE_UNIT, true,
	 "Change the signed-in user's language"},
	{"GET", "/api/v1/events", api_events, API_ROLE_UNIT, false,
	 "WebSocket: a snapshot, then the engine's events"},
	{"GET", "/api/v1/agents", api_agents_list, API_ROLE_AGENT, false,
	 "List agents with their live state"},
	{"GET", "/api/v1/agents/{ext}", api_agent_get, API_ROLE_AGENT, false,
	 "One agent with its live state"},
	{"POST", "/api/v1/agents/{ext}/state", api_agent_set_state, API_ROLE_AGENT, true,
	 "Log an agent in or out, make it available or not ready"},
	{"POST", "/api/v1/agents/{ext}/wrapup/end", api_agent_end_wrapup, API_ROLE_AGENT, false,
	 "End the agent's wrap-up now"},
	{"PUT", "/api/v1/agents/{ext}/skills", api_agent_set_skills, API_ROLE_SUPERVISOR, true,
	 "Replace an agent's skills"},
	{"POST", "/api/v1/agents/{ext}/call/hold", api_call_hold, API_ROLE_AGENT, false,
	 "Hold the agent's current call"},
	{"POST", "/api/v1/agents/{ext}/call/resume", api_call_resume, API_ROLE_AGENT, false,
	 "Resume the agent's held call"},
	{"POST", "/api/v1/agents/{ext}/call/hangup", api_call_hangup, API_ROLE_AGENT, false,
	 "Hang up the agent's current call"},
	{"POST", "/api/v1/agents/{ext}/call/transfer", api_call_transfer, API_ROLE_AGENT, true,
	 "Blind-transfer the agent's current call"},
	{"POST", "/api/v1/agents/{ext}/call/consult", api_call_consult, API_ROLE_AGENT, true,
	 "Consult another agent while the caller waits"},
	{"POST", "/api/v1/agents/{ext}/call/consult/complete", api_call_consult_complete, API_ROLE_AGENT, false,
	 "Hand the call to the consulted agent"},
	{"POST", "/api/v1/agents/{ext}/call/consult/cancel", api_call_consult_cancel, API_ROLE_AGENT, false,
	 "End the consultation, back to the caller"},
	{"GET", "/api/v1/reason-codes", api_reason_codes, API_ROLE_AGENT, false,
	 "Not-ready reason codes"},
	{"GET", "/api/v1/wrapup-codes", api_wrapup_codes, API_ROLE_AGENT, false,
	 "Wrap-up codes with their labels"},
	{"GET", "/api/v1/queues", api_queues_list, API_ROLE_AGENT, false,
	 "List queues with their definition and live statistics"},
	{"GET", "/api/v1/queues/{name}", api_queue_get, API_ROLE_AGENT, false,
	 "One queue with its definition and live statistics"},
	{"GET", "/api/v1/queues/{name}/intervals", api_queue_intervals, API_ROLE_SUPERVISOR, false,
	 "A queue's 15-minute intervals, oldest first"},
	{"GET", "/api/v1/contacts", api_contacts_list, API_ROLE_AGENT, false,
	 "Live contacts: waiting, offered, connected"},
	/* the screen pop (branch pop) */
	{"GET", "/api/v1/contacts/{id}", api_contact_get, API_ROLE_AGENT, false,
	 "One live contact with its screen pop (ivr, customer)"},
	{"PUT", "/api/v1/contacts/{id}/customer", api_contact_link, API_ROLE_AGENT, true,
	 "Link the contact's call to a customer of the tenant"},
	{"POST", "/api/v1/contacts/{id}/accept", api_contact_accept, API_ROLE_AGENT, false,
	 "The agent offered a non-voice contact (work order, chat) takes it"},
	{"POST", "/api/v1/contacts/{id}/reject", api_contact_reject, API_ROLE_AGENT, false,
	 "The agent offered a non-voice contact refuses it (next agent)"},
	{"POST", "/api/v1/contacts/{id}/priority", api_contact_set_priority, API_ROLE_SUPERVISOR, true,
	 "Change a waiting contact's priority"},
	{"GET", "/api/v1/interactions", api_interactions_list, API_ROLE_AGENT, false,
	 "Stored interactions, newest first, filtered by agent, queue, caller"},
	{"GET", "/api/v1/interactions/{id}", api_interaction_get, API_ROLE_AGENT, false,
	 "One stored interaction"},
	{"PUT", "/api/v1/interactions/{id}/wrapup", api_interaction_wrapup, API_ROLE_AGENT, true,
	 "Set the wrap-up code and note of an interaction"},
	{"GET", "/api/v1/interactions/{id}/recording", api_interaction_recording, API_ROLE_SUPERVISOR, false,
	 "The recording of an interaction (WAV)"},
	{"GET", "/api/v1/users", api_users_list, API_ROLE_ADMIN, false,
	 "List the tenant's users"},
	{"POST", "/api/v1/users", api_user_create, API_ROLE_ADMIN, true,
	 "Add a user"},
	{"DELETE", "/api/v1/users/{username}", api_user_delete, API_ROLE_ADMIN, false,
	 "Delete a user added through the API"},
	{"GET", "/api/v1/api-keys", api_keys_list, API_ROLE_ADMIN, false,
	 "List the tenant's API keys"},
	{"POST", "/api/v1/api-keys", api_key_create, API_ROLE_ADMIN, true,
	 "Create an API key for the tenant's systems"},
	{"DELETE", "/api/v1/api-keys/{id}", api_key_delete, API_ROLE_ADMIN, false,
	 "Revoke an API key"},
	/* crmapi: customers, work orders, units, appointments (crmapi.h) */
	{"GET", "/api/v1/customers", api_customers_search, API_ROLE_AGENT, false,
	 "Search customers by name, phone, e-mail or chat id"},
	{"POST", "/api/v1/customers", api_customer_create, API_ROLE_AGENT, true,
	 "Create a customer with its identities"},
	{"GET", "/api/v1/customers/lookup", api_customer_lookup, API_ROLE_AGENT, false,
	 "The screen pop of an identity: customer, interactions, open orders"},
	{"POST", "/api/v1/customers/import", api_customers_import, API_ROLE_SUPERVISOR, false,
	 "Import customers from a CSV file, all or nothing"},
	{"GET", "/api/v1/customers/{id}", api_customer_get, API_ROLE_AGENT, false,
	 "One customer with interactions, open orders and bookings"},
	{"PATCH", "/api/v1/customers/{id}", api_customer_update, API_ROLE_AGENT, true,
	 "Change a customer's name, language or note"},
	{"POST", "/api/v1/customers/{id}/identities", api_customer_identity_add, API_ROLE_AGENT, true,
	 "Give a customer one more identity"},
	{"DELETE", "/api/v1/customers/{id}/identities/{kind}/{value}", api_customer_identity_remove, API_ROLE_AGENT, false,
	 "Take an identity from a customer"},
	{"GET", "/api/v1/exports/interactions", api_export_interactions, API_ROLE_SUPERVISOR, false,
	 "CSV of the tenant's interactions with their customers"},
	{"GET", "/api/v1/exports/workorders", api_export_workorders, API_ROLE_SUPERVISOR, false,
	 "CSV of the tenant's work orders"},
	{"GET", "/api/v1/workorder-categories", api_wo_categories, API_ROLE_UNIT, false,
	 "Work-order categories with their form fields"},
	{"GET", "/api/v1/units", api_units_list, API_ROLE_UNIT, false,
	 "The tenant's handling units"},
	{"GET", "/api/v1/workorders", api_workorders_search, API_ROLE_UNIT, false,
	 "Search work orders; a unit's user gets its unit's inbox"},
	{"POST", "/api/v1/workorders", api_workorder_create, API_ROLE_AGENT, true,
	 "Create a work order"},
	{"GET", "/api/v1/workorders/{id}", api_workorder_get, API_ROLE_UNIT, false,
	 "One work order with its audit trail"},
	{"POST", "/api/v1/workorders/{id}/move", api_workorder_move, API_ROLE_UNIT, true,
	 "Move a work order in its workflow"},
	{"POST", "/api/v1/workorders/{id}/comments", api_workorder_comment, API_ROLE_UNIT, true,
	 "Comment on a work order"},
	{"POST", "/api/v1/workorders/{id}/attachments", api_workorder_attach, API_ROLE_UNIT, false,
	 "Attach a file to a work order"},
	{"GET", "/api/v1/workorders/{id}/attachments/{aid}", api_workorder_attachment, API_ROLE_UNIT, false,
	 "Download an attachment of a work order"},
	{"PUT", "/api/v1/workorders/{id}/fields", api_workorder_fields, API_ROLE_AGENT, true,
	 "Replace a work order's form fields"},
	{"PUT", "/api/v1/workorders/{id}/satisfaction", api_workorder_satisfaction, API_ROLE_AGENT, true,
	 "Record the customer's satisfaction 1-5"},
	{"GET", "/api/v1/services", api_services_list, API_ROLE_AGENT, false,
	 "Appointment services"},
	{"GET", "/api/v1/services/{name}/slots", api_service_slots, API_ROLE_AGENT, false,
	 "A service's appointment slots in a date range"},
	{"GET", "/api/v1/bookings", api_bookings_list, API_ROLE_AGENT, false,
	 "A customer's bookings"},
	{"POST", "/api/v1/bookings", api_booking_create, API_ROLE_AGENT, true,
	 "Book a place in a slot"},
	{"DELETE", "/api/v1/bookings/{id}", api_booking_cancel, API_ROLE_AGENT, false,
	 "Cancel a booking"},
	{"GET", "/api/v1/ivr/slots", api_ivr_slots, API_ROLE_SUPERVISOR, false,
	 "IVR lookup: the first free slot of a service"},
	{"POST", "/api/v1/ivr/book", api_ivr_book, API_ROLE_SUPERVISOR, true,
	 "IVR lookup: book the first free slot for the caller"},
	/* the platform operator's (tenants.c) */
	{"GET", "/api/v1/tenants", api_tenants_list, API_ROLE_OPERATOR, false,
	 "List the tenants with their state and live figures"},
	{"POST", "/api/v1/tenants", api_tenant_create, API_ROLE_OPERATOR, true,
	 "Create a tenant from its definition (YAML)"},
	{"GET", "/api/v1/tenants/{id}", api_tenant_get, API_ROLE_OPERATOR, false,
	 "One tenant with its state and live figures"},
	{"DELETE", "/api/v1/tenants/{id}", api_tenant_delete, API_ROLE_OPERATOR, false,
	 "Delete a suspended tenant (its records stay)"},
	{"POST", "/api/v1/tenants/{id}/suspend", api_tenant_suspend, API_ROLE_OPERATOR, false,
	 "Suspend a tenant: its calls and users are refused"},
	{"POST", "/api/v1/tenants/{id}/resume", api_tenant_resume, API_ROLE_OPERATOR, false,
	 "Resume a suspended tenant"},
	{"GET", "/api/v1/tenants/{id}/config", api_tenant_config_get, API_ROLE_OPERATOR, false,
	 "The tenant's definition as center-file YAML"},
	{"PUT", "/api/v1/tenants/{id}/config", api_tenant_config_put, API_ROLE_OPERATOR, true,
	 "Replace a suspended tenant's definition (YAML)"},
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
	case API_ROLE_UNIT:       return "unit";
	case API_ROLE_OPERATOR:   return "operator";
	}
	return "?";
}
