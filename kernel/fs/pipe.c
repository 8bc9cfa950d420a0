/*
 * fs/pipe.c - pipes and FIFOs: a 64 KiB ring (Linux's default capacity)
 * with a count of readers and writers. Reads return what is there (0 at
 * end of file, when no writer is left); writes of at most PIPE_BUF bytes
 * are atomic; writing with no reader raises SIGPIPE and fails with EPIPE.
 * Blocking sides sleep on the pipe's wait queues, O_NONBLOCK ones get
 * EAGAIN.
 */
#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/signal.h"
#include "kernel/task.h"
#include "kernel/wait.h"
#include "vfs_internal.h"

#define PIPE_SIZE 65536u
#define PIPE_BUF 4096u

struct pipe {
	char *buf;
	uint32_t head, count; /* bytes [head, head + count) mod PIPE_SIZE are queued */
	int readers, writers;
	int opens;            /* opens of either end so far */
	int rd_opens, wr_opens; /* opens of each end: a FIFO opener waits for the other's to move */
	struct waitq rq, wq;  /* readers wait for data, writers for room */
	struct inode *fifo;   /* the FIFO inode holding it, or NULL */
};

static void pipe_wake(struct pipe *p)
{
	waitq_wake_all(&p->rq);
	waitq_wake_all(&p->wq);
	vfs_poll_wake();
}

static struct pipe *pipe_alloc(void)
{
	struct pipe *p = kmalloc(sizeof(*p));
	if (!p)
		return NULL;
	p->buf = kmalloc(PIPE_SIZE);
	if (!p->buf) {
		kfree(p);
		return NULL;
	}
	waitq_init(&p->rq);
	waitq_init(&p->wq);
	return p;
}

static bool pipe_can_read(void *arg)
{
	struct pipe *p = arg;
	return p->count > 0 || p->writers == 0;
}

/* Copy up to len queued bytes to b. Bytes moved or -EFAULT. */
static long pipe_copy_out(struct pipe *p, struct iobuf *b, uint64_t len)
{
	uint64_t done = 0;
	while (done < len && p->count) {
		uint32_t n = PIPE_SIZE - p->head < p->count ? PIPE_SIZE - p->head : p->count;
		if (n > len - done)
			n = (uint32_t)(len - done);
		if (iobuf_put(b, done, p->buf + p->head, n))
			return done ? (long)done : -EFAULT;
		p->head = (p->head + n) % PIPE_SIZE;
		p->count -= n;
		done += n;
	}
	return (long)done;
}

static long pipe_read(struct file *f, struct iobuf *b, uint64_t len, uint64_t *pos)
{
	struct pipe *p = f->priv;
	long n;
	if (!len)
		return 0;
	if (!pipe_can_read(p)) {
		int err;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		err = waitq_wait(&p->rq, pipe_can_read, p);
		if (err)
			return err;
	}
	n = pipe_copy_out(p, b, len);
	if (n > 0)
		pipe_wake(p);
	return n;
}

struct pipe_room {
	struct pipe *p;
	uint32_t need;
};

static bool pipe_has_room(void *arg)
{
	struct pipe_room *r = arg;
	return PIPE_SIZE - r->p->count >= r->need || r->p->readers == 0;
}

static long pipe_write(struct file *f, struct iobuf *b, uint64_t len, uint64_t *pos)
{
	struct pipe *p = f->priv;
	uint64_t done = 0;
	while (done < len) {
		uint64_t left = len - done;
		struct pipe_room room = {p, left <= PIPE_BUF ? (uint32_t)left : 1};
		long n;
		if (p->readers == 0) {
			signal_send(current_task(), SIGPIPE);
			return done ? (long)done : -EPIPE;
		}
		if (!pipe_has_room(&room)) {
			int err;
			if (f->flags & O_NONBLOCK)
				return done ? (long)done : -EAGAIN;
			err = waitq_wait(&p->wq, pipe_has_room, &room);
			if (err)
				return done ? (long)done : err;
			continue;
		}
		n = byte_ring_fill(p->buf, PIPE_SIZE, p->head, &p->count, b, done, left);
		if (n < 0)
			return done ? (long)done : n;
		done += (uint64_t)n;
		pipe_wake(p);
	}
	return (long)done;
}

