// SPDX-License-Identifier: GPL-2.0
/* The detector: sliding windows, one finding per (account, client) opened once and updated
 * (not repeated), the lockout countdown, PATH searches, account matching, the summary and the
 * bounded key table. Findings are recorded by a callback into a static table. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "cli/args.h"
#include "detect/detect.h"

#define T0 1795467141000000ULL /* 2026-11-23T20:52:21Z, a whole second */
#define S(x) ((uint64_t)(x) * 1000000ULL)

#define OK 0x00000000U
#define WRONG_PASSWORD 0xc000006aU
#define NO_SUCH_USER 0xc0000064U
#define ACCOUNT_LOCKED_OUT 0xc0000234U
#define OBJECT_NAME_NOT_FOUND 0xc0000034U
#define BAD_NETWORK_NAME 0xc00000ccU

#define ACCT "SMSCliToknAcct&"
#define IP "198.18.0.5"

/* One emitted finding, copied out of the callback (the message is only valid during it). */
struct rec {
	char action[32];
	struct det_finding f;
	char fstr[DET_MAX_FILES][3][DET_PATH]; /* f.files[]'s strings, copied */
	char msg[4096];
	char rule_id[64];
};

#define MAX_RECS 256
static struct rec recs[MAX_RECS];
static int nrecs;
static int cookie;
static struct det_config cfg;
static struct detector *det;

static void record(void *arg, const struct det_finding *f, const char *action)
{
	struct rec *r;

	cr_assert_eq(arg, &cookie, "the callback gets the detector's arg");
	cr_assert_lt(nrecs, MAX_RECS, "too many findings emitted");
	cr_assert_not_null(f->message, "a finding always has a message");
	r = &recs[nrecs++];
	snprintf(r->action, sizeof(r->action), "%s", action);
	r->f = *f;
	r->f.message = NULL;
	for (int i = 0; i < f->nfiles; i++) {
		snprintf(r->fstr[i][0], DET_PATH, "%s", f->files[i].server);
		snprintf(r->fstr[i][1], DET_PATH, "%s", f->files[i].share);
		snprintf(r->fstr[i][2], DET_PATH, "%s", f->files[i].path);
		r->f.files[i].server = r->fstr[i][0];
		r->f.files[i].share = r->fstr[i][1];
		r->f.files[i].path = r->fstr[i][2];
	}
	snprintf(r->msg, sizeof(r->msg), "%s", f->message);
	snprintf(r->rule_id, sizeof(r->rule_id), "%s", det_rule_id(f));
}

static void setup(void)
{
	det_config_defaults(&cfg);
	nrecs = 0;
	det = NULL;
}

static void teardown(void)
{
	det_free(det);
}

TestSuite(detect, .init = setup, .fini = teardown);

/* Creates the detector from cfg, once the test has set it up. */
static void start(void)
{
	det = det_new(&cfg, record, &cookie);
	cr_assert_not_null(det);
}

static void logon_from(uint64_t ts, uint32_t status, const char *account, const char *ip)
{
	struct det_event e = {
		.kind = DET_LOGON,
		.ts_us = ts,
		.status = status,
		.account = account,
		.domain = "CORP",
		.workstation = "WS042",
		.ip = ip,
		.port = 55326,
	};

	det_feed(det, &e);
}

static void logon(uint64_t ts, uint32_t status)
{
	logon_from(ts, status, ACCT, IP);
}

/* A failed open of path (inside share) on \\FILESRV. */
static void lookup_from(uint64_t ts, const char *account, const char *ip, const char *share,
			const char *path)
{
	char unc[512], *p;
	struct det_event e = {
		.kind = DET_LOOKUP,
		.ts_us = ts,
		.status = OBJECT_NAME_NOT_FOUND,
		.account = account,
		.domain = "CORP",
		.workstation = "WS042",
		.ip = ip,
		.port = 55326,
		.share = share,
		.path = path,
		.unc = unc,
	};

	snprintf(unc, sizeof(unc), "\\\\FILESRV\\%s\\%s", share, path);
	for (p = unc; *p; p++)
		if (*p == '/')
			*p = '\\';
	det_feed(det, &e);
}

static void lookup(uint64_t ts, const char *share, const char *path)
{
	lookup_from(ts, ACCT, IP, share, path);
}

/* A failed connect to a share that does not exist. */
static void tree_fail(uint64_t ts, const char *share)
{
	char unc[256];
	struct det_event e = {
		.kind = DET_LOOKUP,
		.ts_us = ts,
		.status = BAD_NETWORK_NAME,
		.account = ACCT,
		.domain = "CORP",
		.workstation = "WS042",
		.ip = IP,
		.port = 55326,
		.share = share,
		.unc = unc,
		.is_tree = true,
	};

	snprintf(unc, sizeof(unc), "\\\\FILESRV\\%s", share);
	det_feed(det, &e);
}

static int count(const char *action)
{
	int i, n = 0;

	for (i = 0; i < nrecs; i++)
		if (!strcmp(recs[i].action, action))
			n++;
	return n;
}

static const struct rec *last(void)
{
	cr_assert_gt(nrecs, 0, "no finding emitted");
	return &recs[nrecs - 1];
}

static struct det_stats stats(void)
{
	struct det_stats s;

	memset(&s, 0xff, sizeof(s));
	det_get_stats(det, &s);
	return s;
}

/* Whether the PATH-search directories of r include (share, path). */
static bool path_has(const struct rec *r, const char *share, const char *path)
{
	int i;

	for (i = 0; i < r->f.npath_files; i++) {
		const struct det_file *x = &r->f.files[r->f.path_files[i]];

		if (!strcmp(x->share, share) && !strcmp(x->path, path))
			return true;
	}
	return false;
}

/* --- configuration --- */

Test(detect, config_defaults)
{
	struct det_config c;

	memset(&c, 0xa5, sizeof(c));
	det_config_defaults(&c);
	cr_assert_eq(c.window_s, 300);
	cr_assert_eq(c.logon_threshold, 3);
	cr_assert_eq(c.lookup_threshold, 10);
	cr_assert_eq(c.path_threshold, 3);
	cr_assert_eq(c.lockout_threshold, 0);
	cr_assert_eq(c.lockout_window_s, 1800);
	cr_assert_eq(c.update_interval_s, 10);
	cr_assert_not(c.all_accounts);
	cr_assert_eq(c.nwatch, 0);
}

/* README: at least a million (account, client) pairs by default. */
Test(detect, config_default_max_keys)
{
	struct det_config c;

	det_config_defaults(&c);
	cr_assert_eq(c.max_keys, DET_DEFAULT_MAX_PAIRS);
	cr_assert_geq(c.max_keys, 1000000);
}

/* --- thresholds and windows --- */

Test(detect, below_threshold_no_finding)
{
	struct det_stats s;

	start();
	logon(T0, NO_SUCH_USER);
	logon(T0 + S(1), NO_SUCH_USER);
	cr_assert_eq(nrecs, 0);
	s = stats();
	cr_assert_eq(s.events, 2);
	cr_assert_eq(s.ignored, 0);
	cr_assert_eq(s.findings, 0);
	cr_assert_eq(s.updates, 0);
	det_finish(det);
	cr_assert_eq(nrecs, 0, "no summary for a finding that never opened");
}

