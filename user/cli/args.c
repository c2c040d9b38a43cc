// SPDX-License-Identifier: GPL-2.0
/* argp options for smbwatch. */
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli/args.h"
#include "outputs/syslog_out.h"

const char *argp_program_version = "smbwatch 0.1.0";
const char *argp_program_bug_address = "the smbwatch issue tracker";

static const char doc[] =
	"smbwatch -- trace Samba logons, failed file lookups and share connects with eBPF,\n"
	"live, on the file server itself."
	"\v"
	"USAGE:\n"
	"  smbwatch [OPTIONS]          trace every logon attempt smbd sees\n"
	"  smbwatch doctor [OPTIONS]   check that tracing will work here\n"
	"  smbwatch layout [OPTIONS]   the Samba build, and the struct offsets in use\n"
	"  smbwatch top [OPTIONS]      the interactive view: who is failing what, live\n"
	"  smbwatch replay FILE...     findings from recorded smbwatch --json output or\n"
	"                              Samba auth_json_audit logs (- for stdin); no root\n"
	"\n"
	"One line per logon attempt (the account as the client sent it, its domain,\n"
	"workstation, client IP and port, the real NTSTATUS), per failed open or\n"
	"search (share, path as the client asked, status) and per share connect.\n"
	"Successful opens cost nothing unless --count-success or --all asks for them.\n"
	"With --json, one ECS JSON object per line. Needs root (or CAP_BPF,\n"
	"CAP_PERFMON and, on some kernels, CAP_SYS_ADMIN); no smb.conf change, no smbd\n"
	"restart.\n"
	"\n"
	"EXAMPLES:\n"
	"  smbwatch                  trace logons until Ctrl-C\n"
	"  smbwatch --json -d 60     one minute of JSON records\n"
	"  smbwatch --json | jq 'select(.event.outcome==\"failure\")'\n"
	"  smbwatch -p 445           only connections to the smbd on port 445\n"
	"  smbwatch --json | jq 'select(.event.dataset==\"smbwatch.file\")'\n"
	"  smbwatch --count-success -d 60   also count successful opens per client\n"
	"  smbwatch doctor           check privileges, BTF, uprobes, the Samba build\n"
	"  smbwatch --lockout-threshold 5 --watch-account 'CORP\\svc-*'\n"
	"  smbwatch replay --json /var/log/samba/auth.json smbwatch.json\n"
	"  smbwatch top --lockout-threshold 5       keys: q s < > / p Enter arrows h\n"
	"  smbwatch top --batch -n 3 -i 2          three refreshes as plain text\n"
	"\n"
	"FINDINGS: keyed by (account, client IP) over the sliding window. Lockout risk:\n"
	"failed logons >= --logon-threshold; failed lookups >= --lookup-threshold; PATH\n"
	"search: one file name sought in >= --path-threshold directories. A finding is\n"
	"reported when it opens, updated while the storm goes on, summed up at the end.\n"
	"The lockout countdown counts each WRONG_PASSWORD per account, as a domain\n"
	"controller counts badPwdCount, reset after --lockout-window or a good logon.\n"
	"\n"
	"With --json the first line is a status record (event.dataset\n"
	"smbwatch.status, event.action started) written once every probe is\n"
	"attached; the last (event.action stopped) carries the counters: events,\n"
	"dropped, probe hits.\n"
	"\n"
	"Exit status: 0 on a clean stop, 1 when tracing cannot start, 2 on a usage\n"
	"error.";

static const char args_doc[] = "\ndoctor\nlayout\nreplay FILE...\ntop";

