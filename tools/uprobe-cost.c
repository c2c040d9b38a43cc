// SPDX-License-Identifier: GPL-2.0
/* uprobe-cost: what one uprobe hit costs a process on this machine. Calls a function of its
 * own N times untraced, then N times with a uprobe on it whose BPF program only counts, then
 * untraced again, and prints the difference per call. The function starts as smbd's probed
 * functions do on x86-64 (`push %r15`, an instruction the kernel emulates rather than steps
 * out of line), so the figure is the trap smbwatch's probes pay, without their programs' own
 * work. tools/bench prints it beside the pipelined storm's ratio.
 *
 *   uprobe-cost [-n CALLS] [-r ROUNDS] [--nop5]
 *
 * Prints one line: "uprobe-cost: hit_us=H untraced_ns=U traced_ns=T calls=N rounds=R
 * target=push" (the medians of the rounds, per call). Exits 1 when the probe did not count
 * every call. With --nop5 the function starts with a 5-byte nop instead (target=nop5): a
 * uprobe there is one that the kernel here (6.18: arch_uprobe_optimize, sys_uprobe) turns into
 * a call to a trampoline and a system call, with no trap, after its first hit (what a USDT
 * probe site gets; smbd's functions do not start so, and no uprobe of smbwatch's lies on one).
 *
 *   uprobe-cost --attach LIBRARY:SYMBOL
 *
 * puts the same counting probe on SYMBOL in LIBRARY for every process instead, until SIGINT
 * or SIGTERM, then prints "uprobe-cost: hits=N": a traced/untraced run with it is what the
 * trap alone costs there (smbd's, beside what smbwatch's programs add). */
#include <argp.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "uprobe_cost.skel.h"

#if defined(__x86_64__)
/* The probed function: push and pop a callee-saved register, as a function prologue does. */
__asm__(".text\n"
	".globl uc_target\n"
	".type uc_target, @function\n"
	"uc_target:\n"
	"	push %r15\n"
	"	pop %r15\n"
	"	ret\n"
	".size uc_target, .-uc_target\n"
	/* the same after a 5-byte nop (nopl 0x0(%rax,%rax,1)), where the probe goes (--nop5) */
	".globl uc_target_nop5\n"
	".type uc_target_nop5, @function\n"
	"uc_target_nop5:\n"
	"	.byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n"
	"	push %r15\n"
	"	pop %r15\n"
	"	ret\n"
	".size uc_target_nop5, .-uc_target_nop5\n");
void uc_target(void);
void uc_target_nop5(void);
#define HAVE_NOP5 1
#else
__attribute__((noinline)) void uc_target(void)
{
	__asm__ volatile("" ::: "memory");
}
#define HAVE_NOP5 0
#endif

static struct {
	unsigned long calls;
	int rounds;
	bool verbose;
	bool nop5; /* time uc_target_nop5 instead */
	char *attach; /* LIBRARY:SYMBOL */
} opt = { .calls = 200000, .rounds = 5 };

