/*
 * syscalls/sys_time.c - clocks and sleeping. CLOCK_MONOTONIC is the TSC
 * clock; CLOCK_REALTIME is the same plus an offset (first from the CMOS
 * real-time clock, then whatever settimeofday/clock_settime set). Both are
 * read with vclock_read on the data the vDSO reads too (kernel/vclock.h),
 * so a reading in user space and one here agree. Sleeps are timed waits
 * that a signal interrupts.
 */
#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "kernel/vclock.h"
#include "kernel/wait.h"

#define NS VCLOCK_NS
#define CLOCK_REALTIME VCLOCK_REALTIME
#define CLOCK_MONOTONIC VCLOCK_MONOTONIC
#define CLOCK_PROCESS_CPUTIME_ID VCLOCK_PROCESS_CPUTIME_ID
#define CLOCK_THREAD_CPUTIME_ID VCLOCK_THREAD_CPUTIME_ID
#define TIMER_ABSTIME 1
/* Linux's TIME_SETTOD_SEC_MAX: the latest time settable, 30 years short of ktime's end. */
#define SETTOD_SEC_MAX (9223372036ll - 30ll * 365 * 86400)
#define TZ_MINUTES_MAX (15 * 60)

struct timespec64 {
	int64_t sec, nsec;
};

static uint64_t cpu_ns(const struct task *t) { return (t->user_ticks + t->sys_ticks) * (NS / 100); }

/* The time of clock id in ns, or -EINVAL. */
static int clock_read(int id, uint64_t *out)
{
	if (vclock_read(time_vclock(), id, rdtsc(), out) == 0)
		return 0;
	switch (id) {
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		*out = cpu_ns(current);
		return 0;
	default:
		return -EINVAL;
	}
}

static int timespec_put(uint64_t uaddr, uint64_t ns)
{
	struct timespec64 ts = {(int64_t)(ns / NS), (int64_t)(ns % NS)};
	return copy_to_user(uaddr, &ts, sizeof(ts)) ? -EFAULT : 0;
}

