/* t_files.c - the file-system calls on /tmp: getdents64 (small buffers,
 * d_type), mkdir/rmdir/unlink/rename/symlink/readlink, path lookup through
 * ., .. and symlinks, chdir/fchdir/getcwd, stat/fstat/newfstatat/statx,
 * read/write/pread/pwrite/readv/writev/lseek, truncate, and their errors. */
#include "check.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static char base[64];

static const char *at(const char *name)
{
    static char buf[4][160];
    static int next;
    char *p = buf[next++ % 4];

    snprintf(p, sizeof(buf[0]), "%s/%s", base, name);
    return p;
}

static int put(const char *name, const char *text)
{
    int fd = open(at(name), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ssize_t n = fd < 0 ? -1 : write(fd, text, strlen(text));

    if (fd >= 0)
        close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* List dir with getdents64 through a small buffer; returns a "name:type "
 * string sorted by the caller's expectations (we only test membership). */
static int list_dir(const char *dir, char *out, size_t outlen, int *calls)
{
    char buf[80];
    int fd = open(dir, O_RDONLY | O_DIRECTORY), n;

    out[0] = '\0';
    *calls = 0;
    if (fd < 0)
        return -1;
    while ((n = (int)syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
        (*calls)++;
        for (int off = 0; off < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
            size_t used = strlen(out);
            snprintf(out + used, outlen - used, "%s:%d ", d->d_name, d->d_type);
            off += d->d_reclen;
        }
    }
    close(fd);
    return n;
}

static void test_getdents(void)
{
    char listing[1024], item[64];
    int calls, r;
    const char *want[] = {".", "..", "alpha", "beta", "gamma_with_a_long_name", "sub", "link"};
    int types[] = {DT_DIR, DT_DIR, DT_REG, DT_REG, DT_REG, DT_DIR, DT_LNK};

    put("alpha", "first file\n");
    put("beta", "second\n");
    put("gamma_with_a_long_name", "");
    mkdir(at("sub"), 0755);
    symlink("alpha", at("link"));
    r = list_dir(base, listing, sizeof(listing), &calls);
    int all = r == 0;
    for (int i = 0; i < 7; i++) {
        snprintf(item, sizeof(item), " %s:%d ", want[i], types[i]);
        char padded[1100];
        snprintf(padded, sizeof(padded), " %s", listing);
        char *hit = strstr(padded, item);
        all = all && hit && !strstr(hit + 1, item);
    }
    check(all && calls >= 2, "getdents64 lists every entry once with d_type",
          "r %d calls %d listing: %s", r, calls, listing);
    char tiny[8];
    int fd = open(base, O_RDONLY | O_DIRECTORY);
    errno = 0;
    check(syscall(SYS_getdents64, fd, tiny, sizeof(tiny)) == -1 && errno == EINVAL,
          "getdents64 with a too small buffer: EINVAL", "errno %d", errno);
    close(fd);
    fd = open(at("alpha"), O_RDONLY);
    errno = 0;
    check(syscall(SYS_getdents64, fd, listing, sizeof(listing)) == -1 && errno == ENOTDIR,
          "getdents64 of a file: ENOTDIR", "errno %d", errno);
    close(fd);
    DIR *d = opendir(base);
    int count = 0;
    while (d && readdir(d))
        count++;
    if (d)
        closedir(d);
    check(count == 7, "readdir sees 7 entries", "%d", count);
}

static void test_names(void)
{
    char buf[64] = {0};
    struct stat st;
    int fd;

    check(readlink(at("link"), buf, sizeof(buf)) == 5 && memcmp(buf, "alpha", 5) == 0,
          "readlink", "got %s", buf);
    check(lstat(at("link"), &st) == 0 && S_ISLNK(st.st_mode), "lstat sees the symlink", "mode 0%o",
          st.st_mode);
    check(stat(at("link"), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 11,
          "stat follows the symlink", "mode 0%o size %ld", st.st_mode, (long)st.st_size);
    fd = open(at("sub/../link"), O_RDONLY);
    memset(buf, 0, sizeof(buf));
    check(fd >= 0 && read(fd, buf, 5) == 5 && strcmp(buf, "first") == 0,
          "open through .., . and a symlink", "fd %d buf %s", fd, buf);
    close(fd);
    check(rename(at("beta"), at("sub/beta2")) == 0 && access(at("beta"), F_OK) == -1 &&
              access(at("sub/beta2"), F_OK) == 0,
          "rename into a subdirectory", "errno %d", errno);
    errno = 0;
    check(rmdir(at("sub")) == -1 && (errno == ENOTEMPTY || errno == EEXIST),
          "rmdir of a non-empty directory: ENOTEMPTY", "errno %d", errno);
    errno = 0;
    check(mkdir(at("sub"), 0755) == -1 && errno == EEXIST, "mkdir of an existing name: EEXIST",
          "errno %d", errno);
    errno = 0;
    check(open(at("alpha"), O_CREAT | O_EXCL | O_WRONLY, 0644) == -1 && errno == EEXIST,
          "O_CREAT|O_EXCL on an existing file: EEXIST", "errno %d", errno);
    errno = 0;
    check(open(at("missing"), O_RDONLY) == -1 && errno == ENOENT, "open of a missing file: ENOENT",
          "errno %d", errno);
    errno = 0;
    check(open(at("alpha/x"), O_RDONLY) == -1 && errno == ENOTDIR,
          "a file used as a directory: ENOTDIR", "errno %d", errno);
    errno = 0;
    check(unlink(at("sub")) == -1 && errno == EISDIR, "unlink of a directory: EISDIR", "errno %d",
          errno);
    errno = 0;
    check(open(at("sub"), O_WRONLY) == -1 && errno == EISDIR, "open a directory for writing: EISDIR",
          "errno %d", errno);
    /* "." and ".." name the directories themselves: O_CREAT must not make a file of that name. */
    errno = 0;
    check(open(at("sub/."), O_CREAT | O_EXCL | O_WRONLY, 0644) == -1 && errno == EEXIST,
          "O_CREAT|O_EXCL of dir/.: EEXIST", "errno %d", errno);
    errno = 0;
    check(open(at("sub/.."), O_CREAT | O_RDONLY, 0644) == -1 && errno == EISDIR,
          "O_CREAT of dir/..: EISDIR", "errno %d", errno);
    check(unlink(at("sub/beta2")) == 0 && rmdir(at("sub")) == 0 && access(at("sub"), F_OK) == -1,
          "unlink and rmdir", "errno %d", errno);
    check(access(at("alpha"), R_OK | W_OK) == 0 && faccessat(AT_FDCWD, at("alpha"), F_OK, 0) == 0,
          "access and faccessat", "errno %d", errno);
}

static void test_cwd(void)
{
    char cwd[256] = {0};
    int here = open(".", O_RDONLY | O_DIRECTORY);

    check(chdir(base) == 0 && getcwd(cwd, sizeof(cwd)) && strcmp(cwd, base) == 0,
          "chdir then getcwd", "cwd %s", cwd);
    check(access("alpha", F_OK) == 0, "relative path from the new cwd", "errno %d", errno);
    check(chdir("..") == 0 && getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/tmp") == 0,
          "chdir ..", "cwd %s", cwd);
    errno = 0;
    check(getcwd(cwd, 2) == NULL && errno == ERANGE, "getcwd with a small buffer: ERANGE",
          "errno %d", errno);
    check(here >= 0 && fchdir(here) == 0, "fchdir back", "errno %d", errno);
    close(here);
}

static void test_io(void)
{
    char buf[64] = {0};
    struct stat st;
    int fd = open(at("io"), O_RDWR | O_CREAT | O_TRUNC, 0600);

    if (fd < 0) {
        check_fail_errno("io file", "open");
        return;
    }
    struct iovec iov[3] = {{"abc", 3}, {"", 0}, {"defgh", 5}};
    check(writev(fd, iov, 3) == 8, "writev gathers", "errno %d", errno);
    check(pwrite(fd, "XY", 2, 1) == 2 && lseek(fd, 0, SEEK_CUR) == 8,
          "pwrite leaves the offset alone", "offset %ld", (long)lseek(fd, 0, SEEK_CUR));
    check(pread(fd, buf, 8, 0) == 8 && memcmp(buf, "aXYdefgh", 8) == 0, "pread", "got %.8s", buf);
    check(lseek(fd, 100, SEEK_END) == 108 && write(fd, "!", 1) == 1, "lseek past the end",
          "errno %d", errno);
    memset(buf, 1, sizeof(buf));
    check(pread(fd, buf, 10, 50) == 10 && buf[0] == 0 && buf[9] == 0, "a hole reads as zeros",
          "byte %d", buf[0]);
    check(fstat(fd, &st) == 0 && st.st_size == 109 && S_ISREG(st.st_mode) &&
              (st.st_mode & 0777) == 0600,
          "fstat size and mode", "size %ld mode 0%o", (long)st.st_size, st.st_mode);
    check(ftruncate(fd, 4) == 0 && fstat(fd, &st) == 0 && st.st_size == 4, "ftruncate shrinks",
          "size %ld", (long)st.st_size);
    check(truncate(at("io"), 5000) == 0 && stat(at("io"), &st) == 0 && st.st_size == 5000,
          "truncate grows", "size %ld", (long)st.st_size);
    struct iovec rd[2] = {{buf, 2}, {buf + 10, 3}};
    lseek(fd, 0, SEEK_SET);
    check(readv(fd, rd, 2) == 5 && memcmp(buf, "aX", 2) == 0 && memcmp(buf + 10, "Yd\0", 3) == 0,
          "readv scatters", "errno %d", errno);
    errno = 0;
    check(lseek(fd, -1, SEEK_SET) == -1 && errno == EINVAL, "lseek to a negative offset: EINVAL",
          "errno %d", errno);
    check(fstatat(AT_FDCWD, at("io"), &st, 0) == 0 && st.st_size == 5000, "newfstatat",
          "size %ld", (long)st.st_size);
    close(fd);
    unlink(at("io"));
}

int main(void)
{
    snprintf(base, sizeof(base), "/tmp/files.%d", (int)getpid());
    if (mkdir(base, 0755) != 0) {
        check_fail_errno("mkdir", base);
        return check_done();
    }
    test_getdents();
    test_names();
    test_cwd();
    test_io();
    unlink(at("alpha"));
    unlink(at("link"));
    unlink(at("gamma_with_a_long_name"));
    check(rmdir(base) == 0, "cleanup leaves an empty directory", "errno %d", errno);
    return check_done();
}
