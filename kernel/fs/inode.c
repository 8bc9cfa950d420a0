/*
 * fs/inode.c - inode allocation, reference counting and permission checks.
 *
 * An inode stays alive while it is linked into a directory (nlink > 0) or
 * referenced (open file, cwd/root, a lookup in progress). Only when both
 * are gone is its content released, so an unlinked file that is still open
 * keeps working, as POSIX requires.
 */
#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/panic.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "vfs_internal.h"

struct inode *vfs_root;

static uint64_t next_ino = 1;
static uint32_t next_dev = 1;

uint32_t vfs_new_dev(void)
{
	return next_dev++;
}

int64_t inode_now(void)
{
	return (int64_t)time_ns();
}

/* A new inode of mode on dev with nlink 0 and one reference; NULL on ENOMEM. */
struct inode *inode_alloc(uint32_t dev, uint32_t mode)
{
	struct task *t = current_task();
	struct inode *ino = kmalloc(sizeof(*ino));
	if (!ino)
		return NULL;
	ino->ino = next_ino++;
	ino->mode = mode;
	ino->dev = dev;
	ino->refs = 1;
	if (t) {
		ino->uid = t->euid;
		ino->gid = t->egid;
	}
	ino->atime = ino->mtime = ino->ctime = inode_now();
	if (S_ISREG(mode))
		regfile_init(ino);
	return ino;
}

void inode_get(struct inode *ino)
{
	ino->refs++;
}

static void inode_release(struct inode *ino)
{
	switch (ino->mode & S_IFMT) {
	case S_IFREG:
		regfile_free(ino);
		break;
	case S_IFDIR:
		dir_free_all(ino);
		break;
	case S_IFLNK:
		kfree(ino->symlink);
		break;
	default:
		break;
	}
	kfree(ino);
}

/*
 * Free ino. Releasing a directory unlinks its entries, which may free more
 * directories (unmounting a whole tree): they queue here instead of
 * recursing, so a deep tree cannot overflow the kernel stack.
 */
static void inode_free(struct inode *ino)
{
	static struct inode *queue;
	static bool draining;
	ino->parent = queue; /* the link of a dead inode is free for the queue */
	queue = ino;
	if (draining)
		return;
	draining = true;
	while (queue) {
		struct inode *next = queue;
		queue = next->parent;
		inode_release(next);
	}
	draining = false;
}

/* A regular file's mappings also keep it: the page cache must outlive them. */
static bool inode_in_use(const struct inode *ino)
{
	if (ino->refs > 0 || ino->nlink > 0)
		return true;
	return S_ISREG(ino->mode) && ino->reg.map_refs > 0;
}

/* Drop a reference; the inode is freed when nothing holds or links it. */
void inode_put(struct inode *ino)
{
	if (!ino)
		return;
	if (ino->refs <= 0)
		panic("inode_put: reference count underflow on inode %lu", ino->ino);
	ino->refs--;
	if (!inode_in_use(ino))
		inode_free(ino);
}

/* The inode lost a link; it is freed when nothing else holds it. */
void inode_unlink(struct inode *ino)
{
	if (ino->nlink == 0)
		panic("inode_unlink: inode %lu has no links", ino->ino);
	ino->nlink--;
	ino->ctime = inode_now();
	if (!inode_in_use(ino))
		inode_free(ino);
}

/*
 * Permission of the current task on ino for mask (4 read, 2 write, 1
 * execute). Root passes everything except execute on a file with no
 * execute bit at all, as Linux's generic_permission.
 */
int inode_permission(struct inode *ino, int mask)
{
	struct task *t = current_task();
	uint32_t mode = ino->mode, bits;
	if (!t || t->euid == 0) {
		if ((mask & 1) && !S_ISDIR(mode) && !(mode & 0111))
			return -EACCES;
		return 0;
	}
	if (t->euid == ino->uid)
		bits = (mode >> 6) & 7;
	else if (t->egid == ino->gid)
		bits = (mode >> 3) & 7;
	else
		bits = mode & 7;
	return (bits & (uint32_t)mask) == (uint32_t)mask ? 0 : -EACCES;
}
