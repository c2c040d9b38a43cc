/* SPDX-License-Identifier: GPL-2.0 */
/* The detector: turns logon and lookup events into findings a Samba admin can act on.
 *
 * Findings are keyed by (account, client IP). One finding holds both the failed logons and
 * the failed lookups of that account from that client. Rules:
 *   lockout risk      failed logons in the window >= --logon-threshold
 *   failed lookups    failed lookups in the window >= --lookup-threshold
 *   PATH search       one file name looked for in >= --path-threshold directories or shares
 * A finding opens when a rule first holds, is updated (not repeated) while events go on, and
 * is reported once more in the summary at the end.
 *
 * Memory follows the traffic: each (account, client) pair costs about 100 bytes (its counts in
 * a few time slices), and only pairs that are watched by name, that failed a lookup or that
 * came within one event of a threshold keep the detail a finding shows (statuses, files,
 * shares), itself bounded. At most max_pairs pairs are kept; when a new pair would exceed it,
 * the least recently active pair is evicted in O(1) (an LRU list), its open finding, if any,
 * summarised first. Lockout counters are per account, in a hash table. Every eviction is
 * counted. */
#ifndef SMBW_DETECT_H
#define SMBW_DETECT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DET_MAX_WATCH 32
#define DET_MAX_FILES 32     /* distinct (share, path) kept per finding: the most looked-for */
#define DET_MAX_STATUSES 8
#define DET_MAX_DIRS 16      /* directories listed for a PATH-search name */
#define DET_MAX_SHARES 8     /* missing shares kept per finding */
#define DET_BUCKETS 60       /* the window in 60 slices */
#define DET_STR 128          /* account, domain, workstation, share, server */
#define DET_PATH 256         /* a kept path (longer ones are cut) */
#define DET_DEFAULT_MAX_PAIRS 1000000
#define DET_MAX_MAX_PAIRS 50000000

struct det_config {
	uint32_t window_s;          /* sliding window for counts (default 300) */
	uint32_t logon_threshold;   /* failed logons in the window (default 3) */
	uint32_t lookup_threshold;  /* failed lookups in the window (default 10) */
	uint32_t path_threshold;    /* directories one name is sought in (default 3) */
	uint32_t lockout_threshold; /* the domain's "account lockout threshold"; 0: unknown */
	uint32_t lockout_window_s;  /* "reset account lockout counter after" (default 1800) */
	uint32_t update_interval_s; /* at most one update per finding this often (default 10) */
	uint32_t max_keys;          /* (account, client) pairs tracked (default 1,000,000) */
	bool all_accounts;
	const char *watch[DET_MAX_WATCH]; /* globs watched besides "SMSCliToknAcct&*" */
	int nwatch;
};

void det_config_defaults(struct det_config *c);

enum det_kind {
	DET_LOGON,
	DET_LOOKUP, /* a failed open, search or share connect */
};

/* One event, from live tracing or from a recorded line. Strings may be NULL. */
struct det_event {
	enum det_kind kind;
	uint64_t ts_us; /* wall clock, microseconds since the epoch */
	uint32_t status;
	const char *account, *domain, *workstation, *ip;
	uint32_t port;
	const char *share, *path, *unc; /* lookups: unc is \\server\share\path, or \\server\share */
	bool is_tree;                    /* a share connect */
};

/* A file's strings belong to the detector, valid (like the message) during the emit call:
 * a callback that keeps a finding copies them. */
struct det_file {
	const char *server; /* as in the UNC path of the lookup ("" when it had none), < DET_STR */
	const char *share;  /* < DET_STR bytes */
	const char *path;   /* inside the share, '/'-separated, < DET_PATH bytes */
	uint16_t server_len, share_len, path_len; /* their strlen */
	uint64_t count;
	uint64_t last_us;
	uint32_t key_hash;  /* of (share, path), case-folded: a quick "not this one" */
	uint32_t name_hash; /* of the last component, case-folded: PATH-search grouping */
};

struct det_status {
	uint32_t status;
	uint64_t count;
};

struct det_finding {
	uint64_t id;
	char account[DET_STR], domain[DET_STR], ip[64], workstation[DET_STR];
	char server[DET_STR]; /* as in the UNC paths the client used (the latest) */
	uint32_t window_s;
	uint64_t start_us, end_us;          /* first and last event of the finding */
	uint64_t failed_logons;             /* in the window */
	uint64_t failed_lookups;            /* in the window */
	uint64_t total_failed_logons, total_failed_lookups; /* since the key was first seen */
	struct det_status logon_statuses[DET_MAX_STATUSES];
	int n_logon_statuses;
	struct det_status lookup_statuses[DET_MAX_STATUSES];
	int n_lookup_statuses;
	struct det_file files[DET_MAX_FILES];
	int nfiles;
	char missing_shares[DET_MAX_SHARES][DET_STR];
	int nmissing_shares;
	int lockout_remaining; /* -1: no policy given */
	bool locked_out;       /* ACCOUNT_LOCKED_OUT seen */
	bool rule_lockout, rule_lookups, rule_path;
	char path_name[DET_PATH];       /* PATH search: the file name */
	int path_files[DET_MAX_DIRS];   /* and the files[] entries of the directories tried */
	int npath_files;
	const char *message; /* one plain sentence; valid during the emit call */
};

/* "finding_opened", "finding_updated" or "finding_summary". */
typedef void (*det_emit_fn)(void *arg, const struct det_finding *f, const char *action);

struct detector;

struct detector *det_new(const struct det_config *c, det_emit_fn emit, void *arg);
void det_free(struct detector *d);

/* Whether an account is watched (domain prefix and @realm ignored, case-insensitive). */
bool det_watched(const struct det_config *c, const char *account);

void det_feed(struct detector *d, const struct det_event *e);

/* The summary: every finding that opened, once more. */
void det_finish(struct detector *d);

struct det_stats {
	uint64_t events, ignored, findings, updates;
	uint64_t evicted_keys;      /* pairs evicted to stay within max_keys */
	uint64_t evicted_findings;  /* of which had an open finding (summarised when evicted) */
	uint64_t evicted_accounts;  /* idle lockout counters dropped (more than max_keys) */
	uint64_t window_dropped;    /* events too old for their pair's window (out of order) */
	uint64_t pairs, detailed, accounts; /* now */
	uint64_t no_memory;         /* events lost to a failed allocation */
};
void det_get_stats(const struct detector *d, struct det_stats *s);

/* Rule ids and names of a finding's main rule (lockout > PATH search > lookups). */
const char *det_rule_id(const struct det_finding *f);
const char *det_rule_name(const struct det_finding *f);

#endif
