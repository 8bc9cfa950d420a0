/* t_prio.c - getpriority/setpriority: the nice value per process, inherited
 * by fork, clamped to -20..19, the raw system call's 20 - nice encoding, and
 * the errors (ESRCH, EINVAL, EACCES/EPERM for an unprivileged caller). */
#define _GNU_SOURCE
#include "check.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int child_reports_nice(void *arg)
{
    errno = 0;
    int n = getpriority(PRIO_PROCESS, 0);
    return errno ? 100 : n + 20; /* exit status 0..39 */
}

/* Unprivileged: raising nice is allowed, lowering it again is not. */
static int child_unprivileged(void *arg)
{
    if (setresuid(1000, 1000, 1000) != 0)
        return 10;
    if (setpriority(PRIO_PROCESS, 0, 10) != 0)
        return 11;
    errno = 0;
    if (setpriority(PRIO_PROCESS, 0, 5) != -1 || errno != EACCES)
        return 12;
    errno = 0;
    if (setpriority(PRIO_PROCESS, getppid(), 19) != -1 || errno != EPERM)
        return 13;
    return getpriority(PRIO_PROCESS, 0) == 10 ? 0 : 14;
}

int main(void)
{
    char buf[64];
    int st;

    errno = 0;
    int start = getpriority(PRIO_PROCESS, 0);
    check(errno == 0 && start == 0, "a fresh process has nice 0", "got %d errno %d", start, errno);
    check(syscall(SYS_getpriority, PRIO_PROCESS, 0) == 20 - start,
          "the raw call returns 20 - nice", "got %ld", syscall(SYS_getpriority, PRIO_PROCESS, 0));
    check(setpriority(PRIO_PROCESS, 0, 7) == 0 && getpriority(PRIO_PROCESS, 0) == 7,
          "setpriority 7 is read back", "nice %d", getpriority(PRIO_PROCESS, 0));
    check(getpriority(PRIO_PROCESS, getpid()) == 7, "pid given explicitly", "nice %d",
          getpriority(PRIO_PROCESS, getpid()));
    check(getpriority(PRIO_PGRP, 0) <= 7, "process group includes the caller", "nice %d",
          getpriority(PRIO_PGRP, 0));
    st = check_run_child(child_reports_nice, NULL);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 27, "fork inherits the nice value", "%s",
          check_status_text(st, buf, sizeof(buf)));
    setpriority(PRIO_PROCESS, 0, 50);
    check(getpriority(PRIO_PROCESS, 0) == 19, "nice above 19 is clamped to 19", "nice %d",
          getpriority(PRIO_PROCESS, 0));
    setpriority(PRIO_PROCESS, 0, -50);
    check(getpriority(PRIO_PROCESS, 0) == -20, "nice below -20 is clamped to -20", "nice %d",
          getpriority(PRIO_PROCESS, 0));
    setpriority(PRIO_PROCESS, 0, 0);
    errno = 0;
    check(getpriority(PRIO_PROCESS, 999999) == -1 && errno == ESRCH, "unknown pid: ESRCH",
          "errno %d", errno);
    errno = 0;
    check(setpriority(PRIO_PROCESS, 999999, 1) == -1 && errno == ESRCH, "set unknown pid: ESRCH",
          "errno %d", errno);
    errno = 0;
    check(getpriority(7, 0) == -1 && errno == EINVAL, "unknown which: EINVAL", "errno %d", errno);
    if (geteuid() == 0) {
        st = check_run_child(child_unprivileged, NULL);
        check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
              "unprivileged: raise allowed, lower EACCES, other user EPERM", "%s",
              check_status_text(st, buf, sizeof(buf)));
    } else {
        check_skip("unprivileged: raise allowed, lower EACCES, other user EPERM",
                   "needs root to switch users");
    }
    return check_done();
}
