/*
 * fs/eventfd.c - eventfd(2): a 64-bit counter behind a descriptor. write
 * adds an 8-byte value (blocking while the sum would pass 2^64 - 2); read
 * returns the counter and zeroes it, or with EFD_SEMAPHORE returns 1 and
 * decrements it (blocking while it is 0). O_NONBLOCK turns both waits into
 * EAGAIN. poll: readable while the counter is non-zero, writable while one
 * more can be added.
 */
#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/wait.h"
#include "anon_files.h"

#define EVENTFD_MAX 0xfffffffffffffffeull /* the largest value the counter holds */

struct eventfd {
	uint64_t count;
	bool semaphore;
	struct waitq wq; /* readers wait for a count, writers for room */
};

static void eventfd_wake(struct eventfd *e)
{
	waitq_wake_all(&e->wq);
	vfs_poll_wake();
}

static bool eventfd_has_count(void *arg)
{
	return ((struct eventfd *)arg)->count > 0;
}

struct eventfd_add {
	struct eventfd *e;
	uint64_t v;
};

static bool eventfd_has_room(void *arg)
{
	struct eventfd_add *a = arg;
	return EVENTFD_MAX - a->e->count >= a->v;
}

static long eventfd_read(struct file *f, struct iobuf *b, uint64_t len, uint64_t *pos)
{
	struct eventfd *e = f->priv;
	uint64_t v;
	(void)pos;
	if (len < sizeof(v))
		return -EINVAL;
	if (!e->count) {
		int err;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		err = waitq_wait(&e->wq, eventfd_has_count, e);
		if (err)
			return err;
	}
	v = e->semaphore ? 1 : e->count;
	if (iobuf_put(b, 0, &v, sizeof(v)))
		return -EFAULT;
	e->count -= v;
	eventfd_wake(e);
	return sizeof(v);
}

static long eventfd_write(struct file *f, struct iobuf *b, uint64_t len, uint64_t *pos)
{
	struct eventfd_add a = {f->priv, 0};
	(void)pos;
	if (len < sizeof(a.v))
		return -EINVAL;
	if (iobuf_get(b, 0, &a.v, sizeof(a.v)))
		return -EFAULT;
	if (a.v == ~0ull)
		return -EINVAL;
	if (!eventfd_has_room(&a)) {
		int err;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		err = waitq_wait(&a.e->wq, eventfd_has_room, &a);
		if (err)
			return err;
	}
	a.e->count += a.v;
	if (a.v)
		eventfd_wake(a.e);
	return sizeof(a.v);
}

static unsigned eventfd_poll(struct file *f)
{
	struct eventfd *e = f->priv;
	unsigned ev = 0;
	if (e->count)
		ev |= POLLIN | POLLRDNORM;
	if (e->count < EVENTFD_MAX)
		ev |= POLLOUT | POLLWRNORM;
	return ev;
}

static void eventfd_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops eventfd_ops = {
	.read = eventfd_read,
	.write = eventfd_write,
	.poll = eventfd_poll,
	.release = eventfd_release,
};

int eventfd_create(uint32_t initval, unsigned flags, struct file **out)
{
	struct eventfd *e = kmalloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->count = initval;
	e->semaphore = flags & EFD_SEMAPHORE;
	waitq_init(&e->wq);
	*out = anon_file_new(0600, &eventfd_ops, O_RDWR | (flags & O_NONBLOCK), e);
	if (!*out) {
		kfree(e);
		return -ENOMEM;
	}
	return 0;
}
