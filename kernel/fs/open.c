/*
 * fs/open.c - turning a path or an inode into an open file: permission
 * checks, O_CREAT/O_EXCL/O_TRUNC/O_DIRECTORY/O_NOFOLLOW/O_PATH, and the
 * choice of operations by file type (regular, directory, device, FIFO).
 */
#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/kstring.h"
#include "kernel/task.h"
#include "vfs_internal.h"

static long dir_fread(struct file *f, struct iobuf *b, uint64_t len, uint64_t *pos)
{
	return -EISDIR;
}

/* Directories are read with getdents64 (sys_fs_dir.c), never with read(2). */
static const struct file_ops dir_ops = {
	.read = dir_fread,
};

/* O_PATH descriptors only name a file: every I/O call on them fails with EBADF. */
static const struct file_ops path_ops;

/* Access the open mode needs: 4 read, 2 write. */
static int open_access_mask(unsigned flags)
{
	int mask = 0;
	if ((flags & O_ACCMODE) != O_WRONLY)
		mask |= 4;
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		mask |= 2;
	return mask;
}

/* Operations for ino, or -errno when it cannot be opened with flags. */
static int open_pick_ops(struct inode *ino, unsigned flags, const struct file_ops **ops)
{
	switch (ino->mode & S_IFMT) {
	case S_IFREG:
		if (ino->pseudo) /* a procfs/sysfs file: generated text */
			return pseudo_open_ops(ino, flags, ops);
		*ops = &regfile_ops;
		return 0;
	case S_IFDIR:
		if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT))
			return -EISDIR;
		*ops = &dir_ops;
		return 0;
	case S_IFCHR:
		*ops = chrdev_ops(ino->rdev);
		return *ops ? 0 : -ENXIO;
	case S_IFIFO:
		*ops = NULL; /* fifo_open gives the pipe's own */
		return 0;
	case S_IFLNK:
		return -ELOOP; /* only reached with O_NOFOLLOW */
	default:
		return -ENXIO;
	}
}

/* Open the resolved inode ino with flags. 0 and *out, or -errno. */
int vfs_open_inode(struct inode *ino, unsigned flags, struct file **out)
{
	const struct file_ops *ops;
	struct file *f;
	int err;
	if (flags & O_PATH) {
		f = file_alloc(ino, &path_ops, O_PATH | (flags & (O_DIRECTORY | O_NOFOLLOW)));
		if (!f)
			return -ENOMEM;
		*out = f;
		return 0;
	}
	if ((flags & O_DIRECTORY) && !S_ISDIR(ino->mode))
		return -ENOTDIR;
	err = open_pick_ops(ino, flags, &ops);
	if (err)
		return err;
	err = inode_permission(ino, open_access_mask(flags));
	if (err)
		return err;
	if (S_ISFIFO(ino->mode))
		return fifo_open(ino, flags, out);
	if (S_ISREG(ino->mode) && (flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY) {
		err = regfile_truncate(ino, 0);
		if (err)
			return err;
	}
	f = file_alloc(ino, ops, flags & ~(unsigned)(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC));
	if (!f)
		return -ENOMEM;
	err = S_ISCHR(ino->mode) ? chrdev_open(f, flags) : 0;
	if (err) {
		file_put(f);
		return err;
	}
	*out = f;
	return 0;
}

/* Create the last component of path as a regular file when absent (O_CREAT). */
static int open_create(struct inode *dir, const char *name, uint64_t len, unsigned flags,
		       uint32_t mode, struct inode **out)
{
	struct dirent_node *de = dir_find(dir, name, len);
	struct task *t = current_task();
	int err;
	/* "." and ".." always exist (they are no entries of the list): never create one. */
	bool dot = (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
	if (de || dot) {
		if (flags & O_EXCL)
			return -EEXIST;
		return -EAGAIN; /* exists: the caller resolves it normally (symlinks included) */
	}
	err = inode_permission(dir, 3);
	if (err)
		return err;
	mode = (mode & 07777) & ~(t ? t->umask : 022);
	return dir_create(dir, name, len, S_IFREG | mode, out);
}

/* Remember the directory the file was opened from, when the name led straight to it. */
static void open_note_dir(struct file *f, struct inode *dir, const char *name, uint64_t len)
{
	struct dirent_node *de = dir ? dir_find(dir, name, len) : NULL;
	if (de && de->inode == f->inode) {
		inode_get(dir);
		f->dir = dir;
		f->name = kmalloc(len + 1);
		if (f->name)
			memcpy(f->name, name, len);
	}
}

/* Record the directory path's last component lies in, when that name is f's inode itself. */
void vfs_file_set_dir(struct file *f, const char *path)
{
	struct inode *dir;
	const char *name;
	uint64_t len;
	if (vfs_lookup_parent(NULL, path, &dir, &name, &len))
		return;
	open_note_dir(f, dir, name, len);
	inode_put(dir);
}

/* openat(2) on a kernel path: 0 and *out, or -errno. */
int vfs_openat(int dirfd, const char *path, unsigned flags, uint32_t mode, struct file **out)
{
	struct inode *base, *dir = NULL, *ino = NULL;
	const char *name = NULL;
	uint64_t len = 0;
	int err, lflags = 0;
	if ((flags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
		return -EINVAL; /* Linux 6.4 and later: never create a file when a directory was asked for */
	if (!*path)
		return -ENOENT;
	err = vfs_at_base(dirfd, path, &base);
	if (err)
		return err;
	if (vfs_lookup_parent(base, path, &dir, &name, &len))
		dir = NULL;
	if ((flags & O_CREAT) && !(flags & O_PATH)) {
		err = dir ? 0 : -ENOENT;
		if (!err && (!len || name[len] == '/'))
			err = -EISDIR;
		if (!err)
			err = open_create(dir, name, len, flags, mode, &ino);
		if (err && err != -EAGAIN)
			goto out;
	}
	if (!ino) {
		if (!(flags & O_NOFOLLOW))
			lflags |= LOOKUP_FOLLOW;
		if (flags & O_DIRECTORY)
			lflags |= LOOKUP_DIRECTORY;
		err = vfs_lookup(base, path, lflags, &ino);
		if (err)
			goto out;
		if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
			err = -EEXIST;
			goto out;
		}
	}
	err = vfs_open_inode(ino, flags, out);
	if (!err)
		open_note_dir(*out, dir, name, len);
out:
	inode_put(ino);
	inode_put(dir);
	inode_put(base);
	return err;
}
