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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "common/str.h"
#include "detect/detect.h"
#include "decode/ntstatus.h"

#define WRONG_PASSWORD 0xc000006aU
#define ACCOUNT_LOCKED_OUT 0xc0000234U
#define INLINE_SLICES 3 /* slices a pair without detail keeps */
#define NIL 0           /* pair index 0 is never used: "none" in chains and lists */
#define HASH0 2166136261u /* where a name's hash starts (see hash_fold) */

/* Failed logons and lookups in one slice of the window (counts saturate). */
struct slice {
	uint32_t slot; /* ts / slice length, modulo 2^32 */
	uint16_t logons, lookups;
};

struct status_count {
	uint32_t status, count;
};

/* A file a client did not find: what each event's pass over a finding's files reads (24
 * bytes a file, apart from the rest so that the pass touches only these)... */
struct dfile_hot {
	uint64_t count, last_us;
	uint32_t key_hash;  /* of (server, share, path), case-folded */
	uint32_t name_hash; /* of the last component, case-folded: PATH-search grouping */
};

/* ...and its names: one allocation holds "server\0share\0path\0". */
struct dfile {
	char *server, *share, *path;
	uint64_t path_head; /* path's first 8 bytes, big-endian (NUL-padded): strcmp's order */
	uint32_t size; /* of that allocation: an evicted file's is reused when the new one fits */
	uint16_t server_len, share_len, path_len; /* below DET_STR, DET_STR and DET_PATH */
};

struct missing_share {
	char *unc;
	uint64_t last_us; /* last failed connect to it */
};

/* What a finding shows, kept only for pairs that need it (see needs_detail). */
struct detail {
	uint64_t id; /* 0 until a finding opens */
	uint64_t end_us;
	uint64_t total_logons, total_lookups;
	uint64_t last_emit_us, emitted_logons, emitted_lookups;
	int emitted_remaining;
	bool open, rule_lockout, rule_lookups, rule_path;
	bool emitted_lockout, emitted_lookups_rule, emitted_path, emitted_locked;
	uint8_t n_logon_st, n_lookup_st, nmissing;
	char *domain, *workstation, *server;
	struct status_count logon_st[DET_MAX_STATUSES], lookup_st[DET_MAX_STATUSES];
	struct dfile_hot *fh; /* [nfiles] of fcap, side by side with files */
	struct dfile *files;
	int nfiles, fcap;
	struct missing_share *missing; /* [nmissing], up to DET_MAX_SHARES */
	struct slice *win;                    /* NULL: the pair's inline slices */
	int wcap;
	int last_slice;                       /* win[] index slice_for returned last */
	/* the window's sums for the window ending at slice sum_cur, while sum_valid */
	bool sum_valid;
	uint32_t sum_cur, sum_logons, sum_lookups;
};

/* An account: its lockout counter, and the pairs that name it. */
struct account {
	struct account *hnext;       /* hash chain */
	struct account *prev, *next; /* the idle list (no pair names it), oldest first */
	uint64_t last_bad_us;
	uint32_t hash, refs, bad;
	bool locked, listed;
	char name[]; /* the bare account as first seen */
};

#define PAIR_LOCKED 1    /* the account was locked out at the pair's last logon */
#define PAIR_MIXED 2     /* failed logons with different statuses before detail */

/* One (account, client) pair: 96 bytes (an address longer than 15 bytes on the heap). */
struct pair {
	uint32_t hnext, prev, next; /* hash chain; LRU list, most recent first */
	uint32_t hash;
	struct account *acct;
	union {
		char in[16]; /* ip_heap == 0 */
		char *heap;
	} ip;
	struct detail *det;
	uint64_t first_us;     /* first failure */
	struct slice in[INLINE_SLICES];
	uint32_t total_logons; /* failed, before detail */
	uint32_t logon_status; /* the latest failed logon's, before detail */
	int32_t lockout_remaining;
	uint8_t flags, ip_heap;
};

static const char *pair_ip(const struct pair *p)
{
	return p->ip_heap ? p->ip.heap : p->ip.in;
}

static void pair_free_ip(struct pair *p)
{
	if (p->ip_heap)
		free(p->ip.heap);
}

struct detector {
	struct det_config c;
	det_emit_fn emit;
	void *arg;
	struct pair *pairs; /* [1..npairs] used */
	uint32_t npairs, cap_pairs;
	uint32_t *buckets, nbuckets; /* pair index chains; nbuckets a power of two */
	uint32_t lru_head, lru_tail;
	struct account **abuckets;
	uint32_t nabuckets, naccounts, nidle;
	struct account *idle_head, *idle_tail;
	uint64_t next_id;
	struct det_stats st;
	struct det_finding f; /* the finding being emitted */
	char message[4096];
	/* the last event's account as it came, its bare form and hash: a log repeats accounts */
	char last_account[DET_STR], last_bare[DET_STR];
	uint32_t last_hash;
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
	c->max_keys = DET_DEFAULT_MAX_PAIRS;
}

/* --- hashes of names, ASCII case folded, 8 bytes a step --- */

/* The 8 bytes in v with 'A'..'Z' made 'a'..'z' (each byte on its own: a byte's high bit keeps
 * the sums below from carrying into the next). */
static inline uint64_t fold8(uint64_t v)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t t = v & ~highs;
	uint64_t ge_a = t + ones * (0x80 - 'A'), gt_z = t + ones * (0x80 - 'Z' - 1);

	return v | ((ge_a & ~gt_z & ~v & highs) >> 2); /* 0x80 >> 2: the case bit */
}

/* The last n (1 to 7) bytes at p, folded, as one number: two loads that may overlap (each
 * folded first, so equal names give equal numbers whatever the byte order). */
static inline uint64_t fold_tail(const unsigned char *p, size_t n)
{
	uint32_t a, b;

	if (n >= 4) {
		memcpy(&a, p, 4);
		memcpy(&b, p + n - 4, 4);
		return fold8(a) | fold8(b) << ((n - 4) * 8);
	}
	return fold8((uint64_t)p[0] | (uint64_t)p[n / 2] << (n / 2 * 8) |
		     (uint64_t)p[n - 1] << ((n - 1) * 8));
}

static inline uint64_t hash_step(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

/* The case-folded hash of s[0..n), continuing from h (so that names hash one after another). */
static uint32_t hash_fold_n(uint32_t h, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint64_t x = h ^ ((uint64_t)n << 32), v;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&v, p, 8);
		x = hash_step(x, fold8(v));
	}
	if (n)
		x = hash_step(x, fold_tail(p, n));
	return (uint32_t)(x ^ (x >> 32));
}

