/*
 * fs/unix_socket.c - connected pairs of AF_UNIX sockets (socketpair(2)):
 * SOCK_STREAM (a byte stream each way), SOCK_DGRAM (datagrams, boundaries
 * kept) and SOCK_SEQPACKET (datagrams with a stream's end-of-file).
 *
 * Each end owns its receive queue: a 64 KiB ring for streams, a list of
 * messages for the others (at most SOCK_BUF bytes queued, Linux's default
 * buffer size). A sender waits for room in its peer's queue, a receiver
 * for data in its own; both sleep on the receiving end's wait queue and
 * every change wakes it and the pollers.
 *
 * Shutdown follows Linux: on the connection-oriented types SHUT_WR ends
 * the peer's reading (it sees end-of-file once the queue is drained) and
 * SHUT_RD the peer's writing; closing an end shuts the other down both
 * ways. Writing into a shut connection fails with EPIPE and raises
 * SIGPIPE unless MSG_NOSIGNAL. A datagram sent after the peer closed
 * fails with ECONNREFUSED once, then ENOTCONN.
 */
#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/signal.h"
#include "kernel/task.h"
#include "kernel/wait.h"
#include "anon_files.h"

#define SOCK_BUF 212992u    /* Linux's default socket buffer (net.core.wmem_default) */
#define STREAM_RING 65536u  /* bytes a stream end queues */
#define DGRAM_MAX (SOCK_BUF - 32) /* a longer datagram is EMSGSIZE, as on Linux */
#define POLLRDHUP 0x2000u
#define POLLWRBAND 0x200u
#define FIONREAD 0x541b

struct sock_msg {
	struct sock_msg *next;
	uint64_t len;
	char data[];
};

struct unix_end {
	struct unix_pair *pair;
	struct unix_end *peer;
	bool open;              /* its file is not released yet */
	bool rd_shut, wr_shut;  /* Linux's RCV_SHUTDOWN, SEND_SHUTDOWN */
	bool disconnected;      /* datagram: told once that the peer is gone */
	/* receive queue */
	char *ring;             /* streams: allocated on the first write */
	uint32_t head, count;
	struct sock_msg *first, *last;
	uint64_t queued;        /* datagram bytes queued */
	struct waitq wq;
};

struct unix_pair {
	int type;
	struct unix_end end[2];
};

static const struct file_ops unix_sock_ops;

bool file_is_socket(struct file *f)
{
	return f->ops == &unix_sock_ops;
}

static struct unix_end *end_of(struct file *f)
{
	return f->priv;
}

static struct unix_pair *pair_of(struct file *f)
{
	return end_of(f)->pair;
}

int unix_socket_type(struct file *f)
{
	return pair_of(f)->type;
}

static bool type_is_stream(int type)
{
	return type == SOCK_STREAM;
}

static bool type_is_connected(int type)
{
	return type != SOCK_DGRAM;
}

static void end_wake(struct unix_end *e)
{
	waitq_wake_all(&e->wq);
	vfs_poll_wake();
}

static bool end_has_data(const struct unix_end *e)
{
	return e->count || e->first;
}

/* ---- receiving ---- */

static bool recv_can_go(void *arg)
{
	struct unix_end *e = arg;
	return end_has_data(e) || e->rd_shut;
}

/*
 * Wait until e has data or is shut for reading. 0 (go on and look),
 * -EAGAIN (non-blocking), or -ERESTARTSYS.
 */
static int recv_wait(struct unix_end *e, bool nonblock)
{
	if (recv_can_go(e))
		return 0;
	if (nonblock)
		return -EAGAIN;
	return waitq_wait(&e->wq, recv_can_go, e);
}

/* Copy up to len queued stream bytes to b at off (consumed unless peek). Bytes or -EFAULT. */
static long stream_copy_out(struct unix_end *e, struct iobuf *b, uint64_t off, uint64_t len,
			    bool peek)
{
	uint32_t head = e->head, count = e->count;
	uint64_t done = 0;
	while (done < len && count) {
		uint32_t n = STREAM_RING - head < count ? STREAM_RING - head : count;
		if (n > len - done)
			n = (uint32_t)(len - done);
		if (iobuf_put(b, off + done, e->ring + head, n))
			return done ? (long)done : -EFAULT;
		head = (head + n) % STREAM_RING;
		count -= n;
		done += n;
	}
	if (!peek) {
		e->head = head;
		e->count = count;
	}
	return (long)done;
}

static long stream_recv(struct unix_end *e, struct iobuf *b, uint64_t len, unsigned flags,
			bool nonblock)
{
	uint64_t done = 0;
	bool waitall = (flags & MSG_WAITALL) && !(flags & MSG_PEEK);
	while (done < len) {
		long n;
		int err = recv_wait(e, nonblock);
		if (err)
			return done ? (long)done : err;
		if (!e->count)
			break; /* shut for reading: end of file */
		n = stream_copy_out(e, b, done, len - done, flags & MSG_PEEK);
		if (n < 0)
			return done ? (long)done : n;
		done += (uint64_t)n;
		if (!(flags & MSG_PEEK))
			end_wake(e); /* room for a sender waiting on this queue */
		if (!waitall)
			break;
	}
	return (long)done;
}

