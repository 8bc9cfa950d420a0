/* calls.c - the system calls the torture program makes, with their
 * argument kinds and shares, and the ones it leaves out.
 *
 * Most calls are described by a signature, one letter per argument:
 *   f descriptor     i pointer the kernel reads   o pointer it writes
 *   l length         F flags (known bits: .known) p path   P path to change
 *   t timespec ptr   d pid    s signal   R prot   n small number
 *   x any 64 bits    z zero   u user/group id    m file mode   O file offset
 *   c clock id       r address range (two arguments: address, length)
 * Calls whose arguments depend on each other, or that must be kept from
 * blocking forever, have their own generator; a few run their own code.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "torture.h"

/* Memory the generators build structures in (iovecs, pollfds, sigactions).
 * It is in the image, so no memory call ever unmaps it. */
static union {
    struct iovec iov[64];
    struct pollfd pfd[64];
    uint64_t words[512];
} scratch;

static uint64_t gen_one(struct gen *g, char kind, uint64_t known)
{
    struct rng *r = &g->r;
    switch (kind) {
    case 'f': return gen_fd(g);
    case 'i': return gen_ptr_in(g);
    case 'o': return gen_ptr_out(g);
    case 'l': return gen_len(g);
    case 'F': return gen_flags(g, known);
    case 'p': return gen_path(g);
    case 'P': return gen_path_mut(g);
    case 't': return gen_timespec(g);
    case 'd': return gen_pid(g);
    case 's': return gen_signal(g);
    case 'R': return gen_prot(g);
    case 'n': return rng_one_in(r, 8) ? rng_next(r) : rng_below(r, 64);
    case 'u': {
        static const uint64_t ids[] = {0, 65534, (uint64_t)-1, 0xffffffffu, 1000};
        return rng_one_in(r, 6) ? rng_next(r) : ids[rng_below(r, 5)];
    }
    case 'm': return rng_one_in(r, 8) ? rng_next(r) : rng_below(r, 010000);
    case 'O': return rng_one_in(r, 4) ? gen_len(g) : rng_below(r, 1ul << 20);
    case 'c': return rng_one_in(r, 4) ? rng_next(r) & 0xffffffffu : rng_below(r, 12);
    case 'x': return rng_next(r);
    default: return 0;
    }
}

static void gen_signature(struct gen *g, const struct call_def *c, uint64_t a[6])
{
    unsigned k = 0;
    for (const char *s = c->sig; *s && k < 6; s++) {
        if (*s == 'r') {
            gen_range(g, &a[k], &a[k + 1]);
            k += 2;
        } else {
            a[k++] = gen_one(g, *s, c->known);
        }
    }
}

/* ---- memory calls ---- */

static void args_mmap(struct gen *g, uint64_t a[6])
{
    struct rng *r = &g->r;
    static const uint64_t types[] = {MAP_PRIVATE | MAP_ANONYMOUS, MAP_SHARED | MAP_ANONYMOUS,
                                     MAP_PRIVATE, MAP_SHARED, 0, MAP_SHARED_VALIDATE};
    uint64_t flags = types[rng_below(r, 6)];
    flags |= rng_next(r) & (MAP_POPULATE | MAP_NORESERVE | MAP_GROWSDOWN | MAP_STACK |
                            MAP_FIXED_NOREPLACE | MAP_32BIT | MAP_DENYWRITE | MAP_LOCKED);
    if (rng_one_in(r, 20))
        flags |= MAP_HUGETLB;
    if (rng_one_in(r, 30))
        flags = rng_next(r) & 0xffffffffu & ~(uint64_t)MAP_FIXED;
    if (rng_one_in(r, 3)) {
        flags |= MAP_FIXED;
        gen_range(g, &a[0], &a[1]);
    } else {
        a[0] = rng_one_in(r, 3) ? gen_ptr_in(g) : 0; /* a hint */
        a[1] = rng_one_in(r, 2) ? 4096 * (1 + rng_below(r, 1024)) : gen_len(g);
    }
    /* Populating mappings stay at most 4 MiB unless the length is absurd:
     * the fortress profile checks the whole space after each populated page,
     * quadratic in the length (a 256 MiB populate takes hours under TCG). */
    if ((flags & (MAP_POPULATE | MAP_LOCKED)) && a[1] > (4ul << 20) && a[1] < (1ull << 40))
        a[1] = 4096 * (1 + rng_below(r, 1024));
    a[2] = gen_prot(g);
    a[3] = flags;
    a[4] = (flags & MAP_ANONYMOUS) && rng_below(r, 4) ? (uint64_t)-1 : gen_fd(g);
    a[5] = rng_below(r, 4) ? 4096 * rng_below(r, 1024) : gen_len(g);
}

