// SPDX-License-Identifier: GPL-2.0
/* Replay: JSON lines in, findings out. Understands smbwatch's own records (smbwatch.auth,
 * smbwatch.file, smbwatch.tree) and Samba's auth_json_audit lines ({"type":"Authentication",
 * "Authentication":{...}}, also with a "JSON Authentication: " log prefix), and passes over
 * the rest of a Samba log file the audit shares (log.%m with `log level = 1 auth_json_audit:3`):
 * its debug headers and their indented text. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdbool.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "detect/detect.h"
#include "decode/ntstatus.h"
#include "outputs/output.h"
#include "replay/json_fast.h"
#include "replay/line_reader.h"
#include "replay/replay.h"
#include "replay/replay_source.h"

/* Inputs beyond this many are parsed in the main thread (a thread and its buffers each). */
#define REPLAY_MAX_THREADS 16

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

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (what timegm counts):
 * years counted from March, so that the leap day ends one. */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;                                 /* [0, 399] */
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;         /* [0, 146096] */
	return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DDTHH:MM" (or a space for the T), a valid date: its first second since the epoch
 * (as timegm), or -1. */
static int parse_minute(const char *s, int64_t *t)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi;
	bool leap;

	if (strnlen(s, 16) < 16 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59)
		return -1;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[mo - 1] + (mo == 2 && leap))
		return -1;
	*t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
	return 0;
}

/* ":SS[.fraction][Z|+HH[:]MM|-HH[:]MM]" after the minute: the seconds and microseconds to add
 * to it, or -1. */
static int parse_seconds(const char *s, int64_t *sec_off, int *usec)
{
	int sec, scale = 100000, off = 0;
	const char *p;

	*usec = 0;
	if (s[0] != ':' || digits(s + 1, 2, &sec) || sec > 60)
		return -1;
	p = s + 3;
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9')
			return -1; /* a dot needs digits */
		for (p++; *p >= '0' && *p <= '9'; p++) {
			*usec += (*p - '0') * scale;
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
	}
	if (*p)
		return -1;
	*sec_off = sec - off;
	return 0;
}

int replay_parse_time_cached(struct replay_time_cache *c, const char *s, uint64_t *us)
{
	int64_t minute, sec;
	int usec;

	if (!s)
		return -1;
	if (c && c->prefix[0] && !strncmp(s, c->prefix, 16)) {
		minute = c->minute_s;
	} else {
		if (parse_minute(s, &minute))
			return -1;
		if (c) {
			memcpy(c->prefix, s, 16);
			c->prefix[16] = 0;
			c->minute_s = minute;
		}
	}
	if (parse_seconds(s + 16, &sec, &usec))
		return -1;
	*us = (uint64_t)(minute + sec) * 1000000 + (uint64_t)usec;
	return 0;
}

int replay_parse_time(const char *s, uint64_t *us)
{
	return replay_parse_time_cached(NULL, s, us);
}

/* strtoul(s, NULL, base) for the short, all-digit strings records carry ("445",
 * "0xc0000034"); anything else goes to strtoul itself. */
