/* Sibling fork children each get a private copy: eight children write different values into one page. */
#include "contract.h"
#include <sys/wait.h>

int main(void)
{
    contract_start();
    int *v = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int *shared = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    v[0] = 100;
    pid_t pids[8];
    for (int i = 0; i < 8; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            int seen = v[0];
            v[0] = i;
            for (volatile int k = 0; k < 10000; k++)
                ;
            shared[i] = seen * 1000 + v[0];
            _exit(i);
        }
    }
    for (int i = 0; i < 8; i++) {
        int st;
        waitpid(pids[i], &st, 0);
        SAY("child %d: exit %d, saw %d, kept %d", i, WEXITSTATUS(st), shared[i] / 1000, shared[i] % 1000);
    }
    SAY("parent value: %d", v[0]);
    return contract_end();
}
