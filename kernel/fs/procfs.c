/*
 * fs/procfs.c - the mechanics of generated file systems and the root of
 * procfs. A generated file prints its whole text into a buffer when read
 * at offset 0 (as Linux's seq_file restarts there) and serves later reads
 * from that snapshot; a generated directory is refreshed before every
 * lookup and listing, so /proc shows exactly the tasks alive at the time.
 */
#include <stdarg.h>

#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/kstring.h"
#include "kernel/printf.h"
#include "procfs.h"

#define PSEUDO_WRITE_MAX 4096

/* ---- text buffers ---------------------------------------------------------- */

/* Make room for n more bytes (and a NUL). false when out of memory. */
static bool pbuf_reserve(struct pbuf *b, uint64_t n)
{
	uint64_t cap = b->cap ? b->cap : 1024;
	char *p;
	if (b->oom)
		return false;
	if (b->len + n + 1 <= b->cap)
		return true;
	while (cap < b->len + n + 1)
		cap *= 2;
	p = kmalloc(cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	if (b->data)
		memcpy(p, b->data, b->len);
	kfree(b->data);
	b->data = p;
	b->cap = cap;
	return true;
}

/* Append n bytes. */
void pbuf_put(struct pbuf *b, const void *p, uint64_t n)
{
	if (!pbuf_reserve(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
}

static void pbuf_sink(void *ctx, char c)
{
	pbuf_put(ctx, &c, 1);
}

/* Append formatted text. */
void pbuf_printf(struct pbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvformat(pbuf_sink, b, fmt, ap);
	va_end(ap);
}

void pbuf_kb(struct pbuf *b, const char *label, uint64_t bytes)
{
	uint64_t n = strlen(label);
	pbuf_put(b, label, n);
	for (; n < 16; n++)
		pbuf_put(b, " ", 1);
	pbuf_printf(b, "%8lu kB\n", bytes >> 10);
}

/* ---- generated files ------------------------------------------------------- */

/* Print ino's text into the file's buffer (replacing an older one). 0 or -errno. */
static int pseudo_generate(struct file *f)
{
	struct pbuf *b = f->priv;
	int err;
	if (!b) {
		b = kmalloc(sizeof(*b));
		if (!b)
			return -ENOMEM;
		f->priv = b;
	}
	kfree(b->data);
	*b = (struct pbuf){0};
	if (!f->inode->pseudo->show)
		return -EIO;
	err = f->inode->pseudo->show(f->inode, b);
	if (!err && b->oom)
		err = -ENOMEM;
	return err;
}

static long pseudo_read(struct file *f, struct iobuf *io, uint64_t len, uint64_t *pos)
{
	struct pbuf *b;
	uint64_t n;
	if (*pos == 0 || !f->priv) {
		int err = pseudo_generate(f);
		if (err)
			return err;
	}
	b = f->priv;
	if (*pos >= b->len)
		return 0;
	n = b->len - *pos < len ? b->len - *pos : len;
	if (iobuf_put(io, 0, b->data + *pos, n))
		return -EFAULT;
	*pos += n;
	return (long)n;
}

/* A write goes to the node's store in one piece, as sysfs takes a whole buffer. */
static long pseudo_write(struct file *f, struct iobuf *io, uint64_t len, uint64_t *pos)
{
	char *kbuf;
	long n;
	if (!f->inode->pseudo->store)
		return -EIO;
	if (!len)
		return 0;
	if (len > PSEUDO_WRITE_MAX)
		len = PSEUDO_WRITE_MAX;
	kbuf = kmalloc(len + 1);
	if (!kbuf)
		return -ENOMEM;
	n = iobuf_get(io, 0, kbuf, len) ? -EFAULT : f->inode->pseudo->store(f->inode, kbuf, len);
	kfree(kbuf);
	if (n > 0)
		*pos += (uint64_t)n;
	return n;
}

static void pseudo_release(struct file *f)
{
	struct pbuf *b = f->priv;
	if (b)
		kfree(b->data);
	kfree(b);
}

static const struct file_ops pseudo_file_ops = {
	.read = pseudo_read,
	.write = pseudo_write,
	.release = pseudo_release,
};

/* Generated files open with their own operations; a read-only one refuses writers. */
int pseudo_open_ops(struct inode *ino, unsigned flags, const struct file_ops **ops)
{
	if ((flags & O_ACCMODE) != O_RDONLY && !ino->pseudo->store)
		return -EACCES;
	*ops = &pseudo_file_ops;
	return 0;
}

void pseudo_refresh(struct inode *dir)
{
	if (dir->pseudo && dir->pseudo->refresh && S_ISDIR(dir->mode))
		dir->pseudo->refresh(dir);
}

/* ---- building trees -------------------------------------------------------- */

struct inode *pseudo_child(struct inode *dir, const char *name)
{
	uint64_t len = strlen(name);
	for (struct dirent_node *de = dir->dir.head; de; de = de->next)
		if (de->len == len && !memcmp(de->name, name, len))
			return de->inode;
	return NULL;
}

/* What plain directories and links of a generated tree carry: nothing to do, but marked as generated. */
static const struct pseudo_node pseudo_plain;

/* A node of mode under dir, linked by name; the link keeps it. */
static struct inode *pseudo_new(struct inode *dir, const char *name, uint32_t mode,
				const struct pseudo_node *node, long arg)
{
	struct inode *ino = inode_alloc(dir->dev, mode);
	if (!ino)
		return NULL;
	ino->uid = dir->uid;
	ino->gid = dir->gid;
	ino->pseudo = node ? node : &pseudo_plain;
	ino->pseudo_arg = arg;
	if (S_ISDIR(mode))
		ino->nlink = 1;
	if (dir_link(dir, name, strlen(name), ino)) {
		ino->nlink = 0;
		inode_put(ino);
		return NULL;
	}
	inode_put(ino);
	return ino;
}

struct inode *pseudo_mkdir(struct inode *dir, const char *name, uint32_t perm,
			   const struct pseudo_node *node, long arg)
{
	return pseudo_new(dir, name, S_IFDIR | perm, node, arg);
}

struct inode *pseudo_file(struct inode *dir, const char *name, uint32_t perm,
			  const struct pseudo_node *node, long arg)
{
	return pseudo_new(dir, name, S_IFREG | perm, node, arg);
}

struct inode *pseudo_symlink(struct inode *dir, const char *name, const char *target)
{
	struct inode *ino = pseudo_child(dir, name);
	uint64_t n = strlen(target);
	char *copy;
	if (ino && S_ISLNK(ino->mode) && ino->symlink && !strcmp(ino->symlink, target))
		return ino;
	copy = kmalloc(n + 1);
	if (!copy)
		return NULL;
	memcpy(copy, target, n + 1);
	if (!ino) {
		ino = pseudo_new(dir, name, S_IFLNK | 0777, NULL, 0);
		if (!ino) {
			kfree(copy);
			return NULL;
		}
	}
	kfree(ino->symlink);
	ino->symlink = copy;
	ino->size = n;
	return ino;
}

void pseudo_remove(struct inode *dir, const char *name)
{
	uint64_t len = strlen(name);
	for (struct dirent_node *de = dir->dir.head; de; de = de->next) {
		if (de->len != len || memcmp(de->name, name, len))
			continue;
		if (S_ISDIR(de->inode->mode))
			dir_free_all(de->inode);
		dir_unlink(dir, de);
		return;
	}
}

struct inode *pseudo_root(void)
{
	struct inode *root = inode_alloc(vfs_new_dev(), S_IFDIR | 0555);
	if (!root)
		return NULL;
	root->uid = root->gid = 0;
	root->nlink = 2;
	root->pseudo = &pseudo_plain;
	return root;
}
