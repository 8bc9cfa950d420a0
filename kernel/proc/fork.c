/*
 * proc/fork.c - new processes: fork, vfork and clone with the flags that
 * fork, vfork and posix_spawn use. The child's memory is a copy-on-write
 * copy through mmcore (mm_fork, 2 MiB pages included), or the parent's own
 * memory for CLONE_VM|CLONE_VFORK while the parent sleeps. Threads
 * (CLONE_THREAD, CLONE_VM without CLONE_VFORK) are not supported.
 */
#include "proc.h"

#include "kernel/errno.h"
#include "kernel/fdtable.h"
#include "kernel/fpu.h"
#include "kernel/kstring.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/uspace.h"
#include "kernel/vfs.h"
#include "kernel/vmtrace.h"
#include "mmcore/mm.h"

#define CSIGNAL 0x000000ffull
#define CLONE_VM 0x00000100ull
#define CLONE_FS 0x00000200ull
#define CLONE_FILES 0x00000400ull
#define CLONE_SIGHAND 0x00000800ull
#define CLONE_PIDFD 0x00001000ull
#define CLONE_PTRACE 0x00002000ull
#define CLONE_VFORK 0x00004000ull
#define CLONE_PARENT 0x00008000ull
#define CLONE_THREAD 0x00010000ull
#define CLONE_NEWNS 0x00020000ull
#define CLONE_SYSVSEM 0x00040000ull
#define CLONE_SETTLS 0x00080000ull
#define CLONE_PARENT_SETTID 0x00100000ull
#define CLONE_CHILD_CLEARTID 0x00200000ull
#define CLONE_DETACHED 0x00400000ull
#define CLONE_UNTRACED 0x00800000ull
#define CLONE_CHILD_SETTID 0x01000000ull

#define CLONE_SUPPORTED                                                                   \
	(CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_VFORK | CLONE_PARENT |        \
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED |      \
	 CLONE_UNTRACED | CLONE_CHILD_SETTID | CLONE_SYSVSEM | CLONE_PTRACE)

/* Copy what a child inherits besides memory and files. */
static void clone_inherit(struct task *c, const struct task *p)
{
	c->pgid = p->pgid;
	c->sid = p->sid;
	c->umask = p->umask;
	c->nice = p->nice;
	c->uid = p->uid; c->euid = p->euid; c->suid = p->suid;
	c->gid = p->gid; c->egid = p->egid; c->sgid = p->sgid;
	memcpy(c->sigaction, p->sigaction, sizeof(c->sigaction));
	c->blocked = p->blocked;
	c->altstack_sp = p->altstack_sp;
	c->altstack_size = p->altstack_size;
	memcpy(c->rlimits, p->rlimits, sizeof(c->rlimits));
	memcpy(c->comm, p->comm, sizeof(c->comm));
	c->start_stack = p->start_stack;
	c->arg_start = p->arg_start; c->arg_end = p->arg_end;
	c->env_start = p->env_start; c->env_end = p->env_end;
	c->fs_base = p->fs_base;
	c->exe = p->exe;
	if (c->exe)
		file_get(c->exe);
}

/* Give c its memory, files and cwd as flags say. 0 or -ENOMEM (c half set up is undone by clone_undo). */
static int clone_resources(struct task *c, struct task *p, uint64_t flags)
{
	if (flags & CLONE_VM) {
		c->mm = p->mm;
		c->mm_borrowed = true;
	} else {
		if (mm_fork(p->mm, &c->mm))
			return -ENOMEM;
		uspace_adopt(c->mm);
	}
	if (flags & CLONE_FILES) {
		fdtable_get(p->files);
		c->files = p->files;
	} else if (!(c->files = fdtable_fork(p->files))) {
		return -ENOMEM;
	}
	if (flags & CLONE_FS) {
		fs_get(p->fs);
		c->fs = p->fs;
	} else if (!(c->fs = fs_fork(p->fs))) {
		return -ENOMEM;
	}
	return 0;
}

static void clone_undo(struct task *c)
{
	if (c->fs)
		fs_put(c->fs);
	if (c->files)
		fdtable_put(c->files);
	if (c->mm && !c->mm_borrowed)
		mm_destroy(c->mm);
	if (c->exe)
		file_put(c->exe);
	task_free(c);
}

static bool vfork_released(void *arg) { return ((struct task *)arg)->vfork_done; }

/* The parent of a vfork sleeps (only SIGKILL interrupts it) until the child execs or exits. */
static void vfork_wait(struct task *p)
{
	sigset_t saved = p->blocked;
	p->blocked = ~sig_bit(SIGKILL);
	while (!p->vfork_done && !(p->pending & sig_bit(SIGKILL)))
		waitq_wait(&p->child_wait, vfork_released, p);
	p->blocked = saved;
}

/*
 * RLIMIT_NPROC as Linux applies it at fork: the processes of p's real
 * user (zombies count until reaped) may not reach the soft limit; root is
 * exempt.
 */
static bool nproc_exceeded(const struct task *p)
{
	uint64_t n = 0;
	if (p->uid == 0)
		return false;
	for (struct task *t = task_first(); t; t = t->all_next)
		if (t->uid == p->uid && t->tgid == t->pid && t->pid > 0)
			n++;
	return n >= p->rlimits[RLIMIT_NPROC].cur;
}

static long do_clone(uint64_t flags, uint64_t newsp, uint64_t ptid, uint64_t ctid, uint64_t tls)
{
	struct task *p = current;
	if (flags & ~CLONE_SUPPORTED)
		return -EINVAL;
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
		return -EINVAL; /* threads */
	if (nproc_exceeded(p))
		return -EAGAIN;
	struct task *c = task_alloc();
	if (!c)
		return -EAGAIN;
	clone_inherit(c, p);
	int err = clone_resources(c, p, flags);
	if (err) {
		clone_undo(c);
		return err;
	}
	vmtrace_fork(p, c);
	c->exit_signal = (int)(flags & CSIGNAL);
	if (flags & CLONE_SETTLS)
		c->fs_base = tls;
	if (flags & CLONE_CHILD_SETTID)
		c->set_child_tid = ctid;
	if (flags & CLONE_CHILD_CLEARTID)
		c->clear_child_tid = ctid;
	if ((flags & CLONE_PARENT_SETTID) && put_user_u32(ptid, (uint32_t)c->pid)) {
		clone_undo(c);
		return -EFAULT;
	}
	fpu_save(&c->fpu);

	struct trap_frame frame = *p->user_frame;
	frame.rax = 0;
	if (newsp)
		frame.rsp = newsp;
	task_setup_user_start(c, &frame);
	task_link(c, (flags & CLONE_PARENT) && p->parent ? p->parent : p);
	int pid = c->pid;
	if (flags & CLONE_VFORK) {
		c->vfork_parent = p;
		p->vfork_done = false;
	}
	sched_enqueue(c);
	if (flags & CLONE_VFORK)
		vfork_wait(p);
	return pid;
}

SYSCALL_DEFINE(56, clone) { return do_clone(a0, a1, a2, a3, a4); }

SYSCALL_DEFINE(57, fork) { return do_clone(SIGCHLD, 0, 0, 0, 0); }

SYSCALL_DEFINE(58, vfork) { return do_clone(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0); }
