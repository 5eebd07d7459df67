/**
 * @file ivr.c  The IVR of a center: what its sessions share.  Each
 * tenant's time zone is read once here (files, at start-up), and one libre
 * HTTP client serves every lookup on the loop.
 */
#include <errno.h>
#include <string.h>

#include "core/core.h"
#include "ivr/ivr_int.h"

static void ivr_destructor(void *arg)
{
	struct ivr *ivr = arg;

	/* sessions hold references: none is left, so no request either */
	mem_deref(ivr->http);
	mem_deref(ivr->dnsc);
	for (size_t i = 0; i < ivr->ntz; i++)
		mem_deref(ivr->tz[i]);
	mem_deref(ivr->tz);
	mem_deref((void *)ivr->center);
}

static uint64_t wall_clock(void *arg)
{
	return hl_wall_ms();
}

/* A DNS client with the system's resolvers; with none configured, host
 * names simply fail to resolve (the lookup's error branch). */
static int dnsc_system(struct dnsc **dnscp)
{
	struct sa srv[8];
	uint32_t n = ARRAY_LEN(srv);
	char domain[64] = "";

	if (dns_srv_get(domain, sizeof(domain), srv, &n) || !n) {
		n = 1;
		sa_set_str(&srv[0], "127.0.0.1", 53);
	}
	return dnsc_alloc(dnscp, NULL, srv, n);
}

int ivr_alloc(struct ivr **ivrp, const struct center *c,
              const struct ivr_cfg *cfg, char *err, size_t errsz)
{
	struct ivr *ivr;
	char ebuf[8];
	int e = 0;

	if (!err || !errsz) {
		err = ebuf;
		errsz = sizeof(ebuf);
	}
	err[0] = '\0';
	if (!ivrp || !c) {
		snprintf(err, errsz, "ivr_alloc: no center");
		return EINVAL;
	}
	ivr = mem_zalloc(sizeof(*ivr), ivr_destructor);
	if (!ivr)
		return ENOMEM;
	ivr->center = mem_ref((void *)c);
	ivr->clock = cfg && cfg->clock ? cfg->clock : wall_clock;
	ivr->clock_arg = cfg ? cfg->clock_arg : NULL;

	if (c->ntenants) {
		ivr->tz = mem_zalloc(c->ntenants * sizeof(*ivr->tz), NULL);
		if (!ivr->tz) {
			e = ENOMEM;
			goto out;
		}
	}
	ivr->ntz = c->ntenants;
	for (size_t i = 0; i < c->ntenants; i++) {
		const char *zone = c->tenants[i].timezone;

		e = ivr_tz_load(&ivr->tz[i], cfg ? cfg->zoneinfo : NULL,
		                zone ? zone : "UTC");
		if (e) {
			snprintf(err, errsz,
			         "tenant %s: time zone %s cannot be read (%s)",
			         c->tenants[i].name, zone ? zone : "UTC",
			         strerror(e));
			goto out;
		}
	}

	if (cfg && cfg->dnsc)
		ivr->dnsc = mem_ref(cfg->dnsc);
	else
		e = dnsc_system(&ivr->dnsc);
	if (!e)
		e = http_client_alloc(&ivr->http, ivr->dnsc);
	if (e)
		snprintf(err, errsz, "HTTP client for lookups: %s",
		         strerror(e));

out:
	if (e) {
		HL_ERROR("ivr", "%s", err);
		mem_deref(ivr);
	} else {
		*ivrp = ivr;
	}
	return e;
}

int ivr_tenant_added(struct ivr *ivr, const struct center_tenant *t)
{
	size_t i, n;
	struct ivr_tz **tz;

	if (!ivr || !t || t < ivr->center->tenants)
		return EINVAL;
	i = (size_t)(t - ivr->center->tenants);
	if (i >= CENTER_TENANTS_MAX)
		return EINVAL;
	if (i >= ivr->ntz) {
		n = i + 1;
		tz = ivr->tz ? mem_realloc(ivr->tz, n * sizeof(*tz))
		             : mem_zalloc(n * sizeof(*tz), NULL);
		if (!tz)
			return ENOMEM;
		memset(tz + ivr->ntz, 0, (n - ivr->ntz) * sizeof(*tz));
		ivr->tz = tz;
		ivr->ntz = n;
	}
	if (ivr->tz[i])
		return 0; /* sessions may hold it: a slot keeps its zone */
	return ivr_tz_load(&ivr->tz[i], NULL,
	                   t->timezone ? t->timezone : "UTC");
}

uint64_t ivr_now(const struct ivr *ivr)
{
	return ivr->clock(ivr->clock_arg);
}

const struct ivr_tz *ivr_tenant_tz(const struct ivr *ivr,
                                   const struct center_tenant *t)
{
	size_t i = (size_t)(t - ivr->center->tenants);

	return i < ivr->ntz ? ivr->tz[i] : NULL;
}
