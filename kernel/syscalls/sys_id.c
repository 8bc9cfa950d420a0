/*
 * syscalls/sys_id.c - who a process is: pids, the parent, process groups
 * and sessions (with POSIX's rules for setpgid and setsid), and the user
 * and group ids (everything runs as root; the set* calls follow Linux's
 * rules for a privileged caller).
 */
#include "kernel/errno.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"

SYSCALL_DEFINE(39, getpid) { return current->tgid; }
SYSCALL_DEFINE(186, gettid) { return current->pid; }
SYSCALL_DEFINE(110, getppid) { return current->parent ? current->parent->tgid : 0; }

/* Zombies count: a group lives until its last member is reaped (Linux). */
static bool pgrp_exists_in_session(int pgid, int sid)
{
	for (struct task *t = task_first(); t; t = t->all_next)
		if (t->pgid == pgid && t->sid == sid)
			return true;
	return false;
}

SYSCALL_DEFINE(109, setpgid)
{
	int pid = (int)a0, pgid = (int)a1;
	struct task *me = current, *t;
	/* Linux's order: a zero pid is the caller, a zero pgid the pid; then the sign check. */
	if (pid == 0)
		pid = me->pid;
	if (pgid == 0)
		pgid = pid;
	if (pgid < 0)
		return -EINVAL;
	t = task_find(pid);
	if (!t || (t != me && t->parent != me))
		return -ESRCH;
	if (t != me && t->sid != me->sid)
		return -EPERM;
	if (t != me && t->did_exec)
		return -EACCES; /* a child may be moved only before it execs */
	if (t->pid == t->sid)
		return -EPERM; /* a session leader */
	if (t->sid != me->sid)
		return -EPERM;
	if (pgid != t->pid && !pgrp_exists_in_session(pgid, me->sid))
		return -EPERM;
	t->pgid = pgid;
	return 0;
}

SYSCALL_DEFINE(121, getpgid)
{
	struct task *t = a0 ? task_find((int)a0) : current;
	return t ? t->pgid : -ESRCH;
}

SYSCALL_DEFINE(111, getpgrp) { return current->pgid; }

SYSCALL_DEFINE(112, setsid)
{
	struct task *me = current;
	/* Fails for a group leader, or when another process already uses our pid as its group. */
	if (me->pgid == me->pid || pgrp_exists_in_session(me->pid, me->sid))
		return -EPERM;
	me->sid = me->pgid = me->pid;
	return me->sid;
}

SYSCALL_DEFINE(124, getsid)
{
	struct task *t = a0 ? task_find((int)a0) : current;
	return t ? t->sid : -ESRCH;
}

SYSCALL_DEFINE(102, getuid) { return current->uid; }
SYSCALL_DEFINE(107, geteuid) { return current->euid; }
SYSCALL_DEFINE(104, getgid) { return current->gid; }
SYSCALL_DEFINE(108, getegid) { return current->egid; }

SYSCALL_DEFINE(118, getresuid)
{
	struct task *t = current;
	if (put_user_u32(a0, t->uid) || put_user_u32(a1, t->euid) || put_user_u32(a2, t->suid))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(120, getresgid)
{
	struct task *t = current;
	if (put_user_u32(a0, t->gid) || put_user_u32(a1, t->egid) || put_user_u32(a2, t->sgid))
		return -EFAULT;
	return 0;
}

/* -1 (as u32) means "leave unchanged" in the set*id calls. */
static void id_set(uint32_t *dst, uint64_t v)
{
	if ((uint32_t)v != 0xffffffffu)
		*dst = (uint32_t)v;
}

static bool id_allowed(const struct task *t, uint32_t r, uint32_t e, uint32_t s, uint64_t v)
{
	uint32_t x = (uint32_t)v;
	return t->euid == 0 || x == 0xffffffffu || x == r || x == e || x == s;
}

/*
 * setuid/setgid: a privileged caller sets all three ids; anyone else may
 * set the effective id to the real or saved one.
 */
static long id_set_single(const struct task *t, uint32_t *r, uint32_t *e, uint32_t *sv, uint64_t v)
{
	uint32_t id = (uint32_t)v;
	if (t->euid == 0) {
		*r = *e = *sv = id;
		return 0;
	}
	if (id != *r && id != *sv)
		return -EPERM;
	*e = id;
	return 0;
}

SYSCALL_DEFINE(105, setuid)
{
	struct task *t = current;
	return id_set_single(t, &t->uid, &t->euid, &t->suid, a0);
}

SYSCALL_DEFINE(106, setgid)
{
	struct task *t = current;
	return id_set_single(t, &t->gid, &t->egid, &t->sgid, a0);
}

/* setresuid/setresgid: each new id (-1: unchanged) must be one of the three, unless privileged. */
static long id_set_triple(const struct task *t, uint32_t *r, uint32_t *e, uint32_t *sv,
			  const uint64_t v[3])
{
	for (int i = 0; i < 3; i++)
		if (!id_allowed(t, *r, *e, *sv, v[i]))
			return -EPERM;
	id_set(r, v[0]);
	id_set(e, v[1]);
	id_set(sv, v[2]);
	return 0;
}

SYSCALL_DEFINE(117, setresuid)
{
	struct task *t = current;
	const uint64_t v[3] = {a0, a1, a2};
	return id_set_triple(t, &t->uid, &t->euid, &t->suid, v);
}

SYSCALL_DEFINE(119, setresgid)
{
	struct task *t = current;
	const uint64_t v[3] = {a0, a1, a2};
	return id_set_triple(t, &t->gid, &t->egid, &t->sgid, v);
}

SYSCALL_DEFINE(113, setreuid) { return sys_setresuid(a0, a1, 0xffffffffu, 0, 0, 0); }
SYSCALL_DEFINE(114, setregid) { return sys_setresgid(a0, a1, 0xffffffffu, 0, 0, 0); }

/* No supplementary groups. */
SYSCALL_DEFINE(115, getgroups) { return (int)a0 < 0 ? -EINVAL : 0; }

SYSCALL_DEFINE(116, setgroups) { return current->euid == 0 ? 0 : -EPERM; }
