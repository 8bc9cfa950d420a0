/* Signal masks: a blocked signal stays pending (sigpending) and is delivered
 * as soon as it is unblocked; SIGKILL/SIGSTOP cannot be blocked; the mask is
 * restored after a handler; SIG_BLOCK/UNBLOCK/SETMASK and bad "how". */
#include "contract.h"
#include <signal.h>
#include <sys/syscall.h>

static volatile int got, in_handler_blocked;

static void handler(int sig)
{
    sigset_t cur;
    got++;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    in_handler_blocked = sigismember(&cur, sig) + 2 * sigismember(&cur, SIGUSR2);
}

static const char *pend(int sig)
{
    sigset_t p;
    sigpending(&p);
    return sigismember(&p, sig) ? "pending" : "not pending";
}

int main(void)
{
    contract_start();
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t s, old, cur;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigprocmask(SIG_BLOCK, &s, &old);
    SAY("old mask had SIGUSR1: %d", sigismember(&old, SIGUSR1));
    kill(getpid(), SIGUSR1);
    SAY("while blocked: handler ran %d, %s", got, pend(SIGUSR1));
    kill(getpid(), SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    SAY("after unblock: handler ran %d, %s", got, pend(SIGUSR1));
    SAY("inside the handler: own signal blocked %d, sa_mask signal blocked %d",
        in_handler_blocked & 1, in_handler_blocked >> 1);
    sigprocmask(SIG_BLOCK, NULL, &cur);
    SAY("after the handler: SIGUSR1 blocked %d, SIGUSR2 blocked %d",
        sigismember(&cur, SIGUSR1), sigismember(&cur, SIGUSR2));
    sigfillset(&s);
    sigprocmask(SIG_SETMASK, &s, NULL);
    sigprocmask(SIG_BLOCK, NULL, &cur);
    SAY("fill mask: SIGKILL blocked %d, SIGSTOP blocked %d, SIGTERM blocked %d",
        sigismember(&cur, SIGKILL), sigismember(&cur, SIGSTOP), sigismember(&cur, SIGTERM));
    /* the raw call shows the kernel's own answers, without libc's filtering */
    unsigned long mask = 0, all = ~0UL;
    SAY("rt_sigprocmask bad how: %s",
        syscall(SYS_rt_sigprocmask, 7, &mask, NULL, 8) ? errname(errno) : "0");
    SAY("rt_sigprocmask bad size: %s",
        syscall(SYS_rt_sigprocmask, SIG_BLOCK, &mask, NULL, 4) ? errname(errno) : "0");
    SAY("rt_sigprocmask bad pointer: %s",
        syscall(SYS_rt_sigprocmask, SIG_BLOCK, (void *)8, NULL, 8) ? errname(errno) : "0");
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, 8);
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &mask, 8);
    SAY("raw full mask reads back %#lx", mask);
    sigemptyset(&s);
    sigprocmask(SIG_SETMASK, &s, NULL);
    kill(getpid(), SIGUSR1);
    SAY("unblocked: handler ran %d", got);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGUSR1, &sa, NULL);
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigprocmask(SIG_BLOCK, &s, NULL);
    kill(getpid(), SIGUSR1);
    SAY("blocked and ignored: %s", pend(SIGUSR1));
    sa.sa_handler = handler;
    sigaction(SIGUSR1, &sa, NULL);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    SAY("handler installed after: ran %d", got);
    return contract_end();
}
