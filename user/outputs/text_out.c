// SPDX-License-Identifier: GPL-2.0
/* Human-readable lines. */
#include <stdio.h>
#include <string.h>
#include "detect/detect.h"
#include "decode/ntstatus.h"
#include "decode/smb2_record.h"
#include "outputs/text_out.h"
#include "common/utf8.h"

size_t text_escape(const char *str, size_t n, char *out, size_t outsz)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, o = 0;

	if (!outsz)
		return 0;
	while (i < n) {
		size_t len = utf8_seq_len(s + i, n - i);
		unsigned int cp = len ? utf8_decode(s + i, len) : 0;

		if (len && cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0)) {
			if (o + len >= outsz)
				break;
			memcpy(out + o, s + i, len);
			o += len;
			i += len;
		} else {
			if (o + 4 >= outsz)
				break;
			snprintf(out + o, 5, "\\x%02x", s[i]);
			o += 4;
			i++;
		}
	}
	out[o] = 0;
	return o;
}

static void esc_field(char *out, size_t outsz, const char *s, size_t size, int truncated)
{
	size_t n = smbw_field_len(s, size, truncated);
	size_t o = text_escape(s, n, out, outsz);

	if (truncated && o + 4 < outsz)
		memcpy(out + o, "...", 4);
}

static void endpoint(char *out, size_t n, const struct smbw_addr *a)
{
	char ip[64];

	if (a->family != 2 && a->family != 10)
		snprintf(out, n, "?");
	else if (a->family == 10)
		snprintf(out, n, "[%s]:%u", smbw_addr_ip(a, ip, sizeof(ip)), a->port);
	else
		snprintf(out, n, "%s:%u", smbw_addr_ip(a, ip, sizeof(ip)), a->port);
}

void text_auth_line(char *out, size_t outsz, const struct smbw_ctx *ctx,
		    const struct smbw_auth_event *e)
{
	char ts[40], client[80], acct[4 * SMBW_NAME_LEN + 8], dom[4 * SMBW_NAME_LEN + 8];
	char ws[4 * SMBW_NAME_LEN + 8], sbuf[32], hex[11];

	smbw_format_time(ctx, e->ts_ns, ts, sizeof(ts));
	endpoint(client, sizeof(client), &e->remote);
	esc_field(acct, sizeof(acct), e->account, sizeof(e->account),
		  e->flags & SMBW_F_TRUNC_ACCOUNT);
	esc_field(dom, sizeof(dom), e->domain, sizeof(e->domain), e->flags & SMBW_F_TRUNC_DOMAIN);
	esc_field(ws, sizeof(ws), e->workstation, sizeof(e->workstation),
		  e->flags & SMBW_F_TRUNC_WORKSTATION);
	ntstatus_hex(e->status, hex);
	snprintf(out, outsz, "%s LOGON %-4s %s\\%s from %s ws=%s %s (%s) pid=%u\n", ts,
		 e->status == 0 ? "OK" : "FAIL", dom, acct, client, ws[0] ? ws : "-",
		 ntstatus_str(e->status, sbuf, sizeof(sbuf)), hex, e->pid);
}

void text_smb2_line(char *out, size_t outsz, const struct smbw_ctx *ctx,
		    const struct smb2_record *r)
{
	static char unc[4 * sizeof(r->unc)];
	char ts[40], client[80], acct[4 * SMBW_NAME_LEN], dom[4 * SMBW_NAME_LEN];
	char ws[4 * SMBW_NAME_LEN], sbuf[32], hex[11];
	const char *what = !r->is_file ? "TREE" : r->e->opcode == SMBW_SMB2_CREATE ? "OPEN" : "FIND";

	smbw_format_time(ctx, r->e->ts_ns, ts, sizeof(ts));
	endpoint(client, sizeof(client), &r->e->remote);
	text_escape(r->user, strlen(r->user), acct, sizeof(acct));
	text_escape(r->domain, strlen(r->domain), dom, sizeof(dom));
	text_escape(r->workstation, strlen(r->workstation), ws, sizeof(ws));
	text_escape(r->unc, strlen(r->unc), unc, sizeof(unc));
	ntstatus_hex(r->e->status, hex);
	snprintf(out, outsz, "%s %-5s %-4s %s\\%s from %s ws=%s %s%s %s (%s) pid=%u\n", ts, what,
		 r->e->status == 0 ? "OK" : "FAIL", dom, acct, client, ws[0] ? ws : "-", unc,
		 r->truncated ? "..." : "", ntstatus_str(r->e->status, sbuf, sizeof(sbuf)), hex,
		 r->e->pid);
}

void text_finding_line(char *out, size_t outsz, const struct det_finding *f, const char *action)
{
	static char msg[4 * 4096];
	char ts[40];
	const char *what = !strcmp(action, "finding_opened")	? "NEW"
			   : !strcmp(action, "finding_updated") ? "UPDATE"
								: "SUMMARY";

	smbw_format_real_us(f->end_us, ts, sizeof(ts));
	text_escape(f->message ? f->message : "", f->message ? strlen(f->message) : 0, msg,
		    sizeof(msg));
	snprintf(out, outsz, "%s FINDING %s #%llu [%s] %s\n", ts, what, (unsigned long long)f->id,
		 det_rule_id(f), msg);
}
