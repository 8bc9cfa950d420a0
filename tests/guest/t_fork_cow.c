/* t_fork_cow.c - fork gives the child a copy-on-write copy of every kind of
 * private memory: data, stack, 4 KiB anonymous pages and a 2 MiB huge page.
 * Writes on either side after fork stay invisible to the other side. */
#include "check.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define SMALL_PAGES 16
#define HUGE_SIZE (2UL << 20)

static int global_value = 1234;

/* Fill n bytes with a pattern derived from seed, so any mixing shows. */
static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed + i * 7 + (i >> 12));
}

/* Return the first offset that differs from the pattern, or n. */
static size_t verify(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(seed + i * 7 + (i >> 12)))
            return i;
    return n;
}

/* Child writes its own pattern; parent's copy must not change, and the
 * child must have seen the parent's pattern before writing. */
static void cow_child_writes(const char *what, unsigned char *p, size_t n)
{
    char name[96], st[32];
    int status;
    pid_t pid;

    fill(p, n, 1);
    pid = fork();
    if (pid == 0) {
        if (verify(p, n, 1) != n)
            _exit(2);
        fill(p, n, 2);
        _exit(verify(p, n, 2) == n ? 0 : 3);
    }
    waitpid(pid, &status, 0);
    snprintf(name, sizeof(name), "%s: child sees parent data, writes privately", what);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, name, "child %s",
          check_status_text(status, st, sizeof(st)));
    snprintf(name, sizeof(name), "%s: parent copy intact after child wrote", what);
    size_t bad = verify(p, n, 1);
    check(bad == n, name, "first difference at offset %zu", bad);
}

/* Parent writes after fork while the child waits; the child must still see
 * the values from the time of fork. */
static void cow_parent_writes(const char *what, unsigned char *p, size_t n)
{
    char name[96], st[32], go = 0;
    int status, fds[2];
    pid_t pid;

    fill(p, n, 5);
    if (pipe(fds) != 0) {
        check_fail_errno(what, "pipe");
        return;
    }
    pid = fork();
    if (pid == 0) {
        close(fds[1]);
        if (read(fds[0], &go, 1) != 1)
            _exit(4);
        _exit(verify(p, n, 5) == n ? 0 : 5);
    }
    close(fds[0]);
    fill(p, n, 6);
    if (write(fds[1], "g", 1) != 1)
        check_fail_errno(what, "write");
    close(fds[1]);
    waitpid(pid, &status, 0);
    snprintf(name, sizeof(name), "%s: child keeps old data after parent wrote", what);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, name, "child %s",
          check_status_text(status, st, sizeof(st)));
}

static void test_data_and_stack(void)
{
    volatile int on_stack = 77;
    int status;
    pid_t pid = fork();

    if (pid == 0) {
        global_value = 1;
        on_stack = 2;
        _exit(global_value == 1 && on_stack == 2 ? 0 : 1);
    }
    waitpid(pid, &status, 0);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child exit status",
          "status 0x%x", status);
    check(global_value == 1234, "data segment isolated", "global %d", global_value);
    check(on_stack == 77, "stack isolated", "stack value %d", on_stack);
}

static void test_small_pages(void)
{
    size_t n = SMALL_PAGES * 4096;
    unsigned char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        check_fail_errno("4k: mmap", "mmap");
        return;
    }
    cow_child_writes("4k", p, n);
    cow_parent_writes("4k", p, n);
    munmap(p, n);
}

/* AnonHugePages of this process from /proc/self/smaps_rollup in kB, or -1. */
static long anon_huge_kb(void)
{
    char line[256];
    long kb = -1;
    FILE *f = fopen("/proc/self/smaps_rollup", "r");

    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

static void test_huge_page(void)
{
    unsigned char *raw, *p;

    raw = mmap(NULL, 2 * HUGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) {
        check_fail_errno("2m: mmap", "mmap");
        return;
    }
    p = (unsigned char *)(((uintptr_t)raw + HUGE_SIZE - 1) & ~(HUGE_SIZE - 1));
    check(madvise(p, HUGE_SIZE, MADV_HUGEPAGE) == 0, "2m: madvise MADV_HUGEPAGE", "errno %m");
    fill(p, HUGE_SIZE, 9);
    long kb = anon_huge_kb();
    if (kb < 0)
        check_skip("2m: backed by a huge page", "/proc/self/smaps_rollup not available");
    else if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0 &&
             kb < (long)(HUGE_SIZE >> 10))
        check_skip("2m: backed by a huge page", "AnonHugePages %ld kB (no free huge page?)", kb);
    else
        check(kb >= (long)(HUGE_SIZE >> 10), "2m: backed by a huge page",
              "AnonHugePages %ld kB", kb);
    cow_child_writes("2m", p, HUGE_SIZE);
    cow_parent_writes("2m", p, HUGE_SIZE);
    /* A one-byte write in the child must copy (or split) only on its side. */
    fill(p, HUGE_SIZE, 11);
    int status;
    pid_t pid = fork();
    if (pid == 0) {
        unsigned char keep = p[4096];
        p[4096] = (unsigned char)~keep; /* copies or splits the huge page */
        p[4096] = keep;
        _exit(verify(p, HUGE_SIZE, 11) == HUGE_SIZE ? 0 : 1);
    }
    waitpid(pid, &status, 0);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "2m: child reads all after one write",
          "status 0x%x", status);
    size_t bad = verify(p, HUGE_SIZE, 11);
    check(bad == HUGE_SIZE, "2m: partial child write leaves parent intact",
          "first difference at %zu", bad);
    munmap(raw, 2 * HUGE_SIZE);
}

int main(void)
{
    test_data_and_stack();
    test_small_pages();
    test_huge_page();
    return check_done();
}
