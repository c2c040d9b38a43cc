// SPDX-License-Identifier: GPL-2.0
/* The detector. See detect.h for the rules; the lockout countdown follows the domain
 * controller's rule for badPwdCount:
 *   - each failed logon with NT_STATUS_WRONG_PASSWORD is one bad attempt, counted per account
 *     (the DC counts per account, whatever the client); a Windows client's retries are
 *     separate session setups, and each one that reaches the server is counted, as the DC
 *     counts each authentication it sees;
 *   - the count goes back to 0 after --lockout-window seconds without a bad attempt ("reset
 *     account lockout counter after"), and after a successful logon;
 *   - NT_STATUS_ACCOUNT_LOCKED_OUT means the account is locked: nothing remains;
 *   - remaining = threshold - count. This server sees only the attempts made to it, and a DC
 *     does not count a wrong password that matches one of the two previous ones, so the real
 *     remaining may be lower or higher: it is shown as what this server's traffic alone uses. */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "detect.h"
#include "ntstatus.h"

#define WRONG_PASSWORD 0xc000006aU
#define ACCOUNT_LOCKED_OUT 0xc0000234U
#define HASH_BUCKETS 4096
#define MAX_ACCOUNTS 4096

struct bucket {
	uint64_t slot; /* ts / slice; counts belong to this slice */
	uint32_t logons, lookups;
};

struct key {
	struct key *next;      /* hash chain */
	char hkey[DET_STR + 64]; /* account (lower case) | ip */
	char acct_key[DET_STR];  /* account (lower case), for the lockout counter */
	struct det_finding f;
	bool open;
	uint64_t last_emit_us, emitted_logons, emitted_lookups;
	int emitted_remaining;
	bool emitted_lockout, emitted_lookups_rule, emitted_path, emitted_locked;
	uint64_t last_us;
	uint64_t missing_share_us[DET_MAX_SHARES]; /* last failed connect to each */
	struct bucket b[DET_BUCKETS];
};

struct account {
	char key[DET_STR];
	uint32_t bad;
	uint64_t last_bad_us;
	bool locked;
};

struct detector {
	struct det_config c;
	det_emit_fn emit;
	void *arg;
	struct key *hash[HASH_BUCKETS];
	uint32_t nkeys;
	struct account accounts[MAX_ACCOUNTS];
	uint32_t naccounts;
	uint64_t next_id;
	struct det_stats st;
	char message[4096];
};

void det_config_defaults(struct det_config *c)
{
	memset(c, 0, sizeof(*c));
	c->window_s = 300;
	c->logon_threshold = 3;
	c->lookup_threshold = 10;
	c->path_threshold = 3;
	c->lockout_window_s = 1800;
	c->update_interval_s = 10;
	c->max_keys = 4000;
}

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* "CORP\SMSCliToknAcct&" and "SMSCliToknAcct&@corp.example" -> "SMSCliToknAcct&" */
static void bare_account(const char *in, char *out, size_t n)
{
	const char *bs = in ? strrchr(in, '\\') : NULL;
	size_t len;

	if (!in)
		in = "";
	if (bs)
		in = bs + 1;
	len = strcspn(in, "@");
	if (len >= n)
		len = n - 1;
	memcpy(out, in, len);
	out[len] = 0;
}

bool det_watched(const struct det_config *c, const char *account)
{
	char bare[DET_STR], pat[DET_STR];
	int i;

	if (c->all_accounts)
		return true;
	bare_account(account, bare, sizeof(bare));
	/* the SMS Client User Token account always; --watch-account adds to it */
	if (!fnmatch("SMSCliToknAcct&*", bare, FNM_CASEFOLD))
		return true;
	for (i = 0; i < c->nwatch; i++) {
		bare_account(c->watch[i], pat, sizeof(pat));
		if (!fnmatch(pat, bare, FNM_CASEFOLD))
			return true;
	}
	return false;
}

