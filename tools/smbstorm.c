// SPDX-License-Identifier: GPL-2.0
/* smbstorm: a failing-open storm that costs the client next to nothing, so that smbd is the
 * bottleneck and a benchmark's traced/untraced ratio shows smbd's own cost. It speaks SMB2.1
 * itself over one TCP connection: NEGOTIATE, an NTLMv2 logon (raw NTLMSSP, no signing), one
 * TREE_CONNECT, then CREATEs of the paths given, --depth of them in flight at a time, written
 * in batches. Every CREATE must fail (the paths must not exist): a success is an error, since
 * smbstorm never closes a handle.
 *
 *   smbstorm -s 127.0.0.1 -p 445 -U alice -P secret -W LAB --repeat 10000 apps/missing.dll
 *
 * Prints on stderr "smbstorm: N opens, N failed, S s, R/s" (as tools/smbsim does). */
#include <argp.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <nettle/hmac.h>
#include <nettle/md4.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define SMB2_HDR 64
#define NB_HDR 4

enum {
	SMB2_NEGOTIATE = 0,
	SMB2_SESSION_SETUP = 1,
	SMB2_TREE_CONNECT = 3,
	SMB2_CREATE = 5,
};

#define ST_OK 0x00000000u
#define ST_PENDING 0x00000103u
#define ST_MORE_PROCESSING 0xc0000016u

static struct {
	const char *server, *user, *password, *domain, *workstation;
	unsigned int port, depth;
	unsigned long repeat;
	char **paths;
	int npaths;
} opt = { .port = 445, .domain = "WORKGROUP", .workstation = "SMBSTORM", .depth = 16,
	  .repeat = 1 };

static int sock = -1;
static uint64_t next_mid, session_id;
static uint32_t tree_id;
static long credits = 1; /* granted and not yet used */

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "smbstorm: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint16_t get16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const unsigned char *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const unsigned char *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* ASCII/UTF-8 bytes below 0x80 to UTF-16LE (names here are plain); '/' becomes '\' when
 * slashes is set. Returns the bytes written. */
static size_t utf16(unsigned char *out, const char *s, int upper, int slashes)
{
	size_t n = 0;

	for (; *s; s++) {
		int c = (unsigned char)*s;

		if (upper)
			c = toupper(c);
		if (slashes && c == '/')
			c = '\\';
		put16(out + n, (uint16_t)c);
		n += 2;
	}
	return n;
}

/* An SMB2 header for command, with the next MessageId. */
static void smb2_header(unsigned char *h, uint16_t cmd)
{
	memset(h, 0, SMB2_HDR);
	memcpy(h, "\xfeSMB", 4);
	put16(h + 4, SMB2_HDR);
	put16(h + 6, 1); /* CreditCharge */
	put16(h + 12, cmd);
	put16(h + 14, 256); /* CreditRequest: room for the pipeline */
	put64(h + 24, next_mid++);
	put32(h + 36, tree_id);
	put64(h + 40, session_id);
	credits--;
}

static void write_all(const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len) {
		ssize_t k = write(sock, p, len);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			die("write: %s", strerror(errno));
		p += k;
		len -= (size_t)k;
	}
}

/* Reads are buffered: one read() takes every response that has arrived. */
static unsigned char ibuf[1 << 18];
static size_t ihead, itail;

static void read_all(void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len) {
		size_t n = itail - ihead;
		ssize_t k;

		if (n) {
			if (n > len)
				n = len;
			memcpy(p, ibuf + ihead, n);
			ihead += n;
			p += n;
			len -= n;
			continue;
		}
		ihead = itail = 0;
		k = read(sock, ibuf, sizeof(ibuf));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			die("read: %s", k ? strerror(errno) : "connection closed");
		itail = (size_t)k;
	}
}

/* Frames an SMB2 message (header and body: len bytes at msg + NB_HDR) for the wire. */
static void frame(unsigned char *msg, size_t len)
{
	msg[0] = 0;
	msg[1] = (unsigned char)(len >> 16);
	msg[2] = (unsigned char)(len >> 8);
	msg[3] = (unsigned char)len;
}

