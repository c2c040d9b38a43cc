/* SPDX-License-Identifier: GPL-2.0 */
/* Values no Samba build leaves in its structs: a sign that the layout's offsets are wrong for
 * the build being traced (a generated or DWARF layout, a patched build). Counted per layout
 * field and reported, never passed on as a quiet misattribution. */
#ifndef SMBW_PLAUSIBLE_H
#define SMBW_PLAUSIBLE_H
#include <stdbool.h>
#include <stdint.h>
#include "smbwatch.h"

enum implausible {
	IMPL_REMOTE_FAMILY, /* client address: not IPv4/IPv6 */
	IMPL_REMOTE_PORT,   /* client port 0 */
	IMPL_LOCAL_FAMILY,  /* server address: not IPv4/IPv6 */
	IMPL_LOCAL_PORT,    /* server port 0 */
	IMPL_SERVICE,       /* logon: service description empty or not printable ASCII */
	IMPL_ACCOUNT,       /* account name not UTF-8 */
	IMPL_DOMAIN,        /* domain name not UTF-8 */
	IMPL_WORKSTATION,   /* workstation name not UTF-8 */
	IMPL_SHARE,         /* SMB2 request on a share: share name empty or not UTF-8 */
	IMPL_MAX,
};

struct plausibility {
	uint64_t count[IMPL_MAX];
	uint64_t total;     /* events with at least one implausible value */
	uint32_t warned;    /* bit per enum implausible: warned about already */
};

/* The implausible values of an event, as a bit mask of enum implausible (0: plausible). */
uint32_t plausible_auth(const struct smbw_auth_event *e);
uint32_t plausible_smb2(const struct smbw_smb2_event *e);

/* Counts mask; returns the bits not warned about before (and marks them warned). */
uint32_t plausibility_note(struct plausibility *p, uint32_t mask);

/* The record key of each kind, e.g. "remote_family" (smbwatch.implausible_by). */
const char *implausible_key(enum implausible i);

/* What was wrong, e.g. "client address family", and the layout fields it was read through,
 * e.g. "ui_remote_host/xconn_remote, tsa_private, sa_family". */
const char *implausible_what(enum implausible i);
const char *implausible_fields(enum implausible i);

#endif
