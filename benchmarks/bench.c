/*
 * bench - the benchmark binary: one static program that runs unchanged on any
 * x86-64 kernel speaking the Linux ABI, so ours and Linux can be compared on
 * exactly the same work.
 *
 *     bench [--full|--quick] [NAME...]
 *
 * Each benchmark prints one line:
 *
 *     BENCH <name> <iterations> <total_ns> <ns_per_iteration>
 *
 * or `BENCH_SKIP <name> <reason>` when the kernel lacks a system call it
 * needs (ENOSYS), or `BENCH_FAIL <name> <reason>` when a call fails in any
 * other way; neither ever comes with a number. The run ends with
 * `BENCH_DONE <ran> <skipped> <failed>` so a harness can tell a finished
 * run from a crashed one.
 *
 * Quick mode is the default only when bench runs as PID 1 (booted with
 * rdinit=/bin/bench) and was not given --full; the harness always passes the
 * mode explicitly and compares iteration counts. As PID 1 it powers the
 * machine off at the end so QEMU exits.
 *
 * Before the benchmarks it prints `BENCH_ENV thp <policy>`: the transparent
 * huge page policy in force (the bracketed word of
 * /sys/kernel/mm/transparent_hugepage/enabled, "unknown" without it), so a
 * harness can refuse to compare a kernel that quietly turned THP off (Linux
 * does below 512 MiB of RAM, whatever its command line says).
 *
 * Times come from clock_gettime(CLOCK_MONOTONIC). Only the measured loop is
 * timed: setup (files, mappings, children) happens before the clock starts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define MIB (1024UL * 1024UL)
#define HUGE_PAGE (2 * MIB)

/* Files the benchmarks work on; /tmp is writable both natively and in the
 * initramfs (where nothing is mounted yet when bench is PID 1). */
#define TMP_FILE "/tmp/bench.file"
#define TMP_LINK "/tmp/bench.link"
#define TMP_DIR "/tmp/bench.dir"
#define TMP_OPEN "/tmp/bench.open"

/* One benchmark's run: iterations asked for, time measured, and on failure
 * the call that failed. */
struct run {
	long iters;
	uint64_t ns;
	const char *failed_call;
};

struct bench {
	const char *name;
	long full, quick;
	int (*fn)(struct run *r);
};

static uint64_t clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Record that `call` failed with the current errno; returns -errno for the
 * benchmark to return. */
static int fail(struct run *r, const char *call)
{
	int e = errno ? errno : EIO;

	r->failed_call = call;
	return -e;
}

/* ---- helpers shared by several benchmarks ---- */

static int file_prepare(const char *path, size_t size)
{
	char buf[PAGE];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	memset(buf, 'b', sizeof(buf));
	for (size_t done = 0; done < size; done += sizeof(buf)) {
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* Write a distinct byte to every page of [p, p+len) and read each back;
 * returns 0, or -1 if a page does not hold what was written. */
static int pages_write_verify(volatile unsigned char *p, size_t len, unsigned char salt)
{
	for (size_t off = 0; off < len; off += PAGE)
		p[off] = (unsigned char)(off / PAGE + salt);
	for (size_t off = 0; off < len; off += PAGE)
		if (p[off] != (unsigned char)(off / PAGE + salt))
			return -1;
	return 0;
}

/* Map len bytes of private anonymous read-write memory; MAP_FAILED on failure. */
static void *map_anon(size_t len)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

/* Map len bytes of anonymous memory aligned to `align` (a power of two) by
 * over-mapping and trimming; returns MAP_FAILED on failure. */
static void *mmap_aligned(size_t len, size_t align)
{
	size_t span = len + align;
	unsigned char *raw = map_anon(span);
	uintptr_t start;

	if (raw == MAP_FAILED)
		return MAP_FAILED;
	start = ((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1);
	if (start > (uintptr_t)raw)
		munmap(raw, start - (uintptr_t)raw);
	if ((uintptr_t)raw + span > start + len)
		munmap((void *)(start + len), (uintptr_t)raw + span - (start + len));
	return (void *)start;
}

/* ---- plain system calls ---- */

/* Time calls of a system call without arguments; one call before the clock
 * finds out whether the kernel has it at all. */
static int bench_syscall0(struct run *r, long nr, const char *call)
{
	if (syscall(nr) < 0)
		return fail(r, call);
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++)
		(void)syscall(nr);
	r->ns = clock_ns() - t0;
	return 0;
}

static int bench_getpid(struct run *r)
{
	return bench_syscall0(r, SYS_getpid, "getpid");
}

static int bench_gettid(struct run *r)
{
	return bench_syscall0(r, SYS_gettid, "gettid");
}

static int bench_getuid(struct run *r)
{
	return bench_syscall0(r, SYS_getuid, "getuid");
}

static int bench_getpriority(struct run *r)
{
	errno = 0;
	if (getpriority(PRIO_PROCESS, 0) == -1 && errno)
		return fail(r, "getpriority");
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++)
		(void)getpriority(PRIO_PROCESS, 0);
	r->ns = clock_ns() - t0;
	return 0;
}

/* Through libc, as programs call it: on Linux that is the vDSO, no syscall. */
static int bench_clock_gettime(struct run *r)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return fail(r, "clock_gettime");
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	r->ns = clock_ns() - t0;
	return 0;
}