static unsigned char rbuf[1 << 16];
static size_t rlen;

/* One response into rbuf (header at rbuf); its length returned. Credits granted are kept. */
static size_t recv_msg(void)
{
	unsigned char nb[NB_HDR];

	read_all(nb, NB_HDR);
	rlen = (size_t)nb[1] << 16 | (size_t)nb[2] << 8 | nb[3];
	if (rlen < SMB2_HDR || rlen > sizeof(rbuf))
		die("bad response length%s", "");
	read_all(rbuf, rlen);
	if (memcmp(rbuf, "\xfeSMB", 4))
		die("not an SMB2 response%s", "");
	credits += get16(rbuf + 14);
	return rlen;
}

static uint32_t rstatus(void)
{
	return get32(rbuf + 8);
}

/* Sends one request (msg: NB_HDR + header + body) and waits for its final response. */
static uint32_t transact(unsigned char *msg, size_t len)
{
	frame(msg, len);
	write_all(msg, NB_HDR + len);
	do
		recv_msg();
	while (rstatus() == ST_PENDING && (get32(rbuf + 16) & 2));
	return rstatus();
}

static void negotiate(void)
{
	unsigned char m[NB_HDR + SMB2_HDR + 36 + 4], *b = m + NB_HDR + SMB2_HDR;
	uint32_t st;

	smb2_header(m + NB_HDR, SMB2_NEGOTIATE);
	memset(b, 0, 40);
	put16(b, 36);
	put16(b + 2, 2); /* DialectCount */
	put16(b + 4, 1); /* SecurityMode: signing enabled, not required */
	memcpy(b + 12, "smbstorm-client!", 16);
	put16(b + 36, 0x0202);
	put16(b + 38, 0x0210);
	st = transact(m, sizeof(m) - NB_HDR);
	if (st != ST_OK)
		die("NEGOTIATE failed%s", "");
}

/* A session setup round carrying an NTLMSSP token; the response's token is left in rbuf. */
static uint32_t session_setup(const unsigned char *tok, size_t toklen, const unsigned char **out,
			      size_t *outlen)
{
	static unsigned char m[NB_HDR + SMB2_HDR + 24 + 4096];
	unsigned char *b = m + NB_HDR + SMB2_HDR;
	uint32_t st;
	size_t off, len;

	if (toklen > 4096)
		die("token too long%s", "");
	smb2_header(m + NB_HDR, SMB2_SESSION_SETUP);
	memset(b, 0, 24);
	put16(b, 25);
	b[3] = 1; /* SecurityMode: signing enabled */
	put16(b + 12, SMB2_HDR + 24);
	put16(b + 14, (uint16_t)toklen);
	memcpy(b + 24, tok, toklen);
	st = transact(m, SMB2_HDR + 24 + toklen);
	session_id = get64(rbuf + 40);
	*out = NULL;
	*outlen = 0;
	if (rlen >= SMB2_HDR + 8) {
		off = get16(rbuf + SMB2_HDR + 4);
		len = get16(rbuf + SMB2_HDR + 6);
		if (off + len <= rlen) {
			*out = rbuf + off;
			*outlen = len;
		}
	}
	return st;
}

#define NTLMSSP_FLAGS                                                                            \
	(0x00000001u /* UNICODE */ | 0x00000004u /* REQUEST_TARGET */ | 0x00000200u /* NTLM */ |  \
	 0x00008000u /* ALWAYS_SIGN */ | 0x00080000u /* EXTENDED_SESSIONSECURITY */ |           \
	 0x00800000u /* TARGET_INFO */ | 0x20000000u /* 128 */ | 0x80000000u /* 56 */)

static void hmac_md5(const unsigned char *key, size_t klen, const unsigned char *a, size_t alen,
		     const unsigned char *b, size_t blen, unsigned char out[16])
{
	struct hmac_md5_ctx c;

	hmac_md5_set_key(&c, klen, key);
	hmac_md5_update(&c, alen, a);
	if (blen)
		hmac_md5_update(&c, blen, b);
	hmac_md5_digest(&c, 16, out);
}