struct detector *det_new(const struct det_config *c, det_emit_fn emit, void *arg)
{
	struct detector *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->c = *c;
	if (!d->c.window_s)
		d->c.window_s = 300;
	if (!d->c.max_keys)
		d->c.max_keys = 4000;
	d->emit = emit;
	d->arg = arg;
	d->next_id = 1;
	return d;
}

void det_free(struct detector *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < HASH_BUCKETS; i++) {
		struct key *k = d->hash[i], *next;

		for (; k; k = next) {
			next = k->next;
			free(k);
		}
	}
	free(d);
}

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* FNV-1a over ASCII-case-folded bytes, continuing from h. */
static uint32_t hash_fold(uint32_t h, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = (h ^ c) * 16777619u;
	}
	return h;
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* Drops the key that has been quiet longest; counted. */
static void evict_one(struct detector *d)
{
	struct key **victim = NULL, **pp;
	size_t i;

	for (i = 0; i < HASH_BUCKETS; i++)
		for (pp = &d->hash[i]; *pp; pp = &(*pp)->next)
			if (!victim || (*pp)->last_us < (*victim)->last_us)
				victim = pp;
	if (victim) {
		struct key *k = *victim;

		*victim = k->next;
		free(k);
		d->nkeys--;
		d->st.evicted_keys++;
	}
}

static struct key *get_key(struct detector *d, const struct det_event *e)
{
	char bare[DET_STR], hk[DET_STR + 64];
	struct key *k;
	uint32_t h;

	bare_account(e->account, bare, sizeof(bare));
	snprintf(hk, sizeof(hk), "%s|%s", bare, e->ip ? e->ip : "");
	lower(hk);
	h = hash(hk) % HASH_BUCKETS;
	for (k = d->hash[h]; k; k = k->next)
		if (!strcmp(k->hkey, hk))
			return k;
	if (d->nkeys >= d->c.max_keys)
		evict_one(d);
	k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	snprintf(k->hkey, sizeof(k->hkey), "%s", hk);
	copy(k->acct_key, sizeof(k->acct_key), bare);
	lower(k->acct_key);
	copy(k->f.account, sizeof(k->f.account), bare);
	copy(k->f.ip, sizeof(k->f.ip), e->ip);
	k->f.lockout_remaining = -1;
	k->f.window_s = d->c.window_s;
	k->next = d->hash[h];
	d->hash[h] = k;
	d->nkeys++;
	return k;
}

static struct account *get_account(struct detector *d, const char *acct_key)
{
	uint32_t i, oldest = 0;

	for (i = 0; i < d->naccounts; i++)
		if (!strcmp(d->accounts[i].key, acct_key))
			return &d->accounts[i];
	if (d->naccounts < MAX_ACCOUNTS) {
		i = d->naccounts++;
	} else {
		for (i = 1; i < MAX_ACCOUNTS; i++)
			if (d->accounts[i].last_bad_us < d->accounts[oldest].last_bad_us)
				oldest = i;
		i = oldest;
	}
	memset(&d->accounts[i], 0, sizeof(d->accounts[i]));
	copy(d->accounts[i].key, sizeof(d->accounts[i].key), acct_key);
	return &d->accounts[i];
}

static void add_status(struct det_status *s, int *n, uint32_t status)
{
	int i, least = 0;

	for (i = 0; i < *n; i++)
		if (s[i].status == status) {
			s[i].count++;
			return;
		}
	if (*n < DET_MAX_STATUSES) {
		s[*n].status = status;
		s[(*n)++].count = 1;
		return;
	}
	for (i = 1; i < *n; i++)
		if (s[i].count < s[least].count)
			least = i;
	s[least].status = status;
	s[least].count = 1;
}

/* The window in microseconds, one of its DET_BUCKETS slices, and where it starts before now. */
static uint64_t window_us(const struct detector *d)
{
	return (uint64_t)d->c.window_s * 1000000;
}

static uint64_t slice_us(const struct detector *d)
{
	uint64_t slice = window_us(d) / DET_BUCKETS;

	return slice ? slice : 1;
}

