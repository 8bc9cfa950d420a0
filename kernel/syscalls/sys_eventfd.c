/*
 * syscalls/sys_eventfd.c - eventfd and eventfd2 (the counter itself is
 * fs/eventfd.c).
 */
#include "kernel/errno.h"
#include "kernel/syscall.h"
#include "../fs/anon_files.h"
#include "sys_fs.h"

/* eventfd2(initval, flags): a new descriptor, or -EINVAL/-EMFILE/-ENOMEM. */
static long do_eventfd2(uint64_t initval, uint64_t flags)
{
	struct file *f = NULL;
	long err;
	if (flags & ~(uint64_t)(EFD_SEMAPHORE | O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	err = eventfd_create((uint32_t)initval, (unsigned)flags, &f);
	return fd_install_new(err, f, (int)flags);
}

SYSCALL_DEFINE(284, eventfd)
{
	return do_eventfd2(a0, 0);
}

SYSCALL_DEFINE(290, eventfd2)
{
	return do_eventfd2(a0, a1);
}