static int bench_uname(struct run *r)
{
	struct utsname u;
	uint64_t t0 = clock_ns();

	for (long i = 0; i < r->iters; i++)
		if (uname(&u) < 0)
			return fail(r, "uname");
	r->ns = clock_ns() - t0;
	return 0;
}

static int bench_sched_yield(struct run *r)
{
	uint64_t t0 = clock_ns();

	for (long i = 0; i < r->iters; i++)
		if (sched_yield() < 0)
			return fail(r, "sched_yield");
	r->ns = clock_ns() - t0;
	return 0;
}

static int bench_getcwd(struct run *r)
{
	char buf[256];
	uint64_t t0 = clock_ns();

	for (long i = 0; i < r->iters; i++)
		if (!getcwd(buf, sizeof(buf)))
			return fail(r, "getcwd");
	r->ns = clock_ns() - t0;
	return 0;
}

/* ---- file descriptors ---- */

/* Run `iters` rounds of fn(fd) against /dev/null opened with `flags`. */
static int bench_on_fd(struct run *r, const char *path, int flags,
		       int (*fn)(int fd), const char *call)
{
	int fd = open(path, flags);
	int err = 0;

	if (fd < 0)
		return fail(r, "open");
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++)
		if (fn(fd) < 0) {
			err = fail(r, call);
			break;
		}
	r->ns = clock_ns() - t0;
	close(fd);
	return err;
}

static int op_read1(int fd)
{
	char c;

	return (int)read(fd, &c, 1);
}

static int op_write1(int fd)
{
	char c = 'x';

	return write(fd, &c, 1) == 1 ? 0 : -1;
}

static int op_read4k(int fd)
{
	static char buf[PAGE];

	return read(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf) ? 0 : -1;
}

static int op_dup_close(int fd)
{
	int d = dup(fd);

	return d < 0 ? -1 : close(d);
}

static int op_fcntl_getfl(int fd)
{
	return fcntl(fd, F_GETFL);
}

static int op_fstat(int fd)
{
	struct stat st;

	return fstat(fd, &st);
}

static int op_lseek(int fd)
{
	return lseek(fd, 0, SEEK_SET) == 0 ? 0 : -1;
}

static int op_pread(int fd)
{
	char buf[64];

	return pread(fd, buf, sizeof(buf), 128) == (ssize_t)sizeof(buf) ? 0 : -1;
}

static int op_writev(int fd)
{
	static char a[16], b[48], c[64];
	struct iovec iov[3] = { { a, sizeof(a) }, { b, sizeof(b) }, { c, sizeof(c) } };

	return writev(fd, iov, 3) == (ssize_t)(sizeof(a) + sizeof(b) + sizeof(c)) ? 0 : -1;
}

static int bench_read_null(struct run *r)
{
	return bench_on_fd(r, "/dev/null", O_RDONLY, op_read1, "read");
}

static int bench_write_null(struct run *r)
{
	return bench_on_fd(r, "/dev/null", O_WRONLY, op_write1, "write");
}

static int bench_read_zero(struct run *r)
{
	return bench_on_fd(r, "/dev/zero", O_RDONLY, op_read4k, "read");
}

