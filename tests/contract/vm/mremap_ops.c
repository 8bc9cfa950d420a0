/* mremap: grow in place, shrink, move, MREMAP_FIXED and MREMAP_DONTUNMAP; contents follow. */
#include "contract.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

static void fill(char *p, int pages, char c)
{
    for (int i = 0; i < pages; i++)
        p[i * PG] = (char)(c + i);
}

int main(void)
{
    contract_start();
    probe_install();
    char *base = free_range(64 * PG);
    char *p = mmap(base, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    fill(p, 4, 'a');
    char *q = mremap(p, 4 * PG, 8 * PG, 0);
    SAY("grow in place: %s", q == MAP_FAILED ? errname(errno) : q == p ? "same" : "moved");
    SAY("grown tail reads %d, head %c", q[7 * PG], q[3 * PG]);
    q = mremap(p, 8 * PG, 2 * PG, 0);
    SAY("shrink: %s", q == p ? "same" : "other");
    SAY("read past shrunk end: %s", signame(probe_read(p + 2 * PG)));
    /* block in-place growth, then let it move */
    mmap(base + 2 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    q = mremap(p, 2 * PG, 4 * PG, 0);
    SAY("grow blocked without MAYMOVE: %s", q == MAP_FAILED ? errname(errno) : "ok");
    q = mremap(p, 2 * PG, 4 * PG, MREMAP_MAYMOVE);
    SAY("grow with MAYMOVE: %s", q == MAP_FAILED ? errname(errno) : q == p ? "same" : "moved");
    SAY("moved contents: %c %c, tail %d", q[0], q[PG], q[3 * PG]);
    SAY("old address now: %s", signame(probe_read(p)));
    char *t = mremap(q, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, base + 32 * PG);
    SAY("MREMAP_FIXED: base+%#lx", t == MAP_FAILED ? 0UL : (unsigned long)(t - base));
    SAY("fixed contents: %c %c", t[0], t[PG]);
    SAY("MREMAP_FIXED without MAYMOVE: %s",
        mremap(t, PG, PG, MREMAP_FIXED, base + 48 * PG) == MAP_FAILED ? errname(errno) : "ok");
    SAY("MREMAP_FIXED overlapping: %s",
        mremap(t, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, t + PG) == MAP_FAILED ? errname(errno) : "ok");
    char *d = mremap(t, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, base + 40 * PG);
    SAY("DONTUNMAP: %s", d == MAP_FAILED ? errname(errno) : "ok");
    if (d != MAP_FAILED) {
        SAY("DONTUNMAP new contents: %c %c", d[0], d[PG]);
        int sig = probe_read(t);
        SAY("DONTUNMAP old range: %s, reads %d", signame(sig), sig ? -1 : t[0]);
    }
    SAY("bad flags: %s", mremap(t, PG, PG, 0x80) == MAP_FAILED ? errname(errno) : "ok");
    SAY("unaligned old: %s", mremap(t + 1, PG, PG, 0) == MAP_FAILED ? errname(errno) : "ok");
    SAY("zero new size: %s", mremap(t, PG, 0, 0) == MAP_FAILED ? errname(errno) : "ok");
    munmap(base, 64 * PG);
    return contract_end();
}
