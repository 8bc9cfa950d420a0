/* Copy-on-write over three generations of fork with 2 MiB-aligned regions
 * (huge-page advised and not): each generation writes its own pages and sees
 * its ancestors' data as of its fork, never a descendant's or sibling's. */
#include "contract.h"
#include <stdlib.h>
#include <sys/wait.h>

#define HUGE (2UL << 20)
#define GENS 3

static char *big, *small;

/* A checksum of what one process sees at some probe pages of both regions. */
static void view(int gen, const char *when)
{
    char line[128];
    int n = snprintf(line, sizeof(line), "gen %d %s:", gen, when);
    for (int g = 0; g <= GENS; g++)
        n += snprintf(line + n, sizeof(line) - n, " %c%c", big[g * 100 * PG + 7] ? big[g * 100 * PG + 7] : '.',
                      small[g * PG * 50 + 3] ? small[g * PG * 50 + 3] : '.');
    SAY("%s", line);
}

static void generation(int gen)
{
    view(gen, "before writing");
    big[gen * 100 * PG + 7] = (char)('A' + gen);
    small[gen * PG * 50 + 3] = (char)('a' + gen);
    big[HUGE - 1] = (char)('0' + gen); /* everyone writes the same byte */
    view(gen, "after writing ");
    if (gen < GENS) {
        pid_t p = fork();
        if (p == 0) {
            generation(gen + 1);
            _exit(0);
        }
        int st;
        waitpid(p, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st))
            contract_failed = 1;
    }
    view(gen, "after child  ");
    SAY("gen %d shared byte: %c", gen, big[HUGE - 1]);
    if (gen > 0)
        _exit(contract_failed);
}

int main(void)
{
    contract_start();
    char *raw = mmap(NULL, 5 * HUGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *a = (char *)(((uintptr_t)raw + HUGE - 1) & ~(HUGE - 1));
    big = mmap(a, HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    small = mmap(a + 2 * HUGE, HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    madvise(big, HUGE, MADV_HUGEPAGE);
    madvise(small, HUGE, MADV_NOHUGEPAGE);
    generation(0);
    /* a second child of generation 0 after its first child finished */
    pid_t p = fork();
    if (p == 0) {
        view(9, "late sibling  ");
        _exit(0);
    }
    waitpid(p, NULL, 0);
    munmap(raw, 5 * HUGE);
    return contract_end();
}