static void args_mremap(struct gen *g, uint64_t a[6])
{
    struct rng *r = &g->r;
    gen_range(g, &a[0], &a[1]);
    a[2] = rng_below(r, 3) ? 4096 * (1 + rng_below(r, 1024)) : gen_len(g);
    a[3] = rng_one_in(r, 10) ? rng_next(r) & 0xff : rng_below(r, 8); /* MAYMOVE, FIXED, DONTUNMAP */
    a[4] = 0;
    if (a[3] & MREMAP_FIXED) {
        uint64_t len;
        gen_range(g, &a[4], &len);
        if (layout_protected(a[4], a[2]))
            a[3] &= ~(uint64_t)MREMAP_FIXED;
    }
}

static void args_madvise(struct gen *g, uint64_t a[6])
{
    /* MADV_HWPOISON (100) and MADV_SOFT_OFFLINE (101) are left out: run as
     * root natively they would take host memory out of service. */
    static const uint64_t advice[] = {0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
                                      18, 19, 20, 21, 22, 23, 25, 26, 5, 7, 99};
    gen_range(g, &a[0], &a[1]);
    a[2] = advice[rng_below(&g->r, sizeof(advice) / sizeof(advice[0]))];
}

static void args_brk(struct gen *g, uint64_t a[6])
{
    struct rng *r = &g->r;
    uint64_t cur = (uint64_t)syscall(SYS_brk, 0);
    switch (rng_below(r, 6)) {
    case 0: a[0] = 0; break;
    case 1: case 2: a[0] = cur + rng_below(r, 8ul << 20); break;
    case 3: a[0] = cur - rng_below(r, 4ul << 20); break;
    case 4: a[0] = cur + (2ul << 20) - rng_below(r, 3) + 1; break;
    default: a[0] = gen_addr_any(g); break;
    }
}

/* Children that still run after this long are killed: a child resumed
 * at a random rip by rt_sigreturn can loop in user mode for ever (it may
 * have landed in a loop of this very program). */
#define CHILD_WAIT_MS 20000
unsigned long torture_runaway_children;

static void child_reap(pid_t pid)
{
    int st;
    for (int ms = 0; ms < CHILD_WAIT_MS; ms++) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return;
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    torture_runaway_children++;
    kill(pid, SIGKILL);
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
}

/* fork: the child writes over pool pages (copy-on-write, maybe SIGSEGV) and exits. */
static long run_fork(struct gen *g, uint64_t a[6])
{
    uint64_t seed = rng_next(&g->r);
    pid_t pid = fork();
    if (pid == 0) {
        struct rng r = {seed};
        for (int i = 0; i < 8; i++) {
            uint64_t off = rng_below(&r, POOL_RW_LEN);
            uint64_t addr = POOL_RW + off;
            if (!layout_protected(addr, 1))
                *(volatile uint8_t *)addr = (uint8_t)i;
        }
        _exit(0);
    }
    if (pid > 0)
        child_reap(pid);
    return pid;
}

/* rt_sigreturn on a stack of random words, in a child: the kernel must
 * refuse or sanitise the frame (selectors, flags, non-canonical rip). */
static long run_sigreturn(struct gen *g, uint64_t a[6])
{
    uint64_t words[64];
    for (int i = 0; i < 64; i++)
        words[i] = rng_one_in(&g->r, 3) ? gen_addr_any(g) : rng_next(&g->r);
    pid_t pid = fork();
    if (pid == 0) {
        __asm__ volatile("mov %0, %%rsp\n\tmov $15, %%eax\n\tsyscall\n\tud2"
                         : : "r"(words) : "memory");
        _exit(0);
    }
    if (pid > 0)
        child_reap(pid);
    return pid;
}

/* ---- calls that must not block forever ---- */

static void args_rw_iov(struct gen *g, uint64_t a[6])
{
    unsigned n = (unsigned)rng_below(&g->r, 64);
    for (unsigned i = 0; i < n; i++) {
        scratch.iov[i].iov_base = (void *)gen_ptr_out(g);
        scratch.iov[i].iov_len = rng_one_in(&g->r, 4) ? gen_len(g) : rng_below(&g->r, 8192);
    }
    a[0] = gen_fd(g);
    a[1] = rng_one_in(&g->r, 8) ? gen_ptr_in(g) : (uint64_t)scratch.iov;
    a[2] = rng_one_in(&g->r, 10) ? gen_len(g) : n;
    a[3] = gen_one(g, 'O', 0);
}

