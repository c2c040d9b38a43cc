// SPDX-License-Identifier: GPL-2.0
/* SMB2 path handling ([MS-SMB2] 2.2.13: CREATE names are relative to the share, '\'-separated;
 * with SMB2_FLAGS_DFS_OPERATIONS they start with "server\share\"). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "decode/smb_path.h"

static size_t skip_component(const char *p, size_t len, size_t i)
{
	while (i < len && p[i] != '\\' && p[i] != '/')
		i++;
	while (i < len && (p[i] == '\\' || p[i] == '/'))
		i++;
	return i;
}

size_t smb_path_normalize(char *p, size_t len, bool dfs)
{
	size_t i = 0, o = 0;

	while (i < len && (p[i] == '\\' || p[i] == '/'))
		i++;
	if (dfs) {
		i = skip_component(p, len, i); /* server */
		i = skip_component(p, len, i); /* share */
	}
	for (; i < len; i++)
		p[o++] = p[i] == '\\' ? '/' : p[i];
	p[o] = 0;
	return o;
}

const char *smb_path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Appends s at out + *o, as much as fits in n bytes with the NUL; false when not all of it did. */
static bool put_part(char *out, size_t n, size_t *o, const char *s)
{
	size_t len = strlen(s), room = n - 1 - *o;
	bool all = len <= room;

	if (!all)
		len = room;
	memcpy(out + *o, s, len);
	*o += len;
	out[*o] = 0;
	return all;
}

void smb_unc(char *out, size_t n, const char *server, const char *share, const char *path)
{
	size_t o = 0;

	/* "\\\\server\\share" and, before a path, "\\" (once a record: no printf) */
	if (!n)
		return;
	out[0] = 0;
	if (!put_part(out, n, &o, "\\\\") || !put_part(out, n, &o, server) ||
	    !put_part(out, n, &o, "\\") || !put_part(out, n, &o, share) ||
	    (path[0] && !put_part(out, n, &o, "\\")))
		return;
	for (; *path && o + 1 < n; path++)
		out[o++] = *path == '/' ? '\\' : *path;
	out[o] = 0;
}

const char *smb_tcon_share(const char *unc)
{
	const char *bs = strrchr(unc, '\\');

	return bs ? bs + 1 : unc;
}