Test(detect, threshold_opens_exactly_one_finding)
{
	const struct rec *r;
	struct det_stats s;
	int i;

	start();
	for (i = 0; i < 5; i++)
		logon(T0 + (uint64_t)i * 100000, NO_SUCH_USER);
	cr_assert_eq(nrecs, 1);
	r = &recs[0];
	cr_assert_str_eq(r->action, "finding_opened");
	cr_assert_eq(r->f.id, 1);
	cr_assert_str_eq(r->f.account, ACCT);
	cr_assert_str_eq(r->f.domain, "CORP");
	cr_assert_str_eq(r->f.ip, IP);
	cr_assert_str_eq(r->f.workstation, "WS042");
	cr_assert_eq(r->f.failed_logons, 3);
	cr_assert_eq(r->f.total_failed_logons, 3);
	cr_assert_eq(r->f.failed_lookups, 0);
	cr_assert_eq(r->f.start_us, T0);
	cr_assert_eq(r->f.end_us, T0 + 200000);
	cr_assert_eq(r->f.window_s, 300);
	cr_assert(r->f.rule_lockout);
	cr_assert_not(r->f.rule_lookups);
	cr_assert_not(r->f.rule_path);
	cr_assert_eq(r->f.n_logon_statuses, 1);
	cr_assert_eq(r->f.logon_statuses[0].status, NO_SUCH_USER);
	cr_assert_eq(r->f.logon_statuses[0].count, 3);
	cr_assert_eq(r->f.lockout_remaining, -1);
	cr_assert_not(r->f.locked_out);
	cr_assert_str_eq(r->rule_id, "smbwatch-lockout-risk");
	cr_assert_str_eq(det_rule_name(&r->f),
			 "Lockout risk: repeated failed logons of one account from one client");
	s = stats();
	cr_assert_eq(s.events, 5);
	cr_assert_eq(s.findings, 1);
	cr_assert_eq(s.updates, 0);
}

/* window 60 s: 60 slices of 1 s. An event 61 s old no longer counts. */
Test(detect, window_slides_logons_out)
{
	cfg.window_s = 60;
	start();
	logon(T0, NO_SUCH_USER);
	logon(T0 + S(30), NO_SUCH_USER);
	logon(T0 + S(61), NO_SUCH_USER);
	cr_assert_eq(nrecs, 0, "the first logon left the window");
	logon(T0 + S(62), NO_SUCH_USER);
	cr_assert_eq(nrecs, 1);
	cr_assert_str_eq(recs[0].action, "finding_opened");
	cr_assert_eq(recs[0].f.failed_logons, 3);
	cr_assert_eq(recs[0].f.total_failed_logons, 4);
	cr_assert_eq(recs[0].f.window_s, 60);
}

Test(detect, window_keeps_recent_events)
{
	cfg.window_s = 60;
	start();
	logon(T0, NO_SUCH_USER);
	logon(T0 + S(30), NO_SUCH_USER);
	logon(T0 + S(59), NO_SUCH_USER);
	cr_assert_eq(nrecs, 1);
	cr_assert_eq(recs[0].f.failed_logons, 3);
}

Test(detect, window_slides_lookups_out)
{
	cfg.window_s = 60;
	cfg.lookup_threshold = 3;
	start();
	lookup(T0, "apps", "a1.txt");
	lookup(T0 + S(1), "apps", "a2.txt");
	lookup(T0 + S(100), "apps", "a3.txt");
	lookup(T0 + S(101), "apps", "a4.txt");
	cr_assert_eq(nrecs, 0);
	lookup(T0 + S(102), "apps", "a5.txt");
	cr_assert_eq(nrecs, 1);
	cr_assert(recs[0].f.rule_lookups);
	cr_assert_not(recs[0].f.rule_path);
	cr_assert_eq(recs[0].f.failed_lookups, 3);
	cr_assert_eq(recs[0].f.total_failed_lookups, 5);
	cr_assert_str_eq(recs[0].rule_id, "smbwatch-failed-lookups");
	cr_assert_str_eq(det_rule_name(&recs[0].f),
			 "Repeated failed lookups: one account from one client");
}

/* --update-interval: counts that grew are written again no sooner than it says. */
Test(detect, update_interval_is_the_config)
{
	int i;

	cfg.update_interval_s = 60;
	start();
	for (i = 0; i < 10; i++)
		lookup(T0 + (uint64_t)i * 10000, "apps", "bin/cwcsp.dll");
	cr_assert_eq(nrecs, 1);
	lookup(T0 + S(11), "apps", "bin/cwcsp.dll");
	lookup(T0 + S(59), "apps", "bin/cwcsp.dll");
	cr_assert_eq(nrecs, 1, "no update before 60 s");
	lookup(T0 + S(61), "apps", "bin/cwcsp.dll");
	cr_assert_eq(nrecs, 2);
	cr_assert_str_eq(recs[1].action, "finding_updated");
	cr_assert_eq(recs[1].f.total_failed_lookups, 13);
}

/* 100 failed lookups in one second: one finding, opened once, no repeat records. */
Test(detect, burst_gives_one_record_then_timed_updates)
{
	struct det_stats s;
	int i;

	start();
	for (i = 0; i < 100; i++)
		lookup(T0 + (uint64_t)i * 10000, "apps", "bin/cwcsp.dll");
	cr_assert_eq(nrecs, 1);
	cr_assert_str_eq(recs[0].action, "finding_opened");
	cr_assert_eq(recs[0].f.failed_lookups, 10);
	cr_assert_eq(recs[0].f.nfiles, 1);
	cr_assert_eq(recs[0].f.files[0].count, 10);

	lookup(T0 + S(5), "apps", "bin/cwcsp.dll");
	cr_assert_eq(nrecs, 1, "no update before update_interval");
	lookup(T0 + S(11), "apps", "bin/cwcsp.dll");
	cr_assert_eq(nrecs, 2);
	cr_assert_str_eq(recs[1].action, "finding_updated");
	cr_assert_eq(recs[1].f.id, 1);
	cr_assert_eq(recs[1].f.total_failed_lookups, 102);
	cr_assert_eq(recs[1].f.failed_lookups, 102);
	cr_assert_eq(recs[1].f.files[0].count, 102);

	/* the interval counts from the last record */
	lookup(T0 + S(20), "apps", "bin/cwcsp.dll");
	cr_assert_eq(nrecs, 2);
	lookup(T0 + S(21), "apps", "bin/cwcsp.dll");
	cr_assert_eq(nrecs, 3);
	cr_assert_eq(recs[2].f.total_failed_lookups, 104);

	s = stats();
	cr_assert_eq(s.events, 104);
	cr_assert_eq(s.findings, 1);
	cr_assert_eq(s.updates, 2);
	cr_assert_eq(count("finding_opened"), 1);
	cr_assert_eq(count("finding_updated"), 2);
}

/* A finding's files: the most sought first, then in strcmp's order of their paths, bytes
 * unsigned (UTF-8 after ASCII), a prefix before what extends it, paths alike in their first 8
 * bytes by the rest. Fed in an order unlike that one. */
Test(detect, files_most_sought_then_by_path)
{
	static const struct {
		const char *path;
		int times;
	} fed[] = {
		{ "zz.dll", 1 },	      { "common/lib_b.dll", 1 }, { "\xc3\xa9t\xc3\xa9.dll", 1 },
		{ "common/lib_a.dll", 1 }, { "a", 1 },		 { "common/lib", 1 },
		{ "big.dll", 3 },	      { "a/b", 1 },		 { "common/lib_a.dl", 1 },
		{ "mid.dll", 2 },	      { "Zed.dll", 1 },
	};
	static const char *const want[] = { "big.dll",	       "mid.dll",	  "Zed.dll",
					     "a",	       "a/b",		  "common/lib",
					     "common/lib_a.dl", "common/lib_a.dll", "common/lib_b.dll",
					     "zz.dll",	       "\xc3\xa9t\xc3\xa9.dll" };
	const struct rec *r;
	uint64_t t = T0;
	size_t i;
	int k;

	cfg.lookup_threshold = 15; /* the 14 lookups fed, then one more opens the finding */
	start();
	for (i = 0; i < sizeof(fed) / sizeof(fed[0]); i++)
		for (k = 0; k < fed[i].times; k++)
			lookup(t += 1000, "apps", fed[i].path);
	cr_assert_eq(nrecs, 0);
	lookup(t += 1000, "apps", "big.dll");
	cr_assert_eq(nrecs, 1);
	r = last();
	cr_assert_not_null(r);
	cr_assert_eq(r->f.nfiles, (int)(sizeof(want) / sizeof(want[0])));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_assert_str_eq(r->f.files[i].path, want[i], "file %zu: %s, want %s", i,
				 r->f.files[i].path, want[i]);
}

/* A full table of files makes room by dropping the least sought, the longest unsought of
 * those: not a file sought more often, however long ago, nor a newer one sought as often
 * (the files' own order, by count then path, is not the age: once31 is the oldest). */
