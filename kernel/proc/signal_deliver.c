/*
 * proc/signal_deliver.c - what happens to a pending signal on the way back
 * to user mode: the default action (terminate, stop, continue, ignore), or
 * a handler called on a Linux-compatible rt_sigframe (siginfo, ucontext
 * with the saved registers, FXSAVE image), undone by rt_sigreturn. Also
 * the signals that CPU exceptions and refused page faults raise, and
 * restarting interrupted system calls.
 */
#include "proc.h"

#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/fpu.h"
#include "kernel/kstring.h"
#include "kernel/printf.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "mmcore/mm.h"

int signal_copy_siginfo(uint64_t uaddr, const struct ksiginfo *in);
bool signal_on_altstack(struct task *t, uint64_t sp);

/* Linux's struct sigcontext (x86-64), 256 bytes. */
struct sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved1[8];
};

struct ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	uint64_t ss_sp;
	int32_t ss_flags, ss_pad;
	uint64_t ss_size;
	struct sigcontext mcontext;
	sigset_t sigmask;
};

struct rt_sigframe {
	uint64_t pretcode;
	struct ucontext uc;
	uint8_t info[128];
};

#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4
#define RED_ZONE 128
/* Flags a signal handler may change through the saved eflags (Linux's FIX_EFLAGS). */
#define FIX_EFLAGS 0x50dd5ull
#define RFLAGS_RESERVED1 0x2ull
#define RFLAGS_TF (1ull << 8)
#define RFLAGS_DF (1ull << 10)

static void syscall_restart_check(struct trap_frame *tf, const struct k_sigaction *ka)
{
	struct task *t = current;
	if (!t->in_syscall)
		return;
	t->in_syscall = false;
	long r = (long)tf->rax;
	bool restart = false;
	if (r == -ERESTARTNOINTR)
		restart = true;
	else if (r == -ERESTARTSYS)
		restart = !ka || (ka->flags & SA_RESTART);
	else if (r == -ERESTARTNOHAND)
		restart = !ka;
	else
		return;
	if (restart) {
		tf->rax = (uint64_t)t->syscall_nr;
		tf->rip -= 2; /* back onto the SYSCALL instruction */
	} else {
		tf->rax = (uint64_t)-EINTR;
	}
}

static void sigcontext_fill(struct sigcontext *sc, const struct trap_frame *tf, uint64_t fpstate)
{
	*sc = (struct sigcontext){
		.r8 = tf->r8, .r9 = tf->r9, .r10 = tf->r10, .r11 = tf->r11, .r12 = tf->r12,
		.r13 = tf->r13, .r14 = tf->r14, .r15 = tf->r15, .rdi = tf->rdi, .rsi = tf->rsi,
		.rbp = tf->rbp, .rbx = tf->rbx, .rdx = tf->rdx, .rax = tf->rax, .rcx = tf->rcx,
		.rsp = tf->rsp, .rip = tf->rip, .eflags = tf->rflags, .cs = (uint16_t)tf->cs,
		.ss = (uint16_t)tf->ss, .err = tf->vector < 32 ? tf->error : 0,
		.trapno = tf->vector < 32 ? tf->vector : 0, .oldmask = current->blocked,
		.fpstate = fpstate,
	};
	if (tf->vector == VEC_PF)
		sc->cr2 = current->siginfo[SIGSEGV - 1].addr;
}

