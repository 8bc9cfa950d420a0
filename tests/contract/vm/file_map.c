/* File mappings on /tmp: private copies stay private, shared writes reach the file, msync, SIGBUS past EOF. */
#include "contract.h"
#include <fcntl.h>
#include <sys/wait.h>

int main(void)
{
    contract_start();
    probe_install();
    const char *path = "/tmp/contract_file_map";
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
    char buf[PG + 100];
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (char)('A' + i % 26);
    write(fd, buf, sizeof(buf));
    char *pr = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    char *sh = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    SAY("private first bytes: %.4s, shared: %.4s", pr, sh);
    SAY("tail of last page past EOF reads: %d", pr[PG + 100]);
    pr[0] = 'p';
    char c;
    pread(fd, &c, 1, 0);
    SAY("file after private write: %c, shared view %c", c, sh[0]);
    sh[1] = 's';
    pread(fd, &c, 1, 1);
    SAY("file after shared write: %c, private view %c", c, pr[1]);
    pwrite(fd, "w", 1, 2);
    SAY("shared view after pwrite: %c", sh[2]);
    SAY("msync: %s", msync(sh, 2 * PG, MS_SYNC) == 0 ? "0" : errname(errno));
    SAY("msync unaligned: %s", msync(sh + 1, PG, MS_SYNC) == 0 ? "0" : errname(errno));
    SAY("msync both flags: %s", msync(sh, PG, MS_SYNC | MS_ASYNC) == 0 ? "0" : errname(errno));
    pid_t pid = fork();
    if (pid == 0) {
        sh[3] = 'c';
        pr[3] = 'q';
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    SAY("after child writes: shared %c, private %c", sh[3], pr[3]);
    int sig = probe_read(sh + 2 * PG + 5);
    probe_say("read beyond EOF page", sig, sh);
    sig = probe_write(pr + 3 * PG, 1);
    probe_say("private write beyond EOF page", sig, pr);
    ftruncate(fd, 3 * PG);
    sig = probe_read(sh + 2 * PG + 5);
    SAY("after ftruncate grow: %s, reads %d", signame(sig), sig ? -1 : sh[2 * PG + 5]);
    munmap(pr, 4 * PG);
    munmap(sh, 4 * PG);
    close(fd);
    unlink(path);
    return contract_end();
}