/* A security buffer field of an NTLMSSP message: len, maxlen, offset. */
static void ntlm_field(unsigned char *f, size_t len, size_t off)
{
	put16(f, (uint16_t)len);
	put16(f + 2, (uint16_t)len);
	put32(f + 4, (uint32_t)off);
}

/* The logon: NTLMSSP NEGOTIATE, the server's CHALLENGE, an NTLMv2 AUTHENTICATE ([MS-NLMP]). */
static void logon(void)
{
	unsigned char neg[32] = "NTLMSSP", auth[4096] = "NTLMSSP", pw16[512], id16[1024];
	unsigned char nthash[16], ntowf[16], proof[16], temp[2048], chal[8], ts[8] = { 0 };
	const unsigned char *tok, *ti = NULL;
	size_t toklen, tilen = 0, n, tl, off, dl, ul, wl;
	struct md4_ctx md4;
	uint32_t st;

	put32(neg + 8, 1);
	put32(neg + 12, NTLMSSP_FLAGS);
	st = session_setup(neg, sizeof(neg), &tok, &toklen);
	if (st != ST_MORE_PROCESSING || toklen < 48 || memcmp(tok, "NTLMSSP", 8) ||
	    get32(tok + 8) != 2)
		die("no NTLMSSP challenge from the server%s", "");
	memcpy(chal, tok + 24, 8);
	off = get32(tok + 44);
	tilen = get16(tok + 40);
	if (off + tilen <= toklen)
		ti = tok + off;
	else
		tilen = 0;
	if (tilen > 1024)
		die("target info too long%s", "");
	/* the server's MsvAvTimestamp when it sent one, else now as a FILETIME */
	for (n = 0; ti && n + 4 <= tilen;) {
		uint16_t id = get16(ti + n), len = get16(ti + n + 2);

		if (id == 0 || n + 4 + len > tilen)
			break;
		if (id == 7 && len == 8)
			memcpy(ts, ti + n + 4, 8);
		n += 4 + len;
	}
	if (!get64(ts)) {
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		put64(ts, ((uint64_t)now.tv_sec + 11644473600ull) * 10000000ull +
				  (uint64_t)now.tv_nsec / 100);
	}
	if (strlen(opt.password) > 200 || strlen(opt.user) + strlen(opt.domain) > 400 ||
	    strlen(opt.workstation) > 100)
		die("names too long%s", "");
	/* NTOWFv2 = HMAC_MD5(MD4(UTF-16 password), UTF-16(upper(user) domain)) */
	n = utf16(pw16, opt.password, 0, 0);
	md4_init(&md4);
	md4_update(&md4, n, pw16);
	md4_digest(&md4, 16, nthash);
	n = utf16(id16, opt.user, 1, 0);
	n += utf16(id16 + n, opt.domain, 0, 0);
	hmac_md5(nthash, 16, id16, n, NULL, 0, ntowf);
	/* temp: versions 1 1, Z(6), time, client challenge, Z(4), the server's AV pairs, Z(4) */
	memset(temp, 0, 28);
	temp[0] = 1;
	temp[1] = 1;
	memcpy(temp + 8, ts, 8);
	for (n = 0; n < 8; n++)
		temp[16 + n] = (unsigned char)rand();
	if (tilen)
		memcpy(temp + 28, ti, tilen);
	tl = 28 + tilen;
	memset(temp + tl, 0, 4);
	tl += 4;
	hmac_md5(ntowf, 16, chal, 8, temp, tl, proof);

	/* AUTHENTICATE: 64-byte head, then LM (Z(24)), NT, domain, user, workstation */
	memset(auth + 8, 0, 56);
	put32(auth + 8, 3);
	off = 64;
	memset(auth + off, 0, 24);
	ntlm_field(auth + 12, 24, off);
	off += 24;
	memcpy(auth + off, proof, 16);
	memcpy(auth + off + 16, temp, tl);
	ntlm_field(auth + 20, 16 + tl, off);
	off += 16 + tl;
	dl = utf16(auth + off, opt.domain, 0, 0);
	ntlm_field(auth + 28, dl, off);
	off += dl;
	ul = utf16(auth + off, opt.user, 0, 0);
	ntlm_field(auth + 36, ul, off);
	off += ul;
	wl = utf16(auth + off, opt.workstation, 0, 0);
	ntlm_field(auth + 44, wl, off);
	off += wl;
	ntlm_field(auth + 52, 0, off);
	put32(auth + 60, NTLMSSP_FLAGS);
	st = session_setup(auth, off, &tok, &toklen);
	if (st != ST_OK) {
		char s[16];

		snprintf(s, sizeof(s), "0x%08x", st);
		die("logon failed: %s", s);
	}
}

