// SPDX-License-Identifier: GPL-2.0
/* Replay input: RFC 3339 times as Samba and smbwatch write them, and JSON lines (Samba's
 * auth_json_audit, smbwatch's own records) decoded into detector events. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "outputs/json_out.h"
#include "common/record.h"
#include "replay/replay.h"

/* 2026-11-23T20:52:21Z */
#define T21 1795467141000000ULL

/* --- replay_parse_time --- */

struct time_case {
	char in[48];
	int ret;
	uint64_t us;
};

ParameterizedTestParameters(replay, parse_time)
{
	static struct time_case c[] = {
		{ "2026-11-23T20:52:21.347333Z", 0, T21 + 347333 },
		{ "2026-11-23T20:52:21.347333+0000", 0, T21 + 347333 }, /* Samba */
		{ "2026-11-23T20:52:21.347333+00:00", 0, T21 + 347333 },
		{ "2026-11-23T21:52:21.347333+01:00", 0, T21 + 347333 },
		{ "2026-11-23T21:52:21.347333+0100", 0, T21 + 347333 },
		{ "2026-11-23T15:52:21.347333-05:00", 0, T21 + 347333 },
		{ "2026-11-24T01:22:21.347333+04:30", 0, T21 + 347333 },
		{ "2026-11-23T20:52:21Z", 0, T21 },
		{ "2026-11-23T20:52:21+0000", 0, T21 },
		{ "2026-11-23T21:52:21+01:00", 0, T21 },
		{ "2026-11-23T20:52:21.5Z", 0, T21 + 500000 },
		{ "2026-11-23T20:52:21.000001Z", 0, T21 + 1 },
		{ "2026-11-23T20:52:21.347333999Z", 0, T21 + 347333 }, /* ns: cut to us */
		{ "2026-11-23 20:52:21.347333Z", 0, T21 + 347333 },
		{ "2026-11-23T20:57:23.416384Z", 0, T21 + 302000000 + 416384 },
		{ "1970-01-01T00:00:00Z", 0, 0 },
		{ "2000-02-29T00:00:00Z", 0, 951782400000000ULL },
		/* rejected */
		{ "", -1, 0 },
		{ "2026-11-23", -1, 0 },
		{ "2026-11-23T20:52", -1, 0 },
		{ "not a timestamp at all", -1, 0 },
		{ "2026/11/23T20:52:21Z", -1, 0 },
		{ "2026-11-23X20:52:21Z", -1, 0 },
		{ "2026-11-23T20-52-21Z", -1, 0 },
		{ "2O26-11-23T20:52:21Z", -1, 0 },
		{ "2026-13-23T20:52:21Z", -1, 0 },
		{ "2026-00-23T20:52:21Z", -1, 0 },
		{ "2026-11-00T20:52:21Z", -1, 0 },
		{ "2026-11-32T20:52:21Z", -1, 0 },
		{ "2026-11-23T24:52:21Z", -1, 0 },
		{ "2026-11-23T20:60:21Z", -1, 0 },
		{ "2026-11-23T20:52:61Z", -1, 0 },
		{ "2026-11-23T20:52:21Q", -1, 0 },
		{ "2026-11-23T20:52:21.347333Y", -1, 0 },
		{ "2026-11-23T20:52:21.347333+01", -1, 0 },
		{ "2026-11-23T20:52:21.347333+01:0", -1, 0 },
		{ "2026-11-23T20:52:21.347333+1:00", -1, 0 },
		{ "2026-11-23T20:52:21.347333+0x:00", -1, 0 },
		{ "2026-11-23T20:52:21.347333Z ", -1, 0 },
		{ "2026-11-23T20:52:21.347333Zjunk", -1, 0 },
		{ "2026-11-23T20:52:21+01:00x", -1, 0 },
	};
	return cr_make_param_array(struct time_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct time_case *c, replay, parse_time)
{
	uint64_t us = 12345;
	int ret = replay_parse_time(c->in, &us);

	cr_assert_eq(ret, c->ret, "\"%s\": returned %d", c->in, ret);
	if (!c->ret)
		cr_assert_eq(us, c->us, "\"%s\": %llu, want %llu", c->in, (unsigned long long)us,
			     (unsigned long long)c->us);
}

Test(replay, parse_time_null)
{
	uint64_t us = 0;

	cr_assert_eq(replay_parse_time(NULL, &us), -1);
}

/* Times that are well-formed but do not exist. */
ParameterizedTestParameters(replay, parse_time_impossible)
{
	static struct time_case c[] = {
		{ "2026-11-31T20:52:21Z", -1, 0 },       /* November has 30 days */
		{ "2026-02-29T00:00:00Z", -1, 0 },       /* not a leap year */
		{ "2026-11-23T20:52:21+99:99", -1, 0 },  /* no such offset */
		{ "2026-11-23T20:52:21.Z", -1, 0 },      /* a dot without digits */
	};
	return cr_make_param_array(struct time_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct time_case *c, replay, parse_time_impossible)
{
	uint64_t us = 0;
	int ret;

	/* Regression (was a bug): replay_parse_time() checks only 1 <= day <= 31, never the offset's range, and takes
	 * "." with no digits: "2026-11-31T20:52:21Z" gives 0 and 2026-12-01T20:52:21Z
	 * (1796158341000000), "2026-02-29" gives 2026-03-01, "+99:99" gives 0 and an instant
	 * 100 h 39 min earlier, "...21.Z" gives 0 and ...21Z. */
	ret = replay_parse_time(c->in, &us);
	cr_assert_eq(ret, c->ret, "\"%s\": returned %d (%llu)", c->in, ret,
		     (unsigned long long)us);
}

/* The cached parse gives the uncached answers whatever came before: each string after a
 * warm-up of every other (the cache then holds that one's minute, valid or not). */
Test(replay, parse_time_cached_agrees)
{
	static const char *const in[] = {
		"2026-11-23T20:52:21Z",         "2026-11-23T20:52:21.347333Z",
		"2026-11-23T20:52:59.5+01:00",  "2026-11-23T20:52:21.000000+0000",
		"2026-11-23T20:52:61Z",         "2026-11-23T20:52:21.Z",
		"2026-11-23T20:52",             "2026-11-23T20:52:",
		"2026-11-23T20:52:2",           "2026-11-23T20:52:21+99:99",
		"2026-11-23T20:53:00Z",         "2026-11-23 20:52:21Z",
		"2026-11-31T20:52:21Z",         "2026-11-31T20:52:22Z",
		"2026-02-29T00:00:00Z",         "2024-02-29T00:00:00Z",
		"2026-11-23T20:52:21Zjunk",     "",
		"2026-11-23T20:5x:21Z",         "1969-12-31T23:59:59Z",
	};
	size_t n = sizeof(in) / sizeof(in[0]), i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			struct replay_time_cache c = { 0 };
			uint64_t want = 1, got = 2, warm;
			int rw = replay_parse_time(in[i], &want);
			int rg;

			replay_parse_time_cached(&c, in[j], &warm);
			rg = replay_parse_time_cached(&c, in[i], &got);
			cr_assert_eq(rg, rw, "\"%s\" after \"%s\": %d, uncached %d", in[i], in[j], rg,
				     rw);
			if (!rw)
				cr_assert_eq(got, want, "\"%s\" after \"%s\"", in[i], in[j]);
		}
}

/* --- replay_decode --- */

#define SAMBA_AUTH(ts, status, addr)                                                         \
	"{\"timestamp\":\"" ts "\",\"type\":\"Authentication\",\"Authentication\":{"          \
	"\"version\":{\"major\":1,\"minor\":2},\"eventId\":4625,\"logonId\":\"0\","             \
	"\"status\":\"" status "\",\"localAddress\":\"ipv4:127.0.0.1:445\","                   \
	"\"remoteAddress\":\"" addr "\",\"serviceDescription\":\"SMB2\","                      \
	"\"authDescription\":null,\"clientDomain\":\"CORP\","                                  \
	"\"clientAccount\":\"SMSCliToknAcct&\",\"workstation\":\"WS042\","                     \
	"\"becameAccount\":null,\"becameDomain\":null,\"becameSid\":null,"                     \
	"\"passwordType\":\"NTLMv2\"}}"

#define SW_HEAD(ts, ds, action)                                                              \
	"{\"@timestamp\":\"" ts "\",\"event\":{\"kind\":\"event\",\"dataset\":\"" ds "\","    \
	"\"module\":\"smbwatch\",\"action\":\"" action "\",\"outcome\":\"failure\"},"

/* An otherwise complete smbwatch record of dataset ds. */
#define SW_DATASET(ds)                                                                       \
	SW_HEAD("2026-11-23T21:08:42.536558Z", ds, "open")                                     \
	SW_WHO("127.0.0.1", "1") "\"smbwatch\":{\"nt_status_code\":\"0xc0000034\"}}"

#define SW_WHO(ip, port)                                                                     \
	"\"user\":{\"name\":\"SMSCliToknAcct&\",\"domain\":\"CORP\"},"                         \
	"\"source\":{\"ip\":\"" ip "\",\"port\":" port "},"                                     \
	"\"destination\":{\"ip\":\"127.0.0.1\",\"port\":445},"                                 \
	"\"process\":{\"pid\":12490,\"name\":\"smbd\"},\"host\":{\"name\":\"vm\"},"

#define SMBW_AUTH                                                                            \
	SW_HEAD("2026-11-23T20:57:23.416384Z", "smbwatch.auth", "logon")                       \
	SW_WHO("::1", "34328")                                                                   \
	"\"smbwatch\":{\"workstation\":\"WS042\",\"nt_status\":\"NT_STATUS_ACCOUNT_LOCKED_OUT\"," \
	"\"nt_status_code\":\"0xc0000234\",\"service\":\"SMB2\",\"truncated\":false}}"

struct dec_case {
	char name[32];
	char json[1400];
	int want; /* enum replay_kind */
	int kind; /* enum det_kind */
	uint64_t ts_us;
	uint32_t status;
	char account[32], domain[16], workstation[16], ip[48];
	uint32_t port;
	char share[16], path[64], unc[80]; /* "(null)": not set */
	bool is_tree;
	char err[48]; /* REPLAY_BAD: what the reason names */
};

#define NUL "(null)"

ParameterizedTestParameters(replay, decode)
{
	static struct dec_case c[] = {
		{ "samba_ipv4",
		  SAMBA_AUTH("2026-11-23T20:52:21.347333+0000", "NT_STATUS_WRONG_PASSWORD",
			     "ipv4:127.0.0.1:55326"),
		  REPLAY_EVENT, DET_LOGON, T21 + 347333, 0xc000006a, "SMSCliToknAcct&", "CORP",
		  "WS042", "127.0.0.1", 55326, NUL, NUL, NUL, false, "" },
		{ "samba_ipv6",
		  SAMBA_AUTH("2026-11-23T20:52:21.347333+0000", "NT_STATUS_WRONG_PASSWORD",
			     "ipv6:::1:45636"),
		  REPLAY_EVENT, DET_LOGON, T21 + 347333, 0xc000006a, "SMSCliToknAcct&", "CORP",
		  "WS042", "::1", 45636, NUL, NUL, NUL, false, "" },
		{ "samba_ipv6_full",
		  SAMBA_AUTH("2026-11-23T21:52:21.347333+0100", "NT_STATUS_ACCOUNT_LOCKED_OUT",
			     "ipv6:2001:db8::7:50123"),
		  REPLAY_EVENT, DET_LOGON, T21 + 347333, 0xc0000234, "SMSCliToknAcct&", "CORP",
		  "WS042", "2001:db8::7", 50123, NUL, NUL, NUL, false, "" },
		{ "samba_ok",
		  SAMBA_AUTH("2026-11-23T20:52:21Z", "NT_STATUS_OK", "ipv4:198.18.0.5:49152"),
		  REPLAY_EVENT, DET_LOGON, T21, 0, "SMSCliToknAcct&", "CORP", "WS042", "198.18.0.5",
		  49152, NUL, NUL, NUL, false, "" },
		{ "samba_unknown_code",
		  SAMBA_AUTH("2026-11-23T20:52:21Z", "NT code 0xc0009999", "ipv4:198.18.0.5:49152"),
		  REPLAY_EVENT, DET_LOGON, T21, 0xc0009999, "SMSCliToknAcct&", "CORP", "WS042",
		  "198.18.0.5", 49152, NUL, NUL, NUL, false, "" },
		{ "samba_authorization",
		  "{\"timestamp\":\"2026-11-23T20:52:21.351231+0000\",\"type\":\"Authorization\","
		  "\"Authorization\":{\"version\":{\"major\":1,\"minor\":1},"
		  "\"localAddress\":\"ipv4:127.0.0.1:445\","
		  "\"remoteAddress\":\"ipv4:127.0.0.1:55326\",\"serviceDescription\":\"SMB2\","
		  "\"authType\":\"NTLMSSP\",\"domain\":\"CORP\",\"account\":\"SMSCliToknAcct&\"}}",
		  .want = REPLAY_SKIP },
		{ "smbwatch_auth", SMBW_AUTH,
		  REPLAY_EVENT, DET_LOGON, T21 + 302000000 + 416384, 0xc0000234, "SMSCliToknAcct&",
		  "CORP", "WS042", "::1", 34328, NUL, NUL, NUL, false, "" },
		{ "smbwatch_file",
		  SW_HEAD("2026-11-23T21:08:42.539176Z", "smbwatch.file", "open")
		  SW_WHO("127.0.0.1", "60484")
		  "\"file\":{\"path\":\"System32/Drivers/cwcsp.dll\",\"name\":\"cwcsp.dll\","
		  "\"directory\":\"System32/Drivers\"},"
		  "\"smbwatch\":{\"share\":\"apps\","
		  "\"unc\":\"\\\\\\\\FILESRV\\\\apps\\\\System32\\\\Drivers\\\\cwcsp.dll\","
		  "\"workstation\":\"WS042\",\"nt_status\":\"NT_STATUS_OBJECT_NAME_NOT_FOUND\","
		  "\"nt_status_code\":\"0xc0000034\",\"smb2_command\":\"CREATE\"}}",
		  REPLAY_EVENT, DET_LOOKUP, T21 + 981000000 + 539176, 0xc0000034, "SMSCliToknAcct&",
		  "CORP", "WS042", "127.0.0.1", 60484, "apps", "System32/Drivers/cwcsp.dll",
		  "\\\\FILESRV\\apps\\System32\\Drivers\\cwcsp.dll", false, "" },
		{ "smbwatch_search",
		  SW_HEAD("2026-11-23T21:08:42.541012Z", "smbwatch.file", "search")
		  SW_WHO("127.0.0.1", "60484")
		  "\"file\":{\"path\":\"bin/nothere*\",\"name\":\"nothere*\"},"
		  "\"smbwatch\":{\"share\":\"apps\",\"unc\":\"\\\\\\\\vm\\\\apps\\\\bin\\\\nothere*\","
		  "\"nt_status\":\"NT_STATUS_NO_SUCH_FILE\",\"nt_status_code\":\"0xc000000f\"}}",
		  REPLAY_EVENT, DET_LOOKUP, T21 + 981000000 + 541012, 0xc000000f, "SMSCliToknAcct&",
		  "CORP", NUL, "127.0.0.1", 60484, "apps", "bin/nothere*",
		  "\\\\vm\\apps\\bin\\nothere*", false, "" },
		{ "smbwatch_tree",
		  SW_HEAD("2026-11-23T21:08:42.536558Z", "smbwatch.tree", "tree_connect")
		  SW_WHO("127.0.0.1", "60484")
		  "\"smbwatch\":{\"share\":\"nothere\",\"unc\":\"\\\\\\\\FILESRV\\\\nothere\","
		  "\"workstation\":\"WS042\",\"nt_status\":\"NT_STATUS_BAD_NETWORK_NAME\","
		  "\"nt_status_code\":\"0xc00000cc\",\"smb2_command\":\"TREE_CONNECT\"}}",
		  REPLAY_EVENT, DET_LOOKUP, T21 + 981000000 + 536558, 0xc00000cc, "SMSCliToknAcct&",
		  "CORP", "WS042", "127.0.0.1", 60484, "nothere", NUL, "\\\\FILESRV\\nothere", true,
		  "" },
		{ "smbwatch_status",
		  "{\"@timestamp\":\"2026-11-23T20:52:00.000001Z\",\"event\":{\"kind\":\"state\","
		  "\"dataset\":\"smbwatch.status\",\"module\":\"smbwatch\",\"action\":\"started\"},"
		  "\"smbwatch\":{\"samba_version\":\"4.17.12\"}}",
		  .want = REPLAY_SKIP },
		{ "smbwatch_finding",
		  "{\"@timestamp\":\"2026-11-23T20:52:21.000000Z\",\"event\":{\"kind\":\"alert\","
		  "\"dataset\":\"smbwatch.finding\",\"module\":\"smbwatch\","
		  "\"action\":\"finding_opened\"},\"user\":{\"name\":\"SMSCliToknAcct&\"},"
		  "\"source\":{\"ip\":\"198.18.0.5\"},\"smbwatch\":{\"nt_status_code\":\"0xc000006a\"}}",
		  .want = REPLAY_SKIP },
		/* datasets that only look like an event's: passed over */
		{ "dataset_prefix_only", SW_DATASET("smbwatch."), .want = REPLAY_SKIP },
		{ "dataset_file_longer", SW_DATASET("smbwatch.files"), .want = REPLAY_SKIP },
		{ "dataset_auth_shorter", SW_DATASET("smbwatch.aut"), .want = REPLAY_SKIP },
		{ "dataset_other_module", SW_DATASET("smbwatchXtree"), .want = REPLAY_SKIP },
		/* malformed */
		{ "samba_no_timestamp",
		  "{\"type\":\"Authentication\",\"Authentication\":{"
		  "\"status\":\"NT_STATUS_WRONG_PASSWORD\","
		  "\"remoteAddress\":\"ipv4:127.0.0.1:55326\",\"clientAccount\":\"SMSCliToknAcct&\"}}",
		  REPLAY_BAD, .err = "timestamp" },
		{ "samba_bad_timestamp",
		  SAMBA_AUTH("yesterday", "NT_STATUS_WRONG_PASSWORD", "ipv4:127.0.0.1:55326"),
		  REPLAY_BAD, .err = "timestamp" },
		{ "samba_unknown_status",
		  SAMBA_AUTH("2026-11-23T20:52:21Z", "NT_STATUS_NO_SUCH_THING", "ipv4:127.0.0.1:1"),
		  REPLAY_BAD, .err = "status" },
		{ "samba_no_port",
		  SAMBA_AUTH("2026-11-23T20:52:21Z", "NT_STATUS_WRONG_PASSWORD", "ipv4:127.0.0.1"),
		  REPLAY_BAD, .err = "remoteAddress" },
		{ "samba_no_account",
		  "{\"timestamp\":\"2026-11-23T20:52:21Z\",\"type\":\"Authentication\","
		  "\"Authentication\":{\"status\":\"NT_STATUS_WRONG_PASSWORD\","
		  "\"remoteAddress\":\"ipv4:127.0.0.1:55326\"}}",
		  REPLAY_BAD, .err = "clientAccount" },
		{ "samba_no_body",
		  "{\"timestamp\":\"2026-11-23T20:52:21Z\",\"type\":\"Authentication\"}",
		  REPLAY_BAD, .err = "\"Authentication\"" },
		{ "array", "[{\"type\":\"Authentication\"},1,2]", REPLAY_BAD, .err = "not a JSON object" },
		{ "string", "\"SMSCliToknAcct&\"", REPLAY_BAD, .err = "not a JSON object" },
		{ "neither", "{\"hello\":\"world\",\"event\":{\"kind\":\"event\"}}", REPLAY_BAD,
		  .err = "event.dataset" },
		{ "smbwatch_no_timestamp",
		  "{\"event\":{\"dataset\":\"smbwatch.auth\"}," SW_WHO("::1", "1")
		  "\"smbwatch\":{\"nt_status_code\":\"0xc000006a\"}}",
		  REPLAY_BAD, .err = "@timestamp" },
		{ "smbwatch_bad_timestamp",
		  SW_HEAD("2026-11-23 nonsense", "smbwatch.file", "open") SW_WHO("::1", "1")
		  "\"smbwatch\":{\"nt_status_code\":\"0xc0000034\"}}",
		  REPLAY_BAD, .err = "@timestamp" },
		{ "smbwatch_no_status_code",
		  SW_HEAD("2026-11-23T20:52:21Z", "smbwatch.auth", "logon") SW_WHO("::1", "1")
		  "\"smbwatch\":{\"nt_status\":\"NT_STATUS_WRONG_PASSWORD\"}}",
		  REPLAY_BAD, .err = "nt_status_code" },
		{ "smbwatch_no_source",
		  SW_HEAD("2026-11-23T20:52:21Z", "smbwatch.auth", "logon")
		  "\"user\":{\"name\":\"SMSCliToknAcct&\"},"
		  "\"smbwatch\":{\"nt_status_code\":\"0xc000006a\"}}",
		  REPLAY_BAD, .err = "source.ip" },
	};
	return cr_make_param_array(struct dec_case, c, sizeof(c) / sizeof(c[0]));
}

static const char *s(const char *x)
{
	return x ? x : NUL;
}

ParameterizedTest(struct dec_case *c, replay, decode)
{
	struct json_object *o = json_tokener_parse(c->json);
	struct det_event e;
	char err[200] = "";
	int got;

	cr_assert_not_null(o, "%s: the test's JSON does not parse: %s", c->name, c->json);
	memset(&e, 0x5a, sizeof(e));
	got = replay_decode(o, &e, err, sizeof(err));
	cr_assert_eq(got, c->want, "%s: kind %d, want %d (err \"%s\")", c->name, got, c->want, err);
	if (c->want == REPLAY_BAD) {
		cr_assert_neq(err[0], 0, "%s: no reason given", c->name);
		cr_assert_not_null(strstr(err, c->err), "%s: \"%s\" does not name %s", c->name, err,
				   c->err);
	} else if (c->want == REPLAY_EVENT) {
		cr_assert_eq(e.kind, (enum det_kind)c->kind, "%s", c->name);
		cr_assert_eq(e.ts_us, c->ts_us, "%s: ts %llu, want %llu", c->name,
			     (unsigned long long)e.ts_us, (unsigned long long)c->ts_us);
		cr_assert_eq(e.status, c->status, "%s: status 0x%08x", c->name, e.status);
		cr_assert_str_eq(s(e.account), c->account, "%s", c->name);
		cr_assert_str_eq(s(e.domain), c->domain, "%s", c->name);
		cr_assert_str_eq(s(e.workstation), c->workstation, "%s", c->name);
		cr_assert_str_eq(s(e.ip), c->ip, "%s", c->name);
		cr_assert_eq(e.port, c->port, "%s: port %u", c->name, e.port);
		cr_assert_str_eq(s(e.share), c->share, "%s", c->name);
		cr_assert_str_eq(s(e.path), c->path, "%s", c->name);
		cr_assert_str_eq(s(e.unc), c->unc, "%s", c->name);
		cr_assert_eq(e.is_tree, c->is_tree, "%s", c->name);
	} else {
		cr_assert_eq(err[0], 0, "%s: a skipped line is no error: \"%s\"", c->name, err);
	}
	json_object_put(o);
}

/* What smbwatch --json writes, replay reads back. */
Test(replay, decode_own_auth_record)
{
	struct smbw_ctx ctx;
	struct smbw_auth_event ev = { .type = SMBW_EV_AUTH, .pid = 4242, .status = 0xc000006a };
	struct json_object *o;
	struct det_event e;
	char err[200] = "";
	struct jw w;

	smbw_ctx_init(&ctx);
	ctx.mono_to_real_ns = 0;
	ev.ts_ns = 1795467121123456789ULL; /* 2026-11-23T20:52:01.123456Z */
	ev.remote.family = 2;
	ev.remote.port = 55326;
	memcpy(ev.remote.addr, "\xc0\x00\x02\x07", 4);
	ev.local.family = 2;
	ev.local.port = 445;
	memcpy(ev.local.addr, "\x7f\0\0\1", 4);
	strcpy(ev.account, "SMSCliToknAcct&");
	strcpy(ev.domain, "CORP");
	strcpy(ev.workstation, "WS042");
	strcpy(ev.service, "SMB2");

	jw_init(&w);
	json_auth_record(&w, &ctx, &ev);
	o = json_tokener_parse(w.buf);
	cr_assert_not_null(o, "%s", w.buf);
	cr_assert_eq(replay_decode(o, &e, err, sizeof(err)), REPLAY_EVENT, "%s: %s", w.buf, err);
	cr_assert_eq(e.kind, DET_LOGON);
	cr_assert_eq(e.ts_us, 1795467121123456ULL);
	cr_assert_eq(e.status, 0xc000006a);
	cr_assert_str_eq(e.account, "SMSCliToknAcct&");
	cr_assert_str_eq(e.domain, "CORP");
	cr_assert_str_eq(e.workstation, "WS042");
	cr_assert_str_eq(e.ip, "192.0.2.7");
	cr_assert_eq(e.port, 55326);
	cr_assert_not(e.is_tree);
	json_object_put(o);
	jw_free(&w);
}

/* Decoded lines drive the detector: a Samba audit log alone opens a lockout finding. */
static int opened;
static char opened_msg[512];

static void on_finding(void *arg, const struct det_finding *f, const char *action)
{
	(void)arg;
	if (!strcmp(action, "finding_opened")) {
		opened++;
		snprintf(opened_msg, sizeof(opened_msg), "%s", f->message);
	}
}

Test(replay, samba_audit_lines_open_a_finding)
{
	static const char *const lines[] = {
		SAMBA_AUTH("2026-11-23T20:52:21.100000+0000", "NT_STATUS_WRONG_PASSWORD",
			   "ipv4:198.18.0.5:50001"),
		SAMBA_AUTH("2026-11-23T20:52:22.100000+0000", "NT_STATUS_WRONG_PASSWORD",
			   "ipv4:198.18.0.5:50002"),
		SAMBA_AUTH("2026-11-23T20:52:23.100000+0000", "NT_STATUS_ACCOUNT_LOCKED_OUT",
			   "ipv4:198.18.0.5:50003"),
	};
	struct det_config cfg;
	struct detector *d;
	size_t i;

	det_config_defaults(&cfg);
	cfg.lockout_threshold = 5;
	d = det_new(&cfg, on_finding, NULL);
	cr_assert_not_null(d);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct json_object *o = json_tokener_parse(lines[i]);
		struct det_event e;
		char err[200] = "";

		cr_assert_not_null(o);
		cr_assert_eq(replay_decode(o, &e, err, sizeof(err)), REPLAY_EVENT, "%s", err);
		det_feed(d, &e);
		json_object_put(o);
	}
	cr_assert_eq(opened, 1);
	cr_assert_str_eq(opened_msg, "CORP\\SMSCliToknAcct& from 198.18.0.5 (WS042): 3 failed logons "
				     "(WRONG_PASSWORD x2, ACCOUNT_LOCKED_OUT x1) in the last 300 s; "
				     "the account is locked out.");
	det_free(d);
}