static uint32_t to_u32(const char *s, int base)
{
	const char *p = s + (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 2 : 0);
	uint32_t v = 0;
	int i;

	for (i = 0; i < 8 && p[i]; i++) {
		unsigned char c = (unsigned char)p[i];
		unsigned dv = c >= '0' && c <= '9'			? c - '0'
			      : base == 16 && (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
										    : 99;

		if (dv >= (unsigned)base)
			break;
		v = v * (uint32_t)base + dv;
	}
	if (i == 0 || p[i]) /* empty, longer, or not only digits: as strtoul says */
		return (uint32_t)strtoul(s, NULL, base);
	return v;
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
	*port = to_u32(last + 1, 10);
	return 0;
}

static enum replay_kind bad(char *err, size_t n, const char *why)
{
	snprintf(err, n, "%s", why);
	return REPLAY_BAD;
}

/* The fields replay reads, from a json-c object (the reference the fast path follows). */
static void fields_from_jsonc(struct json_object *o, struct rec_fields *f)
{
	struct json_object *a = NULL;

	memset(f, 0, sizeof(*f));
	f->type = get(o, "type", NULL);
	f->has_auth = json_object_object_get_ex(o, "Authentication", &a);
	f->samba_ts = get(o, "timestamp", NULL);
	f->status = get(a, "status", NULL);
	f->remote = get(a, "remoteAddress", NULL);
	f->account = get(a, "clientAccount", NULL);
	f->domain = get(a, "clientDomain", NULL);
	f->ws = get(a, "workstation", NULL);
	f->dataset = get(o, "event", "dataset");
	f->ts = get(o, "@timestamp", NULL);
	f->code = get(o, "smbwatch", "nt_status_code");
	f->user = get(o, "user", "name");
	f->udomain = get(o, "user", "domain");
	f->swws = get(o, "smbwatch", "workstation");
	f->ip = get(o, "source", "ip");
	f->port = get(o, "source", "port");
	f->share = get(o, "smbwatch", "share");
	f->path = get(o, "file", "path");
	f->unc = get(o, "smbwatch", "unc");
}

/* The last status name looked up, and its code: a log repeats a few statuses. */
struct status_cache {
	char name[64];
	uint32_t code;
};

static int status_code(struct status_cache *c, const char *name, uint32_t *code)
{
	if (c && c->name[0] && !strcmp(c->name, name)) {
		*code = c->code;
		return 0;
	}
	if (ntstatus_code(name, code))
		return -1;
	if (c && strlen(name) < sizeof(c->name)) {
		strcpy(c->name, name);
		c->code = *code;
	}
	return 0;
}

/* An event's dataset: 'a' smbwatch.auth, 'f' smbwatch.file, 't' smbwatch.tree, 0 any other. */
static char dataset_kind(const char *ds)
{
	static const char pre[] = "smbwatch.";

	if (strncmp(ds, pre, sizeof(pre) - 1))
		return 0;
	ds += sizeof(pre) - 1;
	switch (ds[0]) {
	case 'a': return strcmp(ds + 1, "uth") ? 0 : 'a';
	case 'f': return strcmp(ds + 1, "ile") ? 0 : 'f';
	case 't': return strcmp(ds + 1, "ree") ? 0 : 't';
	}
	return 0;
}

/* What the fields say: an event (strings point into f, the client address into ip), a line
 * to pass over, or a malformed record (why in err). */
static enum replay_kind decode_fields(const struct rec_fields *f, struct det_event *e, char *ip,
				      size_t ipn, struct status_cache *sc, struct replay_time_cache *tc,
				      char *err, size_t n)
{
	const char *ds = f->dataset;
	char kind;

	memset(e, 0, sizeof(*e));
	if (f->type) { /* Samba's audit log */
		if (strcmp(f->type, "Authentication"))
			return REPLAY_SKIP; /* Authorization, ... */
		if (!f->has_auth)
			return bad(err, n, "Samba audit record without \"Authentication\"");
		if (!f->samba_ts || replay_parse_time_cached(tc, f->samba_ts, &e->ts_us))
			return bad(err, n, "Samba audit record without a valid \"timestamp\"");
		if (!f->status || status_code(sc, f->status, &e->status))
			return bad(err, n, "Samba audit record with an unknown \"status\"");
		if (split_samba_address(f->remote, ip, ipn, &e->port))
			return bad(err, n, "Samba audit record without a valid \"remoteAddress\"");
		e->kind = DET_LOGON;
		e->ip = ip;
		e->account = f->account;
		e->domain = f->domain;
		e->workstation = f->ws;
		if (!e->account)
			return bad(err, n, "Samba audit record without \"clientAccount\"");
		return REPLAY_EVENT;
	}

	if (!ds)
		return bad(err, n, "neither an smbwatch record (event.dataset) nor a Samba audit "
				   "record (type)");
	kind = dataset_kind(ds);
	if (!kind)
		return REPLAY_SKIP; /* status, stats and finding records */
	if (!f->ts || replay_parse_time_cached(tc, f->ts, &e->ts_us))
		return bad(err, n, "smbwatch record without a valid \"@timestamp\"");
	if (!f->code || strncmp(f->code, "0x", 2))
		return bad(err, n, "smbwatch record without smbwatch.nt_status_code");
	e->status = to_u32(f->code, 16);
	e->account = f->user;
	e->domain = f->udomain;
	e->workstation = f->swws;
	e->ip = f->ip;
	if (f->port) /* NULL again if a later "source" has none */
		e->port = f->port_is_int ? f->port_int : to_u32(f->port, 10);
	if (!e->account || !e->ip)
		return bad(err, n, "smbwatch record without user.name or source.ip");
	if (kind == 'a') {
		e->kind = DET_LOGON;
		return REPLAY_EVENT;
	}
	e->kind = DET_LOOKUP;
	e->is_tree = kind == 't';
	e->share = f->share;
	e->path = f->path;
	e->unc = f->unc;
	return REPLAY_EVENT;
}

enum replay_kind replay_decode(struct json_object *o, struct det_event *e, char *err, size_t n)
{
	static char ip[64]; /* e->ip points here until the next call */
	struct rec_fields f;

	memset(e, 0, sizeof(*e));
	if (!json_object_is_type(o, json_type_object))
		return bad(err, n, "not a JSON object");
	fields_from_jsonc(o, &f);
	return decode_fields(&f, e, ip, sizeof(ip), NULL, NULL, err, n);
}

static const char *const reason_names[REPLAY_NREASONS] = {
	[REPLAY_NOT_JSON] = "not_json",
	[REPLAY_INVALID_JSON] = "invalid_json",
	[REPLAY_BAD_RECORD] = "bad_record",
	[REPLAY_TOO_LONG] = "too_long",
	[REPLAY_NUL_BYTES] = "nul_bytes",
};

const char *replay_reason_name(enum replay_reason r)
{
	return (unsigned)r < REPLAY_NREASONS ? reason_names[r] : "unknown";
}

struct replay_decoder {
	struct jf_parser *jf;
	struct json_tokener *tok;
	struct json_object *o; /* the last line's (json-c path), freed at the next */
	struct status_cache sc;
	struct replay_time_cache tc;
	char ip[64];           /* the last event's client address */
};

struct replay_decoder *replay_decoder_new(void)
{
	struct replay_decoder *dec = calloc(1, sizeof(*dec));

	if (dec && (!(dec->tok = json_tokener_new()) ||
		    (jf_cpu_ok() && !(dec->jf = jf_new())))) {
		replay_decoder_free(dec);
		return NULL;
	}
	return dec;
}

void replay_decoder_free(struct replay_decoder *dec)
{
	if (!dec)
		return;
	json_object_put(dec->o);
	if (dec->tok)
		json_tokener_free(dec->tok);
	if (dec->jf)
		jf_free(dec->jf);
	free(dec);
}

/* json_fast.cc is built for SSE4.2 and PCLMUL (the Makefile's JF_ARCH); this file is not, so
 * it may ask. */
bool jf_cpu_ok(void)
{
#if defined(__x86_64__)
	__builtin_cpu_init();
	return __builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("pclmul");
#else
	return true;
#endif
}

/* The reference path: json-c parses the line, and says what is wrong with it. */
static enum replay_kind decode_jsonc(struct replay_decoder *dec, const char *start, size_t jlen,
				     struct det_event *e, char *err, size_t n,
				     enum replay_reason *why)
{
	enum json_tokener_error je;
	struct rec_fields f;

	json_tokener_reset(dec->tok);
	dec->o = json_tokener_parse_ex(dec->tok, start, (int)jlen);
	je = json_tokener_get_error(dec->tok);
	if (!dec->o || je != json_tokener_success ||
	    json_tokener_get_parse_end(dec->tok) != jlen) {
		*why = REPLAY_INVALID_JSON;
		snprintf(err, n, "not JSON (%s)",
			 dec->o			       ? "text after the object"
			 : je == json_tokener_continue ? "the object is cut short"
						       : json_tokener_error_desc(je));
		return REPLAY_BAD;
	}
	*why = REPLAY_BAD_RECORD;
	if (!json_object_is_type(dec->o, json_type_object))
		return bad(err, n, "not a JSON object");
	fields_from_jsonc(dec->o, &f);
	return decode_fields(&f, e, dec->ip, sizeof(dec->ip), &dec->sc, &dec->tc, err, n);
}

/* Whether the line is Samba's own debug output, never a record: a header,
 * "[2026/12/07 16:55:10.828005,  1] ../../source3/smbd/server.c:1428(main)", or a message's
 * text, which Samba indents ("  smbd version 4.17.12-Debian started."). An indented line
 * that opens as JSON ("  {...}", "  JSON Authentication: {...}") is the audit's, and read. */
bool replay_samba_debug_text(const char *line, size_t len)
{
	static const char shape[] = "[dddd/dd/dd dd:dd:dd"; /* d: a digit */
	size_t i;

	if (len >= sizeof(shape) - 1 && line[0] == '[') {
		for (i = 1; i < sizeof(shape) - 1; i++)
			if (shape[i] == 'd' ? line[i] < '0' || line[i] > '9' : line[i] != shape[i])
				return false;
		return true;
	}
	if (len < 3 || line[0] != ' ' || line[1] != ' ')
		return false;
	for (i = 2; i < len && line[i] == ' '; i++)
		;
	return i < len && line[i] != '{' && !(len - i >= 5 && !memcmp(line + i, "JSON ", 5));
}

enum replay_kind replay_decode_line(struct replay_decoder *dec, char *line, size_t len,
				    struct det_event *e, char *err, size_t n,
				    enum replay_reason *why)
{
	char *start = memchr(line, '{', len); /* "JSON Authentication: {...}" */
	struct rec_fields f;
	size_t jlen;

	json_object_put(dec->o);
	dec->o = NULL;
	memset(e, 0, sizeof(*e));
	if ((!start || start - line > 2) && replay_samba_debug_text(line, len))
		return REPLAY_SKIP;
	if (!start) {
		*why = REPLAY_NOT_JSON;
		snprintf(err, n, "not JSON");
		return REPLAY_BAD;
	}
	jlen = len - (size_t)(start - line);
	if (jlen > INT32_MAX) {
		*why = REPLAY_TOO_LONG;
		snprintf(err, n, "line too long");
		return REPLAY_BAD;
	}
	if (dec->jf && jf_fields(dec->jf, start, jlen, &f) == JF_OK) {
		*why = REPLAY_BAD_RECORD;
		return decode_fields(&f, e, dec->ip, sizeof(dec->ip), &dec->sc, &dec->tc, err, n);
	}
	return decode_jsonc(dec, start, jlen, e, err, n, why);
}

const char *replay_input_refused(const char *path)
{
	struct stat st;

	if (!strcmp(path, "-"))
		return NULL;
	if (stat(path, &st))
		return NULL; /* what cannot be found or read is said when it is opened */
	if (S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode))
		return NULL;
	return S_ISDIR(st.st_mode)  ? "a directory, not a log file" :
	       S_ISCHR(st.st_mode)  ? "a character device, not a log file" :
	       S_ISBLK(st.st_mode)  ? "a block device, not a log file" :
	       S_ISSOCK(st.st_mode) ? "a socket, not a log file" :
				      "not a regular file";
}

