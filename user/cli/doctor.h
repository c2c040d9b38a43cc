/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SMBW_DOCTOR_H
#define SMBW_DOCTOR_H
#include "cli/args.h"

/* `smbwatch doctor`: one line per check; exit status 0 only when tracing will work. */
int doctor_run(const struct smbw_opts *o);

#endif
