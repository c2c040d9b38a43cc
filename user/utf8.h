/* SPDX-License-Identifier: GPL-2.0 */
/* UTF-8 checks shared by the JSON and text outputs. */
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

#endif
