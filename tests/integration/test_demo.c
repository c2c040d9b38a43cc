// SPDX-License-Identifier: GPL-2.0
/* The README's first quick-start command, `tools/demo`, as a user runs it: its throwaway
 * smbd, the KB's SMS client on a network namespace of its own (198.18.42.2, WS042), smbwatch
 * live, then replay of Samba's own audit log. What it prints must name the offending client,
 * its workstation and the files it sought, and it must leave nothing behind. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"

/* Whether after the first occurrence of `after` in text, `what` occurs. */
static bool has_after(const char *text, const char *after, const char *what)
{
	const char *at = strstr(text, after);

	return at && strstr(at, what);
}

Test(demo, quick_start_names_the_sms_client, .timeout = 240)
{
	char out[600], left[600], labdir[256];
	char *text, *lab;

	need_root();
	snprintf(out, sizeof(out), "%s/demo.out", test_tmpdir());
	snprintf(left, sizeof(left), "%s/demo.left", test_tmpdir());
	/* --no-install: the dependencies are there (make check built everything) */
	cr_assert_eq(sh("tools/demo --no-install >'%s' 2>&1", out), 0, "tools/demo failed");
	cr_assert_not_null(text = slurp(out));

	/* live: the PATH search, named with client, workstation, file and places */
	cr_assert(strstr(text, "FINDING NEW #1 [smbwatch-path-search] CORP\\SMSCliToknAcct& from "
			       "198.18.42.2 (WS042)"),
		  "no live finding for the SMS client:\n%s", text);
	cr_assert(strstr(text, "it looks for cwcsp.dll in \\\\"), "%s", text);
	cr_assert(strstr(text, "\\\\198.18.42.1\\tools (no such share)"), "%s", text);
	/* the stale password then locks the account out, and the summary says so */
	cr_assert(has_after(text, "FINDING SUMMARY #1 [smbwatch-lockout-risk]",
			    "the account is locked out"),
		  "%s", text);
	/* the same finding as ECS JSON */
	cr_assert(has_after(text, "as ECS JSON", "\"client\": \"198.18.42.2\""), "%s", text);
	cr_assert(has_after(text, "as ECS JSON", "\"workstation\": \"WS042\""), "%s", text);
	cr_assert(has_after(text, "as ECS JSON", "\"path\": \"cwcsp.dll\""), "%s", text);
	cr_assert(has_after(text, "as ECS JSON", "\"path\": \"ymhaud.sys\""), "%s", text);
	/* replay of Samba's audit log finds the lockout without BPF */
	cr_assert(has_after(text, "without BPF: smbwatch replay",
			    "FINDING NEW #1 [smbwatch-lockout-risk] CORP\\SMSCliToknAcct& from "
			    "198.18.42.2 (WS042)"),
		  "%s", text);
	cr_assert(has_after(text, "without BPF: smbwatch replay", "; 1 finding(s);"), "%s", text);
	cr_assert(has_after(text, "audit log agrees", "5 NT_STATUS_WRONG_PASSWORD"), "%s", text);
	cr_assert(strstr(text, "demo: done; lab removed"), "%s", text);
	lab = strstr(text, "lab: /tmp/");
	cr_assert(lab && sscanf(lab, "lab: %255[^,]", labdir) == 1, "%s", text);
	free(text);

	/* nothing left: its namespace and veth, its lab (smbd and directory), its files */
	cr_assert_eq(sh("{ ip netns list; ip -o link; ls -d /tmp/smbwatch-demo.*; } 2>/dev/null | "
			"grep -E 'smbwdemo|smbwatch-demo' >'%s'",
			left),
		     1, "the demo left something behind:\n%s", slurp(left));
	cr_assert_neq(sh("test -e '%s'", labdir), 0, "the demo's lab %s is still there", labdir);
	cr_assert_neq(sh("pgrep -f '[s]mbd.*%s' >/dev/null", labdir), 0,
		      "the demo's smbd still runs");
}
