// SPDX-License-Identifier: GPL-2.0
/* Per-process logon identities: only successful logons, matched by pid and account. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdbool.h>
#include <string.h>
#include "enrich/session_cache.h"

static struct session_cache cache;

static void setup(void)
{
	cr_assert_eq(session_cache_init(&cache), 0);
}

static void teardown(void)
{
	session_cache_free(&cache);
}

static void logon(uint32_t pid, uint32_t status, const char *account, const char *mapped,
		  const char *domain, const char *ws)
{
	struct smbw_auth_event e;

	memset(&e, 0, sizeof(e));
	e.type = SMBW_EV_AUTH;
	e.pid = pid;
	e.status = status;
	strcpy(e.account, account);
	strcpy(e.mapped_account, mapped);
	strcpy(e.domain, domain);
	strcpy(e.workstation, ws);
	strcpy(e.service, "SMB2");
	session_cache_logon(&cache, &e);
}

TestSuite(session_cache, .init = setup, .fini = teardown);

Test(session_cache, empty_finds_nothing)
{
	cr_assert_null(session_cache_find(&cache, 1234, ""));
	cr_assert_null(session_cache_find(&cache, 1234, "alice"));
	cr_assert_null(session_cache_find(&cache, 0, ""));
	cr_assert_eq(cache.evictions, 0);
}

Test(session_cache, successful_logon_is_remembered)
{
	const struct session_ident *s;

	logon(12490, 0, "SMSCliToknAcct&", "smstoken", "CORP", "WS042");
	s = session_cache_find(&cache, 12490, "");
	cr_assert_not_null(s);
	cr_assert_eq(s->pid, 12490);
	cr_assert(s->have_logon);
	cr_assert_str_eq(s->account, "SMSCliToknAcct&");
	cr_assert_str_eq(s->mapped, "smstoken");
	cr_assert_str_eq(s->domain, "CORP");
	cr_assert_str_eq(s->workstation, "WS042");
	cr_assert_eq(s->flags, 0);
}

struct match_case {
	char session_account[32];
	bool found;
};

/* Logon: account "SMSCliToknAcct&", mapped "smstoken". */
ParameterizedTestParameters(session_cache, match_account)
{
	static struct match_case c[] = {
		{ "", true },
		{ "SMSCliToknAcct&", true },
		{ "smsclitoknacct&", true },
		{ "SMSCLITOKNACCT&", true },
		{ "smstoken", true },
		{ "SMSTOKEN", true },
		{ "SmsToken", true },
		{ "alice", false },
		{ "smstoken2", false },
		{ "smstoke", false },
		{ "SMSCliToknAcct", false },
		{ "CORP\\smstoken", false },
		{ " smstoken", false },
	};
	return cr_make_param_array(struct match_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct match_case *c, session_cache, match_account)
{
	const struct session_ident *s;

	logon(777, 0, "SMSCliToknAcct&", "smstoken", "CORP", "WS042");
	s = session_cache_find(&cache, 777, c->session_account);
	if (c->found) {
		cr_assert_not_null(s, "\"%s\" should match", c->session_account);
		cr_assert_str_eq(s->account, "SMSCliToknAcct&");
	} else {
		cr_assert_null(s, "\"%s\" must not match", c->session_account);
	}
}

/* Without username map the mapped name is empty: the client account still matches, and an
 * empty mapped name does not make every account match. */
Test(session_cache, no_mapped_name)
{
	logon(778, 0, "alice", "", "CORP", "WS1");
	cr_assert_not_null(session_cache_find(&cache, 778, "ALICE"));
	cr_assert_not_null(session_cache_find(&cache, 778, ""));
	cr_assert_null(session_cache_find(&cache, 778, "bob"));
}

Test(session_cache, other_pid_finds_nothing)
{
	logon(1000, 0, "alice", "alice", "CORP", "WS1");
	cr_assert_not_null(session_cache_find(&cache, 1000, "alice"));
	cr_assert_null(session_cache_find(&cache, 1001, "alice"));
	cr_assert_null(session_cache_find(&cache, 999, ""));
	/* same slot, other process */
	cr_assert_null(session_cache_find(&cache, 1000 + SESSION_CACHE_SLOTS, ""));
}

Test(session_cache, failed_logon_is_ignored)
{
	logon(2000, 0xc000006a, "SMSCliToknAcct&", "", "CORP", "WS042"); /* WRONG_PASSWORD */
	cr_assert_null(session_cache_find(&cache, 2000, ""));
	cr_assert_null(session_cache_find(&cache, 2000, "SMSCliToknAcct&"));
	logon(2000, 0xc0000234, "SMSCliToknAcct&", "", "CORP", "WS042"); /* LOCKED_OUT */
	cr_assert_null(session_cache_find(&cache, 2000, ""));
	cr_assert_eq(cache.evictions, 0);
}

/* A failed logon on a connection that already has a session leaves that session alone. */
Test(session_cache, failed_logon_keeps_earlier_success)
{
	const struct session_ident *s;

	logon(3000, 0, "alice", "alice", "CORP", "WS1");
	logon(3000, 0xc000006a, "mallory", "", "EVIL", "WS666");
	s = session_cache_find(&cache, 3000, "");
	cr_assert_not_null(s);
	cr_assert_str_eq(s->account, "alice");
	cr_assert_str_eq(s->domain, "CORP");
	cr_assert_str_eq(s->workstation, "WS1");
	cr_assert_null(session_cache_find(&cache, 3000, "mallory"));
}

/* A second successful logon on the same process replaces the first. */
Test(session_cache, later_logon_replaces)
{
	const struct session_ident *s;

	logon(3100, 0, "alice", "alice", "CORP", "WS1");
	logon(3100, 0, "bob", "bob", "LAB", "WS2");
	s = session_cache_find(&cache, 3100, "bob");
	cr_assert_not_null(s);
	cr_assert_str_eq(s->domain, "LAB");
	cr_assert_str_eq(s->workstation, "WS2");
	cr_assert_null(session_cache_find(&cache, 3100, "alice"));
	cr_assert_eq(cache.evictions, 0);
}

Test(session_cache, pid_zero_is_ignored)
{
	logon(0, 0, "alice", "alice", "CORP", "WS1");
	cr_assert_null(session_cache_find(&cache, 0, ""));
	cr_assert_null(session_cache_find(&cache, SESSION_CACHE_SLOTS, ""));
}

/* Two processes on one slot: the newer one wins and the eviction is counted. */
Test(session_cache, slot_collision_evicts)
{
	uint32_t a = 4242, b = 4242 + SESSION_CACHE_SLOTS;
	const struct session_ident *s;

	logon(a, 0, "alice", "alice", "CORP", "WS1");
	logon(b, 0, "bob", "bob", "CORP", "WS2");
	cr_assert_eq(cache.evictions, 1);
	cr_assert_null(session_cache_find(&cache, a, ""));
	s = session_cache_find(&cache, b, "");
	cr_assert_not_null(s);
	cr_assert_str_eq(s->account, "bob");
	/* a failed logon of the old process does not take the slot back */
	logon(a, 0xc000006a, "alice", "alice", "CORP", "WS1");
	cr_assert_eq(cache.evictions, 1);
	cr_assert_not_null(session_cache_find(&cache, b, "bob"));
}

/* A name that filled the whole kernel buffer (no NUL) comes out NUL-terminated. */
Test(session_cache, full_fields_are_terminated)
{
	struct smbw_auth_event e;
	const struct session_ident *s;

	memset(&e, 'A', sizeof(e));
	e.type = SMBW_EV_AUTH;
	e.pid = 5000;
	e.status = 0;
	e.flags = SMBW_F_TRUNC_ACCOUNT | SMBW_F_TRUNC_DOMAIN | SMBW_F_TRUNC_WORKSTATION;
	memset(&e.remote, 0, sizeof(e.remote));
	memset(&e.local, 0, sizeof(e.local));
	session_cache_logon(&cache, &e);
	s = session_cache_find(&cache, 5000, "");
	cr_assert_not_null(s);
	cr_assert_eq(strlen(s->account), SMBW_NAME_LEN - 1);
	cr_assert_eq(strlen(s->domain), SMBW_NAME_LEN - 1);
	cr_assert_eq(strlen(s->workstation), SMBW_NAME_LEN - 1);
	cr_assert_eq(strlen(s->mapped), SMBW_NAME_LEN - 1);
	cr_assert_eq(s->flags, SMBW_F_TRUNC_ACCOUNT | SMBW_F_TRUNC_DOMAIN |
			       SMBW_F_TRUNC_WORKSTATION);
}

Test(session_cache, peer_from_logon_and_events)
{
	struct smbw_auth_event e;
	struct smbw_addr v6 = { .family = 10, .port = 50000 };
	char out[64];

	memset(&e, 0, sizeof(e));
	e.pid = 6000;
	e.remote.family = 2;
	e.remote.port = 60484;
	memcpy(e.remote.addr, "\x7f\0\0\1", 4);
	strcpy(e.account, "alice");
	session_cache_logon(&cache, &e);
	cr_assert_eq(session_cache_peer_str(&cache, 6000, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "127.0.0.1:60484");

	v6.addr[15] = 1;
	session_cache_peer(&cache, 6000, &v6);
	cr_assert_eq(session_cache_peer_str(&cache, 6000, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "[::1]:50000");
	/* the peer update keeps the logon */
	cr_assert_not_null(session_cache_find(&cache, 6000, "alice"));

	cr_assert_neq(session_cache_peer_str(&cache, 6001, out, sizeof(out)), 0);
}

/* A process seen only through its file events has a peer but no logon. */
Test(session_cache, peer_alone_is_not_a_logon)
{
	struct smbw_addr a = { .family = 2, .port = 445 };
	char out[64];

	memcpy(a.addr, "\xc6\x12\x01\x02", 4);
	session_cache_peer(&cache, 7000, &a);
	cr_assert_eq(session_cache_peer_str(&cache, 7000, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "198.18.1.2:445");
	cr_assert_not_null(session_cache_peer_of(&cache, 7000));
	cr_assert_eq(session_cache_peer_of(&cache, 7000)->port, 445);
	cr_assert_null(session_cache_peer_of(&cache, 7002));
	cr_assert_null(session_cache_peer_of(&cache, 0));
	cr_assert_null(session_cache_find(&cache, 7000, ""));
	/* an unknown family is not remembered */
	a.family = 0;
	session_cache_peer(&cache, 7001, &a);
	cr_assert_neq(session_cache_peer_str(&cache, 7001, out, sizeof(out)), 0);
	cr_assert_null(session_cache_peer_of(&cache, 7001));
	/* a later logon of that process is found */
	logon(7000, 0, "alice", "alice", "CORP", "WS1");
	cr_assert_not_null(session_cache_find(&cache, 7000, "alice"));
	cr_assert_eq(session_cache_peer_str(&cache, 7000, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "198.18.1.2:445", "a logon without an address keeps the peer");
}
