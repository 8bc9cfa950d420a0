/* runner.c - /init of the contract initramfs: runs every test, delimits outputs, powers off.
 *
 * usage: runner [LIST]   (LIST defaults to /contracts/tests.list: one path per line)
 * For each test it prints "@@CONTRACT BEGIN name", the test's output (stdout
 * and stderr), then "@@CONTRACT END name STATUS" where STATUS is "exit N",
 * "signal N" or "lost". As PID 1 it first mounts /proc (tests read
 * /proc/self files, as on any Linux system; a kernel without procfs lets those
 * tests show it) and powers the machine off at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

#define TIMEOUT_S 120

/* Run one test with output on our stdout; prints its delimiters. */
static void run_one(const char *path)
{
    printf("@@CONTRACT BEGIN %s\n", path);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(1, 2);
        alarm(TIMEOUT_S); /* an alarm survives exec: a hung test dies of SIGALRM */
        execl(path, path, (char *)NULL);
        printf("exec failed: %s\n", strerror(errno));
        _exit(127);
    }
    int st = 0;
    pid_t w;
    while ((w = wait(&st)) != pid)
        if (w < 0 && errno != EINTR)
            break;
    if (w == pid && WIFEXITED(st))
        printf("@@CONTRACT END %s exit %d\n", path, WEXITSTATUS(st));
    else if (w == pid && WIFSIGNALED(st))
        printf("@@CONTRACT END %s signal %d\n", path, WTERMSIG(st));
    else
        printf("@@CONTRACT END %s lost\n", path);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    const char *list = argc > 1 ? argv[1] : "/contracts/tests.list";
    FILE *f = fopen(list, "r");
    char line[256];

    if (getpid() == 1 && mount("proc", "/proc", "proc", 0, NULL) != 0)
        printf("@@CONTRACT NOPROC %s\n", strerror(errno));
    if (!f)
        printf("@@CONTRACT NOLIST %s\n", strerror(errno));
    while (f && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0])
            run_one(line);
    }
    printf("@@CONTRACT DONE\n");
    fflush(stdout);
    if (getpid() == 1) {
        sync();
        reboot(RB_POWER_OFF);
    }
    return 0;
}