static void tree_connect(const char *share)
{
	unsigned char m[NB_HDR + SMB2_HDR + 8 + 1024], *b = m + NB_HDR + SMB2_HDR;
	char unc[512];
	size_t n;
	uint32_t st;

	snprintf(unc, sizeof(unc), "\\\\%s\\%s", opt.server, share);
	smb2_header(m + NB_HDR, SMB2_TREE_CONNECT);
	memset(b, 0, 8);
	put16(b, 9);
	put16(b + 4, SMB2_HDR + 8);
	n = utf16(b + 8, unc, 0, 0);
	put16(b + 6, (uint16_t)n);
	st = transact(m, SMB2_HDR + 8 + n);
	if (st != ST_OK)
		die("tree connect to %s failed", share);
	tree_id = get32(rbuf + 36);
}

/* A CREATE request for path (relative to the share), framed, ready to send but for its
 * header's MessageId: FILE_OPEN of a file for reading, as a client's lookup does. */
struct create_msg {
	unsigned char m[NB_HDR + SMB2_HDR + 56 + 1024];
	size_t len;
};

static void create_build(struct create_msg *c, const char *path)
{
	unsigned char *b = c->m + NB_HDR + SMB2_HDR;
	size_t n;

	if (strlen(path) > 500)
		die("path too long: %s", path);
	smb2_header(c->m + NB_HDR, SMB2_CREATE);
	credits++; /* a template: the real ones are counted when sent */
	next_mid--;
	memset(b, 0, 56);
	put16(b, 57);
	put32(b + 4, 2);           /* ImpersonationLevel: Impersonation */
	put32(b + 24, 0x00120089); /* DesiredAccess: FILE_GENERIC_READ */
	put32(b + 32, 7);          /* ShareAccess: read, write, delete */
	put32(b + 36, 1);          /* CreateDisposition: FILE_OPEN */
	put32(b + 40, 0x40);       /* CreateOptions: FILE_NON_DIRECTORY_FILE */
	put16(b + 44, SMB2_HDR + 56);
	n = utf16(b + 56, path, 0, 1);
	put16(b + 46, (uint16_t)n);
	if (!n)
		b[56] = 0, n = 1; /* the buffer is never empty */
	c->len = SMB2_HDR + 56 + n;
	frame(c->m, c->len);
}

enum { OPT_REPEAT = 0x100, OPT_DEPTH };

