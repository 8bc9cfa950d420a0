/* Close-on-exec: O_CLOEXEC, FD_CLOEXEC via F_SETFD, F_DUPFD_CLOEXEC, dup3 and
 * pipe2 flags; after execve the marked descriptors are closed, the others
 * stay open at the same numbers with their offsets. */
#include "contract.h"
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define F "/tmp/contract_cloexec"

int main(int argc, char **argv)
{
    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            int fd = atoi(argv[i] + 1);
            int fl = fcntl(fd, F_GETFD);
            SAY("after exec %c fd: %s%s", argv[i][0], fl < 0 ? errname(errno) : "open",
                fl > 0 ? " (cloexec)" : "");
            if (fl >= 0 && argv[i][0] == 'o')
                SAY("  offset kept: %ld", (long)lseek(fd, 0, SEEK_CUR));
        }
        return 0;
    }
    contract_start();
    int plain = open(F, O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(plain, "abcdef", 6);
    lseek(plain, 3, SEEK_SET);
    int ce = open(F, O_RDONLY | O_CLOEXEC);
    SAY("O_CLOEXEC sets FD_CLOEXEC: %d", fcntl(ce, F_GETFD) == FD_CLOEXEC);
    int set = open(F, O_RDONLY);
    fcntl(set, F_SETFD, FD_CLOEXEC);
    int cleared = open(F, O_RDONLY | O_CLOEXEC);
    fcntl(cleared, F_SETFD, 0);
    int dupce = fcntl(plain, F_DUPFD_CLOEXEC, 20);
    int plain_dup = dup(ce);
    SAY("F_DUPFD_CLOEXEC: at least 20 %d, cloexec %d, plain dup cloexec %d", dupce >= 20,
        fcntl(dupce, F_GETFD) == FD_CLOEXEC, fcntl(plain_dup, F_GETFD));
    int d3 = dup3(plain, 30, O_CLOEXEC);
    SAY("dup3 O_CLOEXEC: %d", fcntl(d3, F_GETFD));
    SAY("dup3 same fd: %s", syscall(SYS_dup3, 30, 30, 0) < 0 ? errname(errno) : "ok");
    SAY("dup3 bad flag: %s", syscall(SYS_dup3, plain, 31, O_NONBLOCK) < 0 ? errname(errno) : "ok");
    int p[2];
    pipe2(p, O_CLOEXEC);
    char self[256];
    self_path(self, sizeof(self), argv[0]);
    char a[8][16];
    snprintf(a[0], 16, "o%d", plain);
    snprintf(a[1], 16, "c%d", ce);
    snprintf(a[2], 16, "s%d", set);
    snprintf(a[3], 16, "o%d", cleared);
    snprintf(a[4], 16, "d%d", dupce);
    snprintf(a[5], 16, "3%d", d3);
    snprintf(a[6], 16, "p%d", p[0]);
    pid_t c = fork();
    if (c == 0) {
        execl(self, self, a[0], a[1], a[2], a[3], a[4], a[5], a[6], (char *)0);
        _exit(127);
    }
    int st;
    waitpid(c, &st, 0);
    SAY("child exit %d", WEXITSTATUS(st));
    unlink(F);
    return contract_end();
}
