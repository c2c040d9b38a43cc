/* SPDX-License-Identifier: GPL-2.0 */
/* The checks tracing needs, shared by `smbwatch doctor` (which reports them all) and tracing
 * (which stops at the first that fails). */
#ifndef SMBW_PREFLIGHT_H
#define SMBW_PREFLIGHT_H
#include <limits.h>
#include <stdbool.h>
#include "samba_layout.h"

#define PREFLIGHT_MAX 16

struct check {
	char name[64];
	bool ok;
	char detail[512];
};

struct preflight {
	struct check checks[PREFLIGHT_MAX];
	int n;
	char libdir[PATH_MAX];
	char libpath[PREFLIGHT_MAX][PATH_MAX + 64]; /* per samba_targets[] entry */
	const struct samba_layout *layout;
	char samba_version[32];
	char build_id[80];
};

/* Runs every check; returns the number that failed. libdir may be NULL (found from smbd). */
int preflight_run(struct preflight *p, const char *libdir);

/* The first failed check, or NULL. */
const struct check *preflight_first_failure(const struct preflight *p);

#endif
