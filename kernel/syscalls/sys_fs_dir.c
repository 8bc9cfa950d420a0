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
#define MS_MGC_MSK 0xffff0000ul
#define MS_MGC_VAL 0xc0ed0000ul /* the old magic in the high bits: dropped, as Linux */
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
	pseudo_refresh(dir); /* /proc lists the tasks alive now */
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
	uint64_t cap;
	char *buf;
	long n;
	if (!t || !t->fs)
		return -ENOENT;
	/*
	 * The buffer is sized by what the caller can take (at most a path's
	 * maximum): kmalloc zeroes it and the heap poisons it when freed, so a
	 * 4 KiB buffer for a short path would cost more than the walk itself.
	 */
	cap = a1 < VFS_PATH_MAX ? a1 : VFS_PATH_MAX;
	buf = kmalloc(cap < 2 ? 2 : cap);
	if (!buf)
		return -ENOMEM;
	n = vfs_path_of(t->fs->cwd, buf, cap);
	if (n == -ENAMETOOLONG && cap < VFS_PATH_MAX)
		n = -ERANGE; /* it would fit a bigger buffer */
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

#define MOUNT_DATA_MAX 4096 /* Linux copies one page of options */
#define MOUNT_SOURCE_MAX 64

/*
 * The source name and option string of a mount: "none" when no source was
 * given (as Linux shows it), NULL data when none. 0 or -EFAULT.
 */
static long mount_args_get(uint64_t usource, uint64_t udata, char *source, char **data)
{
	long n = 0;
	*data = NULL;
	memcpy(source, "none", 5);
	if (usource) {
		n = strncpy_from_user(source, usource, MOUNT_SOURCE_MAX);
		if (n == -ENAMETOOLONG) {
			source[MOUNT_SOURCE_MAX - 1] = 0;
			n = 0;
		}
		if (n < 0)
			return n;
	}
	if (!udata)
		return 0;
	*data = kmalloc(MOUNT_DATA_MAX);
	if (!*data)
		return -ENOMEM;
	n = strncpy_from_user(*data, udata, MOUNT_DATA_MAX);
	if (n == -ENAMETOOLONG) {
		(*data)[MOUNT_DATA_MAX - 1] = 0;
		n = 0;
	}
	return n < 0 ? n : 0;
}

/* A new instance of type mounted on dir with source, flags and options. 0 or -errno. */
static long mount_new(struct inode *dir, uint64_t utype, const char *source, uint64_t flags,
		      const char *data)
{
	char type[32];
	struct inode *root;
	long err = fstype_get(utype, type, sizeof(type));
	if (!err)
		err = vfs_fs_create(type, &root);
	if (err)
		return err;
	err = vfs_mount(dir, root);
	if (err) {
		root->nlink = 0;
		inode_put(root);
		return err;
	}
	err = vfs_mount_set(root, source, flags, data);
	if (err)
		vfs_umount(root, true);
	return err;
}

/*
 * mount(2) for the in-memory file systems (tmpfs, ramfs, devtmpfs, proc,
 * sysfs): a fresh instance on the target, remembered with its source,
 * flags and options for /proc/mounts and statfs. MS_REMOUNT changes the
 * flags of the mount at the target. Bind and move mounts are not there.
 */
SYSCALL_DEFINE(165, mount)
{
	struct task *t = current_task();
	struct inode *dir;
	char source[MOUNT_SOURCE_MAX], *data;
	long err;
	if (t && t->euid != 0)
		return -EPERM;
	if ((a3 & MS_MGC_MSK) == MS_MGC_VAL)
		a3 &= ~(uint64_t)MS_MGC_MSK;
	err = path_dir(a1, &dir);
	if (err)
		return err;
	err = mount_args_get(a0, a4, source, &data);
	if (!err && (a3 & MS_REMOUNT))
		err = dir->covers ? vfs_mount_set(dir, NULL, a3 & ~(uint64_t)MS_REMOUNT, NULL)
				  : (dir == vfs_root ? 0 : -EINVAL);
	else if (!err && (a3 & (MS_BIND | MS_MOVE)))
		err = -EINVAL;
	else if (!err)
		err = mount_new(dir, a2, source, a3, data);
	kfree(data);
	inode_put(dir);
	return err;
}

#define MNT_FORCE 1
#define MNT_DETACH 2
#define MNT_EXPIRE 4
#define UMOUNT_NOFOLLOW 8

SYSCALL_DEFINE(166, umount2)
{
	struct task *t = current_task();
	struct inode *root;
	long err;
	if (t && t->euid != 0)
		return -EPERM;
	if (a1 & ~(uint64_t)(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	if ((a1 & MNT_EXPIRE) && (a1 & (MNT_FORCE | MNT_DETACH)))
		return -EINVAL;
	err = user_path_inode(AT_FDCWD, a0,
			      LOOKUP_DIRECTORY | (a1 & UMOUNT_NOFOLLOW ? 0 : LOOKUP_FOLLOW), false,
			      &root);
	if (err)
		return err;
	err = root->covers ? vfs_umount(root, a1 & MNT_DETACH) : -EINVAL;
	inode_put(root);
	return err;
}
