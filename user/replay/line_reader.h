/* SPDX-License-Identifier: GPL-2.0 */
/* Lines from a file descriptor, whatever the bytes: a line ends at '\n' or at a NUL byte (a
 * run of NULs, what a crash leaves in a log file, is reported once and skipped), a line longer
 * than a cap is skipped and reported, never held in memory. Line numbers count '\n'. */
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

struct line_reader {
	int fd;
	char *buf;
	size_t cap, start, end, max_line;
	uint64_t lineno;
	bool eof, skipping, in_nul;
	int err; /* errno of a failed read */
};

/* 0, or -1 when out of memory. max_line 0: LR_DEFAULT_MAX_LINE. */
int lr_init(struct line_reader *r, int fd, size_t max_line);
void lr_free(struct line_reader *r);

/* 1 with the next segment, 0 at the end of the input, -1 on a read error (r->err). */
int lr_next(struct line_reader *r, struct lr_seg *seg);

#endif
