// SPDX-License-Identifier: GPL-2.0
/* JSON writer: every string, whatever its bytes, gives valid JSON that a real parser
 * (json-c) reads back. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "outputs/json_out.h"
#include "common/record.h"

struct esc_case {
	char in[16];
	size_t n;
	char want[64]; /* the JSON text of the value */
};

ParameterizedTestParameters(json, escape)
{
	static struct esc_case c[] = {
		{ "plain", 5, "\"plain\"" },
		{ "SMSCliToknAcct&", 15, "\"SMSCliToknAcct&\"" },
		{ "a\"b", 3, "\"a\\\"b\"" },
		{ "a\\b", 3, "\"a\\\\b\"" },
		{ "l1\nl2\r\t", 7, "\"l1\\nl2\\r\\t\"" },
		{ "\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"" },
		{ "caf\xc3\xa9", 5, "\"caf\xc3\xa9\"" },
		{ "bad\xff", 4, "\"bad\\\\xff\"" },
		{ "\xc3(", 2, "\"\\\\xc3(\"" },
		{ "\xed\xa0\x80", 3, "\"\\\\xed\\\\xa0\\\\x80\"" },
		{ "nul\0in", 6, "\"nul\\u0000in\"" },
		{ "", 0, "\"\"" },
	};
	return cr_make_param_array(struct esc_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct esc_case *c, json, escape)
{
	struct jw w;
	json_object *o;

	jw_init(&w);
	jw_strn(&w, NULL, c->in, c->n);
	cr_assert_str_eq(w.buf, c->want);
	o = json_tokener_parse(w.buf);
	cr_assert_not_null(o, "json-c rejects %s", w.buf);
	json_object_put(o);
	jw_free(&w);
}

/* A byte to escape at each place in strings of each length up to 24 (the writer takes 8 bytes
 * at a time): the bytes around it are copied, it is escaped, in the right place. */
Test(json, escape_at_every_place)
{
	static const struct {
		const char *in, *out;
	} sp[] = { { "\"", "\\\"" }, { "\\", "\\\\" }, { "\n", "\\n" }, { "\x01", "\\u0001" },
		   { "\x7f", "\\u007f" }, { "\xff", "\\\\xff" }, { "\xc3\xa9", "\xc3\xa9" } };
	char in[32], want[64];
	size_t n, at, k, sl;
	struct jw w;

	for (k = 0; k < sizeof(sp) / sizeof(sp[0]); k++)
		for (n = 1; n <= 24; n++)
			for (at = 0; at + (sl = strlen(sp[k].in)) <= n; at++) {
				memset(in, 'a', n);
				memcpy(in + at, sp[k].in, sl);
				snprintf(want, sizeof(want), "\"%.*s%s%.*s\"", (int)at, in,
					 sp[k].out, (int)(n - at - sl), in + at + sl);
				jw_init(&w);
				jw_strn(&w, NULL, in, n);
				cr_assert_str_eq(w.buf, want, "%zu bytes, special %zu at %zu", n, k,
						 at);
				jw_free(&w);
			}
}

/* Every byte value, alone and in a long string, round-trips through json-c. */
Test(json, all_bytes_make_valid_json)
{
	char in[300];
	struct jw w;
	json_object *o, *v;
	int b;

	for (b = 0; b < 256; b++) {
		in[0] = 'x';
		in[1] = (char)b;
		in[2] = 'y';
		jw_init(&w);
		jw_obj_begin(&w, NULL);
		jw_strn(&w, "k", in, 3);
		jw_obj_end(&w);
		o = json_tokener_parse(w.buf);
		cr_assert_not_null(o, "byte 0x%02x: %s", b, w.buf);
		cr_assert(json_object_object_get_ex(o, "k", &v));
		if (b < 0x80 && b != 0) /* ASCII round-trips exactly */
			cr_assert_eq(json_object_get_string(v)[1], b);
		json_object_put(o);
		jw_free(&w);
	}
}

Test(json, nesting_and_arrays)
{
	struct jw w;

	jw_init(&w);
	jw_obj_begin(&w, NULL);
	jw_str(&w, "a", "1");
	jw_obj_begin(&w, "b");
	jw_u64(&w, "c", 18446744073709551615ULL);
	jw_bool(&w, "d", false);
	jw_obj_end(&w);
	jw_arr_begin(&w, "e");
	jw_str(&w, NULL, "x");
	jw_str(&w, NULL, "y");
	jw_arr_end(&w);
	jw_obj_end(&w);
	cr_assert_str_eq(w.buf,
			 "{\"a\":\"1\",\"b\":{\"c\":18446744073709551615,\"d\":false},\"e\":[\"x\",\"y\"]}");
	jw_reset(&w);
	jw_obj_begin(&w, NULL);
	jw_obj_end(&w);
	cr_assert_str_eq(w.buf, "{}");
	jw_free(&w);
}

static const char *get(json_object *root, const char *a, const char *b)
{
	json_object *x, *y;

	if (!json_object_object_get_ex(root, a, &x) || !json_object_object_get_ex(x, b, &y))
		return NULL;
	return json_object_get_string(y);
}

Test(json, auth_record_fields)
{
	struct smbw_ctx ctx;
	struct smbw_auth_event e = { .type = SMBW_EV_AUTH, .pid = 4242, .status = 0xc000006a };
	struct jw w;
	json_object *o;

	smbw_ctx_init(&ctx);
	ctx.mono_to_real_ns = 0;
	e.ts_ns = 1795467121123456789ULL; /* 2026-11-23T20:52:01.123456Z */
	e.remote.family = 10;
	e.remote.port = 55326;
	e.remote.addr[15] = 1;
	e.local.family = 2;
	e.local.port = 445;
	memcpy(e.local.addr, "\x7f\0\0\1", 4);
	strcpy(e.account, "SMSCliToknAcct&");
	strcpy(e.domain, "CORP");
	strcpy(e.workstation, "WS\n042");
	strcpy(e.service, "SMB2");

	jw_init(&w);
	json_auth_record(&w, &ctx, &e);
	cr_assert_null(strchr(w.buf, '\n'), "one line per record");
	o = json_tokener_parse(w.buf);
	cr_assert_not_null(o, "%s", w.buf);
	cr_assert_str_eq(json_object_get_string(json_object_object_get(o, "@timestamp")),
			 "2026-11-23T20:52:01.123456Z");
	cr_assert_str_eq(get(o, "event", "dataset"), "smbwatch.auth");
	cr_assert_str_eq(get(o, "event", "outcome"), "failure");
	cr_assert_str_eq(get(o, "user", "name"), "SMSCliToknAcct&");
	cr_assert_str_eq(get(o, "user", "domain"), "CORP");
	cr_assert_str_eq(get(o, "source", "ip"), "::1");
	cr_assert_str_eq(get(o, "source", "port"), "55326");
	cr_assert_str_eq(get(o, "destination", "ip"), "127.0.0.1");
	cr_assert_str_eq(get(o, "process", "pid"), "4242");
	cr_assert_str_eq(get(o, "host", "name"), ctx.hostname);
	cr_assert_str_eq(get(o, "smbwatch", "workstation"), "WS\n042");
	cr_assert_str_eq(get(o, "smbwatch", "nt_status"), "NT_STATUS_WRONG_PASSWORD");
	cr_assert_str_eq(get(o, "smbwatch", "nt_status_code"), "0xc000006a");
	cr_assert_str_eq(get(o, "smbwatch", "truncated"), "false");
	json_object_put(o);
	jw_free(&w);
}

/* A name cut by the kernel keeps a whole-character prefix and says it was cut. */
Test(json, truncated_name_keeps_whole_characters)
{
	struct smbw_ctx ctx;
	struct smbw_auth_event e = { .type = SMBW_EV_AUTH };
	struct jw w;
	json_object *o;
	const char *name;
	size_t i;

	smbw_ctx_init(&ctx);
	/* 126 bytes of 'a' then the first byte of a 2-byte character, then the NUL */
	for (i = 0; i < SMBW_NAME_LEN - 2; i++)
		e.account[i] = 'a';
	e.account[SMBW_NAME_LEN - 2] = (char)0xc3;
	e.flags = SMBW_F_TRUNC_ACCOUNT;
	jw_init(&w);
	json_auth_record(&w, &ctx, &e);
	o = json_tokener_parse(w.buf);
	cr_assert_not_null(o);
	name = get(o, "user", "name");
	cr_assert_eq(strlen(name), SMBW_NAME_LEN - 2);
	cr_assert_str_eq(get(o, "smbwatch", "truncated"), "true");
	json_object_put(o);
	jw_free(&w);
}

Test(json, status_record)
{
	struct smbw_ctx ctx;
	struct smbw_stats st = { .events = 7, .dropped = 2, .hits_auth = 9 };
	struct jw w;
	json_object *o, *sw, *v;

	smbw_ctx_init(&ctx);
	strcpy(ctx.samba_version, "4.17.12");
	jw_init(&w);
	json_status_record(&w, &ctx, "stopped", &st);
	o = json_tokener_parse(w.buf);
	cr_assert_not_null(o);
	cr_assert_str_eq(get(o, "event", "dataset"), "smbwatch.status");
	cr_assert_str_eq(get(o, "event", "action"), "stopped");
	cr_assert(json_object_object_get_ex(o, "smbwatch", &sw));
	cr_assert(json_object_object_get_ex(sw, "dropped", &v));
	cr_assert_eq(json_object_get_int64(v), 2);
	cr_assert(json_object_object_get_ex(sw, "events", &v));
	cr_assert_eq(json_object_get_int64(v), 7);
	json_object_put(o);
	jw_free(&w);
}

/* Times as records write them, interleaved across more seconds than are kept formatted: each
 * is what gmtime and strftime make of it, to the microsecond. */
Test(json, real_times_interleaved)
{
	static const uint64_t base = 1795467141ULL * 1000000; /* 2026-11-23T20:52:21Z */
	static const int order[] = { 0, 1, 0, 2, 3, 4, 5, 0, 5, 1, 6, 0, 7, 3, 86400, 0 };
	char got[40], want[40], date[24];
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		uint64_t us = base + (uint64_t)order[i] * 1000000 + i * 37;
		time_t sec = (time_t)(us / 1000000);
		struct tm tm;

		cr_assert_not_null(gmtime_r(&sec, &tm));
		strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(want, sizeof(want), "%s.%06uZ", date, (unsigned)(us % 1000000));
		smbw_format_real_us(us, got, sizeof(got));
		cr_assert_str_eq(got, want, "time %zu", i);
	}
	smbw_format_real_us(base, got, 11); /* cut, as snprintf would */
	cr_assert_str_eq(got, "2026-11-23");
}

/* \\SERVER in UNC paths: the host's short name, or --server-name whole (a dotted name or an
 * address is not cut at its first dot). */
Test(json, server_name)
{
	static const struct {
		const char *given, *host, *want;
	} c[] = {
		{ NULL, "filesrv.corp.example", "filesrv" },
		{ NULL, "filesrv", "filesrv" },
		{ "fs1.corp.example", "filesrv.corp.example", "fs1.corp.example" },
		{ "198.18.0.5", "filesrv", "198.18.0.5" },
		{ "LABSRV", "filesrv", "LABSRV" },
	};
	char out[64];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		smbw_server_name(out, sizeof(out), c[i].given, c[i].host);
		cr_assert_str_eq(out, c[i].want, "given %s, host %s", c[i].given ? c[i].given : "-",
				 c[i].host);
	}
}

