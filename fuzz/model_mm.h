/*
 * fuzz/model_mm.h - the reference model fuzz_mm checks mmcore against: what
 * each process must see, with Linux semantics, kept as simply as possible.
 *
 * A process is a sorted array of segments (page-aligned ranges with one
 * protection and one backing) plus the private pages it has written. A
 * backing is private anonymous memory, or an object (a file or a shared
 * anonymous region) at a byte offset; objects keep the pages written
 * through shared mappings. Segments are never merged: the model knows
 * nothing of VMA boundaries, only of per-page properties.
 *
 * The model is host code (libc allowed) and never looks at mmcore state,
 * except where a caller passes a VMA extent in (mremap's rules depend on
 * VMA merging, which the model leaves to mmcore and checks separately).
 */
#ifndef FUZZ_MODEL_MM_H
#define FUZZ_MODEL_MM_H

#include <stdbool.h>
#include <stdint.h>

#define MODEL_PAGE 4096ull
#define MODEL_OBJS 16

enum model_prot { MP_R = 1, MP_W = 2, MP_X = 4 };
enum model_access { MA_READ, MA_WRITE, MA_EXEC };
/* Outcome of an access, as the trace language names them. */
enum model_outcome { MO_OK, MO_SIGSEGV, MO_SIGBUS };

/* A page of bytes, keyed by page index (objects) or page address (processes). */
struct model_page {
	uint64_t key;
	struct model_page *next;
	uint8_t data[MODEL_PAGE];
};

struct model_obj {
	bool used;
	bool file;             /* else shared anonymous memory (reads 0) */
	uint64_t size;         /* bytes; pages at or past ALIGN_UP(size) raise SIGBUS */
	const void *handle;    /* mmcore's mm_file for this object, once known */
	struct model_page *pages;
};

struct model_seg {
	uint64_t start, end;
	int prot;              /* enum model_prot bits */
	bool shared;
	int obj;               /* -1: anonymous private memory */
	uint64_t off;          /* byte offset of `start` in the object */
	bool dontfork;
	bool wipeonfork;       /* a fork child gets this range empty */
};

struct model_proc {
	struct model_seg *segs;
	unsigned nsegs, cap;
	struct model_page *priv; /* private pages written (copy-on-write copies) */
};

struct model {
	struct model_obj objs[MODEL_OBJS];
};

void model_init(struct model *m);
void model_fini(struct model *m);
/* A new object; returns its index or -1 when the table is full. */
int model_obj_new(struct model *m, bool file, uint64_t size);
/* Forget object i (no segment refers to it any more). */
void model_obj_release(struct model *m, int i);

void model_proc_init(struct model_proc *p);
void model_proc_clear(struct model_proc *p);
/* child := fork(parent): segments without dontfork, their private pages unless wipeonfork. */
void model_proc_fork(struct model_proc *child, const struct model_proc *parent);

/* The segment holding va, or NULL. */
const struct model_seg *model_seg_at(const struct model_proc *p, uint64_t va);
/* True when some segment intersects [start, end). */
bool model_overlaps(const struct model_proc *p, uint64_t start, uint64_t end);

/* Add a mapping (the range must be free). */
void model_map(struct model_proc *p, const struct model_seg *s);
/* Remove [start, end) and the private pages in it. */
void model_unmap(struct model_proc *p, uint64_t start, uint64_t end);

/*
 * mprotect semantics on [start, end): returns 0, or -12 (ENOMEM) when start
 * is unmapped (nothing changes) or a hole follows (the part before it keeps
 * the new protection), as Linux does.
 */
int model_mprotect(struct model_proc *p, uint64_t start, uint64_t end, int prot);

/*
 * madvise semantics on [start, end) for the advice numbers of mm.h.
 * Returns 0 or -errno as Linux does (ENOMEM for holes, after applying the
 * advice to every mapped part; EINVAL/EACCES for REMOVE where it is refused,
 * EINVAL for WIPEONFORK on anything but private anonymous memory).
 */
int model_madvise(struct model *m, struct model_proc *p, uint64_t start, uint64_t end,
		  int advice);

/*
 * Move [old, old + len) to new_addr (free in the model); with keep_old the
 * old range stays mapped but loses its private pages (MREMAP_DONTUNMAP).
 */
void model_move(struct model_proc *p, uint64_t old, uint64_t len, uint64_t new_addr,
		bool keep_old);
/* Extend the segment ending at end by `more` bytes (the range above is free). */
void model_grow(struct model_proc *p, uint64_t end, uint64_t more);

/* One access of kind `a` at va; a read stores the byte in *byte, a write takes it. */
enum model_outcome model_access(struct model *m, struct model_proc *p, uint64_t va,
				enum model_access a, uint8_t *byte);

/* Change the protection of the pages of [start, end) (used to resync after ENOMEM). */
void model_set_prot(struct model_proc *p, uint64_t start, uint64_t end, int prot);
/* Set or clear dontfork on [start, end). */
void model_set_dontfork(struct model_proc *p, uint64_t start, uint64_t end, bool on);
/* Set or clear wipeonfork on [start, end). */
void model_set_wipeonfork(struct model_proc *p, uint64_t start, uint64_t end, bool on);

#endif
