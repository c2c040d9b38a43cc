// SPDX-License-Identifier: GPL-2.0
/* Per-smbd-process logon identities. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "session_cache.h"

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

void session_cache_logon(struct session_cache *c, const struct smbw_auth_event *e)
{
	struct session_ident *s;

	if (e->status != 0 || !e->pid || !c->slots)
		return;
	s = &c->slots[e->pid % SESSION_CACHE_SLOTS];
	if (s->pid && s->pid != e->pid)
		c->evictions++;
	s->pid = e->pid;
	copy_field(s->account, e->account);
	copy_field(s->domain, e->domain);
	copy_field(s->workstation, e->workstation);
	copy_field(s->mapped, e->mapped_account);
	s->flags = e->flags;
}

const struct session_ident *session_cache_find(const struct session_cache *c, uint32_t pid,
					       const char *session_account)
{
	const struct session_ident *s;

	if (!c->slots || !pid)
		return NULL;
	s = &c->slots[pid % SESSION_CACHE_SLOTS];
	if (s->pid != pid)
		return NULL;
	/* A second session on the connection may be someone else: the names must agree. */
	if (session_account[0] && strcasecmp(s->mapped, session_account) &&
	    strcasecmp(s->account, session_account))
		return NULL;
	return s;
}
