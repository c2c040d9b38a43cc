// SPDX-License-Identifier: GPL-2.0
/* smbwatch: eBPF tracer for Samba file servers. */
#include "cli/args.h"
#include "cli/doctor.h"
#include "cli/layout_cmd.h"
#include "replay/replay.h"
#include "outputs/top.h"
#include "live/tracer.h"

int main(int argc, char **argv)
{
	struct smbw_opts o;
	int err = smbw_parse_args(argc, argv, &o, false);

	if (err)
		return err;
	if (o.cmd == SMBW_CMD_DOCTOR)
		return doctor_run(&o);
	if (o.cmd == SMBW_CMD_LAYOUT)
		return layout_run(&o);
	if (o.cmd == SMBW_CMD_REPLAY)
		return replay_run(&o);
	if (o.cmd == SMBW_CMD_TOP)
		return top_run(&o);
	return tracer_run(&o);
}
