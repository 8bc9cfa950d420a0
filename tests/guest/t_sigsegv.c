/* t_sigsegv.c - faults the kernel refuses become SIGSEGV or SIGBUS with
 * si_addr and si_code exactly as Linux reports them; a handler can recover
 * with siglongjmp, and an unhandled fault kills with that signal. Also the
 * other synchronous faults (SIGILL from ud2, SIGFPE from a division by
 * zero, with the instruction's address) and a stack overflow caught on an
 * alternate stack. */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <ucontext.h>
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

/* Instructions that fault, at known addresses. */
__asm__(".text\n"
        ".globl guest_ud2\n"
        "guest_ud2: ud2\n"
        "  ret\n"
        ".globl guest_div0\n"
        "guest_div0: xor %ecx, %ecx\n"
        "  mov $1, %eax\n"
        "  cltd\n"
        ".globl guest_div0_insn\n"
        "guest_div0_insn: idiv %ecx\n"
        "  ret\n");
void guest_ud2(void);
void guest_div0(void);
extern char guest_div0_insn[];

static void test_other_faults(void)
{
    install(SIGILL);
    install(SIGFPE);
    got_sig = 0;
    if (sigsetjmp(recover, 1) == 0)
        guest_ud2();
    check(got_sig == SIGILL && got_code == ILL_ILLOPN && got_addr == (void *)guest_ud2,
          "ud2: SIGILL ILL_ILLOPN at the instruction", "sig %d code %d addr %p (want %p)", got_sig,
          got_code, got_addr, (void *)guest_ud2);
    got_sig = 0;
    if (sigsetjmp(recover, 1) == 0)
        guest_div0();
    check(got_sig == SIGFPE && got_code == FPE_INTDIV && got_addr == (void *)guest_div0_insn,
          "idiv by zero: SIGFPE FPE_INTDIV at the instruction", "sig %d code %d addr %p (want %p)",
          got_sig, got_code, got_addr, (void *)guest_div0_insn);
}

static volatile unsigned long frame_rip;

/* Step over the 2-byte ud2 through the saved context and block SIGUSR2 in
 * the saved mask: rt_sigreturn must restore both. */
static void on_ill_skip(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;

    (void)sig;
    (void)si;
    frame_rip = (unsigned long)uc->uc_mcontext.gregs[REG_RIP];
    uc->uc_mcontext.gregs[REG_RIP] += 2;
    sigaddset(&uc->uc_sigmask, SIGUSR2);
}

static void test_signal_frame(void)
{
    struct sigaction sa;
    sigset_t set, now;

    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_ill_skip;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGILL, &sa, NULL);
    guest_ud2(); /* returns only if rt_sigreturn used the edited RIP; else a
                  * SIGILL loop that the runner's timeout reports */
    check(frame_rip == (unsigned long)guest_ud2, "signal frame: saved RIP is the faulting instruction",
          "rip %lx want %p", frame_rip, (void *)guest_ud2);
    sigprocmask(SIG_BLOCK, NULL, &now);
    check(sigismember(&now, SIGUSR2) == 1, "rt_sigreturn restores uc_sigmask as edited",
          "SIGUSR2 blocked %d", sigismember(&now, SIGUSR2));
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    install(SIGILL);
}

static void on_overflow(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    /* Running at all proves the alternate stack: the normal one is full. */
    _exit(sig == SIGSEGV && si->si_code == SEGV_MAPERR ? 0 : 2);
}

static int overflow(int n)
{
    volatile char frame[1024];

    frame[0] = (char)n;
    if (n > (1 << 30)) /* never: the stack limit ends it long before */
        return frame[0];
    return overflow(n + 1) + frame[0];
}

/* With a 1 MiB stack limit, unbounded recursion overflows; the SIGSEGV
 * handler runs on its alternate stack and exits 0. */
static int overflow_child(void *arg)
{
    static char alt[64 * 1024];
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof(alt)};
    struct rlimit rl = {1 << 20, 1 << 20};
    struct sigaction sa;

    (void)arg;
    setrlimit(RLIMIT_STACK, &rl);
    sigaltstack(&ss, NULL);
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_overflow;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    return overflow(0) == 0 ? 3 : 4;
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
    test_other_faults();
    test_signal_frame();
    status = check_run_child(overflow_child, NULL);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "stack overflow: SIGSEGV handled on the alternate stack", "child %s",
          check_status_text(status, st, sizeof(st)));
    signal(SIGSEGV, SIG_DFL);
    status = check_run_child(crash_child, (void *)16);
    check(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "unhandled fault kills with SIGSEGV",
          "child %s", check_status_text(status, st, sizeof(st)));
    return check_done();
}
