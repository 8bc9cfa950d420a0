/* torture.c - random system calls against the kernel, reproducibly.
 *
 * usage: torture SEED COUNT [--from I] [--batch N] [--timeout SECONDS]
 *                [--dir DIR] [--verbose] [--no-drop] [--check-memory] [--list]
 *
 * Makes calls FROM..COUNT-1 of run SEED, in batches of N (default 2000),
 * each batch in a worker process forked afresh (worker.c), while a sibling
 * (sibling.c) abuses the memory the workers point into. Before each batch
 * it prints the range; when a worker ends by a signal or fails its own
 * checks it prints the call that was running (number, arguments) and goes
 * on with the next call. It fails (exit 1) when the canary the kernel must
 * never write changes, when a worker hangs (no batch may take longer than
 * the timeout: no call made here waits for long) or cannot be killed, and,
 * with --check-memory, when free memory does not come back to its starting
 * value (this process's own growth, a deeper stack, counts against it: the
 * torture initramfs measures from its init instead). The last line is `torture: N calls, ... OK` or `... FAILED`.
 * `--list` prints the calls made and the calls left out, with reasons.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "meminfo.h"
#include "torture.h"

struct totals {
    uint64_t calls, mem_calls, workers, signalled, failures, runaway;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *call_name(long nr)
{
    for (unsigned i = 0; i < calls_n; i++)
        if (calls[i].nr == nr)
            return calls[i].name;
    return "?";
}

static void print_call(const char *what, const struct torture_opts *o,
                       const struct torture_record *rec)
{
    printf("torture: seed %lu: %s in call %lu: %s (nr %ld) args %#lx %#lx %#lx %#lx %#lx %#lx\n",
           (unsigned long)o->seed, what, (unsigned long)rec->index, call_name(rec->nr), rec->nr,
           rec->args[0], rec->args[1], rec->args[2], rec->args[3], rec->args[4], rec->args[5]);
}

/* Wait for the worker up to the timeout; SIGKILL it after. Returns the status or -1 (hang). */
static int batch_wait(pid_t pid, unsigned timeout_s, bool *hung)
{
    double end = now_s() + timeout_s;
    int st;
    *hung = false;
    for (;;) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            return st;
        if (r < 0 && errno != EINTR)
            return -1;
        if (!*hung && now_s() > end) {
            *hung = true;
            kill(pid, SIGKILL);
            end = now_s() + 30; /* SIGKILL must work within this */
        } else if (*hung && now_s() > end) {
            return -1;
        }
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
    }
}

/* Run calls [from, to) in one worker; returns the next call to make. */
static uint64_t batch_run(const struct torture_opts *o, uint64_t from, uint64_t to,
                          struct torture_record *rec, int shm_fd, struct totals *t)
{
    bool hung;
    memset((void *)rec, 0, sizeof(*rec));
    rec->index = rec->done = from;
    pid_t pid = fork();
    if (pid < 0) {
        printf("torture: seed %lu: fork of a worker failed: %s\n", (unsigned long)o->seed,
               strerror(errno));
        t->failures++;
        return to;
    }
    if (pid == 0)
        worker_run(o, from, to, rec, shm_fd);
    t->workers++;
    int st = batch_wait(pid, o->timeout_s, &hung);
    t->calls += rec->done - from;
    t->mem_calls += rec->mem_calls;
    t->runaway += rec->runaway;
    if (st < 0) {
        print_call("worker could not be killed (SIGKILL ignored)", o, rec);
        t->failures++;
        return to;
    }
    if (hung) {
        print_call("worker hung", o, rec);
        t->failures++;
    } else if (WIFSIGNALED(st)) {
        char what[64];
        snprintf(what, sizeof(what), "worker ended by signal %d", WTERMSIG(st));
        print_call(what, o, rec);
        t->signalled++;
    } else if (WEXITSTATUS(st) == 99) {
        print_call("the canary changed (the kernel wrote where it was not pointed)", o, rec);
        t->failures++;
    } else if (WEXITSTATUS(st) != 0) {
        printf("torture: seed %lu: worker exited %d (set-up failed or exec succeeded)\n",
               (unsigned long)o->seed, WEXITSTATUS(st));
        if (rec->done == from && rec->index == from) {
            t->failures++;
            return to;
        }
    }
    /* Skip the call that ended the worker, go on after it. */
    return rec->done < to && rec->index >= rec->done ? rec->index + 1 : rec->done;
}

static int list_calls(void)
{
    for (unsigned i = 0; i < calls_n; i++)
        printf("call %-18s nr %-6ld weight %-4u%s\n", calls[i].name, calls[i].nr, calls[i].weight,
               calls[i].mem ? " (memory)" : "");
    for (const char *const *e = calls_excluded; *e; e++)
        printf("left out: %s\n", *e);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: torture SEED COUNT [--from I] [--batch N] [--timeout SECONDS] "
                    "[--dir DIR] [--verbose] [--no-drop] [--check-memory] [--list]\n");
    return 2;
}

