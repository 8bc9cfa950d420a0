/*
 * syscalls/dispatch.c - from SYSCALL to the handler: the table is built
 * at boot from the .syscalls section, the result goes back in rax, and
 * every return to user mode passes through signal delivery. The command
 * line word `strace` logs each call with its result.
 */
#include "kernel/syscall.h"

#include "kernel/boot.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/mmcheck.h"
#include "kernel/panic.h"
#include "kernel/printf.h"
#include "kernel/task.h"
#include "kernel/vmtrace.h"

extern const struct syscall_entry __syscalls_start[], __syscalls_end[];

static const struct syscall_entry *table[SYSCALL_MAX];
static uint8_t unknown_logged[SYSCALL_MAX / 8 + 1];
static unsigned registered;
static bool trace;

void syscall_init(void)
{
	for (const struct syscall_entry *e = __syscalls_start; e < __syscalls_end; e++) {
		if (e->nr < 0 || e->nr >= SYSCALL_MAX)
			panic("syscall_init: %s has number %ld out of range", e->name, e->nr);
		if (table[e->nr])
			panic("syscall_init: %s and %s both claim number %ld", table[e->nr]->name,
			      e->name, e->nr);
		table[e->nr] = e;
		registered++;
	}
	trace = cmdline_has(boot_info.cmdline, "strace");
	syscall_msr_init();
}

unsigned syscall_count(void) { return registered; }

static void unknown_log(uint64_t nr)
{
	uint64_t slot = nr < SYSCALL_MAX ? nr : SYSCALL_MAX;
	if (unknown_logged[slot / 8] & (1u << (slot % 8)))
		return;
	unknown_logged[slot / 8] |= (uint8_t)(1u << (slot % 8));
	klog("syscall: unknown number %lu (pid %d %s): ENOSYS\n", nr, current->pid,
	     current->comm);
}

void syscall_dispatch(struct trap_frame *tf)
{
	struct task *t = current;
	uint64_t nr = tf->rax;
	t->user_frame = tf;
	t->in_syscall = true;
	t->syscall_nr = (long)nr;
	long ret;
	const struct syscall_entry *e = nr < SYSCALL_MAX ? table[nr] : NULL;
	if (e) {
		ret = e->fn(tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9);
		if (trace)
			kprintf("[%d] %s(%lx, %lx, %lx) = %ld\n", t->pid, e->name, tf->rdi, tf->rsi,
				tf->rdx, ret);
		vmtrace_syscall((long)nr, tf, ret);
		mmcheck_syscall_exit((long)nr);
	} else {
		unknown_log(nr);
		ret = -ENOSYS;
	}
	tf->rax = (uint64_t)ret;
	proc_return_to_user(tf);
}
