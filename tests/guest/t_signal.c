/* t_signal.c - signal delivery as Linux does it: handlers with siginfo,
 * blocking and pending, sa_mask/SA_NODEFER/SA_RESETHAND, SA_RESTART versus
 * EINTR on a blocking pipe read, sigaltstack with SA_ONSTACK, kill/tgkill,
 * rt_sigtimedwait, sigsuspend, and the default actions. */
#define _GNU_SOURCE
#include "check.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t nest_left, hits, last_code, last_pid, depth, max_depth, usr2_blocked_inside;

static void on_info(int sig, siginfo_t *si, void *uc)
{
    sigset_t now;

    (void)uc;
    if (hits++ == 0) { /* the first delivery's origin; a nested raise() is SI_TKILL */
        last_code = si->si_code;
        last_pid = si->si_pid;
    }
    sigprocmask(SIG_BLOCK, NULL, &now);
    usr2_blocked_inside = sigismember(&now, SIGUSR2);
    depth++;
    if (depth > max_depth)
        max_depth = depth;
    if (nest_left > 0 && sig == SIGUSR1) {
        nest_left--;
        raise(SIGUSR1); /* nests only under SA_NODEFER, else runs right after */
    }
    depth--;
}

static void set_handler(int sig, int flags, int masked)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_info;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    if (masked)
        sigaddset(&sa.sa_mask, masked);
    sigaction(sig, &sa, NULL);
}

static void reset_counts(void)
{
    hits = 0;
    last_code = 0;
    last_pid = 0;
    max_depth = 0;
}

static void test_handlers(void)
{
    sigset_t set, pend;

    set_handler(SIGUSR1, 0, SIGUSR2);
    reset_counts();
    nest_left = 1;
    kill(getpid(), SIGUSR1);
    check(hits == 2 && last_code == SI_USER && last_pid == getpid(),
          "handler runs before kill returns; SI_USER and si_pid",
          "hits %d code %d pid %d", (int)hits, (int)last_code, (int)last_pid);
    check(max_depth == 1, "signal blocked inside its own handler", "depth %d", (int)max_depth);
    check(usr2_blocked_inside == 1, "sa_mask blocked inside the handler", "%d",
          (int)usr2_blocked_inside);
    set_handler(SIGUSR1, SA_NODEFER, 0);
    reset_counts();
    nest_left = 1;
    raise(SIGUSR1);
    check(max_depth == 2, "SA_NODEFER lets the handler nest", "depth %d", (int)max_depth);

    set_handler(SIGUSR1, 0, 0);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    reset_counts();
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR1);
    sigpending(&pend);
    check(hits == 0 && sigismember(&pend, SIGUSR1), "blocked signal stays pending",
          "hits %d pending %d", (int)hits, sigismember(&pend, SIGUSR1));
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    check(hits == 1, "unblocking delivers it once (standard signals do not queue)",
          "hits %d", (int)hits);

    set_handler(SIGUSR2, SA_RESETHAND, 0);
    reset_counts();
    raise(SIGUSR2);
    struct sigaction now;
    sigaction(SIGUSR2, NULL, &now);
    check(hits == 1 && now.sa_handler == SIG_DFL, "SA_RESETHAND restores the default",
          "hits %d", (int)hits);
}

static void on_plain(int sig)
{
    (void)sig;
    hits++;
}

/* A child sends SIGUSR1 after 50 ms and writes a byte after 150 ms; returns
 * what the parent's blocking read returned (errno in *err). */
static ssize_t read_during_signal(int restart, int *err)
{
    struct sigaction sa;
    int fds[2];
    char c;
    ssize_t n;
    pid_t parent = getpid(), pid;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_plain;
    sa.sa_flags = restart ? SA_RESTART : 0;
    sigaction(SIGUSR1, &sa, NULL);
    if (pipe(fds) != 0)
        return -2;
    pid = fork();
    if (pid == 0) {
        usleep(50000);
        kill(parent, SIGUSR1);
        usleep(100000);
        if (write(fds[1], "z", 1) != 1)
            _exit(1);
        _exit(0);
    }
    hits = 0;
    n = read(fds[0], &c, 1);
    *err = errno;
    waitpid(pid, NULL, 0);
    close(fds[0]);
    close(fds[1]);
    return n;
}

static void test_restart(void)
{
    int err;
    ssize_t n = read_during_signal(1, &err);

    check(n == 1 && hits == 1, "SA_RESTART: pipe read resumes after the handler",
          "read %zd errno %d hits %d", n, err, (int)hits);
    n = read_during_signal(0, &err);
    check(n == -1 && err == EINTR && hits == 1, "without SA_RESTART: pipe read fails EINTR",
          "read %zd errno %d hits %d", n, err, (int)hits);
}

static char *alt_base;
static volatile uintptr_t handler_sp;
static volatile int reported_onstack;

static void on_alt(int sig)
{
    stack_t cur;
    int local;

    (void)sig;
    handler_sp = (uintptr_t)&local;
    sigaltstack(NULL, &cur);
    reported_onstack = (cur.ss_flags & SS_ONSTACK) != 0;
}

