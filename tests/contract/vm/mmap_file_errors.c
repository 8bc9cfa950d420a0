/* mmap error codes that depend on the file: directories, O_PATH and
 * append-only descriptors, offsets that overflow, MAP_SHARED_VALIDATE. */
#include "contract.h"

#define FILE_PATH "/tmp/contract_mmap_file_errors"
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef O_PATH
#define O_PATH 010000000
#endif

static void try(const char *what, size_t len, int prot, int flags, int fd, off_t off)
{
    void *p = mmap(NULL, len, prot, flags, fd, off);
    SAY("%s: %s", what, p == MAP_FAILED ? errname(errno) : "mapped");
    if (p != MAP_FAILED)
        munmap(p, len);
}

int main(void)
{
    contract_start();
    int fd = open(FILE_PATH, O_CREAT | O_RDWR | O_TRUNC, 0600);
    ftruncate(fd, 2 * PG);
    try("shared rw on rw fd", PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    try("MAP_SHARED_VALIDATE known flags", PG, PROT_READ, MAP_SHARED_VALIDATE, fd, 0);
    try("MAP_SHARED_VALIDATE MAP_SYNC on a plain file", PG, PROT_READ, MAP_SHARED_VALIDATE | 0x80000, fd, 0);
    try("offset past the end of the file", PG, PROT_READ, MAP_SHARED, fd, 64 * PG);
    try("offset plus length overflows", 4 * PG, PROT_READ, MAP_SHARED, fd, (off_t)(-2 * (long)PG) & ~(off_t)(PG - 1));
    try("negative offset", PG, PROT_READ, MAP_SHARED, fd, -(off_t)PG);
    close(fd);
    fd = open(FILE_PATH, O_RDWR | O_APPEND);
    try("shared writable on append-only fd", PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    try("shared read on append-only fd", PG, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    fd = open(FILE_PATH, O_PATH);
    try("O_PATH fd", PG, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    try("closed fd", PG, PROT_READ, MAP_PRIVATE, fd, 0);
    fd = open("/tmp", O_RDONLY | O_DIRECTORY);
    try("directory fd", PG, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    fd = open("/dev/null", O_RDWR);
    try("/dev/null shared", PG, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    unlink(FILE_PATH);
    return contract_end();
}