static uint64_t window_start(const struct detector *d, uint64_t now)
{
	return now > window_us(d) ? now - window_us(d) : 0;
}

static struct bucket *bucket_for(struct detector *d, struct key *k, uint64_t ts)
{
	uint64_t slot = ts / slice_us(d);
	struct bucket *b = &k->b[slot % DET_BUCKETS];

	if (b->slot != slot) {
		b->slot = slot;
		b->logons = b->lookups = 0;
	}
	return b;
}

static void window_counts(struct detector *d, struct key *k, uint64_t now)
{
	uint64_t cur = now / slice_us(d);
	int i;

	k->f.failed_logons = k->f.failed_lookups = 0;
	for (i = 0; i < DET_BUCKETS; i++)
		if (k->b[i].slot + DET_BUCKETS > cur && k->b[i].slot <= cur) {
			k->f.failed_logons += k->b[i].logons;
			k->f.failed_lookups += k->b[i].lookups;
		}
}

/* Adds or counts a file; returns the name hash of its last component. */
static uint32_t add_file(struct det_finding *f, const struct det_event *e)
{
	uint32_t kh = hash_fold(hash_fold(2166136261u, e->share), e->path);
	uint32_t nh = hash_fold(2166136261u, base(e->path ? e->path : ""));
	int i, least = 0;
	struct det_file *x;

	for (i = 0; i < f->nfiles; i++)
		if (f->files[i].key_hash == kh &&
		    !strcasecmp(f->files[i].path, e->path ? e->path : "") &&
		    !strcasecmp(f->files[i].share, e->share ? e->share : "")) {
			f->files[i].count++;
			f->files[i].last_us = e->ts_us;
			return nh;
		}
	if (f->nfiles < DET_MAX_FILES) {
		x = &f->files[f->nfiles++];
	} else { /* evict the least looked-for */
		for (i = 1; i < f->nfiles; i++)
			if (f->files[i].count < f->files[least].count ||
			    (f->files[i].count == f->files[least].count &&
			     f->files[i].last_us < f->files[least].last_us))
				least = i;
		x = &f->files[least];
	}
	copy(x->share, sizeof(x->share), e->share);
	copy(x->path, sizeof(x->path), e->path);
	x->count = 1;
	x->last_us = e->ts_us;
	x->key_hash = kh;
	x->name_hash = nh;
	return nh;
}

/* Directories (and missing shares) the name with this hash was sought in, in the window. */
static int places_tried(struct detector *d, struct key *k, uint32_t name_hash, uint64_t now)
{
	const struct det_finding *f = &k->f;
	uint64_t horizon = window_start(d, now);
	int i, n = 0;

	for (i = 0; i < f->nfiles; i++)
		n += f->files[i].name_hash == name_hash && f->files[i].last_us >= horizon;
	if (n >= 2)
		for (i = 0; i < f->nmissing_shares; i++)
			n += k->missing_share_us[i] >= horizon;
	return n;
}

/* PATH search: a file name sought (and not found) in path_threshold or more directories
 * within the window. Fills path_name and path_files with the name sought in the most. */
static void path_search(struct detector *d, struct key *k, uint64_t now)
{
	struct det_finding *f = &k->f;
	uint64_t horizon = window_start(d, now);
	int i, j, best = 0;

	f->rule_path = false;
	f->npath_files = 0;
	for (i = 0; i < f->nfiles; i++) {
		int idx[DET_MAX_DIRS], n = 0;

		if (f->files[i].last_us < horizon)
			continue;
		for (j = 0; j < f->nfiles; j++)
			if (f->files[j].last_us >= horizon &&
			    f->files[j].name_hash == f->files[i].name_hash && n < DET_MAX_DIRS)
				idx[n++] = j;
		if (n > best) {
			best = n;
			memcpy(f->path_files, idx, sizeof(int) * (size_t)n);
			f->npath_files = n;
			copy(f->path_name, sizeof(f->path_name), base(f->files[i].path));
		}
	}
	/* A PATH walker tries every entry: a share that does not exist (a failed connect, so the
	 * name never reached the server) counts as one more directory tried, once the name was
	 * sought in at least two real ones. */
	if (best >= 2)
		for (i = 0; i < f->nmissing_shares; i++)
			best += k->missing_share_us[i] >= horizon;
	f->rule_path = d->c.path_threshold && (uint32_t)best >= d->c.path_threshold;
}