static const struct argp_option options[] = {
	{ "server", 's', "ADDR", 0, "Server IPv4 address", 0 },
	{ "port", 'p', "PORT", 0, "TCP port (445)", 0 },
	{ "user", 'U', "USER", 0, "Account", 0 },
	{ "password", 'P', "PASSWORD", 0, "Password", 0 },
	{ "domain", 'W', "DOMAIN", 0, "Domain (WORKGROUP)", 0 },
	{ "workstation", 'n', "NAME", 0, "Workstation name (SMBSTORM)", 0 },
	{ "repeat", OPT_REPEAT, "N", 0, "Open every path N times (1)", 0 },
	{ "depth", OPT_DEPTH, "N", 0, "Requests in flight at a time (16)", 0 },
	{},
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	char *end;

	switch (key) {
	case 's': opt.server = arg; break;
	case 'p':
		opt.port = (unsigned int)strtoul(arg, &end, 10);
		if (*end || !opt.port || opt.port > 65535)
			argp_error(state, "invalid port '%s'", arg);
		break;
	case 'U': opt.user = arg; break;
	case 'P': opt.password = arg; break;
	case 'W': opt.domain = arg; break;
	case 'n': opt.workstation = arg; break;
	case OPT_REPEAT:
		opt.repeat = strtoul(arg, &end, 10);
		if (*end || !opt.repeat)
			argp_error(state, "invalid repeat count '%s'", arg);
		break;
	case OPT_DEPTH:
		opt.depth = (unsigned int)strtoul(arg, &end, 10);
		if (*end || !opt.depth || opt.depth > 1024)
			argp_error(state, "invalid depth '%s'", arg);
		break;
	case ARGP_KEY_ARG:
		opt.paths = &state->argv[state->next - 1];
		opt.npaths = state->argc - state->next + 1;
		state->next = state->argc;
		break;
	case ARGP_KEY_END:
		if (!opt.server || !opt.user || !opt.password || !opt.npaths)
			argp_error(state,
				   "--server, --user, --password and SHARE/PATH... are needed");
		break;
	default: return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = { options, parse_opt, "SHARE/PATH...",
				  "smbstorm -- failed SMB2 opens, pipelined, at smbd's pace", NULL,
				  NULL, NULL };

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct create_msg *creates;
	unsigned long total, sent = 0, done = 0, failed = 0, ok = 0;
	unsigned char *batch;
	char share[256];
	const char *slash;
	struct timespec t0, t1;
	double secs;
	int i, one = 1;

	argp_parse(&argp, argc, argv, 0, NULL, NULL);
	srand((unsigned int)time(NULL) ^ (unsigned int)getpid());
	slash = strchr(opt.paths[0], '/');
	if (!slash || (size_t)(slash - opt.paths[0]) >= sizeof(share))
		die("%s: give SHARE/PATH", opt.paths[0]);
	snprintf(share, sizeof(share), "%.*s", (int)(slash - opt.paths[0]), opt.paths[0]);
	for (i = 1; i < opt.npaths; i++) {
		size_t n = strlen(share);

		if (strncmp(opt.paths[i], share, n) || opt.paths[i][n] != '/')
			die("%s: every path must be in the first one's share", opt.paths[i]);
	}
	sa.sin_port = htons((uint16_t)opt.port);
	if (inet_pton(AF_INET, opt.server, &sa.sin_addr) != 1)
		die("%s: not an IPv4 address", opt.server);
	sock = socket(AF_INET, SOCK_STREAM, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect: %s", strerror(errno));
	setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	negotiate();
	logon();
	tree_connect(share);
	creates = calloc((size_t)opt.npaths, sizeof(*creates));
	batch = malloc((size_t)opt.depth * sizeof(creates->m));
	if (!creates || !batch)
		die("out of memory%s", "");
	for (i = 0; i < opt.npaths; i++)
		create_build(&creates[i], strchr(opt.paths[i], '/') + 1);

	total = opt.repeat * (unsigned long)opt.npaths;
	while (done < total) {
		size_t blen = 0;

		/* refill the pipeline once half of it has come back: as many as depth and the
		 * credits allow, in one write */
		if (sent - done <= opt.depth / 2) {
			while (sent < total && sent - done < opt.depth && credits > 0) {
				struct create_msg *c = &creates[sent % (unsigned long)opt.npaths];

				put64(c->m + NB_HDR + 24, next_mid++);
				credits--;
				memcpy(batch + blen, c->m, NB_HDR + c->len);
				blen += NB_HDR + c->len;
				sent++;
			}
		}
		if (blen)
			write_all(batch, blen);
		if (sent == done)
			die("the server granted no credits%s", "");
		recv_msg();
		if (rstatus() == ST_PENDING && (get32(rbuf + 16) & 2))
			continue; /* an interim response: the final one follows */
		if (get16(rbuf + 12) != SMB2_CREATE)
			die("an unexpected response%s", "");
		done++;
		if ((rstatus() >> 30) == 3)
			failed++;
		else
			ok++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	close(sock);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	fprintf(stderr, "smbstorm: %lu opens, %lu failed, %.3f s, %.1f/s\n", done, failed, secs,
		secs > 0 ? (double)done / secs : 0.0);
	if (ok) {
		fprintf(stderr, "smbstorm: %lu opens succeeded: give paths that do not exist\n",
			ok);
		return 1;
	}
	return 0;
}
