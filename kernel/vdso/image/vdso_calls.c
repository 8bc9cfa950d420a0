/*
 * vdso/image/vdso_calls.c - the vDSO's functions: user-space code, linked
 * into linux-vdso.so.1 (vdso.lds, vdso.ver) and mapped into every process.
 *
 * The clocks the data page answers (kernel/vclock.h: realtime, monotonic,
 * their raw and coarse forms, boot time) are computed here from the TSC
 * with the kernel's own arithmetic; any other clock id goes to the real
 * system call, so its result (EINVAL for a bad id, EFAULT for a bad
 * pointer) is the kernel's. As on Linux, the functions return 0 or a
 * negative errno, never touch errno, and a bad pointer given for a clock
 * answered here faults in the caller.
 *
 * The data page sits one page below the image: the linker script defines
 * vvar_page there, and hidden visibility makes every reference
 * RIP-relative, so the image needs no relocation wherever it is mapped.
 */
#include <stddef.h>
#include <stdint.h>

#include "kernel/vclock.h"

#define NR_CLOCK_GETTIME 228
#define NR_CLOCK_GETRES 229

struct vdso_timespec {
	int64_t tv_sec, tv_nsec;
};

struct vdso_timeval {
	int64_t tv_sec, tv_usec;
};

struct vdso_timezone {
	int32_t tz_minuteswest, tz_dsttime;
};

extern struct vclock vvar_page __attribute__((visibility("hidden")));

static long vdso_syscall2(long nr, long a0, long a1)
{
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"(nr), "D"(a0), "S"(a1)
			 : "rcx", "r11", "memory");
	return ret;
}

/* The TSC, not read before the loads that precede it (as rdtsc_ordered). */
static uint64_t vdso_rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static uint32_t vdso_seq(void) { return __atomic_load_n(&vvar_page.seq, __ATOMIC_ACQUIRE); }

/*
 * Clock id's time in ns from one consistent view of the data page; -1 when
 * the page does not answer id. Inlined into each caller: a call, its
 * return and the result's trip through memory cost as much as the
 * arithmetic itself.
 */
static inline __attribute__((always_inline)) int vdso_clock_ns(int id, uint64_t *ns)
{
	for (;;) {
		uint32_t seq = vdso_seq();
		if (seq & 1) {
			__asm__ volatile("pause");
			continue;
		}
		int r = vclock_read(&vvar_page, id, vdso_rdtsc(), ns);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (vdso_seq() == seq)
			return r;
	}
}

/* The CLOCK_REALTIME the kernel would give now, in ns (always answered from the page). */
static uint64_t vdso_realtime_ns(void)
{
	uint64_t ns = 0;
	vdso_clock_ns(VCLOCK_REALTIME, &ns);
	return ns;
}

/* clock_gettime(2): 0 and *ts, or the system call's result for clocks the page does not answer. */
int __vdso_clock_gettime(int id, struct vdso_timespec *ts)
{
	uint64_t ns;
	if (vdso_clock_ns(id, &ns))
		return (int)vdso_syscall2(NR_CLOCK_GETTIME, id, (long)ts);
	ts->tv_sec = (int64_t)(ns / VCLOCK_NS);
	ts->tv_nsec = (int64_t)(ns % VCLOCK_NS);
	return 0;
}

/* gettimeofday(2): fills whichever of tv and tz is not NULL (tz as settimeofday left it); 0. */
int __vdso_gettimeofday(struct vdso_timeval *tv, struct vdso_timezone *tz)
{
	if (tv) {
		uint64_t ns = vdso_realtime_ns();
		tv->tv_sec = (int64_t)(ns / VCLOCK_NS);
		tv->tv_usec = (int64_t)(ns % VCLOCK_NS) / 1000;
	}
	if (tz) {
		uint32_t seq;
		do {
			seq = vdso_seq();
			tz->tz_minuteswest = vvar_page.tz_minuteswest;
			tz->tz_dsttime = vvar_page.tz_dsttime;
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
		} while ((seq & 1) || vdso_seq() != seq);
	}
	return 0;
}

/* time(2): the seconds of CLOCK_REALTIME, also stored at t unless it is NULL. */
int64_t __vdso_time(int64_t *t)
{
	int64_t s = (int64_t)(vdso_realtime_ns() / VCLOCK_NS);
	if (t)
		*t = s;
	return s;
}

/* getcpu(2): CPU 0 of node 0, the one this kernel runs on; NULL pointers are skipped; 0. */
int __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
	(void)unused;
	if (cpu)
		*cpu = 0;
	if (node)
		*node = 0;
	return 0;
}

/*
 * clock_getres(2): 1 ns for the clocks the page answers (the kernel counts
 * in ns), else the system call's answer.
 */
int __vdso_clock_getres(int id, struct vdso_timespec *res)
{
	uint64_t ns;
	if (vdso_clock_ns(id, &ns))
		return (int)vdso_syscall2(NR_CLOCK_GETRES, id, (long)res);
	if (res) {
		res->tv_sec = 0;
		res->tv_nsec = 1;
	}
	return 0;
}

int clock_gettime(int, struct vdso_timespec *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct vdso_timeval *, struct vdso_timezone *)
	__attribute__((weak, alias("__vdso_gettimeofday")));
int64_t time(int64_t *) __attribute__((weak, alias("__vdso_time")));
int getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
int clock_getres(int, struct vdso_timespec *) __attribute__((weak, alias("__vdso_clock_getres")));
