/* fork copy-on-write isolation over 4 KiB and 2 MiB regions, three generations. */
#include "contract.h"
#include <sys/wait.h>

#define HUGE (2UL << 20)

static char *small, *big;

/* Each generation checks it sees its parent's values, writes its own, forks the next. */
static int generation(int g)
{
    int bad = 0;
    if (small[0] != 'a' + g - 1 || big[HUGE - 1] != 'a' + g - 1 || big[4096 * 100] != 'a' + g - 1)
        bad = 1;
    small[0] = big[HUGE - 1] = big[4096 * 100] = (char)('a' + g);
    if (g < 3) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(generation(g + 1));
        int st;
        waitpid(pid, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            bad = 1;
    }
    if (small[0] != 'a' + g || big[HUGE - 1] != 'a' + g || big[4096 * 100] != 'a' + g)
        bad = 1;
    return bad;
}

int main(void)
{
    contract_start();
    small = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *raw = mmap(NULL, 2 * HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    big = (char *)(((uintptr_t)raw + HUGE - 1) & ~(HUGE - 1));
    madvise(big, HUGE, MADV_HUGEPAGE);
    memset(big, 0, HUGE);
    /* generation 0 is this process: each descendant sees its parent's letter */
    small[0] = big[HUGE - 1] = big[4096 * 100] = 'a';
    pid_t pid = fork();
    if (pid == 0)
        _exit(generation(1) ? 1 : 0);
    int st;
    waitpid(pid, &st, 0);
    SAY("descendants saw their parents' values and kept their own: %s",
        WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "yes" : "no");
    SAY("parent small after children: %c", small[0]);
    SAY("parent huge last byte after children: %c", big[HUGE - 1]);
    SAY("parent huge middle byte after children: %c", big[4096 * 100]);
    size_t nonzero = 0;
    for (size_t i = 0; i < HUGE; i++)
        nonzero += big[i] != 0;
    SAY("parent huge nonzero bytes: %zu", nonzero);
    EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0 && small[0] == 'a', "isolation");
    return contract_end();
}
