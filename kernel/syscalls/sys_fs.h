/*
 * syscalls/sys_fs.h - helpers shared by the file syscalls (sys_fs*.c,
 * sys_pipe.c, sys_poll.c): user path strings and descriptor lookup.
 */
#ifndef SYSCALLS_SYS_FS_H
#define SYSCALLS_SYS_FS_H

#include <stdint.h>

#include "../fs/vfs_internal.h"

/*
 * Copy the user path at upath into a new kernel buffer (its length + 1
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

/*
 * Install a newly made file: err is what making it returned (non-zero: it
 * failed, f is not used). Returns the lowest free descriptor (O_CLOEXEC in
 * flags sets close-on-exec) or -errno; on -EMFILE f is released.
 */
long fd_install_new(long err, struct file *f, int flags);
/*
 * Install a and b (pipe ends, socket pairs) at the two lowest free
 * descriptors and store them as int[2] at ufds. Returns 0, or -EMFILE /
 * -EFAULT with both files released and no descriptor left behind.
 */
long fd_install_pair(struct file *a, struct file *b, int flags, uint64_t ufds);

/* sys_poll.c, shared with epoll_pwait/epoll_pwait2. */
/*
 * A deadline in time_ns() terms from a user timespec (NULL: none, 0 ns:
 * don't wait). Returns 0 (and *deadline, UINT64_MAX for none, 0 for
 * immediate), -EFAULT or -EINVAL.
 */
long deadline_from_ts(uint64_t uts, uint64_t *deadline);
/* Install the signal mask at umask (size bytes; 0: none) for a wait. 0, -EINVAL or -EFAULT. */
long sigmask_swap_in(uint64_t umask, uint64_t size, bool *swapped);
/* Put the old mask back now, or after the handler runs when result says a signal interrupted. */
void sigmask_swap_out(bool swapped, long result);

#endif
