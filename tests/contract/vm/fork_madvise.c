/* MADV_DONTFORK leaves a range out of the child and MADV_DOFORK undoes it (wipe-on-fork: wipeonfork.c). */
#include "fork_view.h"

int main(void)
{
    contract_start();
    probe_install();
    char *d = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *w = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    d[0] = 'd';
    w[0] = 'w';
    p[0] = 'p';
    fork_and_show("no advice", d, w, p);
    SAY("MADV_DONTFORK: %s", madvise(d, PG, MADV_DONTFORK) == 0 ? "0" : errname(errno));
    fork_and_show("advised", d, w, p);
    SAY("parent keeps: %c %c", d[0], w[0]);
    madvise(d, PG, MADV_DOFORK);
    fork_and_show("undone", d, w, p);
    SAY("MADV_DONTFORK over a hole: %s",
        (munmap(p, PG), madvise(p, PG, MADV_DONTFORK)) == 0 ? "0" : errname(errno));
    return contract_end();
}