/* Worker threads for each of n inputs: the other CPUs shared among them, one at least; none
 * on a single CPU. */
static unsigned replay_workers(int n)
{
	unsigned cpus = replay_cpus(), w;

	if (cpus < 2 || n < 1)
		return 0;
	w = (cpus - 1) / (unsigned)n;
	return w < 1 ? 1 : w > REPLAY_MAX_WORKERS ? REPLAY_MAX_WORKERS : w;
}

/* One input of a replay and the next event it has (the head). */
struct input {
	struct replay_source *src;
	const struct det_event *ev; /* valid until the source's next event */
	unsigned idx;               /* order on the command line: ties go to the earlier file */
};

static bool input_next(struct input *in)
{
	return (in->ev = replay_source_next(in->src)) != NULL;
}

/* A min-heap of inputs by their head event's time (then command-line order). */
static bool earlier(const struct input *a, const struct input *b)
{
	return a->ev->ts_us != b->ev->ts_us ? a->ev->ts_us < b->ev->ts_us : a->idx < b->idx;
}

static void sift_down(struct input **h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct input *t;

		if (l < n && earlier(h[l], h[m]))
			m = l;
		if (l + 1 < n && earlier(h[l + 1], h[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* Feeds the detector every input's events merged in time order (a k-way merge on
 * @timestamp): with logs of several servers, one client's failures on all of them are one
 * finding, counted in the order they happened. Within one input, records stay in file order
 * relative to each other; one earlier than the one before it is counted (out_of_order). */
static void replay_merge(struct input *in, size_t n, struct detector *d)
{
	struct input **h = calloc(n ? n : 1, sizeof(*h));
	size_t nh = 0, i;

	if (!h) {
		fprintf(stderr, "smbwatch: out of memory\n");
		return;
	}
	for (i = 0; i < n; i++)
		if (input_next(&in[i]))
			h[nh++] = &in[i];
	for (i = nh / 2; i-- > 0;)
		sift_down(h, nh, i);
	while (nh) {
		det_feed(d, h[0]->ev);
		if (!input_next(h[0]))
			h[0] = h[--nh];
		sift_down(h, nh, 0);
	}
	free(h);
}

/* standard output's buffer while replaying (glibc takes the size only with a buffer) */
static char stdout_buf[1 << 20];

int replay_run(const struct smbw_opts *o)
{
	struct smbw_ctx ctx;
	struct output out;
	struct detector *d;
	struct replay_stats st = {};
	struct det_stats ds;
	double cpu_s, elapsed;
	uint64_t rss_kb, t0 = smbw_mono_now_ns();
	struct input *in = NULL;
	int i, nin = 0, ret = 0;
	unsigned workers;
	bool all_files = true;
	struct stat sb;

	smbw_ctx_init(&ctx);
	output_init(&out, o->json, &ctx);
	d = det_new(&o->det, output_finding, &out);
	if (!d) {
		fprintf(stderr, "smbwatch: out of memory\n");
		return 1;
	}
	for (i = 0; i < o->nfiles; i++) { /* refused inputs: nothing is replayed */
		const char *why = replay_input_refused(o->files[i]);

		if (why) {
			fprintf(stderr, "smbwatch: %s: %s\n", o->files[i], why);
			ret = 1;
		}
	}
	if (ret)
		goto out;
	in = calloc((size_t)o->nfiles, sizeof(*in));
	if (!in) {
		fprintf(stderr, "smbwatch: out of memory\n");
		ret = 1;
		goto out;
	}
	/* parsing is most of the work: the CPUs beside this thread (which feeds the detector, and
	 * decodes too while it waits) parse, shared among the inputs, at least one each */
	workers = o->no_threads || o->nfiles > REPLAY_MAX_THREADS ? 0 : replay_workers(o->nfiles);
	for (i = 0; i < o->nfiles; i++) {
		struct input *x = &in[nin];
		const char *name = strcmp(o->files[i], "-") ? o->files[i] : "(stdin)";
		int fd = strcmp(o->files[i], "-") ? open(o->files[i], O_RDONLY | O_CLOEXEC) : 0;

		if (fd < 0) {
			fprintf(stderr, "smbwatch: cannot read %s: %s\n", o->files[i],
				strerror(errno));
			ret = 1;
			continue;
		}
		x->idx = (unsigned)i;
		x->src = replay_source_open(name, fd, o->max_line, workers);
		if (!x->src) {
			fprintf(stderr, "smbwatch: out of memory\n");
			if (fd)
				close(fd);
			ret = 1;
			continue;
		}
		nin++;
		all_files &= !fstat(fd, &sb) && S_ISREG(sb.st_mode);
	}
	/* logs already written: their findings in large blocks (stdio's default, 4 KiB, is about
	 * one write(2) per finding). A stream (a FIFO, standard input) or a terminal keeps the
	 * default, so that findings are not held back while its input waits. */
	if (all_files && !isatty(STDOUT_FILENO))
		setvbuf(stdout, stdout_buf, _IOFBF, sizeof(stdout_buf));
	replay_merge(in, nin, d);
	for (i = 0; i < nin; i++)
		ret |= replay_source_close(in[i].src, &st);
	free(in);
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
		jw_obj_begin(&out.jw, "malformed_by");
		for (i = 0; i < REPLAY_NREASONS; i++)
			jw_u64(&out.jw, replay_reason_name(i), st.malformed_by[i]);
		jw_obj_end(&out.jw);
		jw_u64(&out.jw, "out_of_order", st.out_of_order);
		jw_u64(&out.jw, "inputs", (uint64_t)o->nfiles);
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
				"%llu malformed; %llu finding(s); %llu pair(s) evicted; %.2f s, "
				"peak RSS %llu KiB\n",
			(unsigned long long)st.lines, (unsigned long long)st.events,
			(unsigned long long)st.skipped, (unsigned long long)st.malformed,
			(unsigned long long)ds.findings, (unsigned long long)ds.evicted_keys, elapsed,
			(unsigned long long)rss_kb);
		if (st.out_of_order)
			fprintf(stderr, "smbwatch: %llu record(s) earlier than the one before them in "
					"their file (fed in file order)\n",
				(unsigned long long)st.out_of_order);
		for (i = 0; i < REPLAY_NREASONS; i++)
			if (st.malformed_by[i])
				fprintf(stderr, "smbwatch: malformed: %llu %s\n",
					(unsigned long long)st.malformed_by[i], replay_reason_name(i));
	}
out:
	det_free(d);
	output_free(&out);
	return ret || out.broken ? 1 : 0;
}
