// SPDX-License-Identifier: GPL-2.0
/* SMB2 events to records, JSON and text: paths from UTF-16LE, DFS prefixes, UNC paths, the
 * account joined from the connection's logon, and hostile names that stay valid JSON and one
 * text line. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <string.h>
#include "outputs/json_out.h"
#include "common/record.h"
#include "enrich/session_cache.h"
#include "decode/smb2_record.h"
#include "outputs/text_out.h"
#include "common/utf8.h"

#define SERVER "FILESRV"
#define TS_NS 1795467121123456789ULL /* 2026-11-23T20:52:01.123456Z with mono_to_real 0 */
#define TS "2026-11-23T20:52:01.123456Z"

static struct session_cache cache;
static struct smbw_ctx ctx;
static struct smbw_smb2_event ev;
static struct smb2_record rec;
static struct jw jw;
static json_object *root;
static char line[1 << 16];

static void setup(void)
{
	cr_assert_eq(session_cache_init(&cache), 0);
	smbw_ctx_init(&ctx);
	ctx.mono_to_real_ns = 0;
	strcpy(ctx.hostname, "sambahost");
	jw_init(&jw);
	root = NULL;
}

static void teardown(void)
{
	if (root)
		json_object_put(root);
	jw_free(&jw);
	session_cache_free(&cache);
}

TestSuite(smb2_record, .init = setup, .fini = teardown);

/* UTF-8 (well-formed, written by the test) to UTF-16LE; returns the bytes written. */
static size_t to_utf16(unsigned char *out, const char *utf8)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t o = 0;

	while (*s) {
		unsigned int cp;

		if (s[0] < 0x80) {
			cp = s[0];
			s += 1;
		} else if (s[0] < 0xe0) {
			cp = (s[0] & 0x1fu) << 6 | (s[1] & 0x3fu);
			s += 2;
		} else if (s[0] < 0xf0) {
			cp = (s[0] & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu);
			s += 3;
		} else {
			cp = (s[0] & 0x07u) << 18 | (s[1] & 0x3fu) << 12 | (s[2] & 0x3fu) << 6 |
			     (s[3] & 0x3fu);
			s += 4;
		}
		if (cp >= 0x10000) {
			unsigned int hi = 0xd800 + ((cp - 0x10000) >> 10);
			unsigned int lo = 0xdc00 + ((cp - 0x10000) & 0x3ff);

			out[o++] = hi & 0xff;
			out[o++] = hi >> 8;
			out[o++] = lo & 0xff;
			out[o++] = lo >> 8;
		} else {
			out[o++] = cp & 0xff;
			out[o++] = cp >> 8;
		}
	}
	return o;
}

static void put_unit(unsigned int u)
{
	ev.path[ev.path_bytes++] = u & 0xff;
	ev.path[ev.path_bytes++] = u >> 8;
}

static void make_event(unsigned short opcode, unsigned int status, const char *path)
{
	memset(&ev, 0, sizeof(ev));
	ev.type = SMBW_EV_SMB2;
	ev.pid = 12490;
	ev.uid = 1001;
	ev.status = status;
	ev.ts_ns = TS_NS;
	ev.opcode = opcode;
	ev.mid = 42;
	ev.remote.family = 2;
	ev.remote.port = 60484;
	memcpy(ev.remote.addr, "\x7f\0\0\1", 4);
	ev.local.family = 2;
	ev.local.port = 445;
	memcpy(ev.local.addr, "\x7f\0\0\1", 4);
	strcpy(ev.account, "smstoken");
	strcpy(ev.domain, "SAMBAHOST");
	strcpy(ev.share, "apps");
	ev.path_bytes = (unsigned short)to_utf16(ev.path, path);
	ev.path_wire = ev.path_bytes;
}

static void add_logon(uint32_t pid, uint32_t status, const char *account, const char *mapped,
		      const char *domain, const char *ws)
{
	struct smbw_auth_event a;

	memset(&a, 0, sizeof(a));
	a.type = SMBW_EV_AUTH;
	a.pid = pid;
	a.status = status;
	strcpy(a.account, account);
	strcpy(a.mapped_account, mapped);
	strcpy(a.domain, domain);
	strcpy(a.workstation, ws);
	strcpy(a.service, "SMB2");
	session_cache_logon(&cache, &a);
}

/* Builds the record, its JSON (parsed back into root) and its text line. */
static void build(void)
{
	smb2_record_build(&rec, &ev, &cache, SERVER);
	jw_reset(&jw);
	json_smb2_record(&jw, &ctx, &rec);
	cr_assert_not(jw.oom);
	cr_assert_null(strchr(jw.buf, '\n'), "one JSON record per line");
	if (root)
		json_object_put(root);
	root = json_tokener_parse(jw.buf);
	cr_assert_not_null(root, "json-c rejects %s", jw.buf);
	text_smb2_line(line, sizeof(line), &ctx, &rec);
}

static json_object *obj(const char *a, const char *b)
{
	json_object *x, *y;

	if (!json_object_object_get_ex(root, a, &x))
		return NULL;
	if (!b)
		return x;
	if (!json_object_object_get_ex(x, b, &y))
		return NULL;
	return y;
}

/* A string field read back by json-c; fails the test when it is missing. */
static const char *get(const char *a, const char *b)
{
	json_object *v = obj(a, b);

	cr_assert_not_null(v, "%s.%s missing in %s", a, b, jw.buf);
	return json_object_get_string(v);
}

