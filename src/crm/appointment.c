/**
 * @file appointment.c  Appointment slots made from the tenant's services
 * (hours in the tenant's time zone, a length and a capacity), bookings,
 * and the sentence that confirms one to the customer.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "crm/crm_int.h"
#include "ivr/ivr.h"

#define DAY_MS 86400000ull
#define SLOTS_MAX                                                              \
	20000 /* per call: 366 days of 5-minute slots would be                 \
	         more; such a service is a configuration slip */

/* UTC ms of local minute `minute` of local day `day`. */
static uint64_t local_to_utc(const struct ivr_tz *tz, int64_t day, int minute)
{
	int64_t local_s = day * 86400 + (int64_t)minute * 60;
	/* the offset at that instant, found from a first guess */
	int32_t off = ivr_tz_offset(tz, local_s);

	off = ivr_tz_offset(tz, local_s - off);
	return (uint64_t)(local_s - off) * 1000;
}

static int service_slots(const struct crm_tenant *t,
                         const struct center_service *sv, uint64_t from_ms,
                         struct store_appt_slot *v, size_t *np)
{
	struct ivr_local lt;
	size_t n = *np;

	ivr_tz_local(t->tz, (int64_t)(from_ms / 1000), &lt);
	for (uint32_t d = 0; d < sv->days_ahead; d++) {
		int64_t day = lt.days + d;
		/* 1970-01-01 was a Thursday: 3 in Monday-first numbering */
		int wday = (int)(((day % 7) + 7 + 3) % 7);
		const struct center_day *cd = &sv->week[wday];

		for (uint8_t r = 0; r < cd->n; r++) {
			for (uint32_t m = cd->r[r].from;
			     m + sv->slot_s / 60 <= cd->r[r].to;
			     m += sv->slot_s / 60) {
				uint64_t start =
				    local_to_utc(t->tz, day, (int)m);

				if (start < from_ms)
					continue; /* already begun today */
				if (n == SLOTS_MAX)
					return E2BIG;
				v[n].tenant = t->cfg->name;
				v[n].service = sv->name;
				v[n].start = start;
				v[n].length_s = sv->slot_s;
				v[n].capacity = sv->capacity;
				n++;
			}
		}
	}
	*np = n;
	return 0;
}

int crm_slots_make(struct crm *crm, const char *tenant, const char *service,
                   uint64_t from_ms, store_result_h *h, void *arg)
{
	struct crm_tenant *t = crm ? crm_tenant_get(crm, tenant) : NULL;
	struct store_appt_slot *v;
	size_t n = 0;
	int err = 0;

	if (!t)
		return ENOENT;
	if (service && !center_service(t->cfg, service))
		return ENOENT;
	v = mem_zalloc(SLOTS_MAX * sizeof(*v), NULL);
	if (!v)
		return ENOMEM;
	for (size_t i = 0; i < t->cfg->nservices && !err; i++) {
		const struct center_service *sv = &t->cfg->services[i];

		if (service && strcmp(service, sv->name))
			continue;
		err = service_slots(t, sv, from_ms, v, &n);
	}
	if (!err)
		err = store_slots_ensure(crm->o.store, v, n, h, arg);
	mem_deref(v);
	return err;
}

int crm_book(struct crm *crm, const char *tenant, const char *slot,
             const char *customer, const char *phone, const char *source,
             const struct crm_actor *a, store_result_h *h, void *arg, char *err,
             size_t errsz)
{
	struct store_booking b = {0};
	char num[32];
	int e;

	if (!crm || !tenant || !slot || !source)
		return EINVAL;
	if (!crm_tenant_get(crm, tenant))
		return crm_fail(err, errsz, ENOENT, "unknown tenant '%s'",
		                tenant);
	if (strcmp(source, "agent") && strcmp(source, "ivr") &&
	    strcmp(source, "api"))
		return crm_fail(err, errsz, EINVAL,
		                "a booking comes from agent, ivr or api");
	if (!customer && !phone)
		return crm_fail(err, errsz, EINVAL,
		                "a booking needs a customer or a phone number "
		                "to confirm to");
	if (phone) {
		e = crm_phone_normalise(phone, crm->cc, num, sizeof(num), err,
		                        errsz);
		if (e)
			return e;
	}
	b.tenant = tenant;
	b.slot = slot;
	b.customer = customer;
	b.phone = phone ? num : NULL;
	b.source = source;
	b.actor = a ? a->id : NULL;
	return store_booking_add(crm->o.store, &b, h, arg);
}

int crm_booking_confirmation(const struct crm *crm, const char *tenant,
                             const char *service, uint64_t start,
                             const char *code, char *buf, size_t sz)
{
	struct crm_tenant *t = crm ? crm_tenant_get(crm, tenant) : NULL;
	const struct center_service *sv;
	struct ivr_local lt;
	int64_t y, doe, yoe, mp, d, m, z;

	if (!t || !buf || !code)
		return EINVAL;
	sv = center_service(t->cfg, service);
	if (!sv)
		return ENOENT;
	ivr_tz_local(t->tz, (int64_t)(start / 1000), &lt);
	/* civil date from days since the epoch (Howard Hinnant's method) */
	z = lt.days + 719468;
	doe = z - (z >= 0 ? z : z - 146096) / 146097 * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + (z >= 0 ? z : z - 146096) / 146097 * 400;
	d = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * d + 2) / 153;
	d = d - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(buf, sz, "%s, %04lld-%02lld-%02lld %02d:%02d, code %s",
	         sv->title ? sv->title : sv->name, (long long)y, (long long)m,
	         (long long)d, lt.minute / 60, lt.minute % 60, code);
	return 0;
}
