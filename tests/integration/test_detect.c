// SPDX-License-Identifier: GPL-2.0
/* Detection end to end: two client hosts (network namespaces), one the simulated SMS client
 * of KB Q278660, one a normal user with a few misses; then the same findings from replay. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"

static struct lab lab;
static struct tracer tr, rp;
static struct netns_set ns;

static void teardown(void)
{
	if (tr.pid > 0)
		tracer_stop(&tr, SIGKILL);
	if (rp.pid > 0)
		tracer_stop(&rp, SIGKILL);
	lab_stop(&lab);
	netns_destroy(&ns);
}

/* Runs smbwatch ARGS (a replay) to a clean exit. */
static void replay_done(const char *args)
{
	cr_assert_eq(tracer_start(&rp, args, false), 0);
	cr_assert_eq(tracer_wait(&rp, 60), 0);
}

static int count_findings(json_object **r, int n, const char *action)
{
	int i, c = 0;

	for (i = 0; i < n; i++)
		if (!strcmp(jget(r[i], "event.dataset"), "smbwatch.finding") &&
		    (!action || !strcmp(jget(r[i], "event.action"), action)))
			c++;
	return c;
}

static json_object *summary(json_object **r, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(jget(r[i], "event.dataset"), "smbwatch.finding") &&
		    !strcmp(jget(r[i], "event.action"), "finding_summary"))
			return r[i];
	cr_assert_fail("no finding summary");
	return NULL;
}

static bool has_file(json_object *f, const char *share, const char *path)
{
	json_object *files = json_object_object_get(json_object_object_get(
				      json_object_object_get(f, "smbwatch"), "finding"),
				      "files");
	int i;

	for (i = 0; i < (int)json_object_array_length(files); i++) {
		json_object *x = json_object_array_get_idx(files, i);

		if (!strcmp(jget(x, "share"), share) && !strcmp(jget(x, "path"), path))
			return atol(jget(x, "count")) > 0;
	}
	return false;
}

/* The finding the KB scenario must produce, whichever way it was computed. */
static void check_sms_finding(json_object *f)
{
	const char *msg = jget(f, "message");
	json_object *dirs;

	cr_assert_str_eq(jget(f, "event.kind"), "alert");
	cr_assert_str_eq(jget(f, "user.name"), "SMSCliToknAcct&");
	cr_assert_str_eq(jget(f, "user.domain"), "CORP");
	cr_assert_str_eq(jget(f, "source.ip"), "198.18.1.2");
	cr_assert_str_eq(jget(f, "smbwatch.workstation"), "WS042");
	cr_assert_str_eq(jget(f, "smbwatch.finding.failed_logons"), "3");
	cr_assert_str_eq(jget(f, "smbwatch.finding.lockout_remaining"), "2");
	/* 2 files x (2 directories + 1 missing share) x 2 rounds */
	cr_assert_str_eq(jget(f, "smbwatch.finding.failed_lookups"), "12");
	cr_assert(has_file(f, "apps", "cwcsp.dll"));
	cr_assert(has_file(f, "apps", "bin/cwcsp.dll"));
	cr_assert(has_file(f, "apps", "bin/ymhaud.sys"));
	cr_assert_str_eq(jget(f, "rule.id"), "smbwatch-lockout-risk");
	cr_assert(!strcmp(jget(f, "smbwatch.finding.path_search.file"), "cwcsp.dll") ||
		  !strcmp(jget(f, "smbwatch.finding.path_search.file"), "ymhaud.sys"));
	dirs = json_object_object_get(json_object_object_get(
		json_object_object_get(json_object_object_get(f, "smbwatch"), "finding"),
		"path_search"), "directories");
	cr_assert_eq(json_object_array_length(dirs), 3);
	cr_assert_not_null(msg);
	cr_assert(strstr(msg, "SMSCliToknAcct&") && strstr(msg, "198.18.1.2") &&
		  strstr(msg, "WS042") && strstr(msg, "2 more bad passwords"), "%s", msg);
	cr_assert(strstr(msg, "\\\\LABSRV\\apps\\bin"), "%s", msg);
}

