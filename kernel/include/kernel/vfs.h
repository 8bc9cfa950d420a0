/*
 * kernel/vfs.h - the virtual file system: inodes, open files, path lookup
 * and the calls the rest of the kernel makes into it (exec, mmap, init's
 * console). Every file system here keeps its tree in memory (tmpfs, the
 * devtmpfs on /dev), so an inode is the whole object: directory entries,
 * page-cache pages of a regular file, a symlink's target, or a device.
 *
 * Lifetimes: an inode lives while it has links (nlink) or references
 * (open files, cwd/root, lookups in progress: inode_get/inode_put). An
 * open file (struct file) is reference counted by the fd tables that hold
 * it and by mappings; the last file_put() releases it.
 */
#ifndef KERNEL_VFS_H
#define KERNEL_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmcore/file.h"

/* File types and permission bits as Linux's stat(2) (octal, as in <sys/stat.h>). */
#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_ISUID 04000
#define S_ISGID 02000
#define S_ISVTX 01000
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)

/* open(2) flags, x86-64 values. */
#define O_ACCMODE 03
#define O_RDONLY 00
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DSYNC 010000
#define O_DIRECT 040000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_NOATIME 01000000
#define O_CLOEXEC 02000000
#define O_PATH 010000000

#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_EACCESS 0x200
#define AT_EMPTY_PATH 0x1000

/* poll(2) events. */
#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLWRNORM 0x100

#define VFS_NAME_MAX 255
#define VFS_PATH_MAX 4096
#define VFS_SYMLINK_DEPTH 40 /* Linux's MAXSYMLINKS */

struct inode;
struct file;
struct waitq;
struct pseudo_node;

/*
 * Where the bytes of a read or write come from or go to: a kernel buffer
 * or a user address (checked and copied with fault recovery).
 */
struct iobuf {
	bool user;
	union {
		char *kbuf;
		uint64_t uaddr;
	};
};

/* Copy n bytes from src into the buffer at offset off: 0 or -EFAULT. */
int iobuf_put(struct iobuf *b, uint64_t off, const void *src, uint64_t n);
/* Copy n bytes at offset off of the buffer into dst: 0 or -EFAULT. */
int iobuf_get(struct iobuf *b, uint64_t off, void *dst, uint64_t n);

/* What an open file does; a NULL operation means the call is refused. */
struct file_ops {
	/* Read up to len bytes at *pos into b, advancing *pos. Bytes read or -errno. */
	long (*read)(struct file *f, struct iobuf *b, uint64_t len, uint64_t *pos);
	/* Write up to len bytes from b at *pos, advancing *pos. Bytes written or -errno. */
	long (*write)(struct file *f, struct iobuf *b, uint64_t len, uint64_t *pos);
	/* ioctl(2); arg is a user address or a value. Result or -errno. */
	long (*ioctl)(struct file *f, unsigned cmd, uint64_t arg);
	/* Current POLL* readiness (never blocks). NULL: always readable and writable. */
	unsigned (*poll)(struct file *f);
	/* The last reference is gone. */
	void (*release)(struct file *f);
};

/* Directory contents of the in-memory file systems: a list of names. */
struct dirent_node {
	struct dirent_node *next;
	struct inode *inode;
	uint64_t cookie; /* stable getdents64 offset, increasing along the list */
	uint16_t len;
	char name[];
};

struct inode {
	uint64_t ino;
	uint32_t mode; /* S_IF* | permission bits */
	uint32_t nlink;
	uint32_t uid, gid;
	uint32_t dev;  /* st_dev: which file system instance */
	uint32_t rdev; /* device nodes: major << 8 | minor (Linux's old encoding) */
	uint64_t size;
	int64_t atime, mtime, ctime; /* nanoseconds since the epoch */
	int refs;
	struct inode *parent;  /* directories: the directory holding it */
	struct inode *mounted; /* a directory covered by a mount: that file system's root */
	struct inode *covers;  /* root of a mounted file system: the directory it covers */
	const struct pseudo_node *pseudo; /* procfs/sysfs: how it is generated (fs/procfs.h) */
	long pseudo_arg;                  /* the generator's argument (a pid, a descriptor) */
	union {
		struct {
			struct dirent_node *head;
			uint64_t next_cookie;
		} dir;
		struct {
			struct page **pages; /* page-cache frames, NULL where a hole */
			uint64_t cap;        /* entries in pages[] */
			struct mm_file mmf;  /* the mmcore view of this file */
			int map_refs;        /* references held by mappings */
		} reg;
		char *symlink; /* NUL-terminated target */
		void *pipe;    /* FIFOs: the pipe while open */
	};
};

struct file {
	int refs;
	unsigned flags; /* O_ACCMODE | O_APPEND | O_NONBLOCK | ... as opened (no O_CLOEXEC) */
	uint64_t pos;
	struct inode *inode; /* NULL for anonymous pipes' ends */
	struct inode *dir;   /* the directory it was opened from (for file_path); may be NULL */
	char *name;          /* its name in dir when opened (kmalloc'd; file_path after unlink) */
	const struct file_ops *ops;
	void *priv;
};

/* Readable / writable by the access mode the file was opened with. */
static inline bool file_readable(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_WRONLY;
}
static inline bool file_writable(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY;
}

/*
 * Create the root tmpfs, unpack the newc cpio at initrd (len bytes; len 0
 * for none) into it, and mount a devtmpfs with the standard device nodes
 * on /dev. Returns 0 or -errno (a malformed archive is reported and
 * unpacking stops, but the root still comes up).
 */
int vfs_init(const void *initrd, uint64_t len);

/*
 * Open /dev/console read-write as fds 0, 1, 2 of the current task (init).
 * Returns 0 or -errno.
 */
int vfs_open_console_fds(void);

/*
 * Open path (kernel string, relative to the current task's cwd) for
 * execution: a regular file with an execute bit, through symlinks. Returns
 * 0 and *out (one reference), or -ENOENT, -ENOTDIR, -EACCES, -ELOOP,
 * -ENAMETOOLONG.
 */
int vfs_open_exec(const char *path, struct file **out);

/* Read up to len bytes at off into a kernel buffer. Bytes read or -errno. */
long file_pread(struct file *f, void *kbuf, uint64_t len, uint64_t off);

void file_get(struct file *f);
/* Drop a reference; the last one releases the file (and its inode reference). */
void file_put(struct file *f);

/* The mmcore view of a regular tmpfs file, or NULL when f cannot be mapped that way. */
struct mm_file *file_mm_file(struct file *f);
/* /dev/zero and other special mappings have none: true when f maps as anonymous memory. */
bool file_maps_anonymous(struct file *f);

/*
 * mmap(2)'s checks on f: -EACCES when f is not open for reading, or for
 * writing with MAP_SHARED and PROT_WRITE, or is append-only with
 * MAP_SHARED|PROT_WRITE; -ENODEV when it cannot be mapped. Returns 0 when fine.
 */
int file_mmap_check(struct file *f, int prot, int flags);

/* The absolute path of f's inode into buf (len bytes); "" when unknown. Returns buf. */
const char *file_path(struct file *f, char *buf, uint64_t len);

/* Allocate an open file on inode (a reference is taken) with ops and flags. NULL when out of memory. */
struct file *file_alloc(struct inode *inode, const struct file_ops *ops, unsigned flags);

/* Called from the COM1 receive interrupt: wakes console readers and pollers. */
void vfs_console_rx(void);

/* Wake everything sleeping in poll/select (a file's readiness changed). */
void vfs_poll_wake(void);

#endif
