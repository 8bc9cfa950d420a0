/*
 * syscalls/sys_uts.c - the system's names: uname, sethostname and
 * setdomainname. The node name starts as Linux's "(none)" until init sets
 * it (BusyBox's `hostname -F /etc/hostname`); the kernel identifies itself
 * as Linux 6.1 so that C libraries and BusyBox take their Linux paths.
 */
#include "kernel/errno.h"
#include "kernel/kstring.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"

#define UTS_LEN 64

struct utsname {
	char sysname[UTS_LEN + 1], nodename[UTS_LEN + 1], release[UTS_LEN + 1];
	char version[UTS_LEN + 1], machine[UTS_LEN + 1], domainname[UTS_LEN + 1];
};

/* The names as uname(2) hands them out, kept whole so that uname is one copy
 * (unused bytes stay zero: the setters clear the rest of their field). */
static struct utsname uts = {
	.sysname = "Linux",
	.nodename = "(none)",
	.release = "6.1.0-mmkernel",
	.version = "#1 SMP",
	.machine = "x86_64",
	.domainname = "(none)",
};

SYSCALL_DEFINE(63, uname)
{
	return copy_to_user(a0, &uts, sizeof(uts)) ? -EFAULT : 0;
}

/* Linux's rules for both setters: root only, at most 64 bytes, taken as given (no NUL needed). */
static long uts_set(char *field, uint64_t uname, uint64_t len)
{
	char buf[UTS_LEN];
	if (current->euid != 0)
		return -EPERM;
	if ((int64_t)len < 0 || len > UTS_LEN)
		return -EINVAL;
	if (copy_from_user(buf, uname, len))
		return -EFAULT;
	memcpy(field, buf, len);
	memset(field + len, 0, UTS_LEN + 1 - len);
	return 0;
}

SYSCALL_DEFINE(170, sethostname) { return uts_set(uts.nodename, a0, a1); }

SYSCALL_DEFINE(171, setdomainname) { return uts_set(uts.domainname, a0, a1); }
