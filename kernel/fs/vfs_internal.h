/*
 * fs/vfs_internal.h - what the files of kernel/fs/ and the file syscalls
 * share: inode management, directory entries, the tmpfs page cache, path
 * lookup, character devices and pipes. Not for the rest of the kernel
 * (which uses kernel/vfs.h and kernel/fdtable.h).
 */
#ifndef FS_VFS_INTERNAL_H
#define FS_VFS_INTERNAL_H

#include "kernel/fdtable.h"
#include "kernel/vfs.h"

/* inode.c */
/* A new inode of mode on file-system instance dev with nlink 0 and one reference. NULL on ENOMEM. */
struct inode *inode_alloc(uint32_t dev, uint32_t mode);
void inode_get(struct inode *ino);
/* Drop a reference; an inode with no references and no links is freed. */
void inode_put(struct inode *ino);
/* The inode lost a link (unlink/rmdir/rename over it); frees it when unused. */
void inode_unlink(struct inode *ino);
/* Current time for timestamps (ns). */
int64_t inode_now(void);
/* The root of the whole tree (the root tmpfs). */
extern struct inode *vfs_root;
/* A fresh file-system instance number for st_dev. */
uint32_t vfs_new_dev(void);
/* Permission check of ino for the current task: mask of 4 (r), 2 (w), 1 (x). 0 or -EACCES. */
int inode_permission(struct inode *ino, int mask);

/* dir.c */
/* The entry called name (len bytes) in dir, or NULL. */
struct dirent_node *dir_find(struct inode *dir, const char *name, uint64_t len);
/* Add a link name -> ino in dir (ino->nlink grows; a directory's parent is set). 0 or -ENOMEM. */
int dir_link(struct inode *dir, const char *name, uint64_t len, struct inode *ino);
/* Remove the entry de from dir, dropping the link it held. */
void dir_unlink(struct inode *dir, struct dirent_node *de);
/* rename: move de from olddir to name in newdir, link counts kept. 0 or -errno. */
int dir_move(struct inode *olddir, struct dirent_node *de, struct inode *newdir, const char *name,
	     uint64_t len);
/* True when dir has no entries. */
bool dir_is_empty(struct inode *dir);
/* Free every entry of a directory being destroyed. */
void dir_free_all(struct inode *dir);
/* Name of child in dir into buf (len bytes, NUL-terminated): length, or -ENOENT. */
long dir_name_of(struct inode *dir, struct inode *child, char *buf, uint64_t len);
/* Create a new inode named name in dir (the link is made). 0 and *out (a reference), or -errno. */
int dir_create(struct inode *dir, const char *name, uint64_t len, uint32_t mode,
	       struct inode **out);

/* regfile.c: the page cache of tmpfs regular files */
extern const struct file_ops regfile_ops;
/* Set ino up as a regular file (its mm_file view). */
void regfile_init(struct inode *ino);
/* Read/write with kernel or user buffers at off. Bytes moved or -errno. */
long regfile_read(struct inode *ino, struct iobuf *b, uint64_t len, uint64_t off);
long regfile_write(struct inode *ino, struct iobuf *b, uint64_t len, uint64_t off);
/* Change the size: drops pages past it (partially zeroing the last). 0 or -errno. */
int regfile_truncate(struct inode *ino, uint64_t size);
/* Release all pages (the inode is being freed). */
void regfile_free(struct inode *ino);

/* namei.c */
#define LOOKUP_FOLLOW 1     /* follow a symlink in the last component */
#define LOOKUP_DIRECTORY 2  /* the last component must be a directory */
/* Resolve path (kernel string) relative to base (NULL: the cwd). 0 and *out (a reference) or -errno. */
int vfs_lookup(struct inode *base, const char *path, int flags, struct inode **out);
/*
 * Resolve all but the last component: 0 and *dir (a reference), the last
 * component at *name (pointing into path, *len bytes; "" for "/") or -errno.
 */
int vfs_lookup_parent(struct inode *base, const char *path, struct inode **dir,
		      const char **name, uint64_t *len);
