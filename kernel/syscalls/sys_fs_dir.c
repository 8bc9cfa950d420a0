/*
 * syscalls/sys_fs_dir.c - directories and the file-system context:
 * getdents64, getcwd, chdir, fchdir, chroot, umask, mount, umount2.
 */
#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/kstring.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "sys_fs.h"

#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

#define MS_REMOUNT 32
#define MS_BIND 4096
#define MS_MOVE 8192

/* struct linux_dirent64 header; the name follows, the record is padded to 8 bytes. */
struct dirent64_head {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
} __attribute__((packed));

static uint8_t dirent_type(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFIFO:
		return DT_FIFO;
	case S_IFCHR:
		return DT_CHR;
	case S_IFDIR:
		return DT_DIR;
	case S_IFBLK:
		return DT_BLK;
	case S_IFREG:
		return DT_REG;
	case S_IFLNK:
		return DT_LNK;
	default:
		return DT_SOCK;
	}
}

/* Emit one record at ubuf + *used. false when it does not fit (or on a fault: *err set). */
static bool dirent_emit(uint64_t ubuf, uint64_t size, uint64_t *used, uint64_t ino,
			int64_t next, uint32_t mode, const char *name, uint64_t len, long *err)
{
	struct dirent64_head h;
	uint64_t reclen = (sizeof(h) + len + 1 + 7) & ~7ull;
	char pad[8] = {0};
	if (size - *used < reclen)
		return false;
	h.d_ino = ino;
	h.d_off = next;
	h.d_reclen = (uint16_t)reclen;
	h.d_type = dirent_type(mode);
	if (copy_to_user(ubuf + *used, &h, sizeof(h)) ||
	    copy_to_user(ubuf + *used + sizeof(h), name, len) ||
	    copy_to_user(ubuf + *used + sizeof(h) + len, pad, reclen - sizeof(h) - len)) {
		*err = -EFAULT;
		return false;
	}
	*used += reclen;
	return true;
}

/* True when dir holds an entry at or after cookie pos. */
static bool dir_has_from(struct inode *dir, uint64_t pos)
{
	for (struct dirent_node *de = dir->dir.head; de; de = de->next)
		if (de->cookie >= pos)
			return true;
	return false;
}

/*
 * getdents64: the position is a cookie: 0 is ".", 1 is "..", then entries
 * in list order, each with its own increasing cookie, so removing entries
 * between calls never makes the listing skip or repeat a survivor.
 * Returns the bytes filled, 0 at the end, -EINVAL when not even one record
 * fits, or -EFAULT.
 */
static long dir_read(struct file *f, uint64_t ubuf, uint64_t size)
{
	struct inode *dir = f->inode;
	uint64_t used = 0;
	long err = 0;
	if (f->pos == 0 && dirent_emit(ubuf, size, &used, dir->ino, 1, S_IFDIR, ".", 1, &err))
		f->pos = 1;
	if (f->pos == 1 && !err) {
		struct inode *up = dir->parent ? dir->parent : dir;
		if (dirent_emit(ubuf, size, &used, up->ino, 2, S_IFDIR, "..", 2, &err))
			f->pos = 2;
	}
	for (struct dirent_node *de = dir->dir.head; de && !err && f->pos >= 2; de = de->next) {
		if (de->cookie < f->pos)
			continue;
		if (!dirent_emit(ubuf, size, &used, de->inode->ino, (int64_t)de->cookie + 1,
				 de->inode->mode, de->name, de->len, &err))
			break;
		f->pos = de->cookie + 1;
	}
	if (err)
		return err;
	if (!used && (f->pos < 2 || dir_has_from(dir, f->pos)))
		return -EINVAL;
	return (long)used;
}

SYSCALL_DEFINE(217, getdents64)
{
	struct file *f = fd_get((int)a0);
	uint64_t size = a2 > RW_MAX ? RW_MAX : a2;
	long err;
	if (!f)
		return -EBADF;
	if (f->flags & O_PATH)
		err = -EBADF;
	else if (!f->inode || !S_ISDIR(f->inode->mode))
		err = -ENOTDIR;
	else if (!access_ok(a1, size))
		err = -EFAULT;
	else
		err = dir_read(f, a1, size);
	file_put(f);
	return err;
}

