/*
 * arch/x86_64/apic.c - interrupt controllers. The 8259 PICs are remapped
 * out of the exception range and masked; the local APIC gives the timer,
 * the IOAPIC routes ISA interrupts (COM1) to vectors on this CPU.
 */
#include "kernel/apic.h"

#include "kernel/acpi.h"
#include "kernel/cpu.h"
#include "kernel/kmap.h"
#include "kernel/panic.h"
#include "kernel/time.h"
#include "kernel/trap.h"
#include "kernel/watchdog.h"

#define LAPIC_ID 0x20
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)

static volatile uint32_t *lapic;
static volatile uint32_t *ioapic;
static uint32_t ioapic_gsi_base;
volatile uint64_t timer_ticks;
unsigned timer_hz;

static uint32_t lapic_read(unsigned reg) { return lapic[reg / 4]; }
static void lapic_write(unsigned reg, uint32_t v) { lapic[reg / 4] = v; }

static void ioapic_write(unsigned reg, uint32_t v)
{
	ioapic[0] = reg;
	ioapic[4] = v;
}

static void pic_disable(void)
{
	/* ICW1..ICW4: cascade, vectors VEC_PIC_BASE.., then mask every line. */
	outb(0x20, 0x11);
	outb(0xa0, 0x11);
	outb(0x21, VEC_PIC_BASE);
	outb(0xa1, VEC_PIC_BASE + 8);
	outb(0x21, 4);
	outb(0xa1, 2);
	outb(0x21, 1);
	outb(0xa1, 1);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

void apic_init(void)
{
	pic_disable();
	uint64_t base = rdmsr(MSR_APIC_BASE);
	wrmsr(MSR_APIC_BASE, base | (1u << 11)); /* global enable */
	lapic = kmap_mmio(base & 0xfffff000ull, 4096);
	lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
	uint64_t ioapic_pa = acpi_ioapic_address(&ioapic_gsi_base);
	ioapic = kmap_mmio(ioapic_pa, 4096);
}

void apic_eoi(void)
{
	if (lapic)
		lapic_write(LAPIC_EOI, 0);
}

void ioapic_route_isa(unsigned irq, unsigned vector)
{
	uint16_t flags = 0;
	uint32_t gsi = acpi_isa_irq_to_gsi(irq, &flags) - ioapic_gsi_base;
	uint32_t low = vector;
	/* MADT flags: polarity bits 1:0 (3 = active low), trigger 3:2 (3 = level). */
	if ((flags & 3) == 3)
		low |= 1u << 13;
	if (((flags >> 2) & 3) == 3)
		low |= 1u << 15;
	uint32_t apic_id = lapic_read(LAPIC_ID) >> 24;
	ioapic_write(0x10 + 2 * gsi + 1, apic_id << 24);
	ioapic_write(0x10 + 2 * gsi, low);
}

static void (*timer_hook)(struct trap_frame *tf);

void apic_timer_set_hook(void (*hook)(struct trap_frame *tf)) { timer_hook = hook; }

static void timer_interrupt(struct trap_frame *tf)
{
	timer_ticks++;
	watchdog_tick(tf);
	if (timer_hook)
		timer_hook(tf);
}

/* The local APIC timer's count with the TSC at the moment of reading. */
static void lapic_sample(uint64_t *tsc, uint32_t *count)
{
	uint64_t best_span = ~0ull;
	*tsc = 0;
	*count = 0;
	for (int i = 0; i < 5; i++) {
		uint64_t a = rdtsc();
		uint32_t c = lapic_read(LAPIC_TIMER_CUR);
		uint64_t b = rdtsc();
		if (b - a < best_span) {
			best_span = b - a;
			*tsc = a + (b - a) / 2;
			*count = c;
		}
	}
}

void apic_timer_start(unsigned hz)
{
	/* Count LAPIC timer ticks (divide by 16) over 10 ms of TSC time. */
	uint64_t t0 = 0, t1 = 0;
	uint32_t c0 = 0, c1 = 0;
	lapic_write(LAPIC_TIMER_DIV, 0x3);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffffu);
	lapic_sample(&t0, &c0);
	time_delay_ns(10000000ull);
	lapic_sample(&t1, &c1);
	uint64_t ns = (t1 - t0) * 1000000ull / time_tsc_khz();
	uint64_t per_sec = ns ? (uint64_t)(c0 - c1) * 1000000000ull / ns : 0;
	uint32_t per_tick = (uint32_t)(per_sec / hz);
	if (!per_tick)
		panic("apic_timer_start: local APIC timer does not count");
	timer_hz = hz;
	trap_set_handler(VEC_TIMER, timer_interrupt);
	lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, per_tick);
}