static bool has(const char *a, const char *b)
{
	return obj(a, b) != NULL;
}

static bool get_bool(const char *a, const char *b)
{
	json_object *v = obj(a, b);

	cr_assert_not_null(v, "%s.%s missing", a, b);
	cr_assert(json_object_is_type(v, json_type_boolean), "%s.%s not a boolean", a, b);
	return json_object_get_boolean(v);
}

/* The one string of a one-element array such as event.category. */
static const char *get_only(const char *a, const char *b)
{
	json_object *v = obj(a, b);

	cr_assert_not_null(v);
	cr_assert(json_object_is_type(v, json_type_array));
	cr_assert_eq(json_object_array_length(v), 1);
	return json_object_get_string(json_object_array_get_idx(v, 0));
}

/* The text line is one line: '\n' only at its end, and no other control byte. */
static void assert_one_clean_line(void)
{
	size_t i, n = strlen(line);

	cr_assert_gt(n, 1);
	cr_assert_eq(line[n - 1], '\n', "no newline at the end: %s", line);
	for (i = 0; i + 1 < n; i++) {
		unsigned char c = (unsigned char)line[i];

		cr_assert(c >= 0x20 && c != 0x7f, "raw byte 0x%02x at %zu in: %s", c, i, line);
	}
}

static bool utf8_valid(const char *s)
{
	size_t n = strlen(s), i = 0, len;

	while (i < n) {
		len = utf8_seq_len((const unsigned char *)s + i, n - i);
		if (!len)
			return false;
		i += len;
	}
	return true;
}

/* --- path, name and UNC for each kind of request --- */

struct path_case {
	unsigned short opcode;
	unsigned int flags;
	char dir[16];
	char wire[64]; /* UTF-8 here, sent as UTF-16LE */
	char want_path[64];
	char want_name[32];
	char want_unc[96];
};

