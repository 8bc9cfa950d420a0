/*
 * fs/poll_wait.c - one wait queue for everything that polls. Waiting on
 * many files at once would need an entry on each file's queue; instead
 * every readiness change (pipe data or room, a closed end, console input)
 * bumps a generation counter and wakes this queue, and pollers re-check
 * their files. Spurious wake-ups cost a re-scan, never a lost event: the
 * generation is read before the scan, so a change during it ends the sleep
 * at once.
 */
#include "kernel/errno.h"
#include "kernel/time.h"
#include "kernel/wait.h"

#define POLL_SLICE_NS 50000000ull /* 50 ms */
#include "vfs_internal.h"

static struct waitq poll_wq;
static volatile uint64_t poll_generation;

void vfs_poll_wake(void)
{
	poll_generation++;
	waitq_wake_all(&poll_wq);
}

uint64_t vfs_poll_seq(void)
{
	return poll_generation;
}

static bool poll_changed(void *arg)
{
	return poll_generation != *(uint64_t *)arg;
}

/*
 * Sleep until the generation moves past seq or deadline_ns passes (0:
 * never): 0 (rescan), -ETIMEDOUT, or -EINTR/-ERESTARTSYS. No sleep lasts
 * longer than POLL_SLICE_NS, so readiness that changed without a wake-up
 * (console input nobody announced) is still seen within that time.
 */
int vfs_poll_sleep(uint64_t seq, uint64_t deadline_ns)
{
	uint64_t slice = time_ns() + POLL_SLICE_NS;
	int r;
	if (deadline_ns && deadline_ns <= slice)
		return waitq_wait_until(&poll_wq, poll_changed, &seq, deadline_ns);
	r = waitq_wait_until(&poll_wq, poll_changed, &seq, slice);
	return r == -ETIMEDOUT ? 0 : r;
}
