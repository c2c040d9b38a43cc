/* SPDX-License-Identifier: GPL-2.0 */
/* Bounded string copies, for the fixed-size fields of records, findings and the top view. */
#ifndef SMBW_STR_H
#define SMBW_STR_H
#include <stddef.h>
#include <string.h>

/* src (NULL: "") into dst[n], n > 0, cut to n - 1 bytes as snprintf("%s") would, without
 * printf's cost (it runs for several fields of every record) */
static inline void smbw_copy_str(char *dst, size_t n, const char *src)
{
	size_t len = src ? strnlen(src, n - 1) : 0;

	memcpy(dst, src ? src : "", len);
	dst[len] = 0;
}

#endif
