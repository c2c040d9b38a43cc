/* SPDX-License-Identifier: GPL-2.0 */
/* The privileged side of tracing: checks, loads and attaches the probes, follows Samba
 * upgrades, and reads the probes' counters. It never reads an event. Without -Z it runs in the
 * one smbwatch process; with -Z it is the monitor process, serving the unprivileged consumer
 * over a channel (live/privsep.h). */
#ifndef SMBW_MONITOR_H
#define SMBW_MONITOR_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "cli/args.h"
#include "lib_watch.h"
#include "cli/preflight.h"
#include "live/privsep.h"
#include "probes.h"

struct monitor {
	const struct smbw_opts *o;
	struct preflight pf;
	struct probes pr;
	struct lib_watch lw;
	uint64_t next_prune;
};

/* Every check, then load and attach; a failure is one line on stderr. 0 or -1. */
int monitor_start(struct monitor *m, const struct smbw_opts *o);

/* Follows an upgrade when a watched library changed (a note in *n: 1), prunes old
 * attachments now and then. 0 when there is nothing to say. */
int monitor_tick(struct monitor *m, uint64_t now_ns, struct mon_note *n);

/* The probes' counters, summed over CPUs (SMBW_CNT_MAX values). */
void monitor_counters(const struct monitor *m, uint64_t *sum);

/* --count-success: calls fn for every smbd process's count of successful opens. */
void monitor_success(const struct monitor *m, void (*fn)(void *arg, uint32_t pid, uint64_t n),
		     void *arg);

/* -Z: serves the consumer (child) over fd until it exits; forwards SIGINT, SIGTERM and SIGHUP
 * to it. Returns its exit status. */
int monitor_serve(struct monitor *m, int fd, pid_t child);

void monitor_stop(struct monitor *m);

#endif
