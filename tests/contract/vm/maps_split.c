/* /proc/self/maps shows mprotect splitting a mapping and re-merging it (addresses relative). */
#include "contract.h"
#include <fcntl.h>
#include <stdlib.h>

/* Print the maps lines that fall in [base, base+len), relative to base. */
static void show(const char *when, char *base, size_t len)
{
    char buf[16384];
    int fd = open("/proc/self/maps", O_RDONLY);
    if (fd < 0) {
        SAY("%s: open /proc/self/maps: %s", when, errname(errno));
        contract_failed = 1;
        return;
    }
    ssize_t n = 0, r;
    while ((r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
        n += r;
    close(fd);
    buf[n] = 0;
    SAY("%s:", when);
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned long lo = strtoul(line, NULL, 16), hi = strtoul(strchr(line, '-') + 1, NULL, 16);
        char perms[5];
        unsigned long off;
        if (lo < (uintptr_t)base || hi > (uintptr_t)base + len)
            continue;
        sscanf(strchr(line, ' ') + 1, "%4s %lx", perms, &off);
        SAY("  base+%#lx-base+%#lx %s %lx", lo - (uintptr_t)base, hi - (uintptr_t)base, perms, off);
    }
}

int main(void)
{
    contract_start();
    char *base = free_range(16 * PG);
    /* guard pages either side keep neighbours from merging into the view */
    char *p = mmap(base + PG, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    show("one mapping", base, 16 * PG);
    mprotect(p + 2 * PG, 3 * PG, PROT_READ);
    show("after mprotect middle", base, 16 * PG);
    mprotect(p + 5 * PG, PG, PROT_NONE);
    show("after mprotect next", base, 16 * PG);
    mprotect(p, 8 * PG, PROT_READ | PROT_WRITE);
    show("after restoring", base, 16 * PG);
    munmap(p, 8 * PG);
    return contract_end();
}