/* The same of a string (NULL as ""). */
static uint32_t hash_fold(uint32_t h, const char *s)
{
	return hash_fold_n(h, s ? s : "", s ? strlen(s) : 0);
}

/* hash_fold(h, path), and in *name that of its last '/'-separated component alone (from
 * HASH0). */
static uint32_t hash_fold_path(uint32_t h, const char *path, uint32_t *name)
{
	const char *slash = strrchr(path, '/');
	const char *nm = slash ? slash + 1 : path;
	size_t nlen = strlen(nm);

	*name = hash_fold_n(HASH0, nm, nlen);
	return hash_fold_n(h, path, (size_t)(nm - path) + nlen);
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

#define SMS_ACCOUNT "SMSCliToknAcct&"

/* Matched by name: the SMS Client User Token account, or a --watch-account glob. */
static bool listed(const struct det_config *c, const char *bare)
{
	char pat[DET_STR];
	int i;

	/* fnmatch("SMSCliToknAcct&*", FNM_CASEFOLD), without fnmatch's cost */
	if (!strncasecmp(bare, SMS_ACCOUNT, sizeof(SMS_ACCOUNT) - 1))
		return true;
	for (i = 0; i < c->nwatch; i++) {
		bare_account(c->watch[i], pat, sizeof(pat));
		if (!fnmatch(pat, bare, FNM_CASEFOLD))
			return true;
	}
	return false;
}

bool det_watched(const struct det_config *c, const char *account)
{
	char bare[DET_STR];

	if (c->all_accounts)
		return true;
	bare_account(account, bare, sizeof(bare));
	return listed(c, bare);
}

static uint32_t pow2_at_least(uint32_t n)
{
	uint32_t p = 1024;

	while (p < n && p < (1U << 30))
		p <<= 1;
	return p;
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
		d->c.max_keys = DET_DEFAULT_MAX_PAIRS;
	if (d->c.max_keys > DET_MAX_MAX_PAIRS)
		d->c.max_keys = DET_MAX_MAX_PAIRS;
	d->emit = emit;
	d->arg = arg;
	d->next_id = 1;
	d->last_hash = hash_fold(HASH0, ""); /* the bare form of the empty last_account */
	/* zero pages: a bucket costs memory only once a pair lands in it */
	d->nbuckets = pow2_at_least(d->c.max_keys);
	d->buckets = calloc(d->nbuckets, sizeof(*d->buckets));
	d->nabuckets = 1024;
	d->abuckets = calloc(d->nabuckets, sizeof(*d->abuckets));
	if (!d->buckets || !d->abuckets) {
		free(d->buckets);
		free(d->abuckets);
		free(d);
		return NULL;
	}
	return d;
}

static void detail_free(struct detail *x)
{
	int i;

	if (!x)
		return;
	for (i = 0; i < x->nfiles; i++)
		free(x->files[i].server);
	for (i = 0; i < x->nmissing; i++)
		free(x->missing[i].unc);
	free(x->missing);
	free(x->fh);
	free(x->files);
	free(x->win);
	free(x->domain);
	free(x->workstation);
	free(x->server);
	free(x);
}

void det_free(struct detector *d)
{
	struct account *a, *next;
	uint32_t i;

	if (!d)
		return;
	for (i = 1; i <= d->npairs; i++) {
		pair_free_ip(&d->pairs[i]);
		detail_free(d->pairs[i].det);
	}
	for (i = 0; i < d->nabuckets; i++)
		for (a = d->abuckets[i]; a; a = next) {
			next = a->hnext;
			free(a);
		}
	free(d->pairs);
	free(d->buckets);
	free(d->abuckets);
	free(d);
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* --- accounts: lockout counters in a hash table, grown as needed --- */

static struct account *account_find(struct detector *d, const char *bare, uint32_t h)
{
	struct account *a;

	for (a = d->abuckets[h & (d->nabuckets - 1)]; a; a = a->hnext)
		if (a->hash == h && !strcasecmp(a->name, bare))
			return a;
	return NULL;
}

static void account_rehash(struct detector *d)
{
	uint32_t n = d->nabuckets * 2, i;
	struct account **nb = calloc(n, sizeof(*nb)), *a, *next;

	if (!nb)
		return; /* longer chains, still correct */
	for (i = 0; i < d->nabuckets; i++)
		for (a = d->abuckets[i]; a; a = next) {
			next = a->hnext;
			a->hnext = nb[a->hash & (n - 1)];
			nb[a->hash & (n - 1)] = a;
		}
	free(d->abuckets);
	d->abuckets = nb;
	d->nabuckets = n;
}

static void account_unlink(struct detector *d, struct account *a)
{
	struct account **pp = &d->abuckets[a->hash & (d->nabuckets - 1)];

	while (*pp != a)
		pp = &(*pp)->hnext;
	*pp = a->hnext;
	d->naccounts--;
}

static void idle_remove(struct detector *d, struct account *a)
{
	if (a->prev)
		a->prev->next = a->next;
	else
		d->idle_head = a->next;
	if (a->next)
		a->next->prev = a->prev;
	else
		d->idle_tail = a->prev;
	a->prev = a->next = NULL;
	d->nidle--;
}

static void account_ref(struct detector *d, struct account *a)
{
	if (!a->refs++)
		idle_remove(d, a);
}

/* No pair names a; an account with nothing to remember goes, others wait on the idle list
 * (their lockout counters still matter), the oldest dropped beyond max_keys of them. */
static void account_unref(struct detector *d, struct account *a)
{
	if (--a->refs)
		return;
	if (!a->bad && !a->locked) {
		account_unlink(d, a);
		free(a);
		return;
	}
	a->prev = d->idle_tail;
	a->next = NULL;
	if (d->idle_tail)
		d->idle_tail->next = a;
	else
		d->idle_head = a;
	d->idle_tail = a;
	d->nidle++;
	if (d->nidle > d->c.max_keys) {
		struct account *old = d->idle_head;

		idle_remove(d, old);
		account_unlink(d, old);
		free(old);
		d->st.evicted_accounts++;
	}
}

/* Found or created, with a reference held for the caller (account_unref when done). */
static struct account *account_get(struct detector *d, const char *bare, uint32_t h)
{
	struct account *a = account_find(d, bare, h);
	size_t len;

	if (a) {
		account_ref(d, a);
		return a;
	}
	len = strlen(bare);
	a = calloc(1, sizeof(*a) + len + 1);
	if (!a)
		return NULL;
	memcpy(a->name, bare, len + 1);
	a->hash = h;
	a->refs = 1;
	a->listed = listed(&d->c, bare);
	a->hnext = d->abuckets[h & (d->nabuckets - 1)];
	d->abuckets[h & (d->nabuckets - 1)] = a;
	if (++d->naccounts > d->nabuckets)
		account_rehash(d);
	return a;
}

/* The domain controller's badPwdCount, for one logon of a. */
static void lockout_count(const struct detector *d, struct account *a, const struct det_event *e)
{
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
}

static int lockout_remaining(const struct detector *d, const struct account *a)
{
	if (a->locked)
		return 0;
	if (!d->c.lockout_threshold)
		return -1; /* no policy given: unknown */
	return a->bad >= d->c.lockout_threshold ? 0 : (int)(d->c.lockout_threshold - a->bad);
}

/* --- pairs: a hash table of indices, an LRU list, O(1) eviction --- */

static uint32_t pair_hash(const struct account *a, const char *ip)
{
	return hash_fold(a->hash ^ 0x9e3779b9u, ip);
}

static void lru_unlink(struct detector *d, struct pair *p)
{
	if (p->prev)
		d->pairs[p->prev].next = p->next;
	else
		d->lru_head = p->next;
	if (p->next)
		d->pairs[p->next].prev = p->prev;
	else
		d->lru_tail = p->prev;
	p->prev = p->next = NIL;
}

static void lru_push(struct detector *d, uint32_t i)
{
	struct pair *p = &d->pairs[i];

	p->prev = NIL;
	p->next = d->lru_head;
	if (d->lru_head)
		d->pairs[d->lru_head].prev = i;
	else
		d->lru_tail = i;
	d->lru_head = i;
}

static void lru_touch(struct detector *d, uint32_t i)
{
	if (d->lru_head == i)
		return;
	lru_unlink(d, &d->pairs[i]);
	lru_push(d, i);
}

static uint32_t pair_find(struct detector *d, const struct account *a, const char *ip,
			  uint32_t h)
{
	uint32_t i;

	const struct pair *p;

	for (i = d->buckets[h & (d->nbuckets - 1)]; i; i = p->hnext) {
		p = &d->pairs[i];
		if (p->hash == h && p->acct == a && !strcasecmp(pair_ip(p), ip))
			return i;
	}
	return NIL;
}

static void emit(struct detector *d, struct pair *p, const char *action);
static void window_counts(struct detector *d, struct pair *p, uint64_t now);

/* Drops the least recently active pair, its open finding summarised first; the slot is
 * returned for reuse. */
static uint32_t evict_lru(struct detector *d)
{
	uint32_t i = d->lru_tail, *pp;
	struct pair *p = &d->pairs[i];

	if (p->det && p->det->open) {
		window_counts(d, p, p->det->end_us);
		emit(d, p, "finding_summary");
		d->st.evicted_findings++;
	}
	lru_unlink(d, p);
	pp = &d->buckets[p->hash & (d->nbuckets - 1)];
	while (*pp != i)
		pp = &d->pairs[*pp].hnext;
	*pp = p->hnext;
	account_unref(d, p->acct);
	pair_free_ip(p);
	if (p->det)
		d->st.detailed--;
	detail_free(p->det);
	memset(p, 0, sizeof(*p));
	d->st.evicted_keys++;
	d->st.pairs--;
	return i;
}

/* A free slot for a new pair: the array grows by doubling up to max_keys, then the least
 * recently active pair makes room. */
static uint32_t pair_slot(struct detector *d)
{
	if (d->npairs >= d->c.max_keys)
		return evict_lru(d);
	if (d->npairs + 1 >= d->cap_pairs) {
		uint32_t cap = d->cap_pairs ? d->cap_pairs * 2 : 1024;
		struct pair *np;

		if (cap > d->c.max_keys + 1)
			cap = d->c.max_keys + 1;
		np = realloc(d->pairs, (size_t)cap * sizeof(*np));
		if (!np)
			return NIL;
		memset(np + d->cap_pairs, 0, (size_t)(cap - d->cap_pairs) * sizeof(*np));
		d->pairs = np;
		d->cap_pairs = cap;
	}
	return ++d->npairs;
}

/* The pair of (a, ip), created if need be; NIL when out of memory. */
static uint32_t pair_get(struct detector *d, struct account *a, const char *ip)
{
	uint32_t h = pair_hash(a, ip), i = pair_find(d, a, ip, h);
	char *heap = NULL;
	struct pair *p;
	size_t len;

	if (i) {
		lru_touch(d, i);
		return i;
	}
	len = strlen(ip);
	if (len >= sizeof(p->ip.in) && !(heap = strdup(ip)))
		return NIL;
	account_ref(d, a); /* before evicting: the victim may be a's last pair */
	i = pair_slot(d);
	if (!i) {
		account_unref(d, a);
		free(heap);
		return NIL;
	}
	p = &d->pairs[i];
	memset(p, 0, sizeof(*p));
	p->hash = h;
	p->acct = a;
	if (heap) {
		p->ip.heap = heap;
		p->ip_heap = 1;
	} else {
		memcpy(p->ip.in, ip, len + 1);
	}
	p->lockout_remaining = -1;
	p->hnext = d->buckets[h & (d->nbuckets - 1)];
	d->buckets[h & (d->nbuckets - 1)] = i;
	lru_push(d, i);
	d->st.pairs++;
	return i;
}

/* --- the window: counts per slice, a few inline, up to DET_BUCKETS with detail --- */

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

static struct slice *slices(struct pair *p, int *cap)
{
	if (p->det && p->det->win) {
		*cap = p->det->wcap;
		return p->det->win;
	}
	*cap = INLINE_SLICES;
	return p->in;
}

static bool slice_used(const struct slice *s)
{
	return s->logons || s->lookups;
}

/* Whether slot is in the window that ends at slot cur: cur - DET_BUCKETS < slot <= cur. */
static bool in_window(uint32_t slot, uint32_t cur)
{
	return cur - slot < DET_BUCKETS;
}

static void window_counts(struct detector *d, struct pair *p, uint64_t now)
{
	uint32_t cur = (uint32_t)(now / slice_us(d));
	struct detail *x = p->det;
	struct slice *s;
	int i, cap;

	if (x && x->sum_valid && x->sum_cur == cur) { /* nothing moved since they were summed */
		d->f.failed_logons = x->sum_logons;
		d->f.failed_lookups = x->sum_lookups;
		return;
	}
	d->f.failed_logons = d->f.failed_lookups = 0;
	s = slices(p, &cap);
	for (i = 0; i < cap; i++)
		if (slice_used(&s[i]) && in_window(s[i].slot, cur)) {
			d->f.failed_logons += s[i].logons;
			d->f.failed_lookups += s[i].lookups;
		}
	if (x) {
		x->sum_valid = true;
		x->sum_cur = cur;
		x->sum_logons = (uint32_t)d->f.failed_logons;
		x->sum_lookups = (uint32_t)d->f.failed_lookups;
	}
}

/* One more event counted in slice s: the sums follow, or are summed again next time. */
static void window_added(struct detail *x, const struct slice *s, bool counted, bool logon)
{
	if (!x || !x->sum_valid)
		return;
	if (!counted) { /* saturated: summed again next time */
		x->sum_valid = false;
		return;
	}
	if (!in_window(s->slot, x->sum_cur))
		return; /* not in that window */
	if (logon)
		x->sum_logons++;
	else
		x->sum_lookups++;
}

static struct detail *promote(struct detector *d, struct pair *p);

/* Room for one more slice: the inline ones move into the detail (which is created), then it
 * doubles up to DET_BUCKETS. */
static bool grow_window(struct detector *d, struct pair *p)
{
	struct detail *x = promote(d, p);
	int cap = x && x->win ? x->wcap * 2 : 8;
	struct slice *w;

	if (!x || (x->win && x->wcap >= DET_BUCKETS))
		return false;
	if (cap > DET_BUCKETS)
		cap = DET_BUCKETS;
	w = realloc(x->win, (size_t)cap * sizeof(*w));
	if (!w)
		return false;
	if (!x->win) {
		memcpy(w, p->in, sizeof(p->in));
		memset(p->in, 0, sizeof(p->in));
		memset(w + INLINE_SLICES, 0, (size_t)(cap - INLINE_SLICES) * sizeof(*w));
	} else {
		memset(w + x->wcap, 0, (size_t)(cap - x->wcap) * sizeof(*w));
	}
	x->win = w;
	x->wcap = cap;
	x->sum_valid = false;
	return true;
}

/* The slice of ts: found, or a free one (unused, or out of the window that ends at the
 * newest slice); NULL when ts is too old for the window (events out of order). */
static struct slice *slice_for(struct detector *d, struct pair *p, uint64_t ts)
{
	uint32_t slot = (uint32_t)(ts / slice_us(d)), newest = slot;
	struct slice *s, *free_s = NULL;
	struct detail *x = p->det;
	int i, cap;

	/* most events land in the slice of the one before (the scan below would find it first) */
	if (x && x->win && x->last_slice < x->wcap && slice_used(&x->win[x->last_slice]) &&
	    x->win[x->last_slice].slot == slot)
		return &x->win[x->last_slice];
	for (;;) {
		s = slices(p, &cap);
		x = p->det;
		for (i = 0; i < cap; i++)
			if (slice_used(&s[i])) {
				if (s[i].slot == slot) {
					if (x && x->win)
						x->last_slice = i;
					return &s[i];
				}
				if ((int32_t)(s[i].slot - newest) > 0)
					newest = s[i].slot;
			}
		if (!in_window(slot, newest))
			return NULL;
		for (i = 0; i < cap && !free_s; i++)
			if (!slice_used(&s[i]) || !in_window(s[i].slot, newest))
				free_s = &s[i];
		if (free_s) {
			memset(free_s, 0, sizeof(*free_s));
			free_s->slot = slot;
			if (x) {
				x->sum_valid = false; /* a slice of the window may have gone */
				if (x->win)
					x->last_slice = (int)(free_s - s);
			}
			return free_s;
		}
		if (!grow_window(d, p))
			return NULL;
	}
}

static bool add16(uint16_t *c)
{
	if (*c == UINT16_MAX)
		return false;
	(*c)++;
	return true;
}

/* --- detail: statuses, files, shares --- */

static void add_status(struct status_count *s, uint8_t *n, uint32_t status, uint32_t count)
{
	int i, least = 0;

	for (i = 0; i < *n; i++)
		if (s[i].status == status) {
			s[i].count += count;
			return;
		}
	if (*n < DET_MAX_STATUSES) {
		s[*n].status = status;
		s[(*n)++].count = count;
		return;
	}
	for (i = 1; i < *n; i++)
		if (s[i].count < s[least].count)
			least = i;
	s[least].status = status;
	s[least].count = count;
}

/* The pair's detail, created from its compact state when it has none: the failed logons so
 * far are counted under the latest status (exact unless PAIR_MIXED). */
static struct detail *promote(struct detector *d, struct pair *p)
{
	struct detail *x = p->det;

	if (x)
		return x;
	x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	x->total_logons = p->total_logons;
	if (p->total_logons)
		add_status(x->logon_st, &x->n_logon_st, p->logon_status, p->total_logons);
	p->det = x;
	d->st.detailed++;
	return x;
}

static void set_str(char **dst, const char *src)
{
	char *n;

	if (!src || !src[0] || (*dst && !strcmp(*dst, src)))
		return;
	n = strdup(src);
	if (!n)
		return;
	free(*dst);
	*dst = n;
}

/* "\\server\share\..." -> server (its length in *len); NULL when unc is not a UNC path. */
static const char *unc_server(const char *unc, size_t *len)
{
	if (!unc || unc[0] != '\\' || unc[1] != '\\')
		return NULL;
	*len = strcspn(unc + 2, "\\");
	return unc + 2;
}

/* Whether the file's names are (server, share, path), case-folded. */
static bool same_file(const struct dfile *f, const char *server, size_t slen, const char *share,
		      const char *path)
{
	return f->server_len == slen && !strncasecmp(f->server, server, slen) &&
	       !strcasecmp(f->share, share) && !strcasecmp(f->path, path);
}

/* A string's first 8 bytes as a big-endian number, NULs after its end: two of them compare as
 * strcmp compares the strings' first 8 bytes. */
static uint64_t str_head(const char *s)
{
	uint64_t h = 0;
	int i;

	for (i = 0; i < 8 && s[i]; i++)
		h |= (uint64_t)(unsigned char)s[i] << (56 - 8 * i);
	return h;
}

/* Files sorted by how often they were sought, most first, then by path (its first 8 bytes
 * decide most comparisons). */
static int by_count(const struct dfile_hot *xh, const struct dfile *x,
		    const struct dfile_hot *yh, const struct dfile *y)
{
	if (xh->count != yh->count)
		return xh->count < yh->count ? 1 : -1;
	if (x->path_head != y->path_head)
		return x->path_head < y->path_head ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* Moves files[i] to its place in that order (the rest is in order already), found by binary
 * search, so that a finding never sorts its files: a count that grew moves it left, a new
 * file finds its place among its equals. */
static void settle(struct detail *x, int i)
{
	struct dfile_hot th = x->fh[i];
	struct dfile t = x->files[i];
	int lo = 0, hi = x->nfiles - 1; /* the place, in the table without files[i] */

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2, at = mid + (mid >= i);

		/* the table without files[i]: its mid-th file */
		if (by_count(&x->fh[at], &x->files[at], &th, &t) > 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	/* one move, of the files between the old place and the new */
	if (lo > i) {
		memmove(&x->fh[i], &x->fh[i + 1], (size_t)(lo - i) * sizeof(th));
		memmove(&x->files[i], &x->files[i + 1], (size_t)(lo - i) * sizeof(t));
	} else if (lo < i) {
		memmove(&x->fh[lo + 1], &x->fh[lo], (size_t)(i - lo) * sizeof(th));
		memmove(&x->files[lo + 1], &x->files[lo], (size_t)(i - lo) * sizeof(t));
	}
	x->fh[lo] = th;
	x->files[lo] = t;
}

/* Room for twice as many files (4 at first, DET_MAX_FILES at most); false when out of
 * memory (the table is as it was, or has more room than fcap says). */
static bool grow_files(struct detail *x)
{
	int cap = x->fcap ? x->fcap * 2 : 4;
	struct dfile_hot *fh = realloc(x->fh, (size_t)cap * sizeof(*fh));
	struct dfile *f;

	if (!fh)
		return false;
	x->fh = fh;
	if (!(f = realloc(x->files, (size_t)cap * sizeof(*f))))
		return false;
	x->files = f;
	x->fcap = cap;
	return true;
}

/* One pass over a finding's files for a lookup of (server, share, path): the file itself, the
 * one a new file would replace, and how many others of its name were sought lately. */
struct file_scan {
	int found; /* the file, or -1: its key hash kh compared first */
	int least; /* the least sought file (the oldest among equals) */
	int named; /* files of name hash nh sought since horizon, the found one not counted */
	bool least_named; /* whether the least sought is one of those */
};

/* Whether the file has the name (its hash) and was sought since horizon. */
static inline bool named_recently(const struct dfile_hot *g, uint32_t nh, uint64_t horizon)
{
	return g->name_hash == nh && g->last_us >= horizon; /* most files have names of their own */
}

/* The table read once: three passes (find, least sought, same-name count) cost three times
 * its loads, and a finding's table is full whenever its client seeks many names. */
static struct file_scan scan_files(const struct detail *x, uint32_t kh, uint32_t nh,
				   uint64_t horizon, const char *server, size_t slen,
				   const char *share, const char *path)
{
	struct file_scan r = { .found = -1 };
#ifdef __SIZEOF_INT128__
	/* (count, last_us) as one number: a 128-bit compare is two instructions */
	unsigned __int128 best;
#else
	uint64_t best_count, best_us;
#endif
	int i;

	if (!x->nfiles)
		return r;
#ifdef __SIZEOF_INT128__
	best = (unsigned __int128)x->fh[0].count << 64 | x->fh[0].last_us;
#else
	best_count = x->fh[0].count;
	best_us = x->fh[0].last_us;
#endif
	r.least_named = named_recently(&x->fh[0], nh, horizon);
	for (i = 0; i < x->nfiles; i++) {
		const struct dfile_hot *g = &x->fh[i];
		bool named = named_recently(g, nh, horizon);
#ifdef __SIZEOF_INT128__
		unsigned __int128 k = (unsigned __int128)g->count << 64 | g->last_us;
		bool less = k < best;

		best = less ? k : best;
#else
		bool less = (g->count < best_count) |
			    ((g->count == best_count) & (g->last_us < best_us));

		best_count = less ? g->count : best_count;
		best_us = less ? g->last_us : best_us;
#endif
		/* without branches: a mispredicted one a file cost more than the compares */
		r.least = less ? i : r.least;
		r.least_named = less ? named : r.least_named;
		r.named += named;
		if (g->key_hash == kh && r.found < 0 &&
		    same_file(&x->files[i], server, slen, share, path)) {
			r.found = i;
			r.named -= named;
		}
	}
	return r;
}

/* Adds or counts a file, on server (slen bytes, from the lookup's UNC path; "" without one);
 * returns the name hash of its last component (0: out of memory), and in *named how many kept
 * files of that name were sought since horizon, this one too (when want_named; else 1). */
static uint32_t add_file(struct detail *x, const struct det_event *e, const char *server,
			 size_t slen, uint64_t horizon, bool want_named, int *named)
{
	size_t shlen, plen, need;
	const char *share = e->share ? e->share : "", *path = e->path ? e->path : "";
	struct file_scan sc;
	uint32_t kh, nh;
	struct dfile_hot *fh;
	struct dfile *f;
	char *str;
	int i, found;

	kh = hash_fold_n(hash_fold_path(hash_fold(HASH0, share), path, &nh), server, slen);
	sc = scan_files(x, kh, nh, horizon, server, slen, share, path);
	found = sc.found;
	*named = want_named ? 1 + sc.named : 1;
	if (found >= 0) {
		x->fh[found].count++;
		x->fh[found].last_us = e->ts_us;
		settle(x, found);
		return nh;
	}
	shlen = strnlen(share, DET_STR - 1);
	plen = strnlen(path, DET_PATH - 1);
	if (slen > DET_STR - 1)
		slen = DET_STR - 1;
	need = slen + shlen + plen + 3;
	if (x->nfiles < DET_MAX_FILES) { /* room for one more */
		if ((x->nfiles == x->fcap && !grow_files(x)) || !(str = malloc(need)))
			return 0;
		i = x->nfiles++;
	} else { /* the least looked-for makes room, in its own allocation when the new fits */
		i = sc.least;
		if (x->files[i].size >= need) {
			str = x->files[i].server;
			need = x->files[i].size;
		} else {
			if (!(str = malloc(need)))
				return 0;
			free(x->files[i].server);
		}
		/* it no longer counts among the files of that name */
		if (want_named)
			*named -= sc.least_named;
	}
	fh = &x->fh[i];
	f = &x->files[i];
	memcpy(str, server, slen);
	str[slen] = 0;
	memcpy(str + slen + 1, share, shlen);
	str[slen + 1 + shlen] = 0;
	memcpy(str + slen + shlen + 2, path, plen);
	str[slen + shlen + 2 + plen] = 0;
	f->server = str;
	f->size = (uint32_t)need;
	f->share = str + slen + 1;
	f->path = str + slen + shlen + 2;
	f->path_head = str_head(f->path);
	f->server_len = (uint16_t)slen;
	f->share_len = (uint16_t)shlen;
	f->path_len = (uint16_t)plen;
	fh->count = 1;
	fh->last_us = e->ts_us;
	fh->key_hash = kh;
	fh->name_hash = nh;
	settle(x, i);
	return nh;
}

static void add_missing_share(struct detail *x, const struct det_event *e)
{
	const char *unc = e->unc ? e->unc : "";
	int i;

	for (i = 0; i < x->nmissing; i++)
		if (!strcasecmp(x->missing[i].unc, unc))
			break;
	if (i == x->nmissing && i < DET_MAX_SHARES) {
		struct missing_share *m = realloc(x->missing, (size_t)(i + 1) * sizeof(*m));
		char *s = strndup(unc, DET_STR - 1);

		if (m)
			x->missing = m;
		if (!m || !s) {
			free(s);
			return;
		}
		x->missing[i].unc = s;
		x->missing[i].last_us = 0;
		x->nmissing++;
	}
	if (i < DET_MAX_SHARES && e->ts_us > x->missing[i].last_us)
		x->missing[i].last_us = e->ts_us;
}

/* Directories (and missing shares) a name was sought in since horizon, given how many kept
 * files have that name in that time. */
static int places_tried(const struct detail *x, int named, uint64_t horizon)
{
	int i, n = named;

	if (n >= 2)
		for (i = 0; i < x->nmissing; i++)
			n += x->missing[i].last_us >= horizon;
	return n;
}

/* PATH search: a file name sought (and not found) in path_threshold or more directories
 * within the window. Fills path_name and path_files with the name sought in the most. */
static void path_search(struct detector *d, const struct detail *x, uint64_t now)
{
	/* name hash -> first files[] entry with it, and how many entries (at most DET_MAX_DIRS) */
	struct {
		uint32_t hash;
		int8_t first, n;
	} t[2 * DET_MAX_FILES];
	struct det_finding *f = &d->f;
	uint64_t horizon = window_start(d, now);
	int i, j, best = 0, at = -1;
	uint32_t mask = 2 * DET_MAX_FILES - 1;

	f->rule_path = false;
	f->npath_files = 0;
	for (i = 0; i < 2 * DET_MAX_FILES; i++)
		t[i].first = -1;
	for (i = 0; i < f->nfiles; i++) {
		uint32_t h = f->files[i].name_hash, k = h & mask;

		if (f->files[i].last_us < horizon)
			continue;
		while (t[k].first >= 0 && t[k].hash != h)
			k = (k + 1) & mask;
		if (t[k].first < 0) {
			t[k].hash = h;
			t[k].first = (int8_t)i;
			t[k].n = 0;
		}
		if (t[k].n < DET_MAX_DIRS)
			t[k].n++;
	}
	/* the name sought in the most directories; of equals, the one whose first file comes first
	 * in the (sorted) table */
	for (i = 0; i < 2 * DET_MAX_FILES; i++)
		if (t[i].first >= 0 && (t[i].n > best || (t[i].n == best && t[i].first < at))) {
			best = t[i].n;
			at = t[i].first;
		}
	if (best) {
		uint32_t h = f->files[at].name_hash;

		for (j = 0; j < f->nfiles && f->npath_files < DET_MAX_DIRS; j++)
			if (f->files[j].last_us >= horizon && f->files[j].name_hash == h)
				f->path_files[f->npath_files++] = j;
		smbw_copy_str(f->path_name, sizeof(f->path_name), base(f->files[at].path));
	}
	/* A PATH walker tries every entry: a share that does not exist (a failed connect, so the
	 * name never reached the server) counts as one more directory tried, once the name was
	 * sought in at least two real ones. */
	if (best >= 2)
		for (i = 0; i < x->nmissing; i++)
			best += x->missing[i].last_us >= horizon;
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

/* Appends len bytes of str at offset o of buf[n], as snprintf would: cut at n - 1 bytes and
 * NUL-terminated, the returned offset counting what did not fit. */
static size_t addn(char *buf, size_t n, size_t o, const char *str, size_t len)
{
	if (o < n) {
		size_t room = n - 1 - o, k = len < room ? len : room;

		memcpy(buf + o, str, k);
		buf[o + k] = 0;
	}
	return o + len;
}

static size_t add(char *buf, size_t n, size_t o, const char *str)
{
	return addn(buf, n, o, str, strlen(str));
}

static size_t add_u64(char *buf, size_t n, size_t o, uint64_t v)
{
	char num[24], *p = num + sizeof(num);

	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	return addn(buf, n, o, p, (size_t)(num + sizeof(num) - p));
}

/* Appends " \\server\share", then (when sep) '\' and len bytes of path; every '/' in what it
 * appended is written as '\'. */
static size_t add_unc(char *buf, size_t n, size_t o, const char *server, const char *share,
		      const char *path, size_t len, bool sep)
{
	size_t at = o;

	o = add(buf, n, o, " \\\\");
	o = add(buf, n, o, server);
	o = add(buf, n, o, "\\");
	o = add(buf, n, o, share);
	if (sep)
		o = add(buf, n, o, "\\");
	o = addn(buf, n, o, path, len);
	for (; at < o && at + 1 < n; at++)
		if (buf[at] == '/')
			buf[at] = '\\';
	return o;
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

	m[0] = 0;
	if (f->domain[0]) {
		o = add(m, n, o, f->domain);
		o = add(m, n, o, "\\");
	}
	o = add(m, n, o, f->account);
	o = add(m, n, o, " from ");
	o = add(m, n, o, f->ip);
	if (f->workstation[0]) {
		o = add(m, n, o, " (");
		o = add(m, n, o, f->workstation);
		o = add(m, n, o, ")");
	}
	o = add(m, n, o, ": ");
	if (f->failed_logons) {
		o = add_u64(m, n, o, f->failed_logons);
		o = add(m, n, o, f->failed_logons == 1 ? " failed logon (" : " failed logons (");
		for (i = 0; i < f->n_logon_statuses; i++) {
			if (i)
				o = add(m, n, o, ", ");
			o = add(m, n, o, short_status(f->logon_statuses[i].status, sb, sizeof(sb)));
			o = add(m, n, o, " x");
			o = add_u64(m, n, o, f->logon_statuses[i].count);
		}
		o = add(m, n, o, f->failed_lookups ? ") and " : ")");
	}
	if (f->failed_lookups) {
		o = add_u64(m, n, o, f->failed_lookups);
		o = add(m, n, o, f->failed_lookups == 1 ? " failed lookup" : " failed lookups");
	}
	o = add(m, n, o, " in the last ");
	o = add_u64(m, n, o, f->window_s);
	o = add(m, n, o, " s");
	if (f->locked_out) {
		o = add(m, n, o, "; the account is locked out");
	} else if (f->lockout_remaining == 0) {
		o = add(m, n, o, "; the lockout threshold is reached");
	} else if (f->lockout_remaining > 0) {
		o = add(m, n, o, "; ");
		o = add_u64(m, n, o, (uint64_t)f->lockout_remaining);
		o = add(m, n, o, f->lockout_remaining == 1 ? " more bad password and " :
							      " more bad passwords and ");
		o = add(m, n, o, f->account);
		o = add(m, n, o, " is locked out");
	}
	if (f->rule_path) {
		o = add(m, n, o, "; it looks for ");
		o = add(m, n, o, f->path_name);
		o = add(m, n, o, " in");
		for (i = 0; i < f->npath_files; i++) {
			const struct det_file *x = &f->files[f->path_files[i]];
			const char *slash = strrchr(x->path, '/');

			if (i)
				o = add(m, n, o, ",");
			o = add_unc(m, n, o, x->server[0] ? x->server : f->server, x->share, x->path,
				    slash ? (size_t)(slash - x->path) : 0, slash != NULL);
		}
		for (i = 0; i < f->nmissing_shares; i++) {
			o = add(m, n, o, ", ");
			o = add(m, n, o, f->missing_shares[i]);
			o = add(m, n, o, " (no such share)");
		}
	} else if (f->nfiles) {
		o = add(m, n, o, "; files sought:");
		for (i = 0; i < f->nfiles && i < 5; i++) {
			if (i)
				o = add(m, n, o, ",");
			o = add_unc(m, n, o, f->files[i].server[0] ? f->files[i].server : f->server,
				    f->files[i].share, f->files[i].path, f->files[i].path_len, true);
			o = add(m, n, o, " (");
			o = add_u64(m, n, o, f->files[i].count);
			o = add(m, n, o, ")");
		}
	}
	if (f->nmissing_shares && !f->rule_path) {
		o = add(m, n, o, f->nmissing_shares == 1 ? "; missing share:" : "; missing shares:");
		for (i = 0; i < f->nmissing_shares; i++) {
			o = add(m, n, o, i ? ", " : " ");
			o = add(m, n, o, f->missing_shares[i]);
		}
	}
	add(m, n, o, ".");
	f->message = m;
}

static void copy_statuses(struct det_status *dst, int *n, const struct status_count *src,
			  uint8_t count)
{
	int i;

	for (i = 0; i < count; i++) {
		dst[i].status = src[i].status;
		dst[i].count = src[i].count;
	}
	*n = count;
}

/* d->f from the pair and its detail (the window counts are already in d->f). */
static void materialize(struct detector *d, struct pair *p)
{
	struct det_finding *f = &d->f;
	struct detail *x = p->det;
	int i;

	f->id = x->id;
	smbw_copy_str(f->account, sizeof(f->account), p->acct->name);
	smbw_copy_str(f->domain, sizeof(f->domain), x->domain);
	smbw_copy_str(f->ip, sizeof(f->ip), pair_ip(p));
	smbw_copy_str(f->workstation, sizeof(f->workstation), x->workstation);
	smbw_copy_str(f->server, sizeof(f->server), x->server);
	f->window_s = d->c.window_s;
	f->start_us = p->first_us;
	f->end_us = x->end_us;
	f->total_failed_logons = x->total_logons;
	f->total_failed_lookups = x->total_lookups;
	copy_statuses(f->logon_statuses, &f->n_logon_statuses, x->logon_st, x->n_logon_st);
	copy_statuses(f->lookup_statuses, &f->n_lookup_statuses, x->lookup_st, x->n_lookup_st);
	f->nfiles = x->nfiles;
	for (i = 0; i < x->nfiles; i++) {
		struct det_file *o = &f->files[i];

		o->server = x->files[i].server; /* cut to DET_STR, DET_PATH by add_file */
		o->share = x->files[i].share;
		o->path = x->files[i].path;
		o->server_len = x->files[i].server_len;
		o->share_len = x->files[i].share_len;
		o->path_len = x->files[i].path_len;
		o->count = x->fh[i].count;
		o->last_us = x->fh[i].last_us;
		o->key_hash = x->fh[i].key_hash;
		o->name_hash = x->fh[i].name_hash;
	}
	f->nmissing_shares = x->nmissing;
	for (i = 0; i < x->nmissing; i++)
		smbw_copy_str(f->missing_shares[i], DET_STR, x->missing[i].unc);
	f->lockout_remaining = p->lockout_remaining;
	f->locked_out = p->flags & PAIR_LOCKED;
	f->rule_lockout = x->rule_lockout;
	f->rule_lookups = x->rule_lookups;
	f->message = NULL;
}

static void emit(struct detector *d, struct pair *p, const char *action)
{
	struct detail *x = p->det;
	struct det_finding *f = &d->f;

	materialize(d, p);
	path_search(d, x, f->end_us); /* indices into the (always sorted) table */
	x->rule_path = f->rule_path;
	build_message(d, f);
	d->emit(d->arg, f, action);
	f->message = NULL;
	x->last_emit_us = x->end_us;
	x->emitted_logons = x->total_logons;
	x->emitted_lookups = x->total_lookups;
	x->emitted_remaining = p->lockout_remaining;
	x->emitted_lockout = x->rule_lockout;
	x->emitted_lookups_rule = x->rule_lookups;
	x->emitted_path = x->rule_path;
	x->emitted_locked = p->flags & PAIR_LOCKED;
}

static void pair_lockout(struct detector *d, struct pair *p)
{
	p->lockout_remaining = lockout_remaining(d, p->acct);
	if (p->acct->locked)
		p->flags |= PAIR_LOCKED;
	else
		p->flags &= (uint8_t)~PAIR_LOCKED;
}

/* Detail is kept for pairs matched by name, pairs that failed a lookup (the files are what
 * such a finding is about), and pairs whose failed logons reach the threshold or whose account
 * is locked out: the rest keep only their counts and the latest status. */
static bool needs_detail(struct detector *d, struct pair *p, const struct det_event *e)
{
	if (p->acct->listed || e->kind == DET_LOOKUP || (p->flags & PAIR_LOCKED) ||
	    e->status == ACCOUNT_LOCKED_OUT)
		return true;
	window_counts(d, p, e->ts_us);
	return d->f.failed_logons + 1 >= d->c.logon_threshold;
}

/* Counts one failed event into the pair (and its detail, if it has one). */
static void count_event(struct detector *d, struct pair *p, const struct det_event *e)
{
	struct slice *s = slice_for(d, p, e->ts_us);
	struct detail *x = p->det;

	if (!s)
		d->st.window_dropped++;
	if (!p->first_us)
		p->first_us = e->ts_us;
	if (e->kind == DET_LOGON) {
		x = p->det; /* slice_for may have created it */
		if (s)
			window_added(x, s, add16(&s->logons), true);
		if (!x) {
			if (p->total_logons && p->logon_status != e->status)
				p->flags |= PAIR_MIXED;
			p->logon_status = e->status;
			if (p->total_logons < UINT32_MAX)
				p->total_logons++;
			return;
		}
		x->total_logons++;
		add_status(x->logon_st, &x->n_logon_st, e->status, 1);
	} else {
		x = p->det;
		if (s)
			window_added(x, s, add16(&s->lookups), false);
		if (!x)
			return;
		x->total_lookups++;
		add_status(x->lookup_st, &x->n_lookup_st, e->status, 1);
	}
}

/* The detail's part of a failed event: names, files, shares, the PATH rule. */
static void detail_event(struct detector *d, struct detail *x, const struct det_event *e)
{
	size_t len = 0;
	const char *server;

	if (e->ts_us > x->end_us)
		x->end_us = e->ts_us;
	set_str(&x->domain, e->domain);
	set_str(&x->workstation, e->workstation);
	if (e->kind != DET_LOOKUP)
		return;
	server = e->is_tree ? NULL : unc_server(e->unc, &len);
	if (server) {
		if (!x->server || strlen(x->server) != len || strncmp(x->server, server, len)) {
			char *s = strndup(server, len < DET_STR ? len : DET_STR - 1);

			if (s) {
				free(x->server);
				x->server = s;
			}
		}
	}
	if (e->is_tree) {
		add_missing_share(x, e);
	} else {
		uint64_t horizon = window_start(d, e->ts_us);
		/* once the rule holds, it holds until the next finding record recomputes it */
		bool want_named = d->c.path_threshold && !x->rule_path;
		int named;
		uint32_t nh = add_file(x, e, server ? server : "", len, horizon, want_named,
				       &named);

		/* only this name can have newly reached the threshold */
		if (nh && want_named &&
		    (uint32_t)places_tried(x, named, horizon) >= d->c.path_threshold)
			x->rule_path = true;
	}
}

/* A successful logon: only the lockout counter (and the pair's countdown) care. */
static void logon_ok(struct detector *d, const char *bare, uint32_t ah, const char *ip)
{
	struct account *a = account_find(d, bare, ah);
	uint32_t i;

	if (!a)
		return; /* nothing counted, nothing to reset */
	account_ref(d, a);
	lockout_count(d, a, &(struct det_event){ .status = 0 });
	i = pair_find(d, a, ip, pair_hash(a, ip));
	if (i) {
		lru_touch(d, i);
		pair_lockout(d, &d->pairs[i]);
	}
	account_unref(d, a);
}

/* The bare account of an event and its hash (bare valid until the next event). */
static const char *event_account(struct detector *d, const char *account, uint32_t *h)
{
	const char *in = account ? account : "";
	size_t len = strnlen(in, DET_STR);

	if (len == DET_STR || strcmp(in, d->last_account)) {
		bare_account(in, d->last_bare, sizeof(d->last_bare));
		d->last_hash = hash_fold(HASH0, d->last_bare);
		if (len < DET_STR)
			memcpy(d->last_account, in, len + 1);
		else
			d->last_account[0] = 0;
	}
	*h = d->last_hash;
	return d->last_bare;
}

void det_feed(struct detector *d, const struct det_event *e)
{
	const char *bare;
	struct account *a;
	struct detail *x;
	struct pair *p;
	uint32_t ah, i;
	bool changed;

	d->st.events++;
	if (!e->ip || !e->ip[0] || (e->status == 0 && e->kind == DET_LOOKUP)) {
		d->st.ignored++;
		return;
	}
	bare = event_account(d, e->account, &ah);
	a = account_find(d, bare, ah);
	if (!(a ? a->listed || d->c.all_accounts : det_watched(&d->c, e->account))) {
		d->st.ignored++;
		return;
	}
	if (e->status == 0) {
		logon_ok(d, bare, ah, e->ip);
		return;
	}
	a = account_get(d, bare, ah);
	if (!a) {
		d->st.no_memory++;
		return;
	}
	i = pair_get(d, a, e->ip);
	if (!i) {
		account_unref(d, a);
		d->st.no_memory++;
		return;
	}
	p = &d->pairs[i];
	if (e->kind == DET_LOGON) {
		lockout_count(d, a, e);
		pair_lockout(d, p);
	}
	account_unref(d, a); /* the pair holds its own reference */
	if (!p->det && needs_detail(d, p, e) && !promote(d, p))
		d->st.no_memory++;
	count_event(d, p, e);
	if (p->det)
		detail_event(d, p->det, e);

	window_counts(d, p, e->ts_us);
	if (!p->det) {
		/* needs_detail promotes a pair before any rule can hold for it */
		return;
	}
	x = p->det;
	x->rule_lockout = d->f.failed_logons >= d->c.logon_threshold || (p->flags & PAIR_LOCKED);
	x->rule_lookups = d->f.failed_lookups >= d->c.lookup_threshold;

	if (!x->open) {
		if (!x->rule_lockout && !x->rule_lookups && !x->rule_path)
			return;
		x->open = true;
		x->id = d->next_id++;
		d->st.findings++;
		emit(d, p, "finding_opened");
		return;
	}
	/* Open: update when a rule newly holds, the countdown moves, or, at most every
	 * update_interval, when the counts grew. */
	changed = (x->rule_lockout && !x->emitted_lockout) ||
		  (x->rule_lookups && !x->emitted_lookups_rule) ||
		  (x->rule_path && !x->emitted_path) ||
		  p->lockout_remaining != x->emitted_remaining ||
		  !!(p->flags & PAIR_LOCKED) != x->emitted_locked;
	if (!changed && e->ts_us - x->last_emit_us >= (uint64_t)d->c.update_interval_s * 1000000 &&
	    (x->total_logons != x->emitted_logons || x->total_lookups != x->emitted_lookups))
		changed = true;
	if (changed) {
		d->st.updates++;
		emit(d, p, "finding_updated");
	}
}

static int by_id(const void *a, const void *b)
{
	const struct pair *x = *(const struct pair *const *)a, *y = *(const struct pair *const *)b;

	return x->det->id < y->det->id ? -1 : x->det->id > y->det->id;
}

void det_finish(struct detector *d)
{
	struct pair **all;
	size_t n = 0, i;
	uint32_t j;

	all = calloc(d->npairs ? d->npairs : 1, sizeof(*all));
	if (!all)
		return;
	for (j = 1; j <= d->npairs; j++)
		if (d->pairs[j].det && d->pairs[j].det->open)
			all[n++] = &d->pairs[j];
	qsort(all, n, sizeof(*all), by_id); /* in the order they opened */
	for (i = 0; i < n; i++) {
		window_counts(d, all[i], all[i]->det->end_us);
		emit(d, all[i], "finding_summary");
	}
	free(all);
}

void det_get_stats(const struct detector *d, struct det_stats *s)
{
	*s = d->st;
	s->accounts = d->naccounts;
}
