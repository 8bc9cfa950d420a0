/*
 * fs/regfile.c - tmpfs regular files: their bytes live only in page-cache
 * frames from the buddy allocator, one array slot per 4 KiB page (NULL for
 * a hole, which reads as zeros). read()/write() copy through these frames
 * and mmcore maps the very same frames (struct mm_file below), so a
 * MAP_SHARED store is visible to read() at once and a write() to every
 * mapping, with no copies to keep in step.
 *
 * Each cached frame holds one reference owned by the cache (PG_CACHE, its
 * file and index recorded in the descriptor); mappings add their own. The
 * fortress profile's global mm_check() asks regfile_cache_refs for the
 * cache's share.
 */
#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/kstring.h"
#include "kernel/mmcheck.h"
#include "mmcore/buddy.h"
#include "mmcore/mm.h"
#include "vfs_internal.h"

#define REGFILE_MAX_SIZE (1ull << 40) /* keeps page indices and sizes far from overflow */

static const struct mm_file_ops regfile_mm_ops;

static struct inode *mmf_inode(const struct mm_file *mf)
{
	return (struct inode *)((char *)mf - __builtin_offsetof(struct inode, reg.mmf));
}

static uint64_t pages_for(uint64_t size)
{
	return (size + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* Make room for page index idx in the slot array. 0 or -ENOMEM. */
static int regfile_reserve(struct inode *ino, uint64_t idx)
{
	uint64_t cap = ino->reg.cap ? ino->reg.cap : 16;
	struct page **slots;
	if (idx < ino->reg.cap)
		return 0;
	while (cap <= idx)
		cap *= 2;
	slots = kmalloc(cap * sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	if (ino->reg.pages)
		memcpy(slots, ino->reg.pages, ino->reg.cap * sizeof(*slots));
	kfree(ino->reg.pages);
	ino->reg.pages = slots;
	ino->reg.cap = cap;
	return 0;
}

/* The frame for page idx, allocated (zeroed) when alloc and missing; NULL when absent or ENOMEM. */
static struct page *regfile_page(struct inode *ino, uint64_t idx, bool alloc)
{
	struct page *pg;
	if (idx < ino->reg.cap && ino->reg.pages[idx])
		return ino->reg.pages[idx];
	if (!alloc || regfile_reserve(ino, idx))
		return NULL;
	pg = buddy_alloc(0);
	if (!pg)
		return NULL;
	page_ref_init(pg); /* the cache's own reference */
	pg->flags |= PG_CACHE;
	pg->cache.file = &ino->reg.mmf;
	pg->cache.index = idx;
	mm_plat_zero_page(page_address(pg));
	ino->reg.pages[idx] = pg;
	return pg;
}

/*
 * Drop the cache's reference on the page in slot idx. A frame something
 * else still holds is no longer the cache's: its owner pointer goes, so
 * nothing reaches this inode through it (as shmem does).
 */
static void regfile_drop_page(struct inode *ino, uint64_t idx)
{
	struct page *pg = ino->reg.pages[idx];
	ino->reg.pages[idx] = NULL;
	if (page_ref_count(pg) > 1) {
		pg->flags &= ~PG_CACHE;
		pg->cache.file = NULL;
	}
	page_put(pg);
}

int32_t regfile_cache_refs(const struct page *pg)
{
	const struct mm_file *mf = pg->cache.file;
	const struct inode *ino;
	uint64_t idx = pg->cache.index;
	if (!(pg->flags & PG_CACHE) || !mf || mf->ops != &regfile_mm_ops)
		return 0;
	ino = mmf_inode(mf);
	return idx < ino->reg.cap && ino->reg.pages[idx] == pg;
}

/* Read up to len bytes at off (clipped at the end of the file). Bytes read or -EFAULT. */
long regfile_read(struct inode *ino, struct iobuf *b, uint64_t len, uint64_t off)
{
	static const char zeros[256];
	uint64_t done = 0;
	if (off >= ino->size)
		return 0;
	if (len > ino->size - off)
		len = ino->size - off;
	while (done < len) {
		uint64_t pos = off + done, in = pos % PAGE_SIZE;
		uint64_t n = PAGE_SIZE - in < len - done ? PAGE_SIZE - in : len - done;
		struct page *pg = regfile_page(ino, pos / PAGE_SIZE, false);
		int err = 0;
		if (pg) {
			err = iobuf_put(b, done, (char *)page_address(pg) + in, n);
		} else {
			n = n < sizeof(zeros) ? n : sizeof(zeros); /* a hole */
			err = iobuf_put(b, done, zeros, n);
		}
		if (err)
			return done ? (long)done : err;
		done += n;
	}
	ino->atime = inode_now();
	return (long)done;
}

/* Write len bytes at off, growing the file. Bytes written, or -EFBIG/-ENOSPC/-EFAULT. */
long regfile_write(struct inode *ino, struct iobuf *b, uint64_t len, uint64_t off)
{
	uint64_t done = 0;
	if (off >= REGFILE_MAX_SIZE)
		return len ? -EFBIG : 0;
	if (len > REGFILE_MAX_SIZE - off)
		len = REGFILE_MAX_SIZE - off;
	while (done < len) {
		uint64_t pos = off + done, in = pos % PAGE_SIZE;
		uint64_t n = PAGE_SIZE - in < len - done ? PAGE_SIZE - in : len - done;
		struct page *pg = regfile_page(ino, pos / PAGE_SIZE, true);
		int err = pg ? iobuf_get(b, done, (char *)page_address(pg) + in, n) : -ENOSPC;
		if (err)
			return done ? (long)done : err;
		done += n;
		if (off + done > ino->size)
			ino->size = off + done;
	}
	if (done)
		ino->mtime = ino->ctime = inode_now();
	return (long)done;
}

/*
 * Set the size. Growing leaves a hole. Shrinking drops the cache's
 * reference on whole pages past the end (a frame still mapped somewhere
 * lives on until unmapped) and zeroes the tail of the last partial page, so
 * growing again reads zeros, as POSIX requires.
 */
int regfile_truncate(struct inode *ino, uint64_t size)
{
	uint64_t keep = pages_for(size);
	if (size > REGFILE_MAX_SIZE)
		return -EFBIG;
	if (size < ino->size) /* no mapping may keep pages past the new end */
		mm_file_truncate(&ino->reg.mmf, size);
	for (uint64_t i = keep; i < ino->reg.cap; i++)
		if (ino->reg.pages[i])
			regfile_drop_page(ino, i);
	if (size % PAGE_SIZE && size < ino->size) {
		struct page *pg = regfile_page(ino, size / PAGE_SIZE, false);
		if (pg)
			memset((char *)page_address(pg) + size % PAGE_SIZE, 0,
			       PAGE_SIZE - size % PAGE_SIZE);
	}
	ino->size = size;
	ino->mtime = ino->ctime = inode_now();
	return 0;
}

/* Drop every cached page and the slot array. */
void regfile_free(struct inode *ino)
{
	for (uint64_t i = 0; i < ino->reg.cap; i++)
		if (ino->reg.pages[i])
			regfile_drop_page(ino, i);
	kfree(ino->reg.pages);
	ino->reg.pages = NULL;
	ino->reg.cap = 0;
}

/* mmcore's view ---------------------------------------------------------- */

static uint64_t mmf_size(struct mm_file *mf)
{
	return mmf_inode(mf)->size;
}

static int mmf_get_page(struct mm_file *mf, uint64_t index, struct page **out)
{
	struct inode *ino = mmf_inode(mf);
	struct page *pg;
	if (index >= pages_for(ino->size))
		return -MM_EFAULT;
	pg = regfile_page(ino, index, true);
	if (!pg)
		return -MM_ENOMEM;
	page_ref_inc(pg);
	*out = pg;
	return 0;
}

static void mmf_set_dirty(struct mm_file *mf, struct page *pg)
{
	(void)mf;
	pg->flags |= PG_DIRTY;
}

static void mmf_get(struct mm_file *mf)
{
	mmf_inode(mf)->reg.map_refs++;
}

/* The last mapping of an unlinked, closed file frees it (through inode_put's check). */
static void mmf_put(struct mm_file *mf)
{
	struct inode *ino = mmf_inode(mf);
	ino->reg.map_refs--;
	inode_get(ino);
	inode_put(ino);
}

static const struct mm_file_ops regfile_mm_ops = {
	.size = mmf_size,
	.get_page = mmf_get_page,
	.set_dirty = mmf_set_dirty,
	.get = mmf_get,
	.put = mmf_put,
};

/* Set ino up as an empty regular file with its mm_file view. */
void regfile_init(struct inode *ino)
{
	ino->reg.mmf.ops = &regfile_mm_ops;
	ino->reg.mmf.name = NULL;
	ino->reg.mmf.ino = ino->ino;
}

/* Open-file operations -------------------------------------------------- */

static long regfile_fread(struct file *f, struct iobuf *b, uint64_t len, uint64_t *pos)
{
	long n = regfile_read(f->inode, b, len, *pos);
	if (n > 0)
		*pos += (uint64_t)n;
	return n;
}

static long regfile_fwrite(struct file *f, struct iobuf *b, uint64_t len, uint64_t *pos)
{
	long n;
	if (f->flags & O_APPEND)
		*pos = f->inode->size;
	n = regfile_write(f->inode, b, len, *pos);
	if (n > 0)
		*pos += (uint64_t)n;
	return n;
}

const struct file_ops regfile_ops = {
	.read = regfile_fread,
	.write = regfile_fwrite,
};
