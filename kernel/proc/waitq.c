/*
 * proc/waitq.c - wait queues (kernel/wait.h). A sleeper links an entry on
 * its own stack into the queue, marks itself sleeping and schedules; a
 * wake makes every sleeper runnable and each re-checks its condition.
 * Timed sleeps also carry a deadline that the timer tick checks.
 */
#include "proc.h"

#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/time.h"

/* Sleepers with a deadline (at most one per task, on its stack). */
struct timed_sleeper {
	struct task *task;
	uint64_t deadline;
	struct timed_sleeper *next;
};
static struct timed_sleeper *timed_sleepers;

void waitq_init(struct waitq *q)
{
	q->head.next = q->head.prev = &q->head;
	q->head.task = NULL;
}

static void waitq_link(struct waitq *q, struct waitq_entry *e)
{
	if (!q->head.next)
		waitq_init(q);
	e->prev = q->head.prev;
	e->next = &q->head;
	q->head.prev->next = e;
	q->head.prev = e;
}

static void waitq_unlink(struct waitq_entry *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
}

static void timed_remove(struct timed_sleeper *s)
{
	for (struct timed_sleeper **pp = &timed_sleepers; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			return;
		}
}

int waitq_wait_until(struct waitq *q, bool (*cond)(void *arg), void *arg, uint64_t deadline_ns)
{
	struct task *me = sched_current;
	struct waitq_entry e = {.task = me};
	struct timed_sleeper ts = {.task = me, .deadline = deadline_ns};
	int ret;
	uint64_t f = irq_save();
	for (;;) {
		if (cond && cond(arg)) {
			ret = 0;
			break;
		}
		if (signal_pending()) {
			ret = -ERESTARTSYS;
			break;
		}
		if (deadline_ns && time_ns() >= deadline_ns) {
			ret = -ETIMEDOUT;
			break;
		}
		if (q)
			waitq_link(q, &e);
		if (deadline_ns) {
			ts.next = timed_sleepers;
			timed_sleepers = &ts;
		}
		me->state = TASK_SLEEPING;
		schedule();
		if (deadline_ns)
			timed_remove(&ts);
		if (q)
			waitq_unlink(&e);
	}
	irq_restore(f);
	return ret;
}

int waitq_wait(struct waitq *q, bool (*cond)(void *arg), void *arg)
{
	return waitq_wait_until(q, cond, arg, 0);
}

void waitq_wake_all(struct waitq *q)
{
	uint64_t f = irq_save();
	if (q->head.next)
		for (struct waitq_entry *e = q->head.next; e != &q->head; e = e->next)
			task_wake(e->task);
	irq_restore(f);
}

void waitq_timer_tick(void)
{
	if (!timed_sleepers)
		return;
	uint64_t now = time_ns();
	for (struct timed_sleeper *s = timed_sleepers; s; s = s->next)
		if (now >= s->deadline)
			task_wake(s->task);
}
