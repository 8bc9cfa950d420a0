/* t_wait.c - wait4 and waitid report children as Linux encodes them: exit
 * codes, deaths by signal, stops and continues (WUNTRACED, WCONTINUED),
 * WNOHANG, WNOWAIT, ECHILD, SIGCHLD with CLD_* codes, and reparenting of
 * orphans. */
#include "check.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t start(int mode)
{
    pid_t pid = fork();

    if (pid != 0)
        return pid;
    switch (mode) {
    case 0:
        _exit(42);
    case 1:
        exit(256 + 3);
    case 2:
        for (;;)
            pause();
    case 3:
        raise(SIGSTOP);
        pause(); /* killed by the caller once it has seen the stop */
        _exit(7);
    default:
        abort();
    }
}

static void test_wait4(void)
{
    int status;
    struct rusage ru;
    pid_t pid = start(0), got;

    got = wait4(pid, &status, 0, &ru);
    check(got == pid && status == (42 << 8) && WIFEXITED(status) && WEXITSTATUS(status) == 42,
          "exit 42: status 0x2a00", "got %d status 0x%x", (int)got, status);
    pid = start(1);
    waitpid(pid, &status, 0);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 3, "exit code keeps the low 8 bits",
          "status 0x%x", status);
    pid = start(2);
    check(waitpid(pid, &status, WNOHANG) == 0, "WNOHANG on a running child returns 0", "errno %d",
          errno);
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    check(status == SIGTERM && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
          "killed by SIGTERM: status 15", "status 0x%x", status);
    pid = start(4);
    waitpid(pid, &status, 0);
    check(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "abort(): killed by SIGABRT",
          "status 0x%x", status);
}

/* The child stops itself, then after SIGCONT waits for a byte on the pipe
 * before exiting, so its continued state is seen before any exit. */
static void test_stop_continue(void)
{
    int status = 0, fds[2];
    pid_t pid, r;

    if (pipe(fds) != 0) {
        check_fail_errno("stop/continue", "pipe");
        return;
    }
    pid = fork();
    if (pid == 0) {
        char c;
        raise(SIGSTOP);
        _exit(read(fds[0], &c, 1) == 1 ? 7 : 8);
    }
    r = waitpid(pid, &status, WUNTRACED);
    check(r == pid && status == 0x137f && WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP,
          "WUNTRACED: stopped by SIGSTOP, status 0x137f", "returned %d errno %d status 0x%x",
          (int)r, errno, status);
    kill(pid, SIGCONT);
    status = 0;
    r = waitpid(pid, &status, WCONTINUED);
    check(r == pid && status == 0xffff && WIFCONTINUED(status), "WCONTINUED: status 0xffff",
          "returned %d errno %d status 0x%x", (int)r, errno, status);
    if (write(fds[1], "c", 1) != 1)
        check_fail_errno("stop/continue", "write");
    status = 0;
    r = waitpid(pid, &status, 0);
    check(r == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7,
          "continued child runs to its exit", "returned %d status 0x%x", (int)r, status);
    close(fds[0]);
    close(fds[1]);
}

/* Continued and already exited before the parent looks: the exit wins. */
static void test_continue_then_exit(void)
{
    int status = 0;
    pid_t pid = fork(), r;

    if (pid == 0) {
        raise(SIGSTOP);
        _exit(5);
    }
    waitpid(pid, &status, WUNTRACED);
    kill(pid, SIGCONT);
    usleep(200000);
    status = 0;
    r = waitpid(pid, &status, WCONTINUED);
    check(r == pid && WIFEXITED(status) && WEXITSTATUS(status) == 5,
          "continued child that already exited reports the exit", "returned %d errno %d status 0x%x",
          (int)r, errno, status);
    if (r != pid)
        waitpid(pid, NULL, 0);
}

