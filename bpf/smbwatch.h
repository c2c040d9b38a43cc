/* SPDX-License-Identifier: GPL-2.0 */
/* smbwatch: records shared by the BPF programs and the userspace consumer.
 * Plain fixed-size types only: this header is compiled both by clang -target bpf and by gcc. */
#ifndef SMBWATCH_H
#define SMBWATCH_H

#define SMBW_NAME_LEN 128 /* account, domain, workstation: longer ones are marked truncated */
#define SMBW_SVC_LEN 16
#define SMBW_SHARE_LEN 128
#define SMBW_PATH_LEN 4096 /* raw UTF-16LE bytes of a path from the SMB2 request */
#define SMBW_DIR_LEN 1024  /* directory of a failed search, UTF-8, from smbd's open handle */

enum smbw_event_type {
	SMBW_EV_AUTH = 1,
	SMBW_EV_SMB2 = 2, /* an SMB2 CREATE, TREE_CONNECT or QUERY_DIRECTORY: see opcode */
	SMBW_EV_IDENT = 3, /* who the SMB2 events that name its id come from */
};

/* SMB2 opcodes ([MS-SMB2] 2.2.1) that smbwatch reports. */
enum smbw_smb2_opcode {
	SMBW_SMB2_TREE_CONNECT = 0x03,
	SMBW_SMB2_CREATE = 0x05,
	SMBW_SMB2_QUERY_DIRECTORY = 0x0e,
};

/* Per-event flags: which strings were cut to fit their buffer. */
enum smbw_flags {
	SMBW_F_TRUNC_ACCOUNT = 1 << 0,
	SMBW_F_TRUNC_DOMAIN = 1 << 1,
	SMBW_F_TRUNC_WORKSTATION = 1 << 2,
	SMBW_F_NO_REMOTE = 1 << 3, /* the remote address could not be read */
	SMBW_F_TRUNC_PATH = 1 << 4,
	SMBW_F_TRUNC_SHARE = 1 << 5,
	SMBW_F_TRUNC_DIR = 1 << 6,
	SMBW_F_DFS = 1 << 7, /* the request had SMB2_FLAGS_DFS_OPERATIONS: path starts server\share */
	SMBW_F_MAPPED = 1 << 8, /* auth: mapped_account holds the name after username map */
};

/* Where the failed-request program stops for tools/bench-bpf-parts (bench_stop; 0: nowhere):
 * after its entry checks, the request's first read, the header's, the identity's lookup; or
 * (DISCARD) it does all its work and discards the event it filled, so that the consumer gets
 * nothing to do (tools/bench: what the consumer's share of the cost is). */
enum smbw_bench_stop {
	SMBW_STOP_ENTRY = 1,
	SMBW_STOP_REQUEST,
	SMBW_STOP_VIEW,
	SMBW_STOP_IDENT,
	SMBW_STOP_DISCARD,
};

/* Counters kept in a per-CPU array, summed by userspace. */
enum smbw_counter {
	SMBW_CNT_HIT_AUTH = 0, /* uprobe hits on log_authentication_event (every process) */
	SMBW_CNT_HIT_SMB2_ERROR, /* hits on smbd_smb2_request_error_ex: failed SMB2 requests */
	SMBW_CNT_HIT_SMB2_DONE,  /* hits on smbd_smb2_request_done_ex (only --count-success/--all) */
	SMBW_CNT_HIT_TCON,       /* uretprobe hits on make_connection_smb2: tree connects */
	SMBW_CNT_EVENTS,       /* events submitted to the ring buffer */
	SMBW_CNT_DROPPED,      /* events lost: the ring buffer was full */
	SMBW_CNT_READ_ERR,     /* user-memory reads that failed (fields left empty) */
	SMBW_CNT_MAX,
};

struct smbw_addr {
	unsigned short family; /* AF_INET (2), AF_INET6 (10), or 0 when unknown */
	unsigned short port;   /* host byte order */
	unsigned char addr[16];
};

/* Byte offsets into Samba's structures, chosen by userspace from a table keyed on the Samba
 * library's symbol version (see user/samba/layout.c), and written into the BPF program's
 * read-only data before it is loaded. */
struct smbw_auth_layout {
	unsigned int ui_workstation;   /* auth_usersupplied_info.workstation_name */
	unsigned int ui_remote_host;   /* auth_usersupplied_info.remote_host */
	unsigned int ui_local_host;    /* auth_usersupplied_info.local_host */
	unsigned int ui_client_account;
	unsigned int ui_client_domain;
	unsigned int ui_mapped_account; /* auth_usersupplied_info.mapped.account_name */
	unsigned int ui_service;       /* auth_usersupplied_info.service_description */
	unsigned int tsa_private;      /* tsocket_address.private_data */
	unsigned int sa_family;        /* samba_sockaddr: sa_family */
	unsigned int sa_port;          /* samba_sockaddr: sin_port / sin6_port (network order) */
	unsigned int sa_in4;           /* samba_sockaddr: sin_addr */
	unsigned int sa_in6;           /* samba_sockaddr: sin6_addr */
};

struct smbw_auth_event {
	unsigned int type; /* SMBW_EV_AUTH */
	unsigned int pid;  /* smbd process (tgid) */
	unsigned int uid;
	unsigned int status; /* NTSTATUS */
	unsigned long long ts_ns; /* CLOCK_MONOTONIC */
	unsigned int flags;
	unsigned int pad;
	struct smbw_addr remote;
	struct smbw_addr local;
	char account[SMBW_NAME_LEN]; /* as the client sent it */
	char domain[SMBW_NAME_LEN];  /* as the client sent it */
	char workstation[SMBW_NAME_LEN];
	char service[SMBW_SVC_LEN]; /* "SMB2", "SMB", ... */
	char mapped_account[SMBW_NAME_LEN]; /* after username map, e.g. the Unix user */
};

