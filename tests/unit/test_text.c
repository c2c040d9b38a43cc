// SPDX-License-Identifier: GPL-2.0
/* Human output: control bytes and invalid UTF-8 never reach the terminal raw. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>
#include "outputs/text_out.h"

struct esc_case {
	char in[16];
	size_t n;
	char want[64];
};

ParameterizedTestParameters(text, escape)
{
	static struct esc_case c[] = {
		{ "plain", 5, "plain" },
		{ "DOM\\user&", 9, "DOM\\user&" },
		{ "a\nb", 3, "a\\x0ab" },
		{ "\x1b[2J", 4, "\\x1b[2J" },    /* terminal escape sequence */
		{ "\x7f", 1, "\\x7f" },
		{ "\xc2\x9b", 2, "\\xc2\\x9b" }, /* C1 CSI as UTF-8 */
		{ "caf\xc3\xa9", 5, "caf\xc3\xa9" },
		{ "\xff\xfe", 2, "\\xff\\xfe" },
		{ "a\0b", 3, "a\\x00b" },
	};
	return cr_make_param_array(struct esc_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct esc_case *c, text, escape)
{
	char out[64];

	text_escape(c->in, c->n, out, sizeof(out));
	cr_assert_str_eq(out, c->want);
}

Test(text, escape_never_overflows)
{
	char out[8];
	size_t n = text_escape("\x01\x02\x03\x04", 4, out, sizeof(out));

	cr_assert_eq(n, 4);
	cr_assert_str_eq(out, "\\x01");
}

Test(text, auth_line)
{
	struct smbw_ctx ctx;
	struct smbw_auth_event e = { .type = SMBW_EV_AUTH, .pid = 77, .status = 0xc0000234 };
	char line[1024];

	smbw_ctx_init(&ctx);
	e.remote.family = 2;
	e.remote.port = 5000;
	memcpy(e.remote.addr, "\xc6\x12\x00\x05", 4);
	strcpy(e.account, "SMSCliToknAcct&");
	strcpy(e.domain, "CORP");
	strcpy(e.workstation, "WS\x1b" "042");
	text_auth_line(line, sizeof(line), &ctx, &e);
	cr_assert(strstr(line, "LOGON FAIL"), "%s", line);
	cr_assert(strstr(line, "CORP\\SMSCliToknAcct& from 198.18.0.5:5000 ws=WS\\x1b042"), "%s",
		  line);
	cr_assert(strstr(line, "NT_STATUS_ACCOUNT_LOCKED_OUT (0xc0000234) pid=77\n"), "%s", line);
	cr_assert_eq(strchr(line, '\n'), line + strlen(line) - 1, "exactly one line");
}
