/*
 * kernel/panic.h - the panic screen: message, registers, control registers,
 * error code and a symbolised backtrace; then the machine stops as the
 * `panic=` command-line word says.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdarg.h>

#include "kernel/trap.h"

/* panic= : <0 reset at once (the default here), 0 wait forever, N>0 reset after N s. */
extern long panic_timeout;

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);
/* The same with a va_list; the backtrace starts at the caller of panic_va. */
__attribute__((noreturn, noinline)) void panic_va(const char *fmt, va_list ap);
/* Panic for an unexpected exception, showing the trapped registers. */
__attribute__((noreturn)) void panic_trap(struct trap_frame *tf);
/* Print a backtrace starting at (rip, rbp). */
void backtrace_print(uint64_t rip, uint64_t rbp);

/* Reset the machine (ACPI reset register, 0xCF9, keyboard controller, triple fault). */
__attribute__((noreturn)) void machine_reset(void);

#endif
