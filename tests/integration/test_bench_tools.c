// SPDX-License-Identifier: GPL-2.0
/* make bench's own instrument, run as tools/bench runs it: build/uprobe-cost times a hit of its
 * counting-only probe on each of its two functions, and exits 1 unless the probe counted every
 * traced call and none other. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"

static const char *uprobe_cost_bin(void)
{
	const char *s = getenv("UPROBE_COST");

	return s ? s : "build/uprobe-cost";
}

/* Runs uprobe-cost ARGS; asserts it succeeded, timed a hit and names TARGET. */
static void measures(const char *args, const char *target)
{
	char out[256], *text, *hit;
	int st;

	snprintf(out, sizeof(out), "%s/uprobe-cost.out", test_tmpdir());
	st = sh("%s -n 20000 -r 1 %s >'%s' 2>&1", uprobe_cost_bin(), args, out);
	text = slurp(out);
	cr_assert_not_null(text);
	cr_assert_eq(st, 0, "uprobe-cost %s exited %d: %s", args, st, text);
	hit = strstr(text, "hit_us=");
	cr_assert_not_null(hit, "no hit_us in: %s", text);
	/* a traced call is a trap or a system call more than an untraced one: hundreds of ns */
	cr_assert_gt(strtod(hit + 7, NULL), 0.0, "no time for a hit: %s", text);
	cr_assert_not_null(strstr(text, target), "not %s: %s", target, text);
	free(text);
}

Test(bench_tools, uprobe_cost_at_a_push, .init = need_root, .timeout = 60)
{
	measures("", "target=push");
}

/* The --nop5 function must start with the 5-byte nop the kernel optimizes, and the probe on it
 * must count every call, the first (a trap) and the rest (calls into the trampoline). */
Test(bench_tools, uprobe_cost_at_a_nop5, .init = need_root, .timeout = 60)
{
	cr_assert_eq(sh("objdump -d --disassemble=uc_target_nop5 '%s' | grep -A1 '<uc_target_nop5>:' |"
			" grep -q '0f 1f 44 00 00'",
			uprobe_cost_bin()),
		     0, "uc_target_nop5 does not start with nopl 0x0(%%rax,%%rax,1)");
	measures("--nop5", "target=nop5");
}
