/*
 * kernel/watchdog.h - the hang detector on the timer interrupt: when the
 * CPU has stayed inside the kernel in one task for `watchdog=SECONDS`
 * (default 60; 0 turns it off) with no return to user mode, no idle, no
 * task switch and no resolved page fault, the kernel panics and the panic
 * screen names the task and its system call.
 */
#ifndef KERNEL_WATCHDOG_H
#define KERNEL_WATCHDOG_H

#include "kernel/trap.h"

/* Called on every timer tick with the interrupted frame. */
void watchdog_tick(const struct trap_frame *tf);
/* Progress made inside the kernel (a page fault resolved): not a hang. */
void watchdog_pet(void);

#endif
