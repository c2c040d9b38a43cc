// SPDX-License-Identifier: GPL-2.0
/* A replay input read on a thread of its own gives exactly what reading it in the caller's
 * thread gives: the same events in the same order, every string intact, the same counts of
 * lines, events, skipped and malformed lines by reason. The input crosses many batches,
 * holds strings that overflow a batch, malformed lines of every kind, and a clock step. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "replay/replay_source.h"

static char path[] = "/tmp/smbwatch-source-XXXXXX";

static void setup(void)
{
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	cr_redirect_stderr(); /* the skipped lines' messages, twice over */
}

static void teardown(void)
{
	unlink(path);
}

TestSuite(replay_source, .init = setup, .fini = teardown);

#define GOOD 3000 /* good records: about six batches */

static void write_input(void)
{
	FILE *f = fopen(path, "w");
	static char big[400 * 1024];
	int i;

	cr_assert_not_null(f);
	memset(big, 'a', sizeof(big) - 1);
	for (i = 0; i < GOOD; i++) {
		int sec = i % 60 == 59 ? 1 : i % 60; /* a clock step each minute */

		if (i % 2)
			fprintf(f,
				"  JSON Authentication: {\"timestamp\": \"2026-11-23T20:%02d:%02d."
				"000000+0000\", \"type\": \"Authentication\", \"Authentication\": "
				"{\"status\": \"NT_STATUS_WRONG_PASSWORD\", \"remoteAddress\": "
				"\"ipv4:198.18.%d.%d:5%04d\", \"clientDomain\": \"CORP\", "
				"\"clientAccount\": \"user%d\", \"workstation\": \"WS%d\"}}\r\n",
				i / 60 % 60, sec, i >> 8 & 255, i & 255, i % 10000, i, i);
		else
			fprintf(f,
				"{\"@timestamp\":\"2026-11-23T20:%02d:%02d.000000Z\",\"event\":{"
				"\"dataset\":\"smbwatch.file\"},\"user\":{\"name\":\"SMSCliToknAcct&\","
				"\"domain\":\"CORP\"},\"source\":{\"ip\":\"198.18.0.%d\",\"port\":%d},"
				"\"file\":{\"path\":\"dir%d/%s\"},\"smbwatch\":{\"share\":\"apps\","
				"\"unc\":\"\\\\\\\\FS\\\\apps\\\\dir%d\",\"workstation\":\"WS\\u00e9%d\","
				"\"nt_status_code\":\"0xc0000034\"}}\n",
				i / 60 % 60, sec, i & 255, 40000 + i, i,
				i % 700 == 0 ? big : "driver.dll", i, i);
		switch (i % 250) { /* one of each kind of bad line, every so often */
		case 10: fputs("not json at all\n", f); break;
		case 20: fputs("{\"type\": \"Authentication\"\n", f); break;
		case 30: fputs("{\"event\":{\"dataset\":\"smbwatch.file\"}}\n", f); break;
		case 40: fwrite("\0\0\0\0", 1, 4, f); break;
		case 50: fputs("{\"event\":{\"dataset\":\"smbwatch.stats\"}}\n", f); break;
		}
	}
	fclose(f);
}

struct run {
	struct det_event *ev;
	char **strs; /* each event's strings, joined */
	size_t n;
	struct replay_stats st;
};

static void join(const struct det_event *e, char **out)
{
	size_t len = 0;
	char *s;

	const char *parts[] = { e->account, e->domain, e->workstation, e->ip, e->share, e->path,
				e->unc };
	for (size_t i = 0; i < 7; i++)
		len += (parts[i] ? strlen(parts[i]) : 4) + 1;
	s = malloc(len + 1);
	cr_assert_not_null(s);
	s[0] = 0;
	for (size_t i = 0; i < 7; i++) {
		strcat(s, parts[i] ? parts[i] : "NULL");
		strcat(s, "|");
	}
	*out = s;
}

/* The messages a run wrote to stderr, caught in a file of their own (malloc'd): unthreaded,
 * and threaded. */
static char *msgs[2];

static void read_all(unsigned workers, struct run *r)
{
	bool threaded = workers > 0;
	int fd = open(path, O_RDONLY), saved, efd;
	struct replay_source *s;
	const struct det_event *e;
	FILE *ef;

	cr_assert_geq(fd, 0);
	fflush(stderr);
	saved = dup(2);
	ef = tmpfile();
	cr_assert_not_null(ef);
	efd = fileno(ef);
	cr_assert_geq(dup2(efd, 2), 0);
	s = replay_source_open("input", fd, 0, workers);
	cr_assert_not_null(s);
	memset(r, 0, sizeof(*r));
	r->ev = calloc(GOOD, sizeof(*r->ev));
	r->strs = calloc(GOOD, sizeof(*r->strs));
	while ((e = replay_source_next(s))) {
		cr_assert_lt(r->n, GOOD);
		r->ev[r->n] = *e;
		join(e, &r->strs[r->n]);
		r->n++;
	}
	cr_assert_not(replay_source_close(s, &r->st));
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	{
		long n = lseek(efd, 0, SEEK_END);

		cr_assert_geq(n, 0);
		msgs[threaded] = calloc(1, (size_t)n + 1);
		cr_assert_eq(pread(efd, msgs[threaded], (size_t)n, 0), n);
	}
	fclose(ef);
}

