/* runner.c - /init of the contract initramfs: runs every test, delimits outputs, powers off.
 *
 * usage: runner [TEST...]   (without arguments, the tests listed one path per
 * line in /contracts/tests.list; kernel command line: rdinit=/init -- TEST)
 * For each test it prints "@@CONTRACT BEGIN name", the test's output (stdout
 * and stderr), then "@@CONTRACT END name STATUS" where STATUS is "exit N",
 * "signal N", "timeout" (killed after TIMEOUT_S seconds, with its process
 * group) or "lost". As PID 1 it first mounts /proc (tests read
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
#include <time.h>
#include <unistd.h>

#define TIMEOUT_S 120
#define POLL_NS 20000000L /* how often a running test is checked on */

/* Wait for pid, polling, so a hung test cannot stop the run even where
 * alarm() is missing; kills its process group after TIMEOUT_S. Returns the
 * status line's text in buf. */
static void wait_test(pid_t pid, char *buf, size_t size)
{
    struct timespec ts = { 0, POLL_NS };
    long polls = TIMEOUT_S * (1000000000L / POLL_NS);
    int st = 0;
    for (long i = 0;; i++) {
        pid_t w = waitpid(pid, &st, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            snprintf(buf, size, "lost");
            return;
        }
        if (i == polls) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            snprintf(buf, size, "timeout");
            return;
        }
        nanosleep(&ts, NULL);
    }
    if (WIFEXITED(st))
        snprintf(buf, size, "exit %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(buf, size, "signal %d", WTERMSIG(st));
    else
        snprintf(buf, size, "lost");
}

/* Run one test with output on our stdout; prints its delimiters. */
static void run_one(const char *path)
{
    char status[32];
    printf("@@CONTRACT BEGIN %s\n", path);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0); /* its own group, so a timeout kills its children too */
        dup2(1, 2);
        alarm(TIMEOUT_S); /* where alarm exists it survives exec: a hung test dies of SIGALRM */
        execl(path, path, (char *)NULL);
        printf("exec failed: %s\n", strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid);
    wait_test(pid, status, sizeof(status));
    /* orphans the test left behind are ours (pid 1): reap them quietly */
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    printf("@@CONTRACT END %s %s\n", path, status);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    FILE *f = argc > 1 ? NULL : fopen("/contracts/tests.list", "r");
    char line[256];

    if (getpid() == 1 && mount("proc", "/proc", "proc", 0, NULL) != 0)
        printf("@@CONTRACT NOPROC %s\n", strerror(errno));
    for (int i = 1; i < argc; i++)
        run_one(argv[i]);
    if (!f && argc == 1)
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
