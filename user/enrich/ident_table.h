/* SPDX-License-Identifier: GPL-2.0 */
/* The identities the BPF side sent (struct smbw_ident_event: addresses, account, domain,
 * share of a share connection), by id, for the SMB2 requests that name them. Direct-mapped on
 * the id: ids grow by one per identity sent, and one still in use was sent at most
 * SMBW_IDENT_REFRESH_S seconds ago, so an entry is overwritten only by an identity sent
 * IDENT_TABLE_SLOTS ids later (more than 500 new connections a second for a minute). A request
 * whose identity is not here is counted (missing) and decoded without it. The table's pages
 * are touched only as ids reach them: memory follows the traffic, up to 14 MiB. */
#ifndef SMBW_IDENT_TABLE_H
#define SMBW_IDENT_TABLE_H
#include <stdint.h>
#include "smbwatch.h"

#define IDENT_TABLE_SLOTS 32768 /* a power of two */

struct ident_table {
	struct smbw_ident_event *slots; /* id % IDENT_TABLE_SLOTS; id 0: empty */
	uint64_t received; /* identities added */
	uint64_t missing;  /* lookups of an id not (or no longer) here */
};

int ident_table_init(struct ident_table *t);
void ident_table_free(struct ident_table *t);

/* Keeps an identity event of size bytes; returns -1 (and keeps nothing) when it is too short
 * or has id 0. Its strings are cut to end inside their buffers. */
int ident_table_add(struct ident_table *t, const void *data, size_t size);

/* The identity with this id, or NULL (counted in missing). */
const struct smbw_ident_event *ident_table_find(struct ident_table *t, uint64_t id);

#endif
