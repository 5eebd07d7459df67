/**
 * @file auth.c  Digest authentication of agent phones (MD5, qop=auth).
 *
 * Nonces are stateless: "<8 hex seconds><32 hex MD5(key:seconds:realm)>",
 * so a flood of challenges costs no memory and a nonce cannot be forged
 * without the per-process key.  A nonce older than nonce_ttl_s is stale:
 * a correct answer to it gets a new challenge with stale=true, so phones
 * retry without asking their user for the password again.
 */
#include <string.h>

#include "voice/voice_int.h"

enum { NONCE_LEN = 8 + 2 * MD5_SIZE };

void auth_init(struct voice_auth *a, uint32_t nonce_ttl_s)
{
	rand_bytes(a->key, sizeof(a->key));
	a->nonce_ttl_s = nonce_ttl_s ? nonce_ttl_s : 300;
}

static uint32_t now_s(void)
{
	return (uint32_t)(hl_mono_ms() / 1000);
}

static int nonce_mac(const struct voice_auth *a, uint32_t ts, const char *realm,
                     uint8_t mac[MD5_SIZE])
{
	return md5_printf(mac, "%w:%08x:%s", a->key, sizeof(a->key), ts, realm);
}

static int nonce_make(const struct voice_auth *a, const char *realm, char *buf,
                      size_t sz)
{
	uint8_t mac[MD5_SIZE];
	uint32_t ts = now_s();
	int err;

	err = nonce_mac(a, ts, realm, mac);
	if (err)
		return err;

	return re_snprintf(buf, sz, "%08x%w", ts, mac, sizeof(mac)) < 0 ? ENOMEM
	                                                                : 0;
}

/* 0 if ours and fresh, ETIMEDOUT if ours and old, EAUTH otherwise. */
static int nonce_verify(const struct voice_auth *a, const struct pl *nonce,
                        const char *realm)
{
	uint8_t mac[MD5_SIZE];
	char want[2 * MD5_SIZE + 1];
	struct pl ts_pl;
	uint32_t ts;

	if (nonce->l != NONCE_LEN)
		return EAUTH;

	ts_pl.p = nonce->p;
	ts_pl.l = 8;
	ts = pl_x32(&ts_pl);

	if (nonce_mac(a, ts, realm, mac))
		return EAUTH;

	(void)re_snprintf(want, sizeof(want), "%w", mac, sizeof(mac));
	if (strncasecmp(want, nonce->p + 8, 2 * MD5_SIZE))
		return EAUTH;

	if (now_s() - ts > a->nonce_ttl_s)
		return ETIMEDOUT;

	return 0;
}

struct find_arg {
	const char *realm;
	struct httpauth_digest_resp resp;
	bool found;
};

static bool hdr_realm_handler(const struct sip_hdr *hdr,
                              const struct sip_msg *msg, void *arg)
{
	struct find_arg *fa = arg;
	struct httpauth_digest_resp resp;
	(void)msg;

	if (httpauth_digest_response_decode(&resp, &hdr->val))
		return false;

	if (!fa->found || !pl_strcmp(&resp.realm, fa->realm)) {
		fa->resp = resp;
		fa->found = true;
	}

	return !pl_strcmp(&resp.realm, fa->realm);
}

enum auth_result auth_check(const struct voice_auth *a,
                            const struct sip_msg *msg, const char *realm,
                            const char *user, const char *password)
{
	struct find_arg fa = {.realm = realm};
	uint8_t ha1[MD5_SIZE];
	int nerr;

	(void)sip_msg_hdr_apply(msg, true, SIP_HDR_AUTHORIZATION,
	                        hdr_realm_handler, &fa);
	if (!fa.found) {
		/* a header we cannot parse counts as an attempt */
		return sip_msg_hdr(msg, SIP_HDR_AUTHORIZATION) ? AUTH_FAILED
		                                               : AUTH_MISSING;
	}

	if (pl_strcmp(&fa.resp.realm, realm))
		return AUTH_MISSING; /* answered someone else's challenge */

	nerr = nonce_verify(a, &fa.resp.nonce, realm);
	if (nerr == EAUTH)
		return AUTH_MISSING; /* not our nonce (e.g. we restarted) */

	if (!password || pl_strcmp(&fa.resp.username, user))
		return AUTH_FAILED;

	if (pl_isset(&fa.resp.qop) && pl_strcasecmp(&fa.resp.qop, "auth"))
		return AUTH_FAILED;

	if (md5_printf(ha1, "%s:%s:%s", user, realm, password))
		return AUTH_FAILED;

	if (httpauth_digest_response_auth(&fa.resp, &msg->met, ha1))
		return AUTH_FAILED;

	return nerr == ETIMEDOUT ? AUTH_STALE : AUTH_OK;
}

int auth_challenge(const struct voice_auth *a, struct sip *sip,
                   const struct sip_msg *msg, const char *realm, bool stale)
{
	char nonce[NONCE_LEN + 1];
	int err;

	err = nonce_make(a, realm, nonce, sizeof(nonce));
	if (err)
		return err;

	return sip_replyf(sip, msg, 401, "Unauthorized",
	                  "WWW-Authenticate: Digest realm=\"%s\", "
	                  "nonce=\"%s\", algorithm=MD5, qop=\"auth\"%s\r\n"
	                  "Content-Length: 0\r\n"
	                  "\r\n",
	                  realm, nonce, stale ? ", stale=true" : "");
}