static int bench_dup_close(struct run *r)
{
	return bench_on_fd(r, "/dev/null", O_RDONLY, op_dup_close, "dup");
}

static int bench_fcntl_getfl(struct run *r)
{
	return bench_on_fd(r, "/dev/null", O_RDONLY, op_fcntl_getfl, "fcntl");
}

static int bench_writev(struct run *r)
{
	return bench_on_fd(r, "/dev/null", O_WRONLY, op_writev, "writev");
}

/* Benchmarks on a regular 4 KiB file in /tmp. */
static int bench_on_file(struct run *r, int (*fn)(int fd), const char *call)
{
	int fd = file_prepare(TMP_FILE, PAGE);

	if (fd < 0)
		return fail(r, "open");
	close(fd);
	return bench_on_fd(r, TMP_FILE, O_RDONLY, fn, call);
}

static int bench_fstat(struct run *r)
{
	return bench_on_file(r, op_fstat, "fstat");
}

static int bench_lseek(struct run *r)
{
	return bench_on_file(r, op_lseek, "lseek");
}

static int bench_pread(struct run *r)
{
	return bench_on_file(r, op_pread, "pread");
}

/* ---- path lookups ---- */

/* Run `iters` rounds of fn(path) on a fresh 4 KiB file in /tmp. */
static int bench_on_path(struct run *r, const char *path, int (*fn)(const char *path),
			 const char *call)
{
	int fd = file_prepare(path, PAGE);

	if (fd < 0)
		return fail(r, "open");
	close(fd);
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++)
		if (fn(path) < 0)
			return fail(r, call);
	r->ns = clock_ns() - t0;
	return 0;
}

static int op_open_close(const char *path)
{
	int fd = open(path, O_RDWR);

	return fd < 0 ? -1 : close(fd);
}

static int op_stat(const char *path)
{
	struct stat st;

	return stat(path, &st);
}

static int op_access(const char *path)
{
	return access(path, R_OK);
}

static int bench_open_close(struct run *r)
{
	return bench_on_path(r, TMP_OPEN, op_open_close, "open");
}

static int bench_stat(struct run *r)
{
	return bench_on_path(r, TMP_FILE, op_stat, "stat");
}

static int bench_access(struct run *r)
{
	return bench_on_path(r, TMP_FILE, op_access, "access");
}

static int bench_readlink(struct run *r)
{
	char buf[64];

	unlink(TMP_LINK);
	if (symlink("/bin/bench-target", TMP_LINK) < 0)
		return fail(r, "symlink");
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++)
		if (readlink(TMP_LINK, buf, sizeof(buf)) != 17)
			return fail(r, "readlink");
	r->ns = clock_ns() - t0;
	return 0;
}

static int bench_getdents64(struct run *r)
{
	static char buf[8192];
	char path[64];
	int fd;

	mkdir(TMP_DIR, 0755);
	for (int i = 0; i < 16; i++) {
		snprintf(path, sizeof(path), TMP_DIR "/entry%02d", i);
		fd = open(path, O_WRONLY | O_CREAT, 0644);
		if (fd < 0)
			return fail(r, "open");
		close(fd);
	}
	fd = open(TMP_DIR, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fail(r, "open");
	int err = 0;
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++) {
		if (lseek(fd, 0, SEEK_SET) != 0) {
			err = fail(r, "lseek");
			break;
		}
		if (syscall(SYS_getdents64, fd, buf, sizeof(buf)) <= 0) {
			err = fail(r, "getdents64");
			break;
		}
	}
	r->ns = clock_ns() - t0;
	close(fd);
	return err;
}

/* ---- pipes, sockets, polling ---- */

