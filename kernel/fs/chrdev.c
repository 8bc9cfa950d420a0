/*
 * fs/chrdev.c - character devices by number (Linux's numbers, so the
 * nodes in an initramfs made for Linux work here): the memory devices
 * null, zero, full, random and urandom (major 1), and the console, tty
 * and ttyS0, which all lead to the one serial console.
 */
#include "kernel/errno.h"
#include "kernel/kstring.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "vfs_internal.h"

static long null_read(struct file *f, struct iobuf *b, uint64_t len, uint64_t *pos)
{
	return 0;
}

/* Writes to null and zero succeed whole and go nowhere. */
static long sink_write(struct file *f, struct iobuf *b, uint64_t len, uint64_t *pos)
{
	return (long)(len > (uint64_t)INT64_MAX ? (uint64_t)INT64_MAX : len);
}

/* Fill len bytes of b from gen (called per 256-byte chunk). Bytes filled, or -EFAULT. */
static long fill_read(struct iobuf *b, uint64_t len, void (*gen)(uint8_t *chunk, unsigned n))
{
	uint8_t chunk[256];
	uint64_t done = 0;
	while (done < len) {
		unsigned n = len - done < sizeof(chunk) ? (unsigned)(len - done) : sizeof(chunk);
		gen(chunk, n);
		if (iobuf_put(b, done, chunk, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return (long)done;
}

static void gen_zero(uint8_t *chunk, unsigned n)
{
	memset(chunk, 0, n);
}

/*
 * Zeroes go straight into the user's buffer (rep stosb through clear_user,
 * as Linux's read_zero), a page at a time so a fault reports the bytes
 * already cleared; kernel buffers are filled in place.
 */
static long zero_read(struct file *f, struct iobuf *b, uint64_t len, uint64_t *pos)
{
	uint64_t done = 0;
	if (!b->user)
		return fill_read(b, len, gen_zero);
	while (done < len) {
		uint64_t n = len - done < 4096 ? len - done : 4096;
		if (clear_user(b->uaddr + done, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return (long)done;
}

static long full_write(struct file *f, struct iobuf *b, uint64_t len, uint64_t *pos)
{
	return len ? -ENOSPC : 0;
}

/*
 * Pseudo-random bytes: splitmix64 seeded from the TSC and stirred with it
 * on every call. Unpredictable enough for hash seeds and temp names; there
 * is no entropy pool behind it, so nothing cryptographic should trust it.
 */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void gen_random(uint8_t *chunk, unsigned n)
{
	rng_state ^= time_ns();
	for (unsigned i = 0; i < n; i += 8) {
		uint64_t v = rng_next();
		for (unsigned j = 0; j < 8 && i + j < n; j++)
			chunk[i + j] = (uint8_t)(v >> (8 * j));
	}
}

static long random_read(struct file *f, struct iobuf *b, uint64_t len, uint64_t *pos)
{
	return fill_read(b, len, gen_random);
}

static const struct file_ops null_ops = {.read = null_read, .write = sink_write};
static const struct file_ops zero_ops = {.read = zero_read, .write = sink_write};
static const struct file_ops full_ops = {.read = zero_read, .write = full_write};
static const struct file_ops random_ops = {.read = random_read, .write = sink_write};

/* Operations of device rdev, or NULL when there is no such device (ENXIO). */
const struct file_ops *chrdev_ops(uint32_t rdev)
{
	switch (rdev) {
	case MKDEV(1, 3):
		return &null_ops;
	case MKDEV(1, 5):
		return &zero_ops;
	case MKDEV(1, 7):
		return &full_ops;
	case MKDEV(1, 8):
	case MKDEV(1, 9):
		return &random_ops;
	case MKDEV(4, 64): /* ttyS0 */
	case MKDEV(5, 0):  /* tty: the controlling terminal, which is always the console here */
	case MKDEV(5, 1):  /* console */
		return &console_ops;
	default:
		return NULL;
	}
}

int chrdev_open(struct file *f, unsigned flags)
{
	return f->ops == &console_ops ? console_open(f, flags) : 0;
}

static const struct {
	const char *name;
	uint32_t mode;
	uint32_t rdev;
} chrdev_nodes[] = {
	{"null", 0666, MKDEV(1, 3)},   {"zero", 0666, MKDEV(1, 5)},
	{"full", 0666, MKDEV(1, 7)},   {"random", 0666, MKDEV(1, 8)},
	{"urandom", 0666, MKDEV(1, 9)}, {"tty", 0666, MKDEV(5, 0)},
	{"console", 0600, MKDEV(5, 1)}, {"ttyS0", 0660, MKDEV(4, 64)},
};

/* Create the standard device nodes in dir (those already there are kept). 0 or -ENOMEM. */
int chrdev_populate(struct inode *dir)
{
	for (unsigned i = 0; i < sizeof(chrdev_nodes) / sizeof(chrdev_nodes[0]); i++) {
		const char *name = chrdev_nodes[i].name;
		uint64_t len = strlen(name);
		struct inode *ino;
		int err;
		if (dir_find(dir, name, len))
			continue;
		err = dir_create(dir, name, len, S_IFCHR | chrdev_nodes[i].mode, &ino);
		if (err)
			return err;
		ino->rdev = chrdev_nodes[i].rdev;
		inode_put(ino);
	}
	return 0;
}
