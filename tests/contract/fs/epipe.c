/* Writing to a pipe with no reader: SIGPIPE (default action kills the
 * writer), or EPIPE when SIGPIPE is ignored, blocked or handled; a partial
 * write is not possible on an empty pipe; pipe capacity and PIPE_BUF. */
#include "contract.h"
#include <signal.h>
#include <sys/wait.h>

static volatile int got;
static void handler(int sig) { got = sig; }

int main(void)
{
    contract_start();
    int p[2];
    pipe(p);
    close(p[0]);
    pid_t c = fork();
    if (c == 0) {
        write(p[1], "x", 1);
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    SAY("default action: %s %d", WIFSIGNALED(st) ? "killed by" : "exited",
        WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    signal(SIGPIPE, SIG_IGN);
    ssize_t r = write(p[1], "x", 1);
    SAY("ignored: %ld %s", (long)r, errname(errno));
    signal(SIGPIPE, handler);
    r = write(p[1], "x", 1);
    SAY("handled: %ld %s, handler got %d", (long)r, errname(errno), got);
    signal(SIGPIPE, SIG_DFL);
    sigset_t s, pend;
    sigemptyset(&s);
    sigaddset(&s, SIGPIPE);
    sigprocmask(SIG_BLOCK, &s, NULL);
    r = write(p[1], "x", 1);
    sigpending(&pend);
    SAY("blocked: %ld %s, SIGPIPE pending %d", (long)r, errname(errno), sigismember(&pend, SIGPIPE));
    signal(SIGPIPE, SIG_IGN);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    close(p[1]);
    /* capacity: a nonblocking writer fills the pipe, then EAGAIN */
    pipe(p);
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    static char buf[1 << 17];
    long total = 0;
    while ((r = write(p[1], buf, 4096)) > 0)
        total += r;
    SAY("default capacity %ld, then %s", total, errname(errno));
    SAY("F_GETPIPE_SZ %d", fcntl(p[1], 1032));
    r = read(p[0], buf, 100);
    SAY("after reading 100 bytes, a PIPE_BUF write: %s", write(p[1], buf, 4096) < 0 ? errname(errno) : "written");
    r = read(p[0], buf, 4096);
    SAY("after reading 4096 more, a 4096-byte write: %ld", (long)write(p[1], buf, 4096));
    return contract_end();
}
