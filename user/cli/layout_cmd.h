/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SMBW_LAYOUT_CMD_H
#define SMBW_LAYOUT_CMD_H
#include "cli/args.h"

/* smbwatch layout: prints the build, the attach points and the offsets in use; exit status. */
int layout_run(const struct smbw_opts *o);

#endif
