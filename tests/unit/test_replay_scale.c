// SPDX-License-Identifier: GPL-2.0
/* Replay at scale: a spray of 100,000 (account, client) pairs, each failing three logons
 * within the window, read as Samba's own audit lines by `smbwatch replay --all-accounts`,
 * gives 100,000 findings within 256 MiB. The lines are written into a pipe by a child, so
 * the test needs no disk. */
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
static int samba_line(char *buf, size_t n, int round, int i)
{
	int sec = round * 60 + i / 2000, usec = (i % 2000) * 500;

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
		sec / 60, sec % 60, usec, 18 + (i >> 16), (i >> 8) & 255, i & 255, 49152 + round,
		i % 40000, i % 100000, i % 40000);
}

static void write_spray(int fd)
{
	static char buf[1 << 16];
	size_t used = 0;
	int r, i;

	for (r = 0; r < ROUNDS; r++)
		for (i = 0; i < PAIRS; i++) {
			used += (size_t)samba_line(buf + used, sizeof(buf) - used, r, i);
			if (sizeof(buf) - used < 2048) {
				if (write(fd, buf, used) != (ssize_t)used)
					_exit(1);
				used = 0;
			}
		}
	if (used && write(fd, buf, used) != (ssize_t)used)
		_exit(1);
}

Test(replay_scale, spray_of_100000_pairs, .timeout = 120)
{
	char errpath[] = "/tmp/smbwatch-spray-XXXXXX", line[512];
	unsigned long long findings = 0, lines = 0;
	const char *argv[] = { "smbwatch", "replay", "--all-accounts", "-" };
	struct smbw_opts o;
	struct rusage ru;
	int p[2], errfd, st, ret;
	FILE *err;
	pid_t pid;

	cr_assert_eq(smbw_parse_args(4, (char **)argv, &o, true), 0);
	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		close(p[0]);
		write_spray(p[1]);
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
	while (fgets(line, sizeof(line), err))
		if (sscanf(line, "smbwatch: replayed %llu line(s): %*u event(s), %*u passed over, "
				 "%*u malformed; %llu finding(s)", &lines, &findings) == 2)
			break;
	cr_assert_eq(lines, (unsigned long long)PAIRS * ROUNDS);
	cr_assert_eq(findings, PAIRS, "every pair that crossed the threshold is found");
	cr_assert_eq(getrusage(RUSAGE_SELF, &ru), 0);
#ifndef __SANITIZE_ADDRESS__ /* AddressSanitizer's shadow and quarantine are not smbwatch's */
	cr_assert_leq(ru.ru_maxrss, 256 * 1024, "peak RSS %ld KiB", ru.ru_maxrss);
#endif
	fprintf(stdout, "spray: %llu findings, peak RSS %ld KiB\n", findings, ru.ru_maxrss);
}
