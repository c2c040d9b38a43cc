// SPDX-License-Identifier: GPL-2.0
/* smbwatch top's model: one row per (client IP, account), the counts, files, statuses and
 * recent events behind it, findings, rates, the filtered and sorted view, eviction when the
 * table is full, and the fixed-column text of the header and of a row. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "outputs/top_model.h"

#define OK 0x00000000U
#define WRONG_PASSWORD 0xc000006aU
#define NO_SUCH_USER 0xc0000064U
#define ACCESS_DENIED 0xc0000022U
#define NO_SUCH_FILE 0xc000000fU
#define OBJECT_NAME_NOT_FOUND 0xc0000034U
#define BAD_NETWORK_NAME 0xc00000ccU

#define ACCT "SMSCliToknAcct&"
#define IP "198.18.0.5"

/* Offsets of the row fields (and of the header names above them). */
#define COL_IP 2
#define COL_ACCOUNT 18
#define COL_WS 35
#define END_OK 51	/* numbers are right-aligned: where the field ends */
#define END_FAIL 56
#define END_LOOKUP 63
#define END_RATE 69
#define END_LOCK 74
#define COL_LAST 75

static struct top_model m;

static void setup(void)
{
	cr_assert_eq(top_model_init(&m), 0);
}

static void teardown(void)
{
	top_model_free(&m);
}

TestSuite(top_model, .init = setup, .fini = teardown);

