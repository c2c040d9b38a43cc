// SPDX-License-Identifier: GPL-2.0
/* Struct offsets from DWARF: the fixture libraries (tests/fixtures/dwarf, built by the Makefile
 * into DWARF_FIXTURE_DIR and DWARF_VARIANTS_DIR) against the fixture's own offsetof(). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fixtures/dwarf/expected.h"
#include "samba/dwarf_layout.h"

#ifndef DWARF_FIXTURE_DIR
#define DWARF_FIXTURE_DIR "build/fixtures/dwarf"
#endif
#ifndef DWARF_VARIANTS_DIR
#define DWARF_VARIANTS_DIR "build/fixtures/dwarf-variants"
#endif

#define AUTH_LIB "libcommon-auth-fixture.so.0"
#define SMBD_LIB "libsmbd-base-fixture.so.0"

enum group { G_auth, G_smb2 };

struct field {
	const char *name, *strct, *member;
	enum group group;
	size_t slot;
};

static const struct field fields[] = {
#define SAMBA_FIELD(g, f, s, m, d) { #f, s, m, G_##g, offsetof(struct smbw_##g##_layout, f) },
#include "samba/layout_fields.def"
#undef SAMBA_FIELD
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

/* The layout table's rows (user/samba/layouts.def). */
struct row {
	const char *series;
	struct smbw_auth_layout auth;
	struct smbw_smb2_layout smb2;
};

static const struct row rows[] = {
#define AUTH(...) { __VA_ARGS__ }
#define SMB2(...) { __VA_ARGS__ }
#define SAMBA_LAYOUT(series, tag, live, a, s) { series, a, s },
#include "samba/layouts.def"
#undef SAMBA_LAYOUT
#undef SMB2
#undef AUTH
};

struct result {
	int rc;
	struct smbw_auth_layout auth;
	struct smbw_smb2_layout smb2;
	char where[1024];
	char err[512];
};

static unsigned int value(const struct field *f, const struct smbw_auth_layout *auth,
			  const struct smbw_smb2_layout *smb2)
{
	const char *base = f->group == G_auth ? (const char *)auth : (const char *)smb2;
	unsigned int v;

	memcpy(&v, base + f->slot, sizeof(v));
	return v;
}

/* No network, no system debug root: only what a test sets. */
static void quiet_env(void)
{
	unsetenv("DEBUGINFOD_URLS");
	unsetenv(DWARF_LAYOUT_DEBUG_ROOT_ENV);
}

/* dwarf_layout_read on two libraries of dir (NULL for a missing one). */
static void read2(struct result *r, const char *dir1, const char *lib1, const char *dir2,
		  const char *lib2)
{
	char p1[512], p2[512];
	const char *libs[2] = { p1, p2 };

	snprintf(p1, sizeof(p1), "%s/%s", dir1, lib1);
	if (lib2)
		snprintf(p2, sizeof(p2), "%s/%s", dir2, lib2);
	memset(r, 0xa5, sizeof(*r));
	r->rc = dwarf_layout_read(libs, lib2 ? 2 : 1, &r->auth, &r->smb2, r->where,
				  sizeof(r->where), r->err, sizeof(r->err));
}

static void assert_fixture_offsets(const struct result *r)
{
	size_t i;

	cr_assert_eq(r->rc, 0, "rc %d: %s", r->rc, r->err);
	for (i = 0; i < NFIELDS; i++) {
		long want = fixture_offset_of(fields[i].name);

		cr_assert_neq(want, -1, "tests/fixtures/dwarf/expected.h lacks %s", fields[i].name);
		cr_expect_eq(value(&fields[i], &r->auth, &r->smb2), (unsigned long)want,
			     "%s (%s.%s): read %u, offsetof() %ld", fields[i].name, fields[i].strct,
			     fields[i].member, value(&fields[i], &r->auth, &r->smb2), want);
	}
}

Test(dwarf_layout, reads_every_field_of_the_fixture)
{
	struct result r;

	quiet_env();
	read2(&r, DWARF_FIXTURE_DIR, AUTH_LIB, DWARF_FIXTURE_DIR, SMBD_LIB);
	assert_fixture_offsets(&r);
	cr_assert(strstr(r.where, AUTH_LIB) && strstr(r.where, SMBD_LIB), "where: %s", r.where);
}

