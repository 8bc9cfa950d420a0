/* kill and sigaction argument rules: signal 0 probes, ESRCH for no such
 * process or group, EINVAL for bad numbers, SIGKILL/SIGSTOP cannot be caught
 * or ignored, sigaction reads back what was set, SA_RESETHAND, group targets. */
#include "contract.h"
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static volatile int hits;
static void handler(int sig) { hits++; }

static const char *r(int v) { return v ? errname(errno) : "0"; }

int main(void)
{
    contract_start();
    pid_t p = fork();
    if (p == 0)
        _exit(0);
    waitpid(p, NULL, 0);
    SAY("kill(self, 0): %s", r(kill(getpid(), 0)));
    SAY("kill(reaped child, 0): %s", r(kill(p, 0)));
    SAY("kill(reaped child, SIGTERM): %s", r(kill(p, SIGTERM)));
    SAY("kill(-reaped child as group, 0): %s", r(kill(-p, 0)));
    SAY("kill(self, 65): %s", r(kill(getpid(), 65)));
    SAY("kill(self, -1): %s", r(kill(getpid(), -1)));
    SAY("kill(INT_MIN): %s", r((int)syscall(SYS_kill, (pid_t)0x80000000, 0)));
    SAY("tgkill wrong tgid: %s", r((int)syscall(SYS_tgkill, p, getpid(), 0)));
    SAY("tgkill tid 0: %s", r((int)syscall(SYS_tgkill, getpid(), 0, 0)));
    struct sigaction sa, old;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    SAY("catch SIGKILL: %s", r(sigaction(SIGKILL, &sa, NULL)));
    SAY("catch SIGSTOP: %s", r(sigaction(SIGSTOP, &sa, NULL)));
    sa.sa_handler = SIG_IGN;
    SAY("ignore SIGKILL: %s", r(sigaction(SIGKILL, &sa, NULL)));
    SAY("query SIGKILL: %s", r(sigaction(SIGKILL, NULL, &old)));
    SAY("sigaction 0: %s", r((int)syscall(SYS_rt_sigaction, 0, NULL, &old, 8)));
    SAY("sigaction 65: %s", r((int)syscall(SYS_rt_sigaction, 65, NULL, &old, 8)));
    SAY("sigaction bad size: %s", r((int)syscall(SYS_rt_sigaction, SIGUSR1, NULL, &old, 16)));
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESETHAND | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR1, NULL, &old);
    SAY("read back: handler %d, SA_RESETHAND %d, SA_RESTART %d, mask INT %d, mask TERM %d",
        old.sa_handler == handler, !!(old.sa_flags & SA_RESETHAND), !!(old.sa_flags & SA_RESTART),
        sigismember(&old.sa_mask, SIGINT), sigismember(&old.sa_mask, SIGTERM));
    kill(getpid(), SIGUSR1);
    sigaction(SIGUSR1, NULL, &old);
    SAY("after one delivery with SA_RESETHAND: hits %d, disposition %s", hits,
        old.sa_handler == SIG_DFL ? "SIG_DFL" : "other");
    /* process-group targets: 0 is our own group, killpg another */
    signal(SIGUSR2, handler);
    hits = 0;
    p = fork();
    if (p == 0) {
        setpgid(0, 0);
        for (;;)
            pause();
    }
    int st;
    SAY("kill(0, 0) to our group: %s", r(kill(0, 0)));
    SAY("killpg(child's group, SIGKILL): %s",
        (setpgid(p, p), r(killpg(p, SIGKILL))));
    waitpid(p, &st, 0);
    SAY("child: %s %d", WIFSIGNALED(st) ? "killed by" : "exited", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    return contract_end();
}
