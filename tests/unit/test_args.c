// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "cli/args.h"

static int parse(struct smbw_opts *o, int argc, const char **argv)
{
	return smbw_parse_args(argc, (char **)argv, o, true);
}

Test(args, defaults)
{
	struct smbw_opts o;
	const char *argv[] = { "smbwatch" };

	cr_assert_eq(parse(&o, 1, argv), 0);
	cr_assert_eq(o.cmd, SMBW_CMD_TRACE);
	cr_assert_not(o.json);
	cr_assert_eq(o.duration_s, 0);
	cr_assert_null(o.samba_libdir);
}

Test(args, all_options)
{
	struct smbw_opts o;
	const char *argv[] = { "smbwatch", "--json", "-d", "30", "-p", "445",
			       "--samba-libdir", "/opt/samba/lib", "-v" };

	cr_assert_eq(parse(&o, 9, argv), 0);
	cr_assert(o.json);
	cr_assert(o.verbose);
	cr_assert_eq(o.duration_s, 30);
	cr_assert_eq(o.port, 445);
	cr_assert_str_eq(o.samba_libdir, "/opt/samba/lib");
}

Test(args, doctor_command)
{
	struct smbw_opts o;
	const char *argv[] = { "smbwatch", "doctor", "--samba-libdir=/x" };

	cr_assert_eq(parse(&o, 3, argv), 0);
	cr_assert_eq(o.cmd, SMBW_CMD_DOCTOR);
	cr_assert_str_eq(o.samba_libdir, "/x");
}

struct bad_case {
	char argv[4][40];
	int argc;
};

ParameterizedTestParameters(args, rejected)
{
	static struct bad_case c[] = {
		{ { "smbwatch", "-d", "abc" }, 3 },
		{ { "smbwatch", "-d", "-5" }, 3 },
		{ { "smbwatch", "-d", "0" }, 3 },
		{ { "smbwatch", "-d", "10s" }, 3 },
		{ { "smbwatch", "-d", "" }, 3 },
		{ { "smbwatch", "-d", "99999999999999999999999" }, 3 },
		{ { "smbwatch", "-p", "70000" }, 3 },
		{ { "smbwatch", "--bogus" }, 2 },
		{ { "smbwatch", "frobnicate" }, 2 },
		{ { "smbwatch", "--samba-libdir=" }, 2 },
		{ { "smbwatch", "--max-pairs", "0" }, 3 },
		{ { "smbwatch", "--max-pairs", "50000001" }, 3 },
		{ { "smbwatch", "--max-pairs", "1e6" }, 3 },
		{ { "smbwatch", "--update-interval", "0" }, 3 },
		{ { "smbwatch", "--update-interval", "86401" }, 3 },
	};
	return cr_make_param_array(struct bad_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct bad_case *c, args, rejected)
{
	struct smbw_opts o;
	const char *argv[4] = { c->argv[0], c->argv[1], c->argv[2], c->argv[3] };

	cr_assert_eq(parse(&o, c->argc, argv), 2, "%s %s", c->argv[1],
		     c->argc > 2 ? c->argv[2] : "");
}

Test(args, parse_ulong)
{
	unsigned long v;

	cr_assert_eq(smbw_parse_ulong("42", 1, 100, &v), 0);
	cr_assert_eq(v, 42);
	cr_assert_neq(smbw_parse_ulong(" 42", 1, 100, &v), 0);
	cr_assert_neq(smbw_parse_ulong("+42", 1, 100, &v), 0);
	cr_assert_neq(smbw_parse_ulong("101", 1, 100, &v), 0);
	cr_assert_neq(smbw_parse_ulong(NULL, 1, 100, &v), 0);
}

Test(args, max_pairs)
{
	struct smbw_opts o;
	const char *argv[] = { "smbwatch", "replay", "--max-pairs", "2000000", "a.json" };
	const char *dflt[] = { "smbwatch", "replay", "a.json" };

	cr_assert_eq(parse(&o, 5, argv), 0);
	cr_assert_eq(o.det.max_keys, 2000000);
	cr_assert_eq(parse(&o, 3, dflt), 0);
	cr_assert_eq(o.det.max_keys, DET_DEFAULT_MAX_PAIRS);
}

Test(args, update_interval)
{
	struct smbw_opts o;
	const char *argv[] = { "smbwatch", "replay", "--update-interval", "600", "a.json" };
	const char *dflt[] = { "smbwatch", "replay", "a.json" };

	cr_assert_eq(parse(&o, 5, argv), 0);
	cr_assert_eq(o.det.update_interval_s, 600);
	cr_assert_eq(o.det.lockout_window_s, 1800, "the lockout window is left as it was");
	cr_assert_eq(parse(&o, 3, dflt), 0);
	cr_assert_eq(o.det.update_interval_s, 10);
}

/* Replay refuses the options only live tracing uses that it would seem to obey (no -o file, no
 * syslog, findings anyway); live tracing takes them, and replay its own, detection's and those
 * that choose what to attach to (a test harness's option prefix). */
Test(args, replay_refuses_live_only_options)
{
	static const char *const live[][2] = {
		{ "-o", "/tmp/x.json" }, { "--syslog=/dev/log", NULL }, { "--no-findings", NULL },
		{ "-d", "5" }, { "-p", "445" }, { "--count-success", NULL }, { "--all", NULL },
		{ "--server-name", "fs1" }, { "--stats-interval", "5" }, { "-Z", "nobody" },
	};
	const char *ok[] = { "smbwatch", "replay", "--json", "--all-accounts", "--window", "60",
			     "--max-line", "4096", "--no-threads", "--lockout-threshold", "5",
			     "--smbd", "/opt/samba/sbin/smbd", "--samba-libdir", "/x",
			     "--ring-buffer-kb", "64", "-v", "a.json" };
	struct smbw_opts o;
	size_t i;

	for (i = 0; i < sizeof(live) / sizeof(live[0]); i++) {
		const char *argv[5] = { "smbwatch", "replay", live[i][0] };
		const char *trace[4] = { "smbwatch", live[i][0] };
		int n = 3, m = 2;

		if (live[i][1]) {
			argv[n++] = live[i][1];
			trace[m++] = live[i][1];
		}
		argv[n++] = "a.json";
		cr_assert_eq(parse(&o, n, argv), 2, "replay %s", live[i][0]);
		cr_assert_eq(parse(&o, m, trace), 0, "live %s", live[i][0]);
	}
	cr_assert_eq(parse(&o, sizeof(ok) / sizeof(ok[0]), ok), 0);
}
