// SPDX-License-Identifier: GPL-2.0
/* One input of a replay; see replay_source.h. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "replay/line_reader.h"
#include "replay/replay_source.h"

#define BATCH_EVENTS 512          /* lines a worker takes at a time, events handed over */
#define BATCH_BYTES (256 * 1024)  /* or fewer lines, once their text is past this */
#define NBATCHES 8                /* batches in flight between the workers and the consumer */

/* A worker's block of lines, copied from the reader: kind, line number, text. */
struct line_ref {
	enum lr_kind kind;
	uint64_t lineno;
	size_t off, len;
};

/* The events of one block and a copy of their strings; the block's counts and messages, for
 * the consumer to take in order. While a batch fills, its events' string members hold offsets
 * into strs (plus one; 0 is NULL), made pointers once it is full. */
struct batch {
	struct det_event ev[BATCH_EVENTS];
	size_t n;
	char *strs;
	size_t used, cap;
	struct replay_stats st; /* the block's */
	char *msgs;             /* its "skipped" messages, in line order */
	size_t mlen, mcap;
	bool last; /* the input ends after this batch */
};

struct worker {
	struct replay_source *s;
	pthread_t thread;
	bool started;
	struct replay_decoder *dec;
	struct line_ref lines[BATCH_EVENTS];
	char *text; /* the block's lines, LR_PADDING readable bytes after the last */
	size_t tused, tcap;
};

struct replay_source {
	const char *name;
	int fd;
	struct line_reader lr;
	struct replay_decoder *dec; /* unthreaded (each worker has its own) */
	struct replay_stats st; /* unthreaded: the reading side's; threaded: the batches' */
	uint64_t last_ts;       /* of the event before, for out-of-order counting */
	struct det_event ev;    /* unthreaded: the event replay_source_next gives */
	bool failed;

	/* threaded: nworkers workers take blocks of lines in turn (reading under the lock),
	 * decode them side by side into batches numbered in reading order, and the consumer takes
	 * the batches in that order; waiting for one, it decodes a block itself (as helper) */
	bool threaded, stop, eof;
	struct worker workers[REPLAY_MAX_WORKERS];
	unsigned nworkers;
	struct worker helper;
	pthread_mutex_t lock;
	pthread_cond_t filled, emptied;
	struct batch *free_b[NBATCHES]; /* batches no one holds */
	unsigned nfree;
	struct batch *ready[NBATCHES]; /* decoded, by sequence number mod NBATCHES */
	uint64_t next_seq, want_seq;
	struct batch *cur; /* the batch being read by the consumer */
	size_t pos;
	bool done; /* the consumer has seen the last batch */
	struct batch *all[NBATCHES];
};

void replay_stats_add(struct replay_stats *to, const struct replay_stats *from)
{
	int i;

	to->lines += from->lines;
	to->events += from->events;
	to->skipped += from->skipped;
	to->malformed += from->malformed;
	to->out_of_order += from->out_of_order;
	for (i = 0; i < REPLAY_NREASONS; i++)
		to->malformed_by[i] += from->malformed_by[i];
}

static void append_msg(struct batch *b, const char *m)
{
	size_t len = strlen(m);

	if (b->mlen + len + 1 > b->mcap) {
		size_t cap = b->mcap ? b->mcap : 1024;
		char *p;

		while (cap < b->mlen + len + 1)
			cap *= 2;
		if (!(p = realloc(b->msgs, cap))) {
			fputs(m, stderr); /* out of order, but not lost */
			return;
		}
		b->msgs = p;
		b->mcap = cap;
	}
	memcpy(b->msgs + b->mlen, m, len + 1);
	b->mlen += len;
}

/* A skipped line: its message now (b NULL) or in b's, its count in st. */
static void malformed(struct replay_source *s, struct replay_stats *st, struct batch *b,
		      uint64_t lineno, enum replay_reason why, const char *err)
{
	char m[512];

	snprintf(m, sizeof(m), "smbwatch: %s:%llu: %s, skipped\n", s->name,
		 (unsigned long long)lineno, err);
	if (b)
		append_msg(b, m);
	else
		fputs(m, stderr);
	st->malformed++;
	st->malformed_by[why]++;
}

