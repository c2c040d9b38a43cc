// SPDX-License-Identifier: GPL-2.0
/* Which Samba build smbd runs. smbd's libraries are found as the dynamic loader finds them:
 * DT_NEEDED names, looked up in smbd's LD_LIBRARY_PATH (given, or read from a running smbd),
 * then the run path of the object that needs them, then the system directories. Each attach
 * point is whichever library exports it: distributions name Samba's private libraries as they
 * like (lib*-samba4.so.0 in Debian's 4.17, lib*-private-samba.so.0 in 4.22). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "build.h"
#include "dwarf_layout.h"
#include "elf_info.h"

#define MAX_LIBS 512

static const char *const default_smbd[] = { "/usr/sbin/smbd", "/usr/local/sbin/smbd",
					    "/usr/local/samba/sbin/smbd" };
static const char *const system_dirs[] = { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
					   "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
					   "/lib64", "/usr/lib64", "/lib", "/usr/lib",
					   "/usr/local/lib" };

static bool have_lib(const struct samba_build *b, const struct stat *st)
{
	size_t i;

	for (i = 0; i < b->nlibs; i++)
		if (b->libs[i].dev == st->st_dev && b->libs[i].ino == st->st_ino)
			return true;
	return false;
}

/* Adds a library file (once, by inode). 1 when added, 0 when already there or not a file. */
static int add_lib(struct samba_build *b, const char *path)
{
	struct stat st;
	struct samba_lib *l;

	if (stat(path, &st) || !S_ISREG(st.st_mode) || have_lib(b, &st) || b->nlibs >= MAX_LIBS)
		return 0;
	if (!b->libs && !(b->libs = calloc(MAX_LIBS, sizeof(*b->libs))))
		return 0;
	l = &b->libs[b->nlibs++];
	snprintf(l->path, sizeof(l->path), "%s", path);
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	return 1;
}

/* Looks name up in a colon-separated list of directories ($ORIGIN: the needing file's). */
static bool find_in(const char *dirs, const char *origin, const char *name, char *out, size_t n)
{
	char copy[1024], *save = NULL, *d;

	snprintf(copy, sizeof(copy), "%s", dirs);
	for (d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if (!strncmp(d, "$ORIGIN", 7))
			snprintf(out, n, "%s%s/%s", origin, d + 7, name);
		else
			snprintf(out, n, "%s/%s", d, name);
		if (access(out, R_OK) == 0)
			return true;
	}
	return false;
}

static bool resolve_needed(const struct samba_build *b, const char *name, const char *runpath,
			   const char *origin, char *out, size_t n)
{
	size_t i;

	if (strchr(name, '/')) {
		snprintf(out, n, "%s", name);
		return access(out, R_OK) == 0;
	}
	if (b->library_path[0] && find_in(b->library_path, origin, name, out, n))
		return true;
	if (runpath[0] && find_in(runpath, origin, name, out, n))
		return true;
	for (i = 0; i < sizeof(system_dirs) / sizeof(system_dirs[0]); i++)
		if (find_in(system_dirs[i], origin, name, out, n))
			return true;
	return false;
}

/* Adds the libraries file needs. */
static void add_needed(struct samba_build *b, const char *file, struct elf_dyn_info *dyn)
{
	char path[PATH_MAX + 256], origin[PATH_MAX];
	size_t i;

	if (elf_dynamic(file, dyn))
		return;
	snprintf(origin, sizeof(origin), "%s", file);
	if (strrchr(origin, '/'))
		*strrchr(origin, '/') = 0;
	for (i = 0; i < dyn->n_needed; i++)
		if (resolve_needed(b, dyn->needed[i], dyn->runpath, origin, path, sizeof(path)))
			add_lib(b, path);
}

