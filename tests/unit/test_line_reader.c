// SPDX-License-Identifier: GPL-2.0
/* Any input survives: lines end at '\n' or a NUL run, over-long lines are skipped and said,
 * line numbers count '\n'; replay refuses directories and devices, takes FIFOs and -. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "replay/line_reader.h"
#include "replay/replay.h"

/* A descriptor that reads back n bytes of data. */
static int mem_fd(const char *data, size_t n)
{
	int fd = memfd_create("lr", 0);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, data, n), (ssize_t)n);
	cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* Reads r to its end or an error, one line of out a segment: "L<lineno>:text", "T<lineno>",
 * "N<lineno>"; returns lr_next's last answer (0 at the end, -1 on an error). */
static int read_segments(struct line_reader *r, char *out, size_t outsz)
{
	struct lr_seg s;
	size_t o = 0;
	int got;

	out[0] = 0;
	while ((got = lr_next(r, &s)) > 0) {
		if (s.kind == LR_LINE)
			o += (size_t)snprintf(out + o, outsz - o, "L%llu:%.*s\n",
					      (unsigned long long)s.lineno, (int)s.len, s.text);
		else
			o += (size_t)snprintf(out + o, outsz - o, "%c%llu\n",
					      s.kind == LR_TOO_LONG ? 'T' : 'N',
					      (unsigned long long)s.lineno);
		cr_assert_lt(o, outsz);
	}
	return got;
}

/* The segments of data, as read_segments() prints them. */
static void segments(const char *data, size_t n, size_t max_line, char *out, size_t outsz)
{
	struct line_reader r;
	int fd = mem_fd(data, n);

	cr_assert_eq(lr_init(&r, fd, max_line), 0);
	cr_assert_eq(read_segments(&r, out, outsz), 0);
	lr_free(&r);
	close(fd);
}

#define SEGS(lit, max, want)                                                                 \
	do {                                                                                 \
		char out_[4096];                                                             \
		segments(lit, sizeof(lit) - 1, max, out_, sizeof(out_));                     \
		cr_assert_str_eq(out_, want);                                                \
	} while (0)

Test(line_reader, lines_and_numbers)
{
	SEGS("a\nbb\n\nccc", 0, "L1:a\nL2:bb\nL3:\nL4:ccc\n");
	SEGS("", 0, "");
	SEGS("\n", 0, "L1:\n");
	SEGS("x\r\n", 0, "L1:x\r\n");
}

/* What a crash leaves: NULs where a line was, then the next good line on the same line. */
Test(line_reader, nul_runs_end_a_line)
{
	SEGS("good\n{\"cut\0\0\0\0{\"next\"}\nlast\n", 0,
	     "L1:good\nL2:{\"cut\nN2\nL2:{\"next\"}\nL3:last\n");
	SEGS("\0\0\0\0\0", 0, "N1\n");
	SEGS("a\0b\0\0c\n", 0, "L1:a\nN1\nL1:b\nN1\nL1:c\n");
}

Test(line_reader, over_long_lines_are_skipped)
{
	char big[300];

	SEGS("0123456789\nabc\n", 8, "T1\nL2:abc\n");
	SEGS("01234567\n", 8, "L1:01234567\n");
	SEGS("012345678", 8, "T1\n");
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = 0;
	{
		char data[400], out[256];
		int n = snprintf(data, sizeof(data), "%s\nok\n", big);

		segments(data, (size_t)n, 64, out, sizeof(out));
		cr_assert_str_eq(out, "T1\nL2:ok\n");
	}
}

/* Lines longer than a read: memory stays max_line plus one read, whatever the input. */
Test(line_reader, long_input_bounded)
{
	size_t n = 5 * 1024 * 1024, i;
	char *data = malloc(n + 16), out[256];

	cr_assert_not_null(data);
	for (i = 0; i < n; i++)
		data[i] = (char)('a' + i % 26);
	memcpy(data + n, "\nend\n", 5);
	segments(data, n + 5, 0, out, sizeof(out));
	cr_assert_str_eq(out, "T1\nL2:end\n");
	free(data);
}

