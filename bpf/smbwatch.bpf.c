// SPDX-License-Identifier: GPL-2.0
/* smbwatch: BPF side.
 *  - log_authentication_event (uprobe): one event per logon attempt.
 *  - smbd_smb2_request_error_ex (uprobe): runs only for failed SMB2 requests, so a successful
 *    open costs nothing; reports failed CREATE, TREE_CONNECT and QUERY_DIRECTORY.
 *  - make_connection_smb2 (uretprobe): successful tree connects (rare, once per share).
 *  - smbd_smb2_request_done_ex (uprobe, only with --count-success or --all): successful opens. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "smbwatch.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by userspace before load. */
const volatile struct smbw_auth_layout auth_layout = {};
const volatile struct smbw_smb2_layout smb2_layout = {};
const volatile __u16 filter_local_port = 0; /* 0: every port */
const volatile bool emit_success_opens = false; /* --all */
const volatile bool count_success_opens = false; /* --count-success */
/* false only in tests (SMBWATCH_TEST_SEPARATE_READS): the view of a request read field by
 * field, as for a layout whose fields lie too far apart for one read */
const volatile bool request_in_one_read = true;
/* tools/bench-bpf-parts and tools/bench only (SMBWATCH_BENCH_STOP): the failed-request program
 * stops after part n (SMBW_STOP_*) of its work, so that bpf_stats times each part, or discards
 * its event. 0 everywhere else: the verifier knows a read-only global's value and removes the
 * checks. */
const volatile __u32 bench_stop = 0;
/* Wake the consumer only once this much is waiting: a wakeup is an irq_work self-IPI, about
 * 6 us on a VM (0.6 us for the rest of a submit); the consumer also drains every 100 ms. */
const volatile __u64 wakeup_bytes = 1 << 20;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} events SEC(".maps");

/* --count-success: successful SMB2 CREATEs per smbd process (one smbd per client). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u64);
} success_opens SEC(".maps");

/* The identities (struct smbw_ident_event) a process's requests refer to, kept with the
 * process (its group leader: smbd's main thread serves the client). Identities are read from
 * smbd and sent once, then each failed request carries only their id. A tree connect or a
 * logon in the process forgets them all, so a tcon or session that smbd frees and reuses is
 * read afresh. */
#define IDENT_SLOTS 8 /* a power of two: share connections a process keeps at once (a PATH
			 * over several shares of one server is one process) */
/* an identity is sent again, with a new id, this long after (SMBW_IDENT_REFRESH_S; shorter
 * only for tests, SMBWATCH_IDENT_REFRESH_S) */
const volatile __u64 ident_refresh_ns = SMBW_IDENT_REFRESH_S * 1000000000ULL;

struct ident_slot {
	__u64 key;     /* the smbXsrv_tcon, or (session | 1) outside a share; 0: free */
	__u64 id;      /* smbw_ident_event.id; 0: not on the port watched */
	__u64 sent_ns; /* sent again, with a new id, ident_refresh_ns later */
};

struct proc_idents {
	struct ident_slot slot[IDENT_SLOTS];
	__u32 next; /* the slot the next identity takes */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct proc_idents);
} proc_idents SEC(".maps");

/* The last identity id handed out (shared by every probe set). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} ident_ids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SMBW_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* Atomic although the counters are per CPU: a uprobe's program can be preempted (see struct
 * req_span), and a drop must never go uncounted. */
static __always_inline void count(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &which);

	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline struct task_struct *current_process(void)
{
	return bpf_get_current_task_btf()->group_leader;
}

/* A tree connect or a logon in this process: every identity it keeps is stale. Returns the
 * process's (now empty) keeping, created when flags say so; NULL when it has none. */
static __always_inline struct proc_idents *idents_forget(__u64 flags)
{
	struct proc_idents *p = bpf_task_storage_get(&proc_idents, current_process(), NULL, flags);

	if (p)
		__builtin_memset(p->slot, 0, sizeof(p->slot));
	return p;
}

static __always_inline void submit(void *e)
{
	__u64 flags = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ?
			      BPF_RB_FORCE_WAKEUP :
			      BPF_RB_NO_WAKEUP;

	bpf_ringbuf_submit(e, flags);
	count(SMBW_CNT_EVENTS);
}

