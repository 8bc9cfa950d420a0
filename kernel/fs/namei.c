/*
 * fs/namei.c - path lookup: components separated by '/', "." and "..",
 * symlinks (at most VFS_SYMLINK_DEPTH followed per lookup, else ELOOP),
 * mount points (a covered directory leads to the mounted root, and ".."
 * from a mounted root leaves through the directory it covers), and the
 * task's root, above which ".." does not climb.
 *
 * Lookups do not sleep, so intermediate directories need no references;
 * only the result is handed out with one.
 */
#include "kernel/errno.h"
#include "kernel/kstring.h"
#include "kernel/task.h"
#include "vfs_internal.h"

struct walk {
	struct inode *root; /* the task's root */
	int links;          /* symlinks followed so far */
};

static struct inode *task_root(void)
{
	struct task *t = current_task();
	return t && t->fs && t->fs->root ? t->fs->root : vfs_root;
}

static struct inode *task_cwd(void)
{
	struct task *t = current_task();
	return t && t->fs && t->fs->cwd ? t->fs->cwd : vfs_root;
}

/* Follow mounts stacked on ino. */
static struct inode *mount_enter(struct inode *ino)
{
	while (ino->mounted)
		ino = ino->mounted;
	return ino;
}

/* The ".." of dir: never above root, out of a mounted file system through what it covers. */
static struct inode *walk_dotdot(struct walk *w, struct inode *dir)
{
	for (;;) {
		if (dir == w->root)
			return dir;
		if (!dir->covers)
			break;
		dir = dir->covers;
	}
	return dir->parent ? mount_enter(dir->parent) : dir;
}

static int walk_path(struct walk *w, struct inode *dir, const char *path, uint64_t plen,
		     bool follow_last, struct inode **out);

/* Resolve the symlink ino found in dir. 0 and *out, or -errno. */
static int walk_symlink(struct walk *w, struct inode *dir, struct inode *ino, struct inode **out)
{
	const char *target = ino->symlink;
	if (++w->links > VFS_SYMLINK_DEPTH)
		return -ELOOP;
	if (!target || !*target)
		return -ENOENT;
	if (target[0] == '/')
		dir = w->root;
	return walk_path(w, dir, target, strlen(target), true, out);
}

/* One component name (len bytes) of dir. 0 and *out, or -errno. */
static int walk_step(struct walk *w, struct inode *dir, const char *name, uint64_t len,
		     bool follow, struct inode **out)
{
	struct dirent_node *de;
	struct inode *child;
	int err;
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	err = inode_permission(dir, 1);
	if (err)
		return err;
	if (len > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	if (len == 1 && name[0] == '.') {
		*out = dir;
		return 0;
	}
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		*out = walk_dotdot(w, dir);
		return 0;
	}
	de = dir_find(dir, name, len);
	if (!de)
		return -ENOENT;
	child = mount_enter(de->inode);
	if (S_ISLNK(child->mode) && follow)
		return walk_symlink(w, dir, child, out);
	*out = child;
	return 0;
}

/*
 * Resolve path from dir. A trailing slash demands a directory and follows a
 * final symlink, as POSIX path resolution says.
 */
static int walk_path(struct walk *w, struct inode *dir, const char *path, uint64_t plen,
		     bool follow_last, struct inode **out)
{
	const char *p = path, *end = path + plen;
	if (!plen)
		return -ENOENT;
	if (*p == '/')
		dir = w->root;
	for (;;) {
		const char *name, *next;
		bool last, slash;
		int err;
		while (p < end && *p == '/')
			p++;
		if (p == end)
			break;
		name = p;
		while (p < end && *p != '/')
			p++;
		next = p;
		while (next < end && *next == '/')
			next++;
		last = next == end;
		slash = p < end;
		err = walk_step(w, dir, name, (uint64_t)(p - name), !last || follow_last || slash,
				&dir);
		if (err)
			return err;
		if (last && slash && !S_ISDIR(dir->mode))
			return -ENOTDIR;
	}
	*out = dir;
	return 0;
}

/* Resolve path relative to base (NULL: cwd). 0 and *out with a reference, or -errno. */
int vfs_lookup(struct inode *base, const char *path, int flags, struct inode **out)
{
	struct walk w = {.root = task_root()};
	struct inode *ino;
	int err = walk_path(&w, base ? base : task_cwd(), path, strlen(path), flags & LOOKUP_FOLLOW,
			    &ino);
	if (err)
		return err;
	if ((flags & LOOKUP_DIRECTORY) && !S_ISDIR(ino->mode))
		return -ENOTDIR;
	inode_get(ino);
	*out = ino;
	return 0;
}

/*
 * Resolve everything but the last component. *name and *len give the last
 * component inside path (trailing slashes excluded); "/" yields the root
 * and an empty name.
 */
int vfs_lookup_parent(struct inode *base, const char *path, struct inode **dir,
		      const char **name, uint64_t *len)
{
	struct walk w = {.root = task_root()};
	uint64_t n = strlen(path), start;
	struct inode *d = base ? base : task_cwd();
	int err;
	if (!n)
		return -ENOENT;
	if (n >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	while (n > 1 && path[n - 1] == '/')
		n--;
	start = n;
	while (start > 0 && path[start - 1] != '/')
		start--;
	*name = path + start;
	*len = n - start;
	if (start > 0) {
		err = walk_path(&w, d, path, start, true, &d);
		if (err)
			return err;
	}
	if (!S_ISDIR(d->mode))
		return -ENOTDIR;
	inode_get(d);
	*dir = d;
	return 0;
}

/* The starting directory of an *at() call. 0 and *out (a reference), or -EBADF/-ENOTDIR. */
int vfs_at_base(int dirfd, const char *path, struct inode **out)
{
	struct file *f;
	if (path && path[0] == '/') {
		*out = task_root();
	} else if (dirfd == AT_FDCWD) {
		*out = task_cwd();
	} else {
		f = fd_get(dirfd);
		if (!f)
			return -EBADF;
		if (!f->inode || (path && *path && !S_ISDIR(f->inode->mode))) {
			file_put(f);
			return -ENOTDIR;
		}
		*out = f->inode;
		inode_get(*out);
		file_put(f);
		return 0;
	}
	inode_get(*out);
	return 0;
}

/* Prepend name (len bytes) and a '/' to the string ending at buf + *pos. */
static int path_prepend(char *buf, uint64_t *pos, const char *name, uint64_t len)
{
	if (*pos < len + 1)
		return -ENAMETOOLONG;
	*pos -= len;
	memcpy(buf + *pos, name, len);
	buf[--*pos] = '/';
	return 0;
}

/* The absolute path of directory or file ino (below the task's root) into buf: length or -errno. */
long vfs_path_of(struct inode *ino, char *buf, uint64_t len)
{
	struct inode *root = task_root();
	char name[VFS_NAME_MAX + 1];
	uint64_t pos;
	if (len < 2)
		return -ERANGE;
	pos = len - 1;
	buf[pos] = 0;
	while (ino != root) {
		long n;
		int err;
		while (ino->covers && ino != root)
			ino = ino->covers;
		if (ino == root)
			break;
		if (!ino->parent || ino->nlink == 0)
			return -ENOENT;
		n = dir_name_of(ino->parent, ino, name, sizeof(name));
		if (n < 0)
			return n;
		err = path_prepend(buf, &pos, name, (uint64_t)n);
		if (err)
			return err;
		ino = ino->parent;
	}
	if (pos == len - 1)
		buf[--pos] = '/';
	memmove(buf, buf + pos, len - pos);
	return (long)(len - 1 - pos);
}
