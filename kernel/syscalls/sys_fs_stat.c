/*
 * syscalls/sys_fs_stat.c - looking at files: stat, lstat, fstat,
 * newfstatat, statx, access, faccessat, faccessat2, readlink, readlinkat,
 * statfs, fstatfs.
 */
#include "kernel/errno.h"
#include "kernel/kstring.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "sys_fs.h"

/* struct stat of x86-64 Linux (144 bytes). */
struct stat_user {
	uint64_t st_dev, st_ino, st_nlink;
	uint32_t st_mode, st_uid, st_gid, pad0;
	uint64_t st_rdev;
	int64_t st_size, st_blksize, st_blocks;
	uint64_t st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime, st_ctime_nsec;
	int64_t unused[3];
};

struct statx_ts {
	int64_t sec;
	uint32_t nsec;
	int32_t reserved;
};

struct statx_user {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct statx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t mnt_id;
	uint32_t dio_mem_align, dio_offset_align;
	uint64_t spare3[12];
};

#define STATX_BASIC_STATS 0x7ffu

/* st_size: bytes of a file or symlink target; a directory reports tmpfs's 40 for "." and "..". */
static uint64_t inode_stat_size(const struct inode *ino)
{
	if (S_ISREG(ino->mode) || S_ISLNK(ino->mode))
		return ino->size;
	return S_ISDIR(ino->mode) ? 40 : 0;
}

static uint64_t inode_blocks(const struct inode *ino)
{
	return S_ISREG(ino->mode) ? (ino->size + 4095) / 4096 * 8 : 0;
}

/* Seconds and nanoseconds of a timestamp in ns. */
static void ns_split(int64_t ns, uint64_t *sec, uint64_t *nsec)
{
	*sec = (uint64_t)(ns / 1000000000);
	*nsec = (uint64_t)(ns % 1000000000);
}

static void stat_fill(const struct inode *ino, struct stat_user *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = ino->dev;
	st->st_ino = ino->ino;
	st->st_nlink = ino->nlink;
	st->st_mode = ino->mode;
	st->st_uid = ino->uid;
	st->st_gid = ino->gid;
	st->st_rdev = ino->rdev;
	st->st_size = (int64_t)inode_stat_size(ino);
	st->st_blksize = 4096;
	st->st_blocks = (int64_t)inode_blocks(ino);
	ns_split(ino->atime, &st->st_atime, &st->st_atime_nsec);
	ns_split(ino->mtime, &st->st_mtime, &st->st_mtime_nsec);
	ns_split(ino->ctime, &st->st_ctime, &st->st_ctime_nsec);
}

/*
 * The inode an *at() stat-like call names: path under dirfd, following a
 * final symlink unless AT_SYMLINK_NOFOLLOW; "" with AT_EMPTY_PATH is dirfd
 * itself. 0 and *out (a reference), or -errno.
 */
static long at_inode(int dirfd, uint64_t upath, uint64_t flags, struct inode **out)
{
	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 /* AT_NO_AUTOMOUNT */ |
				0x6000 /* AT_STATX_SYNC_TYPE */))
		return -EINVAL;
	return user_path_inode(dirfd, upath, flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW,
			       flags & AT_EMPTY_PATH, out);
}

static long stat_to_user(struct inode *ino, uint64_t ubuf)
{
	struct stat_user st;
	stat_fill(ino, &st);
	inode_put(ino);
	return copy_to_user(ubuf, &st, sizeof(st));
}

SYSCALL_DEFINE(4, stat)
{
	struct inode *ino;
	long err = at_inode(AT_FDCWD, a0, 0, &ino);
	return err ? err : stat_to_user(ino, a1);
}

SYSCALL_DEFINE(6, lstat)
{
	struct inode *ino;
	long err = at_inode(AT_FDCWD, a0, AT_SYMLINK_NOFOLLOW, &ino);
	return err ? err : stat_to_user(ino, a1);
}

SYSCALL_DEFINE(262, newfstatat)
{
	struct inode *ino;
	long err = at_inode((int)a0, a1, a3, &ino);
	return err ? err : stat_to_user(ino, a2);
}

/* fstat on a pipe end (no inode) reports a FIFO, as Linux's pipefs inode. */
static struct inode pipe_stat_inode = {.mode = S_IFIFO | 0600, .nlink = 1, .refs = 1};

/* The inode fstat/fstatfs describe for fd (a reference): its own, or the pipe stand-in. */
static long fd_stat_inode(int fd, struct inode **out)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	*out = f->inode ? f->inode : &pipe_stat_inode;
	inode_get(*out);
	file_put(f);
	return 0;
}