Test(detect, sms_client_among_two_hosts, .fini = teardown, .timeout = 240)
{
	json_object **r, *f;
	char args[256], replay_args[1024];
	int n, i;

	need_root();
	cr_assert_eq(netns_create(&ns, 2), 0, "cannot create network namespaces");
	cr_assert_eq(lab_start(&lab, "--interfaces '127.0.0.1 198.18.1.1 198.18.2.1'"), 0);
	snprintf(args, sizeof(args),
		 "--json -p %u --server-name LABSRV --all-accounts --lockout-threshold 5", lab.port);
	cr_assert_eq(tracer_start(&tr, args, true), 0);

	/* host 1: the SMS client token account walks its PATH for driver files, then its stale
	 * password fails three times; host 2: alice misses two files (below every threshold) */
	cr_assert_eq(sh("%s %s -s 198.18.1.1 -p %u -U 'SMSCliToknAcct&' -P Token-Pass-1 -W CORP "
			"-n WS042 --search 'apps;apps/bin;tools' --files 'cwcsp.dll,ymhaud.sys' "
			"--repeat 2 >/dev/null 2>&1 & "
			"%s %s -s 198.18.2.1 -p %u -U alice -P Alice-Pass-1 -W LAB -n WS001 "
			"apps/report.doc apps/bin/tool.exe >/dev/null 2>&1 & wait",
			netns_exec(&ns, 1), smbsim_bin(), lab.port, netns_exec(&ns, 2), smbsim_bin(),
			lab.port),
		     0);
	for (i = 0; i < 3; i++)
		sh("%s %s -s 198.18.1.1 -p %u -U 'SMSCliToknAcct&' -P stale -W CORP -n WS042 "
		   "apps/x >/dev/null 2>&1",
		   netns_exec(&ns, 1), smbsim_bin(), lab.port);
	cr_assert_eq(tracer_stop(&tr, SIGINT), 0);

	r = records_read(tr.out, &n);
	cr_assert_eq(count_findings(r, n, "finding_opened"), 1, "exactly one finding");
	cr_assert_eq(count_findings(r, n, "finding_summary"), 1);
	for (i = 0; i < n; i++)
		if (!strcmp(jget(r[i], "event.dataset"), "smbwatch.finding"))
			cr_assert_str_eq(jget(r[i], "smbwatch.finding.id"), "1");
	check_sms_finding(summary(r, n));
	cr_assert_str_eq(jget(r[n - 1], "smbwatch.findings"), "1");
	records_free(r, n);

	/* replay of what smbwatch recorded: the same finding, without BPF */
	snprintf(replay_args, sizeof(replay_args),
		 "replay --json --all-accounts --lockout-threshold 5 '%s'", tr.out);
	replay_done(replay_args);
	r = records_read(rp.out, &n);
	cr_assert_eq(count_findings(r, n, "finding_opened"), 1);
	f = summary(r, n);
	check_sms_finding(f);
	cr_assert_str_eq(jget(r[n - 1], "event.action"), "replayed");
	cr_assert_str_eq(jget(r[n - 1], "smbwatch.malformed"), "0");
	records_free(r, n);

	/* replay of Samba's own audit log: the logons alone give the lockout finding */
	snprintf(replay_args, sizeof(replay_args),
		 "replay --json --lockout-threshold 5 --logon-threshold 3 '%s'", lab.audit);
	replay_done(replay_args);
	r = records_read(rp.out, &n);
	cr_assert_eq(count_findings(r, n, "finding_opened"), 1);
	f = summary(r, n);
	cr_assert_str_eq(jget(f, "source.ip"), "198.18.1.2");
	cr_assert_str_eq(jget(f, "smbwatch.workstation"), "WS042");
	cr_assert_str_eq(jget(f, "smbwatch.finding.failed_logons"), "3");
	cr_assert_str_eq(jget(f, "smbwatch.finding.logon_statuses.NT_STATUS_WRONG_PASSWORD"), "3");
	cr_assert_str_eq(jget(f, "smbwatch.finding.lockout_remaining"), "2");
	records_free(r, n);
}

