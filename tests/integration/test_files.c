// SPDX-License-Identifier: GPL-2.0
/* Failed lookups and share connects: a real lab smbd, real BPF, real clients (smbsim on
 * libsmbclient, smbclient), several client hosts in network namespaces, Samba's vfs_full_audit
 * as an independent oracle. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "harness.h"

#define SMS "'SMSCliToknAcct&' -P Token-Pass-1 -W CORP"
#define ALICE "alice -P Alice-Pass-1 -W LAB"

static struct lab lab;
static struct tracer tr, tr2;
static struct netns_set ns;

static void teardown(void)
{
	if (tr.pid > 0)
		tracer_stop(&tr, SIGKILL);
	if (tr2.pid > 0)
		tracer_stop(&tr2, SIGKILL);
	lab_stop(&lab);
	netns_destroy(&ns);
}

static void start_lab(const char *opts)
{
	need_root();
	cr_assert_eq(lab_start(&lab, opts), 0, "lab smbd did not start");
}

static void setup_audit(void)
{
	start_lab("--full-audit");
}

static void setup_plain(void)
{
	start_lab("");
}

static void setup_encrypt(void)
{
	start_lab("--encrypt");
}

static void trace(struct tracer *t, const char *extra)
{
	char args[256];

	snprintf(args, sizeof(args), "--json -p %u --server-name LABSRV %s", lab.port, extra);
	cr_assert_eq(tracer_start(t, args, true), 0, "smbwatch did not start");
}

/* Stops smbwatch and returns its records (all must be JSON); the last is the stopped one. */
static json_object **stop(struct tracer *t, int *n)
{
	json_object **r;

	cr_assert_eq(tracer_stop(t, SIGINT), 0, "smbwatch did not stop cleanly");
	r = records_read(t->out, n);
	cr_assert_geq(*n, 2);
	cr_assert_str_eq(jget(r[0], "event.action"), "started");
	cr_assert_str_eq(jget(r[*n - 1], "event.action"), "stopped");
	return r;
}

/* The one record of dataset whose field equals value; fails unless there is exactly one. */
static json_object *only(json_object **r, int n, const char *dataset, const char *field,
			 const char *value)
{
	json_object *hit = NULL;
	int i, count = 0;

	for (i = 0; i < n; i++) {
		const char *ds = jget(r[i], "event.dataset"), *v = jget(r[i], field);

		if (ds && !strcmp(ds, dataset) && v && !strcmp(v, value)) {
			hit = r[i];
			count++;
		}
	}
	cr_assert_eq(count, 1, "want exactly one %s record with %s = %s, got %d", dataset, field,
		     value, count);
	return hit;
}

static int count_dataset(json_object **r, int n, const char *dataset, const char *outcome)
{
	int i, c = 0;

	for (i = 0; i < n; i++)
		if (!strcmp(jget(r[i], "event.dataset"), dataset) &&
		    (!outcome || !strcmp(jget(r[i], "event.outcome"), outcome)))
			c++;
	return c;
}

static void expect_file(json_object *o, const char *action, const char *status,
			const char *name, const char *unc)
{
	cr_assert_str_eq(jget(o, "event.action"), action);
	cr_assert_str_eq(jget(o, "event.outcome"), "failure");
	cr_assert_str_eq(jget(o, "smbwatch.nt_status"), status, "%s", jget(o, "file.path"));
	cr_assert_str_eq(jget(o, "file.name"), name);
	cr_assert_str_eq(jget(o, "smbwatch.unc"), unc);
	cr_assert_str_eq(jget(o, "smbwatch.share"), "apps");
}

/* The source port of the logon made on the same connection (same smbd process) as o. */
static const char *logon_port(json_object **r, int n, json_object *o)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(jget(r[i], "event.dataset"), "smbwatch.auth") &&
		    !strcmp(jget(r[i], "process.pid"), jget(o, "process.pid")))
			return jget(r[i], "source.port");
	cr_assert_fail("no logon on the connection of %s", json_object_to_json_string(o));
	return NULL;
}

