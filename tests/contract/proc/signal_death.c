/* Death by signal as the parent sees it: WTERMSIG for default-fatal signals
 * raised, sent by the parent, or from faults; no core flag when the process
 * is not dumpable; handled and ignored signals do not kill. */
#include "contract.h"
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>

static void show(const char *what, pid_t p)
{
    int st = 0;
    waitpid(p, &st, 0);
    if (WIFEXITED(st))
        SAY("%s: exited %d", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        SAY("%s: killed by %s%s", what, strsignal(WTERMSIG(st)), WCOREDUMP(st) ? " (core)" : "");
    else
        SAY("%s: other", what);
}

static pid_t child(int how)
{
    pid_t p = fork();
    if (p)
        return p;
    prctl(PR_SET_DUMPABLE, 0); /* no core dump: the host's core policy cannot matter */
    switch (how) {
    case 0: raise(SIGABRT); break;
    case 1: *(volatile int *)8 = 1; break;
    case 2: __builtin_trap(); break;
    case 3: __asm__ volatile("xor %%ecx, %%ecx; mov $1, %%eax; cltd; idivl %%ecx" ::: "eax", "ecx", "edx"); break;
    case 4: raise(SIGQUIT); break;
    case 5: raise(SIGUSR2); break;
    case 6: raise(SIGALRM); break;
    case 7: raise(SIGCHLD); raise(SIGURG); raise(SIGWINCH); break;
    case 8: for (;;) pause();
    case 9: abort();
    }
    _exit(77);
}

int main(void)
{
    contract_start();
    /* Default dispositions and no blocked signal, whatever the runner
     * inherited (a shell's background job starts with SIGQUIT and SIGINT
     * ignored). */
    static const int tested[] = { SIGABRT, SIGSEGV, SIGILL, SIGFPE, SIGQUIT, SIGUSR2, SIGALRM,
                                  SIGCHLD, SIGURG, SIGWINCH, SIGTERM, SIGHUP };
    sigset_t none;
    for (unsigned i = 0; i < sizeof(tested) / sizeof(tested[0]); i++)
        signal(tested[i], SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    const char *names[] = { "raise(SIGABRT)", "null write", "ud2", "divide by zero", "raise(SIGQUIT)",
                            "raise(SIGUSR2)", "raise(SIGALRM)", "default-ignored signals" };
    for (int i = 0; i < 8; i++)
        show(names[i], child(i));
    pid_t p = child(8);
    kill(p, SIGTERM);
    show("kill(SIGTERM) while paused", p);
    p = child(8);
    kill(p, SIGHUP);
    show("kill(SIGHUP) while paused", p);
    p = child(9);
    show("abort() with SIGABRT handled by nobody", p);
    p = fork();
    if (p == 0) {
        signal(SIGABRT, SIG_IGN);
        abort(); /* abort() still ends the process with SIGABRT */
    }
    show("abort() with SIGABRT ignored", p);
    return contract_end();
}
