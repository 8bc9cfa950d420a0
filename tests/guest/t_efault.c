/* t_efault.c - bad user pointers make system calls fail with EFAULT (never
 * crash the kernel or the caller): an unmapped user address, a PROT_NONE
 * page and a kernel address, on more than ten different system calls.
 * Raw syscall() is used so that libc cannot touch the pointer first. */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void expect_efault(const char *name, long ret)
{
    int e = errno;

    check(ret == -1 && e == EFAULT, name, "returned %ld errno %d (%s)", ret, e, strerror(e));
}

/* Every case with one bad address; name gets a suffix saying which kind. */
static void run_cases(const char *kind, void *bad)
{
    char name[96];
    int fds[2], zero, dir;
    pid_t child;

#define CASE(what, expr)                                           \
    do {                                                           \
        snprintf(name, sizeof(name), "%s (%s)", what, kind);       \
        errno = 0;                                                 \
        expect_efault(name, (long)(expr));                         \
    } while (0)

    if (pipe(fds) != 0) {
        check_fail_errno("pipe", "pipe");
        return;
    }
    zero = open("/dev/zero", O_RDONLY);
    dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    CASE("read into bad buffer", syscall(SYS_read, zero, bad, 64));
    CASE("write from bad buffer", syscall(SYS_write, fds[1], bad, 64));
    CASE("openat bad path", syscall(SYS_openat, AT_FDCWD, bad, O_RDONLY));
    CASE("fstat bad stat buffer", syscall(SYS_fstat, fds[0], bad));
    CASE("newfstatat bad path", syscall(SYS_newfstatat, AT_FDCWD, bad, name, 0));
    CASE("pipe2 bad array", syscall(SYS_pipe2, bad, 0));
    CASE("clock_gettime bad timespec", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, bad));
    CASE("uname bad buffer", syscall(SYS_uname, bad));
    CASE("gettimeofday bad timeval", syscall(SYS_gettimeofday, bad, NULL));
    CASE("rt_sigaction bad act", syscall(SYS_rt_sigaction, SIGUSR1, bad, NULL, 8));
    CASE("rt_sigprocmask bad set", syscall(SYS_rt_sigprocmask, SIG_BLOCK, bad, NULL, 8));
    CASE("execve bad path", syscall(SYS_execve, bad, NULL, NULL));
    CASE("getcwd bad buffer", syscall(SYS_getcwd, bad, 256));
    CASE("nanosleep bad request", syscall(SYS_nanosleep, bad, NULL));
    CASE("getrandom bad buffer", syscall(SYS_getrandom, bad, 16, 0));
    CASE("writev bad iovec array", syscall(SYS_writev, fds[1], bad, 1));
    CASE("sysinfo bad buffer", syscall(SYS_sysinfo, bad));
    CASE("poll bad fds", syscall(SYS_poll, bad, 1, 0));
    CASE("chdir bad path", syscall(SYS_chdir, bad));
    if (dir >= 0)
        CASE("getdents64 bad buffer", syscall(SYS_getdents64, dir, bad, 4096));
    child = fork();
    if (child == 0)
        _exit(0);
    if (child > 0)
        CASE("wait4 bad status", syscall(SYS_wait4, child, bad, 0, NULL));
    waitpid(child, NULL, WNOHANG);
    {
        struct iovec iov = {bad, 32};
        CASE("writev bad iov_base", syscall(SYS_writev, fds[1], &iov, 1));
    }
#undef CASE
    close(fds[0]);
    close(fds[1]);
    if (zero >= 0)
        close(zero);
    if (dir >= 0)
        close(dir);
}

int main(void)
{
    char *p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        check_fail_errno("mmap", "mmap");
        return check_done();
    }
    munmap(p, 4096);
    mprotect(p + 4096, 4096, PROT_NONE);
    run_cases("unmapped", p);
    run_cases("PROT_NONE", p + 4096);
    run_cases("kernel address", (void *)0xffffffff81000000UL);
    /* The process is intact afterwards: a real call with good pointers works. */
    struct timespec ts;
    check(clock_gettime(CLOCK_MONOTONIC, &ts) == 0, "good pointers still work", "errno %d", errno);
    return check_done();
}
