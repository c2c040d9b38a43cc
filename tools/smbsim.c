// SPDX-License-Identifier: GPL-2.0
/* smbsim: an SMB client (libsmbclient) that looks up files, as the KB Q278660 client does:
 * it opens each path given, or walks a PATH list of directories for a list of file names, and
 * prints what each open returned. Used by smbwatch's tests, demo and benchmarks.
 *
 *   smbsim -s 127.0.0.1 -p 445 -U 'SMSCliToknAcct&' -P secret -n WS042 apps/bin/x.dll
 *   smbsim ... --search 'apps;apps/bin;tools' --files 'cwcsp.dll,ymhaud.sys' --repeat 3
 *
 * Paths are "share/dir/file"; C escapes (\n \t \r \\ \xNN) are decoded, so tests can ask for
 * names with control bytes or any other byte. */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <libsmbclient.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct sim {
	const char *server, *user, *password, *domain, *workstation;
	unsigned int port;
	int encrypt;
	int reconnect; /* a new connection (and logon) for every round */
	unsigned long repeat;
	double rate; /* lookups per second; 0: as fast as possible */
	const char *search, *files;
	char **paths;
	int npaths;
};

static struct sim sim = { .port = 445, .domain = "WORKGROUP", .workstation = "SMBSIM",
			  .repeat = 1 };

static void auth_fn(SMBCCTX *c, const char *srv, const char *shr, char *wg, int wglen, char *un,
		    int unlen, char *pw, int pwlen)
{
	(void)c;
	(void)srv;
	(void)shr;
	snprintf(wg, wglen, "%s", sim.domain);
	snprintf(un, unlen, "%s", sim.user);
	snprintf(pw, pwlen, "%s", sim.password);
}

/* Decodes C escapes in place; returns the length (the result may hold NUL-free control bytes). */
static size_t unescape(char *s)
{
	char *o = s, *i = s;

	while (*i) {
		if (*i != '\\' || !i[1]) {
			*o++ = *i++;
			continue;
		}
		i++;
		switch (*i) {
		case 'n': *o++ = '\n'; i++; break;
		case 't': *o++ = '\t'; i++; break;
		case 'r': *o++ = '\r'; i++; break;
		case '\\': *o++ = '\\'; i++; break;
		case 'x': {
			unsigned int v = 0;
			int k;

			for (k = 1; k <= 2 && i[k]; k++) {
				char ch = i[k];

				v = v * 16 + (ch >= 'a' ? ch - 'a' + 10 : ch >= 'A' ? ch - 'A' + 10 : ch - '0');
			}
			*o++ = (char)v;
			i += k;
			break;
		}
		default: *o++ = '\\'; break;
		}
	}
	*o = 0;
	return (size_t)(o - s);
}

/* smb://server:port/ + the path with every byte but [A-Za-z0-9._/-] %-encoded. */
static void make_url(char *url, size_t n, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = (size_t)snprintf(url, n, "smb://%s:%u/", sim.server, sim.port);

	for (; *path && o + 4 < n; path++) {
		unsigned char c = (unsigned char)*path;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-' || c == '/') {
			url[o++] = (char)c;
		} else {
			url[o++] = '%';
			url[o++] = hex[c >> 4];
			url[o++] = hex[c & 15];
		}
	}
	url[o] = 0;
}

