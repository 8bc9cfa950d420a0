/* t_eventfd.c - eventfd: the counter (read returns and clears it, writes add),
 * EFD_SEMAPHORE, EFD_NONBLOCK (EAGAIN on an empty or full counter),
 * EFD_CLOEXEC, short buffers and the reserved value (EINVAL), poll
 * readiness, and a reader woken by another process. */
#define _GNU_SOURCE
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int wfd;

static int child_writes_later(void *arg)
{
    uint64_t v = 5;
    struct timespec ts = {0, 50 * 1000 * 1000};

    nanosleep(&ts, NULL);
    return write(wfd, &v, 8) == 8 ? 0 : 1;
}

static void test_counter(void)
{
    uint64_t v = 0;
    int fd = eventfd(3, 0);

    if (!check(fd >= 0, "eventfd(3, 0)", "errno %d", errno))
        return;
    check(read(fd, &v, 8) == 8 && v == 3, "read returns the initial value", "v %llu",
          (unsigned long long)v);
    v = 2;
    check(write(fd, &v, 8) == 8, "write 2", "errno %d", errno);
    v = 40;
    check(write(fd, &v, 8) == 8, "write 40", "errno %d", errno);
    v = 0;
    check(read(fd, &v, 8) == 8 && v == 42, "read returns the sum and clears it", "v %llu",
          (unsigned long long)v);
    errno = 0;
    check(read(fd, &v, 4) == -1 && errno == EINVAL, "read of 4 bytes: EINVAL", "errno %d", errno);
    v = UINT64_MAX;
    errno = 0;
    check(write(fd, &v, 8) == -1 && errno == EINVAL, "writing 2^64-1: EINVAL", "errno %d", errno);
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
    check(poll(&p, 1, 0) == 1 && p.revents == POLLOUT, "zero counter: writable, not readable",
          "revents %x", p.revents);
    wfd = fd;
    int st = check_run_child(child_writes_later, NULL);
    (void)st;
    check(read(fd, &v, 8) == 8 && v == 5, "child's write is read", "v %llu",
          (unsigned long long)v);
    close(fd);
}

static void test_blocking_wakeup(void)
{
    uint64_t v = 0;
    int fd = eventfd(0, 0);
    pid_t pid;

    if (fd < 0)
        return;
    wfd = fd;
    pid = fork();
    if (pid == 0)
        _exit(child_writes_later(NULL));
    check(read(fd, &v, 8) == 8 && v == 5, "blocking read wakes for another process's write",
          "v %llu errno %d", (unsigned long long)v, errno);
    waitpid(pid, NULL, 0);
    close(fd);
}

static void test_semaphore_nonblock(void)
{
    uint64_t v = 0;
    int fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);

    if (!check(fd >= 0, "eventfd(2, SEMAPHORE|NONBLOCK|CLOEXEC)", "errno %d", errno))
        return;
    check(fcntl(fd, F_GETFD) == FD_CLOEXEC, "EFD_CLOEXEC sets close-on-exec", "%d",
          fcntl(fd, F_GETFD));
    check(fcntl(fd, F_GETFL) & O_NONBLOCK, "EFD_NONBLOCK sets O_NONBLOCK", "%x",
          fcntl(fd, F_GETFL));
    check(read(fd, &v, 8) == 8 && v == 1, "semaphore read returns 1", "v %llu",
          (unsigned long long)v);
    check(read(fd, &v, 8) == 8 && v == 1, "second semaphore read returns 1", "v %llu",
          (unsigned long long)v);
    errno = 0;
    check(read(fd, &v, 8) == -1 && errno == EAGAIN, "empty non-blocking read: EAGAIN",
          "errno %d", errno);
    v = UINT64_MAX - 1;
    check(write(fd, &v, 8) == 8, "fill to 2^64-2", "errno %d", errno);
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
    check(poll(&p, 1, 0) == 1 && p.revents == POLLIN, "full counter: readable, not writable",
          "revents %x", p.revents);
    v = 1;
    errno = 0;
    check(write(fd, &v, 8) == -1 && errno == EAGAIN, "overflowing non-blocking write: EAGAIN",
          "errno %d", errno);
    close(fd);
    errno = 0;
    check(eventfd(0, 0x40000000) == -1 && errno == EINVAL, "unknown flag: EINVAL", "errno %d",
          errno);
}

int main(void)
{
    test_counter();
    test_blocking_wakeup();
    test_semaphore_nonblock();
    return check_done();
}