static unsigned pipe_poll(struct file *f)
{
	struct pipe *p = f->priv;
	unsigned ev = 0;
	if (file_readable(f)) {
		if (p->count)
			ev |= POLLIN | POLLRDNORM;
		if (p->writers == 0 && (!p->fifo || p->opens > 1))
			ev |= POLLHUP;
	}
	if (file_writable(f)) {
		if (PIPE_SIZE - p->count >= PIPE_BUF)
			ev |= POLLOUT | POLLWRNORM;
		if (p->readers == 0)
			ev |= POLLERR;
	}
	return ev;
}

static void pipe_free(struct pipe *p)
{
	if (p->fifo)
		p->fifo->pipe = NULL;
	kfree(p->buf);
	kfree(p);
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;
	if (file_readable(f))
		p->readers--;
	if (file_writable(f))
		p->writers--;
	pipe_wake(p);
	if (p->readers == 0 && p->writers == 0)
		pipe_free(p);
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.release = pipe_release,
};

/* An open end of p with flags (the pipe's counts grow). NULL on ENOMEM. */
static struct file *pipe_end(struct pipe *p, struct inode *ino, unsigned flags)
{
	struct file *f = file_alloc(ino, &pipe_ops, flags);
	if (!f)
		return NULL;
	f->priv = p;
	if (file_readable(f)) {
		p->readers++;
		p->rd_opens++;
	}
	if (file_writable(f)) {
		p->writers++;
		p->wr_opens++;
	}
	p->opens++;
	return f;
}

/* pipe2(2): the read and write ends. 0 or -ENOMEM. */
int pipe_create(unsigned flags, struct file **rd, struct file **wr)
{
	struct pipe *p = pipe_alloc();
	flags &= O_NONBLOCK;
	if (!p)
		return -ENOMEM;
	*rd = pipe_end(p, NULL, O_RDONLY | flags);
	*wr = *rd ? pipe_end(p, NULL, O_WRONLY | flags) : NULL;
	if (!*wr) {
		file_put(*rd);
		if (!*rd)
			pipe_free(p);
		return -ENOMEM;
	}
	return 0;
}

/* What a FIFO opener waits for: the other end opened since it looked (it may be gone again). */
struct fifo_wait {
	struct pipe *p;
	bool want_writer;
	int seen; /* the other end's open count when the wait began */
};

static bool fifo_partner_came(void *arg)
{
	struct fifo_wait *w = arg;
	int now = w->want_writer ? w->p->wr_opens : w->p->rd_opens;
	int open = w->want_writer ? w->p->writers : w->p->readers;
	return open > 0 || now != w->seen;
}

/*
 * Open a FIFO: a reader waits for a writer and a writer for a reader
 * (unless O_NONBLOCK: a reader goes on, a writer gets ENXIO); O_RDWR never
 * waits. 0 and *out, or -errno.
 */
int fifo_open(struct inode *ino, unsigned flags, struct file **out)
{
	struct pipe *p = ino->pipe;
	unsigned acc = flags & O_ACCMODE;
	struct file *f;
	int err = 0;
	if (!p) {
		p = pipe_alloc();
		if (!p)
			return -ENOMEM;
		p->fifo = ino;
		ino->pipe = p;
	}
	if (acc == O_WRONLY && (flags & O_NONBLOCK) && p->readers == 0) {
		if (p->writers == 0)
			pipe_free(p);
		return -ENXIO;
	}
	struct fifo_wait w = {p, acc == O_RDONLY, acc == O_RDONLY ? p->wr_opens : p->rd_opens};
	f = pipe_end(p, ino, flags & ~(unsigned)(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY));
	if (!f) {
		if (p->readers == 0 && p->writers == 0)
			pipe_free(p);
		return -ENOMEM;
	}
	pipe_wake(p);
	/*
	 * The partner may open, write and close before this task runs again,
	 * so the wait ends on its open count moving, not on it being open now
	 * (Linux's r_counter/w_counter).
	 */
	if (!(flags & O_NONBLOCK) && acc == O_RDONLY)
		err = waitq_wait(&p->rq, fifo_partner_came, &w);
	else if (acc == O_WRONLY)
		err = waitq_wait(&p->wq, fifo_partner_came, &w);
	if (err) {
		file_put(f);
		return err;
	}
	*out = f;
	return 0;
}
