/* check.c - the reporting helpers every guest test program links with. */
#include "check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned n_ok, n_fail, n_skip;

/* Unbuffered stdout: output must not be duplicated by fork or lost on a crash. */
__attribute__((constructor)) static void check_init(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
}

/* Print "<tag> - name: <formatted details>". */
static void report(const char *tag, const char *name, const char *fmt, va_list ap)
{
    char detail[256];

    vsnprintf(detail, sizeof(detail), fmt, ap);
    printf("%s - %s: %s\n", tag, name, detail);
}

bool check(bool cond, const char *name, const char *fmt, ...)
{
    va_list ap;

    if (cond) {
        n_ok++;
        printf("ok - %s\n", name);
        return true;
    }
    n_fail++;
    va_start(ap, fmt);
    report("not ok", name, fmt, ap);
    va_end(ap);
    return false;
}

void check_skip(const char *name, const char *fmt, ...)
{
    va_list ap;

    n_skip++;
    va_start(ap, fmt);
    report("skip", name, fmt, ap);
    va_end(ap);
}

void check_fail_errno(const char *name, const char *what)
{
    int e = errno;

    check(false, name, "%s: %s (errno %d)", what, strerror(e), e);
}

int check_done(void)
{
    printf("# %u ok, %u not ok, %u skipped\n", n_ok, n_fail, n_skip);
    return (n_fail == 0 && n_ok + n_skip > 0) ? 0 : 1;
}

int check_run_child(int (*fn)(void *arg), void *arg)
{
    int status;
    pid_t pid = fork();

    if (pid < 0)
        return -1;
    if (pid == 0)
        _exit(fn(arg));
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return status;
}

const char *check_status_text(int status, char *buf, unsigned len)
{
    if (WIFEXITED(status))
        snprintf(buf, len, "exit %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, len, "signal %d", WTERMSIG(status));
    else if (WIFSTOPPED(status))
        snprintf(buf, len, "stopped %d", WSTOPSIG(status));
    else
        snprintf(buf, len, "status 0x%x", status);
    return buf;
}

bool check_small_machine(void)
{
    struct sysinfo si;

    if (sysinfo(&si) != 0)
        return false;
    return (unsigned long long)si.totalram * si.mem_unit < (2ULL << 30);
}

const char *check_self_dir(const char *argv0, char *buf, unsigned len)
{
    const char *slash = strrchr(argv0, '/');
    size_t n = slash ? (size_t)(slash - argv0) : 0;

    if (!slash) {
        snprintf(buf, len, ".");
        return buf;
    }
    if (n == 0)
        n = 1; /* the program lives in "/" */
    if (n >= len)
        n = len - 1;
    memcpy(buf, argv0, n);
    buf[n] = '\0';
    return buf;
}
