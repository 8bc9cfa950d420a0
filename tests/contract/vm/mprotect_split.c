/* mprotect on part of a mapping splits it; each piece keeps its own protection and data. */
#include "contract.h"

int main(void)
{
    contract_start();
    probe_install();
    char *p = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 8; i++)
        p[i * PG] = (char)('a' + i);
    mprotect(p + 2 * PG, 2 * PG, PROT_READ);
    mprotect(p + 5 * PG, PG, PROT_NONE);
    for (int i = 0; i < 8; i++) {
        int r = probe_read(p + i * PG + 1);
        int w = probe_write(p + i * PG + 1, 'w');
        SAY("page %d: read %s, write %s, data %c", i, signame(r), signame(w), r ? '-' : p[i * PG]);
    }
    SAY("mprotect over a hole: %s",
        (munmap(p + 7 * PG, PG), mprotect(p + 6 * PG, 2 * PG, PROT_READ)) == 0 ? "0" : errname(errno));
    probe_say("page 6 write after failed mprotect", probe_write(p + 6 * PG, 'z'), p);
    SAY("mprotect unaligned (musl rounds the start down): %s", mprotect(p + 1, PG, PROT_READ) == 0 ? "0" : errname(errno));
    SAY("mprotect bad prot bits: %s", mprotect(p, PG, 0x100) == 0 ? "0" : errname(errno));
    EXPECT(mprotect(p, 7 * PG, PROT_READ | PROT_WRITE) == 0, "re-merge to read-write");
    int bad = 0;
    for (int i = 0; i < 7; i++)
        bad |= probe_write(p + i * PG + 2, 'm');
    SAY("all pages writable again: %s", bad ? "no" : "yes");
    return contract_end();
}
