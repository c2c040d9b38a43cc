/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SMBW_TRACER_H
#define SMBW_TRACER_H
#include "args.h"

/* Live tracing: checks, loads and attaches the BPF programs, then prints events until
 * SIGINT/SIGTERM or the duration ends. Returns the exit status. */
int tracer_run(const struct smbw_opts *o);

#endif