/* Only smbd's processes: winbindd and the AD DC map the same libraries. Samba 4.17 leaves a
 * client's smbd named "smbd"; later series name it "smbd[CLIENT-IP]" (cut to 15 bytes). */
static __always_inline bool is_smbd(void)
{
	/* read where it is (bpf_get_current_comm's copy cost about 0.1 us here) */
	const char *comm = bpf_get_current_task_btf()->comm;

	return comm[0] == 's' && comm[1] == 'm' && comm[2] == 'b' && comm[3] == 'd' &&
	       (comm[4] == 0 || comm[4] == '[');
}

static __always_inline void *read_ptr(const void *base, __u32 off)
{
	void *p = NULL;

	if (!base || bpf_probe_read_user(&p, sizeof(p), base + off))
		return NULL;
	return p;
}

/* Copies a user string; flags it truncated when it did not fit. */
static __always_inline void read_str(char *dst, __u32 size, const char *src, __u32 *flags,
				     __u32 trunc_flag)
{
	long n;
	char next = 0;

	dst[0] = 0;
	if (!src)
		return;
	n = bpf_probe_read_user_str(dst, size, src);
	if (n < 0) {
		count(SMBW_CNT_READ_ERR);
		dst[0] = 0;
		return;
	}
	if (n == size && !bpf_probe_read_user(&next, 1, src + size - 1) && next)
		*flags |= trunc_flag;
}

/* tsocket_address -> samba_sockaddr (lib/tsocket/tsocket_bsd.c, Samba 4.17) */
static __always_inline int read_tsocket_addr(struct smbw_addr *out, const void *tsa)
{
	const void *sa = read_ptr(tsa, auth_layout.tsa_private);
	__u16 family = 0, port = 0;

	if (!sa || bpf_probe_read_user(&family, sizeof(family), sa + auth_layout.sa_family))
		return -1;
	bpf_probe_read_user(&port, sizeof(port), sa + auth_layout.sa_port);
	out->family = family;
	out->port = bpf_ntohs(port);
	if (family == 2)
		bpf_probe_read_user(out->addr, 4, sa + auth_layout.sa_in4);
	else if (family == 10)
		bpf_probe_read_user(out->addr, 16, sa + auth_layout.sa_in6);
	else
		return -1;
	return 0;
}

/* void log_authentication_event(msg_ctx, lp_ctx, start_time,
 *	const struct auth_usersupplied_info *ui, NTSTATUS status, ...)  (auth/auth_log.c) */
SEC("uprobe")
int BPF_KPROBE(log_authentication_event, void *msg_ctx, void *lp_ctx, void *start_time,
	       const void *ui, __u32 status)
{
	struct smbw_auth_event *e;
	struct smbw_addr local = {};

	count(SMBW_CNT_HIT_AUTH);
	if (!ui || !is_smbd())
		return 0;
	idents_forget(0); /* a new session may reuse a freed one's memory */

	if (filter_local_port) {
		if (read_tsocket_addr(&local, read_ptr(ui, auth_layout.ui_local_host)) ||
		    local.port != filter_local_port)
			return 0;
	}

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(SMBW_CNT_DROPPED);
		return 0;
	}
	e->type = SMBW_EV_AUTH;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->status = status;
	e->ts_ns = bpf_ktime_get_ns();
	e->flags = 0;
	e->pad = 0;
	__builtin_memset(&e->remote, 0, sizeof(e->remote));
	__builtin_memset(&e->local, 0, sizeof(e->local));
	if (read_tsocket_addr(&e->remote, read_ptr(ui, auth_layout.ui_remote_host)))
		e->flags |= SMBW_F_NO_REMOTE;
	read_tsocket_addr(&e->local, read_ptr(ui, auth_layout.ui_local_host));
	read_str(e->account, sizeof(e->account), read_ptr(ui, auth_layout.ui_client_account),
		 &e->flags, SMBW_F_TRUNC_ACCOUNT);
	read_str(e->domain, sizeof(e->domain), read_ptr(ui, auth_layout.ui_client_domain),
		 &e->flags, SMBW_F_TRUNC_DOMAIN);
	read_str(e->workstation, sizeof(e->workstation),
		 read_ptr(ui, auth_layout.ui_workstation), &e->flags, SMBW_F_TRUNC_WORKSTATION);
	read_str(e->service, sizeof(e->service), read_ptr(ui, auth_layout.ui_service), &e->flags,
		 0);
	read_str(e->mapped_account, sizeof(e->mapped_account),
		 read_ptr(ui, auth_layout.ui_mapped_account), &e->flags, 0);
	e->flags |= SMBW_F_MAPPED;
	submit(e);
	return 0;
}

