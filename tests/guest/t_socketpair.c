/* t_socketpair.c - socketpair(AF_UNIX): a stream both ways through read and
 * write, send/recv flags (MSG_PEEK, MSG_DONTWAIT), datagram boundaries and
 * truncation, sendmsg/recvmsg with several iovecs, shutdown (end of file,
 * EPIPE), the peer's close, poll readiness, a blocked reader woken by
 * another process, and the errors of socketpair. */
#define _GNU_SOURCE
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void test_stream(void)
{
    int sv[2];
    char buf[64];
    struct stat st;

    if (!check(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair(AF_UNIX, SOCK_STREAM)",
               "errno %d", errno))
        return;
    check(fstat(sv[0], &st) == 0 && S_ISSOCK(st.st_mode), "fstat says socket", "mode %o",
          st.st_mode);
    errno = 0;
    check(lseek(sv[0], 0, SEEK_SET) == -1 && errno == ESPIPE, "lseek: ESPIPE", "errno %d", errno);
    check(write(sv[0], "hello", 5) == 5 && write(sv[0], " world", 6) == 6, "write twice", "failed");
    memset(buf, 0, sizeof(buf));
    check(recv(sv[1], buf, 3, MSG_PEEK) == 3 && !memcmp(buf, "hel", 3), "MSG_PEEK sees data",
          "%s", buf);
    memset(buf, 0, sizeof(buf));
    check(read(sv[1], buf, sizeof(buf)) == 11 && !strcmp(buf, "hello world"),
          "a stream has no boundaries", "%s", buf);
    check(send(sv[1], "back", 4, 0) == 4 && recv(sv[0], buf, 4, 0) == 4 && !memcmp(buf, "back", 4),
          "the other direction", "failed");
    errno = 0;
    check(recv(sv[0], buf, 4, MSG_DONTWAIT) == -1 && errno == EAGAIN, "MSG_DONTWAIT: EAGAIN",
          "errno %d", errno);
    struct pollfd p = {.fd = sv[0], .events = POLLIN | POLLOUT};
    check(poll(&p, 1, 0) == 1 && p.revents == POLLOUT, "idle: writable only", "%x", p.revents);
    char a[3] = "abc", b[4] = "defg";
    struct iovec iov[2] = {{a, 3}, {b, 4}};
    struct msghdr m = {.msg_iov = iov, .msg_iovlen = 2};
    check(sendmsg(sv[0], &m, 0) == 7, "sendmsg with two iovecs", "errno %d", errno);
    memset(a, 0, 3);
    memset(b, 0, 4);
    check(recvmsg(sv[1], &m, 0) == 7 && !memcmp(a, "abc", 3) && !memcmp(b, "defg", 4),
          "recvmsg scatters them back", "failed");
    check(shutdown(sv[0], SHUT_WR) == 0, "shutdown(SHUT_WR)", "errno %d", errno);
    check(read(sv[1], buf, sizeof(buf)) == 0, "the peer reads end of file", "failed");
    p = (struct pollfd){.fd = sv[1], .events = POLLIN | POLLRDHUP};
    check(poll(&p, 1, 0) == 1 && (p.revents & POLLIN) && (p.revents & POLLRDHUP),
          "the peer polls POLLIN|POLLRDHUP", "%x", p.revents);
    signal(SIGPIPE, SIG_IGN);
    errno = 0;
    check(write(sv[0], "x", 1) == -1 && errno == EPIPE, "writing after SHUT_WR: EPIPE",
          "errno %d", errno);
    signal(SIGPIPE, SIG_DFL);
    errno = 0;
    check(shutdown(sv[0], 7) == -1 && errno == EINVAL, "shutdown(7): EINVAL", "errno %d", errno);
    close(sv[0]);
    p = (struct pollfd){.fd = sv[1], .events = POLLIN};
    check(poll(&p, 1, 0) == 1 && (p.revents & POLLHUP), "peer closed: POLLHUP", "%x", p.revents);
    errno = 0;
    check(send(sv[1], "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE,
          "send to a closed peer with MSG_NOSIGNAL: EPIPE, no signal", "errno %d", errno);
    close(sv[1]);
}

static void test_dgram(void)
{
    int sv[2];
    char buf[16];

    if (!check(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0,
               "socketpair(SOCK_DGRAM|SOCK_NONBLOCK|SOCK_CLOEXEC)", "errno %d", errno))
        return;
    check(fcntl(sv[0], F_GETFD) == FD_CLOEXEC && (fcntl(sv[1], F_GETFL) & O_NONBLOCK),
          "flags on both ends", "failed");
    check(send(sv[0], "one", 3, 0) == 3 && send(sv[0], "second", 6, 0) == 6 &&
              send(sv[0], "", 0, 0) == 0,
          "three datagrams (one empty)", "errno %d", errno);
    check(recv(sv[1], buf, sizeof(buf), 0) == 3, "first datagram whole", "failed");
    check(recv(sv[1], buf, 3, 0) == 3 && !memcmp(buf, "sec", 3), "a short buffer truncates", "failed");
    check(recv(sv[1], buf, sizeof(buf), 0) == 0, "the rest of it is gone; the empty one arrives",
          "failed");
    errno = 0;
    check(recv(sv[1], buf, sizeof(buf), 0) == -1 && errno == EAGAIN, "then EAGAIN", "errno %d",
          errno);
    check(send(sv[1], "0123456789", 10, 0) == 10 &&
              recv(sv[0], buf, 4, MSG_TRUNC) == 10,
          "MSG_TRUNC returns the full length", "failed");
    struct iovec iov = {buf, 4};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    send(sv[1], "abcdefgh", 8, 0);
    check(recvmsg(sv[0], &m, 0) == 4 && (m.msg_flags & MSG_TRUNC), "recvmsg flags MSG_TRUNC",
          "flags %x", m.msg_flags);
    close(sv[1]);
    errno = 0;
    check(send(sv[0], "x", 1, 0) == -1 && errno == ECONNREFUSED,
          "datagram to a closed peer: ECONNREFUSED", "errno %d", errno);
    close(sv[0]);
}

static int rfd;

static int child_writes_later(void *arg)
{
    struct timespec ts = {0, 50 * 1000 * 1000};

    nanosleep(&ts, NULL);
    return write(rfd, "ping", 4) == 4 ? 0 : 1;
}

static void test_wakeup_and_errors(void)
{
    int sv[2];
    char buf[8];
    pid_t pid;

    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0) {
        check_fail_errno("socketpair(SOCK_SEQPACKET)", "socketpair");
        return;
    }
    rfd = sv[1];
    pid = fork();
    if (pid == 0)
        _exit(child_writes_later(NULL));
    close(sv[1]);
    check(read(sv[0], buf, sizeof(buf)) == 4 && !memcmp(buf, "ping", 4),
          "blocked reader wakes for another process", "errno %d", errno);
    waitpid(pid, NULL, 0);
    check(read(sv[0], buf, sizeof(buf)) == 0, "seqpacket: end of file once the peer is gone", "failed");
    close(sv[0]);
    errno = 0;
    check(socketpair(AF_INET, SOCK_STREAM, 0, sv) == -1 && errno == EOPNOTSUPP,
          "AF_INET pair: EOPNOTSUPP", "errno %d", errno);
    errno = 0;
    check(socketpair(12345, SOCK_STREAM, 0, sv) == -1 && errno == EAFNOSUPPORT,
          "unknown family: EAFNOSUPPORT", "errno %d", errno);
    errno = 0;
    check(socketpair(AF_UNIX, SOCK_STREAM, 17, sv) == -1 && errno == EPROTONOSUPPORT,
          "unknown protocol: EPROTONOSUPPORT", "errno %d", errno);
    errno = 0;
    int *volatile bad = (int *)8;
    check(socketpair(AF_UNIX, SOCK_STREAM, 0, bad) == -1 && errno == EFAULT,
          "bad sv pointer: EFAULT", "errno %d", errno);
    errno = 0;
    check(recv(0 + 999, buf, 1, 0) == -1 && errno == EBADF, "recv on a bad fd: EBADF", "errno %d",
          errno);
    int p[2];
    if (pipe(p) == 0) {
        errno = 0;
        check(recv(p[0], buf, 1, 0) == -1 && errno == ENOTSOCK, "recv on a pipe: ENOTSOCK",
              "errno %d", errno);
        close(p[0]);
        close(p[1]);
    }
}

int main(void)
{
    test_stream();
    test_dgram();
    test_wakeup_and_errors();
    return check_done();
}
