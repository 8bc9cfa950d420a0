/* contract.h - shared helpers for contract tests (static, musl-gcc).
 *
 * A contract test prints observations, one per line, and ends with
 * CONTRACT_PASS or CONTRACT_FAIL. Everything printed must be the same on any
 * Linux: addresses are printed relative to a base the test chose, errors as
 * errno names, never pids or times.
 */
#ifndef CONTRACT_H
#define CONTRACT_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PG 4096UL

static int contract_failed;

/* Print one observation line; stdout is unbuffered so a crash loses nothing. */
#define SAY(...) do { printf(__VA_ARGS__); putchar('\n'); } while (0)

/* Record an expectation: prints "ok NAME" or "bad NAME" and marks a failure. */
#define EXPECT(cond, name) do { \
        if (cond) SAY("ok %s", name); \
        else { SAY("bad %s", name); contract_failed = 1; } } while (0)

/* The errno's name, so output does not depend on libc message text. */
static inline const char *errname(int e)
{
    switch (e) {
    case 0: return "0";
    case EINVAL: return "EINVAL";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EBADF: return "EBADF";
    case EEXIST: return "EEXIST";
    case EFAULT: return "EFAULT";
    case EPERM: return "EPERM";
    case ENODEV: return "ENODEV";
    case EAGAIN: return "EAGAIN";
    case ENOENT: return "ENOENT";
    case ECHILD: return "ECHILD";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case ELOOP: return "ELOOP";
    case ENXIO: return "ENXIO";
    case ENOTTY: return "ENOTTY";
    case EPIPE: return "EPIPE";
    case ESPIPE: return "ESPIPE";
    case EOVERFLOW: return "EOVERFLOW";
    case ENOSYS: return "ENOSYS";
    case EMFILE: return "EMFILE";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EIO: return "EIO";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    default: return "E?";
    }
}

static inline void contract_start(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
}

/* Print the final verdict and return the exit status. */
static inline int contract_end(void)
{
    SAY(contract_failed ? "CONTRACT_FAIL" : "CONTRACT_PASS");
    return contract_failed;
}

/* Fault probing: probe_read/probe_write touch one byte and return 0, or the
 * signal number that stopped them; the last fault's si_addr and si_code are
 * kept in probe_addr / probe_code. */
static sigjmp_buf probe_jmp;
static volatile uintptr_t probe_addr;
static volatile int probe_code;

static void probe_handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    probe_addr = (uintptr_t)si->si_addr;
    probe_code = si->si_code;
    siglongjmp(probe_jmp, sig);
}

static inline void probe_install(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = probe_handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

static inline int probe_read(volatile char *p)
{
    int sig = sigsetjmp(probe_jmp, 1);

    if (sig)
        return sig;
    (void)*p;
    return 0;
}

static inline int probe_write(volatile char *p, char v)
{
    int sig = sigsetjmp(probe_jmp, 1);

    if (sig)
        return sig;
    *p = v;
    return 0;
}

static inline const char *signame(int sig)
{
    return sig == 0 ? "none" : sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : "SIG?";
}

/* si_code values overlap between signals, so the name depends on the signal. */
static inline const char *codename(int sig, int code)
{
    if (sig == SIGBUS)
        return code == BUS_ADRALN ? "BUS_ADRALN" : code == BUS_ADRERR ? "BUS_ADRERR"
             : code == BUS_OBJERR ? "BUS_OBJERR" : "BUS_?";
    return code == SEGV_MAPERR ? "SEGV_MAPERR" : code == SEGV_ACCERR ? "SEGV_ACCERR"
         : code == SI_KERNEL ? "SI_KERNEL" : "SEGV_?";
}

/* Print a probe's result relative to base: signal, code and page offset. */
static inline void probe_say(const char *what, int sig, void *base)
{
    if (sig)
        SAY("%s: %s %s at base+%#lx", what, signame(sig), codename(sig, probe_code),
            (unsigned long)(probe_addr - (uintptr_t)base));
    else
        SAY("%s: none", what);
}

/* A free address range of len bytes to place mappings at (reserved then
 * released), so tests can use fixed addresses without guessing. */
static inline char *free_range(size_t len)
{
    void *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        return NULL;
    munmap(p, len);
    return p;
}

/* The running program's absolute path (for tests that execve themselves):
 * /proc/self/exe, else argv0 as given. Returns buf. */
static inline char *self_path(char *buf, size_t size, const char *argv0)
{
    ssize_t n = readlink("/proc/self/exe", buf, size - 1);

    if (n > 0)
        buf[n] = 0;
    else
        snprintf(buf, size, "%s", argv0);
    return buf;
}

/* Install an SA_SIGINFO handler for sig with extra flags and an empty sa_mask. */
static inline void on_siginfo(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(sig, &sa, NULL);
}

/* Read a whole small file (a /proc file) into buf, NUL-terminated; returns
 * its length or -errno when it cannot be opened. */
static inline long slurp(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    long n = 0, r;

    if (fd < 0)
        return -errno;
    while (n < (long)size - 1 && (r = read(fd, buf + n, size - 1 - n)) > 0)
        n += r;
    close(fd);
    buf[n] = 0;
    return n;
}

/* The number after "key" in a /proc status-style file (kB for sizes), or -1. */
static inline long proc_field(const char *path, const char *key)
{
    static char buf[16384];
    size_t klen = strlen(key);

    if (slurp(path, buf, sizeof(buf)) < 0)
        return -1;
    for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (!strncmp(l, key, klen) && l[klen] == ':') {
            long v = 0;
            for (char *c = l + klen + 1; *c && *c != '\n'; c++)
                if (*c >= '0' && *c <= '9')
                    v = v * 10 + (*c - '0');
            return v;
        }
    return -1;
}

#endif
