/* MADV_DONTNEED on private anonymous memory makes the next read see zeros. */
#include "contract.h"

int main(void)
{
    contract_start();
    char *p = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(p, 0x5a, 8 * PG);
    EXPECT(madvise(p + 2 * PG, 3 * PG, MADV_DONTNEED) == 0, "madvise");
    for (int i = 0; i < 8; i++)
        SAY("page %d first byte %#x", i, (unsigned char)p[i * PG]);
    SAY("madvise unaligned: %s", madvise(p + 1, PG, MADV_DONTNEED) == 0 ? "0" : errname(errno));
    SAY("madvise bad advice: %s", madvise(p, PG, 12345) == 0 ? "0" : errname(errno));
    munmap(p + 4 * PG, 4 * PG);
    SAY("madvise over hole: %s", madvise(p, 8 * PG, MADV_DONTNEED) == 0 ? "0" : errname(errno));
    return contract_end();
}
