/* mprotect and munmap argument errors (the limits a mapping itself sets are
 * in mprotect_limits.c). */
#include "contract.h"
#include <sys/syscall.h>

/* the raw call: libc wrappers may round the address */
#define mprotect(a, l, p) (int)syscall(SYS_mprotect, a, l, p)


static const char *r(int v) { return v ? errname(errno) : "0"; }

int main(void)
{
    contract_start();
    char *base = free_range(8 * PG);
    char *p = mmap(base, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    mmap(base + 3 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    SAY("mprotect unaligned: %s", r(mprotect(p + 1, PG, PROT_READ)));
    SAY("mprotect length 0: %s", r(mprotect(p, 0, PROT_READ)));
    SAY("mprotect unknown bit: %s", r(mprotect(p, PG, 0x40)));
    SAY("mprotect over a hole: %s", r(mprotect(p, 4 * PG, PROT_READ)));
    SAY("mprotect unmapped: %s", r(mprotect(base + 5 * PG, PG, PROT_READ)));
    SAY("mprotect length not page multiple: %s", r(mprotect(p, 10, PROT_READ | PROT_WRITE)));
    p[PG - 1] = 1;
    probe_install();
    SAY("rounded length covered the first page only: second page write %s",
        signame(probe_write(p + PG, 1)));
    SAY("munmap unaligned: %s", r(munmap(p + 1, PG)));
    SAY("munmap length 0: %s", r(munmap(p, 0)));
    SAY("munmap unmapped: %s", r(munmap(base + 5 * PG, PG)));
    SAY("munmap beyond user space: %s", r(munmap((void *)(1UL << 47), PG)));
    munmap(base, 8 * PG);
    return contract_end();
}
