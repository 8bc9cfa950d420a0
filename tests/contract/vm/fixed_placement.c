/* A hint at a free address is honoured; MAP_FIXED replaces what was there. */
#include "contract.h"

int main(void)
{
    contract_start();
    char *base = free_range(32 * PG);
    EXPECT(base != NULL, "reserve");
    char *h = mmap(base + 4 * PG, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    SAY("hint result: base+%#lx", (unsigned long)(h - base));
    h[0] = 'x';
    char *f = mmap(base + 4 * PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                   -1, 0);
    SAY("fixed result: base+%#lx", (unsigned long)(f - base));
    SAY("byte after MAP_FIXED replace: %d", h[0]);
    char *u = mmap(base + 4 * PG + 123, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    SAY("unaligned MAP_FIXED: %s", u == MAP_FAILED ? errname(errno) : "mapped");
    char *n = mmap(base + 4 * PG + 123, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    SAY("unaligned hint: %s", n == MAP_FAILED ? errname(errno) : "mapped");
    munmap(n, PG);
    munmap(base + 4 * PG, 2 * PG);
    return contract_end();
}
