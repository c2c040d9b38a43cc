/* SPDX-License-Identifier: GPL-2.0 */
/* One input of a replay: its lines read and decoded into detector events, in file order.
 * Threaded, worker threads take blocks of lines in turn (the reading itself under a lock),
 * decode them side by side into numbered batches, and the caller takes the batches in reading
 * order, so that parsing (most of replay's work) spreads over the CPUs beside the detector;
 * the caller, rather than wait for the next batch, decodes a block itself. Unthreaded, it
 * decodes in the caller's thread as the events are asked for. Either way the events, the
 * counts and the messages (stderr, "NAME:LINE: why, skipped", in line order) are the same. */
#ifndef SMBW_REPLAY_SOURCE_H
#define SMBW_REPLAY_SOURCE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "detect/detect.h"
#include "replay/replay.h"

struct replay_stats {
	uint64_t lines, events, skipped, malformed, out_of_order;
	uint64_t malformed_by[REPLAY_NREASONS];
};

void replay_stats_add(struct replay_stats *to, const struct replay_stats *from);

struct replay_source;

/* Worker threads one input may have. */
#define REPLAY_MAX_WORKERS 4

/* Reads fd (closed by replay_source_close unless it is 0), named name in messages; max_line
 * as --max-line (0: the default); workers threads decode it (0: unthreaded; at most
 * REPLAY_MAX_WORKERS). NULL when out of memory or a thread cannot start. */
struct replay_source *replay_source_open(const char *name, int fd, size_t max_line,
					 unsigned workers);

/* The next event, valid until the next call; NULL at the end of the input. */
const struct det_event *replay_source_next(struct replay_source *s);

/* Stops and frees the source; adds its counts to st; true when reading it failed. */
bool replay_source_close(struct replay_source *s, struct replay_stats *st);

/* The CPUs this process may run on. */
unsigned replay_cpus(void);

#endif
