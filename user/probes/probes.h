/* SPDX-License-Identifier: GPL-2.0 */
/* The BPF side, loaded and attached: one probe set per Samba build (a skeleton loaded with
 * that build's layout, attached to that build's library files), all sharing one ring buffer
 * and one set of counters. A Samba upgrade adds a set; the old one stays while old smbd
 * processes still map the old files. */
#ifndef SMBW_PROBES_H
#define SMBW_PROBES_H
#include <stdbool.h>
#include <stdint.h>
#include "samba/build.h"
#include "smbwatch.h"

#define PROBES_MAX_SETS 8

struct probes_config {
	uint16_t port;          /* only connections to this server port; 0: all */
	bool count_success;     /* --count-success */
	bool all_opens;         /* --all */
	unsigned long ringbuf_kb; /* 0: the BPF object's default */
};

struct probe_set {
	struct smbwatch_bpf *skel;
	struct bpf_link *links[SAMBA_NTARGETS];
	struct samba_lib lib[SAMBA_NTARGETS]; /* the file each link is attached to */
	char version[32];
	char build_id[80];
	char layout[640]; /* samba_layout_describe() */
};

struct probes {
	struct probes_config cfg;
	struct probe_set *sets[PROBES_MAX_SETS];
	int n;
};

/* Loads the programs with b's layout and attaches them to b's libraries. 0 on success; -1
 * with one line in err. */
int probes_start(struct probes *p, const struct probes_config *cfg, const struct samba_build *b,
		 char *err, size_t errn);

/* After an upgrade: a new set for the targets of b whose files no set is attached to yet.
 * 1 when a set was added, 0 when every target file is already attached, -1 with err. */
int probes_add_build(struct probes *p, const struct samba_build *b, char *err, size_t errn);

/* Detaches sets (but the newest) whose library files no smbd process maps any more.
 * Returns how many were detached. */
int probes_prune(struct probes *p);

int probes_ringbuf_fd(const struct probes *p);
size_t probes_ringbuf_size(const struct probes *p);

/* Sums the per-CPU counters into v[SMBW_CNT_MAX]. */
void probes_counters(const struct probes *p, uint64_t *v);

/* fd of the --count-success map (pid -> successful opens). */
int probes_success_fd(const struct probes *p);

void probes_stop(struct probes *p);

#endif
