// SPDX-License-Identifier: GPL-2.0
/* tools/uprobe-cost's probe: does nothing but count its runs, so that what a hit costs the
 * probed process is the uprobe trap itself (and the smallest program). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

SEC("uprobe")
int BPF_KPROBE(uc_hit)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&hits, &zero);

	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}
