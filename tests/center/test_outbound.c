/**
 * @file test_outbound.c  Calls out through a trunk in the center
 * definition: a trunk's outbound settings and a tenant's dialout rules as
 * loaded, their errors with file, line and field, and the checks voice
 * makes before dialing (center_outside, the rewritten number, the caller
 * id presented).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <re.h>

#include "center/center.h"

static char tmp_path[64];

static int load_text(struct center **cp, const char *text, char *err,
                     size_t errsz)
{
	FILE *f;
	int fd, e;

	strcpy(tmp_path, "/tmp/hotline-outbound-XXXXXX");
	fd = mkstemp(tmp_path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	*cp = NULL;
	e = center_load(cp, tmp_path, err, errsz);
	unlink(tmp_path);
	return e;
}

#define TRUNKS                                                                 \
	"trunks:\n"                                                            \
	"  - name: inbound\n"                                                  \
	"    address: 127.0.0.1\n"                                             \
	"  - name: carrier\n"                                                  \
	"    address: 192.0.2.1\n"                                             \
	"    outbound:\n"                                                      \
	"      uri: \"sip:192.0.2.10:5070\"\n"                                 \
	"      transport: tcp\n"                                               \
	"      username: acct\n"                                               \
	"      password: secret\n"                                             \
	"      strip: 1\n"                                                     \
	"      prefix: \"00\"\n"                                               \
	"      ring_timeout: 20s\n"

#define TENANT(name, number)                                                   \
	"  - name: " name "\n"                                                 \
	"    skills: [general]\n"                                              \
	"    queues:\n"                                                        \
	"      - {name: front, skills: {general: 1}}\n"                        \
	"    agents:\n"                                                        \
	"      - {id: \"1001\", password: pw1001, skills: {general: 5}}\n"     \
	"    numbers:\n"                                                       \
	"      - {number: \"" number "\", queue: front}\n"

static const char good[] = TRUNKS "tenants:\n" TENANT(
    "city",
    "12345") "    dialout:\n"
             "      caller_id: \"+86101234\"\n"
             "      allow: [\"+86\", \"0\"]\n"
             "      deny: [\"+86900\", \"0900\"]\n" TENANT("plain", "95555")
                 TENANT("off", "96666") "    dialout: {enabled: false}\n";

static void test_loaded(void **state)
{
	const struct center_tenant *city, *plain, *off;
	const struct center_trunk *tr = NULL;
	struct center *c;
	char err[512], dial[64];
	(void)state;

	assert_int_equal(load_text(&c, good, err, sizeof(err)), 0);
	assert_int_equal(c->ntrunks, 2);
	assert_null(c->trunks[0].out.uri);
	assert_string_equal(c->trunks[1].out.uri, "sip:192.0.2.10:5070");
	assert_string_equal(c->trunks[1].out.transport, "tcp");
	assert_string_equal(c->trunks[1].out.username, "acct");
	assert_int_equal(c->trunks[1].out.strip, 1);
	assert_int_equal(c->trunks[1].out.ring_timeout_s, 20);

	city = center_tenant(c, "city");
	plain = center_tenant(c, "plain");
	off = center_tenant(c, "off");
	assert_non_null(city);
	/* no trunk named: the first one with an outbound uri */
	assert_ptr_equal(city->dialout.trunk, &c->trunks[1]);
	assert_ptr_equal(plain->dialout.trunk, &c->trunks[1]);

	/* allowed, denied, not allowed, not a number */
	assert_int_equal(center_outside(city, "+8613900001111", &tr), 0);
	assert_ptr_equal(tr, &c->trunks[1]);
	assert_int_equal(center_outside(city, "01012345678", NULL), 0);
	assert_int_equal(center_outside(city, "+8690012345", NULL), EACCES);
	assert_int_equal(center_outside(city, "0900123", NULL), EACCES);
	assert_int_equal(center_outside(city, "+15550001111", NULL), EACCES);
	assert_int_equal(center_outside(city, "12", NULL), EINVAL);
	assert_int_equal(center_outside(city, "+86-139", NULL), EINVAL);
	assert_int_equal(center_outside(city, "queue:front", NULL), EINVAL);
	assert_int_equal(center_outside(city, "123456789012345678901", NULL),
	                 EINVAL);
	/* no lists: any number; dialout off: none */
	assert_int_equal(center_outside(plain, "+15550001111", NULL), 0);
	assert_int_equal(center_outside(off, "+8613900001111", NULL), ENOTSUP);

	/* strip 1, prefix 00 */
	center_outside_dial(tr, "+8613900001111", dial, sizeof(dial));
	assert_string_equal(dial, "008613900001111");
	/* caller id: the tenant's, else its first number */
	assert_string_equal(center_outside_caller_id(city, tr), "+86101234");
	assert_string_equal(center_outside_caller_id(plain, tr), "95555");
	mem_deref(c);
}

