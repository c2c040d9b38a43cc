// SPDX-License-Identifier: GPL-2.0
/* Samba's struct offsets from DWARF (libdw/libdwfl). Each library is reported to its own
 * offline Dwfl, whose standard callbacks find the debug info (own sections, build-id,
 * debuglink, debuginfod); the top-level struct definitions of every unit are matched against
 * layout_fields.def by name, and each member designator is walked to a byte offset. */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dwarf_layout.h"

enum dl_group { DL_auth, DL_smb2 };

struct dl_field {
	enum dl_group group;
	size_t slot;          /* offset of the field in its smbw_*_layout */
	const char *name;     /* the layout field */
	const char *strct;    /* Samba struct */
	const char *member;   /* member designator, e.g. "u.in6.sin6_addr" */
};

static const struct dl_field dl_fields[] = {
#define SAMBA_FIELD(g, f, s, m, d) { DL_##g, offsetof(struct smbw_##g##_layout, f), #f, s, m },
#include "layout_fields.def"
#undef SAMBA_FIELD
};

#define DL_NFIELDS (sizeof(dl_fields) / sizeof(dl_fields[0]))
#define DL_MAX_DEPTH 8 /* anonymous members nested inside each other */

/* What the search found so far. */
struct dl_state {
	unsigned int off[DL_NFIELDS];
	bool done[DL_NFIELDS];
	bool seen[DL_NFIELDS]; /* its struct was found (so a miss is a missing member) */
	size_t left;
	char *where;
	size_t wn;
};

/* Peels typedefs and qualifiers off a type; false when the chain breaks. */
static bool peel_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute attr;
	int i;

	*out = *die;
	for (i = 0; i < 16; i++) {
		switch (dwarf_tag(out)) {
		case DW_TAG_typedef:
		case DW_TAG_const_type:
		case DW_TAG_volatile_type:
		case DW_TAG_restrict_type:
		case DW_TAG_atomic_type:
			if (!dwarf_attr_integrate(out, DW_AT_type, &attr) ||
			    !dwarf_formref_die(&attr, out))
				return false;
			break;
		default:
			return true;
		}
	}
	return false;
}

/* The type of a member, peeled. */
static bool member_type(Dwarf_Die *member, Dwarf_Die *out)
{
	Dwarf_Attribute attr;
	Dwarf_Die t;

	if (!dwarf_attr_integrate(member, DW_AT_type, &attr) || !dwarf_formref_die(&attr, &t))
		return false;
	return peel_type(&t, out);
}

static bool is_aggregate(Dwarf_Die *die)
{
	int tag = dwarf_tag(die);

	return tag == DW_TAG_structure_type || tag == DW_TAG_union_type;
}

/* A definition, not a declaration: it has a size. */
static bool is_definition(Dwarf_Die *die)
{
	return !dwarf_hasattr_integrate(die, DW_AT_declaration) &&
	       dwarf_hasattr_integrate(die, DW_AT_byte_size);
}

/* DW_AT_data_member_location: a constant, or DWARF 2's DW_OP_plus_uconst. Union members and
 * bit-fields placed by DW_AT_data_bit_offset have none: 0 and the bit offset's bytes. */
static bool member_location(Dwarf_Die *member, Dwarf_Word *off)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;

	*off = 0;
	if (!dwarf_attr_integrate(member, DW_AT_data_member_location, &attr)) {
		if (dwarf_attr_integrate(member, DW_AT_data_bit_offset, &attr) &&
		    !dwarf_formudata(&attr, off))
			*off /= 8;
		return true;
	}
	if (!dwarf_formudata(&attr, off))
		return true;
	if (dwarf_getlocation(&attr, &ops, &nops) == 0 && nops == 1 &&
	    ops[0].atom == DW_OP_plus_uconst) {
		*off = ops[0].number;
		return true;
	}
	return false;
}

static bool name_is(const char *name, const char *want, size_t len)
{
	return name && strlen(name) == len && !memcmp(name, want, len);
}

/* Finds member name[0..len) of a struct or union, looking inside anonymous members too.
 * 0 and its offset and whether its (peeled) type is a struct or union, in type; -1 when absent. */
