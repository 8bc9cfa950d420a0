/*
 * fs/file.c - open files: allocation and reference counting, reads into
 * kernel buffers for exec, the user/kernel buffer helper every read and
 * write goes through, and what mmap needs to know about a file.
 */
#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/kstring.h"
#include "kernel/printf.h"
#include "kernel/uaccess.h"
#include "mmcore/mm.h"
#include "vfs_internal.h"

int iobuf_put(struct iobuf *b, uint64_t off, const void *src, uint64_t n)
{
	if (!b->user) {
		memcpy(b->kbuf + off, src, n);
		return 0;
	}
	return copy_to_user(b->uaddr + off, src, n);
}

int iobuf_get(struct iobuf *b, uint64_t off, void *dst, uint64_t n)
{
	if (!b->user) {
		memcpy(dst, b->kbuf + off, n);
		return 0;
	}
	return copy_from_user(dst, b->uaddr + off, n);
}

/* A file on inode (which gains a reference; may be NULL) with ops and flags. NULL on ENOMEM. */
struct file *file_alloc(struct inode *inode, const struct file_ops *ops, unsigned flags)
{
	struct file *f = kmalloc(sizeof(*f));
	if (!f)
		return NULL;
	f->refs = 1;
	f->flags = flags & ~(unsigned)O_CLOEXEC;
	f->inode = inode;
	f->ops = ops;
	if (inode)
		inode_get(inode);
	return f;
}

void file_get(struct file *f)
{
	f->refs++;
}

/* Drop a reference; the last one runs release and lets go of the inodes. */
void file_put(struct file *f)
{
	if (!f)
		return;
	if (--f->refs > 0)
		return;
	if (f->ops && f->ops->release)
		f->ops->release(f);
	inode_put(f->inode);
	inode_put(f->dir);
	kfree(f->name);
	kfree(f);
}

/* Read up to len bytes at off into kbuf, without moving the file position. */
long file_pread(struct file *f, void *kbuf, uint64_t len, uint64_t off)
{
	struct iobuf b = {.user = false, .kbuf = kbuf};
	uint64_t pos = off;
	if (!f->ops || !f->ops->read)
		return -EINVAL;
	if (!file_readable(f))
		return -EBADF;
	return f->ops->read(f, &b, len, &pos);
}

struct mm_file *file_mm_file(struct file *f)
{
	if (!f->inode || !S_ISREG(f->inode->mode) || f->ops != &regfile_ops)
		return NULL;
	return &f->inode->reg.mmf;
}

/* /dev/zero maps as anonymous memory (shared anonymous for MAP_SHARED), as on Linux. */
bool file_maps_anonymous(struct file *f)
{
	return f->inode && S_ISCHR(f->inode->mode) && f->inode->rdev == MKDEV(1, 5);
}

/* mmap(2)'s access rules for f, in Linux's order: ENODEV for the unmappable, then EACCES. */
int file_mmap_check(struct file *f, int prot, int flags)
{
	bool shared = (flags & MM_MAP_TYPE) == MM_MAP_SHARED ||
		      (flags & MM_MAP_TYPE) == MM_MAP_SHARED_VALIDATE;
	if (f->flags & O_PATH)
		return -EBADF; /* an O_PATH descriptor does no I/O: as if not open */
	if (!file_mm_file(f) && !file_maps_anonymous(f))
		return -ENODEV;
	if (!file_readable(f))
		return -EACCES;
	/* O_APPEND does not forbid it (only the inode's append-only attribute does). */
	if (shared && (prot & MM_PROT_WRITE) && !file_writable(f))
		return -EACCES;
	return 0;
}

/* Absolute path of f: a directory's own, else its directory's plus the name it had there. */
const char *file_path(struct file *f, char *buf, uint64_t len)
{
	long n;
	if (!len)
		return buf;
	buf[0] = 0;
	if (!f->inode)
		return buf;
	if (S_ISDIR(f->inode->mode) || !f->dir) {
		if (vfs_path_of(f->inode, buf, len) < 0)
			buf[0] = 0;
		return buf;
	}
	n = vfs_path_of(f->dir, buf, len);
	if (n < 0)
		goto unknown;
	if (n > 1) {
		if ((uint64_t)n + 1 >= len)
			goto unknown;
		buf[n++] = '/';
	}
	if (dir_name_of(f->dir, f->inode, buf + n, len - (uint64_t)n) >= 0)
		return buf;
	/* unlinked: the name it was opened by, marked as Linux marks it */
	if (f->name && f->inode->nlink == 0 &&
	    (uint64_t)n + strlen(f->name) + sizeof(" (deleted)") <= len) {
		ksnprintf(buf + n, len - (uint64_t)n, "%s (deleted)", f->name);
		return buf;
	}
	goto unknown;
unknown:
	buf[0] = 0;
	return buf;
}
