/*
 * fs/anon_inode.c - inodes for files that no directory holds (eventfd,
 * epoll, sockets). Linux shares one anonymous inode among most of them;
 * here each file has its own small unlinked inode, so fstat and the inode
 * reference counting work as for any other file, and the inode goes away
 * with the file's last reference.
 */
#include "anon_files.h"

/* One st_dev for all of them, as Linux's anon_inodefs and sockfs each have one. */
static uint32_t anon_dev;

struct file *anon_file_new(uint32_t mode, const struct file_ops *ops, unsigned flags, void *priv)
{
	struct inode *ino;
	struct file *f;
	if (!anon_dev)
		anon_dev = vfs_new_dev();
	ino = inode_alloc(anon_dev, mode);
	if (!ino)
		return NULL;
	f = file_alloc(ino, ops, flags);
	inode_put(ino); /* the file holds it now (or, on failure, this frees it) */
	if (!f)
		return NULL;
	f->priv = priv;
	return f;
}
