/* t_epoll.c - epoll: level-triggered reports on pipes and eventfd, the data
 * word, EPOLLET (reported on each rising edge; whether a still-ready file is
 * reported again depends on other wake-ups, on Linux as here), EPOLLONESHOT (silent until
 * EPOLL_CTL_MOD), timeouts, a wakeup by another process, nested instances,
 * an item dropped when its file is closed, and the errors of epoll_ctl and
 * epoll_wait. */
#define _GNU_SOURCE
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event ev = {.events = events, .data.u64 = data};

    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static void test_level(void)
{
    int p[2], ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev[4];
    char c;

    if (!check(ep >= 0, "epoll_create1(EPOLL_CLOEXEC)", "errno %d", errno) || pipe(p) != 0)
        return;
    check(fcntl(ep, F_GETFD) == FD_CLOEXEC, "EPOLL_CLOEXEC sets close-on-exec", "%d",
          fcntl(ep, F_GETFD));
    check(add(ep, p[0], EPOLLIN, 0x1234567890ull) == 0, "add the read end", "errno %d", errno);
    check(epoll_wait(ep, ev, 4, 0) == 0, "empty pipe: nothing ready", "failed");
    long long t0 = mono_ms();
    int n = epoll_wait(ep, ev, 4, 100);
    long long waited = mono_ms() - t0;
    check(n == 0 && waited >= 90 && waited < 2000, "epoll_wait times out after 100 ms",
          "n %d waited %lld ms", n, waited);
    if (write(p[1], "ab", 2) != 2)
        return;
    n = epoll_wait(ep, ev, 4, 0);
    check(n == 1 && ev[0].events == EPOLLIN && ev[0].data.u64 == 0x1234567890ull,
          "data: EPOLLIN with the data word", "n %d events %x", n, n > 0 ? ev[0].events : 0);
    check(epoll_wait(ep, ev, 4, 0) == 1, "level-triggered: reported again", "failed");
    if (read(p[0], &c, 1) != 1 || read(p[0], &c, 1) != 1)
        return;
    check(epoll_wait(ep, ev, 4, 0) == 0, "drained: no longer reported", "failed");
    check(add(ep, p[1], EPOLLOUT, 7) == 0, "add the write end", "errno %d", errno);
    n = epoll_wait(ep, ev, 4, 0);
    check(n == 1 && ev[0].events == EPOLLOUT && ev[0].data.u64 == 7, "write end: EPOLLOUT",
          "n %d", n);
    close(p[1]);
    n = epoll_wait(ep, ev, 4, 0);
    check(n == 1 && (ev[0].events & EPOLLHUP) && ev[0].data.u64 == 0x1234567890ull,
          "closing the only writer: EPOLLHUP, its own item gone", "n %d events %x", n,
          n > 0 ? ev[0].events : 0);
    close(p[0]);
    close(ep);
}

static void test_edge_oneshot(void)
{
    int efd = eventfd(0, EFD_NONBLOCK), ep = epoll_create1(0);
    struct epoll_event ev[2];
    uint64_t v = 1;

    if (efd < 0 || ep < 0)
        return;
    check(add(ep, efd, EPOLLIN | EPOLLET, 1) == 0, "add an eventfd edge-triggered", "errno %d",
          errno);
    check(epoll_wait(ep, ev, 2, 0) == 0, "ET: nothing yet", "failed");
    if (write(efd, &v, 8) != 8)
        return;
    check(epoll_wait(ep, ev, 2, 0) == 1, "ET: reported on the rising edge", "failed");
    if (read(efd, &v, 8) != 8 || write(efd, &v, 8) != 8)
        return;
    check(epoll_wait(ep, ev, 2, 0) == 1, "ET: drained and written again, reported again", "failed");
    struct epoll_event mod = {.events = EPOLLIN | EPOLLONESHOT, .data.u64 = 2};
    check(epoll_ctl(ep, EPOLL_CTL_MOD, efd, &mod) == 0, "MOD to one-shot", "errno %d", errno);
    int n = epoll_wait(ep, ev, 2, 0);
    check(n == 1 && ev[0].data.u64 == 2, "one-shot: reported once with the new data", "n %d", n);
    check(epoll_wait(ep, ev, 2, 0) == 0, "one-shot: then silent", "failed");
    check(epoll_ctl(ep, EPOLL_CTL_MOD, efd, &mod) == 0 && epoll_wait(ep, ev, 2, 0) == 1,
          "one-shot: MOD re-arms it", "failed");
    check(epoll_ctl(ep, EPOLL_CTL_DEL, efd, NULL) == 0 && epoll_wait(ep, ev, 2, 0) == 0,
          "DEL removes it", "failed");
    close(efd);
    close(ep);
}

