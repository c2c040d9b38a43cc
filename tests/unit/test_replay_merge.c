// SPDX-License-Identifier: GPL-2.0
/* Several servers in one replay: `smbwatch replay a.json b.json` merges the files in
 * @timestamp order, so a client that walks its PATH over two file servers and fails its
 * logons on both is one finding, naming both servers' UNC paths, with one lockout countdown.
 * Records out of order within a file are fed in file order and counted. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/args.h"
#include "replay/replay.h"

static char dir[] = "/tmp/smbwatch-merge-XXXXXX";

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(replay_merge, .init = setup, .fini = teardown);

/* A new input file named name in the test's directory: its path in path[600], open to write. */
static FILE *input(char *path, const char *name)
{
	FILE *f;

	snprintf(path, 600, "%s/%s", dir, name);
	f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	return f;
}

/* smbwatch's record of a failed open of share\path on server at 20:52:sec. */
static void file_rec(FILE *f, const char *server, int sec, const char *share, const char *dirs,
		     const char *name)
{
	fprintf(f,
		"{\"@timestamp\":\"2026-11-23T20:52:%02d.000000Z\",\"event\":{\"kind\":\"event\","
		"\"dataset\":\"smbwatch.file\",\"module\":\"smbwatch\",\"action\":\"open\","
		"\"outcome\":\"failure\"},\"user\":{\"name\":\"SMSCliToknAcct&\",\"domain\":"
		"\"CORP\"},\"source\":{\"ip\":\"198.18.0.5\",\"port\":50000},\"host\":{\"name\":"
		"\"%s\"},\"file\":{\"path\":\"%s%s%s\",\"name\":\"%s\"},\"smbwatch\":{\"share\":"
		"\"%s\",\"unc\":\"\\\\\\\\%s\\\\%s%s%s\\\\%s\",\"workstation\":\"WS042\","
		"\"nt_status\":\"NT_STATUS_OBJECT_NAME_NOT_FOUND\",\"nt_status_code\":"
		"\"0xc0000034\",\"smb2_command\":\"CREATE\"}}\n",
		sec, server, dirs, dirs[0] ? "/" : "", name, name, share, server, share,
		dirs[0] ? "\\\\" : "", dirs, name);
}

/* Samba's audit line of a wrong password at 20:52:sec. */
static void logon_rec(FILE *f, int sec)
{
	fprintf(f,
		"  JSON Authentication: {\"timestamp\": \"2026-11-23T20:52:%02d.000000+0000\", "
		"\"type\": \"Authentication\", \"Authentication\": {\"status\": "
		"\"NT_STATUS_WRONG_PASSWORD\", \"remoteAddress\": \"ipv4:198.18.0.5:5%04d\", "
		"\"clientDomain\": \"CORP\", \"clientAccount\": \"SMSCliToknAcct&\", "
		"\"workstation\": \"WS042\"}}\n",
		sec, sec);
}

/* Runs replay --json over the files; returns the records (NULL-terminated). */
static struct json_object **replay(const char **files, int nfiles, const char *extra)
{
	const char *argv[16] = { "smbwatch", "replay", "--json", "--lockout-threshold", "5" };
	char out[600], *line = NULL;
	struct json_object **r = calloc(256, sizeof(*r));
	int argc = 5, i, n = 0, saved = dup(1);
	struct smbw_opts o;
	size_t cap = 0;
	FILE *f;

	if (extra)
		argv[argc++] = extra;
	for (i = 0; i < nfiles; i++)
		argv[argc++] = files[i];
	cr_assert_eq(smbw_parse_args(argc, (char **)argv, &o, true), 0);
	snprintf(out, sizeof(out), "%s/out.json", dir);
	fflush(stdout);
	cr_assert_not_null(freopen(out, "w", stdout));
	cr_assert_eq(replay_run(&o), 0);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	f = fopen(out, "r");
	cr_assert_not_null(f);
	while (getline(&line, &cap, f) > 0 && n < 255) {
		r[n] = json_tokener_parse(line);
		cr_assert_not_null(r[n], "%s", line);
		n++;
	}
	free(line);
	fclose(f);
	return r;
}

/* A directory among the inputs is refused, nothing replayed, whatever comes before it: a file
 * that does not exist once switched the check off for every input after it. */
