/* termios round trip: tcsetattr stores what tcgetattr reads back (local
 * modes, input modes, control characters, VMIN/VTIME) for every
 * optional_actions; the original settings come back; non-terminals give
 * ENOTTY and a bad optional_actions EINVAL. */
#include "tty_util.h"

int main(void)
{
    contract_start();
    int fd = tty_open();
    struct termios orig, t, back;
    SAY("tcgetattr: %s", tcgetattr(fd, &orig) ? errname(errno) : "0");
    t = orig;
    t.c_lflag &= ~(ECHO | ICANON | ISIG);
    t.c_iflag &= ~ICRNL;
    t.c_iflag |= IGNBRK;
    t.c_cc[VMIN] = 3;
    t.c_cc[VTIME] = 7;
    t.c_cc[VINTR] = 'x' & 0x1f;
    SAY("tcsetattr TCSANOW: %s", tcsetattr(fd, TCSANOW, &t) ? errname(errno) : "0");
    tcgetattr(fd, &back);
    SAY("read back: ECHO %d ICANON %d ISIG %d ICRNL %d IGNBRK %d VMIN %d VTIME %d VINTR %d",
        !!(back.c_lflag & ECHO), !!(back.c_lflag & ICANON), !!(back.c_lflag & ISIG), !!(back.c_iflag & ICRNL),
        !!(back.c_iflag & IGNBRK), back.c_cc[VMIN], back.c_cc[VTIME], back.c_cc[VINTR]);
    t.c_lflag |= ECHO;
    t.c_cc[VMIN] = 1;
    SAY("tcsetattr TCSADRAIN: %s", tcsetattr(fd, TCSADRAIN, &t) ? errname(errno) : "0");
    tcgetattr(fd, &back);
    SAY("read back: ECHO %d VMIN %d", !!(back.c_lflag & ECHO), back.c_cc[VMIN]);
    t.c_lflag |= ICANON;
    SAY("tcsetattr TCSAFLUSH: %s", tcsetattr(fd, TCSAFLUSH, &t) ? errname(errno) : "0");
    tcgetattr(fd, &back);
    SAY("read back: ICANON %d", !!(back.c_lflag & ICANON));
    SAY("bad optional_actions: %s", tcsetattr(fd, 42, &t) ? errname(errno) : "0");
    SAY("restore: %s", tcsetattr(fd, TCSANOW, &orig) ? errname(errno) : "0");
    tcgetattr(fd, &back);
    SAY("restored equal: lflag %d iflag %d oflag %d cc %d", back.c_lflag == orig.c_lflag,
        back.c_iflag == orig.c_iflag, back.c_oflag == orig.c_oflag,
        !memcmp(back.c_cc, orig.c_cc, VEOL2 + 1)); /* the cc slots the kernel keeps */
    SAY("isatty: terminal %d", isatty(fd));
    int n = open("/dev/null", O_RDWR);
    SAY("/dev/null: isatty %d, tcgetattr %s", isatty(n), tcgetattr(n, &back) ? errname(errno) : "0");
    int p[2];
    pipe(p);
    SAY("pipe: tcgetattr %s", tcgetattr(p[0], &back) ? errname(errno) : "0");
    SAY("closed fd: tcgetattr %s", tcgetattr(99, &back) ? errname(errno) : "0");
    SAY("bad pointer: %s", ioctl(fd, TCGETS, (void *)8) ? errname(errno) : "0");
    return contract_end();
}
