/* MAP_SHARED anonymous memory is one object across fork; MAP_PRIVATE is not. */
#include "contract.h"
#include <sys/wait.h>

int main(void)
{
    contract_start();
    volatile int *sh = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    volatile int *pr = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    SAY("shared starts zero: %d", sh[0] + sh[PG / sizeof(int)]);
    sh[0] = 1;
    pr[0] = 1;
    pid_t pid = fork();
    if (pid == 0) {
        int ok = sh[0] == 1 && pr[0] == 1;
        sh[0] = 2;
        sh[3 * PG / sizeof(int)] = 3; /* a page the parent never touched */
        pr[0] = 2;
        pid_t g = fork();
        if (g == 0) {
            sh[1] = 4;
            _exit(0);
        }
        waitpid(g, NULL, 0);
        _exit(ok ? 0 : 1);
    }
    int st;
    waitpid(pid, &st, 0);
    SAY("child saw parent's values: %s", WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "yes" : "no");
    SAY("shared word 0 in parent: %d", sh[0]);
    SAY("shared untouched page in parent: %d", sh[3 * PG / sizeof(int)]);
    SAY("grandchild's word in parent: %d", sh[1]);
    SAY("private word in parent: %d", pr[0]);
    return contract_end();
}
