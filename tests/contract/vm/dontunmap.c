/* mremap MREMAP_DONTUNMAP on private anonymous memory: the pages move, the
 * old range stays mapped and reads zero, and the flag's rules (MAYMOVE, equal
 * sizes) give EINVAL. */
#include "contract.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

int main(void)
{
    contract_start();
    probe_install();
    char *base = free_range(32 * PG);
    char *p = mmap(base, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    for (int i = 0; i < 4; i++)
        p[i * PG] = (char)('a' + i);
    SAY("without MAYMOVE: %s",
        mremap(p, 4 * PG, 4 * PG, MREMAP_DONTUNMAP) == MAP_FAILED ? errname(errno) : "ok");
    SAY("different size: %s",
        mremap(p, 4 * PG, 8 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP) == MAP_FAILED ? errname(errno) : "ok");
    char *q = mremap(p, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
    SAY("kernel-placed move: %s", q == MAP_FAILED ? errname(errno) : q == p ? "same" : "moved");
    if (q == MAP_FAILED)
        return contract_end(), 1;
    SAY("new range: %c %c %c %c", q[0], q[PG], q[2 * PG], q[3 * PG]);
    int sig = probe_read(p + PG);
    SAY("old range: %s, reads %d %d", signame(sig), p[0], p[3 * PG]);
    p[0] = 'z';
    SAY("writing old leaves new: %c", q[0]);
    q[PG] = 'y';
    SAY("writing new leaves old: %d", p[PG]);
    char *r = mremap(q, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, base + 16 * PG);
    SAY("part to a fixed address: %s", r == MAP_FAILED ? errname(errno) : r == base + 16 * PG ? "there" : "elsewhere");
    SAY("moved part: %c %c, left behind: %d %d, untouched tail: %c", r[0], r[PG], q[0], q[PG], q[2 * PG]);
    munmap(base, 32 * PG);
    munmap(q, 4 * PG);
    return contract_end();
}
