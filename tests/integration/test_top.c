// SPDX-License-Identifier: GPL-2.0
/* smbwatch top, driven as a person would: in tmux (send-keys, capture-pane) against a lab smbd
 * with two client hosts (network namespaces), and --batch checked line by line. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "harness.h"

static struct lab lab;
static struct netns_set ns;
static struct tracer tr;
static char session[32];

static void setup(void)
{
	need_root();
	cr_assert_eq(sh("command -v tmux >/dev/null"), 0, "tmux is not installed");
	cr_assert_eq(netns_create(&ns, 2), 0, "cannot create network namespaces");
	cr_assert_eq(lab_start(&lab, "--interfaces '127.0.0.1 198.18.1.1 198.18.2.1'"), 0);
	snprintf(session, sizeof(session), "smbwtop%d", (int)getpid());
}

static void teardown(void)
{
	if (tr.pid > 0)
		tracer_stop(&tr, SIGKILL);
	if (session[0])
		sh("tmux kill-session -t %s 2>/dev/null", session);
	lab_stop(&lab);
	netns_destroy(&ns);
}

/* Host 1: the SMS client walks its PATH, then two stale-password logons; host 2: alice misses
 * two files. */
static void clients(void)
{
	int i;

	/* one host after the other: the view's tests are about the view (concurrent hosts are
	 * covered by the batch, files and detection tests) */
	cr_assert_eq(sh("%s %s -s 198.18.1.1 -p %u -U 'SMSCliToknAcct&' -P Token-Pass-1 -W CORP "
			"-n WS042 --search 'apps;apps/bin;tools' --files 'cwcsp.dll,ymhaud.sys' "
			"--rate 20 >>'%s/host1.out' 2>&1; "
			"%s %s -s 198.18.2.1 -p %u -U alice -P Alice-Pass-1 -W LAB -n WS001 "
			"--rate 20 apps/report.doc apps/bin/tool.exe >>'%s/host2.out' 2>&1",
			netns_exec(&ns, 1), smbsim_bin(), lab.port, test_tmpdir(), netns_exec(&ns, 2),
			smbsim_bin(), lab.port, test_tmpdir()),
		     0);
	for (i = 0; i < 2; i++)
		sh("%s %s -s 198.18.1.1 -p %u -U 'SMSCliToknAcct&' -P stale -W CORP -n WS042 "
		   "apps/x >>'%s/host1.out' 2>&1",
		   netns_exec(&ns, 1), smbsim_bin(), lab.port, test_tmpdir());
}

/* "! 198.18.1.2 ..." -> the whitespace-separated fields of the row of ip, or fails. */
static int row_fields(const char *text, const char *ip, char f[12][128])
{
	const char *line = NULL, *p = text;
	char buf[512], *save = NULL, *tok;
	int n = 0;

	/* the last occurrence: the newest refresh */
	while ((p = strstr(p, ip))) {
		line = p;
		p++;
	}
	cr_assert_not_null(line, "no row for %s in:\n%s", ip, text);
	while (line > text && line[-1] != '\n')
		line--;
	snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(line, "\n"), line);
	for (tok = strtok_r(buf, " ", &save); tok && n < 12; tok = strtok_r(NULL, " ", &save))
		snprintf(f[n++], 128, "%s", tok);
	return n;
}

Test(top, batch_rows_and_columns, .init = setup, .fini = teardown, .timeout = 180)
{
	char args[256], f[12][128], *out;
	int n, i;

	/* -o FILE while the view runs: the records go out too */
	snprintf(args, sizeof(args), "top --batch -n 12 -i 1 -p %u --lockout-threshold 5 -o '%s/top.json'",
		 lab.port, test_tmpdir());
	cr_assert_eq(tracer_start(&tr, args, false), 0);
	for (i = 0; i < 100; i++) { /* the first refresh: tracing is on */
		out = slurp(tr.out);
		if (out && strstr(out, "smbwatch top - ")) {
			free(out);
			break;
		}
		free(out);
		usleep(100000);
	}
	clients();
	cr_assert_eq(tracer_wait(&tr, 60), 0, "top --batch -n 12 did not stop by itself");
	out = slurp(tr.out);
	cr_assert_not_null(out);

	/* twelve refreshes, each: three header lines, the column header, the rows, a blank line */
	for (n = 0, i = 0; out[i]; i++)
		n += !strncmp(out + i, "smbwatch top - ", 15);
	cr_assert_eq(n, 12, "%s", out);
	cr_assert(strstr(out, "  CLIENT          ACCOUNT          WORKSTATION   OK FAIL LOOKUP  "
			      "RATE LOCK LAST MISSING FILE\n"),
		  "%s", out);
	cr_assert(strstr(out, "open findings 1"), "%s", out);

	/* the SMS client: marked, 2 failed logons, 6 failed lookups (2 files x 3 places), 3 left */
	n = row_fields(out, "198.18.1.2", f);
	cr_assert_geq(n, 10);
	cr_assert_str_eq(f[0], "!");
	cr_assert_str_eq(f[2], "SMSCliToknAcct&");
	cr_assert_str_eq(f[3], "WS042");
	cr_assert_str_eq(f[5], "2", "failed logons");
	cr_assert_str_eq(f[6], "6", "failed lookups");
	cr_assert_str_eq(f[8], "3", "lockout countdown");
	/* alice: no marker, two misses, no countdown */
	n = row_fields(out, "198.18.2.2", f);
	cr_assert_str_eq(f[0], "198.18.2.2");
	cr_assert_str_eq(f[1], "alice");
	cr_assert_str_eq(f[2], "WS001");
	cr_assert_str_eq(f[3], "1", "logons ok");
	cr_assert_str_eq(f[5], "2", "failed lookups");
	cr_assert_str_eq(f[7], "-");
	cr_assert(!strcmp(f[8], "report.doc") || !strcmp(f[8], "bin/tool.exe"), "%s", f[8]);
	{
		char path[700];
		json_object **rec;
		int nrec, k, findings = 0;

		snprintf(path, sizeof(path), "%s/top.json", test_tmpdir());
		rec = records_read(path, &nrec);
		for (k = 0; k < nrec; k++)
			findings += !strcmp(jget(rec[k], "event.dataset"), "smbwatch.finding");
		cr_assert_gt(findings, 0, "no finding record in the -o file");
		cr_assert_str_eq(jget(rec[nrec - 1], "event.action"), "stopped");
		records_free(rec, nrec);
	}
	/* the finding row comes first in the last refresh */
	cr_assert_lt(strstr(strrchr(out, '!') ? out : out, "! 198.18.1.2") - out,
		     strrchr(out, '\n') - out);
	free(out);
}

