/* t_isolation.c - one process cannot reach into another's memory.
 *
 * The target is this program running as root, holding a secret in its
 * memory; the probe is a child that became uid 65534. Every way in must be
 * refused (the call may also not exist here: ENOSYS, a missing /proc file):
 * process_vm_readv and process_vm_writev, /proc/PID/mem (open, or read and
 * write after open), ptrace attach and peek, and a signal sent across
 * users (kill must say EPERM). Needs root to start with, else skips.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static char secret[64] = "the parent's secret, not for other users";

static bool refused(long r, int err, const int *ok_errnos)
{
    if (r >= 0)
        return false;
    for (; *ok_errnos; ok_errnos++)
        if (err == *ok_errnos)
            return true;
    return false;
}

static int probe(void *arg)
{
    pid_t target = (pid_t)(intptr_t)arg;
    char buf[64] = {0};
    char path[64];
    static const int perm[] = {EPERM, EACCES, ENOSYS, ESRCH, 0};
    static const int perm_open[] = {EPERM, EACCES, ENOENT, ENOSYS, 0};

    if (setgid(65534) || setuid(65534))
        return 3;
    struct iovec local = {buf, sizeof(buf)}, remote = {secret, sizeof(secret)};
    long r = syscall(SYS_process_vm_readv, target, &local, 1, &remote, 1, 0);
    check(refused(r, errno, perm), "process_vm_readv of another user's process is refused",
          "returned %ld errno %d", r, errno);
    r = syscall(SYS_process_vm_writev, target, &local, 1, &remote, 1, 0);
    check(refused(r, errno, perm), "process_vm_writev of another user's process is refused",
          "returned %ld errno %d", r, errno);

    snprintf(path, sizeof(path), "/proc/%d/mem", (int)target);
    int fd = open(path, O_RDWR);
    if (fd < 0)
        fd = open(path, O_RDONLY);
    if (fd < 0) {
        check(refused(fd, errno, perm_open), "/proc/PID/mem of another user cannot be opened",
              "errno %d", errno);
    } else {
        ssize_t n = pread(fd, buf, sizeof(buf), (off_t)(uintptr_t)secret);
        check(n < 0 || memcmp(buf, secret, 8) != 0, "/proc/PID/mem of another user reads nothing",
              "read %zd bytes", n);
        n = pwrite(fd, "x", 1, (off_t)(uintptr_t)secret);
        check(n < 0, "/proc/PID/mem of another user writes nothing", "wrote %zd", n);
        close(fd);
    }

    r = ptrace(PTRACE_ATTACH, target, 0, 0);
    check(refused(r, errno, perm), "ptrace attach to another user's process is refused",
          "returned %ld errno %d", r, errno);
    errno = 0;
    r = ptrace(PTRACE_PEEKDATA, target, secret, 0);
    check(errno != 0, "ptrace peek into another user's process is refused", "returned %#lx", r);

    r = kill(target, 0);
    check(r == -1 && errno == EPERM, "kill of another user's process is EPERM",
          "returned %ld errno %d", r, errno);
    return check_done();
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (getuid() != 0) {
        check_skip("isolation", "needs root to start (the probe becomes uid 65534)");
        return check_done();
    }
    char buf[64];
    int st = check_run_child(probe, (void *)(intptr_t)getpid());
    check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "isolation probe", "%s",
          check_status_text(st, buf, sizeof(buf)));
    check(strcmp(secret, "the parent's secret, not for other users") == 0,
          "the target's memory is unchanged", "now \"%s\"", secret);
    return check_done();
}
