/*
 * simulator/sim_file.h - the simulator's files and their page cache.
 *
 * A file is SIZE bytes whose byte at offset o reads as o mod 251 until a
 * shared mapping writes it. Its pages are cached on first use in frames
 * from the buddy allocator (PG_CACHE, one reference held by the cache);
 * shared mappings map those very frames, so writes are visible to every
 * mapping and process. mmcore reaches a file only through mm_file_ops.
 */
#ifndef SIM_FILE_H
#define SIM_FILE_H

#include "mmcore/file.h"

struct sim_file {
	struct mm_file base;     /* must stay first: mmcore sees this */
	char name[64];
	uint64_t size;           /* bytes */
	uint64_t npages;         /* pages covering size */
	struct page ***chunks;   /* page index -> cache frame, 512 per chunk */
	uint64_t nchunks;
	uint64_t cached;         /* frames in the cache */
	long refs;               /* mappings + the simulator's own reference */
	uint8_t *holes;          /* bit per page: punched, reads 0 (NULL: none yet) */
	struct sim_file *next;   /* all files of the machine */
};

/*
 * Punch pages [first, last) of f (MADV_REMOVE on a shared mapping, after
 * mmcore unmapped them): they read zero from now on, as a hole in a tmpfs
 * file does; cached frames nothing maps any more are freed. Returns 0, or
 * -1 when the host has no memory for the hole map (nothing changed).
 */
int sim_file_punch(struct sim_file *f, uint64_t first, uint64_t last);

/* Every live file, newest first. */
extern struct sim_file *sim_files;

/* A new file with no cached pages. Returns it, or NULL (no host memory). */
struct sim_file *sim_file_create(const char *name, uint64_t size, uint64_t ino);

/*
 * Drop every cached frame (they must be unmapped: only the cache's
 * reference left) and the simulator's reference; the object is freed when
 * the last mapping is gone. Returns the number of frames still referenced
 * by someone else (a leak), which are left alone.
 */
uint64_t sim_file_destroy(struct sim_file *f);

/*
 * Reclaim what can be reclaimed: free clean cached frames that nothing
 * maps, in every file. Returns the number of frames freed.
 */
uint64_t sim_file_reclaim_all(void);

/* Frames currently held by all page caches. */
uint64_t sim_file_cached_pages(void);

/*
 * mm_check()'s extra_refs callback: the references the page caches hold on
 * frame pfn (1 for a cached frame, else 0). ctx is unused.
 */
int32_t sim_file_extra_refs(uint64_t pfn, void *ctx);

#endif