static int bench_pipe(struct run *r)
{
	static char buf[PAGE];
	int p[2], err = 0;

	if (pipe(p) < 0)
		return fail(r, "pipe");
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++) {
		if (write(p[1], buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
			err = fail(r, "write");
			break;
		}
		if (read(p[0], buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
			err = fail(r, "read");
			break;
		}
	}
	r->ns = clock_ns() - t0;
	close(p[0]);
	close(p[1]);
	return err;
}

/* One byte bounced between two processes: two context switches per round. */
static int bench_pipe_pingpong(struct run *r)
{
	int up[2], down[2], status, err = 0;
	char c = 'p';

	if (pipe(up) < 0 || pipe(down) < 0)
		return fail(r, "pipe");
	pid_t pid = fork();
	if (pid < 0)
		return fail(r, "fork");
	if (pid == 0) {
		/* Hold only our own ends, or the parent's close never reads as EOF. */
		close(down[1]);
		close(up[0]);
		while (read(down[0], &c, 1) == 1)
			if (write(up[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++) {
		if (write(down[1], &c, 1) != 1 || read(up[0], &c, 1) != 1) {
			err = fail(r, "pipe round trip");
			break;
		}
	}
	r->ns = clock_ns() - t0;
	close(down[1]);
	waitpid(pid, &status, 0);
	close(down[0]);
	close(up[0]);
	close(up[1]);
	return err;
}

static int bench_socketpair(struct run *r)
{
	int sv[2];
	uint64_t t0 = clock_ns();

	for (long i = 0; i < r->iters; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
			return fail(r, "socketpair");
		close(sv[0]);
		close(sv[1]);
	}
	r->ns = clock_ns() - t0;
	return 0;
}

static int bench_eventfd(struct run *r)
{
	uint64_t v = 1;
	int fd = eventfd(0, 0), err = 0;

	if (fd < 0)
		return fail(r, "eventfd");
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++) {
		if (write(fd, &v, 8) != 8 || read(fd, &v, 8) != 8) {
			err = fail(r, "eventfd write/read");
			break;
		}
	}
	r->ns = clock_ns() - t0;
	close(fd);
	return err;
}

/* poll on an empty pipe with timeout 0: the cost of asking, not of waiting. */
static int bench_poll(struct run *r)
{
	int p[2], err = 0;

	if (pipe(p) < 0)
		return fail(r, "pipe");
	struct pollfd pfd = { .fd = p[0], .events = POLLIN };
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++)
		if (poll(&pfd, 1, 0) != 0) {
			err = fail(r, "poll");
			break;
		}
	r->ns = clock_ns() - t0;
	close(p[0]);
	close(p[1]);
	return err;
}

static int bench_epoll_wait(struct run *r)
{
	int p[2], ep, err = 0;
	struct epoll_event ev = { .events = EPOLLIN };

	if (pipe(p) < 0)
		return fail(r, "pipe");
	ep = epoll_create1(0);
	if (ep < 0) {
		err = fail(r, "epoll_create1");
		goto close_pipe;
	}
	if (epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) < 0) {
		err = fail(r, "epoll_ctl");
		goto close_epoll;
	}
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++)
		if (epoll_wait(ep, &ev, 1, 0) != 0) {
			err = fail(r, "epoll_wait");
			break;
		}
	r->ns = clock_ns() - t0;
close_epoll:
	close(ep);
close_pipe:
	close(p[0]);
	close(p[1]);
	return err;
}

/* ---- signals ---- */

static volatile sig_atomic_t signals_seen;

static void on_signal(int sig)
{
	(void)sig;
	signals_seen++;
}

static int bench_sigaction(struct run *r)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	sigemptyset(&sa.sa_mask);
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++)
		if (sigaction(SIGUSR1, &sa, NULL) < 0)
			return fail(r, "sigaction");
	r->ns = clock_ns() - t0;
	sigaction(SIGUSR1, &dfl, NULL);
	return 0;
}

/* One iteration is one call, alternately blocking and unblocking SIGUSR1. */
static int bench_sigprocmask(struct run *r)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++)
		if (sigprocmask(i & 1 ? SIG_UNBLOCK : SIG_BLOCK, &set, NULL) < 0)
			return fail(r, "sigprocmask");
	r->ns = clock_ns() - t0;
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	return 0;
}

/* kill(self) with a handler: one iteration is one signal sent, delivered
 * and returned from; the handler's count proves every one arrived. */
