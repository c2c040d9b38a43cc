// SPDX-License-Identifier: GPL-2.0
/* --syslog: each JSON record as the MSG of an RFC 5424 message, to /dev/log (or another unix
 * socket), udp://HOST:PORT, or tcp://HOST:PORT with RFC 6587 octet-counting framing.
 * A slow or dead receiver never stalls the ring-buffer consumer: messages wait in a bounded
 * queue; what does not fit is dropped and counted. A TCP receiver that goes away is reconnected
 * with backoff (1 s doubling to 30 s); the message being sent when it went away is resent. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "common/record.h"
#include "outputs/syslog_out.h"

#define FACILITY_AUTHPRIV 10

int syslog_parse_target(const char *target, struct syslog_target *t)
{
	const char *hp;
	const char *colon;

	memset(t, 0, sizeof(*t));
	if (!target || !*target || target[0] == '/') {
		t->kind = SYSLOG_UNIX;
		snprintf(t->path, sizeof(t->path), "%s", target && *target ? target : "/dev/log");
		return 0;
	}
	if (!strncmp(target, "udp://", 6))
		t->kind = SYSLOG_UDP;
	else if (!strncmp(target, "tcp://", 6))
		t->kind = SYSLOG_TCP;
	else
		return -1;
	hp = target + 6;
	colon = strrchr(hp, ':');
	if (!colon || colon == hp || !colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return -1;
	if (hp[0] == '[' && colon[-1] == ']') /* [::1]:514 */
		snprintf(t->host, sizeof(t->host), "%.*s", (int)(colon - hp - 2), hp + 1);
	else
		snprintf(t->host, sizeof(t->host), "%.*s", (int)(colon - hp), hp);
	snprintf(t->port, sizeof(t->port), "%s", colon + 1);
	if (atoi(t->port) < 1 || atoi(t->port) > 65535)
		return -1;
	return 0;
}

static int connect_target(struct syslog_out *s)
{
	int fd = -1;

	if (s->t.kind == SYSLOG_UNIX) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", s->t.path);
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
			close(fd);
			fd = -1;
		}
	} else {
		struct addrinfo hints = { .ai_family = AF_UNSPEC }, *res = NULL, *ai;

		hints.ai_socktype = s->t.kind == SYSLOG_TCP ? SOCK_STREAM : SOCK_DGRAM;
		if (getaddrinfo(s->t.host, s->t.port, &hints, &res))
			return -1;
		for (ai = res; ai && fd < 0; ai = ai->ai_next) {
			fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
			if (fd < 0)
				continue;
			/* a blocking connect (loopback or LAN: quick), then non-blocking sends */
			if (connect(fd, ai->ai_addr, ai->ai_addrlen)) {
				close(fd);
				fd = -1;
			}
		}
		freeaddrinfo(res);
		if (fd >= 0)
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	}
	return fd;
}

int syslog_out_init(struct syslog_out *s, const char *target, const char *hostname)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->backoff_s = 1;
	if (syslog_parse_target(target, &s->t))
		return -1;
	snprintf(s->hostname, sizeof(s->hostname), "%s", hostname);
	s->cap = SYSLOG_QUEUE_BYTES;
	s->buf = malloc(s->cap);
	if (!s->buf)
		return -1;
	s->fd = connect_target(s);
	if (s->fd < 0) {
		/* not fatal: smbwatch retries, and counts what it cannot send */
		fprintf(stderr, "smbwatch: syslog receiver %s not reachable (%s); retrying\n",
			target ? target : "/dev/log", strerror(errno));
		s->failing = true;
		s->next_try_ns = smbw_mono_now_ns() + 1000000000ULL;
	}
	return 0;
}

void syslog_out_free(struct syslog_out *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->buf);
	s->buf = NULL;
}

/* Queue entries: [u32 length][message]. */
static bool queue_push(struct syslog_out *s, const char *m, size_t len)
{
	uint32_t l = (uint32_t)len;

	if (s->len + sizeof(l) + len > s->cap)
		return false;
	memcpy(s->buf + s->len, &l, sizeof(l));
	memcpy(s->buf + s->len + sizeof(l), m, len);
	s->len += sizeof(l) + len;
	s->queued++;
	return true;
}

/* The next try after the backoff; the backoff doubles, up to 30 s. */
static void retry_later(struct syslog_out *s)
{
	s->next_try_ns = smbw_mono_now_ns() + (uint64_t)s->backoff_s * 1000000000ULL;
	s->backoff_s = s->backoff_s < 30 ? s->backoff_s * 2 : 30;
}

