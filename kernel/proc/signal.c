/*
 * proc/signal.c - generating signals and the system calls that manage
 * them: kill, tgkill, tkill, rt_sigqueueinfo, rt_sigaction, rt_sigprocmask, rt_sigpending,
 * rt_sigsuspend, pause, rt_sigtimedwait, sigaltstack. Delivery is in
 * signal_deliver.c.
 */
#include "proc.h"

#include "kernel/errno.h"
#include "kernel/kstring.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"

#define UNBLOCKABLE (sig_bit(SIGKILL) | sig_bit(SIGSTOP))
#define STOP_SIGNALS (sig_bit(SIGSTOP) | sig_bit(SIGTSTP) | sig_bit(SIGTTIN) | sig_bit(SIGTTOU))

static bool sig_valid(int sig) { return sig >= 1 && sig <= NSIG; }

int signal_default_action(int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGURG: case SIGWINCH:
		return 0;
	case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE:
	case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
		return 2;
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return 3;
	case SIGCONT:
		return 4;
	default:
		return 1;
	}
}

/* Does t's disposition of sig ignore it (SIG_IGN, or a default of ignore)? */
static bool handler_ignores(struct task *t, int sig)
{
	uint64_t h = t->sigaction[sig - 1].handler;
	if (sig == SIGKILL || sig == SIGSTOP)
		return false;
	if (h == SIG_IGN)
		return true;
	return h == SIG_DFL && signal_default_action(sig) == 0;
}

/* Would t discard sig at generation? Only when ignored and not blocked: a
 * blocked signal stays pending, as its handler may change before unblocking. */
static bool sig_ignored(struct task *t, int sig)
{
	return !(t->blocked & sig_bit(sig)) && handler_ignores(t, sig);
}

int signal_queue_info(struct task *t, const struct ksiginfo *info)
{
	int sig = info->signo;
	if (!t || t->state == TASK_ZOMBIE || !sig_valid(sig))
		return 0;
	/* SIGCONT resumes even when ignored; stop signals cancel a pending SIGCONT. */
	if (sig == SIGCONT || sig == SIGKILL)
		signal_job_control(t, sig);
	else if (STOP_SIGNALS & sig_bit(sig))
		t->pending &= ~sig_bit(SIGCONT);
	if (sig_ignored(t, sig))
		return 0;
	if (!(t->pending & sig_bit(sig))) {
		t->siginfo[sig - 1] = *info;
	} else if (sig >= SIGRTMIN) {
		/* real-time signals queue every instance (Linux: up to RLIMIT_SIGPENDING) */
		if (t->rtqueue_len >= TASK_RTQUEUE)
			return -EAGAIN;
		t->rtqueue[t->rtqueue_len++] = *info;
	}
	t->pending |= sig_bit(sig);
	if ((sig_bit(sig) & ~t->blocked) || sig == SIGKILL)
		if (t->state == TASK_SLEEPING)
			task_wake(t);
	return 0;
}

void signal_send_info(struct task *t, const struct ksiginfo *info)
{
	(void)signal_queue_info(t, info);
}

void signal_promote(struct task *t, int sig)
{
	if (t->pending & sig_bit(sig))
		return; /* a new instance arrived meanwhile and is the pending one */
	for (int i = 0; i < t->rtqueue_len; i++)
		if (t->rtqueue[i].signo == sig) {
			t->siginfo[sig - 1] = t->rtqueue[i];
			for (int j = i + 1; j < t->rtqueue_len; j++)
				t->rtqueue[j - 1] = t->rtqueue[j];
			t->rtqueue_len--;
			t->pending |= sig_bit(sig);
			return;
		}
}

/* Drop every pending instance of sig (it became ignored). */
void signal_discard(struct task *t, int sig)
{
	int n = 0;
	for (int i = 0; i < t->rtqueue_len; i++)
		if (t->rtqueue[i].signo != sig)
			t->rtqueue[n++] = t->rtqueue[i];
	t->rtqueue_len = n;
	t->pending &= ~sig_bit(sig);
}

