/* mremap of MAP_SHARED anonymous memory moves the same object: a fork child's writes stay visible. */
#include "contract.h"
#include <sys/wait.h>

int main(void)
{
    contract_start();
    char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int go[2];
    char token;
    p[0] = 'a';
    pipe(go);
    pid_t pid = fork();
    if (pid == 0) {
        /* the child waits for the parent to move its view, then writes through its own */
        read(go[0], &token, 1);
        p[2] = (char)(p[1] == 'm' ? 'c' : '?');
        _exit(0);
    }
    char *q = mremap(p, 2 * PG, 4 * PG, MREMAP_MAYMOVE);
    SAY("grow shared anonymous: %s", q == MAP_FAILED ? errname(errno) : "ok");
    if (q == MAP_FAILED)
        q = p;
    q[1] = 'm';
    write(go[1], "g", 1);
    int st;
    waitpid(pid, &st, 0);
    SAY("child's write seen after move: %c, first byte %c", q[2], q[0]);
    return contract_end();
}