static void test_altstack(void)
{
    static char stack_mem[64 * 1024];
    stack_t ss = {.ss_sp = stack_mem, .ss_size = sizeof(stack_mem), .ss_flags = 0}, old;
    struct sigaction sa;

    alt_base = stack_mem;
    check(sigaltstack(&ss, NULL) == 0, "sigaltstack installs", "errno %d", errno);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alt;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    check(handler_sp >= (uintptr_t)stack_mem && handler_sp < (uintptr_t)stack_mem + sizeof(stack_mem),
          "SA_ONSTACK handler runs on the alternate stack", "sp %lx stack %p",
          (unsigned long)handler_sp, (void *)stack_mem);
    check(reported_onstack, "sigaltstack reports SS_ONSTACK inside", "flags");
    sigaltstack(NULL, &old);
    check(old.ss_sp == stack_mem && old.ss_size == sizeof(stack_mem) && old.ss_flags == 0,
          "sigaltstack reads back outside the handler", "flags %d", old.ss_flags);
    ss.ss_size = 512;
    errno = 0;
    check(sigaltstack(&ss, NULL) == -1 && errno == ENOMEM, "tiny alternate stack: ENOMEM",
          "errno %d", errno);
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    signal(SIGUSR2, SIG_DFL);
}

static void test_kill_variants(void)
{
    set_handler(SIGUSR1, 0, 0);
    reset_counts();
    check(syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), SIGUSR1) == 0 && hits >= 1 &&
              last_code == SI_TKILL,
          "tgkill: delivered with SI_TKILL", "hits %d code %d", (int)hits, (int)last_code);
    errno = 0;
    check(syscall(SYS_tgkill, getpid() + 100000, (pid_t)syscall(SYS_gettid), SIGUSR1) == -1 &&
              errno == ESRCH,
          "tgkill with the wrong tgid: ESRCH", "errno %d", errno);
    check(kill(getpid(), 0) == 0, "kill(self, 0) probes", "errno %d", errno);
    errno = 0;
    check(kill(999999, 0) == -1 && errno == ESRCH, "kill of no process: ESRCH", "errno %d", errno);
    errno = 0;
    check(kill(getpid(), 65) == -1 && errno == EINVAL, "kill with signal 65: EINVAL", "errno %d",
          errno);
    struct sigaction sa = {.sa_handler = on_plain};
    errno = 0;
    check(sigaction(SIGKILL, &sa, NULL) == -1 && errno == EINVAL,
          "SIGKILL cannot be caught: EINVAL", "errno %d", errno);
}

static void test_wait_for_signals(void)
{
    sigset_t set, old;
    siginfo_t si;
    struct timespec ts = {0, 20 * 1000000L};

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    raise(SIGUSR1);
    memset(&si, 0, sizeof(si));
    check(sigtimedwait(&set, &si, &ts) == SIGUSR1 && si.si_signo == SIGUSR1,
          "rt_sigtimedwait takes a pending signal", "signo %d", si.si_signo);
    errno = 0;
    check(sigtimedwait(&set, &si, &ts) == -1 && errno == EAGAIN,
          "rt_sigtimedwait times out: EAGAIN", "errno %d", errno);

    set_handler(SIGUSR1, 0, 0);
    reset_counts();
    pid_t parent = getpid(), pid = fork();
    if (pid == 0) {
        usleep(30000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    errno = 0;
    int r = sigsuspend(&old);
    check(r == -1 && errno == EINTR && hits >= 1, "sigsuspend returns EINTR after the handler",
          "r %d errno %d hits %d", r, errno, (int)hits);
    waitpid(pid, NULL, 0);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static int die_by(void *arg)
{
    int sig = (int)(intptr_t)arg;

    signal(sig, SIG_DFL);
    raise(sig);
    return 0;
}

static int ignore_then_get(void *arg)
{
    (void)arg;
    signal(SIGTERM, SIG_IGN);
    raise(SIGTERM);
    raise(SIGCHLD);  /* default: ignored */
    raise(SIGWINCH); /* default: ignored */
    return 17;
}

static void test_defaults(void)
{
    char st[32];
    int status = check_run_child(die_by, (void *)(intptr_t)SIGUSR1);

    check(WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR1, "default action of SIGUSR1: terminate",
          "child %s", check_status_text(status, st, sizeof(st)));
    status = check_run_child(die_by, (void *)(intptr_t)SIGQUIT);
    check(WIFSIGNALED(status) && WTERMSIG(status) == SIGQUIT, "default action of SIGQUIT: core",
          "child %s", check_status_text(status, st, sizeof(st)));
    status = check_run_child(ignore_then_get, NULL);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 17, "SIG_IGN and ignore-by-default",
          "child %s", check_status_text(status, st, sizeof(st)));
}

int main(void)
{
    test_handlers();
    test_restart();
    test_altstack();
    test_kill_variants();
    test_wait_for_signals();
    test_defaults();
    return check_done();
}
