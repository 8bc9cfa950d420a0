/* t_limits.c - resource limits and exhaustion: RLIMIT_AS, RLIMIT_DATA
 * (mmap, brk, and growth by mprotect and mremap), RLIMIT_STACK,
 * RLIMIT_NOFILE and RLIMIT_NPROC with Linux's errnos, a fork bomb stopped
 * by RLIMIT_NPROC, a process touching more than RAM killed
 * with SIGKILL (small machines only), and after every test free memory back
 * to its value before it (`/proc/meminfo` MemFree, else sysinfo's freeram).
 * The fork bomb runs twice: the first may leave the page tables of newly
 * used kernel-stack slots (printed as a note), the second must not.
 *
 * Each test runs in a child so that the limits it sets die with it; the
 * NPROC tests drop to uid 65534 (root is exempt from RLIMIT_NPROC). On a
 * host, free memory moves with everything else: it is only reported there,
 * checked exactly where the program is alone (a small test VM).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "meminfo.h"

#define MB (1ul << 20)

/* Run fn in a child; *delta is the change of free memory across it.
 * Orphans a test leaves (the fork bomb's) are init's to reap, so free
 * memory may take a moment to come back: up to 10 s on a small machine. */
static int run_test(int (*fn)(void), long long *delta)
{
    long long before = meminfo_free();
    int st = check_run_child((int (*)(void *))(void *)fn, NULL);
    *delta = meminfo_free() - before;
    for (int i = 0; i < 100 && *delta && check_small_machine(); i++) {
        struct timespec ts = {0, 100000000};
        nanosleep(&ts, NULL);
        *delta = meminfo_free() - before;
    }
    return st;
}

/* Move the break by inc with the raw call (the C library's sbrk refuses
 * any increment); true when the kernel moved it. */
static bool brk_grow(unsigned long inc)
{
    unsigned long cur = (unsigned long)syscall(SYS_brk, 0);
    return (unsigned long)syscall(SYS_brk, cur + inc) == cur + inc;
}

static void set_limit(int res, rlim_t cur)
{
    struct rlimit r = {cur, cur};
    if (setrlimit(res, &r))
        printf("# setrlimit(%d): %s\n", res, strerror(errno));
}

/* Become 65534 (root ignores RLIMIT_NPROC); false when that is impossible. */
static bool drop_to_nobody(void)
{
    if (getuid() == 0 && (setgid(65534) || setuid(65534)))
        return false;
    return getuid() != 0;
}

