/* t_time.c - clocks and sleeps: CLOCK_MONOTONIC never goes back and agrees
 * with nanosleep and clock_nanosleep, CLOCK_REALTIME agrees with
 * gettimeofday and time, clock_getres, bad clocks; plus uname, getrandom,
 * sched_yield and the identity calls. */
#include "check.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static long long ns_of(const struct timespec *ts)
{
    return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static long long mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ns_of(&ts);
}

static void test_monotonic(void)
{
    struct timespec a, b, res;
    int backwards = 0, bad_nsec = 0;

    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < 100000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &b);
        if (b.tv_nsec < 0 || b.tv_nsec >= 1000000000L)
            bad_nsec++;
        if (ns_of(&b) < ns_of(&a))
            backwards++;
        a = b;
    }
    check(!backwards && !bad_nsec, "CLOCK_MONOTONIC never goes back", "%d backwards, %d bad nsec",
          backwards, bad_nsec);
    check(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0 &&
              res.tv_nsec <= 10000000,
          "clock_getres(CLOCK_MONOTONIC) is fine-grained", "res %ld ns", res.tv_nsec);
    errno = 0;
    check(clock_gettime((clockid_t)12345, &a) == -1 && errno == EINVAL, "unknown clock: EINVAL",
          "errno %d", errno);
}

static void test_sleeps(void)
{
    struct timespec req = {0, 100 * 1000000L}, deadline;
    long long t0 = mono_ns(), slept;

    check(nanosleep(&req, NULL) == 0, "nanosleep returns 0", "errno %d", errno);
    slept = mono_ns() - t0;
    check(slept >= 100000000LL && slept < 2000000000LL, "nanosleep 100 ms sleeps 100 ms",
          "slept %lld ns", slept);
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_nsec += 50 * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    int r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL);
    long long late = mono_ns() - ns_of(&deadline);
    check(r == 0 && late >= 0 && late < 1000000000LL, "clock_nanosleep TIMER_ABSTIME",
          "r %d late %lld ns", r, late);
    req.tv_nsec = 1000000000L;
    errno = 0;
    check(nanosleep(&req, NULL) == -1 && errno == EINVAL, "nanosleep with tv_nsec 1e9: EINVAL",
          "errno %d", errno);
}

static void test_realtime(void)
{
    struct timespec ts;
    struct timeval tv;
    time_t t;

    clock_gettime(CLOCK_REALTIME, &ts);
    gettimeofday(&tv, NULL);
    t = time(NULL);
    check(ts.tv_sec > 1600000000L, "CLOCK_REALTIME is after 2020", "%lld", (long long)ts.tv_sec);
    check(tv.tv_sec - ts.tv_sec <= 1 && tv.tv_sec >= ts.tv_sec && tv.tv_usec < 1000000,
          "gettimeofday agrees with CLOCK_REALTIME", "%lld vs %lld", (long long)tv.tv_sec,
          (long long)ts.tv_sec);
    check(t - ts.tv_sec <= 1 && t >= ts.tv_sec, "time() agrees", "%lld", (long long)t);
}

static void test_misc(void)
{
    struct utsname u;
    unsigned char a[32], b[32];

    check(uname(&u) == 0 && strcmp(u.sysname, "Linux") == 0 && strcmp(u.machine, "x86_64") == 0 &&
              u.release[0] >= '3' && u.release[0] <= '9',
          "uname: Linux x86_64 with a release", "%s %s %s", u.sysname, u.machine, u.release);
    memset(a, 0, sizeof(a));
    memset(b, 0, sizeof(b));
    check(getrandom(a, sizeof(a), 0) == sizeof(a) && getrandom(b, sizeof(b), 0) == sizeof(b) &&
              memcmp(a, b, sizeof(a)) != 0,
          "getrandom gives different bytes each call", "errno %d", errno);
    check(sched_yield() == 0, "sched_yield", "errno %d", errno);
    check(getpid() == (pid_t)syscall(SYS_gettid), "single-threaded: gettid == getpid", "%d %ld",
          (int)getpid(), syscall(SYS_gettid));
    check(getuid() == geteuid() && getgid() == getegid(), "uid/gid calls agree", "%d %d",
          (int)getuid(), (int)geteuid());
}

int main(void)
{
    test_monotonic();
    test_sleeps();
    test_realtime();
    test_misc();
    return check_done();
}
