// SPDX-License-Identifier: GPL-2.0
/* Live tracing: open -> configure -> load -> attach, then drain the ring buffer. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "detect.h"
#include "json_out.h"
#include "output.h"
#include "preflight.h"
#include "record.h"
#include "session_cache.h"
#include "smb2_record.h"
#include "smbwatch.skel.h"
#include "text_out.h"
#include "tracer.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		output_hup = 1; /* logrotate: reopen -o FILE */
	else
		stop_requested = 1;
}

static bool verbose;

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	if (!verbose)
		return 0; /* one clear line from us instead of libbpf's dump; -v shows it */
	return vfprintf(stderr, fmt, ap);
}

struct consumer {
	const struct smbw_opts *o;
	const struct tracer_view *view; /* NULL: records to stdout */
	struct smbw_ctx ctx;
	struct output out;
	struct smbw_stats st;
	struct session_cache sessions;
	struct detector *det; /* NULL with --no-findings */
	struct smb2_record rec;  /* large: kept here, not on the stack */
	char server[256];
	size_t success_cap;      /* room in st.success */
};

/* Logons and failed lookups go to the detector as well. */
static void detect_auth(struct consumer *c, const struct smbw_auth_event *e)
{
	struct det_event d = { .kind = DET_LOGON };
	char ip[64];

	if (!c->det)
		return;
	d.ts_us = smbw_real_us(&c->ctx, e->ts_ns);
	d.status = e->status;
	d.account = e->account;
	d.domain = e->domain;
	d.workstation = e->workstation;
	d.ip = smbw_addr_ip(&e->remote, ip, sizeof(ip));
	d.port = e->remote.port;
	det_feed(c->det, &d);
}

static void detect_smb2(struct consumer *c, const struct smb2_record *r)
{
	struct det_event d = { .kind = DET_LOOKUP };
	char ip[64];

	if (!c->det || r->e->status == 0)
		return;
	d.ts_us = smbw_real_us(&c->ctx, r->e->ts_ns);
	d.status = r->e->status;
	d.account = r->user;
	d.domain = r->domain;
	d.workstation = r->workstation;
	d.ip = smbw_addr_ip(&r->e->remote, ip, sizeof(ip));
	d.port = r->e->remote.port;
	d.share = r->share;
	d.path = r->path;
	d.unc = r->unc;
	d.is_tree = !r->is_file;
	det_feed(c->det, &d);
}

/* The client of an smbd process (the peer of its established TCP socket, as ss(8) shows it),
 * for the --count-success report at stop. Empty when unknown. */
static void client_of_pid(uint32_t pid, char *out, size_t n)
{
	char cmd[96];
	FILE *f;

	out[0] = 0;
	snprintf(cmd, sizeof(cmd), "ss -Htnp state established 2>/dev/null");
	f = popen(cmd, "r");
	if (!f)
		return;
	{
		char line[512], needle[32];

		snprintf(needle, sizeof(needle), "pid=%u,", pid);
		while (fgets(line, sizeof(line), f)) {
			char local[128], peer[128];

			if (!strstr(line, needle) || strstr(line, "\"smbd\"") == NULL)
				continue;
			if (sscanf(line, "%*s %*s %127s %127s", local, peer) == 2) {
				snprintf(out, n, "%.63s", peer);
				break;
			}
		}
	}
	pclose(f);
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct consumer *c = ctx;
	const unsigned int *type = data;

	if (size < sizeof(*type))
		return 0;
	c->st.events++;
	if (*type == SMBW_EV_AUTH && size >= sizeof(struct smbw_auth_event)) {
		const struct smbw_auth_event *e = data;

		c->st.events_auth++;
		session_cache_logon(&c->sessions, e);
		if (c->view && c->view->auth)
			c->view->auth(c->view->arg, &c->ctx, e);
		if (output_wants_json(&c->out)) {
			jw_reset(&c->out.jw);
			json_auth_record(&c->out.jw, &c->ctx, e);
			output_jw(&c->out);
		}
		if (output_wants_text(&c->out)) {
			text_auth_line(c->out.line, sizeof(c->out.line), &c->ctx, e);
			output_text(&c->out, c->out.line);
		}
		detect_auth(c, e);
	} else if (*type == SMBW_EV_SMB2 && size >= sizeof(struct smbw_smb2_event)) {
		const struct smbw_smb2_event *e = data;

		session_cache_peer(&c->sessions, e->pid, &e->remote);
		smb2_record_build(&c->rec, e, &c->sessions, c->server);
		if (c->rec.is_file)
			c->st.events_file++;
		else
			c->st.events_tree++;
		if (c->view && c->view->smb2)
			c->view->smb2(c->view->arg, &c->ctx, &c->rec);
		if (output_wants_json(&c->out)) {
			jw_reset(&c->out.jw);
			json_smb2_record(&c->out.jw, &c->ctx, &c->rec);
			output_jw(&c->out);
		}
		if (output_wants_text(&c->out)) {
			text_smb2_line(c->out.line, sizeof(c->out.line), &c->ctx, &c->rec);
			output_text(&c->out, c->out.line);
		}
		detect_smb2(c, &c->rec);
	}
	if (c->out.broken)
		stop_requested = 1;
	return 0;
}

