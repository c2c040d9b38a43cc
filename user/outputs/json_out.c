// SPDX-License-Identifier: GPL-2.0
/* JSON writer and smbwatch's ECS records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "detect/detect.h"
#include "outputs/json_out.h"
#include "decode/ntstatus.h"
#include "common/record.h"
#include "decode/smb2_record.h"
#include "common/utf8.h"

#define SMBW_VERSION "0.1.0"

void jw_init(struct jw *w)
{
	memset(w, 0, sizeof(*w));
}

void jw_free(struct jw *w)
{
	free(w->buf);
	jw_init(w);
}

void jw_reset(struct jw *w)
{
	w->len = 0;
	w->depth = 0;
	w->oom = false;
	if (w->buf)
		w->buf[0] = 0;
}

/* Room for n more bytes and the NUL after them; false (and oom) when there is none. */
static bool grow(struct jw *w, size_t n)
{
	size_t cap = w->cap ? w->cap : 1024;
	char *p;

	if (w->oom)
		return false;
	while (w->len + n + 1 > cap)
		cap *= 2;
	p = realloc(w->buf, cap);
	if (!p) {
		w->oom = true;
		return false;
	}
	w->buf = p;
	w->cap = cap;
	return true;
}

static inline bool reserve(struct jw *w, size_t n)
{
	return !w->oom && (w->len + n + 1 <= w->cap || grow(w, n));
}

static inline void put(struct jw *w, const char *s, size_t n)
{
	if (!reserve(w, n))
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = 0;
}

static void puts_(struct jw *w, const char *s)
{
	put(w, s, strlen(s));
}

/* Bytes written as they are inside a JSON string: printable ASCII but '"' and '\\'. */
static const bool plain[256] = {
	[0x20 ... 0x21] = true, /* '"' is 0x22 */
	[0x23 ... 0x5b] = true, /* '\\' is 0x5c */
	[0x5d ... 0x7e] = true,
};

/* The 8 bytes in v (as loaded from memory) that need more than copying: below 0x20, '"',
 * '\\', 0x7f or above (the classic "has a zero byte" test, on v and on v xor each special
 * byte), as their high bits; 0 for none. The lowest-addressed byte flagged is exact, those
 * after it may be false alarms (a borrow). */
static inline uint64_t special8(uint64_t v)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\'), del = v ^ (ones * 0x7f);

	return ((v - ones * 0x20) | (q - ones) | (b - ones) | (del - ones) | v) & highs;
}

/* How many bytes of v, from its lowest address, come before the first one m flags (m != 0). */
static inline size_t plain_before(uint64_t m)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (size_t)__builtin_ctzll(m) / 8;
#else
	return (size_t)__builtin_clzll(m) / 8;
#endif
}

/* The quoted, escaped string at o, which has room for 6 * n + 3 bytes (\u00XX for each input
 * byte, the quotes, and the NUL a jw buffer keeps room for after them: a string's last 1-7
 * bytes are stored as 8); returns the end. */
