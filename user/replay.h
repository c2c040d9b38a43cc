/* SPDX-License-Identifier: GPL-2.0 */
/* smbwatch replay: the detector over recorded smbwatch --json output and over Samba's own JSON
 * logon audit (auth_json_audit), without root and without BPF. */
#ifndef SMBW_REPLAY_H
#define SMBW_REPLAY_H
#include <stdint.h>
#include "args.h"
#include "detect.h"

int replay_run(const struct smbw_opts *o);

/* RFC 3339 / ISO 8601 time ("2026-11-23T20:52:21.347333Z", "...+0000", "...+01:00") as
 * microseconds since the epoch; 0 on success. */
int replay_parse_time(const char *s, uint64_t *us);

struct json_object;

/* What one parsed line is: an event for the detector, a line to pass over (status records,
 * findings, Samba's Authorization records), or a malformed one (why in err). */
enum replay_kind { REPLAY_EVENT, REPLAY_SKIP, REPLAY_BAD };

/* Fills e from one JSON object; strings in e point into o. */
enum replay_kind replay_decode(struct json_object *o, struct det_event *e, char *err, size_t n);

#endif
