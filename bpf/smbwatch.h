/* SPDX-License-Identifier: GPL-2.0 */
/* smbwatch: records shared by the BPF programs and the userspace consumer.
 * Plain fixed-size types only: this header is compiled both by clang -target bpf and by gcc. */
#ifndef SMBWATCH_H
#define SMBWATCH_H

#define SMBW_NAME_LEN 128 /* account, domain, workstation: longer ones are marked truncated */
#define SMBW_SVC_LEN 16

enum smbw_event_type {
	SMBW_EV_AUTH = 1,
};

/* Per-event flags: which strings were cut to fit their buffer. */
enum smbw_flags {
	SMBW_F_TRUNC_ACCOUNT = 1 << 0,
	SMBW_F_TRUNC_DOMAIN = 1 << 1,
	SMBW_F_TRUNC_WORKSTATION = 1 << 2,
	SMBW_F_NO_REMOTE = 1 << 3, /* the remote address could not be read */
};

/* Counters kept in a per-CPU array, summed by userspace. */
enum smbw_counter {
	SMBW_CNT_HIT_AUTH = 0, /* uprobe hits on log_authentication_event (every process) */
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
 * library's symbol version (see user/samba_layout.c), and written into the BPF program's
 * read-only data before it is loaded. */
struct smbw_auth_layout {
	unsigned int ui_workstation;   /* auth_usersupplied_info.workstation_name */
	unsigned int ui_remote_host;   /* auth_usersupplied_info.remote_host */
	unsigned int ui_local_host;    /* auth_usersupplied_info.local_host */
	unsigned int ui_client_account;
	unsigned int ui_client_domain;
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
};

#endif /* SMBWATCH_H */
