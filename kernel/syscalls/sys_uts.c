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

static char uts_nodename[UTS_LEN + 1] = "(none)";
static char uts_domainname[UTS_LEN + 1] = "(none)";

static void uts_field(char *dst, const char *src)
{
	size_t n = strlen(src);
	memcpy(dst, src, n + 1);
}

SYSCALL_DEFINE(63, uname)
{
	static struct utsname u;
	memset(&u, 0, sizeof(u));
	uts_field(u.sysname, "Linux");
	uts_field(u.nodename, uts_nodename);
	uts_field(u.release, "6.1.0-mmkernel");
	uts_field(u.version, "#1 SMP");
	uts_field(u.machine, "x86_64");
	uts_field(u.domainname, uts_domainname);
	return copy_to_user(a0, &u, sizeof(u)) ? -EFAULT : 0;
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
	field[len] = 0;
	return 0;
}

SYSCALL_DEFINE(170, sethostname) { return uts_set(uts_nodename, a0, a1); }

SYSCALL_DEFINE(171, setdomainname) { return uts_set(uts_domainname, a0, a1); }
