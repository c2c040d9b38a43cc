// SPDX-License-Identifier: GPL-2.0
/* The SIEM side (contrib/): index template, Filebeat, Fluent Bit, rsyslog, Sigma, exercised
 * by tests/siem/check_siem_files.py against the records of a real lab run of the KB scenario. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "harness.h"

static struct lab lab;
static struct tracer tr;

static void teardown(void)
{
	if (tr.pid > 0)
		tracer_stop(&tr, SIGKILL);
	lab_stop(&lab);
}

Test(siem, contrib_files_fit_real_records, .fini = teardown, .timeout = 120)
{
	char args[256], work[600];
	json_object **r;
	int n;

	need_root();
	cr_assert_eq(lab_start(&lab, ""), 0);
	snprintf(args, sizeof(args), "--json -p %u --lockout-threshold 3 --stats-interval 1 "
				     "--count-success", lab.port);
	cr_assert_eq(tracer_start(&tr, args, true), 0);
	cr_assert_eq(smbsim(&lab, "127.0.0.1",
			    "-U 'SMSCliToknAcct&' -P Token-Pass-1 -W CORP -n WS042 "
			    "--search 'apps;apps/bin;tools' --files 'cwcsp.dll,ymhaud.sys'"),
		     0);
	smbsim(&lab, "127.0.0.1", "-U 'SMSCliToknAcct&' -P stale -W CORP -n WS042 apps/x");
	smbsim(&lab, "127.0.0.1", "-U alice -P Alice-Pass-1 -W LAB -n WS001 apps/readme.txt "
				  "apps/nope.doc");
	smbclient(&lab, "127.0.0.1",
		  "-U 'alice%%Alice-Pass-1' -c 'ls nothere*' >/dev/null 2>&1; sleep 1.2");
	cr_assert_eq(tracer_stop(&tr, SIGINT), 0);
	r = records_read(tr.out, &n); /* also validated against the JSON Schema */
	records_free(r, n);
	snprintf(work, sizeof(work), "%s/siem", test_tmpdir());
	cr_assert_eq(sh("mkdir -p '%s'", work), 0);
	cr_assert_eq(sh("python3 tests/siem/check_siem_files.py contrib '%s' '%s' >&2", tr.out,
			work),
		     0, "a contrib/ file does not fit smbwatch's records (see above)");
}
