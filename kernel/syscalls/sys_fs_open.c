/*
 * syscalls/sys_fs_open.c - descriptors: open, openat, creat, close,
 * close_range, dup, dup2, dup3, fcntl, ioctl, memfd_create.
 */
#include "kernel/errno.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "sys_fs.h"

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#define F_SETOWN 8
#define F_GETOWN 9
#define F_DUPFD_CLOEXEC 1030
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#define F_UNLCK 2

#define FIONBIO 0x5421
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451

/* Flags F_SETFL may change, as Linux's SETFL_MASK (O_ASYNC aside). */
#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME)

static long do_openat(int dirfd, uint64_t upath, uint64_t flags, uint64_t mode)
{
	long err;
	char *path = user_path_get(upath, false, &err);
	struct file *f;
	int fd;
	if (!path)
		return err;
	/* 64-bit Linux forces O_LARGEFILE, and F_GETFL shows it. */
	err = vfs_openat(dirfd, path, (unsigned)flags | O_LARGEFILE, (uint32_t)mode, &f);
	user_path_put(path);
	if (err)
		return err;
	fd = fd_install(f, (int)flags);
	if (fd < 0)
		file_put(f);
	return fd;
}

SYSCALL_DEFINE(2, open)
{
	return do_openat(AT_FDCWD, a0, a1, a2);
}

SYSCALL_DEFINE(257, openat)
{
	return do_openat((int)a0, a1, a2, a3);
}

SYSCALL_DEFINE(85, creat)
{
	return do_openat(AT_FDCWD, a0, O_CREAT | O_WRONLY | O_TRUNC, a1);
}

SYSCALL_DEFINE(3, close)
{
	return fd_close((int)a0);
}

/* close_range(first, last, flags): flags 0 or CLOSE_RANGE_CLOEXEC (4). */
SYSCALL_DEFINE(436, close_range)
{
	uint32_t first = (uint32_t)a0, last = (uint32_t)a1;
	if (first > last || (a2 & ~4ull))
		return -EINVAL;
	if (last >= FDTABLE_MAX)
		last = FDTABLE_MAX - 1;
	for (uint32_t fd = first; fd <= last && fd < FDTABLE_MAX; fd++) {
		if (a2 & 4)
			fd_set_cloexec((int)fd, true);
		else
			fd_close((int)fd);
	}
	return 0;
}

SYSCALL_DEFINE(32, dup)
{
	struct file *f = fd_get((int)a0);
	int fd;
	if (!f)
		return -EBADF;
	fd = fd_install_from(f, 0, false);
	if (fd < 0)
		file_put(f);
	return fd;
}

static long do_dup3(int oldfd, int newfd, uint64_t flags)
{
	struct file *f;
	int err;
	if (flags & ~(uint64_t)O_CLOEXEC)
		return -EINVAL;
	f = fd_get(oldfd);
	if (!f)
		return -EBADF;
	if (newfd < 0 || newfd >= fd_limit()) {
		file_put(f);
		return -EBADF;
	}
	err = fd_install_at(f, newfd, (flags & O_CLOEXEC) != 0);
	if (err) {
		file_put(f);
		return err;
	}
	return newfd;
}

SYSCALL_DEFINE(33, dup2)
{
	if (a0 == a1) {
		struct file *f = fd_get((int)a0);
		if (!f)
			return -EBADF;
		file_put(f);
		return (long)(int)a1;
	}
	return do_dup3((int)a0, (int)a1, 0);
}

SYSCALL_DEFINE(292, dup3)
{
	if ((int)a0 == (int)a1)
		return -EINVAL;
	return do_dup3((int)a0, (int)a1, a2);
}

/* struct flock (x86-64): l_type, l_whence (16 bits each), l_start, l_len, l_pid. */
struct flock_user {
	int16_t l_type, l_whence;
	int32_t pad;
	int64_t l_start, l_len;
	int32_t l_pid;
	int32_t pad2;
};

