// SPDX-License-Identifier: GPL-2.0
/* UTF-16LE (SMB2 names on the wire) to UTF-8: pairs combine, unpaired surrogates keep their
 * 3-byte form, an odd last byte is dropped, and a full buffer stops at a whole character. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdbool.h>
#include <string.h>
#include "common/utf8.h"

struct u16_case {
	unsigned char in[16]; /* UTF-16LE bytes */
	size_t n;
	size_t outsz;
	char want[16];
	size_t want_len;
	bool want_cut;
};

ParameterizedTestParameters(utf16, decode)
{
	static struct u16_case c[] = {
		{ "", 0, 32, "", 0, false },
		{ "A\0", 2, 32, "A", 1, false },
		{ "A\0B\0C\0", 6, 32, "ABC", 3, false },
		{ "\x7f\0", 2, 32, "\x7f", 1, false },                      /* U+007F */
		{ "\x80\0", 2, 32, "\xc2\x80", 2, false },                  /* U+0080 */
		{ "\xe9\0", 2, 32, "\xc3\xa9", 2, false },                  /* é */
		{ "\xff\x07", 2, 32, "\xdf\xbf", 2, false },                /* U+07FF */
		{ "\x00\x08", 2, 32, "\xe0\xa0\x80", 3, false },            /* U+0800 */
		{ "\xac\x20", 2, 32, "\xe2\x82\xac", 3, false },            /* € */
		{ "\xe5\x65\x2c\x67", 4, 32, "\xe6\x97\xa5\xe6\x9c\xac", 6, false }, /* 日本 */
		{ "\xff\xd7", 2, 32, "\xed\x9f\xbf", 3, false },            /* U+D7FF */
		{ "\x00\xe0", 2, 32, "\xee\x80\x80", 3, false },            /* U+E000 */
		{ "\xff\xff", 2, 32, "\xef\xbf\xbf", 3, false },            /* U+FFFF */
		{ "\x3d\xd8\x00\xde", 4, 32, "\xf0\x9f\x98\x80", 4, false }, /* U+1F600 */
		{ "\x00\xd8\x00\xdc", 4, 32, "\xf0\x90\x80\x80", 4, false }, /* U+10000 */
		{ "\xff\xdb\xff\xdf", 4, 32, "\xf4\x8f\xbf\xbf", 4, false }, /* U+10FFFF */
		/* unpaired surrogates: their 3-byte form */
		{ "\x00\xd8", 2, 32, "\xed\xa0\x80", 3, false },            /* lone high */
		{ "\x00\xdc", 2, 32, "\xed\xb0\x80", 3, false },            /* lone low */
		{ "\x00\xd8" "A\0", 4, 32, "\xed\xa0\x80" "A", 4, false },  /* high then 'A' */
		{ "A\0\xff\xdf", 4, 32, "A\xed\xbf\xbf", 4, false },        /* 'A' then low */
		{ "\x00\xdc\x00\xd8", 4, 32, "\xed\xb0\x80\xed\xa0\x80", 6, false }, /* low, high */
		{ "\x00\xd8\x00\xd8\x00\xdc", 6, 32, "\xed\xa0\x80\xf0\x90\x80\x80", 7, false },
		{ "\x3d\xd8\x3d\xd8", 4, 32, "\xed\xa0\xbd\xed\xa0\xbd", 6, false }, /* two highs */
		{ "\x00\xdc\x00\xdc", 4, 32, "\xed\xb0\x80\xed\xb0\x80", 6, false }, /* two lows */
		{ "\x00\xd8\x00\xe0", 4, 32, "\xed\xa0\x80\xee\x80\x80", 6, false }, /* high, E000 */
		{ "\x00\xd8\xff\xd7", 4, 32, "\xed\xa0\x80\xed\x9f\xbf", 6, false }, /* high, D7FF */
		/* odd trailing byte dropped */
		{ "A", 1, 32, "", 0, false },
		{ "A\0B", 3, 32, "A", 1, false },
		{ "\x00\xd8\x00", 3, 32, "\xed\xa0\x80", 3, false },  /* high + half a unit */
		/* a low surrogate just past n is not read */
		{ "\x00\xd8\x00\xdc", 3, 32, "\xed\xa0\x80", 3, false },
		{ "A\0\x00\xd8\x00\xdc", 4, 32, "A\xed\xa0\x80", 4, false },
		{ "\x3d\xd8\x00\xde\x41", 5, 32, "\xf0\x9f\x98\x80", 4, false },
		/* output full: stop at a whole character, set cut */
		{ "A\0B\0C\0", 6, 4, "ABC", 3, false },              /* exactly fits with the NUL */
		{ "A\0B\0C\0", 6, 3, "AB", 2, true },
		{ "A\0B\0C\0", 6, 1, "", 0, true },
		{ "\xe9\0\xe9\0", 4, 5, "\xc3\xa9\xc3\xa9", 4, false },
		{ "\xe9\0\xe9\0", 4, 4, "\xc3\xa9", 2, true },        /* not half an é */
		{ "\xe9\0\xe9\0", 4, 3, "\xc3\xa9", 2, true },
		{ "\xe9\0\xe9\0", 4, 2, "", 0, true },
		{ "\xe5\x65\x2c\x67", 4, 6, "\xe6\x97\xa5", 3, true }, /* 日 of 日本 */
		{ "\xe5\x65\x2c\x67", 4, 7, "\xe6\x97\xa5\xe6\x9c\xac", 6, false },
		{ "A\0\x3d\xd8\x00\xde", 6, 5, "A", 1, true },        /* pair needs 4 */
		{ "A\0\x3d\xd8\x00\xde", 6, 6, "A\xf0\x9f\x98\x80", 5, false },
		{ "A\0\x00\xd8", 4, 4, "A", 1, true },                /* lone high needs 3 */
	};
	return cr_make_param_array(struct u16_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct u16_case *c, utf16, decode)
{
	char out[64];
	bool cut = !c->want_cut;
	size_t len;

	memset(out, 'Z', sizeof(out));
	len = utf16le_to_utf8(c->in, c->n, out, c->outsz, &cut);
	cr_assert_eq(len, c->want_len, "length %zu, want %zu", len, c->want_len);
	cr_assert_eq(memcmp(out, c->want, c->want_len), 0, "bytes differ");
	cr_assert_eq(out[len], 0, "not NUL-terminated");
	cr_assert_eq(cut, c->want_cut, "cut %d, want %d", cut, c->want_cut);
	cr_assert_eq(out[c->outsz], 'Z', "wrote past outsz %zu", c->outsz);
}

/* With outsz == 0 and a non-empty input nothing can be written: the caller must be told. */
Test(utf16, zero_size_output_sets_cut)
{
	char out[4] = "ZZZ";
	bool cut = false;

	cr_assert_eq(utf16le_to_utf8((const unsigned char *)"A\0", 2, out, 0, &cut), 0);
	cr_assert_eq(out[0], 'Z', "nothing written when outsz is 0");
	cr_assert(cut, "the name did not fit: cut must be set");
}

Test(utf16, zero_size_output_writes_nothing)
{
	char out[4] = "ZZZ";
	bool cut = true;

	cr_assert_eq(utf16le_to_utf8((const unsigned char *)"", 0, out, 0, &cut), 0);
	cr_assert_eq(out[0], 'Z');
	cr_assert_not(cut, "an empty input is never cut");
}

static size_t encode_utf8(unsigned int cp, unsigned char *o)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Every BMP unit alone: a non-surrogate gives well-formed UTF-8 of that code point, a surrogate
 * its 3-byte form, which the UTF-8 checker rejects. */
Test(utf16, every_bmp_unit)
{
	unsigned char in[2], want[4];
	char out[8];
	unsigned int u;
	size_t len, wlen;
	bool cut;

	for (u = 0; u <= 0xffff; u++) {
		in[0] = u & 0xff;
		in[1] = u >> 8;
		len = utf16le_to_utf8(in, 2, out, sizeof(out), &cut);
		wlen = encode_utf8(u, want);
		cr_assert_eq(len, wlen, "U+%04X: %zu bytes, want %zu", u, len, wlen);
		cr_assert_eq(memcmp(out, want, wlen), 0, "U+%04X: bytes differ", u);
		cr_assert_not(cut);
		if (u >= 0xd800 && u <= 0xdfff) {
			cr_assert_eq(utf8_seq_len((unsigned char *)out, len), 0,
				     "U+%04X must not look like UTF-8", u);
		} else {
			cr_assert_eq(utf8_seq_len((unsigned char *)out, len), len, "U+%04X", u);
			cr_assert_eq(utf8_decode((unsigned char *)out, len), u, "U+%04X", u);
		}
	}
}

/* Every surrogate pair gives the 4-byte UTF-8 of its supplementary code point. */
Test(utf16, every_surrogate_pair)
{
	unsigned char in[4];
	char out[8];
	unsigned int hi, lo, cp;
	size_t len;
	bool cut;

	for (hi = 0xd800; hi <= 0xdbff; hi++) {
		for (lo = 0xdc00; lo <= 0xdfff; lo++) {
			in[0] = hi & 0xff;
			in[1] = hi >> 8;
			in[2] = lo & 0xff;
			in[3] = lo >> 8;
			cp = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
			len = utf16le_to_utf8(in, 4, out, sizeof(out), &cut);
			if (len != 4 || utf8_seq_len((unsigned char *)out, 4) != 4 ||
			    utf8_decode((unsigned char *)out, 4) != cp || cut)
				cr_assert_fail("%04X %04X: %zu bytes, want U+%X", hi, lo, len, cp);
		}
	}
}

/* For every output size, the result is the longest whole-character prefix that fits. */
Test(utf16, cut_is_longest_whole_prefix)
{
	/* A, é, 日, U+1F600, lone D800, Z: UTF-8 lengths 1, 2, 3, 4, 3, 1 */
	static const unsigned char in[] = "A\0\xe9\0\xe5\x65\x3d\xd8\x00\xde\x00\xd8Z\0";
	static const size_t ends[] = { 0, 1, 3, 6, 10, 13, 14 };
	static const char full[] = "A\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80\xed\xa0\x80Z";
	char out[32];
	size_t outsz, len, want, k;
	bool cut;

	for (outsz = 1; outsz <= sizeof(full) + 2; outsz++) {
		memset(out, 'Z', sizeof(out));
		len = utf16le_to_utf8(in, sizeof(in) - 1, out, outsz, &cut);
		want = 0;
		for (k = 0; k < sizeof(ends) / sizeof(ends[0]); k++)
			if (ends[k] < outsz)
				want = ends[k];
		cr_assert_eq(len, want, "outsz %zu: %zu bytes, want %zu", outsz, len, want);
		cr_assert_eq(memcmp(out, full, len), 0, "outsz %zu", outsz);
		cr_assert_eq(out[len], 0);
		cr_assert_eq(cut, want < sizeof(full) - 1, "outsz %zu: cut %d", outsz, cut);
		cr_assert_eq(out[outsz], 'Z', "outsz %zu: wrote past the end", outsz);
	}
}

/* The longest name the kernel keeps (2047 units) of 3-byte characters fits the buffer
 * smb2_record uses (3 bytes per unit) without a cut. */
Test(utf16, longest_name_fits_three_bytes_per_unit)
{
	static unsigned char in[4094];
	static char out[3 * 2048 + 4];
	size_t i, len;
	bool cut;

	for (i = 0; i < sizeof(in); i += 2) {
		in[i] = 0xe5; /* 日 */
		in[i + 1] = 0x65;
	}
	len = utf16le_to_utf8(in, sizeof(in), out, sizeof(out), &cut);
	cr_assert_eq(len, 2047 * 3);
	cr_assert_not(cut);
	for (i = 0; i < len; i += 3)
		cr_assert_eq(memcmp(out + i, "\xe6\x97\xa5", 3), 0, "at %zu", i);
}
