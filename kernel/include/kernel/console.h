/*
 * kernel/console.h - when the serial console's line discipline runs
 * (fs/console.c). It sends signals (^C, ^Z, ^\), so it runs only where the
 * interrupted code cannot be halfway through changing signal state: an
 * interrupt from user mode or from the idle loop. Interrupts that land in
 * kernel code leave the input for the next such point.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdbool.h>

/*
 * From the COM1 receive interrupt and every timer tick: process received
 * input now when at_safe_point, else note that it is waiting.
 */
void console_input_event(bool at_safe_point);

#endif
