/**
 * @file build.c  The one-queue center of `hotline simulate --agents N`:
 * tenant "sim", a voice queue "queue" that any agent serves, agents
 * 1001, 1002, ...
 */
#include <errno.h>
#include <stdio.h>

#include "sim/sim.h"

int sim_build_single(struct sim *sim, const struct sim_single *s)
{
	struct acd *acd = sim_acd(sim);
	struct acd_queue_cfg qc = {0};
	struct acd_tenant *t;
	struct acd_queue *q;
	int err;

	if (!acd || !s || !s->agents || !s->answer_s ||
	    s->strategy >= ACD_STRAT_MAX)
		return EINVAL;

	err = acd_tenant_add(acd, "sim", &t);
	if (err)
		return err;

	qc.name = "queue";
	qc.channel = ACD_CH_VOICE;
	qc.strategy = s->strategy;
	qc.wrapup_s = s->wrapup_s;
	qc.sl_threshold_s = s->answer_s;
	qc.sl_target = 0.80;
	err = acd_queue_add(t, &qc, &q);
	if (err)
		return err;

	for (uint32_t i = 0; i < s->agents; i++) {
		struct acd_agent_cfg ac = {0};
		struct acd_agent *a;
		char id[16];

		snprintf(id, sizeof(id), "%u", 1001 + i);
		ac.id = id;
		err = acd_agent_add(t, &ac, &a);
		if (err)
			return err;
	}
	return sim_set_tenant(sim, t);
}
