/* t_fpu.c - SSE register state belongs to the thread: a signal handler that
 * clobbers it does not change the interrupted code's registers, and two
 * processes computing with SSE at once (preempted by the timer) each keep
 * their own values. */
#include "check.h"

#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void clobber_xmm(int sig)
{
    uint64_t junk = 0xdeadbeefcafef00dULL;

    (void)sig;
    __asm__ volatile("movq %0, %%xmm9\n\tmovq %0, %%xmm0\n\tmovq %0, %%xmm15" : : "r"(junk)
                     : "xmm0", "xmm9", "xmm15");
}

/* Put val in xmm9, send ourselves SIGUSR1 with a raw kill, read xmm9 back. */
static uint64_t xmm_across_signal(uint64_t val)
{
    uint64_t out;
    long nr = SYS_kill;

    __asm__ volatile("movq %[in], %%xmm9\n\t"
                     "syscall\n\t"
                     "movq %%xmm9, %[out]"
                     : [out] "=r"(out), "+a"(nr)
                     : [in] "r"(val), "D"((long)getpid()), "S"((long)SIGUSR1)
                     : "rcx", "r11", "xmm9", "memory");
    return out;
}

/* Spin for about ms milliseconds with a value in xmm10; returns 0 when it
 * never changed, else 1. */
static int spin_with_xmm(uint64_t val, int ms)
{
    struct timespec start, now;
    uint64_t seen;

    clock_gettime(CLOCK_MONOTONIC, &start);
    __asm__ volatile("movq %0, %%xmm10" : : "r"(val) : "xmm10");
    do {
        for (int i = 0; i < 100000; i++) {
            __asm__ volatile("movq %%xmm10, %0" : "=r"(seen));
            if (seen != val)
                return 1;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 < ms);
    return 0;
}

int main(void)
{
    uint64_t want = 0x0123456789abcdefULL, got;
    int status[2];
    pid_t pid[2];

    signal(SIGUSR1, clobber_xmm);
    got = xmm_across_signal(want);
    check(got == want, "xmm9 survives a signal handler that clobbers it", "got %016llx",
          (unsigned long long)got);
    /* Floating point arithmetic in the interrupted code still agrees. */
    volatile double a = 1.0;
    for (int i = 0; i < 50; i++) {
        a = a * 1.5 + 0.25;
        if (i == 25)
            raise(SIGUSR1);
    }
    double b = 1.0;
    for (int i = 0; i < 50; i++)
        b = b * 1.5 + 0.25;
    check(a == b, "double arithmetic across a signal", "%g vs %g", (double)a, b);

    for (int i = 0; i < 2; i++) {
        pid[i] = fork();
        if (pid[i] == 0)
            _exit(spin_with_xmm(0x1111111111111111ULL * (uint64_t)(i + 3), 400));
    }
    int bad = spin_with_xmm(0x2222222222222222ULL, 400);
    waitpid(pid[0], &status[0], 0);
    waitpid(pid[1], &status[1], 0);
    check(!bad && WIFEXITED(status[0]) && WEXITSTATUS(status[0]) == 0 &&
              WIFEXITED(status[1]) && WEXITSTATUS(status[1]) == 0,
          "three processes keep their own xmm10 across preemption",
          "parent %d child0 0x%x child1 0x%x", bad, status[0], status[1]);
    return check_done();
}
