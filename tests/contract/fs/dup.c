/* dup semantics: duplicates share the file offset and status flags but not
 * FD_CLOEXEC; dup returns the lowest free number; dup2 onto itself is a no-op
 * (and EBADF for a closed fd); dup2 closes the target first; F_DUPFD picks
 * the lowest free number at or above its argument; bad numbers give EBADF or
 * EINVAL. */
#include "contract.h"
#include <sys/resource.h>

#define F "/tmp/contract_dup"

int main(void)
{
    contract_start();
    struct rlimit rl = { 256, 256 }; /* the limit the checks below run against */
    setrlimit(RLIMIT_NOFILE, &rl);
    int fd = open(F, O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(fd, "abcdefgh", 8);
    lseek(fd, 0, SEEK_SET);
    int d = dup(fd);
    char c;
    read(fd, &c, 1);
    SAY("read via fd moves dup's offset: %ld", (long)lseek(d, 0, SEEK_CUR));
    lseek(d, 5, SEEK_SET);
    read(fd, &c, 1);
    SAY("read via fd after lseek on dup: %c", c);
    fcntl(d, F_SETFL, O_NONBLOCK);
    SAY("status flags shared: %d", (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    SAY("FD_CLOEXEC not shared: %d", fcntl(d, F_GETFD));
    int low = fd < d ? fd : d;
    close(low);
    int again = dup(d);
    SAY("dup takes the lowest free number: %d", again == low);
    SAY("dup2 onto itself: %s", dup2(d, d) == d ? "same fd" : errname(errno));
    SAY("dup2 closed fd onto itself: %s", dup2(200, 200) < 0 ? errname(errno) : "ok");
    int t = open("/dev/null", O_RDONLY);
    SAY("dup2 over an open fd: %s", dup2(d, t) == t ? "same number" : errname(errno));
    SAY("target now reads the file: %ld", (long)read(t, &c, 1));
    SAY("dup2 to the limit: %s", dup2(d, 256) < 0 ? errname(errno) : "ok");
    SAY("dup2 from a bad fd: %s", dup2(-1, 40) < 0 ? errname(errno) : "ok");
    SAY("dup of a closed fd: %s", dup(300) < 0 ? errname(errno) : "ok");
    int hi = fcntl(d, F_DUPFD, 50);
    int hi2 = fcntl(d, F_DUPFD, 50);
    SAY("F_DUPFD 50 twice: %d %d", hi - 50, hi2 - 50);
    SAY("F_DUPFD negative: %s", fcntl(d, F_DUPFD, -1) < 0 ? errname(errno) : "ok");
    SAY("F_DUPFD at the limit: %s", fcntl(d, F_DUPFD, (int)rl.rlim_cur) < 0 ? errname(errno) : "ok");
    SAY("fcntl unknown command: %s", fcntl(d, 9999) < 0 ? errname(errno) : "ok");
    int first = close(hi);
    SAY("close twice: %d %s", first, close(hi) < 0 ? errname(errno) : "ok");
    unlink(F);
    return contract_end();
}