static const struct argp_option options[] = {
	{ "calls", 'n', "N", 0, "calls per measurement (default 200000)", 0 },
	{ "rounds", 'r', "R", 0, "untraced/traced rounds, medians reported (default 5)", 0 },
	{ "attach", 'a', "LIBRARY:SYMBOL", 0,
	  "count hits of SYMBOL in LIBRARY in every process until SIGINT or SIGTERM", 0 },
	{ "nop5", '5', NULL, 0, "the probed function starts with a 5-byte nop (x86-64)", 0 },
	{ "verbose", 'v', NULL, 0, "libbpf's messages", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;
	unsigned long v;

	switch (key) {
	case 'n':
	case 'r':
		errno = 0;
		v = strtoul(arg, &end, 10);
		if (errno || end == arg || *end || !v || v > 100000000UL ||
		    (key == 'r' && v > 99))
			argp_error(state, "invalid number '%s'", arg);
		if (key == 'n')
			opt.calls = v;
		else
			opt.rounds = (int)v;
		return 0;
	case 'v':
		opt.verbose = true;
		return 0;
	case '5':
		if (!HAVE_NOP5)
			argp_error(state, "--nop5 is for x86-64");
		opt.nop5 = true;
		return 0;
	case 'a': /* split at the last ':', as count_hits does */
		if (!strrchr(arg, ':') || strrchr(arg, ':') == arg || !strrchr(arg, ':')[1])
			argp_error(state, "--attach takes LIBRARY:SYMBOL, not '%s'", arg);
		opt.attach = arg;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && !opt.verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ns per call of n calls of target */
static double time_calls(void (*target)(void), unsigned long n)
{
	void (*volatile f)(void) = target; /* called, never inlined or hoisted */
	double t0 = now_ns();

	for (unsigned long i = 0; i < n; i++)
		f();
	return (now_ns() - t0) / (double)n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The probe's count over every CPU. */
static int hits_counted(struct uprobe_cost_bpf *skel, uint64_t *total)
{
	int ncpu = libbpf_num_possible_cpus(), err;
	uint64_t *v;
	uint32_t zero = 0;

	if (ncpu <= 0)
		return -1;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return -1;
	err = bpf_map__lookup_elem(skel->maps.hits, &zero, sizeof(zero), v,
				   sizeof(*v) * (size_t)ncpu, 0);
	*total = 0;
	for (int i = 0; !err && i < ncpu; i++)
		*total += v[i];
	free(v);
	return err;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* --attach: the counting probe on another program's function, every process, until a signal. */
static int count_hits(struct uprobe_cost_bpf *skel)
{
	char *sym = strrchr(opt.attach, ':');
	LIBBPF_OPTS(bpf_uprobe_opts, uo, .func_name = sym + 1);
	struct sigaction sa = { .sa_handler = on_signal };
	struct bpf_link *link;
	uint64_t counted = 0;

	*sym = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	link = bpf_program__attach_uprobe_opts(skel->progs.uc_hit, -1, opt.attach, 0, &uo);
	if (!link) {
		fprintf(stderr, "uprobe-cost: cannot attach a uprobe to %s in %s: %s\n", sym + 1,
			opt.attach, strerror(errno));
		return 1;
	}
	printf("uprobe-cost: attached\n");
	fflush(stdout);
	while (!stop)
		pause();
	bpf_link__destroy(link);
	if (hits_counted(skel, &counted)) {
		fprintf(stderr, "uprobe-cost: cannot read the count\n");
		return 1;
	}
	printf("uprobe-cost: hits=%llu\n", (unsigned long long)counted);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_arg, NULL,
					  "What one uprobe hit costs a process here.", NULL,
					  NULL, NULL };
	LIBBPF_OPTS(bpf_uprobe_opts, uo);
	void (*target)(void) = uc_target;
	struct uprobe_cost_bpf *skel = NULL;
	struct bpf_link *link = NULL;
	double *untraced = NULL, *traced = NULL, u, t;
	uint64_t counted = 0;
	int err = 1, i;

	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return 1;
	libbpf_set_print(libbpf_print);
	uo.func_name = "uc_target";
#if HAVE_NOP5
	if (opt.nop5) {
		target = uc_target_nop5;
		uo.func_name = "uc_target_nop5";
	}
#endif
	untraced = calloc((size_t)opt.rounds, sizeof(*untraced));
	traced = calloc((size_t)opt.rounds, sizeof(*traced));
	if (!untraced || !traced) {
		fprintf(stderr, "uprobe-cost: out of memory\n");
		goto cleanup;
	}

	/* open and load the counting program */
	skel = uprobe_cost_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "uprobe-cost: cannot load the BPF program: %s\n", strerror(errno));
		goto cleanup;
	}
	if (opt.attach) {
		err = count_hits(skel);
		goto cleanup;
	}
	time_calls(target, opt.calls / 10 + 1); /* warm up */

	for (i = 0; i < opt.rounds; i++) {
		untraced[i] = time_calls(target, opt.calls);
		/* attach to this process's own target, time, detach */
		link = bpf_program__attach_uprobe_opts(skel->progs.uc_hit, getpid(),
						       "/proc/self/exe", 0, &uo);
		if (!link) {
			fprintf(stderr, "uprobe-cost: cannot attach a uprobe to %s: %s\n",
				uo.func_name, strerror(errno));
			goto cleanup;
		}
		traced[i] = time_calls(target, opt.calls);
		bpf_link__destroy(link);
		link = NULL;
	}

	/* every traced call, and only those, must have been counted */
	if (hits_counted(skel, &counted) || counted != opt.calls * (uint64_t)opt.rounds) {
		fprintf(stderr, "uprobe-cost: the probe counted %llu hits of %llu calls\n",
			(unsigned long long)counted,
			(unsigned long long)(opt.calls * (uint64_t)opt.rounds));
		goto cleanup;
	}
	u = median(untraced, opt.rounds);
	t = median(traced, opt.rounds);
	printf("uprobe-cost: hit_us=%.2f untraced_ns=%.1f traced_ns=%.1f calls=%lu rounds=%d "
	       "target=%s\n",
	       (t - u) / 1000, u, t, opt.calls, opt.rounds, opt.nop5 ? "nop5" : "push");
	err = 0;

cleanup:
	bpf_link__destroy(link);
	uprobe_cost_bpf__destroy(skel);
	free(traced);
	free(untraced);
	return err;
}