static int bench_signal_delivery(struct run *r)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	pid_t self = getpid();
	int err = 0;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) < 0)
		return fail(r, "sigaction");
	signals_seen = 0;
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++)
		if (kill(self, SIGUSR1) < 0) {
			err = fail(r, "kill");
			break;
		}
	r->ns = clock_ns() - t0;
	sigaction(SIGUSR1, &dfl, NULL);
	if (!err && signals_seen != r->iters) {
		errno = EPROTO;
		err = fail(r, "signal count");
	}
	return err;
}

/* ---- processes ---- */

static int bench_fork_exit(struct run *r)
{
	int status;
	uint64_t t0 = clock_ns();

	for (long i = 0; i < r->iters; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return fail(r, "fork");
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
			return fail(r, "waitpid");
	}
	r->ns = clock_ns() - t0;
	return 0;
}

/* waitid(WNOHANG) while one child lives, blocked on a pipe: the call must
 * look at the child and report nothing, every time. */
static int bench_waitid(struct run *r)
{
	int p[2], status, err = 0;
	siginfo_t info;
	char c;

	if (pipe(p) < 0)
		return fail(r, "pipe");
	pid_t pid = fork();
	if (pid < 0)
		return fail(r, "fork");
	if (pid == 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) == 0 ? 0 : 1);
	}
	close(p[0]);
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++) {
		info.si_pid = -1;
		if (waitid(P_PID, pid, &info, WEXITED | WNOHANG) < 0 || info.si_pid != 0) {
			err = fail(r, "waitid");
			break;
		}
	}
	r->ns = clock_ns() - t0;
	close(p[1]);
	waitpid(pid, &status, 0);
	return err;
}

/* ---- memory ---- */

/* The timed part of the mmap_fault benchmarks: write and read back every
 * page of [p, p+len), then unmap it. */
static int pages_fault_unmap(struct run *r, unsigned char *p, size_t len, unsigned char salt)
{
	if (pages_write_verify(p, len, salt) < 0) {
		errno = EPROTO;
		return fail(r, "page readback");
	}
	if (munmap(p, len) < 0)
		return fail(r, "munmap");
	return 0;
}

/* Map iters pages, write and read back every one, unmap: one iteration is
 * one page, the mmap and munmap amortised over them. */
static int bench_mmap_fault(struct run *r)
{
	size_t len = (size_t)r->iters * PAGE;
	uint64_t t0 = clock_ns();
	unsigned char *p = map_anon(len);

	if (p == MAP_FAILED)
		return fail(r, "mmap");
	int err = pages_fault_unmap(r, p, len, 1);
	r->ns = clock_ns() - t0;
	return err;
}

/* As mmap_fault on a 2 MiB-aligned region with MADV_HUGEPAGE: what a kernel
 * with huge pages makes of it. Iterations are 4 KiB pages, as above. The
 * aligning mmap/munmap are outside the clock. */
static int bench_mmap_fault_huge(struct run *r)
{
	size_t len = (size_t)r->iters * PAGE;
	unsigned char *p = mmap_aligned(len, HUGE_PAGE);

	if (p == MAP_FAILED)
		return fail(r, "mmap");
	/* A kernel without THP says EINVAL; the benchmark still measures it. */
	(void)madvise(p, len, MADV_HUGEPAGE);
	uint64_t t0 = clock_ns();
	int err = pages_fault_unmap(r, p, len, 2);
	r->ns = clock_ns() - t0;
	return err;
}

static int bench_mmap_munmap(struct run *r)
{
	uint64_t t0 = clock_ns();

	for (long i = 0; i < r->iters; i++) {
		void *p = map_anon(PAGE);
		if (p == MAP_FAILED)
			return fail(r, "mmap");
		if (munmap(p, PAGE) < 0)
			return fail(r, "munmap");
	}
	r->ns = clock_ns() - t0;
	return 0;
}

/* One iteration: read-only then read-write again, on a whole touched page. */
static int bench_mprotect(struct run *r)
{
	unsigned char *p = map_anon(PAGE);
	int err = 0;

	if (p == MAP_FAILED)
		return fail(r, "mmap");
	p[0] = 1;
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++)
		if (mprotect(p, PAGE, PROT_READ) < 0 ||
		    mprotect(p, PAGE, PROT_READ | PROT_WRITE) < 0) {
			err = fail(r, "mprotect");
			break;
		}
	r->ns = clock_ns() - t0;
	munmap(p, PAGE);
	return err;
}

