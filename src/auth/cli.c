/**
 * @file cli.c  `hotline passwd`: hash a password for a center file's
 * password_hash, so the file holds no password; `hotline apikey`: a key
 * and its digest for api_keys.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "auth/auth.h"
#include "cli.h"

int cmd_passwd(int argc, char **argv)
{
	char pw[AUTH_PW_MAX + 2], hash[128];
	size_t len;

	if (argc > 1) {
		FILE *o = strcmp(argv[1], "--help") && strcmp(argv[1], "-h")
		              ? stderr
		              : stdout;
		fprintf(o, "usage: hotline passwd < PASSWORD-FILE\n\n"
		           "Read a password (one line) on standard input and "
		           "print its Argon2id\nhash for a user's "
		           "password_hash in the center file.\n");
		return o == stdout ? 0 : 2;
	}
	if (!fgets(pw, sizeof(pw), stdin)) {
		fprintf(stderr, "hotline passwd: no password on standard "
		                "input\n");
		return 1;
	}
	len = strcspn(pw, "\r\n");
	pw[len] = '\0';
	if (!len || len > AUTH_PW_MAX) {
		fprintf(stderr,
		        "hotline passwd: the password must be 1 to %d "
		        "bytes\n",
		        AUTH_PW_MAX);
		sodium_memzero(pw, sizeof(pw));
		return 1;
	}
	if (auth_pwhash(pw, hash, sizeof(hash))) {
		fprintf(stderr, "hotline passwd: hashing failed\n");
		sodium_memzero(pw, sizeof(pw));
		return 1;
	}
	sodium_memzero(pw, sizeof(pw));
	printf("%s\n", hash);
	return 0;
}

/* `hotline apikey`: a new random key and its digest for api_keys; with
 * --hash, the digest of a key read on standard input. */
int cmd_apikey(int argc, char **argv)
{
	char key[AUTH_TOKEN_TEXT + 96], digest[AUTH_HASH_TEXT];
	bool from_stdin = argc == 2 && !strcmp(argv[1], "--hash");

	if (argc > 1 && !from_stdin) {
		FILE *o = strcmp(argv[1], "--help") && strcmp(argv[1], "-h")
		              ? stderr
		              : stdout;
		fprintf(o,
		        "usage: hotline apikey [--hash < KEY-FILE]\n\n"
		        "Make a new API key and print it with its digest for "
		        "a tenant's\napi_keys in the center file:\n\n"
		        "    api_keys:\n"
		        "      - {name: crm, role: supervisor, key_hash: "
		        "DIGEST}\n\n"
		        "Give the key to the system that calls the API; the "
		        "file keeps only\nthe digest.  --hash prints the "
		        "digest of a key (one line) read on\nstandard "
		        "input.\n");
		return o == stdout ? 0 : 2;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "hotline apikey: libsodium failed\n");
		return 1;
	}
	if (from_stdin) {
		size_t len;

		if (!fgets(key, sizeof(key), stdin)) {
			fprintf(stderr, "hotline apikey: no key on standard "
			                "input\n");
			return 1;
		}
		len = strcspn(key, "\r\n");
		key[len] = '\0';
		if (len < 16 || len > 127) {
			fprintf(stderr, "hotline apikey: a key is 16 to 127 "
			                "characters\n");
			return 1;
		}
		auth_key_digest(key, digest);
		printf("%s\n", digest);
	} else {
		uint8_t raw[32];

		randombytes_buf(raw, sizeof(raw));
		sodium_bin2base64(key, AUTH_TOKEN_TEXT, raw, sizeof(raw),
		                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		sodium_memzero(raw, sizeof(raw));
		auth_key_digest(key, digest);
		printf("key: %s\nkey_hash: %s\n", key, digest);
	}
	sodium_memzero(key, sizeof(key));
	return 0;
}
