// SPDX-License-Identifier: GPL-2.0
/* Load -> configure -> attach, once per Samba build; every set shares the first set's maps. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "probes.h"
#include "smbwatch.skel.h"

static bool wanted(const struct probes *p, int t)
{
	return samba_targets[t].use != TARGET_SUCCESS_OPENS || p->cfg.count_success ||
	       p->cfg.all_opens;
}

/* Is target t's file (dev, ino) already attached by a set? */
static bool target_attached(const struct probes *p, int t, dev_t dev, ino_t ino)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (p->sets[i]->links[t] && p->sets[i]->lib[t].dev == dev &&
		    p->sets[i]->lib[t].ino == ino)
			return true;
	return false;
}

static void set_free(struct probe_set *s)
{
	int t;

	if (!s)
		return;
	for (t = SAMBA_NTARGETS - 1; t >= 0; t--)
		bpf_link__destroy(s->links[t]);
	smbwatch_bpf__destroy(s->skel);
	free(s);
}

/* How often an identity is sent again: SMBW_IDENT_REFRESH_S, or for tests a shorter time in
 * seconds from SMBWATCH_IDENT_REFRESH_S (1 to SMBW_IDENT_REFRESH_S; anything else is said and
 * ignored). */
static unsigned long long ident_refresh_ns(void)
{
	const char *v = getenv("SMBWATCH_IDENT_REFRESH_S");
	char *end;
	unsigned long s;

	if (!v)
		return SMBW_IDENT_REFRESH_S * 1000000000ULL;
	errno = 0;
	s = strtoul(v, &end, 10);
	if (errno || end == v || *end || s < 1 || s > SMBW_IDENT_REFRESH_S) {
		fprintf(stderr, "smbwatch: SMBWATCH_IDENT_REFRESH_S=%s: not 1 to %d, ignored\n", v,
			SMBW_IDENT_REFRESH_S);
		return SMBW_IDENT_REFRESH_S * 1000000000ULL;
	}
	return s * 1000000000ULL;
}

/* tools/bench-bpf-parts and tools/bench only: SMBWATCH_BENCH_STOP=n (1 to 5, enum
 * smbw_bench_stop) stops the failed-request program after part n (5: once its event is filled,
 * discarded), so that no event is sent; anything else is said and ignored. */
static unsigned int bench_stop(void)
{
	const char *v = getenv("SMBWATCH_BENCH_STOP");

	if (!v)
		return 0;
	if (v[0] >= '1' && v[0] <= '0' + SMBW_STOP_DISCARD && !v[1]) {
		fprintf(stderr, "smbwatch: SMBWATCH_BENCH_STOP=%s: failed requests are not reported\n",
			v);
		return (unsigned int)(v[0] - '0');
	}
	fprintf(stderr, "smbwatch: SMBWATCH_BENCH_STOP=%s: not 1 to %d, ignored\n", v,
		SMBW_STOP_DISCARD);
	return 0;
}

