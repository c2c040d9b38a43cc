// SPDX-License-Identifier: GPL-2.0
/* Every option that `smbwatch --help` lists is documented in man/smbwatch.8, so that the two
 * cannot drift apart. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_all(FILE *f)
{
	size_t cap = 1 << 16, len = 0, k;
	char *buf = malloc(cap);

	cr_assert_not_null(buf);
	while ((k = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += k;
		if (cap - len < 4096) {
			cap *= 2;
			buf = realloc(buf, cap);
			cr_assert_not_null(buf);
		}
	}
	buf[len] = 0;
	return buf;
}

/* The page as plain text: roff's "\-" is "-", font changes go. */
static char *plain_manpage(void)
{
	const char *path = getenv("SMBWATCH_MANPAGE") ? getenv("SMBWATCH_MANPAGE")
						       : "man/smbwatch.8";
	FILE *f = fopen(path, "r");
	char *raw, *out, *p, *q;

	cr_assert_not_null(f, "no manual page at %s", path);
	raw = read_all(f);
	fclose(f);
	out = malloc(strlen(raw) + 1);
	for (p = raw, q = out; *p;) {
		if (p[0] == '\\' && p[1] == '-') {
			*q++ = '-';
			p += 2;
		} else if (p[0] == '\\' && p[1] == 'f' && p[2]) {
			p += 3;
		} else {
			*q++ = *p++;
		}
	}
	*q = 0;
	free(raw);
	return out;
}

static char *help_text(void)
{
	const char *bin = getenv("SMBWATCH") ? getenv("SMBWATCH") : "build/smbwatch";
	char cmd[1024];
	FILE *p;
	char *t;

	snprintf(cmd, sizeof(cmd), "%s --help", bin);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	t = read_all(p);
	cr_assert_eq(pclose(p), 0, "%s --help failed", bin);
	return t;
}

/* An option as a word of the page: not followed by more of an option name. */
static bool documented(const char *page, const char *opt)
{
	const char *p = page;
	size_t n = strlen(opt);

	while ((p = strstr(p, opt))) {
		char next = p[n];

		if (!isalnum((unsigned char)next) && next != '-')
			return true;
		p += n;
	}
	return false;
}

Test(manpage, documents_every_option)
{
	char *help = help_text(), *page = plain_manpage(), *line, *save = NULL;
	int checked = 0;

	for (line = strtok_r(help, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char opt[64];
		const char *p = line + strspn(line, " ");

		/* option lines: "  -d, --duration=SECONDS ..." or "      --all ..." */
		if (p == line || p[0] != '-')
			continue;
		while (p[0] == '-') {
			size_t n = 1 + (p[1] == '-');

			n += strspn(p + n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					   "0123456789-?");
			cr_assert_lt(n, sizeof(opt));
			memcpy(opt, p, n);
			opt[n] = 0;
			cr_assert(documented(page, opt), "%s is in --help but not in the manual page",
				  opt);
			checked++;
			p += n;
			p += strcspn(p, " ,");
			if (*p != ',')
				break;
			p += strspn(p, ", ");
		}
	}
	/* the help really listed options (a broken parse would pass vacuously) */
	cr_assert_geq(checked, 30, "only %d options found in --help", checked);
	cr_assert(documented(page, "--json") && documented(page, "-Z"));
	free(help);
	free(page);
}

Test(manpage, notices_a_missing_option)
{
	char *page = plain_manpage();

	/* the check itself can fail: an option the page does not have is not found */
	cr_assert_not(documented(page, "--no-such-option"));
	cr_assert_not(documented(page, "--smb"), "--smb is only a prefix of --smbd");
	free(page);
}
