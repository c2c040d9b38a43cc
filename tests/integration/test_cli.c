// SPDX-License-Identifier: GPL-2.0
/* The command line as a user meets it: clean stops, clear one-line errors, doctor. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"

static struct tracer tr;

static void setup(void)
{
	need_root();
}

static void teardown(void)
{
	if (tr.pid > 0)
		tracer_stop(&tr, SIGKILL);
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

/* Runs smbwatch ARGS to completion; returns the exit status, stderr in *err (free it). */
static int run(const char *args, char **out, char **err)
{
	int st;

	cr_assert_eq(tracer_start(&tr, args, false), 0);
	st = tracer_wait(&tr, 60);
	*out = slurp(tr.out);
	*err = slurp(tr.err);
	return st;
}

Test(cli, duration_stops_by_itself, .init = setup, .fini = teardown, .timeout = 60)
{
	char *out, *err;

	cr_assert_eq(run("--json -d 1", &out, &err), 0, "%s", err);
	cr_assert_eq(count_lines(out), 2, "%s", out);
	cr_assert(strstr(out, "\"action\":\"started\""));
	cr_assert(strstr(out, "\"action\":\"stopped\""));
	cr_assert(strstr(out, "\"dropped\":0"), "%s", out);
	free(out);
	free(err);
}

Test(cli, sigterm_stops_cleanly, .init = setup, .fini = teardown, .timeout = 60)
{
	char *out;

	cr_assert_eq(tracer_start(&tr, "--json", true), 0);
	cr_assert_eq(tracer_stop(&tr, SIGTERM), 0);
	out = slurp(tr.out);
	cr_assert(strstr(out, "\"action\":\"stopped\""), "%s", out);
	free(out);
}

struct bad {
	const char *args;
	int status;
	const char *message;
};

static void expect_error(const char *args, int status, const char *message)
{
	char *out, *err;
	int st = run(args, &out, &err);

	cr_assert_eq(st, status, "smbwatch %s: exit %d, want %d; stderr: %s", args, st, status,
		     err);
	cr_assert(strstr(err, message), "smbwatch %s: stderr lacks '%s': %s", args, message, err);
	cr_assert_leq(count_lines(err), 2, "smbwatch %s: want one clear line, got: %s", args, err);
	cr_assert_null(strstr(err, "libbpf:"), "no libbpf dump without -v: %s", err);
	cr_assert_eq(out ? strlen(out) : 0, 0, "nothing on stdout: %s", out);
	free(out);
	free(err);
}

Test(cli, usage_errors, .init = setup, .fini = teardown, .timeout = 60)
{
	expect_error("--bogus", 2, "unrecognized option '--bogus'");
	expect_error("-d abc", 2, "invalid duration 'abc'");
	expect_error("-d 0", 2, "invalid duration '0'");
	expect_error("-p 99999", 2, "invalid port '99999'");
	expect_error("frobnicate", 2, "unknown command 'frobnicate'");
}

Test(cli, not_root, .init = setup, .fini = teardown, .timeout = 60)
{
	char args[512];

	/* setpriv drops to nobody with no capabilities: the run must say why it cannot trace */
	snprintf(args, sizeof(args), "--json");
	setenv("SMBWATCH_SAVED", smbwatch_bin(), 1);
	{
		char cmd[1024];

		snprintf(cmd, sizeof(cmd),
			 "setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all %s",
			 smbwatch_bin());
		setenv("SMBWATCH", cmd, 1);
		expect_error(args, 1, "smbwatch: privileges: not permitted: run as root");
		setenv("SMBWATCH", getenv("SMBWATCH_SAVED"), 1);
	}
}

Test(cli, samba_libdir_missing, .init = setup, .fini = teardown, .timeout = 60)
{
	expect_error("--samba-libdir /nonexistent/samba", 1,
		     "smbwatch: samba libraries: cannot read --samba-libdir /nonexistent/samba: No "
		     "such file or directory");
}

/* A library directory like Samba's, built here with the system compiler and a version script:
 * libcommon-auth holds auth_func (log_authentication_event, or another name to leave it out)
 * and libsmbd-base the SMB2 functions, all under the symbol version symver. */
