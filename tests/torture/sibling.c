/* sibling.c - the process that pulls shared memory out from under the
 * workers.
 *
 * It maps the same memfd the workers map at POOL_SHM and, until killed,
 * shrinks and regrows the file, punches holes in it, drops and reprotects
 * its own view and writes to it. A worker passing a pointer into its view
 * to a system call then meets pages that vanish mid-call (the kernel must
 * answer EFAULT or a short count, and the fault paths must not leak).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "torture.h"

static sigjmp_buf sibling_jump;

static void sibling_fault(int sig)
{
    siglongjmp(sibling_jump, sig);
}

static void sibling_touch(struct rng *r)
{
    volatile uint8_t *view = (volatile uint8_t *)POOL_SHM;
    if (sigsetjmp(sibling_jump, 1))
        return; /* the page went away or lost its write permission: expected */
    for (int i = 0; i < 16; i++)
        view[rng_below(r, POOL_SHM_LEN)] = (uint8_t)i;
}

static void sibling_step(struct rng *r, int fd)
{
    uint64_t off = rng_below(r, POOL_SHM_LEN / 4096) * 4096;
    uint64_t len = 4096 * (1 + rng_below(r, 256));
    if (off + len > POOL_SHM_LEN)
        len = POOL_SHM_LEN - off;
    switch (rng_below(r, 8)) {
    case 0: ftruncate(fd, (off_t)off); break;
    case 1: case 2: ftruncate(fd, SHM_FILE_LEN); break;
    case 3: fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len); break;
    case 4: madvise((void *)(POOL_SHM + off), len, rng_one_in(r, 2) ? MADV_REMOVE : MADV_DONTNEED); break;
    case 5: mprotect((void *)(POOL_SHM + off), len, (int)rng_below(r, 4)); break;
    case 6:
        munmap((void *)(POOL_SHM + off), len);
        mmap((void *)(POOL_SHM + off), len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
             (off_t)off);
        break;
    default: sibling_touch(r); break;
    }
}

void sibling_run(const struct torture_opts *o, int fd)
{
    struct sigaction sa = {.sa_handler = sibling_fault};
    struct rng r = {o->seed ^ 0x51b11ac0ffeeull};
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    if (torture_drop_privileges(o) ||
        mmap((void *)POOL_SHM, POOL_SHM_LEN, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
             0) != (void *)POOL_SHM)
        _exit(1);
    for (;;) {
        /* A pause after each step leaves most of the CPU to the worker. */
        struct timespec pause = {0, 500000};
        sibling_step(&r, fd);
        nanosleep(&pause, NULL);
    }
}
