/* SPDX-License-Identifier: GPL-2.0 */
/* Everything smbwatch knows about Samba builds, as data: where it attaches (samba_targets),
 * which struct members it reads (layout_fields.def), and their offsets per release series
 * (layouts.def, written by tools/samba-layouts from Samba's sources). A new series is a new
 * row in layouts.def; a build the table lacks is traced from its DWARF (dwarf_layout.c). */
#ifndef SMBW_SAMBA_LAYOUT_H
#define SMBW_SAMBA_LAYOUT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "smbwatch.h"

/* When an attach point is used. */
enum samba_target_use {
	TARGET_ALWAYS,
	TARGET_SUCCESS_OPENS, /* only with --count-success or --all */
};

/* One attach point: an exported function, in whichever of smbd's libraries exports it. */
struct samba_target {
	const char *symbol; /* exported function */
	const char *prog;   /* BPF program (bpf/smbwatch.bpf.c) */
	bool retprobe;
	enum samba_target_use use;
	const char *what; /* what it tells us */
};

#define SAMBA_NTARGETS 4
extern const struct samba_target samba_targets[SAMBA_NTARGETS];

/* Functions exported by the library whose debug info defines a struct that the attach
 * libraries' debug info may lack (samba_sockaddr, what a tsocket_address points to, is used
 * by lib/tsocket/tsocket_bsd.c in the sockets library). NULL-terminated. */
extern const char *const samba_layout_anchors[];

/* One offset smbwatch reads: a row of layout_fields.def. */
struct samba_field {
	const char *group;  /* "auth" or "smb2" */
	const char *name;   /* the layout field, e.g. "sa_port" */
	const char *strct;  /* Samba's struct, e.g. "samba_sockaddr" */
	const char *member; /* member designator, e.g. "u.in.sin_port" */
	const char *file;   /* the Samba source file that defines the struct */
	size_t offset;      /* where the field sits in struct samba_offsets */
};

extern const struct samba_field samba_fields[];
extern const size_t samba_fields_count;

/* Every offset the BPF programs need. */
struct samba_offsets {
	struct smbw_auth_layout auth;
	struct smbw_smb2_layout smb2;
};

static inline unsigned int *samba_offset(struct samba_offsets *o, const struct samba_field *f)
{
	return (unsigned int *)((char *)o + f->offset);
}

/* Where a layout came from, best first. */
enum samba_layout_source {
	LAYOUT_NONE = 0,
	LAYOUT_DWARF,     /* the build's own debug info */
	LAYOUT_TESTED,    /* the table, a series the integration tests run against */
	LAYOUT_GENERATED, /* the table, generated from Samba's sources, not tested live */
};

struct samba_layout {
	enum samba_layout_source source;
	char series[16];   /* "4.17" */
	char origin[512];  /* the tag the row came from, or the debug files read */
	bool overridden;   /* SMBWATCH_LAYOUT_OVERRIDE changed some offsets (tests) */
	struct samba_offsets off;
};

/* "tested live", "generated", "DWARF". */
const char *samba_layout_source_name(enum samba_layout_source s);

/* One line for doctor, the started record and stderr: "table, tested live (samba-4.17.12)". */
void samba_layout_describe(const struct samba_layout *l, char *out, size_t n);

/* The table's row for a Samba version ("4.17.12", "4.22.6"): its series' row. 0 on success. */
int samba_layout_from_table(const char *version, struct samba_layout *out);

/* The series rows the table has, "4.15 4.16 ...", for messages. */
void samba_layout_table_series(char *out, size_t n);

/* Applies "field=N,field=N" (SMBWATCH_LAYOUT_OVERRIDE; for tests that need a wrong layout).
 * 0 on success; -1 with err naming the bad item. */
int samba_layout_override(struct samba_layout *l, const char *spec, char *err, size_t errn);

/* "SAMBA_4.17.12_DEBIAN_SAMBA4" -> "4.17.12"; 0 on success. */
int samba_version_from_symver(const char *symver, char *out, size_t n);

#endif