/* As mprotect, but on the middle 16 pages of a touched 64-page mapping:
 * each iteration splits one mapping into three and merges them back. */
static int bench_mprotect_split(struct run *r)
{
	size_t len = 64 * PAGE;
	unsigned char *p = map_anon(len);
	int err = 0;

	if (p == MAP_FAILED)
		return fail(r, "mmap");
	pages_write_verify(p, len, 3);
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++)
		if (mprotect(p + 24 * PAGE, 16 * PAGE, PROT_READ) < 0 ||
		    mprotect(p + 24 * PAGE, 16 * PAGE, PROT_READ | PROT_WRITE) < 0) {
			err = fail(r, "mprotect");
			break;
		}
	r->ns = clock_ns() - t0;
	munmap(p, len);
	return err;
}

/* One iteration: dirty 16 pages, then MADV_DONTNEED them; the next round
 * faults them in again, and they must read back as zero first. */
static int bench_madvise_dontneed(struct run *r)
{
	size_t len = 16 * PAGE;
	volatile unsigned char *p = map_anon(len);
	int err = 0;

	if (p == MAP_FAILED)
		return fail(r, "mmap");
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++) {
		if (p[0] != 0) {
			errno = EPROTO;
			err = fail(r, "zero after MADV_DONTNEED");
			break;
		}
		for (size_t off = 0; off < len; off += PAGE)
			p[off] = 1;
		if (madvise((void *)p, len, MADV_DONTNEED) < 0) {
			err = fail(r, "madvise");
			break;
		}
	}
	r->ns = clock_ns() - t0;
	munmap((void *)p, len);
	return err;
}

/* One iteration grows a mapping by one page (letting it move) and touches
 * the new page; at 4 MiB the mapping is dropped and growth starts over. */
static int bench_mremap_grow(struct run *r)
{
	const size_t cap = 4 * MIB;
	size_t len = PAGE;
	unsigned char *p = map_anon(len);

	if (p == MAP_FAILED)
		return fail(r, "mmap");
	p[0] = 1;
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++) {
		if (len == cap) {
			munmap(p, len);
			len = PAGE;
			p = map_anon(len);
			if (p == MAP_FAILED)
				return fail(r, "mmap");
			p[0] = 1;
		}
		unsigned char *q = mremap(p, len, len + PAGE, MREMAP_MAYMOVE);
		if (q == MAP_FAILED)
			return fail(r, "mremap");
		p = q;
		len += PAGE;
		p[len - PAGE] = 1;
		if (p[0] != 1) {
			errno = EPROTO;
			return fail(r, "contents after mremap");
		}
	}
	r->ns = clock_ns() - t0;
	munmap(p, len);
	return 0;
}

/* brk up a page and back down, by the raw system call (musl's sbrk only
 * answers sbrk(0)); Linux reports failure by returning the old break. */
static int bench_brk(struct run *r)
{
	uintptr_t base = (uintptr_t)syscall(SYS_brk, 0);

	if ((long)base <= 0)
		return fail(r, "brk");
	if ((uintptr_t)syscall(SYS_brk, base + PAGE) != base + PAGE) {
		errno = ENOMEM;
		return fail(r, "brk");
	}
	syscall(SYS_brk, base);
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++) {
		if ((uintptr_t)syscall(SYS_brk, base + PAGE) != base + PAGE ||
		    (uintptr_t)syscall(SYS_brk, base) != base) {
			errno = ENOMEM;
			return fail(r, "brk");
		}
	}
	r->ns = clock_ns() - t0;
	return 0;
}

/* Fork a process with 32 MiB dirty; the child writes every page (each a
 * copy-on-write fault) and exits. One iteration is one such fork. */
static int bench_fork_cow(struct run *r)
{
	const size_t len = 32 * MIB;
	unsigned char *p = map_anon(len);
	int status, err = 0;

	if (p == MAP_FAILED)
		return fail(r, "mmap");
	pages_write_verify(p, len, 4);
	uint64_t t0 = clock_ns();
	for (long i = 0; i < r->iters; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			err = fail(r, "fork");
			break;
		}
		if (pid == 0)
			_exit(pages_write_verify(p, len, 5) < 0 ? 1 : 0);
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			errno = EPROTO;
			err = fail(r, "child copy-on-write");
			break;
		}
	}
	r->ns = clock_ns() - t0;
	/* The parent's pages must be untouched by the children's writes. */
	for (size_t off = 0; !err && off < len; off += PAGE)
		if (p[off] != (unsigned char)(off / PAGE + 4)) {
			errno = EPROTO;
			err = fail(r, "parent page changed");
		}
	munmap(p, len);
	return err;
}