static void expect_client(json_object *o, const char *ip, const char *port, const char *user,
			  const char *domain, const char *ws)
{
	cr_assert_str_eq(jget(o, "source.ip"), ip, "%s", json_object_to_json_string(o));
	if (port)
		cr_assert_str_eq(jget(o, "source.port"), port);
	cr_assert_str_eq(jget(o, "user.name"), user);
	cr_assert_str_eq(jget(o, "user.domain"), domain);
	if (ws)
		cr_assert_str_eq(jget(o, "smbwatch.workstation"), ws);
	else
		cr_assert_null(jget(o, "smbwatch.workstation"));
}

/* Every kind of failed lookup, named with client, account, share, path and real status; and
 * Samba's own vfs_full_audit agrees on the failed opens it logs. */
static void failed_lookups_are_named(void)
{
	json_object **r, *o;
	const char *port;
	int n, i, audited = 0;

	trace(&tr, "");
	cr_assert_eq(smbsim(&lab, "127.0.0.1",
			    "-U " SMS " -n WS042 apps/readme.txt apps/bin/cwcsp.dll "
			    "apps/System32/Drivers/cwcsp.dll apps/secret.txt 'apps/bad\\x01name.dll' "
			    "oldshare/ymhaud.sys"),
		     0);
	cr_assert_eq(smbclient(&lab, "127.0.0.1",
			       "-U 'SMSCliToknAcct&%%Token-Pass-1' -W CORP -n WS042 "
			       "-c 'ls bin/nothere*' >/dev/null 2>&1; true"),
		     0);
	r = stop(&tr, &n);

	o = only(r, n, "smbwatch.file", "file.path", "bin/cwcsp.dll");
	port = logon_port(r, n, o); /* the client port of that connection, from its logon */
	expect_file(o, "open", "NT_STATUS_OBJECT_NAME_NOT_FOUND", "cwcsp.dll",
		    "\\\\LABSRV\\apps\\bin\\cwcsp.dll");
	expect_client(o, "127.0.0.1", port, "SMSCliToknAcct&", "CORP", "WS042");
	cr_assert_str_eq(jget(o, "smbwatch.account_source"), "logon");
	cr_assert_str_eq(jget(o, "smbwatch.session_account"), "smstoken");
	cr_assert_str_eq(jget(o, "smbwatch.nt_status_code"), "0xc0000034");

	o = only(r, n, "smbwatch.file", "file.path", "System32/Drivers/cwcsp.dll");
	expect_file(o, "open", "NT_STATUS_OBJECT_PATH_NOT_FOUND", "cwcsp.dll",
		    "\\\\LABSRV\\apps\\System32\\Drivers\\cwcsp.dll");
	expect_client(o, "127.0.0.1", logon_port(r, n, o), "SMSCliToknAcct&", "CORP", "WS042");

	o = only(r, n, "smbwatch.file", "file.path", "secret.txt");
	expect_file(o, "open", "NT_STATUS_ACCESS_DENIED", "secret.txt",
		    "\\\\LABSRV\\apps\\secret.txt");

	o = only(r, n, "smbwatch.file", "file.path", "bad\001name.dll");
	expect_file(o, "open", "NT_STATUS_OBJECT_NAME_INVALID", "bad\001name.dll",
		    "\\\\LABSRV\\apps\\bad\001name.dll");

	o = only(r, n, "smbwatch.tree", "smbwatch.share", "oldshare");
	cr_assert_str_eq(jget(o, "smbwatch.nt_status"), "NT_STATUS_BAD_NETWORK_NAME");
	cr_assert_str_eq(jget(o, "event.outcome"), "failure");
	cr_assert_str_eq(jget(o, "smbwatch.unc"), "\\\\127.0.0.1\\oldshare");
	expect_client(o, "127.0.0.1", logon_port(r, n, o), "SMSCliToknAcct&", "CORP", "WS042");

	o = only(r, n, "smbwatch.file", "file.path", "bin/nothere*");
	cr_assert_str_eq(jget(o, "event.action"), "search");
	cr_assert_str_eq(jget(o, "smbwatch.nt_status"), "NT_STATUS_NO_SUCH_FILE");
	cr_assert_str_eq(jget(o, "file.directory"), "bin");
	cr_assert_str_eq(jget(o, "file.name"), "nothere*");

	/* a successful open is not an event; a successful share connect is */
	for (i = 0; i < n; i++)
		cr_assert(!jget(r[i], "file.path") || strcmp(jget(r[i], "file.path"), "readme.txt"));
	o = NULL;
	for (i = 0; i < n; i++)
		if (!strcmp(jget(r[i], "event.dataset"), "smbwatch.tree") &&
		    !strcmp(jget(r[i], "smbwatch.share"), "apps") &&
		    !strcmp(jget(r[i], "source.port"), port))
			o = r[i];
	cr_assert_not_null(o, "no record of the successful connect to apps");
	cr_assert_str_eq(jget(o, "event.outcome"), "success");
	cr_assert_str_eq(jget(o, "smbwatch.unc"), "\\\\LABSRV\\apps");

	/* Samba's oracle: each failed create_file it logged is one of ours, same user and IP */
	{
		char path[700], *text, *save = NULL, *line;

		snprintf(path, sizeof(path), "%s/full_audit.log", lab.dir);
		text = slurp(path);
		cr_assert_not_null(text, "no full_audit log");
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char user[64], ip[64], share[64], ws[64], op[64], *rel;

			if (sscanf(line, " %63[^|]|%63[^|]|%63[^|]|%63[^|]|%63[^|]|fail", user, ip,
				   share, ws, op) != 5 ||
			    strcmp(op, "create_file"))
				continue;
			rel = strstr(line, "/share/apps/");
			cr_assert_not_null(rel, "%s", line);
			rel += strlen("/share/apps/");
			o = only(r, n, "smbwatch.file", "file.path", rel);
			cr_assert_str_eq(jget(o, "smbwatch.session_account"), user);
			cr_assert_str_eq(jget(o, "source.ip"), ip);
			cr_assert_str_eq(jget(o, "smbwatch.share"), share);
			audited++;
		}
		free(text);
	}
	cr_assert_geq(audited, 2, "full_audit logged too few failed opens to compare");
	records_free(r, n);
}

