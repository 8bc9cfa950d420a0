/* t_pipe.c - a pipe between two processes moves 64 MiB intact (every byte
 * compared against the generator, plus a checksum from each side), with
 * EOF, O_NONBLOCK's EAGAIN, and EPIPE/SIGPIPE when no reader is left. */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TOTAL (64UL << 20)

/* The byte stream: xorshift64 output, the same on both sides. */
struct stream {
    uint64_t state;
    uint64_t word;
    unsigned left;
};

static unsigned char stream_next(struct stream *s)
{
    if (s->left == 0) {
        s->state ^= s->state << 13;
        s->state ^= s->state >> 7;
        s->state ^= s->state << 17;
        s->word = s->state;
        s->left = 8;
    }
    s->left--;
    unsigned char b = (unsigned char)s->word;
    s->word >>= 8;
    return b;
}

static uint64_t fnv(uint64_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

/* Writer: varying chunk sizes so partial writes and odd boundaries occur;
 * sends its checksum through the second pipe. */
static int writer(int out, int sum_out)
{
    static unsigned char buf[70000];
    struct stream s = {0x9e3779b97f4a7c15ULL, 0, 0};
    uint64_t h = 14695981039346656037ULL;
    size_t sent = 0, chunk = 1;

    while (sent < TOTAL) {
        size_t n = chunk < TOTAL - sent ? chunk : TOTAL - sent;
        for (size_t i = 0; i < n; i++)
            buf[i] = stream_next(&s);
        h = fnv(h, buf, n);
        for (size_t done = 0; done < n;) {
            ssize_t w = write(out, buf + done, n - done);
            if (w <= 0)
                return 2;
            done += (size_t)w;
        }
        sent += n;
        chunk = (chunk * 7 + 4093) % sizeof(buf) + 1;
    }
    close(out);
    return write(sum_out, &h, sizeof(h)) == sizeof(h) ? 0 : 3;
}

static void test_64mib(void)
{
    static unsigned char buf[65536];
    struct stream s = {0x9e3779b97f4a7c15ULL, 0, 0};
    uint64_t h = 14695981039346656037ULL, theirs = 0;
    size_t got = 0, bad_at = (size_t)-1;
    int data[2], sum[2], status;
    char st[32];
    pid_t pid;

    if (pipe(data) != 0 || pipe(sum) != 0) {
        check_fail_errno("64 MiB", "pipe");
        return;
    }
    pid = fork();
    if (pid == 0) {
        close(data[0]);
        close(sum[0]);
        _exit(writer(data[1], sum[1]));
    }
    close(data[1]);
    close(sum[1]);
    for (;;) {
        ssize_t n = read(data[0], buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            if (buf[i] != stream_next(&s) && bad_at == (size_t)-1)
                bad_at = got + (size_t)i;
        h = fnv(h, buf, (size_t)n);
        got += (size_t)n;
    }
    if (read(sum[0], &theirs, sizeof(theirs)) != sizeof(theirs))
        theirs = 0;
    waitpid(pid, &status, 0);
    close(data[0]);
    close(sum[0]);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "64 MiB: writer finished",
          "writer %s", check_status_text(status, st, sizeof(st)));
    check(got == TOTAL, "64 MiB: length", "read %zu bytes", got);
    check(bad_at == (size_t)-1, "64 MiB: every byte intact", "first bad byte at %zu", bad_at);
    check(h == theirs, "64 MiB: checksums agree", "reader %016llx writer %016llx",
          (unsigned long long)h, (unsigned long long)theirs);
}

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
    (void)sig;
    sigpipes++;
}

static void test_edges(void)
{
    int p[2];
    char c;

    if (pipe2(p, O_NONBLOCK) != 0) {
        check_fail_errno("O_NONBLOCK", "pipe2");
        return;
    }
    errno = 0;
    check(read(p[0], &c, 1) == -1 && errno == EAGAIN, "O_NONBLOCK read of empty pipe: EAGAIN",
          "errno %d", errno);
    check((fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0, "pipe2 O_NONBLOCK shows in F_GETFL", "flags");
    size_t filled = 0;
    static char big[4096];
    while (write(p[1], big, sizeof(big)) > 0 && filled < (64UL << 20))
        filled += sizeof(big);
    check(errno == EAGAIN && filled >= 4096, "O_NONBLOCK write to full pipe: EAGAIN",
          "errno %d after %zu bytes", errno, filled);
    close(p[0]);
    close(p[1]);

    if (pipe(p) != 0)
        return;
    check(write(p[1], "ab", 2) == 2, "write to pipe", "errno %d", errno);
    close(p[1]);
    char two[4] = {0};
    check(read(p[0], two, 4) == 2 && read(p[0], two, 4) == 0, "EOF after the writer closes",
          "data %s", two);
    close(p[0]);

    signal(SIGPIPE, on_sigpipe);
    if (pipe(p) != 0)
        return;
    close(p[0]);
    errno = 0;
    check(write(p[1], "x", 1) == -1 && errno == EPIPE && sigpipes == 1,
          "write with no reader: EPIPE and SIGPIPE", "errno %d sigpipes %d", errno, (int)sigpipes);
    close(p[1]);
    signal(SIGPIPE, SIG_DFL);
}

int main(void)
{
    test_64mib();
    test_edges();
    return check_done();
}