static int find_member(Dwarf_Die *agg, const char *name, size_t len, Dwarf_Word *off,
		       Dwarf_Die *type, bool *is_agg, int depth)
{
	Dwarf_Die child, t;
	Dwarf_Word here, inner;

	if (depth > DL_MAX_DEPTH || dwarf_child(agg, &child) != 0)
		return -1;
	do {
		const char *n;

		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		n = dwarf_diename(&child);
		if (n && !name_is(n, name, len))
			continue;
		if (!member_location(&child, &here))
			continue;
		if (n) {
			*off = here;
			*is_agg = member_type(&child, type) && is_aggregate(type);
			return 0;
		}
		/* anonymous struct or union: its members belong to agg */
		if (member_type(&child, &t) && is_aggregate(&t) &&
		    !find_member(&t, name, len, &inner, type, is_agg, depth + 1)) {
			*off = here + inner;
			return 0;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return -1;
}

/* Offset of a designator such as "u.in6.sin6_addr" in a struct. 0, or -1 when a component is
 * missing or is not a struct or union where one more component follows. */
static int designator_offset(Dwarf_Die *agg, const char *designator, Dwarf_Word *off)
{
	Dwarf_Die cur = *agg, type;
	const char *p = designator;
	Dwarf_Word total = 0, o;
	bool is_agg;

	for (;;) {
		size_t len = strcspn(p, ".");

		if (!len || find_member(&cur, p, len, &o, &type, &is_agg, 0))
			return -1;
		total += o;
		if (!p[len])
			break;
		if (!is_agg)
			return -1;
		cur = type;
		p += len + 1;
	}
	*off = total;
	return 0;
}

/* The struct a top-level die defines under a name ("struct X", or "typedef struct {..} X"). */
static const char *defined_struct(Dwarf_Die *die, Dwarf_Die *agg)
{
	int tag = dwarf_tag(die);
	const char *name;

	if (tag != DW_TAG_structure_type && tag != DW_TAG_typedef)
		return NULL;
	name = dwarf_diename(die);
	if (!name)
		return NULL;
	if (tag == DW_TAG_typedef && !peel_type(die, agg))
		return NULL;
	if (tag == DW_TAG_structure_type)
		*agg = *die;
	if (dwarf_tag(agg) != DW_TAG_structure_type || !is_definition(agg))
		return NULL;
	return name;
}

/* Resolves the open fields of struct name from its definition agg. */
static void resolve_struct(struct dl_state *st, Dwarf_Die *agg, const char *name)
{
	Dwarf_Word off;
	size_t i;

	for (i = 0; i < DL_NFIELDS; i++) {
		if (st->done[i] || strcmp(dl_fields[i].strct, name))
			continue;
		st->seen[i] = true;
		if (designator_offset(agg, dl_fields[i].member, &off) || off > 0xffffffffu)
			continue;
		st->off[i] = (unsigned int)off;
		st->done[i] = true;
		st->left--;
	}
}

/* Whether a field still open is in struct name. */
static bool wanted(const struct dl_state *st, const char *name)
{
	size_t i;

	for (i = 0; i < DL_NFIELDS; i++)
		if (!st->done[i] && !strcmp(dl_fields[i].strct, name))
			return true;
	return false;
}

/* Every unit (compile, partial and type units) of one Dwarf. */
static void scan_dwarf(struct dl_state *st, Dwarf *dw)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, die, agg;
	Dwarf_Half version;
	uint8_t type;

	while (st->left && dwarf_get_units(dw, cu, &cu, &version, &type, &cudie, NULL) == 0) {
		if (dwarf_child(&cudie, &die) != 0)
			continue;
		do {
			const char *name = defined_struct(&die, &agg);

			if (name && wanted(st, name))
				resolve_struct(st, &agg, name);
		} while (st->left && dwarf_siblingof(&die, &die) == 0);
	}
}

static void append(char *buf, size_t n, const char *s)
{
	size_t used = strnlen(buf, n);

	if (used + 1 < n)
		snprintf(buf + used, n - used, "%s%s", used ? ", " : "", s);
}

/* The debug-file search path: libdwfl's default, or the test-only root instead of
 * /usr/lib/debug. */
static char *debuginfo_path(char *buf, size_t n)
{
	const char *root = getenv(DWARF_LAYOUT_DEBUG_ROOT_ENV);

	if (!root || !root[0])
		return NULL;
	snprintf(buf, n, ":.debug:%s", root);
	return buf;
}

/* Reads one library's debug info, if it has any; true when it had some. */
static bool scan_lib(struct dl_state *st, const char *lib, char **path)
{
	const Dwfl_Callbacks cb = {
		.find_elf = dwfl_build_id_find_elf,
		.find_debuginfo = dwfl_standard_find_debuginfo,
		.section_address = dwfl_offline_section_address,
		.debuginfo_path = path,
	};
	Dwfl *dwfl = dwfl_begin(&cb);
	Dwfl_Module *mod;
	Dwarf *dw;
	Dwarf_Addr bias;
	const char *mainfile = NULL, *debugfile = NULL;
	size_t before = st->left;
	bool found = false;

	if (!dwfl)
		return false;
	mod = dwfl_report_offline(dwfl, lib, lib, -1);
	dwfl_report_end(dwfl, NULL, NULL);
	dw = mod ? dwfl_module_getdwarf(mod, &bias) : NULL;
	if (dw) {
		found = true;
		scan_dwarf(st, dw);
		if (dwarf_getalt(dw)) /* dwz: shared types in a .dwz file */
			scan_dwarf(st, dwarf_getalt(dw));
		dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &mainfile, &debugfile);
		if (!debugfile)
			debugfile = mainfile ? mainfile : lib;
		if (st->left < before)
			append(st->where, st->wn, debugfile);
	}
	dwfl_end(dwfl);
	return found;
}

