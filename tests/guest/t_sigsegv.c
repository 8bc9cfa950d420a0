/* t_sigsegv.c - faults the kernel refuses become SIGSEGV or SIGBUS with
 * si_addr and si_code exactly as Linux reports them; a handler can recover
 * with siglongjmp, and an unhandled fault kills with that signal. */
#include "check.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static sigjmp_buf recover;
static volatile int got_sig, got_code;
static void *volatile got_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got_sig = si->si_signo == sig ? sig : -si->si_signo;
    got_code = si->si_code;
    got_addr = si->si_addr;
    siglongjmp(recover, 1);
}

enum access_kind { READ, WRITE };

/* Touch addr; returns 1 when a fault was caught (got_* filled), else 0. */
static int touch(volatile char *addr, enum access_kind kind)
{
    got_sig = 0;
    got_code = 0;
    got_addr = NULL;
    if (sigsetjmp(recover, 1))
        return 1;
    if (kind == WRITE)
        *addr = 1;
    else
        (void)*addr;
    return 0;
}

static void expect_fault(const char *name, volatile char *addr, enum access_kind kind,
                         int sig, int code)
{
    int faulted = touch(addr, kind);

    check(faulted && got_sig == sig && got_code == code && got_addr == (void *)addr, name,
          "faulted %d sig %d code %d addr %p (want sig %d code %d addr %p)", faulted,
          got_sig, got_code, got_addr, sig, code, (void *)addr);
}

static void install(int sig)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigaction(sig, &sa, NULL);
}

static void test_anonymous(void)
{
    char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        check_fail_errno("mmap", "mmap");
        return;
    }
    munmap(p + 4096, 4096); /* a hole between two mapped pages */
    mprotect(p + 8192, 4096, PROT_READ);
    expect_fault("write to unmapped page: SEGV_MAPERR", p + 4096 + 123, WRITE, SIGSEGV, SEGV_MAPERR);
    expect_fault("read of unmapped page: SEGV_MAPERR", p + 4096 + 4095, READ, SIGSEGV, SEGV_MAPERR);
    expect_fault("write to read-only page: SEGV_ACCERR", p + 8192 + 17, WRITE, SIGSEGV, SEGV_ACCERR);
    check(!touch(p + 8192, READ), "read of read-only page works", "faulted sig %d", got_sig);
    mprotect(p, 4096, PROT_NONE);
    expect_fault("read of PROT_NONE page: SEGV_ACCERR", p + 5, READ, SIGSEGV, SEGV_ACCERR);
    expect_fault("NULL write: SEGV_MAPERR at 0", (volatile char *)0, WRITE, SIGSEGV, SEGV_MAPERR);
    expect_fault("kernel address: si_addr reported", (volatile char *)0xffff800000001000UL, READ,
                 SIGSEGV, SEGV_MAPERR);
    munmap(p, 3 * 4096);
}

/* A file mapping past the end of the file raises SIGBUS BUS_ADRERR. */
static void test_sigbus(void)
{
    char path[64];
    int fd;
    char *p;

    snprintf(path, sizeof(path), "/tmp/sigbus.%d", (int)getpid());
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        check_fail_errno("SIGBUS past end of file", "open /tmp file");
        return;
    }
    unlink(path);
    if (write(fd, "x", 1) != 1) {
        check_fail_errno("SIGBUS past end of file", "write");
        close(fd);
        return;
    }
    p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        check_fail_errno("SIGBUS past end of file", "mmap");
        close(fd);
        return;
    }
    check(!touch(p + 100, READ), "read inside the file's last page works", "sig %d", got_sig);
    expect_fault("SIGBUS past end of file: BUS_ADRERR", p + 4096 + 8, READ, SIGBUS, BUS_ADRERR);
    munmap(p, 2 * 4096);
    close(fd);
}

static int crash_child(void *arg)
{
    volatile int *volatile bad = (volatile int *)(uintptr_t)arg;

    *bad = 0;
    return 0;
}

int main(void)
{
    char st[32];
    int status;

    install(SIGSEGV);
    install(SIGBUS);
    test_anonymous();
    test_sigbus();
    signal(SIGSEGV, SIG_DFL);
    status = check_run_child(crash_child, (void *)16);
    check(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "unhandled fault kills with SIGSEGV",
          "child %s", check_status_text(status, st, sizeof(st)));
    return check_done();
}
