# SPDX-License-Identifier: GPL-2.0
# What tools/bench, tools/bench-concurrent and tools/bench-bpf-parts share (sourced, not run).

# median: the median of the numbers on standard input, one a line (of an even count, the mean of
# the middle two)
median() {
	sort -g | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2];
		else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}

# ticks PID: the CPU ticks of PID's reaped children (a lab's parent smbd collects those of its
# connection processes, which exit when their client disconnects)
ticks() { awk '{print $16 + $17}' "/proc/$1/stat"; }

# start_tracer OUT ERR MARKER CMD...: starts CMD in the background, its standard output to OUT
# and its errors to ERR, sets tracer_pid, and waits up to 10 s for a line of OUT to match
# MARKER (grep's basic regex: smbwatch's '"started"', build/uprobe-cost's 'attached'). Exits
# the script, naming CMD and quoting ERR, when it never does.
start_tracer() {
	local out=$1 err=$2 marker=$3 _
	shift 3
	"$@" >"$out" 2>"$err" &
	tracer_pid=$!
	for _ in $(seq 1 200); do
		grep -q "$marker" "$out" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "$(basename "$0"): $* did not start: $(cat "$err")" >&2
	exit 1
}

# stop_tracer: stops the tracer start_tracer started (SIGTERM: smbwatch and build/uprobe-cost
# still write their last records; a background job of a script ignores SIGINT)
stop_tracer() {
	[ -n "${tracer_pid:-}" ] || return 0
	kill -TERM "$tracer_pid" 2>/dev/null || true
	wait "$tracer_pid" 2>/dev/null || true
	tracer_pid=""
}
