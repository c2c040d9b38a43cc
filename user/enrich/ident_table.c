// SPDX-License-Identifier: GPL-2.0
/* Identities by id: see ident_table.h. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "enrich/ident_table.h"

int ident_table_init(struct ident_table *t)
{
	memset(t, 0, sizeof(*t));
	t->slots = calloc(IDENT_TABLE_SLOTS, sizeof(*t->slots));
	return t->slots ? 0 : -1;
}

void ident_table_free(struct ident_table *t)
{
	free(t->slots);
	t->slots = NULL;
}

int ident_table_add(struct ident_table *t, const void *data, size_t size)
{
	struct smbw_ident_event *s;
	uint64_t id;

	if (!t->slots || size < sizeof(*s))
		return -1;
	memcpy(&id, (const char *)data + offsetof(struct smbw_ident_event, id), sizeof(id));
	if (!id)
		return -1;
	s = &t->slots[id & (IDENT_TABLE_SLOTS - 1)];
	memcpy(s, data, sizeof(*s));
	s->account[sizeof(s->account) - 1] = 0;
	s->domain[sizeof(s->domain) - 1] = 0;
	s->share[sizeof(s->share) - 1] = 0;
	t->received++;
	return 0;
}

const struct smbw_ident_event *ident_table_find(struct ident_table *t, uint64_t id)
{
	const struct smbw_ident_event *s;

	if (t->slots && id) {
		s = &t->slots[id & (IDENT_TABLE_SLOTS - 1)];
		if (s->id == id)
			return s;
	}
	t->missing++;
	return NULL;
}
