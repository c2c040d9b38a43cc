// SPDX-License-Identifier: GPL-2.0
/* Issue 5's proof: records written to a file that is rotated mid-stream (SIGHUP), and sent
 * over TCP syslog to a real rsyslog that is restarted mid-stream, all arrive: every
 * event.sequence from 1 to N is a received record or counted in a reported loss. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "harness.h"

static struct lab lab;
static struct tracer tr;
static char rs_dir[600];
static unsigned int rs_port;

static void rsyslog_start(void)
{
	cr_assert_eq(sh("rsyslogd -n -f '%s/rsyslog.conf' -i '%s/rsyslog.pid' >>'%s/rsyslog.out' "
			"2>&1 & for i in $(seq 1 100); do ss -Htln 'sport = :%u' | grep -q . && "
			"exit 0; sleep 0.1; done; exit 1",
			rs_dir, rs_dir, rs_dir, rs_port),
		     0, "rsyslogd did not listen");
}

static void rsyslog_stop(void)
{
	sh("kill $(cat '%s/rsyslog.pid' 2>/dev/null) 2>/dev/null; for i in $(seq 1 50); do "
	   "ss -Htln 'sport = :%u' | grep -q . || break; sleep 0.1; done; sleep 0.3",
	   rs_dir, rs_port);
}

static void setup(void)
{
	FILE *f;
	char path[700];

	need_root();
	cr_assert_eq(sh("command -v rsyslogd >/dev/null"), 0, "rsyslog is not installed");
	cr_assert_eq(lab_start(&lab, ""), 0);
	snprintf(rs_dir, sizeof(rs_dir), "%s/rsyslog", test_tmpdir());
	cr_assert_eq(sh("mkdir -p '%s'", rs_dir), 0);
	rs_port = 20000 + (unsigned int)(getpid() % 20000);
	snprintf(path, sizeof(path), "%s/rsyslog.conf", rs_dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f, "global(maxMessageSize=\"64k\" workDirectory=\"%s\")\n"
		   "module(load=\"imtcp\")\n"
		   "input(type=\"imtcp\" port=\"%u\" address=\"127.0.0.1\")\n"
		   "template(name=\"msgonly\" type=\"string\" string=\"%%msg%%\\n\")\n"
		   "if $app-name == \"smbwatch\" then {\n"
		   "  action(type=\"omfile\" file=\"%s/received.log\" template=\"msgonly\")\n"
		   "  stop\n}\n",
		rs_dir, rs_port, rs_dir);
	fclose(f);
	rsyslog_start();
}

static void teardown(void)
{
	if (tr.pid > 0)
		tracer_stop(&tr, SIGKILL);
	if (rs_dir[0])
		rsyslog_stop();
	lab_stop(&lab);
}

/* The sequences in an NDJSON file (leading blanks before each object allowed). */
static int sequences(const char *path, char *seen, int max)
{
	char *text = slurp(path), *save = NULL, *line;
	int top = 0;

	if (!text)
		return 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_object *o;
		long seq;

		while (*line == ' ')
			line++;
		o = json_tokener_parse(line);
		cr_assert_not_null(o, "not JSON in %s: %s", path, line);
		seq = atol(jget(o, "event.sequence"));
		cr_assert(seq >= 1 && seq < max, "sequence %ld", seq);
		seen[seq] = 1;
		if (seq > top)
			top = (int)seq;
		json_object_put(o);
	}
	free(text);
	return top;
}