Test(line_reader, inputs_refused)
{
	char fifo[] = "/tmp/smbwatch-fifo-XXXXXX";
	int fd;

	cr_assert_null(replay_input_refused("-"));
	cr_assert_str_eq(replay_input_refused("/tmp"), "a directory, not a log file");
	cr_assert_str_eq(replay_input_refused("/dev/zero"), "a character device, not a log file");
	cr_assert_null(replay_input_refused("/nonexistent/smbwatch"), "said when it is opened");
	fd = mkstemp(fifo);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_null(replay_input_refused(fifo), "a regular file");
	unlink(fifo);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	cr_assert_null(replay_input_refused(fifo), "a FIFO");
	unlink(fifo);
}

/* The decoder names each reason. */
Test(line_reader, decode_reasons)
{
	static const struct {
		const char *line;
		enum replay_kind kind;
		enum replay_reason why;
		const char *err;
	} c[] = {
		{ "plain text", REPLAY_BAD, REPLAY_NOT_JSON, "not JSON" },
		{ "{\"truncated\": ", REPLAY_BAD, REPLAY_INVALID_JSON,
		  "not JSON (the object is cut short)" },
		{ "{\"a\":1} tail", REPLAY_BAD, REPLAY_INVALID_JSON,
		  "not JSON (text after the object)" },
		{ "{\"hello\":\"world\"}", REPLAY_BAD, REPLAY_BAD_RECORD, "event.dataset" },
		{ "  JSON Authentication: {\"type\": \"Authorization\"}", REPLAY_SKIP, 0, "" },
		/* Samba's own debug output in the log file the audit shares: passed over */
		{ "[2026/12/07 16:55:10.828005,  0] ../../source3/smbd/server.c:1741(main)",
		  REPLAY_SKIP, 0, "" },
		{ "  smbd version 4.17.12-Debian started.", REPLAY_SKIP, 0, "" },
		{ "  INFO: Profiling turned OFF from pid 7939", REPLAY_SKIP, 0, "" },
		{ "  check_ntlm_password: {odd} text", REPLAY_SKIP, 0, "" },
		/* ... but a cut audit line, indented as Samba writes it, is still said */
		{ "  {\"timestamp\": \"2026-12-07T16:55:12", REPLAY_BAD, REPLAY_INVALID_JSON,
		  "not JSON (the object is cut short)" },
		{ "  JSON Authentication: {\"timest", REPLAY_BAD, REPLAY_INVALID_JSON,
		  "not JSON (the object is cut short)" },
		{ "  JSON Authentication:", REPLAY_BAD, REPLAY_NOT_JSON, "not JSON" },
		{ "[2026/12/07 16:55", REPLAY_BAD, REPLAY_NOT_JSON, "not JSON" },
		{ "[x026/12/07 16:55:10.828005,  0] main", REPLAY_BAD, REPLAY_NOT_JSON, "not JSON" },
		{ " one space", REPLAY_BAD, REPLAY_NOT_JSON, "not JSON" },
	};
	struct replay_decoder *dec = replay_decoder_new();
	size_t i;

	cr_assert_not_null(dec);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		enum replay_reason why = REPLAY_NREASONS;
		struct det_event e;
		char err[200] = "";
		char padded[256 + LR_PADDING] = "";
		enum replay_kind k;

		/* the decoder may read LR_PADDING bytes past the line, as in the reader's buffer */
		snprintf(padded, 256, "%s", c[i].line);
		k = replay_decode_line(dec, padded, strlen(c[i].line), &e, err, sizeof(err), &why);

		cr_assert_eq(k, c[i].kind, "%s", c[i].line);
		if (k == REPLAY_BAD) {
			cr_assert_eq(why, c[i].why, "%s: %s", c[i].line, replay_reason_name(why));
			cr_assert_not_null(strstr(err, c[i].err), "%s: %s", c[i].line, err);
		}
	}
	replay_decoder_free(dec);
}

#include "cli/args.h"

