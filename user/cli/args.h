/* SPDX-License-Identifier: GPL-2.0 */
/* Command line: `smbwatch [OPTIONS]` traces; `smbwatch doctor` checks what tracing needs. */
#ifndef SMBW_ARGS_H
#define SMBW_ARGS_H
#include <stdbool.h>
#include "detect/detect.h"

enum smbw_cmd {
	SMBW_CMD_TRACE = 0,
	SMBW_CMD_DOCTOR,
	SMBW_CMD_REPLAY,
	SMBW_CMD_TOP,
	SMBW_CMD_LAYOUT,
};

struct smbw_opts {
	enum smbw_cmd cmd;
	bool json;
	bool verbose;
	unsigned long duration_s;  /* 0: until SIGINT/SIGTERM */
	unsigned int port;         /* 0: every smbd; else only connections to this server port */
	const char *samba_libdir;  /* NULL: smbd's libraries */
	const char *smbd;          /* --smbd: NULL for the installed one */
	const char *smbd_library_path; /* --smbd-library-path: smbd's LD_LIBRARY_PATH */
	const char *user;          /* -Z: the consumer runs as this user, without privileges */
	bool count_success;        /* count successful opens per client in the kernel */
	bool all_opens;            /* an event for every open, successful ones too */
	const char *server_name;   /* for UNC paths; NULL: this host's name */
	struct det_config det;     /* detection thresholds and watch list */
	bool no_findings;          /* live: events only */
	unsigned long ringbuf_kb;  /* ring buffer size; 0: the default (8192 KiB) */
	unsigned long interval_s;  /* top: refresh interval (1) */
	bool batch;                /* top: plain text refreshes on stdout, no curses */
	unsigned long iterations;  /* top: stop after this many refreshes; 0: never */
	bool no_color;             /* top: no colors (also NO_COLOR in the environment) */
	const char *output;        /* -o FILE: NDJSON appended, reopened on SIGHUP */
	bool syslog;               /* --syslog */
	const char *syslog_target; /* NULL: /dev/log */
	unsigned long stats_interval_s; /* a smbwatch.stats record this often (60) */
	unsigned long max_line;    /* replay: longer lines are skipped (1 MiB) */
	bool no_threads;           /* replay: parse in the main thread */
	const char *files[256];    /* replay: the files ("-": standard input) */
	int nfiles;
};

/* Parses argv into o. Returns 0, or 2 on a usage error. Unless quiet, argp reports errors on
 * stderr and exits (2), and --help/--version print and exit 0. With quiet set nothing is
 * printed and nothing exits (for tests). */
int smbw_parse_args(int argc, char **argv, struct smbw_opts *o, bool quiet);

/* A whole decimal number in [min, max]; 0 on success. Rejects signs, blanks, trailing text. */
int smbw_parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out);

#endif
