/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SMBW_TRACER_H
#define SMBW_TRACER_H
#include "cli/args.h"

/* Live tracing: checks, loads and attaches the BPF programs, then prints events until
 * SIGINT/SIGTERM or the duration ends. Returns the exit status. */
int tracer_run(const struct smbw_opts *o);

struct smbw_ctx;
struct smbw_auth_event;
struct smb2_record;
struct det_finding;
struct smbw_stats;

/* Instead of printing records: a view (smbwatch top) gets the events, the findings, a tick
 * every tick_ms, and input_fd's readiness, all from the tracer's one loop. */
struct tracer_view {
	void *arg;
	int tick_ms;
	int input_fd; /* -1: none */
	/* once every probe is attached; nonzero: stop */
	int (*started)(void *arg, const struct smbw_ctx *ctx);
	void (*auth)(void *arg, const struct smbw_ctx *ctx, const struct smbw_auth_event *e);
	void (*smb2)(void *arg, const struct smbw_ctx *ctx, const struct smb2_record *r);
	void (*finding)(void *arg, const struct det_finding *f, const char *action);
	/* nonzero: stop */
	int (*tick)(void *arg, const struct smbw_stats *st);
	int (*input)(void *arg);
	/* always called once started() was: restore the terminal */
	void (*stopped)(void *arg);
};

int tracer_run_view(const struct smbw_opts *o, const struct tracer_view *v);

#endif
