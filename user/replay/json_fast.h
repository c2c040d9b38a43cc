/* SPDX-License-Identifier: GPL-2.0 */
/* Replay's fast JSON path: simdjson (C++) behind a small C API. It parses one line's object,
 * validating all of it, and picks out the fields replay reads, in one pass. Anything it does
 * not take as is (a parse error, a field of an unexpected type, not an object) is left to the
 * json-c path, which then says exactly what is wrong. */
#ifndef SMBW_JSON_FAST_H
#define SMBW_JSON_FAST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes past the end of the input that must be readable (simdjson reads ahead). */
#define JF_PADDING 64

/* The fields replay reads, as json-c's get would give them: NULL when absent or null. */
struct rec_fields {
	const char *type;     /* Samba: type */
	bool has_auth;        /* Samba: "Authentication" present */
	const char *samba_ts; /* Samba: timestamp */
	const char *status, *remote, *account, *domain, *ws; /* Samba: Authentication.* */
	const char *dataset, *ts, *code;                     /* smbwatch: event.dataset, ... */
	const char *user, *udomain, *swws, *ip, *port, *share, *path, *unc;
	/* source.port written as a JSON integer (fast path): its value mod 2^32, what strtoul
	 * makes of its decimal text; port is then "" */
	bool port_is_int;
	uint32_t port_int;
};

enum jf_result {
	JF_OK,   /* f is filled; strings valid until the parser's next line, and while the line is */
	JF_SLOW, /* ask json-c: not valid JSON for simdjson, or not of the expected shape */
};

struct jf_parser;

/* Whether this CPU can run the fast path (its instruction set); jf_new only when it can. */
bool jf_cpu_ok(void);
struct jf_parser *jf_new(void);
void jf_free(struct jf_parser *p);

/* json[0..len) is an object, and JF_PADDING bytes after it are readable. On JF_OK the line
 * has been written to (each string f points into ends with a NUL where its closing quote
 * was) and is no longer the same JSON; on JF_SLOW it is as it was. */
enum jf_result jf_fields(struct jf_parser *p, char *json, size_t len,
			 struct rec_fields *f);

#ifdef __cplusplus
}
#endif
#endif