SYSCALL_DEFINE(5, fstat)
{
	struct inode *ino;
	long err = fd_stat_inode((int)a0, &ino);
	return err ? err : stat_to_user(ino, a1);
}

SYSCALL_DEFINE(332, statx)
{
	struct statx_user sx;
	struct inode *ino;
	long err;
	if (a3 & 0x80000000u) /* STATX__RESERVED */
		return -EINVAL;
	err = at_inode((int)a0, a1, a2, &ino);
	if (err)
		return err;
	memset(&sx, 0, sizeof(sx));
	sx.mask = STATX_BASIC_STATS;
	sx.blksize = 4096;
	sx.nlink = ino->nlink;
	sx.uid = ino->uid;
	sx.gid = ino->gid;
	sx.mode = (uint16_t)ino->mode;
	sx.ino = ino->ino;
	sx.size = inode_stat_size(ino);
	sx.blocks = inode_blocks(ino);
	sx.atime = (struct statx_ts){ino->atime / 1000000000, (uint32_t)(ino->atime % 1000000000), 0};
	sx.mtime = (struct statx_ts){ino->mtime / 1000000000, (uint32_t)(ino->mtime % 1000000000), 0};
	sx.ctime = (struct statx_ts){ino->ctime / 1000000000, (uint32_t)(ino->ctime % 1000000000), 0};
	sx.rdev_major = ino->rdev >> 8;
	sx.rdev_minor = ino->rdev & 0xff;
	sx.dev_minor = ino->dev;
	inode_put(ino);
	return copy_to_user(a4, &sx, sizeof(sx));
}

#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

/* access(2) family: the real ids decide unless AT_EACCESS (root's rule as inode_permission). */
static long do_access(int dirfd, uint64_t upath, uint64_t mode, uint64_t flags)
{
	struct inode *ino;
	long err;
	if (mode & ~7ull)
		return -EINVAL;
	if (flags & ~(uint64_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = at_inode(dirfd, upath, flags & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH), &ino);
	if (err)
		return err;
	if (mode)
		err = inode_permission(ino, (int)mode);
	inode_put(ino);
	return err;
}

SYSCALL_DEFINE(21, access)
{
	return do_access(AT_FDCWD, a0, a1, 0);
}

SYSCALL_DEFINE(269, faccessat)
{
	return do_access((int)a0, a1, a2, 0);
}

SYSCALL_DEFINE(439, faccessat2)
{
	return do_access((int)a0, a1, a2, a3);
}

static long do_readlink(int dirfd, uint64_t upath, uint64_t ubuf, uint64_t size)
{
	struct inode *ino;
	uint64_t n;
	long err;
	if ((int64_t)size <= 0)
		return -EINVAL;
	err = at_inode(dirfd, upath, AT_SYMLINK_NOFOLLOW, &ino);
	if (err)
		return err;
	if (!S_ISLNK(ino->mode)) {
		inode_put(ino);
		return -EINVAL;
	}
	n = ino->size < size ? ino->size : size;
	err = copy_to_user(ubuf, ino->symlink, n);
	inode_put(ino);
	return err ? err : (long)n;
}

SYSCALL_DEFINE(89, readlink)
{
	return do_readlink(AT_FDCWD, a0, a1, a2);
}

SYSCALL_DEFINE(267, readlinkat)
{
	return do_readlink((int)a0, a1, a2, a3);
}

/* struct statfs of x86-64 Linux (120 bytes). */
struct statfs_user {
	int64_t f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen, f_frsize, f_flags;
	int64_t f_spare[4];
};

/* statfs: the file system's magic (TMPFS_MAGIC, PROC_SUPER_MAGIC, ...) and mount flags. */
static long statfs_to_user(struct inode *ino, uint64_t ubuf)
{
	struct statfs_user sf;
	memset(&sf, 0, sizeof(sf));
	vfs_statfs_info(ino, &sf.f_type, &sf.f_flags);
	sf.f_bsize = 4096;
	sf.f_namelen = VFS_NAME_MAX;
	sf.f_frsize = 4096;
	sf.f_fsid[0] = (int32_t)ino->dev;
	inode_put(ino);
	return copy_to_user(ubuf, &sf, sizeof(sf));
}

SYSCALL_DEFINE(137, statfs)
{
	struct inode *ino;
	long err = at_inode(AT_FDCWD, a0, 0, &ino);
	return err ? err : statfs_to_user(ino, a1);
}

SYSCALL_DEFINE(138, fstatfs)
{
	struct inode *ino;
	long err = fd_stat_inode((int)a0, &ino);
	return err ? err : statfs_to_user(ino, a1);
}
