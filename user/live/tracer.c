// SPDX-License-Identifier: GPL-2.0
/* Live tracing: open -> configure -> load -> attach, then drain the ring buffer. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "detect/detect.h"
#include "enrich/ident_table.h"
#include "outputs/json_out.h"
#include "outputs/output.h"
#include "decode/plausible.h"
#include "cli/preflight.h"
#include "live/privsep.h"
#include "probes/monitor.h"
#include "probes/ringbuf.h"
#include "common/record.h"
#include "enrich/session_cache.h"
#include "decode/smb2_record.h"
#include "outputs/text_out.h"
#include "live/tracer.h"

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
	struct ident_table idents; /* the connection identities SMB2 events name */
	struct detector *det; /* NULL with --no-findings */
	struct smb2_record rec;  /* large: kept here, not on the stack */
	struct smbw_smb2_event ev2; /* an SMB2 event, whole whatever size it came in */
	char server[256];
	size_t success_cap;      /* room in st.success */
	struct plausibility plaus; /* values that say the layout is wrong */
	struct monitor *mon;     /* the probes, in this process; NULL with -Z */
	int mon_fd;              /* -Z: the channel to the monitor process; else -1 */
};

static void check_plausible(struct consumer *c, uint32_t mask);

/* The plausibility counts into the stats. */
static void fill_plausibility(struct consumer *c)
{
	int i;

	c->st.implausible = c->plaus.total;
	for (i = 0; i < IMPL_MAX; i++)
		c->st.implausible_by[i] = c->plaus.count[i];
}

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

			if (!strstr(line, needle) || strstr(line, "((\"smbd") == NULL)
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
	uint64_t missing = c->idents.missing;

	if (size < sizeof(*type))
		return 0;
	if (*type == SMBW_EV_IDENT) {
		ident_table_add(&c->idents, data, size); /* counted there */
		return 0;
	}
	c->st.events++;
	if (*type == SMBW_EV_AUTH && size >= sizeof(struct smbw_auth_event)) {
		const struct smbw_auth_event *e = data;

		c->st.events_auth++;
		check_plausible(c, plausible_auth(e));
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
	} else if (*type == SMBW_EV_SMB2 && smb2_event_from_ring(&c->ev2, data, size, &c->idents,
									  &c->sessions)) {
		const struct smbw_smb2_event *e = &c->ev2;

		if (c->idents.missing == missing) /* else nothing from smbd's state to check */
			check_plausible(c, plausible_smb2(e));
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

static void handle_mon_note(struct consumer *c, const struct mon_note *mn);

/* A request to the monitor process and its reply; notes that come first are handled. */
static int mon_call(struct consumer *c, uint32_t req, struct mon_msg *reply)
{
	struct mon_msg m = { .type = req };
	int r;

	if (mon_send(c->mon_fd, &m))
		return -1;
	while ((r = mon_recv(c->mon_fd, reply, true)) == 1 && reply->type == MON_NOTE)
		handle_mon_note(c, &reply->note);
	return r == 1 ? 0 : -1;
}

/* The counters: the probes' (from the monitor in this process, or asked of the monitor
 * process) and the consumer's own (identities, plausibility). */
static void read_counters(struct consumer *c)
{
	static struct mon_msg reply;
	uint64_t sum[SMBW_CNT_MAX] = {};
	struct smbw_stats *st = &c->st;

	if (c->mon)
		monitor_counters(c->mon, sum);
	else if (!mon_call(c, MON_REQ_COUNTERS, &reply) && reply.type == MON_COUNTERS)
		memcpy(sum, reply.counters, sizeof(sum));
	st->hits_auth = sum[SMBW_CNT_HIT_AUTH];
	st->hits_smb2_error = sum[SMBW_CNT_HIT_SMB2_ERROR];
	st->hits_smb2_done = sum[SMBW_CNT_HIT_SMB2_DONE];
	st->hits_tcon = sum[SMBW_CNT_HIT_TCON];
	st->dropped = sum[SMBW_CNT_DROPPED];
	st->read_errors = sum[SMBW_CNT_READ_ERR];
	st->identities = c->idents.received;
	st->identities_missing = c->idents.missing;
	fill_plausibility(c);
}

/* One smbd process's successful opens, with its client when known. */
static void success_add(void *arg, uint32_t pid, uint64_t opens)
{
	struct consumer *c = arg;
	struct smbw_success_count *sc;

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
	sc->pid = pid;
	sc->opens = opens;
	if (session_cache_peer_str(&c->sessions, pid, sc->client, sizeof(sc->client)))
		client_of_pid(pid, sc->client, sizeof(sc->client));
}

/* --count-success: the kernel's per-process counts (since the start: all read again). */
static void read_success_counts(struct consumer *c)
{
	static struct mon_msg reply;
	uint32_t i;

	c->st.n_success = 0;
	if (c->mon) {
		monitor_success(c->mon, success_add, c);
		return;
	}
	if (mon_call(c, MON_REQ_SUCCESS, &reply))
		return;
	for (;;) {
		if (reply.type != MON_SUCCESS)
			return;
		for (i = 0; i < reply.n; i++)
			success_add(c, reply.success[i].pid, reply.success[i].opens);
		if (!reply.more || mon_recv(c->mon_fd, &reply, true) != 1)
			return;
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

/* Outputs, detector and session cache. */
static int consumer_init(struct consumer *c, const struct smbw_opts *o, const struct tracer_view *v)
{
	c->o = o;
	c->view = v;
	smbw_ctx_init(&c->ctx);
	output_init(&c->out, o->json, &c->ctx);
	if (v)
		c->out.to_stdout = false; /* the view owns the terminal */
	if (o->output && output_open_file(&c->out, o->output))
		return -1;
	if (o->syslog && output_open_syslog(&c->out, o->syslog_target))
		return -1;
	if (!o->no_findings) {
		c->det = v ? det_new(&o->det, finding_to_view, c)
			   : det_new(&o->det, output_finding, &c->out);
		if (!c->det) {
			fprintf(stderr, "smbwatch: out of memory\n");
			return -1;
		}
	}
	smbw_server_name(c->server, sizeof(c->server), o->server_name, c->ctx.hostname);
	if (session_cache_init(&c->sessions) || ident_table_init(&c->idents)) {
		fprintf(stderr, "smbwatch: out of memory\n");
		return -1;
	}
	return 0;
}

static void consumer_free(struct consumer *c)
{
	ident_table_free(&c->idents);
	session_cache_free(&c->sessions);
	free(c->st.success);
	det_free(c->det);
	output_free(&c->out);
}

/* The build's facts go into every record's context. */
static void ctx_from_build(struct consumer *c, const struct monitor *m)
{
	const struct samba_build *b = &m->pf.build;

	snprintf(c->ctx.samba_version, sizeof(c->ctx.samba_version), "%s", b->version);
	c->ctx.samba_libdir = b->libdir;
	snprintf(c->ctx.samba_build_id, sizeof(c->ctx.samba_build_id), "%s", b->build_id);
	snprintf(c->ctx.layout_source, sizeof(c->ctx.layout_source), "%s",
		 b->layout.source == LAYOUT_DWARF ? "dwarf"
		 : b->layout.source == LAYOUT_TESTED ? "tested" : "generated");
	snprintf(c->ctx.layout, sizeof(c->ctx.layout), "%s", m->pr.sets[0]->layout);
}

/* A status note to the JSON outputs, and its message on stderr (after the view, if any). */
static void note(struct consumer *c, const char *action, const struct status_note *n)
{
	if (output_wants_json(&c->out)) {
		jw_reset(&c->out.jw);
		json_status_note(&c->out.jw, &c->ctx, action, n);
		output_jw(&c->out);
		output_flush(&c->out);
	}
	if (!c->view)
		fprintf(stderr, "smbwatch: %s\n", n->message);
}

/* Another smbd of the same file runs with another LD_LIBRARY_PATH: the libraries it loads may
 * not be the ones traced, so say so once, at the start. */
static void other_smbd_note(struct consumer *c, const struct samba_build *b)
{
	struct status_note n = { 0 };
	char msg[PATH_MAX + 2600];

	if (!b->other_pid)
		return;
	snprintf(msg, sizeof(msg),
		 "WARNING: smbd processes of %s run with different LD_LIBRARY_PATHs: traced, the "
		 "libraries found with %s%s%s; smbd pid %d runs with %s, and the libraries it loads "
		 "from there are NOT traced (give --smbd-library-path to a second smbwatch for them)",
		 b->smbd, b->library_path[0] ? b->library_path : "none",
		 b->library_path_from[0] ? ", from " : "", b->library_path_from, b->other_pid,
		 b->other_library_path);
	n.message = msg;
	n.samba_version = b->version;
	n.build_id = b->build_id;
	note(c, "other_smbd", &n);
}

/* A note from the monitor (an upgrade followed, or not) to the outputs. */
static void handle_mon_note(struct consumer *c, const struct mon_note *mn)
{
	struct status_note n = { 0 };

	n.message = mn->message;
	n.samba_version = mn->version;
	n.build_id = mn->build_id;
	n.previous_version = mn->previous_version;
	n.previous_build_id = mn->previous_build_id;
	n.layout = mn->layout[0] ? mn->layout : NULL;
	note(c, mn->action, &n);
}

/* The monitor's periodic work: in this process, or its notes from the monitor process. */
static void monitor_duties(struct consumer *c, uint64_t now)
{
	static struct mon_msg m;

	if (c->mon) {
		if (monitor_tick(c->mon, now, &m.note))
			handle_mon_note(c, &m.note);
		return;
	}
	while (mon_recv(c->mon_fd, &m, false) == 1)
		if (m.type == MON_NOTE)
			handle_mon_note(c, &m.note);
}

/* Counts values no Samba leaves there; warns once per kind, naming the layout. */
static void check_plausible(struct consumer *c, uint32_t mask)
{
	uint32_t fresh = plausibility_note(&c->plaus, mask);
	int i;

	for (i = 0; fresh && i < IMPL_MAX; i++) {
		struct status_note n = { 0 };
		char msg[1024];

		if (!(fresh & (1u << i)))
			continue;
		n.value = implausible_what(i);
		n.fields = implausible_fields(i);
		n.layout = c->ctx.layout;
		snprintf(msg, sizeof(msg),
			 "WARNING: implausible %s read from smbd (layout fields %s; layout %s): the "
			 "offsets may be wrong for this Samba build; such events are counted as "
			 "smbwatch.implausible", n.value, n.fields, c->ctx.layout);
		n.message = msg;
		note(c, "implausible", &n);
	}
}

/* The periodic smbwatch.stats record. */
static void stats_record(struct consumer *c, uint64_t interval_ns, struct smbw_stats *prev,
			 uint64_t *dropped_reported)
{
	read_counters(c);
	if (c->o->count_success)
		read_success_counts(c);
	jw_reset(&c->out.jw);
	json_stats_record(&c->out.jw, &c->ctx, (double)interval_ns / 1e9, &c->st, prev,
			  output_dropped(&c->out) - *dropped_reported);
	output_jw(&c->out);
	output_flush(&c->out);
	*prev = c->st;
	*dropped_reported = output_dropped(&c->out);
}

static void install_signals(void)
{
	struct sigaction sa = {};

	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Drains events until told to stop: woken when the ring fills, else every 100 ms; the
 * monitor's duties in between. Returns 0, or -1 when reading the ring buffer failed. */
static int trace_loop(struct consumer *c, struct rb_reader *rb)
{
	const struct smbw_opts *o = c->o;
	const struct tracer_view *v = c->view;
	uint64_t now = smbw_mono_now_ns(), deadline = 0, next_tick = 0, last_drop_report = 0;
	uint64_t stats_ns = (uint64_t)o->stats_interval_s * 1000000000ULL, last_stats = now;
	uint64_t dropped_reported = 0;
	struct smbw_stats prev_stats = {};
	int err, input_ready = 0;

	if (o->duration_s)
		deadline = now + o->duration_s * 1000000000ULL;
	if (v)
		next_tick = now + (uint64_t)v->tick_ms * 1000000;
	while (!stop_requested) {
		int timeout = 100;

		if (v) {
			now = smbw_mono_now_ns();
			timeout = now >= next_tick ? 0 : (int)((next_tick - now) / 1000000);
			if (timeout > 100)
				timeout = 100;
		}
		err = rb_poll(rb, timeout, v ? v->input_fd : -1, &input_ready);
		if (err < 0 && err != -EINTR) {
			/* under a view, stopped() (at cleanup) shows this once the terminal is back */
			fprintf(stderr, "smbwatch: reading the ring buffer failed: %s\n",
				strerror(-err));
			return -1;
		}
		output_flush(&c->out);
		output_maintain(&c->out);
		now = smbw_mono_now_ns();
		monitor_duties(c, now);
		if (output_wants_json(&c->out) && now >= last_stats + stats_ns) {
			stats_record(c, now - last_stats, &prev_stats, &dropped_reported);
			last_stats = now;
		}
		if (deadline && now >= deadline)
			break;
		if (v) {
			if (input_ready && v->input && v->input(v->arg))
				break;
			if (smbw_mono_now_ns() >= next_tick) {
				read_counters(c);
				next_tick += (uint64_t)v->tick_ms * 1000000;
				if (v->tick && v->tick(v->arg, &c->st))
					break;
			}
			continue;
		}
		if (!o->json) {
			read_counters(c);
			if (c->st.dropped > last_drop_report) {
				fprintf(stderr, "smbwatch: %llu event(s) dropped (ring buffer full)\n",
					(unsigned long long)(c->st.dropped - last_drop_report));
				last_drop_report = c->st.dropped;
			}
		}
	}
	return 0;
}

/* What is already in the ring buffer still goes out; then the findings' summary and the
 * stopped record. */
static void finish(struct consumer *c, struct rb_reader *rb)
{
	const struct smbw_opts *o = c->o;
	size_t i;

	rb_consume(rb);
	if (c->det)
		det_finish(c->det); /* the summary of every finding */
	read_counters(c);
	c->st.cache_evictions = c->sessions.evictions;
	c->st.output_errors = c->out.errors;
	if (c->out.syslog)
		syslog_out_drain(c->out.syslog, 3000);
	c->st.output_dropped = output_dropped(&c->out);
	smbw_self_usage(&c->st.cpu_s, &c->st.peak_rss_kb);
	if (c->det) {
		struct det_stats ds;

		det_get_stats(c->det, &ds);
		c->st.findings = ds.findings;
		c->st.finding_updates = ds.updates;
		c->st.evicted_keys = ds.evicted_keys;
	}
	if (o->count_success)
		read_success_counts(c);
	status(c, "stopped", &c->st); /* JSON destinations: stdout --json and -o FILE */
	output_flush(&c->out);
	if (c->view || o->json)
		return;
	if (c->st.identities_missing)
		fprintf(stderr, "smbwatch: %llu SMB2 event(s) came without their connection's "
			"identity (more than %d identities sent in %d s)\n",
			(unsigned long long)c->st.identities_missing, IDENT_TABLE_SLOTS,
			SMBW_IDENT_REFRESH_S);
	fprintf(stderr, "smbwatch: stopped: %llu event(s), %llu dropped, %llu implausible, "
		"%llu finding(s); probe hits: %llu logon, %llu SMB2 error, %llu SMB2 reply, %llu "
		"tree connect\n",
		(unsigned long long)c->st.events, (unsigned long long)c->st.dropped,
		(unsigned long long)c->st.implausible, (unsigned long long)c->st.findings,
		(unsigned long long)c->st.hits_auth, (unsigned long long)c->st.hits_smb2_error,
		(unsigned long long)c->st.hits_smb2_done, (unsigned long long)c->st.hits_tcon);
	for (i = 0; i < c->st.n_success; i++)
		fprintf(stderr, "smbwatch: successful opens: pid %u (%s): %llu\n",
			c->st.success[i].pid,
			c->st.success[i].client[0] ? c->st.success[i].client : "?",
			(unsigned long long)c->st.success[i].opens);
}

/* The consumer: outputs, then the ring buffer until told to stop. Returns the exit status. */
static int consume(struct consumer *c, const struct monitor *m, int rb_fd, size_t rb_size)
{
	const struct smbw_opts *o = c->o;
	const struct tracer_view *v = c->view;
	struct rb_reader rb = { 0 };
	bool view_started = false;
	int ret = 1, e;

	ctx_from_build(c, m);
	e = rb_open(&rb, rb_fd, rb_size, handle_event, c);
	if (e) {
		fprintf(stderr, "smbwatch: cannot map the ring buffer: %s\n", strerror(-e));
		goto out;
	}
	install_signals();
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	status(c, "started", NULL); /* to stdout with --json, and to -o FILE, if any */
	other_smbd_note(c, &m->pf.build);
	if (v) {
		view_started = true;
		if (v->started && v->started(v->arg, &c->ctx))
			goto out;
	} else if (!o->json) {
		fprintf(stderr,
			"smbwatch: tracing Samba %s (%s; layout %s): logons, failed opens and "
			"searches, share connects%s%s%s. Ctrl-C to stop.\n",
			c->ctx.samba_version[0] ? c->ctx.samba_version : "?", c->ctx.samba_libdir,
			c->ctx.layout,
			o->all_opens ? ", every open" : o->count_success ? ", counting opens" : "",
			o->port ? "; one port only" : "", o->user ? "; unprivileged" : "");
	}
	if (trace_loop(c, &rb))
		goto out;
	finish(c, &rb);
	fflush(stdout);
	ret = c->out.broken ? 1 : 0;
out:
	if (view_started && v->stopped)
		v->stopped(v->arg);
	rb_close(&rb);
	return ret;
}

/* -Z USER: the consumer in a child that drops to USER; this process stays the monitor. */
static int run_separated(struct consumer *c, struct monitor *m)
{
	const struct smbw_opts *o = c->o;
	int sv[2], rb_fd = probes_ringbuf_fd(&m->pr), ret;
	size_t rb_size = probes_ringbuf_size(&m->pr);
	pid_t child;
	char err[512];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		fprintf(stderr, "smbwatch: socketpair: %s\n", strerror(errno));
		return 1;
	}
	fflush(NULL);
	child = fork();
	if (child < 0) {
		fprintf(stderr, "smbwatch: fork: %s\n", strerror(errno));
		return 1;
	}
	if (child == 0) {
		int keep[3] = { rb_fd, sv[1], c->view ? c->view->input_fd : -1 };

		/* nothing of the monitor's but the ring buffer and the channel */
		privsep_close_fds(keep, 3);
		if (privsep_drop(o->user, err, sizeof(err))) {
			fprintf(stderr, "smbwatch: %s\n", err);
			_exit(1);
		}
		c->mon = NULL;
		c->mon_fd = sv[1];
		if (consumer_init(c, o, c->view))
			_exit(1);
		ret = consume(c, m, rb_fd, rb_size);
		consumer_free(c);
		fflush(NULL);
		_exit(ret);
	}
	close(sv[1]);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* no core, no /proc/PID/mem for the consumer's user */
	ret = monitor_serve(m, sv[0], child);
	close(sv[0]);
	return ret;
}

int tracer_run(const struct smbw_opts *o)
{
	return tracer_run_view(o, NULL);
}

int tracer_run_view(const struct smbw_opts *o, const struct tracer_view *v)
{
	static struct consumer c;
	static struct monitor m;
	int ret = 1;

	verbose = o->verbose;
	libbpf_set_print(libbpf_log);
	c.o = o;
	c.view = v;
	c.mon = &m;
	c.mon_fd = -1;
	if (o->user) {
		/* attach first; outputs are opened by the unprivileged consumer */
		if (!monitor_start(&m, o))
			ret = run_separated(&c, &m);
		monitor_stop(&m);
		return ret;
	}
	/* outputs first, so that a bad -o is one clear line before anything is attached */
	if (!consumer_init(&c, o, v) && !monitor_start(&m, o))
		ret = consume(&c, &m, probes_ringbuf_fd(&m.pr), probes_ringbuf_size(&m.pr));
	monitor_stop(&m);
	consumer_free(&c);
	return ret;
}
