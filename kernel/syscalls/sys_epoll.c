/*
 * syscalls/sys_epoll.c - epoll_create, epoll_create1, epoll_ctl,
 * epoll_wait, epoll_pwait, epoll_pwait2 (the instances are fs/epoll.c).
 * Waiting rescans the instance each time some file's readiness changes
 * (the poll generation of fs/poll_wait.c). As on Linux, a signal ends the
 * wait with EINTR even under SA_RESTART.
 */
#include "kernel/errno.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "../fs/anon_files.h"
#include "sys_fs.h"

/* Linux's EP_MAX_EVENTS: maxevents above this is EINVAL. */
#define EPOLL_MAX_EVENTS (0x7fffffff / (int)sizeof(struct epoll_event_user))
#define NO_DEADLINE UINT64_MAX

static long do_epoll_create(uint64_t flags)
{
	struct file *f = NULL;
	long err;
	if (flags & ~(uint64_t)O_CLOEXEC)
		return -EINVAL;
	err = epoll_create(&f);
	return fd_install_new(err, f, (int)flags);
}

SYSCALL_DEFINE(213, epoll_create)
{
	if ((int)a0 <= 0)
		return -EINVAL;
	return do_epoll_create(0);
}

SYSCALL_DEFINE(291, epoll_create1)
{
	return do_epoll_create(a0);
}

/* epoll_ctl(epfd, op, fd, event): Linux's order of checks (EFAULT, EBADF, EPERM, EINVAL...). */
SYSCALL_DEFINE(233, epoll_ctl)
{
	struct epoll_event_user ev = {0, 0};
	struct file *ep, *target;
	long err;
	if ((int)a1 != EPOLL_CTL_DEL && copy_from_user(&ev, a3, sizeof(ev)))
		return -EFAULT;
	ep = fd_get((int)a0);
	if (!ep)
		return -EBADF;
	target = fd_get((int)a2);
	if (!target)
		err = -EBADF;
	else if (!file_is_epoll(ep))
		err = target->ops && target->ops->poll ? -EINVAL : -EPERM;
	else
		err = epoll_control(ep, (int)a1, (int)a2, target, &ev);
	file_put(target);
	file_put(ep);
	return err;
}

/*
 * The wait of every epoll_wait flavour: scan, and sleep until something
 * changes, deadline (time_ns(); 0: do not wait; NO_DEADLINE) or a signal.
 * Returns the number of events written, 0 on timeout, or -errno.
 */
static long epoll_wait_until(int epfd, uint64_t uevents, int max, uint64_t deadline)
{
	struct iobuf out = {.user = true, .uaddr = uevents};
	struct file *ep;
	long n;
	if (max <= 0 || max > EPOLL_MAX_EVENTS)
		return -EINVAL;
	if (!access_ok(uevents, (uint64_t)max * sizeof(struct epoll_event_user)))
		return -EFAULT;
	ep = fd_get(epfd);
	if (!ep)
		return -EBADF;
	if (!file_is_epoll(ep)) {
		file_put(ep);
		return -EINVAL;
	}
	for (;;) {
		uint64_t seq = vfs_poll_seq();
		int r;
		n = epoll_collect(ep, &out, max);
		if (n || deadline == 0)
			break;
		if (deadline != NO_DEADLINE && time_ns() >= deadline)
			break;
		r = vfs_poll_sleep(seq, deadline == NO_DEADLINE ? 0 : deadline);
		if (r == -ETIMEDOUT)
			break;
		if (r < 0) {
			n = -EINTR;
			break;
		}
	}
	file_put(ep);
	return n;
}

/* A deadline from a timeout in milliseconds (negative: none). */
static uint64_t deadline_from_ms(int ms)
{
	if (ms < 0)
		return NO_DEADLINE;
	return ms == 0 ? 0 : time_ns() + (uint64_t)ms * 1000000;
}

SYSCALL_DEFINE(232, epoll_wait)
{
	return epoll_wait_until((int)a0, a1, (int)a2, deadline_from_ms((int)a3));
}

/*
 * epoll_pwait/epoll_pwait2: wait with the caller's signal mask in place
 * (umask 0: keep the current one). If a signal ends the wait, the old
 * mask comes back after its handler has run, as with sigsuspend.
 */
static long epoll_wait_masked(int epfd, uint64_t uevents, int max, uint64_t deadline,
			      uint64_t umask, uint64_t size)
{
	bool swapped;
	long n = sigmask_swap_in(umask, size, &swapped);
	if (n)
		return n;
	n = epoll_wait_until(epfd, uevents, max, deadline);
	sigmask_swap_out(swapped, n);
	return n;
}

SYSCALL_DEFINE(281, epoll_pwait)
{
	return epoll_wait_masked((int)a0, a1, (int)a2, deadline_from_ms((int)a3), a4, a5);
}

/* epoll_pwait2: the timeout is a struct timespec (NULL: wait without a limit). */
SYSCALL_DEFINE(441, epoll_pwait2)
{
	uint64_t deadline;
	long err = deadline_from_ts(a3, &deadline);
	if (err)
		return err;
	return epoll_wait_masked((int)a0, a1, (int)a2, deadline, a4, a5);
}
