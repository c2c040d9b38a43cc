// SPDX-License-Identifier: GPL-2.0
/* Plausibility of what the BPF programs read through the layout's offsets. */
#include <string.h>
#include "decode/plausible.h"
#include "common/record.h"
#include "common/utf8.h"

static const struct {
	const char *key, *what, *fields;
} info[IMPL_MAX] = {
	[IMPL_REMOTE_FAMILY] = { "remote_family", "client address family",
				 "ui_remote_host/xconn_remote/sconn_remote, tsa_private, sa_family" },
	[IMPL_REMOTE_PORT] = { "remote_port", "client port", "sa_port" },
	[IMPL_LOCAL_FAMILY] = { "local_family", "server address family",
				"ui_local_host/xconn_local/sconn_local, tsa_private, sa_family" },
	[IMPL_LOCAL_PORT] = { "local_port", "server port", "sa_port" },
	[IMPL_SERVICE] = { "service", "logon service description", "ui_service" },
	[IMPL_ACCOUNT] = { "account", "account name", "ui_client_account/si_info, info_account" },
	[IMPL_DOMAIN] = { "domain", "domain name", "ui_client_domain/si_info, info_domain" },
	[IMPL_WORKSTATION] = { "workstation", "workstation name", "ui_workstation" },
	[IMPL_SHARE] = { "share", "share name", "req_tcon, tcon_global, tcon_global_share" },
};

const char *implausible_key(enum implausible i)
{
	return i < IMPL_MAX ? info[i].key : "?";
}

const char *implausible_what(enum implausible i)
{
	return i < IMPL_MAX ? info[i].what : "?";
}

const char *implausible_fields(enum implausible i)
{
	return i < IMPL_MAX ? info[i].fields : "?";
}

/* Samba converts names to UTF-8 (its unix charset): anything else was not read from a name.
 * A cut name may end in half a character. */
static bool utf8_ok(const char *s, size_t size, bool truncated)
{
	size_t n = smbw_field_len(s, size, truncated), i = 0, k;

	while (i < n) {
		k = utf8_seq_len((const unsigned char *)s + i, n - i);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

static uint32_t addr_bits(const struct smbw_addr *a, int fam_bit, int port_bit)
{
	if (a->family != 2 && a->family != 10)
		return 1u << fam_bit;
	return a->port ? 0 : 1u << port_bit;
}

uint32_t plausible_auth(const struct smbw_auth_event *e)
{
	uint32_t m = addr_bits(&e->remote, IMPL_REMOTE_FAMILY, IMPL_REMOTE_PORT) |
		     addr_bits(&e->local, IMPL_LOCAL_FAMILY, IMPL_LOCAL_PORT);
	size_t i, n = strnlen(e->service, sizeof(e->service));

	if (!n || n == sizeof(e->service))
		m |= 1u << IMPL_SERVICE;
	for (i = 0; i < n; i++)
		if (e->service[i] < 0x20 || e->service[i] > 0x7e)
			m |= 1u << IMPL_SERVICE;
	if (!utf8_ok(e->account, sizeof(e->account), e->flags & SMBW_F_TRUNC_ACCOUNT))
		m |= 1u << IMPL_ACCOUNT;
	if (!utf8_ok(e->domain, sizeof(e->domain), e->flags & SMBW_F_TRUNC_DOMAIN))
		m |= 1u << IMPL_DOMAIN;
	if (!utf8_ok(e->workstation, sizeof(e->workstation), e->flags & SMBW_F_TRUNC_WORKSTATION))
		m |= 1u << IMPL_WORKSTATION;
	return m;
}

/* Failures that come before, or without, a share: no share name to expect. */
static bool share_expected(const struct smbw_smb2_event *e)
{
	if (e->opcode != SMBW_SMB2_CREATE && e->opcode != SMBW_SMB2_QUERY_DIRECTORY)
		return false;
	switch (e->status) {
	case 0xc00000c9: /* NETWORK_NAME_DELETED */
	case 0xc0000203: /* USER_SESSION_DELETED */
	case 0xc000035c: /* NETWORK_SESSION_EXPIRED */
	case 0xc0000022: /* ACCESS_DENIED can come from a session check before the tcon */
		return false;
	}
	return true;
}

uint32_t plausible_smb2(const struct smbw_smb2_event *e)
{
	uint32_t m = addr_bits(&e->remote, IMPL_REMOTE_FAMILY, IMPL_REMOTE_PORT) |
		     addr_bits(&e->local, IMPL_LOCAL_FAMILY, IMPL_LOCAL_PORT);

	if (!utf8_ok(e->account, sizeof(e->account), e->flags & SMBW_F_TRUNC_ACCOUNT))
		m |= 1u << IMPL_ACCOUNT;
	if (!utf8_ok(e->domain, sizeof(e->domain), e->flags & SMBW_F_TRUNC_DOMAIN))
		m |= 1u << IMPL_DOMAIN;
	if (!utf8_ok(e->share, sizeof(e->share), e->flags & SMBW_F_TRUNC_SHARE) ||
	    (share_expected(e) && !e->share[0]))
		m |= 1u << IMPL_SHARE;
	return m;
}

uint32_t plausibility_note(struct plausibility *p, uint32_t mask)
{
	uint32_t fresh = mask & ~p->warned;
	int i;

	if (!mask)
		return 0;
	p->total++;
	for (i = 0; i < IMPL_MAX; i++)
		if (mask & (1u << i))
			p->count[i]++;
	p->warned |= mask;
	return fresh;
}
