/* gen.c - argument generators that know what each argument is.
 *
 * A generator mixes valid values (so the call gets past its first check and
 * into the code behind it) with every kind of invalid one the kernel must
 * refuse cleanly: closed and absurd descriptors, pointers to unmapped,
 * read-only, PROT_NONE, kernel (0xffff8000_00000000 and up) and
 * non-canonical addresses, lengths of zero, one, 2 MiB +- 1, 2^63 and -1,
 * flags with unknown bits, ranges straddling 2 MiB boundaries.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "torture.h"

#define TWO_MB (2ul << 20)
#define KERNEL_BASE 0xffff800000000000ul

uint64_t gen_fd(struct gen *g)
{
    struct rng *r = &g->r;
    switch (rng_below(r, 12)) {
    case 0: return (uint64_t)g->shm_fd;
    case 1: return (uint64_t)g->tmp_fd;
    case 2: return (uint64_t)g->pipe_fd[rng_below(r, 2)];
    case 3: return (uint64_t)g->null_fd;
    case 4: return (uint64_t)g->zero_fd;
    case 5: case 6: return rng_below(r, 32);
    case 7: return (uint64_t)-1;
    case 8: return (uint64_t)(long)AT_FDCWD;
    case 9: return 1023 + rng_below(r, 3);
    case 10: return (uint64_t)(int)rng_next(r);
    default: return rng_next(r);
    }
}

/* An address of one of the kinds listed above (protected ones included). */
uint64_t gen_addr_any(struct gen *g)
{
    struct rng *r = &g->r;
    switch (rng_below(r, 16)) {
    case 0: case 1: case 2: return POOL_RW + rng_below(r, POOL_RW_LEN);
    case 3: return POOL_RW + rng_below(r, POOL_RW_LEN / 4096) * 4096;
    case 4: return POOL_RW + rng_below(r, 4) * TWO_MB - rng_below(r, 64); /* just below a 2 MiB line */
    case 5: return POOL_RO + rng_below(r, POOL_RO_LEN);
    case 6: return POOL_NONE + rng_below(r, POOL_NONE_LEN);
    case 7: case 8: return POOL_SHM + rng_below(r, POOL_SHM_LEN);
    case 9: return POOL_HOLE + rng_below(r, 1ul << 24);
    case 10: return rng_below(r, 4) ? 0 : rng_below(r, 65536);
    case 11: return KERNEL_BASE + rng_below(r, 1ul << 46);
    case 12: return 0xffffffff80000000ul + rng_below(r, 1ul << 30); /* the kernel image */
    case 13: return 0x00007ffffffff000ul + rng_below(r, 8192) - 4096; /* top of user space */
    case 14: return 0x0000800000000000ul + rng_below(r, 1ul << 20);  /* non-canonical */
    default: return rng_next(r) >> rng_below(r, 40);
    }
}

uint64_t gen_ptr_in(struct gen *g) { return gen_addr_any(g); }

/* An address no read can succeed at. */
static uint64_t gen_ptr_unreadable(struct gen *g)
{
    struct rng *r = &g->r;
    switch (rng_below(r, 4)) {
    case 0: return POOL_NONE + rng_below(r, POOL_NONE_LEN);
    case 1: return POOL_HOLE + rng_below(r, 1ul << 24);
    case 2: return KERNEL_BASE + rng_below(r, 1ul << 46);
    default: return 0x0000800000000000ul + rng_below(r, 1ul << 20);
    }
}

uint64_t gen_ptr_out(struct gen *g)
{
    for (;;) {
        uint64_t a = gen_addr_any(g);
        if (!layout_protected(a, 1))
            return a;
    }
}

