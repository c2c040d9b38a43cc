/* SPDX-License-Identifier: GPL-2.0 */
/* An SMB2 event made ready for output: the path decoded from UTF-16 and made share-relative,
 * the UNC path, and the account joined from the connection's logon when smbwatch saw it. */
#ifndef SMBW_SMB2_RECORD_H
#define SMBW_SMB2_RECORD_H
#include <stdbool.h>
#include "enrich/ident_table.h"
#include "enrich/session_cache.h"
#include "smbwatch.h"

#define SMB2_RECORD_PATH_MAX (SMBW_DIR_LEN + 3 * (SMBW_PATH_LEN / 2) + 8)

struct smb2_record {
	const struct smbw_smb2_event *e;
	const char *dataset; /* "smbwatch.file" or "smbwatch.tree" */
	const char *action;  /* "open", "search" or "tree_connect" */
	const char *command; /* "CREATE", "QUERY_DIRECTORY" or "TREE_CONNECT" */
	bool is_file;
	char path[SMB2_RECORD_PATH_MAX]; /* inside the share, '/'-separated ("" for shares) */
	const char *name;                /* last component of path */
	char directory[SMBW_DIR_LEN];    /* QUERY_DIRECTORY: the directory searched */
	char share[SMBW_SHARE_LEN];
	char unc[SMB2_RECORD_PATH_MAX + SMBW_SHARE_LEN + 300];
	char user[SMBW_NAME_LEN];
	char domain[SMBW_NAME_LEN];
	char workstation[SMBW_NAME_LEN]; /* "" when unknown */
	char session_account[SMBW_NAME_LEN]; /* the account in smbd's session state */
	const char *account_source; /* "logon": as the client sent it; "session": smbd's state */
	bool truncated;
};

void smb2_record_build(struct smb2_record *r, const struct smbw_smb2_event *e,
		       const struct session_cache *sessions, const char *server);

/* An SMB2 request as the ring buffer holds it (size bytes of struct smbw_smb2_wire: the whole
 * struct, or the short record of SMBW_SMB2_SMALL_SIZE) joined with the identity it names from
 * idents, into the whole struct out: what was not sent is zero, and path_bytes never claims
 * more than was sent. An identity not in idents is counted there and leaves the account,
 * domain, share and local address empty, the client the one sessions has for the process (else
 * SMBW_F_NO_REMOTE). Returns out, or NULL when size is too small. */
const struct smbw_smb2_event *smb2_event_from_ring(struct smbw_smb2_event *out, const void *data,
						   size_t size, struct ident_table *idents,
						   const struct session_cache *sessions);

#endif