static long msg_recv(struct unix_end *e, struct iobuf *b, uint64_t len, unsigned flags,
		     bool nonblock, bool *truncated)
{
	struct sock_msg *m;
	uint64_t n, full;
	int err = recv_wait(e, nonblock);
	if (err)
		return err;
	m = e->first;
	if (!m)
		return 0; /* shut for reading */
	full = m->len;
	n = full < len ? full : len;
	if (n && iobuf_put(b, 0, m->data, n))
		return -EFAULT;
	if (truncated)
		*truncated = m->len > len;
	if (!(flags & MSG_PEEK)) {
		e->first = m->next;
		if (!e->first)
			e->last = NULL;
		e->queued -= m->len;
		kfree(m);
		end_wake(e); /* room for the sender */
	}
	return (long)((flags & MSG_TRUNC) ? full : n);
}

long unix_recv(struct file *f, struct iobuf *b, uint64_t len, unsigned msg_flags, bool *truncated)
{
	struct unix_end *e = end_of(f);
	bool nonblock = (f->flags & O_NONBLOCK) || (msg_flags & MSG_DONTWAIT);
	if (truncated)
		*truncated = false;
	if (type_is_stream(pair_of(f)->type)) {
		if (!len)
			return 0;
		return stream_recv(e, b, len, msg_flags, nonblock);
	}
	return msg_recv(e, b, len, msg_flags, nonblock, truncated);
}

/* ---- sending ---- */

struct send_room {
	struct unix_end *to;
	uint64_t need;
};

/*
 * Room for need more bytes in the receiving end's queue (a datagram always
 * fits an empty queue), or a state change that ends the wait.
 */
static bool send_can_go(void *arg)
{
	struct send_room *r = arg;
	struct unix_end *to = r->to;
	if (!to->open || to->rd_shut || to->peer->wr_shut)
		return true;
	if (type_is_stream(to->pair->type))
		return to->count < STREAM_RING;
	return !to->first || to->queued + r->need <= SOCK_BUF;
}

/* The error a send meets before any byte moves, or 0. EPIPE raises SIGPIPE unless asked not to. */
static long send_refused(struct unix_pair *p, struct unix_end *e, unsigned flags)
{
	struct unix_end *to = e->peer;
	long err = 0;
	if (e->wr_shut || (type_is_connected(p->type) && (!to->open || to->rd_shut)))
		err = -EPIPE;
	else if (!to->open)
		err = e->disconnected ? -ENOTCONN : -ECONNREFUSED;
	else if (to->rd_shut)
		err = -EPIPE;
	if (err == -ECONNREFUSED)
		e->disconnected = true;
	if (err == -EPIPE && type_is_connected(p->type) && !(flags & MSG_NOSIGNAL))
		signal_send(current_task(), SIGPIPE);
	return err;
}

static long stream_send(struct unix_pair *p, struct unix_end *e, struct iobuf *b, uint64_t len,
			unsigned flags, bool nonblock)
{
	struct unix_end *to = e->peer;
	uint64_t done = 0;
	if (!to->ring) {
		to->ring = kmalloc(STREAM_RING);
		if (!to->ring)
			return -ENOMEM;
	}
	while (done < len) {
		struct send_room room = {to, 1};
		long n = send_refused(p, e, flags);
		if (n)
			return done ? (long)done : n;
		if (to->count == STREAM_RING) {
			int err;
			if (nonblock)
				return done ? (long)done : -EAGAIN;
			err = waitq_wait(&to->wq, send_can_go, &room);
			if (err)
				return done ? (long)done : err;
			continue;
		}
		n = byte_ring_fill(to->ring, STREAM_RING, to->head, &to->count, b, done, len - done);
		if (n < 0)
			return done ? (long)done : n;
		done += (uint64_t)n;
		end_wake(to);
	}
	return (long)done;
}

static long msg_send(struct unix_pair *p, struct unix_end *e, struct iobuf *b, uint64_t len,
		     unsigned flags, bool nonblock)
{
	struct unix_end *to = e->peer;
	struct send_room room = {to, len};
	struct sock_msg *m;
	long err;
	if (len > DGRAM_MAX)
		return -EMSGSIZE;
	m = kmalloc(sizeof(*m) + len + 1);
	if (!m)
		return -ENOMEM;
	m->len = len;
	if (len && iobuf_get(b, 0, m->data, len)) {
		kfree(m);
		return -EFAULT;
	}
	for (;;) {
		err = send_refused(p, e, flags);
		if (err || to->queued + len <= SOCK_BUF || !to->first)
			break;
		err = nonblock ? -EAGAIN : waitq_wait(&to->wq, send_can_go, &room);
		if (err)
			break;
	}
	if (err) {
		kfree(m);
		return err;
	}
	if (to->last)
		to->last->next = m;
	else
		to->first = m;
	to->last = m;
	to->queued += len;
	end_wake(to);
	return (long)len;
}