Test(dwarf_layout, fixture_differs_from_every_table_row)
{
	size_t i, j;

	cr_assert_gt(sizeof(rows) / sizeof(rows[0]), 0);
	for (j = 0; j < sizeof(rows) / sizeof(rows[0]); j++)
		for (i = 0; i < NFIELDS; i++)
			cr_expect_neq(value(&fields[i], &rows[j].auth, &rows[j].smb2),
				      (unsigned long)fixture_offset_of(fields[i].name),
				      "%s: the fixture has Samba %s's offset", fields[i].name,
				      rows[j].series);
}

/* A struct private to one library (samba_sockaddr) is found in another's debug info. */
Test(dwarf_layout, searches_every_library_in_any_order)
{
	struct result r;

	quiet_env();
	read2(&r, DWARF_FIXTURE_DIR, SMBD_LIB, DWARF_FIXTURE_DIR, AUTH_LIB);
	assert_fixture_offsets(&r);
	read2(&r, DWARF_FIXTURE_DIR, AUTH_LIB, NULL, NULL);
	cr_assert_eq(r.rc, -1, "rc %d", r.rc);
	cr_assert(strstr(r.err, "samba_sockaddr.u.sa.sa_family"), "err: %s", r.err);
}

Test(dwarf_layout, no_debug_info_is_not_an_error)
{
	struct result r;

	quiet_env();
	read2(&r, DWARF_VARIANTS_DIR "/stripped", AUTH_LIB, DWARF_VARIANTS_DIR "/stripped",
	      SMBD_LIB);
	cr_assert_eq(r.rc, 1, "rc %d: %s", r.rc, r.err);
	cr_assert_str_empty(r.where);
	read2(&r, DWARF_FIXTURE_DIR, "no-such-library.so.0", NULL, NULL);
	cr_assert_eq(r.rc, 1, "rc %d: %s", r.rc, r.err);
	read2(&r, DWARF_FIXTURE_DIR, "", NULL, NULL); /* a directory */
	cr_assert_eq(r.rc, 1, "rc %d: %s", r.rc, r.err);
	/* debug info, but not Samba's (libc's, say): still nothing to read */
	read2(&r, DWARF_VARIANTS_DIR "/unrelated", "libunrelated.so.0", DWARF_VARIANTS_DIR
	      "/stripped", SMBD_LIB);
	cr_assert_eq(r.rc, 1, "rc %d: %s", r.rc, r.err);
}

Test(dwarf_layout, finds_debug_info_by_build_id)
{
	struct result r;

	quiet_env();
	setenv(DWARF_LAYOUT_DEBUG_ROOT_ENV, DWARF_VARIANTS_DIR "/buildid-root", 1);
	read2(&r, DWARF_VARIANTS_DIR "/stripped", AUTH_LIB, DWARF_VARIANTS_DIR "/stripped",
	      SMBD_LIB);
	assert_fixture_offsets(&r);
	cr_assert(strstr(r.where, "buildid-root/.build-id/"), "where: %s", r.where);
	cr_assert(!strstr(r.where, "stripped/"), "where: %s", r.where);
}

Test(dwarf_layout, finds_debug_info_by_debuglink)
{
	struct result r;

	quiet_env();
	read2(&r, DWARF_VARIANTS_DIR "/debuglink", AUTH_LIB, DWARF_VARIANTS_DIR "/debuglink",
	      SMBD_LIB);
	assert_fixture_offsets(&r);
	cr_assert(strstr(r.where, "debuglink/" AUTH_LIB ".debug"), "where: %s", r.where);
	cr_assert(strstr(r.where, "debuglink/" SMBD_LIB ".debug"), "where: %s", r.where);
}

Test(dwarf_layout, names_a_missing_member)
{
	struct result r;

	quiet_env();
	read2(&r, DWARF_FIXTURE_DIR, AUTH_LIB, DWARF_VARIANTS_DIR "/broken", SMBD_LIB);
	cr_assert_eq(r.rc, -1, "rc %d", r.rc);
	cr_assert(strstr(r.err, "smbXsrv_tcon.compat"), "err: %s", r.err);
	cr_assert(strstr(r.err, "has no member"), "err: %s", r.err);
}
