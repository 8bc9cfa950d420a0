/* tinit.c - /init of the torture initramfs.
 *
 * usage (words after `--` on the kernel command line):
 *     /init CALLS SEEDS [PROGRAM...]
 * SEEDS is a comma-separated list (`1,2,3`) or a range (`1-20`). Runs
 * `/torture/torture SEED CALLS` for every seed (free memory measured from
 * here, before it starts and after it is reaped, must be equal), then each
 * PROGRAM (`/torture/NAME`, default t_limits and t_isolation; `-` for
 * none) and prints
 * `torture-run: N passed, N failed`: a torture seed passes when it exits 0,
 * a program adds its `ok -`/`not ok -` lines. As PID 1 it mounts /proc,
 * /tmp and /dev when it can, reaps orphans and powers off at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "meminfo.h"

static unsigned passed, failed;

/* Run argv; returns its wait status. PID 1 also reaps the orphans it inherits. */
static int run(char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        execv(argv[0], argv);
        printf("torture-run: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    for (;;) {
        int st;
        pid_t r = wait(&st);
        if (r == pid)
            return st;
        if (r < 0 && errno != EINTR)
            return -1;
    }
}

/* After a run: reap orphans it left and give free memory up to 10 s to
 * come back to `before` (exits finish asynchronously); the last value. */
static long long settle(long long before)
{
    long long now = meminfo_free();
    for (int i = 0; i < 100 && now != before; i++) {
        struct timespec ts = {0, 100000000};
        while (waitpid(-1, NULL, WNOHANG) > 0) {
        }
        nanosleep(&ts, NULL);
        now = meminfo_free();
    }
    return now;
}

/* One torture process per seed; free memory is measured from out here,
 * before it starts and after it is reaped, so that its own memory (stack
 * growth, page tables) is gone and only what the kernel kept remains. */
static void run_seed(const char *calls, unsigned long seed)
{
    char s[32];
    snprintf(s, sizeof(s), "%lu", seed);
    char *argv[] = {"/torture/torture", s, (char *)calls, NULL};
    long long before = meminfo_free();
    int st = run(argv);
    long long after = settle(before);
    printf("torture-run: seed %lu: free memory %lld before, %lld after (%+lld bytes)\n", seed,
           before, after, after - before);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && after == before) {
        passed++;
    } else {
        failed++;
        printf("torture-run: seed %lu failed (status %#x%s)\n", seed, st,
               after == before ? "" : ", free memory not back");
    }
}

/* A program prints ok/not ok lines; they are counted from its exit status and output. */
static void run_program(const char *name)
{
    char path[128];
    snprintf(path, sizeof(path), "/torture/%s", name);
    char *argv[] = {path, NULL};
    int st = run(argv);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        passed++;
    } else {
        failed++;
        printf("torture-run: %s failed (status %#x)\n", name, st);
    }
}

static void run_seeds(const char *calls, const char *seeds)
{
    char *copy = strdup(seeds), *save = NULL;
    for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        char *dash = strchr(w, '-');
        unsigned long a = strtoul(w, NULL, 0), b = dash ? strtoul(dash + 1, NULL, 0) : a;
        for (unsigned long s = a; s <= b; s++)
            run_seed(calls, s);
    }
    free(copy);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (getpid() == 1) {
        mkdir("/proc", 0755);
        mkdir("/tmp", 01777);
        mount("proc", "/proc", "proc", 0, NULL);
        mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
        if (access("/dev/null", F_OK))
            mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    }
    const char *calls = argc > 1 ? argv[1] : "2000";
    const char *seeds = argc > 2 ? argv[2] : "1";
    run_seeds(calls, seeds);
    if (argc > 3) {
        for (int i = 3; i < argc; i++)
            if (strcmp(argv[i], "-"))
                run_program(argv[i]);
    } else {
        run_program("t_limits");
        run_program("t_isolation");
    }
    printf("torture-run: %u passed, %u failed\n", passed, failed);
    if (getpid() == 1) {
        sync();
        reboot(RB_POWER_OFF);
    }
    return failed ? 1 : 0;
}
