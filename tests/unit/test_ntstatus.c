// SPDX-License-Identifier: GPL-2.0
/* NTSTATUS table: sorted, and every name as Samba's own nt_errstr() spells it. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include "decode/ntstatus.h"

Test(ntstatus, table_sorted_and_unique)
{
	size_t n, i;
	const struct ntstatus_entry *t = ntstatus_table(&n);

	cr_assert_gt(n, 50);
	for (i = 1; i < n; i++)
		cr_assert_lt(t[i - 1].code, t[i].code, "entry %zu (%s) out of order", i, t[i].name);
}

struct known {
	uint32_t code;
	char name[48];
};

ParameterizedTestParameters(ntstatus, known_names)
{
	static struct known k[] = {
		{ 0x00000000, "NT_STATUS_OK" },
		{ 0xc000006a, "NT_STATUS_WRONG_PASSWORD" },
		{ 0xc0000064, "NT_STATUS_NO_SUCH_USER" },
		{ 0xc0000234, "NT_STATUS_ACCOUNT_LOCKED_OUT" },
		{ 0xc000006d, "NT_STATUS_LOGON_FAILURE" },
		{ 0xc0000034, "NT_STATUS_OBJECT_NAME_NOT_FOUND" },
		{ 0xc000003a, "NT_STATUS_OBJECT_PATH_NOT_FOUND" },
		{ 0xc00000cc, "NT_STATUS_BAD_NETWORK_NAME" },
		{ 0xc0000022, "NT_STATUS_ACCESS_DENIED" },
	};
	return cr_make_param_array(struct known, k, sizeof(k) / sizeof(k[0]));
}

ParameterizedTest(struct known *k, ntstatus, known_names)
{
	char buf[32], hex[11];

	cr_assert_str_eq(ntstatus_name(k->code), k->name);
	cr_assert_str_eq(ntstatus_str(k->code, buf, sizeof(buf)), k->name);
	ntstatus_hex(k->code, hex);
	cr_assert_eq(strtoul(hex, NULL, 16), k->code);
	cr_assert_eq(strlen(hex), 10);
}

Test(ntstatus, unknown_code_spelled_like_samba)
{
	char buf[32];

	cr_assert_null(ntstatus_name(0xc0ffee01));
	cr_assert_str_eq(ntstatus_str(0xc0ffee01, buf, sizeof(buf)), "NT code 0xc0ffee01");
	cr_assert(ntstatus_is_error(0xc000006a));
	cr_assert_not(ntstatus_is_error(0x80000006));
	cr_assert_not(ntstatus_is_error(0));
}

/* The oracle: Samba's libsamba-errors, as installed. In CI it must be there. */
Test(ntstatus, every_entry_matches_samba_nt_errstr)
{
	void *h = dlopen("libsamba-errors.so.1", RTLD_NOW);
	const char *(*nt_errstr)(uint32_t);
	const struct ntstatus_entry *t;
	size_t n, i;

	if (!h) {
		if (getenv("CI"))
			cr_assert_fail("libsamba-errors.so.1 missing in CI: %s", dlerror());
		cr_skip_test("libsamba-errors.so.1 not installed (apt-get install samba-libs)");
	}
	*(void **)&nt_errstr = dlsym(h, "nt_errstr");
	cr_assert_not_null(nt_errstr);
	t = ntstatus_table(&n);
	for (i = 0; i < n; i++)
		cr_expect_str_eq(t[i].name, nt_errstr(t[i].code), "0x%08x", t[i].code);
	cr_expect_str_eq(nt_errstr(0xc0ffee01), "NT code 0xc0ffee01");
	dlclose(h);
}
