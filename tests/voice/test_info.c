/**
 * @file test_info.c  Digits in SIP INFO bodies (leg.c's leg_info_digit):
 * application/dtmf-relay ("Signal=5", as phones write it, any case, with
 * spaces, RFC 4733's event codes 10..15 for *, #, A..D) and application/dtmf
 * (the body is the key); anything else is no digit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "voice/voice_int.h"

static char digit(const char *sub, const char *body)
{
	struct mbuf *mb = mbuf_alloc(64);
	struct pl pl;
	char d;

	assert_non_null(mb);
	assert_int_equal(mbuf_write_str(mb, body), 0);
	mb->pos = 0;
	pl_set_str(&pl, sub);
	d = leg_info_digit(&pl, mb);
	mem_deref(mb);
	return d;
}

static void test_dtmf_relay(void **state)
{
	(void)state;
	assert_int_equal(digit("dtmf-relay", "Signal=5\r\nDuration=160\r\n"),
	                 '5');
	assert_int_equal(digit("dtmf-relay", "Signal= 9\r\nDuration= 250\r\n"),
	                 '9');
	assert_int_equal(digit("DTMF-Relay", "signal=*\r\n"), '*');
	assert_int_equal(digit("dtmf-relay", "Signal=#\r\nDuration=100\r\n"),
	                 '#');
	assert_int_equal(digit("dtmf-relay", "Duration=160\r\nSignal=0\r\n"),
	                 '0');
	assert_int_equal(digit("dtmf-relay", "Signal=10\r\n"), '*');
	assert_int_equal(digit("dtmf-relay", "Signal=11\r\n"), '#');
	assert_int_equal(digit("dtmf-relay", "Signal=12\r\n"), 'A');
	assert_int_equal(digit("dtmf-relay", "Signal=15\r\n"), 'D');
	assert_int_equal(digit("dtmf-relay", "Signal=a\r\n"), 'A');
	assert_int_equal(digit("dtmf-relay", "  Signal =\t7\n"), '7');
}

static void test_dtmf(void **state)
{
	(void)state;
	assert_int_equal(digit("dtmf", "3"), '3');
	assert_int_equal(digit("dtmf", " 4\r\n"), '4');
	assert_int_equal(digit("dtmf", "#"), '#');
	assert_int_equal(digit("dtmf", "11"), '#');
}

static void test_not_a_digit(void **state)
{
	(void)state;
	assert_int_equal(digit("dtmf-relay", "Duration=160\r\n"), 0);
	assert_int_equal(digit("dtmf-relay", "Signal=\r\n"), 0);
	assert_int_equal(digit("dtmf-relay", "Signal=E\r\n"), 0);
	assert_int_equal(digit("dtmf-relay", "Signal=16\r\n"), 0);
	assert_int_equal(digit("dtmf-relay", "Signal=55\r\n"), 0);
	assert_int_equal(digit("dtmf-relay", "Signals=5\r\n"), 0);
	assert_int_equal(digit("dtmf-relay", ""), 0);
	assert_int_equal(digit("dtmf", ""), 0);
	assert_int_equal(digit("dtmf", "x"), 0);
	assert_int_equal(digit("dtmf", "1 2"), 0);
	assert_int_equal(digit("sdp", "Signal=5\r\n"), 0);
	assert_int_equal(leg_info_digit(NULL, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dtmf_relay),
	    cmocka_unit_test(test_dtmf),
	    cmocka_unit_test(test_not_a_digit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