uint64_t gen_len(struct gen *g)
{
    struct rng *r = &g->r;
    switch (rng_below(r, 12)) {
    case 0: return 0;
    case 1: return 1;
    case 2: case 3: return rng_below(r, 512);
    case 4: case 5: return rng_below(r, 65536);
    case 6: return 4096 * (1 + rng_below(r, 16));
    case 7: return TWO_MB + rng_below(r, 3) - 1;
    case 8: return rng_below(r, 16ul << 20);
    case 9: return 1ull << (32 + rng_below(r, 32));
    case 10: return (uint64_t)-1 - rng_below(r, 4096);
    default: return rng_next(r) >> rng_below(r, 64);
    }
}

uint64_t gen_flags(struct gen *g, uint64_t known)
{
    struct rng *r = &g->r;
    switch (rng_below(r, 8)) {
    case 0: return 0;
    case 1: return rng_next(r) & 0xffffffffu;
    case 2: return rng_next(r);
    default: return rng_next(r) & known;
    }
}

/* Paths any call may be given; mutating calls only get the ones in the run's directory. */
static const char *const fixed_paths[] = {
    "/dev/null", "/dev/zero", "/", ".", "", "/nonexistent/x", "/proc/self/maps",
    "/proc/self/status", "/tmp", "..", "/dev/null/x",
};
static const char *const own_names[] = {"f0", "f1", "f2", "d0", "d0/f3", "d0/d1", "l0", "d0/l1"};
#define OWN_NAMES (sizeof(own_names) / sizeof(own_names[0]))

static char own_paths[OWN_NAMES][160];
static char long_path[6000];

static int gen_remove(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    if (ftw->level > 0)
        remove(path);
    return 0;
}

/* Removes everything a batch left behind in dir (renames can nest the
 * run's names inside each other, so the whole tree goes, deepest first). */
void gen_cleanup(const char *dir)
{
    nftw(dir, gen_remove, 16, FTW_DEPTH | FTW_PHYS);
}

static uint64_t gen_own_path(struct gen *g)
{
    return (uint64_t)own_paths[rng_below(&g->r, OWN_NAMES)];
}

uint64_t gen_path_mut(struct gen *g)
{
    struct rng *r = &g->r;
    switch (rng_below(r, 10)) {
    case 0: return (uint64_t)long_path;
    case 1: return gen_ptr_in(g);
    default: return gen_own_path(g);
    }
}

uint64_t gen_path(struct gen *g)
{
    struct rng *r = &g->r;
    if (rng_one_in(r, 3))
        return (uint64_t)fixed_paths[rng_below(r, sizeof(fixed_paths) / sizeof(fixed_paths[0]))];
    return gen_path_mut(g);
}

/* The first five are common; the rest (up to a second, as a timeval or a
 * timespec) are drawn rarely so that the run is not mostly sleeping. */
static const struct timespec times_prepared[] = {
    {0, 0}, {0, 1000}, {0, -1}, {-1, 0}, {0, 1000000000}, {0, 999999}, {1, 0}, {0, 999999999},
};
#define TIMES_COMMON 5
/* select, ppoll and friends write the time left back: each call gets fresh copies. */
static struct timespec times_given[4];
static unsigned times_next;

uint64_t gen_timespec(struct gen *g)
{
    struct rng *r = &g->r;
    unsigned n = sizeof(times_prepared) / sizeof(times_prepared[0]);
    /* Never NULL (a NULL timeout can mean forever) and never readable
     * memory of random content (a random timeout can be years). */
    if (rng_one_in(r, 4))
        return gen_ptr_unreadable(g);
    unsigned i = rng_one_in(r, 50) ? (unsigned)rng_below(r, n) : (unsigned)rng_below(r, TIMES_COMMON);
    struct timespec *t = &times_given[times_next++ % 4];
    *t = times_prepared[i];
    return (uint64_t)t;
}

uint64_t gen_pid(struct gen *g)
{
    struct rng *r = &g->r;
    switch (rng_below(r, 7)) {
    case 0: return 0;
    case 1: case 2: return (uint64_t)getpid();
    case 3: return (uint64_t)-(long)getpid();
    case 4: return 0x7fffffff;
    case 5: return (uint64_t)(long)(int)0x80000000u;
    default: return 30000 + rng_below(r, 30000);
    }
}