Test(detect, full_files_drop_the_least_sought_oldest)
{
	char path[32];
	const struct rec *r;
	uint64_t t = T0;
	int i, j;
	bool often = false, newest = false, oldest_once = false, next_once = false;

	cfg.lookup_threshold = DET_MAX_FILES + 3;
	start();
	lookup(t += 1000, "apps", "often.dll"); /* the oldest, but sought twice */
	lookup(t += 1000, "apps", "often.dll");
	for (i = DET_MAX_FILES - 1; i >= 1; i--) { /* once31 first; the table is then full */
		snprintf(path, sizeof(path), "once%02d.dll", i);
		lookup(t += 1000, "apps", path);
	}
	lookup(t += 1000, "apps", "once01.dll"); /* the newest, now sought twice too */
	cr_assert_eq(nrecs, 0);
	lookup(t += 1000, "apps", "new.dll"); /* drops once31, the oldest of those sought once */
	cr_assert_eq(nrecs, 1);
	r = last();
	cr_assert_eq(r->f.nfiles, DET_MAX_FILES);
	for (j = 0; j < r->f.nfiles; j++) {
		often |= !strcmp(r->f.files[j].path, "often.dll");
		newest |= !strcmp(r->f.files[j].path, "new.dll");
		oldest_once |= !strcmp(r->f.files[j].path, "once31.dll");
		next_once |= !strcmp(r->f.files[j].path, "once30.dll");
	}
	cr_assert(often, "often.dll, sought twice, is kept");
	cr_assert(newest, "new.dll is kept");
	cr_assert(!oldest_once, "once31.dll, the oldest sought once, is dropped");
	cr_assert(next_once, "once30.dll, sought once but later, is kept");
}

/* Names are one file whatever their case, at every length the name hash steps through (8
 * bytes at a time, then the rest), with bytes beside the letters ('@', '[', '`', '{', and
 * bytes above 0x7f) in them. */
Test(detect, file_names_fold_case_at_every_length)
{
	static const char upper[] = "A@Z[B`Y{C\xc1" "D\xda" "EFGHIJKLMNOP",
			  lower[] = "a@z[b`y{c\xc1" "d\xda" "efghijklmnop";
	const size_t most = sizeof(upper) - 1;
	char path[2][32];
	const struct rec *r;
	uint64_t t = T0;
	size_t n;
	int j;

	cr_assert_leq(most, DET_MAX_FILES);
	cfg.lookup_threshold = (uint32_t)(2 * most);
	start();
	for (n = 1; n <= most; n++) {
		snprintf(path[0], sizeof(path[0]), "%.*s", (int)n, upper);
		snprintf(path[1], sizeof(path[1]), "%.*s", (int)n, lower);
		lookup(t += 1000, "APPS", path[0]);
		lookup(t += 1000, "apps", path[1]);
	}
	cr_assert_eq(nrecs, 1);
	r = last();
	cr_assert_eq(r->f.nfiles, (int)most, "%d files for %zu names", r->f.nfiles, most);
	for (j = 0; j < r->f.nfiles; j++)
		cr_assert_eq(r->f.files[j].count, 2, "%s", r->f.files[j].path);
}

/* Quiet counts (nothing new) give no update, whatever the time. */
Test(detect, no_update_without_new_events)
{
	start();
	logon(T0, NO_SUCH_USER);
	logon(T0, NO_SUCH_USER);
	logon(T0, NO_SUCH_USER);
	cr_assert_eq(nrecs, 1);
	logon_from(T0 + S(100), OK, ACCT, IP); /* a success: no failure counted */
	cr_assert_eq(nrecs, 1);
}

/* --- one finding per (account, client) --- */

Test(detect, logons_and_lookups_share_one_finding)
{
	const struct rec *r;
	char path[32];
	int i;

	start();
	for (i = 0; i < 3; i++)
		logon(T0, NO_SUCH_USER);
	cr_assert_eq(nrecs, 1);
	cr_assert(recs[0].f.rule_lockout);
	cr_assert_not(recs[0].f.rule_lookups);
	/* the same account spelt otherwise */
	for (i = 0; i < 10; i++) {
		snprintf(path, sizeof(path), "dir%d/f%d.txt", i, i);
		lookup_from(T0 + S(1), "corp\\smsclitoknacct&", IP, "apps", path);
	}
	cr_assert_eq(nrecs, 2);
	r = &recs[1];
	cr_assert_str_eq(r->action, "finding_updated", "a new rule holds: updated, not opened");
	cr_assert_eq(r->f.id, 1);
	cr_assert(r->f.rule_lockout);
	cr_assert(r->f.rule_lookups);
	cr_assert_eq(r->f.failed_logons, 3);
	cr_assert_eq(r->f.failed_lookups, 10);
	cr_assert_eq(r->f.total_failed_logons, 3);
	cr_assert_eq(r->f.total_failed_lookups, 10);
	cr_assert_eq(r->f.nfiles, 10);
	cr_assert_str_eq(r->f.account, ACCT);
	cr_assert_str_eq(r->rule_id, "smbwatch-lockout-risk");
	cr_assert_not_null(strstr(r->msg, "3 failed logons (NO_SUCH_USER x3) and 10 failed lookups "
					  "in the last 300 s"), "%s", r->msg);
	cr_assert_eq(stats().findings, 1);
}

Test(detect, different_ips_different_findings)
{
	static const char *const ips[] = { "198.18.0.5", "198.18.0.6", "2001:db8::6" };
	int i, j;

	start();
	for (i = 0; i < 3; i++)
		for (j = 0; j < 3; j++)
			logon_from(T0 + S(i), NO_SUCH_USER, ACCT, ips[i]);
	cr_assert_eq(nrecs, 3);
	for (i = 0; i < 3; i++) {
		cr_assert_str_eq(recs[i].action, "finding_opened");
		cr_assert_eq(recs[i].f.id, (uint64_t)i + 1);
		cr_assert_str_eq(recs[i].f.ip, ips[i]);
		cr_assert_eq(recs[i].f.failed_logons, 3);
		cr_assert_eq(recs[i].f.total_failed_logons, 3);
	}
	cr_assert_eq(stats().findings, 3);
}

Test(detect, different_accounts_different_findings)
{
	cfg.all_accounts = true;
	start();
	logon_from(T0, NO_SUCH_USER, "alice", IP);
	logon_from(T0, NO_SUCH_USER, "bob", IP);
	logon_from(T0, NO_SUCH_USER, "alice", IP);
	logon_from(T0, NO_SUCH_USER, "bob", IP);
	cr_assert_eq(nrecs, 0);
	logon_from(T0, NO_SUCH_USER, "ALICE", IP);
	cr_assert_eq(nrecs, 1);
	cr_assert_str_eq(recs[0].f.account, "alice");
	cr_assert_eq(recs[0].f.failed_logons, 3);
}

/* --- lockout countdown --- */

Test(detect, countdown_two_bad_leaves_three)
{
	cfg.lockout_threshold = 5;
	cfg.logon_threshold = 1;
	start();
	logon(T0, WRONG_PASSWORD);
	cr_assert_eq(nrecs, 1);
	cr_assert_eq(recs[0].f.lockout_remaining, 4);
	logon(T0 + S(1), WRONG_PASSWORD);
	cr_assert_eq(nrecs, 2, "the countdown moved: an update at once");
	cr_assert_str_eq(recs[1].action, "finding_updated");
	cr_assert_eq(recs[1].f.lockout_remaining, 3);
	cr_assert_not(recs[1].f.locked_out);
	cr_assert_not_null(strstr(recs[1].msg, "; 3 more bad passwords and SMSCliToknAcct& is "
					       "locked out."), "%s", recs[1].msg);
}

