/* t_mem.c - the memory system calls: brk, mremap (grow, shrink, move,
 * MREMAP_FIXED), stack growth, munmap splitting, MAP_FIXED and
 * MAP_FIXED_NOREPLACE, mprotect and mincore errors, MADV_DONTNEED. */
#define _GNU_SOURCE
#include "check.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096UL

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static void test_brk(void)
{
    uintptr_t start = (uintptr_t)syscall(SYS_brk, 0), grown, shrunk, low;

    grown = (uintptr_t)syscall(SYS_brk, start + (1 << 20));
    check(start != 0 && grown == start + (1 << 20), "brk grows by 1 MiB", "start %lx now %lx",
          (unsigned long)start, (unsigned long)grown);
    if (grown != start + (1 << 20))
        return;
    char *p = (char *)start;
    int zero = 1;
    for (size_t i = 0; i < (1 << 20); i += PG)
        zero &= p[i] == 0;
    memset(p, 0x5a, 1 << 20);
    check(zero && p[(1 << 20) - 1] == 0x5a, "new heap is zeroed and writable", "zero %d", zero);
    shrunk = (uintptr_t)syscall(SYS_brk, start + PG);
    check(shrunk == start + PG, "brk shrinks", "now %lx", (unsigned long)shrunk);
    grown = (uintptr_t)syscall(SYS_brk, start + 2 * PG);
    check(grown == start + 2 * PG && p[PG] == 0, "memory given back and taken again reads zero",
          "byte %d", p[PG]);
    low = (uintptr_t)syscall(SYS_brk, 4096);
    check(low == start + 2 * PG, "brk below the heap start is refused (old break returned)",
          "got %lx", (unsigned long)low);
    syscall(SYS_brk, start);
}

static void test_mremap(void)
{
    char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *q;

    if (p == MAP_FAILED) {
        check_fail_errno("mremap setup", "mmap");
        return;
    }
    for (int i = 0; i < 4; i++)
        memset(p + i * PG, 'a' + i, PG);
    q = mremap(p, 4 * PG, 256 * PG, MREMAP_MAYMOVE);
    check(q != MAP_FAILED && q[0] == 'a' && q[3 * PG] == 'd' && q[255 * PG] == 0,
          "mremap grows keeping the contents", "errno %d", errno);
    if (q == MAP_FAILED)
        return;
    q[255 * PG] = 1;
    char *r = mremap(q, 256 * PG, 2 * PG, 0);
    check(r == q && r[PG] == 'b', "mremap shrinks in place", "r %p", (void *)r);
    char *target = mmap(NULL, 8 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *s = mremap(r, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, target + 4 * PG);
    check(s == target + 4 * PG && s[0] == 'a' && s[PG] == 'b', "MREMAP_FIXED moves to the address",
          "s %p", (void *)s);
    /* A mapping right after s blocks growth in place. */
    char *blocker = mmap(s + 2 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    errno = 0;
    check(blocker == s + 2 * PG && mremap(s, 2 * PG, 4 * PG, 0) == MAP_FAILED && errno == ENOMEM,
          "mremap cannot grow in place into a neighbour: ENOMEM", "errno %d", errno);
    errno = 0;
    check(mremap(s + 1, PG, PG, 0) == MAP_FAILED && errno == EINVAL, "unaligned mremap: EINVAL",
          "errno %d", errno);
    munmap(target, 8 * PG);
}

static int depth_reached;

/* Use about 4 KiB of stack per level, touching it, to grow the stack. */
static int recurse(int n)
{
    volatile char frame[4000];

    frame[0] = (char)n;
    frame[sizeof(frame) - 1] = (char)n;
    depth_reached = n;
    if (n == 0)
        return frame[0];
    return recurse(n - 1) + frame[sizeof(frame) - 1] - (char)n;
}

static int grow_stack(void *arg)
{
    (void)arg;
    return recurse(1500) == 0 && depth_reached == 0 ? 0 : 1; /* about 6 MiB */
}

static void test_stack(void)
{
    struct rlimit rl = {0, 0};
    char st[32];

    check(getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur >= (8UL << 20),
          "RLIMIT_STACK at least 8 MiB", "cur %lu", (unsigned long)rl.rlim_cur);
    int status = check_run_child(grow_stack, NULL);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "stack grows to 6 MiB on demand",
          "child %s", check_status_text(status, st, sizeof(st)));
}

static void test_munmap_split(void)
{
    char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned char vec[3] = {9, 9, 9};

    if (p == MAP_FAILED)
        return;
    p[0] = 1;
    p[2 * PG] = 3;
    check(munmap(p + PG, PG) == 0 && p[0] == 1 && p[2 * PG] == 3,
          "munmap of a middle page keeps the neighbours", "errno %d", errno);
    errno = 0;
    check(mincore(p, 3 * PG, vec) == -1 && errno == ENOMEM, "mincore over a hole: ENOMEM",
          "errno %d", errno);
    check(mincore(p, PG, vec) == 0 && (vec[0] & 1), "mincore: touched page resident", "vec %d",
          vec[0]);
    errno = 0;
    check(munmap(p + 1, PG) == -1 && errno == EINVAL, "unaligned munmap: EINVAL", "errno %d",
          errno);
    errno = 0; /* raw call: musl's mprotect rounds the address down itself */
    check(syscall(SYS_mprotect, p + 1, PG, PROT_READ) == -1 && errno == EINVAL, "unaligned mprotect: EINVAL",
          "errno %d", errno);
    errno = 0;
    check(mprotect(p, 3 * PG, PROT_READ) == -1 && errno == ENOMEM,
          "mprotect over a hole: ENOMEM", "errno %d", errno);
    char *f = mmap(p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    check(f == p && p[0] == 0, "MAP_FIXED replaces with fresh zero memory", "byte %d", p[0]);
    errno = 0;
    f = mmap(p, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    check(f == MAP_FAILED && errno == EEXIST, "MAP_FIXED_NOREPLACE over a mapping: EEXIST",
          "errno %d", errno);
    p[2 * PG] = 7;
    check(madvise(p + 2 * PG, PG, MADV_DONTNEED) == 0 && p[2 * PG] == 0,
          "MADV_DONTNEED drops anonymous contents", "byte %d", p[2 * PG]);
    munmap(p, 3 * PG);
}

static void test_big_sparse(void)
{
    size_t len = 1UL << 36; /* 64 GiB of address space, barely touched */
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);

    if (p == MAP_FAILED) {
        check_fail_errno("64 GiB MAP_NORESERVE reservation", "mmap");
        return;
    }
    p[0] = 1;
    p[len / 2] = 2;
    p[len - 1] = 3;
    check(p[0] + p[len / 2] + p[len - 1] == 6, "64 GiB MAP_NORESERVE mapping, touched sparsely",
          "sum");
    check(munmap(p, len) == 0, "munmap of 64 GiB", "errno %d", errno);
}

int main(void)
{
    test_brk();
    test_mremap();
    test_stack();
    test_munmap_split();
    test_big_sparse();
    return check_done();
}
