/*
 * kernel/fdtable.h - a task's file descriptors and its file-system context
 * (cwd, root). Both are reference counted so clone() can share them
 * (CLONE_FILES, CLONE_FS) and fork() can copy them.
 */
#ifndef KERNEL_FDTABLE_H
#define KERNEL_FDTABLE_H

#include <stdbool.h>
#include <stdint.h>

struct file;
struct inode;

#define FD_CLOEXEC 1
#define FDTABLE_MAX 4096 /* Linux's default RLIMIT_NOFILE hard limit; the soft limit applies below it */

struct fd_slot {
	struct file *file;
	bool cloexec;
};

struct fdtable {
	int refs;
	int size; /* slots allocated, grows up to FDTABLE_MAX */
	struct fd_slot *slots;
};

struct fs_struct {
	int refs;
	struct inode *root;
	struct inode *cwd;
};

/* A new empty table. NULL when out of memory. */
struct fdtable *fdtable_create(void);
/* A copy of t for fork: same open files (each gets a reference), same flags. NULL on ENOMEM. */
struct fdtable *fdtable_fork(struct fdtable *t);
/* Share t (CLONE_FILES). */
void fdtable_get(struct fdtable *t);
/* Drop a reference; the last one closes every descriptor. */
void fdtable_put(struct fdtable *t);
/* execve: close every descriptor marked close-on-exec. */
void fdtable_close_on_exec(struct fdtable *t);

/* Descriptors the current task may use: RLIMIT_NOFILE's soft limit, at most FDTABLE_MAX. */
int fd_limit(void);
/* The current task's file at fd with a reference taken, or NULL when fd is not open. */
struct file *fd_get(int fd);
/*
 * Install f (the caller's reference moves into the table) at the current
 * task's lowest free descriptor; O_CLOEXEC in flags sets close-on-exec.
 * Returns the descriptor or -EMFILE past fd_limit() (the reference is then still the caller's).
 */
int fd_install(struct file *f, int flags);
/* Like fd_install but at the lowest free descriptor >= min. */
int fd_install_from(struct file *f, int min, bool cloexec);
/* Put f at exactly fd (closing what was there), as dup2. 0 or -EBADF/-ENOMEM. */
int fd_install_at(struct file *f, int fd, bool cloexec);
/* close(2): 0 or -EBADF. */
int fd_close(int fd);
/* Close-on-exec flag of fd: 0/1, or -EBADF. */
int fd_get_cloexec(int fd);
/* Set it: 0 or -EBADF. */
int fd_set_cloexec(int fd, bool on);

/* A context with root and cwd at the root of the file system. NULL on ENOMEM. */
struct fs_struct *fs_create_root(void);
/* A copy for fork (same cwd and root). NULL on ENOMEM. */
struct fs_struct *fs_fork(struct fs_struct *fs);
/* Share fs (CLONE_FS). */
void fs_get(struct fs_struct *fs);
void fs_put(struct fs_struct *fs);

#endif
