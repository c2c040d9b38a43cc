/* SPDX-License-Identifier: GPL-2.0 */
/* Watches the directories of the attached Samba libraries (inotify): a package upgrade writes
 * a new file and renames it over the old one, which leaves the uprobes on the old inode. */
#ifndef SMBW_LIB_WATCH_H
#define SMBW_LIB_WATCH_H
#include <stdbool.h>
#include <stdint.h>
#include "samba/build.h"

#define LIB_WATCH_MAX SAMBA_NTARGETS

struct lib_watch {
	int fd;                               /* inotify, non-blocking; -1 when off */
	int wd[LIB_WATCH_MAX];
	char names[LIB_WATCH_MAX][256];       /* the file names watched in each directory */
	int n;
	uint64_t due_ns; /* when to look again: a little after the last change (0: nothing) */
};

/* Watches the directory of every attach library of b. 0 on success. */
int lib_watch_start(struct lib_watch *w, const struct samba_build *b);

/* Reads what inotify has; a change to a watched name sets due_ns to now + settle_ms. */
void lib_watch_read(struct lib_watch *w, uint64_t now_ns, unsigned int settle_ms);

/* True once, when a change has settled (due_ns passed). */
bool lib_watch_due(struct lib_watch *w, uint64_t now_ns);

void lib_watch_stop(struct lib_watch *w);

#endif