/* ---- RLIMIT_AS ---- */
static int t_as(void)
{
    set_limit(RLIMIT_AS, 64 * MB);
    void *big = mmap(NULL, 128 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check(big == MAP_FAILED && errno == ENOMEM, "RLIMIT_AS: mmap beyond it is ENOMEM",
          "got %p errno %d", big, errno);
    void *small = mmap(NULL, 4 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check(small != MAP_FAILED, "RLIMIT_AS: mmap within it works", "errno %d", errno);
    char *own = mmap(NULL, 48 * MB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    void *fx = own == MAP_FAILED ? MAP_FAILED
             : mmap(own, 48 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    check(fx == own, "RLIMIT_AS: MAP_FIXED over 48 MiB of its own counts only what it adds",
          "%p over %p errno %d", fx, own, errno);
    if (own != MAP_FAILED)
        munmap(own, 48 * MB);
    check(!brk_grow(128 * MB), "RLIMIT_AS: brk beyond it fails", "the break moved");
    void *m = mremap(small, 4 * MB, 200 * MB, MREMAP_MAYMOVE);
    check(m == MAP_FAILED && errno == ENOMEM, "RLIMIT_AS: mremap growing beyond it is ENOMEM",
          "got %p errno %d", m, errno);
    struct rlimit up = {RLIM_INFINITY, RLIM_INFINITY};
    if (drop_to_nobody())
        check(setrlimit(RLIMIT_AS, &up) == -1 && errno == EPERM,
              "RLIMIT_AS: raising the hard limit unprivileged is EPERM", "errno %d", errno);
    return check_done();
}

/* ---- RLIMIT_DATA ---- */
static int t_data(void)
{
    set_limit(RLIMIT_DATA, 32 * MB);
    check(!brk_grow(64 * MB), "RLIMIT_DATA: brk beyond it fails", "the break moved");
    check(brk_grow(4 * MB), "RLIMIT_DATA: brk within it works", "the break did not move");
    /* Linux (4.7+) counts private writable mappings as data too. */
    void *p = mmap(NULL, 64 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check(p == MAP_FAILED && errno == ENOMEM, "RLIMIT_DATA: private writable mmap beyond it is ENOMEM",
          "got %p errno %d", p, errno);
    void *ro = mmap(NULL, 64 * MB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check(ro != MAP_FAILED, "RLIMIT_DATA: a read-only mapping does not count", "errno %d", errno);
    return check_done();
}

/* Growth that makes data memory (Linux's may_expand_vm): mprotect adding
 * write permission to private memory, mremap growing private writable
 * memory or keeping its old range (MREMAP_DONTUNMAP), MAP_FIXED counting
 * only what it adds, brk counting every private writable mapping. Each
 * part starts from a few pages of data. */
static int t_data_growth(void)
{
    char *w = mmap(NULL, 48 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (w == MAP_FAILED)
        return 1;
    set_limit(RLIMIT_DATA, 32 * MB);
    check(mprotect(w, 48 * MB, PROT_READ | PROT_WRITE) == 0,
          "RLIMIT_DATA: mprotect of memory already writable is not refused above it", "errno %d",
          errno);
    int ro = mprotect(w, 48 * MB, PROT_READ);
    int rw = mprotect(w, 48 * MB, PROT_READ | PROT_WRITE);
    check(ro == 0 && rw == -1 && errno == ENOMEM,
          "RLIMIT_DATA: mprotect making 48 MiB of private memory writable is ENOMEM",
          "read-only %d, writable %d errno %d", ro, rw, errno);
    check(mprotect(w, 4 * MB, PROT_READ | PROT_WRITE) == 0,
          "RLIMIT_DATA: mprotect making 4 MiB writable works", "errno %d", errno);
    munmap(w, 48 * MB);

    char *s = mmap(NULL, 64 * MB, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    check(s != MAP_FAILED && mprotect(s, 64 * MB, PROT_READ | PROT_WRITE) == 0,
          "RLIMIT_DATA: shared memory turning writable does not count", "errno %d", errno);
    if (s != MAP_FAILED)
        munmap(s, 64 * MB);

    char *r = mmap(NULL, 8 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    void *m = mremap(r, 8 * MB, 40 * MB, MREMAP_MAYMOVE);
    check(r != MAP_FAILED && m == MAP_FAILED && errno == ENOMEM,
          "RLIMIT_DATA: mremap growing private writable memory past it is ENOMEM",
          "got %p errno %d", m, errno);
    m = mremap(r, 8 * MB, 16 * MB, MREMAP_MAYMOVE);
    check(m != MAP_FAILED, "RLIMIT_DATA: mremap growing it within the limit works", "errno %d",
          errno);
    munmap(m != MAP_FAILED ? m : r, m != MAP_FAILED ? 16 * MB : 8 * MB);

    r = mmap(NULL, 8 * MB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m = mremap(r, 8 * MB, 64 * MB, MREMAP_MAYMOVE);
    check(m != MAP_FAILED, "RLIMIT_DATA: mremap growing read-only memory past it works",
          "errno %d", errno);
    munmap(m != MAP_FAILED ? m : r, m != MAP_FAILED ? 64 * MB : 8 * MB);

    r = mmap(NULL, 20 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m = mremap(r, 20 * MB, 20 * MB, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
    check(m == MAP_FAILED && errno == ENOMEM,
          "RLIMIT_DATA: MREMAP_DONTUNMAP of 20 MiB (the old range stays) is ENOMEM past it",
          "got %p errno %d", m, errno);
    munmap(r, 20 * MB);

    r = mmap(NULL, 24 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m = r == MAP_FAILED ? MAP_FAILED
      : mmap(r, 24 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    check(m == r, "RLIMIT_DATA: MAP_FIXED over its own writable memory counts only what it adds",
          "%p over %p errno %d", m, r, errno);
    check(r != MAP_FAILED && !brk_grow(16 * MB),
          "RLIMIT_DATA: brk counts private writable mappings against it", "the break moved");
    check(brk_grow(4 * MB), "RLIMIT_DATA: brk within what is left works", "the break did not move");
    return check_done();
}

/* ---- RLIMIT_STACK ---- */
static int stack_touch(unsigned long depth_kb)
{
    volatile char frame[4096];
    frame[0] = (char)depth_kb;
    if (depth_kb <= 4)
        return frame[0];
    return stack_touch(depth_kb - 4) + frame[0];
}

static int stack_child(void *arg)
{
    set_limit(RLIMIT_STACK, 1 * MB);
    return stack_touch((unsigned long)(uintptr_t)arg) & 0;
}

static int t_stack(void)
{
    char buf[64];
    int st = check_run_child(stack_child, (void *)(uintptr_t)512);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "RLIMIT_STACK: 512 KiB of stack under 1 MiB grows",
          "%s", check_status_text(st, buf, sizeof(buf)));
    st = check_run_child(stack_child, (void *)(uintptr_t)4096);
    check(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
          "RLIMIT_STACK: 4 MiB of stack under 1 MiB is SIGSEGV", "%s",
          check_status_text(st, buf, sizeof(buf)));
    return check_done();
}

/* ---- RLIMIT_NOFILE ---- */
static int t_nofile(void)
{
    set_limit(RLIMIT_NOFILE, 16);
    int fd, last = -1, n = 0;
    while ((fd = open("/dev/null", O_RDONLY)) >= 0) {
        last = fd;
        n++;
    }
    check(errno == EMFILE && last == 15, "RLIMIT_NOFILE: open stops at the limit with EMFILE",
          "last fd %d after %d opens, errno %d", last, n, errno);
    check(dup2(0, 16) == -1 && errno == EBADF, "RLIMIT_NOFILE: dup2 to the limit is EBADF",
          "errno %d", errno);
    check(fcntl(0, F_DUPFD, 16) == -1 && errno == EINVAL,
          "RLIMIT_NOFILE: F_DUPFD at the limit is EINVAL", "errno %d", errno);
    int p[2];
    close(15);
    check(pipe(p) == -1 && errno == EMFILE, "RLIMIT_NOFILE: pipe needing two fds is EMFILE",
          "errno %d", errno);
    return check_done();
}

/* ---- RLIMIT_NPROC and a fork bomb ---- */
static int t_nproc(void)
{
    if (!drop_to_nobody()) {
        check_skip("RLIMIT_NPROC", "cannot become uid 65534");
        return check_done();
    }
    set_limit(RLIMIT_NPROC, 8);
    int made = 0, err = 0;
    pid_t kids[64];
    for (int i = 0; i < 64; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            pause();
            _exit(0);
        }
        if (pid < 0) {
            err = errno;
            break;
        }
        kids[made++] = pid;
    }
    check(made < 8 && err == EAGAIN, "RLIMIT_NPROC: fork beyond it is EAGAIN",
          "%d children, errno %d", made, err);
    for (int i = 0; i < made; i++)
        kill(kids[i], SIGKILL);
    for (int i = 0; i < made; i++)
        waitpid(kids[i], NULL, 0);
    pid_t again = fork();
    if (again == 0)
        _exit(0);
    check(again > 0, "RLIMIT_NPROC: fork works again once children are reaped", "errno %d", errno);
    if (again > 0)
        waitpid(again, NULL, 0);
    return check_done();
}

/* Every process forks as long as it can, to a depth; all stop on EAGAIN. */
static void bomb(int depth, int fd)
{
    for (int i = 0; i < 4 && depth > 0; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            bomb(depth - 1, fd);
            pause();
            _exit(0);
        }
        if (pid < 0) {
            char c = errno == EAGAIN ? 'A' : errno == ENOMEM ? 'M' : '?';
            write(fd, &c, 1);
        }
    }
}

/* A bomb in its own process group under RLIMIT_NPROC 64 as uid 65534:
 * every fork refused must be EAGAIN (or ENOMEM); then the group is killed
 * and, once init has reaped the orphans, forking works again. */
static int t_fork_bomb(void)
{
    char buf[4096];
    if (!drop_to_nobody()) {
        check_skip("fork bomb", "cannot become uid 65534");
        return check_done();
    }
    set_limit(RLIMIT_NPROC, 64);
    int p[2];
    if (pipe(p))
        return 1;
    pid_t leader = fork();
    if (leader == 0) {
        setpgid(0, 0);
        close(p[0]);
        bomb(6, p[1]);
        pause();
        _exit(0);
    }
    close(p[1]);
    struct timespec ts = {3, 0};
    nanosleep(&ts, NULL);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    ssize_t n = read(p[0], buf, sizeof(buf));
    int other = 0;
    for (ssize_t i = 0; i < n; i++)
        other += buf[i] != 'A' && buf[i] != 'M';
    check(n > 0 && other == 0, "fork bomb: stopped with EAGAIN/ENOMEM",
          "%zd failed forks, %d with another errno", n, other);
    kill(-leader, SIGKILL);
    int st;
    waitpid(leader, &st, 0);
    check(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "fork bomb: the group is killed", "%s",
          check_status_text(st, buf, sizeof(buf)));
    /* The orphans are init's to reap: retry for a while. */
    pid_t pid = -1;
    for (int i = 0; i < 200 && pid < 0; i++) {
        pid = fork();
        if (pid < 0) {
            struct timespec w = {0, 50000000};
            nanosleep(&w, NULL);
        }
    }
    if (pid == 0)
        _exit(7);
    st = 0;
    if (pid > 0)
        waitpid(pid, &st, 0);
    check(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 7, "fork bomb: the system forks again",
          "pid %d status %#x errno %d", pid, st, errno);
    return check_done();
}

/* ---- out of memory ---- */
static int hog(void *arg)
{
    unsigned long long total = *(unsigned long long *)arg;
    for (unsigned long long done = 0; done < total + 64 * MB; done += 8 * MB) {
        char *p = mmap(NULL, 8 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return 3; /* refused: not what this test wants */
        for (unsigned long off = 0; off < 8 * MB; off += 4096)
            p[off] = 1;
    }
    return 2; /* touched more than RAM and lived */
}

static int t_oom(void)
{
    struct sysinfo si;
    if (!check_small_machine() || sysinfo(&si)) {
        check_skip("OOM: memory hog is killed", "not exhausting a big host");
        return check_done();
    }
    unsigned long long total = (unsigned long long)si.totalram * si.mem_unit;
    char buf[64];
    for (int round = 0; round < 2; round++) {
        int st = check_run_child(hog, &total);
        check(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
              round ? "OOM: a second hog is killed too" : "OOM: a hog touching more than RAM is "
              "killed with SIGKILL", "%s", check_status_text(st, buf, sizeof(buf)));
    }
    return check_done();
}

int main(void)
{
    static const struct {
        const char *name;
        int (*fn)(void);
    } tests[] = {
        {"RLIMIT_AS", t_as}, {"RLIMIT_DATA", t_data}, {"RLIMIT_DATA growth", t_data_growth},
        {"RLIMIT_STACK", t_stack},
        {"RLIMIT_NOFILE", t_nofile}, {"RLIMIT_NPROC", t_nproc},
        {"fork bomb (first)", t_fork_bomb}, {"fork bomb", t_fork_bomb}, {"OOM", t_oom},
    };
    enum { N = sizeof(tests) / sizeof(tests[0]) };
    int st[N];
    long long delta[N];
    char buf[64];
    setvbuf(stdout, NULL, _IONBF, 0);
    /* Children inherit the check counters: report the parent's own checks
     * only after the last child is forked. */
    for (unsigned i = 0; i < N; i++)
        st[i] = run_test(tests[i].fn, &delta[i]);
    for (unsigned i = 0; i < N; i++) {
        char what[160];
        check(WIFEXITED(st[i]) && WEXITSTATUS(st[i]) == 0, tests[i].name, "child %s",
              check_status_text(st[i], buf, sizeof(buf)));
        snprintf(what, sizeof(what), "%s: free memory back", tests[i].name);
        if (strstr(tests[i].name, "(first)"))
            /* The first bomb raises the high-water mark of live tasks: the
             * kernel keeps the page tables it mapped new kernel-stack slots
             * with (kernel tables are never freed). The second bomb, same
             * size, must give everything back. */
            printf("# %s: free memory %+lld bytes (kernel-stack slot tables kept)\n",
                   tests[i].name, delta[i]);
        else if (check_small_machine())
            check(delta[i] == 0, what, "%+lld bytes", delta[i]);
        else
            check_skip(what, "a big host's free memory moves with everything else (%+lld)",
                       delta[i]);
    }
    return check_done();
}