/* Opens a skeleton and configures it with b's layout; the maps are the first set's, if any. */
static struct probe_set *set_open(const struct probes *p, const struct samba_build *b, char *err,
				  size_t errn)
{
	struct probe_set *s = calloc(1, sizeof(*s));
	struct smbwatch_bpf *skel;
	int e = 0;

	if (!s || !(s->skel = skel = smbwatch_bpf__open())) {
		snprintf(err, errn, "cannot open the BPF object: %s", strerror(errno));
		free(s);
		return NULL;
	}
	skel->rodata->auth_layout = b->layout.off.auth;
	skel->rodata->smb2_layout = b->layout.off.smb2;
	skel->rodata->filter_local_port = p->cfg.port;
	skel->rodata->count_success_opens = p->cfg.count_success;
	skel->rodata->emit_success_opens = p->cfg.all_opens;
	skel->rodata->ident_refresh_ns = ident_refresh_ns();
	/* tests only: the field-by-field reads a layout with far-apart fields would get */
	skel->rodata->request_in_one_read = !getenv("SMBWATCH_TEST_SEPARATE_READS");
	skel->rodata->bench_stop = bench_stop();
	if (p->n) {
		struct smbwatch_bpf *first = p->sets[0]->skel;

		e = bpf_map__set_max_entries(skel->maps.events,
					     bpf_map__max_entries(first->maps.events));
		e = e ?: bpf_map__reuse_fd(skel->maps.events, bpf_map__fd(first->maps.events));
		e = e ?: bpf_map__reuse_fd(skel->maps.counters, bpf_map__fd(first->maps.counters));
		e = e ?: bpf_map__reuse_fd(skel->maps.success_opens,
					   bpf_map__fd(first->maps.success_opens));
		/* identities kept per process, and their ids, whatever the layout */
		e = e ?: bpf_map__reuse_fd(skel->maps.proc_idents,
					   bpf_map__fd(first->maps.proc_idents));
		e = e ?: bpf_map__reuse_fd(skel->maps.ident_ids, bpf_map__fd(first->maps.ident_ids));
	} else if (p->cfg.ringbuf_kb) {
		e = bpf_map__set_max_entries(skel->maps.events, (__u32)(p->cfg.ringbuf_kb * 1024));
		if (e)
			snprintf(err, errn, "cannot size the ring buffer to %lu KiB",
				 p->cfg.ringbuf_kb);
	}
	/* wake the consumer early only when a quarter of the ring is in use */
	skel->rodata->wakeup_bytes = bpf_map__max_entries(skel->maps.events) / 4;
	if (e) {
		if (!err[0])
			snprintf(err, errn, "cannot share the BPF maps: %s", strerror(-e));
		set_free(s);
		return NULL;
	}
	snprintf(s->version, sizeof(s->version), "%s", b->version);
	snprintf(s->build_id, sizeof(s->build_id), "%s", b->build_id);
	samba_layout_describe(&b->layout, s->layout, sizeof(s->layout));
	return s;
}

/* Attaches every wanted target of b that no set covers yet; returns how many it attached. */
static int set_attach(const struct probes *p, struct probe_set *s, const struct samba_build *b,
		      char *err, size_t errn)
{
	LIBBPF_OPTS(bpf_uprobe_opts, uopts);
	int t, n = 0;

	for (t = 0; t < SAMBA_NTARGETS; t++) {
		const struct samba_lib *lib = &b->libs[b->target_lib[t]];
		struct bpf_program *prog;

		if (!wanted(p, t) || target_attached(p, t, lib->dev, lib->ino))
			continue;
		prog = bpf_object__find_program_by_name(s->skel->obj, samba_targets[t].prog);
		uopts.func_name = samba_targets[t].symbol;
		uopts.retprobe = samba_targets[t].retprobe;
		/* pid -1: every process that maps the file */
		s->links[t] = prog ? bpf_program__attach_uprobe_opts(prog, -1, lib->path, 0, &uopts)
				   : NULL;
		if (!s->links[t]) {
			int e = errno;

			snprintf(err, errn, "cannot attach to %s in %s: %s%s", samba_targets[t].symbol,
				 lib->path, strerror(e),
				 e == EACCES || e == EPERM ? " (this kernel may want CAP_SYS_ADMIN to "
							     "attach uprobes)" : "");
			return -1;
		}
		s->lib[t] = *lib;
		n++;
	}
	return n;
}

static int add_set(struct probes *p, const struct samba_build *b, char *err, size_t errn)
{
	struct probe_set *s;
	int e, n;

	err[0] = 0;
	if (p->n == PROBES_MAX_SETS && probes_prune(p) == 0) {
		snprintf(err, errn, "%d Samba builds attached at once: no room for another",
			 PROBES_MAX_SETS);
		return -1;
	}
	s = set_open(p, b, err, errn);
	if (!s)
		return -1;
	e = smbwatch_bpf__load(s->skel);
	if (e) {
		snprintf(err, errn, "the kernel refused the BPF programs: %s (run with -v for the "
			 "verifier log)", strerror(-e));
		set_free(s);
		return -1;
	}
	n = set_attach(p, s, b, err, errn);
	if (n <= 0) {
		set_free(s);
		return n;
	}
	p->sets[p->n++] = s;
	return 1;
}