/* Map and dirty 64 MiB, then time only its munmap. */
static int bench_munmap_dirty(struct run *r)
{
	const size_t len = 64 * MIB;

	r->ns = 0;
	for (long i = 0; i < r->iters; i++) {
		unsigned char *p = map_anon(len);
		if (p == MAP_FAILED)
			return fail(r, "mmap");
		pages_write_verify(p, len, 6);
		uint64_t t0 = clock_ns();
		if (munmap(p, len) < 0)
			return fail(r, "munmap");
		r->ns += clock_ns() - t0;
	}
	return 0;
}

/* ---- the table ---- */

/* Full and quick iteration counts: the first eight are fixed by the project's
 * benchmark issue; the rest are sized so a full run under QEMU's TCG stays
 * within a few minutes per kernel. */
static const struct bench BENCHES[] = {
	{ "getpid", 1000000, 10000, bench_getpid },
	{ "read_null", 500000, 5000, bench_read_null },
	{ "write_null", 500000, 5000, bench_write_null },
	{ "pipe", 256, 32, bench_pipe },
	{ "fork_exit", 500, 200, bench_fork_exit },
	{ "open_close", 100000, 2000, bench_open_close },
	{ "mmap_fault", 4096, 256, bench_mmap_fault },
	{ "stat", 200000, 5000, bench_stat },
	{ "gettid", 50000, 5000, bench_gettid },
	{ "clock_gettime", 50000, 5000, bench_clock_gettime },
	{ "uname", 25000, 5000, bench_uname },
	{ "dup_close", 25000, 5000, bench_dup_close },
	{ "fcntl_getfl", 50000, 5000, bench_fcntl_getfl },
	{ "fstat", 25000, 5000, bench_fstat },
	{ "lseek", 50000, 5000, bench_lseek },
	{ "getcwd", 10000, 2000, bench_getcwd },
	{ "readlink", 10000, 2000, bench_readlink },
	{ "access", 10000, 2000, bench_access },
	{ "mmap_munmap", 2500, 1000, bench_mmap_munmap },
	{ "mprotect", 5000, 2000, bench_mprotect },
	{ "brk", 2500, 1000, bench_brk },
	{ "sigaction", 25000, 5000, bench_sigaction },
	{ "sigprocmask", 50000, 5000, bench_sigprocmask },
	{ "pread", 25000, 5000, bench_pread },
	{ "writev", 25000, 5000, bench_writev },
	{ "sched_yield", 25000, 5000, bench_sched_yield },
	{ "getpriority", 50000, 5000, bench_getpriority },
	{ "read_zero", 10000, 1000, bench_read_zero },
	{ "signal_delivery", 10000, 1000, bench_signal_delivery },
	{ "epoll_wait", 25000, 5000, bench_epoll_wait },
	{ "poll", 25000, 5000, bench_poll },
	{ "eventfd", 20000, 2000, bench_eventfd },
	{ "getdents64", 10000, 1000, bench_getdents64 },
	{ "socketpair", 2500, 500, bench_socketpair },
	{ "pipe_pingpong", 2500, 250, bench_pipe_pingpong },
	{ "waitid", 20000, 2000, bench_waitid },
	{ "getuid", 50000, 5000, bench_getuid },
	/* memory management, beyond the list above */
	{ "mmap_fault_huge", 16384, 1024, bench_mmap_fault_huge },
	{ "fork_cow", 1, 1, bench_fork_cow },
	{ "munmap_dirty", 2, 1, bench_munmap_dirty },
	{ "mprotect_split", 1000, 500, bench_mprotect_split },
	{ "madvise_dontneed", 500, 250, bench_madvise_dontneed },
	{ "mremap_grow", 2500, 500, bench_mremap_grow },
};