/* smbd's DT_NEEDED closure, breadth first, as the loader orders it. */
static void needed_closure(struct samba_build *b)
{
	struct elf_dyn_info *dyn = malloc(sizeof(*dyn));
	size_t i;

	if (!dyn)
		return;
	add_needed(b, b->smbd, dyn);
	for (i = 0; i < b->nlibs; i++)
		add_needed(b, b->libs[i].path, dyn);
	free(dyn);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* --samba-libdir DIR: every shared library in DIR, by name. */
static int libdir_libs(struct samba_build *b, const char *dir, char *err, size_t errn)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char *names[MAX_LIBS], path[PATH_MAX + 256];
	size_t n = 0, i;

	if (!d) {
		snprintf(err, errn, "cannot read --samba-libdir %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) && n < MAX_LIBS)
		if (strstr(de->d_name, ".so") && (names[n] = strdup(de->d_name)))
			n++;
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		add_lib(b, path);
		free(names[i]);
	}
	return 0;
}

/* The LD_LIBRARY_PATH in a process's environment (env[0..k), NUL-separated), "" for none;
 * -1 when the environment holds no NAME=value at all: Samba's helpers that retitle
 * themselves ("smbd: notifyd") overwrite theirs, so it says nothing. */
static int env_library_path(const char *env, size_t k, char *out, size_t n)
{
	bool any = false;

	out[0] = 0;
	for (size_t off = 0; off < k; off += strlen(env + off) + 1) {
		any |= strchr(env + off, '=') != NULL;
		if (!strncmp(env + off, "LD_LIBRARY_PATH=", 16))
			snprintf(out, n, "%s", env + off + 16);
	}
	return any ? 0 : -1;
}

/* Whether pid's parent runs exe too: then it has its parent's environment, or a retitled
 * copy of it. */
static bool parent_runs(const char *pid, const char *exe)
{
	char path[300], buf[512], got[PATH_MAX];
	const char *rp;
	ssize_t len;
	FILE *f;
	int ppid = 0;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f) && (rp = strrchr(buf, ')')))
		sscanf(rp + 1, " %*c %d", &ppid);
	fclose(f);
	if (ppid <= 1)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/exe", ppid);
	len = readlink(path, got, sizeof(got) - 1);
	if (len <= 0)
		return false;
	got[len] = 0;
	return !strcmp(got, exe);
}

/* Into b->library_path, the LD_LIBRARY_PATH of the first running main process of b->smbd; 0
 * when found (pid set). A later one with another LD_LIBRARY_PATH goes in b's other_pid and
 * other_library_path. */
static int running_library_path(struct samba_build *b, pid_t *pid)
{
	char *out = b->library_path;
	const size_t n = sizeof(b->library_path);
	const char *exe = b->smbd;
	DIR *d = opendir("/proc");
	struct dirent *de;
	char want[PATH_MAX], link[300], got[PATH_MAX], lp[1024];
	int ret = -1;

	out[0] = 0;
	if (!d || !realpath(exe, want)) {
		if (d)
			closedir(d);
		return -1;
	}
	while (!b->other_pid && (de = readdir(d))) {
		char env[65536];
		ssize_t len;
		FILE *f;
		size_t k;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(link, sizeof(link), "/proc/%s/exe", de->d_name);
		len = readlink(link, got, sizeof(got) - 1);
		if (len <= 0)
			continue;
		got[len] = 0;
		if (strcmp(got, want))
			continue;
		snprintf(link, sizeof(link), "/proc/%s/environ", de->d_name);
		f = fopen(link, "r");
		if (!f)
			continue;
		k = fread(env, 1, sizeof(env) - 1, f);
		fclose(f);
		env[k] = 0;
		if (env_library_path(env, k, lp, sizeof(lp)) || parent_runs(de->d_name, want))
			continue; /* an environment that says nothing, or its parent's */
		if (ret) { /* the first: the one traced */
			*pid = (pid_t)atoi(de->d_name);
			snprintf(out, n, "%s", lp);
			ret = 0;
		} else if (strcmp(lp, out)) {
			b->other_pid = atoi(de->d_name);
			snprintf(b->other_library_path, sizeof(b->other_library_path), "%s",
				 lp[0] ? lp : "(none)");
		}
	}
	closedir(d);
	return ret;
}