static void pace(void)
{
	struct timespec ts;

	if (sim.rate <= 0)
		return;
	ts.tv_sec = (time_t)(1.0 / sim.rate);
	ts.tv_nsec = (long)((1.0 / sim.rate - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

/* The path with control bytes shown as \xNN, so that each result stays one line. */
static void print_escaped(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c == '\\')
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

/* Opens one path; prints "ok PATH" or "ERRNO PATH"; returns 1 when it was found. */
static int lookup(SMBCCTX *ctx, const char *path)
{
	char url[8192];
	SMBCFILE *f;
	int err;

	make_url(url, sizeof(url), path);
	f = smbc_getFunctionOpen(ctx)(ctx, url, O_RDONLY, 0);
	err = errno;
	if (f)
		smbc_getFunctionClose(ctx)(ctx, f);
	printf("%s ", f ? "ok" : strerrorname_np(err) ? strerrorname_np(err) : "error");
	print_escaped(path);
	putchar('\n');
	fflush(stdout);
	pace();
	return f != NULL;
}

static int write_config(char *path, size_t n)
{
	FILE *f;
	int fd;

	snprintf(path, n, "/tmp/smbsim.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || !(f = fdopen(fd, "w")))
		return -1;
	fprintf(f, "[global]\n\tnetbios name = %s\n\tworkgroup = %s\n"
		   "\tclient min protocol = SMB2_02\n",
		sim.workstation, sim.domain);
	return fclose(f) ? -1 : 0;
}

enum { OPT_SEARCH = 0x100, OPT_FILES, OPT_REPEAT, OPT_RATE, OPT_RECONNECT };

static const struct argp_option options[] = {
	{ "server", 's', "ADDR", 0, "Server address (IPv4 or name)", 0 },
	{ "port", 'p', "PORT", 0, "TCP port (445)", 0 },
	{ "user", 'U', "USER", 0, "Account, exactly as sent (SMSCliToknAcct&)", 0 },
	{ "password", 'P', "PASSWORD", 0, "Password", 0 },
	{ "domain", 'W', "DOMAIN", 0, "Domain (WORKGROUP)", 0 },
	{ "workstation", 'n', "NAME", 0, "NetBIOS workstation name (SMBSIM)", 0 },
	{ "encrypt", 'e', NULL, 0, "Require SMB3 encryption", 0 },
	{ "search", OPT_SEARCH, "DIRS", 0, "PATH-style list of share/dir entries, ';'-separated", 0 },
	{ "files", OPT_FILES, "NAMES", 0, "File names to look for in each --search entry, ','-separated", 0 },
	{ "repeat", OPT_REPEAT, "N", 0, "Do it all N times (1)", 0 },
	{ "rate", OPT_RATE, "OPS", 0, "At most OPS lookups per second (no limit)", 0 },
	{ "reconnect", OPT_RECONNECT, NULL, 0,
	  "A new connection and logon for every round (a logon storm with a wrong password)", 0 },
	{},
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	char *end;

	switch (key) {
	case 's': sim.server = arg; break;
	case 'p':
		sim.port = (unsigned int)strtoul(arg, &end, 10);
		if (*end || !sim.port || sim.port > 65535)
			argp_error(state, "invalid port '%s'", arg);
		break;
	case 'U': sim.user = arg; break;
	case 'P': sim.password = arg; break;
	case 'W': sim.domain = arg; break;
	case 'n': sim.workstation = arg; break;
	case 'e': sim.encrypt = 1; break;
	case OPT_SEARCH: sim.search = arg; break;
	case OPT_RECONNECT: sim.reconnect = 1; break;
	case OPT_FILES: sim.files = arg; break;
	case OPT_REPEAT:
		sim.repeat = strtoul(arg, &end, 10);
		if (*end || !sim.repeat)
			argp_error(state, "invalid repeat count '%s'", arg);
		break;
	case OPT_RATE:
		sim.rate = strtod(arg, &end);
		if (*end || sim.rate < 0)
			argp_error(state, "invalid rate '%s'", arg);
		break;
	case ARGP_KEY_ARG:
		sim.paths = &state->argv[state->next - 1];
		sim.npaths = state->argc - state->next + 1;
		state->next = state->argc;
		break;
	case ARGP_KEY_END:
		if (!sim.server || !sim.user || !sim.password)
			argp_error(state, "--server, --user and --password are needed");
		if (!sim.npaths && !(sim.search && sim.files))
			argp_error(state, "give PATH... or --search and --files");
		break;
	default: return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = { options, parse_opt, "[PATH...]",
				  "smbsim -- look up files over SMB like the KB Q278660 client", NULL,
				  NULL, NULL };

static SMBCCTX *new_context(const char *conf)
{
	SMBCCTX *ctx = smbc_new_context();

	if (!ctx) {
		fprintf(stderr, "smbsim: cannot create an SMB client context\n");
		return NULL;
	}
	smbc_setConfiguration(ctx, conf);
	smbc_setFunctionAuthDataWithContext(ctx, auth_fn);
	smbc_setOptionUseKerberos(ctx, 0);
	smbc_setOptionFallbackAfterKerberos(ctx, 1);
	smbc_setOptionNoAutoAnonymousLogin(ctx, 1);
	smbc_setNetbiosName(ctx, (char *)sim.workstation);
	smbc_setWorkgroup(ctx, (char *)sim.domain);
	smbc_setUser(ctx, (char *)sim.user);
	smbc_setPort(ctx, (uint16_t)sim.port);
	smbc_setOptionSmbEncryptionLevel(ctx, sim.encrypt ? SMBC_ENCRYPTLEVEL_REQUIRE
							  : SMBC_ENCRYPTLEVEL_NONE);
	if (!smbc_init_context(ctx)) {
		fprintf(stderr, "smbsim: cannot initialise the SMB client: %s\n", strerror(errno));
		smbc_free_context(ctx, 1);
		return NULL;
	}
	smbc_setOptionProtocols(ctx, "SMB2_02", "SMB3");
	return ctx;
}

int main(int argc, char **argv)
{
	SMBCCTX *ctx;
	char conf[64];
	unsigned long r;
	int i, found = 0, total = 0;
	struct timespec t0, t1;
	double secs;

	argp_parse(&argp, argc, argv, 0, NULL, NULL);
	for (i = 0; i < sim.npaths; i++)
		unescape(sim.paths[i]);
	/* A client config of our own (never the host's smb.conf): libsmbclient sends the NetBIOS
	 * name from its loadparm, not from smbc_setNetbiosName(). */
	if (write_config(conf, sizeof(conf))) {
		fprintf(stderr, "smbsim: cannot set up a client configuration\n");
		return 1;
	}
	ctx = new_context(conf);
	if (!ctx) {
		unlink(conf);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (r = 0; r < sim.repeat; r++) {
		if (sim.reconnect && r > 0) {
			smbc_free_context(ctx, 1);
			ctx = new_context(conf);
			if (!ctx)
				break;
		}
		for (i = 0; i < sim.npaths; i++, total++)
			found += lookup(ctx, sim.paths[i]);
		if (sim.search && sim.files) {
			/* The KB's driver: each file, in each PATH directory in turn. */
			char *files = strdup(sim.files), *fs = NULL, *file;

			for (file = strtok_r(files, ",", &fs); file; file = strtok_r(NULL, ",", &fs)) {
				char *dirs = strdup(sim.search), *ds = NULL, *dir;

				for (dir = strtok_r(dirs, ";", &ds); dir; dir = strtok_r(NULL, ";", &ds)) {
					char path[4096];

					snprintf(path, sizeof(path), "%s/%s", dir, file);
					total++;
					found += lookup(ctx, path);
				}
				free(dirs);
			}
			free(files);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	fprintf(stderr, "smbsim: %d lookup(s), %d found, %.3f s, %.1f/s\n", total, found, secs,
		secs > 0 ? total / secs : 0.0);
	if (ctx)
		smbc_free_context(ctx, 1);
	unlink(conf);
	return 0;
}
