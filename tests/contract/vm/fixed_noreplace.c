/* MAP_FIXED_NOREPLACE fails with EEXIST over any existing page, succeeds on free space. */
#include "contract.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

int main(void)
{
    contract_start();
    char *base = free_range(16 * PG);
    char *a = mmap(base + 4 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                   -1, 0);
    EXPECT(a == base + 4 * PG, "fixed map");
    a[0] = 1;
    char *r = mmap(base + 4 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    SAY("exact overlap: %s", r == MAP_FAILED ? errname(errno) : "mapped");
    r = mmap(base + 2 * PG, 3 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    SAY("partial overlap from below: %s", r == MAP_FAILED ? errname(errno) : "mapped");
    r = mmap(base + 7 * PG, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    SAY("partial overlap above: %s", r == MAP_FAILED ? errname(errno) : "mapped");
    SAY("original byte kept: %d", a[0]);
    r = mmap(base + 8 * PG, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    SAY("adjacent free: %s", r == MAP_FAILED ? errname(errno) : r == base + 8 * PG ? "at base+0x8000" : "elsewhere");
    munmap(base, 16 * PG);
    return contract_end();
}
