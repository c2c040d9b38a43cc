// SPDX-License-Identifier: GPL-2.0
/* json-floor FILE: what simdjson alone costs on FILE's lines (JSON objects, one a line, a log
 * prefix before the first '{' passed over), read into memory first, on the CPU it runs on:
 *   index  parser.iterate: stage 1 (the whole line indexed, its UTF-8 and strings checked)
 *   walk   that, and every member of the line's object visited, each value stepped over
 * Prints "index_records_per_s walk_records_per_s lines". For make bench (tools/bench-replay):
 * the floor under replay's rate on the same records, whatever smbwatch does beyond it. */
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <simdjson.h>

using namespace simdjson;

static double now_s()
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Lines per second over the buffer, one pass; walk: step over every member too. */
static double pass(ondemand::parser &p, const char *b, size_t n, bool walk, long *lines)
{
	double t0 = now_s();
	long ok = 0;

	*lines = 0;
	for (const char *s = b; s < b + n;) {
		const char *e = static_cast<const char *>(memchr(s, '\n', (size_t)(b + n - s)));
		const char *start;

		if (!e)
			e = b + n;
		start = static_cast<const char *>(memchr(s, '{', (size_t)(e - s)));
		if (start) {
			size_t len = (size_t)(e - start);
			ondemand::document doc;
			ondemand::object o;

			if (!p.iterate(padded_string_view(start, len, len + SIMDJSON_PADDING)).get(doc) &&
			    !doc.get_object().get(o)) {
				bool good = true;

				if (walk)
					for (auto field : o) {
						ondemand::raw_json_string key;

						if (field.key().get(key)) {
							good = false;
							break;
						}
					}
				ok += good;
			}
		}
		(*lines)++;
		s = e + 1;
	}
	if (ok != *lines)
		fprintf(stderr, "json-floor: %ld of %ld lines not JSON objects\n", *lines - ok,
			*lines);
	return (double)*lines / (now_s() - t0);
}

int main(int argc, char **argv)
{
	ondemand::parser p;
	FILE *f;
	char *b;
	long n, lines;
	double idx, walk;

	if (argc != 2) {
		fprintf(stderr, "usage: json-floor FILE\n");
		return 2;
	}
	if (!(f = fopen(argv[1], "rb")) || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		perror(argv[1]);
		return 1;
	}
	b = static_cast<char *>(calloc(1, (size_t)n + SIMDJSON_PADDING + 1));
	if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) {
		perror(argv[1]);
		return 1;
	}
	fclose(f);
	idx = pass(p, b, (size_t)n, false, &lines);
	walk = pass(p, b, (size_t)n, true, &lines);
	printf("%.0f %.0f %ld\n", idx, walk, lines);
	free(b);
	return 0;
}
