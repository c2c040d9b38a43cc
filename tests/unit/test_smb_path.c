// SPDX-License-Identifier: GPL-2.0
/* SMB2 names: share-relative '/'-separated paths, DFS prefixes, last components, UNC paths. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdbool.h>
#include <string.h>
#include "decode/smb_path.h"

struct norm_case {
	char in[64];
	bool dfs;
	char want[64];
};

ParameterizedTestParameters(smb_path, normalize)
{
	static struct norm_case c[] = {
		{ "", false, "" },
		{ "file.txt", false, "file.txt" },
		{ "dir\\file.txt", false, "dir/file.txt" },
		{ "System32\\Drivers\\cwcsp.dll", false, "System32/Drivers/cwcsp.dll" },
		{ "\\dir\\file", false, "dir/file" },
		{ "\\\\\\x", false, "x" },
		{ "/dir/x", false, "dir/x" },
		{ "\\/\\dir", false, "dir" },
		{ "\\", false, "" },
		{ "dir\\", false, "dir/" },
		{ "dir\\\\f", false, "dir//f" },          /* inner separators kept */
		{ "a/b\\c", false, "a/b/c" },
		{ "caf\xc3\xa9\\\xe6\x97\xa5\xe6\x9c\xac.txt", false,
		  "caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac.txt" },
		{ "a\"b\\c\nd\x1b", false, "a\"b/c\nd\x1b" },
		/* without the DFS flag a server\share prefix is just directories */
		{ "FILESRV\\apps\\dir\\f.txt", false, "FILESRV/apps/dir/f.txt" },
		/* DFS: "server\share\" dropped */
		{ "FILESRV\\apps\\dir\\f.txt", true, "dir/f.txt" },
		{ "\\FILESRV\\apps\\dir\\f.txt", true, "dir/f.txt" },
		{ "\\\\FILESRV\\apps\\f", true, "f" },
		{ "FILESRV\\apps\\System32\\Drivers\\cwcsp.dll", true,
		  "System32/Drivers/cwcsp.dll" },
		{ "FILESRV\\apps\\\\dir", true, "dir" },
		{ "FILESRV\\apps\\", true, "" },
		{ "FILESRV\\apps", true, "" },
		{ "FILESRV", true, "" },
		{ "", true, "" },
		{ "srv.corp.example\\d\xc3\xa9p\\\xe6\x97\xa5\\x", true, "\xe6\x97\xa5/x" },
	};
	return cr_make_param_array(struct norm_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct norm_case *c, smb_path, normalize)
{
	char buf[64];
	size_t len;

	memcpy(buf, c->in, sizeof(buf));
	len = smb_path_normalize(buf, strlen(buf), c->dfs);
	cr_assert_str_eq(buf, c->want, "\"%s\" dfs=%d", c->in, c->dfs);
	cr_assert_eq(len, strlen(c->want));
}

/* Only the first len bytes are the name. */
Test(smb_path, normalize_honours_len)
{
	char buf[] = "\\dir\\fileXXX";
	size_t len = smb_path_normalize(buf, 9, false);

	cr_assert_eq(len, 8);
	cr_assert_str_eq(buf, "dir/file");
}

struct base_case {
	char in[32];
	char want[32];
};

ParameterizedTestParameters(smb_path, basename)
{
	static struct base_case c[] = {
		{ "a/b/c.dll", "c.dll" },
		{ "System32/Drivers/cwcsp.dll", "cwcsp.dll" },
		{ "c.dll", "c.dll" },
		{ "dir/", "" },
		{ "", "" },
		{ "/x", "x" },
		{ "bin/nothere*", "nothere*" },
		{ "a\\b", "a\\b" },                  /* only '/' separates */
		{ "\xe6\x97\xa5/\xe6\x9c\xac", "\xe6\x9c\xac" },
	};
	return cr_make_param_array(struct base_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct base_case *c, smb_path, basename)
{
	const char *b = smb_path_basename(c->in);

	cr_assert_str_eq(b, c->want);
	/* a pointer into the path, not a copy */
	cr_assert_eq(b, c->in + strlen(c->in) - strlen(c->want));
}

struct unc_case {
	char server[16];
	char share[16];
	char path[48];
	size_t n;
	char want[64];
};

ParameterizedTestParameters(smb_path, unc)
{
	static struct unc_case c[] = {
		{ "FILESRV", "apps", "System32/Drivers/cwcsp.dll", 64,
		  "\\\\FILESRV\\apps\\System32\\Drivers\\cwcsp.dll" },
		{ "FILESRV", "apps", "bin/nothere*", 64, "\\\\FILESRV\\apps\\bin\\nothere*" },
		{ "vm", "apps", "", 64, "\\\\vm\\apps" },
		{ "vm", "apps", "x", 64, "\\\\vm\\apps\\x" },
		{ "vm", "", "", 64, "\\\\vm\\" },
		{ "vm", "d\xc3\xa9p", "\xe6\x97\xa5/a", 64, "\\\\vm\\d\xc3\xa9p\\\xe6\x97\xa5\\a" },
		/* too small: always NUL-terminated, never past n */
		{ "vm", "apps", "bin/x.dll", 14, "\\\\vm\\apps\\bin" },
		{ "vm", "apps", "bin/x.dll", 11, "\\\\vm\\apps\\" },
		{ "vm", "apps", "bin/x.dll", 8, "\\\\vm\\ap" },
		{ "vm", "apps", "", 10, "\\\\vm\\apps" },
		{ "vm", "apps", "", 9, "\\\\vm\\app" },
	};
	return cr_make_param_array(struct unc_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct unc_case *c, smb_path, unc)
{
	char out[80];

	memset(out, 'Z', sizeof(out));
	smb_unc(out, c->n, c->server, c->share, c->path);
	cr_assert_str_eq(out, c->want, "n=%zu", c->n);
	cr_assert_eq(out[c->n], 'Z', "wrote past n=%zu", c->n);
}

struct tcon_case {
	char in[32];
	char want[32];
};

ParameterizedTestParameters(smb_path, tcon_share)
{
	static struct tcon_case c[] = {
		{ "\\\\FILESRV\\apps", "apps" },
		{ "\\\\FILESRV\\nosuch", "nosuch" },
		{ "\\\\198.18.0.1\\IPC$", "IPC$" },
		{ "apps", "apps" },
		{ "\\\\FILESRV\\", "" },
		{ "", "" },
		{ "\\\\srv\\d\xc3\xa9p\xc3\xb4t", "d\xc3\xa9p\xc3\xb4t" },
	};
	return cr_make_param_array(struct tcon_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct tcon_case *c, smb_path, tcon_share)
{
	cr_assert_str_eq(smb_tcon_share(c->in), c->want);
}
