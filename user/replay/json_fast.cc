// SPDX-License-Identifier: GPL-2.0
/* Replay's fast JSON path: simdjson's On-Demand API. Stage 1 indexes the whole line (its
 * structure and its UTF-8 are checked), then one pass over the object reads the fields replay
 * needs and steps over the rest; the line must end where the object does. Anything else goes
 * to json-c (see json_fast.h). A string with no escapes is read in place: its closing quote
 * becomes its NUL once the line is read; one with escapes is unescaped into an arena.
 *
 * On-Demand is compiled into this file, for the kernel the compiler flags select: the Makefile
 * builds it for SSE4.2 and PCLMUL (simdjson's westmere kernel, every x86-64 CPU since 2010),
 * and jf_cpu_ok(), compiled without them, says whether this CPU may run it. */
#include <cstdlib>
#include <cstring>
#include <new>
#include <simdjson.h>
#include "replay/json_fast.h"

using namespace simdjson;

/* Strings with escapes: NUL-terminated, unescaped copies. */
#define ARENA_ENDS 32

struct arena {
	char *buf;
	size_t cap, used;
	char *line;              /* the line, whose other strings are read where they are */
	size_t ends[ARENA_ENDS]; /* their closing quotes, from line */
	int nends;
	bool port_is_int; /* the line's source.port, when an integer */
	uint32_t port_int;
};

#include "replay/json_fast_impl.h"

struct jf_parser {
	struct arena a;
	ondemand::parser p;
};

struct jf_parser *jf_new(void)
{
	return new (std::nothrow) jf_parser();
}

void jf_free(struct jf_parser *p)
{
	if (p)
		free(p->a.buf);
	delete p;
}

enum jf_result jf_fields(struct jf_parser *p, char *json, size_t len, struct rec_fields *f)
{
	if (len + 1 > p->a.cap) {
		char *b = static_cast<char *>(realloc(p->a.buf, len + 1));

		if (!b)
			return JF_SLOW;
		p->a.buf = b;
		p->a.cap = len + 1;
	}
	enum jf_result r;

	p->a.used = 0;
	p->a.port_is_int = false;
	r = fields(p->p, &p->a, json, len, f);
	f->port_is_int = p->a.port_is_int;
	f->port_int = p->a.port_int;
	return r;
}
