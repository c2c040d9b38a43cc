/* SPDX-License-Identifier: GPL-2.0 */
/* Lines from a file descriptor, whatever the bytes: a line ends at '\n' or at a NUL byte (a
 * run of NULs, what a crash leaves in a log file, is reported once and skipped), a line longer
 * than a cap is skipped and reported, never held in memory. Line numbers count '\n'. Input that
 * starts as gzip does (1f 8b: a log logrotate compressed) is read decompressed, member after
 * member, in the same bounded memory. */
#ifndef SMBW_LINE_READER_H
#define SMBW_LINE_READER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LR_DEFAULT_MAX_LINE (1024 * 1024)
#define LR_PADDING 64 /* readable bytes after every segment's text */

enum lr_kind {
	LR_LINE,     /* text and len: the line without its terminator (may be empty) */
	LR_TOO_LONG, /* a line longer than max_line bytes, skipped */
	LR_NUL_RUN,  /* one or more NUL bytes, skipped */
};

struct lr_seg {
	enum lr_kind kind;
	char *text; /* LR_LINE: valid until the next call (the caller may write to it) */
	size_t len;
	uint64_t lineno;  /* the line (1-based) it is on */
};

struct lr_gz; /* the compressed side of a gzip input (line_reader.c) */

struct line_reader {
	int fd;
	char *buf;
	size_t cap, start, end, max_line;
	uint64_t lineno;
	bool eof, skipping, in_nul;
	bool sniffed;     /* the input's first bytes looked at: gzip or not */
	struct lr_gz *gz; /* gzip input, else NULL */
	int err;          /* errno of a failed read, or 0 */
	char errmsg[96];  /* else what is wrong with the compressed data */
};

/* 0, or -1 when out of memory. max_line 0: LR_DEFAULT_MAX_LINE. */
int lr_init(struct line_reader *r, int fd, size_t max_line);
void lr_free(struct line_reader *r);

/* 1 with the next segment, 0 at the end of the input, -1 on a read error (lr_strerror). */
int lr_next(struct line_reader *r, struct lr_seg *seg);

/* Why lr_next returned -1: the read's error, or the compressed data's. */
const char *lr_strerror(const struct line_reader *r);

/* Whether the input is gzip (known after the first lr_next). */
bool lr_is_gzip(const struct line_reader *r);

#endif
