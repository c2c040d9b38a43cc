/* SPDX-License-Identifier: GPL-2.0 */
/* Where records go: standard output, one whole record per write, text or JSON. */
#ifndef SMBW_OUTPUT_H
#define SMBW_OUTPUT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "json_out.h"
#include "record.h"

struct det_finding;

struct output {
	bool json;
	const struct smbw_ctx *ctx;
	struct jw jw;
	char line[1 << 16];
	uint64_t errors;   /* records that could not be written */
	uint64_t findings; /* finding records written */
	bool broken;       /* the reader went away (EPIPE) */
};

void output_init(struct output *o, bool json, const struct smbw_ctx *ctx);
void output_free(struct output *o);

/* One record: len bytes ending in '\n'. Buffered: whole records only. */
void output_write(struct output *o, const char *rec, size_t len);

/* Writes out what is buffered (after each batch of events). */
void output_flush(struct output *o);

/* The record built in o->jw, as one line. */
void output_jw(struct output *o);

/* A det_emit_fn: writes a finding (arg is the struct output). */
void output_finding(void *arg, const struct det_finding *f, const char *action);

#endif