static char *pane(void)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/pane.txt", test_tmpdir());
	sh("tmux capture-pane -p -t %s > '%s'", session, path);
	return slurp(path);
}

static bool pane_has(const char *what, int tries)
{
	while (tries-- > 0) {
		char *p = pane();
		bool ok = p && strstr(p, what);

		free(p);
		if (ok)
			return true;
		usleep(200000);
	}
	return false;
}

static void keys(const char *k)
{
	sh("tmux send-keys -t %s %s", session, k);
	usleep(400000);
}

Test(top, interactive_in_tmux, .init = setup, .fini = teardown, .timeout = 180)
{
	char *p;

	cr_assert_eq(sh("tmux new-session -d -s %s -x 100 -y 30 \"%s top -p %u --lockout-threshold 5 "
			"-o %s/interactive.json; echo TOP-EXITED \\$?; sleep 60\"",
			session, smbwatch_bin(), lab.port, test_tmpdir()),
		     0);
	cr_assert(pane_has("smbwatch top - ", 50), "the view did not come up");
	clients();
	if (!pane_has("198.18.2.2", 40)) {
		char *now = pane(), *audit = slurp(lab.audit);

		cr_assert_fail("no row for the second host:\n%s\nthe lab's audit log:\n%s", now,
			       audit);
	}
	{
		char path[700], *h1;

		snprintf(path, sizeof(path), "%s/host1.out", test_tmpdir());
		h1 = slurp(path);
		cr_assert(pane_has("198.18.1.2", 40), "no row for the first host; it said: %s", h1);
		free(h1);
	}
	p = pane();
	/* the finding row first, marked */
	cr_assert(strstr(p, "! 198.18.1.2") && strstr(p, "! 198.18.1.2") < strstr(p, "198.18.2.2"),
		  "%s", p);
	free(p);

	keys("s"); /* sort by client */
	cr_assert(pane_has("sort: client", 10), "s did not change the sort");
	cr_assert(pane_has("CLIENT*", 5), "the sort column is not marked");
	keys("'>'");
	cr_assert(pane_has("sort: account", 10));
	keys("'<' '<'");
	cr_assert(pane_has("sort: findings", 10));

	keys("/ a l i c e Enter"); /* filter */
	cr_assert(pane_has("filter: alice", 10));
	p = pane();
	cr_assert_null(strstr(p, "198.18.1.2"), "the filter kept the other row:\n%s", p);
	cr_assert_not_null(strstr(p, "198.18.2.2"));
	free(p);
	keys("/ BSpace BSpace BSpace BSpace BSpace Enter");
	cr_assert(pane_has("filter: none", 10));

	keys("Enter"); /* details of the selected (first: the SMS client) row */
	cr_assert(pane_has("missing files", 10), "Enter showed no detail pane");
	p = pane();
	cr_assert_not_null(strstr(p, "cwcsp.dll"), "%s", p);
	cr_assert_not_null(strstr(p, "ymhaud.sys"), "%s", p);
	cr_assert_not_null(strstr(p, "lockout: 3 more bad password(s)"), "%s", p);
	free(p);
	keys("Escape");
	keys("p");
	cr_assert(pane_has("PAUSED", 10));
	keys("p");
	keys("h");
	cr_assert(pane_has("smbwatch top - keys", 10));
	keys("Escape");

	keys("q"); /* the terminal comes back: the shell's next command ran, alternate screen off */
	cr_assert(pane_has("TOP-EXITED 0", 20), "q did not give the terminal back");
	p = pane();
	cr_assert_null(strstr(p, "CLIENT"), "the view was left on the screen:\n%s", p);
	free(p);
}

Test(top, tiny_terminal_and_sigterm, .init = setup, .fini = teardown, .timeout = 120)
{
	char *p;

	cr_assert_eq(sh("tmux new-session -d -s %s -x 40 -y 10 \"%s top -p %u; echo TOP-EXITED "
			"\\$?; sleep 60\"",
			session, smbwatch_bin(), lab.port),
		     0);
	cr_assert(pane_has("smbwatch top", 50));
	clients();
	keys("Enter");
	keys("h");
	sh("tmux resize-window -t %s -x 20 -y 5 2>/dev/null; true", session);
	usleep(500000);
	keys("Escape");
	sh("tmux resize-window -t %s -x 80 -y 24 2>/dev/null; true", session);
	usleep(500000);
	/* by exact process name: a pattern would also match tmux's and the shell's command lines */
	cr_assert_eq(sh("pkill -TERM -x smbwatch"), 0, "smbwatch top is not running (did it crash?)");
	cr_assert(pane_has("TOP-EXITED 0", 20), "SIGTERM did not end it cleanly");
	p = pane();
	cr_assert_null(strstr(p, "smbwatch top -"), "the view was left on the screen:\n%s", p);
	free(p);
}
