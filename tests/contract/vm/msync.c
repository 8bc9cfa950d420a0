/* msync: a shared file mapping and read()/write() see one another's data,
 * msync flushes without error, and its argument errors are Linux's. */
#include "contract.h"

#define FILE_PATH "/tmp/contract_msync"

int main(void)
{
    contract_start();
    int fd = open(FILE_PATH, O_CREAT | O_RDWR | O_TRUNC, 0600);
    ftruncate(fd, 3 * PG);
    char *m = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    memcpy(m + PG + 5, "mapped", 6);
    SAY("msync MS_SYNC: %s", msync(m, 3 * PG, MS_SYNC) ? errname(errno) : "0");
    char buf[8] = "";
    pread(fd, buf, 6, PG + 5);
    SAY("read() sees the store: %.6s", buf);
    pwrite(fd, "written", 7, 2 * PG + 1);
    SAY("mapping sees write(): %.7s", m + 2 * PG + 1);
    SAY("msync MS_ASYNC part: %s", msync(m + PG, PG, MS_ASYNC) ? errname(errno) : "0");
    SAY("msync MS_INVALIDATE: %s", msync(m, PG, MS_INVALIDATE) ? errname(errno) : "0");
    SAY("msync length not page multiple: %s", msync(m, 10, MS_SYNC) ? errname(errno) : "0");
    SAY("msync unaligned address: %s", msync(m + 1, PG, MS_SYNC) ? errname(errno) : "0");
    SAY("msync SYNC|ASYNC: %s", msync(m, PG, MS_SYNC | MS_ASYNC) ? errname(errno) : "0");
    SAY("msync unknown flag: %s", msync(m, PG, 0x100) ? errname(errno) : "0");
    SAY("msync flags 0: %s", msync(m, PG, 0) ? errname(errno) : "0");
    munmap(m + 2 * PG, PG);
    SAY("msync over a hole: %s", msync(m, 3 * PG, MS_SYNC) ? errname(errno) : "0");
    char *a = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    SAY("msync anonymous: %s", msync(a, PG, MS_SYNC) ? errname(errno) : "0");
    munmap(m, 2 * PG);
    /* the data stays in the file after the mapping is gone */
    memset(buf, 0, sizeof(buf));
    pread(fd, buf, 6, PG + 5);
    SAY("file after munmap: %.6s", buf);
    close(fd);
    unlink(FILE_PATH);
    return contract_end();
}