/* A directory among the inputs: one line naming it, exit 1, nothing replayed. */
Test(line_reader, replay_refuses_a_directory)
{
	const char *argv[] = { "smbwatch", "replay", "-", "/tmp" };
	struct smbw_opts o;

	cr_assert_eq(smbw_parse_args(4, (char **)argv, &o, true), 0);
	cr_assert_eq(replay_run(&o), 1);
}

/* --- gzip input: what logrotate's compress leaves --- */
#include <sys/wait.h>
#include <zlib.h>

/* data compressed as one gzip member, appended to out at *len (out has room for cap) */
static void gz_member(const char *data, size_t n, unsigned char *out, size_t cap, size_t *len)
{
	z_stream z = { 0 };

	cr_assert_eq(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)n;
	z.next_out = out + *len;
	z.avail_out = (uInt)(cap - *len);
	cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*len = cap - z.avail_out;
	deflateEnd(&z);
}

/* The segments of gzip-compressed data, as segments() prints them; the reader's last answer
 * in *last (0: the end, -1: an error, whose text goes to why). */
static void gz_segments(const unsigned char *gz, size_t n, size_t max_line, char *out,
			size_t outsz, int *last, char *why, size_t whysz)
{
	struct line_reader r;
	int fd = mem_fd((const char *)gz, n), got;

	cr_assert_eq(lr_init(&r, fd, max_line), 0);
	got = read_segments(&r, out, outsz);
	cr_assert(lr_is_gzip(&r) || n < 2 || gz[0] != 0x1f || gz[1] != 0x8b);
	*last = got;
	snprintf(why, whysz, "%s", got < 0 ? lr_strerror(&r) : "");
	lr_free(&r);
	close(fd);
}

/* Compressed, the same segments as plain: lines, numbers, NUL runs, over-long lines. */
Test(line_reader, gzip_reads_as_plain)
{
	static const struct {
		const char *data;
		size_t n, max;
	} c[] = {
#define C(lit, max) { lit, sizeof(lit) - 1, max }
		C("a\nbb\n\nccc", 0),
		C("\n", 0),
		C("good\n{\"cut\0\0\0\0{\"next\"}\nlast\n", 0),
		C("a\0b\0\0c\n", 0),
		C("0123456789\nabc\n", 8),
		C("012345678", 8),
#undef C
	};
	unsigned char gz[4096];
	char plain[4096], got[4096], why[128];
	size_t i, len;
	int last;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		len = 0;
		gz_member(c[i].data, c[i].n, gz, sizeof(gz), &len);
		segments(c[i].data, c[i].n, c[i].max, plain, sizeof(plain));
		gz_segments(gz, len, c[i].max, got, sizeof(got), &last, why, sizeof(why));
		cr_assert_eq(last, 0, "case %zu: %s", i, why);
		cr_assert_str_eq(got, plain, "case %zu", i);
	}
}

/* Members one after another (`cat a.gz b.gz`, or gzip -r's appends) read as one stream. */
Test(line_reader, gzip_members_concatenated)
{
	unsigned char gz[4096];
	char got[4096], why[128];
	size_t len = 0;
	int last;

	gz_member("one\ntw", 6, gz, sizeof(gz), &len);
	gz_member("o\nthree\n", 8, gz, sizeof(gz), &len);
	gz_segments(gz, len, 0, got, sizeof(got), &last, why, sizeof(why));
	cr_assert_eq(last, 0, "%s", why);
	cr_assert_str_eq(got, "L1:one\nL2:two\nL3:three\n");
}

/* A file cut inside its member (compressed while still written, a full disk): the lines
 * before the cut are read, then an error that says so. Garbage after a member: the same. */