static void fill(const struct dl_state *st, struct smbw_auth_layout *auth,
		 struct smbw_smb2_layout *smb2)
{
	size_t i;

	for (i = 0; i < DL_NFIELDS; i++) {
		char *base = dl_fields[i].group == DL_auth ? (char *)auth : (char *)smb2;

		memcpy(base + dl_fields[i].slot, &st->off[i], sizeof(st->off[i]));
	}
}

/* Why the first open field could not be read. */
static void explain(const struct dl_state *st, const char *searched, char *err, size_t errn)
{
	size_t i;

	for (i = 0; i < DL_NFIELDS && st->done[i]; i++)
		;
	if (i == DL_NFIELDS)
		return;
	if (st->seen[i])
		snprintf(err, errn, "debug info: struct %s has no member %s (%s.%s, for %s; in %s)",
			 dl_fields[i].strct, dl_fields[i].member, dl_fields[i].strct,
			 dl_fields[i].member, dl_fields[i].name, searched);
	else
		snprintf(err, errn, "debug info: no struct %s (%s.%s, for %s; searched %s)",
			 dl_fields[i].strct, dl_fields[i].strct, dl_fields[i].member,
			 dl_fields[i].name, searched);
}

static bool any_seen(const struct dl_state *st)
{
	size_t i;

	for (i = 0; i < DL_NFIELDS; i++)
		if (st->seen[i])
			return true;
	return false;
}

int dwarf_layout_read(const char *const *libs, size_t nlibs, struct smbw_auth_layout *auth,
		      struct smbw_smb2_layout *smb2, char *where, size_t wn, char *err,
		      size_t errn)
{
	struct dl_state st = { .left = DL_NFIELDS, .where = where, .wn = wn };
	char pathbuf[4096], *path = debuginfo_path(pathbuf, sizeof(pathbuf));
	char searched[1024] = "";
	size_t i, with_debug = 0;

	if (wn)
		where[0] = 0;
	if (errn)
		err[0] = 0;
	for (i = 0; i < nlibs && st.left; i++) {
		if (scan_lib(&st, libs[i], &path)) {
			with_debug++;
			append(searched, sizeof(searched), libs[i]);
		}
	}
	if (!st.left) {
		fill(&st, auth, smb2);
		return 0;
	}
	if (!any_seen(&st)) {
		snprintf(err, errn, "no Samba debug info in %zu libraries (%zu with debug info)",
			 nlibs, with_debug);
		return 1;
	}
	explain(&st, searched, err, errn);
	return -1;
}