long unix_send(struct file *f, struct iobuf *b, uint64_t len, unsigned msg_flags)
{
	struct unix_pair *p = pair_of(f);
	bool nonblock = (f->flags & O_NONBLOCK) || (msg_flags & MSG_DONTWAIT);
	if (type_is_stream(p->type)) {
		long err = send_refused(p, end_of(f), msg_flags);
		if (err || !len)
			return err;
		return stream_send(p, end_of(f), b, len, msg_flags, nonblock);
	}
	return msg_send(p, end_of(f), b, len, msg_flags, nonblock);
}

int unix_shutdown(struct file *f, int how)
{
	struct unix_end *e = end_of(f);
	bool rd = how == SHUT_RD || how == SHUT_RDWR, wr = how == SHUT_WR || how == SHUT_RDWR;
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	e->rd_shut |= rd;
	e->wr_shut |= wr;
	if (type_is_connected(pair_of(f)->type) && e->peer->open) {
		e->peer->wr_shut |= rd;
		e->peer->rd_shut |= wr;
		end_wake(e->peer);
	}
	end_wake(e);
	return 0;
}

/* ---- the file operations ---- */

static long unix_read(struct file *f, struct iobuf *b, uint64_t len, uint64_t *pos)
{
	(void)pos;
	return unix_recv(f, b, len, 0, NULL);
}

static long unix_write(struct file *f, struct iobuf *b, uint64_t len, uint64_t *pos)
{
	(void)pos;
	return unix_send(f, b, len, 0);
}

/* Linux's unix_poll / unix_dgram_poll for a connected pair. */
static unsigned unix_poll(struct file *f)
{
	struct unix_end *e = end_of(f), *to = e->peer;
	unsigned ev = 0;
	if (e->rd_shut && e->wr_shut)
		ev |= POLLHUP;
	if (e->rd_shut)
		ev |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (end_has_data(e))
		ev |= POLLIN | POLLRDNORM;
	/* Writable while a quarter of the buffer or less is in flight (Linux's unix_writable). */
	if (!to->open || ((uint64_t)to->count * 4 <= STREAM_RING && to->queued * 4 <= SOCK_BUF))
		ev |= POLLOUT | POLLWRNORM | POLLWRBAND;
	return ev;
}

/* FIONREAD: bytes a stream can read now, or the length of the next datagram. */
static long unix_ioctl(struct file *f, unsigned cmd, uint64_t arg)
{
	struct unix_end *e = end_of(f);
	uint32_t n;
	if (cmd != FIONREAD)
		return -ENOTTY;
	n = type_is_stream(pair_of(f)->type) ? e->count : e->first ? (uint32_t)e->first->len : 0;
	struct iobuf b = {.user = true, .uaddr = arg};
	return iobuf_put(&b, 0, &n, sizeof(n));
}

static void end_drain(struct unix_end *e)
{
	while (e->first) {
		struct sock_msg *m = e->first;
		e->first = m->next;
		kfree(m);
	}
	e->last = NULL;
	e->queued = 0;
	kfree(e->ring);
	e->ring = NULL;
	e->count = 0;
}

static void unix_release(struct file *f)
{
	struct unix_pair *p = pair_of(f);
	struct unix_end *e = end_of(f), *to = e->peer;
	e->open = false;
	end_drain(e);
	if (to->open) {
		if (type_is_connected(p->type))
			to->rd_shut = to->wr_shut = true;
		end_wake(to);
		return;
	}
	kfree(p);
}

static const struct file_ops unix_sock_ops = {
	.read = unix_read,
	.write = unix_write,
	.ioctl = unix_ioctl,
	.poll = unix_poll,
	.release = unix_release,
};

int unix_socketpair(int type, unsigned flags, struct file **a, struct file **b)
{
	struct unix_pair *p = kmalloc(sizeof(*p));
	unsigned fl = O_RDWR | (flags & O_NONBLOCK);
	if (!p)
		return -ENOMEM;
	p->type = type;
	for (int i = 0; i < 2; i++) {
		p->end[i].pair = p;
		p->end[i].peer = &p->end[1 - i];
		waitq_init(&p->end[i].wq);
	}
	*a = anon_file_new(S_IFSOCK | 0777, &unix_sock_ops, fl, &p->end[0]);
	*b = *a ? anon_file_new(S_IFSOCK | 0777, &unix_sock_ops, fl, &p->end[1]) : NULL;
	if (!*b) {
		if (*a) {
			(*a)->ops = NULL; /* nothing to release yet */
			file_put(*a);
		}
		kfree(p);
		return -ENOMEM;
	}
	p->end[0].open = p->end[1].open = true;
	return 0;
}
