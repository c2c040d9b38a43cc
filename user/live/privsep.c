// SPDX-License-Identifier: GPL-2.0
/* Dropping privileges and the monitor's channel. */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <linux/capability.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "live/privsep.h"

static unsigned long long cap_eff(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long long caps = ~0ULL;

	if (!f)
		return caps;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	fclose(f);
	return caps;
}

/* Empties the effective, permitted and inheritable sets (capset(2), without libcap). */
static int clear_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	return (int)syscall(SYS_capset, &h, d);
}

int privsep_drop(const char *user, char *err, size_t errn)
{
	struct passwd *pw = getpwnam(user);

	if (!pw) {
		snprintf(err, errn, "-Z %s: no such user", user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errn, "-Z %s: that user is root; name an unprivileged user", user);
		return -1;
	}
	/* a service started as USER already (systemd User=) keeps its groups: setgroups(2)
	 * would need CAP_SETGID, which such a service does not hold */
	if ((getuid() != pw->pw_uid && setgroups(0, NULL)) ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid)) {
		snprintf(err, errn, "-Z %s: cannot switch to it: %s", user, strerror(errno));
		return -1;
	}
	/* leaving uid 0 clears every capability; a service that runs as USER already (with
	 * ambient capabilities) must clear them itself */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) || clear_caps()) {
		snprintf(err, errn, "-Z %s: cannot clear capabilities: %s", user, strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		snprintf(err, errn, "-Z %s: PR_SET_NO_NEW_PRIVS: %s", user, strerror(errno));
		return -1;
	}
	if (getuid() == 0 || geteuid() == 0 || cap_eff() != 0) {
		snprintf(err, errn, "-Z %s: capabilities remain after the switch", user);
		return -1;
	}
	return 0;
}

void privsep_close_fds(const int *keep, size_t n)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int fds[1024], nfds = 0, i;
	size_t k;

	if (!d)
		return;
	while ((de = readdir(d)) && nfds < 1024) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] < '0' || de->d_name[0] > '9' || fd <= 2 || fd == dirfd(d))
			continue;
		for (k = 0; k < n && keep[k] != fd; k++)
			;
		if (k == n)
			fds[nfds++] = fd;
	}
	closedir(d);
	for (i = 0; i < nfds; i++)
		close(fds[i]);
}

int mon_send(int fd, const struct mon_msg *m)
{
	ssize_t k;

	do
		k = send(fd, m, sizeof(*m), MSG_NOSIGNAL);
	while (k < 0 && errno == EINTR);
	return k == (ssize_t)sizeof(*m) ? 0 : -1;
}

int mon_recv(int fd, struct mon_msg *m, bool wait)
{
	ssize_t k;

	do
		k = recv(fd, m, sizeof(*m), wait ? 0 : MSG_DONTWAIT);
	while (k < 0 && errno == EINTR);
	if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (k != (ssize_t)sizeof(*m))
		return -1;
	if (m->type == MON_NOTE) { /* whatever came, its strings end */
		struct mon_note *n = &m->note;

		n->action[sizeof(n->action) - 1] = 0;
		n->message[sizeof(n->message) - 1] = 0;
		n->version[sizeof(n->version) - 1] = 0;
		n->build_id[sizeof(n->build_id) - 1] = 0;
		n->previous_version[sizeof(n->previous_version) - 1] = 0;
		n->previous_build_id[sizeof(n->previous_build_id) - 1] = 0;
		n->layout[sizeof(n->layout) - 1] = 0;
	}
	if (m->n > MON_SUCCESS_PER_MSG)
		m->n = MON_SUCCESS_PER_MSG;
	return 1;
}
