/* SPDX-License-Identifier: GPL-2.0 */
/* Privilege separation, as OpenSSH does it: with -Z USER, a privileged monitor keeps the BPF
 * programs attached (and attaches to a new Samba build after an upgrade), and the consumer,
 * the process that reads the ring buffer and decodes what clients chose, runs as USER with no
 * capabilities. They talk over a socketpair of fixed-size messages: the consumer may ask for
 * the probe counters and the successful-open counts, and nothing else; the monitor sends
 * status notes about Samba upgrades. The monitor never sees an event. */
#ifndef SMBW_PRIVSEP_H
#define SMBW_PRIVSEP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "smbwatch.h"

enum mon_type {
	MON_REQ_COUNTERS = 1, /* consumer -> monitor */
	MON_REQ_SUCCESS,      /* consumer -> monitor */
	MON_COUNTERS,         /* monitor -> consumer: counters[] */
	MON_SUCCESS,          /* monitor -> consumer: success[n]; more: another follows */
	MON_NOTE,             /* monitor -> consumer: a status note (reattached, unsupported) */
};

#define MON_SUCCESS_PER_MSG 128

/* A status note about the Samba build, from the monitor: plain strings from ELF files. */
struct mon_note {
	char action[16];
	char message[2048];
	char version[32], build_id[80];
	char previous_version[32], previous_build_id[80];
	char layout[640];
};

struct mon_msg {
	uint32_t type;
	uint32_t n;
	uint32_t more;
	uint32_t pad;
	union {
		uint64_t counters[SMBW_CNT_MAX];
		struct {
			uint32_t pid;
			uint32_t pad;
			uint64_t opens;
		} success[MON_SUCCESS_PER_MSG];
		struct mon_note note;
	};
};

/* Drops to user: supplementary groups, gid, uid (real, effective, saved), no new privileges;
 * then checks that no capability is left. 0, or -1 with a reason in err. */
int privsep_drop(const char *user, char *err, size_t errn);

/* Closes every file descriptor but 0-2 and those in keep[n]. */
void privsep_close_fds(const int *keep, size_t n);

/* Sends one message; 0 or -1. */
int mon_send(int fd, const struct mon_msg *m);

/* Receives one message; 1 when one came, 0 when none waits (nonblocking), -1 on a closed or
 * broken channel. */
int mon_recv(int fd, struct mon_msg *m, bool wait);

#endif
