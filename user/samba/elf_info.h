/* SPDX-License-Identifier: GPL-2.0 */
/* What smbwatch reads from Samba's ELF files with libelf: symbols and their versions,
 * build-ids, and the dynamic section (DT_NEEDED, run path). */
#ifndef SMBW_ELF_INFO_H
#define SMBW_ELF_INFO_H
#include <stdbool.h>
#include <stddef.h>

struct elf_sym_info {
	bool defined;     /* a function defined in this file (not just imported) */
	char version[96]; /* its symbol version, e.g. "SAMBA_4.17.12_DEBIAN_SAMBA4", or "" */
};

/* 0 when found; -1 with a message in err otherwise. */
int elf_lookup_symbol(const char *path, const char *name, struct elf_sym_info *out, char *err,
		      size_t errn);

/* The GNU build-id as hex; 0 on success. */
int elf_build_id(const char *path, char *hex, size_t n);

#define ELF_MAX_NEEDED 128

/* What the dynamic loader reads: DT_NEEDED names and the run path. */
struct elf_dyn_info {
	char needed[ELF_MAX_NEEDED][128];
	size_t n_needed;
	char runpath[1024]; /* DT_RUNPATH, else DT_RPATH; "" when none */
};

/* 0 on success (an ELF file without a dynamic section has none of them). */
int elf_dynamic(const char *path, struct elf_dyn_info *out);

#endif
