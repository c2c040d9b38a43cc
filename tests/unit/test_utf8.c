// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>
#include "common/utf8.h"

struct seq_case {
	char bytes[8];
	size_t n;
	size_t want;
};

ParameterizedTestParameters(utf8, seq_len)
{
	static struct seq_case c[] = {
		{ "A", 1, 1 },
		{ "\xc3\xa9", 2, 2 },          /* é */
		{ "\xe2\x82\xac", 3, 3 },      /* € */
		{ "\xf0\x9f\x98\x80", 4, 4 },  /* emoji */
		{ "\x80", 1, 0 },              /* stray continuation */
		{ "\xc0\xaf", 2, 0 },          /* overlong '/' */
		{ "\xc1\xbf", 2, 0 },          /* overlong */
		{ "\xe0\x80\xaf", 3, 0 },      /* overlong */
		{ "\xed\xa0\x80", 3, 0 },      /* surrogate D800 */
		{ "\xf4\x90\x80\x80", 4, 0 },  /* > U+10FFFF */
		{ "\xf5\x80\x80\x80", 4, 0 },
		{ "\xff", 1, 0 },
		{ "\xe2\x82", 2, 0 },          /* cut short */
		{ "\xe2\x41\x41", 3, 0 },      /* bad continuation */
	};
	return cr_make_param_array(struct seq_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct seq_case *c, utf8, seq_len)
{
	cr_assert_eq(utf8_seq_len((const unsigned char *)c->bytes, c->n), c->want, "%zu bytes",
		     c->n);
}

struct trim_case {
	char bytes[8];
	size_t n;
	size_t want;
};

ParameterizedTestParameters(utf8, trim_incomplete)
{
	static struct trim_case c[] = {
		{ "abc", 3, 3 },
		{ "ab\xc3\xa9", 4, 4 },        /* whole é kept */
		{ "ab\xc3", 3, 2 },            /* half é dropped */
		{ "ab\xe2\x82", 4, 2 },        /* 2 of 3 bytes of € dropped */
		{ "ab\xe2", 3, 2 },
		{ "ab\xf0\x9f\x98", 5, 2 },    /* 3 of 4 bytes */
		{ "ab\xf0\x9f\x98\x80", 6, 6 },
		{ "ab\xff", 3, 3 },            /* invalid byte: kept, escaped later */
		{ "\x80\x80", 2, 2 },
		{ "", 0, 0 },
	};
	return cr_make_param_array(struct trim_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct trim_case *c, utf8, trim_incomplete)
{
	cr_assert_eq(utf8_trim_incomplete(c->bytes, c->n), c->want);
}

Test(utf8, decode)
{
	cr_assert_eq(utf8_decode((const unsigned char *)"\xe2\x82\xac", 3), 0x20ac);
	cr_assert_eq(utf8_decode((const unsigned char *)"\xf0\x9f\x98\x80", 4), 0x1f600);
	cr_assert_eq(utf8_decode((const unsigned char *)"\xc2\x85", 2), 0x85);
}
