/* readlink of /proc/self/exe names the running program (the path execve was
 * given, made absolute); truncation to the buffer without a NUL; the link
 * follows execve; /proc/self/fd/N names open files; readlink errors. */
#include "contract.h"
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define F "/tmp/contract_proc_exe"

int main(int argc, char **argv)
{
    char buf[512];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    if (argc > 1) {
        /* argv[1] is the path the parent executed us by */
        buf[n > 0 ? n : 0] = 0;
        SAY("after execve: link equals the executed path %d", !strcmp(buf, argv[1]));
        return 0;
    }
    contract_start();
    if (n < 0) {
        SAY("readlink /proc/self/exe: %s", errname(errno));
        return contract_end(), 1;
    }
    buf[n] = 0;
    char *base = strrchr(buf, '/');
    SAY("absolute %d, ends with the program name %d, length %s", buf[0] == '/',
        base && !strcmp(base + 1, strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0]),
        n == (ssize_t)strlen(buf) ? "returned without NUL" : "?");
    char small[4] = { 'x', 'x', 'x', 'x' };
    ssize_t m = readlink("/proc/self/exe", small, 3);
    SAY("3-byte buffer: %ld, first bytes match %d, untouched byte %c", (long)m, !memcmp(small, buf, 3), small[3]);
    SAY("zero-size buffer: %s", syscall(SYS_readlink, "/proc/self/exe", small, 0) < 0 ? errname(errno) : "ok");
    int fd = open(F, O_CREAT | O_RDWR, 0600);
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    n = readlink(path, buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    SAY("fd link: %s", n > 0 ? buf : errname(errno));
    unlink(F);
    n = readlink(path, buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    SAY("fd link after unlink: %s", n > 0 ? buf : errname(errno));
    close(fd);
    SAY("closed fd link: %s", readlink(path, buf, sizeof(buf)) < 0 ? errname(errno) : "ok");
    SAY("readlink of /proc/self (a link): %s", readlink("/proc/self", buf, sizeof(buf)) < 0 ? errname(errno) : "link");
    SAY("readlink of a regular file: %s", readlink("/dev/null", buf, sizeof(buf)) < 0 ? errname(errno) : "link");
    char self[512];
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    self[n] = 0;
    pid_t p = fork();
    if (p == 0) {
        execl(self, self, self, (char *)0);
        _exit(127);
    }
    waitpid(p, NULL, 0);
    return contract_end();
}
