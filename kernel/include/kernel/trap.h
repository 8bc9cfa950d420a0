/*
 * kernel/trap.h - the interrupt descriptor table, the register frame every
 * interrupt and exception stub saves, and how handlers are installed.
 */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include <stdint.h>

/* Saved by arch/x86_64/entry.S; the order matches its pushes. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

#define VEC_DE 0
#define VEC_NMI 2
#define VEC_DF 8
#define VEC_GP 13
#define VEC_PF 14
#define VEC_PIC_BASE 0xe0   /* legacy 8259s, remapped and masked */
#define VEC_COM1 0x34
#define VEC_TIMER 0x40
#define VEC_SPURIOUS 0xff

/* Page-fault error code bits. */
#define PF_PRESENT (1u << 0)
#define PF_WRITE (1u << 1)
#define PF_USER (1u << 2)
#define PF_INSTR (1u << 4)

typedef void (*irq_handler)(struct trap_frame *tf);

/* Load the IDT with every vector pointing at its entry stub. */
void idt_init(void);
/* Route a device vector (>= 32) to handler. */
void trap_set_handler(unsigned vector, irq_handler handler);
/* Called by entry.S for every vector. */
void trap_dispatch(struct trap_frame *tf);
/* Printable name of an exception vector. */
const char *trap_name(unsigned vector);

/* Load the kernel GDT and TSS (IST stacks for #DF and NMI). */
void gdt_init(void);
/* Stack the CPU switches to on an interrupt from user mode (TSS RSP0). */
void gdt_set_kernel_stack(uint64_t top);

#endif