static int find_smbd(struct samba_build *b, const struct samba_where *w, char *err, size_t errn)
{
	size_t i;

	if (w->smbd) {
		if (access(w->smbd, X_OK)) {
			snprintf(err, errn, "--smbd %s: %s", w->smbd, strerror(errno));
			return -1;
		}
		snprintf(b->smbd, sizeof(b->smbd), "%s", w->smbd);
		return 0;
	}
	for (i = 0; i < sizeof(default_smbd) / sizeof(default_smbd[0]); i++) {
		if (access(default_smbd[i], X_OK) == 0) {
			snprintf(b->smbd, sizeof(b->smbd), "%s", default_smbd[i]);
			return 0;
		}
	}
	snprintf(err, errn, "Samba is not installed: no smbd in /usr/sbin, /usr/local/sbin or "
			    "/usr/local/samba/sbin (apt-get install samba, or give --smbd PATH or "
			    "--samba-libdir DIR)");
	return -1;
}

/* Which library exports each attach point; the first in load order wins, as in the loader. */
static void find_targets(struct samba_build *b)
{
	size_t i;
	int t;

	for (t = 0; t < SAMBA_NTARGETS; t++)
		b->target_lib[t] = -1;
	for (i = 0; i < b->nlibs; i++) {
		for (t = 0; t < SAMBA_NTARGETS; t++) {
			struct elf_sym_info si;
			char e[256];

			if (b->target_lib[t] >= 0 ||
			    elf_lookup_symbol(b->libs[i].path, samba_targets[t].symbol, &si, e,
					      sizeof(e)))
				continue;
			b->target_lib[t] = (int)i;
			if (t == 0)
				snprintf(b->symver, sizeof(b->symver), "%s", si.version);
		}
	}
}

const char *samba_build_target_path(const struct samba_build *b, int i)
{
	return b->target_lib[i] >= 0 ? b->libs[b->target_lib[i]].path : NULL;
}

/* Every attach point found, all of one build. */
static int check_targets(struct samba_build *b, const char *where, char *err, size_t errn)
{
	int t;

	for (t = 0; t < SAMBA_NTARGETS; t++) {
		struct elf_sym_info si;
		char e[256];

		if (b->target_lib[t] < 0) {
			snprintf(err, errn, "symbol %s not exported by any of the %zu libraries of %s "
				 "(not a Samba build smbwatch can trace)", samba_targets[t].symbol,
				 b->nlibs, where);
			return -1;
		}
		if (t && !elf_lookup_symbol(samba_build_target_path(b, t), samba_targets[t].symbol,
					    &si, e, sizeof(e)) && strcmp(si.version, b->symver)) {
			snprintf(err, errn, "%s is version %s but %s is %s: a mixed Samba installation",
				 samba_build_target_path(b, t), si.version,
				 samba_build_target_path(b, 0), b->symver);
			return -1;
		}
	}
	return 0;
}

int samba_build_discover(struct samba_build *b, const struct samba_where *w, char *err,
			 size_t errn)
{
	const char *where;
	pid_t pid = 0;

	memset(b, 0, sizeof(*b));
	if (w->libdir) {
		if (libdir_libs(b, w->libdir, err, errn))
			return -1;
		where = w->libdir;
	} else {
		if (find_smbd(b, w, err, errn))
			return -1;
		if (w->library_path) {
			snprintf(b->library_path, sizeof(b->library_path), "%s", w->library_path);
			snprintf(b->library_path_from, sizeof(b->library_path_from),
				 "--smbd-library-path");
		} else if (!running_library_path(b, &pid) && b->library_path[0]) {
			snprintf(b->library_path_from, sizeof(b->library_path_from),
				 "smbd pid %d", (int)pid);
		}
		needed_closure(b);
		where = b->smbd;
	}
	find_targets(b);
	if (check_targets(b, where, err, errn))
		return -1;
	snprintf(b->libdir, sizeof(b->libdir), "%s", samba_build_target_path(b, 0));
	*strrchr(b->libdir, '/') = 0;
	samba_version_from_symver(b->symver, b->version, sizeof(b->version));
	elf_build_id(samba_build_target_path(b, 0), b->build_id, sizeof(b->build_id));
	return 0;
}

