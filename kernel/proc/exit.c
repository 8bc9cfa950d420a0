/*
 * proc/exit.c - the end of a task and how its parent learns of it: exit,
 * exit_group, wait4, waitid, with Linux's wait-status encoding. An exiting
 * task gives back its files, its address space (every page to the buddy
 * allocator) and its children (to init), then stays a zombie until its
 * parent reaps it, or is freed at once when the parent ignores SIGCHLD.
 */
#include "proc.h"

#include "kernel/errno.h"
#include "kernel/fdtable.h"
#include "kernel/mmcheck.h"
#include "kernel/panic.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/uspace.h"
#include "kernel/vfs.h"
#include "kernel/vmtrace.h"
#include "mmcore/mm.h"

#define WNOHANG 1
#define WUNTRACED 2
#define WSTOPPED 2
#define WEXITED 4
#define WCONTINUED 8
#define WNOWAIT 0x01000000
#define WALL_FLAGS 0xe0000000u /* __WNOTHREAD, __WALL, __WCLONE */

#define P_ALL 0
#define P_PID 1
#define P_PGID 2

/* Let a vfork parent run again: the child no longer uses its memory. */
void task_release_vfork(struct task *t)
{
	struct task *p = t->vfork_parent;
	if (!p)
		return;
	t->vfork_parent = NULL;
	p->vfork_done = true;
	waitq_wake_all(&p->child_wait);
}

/* Drop t's address space (switching to the kernel's tables first if it is loaded). */
void task_drop_mm(struct task *t)
{
	struct mm *mm = t->mm;
	if (!mm)
		return;
	t->mm = NULL;
	vmtrace_drop(t, mm);
	if (uspace_current == mm)
		uspace_switch(NULL);
	if (!t->mm_borrowed) {
		mm_destroy(mm);
		mmcheck_request();
	}
	t->mm_borrowed = false;
}

/* Who adopts t's children: the nearest living ancestor that asked to be a
 * subreaper (PR_SET_CHILD_SUBREAPER), else init (Linux's find_new_reaper). */
static struct task *new_reaper(struct task *t)
{
	for (struct task *a = t->parent; a; a = a->parent)
		if (a->child_subreaper && a->state != TASK_ZOMBIE)
			return a;
	return task_init_process();
}

static void reparent_children(struct task *t)
{
	struct task *init = new_reaper(t);
	while (t->children) {
		struct task *c = t->children;
		t->children = c->sibling;
		if (c->pdeath_signal && c->state != TASK_ZOMBIE)
			signal_send(c, c->pdeath_signal); /* PR_SET_PDEATHSIG: the parent is gone */
		c->parent = init;
		c->sibling = init ? init->children : NULL;
		if (init)
			init->children = c;
		if (c->state == TASK_ZOMBIE && init)
			waitq_wake_all(&init->child_wait);
	}
}

static bool parent_autoreaps(struct task *p)
{
	const struct k_sigaction *ka = &p->sigaction[SIGCHLD - 1];
	return ka->handler == SIG_IGN || (ka->flags & SA_NOCLDWAIT);
}

__attribute__((noreturn)) void task_exit(int status)
{
	struct task *t = current;
	if (t->pid == 1)
		panic("Attempted to kill init! exitcode=0x%08x", status);
	if (t->clear_child_tid && t->mm)
		put_user_u32(t->clear_child_tid, 0);
	task_release_vfork(t);
	if (t->files)
		fdtable_put(t->files);
	if (t->fs)
		fs_put(t->fs);
	if (t->exe)
		file_put(t->exe);
	t->files = NULL;
	t->fs = NULL;
	t->exe = NULL;
	task_drop_mm(t);
	reparent_children(t);

	t->exit_status = status;
	t->state = TASK_ZOMBIE;
	struct task *p = t->parent;
	int code = (status & 0x7f) == 0 ? CLD_EXITED : (status & 0x80) ? CLD_DUMPED : CLD_KILLED;
	int info = code == CLD_EXITED ? (status >> 8) & 0xff : status & 0x7f;
	if (p && parent_autoreaps(p)) {
		task_unlink(t);
		waitq_wake_all(&p->child_wait);
		sched_set_dead(t);
	} else {
		signal_notify_parent(t, code, info);
	}
	schedule();
	panic("task_exit: a zombie was scheduled");
}

SYSCALL_DEFINE(60, exit) { task_exit(WSTATUS_EXITED((int)a0)); }

SYSCALL_DEFINE(231, exit_group) { task_exit(WSTATUS_EXITED((int)a0)); }

struct rusage {
	int64_t utime_sec, utime_usec, stime_sec, stime_usec;
	int64_t rest[14];
};

/* Fill a struct rusage for user ticks u and system ticks s (100 Hz). */
int rusage_put(uint64_t uaddr, uint64_t u, uint64_t s)
{
	struct rusage ru = {0};
	ru.utime_sec = (int64_t)(u / 100);
	ru.utime_usec = (int64_t)(u % 100) * 10000;
	ru.stime_sec = (int64_t)(s / 100);
	ru.stime_usec = (int64_t)(s % 100) * 10000;
	return copy_to_user(uaddr, &ru, sizeof(ru));
}