static void args_poll(struct gen *g, uint64_t a[6])
{
    unsigned n = (unsigned)rng_below(&g->r, 64);
    for (unsigned i = 0; i < n; i++) {
        scratch.pfd[i].fd = (int)gen_fd(g);
        scratch.pfd[i].events = (short)rng_next(&g->r);
    }
    a[0] = rng_one_in(&g->r, 8) ? gen_ptr_out(g) : (uint64_t)scratch.pfd;
    a[1] = rng_one_in(&g->r, 10) ? gen_len(g) : n;
    a[2] = rng_below(&g->r, 3); /* poll: a timeout in ms, never -1 */
    a[3] = 0;
    a[4] = 8;
}

static void args_ppoll(struct gen *g, uint64_t a[6])
{
    args_poll(g, a);
    a[2] = gen_timespec(g);
    a[3] = rng_one_in(&g->r, 2) ? 0 : gen_ptr_in(g);
    a[4] = rng_one_in(&g->r, 8) ? gen_len(g) : 8;
}

static void args_select(struct gen *g, uint64_t a[6])
{
    for (unsigned i = 0; i < 3 * 16; i++)
        scratch.words[i] = rng_next(&g->r) & rng_next(&g->r);
    a[0] = rng_one_in(&g->r, 6) ? gen_len(g) : rng_below(&g->r, 1100);
    for (int k = 1; k <= 3; k++)
        a[k] = rng_below(&g->r, 4) ? (uint64_t)&scratch.words[(k - 1) * 16]
                                   : (rng_one_in(&g->r, 2) ? 0 : gen_ptr_out(g));
    /* select's timeval and pselect6's timespec: small, never NULL. */
    a[4] = gen_timespec(g);
    a[5] = rng_one_in(&g->r, 2) ? 0 : gen_ptr_in(g);
}

static void args_fcntl(struct gen *g, uint64_t a[6])
{
    static const uint64_t cmds[] = {F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_GETLK,
                                    F_SETLK, F_DUPFD_CLOEXEC, F_GETPIPE_SZ, F_SETPIPE_SZ,
                                    F_GETOWN, F_SETOWN, F_ADD_SEALS, F_GET_SEALS, 12345};
    a[0] = gen_fd(g);
    a[1] = cmds[rng_below(&g->r, sizeof(cmds) / sizeof(cmds[0]))];
    a[2] = rng_one_in(&g->r, 2) ? gen_ptr_out(g) : gen_one(g, 'n', 0);
    /* F_SETLKW is left out (it waits); F_SETFL keeps O_NONBLOCK so that reads never block. */
    if (a[1] == F_SETFL)
        a[2] |= O_NONBLOCK;
}

static void args_ioctl(struct gen *g, uint64_t a[6])
{
    static const uint64_t cmds[] = {0x5401 /* TCGETS */, 0x5413 /* TIOCGWINSZ */,
                                    0x541b /* FIONREAD */, 0x5421 /* FIONBIO */,
                                    0x540f /* TIOCGPGRP */, 0x5451 /* FIOCLEX */, 0};
    /* FIONBIO only ever sets O_NONBLOCK: cleared, a later read of the
     * worker's own empty pipe would wait forever (on Linux too). */
    static const int nonblocking = 1;
    a[0] = gen_fd(g);
    a[1] = rng_one_in(&g->r, 4) ? rng_next(&g->r) & 0xffffffffu
                                : cmds[rng_below(&g->r, sizeof(cmds) / sizeof(cmds[0]))];
    a[2] = gen_ptr_out(g);
    if (a[1] == 0x5421)
        a[2] = (uint64_t)(uintptr_t)&nonblocking;
}

static void args_flock(struct gen *g, uint64_t a[6])
{
    a[0] = gen_fd(g);
    a[1] = gen_flags(g, LOCK_SH | LOCK_EX | LOCK_UN) | LOCK_NB; /* never wait */
}

static void args_pipe2(struct gen *g, uint64_t a[6])
{
    a[0] = gen_ptr_out(g);
    a[1] = gen_flags(g, O_CLOEXEC | O_DIRECT) | O_NONBLOCK; /* reads on it never block */
}