/* The libraries whose debug info holds the structs: the attach libraries, then those that
 * export an anchor symbol (samba_layout_anchors). Only these are looked up, so that a
 * debuginfod server is asked about three files, not about every library smbd maps. */
/* Whether libs[i] exports one of the first `targets` attach points. */
static bool exports_target(const struct samba_build *b, int i, int targets)
{
	int t;

	for (t = 0; t < targets; t++)
		if (b->target_lib[t] == i)
			return true;
	return false;
}

static const char **dwarf_libs(const struct samba_build *b, size_t *n)
{
	const char **v = calloc(b->nlibs + SAMBA_NTARGETS, sizeof(*v));
	size_t i, k;
	int t;

	*n = 0;
	if (!v)
		return NULL;
	for (t = 0; t < SAMBA_NTARGETS; t++) /* each once: three targets share libsmbd-base */
		if (b->target_lib[t] >= 0 && !exports_target(b, b->target_lib[t], t))
			v[(*n)++] = b->libs[b->target_lib[t]].path;
	for (i = 0; i < b->nlibs; i++) {
		bool take = false;

		if (exports_target(b, (int)i, SAMBA_NTARGETS))
			continue; /* an attach library: listed already */
		for (k = 0; samba_layout_anchors[k] && !take; k++) {
			struct elf_sym_info si;
			char e[256];

			take = !elf_lookup_symbol(b->libs[i].path, samba_layout_anchors[k], &si, e,
						  sizeof(e));
		}
		if (take)
			v[(*n)++] = b->libs[i].path;
	}
	return v;
}

int samba_build_layout(struct samba_build *b, char *err, size_t errn)
{
	struct samba_layout *l = &b->layout;
	char derr[512] = "", series[256];
	const char **libs;
	const char *ovr = getenv("SMBWATCH_LAYOUT_OVERRIDE");
	size_t n;
	int r = 1;

	memset(l, 0, sizeof(*l));
	libs = dwarf_libs(b, &n);
	if (libs)
		r = dwarf_layout_read((const char *const *)libs, n, &l->off.auth, &l->off.smb2, l->origin,
				      sizeof(l->origin), derr, sizeof(derr));
	free(libs);
	if (r == 0) {
		l->source = LAYOUT_DWARF;
		snprintf(l->series, sizeof(l->series), "%.15s", b->version);
	} else if (samba_layout_from_table(b->version, l)) {
		samba_layout_table_series(series, sizeof(series));
		snprintf(err, errn,
			 "unknown Samba build %s (symbol version '%s', build-id %s): the layout table "
			 "has series %s, and %s. To trace it, install its debug symbols "
			 "(/usr/lib/debug/.build-id/, or set DEBUGINFOD_URLS), or generate its row "
			 "with tools/samba-layouts",
			 b->version[0] ? b->version : "?", b->symver,
			 b->build_id[0] ? b->build_id : "none", series,
			 r < 0 ? derr : "it has no debug info");
		return -1;
	}
	if (ovr && *ovr && samba_layout_override(l, ovr, derr, sizeof(derr))) {
		snprintf(err, errn, "SMBWATCH_LAYOUT_OVERRIDE: %s", derr);
		return -1;
	}
	return 0;
}

void samba_build_free(struct samba_build *b)
{
	free(b->libs);
	b->libs = NULL;
	b->nlibs = 0;
}
