/* t_task_state.c - per-process state: the FS base (arch_prctl), the
 * set_tid_address return value, rlimits (getrlimit/prlimit64 and
 * RLIMIT_NOFILE's EMFILE), umask, and that they are inherited by fork. */
#define _GNU_SOURCE
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* From Linux's asm/prctl.h (musl ships no kernel headers). */
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

static __thread int tls_value = 42;

static void test_fs_base(void)
{
    unsigned long base = 0;
    uintptr_t self;

    check(syscall(SYS_arch_prctl, ARCH_GET_FS, &base) == 0 && base != 0, "ARCH_GET_FS",
          "base %lx errno %d", base, errno);
    /* On x86-64 the thread pointer is the FS base, and %fs:0 holds it. */
    __asm__("mov %%fs:0, %0" : "=r"(self));
    check(self == base, "FS base is the thread pointer (%fs:0)", "%%fs:0 %lx base %lx",
          (unsigned long)self, base);
    check(tls_value == 42, "TLS variable readable", "%d", tls_value);
    check(syscall(SYS_arch_prctl, ARCH_SET_FS, base) == 0 && tls_value == 42,
          "ARCH_SET_FS to the same base", "errno %d", errno);
    errno = 0;
    check(syscall(SYS_arch_prctl, 0x9999, 0) == -1 && errno == EINVAL,
          "arch_prctl unknown code: EINVAL", "errno %d", errno);
    pid_t pid = fork();
    if (pid == 0)
        _exit(tls_value == 42 ? 0 : 1);
    int status;
    waitpid(pid, &status, 0);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child inherits the FS base",
          "status 0x%x", status);
}

static void test_tid_address(void)
{
    static int word;
    long tid = syscall(SYS_set_tid_address, &word);

    check(tid == getpid(), "set_tid_address returns the tid", "%ld vs %d", tid, (int)getpid());
}

static void test_rlimits(void)
{
    struct rlimit rl, old = {0, 0};

    check(getrlimit(RLIMIT_NOFILE, &old) == 0 && old.rlim_cur >= 64 && old.rlim_cur <= old.rlim_max,
          "RLIMIT_NOFILE sane", "cur %lu max %lu", (unsigned long)old.rlim_cur,
          (unsigned long)old.rlim_max);
    rl = old;
    rl.rlim_cur = 8;
    check(setrlimit(RLIMIT_NOFILE, &rl) == 0, "lower RLIMIT_NOFILE to 8", "errno %d", errno);
    int fd;
    while ((fd = open("/dev/null", O_RDONLY)) >= 0 && fd < 100)
        ;
    check(fd == -1 && errno == EMFILE, "open past RLIMIT_NOFILE: EMFILE", "fd %d errno %d", fd,
          errno);
    for (int i = 3; i < 8; i++)
        close(i);
    struct rlimit got;
    check(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &got) == 0 && got.rlim_cur == 8,
          "prlimit64 reads the new limit", "cur %lu", (unsigned long)got.rlim_cur);
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit c;
        getrlimit(RLIMIT_NOFILE, &c);
        _exit(c.rlim_cur == 8 ? 0 : 1);
    }
    int status;
    waitpid(pid, &status, 0);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "rlimits inherited by fork", "0x%x",
          status);
    rl.rlim_cur = rl.rlim_max + 1;
    errno = 0;
    if (rl.rlim_max != RLIM_INFINITY)
        check(setrlimit(RLIMIT_NOFILE, &rl) == -1 && errno == EINVAL, "soft above hard: EINVAL",
              "errno %d", errno);
    setrlimit(RLIMIT_NOFILE, &old);
}

static void test_umask(void)
{
    char path[64];
    struct stat st;
    mode_t before = umask(027);

    check(umask(027) == 027, "umask returns the previous mask", "%o", before);
    snprintf(path, sizeof(path), "/tmp/umask.%d", (int)getpid());
    int fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0666);
    check(fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0640,
          "umask applies to open(O_CREAT)", "mode %o", st.st_mode & 0777);
    if (fd >= 0)
        close(fd);
    unlink(path);
    umask(before);
}

int main(void)
{
    test_fs_base();
    test_tid_address();
    test_rlimits();
    test_umask();
    return check_done();
}
