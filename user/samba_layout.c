// SPDX-License-Identifier: GPL-2.0
/* Known Samba builds. Offsets are written from Samba 4.17.12's sources, then checked against
 * Debian 12's build (2:4.17.12+dfsg-0+deb12u4) by disassembly and by the integration tests:
 *  - struct auth_usersupplied_info: auth/common_auth.h
 *  - struct tsocket_address: lib/tsocket/tsocket_internal.h (location, ops, private_data)
 *  - struct tsocket_address_bsd: lib/tsocket/tsocket_bsd.c (socklen_t sa_socklen, then a union
 *    of sockaddr/sockaddr_in/sockaddr_in6/sockaddr_storage, 8-byte aligned)
 *  - struct smbd_smb2_request: source3/smbd/globals.h (xconn 0x18; queue_entry is 0x60 bytes,
 *    so session 0x80, tcon 0x90, current_idx 0x9c; compat_chain_fsp 0x110 as file_fsp_smb2()
 *    reads it; in.vector 0x130 as smbd_smb2_request_verify_sizes() reads it)
 *  - struct smbXsrv_connection: source3/smbd/globals.h (prev, next, client, connect_time,
 *    channel_id, then local_address 40 and remote_address 48)
 *  - struct smbXsrv_tcon, smbXsrv_tcon_global0, smbXsrv_session, smbXsrv_session_global0:
 *    source3/librpc/idl/smbXsrv.idl
 *  - connection_struct, files_struct: source3/include/vfs.h (fsp_name 0xd0 as fsp_str_dbg()
 *    reads it); struct smbd_server_connection: source3/smbd/globals.h
 *  - struct auth_session_info, auth_user_info: librpc/idl/auth.idl
 * Other series move these structs; smbwatch refuses them rather than guess. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "elf_info.h"
#include "samba_layout.h"

#define LIBAUTH "libcommon-auth-samba4.so.0"
#define LIBSMBD "libsmbd-base-samba4.so.0"

const struct samba_target samba_targets[] = {
	{ LIBAUTH, "log_authentication_event", "log_authentication_event", false, TARGET_ALWAYS,
	  "every NTLM logon attempt, with the real NTSTATUS" },
	{ LIBSMBD, "smbd_smb2_request_error_ex", "smb2_request_error", false, TARGET_ALWAYS,
	  "failed SMB2 requests only: opens, share connects, searches" },
	{ LIBSMBD, "make_connection_smb2", "tree_connect_done", true, TARGET_ALWAYS,
	  "successful share connects" },
	{ LIBSMBD, "smbd_smb2_request_done_ex", "smb2_request_done", false, TARGET_SUCCESS_OPENS,
	  "every SMB2 reply (only for --count-success and --all)" },
};
const size_t samba_targets_count = sizeof(samba_targets) / sizeof(samba_targets[0]);

static const struct samba_layout layouts[] = {
	{
		.version_prefix = "SAMBA_4.17.",
		.tested = true,
		.auth = {
			.ui_workstation = 0, .ui_remote_host = 8, .ui_local_host = 16,
			.ui_client_account = 40, .ui_client_domain = 48,
			.ui_mapped_account = 56, .ui_service = 192,
			.tsa_private = 16, .sa_family = 8, .sa_port = 10, .sa_in4 = 12,
			.sa_in6 = 16,
		},
		.smb2 = {
			.req_xconn = 0x18, .req_session = 0x80, .req_tcon = 0x90,
			.req_current_idx = 0x9c, .req_chain_fsp = 0x110, .req_in_vector = 0x130,
			.xconn_local = 40, .xconn_remote = 48,
			.tcon_global = 24, .tcon_compat = 48, .tcon_global_share = 48,
			.session_global = 32, .session_global_auth = 56,
			.conn_sconn = 16, .conn_tcon = 24, .conn_session_info = 120,
			.sconn_local = 0, .sconn_remote = 8,
			.si_info = 16, .info_account = 0, .info_domain = 24,
			.fsp_name = 0xd0,
		},
	},
};

const struct samba_layout *samba_layout_lookup(const char *symver)
{
	size_t i;

#if !defined(__x86_64__)
	return NULL; /* offsets above are for x86_64 only */
#endif
	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (!strncmp(symver, layouts[i].version_prefix, strlen(layouts[i].version_prefix)))
			return &layouts[i];
	return NULL;
}

int samba_version_from_symver(const char *symver, char *out, size_t n)
{
	const char *p = symver, *end;

	out[0] = 0;
	if (strncmp(p, "SAMBA_", 6))
		return -1;
	p += 6;
	end = p + strspn(p, "0123456789.");
	if (end == p || (size_t)(end - p) >= n)
		return -1;
	memcpy(out, p, end - p);
	out[end - p] = 0;
	return 0;
}

static int has_auth_lib(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, samba_targets[0].lib);
	return access(path, R_OK) == 0;
}

/* The first directory of a colon-separated run path that holds Samba's libraries. */
static int dir_from_runpath(const char *runpath, char *out, size_t n)
{
	char copy[PATH_MAX], *save = NULL, *dir;

	snprintf(copy, sizeof(copy), "%s", runpath);
	for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		if (has_auth_lib(dir)) {
			snprintf(out, n, "%s", dir);
			return 0;
		}
	}
	return -1;
}

int samba_find_libdir(char *out, size_t n, char *err, size_t errn)
{
	static const char *smbd_paths[] = { "/usr/sbin/smbd", "/usr/local/sbin/smbd",
					    "/usr/local/samba/sbin/smbd" };
	static const char *fallback[] = { "/usr/lib/x86_64-linux-gnu/samba",
					  "/usr/lib/aarch64-linux-gnu/samba", "/usr/lib64/samba",
					  "/usr/lib/samba" };
	char runpath[PATH_MAX];
	const char *smbd = NULL;
	size_t i;

	for (i = 0; i < sizeof(smbd_paths) / sizeof(smbd_paths[0]); i++) {
		if (access(smbd_paths[i], X_OK) == 0) {
			smbd = smbd_paths[i];
			break;
		}
	}
	if (!smbd) {
		snprintf(err, errn, "Samba is not installed: no smbd in /usr/sbin, /usr/local/sbin "
				    "or /usr/local/samba/sbin (apt-get install samba, or give "
				    "--samba-libdir DIR)");
		return -1;
	}
	if (!elf_runpath(smbd, runpath, sizeof(runpath)) &&
	    !dir_from_runpath(runpath, out, n))
		return 0;
	for (i = 0; i < sizeof(fallback) / sizeof(fallback[0]); i++) {
		if (has_auth_lib(fallback[i])) {
			snprintf(out, n, "%s", fallback[i]);
			return 0;
		}
	}
	snprintf(err, errn, "found %s but not its libraries (%s): give --samba-libdir DIR", smbd,
		 samba_targets[0].lib);
	return -1;
}
