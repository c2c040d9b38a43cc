// SPDX-License-Identifier: GPL-2.0
/* Logon tracing against Samba's own JSON audit log: a real lab smbd, real BPF, smbclient. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "decode/ntstatus.h"

#define MAX_ROWS 256

struct rows {
	char *r[MAX_ROWS];
	int n;
};

static void rows_add(struct rows *rs, const char *acct, const char *dom, const char *ws,
		     const char *ip, long port, const char *status)
{
	char buf[1024];

	cr_assert_lt(rs->n, MAX_ROWS);
	snprintf(buf, sizeof(buf), "%s|%s|%s|%s|%ld|%s", acct, dom, ws, ip, port, status);
	rs->r[rs->n++] = strdup(buf);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *str_at(json_object *o, const char *a, const char *b)
{
	json_object *x, *y;

	if (!json_object_object_get_ex(o, a, &x))
		return NULL;
	if (!b)
		return json_object_get_string(x);
	if (!json_object_object_get_ex(x, b, &y))
		return NULL;
	return json_object_get_string(y);
}

/* Samba's audit: {"type":"Authentication","Authentication":{"clientAccount":...,
 * "remoteAddress":"ipv4:127.0.0.1:55326" | "ipv6:::1:55326", ...}} */
static void audit_rows(const char *path, struct rows *rs)
{
	char *text = slurp(path), *save = NULL, *line;

	cr_assert_not_null(text, "no audit log at %s", path);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_object *o = json_tokener_parse(line), *a;
		char addr[128], *ip, *port;

		cr_assert_not_null(o, "audit line is not JSON: %s", line);
		if (!json_object_object_get_ex(o, "Authentication", &a)) {
			json_object_put(o);
			continue;
		}
		snprintf(addr, sizeof(addr), "%s", str_at(a, "remoteAddress", NULL));
		ip = strchr(addr, ':');
		port = strrchr(addr, ':');
		cr_assert(ip && port && port > ip, "odd remoteAddress %s", addr);
		*port++ = 0;
		rows_add(rs, str_at(a, "clientAccount", NULL), str_at(a, "clientDomain", NULL),
			 str_at(a, "workstation", NULL), ip + 1, atol(port), str_at(a, "status", NULL));
		json_object_put(o);
	}
	free(text);
}

/* smbwatch --json: every line must parse; auth events to this lab's port become rows. */
static void smbwatch_rows(const char *path, unsigned int lab_port, struct rows *rs, int *status_lines)
{
	char *text = slurp(path), *save = NULL, *line;

	cr_assert_not_null(text);
	*status_lines = 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_object *o = json_tokener_parse(line);
		const char *ds, *code, *name;

		cr_assert_not_null(o, "smbwatch wrote a line that is not JSON: %s", line);
		ds = str_at(o, "event", "dataset");
		cr_assert_not_null(ds);
		if (!strcmp(ds, "smbwatch.status")) {
			++*status_lines;
		} else if (!strcmp(ds, "smbwatch.auth") &&
			   atol(str_at(o, "destination", "port")) == (long)lab_port) {
			code = str_at(o, "smbwatch", "nt_status_code");
			name = str_at(o, "smbwatch", "nt_status");
			cr_assert_str_eq(ntstatus_name((uint32_t)strtoul(code, NULL, 16)), name);
			cr_assert_str_eq(str_at(o, "event", "outcome"),
					 strcmp(name, "NT_STATUS_OK") ? "failure" : "success");
			rows_add(rs, str_at(o, "user", "name"), str_at(o, "user", "domain"),
				 str_at(o, "smbwatch", "workstation"), str_at(o, "source", "ip"),
				 atol(str_at(o, "source", "port")), name);
		}
		json_object_put(o);
	}
	free(text);
}

static void assert_same_rows(struct rows *want, struct rows *got)
{
	int i;

	qsort(want->r, want->n, sizeof(char *), cmp);
	qsort(got->r, got->n, sizeof(char *), cmp);
	for (i = 0; i < want->n || i < got->n; i++)
		cr_log_info("audit: %-70s smbwatch: %s", i < want->n ? want->r[i] : "-",
			    i < got->n ? got->r[i] : "-");
	cr_assert_eq(got->n, want->n, "smbwatch saw %d logons, Samba's audit log %d", got->n,
		     want->n);
	for (i = 0; i < want->n; i++)
		cr_assert_str_eq(got->r[i], want->r[i]);
}

/* One logon with smbclient, hermetic (-s /dev/null: no /etc/samba). */
static void logon(const struct lab *l, const char *ip, const char *user, const char *pass,
		  const char *ws, const char *dom)
{
	smbclient(l, ip, "-U '%s%%%s' -n '%s' -W '%s' -c ls >/dev/null 2>&1", user, pass, ws, dom);
}

static struct lab lab, lab2;
static struct tracer tr;

static void setup(void)
{
	need_root();
	cr_assert_eq(lab_start(&lab, ""), 0, "lab smbd did not start");
}

