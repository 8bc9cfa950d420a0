/* TIOCGWINSZ / TIOCSWINSZ: the window size set is the size read back, for
 * a terminal; a size change sends SIGWINCH to the terminal's foreground
 * process group; non-terminals give ENOTTY. */
#include "tty_util.h"
#include <signal.h>
#include <sys/wait.h>

static volatile int winch;
static void on_winch(int sig) { winch++; }

int main(void)
{
    contract_start();
    int fd = tty_open();
    struct winsize orig, w = { .ws_row = 24, .ws_col = 80 }, back;
    SAY("TIOCGWINSZ: %s", ioctl(fd, TIOCGWINSZ, &orig) ? errname(errno) : "0");
    SAY("TIOCSWINSZ 24x80: %s", ioctl(fd, TIOCSWINSZ, &w) ? errname(errno) : "0");
    ioctl(fd, TIOCGWINSZ, &back);
    SAY("read back %ux%u", back.ws_row, back.ws_col);
    w.ws_row = 50;
    w.ws_col = 132;
    w.ws_xpixel = 1000;
    w.ws_ypixel = 800;
    ioctl(fd, TIOCSWINSZ, &w);
    ioctl(fd, TIOCGWINSZ, &back);
    SAY("read back %ux%u pixels %ux%u", back.ws_row, back.ws_col, back.ws_xpixel, back.ws_ypixel);
    /* a session with this terminal as its controlling terminal sees SIGWINCH */
    pid_t p = fork();
    if (p == 0) {
        setsid();
        signal(SIGWINCH, on_winch);
        int r = ioctl(fd, TIOCSCTTY, 0);
        struct winsize n = { .ws_row = 10, .ws_col = 20 };
        ioctl(fd, TIOCSWINSZ, &n);
        int after_change = winch;
        ioctl(fd, TIOCSWINSZ, &n);
        SAY("in a session: TIOCSCTTY %s, SIGWINCH after a change %d, after the same size again %d",
            r ? errname(errno) : "0", after_change, winch - after_change);
        signal(SIGHUP, SIG_IGN);
        ioctl(fd, TIOCNOTTY);
        _exit(0);
    }
    waitpid(p, NULL, 0);
    ioctl(fd, TIOCGWINSZ, &back);
    SAY("size the session set: %ux%u", back.ws_row, back.ws_col);
    SAY("restore: %s", ioctl(fd, TIOCSWINSZ, &orig) ? errname(errno) : "0");
    int n = open("/dev/null", O_RDWR);
    SAY("/dev/null TIOCGWINSZ: %s", ioctl(n, TIOCGWINSZ, &back) ? errname(errno) : "0");
    SAY("bad pointer: %s", ioctl(fd, TIOCGWINSZ, (void *)8) ? errname(errno) : "0");
    return contract_end();
}