uint64_t gen_signal(struct gen *g)
{
    for (;;) {
        uint64_t s = rng_one_in(&g->r, 10) ? rng_next(&g->r) : rng_below(&g->r, 66);
        /* Stop signals would leave the worker stopped until the parent's
         * timeout; SIGKILL and the fault signals (which keep their default
         * action) end the batch, so they are rare. */
        bool fatal = s == SIGKILL || s == SIGSEGV || s == SIGBUS || s == SIGILL || s == SIGFPE;
        if (fatal && !rng_one_in(&g->r, 20))
            continue;
        if (s != SIGSTOP && s != SIGTSTP && s != SIGTTIN && s != SIGTTOU)
            return s;
    }
}

uint64_t gen_prot(struct gen *g)
{
    struct rng *r = &g->r;
    if (rng_one_in(r, 10))
        return rng_next(r) & 0xffffffffu;
    uint64_t p = rng_below(r, 8);
    if (rng_one_in(r, 20))
        p |= rng_one_in(r, 2) ? PROT_GROWSDOWN : PROT_GROWSUP;
    return p;
}

static void gen_range_once(struct gen *g, uint64_t *addr, uint64_t *len)
{
    struct rng *r = &g->r;
    uint64_t line;
    switch (rng_below(r, 12)) {
    case 0: case 1: case 2: /* pages inside the read-write pool */
        *addr = POOL_RW + rng_below(r, POOL_RW_LEN / 4096) * 4096;
        *len = 4096 * (1 + rng_below(r, 64));
        return;
    case 3: case 4: /* straddling a 2 MiB line */
        line = POOL_RW + (1 + rng_below(r, 3)) * TWO_MB;
        *addr = line - 4096 * (1 + rng_below(r, 8));
        *len = (line - *addr) + 4096 * rng_below(r, 600);
        return;
    case 5: /* one whole 2 MiB page of the pool */
        *addr = POOL_RW + rng_below(r, 4) * TWO_MB;
        *len = TWO_MB;
        return;
    case 6: /* the shared view */
        *addr = POOL_SHM + rng_below(r, POOL_SHM_LEN / 4096) * 4096;
        *len = 4096 * (1 + rng_below(r, 256));
        return;
    case 7:
        *addr = rng_one_in(r, 2) ? POOL_RO : POOL_NONE;
        *len = 4096 * (1 + rng_below(r, 256));
        return;
    default:
        *addr = gen_addr_any(g);
        *len = gen_len(g);
        return;
    }
}

void gen_range(struct gen *g, uint64_t *addr, uint64_t *len)
{
    for (int tries = 0; tries < 16; tries++) {
        gen_range_once(g, addr, len);
        if (!layout_protected(*addr, *len))
            return;
    }
    *addr = POOL_RW;
    *len = 4096;
}

int gen_setup(struct gen *g, int shm_fd, const char *dir)
{
    int p[2];
    for (unsigned i = 0; i < OWN_NAMES; i++) {
        strcpy(own_paths[i], dir);
        strcat(own_paths[i], "/");
        strcat(own_paths[i], own_names[i]);
    }
    memset(long_path, 'a', sizeof(long_path) - 1);
    for (unsigned i = 0; i < sizeof(long_path) - 1; i += 100)
        long_path[i] = '/';
    g->shm_fd = shm_fd;
    g->tmp_fd = open(own_paths[0], O_RDWR | O_CREAT, 0600);
    g->null_fd = open("/dev/null", O_RDWR);
    g->zero_fd = open("/dev/zero", O_RDONLY);
    if (pipe2(p, O_NONBLOCK) < 0)
        return -1;
    g->pipe_fd[0] = p[0];
    g->pipe_fd[1] = p[1];
    return g->tmp_fd < 0 || g->null_fd < 0 || g->zero_fd < 0 ? -1 : 0;
}
