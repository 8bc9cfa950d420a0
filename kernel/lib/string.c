/*
 * lib/string.c - memset/memcpy/memmove/memcmp and a few string helpers.
 * The compiler emits calls to the mem* functions on its own (struct copies,
 * large initialisers), so the kernel must define them. The copies use
 * `rep movsb`/`rep stosb`, which the CPU runs fast when it has ERMS and
 * which cannot be turned back into a call to ourselves by the optimiser.
 */
#include "kernel/kstring.h"

#include <stdint.h>

__attribute__((used)) void *memset(void *d, int c, size_t n)
{
	void *ret = d;
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return ret;
}

__attribute__((used)) void *memcpy(void *d, const void *s, size_t n)
{
	void *ret = d;
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	return ret;
}

__attribute__((used)) void *memmove(void *d, const void *s, size_t n)
{
	if ((uintptr_t)d - (uintptr_t)s >= n)
		return memcpy(d, s, n); /* no overlap that a forward copy would trample */
	/* Backward copy: the direction flag is restored before returning. */
	void *ret = d;
	const char *se = (const char *)s + n - 1;
	char *de = (char *)d + n - 1;
	__asm__ volatile("std; rep movsb; cld" : "+D"(de), "+S"(se), "+c"(n) : : "memory");
	return ret;
}

__attribute__((used)) int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (x != y)
			return x < y ? -1 : 1;
		if (!x)
			return 0;
	}
	return 0;
}

int strcmp(const char *a, const char *b) { return strncmp(a, b, (size_t)-1); }
