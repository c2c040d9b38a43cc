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
#include "line_reader.h"
#include "replay_source.h"

#define BATCH_EVENTS 512          /* events handed over at a time */
#define BATCH_BYTES (256 * 1024)  /* their strings: a batch is handed over once past this */
#define NBATCHES 4                /* batches in flight between the two threads */

/* Events and a copy of their strings. While a batch fills, its events' string members hold
 * offsets into strs (plus one; 0 is NULL), made pointers once it is full. */
struct batch {
	struct det_event ev[BATCH_EVENTS];
	size_t n;
	char *strs;
	size_t used, cap;
	bool last; /* the input ends after this batch */
};

struct replay_source {
	const char *name;
	int fd;
	struct line_reader lr;
	struct replay_decoder *dec;
	struct replay_stats st; /* the reading side's */
	uint64_t last_ts;       /* of the event before, for out-of-order counting */
	struct det_event ev;    /* unthreaded: the event replay_source_next gives */
	bool failed;

	/* threaded */
	bool threaded, started, stop;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t filled, emptied;
	struct batch *batches[NBATCHES];
	unsigned head, count; /* the oldest full batch; full batches */
	struct batch *cur;    /* the batch being read by the consumer */
	size_t pos;
	bool done; /* the consumer has seen the last batch */
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

static void malformed(struct replay_source *s, uint64_t lineno, enum replay_reason why,
		      const char *err)
{
	fprintf(stderr, "smbwatch: %s:%llu: %s, skipped\n", s->name, (unsigned long long)lineno,
		err);
	s->st.malformed++;
	s->st.malformed_by[why]++;
}

/* Reads on until the next event (true, in s->ev), or the end of the input (false). */
static bool decode_next(struct replay_source *s)
{
	struct lr_seg seg;
	char err[200];
	int got;

	while ((got = lr_next(&s->lr, &seg)) > 0) {
		enum replay_reason why;
		size_t len = seg.len;

		if (seg.kind == LR_TOO_LONG) {
			s->st.lines++;
			snprintf(err, sizeof(err), "longer than %zu bytes (--max-line)",
				 s->lr.max_line);
			malformed(s, seg.lineno, REPLAY_TOO_LONG, err);
			continue;
		}
		if (seg.kind == LR_NUL_RUN) {
			s->st.lines++;
			malformed(s, seg.lineno, REPLAY_NUL_BYTES, "NUL bytes");
			continue;
		}
		while (len > 0 && seg.text[len - 1] == '\r')
			len--;
		if (!len)
			continue;
		s->st.lines++;
		switch (replay_decode_line(s->dec, seg.text, len, &s->ev, err, sizeof(err), &why)) {
		case REPLAY_EVENT:
			s->st.events++;
			if (s->ev.ts_us < s->last_ts)
				s->st.out_of_order++; /* a clock step: fed anyway */
			s->last_ts = s->ev.ts_us;
			return true;
		case REPLAY_SKIP:
			s->st.skipped++;
			break;
		case REPLAY_BAD:
			malformed(s, seg.lineno, why, err);
			break;
		}
	}
	if (got < 0) {
		fprintf(stderr, "smbwatch: cannot read %s: %s\n", s->name, strerror(s->lr.err));
		s->failed = true;
	}
	return false;
}

/* --- the reading thread: batches of events --- */

/* The strings of an event, in the order they are copied. */
#define EV_STRS(e) { &(e)->account, &(e)->domain, &(e)->workstation, &(e)->ip, &(e)->share, \
		     &(e)->path, &(e)->unc }

