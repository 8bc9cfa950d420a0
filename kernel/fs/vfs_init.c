/*
 * fs/vfs_init.c - bringing the file system up for the first process: the
 * root tmpfs with the initramfs unpacked into it, a devtmpfs on /dev, the
 * console as init's standard descriptors, and opening a program for exec.
 */
#include "kernel/errno.h"
#include "kernel/printf.h"
#include "vfs_internal.h"

/* Root tmpfs, initramfs, devtmpfs on /dev. 0 or -errno. */
int vfs_init(const void *initrd, uint64_t len)
{
	struct inode *dev, *devfs;
	struct dirent_node *de;
	int err;
	if (vfs_root)
		return -EBUSY;
	err = vfs_fs_create("tmpfs", &vfs_root);
	if (err)
		return err;
	vfs_root->mode = S_IFDIR | 0755;
	if (initrd && len)
		cpio_unpack(vfs_root, initrd, len); /* a bad archive is logged; the root stays */
	de = dir_find(vfs_root, "dev", 3);
	if (de && !S_ISDIR(de->inode->mode))
		return 0; /* no place for a devtmpfs; whatever the archive holds must do */
	if (!de) {
		err = dir_create(vfs_root, "dev", 3, S_IFDIR | 0755, &dev);
		if (err)
			return err;
		inode_put(dev);
	} else {
		dev = de->inode;
	}
	err = vfs_fs_create("devtmpfs", &devfs);
	if (err)
		return err;
	return vfs_mount(dev, devfs);
}

/* /dev/console as fds 0, 1, 2 of the current task. 0 or -errno. */
int vfs_open_console_fds(void)
{
	struct file *f;
	int err = vfs_openat(AT_FDCWD, "/dev/console", O_RDWR, 0, &f);
	if (err) {
		klog("vfs: cannot open /dev/console (%d)\n", err);
		return err;
	}
	for (int fd = 0; fd < 3; fd++) {
		file_get(f);
		err = fd_install_at(f, fd, false);
		if (err) {
			file_put(f);
			break;
		}
	}
	file_put(f);
	return err;
}

/* A regular file with execute permission, opened for the loader to read. 0 and *out, or -errno. */
int vfs_open_exec(const char *path, struct file **out)
{
	struct inode *ino;
	struct file *f;
	int err;
	if (!*path)
		return -ENOENT;
	err = vfs_lookup(NULL, path, LOOKUP_FOLLOW, &ino);
	if (err)
		return err;
	if (!S_ISREG(ino->mode))
		err = -EACCES;
	else
		err = inode_permission(ino, 1);
	if (!err) {
		f = file_alloc(ino, &regfile_ops, O_RDONLY);
		err = f ? 0 : -ENOMEM;
	}
	inode_put(ino);
	if (err)
		return err;
	vfs_file_set_dir(f, path);
	*out = f;
	return 0;
}
