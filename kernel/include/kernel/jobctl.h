/*
 * kernel/jobctl.h - controlling terminals and the job-control rules a
 * terminal enforces (POSIX, as Linux applies them): which session a
 * terminal belongs to, its foreground process group, and what happens when
 * a background process reads, writes or changes the terminal (SIGTTIN,
 * SIGTTOU, EIO for orphaned groups).
 *
 * A task's controlling terminal is the terminal whose session is the
 * task's session, so setsid() leaves the old terminal behind by itself and
 * fork() inherits it. There is one terminal today (the serial console),
 * but nothing here assumes that.
 */
#ifndef KERNEL_JOBCTL_H
#define KERNEL_JOBCTL_H

#include <stdbool.h>

struct task;

/* The job-control state of one terminal. Zero-filled: no session. */
struct jobctl_tty {
	int sid;  /* the session this is the controlling terminal of; 0 none */
	int pgrp; /* its foreground process group; 0 none */
};

/* True when tty is t's controlling terminal (a session whose leader has exited lets go first). */
bool jobctl_is_ctty(struct jobctl_tty *tty, const struct task *t);
/* An open without O_NOCTTY: a session leader with no terminal acquires tty if it is free. */
void jobctl_open(struct jobctl_tty *tty, bool noctty);
/* TIOCSCTTY: make tty the current session leader's terminal (steal: take it from another session, root only). 0 or -EPERM. */
int jobctl_set_ctty(struct jobctl_tty *tty, bool steal);
/* TIOCNOTTY: drop tty as the caller's terminal (the leader sends SIGHUP and SIGCONT to the foreground). 0 or -ENOTTY. */
int jobctl_drop_ctty(struct jobctl_tty *tty);
/* TIOCGPGRP: the foreground group (0 none), or -ENOTTY when tty is not the caller's terminal. */
int jobctl_get_pgrp(struct jobctl_tty *tty);
/* TIOCSPGRP: 0, or -ENOTTY/-EINVAL/-ESRCH/-EPERM, or -ERESTARTSYS after SIGTTOU (background caller). */
int jobctl_set_pgrp(struct jobctl_tty *tty, int pgrp);
/* TIOCGSID: the session, or -ENOTTY when tty is not the caller's terminal. */
int jobctl_get_sid(struct jobctl_tty *tty);
/*
 * A read by the current task: 0 allowed, -EIO (background and SIGTTIN
 * ignored, blocked or the group orphaned), or -ERESTARTSYS once SIGTTIN
 * went to the caller's group.
 */
int jobctl_check_read(struct jobctl_tty *tty);
/*
 * A write (when TOSTOP is set) or a change of terminal settings by the
 * current task: 0 allowed (foreground, or SIGTTOU ignored or blocked),
 * -EIO (orphaned background group), or -ERESTARTSYS once SIGTTOU was sent.
 */
int jobctl_check_change(struct jobctl_tty *tty);
/* Send sig to the foreground group of tty (a signal character); callable from interrupt context. */
void jobctl_signal_foreground(struct jobctl_tty *tty, int sig);

#endif
