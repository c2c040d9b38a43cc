/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SMBW_TOP_H
#define SMBW_TOP_H
#include "cli/args.h"

/* smbwatch top: the interactive view (or --batch plain text). Returns the exit status. */
int top_run(const struct smbw_opts *o);

#endif
