// SPDX-License-Identifier: GPL-2.0
/* Live tracing: open -> configure -> load -> attach, then drain the ring buffer. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "json_out.h"
#include "preflight.h"
#include "record.h"
#include "smbwatch.skel.h"
#include "text_out.h"
#include "tracer.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
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
	struct smbw_ctx ctx;
	struct jw jw;
	struct smbw_stats st;
	bool output_failed;
};

/* Writes one whole record (line) to stdout; a reader never sees half of it. */
static void emit(struct consumer *c, const char *line, size_t len)
{
	if (c->output_failed)
		return;
	if (fwrite(line, 1, len, stdout) != len || fflush(stdout)) {
		c->st.output_errors++;
		if (errno == EPIPE) {
			c->output_failed = true;
			stop_requested = 1;
		}
	}
}

static void emit_jw(struct consumer *c)
{
	if (c->jw.oom) {
		c->st.output_errors++;
		return;
	}
	/* jw keeps a spare byte past len for this newline */
	c->jw.buf[c->jw.len] = '\n';
	emit(c, c->jw.buf, c->jw.len + 1);
	c->jw.buf[c->jw.len] = 0;
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct consumer *c = ctx;
	const unsigned int *type = data;
	char line[2048];

	if (size < sizeof(*type))
		return 0;
	c->st.events++;
	if (*type == SMBW_EV_AUTH && size >= sizeof(struct smbw_auth_event)) {
		const struct smbw_auth_event *e = data;

		if (c->o->json) {
			jw_reset(&c->jw);
			json_auth_record(&c->jw, &c->ctx, e);
			emit_jw(c);
		} else {
			text_auth_line(line, sizeof(line), &c->ctx, e);
			emit(c, line, strlen(line));
		}
	}
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
	st->dropped = sum[SMBW_CNT_DROPPED];
	st->read_errors = sum[SMBW_CNT_READ_ERR];
}

static void status(struct consumer *c, const char *action, const struct smbw_stats *st)
{
	if (!c->o->json)
		return;
	jw_reset(&c->jw);
	json_status_record(&c->jw, &c->ctx, action, st);
	emit_jw(c);
}

int tracer_run(const struct smbw_opts *o)
{
	LIBBPF_OPTS(bpf_uprobe_opts, uopts);
	struct smbwatch_bpf *skel = NULL;
	struct ring_buffer *rb = NULL;
	struct bpf_link *link = NULL;
	struct consumer c = { .o = o };
	struct preflight pf;
	const struct check *bad;
	struct sigaction sa = {};
	uint64_t deadline = 0, last_drop_report = 0;
	int err, ret = 1;

	verbose = o->verbose;
	libbpf_set_print(libbpf_log);
	jw_init(&c.jw);
	smbw_ctx_init(&c.ctx);

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
	skel->rodata->filter_local_port = (__u16)o->port;

	/* Load and verify. */
	err = smbwatch_bpf__load(skel);
	if (err) {
		fprintf(stderr, "smbwatch: the kernel refused the BPF programs: %s%s\n",
			strerror(-err), o->verbose ? "" : " (run with -v for the verifier log)");
		goto cleanup;
	}

	/* Attach to smbd's logon path, in every process that maps the library. */
	uopts.func_name = samba_targets[0].symbol;
	uopts.retprobe = false;
	link = bpf_program__attach_uprobe_opts(skel->progs.log_authentication_event, -1,
					       pf.libpath[0], 0, &uopts);
	if (!link) {
		fprintf(stderr, "smbwatch: cannot attach to %s in %s: %s\n", uopts.func_name,
			pf.libpath[0], strerror(errno));
		goto cleanup;
	}

	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, &c, NULL);
	if (!rb) {
		fprintf(stderr, "smbwatch: cannot set up the ring buffer: %s\n", strerror(errno));
		goto cleanup;
	}

	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);

	if (o->json)
		status(&c, "started", NULL);
	else
		fprintf(stderr, "smbwatch: tracing Samba %s logons (%s)%s. Ctrl-C to stop.\n",
			pf.samba_version, pf.libdir, o->port ? ", one port only" : "");
	if (o->duration_s)
		deadline = smbw_mono_now_ns() + o->duration_s * 1000000000ULL;

	/* Drain events until told to stop. */
	while (!stop_requested) {
		err = ring_buffer__poll(rb, 100);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "smbwatch: reading the ring buffer failed: %s\n",
				strerror(-err));
			goto cleanup;
		}
		if (deadline && smbw_mono_now_ns() >= deadline)
			break;
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
	read_counters(skel, &c.st);
	if (o->json)
		status(&c, "stopped", &c.st);
	else
		fprintf(stderr, "smbwatch: stopped: %llu event(s), %llu dropped, %llu probe hit(s)\n",
			(unsigned long long)c.st.events, (unsigned long long)c.st.dropped,
			(unsigned long long)c.st.hits_auth);
	fflush(stdout);
	ret = c.output_failed ? 1 : 0;

cleanup:
	ring_buffer__free(rb);
	bpf_link__destroy(link);
	smbwatch_bpf__destroy(skel);
	jw_free(&c.jw);
	return ret;
}
