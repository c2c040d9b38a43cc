// SPDX-License-Identifier: GPL-2.0
/* The Samba build under test (the system's 4.17, or 4.22 from a private prefix when the suite
 * runs with SMB_LAB_SAMBA_ROOT): `smbwatch layout` names the tested table row; a wrong layout
 * (SMBWATCH_LAYOUT_OVERRIDE) is counted as implausible and warned about, never passed quietly;
 * a library replaced under a running smbwatch (what a package upgrade does) is followed within
 * 2 seconds, or refused loudly. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "harness.h"

static struct lab lab, lab2;
static struct tracer tr;

static void setup(void)
{
	need_root();
}

static void teardown(void)
{
	if (tr.pid > 0)
		tracer_stop(&tr, SIGKILL);
	lab_stop(&lab);
	lab_stop(&lab2);
	unsetenv("SMBWATCH_LAYOUT_OVERRIDE");
	unsetenv("SMB_LAB_LIBRARY_PATH");
}

/* "4.22" when the suite runs against the private-prefix Samba, else "4.17". */
static const char *series_under_test(void)
{
	return getenv("SMB_LAB_SAMBA_ROOT") ? "4.22" : "4.17";
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The status record with this action, or NULL (records stay owned by r). */
static json_object *status_record(json_object **r, int n, const char *action)
{
	int i;

	for (i = 0; i < n; i++) {
		const char *ds = jget(r[i], "event.dataset"), *a = jget(r[i], "event.action");

		if (ds && a && !strcmp(ds, "smbwatch.status") && !strcmp(a, action))
			return r[i];
	}
	return NULL;
}

static int count_opens(json_object **r, int n, const char *path_part)
{
	int i, k = 0;

	for (i = 0; i < n; i++) {
		const char *ds = jget(r[i], "event.dataset"), *p = jget(r[i], "file.path");

		if (ds && !strcmp(ds, "smbwatch.file") && p && strstr(p, path_part))
			k++;
	}
	return k;
}

Test(layout, names_tested_row, .init = setup, .fini = teardown, .timeout = 60)
{
	char out[600], want[128];
	char *text;

	cr_assert_eq(lab_start(&lab, ""), 0);
	snprintf(out, sizeof(out), "%s/layout.out", test_tmpdir());
	cr_assert_eq(sh("%s layout >'%s' 2>&1", smbwatch_bin(), out), 0);
	text = slurp(out);
	snprintf(want, sizeof(want), "layout source: table, tested live (samba-%s.", series_under_test());
	cr_assert(strstr(text, want), "want '%s' in:\n%s", want, text);
	snprintf(want, sizeof(want), "samba %s.", series_under_test());
	cr_assert(strstr(text, want), "want '%s' in:\n%s", want, text);
	/* one line per offset, with the struct, the member and the Samba file */
	cr_assert(strstr(text, "sa_port "), "%s", text);
	cr_assert(strstr(text, "samba_sockaddr.u.in.sin_port"), "%s", text);
	cr_assert(strstr(text, "auth/common_auth.h"), "%s", text);
	cr_assert(strstr(text, "attach log_authentication_event in /"), "%s", text);
	free(text);
}

/* A deliberately wrong layout: the address family is read from the socket length. */
Test(layout, wrong_layout_is_implausible, .init = setup, .fini = teardown, .timeout = 90)
{
	json_object **r, *stopped, *warn;
	char *err;
	int n, warnings = 0;
	const char *p;

	cr_assert_eq(lab_start(&lab, ""), 0);
	setenv("SMBWATCH_LAYOUT_OVERRIDE", "sa_family=0", 1);
	cr_assert_eq(tracer_start(&tr, "--json", true), 0, "smbwatch did not start");
	alice_lookups(&lab, "apps/nothere1.dll apps/nothere2.dll");
	sleep(1);
	cr_assert_eq(tracer_stop(&tr, SIGTERM), 0);
	r = records_read(tr.out, &n);
	stopped = status_record(r, n, "stopped");
	cr_assert_not_null(stopped);
	cr_assert_geq(atoi(jget(stopped, "smbwatch.implausible")), 3, "logon + 2 opens at least");
	cr_assert_geq(atoi(jget(stopped, "smbwatch.implausible_by.remote_family")), 3);
	warn = status_record(r, n, "implausible");
	cr_assert_not_null(warn, "no implausible status record");
	cr_assert_str_eq(jget(warn, "smbwatch.implausible_value"), "client address family");
	p = jget(warn, "smbwatch.layout");
	cr_assert(p && strstr(p, "overridden by SMBWATCH_LAYOUT_OVERRIDE"), "%s", p);
	cr_assert(strstr(jget(warn, "smbwatch.layout_fields"), "sa_family"));
	/* and once on stderr per kind of value, not once per event */
	err = slurp(tr.err);
	for (p = err; (p = strstr(p, "implausible client address family")); p++)
		warnings++;
	cr_assert_eq(warnings, 1, "%s", err);
	free(err);
	records_free(r, n);
}

/* The right layout on a real smbd: nothing implausible. */
Test(layout, right_layout_is_plausible, .init = setup, .fini = teardown, .timeout = 90)
{
	json_object **r, *stopped;
	int n;

	cr_assert_eq(lab_start(&lab, ""), 0);
	cr_assert_eq(tracer_start(&tr, "--json", true), 0, "smbwatch did not start");
	alice_lookups(&lab, "apps/nothere1.dll apps/bin/nothere2.dll");
	sleep(1);
	cr_assert_eq(tracer_stop(&tr, SIGTERM), 0);
	r = records_read(tr.out, &n);
	cr_assert_eq(count_opens(r, n, "nothere"), 2);
	stopped = status_record(r, n, "stopped");
	cr_assert_not_null(stopped);
	cr_assert_str_eq(jget(stopped, "smbwatch.implausible"), "0");
	cr_assert_null(status_record(r, n, "implausible"));
	records_free(r, n);
}

/* Copies the attach libraries of the build under test into dir, for smbd to load from there
 * (smb-lab puts SMB_LAB_LIBRARY_PATH first in its LD_LIBRARY_PATH). */
static void copy_attach_libs(const char *dir)
{
	const char *root = getenv("SMB_LAB_SAMBA_ROOT");
	char src[512];

	snprintf(src, sizeof(src), "%s/usr/lib/x86_64-linux-gnu/samba", root ? root : "");
	cr_assert_eq(sh("mkdir -p '%s' && cp '%s'/libsmbd-base-*.so.0 '%s'/libcommon-auth-*.so.0 '%s'/",
			dir, src, src, dir),
		     0);
}

/* A lab l whose smbd loads the attach libraries from a copy in libs (a directory this
 * returns), and smbwatch tracing. */
static void lab_on_copied_libs(struct lab *l, char *libs, size_t n, const char *args)
{
	snprintf(libs, n, "%s/libs", test_tmpdir());
	copy_attach_libs(libs);
	setenv("SMB_LAB_LIBRARY_PATH", libs, 1);
	cr_assert_eq(lab_start(l, ""), 0);
	cr_assert_eq(tracer_start(&tr, args, true), 0, "smbwatch did not start");
}

/* What a package upgrade does to libsmbd-base in libs: a new file (the same build) renamed
 * over the old one, so that the path names a new inode. */
static void upgrade_libsmbd(const char *libs)
{
	cr_assert_eq(sh("cd '%s' && for f in libsmbd-base-*.so.0; do cp \"$f\" .new && "
			"mv -f .new \"$f\"; done", libs), 0);
}

/* Waits up to 2 s (plus slack for the output) for a status record; returns the seconds. */
static double wait_status(const char *action, double since)
{
	char want[64];

	snprintf(want, sizeof(want), "\"action\":\"%s\"", action);
	cr_assert(file_has(tr.out, want, 40), "no %s record within 4 s\n%s", action,
		  tracer_said(&tr));
	return now_s() - since;
}

Test(layout, upgrade_is_followed, .init = setup, .fini = teardown, .timeout = 120)
{
	char libs[600], *err;
	json_object **r, *re;
	double t0, took;
	int n;

	lab_on_copied_libs(&lab, libs, sizeof(libs), "--json");
	alice_lookups(&lab, "apps/before.dll");
	cr_assert(file_has(tr.out, "before.dll", 50), "no event before the upgrade\n%s",
		  tracer_said(&tr));

	/* the upgrade: a new file renamed over the old one (a new inode), as dpkg does */
	t0 = now_s();
	upgrade_libsmbd(libs);
	took = wait_status("reattached", t0);
	cr_assert_leq(took, 2.5, "reattached after %.2f s (want 2 s)", took);

	/* smbd restarted on the new file: its failed opens are seen */
	cr_assert_eq(sh("%s restart '%s' >/dev/null", smb_lab_bin(), lab.dir), 0);
	alice_lookups(&lab, "apps/after.dll");
	cr_assert(file_has(tr.out, "after.dll", 50), "no event from the smbd restarted on the "
						      "new library\n%s", tracer_said(&tr));
	cr_assert_eq(tracer_stop(&tr, SIGTERM), 0);
	r = records_read(tr.out, &n);
	cr_assert_eq(count_opens(r, n, "before.dll"), 1);
	cr_assert_eq(count_opens(r, n, "after.dll"), 1);
	re = status_record(r, n, "reattached");
	cr_assert_not_null(re);
	cr_assert_not_null(jget(re, "smbwatch.previous_samba_build_id"));
	cr_assert_not_null(jget(re, "smbwatch.samba_build_id"));
	cr_assert(strstr(jget(re, "smbwatch.samba_version"), series_under_test()));
	err = slurp(tr.err);
	cr_assert(strstr(err, "Samba libraries replaced: now also tracing Samba"), "%s", err);
	free(err);
	records_free(r, n);
}

Test(layout, untraceable_upgrade_is_loud, .init = setup, .fini = teardown, .timeout = 120)
{
	char libs[600], *err;
	json_object **r, *un;
	double t0, took;
	int n;

	lab_on_copied_libs(&lab, libs, sizeof(libs), "--json");

	/* the new "build" no longer exports the SMB2 functions */
	t0 = now_s();
	cr_assert_eq(sh("cd '%s' && printf 'void other(void) {}\\n' >x.c && "
			"for f in libsmbd-base-*.so.0; do cc -shared -fPIC -o .new x.c && "
			"mv -f .new \"$f\"; done", libs), 0);
	took = wait_status("unsupported", t0);
	cr_assert_leq(took, 2.5, "refused after %.2f s (want 2 s)", took);

	/* what was already running is still traced */
	alice_lookups(&lab, "apps/still.dll");
	cr_assert(file_has(tr.out, "still.dll", 50), "the running smbd is no longer traced\n%s",
		  tracer_said(&tr));
	cr_assert_eq(tracer_stop(&tr, SIGTERM), 0);
	r = records_read(tr.out, &n);
	un = status_record(r, n, "unsupported");
	cr_assert_not_null(un);
	cr_assert(strstr(jget(un, "message"), "NOT SEEN from now on"), "%s", jget(un, "message"));
	cr_assert(strstr(jget(un, "message"), "smbd_smb2_request_error_ex"), "%s",
		  jget(un, "message"));
	err = slurp(tr.err);
	cr_assert(strstr(err, "WARNING: the Samba libraries changed and smbwatch cannot trace"),
		  "%s", err);
	free(err);
	records_free(r, n);
}

/* The Samba library directory (of the build under test) for --samba-libdir. */
static const char *samba_libdir(void)
{
	static char dir[512];
	const char *root = getenv("SMB_LAB_SAMBA_ROOT");

	snprintf(dir, sizeof(dir), "%s/usr/lib/x86_64-linux-gnu/samba", root ? root : "");
	return dir;
}

/* Nothing but the library location: doctor passes and logons are traced. */
Test(layout, library_location_only, .init = setup, .fini = teardown, .timeout = 90)
{
	char args[700], out[600];
	char *text;

	cr_assert_eq(lab_start(&lab, ""), 0);
	snprintf(out, sizeof(out), "%s/doctor.out", test_tmpdir());
	cr_assert_eq(sh("%s doctor --samba-libdir '%s' >'%s' 2>&1", smbwatch_bin(), samba_libdir(),
			out), 0, "%s", slurp(out));
	text = slurp(out);
	cr_assert(strstr(text, "ok   samba layout"), "%s", text);
	cr_assert(strstr(text, "tested live"), "%s", text);
	free(text);
	snprintf(args, sizeof(args), "--json --samba-libdir '%s'", samba_libdir());
	cr_assert_eq(tracer_start(&tr, args, true), 0, "smbwatch did not start");
	alice_lookups(&lab, "apps/located.dll");
	cr_assert(file_has(tr.out, "located.dll", 50), "no event with --samba-libdir alone\n%s",
		  tracer_said(&tr));
	cr_assert_eq(tracer_stop(&tr, SIGTERM), 0);
}

/* smbwatch started before smbd: the library path is given, as the service would be. */
Test(layout, smbd_started_later, .init = setup, .fini = teardown, .timeout = 90)
{
	const char *root = getenv("SMB_LAB_SAMBA_ROOT");
	char args[1200];

	if (root)
		snprintf(args, sizeof(args), "--json --smbd-library-path '%s/usr/lib/x86_64-linux-gnu"
			 "/samba:%s/usr/lib/x86_64-linux-gnu'", root, root);
	else
		snprintf(args, sizeof(args), "--json");
	cr_assert_eq(tracer_start(&tr, args, true), 0, "smbwatch did not start");
	cr_assert_eq(lab_start(&lab, ""), 0);
	alice_lookups(&lab, "apps/later.dll");
	cr_assert(file_has(tr.out, "later.dll", 50), "no event from an smbd started later\n%s",
		  tracer_said(&tr));
	cr_assert_eq(tracer_stop(&tr, SIGTERM), 0);
}

/* With -Z the monitor follows the upgrade and the unprivileged consumer reports it. */
Test(layout, upgrade_is_followed_with_privsep, .init = setup, .fini = teardown, .timeout = 120)
{
	char libs[600];
	json_object **r, *re;
	int n;

	cr_assert_eq(sh("id smbwtest >/dev/null 2>&1 || useradd --system --no-create-home "
			"--shell /usr/sbin/nologin smbwtest"), 0);
	lab_on_copied_libs(&lab, libs, sizeof(libs), "--json -Z smbwtest");
	upgrade_libsmbd(libs);
	wait_status("reattached", now_s());
	cr_assert_eq(sh("%s restart '%s' >/dev/null", smb_lab_bin(), lab.dir), 0);
	alice_lookups(&lab, "apps/afterz.dll");
	cr_assert(file_has(tr.out, "afterz.dll", 50), "no event from the restarted smbd under -Z\n%s",
		  tracer_said(&tr));
	cr_assert_eq(tracer_stop(&tr, SIGTERM), 0);
	r = records_read(tr.out, &n);
	re = status_record(r, n, "reattached");
	cr_assert_not_null(re);
	cr_assert(strstr(jget(re, "message"), "now also tracing"), "%s", jget(re, "message"));
	records_free(r, n);
}

/* Two smbd instances of one file, one on the system's libraries, one on a copy (another
 * LD_LIBRARY_PATH): smbwatch traces the first one's libraries, and says at the start, on stderr
 * and in a status record, that the other's are not traced. With one instance it says nothing. */
Test(layout, other_library_path_is_named, .init = setup, .fini = teardown, .timeout = 120)
{
	char libs[600], *err;
	json_object **r, *o;
	int n;

	cr_assert_eq(lab_start(&lab, ""), 0);
	cr_assert_eq(tracer_start(&tr, "--json", true), 0, "smbwatch did not start");
	cr_assert_eq(tracer_stop(&tr, SIGTERM), 0);
	r = records_read(tr.out, &n);
	cr_assert_null(status_record(r, n, "other_smbd"), "one smbd instance: no warning");
	records_free(r, n);

	lab_on_copied_libs(&lab2, libs, sizeof(libs), "--json");
	cr_assert(file_has(tr.out, "\"other_smbd\"", 30), "no other_smbd record\n%s",
		  tracer_said(&tr));
	cr_assert_eq(tracer_stop(&tr, SIGTERM), 0);
	r = records_read(tr.out, &n);
	o = status_record(r, n, "other_smbd");
	cr_assert_not_null(o);
	cr_assert(strstr(jget(o, "message"), libs), "the other instance's path: %s",
		  jget(o, "message"));
	cr_assert(strstr(jget(o, "message"), "NOT traced"), "%s", jget(o, "message"));
	err = slurp(tr.err);
	cr_assert(strstr(err, "WARNING: smbd processes of"), "%s", err);
	free(err);
	records_free(r, n);
}
