/*
 * simulator/native_worker.c - a worker of the native runner: one host
 * process standing for one trace pid. It does each command it is sent for
 * real (mmap, munmap, mprotect, madvise, mremap, brk, loads and stores,
 * fork, exec, exit) and answers with the outcome; SIGSEGV and SIGBUS from
 * an access are caught and become outcomes.
 *
 * The worker is `sim` exec'd afresh, and stays lean so that its own memory
 * barely shows next to the trace's: no malloc, no stdio, static buffers
 * only, nothing but system calls after start.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mmcore/mm.h"
#include "native.h"
#include "native_int.h"
#include "native_zero.h"
#include "trace.h"

#define PAGE 4096ull

static sigjmp_buf access_env;
static volatile sig_atomic_t access_armed;
static int thp_policy = MM_THP_MADVISE; /* the trace's policy, as emulated here */

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	if (!access_armed)
		_exit(128 + sig); /* a fault outside an access: the worker itself is broken */
	access_armed = 0;
	siglongjmp(access_env, sig);
}

/*
 * One access at va: 0 (load), 1 (store of byte), 2 (a locked add of 0: a
 * single write access that leaves the byte as it was). Returns the
 * outcome; *byte receives a loaded value.
 */
static int32_t do_access(uint64_t va, int kind, uint8_t *byte)
{
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)va;
	int sig;

	access_armed = 1;
	sig = sigsetjmp(access_env, 1);
	if (sig != 0)
		return sig == SIGBUS ? TRACE_OUT_SIGBUS : TRACE_OUT_SIGSEGV;
	if (kind == 0)
		*byte = *p;
	else if (kind == 1)
		*p = *byte;
	else
		__asm__ volatile("lock addb $0, %0" : "+m"(*p) : : "memory");
	access_armed = 0;
	return TRACE_OUT_OK;
}

bool native_worker_load(uint64_t va)
{
	uint8_t byte;
	return do_access(va, 0, &byte) == TRACE_OUT_OK;
}

/* Linux's answer as an outcome: 0, or the errno. */
static int32_t sys_outcome(long rc)
{
	return rc < 0 ? errno : TRACE_OUT_OK;
}

#define PAGE_UP(x) (((x) + PAGE - 1) & ~(PAGE - 1))

static uint64_t heap_start; /* the break when this image started */
static bool emulate_zero_page; /* the host maps no zero page: emulate its reads */
static int pagemap_fd = -1;

static char vma_perms[5]; /* perms of the VMA maps_lookup found ("" if none) */
static uint64_t vma_start; /* and its start */

/* Read all of path into buf (size bytes), NUL-terminated; "" if unreadable. */
char *native_worker_read(const char *path, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		while (n < size - 1 && (r = read(fd, buf + n, size - 1 - n)) > 0)
			n += (size_t)r;
		close(fd);
	}
	buf[n] = 0;
	return buf;
}

/* This process's /proc/self/maps, NUL-terminated, in a static buffer ("" if unreadable). */
char *native_worker_maps(void)
{
	static char buf[1 << 18];
	return native_worker_read("/proc/self/maps", buf, sizeof(buf));
}

/*
 * Look va up in /proc/self/maps: *end is the end of the VMA holding it
 * (0 if none; its perms in vma_perms, its start in vma_start), *next the start of the first VMA
 * above it (UINT64_MAX if none), *shared_or_file whether that VMA is not
 * private anonymous.
 */
