/*
 * fs/cpio.c - unpacking an initramfs: the "newc" cpio format (magic
 * 070701, or 070702 with checksums, which are not verified), as Linux's
 * init/initramfs.c reads it. Each member is a 110-byte header of
 * thirteen 8-digit hex fields, the NUL-terminated name padded to 4 bytes,
 * then the data padded to 4 bytes; "TRAILER!!!" ends an archive and
 * another may follow (concatenated archives, zero padding between).
 *
 * Missing parent directories are created; an existing non-directory is
 * replaced; regular files sharing an inode number (nlink > 1) become hard
 * links, the data coming with whichever member carries it.
 */
#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/kstring.h"
#include "kernel/printf.h"
#include "vfs_internal.h"

#define CPIO_HDR 110

struct cpio_hdr {
	uint32_t ino, mode, uid, gid, nlink, mtime, filesize;
	uint32_t devmajor, devminor, rdevmajor, rdevminor, namesize, check;
};

/* Hard-link memory: archive inode number -> the inode created for it. */
struct cpio_link {
	struct cpio_link *next;
	uint32_t ino, major, minor;
	struct inode *inode;
};

static uint64_t pad4(uint64_t n)
{
	return (n + 3) & ~3ull;
}

/* Eight hex digits at s into *out. false when one is not a hex digit. */
static bool cpio_hex8(const uint8_t *s, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		uint8_t c = s[i];
		uint32_t d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

static bool cpio_parse_hdr(const uint8_t *p, struct cpio_hdr *h)
{
	uint32_t *f = &h->ino;
	if (memcmp(p, "070701", 6) && memcmp(p, "070702", 6))
		return false;
	for (int i = 0; i < 13; i++)
		if (!cpio_hex8(p + 6 + 8 * i, &f[i]))
			return false;
	return true;
}

/*
 * The directory that should hold the last component of name (len bytes),
 * creating missing directories on the way. Sets *last and *last_len. NULL when
 * a component is not a directory or memory ran out.
 */
static struct inode *cpio_parent(struct inode *root, const char *name, uint64_t len,
				 const char **last, uint64_t *last_len)
{
	struct inode *dir = root;
	uint64_t i = 0;
	for (;;) {
		uint64_t start, n;
		while (i < len && name[i] == '/')
			i++;
		start = i;
		while (i < len && name[i] != '/')
			i++;
		n = i - start;
		while (i < len && name[i] == '/')
			i++;
		if (i == len) {
			*last = name + start;
			*last_len = n;
			return dir;
		}
		if (n == 1 && name[start] == '.')
			continue;
		struct dirent_node *de = dir_find(dir, name + start, n);
		if (de) {
			if (!S_ISDIR(de->inode->mode))
				return NULL;
			dir = de->inode;
		} else {
			struct inode *sub;
			if (dir_create(dir, name + start, n, S_IFDIR | 0755, &sub))
				return NULL;
			inode_put(sub);
			dir = sub;
		}
	}
}

static struct cpio_link *cpio_link_find(struct cpio_link *l, const struct cpio_hdr *h)
{
	for (; l; l = l->next)
		if (l->ino == h->ino && l->major == h->devmajor && l->minor == h->devminor)
			return l;
	return NULL;
}

/* Create the object a header describes at name in dir. 0 and *out (a reference), or -errno. */
static int cpio_make(struct inode *dir, const char *name, uint64_t len, const struct cpio_hdr *h,
		     const uint8_t *data, struct inode **out)
{
	uint32_t type = h->mode & S_IFMT;
	struct dirent_node *de = dir_find(dir, name, len);
	int err;
	if (de && S_ISDIR(de->inode->mode) && type == S_IFDIR) {
		de->inode->mode = h->mode;
		inode_get(de->inode);
		*out = de->inode;
		return 0;
	}
	if (de) {
		if (S_ISDIR(de->inode->mode) && !dir_is_empty(de->inode))
			return -EEXIST;
		dir_unlink(dir, de);
	}
	if (type != S_IFREG && type != S_IFDIR && type != S_IFLNK && type != S_IFCHR &&
	    type != S_IFBLK && type != S_IFIFO && type != S_IFSOCK)
		return -EINVAL;
	err = dir_create(dir, name, len, h->mode, out);
	if (err)
		return err;
	if (type == S_IFLNK) {
		char *target = kmalloc(h->filesize + 1u);
		if (!target)
			return -ENOMEM;
		memcpy(target, data, h->filesize);
		target[h->filesize] = 0;
		(*out)->symlink = target;
		(*out)->size = h->filesize;
	} else if (type == S_IFCHR || type == S_IFBLK) {
		(*out)->rdev = MKDEV(h->rdevmajor, h->rdevminor);
	}
	return 0;
}

/* Write a member's data into a regular file. 0 or -ENOSPC. */
static int cpio_fill(struct inode *ino, const uint8_t *data, uint32_t size)
{
	struct iobuf b = {.user = false, .kbuf = (char *)data};
	if (!size)
		return 0;
	if (regfile_truncate(ino, 0))
		return -ENOSPC;
	return regfile_write(ino, &b, size, 0) == (long)size ? 0 : -ENOSPC;
}

/* One member: a hard link to an earlier inode, or a new object. */
static int cpio_member(struct inode *root, const struct cpio_hdr *h, const char *name,
		       const uint8_t *data, struct cpio_link **links)
{
	const char *last;
	uint64_t last_len;
	struct inode *dir = cpio_parent(root, name, h->namesize - 1, &last, &last_len), *ino;
	struct cpio_link *l;
	int err;
	if (!dir)
		return -ENOTDIR;
	if (!last_len || (last_len == 1 && last[0] == '.'))
		return 0; /* "." names the root itself */
	l = S_ISREG(h->mode) && h->nlink > 1 ? cpio_link_find(*links, h) : NULL;
	if (l) {
		struct dirent_node *de = dir_find(dir, last, last_len);
		if (de)
			dir_unlink(dir, de);
		err = dir_link(dir, last, last_len, l->inode);
		return err ? err : cpio_fill(l->inode, data, h->filesize);
	}
	err = cpio_make(dir, last, last_len, h, data, &ino);
	if (err)
		return err;
	ino->uid = h->uid;
	ino->gid = h->gid;
	ino->mtime = ino->ctime = (int64_t)h->mtime * 1000000000;
	if (S_ISREG(h->mode))
		err = cpio_fill(ino, data, h->filesize);
	if (!err && S_ISREG(h->mode) && h->nlink > 1) {
		l = kmalloc(sizeof(*l));
		if (l) {
			*l = (struct cpio_link){*links, h->ino, h->devmajor, h->devminor, ino};
			inode_get(ino);
			*links = l;
		}
	}
	inode_put(ino);
	return err;
}

static void cpio_links_free(struct cpio_link *l)
{
	while (l) {
		struct cpio_link *next = l->next;
		inode_put(l->inode);
		kfree(l);
		l = next;
	}
}

/* Unpack the archive data (len bytes) into root. 0, or -EINVAL at the first malformed member. */
int cpio_unpack(struct inode *root, const uint8_t *data, uint64_t len)
{
	struct cpio_link *links = NULL;
	uint64_t off = 0;
	int err = 0, failed = 0;
	while (off < len) {
		struct cpio_hdr h;
		const char *name;
		uint64_t data_off;
		if (data[off] == 0) { /* padding between concatenated archives */
			off++;
			continue;
		}
		if (len - off < CPIO_HDR || !cpio_parse_hdr(data + off, &h) || h.namesize == 0 ||
		    h.namesize > VFS_PATH_MAX || len - off - CPIO_HDR < h.namesize) {
			err = -EINVAL;
			break;
		}
		name = (const char *)data + off + CPIO_HDR;
		data_off = off + pad4(CPIO_HDR + h.namesize);
		if (name[h.namesize - 1] != 0 || data_off > len || len - data_off < h.filesize) {
			err = -EINVAL;
			break;
		}
		off = data_off + pad4(h.filesize);
		if (!strcmp(name, "TRAILER!!!")) {
			cpio_links_free(links);
			links = NULL;
			continue;
		}
		if (cpio_member(root, &h, name, data + data_off, &links) && failed++ < 8)
			klog("initramfs: cannot create %s\n", name);
	}
	cpio_links_free(links);
	if (err)
		klog("initramfs: malformed archive at offset %lu\n", (unsigned long)off);
	return err;
}
