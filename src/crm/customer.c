/**
 * @file customer.c  Customers for the API and the channels: identities
 * normalised before the store sees them.
 */
#include <errno.h>
#include <string.h>

#include "crm/crm_int.h"

#define IDENT_MAX  260
#define IDENTS_MAX 16

static int known_tenant(struct crm *crm, const char *tenant, char *err,
                        size_t errsz)
{
	if (!crm || !tenant)
		return EINVAL;
	if (!crm_tenant_get(crm, tenant))
		return crm_fail(err, errsz, ENOENT, "unknown tenant '%s'",
		                tenant);
	return 0;
}

int crm_customer_create(struct crm *crm, const char *tenant, const char *name,
                        const struct crm_identity *ids, size_t n,
                        store_result_h *h, void *arg, char *err, size_t errsz)
{
	char vals[IDENTS_MAX][IDENT_MAX];
	struct store_identity sid[IDENTS_MAX];
	struct store_customer c = {.tenant = tenant, .name = name};
	int e = known_tenant(crm, tenant, err, errsz);

	if (e)
		return e;
	if (!n || n > IDENTS_MAX || !ids)
		return crm_fail(err, errsz, EINVAL,
		                "a customer needs 1 to %d identities",
		                IDENTS_MAX);
	for (size_t i = 0; i < n; i++) {
		e = crm_identity_normalise(ids[i].kind, ids[i].value, crm->cc,
		                           vals[i], IDENT_MAX, err, errsz);
		if (e)
			return e;
		sid[i].kind = ids[i].kind;
		sid[i].value = vals[i];
	}
	c.idents = sid;
	c.nidents = n;
	return store_customer_put(crm->o.store, &c, h, arg);
}

int crm_customer_add_identity(struct crm *crm, const char *tenant,
                              const char *customer,
                              const struct crm_identity *id, store_result_h *h,
                              void *arg, char *err, size_t errsz)
{
	char v[IDENT_MAX];
	int e = known_tenant(crm, tenant, err, errsz);

	if (e)
		return e;
	if (!id || !customer)
		return EINVAL;
	e = crm_identity_normalise(id->kind, id->value, crm->cc, v, sizeof(v),
	                           err, errsz);
	if (e)
		return e;
	return store_identity_add(crm->o.store, tenant, customer, id->kind, v,
	                          h, arg);
}

int crm_contact_link(struct crm *crm, const char *tenant,
                     const char *interaction, const char *customer,
                     const struct crm_identity *id, store_result_h *h,
                     void *arg, char *err, size_t errsz)
{
	char v[IDENT_MAX];
	int e = known_tenant(crm, tenant, err, errsz);

	if (e)
		return e;
	if (!interaction || (!customer && !id))
		return EINVAL;
	if (customer)
		return store_interaction_link(crm->o.store, tenant, interaction,
		                              customer, 0, NULL, h, arg);
	e = crm_identity_normalise(id->kind, id->value, crm->cc, v, sizeof(v),
	                           err, errsz);
	if (e)
		return e;
	return store_interaction_link(crm->o.store, tenant, interaction, NULL,
	                              id->kind, v, h, arg);
}

int crm_screen_pop(struct crm *crm, const char *tenant,
                   const struct crm_identity *id, store_screen_pop_h *h,
                   void *arg, char *err, size_t errsz)
{
	char v[IDENT_MAX];
	int e = known_tenant(crm, tenant, err, errsz);

	if (e)
		return e;
	if (!id)
		return EINVAL;
	e = crm_identity_normalise(id->kind, id->value, crm->cc, v, sizeof(v),
	                           err, errsz);
	if (e)
		return e;
	return store_screen_pop_get(crm->o.store, tenant, id->kind, v,
	                            CRM_POP_INTERACTIONS, h, arg);
}

int crm_screen_pop_customer(struct crm *crm, const char *tenant,
                            const char *customer, store_screen_pop_h *h,
                            void *arg, char *err, size_t errsz)
{
	int e = known_tenant(crm, tenant, err, errsz);

	if (e)
		return e;
	if (!customer || !*customer)
		return EINVAL;
	return store_screen_pop_customer_get(crm->o.store, tenant, customer,
	                                     CRM_POP_INTERACTIONS, h, arg);
}

int crm_screen_pop_workorder(struct crm *crm, const char *tenant,
                             const char *workorder, store_screen_pop_h *h,
                             void *arg, char *err, size_t errsz)
{
	int e = known_tenant(crm, tenant, err, errsz);

	if (e)
		return e;
	if (!workorder || !*workorder)
		return EINVAL;
	return store_screen_pop_workorder_get(crm->o.store, tenant, workorder,
	                                      CRM_POP_INTERACTIONS, h, arg);
}