/* Addresses as inet_ntop writes them (IPv4 is formatted by hand): every octet value in every
 * place, IPv6, and an unknown family as "". */
Test(json, addr_ip_agrees_with_inet_ntop)
{
	struct smbw_addr a = { .family = 2 };
	char got[64], want[64];
	unsigned v, k;

	for (k = 0; k < 4; k++)
		for (v = 0; v < 256; v++) {
			memcpy(a.addr, "\xc6\x12\x00\x07", 4);
			a.addr[k] = (unsigned char)v;
			cr_assert_not_null(inet_ntop(AF_INET, a.addr, want, sizeof(want)));
			cr_assert_str_eq(smbw_addr_ip(&a, got, sizeof(got)), want);
		}
	a.family = 10;
	memcpy(a.addr, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	cr_assert_str_eq(smbw_addr_ip(&a, got, sizeof(got)), "2001:db8::1");
	a.family = 0;
	cr_assert_str_eq(smbw_addr_ip(&a, got, sizeof(got)), "");
}

/* event.sequence counts from 1 and event.id is "<run id>-<sequence>"; nt_status_code is
 * "0x%08x" (both written without printf). */
Test(json, event_id_and_status_code)
{
	static const uint32_t codes[] = { 0, 0xc000006a, 0x80000006, 0x0000000f, 0xffffffff };
	struct smbw_ctx ctx;
	struct smbw_auth_event e = { .type = SMBW_EV_AUTH };
	uint64_t seq = 41;
	char want[64];
	struct jw w;
	json_object *o;
	size_t i;

	smbw_ctx_init(&ctx);
	ctx.sequence = &seq;
	jw_init(&w);
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		e.status = codes[i];
		jw_reset(&w);
		json_auth_record(&w, &ctx, &e);
		o = json_tokener_parse(w.buf);
		cr_assert_not_null(o, "%s", w.buf);
		snprintf(want, sizeof(want), "%s-%zu", ctx.run_id, 42 + i);
		cr_assert_str_eq(get(o, "event", "id"), want);
		snprintf(want, sizeof(want), "%zu", 42 + i);
		cr_assert_str_eq(get(o, "event", "sequence"), want);
		snprintf(want, sizeof(want), "0x%08x", codes[i]);
		cr_assert_str_eq(get(o, "smbwatch", "nt_status_code"), want);
		json_object_put(o);
	}
	jw_free(&w);
}