struct wait_req {
	int idtype, id;
	int options;
	struct task *parent;
	/* result */
	struct task *found;
	int status;     /* wait status */
	int code;       /* CLD_* for waitid */
	int info;       /* exit code or signal, for waitid */
	bool reap;
};

static bool wait_matches(const struct wait_req *r, const struct task *c)
{
	if (r->idtype == P_PID)
		return c->pid == r->id;
	if (r->idtype == P_PGID)
		return c->pgid == r->id;
	return true;
}

/* Look for a child in a reportable state; true when one was found (or none can ever be). */
static bool wait_scan(void *arg)
{
	struct wait_req *r = arg;
	for (struct task *c = r->parent->children; c; c = c->sibling) {
		if (!wait_matches(r, c))
			continue;
		if (c->state == TASK_ZOMBIE && (r->options & WEXITED)) {
			r->found = c;
			r->status = c->exit_status;
			bool exited = (c->exit_status & 0x7f) == 0;
			r->code = exited ? CLD_EXITED : (c->exit_status & 0x80) ? CLD_DUMPED : CLD_KILLED;
			r->info = exited ? (c->exit_status >> 8) & 0xff : c->exit_status & 0x7f;
			r->reap = !(r->options & WNOWAIT);
			return true;
		}
		if (c->stop_report && c->stop_report != WSTATUS_CONTINUED &&
		    (r->options & WSTOPPED) && c->state == TASK_STOPPED) {
			r->found = c;
			r->status = c->stop_report;
			r->code = CLD_STOPPED;
			r->info = (c->stop_report >> 8) & 0xff;
			if (!(r->options & WNOWAIT))
				c->stop_report = 0;
			return true;
		}
		if (c->stop_report == WSTATUS_CONTINUED && (r->options & WCONTINUED)) {
			r->found = c;
			r->status = WSTATUS_CONTINUED;
			r->code = CLD_CONTINUED;
			r->info = SIGCONT;
			if (!(r->options & WNOWAIT))
				c->stop_report = 0;
			return true;
		}
	}
	return false;
}

static bool wait_has_candidates(const struct wait_req *r)
{
	for (struct task *c = r->parent->children; c; c = c->sibling)
		if (wait_matches(r, c))
			return true;
	return false;
}

/* Wait as r asks: 0 with r->found set, 0 with r->found NULL (WNOHANG), or -errno. */
static int wait_common(struct wait_req *r)
{
	r->parent = current;
	for (;;) {
		if (!wait_has_candidates(r))
			return -ECHILD;
		if (wait_scan(r))
			return 0;
		if (r->options & WNOHANG)
			return 0;
		int err = waitq_wait(&r->parent->child_wait, wait_scan, r);
		if (err)
			return err;
		if (r->found)
			return 0;
	}
}

static void wait_reap(struct wait_req *r)
{
	struct task *c = r->found, *p = r->parent;
	p->cutime_ticks += c->user_ticks + c->cutime_ticks;
	p->cstime_ticks += c->sys_ticks + c->cstime_ticks;
	task_unlink(c);
	task_free(c);
}

SYSCALL_DEFINE(61, wait4)
{
	int pid = (int)a0, options = (int)a2;
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | (int)WALL_FLAGS))
		return -EINVAL;
	struct wait_req r = {.options = options | WEXITED};
	if (pid == -1) {
		r.idtype = P_ALL;
	} else if (pid > 0) {
		r.idtype = P_PID;
		r.id = pid;
	} else {
		r.idtype = P_PGID;
		r.id = pid == 0 ? current->pgid : -pid;
	}
	int err = wait_common(&r);
	if (err || !r.found)
		return err;
	if (a1 && put_user_u32(a1, (uint32_t)r.status))
		return -EFAULT;
	if (a3 && rusage_put(a3, r.found->user_ticks + r.found->cutime_ticks,
			     r.found->sys_ticks + r.found->cstime_ticks))
		return -EFAULT;
	int found_pid = r.found->pid;
	if (r.reap)
		wait_reap(&r);
	return found_pid;
}

SYSCALL_DEFINE(247, waitid)
{
	int idtype = (int)a0, options = (int)a3;
	if (options & ~(WNOHANG | WSTOPPED | WEXITED | WCONTINUED | WNOWAIT | (int)WALL_FLAGS))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	if (idtype != P_ALL && idtype != P_PID && idtype != P_PGID)
		return -EINVAL;
	struct wait_req r = {.idtype = idtype, .id = (int)a1, .options = options};
	if (idtype == P_PGID && r.id == 0)
		r.id = current->pgid;
	if (idtype != P_ALL && r.id <= 0)
		return -EINVAL;
	int err = wait_common(&r);
	if (err)
		return err;
	struct ksiginfo info = {0};
	if (r.found)
		info = (struct ksiginfo){.signo = SIGCHLD, .code = r.code, .pid = r.found->pid,
					 .uid = (int)r.found->uid, .status = r.info};
	if (a2) {
		int signal_copy_siginfo(uint64_t uaddr, const struct ksiginfo *in);
		if (signal_copy_siginfo(a2, &info))
			return -EFAULT;
	}
	if (r.found && a4 &&
	    rusage_put(a4, r.found->user_ticks, r.found->sys_ticks))
		return -EFAULT;
	if (r.found && r.reap)
		wait_reap(&r);
	return 0;
}
