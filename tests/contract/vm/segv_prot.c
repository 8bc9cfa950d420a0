/* PROT_NONE and write-to-read-only fault with SEGV_ACCERR at the exact address. */
#include "contract.h"

int main(void)
{
    contract_start();
    probe_install();
    char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p[0] = 'a';
    p[PG] = 'b';
    EXPECT(mprotect(p, PG, PROT_READ) == 0, "mprotect read-only");
    EXPECT(mprotect(p + PG, PG, PROT_NONE) == 0, "mprotect none");
    probe_say("read read-only", probe_read(p + 10), p);
    probe_say("write read-only", probe_write(p + 10, 'x'), p);
    probe_say("read none", probe_read(p + PG + 77), p);
    probe_say("write none", probe_write(p + PG + 78, 'x'), p);
    probe_say("write never-touched rw", probe_write(p + 2 * PG + 9, 'y'), p);
    SAY("read-only byte intact: %c", p[0]);
    EXPECT(mprotect(p + PG, PG, PROT_READ | PROT_WRITE) == 0, "mprotect back");
    SAY("protected byte after restore: %c", p[PG]);
    char *ro = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    probe_say("read fresh read-only", probe_read(ro + 1), ro);
    probe_say("write fresh read-only", probe_write(ro + 2, 'z'), ro);
    probe_say("write NULL page", probe_write((char *)16, 'z'), (void *)0);
    return contract_end();
}