Test(replay_merge, directory_refused_after_a_missing_file)
{
	char missing[600], good[600], out[600];
	const char *argv[] = { "smbwatch", "replay", "--json", missing, dir, good };
	FILE *f = input(good, "good.json");
	struct smbw_opts o;
	struct stat st;
	int saved = dup(1), i, ret;

	for (i = 1; i <= 3; i++) /* enough for a finding, were it replayed */
		logon_rec(f, i);
	fclose(f);
	snprintf(missing, sizeof(missing), "%s/missing.json", dir);
	cr_assert_eq(smbw_parse_args(6, (char **)argv, &o, true), 0);
	snprintf(out, sizeof(out), "%s/out.json", dir);
	fflush(stdout);
	cr_assert_not_null(freopen(out, "w", stdout));
	ret = replay_run(&o);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	cr_assert_eq(ret, 1);
	cr_assert_eq(stat(out, &st), 0);
	cr_assert_eq(st.st_size, 0, "nothing replayed: %lld bytes of output", (long long)st.st_size);
}

static const char *get(struct json_object *o, const char *path)
{
	char buf[256], *save = NULL, *k;

	snprintf(buf, sizeof(buf), "%s", path);
	for (k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(o, k, &o))
			return NULL;
	return o ? json_object_get_string(o) : NULL;
}

static void free_records(struct json_object **r)
{
	int i;

	for (i = 0; r[i]; i++)
		json_object_put(r[i]);
	free(r);
}

/* The KB client's PATH walk over two servers, and a wrong password on each: apps on FILESRV1,
 * tools on FILESRV2, apps\bin on FILESRV1, into a (named name_a) and b (filesrv2.json). */
static void two_server_walk(char *a, const char *name_a, char *b)
{
	FILE *fa = input(a, name_a), *fb = input(b, "filesrv2.json");

	file_rec(fa, "FILESRV1", 1, "apps", "", "cwcsp.dll");
	file_rec(fb, "FILESRV2", 2, "tools", "", "cwcsp.dll");
	file_rec(fa, "FILESRV1", 3, "apps", "bin", "cwcsp.dll");
	/* one wrong password on each server: one countdown, as the domain controller counts */
	logon_rec(fa, 4);
	logon_rec(fb, 5);
	fclose(fa);
	fclose(fb);
}

/* The last record whose event.action is action (NULL for none); how many there are in *n. */
static struct json_object *with_action(struct json_object **r, const char *action, int *n)
{
	struct json_object *last = NULL;
	int i;

	*n = 0;
	for (i = 0; r[i]; i++) {
		const char *act = get(r[i], "event.action");

		if (act && !strcmp(act, action)) {
			last = r[i];
			(*n)++;
		}
	}
	return last;
}

Test(replay_merge, two_servers_one_finding)
{
	char a[600], b[600];
	const char *files[2] = { a, b };
	struct json_object **r, *dirs, *summary;
	int i, opened, found1 = 0, found2 = 0;
	const char *d;

	two_server_walk(a, "filesrv1.json", b);
	r = replay(files, 2, NULL);
	with_action(r, "finding_opened", &opened);
	summary = with_action(r, "finding_summary", &i);
	cr_assert_eq(opened, 1, "one client, one finding, whatever the server");
	cr_assert_not_null(summary);
	cr_assert_str_eq(get(summary, "source.ip"), "198.18.0.5");
	cr_assert_str_eq(get(summary, "smbwatch.finding.path_search.file"), "cwcsp.dll");
	cr_assert(json_object_object_get_ex(summary, "smbwatch", &dirs));
	cr_assert(json_object_object_get_ex(dirs, "finding", &dirs));
	cr_assert(json_object_object_get_ex(dirs, "path_search", &dirs));
	cr_assert(json_object_object_get_ex(dirs, "directories", &dirs));
	for (i = 0; i < (int)json_object_array_length(dirs); i++) {
		d = json_object_get_string(json_object_array_get_idx(dirs, (size_t)i));
		found1 += !strcmp(d, "\\\\FILESRV1\\apps") || !strcmp(d, "\\\\FILESRV1\\apps\\bin");
		found2 += !strcmp(d, "\\\\FILESRV2\\tools");
	}
	cr_assert_eq(found1, 2, "%s", get(summary, "message"));
	cr_assert_eq(found2, 1, "%s", get(summary, "message"));
	cr_assert_not_null(strstr(get(summary, "message"), "\\\\FILESRV2\\tools"), "%s",
			   get(summary, "message"));
	cr_assert_not_null(strstr(get(summary, "message"), "\\\\FILESRV1\\apps\\bin"));
	cr_assert_str_eq(get(summary, "smbwatch.finding.lockout_remaining"), "3",
			 "two bad passwords, one on each server");
	cr_assert_str_eq(get(summary, "smbwatch.finding.total_failed_logons"), "2");
	cr_assert_str_eq(get(summary, "smbwatch.finding.total_failed_lookups"), "3");
	/* and each file names its server */
	cr_assert(json_object_object_get_ex(summary, "smbwatch", &dirs));
	cr_assert(json_object_object_get_ex(dirs, "finding", &dirs));
	cr_assert(json_object_object_get_ex(dirs, "files", &dirs));
	found1 = found2 = 0;
	for (i = 0; i < (int)json_object_array_length(dirs); i++) {
		d = get(json_object_array_get_idx(dirs, (size_t)i), "server");
		found1 += d && !strcmp(d, "FILESRV1");
		found2 += d && !strcmp(d, "FILESRV2");
	}
	cr_assert_eq(found1, 2);
	cr_assert_eq(found2, 1);
	free_records(r);
}

