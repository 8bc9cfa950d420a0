/*
 * ktest/kt_cpu.c - time and interrupts: the local APIC timer ticks at the
 * rate it was calibrated for, the TSC clock only moves forward, and COM1's
 * receive interrupt arrives through the IOAPIC (driven by the UART's own
 * loopback mode, so no outside input is needed).
 */
#include "kernel/apic.h"
#include "kernel/cpu.h"
#include "kernel/ktest.h"
#include "kernel/serial.h"
#include "kernel/time.h"

#define NS_PER_MS 1000000ull

/*
 * Ten timer interrupts arrive, not faster than the programmed rate allows
 * (with 2x slack) and within 2 s. The slow side is loose on purpose: a
 * busy host may merge the ticks of a descheduled virtual CPU.
 */
static int kt_timer_ticks(void)
{
	KT_CHECK(cpu_flags() & RFLAGS_IF);
	KT_CHECK(timer_hz > 0);
	uint64_t t0 = timer_ticks;
	while (timer_ticks == t0)
		cpu_halt(); /* align to a tick edge */
	uint64_t start = time_ns(), first = timer_ticks;
	while (timer_ticks - first < 10 && time_ns() - start < 2000 * NS_PER_MS)
		cpu_halt();
	uint64_t elapsed = time_ns() - start, ticks = timer_ticks - first;
	uint64_t period = 1000 * NS_PER_MS / timer_hz;
	if (ticks < 10 || elapsed * 2 < ticks * period)
		kprintf("    %lu ticks in %lu us at %u Hz\n", ticks, elapsed / 1000, timer_hz);
	KT_CHECK(ticks >= 10 && elapsed * 2 >= ticks * period);
	return 0;
}

static int kt_clock_monotonic(void)
{
	KT_CHECK(time_tsc_khz() > 0);
	uint64_t prev = time_ns();
	for (int i = 0; i < 10000; i++) {
		uint64_t now = time_ns();
		KT_CHECK(now >= prev);
		prev = now;
	}
	/*
	 * The PIT, an independent clock, agrees to within 5% over 20 ms. As in
	 * the calibration, a host pause can hide PIT wraps (TSC looks fast),
	 * so the lowest ratio of three tries counts.
	 */
	uint64_t best_ns = 0, best_pit_ns = 0;
	for (int i = 0; i < 3; i++) {
		uint64_t pit_ticks;
		uint64_t ns = pit_measure_tsc(20, &pit_ticks) * 1000000ull / time_tsc_khz();
		uint64_t pit_ns = pit_ticks * 1000000000ull / 1193182u;
		if (pit_ns && (!best_pit_ns || ns * best_pit_ns < best_ns * pit_ns)) {
			best_ns = ns;
			best_pit_ns = pit_ns;
		}
	}
	if (best_ns * 100 < best_pit_ns * 95 || best_ns * 100 > best_pit_ns * 105)
		kprintf("    PIT %lu us vs TSC %lu us\n", best_pit_ns / 1000, best_ns / 1000);
	KT_CHECK(best_pit_ns > 0 && best_ns * 100 >= best_pit_ns * 95 &&
		 best_ns * 100 <= best_pit_ns * 105);
	return 0;
}

static int kt_serial_rx_irq(void)
{
	while (serial_getc() >= 0)
		;
	uint64_t irqs = serial_rx_irq_count();
	serial_set_loopback(true);
	serial_putc('Z');
	serial_putc('!');
	int got[2] = {-1, -1}, n = 0;
	uint64_t deadline = time_ns() + 200 * NS_PER_MS;
	while (n < 2 && time_ns() < deadline) {
		int c = serial_getc();
		if (c >= 0)
			got[n++] = c;
		else
			cpu_halt(); /* wait for the interrupt (or the timer) */
	}
	serial_set_loopback(false);
	KT_CHECK(serial_rx_irq_count() > irqs);
	KT_CHECK(got[0] == 'Z' && got[1] == '!');
	return 0;
}

const struct ktest ktests_cpu[] = {
	{"timer_ticks", kt_timer_ticks},
	{"clock_monotonic", kt_clock_monotonic},
	{"serial_rx_irq", kt_serial_rx_irq},
	{NULL, NULL},
};
