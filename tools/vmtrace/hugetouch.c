/*
 * tools/vmtrace/hugetouch.c - a small static program for the vmtrace boot
 * test: anonymous memory big enough for 2 MiB pages (THP on by default,
 * and MADV_HUGEPAGE on a second region), written, read, partly unmapped
 * and protected, then shared copy-on-write with a forked child that
 * writes into it, and grown with mremap. Every step is an address-space
 * event or a fault the kernel records; the replay must agree with it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define MIB (1024ul * 1024ul)

/* Write one byte in every 4 KiB page of [p, p+len). */
static void touch(char *p, size_t len, char v)
{
	for (size_t off = 0; off < len; off += 4096)
		p[off] = v;
}

/* Sum one byte of every page: read faults (zero pages where nothing was written). */
static unsigned sum(const char *p, size_t len)
{
	unsigned s = 0;
	for (size_t off = 0; off < len; off += 4096)
		s += (unsigned char)p[off];
	return s;
}

int main(void)
{
	char *a = mmap(NULL, 8 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *b = mmap(NULL, 6 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED || b == MAP_FAILED) {
		perror("hugetouch: mmap");
		return 1;
	}
	madvise(b, 6 * MIB, MADV_HUGEPAGE);
	touch(a, 8 * MIB, 1);
	unsigned s = sum(b, 6 * MIB);
	touch(b + 2 * MIB, 2 * MIB, 2);
	munmap(a + 6 * MIB + 64 * 1024, 64 * 1024);   /* splits a huge page */
	mprotect(a, 4096, PROT_READ);                 /* and another, by protection */
	madvise(a + 2 * MIB, 2 * MIB, MADV_DONTNEED); /* drops a whole one */

	pid_t pid = fork();
	if (pid == 0) {
		touch(a + 4 * MIB, 2 * MIB, 3);             /* copy-on-write of a huge page */
		s += sum(a, 2 * MIB);
		_exit(0);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	touch(a + 4 * MIB, 4096, 4);
	char *c = mremap(b, 6 * MIB, 10 * MIB, MREMAP_MAYMOVE);
	if (c != MAP_FAILED)
		touch(c + 6 * MIB, 4 * MIB, 5);
	printf("hugetouch: done (%u)\n", s);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
