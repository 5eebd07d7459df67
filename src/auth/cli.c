/**
 * @file cli.c  `hotline passwd`: hash a password for a center file's
 * password_hash, so the file holds no password.
 */
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