static void args_open_common(struct gen *g, uint64_t a[6], bool at)
{
    uint64_t known = O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_APPEND | O_DIRECTORY |
                     O_NOFOLLOW | O_CLOEXEC | O_PATH | O_TMPFILE | O_NOCTTY;
    uint64_t *p = at ? a + 1 : a;
    if (at)
        a[0] = gen_fd(g);
    p[0] = rng_below(&g->r, 3) ? gen_path_mut(g) : gen_path(g);
    /* O_NONBLOCK always: a FIFO, were one reachable, must not wait for a writer. */
    p[1] = gen_flags(g, known) | O_NONBLOCK;
    p[2] = gen_one(g, 'm', 0);
}

static void args_open(struct gen *g, uint64_t a[6]) { args_open_common(g, a, false); }
static void args_openat(struct gen *g, uint64_t a[6]) { args_open_common(g, a, true); }

static void args_wait4(struct gen *g, uint64_t a[6])
{
    a[0] = rng_one_in(&g->r, 2) ? (uint64_t)-1 : gen_pid(g);
    a[1] = rng_one_in(&g->r, 3) ? 0 : gen_ptr_out(g);
    a[2] = gen_flags(g, WNOHANG | WUNTRACED | WCONTINUED | __WALL | __WCLONE);
    a[3] = rng_one_in(&g->r, 3) ? 0 : gen_ptr_out(g);
}

static void args_waitid(struct gen *g, uint64_t a[6])
{
    a[0] = rng_below(&g->r, 5); /* P_ALL, P_PID, P_PGID, P_PIDFD, bad */
    a[1] = gen_pid(g);
    a[2] = rng_one_in(&g->r, 3) ? 0 : gen_ptr_out(g);
    a[3] = gen_flags(g, WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT);
    a[4] = rng_one_in(&g->r, 3) ? 0 : gen_ptr_out(g);
}

static void args_kill(struct gen *g, uint64_t a[6])
{
    /* Only the worker itself, its group (its own session) and pids that do
     * not exist: -1 and other processes' pids are left out (see calls_excluded). */
    a[0] = gen_pid(g);
    a[1] = gen_signal(g);
}

static void args_tgkill(struct gen *g, uint64_t a[6])
{
    a[0] = rng_one_in(&g->r, 4) ? gen_pid(g) : (uint64_t)getpid();
    a[1] = rng_one_in(&g->r, 4) ? gen_pid(g) : (uint64_t)getpid();
    a[2] = gen_signal(g);
}

static void sigaction_handler(int sig) { (void)sig; }
extern void torture_restorer(void);
__asm__(".text\n.globl torture_restorer\ntorture_restorer:\n\tmov $15, %eax\n\tsyscall\n\tud2\n");

static void args_sigaction(struct gen *g, uint64_t a[6])
{
    struct rng *r = &g->r;
    static const uint64_t handlers[] = {0 /* SIG_DFL */, 1 /* SIG_IGN */,
                                        (uint64_t)sigaction_handler};
    uint64_t *act = scratch.words;
    act[0] = handlers[rng_below(r, 3)];
    act[1] = (rng_next(r) & (SA_RESTART | SA_NODEFER | SA_RESETHAND | SA_SIGINFO | SA_ONSTACK |
                             SA_NOCLDSTOP | SA_NOCLDWAIT)) | 0x04000000 /* SA_RESTORER */;
    act[2] = (uint64_t)torture_restorer;
    act[3] = rng_next(r);
    a[0] = rng_one_in(r, 10) ? rng_next(r) : rng_below(r, 66);
    /* A handler for a synchronous fault would return to the fault forever. */
    if (a[0] == SIGSEGV || a[0] == SIGBUS || a[0] == SIGILL || a[0] == SIGFPE)
        act[0] = 0;
    a[1] = rng_one_in(r, 6) ? (rng_one_in(r, 2) ? 0 : gen_ptr_in(g)) : (uint64_t)act;
    a[2] = rng_one_in(r, 2) ? 0 : gen_ptr_out(g);
    a[3] = rng_one_in(r, 8) ? gen_len(g) : 8;
}

static void args_sigaltstack(struct gen *g, uint64_t a[6])
{
    uint64_t *ss = scratch.words;
    ss[0] = gen_ptr_out(g);
    ss[1] = rng_next(&g->r) & 3;
    ss[2] = rng_one_in(&g->r, 2) ? gen_len(g) : 8192 + rng_below(&g->r, 65536);
    a[0] = rng_one_in(&g->r, 4) ? gen_ptr_in(g) : (uint64_t)ss;
    a[1] = rng_one_in(&g->r, 2) ? 0 : gen_ptr_out(g);
}