void signal_send(struct task *t, int sig)
{
	struct task *me = current;
	struct ksiginfo info = {.signo = sig, .code = SI_USER,
				.pid = me ? me->tgid : 0, .uid = me ? (int)me->uid : 0};
	signal_send_info(t, &info);
}

bool signal_pending(void)
{
	struct task *t = current;
	return t && ((t->pending & ~t->blocked) || (t->pending & sig_bit(SIGKILL)));
}

/*
 * Linux's kill_ok_by_cred: the sender is privileged, or its real or
 * effective uid is the target's real or saved uid; SIGCONT may also go to
 * any process of the sender's session.
 */
static bool kill_permitted(const struct task *t, int sig)
{
	const struct task *me = current;
	if (!me || me->euid == 0)
		return true;
	if (me->euid == t->uid || me->euid == t->suid || me->uid == t->uid || me->uid == t->suid)
		return true;
	return sig == SIGCONT && me->sid == t->sid;
}

static int send_checked(struct task *t, int sig)
{
	if (!kill_permitted(t, sig))
		return -EPERM;
	if (sig)
		signal_send(t, sig);
	return 0;
}

/* Several targets: success if any was signalled, else EPERM (none permitted) or ESRCH. */
static int send_result(int found, int sent)
{
	return sent ? 0 : found ? -EPERM : -ESRCH;
}

int signal_send_pgrp(int pgid, int sig)
{
	int found = 0, sent = 0;
	/* Zombies still belong to their group until reaped: they count (and ignore the signal). */
	for (struct task *t = task_first(); t; t = t->all_next)
		if (t->pgid == pgid && t->pid > 0) {
			sent += send_checked(t, sig) == 0;
			found = 1;
		}
	return send_result(found, sent);
}

SYSCALL_DEFINE(62, kill)
{
	int pid = (int)a0, sig = (int)a1;
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid > 0) {
		/* an unreaped zombie still exists: kill succeeds and does nothing */
		struct task *t = task_find(pid);
		if (!t)
			return -ESRCH;
		return send_checked(t, sig);
	}
	if (pid == 0)
		return signal_send_pgrp(current->pgid, sig);
	if (pid < -1)
		return signal_send_pgrp(-pid, sig);
	/* -1: every process except init and the caller that the caller may signal. */
	int found = 0, sent = 0;
	for (struct task *t = task_first(); t; t = t->all_next)
		if (t->pid > 1 && t != current && t->state != TASK_ZOMBIE) {
			sent += send_checked(t, sig) == 0;
			found = 1;
		}
	return send_result(found, sent);
}

static long tkill_common(int tgid, int tid, int sig)
{
	if (tid <= 0 || sig < 0 || sig > NSIG)
		return -EINVAL;
	struct task *t = task_find(tid);
	if (!t || t->state == TASK_ZOMBIE || (tgid > 0 && t->tgid != tgid))
		return -ESRCH;
	if (!kill_permitted(t, sig))
		return -EPERM;
	if (sig) {
		struct ksiginfo info = {.signo = sig, .code = SI_TKILL, .pid = current->tgid,
					.uid = (int)current->uid};
		signal_send_info(t, &info);
	}
	return 0;
}

SYSCALL_DEFINE(234, tgkill)
{
	if ((int)a0 <= 0)
		return -EINVAL;
	return tkill_common((int)a0, (int)a1, (int)a2);
}

SYSCALL_DEFINE(200, tkill) { return tkill_common(0, (int)a0, (int)a1); }

/*
 * rt_sigqueueinfo(pid, sig, info): sigqueue's system call. The sender's
 * siginfo is passed on (code, pid, uid, value), but only to itself may a
 * process claim a kill() or kernel code (si_code >= 0) or SI_TKILL.
 */
SYSCALL_DEFINE(129, rt_sigqueueinfo)
{
	int pid = (int)a0, sig = (int)a1;
	int32_t u[8];
	if (copy_from_user(u, a2, sizeof(u)))
		return -EFAULT;
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	struct task *t = pid > 0 ? task_find(pid) : NULL;
	if (!t)
		return -ESRCH;
	if ((u[2] >= 0 || u[2] == SI_TKILL) && t->tgid != current->tgid)
		return -EPERM;
	if (!sig)
		return 0;
	struct ksiginfo info = {.signo = sig, .code = u[2], .pid = u[4], .uid = u[5]};
	__builtin_memcpy(&info.value, &u[6], sizeof(info.value));
	return signal_queue_info(t, &info);
}

