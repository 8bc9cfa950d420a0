/* Demand paging seen in VmRSS (/proc/self/status): mmap alone costs nothing,
 * writing every page makes it resident, MADV_DONTNEED and munmap give it back. */
#include "contract.h"

#define PAGES 512 /* 2 MiB: large against the noise of the rest of the process */
#define KB ((long)(PAGES * PG / 1024))

static long rss(void) { return proc_field("/proc/self/status", "VmRSS"); }

/* "about N kB": within an eighth of the region, the slack other pages need. */
static const char *near(long delta, long want)
{
    return delta >= want - KB / 8 && delta <= want + KB / 8 ? "yes" : "no";
}

int main(void)
{
    contract_start();
    long r0 = rss();
    if (r0 < 0) {
        SAY("VmRSS: %s", errname(errno));
        return contract_end(), 1;
    }
    char *p = mmap(NULL, PAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    madvise(p, PAGES * PG, MADV_NOHUGEPAGE);
    long r1 = rss();
    SAY("after mmap, grew by about 0 kB: %s", near(r1 - r0, 0));
    for (int i = 0; i < PAGES / 2; i++)
        p[i * PG] = 1;
    long r2 = rss();
    SAY("after writing half, grew by about %ld kB: %s", KB / 2, near(r2 - r1, KB / 2));
    for (int i = PAGES / 2; i < PAGES; i++)
        p[i * PG] = 1;
    long r3 = rss();
    SAY("after writing all, grew by about %ld kB: %s", KB, near(r3 - r1, KB));
    madvise(p, PAGES / 2 * PG, MADV_DONTNEED);
    long r4 = rss();
    SAY("after DONTNEED of half, shrank by about %ld kB: %s", KB / 2, near(r3 - r4, KB / 2));
    munmap(p, PAGES * PG);
    long r5 = rss();
    SAY("after munmap, back to the start: %s", near(r5 - r0, 0));
    EXPECT(r3 > r1 && r5 < r3, "VmRSS follows the touched pages");
    return contract_end();
}
