// SPDX-License-Identifier: GPL-2.0
/* SMB2 events to records. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "common/record.h"
#include "common/str.h"
#include "decode/smb2_record.h"
#include "decode/smb_path.h"
#include "common/utf8.h"

static void copy_trimmed(char *dst, size_t dstsz, const char *src, size_t srcsz, bool truncated)
{
	size_t n = smbw_field_len(src, srcsz, truncated);

	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

void smb2_record_build(struct smb2_record *r, const struct smbw_smb2_event *e,
		       const struct session_cache *sessions, const char *server)
{
	const struct session_ident *s;
	char wire[3 * (SMBW_PATH_LEN / 2) + 4];
	size_t n;
	bool cut = false;
	size_t bytes = e->path_bytes < SMBW_PATH_LEN ? e->path_bytes : SMBW_PATH_LEN;

	/* A cut between the two halves of a surrogate pair leaves half a character: drop it. */
	if ((e->flags & SMBW_F_TRUNC_PATH) && bytes >= 2 && (e->path[bytes - 1] & 0xfc) == 0xd8)
		bytes -= 2;
	memset(r, 0, offsetof(struct smb2_record, path));
	r->path[0] = r->directory[0] = r->unc[0] = r->workstation[0] = 0;
	r->e = e;
	r->truncated = e->flags & (SMBW_F_TRUNC_PATH | SMBW_F_TRUNC_SHARE | SMBW_F_TRUNC_DIR |
				   SMBW_F_TRUNC_ACCOUNT | SMBW_F_TRUNC_DOMAIN);
	utf16le_to_utf8(e->path, bytes, wire, sizeof(wire), &cut);
	r->truncated |= cut;
	copy_trimmed(r->share, sizeof(r->share), e->share, sizeof(e->share),
		     e->flags & SMBW_F_TRUNC_SHARE);

	switch (e->opcode) {
	case SMBW_SMB2_TREE_CONNECT:
		r->dataset = "smbwatch.tree";
		r->action = "tree_connect";
		r->command = "TREE_CONNECT";
		if (wire[0]) { /* a failed connect: the share as asked, "\\server\share" */
			snprintf(r->unc, sizeof(r->unc), "%s", wire);
			if (!r->share[0])
				snprintf(r->share, sizeof(r->share), "%s", smb_tcon_share(wire));
		} else {
			smb_unc(r->unc, sizeof(r->unc), server, r->share, "");
		}
		break;
	case SMBW_SMB2_QUERY_DIRECTORY:
		r->dataset = "smbwatch.file";
		r->action = "search";
		r->command = "QUERY_DIRECTORY";
		r->is_file = true;
		copy_trimmed(r->directory, sizeof(r->directory), e->dir, sizeof(e->dir),
			     e->flags & SMBW_F_TRUNC_DIR);
		n = smb_path_normalize(wire, strlen(wire), false);
		if (!strcmp(r->directory, ".") || !r->directory[0])
			snprintf(r->path, sizeof(r->path), "%s", wire);
		else
			snprintf(r->path, sizeof(r->path), "%s/%s", r->directory, wire);
		(void)n;
		break;
	default:
		r->dataset = "smbwatch.file";
		r->action = "open";
		r->command = "CREATE";
		r->is_file = true;
		smb_path_normalize(wire, strlen(wire), e->flags & SMBW_F_DFS);
		/* wire (NUL-terminated in its own size) always fits the path */
		_Static_assert(sizeof(wire) <= sizeof(r->path), "a CREATE name fits file.path");
		smbw_copy_str(r->path, sizeof(wire), wire);
		break;
	}
	if (r->is_file) {
		/* a cut path must still end on a whole character */
		if (r->truncated)
			r->path[utf8_trim_incomplete(r->path, strlen(r->path))] = 0;
		r->name = smb_path_basename(r->path);
		smb_unc(r->unc, sizeof(r->unc), server, r->share, r->path);
	} else {
		r->name = "";
	}

	copy_trimmed(r->session_account, sizeof(r->session_account), e->account,
		     sizeof(e->account), e->flags & SMBW_F_TRUNC_ACCOUNT);
	s = session_cache_find(sessions, e->pid, r->session_account);
	if (s) {
		copy_trimmed(r->user, sizeof(r->user), s->account, sizeof(s->account),
			     s->flags & SMBW_F_TRUNC_ACCOUNT);
		copy_trimmed(r->domain, sizeof(r->domain), s->domain, sizeof(s->domain),
			     s->flags & SMBW_F_TRUNC_DOMAIN);
		copy_trimmed(r->workstation, sizeof(r->workstation), s->workstation,
			     sizeof(s->workstation), s->flags & SMBW_F_TRUNC_WORKSTATION);
		r->account_source = "logon";
	} else {
		snprintf(r->user, sizeof(r->user), "%s", r->session_account);
		copy_trimmed(r->domain, sizeof(r->domain), e->domain, sizeof(e->domain),
			     e->flags & SMBW_F_TRUNC_DOMAIN);
		r->account_source = "session";
	}
}

#define IDENT_FLAGS (SMBW_F_TRUNC_ACCOUNT | SMBW_F_TRUNC_DOMAIN | SMBW_F_TRUNC_SHARE | \
		     SMBW_F_NO_REMOTE)

const struct smbw_smb2_event *smb2_event_from_ring(struct smbw_smb2_event *out, const void *data,
						   size_t size, struct ident_table *idents,
						   const struct session_cache *sessions)
{
	const struct smbw_smb2_wire *w = data;
	const struct smbw_ident_event *id;
	size_t path_room;

	if (size < SMBW_SMB2_SMALL_SIZE)
		return NULL;
	if (size > sizeof(*w))
		size = sizeof(*w);
	_Static_assert(offsetof(struct smbw_smb2_wire, ident) ==
			       offsetof(struct smbw_smb2_event, remote),
		       "SMBW_SMB2_HEAD starts both structs");
	memset(out, 0, offsetof(struct smbw_smb2_event, path));
	memcpy(out, w, offsetof(struct smbw_smb2_wire, ident)); /* SMBW_SMB2_HEAD */
	out->flags &= ~IDENT_FLAGS;
	path_room = size - offsetof(struct smbw_smb2_wire, path);
	if (path_room > sizeof(out->path))
		path_room = sizeof(out->path);
	memcpy(out->path, w->path, path_room);
	memset(out->path + path_room, 0, sizeof(out->path) - path_room);
	if (size > offsetof(struct smbw_smb2_wire, dir)) {
		memcpy(out->dir, w->dir, size - offsetof(struct smbw_smb2_wire, dir));
		out->dir[sizeof(out->dir) - 1] = 0;
	} else {
		out->dir[0] = 0;
	}
	if (out->path_bytes > path_room)
		out->path_bytes = (unsigned short)(path_room & ~(size_t)1);
	id = ident_table_find(idents, w->ident);
	if (id) {
		out->flags |= id->flags & IDENT_FLAGS;
		out->remote = id->remote;
		out->local = id->local;
		memcpy(out->account, id->account, sizeof(out->account));
		memcpy(out->domain, id->domain, sizeof(out->domain));
		memcpy(out->share, id->share, sizeof(out->share));
	} else {
		/* the client as this process's earlier events named it (the account comes from
		 * its logon, in smb2_record_build) */
		const struct smbw_addr *peer = session_cache_peer_of(sessions, w->pid);

		if (peer)
			out->remote = *peer;
		else
			out->flags |= SMBW_F_NO_REMOTE;
	}
	return out;
}