/* One segment from the reader: the event it holds (true, in *ev), or its counts and message
 * (false). */
static bool decode_seg(struct replay_source *s, struct replay_decoder *dec,
		       const struct lr_seg *seg, struct det_event *ev, struct replay_stats *st,
		       struct batch *b)
{
	enum replay_reason why;
	size_t len = seg->len;
	char err[200];

	if (seg->kind == LR_TOO_LONG) {
		st->lines++;
		snprintf(err, sizeof(err), "longer than %zu bytes (--max-line)", s->lr.max_line);
		malformed(s, st, b, seg->lineno, REPLAY_TOO_LONG, err);
		return false;
	}
	if (seg->kind == LR_NUL_RUN) {
		st->lines++;
		malformed(s, st, b, seg->lineno, REPLAY_NUL_BYTES, "NUL bytes");
		return false;
	}
	while (len > 0 && seg->text[len - 1] == '\r')
		len--;
	if (!len)
		return false;
	st->lines++;
	switch (replay_decode_line(dec, seg->text, len, ev, err, sizeof(err), &why)) {
	case REPLAY_EVENT:
		st->events++;
		return true;
	case REPLAY_SKIP:
		st->skipped++;
		break;
	case REPLAY_BAD:
		malformed(s, st, b, seg->lineno, why, err);
		break;
	}
	return false;
}

static void out_of_memory(struct replay_source *s)
{
	fprintf(stderr, "smbwatch: %s: out of memory, the rest not replayed\n", s->name);
	s->failed = true;
}

static void read_failed(struct replay_source *s)
{
	fprintf(stderr, "smbwatch: cannot read %s: %s\n", s->name, lr_strerror(&s->lr));
	s->failed = true;
}

/* Unthreaded: reads on until the next event (true, in s->ev), or the end of the input. */
static bool decode_next(struct replay_source *s)
{
	struct lr_seg seg;
	int got;

	while ((got = lr_next(&s->lr, &seg)) > 0)
		if (decode_seg(s, s->dec, &seg, &s->ev, &s->st, NULL))
			return true;
	if (got < 0)
		read_failed(s);
	return false;
}

/* --- threaded: workers decode blocks of lines into batches --- */

/* The strings of an event, in the order they are copied. */
#define EV_STRS(e) { &(e)->account, &(e)->domain, &(e)->workstation, &(e)->ip, &(e)->share, \
		     &(e)->path, &(e)->unc }

/* Copies e into b; false when out of memory. */
static bool batch_add(struct batch *b, const struct det_event *e)
{
	struct det_event *o = &b->ev[b->n];
	const char **dst[] = EV_STRS(o);
	size_t len[sizeof(dst) / sizeof(dst[0])], need = 0, i;

	*o = *e;
	for (i = 0; i < sizeof(dst) / sizeof(dst[0]); i++) {
		len[i] = *dst[i] ? strlen(*dst[i]) + 1 : 0;
		need += len[i];
	}
	if (b->used + need > b->cap) {
		size_t cap = b->cap ? b->cap : 64 * 1024;
		char *p;

		while (cap < b->used + need)
			cap *= 2;
		p = realloc(b->strs, cap);
		if (!p)
			return false;
		b->strs = p;
		b->cap = cap;
	}
	for (i = 0; i < sizeof(dst) / sizeof(dst[0]); i++) {
		if (!*dst[i])
			continue;
		memcpy(b->strs + b->used, *dst[i], len[i]);
		*dst[i] = (const char *)(uintptr_t)(b->used + 1);
		b->used += len[i];
	}
	b->n++;
	return true;
}

static void batch_seal(struct batch *b)
{
	size_t k, i;

	for (k = 0; k < b->n; k++) {
		const char **dst[] = EV_STRS(&b->ev[k]);

		for (i = 0; i < sizeof(dst) / sizeof(dst[0]); i++)
			if (*dst[i])
				*dst[i] = b->strs + ((uintptr_t)*dst[i] - 1);
	}
}