/* Columns on screen: one per UTF-8 character. */
static int cols(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static bool has_control_bytes(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return true;
	return false;
}

static struct top_row *find_row(const char *ip, const char *account)
{
	int i;

	for (i = 0; i < m.nrows; i++)
		if (!strcmp(m.rows[i].ip, ip) && !strcmp(m.rows[i].account, account))
			return &m.rows[i];
	return NULL;
}

static void miss(uint64_t ts, const char *ip, const char *account, const char *share,
		 const char *path)
{
	char unc[512];

	snprintf(unc, sizeof(unc), "\\\\FILESRV\\%s\\%s", share, path);
	top_model_lookup(&m, ts, ip, account, "CORP", "WS042", OBJECT_NAME_NOT_FOUND, share, path,
			 unc);
}

/* --- aggregation --- */

Test(top_model, init_is_empty)
{
	cr_assert_not_null(m.rows);
	cr_assert_eq(m.nrows, 0);
	cr_assert_eq(m.evicted, 0);
	cr_assert_eq(m.logons_ok, 0);
	cr_assert_eq(m.logons_failed, 0);
	cr_assert_eq(m.lookups_failed, 0);
	cr_assert_eq(m.open_findings, 0);
}

Test(top_model, logons_counted_per_row_and_in_total)
{
	struct top_row *r;

	top_model_logon(&m, 1, IP, ACCT, "CORP", "WS042", WRONG_PASSWORD);
	top_model_logon(&m, 2, IP, ACCT, "CORP", "WS042", WRONG_PASSWORD);
	top_model_logon(&m, 3, IP, ACCT, "CORP", "WS042", OK);
	top_model_logon(&m, 4, "198.18.0.6", ACCT, "CORP", "WS043", NO_SUCH_USER);

	cr_assert_eq(m.nrows, 2);
	r = find_row(IP, ACCT);
	cr_assert_not_null(r);
	cr_assert_eq(r->logons_ok, 1);
	cr_assert_eq(r->logons_failed, 2);
	cr_assert_eq(r->lookups_failed, 0);
	cr_assert_str_eq(r->domain, "CORP");
	cr_assert_str_eq(r->workstation, "WS042");
	cr_assert_eq(r->last_us, 3);
	cr_assert_eq(r->lockout_remaining, -1);
	cr_assert_not(r->finding);
	r = find_row("198.18.0.6", ACCT);
	cr_assert_not_null(r);
	cr_assert_eq(r->logons_ok, 0);
	cr_assert_eq(r->logons_failed, 1);
	cr_assert_eq(m.logons_ok, 1);
	cr_assert_eq(m.logons_failed, 3);
	cr_assert_eq(m.lookups_failed, 0);
}

/* The account is compared case-insensitively (the first spelling stays), the IP is not. */
Test(top_model, account_key_is_case_insensitive)
{
	top_model_logon(&m, 1, IP, "SmsCliToknAcct&", "CORP", NULL, WRONG_PASSWORD);
	top_model_logon(&m, 2, IP, "SMSCLITOKNACCT&", "CORP", NULL, WRONG_PASSWORD);
	top_model_lookup(&m, 3, IP, "smsclitoknacct&", "CORP", NULL, OBJECT_NAME_NOT_FOUND, "apps",
			 "x.dll", "\\\\FILESRV\\apps\\x.dll");
	top_model_logon(&m, 4, "198.18.0.50", "SMSCliToknAcct&", "CORP", NULL, WRONG_PASSWORD);

	cr_assert_eq(m.nrows, 2);
	cr_assert_str_eq(m.rows[0].ip, IP);
	cr_assert_str_eq(m.rows[0].account, "SmsCliToknAcct&");
	cr_assert_eq(m.rows[0].logons_failed, 2);
	cr_assert_eq(m.rows[0].lookups_failed, 1);
	cr_assert_str_eq(m.rows[1].ip, "198.18.0.50");
	cr_assert_eq(m.rows[1].logons_failed, 1);
}

/* Workstation and domain are kept when an event does not name them, replaced when it does. */
Test(top_model, workstation_and_domain_kept_when_given)
{
	struct top_row *r;

	top_model_logon(&m, 1, IP, ACCT, "CORP", "WS042", WRONG_PASSWORD);
	r = find_row(IP, ACCT);
	cr_assert_not_null(r);
	top_model_logon(&m, 2, IP, ACCT, "", "", WRONG_PASSWORD);
	cr_assert_str_eq(r->domain, "CORP");
	cr_assert_str_eq(r->workstation, "WS042");
	top_model_lookup(&m, 3, IP, ACCT, NULL, NULL, OBJECT_NAME_NOT_FOUND, "apps", "a",
			 "\\\\FILESRV\\apps\\a");
	cr_assert_str_eq(r->domain, "CORP");
	cr_assert_str_eq(r->workstation, "WS042");
	top_model_logon(&m, 4, IP, ACCT, "LAB", "WS099", OK);
	cr_assert_str_eq(r->domain, "LAB");
	cr_assert_str_eq(r->workstation, "WS099");
	cr_assert_eq(m.nrows, 1);
}

/* The last missing file is the path; for a share connect (no path) it is the UNC. */
Test(top_model, last_missing_is_path_or_unc)
{
	struct top_row *r;

	top_model_lookup(&m, 1, IP, ACCT, "CORP", "WS042", OBJECT_NAME_NOT_FOUND, "apps",
			 "System32/Drivers/cwcsp.dll", "\\\\FILESRV\\apps\\System32\\Drivers\\cwcsp.dll");
	r = find_row(IP, ACCT);
	cr_assert_not_null(r);
	cr_assert_str_eq(r->last_missing, "System32/Drivers/cwcsp.dll");
	cr_assert_eq(r->lookups_failed, 1);

	top_model_lookup(&m, 2, IP, ACCT, "CORP", "WS042", BAD_NETWORK_NAME, "ghost", "",
			 "\\\\FILESRV\\ghost");
	cr_assert_str_eq(r->last_missing, "\\\\FILESRV\\ghost");
	top_model_lookup(&m, 3, IP, ACCT, "CORP", "WS042", BAD_NETWORK_NAME, "gone", NULL,
			 "\\\\FILESRV\\gone");
	cr_assert_str_eq(r->last_missing, "\\\\FILESRV\\gone");
	cr_assert_eq(r->lookups_failed, 3);
	cr_assert_eq(m.lookups_failed, 3);

	cr_assert_eq(r->nfiles, 3);
	cr_assert_str_eq(r->files[0].share, "apps");
	cr_assert_str_eq(r->files[0].path, "System32/Drivers/cwcsp.dll");
	cr_assert_str_eq(r->files[1].share, "ghost");
	cr_assert_str_eq(r->files[1].path, "\\\\FILESRV\\ghost");
	cr_assert_str_eq(r->files[2].share, "gone");
	cr_assert_str_eq(r->files[2].path, "\\\\FILESRV\\gone");
	/* a logon does not change it */
	top_model_logon(&m, 4, IP, ACCT, "CORP", "WS042", WRONG_PASSWORD);
	cr_assert_str_eq(r->last_missing, "\\\\FILESRV\\gone");
}

/* Files are keyed by (share, path), case-insensitively, with a count each. */
Test(top_model, files_counted_case_insensitively)
{
	struct top_row *r;

	miss(1, IP, ACCT, "apps", "bin/cwcsp.dll");
	miss(2, IP, ACCT, "APPS", "BIN/CWCSP.DLL");
	miss(3, IP, ACCT, "Apps", "bin/Cwcsp.dll");
	miss(4, IP, ACCT, "tools", "bin/cwcsp.dll"); /* same path, other share */
	miss(5, IP, ACCT, "apps", "bin/other.dll");
	r = find_row(IP, ACCT);
	cr_assert_not_null(r);
	cr_assert_eq(r->nfiles, 3);
	cr_assert_str_eq(r->files[0].share, "apps");
	cr_assert_str_eq(r->files[0].path, "bin/cwcsp.dll");
	cr_assert_eq(r->files[0].count, 3);
	cr_assert_str_eq(r->files[1].share, "tools");
	cr_assert_str_eq(r->files[1].path, "bin/cwcsp.dll");
	cr_assert_eq(r->files[1].count, 1);
	cr_assert_str_eq(r->files[2].path, "bin/other.dll");
	cr_assert_eq(r->files[2].count, 1);
	cr_assert_str_eq(r->last_missing, "bin/other.dll");
	cr_assert_eq(r->lookups_failed, 5);
}

/* At most TOP_FILES files: a new one replaces the least-counted. */
Test(top_model, files_full_replaces_least_counted)
{
	struct top_row *r;
	char path[32];
	int i;

	for (i = 0; i < TOP_FILES; i++) {
		snprintf(path, sizeof(path), "f%02d", i);
		miss((uint64_t)(10 + i), IP, ACCT, "apps", path);
		if (i != 5)
			miss((uint64_t)(100 + i), IP, ACCT, "apps", path);
	}
	r = find_row(IP, ACCT);
	cr_assert_not_null(r);
	cr_assert_eq(r->nfiles, TOP_FILES);
	cr_assert_eq(r->files[5].count, 1);

	miss(1000, IP, ACCT, "apps", "new.dll");
	cr_assert_eq(r->nfiles, TOP_FILES);
	cr_assert_str_eq(r->files[5].path, "new.dll");
	cr_assert_str_eq(r->files[5].share, "apps");
	cr_assert_eq(r->files[5].count, 1);
	for (i = 0; i < TOP_FILES; i++) {
		if (i == 5)
			continue;
		snprintf(path, sizeof(path), "f%02d", i);
		cr_assert_str_eq(r->files[i].path, path);
		cr_assert_eq(r->files[i].count, 2, "file %d", i);
	}
	/* the new file counts up in place */
	miss(1001, IP, ACCT, "APPS", "NEW.DLL");
	cr_assert_eq(r->files[5].count, 2);
	cr_assert_eq(r->nfiles, TOP_FILES);
	cr_assert_eq(r->lookups_failed, 2 * TOP_FILES - 1 + 2);
}

/* Failure statuses are counted, in the order first seen; at most TOP_STATUSES of them. */
Test(top_model, statuses_counted)
{
	static const uint32_t more[] = { NO_SUCH_USER, ACCESS_DENIED, NO_SUCH_FILE,
					 BAD_NETWORK_NAME, 0xc0001234U, 0xc0005678U };
	struct top_row *r;
	size_t i;

	top_model_logon(&m, 1, IP, ACCT, "CORP", "WS042", OK);
	top_model_logon(&m, 2, IP, ACCT, "CORP", "WS042", WRONG_PASSWORD);
	miss(3, IP, ACCT, "apps", "a");
	top_model_logon(&m, 4, IP, ACCT, "CORP", "WS042", WRONG_PASSWORD);
	r = find_row(IP, ACCT);
	cr_assert_not_null(r);
	cr_assert_eq(r->nstatuses, 2);
	cr_assert_eq(r->statuses[0].status, WRONG_PASSWORD);
	cr_assert_eq(r->statuses[0].count, 2);
	cr_assert_eq(r->statuses[1].status, OBJECT_NAME_NOT_FOUND);
	cr_assert_eq(r->statuses[1].count, 1);

	for (i = 0; i < sizeof(more) / sizeof(more[0]); i++)
		top_model_logon(&m, 10 + i, IP, ACCT, "CORP", "WS042", more[i]);
	cr_assert_eq(r->nstatuses, TOP_STATUSES);
	cr_assert_eq(r->statuses[0].count, 2);
	top_model_logon(&m, 20, IP, ACCT, "CORP", "WS042", WRONG_PASSWORD);
	cr_assert_eq(r->statuses[0].count, 3);
	cr_assert_eq(r->nstatuses, TOP_STATUSES);
	cr_assert_eq(r->logons_failed, 3 + 6);
}

/* Recent events: at most TOP_RECENT, newest last, the oldest dropped. */
Test(top_model, recent_events_bounded_newest_last)
{
	struct top_row *r;
	char path[16], want[64];
	int i;

	top_model_logon(&m, 1, IP, ACCT, "CORP", "WS042", WRONG_PASSWORD);
	r = find_row(IP, ACCT);
	cr_assert_not_null(r);
	cr_assert_eq(r->nrecent, 1);
	cr_assert_str_eq(r->recent[0], "logon NT_STATUS_WRONG_PASSWORD");
	top_model_lookup(&m, 2, IP, ACCT, "CORP", "WS042", BAD_NETWORK_NAME, "ghost", "",
			 "\\\\FILESRV\\ghost");
	cr_assert_eq(r->nrecent, 2);
	cr_assert_str_eq(r->recent[1], "NT_STATUS_BAD_NETWORK_NAME \\\\FILESRV\\ghost");

	for (i = 0; i < 10; i++) {
		snprintf(path, sizeof(path), "f%d", i);
		miss((uint64_t)(10 + i), IP, ACCT, "apps", path);
	}
	cr_assert_eq(r->nrecent, TOP_RECENT);
	for (i = 0; i < TOP_RECENT; i++) {
		snprintf(want, sizeof(want), "NT_STATUS_OBJECT_NAME_NOT_FOUND \\\\FILESRV\\apps\\f%d",
			 i + 10 - TOP_RECENT);
		cr_assert_str_eq(r->recent[i], want);
	}
	top_model_logon(&m, 30, IP, ACCT, "CORP", "WS042", OK);
	cr_assert_eq(r->nrecent, TOP_RECENT);
	cr_assert_str_eq(r->recent[TOP_RECENT - 1], "logon NT_STATUS_OK");
	cr_assert_str_eq(r->recent[0], "NT_STATUS_OBJECT_NAME_NOT_FOUND \\\\FILESRV\\apps\\f3");
}

/* --- findings --- */

Test(top_model, finding_marks_row_and_recounts)
{
	struct top_row *a, *b, *c;

	top_model_logon(&m, 1, IP, ACCT, "CORP", "WS042", WRONG_PASSWORD);
	top_model_logon(&m, 2, "198.18.0.6", "bob", "CORP", "WS043", WRONG_PASSWORD);
	a = find_row(IP, ACCT);
	b = find_row("198.18.0.6", "bob");
	cr_assert_not_null(a);
	cr_assert_not_null(b);

	top_model_finding(&m, IP, "smsclitoknacct&", 7, 3);
	cr_assert_eq(m.nrows, 2);
	cr_assert(a->finding);
	cr_assert_eq(a->finding_id, 7);
	cr_assert_eq(a->lockout_remaining, 3);
	cr_assert_not(b->finding);
	cr_assert_eq(m.open_findings, 1);

	/* the same finding changing: still one */
	top_model_finding(&m, IP, ACCT, 7, 1);
	cr_assert_eq(a->lockout_remaining, 1);
	cr_assert_eq(m.open_findings, 1);

	top_model_finding(&m, "198.18.0.6", "BOB", 8, -1);
	cr_assert(b->finding);
	cr_assert_eq(b->finding_id, 8);
	cr_assert_eq(b->lockout_remaining, -1);
	cr_assert_eq(m.open_findings, 2);

	/* a finding for a client not seen yet makes its row */
	top_model_finding(&m, "198.18.0.7", "carol", 9, 0);
	cr_assert_eq(m.nrows, 3);
	c = find_row("198.18.0.7", "carol");
	cr_assert_not_null(c);
	cr_assert(c->finding);
	cr_assert_eq(c->finding_id, 9);
	cr_assert_eq(c->lockout_remaining, 0);
	cr_assert_eq(c->logons_failed, 0);
	cr_assert_eq(m.open_findings, 3);
}

/* --- rates --- */

Test(top_model, tick_rate_is_new_failures_per_second)
{
	struct top_row *r, *q;

	top_model_logon(&m, 1, IP, ACCT, "CORP", "WS042", WRONG_PASSWORD);
	top_model_logon(&m, 2, IP, ACCT, "CORP", "WS042", WRONG_PASSWORD);
	miss(3, IP, ACCT, "apps", "a");
	top_model_logon(&m, 4, IP, ACCT, "CORP", "WS042", OK);
	top_model_logon(&m, 5, "198.18.0.6", "bob", "CORP", "WS043", OK);
	r = find_row(IP, ACCT);
	q = find_row("198.18.0.6", "bob");
	cr_assert_not_null(r);
	cr_assert_not_null(q);
	cr_assert_float_eq(r->rate, 0.0, 1e-9);

	top_model_tick(&m, 2.0);
	cr_assert_float_eq(r->rate, 1.5, 1e-9);
	cr_assert_eq(r->last_total, 3);
	cr_assert_float_eq(q->rate, 0.0, 1e-9);

	top_model_logon(&m, 6, IP, ACCT, "CORP", "WS042", WRONG_PASSWORD);
	top_model_logon(&m, 7, IP, ACCT, "CORP", "WS042", OK); /* not a failure */
	top_model_tick(&m, 0.5);
	cr_assert_float_eq(r->rate, 2.0, 1e-9);
	cr_assert_eq(r->last_total, 4);

	top_model_tick(&m, 1.0);
	cr_assert_float_eq(r->rate, 0.0, 1e-9);

	miss(8, IP, ACCT, "apps", "b");
	miss(9, IP, ACCT, "apps", "c");
	miss(10, IP, ACCT, "apps", "d");
	top_model_tick(&m, 4.0);
	cr_assert_float_eq(r->rate, 0.75, 1e-9);
}

/* --- view: filter and sort --- */

#define A_ "198.18.0.9 alice"
#define B_ "198.18.0.2 Bob"
#define C_ "198.18.0.3 carol"
#define D_ "198.18.0.10 SMSCliToknAcct&"
#define E_ "198.18.0.2 alice"

/*
 *	row  failures(logon+lookup)  ok  ws      finding(lockout)  rate  file
 *	A    1 + 0                   2   WS-B    -                 0.5   -
 *	B    3 + 1                   0   ws-a    7 (2)             2.0   apps bin/cwcsp.dll
 *	C    0 + 5                   1   -       -                 2.5   data reports/q1.xlsx
 *	D    2 + 0                   0   WS042   8 (0)             1.0   -
 *	E    0 + 1                   1   WS-C    9 (-1)            0.5   ghost \\FILESRV\ghost
 */
static void fixture(void)
{
	int i;

	top_model_logon(&m, 1, "198.18.0.9", "alice", "CORP", "WS-B", OK);
	top_model_logon(&m, 2, "198.18.0.9", "alice", "CORP", "WS-B", OK);
	top_model_logon(&m, 3, "198.18.0.9", "alice", "CORP", "WS-B", WRONG_PASSWORD);
	for (i = 0; i < 3; i++)
		top_model_logon(&m, 10 + i, "198.18.0.2", "Bob", "CORP", "ws-a", WRONG_PASSWORD);
	top_model_lookup(&m, 14, "198.18.0.2", "Bob", "CORP", "ws-a", OBJECT_NAME_NOT_FOUND, "apps",
			 "bin/cwcsp.dll", "\\\\FILESRV\\apps\\bin\\cwcsp.dll");
	top_model_finding(&m, "198.18.0.2", "BOB", 7, 2);
	top_model_logon(&m, 20, "198.18.0.3", "carol", "CORP", NULL, OK);
	for (i = 0; i < 5; i++)
		top_model_lookup(&m, 21 + i, "198.18.0.3", "carol", "CORP", NULL, NO_SUCH_FILE,
				 "data", "reports/q1.xlsx", "\\\\FILESRV\\data\\reports\\q1.xlsx");
	top_model_logon(&m, 30, "198.18.0.10", ACCT, "CORP", "WS042", WRONG_PASSWORD);
	top_model_logon(&m, 31, "198.18.0.10", ACCT, "CORP", "WS042", WRONG_PASSWORD);
	top_model_finding(&m, "198.18.0.10", ACCT, 8, 0);
	top_model_logon(&m, 40, "198.18.0.2", "alice", "CORP", "WS-C", OK);
	top_model_lookup(&m, 41, "198.18.0.2", "alice", "CORP", "WS-C", BAD_NETWORK_NAME, "ghost", "",
			 "\\\\FILESRV\\ghost");
	top_model_finding(&m, "198.18.0.2", "alice", 9, -1);
	top_model_tick(&m, 2.0);
	cr_assert_eq(m.nrows, 5);
	cr_assert_eq(m.open_findings, 3);
}

struct view_case {
	enum top_sort sort;
	char filter[32];
	int n;
	char want[5][32]; /* "ip account", in order */
};

static void check_view(const struct view_case *c)
{
	const struct top_row *out[TOP_MAX_ROWS];
	char got[256];
	int n, i;

	fixture();
	n = top_model_view(&m, c->sort, c->filter, out, TOP_MAX_ROWS);
	cr_assert_eq(n, c->n, "sort %d filter \"%s\": %d rows, want %d", c->sort, c->filter, n,
		     c->n);
	for (i = 0; i < n; i++) {
		snprintf(got, sizeof(got), "%s %s", out[i]->ip, out[i]->account);
		cr_assert_str_eq(got, c->want[i], "sort %d filter \"%s\": row %d is %s, want %s",
				 c->sort, c->filter, i, got, c->want[i]);
	}
}

ParameterizedTestParameters(top_model, sort)
{
	static struct view_case c[] = {
		/* findings first (by failures), then failures descending */
		{ TOP_SORT_DEFAULT, "", 5, { B_, D_, E_, C_, A_ } },
		/* text ascending (the IP as a string), ties by account */
		{ TOP_SORT_CLIENT, "", 5, { D_, E_, B_, C_, A_ } },
		{ TOP_SORT_ACCOUNT, "", 5, { E_, A_, B_, C_, D_ } },
		{ TOP_SORT_WORKSTATION, "", 5, { C_, B_, A_, E_, D_ } },
		/* counts descending, ties by ip then account */
		{ TOP_SORT_LOGONS_OK, "", 5, { A_, E_, C_, D_, B_ } },
		{ TOP_SORT_LOGONS_FAILED, "", 5, { B_, D_, A_, E_, C_ } },
		{ TOP_SORT_LOOKUPS, "", 5, { C_, E_, B_, D_, A_ } },
		{ TOP_SORT_RATE, "", 5, { C_, B_, D_, E_, A_ } },
		/* smallest remaining first, unknown last */
		{ TOP_SORT_LOCKOUT, "", 5, { D_, B_, E_, C_, A_ } },
	};
	return cr_make_param_array(struct view_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct view_case *c, top_model, sort)
{
	check_view(c);
}

ParameterizedTestParameters(top_model, filter)
{
	static struct view_case c[] = {
		{ TOP_SORT_DEFAULT, "", 5, { B_, D_, E_, C_, A_ } },
		{ TOP_SORT_DEFAULT, "198.18.0.1", 1, { D_ } },      /* ip substring */
		{ TOP_SORT_DEFAULT, "198.18.0.2", 2, { B_, E_ } },
		{ TOP_SORT_DEFAULT, "ALICE", 2, { E_, A_ } },     /* account, any case */
		{ TOP_SORT_DEFAULT, "tokn", 1, { D_ } },
		{ TOP_SORT_DEFAULT, "ws-", 3, { B_, E_, A_ } },   /* workstation */
		{ TOP_SORT_DEFAULT, "ws042", 1, { D_ } },
		{ TOP_SORT_DEFAULT, "CWCSP", 1, { B_ } },         /* a file's path */
		{ TOP_SORT_DEFAULT, "Q1.XLSX", 1, { C_ } },
		{ TOP_SORT_DEFAULT, "DATA", 1, { C_ } },          /* a file's share */
		{ TOP_SORT_DEFAULT, "filesrv", 1, { E_ } },       /* a share connect's UNC */
		{ TOP_SORT_CLIENT, "a", 5, { D_, E_, B_, C_, A_ } },
		{ TOP_SORT_LOCKOUT, "alice", 2, { E_, A_ } },
		{ TOP_SORT_DEFAULT, "nomatch", 0, { "" } },
	};
	return cr_make_param_array(struct view_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct view_case *c, top_model, filter)
{
	check_view(c);
}

Test(top_model, view_null_filter_keeps_all)
{
	const struct top_row *out[8];

	fixture();
	cr_assert_eq(top_model_view(&m, TOP_SORT_DEFAULT, NULL, out, 8), 5);
	cr_assert_str_eq(out[0]->account, "Bob");
	cr_assert_str_eq(out[4]->ip, "198.18.0.9");
}

/* With room for fewer rows than match, the view holds the first rows of the sorted order. */
Test(top_model, view_max_keeps_the_top_rows)
{
	const struct top_row *out[TOP_MAX_ROWS];
	int n;

	/* Regression (was a bug): top_model_view stops collecting at max rows in table order and sorts only those,
	 * so with max 2 and the default sort it returns B then A (198.18.0.9 alice: 1 failure, no
	 * finding) instead of B then D (198.18.0.10, a finding, 2 failures). top.c passes TOP_MAX_ROWS
	 * today, so smbwatch top itself is not affected. */
	fixture();
	n = top_model_view(&m, TOP_SORT_DEFAULT, "", out, 2);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(out[0]->ip, "198.18.0.2");
	cr_assert_str_eq(out[0]->account, "Bob");
	cr_assert_str_eq(out[1]->ip, "198.18.0.10");
	cr_assert_str_eq(out[1]->account, ACCT);
}

/* --- eviction --- */

Test(top_model, full_table_evicts_oldest_row)
{
	struct top_row *r;
	char ip[32];
	int i;

	for (i = 0; i < TOP_MAX_ROWS; i++) {
		snprintf(ip, sizeof(ip), "198.%d.%d.%d", 18 + (i >> 16), (i >> 8) & 0xff, i & 0xff);
		top_model_logon(&m, 1000 + (uint64_t)i, ip, ACCT, "CORP", "WS042", WRONG_PASSWORD);
	}
	cr_assert_eq(m.nrows, TOP_MAX_ROWS);
	cr_assert_eq(m.evicted, 0);
	/* row 0 is active again: row 1 is now the quietest */
	top_model_logon(&m, 100000, "198.18.0.0", ACCT, "CORP", "WS042", WRONG_PASSWORD);
	cr_assert_eq(m.evicted, 0);
	/* an existing row is found, not added */
	top_model_logon(&m, 100001, "198.18.0.7", "smsclitoknacct&", "CORP", "WS042", OK);
	cr_assert_eq(m.nrows, TOP_MAX_ROWS);
	cr_assert_eq(m.evicted, 0);

	top_model_logon(&m, 200000, "192.168.1.1", "newcomer", "CORP", "WS100", NO_SUCH_USER);
	cr_assert_eq(m.nrows, TOP_MAX_ROWS);
	cr_assert_eq(m.evicted, 1);
	cr_assert_null(find_row("198.18.0.1", ACCT));
	cr_assert_not_null(find_row("198.18.0.0", ACCT));
	r = find_row("192.168.1.1", "newcomer");
	cr_assert_not_null(r);
	cr_assert_eq(r - m.rows, 1, "the evicted row's slot is reused");
	cr_assert_eq(r->logons_failed, 1);
	cr_assert_eq(r->logons_ok, 0);
	cr_assert_eq(r->last_total, 0);
	cr_assert_eq(r->nrecent, 1);
	cr_assert_eq(r->nstatuses, 1);
	cr_assert_eq(r->lockout_remaining, -1);
	cr_assert_str_eq(r->workstation, "WS100");
	cr_assert_eq(r->last_us, 200000);

	top_model_lookup(&m, 200001, "192.168.1.2", "other", "CORP", NULL, BAD_NETWORK_NAME,
			 "ghost", "", "\\\\FILESRV\\ghost");
	cr_assert_eq(m.evicted, 2);
	cr_assert_null(find_row("198.18.0.2", ACCT));
	r = find_row("192.168.1.2", "other");
	cr_assert_not_null(r);
	cr_assert_eq(r - m.rows, 2);
	cr_assert_eq(r->nfiles, 1);
	cr_assert_eq(r->lookups_failed, 1);
	/* the totals keep what the evicted rows counted */
	cr_assert_eq(m.logons_failed, TOP_MAX_ROWS + 1 + 1);
	cr_assert_eq(m.logons_ok, 1);
	cr_assert_eq(m.lookups_failed, 1);
}

/* --- text --- */

static void row_a(struct top_row *r)
{
	memset(r, 0, sizeof(*r));
	r->finding = true;
	r->finding_id = 7;
	strcpy(r->ip, IP);
	strcpy(r->account, ACCT);
	strcpy(r->domain, "CORP");
	strcpy(r->workstation, "WS042");
	r->logons_ok = 1;
	r->logons_failed = 3;
	r->lookups_failed = 2;
	r->rate = 0.5;
	r->lockout_remaining = 2;
	strcpy(r->last_missing, "System32/Drivers/cwcsp.dll");
}

static void row_b(struct top_row *r)
{
	memset(r, 0, sizeof(*r));
	strcpy(r->ip, "192.168.100.200");
	strcpy(r->account, "guest");
	r->logons_ok = 12;
	r->lockout_remaining = -1;
}

#define HDR_FIXED "  CLIENT          ACCOUNT          WORKSTATION   OK FAIL LOOKUP  RATE LOCK "

Test(top_model, header_exact)
{
	char out[1024];

	top_format_header(out, sizeof(out), 120, TOP_SORT_DEFAULT);
	cr_assert_str_eq(out, HDR_FIXED "LAST MISSING FILE"
			 "                            "); /* 28 */
	cr_assert_eq(strlen(out), 120);
	top_format_header(out, sizeof(out), 80, TOP_SORT_DEFAULT);
	cr_assert_str_eq(out, HDR_FIXED "LAST ");
	top_format_header(out, sizeof(out), 80, TOP_SORT_CLIENT);
	cr_assert_str_eq(out, "  CLIENT*         ACCOUNT          WORKSTATION   OK FAIL LOOKUP  RATE "
			 "LOCK LAST ");
	top_format_header(out, sizeof(out), 80, TOP_SORT_RATE);
	/* names never move: the mark follows the name, here in the separator */
	cr_assert_str_eq(out, "  CLIENT          ACCOUNT          WORKSTATION   OK FAIL LOOKUP  RATE*"
			 "LOCK LAST ");
	top_format_header(out, sizeof(out), 20, TOP_SORT_DEFAULT);
	cr_assert_str_eq(out, "  CLIENT          AC");
}

struct marker_case {
	enum top_sort sort;
	char name[24]; /* the marked column name; "" for none */
	char sort_name[24];
};

ParameterizedTestParameters(top_model, header_marks_sort_column)
{
	static struct marker_case c[] = {
		{ TOP_SORT_DEFAULT, "", "findings" },
		{ TOP_SORT_CLIENT, "CLIENT*", "client" },
		{ TOP_SORT_ACCOUNT, "ACCOUNT*", "account" },
		{ TOP_SORT_WORKSTATION, "WORKSTATION*", "workstation" },
		{ TOP_SORT_LOGONS_OK, "OK*", "ok" },
		{ TOP_SORT_LOGONS_FAILED, "FAIL*", "failed logons" },
		{ TOP_SORT_LOOKUPS, "LOOKUP*", "failed lookups" },
		{ TOP_SORT_RATE, "RATE*", "rate" },
		{ TOP_SORT_LOCKOUT, "LOCK*", "lockout" },
	};
	return cr_make_param_array(struct marker_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct marker_case *c, top_model, header_marks_sort_column)
{
	char out[1024];
	const char *star;

	top_format_header(out, sizeof(out), 200, c->sort);
	star = strchr(out, '*');
	if (!c->name[0]) {
		cr_assert_null(star, "no column marked: %s", out);
	} else {
		cr_assert_not_null(strstr(out, c->name), "%s not in %s", c->name, out);
		cr_assert_null(strchr(star + 1, '*'), "one mark only: %s", out);
	}
	cr_assert_str_eq(top_sort_name(c->sort), c->sort_name);
}

Test(top_model, sort_name_out_of_range)
{
	cr_assert_str_eq(top_sort_name(TOP_SORT_COUNT), "?");
}

/* Each header name sits over its row field: text columns start where the field starts,
 * number columns end where the (right-aligned) number ends. */
static void check_aligned(enum top_sort sort)
{
	static const char *names[] = { "CLIENT", "ACCOUNT", "WORKSTATION", "OK", "FAIL",
				       "LOOKUP", "RATE", "LOCK", "LAST MISSING FILE" };
	static const enum top_sort keys[] = { TOP_SORT_CLIENT, TOP_SORT_ACCOUNT,
					      TOP_SORT_WORKSTATION, TOP_SORT_LOGONS_OK,
					      TOP_SORT_LOGONS_FAILED, TOP_SORT_LOOKUPS,
					      TOP_SORT_RATE, TOP_SORT_LOCKOUT, TOP_SORT_COUNT };
	static const int at[] = { COL_IP, COL_ACCOUNT, COL_WS, -END_OK, -END_FAIL, -END_LOOKUP,
				  -END_RATE, -END_LOCK, COL_LAST };
	char hdr[1024], row[1024], name[32];
	struct top_row r;
	int i, start;

	/* every field full width, so that each one's place shows in the row */
	memset(&r, 0, sizeof(r));
	strcpy(r.ip, "192.168.100.200");
	strcpy(r.account, "ABCDEFGHIJKLMNOP");
	strcpy(r.workstation, "WORKSTATION");
	r.logons_ok = 1111;
	r.logons_failed = 2222;
	r.lookups_failed = 333333;
	r.rate = 444.4;
	r.lockout_remaining = 5555;
	strcpy(r.last_missing, "LASTFILE");
	top_format_row(row, sizeof(row), 200, &r);
	cr_assert_eq(strncmp(row + COL_IP, "192.168.100.200 ", 16), 0, "%s", row);
	cr_assert_eq(strncmp(row + COL_ACCOUNT, "ABCDEFGHIJKLMNOP ", 17), 0, "%s", row);
	cr_assert_eq(strncmp(row + COL_WS, "WORKSTATION ", 12), 0, "%s", row);
	cr_assert_eq(strncmp(row + END_OK - 4, "1111 ", 5), 0, "%s", row);
	cr_assert_eq(strncmp(row + END_FAIL - 4, "2222 ", 5), 0, "%s", row);
	cr_assert_eq(strncmp(row + END_LOOKUP - 6, "333333 ", 7), 0, "%s", row);
	cr_assert_eq(strncmp(row + END_RATE - 5, "444.4 ", 6), 0, "%s", row);
	cr_assert_eq(strncmp(row + END_LOCK - 4, "5555 ", 5), 0, "%s", row);
	cr_assert_eq(strncmp(row + COL_LAST, "LASTFILE", 8), 0, "%s", row);

	/* names never move; the sort column's name is followed by '*' */
	top_format_header(hdr, sizeof(hdr), 200, sort);
	for (i = 0; i < 9; i++) {
		snprintf(name, sizeof(name), "%s", names[i]);
		start = at[i] >= 0 ? at[i] : -at[i] - (int)strlen(name);
		cr_assert_eq(strncmp(hdr + start, name, strlen(name)), 0,
			     "sort %d: %s not at column %d:\n%s\n%s", sort, name, start, hdr, row);
		cr_assert(hdr[start - 1] == ' ' || (i > 0 && keys[i - 1] == sort && hdr[start - 1] == '*'),
			  "sort %d: %s at column %d:\n%s\n%s", sort, name, start, hdr, row);
		cr_assert_eq(hdr[start + strlen(name)], keys[i] == sort ? '*' : ' ',
			     "sort %d: the mark after %s:\n%s", sort, name, hdr);
	}
}

struct align_case {
	enum top_sort sort;
};

ParameterizedTestParameters(top_model, header_lines_up_with_row)
{
	static struct align_case c[] = {
		{ TOP_SORT_DEFAULT }, { TOP_SORT_CLIENT }, { TOP_SORT_ACCOUNT },
		{ TOP_SORT_LOGONS_OK }, { TOP_SORT_RATE },
	};
	return cr_make_param_array(struct align_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct align_case *c, top_model, header_lines_up_with_row)
{
	check_aligned(c->sort);
}

Test(top_model, header_lines_up_with_row_when_sorted_by_narrow_column)
{
	/* Regression (was a bug): the '*' is added inside the column's width, and "WORKSTATION*" (12 > 11),
	 * "FAIL*" (5 > 4), "LOOKUP*" (7 > 6) and "LOCK*" (5 > 4) do not fit: the header grows by
	 * one column and every name after it stands one column right of its field. With
	 * TOP_SORT_LOGONS_FAILED: want "LOOKUP" at 57, "LAST MISSING FILE" at 75; got 58 and 76. */
	check_aligned(TOP_SORT_WORKSTATION);
	check_aligned(TOP_SORT_LOGONS_FAILED);
	check_aligned(TOP_SORT_LOOKUPS);
	check_aligned(TOP_SORT_LOCKOUT);
}

#define ROW_A_FIXED "! 198.18.0.5      SMSCliToknAcct&  WS042          1    3      2   0.5    2 "
#define ROW_B_FIXED "  192.168.100.200 guest            -             12    0      0   0.0    - "

/* The first 75 columns, whatever the width beyond them. */
Test(top_model, row_fixed_columns_exact)
{
	char out[1024];
	struct top_row r;

	cr_assert_eq(strlen(ROW_A_FIXED), COL_LAST);
	cr_assert_eq(strlen(ROW_B_FIXED), COL_LAST);
	row_a(&r);
	top_format_row(out, sizeof(out), 200, &r);
	cr_assert_eq(strncmp(out, ROW_A_FIXED "System32/Drivers/cwcsp.dll",
			     COL_LAST + 26), 0, "%s", out);
	row_b(&r);
	top_format_row(out, sizeof(out), 200, &r);
	cr_assert_eq(strncmp(out, ROW_B_FIXED, COL_LAST), 0, "%s", out);
	cr_assert_eq(out[COL_LAST], ' ');
}

Test(top_model, row_exact_at_120_and_80)
{
	char out[1024];
	struct top_row r;

	/* Regression (was a bug): COLS_FIXED in top_model.c is 72, but the fixed columns are 75 wide
	 * (2+15+1+16+1+11 and " %4llu %4llu %6llu %5.1f %4s " = 29), so the last column gets
	 * width - 72 columns: a row at width 120 is 123 columns (ROW_A_FIXED then the path
	 * padded to 48), at width 80 it is 83 ("...    2 System32"); any width from 72 up is
	 * 3 columns too wide, and 72 itself is not cut (75). smbwatch top --batch writes
	 * 123-column rows under a 120-column header. */
	row_a(&r);
	top_format_row(out, sizeof(out), 120, &r);
	cr_assert_str_eq(out, ROW_A_FIXED "System32/Drivers/cwcsp.dll"
			 "                   "); /* 19 */
	cr_assert_eq(strlen(out), 120);
	top_format_row(out, sizeof(out), 80, &r);
	cr_assert_str_eq(out, ROW_A_FIXED "Syste");
	row_b(&r);
	top_format_row(out, sizeof(out), 120, &r);
	cr_assert_str_eq(out, ROW_B_FIXED "                                             "); /* 45 */
	top_format_row(out, sizeof(out), 80, &r);
	cr_assert_str_eq(out, ROW_B_FIXED "     ");
	top_format_row(out, sizeof(out), 75, &r);
	cr_assert_str_eq(out, ROW_B_FIXED);
	top_format_row(out, sizeof(out), 72, &r);
	cr_assert_eq(strlen(out), 72, "%s", out);
}

Test(top_model, row_cut_exact_at_40_and_10)
{
	char out[1024];
	struct top_row r;

	row_a(&r);
	top_format_row(out, sizeof(out), 40, &r);
	cr_assert_str_eq(out, "! 198.18.0.5      SMSCliToknAcct&  WS042");
	top_format_row(out, sizeof(out), 10, &r);
	cr_assert_str_eq(out, "! 198.18.0");
	row_b(&r);
	top_format_row(out, sizeof(out), 40, &r);
	cr_assert_str_eq(out, "  192.168.100.200 guest            -    ");
	top_format_row(out, sizeof(out), 10, &r);
	cr_assert_str_eq(out, "  192.168.");
}

struct width_case {
	int width;
	char account[32];
	char workstation[32];
};

ParameterizedTestParameters(top_model, row_is_width_columns)
{
	static struct width_case c[] = {
		{ 10, ACCT, "WS042" },
		{ 40, ACCT, "WS042" },
		{ 40, "J\xc3\xbcrgen", "WS\xc3\xa9t\xc3\xa9" },      /* UTF-8: one column each */
		{ 40, "evil\x1b[2J", "WS\n42" },                      /* escaped, 4 columns each */
		{ 10, "\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b", "" },
		{ 1, ACCT, "" },
		{ 71, "J\xc3\xbcrgen", "WS\x07" },
	};
	return cr_make_param_array(struct width_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct width_case *c, top_model, row_is_width_columns)
{
	char out[1024];
	struct top_row r;

	row_a(&r);
	strcpy(r.account, c->account);
	strcpy(r.workstation, c->workstation);
	strcpy(r.last_missing, "dir/\x1b]0;title\x07");
	top_format_row(out, sizeof(out), c->width, &r);
	cr_assert_eq(cols(out), c->width, "width %d: %d columns: \"%s\"", c->width, cols(out),
		     out);
	cr_assert_not(has_control_bytes(out), "width %d: raw control byte", c->width);
}

Test(top_model, header_is_width_columns)
{
	static const int widths[] = { 1, 10, 40, 74, 75, 80, 120, 200 };
	char out[1024];
	size_t i;

	for (i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		top_format_header(out, sizeof(out), widths[i], TOP_SORT_LOOKUPS);
		cr_assert_eq(cols(out), widths[i], "width %d: \"%s\"", widths[i], out);
	}
}

/* ESC, newline and other control bytes in names are shown as \xNN, never raw. */
Test(top_model, row_escapes_control_bytes)
{
	char out[1024];
	struct top_row r;

	row_a(&r);
	strcpy(r.account, "evil\x1b[2J");
	strcpy(r.workstation, "WS\n42");
	strcpy(r.last_missing, "a\x1b]0;x\x07\x7f" "b");
	top_format_row(out, sizeof(out), 200, &r);
	cr_assert_not(has_control_bytes(out), "raw control byte in \"%s\"", out);
	cr_assert_eq(strncmp(out, "! 198.18.0.5      evil\\x1b[2J      WS\\x0a42   "
			     "    1    3      2   0.5    2 a\\x1b]0;x\\x07\\x7fb", COL_LAST + 18),
		     0, "%s", out);

	/* also when the row is cut */
	top_format_row(out, sizeof(out), 40, &r);
	cr_assert_str_eq(out, "! 198.18.0.5      evil\\x1b[2J      WS\\x0");
	cr_assert_not(has_control_bytes(out));

	/* an invalid UTF-8 byte too */
	row_b(&r);
	strcpy(r.account, "bad\xff" "name");
	top_format_row(out, sizeof(out), 60, &r);
	cr_assert_str_eq(out, "  192.168.100.200 bad\\xffname      -             12    0    ");
}

/* A row built from events, formatted. */
Test(top_model, row_from_events)
{
	const struct top_row *out[4];
	char line[1024];

	top_model_logon(&m, 1, IP, ACCT, "CORP", "WS042", OK);
	top_model_logon(&m, 2, IP, ACCT, "CORP", "WS042", WRONG_PASSWORD);
	top_model_logon(&m, 3, IP, ACCT, "CORP", "WS042", WRONG_PASSWORD);
	top_model_logon(&m, 4, IP, ACCT, "CORP", "WS042", WRONG_PASSWORD);
	top_model_lookup(&m, 5, IP, ACCT, "CORP", NULL, OBJECT_NAME_NOT_FOUND, "apps",
			 "System32/Drivers/cwcsp.dll",
			 "\\\\FILESRV\\apps\\System32\\Drivers\\cwcsp.dll");
	top_model_lookup(&m, 6, IP, ACCT, "CORP", NULL, OBJECT_NAME_NOT_FOUND, "apps",
			 "System32/Drivers/cwcsp.dll",
			 "\\\\FILESRV\\apps\\System32\\Drivers\\cwcsp.dll");
	top_model_tick(&m, 10.0);
	top_model_finding(&m, IP, ACCT, 1, 2);
	cr_assert_eq(top_model_view(&m, TOP_SORT_DEFAULT, "", out, 4), 1);
	top_format_row(line, sizeof(line), 200, out[0]);
	cr_assert_eq(strncmp(line, ROW_A_FIXED "System32/Drivers/cwcsp.dll ", COL_LAST + 27), 0,
		     "%s", line);
}
