/* SPDX-License-Identifier: GPL-2.0 */
/* --syslog: RFC 5424 messages carrying the JSON records, to /dev/log, UDP or TCP. */
#ifndef SMBW_SYSLOG_OUT_H
#define SMBW_SYSLOG_OUT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYSLOG_QUEUE_BYTES (8 << 20) /* what waits for a slow receiver, at most */

enum syslog_kind { SYSLOG_UNIX, SYSLOG_UDP, SYSLOG_TCP };

struct syslog_target {
	enum syslog_kind kind;
	char path[108];
	char host[256];
	char port[8];
};

/* "" or NULL: /dev/log; "/path": a unix datagram socket; "udp://HOST:PORT", "tcp://HOST:PORT"
 * ("[::1]:514" for IPv6). 0 on success. */
int syslog_parse_target(const char *target, struct syslog_target *t);

struct syslog_out {
	struct syslog_target t;
	char hostname[256];
	int fd;
	char *buf; /* the queue */
	size_t len, cap, sent_of_head;
	bool failing;
	unsigned int backoff_s;
	uint64_t next_try_ns;
	uint64_t queued, sent, dropped;
};

/* -1 for a bad target; an unreachable receiver is not an error (retried, counted). */
int syslog_out_init(struct syslog_out *s, const char *target, const char *hostname);
void syslog_out_free(struct syslog_out *s);

/* Queues one record (JSON, no newline) and sends what it can without blocking. */
void syslog_out_record(struct syslog_out *s, const char *json, size_t len, const char *msgid,
		       int severity);

/* Sends what waits; reconnects when it is time. Call it often. */
void syslog_out_flush(struct syslog_out *s);

/* At the end: keeps sending for up to timeout_ms, then counts what is left as dropped. */
void syslog_out_drain(struct syslog_out *s, int timeout_ms);

#endif
