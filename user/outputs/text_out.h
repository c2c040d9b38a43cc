/* SPDX-License-Identifier: GPL-2.0 */
/* Human-readable output: one line per event, with control bytes and invalid UTF-8 escaped. */
#ifndef SMBW_TEXT_OUT_H
#define SMBW_TEXT_OUT_H
#include <stddef.h>
#include "common/record.h"

/* Copies n bytes of s into out (size outsz, always NUL-terminated), keeping printable ASCII and
 * well-formed UTF-8 as they are, and writing control bytes (C0, DEL, C1) and bytes that are not
 * UTF-8 as \xNN. Returns the length written; cuts at a whole escape or character. */
size_t text_escape(const char *s, size_t n, char *out, size_t outsz);

/* One line, with '\n', for a logon event. */
void text_auth_line(char *out, size_t outsz, const struct smbw_ctx *ctx,
		    const struct smbw_auth_event *e);

struct smb2_record;

/* One line, with '\n', for a share connect or a file open/search. */
void text_smb2_line(char *out, size_t outsz, const struct smbw_ctx *ctx,
		    const struct smb2_record *r);

struct det_finding;

/* One line, with '\n', for a finding. */
void text_finding_line(char *out, size_t outsz, const struct det_finding *f, const char *action);

#endif
