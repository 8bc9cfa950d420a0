/*
 * fs/fs_struct.c - a task's file-system context: root and cwd,
 * shared by CLONE_FS and copied by fork. Both directories hold a
 * reference, so a removed cwd stays valid (getcwd then fails with ENOENT).
 */
#include "kernel/heap.h"
#include "vfs_internal.h"

struct fs_struct *fs_create_root(void)
{
	struct fs_struct *fs;
	if (!vfs_root)
		return NULL; /* vfs_init() has not run */
	fs = kmalloc(sizeof(*fs));
	if (!fs)
		return NULL;
	fs->refs = 1;
	fs->root = vfs_root;
	fs->cwd = vfs_root;
	inode_get(fs->root);
	inode_get(fs->cwd);
	return fs;
}

struct fs_struct *fs_fork(struct fs_struct *old)
{
	struct fs_struct *fs = kmalloc(sizeof(*fs));
	if (!fs)
		return NULL;
	fs->refs = 1;
	fs->root = old->root;
	fs->cwd = old->cwd;
	inode_get(fs->root);
	inode_get(fs->cwd);
	return fs;
}

void fs_get(struct fs_struct *fs)
{
	fs->refs++;
}

void fs_put(struct fs_struct *fs)
{
	if (!fs || --fs->refs > 0)
		return;
	inode_put(fs->root);
	inode_put(fs->cwd);
	kfree(fs);
}
