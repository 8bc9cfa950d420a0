/* Pipes and poll: POLLOUT on an empty pipe, POLLIN once data is there,
 * POLLHUP when the writer is gone (with POLLIN while data remains), POLLERR
 * for the writer when the reader is gone, POLLNVAL for a closed fd, timeouts;
 * O_NONBLOCK reads give EAGAIN; read returns 0 at EOF. */
#include "contract.h"
#include <poll.h>

static const char *ev(short e)
{
    static char b[64];
    b[0] = 0;
    if (e & POLLIN) strcat(b, " IN");
    if (e & POLLOUT) strcat(b, " OUT");
    if (e & POLLHUP) strcat(b, " HUP");
    if (e & POLLERR) strcat(b, " ERR");
    if (e & POLLNVAL) strcat(b, " NVAL");
    if (!b[0]) strcat(b, " none");
    return b;
}

static void show(const char *what, int fd, short events, int timeout)
{
    struct pollfd p = { .fd = fd, .events = events, .revents = 0x7fff };
    int n = poll(&p, 1, timeout);
    SAY("%s: poll %d, revents%s", what, n, ev(p.revents));
}

int main(void)
{
    contract_start();
    int p[2];
    pipe(p);
    show("empty pipe, reader", p[0], POLLIN, 0);
    show("empty pipe, writer", p[1], POLLOUT, 0);
    show("empty pipe, reader with 30 ms timeout", p[0], POLLIN, 30);
    write(p[1], "abc", 3);
    show("with data, reader", p[0], POLLIN | POLLOUT, 0);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    char buf[8];
    SAY("read: %ld", (long)read(p[0], buf, sizeof(buf)));
    SAY("nonblocking read of an empty pipe: %s", read(p[0], buf, 1) < 0 ? errname(errno) : "data");
    write(p[1], "z", 1);
    close(p[1]);
    show("writer closed, data left", p[0], POLLIN, 0);
    SAY("read: %ld", (long)read(p[0], buf, sizeof(buf)));
    show("writer closed, drained", p[0], POLLIN, 0);
    show("writer closed, asking nothing", p[0], 0, 0);
    SAY("read at EOF: %ld", (long)read(p[0], buf, sizeof(buf)));
    close(p[0]);
    show("closed fd", p[0], POLLIN, 0);
    pipe(p);
    close(p[0]);
    show("reader closed, writer", p[1], POLLOUT, 0);
    close(p[1]);
    pipe(p);
    struct pollfd two[3] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 }, { -1, POLLIN, 7 } };
    int n = poll(two, 3, 0);
    SAY("poll of reader, writer and fd -1: %d", n);
    SAY("  reader%s", ev(two[0].revents));
    SAY("  writer%s", ev(two[1].revents));
    SAY("  fd -1 revents %d", two[2].revents);
    SAY("poll with no fds, 20 ms: %d", poll(NULL, 0, 20));
    SAY("poll bad pointer: %s", poll((void *)8, 1, 0) < 0 ? errname(errno) : "ok");
    return contract_end();
}
