// SPDX-License-Identifier: GPL-2.0
/* Lines from a file descriptor; see line_reader.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "replay/line_reader.h"

/* What one read() asks for at most: a reader's memory is its partial line plus this, however
 * large max_line is (replay keeps one reader per input). */
#define LR_CHUNK (256 * 1024)
/* What one read() of compressed input asks for */
#define LR_GZ_IN (64 * 1024)

struct lr_gz {
	z_stream z;
	bool in_eof;    /* the compressed input has ended */
	bool in_member; /* inside a gzip member: its end not yet seen */
	unsigned char in[LR_GZ_IN];
};

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
	if (r->gz) {
		inflateEnd(&r->gz->z);
		free(r->gz);
		r->gz = NULL;
	}
	free(r->buf);
	r->buf = NULL;
}

const char *lr_strerror(const struct line_reader *r)
{
	return r->errmsg[0] ? r->errmsg : strerror(r->err);
}

bool lr_is_gzip(const struct line_reader *r)
{
	return r->gz != NULL;
}

static ssize_t read_some(int fd, void *p, size_t n)
{
	ssize_t got;

	do
		got = read(fd, p, n);
	while (got < 0 && errno == EINTR);
	return got;
}

/* The compressed data is bad: -1 with the reason. */
static int gz_failed(struct line_reader *r, const char *why)
{
	snprintf(r->errmsg, sizeof(r->errmsg), "gzip data: %s", why);
	return -1;
}

/* Up to want decompressed bytes at buf + end (at least one, unless the input has ended);
 * 0, or -1 on a read error or bad compressed data. */
static int gz_fill(struct line_reader *r, size_t want)
{
	struct lr_gz *g = r->gz;
	z_stream *z = &g->z;
	int ret;

	z->next_out = (unsigned char *)r->buf + r->end;
	z->avail_out = (uInt)want;
	while (z->avail_out == want) {
		if (!z->avail_in) {
			ssize_t got;

			if (g->in_eof) {
				if (g->in_member)
					return gz_failed(r, "cut short (the file ends inside it)");
				r->eof = true;
				break;
			}
			got = read_some(r->fd, g->in, sizeof(g->in));
			if (got < 0) {
				r->err = errno;
				return -1;
			}
			g->in_eof = !got;
			z->next_in = g->in;
			z->avail_in = (uInt)got;
			continue;
		}
		if (!g->in_member) { /* the next member: what follows one must be another */
			if (*z->next_in != 0x1f)
				return gz_failed(r, "what follows its end is not gzip");
			if (inflateReset(z) != Z_OK)
				return gz_failed(r, "cannot restart the decoder");
			g->in_member = true;
		}
		ret = inflate(z, Z_NO_FLUSH);
		if (ret == Z_STREAM_END)
			g->in_member = false;
		else if (ret != Z_OK && !(ret == Z_BUF_ERROR && !z->avail_in)) /* not: wants input */
			return gz_failed(r, z->msg ? z->msg : "not valid");
	}
	r->end += want - z->avail_out;
	return 0;
}

/* The first bytes: gzip's magic makes the rest compressed input (the bytes read so far go to
 * the decoder), anything else is read as it is. 0, or -1 on a read error. */
static int sniff(struct line_reader *r, size_t want)
{
	size_t have = 0;
	struct lr_gz *g;

	r->sniffed = true;
	while (have < 2) { /* a pipe may hand over one byte at a time */
		ssize_t got = read_some(r->fd, r->buf + r->end + have, want - have);

		if (got < 0) {
			r->err = errno;
			return -1;
		}
		if (!got) {
			r->eof = true;
			break;
		}
		have += (size_t)got;
	}
	if (have < 2 || (unsigned char)r->buf[r->end] != 0x1f ||
	    (unsigned char)r->buf[r->end + 1] != 0x8b) {
		r->end += have;
		return 0;
	}
	g = calloc(1, sizeof(*g));
	if (!g || inflateInit2(&g->z, 15 + 16) != Z_OK) { /* 15 + 16: gzip, a 32 KiB window */
		free(g);
		snprintf(r->errmsg, sizeof(r->errmsg), "out of memory for gzip");
		return -1;
	}
	r->gz = g;
	memcpy(g->in, r->buf + r->end, have); /* have <= want <= LR_GZ_IN: fill caps it */
	g->z.next_in = g->in;
	g->z.avail_in = (uInt)have;
	g->in_eof = r->eof;
	g->in_member = true;
	r->eof = false;
	return gz_fill(r, want);
}

/* The first '\n' or NUL in [p, p + n), or NULL: one pass, as p[n] is always a NUL (fill()
 * puts one after what it read). */
static const char *terminator(const char *p, size_t n)
{
	const char *t = strchrnul(p, '\n');

	return t < p + n ? t : NULL;
}

/* Moves what is left to the front and reads more; 0 at the end of the input, -1 on error. */
/* Up to want bytes of plain input at buf + end; 0, or -1 on a read error. */
static int plain_fill(struct line_reader *r, size_t want)
{
	ssize_t got = read_some(r->fd, r->buf + r->end, want);

	if (got < 0) {
		r->err = errno;
		return -1;
	}
	if (!got)
		r->eof = true;
	r->end += (size_t)got;
	return 0;
}

static int fill(struct line_reader *r)
{
	size_t want;
	int err;

	if (r->start) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	want = r->cap - 1 - r->end;
	if (want > LR_CHUNK)
		want = LR_CHUNK;
	if (r->gz)
		err = gz_fill(r, want);
	else if (r->sniffed)
		err = plain_fill(r, want);
	else /* what sniff reads must fit the decoder's input, should it be gzip */
		err = sniff(r, want < LR_GZ_IN ? want : LR_GZ_IN);
	if (err)
		return -1;
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
