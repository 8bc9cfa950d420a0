/*
 * syscalls/sys_fs_name.c - changing the name space: mkdir, mkdirat,
 * mknod, mknodat, rmdir, unlink, unlinkat, rename, renameat, renameat2,
 * symlink, symlinkat, link, linkat.
 */
#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/kstring.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "sys_fs.h"

#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2

/* The directory and last component a name-changing call acts on. */
struct name_ref {
	char *path;
	struct inode *dir;
	const char *name;
	uint64_t len;
	bool slash; /* the path ended in '/' */
};

static bool name_is_dot(const struct name_ref *n)
{
	return (n->len == 1 && n->name[0] == '.') ||
	       (n->len == 2 && n->name[0] == '.' && n->name[1] == '.');
}

/* Resolve upath under dirfd to its parent directory. 0, or -errno with nothing held. */
static long name_get(int dirfd, uint64_t upath, struct name_ref *n)
{
	struct inode *base;
	long err;
	n->dir = NULL;
	n->path = user_path_get(upath, false, &err);
	if (!n->path)
		return err;
	err = vfs_at_base(dirfd, n->path, &base);
	if (!err) {
		err = vfs_lookup_parent(base, n->path, &n->dir, &n->name, &n->len);
		inode_put(base);
	}
	if (err) {
		user_path_put(n->path);
		return err;
	}
	n->slash = n->name[n->len] == '/';
	return 0;
}

static void name_put(struct name_ref *n)
{
	inode_put(n->dir);
	user_path_put(n->path);
}

/* Create name of mode; the rules shared by mkdir, mknod and symlink. 0 and *out, or -errno. */
static long name_create(struct name_ref *n, uint32_t mode, struct inode **out)
{
	long err;
	if (!n->len || name_is_dot(n))
		return -EEXIST;
	if (dir_find(n->dir, n->name, n->len))
		return -EEXIST;
	if (n->slash && !S_ISDIR(mode))
		return -ENOENT;
	err = inode_permission(n->dir, 3);
	if (err)
		return err;
	return dir_create(n->dir, n->name, n->len, mode, out);
}

static uint32_t umask_of_current(void)
{
	struct task *t = current_task();
	return t ? t->umask : 022;
}

static long do_mkdirat(int dirfd, uint64_t upath, uint64_t mode)
{
	struct name_ref n;
	struct inode *ino;
	long err = name_get(dirfd, upath, &n);
	if (err)
		return err;
	err = name_create(&n, S_IFDIR | ((uint32_t)mode & 07777 & ~umask_of_current()), &ino);
	if (!err)
		inode_put(ino);
	name_put(&n);
	return err;
}

SYSCALL_DEFINE(83, mkdir)
{
	return do_mkdirat(AT_FDCWD, a0, a1);
}

SYSCALL_DEFINE(258, mkdirat)
{
	return do_mkdirat((int)a0, a1, a2);
}

static long do_mknodat(int dirfd, uint64_t upath, uint64_t mode, uint64_t dev)
{
	uint32_t type = (uint32_t)mode & S_IFMT;
	struct name_ref n;
	struct inode *ino;
	long err;
	if (!type)
		type = S_IFREG;
	if (type != S_IFREG && type != S_IFCHR && type != S_IFBLK && type != S_IFIFO &&
	    type != S_IFSOCK)
		return -EINVAL;
	err = name_get(dirfd, upath, &n);
	if (err)
		return err;
	err = name_create(&n, type | ((uint32_t)mode & 07777 & ~umask_of_current()), &ino);
	if (!err) {
		/* Linux's new_decode_dev, kept as major << 8 | minor. */
		uint32_t major = (uint32_t)((dev & 0xfff00) >> 8);
		uint32_t minor = (uint32_t)((dev & 0xff) | ((dev >> 12) & 0xfff00));
		ino->rdev = MKDEV(major, minor);
		inode_put(ino);
	}
	name_put(&n);
	return err;
}

SYSCALL_DEFINE(133, mknod)
{
	return do_mknodat(AT_FDCWD, a0, a1, a2);
}

SYSCALL_DEFINE(259, mknodat)
{
	return do_mknodat((int)a0, a1, a2, a3);
}

/* Remove a name: rmdir when dir, else unlink, with Linux's errors for each. */
static long do_remove(int dirfd, uint64_t upath, bool dir)
{
	struct dirent_node *de;
	struct name_ref n;
	long err = name_get(dirfd, upath, &n);
	if (err)
		return err;
	if (!n.len || name_is_dot(&n)) {
		if (!dir)
			err = -EISDIR;
		else if (n.len == 2)
			err = -ENOTEMPTY;
		else
			err = n.len ? -EINVAL : -EBUSY;
		goto out;
	}
	de = dir_find(n.dir, n.name, n.len);
	if (!de) {
		err = -ENOENT;
		goto out;
	}
	err = inode_permission(n.dir, 3);
	if (err)
		goto out;
	if (dir) {
		if (!S_ISDIR(de->inode->mode))
			err = -ENOTDIR;
		else if (de->inode->mounted)
			err = -EBUSY;
		else if (!dir_is_empty(de->inode))
			err = -ENOTEMPTY;
	} else if (S_ISDIR(de->inode->mode)) {
		err = -EISDIR;
	} else if (n.slash) {
		err = -ENOTDIR;
	}
	if (!err)
		dir_unlink(n.dir, de);
out:
	name_put(&n);
	return err;
}

SYSCALL_DEFINE(84, rmdir)
{
	return do_remove(AT_FDCWD, a0, true);
}

SYSCALL_DEFINE(87, unlink)
{
	return do_remove(AT_FDCWD, a0, false);
}