/* ---- SMB2 requests ---- */

struct smb2_req_view {
	const void *hdr, *body, *dyn, *tcon;
	__u64 dyn_len;
	__u64 mid;      /* the header's MessageId */
	__u32 hdr_flags;
	__u16 opcode;
	__u16 name_len; /* CREATE's NameLength, TREE_CONNECT's PathLength, QUERY_DIRECTORY's
			 * FileNameLength (0 for other opcodes) */
};

/* Where each reported request keeps the length of its name, in its fixed body. */
#define CREATE_NAME_LEN 0x2e
#define TCON_PATH_LEN 6
#define QDIR_NAME_LEN 26
/* The SMB2 header and enough of the body for every name length above, in one read. */
#define HDR_SPAN (64 + CREATE_NAME_LEN + 2)
/* smbd_smb2_request.in from .vector on: the pointer, vector_count, and (16 bytes on, in every
 * series) the inline _vector[1 + 4] that a request not in a compound points .vector at. */
#define VEC_SPAN (16 + 5 * 16)
/* A probe read costs about 0.13 us on a VM whatever its size up to a few hundred bytes, so
 * the view is built from as few as it can: tcon, current_idx and .vector with the inline
 * iovecs in one read (REQ_SPAN: they lie within 288 bytes in every series so far), the header
 * with the body. Where a guess does not hold (a compound request, a body apart from its
 * header, fields far apart in an unknown layout) it reads each one. */
#define REQ_SPAN 512

/* The buffer that one read of a request goes to (too big for the stack). A uprobe's program
 * runs with migration, not preemption, disabled: on a preemptible kernel another smbd's run of
 * it on this CPU could overwrite the buffer in between, so each run marks it with its thread,
 * and what it took from it counts only if the mark is still its own afterwards. */
struct req_span {
	__u64 owner; /* the task_struct of the run using it */
	__u64 w[REQ_SPAN / 8];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct req_span);
} req_spans SEC(".maps");

static __always_inline __u16 get16(const unsigned char *p)
{
	return (__u16)(p[0] | p[1] << 8);
}

static __always_inline __u32 get32(const unsigned char *p)
{
	return get16(p) | (__u32)get16(p + 2) << 16;
}

static __always_inline __u16 name_len_at(__u16 opcode)
{
	return opcode == SMBW_SMB2_CREATE	? CREATE_NAME_LEN
	       : opcode == SMBW_SMB2_TREE_CONNECT ? TCON_PATH_LEN
						  : QDIR_NAME_LEN;
}

/* req->tcon, req->current_idx, and req->in.vector[current_idx + 1..3]: SMB2 header, fixed
 * body, dynamic part; from the header its opcode, flags and MessageId, from the body the
 * length of the name it carries. 0, or -1 when something could not be read (1: bench_stop). */
