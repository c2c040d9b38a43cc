// SPDX-License-Identifier: GPL-2.0
/* smbwatch doctor: reports each preflight check on its own line. */
#include <bpf/libbpf.h>
#include <stdio.h>
#include "cli/doctor.h"
#include "cli/preflight.h"

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

int doctor_run(const struct smbw_opts *o)
{
	static struct preflight p;
	struct samba_where w;
	int i, failed;

	if (!o->verbose)
		libbpf_set_print(silent);
	preflight_where(o, &w);
	failed = preflight_run(&p, &w);
	if (!failed)
		failed = !preflight_attach(&p);
	for (i = 0; i < p.n; i++)
		printf("%-4s %-32s %s\n", p.checks[i].ok ? "ok" : "FAIL", p.checks[i].name,
		       p.checks[i].detail);
	printf(failed ? "smbwatch cannot trace here: %d check(s) failed\n"
		      : "smbwatch can trace here\n",
	       failed);
	preflight_free(&p);
	return failed ? 1 : 0;
}