static void maps_lookup(uint64_t va, uint64_t *end, uint64_t *next, bool *shared_or_file)
{
	char *buf = native_worker_maps();

	*end = 0;
	*next = UINT64_MAX;
	*shared_or_file = false;
	vma_perms[0] = 0;
	for (char *line = buf; *line;) {
		char *p, *nl = strchr(line, '\n');
		uint64_t s = strtoull(line, &p, 16), e = strtoull(p + 1, &p, 16);
		if (va >= s && va < e) {
			unsigned long long inode;
			char *perms = vma_perms;
			memcpy(perms, p + 1, 4);
			perms[4] = 0;
			/* perms offset dev inode: an inode other than 0 is a file */
			p = strchr(p + 1, ' ');
			p = p ? strchr(p + 1, ' ') : NULL;
			p = p ? strchr(p + 1, ' ') : NULL;
			inode = p ? strtoull(p + 1, NULL, 10) : 0;
			*end = e;
			vma_start = s;
			*shared_or_file = perms[3] == 's' || inode != 0;
		} else if (s > va && s < *next) {
			*next = s;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
}

static int uffd = -1; /* registers file and shared VMAs: no file fault-around */

/*
 * Linux maps the cached neighbours of a file read fault (fault-around);
 * the simulator maps only the page that faulted. No per-process knob
 * turns it off but one: a VMA registered with userfaultfd in
 * write-protect mode (nothing is ever write-protected, so no event ever
 * comes). Trace files live on tmpfs, where that registration is allowed.
 */
static void uffd_open(void)
{
	struct uffdio_api api = {.api = UFFD_API, .features = UFFD_FEATURE_WP_HUGETLBFS_SHMEM};
	if (uffd >= 0)
		close(uffd);
	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd >= 0 && ioctl(uffd, UFFDIO_API, &api) < 0) {
		close(uffd);
		uffd = -1;
	}
}

static void uffd_register(uint64_t addr, uint64_t len)
{
	struct uffdio_register reg = {.range = {.start = addr, .len = len},
				      .mode = UFFDIO_REGISTER_MODE_WP};
	if (uffd >= 0)
		ioctl(uffd, UFFDIO_REGISTER, &reg);
}

/* Register every trace file or shared VMA again (a fork child has none registered). */
static void uffd_register_all(void)
{
	char *buf = native_worker_maps();
	for (char *line = buf, *nl; *line; line = nl + 1) {
		char *p;
		uint64_t s, e;
		nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		s = strtoull(line, &p, 16);
		e = strtoull(p + 1, &p, 16);
		if (strstr(line, "/sim-native.") || strstr(line, "/dev/zero"))
			uffd_register(s, e - s);
		if (!nl)
			break;
	}
}

/*
 * The trace's THP policy on a new range: `thp always` asks for huge pages
 * on private anonymous memory (the host's own policy is `madvise`);
 * `never` is process-wide (PR_SET_THP_DISABLE). File and shared mappings
 * are registered with userfaultfd (no fault-around, see uffd_open).
 */
static void policy_apply(uint64_t addr, uint64_t len, bool shared_or_file)
{
	if (!shared_or_file) {
		if (thp_policy == MM_THP_ALWAYS)
			madvise((void *)(uintptr_t)addr, len, MADV_HUGEPAGE);
	} else {
		uffd_register(addr, len);
	}
}

/*
 * mmap(2). With MAP_POPULATE on private anonymous memory the policy must
 * come first (huge pages under `thp always`), so the populating is done
 * after it, as MAP_POPULATE does it: write faults for writable memory,
 * read faults otherwise, which map Linux's zero page (emulated, where
 * the host has none: native_zero_populate).
 */
static int32_t op_mmap(const struct native_cmd *c, uint64_t *out)
{
	int flags = c->flags;
	bool anon = (flags & MAP_ANONYMOUS) && (flags & MAP_TYPE) == MAP_PRIVATE;
	bool populate = anon && (flags & MAP_POPULATE);
	void *p;
	if (populate)
		flags &= ~MAP_POPULATE;
	p = mmap((void *)(uintptr_t)c->a1, c->len, c->prot, flags, c->fd, (off_t)c->offset);
	if (p == MAP_FAILED)
		return errno;
	*out = (uint64_t)(uintptr_t)p;
	native_zero_unmapped(*out, *out + PAGE_UP(c->len)); /* what MAP_FIXED replaced */
	policy_apply(*out, c->len, !anon);
	if (populate && (c->prot & PROT_WRITE))
		madvise(p, c->len, MADV_POPULATE_WRITE);
	else if (populate && c->prot != PROT_NONE && !emulate_zero_page)
		madvise(p, c->len, MADV_POPULATE_READ);
	else if (populate && c->prot != PROT_NONE)
		native_zero_populate(*out, c->len);
	return TRACE_OUT_OK;
}

/*
 * madvise(2). Under `thp always` every private anonymous VMA is already
 * marked MADV_HUGEPAGE here, so the trace's own mark would not split a
 * VMA as it does in the simulator (and in Linux under `always`): the
 * mark is mirrored by VM_SEQ_READ (MADV_SEQUENTIAL, harmless for
 * anonymous and tmpfs memory), cleared again by `nohugepage`.
 */
static int32_t op_madvise(const struct native_cmd *c)
{
	void *a = (void *)(uintptr_t)c->a1;
	int32_t o = sys_outcome(madvise(a, c->len, c->flags));
	if (o == TRACE_OUT_OK && c->flags == MADV_DONTNEED)
		native_zero_dontneed(c->a1, c->a1 + PAGE_UP(c->len));
	if (thp_policy == MM_THP_ALWAYS && c->flags == MADV_HUGEPAGE)
		madvise(a, c->len, MADV_SEQUENTIAL);
	else if (thp_policy == MM_THP_ALWAYS && c->flags == MADV_NOHUGEPAGE)
		madvise(a, c->len, MADV_NORMAL);
	return o;
}

static int32_t op_munmap(const struct native_cmd *c)
{
	int32_t o = sys_outcome(munmap((void *)(uintptr_t)c->a1, c->len));
	if (o == TRACE_OUT_OK)
		native_zero_unmapped(c->a1, c->a1 + PAGE_UP(c->len));
	return o;
}

static int32_t op_mremap(const struct native_cmd *c, uint64_t *out)
{
	void *p = mremap((void *)(uintptr_t)c->a1, c->len, c->len2, c->flags,
			 (void *)(uintptr_t)c->a2);
	uint64_t end, next;
	bool sf;
	if (p == MAP_FAILED)
		return errno;
	*out = (uint64_t)(uintptr_t)p;
	native_zero_remapped(c->a1, PAGE_UP(c->len), PAGE_UP(c->len2), *out);
	/*
	 * A moved or grown VMA keeps its flags (THP marks included), but a
	 * moved one loses its userfaultfd registration: register it again.
	 * Only file and shared VMAs: a range registered as a whole would
	 * catch a private neighbour too (a shrink over several VMAs), which
	 * then no longer merges as it should.
	 */
	maps_lookup(*out, &end, &next, &sf);
	if (sf && c->len2 > 0)
		uffd_register_all();
	return TRACE_OUT_OK;
}

/* brk(2) at a real address; the heap gets the THP policy like any anonymous VMA. */
static int32_t op_brk(const struct native_cmd *c, uint64_t *out)
{
	uint64_t before = (uint64_t)syscall(SYS_brk, 0);
	*out = (uint64_t)syscall(SYS_brk, (unsigned long)c->a1);
	if (*out < before)
		native_zero_unmapped(PAGE_UP(*out), PAGE_UP(before));
	if (*out > before && thp_policy == MM_THP_ALWAYS) {
		uint64_t s = (heap_start + PAGE - 1) & ~(PAGE - 1);
		uint64_t e = (*out + PAGE - 1) & ~(PAGE - 1);
		if (e > s)
			madvise((void *)(uintptr_t)s, e - s, MADV_HUGEPAGE);
	}
	return TRACE_OUT_OK; /* brk(2) has no error return */
}

/*
 * A read (or exec) access at va. Where the host maps no zero page, a read
 * of a page not present in a private anonymous VMA that allows some
 * access is answered as Linux's zero page would answer it: byte 0,
 * nothing resident, and what the zero page leaves behind kept by
 * native_zero.c. Everything else is a real load.
 */
static int32_t read_access(uint64_t va, uint8_t *byte)
{
	uint64_t e = 0, end, next;
	bool sf;
	if (emulate_zero_page && pagemap_fd >= 0 &&
	    pread(pagemap_fd, &e, 8, (off_t)(va / PAGE * 8)) == 8 && !(e >> 63) && !(e >> 62 & 1)) {
		maps_lookup(va, &end, &next, &sf);
		if (end && !sf && strcmp(vma_perms, "---p") != 0) {
			native_zero_read(va, vma_start, end);
			*byte = 0;
			return TRACE_OUT_OK;
		}
	}
	return do_access(va, 0, byte);
}

/*
 * touch: one access per page of [addr, addr+len). After a signal the touch
 * resumes past the refusing VMA, or at the next VMA when there is none
 * (as the simulator does); the outcome is the first signal.
 */
static int32_t op_touch(const struct native_cmd *c)
{
	uint64_t va = c->a1 & ~(PAGE - 1);
	uint64_t end = c->len > UINT64_MAX - c->a1 ? UINT64_MAX : c->a1 + c->len;
	int32_t first = TRACE_OUT_OK;
	uint8_t byte;

	if (c->len == 0)
		return TRACE_OUT_OK;
	while (va < end) {
		int32_t o;
		if (c->access == MM_ACCESS_WRITE)
			native_zero_write(va);
		o = c->access == MM_ACCESS_WRITE ? do_access(va, 2, &byte) : read_access(va, &byte);
		uint64_t next = va + PAGE;
		if (o != TRACE_OUT_OK) {
			uint64_t vend, vnext;
			bool sf;
			if (first == TRACE_OUT_OK)
				first = o;
			maps_lookup(va, &vend, &vnext, &sf);
			next = vend ? vend : vnext;
		}
		if (next <= va)
			break;
		va = next;
	}
	return first;
}

/*
 * An exec access, emulated: refused (SIGSEGV) unless a VMA with x holds
 * the address, then a load takes the fault (an exec fault maps pages as a
 * read fault does). Jumping to the trace's bytes would run them.
 */
static int32_t op_exec_access(const struct native_cmd *c, uint8_t *byte)
{
	uint64_t end, next;
	bool sf;
	maps_lookup(c->a1, &end, &next, &sf);
	if (!end || vma_perms[2] != 'x')
		return TRACE_OUT_SIGSEGV;
	return read_access(c->a1, byte);
}

/* fork(2): the child talks over a new socket whose other end goes to the controller. */
static int32_t op_fork(int *fd, struct native_reply *rep, int *pass_fd)
{
	int sv[2];
	pid_t pid;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return errno;
	pid = fork();
	if (pid < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		return e;
	}
	if (pid == 0) {
		close(*fd);
		close(sv[0]);
		*fd = sv[1];
		/* /proc/self was the parent when it was opened */
		if (pagemap_fd >= 0)
			close(pagemap_fd);
		pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
		native_zero_attach(pagemap_fd);
		native_zero_forked();
		uffd_open();
		uffd_register_all();
		return -1; /* the child: no reply */
	}
	close(sv[1]);
	rep->host_pid = pid;
	*pass_fd = sv[0];
	return TRACE_OUT_OK;
}

/* exec: the address space is replaced by a fresh image of this program. */
static int32_t op_exec(int fd)
{
	char fdstr[16];
	char *argv[] = {"sim", NATIVE_WORKER_ARG, fdstr, NULL};
	int flags = fcntl(fd, F_GETFD);
	snprintf(fdstr, sizeof(fdstr), "%d", fd);
	fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
	execv("/proc/self/exe", argv);
	return errno;
}

/*
 * Keep the trace's memory away from the runner's: fill every hole among
 * the runner's mappings in the top-down mmap area (the libraries, vDSO
 * and their anonymous neighbours, above the largest hole of the address
 * space and below the stack) with inaccessible shared memory, then put
 * the guard below them all. A trace mmap without a hint then lands below
 * the guard, as in the simulator's empty process where nothing sits
 * above the first mapping. Returns the guard's address, or 0.
 */
static uint64_t guard_make(void)
{
	static uint64_t vs[512], ve[512];
	char *buf = native_worker_maps();
	unsigned n = 0, top = 0;
	uint64_t widest = 0;
	void *g;

	for (char *line = buf, *nl; *line && n < 512; line = nl + 1) {
		char *p;
		nl = strchr(line, '\n');
		vs[n] = strtoull(line, &p, 16);
		ve[n] = strtoull(p + 1, &p, 16);
		if (vs[n] < 0x800000000000ull && !(nl && memmem(line, (size_t)(nl - line), "[stack]", 7)))
			n++;
		if (!nl)
			break;
	}
	/* The mmap area starts above the widest hole (below it: program and heap). */
	for (unsigned i = 1; i < n; i++) {
		if (vs[i] - ve[i - 1] > widest) {
			widest = vs[i] - ve[i - 1];
			top = i;
		}
	}
	for (unsigned i = top + 1; i < n; i++)
		if (vs[i] > ve[i - 1])
			mmap((void *)(uintptr_t)ve[i - 1], vs[i] - ve[i - 1], PROT_NONE,
			     MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
	g = mmap(NULL, NATIVE_GUARD_SIZE, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	return g == MAP_FAILED ? 0 : (uint64_t)(uintptr_t)g;
}

/* Send a reply, passing pass_fd along when it is not -1. */
static bool reply_send(int fd, const struct native_reply *rep, int pass_fd)
{
	struct iovec iov = {.iov_base = (void *)rep, .iov_len = sizeof(*rep)};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	if (pass_fd < 0)
		return native_write_full(fd, rep, sizeof(*rep)) == 0;
	memset(&u, 0, sizeof(u));
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
	return sendmsg(fd, &msg, 0) == (ssize_t)sizeof(*rep);
}

/* Do command c; returns false when this process must not reply (a fork child). */
static bool worker_do(const struct native_cmd *c, int *fd, struct native_reply *rep, int *pass_fd)
{
	uint8_t byte = (uint8_t)c->byte;
	void *a = (void *)(uintptr_t)c->a1;
	int32_t o;

	switch (c->op) {
	case NOP_MMAP: o = op_mmap(c, &rep->value); break;
	case NOP_MUNMAP: o = op_munmap(c); break;
	case NOP_MPROTECT: o = sys_outcome(mprotect(a, c->len, c->prot)); break;
	case NOP_MADVISE: o = op_madvise(c); break;
	case NOP_MREMAP: o = op_mremap(c, &rep->value); break;
	case NOP_BRK: o = op_brk(c, &rep->value); break;
	case NOP_READ:
		o = c->access == MM_ACCESS_EXEC ? op_exec_access(c, &byte) : read_access(c->a1, &byte);
		rep->value = byte;
		break;
	case NOP_WRITE:
		native_zero_write(c->a1);
		o = do_access(c->a1, 1, &byte);
		break;
	case NOP_RMW:
		native_zero_write(c->a1);
		o = do_access(c->a1, 2, &byte);
		break;
	case NOP_TOUCH: o = op_touch(c); break;
	case NOP_FORK:
		o = op_fork(fd, rep, pass_fd);
		if (o < 0)
			return false;
		break;
	case NOP_EXEC: o = op_exec(*fd); break;
	case NOP_EXIT: _exit(0);
	case NOP_POLICY:
		thp_policy = c->flags;
		emulate_zero_page = c->access != 0;
		if (thp_policy == MM_THP_NEVER)
			prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
		o = TRACE_OUT_OK;
		break;
	default: o = MM_EINVAL; break;
	}
	if (c->op >= NOP_MMAP && c->op <= NOP_BRK)
		native_zero_vmas_changed();
	rep->outcome = o;
	return true;
}

int native_worker_main(const char *fdarg)
{
	int fd = atoi(fdarg);
	struct sigaction sa;
	struct native_reply ready = {0};

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	signal(SIGCHLD, SIG_IGN); /* forked workers are reaped by the kernel */
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	heap_start = (uint64_t)syscall(SYS_brk, 0);
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	native_zero_attach(pagemap_fd);
	uffd_open();
	ready.host_pid = getpid();
	ready.brk_base = heap_start;
	ready.guard = guard_make();
	if (native_write_full(fd, &ready, sizeof(ready)) < 0)
		_exit(1);
	for (;;) {
		struct native_cmd c;
		struct native_reply rep;
		int pass_fd = -1;
		if (native_read_full(fd, &c, sizeof(c)) < 0)
			_exit(0); /* the controller is gone */
		memset(&rep, 0, sizeof(rep));
		if (!worker_do(&c, &fd, &rep, &pass_fd))
			continue;
		if (!reply_send(fd, &rep, pass_fd))
			_exit(1);
		if (pass_fd >= 0)
			close(pass_fd);
	}
}
