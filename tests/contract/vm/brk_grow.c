/* brk grows zero-filled, shrinking unmaps, and re-growing reads zeros again. */
#include "contract.h"
#include <sys/syscall.h>

static char *sys_brk(void *p)
{
    return (char *)syscall(SYS_brk, p);
}

int main(void)
{
    contract_start();
    probe_install();
    char *b0 = sys_brk(0);
    char *b1 = sys_brk(b0 + 5 * PG + 100);
    SAY("grow result: b0+%#lx", (unsigned long)(b1 - b0));
    char *top = (char *)(((uintptr_t)b0 + 5 * PG + 100 + PG - 1) & ~(PG - 1));
    size_t nonzero = 0;
    for (char *c = b0; c < b0 + 5 * PG + 100; c++)
        nonzero += *c != 0;
    SAY("nonzero in new heap: %zu", nonzero);
    memset(b0, 7, 5 * PG + 100);
    SAY("write to rest of last page: %s", signame(probe_write(b0 + 5 * PG + 200, 1)));
    SAY("read beyond the heap's last page: %s", signame(probe_read(top)));
    char *b2 = sys_brk(b0 + PG);
    SAY("shrink result: b0+%#lx", (unsigned long)(b2 - b0));
    int s = probe_read(b0 + 3 * PG);
    SAY("read in released heap: %s %s", signame(s), s ? codename(s, probe_code) : "");
    sys_brk(b0 + 4 * PG);
    SAY("regrown byte: %d, kept byte: %d", b0[3 * PG], b0[10]);
    char *low = sys_brk(b0 - 64 * 1024 * 1024);
    SAY("brk below start: b0+%#lx", (unsigned long)(low - b0));
    sys_brk(b0);
    return contract_end();
}
