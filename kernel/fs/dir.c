/*
 * fs/dir.c - directories of the in-memory file systems: a singly linked
 * list of names. Each entry gets a cookie from an increasing counter so
 * getdents64 can resume after entries were added or removed, the way
 * tmpfs offsets behave on Linux.
 */
#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/kstring.h"
#include "vfs_internal.h"

/* The entry called name (len bytes) in dir, or NULL. */
struct dirent_node *dir_find(struct inode *dir, const char *name, uint64_t len)
{
	pseudo_refresh(dir); /* a generated directory (/proc) lists what exists now */
	for (struct dirent_node *de = dir->dir.head; de; de = de->next)
		if (de->len == len && !memcmp(de->name, name, len))
			return de;
	return NULL;
}

/* Add name -> ino at the end of dir (ino gains a link). 0, -ENAMETOOLONG or -ENOMEM. */
int dir_link(struct inode *dir, const char *name, uint64_t len, struct inode *ino)
{
	struct dirent_node *de, **tail;
	if (len > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	de = kmalloc(sizeof(*de) + len + 1);
	if (!de)
		return -ENOMEM;
	memcpy(de->name, name, len);
	de->name[len] = 0;
	de->len = (uint16_t)len;
	de->inode = ino;
	/* Cookies 0 and 1 are "." and ".." in getdents64. */
	de->cookie = dir->dir.next_cookie++ + 2;
	for (tail = &dir->dir.head; *tail; tail = &(*tail)->next)
		;
	*tail = de;
	ino->nlink++;
	if (S_ISDIR(ino->mode)) {
		ino->parent = dir;
		dir->nlink++; /* the child's ".." */
	}
	dir->mtime = dir->ctime = inode_now();
	return 0;
}

/* Take de out of dir's list and free it; link counts are the caller's business. */
static void dir_detach(struct inode *dir, struct dirent_node *de)
{
	for (struct dirent_node **pp = &dir->dir.head; *pp; pp = &(*pp)->next) {
		if (*pp == de) {
			*pp = de->next;
			break;
		}
	}
	kfree(de);
}

/* Remove de from dir and drop the link it held (and a child directory's ".."). */
void dir_unlink(struct inode *dir, struct dirent_node *de)
{
	struct inode *ino = de->inode;
	dir_detach(dir, de);
	dir->mtime = dir->ctime = inode_now();
	if (S_ISDIR(ino->mode)) {
		dir->nlink--;
		/* An empty directory's own "." link goes with its name. */
		ino->nlink--;
		/* A removed directory still held (a cwd) must not lead back into dir, which may go. */
		ino->parent = NULL;
	}
	inode_unlink(ino);
}

bool dir_is_empty(struct inode *dir)
{
	return dir->dir.head == NULL;
}

/* Free the entries of a directory being destroyed; each child loses its link. */
void dir_free_all(struct inode *dir)
{
	while (dir->dir.head)
		dir_unlink(dir, dir->dir.head);
}

/* Name of child in dir into buf: its length, or -ENOENT / -ENAMETOOLONG. */
long dir_name_of(struct inode *dir, struct inode *child, char *buf, uint64_t len)
{
	for (struct dirent_node *de = dir->dir.head; de; de = de->next) {
		if (de->inode != child)
			continue;
		if (de->len + 1u > len)
			return -ENAMETOOLONG;
		memcpy(buf, de->name, de->len + 1u);
		return de->len;
	}
	return -ENOENT;
}

/*
 * Create an inode of mode named name in dir, owned by the caller's ids.
 * Returns 0 and *out (one reference), -EEXIST, -ENAMETOOLONG or -ENOMEM.
 */
int dir_create(struct inode *dir, const char *name, uint64_t len, uint32_t mode,
	       struct inode **out)
{
	struct inode *ino;
	int err;
	if (dir->nlink == 0)
		return -ENOENT; /* a removed directory takes no new entries */
	if (dir->pseudo)
		return -EACCES; /* procfs and sysfs make their own entries */
	if (dir_find(dir, name, len))
		return -EEXIST;
	ino = inode_alloc(dir->dev, mode);
	if (!ino)
		return -ENOMEM;
	if (S_ISDIR(mode))
		ino->nlink = 1; /* its "." */
	err = dir_link(dir, name, len, ino);
	if (err) {
		ino->nlink = 0;
		inode_put(ino);
		return err;
	}
	*out = ino;
	return 0;
}

/*
 * Move the entry de of olddir to name in newdir (rename): the inode keeps
 * its link count, a directory's ".." moves from olddir to newdir. The
 * caller has removed any entry already at the new name. 0 or -errno.
 */
int dir_move(struct inode *olddir, struct dirent_node *de, struct inode *newdir, const char *name,
	     uint64_t len)
{
	struct inode *ino = de->inode;
	int err = dir_link(newdir, name, len, ino);
	if (err)
		return err;
	dir_detach(olddir, de);
	ino->nlink--;
	if (S_ISDIR(ino->mode))
		olddir->nlink--;
	olddir->mtime = olddir->ctime = ino->ctime = inode_now();
	return 0;
}