SYSCALL_DEFINE(79, getcwd)
{
	struct task *t = current_task();
	char *buf;
	long n;
	if (!t || !t->fs)
		return -ENOENT;
	buf = kmalloc(VFS_PATH_MAX);
	if (!buf)
		return -ENOMEM;
	n = vfs_path_of(t->fs->cwd, buf, VFS_PATH_MAX);
	if (n >= 0 && (uint64_t)n + 1 > a1)
		n = -ERANGE;
	if (n >= 0)
		n = copy_to_user(a0, buf, (uint64_t)n + 1) ? -EFAULT : n + 1;
	kfree(buf);
	return n;
}

/* Make dir (a reference the caller gives up) the cwd or root of the current task. */
static long fs_set(struct inode *dir, bool root)
{
	struct task *t = current_task();
	struct inode **slot;
	long err = S_ISDIR(dir->mode) ? inode_permission(dir, 1) : -ENOTDIR;
	if (!err && (!t || !t->fs))
		err = -ENOENT;
	if (err) {
		inode_put(dir);
		return err;
	}
	slot = root ? &t->fs->root : &t->fs->cwd;
	inode_put(*slot);
	*slot = dir;
	return 0;
}

static long path_dir(uint64_t upath, struct inode **out)
{
	return user_path_inode(AT_FDCWD, upath, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, false, out);
}

SYSCALL_DEFINE(80, chdir)
{
	struct inode *dir;
	long err = path_dir(a0, &dir);
	return err ? err : fs_set(dir, false);
}

SYSCALL_DEFINE(81, fchdir)
{
	struct file *f = fd_get((int)a0);
	struct inode *dir;
	if (!f)
		return -EBADF;
	dir = f->inode;
	if (!dir) {
		file_put(f);
		return -ENOTDIR;
	}
	inode_get(dir);
	file_put(f);
	return fs_set(dir, false);
}

SYSCALL_DEFINE(161, chroot)
{
	struct task *t = current_task();
	struct inode *dir;
	long err;
	if (t && t->euid != 0)
		return -EPERM;
	err = path_dir(a0, &dir);
	return err ? err : fs_set(dir, true);
}

SYSCALL_DEFINE(95, umask)
{
	struct task *t = current_task();
	unsigned old;
	if (!t)
		return 022;
	old = t->umask;
	t->umask = (unsigned)a0 & 0777;
	return old;
}

/* Copy a short user string (file-system type). 0 or -EFAULT/-ENODEV. */
static long fstype_get(uint64_t utype, char *buf, uint64_t len)
{
	long n = strncpy_from_user(buf, utype, len);
	if (n == -ENAMETOOLONG)
		return -ENODEV;
	return n < 0 ? n : 0;
}

/*
 * mount(2) for the in-memory file systems: tmpfs, ramfs and devtmpfs get a
 * fresh instance on the target; a remount changes nothing (there are no
 * options to change). Others (proc, sysfs, ...) are not there: ENODEV.
 */
SYSCALL_DEFINE(165, mount)
{
	struct task *t = current_task();
	struct inode *dir, *root;
	char type[32];
	long err;
	if (t && t->euid != 0)
		return -EPERM;
	err = path_dir(a1, &dir);
	if (err)
		return err;
	if (a3 & MS_REMOUNT) {
		inode_put(dir);
		return 0;
	}
	if (a3 & (MS_BIND | MS_MOVE))
		err = -EINVAL;
	else
		err = fstype_get(a2, type, sizeof(type));
	if (!err)
		err = vfs_fs_create(type, &root);
	if (!err) {
		err = vfs_mount(dir, root);
		if (err) {
			root->nlink = 0;
			inode_put(root);
		}
	}
	inode_put(dir);
	return err;
}

SYSCALL_DEFINE(166, umount2)
{
	struct task *t = current_task();
	struct inode *root;
	long err;
	if (t && t->euid != 0)
		return -EPERM;
	if (a1 & ~0xfull)
		return -EINVAL;
	err = path_dir(a0, &root);
	if (err)
		return err;
	err = root->covers ? vfs_umount(root) : -EINVAL;
	inode_put(root);
	return err;
}
