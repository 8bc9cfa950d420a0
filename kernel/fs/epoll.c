/*
 * fs/epoll.c - epoll instances: a list of watched (file, descriptor)
 * pairs, each with the events it wants and the user's data word.
 *
 * Readiness is asked of each file's poll operation when epoll_wait scans,
 * the same way poll(2) works here (fs/poll_wait.c: every readiness change
 * bumps one generation and wakes every poller), so nothing has to be
 * registered on the files themselves.
 *
 * - Level-triggered (the default): an item is reported on every scan
 *   while its file is ready. Reported items move to the end of the list,
 *   so with a small maxevents every ready item gets its turn.
 * - EPOLLET: an item is reported when a readiness bit rises (it was not
 *   reported set since the bit was last seen clear), or when it is ready
 *   and some readiness changed since its last report. Linux reports an
 *   edge-triggered file again on each of its own wake-ups; with one
 *   generation for all files this can report more often than Linux, never
 *   less, which programs that read until EAGAIN cannot tell apart.
 * - EPOLLONESHOT: reported once, then silent until EPOLL_CTL_MOD.
 *
 * An item holds a reference to its file. Linux drops an item when the
 * file's last descriptor is closed; here an item whose file nobody else
 * references any more is dropped at the next scan or control call, which
 * is the same from the program's side (until then the file stays open, so
 * a pipe's other end sees the hang-up at that point).
 */
#include "kernel/errno.h"
#include "kernel/heap.h"
#include "anon_files.h"

#define EPOLLIN 0x001u
#define EPOLLOUT 0x004u
#define EPOLLERR 0x008u
#define EPOLLHUP 0x010u
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP (1u << 29)
#define EPOLLONESHOT (1u << 30)
#define EPOLLET (1u << 31)
/* Bits that steer epoll itself rather than name events. */
#define EPOLL_CONTROL_BITS (EPOLLEXCLUSIVE | EPOLLWAKEUP | EPOLLONESHOT | EPOLLET)
/* Linux's EP_MAX_NESTS: how deep epoll instances may watch each other. */
#define EPOLL_MAX_NESTS 4

struct epitem {
	struct epitem *next;
	struct file *file; /* a reference */
	int fd;
	uint32_t events;   /* wanted events and EPOLL_CONTROL_BITS */
	uint64_t data;
	bool disarmed;     /* EPOLLONESHOT item already reported */
	unsigned edge_seen; /* EPOLLET: bits reported and not seen clear since */
	uint64_t edge_gen;  /* EPOLLET: the poll generation when last reported */
};

struct eventpoll {
	struct epitem *head;
};

static const struct file_ops epoll_ops;

bool file_is_epoll(struct file *f)
{
	return f->ops == &epoll_ops;
}

/* What f reports now among the events it (always ERR and HUP) wants. */
static unsigned epitem_poll(const struct epitem *it)
{
	unsigned want = (it->events & ~EPOLL_CONTROL_BITS) | EPOLLERR | EPOLLHUP;
	if (it->disarmed)
		return 0;
	return it->file->ops->poll(it->file) & want;
}

static void epitem_free(struct epitem *it)
{
	file_put(it->file);
	kfree(it);
}

/* Drop the items whose files only this instance still holds (closed everywhere else). */
static void epoll_prune(struct eventpoll *ep)
{
	struct epitem **pp = &ep->head;
	while (*pp) {
		struct epitem *it = *pp;
		if (it->file->refs == 1) {
			*pp = it->next;
			epitem_free(it);
		} else {
			pp = &it->next;
		}
	}
}

/* Readiness of the instance itself (an epoll watched by poll or another epoll). */
static unsigned epoll_poll(struct file *f)
{
	struct eventpoll *ep = f->priv;
	for (struct epitem *it = ep->head; it; it = it->next) {
		unsigned ev = epitem_poll(it);
		if ((it->events & EPOLLET) && !(ev & ~it->edge_seen) && it->edge_gen == vfs_poll_seq())
			continue;
		if (ev && it->file->refs > 1)
			return POLLIN | POLLRDNORM;
	}
	return 0;
}

/* What it reports at this scan (0: nothing), updating its edge and one-shot state. */
static unsigned epitem_report(struct epitem *it)
{
	unsigned ev = epitem_poll(it);
	if (it->events & EPOLLET) {
		unsigned rising = ev & ~it->edge_seen;
		bool changed = it->edge_gen != vfs_poll_seq();
		it->edge_seen &= ev; /* bits seen clear may rise again */
		if (!rising && !(ev && changed))
			return 0;
		it->edge_seen |= ev;
		it->edge_gen = vfs_poll_seq();
	}
	if (ev && (it->events & EPOLLONESHOT))
		it->disarmed = true;
	return ev;
}

