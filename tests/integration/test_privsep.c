// SPDX-License-Identifier: GPL-2.0
/* -Z USER: while events and findings flow, the consumer runs as USER with no capabilities
 * (read from /proc/PID/status), -o rotation on SIGHUP and --syslog still work, and an
 * impossible -Z is one clear line. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "harness.h"

#define USER "smbwtest"

static struct lab lab;
static struct tracer tr;
static pid_t receiver;

static void setup(void)
{
	need_root();
	cr_assert_eq(sh("id " USER " >/dev/null 2>&1 || useradd --system --no-create-home "
			"--shell /usr/sbin/nologin " USER), 0);
	cr_assert_eq(lab_start(&lab, ""), 0, "lab smbd did not start");
}

static void teardown(void)
{
	if (tr.pid > 0)
		tracer_stop(&tr, SIGKILL);
	if (receiver > 0) {
		kill(receiver, SIGTERM);
		receiver = 0;
	}
	lab_stop(&lab);
}

/* A line of /proc/PID/status ("Uid", "CapEff", ...), after the colon and blanks. */
static char *status_field(pid_t pid, const char *name, char *out, size_t n)
{
	char path[64], line[256];
	FILE *f;
	size_t kl = strlen(name);

	out[0] = 0;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	cr_assert_not_null(f, "no process %d", (int)pid);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, kl) && line[kl] == ':') {
			snprintf(out, n, "%s", line + kl + 1 + strspn(line + kl + 1, " \t"));
			out[strcspn(out, "\n")] = 0;
		}
	fclose(f);
	return out;
}

/* The consumer: the monitor's (tr.pid's) one child. */
static pid_t consumer_pid(void)
{
	char path[64], buf[64] = "";
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)tr.pid, (int)tr.pid);
	for (i = 0; i < 50 && !buf[0]; i++) {
		f = fopen(path, "r");
		if (f) {
			if (!fgets(buf, sizeof(buf), f))
				buf[0] = 0;
			fclose(f);
		}
		if (!buf[0])
			usleep(100000);
	}
	cr_assert(buf[0], "the monitor has no consumer child");
	return (pid_t)atoi(buf);
}

