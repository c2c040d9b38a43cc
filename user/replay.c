// SPDX-License-Identifier: GPL-2.0
/* Replay: JSON lines in, findings out. Understands smbwatch's own records (smbwatch.auth,
 * smbwatch.file, smbwatch.tree) and Samba's auth_json_audit lines ({"type":"Authentication",
 * "Authentication":{...}}, also with a "JSON Authentication: " log prefix). */
#include <errno.h>
#include <stdbool.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "detect.h"
#include "ntstatus.h"
#include "output.h"
#include "replay.h"

static int digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int replay_parse_time(const char *s, uint64_t *us)
{
	struct tm tm = {};
	int y, mo, d, h, mi, sec, usec = 0, scale = 100000, off = 0;
	const char *p;
	time_t t;

	if (!s || strlen(s) < 19 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
	    digits(s + 17, 2, &sec))
		return -1;
	p = s + 19;
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9')
			return -1; /* a dot needs digits */
		for (p++; *p >= '0' && *p <= '9'; p++) {
			usec += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om;

		if (digits(p + 1, 2, &oh))
			return -1;
		if (p[3] == ':' ? digits(p + 4, 2, &om) : digits(p + 3, 2, &om))
			return -1;
		if (oh > 23 || om > 59)
			return -1;
		off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
		p += p[3] == ':' ? 6 : 5;
	} else if (*p) {
		return -1;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60)
		return -1;
	{
		static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
		bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

		if (d > mdays[mo - 1] + (mo == 2 && leap))
			return -1;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	*us = (uint64_t)((int64_t)t - off) * 1000000 + (uint64_t)usec;
	return 0;
}

static const char *get(struct json_object *o, const char *a, const char *b)
{
	struct json_object *x;

	if (!json_object_object_get_ex(o, a, &x))
		return NULL;
	if (b && !json_object_object_get_ex(x, b, &x))
		return NULL;
	return json_object_get_string(x);
}

/* "ipv4:127.0.0.1:55326" / "ipv6:::1:55326" -> ip (in buf), port */
static int split_samba_address(const char *s, char *ip, size_t n, uint32_t *port)
{
	const char *colon, *last;

	if (!s || !(colon = strchr(s, ':')) || !(last = strrchr(s, ':')) || last == colon)
		return -1;
	if ((size_t)(last - colon - 1) >= n)
		return -1;
	memcpy(ip, colon + 1, (size_t)(last - colon - 1));
	ip[last - colon - 1] = 0;
	*port = (uint32_t)strtoul(last + 1, NULL, 10);
	return 0;
}

static enum replay_kind bad(char *err, size_t n, const char *why)
{
	snprintf(err, n, "%s", why);
	return REPLAY_BAD;
}

enum replay_kind replay_decode(struct json_object *o, struct det_event *e, char *err, size_t n)
{
	static char ip[64]; /* e->ip points here until the next call */
	const char *ds, *ts, *code, *type;

	memset(e, 0, sizeof(*e));
	if (!json_object_is_type(o, json_type_object))
		return bad(err, n, "not a JSON object");

	type = get(o, "type", NULL);
	if (type) { /* Samba's audit log */
		struct json_object *a;
		const char *status;

		if (strcmp(type, "Authentication"))
			return REPLAY_SKIP; /* Authorization, ... */
		if (!json_object_object_get_ex(o, "Authentication", &a))
			return bad(err, n, "Samba audit record without \"Authentication\"");
		ts = get(o, "timestamp", NULL);
		status = get(a, "status", NULL);
		if (!ts || replay_parse_time(ts, &e->ts_us))
			return bad(err, n, "Samba audit record without a valid \"timestamp\"");
		if (!status || ntstatus_code(status, &e->status))
			return bad(err, n, "Samba audit record with an unknown \"status\"");
		if (split_samba_address(get(a, "remoteAddress", NULL), ip, sizeof(ip), &e->port))
			return bad(err, n, "Samba audit record without a valid \"remoteAddress\"");
		e->kind = DET_LOGON;
		e->ip = ip;
		e->account = get(a, "clientAccount", NULL);
		e->domain = get(a, "clientDomain", NULL);
		e->workstation = get(a, "workstation", NULL);
		if (!e->account)
			return bad(err, n, "Samba audit record without \"clientAccount\"");
		return REPLAY_EVENT;
	}

	ds = get(o, "event", "dataset");
	if (!ds)
		return bad(err, n, "neither an smbwatch record (event.dataset) nor a Samba audit "
				   "record (type)");
	if (strcmp(ds, "smbwatch.auth") && strcmp(ds, "smbwatch.file") && strcmp(ds, "smbwatch.tree"))
		return REPLAY_SKIP; /* status, stats and finding records */
	ts = get(o, "@timestamp", NULL);
	if (!ts || replay_parse_time(ts, &e->ts_us))
		return bad(err, n, "smbwatch record without a valid \"@timestamp\"");
	code = get(o, "smbwatch", "nt_status_code");
	if (!code || strncmp(code, "0x", 2))
		return bad(err, n, "smbwatch record without smbwatch.nt_status_code");
	e->status = (uint32_t)strtoul(code, NULL, 16);
	e->account = get(o, "user", "name");
	e->domain = get(o, "user", "domain");
	e->workstation = get(o, "smbwatch", "workstation");
	e->ip = get(o, "source", "ip");
	if (get(o, "source", "port"))
		e->port = (uint32_t)strtoul(get(o, "source", "port"), NULL, 10);
	if (!e->account || !e->ip)
		return bad(err, n, "smbwatch record without user.name or source.ip");
	if (!strcmp(ds, "smbwatch.auth")) {
		e->kind = DET_LOGON;
		return REPLAY_EVENT;
	}
	e->kind = DET_LOOKUP;
	e->is_tree = !strcmp(ds, "smbwatch.tree");
	e->share = get(o, "smbwatch", "share");
	e->path = get(o, "file", "path");
	e->unc = get(o, "smbwatch", "unc");
	return REPLAY_EVENT;
}

struct replay_stats {
	uint64_t lines, events, skipped, malformed;
};

static void replay_stream(FILE *f, const char *name, struct detector *d, struct replay_stats *st)
{
	struct json_tokener *tok = json_tokener_new();
	char *line = NULL, err[200];
	size_t cap = 0;
	ssize_t len;
	uint64_t lineno = 0;

	while ((len = getline(&line, &cap, f)) >= 0) {
		struct json_object *o;
		struct det_event e;
		char *start;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		if (!len)
			continue;
		st->lines++;
		start = strchr(line, '{'); /* Samba's debug log: "JSON Authentication: {...}" */
		if (!start) {
			fprintf(stderr, "smbwatch: %s:%llu: not JSON, skipped\n", name,
				(unsigned long long)lineno);
			st->malformed++;
			continue;
		}
		json_tokener_reset(tok);
		o = json_tokener_parse_ex(tok, start, (int)(len - (start - line)));
		if (!o || json_tokener_get_error(tok) != json_tokener_success ||
		    tok->char_offset != (int)(len - (start - line))) {
			enum json_tokener_error je = json_tokener_get_error(tok);

			fprintf(stderr, "smbwatch: %s:%llu: not JSON (%s), skipped\n", name,
				(unsigned long long)lineno,
				o			       ? "text after the object"
				: je == json_tokener_continue ? "the object is cut short"
							       : json_tokener_error_desc(je));
			json_object_put(o);
			st->malformed++;
			continue;
		}
		switch (replay_decode(o, &e, err, sizeof(err))) {
		case REPLAY_EVENT:
			st->events++;
			det_feed(d, &e);
			break;
		case REPLAY_SKIP:
			st->skipped++;
			break;
		case REPLAY_BAD:
			fprintf(stderr, "smbwatch: %s:%llu: %s, skipped\n", name,
				(unsigned long long)lineno, err);
			st->malformed++;
			break;
		}
		json_object_put(o);
	}
	free(line);
	json_tokener_free(tok);
}

int replay_run(const struct smbw_opts *o)
{
	struct smbw_ctx ctx;
	struct output out;
	struct detector *d;
	struct replay_stats st = {};
	struct det_stats ds;
	double cpu_s, elapsed;
	uint64_t rss_kb, t0 = smbw_mono_now_ns();
	int i, ret = 0;

	smbw_ctx_init(&ctx);
	output_init(&out, o->json, &ctx);
	d = det_new(&o->det, output_finding, &out);
	if (!d) {
		fprintf(stderr, "smbwatch: out of memory\n");
		return 1;
	}
	for (i = 0; i < o->nfiles; i++) {
		const char *name = o->files[i];
		FILE *f = strcmp(name, "-") ? fopen(name, "r") : stdin;

		if (!f) {
			fprintf(stderr, "smbwatch: cannot read %s: %s\n", name, strerror(errno));
			ret = 1;
			continue;
		}
		replay_stream(f, strcmp(name, "-") ? name : "(stdin)", d, &st);
		if (f != stdin)
			fclose(f);
	}
	det_finish(d);
	det_get_stats(d, &ds);
	smbw_self_usage(&cpu_s, &rss_kb);
	elapsed = (double)(smbw_mono_now_ns() - t0) / 1e9;
	if (o->json) {
		jw_reset(&out.jw);
		json_begin_record(&out.jw, &ctx);
		jw_obj_begin(&out.jw, "event");
		jw_str(&out.jw, "kind", "state");
		jw_str(&out.jw, "dataset", "smbwatch.status");
		jw_str(&out.jw, "module", "smbwatch");
		jw_str(&out.jw, "action", "replayed");
		jw_obj_end(&out.jw);
		jw_obj_begin(&out.jw, "smbwatch");
		jw_u64(&out.jw, "lines", st.lines);
		jw_u64(&out.jw, "events", st.events);
		jw_u64(&out.jw, "skipped", st.skipped);
		jw_u64(&out.jw, "malformed", st.malformed);
		jw_u64(&out.jw, "findings", ds.findings);
		jw_u64(&out.jw, "finding_updates", ds.updates);
		jw_u64(&out.jw, "detector_evictions", ds.evicted_keys);
		jw_u64(&out.jw, "detector_evicted_findings", ds.evicted_findings);
		jw_u64(&out.jw, "detector_evicted_accounts", ds.evicted_accounts);
		jw_u64(&out.jw, "elapsed_us", (uint64_t)(elapsed * 1e6));
		jw_u64(&out.jw, "records_per_s", elapsed > 0 ? (uint64_t)((double)st.lines / elapsed) : 0);
		jw_u64(&out.jw, "cpu_us", (uint64_t)(cpu_s * 1e6));
		jw_u64(&out.jw, "peak_rss_kb", rss_kb);
		jw_obj_end(&out.jw);
		jw_obj_end(&out.jw);
		output_jw(&out);
	} else {
		fprintf(stderr, "smbwatch: replayed %llu line(s): %llu event(s), %llu passed over, "
				"%llu malformed; %llu finding(s); %.2f s, peak RSS %llu KiB\n",
			(unsigned long long)st.lines, (unsigned long long)st.events,
			(unsigned long long)st.skipped, (unsigned long long)st.malformed,
			(unsigned long long)ds.findings, elapsed, (unsigned long long)rss_kb);
	}
	det_free(d);
	output_free(&out);
	return ret || out.broken ? 1 : 0;
}
