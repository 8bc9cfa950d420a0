/*
 * syscalls/sys_pipe.c - pipe and pipe2.
 */
#include "kernel/errno.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "sys_fs.h"

static long do_pipe2(uint64_t ufds, uint64_t flags)
{
	struct file *rd, *wr;
	long err;
	if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	if (!access_ok(ufds, 2 * sizeof(int)))
		return -EFAULT;
	err = pipe_create((unsigned)flags, &rd, &wr);
	if (err)
		return err;
	return fd_install_pair(rd, wr, (int)flags, ufds);
}

SYSCALL_DEFINE(22, pipe)
{
	return do_pipe2(a0, 0);
}

SYSCALL_DEFINE(293, pipe2)
{
	return do_pipe2(a0, a1);
}
