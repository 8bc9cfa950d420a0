/*
 * kernel/task.h - a task is one thread of control with its own kernel
 * stack; a process is a task with its address space, files, and signal
 * state (threads sharing them are not supported yet: CLONE_THREAD fails
 * with EINVAL). Task 0 is the idle task; pid 1 is init.
 */
#ifndef KERNEL_TASK_H
#define KERNEL_TASK_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/signal.h"
#include "kernel/trap.h"
#include "kernel/wait.h"

struct mm;
struct fdtable;
struct fs_struct;
struct file;

enum task_state {
	TASK_RUNNABLE,
	TASK_SLEEPING, /* on a wait queue; a signal wakes it */
	TASK_STOPPED,  /* SIGSTOP and friends until SIGCONT */
	TASK_ZOMBIE,   /* exited; waiting for its parent to reap it */
};

#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0ull)

struct rlimit64 {
	uint64_t cur, max;
};

/* Callee-saved registers of a task switched away in kernel mode (switch.S). */
struct task_context {
	uint64_t rsp;
};

/* FXSAVE image of the user's x87/SSE state (512 bytes, 16-byte aligned). */
struct fpu_state {
	uint8_t bytes[512];
} __attribute__((aligned(16)));

#define TASK_RTQUEUE 32 /* queued real-time signals beyond one pending per number */

struct task {
	int pid, tgid;
	int pgid, sid;
	enum task_state state;
	struct task *parent;
	struct task *children;      /* first child */
	struct task *sibling;       /* next child of the same parent */
	struct task *all_next;      /* every task, for pid lookup */
	struct task *run_next;      /* run queue link */
	bool on_runq;

	int exit_status;            /* wait status once a zombie (Linux encoding) */
	int stop_report;            /* wait status of a stop/continue not yet reported, 0 if none */
	struct waitq child_wait;    /* a child changed state (wait4) */
	struct task *vfork_parent;  /* parent sleeping until this child execs or exits */
	bool vfork_done;            /* (in the parent) the vfork child let go of the mm */
	bool did_exec;              /* has called execve since fork (setpgid: EACCES) */
	bool child_subreaper;       /* adopts orphaned descendants (PR_SET_CHILD_SUBREAPER) */
	bool not_dumpable;          /* PR_SET_DUMPABLE 0 (reset by execve) */
	int pdeath_signal;          /* sent when the parent exits (PR_SET_PDEATHSIG), 0 none */
	int exit_signal;            /* sent to the parent at exit (clone's CSIGNAL), 0 none */

	struct mm *mm;
	bool mm_borrowed;           /* vfork child running in its parent's mm */
	struct fdtable *files;
	struct fs_struct *fs;
	struct file *exe;           /* what execve loaded (/proc/self/exe later) */
	unsigned umask;
	int nice;                   /* -20..19, getpriority/setpriority (sys_prio.c) */
	uint32_t uid, euid, suid, gid, egid, sgid;

	/* Signals. */
	sigset_t pending, blocked, saved_blocked;
	bool restore_blocked;       /* sigsuspend: put saved_blocked back after delivery */
	struct k_sigaction sigaction[NSIG];
	struct ksiginfo siginfo[NSIG];      /* the pending instance of each signal */
	struct ksiginfo rtqueue[TASK_RTQUEUE]; /* further real-time instances, oldest first */
	int rtqueue_len;
	uint64_t altstack_sp, altstack_size;
	int altstack_flags;
	bool oom_killed;

	struct rlimit64 rlimits[RLIM_NLIMITS];
	char comm[16];
	/* Where exec put argv and envp strings on the stack (/proc/PID/cmdline, environ, stat). */
	uint64_t start_stack, arg_start, arg_end, env_start, env_end;

	uint64_t fs_base;           /* user FS base (arch_prctl) */
	uint64_t set_child_tid, clear_child_tid;
	uint64_t robust_list, robust_len;

	uint64_t start_ns;          /* when the task was created */
	uint64_t user_ticks, sys_ticks;
	uint64_t cutime_ticks, cstime_ticks; /* reaped children */

	/* Kernel stack and the state the scheduler switches. */
	void *kstack;               /* lowest address of the allocation */
	uint64_t kstack_top;
	struct trap_frame *user_frame; /* registers saved on entry from user mode */
	struct task_context ctx;
	struct fpu_state fpu;
	bool in_syscall;
	long syscall_nr;
};

/* Hooks of the trap and syscall paths into kernel/proc. */
/* Set up the scheduler with the boot context as the idle task. */
void sched_init(void);
/* Timer interrupt: accounting, timed wake-ups, ask for a switch. */
void sched_tick(struct trap_frame *tf);
/* Before any return to user mode: reschedule if asked, deliver signals. */
void proc_return_to_user(struct trap_frame *tf);
/* A CPU exception raised in user mode that is not a resolved page fault. */
void proc_user_exception(struct trap_frame *tf);
/* A user page fault mmcore refused (result: enum fault_result): signal, or SIGKILL for OOM. */
void proc_user_fault(struct trap_frame *tf, uint64_t addr, int result);

/* The task running on this CPU. */
struct task *current_task(void);
#define current (current_task())

/* The task with this pid, or NULL (zombies included). */
struct task *task_find(int pid);
/* First of all tasks (zombies included); iterate through all_next. */
struct task *task_first(void);
/* The init process (pid 1), or NULL before it exists. */
struct task *task_init_process(void);

#endif
