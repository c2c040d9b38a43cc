// SPDX-License-Identifier: GPL-2.0
/* Replay at scale: a spray of 100,000 (account, client) pairs, each failing three logons
 * within the window, read as Samba's own audit lines by `smbwatch replay --all-accounts`,
 * gives 100,000 findings within 256 MiB; the default capacity, 1,000,000 pairs, fits in
 * 256 MiB and the pair past it evicts exactly one. The lines are written into a pipe by a
 * child, so the tests need no disk. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli/args.h"
#include "replay/replay.h"

#define PAIRS 100000
#define ROUNDS 3

/* One line as Samba 4.17 writes it with auth_json_audit to its log (jansson's separators). */
static int samba_line_of(char *buf, size_t n, int sec, int usec, int i, int round, int acct)
{
	return snprintf(buf, n,
		"  JSON Authentication: {\"timestamp\": \"2026-11-23T20:%02d:%02d.%06d+0000\", "
		"\"type\": \"Authentication\", \"Authentication\": {\"version\": {\"major\": 1, "
		"\"minor\": 2}, \"eventId\": 4625, \"logonId\": \"0\", \"logonType\": 3, "
		"\"status\": \"NT_STATUS_WRONG_PASSWORD\", \"localAddress\": "
		"\"ipv4:198.19.255.1:445\", \"remoteAddress\": \"ipv4:198.%d.%d.%d:%d\", "
		"\"serviceDescription\": \"SMB2\", \"authDescription\": null, "
		"\"clientDomain\": \"CORP\", \"clientAccount\": \"user%d\", \"workstation\": "
		"\"WS%05d\", \"becameAccount\": null, \"becameDomain\": null, \"becameSid\": "
		"null, \"mappedAccount\": \"user%d\", \"mappedDomain\": \"CORP\", "
		"\"netlogonComputer\": null, \"netlogonTrustAccount\": null, "
		"\"netlogonNegotiateFlags\": \"0x00000000\", \"netlogonSecureChannelType\": 0, "
		"\"netlogonTrustAccountSid\": null, \"passwordType\": \"NTLMv2\", "
		"\"duration\": 1423}}\n",
		sec / 60, sec % 60, usec, 18 + ((i >> 16) & 1), (i >> 8) & 255, i & 255,
		49152 + round, acct, i % 100000, acct);
}

/* Pair i of the spray, in round: account i % 40000, client 198.18.0.0 + i. */
static int samba_line(char *buf, size_t n, int round, int i)
{
	int sec = round * 60 + i / 2000, usec = (i % 2000) * 500;

	return samba_line_of(buf, n, sec, usec, i, round, i % 40000);
}

/* Writes lines 0 to count - 1 of line() into fd, in 64 KiB writes (a child's: _exit on error). */
static void write_lines(int fd, int count, int (*line)(char *, size_t, int))
{
	static char buf[1 << 16];
	size_t used = 0;
	int i;

	for (i = 0; i < count; i++) {
		used += (size_t)line(buf + used, sizeof(buf) - used, i);
		if (sizeof(buf) - used < 2048) {
			if (write(fd, buf, used) != (ssize_t)used)
				_exit(1);
			used = 0;
		}
	}
	if (used && write(fd, buf, used) != (ssize_t)used)
		_exit(1);
}

/* Line j of the spray: pair j % PAIRS in round j / PAIRS. */
static int spray_line(char *buf, size_t n, int j)
{
	return samba_line(buf, n, j / PAIRS, j % PAIRS);
}

/* Line i of the capacity run: account i, once, from client 198.18.0.0 + i mod 2^17, 20,000
 * a second. */
static int capacity_line(char *buf, size_t n, int i)
{
	return samba_line_of(buf, n, i / 20000, (i % 20000) * 50, i, 0, i);
}

struct replayed {
	unsigned long long lines, findings, evicted;
	long rss_kb;
};

/* Runs `smbwatch replay ARGS... -` (replay_run, in this process) on count lines of line()
 * written into a pipe by a child; what its summary says, and this process's peak RSS. */
static struct replayed replay_piped(int argc, const char **argv, int count,
				    int (*line)(char *, size_t, int))
{
	char errpath[] = "/tmp/smbwatch-scale-XXXXXX", text[512];
	struct replayed r = { 0 };
	struct smbw_opts o;
	struct rusage ru;
	int p[2], errfd, st, ret, got = 0;
	FILE *err;
	pid_t pid;

	cr_assert_eq(smbw_parse_args(argc, (char **)argv, &o, true), 0);
	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		close(p[0]);
		write_lines(p[1], count, line);
		_exit(0);
	}
	close(p[1]);
	errfd = mkstemp(errpath);
	cr_assert_geq(errfd, 0);
	unlink(errpath);
	fflush(stdout);
	fflush(stderr);
	cr_assert_neq(dup2(p[0], 0), -1);
	cr_assert_neq(freopen("/dev/null", "w", stdout), NULL);
	cr_assert_neq(dup2(errfd, 2), -1);
	ret = replay_run(&o);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && !WEXITSTATUS(st), "the writer failed");
	cr_assert_eq(ret, 0);

	err = fdopen(errfd, "r");
	cr_assert_not_null(err);
	rewind(err);
	while (!got && fgets(text, sizeof(text), err))
		got = sscanf(text, "smbwatch: replayed %llu line(s): %*u event(s), %*u passed over, "
				   "%*u malformed; %llu finding(s); %llu pair(s) evicted",
			     &r.lines, &r.findings, &r.evicted) == 3;
	cr_assert(got, "no summary line");
	cr_assert_eq(getrusage(RUSAGE_SELF, &ru), 0);
	r.rss_kb = ru.ru_maxrss;
	return r;
}

Test(replay_scale, spray_of_100000_pairs, .timeout = 120)
{
	const char *argv[] = { "smbwatch", "replay", "--all-accounts", "-" };
	struct replayed r = replay_piped(4, argv, PAIRS * ROUNDS, spray_line);

	cr_assert_eq(r.lines, (unsigned long long)PAIRS * ROUNDS);
	cr_assert_eq(r.findings, PAIRS, "every pair that crossed the threshold is found");
	cr_assert_eq(r.evicted, 0);
#ifndef __SANITIZE_ADDRESS__ /* AddressSanitizer's shadow and quarantine are not smbwatch's */
	cr_assert_leq(r.rss_kb, 256 * 1024, "peak RSS %ld KiB", r.rss_kb);
#endif
}

/* The default capacity: 1,000,000 pairs (of as many accounts, each failing once) are all
 * kept within 256 MiB, and the one after them evicts exactly one, counted. (No .timeout:
 * Criterion 2.4's runner leaks 48 bytes when two tests with timeouts run at once, which the
 * ASan build's leak check fails on; this one takes 2-9 s.) */
Test(replay_scale, a_million_pairs_then_one_eviction)
{
	const char *argv[] = { "smbwatch", "replay", "--all-accounts", "-" };
	struct replayed r = replay_piped(4, argv, 1000001, capacity_line);

	cr_assert_eq(r.lines, 1000001ULL);
	cr_assert_eq(r.findings, 0, "one failure a pair crosses no threshold");
	cr_assert_eq(r.evicted, 1, "the 1,000,001st pair evicts the oldest");
#ifndef __SANITIZE_ADDRESS__
	cr_assert_leq(r.rss_kb, 256 * 1024, "peak RSS %ld KiB", r.rss_kb);
#endif
}