enum {
	OPT_SAMBA_LIBDIR = 0x100,
	OPT_COUNT_SUCCESS,
	OPT_ALL,
	OPT_SERVER_NAME,
	OPT_WINDOW,
	OPT_LOGON_THRESHOLD,
	OPT_LOOKUP_THRESHOLD,
	OPT_PATH_THRESHOLD,
	OPT_LOCKOUT_THRESHOLD,
	OPT_LOCKOUT_WINDOW,
	OPT_UPDATE_INTERVAL,
	OPT_WATCH,
	OPT_ALL_ACCOUNTS,
	OPT_NO_FINDINGS,
	OPT_RINGBUF,
	OPT_NO_COLOR,
	OPT_STATS_INTERVAL,
	OPT_SYSLOG,
	OPT_SMBD,
	OPT_SMBD_LIBPATH,
	OPT_MAX_PAIRS,
	OPT_MAX_LINE,
	OPT_NO_THREADS,
};

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "One JSON object (ECS fields) per line", 0 },
	{ "duration", 'd', "SECONDS", 0, "Stop by itself after SECONDS (1-31536000)", 0 },
	{ "port", 'p', "PORT", 0, "Only connections to the smbd listening on TCP PORT", 0 },
	{ "smbd", OPT_SMBD, "PATH", 0,
	  "The smbd to trace (default /usr/sbin/smbd): its libraries are found as the loader "
	  "finds them, with the LD_LIBRARY_PATH of a running smbd of that file", 0 },
	{ "smbd-library-path", OPT_SMBD_LIBPATH, "DIRS", 0,
	  "The LD_LIBRARY_PATH smbd runs with, when it is not running yet", 0 },
	{ "samba-libdir", OPT_SAMBA_LIBDIR, "DIR", 0,
	  "Look for the attach points in the libraries of DIR instead of smbd's", 0 },
	{ "count-success", OPT_COUNT_SUCCESS, NULL, 0,
	  "Count successful opens per client, in the kernel (no event each). Costs one probe hit "
	  "on every successful SMB2 reply: about 5 us each on a VM, 0.3-1 us on bare metal", 0 },
	{ "all", OPT_ALL, NULL, 0,
	  "Report every open, successful ones too (same cost as --count-success, plus one event "
	  "per open)", 0 },
	{ "server-name", OPT_SERVER_NAME, "NAME", 0,
	  "Server name for UNC paths (\\\\NAME\\share\\...; default: this host's name)", 0 },
	{ "output", 'o', "FILE", 0,
	  "Append JSON records to FILE (created 0640; reopened on SIGHUP, for logrotate). "
	  "Without --json, standard output then stays quiet", 0 },
	{ "syslog", OPT_SYSLOG, "TARGET", OPTION_ARG_OPTIONAL,
	  "Send JSON records as RFC 5424 syslog messages: to /dev/log, a unix socket path, "
	  "udp://HOST:PORT or tcp://HOST:PORT (octet counting). Use --syslog=TARGET", 0 },
	{ "stats-interval", OPT_STATS_INTERVAL, "SECONDS", 0,
	  "A smbwatch.stats record (event.kind metric) this often in JSON outputs (60)", 0 },
	{ "ring-buffer-kb", OPT_RINGBUF, "KIB", 0,
	  "BPF ring buffer size, a power of two from 64 to 1048576 (8192); events that do not fit "
	  "are dropped and counted", 0 },
	{ "user", 'Z', "USER", 0,
	  "Once the probes are attached, read and decode events as USER with no capabilities; a "
	  "small privileged monitor keeps the probes attached and follows Samba upgrades", 0 },
	{ "verbose", 'v', NULL, 0, "Show libbpf's log messages", 0 },
	{ NULL, 0, NULL, 0, "smbwatch top:", 2 },
	{ "interval", 'i', "SECONDS", 0, "Refresh every SECONDS (1)", 2 },
	{ "batch", 'b', NULL, 0, "Plain-text refreshes on standard output, no curses", 2 },
	{ "iterations", 'n', "N", 0, "Stop after N refreshes", 2 },
	{ "no-color", OPT_NO_COLOR, NULL, 0, "No colors (NO_COLOR in the environment too)", 2 },
	{ NULL, 0, NULL, 0, "Detection (live and replay):", 1 },
	{ "watch-account", OPT_WATCH, "GLOB", 0,
	  "Watch this account too (repeatable; glob; case-insensitive; domain prefix ignored). "
	  "Default: SMSCliToknAcct&*", 1 },
	{ "all-accounts", OPT_ALL_ACCOUNTS, NULL, 0, "Watch every account", 1 },
	{ "window", OPT_WINDOW, "SECONDS", 0, "Sliding window for the counts (300)", 1 },
	{ "logon-threshold", OPT_LOGON_THRESHOLD, "N", 0,
	  "Failed logons of one account from one client in the window (3)", 1 },
	{ "lookup-threshold", OPT_LOOKUP_THRESHOLD, "N", 0,
	  "Failed lookups of one account from one client in the window (10)", 1 },
	{ "path-threshold", OPT_PATH_THRESHOLD, "N", 0,
	  "Directories or shares one file name is sought in: a PATH search (3)", 1 },
	{ "lockout-threshold", OPT_LOCKOUT_THRESHOLD, "N", 0,
	  "The domain's account lockout threshold, for the countdown (none)", 1 },
	{ "lockout-window", OPT_LOCKOUT_WINDOW, "SECONDS", 0,
	  "The domain's \"reset account lockout counter after\" (1800)", 1 },
	{ "update-interval", OPT_UPDATE_INTERVAL, "SECONDS", 0,
	  "An open finding whose counts grew is written again at most this often; a rule that "
	  "newly holds or a countdown that moves is written at once (10)", 1 },
	{ "no-findings", OPT_NO_FINDINGS, NULL, 0, "Live: events only, no detection", 1 },
	{ "max-line", OPT_MAX_LINE, "BYTES", 0,
	  "Replay: a longer line is skipped as malformed and counted (1048576)", 1 },
	{ "no-threads", OPT_NO_THREADS, NULL, 0,
	  "Replay: parse in one thread (by default worker threads parse each input when more "
	  "than one CPU is available)", 1 },
	{ "max-pairs", OPT_MAX_PAIRS, "N", 0,
	  "(account, client) pairs the detector keeps; beyond, the least recently active is "
	  "evicted and counted (1000000)", 1 },
	{},
};

