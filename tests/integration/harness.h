/* SPDX-License-Identifier: GPL-2.0 */
/* Integration-test harness: a real lab smbd (tools/smb-lab), a real smbwatch, real clients.
 * Runs inside Criterion's test process; nothing here calls cr_* from a forked child. */
#ifndef SMBW_HARNESS_H
#define SMBW_HARNESS_H
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct lab {
	char dir[512];
	unsigned int port;
	char conf[600];
	char audit[600];
};

struct tracer {
	pid_t pid;
	char out[600];
	char err[600];
};

/* Integration tests need root: skip outside CI, fail in CI (they must run there). */
void need_root(void);

const char *smbwatch_bin(void);
const char *smb_lab_bin(void);

/* A fresh directory for this test's files. */
const char *test_tmpdir(void);

/* Starts a lab (extra: more smb-lab start options, or ""); 0 on success. */
int lab_start(struct lab *l, const char *extra);
void lab_stop(struct lab *l);

/* Starts `smbwatch ARGS` with stdout/stderr to files; with wait_started, returns once every
 * probe is attached (the "started" JSON record, or the "tracing" line in text mode). */
int tracer_start(struct tracer *t, const char *args, bool wait_started);
/* Sends sig and waits; returns the exit status, or -1. */
int tracer_stop(struct tracer *t, int sig);
/* For a failure message: the start of what the tracer wrote on stdout and stderr so far, and
 * the processes running smbd with their LD_LIBRARY_PATH (which one smbwatch attached to is in
 * its started record). Valid until the next call. */
const char *tracer_said(const struct tracer *t);

/* Waits up to timeout_s for the process to exit by itself; the exit status, or -1. */
int tracer_wait(struct tracer *t, int timeout_s);

/* Runs a shell command (printf-style); returns its exit status. */
int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs smbclient on the lab's share apps from ip, hermetic (-s /dev/null: no /etc/samba) and
 * SMB3, followed by args (credentials, -c '...', redirections), printf-style; returns its exit
 * status. */
int smbclient(const struct lab *l, const char *ip, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The same smbclient, interactive: it reads commands from the stream returned (NULL if it
 * could not start). One connection for as long as the session lasts. */
FILE *smbclient_session(const struct lab *l, const char *ip, const char *args);

/* Sends the session one command line (printf-style, without the newline) at once. */
void smbclient_say(FILE *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Ends the session ("exit", then waits for smbclient); returns its pclose status. */
int smbclient_end(FILE *s);

/* Waits up to tries x 100 ms for a file to contain what. */
bool file_has(const char *path, const char *what, int tries);

/* alice's lookups of names ("apps/a.dll apps/b.dll") against a lab, from 127.0.0.1. */
void alice_lookups(const struct lab *l, const char *names);

/* The whole file, NUL-terminated (free it), or NULL. */
char *slurp(const char *path);

struct json_object;

/* Every line of an NDJSON file, each asserted to parse; *n is set. Free with records_free. */
struct json_object **records_read(const char *path, int *n);
void records_free(struct json_object **r, int n);

/* Asserts that the records of a then b (a rotated file and its successor) carry every
 * event.sequence from 1, in order, none twice, none missing. */
void assert_sequences(struct json_object **a, int na, struct json_object **b, int nb);

/* A field by dotted name ("smbwatch.nt_status") as a string, or NULL when absent. */
const char *jget(struct json_object *o, const char *dotted);

/* smbsim (tools/smbsim.c) against a lab: "-s IP -p PORT" are added; returns its exit status. */
int smbsim(const struct lab *l, const char *ip, const char *args);
const char *smbsim_bin(void);

/* Network namespaces with veth pairs, for client hosts of their own: host i (1-based) is
 * 198.18.i.2 in its namespace, and the server side of its link is 198.18.i.1. */
struct netns_set {
	int n;
	char tag[16];
};
int netns_create(struct netns_set *s, int n);
void netns_destroy(struct netns_set *s);
/* "ip netns exec NAME" for host i, to prefix a command with. */
const char *netns_exec(const struct netns_set *s, int i);

#endif
