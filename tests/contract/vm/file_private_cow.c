/* A private file mapping sees file changes on pages it has not written, and keeps its own copy of pages it wrote. */
#include "contract.h"
#include <fcntl.h>

int main(void)
{
    contract_start();
    const char *path = "/tmp/contract_file_private";
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
    char page[PG];
    for (int i = 0; i < 3; i++) {
        memset(page, 'A' + i, PG);
        write(fd, page, PG);
    }
    char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    SAY("initial: %c %c %c", p[0], p[PG], p[2 * PG]);
    p[PG] = 'x';
    pwrite(fd, "12", 2, 0);
    pwrite(fd, "3", 1, PG);
    SAY("after file writes: %c%c %c %c", p[0], p[1], p[PG], p[2 * PG]);
    madvise(p, 3 * PG, MADV_DONTNEED);
    SAY("after DONTNEED: %c %c %c", p[0], p[PG], p[2 * PG]);
    char *s = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 2 * PG);
    s[5] = 'S';
    SAY("shared write at offset 2 pages seen privately: %c", p[2 * PG + 5]);
    munmap(s, PG);
    munmap(p, 3 * PG);
    close(fd);
    unlink(path);
    return contract_end();
}