static void args_sigtimedwait(struct gen *g, uint64_t a[6])
{
    scratch.words[0] = rng_next(&g->r);
    a[0] = rng_one_in(&g->r, 4) ? gen_ptr_in(g) : (uint64_t)scratch.words;
    a[1] = rng_one_in(&g->r, 2) ? 0 : gen_ptr_out(g);
    a[2] = gen_timespec(g); /* never NULL: that waits forever */
    a[3] = rng_one_in(&g->r, 8) ? gen_len(g) : 8;
}

static void args_rlimit(struct gen *g, uint64_t a[6])
{
    struct rng *r = &g->r;
    uint64_t *lim = scratch.words;
    lim[0] = rng_one_in(r, 2) ? gen_len(g) : rng_below(r, 1ul << 30);
    lim[1] = rng_one_in(r, 2) ? lim[0] : (uint64_t)-1;
    a[0] = rng_one_in(r, 8) ? rng_next(r) : rng_below(r, 17);
    a[1] = rng_one_in(r, 4) ? gen_ptr_in(g) : (uint64_t)lim;
}

static void args_prlimit(struct gen *g, uint64_t a[6])
{
    args_rlimit(g, a);
    a[2] = rng_one_in(&g->r, 2) ? 0 : a[1];
    a[1] = a[0];
    a[0] = rng_one_in(&g->r, 3) ? gen_pid(g) : 0;
    a[3] = rng_one_in(&g->r, 2) ? 0 : gen_ptr_out(g);
}

static void args_prctl(struct gen *g, uint64_t a[6])
{
    /* PR_SET_SECCOMP, PR_SET_MM and the like are left out of the list. */
    static const uint64_t opts[] = {1, 2, 3, 4, 15, 16, 21, 23, 36, 37, 38, 39, 9999};
    a[0] = opts[rng_below(&g->r, sizeof(opts) / sizeof(opts[0]))];
    a[1] = rng_one_in(&g->r, 2) ? gen_ptr_out(g) : rng_below(&g->r, 70);
    a[2] = a[3] = a[4] = 0;
}

static void args_arch_prctl(struct gen *g, uint64_t a[6])
{
    /* ARCH_SET_FS is left out: the C library keeps errno behind %fs. */
    static const uint64_t codes[] = {0x1001 /* SET_GS */, 0x1003 /* GET_FS */,
                                     0x1004 /* GET_GS */, 0x1011, 0x3001, 0x9999};
    a[0] = codes[rng_below(&g->r, sizeof(codes) / sizeof(codes[0]))];
    a[1] = a[0] == 0x1001 ? gen_one(g, 'x', 0) : gen_ptr_out(g);
}

static void args_fallocate(struct gen *g, uint64_t a[6])
{
    a[0] = gen_fd(g);
    a[1] = gen_flags(g, 0x7f);
    a[2] = gen_one(g, 'O', 0);
    /* Bounded: tmpfs memory is not given back until the batch's files go. */
    a[3] = rng_one_in(&g->r, 20) ? gen_len(g) : rng_below(&g->r, 16ul << 20);
    if (a[3] > (16ul << 20) && a[3] < (1ull << 62))
        a[3] = 1ull << 62;
}

static void args_sendfile(struct gen *g, uint64_t a[6])
{
    a[0] = gen_fd(g);
    a[1] = gen_fd(g);
    a[2] = rng_one_in(&g->r, 2) ? 0 : gen_ptr_out(g);
    a[3] = rng_below(&g->r, 1ul << 20); /* from /dev/zero a large count fills memory */
}

static void args_mknod(struct gen *g, uint64_t a[6])
{
    /* Regular files only: a FIFO would block its opener, device nodes are root's. */
    static const uint64_t types[] = {S_IFREG, 0, S_IFSOCK, 0170000};
    a[0] = gen_path_mut(g);
    a[1] = types[rng_below(&g->r, 4)] | rng_below(&g->r, 01000);
    a[2] = 0;
}

static void args_symlink(struct gen *g, uint64_t a[6])
{
    /* No target that is a directory outside the run's ("/", "/tmp", ".."):
     * through a d0 linked there, the mutating calls' names ("d0/d1") would
     * create files that the batch clean-up of the run's directory never sees. */
    static const char *const targets[] = {"/dev/null", "/dev/zero", ".", "", "/nonexistent/x",
                                          "/proc/self/maps", "/dev/null/x"};
    a[0] = rng_one_in(&g->r, 3) ? (uint64_t)targets[rng_below(&g->r, 7)] : gen_path_mut(g);
    a[1] = gen_path_mut(g);
}