/* There is one kernel and no other locker to conflict with: a lock always succeeds. */
static long fcntl_lock(struct file *f, int cmd, uint64_t arg)
{
	struct flock_user fl;
	if (copy_from_user(&fl, arg, sizeof(fl)))
		return -EFAULT;
	if (fl.l_type < 0 || fl.l_type > F_UNLCK)
		return -EINVAL;
	if (cmd == F_GETLK) {
		fl.l_type = F_UNLCK;
		return copy_to_user(arg, &fl, sizeof(fl));
	}
	return 0;
}

SYSCALL_DEFINE(72, fcntl)
{
	int fd = (int)a0, cmd = (int)a1;
	struct file *f = fd_get(fd);
	long r;
	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((int)a2 < 0 || (int)a2 >= fd_limit()) {
			r = -EINVAL;
			break;
		}
		r = fd_install_from(f, (int)a2, cmd == F_DUPFD_CLOEXEC);
		if (r >= 0)
			return r; /* the reference moved into the table */
		break;
	case F_GETFD:
		r = fd_get_cloexec(fd);
		break;
	case F_SETFD:
		r = fd_set_cloexec(fd, a2 & FD_CLOEXEC);
		break;
	case F_GETFL:
		r = f->flags;
		break;
	case F_SETFL:
		f->flags = (f->flags & ~(unsigned)SETFL_MASK) | ((unsigned)a2 & SETFL_MASK);
		r = 0;
		break;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
		r = fcntl_lock(f, cmd, a2);
		break;
	case F_GETOWN:
	case F_SETOWN:
		r = 0;
		break;
	case F_GETPIPE_SZ:
		r = f->inode && !S_ISFIFO(f->inode->mode) ? -EBADF : 65536;
		break;
	default:
		r = -EINVAL;
	}
	file_put(f);
	return r;
}

SYSCALL_DEFINE(16, ioctl)
{
	struct file *f = fd_get((int)a0);
	unsigned cmd = (unsigned)a1;
	long r;
	uint32_t on;
	if (!f)
		return -EBADF;
	if (f->flags & O_PATH) {
		file_put(f);
		return -EBADF;
	}
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		r = fd_set_cloexec((int)a0, cmd == FIOCLEX);
		break;
	case FIONBIO:
		r = get_user_u32(&on, a2);
		if (!r)
			f->flags = on ? f->flags | O_NONBLOCK : f->flags & ~(unsigned)O_NONBLOCK;
		break;
	default:
		r = f->ops && f->ops->ioctl ? f->ops->ioctl(f, cmd, a2) : -ENOTTY;
	}
	file_put(f);
	return r;
}

#define MFD_CLOEXEC 1u
#define MFD_ALLOW_SEALING 2u

/*
 * memfd_create(name, flags): a tmpfs file with no name in any directory;
 * it lives while a descriptor or a mapping holds it. The name is only
 * checked (at most 249 bytes, as Linux).
 */
SYSCALL_DEFINE(319, memfd_create)
{
	char name[250];
	struct inode *ino;
	struct file *f;
	long n = strncpy_from_user(name, a0, sizeof(name));
	int fd;
	if (n < 0)
		return n == -ENAMETOOLONG ? -EINVAL : n;
	if (a1 & ~(uint64_t)(MFD_CLOEXEC | MFD_ALLOW_SEALING))
		return -EINVAL;
	ino = inode_alloc(vfs_root->dev, S_IFREG | 0777);
	if (!ino)
		return -ENOMEM;
	f = file_alloc(ino, &regfile_ops, O_RDWR | O_LARGEFILE);
	inode_put(ino); /* the file's reference keeps it */
	if (!f)
		return -ENOMEM;
	fd = fd_install(f, a1 & MFD_CLOEXEC ? O_CLOEXEC : 0);
	if (fd < 0)
		file_put(f);
	return fd;
}
