/* vfork: the child runs first in the parent's memory, the parent resumes only
 * after the child's _exit or execve, and sees what the child stored. */
#include "contract.h"
#include <sys/wait.h>

static volatile int shared_var;

int main(int argc, char **argv)
{
    if (argc > 1) {
        SAY("exec'd child runs: %s", argv[1]);
        return 3;
    }
    contract_start();
    shared_var = 1;
    pid_t p = vfork();
    if (p == 0) {
        shared_var = 2; /* the parent's memory: the parent must see 2 */
        _exit(5);
    }
    SAY("parent after child _exit sees %d", shared_var);
    int st;
    pid_t w = waitpid(p, &st, 0);
    SAY("reaped the vfork child: %s, status %d", w == p ? "yes" : "no", WEXITSTATUS(st));
    char self[256];
    const char *path = self_path(self, sizeof(self), argv[0]);
    p = vfork();
    if (p == 0) {
        shared_var = 3;
        execl(path, path, "yes", (char *)0);
        _exit(127);
    }
    int seen = shared_var; /* printed after the child's lines, which run concurrently */
    waitpid(p, &st, 0);
    SAY("parent after child exec sees %d", seen);
    SAY("exec'd child status %d", WEXITSTATUS(st));
    p = vfork();
    if (p == 0) {
        execl("/nonexistent", "x", (char *)0);
        shared_var = errno; /* still the parent's memory after a failed exec */
        _exit(9);
    }
    waitpid(p, &st, 0);
    SAY("failed exec in the child: parent sees %s, status %d", errname(shared_var), WEXITSTATUS(st));
    return contract_end();
}