/* The date arithmetic agrees with the C library's timegm for every day from 1600 to 2400
 * (leap years, centuries, before 1970) and for a leap second. */
Test(replay_time, agrees_with_timegm)
{
	struct tm tm = { .tm_year = 1600 - 1900, .tm_mon = 0, .tm_mday = 1, .tm_hour = 13,
			 .tm_min = 7, .tm_sec = 60 };
	char s[80];
	uint64_t us;
	time_t t;
	int days;

	for (days = 0; days < 800 * 366; days += 1) {
		struct tm d;

		t = timegm(&tm); /* normalises tm: the next day each time round */
		gmtime_r(&t, &d);
		if (d.tm_year + 1900 >= 2400)
			break;
		snprintf(s, sizeof(s), "%04d-%02d-%02dT13:07:60.000001Z", d.tm_year + 1900,
			 d.tm_mon + 1, d.tm_mday);
		cr_assert_eq(replay_parse_time(s, &us), 0, "%s", s);
		cr_assert_eq((int64_t)us, (int64_t)t * 1000000 + 1, "%s", s);
		tm = d;
		tm.tm_mday++;
		tm.tm_hour = 13;
		tm.tm_min = 7;
		tm.tm_sec = 60;
	}
	cr_assert_gt(days, 290000);
}

