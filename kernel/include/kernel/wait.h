/*
 * kernel/wait.h - wait queues: a task sleeps until a condition holds; any
 * code (interrupt handlers included) that may have made it true wakes the
 * queue and the sleepers re-check.
 */
#ifndef KERNEL_WAIT_H
#define KERNEL_WAIT_H

#include <stdbool.h>
#include <stdint.h>

struct task;

struct waitq_entry {
	struct task *task;
	struct waitq_entry *next, *prev;
};

struct waitq {
	struct waitq_entry head; /* circular list; head.task is NULL */
};

/* Make q empty (a zero-filled waitq is also valid: it is set up on first use). */
void waitq_init(struct waitq *q);
/*
 * Sleep until cond(arg) is true (checked with interrupts off, so a wake-up
 * between the check and the sleep is never lost). Returns 0, or
 * -ERESTARTSYS when a signal is pending for the current task: return it
 * as the system call's result and the way out to user mode turns it into
 * -EINTR or a restart of the call, as Linux does (SA_RESTART).
 */
int waitq_wait(struct waitq *q, bool (*cond)(void *arg), void *arg);
/* The same, also returning -ETIMEDOUT once time_ns() reaches deadline_ns (0: none). */
int waitq_wait_until(struct waitq *q, bool (*cond)(void *arg), void *arg, uint64_t deadline_ns);
/* Make every sleeper on q runnable. Callable from interrupt context. */
void waitq_wake_all(struct waitq *q);

#endif
