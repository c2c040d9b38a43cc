/* SPDX-License-Identifier: GPL-2.0 */
/* UTF-8 checks shared by the JSON and text outputs, and UTF-16LE decoding for SMB2 names. */
#ifndef SMBW_UTF8_H
#define SMBW_UTF8_H
#include <stddef.h>

/* Length (1-4) of the well-formed UTF-8 sequence at s (n bytes available), or 0 when the bytes
 * there are not one (stray continuation, overlong form, surrogate, > U+10FFFF, cut short). */
size_t utf8_seq_len(const unsigned char *s, size_t n);

/* For a string that was cut at n bytes: n less a trailing sequence left incomplete by the cut,
 * so that the kept prefix does not end in half a character. */
size_t utf8_trim_incomplete(const char *s, size_t n);

/* Code point of the well-formed sequence of length len at s. */
unsigned int utf8_decode(const unsigned char *s, size_t len);



#include <stdbool.h>

/* Decodes n bytes of UTF-16LE (as SMB2 puts names on the wire) into UTF-8 in out (outsz bytes
 * with the NUL). An unpaired surrogate comes out as its 3-byte form, which is not UTF-8, so the
 * outputs show it escaped rather than lose it; an odd last byte is dropped. Stops at a whole
 * character when out is full and sets *cut. Returns the length written. */
size_t utf16le_to_utf8(const unsigned char *in, size_t n, char *out, size_t outsz, bool *cut);
#endif
