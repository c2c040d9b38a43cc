// SPDX-License-Identifier: GPL-2.0
/* What tracing needs, checked one by one. */
#include <bpf/libbpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli/preflight.h"
#include "probes/probes.h"

#define CAP_PERFMON_BIT 38
#define CAP_BPF_BIT 39
#define CAP_SYS_ADMIN_BIT 21

static struct check *add(struct preflight *p, const char *name, bool ok, const char *fmt, ...)
{
	struct check *c = &p->checks[p->n < PREFLIGHT_MAX ? p->n++ : PREFLIGHT_MAX - 1];
	va_list ap;

	snprintf(c->name, sizeof(c->name), "%s", name);
	c->ok = ok;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	return c;
}

static unsigned long long effective_caps(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long long caps = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	fclose(f);
	return caps;
}

static bool check_privileges(struct preflight *p)
{
	unsigned long long caps = effective_caps();
	bool bpf = caps & (1ULL << CAP_BPF_BIT), perf = caps & (1ULL << CAP_PERFMON_BIT);
	bool admin = caps & (1ULL << CAP_SYS_ADMIN_BIT);

	if (geteuid() == 0 && (admin || (bpf && perf)))
		return add(p, "privileges", true, "root")->ok;
	if (admin)
		return add(p, "privileges", true, "CAP_SYS_ADMIN")->ok;
	if (bpf && perf)
		return add(p, "privileges", true, "CAP_BPF and CAP_PERFMON (some kernels also want "
			   "CAP_SYS_ADMIN to attach uprobes)")->ok;
	return add(p, "privileges", false,
		   "not permitted: run as root (or with CAP_BPF and CAP_PERFMON) to load BPF "
		   "programs")
		->ok;
}

static bool check_file(struct preflight *p, const char *name, const char *path, const char *bad)
{
	bool ok = access(path, R_OK) == 0;

	return add(p, name, ok, ok ? "%s" : "%s missing: %s", path, bad)->ok;
}

static bool check_ringbuf(struct preflight *p, bool privileged)
{
	int r;

	if (!privileged)
		return add(p, "ring buffer", false, "cannot probe without privileges")->ok;
	r = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL);
	return add(p, "ring buffer", r == 1,
		   r == 1 ? "BPF_MAP_TYPE_RINGBUF supported"
			  : "BPF ring buffers not supported by this kernel (needs 5.8 or later)")
		->ok;
}

static bool check_samba(struct preflight *p, const struct samba_where *w)
{
	struct samba_build *b = &p->build;
	char err[1024], how[1200] = "";
	int t;

	if (samba_build_discover(b, w, err, sizeof(err))) {
		add(p, "samba libraries", false, "%s", err);
		return false;
	}
	if (b->library_path[0])
		snprintf(how, sizeof(how), ", LD_LIBRARY_PATH %s (from %s)", b->library_path,
			 b->library_path_from);
	if (b->smbd[0])
		add(p, "samba libraries", true, "%zu libraries of %s%s", b->nlibs, b->smbd, how);
	else
		add(p, "samba libraries", true, "%zu libraries in %s", b->nlibs, w->libdir);
	for (t = 0; t < SAMBA_NTARGETS; t++) {
		char name[64];

		snprintf(name, sizeof(name), "symbol %s", samba_targets[t].symbol);
		add(p, name, true, "%s", samba_build_target_path(b, t));
	}
	if (samba_build_layout(b, err, sizeof(err))) {
		add(p, "samba layout", false, "%s", err);
		return false;
	}
	samba_layout_describe(&b->layout, how, sizeof(how));
	add(p, "samba layout", true, "Samba %s (build-id %s): %s",
	    b->version[0] ? b->version : "?", b->build_id[0] ? b->build_id : "none", how);
	return true;
}

int preflight_run(struct preflight *p, const struct samba_where *w)
{
	bool priv;
	int i, failed = 0;

	preflight_free(p);
	memset(p, 0, sizeof(*p));
	priv = check_privileges(p);
	check_file(p, "kernel BTF", "/sys/kernel/btf/vmlinux",
		   "the kernel was built without CONFIG_DEBUG_INFO_BTF");
	check_file(p, "uprobes", "/sys/bus/event_source/devices/uprobe/type",
		   "the kernel was built without CONFIG_UPROBE_EVENTS");
	check_ringbuf(p, priv);
	check_samba(p, w);
	for (i = 0; i < p->n; i++)
		failed += !p->checks[i].ok;
	return failed;
}

bool preflight_attach(struct preflight *p)
{
	struct probes pr = { 0 };
	struct probes_config cfg = { 0 };
	char err[512];
	bool ok;

	/* what tracing does first, done and undone: the programs loaded with the build's layout
	 * (the verifier), their uprobes attached (some kernels want CAP_SYS_ADMIN for that) */
	ok = !probes_start(&pr, &cfg, &p->build, err, sizeof(err));
	if (ok)
		add(p, "attach", true, "programs loaded and attached to %s, then detached",
		    p->build.smbd[0] ? p->build.smbd : "the libraries");
	else
		add(p, "attach", false, "%s", err);
	probes_stop(&pr);
	return ok;
}

const struct check *preflight_first_failure(const struct preflight *p)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (!p->checks[i].ok)
			return &p->checks[i];
	return NULL;
}

void preflight_free(struct preflight *p)
{
	samba_build_free(&p->build);
}

void preflight_where(const struct smbw_opts *o, struct samba_where *w)
{
	w->smbd = o->smbd;
	w->libdir = o->samba_libdir;
	w->library_path = o->smbd_library_path;
}