/* A UDP syslog receiver on loopback, appending each datagram as a line to path. */
static unsigned int start_receiver(const char *path)
{
	char portfile[800], *p;
	unsigned int port = 0;
	int i;

	snprintf(portfile, sizeof(portfile), "%s.port", path);
	receiver = fork();
	cr_assert_geq(receiver, 0);
	if (receiver == 0) {
		execlp("python3", "python3", "-c",
		       "import socket,sys\n"
		       "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
		       "s.bind(('127.0.0.1',0))\n"
		       "open(sys.argv[2],'w').write(str(s.getsockname()[1]))\n"
		       "f=open(sys.argv[1],'ab',0)\n"
		       "while True:\n"
		       "  d=s.recv(65536)\n"
		       "  f.write(d.replace(b'\\n',b' ')+b'\\n')\n",
		       path, portfile, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 50 && !port; i++) {
		p = slurp(portfile);
		if (p)
			port = (unsigned int)atoi(p);
		free(p);
		if (!port)
			usleep(100000);
	}
	cr_assert_gt(port, 0, "no syslog receiver");
	return port;
}

Test(privsep, consumer_holds_no_privileges, .init = setup, .fini = teardown, .timeout = 120)
{
	char dir[600], cur[700], old[700], sys_log[700], args[1600], v[128];
	json_object **a, **b;
	int na, nb, i;
	unsigned int port;
	pid_t consumer;
	struct stat st;
	char *t;

	snprintf(dir, sizeof(dir), "%s/log", test_tmpdir());
	/* as the unit's log directory: the consumer's user owns it, 0750 */
	cr_assert_eq(sh("chmod 755 '%s' && mkdir -p '%s' && chown " USER ": '%s' && chmod 750 '%s'",
			test_tmpdir(), dir, dir, dir),
		     0);
	snprintf(cur, sizeof(cur), "%s/smbwatch.json", dir);
	snprintf(old, sizeof(old), "%s/smbwatch.json.1", dir);
	snprintf(sys_log, sizeof(sys_log), "%s/syslog.txt", test_tmpdir());
	port = start_receiver(sys_log);
	snprintf(args, sizeof(args),
		 "--json -Z " USER " -p %u -o '%s' --syslog=udp://127.0.0.1:%u --stats-interval 1",
		 lab.port, cur, port);
	cr_assert_eq(tracer_start(&tr, args, true), 0, "smbwatch -Z did not start: %s",
		     slurp(tr.err));
	consumer = consumer_pid();

	/* events and a finding flow: the KB's account fails three times, looking for files */
	alice_lookups(&lab, "apps/before1.dll");
	for (i = 0; i < 3; i++)
		smbsim(&lab, "127.0.0.1", "-U 'SMSCliToknAcct&' -P stale -W CORP -n WS042 "
					  "apps/bin/cwcsp.dll");
	cr_assert(file_has(cur, "\"dataset\":\"smbwatch.finding\"", 50), "no finding");
	cr_assert(file_has(cur, "before1.dll", 30));

	/* meanwhile: the consumer is USER, with nothing */
	cr_assert_str_neq(status_field(consumer, "Uid", v, sizeof(v)), "0\t0\t0\t0");
	cr_assert(strncmp(v, "0", 1) && strstr(v, "\t"), "Uid: %s", v);
	cr_assert_str_eq(status_field(consumer, "CapEff", v, sizeof(v)), "0000000000000000");
	cr_assert_str_eq(status_field(consumer, "CapPrm", v, sizeof(v)), "0000000000000000");
	cr_assert_str_eq(status_field(consumer, "NoNewPrivs", v, sizeof(v)), "1");
	cr_assert_eq(stat(cur, &st), 0);
	cr_assert_neq(st.st_uid, 0, "the output file was created by root");

	/* logrotate after the drop: rename, SIGHUP to the service's process (the monitor) */
	cr_assert_eq(rename(cur, old), 0);
	kill(tr.pid, SIGHUP);
	cr_assert(file_has(cur, "\"dataset\":\"smbwatch.", 50), "no new file after SIGHUP");
	alice_lookups(&lab, "apps/after1.dll");
	cr_assert(file_has(cur, "after1.dll", 50));
	cr_assert(file_has(sys_log, "after1.dll", 50), "syslog after the drop: nothing received");
	cr_assert_eq(tracer_stop(&tr, SIGTERM), 0);

	a = records_read(old, &na);
	b = records_read(cur, &nb);
	assert_sequences(a, na, b, nb);
	/* the counters came from the monitor: the stopped record has the probe hits */
	cr_assert_str_eq(jget(b[nb - 1], "event.action"), "stopped");
	cr_assert_gt(atoi(jget(b[nb - 1], "smbwatch.probe_hits.auth")), 0);
	cr_assert_gt(atoi(jget(b[nb - 1], "smbwatch.probe_hits.smb2_error")), 0);
	records_free(a, na);
	records_free(b, nb);
	t = slurp(sys_log);
	cr_assert(strstr(t, "before1.dll") && strstr(t, "smbwatch.finding"), "%s", t);
	free(t);
}

Test(privsep, bad_user_is_one_line, .init = setup, .fini = teardown, .timeout = 60)
{
	char *err;

	cr_assert_eq(tracer_start(&tr, "--json -Z no-such-user-here", false), 0);
	cr_assert_eq(tracer_wait(&tr, 30), 1);
	err = slurp(tr.err);
	cr_assert(strstr(err, "smbwatch: -Z no-such-user-here: no such user"), "%s", err);
	free(err);
	cr_assert_eq(tracer_start(&tr, "--json -Z root", false), 0);
	cr_assert_eq(tracer_wait(&tr, 30), 1);
	err = slurp(tr.err);
	cr_assert(strstr(err, "that user is root"), "%s", err);
	free(err);
}
