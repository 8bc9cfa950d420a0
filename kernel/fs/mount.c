/*
 * fs/mount.c - file-system instances and mount points. Every file system
 * here is an in-memory tree; an instance is just a root directory with its
 * own st_dev. Mounting makes a directory lead to that root (lookups step
 * through `mounted`, ".." steps back out through `covers`); the mount holds
 * a reference to the root, so the tree lives until it is unmounted.
 */
#include "kernel/errno.h"
#include "kernel/kstring.h"
#include "vfs_internal.h"

/* A new empty file-system root of type (tmpfs, devtmpfs). 0 and *out (a reference), or -errno. */
int vfs_fs_create(const char *type, struct inode **out)
{
	bool dev = !strcmp(type, "devtmpfs");
	struct inode *root;
	int err;
	if (!dev && strcmp(type, "tmpfs") && strcmp(type, "ramfs"))
		return -ENODEV;
	root = inode_alloc(vfs_new_dev(), S_IFDIR | (dev ? 0755 : 01777));
	if (!root)
		return -ENOMEM;
	root->nlink = 2; /* its "." and the name it will be reached by */
	if (dev) {
		err = chrdev_populate(root);
		if (err) {
			root->nlink = 0;
			inode_put(root);
			return err;
		}
	}
	*out = root;
	return 0;
}

/* Mount root (whose reference moves to the mount) on directory dir. 0, -ENOTDIR or -EBUSY. */
int vfs_mount(struct inode *dir, struct inode *root)
{
	while (dir->mounted)
		dir = dir->mounted;
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (root->covers)
		return -EBUSY;
	dir->mounted = root;
	root->covers = dir;
	root->parent = dir->parent;
	inode_get(dir); /* a covered directory stays even if its name goes */
	return 0;
}

/* Undo the mount whose root is root. 0, or -EINVAL when root is not a mounted root. */
int vfs_umount(struct inode *root)
{
	struct inode *dir = root->covers;
	if (!dir || dir->mounted != root || root->mounted)
		return -EINVAL;
	if (root->refs > 2) /* the mount's and the caller's */
		return -EBUSY;
	dir->mounted = NULL;
	root->covers = NULL;
	root->nlink = 0;
	inode_put(root);
	inode_put(dir);
	return 0;
}
