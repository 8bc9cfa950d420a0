/*
 * syscalls/sys_socket.c - socketpair and the calls that move data on the
 * pair (fs/unix_socket.c): sendto, recvfrom, sendmsg, recvmsg, shutdown,
 * and the options programs ask about (getsockopt). Only AF_UNIX pairs
 * exist: socket(2), bind and connect are not provided (ENOSYS). Ancillary
 * data (SCM_RIGHTS and friends) is not supported: sendmsg with a control
 * buffer fails with EINVAL, recvmsg returns none.
 */
#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "../fs/anon_files.h"
#include "sys_fs.h"

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define SOCK_RAW 3
#define SOCK_TYPE_MASK 0xf
#define SOL_SOCKET 1
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_ACCEPTCONN 30
#define SO_PROTOCOL 38
#define SO_DOMAIN 39
#define ENOPROTOOPT 92
#define UIO_MAXIOV 1024
#define SOCK_BUF_REPORTED 212992 /* what getsockopt says for SO_SNDBUF/SO_RCVBUF */

struct msghdr_user {
	uint64_t name;
	uint32_t namelen;
	uint32_t pad;
	uint64_t iov;
	uint64_t iovlen;
	uint64_t control;
	uint64_t controllen;
	int32_t flags;
};

struct iovec_user {
	uint64_t base, len;
};

/* The socket at fd (a reference): NULL with -EBADF or -ENOTSOCK in *err. */
static struct file *sock_get(int fd, long *err)
{
	struct file *f = fd_get(fd);
	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	if (!file_is_socket(f)) {
		file_put(f);
		*err = -ENOTSOCK;
		return NULL;
	}
	return f;
}

