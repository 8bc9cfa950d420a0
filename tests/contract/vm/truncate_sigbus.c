/* Truncating a mapped file makes pages wholly past the new end raise SIGBUS; the partial last page reads zeros past EOF. */
#include "contract.h"
#include <fcntl.h>

int main(void)
{
    contract_start();
    probe_install();
    const char *path = "/tmp/contract_truncate_sigbus";
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
    ftruncate(fd, 4 * PG);
    char *sh = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    memset(sh, 'x', 4 * PG);
    ftruncate(fd, PG + 10);
    probe_say("read page 0", probe_read(sh + 5), sh);
    SAY("byte 9 of page 1: %c, byte 10: %d", sh[PG + 9], sh[PG + 10]);
    probe_say("read page 2", probe_read(sh + 2 * PG + 1), sh);
    probe_say("write page 3", probe_write(sh + 3 * PG + 2, 'y'), sh);
    ftruncate(fd, 4 * PG);
    SAY("after regrowing: page 3 byte %d", sh[3 * PG + 2]);
    char *off = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 8 * PG);
    SAY("mapping at offset past EOF: %s", off == MAP_FAILED ? errname(errno) : "mapped");
    if (off != MAP_FAILED)
        probe_say("read it", probe_read(off), off);
    char *mid = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, PG);
    SAY("mapping at offset 1 page: byte 9 %c", mid[9]);
    close(fd);
    unlink(path);
    return contract_end();
}
