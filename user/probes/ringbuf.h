/* SPDX-License-Identifier: GPL-2.0 */
/* Reads the BPF ring buffer through its memory mapping alone: no bpf(2) call after the map's
 * file descriptor is open, so the consumer can run with no privileges at all (with
 * kernel.unprivileged_bpf_disabled set, an unprivileged process may make no bpf(2) call). */
#ifndef SMBW_RINGBUF_H
#define SMBW_RINGBUF_H
#include <stddef.h>
#include <stdint.h>

typedef int (*rb_sample_fn)(void *ctx, void *data, size_t size);

struct rb_reader {
	int fd;              /* the BPF_MAP_TYPE_RINGBUF map: pollable */
	size_t size;         /* data area, a power of two */
	size_t page;
	uint64_t *consumer;  /* consumer position (read-write page) */
	uint64_t *producer;  /* producer position (read-only page) */
	unsigned char *data; /* the data area, mapped twice in a row by the kernel */
	rb_sample_fn fn;
	void *ctx;
};

/* Maps the ring buffer map fd of size bytes (its max_entries). 0, or -errno. */
int rb_open(struct rb_reader *r, int fd, size_t size, rb_sample_fn fn, void *ctx);

/* Hands every record written so far to fn; returns how many, or fn's negative return. */
int rb_consume(struct rb_reader *r);

/* Waits up to timeout_ms for records (or POLLIN on extra_fd, if >= 0); sets *extra_ready. */
int rb_poll(struct rb_reader *r, int timeout_ms, int extra_fd, int *extra_ready);

void rb_close(struct rb_reader *r);

#endif
