/* worker.c - one batch of random calls, in a process forked for it.
 *
 * The worker leaves the console's session, drops to uid/gid 65534 when it
 * was started as root, caps its address space at 64 MiB (so populating
 * calls cannot take the machine's memory, and the fortress profile's check
 * after every populated page stays affordable), lays out its pools and makes
 * calls [from, to). Before each call it writes the call into the record the
 * parent shares, so that whatever happens the parent (and, through the
 * kernel's panic screen, the console) can name it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "torture.h"

#define WORKER_AS_LIMIT (64ul << 20)
#define VERBOSE_FD 1000
#define EXIT_SETUP 98
#define EXIT_CANARY 99

int torture_drop_privileges(const struct torture_opts *o)
{
    if (!o->drop_privileges || getuid() != 0)
        return 0;
    if (setgroups(0, NULL) && errno != ENOSYS)
        return -1;
    return setgid(65534) || setuid(65534) ? -1 : 0;
}

/* Descriptors 0-2 on /dev/null: a random read must not wait on the console. */
static int worker_stdio(bool verbose)
{
    int fd = open("/dev/null", O_RDWR);
    if (fd < 0)
        return -1;
    if (verbose && dup2(1, VERBOSE_FD) < 0)
        return -1;
    for (int i = 0; i < 3; i++)
        if (dup2(fd, i) < 0)
            return -1;
    if (fd > 2)
        close(fd);
    return 0;
}

static void worker_signal(int sig) { (void)sig; }
extern void torture_restorer(void);

/* A handler for every signal a kill can be sent: most random kills of the
 * worker's own group then exercise delivery instead of ending the batch.
 * Synchronous faults keep their default action (a handler would return to
 * the fault forever). */
static void worker_signals(void)
{
    /* The raw call: the C library refuses the signals it keeps for itself. */
    uint64_t act[4] = {(uint64_t)worker_signal, SA_RESTART | 0x04000000 /* SA_RESTORER */,
                       (uint64_t)torture_restorer, 0};
    for (int sig = 1; sig < 65; sig++)
        if (sig != SIGSEGV && sig != SIGBUS && sig != SIGILL && sig != SIGFPE &&
            sig != SIGKILL && sig != SIGSTOP)
            syscall(SYS_rt_sigaction, sig, act, 0, 8);
}

static void worker_setup(const struct torture_opts *o, struct torture_record *rec, int shm_fd,
                         struct gen *g)
{
    struct rlimit as = {WORKER_AS_LIMIT, WORKER_AS_LIMIT};
    setsid();
    if (worker_stdio(o->verbose) || torture_drop_privileges(o) ||
        setrlimit(RLIMIT_AS, &as) || chdir(o->dir) || layout_create(shm_fd) ||
        gen_setup(g, shm_fd, o->dir))
        _exit(EXIT_SETUP);
    layout_protect((uint64_t)rec & ~4095ul, 4096);
    worker_signals();
}

void worker_run(const struct torture_opts *o, uint64_t from, uint64_t to,
                struct torture_record *rec, int shm_fd)
{
    struct gen g;
    uint64_t a[6];

    worker_setup(o, rec, shm_fd, &g);
    for (uint64_t i = from; i < to; i++) {
        g.r = rng_for_call(o->seed, i);
        const struct call_def *c = call_pick(&g);
        call_args(&g, c, a);
        rec->nr = c->nr;
        for (int k = 0; k < 6; k++)
            rec->args[k] = a[k];
        rec->index = i;
        if (o->verbose)
            dprintf(VERBOSE_FD, "torture: call %lu: %s(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n",
                    (unsigned long)i, c->name, a[0], a[1], a[2], a[3], a[4], a[5]);
        if (c->run)
            c->run(&g, a);
        else
            syscall(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        /* Back in the run's directory after a chdir or fchdir (to /tmp, "..",
         * a descriptor of either): a relative path out of random memory
         * would otherwise create names that the batch clean-up never sees. */
        if ((c->nr == SYS_chdir || c->nr == SYS_fchdir) && chdir(o->dir))
            _exit(EXIT_SETUP);
        if (c->mem)
            rec->mem_calls++;
        rec->runaway = torture_runaway_children;
        rec->done = i + 1;
        if (!layout_canary_ok())
            _exit(EXIT_CANARY);
    }
    _exit(0);
}