static __always_inline int smb2_view(const void *req, struct smb2_req_view *v)
{
	const __u32 t = smb2_layout.req_tcon, c = smb2_layout.req_current_idx,
		    vo = smb2_layout.req_in_vector;
	__u64 buf[(VEC_SPAN > HDR_SPAN ? VEC_SPAN : HDR_SPAN) / 8 + 1] = {};
	const unsigned char *b = (const unsigned char *)buf;
	const struct iovec *vec = NULL;
	struct iovec iov[3];
	struct req_span *sp;
	bool taken = false; /* iov filled from what was read */
	__u64 me = 0;
	__u32 zero = 0;
	int idx = -1;

	/* one read from tcon to the inline iovecs, when current_idx lies between them and the
	 * whole fits the span (each offset then below half of it, the masks only say so) */
	sp = request_in_one_read && c >= t + 8 && vo >= c + 4 && !((vo - t) & 7) &&
			     vo - t < REQ_SPAN / 2 ?
		     bpf_map_lookup_elem(&req_spans, &zero) :
		     NULL;
	if (sp) {
		me = (__u64)bpf_get_current_task_btf();
		sp->owner = me;
		barrier();
	}
	if (sp && !bpf_probe_read_user(sp->w, (vo + VEC_SPAN - t) & (REQ_SPAN - 1), req + t)) {
		/* .vector, then (16 bytes on) the inline iovecs, as 8-byte words of the span */
		const __u32 w = ((vo - t) / 8) & (REQ_SPAN / 16 - 1);

		v->tcon = (const void *)sp->w[0];
		idx = (int)get32((const unsigned char *)sp->w + ((c - t) & (REQ_SPAN / 2 - 1)));
		vec = (const struct iovec *)sp->w[w];
		if ((const void *)vec == req + vo + 16 && (idx == 0 || idx == 1)) {
			/* inline iovec idx + 1 (the mask, a no-op, bounds it for the verifier) */
			const __u32 k = w + 4 + 2 * ((__u32)idx & 1);

			iov[0].iov_base = (void *)sp->w[k];
			iov[0].iov_len = sp->w[k + 1];
			iov[1].iov_base = (void *)sp->w[k + 2];
			iov[1].iov_len = sp->w[k + 3];
			iov[2].iov_base = (void *)sp->w[k + 4];
			iov[2].iov_len = sp->w[k + 5];
			taken = true;
		}
		barrier();
		if (sp->owner != me) { /* overwritten meanwhile: read field by field */
			taken = false;
			sp = NULL;
		}
	}
	if (!sp || idx < 0) { /* no span, its read failed (idx still -1), or it was overwritten */
		v->tcon = read_ptr(req, t);
		if (bpf_probe_read_user(&idx, sizeof(idx), req + c))
			return -1;
		if (bpf_probe_read_user(buf, VEC_SPAN, req + vo)) {
			vec = read_ptr(req, vo);
		} else {
			vec = (const struct iovec *)buf[0];
			if ((const void *)vec == req + vo + 16 && idx == 1) {
				__builtin_memcpy(iov, b + 16 + 2 * 16, sizeof(iov));
				taken = true;
			} else if ((const void *)vec == req + vo + 16 && idx == 0) {
				__builtin_memcpy(iov, b + 16 + 1 * 16, sizeof(iov));
				taken = true;
			}
		}
	}
	if (bench_stop == SMBW_STOP_REQUEST)
		return 1;
	if (idx < 0 || idx > 1024)
		return -1;
	if (!taken && (!vec || bpf_probe_read_user(iov, sizeof(iov), vec + idx + 1)))
		return -1;
	v->hdr = iov[0].iov_base;
	v->body = iov[1].iov_base;
	v->dyn = iov[2].iov_base;
	v->dyn_len = iov[2].iov_len;
	if (!v->hdr)
		return -1;
	if (v->body == v->hdr + 64 && !bpf_probe_read_user(buf, HDR_SPAN, v->hdr)) {
		v->opcode = get16(b + 12);
		if (v->opcode == SMBW_SMB2_CREATE)
			v->name_len = get16(b + 64 + CREATE_NAME_LEN);
		else if (v->opcode == SMBW_SMB2_TREE_CONNECT)
			v->name_len = get16(b + 64 + TCON_PATH_LEN);
		else if (v->opcode == SMBW_SMB2_QUERY_DIRECTORY)
			v->name_len = get16(b + 64 + QDIR_NAME_LEN);
		else
			v->name_len = 0;
	} else {
		if (bpf_probe_read_user(buf, 32, v->hdr))
			return -1;
		v->opcode = get16(b + 12);
		v->name_len = 0;
		if (v->opcode == SMBW_SMB2_CREATE || v->opcode == SMBW_SMB2_TREE_CONNECT ||
		    v->opcode == SMBW_SMB2_QUERY_DIRECTORY)
			bpf_probe_read_user(&v->name_len, 2, v->body + name_len_at(v->opcode));
	}
	v->hdr_flags = get32(b + 16);
	v->mid = buf[3];
	return 0;
}

