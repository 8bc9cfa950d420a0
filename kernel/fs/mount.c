/*
 * fs/mount.c - file-system instances and mount points. Every file system
 * here is an in-memory tree; an instance is a root directory with its own
 * st_dev and a type (tmpfs, ramfs, devtmpfs, proc, sysfs). Mounting makes a
 * directory lead to that root (lookups step through `mounted`, ".." steps
 * back out through `covers`); the mount holds a reference to the root, so
 * the tree lives until it is unmounted. The mount table remembers what
 * mount(2) was given, for /proc/mounts and statfs.
 */
#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/kstring.h"
#include "procfs.h"

#define MS_RDONLY 1ul
#define MS_NOSUID 2ul
#define MS_NODEV 4ul
#define MS_NOEXEC 8ul
#define MS_SYNCHRONOUS 16ul
#define MS_DIRSYNC 128ul
#define MS_NOATIME 1024ul
#define MS_NODIRATIME 2048ul
#define MS_STRICTATIME (1ul << 24)
#define MS_LAZYTIME (1ul << 25)

#define ST_VALID 0x20
#define ST_RELATIME 0x1000

enum fs_kind { FS_TMPFS, FS_RAMFS, FS_DEVTMPFS, FS_PROC, FS_SYSFS };

static const struct {
	const char *name;
	int64_t magic;
} fs_kinds[] = {
	[FS_TMPFS] = {"tmpfs", 0x01021994},  [FS_RAMFS] = {"ramfs", 0x858458f6},
	[FS_DEVTMPFS] = {"devtmpfs", 0x01021994}, [FS_PROC] = {"proc", 0x9fa0},
	[FS_SYSFS] = {"sysfs", 0x62656572},
};

/* One mounted instance, in mount order. */
struct mount_rec {
	struct mount_rec *next;
	struct inode *root;
	enum fs_kind kind;
	unsigned long flags;   /* MS_* as mount(2) got them */
	char source[64];
	uint32_t mode, uid, gid; /* tmpfs-style options: the root's (shown when not the default) */
	bool mode_set, uid_set, gid_set;
};

static struct mount_rec *mounts;

/* Instances not (yet) mounted: created but only recorded once vfs_mount runs. */
struct fs_instance {
	struct fs_instance *next;
	uint32_t dev;
	enum fs_kind kind;
};
static struct fs_instance *instances;

static int fs_kind_of(const char *type)
{
	for (unsigned i = 0; i < sizeof(fs_kinds) / sizeof(fs_kinds[0]); i++)
		if (!strcmp(type, fs_kinds[i].name))
			return (int)i;
	return -ENODEV;
}

static const struct fs_instance *instance_of(uint32_t dev)
{
	for (struct fs_instance *s = instances; s; s = s->next)
		if (s->dev == dev)
			return s;
	return NULL;
}

/* An empty tmpfs-like root: devtmpfs gets the standard device nodes. */
static int fs_create_tree(enum fs_kind kind, struct inode **out)
{
	struct inode *root = inode_alloc(vfs_new_dev(), S_IFDIR | (kind == FS_DEVTMPFS ? 0755 : 01777));
	int err;
	if (!root)
		return -ENOMEM;
	root->nlink = 2; /* its "." and the name it will be reached by */
	err = kind == FS_DEVTMPFS ? chrdev_populate(root) : 0;
	if (err) {
		root->nlink = 0;
		inode_put(root);
		return err;
	}
	*out = root;
	return 0;
}

/* A generated root (proc, sysfs), filled. */
static int fs_create_pseudo(enum fs_kind kind, struct inode **out)
{
	struct inode *root = pseudo_root();
	int err;
	if (!root)
		return -ENOMEM;
	err = kind == FS_PROC ? procfs_fill(root) : sysfs_fill(root);
	if (err) {
		dir_free_all(root);
		root->nlink = 0;
		inode_put(root);
		return err;
	}
	*out = root;
	return 0;
}

/* A new empty file-system root of type. 0 and *out (a reference), or -ENODEV/-ENOMEM. */
int vfs_fs_create(const char *type, struct inode **out)
{
	int kind = fs_kind_of(type);
	struct fs_instance *s;
	int err;
	if (kind < 0)
		return kind;
	s = kmalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (kind == FS_PROC || kind == FS_SYSFS)
		err = fs_create_pseudo((enum fs_kind)kind, out);
	else
		err = fs_create_tree((enum fs_kind)kind, out);
	if (err) {
		kfree(s);
		return err;
	}
	s->dev = (*out)->dev;
	s->kind = (enum fs_kind)kind;
	s->next = instances;
	instances = s;
	return 0;
}

static void instance_forget(uint32_t dev)
{
	for (struct fs_instance **pp = &instances; *pp; pp = &(*pp)->next) {
		if ((*pp)->dev == dev) {
			struct fs_instance *s = *pp;
			*pp = s->next;
			kfree(s);
			return;
		}
	}
}

