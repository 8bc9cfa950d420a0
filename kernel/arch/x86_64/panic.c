/*
 * arch/x86_64/panic.c - the panic screen and what happens after it.
 *
 * Everything here must work with the kernel half broken: output is polled
 * serial, memory reads during the backtrace go through probe_read_u64 so a
 * corrupt frame pointer ends the walk instead of faulting again, and a
 * panic inside the panic goes straight to the reset.
 */
#include "kernel/panic.h"

#include "kernel/acpi.h"
#include "kernel/cpu.h"
#include "kernel/extable.h"
#include "kernel/ksyms.h"
#include "kernel/printf.h"
#include "kernel/task.h"
#include "kernel/time.h"

#define BACKTRACE_MAX 32

long panic_timeout = -1;
static volatile int panicking;

static void print_symbol(uint64_t addr)
{
	uint64_t start, size;
	const char *name = ksyms_lookup(addr, &start, &size);
	kprintf("  [<%016lx>] ", addr);
	if (name)
		kprintf("%s+0x%lx/0x%lx\n", name, addr - start, size);
	else
		kprintf("?\n");
}

void backtrace_print(uint64_t rip, uint64_t rbp)
{
	kprintf("Backtrace:\n");
	print_symbol(rip);
	for (int depth = 0; depth < BACKTRACE_MAX && rbp; depth++) {
		uint64_t next, ret;
		if ((rbp & 7) || probe_read_u64((void *)rbp, &next) ||
		    probe_read_u64((void *)(rbp + 8), &ret))
			break;
		if (!ret)
			break;
		/* The return address points after the call; show the call itself. */
		print_symbol(ret - 1);
		if (next <= rbp)
			break; /* frames grow upward; anything else is corruption */
		rbp = next;
	}
}

static void print_pf_error(uint64_t err)
{
	kprintf("  (%s, %s, %s%s)", (err & PF_PRESENT) ? "protection" : "not present",
		(err & PF_WRITE) ? "write" : "read", (err & PF_USER) ? "user" : "kernel",
		(err & PF_INSTR) ? ", instruction fetch" : "");
}

/*
 * A kernel-mode fault on a lower-half (user) address outside the user-copy
 * routines: with SMAP an access that reached a present user page, with
 * SMEP an instruction fetch from one. Named so a log says which rule held.
 */
static void print_user_access(const struct trap_frame *tf)
{
	uint64_t addr = read_cr2();
	if (tf->vector != VEC_PF || (tf->cs & 3) || addr >= 0x0000800000000000ull)
		return;
	if (tf->error & PF_INSTR)
		kprintf("kernel instruction fetch from user memory (SMEP)\n");
	else if (tf->error & PF_PRESENT)
		kprintf("kernel access to user memory outside the user-copy routines (SMAP)\n");
	else
		kprintf("kernel access to an unmapped user address\n");
}

/*
 * The task that was running and, inside a system call, the call and its
 * arguments: a random-call test's panic names the call that caused it.
 */
static void print_task(void)
{
	const struct task *t = current_task();
	if (!t)
		return;
	kprintf("task: pid %d (%s)", t->pid, t->comm);
	if (t->in_syscall && t->user_frame) {
		const struct trap_frame *u = t->user_frame;
		kprintf(" in system call %ld (%lx, %lx, %lx, %lx, %lx, %lx)", t->syscall_nr, u->rdi,
			u->rsi, u->rdx, u->r10, u->r8, u->r9);
	}
	kprintf("\n");
}

static void print_registers(const struct trap_frame *tf)
{
	kprintf("RIP: %04lx:%016lx  RSP: %04lx:%016lx  RFLAGS: %08lx\n", tf->cs, tf->rip,
		tf->ss, tf->rsp, tf->rflags);
	kprintf("RAX: %016lx RBX: %016lx RCX: %016lx\n", tf->rax, tf->rbx, tf->rcx);
	kprintf("RDX: %016lx RSI: %016lx RDI: %016lx\n", tf->rdx, tf->rsi, tf->rdi);
	kprintf("RBP: %016lx R8:  %016lx R9:  %016lx\n", tf->rbp, tf->r8, tf->r9);
	kprintf("R10: %016lx R11: %016lx R12: %016lx\n", tf->r10, tf->r11, tf->r12);
	kprintf("R13: %016lx R14: %016lx R15: %016lx\n", tf->r13, tf->r14, tf->r15);
}

static void print_control_registers(void)
{
	kprintf("CR0: %016lx CR2: %016lx CR3: %016lx CR4: %016lx\n", read_cr0(), read_cr2(),
		read_cr3(), read_cr4());
}

/* Stop as panic= says: reset now (<0), never (0), or after N seconds. */
__attribute__((noreturn)) static void panic_finish(void)
{
	if (panic_timeout == 0) {
		kprintf("--- halted (panic=0) ---\n");
		cpu_halt_forever();
	}
	if (panic_timeout > 0) {
		kprintf("--- rebooting in %ld seconds ---\n", panic_timeout);
		time_delay_ns((uint64_t)panic_timeout * 1000000000ull);
	} else {
		kprintf("--- end of panic, resetting ---\n");
	}
	machine_reset();
}

static void panic_enter(void)
{
	cpu_irq_disable();
	if (panicking++) {
		kprintf("\n*** nested panic ***\n");
		machine_reset();
	}
	kprintf("\n******** KERNEL PANIC ********\n");
}

void panic_va(const char *fmt, va_list ap)
{
	/* Start at our caller; the frame pointer chain goes on from its frame. */
	uint64_t *frame = __builtin_frame_address(0);
	panic_enter();
	kvprintf(fmt, ap);
	kprintf("\n");
	print_task();
	print_control_registers();
	backtrace_print((uint64_t)__builtin_return_address(0) - 1, frame[0]);
	panic_finish();
}

void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	panic_va(fmt, ap);
}

void panic_trap(struct trap_frame *tf)
{
	panic_enter();
	kprintf("%s (vector %lu) in %s mode, error code 0x%lx", trap_name((unsigned)tf->vector),
		tf->vector, (tf->cs & 3) ? "user" : "kernel", tf->error);
	if (tf->vector == VEC_PF)
		print_pf_error(tf->error);
	kprintf("\n");
	if (tf->vector == VEC_PF)
		kprintf("faulting address (CR2): %016lx\n", read_cr2());
	print_user_access(tf);
	print_task();
	print_registers(tf);
	print_control_registers();
	backtrace_print(tf->rip, tf->rbp);
	panic_finish();
}

void machine_reset(void)
{
	acpi_reset();
	outb(0xcf9, 0x02);
	outb(0xcf9, 0x06); /* PCI reset control: full reset */
	for (int i = 0; i < 100000 && (inb(0x64) & 0x02); i++)
		cpu_relax();
	outb(0x64, 0xfe); /* keyboard controller: pulse reset */
	/* Last resort: a triple fault through an empty IDT. */
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) none = {0, 0};
	__asm__ volatile("lidt %0; int3" : : "m"(none));
	cpu_halt_forever();
}
