// SPDX-License-Identifier: GPL-2.0
/* NTSTATUS names. Codes are those of [MS-ERREF] 2.3.1; names are spelled as Samba's
 * nt_errstr() does (libcli/util/nterr.c, Samba 4.17), so they match Samba's own audit log.
 * tests/unit/test_ntstatus.c checks every entry against the installed libsamba-errors. */
#include <stdio.h>
#include <string.h>
#include "decode/ntstatus.h"

#define E(c, n) { c, "NT_STATUS_" #n }
static const struct ntstatus_entry table[] = {
	E(0x00000000, OK),
	E(0x00000103, PENDING),
	E(0x0000010c, NOTIFY_ENUM_DIR),
	{ 0x80000005, "STATUS_BUFFER_OVERFLOW" }, /* Samba drops the NT_ here */
	{ 0x80000006, "STATUS_NO_MORE_FILES" },
	E(0x8000002d, STOPPED_ON_SYMLINK),
	E(0xc0000001, UNSUCCESSFUL),
	E(0xc0000002, NOT_IMPLEMENTED),
	E(0xc0000003, INVALID_INFO_CLASS),
	E(0xc0000008, INVALID_HANDLE),
	E(0xc000000d, INVALID_PARAMETER),
	E(0xc000000e, NO_SUCH_DEVICE),
	E(0xc000000f, NO_SUCH_FILE),
	E(0xc0000010, INVALID_DEVICE_REQUEST),
	E(0xc0000011, END_OF_FILE),
	E(0xc0000016, MORE_PROCESSING_REQUIRED),
	E(0xc0000017, NO_MEMORY),
	E(0xc0000022, ACCESS_DENIED),
	E(0xc0000023, BUFFER_TOO_SMALL),
	E(0xc0000030, INVALID_PARAMETER_MIX),
	E(0xc0000033, OBJECT_NAME_INVALID),
	E(0xc0000034, OBJECT_NAME_NOT_FOUND),
	E(0xc0000035, OBJECT_NAME_COLLISION),
	E(0xc0000039, OBJECT_PATH_INVALID),
	E(0xc000003a, OBJECT_PATH_NOT_FOUND),
	E(0xc000003b, OBJECT_PATH_SYNTAX_BAD),
	E(0xc0000043, SHARING_VIOLATION),
	E(0xc000004f, EAS_NOT_SUPPORTED),
	E(0xc0000054, FILE_LOCK_CONFLICT),
	E(0xc0000055, LOCK_NOT_GRANTED),
	E(0xc0000056, DELETE_PENDING),
	E(0xc000005e, NO_LOGON_SERVERS),
	E(0xc000005f, NO_SUCH_LOGON_SESSION),
	E(0xc0000061, PRIVILEGE_NOT_HELD),
	E(0xc0000064, NO_SUCH_USER),
	E(0xc0000066, NO_SUCH_GROUP),
	E(0xc000006a, WRONG_PASSWORD),
	E(0xc000006b, ILL_FORMED_PASSWORD),
	E(0xc000006c, PASSWORD_RESTRICTION),
	E(0xc000006d, LOGON_FAILURE),
	E(0xc000006e, ACCOUNT_RESTRICTION),
	E(0xc000006f, INVALID_LOGON_HOURS),
	E(0xc0000070, INVALID_WORKSTATION),
	E(0xc0000071, PASSWORD_EXPIRED),
	E(0xc0000072, ACCOUNT_DISABLED),
	E(0xc0000073, NONE_MAPPED),
	E(0xc000007f, DISK_FULL),
	E(0xc000009a, INSUFFICIENT_RESOURCES),
	E(0xc00000a5, BAD_IMPERSONATION_LEVEL),
	E(0xc00000b5, IO_TIMEOUT),
	E(0xc00000ba, FILE_IS_A_DIRECTORY),
	E(0xc00000bb, NOT_SUPPORTED),
	E(0xc00000c9, NETWORK_NAME_DELETED),
	E(0xc00000ca, NETWORK_ACCESS_DENIED),
	E(0xc00000cc, BAD_NETWORK_NAME),
	E(0xc00000d0, REQUEST_NOT_ACCEPTED),
	E(0xc00000df, NO_SUCH_DOMAIN),
	E(0xc00000e5, INTERNAL_ERROR),
	E(0xc0000101, DIRECTORY_NOT_EMPTY),
	E(0xc0000103, NOT_A_DIRECTORY),
	E(0xc0000106, NAME_TOO_LONG),
	E(0xc000011f, TOO_MANY_OPENED_FILES),
	E(0xc0000120, CANCELLED),
	E(0xc0000121, CANNOT_DELETE),
	E(0xc0000128, FILE_CLOSED),
	E(0xc000015b, LOGON_TYPE_NOT_GRANTED),
	E(0xc0000184, INVALID_DEVICE_STATE),
	E(0xc000018c, TRUSTED_DOMAIN_FAILURE),
	E(0xc000018d, TRUSTED_RELATIONSHIP_FAILURE),
	E(0xc0000193, ACCOUNT_EXPIRED),
	E(0xc0000198, NOLOGON_INTERDOMAIN_TRUST_ACCOUNT),
	E(0xc0000199, NOLOGON_WORKSTATION_TRUST_ACCOUNT),
	E(0xc000019a, NOLOGON_SERVER_TRUST_ACCOUNT),
	E(0xc0000203, USER_SESSION_DELETED),
	E(0xc000020c, CONNECTION_DISCONNECTED),
	E(0xc000020d, CONNECTION_RESET),
	E(0xc0000224, PASSWORD_MUST_CHANGE),
	E(0xc0000225, NOT_FOUND),
	E(0xc0000234, ACCOUNT_LOCKED_OUT),
	E(0xc0000257, PATH_NOT_COVERED),
	E(0xc000035c, NETWORK_SESSION_EXPIRED),
	E(0xc0000388, DOWNGRADE_DETECTED),
	E(0xc0000413, AUTHENTICATION_FIREWALL_FAILED),
};
#undef E

const char *ntstatus_name(uint32_t code)
{
	size_t lo = 0, hi = sizeof(table) / sizeof(table[0]);

	/* The table is sorted by code. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (table[mid].code == code)
			return table[mid].name;
		if (table[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int ntstatus_code(const char *name, uint32_t *code)
{
	size_t i;
	unsigned int v;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i].name, name)) {
			*code = table[i].code;
			return 0;
		}
	if (sscanf(name, "NT code 0x%8x", &v) == 1) {
		*code = v;
		return 0;
	}
	return -1;
}

const char *ntstatus_str(uint32_t code, char *buf, size_t n)
{
	const char *name = ntstatus_name(code);

	if (name)
		return name;
	snprintf(buf, n, "NT code 0x%08x", code);
	return buf;
}

void ntstatus_hex(uint32_t code, char buf[11])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	/* "0x%08x", without printf's cost on every record */
	buf[0] = '0';
	buf[1] = 'x';
	for (i = 0; i < 8; i++)
		buf[2 + i] = hex[(code >> (28 - 4 * i)) & 15];
	buf[10] = 0;
}

const struct ntstatus_entry *ntstatus_table(size_t *count)
{
	*count = sizeof(table) / sizeof(table[0]);
	return table;
}
