/*
 * syscalls/sys_fs_attr.c - changing what a file is rather than what it
 * holds: truncate, ftruncate, fallocate, chmod, fchmod, fchmodat, chown,
 * fchown, lchown, fchownat, utimensat, flock, fadvise64, and the sync
 * family (every file lives in memory, so syncing has nothing to write).
 */
#include "kernel/errno.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "sys_fs.h"

#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

/* The inode path names (following symlinks unless nofollow). 0 and *out, or -errno. */
static long path_inode(int dirfd, uint64_t upath, bool nofollow, bool empty_ok, struct inode **out)
{
	return user_path_inode(dirfd, upath, nofollow ? 0 : LOOKUP_FOLLOW, empty_ok, out);
}

static long truncate_inode(struct inode *ino, int64_t len)
{
	long err;
	if (len < 0)
		err = -EINVAL;
	else if (S_ISDIR(ino->mode))
		err = -EISDIR;
	else if (!S_ISREG(ino->mode))
		err = -EINVAL;
	else
		err = regfile_truncate(ino, (uint64_t)len);
	return err;
}

SYSCALL_DEFINE(76, truncate)
{
	struct inode *ino;
	long err = path_inode(AT_FDCWD, a0, false, false, &ino);
	if (err)
		return err;
	err = inode_permission(ino, 2);
	if (!err)
		err = truncate_inode(ino, (int64_t)a1);
	inode_put(ino);
	return err;
}

SYSCALL_DEFINE(77, ftruncate)
{
	struct file *f = fd_get((int)a0);
	long err;
	if (!f)
		return -EBADF;
	/* Linux answers EINVAL both for a non-regular file and for one not open for writing. */
	if (f->flags & O_PATH)
		err = -EBADF;
	else if (!f->inode || !S_ISREG(f->inode->mode) || !file_writable(f))
		err = -EINVAL;
	else
		err = truncate_inode(f->inode, (int64_t)a1);
	file_put(f);
	return err;
}

/* fallocate mode 0 only: make the file at least offset + len long (pages come on first touch). */
SYSCALL_DEFINE(285, fallocate)
{
	struct file *f = fd_get((int)a0);
	int64_t off = (int64_t)a2, len = (int64_t)a3, end;
	long err = 0;
	if (!f)
		return -EBADF;
	if (a1 != 0)
		err = -EOPNOTSUPP;
	else if (off < 0 || len <= 0 || __builtin_add_overflow(off, len, &end))
		err = -EINVAL;
	else if (!file_writable(f))
		err = -EBADF;
	else if (!f->inode || !S_ISREG(f->inode->mode))
		err = f->inode && S_ISDIR(f->inode->mode) ? -EISDIR : -ENODEV;
	else if ((uint64_t)end > f->inode->size)
		err = regfile_truncate(f->inode, (uint64_t)end);
	file_put(f);
	return err;
}

/* Only the owner (or root) changes a file's mode. */
static long chmod_inode(struct inode *ino, uint64_t mode)
{
	struct task *t = current_task();
	long err = 0;
	if (t && t->euid != 0 && t->euid != ino->uid)
		err = -EPERM;
	else
		ino->mode = (ino->mode & S_IFMT) | ((uint32_t)mode & 07777);
	if (!err)
		ino->ctime = inode_now();
	inode_put(ino);
	return err;
}

SYSCALL_DEFINE(90, chmod)
{
	struct inode *ino;
	long err = path_inode(AT_FDCWD, a0, false, false, &ino);
	return err ? err : chmod_inode(ino, a1);
}

SYSCALL_DEFINE(91, fchmod)
{
	struct inode *ino = fd_inode((int)a0);
	return ino ? chmod_inode(ino, a1) : -EBADF;
}

SYSCALL_DEFINE(268, fchmodat)
{
	struct inode *ino;
	long err = path_inode((int)a0, a1, false, false, &ino);
	return err ? err : chmod_inode(ino, a2);
}

