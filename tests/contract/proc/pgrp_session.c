/* Process groups and sessions: setpgid/getpgid/setsid/getsid rules and their
 * errors (EPERM for a group or session leader, or across sessions; ESRCH for
 * a non-child or a gone process; EACCES after the child's execve; EINVAL for
 * a negative group). Everything runs in a fresh session made by the test. */
#include "contract.h"
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

static const char *r(long v) { return v < 0 ? errname(errno) : "ok"; }

static void in_session(const char *self)
{
    pid_t me = getpid();
    const char *res = r(setsid());
    SAY("setsid: %s; sid, pgid are our pid: %d %d", res, getsid(0) == me, getpgrp() == me);
    SAY("setsid again: %s", r(setsid()));
    SAY("session leader setpgid(0, 0): %s", r(setpgid(0, 0)));
    pid_t gone = fork();
    if (gone == 0)
        _exit(0);
    waitpid(gone, NULL, 0);
    int hold[2];
    pipe(hold);
    int said[2];
    pipe(said);
    pid_t x = fork();
    if (x == 0) {
        char c;
        close(hold[1]);
        int same_sid = getsid(0) == me, same_pgid = getpgrp() == me;
        res = r(setpgid(0, 0));
        SAY("child in our session: same sid %d, same pgid %d", same_sid, same_pgid);
        SAY("child setpgid(0, 0): %s, leads its group %d", res, getpgrp() == getpid());
        SAY("group leader setsid: %s", r(setsid()));
        write(said[1], "s", 1);
        read(hold[0], &c, 1);
        _exit(0);
    }
    char c;
    read(said[0], &c, 1); /* the child has made its own group and printed */
    res = r(setpgid(x, me));
    SAY("move the child back to our group: %s, pgid ours %d", res, getpgid(x) == me);
    SAY("move the child into its own group again: %s", r(setpgid(x, x)));
    SAY("move the child to a group that does not exist: %s", r(setpgid(x, gone)));
    SAY("negative pgid: %s", r(setpgid(x, -1)));
    SAY("setpgid of a gone process: %s", r(setpgid(gone, gone)));
    SAY("setpgid of our parent: %s", r(setpgid(getppid(), getppid())));
    SAY("getpgid of a gone process: %s", r(getpgid(gone)));
    SAY("getsid of a gone process: %s", r(getsid(gone)));
    SAY("getsid of the child is ours: %d", getsid(x) == me);
    int ready[2];
    pipe(ready);
    pid_t y = fork();
    if (y == 0) {
        close(hold[1]);
        setsid();
        write(ready[1], "r", 1);
        read(hold[0], &c, 1);
        _exit(0);
    }
    read(ready[0], &c, 1);
    SAY("setpgid of a child in another session: %s", r(setpgid(y, y)));
    SAY("getsid of that child is its pid: %d", getsid(y) == y);
    /*
     * vfork returns once the child's execve has taken its new memory, but
     * Linux marks the child as having exec'd a little later: wait for the
     * new program to say it runs, so setpgid sees the finished execve.
     */
    int execd[2];
    char fdarg[16];
    pipe(execd);
    snprintf(fdarg, sizeof(fdarg), "%d", execd[1]);
    pid_t z = vfork();
    if (z == 0) {
        execl(self, self, "pause", fdarg, (char *)0);
        _exit(127);
    }
    close(execd[1]);
    read(execd[0], &c, 1);
    SAY("setpgid of a child after its execve: %s", r(setpgid(z, z)));
    kill(z, SIGKILL);
    close(hold[1]);
    while (wait(NULL) > 0)
        ;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        if (argc > 2)
            write(atoi(argv[2]), "x", 1);
        for (;;)
            pause();
    }
    contract_start();
    char self[256];
    self_path(self, sizeof(self), argv[0]);
    pid_t p = fork();
    if (p == 0) {
        in_session(self);
        _exit(contract_failed);
    }
    int st;
    waitpid(p, &st, 0);
    SAY("session child exit %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return contract_end();
}
