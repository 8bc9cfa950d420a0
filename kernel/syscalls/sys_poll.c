/*
 * syscalls/sys_poll.c - waiting for descriptors: poll, ppoll, select,
 * pselect6. Each round asks every file for its readiness; when none is
 * ready the task sleeps until some file's readiness changes (the shared
 * poll generation in fs/poll_wait.c), the deadline passes, or a signal
 * arrives. The *6 variants swap in the caller's signal mask for the wait,
 * as sigsuspend does.
 */
#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/kstring.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "sys_fs.h"

struct pollfd_user {
	int32_t fd;
	int16_t events, revents;
};

struct timespec_user {
	int64_t sec, nsec;
};

/* Readiness of fd: POLL* bits, POLLNVAL when it is not open. */
static unsigned fd_poll(int fd)
{
	struct file *f = fd_get(fd);
	unsigned ev;
	if (!f)
		return POLLNVAL;
	if (f->flags & O_PATH)
		ev = POLLNVAL;
	else if (f->ops && f->ops->poll)
		ev = f->ops->poll(f);
	else
		ev = POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
	file_put(f);
	return ev;
}

/*
 * A deadline in time_ns() terms from a user timespec (NULL: none, 0 ns:
 * don't wait). Returns 0 (and *deadline, UINT64_MAX for none, 0 for
 * immediate), -EFAULT or -EINVAL.
 */
long deadline_from_ts(uint64_t uts, uint64_t *deadline)
{
	struct timespec_user ts;
	if (!uts) {
		*deadline = UINT64_MAX;
		return 0;
	}
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
		return -EINVAL;
	if (ts.sec == 0 && ts.nsec == 0)
		*deadline = 0;
	else if ((uint64_t)ts.sec > (UINT64_MAX - time_ns()) / 1000000000 - 1)
		*deadline = UINT64_MAX;
	else
		*deadline = time_ns() + (uint64_t)ts.sec * 1000000000 + (uint64_t)ts.nsec;
	return 0;
}

/* Write back the time left to a user timespec (as Linux does for ppoll/pselect6). */
static void ts_write_left(uint64_t uts, uint64_t deadline)
{
	struct timespec_user ts = {0, 0};
	uint64_t now = time_ns();
	if (!uts || deadline == UINT64_MAX || deadline == 0)
		return;
	if (deadline > now) {
		ts.sec = (int64_t)((deadline - now) / 1000000000);
		ts.nsec = (int64_t)((deadline - now) % 1000000000);
	}
	copy_to_user(uts, &ts, sizeof(ts));
}

/*
 * Sleep for the next round: 1 to rescan, 0 when the deadline has passed,
 * -ERESTARTNOHAND when a signal interrupts (EINTR once a handler ran, as
 * Linux's poll and select).
 */
static long poll_wait_round(uint64_t seq, uint64_t deadline)
{
	int r;
	if (deadline == 0 || (deadline != UINT64_MAX && time_ns() >= deadline))
		return 0;
	r = vfs_poll_sleep(seq, deadline == UINT64_MAX ? 0 : deadline);
	if (r == -ETIMEDOUT)
		return 0;
	if (r < 0)
		return -ERESTARTNOHAND;
	return 1;
}

/* Scan pfds once: number of entries with a non-zero revents. */
static long poll_scan(struct pollfd_user *pfds, uint64_t n)
{
	long ready = 0;
	for (uint64_t i = 0; i < n; i++) {
		unsigned ev, want = (uint16_t)pfds[i].events | POLLERR | POLLHUP | POLLNVAL;
		if (pfds[i].fd < 0) {
			pfds[i].revents = 0;
			continue;
		}
		ev = fd_poll(pfds[i].fd) & want;
		pfds[i].revents = (int16_t)ev;
		if (ev)
			ready++;
	}
	return ready;
}

static long do_poll(uint64_t ufds, uint64_t nfds, uint64_t deadline)
{
	struct pollfd_user *pfds;
	long r;
	if (nfds > (uint64_t)fd_limit())
		return -EINVAL;
	pfds = kmalloc(nfds * sizeof(*pfds) + 1);
	if (!pfds)
		return -ENOMEM;
	if (copy_from_user(pfds, ufds, nfds * sizeof(*pfds))) {
		kfree(pfds);
		return -EFAULT;
	}
	for (;;) {
		uint64_t seq = vfs_poll_seq();
		r = poll_scan(pfds, nfds);
		if (r)
			break;
		r = poll_wait_round(seq, deadline);
		if (r <= 0)
			break;
	}
	if (r >= 0 && copy_to_user(ufds, pfds, nfds * sizeof(*pfds)))
		r = -EFAULT;
	kfree(pfds);
	return r;
}

SYSCALL_DEFINE(7, poll)
{
	int timeout = (int)a2;
	uint64_t deadline = timeout < 0 ? UINT64_MAX
			  : timeout == 0 ? 0
					 : time_ns() + (uint64_t)timeout * 1000000;
	return do_poll(a0, a1, deadline);
}

/*
 * The signal mask a ppoll/pselect6 waits with: install it (saving the old
 * one) when given. Returns 0, -EINVAL or -EFAULT.
 */
long sigmask_swap_in(uint64_t umask, uint64_t size, bool *swapped)
{
	struct task *t = current_task();
	sigset_t set;
	*swapped = false;
	if (!umask)
		return 0;
	if (size != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&set, umask, sizeof(set)))
		return -EFAULT;
	t->saved_blocked = t->blocked;
	t->blocked = set & ~(sig_bit(SIGKILL) | sig_bit(SIGSTOP));
	*swapped = true;
	return 0;
}

