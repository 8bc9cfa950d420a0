/*
 * arch/x86_64/watchdog.c - a hang detector on the timer interrupt.
 *
 * The kernel is not preemptible, so a task looping inside a system call
 * keeps the CPU: every tick then interrupts kernel mode in the same task.
 * Ticks that find user mode, a halted CPU (the idle loop waiting: the
 * interrupted instruction is HLT) or another task than last time are
 * progress, as is watchdog_pet() (page faults resolved during a long
 * copy). After `watchdog=SECONDS` of ticks without any, panic. A loop with
 * interrupts off is not seen (there is no NMI watchdog).
 */
#include "kernel/watchdog.h"

#include "kernel/apic.h"
#include "kernel/boot.h"
#include "kernel/cmdline.h"
#include "kernel/layout.h"
#include "kernel/panic.h"
#include "kernel/printf.h"
#include "kernel/task.h"

#define WATCHDOG_DEFAULT_S 60

static long limit_ticks = -1; /* -1: not read from the command line yet; 0: off */
static uint64_t stuck_ticks;
static const struct task *last_task;

static void watchdog_configure(void)
{
	char buf[16];
	long s = WATCHDOG_DEFAULT_S;
	const char *v = cmdline_get(boot_info.cmdline, "watchdog", buf, sizeof(buf));
	if (v && (!cmdline_parse_int(v, &s) || s < 0))
		s = WATCHDOG_DEFAULT_S;
	limit_ticks = s * (long)(timer_hz ? timer_hz : 100);
}

void watchdog_pet(void) { stuck_ticks = 0; }

/*
 * The tick interrupted HLT (the saved rip follows the one-byte instruction).
 * Only the kernel's own text can hold that HLT, and only it is sure to be
 * mapped: a tick may land on any address (a self-test jumping to a page it
 * has just made non-executable, say), so nothing outside it is read.
 */
static bool watchdog_halted(const struct trap_frame *tf)
{
	uint64_t at = tf->rip - 1;
	if (at < (uint64_t)__text_start || at >= (uint64_t)__text_end)
		return false;
	return *(const uint8_t *)at == 0xf4;
}

void watchdog_tick(const struct trap_frame *tf)
{
	const struct task *t = current_task();
	if (limit_ticks < 0)
		watchdog_configure();
	if (!limit_ticks)
		return;
	if ((tf->cs & 3) == 3 || watchdog_halted(tf) || t != last_task) {
		last_task = t;
		stuck_ticks = 0;
		return;
	}
	if (++stuck_ticks >= (uint64_t)limit_ticks) {
		kprintf("watchdog: the kernel was interrupted here:\n");
		backtrace_print(tf->rip, tf->rbp);
		panic("watchdog: no progress for %lu s: pid %d stayed in the kernel",
		      stuck_ticks / (timer_hz ? timer_hz : 100), t ? t->pid : -1);
	}
}
