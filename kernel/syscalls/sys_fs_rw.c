/*
 * syscalls/sys_fs_rw.c - moving bytes: read, write, readv, writev,
 * pread64, pwrite64, lseek, sendfile.
 */
#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "sys_fs.h"

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3
#define SEEK_HOLE 4
#define IOV_MAX 1024

struct iovec_user {
	uint64_t base, len;
};

/* One read or write at *pos (the file's own position when pos is NULL). */
static long file_rw_at(struct file *f, uint64_t ubuf, uint64_t len, uint64_t *pos, bool write)
{
	struct iobuf b = {.user = true, .uaddr = ubuf};
	long (*op)(struct file *, struct iobuf *, uint64_t, uint64_t *);
	op = !f->ops ? NULL : write ? f->ops->write : f->ops->read;
	if (!op)
		return -EINVAL;
	if (!access_ok(ubuf, len))
		return -EFAULT;
	if (len > RW_MAX)
		len = RW_MAX;
	return op(f, &b, len, pos ? pos : &f->pos);
}

SYSCALL_DEFINE(0, read)
{
	long err;
	struct file *f = fd_get_readable((int)a0, &err);
	if (!f)
		return err;
	err = file_rw_at(f, a1, a2, NULL, false);
	file_put(f);
	return err;
}

SYSCALL_DEFINE(1, write)
{
	long err;
	struct file *f = fd_get_writable((int)a0, &err);
	if (!f)
		return err;
	err = file_rw_at(f, a1, a2, NULL, true);
	file_put(f);
	return err;
}

/* pread64/pwrite64: a positioned transfer that leaves the file position alone. */
static long positioned(uint64_t fd, uint64_t ubuf, uint64_t len, int64_t off, bool write)
{
	long err;
	struct file *f = write ? fd_get_writable((int)fd, &err) : fd_get_readable((int)fd, &err);
	uint64_t pos = (uint64_t)off;
	if (!f)
		return err;
	if (!file_seekable(f))
		err = -ESPIPE;
	else if (off < 0)
		err = -EINVAL;
	else
		err = file_rw_at(f, ubuf, len, &pos, write);
	file_put(f);
	return err;
}

SYSCALL_DEFINE(17, pread64)
{
	return positioned(a0, a1, a2, (int64_t)a3, false);
}

SYSCALL_DEFINE(18, pwrite64)
{
	return positioned(a0, a1, a2, (int64_t)a3, true);
}

/* readv/writev: each iovec in turn until one comes up short. */
static long vectored(uint64_t fd, uint64_t uiov, uint64_t cnt, bool write)
{
	struct iovec_user *iov;
	uint64_t total = 0;
	long err, n = 0;
	struct file *f;
	if (cnt > IOV_MAX)
		return -EINVAL;
	f = write ? fd_get_writable((int)fd, &err) : fd_get_readable((int)fd, &err);
	if (!f)
		return err;
	iov = kmalloc(cnt * sizeof(*iov) + 1);
	err = iov ? 0 : -ENOMEM;
	if (!err && copy_from_user(iov, uiov, cnt * sizeof(*iov)))
		err = -EFAULT;
	for (uint64_t i = 0; !err && i < cnt; i++) {
		if ((int64_t)iov[i].len < 0 || (total += iov[i].len) > (uint64_t)INT64_MAX)
			err = -EINVAL;
	}
	total = 0;
	for (uint64_t i = 0; !err && i < cnt; i++) {
		if (!iov[i].len)
			continue;
		n = file_rw_at(f, iov[i].base, iov[i].len, NULL, write);
		if (n < 0)
			break;
		total += (uint64_t)n;
		if ((uint64_t)n < iov[i].len)
			break;
	}
	kfree(iov);
	file_put(f);
	if (err)
		return err;
	return total ? (long)total : (n < 0 ? n : 0);
}

SYSCALL_DEFINE(19, readv)
{
	return vectored(a0, a1, a2, false);
}

SYSCALL_DEFINE(20, writev)
{
	return vectored(a0, a1, a2, true);
}

SYSCALL_DEFINE(8, lseek)
{
	struct file *f = fd_get((int)a0);
	int64_t off = (int64_t)a1, base;
	long err = 0;
	if (!f)
		return -EBADF;
	if (!file_seekable(f)) {
		file_put(f);
		return -ESPIPE;
	}
	if (S_ISCHR(f->inode->mode)) {
		/* The memory devices do not move: null, zero and full always report 0
		 * (Linux's null_lseek), the others their unchanged offset. */
		unsigned minor = f->inode->rdev & 0xff;
		if (minor == 3 || minor == 5 || minor == 7)
			f->pos = 0;
		long pos = (long)f->pos;
		file_put(f);
		return pos;
	}
	switch (a2) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->pos;
		break;
	case SEEK_END:
		base = (int64_t)f->inode->size;
		break;
	case SEEK_DATA:
	case SEEK_HOLE:
		/* The whole file counts as data, as on file systems without hole tracking. */
		if (off < 0 || (uint64_t)off >= f->inode->size || !S_ISREG(f->inode->mode))
			err = -ENXIO;
		base = 0;
		if (a2 == SEEK_HOLE)
			off = (int64_t)f->inode->size;
		break;
	default:
		err = -EINVAL;
		base = 0;
	}
	if (!err && (__builtin_add_overflow(base, off, &off) || off < 0))
		err = -EINVAL;
	if (!err) {
		f->pos = (uint64_t)off;
		err = off;
	}
	file_put(f);
	return err;
}

/* sendfile(2): read from in at *offset (or its position) and write to out, through a kernel buffer. */
SYSCALL_DEFINE(40, sendfile)
{
	long err, done = 0;
	struct file *out = fd_get_writable((int)a0, &err), *in;
	uint64_t pos, count = a3 > RW_MAX ? RW_MAX : a3;
	char *buf;
	if (!out)
		return err;
	in = fd_get_readable((int)a1, &err);
	if (!in) {
		file_put(out);
		return err;
	}
	pos = in->pos;
	buf = kmalloc(4096);
	err = buf ? 0 : -ENOMEM;
	if (!err && a2 && get_user_u64(&pos, a2))
		err = -EFAULT;
	if (!err && (!in->ops->read || !out->ops->write))
		err = -EINVAL;
	while (!err && (uint64_t)done < count) {
		struct iobuf kb = {.user = false, .kbuf = buf};
		uint64_t chunk = count - (uint64_t)done < 4096 ? count - (uint64_t)done : 4096;
		long r = in->ops->read(in, &kb, chunk, &pos), w;
		if (r <= 0) {
			err = done ? 0 : r;
			break;
		}
		w = out->ops->write(out, &kb, (uint64_t)r, &out->pos);
		if (w < 0) {
			err = done ? 0 : w;
			break;
		}
		done += w;
		if (w < r) {
			pos -= (uint64_t)(r - w);
			break;
		}
		/*
		 * A short read is all there is for now: reading on would block on a
		 * pipe or terminal, or swallow the end-of-file mark of a ^D.
		 */
		if ((uint64_t)r < chunk)
			break;
	}
	if (a2) {
		if (put_user_u64(a2, pos))
			err = -EFAULT;
	} else {
		in->pos = pos;
	}
	kfree(buf);
	file_put(in);
	file_put(out);
	return err ? err : done;
}
