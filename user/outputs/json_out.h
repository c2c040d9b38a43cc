/* SPDX-License-Identifier: GPL-2.0 */
/* JSON output: a small streaming writer (always valid JSON, whatever bytes a string holds) and
 * the ECS records smbwatch writes. */
#ifndef SMBW_JSON_OUT_H
#define SMBW_JSON_OUT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "decode/plausible.h"

#define JW_MAX_DEPTH 16

struct jw {
	char *buf;
	size_t len, cap;
	int depth;
	bool need_comma[JW_MAX_DEPTH];
	bool oom; /* an allocation failed: the record is incomplete and must not be written */
};

void jw_init(struct jw *w);
void jw_free(struct jw *w);
void jw_reset(struct jw *w);

/* Keys are the program's own names (literals, NT_STATUS names): written as they are, never
 * escaped, so never a string from smbd or a record. */
/* Objects and arrays; key is NULL for the top-level object and for array elements. */
void jw_obj_begin(struct jw *w, const char *key);
void jw_obj_end(struct jw *w);
void jw_arr_begin(struct jw *w, const char *key);
void jw_arr_end(struct jw *w);

/* A string of n bytes. Escapes '"', '\\' and control bytes; bytes that are not well-formed
 * UTF-8 are written as the six characters \\xNN (backslash, 'x', two hex digits), so the value
 * stays valid JSON and keeps the original bytes recoverable. */
void jw_strn(struct jw *w, const char *key, const char *s, size_t n);
void jw_str(struct jw *w, const char *key, const char *s);
void jw_u64(struct jw *w, const char *key, uint64_t v);
void jw_bool(struct jw *w, const char *key, bool v);
void jw_null(struct jw *w, const char *key);

struct smbw_auth_event;
struct smbw_ctx;

/* One smbwatch.auth record (ECS), without a trailing newline. */
void json_auth_record(struct jw *w, const struct smbw_ctx *ctx, const struct smbw_auth_event *e);

struct smb2_record;
struct det_finding;

/* One smbwatch.finding record (event.kind alert); action: finding_opened, finding_updated or
 * finding_summary. */
void json_finding_record(struct jw *w, const struct smbw_ctx *ctx, const struct det_finding *f,
			 const char *action);

/* One smbwatch.file or smbwatch.tree record (ECS). */
void json_smb2_record(struct jw *w, const struct smbw_ctx *ctx, const struct smb2_record *r);

struct smbw_stats {
	uint64_t events;         /* events received from the ring buffer */
	uint64_t events_auth, events_file, events_tree;
	uint64_t dropped;        /* events lost in the kernel (ring buffer full) */
	uint64_t identities;     /* connection identities received (not counted in events) */
	uint64_t identities_missing; /* SMB2 events whose identity was not (or no longer) kept */
	uint64_t hits_auth;      /* uprobe hits on the logon path */
	uint64_t hits_smb2_error; /* hits on the SMB2 error path (failed requests only) */
	uint64_t hits_smb2_done;  /* hits on every SMB2 reply (--count-success / --all only) */
	uint64_t hits_tcon;       /* hits on successful-tree-connect returns */
	uint64_t read_errors;    /* fields that could not be read from smbd's memory */
	uint64_t implausible;    /* events with a value no Samba leaves there (user/decode/plausible.c) */
	uint64_t implausible_by[IMPL_MAX]; /* per enum implausible (user/decode/plausible.h) */
	uint64_t output_errors;  /* records that could not be written */
	uint64_t output_dropped; /* records lost to -o FILE (write or reopen failures) */
	uint64_t cache_evictions; /* logon identities replaced for lack of room */
	uint64_t findings, finding_updates, evicted_keys; /* from the detector */
	double cpu_s;          /* smbwatch's own CPU time, user + system */
	uint64_t peak_rss_kb;  /* and its peak resident memory */
	/* --count-success: successful opens per smbd process, with its client */
	struct smbw_success_count {
		uint32_t pid;
		uint64_t opens;
		char client[64];
	} *success;
	size_t n_success;
};

/* Opens a record: '{' and the fields every record has (@timestamp now, ecs, host, observer). */
void json_begin_record(struct jw *w, const struct smbw_ctx *ctx);

/* A smbwatch.stats record (event.kind metric): what happened since the previous one. */
void json_stats_record(struct jw *w, const struct smbw_ctx *ctx, double interval_s,
		       const struct smbw_stats *now, const struct smbw_stats *prev,
		       uint64_t output_dropped);

/* A smbwatch.status record: action is "started" or "stopped"; stats only for "stopped". */
void json_status_record(struct jw *w, const struct smbw_ctx *ctx, const char *action,
			const struct smbw_stats *stats);

/* A smbwatch.status record about the Samba build while tracing: action "reattached" (after an
 * upgrade), "unsupported" (an upgrade smbwatch cannot follow) or "implausible" (a value that
 * says the layout is wrong). NULL fields are left out. */
struct status_note {
	const char *message;
	const char *samba_version, *build_id;           /* the build it is about */
	const char *previous_version, *previous_build_id;
	const char *layout;
	const char *value;  /* implausible: what, e.g. "client port" */
	const char *fields; /* implausible: the layout fields it was read through */
};
void json_status_note(struct jw *w, const struct smbw_ctx *ctx, const char *action,
		      const struct status_note *n);

#endif
