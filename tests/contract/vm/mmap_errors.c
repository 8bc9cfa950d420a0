/* mmap error codes: EINVAL, ENOMEM, EACCES, EBADF, EEXIST, ENODEV. */
#include "contract.h"
#include <fcntl.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static void try(const char *what, void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    void *p = mmap(addr, len, prot, flags, fd, off);
    SAY("%s: %s", what, p == MAP_FAILED ? errname(errno) : "mapped");
    if (p != MAP_FAILED)
        munmap(p, len);
}

int main(void)
{
    contract_start();
    int a = MAP_PRIVATE | MAP_ANONYMOUS;
    try("length 0", NULL, 0, PROT_READ, a, -1, 0);
    try("no share type", NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0);
    try("unaligned offset", NULL, PG, PROT_READ, a, -1, 1);
    try("huge length", NULL, (size_t)1 << 62, PROT_READ, a, -1, 0);
    try("length wraps", NULL, (size_t)-PG, PROT_READ, a, -1, 0);
    try("fixed beyond user space", (void *)(1UL << 47), PG, PROT_READ, a | MAP_FIXED, -1, 0);
    try("bad fd", NULL, PG, PROT_READ, MAP_PRIVATE, 999, 0);
    try("negative fd", NULL, PG, PROT_READ, MAP_PRIVATE, -1, 0);
    int fd = open("/tmp/contract_mmap_errors", O_CREAT | O_RDWR | O_TRUNC, 0600);
    write(fd, "x", 1);
    close(fd);
    fd = open("/tmp/contract_mmap_errors", O_RDONLY);
    try("shared writable on read-only fd", NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    try("private writable on read-only fd", NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    close(fd);
    fd = open("/tmp/contract_mmap_errors", O_WRONLY);
    try("read on write-only fd", NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    unlink("/tmp/contract_mmap_errors");
    int pfd[2];
    pipe(pfd);
    try("pipe fd", NULL, PG, PROT_READ, MAP_PRIVATE, pfd[0], 0);
    char *base = free_range(4 * PG);
    mmap(base, PG, PROT_READ, a | MAP_FIXED, -1, 0);
    try("noreplace over mapping", base, PG, PROT_READ, a | MAP_FIXED_NOREPLACE, -1, 0);
    munmap(base, PG);
    return contract_end();
}
