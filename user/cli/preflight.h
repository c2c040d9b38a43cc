/* SPDX-License-Identifier: GPL-2.0 */
/* The checks tracing needs, shared by `smbwatch doctor` (which reports them all) and tracing
 * (which stops at the first that fails). */
#ifndef SMBW_PREFLIGHT_H
#define SMBW_PREFLIGHT_H
#include <limits.h>
#include <stdbool.h>
#include "cli/args.h"
#include "samba/build.h"

#define PREFLIGHT_MAX 16

struct check {
	char name[64];
	bool ok;
	char detail[512];
};

struct preflight {
	struct check checks[PREFLIGHT_MAX];
	int n;
	struct samba_build build; /* the libraries, attach points, version and layout */
};

/* Runs every check; returns the number that failed. p must start zeroed (or be reused). */
int preflight_run(struct preflight *p, const struct samba_where *w);
void preflight_free(struct preflight *p);

/* For doctor, once every check passed: loads the programs for p's build and attaches them, then
 * detaches them, as one more check ("attach"). True when it passed. */
bool preflight_attach(struct preflight *p);

/* Where to look for Samba, from --smbd, --samba-libdir and --smbd-library-path. */
void preflight_where(const struct smbw_opts *o, struct samba_where *w);

/* The first failed check, or NULL. */
const struct check *preflight_first_failure(const struct preflight *p);

#endif
