/* SPDX-License-Identifier: GPL-2.0 */
/* Names from SMB2 requests: share-relative paths, last components, UNC paths. */
#ifndef SMBW_SMB_PATH_H
#define SMBW_SMB_PATH_H
#include <stdbool.h>
#include <stddef.h>

/* In place: drops "server\share\" when the request was a DFS one, turns '\' into '/', and
 * drops leading separators, giving the path inside the share ("System32/Drivers/x.dll").
 * Returns the new length. */
size_t smb_path_normalize(char *path, size_t len, bool dfs);

/* The last component of a '/'-separated path (the path itself when it has no '/'). */
const char *smb_path_basename(const char *path);

/* "\\server\share\dir\file" from a '/'-separated share-relative path (path may be ""). */
void smb_unc(char *out, size_t n, const char *server, const char *share, const char *path);

/* The share of a tree connect path "\\server\share" (the text after the last '\'). */
const char *smb_tcon_share(const char *unc);

#endif
