/**
 * @file tenants.c  Tenants added, removed and exported at run time: the
 * model's side of the tenant lifecycle (the API's /api/v1/tenants routes,
 * src/api/tenants.c, drive it and tell the engine, users and store).
 *
 * A definition is the center file's format holding only a tenants: list of
 * one tenant, loaded by the same code as the file (so errors name its line
 * and field the same way).  The model keeps room for CENTER_TENANTS_MAX
 * tenants: an added tenant takes the next free slot and no other tenant
 * moves, so the pointers the voice channel and the IVR hold stay valid.  A
 * removed tenant keeps its slot and its memory until the daemon stops (a
 * call in progress may still point at it); lookups skip it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <re.h>

#include "center/center_int.h"

int center_definition_load(struct center **cp, const char *name,
                           const char *text, size_t len, char *err,
                           size_t errsz)
{
	struct center *c = NULL;
	int e;

	if (!cp || !name || !text || !err || !errsz)
		return EINVAL;
	e = cfg_load_definition(&c, name, text, len, err, errsz);
	if (e)
		return e;
	if (c->ntenants != 1) {
		snprintf(err, errsz,
		         "%s:%u: tenants: a definition holds exactly one "
		         "tenant (found %zu)",
		         name, c->tenants[1].line, c->ntenants);
		mem_deref(c);
		return EINVAL;
	}
	*cp = c;
	return 0;
}

/* Does another live tenant of c (not skip) answer one of t's numbers? */
static const struct center_number *
number_taken(const struct center *c, const struct center_tenant *t,
             const struct center_tenant *skip,
             const struct center_tenant **ownerp)
{
	for (size_t i = 0; i < t->nnumbers; i++) {
		const struct center_tenant *o = NULL;
		const struct center_number *n =
		    center_number(c, t->numbers[i].number, &o);

		if (n && o != skip) {
			*ownerp = o;
			return &t->numbers[i];
		}
	}
	return NULL;
}

int center_tenant_check_new(const struct center *c, const struct center *def,
                            const char *replaces, char *err, size_t errsz)
{
	const struct center_tenant *t, *old, *owner = NULL;
	const struct center_number *n;

	if (!c || !def || def->ntenants != 1)
		return EINVAL;
	t = &def->tenants[0];
	old = replaces ? center_tenant(c, replaces) : NULL;
	if (replaces && !old) {
		snprintf(err, errsz, "no tenant '%s'", replaces);
		return ENOENT;
	}
	if (replaces && strcmp(replaces, t->name)) {
		snprintf(err, errsz,
		         "%s:%u: tenants[0].name: the definition is of "
		         "tenant '%s', not '%s' (a tenant is not renamed)",
		         def->path, t->line, t->name, replaces);
		return EINVAL;
	}
	if (!replaces && center_tenant(c, t->name)) {
		snprintf(err, errsz, "%s:%u: tenants[0].name: tenant '%s' "
		         "exists already", def->path, t->line, t->name);
		return EEXIST;
	}
	n = number_taken(c, t, old, &owner);
	if (n) {
		snprintf(err, errsz,
		         "%s:%u: tenants[0].numbers: number '%s' belongs to "
		         "tenant '%s'",
		         def->path, n->line, n->number, owner->name);
		return EEXIST;
	}
	{
		const struct center_trunk *tr;
		int e = cfg_dialout_find(c, &t->dialout, &tr);

		if (e) {
			snprintf(err, errsz,
			         "%s:%u: tenants[0].dialout.trunk: %s '%s'",
			         def->path, t->line,
			         e == ENOENT ? "the center has no trunk"
			                     : "no outbound uri on trunk",
			         t->dialout.trunk_name);
			return EINVAL;
		}
	}
	if (c->ntenants >= CENTER_TENANTS_MAX) {
		snprintf(err, errsz,
		         "no room for another tenant (%d slots, deleted "
		         "tenants included, until a restart)",
		         CENTER_TENANTS_MAX);
		return ENOSPC;
	}
	return 0;
}

int center_tenant_adopt(struct center *c, struct center *def,
                        const struct center_tenant **tp)
{
	struct center_tenant *t;

	if (!c || !def || def->ntenants != 1 || !c->tenants)
		return EINVAL;
	if (c->ntenants >= CENTER_TENANTS_MAX)
		return ENOSPC;
	t = &c->tenants[c->ntenants];
	/* the strings and arrays are blocks of their own: moving the
	 * struct hands them over, and def no longer frees them */
	*t = def->tenants[0];
	memset(&def->tenants[0], 0, sizeof(def->tenants[0]));
	/* its dial-out uses this center's trunks (checked by _check_new) */
	(void)cfg_dialout_find(c, &t->dialout, &t->dialout.trunk);
	def->ntenants = 0;
	c->ntenants++;
	if (tp)
		*tp = t;
	return 0;
}

int center_tenant_remove(struct center *c, const char *name)
{
	struct center_tenant *t =
	    (struct center_tenant *)center_tenant(c, name);

	if (!t)
		return ENOENT;
	t->removed = true;
	return 0;
}

int center_tenant_export(const struct center_tenant *t, char **textp)
{
	struct mbuf *mb;
	int err = 0;

	if (!t || !textp)
		return EINVAL;
	if (!t->source)
		return ENOTSUP;
	mb = mbuf_alloc(strlen(t->source) + 256);
	if (!mb)
		return ENOMEM;
	err |= mbuf_printf(mb,
	                   "# Tenant %s, as defined for hotline.  Import it "
	                   "with PUT /api/v1/tenants/%s/config,\n"
	                   "# or create it elsewhere with POST "
	                   "/api/v1/tenants (docs/center.md).\n"
	                   "tenants:\n  - ",
	                   t->name, t->name);
	for (const char *p = t->source; *p && !err;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);

		if (p != t->source && n > 1)
			err |= mbuf_write_str(mb, "    ");
		err |= mbuf_write_mem(mb, (const uint8_t *)p, n);
		p += n;
	}
	err |= mbuf_write_u8(mb, 0);
	if (err) {
		mem_deref(mb);
		return ENOMEM;
	}
	err = str_dup(textp, (const char *)mb->buf);
	mem_deref(mb);
	return err;
}
