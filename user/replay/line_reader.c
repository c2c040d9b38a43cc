// SPDX-License-Identifier: GPL-2.0
/* Lines from a file descriptor; see line_reader.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "replay/line_reader.h"

/* What one read() asks for at most: a reader's memory is its partial line plus this, however
 * large max_line is (replay keeps one reader per input). */
#define LR_CHUNK (256 * 1024)

int lr_init(struct line_reader *r, int fd, size_t max_line)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->max_line = max_line ? max_line : LR_DEFAULT_MAX_LINE;
	r->cap = r->max_line + LR_CHUNK + 1;
	/* LR_PADDING more: a parser may read that far past a line's end (simdjson does) */
	r->buf = calloc(1, r->cap + LR_PADDING);
	r->lineno = 1;
	return r->buf ? 0 : -1;
}

void lr_free(struct line_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* The first '\n' or NUL in [p, p + n), or NULL: one pass, as p[n] is always a NUL (fill()
 * puts one after what it read). */
static const char *terminator(const char *p, size_t n)
{
	const char *t = strchrnul(p, '\n');

	return t < p + n ? t : NULL;
}

/* Moves what is left to the front and reads more; 0 at the end of the input, -1 on error. */
static int fill(struct line_reader *r)
{
	size_t want;
	ssize_t got;

	if (r->start) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	want = r->cap - 1 - r->end;
	if (want > LR_CHUNK)
		want = LR_CHUNK;
	do
		got = read(r->fd, r->buf + r->end, want);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		r->err = errno;
		return -1;
	}
	if (!got)
		r->eof = true;
	r->end += (size_t)got;
	r->buf[r->end] = 0; /* for terminator() */
	return 0;
}

static int seg_line(struct line_reader *r, struct lr_seg *seg, size_t len)
{
	seg->text = r->buf + r->start;
	seg->len = len;
	seg->lineno = r->lineno;
	seg->kind = len > r->max_line ? LR_TOO_LONG : LR_LINE;
	r->in_nul = false;
	return 1;
}

int lr_next(struct line_reader *r, struct lr_seg *seg)
{
	for (;;) {
		const char *p = r->buf + r->start, *t = terminator(p, r->end - r->start);

		if (t) {
			size_t len = (size_t)(t - p);
			bool nl = *t == '\n';

			if (r->skipping) { /* the rest of a line already reported too long */
				r->skipping = false;
				r->start += len + 1;
				r->lineno += nl;
				r->in_nul = !nl;
				continue;
			}
			if (len) { /* a NUL terminator stays, for the run to be reported */
				seg_line(r, seg, len);
				r->start += len + nl;
				r->lineno += nl;
				return 1;
			}
			r->start++;
			if (nl) {
				seg_line(r, seg, 0);
				r->lineno++;
				return 1;
			}
			if (!r->in_nul) {
				r->in_nul = true;
				seg->kind = LR_NUL_RUN;
				seg->text = NULL;
				seg->len = 0;
				seg->lineno = r->lineno;
				return 1;
			}
			continue;
		}
		if (r->end - r->start > r->max_line) { /* too long: report, then drop it */
			if (!r->skipping) {
				seg->kind = LR_TOO_LONG;
				seg->text = NULL;
				seg->len = r->end - r->start;
				seg->lineno = r->lineno;
				r->skipping = true;
				r->in_nul = false;
				r->start = r->end;
				return 1;
			}
			r->start = r->end;
		}
		if (r->eof) {
			size_t len = r->end - r->start;

			if (!len || r->skipping) {
				r->start = r->end;
				r->skipping = false;
				return 0;
			}
			seg_line(r, seg, len); /* the last line, without '\n' */
			r->start = r->end;
			return 1;
		}
		if (r->skipping)
			r->start = r->end;
		if (fill(r))
			return -1;
	}
}
