/*
 * syscalls/sys_time.c - clocks and sleeping. CLOCK_MONOTONIC is the TSC
 * clock; CLOCK_REALTIME is the same plus the boot time read from the CMOS
 * real-time clock once. Sleeps are timed waits that a signal interrupts.
 */
#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "kernel/wait.h"

#define NS 1000000000ull
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1

struct timespec64 {
	int64_t sec, nsec;
};

static uint8_t cmos_read(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned bcd(uint8_t v, bool binary) { return binary ? v : (v & 15) + (v >> 4) * 10; }

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* Wall-clock seconds at time_ns() == 0, from the RTC (read once). */
static int64_t realtime_offset_sec(void)
{
	static bool done;
	static int64_t offset;
	if (done)
		return offset;
	while (cmos_read(0x0a) & 0x80)
		; /* update in progress */
	uint8_t fmt = cmos_read(0x0b);
	bool bin = fmt & 4;
	unsigned s = bcd(cmos_read(0x00), bin), mi = bcd(cmos_read(0x02), bin);
	uint8_t hr = cmos_read(0x04);
	unsigned h = bcd(hr & 0x7f, bin);
	if (!(fmt & 2) && (hr & 0x80))
		h = (h % 12) + 12;
	unsigned d = bcd(cmos_read(0x07), bin), mo = bcd(cmos_read(0x08), bin);
	unsigned y = bcd(cmos_read(0x09), bin) + 2000;
	int64_t now = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	offset = now - (int64_t)(time_ns() / NS);
	done = true;
	return offset;
}

static uint64_t cpu_ns(const struct task *t) { return (t->user_ticks + t->sys_ticks) * (NS / 100); }

/* The time of clock id in ns, or -EINVAL. */
static int clock_read(int id, uint64_t *out)
{
	switch (id) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*out = time_ns() + (uint64_t)realtime_offset_sec() * NS;
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*out = time_ns();
		return 0;
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
		int32_t tz[2] = {0, 0};
		if (copy_to_user(a1, tz, sizeof(tz)))
			return -EFAULT;
	}
	return 0;
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
