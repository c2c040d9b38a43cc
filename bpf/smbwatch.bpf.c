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

/* Who a share connection belongs to, read once per (smbd process, tcon) instead of on every
 * failed request: the addresses, the session's account and domain, the share. An entry is
 * good while its epoch is its process's: every tree connect and every logon in that process
 * moves the epoch on, so a tcon pointer that smbd frees and reuses is read afresh. */
struct ident_key {
	__u32 pid;
	__u32 pad;
	__u64 tcon;
};

struct ident {
	__u32 epoch;
	__u32 flags; /* SMBW_F_TRUNC_ACCOUNT/DOMAIN/SHARE, SMBW_F_NO_REMOTE as first read */
	struct smbw_addr local;
	struct smbw_addr remote;
	char account[SMBW_NAME_LEN];
	char domain[SMBW_NAME_LEN];
	char share[SMBW_SHARE_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct ident_key);
	__type(value, struct ident);
} ident_cache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u32);
} pid_epoch SEC(".maps");

/* Room to build an ident: too big for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ident);
} ident_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SMBW_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &which);

	if (v)
		*v += 1;
}

static __always_inline __u32 epoch_of(__u32 pid)
{
	__u32 *e = bpf_map_lookup_elem(&pid_epoch, &pid);

	return e ? *e : 0;
}

/* A tree connect or a logon in this process: every cached identity of it is stale. */
static __always_inline void epoch_bump(void)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32, one = 1, *e;

	e = bpf_map_lookup_elem(&pid_epoch, &pid);
	if (e)
		__sync_fetch_and_add(e, 1);
	else
		bpf_map_update_elem(&pid_epoch, &pid, &one, BPF_ANY);
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
	char comm[16];

	bpf_get_current_comm(comm, sizeof(comm));
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
	epoch_bump(); /* a new session may reuse a freed one's memory */

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
 * the view is built from as few as it can: tcon and current_idx together, .vector with the
 * inline iovecs, the header with the body. Where a guess does not hold (a compound request, a
 * body apart from its header, fields far apart in an unknown layout) it reads each one. */
#define TCON_IDX_SPAN 32

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
 * length of the name it carries. */