/* --- the fast path (simdjson) against the reference (json-c) --- */

#include "replay/json_fast.h"

#define SW_FILE(who, sw)                                                                     \
	SW_HEAD("2026-11-23T21:08:42.539176Z", "smbwatch.file", "open")                        \
	who "\"file\":{\"path\":\"System32/cwcsp.dll\",\"name\":\"cwcsp.dll\"},"              \
	    "\"smbwatch\":{" sw "}}"
#define SW_OK_SMB                                                                            \
	"\"share\":\"apps\",\"unc\":\"\\\\\\\\FILESRV\\\\apps\\\\System32\\\\cwcsp.dll\","     \
	"\"workstation\":\"WS042\",\"nt_status_code\":\"0xc0000034\""
#define NAMES10(v) "\"name\":\"" v "1\",\"name\":\"" v "2\",\"name\":\"" v "3\",\"name\":\"" \
	v "4\",\"name\":\"" v "5\",\"name\":\"" v "6\",\"name\":\"" v "7\",\"name\":\"" v   \
	"8\",\"name\":\"" v "9\",\"name\":\"" v "10\","
#define SW_USER(u) "\"user\":" u ",\"source\":{\"ip\":\"198.18.0.7\",\"port\":40001},"

struct fast_case {
	const char *name, *json;
	bool fast; /* the fast path takes it as it is (else json-c reads it) */
};

