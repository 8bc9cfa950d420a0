/* t_fd.c - file descriptors: dup/dup2/dup3 and fcntl (F_DUPFD,
 * F_DUPFD_CLOEXEC, F_GETFD/F_SETFD, F_GETFL/F_SETFL), shared offsets, EBADF,
 * and close-on-exec honoured by execve (checked from the exec'd copy). */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int open_tmp(char *path, size_t len)
{
    snprintf(path, len, "/tmp/fd.%d", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0 && write(fd, "0123456789", 10) != 10) {
        close(fd);
        return -1;
    }
    return fd;
}

static void test_dup(int fd)
{
    int a, b, c, big;
    char ch = 0;

    a = dup(fd);
    close(a);
    b = dup(fd);
    check(a > fd && b == a, "dup returns the lowest free descriptor", "%d then %d", a, b);
    lseek(fd, 3, SEEK_SET);
    check(read(b, &ch, 1) == 1 && ch == '3' && lseek(fd, 0, SEEK_CUR) == 4,
          "duplicates share the file offset", "read '%c' offset %ld", ch,
          (long)lseek(fd, 0, SEEK_CUR));
    check(dup2(fd, fd) == fd, "dup2(fd, fd) returns fd", "errno %d", errno);
    c = open("/dev/null", O_RDONLY);
    check(dup2(fd, c) == c && lseek(c, 0, SEEK_CUR) == 4, "dup2 onto an open descriptor replaces it",
          "offset %ld", (long)lseek(c, 0, SEEK_CUR));
    errno = 0;
    check(dup3(fd, fd, 0) == -1 && errno == EINVAL, "dup3(fd, fd): EINVAL", "errno %d", errno);
    check(dup3(fd, c, O_CLOEXEC) == c && fcntl(c, F_GETFD) == FD_CLOEXEC,
          "dup3 O_CLOEXEC sets FD_CLOEXEC", "flags %d", fcntl(c, F_GETFD));
    check(fcntl(b, F_GETFD) == 0, "dup clears FD_CLOEXEC", "flags %d", fcntl(b, F_GETFD));
    big = fcntl(fd, F_DUPFD, 40);
    check(big >= 40, "F_DUPFD honours the minimum", "got %d", big);
    int cl = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    check(cl >= 0 && fcntl(cl, F_GETFD) == FD_CLOEXEC, "F_DUPFD_CLOEXEC", "fd %d flags %d", cl,
          fcntl(cl, F_GETFD));
    check(fcntl(cl, F_SETFD, 0) == 0 && fcntl(cl, F_GETFD) == 0, "F_SETFD clears FD_CLOEXEC",
          "flags %d", fcntl(cl, F_GETFD));
    close(b);
    close(c);
    close(big);
    close(cl);
    errno = 0;
    check(close(b) == -1 && errno == EBADF, "close of a closed descriptor: EBADF", "errno %d", errno);
    errno = 0;
    check(read(1000, &ch, 1) == -1 && errno == EBADF, "read of a bad descriptor: EBADF", "errno %d",
          errno);
    errno = 0;
    check(dup2(fd, -1) == -1 && errno == EBADF, "dup2 to -1: EBADF", "errno %d", errno);
}

static void test_flags(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    check((fl & O_ACCMODE) == O_RDWR && !(fl & O_APPEND), "F_GETFL shows O_RDWR", "flags 0%o", fl);
    check(fcntl(fd, F_SETFL, fl | O_APPEND) == 0 && (fcntl(fd, F_GETFL) & O_APPEND),
          "F_SETFL sets O_APPEND", "flags 0%o", fcntl(fd, F_GETFL));
    lseek(fd, 0, SEEK_SET);
    if (write(fd, "ab", 2) != 2)
        check_fail_errno("O_APPEND write", "write");
    check(lseek(fd, 0, SEEK_CUR) == 12, "O_APPEND writes at the end", "offset %ld",
          (long)lseek(fd, 0, SEEK_CUR));
    fcntl(fd, F_SETFL, fl);
    int ro = open("/dev/null", O_RDONLY);
    check(fcntl(ro, F_SETFL, O_RDWR) == 0 && (fcntl(ro, F_GETFL) & O_ACCMODE) == O_RDONLY,
          "F_SETFL cannot change the access mode", "flags 0%o", fcntl(ro, F_GETFL));
    close(ro);
}

/* In the exec'd copy: argv = self --after-exec KEEP CLOEXEC SETFD. */
static int after_exec(char **argv)
{
    int keep = atoi(argv[2]), cloexec = atoi(argv[3]), setfd = atoi(argv[4]);
    char ch = 0;

    check(fcntl(keep, F_GETFD) == 0, "plain descriptor survives exec", "errno %d", errno);
    check(read(keep, &ch, 1) == 1 && ch == '5', "offset carried across exec", "read '%c'", ch);
    errno = 0;
    check(fcntl(cloexec, F_GETFD) == -1 && errno == EBADF, "O_CLOEXEC descriptor closed by exec",
          "errno %d", errno);
    errno = 0;
    check(fcntl(setfd, F_GETFD) == -1 && errno == EBADF, "F_SETFD FD_CLOEXEC descriptor closed",
          "errno %d", errno);
    return check_done();
}

static void test_exec(const char *self, const char *path)
{
    int keep = open(path, O_RDONLY), cloexec = open(path, O_RDONLY | O_CLOEXEC);
    int setfd = open(path, O_RDONLY), status;
    char a[12], b[12], c[12];

    fcntl(setfd, F_SETFD, FD_CLOEXEC);
    lseek(keep, 5, SEEK_SET);
    snprintf(a, sizeof(a), "%d", keep);
    snprintf(b, sizeof(b), "%d", cloexec);
    snprintf(c, sizeof(c), "%d", setfd);
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {(char *)self, "--after-exec", a, b, c, NULL};
        execve(self, argv, NULL);
        _exit(99);
    }
    waitpid(pid, &status, 0);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exec'd copy passed its checks",
          "status 0x%x", status);
    check(fcntl(cloexec, F_GETFD) == FD_CLOEXEC, "parent keeps its O_CLOEXEC descriptor",
          "flags %d", fcntl(cloexec, F_GETFD));
    close(keep);
    close(cloexec);
    close(setfd);
}

int main(int argc, char **argv)
{
    char path[64];
    int fd;

    if (argc == 5 && strcmp(argv[1], "--after-exec") == 0)
        return after_exec(argv);
    fd = open_tmp(path, sizeof(path));
    if (fd < 0) {
        check_fail_errno("open /tmp file", path);
        return check_done();
    }
    test_dup(fd);
    test_flags(fd);
    if (argv[0][0] == '/')
        test_exec(argv[0], path);
    else
        check_skip("close-on-exec across exec", "argv[0] %s is not absolute", argv[0]);
    close(fd);
    unlink(path);
    return check_done();
}