Test(detect, countdown_success_resets)
{
	cfg.lockout_threshold = 5;
	cfg.logon_threshold = 1;
	start();
	logon(T0, WRONG_PASSWORD);
	logon(T0 + S(1), WRONG_PASSWORD);
	cr_assert_eq(last()->f.lockout_remaining, 3);
	logon(T0 + S(2), OK);
	cr_assert_eq(nrecs, 2, "a successful logon is no finding record");
	logon(T0 + S(3), WRONG_PASSWORD);
	cr_assert_eq(nrecs, 3);
	cr_assert_eq(last()->f.lockout_remaining, 4);
	cr_assert_eq(last()->f.total_failed_logons, 3);
}

Test(detect, countdown_lockout_window_expiry_resets)
{
	cfg.lockout_threshold = 5;
	cfg.logon_threshold = 1;
	cfg.lockout_window_s = 1800;
	start();
	logon(T0, WRONG_PASSWORD);
	logon(T0 + S(1), WRONG_PASSWORD);
	cr_assert_eq(last()->f.lockout_remaining, 3);
	logon(T0 + S(1001), WRONG_PASSWORD); /* 1000 s after the last bad one: still counted */
	cr_assert_eq(last()->f.lockout_remaining, 2);
	logon(T0 + S(1001 + 1801), WRONG_PASSWORD); /* 1801 s of quiet: the count restarts */
	cr_assert_str_eq(last()->action, "finding_updated");
	cr_assert_eq(last()->f.lockout_remaining, 4);
	cr_assert_eq(last()->f.id, 1);
}

Test(detect, countdown_account_locked_out)
{
	const struct rec *r;

	cfg.lockout_threshold = 5;
	start();
	logon(T0, ACCOUNT_LOCKED_OUT);
	cr_assert_eq(nrecs, 1, "ACCOUNT_LOCKED_OUT opens a finding below the logon threshold");
	r = &recs[0];
	cr_assert_str_eq(r->action, "finding_opened");
	cr_assert(r->f.rule_lockout);
	cr_assert(r->f.locked_out);
	cr_assert_eq(r->f.lockout_remaining, 0);
	cr_assert_eq(r->f.failed_logons, 1);
	cr_assert_str_eq(r->rule_id, "smbwatch-lockout-risk");
	cr_assert_str_eq(r->msg, "CORP\\SMSCliToknAcct& from 198.18.0.5 (WS042): 1 failed logon "
				 "(ACCOUNT_LOCKED_OUT x1) in the last 300 s; the account is "
				 "locked out.");
}

Test(detect, countdown_locked_out_without_policy)
{
	start();
	logon(T0, ACCOUNT_LOCKED_OUT);
	cr_assert_eq(nrecs, 1);
	cr_assert(recs[0].f.locked_out);
	cr_assert_eq(recs[0].f.lockout_remaining, 0);
}

Test(detect, countdown_success_unlocks)
{
	cfg.lockout_threshold = 5;
	start();
	logon(T0, ACCOUNT_LOCKED_OUT);
	logon(T0 + S(1), OK);
	logon(T0 + S(20), NO_SUCH_USER);
	cr_assert_eq(nrecs, 2);
	cr_assert_str_eq(recs[1].action, "finding_updated");
	cr_assert_not(recs[1].f.locked_out);
	cr_assert_eq(recs[1].f.lockout_remaining, 5);
}

Test(detect, countdown_success_after_lockout_without_policy)
{
	/* Regression (was a bug): with no lockout_threshold, a successful logon after ACCOUNT_LOCKED_OUT clears
	 * locked_out but leaves lockout_remaining at 0 (lockout_update() only recomputes it when
	 * a threshold is configured), so the finding reads "the lockout threshold is reached"
	 * for an account that just logged on. Expected -1 ("no policy given"). */
	start();
	logon(T0, ACCOUNT_LOCKED_OUT);
	logon(T0 + S(1), OK);
	logon(T0 + S(20), NO_SUCH_USER);
	cr_assert_eq(nrecs, 2);
	cr_assert_not(recs[1].f.locked_out);
	cr_assert_eq(recs[1].f.lockout_remaining, -1, "got %d", recs[1].f.lockout_remaining);
	cr_assert_null(strstr(recs[1].msg, "lockout threshold is reached"), "%s", recs[1].msg);
}

Test(detect, countdown_reaches_zero)
{
	int i;

	cfg.lockout_threshold = 5;
	cfg.logon_threshold = 1;
	start();
	for (i = 0; i < 5; i++)
		logon(T0 + (uint64_t)i * 1000, WRONG_PASSWORD);
	cr_assert_eq(nrecs, 5, "one record per step of the countdown");
	for (i = 0; i < 5; i++)
		cr_assert_eq(recs[i].f.lockout_remaining, 4 - i);
	cr_assert_not(last()->f.locked_out);
	cr_assert_not_null(strstr(last()->msg, "; the lockout threshold is reached."), "%s",
			   last()->msg);
	logon(T0 + 6000, WRONG_PASSWORD);
	cr_assert_eq(nrecs, 5, "0 stays 0: no update");
	logon(T0 + 7000, ACCOUNT_LOCKED_OUT);
	cr_assert_eq(nrecs, 6, "the account became locked: an update at once");
	cr_assert_str_eq(last()->action, "finding_updated");
	cr_assert(last()->f.locked_out);
	cr_assert_eq(last()->f.lockout_remaining, 0);
	cr_assert_not_null(strstr(last()->msg, "; the account is locked out."), "%s", last()->msg);
}

Test(detect, countdown_ignores_no_such_user)
{
	cfg.lockout_threshold = 5;
	start();
	logon(T0, NO_SUCH_USER);
	logon(T0, NO_SUCH_USER);
	logon(T0, NO_SUCH_USER);
	cr_assert_eq(nrecs, 1);
	cr_assert_eq(recs[0].f.lockout_remaining, 5);
	logon(T0 + S(1), WRONG_PASSWORD);
	cr_assert_eq(nrecs, 2);
	cr_assert_eq(recs[1].f.lockout_remaining, 4);
	logon(T0 + S(2), NO_SUCH_USER);
	logon(T0 + S(3), NO_SUCH_USER);
	cr_assert_eq(nrecs, 2, "NO_SUCH_USER does not move the countdown");
	logon(T0 + S(4), WRONG_PASSWORD);
	cr_assert_eq(nrecs, 3);
	cr_assert_eq(recs[2].f.lockout_remaining, 3);
	cr_assert_eq(recs[2].f.total_failed_logons, 7);
}

Test(detect, countdown_without_policy_is_minus_one)
{
	start();
	logon(T0, WRONG_PASSWORD);
	logon(T0, WRONG_PASSWORD);
	logon(T0, WRONG_PASSWORD);
	cr_assert_eq(nrecs, 1);
	cr_assert_eq(recs[0].f.lockout_remaining, -1);
	cr_assert_not(recs[0].f.locked_out);
	cr_assert_str_eq(recs[0].msg, "CORP\\SMSCliToknAcct& from 198.18.0.5 (WS042): 3 failed "
				      "logons (WRONG_PASSWORD x3) in the last 300 s.");
}

/* The domain controller counts per account: bad passwords from every client add up. */
Test(detect, countdown_is_per_account)
{
	cfg.lockout_threshold = 5;
	cfg.logon_threshold = 1;
	start();
	logon_from(T0, WRONG_PASSWORD, ACCT, "198.18.0.5");
	logon_from(T0 + S(1), WRONG_PASSWORD, ACCT, "198.18.0.5");
	logon_from(T0 + S(2), WRONG_PASSWORD, "CORP\\smsclitoknacct&", "198.18.0.6");
	cr_assert_eq(nrecs, 3);
	cr_assert_str_eq(recs[2].action, "finding_opened");
	cr_assert_str_eq(recs[2].f.ip, "198.18.0.6");
	cr_assert_eq(recs[2].f.id, 2);
	cr_assert_eq(recs[2].f.lockout_remaining, 2);
}

/* --- PATH search --- */

