/* tty_util.h - a terminal for the tty contract tests to work on.
 *
 * The tests must not depend on how they were started (a pipe, no controlling
 * terminal), so they open a terminal themselves: a pseudo-terminal when
 * /dev/ptmx exists, else the console. What the tests print holds for both.
 */
#ifndef TTY_UTIL_H
#define TTY_UTIL_H

#include "contract.h"
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>

static int tty_master = -1;

/* Open a terminal with O_NOCTTY (it never becomes a controlling terminal by
 * accident); returns the fd, or ends the test as failed when there is none. */
static inline int tty_open(void)
{
    int m = open("/dev/ptmx", O_RDWR | O_NOCTTY);
    if (m >= 0) {
        char *name = (grantpt(m) == 0 && unlockpt(m) == 0) ? ptsname(m) : NULL;
        int s = name ? open(name, O_RDWR | O_NOCTTY) : -1;
        if (s >= 0) {
            tty_master = m;
            return s;
        }
        close(m);
    }
    const char *devs[] = { "/dev/console", "/dev/ttyS0" };
    for (unsigned i = 0; i < 2; i++) {
        int fd = open(devs[i], O_RDWR | O_NOCTTY);
        if (fd >= 0 && isatty(fd))
            return fd;
        if (fd >= 0)
            close(fd);
    }
    SAY("no terminal to open");
    contract_failed = 1;
    exit(contract_end());
}

#endif