Test(line_reader, gzip_cut_short_or_followed_by_garbage)
{
	static char text[64 * 1024], got[128 * 1024];
	static unsigned char gz[80 * 1024];
	char why[128];
	size_t len = 0, i, o = 0;
	int last;

	for (i = 0; o + 32 < sizeof(text); i++) /* lines that do not compress to nothing */
		o += (size_t)snprintf(text + o, sizeof(text) - o, "line %zu %08zx\n", i,
				      i * 2654435761u);
	gz_member(text, o, gz, sizeof(gz), &len);
	gz_segments(gz, len / 2, 0, got, sizeof(got) - 1, &last, why, sizeof(why));
	cr_assert_eq(last, -1);
	cr_assert_str_eq(why, "gzip data: cut short (the file ends inside it)");
	cr_assert_eq(strncmp(got, "L1:line 0 00000000\nL2:line 1 9e3779b1\n", 38), 0, "%.80s", got);

	len = 0;
	gz_member("a\nb\n", 4, gz, sizeof(gz), &len);
	memcpy(gz + len, "garbage\n", 8);
	gz_segments(gz, len + 8, 0, got, sizeof(got), &last, why, sizeof(why));
	cr_assert_eq(last, -1);
	cr_assert_str_eq(got, "L1:a\nL2:b\n");
	cr_assert_str_eq(why, "gzip data: what follows its end is not gzip");

	len = 0;
	gz_member("a\nb\n", 4, gz, sizeof(gz), &len);
	gz[len / 2] ^= 0x55; /* corrupt inside the deflate data or its checksum */
	gz_segments(gz, len, 0, got, sizeof(got), &last, why, sizeof(why));
	cr_assert_eq(last, -1);
	cr_assert_eq(strncmp(why, "gzip data: ", 11), 0, "%s", why);
}

/* Not gzip though it starts alike, or too short to tell: read as it is. */
Test(line_reader, gzip_magic_only_with_both_bytes)
{
	SEGS("\x1f", 0, "L1:\x1f\n");
	SEGS("\x1f" "a\n", 0, "L1:\x1f" "a\n");
	SEGS("\x8b\x1f\n", 0, "L1:\x8b\x1f\n");
}

/* 64 MiB of NULs in 64 KiB of gzip (a bomb): one NUL run, in the reader's bounded memory (the
 * '\n' after the run ends line 1, empty, as in plain input). */
Test(line_reader, gzip_bomb_bounded)
{
	size_t n = 64u << 20, len = 0, cap = 1 << 20;
	char *zeros = calloc(1, n), got[256], why[128];
	unsigned char *gz = malloc(cap);
	int last;

	cr_assert(zeros && gz);
	memcpy(zeros + n - 4, "\nok\n", 4);
	gz_member(zeros, n, gz, cap, &len);
	free(zeros);
	gz_segments(gz, len, 0, got, sizeof(got), &last, why, sizeof(why));
	cr_assert_eq(last, 0, "%s", why);
	cr_assert_str_eq(got, "N1\nL1:\nL2:ok\n");
	free(gz);
}

/* A pipe that hands over gzip's first byte alone: still gzip. */
Test(line_reader, gzip_from_a_pipe_byte_by_byte)
{
	unsigned char gz[512];
	struct line_reader r;
	struct lr_seg s;
	size_t len = 0;
	int p[2], got, status;
	pid_t child;

	gz_member("first\nsecond\n", 13, gz, sizeof(gz), &len);
	cr_assert_eq(pipe(p), 0);
	child = fork();
	cr_assert_geq(child, 0);
	if (!child) { /* no cr_* here */
		close(p[0]);
		if (write(p[1], gz, 1) != 1)
			_exit(1);
		usleep(100 * 1000);
		if (write(p[1], gz + 1, len - 1) != (ssize_t)(len - 1))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	cr_assert_eq(lr_init(&r, p[0], 0), 0);
	cr_assert_eq(lr_next(&r, &s), 1);
	cr_assert(lr_is_gzip(&r));
	cr_assert_eq(s.len, 5);
	cr_assert_eq(memcmp(s.text, "first", 5), 0);
	cr_assert_eq(lr_next(&r, &s), 1);
	cr_assert_eq(memcmp(s.text, "second", 6), 0);
	got = lr_next(&r, &s);
	cr_assert_eq(got, 0, "%s", got < 0 ? lr_strerror(&r) : "");
	lr_free(&r);
	close(p[0]);
	cr_assert_eq(waitpid(child, &status, 0), child);
	cr_assert(WIFEXITED(status) && !WEXITSTATUS(status));
}
