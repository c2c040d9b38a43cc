// SPDX-License-Identifier: GPL-2.0
/* Record output. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "detect.h"
#include "output.h"
#include "text_out.h"

void output_init(struct output *o, bool json, const struct smbw_ctx *ctx)
{
	memset(o, 0, sizeof(*o));
	o->json = json;
	o->ctx = ctx;
	jw_init(&o->jw);
}

void output_free(struct output *o)
{
	jw_free(&o->jw);
}

void output_write(struct output *o, const char *rec, size_t len)
{
	if (o->broken)
		return;
	if (fwrite(rec, 1, len, stdout) != len) {
		o->errors++;
		if (errno == EPIPE)
			o->broken = true;
	}
}

void output_flush(struct output *o)
{
	if (!o->broken && fflush(stdout) && errno == EPIPE)
		o->broken = true;
}

void output_jw(struct output *o)
{
	if (o->jw.oom || !o->jw.buf) {
		o->errors++;
		return;
	}
	/* jw keeps a spare byte past len for this newline */
	o->jw.buf[o->jw.len] = '\n';
	output_write(o, o->jw.buf, o->jw.len + 1);
	o->jw.buf[o->jw.len] = 0;
}

void output_finding(void *arg, const struct det_finding *f, const char *action)
{
	struct output *o = arg;

	o->findings++;
	if (o->json) {
		jw_reset(&o->jw);
		json_finding_record(&o->jw, o->ctx, f, action);
		output_jw(o);
	} else {
		text_finding_line(o->line, sizeof(o->line), f, action);
		output_write(o, o->line, strlen(o->line));
	}
}
