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

/* The segments of data, one per line of out: "L<lineno>:text", "T<lineno>", "N<lineno>". */
static void segments(const char *data, size_t n, size_t max_line, char *out, size_t outsz)
{
	struct line_reader r;
	struct lr_seg s;
	size_t o = 0;
	int fd = mem_fd(data, n), got;

	cr_assert_eq(lr_init(&r, fd, max_line), 0);
	out[0] = 0;
	while ((got = lr_next(&r, &s)) > 0) {
		if (s.kind == LR_LINE)
			o += (size_t)snprintf(out + o, outsz - o, "L%llu:%.*s\n",
					      (unsigned long long)s.lineno, (int)s.len, s.text);
		else
			o += (size_t)snprintf(out + o, outsz - o, "%c%llu\n",
					      s.kind == LR_TOO_LONG ? 'T' : 'N',
					      (unsigned long long)s.lineno);
		cr_assert_lt(o, outsz);
	}
	cr_assert_eq(got, 0);
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