Test(files, failed_lookups_named, .init = setup_audit, .fini = teardown, .timeout = 180)
{
	failed_lookups_are_named();
}

/* The same with the request's view read field by field (what a layout whose fields lie too
 * far apart for one probe read gets; every layout known so far takes the one read). */
Test(files, failed_lookups_named_field_by_field, .init = setup_audit, .fini = teardown,
     .timeout = 180)
{
	cr_assert_eq(setenv("SMBWATCH_TEST_SEPARATE_READS", "1", 1), 0);
	failed_lookups_are_named();
	unsetenv("SMBWATCH_TEST_SEPARATE_READS");
}

/* What tools/bench-bpf-parts and tools/bench rely on: SMBWATCH_BENCH_STOP=1..5 stops the
 * failed-request program before it sends anything (5: it fills its event and discards it; the
 * probe still counts its hits) and says so; any other value is said and ignored. */
Test(files, bench_stop_points_send_nothing, .init = setup_plain, .fini = teardown, .timeout = 240)
{
	static const char *const values[] = { "1", "2", "3", "4", "5", "9" };
	char said[96];
	size_t i;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		bool stops = values[i][0] != '9';
		json_object **r;
		char *err;
		int n;

		cr_assert_eq(setenv("SMBWATCH_BENCH_STOP", values[i], 1), 0);
		trace(&tr, "");
		alice_lookups(&lab, "apps/missing.dll apps/nodir/x.dll");
		r = stop(&tr, &n);
		unsetenv("SMBWATCH_BENCH_STOP");
		err = slurp(tr.err);
		cr_assert_not_null(err);
		snprintf(said, sizeof(said), "SMBWATCH_BENCH_STOP=%s: %s", values[i],
			 stops ? "failed requests are not reported" : "not 1 to 5, ignored");
		cr_assert(strstr(err, said), "stop %s: stderr lacks \"%s\": %s", values[i], said, err);
		cr_assert_geq(atoi(jget(r[n - 1], "smbwatch.probe_hits.smb2_error")), 2,
			      "stop %s: %s", values[i], tracer_said(&tr));
		cr_assert_eq(count_dataset(r, n, "smbwatch.file", NULL), stops ? 0 : 2, "stop %s: %s",
			     values[i], tracer_said(&tr));
		free(err);
		records_free(r, n);
	}
}