/* Copies a line into the worker's block; false when out of memory. */
static bool block_add(struct worker *w, const struct lr_seg *seg, int i)
{
	struct line_ref *l = &w->lines[i];

	l->kind = seg->kind;
	l->lineno = seg->lineno;
	l->off = w->tused;
	l->len = seg->kind == LR_LINE ? seg->len : 0;
	if (w->tused + l->len + LR_PADDING > w->tcap) {
		size_t cap = w->tcap ? w->tcap : BATCH_BYTES + 64 * 1024;
		char *p;

		while (cap < w->tused + l->len + LR_PADDING)
			cap *= 2;
		if (!(p = realloc(w->text, cap)))
			return false;
		w->text = p;
		w->tcap = cap;
	}
	if (l->len)
		memcpy(w->text + w->tused, seg->text, l->len);
	w->tused += l->len;
	return true;
}

/* Under the lock: the next block of lines, into w; how many (the input may be at its end). */
static int take_block(struct worker *w)
{
	struct replay_source *s = w->s;
	struct lr_seg seg;
	int n = 0, got = 0;

	w->tused = 0;
	while (n < BATCH_EVENTS && w->tused < BATCH_BYTES && (got = lr_next(&s->lr, &seg)) > 0)
		if (!block_add(w, &seg, n++)) {
			out_of_memory(s);
			got = 0;
			n--;
			break;
		}
	if (got < 0)
		read_failed(s);
	if (got <= 0)
		s->eof = true;
	if (n) /* block_add gave the text room for its padding */
		memset(w->text + w->tused, 0, LR_PADDING);
	return n;
}

/* Outside the lock: the block's lines decoded into b. */
static void decode_block(struct worker *w, int n, struct batch *b)
{
	struct replay_source *s = w->s;
	struct det_event ev;
	int i;

	b->n = b->used = b->mlen = 0;
	memset(&b->st, 0, sizeof(b->st));
	for (i = 0; i < n; i++) {
		const struct line_ref *l = &w->lines[i];
		struct lr_seg seg = { l->kind, w->text + l->off, l->len, l->lineno };

		if (decode_seg(s, w->dec, &seg, &ev, &b->st, b) && !batch_add(b, &ev)) {
			out_of_memory(s); /* the events decoded so far still go */
			break;
		}
	}
	batch_seal(b);
}

/* Under the lock, with a free batch and input left: takes the next block into w and decodes it
 * into that batch (outside the lock), which is then ready in its turn. */
