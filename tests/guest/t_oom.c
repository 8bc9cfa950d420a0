/* t_oom.c - a child that touches more memory than the machine has is killed
 * with SIGKILL, the parent goes on, and free memory returns to its earlier
 * level. Only inside a small test VM (totalram below 2 GiB): on a big host
 * the check is skipped rather than exhausting its memory. */
#include "check.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHUNK (16UL << 20)

static unsigned long long free_bytes(void)
{
    struct sysinfo si;

    if (sysinfo(&si) != 0)
        return 0;
    return (unsigned long long)si.freeram * si.mem_unit;
}

static unsigned long long total_bytes(void)
{
    struct sysinfo si;

    if (sysinfo(&si) != 0)
        return 0;
    return (unsigned long long)si.totalram * si.mem_unit;
}

/* Make this process the OOM killer's first choice where Linux allows it. */
static void prefer_me(void)
{
    int fd = open("/proc/self/oom_score_adj", O_WRONLY);

    if (fd >= 0) {
        if (write(fd, "1000", 4) != 4)
            perror("oom_score_adj");
        close(fd);
    }
}

/* Map and touch chunk after chunk, well past RAM; returns only if the
 * kernel refused a mapping instead of killing (exit 3) or never ran out (4). */
static int hog(void *arg)
{
    unsigned long long limit = *(unsigned long long *)arg, done = 0;

    prefer_me();
    while (done < limit) {
        char *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return 3;
        for (unsigned long off = 0; off < CHUNK; off += 4096)
            p[off] = (char)off | 1;
        done += CHUNK;
    }
    return 4;
}

static int small_child(void *arg)
{
    char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    (void)arg;
    if (p == MAP_FAILED)
        return 1;
    memset(p, 7, 1 << 20);
    return p[12345] == 7 ? 0 : 2;
}

/* Run the hog once; reports whether it died by SIGKILL under name. */
static void oom_cycle(const char *name, unsigned long long limit)
{
    char st[32];
    int status = check_run_child(hog, &limit);

    check(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, name,
          "child %s (3: mmap refused, 4: never ran out)", check_status_text(status, st, sizeof(st)));
}

int main(void)
{
    unsigned long long total = total_bytes(), before, after = 0, limit, slack;
    char st[32];
    int status;

    if (!check_small_machine()) {
        check_skip("OOM kill of a memory hog", "totalram %llu MiB: not exhausting a big machine",
                   total >> 20);
        return check_done();
    }
    /* A first kill brings the kernel's own caches to their steady state
     * (Linux keeps freed pages in per-CPU lists and grows its slabs), so
     * the measured second kill compares like with like. */
    limit = total * 2 + (64ULL << 20);
    oom_cycle("first hog killed with SIGKILL", limit);
    status = check_run_child(small_child, NULL);
    before = free_bytes();
    oom_cycle("second hog killed with SIGKILL", limit);
    status = check_run_child(small_child, NULL);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "parent goes on: forks and runs a child",
          "child %s", check_status_text(status, st, sizeof(st)));
    /* Freed pages may come back asynchronously (Linux's OOM reaper). */
    slack = (4ULL << 20) + total / 50;
    for (int i = 0; i < 50; i++) {
        after = free_bytes();
        if (after + slack >= before)
            break;
        usleep(100000);
    }
    printf("# free before %llu KiB, after %llu KiB of %llu KiB\n", before >> 10, after >> 10,
           total >> 10);
    check(after + slack >= before, "free memory returns after the kill",
          "free before %llu KiB, after %llu KiB (slack %llu KiB)", before >> 10, after >> 10,
          slack >> 10);
    return check_done();
}