/* The directory an *at() call starts from: 0 and *out (a reference), or -EBADF/-ENOTDIR. */
int vfs_at_base(int dirfd, const char *path, struct inode **out);
/* The absolute path of ino into buf: length or -errno (-ENAMETOOLONG, -ENOENT when unlinked). */
long vfs_path_of(struct inode *ino, char *buf, uint64_t len);

/* open.c */
/* open a resolved inode with flags (O_*): 0 and *out, or -errno. */
int vfs_open_inode(struct inode *ino, unsigned flags, struct file **out);
/* openat(2) body on a kernel path. 0 and *out, or -errno. */
int vfs_openat(int dirfd, const char *path, unsigned flags, uint32_t mode, struct file **out);

/* Remember the directory of path's last component in f (for file_path) when it names f's inode. */
void vfs_file_set_dir(struct file *f, const char *path);

/* chrdev.c */
/* Operations of the character device rdev, or NULL (ENXIO). */
const struct file_ops *chrdev_ops(uint32_t rdev);
#define MKDEV(ma, mi) ((uint32_t)(((ma) << 8) | (mi)))
/* Create the standard nodes (null, zero, full, random, urandom, tty, console, ttyS0) in dir. */
int chrdev_populate(struct inode *dir);
/* A device file was just opened with flags (O_NOCTTY included): 0, or -errno to fail the open. */
int chrdev_open(struct file *f, unsigned flags);

/* console.c */
extern const struct file_ops console_ops;
/* Opening a terminal node: /dev/tty needs a controlling terminal; ttyS0 may become one. 0 or -ENXIO. */
int console_open(struct file *f, unsigned flags);

/* pipe.c */
/* Two open files (read end, write end) on a new pipe. 0 or -ENOMEM. */
int pipe_create(unsigned flags, struct file **rd, struct file **wr);
/* Open a FIFO inode's pipe (created on first open). 0 and *out, or -errno. */
int fifo_open(struct inode *ino, unsigned flags, struct file **out);

/* mount.c */
/* A new empty root of a tmpfs/ramfs/devtmpfs/proc/sysfs instance. 0 and *out (a reference), or -ENODEV/-ENOMEM. */
int vfs_fs_create(const char *type, struct inode **out);
/* Mount root (its reference moves to the mount) on directory dir. 0 or -errno. */
int vfs_mount(struct inode *dir, struct inode *root);
/* Record the source, MS_* flags and options (may be NULL) root was mounted with. 0 or -EINVAL. */
int vfs_mount_set(struct inode *root, const char *source, unsigned long flags, const char *data);
/* Undo the mount whose root is root (detach: even while in use). 0, -EINVAL or -EBUSY. */
int vfs_umount(struct inode *root, bool detach);
/* statfs: the f_type magic and ST_* flags of the file system holding ino. */
void vfs_statfs_info(const struct inode *ino, int64_t *magic, int64_t *flags);

/* procfs.c: generated trees (procfs, sysfs), see procfs.h */
/* Bring a generated directory's entries up to date (no-op for other inodes). */
void pseudo_refresh(struct inode *dir);
/* Operations to open the generated file ino with flags: 0 and *ops, or -EACCES. */
int pseudo_open_ops(struct inode *ino, unsigned flags, const struct file_ops **ops);

/*
 * Queue up to len bytes from b at off into a ring of size bytes whose queued
 * bytes are [head, head + *count); *count grows. Bytes moved, or -EFAULT
 * when the first byte cannot be read.
 */
long byte_ring_fill(char *ring, uint32_t size, uint32_t head, uint32_t *count,
		    struct iobuf *b, uint64_t off, uint64_t len);

/* cpio.c */
/* Unpack a newc archive into root. 0 or -EINVAL (malformed; what came before stays). */
int cpio_unpack(struct inode *root, const uint8_t *data, uint64_t len);

/* poll.c */
/* Sleep until vfs_poll_wake() or a deadline (time_ns, 0: none). 0, or -EINTR. */
int vfs_poll_sleep(uint64_t seq, uint64_t deadline_ns);
/* Wake-up generation, read before checking readiness. */
uint64_t vfs_poll_seq(void);

#endif
