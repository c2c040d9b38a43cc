// SPDX-License-Identifier: GPL-2.0
/* inotify on the directories of the attach libraries. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>
#include "lib_watch.h"

int lib_watch_start(struct lib_watch *w, const struct samba_build *b)
{
	int t, i;

	memset(w, 0, sizeof(*w));
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0)
		return -1;
	for (t = 0; t < SAMBA_NTARGETS; t++) {
		const char *path = samba_build_target_path(b, t), *slash;
		char dir[PATH_MAX];
		bool dup = false;

		if (!path || !(slash = strrchr(path, '/')))
			continue;
		for (i = 0; i < w->n; i++)
			dup |= !strcmp(w->names[i], slash + 1);
		if (dup || w->n == LIB_WATCH_MAX)
			continue;
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
		/* rename over (dpkg), a new file, a file written in place */
		w->wd[w->n] = inotify_add_watch(w->fd, dir, IN_MOVED_TO | IN_CREATE | IN_CLOSE_WRITE);
		if (w->wd[w->n] < 0)
			continue;
		snprintf(w->names[w->n], sizeof(w->names[0]), "%s", slash + 1);
		w->n++;
	}
	return w->n ? 0 : -1;
}

static bool watched(const struct lib_watch *w, int wd, const char *name)
{
	int i;

	for (i = 0; i < w->n; i++)
		if (w->wd[i] == wd && !strcmp(w->names[i], name))
			return true;
	return false;
}

void lib_watch_read(struct lib_watch *w, uint64_t now_ns, unsigned int settle_ms)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len;

	if (w->fd < 0)
		return;
	while ((len = read(w->fd, buf, sizeof(buf))) > 0) {
		char *p;

		for (p = buf; p < buf + len;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			if (ev->len && watched(w, ev->wd, ev->name))
				w->due_ns = now_ns + (uint64_t)settle_ms * 1000000;
			p += sizeof(*ev) + ev->len;
		}
	}
}

bool lib_watch_due(struct lib_watch *w, uint64_t now_ns)
{
	if (!w->due_ns || now_ns < w->due_ns)
		return false;
	w->due_ns = 0;
	return true;
}

void lib_watch_stop(struct lib_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}