static void lost_connection(struct syslog_out *s, int err)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->sent_of_head = 0; /* the message cut short is sent again, whole */
	if (!s->failing)
		fprintf(stderr, "smbwatch: syslog receiver lost (%s); queueing, reconnecting\n",
			strerror(err));
	s->failing = true;
	retry_later(s);
}

void syslog_out_flush(struct syslog_out *s)
{
	size_t off = 0;

	if (s->fd < 0) {
		if (smbw_mono_now_ns() < s->next_try_ns)
			return;
		s->fd = connect_target(s);
		if (s->fd < 0) {
			retry_later(s);
			return;
		}
		if (s->failing)
			fprintf(stderr, "smbwatch: syslog receiver back\n");
		s->failing = false;
		s->backoff_s = 1;
	}
	if (s->t.kind == SYSLOG_TCP && s->len && s->fd >= 0) {
		/* A receiver that closed sends FIN first; the first send() after it would still
		 * succeed and be lost. Look before sending. */
		char b;
		ssize_t r = recv(s->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);

		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
			lost_connection(s, r == 0 ? ECONNRESET : errno);
			return;
		}
	}
	while (off < s->len) {
		uint32_t l;
		const char *m;
		ssize_t w;

		memcpy(&l, s->buf + off, sizeof(l));
		m = s->buf + off + sizeof(l);
		if (s->t.kind == SYSLOG_TCP) {
			w = send(s->fd, m + s->sent_of_head, l - s->sent_of_head, MSG_NOSIGNAL);
			if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				break; /* the receiver is slow: the rest waits */
			if (w <= 0) {
				lost_connection(s, w < 0 ? errno : ECONNRESET);
				break;
			}
			s->sent_of_head += (size_t)w;
			if (s->sent_of_head < l)
				break;
		} else {
			w = send(s->fd, m, l, MSG_NOSIGNAL);
			if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS))
				break;
			if (w < 0) { /* datagrams: nobody listening; this one is lost */
				s->dropped++;
				if (errno != ECONNREFUSED)
					lost_connection(s, errno);
			}
		}
		s->sent_of_head = 0;
		s->sent += w >= 0;
		off += sizeof(l) + l;
	}
	if (off) {
		memmove(s->buf, s->buf + off, s->len - off);
		s->len -= off;
	}
}

void syslog_out_record(struct syslog_out *s, const char *json, size_t len, const char *msgid,
		       int severity)
{
	char head[512], ts[40], *msg;
	size_t hl, total;
	int n;

	smbw_format_real_us(smbw_real_us_now(), ts, sizeof(ts));
	/* <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG */
	n = snprintf(head, sizeof(head), "<%d>1 %s %s smbwatch %d %s - ",
		     FACILITY_AUTHPRIV * 8 + severity, ts, s->hostname, (int)getpid(),
		     msgid && *msgid ? msgid : "-");
	hl = (size_t)n;
	total = hl + len;
	msg = malloc(total + 16);
	if (!msg) {
		s->dropped++;
		return;
	}
	if (s->t.kind == SYSLOG_TCP) { /* RFC 6587 octet counting: "LEN SP MSG" */
		int p = snprintf(msg, 16, "%zu ", total);

		memcpy(msg + p, head, hl);
		memcpy(msg + p + hl, json, len);
		total += (size_t)p;
	} else {
		memcpy(msg, head, hl);
		memcpy(msg + hl, json, len);
	}
	if (!queue_push(s, msg, total))
		s->dropped++; /* the queue is full: counted, never blocking */
	free(msg);
	syslog_out_flush(s);
}

void syslog_out_drain(struct syslog_out *s, int timeout_ms)
{
	uint64_t end = smbw_mono_now_ns() + (uint64_t)timeout_ms * 1000000;

	while (s->len && smbw_mono_now_ns() < end) {
		syslog_out_flush(s);
		if (s->len)
			usleep(20000);
	}
	/* what is still waiting at the end is lost: counted */
	while (s->len) {
		uint32_t l;

		memcpy(&l, s->buf, sizeof(l));
		memmove(s->buf, s->buf + sizeof(l) + l, s->len - sizeof(l) - l);
		s->len -= sizeof(l) + l;
		s->dropped++;
	}
}