static void read_counters(struct smbwatch_bpf *skel, struct smbw_stats *st)
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(skel->maps.counters);
	__u64 vals[ncpu > 0 ? ncpu : 1], sum[SMBW_CNT_MAX] = {};
	__u32 k;
	int i;

	for (k = 0; k < SMBW_CNT_MAX && ncpu > 0; k++) {
		if (bpf_map_lookup_elem(fd, &k, vals))
			continue;
		for (i = 0; i < ncpu; i++)
			sum[k] += vals[i];
	}
	st->hits_auth = sum[SMBW_CNT_HIT_AUTH];
	st->hits_smb2_error = sum[SMBW_CNT_HIT_SMB2_ERROR];
	st->hits_smb2_done = sum[SMBW_CNT_HIT_SMB2_DONE];
	st->hits_tcon = sum[SMBW_CNT_HIT_TCON];
	st->dropped = sum[SMBW_CNT_DROPPED];
	st->read_errors = sum[SMBW_CNT_READ_ERR];
}

/* --count-success: the kernel's per-process counts, with each process's client when known. */
static void read_success_counts(struct smbwatch_bpf *skel, struct consumer *c)
{
	int fd = bpf_map__fd(skel->maps.success_opens);
	__u32 key, next, *prev = NULL;

	c->st.n_success = 0; /* the kernel's counts are since the start: read them all again */
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		struct smbw_success_count *sc;
		__u64 v;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &v))
			continue;
		if (c->st.n_success == c->success_cap) {
			size_t cap = c->success_cap ? c->success_cap * 2 : 64;
			void *p = realloc(c->st.success, cap * sizeof(*sc));

			if (!p)
				return;
			c->st.success = p;
			c->success_cap = cap;
		}
		sc = &c->st.success[c->st.n_success++];
		memset(sc, 0, sizeof(*sc));
		sc->pid = key;
		sc->opens = v;
		if (session_cache_peer_str(&c->sessions, key, sc->client, sizeof(sc->client)))
			client_of_pid(key, sc->client, sizeof(sc->client));
	}
}

static void status(struct consumer *c, const char *action, const struct smbw_stats *st)
{
	if (!output_wants_json(&c->out))
		return;
	jw_reset(&c->out.jw);
	json_status_record(&c->out.jw, &c->ctx, action, st);
	output_jw(&c->out);
}

/* Findings to the view, or to the output. */
static void finding_to_view(void *arg, const struct det_finding *f, const char *action)
{
	struct consumer *c = arg;

	if (c->view->finding)
		c->view->finding(c->view->arg, f, action);
	if (output_wants_json(&c->out))
		output_finding(&c->out, f, action); /* -o FILE while the view runs */
}

static int wait_for(struct ring_buffer *rb, const struct tracer_view *v, int timeout_ms,
		    bool *input_ready)
{
	struct pollfd fds[2] = { { ring_buffer__epoll_fd(rb), POLLIN, 0 },
				 { v ? v->input_fd : -1, POLLIN, 0 } };
	int n = v && v->input_fd >= 0 ? 2 : 1, r;

	*input_ready = false;
	r = poll(fds, (nfds_t)n, timeout_ms);
	if (r > 0 && n == 2 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)))
		*input_ready = true;
	return ring_buffer__consume(rb);
}

int tracer_run(const struct smbw_opts *o)
{
	return tracer_run_view(o, NULL);
}

