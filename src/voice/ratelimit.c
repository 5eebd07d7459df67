/**
 * @file ratelimit.c  Token buckets of failed authentication per source.
 *
 * Two buckets per attempt: one for the source address and port (a phone,
 * or a scanner on one socket) and one for the IP address (a scanner
 * rotating ports).  Only failures take tokens, so a phone with the right
 * password is never slowed down, and a blocked source is refused before
 * any digest is computed.  Buckets that are full again are forgotten, so
 * the table holds only sources that failed recently.
 */
#include <string.h>

#include "voice/voice_int.h"

struct bucket {
	struct le he;
	struct sa key; /* port 0 for the per-IP bucket */
	double tokens;
	uint64_t last_ms;
	uint32_t refused; /* attempts refused while blocked */
	bool blocked;     /* logged as blocked */
};

struct ratelimit {
	struct ratelimit_cfg cfg;
	struct hash *ht; /* struct bucket, owning */
	uint32_t count;
	uint64_t last_gc;
};

/* "1.2.3.4:5060", or "1.2.3.4" for the per-IP bucket */
static const char *key_str(const struct sa *key)
{
	static char buf[64];

	if (sa_port(key))
		(void)re_snprintf(buf, sizeof(buf), "%J", key);
	else
		(void)re_snprintf(buf, sizeof(buf), "%j", key);
	return buf;
}

static void bucket_destructor(void *arg)
{
	struct bucket *b = arg;

	hash_unlink(&b->he);
}

static void rl_destructor(void *arg)
{
	struct ratelimit *rl = arg;

	hash_flush(rl->ht);
	mem_deref(rl->ht);
}

int ratelimit_alloc(struct ratelimit **rlp, const struct ratelimit_cfg *cfg)
{
	struct ratelimit *rl;
	int err;

	if (!rlp || !cfg)
		return EINVAL;

	rl = mem_zalloc(sizeof(*rl), rl_destructor);
	if (!rl)
		return ENOMEM;

	rl->cfg = *cfg;

	err = hash_alloc(&rl->ht, 256);
	if (err)
		goto out;

out:
	if (err)
		mem_deref(rl);
	else
		*rlp = rl;

	return err;
}

static bool key_cmp(struct le *le, void *arg)
{
	const struct bucket *b = le->data;

	return sa_cmp(&b->key, arg, SA_ALL);
}

static void refill(const struct ratelimit *rl, struct bucket *b, uint64_t now)
{
	bool host = sa_port(&b->key) == 0;
	double rate = host ? rl->cfg.host_rate : rl->cfg.addr_rate;
	double burst = host ? rl->cfg.host_burst : rl->cfg.addr_burst;

	b->tokens += rate * (double)(now - b->last_ms) / 1000.0;
	if (b->tokens > burst)
		b->tokens = burst;
	b->last_ms = now;
}

static struct bucket *bucket_find(const struct ratelimit *rl,
                                  const struct sa *key)
{
	return list_ledata(
	    hash_lookup(rl->ht, sa_hash(key, SA_ALL), key_cmp, (void *)key));
}

struct gc_arg {
	struct ratelimit *rl;
	uint64_t now;
};

static bool gc_handler(struct le *le, void *arg)
{
	struct gc_arg *ga = arg;
	struct bucket *b = le->data;
	bool host = sa_port(&b->key) == 0;

	refill(ga->rl, b, ga->now);
	if (b->tokens >=
	    (host ? ga->rl->cfg.host_burst : ga->rl->cfg.addr_burst)) {
		if (b->blocked)
			HL_WARN("voice",
			        "ratelimit: %s allowed again, %u "
			        "attempts refused while blocked",
			        key_str(&b->key), b->refused);
		mem_deref(b);
		ga->rl->count--;
	}

	return false;
}

/* Forget sources that are full again, at most every 10 s. */
static void gc(struct ratelimit *rl, uint64_t now)
{
	struct gc_arg ga = {rl, now};

	if (now - rl->last_gc < 10000)
		return;
	rl->last_gc = now;

	(void)hash_apply(rl->ht, gc_handler, &ga);
}

/* One bucket: is it empty?  Logs transitions. */
static bool check_one(struct ratelimit *rl, const struct sa *key, uint64_t now)
{
	struct bucket *b = bucket_find(rl, key);

	if (!b)
		return false;

	refill(rl, b, now);

	if (b->tokens >= 1.0) {
		if (b->blocked) {
			HL_WARN("voice",
			        "ratelimit: %s allowed again, %u "
			        "attempts refused while blocked",
			        key_str(&b->key), b->refused);
			b->blocked = false;
			b->refused = 0;
		}
		return false;
	}

	if (!b->blocked) {
		HL_WARN("voice",
		        "ratelimit: %s blocked: too many failed "
		        "authentications",
		        key_str(&b->key));
		b->blocked = true;
	}
	b->refused++;
	return true;
}

bool ratelimit_blocked(struct ratelimit *rl, const struct sa *src)
{
	uint64_t now = hl_mono_ms();
	struct sa host = *src;

	sa_set_port(&host, 0);

	gc(rl, now);

	/* evaluate both so each logs its own transition */
	bool a = check_one(rl, src, now);
	bool h = check_one(rl, &host, now);

	return a || h;
}

static void take(struct ratelimit *rl, const struct sa *key, uint64_t now)
{
	struct bucket *b = bucket_find(rl, key);

	if (!b) {
		bool host = sa_port(key) == 0;

		b = mem_zalloc(sizeof(*b), bucket_destructor);
		if (!b)
			return;
		b->key = *key;
		b->tokens = host ? rl->cfg.host_burst : rl->cfg.addr_burst;
		b->last_ms = now;
		hash_append(rl->ht, sa_hash(key, SA_ALL), &b->he, b);
		rl->count++;
	}

	refill(rl, b, now);
	b->tokens -= 1.0;
	if (b->tokens < 0)
		b->tokens = 0;
}

void ratelimit_fail(struct ratelimit *rl, const struct sa *src)
{
	uint64_t now = hl_mono_ms();
	struct sa host = *src;

	sa_set_port(&host, 0);
	take(rl, src, now);
	take(rl, &host, now);
}

uint32_t ratelimit_count(const struct ratelimit *rl)
{
	return rl ? rl->count : 0;
}