/* Build the frame for handler ka of sig on the user stack; 0 or -EFAULT. */
static int signal_setup_frame(struct trap_frame *tf, int sig, const struct k_sigaction *ka)
{
	struct task *t = current;
	uint64_t sp = tf->rsp - RED_ZONE;
	bool on_alt = signal_on_altstack(t, tf->rsp);
	if ((ka->flags & SA_ONSTACK) && t->altstack_size && !on_alt)
		sp = t->altstack_sp + t->altstack_size;
	uint64_t fp_addr = (sp - sizeof(struct fpu_state)) & ~63ull;
	uint64_t frame_addr = ((fp_addr - sizeof(struct rt_sigframe)) & ~15ull) - 8;

	static struct rt_sigframe frame;
	static struct fpu_state fpu;
	__builtin_memset(&frame, 0, sizeof(frame));
	fpu_save(&fpu);
	frame.pretcode = ka->restorer;
	frame.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	frame.uc.ss_sp = t->altstack_sp;
	frame.uc.ss_size = t->altstack_size;
	frame.uc.ss_flags = !t->altstack_size ? 2 : on_alt ? 1 : 0;
	sigcontext_fill(&frame.uc.mcontext, tf, fp_addr);
	frame.uc.sigmask = t->restore_blocked ? t->saved_blocked : t->blocked;
	if (copy_to_user(fp_addr, &fpu, sizeof(fpu)) ||
	    copy_to_user(frame_addr, &frame, sizeof(frame)) ||
	    signal_copy_siginfo(frame_addr + offsetof(struct rt_sigframe, info),
				&t->siginfo[sig - 1]))
		return -EFAULT;

	tf->rdi = (uint64_t)sig;
	tf->rsi = frame_addr + offsetof(struct rt_sigframe, info);
	tf->rdx = frame_addr + offsetof(struct rt_sigframe, uc);
	tf->rax = 0;
	tf->rsp = frame_addr;
	tf->rip = ka->handler;
	tf->cs = 0x23;
	tf->ss = 0x1b;
	tf->rflags &= ~(RFLAGS_DF | RFLAGS_TF | RFLAGS_AC);
	fpu_reset(&fpu);
	fpu_restore(&fpu);
	return 0;
}

/* Terminate, stop or ignore as sig's default action says. */
static void signal_default(int sig)
{
	switch (signal_default_action(sig)) {
	case 0:
	case 4:
		return;
	case 3:
		signal_job_control(current, sig);
		return;
	default:
		task_exit(WSTATUS_SIGNALED(sig, 0));
	}
}

static void signal_handle(struct trap_frame *tf, int sig)
{
	struct task *t = current;
	struct k_sigaction ka = t->sigaction[sig - 1];
	if (ka.handler == SIG_IGN) {
		return;
	}
	if (ka.handler == SIG_DFL) {
		signal_default(sig);
		return;
	}
	syscall_restart_check(tf, &ka);
	if (signal_setup_frame(tf, sig, &ka)) {
		/* The stack cannot take the frame: Linux forces SIGSEGV. */
		t->sigaction[SIGSEGV - 1].handler = SIG_DFL;
		task_exit(WSTATUS_SIGNALED(SIGSEGV, 0));
	}
	/* The handler runs with the current mask (sigsuspend's temporary one, if
	 * any) plus sa_mask; the frame saved the mask sigreturn puts back. */
	t->restore_blocked = false;
	t->blocked |= ka.mask;
	if (!(ka.flags & SA_NODEFER))
		t->blocked |= sig_bit(sig);
	t->blocked &= ~(sig_bit(SIGKILL) | sig_bit(SIGSTOP));
	if (ka.flags & SA_RESETHAND)
		t->sigaction[sig - 1].handler = SIG_DFL;
}

/* Lowest pending unblocked signal (SIGKILL first), or 0. */
static int signal_next(struct task *t)
{
	if (t->pending & sig_bit(SIGKILL))
		return SIGKILL;
	sigset_t ready = t->pending & ~t->blocked;
	return ready ? __builtin_ctzll(ready) + 1 : 0;
}

void proc_return_to_user(struct trap_frame *tf)
{
	struct task *t = current;
	if (!t || t->pid == 0)
		return;
	for (;;) {
		if (sched_need_resched)
			schedule();
		while (t->state == TASK_STOPPED && !(t->pending & sig_bit(SIGKILL)))
			schedule();
		int sig = signal_next(t);
		if (!sig)
			break;
		t->pending &= ~sig_bit(sig);
		signal_handle(tf, sig);
		signal_promote(t, sig);
	}
	syscall_restart_check(tf, NULL);
	if (t->restore_blocked) {
		t->blocked = t->saved_blocked;
		t->restore_blocked = false;
	}
}

