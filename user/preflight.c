// SPDX-License-Identifier: GPL-2.0
/* What tracing needs, checked one by one. */
#include <bpf/libbpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "elf_info.h"
#include "preflight.h"

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
	if (bpf && perf)
		return add(p, "privileges", true, "CAP_BPF and CAP_PERFMON")->ok;
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

static bool check_samba(struct preflight *p, const char *libdir)
{
	char err[512], first_version[96] = "";
	bool ok = true;
	size_t i;

	if (libdir) {
		snprintf(p->libdir, sizeof(p->libdir), "%s", libdir);
	} else if (samba_find_libdir(p->libdir, sizeof(p->libdir), err, sizeof(err))) {
		add(p, "samba libraries", false, "%s", err);
		return false;
	}
	for (i = 0; i < samba_targets_count && i < PREFLIGHT_MAX; i++) {
		snprintf(p->libpath[i], sizeof(p->libpath[i]), "%s/%s", p->libdir,
			 samba_targets[i].lib);
		if (access(p->libpath[i], R_OK)) {
			add(p, "samba libraries", false, "%s not found (is Samba installed? is %s "
				"Samba's library directory?)", p->libpath[i], p->libdir);
			return false;
		}
	}
	add(p, "samba libraries", true, "%s", p->libdir);

	for (i = 0; i < samba_targets_count; i++) {
		struct elf_sym_info si;
		char name[64];

		snprintf(name, sizeof(name), "symbol %s", samba_targets[i].symbol);
		if (elf_lookup_symbol(p->libpath[i], samba_targets[i].symbol, &si, err,
				      sizeof(err))) {
			add(p, name, false, "%s", err);
			ok = false;
			continue;
		}
		add(p, name, true, "%s, version %s", samba_targets[i].lib,
		    si.version[0] ? si.version : "(none)");
		if (i > 0) {
			if (strcmp(si.version, first_version)) {
				add(p, "samba layout", false, "%s is %s but %s is %s: a mixed Samba "
				    "installation", samba_targets[i].lib, si.version,
				    samba_targets[0].lib, first_version);
				ok = false;
			}
			continue;
		}
		snprintf(first_version, sizeof(first_version), "%s", si.version);
		/* The first target's symbol version names the Samba build. */
		elf_build_id(p->libpath[0], p->build_id, sizeof(p->build_id));
		samba_version_from_symver(si.version, p->samba_version, sizeof(p->samba_version));
		p->layout = samba_layout_lookup(si.version);
		if (!p->layout) {
			add(p, "samba layout", false,
			    "unknown Samba build (symbol version '%s', build-id %s): smbwatch knows "
			    "Samba 4.17 on x86_64 and will not guess struct offsets",
			    si.version, p->build_id[0] ? p->build_id : "none");
			ok = false;
		} else {
			add(p, "samba layout", true, "Samba %s (build-id %s): known layout%s",
			    p->samba_version[0] ? p->samba_version : "?", p->build_id,
			    p->layout->tested ? ", tested" : ", from Samba's sources (untested here)");
		}
	}
	return ok;
}

int preflight_run(struct preflight *p, const char *libdir)
{
	bool priv;
	int i, failed = 0;

	memset(p, 0, sizeof(*p));
	priv = check_privileges(p);
	check_file(p, "kernel BTF", "/sys/kernel/btf/vmlinux",
		   "the kernel was built without CONFIG_DEBUG_INFO_BTF");
	check_file(p, "uprobes", "/sys/bus/event_source/devices/uprobe/type",
		   "the kernel was built without CONFIG_UPROBE_EVENTS");
	check_ringbuf(p, priv);
	check_samba(p, libdir);
	for (i = 0; i < p->n; i++)
		failed += !p->checks[i].ok;
	return failed;
}

const struct check *preflight_first_failure(const struct preflight *p)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (!p->checks[i].ok)
			return &p->checks[i];
	return NULL;
}
