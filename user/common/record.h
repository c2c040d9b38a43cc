/* SPDX-License-Identifier: GPL-2.0 */
/* What every output needs to turn a raw event into a record: clock, host, addresses. */
#ifndef SMBW_RECORD_H
#define SMBW_RECORD_H
#include <stddef.h>
#include <stdint.h>
#include "smbwatch.h"

struct smbw_ctx {
	int64_t mono_to_real_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC at start */
	char hostname[256];
	char samba_version[32]; /* "4.17.12" */
	const char *samba_libdir;
	char samba_build_id[80];  /* of the logon library */
	char layout_source[24];   /* "dwarf", "tested", "generated" */
	char layout[640];         /* samba_layout_describe() */
	char run_id[20];        /* random per run: event.id is "<run_id>-<sequence>" */
	uint64_t *sequence;     /* the last event.sequence given; every JSON record takes the next */
};

/* Fills mono_to_real_ns and hostname. */
void smbw_ctx_init(struct smbw_ctx *ctx);

/* Now, wall clock, microseconds since the epoch. */
uint64_t smbw_real_us_now(void);

/* Now, on CLOCK_MONOTONIC, in ns (the clock of bpf_ktime_get_ns). */
uint64_t smbw_mono_now_ns(void);

/* RFC 3339 UTC with microseconds: "2026-11-23T20:50:01.123456Z" (buf of at least 32). */
void smbw_format_time(const struct smbw_ctx *ctx, uint64_t mono_ns, char *buf, size_t n);
void smbw_format_real_us(uint64_t real_us, char *buf, size_t n);

/* A CLOCK_MONOTONIC time from the kernel as wall-clock microseconds. */
uint64_t smbw_real_us(const struct smbw_ctx *ctx, uint64_t mono_ns);

/* "127.0.0.1", "::1", or "" when the family is unknown (buf of at least 46). */
const char *smbw_addr_ip(const struct smbw_addr *a, char *buf, size_t n);

/* The server name in UNC paths (\\SERVER\share): given (--server-name) as it is, else the
 * host's short name (up to its first dot). */
void smbw_server_name(char *out, size_t n, const char *given, const char *hostname);

/* This process's CPU seconds (user + system) and peak RSS in KiB, from getrusage(2). */
void smbw_self_usage(double *cpu_s, uint64_t *peak_rss_kb);

/* The length of a fixed-size field from the kernel, and when it was cut, the length of the
 * part to keep so that it still ends on a whole UTF-8 character. */
size_t smbw_field_len(const char *s, size_t size, int truncated);

#endif
