/* kernel/serial.h - the COM1 16550 console: polled output, interrupt-driven input. */
#ifndef KERNEL_SERIAL_H
#define KERNEL_SERIAL_H

#include <stdbool.h>
#include <stdint.h>

#define COM1_PORT 0x3f8
#define COM1_IRQ 4

/* Program COM1 for 115200 8N1 with FIFOs; output works right after. */
void serial_init(void);
void serial_putc(char c);
void serial_write(const char *s, unsigned long n);

/* Turn on receive interrupts (after the IOAPIC routes COM1_IRQ). */
void serial_enable_rx_irq(void);
/* Interrupt handler: drain the receiver into the input ring. */
void serial_rx_interrupt(void);
/* Next received byte, or -1 when the ring is empty. */
int serial_getc(void);
/* True when received bytes wait in the ring. */
bool serial_rx_pending(void);
/* Loopback mode (the UART feeds its own output back to its input), for tests. */
void serial_set_loopback(bool on);
/* Number of receive interrupts taken so far. */
uint64_t serial_rx_irq_count(void);

#endif
