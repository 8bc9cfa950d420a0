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
	int fds[2];
	long err;
	if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	if (!access_ok(ufds, sizeof(fds)))
		return -EFAULT;
	err = pipe_create((unsigned)flags, &rd, &wr);
	if (err)
		return err;
	fds[0] = fd_install(rd, (int)flags);
	if (fds[0] < 0) {
		file_put(rd);
		file_put(wr);
		return fds[0];
	}
	fds[1] = fd_install(wr, (int)flags);
	if (fds[1] < 0) {
		file_put(wr);
		fd_close(fds[0]);
		return fds[1];
	}
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE(22, pipe)
{
	return do_pipe2(a0, 0);
}

SYSCALL_DEFINE(293, pipe2)
{
	return do_pipe2(a0, a1);
}