/* socketpair(domain, type, protocol, sv): Linux's checks, then two descriptors. */
SYSCALL_DEFINE(53, socketpair)
{
	int domain = (int)a0, type = (int)a1 & SOCK_TYPE_MASK;
	unsigned flags = (unsigned)a1 & ~(unsigned)SOCK_TYPE_MASK;
	struct file *s0, *s1;
	long err;
	if (flags & ~(unsigned)(O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	if (domain != AF_UNIX)
		return domain == AF_INET || domain == AF_INET6 ? -EOPNOTSUPP : -EAFNOSUPPORT;
	if (a2 != 0 && a2 != AF_UNIX)
		return -EPROTONOSUPPORT;
	if (type == SOCK_RAW)
		type = SOCK_DGRAM; /* as Linux's unix_create */
	if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET)
		return -ESOCKTNOSUPPORT;
	if (!access_ok(a3, 2 * sizeof(int)))
		return -EFAULT;
	err = unix_socketpair(type, flags, &s0, &s1);
	if (err)
		return err;
	return fd_install_pair(s0, s1, (int)flags, a3);
}

/* sendto(fd, buf, len, flags, addr, addrlen): the pair is connected, so an address is EISCONN. */
SYSCALL_DEFINE(44, sendto)
{
	struct iobuf b = {.user = true, .uaddr = a1};
	long err;
	struct file *f = sock_get((int)a0, &err);
	if (!f)
		return err;
	if (a4 && a5)
		err = -EISCONN;
	else
		err = unix_send(f, &b, a2 > RW_MAX ? RW_MAX : a2, (unsigned)a3);
	file_put(f);
	return err;
}

/* recvfrom(fd, buf, len, flags, addr, addrlen): the peer has no name, so *addrlen becomes 0. */
SYSCALL_DEFINE(45, recvfrom)
{
	struct iobuf b = {.user = true, .uaddr = a1};
	long n;
	struct file *f = sock_get((int)a0, &n);
	if (!f)
		return n;
	n = unix_recv(f, &b, a2 > RW_MAX ? RW_MAX : a2, (unsigned)a3, NULL);
	file_put(f);
	if (n >= 0 && a4 && a5 && put_user_u32(a5, 0))
		return -EFAULT;
	return n;
}

/*
 * The iovec array of a msghdr in a new kernel buffer; *total becomes its
 * byte count, cut (with the lengths) at RW_MAX as Linux caps one transfer.
 * NULL with *err on failure.
 */
static struct iovec_user *iov_get(const struct msghdr_user *m, uint64_t *total, long *err)
{
	struct iovec_user *iov;
	*total = 0;
	if (m->iovlen > UIO_MAXIOV) {
		*err = -EMSGSIZE;
		return NULL;
	}
	iov = kmalloc(m->iovlen * sizeof(*iov) + 1);
	if (!iov) {
		*err = -ENOMEM;
		return NULL;
	}
	if (copy_from_user(iov, m->iov, m->iovlen * sizeof(*iov))) {
		kfree(iov);
		*err = -EFAULT;
		return NULL;
	}
	for (uint64_t i = 0; i < m->iovlen; i++) {
		if ((int64_t)iov[i].len < 0) {
			kfree(iov);
			*err = -EINVAL;
			return NULL;
		}
		if (iov[i].len > RW_MAX - *total)
			iov[i].len = RW_MAX - *total;
		*total += iov[i].len;
	}
	return iov;
}

/* Gather the iovecs into one kernel buffer (a datagram travels whole). NULL with *err. */
static char *iov_gather(const struct iovec_user *iov, uint64_t cnt, uint64_t total, long *err)
{
	char *buf = kmalloc(total + 1);
	uint64_t off = 0;
	if (!buf) {
		*err = -ENOMEM;
		return NULL;
	}
	for (uint64_t i = 0; i < cnt; i++) {
		if (copy_from_user(buf + off, iov[i].base, iov[i].len)) {
			kfree(buf);
			*err = -EFAULT;
			return NULL;
		}
		off += iov[i].len;
	}
	return buf;
}

/* Scatter n bytes of buf over the iovecs. 0 or -EFAULT. */
static long iov_scatter(const struct iovec_user *iov, uint64_t cnt, const char *buf, uint64_t n)
{
	uint64_t off = 0;
	for (uint64_t i = 0; i < cnt && off < n; i++) {
		uint64_t k = iov[i].len < n - off ? iov[i].len : n - off;
		if (copy_to_user(iov[i].base, buf + off, k))
			return -EFAULT;
		off += k;
	}
	return 0;
}

/*
 * One transfer per iovec segment on a stream: the first may block, the
 * next ones stop the call early instead (as a short read or write), and
 * an error after some bytes moved reports the bytes.
 */
static long stream_iov(struct file *f, const struct iovec_user *iov, uint64_t cnt,
		       unsigned flags, bool send)
{
	long done = 0, n = 0;
	for (uint64_t i = 0; i < cnt; i++) {
		struct iobuf b = {.user = true, .uaddr = iov[i].base};
		unsigned fl = flags | (done && !(flags & MSG_WAITALL) ? MSG_DONTWAIT : 0);
		if (!iov[i].len)
			continue;
		n = send ? unix_send(f, &b, iov[i].len, fl) : unix_recv(f, &b, iov[i].len, fl, NULL);
		if (n < 0)
			return done ? done : n;
		done += n;
		if ((uint64_t)n < iov[i].len)
			break;
	}
	return done;
}

/* Send the iovecs: a stream segment by segment, a datagram from one gathered copy. */
static long sendmsg_iov(struct file *f, const struct iovec_user *iov, uint64_t cnt, uint64_t total,
			unsigned flags)
{
	struct iobuf kb = {.user = false};
	long n;
	if (unix_socket_type(f) == SOCK_STREAM)
		return stream_iov(f, iov, cnt, flags, true);
	if (total > SOCK_BUF_REPORTED) /* no datagram is that long: EMSGSIZE without copying */
		return unix_send(f, &kb, total, flags);
	kb.kbuf = iov_gather(iov, cnt, total, &n);
	if (!kb.kbuf)
		return n;
	n = unix_send(f, &kb, total, flags);
	kfree(kb.kbuf);
	return n;
}

/* Receive one datagram into the iovecs; *truncated when it was longer than they hold. */
static long recvmsg_iov(struct file *f, const struct iovec_user *iov, uint64_t cnt, uint64_t total,
			unsigned flags, bool *truncated)
{
	struct iobuf kb = {.user = false};
	long n;
	*truncated = false;
	if (unix_socket_type(f) == SOCK_STREAM)
		return stream_iov(f, iov, cnt, flags, false);
	kb.kbuf = kmalloc(total + 1);
	if (!kb.kbuf)
		return -ENOMEM;
	n = unix_recv(f, &kb, total, flags, truncated); /* MSG_TRUNC: n is the full length */
	if (n > 0 && iov_scatter(iov, cnt, kb.kbuf, (uint64_t)n < total ? (uint64_t)n : total))
		n = -EFAULT;
	kfree(kb.kbuf);
	return n;
}

SYSCALL_DEFINE(46, sendmsg)
{
	struct msghdr_user m;
	struct iovec_user *iov;
	uint64_t total;
	long err;
	struct file *f = sock_get((int)a0, &err);
	if (!f)
		return err;
	if (copy_from_user(&m, a1, sizeof(m)))
		err = -EFAULT;
	else if (m.controllen)
		err = -EINVAL;
	else if (m.name && m.namelen)
		err = -EISCONN;
	else if ((iov = iov_get(&m, &total, &err))) {
		err = sendmsg_iov(f, iov, m.iovlen, total, (unsigned)a2);
		kfree(iov);
	}
	file_put(f);
	return err;
}

/* recvmsg: the data, no address (the peer is unnamed), no control data, MSG_TRUNC in msg_flags. */
SYSCALL_DEFINE(47, recvmsg)
{
	struct msghdr_user m;
	struct iovec_user *iov;
	uint64_t total;
	bool truncated = false;
	long n;
	struct file *f = sock_get((int)a0, &n);
	if (!f)
		return n;
	if (copy_from_user(&m, a1, sizeof(m)))
		n = -EFAULT;
	else if ((iov = iov_get(&m, &total, &n))) {
		n = recvmsg_iov(f, iov, m.iovlen, total, (unsigned)a2, &truncated);
		kfree(iov);
	}
	file_put(f);
	if (n < 0)
		return n;
	m.namelen = 0;
	m.controllen = 0;
	m.flags = truncated ? MSG_TRUNC : 0;
	if (copy_to_user(a1, &m, sizeof(m)))
		return -EFAULT;
	return n;
}

SYSCALL_DEFINE(48, shutdown)
{
	long err;
	struct file *f = sock_get((int)a0, &err);
	if (!f)
		return err;
	err = unix_shutdown(f, (int)a1);
	file_put(f);
	return err;
}

/* The value getsockopt reports for SOL_SOCKET option name, or -ENOPROTOOPT. */
static long sockopt_value(struct file *f, int name, int *val)
{
	switch (name) {
	case SO_TYPE:
		*val = unix_socket_type(f);
		return 0;
	case SO_ERROR:
	case SO_ACCEPTCONN:
	case SO_PROTOCOL:
		*val = 0;
		return 0;
	case SO_DOMAIN:
		*val = AF_UNIX;
		return 0;
	case SO_SNDBUF:
	case SO_RCVBUF:
		*val = SOCK_BUF_REPORTED;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

/* getsockopt(fd, level, name, val, len): the SOL_SOCKET options above, as ints. */
SYSCALL_DEFINE(55, getsockopt)
{
	uint32_t len;
	int val = 0;
	long err;
	struct file *f = sock_get((int)a0, &err);
	if (!f)
		return err;
	err = (int)a1 == SOL_SOCKET ? sockopt_value(f, (int)a2, &val) : -EOPNOTSUPP;
	file_put(f);
	if (err)
		return err;
	if (get_user_u32(&len, a4))
		return -EFAULT;
	if ((int32_t)len < 0)
		return -EINVAL;
	if (len > sizeof(val))
		len = sizeof(val);
	if (copy_to_user(a3, &val, len) || put_user_u32(a4, len))
		return -EFAULT;
	return 0;
}
