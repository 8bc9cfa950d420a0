/*
 * fs/fdtable.c - file descriptor tables: an array of slots that grows by
 * doubling up to FDTABLE_MAX; a slot holds one reference to its file and
 * the close-on-exec flag (a property of the descriptor, not of the file).
 */
#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/kstring.h"
#include "kernel/task.h"
#include "vfs_internal.h"

#define FDTABLE_INITIAL 16

struct fdtable *fdtable_create(void)
{
	struct fdtable *t = kmalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->slots = kmalloc(FDTABLE_INITIAL * sizeof(*t->slots));
	if (!t->slots) {
		kfree(t);
		return NULL;
	}
	t->size = FDTABLE_INITIAL;
	t->refs = 1;
	return t;
}

/* Grow t so that slot fd exists. 0, -EMFILE past the limit, or -ENOMEM. */
static int fdtable_grow(struct fdtable *t, int fd)
{
	int size = t->size;
	struct fd_slot *slots;
	if (fd >= FDTABLE_MAX)
		return -EMFILE;
	if (fd < size)
		return 0;
	while (size <= fd)
		size *= 2;
	if (size > FDTABLE_MAX)
		size = FDTABLE_MAX;
	slots = kmalloc((size_t)size * sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	memcpy(slots, t->slots, (size_t)t->size * sizeof(*slots));
	kfree(t->slots);
	t->slots = slots;
	t->size = size;
	return 0;
}

/* A copy of t for fork (each open file gains a reference). NULL on ENOMEM. */
struct fdtable *fdtable_fork(struct fdtable *t)
{
	struct fdtable *c = fdtable_create();
	if (!c)
		return NULL;
	if (fdtable_grow(c, t->size - 1)) {
		fdtable_put(c);
		return NULL;
	}
	for (int i = 0; i < t->size; i++) {
		c->slots[i] = t->slots[i];
		if (c->slots[i].file)
			file_get(c->slots[i].file);
	}
	return c;
}

void fdtable_get(struct fdtable *t)
{
	t->refs++;
}

/* Clear slot fd of t, returning the file it held (the caller puts it). */
static struct file *fdtable_take(struct fdtable *t, int fd)
{
	struct file *f = t->slots[fd].file;
	t->slots[fd].file = NULL;
	t->slots[fd].cloexec = false;
	return f;
}

void fdtable_put(struct fdtable *t)
{
	if (!t || --t->refs > 0)
		return;
	for (int i = 0; i < t->size; i++)
		file_put(fdtable_take(t, i));
	kfree(t->slots);
	kfree(t);
}

void fdtable_close_on_exec(struct fdtable *t)
{
	for (int i = 0; i < t->size; i++)
		if (t->slots[i].file && t->slots[i].cloexec)
			file_put(fdtable_take(t, i));
}

static struct fdtable *current_files(void)
{
	struct task *t = current_task();
	return t ? t->files : NULL;
}

int fd_limit(void)
{
	struct task *t = current_task();
	uint64_t lim = t ? t->rlimits[RLIMIT_NOFILE].cur : FDTABLE_MAX;
	return lim < FDTABLE_MAX ? (int)lim : FDTABLE_MAX;
}

/* The current task's file at fd with a reference, or NULL. */
struct file *fd_get(int fd)
{
	struct fdtable *t = current_files();
	struct file *f;
	if (!t || fd < 0 || fd >= t->size)
		return NULL;
	f = t->slots[fd].file;
	if (f)
		file_get(f);
	return f;
}

/* Install f at the lowest free fd >= min. The descriptor, or -EMFILE/-ENOMEM/-EINVAL. */
int fd_install_from(struct file *f, int min, bool cloexec)
{
	struct fdtable *t = current_files();
	int fd, err;
	if (!t)
		return -EBADF;
	if (min < 0)
		return -EINVAL;
	for (fd = min; fd < t->size && t->slots[fd].file; fd++)
		;
	if (fd >= fd_limit())
		return -EMFILE;
	err = fdtable_grow(t, fd);
	if (err)
		return err;
	t->slots[fd].file = f;
	t->slots[fd].cloexec = cloexec;
	return fd;
}

int fd_install(struct file *f, int flags)
{
	return fd_install_from(f, 0, (flags & O_CLOEXEC) != 0);
}

/* Put f at fd exactly (dup2): what was there is closed. 0 or -EBADF/-ENOMEM. */
int fd_install_at(struct file *f, int fd, bool cloexec)
{
	struct fdtable *t = current_files();
	struct file *old;
	int err;
	if (!t || fd < 0 || fd >= fd_limit())
		return -EBADF;
	err = fdtable_grow(t, fd);
	if (err)
		return err;
	old = fdtable_take(t, fd);
	t->slots[fd].file = f;
	t->slots[fd].cloexec = cloexec;
	file_put(old);
	return 0;
}

int fd_close(int fd)
{
	struct fdtable *t = current_files();
	if (!t || fd < 0 || fd >= t->size || !t->slots[fd].file)
		return -EBADF;
	file_put(fdtable_take(t, fd));
	return 0;
}

int fd_get_cloexec(int fd)
{
	struct fdtable *t = current_files();
	if (!t || fd < 0 || fd >= t->size || !t->slots[fd].file)
		return -EBADF;
	return t->slots[fd].cloexec;
}

int fd_set_cloexec(int fd, bool on)
{
	struct fdtable *t = current_files();
	if (!t || fd < 0 || fd >= t->size || !t->slots[fd].file)
		return -EBADF;
	t->slots[fd].cloexec = on;
	return 0;
}