/* Rotated logs as logrotate leaves them: one server's compressed (gzip), the other's not, read
 * and merged as they are: the same single finding, naming both servers. */
Test(replay_merge, gzipped_and_plain_logs_merged)
{
	char a[600], b[600], cmd[700];
	const char *files[2] = { a, b };
	struct json_object **r, *summary;
	int opened, n;

	two_server_walk(a, "filesrv1.json.1", b);
	snprintf(cmd, sizeof(cmd), "gzip -n '%s'", a);
	cr_assert_eq(system(cmd), 0);
	strcat(a, ".gz");

	r = replay(files, 2, NULL);
	with_action(r, "finding_opened", &opened);
	summary = with_action(r, "finding_summary", &n);
	cr_assert_eq(opened, 1);
	cr_assert_not_null(summary);
	cr_assert_not_null(strstr(get(summary, "message"), "\\\\FILESRV1\\apps\\bin"), "%s",
			   get(summary, "message"));
	cr_assert_not_null(strstr(get(summary, "message"), "\\\\FILESRV2\\tools"), "%s",
			   get(summary, "message"));
	cr_assert_str_eq(get(summary, "smbwatch.finding.total_failed_logons"), "2");
	cr_assert_str_eq(get(summary, "smbwatch.finding.total_failed_lookups"), "3");
	free_records(r);
}

/* A Samba log file the audit shares (log.%m with `log level = 1 auth_json_audit:3`): Samba's
 * debug headers and their indented text are passed over, not malformed; the audit lines, with
 * and without the "JSON Authentication: " prefix, are read. */
Test(replay_merge, samba_log_debug_text_passed_over)
{
	char a[600];
	const char *files[1] = { a };
	struct json_object **r, *done;
	int i, opened;
	FILE *fa;

	fa = input(a, "log.198.18.0.5");
	fprintf(fa, "[2026/11/23 20:52:00.828005,  0] ../../source3/smbd/server.c:1741(main)\n"
		    "  smbd version 4.17.12-Debian started.\n"
		    "  Copyright Andrew Tridgell and the Samba Team 1992-2022\n");
	for (i = 1; i <= 3; i++) {
		fprintf(fa, "[2026/11/23 20:52:%02d.000000,  1] ../../source3/auth/auth.c:1(x)\n"
			    "  check_ntlm_password: Authentication for user [SMSCliToknAcct&] "
			    "-> [SMSCliToknAcct&] FAILED with error NT_STATUS_WRONG_PASSWORD\n",
			i);
		if (i == 2) /* as 4.17 writes it into log.%m: indented, no prefix */
			fprintf(fa,
				"  {\"timestamp\": \"2026-11-23T20:52:%02d.000000+0000\", \"type\": "
				"\"Authentication\", \"Authentication\": {\"status\": "
				"\"NT_STATUS_WRONG_PASSWORD\", \"remoteAddress\": "
				"\"ipv4:198.18.0.5:50002\", \"clientDomain\": \"CORP\", "
				"\"clientAccount\": \"SMSCliToknAcct&\", \"workstation\": \"WS042\"}}\n",
				i);
		else
			logon_rec(fa, i);
	}
	fclose(fa);

	r = replay(files, 1, NULL);
	with_action(r, "finding_opened", &opened);
	done = with_action(r, "replayed", &i);
	cr_assert_eq(opened, 1, "three wrong passwords: a finding");
	cr_assert_not_null(done);
	cr_assert_str_eq(get(done, "smbwatch.malformed"), "0");
	cr_assert_str_eq(get(done, "smbwatch.events"), "3");
	cr_assert_str_eq(get(done, "smbwatch.lines"), "12");
	free_records(r);
}

/* A compressed log cut short: the records before the cut are replayed, the cut is said, and
 * the exit status is 1. */
