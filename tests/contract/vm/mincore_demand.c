/* Demand paging: pages become resident (mincore) only when touched; DONTNEED drops them. */
#include "contract.h"

static void show(const char *when, char *p, int n)
{
    unsigned char vec[16];
    char line[17];

    if (mincore(p, n * PG, vec) != 0) {
        SAY("%s: mincore %s", when, errname(errno));
        return;
    }
    for (int i = 0; i < n; i++)
        line[i] = (vec[i] & 1) ? '1' : '0';
    line[n] = 0;
    SAY("%s: %s", when, line);
}

int main(void)
{
    contract_start();
    char *p = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    madvise(p, 16 * PG, MADV_NOHUGEPAGE);
    show("fresh", p, 16);
    p[0] = 1;
    p[5 * PG + 3] = 1;
    p[15 * PG] = 1;
    show("after writes", p, 16);
    madvise(p, 16 * PG, MADV_DONTNEED);
    show("after DONTNEED", p, 16);
    unsigned char vec[2];
    SAY("mincore unaligned: %s", mincore(p + 1, PG, vec) == 0 ? "0" : errname(errno));
    munmap(p + 8 * PG, 8 * PG);
    SAY("mincore over hole: %s", mincore(p, 16 * PG, vec) == 0 ? "0" : errname(errno));
    return contract_end();
}
