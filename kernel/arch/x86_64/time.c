/*
 * arch/x86_64/time.c - the monotonic clock. The TSC is counted against
 * PIT channel 2 (whose 1.193182 MHz is fixed by the PC platform) over
 * three 5 ms windows, keeping the shortest: a virtual CPU that is
 * descheduled while it polls sees the PIT expire late and counts too many
 * TSC ticks, never too few. Nanoseconds are tsc * mult >> 32, integer only.
 */
#include "kernel/time.h"

#include "kernel/cpu.h"

#define PIT_HZ 1193182u
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_GATE 0x61
#define CALIBRATION_RUNS 3
#define CALIBRATION_MS 5

static uint64_t tsc_khz;
static uint64_t ns_mult; /* ns per TSC tick, 32.32 fixed point */

uint64_t pit_wait_ms(unsigned ms)
{
	uint32_t count = PIT_HZ / 1000 * ms;
	if (count > 0xffff)
		count = 0xffff;
	/* Gate channel 2 on, speaker off; mode 0 (interrupt on terminal count). */
	outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01);
	outb(PIT_CMD, 0xb0);
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	uint64_t t0 = rdtsc();
	/* Output (bit 5) rises when the count reaches zero. The bound keeps a
	 * missing PIT from hanging the boot. */
	for (uint64_t i = 0; i < 100000000ull && !(inb(PIT_GATE) & 0x20); i++)
		;
	return rdtsc() - t0;
}

void time_init(void)
{
	uint64_t ticks = ~0ull;
	for (int i = 0; i < CALIBRATION_RUNS; i++) {
		uint64_t t = pit_wait_ms(CALIBRATION_MS);
		if (t < ticks)
			ticks = t;
	}
	tsc_khz = ticks / CALIBRATION_MS;
	if (!tsc_khz)
		tsc_khz = 1000000; /* no usable PIT: assume 1 GHz rather than divide by 0 */
	ns_mult = (1000000ull << 32) / tsc_khz;
}

uint64_t time_tsc_khz(void) { return tsc_khz; }

uint64_t time_ns(void)
{
	uint64_t t = rdtsc();
	/* (t * mult) >> 32 without overflow: split t into high and low halves. */
	return (t >> 32) * ns_mult + (((t & 0xffffffffull) * ns_mult) >> 32);
}

void time_delay_ns(uint64_t ns)
{
	if (!ns_mult) {
		for (uint64_t i = 0; i < ns; i++)
			cpu_relax();
		return;
	}
	uint64_t end = time_ns() + ns;
	while (time_ns() < end)
		cpu_relax();
}
