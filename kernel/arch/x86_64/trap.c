/*
 * arch/x86_64/trap.c - the IDT and the dispatcher every vector goes
 * through: user page faults go to mmcore, other user exceptions become
 * signals, kernel exceptions are fixed up (kernel/extable.h) or panic;
 * device vectors call their registered handler and acknowledge the local
 * APIC (the timer also drives the scheduler). Every return to user mode
 * passes through signal delivery.
 */
#include "kernel/trap.h"

#include "kernel/apic.h"
#include "kernel/extable.h"
#include "kernel/panic.h"
#include "kernel/task.h"
#include "kernel/uspace.h"

struct idt_gate {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t zero;
} __attribute__((packed));

extern const uint64_t isr_table[256];
static struct idt_gate idt[256];
static irq_handler handlers[256];

static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault", "coprocessor overrun",
	"invalid TSS", "segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 FP error", "alignment check", "machine check",
	"SIMD FP error", "virtualization", "control protection", "reserved", "reserved",
	"reserved", "reserved", "reserved", "reserved", "hypervisor injection",
	"VMM communication", "security", "reserved",
};

const char *trap_name(unsigned vector)
{
	if (vector < 32)
		return exception_names[vector];
	return "interrupt";
}

static void idt_set(unsigned vec, uint64_t handler, unsigned ist)
{
	idt[vec] = (struct idt_gate){
		.off_lo = handler & 0xffff,
		.sel = 0x08,
		.ist = (uint8_t)ist,
		.type = 0x8e, /* present, DPL 0, 64-bit interrupt gate */
		.off_mid = (handler >> 16) & 0xffff,
		.off_hi = (uint32_t)(handler >> 32),
	};
}

void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++)
		idt_set(v, isr_table[v], v == VEC_DF ? 1 : v == VEC_NMI ? 2 : 0);
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) ptr = {sizeof(idt) - 1, (uint64_t)idt};
	__asm__ volatile("lidt %0" : : "m"(ptr));
}

void trap_set_handler(unsigned vector, irq_handler handler)
{
	if (vector >= 32 && vector < 256)
		handlers[vector] = handler;
}

void trap_dispatch(struct trap_frame *tf)
{
	unsigned vec = (unsigned)tf->vector;
	bool from_user = (tf->cs & 3) == 3;
	if (vec < 32) {
		if (vec == VEC_PF && uspace_page_fault(tf)) {
			/* resolved, or a signal is now pending for the user task */
		} else if (from_user) {
			proc_user_exception(tf);
		} else if (extable_fixup(tf)) {
			return;
		} else {
			panic_trap(tf);
		}
	} else if ((vec >= VEC_PIC_BASE && vec < VEC_PIC_BASE + 16) || vec == VEC_SPURIOUS) {
		return; /* spurious (the masked 8259s included): no EOI */
	} else {
		if (handlers[vec])
			handlers[vec](tf);
		if (vec == VEC_TIMER)
			sched_tick(tf);
		apic_eoi();
	}
	if (from_user)
		proc_return_to_user(tf);
}
