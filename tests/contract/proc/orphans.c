/* Zombies and orphans: an exited, unreaped child is still there for kill(0)
 * and getpgid; reaping makes it ESRCH; a grandchild whose parent exits is
 * adopted by the nearest subreaper (PR_SET_CHILD_SUBREAPER) and reaped by
 * it; exit codes survive the adoption; getppid follows; PR_SET_PDEATHSIG
 * signals a child when its parent exits. */
#include "contract.h"
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

int main(void)
{
    contract_start();
    pid_t z = fork();
    if (z == 0)
        _exit(9);
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    waitid(P_PID, z, &si, WEXITED | WNOWAIT); /* it has exited, not reaped */
    SAY("zombie: kill(0) %s, getpgid %s", kill(z, 0) ? errname(errno) : "0",
        getpgid(z) < 0 ? errname(errno) : "ok");
    int st;
    waitpid(z, &st, 0);
    SAY("reaped %d: kill(0) %s", WEXITSTATUS(st), kill(z, 0) ? errname(errno) : "0");
    SAY("become a subreaper: %s", prctl(PR_SET_CHILD_SUBREAPER, 1) ? errname(errno) : "0");
    int is = 0;
    prctl(PR_GET_CHILD_SUBREAPER, &is);
    SAY("PR_GET_CHILD_SUBREAPER: %d", is);
    int pfd[2], go[2];
    pipe(pfd);
    pipe(go);
    pid_t me = getpid();
    pid_t mid = fork();
    if (mid == 0) {
        pid_t g = fork();
        if (g == 0) {
            char c;
            close(go[1]);
            read(go[0], &c, 1); /* until the middle process is gone */
            int adopted = getppid() == me;
            write(pfd[1], &adopted, sizeof(adopted));
            _exit(23);
        }
        write(pfd[1], &g, sizeof(g));
        _exit(5);
    }
    pid_t g;
    read(pfd[0], &g, sizeof(g));
    waitpid(mid, &st, 0);
    SAY("middle exited %d", WEXITSTATUS(st));
    close(go[1]);
    int adopted = 0;
    read(pfd[0], &adopted, sizeof(adopted));
    SAY("grandchild's parent is now us: %d", adopted);
    pid_t w = waitpid(-1, &st, 0);
    SAY("we reaped the grandchild: %d, status %d", w == g, WEXITSTATUS(st));
    /* parent-death signal: the grandchild asks for SIGTERM when the middle one exits */
    int ready[2];
    pipe(ready);
    mid = fork();
    if (mid == 0) {
        pid_t g2 = fork();
        if (g2 == 0) {
            int sig = -1;
            prctl(PR_SET_PDEATHSIG, SIGTERM);
            prctl(PR_GET_PDEATHSIG, &sig);
            write(ready[1], &sig, sizeof(sig));
            for (;;)
                pause();
        }
        int sig;
        read(ready[0], &sig, sizeof(sig));
        SAY("PR_GET_PDEATHSIG: %d", sig);
        _exit(0);
    }
    waitpid(mid, NULL, 0);
    w = waitpid(-1, &st, 0);
    SAY("orphan with a parent-death signal: %s %d", WIFSIGNALED(st) ? "killed by" : "exited",
        WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    SAY("PR_SET_PDEATHSIG bad signal: %s", prctl(PR_SET_PDEATHSIG, 99) ? errname(errno) : "0");
    SAY("no children left: %s", waitpid(-1, &st, 0) < 0 ? errname(errno) : "more");
    return contract_end();
}
