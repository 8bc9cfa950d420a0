/* Anonymous private mappings read as zeros, including after a write elsewhere. */
#include "contract.h"

int main(void)
{
    contract_start();
    size_t len = 64 * PG;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT(p != MAP_FAILED, "mmap");
    if (p == MAP_FAILED)
        return contract_end();
    EXPECT(((uintptr_t)p & (PG - 1)) == 0, "page aligned");
    size_t nonzero = 0;
    for (size_t i = 0; i < len; i++)
        nonzero += p[i] != 0;
    SAY("nonzero bytes before writes: %zu", nonzero);
    for (size_t i = 0; i < len; i += PG)
        p[i + 7] = 0xa5;
    nonzero = 0;
    for (size_t i = 0; i < len; i++)
        nonzero += p[i] != 0;
    SAY("nonzero bytes after one write per page: %zu", nonzero);
    EXPECT(munmap(p, len) == 0, "munmap");
    p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    nonzero = 0;
    for (size_t i = 0; i < len; i++)
        nonzero += p[i] != 0;
    SAY("nonzero bytes in a fresh mapping: %zu", nonzero);
    return contract_end();
}
