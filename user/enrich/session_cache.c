// SPDX-License-Identifier: GPL-2.0
/* Per-smbd-process logon identities. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "common/record.h"
#include "enrich/session_cache.h"

int session_cache_init(struct session_cache *c)
{
	c->evictions = 0;
	c->slots = calloc(SESSION_CACHE_SLOTS, sizeof(*c->slots));
	return c->slots ? 0 : -1;
}

void session_cache_free(struct session_cache *c)
{
	free(c->slots);
	c->slots = NULL;
}

static void copy_field(char *dst, const char *src)
{
	memcpy(dst, src, SMBW_NAME_LEN);
	dst[SMBW_NAME_LEN - 1] = 0;
}

/* The slot of pid, emptied for it when another process held it (counted). */
static struct session_ident *slot_for(struct session_cache *c, uint32_t pid)
{
	struct session_ident *s = &c->slots[pid % SESSION_CACHE_SLOTS];

	if (s->pid != pid) {
		if (s->pid)
			c->evictions++;
		memset(s, 0, sizeof(*s));
		s->pid = pid;
	}
	return s;
}

void session_cache_logon(struct session_cache *c, const struct smbw_auth_event *e)
{
	struct session_ident *s;

	if (e->status != 0 || !e->pid || !c->slots)
		return;
	s = slot_for(c, e->pid);
	s->have_logon = true;
	copy_field(s->account, e->account);
	copy_field(s->domain, e->domain);
	copy_field(s->workstation, e->workstation);
	copy_field(s->mapped, e->mapped_account);
	s->flags = e->flags;
	if (e->remote.family)
		s->peer = e->remote;
}

void session_cache_peer(struct session_cache *c, uint32_t pid, const struct smbw_addr *peer)
{
	struct session_ident *s;

	if (!c->slots || !pid || !peer->family)
		return;
	s = &c->slots[pid % SESSION_CACHE_SLOTS];
	if (s->pid != pid)
		s = slot_for(c, pid);
	s->peer = *peer;
}

int session_cache_peer_str(const struct session_cache *c, uint32_t pid, char *out, size_t n)
{
	const struct session_ident *s;
	char ip[64];

	if (!c->slots || !pid)
		return -1;
	s = &c->slots[pid % SESSION_CACHE_SLOTS];
	if (s->pid != pid || !s->peer.family)
		return -1;
	smbw_addr_ip(&s->peer, ip, sizeof(ip));
	snprintf(out, n, s->peer.family == 10 ? "[%s]:%u" : "%s:%u", ip, s->peer.port);
	return 0;
}

const struct smbw_addr *session_cache_peer_of(const struct session_cache *c, uint32_t pid)
{
	const struct session_ident *s;

	if (!c->slots || !pid)
		return NULL;
	s = &c->slots[pid % SESSION_CACHE_SLOTS];
	return s->pid == pid && s->peer.family ? &s->peer : NULL;
}

const struct session_ident *session_cache_find(const struct session_cache *c, uint32_t pid,
					       const char *session_account)
{
	const struct session_ident *s;

	if (!c->slots || !pid)
		return NULL;
	s = &c->slots[pid % SESSION_CACHE_SLOTS];
	if (s->pid != pid || !s->have_logon)
		return NULL;
	/* A second session on the connection may be someone else: the names must agree. */
	if (session_account[0] && strcasecmp(s->mapped, session_account) &&
	    strcasecmp(s->account, session_account))
		return NULL;
	return s;
}
