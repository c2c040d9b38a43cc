/* SPDX-License-Identifier: GPL-2.0 */
/* NTSTATUS codes: symbolic names as Samba spells them (libcli/util/ntstatus.h). */
#ifndef SMBW_NTSTATUS_H
#define SMBW_NTSTATUS_H
#include <stddef.h>
#include <stdint.h>

struct ntstatus_entry {
	uint32_t code;
	const char *name;
};

/* The symbolic name ("NT_STATUS_WRONG_PASSWORD"), or NULL for a code not in the table. */
const char *ntstatus_name(uint32_t code);

/* The name, or Samba's own spelling for an unknown code ("NT code 0xc0001234"), into buf. */
const char *ntstatus_str(uint32_t code, char *buf, size_t n);

/* The code of a name as Samba spells it (or "NT code 0x..."); 0 on success. */
int ntstatus_code(const char *name, uint32_t *code);

/* "0xc000006a" */
void ntstatus_hex(uint32_t code, char buf[11]);

/* Severity bits 31-30 == 3: an error. */
static inline int ntstatus_is_error(uint32_t code)
{
	return (code >> 30) == 3;
}

/* The whole table, for tests. */
const struct ntstatus_entry *ntstatus_table(size_t *count);

#endif
