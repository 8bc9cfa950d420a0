/* Controlling terminal: a session leader takes a terminal with TIOCSCTTY and
 * becomes its session and foreground group; /dev/tty then opens; a process
 * that is not a session leader, or another session, cannot take it (EPERM);
 * TIOCNOTTY gives it up (the leader's group gets SIGHUP), after which
 * /dev/tty is ENXIO and tcgetpgrp ENOTTY. */
#include "tty_util.h"
#include <signal.h>
#include <sys/wait.h>

static volatile int hups;
static void on_hup(int sig) { hups++; }

static const char *r(long v) { return v < 0 ? errname(errno) : "0"; }

static int session_child(int fd, int ready_w, int hold_r)
{
    SAY("setsid: %s", r(setsid()));
    int t = open("/dev/tty", O_RDWR);
    SAY("/dev/tty before TIOCSCTTY: %s", t < 0 ? errname(errno) : "opened");
    SAY("TIOCSCTTY: %s", r(ioctl(fd, TIOCSCTTY, 0)));
    SAY("again on the same terminal: %s", r(ioctl(fd, TIOCSCTTY, 0)));
    SAY("tcgetsid is our session %d, tcgetpgrp is our group %d", tcgetsid(fd) == getsid(0),
        tcgetpgrp(fd) == getpgrp());
    t = open("/dev/tty", O_RDWR);
    SAY("/dev/tty: %s, a terminal %d", t < 0 ? errname(errno) : "opened", t >= 0 && isatty(t));
    if (t >= 0)
        close(t);
    pid_t g = fork();
    if (g == 0) {
        SAY("non-leader TIOCSCTTY: %s", r(ioctl(fd, TIOCSCTTY, 0)));
        SAY("non-leader sees the session's terminal: tcgetsid ok %d", tcgetsid(fd) == getsid(0));
        _exit(0);
    }
    waitpid(g, NULL, 0);
    write(ready_w, "r", 1);
    char c;
    read(hold_r, &c, 1); /* the other session tries its TIOCSCTTY now */
    signal(SIGHUP, on_hup);
    SAY("TIOCNOTTY: %s", r(ioctl(fd, TIOCNOTTY)));
    SAY("SIGHUP to the leader's foreground group: %d", hups);
    t = open("/dev/tty", O_RDWR);
    SAY("/dev/tty after TIOCNOTTY: %s", t < 0 ? errname(errno) : "opened");
    SAY("tcgetpgrp after TIOCNOTTY: %s", r(tcgetpgrp(fd)));
    SAY("TIOCNOTTY without a terminal: %s", r(ioctl(fd, TIOCNOTTY)));
    return 0;
}

int main(void)
{
    contract_start();
    int fd = tty_open();
    int ready[2], hold[2];
    pipe(ready);
    pipe(hold);
    SAY("outside the session: tcgetpgrp %s, tcgetsid %s", r(tcgetpgrp(fd)), r(tcgetsid(fd)));
    pid_t a = fork();
    if (a == 0)
        _exit(session_child(fd, ready[1], hold[0]));
    char c;
    read(ready[0], &c, 1);
    pid_t b = fork();
    if (b == 0) {
        setsid();
        SAY("another session's TIOCSCTTY: %s", r(ioctl(fd, TIOCSCTTY, 0)));
        _exit(0);
    }
    waitpid(b, NULL, 0);
    SAY("outside, with a session on it: tcgetpgrp %s", r(tcgetpgrp(fd)));
    write(hold[1], "h", 1);
    int st;
    waitpid(a, &st, 0);
    SAY("session leader exit %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return contract_end();
}
