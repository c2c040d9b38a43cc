// SPDX-License-Identifier: GPL-2.0
/* smbwatch: BPF side. One uprobe on smbd's logon path sends one event per logon attempt. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "smbwatch.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by userspace before load. */
const volatile struct smbw_auth_layout auth_layout = {};
const volatile __u16 filter_local_port = 0; /* 0: every port */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SMBW_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &which);

	if (v)
		*v += 1;
}

/* Only smbd's processes: winbindd and the AD DC map the same libraries. */
static __always_inline bool is_smbd(void)
{
	char comm[16];

	bpf_get_current_comm(comm, sizeof(comm));
	return comm[0] == 's' && comm[1] == 'm' && comm[2] == 'b' && comm[3] == 'd' && comm[4] == 0;
}

static __always_inline void *read_ptr(const void *base, __u32 off)
{
	void *p = NULL;

	if (!base || bpf_probe_read_user(&p, sizeof(p), base + off))
		return NULL;
	return p;
}

/* Copies a user string; flags it truncated when it did not fit. */
static __always_inline void read_str(char *dst, __u32 size, const char *src, __u32 *flags,
				     __u32 trunc_flag)
{
	long n;
	char next = 0;

	dst[0] = 0;
	if (!src)
		return;
	n = bpf_probe_read_user_str(dst, size, src);
	if (n < 0) {
		count(SMBW_CNT_READ_ERR);
		dst[0] = 0;
		return;
	}
	if (n == size && !bpf_probe_read_user(&next, 1, src + size - 1) && next)
		*flags |= trunc_flag;
}

/* tsocket_address -> samba_sockaddr (lib/tsocket/tsocket_bsd.c, Samba 4.17) */
static __always_inline int read_tsocket_addr(struct smbw_addr *out, const void *tsa)
{
	const void *sa = read_ptr(tsa, auth_layout.tsa_private);
	__u16 family = 0, port = 0;

	if (!sa || bpf_probe_read_user(&family, sizeof(family), sa + auth_layout.sa_family))
		return -1;
	bpf_probe_read_user(&port, sizeof(port), sa + auth_layout.sa_port);
	out->family = family;
	out->port = bpf_ntohs(port);
	if (family == 2)
		bpf_probe_read_user(out->addr, 4, sa + auth_layout.sa_in4);
	else if (family == 10)
		bpf_probe_read_user(out->addr, 16, sa + auth_layout.sa_in6);
	else
		return -1;
	return 0;
}

/* void log_authentication_event(msg_ctx, lp_ctx, start_time,
 *	const struct auth_usersupplied_info *ui, NTSTATUS status, ...)  (auth/auth_log.c) */
SEC("uprobe")
int BPF_KPROBE(log_authentication_event, void *msg_ctx, void *lp_ctx, void *start_time,
	       const void *ui, __u32 status)
{
	struct smbw_auth_event *e;
	struct smbw_addr local = {};

	count(SMBW_CNT_HIT_AUTH);
	if (!ui || !is_smbd())
		return 0;

	if (filter_local_port) {
		if (read_tsocket_addr(&local, read_ptr(ui, auth_layout.ui_local_host)) ||
		    local.port != filter_local_port)
			return 0;
	}

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(SMBW_CNT_DROPPED);
		return 0;
	}
	e->type = SMBW_EV_AUTH;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->status = status;
	e->ts_ns = bpf_ktime_get_ns();
	e->flags = 0;
	e->pad = 0;
	__builtin_memset(&e->remote, 0, sizeof(e->remote));
	__builtin_memset(&e->local, 0, sizeof(e->local));
	if (read_tsocket_addr(&e->remote, read_ptr(ui, auth_layout.ui_remote_host)))
		e->flags |= SMBW_F_NO_REMOTE;
	read_tsocket_addr(&e->local, read_ptr(ui, auth_layout.ui_local_host));
	read_str(e->account, sizeof(e->account), read_ptr(ui, auth_layout.ui_client_account),
		 &e->flags, SMBW_F_TRUNC_ACCOUNT);
	read_str(e->domain, sizeof(e->domain), read_ptr(ui, auth_layout.ui_client_domain),
		 &e->flags, SMBW_F_TRUNC_DOMAIN);
	read_str(e->workstation, sizeof(e->workstation),
		 read_ptr(ui, auth_layout.ui_workstation), &e->flags, SMBW_F_TRUNC_WORKSTATION);
	read_str(e->service, sizeof(e->service), read_ptr(ui, auth_layout.ui_service), &e->flags,
		 0);
	bpf_ringbuf_submit(e, 0);
	count(SMBW_CNT_EVENTS);
	return 0;
}