static struct mount_rec *mount_find(const struct inode *root)
{
	for (struct mount_rec *m = mounts; m; m = m->next)
		if (m->root == root)
			return m;
	return NULL;
}

/* Mount root (whose reference moves to the mount) on directory dir. 0, -ENOTDIR, -EBUSY or -ENOMEM. */
int vfs_mount(struct inode *dir, struct inode *root)
{
	const struct fs_instance *s = instance_of(root->dev);
	struct mount_rec *m, **tail;
	while (dir->mounted)
		dir = dir->mounted;
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (root->covers)
		return -EBUSY;
	m = kmalloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->root = root;
	m->kind = s ? s->kind : FS_TMPFS;
	memcpy(m->source, fs_kinds[m->kind].name, strlen(fs_kinds[m->kind].name) + 1);
	for (tail = &mounts; *tail; tail = &(*tail)->next)
		;
	*tail = m;
	dir->mounted = root;
	root->covers = dir;
	root->parent = dir->parent;
	inode_get(dir); /* a covered directory stays even if its name goes */
	return 0;
}

/* An octal or decimal option value ("mode=1777", "uid=0"). false when malformed. */
static bool opt_number(const char *s, uint64_t len, unsigned base, uint32_t *out)
{
	uint64_t v = 0;
	if (!len)
		return false;
	for (uint64_t i = 0; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');
		if (d >= base)
			return false;
		v = v * base + d;
		if (v > 0xffffffffu)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

/* Apply one tmpfs option (mode, uid, gid; size and nr_inodes are accepted and not enforced). */
static int mount_option(struct mount_rec *m, const char *opt, uint64_t len)
{
	const char *eq = opt;
	while (eq < opt + len && *eq != '=')
		eq++;
	uint64_t klen = (uint64_t)(eq - opt), vlen = eq < opt + len ? len - klen - 1 : 0;
	const char *val = eq + 1;
	bool ok = true;
	if (klen == 4 && !memcmp(opt, "mode", 4))
		ok = m->mode_set = opt_number(val, vlen, 8, &m->mode);
	else if (klen == 3 && !memcmp(opt, "uid", 3))
		ok = m->uid_set = opt_number(val, vlen, 10, &m->uid);
	else if (klen == 3 && !memcmp(opt, "gid", 3))
		ok = m->gid_set = opt_number(val, vlen, 10, &m->gid);
	return ok ? 0 : -EINVAL;
}

/*
 * Record how root was mounted: the source name (NULL: keep it), MS_* flags
 * and the option string (a kernel copy; NULL for none). tmpfs and devtmpfs apply mode=,
 * uid= and gid= to their root as Linux does. 0 or -EINVAL (bad option).
 */
int vfs_mount_set(struct inode *root, const char *source, unsigned long flags, const char *data)
{
	struct mount_rec *m = mount_find(root);
	uint64_t n;
	if (!m)
		return -EINVAL;
	if (source) {
		n = strlen(source);
		if (n >= sizeof(m->source))
			n = sizeof(m->source) - 1;
		memcpy(m->source, source, n);
		m->source[n] = 0;
	}
	m->flags = flags;
	if (data && (m->kind == FS_TMPFS || m->kind == FS_DEVTMPFS || m->kind == FS_RAMFS)) {
		const char *p = data;
		while (*p) {
			const char *e = p;
			int err;
			while (*e && *e != ',')
				e++;
			err = mount_option(m, p, (uint64_t)(e - p));
			if (err)
				return err;
			p = *e ? e + 1 : e;
		}
		if (m->mode_set)
			root->mode = S_IFDIR | (m->mode & 07777);
		if (m->uid_set)
			root->uid = m->uid;
		if (m->gid_set)
			root->gid = m->gid;
	}
	return 0;
}

/* Something below root is in use: an open file, a cwd, a mapping, a mount on top. */
static bool inode_busy(const struct inode *ino)
{
	return ino->refs > 0 || ino->mounted || (S_ISREG(ino->mode) && ino->reg.map_refs > 0);
}

/*
 * Whether anything in the tree below root is in use. Walked without
 * recursion (a tree may be deeper than the kernel stack allows): down
 * through the first entry of each directory, back up through the parent.
 */
static bool mount_tree_busy(struct inode *root)
{
	struct inode *dir = root;
	struct dirent_node *de = root->dir.head;
	for (;;) {
		if (de) {
			struct inode *c = de->inode;
			if (inode_busy(c))
				return true;
			if (S_ISDIR(c->mode) && c->dir.head && c->parent == dir) {
				dir = c;
				de = c->dir.head;
			} else {
				de = de->next;
			}
			continue;
		}
		if (dir == root)
			return false;
		de = dir->parent->dir.head;
		while (de && de->inode != dir)
			de = de->next;
		dir = dir->parent;
		de = de ? de->next : NULL;
	}
}

/*
 * Undo the mount whose root is root. 0; -EINVAL when root is not a mounted
 * root; -EBUSY when something inside is in use, unless detach (MNT_DETACH):
 * then the tree lives on, unreachable, until its last user lets go.
 */
int vfs_umount(struct inode *root, bool detach)
{
	struct inode *dir = root->covers;
	struct mount_rec *m = mount_find(root);
	if (!dir || dir->mounted != root || root->mounted)
		return -EINVAL;
	if (!detach && (root->refs > 2 || mount_tree_busy(root))) /* 2: the mount's and the caller's */
		return -EBUSY;
	for (struct mount_rec **pp = &mounts; *pp; pp = &(*pp)->next) {
		if (*pp == m) {
			*pp = m->next;
			kfree(m);
			break;
		}
	}
	instance_forget(root->dev);
	dir->mounted = NULL;
	root->covers = NULL;
	if (root->pseudo)
		dir_free_all(root);
	root->nlink = 0;
	inode_put(root);
	inode_put(dir);
	return 0;
}

/* ---- /proc/mounts and statfs ------------------------------------------------------- */

/* The flag words /proc/mounts shows after rw/ro, in Linux's order (superblock, then mount). */
static const struct {
	unsigned long flag;
	const char *name;
} mount_flag_names[] = {
	{MS_SYNCHRONOUS, ",sync"}, {MS_DIRSYNC, ",dirsync"},       {MS_LAZYTIME, ",lazytime"},
	{MS_NOSUID, ",nosuid"},    {MS_NODEV, ",nodev"},           {MS_NOEXEC, ",noexec"},
	{MS_NOATIME, ",noatime"},  {MS_NODIRATIME, ",nodiratime"},
};

static void mount_flags_show(struct pbuf *b, unsigned long f)
{
	pbuf_printf(b, f & MS_RDONLY ? "ro" : "rw");
	for (unsigned i = 0; i < sizeof(mount_flag_names) / sizeof(mount_flag_names[0]); i++)
		if (f & mount_flag_names[i].flag)
			pbuf_printf(b, "%s", mount_flag_names[i].name);
	if (!(f & (MS_NOATIME | MS_STRICTATIME)))
		pbuf_printf(b, ",relatime");
}

/* The options tmpfs shows: a mode other than its default, a uid or gid other than 0. */
static void mount_opts_show(struct pbuf *b, const struct mount_rec *m)
{
	uint32_t mode = m->root->mode & 07777;
	uint32_t def = m->kind == FS_TMPFS || m->kind == FS_RAMFS ? 01777 : 0;
	if (m->kind == FS_PROC || m->kind == FS_SYSFS)
		return;
	if (mode != def) {
		char oct[8];
		int n = 0, shift = 9;
		while (shift > 0 && !(mode >> shift))
			shift -= 3;
		for (; shift >= 0; shift -= 3)
			oct[n++] = (char)('0' + ((mode >> shift) & 7));
		oct[n] = 0;
		pbuf_printf(b, ",mode=%s", oct);
	}
	if (m->root->uid)
		pbuf_printf(b, ",uid=%u", m->root->uid);
	if (m->root->gid)
		pbuf_printf(b, ",gid=%u", m->root->gid);
}

/* /proc/mounts: the root file system, then every mount in the order it was made. */
void mount_show(struct pbuf *b)
{
	char *path = kmalloc(VFS_PATH_MAX);
	if (!path) {
		b->oom = true;
		return;
	}
	pbuf_printf(b, "rootfs / rootfs rw 0 0\n");
	for (struct mount_rec *m = mounts; m; m = m->next) {
		if (vfs_path_of(m->root, path, VFS_PATH_MAX) < 0)
			continue; /* below a removed directory or outside the caller's root */
		pbuf_printf(b, "%s %s %s ", m->source, path, fs_kinds[m->kind].name);
		mount_flags_show(b, m->flags);
		mount_opts_show(b, m);
		pbuf_printf(b, " 0 0\n");
	}
	kfree(path);
}

/* statfs: the magic number of the file system holding ino and its ST_* flags. */
void vfs_statfs_info(const struct inode *ino, int64_t *magic, int64_t *flags)
{
	const struct fs_instance *s = instance_of(ino->dev);
	*magic = fs_kinds[s ? s->kind : FS_TMPFS].magic;
	*flags = ST_VALID;
	for (struct mount_rec *m = mounts; m; m = m->next) {
		if (m->root->dev != ino->dev)
			continue;
		/* ST_RDONLY..ST_NOEXEC share MS_*'s bits; noatime and relatime have their own. */
		*flags |= (int64_t)(m->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC |
						MS_SYNCHRONOUS | MS_NOATIME | MS_NODIRATIME));
		if (!(m->flags & (MS_NOATIME | MS_STRICTATIME)))
			*flags |= ST_RELATIME;
		break;
	}
}