static void setup_lockout(void)
{
	need_root();
	cr_assert_eq(lab_start(&lab, "--lockout-threshold 2"), 0, "lab smbd did not start");
}

static void teardown(void)
{
	if (tr.pid > 0)
		tracer_stop(&tr, SIGKILL);
	lab_stop(&lab);
	lab_stop(&lab2);
}

static void stop_and_compare(const struct lab *l, int min_logons)
{
	struct rows want = {}, got = {};
	int status_lines;

	cr_assert_eq(tracer_stop(&tr, SIGINT), 0, "smbwatch did not stop cleanly on SIGINT");
	audit_rows(l->audit, &want);
	smbwatch_rows(tr.out, l->port, &got, &status_lines);
	cr_assert_eq(status_lines, 2, "want a started and a stopped status record");
	cr_assert_geq(want.n, min_logons, "the audit log has too few logons");
	assert_same_rows(&want, &got);
}

Test(auth, matches_samba_audit_log, .init = setup, .fini = teardown, .timeout = 180)
{
	cr_assert_eq(tracer_start(&tr, "--json", true), 0, "smbwatch did not start");
	logon(&lab, "127.0.0.1", "alice", "Alice-Pass-1", "WS001", "LAB");
	logon(&lab, "127.0.0.1", "alice", "wrong", "WS001", "LAB");
	logon(&lab, "127.0.0.1", "ghost", "x", "WS002", "LAB");
	logon(&lab, "::1", "SMSCliToknAcct&", "wrong", "WS042", "CORP");
	logon(&lab, "::1", "SMSCliToknAcct&", "Token-Pass-1", "WS042", "CORP");
	logon(&lab, "::1", "ghost", "x", "WS043", "CORP");
	logon(&lab, "::1", "alice", "wrong", "WS044", "LAB");
	stop_and_compare(&lab, 7);
}

Test(auth, account_locked_out, .init = setup_lockout, .fini = teardown, .timeout = 180)
{
	char *out;

	cr_assert_eq(tracer_start(&tr, "--json", true), 0, "smbwatch did not start");
	logon(&lab, "127.0.0.1", "SMSCliToknAcct&", "wrong", "WS042", "CORP");
	logon(&lab, "127.0.0.1", "SMSCliToknAcct&", "wrong", "WS042", "CORP");
	logon(&lab, "127.0.0.1", "SMSCliToknAcct&", "wrong", "WS042", "CORP");
	logon(&lab, "127.0.0.1", "SMSCliToknAcct&", "Token-Pass-1", "WS042", "CORP");
	stop_and_compare(&lab, 4);
	out = slurp(tr.out);
	cr_assert(strstr(out, "\"nt_status\":\"NT_STATUS_ACCOUNT_LOCKED_OUT\""));
	cr_assert(strstr(out, "\"nt_status_code\":\"0xc0000234\""));
	free(out);
}

/* Two labs at once; -p keeps only the one asked for. */
Test(auth, port_filter_two_labs, .init = setup, .fini = teardown, .timeout = 180)
{
	char args[64];

	cr_assert_eq(lab_start(&lab2, ""), 0, "second lab did not start");
	cr_assert_neq(lab.port, lab2.port);
	snprintf(args, sizeof(args), "--json -p %u", lab.port);
	cr_assert_eq(tracer_start(&tr, args, true), 0);
	logon(&lab, "127.0.0.1", "alice", "wrong", "WS001", "LAB");
	logon(&lab2, "127.0.0.1", "alice", "wrong", "WS002", "LAB");
	logon(&lab2, "::1", "ghost", "x", "WS003", "LAB");
	stop_and_compare(&lab, 1);
	/* and nothing of lab2's at all */
	{
		char *out = slurp(tr.out);

		cr_assert_null(strstr(out, "WS002"));
		cr_assert_null(strstr(out, "WS003"));
		free(out);
	}
}

/* The default, human output: one escaped line per logon, the summary on stderr. */
Test(auth, human_output, .init = setup, .fini = teardown, .timeout = 180)
{
	char *out, *err;

	cr_assert_eq(tracer_start(&tr, "", true), 0);
	logon(&lab, "127.0.0.1", "SMSCliToknAcct&", "wrong", "WS042", "CORP");
	logon(&lab, "::1", "alice", "Alice-Pass-1", "WS001", "LAB");
	cr_assert_eq(tracer_stop(&tr, SIGTERM), 0);
	out = slurp(tr.out);
	err = slurp(tr.err);
	cr_assert(strstr(out, "LOGON FAIL CORP\\SMSCliToknAcct& from 127.0.0.1:"), "%s", out);
	cr_assert(strstr(out, "ws=WS042 NT_STATUS_WRONG_PASSWORD (0xc000006a)"), "%s", out);
	cr_assert(strstr(out, "LOGON OK   LAB\\alice from [::1]:"), "%s", out);
	cr_assert(strstr(err, "stopped: "), "%s", err);
	free(out);
	free(err);
}
