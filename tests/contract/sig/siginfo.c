/* SA_SIGINFO: what the handler is told - si_signo, si_code (SI_USER from
 * kill, SI_TKILL from tgkill, SI_QUEUE with the value from sigqueue, CLD_*
 * for SIGCHLD), si_pid/si_uid of the sender, and a ucontext whose saved
 * registers the handler can read. */
#include "contract.h"
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>

static volatile siginfo_t last, chld;
static volatile int have_uc, uc_sp_ok;

static void handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    last = *si;
    if (sig == SIGCHLD)
        chld = *si; /* kept apart: the child's SIGUSR1 may be handled after it */
    have_uc = uc != NULL;
    uintptr_t sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
    uc_sp_ok = sp > (uintptr_t)&sp; /* the interrupted stack lies above the handler's frame */
}

static const char *code(int c)
{
    switch (c) {
    case SI_USER: return "SI_USER";
    case SI_TKILL: return "SI_TKILL";
    case SI_QUEUE: return "SI_QUEUE";
    case SI_KERNEL: return "SI_KERNEL";
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    default: return "?";
    }
}

static void show(const char *what, pid_t want_pid)
{
    SAY("%s: signo %d code %s pid %s uid %s", what, last.si_signo, code(last.si_code),
        last.si_pid == want_pid ? "sender" : "other", last.si_uid == getuid() ? "ours" : "other");
}

int main(void)
{
    contract_start();
    on_siginfo(SIGUSR1, handler, 0);
    on_siginfo(SIGRTMIN, handler, 0);
    on_siginfo(SIGCHLD, handler, 0);
    kill(getpid(), SIGUSR1);
    show("kill self", getpid());
    SAY("ucontext given: %d, saved rsp above the handler: %d", have_uc, uc_sp_ok);
    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
    show("tgkill self", getpid());
    union sigval v = { .sival_int = 4242 };
    sigqueue(getpid(), SIGRTMIN, v);
    show("sigqueue self", getpid());
    SAY("sigqueue value %d", last.si_value.sival_int);
    pid_t parent = getpid(), p = fork();
    if (p == 0) {
        kill(parent, SIGUSR1);
        _exit(0);
    }
    sigset_t none;
    sigemptyset(&none);
    while (chld.si_signo != SIGCHLD)
        sigsuspend(&none);
    last = chld;
    show("SIGCHLD from an exiting child", p);
    SAY("SIGCHLD status %d", last.si_status);
    waitpid(p, NULL, 0);
    /* rt_sigqueueinfo may not forge kernel or kill() codes for another process */
    p = fork();
    if (p == 0) {
        for (;;)
            pause();
    }
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    si.si_signo = SIGUSR1;
    si.si_code = SI_USER;
    SAY("rt_sigqueueinfo SI_USER to another process: %s",
        syscall(SYS_rt_sigqueueinfo, p, SIGUSR1, &si) ? errname(errno) : "0");
    si.si_code = SI_KERNEL;
    SAY("rt_sigqueueinfo SI_KERNEL to another process: %s",
        syscall(SYS_rt_sigqueueinfo, p, SIGUSR1, &si) ? errname(errno) : "0");
    kill(p, SIGKILL);
    waitpid(p, NULL, 0);
    si.si_code = SI_QUEUE;
    si.si_value.sival_int = 7;
    last.si_signo = 0;
    long r = syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si);
    SAY("rt_sigqueueinfo SI_QUEUE to self: %s, delivered %d, code %s, value %d",
        r ? errname(errno) : "0", last.si_signo, code(last.si_code), last.si_value.sival_int);
    si.si_code = SI_KERNEL;
    last.si_signo = 0;
    r = syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si);
    SAY("rt_sigqueueinfo SI_KERNEL to self: %s, delivered %d", r ? errname(errno) : "0", last.si_signo);
    SAY("rt_sigqueueinfo bad signal: %s",
        syscall(SYS_rt_sigqueueinfo, getpid(), 65, &si) ? errname(errno) : "0");
    return contract_end();
}
