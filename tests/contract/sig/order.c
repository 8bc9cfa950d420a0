/* Several pending signals: standard signals are delivered lowest number
 * first and do not queue (two kills, one delivery); real-time signals queue
 * every instance and come lowest number first, same number in send order. */
#include "contract.h"
#include <signal.h>

static char log_[256];
static int nlog;
static int values[64], nvalues;

static void handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    nlog += snprintf(log_ + nlog, sizeof(log_) - nlog, " %d", sig >= SIGRTMIN ? 100 + sig - SIGRTMIN : sig);
    if (si->si_code == SI_QUEUE && nvalues < 64)
        values[nvalues++] = si->si_value.sival_int;
}

static void block_all(sigset_t *old)
{
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, old);
}

int main(void)
{
    contract_start();
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigfillset(&sa.sa_mask); /* handlers do not nest: the log shows delivery order */
    int sigs[] = { SIGUSR2, SIGHUP, SIGTERM, SIGUSR1, SIGINT, SIGCHLD, SIGWINCH, SIGURG };
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, NULL);
    for (int i = 0; i < 4; i++)
        sigaction(SIGRTMIN + i, &sa, NULL);
    sigaction(SIGRTMAX, &sa, NULL);
    sigset_t old;
    block_all(&old);
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        kill(getpid(), sigs[i]);
        kill(getpid(), sigs[i]);
    }
    nlog = 0;
    sigprocmask(SIG_SETMASK, &old, NULL);
    SAY("standard signals sent twice each (numbers):%s", log_);
    block_all(&old);
    union sigval v;
    int order[] = { 3, 1, 2, 1, 0, 3, 0 };
    for (int i = 0; i < 7; i++) {
        v.sival_int = i;
        sigqueue(getpid(), SIGRTMIN + order[i], v);
    }
    v.sival_int = 99;
    sigqueue(getpid(), SIGRTMAX, v);
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGTERM);
    nlog = 0;
    sigprocmask(SIG_SETMASK, &old, NULL);
    SAY("real-time (100+n) mixed with standard:%s", log_);
    char vals[128] = "";
    for (int i = 0, n = 0; i < nvalues; i++)
        n += snprintf(vals + n, sizeof(vals) - n, " %d", values[i]);
    SAY("sigqueue values in delivery order:%s", vals);
    return contract_end();
}