/* Copies s->ev into b; false when its strings do not fit (b is handed over first). */
static bool batch_add(struct batch *b, const struct det_event *e)
{
	struct det_event *o = &b->ev[b->n];
	const char **dst[] = EV_STRS(o);
	size_t need = 0, i;

	*o = *e;
	for (i = 0; i < sizeof(dst) / sizeof(dst[0]); i++)
		need += *dst[i] ? strlen(*dst[i]) + 1 : 0;
	if (b->used + need > b->cap) {
		size_t cap = b->cap;
		char *p;

		if (b->n && b->used + need > BATCH_BYTES)
			return false; /* the next batch takes it */
		while (cap < b->used + need)
			cap *= 2;
		p = realloc(b->strs, cap);
		if (!p)
			return false;
		b->strs = p;
		b->cap = cap;
	}
	for (i = 0; i < sizeof(dst) / sizeof(dst[0]); i++) {
		size_t len;

		if (!*dst[i])
			continue;
		len = strlen(*dst[i]) + 1;
		memcpy(b->strs + b->used, *dst[i], len);
		*dst[i] = (const char *)(uintptr_t)(b->used + 1);
		b->used += len;
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

static void *reader_main(void *arg)
{
	struct replay_source *s = arg;
	bool pending = false, more = true;
	unsigned tail;

	while (more) {
		struct batch *b;
		bool stop;

		pthread_mutex_lock(&s->lock);
		while (s->count == NBATCHES && !s->stop)
			pthread_cond_wait(&s->emptied, &s->lock);
		tail = (s->head + s->count) % NBATCHES;
		stop = s->stop;
		pthread_mutex_unlock(&s->lock);
		if (stop)
			break;
		b = s->batches[tail]; /* free: only this thread touches it until handed over */
		b->n = b->used = 0;
		b->last = false;
		while (b->n < BATCH_EVENTS) {
			if (!pending && !(more = decode_next(s)))
				break;
			pending = !batch_add(b, &s->ev);
			if (pending) {
				if (b->n)
					break; /* it starts the next batch */
				fprintf(stderr, "smbwatch: %s: out of memory, the rest not replayed\n",
					s->name);
				s->failed = true;
				more = pending = false;
				break;
			}
		}
		b->last = !more;
		batch_seal(b);
		pthread_mutex_lock(&s->lock);
		s->count++;
		pthread_cond_signal(&s->filled);
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

/* The consumer's next batch; NULL after the last one. */
static struct batch *next_batch(struct replay_source *s)
{
	struct batch *b;

	pthread_mutex_lock(&s->lock);
	if (s->cur) { /* give the one read back */
		s->head = (s->head + 1) % NBATCHES;
		s->count--;
		s->cur = NULL;
		pthread_cond_signal(&s->emptied);
	}
	while (!s->count)
		pthread_cond_wait(&s->filled, &s->lock);
	b = s->batches[s->head];
	s->cur = b;
	s->pos = 0;
	pthread_mutex_unlock(&s->lock);
	return b;
}

const struct det_event *replay_source_next(struct replay_source *s)
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

static void free_batches(struct replay_source *s)
{
	int i;

	for (i = 0; i < NBATCHES; i++) {
		if (s->batches[i])
			free(s->batches[i]->strs);
		free(s->batches[i]);
	}
}

bool replay_source_close(struct replay_source *s, struct replay_stats *st)
{
	bool failed;

	if (!s)
		return false;
	if (s->started) {
		pthread_mutex_lock(&s->lock);
		s->stop = true;
		pthread_cond_signal(&s->emptied);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->thread, NULL);
	}
	if (s->threaded) {
		pthread_cond_destroy(&s->filled);
		pthread_cond_destroy(&s->emptied);
		pthread_mutex_destroy(&s->lock);
		free_batches(s);
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

struct replay_source *replay_source_open(const char *name, int fd, size_t max_line,
					 bool threaded)
{
	struct replay_source *s = calloc(1, sizeof(*s));
	int i;

	if (!s)
		return NULL;
	s->name = name;
	s->fd = fd;
	s->dec = replay_decoder_new();
	if (!s->dec || lr_init(&s->lr, fd, max_line)) {
		s->fd = -1; /* the caller closes it */
		replay_source_close(s, NULL);
		return NULL;
	}
	if (!threaded)
		return s;
	s->threaded = true;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->filled, NULL);
	pthread_cond_init(&s->emptied, NULL);
	for (i = 0; i < NBATCHES; i++) {
		s->batches[i] = calloc(1, sizeof(*s->batches[i]));
		if (!s->batches[i] || !(s->batches[i]->strs = malloc(64 * 1024)))
			goto fail;
		s->batches[i]->cap = 64 * 1024;
	}
	if (pthread_create(&s->thread, NULL, reader_main, s))
		goto fail;
	s->started = true;
	return s;
fail:
	s->fd = -1;
	replay_source_close(s, NULL);
	return NULL;
}

bool replay_threads_useful(void)
{
	cpu_set_t set;

	return !sched_getaffinity(0, sizeof(set), &set) && CPU_COUNT(&set) > 1;
}
