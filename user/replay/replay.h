/* SPDX-License-Identifier: GPL-2.0 */
/* smbwatch replay: the detector over recorded smbwatch --json output and over Samba's own JSON
 * logon audit (auth_json_audit), without root and without BPF. */
#ifndef SMBW_REPLAY_H
#define SMBW_REPLAY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cli/args.h"
#include "detect/detect.h"

int replay_run(const struct smbw_opts *o);

/* RFC 3339 / ISO 8601 time ("2026-11-23T20:52:21.347333Z", "...+0000", "...+01:00") as
 * microseconds since the epoch; 0 on success. */
int replay_parse_time(const char *s, uint64_t *us);

/* The date, hour and minute of the last time parsed (a log's lines share them): the same
 * answers as replay_parse_time, which re-reads only the seconds and what follows them when the
 * first 16 characters are the last valid ones. Zeroed: empty. */
struct replay_time_cache {
	char prefix[17]; /* "2026-11-23T20:52" */
	int64_t minute_s; /* that minute, seconds since the epoch */
};

int replay_parse_time_cached(struct replay_time_cache *c, const char *s, uint64_t *us);

struct json_object;

/* What one parsed line is: an event for the detector, a line to pass over (status records,
 * findings, Samba's Authorization records), or a malformed one (why in err). */
enum replay_kind { REPLAY_EVENT, REPLAY_SKIP, REPLAY_BAD };

/* Samba's debug header or indented message text (passed over by replay_decode_line). */
bool replay_samba_debug_text(const char *line, size_t len);

/* Fills e from one JSON object; strings in e point into o. */
enum replay_kind replay_decode(struct json_object *o, struct det_event *e, char *err, size_t n);

/* Why a line is malformed, counted by reason (smbwatch.malformed_by). */
enum replay_reason {
	REPLAY_NOT_JSON,     /* no JSON object on the line */
	REPLAY_INVALID_JSON, /* an object that does not parse, is cut short, or has text after it */
	REPLAY_BAD_RECORD,   /* JSON, but neither record kind, or a field missing or invalid */
	REPLAY_TOO_LONG,     /* longer than --max-line */
	REPLAY_NUL_BYTES,    /* a run of NUL bytes */
	REPLAY_NREASONS,
};

/* "not_json", "invalid_json", ... */
const char *replay_reason_name(enum replay_reason r);

/* Decodes one line (a JSON object, after any text such as Samba's "JSON Authentication: ").
 * 64 bytes after line[len] must be readable (the line reader's LR_PADDING: the fast parser
 * reads ahead). The line is written to: strings in e may point into it, NUL-terminated
 * there, and stay valid while it does and until the next call with the same decoder.
 * REPLAY_BAD: err says why (as the stderr line shows it) and *why the reason. */
struct replay_decoder;
struct replay_decoder *replay_decoder_new(void);
void replay_decoder_free(struct replay_decoder *dec);
enum replay_kind replay_decode_line(struct replay_decoder *dec, char *line, size_t len,
				    struct det_event *e, char *err, size_t n,
				    enum replay_reason *why);

/* The input checks: NULL when path may be replayed ("-", a regular file, a FIFO) or cannot be
 * looked at (its open then says why), else why not ("a directory, not a log file", ...). */
const char *replay_input_refused(const char *path);

#endif
