/*
 * kernel/vclock.h - the clock as both the kernel and the vDSO read it: the
 * layout of the data page ("[vvar]") and the arithmetic that turns a TSC
 * reading into each clock's nanoseconds. The kernel's own clock_gettime
 * and the vDSO's call these same inline functions on the same data, so a
 * reading in user space and a following system call can never disagree
 * about the order of events.
 *
 * Freestanding: included by kernel code and by the vDSO (kernel/vdso/image),
 * which is user code; nothing here may depend on either side.
 */
#ifndef KERNEL_VCLOCK_H
#define KERNEL_VCLOCK_H

#include <stdint.h>

#define VCLOCK_NS 1000000000ull

#define VCLOCK_REALTIME 0
#define VCLOCK_MONOTONIC 1
#define VCLOCK_PROCESS_CPUTIME_ID 2
#define VCLOCK_THREAD_CPUTIME_ID 3
#define VCLOCK_MONOTONIC_RAW 4
#define VCLOCK_REALTIME_COARSE 5
#define VCLOCK_MONOTONIC_COARSE 6
#define VCLOCK_BOOTTIME 7

/*
 * The published clock. seq is odd while the kernel rewrites the rest; a
 * reader takes a copy between two equal even values of seq.
 */
struct vclock {
	uint32_t seq;
	int32_t tz_minuteswest;  /* what settimeofday's tz set (gettimeofday's tz) */
	int32_t tz_dsttime;
	uint32_t reserved;
	uint64_t ns_mult;        /* ns per TSC tick, 32.32 fixed point */
	int64_t realtime_offset; /* CLOCK_REALTIME - CLOCK_MONOTONIC, in ns */
};

/* Nanoseconds of CLOCK_MONOTONIC at TSC reading tsc: tsc * ns_mult >> 32 without overflow. */
static inline uint64_t vclock_mono_ns(const struct vclock *c, uint64_t tsc)
{
	uint64_t m = c->ns_mult;
	return (tsc >> 32) * m + (((tsc & 0xffffffffull) * m) >> 32);
}

/*
 * The time of clock id at TSC reading tsc, into *ns. Returns 0, or -1 for
 * an id this data does not answer (CPU-time clocks, bad ids): those are
 * the kernel's business alone.
 */
static inline int vclock_read(const struct vclock *c, int id, uint64_t tsc, uint64_t *ns)
{
	switch (id) {
	case VCLOCK_REALTIME:
	case VCLOCK_REALTIME_COARSE:
		*ns = vclock_mono_ns(c, tsc) + (uint64_t)c->realtime_offset;
		return 0;
	case VCLOCK_MONOTONIC:
	case VCLOCK_MONOTONIC_RAW:
	case VCLOCK_MONOTONIC_COARSE:
	case VCLOCK_BOOTTIME:
		*ns = vclock_mono_ns(c, tsc);
		return 0;
	default:
		return -1;
	}
}

#endif