/* One worker (and the consumer decoding while it waits) and the most workers an input has. */
static const unsigned worker_counts[] = { 1, REPLAY_MAX_WORKERS };

static void threaded_as_unthreaded(unsigned workers)
{
	struct run a, b;
	size_t i;

	write_input();
	read_all(0, &a);
	read_all(workers, &b);
	cr_assert_eq(a.n, GOOD);
	cr_assert_eq(b.n, GOOD);
	for (i = 0; i < GOOD; i++) {
		cr_assert_eq(a.ev[i].kind, b.ev[i].kind, "event %zu", i);
		cr_assert_eq(a.ev[i].ts_us, b.ev[i].ts_us, "event %zu", i);
		cr_assert_eq(a.ev[i].status, b.ev[i].status, "event %zu", i);
		cr_assert_eq(a.ev[i].port, b.ev[i].port, "event %zu", i);
		cr_assert_str_eq(a.strs[i], b.strs[i], "event %zu", i);
	}
	/* what each event is, independently of either path */
	cr_assert_str_eq(b.strs[1], "user1|CORP|WS1|198.18.0.1|NULL|NULL|NULL|");
	cr_assert_eq(b.ev[1].port, 50001);
	cr_assert(strstr(b.strs[2], "SMSCliToknAcct&|CORP|WS\xc3\xa9" "2|198.18.0.2|apps|dir2/"));
	/* pointers in ev[] are gone by now: the joined strings hold the 400 KiB path */
	cr_assert_gt(strlen(b.strs[0]), 400 * 1024);
	cr_assert(strstr(b.strs[0], "|apps|dir0/aaaa"));
	cr_assert_eq(memcmp(&a.st, &b.st, sizeof(a.st)), 0);
	cr_assert_eq(b.st.events, GOOD);
	cr_assert_eq(b.st.lines, GOOD + 5 * 12);
	cr_assert_eq(b.st.skipped, 12);
	cr_assert_eq(b.st.malformed, 4 * 12);
	cr_assert_eq(b.st.malformed_by[REPLAY_NOT_JSON], 12);
	cr_assert_eq(b.st.malformed_by[REPLAY_INVALID_JSON], 12);
	cr_assert_eq(b.st.malformed_by[REPLAY_BAD_RECORD], 12);
	cr_assert_eq(b.st.malformed_by[REPLAY_NUL_BYTES], 12);
	cr_assert_eq(b.st.out_of_order, GOOD / 60);
	/* the same messages, in line order, though several threads decode the blocks of lines */
	cr_assert_str_eq(msgs[0], msgs[1]);
	{
		unsigned long last = 0, n = 0;
		const char *m = msgs[1];

		while ((m = strstr(m, "smbwatch: input:"))) {
			unsigned long line = strtoul(m + 16, NULL, 10);

			cr_assert_gt(line, last, "message for line %lu after line %lu", line, last);
			last = line;
			n++;
			m++;
		}
		cr_assert_eq(n, b.st.malformed);
	}
	free(msgs[0]);
	free(msgs[1]);
	for (i = 0; i < GOOD; i++) {
		free(a.strs[i]);
		free(b.strs[i]);
	}
	free(a.ev);
	free(b.ev);
	free(a.strs);
	free(b.strs);
}

Test(replay_source, threaded_reads_as_unthreaded)
{
	size_t i;

	for (i = 0; i < sizeof(worker_counts) / sizeof(worker_counts[0]); i++)
		threaded_as_unthreaded(worker_counts[i]);
}

/* Closed before its end: the reading thread stops, nothing leaks or hangs. */
Test(replay_source, closed_early)
{
	int fd;
	struct replay_source *s;
	struct replay_stats st = {};

	write_input();
	fd = open(path, O_RDONLY);
	cr_assert_geq(fd, 0);
	s = replay_source_open("input", fd, 0, REPLAY_MAX_WORKERS);
	cr_assert_not_null(s);
	cr_assert_not_null(replay_source_next(s));
	cr_assert_not(replay_source_close(s, &st));
	cr_assert_geq(st.events, 1);
}

/* Regression (was a crash, threaded): an empty input gives no event and counts nothing. */
Test(replay_source, empty_input)
{
	for (int threaded = 0; threaded < 2; threaded++) {
		int fd = open(path, O_WRONLY | O_TRUNC);
		struct replay_source *s;
		struct replay_stats st = {};

		cr_assert_geq(fd, 0);
		close(fd);
		fd = open(path, O_RDONLY);
		cr_assert_geq(fd, 0);
		s = replay_source_open("input", fd, 0, threaded);
		cr_assert_not_null(s);
		cr_assert_null(replay_source_next(s), "threaded %d", threaded);
		cr_assert_not(replay_source_close(s, &st));
		cr_assert_eq(st.lines + st.events + st.malformed, 0, "threaded %d", threaded);
	}
}
