/*
 * proc/task.c - task structures: allocation with a kernel stack, pids,
 * the parent/child tree and the list of all tasks (for kill, wait and
 * process-group lookups).
 */
#include "proc.h"

#include "kernel/heap.h"
#include "kernel/time.h"

#define PID_MAX 32768

static struct task *all_tasks;
static int pid_last;

static bool pid_in_use(int pid)
{
	for (struct task *t = all_tasks; t; t = t->all_next)
		if (t->pid == pid || t->pgid == pid || t->sid == pid)
			return true;
	return false;
}

/* Next free pid, wrapping like Linux (after PID_MAX back to 300... here 2). */
static int pid_alloc(void)
{
	for (int tries = 0; tries < PID_MAX; tries++) {
		pid_last = pid_last + 1 >= PID_MAX ? 2 : pid_last + 1;
		if (!pid_in_use(pid_last))
			return pid_last;
	}
	return -1;
}

void task_rlimits_default(struct task *t)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		t->rlimits[i] = (struct rlimit64){RLIM_INFINITY, RLIM_INFINITY};
	t->rlimits[RLIMIT_STACK] = (struct rlimit64){8ull << 20, RLIM_INFINITY};
	t->rlimits[RLIMIT_CORE] = (struct rlimit64){0, RLIM_INFINITY};
	t->rlimits[RLIMIT_NOFILE] = (struct rlimit64){1024, 4096};
	t->rlimits[RLIMIT_NPROC] = (struct rlimit64){4096, 4096};
	t->rlimits[RLIMIT_SIGPENDING] = (struct rlimit64){4096, 4096};
	t->rlimits[RLIMIT_MEMLOCK] = (struct rlimit64){8ull << 20, 8ull << 20};
	t->rlimits[RLIMIT_MSGQUEUE] = (struct rlimit64){819200, 819200};
	t->rlimits[RLIMIT_NICE] = (struct rlimit64){0, 0};
	t->rlimits[RLIMIT_RTPRIO] = (struct rlimit64){0, 0};
}

struct task *task_alloc(void)
{
	int pid = pid_alloc();
	if (pid < 0)
		return NULL;
	struct task *t = kmalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->kstack = kstack_alloc();
	if (!t->kstack) {
		kfree(t);
		return NULL;
	}
	t->kstack_top = (uint64_t)t->kstack + KSTACK_SIZE;
	t->pid = t->tgid = pid;
	t->state = TASK_RUNNABLE;
	t->start_ns = time_ns();
	waitq_init(&t->child_wait);
	return t;
}

void task_free(struct task *t)
{
	kstack_free(t->kstack);
	kfree(t);
}

void task_link(struct task *t, struct task *parent)
{
	t->parent = parent;
	if (parent) {
		t->sibling = parent->children;
		parent->children = t;
	}
	t->all_next = all_tasks;
	all_tasks = t;
}

static void list_remove(struct task **head, struct task *t, size_t link_offset)
{
	for (struct task **pp = head; *pp; pp = (struct task **)((char *)*pp + link_offset))
		if (*pp == t) {
			*pp = *(struct task **)((char *)t + link_offset);
			return;
		}
}

void task_unlink(struct task *t)
{
	if (t->parent)
		list_remove(&t->parent->children, t, offsetof(struct task, sibling));
	list_remove(&all_tasks, t, offsetof(struct task, all_next));
}

struct task *task_first(void) { return all_tasks; }

struct task *task_find(int pid)
{
	if (pid <= 0)
		return NULL;
	for (struct task *t = all_tasks; t; t = t->all_next)
		if (t->pid == pid)
			return t;
	return NULL;
}

struct task *task_init_process(void) { return task_find(1); }
