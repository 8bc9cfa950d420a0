/*
 * syscalls/sys_fs.h - helpers shared by the file syscalls (sys_fs*.c,
 * sys_pipe.c, sys_poll.c): user path strings and descriptor lookup.
 */
#ifndef SYSCALLS_SYS_FS_H
#define SYSCALLS_SYS_FS_H

#include <stdint.h>

#include "../fs/vfs_internal.h"

/*
 * Copy the user path at upath into a new kernel buffer (VFS_PATH_MAX
 * bytes). Returns it, or NULL with *err set to -EFAULT, -ENAMETOOLONG,
 * -ENOMEM, or -ENOENT for an empty path (unless empty_ok).
 */
char *user_path_get(uint64_t upath, bool empty_ok, long *err);
/* Free what user_path_get returned (NULL is ignored). */
void user_path_put(char *path);

/*
 * The inode upath names under dirfd, looked up with flags (LOOKUP_FOLLOW,
 * LOOKUP_DIRECTORY); an empty path names dirfd itself when empty_ok
 * (AT_EMPTY_PATH). 0 and *out (a reference), or -errno.
 */
long user_path_inode(int dirfd, uint64_t upath, int flags, bool empty_ok, struct inode **out);
/* The inode behind fd with a reference, or NULL (a bad fd, or a pipe end, which has none). */
struct inode *fd_inode(int fd);

/* The file at fd when it is open for reading (-EBADF otherwise, O_PATH included). */
struct file *fd_get_readable(int fd, long *err);
/* The same for writing. */
struct file *fd_get_writable(int fd, long *err);

/* True when f has a position lseek/pread can move (regular files, directories, memory devices). */
bool file_seekable(const struct file *f);

/* Linux caps one read or write at this many bytes (MAX_RW_COUNT). */
#define RW_MAX 0x7ffff000ull

#endif