static void test_waitid(void)
{
    siginfo_t si;
    pid_t pid = start(0);

    memset(&si, 0, sizeof(si));
    check(waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0 && si.si_pid == pid &&
              si.si_code == CLD_EXITED && si.si_status == 42 && si.si_signo == SIGCHLD,
          "waitid WNOWAIT: CLD_EXITED, status 42", "pid %d code %d status %d", (int)si.si_pid,
          si.si_code, si.si_status);
    memset(&si, 0, sizeof(si));
    check(waitid(P_ALL, 0, &si, WEXITED) == 0 && si.si_pid == pid && si.si_status == 42,
          "waitid after WNOWAIT still finds the zombie", "pid %d", (int)si.si_pid);
    pid = start(2);
    kill(pid, SIGKILL);
    memset(&si, 0, sizeof(si));
    check(waitid(P_PID, pid, &si, WEXITED) == 0 && si.si_code == CLD_KILLED &&
              si.si_status == SIGKILL,
          "waitid: CLD_KILLED with the signal", "code %d status %d", si.si_code, si.si_status);
    pid = start(3);
    memset(&si, 0, sizeof(si));
    check(waitid(P_PID, pid, &si, WSTOPPED) == 0 && si.si_code == CLD_STOPPED &&
              si.si_status == SIGSTOP,
          "waitid: CLD_STOPPED", "code %d status %d", si.si_code, si.si_status);
    kill(pid, SIGKILL);
    waitid(P_PID, pid, &si, WEXITED);
    memset(&si, 0, sizeof(si));
    pid = start(2);
    check(waitid(P_PID, pid, &si, WEXITED | WNOHANG) == 0 && si.si_pid == 0,
          "waitid WNOHANG on a running child: si_pid 0", "si_pid %d", (int)si.si_pid);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    errno = 0;
    check(waitpid(-1, NULL, 0) == -1 && errno == ECHILD, "no children: ECHILD", "errno %d", errno);
    errno = 0;
    check(waitid(P_PID, 1, &si, 0) == -1 && errno == EINVAL, "waitid without options: EINVAL",
          "errno %d", errno);
}

static volatile sig_atomic_t chld_code, chld_pid, chld_status;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    chld_code = si->si_code;
    chld_pid = si->si_pid;
    chld_status = si->si_status;
}

static void test_sigchld(void)
{
    struct sigaction sa;
    sigset_t block, old;
    int status;
    pid_t pid;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &old);
    pid = start(0);
    waitid(P_PID, pid, &(siginfo_t){0}, WEXITED | WNOWAIT);
    sigsuspend(&old); /* returns once the handler ran */
    sigprocmask(SIG_SETMASK, &old, NULL);
    check(chld_code == CLD_EXITED && chld_pid == pid && chld_status == 42,
          "SIGCHLD handler: CLD_EXITED, pid, status", "code %d pid %d status %d", (int)chld_code,
          (int)chld_pid, (int)chld_status);
    waitpid(pid, &status, 0);
    signal(SIGCHLD, SIG_DFL);
}

/* A grandchild whose parent exits gets a new parent. */
static void test_orphan(void)
{
    int fds[2], status;
    pid_t mid, after = 0;

    if (pipe(fds) != 0)
        return;
    mid = fork();
    if (mid == 0) {
        pid_t me = getpid();
        if (fork() == 0) {
            int spins = 0;
            while (getppid() == me && spins++ < 10000)
                usleep(1000);
            pid_t p = getppid();
            if (write(fds[1], &p, sizeof(p)) != sizeof(p))
                _exit(1);
            _exit(0);
        }
        _exit(0);
    }
    close(fds[1]);
    waitpid(mid, &status, 0);
    if (read(fds[0], &after, sizeof(after)) != sizeof(after))
        after = -1;
    close(fds[0]);
    check(after > 0 && after != mid, "orphan is reparented", "parent was %d, now %d", (int)mid,
          (int)after);
}

int main(void)
{
    test_wait4();
    test_stop_continue();
    test_continue_then_exit();
    test_waitid();
    test_sigchld();
    test_orphan();
    return check_done();
}
