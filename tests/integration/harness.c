// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "harness.h"

void need_root(void)
{
	if (geteuid() == 0)
		return;
	if (getenv("CI"))
		cr_assert_fail("integration tests need root, and in CI they must run");
	cr_skip_test("integration tests need root (BPF, smbd); run as root");
}

const char *smbwatch_bin(void)
{
	const char *s = getenv("SMBWATCH");

	return s ? s : "build/smbwatch";
}

const char *smb_lab_bin(void)
{
	const char *s = getenv("SMB_LAB");

	return s ? s : "tools/smb-lab";
}

static char tmpdir[64];

static void remove_tmpdir(void)
{
	if (tmpdir[0] && !getenv("SMBWATCH_KEEP_TEST_FILES"))
		sh("rm -rf '%s'", tmpdir);
}

const char *test_tmpdir(void)
{
	if (!tmpdir[0]) {
		strcpy(tmpdir, "/tmp/smbwatch-test.XXXXXX");
		cr_assert_not_null(mkdtemp(tmpdir));
		atexit(remove_tmpdir); /* set SMBWATCH_KEEP_TEST_FILES=1 to keep them */
	}
	return tmpdir;
}

int sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return st == -1 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void smbclient_cmd(char *buf, size_t n, const struct lab *l, const char *ip,
			  const char *args)
{
	snprintf(buf, n, "smbclient -s /dev/null //lab/apps -I %s -p %u -m SMB3 %s", ip, l->port,
		 args);
}

int smbclient(const struct lab *l, const char *ip, const char *fmt, ...)
{
	char args[4096], cmd[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	smbclient_cmd(cmd, sizeof(cmd), l, ip, args);
	return sh("%s", cmd);
}

FILE *smbclient_session(const struct lab *l, const char *ip, const char *args)
{
	char cmd[8192];

	smbclient_cmd(cmd, sizeof(cmd), l, ip, args);
	return popen(cmd, "w");
}

void smbclient_say(FILE *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(s, fmt, ap);
	va_end(ap);
	fputc('\n', s);
	fflush(s);
}

int smbclient_end(FILE *s)
{
	smbclient_say(s, "exit");
	return pclose(s);
}

char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			cap = (cap ? cap * 2 : 8192);
			buf = realloc(buf, cap);
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	fclose(f);
	if (buf)
		buf[len] = 0;
	return buf;
}

static bool parse_kv(const char *line, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key);

	if (strncmp(line, key, kl) || line[kl] != '=')
		return false;
	snprintf(out, n, "%s", line + kl + 1);
	out[strcspn(out, "\n")] = 0;
	return true;
}

int lab_start(struct lab *l, const char *extra)
{
	char cmd[1024], line[1024], port[16] = "";
	FILE *p;
	int st;

	memset(l, 0, sizeof(*l));
	snprintf(cmd, sizeof(cmd), "%s start %s", smb_lab_bin(), extra);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		parse_kv(line, "LAB_DIR", l->dir, sizeof(l->dir));
		parse_kv(line, "LAB_PORT", port, sizeof(port));
		parse_kv(line, "LAB_CONF", l->conf, sizeof(l->conf));
		parse_kv(line, "LAB_AUDIT", l->audit, sizeof(l->audit));
	}
	st = pclose(p);
	l->port = (unsigned int)atoi(port);
	return (st == 0 && l->dir[0] && l->port) ? 0 : -1;
}

void lab_stop(struct lab *l)
{
	if (l->dir[0])
		sh("%s stop '%s' >/dev/null 2>&1", smb_lab_bin(), l->dir);
	l->dir[0] = 0;
}

int tracer_start(struct tracer *t, const char *args, bool wait_started)
{
	static int seq;
	char cmd[2048];
	int i;

	snprintf(t->out, sizeof(t->out), "%s/smbwatch.%d.out", test_tmpdir(), seq);
	snprintf(t->err, sizeof(t->err), "%s/smbwatch.%d.err", test_tmpdir(), seq++);
	snprintf(cmd, sizeof(cmd), "exec %s %s >'%s' 2>'%s'", smbwatch_bin(), args, t->out,
		 t->err);
	t->pid = fork();
	if (t->pid < 0)
		return -1;
	if (t->pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (!wait_started)
		return 0;
	for (i = 0; i < 300; i++) { /* up to 30 s: loading BPF is quick, but CI may be busy */
		char *out = slurp(t->out), *err = slurp(t->err);
		/* JSON mode: the started record; text mode: the "tracing" line on stderr */
		bool started = (out && strstr(out, "\"action\":\"started\"")) ||
			       (err && strstr(err, "smbwatch: tracing "));
		int st;

		free(out);
		free(err);
		if (started)
			return 0;
		if (waitpid(t->pid, &st, WNOHANG) == t->pid) {
			t->pid = 0;
			return -1;
		}
		usleep(100000);
	}
	return -1;
}

const char *tracer_said(const struct tracer *t)
{
	static char said[4096];
	char ps[600], *out = slurp(t->out), *err = slurp(t->err), *procs;

	snprintf(ps, sizeof(ps), "%s/smbd-processes.txt", test_tmpdir());
	sh("for p in $(pgrep -x smbd); do echo \"$p $(tr '\\0' '\\n' </proc/$p/environ 2>/dev/null"
	   " | grep '^LD_LIBRARY_PATH=')\"; done >'%s' 2>&1", ps);
	procs = slurp(ps);
	snprintf(said, sizeof(said), "stdout: %.1200s\nstderr: %.1200s\nsmbd processes:\n%.1000s",
		 out ? out : "(none)", err ? err : "(none)", procs ? procs : "(none)");
	free(out);
	free(err);
	free(procs);
	return said;
}

int tracer_wait(struct tracer *t, int timeout_s)
{
	int i, st;

	if (t->pid <= 0)
		return -1;
	for (i = 0; i < timeout_s * 20; i++) {
		if (waitpid(t->pid, &st, WNOHANG) == t->pid) {
			t->pid = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		usleep(50000);
	}
	return -1;
}

int tracer_stop(struct tracer *t, int sig)
{
	int ret;

	if (t->pid <= 0)
		return -1;
	kill(t->pid, sig);
	ret = tracer_wait(t, 20);
	if (ret < 0 && t->pid > 0) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, NULL, 0);
		t->pid = 0;
	}
	return ret;
}