static __always_inline int smb2_view(const void *req, struct smb2_req_view *v)
{
	const __u32 t = smb2_layout.req_tcon, c = smb2_layout.req_current_idx,
		    vo = smb2_layout.req_in_vector;
	__u64 buf[(VEC_SPAN > HDR_SPAN ? VEC_SPAN : HDR_SPAN) / 8 + 1] = {};
	const unsigned char *b = (const unsigned char *)buf;
	const struct iovec *vec;
	struct iovec iov[3];
	int idx = 0;

	if (c >= t && c + 4 - t <= TCON_IDX_SPAN) {
		if (bpf_probe_read_user(buf, (c + 4 - t) & (TCON_IDX_SPAN * 2 - 1), req + t))
			return -1;
		v->tcon = (const void *)buf[0];
		idx = (int)get32(b + ((c - t) & (TCON_IDX_SPAN - 1)));
	} else {
		v->tcon = read_ptr(req, t);
		if (bpf_probe_read_user(&idx, sizeof(idx), req + c))
			return -1;
	}
	if (idx < 0 || idx > 1024)
		return -1;
	if (bpf_probe_read_user(buf, VEC_SPAN, req + vo))
		vec = read_ptr(req, vo);
	else
		vec = (const struct iovec *)buf[0];
	if (!vec)
		return -1;
	if ((const void *)vec == req + vo + 16 && idx == 1)
		__builtin_memcpy(iov, b + 16 + 2 * 16, sizeof(iov));
	else if ((const void *)vec == req + vo + 16 && idx == 0)
		__builtin_memcpy(iov, b + 16 + 1 * 16, sizeof(iov));
	else if (bpf_probe_read_user(iov, sizeof(iov), vec + idx + 1))
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

static __always_inline void read_session_account(struct smbw_smb2_event *e,
						 const void *session_info)
{
	const void *info = read_ptr(session_info, smb2_layout.si_info);

	read_str(e->account, sizeof(e->account), read_ptr(info, smb2_layout.info_account),
		 &e->flags, SMBW_F_TRUNC_ACCOUNT);
	read_str(e->domain, sizeof(e->domain), read_ptr(info, smb2_layout.info_domain), &e->flags,
		 SMBW_F_TRUNC_DOMAIN);
}

/* A new event: the whole struct when full, else the short record (see SMBW_SMALL_PATH). */
static __always_inline struct smbw_smb2_event *smb2_event_new(__u32 status, __u16 opcode,
							      const bool full)
{
	struct smbw_smb2_event *e;

	if (full)
		e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	else
		e = bpf_ringbuf_reserve(&events, SMBW_SMB2_SMALL_SIZE, 0);
	if (!e) {
		count(SMBW_CNT_DROPPED);
		return NULL;
	}
	e->type = SMBW_EV_SMB2;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->status = status;
	e->ts_ns = bpf_ktime_get_ns();
	e->flags = 0;
	e->opcode = opcode;
	e->path_bytes = 0;
	e->path_wire = 0;
	e->pad = 0;
	e->mid = 0;
	__builtin_memset(&e->remote, 0, sizeof(e->remote));
	__builtin_memset(&e->local, 0, sizeof(e->local));
	e->account[0] = 0;
	e->domain[0] = 0;
	e->share[0] = 0;
	if (full)
		e->dir[0] = 0;
	return e;
}

/* Copies a UTF-16LE name of len bytes from the request into cap bytes of path (cap a power
 * of two), bounded for the verifier. */
static __always_inline void read_wire_name(struct smbw_smb2_event *e, const void *src, __u32 len,
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

/* The connection's addresses, the session's account and domain, the share: read from smbd. */
static __always_inline void read_identity(struct smbw_smb2_event *e, const void *req,
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

#define IDENT_FLAGS (SMBW_F_TRUNC_ACCOUNT | SMBW_F_TRUNC_DOMAIN | SMBW_F_TRUNC_SHARE | \
		     SMBW_F_NO_REMOTE)

/* The identity of a request on a share: from the cache when its process's epoch still
 * holds, else read from smbd and cached. Requests without a share are always read. */
static __always_inline void fill_identity(struct smbw_smb2_event *e, const void *req,
					  const void *tcon)
{
	struct ident_key key = { .pid = e->pid, .tcon = (__u64)tcon };
	__u32 epoch, zero = 0;
	struct ident *c, *n;

	if (!tcon) {
		read_identity(e, req, NULL);
		return;
	}
	epoch = epoch_of(e->pid);
	c = bpf_map_lookup_elem(&ident_cache, &key);
	if (c && c->epoch == epoch) {
		e->flags |= c->flags & IDENT_FLAGS;
		e->local = c->local;
		e->remote = c->remote;
		__builtin_memcpy(e->account, c->account, sizeof(e->account));
		__builtin_memcpy(e->domain, c->domain, sizeof(e->domain));
		__builtin_memcpy(e->share, c->share, sizeof(e->share));
		return;
	}
	read_identity(e, req, tcon);
	n = bpf_map_lookup_elem(&ident_scratch, &zero);
	if (!n)
		return;
	n->epoch = epoch;
	n->flags = e->flags & IDENT_FLAGS;
	n->local = e->local;
	n->remote = e->remote;
	__builtin_memcpy(n->account, e->account, sizeof(n->account));
	__builtin_memcpy(n->domain, e->domain, sizeof(n->domain));
	__builtin_memcpy(n->share, e->share, sizeof(n->share));
	bpf_map_update_elem(&ident_cache, &key, n, BPF_ANY);
}

/* Fills an event from a request: addresses, account, share, and the name it asked for (len
 * bytes). full: the whole struct was reserved (dir, and SMBW_PATH_LEN of path). */
static __always_inline bool smb2_fill(struct smbw_smb2_event *e, const void *req,
				      const struct smb2_req_view *v, __u16 len, const bool full)
{
	fill_identity(e, req, v->tcon);
	if (filter_local_port && e->local.port != filter_local_port)
		return false;
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
	return true;
}

static __always_inline bool reported_opcode(__u16 op)
{
	return op == SMBW_SMB2_CREATE || op == SMBW_SMB2_TREE_CONNECT ||
	       op == SMBW_SMB2_QUERY_DIRECTORY;
}

/* Builds, fills and submits an event of one size (discarded when the port filter says so). */
static __always_inline void emit_sized(const void *req, const struct smb2_req_view *v,
				       __u32 status, __u16 len, const bool full)
{
	struct smbw_smb2_event *e = smb2_event_new(status, v->opcode, full);

	if (!e)
		return;
	if (!smb2_fill(e, req, v, len, full)) {
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
		return;
	}
	submit(e);
}

/* An event for the request: short unless the name is long or it is a directory search. */
static __always_inline void emit_smb2(const void *req, const struct smb2_req_view *v, __u32 status)
{
	__u16 len = v->name_len;

	if (v->opcode == SMBW_SMB2_QUERY_DIRECTORY || len > SMBW_SMALL_PATH - 2)
		emit_sized(req, v, status, len, true);
	else
		emit_sized(req, v, status, len, false);
}

/* NTSTATUS smbd_smb2_request_error_ex(struct smbd_smb2_request *req, NTSTATUS status,
 *	DATA_BLOB *info, const char *location)  (source3/smbd/smb2_server.c) */
SEC("uprobe")
int BPF_KPROBE(smb2_request_error, const void *req, __u32 status)
{
	struct smb2_req_view v = {};

	count(SMBW_CNT_HIT_SMB2_ERROR);
	/* Warnings such as STATUS_NO_MORE_FILES end every directory listing: not failures. */
	if ((status >> 30) != 3 || !req || !is_smbd())
		return 0;
	if (smb2_view(req, &v)) {
		count(SMBW_CNT_READ_ERR); /* never silent: the request could not be read */
		return 0;
	}
	if (!reported_opcode(v.opcode))
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
	struct smbw_smb2_event *e;
	const void *sconn, *tcon;

	count(SMBW_CNT_HIT_TCON);
	if (!conn || !is_smbd())
		return 0;
	epoch_bump(); /* a new tcon may reuse a freed one's memory */
	e = smb2_event_new(0, SMBW_SMB2_TREE_CONNECT, false);
	if (!e)
		return 0;
	sconn = read_ptr(conn, smb2_layout.conn_sconn);
	read_tsocket_addr(&e->local, read_ptr(sconn, smb2_layout.sconn_local));
	if (filter_local_port && e->local.port != filter_local_port) {
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
		return 0;
	}
	if (read_tsocket_addr(&e->remote, read_ptr(sconn, smb2_layout.sconn_remote)))
		e->flags |= SMBW_F_NO_REMOTE;
	tcon = read_ptr(conn, smb2_layout.conn_tcon);
	read_str(e->share, sizeof(e->share),
		 read_ptr(read_ptr(tcon, smb2_layout.tcon_global), smb2_layout.tcon_global_share),
		 &e->flags, SMBW_F_TRUNC_SHARE);
	read_session_account(e, read_ptr(conn, smb2_layout.conn_session_info));
	submit(e);
	return 0;
}
