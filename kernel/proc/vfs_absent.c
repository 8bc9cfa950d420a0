/*
 * proc/vfs_absent.c - weak stand-ins for the file-system interface
 * (kernel/vfs.h, kernel/fdtable.h) that kernel/proc calls, so the kernel
 * links while kernel/fs is not part of the build (kernel/SConscript,
 * FS_BUILT). They fail every request: without a file system there is no
 * init to run and the kernel stops with "No working init found". The real
 * functions in kernel/fs replace them at link time.
 */
#include "kernel/errno.h"
#include "kernel/fdtable.h"
#include "kernel/vfs.h"

#define WEAK __attribute__((weak))

WEAK int vfs_init(const void *initrd, uint64_t len) { return 0; }
WEAK int vfs_open_console_fds(void) { return -ENOSYS; }
WEAK int vfs_open_exec(const char *path, struct file **out) { return -ENOENT; }
WEAK long file_pread(struct file *f, void *kbuf, uint64_t len, uint64_t off) { return -EIO; }
WEAK void file_get(struct file *f) {}
WEAK void file_put(struct file *f) {}
WEAK struct mm_file *file_mm_file(struct file *f) { return NULL; }
WEAK bool file_maps_anonymous(struct file *f) { return false; }
WEAK int file_mmap_check(struct file *f, int prot, int flags) { return -ENODEV; }
WEAK struct file *fd_get(int fd) { return NULL; }
WEAK struct fdtable *fdtable_create(void) { return (struct fdtable *)1; }
WEAK struct fdtable *fdtable_fork(struct fdtable *t) { return t; }
WEAK void fdtable_get(struct fdtable *t) {}
WEAK void fdtable_put(struct fdtable *t) {}
WEAK void fdtable_close_on_exec(struct fdtable *t) {}
WEAK struct fs_struct *fs_create_root(void) { return (struct fs_struct *)1; }
WEAK struct fs_struct *fs_fork(struct fs_struct *fs) { return fs; }
WEAK void fs_get(struct fs_struct *fs) {}
WEAK void fs_put(struct fs_struct *fs) {}
