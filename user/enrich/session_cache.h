/* SPDX-License-Identifier: GPL-2.0 */
/* Who each smbd process serves, as its logon said: the account exactly as the client sent it,
 * its domain and workstation. smbd forks one process per client connection, so the pid joins
 * a file event to the logon that came before it on the same connection. Bounded: a fixed
 * table, an entry replaced when another pid needs its slot (counted). */
#ifndef SMBW_SESSION_CACHE_H
#define SMBW_SESSION_CACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "smbwatch.h"

#define SESSION_CACHE_SLOTS 8192

struct session_ident {
	uint32_t pid; /* 0: empty */
	char account[SMBW_NAME_LEN];
	char domain[SMBW_NAME_LEN];
	char workstation[SMBW_NAME_LEN];
	char mapped[SMBW_NAME_LEN]; /* the account after username map */
	uint32_t flags;             /* SMBW_F_TRUNC_* of the logon event */
	bool have_logon;            /* the fields above are from a logon smbwatch saw */
	struct smbw_addr peer;      /* the client, from any event of this process */
};

struct session_cache {
	struct session_ident *slots;
	uint64_t evictions;
};

int session_cache_init(struct session_cache *c);
void session_cache_free(struct session_cache *c);

/* Remembers a successful logon (failed ones open no session and are ignored). */
void session_cache_logon(struct session_cache *c, const struct smbw_auth_event *e);

/* Remembers the client of an smbd process, from any of its events. */
void session_cache_peer(struct session_cache *c, uint32_t pid, const struct smbw_addr *peer);

/* The client of process pid ("127.0.0.1:port", "[::1]:port") when known; 0 on success. */
int session_cache_peer_str(const struct session_cache *c, uint32_t pid, char *out, size_t n);

/* The client of process pid, or NULL when no event of it named one. */
const struct smbw_addr *session_cache_peer_of(const struct session_cache *c, uint32_t pid);

/* The logon of process pid whose account maps to session_account, or NULL. */
const struct session_ident *session_cache_find(const struct session_cache *c, uint32_t pid,
					       const char *session_account);

#endif