Test(detect, path_search_groups_one_name)
{
	const struct rec *r;

	start();
	lookup(T0, "apps", "cwcsp.dll");
	lookup(T0 + S(1), "apps", "cwcsp.dll");
	lookup(T0 + S(2), "apps", "bin/cwcsp.dll");
	cr_assert_eq(nrecs, 0, "two directories are not a PATH search");
	lookup(T0 + S(3), "tools", "cwcsp.dll");
	cr_assert_eq(nrecs, 1);
	r = &recs[0];
	cr_assert_str_eq(r->action, "finding_opened");
	cr_assert(r->f.rule_path);
	cr_assert_not(r->f.rule_lookups);
	cr_assert_not(r->f.rule_lockout);
	cr_assert_str_eq(r->f.path_name, "cwcsp.dll");
	cr_assert_eq(r->f.npath_files, 3);
	cr_assert(path_has(r, "apps", "cwcsp.dll"));
	cr_assert(path_has(r, "apps", "bin/cwcsp.dll"));
	cr_assert(path_has(r, "tools", "cwcsp.dll"));
	cr_assert_str_eq(r->f.server, "FILESRV");
	cr_assert_eq(r->f.nfiles, 3);
	cr_assert_eq(r->f.failed_lookups, 4);
	cr_assert_str_eq(r->rule_id, "smbwatch-path-search");
	cr_assert_str_eq(det_rule_name(&r->f),
			 "PATH search: one file sought in several directories or shares");
	/* the most sought first, then by path */
	cr_assert_str_eq(r->msg, "CORP\\SMSCliToknAcct& from 198.18.0.5 (WS042): 4 failed lookups in "
				 "the last 300 s; it looks for cwcsp.dll in \\\\FILESRV\\apps, "
				 "\\\\FILESRV\\apps\\bin, \\\\FILESRV\\tools.");
}

/* A full file table: the file a new one replaces no longer counts among the directories its
 * name was sought in. x.dll in a/ (sought once, the least sought) and b/ (twice), then in c/:
 * c/ replaces a/, so two directories are kept, not three. Another client, whose table is not
 * full, is found for the same three lookups. */
Test(detect, path_search_full_table_counts_kept_directories)
{
	char path[32];
	uint64_t t = T0;
	int i;

	cfg.lookup_threshold = 1000;
	start();
	lookup(t += 1000, "apps", "a/x.dll");
	lookup(t += 1000, "apps", "b/x.dll");
	lookup(t += 1000, "apps", "b/x.dll");
	for (i = 0; i < DET_MAX_FILES - 2; i++) { /* the table is then full, each sought twice */
		snprintf(path, sizeof(path), "f%02d.dll", i);
		lookup(t += 1000, "apps", path);
		lookup(t += 1000, "apps", path);
	}
	lookup(t += 1000, "apps", "c/x.dll");
	cr_assert_eq(nrecs, 0, "a/x.dll was replaced: x.dll is kept in two directories");

	lookup_from(t += 1000, ACCT, "198.18.0.6", "apps", "a/x.dll");
	lookup_from(t += 1000, ACCT, "198.18.0.6", "apps", "b/x.dll");
	lookup_from(t += 1000, ACCT, "198.18.0.6", "apps", "c/x.dll");
	cr_assert_eq(nrecs, 1, "the same three directories, nothing replaced");
	cr_assert(recs[0].f.rule_path);
	cr_assert_str_eq(recs[0].f.ip, "198.18.0.6");
	cr_assert_eq(recs[0].f.npath_files, 3);
}

Test(detect, path_search_is_case_insensitive)
{
	const struct rec *r;

	start();
	lookup(T0, "apps", "cwcsp.dll");
	lookup(T0, "apps", "bin/CWCSP.DLL");
	lookup(T0, "tools", "CwCsp.Dll");
	cr_assert_eq(nrecs, 1);
	r = &recs[0];
	cr_assert(r->f.rule_path);
	cr_assert_eq(r->f.npath_files, 3);
	cr_assert_eq(strcasecmp(r->f.path_name, "cwcsp.dll"), 0, "%s", r->f.path_name);
	cr_assert(path_has(r, "apps", "cwcsp.dll"));
	cr_assert(path_has(r, "apps", "bin/CWCSP.DLL"));
	cr_assert(path_has(r, "tools", "CwCsp.Dll"));
}

Test(detect, path_search_different_names_do_not_group)
{
	start();
	lookup(T0, "apps", "a.dll");
	lookup(T0, "apps", "bin/b.dll");
	lookup(T0, "tools", "c.dll");
	cr_assert_eq(nrecs, 0);
	/* two of one name and one of another: still only two directories */
	lookup(T0, "apps", "x.dll");
	lookup(T0, "apps", "bin/x.dll");
	lookup(T0, "tools", "y.dll");
	lookup(T0, "apps", "bin/x.dll.bak");
	lookup(T0, "apps", "bin/xx.dll");
	cr_assert_eq(nrecs, 0);
	cr_assert_eq(stats().findings, 0);
}

/* Searches for one name in one directory in another case are one directory, not two. */
Test(detect, path_search_same_directory_twice_is_one)
{
	/* Regression (was a bug): add_file() keys files by exact (share, path), so "apps/cwcsp.dll" and
	 * "apps/CWCSP.DLL" are two files and path_search() counts them as two directories:
	 * 2 real directories open a PATH search with path_threshold 3 (npath_files 3). */
	start();
	lookup(T0, "apps", "cwcsp.dll");
	lookup(T0, "apps", "CWCSP.DLL");
	lookup(T0, "apps", "bin/cwcsp.dll");
	cr_assert_eq(nrecs, 0, "only 2 directories (apps, apps\\bin): got %d finding(s), "
		     "npath_files %d", nrecs, nrecs ? recs[0].f.npath_files : 0);
}

Test(detect, path_search_counts_missing_shares)
{
	const struct rec *r;

	start();
	tree_fail(T0, "nothere");
	lookup(T0 + S(1), "apps", "cwcsp.dll");
	cr_assert_eq(nrecs, 0, "one real directory: missing shares do not count yet");
	lookup(T0 + S(2), "apps", "bin/cwcsp.dll");
	cr_assert_eq(nrecs, 1);
	r = &recs[0];
	cr_assert(r->f.rule_path);
	cr_assert_eq(r->f.npath_files, 2);
	cr_assert_eq(r->f.nmissing_shares, 1);
	cr_assert_str_eq(r->f.missing_shares[0], "\\\\FILESRV\\nothere");
	cr_assert_eq(r->f.failed_lookups, 3);
	cr_assert_eq(r->f.nfiles, 2);
	cr_assert_eq(r->f.n_lookup_statuses, 2);
	cr_assert_str_eq(r->msg, "CORP\\SMSCliToknAcct& from 198.18.0.5 (WS042): 3 failed lookups in "
				 "the last 300 s; it looks for cwcsp.dll in \\\\FILESRV\\apps\\bin, "
				 "\\\\FILESRV\\apps, \\\\FILESRV\\nothere (no such share).");
}

Test(detect, path_search_missing_shares_need_two_real_directories)
{
	start();
	tree_fail(T0, "nothere");
	tree_fail(T0, "other");
	tree_fail(T0, "NOTHERE"); /* the same share again */
	lookup(T0, "apps", "cwcsp.dll");
	cr_assert_eq(nrecs, 0);
	lookup(T0, "apps", "bin/cwcsp.dll");
	cr_assert_eq(nrecs, 1);
	cr_assert(recs[0].f.rule_path);
	cr_assert_eq(recs[0].f.nmissing_shares, 2);
	cr_assert_eq(recs[0].f.failed_lookups, 5);
}

Test(detect, path_search_window)
{
	cfg.window_s = 60;
	start();
	lookup(T0, "apps", "cwcsp.dll");
	lookup(T0 + S(1), "apps", "bin/cwcsp.dll");
	lookup(T0 + S(70), "tools", "cwcsp.dll");
	cr_assert_eq(nrecs, 0, "the first two left the window");
	lookup(T0 + S(71), "apps", "cwcsp.dll");
	cr_assert_eq(nrecs, 0, "apps again and tools: two directories");
	lookup(T0 + S(72), "apps", "bin/cwcsp.dll");
	cr_assert_eq(nrecs, 1);
	cr_assert(recs[0].f.rule_path);
	cr_assert_eq(recs[0].f.npath_files, 3);
	cr_assert_eq(recs[0].f.failed_lookups, 3);
}