/* Read a timespec: 0 and *ns, -EFAULT, or -EINVAL when out of range. */
static int timespec_get(uint64_t uaddr, uint64_t *ns)
{
	struct timespec64 ts;
	if (copy_from_user(&ts, uaddr, sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || (uint64_t)ts.nsec >= NS)
		return -EINVAL;
	*ns = (uint64_t)ts.sec > ~0ull / NS - 1 ? ~0ull / 2 : (uint64_t)ts.sec * NS + (uint64_t)ts.nsec;
	return 0;
}

SYSCALL_DEFINE(228, clock_gettime)
{
	uint64_t ns;
	int err = clock_read((int)a0, &ns);
	return err ? err : timespec_put(a1, ns);
}

SYSCALL_DEFINE(229, clock_getres)
{
	uint64_t dummy;
	int err = clock_read((int)a0, &dummy);
	if (err)
		return err;
	return a1 ? timespec_put(a1, 1) : 0;
}

SYSCALL_DEFINE(96, gettimeofday)
{
	uint64_t ns;
	clock_read(CLOCK_REALTIME, &ns);
	int64_t tv[2] = {(int64_t)(ns / NS), (int64_t)(ns % NS) / 1000};
	if (a0 && copy_to_user(a0, tv, sizeof(tv)))
		return -EFAULT;
	if (a1) {
		int32_t tz[2] = {time_vclock()->tz_minuteswest, time_vclock()->tz_dsttime};
		if (copy_to_user(a1, tz, sizeof(tz)))
			return -EFAULT;
	}
	return 0;
}

/* Linux's order: a time out of range is EINVAL before the permission check. */
static int realtime_set(const struct timespec64 *ts)
{
	if (ts->sec < 0 || ts->nsec < 0 || (uint64_t)ts->nsec >= NS || ts->sec >= SETTOD_SEC_MAX)
		return -EINVAL;
	if (current->euid != 0)
		return -EPERM;
	time_realtime_set((uint64_t)ts->sec * NS + (uint64_t)ts->nsec);
	return 0;
}

SYSCALL_DEFINE(227, clock_settime)
{
	int id = (int)a0;
	bool cputime = id == CLOCK_PROCESS_CPUTIME_ID || id == CLOCK_THREAD_CPUTIME_ID;
	struct timespec64 ts;
	uint64_t dummy;
	/* Linux's order: a clock that cannot be set is EINVAL before the pointer is read. */
	if (clock_read(id, &dummy) || (!cputime && id != CLOCK_REALTIME))
		return -EINVAL;
	if (copy_from_user(&ts, a1, sizeof(ts)))
		return -EFAULT;
	if (cputime)
		return -EPERM; /* Linux's CPU-time clocks refuse to be set */
	return realtime_set(&ts);
}

SYSCALL_DEFINE(164, settimeofday)
{
	struct timespec64 ts = {0, 0};
	int32_t tz[2] = {0, 0};
	if (a0) {
		int64_t tv[2];
		if (copy_from_user(tv, a0, sizeof(tv)))
			return -EFAULT;
		if (tv[1] < 0 || tv[1] >= 1000000)
			return -EINVAL;
		ts = (struct timespec64){tv[0], tv[1] * 1000};
	}
	if (a1 && copy_from_user(tz, a1, sizeof(tz)))
		return -EFAULT;
	if (a0 && (ts.sec < 0 || ts.sec >= SETTOD_SEC_MAX))
		return -EINVAL;
	if (current->euid != 0)
		return -EPERM;
	if (a1) {
		if (tz[0] > TZ_MINUTES_MAX || tz[0] < -TZ_MINUTES_MAX)
			return -EINVAL;
		time_tz_set(tz[0], tz[1]);
	}
	return a0 ? realtime_set(&ts) : 0;
}

SYSCALL_DEFINE(201, time)
{
	uint64_t ns;
	clock_read(CLOCK_REALTIME, &ns);
	int64_t s = (int64_t)(ns / NS);
	if (a0 && copy_to_user(a0, &s, sizeof(s)))
		return -EFAULT;
	return s;
}

/* Sleep until clock `id` reads deadline (its own ns); remaining time to urem when interrupted. */
static long sleep_until(int id, uint64_t deadline, uint64_t urem)
{
	uint64_t now;
	clock_read(id, &now);
	if (now >= deadline)
		return 0;
	uint64_t mono_deadline = time_ns() + (deadline - now);
	int r = waitq_wait_until(NULL, NULL, NULL, mono_deadline);
	if (r == -ETIMEDOUT || r == 0)
		return 0;
	uint64_t t = time_ns();
	if (urem && timespec_put(urem, mono_deadline > t ? mono_deadline - t : 0))
		return -EFAULT;
	return -EINTR;
}

SYSCALL_DEFINE(35, nanosleep)
{
	uint64_t ns, now;
	int err = timespec_get(a0, &ns);
	if (err)
		return err;
	clock_read(CLOCK_MONOTONIC, &now);
	return sleep_until(CLOCK_MONOTONIC, now + ns, a1);
}

SYSCALL_DEFINE(230, clock_nanosleep)
{
	int id = (int)a0, flags = (int)a1;
	uint64_t ns, now;
	if (id == CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;
	int err = clock_read(id, &now);
	if (err)
		return err;
	if ((err = timespec_get(a2, &ns)))
		return err;
	if (flags & TIMER_ABSTIME)
		return sleep_until(id, ns, 0);
	return sleep_until(id, now + ns, a3);
}

SYSCALL_DEFINE(100, times)
{
	struct task *t = current;
	int64_t tms[4] = {(int64_t)t->user_ticks, (int64_t)t->sys_ticks, (int64_t)t->cutime_ticks,
			  (int64_t)t->cstime_ticks};
	if (a0 && copy_to_user(a0, tms, sizeof(tms)))
		return -EFAULT;
	return (long)(time_ns() / (NS / 100));
}
