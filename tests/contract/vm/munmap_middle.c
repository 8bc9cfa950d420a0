/* munmap of a middle part leaves a hole that faults with SEGV_MAPERR; the edges keep their data. */
#include "contract.h"

int main(void)
{
    contract_start();
    probe_install();
    char *p = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 8; i++)
        p[i * PG] = (char)('a' + i);
    EXPECT(munmap(p + 3 * PG, 2 * PG) == 0, "munmap middle");
    for (int i = 0; i < 8; i++) {
        char what[32];
        snprintf(what, sizeof(what), "read page %d", i);
        int sig = probe_read(p + i * PG + 5);
        probe_say(what, sig, p);
        if (!sig)
            SAY("page %d holds %c", i, p[i * PG]);
    }
    SAY("munmap of the hole again: %d", munmap(p + 3 * PG, 2 * PG));
    SAY("munmap unaligned: %s", munmap(p + 1, PG) == 0 ? "0" : errname(errno));
    SAY("munmap length 0: %s", munmap(p, 0) == 0 ? "0" : errname(errno));
    munmap(p, 8 * PG);
    SAY("read after full munmap: %s", signame(probe_read(p)));
    return contract_end();
}
