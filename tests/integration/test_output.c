// SPDX-License-Identifier: GPL-2.0
/* -o FILE as logrotate uses it (rename, then SIGHUP): nothing lost, every event.sequence from 1
 * to N accounted for; a removed output directory: one clear error line, losses counted, no
 * crash; smbwatch.stats records. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "harness.h"

static struct lab lab;
static struct tracer tr;

static void setup(void)
{
	need_root();
	cr_assert_eq(lab_start(&lab, ""), 0, "lab smbd did not start");
}

static void teardown(void)
{
	if (tr.pid > 0)
		tracer_stop(&tr, SIGKILL);
	lab_stop(&lab);
}

Test(output, rotation_loses_nothing, .init = setup, .fini = teardown, .timeout = 120)
{
	char dir[600], cur[700], old[700], args[800];
	json_object **a, **b;
	int na, nb, i, seen_stopped = 0;
	struct stat st;
	char *out;

	snprintf(dir, sizeof(dir), "%s/log", test_tmpdir());
	cr_assert_eq(sh("mkdir -p '%s'", dir), 0);
	snprintf(cur, sizeof(cur), "%s/smbwatch.json", dir);
	snprintf(old, sizeof(old), "%s/smbwatch.json.1", dir);
	snprintf(args, sizeof(args), "-p %u -o '%s' --stats-interval 1", lab.port, cur);
	cr_assert_eq(tracer_start(&tr, args, false), 0);
	cr_assert(file_has(cur, "\"action\":\"started\"", 100), "no started record in the file");
	cr_assert_eq(stat(cur, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0640, "mode %o", st.st_mode & 0777);

	alice_lookups(&lab, "apps/before1.dll apps/before2.dll");
	cr_assert(file_has(cur, "before2.dll", 30));
	/* logrotate: rename, the process keeps writing to the old file until SIGHUP */
	cr_assert_eq(rename(cur, old), 0);
	alice_lookups(&lab, "apps/between.dll");
	kill(tr.pid, SIGHUP);
	cr_assert(file_has(cur, "\"dataset\":\"smbwatch.", 30), "no new file after SIGHUP");
	alice_lookups(&lab, "apps/after1.dll apps/after2.dll");
	cr_assert(file_has(cur, "after2.dll", 30));
	cr_assert(file_has(cur, "smbwatch.stats", 30), "no stats record");
	cr_assert_eq(tracer_stop(&tr, SIGINT), 0);

	/* text mode with -o: standard output stays quiet */
	out = slurp(tr.out);
	cr_assert_eq(strlen(out), 0, "%s", out);
	free(out);

	a = records_read(old, &na);
	b = records_read(cur, &nb);
	assert_sequences(a, na, b, nb);
	for (i = 0; i < na + nb; i++) {
		json_object *r = i < na ? a[i] : b[i - na];

		cr_assert_not_null(jget(r, "event.id"));
		cr_assert_str_eq(jget(r, "observer.product"), "smbwatch");
		cr_assert_not_null(jget(r, "ecs.version"));
		if (!strcmp(jget(r, "event.dataset"), "smbwatch.status") &&
		    !strcmp(jget(r, "event.action"), "stopped")) {
			seen_stopped++;
			cr_assert_str_eq(jget(r, "smbwatch.output_dropped"), "0");
		}
	}
	cr_assert_eq(seen_stopped, 1);
	/* each lookup exactly once, in the file it was written to */
	{
		char *t_old = slurp(old), *t_cur = slurp(cur);

		cr_assert(strstr(t_old, "before1.dll") && strstr(t_old, "between.dll"));
		cr_assert(strstr(t_cur, "after1.dll") && !strstr(t_cur, "before1.dll"));
		free(t_old);
		free(t_cur);
	}
	records_free(a, na);
	records_free(b, nb);
}

