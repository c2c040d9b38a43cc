// SPDX-License-Identifier: GPL-2.0
/* Record output. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "detect/detect.h"
#include "outputs/output.h"
#include "outputs/text_out.h"

volatile int output_hup;

void output_init(struct output *o, bool json, const struct smbw_ctx *ctx)
{
	memset(o, 0, sizeof(*o));
	o->json = json;
	o->to_stdout = true;
	o->ctx = ctx;
	o->fd = -1;
	jw_init(&o->jw);
}

int output_open_syslog(struct output *o, const char *target)
{
	o->syslog = calloc(1, sizeof(*o->syslog));
	if (!o->syslog || syslog_out_init(o->syslog, target, o->ctx->hostname)) {
		fprintf(stderr, "smbwatch: invalid syslog target '%s' (/dev/log, /path/to/socket, "
				"udp://HOST:PORT or tcp://HOST:PORT)\n", target ? target : "");
		return -1;
	}
	return 0;
}

void output_free(struct output *o)
{
	if (o->syslog) {
		syslog_out_drain(o->syslog, 2000); /* the stopped record too */
		syslog_out_free(o->syslog);
		free(o->syslog);
		o->syslog = NULL;
	}
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	jw_free(&o->jw);
}

static int open_file(struct output *o)
{
	int fd = open(o->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);

	if (fd < 0)
		return -errno;
	o->fd = fd; /* only ever opened while closed */
	return 0;
}

int output_open_file(struct output *o, const char *path)
{
	int err;

	o->path = path;
	err = open_file(o);
	if (err) {
		fprintf(stderr, "smbwatch: cannot open %s: %s\n", path, strerror(-err));
		return -1;
	}
	return 0;
}

/* Reports the first failure of a run of them; the caller counts what was lost. */
static void file_failed(struct output *o, const char *what, int err)
{
	if (!o->file_failing)
		fprintf(stderr, "smbwatch: cannot %s %s: %s; records are counted as lost until it "
				"works again\n", what, o->path, strerror(err));
	o->file_failing = true;
	o->next_retry_ns = smbw_mono_now_ns() + 1000000000ULL;
}

void output_maintain(struct output *o)
{
	int err;

	if (o->syslog)
		syslog_out_flush(o->syslog);
	if (!o->path)
		return;
	if (output_hup) {
		output_hup = 0;
		o->next_retry_ns = 0;
		if (o->fd >= 0) {
			close(o->fd);
			o->fd = -1;
		}
	}
	if (o->fd >= 0 || smbw_mono_now_ns() < o->next_retry_ns)
		return;
	err = open_file(o);
	if (err)
		file_failed(o, "reopen", -err); /* no record lost by opening */
}

bool output_wants_json(const struct output *o)
{
	return (o->json && o->to_stdout) || o->path || o->syslog;
}

bool output_wants_text(const struct output *o)
{
	/* -o or --syslog without --json: standard output stays quiet */
	return !o->json && o->to_stdout && !o->path && !o->syslog;
}

uint64_t output_dropped(const struct output *o)
{
	return o->file_dropped + (o->syslog ? o->syslog->dropped : 0);
}

static void file_write(struct output *o, const char *rec, size_t len)
{
	ssize_t w;

	if (o->fd < 0) {
		o->file_dropped++;
		return;
	}
	w = write(o->fd, rec, len); /* one write per record: a reader never sees half a line */
	if (w == (ssize_t)len) {
		if (o->file_failing) {
			fprintf(stderr, "smbwatch: writing to %s again (%llu record(s) lost)\n", o->path,
				(unsigned long long)o->file_dropped);
			o->file_failing = false;
		}
		return;
	}
	o->file_dropped++;
	file_failed(o, "write to", w < 0 ? errno : ENOSPC);
}

void output_write(struct output *o, const char *rec, size_t len)
{
	if (o->broken)
		return;
	if (fwrite(rec, 1, len, stdout) != len) {
		o->errors++;
		if (errno == EPIPE)
			o->broken = true;
	}
}

void output_flush(struct output *o)
{
	if (!o->broken && fflush(stdout) && errno == EPIPE)
		o->broken = true;
}

void output_jw(struct output *o)
{
	if (o->jw.oom || !o->jw.buf) {
		o->errors++;
		return;
	}
	/* jw keeps a spare byte past len for this newline */
	o->jw.buf[o->jw.len] = '\n';
	if (o->json && o->to_stdout)
		output_write(o, o->jw.buf, o->jw.len + 1);
	if (o->path)
		file_write(o, o->jw.buf, o->jw.len + 1);
	o->jw.buf[o->jw.len] = 0;
	if (o->syslog) {
		/* MSGID: the dataset; findings are warnings, the rest notices */
		const char *ds = strstr(o->jw.buf, "\"dataset\":\"");
		char msgid[33] = "-";

		if (ds)
			sscanf(ds + 11, "%32[^\"]", msgid);
		syslog_out_record(o->syslog, o->jw.buf, o->jw.len, msgid,
				  strcmp(msgid, "smbwatch.finding") ? 5 : 4);
	}
}

void output_text(struct output *o, const char *line)
{
	if (output_wants_text(o))
		output_write(o, line, strlen(line));
}

void output_finding(void *arg, const struct det_finding *f, const char *action)
{
	struct output *o = arg;

	o->findings++;
	if (output_wants_json(o)) {
		jw_reset(&o->jw);
		json_finding_record(&o->jw, o->ctx, f, action);
		output_jw(o);
	}
	if (output_wants_text(o)) {
		text_finding_line(o->line, sizeof(o->line), f, action);
		output_text(o, o->line);
	}
}
