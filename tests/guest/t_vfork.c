/* t_vfork.c - vfork shares the address space with the parent, suspends the
 * parent until the child exits or execs, and posix_spawn (built on a
 * CLONE_VM|CLONE_VFORK clone in musl) starts programs. */
#include "check.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int shared_value;

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void test_shared_and_suspended(void)
{
    int status;
    long long t0 = now_ms();
    pid_t pid;

    shared_value = 1;
    pid = vfork();
    if (pid == 0) {
        struct timespec pause_ts = {0, 100 * 1000000L};
        nanosleep(&pause_ts, NULL);
        shared_value = 2;
        _exit(9);
    }
    long long waited = now_ms() - t0;
    check(pid > 0 && shared_value == 2, "vfork child writes the parent's memory",
          "pid %d value %d", (int)pid, shared_value);
    check(waited >= 90, "parent suspended until the child exits", "resumed after %lld ms", waited);
    check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 9,
          "vfork child's exit status", "status 0x%x", status);
}

static void test_exec(const char *self)
{
    int status;
    pid_t pid = vfork();

    if (pid == 0) {
        char *argv[] = {(char *)self, "--exit", "5", NULL};
        execve(self, argv, NULL);
        _exit(99);
    }
    check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 5,
          "vfork + execve", "status 0x%x", status);
}

static void test_spawn(const char *self)
{
    char *argv[] = {(char *)self, "--exit", "6", NULL};
    int status = 0, err;
    pid_t pid;

    err = posix_spawn(&pid, self, NULL, NULL, argv, NULL);
    check(err == 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
              WEXITSTATUS(status) == 6,
          "posix_spawn runs a program", "err %d status 0x%x", err, status);
    err = posix_spawn(&pid, "/nonexistent/x", NULL, NULL, argv, NULL);
    check(err == ENOENT, "posix_spawn of a missing program: ENOENT", "err %d", err);
    if (err == 0)
        waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--exit") == 0)
        return atoi(argv[2]);
    test_shared_and_suspended();
    if (argv[0][0] == '/') {
        test_exec(argv[0]);
        test_spawn(argv[0]);
    } else {
        check_skip("vfork + execve", "argv[0] %s is not absolute", argv[0]);
    }
    return check_done();
}