/* A failed share connect long before the window is not part of this PATH walk. */
Test(detect, path_search_old_missing_share_leaves_window)
{
	/* Regression (was a bug): missing_shares[] has no timestamp and never leaves the window: a failed connect
	 * to \\FILESRV\nothere at T0 (window 60 s) still counts as a third directory for
	 * cwcsp.dll sought in apps and apps\bin at T0+120 s, and a PATH search opens. */
	cfg.window_s = 60;
	start();
	tree_fail(T0, "nothere");
	lookup(T0 + S(120), "apps", "cwcsp.dll");
	lookup(T0 + S(121), "apps", "bin/cwcsp.dll");
	cr_assert_eq(nrecs, 0, "got %d finding(s), rule_path %d", nrecs,
		     nrecs ? recs[0].f.rule_path : 0);
}

/* --- the message --- */

Test(detect, message_names_account_ip_workstation_and_file)
{
	struct det_event e = {
		.kind = DET_LOOKUP,
		.ts_us = T0,
		.status = OBJECT_NAME_NOT_FOUND,
		.account = ACCT,
		.domain = "CORP",
		.workstation = "WS042",
		.ip = "192.0.2.7",
		.port = 50000,
		.share = "apps",
		.path = "System32/Drivers/cwcsp.dll",
		.unc = "\\\\FILESRV\\apps\\System32\\Drivers\\cwcsp.dll",
	};

	cfg.lookup_threshold = 1;
	start();
	det_feed(det, &e);
	cr_assert_eq(nrecs, 1);
	cr_assert_str_eq(recs[0].msg, "CORP\\SMSCliToknAcct& from 192.0.2.7 (WS042): 1 failed lookup "
				      "in the last 300 s; files sought: "
				      "\\\\FILESRV\\apps\\System32\\Drivers\\cwcsp.dll (1).");
	cr_assert_str_eq(recs[0].f.files[0].share, "apps");
	cr_assert_str_eq(recs[0].f.files[0].path, "System32/Drivers/cwcsp.dll");
	cr_assert_eq(recs[0].f.lookup_statuses[0].status, OBJECT_NAME_NOT_FOUND);
}

Test(detect, message_lists_logon_statuses_and_countdown)
{
	cfg.lockout_threshold = 5;
	start();
	logon_from(T0, WRONG_PASSWORD, ACCT, "2001:db8::7");
	logon_from(T0, WRONG_PASSWORD, ACCT, "2001:db8::7");
	logon_from(T0, NO_SUCH_USER, ACCT, "2001:db8::7");
	cr_assert_eq(nrecs, 1);
	cr_assert_str_eq(recs[0].msg, "CORP\\SMSCliToknAcct& from 2001:db8::7 (WS042): 3 failed "
				      "logons (WRONG_PASSWORD x2, NO_SUCH_USER x1) in the last 300 s; "
				      "3 more bad passwords and SMSCliToknAcct& is locked out.");
}

Test(detect, message_missing_share_without_path_search)
{
	cfg.lookup_threshold = 2;
	start();
	tree_fail(T0, "nothere");
	tree_fail(T0, "gone");
	cr_assert_eq(nrecs, 1);
	cr_assert_not(recs[0].f.rule_path);
	cr_assert_str_eq(recs[0].msg, "CORP\\SMSCliToknAcct& from 198.18.0.5 (WS042): 2 failed lookups "
				      "in the last 300 s; missing shares: \\\\FILESRV\\nothere, "
				      "\\\\FILESRV\\gone.");
}

/* --- the summary --- */

Test(detect, finish_summarises_in_id_order)
{
	char ips[8][32];
	int i, j, before;

	start();
	for (i = 0; i < 8; i++) {
		snprintf(ips[i], sizeof(ips[i]), "192.0.2.%d", 200 - i * 7);
		for (j = 0; j < 3; j++)
			logon_from(T0 + S(i), NO_SUCH_USER, ACCT, ips[i]);
	}
	logon_from(T0, NO_SUCH_USER, ACCT, "198.51.100.1"); /* never opens */
	cr_assert_eq(nrecs, 8);
	before = nrecs;
	det_finish(det);
	cr_assert_eq(nrecs - before, 8, "one summary per opened finding");
	for (i = 0; i < 8; i++) {
		const struct rec *r = &recs[before + i];

		cr_assert_str_eq(r->action, "finding_summary");
		cr_assert_eq(r->f.id, (uint64_t)i + 1);
		cr_assert_str_eq(r->f.ip, ips[i]);
		cr_assert_eq(r->f.failed_logons, 3);
	}
	cr_assert_eq(stats().findings, 8);
	cr_assert_eq(stats().updates, 0, "summaries are not updates");
}

Test(detect, finish_reports_window_at_last_event)
{
	cfg.window_s = 60;
	start();
	logon(T0, NO_SUCH_USER);
	logon(T0 + S(1), NO_SUCH_USER);
	logon(T0 + S(2), NO_SUCH_USER);
	logon(T0 + S(50), NO_SUCH_USER); /* counts grew, 48 s after the last record */
	cr_assert_eq(nrecs, 2);
	cr_assert_str_eq(recs[1].action, "finding_updated");
	det_finish(det);
	cr_assert_eq(nrecs, 3);
	cr_assert_str_eq(recs[2].action, "finding_summary");
	cr_assert_eq(recs[2].f.id, 1);
	cr_assert_eq(recs[2].f.failed_logons, 4);
	cr_assert_eq(recs[2].f.total_failed_logons, 4);
	cr_assert_eq(recs[2].f.start_us, T0);
	cr_assert_eq(recs[2].f.end_us, T0 + S(50));
}

/* --- accounts --- */

Test(detect, unwatched_and_incomplete_events_are_ignored)
{
	struct det_event no_ip = { .kind = DET_LOGON, .ts_us = T0, .status = NO_SUCH_USER,
				   .account = ACCT };
	struct det_stats s;
	int i;

	start();
	for (i = 0; i < 5; i++)
		logon_from(T0, NO_SUCH_USER, "alice", IP);
	det_feed(det, &no_ip);
	no_ip.ip = "";
	det_feed(det, &no_ip);
	lookup(T0, "apps", "gone.txt"); /* a watched failure: counted, not ignored */
	cr_assert_eq(nrecs, 0);
	s = stats();
	cr_assert_eq(s.events, 8);
	cr_assert_eq(s.ignored, 7);
}

Test(detect, successful_lookup_is_ignored)
{
	struct det_event e = {
		.kind = DET_LOOKUP, .ts_us = T0, .status = OK, .account = ACCT, .ip = IP,
		.share = "apps", .path = "ok.txt", .unc = "\\\\FILESRV\\apps\\ok.txt",
	};
	int i;

	cfg.lookup_threshold = 1;
	start();
	for (i = 0; i < 3; i++)
		det_feed(det, &e);
	cr_assert_eq(nrecs, 0);
	cr_assert_eq(stats().events, 3);
	cr_assert_eq(stats().ignored, 3);
}

Test(detect, watch_globs)
{
	cfg.watch[0] = "svc-*";
	cfg.nwatch = 1;
	start();
	for (int i = 0; i < 3; i++)
		logon_from(T0, NO_SUCH_USER, "CORP\\svc-backup", IP);
	logon_from(T0, NO_SUCH_USER, "alice", IP);
	cr_assert_eq(nrecs, 1);
	cr_assert_str_eq(recs[0].f.account, "svc-backup");
	cr_assert_eq(stats().ignored, 1);
}

/* README and --help: "--watch-account GLOB ... adds accounts" ("Watch this account too"). */
Test(detect, watch_account_adds_to_default)
{
	struct smbw_opts o;
	const char *argv[] = { "smbwatch", "--watch-account", "svc-*" };

	/* Regression (was a bug): det_watched() matches only config.watch[] once nwatch > 0 and smbw_parse_args()
	 * does not put the default there, so `--watch-account 'svc-*'` stops watching
	 * SMSCliToknAcct& instead of watching svc-* too. */
	cr_assert_eq(smbw_parse_args(3, (char **)argv, &o, true), 0);
	cr_assert(det_watched(&o.det, "svc-backup"));
	cr_assert(det_watched(&o.det, "SMSCliToknAcct&"), "the default is no longer watched");
}

