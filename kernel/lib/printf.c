/*
 * lib/printf.c - the kernel's printf family over a character sink.
 * No floating point (the kernel is built without SSE).
 */
#include "kernel/printf.h"

#include <stdbool.h>
#include <stdint.h>

#include "kernel/serial.h"

int klog_quiet;

struct fmt_spec {
	int width;
	bool zero, left;
	int lng; /* 0 int, 1 long, 2 long long, 3 size_t */
};

static int emit_padded(kfmt_sink sink, void *ctx, const char *s, int len,
		       const struct fmt_spec *sp)
{
	int n = 0;
	int pad = sp->width > len ? sp->width - len : 0;
	if (!sp->left)
		for (; pad > 0; pad--, n++)
			sink(ctx, sp->zero ? '0' : ' ');
	for (int i = 0; i < len; i++, n++)
		sink(ctx, s[i]);
	for (; pad > 0; pad--, n++)
		sink(ctx, ' ');
	return n;
}

static int emit_number(kfmt_sink sink, void *ctx, uint64_t v, bool neg,
		       unsigned base, bool upper, const struct fmt_spec *sp)
{
	char buf[24];
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int i = sizeof(buf);
	do {
		buf[--i] = digits[v % base];
		v /= base;
	} while (v);
	if (neg) {
		if (sp->zero && sp->width > 0) {
			/* the sign goes before zero padding: "-0042" */
			struct fmt_spec rest = *sp;
			sink(ctx, '-');
			rest.width = sp->width - 1;
			return 1 + emit_padded(sink, ctx, buf + i, (int)sizeof(buf) - i, &rest);
		}
		buf[--i] = '-';
	}
	return emit_padded(sink, ctx, buf + i, (int)sizeof(buf) - i, sp);
}

static uint64_t arg_unsigned(va_list *ap, int lng)
{
	switch (lng) {
	case 0: return va_arg(*ap, unsigned int);
	case 1: return va_arg(*ap, unsigned long);
	case 2: return va_arg(*ap, unsigned long long);
	default: return va_arg(*ap, size_t);
	}
}

static int64_t arg_signed(va_list *ap, int lng)
{
	switch (lng) {
	case 0: return va_arg(*ap, int);
	case 1: return va_arg(*ap, long);
	case 2: return va_arg(*ap, long long);
	default: return (int64_t)va_arg(*ap, size_t);
	}
}

static const char *parse_spec(const char *f, struct fmt_spec *sp)
{
	*sp = (struct fmt_spec){0};
	for (;; f++) {
		if (*f == '0')
			sp->zero = true;
		else if (*f == '-')
			sp->left = true;
		else
			break;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == 'z') {
		sp->lng = 3;
		f++;
	}
	while (*f == 'l') {
		sp->lng = sp->lng < 2 ? sp->lng + 1 : 2;
		f++;
	}
	return f;
}

int kvformat(kfmt_sink sink, void *ctx, const char *fmt, va_list ap0)
{
	va_list ap;
	int n = 0;
	va_copy(ap, ap0);
	for (const char *f = fmt; *f; f++) {
		struct fmt_spec sp;
		if (*f != '%') {
			sink(ctx, *f);
			n++;
			continue;
		}
		f = parse_spec(f + 1, &sp);
		switch (*f) {
		case 'd':
		case 'i': {
			int64_t v = arg_signed(&ap, sp.lng);
			n += emit_number(sink, ctx, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, false, &sp);
			break;
		}
		case 'u': n += emit_number(sink, ctx, arg_unsigned(&ap, sp.lng), false, 10, false, &sp); break;
		case 'x': n += emit_number(sink, ctx, arg_unsigned(&ap, sp.lng), false, 16, false, &sp); break;
		case 'X': n += emit_number(sink, ctx, arg_unsigned(&ap, sp.lng), false, 16, true, &sp); break;
		case 'p':
			sink(ctx, '0');
			sink(ctx, 'x');
			sp.zero = true;
			sp.width = 16;
			n += 2 + emit_number(sink, ctx, (uint64_t)va_arg(ap, void *), false, 16, false, &sp);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int len = 0;
			if (!s)
				s = "(null)";
			while (s[len])
				len++;
			n += emit_padded(sink, ctx, s, len, &sp);
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			n += emit_padded(sink, ctx, &c, 1, &sp);
			break;
		}
		case '%': sink(ctx, '%'); n++; break;
		case '\0': f--; break; /* lone '%' at the end */
		default: sink(ctx, '%'); sink(ctx, *f); n += 2; break;
		}
	}
	va_end(ap);
	return n;
}

static void console_sink(void *ctx, char c)
{
	(void)ctx;
	if (c == '\n')
		serial_putc('\r');
	serial_putc(c);
}

int kvprintf(const char *fmt, va_list ap) { return kvformat(console_sink, NULL, fmt, ap); }

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

void klog(const char *fmt, ...)
{
	va_list ap;
	if (klog_quiet)
		return;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

struct buf_sink {
	char *buf;
	size_t size, len;
};

static void buffer_sink(void *ctx, char c)
{
	struct buf_sink *b = ctx;
	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	struct buf_sink b = {buf, size, 0};
	va_list ap;
	va_start(ap, fmt);
	kvformat(buffer_sink, &b, fmt, ap);
	va_end(ap);
	if (size)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return (int)b.len;
}