const char *det_rule_id(const struct det_finding *f)
{
	return f->rule_lockout ? "smbwatch-lockout-risk" :
	       f->rule_path    ? "smbwatch-path-search" :
				 "smbwatch-failed-lookups";
}

const char *det_rule_name(const struct det_finding *f)
{
	return f->rule_lockout ? "Lockout risk: repeated failed logons of one account from one client" :
	       f->rule_path    ? "PATH search: one file sought in several directories or shares" :
				 "Repeated failed lookups: one account from one client";
}

static size_t add(char *buf, size_t n, size_t o, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static size_t add(char *buf, size_t n, size_t o, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (o >= n)
		return o;
	va_start(ap, fmt);
	w = vsnprintf(buf + o, n - o, fmt, ap);
	va_end(ap);
	return w < 0 ? o : o + (size_t)w;
}

static const char *short_status(uint32_t status, char *buf, size_t n)
{
	const char *s = ntstatus_str(status, buf, n);

	return strncmp(s, "NT_STATUS_", 10) ? s : s + 10;
}

/* One plain sentence: who, from where, what failed, how close to lockout, which files. */
static void build_message(struct detector *d, struct det_finding *f)
{
	char *m = d->message, sb[32];
	size_t n = sizeof(d->message), o = 0;
	int i;

	o = add(m, n, o, "%s%s%s from %s%s%s%s: ", f->domain[0] ? f->domain : "",
		f->domain[0] ? "\\" : "", f->account, f->ip, f->workstation[0] ? " (" : "",
		f->workstation, f->workstation[0] ? ")" : "");
	if (f->failed_logons) {
		o = add(m, n, o, "%llu failed logon%s (", (unsigned long long)f->failed_logons,
			f->failed_logons == 1 ? "" : "s");
		for (i = 0; i < f->n_logon_statuses; i++)
			o = add(m, n, o, "%s%s x%llu", i ? ", " : "",
				short_status(f->logon_statuses[i].status, sb, sizeof(sb)),
				(unsigned long long)f->logon_statuses[i].count);
		o = add(m, n, o, ")%s", f->failed_lookups ? " and " : "");
	}
	if (f->failed_lookups)
		o = add(m, n, o, "%llu failed lookup%s", (unsigned long long)f->failed_lookups,
			f->failed_lookups == 1 ? "" : "s");
	o = add(m, n, o, " in the last %u s", f->window_s);
	if (f->locked_out)
		o = add(m, n, o, "; the account is locked out");
	else if (f->lockout_remaining == 0)
		o = add(m, n, o, "; the lockout threshold is reached");
	else if (f->lockout_remaining > 0)
		o = add(m, n, o, "; %d more bad password%s and %s is locked out", f->lockout_remaining,
			f->lockout_remaining == 1 ? "" : "s", f->account);
	if (f->rule_path) {
		o = add(m, n, o, "; it looks for %s in", f->path_name);
		for (i = 0; i < f->npath_files; i++) {
			const struct det_file *x = &f->files[f->path_files[i]];
			const char *slash = strrchr(x->path, '/');
			int dirlen = slash ? (int)(slash - x->path) : 0;

			size_t at = o;

			o = add(m, n, o, "%s \\\\%s\\%s%s%.*s", i ? "," : "", f->server, x->share,
				dirlen ? "\\" : "", dirlen, x->path);
			for (; at < o && at < n; at++)
				if (m[at] == '/')
					m[at] = '\\';
		}
		for (i = 0; i < f->nmissing_shares; i++)
			o = add(m, n, o, ", %s (no such share)", f->missing_shares[i]);
	} else if (f->nfiles) {
		o = add(m, n, o, "; files sought:");
		for (i = 0; i < f->nfiles && i < 5; i++) {
			size_t at = o;

			o = add(m, n, o, "%s \\\\%s\\%s\\%s (%llu)", i ? "," : "", f->server,
				f->files[i].share, f->files[i].path,
				(unsigned long long)f->files[i].count);
			for (; at < o && at < n; at++)
				if (m[at] == '/')
					m[at] = '\\';
		}
	}
	if (f->nmissing_shares && !f->rule_path) {
		o = add(m, n, o, "; missing share%s:", f->nmissing_shares == 1 ? "" : "s");
		for (i = 0; i < f->nmissing_shares; i++)
			o = add(m, n, o, "%s %s", i ? "," : "", f->missing_shares[i]);
	}
	add(m, n, o, ".");
	f->message = m;
}

/* Files sorted by how often they were sought, most first. */
static int by_count(const void *a, const void *b)
{
	const struct det_file *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : strcmp(x->path, y->path);
}

static void emit(struct detector *d, struct key *k, const char *action)
{
	qsort(k->f.files, (size_t)k->f.nfiles, sizeof(k->f.files[0]), by_count);
	path_search(d, k, k->f.end_us); /* indices into the sorted table */
	build_message(d, &k->f);
	d->emit(d->arg, &k->f, action);
	k->f.message = NULL;
	k->last_emit_us = k->f.end_us;
	k->emitted_logons = k->f.total_failed_logons;
	k->emitted_lookups = k->f.total_failed_lookups;
	k->emitted_remaining = k->f.lockout_remaining;
	k->emitted_lockout = k->f.rule_lockout;
	k->emitted_lookups_rule = k->f.rule_lookups;
	k->emitted_path = k->f.rule_path;
	k->emitted_locked = k->f.locked_out;
}

static void lockout_update(struct detector *d, struct key *k, const struct det_event *e)
{
	struct account *a = get_account(d, k->acct_key);
	uint64_t reset = (uint64_t)d->c.lockout_window_s * 1000000;

	if (a->bad && reset && e->ts_us > a->last_bad_us + reset)
		a->bad = 0; /* "reset account lockout counter after" */
	if (e->status == 0) {
		a->bad = 0;
		a->locked = false;
	} else if (e->status == WRONG_PASSWORD) {
		a->bad++;
		a->last_bad_us = e->ts_us;
	} else if (e->status == ACCOUNT_LOCKED_OUT) {
		a->locked = true;
	}
	k->f.locked_out = a->locked;
	if (a->locked)
		k->f.lockout_remaining = 0;
	else if (d->c.lockout_threshold)
		k->f.lockout_remaining = a->bad >= d->c.lockout_threshold ?
						 0 : (int)(d->c.lockout_threshold - a->bad);
	else
		k->f.lockout_remaining = -1; /* no policy given: unknown */
}

void det_feed(struct detector *d, const struct det_event *e)
{
	struct key *k;
	struct bucket *b;
	bool failed = e->status != 0, was_open, changed;

	d->st.events++;
	if (!det_watched(&d->c, e->account) || !e->ip || !e->ip[0]) {
		d->st.ignored++;
		return;
	}
	if (!failed && e->kind == DET_LOOKUP) {
		d->st.ignored++;
		return;
	}
	k = get_key(d, e);
	if (!k)
		return;
	k->last_us = e->ts_us;
	if (e->kind == DET_LOGON)
		lockout_update(d, k, e);
	if (!failed)
		return; /* a successful logon: only the lockout counter cares */

	if (!k->f.start_us)
		k->f.start_us = e->ts_us;
	if (e->ts_us > k->f.end_us)
		k->f.end_us = e->ts_us;
	if (e->domain && e->domain[0])
		copy(k->f.domain, sizeof(k->f.domain), e->domain);
	if (e->workstation && e->workstation[0])
		copy(k->f.workstation, sizeof(k->f.workstation), e->workstation);
	b = bucket_for(d, k, e->ts_us);
	if (e->kind == DET_LOGON) {
		b->logons++;
		k->f.total_failed_logons++;
		add_status(k->f.logon_statuses, &k->f.n_logon_statuses, e->status);
	} else {
		b->lookups++;
		k->f.total_failed_lookups++;
		add_status(k->f.lookup_statuses, &k->f.n_lookup_statuses, e->status);
		if (!e->is_tree && e->unc && e->unc[0] == '\\' && e->unc[1] == '\\') {
			size_t len = strcspn(e->unc + 2, "\\");

			snprintf(k->f.server, sizeof(k->f.server), "%.*s", (int)len, e->unc + 2);
		}
		if (e->is_tree) {
			int i;

			for (i = 0; i < k->f.nmissing_shares; i++)
				if (!strcasecmp(k->f.missing_shares[i], e->unc ? e->unc : ""))
					break;
			if (i == k->f.nmissing_shares && i < DET_MAX_SHARES)
				copy(k->f.missing_shares[k->f.nmissing_shares++], DET_STR, e->unc);
			if (i < DET_MAX_SHARES && e->ts_us > k->missing_share_us[i])
				k->missing_share_us[i] = e->ts_us;
		} else {
			uint32_t nh = add_file(&k->f, e);

			/* only this name can have newly reached the threshold */
			if (d->c.path_threshold &&
			    (uint32_t)places_tried(d, k, nh, e->ts_us) >= d->c.path_threshold)
				k->f.rule_path = true;
		}
	}

	window_counts(d, k, e->ts_us);
	k->f.rule_lockout = k->f.failed_logons >= d->c.logon_threshold || k->f.locked_out;
	k->f.rule_lookups = k->f.failed_lookups >= d->c.lookup_threshold;

	was_open = k->open;
	if (!was_open) {
		if (!k->f.rule_lockout && !k->f.rule_lookups && !k->f.rule_path)
			return;
		k->open = true;
		k->f.id = d->next_id++;
		d->st.findings++;
		emit(d, k, "finding_opened");
		return;
	}
	/* Open: update when a rule newly holds, the countdown moves, or, at most every
	 * update_interval, when the counts grew. */
	changed = (k->f.rule_lockout && !k->emitted_lockout) ||
		  (k->f.rule_lookups && !k->emitted_lookups_rule) ||
		  (k->f.rule_path && !k->emitted_path) ||
		  k->f.lockout_remaining != k->emitted_remaining ||
		  k->f.locked_out != k->emitted_locked;
	if (!changed && e->ts_us - k->last_emit_us >= (uint64_t)d->c.update_interval_s * 1000000 &&
	    (k->f.total_failed_logons != k->emitted_logons ||
	     k->f.total_failed_lookups != k->emitted_lookups))
		changed = true;
	if (changed) {
		d->st.updates++;
		emit(d, k, "finding_updated");
	}
}

void det_finish(struct detector *d)
{
	struct key **all;
	size_t i, n = 0;
	struct key *k;

	all = calloc(d->nkeys ? d->nkeys : 1, sizeof(*all));
	if (!all)
		return;
	for (i = 0; i < HASH_BUCKETS; i++)
		for (k = d->hash[i]; k; k = k->next)
			if (k->open)
				all[n++] = k;
	/* in the order they opened */
	for (i = 1; i < n; i++) {
		struct key *x = all[i];
		size_t j = i;

		for (; j > 0 && all[j - 1]->f.id > x->f.id; j--)
			all[j] = all[j - 1];
		all[j] = x;
	}
	for (i = 0; i < n; i++) {
		window_counts(d, all[i], all[i]->f.end_us);
		emit(d, all[i], "finding_summary");
	}
	free(all);
}

void det_get_stats(const struct detector *d, struct det_stats *s)
{
	*s = d->st;
}
