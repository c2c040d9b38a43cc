// SPDX-License-Identifier: GPL-2.0
/* smbwatch layout: the Samba build smbd runs, where smbwatch attaches, and every struct offset
 * it reads, with where the offsets came from. Reads files only: no root needed. */
#include <stdio.h>
#include "cli/layout_cmd.h"
#include "cli/preflight.h"

static void print_offsets(const struct samba_layout *l)
{
	struct samba_offsets off = l->off;
	char sm[160];
	size_t i;

	printf("%-20s %-48s %6s  %s\n", "field", "struct.member", "offset", "defined in");
	for (i = 0; i < samba_fields_count; i++) {
		const struct samba_field *f = &samba_fields[i];

		snprintf(sm, sizeof(sm), "%s.%s", f->strct, f->member);
		printf("%-20s %-48s %6u  %s\n", f->name, sm, *samba_offset(&off, f), f->file);
	}
}

int layout_run(const struct smbw_opts *o)
{
	struct samba_where w;
	struct samba_build b;
	char err[1024], how[700];
	int t, ret = 1;

	preflight_where(o, &w);
	if (samba_build_discover(&b, &w, err, sizeof(err))) {
		fprintf(stderr, "smbwatch: %s\n", err);
		goto out;
	}
	printf("samba %s (symbol version %s), build-id %s\n", b.version[0] ? b.version : "?",
	       b.symver[0] ? b.symver : "none", b.build_id[0] ? b.build_id : "none");
	if (b.smbd[0])
		printf("smbd %s, %zu libraries%s%s%s%s\n", b.smbd, b.nlibs,
		       b.library_path[0] ? ", LD_LIBRARY_PATH " : "", b.library_path,
		       b.library_path[0] ? " from " : "", b.library_path_from);
	else
		printf("libraries: %zu in %s\n", b.nlibs, o->samba_libdir);
	for (t = 0; t < SAMBA_NTARGETS; t++)
		printf("attach %s in %s\n", samba_targets[t].symbol, samba_build_target_path(&b, t));
	if (samba_build_layout(&b, err, sizeof(err))) {
		printf("layout source: none\n");
		fprintf(stderr, "smbwatch: samba layout: %s\n", err);
		goto out;
	}
	samba_layout_describe(&b.layout, how, sizeof(how));
	printf("layout source: %s\n", how);
	print_offsets(&b.layout);
	ret = 0;
out:
	samba_build_free(&b);
	return ret;
}
