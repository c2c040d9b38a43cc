// SPDX-License-Identifier: GPL-2.0
/* smbwatch top: rows and their text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "common/str.h"
#include "decode/ntstatus.h"
#include "outputs/text_out.h"
#include "outputs/top_model.h"

int top_model_init(struct top_model *m)
{
	memset(m, 0, sizeof(*m));
	m->rows = calloc(TOP_MAX_ROWS, sizeof(*m->rows));
	return m->rows ? 0 : -1;
}

void top_model_free(struct top_model *m)
{
	free(m->rows);
	m->rows = NULL;
}

static struct top_row *row_for(struct top_model *m, const char *ip, const char *account,
			       uint64_t ts_us)
{
	int i, oldest = 0;
	struct top_row *r;

	for (i = 0; i < m->nrows; i++)
		if (!strcmp(m->rows[i].ip, ip ? ip : "") &&
		    !strcasecmp(m->rows[i].account, account ? account : ""))
			return &m->rows[i];
	if (m->nrows < TOP_MAX_ROWS) {
		r = &m->rows[m->nrows++];
	} else { /* the quietest row makes room; counted */
		for (i = 1; i < m->nrows; i++)
			if (m->rows[i].last_us < m->rows[oldest].last_us)
				oldest = i;
		r = &m->rows[oldest];
		m->evicted++;
	}
	memset(r, 0, sizeof(*r));
	smbw_copy_str(r->ip, sizeof(r->ip), ip);
	smbw_copy_str(r->account, sizeof(r->account), account);
	r->lockout_remaining = -1;
	r->last_us = ts_us;
	return r;
}

static void note(struct top_row *r, const char *fmt_line)
{
	if (r->nrecent == TOP_RECENT) {
		memmove(r->recent[0], r->recent[1], sizeof(r->recent[0]) * (TOP_RECENT - 1));
		r->nrecent--;
	}
	smbw_copy_str(r->recent[r->nrecent++], sizeof(r->recent[0]), fmt_line);
}

static void status_count(struct top_row *r, uint32_t status)
{
	int i;

	for (i = 0; i < r->nstatuses; i++)
		if (r->statuses[i].status == status) {
			r->statuses[i].count++;
			return;
		}
	if (r->nstatuses < TOP_STATUSES) {
		r->statuses[r->nstatuses].status = status;
		r->statuses[r->nstatuses++].count = 1;
	}
}

static void common(struct top_row *r, uint64_t ts_us, const char *domain, const char *ws)
{
	r->last_us = ts_us;
	if (domain && domain[0])
		smbw_copy_str(r->domain, sizeof(r->domain), domain);
	if (ws && ws[0])
		smbw_copy_str(r->workstation, sizeof(r->workstation), ws);
}

void top_model_logon(struct top_model *m, uint64_t ts_us, const char *ip, const char *account,
		     const char *domain, const char *workstation, uint32_t status)
{
	struct top_row *r = row_for(m, ip, account, ts_us);
	char line[256], sb[32];

	common(r, ts_us, domain, workstation);
	if (status == 0) {
		r->logons_ok++;
		m->logons_ok++;
	} else {
		r->logons_failed++;
		m->logons_failed++;
		status_count(r, status);
	}
	snprintf(line, sizeof(line), "logon %s", ntstatus_str(status, sb, sizeof(sb)));
	note(r, line);
}

void top_model_lookup(struct top_model *m, uint64_t ts_us, const char *ip, const char *account,
		      const char *domain, const char *workstation, uint32_t status,
		      const char *share, const char *path, const char *unc)
{
	struct top_row *r = row_for(m, ip, account, ts_us);
	char line[256], sb[32];
	const char *what = path && path[0] ? path : unc ? unc : "";
	int i, least = 0;

	common(r, ts_us, domain, workstation);
	r->lookups_failed++;
	m->lookups_failed++;
	status_count(r, status);
	smbw_copy_str(r->last_missing, sizeof(r->last_missing), what);
	snprintf(line, sizeof(line), "%s %s", ntstatus_str(status, sb, sizeof(sb)),
		 unc ? unc : what);
	note(r, line);
	for (i = 0; i < r->nfiles; i++)
		if (!strcasecmp(r->files[i].path, what) &&
		    !strcasecmp(r->files[i].share, share ? share : "")) {
			r->files[i].count++;
			return;
		}
	if (r->nfiles == TOP_FILES) {
		for (i = 1; i < r->nfiles; i++)
			if (r->files[i].count < r->files[least].count)
				least = i;
		i = least;
	} else {
		i = r->nfiles++;
	}
	smbw_copy_str(r->files[i].share, sizeof(r->files[i].share), share);
	smbw_copy_str(r->files[i].path, sizeof(r->files[i].path), what);
	r->files[i].count = 1;
}