Test(replay_merge, gzip_cut_short_is_said)
{
	char a[600], cmd[2000];
	const char *argv[] = { "smbwatch", "replay", "--json", a };
	struct smbw_opts o;
	int saved = dup(1), i;
	FILE *fa;

	fa = input(a, "filesrv1.json");
	for (i = 0; i < 2000; i++)
		file_rec(fa, "FILESRV1", i % 60, "apps", "dir", "cwcsp.dll");
	fclose(fa);
	snprintf(cmd, sizeof(cmd), "gzip -n '%s' && head -c 2000 '%s.gz' > '%s'", a, a, a);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(smbw_parse_args(4, (char **)argv, &o, true), 0);
	fflush(stdout);
	cr_assert_not_null(freopen("/dev/null", "w", stdout));
	i = replay_run(&o);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	cr_assert_eq(i, 1, "a cut gzip file is a read error");
}

/* File after file would see FILESRV2's records after all of FILESRV1's: merged, the finding
 * opens at the third lookup in time, on FILESRV1, and ends at the last event in time. */
Test(replay_merge, merged_in_time_order)
{
	char a[600], b[600];
	const char *files[2] = { a, b };
	struct json_object **r;
	FILE *fa, *fb;
	int i;

	fa = input(a, "a.json");
	fb = input(b, "b.json");
	file_rec(fa, "FILESRV1", 10, "apps", "", "x.dll");
	file_rec(fa, "FILESRV1", 30, "apps", "bin", "x.dll");
	file_rec(fa, "FILESRV1", 50, "apps", "lib", "x.dll");
	file_rec(fb, "FILESRV2", 20, "tools", "", "x.dll");
	file_rec(fb, "FILESRV2", 40, "tools", "bin", "x.dll");
	fclose(fa);
	fclose(fb);
	r = replay(files, 2, NULL);
	for (i = 0; r[i]; i++)
		if (!strcmp(get(r[i], "event.action") ?: "", "finding_opened"))
			break;
	cr_assert_not_null(r[i]);
	cr_assert_str_eq(get(r[i], "event.end"), "2026-11-23T20:52:30.000000Z",
			 "the third lookup in time is FILESRV1's at :30");
	free_records(r);
}

Test(replay_merge, out_of_order_within_a_file_is_counted)
{
	char a[600];
	const char *files[1] = { a };
	struct json_object **r;
	FILE *fa;
	int i;

	fa = input(a, "stepped.json");
	logon_rec(fa, 30);
	logon_rec(fa, 10); /* the clock stepped back */
	logon_rec(fa, 40);
	fclose(fa);
	r = replay(files, 1, NULL);
	for (i = 0; r[i + 1]; i++)
		;
	cr_assert_str_eq(get(r[i], "event.action"), "replayed");
	cr_assert_str_eq(get(r[i], "smbwatch.out_of_order"), "1");
	cr_assert_str_eq(get(r[i], "smbwatch.events"), "3");
	cr_assert_str_eq(get(r[i], "smbwatch.findings"), "1", "all three in the window");
	free_records(r);
}

/* How many records of the action. */
static int count_action(struct json_object **r, const char *action)
{
	int i, n = 0;

	for (i = 0; r[i]; i++)
		n += !strcmp(get(r[i], "event.action") ?: "", action);
	return n;
}

/* --update-interval, end to end: a finding that keeps growing is written again only that often
 * (in record time), and its last state at the end. */
Test(replay_merge, update_interval)
{
	char a[600];
	const char *files[1] = { a };
	struct json_object **r;
	FILE *f;
	int sec;

	f = input(a, "a.json");
	for (sec = 0; sec < 10; sec++) /* the 10th failed lookup opens the finding, at :09 */
		file_rec(f, "FILESRV", sec, "apps", "", "x.dll");
	for (sec = 14; sec < 60; sec += 5)
		file_rec(f, "FILESRV", sec, "apps", "", "x.dll");
	fclose(f);
	r = replay(files, 1, NULL);
	cr_assert_eq(count_action(r, "finding_opened"), 1);
	cr_assert_eq(count_action(r, "finding_updated"), 5, "every 10 s: :19 :29 :39 :49 :59");
	cr_assert_eq(count_action(r, "finding_summary"), 1);
	free_records(r);
	r = replay(files, 1, "--update-interval=30");
	cr_assert_eq(count_action(r, "finding_opened"), 1);
	cr_assert_eq(count_action(r, "finding_updated"), 1, "every 30 s: :39");
	cr_assert_eq(count_action(r, "finding_summary"), 1);
	free_records(r);
}
