/* One munmap across several mappings and holes removes all of them. */
#include "contract.h"

int main(void)
{
    contract_start();
    probe_install();
    char *base = free_range(16 * PG);
    int a = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
    mmap(base, 3 * PG, PROT_READ | PROT_WRITE, a, -1, 0);
    mmap(base + 4 * PG, 2 * PG, PROT_READ, a, -1, 0);
    mmap(base + 8 * PG, 4 * PG, PROT_READ | PROT_WRITE, a, -1, 0);
    base[0] = base[8 * PG] = 1;
    EXPECT(munmap(base + PG, 9 * PG) == 0, "munmap span");
    for (int i = 0; i < 12; i++) {
        char what[24];
        snprintf(what, sizeof(what), "page %d", i);
        probe_say(what, probe_read(base + i * PG), base);
    }
    munmap(base, 16 * PG);
    return contract_end();
}
