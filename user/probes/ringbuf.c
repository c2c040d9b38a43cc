// SPDX-License-Identifier: GPL-2.0
/* The ring buffer's mapping, as the kernel lays it out (Documentation/bpf/ringbuf.rst):
 * offset 0, one page, read-write: the consumer position; offset one page, read-only: one page
 * with the producer position, then the data area twice, so that a record that wraps around
 * reads as one piece. Each record starts with an 8-byte header: its length, with a busy bit
 * (still being written) and a discard bit, then a page offset. Records are 8-byte aligned. */
#include <errno.h>
#include <linux/bpf.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "ringbuf.h"

int rb_open(struct rb_reader *r, int fd, size_t size, rb_sample_fn fn, void *ctx)
{
	void *p;

	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->size = size;
	r->page = (size_t)sysconf(_SC_PAGESIZE);
	r->fn = fn;
	r->ctx = ctx;
	if (!size || (size & (size - 1)))
		return -EINVAL;
	p = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	r->consumer = p;
	p = mmap(NULL, r->page + 2 * size, PROT_READ, MAP_SHARED, fd, (off_t)r->page);
	if (p == MAP_FAILED) {
		int e = -errno;

		munmap(r->consumer, r->page);
		r->consumer = NULL;
		return e;
	}
	r->producer = p;
	r->data = (unsigned char *)p + r->page;
	return 0;
}

int rb_consume(struct rb_reader *r)
{
	uint64_t cons = __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE), prod;
	int n = 0;

	for (;;) {
		prod = __atomic_load_n(r->producer, __ATOMIC_ACQUIRE);
		if (cons >= prod)
			break;
		while (cons < prod) {
			const uint32_t *hdr = (const uint32_t *)(r->data + (cons & (r->size - 1)));
			uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);

			if (len & BPF_RINGBUF_BUSY_BIT)
				goto out; /* still being written: next time */
			len &= ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
			if (!(*hdr & BPF_RINGBUF_DISCARD_BIT)) {
				int e = r->fn(r->ctx, (void *)(hdr + 2), len);

				if (e < 0) {
					__atomic_store_n(r->consumer, cons, __ATOMIC_RELEASE);
					return e;
				}
				n++;
			}
			cons += (len + BPF_RINGBUF_HDR_SZ + 7) & ~7ULL;
			__atomic_store_n(r->consumer, cons, __ATOMIC_RELEASE);
		}
	}
out:
	return n;
}

int rb_poll(struct rb_reader *r, int timeout_ms, int extra_fd, int *extra_ready)
{
	struct pollfd fds[2] = { { r->fd, POLLIN, 0 }, { extra_fd, POLLIN, 0 } };
	int k;

	*extra_ready = 0;
	k = poll(fds, extra_fd >= 0 ? 2 : 1, timeout_ms);
	if (k < 0)
		return -errno;
	if (extra_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)))
		*extra_ready = 1;
	return rb_consume(r);
}

void rb_close(struct rb_reader *r)
{
	if (r->producer)
		munmap(r->producer, r->page + 2 * r->size);
	if (r->consumer)
		munmap(r->consumer, r->page);
	r->producer = NULL;
	r->consumer = NULL;
}