/* Lines whose members have every type a record's may have: for each, what replay makes of it
 * is what json-c's reading makes of it (kind, reason, every field of the event), and the fast
 * path takes exactly the ones of the expected shape. Not covered, by design: a key written
 * with escapes ("us\u0065r") is another key to the fast path (keys are the writers' own,
 * never a client's). */
static const struct fast_case fast_cases[] = {
	{ "samba", SAMBA_AUTH("2026-11-23T20:52:21.347333+0000", "NT_STATUS_WRONG_PASSWORD",
			      "ipv4:198.18.0.7:55326"), true },
	{ "smbwatch_auth", SMBW_AUTH, true },
	{ "smbwatch_file", SW_FILE(SW_WHO("198.18.0.7", "40001"), SW_OK_SMB), true },
	{ "port_as_string", SW_FILE(SW_WHO("198.18.0.7", "\"40001\""), SW_OK_SMB), true },
	{ "port_negative", SW_FILE(SW_WHO("198.18.0.7", "-5"), SW_OK_SMB), true },
	{ "port_null", SW_FILE(SW_WHO("198.18.0.7", "null"), SW_OK_SMB), true },
	{ "port_big", SW_FILE(SW_WHO("198.18.0.7", "4294967297"), SW_OK_SMB), true },
	{ "port_most_negative", SW_FILE(SW_WHO("198.18.0.7", "-9223372036854775808"), SW_OK_SMB),
	  true },
	{ "port_int_then_string",
	  SW_FILE("\"user\":{\"name\":\"u\"},\"source\":{\"ip\":\"198.18.0.7\",\"port\":1,"
		  "\"port\":\"7\"},",
		  SW_OK_SMB),
	  true },
	{ "port_int_then_null",
	  SW_FILE("\"user\":{\"name\":\"u\"},\"source\":{\"ip\":\"198.18.0.7\",\"port\":1,"
		  "\"port\":null},",
		  SW_OK_SMB),
	  true },
	{ "source_again_without_port",
	  SW_FILE("\"user\":{\"name\":\"u\"},\"source\":{\"ip\":\"198.18.0.7\",\"port\":1},"
		  "\"source\":{\"ip\":\"198.18.0.8\"},",
		  SW_OK_SMB),
	  true },
	{ "port_fraction", SW_FILE(SW_WHO("198.18.0.7", "1.5"), SW_OK_SMB), false },
	{ "port_bigint", SW_FILE(SW_WHO("198.18.0.7", "18446744073709551616"), SW_OK_SMB), false },
	{ "port_object", SW_FILE(SW_WHO("198.18.0.7", "{\"n\":1}"), SW_OK_SMB), false },
	{ "workstation_null",
	  SW_FILE(SW_WHO("198.18.0.7", "1"),
		  "\"share\":\"apps\",\"workstation\":null,\"nt_status_code\":\"0xc0000034\""),
	  true },
	{ "workstation_number",
	  SW_FILE(SW_WHO("198.18.0.7", "1"),
		  "\"share\":\"apps\",\"workstation\":42,\"nt_status_code\":\"0xc0000034\""),
	  false },
	{ "workstation_true",
	  SW_FILE(SW_WHO("198.18.0.7", "1"),
		  "\"share\":\"apps\",\"workstation\":true,\"nt_status_code\":\"0xc0000034\""),
	  false },
	{ "user_a_string", SW_FILE(SW_USER("\"SMSCliToknAcct&\""), SW_OK_SMB), true },
	{ "user_an_array", SW_FILE(SW_USER("[\"SMSCliToknAcct&\"]"), SW_OK_SMB), true },
	{ "user_name_null", SW_FILE(SW_USER("{\"name\":null}"), SW_OK_SMB), true },
	{ "user_twice",
	  SW_FILE(SW_USER("{\"name\":\"a\",\"domain\":\"D\"},\"user\":{\"name\":\"b\"}"),
		  SW_OK_SMB),
	  true },
	{ "name_twice", SW_FILE(SW_USER("{\"name\":\"a\",\"name\":\"b\"}"), SW_OK_SMB), true },
	{ "escapes_in_values",
	  SW_FILE(SW_USER("{\"name\":\"SMS\\u0043liToknAcct&\\n\\\"x\\\"\"}"), SW_OK_SMB), true },
	/* a string without escapes is taken from its raw token: whitespace after it, none in it */
	{ "spaces_around_values",
	  SW_FILE(SW_USER("{ \"name\" :  \"SMSCliToknAcct&\"  ,\"domain\"\t:\"CORP\" \r\n }"),
		  SW_OK_SMB),
	  true },
	/* more strings than the fast path leaves in the line: the rest are copied */
	{ "forty_names",
	  SW_FILE(SW_USER("{" NAMES10("a") NAMES10("b") NAMES10("c") NAMES10("d")
			  "\"domain\":\"CORP\"}"),
		  SW_OK_SMB),
	  true },
	{ "empty_strings", SW_FILE(SW_USER("{\"name\":\"\",\"domain\":\"\"}"), SW_OK_SMB), true },
	{ "ends_in_an_escaped_backslash",
	  SW_FILE(SW_USER("{\"name\":\"a\\\\\",\"domain\":\"\\\"\"}"), SW_OK_SMB), true },
	{ "nul_in_a_value", SW_FILE(SW_USER("{\"name\":\"SMS\\u0000tail\"}"), SW_OK_SMB), true },
	{ "dataset_number", "{\"@timestamp\":\"2026-11-23T21:08:42Z\",\"event\":{\"dataset\":7}}",
	  false },
	{ "deep_nesting",
	  "{\"x\":[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]],\"event\":{\"dataset\":\"smbwatch.status\"}}",
	  true },
	{ "not_an_object", "[1,2,3]", false },
	{ "an_array_of_one", "[{\"event\":{\"dataset\":\"smbwatch.status\"}}]", false },
	{ "cut_short", "{\"@timestamp\":\"2026-11-23T21:08:42Z\",\"event\":{", false },
	{ "text_after", "{\"event\":{\"dataset\":\"smbwatch.status\"}} x", false },
	{ "two_objects", "{\"event\":{}}{\"event\":{}}", false },
	{ "invalid_utf8", SW_FILE(SW_USER("{\"name\":\"\xff\xfe\"}"), SW_OK_SMB), false },
};

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* json-c's reading of a line as replay reads it: from the first '{' (after a log prefix) to
 * the end, one value and nothing after it; NULL when that is not JSON. */
static struct json_object *reference(const char *line)
{
	const char *start = strchr(line, '{');
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = NULL;

	cr_assert_not_null(tok);
	if (start) {
		o = json_tokener_parse_ex(tok, start, (int)strlen(start));
		if (o && (json_tokener_get_error(tok) != json_tokener_success ||
			  json_tokener_get_parse_end(tok) != strlen(start))) {
			json_object_put(o);
			o = NULL;
		}
	}
	json_tokener_free(tok);
	return o;
}

Test(replay_fast, agrees_with_json_c)
{
	struct replay_decoder *dec = replay_decoder_new();
	struct jf_parser *jf = jf_cpu_ok() ? jf_new() : NULL;
	size_t i;

	cr_assert_not_null(dec);
	for (i = 0; i < sizeof(fast_cases) / sizeof(fast_cases[0]); i++) {
		const struct fast_case *c = &fast_cases[i];
		size_t len = strlen(c->json);
		char *padded = calloc(1, len + JF_PADDING + 1);
		struct json_object *o;
		struct det_event ref, got;
		char rerr[200] = "", gerr[200] = "";
		enum replay_reason why;
		struct rec_fields f;
		int rk, gk;

		cr_assert_not_null(padded);
		memcpy(padded, c->json, len);
		if (jf) /* the fast path's own verdict */
			cr_assert_eq(jf_fields(jf, padded, len, &f) == JF_OK, c->fast,
				     "%s: the fast path %s it", c->name, c->fast ? "refuses" : "takes");
		o = reference(c->json);
		rk = o ? replay_decode(o, &ref, rerr, sizeof(rerr)) : REPLAY_BAD;
		memcpy(padded, c->json, len); /* jf_fields may have ended strings in place */
		gk = replay_decode_line(dec, padded, len, &got, gerr, sizeof(gerr), &why);
		cr_assert_eq(gk, rk, "%s: kind %d, json-c's %d (%s / %s)", c->name, gk, rk, gerr,
			     rerr);
		if (gk == REPLAY_BAD && why == REPLAY_BAD_RECORD) /* JSON, not a record: why */
			cr_assert_str_eq(gerr, rerr, "%s", c->name);
		if (rk == REPLAY_EVENT) {
			cr_assert_eq(got.kind, ref.kind, "%s", c->name);
			cr_assert_eq(got.ts_us, ref.ts_us, "%s", c->name);
			cr_assert_eq(got.status, ref.status, "%s", c->name);
			cr_assert_eq(got.port, ref.port, "%s: port %u, json-c's %u", c->name, got.port,
				     ref.port);
			cr_assert_eq(got.is_tree, ref.is_tree, "%s", c->name);
			cr_assert(same_str(got.account, ref.account), "%s: account %s, json-c's %s",
				  c->name, s(got.account), s(ref.account));
			cr_assert(same_str(got.domain, ref.domain), "%s: domain %s, json-c's %s",
				  c->name, s(got.domain), s(ref.domain));
			cr_assert(same_str(got.workstation, ref.workstation),
				  "%s: workstation %s, json-c's %s", c->name, s(got.workstation),
				  s(ref.workstation));
			cr_assert(same_str(got.ip, ref.ip), "%s: ip", c->name);
			cr_assert(same_str(got.share, ref.share), "%s: share", c->name);
			cr_assert(same_str(got.path, ref.path), "%s: path", c->name);
			cr_assert(same_str(got.unc, ref.unc), "%s: unc", c->name);
		}
		json_object_put(o);
		free(padded);
	}
	jf_free(jf);
	replay_decoder_free(dec);
}
