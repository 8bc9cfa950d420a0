/* t_mmap_file.c - file mappings of a /tmp (tmpfs) file through the page
 * cache: MAP_SHARED writes visible to read() and to another process,
 * write() visible in the mapping, MAP_PRIVATE copies on write, offsets,
 * the EACCES/EINVAL rules of mmap(2), /dev/zero and shared anonymous memory. */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096
static char path[64];

static int make_file(void)
{
    static char page[PG];
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

    for (int i = 0; fd >= 0 && i < 3; i++) {
        memset(page, 'A' + i, sizeof(page));
        if (write(fd, page, sizeof(page)) != sizeof(page))
            return -1;
    }
    return fd;
}

static void test_shared(int fd)
{
    char buf[8] = {0};
    char *m = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

    if (m == MAP_FAILED) {
        check_fail_errno("MAP_SHARED mapping", "mmap");
        return;
    }
    check(m[0] == 'A' && m[PG] == 'B' && m[3 * PG - 1] == 'C', "mapping shows the file", "%c%c%c",
          m[0], m[PG], m[3 * PG - 1]);
    memcpy(m + PG + 10, "shared", 6);
    check(pread(fd, buf, 6, PG + 10) == 6 && memcmp(buf, "shared", 6) == 0,
          "MAP_SHARED write visible through read()", "read %.6s", buf);
    check(pwrite(fd, "write", 5, 2 * PG + 7) == 5 && memcmp(m + 2 * PG + 7, "write", 5) == 0,
          "write() visible in the mapping", "map %.5s", m + 2 * PG + 7);
    pid_t pid = fork();
    if (pid == 0) {
        memcpy(m + 100, "child", 5);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    check(memcmp(m + 100, "child", 5) == 0, "child's MAP_SHARED write visible to the parent",
          "got %.5s", m + 100);
    check(msync(m, 3 * PG, MS_SYNC) == 0, "msync", "errno %d", errno);
    munmap(m, 3 * PG);
    memset(buf, 0, sizeof(buf));
    check(pread(fd, buf, 5, 100) == 5 && memcmp(buf, "child", 5) == 0,
          "data stays in the file after munmap", "read %.5s", buf);
}

static void test_private(int fd)
{
    char buf[8] = {0};
    char *m = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);

    if (m == MAP_FAILED) {
        check_fail_errno("MAP_PRIVATE mapping", "mmap");
        return;
    }
    m[0] = 'p';
    check(pread(fd, buf, 1, 0) == 1 && buf[0] == 'A', "MAP_PRIVATE write stays private",
          "file has %c", buf[0]);
    check(pwrite(fd, "Q", 1, PG + 1) == 1 && m[PG + 1] == 'Q',
          "untouched private page still follows the file", "map has %c", m[PG + 1]);
    check(pwrite(fd, "R", 1, 1) == 1 && m[1] == 'A',
          "copied private page no longer follows the file", "map has %c", m[1]);
    munmap(m, 3 * PG);
    m = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 2 * PG);
    check(m != MAP_FAILED && m[0] == 'C', "mapping at a file offset", "got %c",
          m == MAP_FAILED ? '?' : m[0]);
    if (m != MAP_FAILED)
        munmap(m, PG);
}

static void test_rules(void)
{
    int ro = open(path, O_RDONLY), wo = open(path, O_WRONLY), rw = open(path, O_RDWR);
    void *m;

    errno = 0;
    m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
    check(m == MAP_FAILED && errno == EACCES, "writable MAP_SHARED of an O_RDONLY file: EACCES",
          "errno %d", errno);
    m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
    check(m != MAP_FAILED, "writable MAP_PRIVATE of an O_RDONLY file is allowed", "errno %d",
          errno);
    if (m != MAP_FAILED)
        munmap(m, PG);
    errno = 0;
    m = mmap(NULL, PG, PROT_READ, MAP_SHARED, wo, 0);
    check(m == MAP_FAILED && errno == EACCES, "mapping an O_WRONLY file: EACCES", "errno %d",
          errno);
    errno = 0;
    m = mmap(NULL, PG, PROT_READ, MAP_SHARED, rw, 100);
    check(m == MAP_FAILED && errno == EINVAL, "unaligned offset: EINVAL", "errno %d", errno);
    errno = 0;
    m = mmap(NULL, 0, PROT_READ, MAP_SHARED, rw, 0);
    check(m == MAP_FAILED && errno == EINVAL, "zero length: EINVAL", "errno %d", errno);
    errno = 0;
    m = mmap(NULL, PG, PROT_READ, MAP_SHARED, 999, 0);
    check(m == MAP_FAILED && errno == EBADF, "bad descriptor: EBADF", "errno %d", errno);
    close(ro);
    close(wo);
    close(rw);
}

static void test_zero_and_anon_shared(void)
{
    int z = open("/dev/zero", O_RDWR);
    char *m = z < 0 ? MAP_FAILED : mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);

    check(m != MAP_FAILED && m[0] == 0 && m[2 * PG - 1] == 0, "/dev/zero maps zeros", "errno %d",
          errno);
    if (m != MAP_FAILED) {
        m[5] = 9;
        check(m[5] == 9, "/dev/zero private mapping is writable", "got %d", m[5]);
        munmap(m, 2 * PG);
    }
    if (z >= 0)
        close(z);
    m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        check_fail_errno("shared anonymous mapping", "mmap");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        strcpy(m, "from child");
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    check(strcmp(m, "from child") == 0, "MAP_SHARED|MAP_ANONYMOUS shared with a child", "got %.10s",
          m);
    munmap(m, PG);
}

int main(void)
{
    int fd;

    snprintf(path, sizeof(path), "/tmp/mmap.%d", (int)getpid());
    fd = make_file();
    if (fd < 0) {
        check_fail_errno("create file", path);
        return check_done();
    }
    test_shared(fd);
    test_private(fd);
    test_rules();
    test_zero_and_anon_shared();
    close(fd);
    unlink(path);
    return check_done();
}