/* Only root gives files away; -1 leaves an id as it is. */
static long chown_inode(struct inode *ino, uint64_t uid, uint64_t gid)
{
	struct task *t = current_task();
	long err = 0;
	if (t && t->euid != 0 && ((uint32_t)uid != (uint32_t)-1 && (uint32_t)uid != ino->uid))
		err = -EPERM;
	if (!err) {
		if ((uint32_t)uid != (uint32_t)-1)
			ino->uid = (uint32_t)uid;
		if ((uint32_t)gid != (uint32_t)-1)
			ino->gid = (uint32_t)gid;
		ino->ctime = inode_now();
	}
	inode_put(ino);
	return err;
}

SYSCALL_DEFINE(92, chown)
{
	struct inode *ino;
	long err = path_inode(AT_FDCWD, a0, false, false, &ino);
	return err ? err : chown_inode(ino, a1, a2);
}

SYSCALL_DEFINE(94, lchown)
{
	struct inode *ino;
	long err = path_inode(AT_FDCWD, a0, true, false, &ino);
	return err ? err : chown_inode(ino, a1, a2);
}

SYSCALL_DEFINE(93, fchown)
{
	struct inode *ino = fd_inode((int)a0);
	return ino ? chown_inode(ino, a1, a2) : -EBADF;
}

SYSCALL_DEFINE(260, fchownat)
{
	struct inode *ino;
	long err;
	if (a4 & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = path_inode((int)a0, a1, a4 & AT_SYMLINK_NOFOLLOW, a4 & AT_EMPTY_PATH, &ino);
	return err ? err : chown_inode(ino, a2, a3);
}

struct timespec_user {
	int64_t sec, nsec;
};

/* One utimensat time: UTIME_NOW, UTIME_OMIT or a value. false when invalid. */
static bool utime_apply(int64_t *field, const struct timespec_user *ts)
{
	if (ts->nsec == UTIME_OMIT)
		return true;
	if (ts->nsec == UTIME_NOW) {
		*field = inode_now();
		return true;
	}
	if (ts->nsec < 0 || ts->nsec >= 1000000000)
		return false;
	*field = ts->sec * 1000000000 + ts->nsec;
	return true;
}

/* utimensat(dirfd, path, times[2], flags); a NULL path means dirfd itself (futimens). */
SYSCALL_DEFINE(280, utimensat)
{
	struct timespec_user ts[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
	struct inode *ino;
	long err;
	if (a3 & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (a2 && copy_from_user(ts, a2, sizeof(ts)))
		return -EFAULT;
	if (!a1) {
		ino = fd_inode((int)a0);
		err = ino ? 0 : -EBADF;
	} else {
		err = path_inode((int)a0, a1, a3 & AT_SYMLINK_NOFOLLOW, a3 & AT_EMPTY_PATH, &ino);
	}
	if (err)
		return err;
	if (!utime_apply(&ino->atime, &ts[0]) || !utime_apply(&ino->mtime, &ts[1]))
		err = -EINVAL;
	else
		ino->ctime = inode_now();
	inode_put(ino);
	return err;
}

/* fsync/fdatasync: a valid descriptor is all that is checked; memory is the medium. */
static long sync_fd(int fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

SYSCALL_DEFINE(74, fsync)
{
	return sync_fd((int)a0);
}

SYSCALL_DEFINE(75, fdatasync)
{
	return sync_fd((int)a0);
}

SYSCALL_DEFINE(306, syncfs)
{
	return sync_fd((int)a0);
}

SYSCALL_DEFINE(162, sync)
{
	return 0;
}

/* flock(2): one kernel and no lock table; a valid operation on an open fd succeeds. */
SYSCALL_DEFINE(73, flock)
{
	uint64_t op = a1 & ~4ull; /* LOCK_NB */
	if (op != 1 && op != 2 && op != 8) /* LOCK_SH, LOCK_EX, LOCK_UN */
		return -EINVAL;
	return sync_fd((int)a0);
}

/* fadvise64: advice is only a hint; ESPIPE on pipes and EINVAL on unknown advice, as Linux. */
SYSCALL_DEFINE(221, fadvise64)
{
	struct file *f = fd_get((int)a0);
	long err = 0;
	if (!f)
		return -EBADF;
	if (!f->inode || S_ISFIFO(f->inode->mode))
		err = -ESPIPE;
	else if (a3 > 5 || (int64_t)a2 < 0)
		err = -EINVAL;
	file_put(f);
	return err;
}
