/* fork/waitpid statuses: exit codes, death by signal (with and without core), WNOHANG, ECHILD. */
#include "contract.h"
#include <stdlib.h>
#include <sys/wait.h>

static void show(const char *what, int st)
{
    if (WIFEXITED(st))
        SAY("%s: exited %d", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        SAY("%s: killed by %d%s", what, WTERMSIG(st), WCOREDUMP(st) ? " (core flag)" : "");
    else
        SAY("%s: other %#x", what, st);
}

static int reap(pid_t pid)
{
    int st = -1;
    waitpid(pid, &st, 0);
    return st;
}

int main(void)
{
    contract_start();
    pid_t p;
    int codes[] = { 0, 1, 42, 255, 256 + 7 };
    for (unsigned i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        if ((p = fork()) == 0)
            _exit(codes[i]);
        char what[32];
        snprintf(what, sizeof(what), "_exit(%d)", codes[i]);
        show(what, reap(p));
    }
    if ((p = fork()) == 0) {
        raise(SIGTERM);
        _exit(0);
    }
    show("raise(SIGTERM)", reap(p));
    if ((p = fork()) == 0) {
        pause();
        _exit(0);
    }
    int st;
    SAY("WNOHANG on a live child: %d", (int)waitpid(p, &st, WNOHANG));
    kill(p, SIGKILL);
    show("kill(SIGKILL)", reap(p));
    if ((p = fork()) == 0) {
        struct sigaction sa = { .sa_handler = SIG_IGN };
        sigaction(SIGUSR1, &sa, NULL);
        raise(SIGUSR1);
        exit(3);
    }
    show("ignored SIGUSR1 then exit(3)", reap(p));
    int r = (int)waitpid(-1, &st, 0);
    SAY("waitpid with no children: %d %s", r, errname(errno));
    r = (int)waitpid(-1, &st, 0x100);
    SAY("waitpid bad options: %d %s", r, errname(errno));
    return contract_end();
}