int probes_start(struct probes *p, const struct probes_config *cfg, const struct samba_build *b,
		 char *err, size_t errn)
{
	memset(p, 0, sizeof(*p));
	p->cfg = *cfg;
	if (add_set(p, b, err, errn) != 1) {
		if (!err[0])
			snprintf(err, errn, "nothing to attach to");
		return -1;
	}
	return 0;
}

int probes_add_build(struct probes *p, const struct samba_build *b, char *err, size_t errn)
{
	return add_set(p, b, err, errn);
}

/* The inodes smbd processes map now ("dev:ino" pairs), read from /proc/PID/maps. */
static bool mapped_by_smbd(dev_t dev, ino_t ino)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	bool found = false;

	if (!d)
		return true; /* cannot tell: keep it */
	while (!found && (de = readdir(d))) {
		char path[300], line[512];
		FILE *f;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(line, sizeof(line), f) || strncmp(line, "smbd", 4)) {
			fclose(f);
			continue;
		}
		fclose(f);
		snprintf(path, sizeof(path), "/proc/%s/maps", de->d_name);
		f = fopen(path, "r");
		if (!f) {
			found = true; /* cannot tell (smbd changed user; no CAP_SYS_PTRACE): keep */
			break;
		}
		while (!found && fgets(line, sizeof(line), f)) {
			unsigned int maj, min;
			unsigned long inode;

			if (sscanf(line, "%*s %*s %*s %x:%x %lu", &maj, &min, &inode) == 3 &&
			    inode == ino && makedev(maj, min) == dev)
				found = true;
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

/* A link may go once its file was replaced on disk and no smbd maps the old one. */
static bool link_stale(const struct samba_lib *lib)
{
	struct stat st;

	if (!stat(lib->path, &st) && st.st_dev == lib->dev && st.st_ino == lib->ino)
		return false; /* still the installed file */
	return !mapped_by_smbd(lib->dev, lib->ino);
}

int probes_prune(struct probes *p)
{
	int i, t, gone = 0;

	for (i = 0; i < p->n - 1; i++) {
		struct probe_set *s = p->sets[i];
		int left = 0;

		for (t = 0; t < SAMBA_NTARGETS; t++) {
			if (s->links[t] && link_stale(&s->lib[t])) {
				bpf_link__destroy(s->links[t]);
				s->links[t] = NULL;
			}
			left += s->links[t] != NULL;
		}
		if (left || i == 0)
			continue; /* the first set owns the shared maps: it stays */
		set_free(s);
		memmove(&p->sets[i], &p->sets[i + 1], (size_t)(p->n - i - 1) * sizeof(p->sets[0]));
		p->n--;
		i--;
		gone++;
	}
	return gone;
}

int probes_ringbuf_fd(const struct probes *p)
{
	return bpf_map__fd(p->sets[0]->skel->maps.events);
}

size_t probes_ringbuf_size(const struct probes *p)
{
	return bpf_map__max_entries(p->sets[0]->skel->maps.events);
}

int probes_success_fd(const struct probes *p)
{
	return bpf_map__fd(p->sets[0]->skel->maps.success_opens);
}

void probes_counters(const struct probes *p, uint64_t *sum)
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(p->sets[0]->skel->maps.counters);
	__u64 vals[ncpu > 0 ? ncpu : 1];
	__u32 k;
	int i;

	memset(sum, 0, SMBW_CNT_MAX * sizeof(*sum));
	for (k = 0; k < SMBW_CNT_MAX && ncpu > 0; k++) {
		if (bpf_map_lookup_elem(fd, &k, vals))
			continue;
		for (i = 0; i < ncpu; i++)
			sum[k] += vals[i];
	}
}

void probes_stop(struct probes *p)
{
	while (p->n > 0)
		set_free(p->sets[--p->n]);
}