static void args_execve(struct gen *g, uint64_t a[6])
{
    /* Only files that cannot run: the run's own files hold random bytes,
     * the rest are directories, devices or absent. */
    static const char *const bad[] = {"/dev/null", "/", "/nonexistent", "", "/tmp"};
    a[0] = rng_one_in(&g->r, 3) ? (uint64_t)bad[rng_below(&g->r, 5)] : gen_path_mut(g);
    a[1] = rng_one_in(&g->r, 2) ? 0 : gen_ptr_in(g);
    a[2] = rng_one_in(&g->r, 2) ? 0 : gen_ptr_in(g);
}

static void args_clock_nanosleep(struct gen *g, uint64_t a[6])
{
    /* REALTIME, MONOTONIC, BOOTTIME or invalid: sleeping on the process's
     * own CPU-time clock (2) would wait forever. */
    static const uint64_t clocks[] = {0, 1, 7, 3, 4, 12, 0xffffffffu};
    a[0] = clocks[rng_below(&g->r, sizeof(clocks) / sizeof(clocks[0]))];
    a[1] = 0; /* TIMER_ABSTIME with a small time returns at once, but a
                 CLOCK_REALTIME absolute time far ahead would not. */
    a[2] = gen_timespec(g);
    a[3] = rng_one_in(&g->r, 2) ? 0 : gen_ptr_out(g);
}

#define M(name, nr, w, fn) {#name, nr, w, true, NULL, 0, fn, NULL}
#define S(name, nr, w, sig, known) {#name, nr, w, false, sig, known, NULL, NULL}
#define A(name, nr, w, fn) {#name, nr, w, false, NULL, 0, fn, NULL}
#define MS(name, nr, w, sig, known) {#name, nr, w, true, sig, known, NULL, NULL}

