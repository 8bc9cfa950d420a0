/*
 * syscalls/sys_fs_util.c - the shared helpers of the file syscalls.
 */
#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/kstring.h"
#include "kernel/uaccess.h"
#include "sys_fs.h"

/* A path longer than this is read straight into a VFS_PATH_MAX buffer. */
#define PATH_SHORT 256

/* The result of reading a path: n its length or -errno (0 is ENOENT unless empty_ok). */
static long path_checked(long n, bool empty_ok)
{
	return n == 0 && !empty_ok ? -ENOENT : n;
}

static char *user_path_get_long(uint64_t upath, bool empty_ok, long *err)
{
	char *buf = kmalloc(VFS_PATH_MAX);
	long n;
	if (!buf) {
		*err = -ENOMEM;
		return NULL;
	}
	n = path_checked(strncpy_from_user(buf, upath, VFS_PATH_MAX), empty_ok);
	if (n < 0) {
		kfree(buf);
		*err = n;
		return NULL;
	}
	return buf;
}

/*
 * Most paths are short: they are read through the stack and kept in a
 * buffer of their own size. kmalloc zeroes what it returns (and the heap
 * poisons it when freed), so a 4 KiB buffer for every path cost more than
 * many lookups themselves.
 */
char *user_path_get(uint64_t upath, bool empty_ok, long *err)
{
	char small[PATH_SHORT];
	char *buf;
	long n = strncpy_from_user(small, upath, sizeof(small));
	if (n == -ENAMETOOLONG)
		return user_path_get_long(upath, empty_ok, err);
	n = path_checked(n, empty_ok);
	if (n < 0) {
		*err = n;
		return NULL;
	}
	buf = kmalloc((uint64_t)n + 1);
	if (!buf) {
		*err = -ENOMEM;
		return NULL;
	}
	memcpy(buf, small, (uint64_t)n + 1);
	return buf;
}

void user_path_put(char *path)
{
	kfree(path);
}

long user_path_inode(int dirfd, uint64_t upath, int flags, bool empty_ok, struct inode **out)
{
	struct inode *base;
	long err;
	char *path = user_path_get(upath, empty_ok, &err);
	if (!path)
		return err;
	err = vfs_at_base(dirfd, path, &base);
	if (!err && !*path) {
		*out = base;
	} else if (!err) {
		err = vfs_lookup(base, path, flags, out);
		inode_put(base);
	}
	user_path_put(path);
	return err;
}

struct inode *fd_inode(int fd)
{
	struct file *f = fd_get(fd);
	struct inode *ino = f ? f->inode : NULL;
	if (ino)
		inode_get(ino);
	file_put(f);
	return ino;
}

static struct file *fd_get_mode(int fd, bool write, long *err)
{
	struct file *f = fd_get(fd);
	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	if ((f->flags & O_PATH) || (write ? !file_writable(f) : !file_readable(f))) {
		file_put(f);
		*err = -EBADF;
		return NULL;
	}
	return f;
}

struct file *fd_get_readable(int fd, long *err)
{
	return fd_get_mode(fd, false, err);
}

struct file *fd_get_writable(int fd, long *err)
{
	return fd_get_mode(fd, true, err);
}

bool file_seekable(const struct file *f)
{
	struct inode *ino = f->inode;
	if (!ino || S_ISFIFO(ino->mode) || (ino->mode & S_IFMT) == S_IFSOCK)
		return false;
	if (S_ISCHR(ino->mode))
		return (ino->rdev >> 8) == 1; /* the memory devices */
	return true;
}

long fd_install_new(long err, struct file *f, int flags)
{
	long fd;
	if (err)
		return err;
	fd = fd_install(f, flags);
	if (fd < 0)
		file_put(f);
	return fd;
}

long fd_install_pair(struct file *a, struct file *b, int flags, uint64_t ufds)
{
	int fds[2];
	fds[0] = fd_install(a, flags);
	if (fds[0] < 0) {
		file_put(a);
		file_put(b);
		return fds[0];
	}
	fds[1] = fd_install(b, flags);
	if (fds[1] < 0) {
		file_put(b);
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
