/* kernel/apic.h - local APIC timer and IOAPIC routing; the legacy PICs are masked. */
#ifndef KERNEL_APIC_H
#define KERNEL_APIC_H

#include <stdint.h>

/* Mask the 8259s, map and enable the local APIC and the IOAPIC. */
void apic_init(void);
/* Send end-of-interrupt to the local APIC. */
void apic_eoi(void);
/* Start the periodic local APIC timer at hz (calibrated against the TSC). */
void apic_timer_start(unsigned hz);
/* Route ISA irq to vector on this CPU (unmasked). */
void ioapic_route_isa(unsigned irq, unsigned vector);
struct trap_frame;
/* Call hook(tf) on every timer interrupt (NULL: none). */
void apic_timer_set_hook(void (*hook)(struct trap_frame *tf));
/* Timer interrupts taken since apic_timer_start(). */
extern volatile uint64_t timer_ticks;
extern unsigned timer_hz;

#endif