SYSCALL_DEFINE(15, rt_sigreturn)
{
	struct task *t = current;
	struct trap_frame *tf = t->user_frame;
	uint64_t frame_addr = tf->rsp - 8;
	static struct ucontext uc;
	static struct fpu_state fpu;
	if (copy_from_user(&uc, frame_addr + offsetof(struct rt_sigframe, uc), sizeof(uc)))
		goto bad;
	const struct sigcontext *sc = &uc.mcontext;
	if (sc->fpstate) {
		if (copy_from_user(&fpu, sc->fpstate, sizeof(fpu)))
			goto bad;
		fpu_sanitize(&fpu);
		fpu_restore(&fpu);
	}
	tf->r8 = sc->r8; tf->r9 = sc->r9; tf->r10 = sc->r10; tf->r11 = sc->r11;
	tf->r12 = sc->r12; tf->r13 = sc->r13; tf->r14 = sc->r14; tf->r15 = sc->r15;
	tf->rdi = sc->rdi; tf->rsi = sc->rsi; tf->rbp = sc->rbp; tf->rbx = sc->rbx;
	tf->rdx = sc->rdx; tf->rax = sc->rax; tf->rcx = sc->rcx; tf->rsp = sc->rsp;
	tf->rip = sc->rip;
	tf->rflags = (tf->rflags & ~FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS) | RFLAGS_RESERVED1;
	tf->cs = 0x23;
	tf->ss = 0x1b;
	t->blocked = uc.sigmask & ~(sig_bit(SIGKILL) | sig_bit(SIGSTOP));
	t->in_syscall = false; /* never restart rt_sigreturn itself */
	return (long)tf->rax;
bad:
	t->sigaction[SIGSEGV - 1].handler = SIG_DFL;
	signal_send(t, SIGSEGV);
	return (long)tf->rax;
}

/* A signal the CPU raised: it cannot be blocked or ignored away (Linux's force_sig). */
static void signal_force(int sig, int code, uint64_t addr)
{
	struct task *t = current;
	struct k_sigaction *ka = &t->sigaction[sig - 1];
	if (ka->handler == SIG_IGN || (t->blocked & sig_bit(sig))) {
		ka->handler = SIG_DFL;
		t->blocked &= ~sig_bit(sig);
	}
	struct ksiginfo info = {.signo = sig, .code = code, .addr = addr};
	signal_send_info(t, &info);
}

void proc_user_exception(struct trap_frame *tf)
{
	switch (tf->vector) {
	case VEC_DE:
		signal_force(SIGFPE, FPE_INTDIV, tf->rip);
		break;
	case 1: case 3:
		signal_force(SIGTRAP, SI_KERNEL, 0);
		break;
	case 6:
		signal_force(SIGILL, ILL_ILLOPN, tf->rip);
		break;
	case 16: case 19:
		signal_force(SIGFPE, 0, tf->rip);
		break;
	case 17:
		signal_force(SIGBUS, SI_KERNEL, 0);
		break;
	default: /* #GP, #SS, #NP and the rest */
		signal_force(SIGSEGV, SI_KERNEL, 0);
		break;
	}
}

void proc_user_fault(struct trap_frame *tf, uint64_t addr, int result)
{
	struct task *t = current;
	if (result == FAULT_OOM) {
		klog("oom: killing pid %d (%s): no memory for a fault at %lx\n", t->pid, t->comm,
		     addr);
		t->oom_killed = true;
		signal_send(t, SIGKILL);
		return;
	}
	if (result == FAULT_SIGBUS) {
		signal_force(SIGBUS, BUS_ADRERR, addr);
		return;
	}
	bool mapped = t->mm && vma_lookup(&t->mm->vmas, addr) != NULL;
	signal_force(SIGSEGV, mapped ? SEGV_ACCERR : SEGV_MAPERR, addr);
}