const struct call_def calls[] = {
    /* memory calls: about half of all calls */
    M(mmap, SYS_mmap, 120, args_mmap),
    MS(munmap, SYS_munmap, 70, "r", 0),
    MS(mprotect, SYS_mprotect, 70, "rR", 0),
    M(madvise, SYS_madvise, 60, args_madvise),
    M(mremap, SYS_mremap, 50, args_mremap),
    M(brk, SYS_brk, 25, args_brk),
    {"fork", SYS_fork, 12, true, NULL, 0, NULL, run_fork},
    MS(msync, SYS_msync, 10, "rF", 7),
    MS(mincore, SYS_mincore, 10, "ro", 0),
    {"rt_sigreturn", SYS_rt_sigreturn, 2, false, NULL, 0, NULL, run_sigreturn},
    /* files and descriptors */
    S(read, SYS_read, 25, "fol", 0),
    S(write, SYS_write, 25, "fil", 0),
    S(pread64, SYS_pread64, 10, "folO", 0),
    S(pwrite64, SYS_pwrite64, 10, "filO", 0),
    A(readv, SYS_readv, 8, args_rw_iov),
    A(writev, SYS_writev, 8, args_rw_iov),
    A(open, SYS_open, 10, args_open),
    A(openat, SYS_openat, 10, args_openat),
    S(close, SYS_close, 8, "f", 0),
    S(stat, SYS_stat, 6, "po", 0),
    S(lstat, SYS_lstat, 4, "po", 0),
    S(fstat, SYS_fstat, 6, "fo", 0),
    S(newfstatat, SYS_newfstatat, 4, "fpoF", 0x1d00),
    S(statx, SYS_statx, 4, "fpFFo", 0x7fff),
    A(poll, SYS_poll, 5, args_poll),
    A(ppoll, SYS_ppoll, 4, args_ppoll),
    A(select, SYS_select, 4, args_select),
    A(pselect6, SYS_pselect6, 4, args_select),
    S(lseek, SYS_lseek, 6, "fxn", 0),
    A(ioctl, SYS_ioctl, 6, args_ioctl),
    S(access, SYS_access, 4, "pn", 0),
    S(faccessat, SYS_faccessat, 3, "fpn", 0),
    S(faccessat2, 439, 3, "fpnF", 0x1300),
    A(pipe2, SYS_pipe2, 4, args_pipe2),
    S(dup, SYS_dup, 5, "f", 0),
    S(dup2, SYS_dup2, 5, "ff", 0),
    S(dup3, SYS_dup3, 4, "ffF", O_CLOEXEC),
    A(fcntl, SYS_fcntl, 6, args_fcntl),
    A(flock, SYS_flock, 3, args_flock),
    S(fsync, SYS_fsync, 2, "f", 0),
    S(fdatasync, SYS_fdatasync, 2, "f", 0),
    S(truncate, SYS_truncate, 3, "PO", 0),
    S(ftruncate, SYS_ftruncate, 4, "fO", 0),
    A(fallocate, SYS_fallocate, 4, args_fallocate),
    S(fadvise64, SYS_fadvise64, 2, "fOln", 0),
    A(sendfile, SYS_sendfile, 4, args_sendfile),
    S(getdents64, SYS_getdents64, 5, "fol", 0),
    S(getcwd, SYS_getcwd, 3, "ol", 0),
    S(chdir, SYS_chdir, 2, "p", 0),
    S(fchdir, SYS_fchdir, 2, "f", 0),
    S(rename, SYS_rename, 3, "PP", 0),
    S(renameat2, 316, 3, "fPfPF", 7),
    S(mkdir, SYS_mkdir, 3, "Pm", 0),
    S(mkdirat, SYS_mkdirat, 2, "fPm", 0),
    S(rmdir, SYS_rmdir, 3, "P", 0),
    S(creat, SYS_creat, 2, "Pm", 0),
    S(link, SYS_link, 2, "PP", 0),
    S(linkat, SYS_linkat, 2, "fPfPF", 0x1400),
    S(unlink, SYS_unlink, 3, "P", 0),
    S(unlinkat, SYS_unlinkat, 2, "fPF", 0x200),
    A(symlink, SYS_symlink, 2, args_symlink),
    S(readlink, SYS_readlink, 3, "pol", 0),
    S(readlinkat, SYS_readlinkat, 2, "fpol", 0),
    S(chmod, SYS_chmod, 2, "Pm", 0),
    S(fchmod, SYS_fchmod, 2, "fm", 0),
    S(fchmodat, SYS_fchmodat, 2, "fPmF", 0x100),
    S(chown, SYS_chown, 2, "Puu", 0),
    S(fchown, SYS_fchown, 2, "fuu", 0),
    S(lchown, SYS_lchown, 2, "Puu", 0),
    S(fchownat, SYS_fchownat, 2, "fPuuF", 0x1100),
    S(utimensat, SYS_utimensat, 2, "fPiF", 0x100),
    A(mknod, SYS_mknod, 2, args_mknod),
    S(statfs, SYS_statfs, 2, "po", 0),
    S(fstatfs, SYS_fstatfs, 2, "fo", 0),
    S(memfd_create, SYS_memfd_create, 3, "iF", 0xf),
    S(close_range, 436, 1, "nxF", 6),
    S(sync, SYS_sync, 1, "", 0),
    S(syncfs, SYS_syncfs, 1, "f", 0),
    A(execve, SYS_execve, 2, args_execve),
    /* processes and signals */
    A(wait4, SYS_wait4, 4, args_wait4),
    A(waitid, SYS_waitid, 3, args_waitid),
    A(kill, SYS_kill, 4, args_kill),
    A(tkill, SYS_tkill, 2, args_kill),
    A(tgkill, SYS_tgkill, 2, args_tgkill),
    A(rt_sigaction, SYS_rt_sigaction, 8, args_sigaction),
    S(rt_sigprocmask, SYS_rt_sigprocmask, 6, "niol", 0),
    S(rt_sigpending, SYS_rt_sigpending, 3, "ol", 0),
    A(rt_sigtimedwait, SYS_rt_sigtimedwait, 3, args_sigtimedwait),
    A(sigaltstack, SYS_sigaltstack, 3, args_sigaltstack),
    S(getpid, SYS_getpid, 2, "", 0),
    S(getppid, SYS_getppid, 1, "", 0),
    S(gettid, SYS_gettid, 1, "", 0),
    S(getuid, SYS_getuid, 1, "", 0),
    S(setuid, SYS_setuid, 2, "u", 0),
    S(setgid, SYS_setgid, 2, "u", 0),
    S(setreuid, SYS_setreuid, 1, "uu", 0),
    S(setresuid, SYS_setresuid, 2, "uuu", 0),
    S(setresgid, SYS_setresgid, 1, "uuu", 0),
    S(getresuid, SYS_getresuid, 2, "ooo", 0),
    S(getgroups, SYS_getgroups, 1, "lo", 0),
    S(setgroups, SYS_setgroups, 1, "li", 0),
    S(setpgid, SYS_setpgid, 2, "dd", 0),
    S(getpgid, SYS_getpgid, 2, "d", 0),
    S(getsid, SYS_getsid, 2, "d", 0),
    S(setsid, SYS_setsid, 1, "", 0),
    S(umask, SYS_umask, 1, "m", 0),
    S(set_tid_address, SYS_set_tid_address, 2, "o", 0),
    S(set_robust_list, SYS_set_robust_list, 2, "ol", 0),
    S(get_robust_list, SYS_get_robust_list, 2, "doo", 0),
    A(prctl, SYS_prctl, 3, args_prctl),
    A(arch_prctl, SYS_arch_prctl, 3, args_arch_prctl),
    A(setrlimit, SYS_setrlimit, 3, args_rlimit),
    S(getrlimit, SYS_getrlimit, 3, "no", 0),
    A(prlimit64, SYS_prlimit64, 4, args_prlimit),
    S(getrusage, SYS_getrusage, 3, "no", 0),
    S(sched_yield, SYS_sched_yield, 2, "", 0),
    S(sched_getaffinity, SYS_sched_getaffinity, 2, "dlo", 0),
    S(sched_setaffinity, SYS_sched_setaffinity, 2, "dli", 0),
    S(getcpu, SYS_getcpu, 1, "ooo", 0),
    /* time and information */
    S(nanosleep, SYS_nanosleep, 3, "to", 0),
    A(clock_nanosleep, SYS_clock_nanosleep, 2, args_clock_nanosleep),
    S(clock_gettime, SYS_clock_gettime, 3, "co", 0),
    S(clock_getres, SYS_clock_getres, 2, "co", 0),
    S(gettimeofday, SYS_gettimeofday, 2, "oo", 0),
    S(time, SYS_time, 1, "o", 0),
    S(times, SYS_times, 1, "o", 0),
    S(uname, SYS_uname, 2, "o", 0),
    S(sysinfo, SYS_sysinfo, 2, "o", 0),
    S(getrandom, SYS_getrandom, 3, "olF", 7),
    /* numbers that are not system calls on x86-64 */
    S(unassigned, 400, 2, "xxxxxx", 0),
    S(huge_number, 100000, 1, "xxxxxx", 0),
};
const unsigned calls_n = sizeof(calls) / sizeof(calls[0]);

