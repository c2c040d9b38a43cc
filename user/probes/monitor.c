// SPDX-License-Identifier: GPL-2.0
/* The privileged side: attach, follow upgrades, count. */
#include <bpf/bpf.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "monitor.h"
#include "common/record.h"

#define PRUNE_NS 10000000000ULL /* look for attachments nothing uses any more */
#define SETTLE_MS 300           /* dpkg writes a package's files one after another */

int monitor_start(struct monitor *m, const struct smbw_opts *o)
{
	struct probes_config cfg = { (uint16_t)o->port, o->count_success, o->all_opens,
				     o->ringbuf_kb };
	struct samba_where w;
	const struct check *bad;
	char err[1024];

	m->o = o;
	m->lw.fd = -1;
	preflight_where(o, &w);
	preflight_run(&m->pf, &w);
	bad = preflight_first_failure(&m->pf);
	if (bad) {
		fprintf(stderr, "smbwatch: %s: %s\n", bad->name, bad->detail);
		return -1;
	}
	if (probes_start(&m->pr, &cfg, &m->pf.build, err, sizeof(err))) {
		fprintf(stderr, "smbwatch: %s\n", err);
		return -1;
	}
	lib_watch_start(&m->lw, &m->pf.build); /* without it, upgrades are not followed: no more */
	m->next_prune = smbw_mono_now_ns() + PRUNE_NS;
	return 0;
}

/* A watched library changed: find the build now installed and attach to it too. */
static int follow_upgrade(struct monitor *m, struct mon_note *n)
{
	const struct probe_set *last = m->pr.sets[m->pr.n - 1];
	struct samba_build nb;
	struct samba_where w;
	char err[1024];
	int r;

	memset(n, 0, sizeof(*n));
	preflight_where(m->o, &w);
	if (!w.library_path && m->pf.build.library_path[0])
		w.library_path = m->pf.build.library_path; /* as the running smbd had it */
	r = samba_build_discover(&nb, &w, err, sizeof(err));
	if (!r && (r = samba_build_layout(&nb, err, sizeof(err))) == 0)
		r = probes_add_build(&m->pr, &nb, err, sizeof(err));
	snprintf(n->version, sizeof(n->version), "%s", nb.version);
	snprintf(n->build_id, sizeof(n->build_id), "%s", nb.build_id);
	snprintf(n->previous_version, sizeof(n->previous_version), "%s", last->version);
	snprintf(n->previous_build_id, sizeof(n->previous_build_id), "%s", last->build_id);
	if (r < 0) {
		snprintf(n->action, sizeof(n->action), "unsupported");
		snprintf(n->message, sizeof(n->message),
			 "WARNING: the Samba libraries changed and smbwatch cannot trace the new build "
			 "(%s %s): %.1500s. NOT SEEN from now on: logons, failed lookups and share "
			 "connects of smbd processes started from the new libraries; smbd processes "
			 "still running the old ones are still traced",
			 nb.version[0] ? nb.version : "?", nb.build_id, err);
	} else if (r == 1) {
		snprintf(n->action, sizeof(n->action), "reattached");
		snprintf(n->layout, sizeof(n->layout), "%s", m->pr.sets[m->pr.n - 1]->layout);
		snprintf(n->message, sizeof(n->message),
			 "Samba libraries replaced: now also tracing Samba %s (build-id %s, %.600s), "
			 "was %s (build-id %s)", nb.version, nb.build_id, n->layout,
			 n->previous_version, n->previous_build_id);
	}
	samba_build_free(&nb);
	return n->action[0] ? 1 : 0;
}

int monitor_tick(struct monitor *m, uint64_t now, struct mon_note *n)
{
	int r = 0;

	lib_watch_read(&m->lw, now, SETTLE_MS);
	if (lib_watch_due(&m->lw, now))
		r = follow_upgrade(m, n);
	if (now >= m->next_prune) {
		probes_prune(&m->pr);
		m->next_prune = now + PRUNE_NS;
	}
	return r;
}

void monitor_counters(const struct monitor *m, uint64_t *sum)
{
	probes_counters(&m->pr, sum);
}

void monitor_success(const struct monitor *m, void (*fn)(void *arg, uint32_t pid, uint64_t n),
		     void *arg)
{
	int fd = probes_success_fd(&m->pr);
	__u32 key, next, *prev = NULL;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		__u64 v;

		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(fd, &key, &v))
			fn(arg, key, v);
	}
}

/* ---- -Z: the monitor process ---- */

static volatile sig_atomic_t forward_sig[3]; /* SIGINT, SIGTERM, SIGHUP pending */

static void on_forward(int sig)
{
	forward_sig[sig == SIGINT ? 0 : sig == SIGTERM ? 1 : 2] = 1;
}

struct success_batch {
	int fd;
	struct mon_msg msg;
};

static void success_add(void *arg, uint32_t pid, uint64_t n)
{
	struct success_batch *b = arg;

	if (b->msg.n == MON_SUCCESS_PER_MSG) {
		b->msg.more = 1;
		mon_send(b->fd, &b->msg);
		b->msg.n = 0;
	}
	b->msg.success[b->msg.n].pid = pid;
	b->msg.success[b->msg.n].opens = n;
	b->msg.n++;
}

/* Answers one request; anything else from the consumer is refused by closing the channel. */
static int serve_request(struct monitor *m, int fd, const struct mon_msg *req)
{
	static struct success_batch b;
	static struct mon_msg reply;

	if (req->type == MON_REQ_COUNTERS) {
		memset(&reply, 0, sizeof(reply));
		reply.type = MON_COUNTERS;
		monitor_counters(m, reply.counters);
		return mon_send(fd, &reply);
	}
	if (req->type == MON_REQ_SUCCESS) {
		memset(&b, 0, sizeof(b));
		b.fd = fd;
		b.msg.type = MON_SUCCESS;
		monitor_success(m, success_add, &b);
		b.msg.more = 0;
		return mon_send(fd, &b.msg);
	}
	return -1;
}

static int child_status(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

int monitor_serve(struct monitor *m, int fd, pid_t child)
{
	static const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	static struct mon_msg msg;
	struct sigaction sa = {};
	int st, i;
	bool open = true;

	sa.sa_handler = on_forward;
	for (i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		struct pollfd fds[2] = { { open ? fd : -1, POLLIN, 0 }, { m->lw.fd, POLLIN, 0 } };

		poll(fds, 2, 100);
		for (i = 0; i < 3; i++)
			if (forward_sig[i]) {
				forward_sig[i] = 0;
				kill(child, sigs[i]);
			}
		while (open && (i = mon_recv(fd, &msg, false)) != 0) {
			if (i < 0) {
				open = false; /* the consumer is gone */
			} else if (serve_request(m, fd, &msg)) {
				kill(child, SIGKILL); /* asked for what it may not: a broken consumer */
				open = false;
			}
		}
		if (monitor_tick(m, smbw_mono_now_ns(), &msg.note) && open) {
			msg.type = MON_NOTE;
			if (mon_send(fd, &msg))
				open = false;
		}
		if (waitpid(child, &st, WNOHANG) == child)
			return child_status(st);
		if (!open && waitpid(child, &st, 0) == child)
			return child_status(st);
	}
}

void monitor_stop(struct monitor *m)
{
	lib_watch_stop(&m->lw);
	probes_stop(&m->pr);
	preflight_free(&m->pf);
}