static void test_no_outbound_trunk(void **state)
{
	static const char text[] = "trunks:\n"
	                           "  - {name: inbound, address: 127.0.0.1}\n"
	                           "tenants:\n" TENANT("city", "12345");
	struct center *c;
	char err[512];
	(void)state;

	assert_int_equal(load_text(&c, text, err, sizeof(err)), 0);
	assert_null(c->tenants[0].dialout.trunk);
	assert_int_equal(center_outside(&c->tenants[0], "+8613900001111", NULL),
	                 ENOTSUP);
	mem_deref(c);
}

struct broken {
	const char *what;
	const char *text;
	const char *error; /* after "file:" */
};

static const struct broken broken[] = {
    {"outbound without uri",
     "trunks:\n"
     "  - name: carrier\n"
     "    address: 127.0.0.1\n"
     "    outbound: {username: acct}\n"
     "tenants:\n" TENANT("city", "12345"),
     "4: trunks[0].outbound.uri: outbound settings need the uri calls "
     "are sent to"},
    {"outbound uri not SIP",
     "trunks:\n"
     "  - name: carrier\n"
     "    address: 127.0.0.1\n"
     "    outbound: {uri: \"http://x\"}\n"
     "tenants:\n" TENANT("city", "12345"),
     "4: trunks[0].outbound.uri: 'http://x' is not a SIP URI such as "
     "sip:192.0.2.10:5060"},
    {"outbound transport",
     "trunks:\n"
     "  - name: carrier\n"
     "    address: 127.0.0.1\n"
     "    outbound: {uri: \"sip:127.0.0.1\", transport: tls}\n"
     "tenants:\n" TENANT("city", "12345"),
     "4: trunks[0].outbound.transport: unknown transport 'tls' (expected "
     "udp, tcp)"},
    {"outbound uri with a host name",
     "trunks:\n"
     "  - name: carrier\n"
     "    address: 127.0.0.1\n"
     "    outbound: {uri: \"sip:sip.carrier.example:5060\"}\n"
     "tenants:\n" TENANT("city", "12345"),
     "4: trunks[0].outbound.uri: 'sip:sip.carrier.example:5060': the host "
     "must be an IP address (no DNS lookups are made)"},
    {"password without username",
     "trunks:\n"
     "  - name: carrier\n"
     "    address: 127.0.0.1\n"
     "    outbound: {uri: \"sip:127.0.0.1\", password: x}\n"
     "tenants:\n" TENANT("city", "12345"),
     "4: trunks[0].outbound.username: a password needs the username it "
     "goes with"},
    {"dialout: unknown trunk",
     TRUNKS "tenants:\n" TENANT("city", "12345") "    dialout: {trunk: "
                                                 "nope}\n",
     "23: tenants[0].dialout.trunk: no trunk named 'nope' (trunks are "
     "listed under trunks:)"},
    {"dialout: trunk without outbound",
     TRUNKS "tenants:\n" TENANT("city", "12345") "    dialout: {trunk: "
                                                 "inbound}\n",
     "23: tenants[0].dialout.trunk: trunk 'inbound' (line 2) has no "
     "outbound uri"},
    {"dialout: bad prefix",
     TRUNKS "tenants:\n" TENANT("city", "12345") "    dialout:\n"
                                                 "      deny: [\"+86\", "
                                                 "\"9x\"]\n",
     "24: tenants[0].dialout.deny[1]: '9x' is not a number prefix "
     "(digits, a '+' in front at most, such as +86900)"},
    {"dialout: caller id",
     TRUNKS "tenants:\n" TENANT("city", "12345") "    dialout: {caller_id: "
                                                 "abc}\n",
     "23: tenants[0].dialout.caller_id: 'abc' is not a number (digits, "
     "a '+' in front at most)"},
};

static void test_broken(void **state)
{
	size_t failures = 0;
	(void)state;

	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		const struct broken *b = &broken[i];
		struct center *c = NULL;
		char err[1024] = "", want[1024];
		int e = load_text(&c, b->text, err, sizeof(err));

		snprintf(want, sizeof(want), "%s:%s", tmp_path, b->error);
		if (e != EINVAL || strcmp(err, want) || c) {
			print_error("case '%s':\n  got  (%d) %s\n  want (%d) "
			            "%s\n",
			            b->what, e, err, EINVAL, want);
			failures++;
		}
		mem_deref(c);
	}
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_loaded),
	    cmocka_unit_test(test_no_outbound_trunk),
	    cmocka_unit_test(test_broken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