int smbw_parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

struct parse_state {
	struct smbw_opts *o;
	bool quiet;
	const char *live_only; /* the first option given that only live tracing uses */
};

/* Options that only live tracing (and top) uses and that a replay would seem to obey (where its
 * records go, which connections, for how long, as whom): replay, which reads recorded logs and
 * writes its findings to standard output, refuses them rather than ignore them. Those that only
 * choose what to attach to (--smbd, --samba-libdir, --ring-buffer-kb) it leaves alone, so that
 * one option prefix serves both. */
static const char *live_only_option(int key)
{
	switch (key) {
	case 'd': return "--duration";
	case 'p': return "--port";
	case 'o': return "--output";
	case 'Z': return "--user";
	case OPT_COUNT_SUCCESS: return "--count-success";
	case OPT_ALL: return "--all";
	case OPT_SERVER_NAME: return "--server-name";
	case OPT_SYSLOG: return "--syslog";
	case OPT_STATS_INTERVAL: return "--stats-interval";
	case OPT_NO_FINDINGS: return "--no-findings";
	default: return NULL;
	}
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct parse_state *ps = state->input;
	struct smbw_opts *o = ps->o;
	unsigned long v;

	if (!ps->live_only)
		ps->live_only = live_only_option(key);
	switch (key) {
	case 'j':
		o->json = true;
		break;
	case 'v':
		o->verbose = true;
		break;
	case 'd':
		if (smbw_parse_ulong(arg, 1, 31536000, &v)) {
			argp_error(state, "invalid duration '%s': a whole number of seconds, 1 or more",
				   arg);
			return EINVAL;
		}
		o->duration_s = v;
		break;
	case 'p':
		if (smbw_parse_ulong(arg, 1, 65535, &v)) {
			argp_error(state, "invalid port '%s': a number from 1 to 65535", arg);
			return EINVAL;
		}
		o->port = (unsigned int)v;
		break;
	case OPT_COUNT_SUCCESS:
		o->count_success = true;
		break;
	case OPT_ALL:
		o->all_opens = true;
		break;
	case OPT_SERVER_NAME:
		if (!*arg || strpbrk(arg, "\\/")) {
			argp_error(state, "invalid server name '%s'", arg);
			return EINVAL;
		}
		o->server_name = arg;
		break;
	case OPT_WINDOW:
	case OPT_LOGON_THRESHOLD:
	case OPT_LOOKUP_THRESHOLD:
	case OPT_PATH_THRESHOLD:
	case OPT_LOCKOUT_THRESHOLD:
	case OPT_LOCKOUT_WINDOW:
	case OPT_UPDATE_INTERVAL: {
		static const struct {
			int key;
			const char *what;
			unsigned long max;
		} lim[] = {
			{ OPT_WINDOW, "window", 86400 },
			{ OPT_LOGON_THRESHOLD, "logon threshold", 1000000 },
			{ OPT_LOOKUP_THRESHOLD, "lookup threshold", 1000000 },
			{ OPT_PATH_THRESHOLD, "PATH threshold", 1000 },
			{ OPT_LOCKOUT_THRESHOLD, "lockout threshold", 999 },
			{ OPT_LOCKOUT_WINDOW, "lockout window", 6000000 },
			{ OPT_UPDATE_INTERVAL, "update interval", 86400 },
		};
		size_t i;

		for (i = 0; lim[i].key != key; i++)
			;
		if (smbw_parse_ulong(arg, 1, lim[i].max, &v)) {
			argp_error(state, "invalid %s '%s': a number from 1 to %lu", lim[i].what, arg,
				   lim[i].max);
			return EINVAL;
		}
		if (key == OPT_WINDOW)
			o->det.window_s = (uint32_t)v;
		else if (key == OPT_LOGON_THRESHOLD)
			o->det.logon_threshold = (uint32_t)v;
		else if (key == OPT_LOOKUP_THRESHOLD)
			o->det.lookup_threshold = (uint32_t)v;
		else if (key == OPT_PATH_THRESHOLD)
			o->det.path_threshold = (uint32_t)v;
		else if (key == OPT_LOCKOUT_THRESHOLD)
			o->det.lockout_threshold = (uint32_t)v;
		else if (key == OPT_LOCKOUT_WINDOW)
			o->det.lockout_window_s = (uint32_t)v;
		else
			o->det.update_interval_s = (uint32_t)v;
		break;
	}
	case OPT_MAX_LINE:
		if (smbw_parse_ulong(arg, 64, 1UL << 30, &v)) {
			argp_error(state, "invalid --max-line '%s': bytes from 64 to %lu", arg,
				   1UL << 30);
			return EINVAL;
		}
		o->max_line = v;
		break;
	case OPT_NO_THREADS:
		o->no_threads = true;
		break;
	case OPT_MAX_PAIRS:
		if (smbw_parse_ulong(arg, 1, DET_MAX_MAX_PAIRS, &v)) {
			argp_error(state, "invalid --max-pairs '%s': a number from 1 to %d", arg,
				   DET_MAX_MAX_PAIRS);
			return EINVAL;
		}
		o->det.max_keys = (uint32_t)v;
		break;
	case OPT_WATCH:
		if (!*arg || o->det.nwatch >= DET_MAX_WATCH) {
			argp_error(state, "invalid or too many --watch-account (at most %d)",
				   DET_MAX_WATCH);
			return EINVAL;
		}
		o->det.watch[o->det.nwatch++] = arg;
		break;
	case OPT_ALL_ACCOUNTS:
		o->det.all_accounts = true;
		break;
	case OPT_NO_FINDINGS:
		o->no_findings = true;
		break;
	case 'i':
		if (smbw_parse_ulong(arg, 1, 3600, &v)) {
			argp_error(state, "invalid interval '%s': whole seconds from 1 to 3600", arg);
			return EINVAL;
		}
		o->interval_s = v;
		break;
	case 'b':
		o->batch = true;
		break;
	case 'n':
		if (smbw_parse_ulong(arg, 1, 1000000000, &v)) {
			argp_error(state, "invalid number of refreshes '%s'", arg);
			return EINVAL;
		}
		o->iterations = v;
		break;
	case OPT_NO_COLOR:
		o->no_color = true;
		break;
	case 'o':
		if (!*arg) {
			argp_error(state, "--output needs a file");
			return EINVAL;
		}
		o->output = arg;
		break;
	case OPT_SYSLOG: {
		struct syslog_target t;

		if (arg && syslog_parse_target(arg, &t)) {
			argp_error(state, "invalid syslog target '%s' (/dev/log, /path, udp://HOST:PORT "
					  "or tcp://HOST:PORT)", arg);
			return EINVAL;
		}
		o->syslog = true;
		o->syslog_target = arg;
		break;
	}
	case OPT_STATS_INTERVAL:
		if (smbw_parse_ulong(arg, 1, 86400, &v)) {
			argp_error(state, "invalid stats interval '%s': seconds from 1 to 86400", arg);
			return EINVAL;
		}
		o->stats_interval_s = v;
		break;
	case OPT_RINGBUF:
		if (smbw_parse_ulong(arg, 64, 1048576, &v) || (v & (v - 1))) {
			argp_error(state, "invalid ring buffer size '%s': a power of two from 64 to "
					  "1048576 (KiB)", arg);
			return EINVAL;
		}
		o->ringbuf_kb = v;
		break;
	case 'Z':
		if (!*arg) {
			argp_error(state, "-Z needs a user name");
			return EINVAL;
		}
		o->user = arg;
		break;
	case OPT_SMBD:
	case OPT_SMBD_LIBPATH:
		if (!*arg) {
			argp_error(state, "%s needs a value",
				   key == OPT_SMBD ? "--smbd" : "--smbd-library-path");
			return EINVAL;
		}
		if (key == OPT_SMBD)
			o->smbd = arg;
		else
			o->smbd_library_path = arg;
		break;
	case OPT_SAMBA_LIBDIR:
		if (!*arg) {
			argp_error(state, "--samba-libdir needs a directory");
			return EINVAL;
		}
		o->samba_libdir = arg;
		break;
	case ARGP_KEY_ARG:
		if (state->arg_num == 0 && !strcmp(arg, "doctor")) {
			o->cmd = SMBW_CMD_DOCTOR;
			break;
		}
		if (state->arg_num == 0 && !strcmp(arg, "layout")) {
			o->cmd = SMBW_CMD_LAYOUT;
			break;
		}
		if (state->arg_num == 0 && !strcmp(arg, "top")) {
			o->cmd = SMBW_CMD_TOP;
			break;
		}
		if (state->arg_num == 0 && !strcmp(arg, "replay")) {
			o->cmd = SMBW_CMD_REPLAY;
			break;
		}
		if (o->cmd == SMBW_CMD_REPLAY) {
			if (o->nfiles >= (int)(sizeof(o->files) / sizeof(o->files[0]))) {
				argp_error(state, "too many files for one replay");
				return EINVAL;
			}
			o->files[o->nfiles++] = arg;
			break;
		}
		argp_error(state, "unknown command '%s' (commands: doctor, layout, replay, top)", arg);
		return EINVAL;
	case ARGP_KEY_END:
		if (o->cmd == SMBW_CMD_REPLAY && !o->nfiles) {
			argp_error(state, "replay needs at least one FILE (or - for standard input)");
			return EINVAL;
		}
		if (o->cmd == SMBW_CMD_REPLAY && ps->live_only) {
			argp_error(state, "%s is for live tracing: replay writes its findings to "
					  "standard output", ps->live_only);
			return EINVAL;
		}
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = { options, parse_opt, args_doc, doc, NULL, NULL, NULL };

int smbw_parse_args(int argc, char **argv, struct smbw_opts *o, bool quiet)
{
	struct parse_state ps = { o, quiet, NULL };
	unsigned int flags = quiet ? ARGP_NO_ERRS | ARGP_NO_HELP | ARGP_NO_EXIT : 0;

	memset(o, 0, sizeof(*o));
	det_config_defaults(&o->det);
	o->interval_s = 1;
	o->stats_interval_s = 60;
	argp_err_exit_status = 2; /* usage errors exit 2, as documented */
	return argp_parse(&argp, argc, argv, flags, NULL, &ps) ? 2 : 0;
}
