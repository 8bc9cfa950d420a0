/* Protections a mapping forbids: PROT_WRITE on a shared mapping of a file
 * opened read-only (EACCES: the mapping never may write), while a private
 * one may (copy on write); PROT_GROWSDOWN on a mapping that does not grow
 * down (EINVAL). */
#include "contract.h"
#include <sys/syscall.h>

#define FILE_PATH "/tmp/contract_mprotect_limits"

static const char *r(long v) { return v ? errname(errno) : "0"; }

int main(void)
{
    contract_start();
    int fd = open(FILE_PATH, O_CREAT | O_RDWR | O_TRUNC, 0600);
    ftruncate(fd, PG);
    close(fd);
    fd = open(FILE_PATH, O_RDONLY);
    char *s = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
    char *q = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
    SAY("shared read-only fd, add PROT_WRITE: %s", r(mprotect(s, PG, PROT_READ | PROT_WRITE)));
    SAY("shared read-only fd, add PROT_EXEC: %s", r(mprotect(s, PG, PROT_READ | PROT_EXEC)));
    SAY("private read-only fd, add PROT_WRITE: %s", r(mprotect(q, PG, PROT_READ | PROT_WRITE)));
    q[0] = 'x';
    SAY("private copy written: %c", q[0]);
    close(fd);
    SAY("after close, shared add PROT_WRITE still: %s", r(mprotect(s, PG, PROT_READ | PROT_WRITE)));
    fd = open(FILE_PATH, O_RDWR);
    char *w = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
    SAY("shared read-write fd, add PROT_WRITE: %s", r(mprotect(w, PG, PROT_READ | PROT_WRITE)));
    close(fd);
    char *a = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    SAY("PROT_GROWSDOWN on a plain mapping: %s",
        r(syscall(SYS_mprotect, a, PG, PROT_READ | PROT_GROWSDOWN)));
    SAY("PROT_GROWSUP on x86-64: %s", r(syscall(SYS_mprotect, a, PG, PROT_READ | PROT_GROWSUP)));
    unlink(FILE_PATH);
    return contract_end();
}