ParameterizedTestParameters(smb2_record, paths)
{
	static struct path_case c[] = {
		{ SMBW_SMB2_CREATE, 0, "", "bin\\cwcsp.dll", "bin/cwcsp.dll", "cwcsp.dll",
		  "\\\\FILESRV\\apps\\bin\\cwcsp.dll" },
		{ SMBW_SMB2_CREATE, 0, "", "System32\\Drivers\\cwcsp.dll",
		  "System32/Drivers/cwcsp.dll", "cwcsp.dll",
		  "\\\\FILESRV\\apps\\System32\\Drivers\\cwcsp.dll" },
		{ SMBW_SMB2_CREATE, 0, "", "\\bin\\x.dll", "bin/x.dll", "x.dll",
		  "\\\\FILESRV\\apps\\bin\\x.dll" },
		{ SMBW_SMB2_CREATE, 0, "", "readme.txt", "readme.txt", "readme.txt",
		  "\\\\FILESRV\\apps\\readme.txt" },
		{ SMBW_SMB2_CREATE, 0, "", "", "", "", "\\\\FILESRV\\apps" },
		/* DFS: the "server\share\" prefix goes */
		{ SMBW_SMB2_CREATE, SMBW_F_DFS, "", "FILESRV\\apps\\System32\\Drivers\\cwcsp.dll",
		  "System32/Drivers/cwcsp.dll", "cwcsp.dll",
		  "\\\\FILESRV\\apps\\System32\\Drivers\\cwcsp.dll" },
		{ SMBW_SMB2_CREATE, SMBW_F_DFS, "", "\\filesrv.corp.example\\apps\\a.txt", "a.txt",
		  "a.txt", "\\\\FILESRV\\apps\\a.txt" },
		{ SMBW_SMB2_CREATE, SMBW_F_DFS, "", "FILESRV\\apps", "", "", "\\\\FILESRV\\apps" },
		/* ... and only with the flag */
		{ SMBW_SMB2_CREATE, 0, "", "FILESRV\\apps\\a.txt", "FILESRV/apps/a.txt", "a.txt",
		  "\\\\FILESRV\\apps\\FILESRV\\apps\\a.txt" },
		{ SMBW_SMB2_CREATE, 0, "", "caf\xc3\xa9\\\xe6\x97\xa5\xe6\x9c\xac.txt",
		  "caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac.txt", "\xe6\x97\xa5\xe6\x9c\xac.txt",
		  "\\\\FILESRV\\apps\\caf\xc3\xa9\\\xe6\x97\xa5\xe6\x9c\xac.txt" },
		{ SMBW_SMB2_CREATE, 0, "", "d\\\xf0\x9f\x98\x80", "d/\xf0\x9f\x98\x80",
		  "\xf0\x9f\x98\x80", "\\\\FILESRV\\apps\\d\\\xf0\x9f\x98\x80" },
		/* searches: the directory from smbd, then the pattern */
		{ SMBW_SMB2_QUERY_DIRECTORY, 0, "bin", "nothere*", "bin/nothere*", "nothere*",
		  "\\\\FILESRV\\apps\\bin\\nothere*" },
		{ SMBW_SMB2_QUERY_DIRECTORY, 0, "bin/sub", "*.dll", "bin/sub/*.dll", "*.dll",
		  "\\\\FILESRV\\apps\\bin\\sub\\*.dll" },
		{ SMBW_SMB2_QUERY_DIRECTORY, 0, ".", "x*", "x*", "x*", "\\\\FILESRV\\apps\\x*" },
		{ SMBW_SMB2_QUERY_DIRECTORY, 0, "", "\\x*", "x*", "x*", "\\\\FILESRV\\apps\\x*" },
		{ SMBW_SMB2_QUERY_DIRECTORY, 0, "\xe6\x97\xa5", "\xc3\xa9*",
		  "\xe6\x97\xa5/\xc3\xa9*", "\xc3\xa9*", "\\\\FILESRV\\apps\\\xe6\x97\xa5\\\xc3\xa9*" },
	};
	return cr_make_param_array(struct path_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct path_case *c, smb2_record, paths)
{
	make_event(c->opcode, 0xc0000034, c->wire);
	ev.flags = c->flags;
	strcpy(ev.dir, c->dir);
	build();
	cr_assert_str_eq(rec.path, c->want_path);
	cr_assert_str_eq(rec.name, c->want_name);
	cr_assert_str_eq(rec.unc, c->want_unc);
	cr_assert_str_eq(get("file", "path"), c->want_path);
	cr_assert_str_eq(get("file", "name"), c->want_name);
	cr_assert_str_eq(get("smbwatch", "unc"), c->want_unc);
	cr_assert_str_eq(get("smbwatch", "share"), "apps");
	cr_assert_str_eq(get("event", "dataset"), "smbwatch.file");
	cr_assert_not(get_bool("smbwatch", "truncated"));
	if (c->opcode == SMBW_SMB2_QUERY_DIRECTORY) {
		cr_assert_str_eq(get("event", "action"), "search");
		cr_assert_str_eq(get("smbwatch", "smb2_command"), "QUERY_DIRECTORY");
	} else {
		cr_assert_str_eq(get("event", "action"), "open");
		cr_assert_str_eq(get("smbwatch", "smb2_command"), "CREATE");
	}
	if (c->dir[0])
		cr_assert_str_eq(get("file", "directory"), c->dir);
	else
		cr_assert_not(has("file", "directory"));
	assert_one_clean_line();
}

/* --- account attribution --- */

Test(smb2_record, open_fail_with_logon)
{
	add_logon(12490, 0, "SMSCliToknAcct&", "smstoken", "CORP", "WS042");
	make_event(SMBW_SMB2_CREATE, 0xc0000034, "bin\\cwcsp.dll");
	build();

	cr_assert_str_eq(rec.user, "SMSCliToknAcct&");
	cr_assert_str_eq(rec.account_source, "logon");
	cr_assert_str_eq(get("@timestamp", NULL), TS);
	cr_assert_str_eq(get("event", "kind"), "event");
	cr_assert_str_eq(get("event", "dataset"), "smbwatch.file");
	cr_assert_str_eq(get("event", "action"), "open");
	cr_assert_str_eq(get("event", "outcome"), "failure");
	cr_assert_str_eq(get_only("event", "category"), "file");
	cr_assert_str_eq(get_only("event", "type"), "access");
	cr_assert_str_eq(get("user", "name"), "SMSCliToknAcct&");
	cr_assert_str_eq(get("user", "domain"), "CORP");
	cr_assert_str_eq(get("source", "ip"), "127.0.0.1");
	cr_assert_str_eq(get("source", "port"), "60484");
	cr_assert_str_eq(get("destination", "port"), "445");
	cr_assert_str_eq(get("process", "pid"), "12490");
	cr_assert_str_eq(get("host", "name"), "sambahost");
	cr_assert_str_eq(get("file", "path"), "bin/cwcsp.dll");
	cr_assert_str_eq(get("file", "name"), "cwcsp.dll");
	cr_assert_not(has("file", "directory"));
	cr_assert_str_eq(get("smbwatch", "share"), "apps");
	cr_assert_str_eq(get("smbwatch", "unc"), "\\\\FILESRV\\apps\\bin\\cwcsp.dll");
	cr_assert_str_eq(get("smbwatch", "workstation"), "WS042");
	cr_assert_str_eq(get("smbwatch", "nt_status"), "NT_STATUS_OBJECT_NAME_NOT_FOUND");
	cr_assert_str_eq(get("smbwatch", "nt_status_code"), "0xc0000034");
	cr_assert_str_eq(get("smbwatch", "smb2_command"), "CREATE");
	cr_assert_str_eq(get("smbwatch", "message_id"), "42");
	cr_assert_str_eq(get("smbwatch", "account_source"), "logon");
	cr_assert_str_eq(get("smbwatch", "session_account"), "smstoken");
	cr_assert_not(get_bool("smbwatch", "truncated"));

	cr_assert_str_eq(line, TS " OPEN  FAIL CORP\\SMSCliToknAcct& from 127.0.0.1:60484 "
			       "ws=WS042 \\\\FILESRV\\apps\\bin\\cwcsp.dll "
			       "NT_STATUS_OBJECT_NAME_NOT_FOUND (0xc0000034) pid=12490\n");
}

/* No logon seen: smbd's session account, no workstation. */
Test(smb2_record, open_fail_without_logon)
{
	make_event(SMBW_SMB2_CREATE, 0xc0000034, "bin\\cwcsp.dll");
	build();

	cr_assert_str_eq(rec.account_source, "session");
	cr_assert_str_eq(rec.workstation, "");
	cr_assert_str_eq(get("user", "name"), "smstoken");
	cr_assert_str_eq(get("user", "domain"), "SAMBAHOST");
	cr_assert_str_eq(get("smbwatch", "account_source"), "session");
	cr_assert_str_eq(get("smbwatch", "session_account"), "smstoken");
	cr_assert_not(has("smbwatch", "workstation"), "no workstation without a logon: %s",
		      jw.buf);
	cr_assert_str_eq(line, TS " OPEN  FAIL SAMBAHOST\\smstoken from 127.0.0.1:60484 ws=- "
			       "\\\\FILESRV\\apps\\bin\\cwcsp.dll "
			       "NT_STATUS_OBJECT_NAME_NOT_FOUND (0xc0000034) pid=12490\n");
}

/* The logon of that connection was someone else: not used. */
Test(smb2_record, logon_of_other_account_not_used)
{
	add_logon(12490, 0, "alice", "alice", "CORP", "WS001");
	make_event(SMBW_SMB2_CREATE, 0xc0000022, "secret.txt");
	build();

	cr_assert_str_eq(get("user", "name"), "smstoken");
	cr_assert_str_eq(get("smbwatch", "account_source"), "session");
	cr_assert_not(has("smbwatch", "workstation"));
	cr_assert_str_eq(get("smbwatch", "nt_status"), "NT_STATUS_ACCESS_DENIED");
}

Test(smb2_record, logon_of_other_process_not_used)
{
	add_logon(12491, 0, "SMSCliToknAcct&", "smstoken", "CORP", "WS042");
	make_event(SMBW_SMB2_CREATE, 0xc0000034, "x");
	build();

	cr_assert_str_eq(get("user", "name"), "smstoken");
	cr_assert_str_eq(get("smbwatch", "account_source"), "session");
	cr_assert_not(has("smbwatch", "workstation"));
}

Test(smb2_record, failed_logon_not_used)
{
	add_logon(12490, 0xc000006a, "SMSCliToknAcct&", "smstoken", "CORP", "WS042");
	make_event(SMBW_SMB2_CREATE, 0xc0000034, "x");
	build();

	cr_assert_str_eq(get("user", "name"), "smstoken");
	cr_assert_str_eq(get("smbwatch", "account_source"), "session");
	cr_assert_not(has("smbwatch", "workstation"));
}

/* smbd's session account is matched without regard to case, and "" matches any logon. */
Test(smb2_record, session_account_matching)
{
	add_logon(12490, 0, "SMSCliToknAcct&", "smstoken", "CORP", "WS042");
	make_event(SMBW_SMB2_CREATE, 0xc0000034, "x");
	strcpy(ev.account, "SMSTOKEN");
	build();
	cr_assert_str_eq(get("user", "name"), "SMSCliToknAcct&");
	cr_assert_str_eq(get("smbwatch", "session_account"), "SMSTOKEN");

	strcpy(ev.account, "smscliTOKNacct&");
	build();
	cr_assert_str_eq(get("smbwatch", "account_source"), "logon");

	ev.account[0] = 0;
	build();
	cr_assert_str_eq(get("user", "name"), "SMSCliToknAcct&");
	cr_assert_str_eq(get("smbwatch", "account_source"), "logon");
	cr_assert_str_eq(get("smbwatch", "session_account"), "");
}

/* A logon with no workstation: the key is left out rather than written empty. */
Test(smb2_record, logon_without_workstation)
{
	add_logon(12490, 0, "alice", "alice", "CORP", "");
	make_event(SMBW_SMB2_CREATE, 0xc0000034, "x");
	strcpy(ev.account, "alice");
	build();
	cr_assert_str_eq(get("smbwatch", "account_source"), "logon");
	cr_assert_not(has("smbwatch", "workstation"));
	cr_assert(strstr(line, " ws=- "), "%s", line);
}

Test(smb2_record, open_success)
{
	make_event(SMBW_SMB2_CREATE, 0, "readme.txt");
	build();
	cr_assert_str_eq(get("event", "outcome"), "success");
	cr_assert_str_eq(get("smbwatch", "nt_status"), "NT_STATUS_OK");
	cr_assert_str_eq(get("smbwatch", "nt_status_code"), "0x00000000");
	cr_assert(strstr(line, " OPEN  OK   "), "%s", line);
}

Test(smb2_record, search_fail)
{
	add_logon(12490, 0, "SMSCliToknAcct&", "smstoken", "CORP", "WS042");
	make_event(SMBW_SMB2_QUERY_DIRECTORY, 0xc000000f, "nothere*");
	strcpy(ev.dir, "bin");
	build();
	cr_assert_str_eq(get("event", "dataset"), "smbwatch.file");
	cr_assert_str_eq(get("event", "action"), "search");
	cr_assert_str_eq(get("file", "path"), "bin/nothere*");
	cr_assert_str_eq(get("file", "name"), "nothere*");
	cr_assert_str_eq(get("file", "directory"), "bin");
	cr_assert_str_eq(get("smbwatch", "smb2_command"), "QUERY_DIRECTORY");
	cr_assert_str_eq(get("smbwatch", "nt_status"), "NT_STATUS_NO_SUCH_FILE");
	cr_assert_str_eq(line, TS " FIND  FAIL CORP\\SMSCliToknAcct& from 127.0.0.1:60484 "
			       "ws=WS042 \\\\FILESRV\\apps\\bin\\nothere* "
			       "NT_STATUS_NO_SUCH_FILE (0xc000000f) pid=12490\n");
}

/* --- share connects --- */

Test(smb2_record, tree_connect_success)
{
	add_logon(12490, 0, "SMSCliToknAcct&", "smstoken", "CORP", "WS042");
	make_event(SMBW_SMB2_TREE_CONNECT, 0, "");
	build();
	cr_assert_not(rec.is_file);
	cr_assert_str_eq(rec.name, "");
	cr_assert_str_eq(get("event", "dataset"), "smbwatch.tree");
	cr_assert_str_eq(get("event", "action"), "tree_connect");
	cr_assert_str_eq(get("event", "outcome"), "success");
	cr_assert_str_eq(get_only("event", "category"), "network");
	cr_assert_str_eq(get_only("event", "type"), "connection");
	cr_assert_not(has("file", NULL), "no file object for a share connect: %s", jw.buf);
	cr_assert_str_eq(get("smbwatch", "share"), "apps");
	cr_assert_str_eq(get("smbwatch", "unc"), "\\\\FILESRV\\apps");
	cr_assert_str_eq(get("smbwatch", "smb2_command"), "TREE_CONNECT");
	cr_assert_str_eq(get("smbwatch", "workstation"), "WS042");
	cr_assert_str_eq(get("user", "name"), "SMSCliToknAcct&");
	cr_assert_not(get_bool("smbwatch", "truncated"));
	cr_assert_str_eq(line, TS " TREE  OK   CORP\\SMSCliToknAcct& from 127.0.0.1:60484 "
			       "ws=WS042 \\\\FILESRV\\apps NT_STATUS_OK (0x00000000) pid=12490\n");
}

/* A connect to a share that does not exist: the share and UNC path as the client asked. */
Test(smb2_record, tree_connect_bad_share)
{
	make_event(SMBW_SMB2_TREE_CONNECT, 0xc00000cc, "\\\\fileSrv\\nosuch");
	ev.share[0] = 0;
	build();
	cr_assert_str_eq(get("event", "dataset"), "smbwatch.tree");
	cr_assert_str_eq(get("event", "outcome"), "failure");
	cr_assert_str_eq(get("smbwatch", "share"), "nosuch");
	cr_assert_str_eq(get("smbwatch", "unc"), "\\\\fileSrv\\nosuch");
	cr_assert_str_eq(get("smbwatch", "nt_status"), "NT_STATUS_BAD_NETWORK_NAME");
	cr_assert_str_eq(get("smbwatch", "account_source"), "session");
	cr_assert_not(has("file", NULL));
	cr_assert_str_eq(line, TS " TREE  FAIL SAMBAHOST\\smstoken from 127.0.0.1:60484 ws=- "
			       "\\\\fileSrv\\nosuch NT_STATUS_BAD_NETWORK_NAME (0xc00000cc) "
			       "pid=12490\n");
}

Test(smb2_record, ipv6_client)
{
	make_event(SMBW_SMB2_CREATE, 0xc0000034, "x");
	ev.remote.family = 10;
	memset(ev.remote.addr, 0, sizeof(ev.remote.addr));
	ev.remote.addr[15] = 1;
	ev.remote.port = 34328;
	build();
	cr_assert_str_eq(get("source", "ip"), "::1");
	cr_assert_str_eq(get("source", "port"), "34328");
	cr_assert(strstr(line, " from [::1]:34328 ws=- "), "%s", line);
}

/* --- hostile names --- */

Test(smb2_record, hostile_path)
{
	/* quote, newline, ESC sequence, DEL, C1 CSI (U+009B), backslash-free é and 日本 */
	const char *name = "a\"b\nc\x1b[2Jd\x7f" "e\xc2\x9b" "f\\caf\xc3\xa9\\\xe6\x97\xa5\xe6\x9c\xac";
	const char *want = "a\"b\nc\x1b[2Jd\x7f" "e\xc2\x9b" "f/caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac";

	make_event(SMBW_SMB2_CREATE, 0xc0000033, name);
	build();
	cr_assert_str_eq(rec.path, want);
	cr_assert_str_eq(get("file", "path"), want);
	cr_assert_str_eq(get("file", "name"), "\xe6\x97\xa5\xe6\x9c\xac");
	cr_assert_str_eq(get("smbwatch", "unc"),
			 "\\\\FILESRV\\apps\\a\"b\nc\x1b[2Jd\x7f" "e\xc2\x9b"
			 "f\\caf\xc3\xa9\\\xe6\x97\xa5\xe6\x9c\xac");
	cr_assert_str_eq(get("smbwatch", "nt_status"), "NT_STATUS_OBJECT_NAME_INVALID");
	cr_assert_not(get_bool("smbwatch", "truncated"));

	assert_one_clean_line();
	cr_assert(strstr(line, " \\\\FILESRV\\apps\\a\"b\\x0ac\\x1b[2Jd\\x7fe\\xc2\\x9bf\\"
			       "caf\xc3\xa9\\\xe6\x97\xa5\xe6\x9c\xac NT_STATUS_OBJECT_NAME_INVALID"),
		  "%s", line);
}

/* A hostile workstation and account in the logon: exact in JSON, escaped in text. */
Test(smb2_record, hostile_logon_names)
{
	add_logon(12490, 0, "evil\"\n\x1b[31m", "smstoken", "DOM\r", "WS\x1b]0;x\x07");
	make_event(SMBW_SMB2_CREATE, 0xc0000034, "x");
	build();
	cr_assert_str_eq(get("user", "name"), "evil\"\n\x1b[31m");
	cr_assert_str_eq(get("user", "domain"), "DOM\r");
	cr_assert_str_eq(get("smbwatch", "workstation"), "WS\x1b]0;x\x07");
	assert_one_clean_line();
	cr_assert(strstr(line, " DOM\\x0d\\evil\"\\x0a\\x1b[31m from 127.0.0.1:60484 "
			       "ws=WS\\x1b]0;x\\x07 "),
		  "%s", line);
}

/* An unpaired surrogate keeps its 3-byte form, shown as \xNN in JSON and text. */
Test(smb2_record, unpaired_surrogate)
{
	make_event(SMBW_SMB2_CREATE, 0xc0000034, "dir\\x");
	put_unit(0xd800);
	put_unit('y');
	put_unit(0xdc01); /* lone low surrogate too */
	build();
	cr_assert_str_eq(rec.path, "dir/x\xed\xa0\x80y\xed\xb0\x81");
	cr_assert_str_eq(rec.name, "x\xed\xa0\x80y\xed\xb0\x81");
	cr_assert_str_eq(get("file", "path"), "dir/x\\xed\\xa0\\x80y\\xed\\xb0\\x81");
	cr_assert_str_eq(get("file", "name"), "x\\xed\\xa0\\x80y\\xed\\xb0\\x81");
	cr_assert_str_eq(get("smbwatch", "unc"),
			 "\\\\FILESRV\\apps\\dir\\x\\xed\\xa0\\x80y\\xed\\xb0\\x81");
	cr_assert_not(get_bool("smbwatch", "truncated"));
	assert_one_clean_line();
	cr_assert(strstr(line, " \\\\FILESRV\\apps\\dir\\x\\xed\\xa0\\x80y\\xed\\xb0\\x81 NT_"),
		  "%s", line);
}

/* A high surrogate last, in a name that was not cut, is an unpaired surrogate: kept. */
Test(smb2_record, trailing_high_surrogate_not_cut_is_kept)
{
	make_event(SMBW_SMB2_CREATE, 0xc0000034, "x");
	put_unit(0xd83d);
	build();
	cr_assert_str_eq(rec.path, "x\xed\xa0\xbd");
	cr_assert_str_eq(get("file", "path"), "x\\xed\\xa0\\xbd");
	cr_assert_not(get_bool("smbwatch", "truncated"));
}

/* The longest path the kernel keeps, 2047 units, cut between the halves of a surrogate pair:
 * the half character goes, the rest is valid UTF-8 and the record says it was cut. */
Test(smb2_record, truncated_path_cut_mid_pair)
{
	size_t i;

	make_event(SMBW_SMB2_CREATE, 0xc0000034, "dir\\");
	for (i = 0; i < 1021; i++) {
		put_unit(0xd83d); /* U+1F600 */
		put_unit(0xde00);
	}
	put_unit(0xd83d); /* the first half of the next one */
	cr_assert_eq(ev.path_bytes, 2047 * 2);
	ev.path_wire = 2500 * 2;
	ev.flags = SMBW_F_TRUNC_PATH;
	build();

	cr_assert(rec.truncated);
	cr_assert_eq(strlen(rec.path), 4 + 1021 * 4);
	cr_assert_eq(memcmp(rec.path, "dir/", 4), 0);
	for (i = 0; i < 1021; i++)
		cr_assert_eq(memcmp(rec.path + 4 + 4 * i, "\xf0\x9f\x98\x80", 4), 0, "at %zu", i);
	cr_assert(utf8_valid(rec.path), "cut path is not valid UTF-8");
	cr_assert_str_eq(rec.name, rec.path + 4);
	cr_assert_str_eq(get("file", "path"), rec.path);
	cr_assert_str_eq(get("file", "name"), rec.path + 4);
	cr_assert(utf8_valid(get("smbwatch", "unc")));
	cr_assert_eq(strlen(get("smbwatch", "unc")), strlen("\\\\FILESRV\\apps\\") + 4 + 4084);
	cr_assert(get_bool("smbwatch", "truncated"));

	assert_one_clean_line();
	cr_assert(strstr(line, "\xf0\x9f\x98\x80... NT_STATUS_OBJECT_NAME_NOT_FOUND (0xc0000034) "
			       "pid=12490\n"),
		  "cut path not marked in text");
}

/* Cut right after a whole pair: nothing more is dropped. */
Test(smb2_record, truncated_path_after_whole_pair)
{
	size_t i;

	make_event(SMBW_SMB2_CREATE, 0xc0000034, "a");
	for (i = 0; i < 1023; i++) {
		put_unit(0xd83d);
		put_unit(0xde00);
	}
	cr_assert_eq(ev.path_bytes, 2047 * 2);
	ev.flags = SMBW_F_TRUNC_PATH;
	build();
	cr_assert_eq(strlen(rec.path), 1 + 1023 * 4);
	cr_assert_eq(memcmp(rec.path + 1 + 1022 * 4, "\xf0\x9f\x98\x80", 4), 0);
	cr_assert(utf8_valid(rec.path));
	cr_assert_str_eq(get("file", "path"), rec.path);
	cr_assert(get_bool("smbwatch", "truncated"));
}

/* 2047 units of 3-byte characters (日本...): all kept, valid, marked cut. */
Test(smb2_record, truncated_path_cjk)
{
	size_t i;

	make_event(SMBW_SMB2_CREATE, 0xc0000034, "");
	for (i = 0; i < 2047; i++)
		put_unit(i % 2 ? 0x672c : 0x65e5);
	ev.flags = SMBW_F_TRUNC_PATH;
	build();
	cr_assert_eq(strlen(rec.path), 2047 * 3);
	cr_assert_eq(memcmp(rec.path, "\xe6\x97\xa5\xe6\x9c\xac", 6), 0);
	cr_assert_eq(memcmp(rec.path + 2046 * 3, "\xe6\x97\xa5", 3), 0);
	cr_assert(utf8_valid(rec.path));
	cr_assert_str_eq(get("file", "path"), rec.path);
	cr_assert_str_eq(get("file", "name"), rec.path);
	cr_assert(get_bool("smbwatch", "truncated"));
	assert_one_clean_line();
}

/* A truncated search: the directory and pattern still valid UTF-8. */
Test(smb2_record, truncated_search_cut_mid_pair)
{
	size_t i;

	make_event(SMBW_SMB2_QUERY_DIRECTORY, 0xc000000f, "");
	strcpy(ev.dir, "bin");
	for (i = 0; i < 1023; i++) {
		put_unit(0xd83d);
		put_unit(0xde00);
	}
	put_unit(0xdbff);
	ev.flags = SMBW_F_TRUNC_PATH;
	build();
	cr_assert_eq(strlen(rec.path), 4 + 1023 * 4);
	cr_assert(utf8_valid(rec.path));
	cr_assert_str_eq(get("file", "path"), rec.path);
	cr_assert_str_eq(get("file", "directory"), "bin");
	cr_assert(get_bool("smbwatch", "truncated"));
}

/* A cut share name also marks the record truncated, ending on a whole character. */
Test(smb2_record, truncated_share)
{
	make_event(SMBW_SMB2_CREATE, 0xc0000034, "x");
	memset(ev.share, 'a', sizeof(ev.share));
	ev.share[SMBW_SHARE_LEN - 2] = (char)0xc3; /* first byte of é, cut */
	ev.share[SMBW_SHARE_LEN - 1] = 0;
	ev.flags = SMBW_F_TRUNC_SHARE;
	build();
	cr_assert_eq(strlen(rec.share), SMBW_SHARE_LEN - 2);
	cr_assert_eq(strlen(get("smbwatch", "share")), SMBW_SHARE_LEN - 2);
	cr_assert(get_bool("smbwatch", "truncated"));
	cr_assert_str_eq(get("file", "path"), "x");
}

/* Unknown status codes are named as Samba does. */
Test(smb2_record, unknown_status)
{
	make_event(SMBW_SMB2_CREATE, 0xc0001234, "x");
	build();
	cr_assert_str_eq(get("smbwatch", "nt_status"), "NT code 0xc0001234");
	cr_assert_str_eq(get("smbwatch", "nt_status_code"), "0xc0001234");
	cr_assert_str_eq(get("event", "outcome"), "failure");
}

/* The record is rebuilt cleanly: nothing from an earlier event leaks into the next. */
Test(smb2_record, rebuild_leaves_nothing_behind)
{
	add_logon(12490, 0, "SMSCliToknAcct&", "smstoken", "CORP", "WS042");
	make_event(SMBW_SMB2_QUERY_DIRECTORY, 0xc000000f, "nothere*");
	strcpy(ev.dir, "bin");
	ev.flags = SMBW_F_TRUNC_PATH;
	build();
	cr_assert_str_eq(get("smbwatch", "workstation"), "WS042");

	make_event(SMBW_SMB2_TREE_CONNECT, 0, "");
	ev.pid = 999;
	build();
	cr_assert_str_eq(rec.path, "");
	cr_assert_str_eq(rec.directory, "");
	cr_assert_str_eq(rec.workstation, "");
	cr_assert_not(rec.is_file);
	cr_assert_not(rec.truncated);
	cr_assert_not(has("smbwatch", "workstation"));
	cr_assert_not(has("file", NULL));
	cr_assert_str_eq(get("smbwatch", "unc"), "\\\\FILESRV\\apps");
}

/* Requests come whole, or short (SMBW_SMB2_SMALL_SIZE bytes: no dir, SMBW_SMALL_PATH of
 * path), and are joined with the identity (addresses, account, share) they name. */
Test(smb2_record, short_ring_records)
{
	static struct smbw_smb2_wire sent;
	static struct smbw_smb2_event got;
	static unsigned char ring[sizeof(struct smbw_smb2_wire)];
	struct smbw_ident_event id = { .type = SMBW_EV_IDENT, .pid = 7, .id = 42 };
	struct smbw_addr peer = { .family = 2, .port = 50999 };
	const struct smbw_smb2_event *e;
	struct session_cache sc;
	struct ident_table t;

	cr_assert_eq(ident_table_init(&t), 0);
	cr_assert_eq(session_cache_init(&sc), 0);
	id.flags = SMBW_F_TRUNC_SHARE;
	id.remote.family = 2;
	id.remote.port = 50123;
	strcpy(id.account, "SMSCliToknAcct&");
	strcpy(id.domain, "CORP");
	strcpy(id.share, "apps");
	cr_assert_eq(ident_table_add(&t, &id, sizeof(id)), 0);
	memset(&sent, 0, sizeof(sent));
	sent.type = SMBW_EV_SMB2;
	sent.pid = 7;
	sent.opcode = SMBW_SMB2_CREATE;
	sent.flags = SMBW_F_NO_REMOTE | SMBW_F_DFS; /* identity flags come from the identity */
	sent.path_bytes = 4;
	sent.ident = 42;
	memcpy(sent.path, "a\0b\0", 4);
	memcpy(ring, &sent, sizeof(sent));
	memset(ring + SMBW_SMB2_SMALL_SIZE, 0xee, sizeof(ring) - SMBW_SMB2_SMALL_SIZE); /* not sent */
	memset(&got, 0x55, sizeof(got));
	e = smb2_event_from_ring(&got, ring, SMBW_SMB2_SMALL_SIZE, &t, &sc);
	cr_assert_eq(e, &got);
	cr_assert_eq(e->pid, 7);
	cr_assert_eq(e->path_bytes, 4);
	cr_assert_eq(memcmp(e->path, "a\0b\0", 4), 0);
	cr_assert_str_eq(e->share, "apps");
	cr_assert_str_eq(e->account, "SMSCliToknAcct&");
	cr_assert_str_eq(e->domain, "CORP");
	cr_assert_eq(e->remote.port, 50123);
	cr_assert_eq(e->flags, SMBW_F_DFS | SMBW_F_TRUNC_SHARE);
	cr_assert_eq(e->dir[0], 0, "what was not sent is zero");
	cr_assert_eq(e->path[SMBW_SMALL_PATH], 0);
	cr_assert_eq(t.missing, 0);
	/* a short record cannot claim more path than it carries */
	((struct smbw_smb2_wire *)ring)->path_bytes = 3000;
	e = smb2_event_from_ring(&got, ring, SMBW_SMB2_SMALL_SIZE, &t, &sc);
	cr_assert_eq(e->path_bytes, SMBW_SMALL_PATH);
	/* too short to be one */
	cr_assert_null(smb2_event_from_ring(&got, ring, SMBW_SMB2_SMALL_SIZE - 1, &t, &sc));
	/* the whole struct comes through unchanged */
	sent.path_bytes = 3000;
	strcpy(sent.dir, "/srv/apps/bin");
	e = smb2_event_from_ring(&got, &sent, sizeof(sent), &t, &sc);
	cr_assert_eq(e->path_bytes, 3000);
	cr_assert_str_eq(e->dir, "/srv/apps/bin");
	/* an identity that never came: no addresses, no account, counted */
	sent.ident = 43;
	e = smb2_event_from_ring(&got, &sent, sizeof(sent), &t, &sc);
	cr_assert_not_null(e);
	cr_assert_eq(e->flags, SMBW_F_DFS | SMBW_F_NO_REMOTE);
	cr_assert_str_eq(e->account, "");
	cr_assert_str_eq(e->share, "");
	cr_assert_eq(e->remote.port, 0);
	cr_assert_eq(t.missing, 1);
	/* ... but the process's client, when an earlier event of it named one */
	memcpy(peer.addr, "\xc6\x12\x00\x07", 4);
	session_cache_peer(&sc, 7, &peer);
	e = smb2_event_from_ring(&got, &sent, sizeof(sent), &t, &sc);
	cr_assert_eq(e->flags, SMBW_F_DFS);
	cr_assert_eq(e->remote.port, 50999);
	cr_assert_eq(e->remote.addr[3], 7);
	cr_assert_str_eq(e->account, "");
	cr_assert_eq(t.missing, 2);
	session_cache_free(&sc);
	ident_table_free(&t);
}

/* Identities by id: found while kept, overwritten IDENT_TABLE_SLOTS ids later, never id 0. */
Test(ident_table, add_find_overwrite)
{
	struct smbw_ident_event id = { .type = SMBW_EV_IDENT, .id = 5 };
	const struct smbw_ident_event *f;
	struct ident_table t;

	cr_assert_eq(ident_table_init(&t), 0);
	cr_assert_null(ident_table_find(&t, 5));
	cr_assert_eq(t.missing, 1);
	memset(id.account, 'A', sizeof(id.account)); /* no terminator: cut to end inside */
	strcpy(id.share, "apps");
	cr_assert_eq(ident_table_add(&t, &id, sizeof(id)), 0);
	f = ident_table_find(&t, 5);
	cr_assert_not_null(f);
	cr_assert_eq(strlen(f->account), sizeof(f->account) - 1);
	cr_assert_str_eq(f->share, "apps");
	/* a later id in the same slot replaces it: the old one is gone, and counted as missing */
	id.id = 5 + IDENT_TABLE_SLOTS;
	strcpy(id.share, "data");
	cr_assert_eq(ident_table_add(&t, &id, sizeof(id)), 0);
	cr_assert_null(ident_table_find(&t, 5));
	f = ident_table_find(&t, 5 + IDENT_TABLE_SLOTS);
	cr_assert_not_null(f);
	cr_assert_str_eq(f->share, "data");
	cr_assert_eq(t.missing, 2);
	cr_assert_eq(t.received, 2);
	/* id 0 means none; a short event is refused and keeps nothing */
	id.id = 0;
	cr_assert_eq(ident_table_add(&t, &id, sizeof(id)), -1);
	cr_assert_null(ident_table_find(&t, 0));
	id.id = 9;
	cr_assert_eq(ident_table_add(&t, &id, sizeof(id) - 1), -1);
	cr_assert_null(ident_table_find(&t, 9));
	cr_assert_eq(t.received, 2);
	ident_table_free(&t);
}
