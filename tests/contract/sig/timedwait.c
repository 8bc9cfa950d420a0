/* sigtimedwait / sigwaitinfo: a zero timeout with nothing pending is EAGAIN,
 * a pending blocked signal is dequeued (lowest first, with its siginfo) and is
 * no longer pending, real-time instances come one per call, a short timeout
 * expires with EAGAIN, bad arguments are EINVAL. */
#include "contract.h"
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

int main(void)
{
    contract_start();
    sigset_t set, p;
    siginfo_t si;
    struct timespec zero = { 0, 0 }, short_ = { 0, 50 * 1000 * 1000 };
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int r = sigtimedwait(&set, &si, &zero);
    SAY("nothing pending, zero timeout: %d %s", r, errname(errno));
    r = sigtimedwait(&set, &si, &short_);
    SAY("nothing pending, 50 ms timeout: %d %s", r, errname(errno));
    kill(getpid(), SIGUSR2);
    kill(getpid(), SIGUSR1);
    union sigval v = { .sival_int = 1 };
    sigqueue(getpid(), SIGRTMIN, v);
    v.sival_int = 2;
    sigqueue(getpid(), SIGRTMIN, v);
    for (int i = 0; i < 4; i++) {
        memset(&si, 0, sizeof(si));
        r = sigtimedwait(&set, &si, &zero);
        if (r < 0)
            SAY("wait %d: %s", i, errname(errno));
        else
            SAY("wait %d: signal %d, si_signo %d, code %s, value %d", i, r >= SIGRTMIN ? 100 + r - SIGRTMIN : r,
                si.si_signo >= SIGRTMIN ? 100 + si.si_signo - SIGRTMIN : si.si_signo,
                si.si_code == SI_USER ? "SI_USER" : si.si_code == SI_QUEUE ? "SI_QUEUE" : "?",
                si.si_code == SI_QUEUE ? si.si_value.sival_int : 0);
    }
    sigpending(&p);
    SAY("pending afterwards: USR1 %d USR2 %d RTMIN %d", sigismember(&p, SIGUSR1), sigismember(&p, SIGUSR2),
        sigismember(&p, SIGRTMIN));
    kill(getpid(), SIGUSR1);
    sigset_t only2;
    sigemptyset(&only2);
    sigaddset(&only2, SIGUSR2);
    r = sigtimedwait(&only2, &si, &zero);
    SAY("waiting for another signal leaves USR1: %d %s, still pending %d", r, errname(errno),
        (sigpending(&p), sigismember(&p, SIGUSR1)));
    r = sigwaitinfo(&set, NULL);
    SAY("sigwaitinfo without info: %d", r);
    struct timespec bad = { 0, 1000000000 };
    r = sigtimedwait(&set, &si, &bad);
    SAY("tv_nsec out of range: %d %s", r, errname(errno));
    unsigned long m = 1UL << (SIGUSR1 - 1);
    r = (int)syscall(SYS_rt_sigtimedwait, &m, NULL, &zero, 4);
    SAY("bad sigset size: %d %s", r, errname(errno));
    return contract_end();
}
