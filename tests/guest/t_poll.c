/* t_poll.c - readiness: poll, ppoll, select and pselect6 on pipes (readable,
 * writable, POLLHUP, POLLNVAL), timeouts, and a wakeup by another process. */
#define _GNU_SOURCE
#include "check.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void test_poll(void)
{
    int p[2];
    struct pollfd fds[2];
    char c;

    if (pipe(p) != 0)
        return;
    fds[0] = (struct pollfd){.fd = p[0], .events = POLLIN};
    fds[1] = (struct pollfd){.fd = p[1], .events = POLLOUT};
    check(poll(fds, 2, 0) == 1 && fds[0].revents == 0 && fds[1].revents == POLLOUT,
          "empty pipe: write end ready, read end not", "revents %x %x", fds[0].revents,
          fds[1].revents);
    long long t0 = mono_ms();
    int r = poll(fds, 1, 100);
    long long waited = mono_ms() - t0;
    check(r == 0 && waited >= 90 && waited < 2000, "poll times out after 100 ms",
          "r %d waited %lld ms", r, waited);
    if (write(p[1], "x", 1) != 1)
        return;
    check(poll(fds, 1, 0) == 1 && fds[0].revents == POLLIN, "data makes the read end POLLIN",
          "revents %x", fds[0].revents);
    if (read(p[0], &c, 1) != 1)
        return;
    close(p[1]);
    check(poll(fds, 1, 0) == 1 && (fds[0].revents & POLLHUP), "closed writer gives POLLHUP",
          "revents %x", fds[0].revents);
    close(p[0]);
    fds[0].fd = p[0];
    check(poll(fds, 1, 0) == 1 && fds[0].revents == POLLNVAL, "closed descriptor gives POLLNVAL",
          "revents %x", fds[0].revents);
    fds[0].fd = -1;
    check(poll(fds, 1, 0) == 0 && fds[0].revents == 0, "negative fd is ignored", "revents %x",
          fds[0].revents);
}

/* A child writes after 50 ms; poll with no timeout must wake for it. */
static void test_wakeup(void)
{
    int p[2];
    struct pollfd fd;

    if (pipe(p) != 0)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        usleep(50000);
        _exit(write(p[1], "w", 1) == 1 ? 0 : 1);
    }
    fd = (struct pollfd){.fd = p[0], .events = POLLIN};
    long long t0 = mono_ms();
    int r = poll(&fd, 1, -1);
    check(r == 1 && fd.revents == POLLIN && mono_ms() - t0 >= 40,
          "poll sleeps until another process writes", "r %d revents %x", r, fd.revents);
    waitpid(pid, NULL, 0);
    close(p[0]);
    close(p[1]);
}

static void test_select(void)
{
    int p[2];
    fd_set rd, wr;
    struct timeval tv = {0, 50000};
    struct timespec ts = {0, 0};

    if (pipe(p) != 0)
        return;
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_SET(p[0], &rd);
    FD_SET(p[1], &wr);
    int r = select(p[1] + 1, &rd, &wr, NULL, &tv);
    check(r == 1 && !FD_ISSET(p[0], &rd) && FD_ISSET(p[1], &wr), "select: only the write end",
          "r %d", r);
    if (write(p[1], "y", 1) != 1)
        return;
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    r = pselect(p[0] + 1, &rd, NULL, NULL, &ts, NULL);
    check(r == 1 && FD_ISSET(p[0], &rd), "pselect6 sees data", "r %d", r);
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    tv = (struct timeval){0, 20000};
    close(p[0]);
    errno = 0;
    r = select(p[0] + 1, &rd, NULL, NULL, &tv);
    check(r == -1 && errno == EBADF, "select on a closed descriptor: EBADF", "r %d errno %d", r,
          errno);
    close(p[1]);
}

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
    (void)sig;
    got_usr1 = 1;
}

/* ppoll's mask unblocks SIGUSR1 only while it waits. */
static void test_ppoll_mask(void)
{
    sigset_t block, during;
    struct timespec ts = {5, 0};
    int p[2];
    struct pollfd fd;

    if (pipe(p) != 0)
        return;
    signal(SIGUSR1, on_usr1);
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR1);
    sigemptyset(&during);
    fd = (struct pollfd){.fd = p[0], .events = POLLIN};
    errno = 0;
    int r = ppoll(&fd, 1, &ts, &during);
    check(r == -1 && errno == EINTR && got_usr1, "ppoll's mask lets a pending signal in: EINTR",
          "r %d errno %d handled %d", r, errno, (int)got_usr1);
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    check(sigismember(&now, SIGUSR1) == 1, "ppoll restores the mask", "blocked %d",
          sigismember(&now, SIGUSR1));
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    test_poll();
    test_wakeup();
    test_select();
    test_ppoll_mask();
    return check_done();
}