/* Offsets into smbd's SMB2 request state (Samba 4.17: source3/smbd/globals.h, vfs.h and
 * librpc/idl/smbXsrv.idl); see user/samba/layout.c. */
struct smbw_smb2_layout {
	unsigned int req_xconn;         /* smbd_smb2_request.xconn */
	unsigned int req_session;       /* smbd_smb2_request.session */
	unsigned int req_tcon;          /* smbd_smb2_request.tcon */
	unsigned int req_current_idx;   /* smbd_smb2_request.current_idx */
	unsigned int req_chain_fsp;     /* smbd_smb2_request.compat_chain_fsp */
	unsigned int req_in_vector;     /* smbd_smb2_request.in.vector */
	unsigned int xconn_local;       /* smbXsrv_connection.local_address */
	unsigned int xconn_remote;      /* smbXsrv_connection.remote_address */
	unsigned int tcon_global;       /* smbXsrv_tcon.global */
	unsigned int tcon_compat;       /* smbXsrv_tcon.compat (connection_struct) */
	unsigned int tcon_global_share; /* smbXsrv_tcon_global0.share_name */
	unsigned int session_global;    /* smbXsrv_session.global */
	unsigned int session_global_auth; /* smbXsrv_session_global0.auth_session_info */
	unsigned int conn_sconn;        /* connection_struct.sconn */
	unsigned int conn_tcon;         /* connection_struct.tcon */
	unsigned int conn_session_info; /* connection_struct.session_info */
	unsigned int sconn_local;       /* smbd_server_connection.local_address */
	unsigned int sconn_remote;      /* smbd_server_connection.remote_address */
	unsigned int si_info;           /* auth_session_info.info */
	unsigned int info_account;      /* auth_user_info.account_name */
	unsigned int info_domain;       /* auth_user_info.domain_name */
	unsigned int fsp_name;          /* files_struct.fsp_name (smb_filename, base_name first) */
};

/* Who a share connection belongs to: its addresses, the session's account and domain, the
 * share. The BPF side reads it from smbd once per (smbd process, tree connect or session) and
 * sends it as its own event before the first request that needs it; requests then carry only
 * its id. Ids are unique for a run and never reused; an identity is sent again (a new id) at
 * least every SMBW_IDENT_REFRESH_S seconds, so a consumer needs to keep only recent ones. */
#define SMBW_IDENT_REFRESH_S 60
struct smbw_ident_event {
	unsigned int type; /* SMBW_EV_IDENT */
	unsigned int pid;
	unsigned long long id;
	unsigned int flags; /* SMBW_F_TRUNC_ACCOUNT/DOMAIN/SHARE, SMBW_F_NO_REMOTE */
	unsigned int pad;
	struct smbw_addr remote;
	struct smbw_addr local;
	char account[SMBW_NAME_LEN]; /* the session's account, from smbd's state */
	char domain[SMBW_NAME_LEN];
	char share[SMBW_SHARE_LEN]; /* empty for a request outside any share */
};

/* The fields an SMB2 request has both as it is sent and once joined with its identity: one
 * list for the two structs below, so that the join copies them as one block. */
#define SMBW_SMB2_HEAD                                                                     \
	unsigned int type; /* SMBW_EV_SMB2 */                                              \
	unsigned int pid;                                                                  \
	unsigned int uid;                                                                  \
	unsigned int status;                                                               \
	unsigned long long ts_ns;                                                          \
	unsigned int flags;                                                                \
	unsigned short opcode;                                                             \
	unsigned short path_bytes; /* bytes of path[] that hold the name */                \
	unsigned int path_wire;    /* the name's length on the wire, in bytes */           \
	unsigned int pad;                                                                  \
	unsigned long long mid /* SMB2 MessageId */

/* One SMB2 request as the BPF side sends it: a failed CREATE / TREE_CONNECT /
 * QUERY_DIRECTORY, a successful tree connect, or (with --all) a successful CREATE. */
struct smbw_smb2_wire {
	SMBW_SMB2_HEAD;
	unsigned long long ident;   /* smbw_ident_event.id of the connection it came on */
	unsigned char path[SMBW_PATH_LEN]; /* UTF-16LE as the client sent it */
	char dir[SMBW_DIR_LEN];       /* QUERY_DIRECTORY: the directory searched */
};

/* Most requests are sent short: the fields up to path, and SMBW_SMALL_PATH bytes of it (a name
 * of up to 255 UTF-16 units), no dir. A longer name, and every QUERY_DIRECTORY, comes in the
 * whole struct. The ring buffer's cost grows with the record (about 0.5 us more for the whole
 * one on a VM), and a short one fills it nine times slower. */
#define SMBW_SMALL_PATH 512
#define SMBW_SMB2_SMALL_SIZE (__builtin_offsetof(struct smbw_smb2_wire, path) + SMBW_SMALL_PATH)

/* A request joined with its identity: what the consumer decodes (user/decode/smb2_record.c). */
struct smbw_smb2_event {
	SMBW_SMB2_HEAD;
	struct smbw_addr remote;
	struct smbw_addr local;
	char account[SMBW_NAME_LEN]; /* the session's account, from smbd's state */
	char domain[SMBW_NAME_LEN];
	char share[SMBW_SHARE_LEN];
	unsigned char path[SMBW_PATH_LEN]; /* UTF-16LE as the client sent it */
	char dir[SMBW_DIR_LEN];       /* QUERY_DIRECTORY: the directory searched */
};

#endif /* SMBWATCH_H */
