// SPDX-License-Identifier: GPL-2.0
/* The layout table and its lookups, overrides, and the plausibility checks (no root). */
#include <criterion/criterion.h>
#include <string.h>
#include "decode/plausible.h"
#include "samba/layout.h"

struct lookup_case {
	const char *version;
	int found;
	enum samba_layout_source source;
	const char *origin;
};

static const struct lookup_case cases[] = {
	{ "4.17.12", 1, LAYOUT_TESTED, "samba-4.17.12" },
	{ "4.17.3", 1, LAYOUT_TESTED, "samba-4.17.12" }, /* the series' row */
	{ "4.22.6", 1, LAYOUT_TESTED, "samba-4.22.6" },
	{ "4.19.5", 1, LAYOUT_GENERATED, "samba-4.19.9" },
	{ "4.15.13", 1, LAYOUT_GENERATED, "samba-4.15.13" },
	{ "4.24.0", 1, LAYOUT_GENERATED, "samba-4.24.5" },
	{ "4.14.17", 0, LAYOUT_NONE, "" },
	{ "4.1", 0, LAYOUT_NONE, "" }, /* not 4.17 by prefix */
	{ "4.170.1", 0, LAYOUT_NONE, "" },
	{ "", 0, LAYOUT_NONE, "" },
};

Test(samba_layout, table_lookup)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct lookup_case *c = &cases[i];
		struct samba_layout l;
		int r = samba_layout_from_table(c->version, &l);

		cr_assert_eq(r == 0, c->found, "%s", c->version);
		if (!c->found)
			continue;
		cr_assert_eq(l.source, c->source, "%s", c->version);
		cr_assert_str_eq(l.origin, c->origin);
	}
}

/* Every row has every field: a row missing one would leave it 0, which only ui_workstation,
 * info_account and sconn_local may be. */
Test(samba_layout, rows_are_complete)
{
	static const char *series[] = { "4.15.0", "4.16.0", "4.17.0", "4.18.0", "4.19.0", "4.20.0",
					 "4.21.0", "4.22.0", "4.23.0", "4.24.0" };
	size_t i, k;

	for (i = 0; i < sizeof(series) / sizeof(series[0]); i++) {
		struct samba_layout l;

		cr_assert_eq(samba_layout_from_table(series[i], &l), 0, "no row for %s", series[i]);
		for (k = 0; k < samba_fields_count; k++) {
			const struct samba_field *f = &samba_fields[k];
			unsigned int v = *samba_offset(&l.off, f);

			if (strcmp(f->name, "ui_workstation") && strcmp(f->name, "info_account") &&
			    strcmp(f->name, "sconn_local"))
				cr_assert_gt(v, 0, "%s: %s is 0", series[i], f->name);
			cr_assert_lt(v, 4096, "%s: %s = %u", series[i], f->name, v);
		}
	}
}

