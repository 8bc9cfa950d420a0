/* runner.c - runs every guest test program as a child and totals the checks.
 *
 * usage: runner [--list FILE] [--timeout SECONDS]
 *
 * FILE (default /guest/tests.list) names one program per line, relative to
 * the file's directory. Each program runs in its own process group with
 * stdout and stderr on a pipe; the runner echoes every line prefixed with
 * the program's name and counts `ok -`, `not ok -` and `skip -` lines. A
 * program that exits non-zero, dies from a signal or outlives its timeout
 * (SIGKILL to its group) adds a failure. The last line is
 * `guest: N passed, N failed, N skipped` (skips are not passes).
 *
 * As PID 1 (the test initramfs's /init) it first mounts /proc (and devtmpfs
 * on /dev when /dev lacks its nodes) when the kernel can, reaps orphans,
 * and powers the machine off at the end; otherwise it exits 0 only when
 * nothing failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TESTS 64
#define LINE_MAX_LEN 512

struct totals {
    unsigned ok, fail, skip;
};

static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
    (void)sig;
    timed_out = 1;
}

/* Read the list file into names[]; returns the count or -1. */
static int read_list(const char *path, char names[][128], int max)
{
    char buf[4096];
    int fd = open(path, O_RDONLY | O_CLOEXEC), n = 0;
    ssize_t len;
    char *line, *save = NULL;

    if (fd < 0)
        return -1;
    len = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (len < 0)
        return -1;
    buf[len] = '\0';
    for (line = strtok_r(buf, "\n", &save); line && n < max; line = strtok_r(NULL, "\n", &save))
        if (line[0] && line[0] != '#')
            snprintf(names[n++], sizeof(names[0]), "%s", line);
    return n;
}

/* Count one output line of a test program and echo it with its name. */
static void take_line(const char *name, const char *line, struct totals *t)
{
    if (strncmp(line, "ok - ", 5) == 0)
        t->ok++;
    else if (strncmp(line, "not ok - ", 9) == 0)
        t->fail++;
    else if (strncmp(line, "skip - ", 7) == 0)
        t->skip++;
    printf("%s: %s\n", name, line);
}

/* Pump the program's output until EOF or the alarm; returns 0 or -1 on timeout. */
static int pump_output(int fd, const char *name, struct totals *t)
{
    char line[LINE_MAX_LEN];
    size_t used = 0;
    char c;

    for (;;) {
        ssize_t n = read(fd, &c, 1);
        if (n < 0 && errno == EINTR && timed_out)
            return -1;
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (c == '\n' || used == sizeof(line) - 1) {
            line[used] = '\0';
            take_line(name, line, t);
            used = 0;
            if (c == '\n')
                continue;
        }
        line[used++] = c;
    }
    if (used) {
        line[used] = '\0';
        take_line(name, line, t);
    }
    return 0;
}

/* Start path in its own process group with output on pipe_w. */
static pid_t spawn(const char *path, int pipe_r, int pipe_w)
{
    pid_t pid = fork();

    if (pid != 0)
        return pid;
    setpgid(0, 0);
    close(pipe_r);
    dup2(pipe_w, 1);
    dup2(pipe_w, 2);
    if (pipe_w > 2)
        close(pipe_w);
    signal(SIGALRM, SIG_DFL);
    char *argv[] = {(char *)path, NULL};
    char *envp[] = {"PATH=/bin:/usr/bin", "GUEST_TEST=1", NULL};
    execve(path, argv, envp);
    printf("not ok - exec: %s: %s\n", path, strerror(errno));
    _exit(127);
}

/* Run one program; adds its checks to all and returns nothing. */
static void run_one(const char *dir, const char *name, unsigned timeout, struct totals *all)
{
    char path[1024];
    struct totals t = {0, 0, 0};
    int fds[2], status = 0, late;
    pid_t pid;

    snprintf(path, sizeof(path), "%.500s/%.127s", dir, name);
    if (pipe(fds) != 0 || (pid = spawn(path, fds[0], fds[1])) < 0) {
        printf("%s: not ok - runner: cannot start: %s\n", name, strerror(errno));
        all->fail++;
        return;
    }
    setpgid(pid, pid); /* both sides, so the group exists before any kill */
    close(fds[1]);
    timed_out = 0;
    alarm(timeout);
    late = pump_output(fds[0], name, &t);
    if (late)
        kill(-pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        if (timed_out) {
            late = 1;
            kill(-pid, SIGKILL);
        }
    }
    alarm(0);
    close(fds[0]);
    kill(-pid, SIGKILL); /* strays left in the group must not outlive it */
    if (late) {
        printf("%s: not ok - runner: timeout after %us\n", name, timeout);
        t.fail++;
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (t.fail == 0) {
            printf("%s: not ok - runner: ended with %s %d\n", name,
                   WIFEXITED(status) ? "exit" : "signal",
                   WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
            t.fail++;
        }
    } else if (t.ok + t.skip == 0) {
        printf("%s: not ok - runner: no checks reported\n", name);
        t.fail++;
    }
    printf("%s: %s (%u ok, %u not ok, %u skipped)\n", name, t.fail ? "FAIL" : "PASS",
           t.ok, t.fail, t.skip);
    all->ok += t.ok;
    all->fail += t.fail;
    all->skip += t.skip;
}

/* PID 1 duties before the tests: /proc when the kernel has it, a banner. */
static void init_setup(void)
{
    struct utsname u;

    if (mount("proc", "/proc", "proc", 0, NULL) != 0)
        printf("runner: /proc not mounted: %s\n", strerror(errno));
    /* Linux leaves /dev to init when devtmpfs is not automounted; a kernel
     * that already populated /dev may refuse (EBUSY) or lack the call. */
    if (access("/dev/full", F_OK) != 0 && mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) != 0)
        printf("runner: devtmpfs not mounted: %s\n", strerror(errno));
    if (uname(&u) == 0)
        printf("runner: %s %s %s\n", u.sysname, u.release, u.machine);
}

static void reap_orphans(void)
{
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
}

int main(int argc, char **argv)
{
    static char names[MAX_TESTS][128];
    const char *list = "/guest/tests.list";
    char dir[512];
    unsigned timeout = 120;
    struct totals all = {0, 0, 0};
    int pid1 = getpid() == 1, n, i;
    struct sigaction sa;

    for (i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--list") == 0)
            list = argv[i + 1];
        else if (strcmp(argv[i], "--timeout") == 0)
            timeout = (unsigned)atoi(argv[i + 1]);
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm; /* no SA_RESTART: the alarm must interrupt read */
    sigaction(SIGALRM, &sa, NULL);
    if (pid1)
        init_setup();
    snprintf(dir, sizeof(dir), "%s", list);
    *(strrchr(dir, '/') ? strrchr(dir, '/') : dir) = '\0';
    if (!dir[0])
        snprintf(dir, sizeof(dir), "%s", strchr(list, '/') ? "/" : ".");
    n = read_list(list, names, MAX_TESTS);
    if (n <= 0) {
        printf("runner: cannot read test list %s\n", list);
        all.fail++;
    }
    for (i = 0; i < n; i++) {
        run_one(dir, names[i], timeout, &all);
        if (pid1)
            reap_orphans();
    }
    printf("guest: %u passed, %u failed, %u skipped\n", all.ok, all.fail, all.skip);
    if (pid1) {
        sync();
        reboot(RB_POWER_OFF);
        for (;;)
            pause();
    }
    return all.fail ? 1 : 0;
}
