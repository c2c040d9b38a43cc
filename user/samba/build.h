/* SPDX-License-Identifier: GPL-2.0 */
/* Which Samba build smbd runs: its libraries (found from smbd itself, whatever they are
 * called), the file that exports each attach point, its version and build-id, and the struct
 * layout to read it with (its DWARF, else the table). */
#ifndef SMBW_SAMBA_BUILD_H
#define SMBW_SAMBA_BUILD_H
#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>
#include "layout.h"

/* Where to look, from the command line; every field may be NULL. */
struct samba_where {
	const char *smbd;         /* --smbd PATH: default /usr/sbin/smbd and friends */
	const char *libdir;       /* --samba-libdir DIR: scan DIR's libraries instead of smbd's */
	const char *library_path; /* --smbd-library-path DIRS: smbd's LD_LIBRARY_PATH */
};

struct samba_lib {
	char path[PATH_MAX];
	dev_t dev;
	ino_t ino;
};

struct samba_build {
	char smbd[PATH_MAX];          /* "" with --samba-libdir */
	char library_path[1024];      /* the LD_LIBRARY_PATH used, "" for none */
	char library_path_from[64];   /* "--smbd-library-path", "smbd pid 1234", "" */
	/* another running smbd of the same file with another LD_LIBRARY_PATH (0: none): its
	 * libraries may not be the ones traced */
	int other_pid;
	char other_library_path[1024];
	char libdir[PATH_MAX];        /* directory of the logon library (for messages) */
	struct samba_lib *libs;       /* smbd's libraries, in load order */
	size_t nlibs;
	int target_lib[SAMBA_NTARGETS]; /* index in libs exporting each target, -1: none */
	char symver[96];              /* symbol version of the logon function */
	char version[32];             /* "4.22.6", or "" when the symbol version has none */
	char build_id[80];            /* of the logon library */
	struct samba_layout layout;
};

/* Finds smbd's libraries and the attach points in them. 0 on success; -1 with one line in
 * err (Samba not installed, a library or symbol missing, a mixed installation). */
int samba_build_discover(struct samba_build *b, const struct samba_where *w, char *err,
			 size_t errn);

/* Picks the layout: the build's DWARF, else the table row of its series; then applies
 * SMBWATCH_LAYOUT_OVERRIDE. 0 on success; -1 with one line in err naming the version, the
 * build-id and how to get it traced. */
int samba_build_layout(struct samba_build *b, char *err, size_t errn);

/* The file that exports target i, or NULL. */
const char *samba_build_target_path(const struct samba_build *b, int i);

void samba_build_free(struct samba_build *b);

#endif