const char *const calls_excluded[] = {
    "exit, exit_group: end the worker (the batch ends on its own)",
    "reboot: would end the machine if the privilege drop ever failed",
    "mount, umount2, chroot: would change the file system under the rest of the run if the "
    "privilege drop ever failed",
    "kill(-1) and kill/tkill/tgkill of other processes' pids: would kill the test's own parent "
    "and runner",
    "clone, vfork: the child shares the worker's stack and memory without a stack of its own",
    "execve of runnable files: replaces the worker (execve of files that cannot run is made)",
    "pause, rt_sigsuspend, F_SETLKW, blocking flock, NULL timeouts: wait forever by design",
    "mknod of FIFOs and devices, blocking pipes: an open or read would wait forever",
    "clock_nanosleep on CPU-time clocks: the sleeper uses no CPU, so it waits forever",
    "arch_prctl(ARCH_SET_FS): the C library keeps errno behind %fs",
    "madvise MADV_HWPOISON, MADV_SOFT_OFFLINE: would take host memory out of service natively",
    "prctl PR_SET_SECCOMP, PR_SET_MM: end or corrupt the worker",
    "/dev/console and ttys: reads block, termios changes would garble the serial console",
    NULL,
};

const struct call_def *call_pick(struct gen *g)
{
    static unsigned total;
    if (!total)
        for (unsigned i = 0; i < calls_n; i++)
            total += calls[i].weight;
    uint64_t w = rng_below(&g->r, total);
    for (unsigned i = 0; i < calls_n; i++) {
        if (w < calls[i].weight)
            return &calls[i];
        w -= calls[i].weight;
    }
    return &calls[0];
}

/* Fill a[] for call c. */
void call_args(struct gen *g, const struct call_def *c, uint64_t a[6])
{
    memset(a, 0, 6 * sizeof(uint64_t));
    if (c->args)
        c->args(g, a);
    else if (c->sig)
        gen_signature(g, c, a);
}
