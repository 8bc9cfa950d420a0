/*
 * fs/anon_files.h - files that live in no directory: eventfd, epoll and
 * AF_UNIX socket pairs. Each gets an inode of its own that no name links
 * (fstat shows Linux's anonymous-inode or socket mode); the descriptors
 * are installed by their system calls in kernel/syscalls/.
 */
#ifndef FS_ANON_FILES_H
#define FS_ANON_FILES_H

#include <stdint.h>

#include "vfs_internal.h"

/* anon_inode.c */
/*
 * An open file with ops, flags and priv on a new unlinked inode of mode
 * (S_IFSOCK | 0777 for sockets, 0600 for Linux's anon_inode files). NULL
 * on ENOMEM (priv then still belongs to the caller).
 */
struct file *anon_file_new(uint32_t mode, const struct file_ops *ops, unsigned flags, void *priv);

/* eventfd.c */
#define EFD_SEMAPHORE 1u
/* An eventfd counting from initval; flags: EFD_SEMAPHORE, O_NONBLOCK. 0 and *out, or -ENOMEM. */
int eventfd_create(uint32_t initval, unsigned flags, struct file **out);

/* epoll.c */
#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3

/* What epoll_wait returns, packed as on x86-64 Linux. */
struct epoll_event_user {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

/* A new empty epoll instance. 0 and *out, or -ENOMEM. */
int epoll_create(struct file **out);
/* True when f is an epoll instance. */
bool file_is_epoll(struct file *f);
/* epoll_ctl on instance ep for (target, fd) with ev (ignored by DEL). 0 or -errno. */
int epoll_control(struct file *ep, int op, int fd, struct file *target,
		  const struct epoll_event_user *ev);
/*
 * Write up to max ready events (struct epoll_event_user each) to out.
 * Returns how many (0: none ready now), or -EFAULT when not even the first
 * could be written; never sleeps.
 */
int epoll_collect(struct file *ep, struct iobuf *out, int max);

/* unix_socket.c */
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_SEQPACKET 5
#define MSG_PEEK 0x2
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

/* A connected pair of AF_UNIX sockets of type; flags: O_NONBLOCK. 0 and *a, *b, or -ENOMEM. */
int unix_socketpair(int type, unsigned flags, struct file **a, struct file **b);
/* True when f is one of those sockets. */
bool file_is_socket(struct file *f);
/* SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET of the socket f. */
int unix_socket_type(struct file *f);
/*
 * Send len bytes from b on socket f with MSG_* flags. Bytes sent or -errno
 * (-EPIPE also raises SIGPIPE unless MSG_NOSIGNAL).
 */
long unix_send(struct file *f, struct iobuf *b, uint64_t len, unsigned msg_flags);
/*
 * Receive up to len bytes into b with MSG_* flags. Bytes received (a
 * datagram's full length with MSG_TRUNC) or -errno; *truncated tells
 * whether a datagram was cut short (may be NULL).
 */
long unix_recv(struct file *f, struct iobuf *b, uint64_t len, unsigned msg_flags, bool *truncated);
/* shutdown(2) with SHUT_RD/SHUT_WR/SHUT_RDWR. 0, -EINVAL or -ENOTCONN. */
int unix_shutdown(struct file *f, int how);

#endif