static void decode_one(struct worker *w)
{
	struct replay_source *s = w->s;
	struct batch *b = s->free_b[--s->nfree];
	uint64_t seq = s->next_seq++;
	int n = take_block(w);

	b->last = s->eof; /* no block is taken after this one */
	if (s->eof)
		pthread_cond_broadcast(&s->emptied); /* the other workers: done */
	pthread_mutex_unlock(&s->lock);

	decode_block(w, n, b);

	pthread_mutex_lock(&s->lock);
	s->ready[seq % NBATCHES] = b;
	pthread_cond_signal(&s->filled);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct replay_source *s = w->s;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (!s->nfree && !s->stop && !s->eof)
			pthread_cond_wait(&s->emptied, &s->lock);
		if (s->stop || s->eof)
			break;
		decode_one(w);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* The consumer's next batch in reading order, its messages printed and its counts taken. */
static struct batch *next_batch(struct replay_source *s)
{
	struct batch *b;
	unsigned slot;

	pthread_mutex_lock(&s->lock);
	if (s->cur) { /* give the one read back */
		s->free_b[s->nfree++] = s->cur;
		s->cur = NULL;
		pthread_cond_signal(&s->emptied);
	}
	slot = (unsigned)(s->want_seq % NBATCHES);
	while (!s->ready[slot]) {
		if (s->nfree && !s->eof) { /* rather than wait, decode the next block here */
			decode_one(&s->helper);
			continue;
		}
		pthread_cond_wait(&s->filled, &s->lock);
	}
	b = s->ready[slot];
	s->ready[slot] = NULL;
	s->want_seq++;
	s->cur = b;
	s->pos = 0;
	pthread_mutex_unlock(&s->lock);
	if (b->mlen)
		fputs(b->msgs, stderr);
	replay_stats_add(&s->st, &b->st);
	return b;
}

static const struct det_event *next_event(struct replay_source *s)
{
	if (!s->threaded)
		return decode_next(s) ? &s->ev : NULL;
	while (!s->done) {
		if (s->cur && s->pos < s->cur->n)
			return &s->cur->ev[s->pos++];
		if (s->cur && s->cur->last) {
			s->done = true;
			break;
		}
		next_batch(s);
	}
	return NULL;
}

const struct det_event *replay_source_next(struct replay_source *s)
{
	const struct det_event *e = next_event(s);

	if (e) {
		if (e->ts_us < s->last_ts)
			s->st.out_of_order++; /* a clock step: fed anyway */
		s->last_ts = e->ts_us;
	}
	return e;
}

static void free_threaded(struct replay_source *s)
{
	int i;

	for (i = 0; i < REPLAY_MAX_WORKERS; i++) {
		replay_decoder_free(s->workers[i].dec);
		free(s->workers[i].text);
	}
	replay_decoder_free(s->helper.dec);
	free(s->helper.text);
	for (i = 0; i < NBATCHES; i++) {
		if (s->all[i]) {
			free(s->all[i]->strs);
			free(s->all[i]->msgs);
		}
		free(s->all[i]);
	}
	pthread_cond_destroy(&s->filled);
	pthread_cond_destroy(&s->emptied);
	pthread_mutex_destroy(&s->lock);
}

bool replay_source_close(struct replay_source *s, struct replay_stats *st)
{
	bool failed;
	int i;

	if (!s)
		return false;
	if (s->threaded) {
		pthread_mutex_lock(&s->lock);
		s->stop = true;
		pthread_cond_broadcast(&s->emptied);
		pthread_mutex_unlock(&s->lock);
		for (i = 0; i < (int)s->nworkers; i++)
			if (s->workers[i].started)
				pthread_join(s->workers[i].thread, NULL);
		free_threaded(s);
	}
	if (st)
		replay_stats_add(st, &s->st);
	failed = s->failed;
	lr_free(&s->lr);
	replay_decoder_free(s->dec);
	if (s->fd > 0)
		close(s->fd);
	free(s);
	return failed;
}

static bool start_threaded(struct replay_source *s, unsigned workers)
{
	int i;

	s->threaded = true;
	s->nworkers = workers < REPLAY_MAX_WORKERS ? workers : REPLAY_MAX_WORKERS;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->filled, NULL);
	pthread_cond_init(&s->emptied, NULL);
	for (i = 0; i < NBATCHES; i++) {
		if (!(s->all[i] = calloc(1, sizeof(*s->all[i]))))
			return false;
		s->free_b[s->nfree++] = s->all[i];
	}
	s->helper.s = s;
	if (!(s->helper.dec = replay_decoder_new()))
		return false;
	for (i = 0; i < (int)s->nworkers; i++)
		if (!(s->workers[i].dec = replay_decoder_new()))
			return false;
	for (i = 0; i < (int)s->nworkers; i++) {
		s->workers[i].s = s;
		if (pthread_create(&s->workers[i].thread, NULL, worker_main, &s->workers[i]))
			return false;
		s->workers[i].started = true;
	}
	return true;
}

struct replay_source *replay_source_open(const char *name, int fd, size_t max_line,
					 unsigned workers)
{
	struct replay_source *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->name = name;
	s->fd = fd;
	if (lr_init(&s->lr, fd, max_line) ||
	    (workers ? !start_threaded(s, workers) : !(s->dec = replay_decoder_new()))) {
		s->fd = -1; /* the caller closes it */
		replay_source_close(s, NULL);
		return NULL;
	}
	return s;
}

unsigned replay_cpus(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) ? 1 : (unsigned)CPU_COUNT(&set);
}
