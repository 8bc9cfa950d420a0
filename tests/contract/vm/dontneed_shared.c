/* MADV_DONTNEED on shared memory keeps the data: shared anonymous and shared file pages are re-read, not zeroed. */
#include "contract.h"
#include <fcntl.h>

int main(void)
{
    contract_start();
    char *a = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    a[0] = 'a';
    a[PG] = 'b';
    madvise(a, 2 * PG, MADV_DONTNEED);
    SAY("shared anonymous after DONTNEED: %c %c", a[0], a[PG]);
    int fd = open("/tmp/contract_dontneed_shared", O_CREAT | O_RDWR | O_TRUNC, 0600);
    ftruncate(fd, 2 * PG);
    char *f = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    f[10] = 'f';
    madvise(f, 2 * PG, MADV_DONTNEED);
    char c = 0;
    pread(fd, &c, 1, 10);
    SAY("shared file after DONTNEED: mapping %c, file %c", f[10], c);
    char *pv = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    pv[10] = 'p';
    madvise(pv, 2 * PG, MADV_DONTNEED);
    SAY("private file after DONTNEED: %c", pv[10]);
    close(fd);
    unlink("/tmp/contract_dontneed_shared");
    return contract_end();
}