int tracer_run_view(const struct smbw_opts *o, const struct tracer_view *v)
{
	LIBBPF_OPTS(bpf_uprobe_opts, uopts);
	struct smbwatch_bpf *skel = NULL;
	struct ring_buffer *rb = NULL;
	struct bpf_link *links[8] = {};
	static struct consumer c;
	struct preflight pf;
	const struct check *bad;
	struct sigaction sa = {};
	uint64_t deadline = 0, last_drop_report = 0, next_tick = 0, next_stats = 0, stats_ns;
	uint64_t last_stats_ns, dropped_reported = 0;
	struct smbw_stats prev_stats = {};
	int err, ret = 1;
	size_t i, nlinks = 0;
	bool view_started = false, input_ready = false;

	verbose = o->verbose;
	libbpf_set_print(libbpf_log);
	c.o = o;
	c.view = v;
	smbw_ctx_init(&c.ctx);
	output_init(&c.out, o->json, &c.ctx);
	if (v)
		c.out.to_stdout = false; /* the view owns the terminal */
	if (o->output && output_open_file(&c.out, o->output))
		return 1;
	if (o->syslog && output_open_syslog(&c.out, o->syslog_target))
		return 1;
	if (!o->no_findings) {
		c.det = v ? det_new(&o->det, finding_to_view, &c)
			  : det_new(&o->det, output_finding, &c.out);
		if (!c.det) {
			fprintf(stderr, "smbwatch: out of memory\n");
			return 1;
		}
	}
	snprintf(c.server, sizeof(c.server), "%s", o->server_name ? o->server_name : c.ctx.hostname);
	c.server[strcspn(c.server, ".")] = 0; /* the short name, as in \\SERVER\share */
	if (session_cache_init(&c.sessions)) {
		fprintf(stderr, "smbwatch: out of memory\n");
		return 1;
	}

	/* Check everything first, so that a failure is one clear line. */
	preflight_run(&pf, o->samba_libdir);
	bad = preflight_first_failure(&pf);
	if (bad) {
		fprintf(stderr, "smbwatch: %s: %s\n", bad->name, bad->detail);
		goto cleanup;
	}
	snprintf(c.ctx.samba_version, sizeof(c.ctx.samba_version), "%s", pf.samba_version);
	c.ctx.samba_libdir = pf.libdir;

	/* Open the skeleton. */
	skel = smbwatch_bpf__open();
	if (!skel) {
		fprintf(stderr, "smbwatch: cannot open the BPF object: %s\n", strerror(errno));
		goto cleanup;
	}

	/* Configure: this Samba build's offsets and the filters, before load. */
	skel->rodata->auth_layout = pf.layout->auth;
	skel->rodata->smb2_layout = pf.layout->smb2;
	skel->rodata->filter_local_port = (__u16)o->port;
	skel->rodata->count_success_opens = o->count_success;
	skel->rodata->emit_success_opens = o->all_opens;
	if (o->ringbuf_kb &&
	    bpf_map__set_max_entries(skel->maps.events, (__u32)(o->ringbuf_kb * 1024))) {
		fprintf(stderr, "smbwatch: cannot size the ring buffer to %lu KiB\n", o->ringbuf_kb);
		goto cleanup;
	}
	/* wake the consumer early only when a quarter of the ring is in use */
	skel->rodata->wakeup_bytes = bpf_map__max_entries(skel->maps.events) / 4;

	/* Load and verify. */
	err = smbwatch_bpf__load(skel);
	if (err) {
		fprintf(stderr, "smbwatch: the kernel refused the BPF programs: %s%s\n",
			strerror(-err), o->verbose ? "" : " (run with -v for the verifier log)");
		goto cleanup;
	}

	/* Attach each probe, in every process that maps the library (pid -1). */
	for (i = 0; i < samba_targets_count && nlinks < sizeof(links) / sizeof(links[0]); i++) {
		const struct samba_target *t = &samba_targets[i];
		struct bpf_program *prog;

		if (t->use == TARGET_SUCCESS_OPENS && !o->count_success && !o->all_opens)
			continue;
		prog = bpf_object__find_program_by_name(skel->obj, t->prog);
		uopts.func_name = t->symbol;
		uopts.retprobe = t->retprobe;
		links[nlinks] = prog ? bpf_program__attach_uprobe_opts(prog, -1, pf.libpath[i], 0,
								       &uopts)
				     : NULL;
		if (!links[nlinks]) {
			fprintf(stderr, "smbwatch: cannot attach to %s in %s: %s\n", t->symbol,
				pf.libpath[i], strerror(errno));
			goto cleanup;
		}
		nlinks++;
	}

	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, &c, NULL);
	if (!rb) {
		fprintf(stderr, "smbwatch: cannot set up the ring buffer: %s\n", strerror(errno));
		goto cleanup;
	}

	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);

	if (v) {
		view_started = true;
		status(&c, "started", NULL); /* to -o FILE, if any */
		if (v->started && v->started(v->arg, &c.ctx))
			goto cleanup;
	} else if (o->json) {
		status(&c, "started", NULL);
	} else {
		status(&c, "started", NULL); /* to -o FILE, if any */
		fprintf(stderr,
			"smbwatch: tracing Samba %s (%s): logons, failed opens and searches, share "
			"connects%s%s. Ctrl-C to stop.\n",
			pf.samba_version, pf.libdir,
			o->all_opens ? ", every open" : o->count_success ? ", counting opens" : "",
			o->port ? "; one port only" : "");
	}
	if (o->duration_s)
		deadline = smbw_mono_now_ns() + o->duration_s * 1000000000ULL;

	stats_ns = (uint64_t)o->stats_interval_s * 1000000000ULL;
	last_stats_ns = smbw_mono_now_ns();
	next_stats = last_stats_ns + stats_ns;
	/* Drain events until told to stop: woken when the ring fills, else every 100 ms. */
	if (v)
		next_tick = smbw_mono_now_ns() + (uint64_t)v->tick_ms * 1000000;
	while (!stop_requested) {
		int timeout = 100;

		if (v) {
			uint64_t now = smbw_mono_now_ns();

			timeout = now >= next_tick ? 0 : (int)((next_tick - now) / 1000000);
			if (timeout > 100)
				timeout = 100;
		}
		err = wait_for(rb, v, timeout, &input_ready);
		if (err < 0 && err != -EINTR) {
			/* under a view, stopped() (at cleanup) shows this once the terminal is back */
			fprintf(stderr, "smbwatch: reading the ring buffer failed: %s\n",
				strerror(-err));
			goto cleanup;
		}
		output_flush(&c.out);
		output_maintain(&c.out);
		if (output_wants_json(&c.out) && smbw_mono_now_ns() >= next_stats) {
			uint64_t now = smbw_mono_now_ns();

			read_counters(skel, &c.st);
			if (o->count_success)
				read_success_counts(skel, &c);
			jw_reset(&c.out.jw);
			json_stats_record(&c.out.jw, &c.ctx, (double)(now - last_stats_ns) / 1e9, &c.st,
					  &prev_stats, output_dropped(&c.out) - dropped_reported);
			output_jw(&c.out);
			output_flush(&c.out);
			prev_stats = c.st;
			dropped_reported = output_dropped(&c.out);
			last_stats_ns = now;
			next_stats = now + stats_ns;
		}
		if (deadline && smbw_mono_now_ns() >= deadline)
			break;
		if (v) {
			if (input_ready && v->input && v->input(v->arg))
				break;
			if (smbw_mono_now_ns() >= next_tick) {
				read_counters(skel, &c.st);
				next_tick += (uint64_t)v->tick_ms * 1000000;
				if (v->tick && v->tick(v->arg, &c.st))
					break;
			}
			continue;
		}
		if (!o->json) {
			read_counters(skel, &c.st);
			if (c.st.dropped > last_drop_report) {
				fprintf(stderr, "smbwatch: %llu event(s) dropped (ring buffer full)\n",
					(unsigned long long)(c.st.dropped - last_drop_report));
				last_drop_report = c.st.dropped;
			}
		}
	}
	/* What is already in the ring buffer still goes out. */
	ring_buffer__consume(rb);
	if (c.det)
		det_finish(c.det); /* the summary of every finding */
	read_counters(skel, &c.st);
	c.st.cache_evictions = c.sessions.evictions;
	c.st.output_errors = c.out.errors;
	if (c.out.syslog)
		syslog_out_drain(c.out.syslog, 3000);
	c.st.output_dropped = output_dropped(&c.out);
	smbw_self_usage(&c.st.cpu_s, &c.st.peak_rss_kb);
	if (c.det) {
		struct det_stats ds;

		det_get_stats(c.det, &ds);
		c.st.findings = ds.findings;
		c.st.finding_updates = ds.updates;
		c.st.evicted_keys = ds.evicted_keys;
	}
	if (o->count_success)
		read_success_counts(skel, &c);
	status(&c, "stopped", &c.st); /* JSON destinations: stdout --json and -o FILE */
	output_flush(&c.out);
	if (!v && !o->json)
		fprintf(stderr, "smbwatch: stopped: %llu event(s), %llu dropped, %llu finding(s); "
			"probe hits: %llu logon, %llu SMB2 error, %llu SMB2 reply, %llu tree connect\n",
			(unsigned long long)c.st.events, (unsigned long long)c.st.dropped,
			(unsigned long long)c.st.findings,
			(unsigned long long)c.st.hits_auth, (unsigned long long)c.st.hits_smb2_error,
			(unsigned long long)c.st.hits_smb2_done, (unsigned long long)c.st.hits_tcon);
	if (!o->json && !v)
		for (i = 0; i < c.st.n_success; i++)
			fprintf(stderr, "smbwatch: successful opens: pid %u (%s): %llu\n",
				c.st.success[i].pid, c.st.success[i].client[0] ? c.st.success[i].client : "?",
				(unsigned long long)c.st.success[i].opens);
	fflush(stdout);
	ret = c.out.broken ? 1 : 0;

cleanup:
	if (view_started && v->stopped)
		v->stopped(v->arg);
	ring_buffer__free(rb);
	while (nlinks > 0)
		bpf_link__destroy(links[--nlinks]);
	smbwatch_bpf__destroy(skel);
	session_cache_free(&c.sessions);
	free(c.st.success);
	det_free(c.det);
	output_free(&c.out);
	return ret;
}