static int wfd;

static int child_writes_later(void *arg)
{
    struct timespec ts = {0, 50 * 1000 * 1000};

    nanosleep(&ts, NULL);
    return write(wfd, "x", 1) == 1 ? 0 : 1;
}

static void test_wakeup_nested(void)
{
    int p[2], ep = epoll_create1(0), outer = epoll_create1(0);
    struct epoll_event ev[2];
    pid_t pid;

    if (ep < 0 || outer < 0 || pipe(p) != 0)
        return;
    add(ep, p[0], EPOLLIN, 9);
    check(add(outer, ep, EPOLLIN, 10) == 0, "an epoll inside an epoll", "errno %d", errno);
    errno = 0;
    check(add(ep, outer, EPOLLIN, 11) == -1 && errno == ELOOP, "a loop of instances: ELOOP",
          "errno %d", errno);
    wfd = p[1];
    pid = fork();
    if (pid == 0)
        _exit(child_writes_later(NULL));
    int n = epoll_wait(outer, ev, 2, 5000);
    check(n == 1 && ev[0].data.u64 == 10, "outer instance wakes when the inner one is ready",
          "n %d errno %d", n, errno);
    n = epoll_wait(ep, ev, 2, 0);
    check(n == 1 && ev[0].data.u64 == 9, "inner instance reports the pipe", "n %d", n);
    struct pollfd pf = {.fd = ep, .events = POLLIN};
    check(poll(&pf, 1, 0) == 1 && pf.revents == POLLIN, "poll on an epoll descriptor", "%x",
          pf.revents);
    waitpid(pid, NULL, 0);
    close(p[0]);
    close(p[1]);
    close(outer);
    close(ep);
}

static void test_errors(void)
{
    int ep = epoll_create1(0), p[2], fd;
    struct epoll_event ev = {.events = EPOLLIN};

    if (ep < 0 || pipe(p) != 0)
        return;
    errno = 0;
    check(epoll_create1(1) == -1 && errno == EINVAL, "epoll_create1 unknown flag: EINVAL",
          "errno %d", errno);
    errno = 0;
    check(syscall(SYS_epoll_create, 0) == -1 && errno == EINVAL, "epoll_create(0): EINVAL",
          "errno %d", errno);
    add(ep, p[0], EPOLLIN, 0);
    errno = 0;
    check(add(ep, p[0], EPOLLIN, 0) == -1 && errno == EEXIST, "adding twice: EEXIST", "errno %d",
          errno);
    errno = 0;
    check(epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev) == -1 && errno == ENOENT,
          "MOD of an unwatched fd: ENOENT", "errno %d", errno);
    errno = 0;
    check(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], &ev) == -1 && errno == ENOENT,
          "DEL of an unwatched fd: ENOENT", "errno %d", errno);
    errno = 0;
    check(add(ep, ep, EPOLLIN, 0) == -1 && errno == EINVAL, "watching itself: EINVAL", "errno %d",
          errno);
    errno = 0;
    check(epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &ev) == -1 && errno == EINVAL,
          "epfd not an epoll: EINVAL", "errno %d", errno);
    errno = 0;
    check(epoll_ctl(ep, 99, p[1], &ev) == -1 && errno == EINVAL, "unknown op: EINVAL", "errno %d",
          errno);
    errno = 0;
    check(add(ep, 999, EPOLLIN, 0) == -1 && errno == EBADF, "bad fd: EBADF", "errno %d", errno);
    fd = open("/tmp/t_epoll.file", O_RDWR | O_CREAT | O_TRUNC, 0600);
    errno = 0;
    check(fd >= 0 && add(ep, fd, EPOLLIN, 0) == -1 && errno == EPERM, "regular file: EPERM",
          "errno %d", errno);
    close(fd);
    unlink("/tmp/t_epoll.file");
    errno = 0;
    check(epoll_wait(ep, &ev, 0, 0) == -1 && errno == EINVAL, "maxevents 0: EINVAL", "errno %d",
          errno);
    errno = 0;
    check(epoll_wait(p[0], &ev, 1, 0) == -1 && errno == EINVAL, "wait on a non-epoll: EINVAL",
          "errno %d", errno);
    if (write(p[1], "x", 1) == 1) {
        errno = 0;
        check(epoll_wait(ep, (struct epoll_event *)8, 1, 0) == -1 && errno == EFAULT,
              "bad events buffer: EFAULT", "errno %d", errno);
    }
    close(p[0]);
    close(p[1]);
    close(ep);
}

int main(void)
{
    test_level();
    test_edge_oneshot();
    test_wakeup_nested();
    test_errors();
    return check_done();
}
