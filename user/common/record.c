// SPDX-License-Identifier: GPL-2.0
/* Shared record helpers: clocks, host name, addresses, field lengths. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "common/record.h"
#include "common/utf8.h"

static int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000LL + t->tv_nsec;
}

uint64_t smbw_real_us_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (uint64_t)ts_ns(&t) / 1000;
}

uint64_t smbw_mono_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)ts_ns(&t);
}

void smbw_ctx_init(struct smbw_ctx *ctx)
{
	struct timespec real, mono;

	memset(ctx, 0, sizeof(*ctx));
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	ctx->mono_to_real_ns = ts_ns(&real) - ts_ns(&mono);
	if (gethostname(ctx->hostname, sizeof(ctx->hostname) - 1))
		strcpy(ctx->hostname, "unknown");
	{
		static uint64_t seq;
		unsigned char r[8] = {};
		FILE *f = fopen("/dev/urandom", "rb");
		int i;

		if (!f || fread(r, 1, sizeof(r), f) != sizeof(r)) /* fall back to time and pid */
			memcpy(r, &ctx->mono_to_real_ns, sizeof(r)), r[0] ^= (unsigned char)getpid();
		if (f)
			fclose(f);
		for (i = 0; i < 8; i++)
			snprintf(ctx->run_id + 2 * i, 3, "%02x", r[i]);
		ctx->sequence = &seq;
	}
}

uint64_t smbw_real_us(const struct smbw_ctx *ctx, uint64_t mono_ns)
{
	return (uint64_t)(((int64_t)mono_ns + ctx->mono_to_real_ns) / 1000);
}

void smbw_format_real_us(uint64_t real_us, char *buf, size_t n)
{
	/* the date part of the last few seconds formatted: records come many a second, and a
	 * finding's carries three times (its start, its end, the record's own) */
	enum { KEPT = 4 };
	static __thread struct {
		time_t sec;
		char date[24];
	} seen[KEPT] = { [0 ... KEPT - 1] = { -1, "" } };
	static __thread unsigned next;
	time_t sec = (time_t)(real_us / 1000000);
	long usec = (long)(real_us % 1000000);
	const char *date = NULL;
	char out[40];
	size_t dlen;
	int i;

	if (!n)
		return;
	for (i = 0; i < KEPT && !date; i++)
		if (seen[i].sec == sec)
			date = seen[i].date;
	if (!date) {
		unsigned k = next++ % KEPT;
		struct tm tm;

		if (!gmtime_r(&sec, &tm) ||
		    !strftime(seen[k].date, sizeof(seen[k].date), "%Y-%m-%dT%H:%M:%S", &tm))
			seen[k].date[0] = 0;
		seen[k].sec = sec;
		date = seen[k].date;
	}
	dlen = strlen(date);
	memcpy(out, date, dlen);
	out[dlen] = '.';
	for (i = 6; i > 0; i--, usec /= 10)
		out[dlen + (size_t)i] = (char)('0' + usec % 10);
	out[dlen + 7] = 'Z';
	dlen += 8;
	if (dlen >= n) /* cut, as snprintf would */
		dlen = n - 1;
	memcpy(buf, out, dlen);
	buf[dlen] = 0;
}

void smbw_format_time(const struct smbw_ctx *ctx, uint64_t mono_ns, char *buf, size_t n)
{
	smbw_format_real_us(smbw_real_us(ctx, mono_ns), buf, n);
}

/* a.b.c.d into buf (room for 16 bytes): inet_ntop's IPv4 goes through sprintf, a tenth of the
 * live consumer's time at two addresses a record */
static void ipv4_str(const unsigned char *a, char *buf)
{
	char *o = buf;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned v = a[i];

		if (v >= 100)
			*o++ = (char)('0' + v / 100);
		if (v >= 10)
			*o++ = (char)('0' + v / 10 % 10);
		*o++ = (char)('0' + v % 10);
		*o++ = i < 3 ? '.' : 0;
	}
}

const char *smbw_addr_ip(const struct smbw_addr *a, char *buf, size_t n)
{
	buf[0] = 0;
	if (a->family == 2 && n >= INET_ADDRSTRLEN)
		ipv4_str(a->addr, buf);
	else if (a->family != 10 || !inet_ntop(AF_INET6, a->addr, buf, (socklen_t)n))
		buf[0] = 0;
	return buf;
}

size_t smbw_field_len(const char *s, size_t size, int truncated)
{
	size_t n = strnlen(s, size);

	return truncated ? utf8_trim_incomplete(s, n) : n;
}

void smbw_self_usage(double *cpu_s, uint64_t *peak_rss_kb)
{
	struct rusage ru;

	*cpu_s = 0;
	*peak_rss_kb = 0;
	if (getrusage(RUSAGE_SELF, &ru))
		return;
	*cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	*peak_rss_kb = (uint64_t)ru.ru_maxrss;
}

void smbw_server_name(char *out, size_t n, const char *given, const char *hostname)
{
	if (!n)
		return;
	snprintf(out, n, "%s", given ? given : hostname);
	if (!given)
		out[strcspn(out, ".")] = 0;
}
