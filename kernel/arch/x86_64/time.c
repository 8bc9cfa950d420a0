/*
 * arch/x86_64/time.c - the monotonic clock, from the TSC counted against
 * PIT channel 2 (whose 1.193182 MHz is fixed by the PC platform).
 *
 * The PIT's counter is read, not waited on: each sample latches the count
 * between two TSC reads and keeps the tightest of a few tries, so a
 * virtual CPU that is descheduled during calibration (common under TCG on
 * a busy host) does not skew the result; only the short bracket around
 * each read matters. A pause longer than the PIT's 55 ms countdown hides
 * whole wraps of the counter, which can only make the TSC look faster, so
 * the slowest of three measurements is kept. Nanoseconds are then
 * tsc * mult >> 32, integers only.
 *
 * The clock's parameters (that multiplier, the realtime offset, the time
 * zone settimeofday stored) are one struct vclock (kernel/vclock.h): a
 * static one during boot, then the vDSO's data page once exec first sets
 * that up (time_vclock_move), so the kernel and user space read the very
 * same words through the very same arithmetic.
 */
#include "kernel/time.h"

#include <stdbool.h>

#include "kernel/cpu.h"
#include "kernel/vclock.h"

#define PIT_HZ 1193182u
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_GATE 0x61
#define SAMPLE_TRIES 5
#define CALIBRATION_RUNS 3
#define CALIBRATION_MS 5

static uint64_t tsc_khz;
static struct vclock boot_clock;
static struct vclock *clock = &boot_clock;

/* Start channel 2 counting down from 0xffff (55 ms) in mode 0. */
static void pit_start(void)
{
	outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01); /* gate on, speaker off */
	outb(PIT_CMD, 0xb0);                           /* ch2, lo/hi, mode 0 */
	outb(PIT_CH2, 0xff);
	outb(PIT_CH2, 0xff);
}

static uint16_t pit_count(void)
{
	outb(PIT_CMD, 0x80); /* latch channel 2 */
	uint8_t lo = inb(PIT_CH2);
	uint8_t hi = inb(PIT_CH2);
	return (uint16_t)(lo | (hi << 8));
}

struct pit_sample {
	uint64_t tsc;
	uint16_t count;
};

/* The PIT count with the TSC at the moment of reading (tightest of a few tries). */
static struct pit_sample pit_sample(void)
{
	struct pit_sample best = {0, 0};
	uint64_t best_span = ~0ull;
	for (int i = 0; i < SAMPLE_TRIES; i++) {
		uint64_t a = rdtsc();
		uint16_t c = pit_count();
		uint64_t b = rdtsc();
		if (b - a < best_span) {
			best_span = b - a;
			best = (struct pit_sample){a + (b - a) / 2, c};
		}
	}
	return best;
}

uint64_t pit_measure_tsc(unsigned ms, uint64_t *pit_ticks)
{
	uint32_t want = PIT_HZ / 1000 * ms;
	if (want > 0xf000)
		want = 0xf000; /* stay inside one countdown */
	pit_start();
	struct pit_sample s0 = pit_sample(), s1;
	uint64_t spins = 0;
	do {
		s1 = pit_sample();
	} while ((uint16_t)(s0.count - s1.count) < want && ++spins < 10000000ull);
	*pit_ticks = (uint16_t)(s0.count - s1.count);
	return s1.tsc - s0.tsc;
}

void time_init(void)
{
	tsc_khz = ~0ull;
	for (int i = 0; i < CALIBRATION_RUNS; i++) {
		uint64_t pit_ticks;
		uint64_t tsc = pit_measure_tsc(CALIBRATION_MS, &pit_ticks);
		uint64_t khz = pit_ticks ? tsc * PIT_HZ / pit_ticks / 1000 : ~0ull;
		if (khz < tsc_khz)
			tsc_khz = khz;
	}
	if (tsc_khz == ~0ull)
		tsc_khz = 0;
	if (!tsc_khz)
		tsc_khz = 1000000; /* no usable PIT: assume 1 GHz rather than divide by 0 */
	boot_clock.ns_mult = (1000000ull << 32) / tsc_khz;
	boot_clock.realtime_offset = rtc_read_seconds() * (int64_t)VCLOCK_NS - (int64_t)time_ns();
}

uint64_t time_tsc_khz(void) { return tsc_khz; }

uint64_t time_ns(void) { return vclock_mono_ns(clock, rdtsc()); }

const struct vclock *time_vclock(void) { return clock; }

void time_vclock_move(struct vclock *to)
{
	*to = *clock;
	to->seq = 0;
	clock = to;
}

/* Readers elsewhere retry while seq is odd; the kernel itself runs on one CPU. */
static void vclock_write_begin(void)
{
	clock->seq++;
	__asm__ volatile("" ::: "memory");
}

static void vclock_write_end(void)
{
	__asm__ volatile("" ::: "memory");
	clock->seq++;
}

void time_realtime_set(uint64_t ns)
{
	vclock_write_begin();
	clock->realtime_offset = (int64_t)(ns - time_ns());
	vclock_write_end();
}

void time_tz_set(int32_t minuteswest, int32_t dsttime)
{
	vclock_write_begin();
	clock->tz_minuteswest = minuteswest;
	clock->tz_dsttime = dsttime;
	vclock_write_end();
}

void time_delay_ns(uint64_t ns)
{
	if (!clock->ns_mult) {
		for (uint64_t i = 0; i < ns; i++)
			cpu_relax();
		return;
	}
	uint64_t end = time_ns() + ns;
	while (time_ns() < end)
		cpu_relax();
}
