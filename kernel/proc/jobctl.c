/*
 * proc/jobctl.c - controlling terminals and job control at the terminal
 * (kernel/jobctl.h): a session leader acquires a terminal, the foreground
 * process group is set and read, and background processes that read, or
 * write under TOSTOP, or change the settings are stopped with SIGTTIN or
 * SIGTTOU (EIO when their group is orphaned and nothing would resume it).
 *
 * Signals go out with SI_KERNEL and no sender, as Linux's kill_pgrp(.., 1)
 * does, so this is callable from the terminal's interrupt handler as well.
 */
#include "proc.h"

#include "kernel/errno.h"
#include "kernel/jobctl.h"

/* A session lives as long as its leader: when the leader is gone the terminal is free again. */
static void jobctl_forget_dead_session(struct jobctl_tty *tty)
{
	if (!tty->sid)
		return;
	struct task *leader = task_find(tty->sid);
	if (leader && leader->state != TASK_ZOMBIE && leader->sid == tty->sid)
		return;
	tty->sid = 0;
	tty->pgrp = 0;
}

bool jobctl_is_ctty(struct jobctl_tty *tty, const struct task *t)
{
	jobctl_forget_dead_session(tty);
	return t && tty->sid && t->sid == tty->sid;
}

static void jobctl_send_pgrp(int pgrp, int sig)
{
	struct ksiginfo info = {.signo = sig, .code = SI_KERNEL};
	if (pgrp <= 0)
		return;
	for (struct task *t = task_first(); t; t = t->all_next)
		if (t->pgid == pgrp && t->pid > 0 && t->state != TASK_ZOMBIE)
			signal_send_info(t, &info);
}

void jobctl_signal_foreground(struct jobctl_tty *tty, int sig)
{
	jobctl_send_pgrp(tty->pgrp, sig);
}

static void jobctl_attach(struct jobctl_tty *tty, const struct task *t)
{
	tty->sid = t->sid;
	tty->pgrp = t->pgid;
}

void jobctl_open(struct jobctl_tty *tty, bool noctty)
{
	struct task *t = current;
	jobctl_forget_dead_session(tty);
	if (noctty || !t || t->pid != t->sid || tty->sid)
		return;
	jobctl_attach(tty, t);
}

int jobctl_set_ctty(struct jobctl_tty *tty, bool steal)
{
	struct task *t = current;
	if (jobctl_is_ctty(tty, t) && t->pid == t->sid)
		return 0;
	if (t->pid != t->sid)
		return -EPERM; /* only a session leader may acquire a terminal */
	if (tty->sid && !(steal && t->euid == 0))
		return -EPERM;
	jobctl_attach(tty, t);
	return 0;
}

int jobctl_drop_ctty(struct jobctl_tty *tty)
{
	struct task *t = current;
	if (!jobctl_is_ctty(tty, t))
		return -ENOTTY;
	if (t->pid != t->sid)
		return 0; /* only the leader detaches the whole session */
	int pgrp = tty->pgrp;
	tty->sid = 0;
	tty->pgrp = 0;
	jobctl_send_pgrp(pgrp, SIGHUP);
	jobctl_send_pgrp(pgrp, SIGCONT);
	return 0;
}

int jobctl_get_pgrp(struct jobctl_tty *tty)
{
	if (!jobctl_is_ctty(tty, current))
		return -ENOTTY;
	return tty->pgrp;
}

/*
 * Whether process group pgrp has a member (in session sid, or anywhere
 * when sid is 0). Zombies count: a group lives until its last member is
 * reaped, as in Linux, so a pipeline whose first command already exited
 * still has its group.
 */
static bool pgrp_has_member(int pgrp, int sid)
{
	for (struct task *t = task_first(); t; t = t->all_next)
		if (t->pgid == pgrp && t->pid > 0 && (!sid || t->sid == sid))
			return true;
	return false;
}

int jobctl_set_pgrp(struct jobctl_tty *tty, int pgrp)
{
	struct task *t = current;
	if (!jobctl_is_ctty(tty, t))
		return -ENOTTY;
	int err = jobctl_check_change(tty);
	if (err)
		return err;
	if (pgrp < 0)
		return -EINVAL;
	if (!pgrp_has_member(pgrp, 0))
		return -ESRCH;
	if (!pgrp_has_member(pgrp, t->sid))
		return -EPERM;
	tty->pgrp = pgrp;
	return 0;
}

int jobctl_get_sid(struct jobctl_tty *tty)
{
	if (!jobctl_is_ctty(tty, current))
		return -ENOTTY;
	return tty->sid;
}

/*
 * POSIX's orphaned process group: no member has a parent in another group
 * of the same session, so no shell is left to continue it. As in Linux,
 * members whose parent is init do not count as such a link.
 */
static bool pgrp_is_orphaned(int pgrp)
{
	for (struct task *t = task_first(); t; t = t->all_next) {
		struct task *p = t->parent;
		if (t->pgid != pgrp || t->state == TASK_ZOMBIE || !p || p->pid == 1)
			continue;
		if (p->pgid != pgrp && p->sid == t->sid)
			return false;
	}
	return true;
}

static bool sig_ignored_or_blocked(const struct task *t, int sig)
{
	return t->sigaction[sig - 1].handler == SIG_IGN || (t->blocked & sig_bit(sig));
}

/* The current task is in the background of its own terminal tty. */
static bool jobctl_in_background(struct jobctl_tty *tty)
{
	struct task *t = current;
	return jobctl_is_ctty(tty, t) && tty->pgrp && t->pgid != tty->pgrp;
}

int jobctl_check_read(struct jobctl_tty *tty)
{
	struct task *t = current;
	if (!jobctl_in_background(tty))
		return 0;
	if (sig_ignored_or_blocked(t, SIGTTIN) || pgrp_is_orphaned(t->pgid))
		return -EIO;
	jobctl_send_pgrp(t->pgid, SIGTTIN);
	return -ERESTARTSYS;
}

int jobctl_check_change(struct jobctl_tty *tty)
{
	struct task *t = current;
	if (!jobctl_in_background(tty) || sig_ignored_or_blocked(t, SIGTTOU))
		return 0;
	if (pgrp_is_orphaned(t->pgid))
		return -EIO;
	jobctl_send_pgrp(t->pgid, SIGTTOU);
	return -ERESTARTSYS;
}
