/* t_pgrp.c - process groups and sessions: setpgid, getpgid, setsid,
 * getsid, their error cases, and kill() of a whole group. */
#include "check.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Block until the child reports a value through the pipe. */
static long read_long(int fd)
{
    long v = -1;

    if (read(fd, &v, sizeof(v)) != sizeof(v))
        return -1;
    return v;
}

static void send_long(int fd, long v)
{
    if (write(fd, &v, sizeof(v)) != sizeof(v))
        _exit(90);
}

static void test_groups(void)
{
    pid_t me = getpid(), child;
    int status;

    check(getpgrp() == getpgid(0) && getpgid(me) == getpgid(0), "getpgrp == getpgid(0)",
          "%d %d", (int)getpgrp(), (int)getpgid(0));
    /* 0 is a valid session: Linux's init and its children start in session 0. */
    check(getsid(0) == getsid(me) && getsid(0) >= 0, "getsid(0) == getsid(self)", "%d",
          (int)getsid(0));
    child = fork();
    if (child == 0) {
        pause();
        _exit(0);
    }
    check(getpgid(child) == getpgrp(), "child inherits the process group", "%d vs %d",
          (int)getpgid(child), (int)getpgrp());
    check(setpgid(child, child) == 0 && getpgid(child) == child,
          "parent moves the child into its own group", "pgid %d", (int)getpgid(child));
    check(getsid(child) == getsid(0), "child is in the same session", "%d", (int)getsid(child));
    errno = 0;
    check(setpgid(child, 999999) == -1 && errno == EPERM,
          "setpgid to a group that does not exist: EPERM", "errno %d", errno);
    errno = 0;
    check(getpgid(999999) == -1 && errno == ESRCH, "getpgid of no process: ESRCH", "errno %d",
          errno);
    errno = 0;
    check(setpgid(0, -5) == -1 && errno == EINVAL, "setpgid with a negative pgid: EINVAL",
          "errno %d", errno);
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
}

static void test_setsid(void)
{
    int fds[2], status;
    pid_t child;

    if (pipe(fds) != 0)
        return;
    child = fork();
    if (child == 0) {
        pid_t sid = setsid();
        send_long(fds[1], sid);
        send_long(fds[1], getsid(0));
        send_long(fds[1], getpgrp());
        errno = 0;
        send_long(fds[1], setsid() == -1 ? errno : 0);
        pause();
        _exit(0);
    }
    long sid = read_long(fds[0]), sid2 = read_long(fds[0]), pg = read_long(fds[0]);
    long again = read_long(fds[0]);
    check(sid == child && sid2 == child && pg == child,
          "setsid: new session and group led by the caller", "sid %ld getsid %ld pgrp %ld", sid,
          sid2, pg);
    check(again == EPERM, "setsid by a group leader: EPERM", "errno %ld", again);
    check(getsid(child) == child, "getsid of the child from outside", "%d", (int)getsid(child));
    errno = 0;
    check(setpgid(child, getpgrp()) == -1 && errno == EPERM,
          "setpgid across sessions: EPERM", "errno %d", errno);
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    close(fds[0]);
    close(fds[1]);
    errno = 0;
    if (getpgrp() == getpid())
        check(setsid() == -1 && errno == EPERM, "setsid as group leader: EPERM", "errno %d",
              errno);
}

/* kill(-pgid) reaches every member, and nobody outside the group. */
static void test_kill_group(void)
{
    pid_t leader, member, outsider;
    int s1, s2, s3;

    leader = fork();
    if (leader == 0) {
        setpgid(0, 0);
        pause();
        _exit(0);
    }
    setpgid(leader, leader);
    member = fork();
    if (member == 0) {
        setpgid(0, leader);
        pause();
        _exit(0);
    }
    setpgid(member, leader);
    outsider = fork();
    if (outsider == 0) {
        pause();
        _exit(0);
    }
    check(kill(-leader, SIGTERM) == 0, "kill(-pgid) succeeds", "errno %d", errno);
    waitpid(leader, &s1, 0);
    waitpid(member, &s2, 0);
    check(WIFSIGNALED(s1) && WTERMSIG(s1) == SIGTERM && WIFSIGNALED(s2) &&
              WTERMSIG(s2) == SIGTERM,
          "kill(-pgid) reaches every member", "leader 0x%x member 0x%x", s1, s2);
    check(waitpid(outsider, &s3, WNOHANG) == 0, "kill(-pgid) spares other groups", "status 0x%x",
          s3);
    kill(outsider, SIGKILL);
    waitpid(outsider, &s3, 0);
    errno = 0;
    check(kill(-999999, SIGTERM) == -1 && errno == ESRCH, "kill of an empty group: ESRCH",
          "errno %d", errno);
}

int main(void)
{
    test_groups();
    test_setsid();
    test_kill_group();
    return check_done();
}
