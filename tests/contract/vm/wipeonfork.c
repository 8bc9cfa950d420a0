/* MADV_WIPEONFORK gives a fork child zeros, MADV_KEEPONFORK undoes it, shared memory refuses it (with MADV_DONTFORK alongside). */
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
    SAY("MADV_WIPEONFORK: %s", madvise(w, PG, MADV_WIPEONFORK) == 0 ? "0" : errname(errno));
    fork_and_show("advised", d, w, p);
    SAY("parent keeps: %c %c", d[0], w[0]);
    madvise(d, PG, MADV_DOFORK);
    madvise(w, PG, MADV_KEEPONFORK);
    fork_and_show("undone", d, w, p);
    char *s = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    SAY("MADV_WIPEONFORK on shared: %s", madvise(s, PG, MADV_WIPEONFORK) == 0 ? "0" : errname(errno));
    return contract_end();
}
