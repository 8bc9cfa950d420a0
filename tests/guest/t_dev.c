/* t_dev.c - the memory-like character devices: /dev/null, /dev/zero,
 * /dev/full, /dev/random and /dev/urandom, read and written as Linux's
 * drivers behave (EOF, zeros, ENOSPC, random bytes), and their stat. */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int open_dev(const char *path, int flags)
{
    int fd = open(path, flags);

    if (fd < 0)
        check_fail_errno(path, "open");
    return fd;
}

static void test_null_zero(void)
{
    char buf[64];
    struct stat st;
    int fd = open_dev("/dev/null", O_RDWR);

    if (fd >= 0) {
        check(read(fd, buf, sizeof(buf)) == 0, "/dev/null reads EOF", "errno %d", errno);
        check(write(fd, buf, sizeof(buf)) == sizeof(buf), "/dev/null swallows writes", "errno %d",
              errno);
        check(fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
                  minor(st.st_rdev) == 3,
              "/dev/null is char 1:3", "mode 0%o rdev %u:%u", st.st_mode, major(st.st_rdev),
              minor(st.st_rdev));
        close(fd);
    }
    fd = open_dev("/dev/zero", O_RDWR);
    if (fd >= 0) {
        memset(buf, 7, sizeof(buf));
        int zero = read(fd, buf, sizeof(buf)) == sizeof(buf);
        for (size_t i = 0; i < sizeof(buf); i++)
            zero &= buf[i] == 0;
        check(zero, "/dev/zero reads zeros", "errno %d", errno);
        check(write(fd, buf, 10) == 10, "/dev/zero accepts writes", "errno %d", errno);
        close(fd);
    }
}

static void test_full(void)
{
    char buf[16];
    int fd = open_dev("/dev/full", O_RDWR);

    if (fd < 0)
        return;
    errno = 0;
    check(write(fd, "x", 1) == -1 && errno == ENOSPC, "/dev/full write: ENOSPC", "errno %d", errno);
    memset(buf, 7, sizeof(buf));
    check(read(fd, buf, sizeof(buf)) == sizeof(buf) && buf[0] == 0 && buf[15] == 0,
          "/dev/full reads zeros", "errno %d", errno);
    close(fd);
}

static void test_random(const char *path)
{
    unsigned char a[32], b[32];
    char name[64];
    int fd = open_dev(path, O_RDONLY);

    if (fd < 0)
        return;
    snprintf(name, sizeof(name), "%s gives different bytes each read", path);
    check(read(fd, a, sizeof(a)) == sizeof(a) && read(fd, b, sizeof(b)) == sizeof(b) &&
              memcmp(a, b, sizeof(a)) != 0,
          name, "errno %d", errno);
    close(fd);
}

int main(void)
{
    test_null_zero();
    test_full();
    test_random("/dev/urandom");
    test_random("/dev/random");
    return check_done();
}
