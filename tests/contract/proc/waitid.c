/* waitid: P_PID, P_ALL, P_PGID; WEXITED with WNOHANG and WNOWAIT; the
 * siginfo fields (si_signo SIGCHLD, si_code CLD_EXITED/CLD_KILLED, si_status,
 * si_pid); argument errors. */
#include "contract.h"
#include <sys/wait.h>

static void show(const char *what, int r, siginfo_t *si, pid_t want)
{
    if (r) {
        SAY("%s: %s", what, errname(errno));
        return;
    }
    if (si->si_pid == 0) {
        SAY("%s: 0, nothing to report (si_pid 0)", what);
        return;
    }
    SAY("%s: signo %s code %s status %d pid %s", what, si->si_signo == SIGCHLD ? "SIGCHLD" : "?",
        si->si_code == CLD_EXITED ? "CLD_EXITED" : si->si_code == CLD_KILLED ? "CLD_KILLED"
        : si->si_code == CLD_DUMPED ? "CLD_DUMPED" : "?",
        si->si_status, si->si_pid == want ? "expected" : "other");
}


int main(void)
{
    contract_start();
    siginfo_t si;
    int pfd[2];
    pipe(pfd);
    pid_t p = fork();
    if (p == 0) {
        char c;
        close(pfd[1]);
        read(pfd[0], &c, 1);
        _exit(7);
    }
    close(pfd[0]);
    memset(&si, 0xff, sizeof(si));
    show("WNOHANG on a running child", waitid(P_PID, p, &si, WEXITED | WNOHANG), &si, p);
    close(pfd[1]);
    memset(&si, 0, sizeof(si));
    show("WNOWAIT", waitid(P_PID, p, &si, WEXITED | WNOWAIT), &si, p);
    memset(&si, 0, sizeof(si));
    show("again after WNOWAIT", waitid(P_ALL, 0, &si, WEXITED), &si, p);
    memset(&si, 0, sizeof(si));
    show("after reaping", waitid(P_PID, p, &si, WEXITED | WNOHANG), &si, p);
    p = fork();
    if (p == 0) {
        pause();
        _exit(0);
    }
    kill(p, SIGKILL);
    memset(&si, 0, sizeof(si));
    show("killed child", waitid(P_PID, p, &si, WEXITED), &si, p);
    /* P_PGID: a child in its own group, another in ours */
    pid_t a = fork();
    if (a == 0) {
        setpgid(0, 0);
        _exit(11);
    }
    setpgid(a, a);
    pid_t b = fork();
    if (b == 0)
        _exit(12);
    memset(&si, 0, sizeof(si));
    show("P_PGID of the other group", waitid(P_PGID, a, &si, WEXITED), &si, a);
    memset(&si, 0, sizeof(si));
    show("P_PGID 0 (our group)", waitid(P_PGID, 0, &si, WEXITED), &si, b);
    memset(&si, 0, sizeof(si));
    show("no children left", waitid(P_ALL, 0, &si, WEXITED), &si, 0);
    show("no WEXITED/WSTOPPED/WCONTINUED", waitid(P_ALL, 0, &si, WNOHANG), &si, 0);
    show("bad idtype", waitid((idtype_t)42, 0, &si, WEXITED), &si, 0);
    show("unknown option bit", waitid(P_ALL, 0, &si, WEXITED | 0x10000), &si, 0);
    return contract_end();
}
