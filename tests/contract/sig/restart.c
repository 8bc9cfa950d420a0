/* SA_RESTART: a read blocked on an empty pipe interrupted by a handled signal
 * resumes with SA_RESTART and fails with EINTR without it. A child keeps
 * signalling until the parent reports back, so no timing is assumed. */
#include "contract.h"
#include <signal.h>
#include <sys/wait.h>

static volatile int handled;

static void handler(int sig) { handled++; }

/* Parent blocks in read(data); the child sends SIGUSR1 every 20 ms until
 * `done` is readable, then (when feed) writes one byte to data. */
static void run(int restart)
{
    int data[2], done[2];
    pipe(data);
    pipe(done);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sa.sa_flags = restart ? SA_RESTART : 0;
    sigaction(SIGUSR1, &sa, NULL);
    handled = 0;
    pid_t parent = getpid(), p = fork();
    if (p == 0) {
        fcntl(done[0], F_SETFL, O_NONBLOCK);
        char c;
        for (int i = 0; i < 3000; i++) {
            kill(parent, SIGUSR1);
            usleep(20000);
            if (read(done[0], &c, 1) == 1)
                _exit(0);
            if (restart && i >= 5)
                write(data[1], "x", 1); /* several signals interrupted the read by now */
        }
        _exit(1);
    }
    char buf[4];
    ssize_t r = read(data[0], buf, 1);
    int e = errno;
    write(done[1], "d", 1);
    waitpid(p, NULL, 0);
    SAY("%s: read returned %s, handler ran: %s", restart ? "SA_RESTART" : "no SA_RESTART",
        r == 1 ? "the byte" : errname(e), handled ? "yes" : "no");
    for (int i = 0; i < 2; i++) {
        close(data[i]);
        close(done[i]);
    }
}

int main(void)
{
    contract_start();
    run(1);
    run(0);
    /* a signal that is ignored does not interrupt at all */
    int data[2];
    pipe(data);
    signal(SIGUSR2, SIG_IGN);
    pid_t parent = getpid(), p = fork();
    if (p == 0) {
        for (int i = 0; i < 5; i++) {
            kill(parent, SIGUSR2);
            usleep(20000);
        }
        write(data[1], "y", 1);
        _exit(0);
    }
    char c = 0;
    ssize_t r = read(data[0], &c, 1);
    SAY("ignored signal: read returned %s", r == 1 ? "the byte" : errname(errno));
    waitpid(p, NULL, 0);
    return contract_end();
}