#define NBENCH (sizeof(BENCHES) / sizeof(BENCHES[0]))

enum outcome { RAN, SKIPPED, FAILED };

static const char *errno_name(int e)
{
	switch (e) {
	case ENOSYS: return "ENOSYS";
	case ENOMEM: return "ENOMEM";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case EFAULT: return "EFAULT";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case EPROTO: return "wrong-result";
	default: return "error";
	}
}

static enum outcome bench_run_one(const struct bench *b, long iters)
{
	struct run r = { .iters = iters };
	int err = b->fn(&r);

	if (err == -ENOSYS) {
		printf("BENCH_SKIP %s ENOSYS:%s\n", b->name, r.failed_call);
		return SKIPPED;
	}
	if (err < 0) {
		printf("BENCH_FAIL %s %s:%s(%d)\n", b->name, errno_name(-err),
		       r.failed_call, -err);
		return FAILED;
	}
	/* Tenths of a nanosecond in integers: exact, and no rounding surprises. */
	uint64_t tenths = (r.ns * 10 + (uint64_t)iters / 2) / (uint64_t)iters;
	printf("BENCH %s %ld %llu %llu.%llu\n", b->name, iters, (unsigned long long)r.ns,
	       (unsigned long long)(tenths / 10), (unsigned long long)(tenths % 10));
	return RAN;
}

/* Print the THP policy in force; as PID 1, mount sysfs first (nothing is
 * mounted when the kernel starts bench as init). */
static void print_env(int as_init)
{
	char buf[128], *open_br, *close_br;
	int fd;
	ssize_t n;

	if (as_init) {
		mkdir("/sys", 0755);
		mount("sysfs", "/sys", "sysfs", 0, NULL);
	}
	fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	open_br = strchr(buf, '[');
	close_br = open_br ? strchr(open_br, ']') : NULL;
	if (!close_br) {
		printf("BENCH_ENV thp unknown\n");
		return;
	}
	*close_br = '\0';
	printf("BENCH_ENV thp %s\n", open_br + 1);
}

static void usage(void)
{
	printf("usage: bench [--full|--quick] [--list] [NAME...]\n");
}

static void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	/* Returning from init panics the kernel, which with -no-reboot also
	 * ends QEMU; say why first. */
	printf("bench: reboot(RB_POWER_OFF) failed: errno %d\n", errno);
}

int main(int argc, char **argv)
{
	int as_init = getpid() == 1;
	int full = !as_init, status = 0;
	int counts[3] = { 0, 0, 0 };
	int chosen = 0;
	unsigned char want[NBENCH] = { 0 };

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		size_t k;

		if (!strcmp(argv[i], "--full")) {
			full = 1;
			continue;
		}
		if (!strcmp(argv[i], "--quick")) {
			full = 0;
			continue;
		}
		if (!strcmp(argv[i], "--list")) {
			for (k = 0; k < NBENCH; k++)
				printf("%s %ld %ld\n", BENCHES[k].name, BENCHES[k].full,
				       BENCHES[k].quick);
			goto out;
		}
		for (k = 0; k < NBENCH && strcmp(argv[i], BENCHES[k].name); k++)
			;
		if (k == NBENCH) {
			printf("bench: unknown benchmark or option '%s'\n", argv[i]);
			usage();
			status = 2;
			goto out;
		}
		want[k] = 1;
		chosen = 1;
	}
	printf("BENCH_MODE %s\n", full ? "full" : "quick");
	print_env(as_init);
	for (size_t k = 0; k < NBENCH; k++)
		if (!chosen || want[k])
			counts[bench_run_one(&BENCHES[k], full ? BENCHES[k].full : BENCHES[k].quick)]++;
	unlink(TMP_FILE);
	unlink(TMP_OPEN);
	unlink(TMP_LINK);
	for (int i = 0; i < 16; i++) {
		char path[64];

		snprintf(path, sizeof(path), TMP_DIR "/entry%02d", i);
		unlink(path);
	}
	rmdir(TMP_DIR);
	printf("BENCH_DONE %d %d %d\n", counts[RAN], counts[SKIPPED], counts[FAILED]);
	status = counts[FAILED] ? 1 : 0;
out:
	if (as_init)
		power_off();
	return status;
}
