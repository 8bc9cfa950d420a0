/*
 * syscalls/sys_prio.c - getpriority and setpriority: the nice value of a
 * process, a process group or a user's processes. The value is stored per
 * task (task->nice, inherited by fork); the round-robin scheduler does not
 * weigh it yet, but it is kept and checked exactly as Linux does, so
 * programs that lower or restore their priority see Linux's answers.
 *
 * The raw system call returns 20 - nice (1..40) so that no success looks
 * like an error; libc turns it back into a nice value.
 */
#include "kernel/errno.h"
#include "kernel/syscall.h"
#include "kernel/task.h"

#define PRIO_PROCESS 0
#define PRIO_PGRP 1
#define PRIO_USER 2
#define NICE_MIN (-20)
#define NICE_MAX 19

/* True when t is one of the tasks (which, who) names; who is already resolved (no 0). */
static bool prio_matches(const struct task *t, int which, uint32_t who)
{
	if (t->pid == 0)
		return false; /* the idle task belongs to nobody */
	switch (which) {
	case PRIO_PROCESS:
		return (uint32_t)t->pid == who;
	case PRIO_PGRP:
		return (uint32_t)t->pgid == who;
	default:
		return t->uid == who;
	}
}

/* Resolve who = 0 to the caller's pid, group or real uid. -EINVAL for an unknown which. */
static long prio_who(int which, uint64_t who_arg, uint32_t *who)
{
	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	*who = (uint32_t)who_arg;
	if (*who)
		return 0;
	*who = which == PRIO_PROCESS ? (uint32_t)current->pid
	     : which == PRIO_PGRP ? (uint32_t)current->pgid : current->uid;
	return 0;
}

/* getpriority(which, who): 20 - the lowest nice among the matching tasks, or -ESRCH/-EINVAL. */
SYSCALL_DEFINE(140, getpriority)
{
	uint32_t who;
	long best = -ESRCH, err = prio_who((int)a0, a1, &who);
	if (err)
		return err;
	for (struct task *t = task_first(); t; t = t->all_next) {
		long v = 20 - t->nice;
		if (prio_matches(t, (int)a0, who) && v > best)
			best = v;
	}
	return best;
}

/*
 * Linux's set_one_prio: another user's task needs privilege (EPERM);
 * lowering the nice value needs privilege or room under RLIMIT_NICE
 * (EACCES). Returns the error to carry on with: the first success turns
 * the initial -ESRCH into 0, a refusal replaces it.
 */
static long prio_set_one(struct task *t, int nice, long err)
{
	struct task *me = current;
	bool privileged = me->euid == 0;
	if (!privileged && t->uid != me->euid && t->euid != me->euid)
		return -EPERM;
	if (nice < t->nice && !privileged &&
	    (uint64_t)(20 - nice) > me->rlimits[RLIMIT_NICE].cur)
		return -EACCES;
	t->nice = nice;
	return err == -ESRCH ? 0 : err;
}

/* setpriority(which, who, nice): nice clamped to -20..19 on every matching task. 0 or -errno. */
SYSCALL_DEFINE(141, setpriority)
{
	uint32_t who;
	int nice = (int)a2;
	long err = prio_who((int)a0, a1, &who);
	if (err)
		return err;
	if (nice < NICE_MIN)
		nice = NICE_MIN;
	if (nice > NICE_MAX)
		nice = NICE_MAX;
	err = -ESRCH;
	for (struct task *t = task_first(); t; t = t->all_next)
		if (prio_matches(t, (int)a0, who))
			err = prio_set_one(t, nice, err);
	return err;
}