struct json_object **records_read(const char *path, int *n)
{
	char *text = slurp(path), *save = NULL, *line;
	struct json_object **r = NULL;
	int cap = 0;

	*n = 0;
	cr_assert_not_null(text, "no output at %s", path);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct json_object *o = json_tokener_parse(line);

		cr_assert_not_null(o, "a line that is not JSON: %s", line);
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			r = realloc(r, cap * sizeof(*r));
		}
		r[(*n)++] = o;
	}
	free(text);
	/* every record smbwatch wrote, against the JSON Schema, by a real validator */
	if (getenv("SMBWATCH_VALIDATOR"))
		cr_assert_eq(sh("%s '%s' >&2", getenv("SMBWATCH_VALIDATOR"), path), 0,
			     "records in %s do not match contrib/schema (see above)", path);
	else if (getenv("CI"))
		cr_assert_fail("SMBWATCH_VALIDATOR is not set: in CI every record is validated");
	return r;
}

void records_free(struct json_object **r, int n)
{
	int i;

	for (i = 0; i < n; i++)
		json_object_put(r[i]);
	free(r);
}

void assert_sequences(struct json_object **a, int na, struct json_object **b, int nb)
{
	unsigned long long expect = 1;
	int i;

	for (i = 0; i < na + nb; i++, expect++)
		cr_assert_eq(strtoull(jget(i < na ? a[i] : b[i - na], "event.sequence"), NULL, 10),
			     expect, "sequence gap at record %d", i);
}

const char *jget(struct json_object *o, const char *dotted)
{
	char key[128], *save = NULL, *part;

	snprintf(key, sizeof(key), "%s", dotted);
	for (part = strtok_r(key, ".", &save); part && o; part = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(o, part, &o))
			return NULL;
	return o ? json_object_get_string(o) : NULL;
}

const char *smbsim_bin(void)
{
	const char *s = getenv("SMBSIM");

	return s ? s : "build/smbsim";
}

int smbsim(const struct lab *l, const char *ip, const char *args)
{
	return sh("%s -s %s -p %u %s >>'%s/smbsim.out' 2>&1", smbsim_bin(), ip, l->port, args,
		  test_tmpdir());
}

static char netns_exec_buf[8][64];

int netns_create(struct netns_set *s, int n)
{
	int i;

	s->n = 0;
	snprintf(s->tag, sizeof(s->tag), "sw%d", (int)(getpid() % 100000));
	/* Client hosts use fixed subnets (198.18.i.0/24): two tests at once would route each
	 * other's clients into the wrong lab. Say so instead of mixing them up. */
	for (i = 1; i <= n && i < 8; i++)
		cr_assert_neq(sh("ip -br addr | grep -q ' 198\\.18\\.%d\\.1/'", i), 0,
			      "198.18.%d.0/24 is in use by another test: run the integration tests "
			      "one at a time (make check-integration passes --jobs 1)",
			      i);
	for (i = 1; i <= n && i < 8; i++) {
		/* host side swNNNNNhI (<= 15 chars), namespace side swNNNNNnI */
		if (sh("ip netns add %s-%d && ip link add %sh%d type veth peer name %sn%d && "
		       "ip link set %sn%d netns %s-%d && "
		       "ip addr add 198.18.%d.1/24 dev %sh%d && ip link set %sh%d up && "
		       "ip -n %s-%d addr add 198.18.%d.2/24 dev %sn%d && "
		       "ip -n %s-%d link set %sn%d up && ip -n %s-%d link set lo up",
		       s->tag, i, s->tag, i, s->tag, i, s->tag, i, s->tag, i, i, s->tag, i, s->tag, i,
		       s->tag, i, i, s->tag, i, s->tag, i, s->tag, i, s->tag, i))
			return -1;
		snprintf(netns_exec_buf[i], sizeof(netns_exec_buf[i]), "ip netns exec %s-%d", s->tag,
			 i);
		s->n = i;
	}
	return 0;
}

void netns_destroy(struct netns_set *s)
{
	int i;

	for (i = 1; i <= s->n; i++)
		sh("ip link del %sh%d 2>/dev/null; ip netns del %s-%d 2>/dev/null", s->tag, i, s->tag,
		   i);
	s->n = 0;
}

const char *netns_exec(const struct netns_set *s, int i)
{
	(void)s;
	return netns_exec_buf[i];
}

bool file_has(const char *path, const char *what, int tries)
{
	while (tries-- > 0) {
		char *t = slurp(path);
		bool ok = t && strstr(t, what);

		free(t);
		if (ok)
			return true;
		usleep(100000);
	}
	return false;
}

void alice_lookups(const struct lab *l, const char *names)
{
	char args[512];

	snprintf(args, sizeof(args), "-U alice -P Alice-Pass-1 -W LAB -n WS001 %s", names);
	cr_assert_eq(smbsim(l, "127.0.0.1", args), 0);
}