static char *esc_into(char *o, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	*o++ = '"';
	while (i < n) {
		unsigned char c;
		size_t len;
		uint64_t v;

		if (i + 8 <= n) { /* 8 bytes copied as one: those before the first special count */
			uint64_t m;
			size_t k;

			memcpy(&v, s + i, 8);
			memcpy(o, &v, 8); /* room: 6 * 8 bytes for these 8 */
			m = special8(v);
			k = m ? plain_before(m) : 8;
			o += k;
			i += k;
			if (!m)
				continue;
		} else { /* the last 1-7 bytes, NUL-padded to 8: the first NUL after them is flagged */
			size_t r = n - i, k;

			v = 0;
			memcpy(&v, s + i, r);
			/* room: 6 * r + 2 (this string's closing quote, the buffer's NUL) >= 8 */
			memcpy(o, &v, 8);
			k = plain_before(special8(v));
			if (k >= r) {
				o += r;
				break;
			}
			o += k;
			i += k;
		}
		c = s[i];
		if (plain[c]) {
			*o++ = (char)c;
			i++;
			continue;
		}
		len = c >= 0x80 ? utf8_seq_len(s + i, n - i) : 0;
		if (len) { /* a whole non-ASCII character: copied as it is */
			memcpy(o, s + i, len);
			o += len;
			i += len;
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		default:
			if (c < 0x80) { /* other control bytes and DEL */
				memcpy(o, "u00", 3);
				o += 3;
			} else { /* not UTF-8: keep the byte's value visible as \xNN */
				memcpy(o, "\\x", 2);
				o += 2;
			}
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
		i++;
	}
	*o++ = '"';
	return o;
}

/* The quoted, escaped string, written straight into the buffer, reserved up front. */
static void escape(struct jw *w, const char *str, size_t n)
{
	char *o;

	if (n > (SIZE_MAX - 3) / 6 || !reserve(w, 6 * n + 2)) {
		w->oom = true;
		return;
	}
	o = esc_into(w->buf + w->len, str, n);
	w->len = (size_t)(o - w->buf);
	w->buf[w->len] = 0;
}

static void key(struct jw *w, const char *k)
{
	if (w->depth > 0 && w->need_comma[w->depth - 1])
		put(w, ",", 1);
	if (w->depth > 0)
		w->need_comma[w->depth - 1] = true;
	if (k) {
		size_t n = strlen(k);

		/* keys are the program's own names, never in need of escaping (json_out.h) */
		if (!reserve(w, n + 3))
			return;
		w->buf[w->len] = '"';
		memcpy(w->buf + w->len + 1, k, n);
		memcpy(w->buf + w->len + 1 + n, "\":", 2);
		w->len += n + 3;
		w->buf[w->len] = 0;
	}
}

static void open_(struct jw *w, const char *k, const char *c)
{
	key(w, k);
	puts_(w, c);
	if (w->depth < JW_MAX_DEPTH)
		w->need_comma[w->depth] = false;
	w->depth++;
}

void jw_obj_begin(struct jw *w, const char *k)
{
	open_(w, k, "{");
}

void jw_arr_begin(struct jw *w, const char *k)
{
	open_(w, k, "[");
}

void jw_obj_end(struct jw *w)
{
	w->depth--;
	put(w, "}", 1);
}

void jw_arr_end(struct jw *w)
{
	w->depth--;
	put(w, "]", 1);
}

void jw_strn(struct jw *w, const char *k, const char *s, size_t n)
{
	key(w, k);
	escape(w, s, n);
}

void jw_str(struct jw *w, const char *k, const char *s)
{
	jw_strn(w, k, s, strlen(s));
}

/* v in decimal at o (room for 20 bytes); returns the end. */
static char *u64_into(char *o, uint64_t v)
{
	char num[24], *p = num + sizeof(num);

	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	memcpy(o, p, (size_t)(num + sizeof(num) - p));
	return o + (num + sizeof(num) - p);
}

void jw_u64(struct jw *w, const char *k, uint64_t v)
{
	key(w, k);
	if (!reserve(w, 20))
		return;
	w->len = (size_t)(u64_into(w->buf + w->len, v) - w->buf);
	w->buf[w->len] = 0;
}

void jw_null(struct jw *w, const char *k)
{
	key(w, k);
	puts_(w, "null");
}

void jw_bool(struct jw *w, const char *k, bool v)
{
	key(w, k);
	puts_(w, v ? "true" : "false");
}

/* "@timestamp", "ecs", "host" and "observer": common to every record. */
static void common_head_real(struct jw *w, const struct smbw_ctx *ctx, uint64_t real_us)
{
	char ts[40];

	smbw_format_real_us(real_us, ts, sizeof(ts));
	jw_obj_begin(w, NULL);
	jw_str(w, "@timestamp", ts);
	jw_obj_begin(w, "ecs");
	jw_str(w, "version", "8.11.0");
	jw_obj_end(w);
	jw_obj_begin(w, "host");
	jw_str(w, "name", ctx->hostname);
	jw_obj_end(w);
	jw_obj_begin(w, "observer");
	jw_str(w, "product", "smbwatch");
	jw_str(w, "version", SMBW_VERSION);
	jw_obj_end(w);
}

void json_begin_record(struct jw *w, const struct smbw_ctx *ctx)
{
	common_head_real(w, ctx, smbw_real_us_now());
}

/* event.sequence (from 1 in each run, so a gap downstream shows loss) and event.id. */
static void event_ids(struct jw *w, const struct smbw_ctx *ctx)
{
	char id[sizeof(ctx->run_id) + 24], *o;
	size_t n = strlen(ctx->run_id);
	uint64_t seq;

	if (!ctx->sequence)
		return;
	seq = ++*ctx->sequence;
	/* "<run id>-<sequence>" */
	memcpy(id, ctx->run_id, n);
	id[n] = '-';
	o = u64_into(id + n + 1, seq);
	*o = 0;
	jw_u64(w, "sequence", seq);
	jw_str(w, "id", id);
}

static void common_head(struct jw *w, const struct smbw_ctx *ctx, uint64_t mono_ns)
{
	common_head_real(w, ctx, smbw_real_us(ctx, mono_ns));
}

static void field(struct jw *w, const char *k, const char *s, size_t size, int truncated)
{
	jw_strn(w, k, s, smbw_field_len(s, size, truncated));
}

static void address(struct jw *w, const char *k, const struct smbw_addr *a)
{
	char ip[64];

	/* an address family smbwatch cannot read (counted as implausible): no address at all */
	if (a->family != 2 && a->family != 10)
		return;
	jw_obj_begin(w, k);
	jw_str(w, "ip", smbw_addr_ip(a, ip, sizeof(ip)));
	jw_u64(w, "port", a->port);
	jw_obj_end(w);
}

/* source, destination and process: the client, the server address, the smbd serving it. */
static void connection(struct jw *w, const struct smbw_addr *remote, const struct smbw_addr *local,
		       uint32_t pid)
{
	address(w, "source", remote);
	address(w, "destination", local);
	jw_obj_begin(w, "process");
	jw_u64(w, "pid", pid);
	jw_str(w, "name", "smbd");
	jw_obj_end(w);
}

void json_auth_record(struct jw *w, const struct smbw_ctx *ctx, const struct smbw_auth_event *e)
{
	char sbuf[32], hex[11];
	bool ok = e->status == 0;

	ntstatus_hex(e->status, hex);
	common_head(w, ctx, e->ts_ns);
	jw_obj_begin(w, "event");
	event_ids(w, ctx);
	jw_str(w, "kind", "event");
	jw_str(w, "dataset", "smbwatch.auth");
	jw_str(w, "module", "smbwatch");
	jw_arr_begin(w, "category");
	jw_str(w, NULL, "authentication");
	jw_arr_end(w);
	jw_arr_begin(w, "type");
	jw_str(w, NULL, "start");
	jw_arr_end(w);
	jw_str(w, "action", "logon");
	jw_str(w, "outcome", ok ? "success" : "failure");
	jw_obj_end(w);

	jw_obj_begin(w, "user");
	field(w, "name", e->account, sizeof(e->account), e->flags & SMBW_F_TRUNC_ACCOUNT);
	field(w, "domain", e->domain, sizeof(e->domain), e->flags & SMBW_F_TRUNC_DOMAIN);
	jw_obj_end(w);
	connection(w, &e->remote, &e->local, e->pid);

	jw_obj_begin(w, "smbwatch");
	field(w, "workstation", e->workstation, sizeof(e->workstation),
	      e->flags & SMBW_F_TRUNC_WORKSTATION);
	jw_str(w, "nt_status", ntstatus_str(e->status, sbuf, sizeof(sbuf)));
	jw_str(w, "nt_status_code", hex);
	field(w, "service", e->service, sizeof(e->service), 0);
	jw_bool(w, "truncated", e->flags & (SMBW_F_TRUNC_ACCOUNT | SMBW_F_TRUNC_DOMAIN |
					    SMBW_F_TRUNC_WORKSTATION));
	jw_obj_end(w);
	jw_obj_end(w);
}

/* Events with values no Samba leaves there, in all and per kind (since prev, when given). */
static void implausible(struct jw *w, const struct smbw_stats *n, const struct smbw_stats *p)
{
	int i;

	jw_u64(w, "implausible", n->implausible - (p ? p->implausible : 0));
	jw_obj_begin(w, "implausible_by");
	for (i = 0; i < IMPL_MAX; i++)
		jw_u64(w, implausible_key(i),
		       n->implausible_by[i] - (p ? p->implausible_by[i] : 0));
	jw_obj_end(w);
}

/* --count-success: successful opens per smbd process and its client, since the start. */
static void successful_opens(struct jw *w, const struct smbw_stats *st)
{
	size_t i;

	if (!st->success)
		return;
	jw_arr_begin(w, "successful_opens");
	for (i = 0; i < st->n_success; i++) {
		jw_obj_begin(w, NULL);
		jw_u64(w, "pid", st->success[i].pid);
		if (st->success[i].client[0])
			jw_str(w, "client", st->success[i].client);
		jw_u64(w, "opens", st->success[i].opens);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

void json_stats_record(struct jw *w, const struct smbw_ctx *ctx, double interval_s,
		       const struct smbw_stats *n, const struct smbw_stats *p,
		       uint64_t output_dropped)
{
	char iv[32];

	common_head(w, ctx, smbw_mono_now_ns());
	jw_obj_begin(w, "event");
	event_ids(w, ctx);
	jw_str(w, "kind", "metric");
	jw_str(w, "dataset", "smbwatch.stats");
	jw_str(w, "module", "smbwatch");
	jw_obj_end(w);
	jw_obj_begin(w, "smbwatch");
	snprintf(iv, sizeof(iv), "%.3f", interval_s);
	key(w, "interval_s");
	puts_(w, iv);
	jw_obj_begin(w, "events_by_kind");
	jw_u64(w, "auth", n->events_auth - p->events_auth);
	jw_u64(w, "file", n->events_file - p->events_file);
	jw_u64(w, "tree", n->events_tree - p->events_tree);
	jw_obj_end(w);
	jw_u64(w, "dropped", n->dropped - p->dropped);
	jw_u64(w, "identities_missing", n->identities_missing - p->identities_missing);
	jw_u64(w, "output_dropped", output_dropped);
	implausible(w, n, p);
	jw_obj_begin(w, "probe_hits");
	jw_u64(w, "auth", n->hits_auth - p->hits_auth);
	jw_u64(w, "smb2_error", n->hits_smb2_error - p->hits_smb2_error);
	jw_u64(w, "smb2_done", n->hits_smb2_done - p->hits_smb2_done);
	jw_u64(w, "tree_connect", n->hits_tcon - p->hits_tcon);
	jw_obj_end(w);
	successful_opens(w, n);
	jw_obj_end(w);
	jw_obj_end(w);
}

/* A smbwatch.status record's common fields and its event object. */
static void status_head(struct jw *w, const struct smbw_ctx *ctx, const char *action)
{
	common_head(w, ctx, smbw_mono_now_ns());
	jw_obj_begin(w, "event");
	event_ids(w, ctx);
	jw_str(w, "kind", "state");
	jw_str(w, "dataset", "smbwatch.status");
	jw_str(w, "module", "smbwatch");
	jw_str(w, "action", action);
	jw_obj_end(w);
}

void json_status_record(struct jw *w, const struct smbw_ctx *ctx, const char *action,
			const struct smbw_stats *st)
{
	status_head(w, ctx, action);
	jw_obj_begin(w, "smbwatch");
	jw_str(w, "samba_version", ctx->samba_version);
	if (ctx->samba_libdir)
		jw_str(w, "samba_libdir", ctx->samba_libdir);
	if (ctx->samba_build_id[0])
		jw_str(w, "samba_build_id", ctx->samba_build_id);
	if (ctx->layout_source[0]) {
		jw_str(w, "layout_source", ctx->layout_source);
		jw_str(w, "layout", ctx->layout);
	}
	if (st) {
		jw_u64(w, "events", st->events);
		jw_obj_begin(w, "events_by_kind");
		jw_u64(w, "auth", st->events_auth);
		jw_u64(w, "file", st->events_file);
		jw_u64(w, "tree", st->events_tree);
		jw_obj_end(w);
		jw_u64(w, "dropped", st->dropped);
		jw_u64(w, "identities", st->identities);
		jw_u64(w, "identities_missing", st->identities_missing);
		jw_u64(w, "read_errors", st->read_errors);
		implausible(w, st, NULL);
		jw_u64(w, "output_errors", st->output_errors);
		jw_u64(w, "output_dropped", st->output_dropped);
		jw_u64(w, "session_cache_evictions", st->cache_evictions);
		jw_u64(w, "findings", st->findings);
		jw_u64(w, "finding_updates", st->finding_updates);
		jw_u64(w, "detector_evictions", st->evicted_keys);
		{
			char cpu[32];

			/* what smbwatch itself cost: CPU seconds (as a JSON number) and peak RSS */
			snprintf(cpu, sizeof(cpu), "%.6f", st->cpu_s);
			key(w, "cpu_s");
			puts_(w, cpu);
			jw_u64(w, "peak_rss_kb", st->peak_rss_kb);
		}
		/* What tracing cost smbd: probe hits per attach point. */
		jw_obj_begin(w, "probe_hits");
		jw_u64(w, "auth", st->hits_auth);
		jw_u64(w, "smb2_error", st->hits_smb2_error);
		jw_u64(w, "smb2_done", st->hits_smb2_done);
		jw_u64(w, "tree_connect", st->hits_tcon);
		jw_obj_end(w);
		successful_opens(w, st);
	}
	jw_obj_end(w);
	jw_obj_end(w);
}

void json_smb2_record(struct jw *w, const struct smbw_ctx *ctx, const struct smb2_record *r)
{
	const struct smbw_smb2_event *e = r->e;
	char sbuf[32], hex[11];

	ntstatus_hex(e->status, hex);
	common_head(w, ctx, e->ts_ns);
	jw_obj_begin(w, "event");
	event_ids(w, ctx);
	jw_str(w, "kind", "event");
	jw_str(w, "dataset", r->dataset);
	jw_str(w, "module", "smbwatch");
	jw_arr_begin(w, "category");
	jw_str(w, NULL, r->is_file ? "file" : "network");
	jw_arr_end(w);
	jw_arr_begin(w, "type");
	jw_str(w, NULL, r->is_file ? "access" : "connection");
	jw_arr_end(w);
	jw_str(w, "action", r->action);
	jw_str(w, "outcome", e->status == 0 ? "success" : "failure");
	jw_obj_end(w);

	jw_obj_begin(w, "user");
	jw_str(w, "name", r->user);
	jw_str(w, "domain", r->domain);
	jw_obj_end(w);
	connection(w, &e->remote, &e->local, e->pid);
	if (r->is_file) {
		jw_obj_begin(w, "file");
		jw_str(w, "path", r->path);
		jw_str(w, "name", r->name);
		if (r->directory[0])
			jw_str(w, "directory", r->directory);
		jw_obj_end(w);
	}

	jw_obj_begin(w, "smbwatch");
	jw_str(w, "share", r->share);
	jw_str(w, "unc", r->unc);
	if (r->workstation[0])
		jw_str(w, "workstation", r->workstation);
	jw_str(w, "nt_status", ntstatus_str(e->status, sbuf, sizeof(sbuf)));
	jw_str(w, "nt_status_code", hex);
	jw_str(w, "smb2_command", r->command);
	jw_u64(w, "message_id", e->mid);
	jw_str(w, "account_source", r->account_source);
	jw_str(w, "session_account", r->session_account);
	jw_bool(w, "truncated", r->truncated);
	jw_obj_end(w);
	jw_obj_end(w);
}

static void statuses(struct jw *w, const char *k, const struct det_status *s, int n)
{
	char sb[32];
	int i;

	jw_obj_begin(w, k);
	for (i = 0; i < n; i++)
		jw_u64(w, ntstatus_str(s[i].status, sb, sizeof(sb)), s[i].count);
	jw_obj_end(w);
}

#define LIT(o, s) (memcpy((o), (s), sizeof(s) - 1), (o) + sizeof(s) - 1)

/* {"path":…,"share":…,"server":…,"count":N}, an element of a finding's files: as jw_obj_begin,
 * jw_str and jw_u64 would write it, in one reservation (a finding has up to 32 of them). */
static void file_entry(struct jw *w, const struct det_file *x)
{
	size_t pl = x->path_len, sl = x->share_len, vl = x->server_len;
	char *o;

	key(w, NULL); /* the comma before it */
	if (pl + sl + vl > (SIZE_MAX - 128) / 6 || !reserve(w, 6 * (pl + sl + vl) + 128)) {
		w->oom = true;
		return;
	}
	o = LIT(w->buf + w->len, "{\"path\":");
	o = esc_into(o, x->path, pl);
	o = LIT(o, ",\"share\":");
	o = esc_into(o, x->share, sl);
	if (vl) {
		o = LIT(o, ",\"server\":");
		o = esc_into(o, x->server, vl);
	}
	o = LIT(o, ",\"count\":");
	o = u64_into(o, x->count);
	*o++ = '}';
	w->len = (size_t)(o - w->buf);
	w->buf[w->len] = 0;
}

void json_finding_record(struct jw *w, const struct smbw_ctx *ctx, const struct det_finding *f,
			 const char *action)
{
	char ts[40], dir[DET_STR + DET_PATH + 8];
	int i;

	common_head_real(w, ctx, f->end_us);
	jw_obj_begin(w, "event");
	event_ids(w, ctx);
	jw_str(w, "kind", "alert");
	jw_str(w, "dataset", "smbwatch.finding");
	jw_str(w, "module", "smbwatch");
	jw_arr_begin(w, "category");
	if (f->total_failed_logons)
		jw_str(w, NULL, "authentication");
	if (f->total_failed_lookups)
		jw_str(w, NULL, "file");
	jw_arr_end(w);
	jw_arr_begin(w, "type");
	jw_str(w, NULL, "info");
	jw_arr_end(w);
	jw_str(w, "action", action);
	jw_str(w, "outcome", "failure");
	smbw_format_real_us(f->start_us, ts, sizeof(ts));
	jw_str(w, "start", ts);
	smbw_format_real_us(f->end_us, ts, sizeof(ts));
	jw_str(w, "end", ts);
	jw_obj_end(w);
	jw_obj_begin(w, "rule");
	jw_str(w, "id", det_rule_id(f));
	jw_str(w, "name", det_rule_name(f));
	jw_str(w, "ruleset", "smbwatch");
	jw_obj_end(w);
	jw_str(w, "message", f->message ? f->message : "");
	jw_obj_begin(w, "user");
	jw_str(w, "name", f->account);
	jw_str(w, "domain", f->domain);
	jw_obj_end(w);
	jw_obj_begin(w, "source");
	jw_str(w, "ip", f->ip);
	jw_obj_end(w);

	jw_obj_begin(w, "smbwatch");
	if (f->workstation[0])
		jw_str(w, "workstation", f->workstation);
	jw_obj_begin(w, "finding");
	jw_u64(w, "id", f->id);
	jw_arr_begin(w, "rules");
	if (f->rule_lockout)
		jw_str(w, NULL, "smbwatch-lockout-risk");
	if (f->rule_path)
		jw_str(w, NULL, "smbwatch-path-search");
	if (f->rule_lookups)
		jw_str(w, NULL, "smbwatch-failed-lookups");
	jw_arr_end(w);
	jw_u64(w, "failed_logons", f->failed_logons);
	jw_u64(w, "failed_lookups", f->failed_lookups);
	jw_u64(w, "total_failed_logons", f->total_failed_logons);
	jw_u64(w, "total_failed_lookups", f->total_failed_lookups);
	jw_u64(w, "window_s", f->window_s);
	if (f->lockout_remaining >= 0)
		jw_u64(w, "lockout_remaining", (uint64_t)f->lockout_remaining);
	else
		jw_null(w, "lockout_remaining");
	jw_bool(w, "locked_out", f->locked_out);
	statuses(w, "logon_statuses", f->logon_statuses, f->n_logon_statuses);
	statuses(w, "lookup_statuses", f->lookup_statuses, f->n_lookup_statuses);
	jw_arr_begin(w, "files");
	for (i = 0; i < f->nfiles; i++)
		file_entry(w, &f->files[i]);
	jw_arr_end(w);
	if (f->rule_path) {
		jw_obj_begin(w, "path_search");
		jw_str(w, "file", f->path_name);
		jw_arr_begin(w, "directories");
		for (i = 0; i < f->npath_files; i++) {
			const struct det_file *x = &f->files[f->path_files[i]];
			const char *slash = strrchr(x->path, '/');
			int dirlen = slash ? (int)(slash - x->path) : 0;
			int j;

			snprintf(dir, sizeof(dir), "\\\\%s\\%s%s%.*s",
				 x->server[0] ? x->server : f->server, x->share,
				 dirlen ? "\\" : "", dirlen, x->path);
			for (j = 0; dir[j]; j++)
				if (dir[j] == '/')
					dir[j] = '\\';
			jw_str(w, NULL, dir);
		}
		for (i = 0; i < f->nmissing_shares; i++) /* tried too: the share does not exist */
			jw_str(w, NULL, f->missing_shares[i]);
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_begin(w, "missing_shares");
	for (i = 0; i < f->nmissing_shares; i++)
		jw_str(w, NULL, f->missing_shares[i]);
	jw_arr_end(w);
	jw_obj_end(w);
	jw_obj_end(w);
	jw_obj_end(w);
}

void json_status_note(struct jw *w, const struct smbw_ctx *ctx, const char *action,
		      const struct status_note *n)
{
	status_head(w, ctx, action);
	if (n->message)
		jw_str(w, "message", n->message);
	jw_obj_begin(w, "smbwatch");
	jw_str(w, "samba_version", n->samba_version ? n->samba_version : ctx->samba_version);
	if (n->build_id)
		jw_str(w, "samba_build_id", n->build_id);
	if (n->previous_version)
		jw_str(w, "previous_samba_version", n->previous_version);
	if (n->previous_build_id)
		jw_str(w, "previous_samba_build_id", n->previous_build_id);
	if (n->layout)
		jw_str(w, "layout", n->layout);
	if (n->value)
		jw_str(w, "implausible_value", n->value);
	if (n->fields)
		jw_str(w, "layout_fields", n->fields);
	jw_obj_end(w);
	jw_obj_end(w);
}
