/* SPDX-License-Identifier: GPL-2.0 */
/* Samba's struct offsets read from DWARF debug info (libdw): every field of layout_fields.def.
 * Debug info beats the table: it describes the very build smbd runs. */
#ifndef SMBW_DWARF_LAYOUT_H
#define SMBW_DWARF_LAYOUT_H
#include <stddef.h>
#include "smbwatch.h"

/* Test-only: a directory searched instead of /usr/lib/debug (for .build-id/xx/rest.debug and
 * .gnu_debuglink files). Unset in production. */
#define DWARF_LAYOUT_DEBUG_ROOT_ENV "SMBWATCH_DEBUG_ROOT"

/* Reads every field of layout_fields.def from the DWARF debug info of libs (the ELF files
 * smbd maps: the attach libraries first, then the rest). Per library, debug info is the file's
 * own .debug_info, /usr/lib/debug/.build-id/xx/rest.debug by GNU build-id, .gnu_debuglink, and
 * debuginfod when DEBUGINFOD_URLS is set. Structs may be defined in any of libs; the search
 * stops once every field is resolved.
 * Returns 0 and fills auth/smb2, with the debug files used in `where`; 1 when none of libs has
 * debug info reachable that defines any of the structs (not an error: the caller falls back to
 * the table); -1 with a reason in err when debug info was found but a struct or member is
 * missing (naming struct.member). */
int dwarf_layout_read(const char *const *libs, size_t nlibs, struct smbw_auth_layout *auth,
		      struct smbw_smb2_layout *smb2, char *where, size_t wn, char *err,
		      size_t errn);

#endif