static int parse(int argc, char **argv, struct torture_opts *o)
{
    int pos = 0;
    *o = (struct torture_opts){.batch = 2000, .timeout_s = 1800, .dir = "/tmp/torture.d",
                               .drop_privileges = true};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "--from") && more)
            o->from = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(a, "--batch") && more)
            o->batch = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(a, "--timeout") && more)
            o->timeout_s = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (!strcmp(a, "--dir") && more)
            o->dir = argv[++i];
        else if (!strcmp(a, "--verbose"))
            o->verbose = true;
        else if (!strcmp(a, "--no-drop"))
            o->drop_privileges = false;
        else if (!strcmp(a, "--check-memory"))
            o->check_memory = true;
        else if (!strcmp(a, "--list"))
            return 1;
        else if (a[0] != '-' && pos == 0 && ++pos)
            o->seed = strtoull(a, NULL, 0);
        else if (a[0] != '-' && pos == 1 && ++pos)
            o->count = strtoull(a, NULL, 0);
        else
            return -1;
    }
    return pos == 2 && o->batch > 0 && strlen(o->dir) < 100 ? 0 : -1;
}

/* The memfd the workers and the sibling share (a deleted file where memfd is missing). */
static int shared_file(const char *dir)
{
    int fd = (int)syscall(SYS_memfd_create, "torture", 0);
    if (fd < 0) {
        char path[200];
        snprintf(path, sizeof(path), "%s/shm", dir);
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
        unlink(path);
    }
    if (fd >= 0 && ftruncate(fd, SHM_FILE_LEN) < 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static int finish(const struct torture_opts *o, const struct totals *t, double secs,
                  long long free_before)
{
    long long free_after = meminfo_free();
    bool mem_ok = !o->check_memory || free_after == free_before;
    printf("torture: seed %lu: free memory %lld before, %lld after (%+lld bytes)%s\n",
           (unsigned long)o->seed, free_before, free_after, free_after - free_before,
           o->check_memory ? (mem_ok ? "" : ": NOT BACK") : " (not checked)");
    printf("torture: %lu calls (%lu memory calls), seed %lu, %lu workers, %lu ended by a "
           "signal, %lu runaway children killed, %lu failures, %.1f s, %.0f calls/s %s\n",
           (unsigned long)t->calls, (unsigned long)t->mem_calls, (unsigned long)o->seed,
           (unsigned long)t->workers, (unsigned long)t->signalled, (unsigned long)t->runaway,
           (unsigned long)t->failures,
           secs, secs > 0 ? (double)t->calls / secs : 0.0,
           t->failures || !mem_ok ? "FAILED" : "OK");
    return t->failures || !mem_ok ? 1 : 0;
}

int main(int argc, char **argv)
{
    struct torture_opts o;
    struct totals t = {0};
    int p = parse(argc, argv, &o);
    if (p > 0)
        return list_calls();
    if (p < 0)
        return usage();
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGPIPE, SIG_IGN);

    long long free_before = meminfo_free();
    printf("torture: seed %lu, calls %lu..%lu, batches of %lu, uid %d%s\n",
           (unsigned long)o.seed, (unsigned long)o.from, (unsigned long)o.count,
           (unsigned long)o.batch, (int)getuid(),
           o.drop_privileges && getuid() == 0 ? " (workers run as 65534)" : "");
    if (mkdir(o.dir, 0777) < 0 && errno != EEXIST) {
        printf("torture: cannot make %s: %s\n", o.dir, strerror(errno));
        return 1;
    }
    chmod(o.dir, 0777);
    int shm_fd = shared_file(o.dir);
    struct torture_record *rec = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shm_fd < 0 || rec == MAP_FAILED) {
        printf("torture: set-up failed: %s\n", strerror(errno));
        return 1;
    }
    pid_t sib = fork();
    if (sib == 0)
        sibling_run(&o, shm_fd);

    double start = now_s();
    for (uint64_t i = o.from; i < o.count;) {
        uint64_t to = i + o.batch < o.count ? i + o.batch : o.count;
        printf("torture: seed %lu: calls %lu..%lu (free memory %lld)\n", (unsigned long)o.seed,
               (unsigned long)i, (unsigned long)to - 1, meminfo_free());
        i = batch_run(&o, i, to, rec, shm_fd, &t);
        gen_cleanup(o.dir);
    }
    double secs = now_s() - start;

    if (sib > 0) {
        kill(sib, SIGKILL);
        waitpid(sib, NULL, 0);
    }
    close(shm_fd);
    munmap(rec, 4096);
    gen_cleanup(o.dir);
    rmdir(o.dir);
    return finish(&o, &t, secs, free_before);
}
