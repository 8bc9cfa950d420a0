/*
 * proc/proc.h - what the files of kernel/proc share among themselves:
 * task lifetime, the scheduler, exec, exit and signal delivery internals.
 * Other parts of the kernel use kernel/task.h, wait.h and signal.h.
 */
#ifndef PROC_PROC_H
#define PROC_PROC_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/cpu.h"
#include "kernel/task.h"

#define KSTACK_SIZE (16 * 1024)
#define TRAP_VECTOR_SYSCALL 0x100

/* Wait-status encodings (Linux). */
#define WSTATUS_EXITED(code) (((code)&0xff) << 8)
#define WSTATUS_SIGNALED(sig, core) ((sig) | ((core) ? 0x80 : 0))
#define WSTATUS_STOPPED(sig) (((sig) << 8) | 0x7f)
#define WSTATUS_CONTINUED 0xffff

/* Interrupts off; returns the flags to hand to irq_restore (nests). */
static inline uint64_t irq_save(void)
{
	uint64_t f = cpu_flags();
	cpu_irq_disable();
	return f;
}

/* Interrupts back on if they were on at the matching irq_save. */
static inline void irq_restore(uint64_t f)
{
	if (f & RFLAGS_IF)
		cpu_irq_enable();
}

/* kstack.c */
/* Reserve the kernel-stack region's page tables (before any user address space exists). */
void kstack_init(void);
/* A KSTACK_SIZE kernel stack (with an unmapped guard below it where the profile asks), or NULL. */
void *kstack_alloc(void);
/* Release a stack from kstack_alloc(). */
void kstack_free(void *stack);

/* task.c */
/* A zeroed task with a kernel stack and a fresh pid, or NULL (ENOMEM). */
struct task *task_alloc(void);
/* Free t's kernel stack and structure (t must be reaped or never started). */
void task_free(struct task *t);
/* Link t under parent and into the all-tasks list. */
void task_link(struct task *t, struct task *parent);
/* Unlink a reaped task from its parent and the all-tasks list. */
void task_unlink(struct task *t);
/* Default rlimits (as Linux gives init). */
void task_rlimits_default(struct task *t);

/* sched.c */
extern struct task *sched_current;
extern volatile int sched_need_resched;
/* Put a runnable task on the run queue. */
void sched_enqueue(struct task *t);
/* Make a sleeping task runnable. */
void task_wake(struct task *t);
/* Make a stopped task runnable (SIGCONT, SIGKILL). */
void task_resume_stopped(struct task *t);
/* Free t (reaped by itself) once the CPU has switched away from it. */
void sched_set_dead(struct task *t);
/* Switch to the next runnable task (the current one is re-queued if still runnable). */
void schedule(void);
/* The idle loop: halt until something is runnable. Never returns. */
__attribute__((noreturn)) void sched_idle_loop(void);
/*
 * Prepare t's kernel stack so that its first switch-in returns to user
 * mode with the registers in *frame (copied to the top of its stack).
 */
void task_setup_user_start(struct task *t, const struct trap_frame *frame);

/* waitq.c: deadline of a timed sleep (0 none), checked by the tick. */
void waitq_timer_tick(void);

/* exec.c */
/*
 * Replace the current task's program: load path with argv/envp (kernel
 * copies, NULL-terminated) and point *tf at its entry. Returns 0 or -errno
 * (the old program is untouched on failure before the point of no return).
 */
int exec_kernel(const char *path, char *const argv[], char *const envp[], struct trap_frame *tf);

/* exit.c */
/* End the current task with wait status `status`; never returns. */
__attribute__((noreturn)) void task_exit(int status);
/* Create pid 1 and load its program as the command line says; panics when none runs. */
int proc_start_init(void);

/* signal.c / signal_deliver.c */
/* Default action of sig: 0 ignore, 1 terminate, 2 core, 3 stop, 4 continue. */
int signal_default_action(int sig);
/* Apply stop/continue of sig to task t (job control). */
void signal_job_control(struct task *t, int sig);
/* After the pending instance of sig was taken: the next queued real-time
 * instance, if any, becomes pending (keeps the send order). */
void signal_promote(struct task *t, int sig);
/* Drop every pending and queued instance of sig (it became ignored). */
void signal_discard(struct task *t, int sig);
/* Tell t's parent that t changed state (SIGCHLD unless ignored, wake wait4). */
void signal_notify_parent(struct task *t, int code, int status);

/* Copy a NULL-terminated user string vector into one kernel block. */
int exec_copy_strings(uint64_t uvec, char ***out, size_t *bytes_left);

#endif