/* Put the old mask back now, or after the handler runs when a signal interrupted the wait. */
void sigmask_swap_out(bool swapped, long result)
{
	struct task *t = current_task();
	if (!swapped)
		return;
	if (result == -ERESTARTNOHAND || result == -EINTR)
		t->restore_blocked = true;
	else
		t->blocked = t->saved_blocked;
}

SYSCALL_DEFINE(271, ppoll)
{
	uint64_t deadline;
	bool swapped;
	long r = deadline_from_ts(a2, &deadline);
	if (r)
		return r;
	r = sigmask_swap_in(a3, a4, &swapped);
	if (r)
		return r;
	r = do_poll(a0, a1, deadline);
	sigmask_swap_out(swapped, r);
	ts_write_left(a2, deadline);
	return r;
}

/* select's three descriptor sets, nfds bits each, in 64-bit words. */
struct fdsets {
	uint64_t in[FDTABLE_MAX / 64], out[FDTABLE_MAX / 64], ex[FDTABLE_MAX / 64];
};

static long fdset_get(uint64_t uset, uint64_t *set, int nfds)
{
	uint64_t bytes = ((uint64_t)nfds + 63) / 64 * 8;
	memset(set, 0, FDTABLE_MAX / 8);
	if (!uset)
		return 0;
	return copy_from_user(set, uset, bytes);
}

static long fdset_put(uint64_t uset, const uint64_t *set, int nfds)
{
	uint64_t bytes = ((uint64_t)nfds + 63) / 64 * 8;
	return uset ? copy_to_user(uset, set, bytes) : 0;
}

/* One select round: fill res from want. Count of set bits, or -EBADF. */
static long select_scan(const struct fdsets *want, struct fdsets *res, int nfds)
{
	long ready = 0;
	memset(res, 0, sizeof(*res));
	for (int fd = 0; fd < nfds; fd++) {
		uint64_t bit = 1ull << (fd % 64);
		int w = fd / 64;
		unsigned ev;
		if (!((want->in[w] | want->out[w] | want->ex[w]) & bit))
			continue;
		ev = fd_poll(fd);
		if (ev & POLLNVAL)
			return -EBADF;
		if ((want->in[w] & bit) && (ev & (POLLIN | POLLRDNORM | POLLHUP | POLLERR))) {
			res->in[w] |= bit;
			ready++;
		}
		if ((want->out[w] & bit) && (ev & (POLLOUT | POLLWRNORM | POLLERR))) {
			res->out[w] |= bit;
			ready++;
		}
		if ((want->ex[w] & bit) && (ev & POLLPRI)) {
			res->ex[w] |= bit;
			ready++;
		}
	}
	return ready;
}

static long do_select(int nfds, uint64_t uin, uint64_t uout, uint64_t uex, uint64_t deadline)
{
	struct fdsets *want, *res;
	long r;
	if (nfds < 0)
		return -EINVAL;
	if (nfds > FDTABLE_MAX)
		nfds = FDTABLE_MAX;
	want = kmalloc(2 * sizeof(*want));
	if (!want)
		return -ENOMEM;
	res = want + 1;
	r = fdset_get(uin, want->in, nfds);
	if (!r)
		r = fdset_get(uout, want->out, nfds);
	if (!r)
		r = fdset_get(uex, want->ex, nfds);
	while (!r) {
		uint64_t seq = vfs_poll_seq();
		r = select_scan(want, res, nfds);
		if (r)
			break;
		r = poll_wait_round(seq, deadline);
		if (r <= 0)
			break;
		r = 0;
	}
	if (r >= 0 && (fdset_put(uin, res->in, nfds) || fdset_put(uout, res->out, nfds) ||
		       fdset_put(uex, res->ex, nfds)))
		r = -EFAULT;
	kfree(want);
	return r;
}

struct timeval_user {
	int64_t sec, usec;
};

SYSCALL_DEFINE(23, select)
{
	struct timeval_user tv;
	uint64_t deadline = UINT64_MAX;
	long r;
	if (a4) {
		if (copy_from_user(&tv, a4, sizeof(tv)))
			return -EFAULT;
		if (tv.sec < 0 || tv.usec < 0 || tv.usec >= 1000000)
			return -EINVAL;
		if (tv.sec == 0 && tv.usec == 0)
			deadline = 0;
		else if ((uint64_t)tv.sec < (1ull << 32))
			deadline = time_ns() + (uint64_t)tv.sec * 1000000000 + (uint64_t)tv.usec * 1000;
	}
	r = do_select((int)a0, a1, a2, a3, deadline);
	if (a4 && deadline != UINT64_MAX && deadline != 0) {
		uint64_t now = time_ns(), left = deadline > now ? deadline - now : 0;
		tv.sec = (int64_t)(left / 1000000000);
		tv.usec = (int64_t)(left % 1000000000 / 1000);
		copy_to_user(a4, &tv, sizeof(tv));
	}
	return r;
}

/* pselect6's sixth argument: {const sigset_t *ss; size_t ss_len}. */
SYSCALL_DEFINE(270, pselect6)
{
	uint64_t deadline, sm[2] = {0, 0};
	bool swapped;
	long r = deadline_from_ts(a4, &deadline);
	if (r)
		return r;
	if (a5 && copy_from_user(sm, a5, sizeof(sm)))
		return -EFAULT;
	r = sigmask_swap_in(sm[0], sm[1], &swapped);
	if (r)
		return r;
	r = do_select((int)a0, a1, a2, a3, deadline);
	sigmask_swap_out(swapped, r);
	ts_write_left(a4, deadline);
	return r;
}