int epoll_collect(struct file *f, struct iobuf *out, int max)
{
	struct eventpoll *ep = f->priv;
	struct epitem **pp, *done = NULL, **done_tail = &done;
	int n = 0;
	epoll_prune(ep);
	pp = &ep->head;
	while (*pp && n < max) {
		struct epitem *it = *pp;
		struct epoll_event_user e = {epitem_report(it), it->data};
		if (!e.events) {
			pp = &it->next;
			continue;
		}
		if (iobuf_put(out, (uint64_t)n * sizeof(e), &e, sizeof(e))) {
			if (!n)
				n = -EFAULT;
			break;
		}
		n++;
		/* Unlink it and queue it for the end of the list (round robin). */
		*pp = it->next;
		it->next = NULL;
		*done_tail = it;
		done_tail = &it->next;
	}
	while (*pp)
		pp = &(*pp)->next;
	*pp = done;
	return n;
}

static struct epitem *epoll_find(struct eventpoll *ep, struct file *target, int fd)
{
	for (struct epitem *it = ep->head; it; it = it->next)
		if (it->file == target && it->fd == fd)
			return it;
	return NULL;
}

/*
 * True when watching `from` would lead back to `to`, or nest deeper than
 * Linux allows (both are ELOOP there).
 */
static bool epoll_loops(struct eventpoll *from, struct eventpoll *to, int depth)
{
	if (from == to || depth > EPOLL_MAX_NESTS)
		return true;
	for (struct epitem *it = from->head; it; it = it->next)
		if (file_is_epoll(it->file) && epoll_loops(it->file->priv, to, depth + 1))
			return true;
	return false;
}

static int epoll_add(struct eventpoll *ep, int fd, struct file *target,
		     const struct epoll_event_user *ev)
{
	struct epitem *it;
	if (epoll_find(ep, target, fd))
		return -EEXIST;
	if (file_is_epoll(target)) {
		if (ev->events & EPOLLEXCLUSIVE)
			return -EINVAL;
		if (epoll_loops(target->priv, ep, 1))
			return -ELOOP;
	}
	it = kmalloc(sizeof(*it));
	if (!it)
		return -ENOMEM;
	file_get(target);
	*it = (struct epitem){ep->head, target, fd, ev->events, ev->data, false, 0, 0};
	ep->head = it;
	return 0;
}

static int epoll_del(struct eventpoll *ep, struct epitem *victim)
{
	struct epitem **pp = &ep->head;
	while (*pp != victim)
		pp = &(*pp)->next;
	*pp = victim->next;
	epitem_free(victim);
	return 0;
}

int epoll_control(struct file *f, int op, int fd, struct file *target,
		  const struct epoll_event_user *ev)
{
	struct eventpoll *ep = f->priv;
	struct epitem *it;
	int err;
	if (!target->ops || !target->ops->poll)
		return -EPERM; /* regular files and the like: Linux refuses them too */
	if (target == f)
		return -EINVAL;
	if (op != EPOLL_CTL_DEL && (ev->events & EPOLLEXCLUSIVE) &&
	    (op == EPOLL_CTL_MOD ||
	     (ev->events & ~(EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | 0x40u | 0x80u | 0x100u |
			     0x200u | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE))))
		return -EINVAL;
	epoll_prune(ep);
	it = epoll_find(ep, target, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		err = epoll_add(ep, fd, target, ev);
		break;
	case EPOLL_CTL_DEL:
		err = it ? epoll_del(ep, it) : -ENOENT;
		break;
	case EPOLL_CTL_MOD:
		if (!it)
			return -ENOENT;
		if (it->events & EPOLLEXCLUSIVE)
			return -EINVAL;
		it->events = ev->events;
		it->data = ev->data;
		it->disarmed = false;
		it->edge_seen = 0;
		err = 0;
		break;
	default:
		return -EINVAL;
	}
	if (!err)
		vfs_poll_wake(); /* whoever waits on this instance re-checks it */
	return err;
}

static void epoll_release(struct file *f)
{
	struct eventpoll *ep = f->priv;
	while (ep->head) {
		struct epitem *it = ep->head;
		ep->head = it->next;
		epitem_free(it);
	}
	kfree(ep);
}

static const struct file_ops epoll_ops = {
	.poll = epoll_poll,
	.release = epoll_release,
};

int epoll_create(struct file **out)
{
	struct eventpoll *ep = kmalloc(sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	*out = anon_file_new(0600, &epoll_ops, O_RDWR, ep);
	if (!*out) {
		kfree(ep);
		return -ENOMEM;
	}
	return 0;
}