/* Hostile names: valid JSON, one line each, escaped on screen, explicit truncation. */
Test(files, hostile_names, .init = setup_plain, .fini = teardown, .timeout = 180)
{
	static const struct {
		const char *arg, *path;
	} names[] = {
		{ "apps/q\"uote\\nnew\\tline.dll", "q\"uote\nnew\tline.dll" },
		{ "apps/esc\\x1b[2Jclear.dll", "esc\x1b[2Jclear.dll" },
		{ "apps/caf\\xc3\\xa9/\\xe6\\x97\\xa5\\xe6\\x9c\\xac.dll", "café/日本.dll" },
		{ "apps/del\\x7fbyte.sys", "del\x7f" "byte.sys" },
	};
	char args[8192], *long_path, *text, *p;
	json_object **r;
	int n, i, lines = 0;
	size_t k;

	trace(&tr, "");
	{
		char targs[64];

		snprintf(targs, sizeof(targs), "-p %u", lab.port);
		cr_assert_eq(tracer_start(&tr2, targs, true), 0);
	}
	/* a path of 2500 characters; smbwatch keeps 2047 UTF-16 units, and the cut falls between
	 * the two halves of the surrogate pair of U+1F600 (units 2047 and 2048) */
	long_path = malloc(3000);
	p = long_path + sprintf(long_path, "apps/");
	for (k = 0; k < 2045; k++)
		*p++ = 'd';
	strcpy(p, "/\xf0\x9f\x98\x80/");
	p += strlen(p);
	for (k = 0; k < 450; k++)
		*p++ = 'x';
	strcpy(p, ".dll");
	k = (size_t)snprintf(args, sizeof(args), "-U " ALICE " -n WS001 '%s'", long_path);
	for (i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
		k += (size_t)snprintf(args + k, sizeof(args) - k, " '%s'", names[i].arg);
	cr_assert_eq(smbsim(&lab, "127.0.0.1", args), 0);

	r = stop(&tr, &n);
	for (i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++) {
		json_object *o = only(r, n, "smbwatch.file", "file.path", names[i].path);

		cr_assert_str_eq(jget(o, "smbwatch.truncated"), "false");
		cr_assert_str_eq(jget(o, "user.name"), "alice");
	}
	/* the long one: cut, marked, and what is kept is a whole-character prefix */
	{
		json_object *o = NULL;
		const char *path;

		for (i = 0; i < n; i++)
			if (jget(r[i], "file.path") && !strncmp(jget(r[i], "file.path"), "dddd", 4))
				o = r[i];
		cr_assert_not_null(o, "no record for the long path");
		path = jget(o, "file.path");
		cr_assert_str_eq(jget(o, "smbwatch.truncated"), "true");
		cr_assert_lt(strlen(path), strlen(long_path + 5));
		cr_assert_gt(strlen(path), 2000);
		cr_assert_eq(strncmp(path, long_path + 5, strlen(path)), 0, "not a prefix");
		/* 2045 d and '/': the half character is dropped, not shown as garbage */
		cr_assert_eq(strlen(path), 2045 + 1, "kept %zu bytes", strlen(path));
	}
	records_free(r, n);

	/* the text view: one line per event, no raw control byte reaches the terminal */
	cr_assert_eq(tracer_stop(&tr2, SIGINT), 0);
	text = slurp(tr2.out);
	for (p = text; *p; p++) {
		unsigned char c = (unsigned char)*p;

		lines += c == '\n';
		cr_assert(c == '\n' || (c >= 0x20 && c != 0x7f), "raw byte 0x%02x on screen", c);
	}
	cr_assert(strstr(text, "q\"uote\\x0anew\\x09line.dll"), "%s", text);
	cr_assert(strstr(text, "esc\\x1b[2Jclear.dll"), "%s", text);
	cr_assert(strstr(text, "caf\xc3\xa9\\\xe6\x97\xa5\xe6\x9c\xac.dll"), "%s", text);
	cr_assert_geq(lines, 8, "%s", text);
	free(text);
	free(long_path);
}

/* SMB3 encryption on the wire: a capture sees nothing, smbwatch still sees the names. */
Test(files, encrypted_sessions, .init = setup_encrypt, .fini = teardown, .timeout = 180)
{
	json_object **r, *o;
	int n;

	trace(&tr, "");
	cr_assert_eq(smbsim(&lab, "127.0.0.1", "-e -U " SMS " -n WS042 apps/bin/cwcsp.dll"), 0);
	/* and a client that will not encrypt is refused by this lab: encryption is really on */
	smbclient(&lab, "127.0.0.1",
		  "-U 'alice%%Alice-Pass-1' --client-protection=plain -c 'get nope.txt /dev/null' "
		  ">'%s/plain.out' 2>&1",
		  test_tmpdir());
	r = stop(&tr, &n);
	o = only(r, n, "smbwatch.file", "file.path", "bin/cwcsp.dll");
	expect_file(o, "open", "NT_STATUS_OBJECT_NAME_NOT_FOUND", "cwcsp.dll",
		    "\\\\LABSRV\\apps\\bin\\cwcsp.dll");
	expect_client(o, "127.0.0.1", NULL, "SMSCliToknAcct&", "CORP", "WS042");
	cr_assert_eq(count_dataset(r, n, "smbwatch.file", NULL), 1,
		     "the unencrypted client must not have got as far as an open");
	records_free(r, n);
}

/* Clients keep connections for hours: smbwatch started after the logon still names the client
 * (IP and port from smbd's own connection state) and the session's account. */
Test(files, connect_first_then_trace, .init = setup_plain, .fini = teardown, .timeout = 180)
{
	char ss_out[700], *text, *colon;
	json_object **r, *o;
	FILE *client;
	int n, i;

	client = smbclient_session(&lab, "127.0.0.1",
				   "-U 'alice%Alice-Pass-1' -W LAB -n WS001 >/dev/null 2>&1");
	cr_assert_not_null(client);
	smbclient_say(client, "ls");
	/* wait until the session is up: the established connection to the lab's port */
	snprintf(ss_out, sizeof(ss_out), "%s/ss.out", test_tmpdir());
	for (i = 0; i < 100; i++) {
		if (sh("ss -Htn state established '( sport = :%u )' > '%s'; test -s '%s'", lab.port,
		       ss_out, ss_out) == 0)
			break;
		usleep(100000);
	}
	sleep(1);
	trace(&tr, ""); /* only now */
	smbclient_say(client, "get missing-after-start.txt /dev/null");
	sleep(1);
	smbclient_end(client);
	r = stop(&tr, &n);

	cr_assert_eq(count_dataset(r, n, "smbwatch.auth", NULL), 0, "the logon was before");
	o = only(r, n, "smbwatch.file", "file.path", "missing-after-start.txt");
	cr_assert_str_eq(jget(o, "smbwatch.nt_status"), "NT_STATUS_OBJECT_NAME_NOT_FOUND");
	cr_assert_str_eq(jget(o, "smbwatch.account_source"), "session");
	/* the client's port, as the kernel saw the connection: "ESTAB ... 127.0.0.1:LAB 127.0.0.1:P" */
	text = slurp(ss_out);
	cr_assert_not_null(text);
	colon = strrchr(text, ':');
	cr_assert_not_null(colon);
	colon[strcspn(colon, " \n")] = 0;
	/* without the logon, the domain is the session's: the lab server's own SAM */
	expect_client(o, "127.0.0.1", colon + 1, "alice", "LABSRV", NULL);
	free(text);
	records_free(r, n);
}

/* One connection (one smbd process), two shares and two sessions: each failed open names the
 * share and account it came on. smbwatch sends a connection's identity once and requests
 * carry its id, so this fails if a tree connect or logon did not make it read them afresh. */
Test(files, one_connection_shares_and_sessions, .init = setup_plain, .fini = teardown,
     .timeout = 180)
{
	json_object **r, *a, *b, *c;
	int n;

	trace(&tr, "");
	cr_assert_eq(smbclient(&lab, "127.0.0.1",
			       "-U 'alice%%Alice-Pass-1' -W LAB -n WS001 -c 'get id-one.dll /dev/null; "
			       "tcon data; get id-two.dll /dev/null; "
			       "logon SMSCliToknAcct& Token-Pass-1; tcon apps; get id-three.dll "
			       "/dev/null' >/dev/null 2>&1"),
		     1, "smbclient: the failed gets make it exit 1");
	r = stop(&tr, &n);
	a = only(r, n, "smbwatch.file", "file.path", "id-one.dll");
	b = only(r, n, "smbwatch.file", "file.path", "id-two.dll");
	c = only(r, n, "smbwatch.file", "file.path", "id-three.dll");
	cr_assert_str_eq(jget(a, "process.pid"), jget(c, "process.pid"), "one connection");
	cr_assert_str_eq(jget(a, "process.pid"), jget(b, "process.pid"), "one connection");
	cr_assert_str_eq(jget(a, "smbwatch.share"), "apps");
	expect_client(a, "127.0.0.1", NULL, "alice", "LAB", "WS001");
	cr_assert_str_eq(jget(b, "smbwatch.share"), "data");
	cr_assert_str_eq(jget(b, "smbwatch.unc"), "\\\\LABSRV\\data\\id-two.dll");
	expect_client(b, "127.0.0.1", jget(a, "source.port"), "alice", "LAB", "WS001");
	cr_assert_str_eq(jget(c, "smbwatch.share"), "apps");
	/* the domain as its logon sent it (-W) */
	expect_client(c, "127.0.0.1", jget(a, "source.port"), "SMSCliToknAcct&", "LAB", "WS001");
	cr_assert_str_eq(jget(r[n - 1], "smbwatch.identities_missing"), "0");
	records_free(r, n);
}

/* One connection, two failed opens 3 s apart, traced with SMBWATCH_IDENT_REFRESH_S=refresh:
 * both name their client and share; returns how many identities smbwatch received. */
static int two_gets_apart(const char *refresh)
{
	json_object **r, *a, *b;
	FILE *client;
	int n, ids;

	cr_assert_eq(setenv("SMBWATCH_IDENT_REFRESH_S", refresh, 1), 0);
	trace(&tr, "");
	client = smbclient_session(&lab, "127.0.0.1",
				   "-U 'alice%Alice-Pass-1' -W LAB -n WS001 >/dev/null 2>&1");
	cr_assert_not_null(client);
	smbclient_say(client, "get refresh-one.dll /dev/null");
	sleep(3);
	smbclient_say(client, "get refresh-two.dll /dev/null");
	sleep(1);
	smbclient_end(client);
	r = stop(&tr, &n);
	a = only(r, n, "smbwatch.file", "file.path", "refresh-one.dll");
	b = only(r, n, "smbwatch.file", "file.path", "refresh-two.dll");
	cr_assert_str_eq(jget(a, "process.pid"), jget(b, "process.pid"), "one connection");
	expect_client(a, "127.0.0.1", NULL, "alice", "LAB", "WS001");
	expect_client(b, "127.0.0.1", jget(a, "source.port"), "alice", "LAB", "WS001");
	cr_assert_str_eq(jget(b, "smbwatch.share"), "apps");
	cr_assert_str_eq(jget(r[n - 1], "smbwatch.identities_missing"), "0");
	ids = atoi(jget(r[n - 1], "smbwatch.identities"));
	records_free(r, n);
	unsetenv("SMBWATCH_IDENT_REFRESH_S");
	return ids;
}

/* A connection's identity is sent again after the refresh time (60 s; 1 s here): a request
 * after it makes the BPF side read and send the identity once more, with a new id, and the
 * request still names its client. With the default, the same requests need fewer. */
Test(files, identity_sent_again_after_refresh, .init = setup_plain, .fini = teardown,
     .timeout = 180)
{
	int kept = two_gets_apart("60"), refreshed = two_gets_apart("1");

	cr_assert_gt(refreshed, kept, "%d identities with a 1 s refresh, %d with 60 s", refreshed,
		     kept);
}

/* Several client hosts at once, each its own address and NetBIOS name: never mixed up. */
Test(files, several_client_hosts, .fini = teardown, .timeout = 240)
{
	char ifaces[128], opts[160];
	json_object **r;
	int n, i, seen1 = 0, seen2 = 0;

	need_root();
	cr_assert_eq(netns_create(&ns, 2), 0, "cannot create network namespaces");
	snprintf(ifaces, sizeof(ifaces), "127.0.0.1 198.18.1.1 198.18.2.1");
	snprintf(opts, sizeof(opts), "--interfaces '%s'", ifaces);
	start_lab(opts);
	trace(&tr, "");
	/* both hosts at once, interleaving their lookups */
	cr_assert_eq(sh("%s %s -s 198.18.1.1 -p %u -U " SMS " -n WS042 --repeat 5 "
			"--search 'apps;apps/bin;apps/drivers' --files 'cwcsp.dll,ymhaud.sys' "
			">/dev/null 2>&1 & "
			"%s %s -s 198.18.2.1 -p %u -U " ALICE " -n WS001 --repeat 5 "
			"apps/alice-report.doc apps/bin/alice-tool.exe >/dev/null 2>&1 & wait",
			netns_exec(&ns, 1), smbsim_bin(), lab.port, netns_exec(&ns, 2), smbsim_bin(),
			lab.port),
		     0);
	r = stop(&tr, &n);
	for (i = 0; i < n; i++) {
		const char *path = jget(r[i], "file.path");

		if (!path || strcmp(jget(r[i], "event.dataset"), "smbwatch.file"))
			continue;
		if (strstr(path, "alice")) {
			expect_client(r[i], "198.18.2.2", NULL, "alice", "LAB", "WS001");
			seen2++;
		} else {
			expect_client(r[i], "198.18.1.2", NULL, "SMSCliToknAcct&", "CORP", "WS042");
			seen1++;
		}
	}
	cr_assert_eq(seen1, 5 * 2 * 3, "host 1's lookups");
	cr_assert_eq(seen2, 5 * 2, "host 2's lookups");
	records_free(r, n);
}

static long hits(json_object **r, int n, const char *kind)
{
	char key[64];

	snprintf(key, sizeof(key), "smbwatch.probe_hits.%s", kind);
	return atol(jget(r[n - 1], key));
}

/* A successful open costs no probe hit by default: 1 or 40 successful opens in a session,
 * the same hits. */
Test(files, success_costs_no_probe_hit, .init = setup_plain, .fini = teardown, .timeout = 180)
{
	json_object **r;
	long one, forty;
	int n;

	trace(&tr, "");
	cr_assert_eq(smbsim(&lab, "127.0.0.1", "-U " ALICE " apps/readme.txt"), 0);
	r = stop(&tr, &n);
	one = hits(r, n, "smb2_error");
	cr_assert_eq(hits(r, n, "smb2_done"), 0);
	records_free(r, n);

	trace(&tr, "");
	cr_assert_eq(smbsim(&lab, "127.0.0.1", "-U " ALICE " --repeat 40 apps/readme.txt"), 0);
	r = stop(&tr, &n);
	forty = hits(r, n, "smb2_error");
	cr_assert_eq(hits(r, n, "smb2_done"), 0);
	cr_assert_eq(forty, one, "successful opens hit the error path: %ld vs %ld", forty, one);
	cr_assert_eq(count_dataset(r, n, "smbwatch.file", NULL), 0);
	records_free(r, n);
}

/* --count-success counts per client in the kernel; --all reports each open. */
Test(files, count_success_and_all, .init = setup_plain, .fini = teardown, .timeout = 180)
{
	json_object **r, *list, *entry;
	int n, i;
	bool found = false;

	trace(&tr, "--count-success");
	cr_assert_eq(smbsim(&lab, "127.0.0.1", "-U " ALICE " --repeat 10 apps/readme.txt"), 0);
	r = stop(&tr, &n);
	cr_assert_eq(count_dataset(r, n, "smbwatch.file", NULL), 0, "no event per success");
	cr_assert(json_object_object_get_ex(json_object_object_get(r[n - 1], "smbwatch"),
					    "successful_opens", &list));
	for (i = 0; i < (int)json_object_array_length(list); i++) {
		entry = json_object_array_get_idx(list, i);
		if (atol(jget(entry, "opens")) >= 10 && jget(entry, "client") &&
		    !strncmp(jget(entry, "client"), "127.0.0.1:", 10))
			found = true;
	}
	cr_assert(found, "%s", json_object_to_json_string(r[n - 1]));
	cr_assert_gt(hits(r, n, "smb2_done"), 10);
	records_free(r, n);

	trace(&tr, "--all");
	cr_assert_eq(smbsim(&lab, "127.0.0.1", "-U " ALICE " -n WS001 --repeat 3 apps/readme.txt"),
		     0);
	r = stop(&tr, &n);
	/* libsmbclient also opens the share's root ("") on connect: a real open too */
	found = false;
	{
		int readme = 0;

		for (i = 0; i < n; i++) {
			const char *path = jget(r[i], "file.path");

			if (!path)
				continue;
			cr_assert_str_eq(jget(r[i], "event.outcome"), "success");
			cr_assert(!strcmp(path, "readme.txt") || !strcmp(path, ""), "%s", path);
			readme += !strcmp(path, "readme.txt");
		}
		cr_assert_eq(readme, 3);
	}
	records_free(r, n);
}
