/* lseek: SEEK_SET/CUR/END, seeking past the end then writing leaves a hole
 * that reads zeros, negative results are EINVAL, bad whence EINVAL, pipes
 * ESPIPE; pread/pwrite do not move the offset. */
#include "contract.h"

#define F "/tmp/contract_lseek"

int main(void)
{
    contract_start();
    int fd = open(F, O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(fd, "0123456789", 10);
    SAY("SEEK_CUR 0: %ld", (long)lseek(fd, 0, SEEK_CUR));
    SAY("SEEK_SET 4: %ld", (long)lseek(fd, 4, SEEK_SET));
    SAY("SEEK_CUR -2: %ld", (long)lseek(fd, -2, SEEK_CUR));
    SAY("SEEK_END -1: %ld", (long)lseek(fd, -1, SEEK_END));
    char c = 0;
    read(fd, &c, 1);
    SAY("read there: %c", c);
    SAY("SEEK_END +5: %ld", (long)lseek(fd, 5, SEEK_END));
    write(fd, "E", 1);
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof(buf), 0);
    SAY("size with hole: %ld, hole bytes: %d %d %d %d %d, last %c", (long)n, buf[10], buf[11], buf[12], buf[13], buf[14], buf[15]);
    long before = (long)lseek(fd, 0, SEEK_CUR);
    pwrite(fd, "P", 1, 0);
    pread(fd, buf, 2, 0);
    SAY("pread/pwrite leave the offset: %d, data %.2s", lseek(fd, 0, SEEK_CUR) == before, buf);
    SAY("negative result: %s", lseek(fd, -100, SEEK_SET) < 0 ? errname(errno) : "ok");
    SAY("offset unchanged after the error: %d", lseek(fd, 0, SEEK_CUR) == before);
    SAY("bad whence: %s", lseek(fd, 0, 42) < 0 ? errname(errno) : "ok");
    SAY("pread negative offset: %s", pread(fd, buf, 1, -1) < 0 ? errname(errno) : "ok");
    SAY("read past the end: %ld", (long)pread(fd, buf, 1, 1000));
    int p[2];
    pipe(p);
    SAY("pipe: %s", lseek(p[0], 0, SEEK_CUR) < 0 ? errname(errno) : "ok");
    SAY("pread on a pipe: %s", pread(p[0], buf, 1, 0) < 0 ? errname(errno) : "ok");
    SAY("closed fd: %s", lseek(99, 0, SEEK_SET) < 0 ? errname(errno) : "ok");
    int d = open("/tmp", O_RDONLY | O_DIRECTORY);
    SAY("directory SEEK_SET 0: %ld", (long)lseek(d, 0, SEEK_SET));
    close(fd);
    unlink(F);
    return contract_end();
}
