/* Signal state across fork and execve: pending signals are not inherited by
 * a fork child but survive execve; the mask is inherited by both; handlers
 * are inherited by fork and reset to SIG_DFL by execve; SIG_IGN survives
 * both; the alternate stack does not survive execve. */
#include "contract.h"
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

static void handler(int sig) { (void)sig; }

static const char *disp(int sig)
{
    struct sigaction sa;
    sigaction(sig, NULL, &sa);
    return sa.sa_handler == SIG_DFL ? "SIG_DFL" : sa.sa_handler == SIG_IGN ? "SIG_IGN" : "handler";
}

static void report(const char *who)
{
    sigset_t p, m;
    stack_t ss;
    sigpending(&p);
    sigprocmask(SIG_BLOCK, NULL, &m);
    sigaltstack(NULL, &ss);
    SAY("%s: pending USR1 %d TERM %d; blocked USR1 %d TERM %d HUP %d; USR2 %s, INT %s, HUP %s; altstack %s", who,
        sigismember(&p, SIGUSR1), sigismember(&p, SIGTERM), sigismember(&m, SIGUSR1),
        sigismember(&m, SIGTERM), sigismember(&m, SIGHUP), disp(SIGUSR2), disp(SIGINT), disp(SIGHUP),
        ss.ss_flags & SS_DISABLE ? "disabled" : "set");
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        report("after execve");
        return 0;
    }
    contract_start();
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGTERM);
    sigprocmask(SIG_BLOCK, &s, NULL);
    signal(SIGUSR2, handler);
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, handler);
    stack_t ss = { .ss_sp = malloc(65536), .ss_size = 65536, .ss_flags = 0 };
    sigaltstack(&ss, NULL);
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGTERM);
    report("parent");
    pid_t p = fork();
    if (p == 0) {
        report("fork child");
        _exit(0);
    }
    waitpid(p, NULL, 0);
    char self[256];
    const char *path = self_path(self, sizeof(self), argv[0]);
    p = fork();
    if (p == 0) {
        kill(getpid(), SIGUSR1); /* pending in this process when it calls execve */
        execl(path, path, "child", (char *)0);
        _exit(127);
    }
    int st;
    waitpid(p, &st, 0);
    SAY("exec child exit %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    /* the pending SIGTERM kills the exec'd image as soon as it unblocks it */
    p = fork();
    if (p == 0) {
        kill(getpid(), SIGTERM);
        execl("/nonexistent", "x", (char *)0);
        sigprocmask(SIG_UNBLOCK, &s, NULL);
        _exit(3);
    }
    waitpid(p, &st, 0);
    SAY("pending SIGTERM after a failed execve, then unblocked: %s %d",
        WIFSIGNALED(st) ? "killed by" : "exited", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    signal(SIGUSR1, SIG_IGN); /* setting SIG_IGN discards our own pending ones */
    signal(SIGTERM, SIG_IGN);
    sigpending(&s);
    SAY("parent after SIG_IGN: pending USR1 %d TERM %d", sigismember(&s, SIGUSR1), sigismember(&s, SIGTERM));
    sigemptyset(&s);
    sigprocmask(SIG_SETMASK, &s, NULL);
    return contract_end();
}