void top_model_finding(struct top_model *m, const char *ip, const char *account, uint64_t id,
		       int lockout_remaining)
{
	struct top_row *r = row_for(m, ip, account, 0);
	int i;

	r->finding = true;
	r->finding_id = id;
	r->lockout_remaining = lockout_remaining;
	m->open_findings = 0;
	for (i = 0; i < m->nrows; i++)
		m->open_findings += m->rows[i].finding;
}

void top_model_tick(struct top_model *m, double interval_s)
{
	int i;

	for (i = 0; i < m->nrows; i++) {
		struct top_row *r = &m->rows[i];
		uint64_t total = r->logons_failed + r->lookups_failed;

		r->rate = interval_s > 0 ? (double)(total - r->last_total) / interval_s : 0;
		r->last_total = total;
	}
}

static const char *sort_names[TOP_SORT_COUNT] = {
	"findings", "client", "account", "workstation", "ok", "failed logons",
	"failed lookups", "rate", "lockout",
};

const char *top_sort_name(enum top_sort s)
{
	return s < TOP_SORT_COUNT ? sort_names[s] : "?";
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? 1 : a > b ? -1 : 0; /* descending */
}

static enum top_sort sort_key;

static int cmp_rows(const void *pa, const void *pb)
{
	const struct top_row *a = *(const struct top_row *const *)pa;
	const struct top_row *b = *(const struct top_row *const *)pb;
	int c = 0;

	switch (sort_key) {
	case TOP_SORT_CLIENT: c = strcmp(a->ip, b->ip); break;
	case TOP_SORT_ACCOUNT: c = strcasecmp(a->account, b->account); break;
	case TOP_SORT_WORKSTATION: c = strcasecmp(a->workstation, b->workstation); break;
	case TOP_SORT_LOGONS_OK: c = cmp_u64(a->logons_ok, b->logons_ok); break;
	case TOP_SORT_LOGONS_FAILED: c = cmp_u64(a->logons_failed, b->logons_failed); break;
	case TOP_SORT_LOOKUPS: c = cmp_u64(a->lookups_failed, b->lookups_failed); break;
	case TOP_SORT_RATE: c = a->rate < b->rate ? 1 : a->rate > b->rate ? -1 : 0; break;
	case TOP_SORT_LOCKOUT: /* closest to lockout first; unknown last */
		c = (a->lockout_remaining < 0) - (b->lockout_remaining < 0);
		if (!c)
			c = a->lockout_remaining - b->lockout_remaining;
		break;
	default:
		c = (int)b->finding - (int)a->finding;
		if (!c)
			c = cmp_u64(a->logons_failed + a->lookups_failed,
				    b->logons_failed + b->lookups_failed);
	}
	if (!c)
		c = strcmp(a->ip, b->ip);
	if (!c)
		c = strcasecmp(a->account, b->account);
	return c;
}

static bool matches(const struct top_row *r, const char *f)
{
	int i;

	if (!f || !f[0])
		return true;
	if (strcasestr(r->ip, f) || strcasestr(r->account, f) || strcasestr(r->workstation, f))
		return true;
	for (i = 0; i < r->nfiles; i++)
		if (strcasestr(r->files[i].path, f) || strcasestr(r->files[i].share, f))
			return true;
	return false;
}

