/*
 * arch/x86_64/serial.c - COM1, a 16550 UART. Output is polled (it must
 * work from the first instruction of kmain and inside a panic); input
 * arrives by interrupt into a small ring that the console's line
 * discipline (fs/console.c) drains.
 */
#include "kernel/serial.h"

#include "kernel/cpu.h"

#define UART_DATA 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define MCR_DTR_RTS_OUT2 0x0b /* OUT2 gates the UART's interrupt line */
#define MCR_LOOP 0x10

#define RING_SIZE 256 /* power of two */

static volatile uint8_t ring[RING_SIZE];
static volatile unsigned ring_head, ring_tail;
static volatile uint64_t rx_irqs;

void serial_init(void)
{
	outb(COM1_PORT + UART_IER, 0);
	outb(COM1_PORT + UART_LCR, 0x80); /* DLAB: divisor follows */
	outb(COM1_PORT + UART_DATA, 1);   /* 115200 baud */
	outb(COM1_PORT + UART_IER, 0);
	outb(COM1_PORT + UART_LCR, 0x03); /* 8N1 */
	outb(COM1_PORT + UART_FCR, 0xc7); /* FIFOs on and cleared, 14-byte trigger */
	outb(COM1_PORT + UART_MCR, MCR_DTR_RTS_OUT2);
}

void serial_putc(char c)
{
	/* Bounded wait: a missing UART must not hang the kernel. */
	for (unsigned i = 0; i < 100000 && !(inb(COM1_PORT + UART_LSR) & LSR_THR_EMPTY); i++)
		cpu_relax();
	outb(COM1_PORT + UART_DATA, (uint8_t)c);
}

void serial_write(const char *s, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

void serial_enable_rx_irq(void)
{
	outb(COM1_PORT + UART_IER, 0x01); /* received data available */
}

void serial_rx_interrupt(void)
{
	rx_irqs++;
	while (inb(COM1_PORT + UART_LSR) & LSR_DATA_READY) {
		uint8_t c = inb(COM1_PORT + UART_DATA);
		unsigned next = (ring_head + 1) & (RING_SIZE - 1);
		if (next != ring_tail) { /* full: drop, as a real tty does */
			ring[ring_head] = c;
			ring_head = next;
		}
	}
}

int serial_getc(void)
{
	if (ring_tail == ring_head)
		return -1;
	int c = ring[ring_tail];
	ring_tail = (ring_tail + 1) & (RING_SIZE - 1);
	return c;
}

bool serial_rx_pending(void) { return ring_tail != ring_head; }

void serial_set_loopback(bool on)
{
	outb(COM1_PORT + UART_MCR, MCR_DTR_RTS_OUT2 | (on ? MCR_LOOP : 0));
}

uint64_t serial_rx_irq_count(void) { return rx_irqs; }
