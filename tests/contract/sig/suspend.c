/* sigsuspend: waits with a temporary mask, returns -1 EINTR after a handler
 * ran, puts the old mask back; a signal blocked by the temporary mask stays
 * pending; a signal another process sends and SIGCHLD from a child wake it. */
#include "contract.h"
#include <signal.h>
#include <sys/wait.h>

static volatile int got_usr1, got_usr2, got_chld;
static volatile int mask_in_handler;

static void handler(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    if (sig == SIGUSR1) {
        got_usr1++;
        mask_in_handler = sigismember(&cur, SIGUSR2) * 2 + sigismember(&cur, SIGTERM);
    } else if (sig == SIGUSR2) {
        got_usr2++;
    } else {
        got_chld++;
    }
}

int main(void)
{
    contract_start();
    signal(SIGUSR1, handler);
    signal(SIGUSR2, handler);
    signal(SIGCHLD, handler);
    sigset_t block, wait_mask, cur;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGUSR2);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, NULL);
    kill(getpid(), SIGUSR2);
    kill(getpid(), SIGUSR1);
    sigfillset(&wait_mask);
    sigdelset(&wait_mask, SIGUSR1); /* only SIGUSR1 may end the wait */
    int r = sigsuspend(&wait_mask);
    SAY("sigsuspend: %d %s, USR1 handled %d, USR2 handled %d", r, errname(errno), got_usr1, got_usr2);
    SAY("mask inside the handler: USR2 blocked %d, TERM blocked %d", mask_in_handler >> 1, mask_in_handler & 1);
    sigprocmask(SIG_BLOCK, NULL, &cur);
    SAY("mask after: USR1 %d USR2 %d CHLD %d", sigismember(&cur, SIGUSR1), sigismember(&cur, SIGUSR2),
        sigismember(&cur, SIGCHLD));
    sigset_t pend;
    sigpending(&pend);
    SAY("USR2 still pending: %d", sigismember(&pend, SIGUSR2));
    pid_t p = fork();
    if (p == 0)
        _exit(4);
    sigset_t empty;
    sigemptyset(&empty);
    while (!got_chld)
        sigsuspend(&empty); /* USR2 comes first, then SIGCHLD once the child is gone */
    SAY("after waiting for SIGCHLD: USR2 handled %d, CHLD handled %d", got_usr2, got_chld);
    int st;
    waitpid(p, &st, 0);
    SAY("child status %d", WEXITSTATUS(st));
    pid_t parent = getpid();
    p = fork();
    if (p == 0) {
        kill(parent, SIGUSR1);
        _exit(0);
    }
    while (got_usr1 < 2)
        sigsuspend(&empty); /* USR1 stays blocked outside the wait: no lost wake-up */
    SAY("woken by another process's SIGUSR1: handled %d", got_usr1);
    waitpid(p, NULL, 0);
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    return contract_end();
}