static __always_inline void read_session_account(struct smbw_ident_event *e,
						 const void *session_info)
{
	const void *info = read_ptr(session_info, smb2_layout.si_info);

	read_str(e->account, sizeof(e->account), read_ptr(info, smb2_layout.info_account),
		 &e->flags, SMBW_F_TRUNC_ACCOUNT);
	read_str(e->domain, sizeof(e->domain), read_ptr(info, smb2_layout.info_domain), &e->flags,
		 SMBW_F_TRUNC_DOMAIN);
}

/* A request's connection: its addresses, the session's account and domain, the share. */
static __always_inline void read_req_identity(struct smbw_ident_event *e, const void *req,
					      const void *tcon)
{
	const void *xconn = read_ptr(req, smb2_layout.req_xconn);

	read_tsocket_addr(&e->local, read_ptr(xconn, smb2_layout.xconn_local));
	if (read_tsocket_addr(&e->remote, read_ptr(xconn, smb2_layout.xconn_remote)))
		e->flags |= SMBW_F_NO_REMOTE;
	if (tcon) {
		const void *global = read_ptr(tcon, smb2_layout.tcon_global);
		const void *conn = read_ptr(tcon, smb2_layout.tcon_compat);

		read_str(e->share, sizeof(e->share),
			 read_ptr(global, smb2_layout.tcon_global_share), &e->flags,
			 SMBW_F_TRUNC_SHARE);
		read_session_account(e, read_ptr(conn, smb2_layout.conn_session_info));
	} else {
		const void *session = read_ptr(req, smb2_layout.req_session);
		const void *global = read_ptr(session, smb2_layout.session_global);

		read_session_account(e, read_ptr(global, smb2_layout.session_global_auth));
	}
}

/* A new share connection (connection_struct): the same, from where a tree connect keeps it. */
static __always_inline void read_conn_identity(struct smbw_ident_event *e, const void *conn)
{
	const void *sconn = read_ptr(conn, smb2_layout.conn_sconn);
	const void *tcon = read_ptr(conn, smb2_layout.conn_tcon);

	read_tsocket_addr(&e->local, read_ptr(sconn, smb2_layout.sconn_local));
	if (read_tsocket_addr(&e->remote, read_ptr(sconn, smb2_layout.sconn_remote)))
		e->flags |= SMBW_F_NO_REMOTE;
	read_str(e->share, sizeof(e->share),
		 read_ptr(read_ptr(tcon, smb2_layout.tcon_global), smb2_layout.tcon_global_share),
		 &e->flags, SMBW_F_TRUNC_SHARE);
	read_session_account(e, read_ptr(conn, smb2_layout.conn_session_info));
}

/* Reads an identity (from req and tcon, or from conn when set) into a new event and sends it.
 * Returns its id; 0 when it is not on the port watched; -1 when the ring buffer is full. */
static __always_inline long long ident_send(const void *req, const void *tcon, const void *conn)
{
	struct smbw_ident_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	__u32 zero = 0;
	__u64 *last, id;

	if (!e) {
		count(SMBW_CNT_DROPPED);
		return -1;
	}
	e->type = SMBW_EV_IDENT;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->flags = 0;
	e->pad = 0;
	__builtin_memset(&e->remote, 0, sizeof(e->remote));
	__builtin_memset(&e->local, 0, sizeof(e->local));
	e->account[0] = 0;
	e->domain[0] = 0;
	e->share[0] = 0;
	if (conn)
		read_conn_identity(e, conn);
	else
		read_req_identity(e, req, tcon);
	last = bpf_map_lookup_elem(&ident_ids, &zero);
	if (!last || (filter_local_port && e->local.port != filter_local_port)) {
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
		return 0;
	}
	id = __sync_fetch_and_add(last, 1) + 1;
	e->id = id;
	submit(e);
	return (long long)id;
}

/* Keeps an identity's id in a slot of the process's (slot i, or the next one when i < 0). */
static __always_inline void ident_keep(struct proc_idents *p, int i, __u64 key, __u64 id,
				       __u64 now)
{
	struct ident_slot *s;

	if (i < 0)
		i = p->next++;
	s = &p->slot[i & (IDENT_SLOTS - 1)];
	s->key = key;
	s->id = id;
	s->sent_ns = now;
}

/* The id of the identity of a request on tcon (or outside any share when NULL): the process's
 * when it keeps a recent one, else read, sent and kept. 0: do not report the request (not on
 * the port watched, or its identity was lost to a full ring buffer). */
