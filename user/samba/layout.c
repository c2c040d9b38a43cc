// SPDX-License-Identifier: GPL-2.0
/* Samba's attach points and struct layouts, as data. The offsets come from layouts.def (one row
 * per release series, written by tools/samba-layouts from Samba's tagged sources; the 4.17 and
 * 4.22 rows are also checked live by the integration tests), or from a build's own DWARF
 * (dwarf_layout.c). Offsets are for x86_64 (the generator's target). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "layout.h"

const struct samba_target samba_targets[SAMBA_NTARGETS] = {
	{ "log_authentication_event", "log_authentication_event", false, TARGET_ALWAYS,
	  "every NTLM logon attempt, with the real NTSTATUS" },
	{ "smbd_smb2_request_error_ex", "smb2_request_error", false, TARGET_ALWAYS,
	  "failed SMB2 requests only: opens, share connects, searches" },
	{ "make_connection_smb2", "tree_connect_done", true, TARGET_ALWAYS,
	  "successful share connects" },
	{ "smbd_smb2_request_done_ex", "smb2_request_done", false, TARGET_SUCCESS_OPENS,
	  "every SMB2 reply (only for --count-success and --all)" },
};

const char *const samba_layout_anchors[] = { "tsocket_address_bsd_from_sockaddr", NULL };

#define SAMBA_FIELD(group, field, strct, member, file)                                      \
	{ #group, #field, strct, member, file,                                              \
	  offsetof(struct samba_offsets, group.field) },
const struct samba_field samba_fields[] = {
#include "layout_fields.def"
};
#undef SAMBA_FIELD
const size_t samba_fields_count = sizeof(samba_fields) / sizeof(samba_fields[0]);

struct table_row {
	const char *series;
	const char *tag;
	int live;
	struct smbw_auth_layout auth;
	struct smbw_smb2_layout smb2;
};

#define AUTH(...) { __VA_ARGS__ }
#define SMB2(...) { __VA_ARGS__ }
#define SAMBA_LAYOUT(series, tag, live, auth, smb2) { series, tag, live, auth, smb2 },
static const struct table_row table[] = {
#include "layouts.def"
};
#undef SAMBA_LAYOUT
#undef AUTH
#undef SMB2

const char *samba_layout_source_name(enum samba_layout_source s)
{
	switch (s) {
	case LAYOUT_DWARF:
		return "dwarf";
	case LAYOUT_TESTED:
		return "table, tested live";
	case LAYOUT_GENERATED:
		return "table, generated from Samba's sources";
	default:
		return "none";
	}
}

void samba_layout_describe(const struct samba_layout *l, char *out, size_t n)
{
	snprintf(out, n, "%s (%s)%s", samba_layout_source_name(l->source), l->origin,
		 l->overridden ? ", overridden by SMBWATCH_LAYOUT_OVERRIDE" : "");
}

/* "4.17.12" -> "4.17" */
static void series_of(const char *version, char *out, size_t n)
{
	const char *dot = strchr(version, '.');
	size_t len = strlen(version);

	if (dot && strchr(dot + 1, '.'))
		len = (size_t)(strchr(dot + 1, '.') - version);
	snprintf(out, n, "%.*s", (int)len, version);
}

int samba_layout_from_table(const char *version, struct samba_layout *out)
{
	char series[16];
	size_t i;

#if !defined(__x86_64__)
	return -1; /* the table's offsets are for x86_64 only */
#endif
	series_of(version, series, sizeof(series));
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (strcmp(series, table[i].series))
			continue;
		memset(out, 0, sizeof(*out));
		out->source = table[i].live ? LAYOUT_TESTED : LAYOUT_GENERATED;
		snprintf(out->series, sizeof(out->series), "%s", table[i].series);
		snprintf(out->origin, sizeof(out->origin), "%s", table[i].tag);
		out->off.auth = table[i].auth;
		out->off.smb2 = table[i].smb2;
		return 0;
	}
	return -1;
}

void samba_layout_table_series(char *out, size_t n)
{
	size_t i, used = 0;

	out[0] = 0;
	for (i = 0; i < sizeof(table) / sizeof(table[0]) && used < n; i++)
		used += (size_t)snprintf(out + used, n - used, "%s%s", i ? " " : "",
					 table[i].series);
}

int samba_layout_override(struct samba_layout *l, const char *spec, char *err, size_t errn)
{
	char copy[1024], *save = NULL, *item;
	size_t i;

	snprintf(copy, sizeof(copy), "%s", spec);
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '='), *end;
		unsigned long v;

		if (!eq) {
			snprintf(err, errn, "'%s' is not field=offset", item);
			return -1;
		}
		*eq = 0;
		v = strtoul(eq + 1, &end, 0);
		if (*end || end == eq + 1 || v > 65535) {
			snprintf(err, errn, "'%s' is not an offset", eq + 1);
			return -1;
		}
		for (i = 0; i < samba_fields_count; i++)
			if (!strcmp(samba_fields[i].name, item))
				break;
		if (i == samba_fields_count) {
			snprintf(err, errn, "no layout field '%s'", item);
			return -1;
		}
		*samba_offset(&l->off, &samba_fields[i]) = (unsigned int)v;
		l->overridden = true;
	}
	return 0;
}

int samba_version_from_symver(const char *symver, char *out, size_t n)
{
	const char *p = symver, *end;

	out[0] = 0;
	if (strncmp(p, "SAMBA_", 6))
		return -1;
	p += 6;
	end = p + strspn(p, "0123456789.");
	if (end == p || (size_t)(end - p) >= n)
		return -1;
	memcpy(out, p, end - p);
	out[end - p] = 0;
	return 0;
}