SYSCALL_DEFINE(13, rt_sigaction)
{
	int sig = (int)a0;
	struct k_sigaction act;
	if (a3 != sizeof(sigset_t) || !sig_valid(sig))
		return -EINVAL;
	struct k_sigaction *cur = &current->sigaction[sig - 1];
	if (a1) {
		if (copy_from_user(&act, a1, sizeof(act)))
			return -EFAULT;
		if (sig == SIGKILL || sig == SIGSTOP)
			return -EINVAL;
	}
	if (a2 && copy_to_user(a2, cur, sizeof(*cur)))
		return -EFAULT;
	if (a1) {
		act.mask &= ~UNBLOCKABLE;
		*cur = act;
		/* Setting a signal to be ignored discards it if pending (POSIX). */
		if (handler_ignores(current, sig))
			signal_discard(current, sig);
	}
	return 0;
}

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

SYSCALL_DEFINE(14, rt_sigprocmask)
{
	sigset_t set, old = current->blocked;
	if (a3 != sizeof(sigset_t))
		return -EINVAL;
	if (a1) {
		if (copy_from_user(&set, a1, sizeof(set)))
			return -EFAULT;
		set &= ~UNBLOCKABLE;
		if (a0 == SIG_BLOCK)
			current->blocked |= set;
		else if (a0 == SIG_UNBLOCK)
			current->blocked &= ~set;
		else if (a0 == SIG_SETMASK)
			current->blocked = set;
		else
			return -EINVAL;
	}
	if (a2 && copy_to_user(a2, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(127, rt_sigpending)
{
	if (a1 > sizeof(sigset_t))
		return -EINVAL;
	sigset_t p = current->pending & current->blocked;
	return copy_to_user(a0, &p, a1) ? -EFAULT : 0;
}

/* Sleep until a signal is delivered (the condition never holds). */
static long sleep_for_signal(void)
{
	while (waitq_wait(NULL, NULL, NULL) == 0)
		;
	return -ERESTARTNOHAND;
}

SYSCALL_DEFINE(34, pause) { return sleep_for_signal(); }

SYSCALL_DEFINE(130, rt_sigsuspend)
{
	sigset_t set;
	if (a1 != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&set, a0, sizeof(set)))
		return -EFAULT;
	struct task *t = current;
	t->saved_blocked = t->blocked;
	t->restore_blocked = true;
	t->blocked = set & ~UNBLOCKABLE;
	return sleep_for_signal();
}

struct timespec64 {
	int64_t sec, nsec;
};

/* Copy a siginfo the way Linux lays it out for the user (128 bytes). */
int signal_copy_siginfo(uint64_t uaddr, const struct ksiginfo *in)
{
	uint8_t buf[128];
	__builtin_memset(buf, 0, sizeof(buf));
	int32_t *w = (int32_t *)buf;
	w[0] = in->signo;
	w[2] = in->code;
	if (in->signo == SIGSEGV || in->signo == SIGBUS || in->signo == SIGILL ||
	    in->signo == SIGFPE || in->signo == SIGTRAP) {
		if (in->code > 0) {
			*(uint64_t *)(buf + 16) = in->addr;
			return copy_to_user(uaddr, buf, sizeof(buf));
		}
	}
	w[4] = in->pid;
	w[5] = in->uid;
	if (in->signo == SIGCHLD)
		w[6] = in->status;
	else if (in->code == SI_QUEUE)
		*(uint64_t *)(buf + 24) = in->value;
	return copy_to_user(uaddr, buf, sizeof(buf));
}

struct sigwait_arg {
	struct task *t;
	sigset_t set;
};

static bool sigwait_ready(void *p)
{
	struct sigwait_arg *a = p;
	return (a->t->pending & a->set) != 0;
}

SYSCALL_DEFINE(128, rt_sigtimedwait)
{
	sigset_t set;
	struct timespec64 ts;
	uint64_t deadline = 0;
	if (a3 != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&set, a0, sizeof(set)))
		return -EFAULT;
	set &= ~UNBLOCKABLE;
	if (a2) {
		if (copy_from_user(&ts, a2, sizeof(ts)))
			return -EFAULT;
		if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
			return -EINVAL;
		deadline = time_ns() + (uint64_t)ts.sec * 1000000000ull + (uint64_t)ts.nsec;
		if (!deadline)
			deadline = 1;
	}
	struct task *t = current;
	/*
	 * As Linux does, the waited-for signals are unblocked while waiting, so
	 * that sending one wakes the task; the wait takes it before delivery.
	 */
	sigset_t old_blocked = t->blocked;
	t->blocked &= ~set;
	struct sigwait_arg arg = {t, set};
	int r = 0;
	if (!sigwait_ready(&arg))
		r = waitq_wait_until(NULL, sigwait_ready, &arg, deadline);
	t->blocked = old_blocked;
	if (!sigwait_ready(&arg))
		return r == -ETIMEDOUT ? -EAGAIN : -EINTR;
	int sig = __builtin_ctzll(t->pending & set) + 1;
	struct ksiginfo info = t->siginfo[sig - 1];
	t->pending &= ~sig_bit(sig);
	signal_promote(t, sig);
	if (a1 && signal_copy_siginfo(a1, &info))
		return -EFAULT;
	return sig;
}

#define SS_ONSTACK 1
#define SS_DISABLE 2
#define MINSIGSTKSZ 2048

struct user_stack_t {
	uint64_t sp;
	int32_t flags, pad;
	uint64_t size;
};

bool signal_on_altstack(struct task *t, uint64_t sp)
{
	return t->altstack_size && sp > t->altstack_sp && sp - t->altstack_sp <= t->altstack_size;
}

SYSCALL_DEFINE(131, sigaltstack)
{
	struct task *t = current;
	struct user_stack_t ss, old = {.sp = t->altstack_sp, .size = t->altstack_size};
	bool on = signal_on_altstack(t, t->user_frame ? t->user_frame->rsp : 0);
	old.flags = on ? SS_ONSTACK : (t->altstack_size ? 0 : SS_DISABLE);
	if (a0) {
		if (copy_from_user(&ss, a0, sizeof(ss)))
			return -EFAULT;
		if (on)
			return -EPERM;
		if (ss.flags & ~SS_DISABLE)
			return -EINVAL;
		if (ss.flags & SS_DISABLE) {
			t->altstack_sp = t->altstack_size = 0;
		} else {
			if (ss.size < MINSIGSTKSZ)
				return -ENOMEM;
			t->altstack_sp = ss.sp;
			t->altstack_size = ss.size;
		}
	}
	if (a1 && copy_to_user(a1, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

void signal_job_control(struct task *t, int sig)
{
	if (sig == SIGCONT || sig == SIGKILL) {
		t->pending &= ~STOP_SIGNALS;
		if (t->state != TASK_STOPPED)
			return;
		task_resume_stopped(t);
		if (sig == SIGCONT) {
			t->stop_report = WSTATUS_CONTINUED;
			signal_notify_parent(t, CLD_CONTINUED, SIGCONT);
		}
		return;
	}
	/* A stop signal being delivered to t (the current task). */
	t->pending &= ~sig_bit(SIGCONT);
	t->state = TASK_STOPPED;
	t->stop_report = WSTATUS_STOPPED(sig);
	signal_notify_parent(t, CLD_STOPPED, sig);
}

void signal_notify_parent(struct task *t, int code, int status)
{
	struct task *p = t->parent;
	if (!p)
		return;
	const struct k_sigaction *ka = &p->sigaction[SIGCHLD - 1];
	bool is_stop = code == CLD_STOPPED || code == CLD_CONTINUED;
	if (!(is_stop && (ka->flags & SA_NOCLDSTOP)) && (is_stop || t->exit_signal)) {
		int sig = is_stop ? SIGCHLD : t->exit_signal;
		struct ksiginfo info = {.signo = sig, .code = code, .pid = t->pid,
					.uid = (int)t->uid, .status = status};
		signal_send_info(p, &info);
	}
	waitq_wake_all(&p->child_wait);
}
