/*
 * proc/sched.c - a preemptive round-robin scheduler on one CPU. The timer
 * asks for a switch every tick; the switch itself happens only where the
 * kernel is at a safe point: on the way back to user mode, when a task
 * sleeps, and in the idle loop (the kernel is not preemptible, so kernel
 * data structures need only interrupts off against interrupt handlers).
 */
#include "proc.h"

#include "kernel/cpu.h"
#include "kernel/fpu.h"
#include "kernel/kstring.h"
#include "kernel/layout.h"
#include "kernel/uaccess.h"
#include "kernel/uspace.h"

#define MSR_FS_BASE 0xc0000100u

struct task *sched_current;
volatile int sched_need_resched;
static struct task idle_task;
static void sched_free_dead(void);
static struct task *runq_head, *runq_tail;

extern uint64_t syscall_kstack_top;
void task_switch(uint64_t *save_rsp, uint64_t next_rsp);
extern char task_start[];
void task_first_run(void);

struct task *current_task(void) { return sched_current; }

void sched_init(void)
{
	kstack_init();
	idle_task.state = TASK_RUNNABLE;
	memcpy(idle_task.comm, "idle", 5);
	idle_task.kstack_top = (uint64_t)__stack_top;
	fpu_reset(&idle_task.fpu);
	sched_current = &idle_task;
}

void sched_enqueue(struct task *t)
{
	if (t->on_runq || t == &idle_task)
		return;
	uint64_t f = irq_save();
	t->on_runq = true;
	t->run_next = NULL;
	if (runq_tail)
		runq_tail->run_next = t;
	else
		runq_head = t;
	runq_tail = t;
	irq_restore(f);
}

static struct task *runq_pop(void)
{
	struct task *t = runq_head;
	if (t) {
		runq_head = t->run_next;
		if (!runq_head)
			runq_tail = NULL;
		t->on_runq = false;
	}
	return t;
}

/* Put t on the run queue if it is in state `from`. */
static void task_make_runnable(struct task *t, enum task_state from)
{
	uint64_t f = irq_save();
	if (t->state == from) {
		t->state = TASK_RUNNABLE;
		sched_enqueue(t);
	}
	irq_restore(f);
}

void task_wake(struct task *t) { task_make_runnable(t, TASK_SLEEPING); }

void task_resume_stopped(struct task *t) { task_make_runnable(t, TASK_STOPPED); }

static void context_switch(struct task *prev, struct task *next)
{
	fpu_save(&prev->fpu);
	fpu_restore(&next->fpu);
	if (next->mm && next->mm != uspace_current)
		uspace_switch(next->mm);
	gdt_set_kernel_stack(next->kstack_top);
	syscall_kstack_top = next->kstack_top;
	wrmsr(MSR_FS_BASE, next->fs_base);
	sched_current = next;
	task_switch(&prev->ctx.rsp, next->ctx.rsp);
}

void schedule(void)
{
	uint64_t f = irq_save();
	struct task *prev = sched_current;
	if (prev->state == TASK_RUNNABLE)
		sched_enqueue(prev);
	struct task *next = runq_pop();
	if (!next)
		next = &idle_task;
	sched_need_resched = 0;
	if (next != prev)
		context_switch(prev, next);
	sched_free_dead();
	irq_restore(f);
}

void sched_tick(struct trap_frame *tf)
{
	struct task *t = sched_current;
	if ((tf->cs & 3) == 3)
		t->user_ticks++;
	else if (t != &idle_task)
		t->sys_ticks++;
	waitq_timer_tick();
	sched_need_resched = 1;
}

/* A task that reaped itself (its parent ignores SIGCHLD) and was switched away from. */
static struct task *sched_dead;

void sched_set_dead(struct task *t) { sched_dead = t; }

static void sched_free_dead(void)
{
	if (sched_dead && sched_dead != sched_current) {
		task_free(sched_dead);
		sched_dead = NULL;
	}
}

/*
 * Called by task_start (syscall_entry.S) the first time a new task runs:
 * what schedule() does after a switch, plus CLONE_CHILD_SETTID.
 */
void task_first_run(void)
{
	sched_free_dead();
	struct task *t = sched_current;
	if (t->set_child_tid)
		put_user_u32(t->set_child_tid, (uint32_t)t->pid);
}

void task_setup_user_start(struct task *t, const struct trap_frame *frame)
{
	struct trap_frame *tf = (struct trap_frame *)(t->kstack_top - sizeof(*tf));
	*tf = *frame;
	t->user_frame = tf;
	/* What task_switch pops: r15 r14 r13 r12 rbx rbp, then the return address. */
	uint64_t *sp = (uint64_t *)tf;
	*--sp = (uint64_t)task_start;
	*--sp = 0;             /* rbp */
	*--sp = (uint64_t)tf;  /* rbx: the frame task_start returns through */
	for (int i = 0; i < 4; i++)
		*--sp = 0;     /* r12-r15 */
	t->ctx.rsp = (uint64_t)sp;
}

__attribute__((noreturn)) void sched_idle_loop(void)
{
	for (;;) {
		cpu_irq_disable();
		if (runq_head) {
			cpu_irq_enable();
			schedule();
			continue;
		}
		/* sti; hlt: the interrupt that makes a task runnable ends the halt. */
		__asm__ volatile("sti\n\thlt" : : : "memory");
	}
}
