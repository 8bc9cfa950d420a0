/*
 * mmcore/file.h - what mmcore needs from a file to map it: its size and its
 * page-cache pages. The home supplies the operations (the simulator's
 * synthetic files, the kernel's tmpfs/initramfs files).
 */
#ifndef MMCORE_FILE_H
#define MMCORE_FILE_H

#include "mmcore/page.h"

struct mm_file;

struct mm_file_ops {
	/* Current size in bytes. */
	uint64_t (*size)(struct mm_file *f);
	/*
	 * The page-cache frame holding page `index` of the file, filled with
	 * the file's contents, with one reference taken for the caller
	 * (page_put() drops it). Returns 0, -MM_ENOMEM, or -MM_EFAULT when
	 * index lies beyond the end of the file.
	 */
	int (*get_page)(struct mm_file *f, uint64_t index, struct page **out);
	/* Called when a shared mapping dirties a cache page (may be NULL). */
	void (*set_dirty)(struct mm_file *f, struct page *pg);
	/* Reference counting of the file object itself (mappings hold one). */
	void (*get)(struct mm_file *f);
	void (*put)(struct mm_file *f);
};

struct mm_file {
	const struct mm_file_ops *ops;
	const char *name; /* for /proc/PID/maps-style dumps; may be NULL */
	uint64_t ino;     /* identity for merge decisions and dumps */
};

#endif