Test(samba_layout, override)
{
	struct samba_layout l;
	char err[256];

	cr_assert_eq(samba_layout_from_table("4.17.12", &l), 0);
	cr_assert_eq(samba_layout_override(&l, "sa_port=12,req_tcon=0x20", err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(l.off.auth.sa_port, 12);
	cr_assert_eq(l.off.smb2.req_tcon, 0x20);
	cr_assert(l.overridden);
	cr_assert_eq(samba_layout_override(&l, "no_such=1", err, sizeof(err)), -1);
	cr_assert(strstr(err, "no layout field 'no_such'"), "%s", err);
	cr_assert_eq(samba_layout_override(&l, "sa_port", err, sizeof(err)), -1);
	cr_assert_eq(samba_layout_override(&l, "sa_port=x", err, sizeof(err)), -1);
	cr_assert_eq(samba_layout_override(&l, "sa_port=70000", err, sizeof(err)), -1);
}

Test(samba_layout, version_from_symver)
{
	char v[32];

	cr_assert_eq(samba_version_from_symver("SAMBA_4.17.12_DEBIAN_SAMBA4", v, sizeof(v)), 0);
	cr_assert_str_eq(v, "4.17.12");
	cr_assert_eq(samba_version_from_symver(
			     "SAMBA_4.22.6_DEBIAN_4.22.6_DFSG_0_DEB13U1_BPO12_1_PRIVATE_SAMBA", v,
			     sizeof(v)),
		     0);
	cr_assert_str_eq(v, "4.22.6");
	cr_assert_eq(samba_version_from_symver("GLIBC_2.2.5", v, sizeof(v)), -1);
	cr_assert_eq(samba_version_from_symver("SAMBA_", v, sizeof(v)), -1);
}

static struct smbw_auth_event good_logon(void)
{
	struct smbw_auth_event e = { 0 };

	e.remote.family = 2;
	e.remote.port = 50000;
	e.local.family = 10;
	e.local.port = 445;
	strcpy(e.account, "SMSCliToknAcct&");
	strcpy(e.domain, "CORP");
	strcpy(e.workstation, "WS042");
	strcpy(e.service, "SMB2");
	return e;
}

Test(plausible, logon)
{
	struct smbw_auth_event e = good_logon();

	cr_assert_eq(plausible_auth(&e), 0);
	e.account[0] = 0; /* anonymous logons have no account: plausible */
	cr_assert_eq(plausible_auth(&e), 0);
	e = good_logon();
	e.remote.family = 16;
	cr_assert_eq(plausible_auth(&e), 1u << IMPL_REMOTE_FAMILY);
	e = good_logon();
	e.remote.port = 0;
	cr_assert_eq(plausible_auth(&e), 1u << IMPL_REMOTE_PORT);
	e = good_logon();
	e.service[0] = 0;
	cr_assert_eq(plausible_auth(&e), 1u << IMPL_SERVICE);
	e = good_logon();
	memcpy(e.service, "\x90\x13\xa0\x55", 5);
	cr_assert_eq(plausible_auth(&e), 1u << IMPL_SERVICE);
	e = good_logon();
	strcpy(e.workstation, "WS\xff");
	cr_assert_eq(plausible_auth(&e), 1u << IMPL_WORKSTATION);
	/* a name cut mid-character is not a sign of a wrong layout */
	e = good_logon();
	memset(e.account, 'a', sizeof(e.account) - 2);
	e.account[sizeof(e.account) - 2] = (char)0xc3;
	e.account[sizeof(e.account) - 1] = 0;
	e.flags |= SMBW_F_TRUNC_ACCOUNT;
	cr_assert_eq(plausible_auth(&e), 0);
}

Test(plausible, smb2_share)
{
	struct smbw_smb2_event e = { 0 };

	e.remote.family = 2;
	e.remote.port = 50000;
	e.local.family = 2;
	e.local.port = 445;
	e.opcode = SMBW_SMB2_CREATE;
	e.status = 0xc0000034;
	strcpy(e.share, "apps");
	cr_assert_eq(plausible_smb2(&e), 0);
	e.share[0] = 0;
	cr_assert_eq(plausible_smb2(&e), 1u << IMPL_SHARE);
	e.opcode = SMBW_SMB2_TREE_CONNECT; /* a failed tree connect has no share yet */
	cr_assert_eq(plausible_smb2(&e), 0);
}

Test(plausible, warns_once_per_kind)
{
	struct plausibility p = { 0 };
	uint32_t a = 1u << IMPL_REMOTE_FAMILY, b = 1u << IMPL_SHARE;

	cr_assert_eq(plausibility_note(&p, a), a);
	cr_assert_eq(plausibility_note(&p, a), 0);
	cr_assert_eq(plausibility_note(&p, a | b), b);
	cr_assert_eq(plausibility_note(&p, 0), 0);
	cr_assert_eq(p.total, 3);
	cr_assert_eq(p.count[IMPL_REMOTE_FAMILY], 3);
	cr_assert_eq(p.count[IMPL_SHARE], 1);
}
