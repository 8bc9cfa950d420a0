/*
 * syscalls/sys_misc.c - the small calls C libraries make at start-up and
 * programs make now and then: getrandom, arch_prctl (FS base),
 * set_tid_address, robust lists, rseq (absent), resource limits, sysinfo,
 * prctl (names, dumpable, parent-death signal, child subreaper), scheduling queries and getrusage (uname is sys_uts.c, reboot
 * sys_reboot.c).
 */
#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/kstring.h"
#include "kernel/physmem.h"
#include "kernel/random.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "mmcore/buddy.h"
#include "mmcore/mm.h"

#define MSR_FS_BASE 0xc0000100u

#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4

SYSCALL_DEFINE(318, getrandom)
{
	if (a2 & ~(uint64_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((a2 & GRND_INSECURE) && (a2 & GRND_RANDOM))
		return -EINVAL;
	uint64_t len = a1 > 0x1ffffff ? 0x1ffffff : a1; /* Linux caps one call at 32 MiB - 1 */
	uint8_t buf[256];
	for (uint64_t done = 0; done < len;) {
		uint64_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);
		random_bytes(buf, n);
		if (copy_to_user(a0 + done, buf, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return (long)len;
}

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

SYSCALL_DEFINE(158, arch_prctl)
{
	switch (a0) {
	case ARCH_SET_FS:
		if (a1 >= USER_VA_END)
			return -EPERM;
		current->fs_base = a1;
		wrmsr(MSR_FS_BASE, a1);
		return 0;
	case ARCH_GET_FS:
		return put_user_u64(a1, current->fs_base) ? -EFAULT : 0;
	case ARCH_GET_GS:
		return put_user_u64(a1, 0) ? -EFAULT : 0;
	case ARCH_SET_GS:
		return -EPERM; /* user GS bases are not switched: refuse rather than lose it */
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE(218, set_tid_address)
{
	current->clear_child_tid = a0;
	return current->pid;
}

SYSCALL_DEFINE(273, set_robust_list)
{
	if (a1 != 24)
		return -EINVAL;
	current->robust_list = a0;
	current->robust_len = a1;
	return 0;
}

SYSCALL_DEFINE(274, get_robust_list)
{
	struct task *t = a0 ? task_find((int)a0) : current;
	if (!t)
		return -ESRCH;
	if (put_user_u64(a1, t->robust_list) || put_user_u64(a2, t->robust_len))
		return -EFAULT;
	return 0;
}

/* Restartable sequences are not provided; the C library falls back. */
SYSCALL_DEFINE(334, rseq) { return -ENOSYS; }

static int rlimit_set(struct task *t, unsigned res, const struct rlimit64 *nl)
{
	if (nl->cur > nl->max)
		return -EINVAL;
	if (nl->max > t->rlimits[res].max && t->euid != 0)
		return -EPERM;
	if (res == RLIMIT_NOFILE && nl->max > 1024 * 1024)
		return -EPERM;
	t->rlimits[res] = *nl;
	if (t->mm && res == RLIMIT_AS)
		t->mm->rlimit_as = nl->cur;
	if (t->mm && res == RLIMIT_DATA)
		t->mm->rlimit_data = nl->cur;
	return 0;
}

SYSCALL_DEFINE(302, prlimit64)
{
	unsigned res = (unsigned)a1;
	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	struct task *t = a0 ? task_find((int)a0) : current;
	if (!t || t->state == TASK_ZOMBIE)
		return -ESRCH;
	struct rlimit64 old = t->rlimits[res], nl;
	if (a2) {
		if (copy_from_user(&nl, a2, sizeof(nl)))
			return -EFAULT;
		int err = rlimit_set(t, res, &nl);
		if (err)
			return err;
	}
	if (a3 && copy_to_user(a3, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(97, getrlimit)
{
	if ((unsigned)a0 >= RLIM_NLIMITS)
		return -EINVAL;
	return copy_to_user(a1, &current->rlimits[a0], sizeof(struct rlimit64)) ? -EFAULT : 0;
}

SYSCALL_DEFINE(160, setrlimit)
{
	struct rlimit64 nl;
	if ((unsigned)a0 >= RLIM_NLIMITS)
		return -EINVAL;
	if (copy_from_user(&nl, a1, sizeof(nl)))
		return -EFAULT;
	return rlimit_set(current, (unsigned)a0, &nl);
}

struct sysinfo {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint32_t pad2;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char reserved[4];
};

SYSCALL_DEFINE(99, sysinfo)
{
	struct sysinfo si;
	memset(&si, 0, sizeof(si));
	si.uptime = (int64_t)(time_ns() / 1000000000ull);
	si.totalram = physmem_managed_pages() * 4096;
	si.freeram = buddy_free_pages() * 4096;
	unsigned n = 0;
	for (struct task *t = task_first(); t; t = t->all_next)
		n++;
	si.procs = (uint16_t)n;
	si.mem_unit = 1;
	return copy_to_user(a0, &si, sizeof(si)) ? -EFAULT : 0;
}

#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37

SYSCALL_DEFINE(157, prctl)
{
	struct task *t = current;
	char name[16];
	switch (a0) {
	case PR_SET_NAME: {
		long n = strncpy_from_user(name, a1, sizeof(name));
		if (n == -EFAULT)
			return -EFAULT;
		name[15] = 0;
		memcpy(t->comm, name, sizeof(name));
		return 0;
	}
	case PR_GET_NAME:
		return copy_to_user(a1, t->comm, sizeof(t->comm)) ? -EFAULT : 0;
	case PR_SET_PDEATHSIG:
		if (a1 > NSIG)
			return -EINVAL;
		t->pdeath_signal = (int)a1;
		return 0;
	case PR_GET_PDEATHSIG:
		return put_user_u32(a1, (uint32_t)t->pdeath_signal) ? -EFAULT : 0;
	case PR_GET_DUMPABLE:
		return t->not_dumpable ? 0 : 1;
	case PR_SET_DUMPABLE:
		if (a1 > 1)
			return -EINVAL;
		t->not_dumpable = a1 == 0;
		return 0;
	case PR_SET_CHILD_SUBREAPER:
		t->child_subreaper = a1 != 0;
		return 0;
	case PR_GET_CHILD_SUBREAPER:
		return put_user_u32(a1, t->child_subreaper ? 1 : 0) ? -EFAULT : 0;
	default:
		return -EINVAL;
	}
}

void schedule(void);

SYSCALL_DEFINE(24, sched_yield)
{
	schedule();
	return 0;
}

SYSCALL_DEFINE(204, sched_getaffinity)
{
	if (a1 < 8 || (a1 & 7))
		return -EINVAL;
	uint64_t mask = 1; /* one CPU */
	if (clear_user(a2, a1) || copy_to_user(a2, &mask, sizeof(mask)))
		return -EFAULT;
	return 8;
}

SYSCALL_DEFINE(203, sched_setaffinity) { return (a1 == 0) ? -EINVAL : 0; }

SYSCALL_DEFINE(309, getcpu)
{
	if ((a0 && put_user_u32(a0, 0)) || (a1 && put_user_u32(a1, 0)))
		return -EFAULT;
	return 0;
}

int rusage_put(uint64_t uaddr, uint64_t u, uint64_t s);

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1

SYSCALL_DEFINE(98, getrusage)
{
	struct task *t = current;
	int who = (int)a0;
	if (who == RUSAGE_SELF || who == RUSAGE_THREAD)
		return rusage_put(a1, t->user_ticks, t->sys_ticks) ? -EFAULT : 0;
	if (who == RUSAGE_CHILDREN)
		return rusage_put(a1, t->cutime_ticks, t->cstime_ticks) ? -EFAULT : 0;
	return -EINVAL;
}
