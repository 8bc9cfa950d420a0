/*
 * kernel/printf.h - formatted output for the kernel: kprintf to the
 * console and ksnprintf into a buffer. Supports %d %i %u %x %X %p %s %c %%
 * with l, ll, z, width, '0' and '-' flags.
 */
#ifndef KERNEL_PRINTF_H
#define KERNEL_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

/* Where formatted characters go. */
typedef void (*kfmt_sink)(void *ctx, char c);

/* Format into sink; returns the number of characters produced. */
int kvformat(kfmt_sink sink, void *ctx, const char *fmt, va_list ap);

/* Console output (serial). Returns characters written. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

/* Log line unless the command line said `quiet`. */
void klog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int klog_quiet;

/* Bounded formatting; always NUL-terminates when size > 0. Returns the full length. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