static __always_inline __u64 ident_of(const void *req, const void *tcon, __u64 now)
{
	struct proc_idents *p;
	long long id;
	__u64 key;
	int i, at = -1;

	if (tcon)
		key = (__u64)tcon;
	else
		key = (__u64)read_ptr(req, smb2_layout.req_session) | 1;
	p = bpf_task_storage_get(&proc_idents, current_process(), NULL,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (p) {
		for (i = 0; i < IDENT_SLOTS; i++) {
			if (p->slot[i].key != key)
				continue;
			if (now - p->slot[i].sent_ns < ident_refresh_ns)
				return p->slot[i].id;
			at = i;
			break;
		}
	}
	id = ident_send(req, tcon, NULL);
	if (id < 0)
		return 0;
	if (p)
		ident_keep(p, at, key, (__u64)id, now);
	return (__u64)id;
}

/* A new request event: the whole struct when full, else the short record (SMBW_SMALL_PATH). */
static __always_inline struct smbw_smb2_wire *smb2_event_new(__u32 status, __u16 opcode,
							     const bool full, __u64 ident,
							     __u64 now)
{
	struct smbw_smb2_wire *e;

	if (full)
		e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	else
		e = bpf_ringbuf_reserve(&events, SMBW_SMB2_SMALL_SIZE, 0);
	if (!e) {
		count(SMBW_CNT_DROPPED);
		return NULL;
	}
	e->type = SMBW_EV_SMB2;
	e->pid = bpf_get_current_task_btf()->tgid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->status = status;
	e->ts_ns = now;
	e->flags = 0;
	e->opcode = opcode;
	e->path_bytes = 0;
	e->path_wire = 0;
	e->pad = 0;
	e->mid = 0;
	e->ident = ident;
	if (full)
		e->dir[0] = 0;
	return e;
}

/* Copies a UTF-16LE name of len bytes from the request into cap bytes of path (cap a power
 * of two), bounded for the verifier. */
static __always_inline void read_wire_name(struct smbw_smb2_wire *e, const void *src, __u32 len,
					   __u64 avail, const __u32 cap)
{
	__u32 n = len;

	e->path_wire = len;
	if (n > avail)
		n = avail;
	if (n > cap - 2) {
		n = cap - 2;
		e->flags |= SMBW_F_TRUNC_PATH;
	}
	n &= cap - 2; /* even, and provably below the room reserved */
	if (n && src && !bpf_probe_read_user(e->path, n, src))
		e->path_bytes = n;
}

/* Fills an event from a request: the name it asked for (len bytes), and for a directory
 * search the directory. full: the whole struct was reserved (dir, SMBW_PATH_LEN of path). */
static __always_inline void smb2_fill(struct smbw_smb2_wire *e, const void *req,
				      const struct smb2_req_view *v, __u16 len, const bool full)
{
	e->mid = v->mid;
	if (v->hdr_flags & 0x10000000) /* SMB2_FLAGS_DFS_OPERATIONS */
		e->flags |= SMBW_F_DFS;
	read_wire_name(e, v->dyn, len, v->dyn_len, full ? SMBW_PATH_LEN : SMBW_SMALL_PATH);
	if (full && v->opcode == SMBW_SMB2_QUERY_DIRECTORY) {
		/* the directory searched: the handle's name */
		const void *fsp = read_ptr(req, smb2_layout.req_chain_fsp);
		const void *fname = read_ptr(fsp, smb2_layout.fsp_name);

		read_str(e->dir, sizeof(e->dir), read_ptr(fname, 0), &e->flags, SMBW_F_TRUNC_DIR);
	}
}

static __always_inline bool reported_opcode(__u16 op)
{
	return op == SMBW_SMB2_CREATE || op == SMBW_SMB2_TREE_CONNECT ||
	       op == SMBW_SMB2_QUERY_DIRECTORY;
}

/* Builds, fills and submits an event of one size. */
static __always_inline void emit_sized(const void *req, const struct smb2_req_view *v,
				       __u32 status, __u16 len, const bool full, __u64 ident,
				       __u64 now)
{
	struct smbw_smb2_wire *e = smb2_event_new(status, v->opcode, full, ident, now);

	if (!e)
		return;
	smb2_fill(e, req, v, len, full);
	if (bench_stop == SMBW_STOP_DISCARD)
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
	else
		submit(e);
}

/* An event for the request, after its identity: short unless the name is long or it is a
 * directory search. */
static __always_inline void emit_smb2(const void *req, const struct smb2_req_view *v, __u32 status)
{
	__u64 now = bpf_ktime_get_ns(), ident = ident_of(req, v->tcon, now);
	__u16 len = v->name_len;

	if (!ident || bench_stop == SMBW_STOP_IDENT)
		return;
	if (v->opcode == SMBW_SMB2_QUERY_DIRECTORY || len > SMBW_SMALL_PATH - 2)
		emit_sized(req, v, status, len, true, ident, now);
	else
		emit_sized(req, v, status, len, false, ident, now);
}

/* NTSTATUS smbd_smb2_request_error_ex(struct smbd_smb2_request *req, NTSTATUS status,
 *	DATA_BLOB *info, const char *location)  (source3/smbd/smb2_server.c) */
SEC("uprobe")
int BPF_KPROBE(smb2_request_error, const void *req, __u32 status)
{
	struct smb2_req_view v = {};
	int r;

	count(SMBW_CNT_HIT_SMB2_ERROR);
	/* Warnings such as STATUS_NO_MORE_FILES end every directory listing: not failures. */
	if ((status >> 30) != 3 || !req || !is_smbd() || bench_stop == SMBW_STOP_ENTRY)
		return 0;
	if ((r = smb2_view(req, &v))) {
		if (r < 0)
			count(SMBW_CNT_READ_ERR); /* never silent: the request could not be read */
		return 0;
	}
	if (!reported_opcode(v.opcode) || bench_stop == SMBW_STOP_VIEW)
		return 0;
	emit_smb2(req, &v, status);
	return 0;
}

/* NTSTATUS smbd_smb2_request_done_ex(req, NTSTATUS status, DATA_BLOB body, DATA_BLOB *dyn,
 *	const char *location): every SMB2 reply. Attached only for --count-success / --all. */
SEC("uprobe")
int BPF_KPROBE(smb2_request_done, const void *req, __u32 status)
{
	struct smb2_req_view v = {};
	__u32 pid;
	__u64 one = 1, *n;

	count(SMBW_CNT_HIT_SMB2_DONE);
	if (status != 0 || !req || !is_smbd())
		return 0;
	if (smb2_view(req, &v) || v.opcode != SMBW_SMB2_CREATE)
		return 0;
	if (count_success_opens) {
		pid = bpf_get_current_pid_tgid() >> 32;
		n = bpf_map_lookup_elem(&success_opens, &pid);
		if (n)
			__sync_fetch_and_add(n, 1);
		else
			bpf_map_update_elem(&success_opens, &pid, &one, BPF_NOEXIST);
	}
	if (emit_success_opens)
		emit_smb2(req, &v, 0);
	return 0;
}

/* connection_struct *make_connection_smb2(req, tcon, snum, pdev, NTSTATUS *status)
 * (source3/smbd/service.c): returns the new share connection only when the tree connect
 * succeeded. Its failures reach smbd_smb2_request_error_ex. */
SEC("uretprobe")
int BPF_KRETPROBE(tree_connect_done, const void *conn)
{
	__u64 now = bpf_ktime_get_ns();
	struct smbw_smb2_wire *e;
	struct proc_idents *p;
	const void *tcon;
	long long id;

	count(SMBW_CNT_HIT_TCON);
	if (!conn || !is_smbd())
		return 0;
	/* a new tcon may reuse a freed one's memory */
	p = idents_forget(BPF_LOCAL_STORAGE_GET_F_CREATE);
	id = ident_send(NULL, NULL, conn);
	if (id < 0)
		return 0;
	/* the share's failed requests to come find their identity kept */
	tcon = read_ptr(conn, smb2_layout.conn_tcon);
	if (p && tcon)
		ident_keep(p, -1, (__u64)tcon, (__u64)id, now);
	if (!id)
		return 0;
	e = smb2_event_new(0, SMBW_SMB2_TREE_CONNECT, false, (__u64)id, now);
	if (e)
		submit(e);
	return 0;
}
