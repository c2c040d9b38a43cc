// SPDX-License-Identifier: GPL-2.0
/* A Samba build no table knows, traced from its DWARF: the fixture libraries (SAMBA_9.99.0_FIXTURE,
 * tests/fixtures/dwarf, laid out unlike any Samba) and a fake smbd that calls them. Every offset
 * smbwatch reads is exercised: a wrong one loses or garbles a field below. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fixtures/dwarf/expected.h"
#include "harness.h"

#ifndef DWARF_FIXTURE_DIR
#define DWARF_FIXTURE_DIR "build/fixtures/dwarf"
#endif

static struct tracer tr;

static void teardown(void)
{
	if (tr.pid > 0)
		tracer_stop(&tr, SIGKILL);
}

/* The fixture's Samba library directory (SMBWATCH_DWARF_FIXTURES overrides the build's). */
static const char *fixture_dir(void)
{
	const char *d = getenv("SMBWATCH_DWARF_FIXTURES");

	return d ? d : DWARF_FIXTURE_DIR;
}

/* Whether text has line as one of its lines. */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

Test(dwarf, layout_command_reads_the_fixture_dwarf)
{
	char out[700], line[256];
	char *text;

	snprintf(out, sizeof(out), "%s/layout.out", test_tmpdir());
	cr_assert_eq(sh("%s layout --samba-libdir '%s' >'%s' 2>&1", smbwatch_bin(), fixture_dir(),
			out), 0, "smbwatch layout failed: see %s", out);
	text = slurp(out);
	cr_assert_not_null(text);
	cr_assert(strstr(text, "layout source: dwarf ("), "no DWARF layout source in:\n%s", text);
#define SAMBA_FIELD(g, f, s, m, d)                                                              \
	snprintf(line, sizeof(line), "%-20s %-48s %6u  %s", #f, s "." m,                          \
		 (unsigned int)fixture_offset_of(#f), d);                                         \
	cr_expect(has_line(text, line), "missing line '%s' in:\n%s", line, text);
#include "samba/layout_fields.def"
#undef SAMBA_FIELD
	free(text);
}

/* The one record of the fixture smbd with dataset and field == value. */
static json_object *one(json_object **r, int n, const char *pid, const char *dataset,
			const char *field, const char *value)
{
	json_object *hit = NULL;
	int i, count = 0;

	for (i = 0; i < n; i++) {
		const char *p = jget(r[i], "process.pid"), *ds = jget(r[i], "event.dataset");
		const char *v = jget(r[i], field);

		if (p && !strcmp(p, pid) && ds && !strcmp(ds, dataset) && v && !strcmp(v, value)) {
			hit = r[i];
			count++;
		}
	}
	cr_assert_eq(count, 1, "%d %s records of pid %s with %s=%s", count, dataset, pid, field,
		     value);
	return hit;
}

static void expect(json_object *o, const char *field, const char *want)
{
	const char *got = jget(o, field);

	cr_expect(got && !strcmp(got, want), "%s: '%s', expected '%s' in %s", field,
		  got ? got : "(absent)", want, json_object_to_json_string(o));
}

static void expect_client(json_object *o)
{
	expect(o, "source.ip", "198.18.77.2");
	expect(o, "source.port", "41234");
	expect(o, "destination.ip", "198.18.77.1");
	expect(o, "destination.port", "445");
}

/* Runs the fixture smbd once; its pid. */
static void run_fixture_smbd(char *pid, size_t n)
{
	char out[700], *text, *p;

	snprintf(out, sizeof(out), "%s/fixture-smbd.out", test_tmpdir());
	cr_assert_eq(sh("'%s/smbd' >'%s' 2>&1", fixture_dir(), out), 0, "fixture smbd failed");
	text = slurp(out);
	cr_assert(text && (p = strstr(text, "pid ")), "fixture smbd said: %s", text);
	snprintf(pid, n, "%ld", strtol(p + 4, NULL, 10));
	free(text);
}

Test(dwarf, traces_a_build_known_only_from_dwarf, .fini = teardown)
{
	char args[700], pid[32];
	json_object **r, *o;
	int n;

	need_root();
	snprintf(args, sizeof(args), "--json --samba-libdir '%s'", fixture_dir());
	cr_assert_eq(tracer_start(&tr, args, true), 0, "smbwatch did not start: see %s", tr.err);
	run_fixture_smbd(pid, sizeof(pid));
	cr_assert(file_has(tr.out, "nothere*", 100), "no record of the fixture's search");
	cr_assert_eq(tracer_stop(&tr, SIGINT), 0, "smbwatch did not stop cleanly");
	r = records_read(tr.out, &n);

	o = one(r, n, pid, "smbwatch.auth", "user.name", "dwarfuser");
	expect(o, "user.domain", "FIXTURE");
	expect(o, "smbwatch.workstation", "WSDWARF");
	expect(o, "smbwatch.service", "SMB2");
	expect(o, "smbwatch.nt_status_code", "0xc000006a");
	expect(o, "event.outcome", "failure");
	expect_client(o);

	o = one(r, n, pid, "smbwatch.file", "smbwatch.message_id", "11");
	expect(o, "event.action", "open");
	expect(o, "file.path", "missing/dwarf.dll");
	expect(o, "file.name", "dwarf.dll");
	expect(o, "smbwatch.share", "fixshare");
	expect(o, "smbwatch.nt_status_code", "0xc0000034");
	expect(o, "smbwatch.session_account", "dwarfuser");
	expect(o, "user.name", "dwarfuser");
	expect(o, "user.domain", "FIXTURE");
	expect_client(o);

	o = one(r, n, pid, "smbwatch.tree", "event.outcome", "success"); /* make_connection_smb2 */
	expect(o, "smbwatch.share", "fixshare");
	expect(o, "smbwatch.session_account", "dwarfuser");
	expect_client(o);

	o = one(r, n, pid, "smbwatch.tree", "smbwatch.message_id", "13"); /* no tcon: session */
	expect(o, "smbwatch.share", "noshare");
	expect(o, "smbwatch.nt_status_code", "0xc00000cc");
	expect(o, "smbwatch.session_account", "dwarfuser");
	expect_client(o);

	o = one(r, n, pid, "smbwatch.file", "smbwatch.message_id", "14"); /* chain fsp's name */
	expect(o, "event.action", "search");
	expect(o, "file.directory", "fixdir");
	expect(o, "file.name", "nothere*");
	expect(o, "smbwatch.share", "fixshare");
	expect(o, "smbwatch.nt_status_code", "0xc000000f");
	expect_client(o);

	for (n--; n >= 0; n--) { /* the successful open is reported only with --all */
		const char *path = jget(r[n], "file.path");

		cr_expect(!path || strcmp(path, "present.txt"), "a successful open without --all");
		json_object_put(r[n]);
	}
	free(r);
}
