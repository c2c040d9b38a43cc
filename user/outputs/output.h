/* SPDX-License-Identifier: GPL-2.0 */
/* Where records go: standard output, one whole record per write, text or JSON. */
#ifndef SMBW_OUTPUT_H
#define SMBW_OUTPUT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "outputs/json_out.h"
#include "common/record.h"
#include "outputs/syslog_out.h"

struct det_finding;

struct output {
	bool json;       /* JSON on standard output */
	bool to_stdout;  /* standard output is ours (not while a view owns the terminal) */
	const struct smbw_ctx *ctx;
	struct jw jw;
	char line[1 << 16];
	uint64_t errors;   /* records that could not be written */
	uint64_t findings; /* finding records written */
	bool broken;       /* the reader went away (EPIPE) */
	/* -o FILE: NDJSON appended, one write() per record, reopened on SIGHUP */
	const char *path;
	int fd;
	bool file_failing;     /* the last write or open failed; reported once */
	uint64_t file_dropped; /* records lost to the file */
	uint64_t next_retry_ns;
	struct syslog_out *syslog; /* --syslog, or NULL */
};

/* Set from a SIGHUP handler: the file is reopened at the next output_maintain(). */
extern volatile int output_hup;

void output_init(struct output *o, bool json, const struct smbw_ctx *ctx);
void output_free(struct output *o);

/* --syslog [TARGET]: 0, or -1 with the reason on stderr. */
int output_open_syslog(struct output *o, const char *target);

/* -o FILE: opens it (created 0640, appended); 0, or -1 with the reason on stderr. */
int output_open_file(struct output *o, const char *path);

/* Reopens the file after SIGHUP (logrotate), or retries a failed one once a second. */
void output_maintain(struct output *o);

/* Whether records are wanted as JSON (stdout --json, or a file) and as text lines. */
bool output_wants_json(const struct output *o);
bool output_wants_text(const struct output *o);

/* Records lost to -o FILE and --syslog so far. */
uint64_t output_dropped(const struct output *o);

/* A text line (ends in '\n') to standard output. */
void output_text(struct output *o, const char *line);

/* One record: len bytes ending in '\n'. Buffered: whole records only. */
void output_write(struct output *o, const char *rec, size_t len);

/* Writes out what is buffered (after each batch of events). */
void output_flush(struct output *o);

/* The record built in o->jw, as one line, to every JSON destination. */
void output_jw(struct output *o);

/* A det_emit_fn: writes a finding (arg is the struct output). */
void output_finding(void *arg, const struct det_finding *f, const char *action);

#endif
