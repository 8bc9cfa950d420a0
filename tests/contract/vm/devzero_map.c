/* Mapping /dev/zero: private is zero-filled anonymous memory, shared is shared across fork. */
#include "contract.h"
#include <fcntl.h>
#include <sys/wait.h>

int main(void)
{
    contract_start();
    int fd = open("/dev/zero", O_RDWR);
    SAY("open /dev/zero: %s", fd < 0 ? errname(errno) : "ok");
    char *pv = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    char *sh = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    SAY("private: %s, shared: %s", pv == MAP_FAILED ? errname(errno) : "mapped",
        sh == MAP_FAILED ? errname(errno) : "mapped");
    if (pv == MAP_FAILED || sh == MAP_FAILED)
        return contract_end();
    SAY("initial bytes: %d %d", pv[PG + 3], sh[PG + 3]);
    pid_t pid = fork();
    if (pid == 0) {
        pv[0] = 'p';
        sh[0] = 's';
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    SAY("after child writes: private %d, shared %c", pv[0], sh[0]);
    char c = 1;
    read(fd, &c, 1);
    SAY("read(/dev/zero) unaffected: %d", c);
    close(fd);
    return contract_end();
}
