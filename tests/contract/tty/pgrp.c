/* Foreground process group ioctls on a controlling terminal: TIOCGPGRP /
 * TIOCSPGRP (tcgetpgrp/tcsetpgrp) move the foreground to another group of the
 * session; a group of another session is EPERM, a missing group ESRCH, a
 * negative one EINVAL; a terminal that is not ours is ENOTTY; a background
 * group may set it only with SIGTTOU ignored. */
#include "tty_util.h"
#include <signal.h>
#include <sys/wait.h>

static const char *r(long v) { return v < 0 ? errname(errno) : "0"; }

static void in_session(int fd, pid_t outside_group)
{
    setsid();
    ioctl(fd, TIOCSCTTY, 0);
    pid_t me = getpid();
    SAY("foreground is our group: %d", tcgetpgrp(fd) == me);
    int hold[2];
    pipe(hold);
    pid_t g = fork();
    if (g == 0) {
        char c;
        close(hold[1]);
        read(hold[0], &c, 1);
        _exit(0);
    }
    setpgid(g, g);
    SAY("tcsetpgrp to the child's group: %s", r(tcsetpgrp(fd, g)));
    SAY("foreground is the child's group: %d", tcgetpgrp(fd) == g);
    pid_t sid = -1;
    ioctl(fd, TIOCGSID, &sid);
    SAY("TIOCGSID is our session: %d", sid == me);
    signal(SIGTTOU, SIG_IGN); /* we are in the background now: errors only, no SIGTTOU */
    SAY("tcsetpgrp to a group of another session: %s", r(tcsetpgrp(fd, outside_group)));
    pid_t gone = fork();
    if (gone == 0)
        _exit(0);
    waitpid(gone, NULL, 0);
    SAY("tcsetpgrp to a missing group: %s", r(tcsetpgrp(fd, gone)));
    SAY("tcsetpgrp negative: %s", r(tcsetpgrp(fd, -5)));
    SAY("background tcsetpgrp back to us, SIGTTOU ignored: %s", r(tcsetpgrp(fd, me)));
    SAY("foreground is our group again: %d", tcgetpgrp(fd) == me);
    int n = open("/dev/null", O_RDWR);
    SAY("tcgetpgrp on /dev/null: %s", r(tcgetpgrp(n)));
    SAY("tcsetpgrp on /dev/null: %s", r(tcsetpgrp(n, me)));
    SAY("TIOCGPGRP bad pointer: %s", r(ioctl(fd, TIOCGPGRP, (void *)8)));
    close(hold[1]);
    waitpid(g, NULL, 0);
    signal(SIGHUP, SIG_IGN);
    ioctl(fd, TIOCNOTTY);
}

int main(void)
{
    contract_start();
    int fd = tty_open();
    SAY("not our controlling terminal: tcgetpgrp %s, tcsetpgrp %s", r(tcgetpgrp(fd)),
        r(tcsetpgrp(fd, getpgrp())));
    pid_t p = fork();
    if (p == 0) {
        in_session(fd, getpgid(getppid()));
        _exit(0);
    }
    int st;
    waitpid(p, &st, 0);
    SAY("session child exit %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return contract_end();
}
