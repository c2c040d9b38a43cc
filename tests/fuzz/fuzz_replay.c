// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: replay's whole input path. The input is a file: the line reader splits it
 * (NUL runs, over-long lines), the decoder reads each line as either record format, the
 * detector counts them (a small pair table, so eviction runs too), and every finding is
 * written as JSON, which must parse back, and as a text line. `make fuzz` runs it. */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "detect/detect.h"
#include "outputs/json_out.h"
#include "replay/line_reader.h"
#include "common/record.h"
#include "replay/replay.h"
#include "outputs/text_out.h"

static struct smbw_ctx ctx;
static struct jw jw;
static int mfd = -1;

static void on_finding(void *arg, const struct det_finding *f, const char *action)
{
	static char line[65536];
	struct json_object *o;

	(void)arg;
	jw_reset(&jw);
	json_finding_record(&jw, &ctx, f, action);
	if (jw.oom)
		return;
	o = json_tokener_parse(jw.buf);
	if (!o)
		abort(); /* a finding record that is not JSON */
	json_object_put(o);
	text_finding_line(line, sizeof(line), f, action);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct replay_decoder *dec;
	struct line_reader lr;
	struct det_config c;
	struct detector *d;
	struct lr_seg seg;

	if (mfd < 0) {
		smbw_ctx_init(&ctx);
		jw_init(&jw);
		mfd = memfd_create("fuzz", 0);
		if (mfd < 0)
			abort();
	}
	if (ftruncate(mfd, 0) || pwrite(mfd, data, size, 0) != (ssize_t)size ||
	    lseek(mfd, 0, SEEK_SET))
		abort();
	det_config_defaults(&c);
	c.all_accounts = size & 1;
	c.window_s = 60;
	c.logon_threshold = 2;
	c.lookup_threshold = 3;
	c.path_threshold = 2;
	c.lockout_threshold = 3;
	c.max_keys = 8;
	d = det_new(&c, on_finding, NULL);
	dec = replay_decoder_new();
	if (!d || !dec || lr_init(&lr, mfd, 512))
		abort();
	while (lr_next(&lr, &seg) > 0) {
		enum replay_reason why;
		struct det_event e;
		char err[200];

		if (seg.kind == LR_LINE &&
		    replay_decode_line(dec, seg.text, seg.len, &e, err, sizeof(err), &why) ==
			    REPLAY_EVENT)
			det_feed(d, &e);
	}
	det_finish(d);
	lr_free(&lr);
	replay_decoder_free(dec);
	det_free(d);
	return 0;
}