Test(syslog, rotation_and_rsyslog_restart, .init = setup, .fini = teardown, .timeout = 180)
{
	char cur[700], old[700], recv[700], args[900];
	static char in_file[100000], in_syslog[100000];
	json_object **r;
	int n, top_a, top_b, top_s, i, missing = 0;
	long dropped;

	snprintf(cur, sizeof(cur), "%s/smbwatch.json", test_tmpdir());
	snprintf(old, sizeof(old), "%s/smbwatch.json.1", test_tmpdir());
	snprintf(recv, sizeof(recv), "%s/received.log", rs_dir);
	snprintf(args, sizeof(args), "--json -p %u -o '%s' --syslog=tcp://127.0.0.1:%u", lab.port,
		 cur, rs_port);
	cr_assert_eq(tracer_start(&tr, args, true), 0);

	alice_lookups(&lab, "apps/one1.dll apps/one2.dll");
	cr_assert(file_has(recv, "one2.dll", 50), "rsyslog did not receive the first records");

	rsyslog_stop(); /* the receiver goes away ... */
	alice_lookups(&lab, "apps/two1.dll apps/two2.dll");
	usleep(500000);
	rsyslog_start(); /* ... and comes back: smbwatch reconnects and sends what waited */
	cr_assert(file_has(recv, "two2.dll", 150), "records queued while rsyslog was down never "
						     "arrived");

	cr_assert_eq(rename(cur, old), 0); /* and the file is rotated */
	kill(tr.pid, SIGHUP);
	alice_lookups(&lab, "apps/three1.dll apps/three2.dll");
	cr_assert(file_has(recv, "three2.dll", 50));
	cr_assert_eq(tracer_stop(&tr, SIGINT), 0);
	cr_assert(file_has(recv, "\"action\":\"stopped\"", 50), "the stopped record did not arrive");

	/* the complete stream (stdout): N records, the last the stopped one with the losses */
	r = records_read(tr.out, &n);
	cr_assert_str_eq(jget(r[n - 1], "event.action"), "stopped");
	cr_assert_str_eq(jget(r[n - 1], "event.sequence"), jget(r[n - 1], "event.sequence"));
	dropped = atol(jget(r[n - 1], "smbwatch.output_dropped"));
	cr_assert_eq(atol(jget(r[n - 1], "event.sequence")), n);
	records_free(r, n);

	/* the file, across the rotation: 1..N, nothing lost */
	top_a = sequences(old, in_file, n + 1);
	top_b = sequences(cur, in_file, n + 1);
	cr_assert_eq(top_a > top_b ? top_a : top_b, n);
	for (i = 1; i <= n; i++)
		cr_assert(in_file[i], "sequence %d missing from the rotated file pair", i);

	/* rsyslog: each sequence received, or counted as lost */
	top_s = sequences(recv, in_syslog, n + 1);
	cr_assert_eq(top_s, n);
	for (i = 1; i <= n; i++)
		missing += !in_syslog[i];
	cr_assert_leq(missing, dropped, "%d record(s) missing at rsyslog, %ld reported lost",
		      missing, dropped);
	cr_log_info("%d records; rsyslog missed %d, smbwatch reported %ld lost", n, missing,
		    dropped);
}

/* A receiver that accepts and never reads: the consumer does not stall (stdout gets every
 * record, at once), the bounded queue overflows, and the loss is counted and reported. */
Test(syslog, slow_receiver_never_stalls, .init = setup, .fini = teardown, .timeout = 180)
{
	char args[900], *err;
	json_object **r;
	int n, files = 0, i;
	unsigned int port = rs_port + 1;

	rsyslog_stop();
	cr_assert_eq(sh("python3 -c 'import socket,time\n"
			"s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
			"s.bind((\"127.0.0.1\", %u)); s.listen(1); c,_=s.accept(); time.sleep(120)' "
			">/dev/null 2>&1 & sleep 0.5",
			port),
		     0);
	snprintf(args, sizeof(args), "--json --no-findings -p %u --syslog=tcp://127.0.0.1:%u",
		 lab.port, port);
	cr_assert_eq(tracer_start(&tr, args, true), 0);
	/* about 12,000 records of about 1.2 KiB: more than the socket buffers and the 8 MiB queue */
	cr_assert_eq(sh("for i in 1 2 3 4; do %s -s 127.0.0.1 -p %u -U alice -P Alice-Pass-1 "
			"--repeat 1500 apps/slow1.dll apps/slow2.dll >/dev/null 2>&1 & done; wait",
			smbsim_bin(), lab.port),
		     0);
	cr_assert_eq(tracer_stop(&tr, SIGINT), 0, "smbwatch stalled or failed");
	sh("pkill -f 'bind((\"127.0.0.1\", %u))' 2>/dev/null; true", port);
	r = records_read(tr.out, &n);
	for (i = 0; i < n; i++)
		files += jget(r[i], "file.path") != NULL;
	cr_assert_eq(files, 12000, "stdout must have every record: the consumer did not wait");
	cr_assert_eq(atol(jget(r[n - 1], "smbwatch.dropped")), 0);
	cr_assert_gt(atol(jget(r[n - 1], "smbwatch.output_dropped")), 0,
		     "the syslog queue must have overflowed, and said so");
	records_free(r, n);
	err = slurp(tr.err);
	free(err);
}