Test(output, removed_directory_counts_losses, .init = setup, .fini = teardown, .timeout = 120)
{
	char dir[600], cur[700], args[800], *err, *out;
	json_object **r;
	int n;

	snprintf(dir, sizeof(dir), "%s/gone", test_tmpdir());
	cr_assert_eq(sh("mkdir -p '%s'", dir), 0);
	snprintf(cur, sizeof(cur), "%s/smbwatch.json", dir);
	/* --json too: stdout keeps the whole stream, the file loses what it cannot take */
	snprintf(args, sizeof(args), "--json -p %u -o '%s'", lab.port, cur);
	cr_assert_eq(tracer_start(&tr, args, true), 0);
	cr_assert_eq(sh("rm -rf '%s'", dir), 0);
	kill(tr.pid, SIGHUP); /* the reopen fails: the directory is gone */
	usleep(500000);
	alice_lookups(&lab, "apps/lost1.dll apps/lost2.dll");
	usleep(300000);
	cr_assert_eq(tracer_stop(&tr, SIGINT), 0, "smbwatch must survive a lost output");
	err = slurp(tr.err);
	cr_assert(strstr(err, "smbwatch: cannot reopen"), "%s", err);
	cr_assert(strstr(err, "records are counted as lost"), "%s", err);
	free(err);
	out = slurp(tr.out);
	cr_assert(strstr(out, "lost2.dll"), "stdout lost records too");
	free(out);
	r = records_read(tr.out, &n);
	cr_assert_str_eq(jget(r[n - 1], "event.action"), "stopped");
	/* every record after the SIGHUP: the logon, share connects, 2 lookups, the stopped one */
	cr_assert_geq(atol(jget(r[n - 1], "smbwatch.output_dropped")), 5);
	records_free(r, n);
}

/* A full disk: a 128 KiB tmpfs fills up; one clear error line, losses counted, no crash. */
Test(output, full_disk_counts_losses, .init = setup, .fini = teardown, .timeout = 120)
{
	char dir[600], cur[700], args[800], *err;
	json_object **r;
	int n;

	snprintf(dir, sizeof(dir), "%s/tiny", test_tmpdir());
	cr_assert_eq(sh("mkdir -p '%s' && mount -t tmpfs -o size=128k tmpfs '%s'", dir, dir), 0,
		     "cannot mount a small tmpfs");
	snprintf(cur, sizeof(cur), "%s/smbwatch.json", dir);
	snprintf(args, sizeof(args), "--json -p %u -o '%s'", lab.port, cur);
	cr_assert_eq(tracer_start(&tr, args, true), 0);
	/* about 1.5 KiB per record: 400 failed lookups are far more than 128 KiB */
	cr_assert_eq(smbsim(&lab, "127.0.0.1", "-U alice -P Alice-Pass-1 --repeat 200 "
					       "apps/full1.dll apps/full2.dll"),
		     0);
	cr_assert_eq(tracer_stop(&tr, SIGINT), 0, "smbwatch must survive a full disk");
	sh("umount '%s'", dir);
	err = slurp(tr.err);
	cr_assert(strstr(err, "smbwatch: cannot write to"), "%s", err);
	cr_assert(strstr(err, "No space left on device"), "%s", err);
	cr_assert_leq(strlen(err) - strlen(strstr(err, "smbwatch: cannot write to")), 0,
		      "one line, not one per record: %s", err);
	free(err);
	r = records_read(tr.out, &n);
	cr_assert_geq(n, 400);
	cr_assert_gt(atol(jget(r[n - 1], "smbwatch.output_dropped")), 100);
	records_free(r, n);
}

/* The ring buffer's accounting: with a tiny ring under a storm, every event is either
 * received or counted as dropped, never lost silently. */
Test(output, ring_buffer_losses_are_counted, .init = setup, .fini = teardown, .timeout = 120)
{
	char args[256];
	json_object **r;
	long events, dropped, received_file = 0;
	int n, i;

	snprintf(args, sizeof(args), "--json --no-findings -p %u --ring-buffer-kb 64", lab.port);
	cr_assert_eq(tracer_start(&tr, args, true), 0);
	cr_assert_eq(sh("for i in 1 2 3 4 5 6; do %s -s 127.0.0.1 -p %u -U alice -P Alice-Pass-1 "
			"--repeat 150 apps/storm.dll >/dev/null 2>&1 & done; wait",
			smbsim_bin(), lab.port),
		     0);
	cr_assert_eq(tracer_stop(&tr, SIGINT), 0);
	r = records_read(tr.out, &n);
	for (i = 0; i < n; i++)
		received_file += jget(r[i], "file.path") && !strcmp(jget(r[i], "file.path"),
								    "storm.dll");
	events = atol(jget(r[n - 1], "smbwatch.events_by_kind.file"));
	dropped = atol(jget(r[n - 1], "smbwatch.dropped"));
	cr_log_info("900 failed opens: %ld received, %ld dropped", received_file, dropped);
	cr_assert_eq(events, received_file);
	/* the 900 failed opens, plus the logons and share connects, account for every event */
	cr_assert_geq(received_file + dropped, 900);
	cr_assert_leq(received_file, 900);
	records_free(r, n);
}
