/* SPDX-License-Identifier: GPL-2.0 */
/* smbwatch top's model: one row per (client IP, account), the counts behind it, and the text
 * of the table. Pure: the curses view, --batch and the unit tests all use it. */
#ifndef SMBW_TOP_MODEL_H
#define SMBW_TOP_MODEL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOP_STR 128
#define TOP_FILES 16
#define TOP_STATUSES 6
#define TOP_RECENT 8
#define TOP_MAX_ROWS 4096

struct top_file {
	char share[TOP_STR];
	char path[256];
	uint64_t count;
};

struct top_row {
	char ip[64];
	char account[TOP_STR];
	char domain[TOP_STR];
	char workstation[TOP_STR];
	uint64_t logons_ok, logons_failed, lookups_failed;
	uint64_t last_total;   /* failures at the previous refresh, for the rate */
	double rate;           /* failures per second over the last refresh */
	char last_missing[256];
	int lockout_remaining; /* -1: no policy or no finding */
	bool finding;          /* an open finding names this row */
	uint64_t finding_id;
	struct top_file files[TOP_FILES];
	int nfiles;
	struct {
		uint32_t status;
		uint64_t count;
	} statuses[TOP_STATUSES];
	int nstatuses;
	char recent[TOP_RECENT][256]; /* newest last */
	int nrecent;
	uint64_t last_us;
};

enum top_sort {
	TOP_SORT_DEFAULT = 0, /* findings first, then failures */
	TOP_SORT_CLIENT,
	TOP_SORT_ACCOUNT,
	TOP_SORT_WORKSTATION,
	TOP_SORT_LOGONS_OK,
	TOP_SORT_LOGONS_FAILED,
	TOP_SORT_LOOKUPS,
	TOP_SORT_RATE,
	TOP_SORT_LOCKOUT,
	TOP_SORT_COUNT,
};

struct top_model {
	struct top_row *rows;
	int nrows;
	uint64_t evicted;
	uint64_t logons_ok, logons_failed, lookups_failed, dropped;
	int open_findings;
};

int top_model_init(struct top_model *m);
void top_model_free(struct top_model *m);

/* A logon (status 0 = success). */
void top_model_logon(struct top_model *m, uint64_t ts_us, const char *ip, const char *account,
		     const char *domain, const char *workstation, uint32_t status);
/* A failed lookup: share connects have path NULL or "". */
void top_model_lookup(struct top_model *m, uint64_t ts_us, const char *ip, const char *account,
		      const char *domain, const char *workstation, uint32_t status,
		      const char *share, const char *path, const char *unc);
/* A finding opened or changed for (ip, account). */
void top_model_finding(struct top_model *m, const char *ip, const char *account, uint64_t id,
		       int lockout_remaining);
/* Once per refresh: rates over the last interval_s seconds. */
void top_model_tick(struct top_model *m, double interval_s);

/* The rows to show, in order: sorted by sort (descending for counts, ascending for text),
 * kept only when filter ("" for all) is found, case-insensitively, in the client, account,
 * workstation or a file. Returns how many were put in out (at most max). */
int top_model_view(const struct top_model *m, enum top_sort sort, const char *filter,
		   const struct top_row **out, int max);

const char *top_sort_name(enum top_sort s);

/* The column header and one row, cut or padded to width columns (no newline). Control bytes
 * and invalid UTF-8 in names are escaped; the marker is '!' for a row with a finding. */
void top_format_header(char *out, size_t n, int width, enum top_sort sort);
void top_format_row(char *out, size_t n, int width, const struct top_row *r);

#endif