SYSCALL_DEFINE(263, unlinkat)
{
	if (a2 & ~(uint64_t)AT_REMOVEDIR)
		return -EINVAL;
	return do_remove((int)a0, a1, a2 & AT_REMOVEDIR);
}

/* True when dir is ino or lies below it (a directory cannot move into itself). */
static bool dir_is_within(struct inode *dir, struct inode *ino)
{
	for (struct inode *d = dir; d; d = d->parent) {
		if (d == ino)
			return true;
		while (d->covers)
			d = d->covers;
	}
	return false;
}

/* Can src replace the existing dst in a rename? 0 or -errno. */
static long rename_replace_ok(struct inode *src, struct inode *dst)
{
	if (S_ISDIR(src->mode)) {
		if (!S_ISDIR(dst->mode))
			return -ENOTDIR;
		if (!dir_is_empty(dst))
			return -ENOTEMPTY;
		if (dst->mounted)
			return -EBUSY;
	} else if (S_ISDIR(dst->mode)) {
		return -EISDIR;
	}
	return 0;
}

static long rename_names(struct name_ref *o, struct name_ref *n, uint64_t flags)
{
	struct dirent_node *sde, *dde;
	struct inode *src;
	long err;
	if (!o->len || !n->len || name_is_dot(o) || name_is_dot(n))
		return -EBUSY;
	sde = dir_find(o->dir, o->name, o->len);
	if (!sde)
		return -ENOENT;
	src = sde->inode;
	if ((o->slash || n->slash) && !S_ISDIR(src->mode))
		return -ENOTDIR;
	if (o->dir->dev != n->dir->dev || src->mounted)
		return src->mounted ? -EBUSY : -EXDEV;
	err = inode_permission(o->dir, 3);
	if (!err)
		err = inode_permission(n->dir, 3);
	if (err)
		return err;
	if (S_ISDIR(src->mode) && dir_is_within(n->dir, src))
		return -EINVAL;
	dde = dir_find(n->dir, n->name, n->len);
	if (dde) {
		if (flags & RENAME_NOREPLACE)
			return -EEXIST;
		if (dde->inode == src)
			return 0; /* two links to one file: nothing to do, as POSIX says */
		err = rename_replace_ok(src, dde->inode);
		if (err)
			return err;
		dir_unlink(n->dir, dde);
	}
	return dir_move(o->dir, sde, n->dir, n->name, n->len);
}

static long do_renameat2(int olddirfd, uint64_t oldpath, int newdirfd, uint64_t newpath,
			 uint64_t flags)
{
	struct name_ref o, n;
	long err;
	if (flags & ~(uint64_t)RENAME_NOREPLACE)
		return -EINVAL; /* RENAME_EXCHANGE and RENAME_WHITEOUT are not supported */
	err = name_get(olddirfd, oldpath, &o);
	if (err)
		return err;
	err = name_get(newdirfd, newpath, &n);
	if (!err) {
		err = rename_names(&o, &n, flags);
		name_put(&n);
	}
	name_put(&o);
	return err;
}

SYSCALL_DEFINE(82, rename)
{
	return do_renameat2(AT_FDCWD, a0, AT_FDCWD, a1, 0);
}

SYSCALL_DEFINE(264, renameat)
{
	return do_renameat2((int)a0, a1, (int)a2, a3, 0);
}

SYSCALL_DEFINE(316, renameat2)
{
	return do_renameat2((int)a0, a1, (int)a2, a3, a4);
}

static long do_symlinkat(uint64_t utarget, int dirfd, uint64_t upath)
{
	struct name_ref n;
	struct inode *ino;
	long err;
	char *target = user_path_get(utarget, false, &err), *copy;
	uint64_t tlen;
	if (!target)
		return err;
	tlen = strlen(target);
	copy = kmalloc(tlen + 1);
	err = copy ? name_get(dirfd, upath, &n) : -ENOMEM;
	if (!err) {
		err = name_create(&n, S_IFLNK | 0777, &ino);
		if (!err) {
			memcpy(copy, target, tlen + 1);
			ino->symlink = copy;
			ino->size = tlen;
			copy = NULL;
			inode_put(ino);
		}
		name_put(&n);
	}
	kfree(copy);
	user_path_put(target);
	return err;
}

SYSCALL_DEFINE(88, symlink)
{
	return do_symlinkat(a0, AT_FDCWD, a1);
}

SYSCALL_DEFINE(266, symlinkat)
{
	return do_symlinkat(a0, (int)a1, a2);
}

static long do_linkat(int olddirfd, uint64_t oldpath, int newdirfd, uint64_t newpath,
		      uint64_t flags)
{
	struct inode *src;
	struct name_ref n;
	long err;
	if (flags & ~(uint64_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = user_path_inode(olddirfd, oldpath, flags & AT_SYMLINK_FOLLOW ? LOOKUP_FOLLOW : 0,
			      flags & AT_EMPTY_PATH, &src);
	if (err)
		return err;
	err = name_get(newdirfd, newpath, &n);
	if (!err) {
		if (S_ISDIR(src->mode))
			err = -EPERM;
		else if (src->dev != n.dir->dev)
			err = -EXDEV;
		else if (!n.len || name_is_dot(&n) || dir_find(n.dir, n.name, n.len))
			err = -EEXIST;
		else if (src->nlink == 0)
			err = -ENOENT;
		else
			err = inode_permission(n.dir, 3);
		if (!err)
			err = dir_link(n.dir, n.name, n.len, src);
		name_put(&n);
	}
	inode_put(src);
	return err;
}

SYSCALL_DEFINE(86, link)
{
	return do_linkat(AT_FDCWD, a0, AT_FDCWD, a1, 0);
}

SYSCALL_DEFINE(265, linkat)
{
	return do_linkat((int)a0, a1, (int)a2, a3, a4);
}
