/**
 * @file ewt.c  Estimated wait time.
 *
 * A contact at position k needs k agents of its target to free up.  With N
 * agents serving the target and a mean handle time H (talk + wrap-up, a
 * moving average of this queue's recent contacts), agents free up at rate
 * N/H, so the expected wait for the k-th is k*H/N: the conditional wait of
 * the M/M/N queue given the position.  It uses the agents actually working
 * the queue now, not an average hold time minus the time waited.
 * `hotline simulate` measures how far this is from the waits that follow.
 */
#include <errno.h>

#include "acd/acd_int.h"

static uint64_t target_ewt(const struct acd_queue *q,
			   const struct acd_target *tg, uint32_t pos)
{
	uint64_t serving = 0;

	if (acd_target_has_agent(tg))
		return 0;
	for (uint8_t b = tg->lo; b < tg->p->nbuckets; b++) {
		const struct acd_bucket *bk = &tg->p->b[b];
		serving += bk->by_state[ACD_AGENT_AVAILABLE] +
			   bk->by_state[ACD_AGENT_RESERVED] +
			   bk->by_state[ACD_AGENT_BUSY] +
			   bk->by_state[ACD_AGENT_WRAPUP];
	}
	if (!serving)
		return ACD_NONE;
	return (uint64_t)((double)pos * q->aht_ms / (double)serving);
}

uint64_t acd_queue_ewt(const struct acd_queue *q, uint32_t pos)
{
	if (!q)
		return ACD_NONE;
	return target_ewt(q, &q->steps[0], pos ? pos : 1);
}

int acd_contact_ewt(const struct acd *acd, uint64_t id, uint64_t *ewtp)
{
	struct acd_contact_info info;
	const struct acd_contact *c;
	int err;

	if (!ewtp)
		return EINVAL;
	err = acd_contact_info(acd, id, &info);
	if (err)
		return err;
	if (info.state != ACD_CONTACT_WAITING) {
		*ewtp = 0;
		return 0;
	}
	c = acd_contact_get(acd, id);
	*ewtp = target_ewt(c->q, &c->cur, info.position);
	return 0;
}