int top_model_view(const struct top_model *m, enum top_sort sort, const char *filter,
		   const struct top_row **out, int max)
{
	static const struct top_row *all[TOP_MAX_ROWS];
	int i, n = 0;

	for (i = 0; i < m->nrows && n < TOP_MAX_ROWS; i++)
		if (matches(&m->rows[i], filter))
			all[n++] = &m->rows[i];
	sort_key = sort;
	qsort(all, (size_t)n, sizeof(*all), cmp_rows); /* sort all, then keep the first max */
	if (n > max)
		n = max;
	memcpy(out, all, sizeof(*out) * (size_t)n);
	return n;
}

/* Pads or cuts UTF-8 text to exactly w columns (one column per character). */
static size_t put_col(char *out, size_t n, size_t o, const char *s, int w)
{
	char esc[1024];
	const unsigned char *p;
	int cols = 0;

	text_escape(s, strlen(s), esc, sizeof(esc));
	for (p = (const unsigned char *)esc; *p && cols < w && o + 5 < n; cols++) {
		int len = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;

		while (len-- && *p && o + 1 < n)
			out[o++] = (char)*p++;
	}
	for (; cols < w && o + 1 < n; cols++)
		out[o++] = ' ';
	out[o] = 0;
	return o;
}

#define COLS_FIXED 75 /* everything but the last-missing-file column: 2+15+1+16+1+11+29 */

void top_format_header(char *out, size_t n, int width, enum top_sort sort)
{
	static const struct {
		const char *name;
		int width; /* negative: left-aligned */
		enum top_sort col;
	} cols[] = {
		{ "CLIENT", -15, TOP_SORT_CLIENT },	   { "ACCOUNT", -16, TOP_SORT_ACCOUNT },
		{ "WORKSTATION", -11, TOP_SORT_WORKSTATION }, { "OK", 4, TOP_SORT_LOGONS_OK },
		{ "FAIL", 4, TOP_SORT_LOGONS_FAILED },	   { "LOOKUP", 6, TOP_SORT_LOOKUPS },
		{ "RATE", 5, TOP_SORT_RATE },		   { "LOCK", 4, TOP_SORT_LOCKOUT },
	};
	char line[512];
	size_t o = (size_t)snprintf(line, sizeof(line), "  ");
	size_t i;

	/* the columns of top_format_row; names never move: the sort column's name is followed
	 * by '*' (inside its width, or in the separator after it) */
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		size_t at = o;

		o += (size_t)snprintf(line + o, sizeof(line) - o, "%*s ", cols[i].width,
				      cols[i].name);
		if (cols[i].col == sort) {
			size_t name_end = cols[i].width < 0 ? at + strlen(cols[i].name) : o - 1;

			line[name_end] = '*';
		}
	}
	snprintf(line + o, sizeof(line) - o, "LAST MISSING FILE");
	put_col(out, n, 0, line, width);
}

void top_format_row(char *out, size_t n, int width, const struct top_row *r)
{
	char num[64], lock[16];
	size_t o = 0;

	o = put_col(out, n, o, r->finding ? "! " : "  ", 2);
	o = put_col(out, n, o, r->ip, 15);
	o = put_col(out, n, o, " ", 1);
	o = put_col(out, n, o, r->account, 16);
	o = put_col(out, n, o, " ", 1);
	o = put_col(out, n, o, r->workstation[0] ? r->workstation : "-", 11);
	if (r->lockout_remaining >= 0)
		snprintf(lock, sizeof(lock), "%d", r->lockout_remaining);
	else
		snprintf(lock, sizeof(lock), "-");
	snprintf(num, sizeof(num), " %4llu %4llu %6llu %5.1f %4s ",
		 (unsigned long long)r->logons_ok, (unsigned long long)r->logons_failed,
		 (unsigned long long)r->lookups_failed, r->rate, lock);
	o = put_col(out, n, o, num, (int)strlen(num));
	if (width > COLS_FIXED)
		o = put_col(out, n, o, r->last_missing, width - COLS_FIXED);
	/* cut to the screen */
	if (width < COLS_FIXED) {
		char tmp[2048];

		snprintf(tmp, sizeof(tmp), "%s", out);
		put_col(out, n, 0, tmp, width);
	}
	(void)o;
}
