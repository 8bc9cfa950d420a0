/* MADV_HUGEPAGE / MADV_NOHUGEPAGE seen in AnonHugePages of
 * /proc/self/smaps_rollup: a written 2 MiB-aligned advised region is one huge
 * page, a region advised against stays in small pages. Holds when the
 * transparent huge page policy is "always" or "madvise" (any Linux default). */
#include "contract.h"

#define HUGE (2UL << 20)

static long anon_huge(void) { return proc_field("/proc/self/smaps_rollup", "AnonHugePages"); }

int main(void)
{
    contract_start();
    char *raw = mmap(NULL, 4 * HUGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *a = (char *)(((uintptr_t)raw + HUGE - 1) & ~(HUGE - 1));
    /* two aligned 2 MiB regions with an unmapped gap so they never merge */
    char *yes = mmap(a, HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    char *no = mmap(a + 2 * HUGE, HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    munmap(a + HUGE, HUGE);
    long h0 = anon_huge();
    if (h0 < 0) {
        SAY("AnonHugePages: %s", errname(errno));
        return contract_end(), 1;
    }
    EXPECT(madvise(yes, HUGE, MADV_HUGEPAGE) == 0, "MADV_HUGEPAGE");
    EXPECT(madvise(no, HUGE, MADV_NOHUGEPAGE) == 0, "MADV_NOHUGEPAGE");
    no[5] = 1;
    long h1 = anon_huge();
    SAY("after writing the NOHUGEPAGE region: AnonHugePages +%ld kB", h1 - h0);
    yes[5] = 1;
    long h2 = anon_huge();
    SAY("after writing the HUGEPAGE region: AnonHugePages +%ld kB", h2 - h1);
    SAY("huge page reads zero away from the write: %d %d", yes[HUGE - 1], yes[PG * 100]);
    /* splitting the huge mapping with mprotect keeps the contents */
    yes[PG * 3] = 7;
    mprotect(yes + PG, PG, PROT_READ);
    SAY("after mprotect of one page: contents %d %d", yes[5], yes[PG * 3]);
    madvise(yes, HUGE, MADV_DONTNEED);
    long h3 = anon_huge();
    SAY("after DONTNEED of the huge region: AnonHugePages +%ld kB", h3 - h0);
    SAY("contents after DONTNEED: %d", yes[5]);
    EXPECT(madvise(yes + 1, PG, MADV_HUGEPAGE) == -1 && errno == EINVAL, "unaligned advice EINVAL");
    munmap(raw, 4 * HUGE);
    return contract_end();
}
