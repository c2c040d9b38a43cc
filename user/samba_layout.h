/* SPDX-License-Identifier: GPL-2.0 */
/* Which Samba builds smbwatch knows: where it attaches, and the struct offsets it reads,
 * keyed on the symbol version of the attached function. */
#ifndef SMBW_SAMBA_LAYOUT_H
#define SMBW_SAMBA_LAYOUT_H
#include <stdbool.h>
#include <stddef.h>
#include "smbwatch.h"

/* When an attach point is used. */
enum samba_target_use {
	TARGET_ALWAYS,
	TARGET_SUCCESS_OPENS, /* only with --count-success or --all */
};

/* One attach point: a function in one of Samba's libraries. */
struct samba_target {
	const char *lib;    /* file name in the Samba library directory */
	const char *symbol; /* exported function */
	const char *prog;   /* BPF program (bpf/smbwatch.bpf.c) */
	bool retprobe;
	enum samba_target_use use;
	const char *what; /* what it tells us */
};

extern const struct samba_target samba_targets[];
extern const size_t samba_targets_count;

struct samba_layout {
	const char *version_prefix; /* symbol version prefix, e.g. "SAMBA_4.17." */
	bool tested;                /* checked against a live smbd of this series */
	struct smbw_auth_layout auth;
	struct smbw_smb2_layout smb2;
};

/* The layout for a symbol version such as "SAMBA_4.17.12_DEBIAN_SAMBA4", or NULL. */
const struct samba_layout *samba_layout_lookup(const char *symver);

/* "SAMBA_4.17.12_DEBIAN_SAMBA4" -> "4.17.12"; 0 on success. */
int samba_version_from_symver(const char *symver, char *out, size_t n);

/* The directory holding Samba's private libraries, found from the installed smbd's run path
 * (then the usual multiarch places). 0 on success; -1 with a reason in err. */
int samba_find_libdir(char *out, size_t n, char *err, size_t errn);

#endif