/* Replay without root: malformed lines are named with file and line, skipped and counted. */
Test(detect, replay_malformed_lines, .fini = teardown, .timeout = 60)
{
	char path[600], args[700], *err;
	FILE *f;
	json_object **r;
	int n, i;

	snprintf(path, sizeof(path), "%s/mixed.json", test_tmpdir());
	f = fopen(path, "w");
	cr_assert_not_null(f);
	for (i = 0; i < 4; i++)
		fprintf(f, "{\"timestamp\": \"2026-11-23T20:5%d:00.000000+0000\", \"type\": "
			   "\"Authentication\", \"Authentication\": {\"status\": "
			   "\"NT_STATUS_WRONG_PASSWORD\", \"remoteAddress\": \"ipv4:198.18.7.7:5000%d\", "
			   "\"clientDomain\": \"CORP\", \"clientAccount\": \"SMSCliToknAcct&\", "
			   "\"workstation\": \"WS777\"}}\n%s",
			i, i, i == 1 ? "{\"truncated\": \n" : i == 2 ? "plain text\n" : "");
	fclose(f);
	/* as nobody: replay needs no privileges */
	snprintf(args, sizeof(args), "replay --json '%s'", path);
	setenv("SMBWATCH_SAVED", smbwatch_bin(), 1);
	{
		char cmd[1024];

		cr_assert_eq(sh("chmod 755 '%s' && chmod 644 '%s'", test_tmpdir(), path), 0);
		snprintf(cmd, sizeof(cmd),
			 "setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all %s",
			 smbwatch_bin());
		setenv("SMBWATCH", geteuid() == 0 ? cmd : smbwatch_bin(), 1);
		cr_assert_eq(tracer_start(&rp, args, false), 0);
		setenv("SMBWATCH", getenv("SMBWATCH_SAVED"), 1);
	}
	cr_assert_eq(tracer_wait(&rp, 60), 0);
	err = slurp(rp.err);
	cr_assert_not_null(err);
	cr_assert(strstr(err, "mixed.json:3: not JSON (the object is cut short)"), "%s", err);
	cr_assert(strstr(err, "mixed.json:5: not JSON"), "%s", err);
	r = records_read(rp.out, &n);
	cr_assert_str_eq(jget(r[n - 1], "smbwatch.malformed"), "2");
	cr_assert_str_eq(jget(r[n - 1], "smbwatch.events"), "4");
	cr_assert_eq(count_findings(r, n, "finding_opened"), 1);
	cr_assert_str_eq(jget(summary(r, n), "smbwatch.finding.failed_logons"), "4");
	cr_assert_str_eq(jget(summary(r, n), "source.ip"), "198.18.7.7");
	records_free(r, n);
	free(err);
}

/* Replay of the log files Samba writes the audit into when smb.conf says only
 * `log level = 1 auth_json_audit:3` (log.smbd, log.CLIENT): Samba's debug headers and text
 * beside the audit are passed over, never malformed; every audit line is an event (counted in
 * the files by grep, the oracle); the wrong passwords give the lockout finding. */
Test(detect, replay_samba_log_files, .fini = teardown, .timeout = 120)
{
	char args[1024], *err, *count;
	json_object **r, *f;
	int n, i, audit_lines;

	need_root();
	cr_assert_eq(lab_start(&lab, "--audit-in-log --lockout-threshold 5"), 0);
	cr_assert_eq(smbclient(&lab, "127.0.0.1", "-U 'alice%%%s' -c ls >/dev/null 2>&1",
			       "Alice-Pass-1"),
		     0);
	for (i = 0; i < 3; i++)
		smbclient(&lab, "127.0.0.1",
			  "-U 'SMSCliToknAcct&%%stale' -n WS042 -c ls >/dev/null 2>&1");
	/* the audit lines Samba wrote, and that it wrote them among its own debug output */
	snprintf(args, sizeof(args), "%s/count", test_tmpdir());
	cr_assert_eq(sh("cat '%s'/log.* | grep -c '\"type\": \"Authentication\"' > '%s'", lab.dir,
			args),
		     0);
	count = slurp(args);
	cr_assert_not_null(count);
	audit_lines = atoi(count);
	free(count);
	cr_assert_geq(audit_lines, 4, "alice's logon and three wrong passwords");
	cr_assert_eq(sh("grep -q '^\\[20[0-9][0-9]/' '%s'/log.*", lab.dir), 0,
		     "no Samba debug header beside the audit");

	snprintf(args, sizeof(args), "replay --json --lockout-threshold 5 --logon-threshold 3 %s/log.*",
		 lab.dir);
	replay_done(args);
	err = slurp(rp.err);
	cr_assert_not_null(err);
	cr_assert_null(strstr(err, "skipped"), "a line said malformed: %s", err);
	free(err);
	r = records_read(rp.out, &n);
	cr_assert_eq(count_findings(r, n, "finding_opened"), 1);
	f = summary(r, n);
	cr_assert_str_eq(jget(f, "user.name"), "SMSCliToknAcct&");
	cr_assert_str_eq(jget(f, "smbwatch.finding.failed_logons"), "3");
	cr_assert_str_eq(jget(f, "smbwatch.finding.lockout_remaining"), "2");
	cr_assert_str_eq(jget(r[n - 1], "event.action"), "replayed");
	cr_assert_str_eq(jget(r[n - 1], "smbwatch.malformed"), "0");
	cr_assert_eq(atoi(jget(r[n - 1], "smbwatch.events")), audit_lines);
	cr_assert_gt(atoi(jget(r[n - 1], "smbwatch.skipped")), 0, "Samba's debug lines passed over");
	records_free(r, n);
}