Test(detect, all_accounts_watches_everyone)
{
	cfg.all_accounts = true;
	start();
	logon_from(T0, NO_SUCH_USER, "alice", IP);
	logon_from(T0, NO_SUCH_USER, "alice", IP);
	logon_from(T0, NO_SUCH_USER, "alice", IP);
	cr_assert_eq(nrecs, 1);
	cr_assert_str_eq(recs[0].f.account, "alice");
	cr_assert_eq(stats().ignored, 0);
}

struct watch_case {
	char account[64];
	char watch[2][32];
	int nwatch;
	bool all;
	bool want;
};

ParameterizedTestParameters(detect, watched)
{
	static struct watch_case c[] = {
		/* the default: SMSCliToknAcct&* */
		{ "SMSCliToknAcct&", { "" }, 0, false, true },
		{ "smsclitoknacct&", { "" }, 0, false, true },
		{ "SMSCLITOKNACCT&", { "" }, 0, false, true },
		{ "CORP\\SMSCliToknAcct&", { "" }, 0, false, true },
		{ "SMSCliToknAcct&@corp.example", { "" }, 0, false, true },
		{ "CORP\\SMSCliToknAcct&@corp.example", { "" }, 0, false, true },
		{ "SMSCliToknAcct&_S01", { "" }, 0, false, true },
		{ "alice", { "" }, 0, false, false },
		{ "SMSCliToknAcctX", { "" }, 0, false, false },
		{ "SMSCliToknAcct", { "" }, 0, false, false },
		{ "xSMSCliToknAcct&", { "" }, 0, false, false },
		{ "SMSCliToknAcct&\\alice", { "" }, 0, false, false },
		{ "", { "" }, 0, false, false },
		/* --watch-account globs replace the default */
		{ "svc-backup", { "svc-*" }, 1, false, true },
		{ "CORP\\SVC-Backup", { "svc-*" }, 1, false, true },
		{ "svc-backup@corp.example", { "svc-*" }, 1, false, true },
		{ "svc", { "svc-*" }, 1, false, false },
		{ "alice", { "svc-*", "alice" }, 2, false, true },
		{ "ALICE@corp.example", { "svc-*", "alice" }, 2, false, true },
		{ "alice2", { "svc-*", "alice" }, 2, false, false },
		{ "svc-x", { "CORP\\svc-?", "" }, 1, false, true },
		{ "svc-xy", { "CORP\\svc-?", "" }, 1, false, false },
		{ "bob", { "[ab]ob" }, 1, false, true },
		/* all_accounts */
		{ "alice", { "" }, 0, true, true },
		{ "", { "" }, 0, true, true },
		{ "bob", { "svc-*" }, 1, true, true },
	};
	return cr_make_param_array(struct watch_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct watch_case *c, detect, watched)
{
	struct det_config conf;
	int i;

	det_config_defaults(&conf);
	conf.all_accounts = c->all;
	for (i = 0; i < c->nwatch; i++)
		conf.watch[i] = c->watch[i];
	conf.nwatch = c->nwatch;
	cr_assert_eq(det_watched(&conf, c->account), c->want, "\"%s\" (watch \"%s\", %d glob(s)%s)",
		     c->account, c->watch[0], c->nwatch, c->all ? ", all" : "");
}

Test(detect, watched_null_account)
{
	struct det_config conf;

	det_config_defaults(&conf);
	cr_assert_not(det_watched(&conf, NULL));
	conf.all_accounts = true;
	cr_assert(det_watched(&conf, NULL));
}

/* --- bounded memory --- */

Test(detect, max_keys_evicts_the_quietest)
{
	struct det_stats s;

	cfg.max_keys = 2;
	cfg.logon_threshold = 2;
	start();
	logon_from(T0, NO_SUCH_USER, ACCT, "198.18.0.1");
	logon_from(T0 + S(1), NO_SUCH_USER, ACCT, "198.18.0.2");
	cr_assert_eq(stats().evicted_keys, 0);
	logon_from(T0 + S(2), NO_SUCH_USER, ACCT, "198.18.0.3"); /* evicts 198.18.0.1 */
	cr_assert_eq(stats().evicted_keys, 1);
	logon_from(T0 + S(3), NO_SUCH_USER, ACCT, "198.18.0.1"); /* new again; evicts 198.18.0.2 */
	cr_assert_eq(nrecs, 0, "198.18.0.1 was forgotten: its count restarted");
	cr_assert_eq(stats().evicted_keys, 2);
	logon_from(T0 + S(4), NO_SUCH_USER, ACCT, "198.18.0.3"); /* kept: its second failure */
	cr_assert_eq(nrecs, 1);
	cr_assert_str_eq(recs[0].f.ip, "198.18.0.3");
	cr_assert_eq(recs[0].f.total_failed_logons, 2);
	s = stats();
	cr_assert_eq(s.evicted_keys, 2);
	cr_assert_eq(s.events, 5);
	cr_assert_eq(s.findings, 1);
}

/* Eviction is of the least recently active pair, not the one seen first. */
Test(detect, max_keys_evicts_least_recently_active)
{
	cfg.max_keys = 2;
	cfg.logon_threshold = 2;
	start();
	logon_from(T0, NO_SUCH_USER, ACCT, "198.18.0.1");
	logon_from(T0 + S(1), NO_SUCH_USER, ACCT, "198.18.0.2");
	logon_from(T0 + S(2), NO_SUCH_USER, ACCT, "198.18.0.1"); /* opens; 198.18.0.1 is now newest */
	cr_assert_eq(nrecs, 1);
	logon_from(T0 + S(3), NO_SUCH_USER, ACCT, "198.18.0.3"); /* evicts 198.18.0.2 */
	cr_assert_eq(stats().evicted_keys, 1);
	cr_assert_eq(stats().evicted_findings, 0);
	logon_from(T0 + S(4), NO_SUCH_USER, ACCT, "198.18.0.2"); /* new again; evicts 198.18.0.1 */
	cr_assert_eq(nrecs, 2, "198.18.0.1's finding is summarised as it goes");
	cr_assert_str_eq(recs[1].action, "finding_summary");
	cr_assert_str_eq(recs[1].f.ip, "198.18.0.1");
	cr_assert_eq(stats().evicted_findings, 1);
	cr_assert_eq(stats().pairs, 2);
}

/* A pair evicted with an open finding is summarised first: no opened finding goes without
 * its summary. */
Test(detect, evicted_finding_is_summarised)
{
	struct det_stats s;

	cfg.max_keys = 1;
	start();
	logon_from(T0, NO_SUCH_USER, ACCT, "198.18.0.1");
	logon_from(T0 + S(1), NO_SUCH_USER, ACCT, "198.18.0.1");
	logon_from(T0 + S(2), NO_SUCH_USER, ACCT, "198.18.0.1");
	cr_assert_eq(nrecs, 1);
	logon_from(T0 + S(3), NO_SUCH_USER, ACCT, "198.18.0.2");
	cr_assert_eq(nrecs, 2);
	cr_assert_str_eq(recs[1].action, "finding_summary");
	cr_assert_str_eq(recs[1].f.ip, "198.18.0.1");
	cr_assert_eq(recs[1].f.failed_logons, 3);
	s = stats();
	cr_assert_eq(s.evicted_keys, 1);
	cr_assert_eq(s.evicted_findings, 1);
	det_finish(det);
	cr_assert_eq(nrecs, 2, "the evicted finding is not summarised twice");
}

/* With --all-accounts a pair keeps only its counts until its failed logons reach the
 * threshold; its finding still names every status (all the same here). */
Test(detect, compact_pairs_until_near_threshold)
{
	cfg.all_accounts = true;
	cfg.logon_threshold = 4;
	start();
	logon_from(T0, WRONG_PASSWORD, "alice", "198.18.0.1");
	logon_from(T0 + S(1), WRONG_PASSWORD, "bob", "198.18.0.2");
	cr_assert_eq(stats().pairs, 2);
	cr_assert_eq(stats().detailed, 0, "one failure each: counts only");
	logon_from(T0 + S(2), WRONG_PASSWORD, "alice", "198.18.0.1");
	logon_from(T0 + S(3), WRONG_PASSWORD, "alice", "198.18.0.1");
	cr_assert_eq(stats().detailed, 0, "one short of 4: counts only");
	logon_from(T0 + S(4), WRONG_PASSWORD, "alice", "198.18.0.1");
	cr_assert_eq(stats().detailed, 1, "4: detail, and a finding");
	cr_assert_eq(nrecs, 1);
	cr_assert_eq(recs[0].f.failed_logons, 4);
	cr_assert_eq(recs[0].f.total_failed_logons, 4);
	cr_assert_eq(recs[0].f.n_logon_statuses, 1);
	cr_assert_eq(recs[0].f.logon_statuses[0].status, WRONG_PASSWORD);
	cr_assert_eq(recs[0].f.logon_statuses[0].count, 4);
	cr_assert_str_eq(recs[0].f.domain, "CORP");
	cr_assert_str_eq(recs[0].f.workstation, "WS042");
}

/* The detector keeps the last account's bare form: an account that comes back after another,
 * or with another spelling, or none at all (NULL and "" are the same, no account) from the
 * first event on, is still the same account. */
Test(detect, accounts_alternate_and_respelled)
{
	cfg.all_accounts = true;
	cfg.logon_threshold = 2;
	start();
	logon_from(T0, WRONG_PASSWORD, NULL, "198.18.0.1");
	logon_from(T0 + S(1), WRONG_PASSWORD, "CORP\\alice", "198.18.0.2");
	logon_from(T0 + S(2), WRONG_PASSWORD, "", "198.18.0.1");
	cr_assert_eq(nrecs, 1, "no account, twice from one client");
	cr_assert_str_eq(recs[0].f.account, "");
	cr_assert_eq(recs[0].f.failed_logons, 2);
	logon_from(T0 + S(3), WRONG_PASSWORD, "bob", "198.18.0.2");
	logon_from(T0 + S(4), WRONG_PASSWORD, "alice@corp.example", "198.18.0.2");
	cr_assert_eq(nrecs, 2, "alice, twice, spelled two ways");
	cr_assert_str_eq(recs[1].f.account, "alice");
	cr_assert_eq(recs[1].f.failed_logons, 2);
	cr_assert_eq(stats().accounts, 3, "no account, alice, bob");
}

/* A watched account keeps detail from its first failure; a lookup always does. */
Test(detect, watched_and_lookup_pairs_have_detail)
{
	cfg.all_accounts = true;
	start();
	logon(T0, WRONG_PASSWORD);
	cr_assert_eq(stats().detailed, 1);
	lookup_from(T0, "alice", "198.18.0.9", "apps", "x.dll");
	cr_assert_eq(stats().detailed, 2);
}

/* A compact pair's window: more distinct slices than it keeps inline moves it to detail
 * without losing a count. */
Test(detect, compact_window_grows)
{
	int i;

	cfg.all_accounts = true;
	cfg.logon_threshold = 100;
	start();
	for (i = 0; i < 50; i++) /* one per slice (5 s) */
		logon_from(T0 + S(5 * i), WRONG_PASSWORD, "alice", IP);
	cr_assert_eq(nrecs, 0);
	for (i = 50; i < 100; i++)
		logon_from(T0 + S(250) + S(i - 49) / 10, WRONG_PASSWORD, "alice", IP);
	cr_assert_eq(nrecs, 1, "100 failures within 300 s");
	cr_assert_eq(recs[0].f.failed_logons, 100);
}

/* Lockout counters are in a hash table: far more accounts than the old fixed 4096, each
 * counted on its own. */
Test(detect, lockout_counters_for_many_accounts)
{
	char acct[32];
	int i;

	cfg.all_accounts = true;
	cfg.lockout_threshold = 5;
	cfg.logon_threshold = 2;
	start();
	for (i = 0; i < 20000; i++) {
		snprintf(acct, sizeof(acct), "user%05d", i);
		logon_from(T0 + (uint64_t)i, WRONG_PASSWORD, acct, "198.19.0.1");
	}
	cr_assert_eq(stats().accounts, 20000);
	logon_from(T0 + S(1), WRONG_PASSWORD, "user00000", "198.19.0.2");
	logon_from(T0 + S(2), WRONG_PASSWORD, "user00000", "198.19.0.2");
	cr_assert_eq(nrecs, 1);
	cr_assert_eq(recs[0].f.lockout_remaining, 2, "3 bad passwords of user00000 from 2 clients");
}

/* Idle lockout counters (no pair names them any more) are bounded too, and counted. */
Test(detect, idle_accounts_bounded)
{
	char acct[32];
	int i;

	cfg.all_accounts = true;
	cfg.max_keys = 10;
	start();
	for (i = 0; i < 100; i++) {
		snprintf(acct, sizeof(acct), "user%03d", i);
		logon_from(T0 + (uint64_t)i, WRONG_PASSWORD, acct, "198.19.0.1");
	}
	cr_assert_eq(stats().pairs, 10);
	cr_assert_eq(stats().evicted_keys, 90);
	cr_assert_leq(stats().accounts, 20);
	cr_assert_eq(stats().evicted_accounts, 80);
}

/* Accounts with nothing to remember are not kept once their pairs are gone. */
Test(detect, accounts_without_state_are_freed)
{
	cfg.all_accounts = true;
	cfg.max_keys = 1;
	start();
	logon_from(T0, NO_SUCH_USER, "alice", "198.19.0.1");
	logon_from(T0 + 1, NO_SUCH_USER, "bob", "198.19.0.1");
	cr_assert_eq(stats().accounts, 1, "alice had no bad password to remember");
	cr_assert_eq(stats().evicted_accounts, 0);
}

/* An event older than its pair's window (records out of order) is counted in the totals, not
 * in the window, and dropped slices are counted. */
Test(detect, out_of_order_event_too_old_for_window)
{
	start();
	logon(T0 + S(1000), NO_SUCH_USER);
	logon(T0, NO_SUCH_USER);
	cr_assert_eq(stats().window_dropped, 1);
	logon(T0 + S(1001), NO_SUCH_USER);
	cr_assert_eq(nrecs, 0, "two in the window");
	logon(T0 + S(1002), NO_SUCH_USER);
	cr_assert_eq(nrecs, 1);
	cr_assert_eq(recs[0].f.failed_logons, 3);
	cr_assert_eq(recs[0].f.total_failed_logons, 4);
}

/* The spray: 100,000 (account, client) pairs, each failing three times within the window,
 * with --all-accounts: every one is found. */
static uint64_t spray_opened, spray_summaries;

static void spray_count(void *arg, const struct det_finding *f, const char *action)
{
	(void)arg;
	(void)f;
	if (!strcmp(action, "finding_opened"))
		spray_opened++;
	else if (!strcmp(action, "finding_summary"))
		spray_summaries++;
}

Test(detect, spray_of_100000_pairs_all_found, .timeout = 60)
{
	char acct[32], ip[32];
	struct det_stats s;
	int r, i;

	cfg.all_accounts = true;
	det = det_new(&cfg, spray_count, NULL);
	cr_assert_not_null(det);
	for (r = 0; r < 3; r++)
		for (i = 0; i < 100000; i++) {
			snprintf(acct, sizeof(acct), "user%d", i % 40000);
			snprintf(ip, sizeof(ip), "198.%d.%d.%d", 18 + (i >> 16), (i >> 8) & 255, i & 255);
			logon_from(T0 + S(60 * r) + (uint64_t)i, WRONG_PASSWORD, acct, ip);
		}
	cr_assert_eq(spray_opened, 100000);
	det_finish(det);
	cr_assert_eq(spray_summaries, 100000);
	s = stats();
	cr_assert_eq(s.findings, 100000);
	cr_assert_eq(s.evicted_keys, 0);
	cr_assert_eq(s.pairs, 100000);
}