static const char *fake_libdir(const char *name, const char *symver, const char *auth_func)
{
	static char dir[600];

	snprintf(dir, sizeof(dir), "%s/%s", test_tmpdir(), name);
	cr_assert_eq(sh("mkdir -p '%s' && cd '%s' && printf '%s { global: *; };\\n' > f.map && "
			"printf 'void %s(void) {}\\n' > a.c && "
			"printf 'void smbd_smb2_request_error_ex(void) {}\\n"
			"void smbd_smb2_request_done_ex(void) {}\\n"
			"void make_connection_smb2(void) {}\\n' > s.c && "
			"cc -shared -fPIC -Wl,--version-script=f.map -o libcommon-auth-samba4.so.0 a.c "
			"&& cc -shared -fPIC -Wl,--version-script=f.map -o libsmbd-base-samba4.so.0 s.c",
			dir, dir, symver, auth_func),
		     0);
	return dir;
}

Test(cli, symbol_missing, .init = setup, .fini = teardown, .timeout = 60)
{
	char args[700];

	snprintf(args, sizeof(args), "--samba-libdir %s",
		 fake_libdir("nosym", "SAMBA_4.17.12_DEBIAN_SAMBA4", "something_else"));
	expect_error(args, 1, "smbwatch: samba libraries: symbol log_authentication_event not "
			      "exported by any of the 2 libraries of ");
}

Test(cli, unknown_layout, .init = setup, .fini = teardown, .timeout = 60)
{
	char args[700];

	snprintf(args, sizeof(args), "--samba-libdir %s",
		 fake_libdir("newsamba", "SAMBA_9.9.9", "log_authentication_event"));
	expect_error(args, 1, "smbwatch: samba layout: unknown Samba build 9.9.9 (symbol version "
			      "'SAMBA_9.9.9', build-id ");
	expect_error(args, 1, "it has no debug info. To trace it, install its debug symbols");
}

Test(cli, doctor, .init = setup, .fini = teardown, .timeout = 60)
{
	char *out, *err, args[700];

	cr_assert_eq(run("doctor", &out, &err), 0, "%s%s", out, err);
	cr_assert(strstr(out, "ok   privileges"), "%s", out);
	cr_assert(strstr(out, "ok   kernel BTF"), "%s", out);
	cr_assert(strstr(out, "ok   uprobes"), "%s", out);
	cr_assert(strstr(out, "ok   ring buffer"), "%s", out);
	cr_assert(strstr(out, "ok   symbol log_authentication_event"), "%s", out);
	cr_assert(strstr(out, "ok   samba layout"), "%s", out);
	cr_assert(strstr(out, "ok   attach"), "%s", out);
	/* which layout, and where it came from */
	cr_assert(strstr(out, "table, tested live (samba-4.") || strstr(out, ": dwarf ("), "%s",
		  out);
	cr_assert(strstr(out, "smbwatch can trace here"), "%s", out);
	free(out);
	free(err);

	snprintf(args, sizeof(args), "doctor --samba-libdir %s",
		 fake_libdir("newsamba2", "SAMBA_9.9.9", "log_authentication_event"));
	cr_assert_eq(run(args, &out, &err), 1, "%s%s", out, err);
	cr_assert(strstr(out, "FAIL samba layout"), "%s", out);
	cr_assert(strstr(out, "ok   privileges"), "%s", out);
	free(out);
	free(err);
}

/* doctor's verdict is tracing's: under each capability set a service could be given (as user
 * nobody), doctor passes exactly when smbwatch can start tracing (it once passed with CAP_BPF
 * and CAP_PERFMON, which this kernel does not let attach a uprobe). */
Test(cli, doctor_agrees_with_tracing_under_capabilities, .init = setup, .fini = teardown,
     .timeout = 120)
{
	static const char *const sets[] = { "+bpf,+perfmon", "+bpf,+perfmon,+sys_admin",
					    "+sys_admin" };
	char out[600], as[300];
	size_t i;

	snprintf(out, sizeof(out), "%s/caps.out", test_tmpdir());
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		int doctor, trace;
		char *text;

		snprintf(as, sizeof(as),
			 "setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all,%s "
			 "--ambient-caps=-all,%s --bounding-set=-all,%s",
			 sets[i], sets[i], sets[i]);
		doctor = sh("%s %s doctor >'%s' 2>&1", as, smbwatch_bin(), out);
		text = slurp(out);
		cr_assert_not_null(text);
		trace = sh("%s %s --json -d 1 >/dev/null 2>&1", as, smbwatch_bin());
		cr_assert_eq(doctor == 0, trace == 0, "caps %s: doctor %d, tracing %d: %s", sets[i],
			     doctor, trace, text);
		cr_assert(strstr(text, doctor ? "FAIL" : "ok   attach"), "caps %s: %s", sets[i], text);
		free(text);
	}
}
