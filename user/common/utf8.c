// SPDX-License-Identifier: GPL-2.0
/* UTF-8 well-formedness, per RFC 3629 (table 3-7 of the Unicode standard). */
#include <string.h>
#include "common/utf8.h"

size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (n == 0)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	/* The second byte's range excludes overlong forms, surrogates and > U+10FFFF. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

unsigned int utf8_decode(const unsigned char *s, size_t len)
{
	switch (len) {
	case 1:
		return s[0];
	case 2:
		return ((s[0] & 0x1fu) << 6) | (s[1] & 0x3fu);
	case 3:
		return ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
	default:
		return ((s[0] & 0x07u) << 18) | ((s[1] & 0x3fu) << 12) | ((s[2] & 0x3fu) << 6) |
		       (s[3] & 0x3fu);
	}
}

size_t utf8_trim_incomplete(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t start = n, need;

	/* Walk back over at most 3 continuation bytes to the lead byte of the last sequence. */
	while (start > 0 && n - start < 4 && (s[start - 1] & 0xc0) == 0x80)
		start--;
	if (start == 0)
		return n;
	start--;
	if (s[start] < 0xc2 || s[start] > 0xf4)
		return n; /* not a lead byte: nothing of ours to trim (invalid bytes are escaped) */
	need = s[start] >= 0xf0 ? 4 : s[start] >= 0xe0 ? 3 : 2;
	if (n - start < need)
		return start;
	return n;
}

static size_t put_cp(unsigned int cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t utf16le_to_utf8(const unsigned char *in, size_t n, char *out, size_t outsz, bool *cut)
{
	size_t i = 0, o = 0;

	*cut = false;
	if (!outsz) {
		*cut = n > 1;
		return 0;
	}
	while (i + 1 < n) {
		unsigned int u = in[i] | (in[i + 1] << 8), cp = u;
		size_t used = 2;
		char buf[4];
		size_t len;

		if (u >= 0xd800 && u <= 0xdbff && i + 3 < n) {
			unsigned int lo = in[i + 2] | (in[i + 3] << 8);

			if (lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
				used = 4;
			}
		}
		len = put_cp(cp, buf);
		if (o + len >= outsz) {
			*cut = true;
			break;
		}
		memcpy(out + o, buf, len);
		o += len;
		i += used;
	}
	out[o] = 0;
	return o;
}
